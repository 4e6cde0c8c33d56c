"""The Complaint Handling Code catalogue: sections and assessable provisions, from data files.

Provision ids (``2024:6.2``) are the stable keys of everything else in the product; never
derive identity from wording, which differs between versions of the Code.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from ..core.io import describe_validation_error, load_yaml
from ..errors import CatalogueError

DEFAULT_CODE = "2024"


class Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int
    title: str


class Provision(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    number: str
    section: int
    subsection: str | None = None
    modal: Literal["must", "expected"]
    text: str

    @property
    def id(self) -> str:
        """The stable key, e.g. ``2024:6.2``."""
        return f"{self.code}:{self.number}"

    @property
    def sort_key(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.number.split("."))


class Catalogue(BaseModel):
    """One version of the Code."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    title: str
    publisher: str
    in_force: str
    sections: tuple[Section, ...]
    provisions: tuple[Provision, ...]

    @model_validator(mode="before")
    @classmethod
    def _stamp_code(cls, data: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("provisions"), list):
            code = data.get("code")
            data = {**data, "provisions": [{"code": code, **p} if isinstance(p, dict) else p for p in data["provisions"]]}
        return data

    @model_validator(mode="after")
    def _check_consistency(self) -> Catalogue:
        numbers = [p.number for p in self.provisions]
        if len(set(numbers)) != len(numbers):
            raise ValueError("provision numbers must be unique")
        known = {s.number for s in self.sections}
        for p in self.provisions:
            if p.section not in known or not p.number.startswith(f"{p.section}."):
                raise ValueError(f"provision {p.number} names section {p.section}, which does not hold it")
        return self

    def section(self, number: int) -> Section:
        for section in self.sections:
            if section.number == number:
                return section
        raise CatalogueError(f"the {self.code} Code has no section {number}; expected 1 to {len(self.sections)}")

    def provisions_in(self, section: int) -> tuple[Provision, ...]:
        return tuple(p for p in self.provisions if p.section == section)

    def provision(self, key: str) -> Provision:
        """Look up a provision by id (``2024:6.2``) or by number within this Code (``6.2``)."""
        number = key.split(":", 1)[1] if key.startswith(f"{self.code}:") else key
        for p in self.provisions:
            if p.number == number:
                return p
        raise CatalogueError(f"unknown provision {key!r} in the {self.code} Code; expected an id such as '{self.code}:6.2'")

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.provisions)


def _data_file(code: str) -> Path:
    return Path(str(resources.files("audit_lib.code") / "data" / f"code_{code}.yaml"))


def load_catalogue_file(path: Path) -> Catalogue:
    """Load and validate a catalogue data file."""
    raw = load_yaml(path, CatalogueError)
    try:
        return Catalogue.model_validate(raw)
    except ValidationError as exc:
        raise CatalogueError(describe_validation_error(exc), path=path) from None


@lru_cache(maxsize=4)
def load_catalogue(code: str = DEFAULT_CODE) -> Catalogue:
    """The catalogue of one version of the Code shipped with the product (default 2024)."""
    path = _data_file(code)
    if not path.is_file():
        raise CatalogueError(f"no catalogue for Code version {code!r}; this product ships {DEFAULT_CODE!r}")
    return load_catalogue_file(path)
