"""The answers model: one landlord's self-assessment for one period, as validated data.

A provision's :class:`Answer` is its :class:`Status`, the :class:`Evidence` behind it, the
commentary and the :class:`Action` items that close a gap; an :class:`Assessment` holds every
answer with its :class:`SignOffs` (prepared, reviewed, approved) and the history of the
sign-off (:class:`SignOffEvent`: every signature given, with the one it replaced, and every
reopening with its reason). Each :class:`SignOff` records the user signed in when it was given
(older files have none: such a signature loads, and is told apart by its name only).
The model refuses what can never be valid (an unknown status, a reviewer who prepared the
assessment); what the state of an assessment allows next is :mod:`.signoff`'s business.

Its file is plain YAML (``inputs/<landlord>/answers/<period>.yaml``), readable and diffable
without the product; :mod:`.answers_file` reads and writes it, and its functions are also
importable from here::

    landlord: riverbend-homes
    period: 2024-25
    code: "2024"
    signoff:
      prepared: {name: Priya Shah, role: Complaints Manager, date: 2025-05-12, user: pshah}
    answers:
      "2024:6.2":
        status: "Partial"
        evidence:
          - {description: Stage 1 acknowledgement report Q1-Q4, reference: "CX-RPT-11"}
        commentary: ...
        actions:
          - {text: ..., owner: Head of Customer Experience, due: 2025-09-30, done: false}
        responses:          # the auditor's explanation of a finding on this provision (by its code)
          - {code: on-time-below-threshold, text: ...}

Statuses are written quoted (``"Yes"``) because YAML 1.1 tools read a bare Yes/No as a boolean.
The product reads YAML 1.2 booleans (:mod:`audit_lib.core.yaml_files`), so a bare Yes/No is
still the status it spells, while ``on`` and ``off`` are refused: a status is one of its words,
never a silently converted boolean. A due date may be written ``2025-09-30`` or ``30/09/2025``.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

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


def _tidy(value: object) -> object:
    """A text as the workbook's form saves it: without spaces around it (text of spaces only is
    kept as it is, so a file holding one still loads)."""
    return (value.strip() or value) if isinstance(value, str) else value


def _tidy_optional(value: object) -> object:
    """An optional text as the form saves it: without spaces around it, and none when blank."""
    return (value.strip() or None) if isinstance(value, str) else value


class Evidence(_Model):
    """An evidence item; its texts are tidied as the form tidies them (:func:`_tidy`), so what is
    stored is what the form would save for it."""

    description: str = Field(min_length=1)
    reference: str | None = None  # document reference or link

    _description = field_validator("description", mode="before")(_tidy)
    _reference = field_validator("reference", mode="before")(_tidy_optional)


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
    """An action; its text and owner are tidied as the form tidies them (see :class:`Evidence`)."""

    text: str = Field(min_length=1)
    owner: str | None = None
    due: dt.date | None = None
    done: bool = False

    _text = field_validator("text", mode="before")(_tidy)
    _owner = field_validator("owner", mode="before")(_tidy_optional)

    @field_validator("due", mode="before")
    @classmethod
    def _due(cls, value: object) -> object:
        return None if value == "" else parse_date(value)


_FINDING_CODE = re.compile(r"(?=.{1,64}$)[a-z0-9]+(-[a-z0-9]+)*")


class FindingResponse(_Model):
    """The auditor's explanation of a finding on this provision (``code``: the finding's code,
    e.g. ``on-time-below-threshold``; see :mod:`audit_lib.findings.model`). The finding stands;
    the report shows it with this response."""

    code: str
    text: str
    #: The figures of the finding when it was answered (empty in files written before they were
    #: kept): a response to other figures than the finding's now is to be read again.
    figures: dict[str, int | float | str | None] = Field(default_factory=dict)

    @model_serializer(mode="wrap")
    def _without_empty_figures(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if not data.get("figures"):
            data.pop("figures", None)  # written as files before figures were kept
        return data

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, value: object) -> object:
        if not isinstance(value, str) or not _FINDING_CODE.fullmatch(value):
            raise ValueError(f"expected a finding's code, such as on-time-below-threshold (lower-case words "
                             f"joined by hyphens, at most 64 characters); found {shorten(value)}")
        return value

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        text = value.strip() if isinstance(value, str) else value
        if text == "":
            raise ValueError("expected an explanation of the finding; found blank text (to withdraw a response, "
                             "remove it)")
        return text


class CarriedFrom(_Model):
    """Where a draft carried across Code versions came from (:mod:`.carry_forward`): the older
    version's provision, how its requirement changed (a crosswalk kind, e.g. ``strengthened``) and
    the crosswalk's note on what changed, shown beside the draft."""

    provision: str
    kind: str
    note: str


class Answer(_Model):
    status: Status | None = None
    #: The answer to a question asking for a figure or a written answer (the 2020 Code's "What
    #: proportion of complaints are resolved at stage 1?"), as the auditor gave or confirmed it.
    value: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    commentary: str = ""
    actions: list[Action] = Field(default_factory=list)
    #: The auditor's responses to this provision's findings, one per finding code.
    responses: list[FindingResponse] = Field(default_factory=list)
    confirmed: bool = True  # False for an answer carried forward and not yet confirmed
    #: The older version's provisions a draft was carried from, when the Code changed between
    #: the periods (empty otherwise).
    carried: list[CarriedFrom] = Field(default_factory=list)
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

    _value = field_validator("value", mode="before")(_tidy_optional)

    @field_validator("responses")
    @classmethod
    def _one_response_per_finding(cls, value: list[FindingResponse]) -> list[FindingResponse]:
        codes = [response.code for response in value]
        twice = sorted({code for code in codes if codes.count(code) > 1})
        if twice:
            raise ValueError(f"expected one response per finding code; found more than one for {', '.join(twice)}: "
                             "keep one response to each finding (join the texts)")
        return value

    @model_serializer(mode="wrap")
    def _without_empty_responses(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """An answer with no responses, value or carried note is written as files written before
        they were kept (so a file without them stays as it is, and older releases still read it)."""
        data: dict[str, Any] = handler(self)
        for key in ("responses", "carried"):
            if not data.get(key):
                data.pop(key, None)
        if data.get("value") is None:
            data.pop("value", None)
        return data


#: The sign-offs in the order they are given, and what the person giving each is called.
SIGNERS = {"prepared": "preparer", "reviewed": "reviewer", "approved": "approver"}
Role = Literal["prepared", "reviewed", "approved"]


def same_person(name: str, other: str) -> bool:
    """Whether two sign-off names are the same person's (compared without case or outer spaces)."""
    return name.strip().lower() == other.strip().lower()


def not_the_preparer(role: str, preparer: str) -> str:
    """The plain-words refusal of a reviewer or approver who is the preparer."""
    return f"The {SIGNERS.get(role, role)} must be someone other than the preparer ({preparer})."


class _Compact(_Model):
    """A record written without its empty fields (a signature with no job title, user or
    override is written as older files have it)."""

    @model_serializer(mode="wrap")
    def _without_empty(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {key: value for key, value in data.items() if value is not None and value != {}}


class Override(_Model):
    """An approval given although the assessment was not complete: why, and what was outstanding."""

    reason: str = Field(min_length=1)
    gaps: list[str] = Field(default_factory=list)


class SignOff(_Compact):
    """One signature. ``name``, ``role`` and ``date`` are as the signer typed them (descriptive);
    ``user`` is who was signed in when it was given (``None`` for a signature recorded before
    users were, which is then told apart from others by its name only)."""

    name: str = Field(min_length=1)
    role: str | None = None
    date: dt.date
    user: str | None = None
    override: Override | None = None  # an approval given despite gaps, and why
    #: The SHA-256 of every document of the evidence register the answers cited when this
    #: signature was given (register id -> hash), so a document changed since shows as a finding.
    documents: dict[str, str] = Field(default_factory=dict)

    def same_signer(self, other: SignOff) -> bool:
        """Whether ``other`` was given by the same person: the same user, or the same name."""
        if self.user and other.user and self.user.strip().lower() == other.user.strip().lower():
            return True
        return same_person(self.name, other.name)


class SignOffs(_Model):
    prepared: SignOff | None = None
    reviewed: SignOff | None = None
    approved: SignOff | None = None

    @model_validator(mode="after")
    def _reviewer_is_not_preparer(self) -> SignOffs:
        if self.prepared and self.reviewed and self.prepared.same_signer(self.reviewed):
            raise PydanticCustomError("reviewer_is_preparer", not_the_preparer("reviewed", self.prepared.name))
        return self


class Reopening(_Model):
    """A reopening as files written before :class:`SignOffEvent` recorded it (kept and shown)."""

    by: str
    at: dt.datetime
    reason: str = Field(min_length=1)


class SignOffEvent(_Compact):
    """One change to the sign-off: a signature given (``old``: the one it replaced), or the
    assessment reopened with a reason (``withdrawn``: the review and approval it took away).

    Kept in the answers file, so the report's cover lists the whole sign-off history; the
    history file holds the same entries among every other change."""

    at: dt.datetime
    user: str
    event: Literal["signed", "reopened"]
    role: Role | None = None
    old: SignOff | None = None
    new: SignOff | None = None
    reason: str | None = None
    withdrawn: dict[Role, SignOff] = Field(default_factory=dict)


class Assessment(_Model):
    landlord: str
    period: str
    code: str = "2024"
    revision: int = 0  # incremented by every saved change; detects concurrent editors
    carried_from: str | None = None  # the period whose answers this draft started from
    signoff: SignOffs = Field(default_factory=SignOffs)
    reopenings: list[Reopening] = Field(default_factory=list)  # as files written before signoff_history kept them
    signoff_history: list[SignOffEvent] = Field(default_factory=list)
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


__all__ = [
    "SIGNERS",
    "Action",
    "Answer",
    "Assessment",
    "CarriedFrom",
    "Evidence",
    "FindingResponse",
    "Override",
    "Reopening",
    "SignOff",
    "SignOffEvent",
    "SignOffs",
    "Status",
    "empty_assessment",
    "not_the_preparer",
]
