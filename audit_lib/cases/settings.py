"""How to read one housing system's export: where it is, its format, and how its columns map.

A landlord's ``landlord.yaml`` holds these settings under ``case_log:``; the configuration
(:mod:`audit_lib.config`) validates them with this model, and the reader uses them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, field_validator

from .schema import CANONICAL_COLUMNS, OPTIONAL_COLUMNS


class CaseLogSettings(BaseModel):
    """Where the housing system's export is and how its columns map to canonical names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    format: Literal["csv", "xlsx", "parquet"] | None = None  # None: from the file's suffix
    sheet: str | None = None
    header_row: PositiveInt = 1  # 1-based row holding the column names (title lines above it)
    encoding: str = "utf-8-sig"
    columns: dict[str, str] = Field(default_factory=dict)  # export column -> canonical name
    personal_data_columns: tuple[str, ...] = ()  # export columns dropped on load

    @field_validator("path")
    @classmethod
    def _relative(cls, value: str) -> str:
        if Path(value).is_absolute() or ".." in Path(value).parts:
            raise ValueError("must be a path inside the landlord's inputs folder, without '..'")
        return value

    @field_validator("columns")
    @classmethod
    def _known_targets(cls, value: dict[str, str]) -> dict[str, str]:
        allowed = set(CANONICAL_COLUMNS) | set(OPTIONAL_COLUMNS)
        unknown = sorted(set(value.values()) - allowed)
        if unknown:
            raise ValueError(f"maps to unknown canonical column(s) {unknown}; expected one of {sorted(allowed)}")
        return value
