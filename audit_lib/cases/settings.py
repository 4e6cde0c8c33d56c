"""How to read one housing system's export: where it is, its format, and how its columns map.

A landlord's ``landlord.yaml`` holds these settings under ``case_log:``; the configuration
(:mod:`audit_lib.config`) validates them with this model, and the reader uses them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError, field_validator

from ..core.io import describe_validation_error
from ..errors import CaseLogError
from .schema import CANONICAL_COLUMNS, OMBUDSMAN_OUTCOMES, OPTIONAL_COLUMNS, OUTCOMES

#: The header may be this far down at most (title lines above it); a larger number is a mistake.
MAX_HEADER_ROW = 1_000
#: Rows read from a case log by default at most (``case_log.max_rows``); a larger export is refused.
DEFAULT_MAX_ROWS = 5_000_000
#: Free-text values (category, channel, refused reason) seen fewer times than this in a case log
#: are counted as "Other" unless the landlord's own list names them (``case_log.rare_below``).
DEFAULT_RARE_BELOW = 3


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
    header_row: int = Field(default=1, ge=1, le=MAX_HEADER_ROW)  # 1-based row of the column names
    #: At most this many rows are read; a longer export is refused with one line.
    max_rows: PositiveInt = DEFAULT_MAX_ROWS
    encoding: str = "utf-8-sig"
    columns: dict[str, str] = Field(default_factory=dict)  # export column -> canonical name
    personal_data_columns: tuple[str, ...] = ()  # export columns dropped on load
    #: The housing system's own outcome words -> the Code's (e.g. ``Resolved: upheld``); matched
    #: ignoring case and spacing. A word neither here nor in the vocabulary is listed and counted
    #: as "not recorded".
    outcomes: dict[str, str] = Field(default_factory=dict)
    #: The same for the Ombudsman's determinations (e.g. ``Maladministration found: maladministration``).
    ombudsman_outcomes: dict[str, str] = Field(default_factory=dict)
    #: The landlord's own words for categories, channels and refusal reasons: a list of words, or
    #: word -> the label shown (matched ignoring case and spacing). A word listed here is always
    #: shown; a word not listed and seen fewer than ``rare_below`` times in the log is counted as
    #: "Other", so free text typed into these columns never reaches a figure.
    categories: dict[str, str] = Field(default_factory=dict)
    channels: dict[str, str] = Field(default_factory=dict)
    refused_reasons: dict[str, str] = Field(default_factory=dict)
    rare_below: PositiveInt = DEFAULT_RARE_BELOW

    def __init__(self, **data: Any) -> None:
        """Settings given directly (the command line's ``--cases``) are checked as the configuration
        is: a wrong value is a :class:`~audit_lib.errors.CaseLogError` of one line, not a traceback."""
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise CaseLogError(f"case-log settings: {describe_validation_error(exc)}") from None

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

    @field_validator("categories", "channels", "refused_reasons", mode="before")
    @classmethod
    def _listed_words(cls, value: object) -> object:
        """A list of words: each is its own label."""
        if isinstance(value, (list, tuple)) and all(isinstance(word, str) for word in value):
            return {word: word for word in value}
        return value

    @field_validator("categories", "channels", "refused_reasons")
    @classmethod
    def _labels(cls, value: dict[str, str]) -> dict[str, str]:
        folded = {fold_word(k): " ".join(v.split()) for k, v in value.items()}
        if "" in folded or "" in folded.values():
            raise ValueError("maps a blank word or to a blank label; a blank cell is never a word of the list")
        return folded

    @field_validator("columns")
    @classmethod
    def _known_targets(cls, value: dict[str, str]) -> dict[str, str]:
        allowed = set(CANONICAL_COLUMNS) | set(OPTIONAL_COLUMNS)
        unknown = sorted(set(value.values()) - allowed)
        if unknown:
            raise ValueError(f"maps to unknown canonical column(s) {unknown}; expected one of {sorted(allowed)}")
        return value
