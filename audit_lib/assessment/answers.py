"""Assessment answers: the model of one landlord's self-assessment for one period, and its file.

An answer file is plain YAML (``inputs/<landlord>/answers/<period>.yaml``), readable and
diffable without the product::

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

Statuses are written quoted (``"Yes"``) because YAML 1.1 reads a bare Yes/No as a boolean;
a bare Yes/No is still accepted on reading and taken as the status it spells.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from enum import Enum
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..code.catalogue import Catalogue
from ..core.io import SafeDumper, describe_validation_error, load_yaml
from ..errors import AnswerStoreError


class Status(str, Enum):
    YES = "Yes"
    PARTIAL = "Partial"
    NO = "No"
    NA = "N/A"

    @classmethod
    def parse(cls, value: object) -> Status:
        if isinstance(value, Status):
            return value
        if value is True:
            return cls.YES
        if value is False:
            return cls.NO
        text = str(value).strip().lower()
        for status in cls:
            if text in (status.value.lower(), status.name.lower()):
                return status
        if text in ("y", "compliant"):
            return cls.YES
        if text in ("n", "non-compliant"):
            return cls.NO
        if text in ("na", "n.a.", "not applicable"):
            return cls.NA
        raise ValueError(f"expected one of Yes, Partial, No, N/A; found {value!r}")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    description: str = Field(min_length=1)
    reference: str | None = None  # document reference or link


class Action(_Model):
    text: str = Field(min_length=1)
    owner: str | None = None
    due: dt.date | None = None
    done: bool = False


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
        if self.prepared and self.reviewed and self.prepared.name.strip().lower() == self.reviewed.name.strip().lower():
            raise ValueError("the reviewer must not be the person who prepared the assessment")
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
    return Assessment(landlord=landlord, period=period, code=code)


def load_assessment(path: Path, catalogue: Catalogue, landlord: str, period: str) -> Assessment:
    """Load an answer file; a missing file is an empty assessment, a damaged one an error."""
    if not Path(path).exists():
        return empty_assessment(landlord, period, catalogue.code)
    raw = load_yaml(Path(path), AnswerStoreError)
    if raw is None:
        raise AnswerStoreError("the file is empty; expected a YAML mapping with 'answers'", path=path)
    try:
        assessment = Assessment.model_validate(raw)
    except ValidationError as exc:
        raise AnswerStoreError(describe_validation_error(exc), path=path) from None
    if (assessment.landlord, assessment.period, assessment.code) != (landlord, period, catalogue.code):
        raise AnswerStoreError(
            f"the file is for landlord {assessment.landlord!r}, period {assessment.period!r}, Code "
            f"{assessment.code!r}; expected {landlord!r}, {period!r}, {catalogue.code!r}",
            path=path,
        )
    unknown = sorted(set(assessment.answers) - set(catalogue.ids))
    if unknown:
        raise AnswerStoreError(
            f"answers for provisions not in the {catalogue.code} Code: {unknown}; expected ids such "
            f"as '{catalogue.code}:6.2' from 1.2 to 9.8",
            path=path,
        )
    return assessment


def dump_assessment(assessment: Assessment) -> str:
    """The YAML text of an assessment, answers in provision order, statuses quoted."""
    head = assessment.model_dump(mode="json", exclude={"answers"})
    text = yaml.dump(head, Dumper=SafeDumper, sort_keys=False, allow_unicode=True, width=100)
    if not assessment.answers:
        return text + "answers: {}\n"
    parts = [text, "answers:\n"]
    for provision in sorted(assessment.answers, key=_provision_key):
        parts.append(_answer_yaml(provision, assessment.answers[provision].model_dump_json()))
    return "".join(parts)


@lru_cache(maxsize=4096)
def _answer_yaml(provision: str, answer_json: str) -> str:
    """One answer's YAML, indented under ``answers:``; cached, so a save re-dumps only what changed."""
    block = yaml.dump({provision: json.loads(answer_json)}, Dumper=SafeDumper, sort_keys=False,
                      allow_unicode=True, width=100)
    return "".join("  " + line + "\n" for line in block.splitlines())


def _provision_key(provision_id: str) -> tuple[int, ...]:
    number = provision_id.split(":", 1)[-1]
    return tuple(int(p) for p in number.split(".") if p.isdigit())


def save_assessment(path: Path, assessment: Assessment) -> None:
    """Write atomically: a temporary file in the same folder, fsynced, then renamed over."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = dump_assessment(assessment)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
