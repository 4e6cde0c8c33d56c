"""Which version of the Code applies to a reporting period, from ``data/versions.yaml``.

The versions are listed newest first, each with the day it applies from; a period is assessed
against the first version that applies on its first day (1 April), and the oldest version
(``from: null``) applies to every earlier period. A landlord may override this per period
(:meth:`audit_lib.config.landlords.Landlord.code_for`).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..core.io import describe_validation_error, load_yaml
from ..core.periods import Period
from ..errors import CatalogueError
from .catalogue import code_data_file

__all__ = ["code_in_force", "previous_version", "versions"]


class _Applies(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    code: str
    applies_from: dt.date | None = Field(alias="from")


class _Versions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    applies: tuple[_Applies, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _newest_first(self) -> _Versions:
        dates = [a.applies_from for a in self.applies]
        if None in dates[:-1] or dates[-1] is not None:
            raise ValueError("applies: only the last (oldest) version may have from: null, and it must")
        known = [d for d in dates if d is not None]
        if known != sorted(known, reverse=True) or len(set(known)) != len(known):
            raise ValueError("applies: list the versions newest first, each from a later day than the next")
        codes = [a.code for a in self.applies]
        if len(set(codes)) != len(codes):
            raise ValueError("applies: each version once")
        return self


@cache
def _load() -> _Versions:
    path = code_data_file("versions.yaml")
    if path is None:
        raise CatalogueError("the product's data/versions.yaml is missing; reinstall the product")
    try:
        return _Versions.model_validate(load_yaml(path, CatalogueError))
    except ValidationError as exc:
        raise CatalogueError(describe_validation_error(exc), path=path) from None


def versions() -> tuple[str, ...]:
    """The Code versions, oldest first (``("2020", "2022", "2024")``)."""
    return tuple(a.code for a in reversed(_load().applies))


def code_in_force(period: Period) -> str:
    """The version of the Code that applies to ``period`` (on its first day)."""
    for entry in _load().applies:
        if entry.applies_from is None or entry.applies_from <= period.start:
            return entry.code
    raise AssertionError("unreachable: the oldest version applies to every earlier period")


def previous_version(code: str) -> str | None:
    """The version before ``code`` (``None`` for the first, or a version not listed)."""
    order = versions()
    if code not in order or order.index(code) == 0:
        return None
    return order[order.index(code) - 1]
