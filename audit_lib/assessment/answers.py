"""The answers model: one landlord's self-assessment for one period, as validated data.

A provision's :class:`Answer` is its :class:`Status`, the :class:`Evidence` behind it, the
commentary and the :class:`Action` items that close a gap; an :class:`Assessment` holds every
answer with its :class:`SignOffs` (prepared, reviewed, approved) and any :class:`Reopening`.
The model refuses what can never be valid (an unknown status, a reviewer who prepared the
assessment); what the state of an assessment allows next is :mod:`.signoff`'s business.

Its file is plain YAML (``inputs/<landlord>/answers/<period>.yaml``), readable and diffable
without the product; :mod:`.answers_file` reads and writes it, and its functions are also
importable from here::

    landlord: riverbend-homes
    period: 2024-25
    code: "2024"
    signoff:
      prepared: {name: Priya Shah, role: Complaints Manager, date: 2025-05-12}
    answers:
      "2024:6.2":
        status: "Partial"
        evidence:
          - {description: Stage 1 acknowledgement report Q1-Q4, reference: "CX-RPT-11"}
        commentary: ...
        actions:
          - {text: ..., owner: Head of Customer Experience, due: 2025-09-30, done: false}

Statuses are written quoted (``"Yes"``) because YAML 1.1 tools read a bare Yes/No as a boolean.
The product reads YAML 1.2 booleans (:mod:`audit_lib.core.yaml_files`), so a bare Yes/No is
still the status it spells, while ``on`` and ``off`` are refused: a status is one of its words,
never a silently converted boolean. A due date may be written ``2025-09-30`` or ``30/09/2025``.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..core.yaml_files import shorten


# StrEnum would change str() and f-strings of a status from 'Status.YES' to 'Yes'.
class Status(str, Enum):  # noqa: UP042
    YES = "Yes"
    PARTIAL = "Partial"
    NO = "No"
    NA = "N/A"

    @classmethod
    def parse(cls, value: object) -> Status:
        if isinstance(value, Status):
            return value
        if isinstance(value, bool):  # YAML 1.2 true/false: not a status word (on/off/yes/no stay words)
            raise ValueError(f"expected one of Yes, Partial, No, N/A; found the boolean {str(value).lower()}: "
                             "write the status as a word")
        if not isinstance(value, str):
            raise ValueError(f"expected one of Yes, Partial, No, N/A; found {type(value).__name__} {shorten(value)}")
        text = value.strip().lower()
        for status in cls:
            if text in (status.value.lower(), status.name.lower()):
                return status
        if text in ("y", "compliant"):
            return cls.YES
        if text in ("n", "non-compliant"):
            return cls.NO
        if text in ("na", "n.a.", "not applicable"):
            return cls.NA
        raise ValueError(f"expected one of Yes, Partial, No, N/A; found {shorten(value)}")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    description: str = Field(min_length=1)
    reference: str | None = None  # document reference or link


#: A date as people write it in the UK: day/month/year (``30/09/2025``, ``1-4-2025``).
_UK_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def parse_date(value: object) -> object:
    """A due date written as YYYY-MM-DD or as a UK day/month/year; anything else is left to validation."""
    if isinstance(value, str):
        match = _UK_DATE.match(value)
        if match:
            day, month, year = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError as exc:
                raise ValueError(f"{shorten(value)} is not a date ({exc}); expected DD/MM/YYYY or YYYY-MM-DD") from None
        if len(value) > 32:
            raise ValueError(f"expected a date as DD/MM/YYYY or YYYY-MM-DD; found text of {len(value):,} characters")
    return value


class Action(_Model):
    text: str = Field(min_length=1)
    owner: str | None = None
    due: dt.date | None = None
    done: bool = False

    @field_validator("due", mode="before")
    @classmethod
    def _due(cls, value: object) -> object:
        return None if value == "" else parse_date(value)


class Answer(_Model):
    status: Status | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    commentary: str = ""
    actions: list[Action] = Field(default_factory=list)
    confirmed: bool = True  # False for an answer carried forward and not yet confirmed
    updated_by: str | None = None
    updated_at: dt.datetime | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: object) -> Status | None:
        return None if value is None or value == "" else Status.parse(value)

    @field_validator("commentary", mode="before")
    @classmethod
    def _commentary(cls, value: object) -> str:
        return "" if value is None else value  # type: ignore[return-value]


REVIEWER_IS_PREPARER = "the reviewer must not be the person who prepared the assessment"


def same_person(name: str, other: str) -> bool:
    """Whether two sign-off names are the same person's (compared without case or outer spaces)."""
    return name.strip().lower() == other.strip().lower()


class SignOff(_Model):
    name: str = Field(min_length=1)
    role: str | None = None
    date: dt.date


class SignOffs(_Model):
    prepared: SignOff | None = None
    reviewed: SignOff | None = None
    approved: SignOff | None = None

    @model_validator(mode="after")
    def _reviewer_is_not_preparer(self) -> SignOffs:
        if self.prepared and self.reviewed and same_person(self.prepared.name, self.reviewed.name):
            raise ValueError(REVIEWER_IS_PREPARER)
        return self


class Reopening(_Model):
    """An approved assessment reopened for change, and why."""

    by: str
    at: dt.datetime
    reason: str = Field(min_length=1)


class Assessment(_Model):
    landlord: str
    period: str
    code: str = "2024"
    revision: int = 0  # incremented by every saved change; detects concurrent editors
    carried_from: str | None = None  # the period whose answers this draft started from
    signoff: SignOffs = Field(default_factory=SignOffs)
    reopenings: list[Reopening] = Field(default_factory=list)
    answers: dict[str, Answer] = Field(default_factory=dict)

    @field_validator("answers", mode="before")
    @classmethod
    def _no_null_answers(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: ({} if v is None else v) for k, v in value.items()}
        return {} if value is None else value

    def answer(self, provision_id: str) -> Answer:
        """The answer for a provision (an empty one when not yet answered)."""
        return self.answers.get(provision_id) or Answer()

    @property
    def state(self) -> str:
        if self.signoff.approved:
            return "Approved"
        if self.signoff.reviewed:
            return "Reviewed"
        if self.signoff.prepared:
            return "Prepared"
        return "Draft"


def empty_assessment(landlord: str, period: str, code: str = "2024") -> Assessment:
    """A draft with no answers and no sign-off (what a missing answers file means)."""
    return Assessment(landlord=landlord, period=period, code=code)


__all__ = ["Action", "Answer", "Assessment", "Evidence", "Reopening", "SignOff", "SignOffs", "Status",
           "empty_assessment"]
