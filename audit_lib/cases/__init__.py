"""Case logs: a housing system's complaint export read, mapped to canonical columns and validated.

``schema`` names the canonical and optional columns, their vocabularies and limits, and the
:class:`Reason` codes of problems (plain data, no pandas); ``read`` reads CSV, Excel or Parquet
as text and checks the header (rows with another number of fields than the header are listed,
their values not read); ``validate`` types and checks every field and lists each problem as a
finding (row, case, column, the value as it may be shown, prose reason and reason code); ``load`` puts them
together into a :class:`CaseLog`. Columns outside the schema (names, addresses) go no further
than ``load``. ``CaseLog`` and ``load_case_log`` are imported on first use, so configuration can
read the schema without loading pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .schema import Reason

__all__ = ["CaseLog", "Reason", "load_case_log"]

_LAZY = {"CaseLog": "load", "load_case_log": "load"}


def __getattr__(name: str) -> Any:
    """Import ``load``'s public names on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors
    from .load import CaseLog, load_case_log
