"""Case logs: a housing system's complaint export read, mapped to canonical columns and validated.

``schema`` names the canonical columns and their vocabularies and the reason codes of problems;
``read`` reads CSV, Excel or Parquet as text; ``validate`` types and checks every field and
lists each problem as a finding (row, case, column, reason code); ``load`` puts them together
into a :class:`CaseLog`. Columns outside the schema (names, addresses) go no further than ``load``.
"""

from .load import CaseLog, load_case_log

__all__ = ["CaseLog", "load_case_log"]
