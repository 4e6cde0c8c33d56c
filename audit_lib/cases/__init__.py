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

from typing import TYPE_CHECKING

from ..core.lazy import lazy_exports
from .schema import Reason

__all__ = ["CaseLog", "Reason", "load_case_log"]

__getattr__ = lazy_exports(__name__, {"CaseLog": "load", "load_case_log": "load"})


if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors
    from .load import CaseLog, load_case_log
