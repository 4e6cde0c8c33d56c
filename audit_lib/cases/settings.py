"""How to read one housing system's export: where it is, its format, and how its columns map.

A landlord's ``landlord.yaml`` holds these settings under ``case_log:``; the configuration
(:mod:`audit_lib.config`) validates them with this model, and the reader uses them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, field_validator

from .schema import CANONICAL_COLUMNS, OMBUDSMAN_OUTCOMES, OPTIONAL_COLUMNS, OUTCOMES


def fold_word(word: str) -> str:
    """A cell's word as it is matched: trimmed, lower case, runs of spaces as one."""
    return " ".join(word.split()).lower()


def _word_map(value: dict[str, str], vocabulary: tuple[str, ...]) -> dict[str, str]:
    folded = {fold_word(k): fold_word(v) for k, v in value.items()}
    wrong = sorted({v for v in folded.values() if v not in vocabulary})
    if wrong:
        raise ValueError(f"maps to {wrong}, which is not an outcome; expected one of {list(vocabulary)}")
    if "" in folded:
        raise ValueError("maps a blank word; a blank cell always means no outcome recorded")
    return folded


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
    #: The housing system's own outcome words -> the Code's (e.g. ``Resolved: upheld``); matched
    #: ignoring case and spacing. A word neither here nor in the vocabulary is listed and counted
    #: as "not recorded".
    outcomes: dict[str, str] = Field(default_factory=dict)
    #: The same for the Ombudsman's determinations (e.g. ``Maladministration found: maladministration``).
    ombudsman_outcomes: dict[str, str] = Field(default_factory=dict)

    @field_validator("path")
    @classmethod
    def _relative(cls, value: str) -> str:
        if Path(value).is_absolute() or ".." in Path(value).parts:
            raise ValueError("must be a path inside the landlord's inputs folder, without '..'")
        return value

    @field_validator("outcomes")
    @classmethod
    def _outcome_words(cls, value: dict[str, str]) -> dict[str, str]:
        return _word_map(value, OUTCOMES)

    @field_validator("ombudsman_outcomes")
    @classmethod
    def _ombudsman_words(cls, value: dict[str, str]) -> dict[str, str]:
        return _word_map(value, OMBUDSMAN_OUTCOMES)

    @field_validator("columns")
    @classmethod
    def _known_targets(cls, value: dict[str, str]) -> dict[str, str]:
        allowed = set(CANONICAL_COLUMNS) | set(OPTIONAL_COLUMNS)
        unknown = sorted(set(value.values()) - allowed)
        if unknown:
            raise ValueError(f"maps to unknown canonical column(s) {unknown}; expected one of {sorted(allowed)}")
        return value
