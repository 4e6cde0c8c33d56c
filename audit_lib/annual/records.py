"""One landlord's annual records for a period: what the annual complaints performance and service
improvement report needs that the case log and the answers do not hold.

The file is plain YAML people can read and edit, ``inputs/<landlord>/annual/<period>.yaml``::

    landlord: riverbend-homes
    period: 2024-25
    revision: 3
    learning:                     # the "You said, we did" log (Code 9.1-9.3, 8.1 d)
      - id: L-01
        theme: Repairs - missed appointments
        residents_said: We waited in for repairs that did not come.
        we_did: Text reminders the day before, and a two-hour slot.
        when: 2024-09-01
        owner: Head of Repairs
        status: done              # planned | in progress | done
        case_references: [CMP-2024-0012, CMP-2024-0031]
    ombudsman:                    # the Ombudsman's findings and publications (8.1 c, e, f; 9.7 c)
      - id: O-01
        kind: determination       # determination | complaint_handling_failure_order |
                                  # annual_performance_report | special_report | other
        reference: "202312345"
        date: 2024-11-14
        title: Damp and mould, delay in repairs
        findings:
          - {wording: Maladministration in the handling of repairs, outcome: maladministration}
        orders:
          - {text: Pay 600 pounds compensation, due: 2024-12-12, progress: complied, completed: 2024-12-01}
    confirmed_none:               # true where there was none this year (8.1 c, d, e, f)
      ombudsman_findings: false
      learning: false
      performance_report: true
      other_publications: true
    governing_body:               # its response to the report, published alongside it (8.2)
      text: The Board welcomed ...
      meeting_date: 2025-06-19
      name: A. Chair
      role: Chair of the Board
    member_responsible:           # the Member Responsible for Complaints (9.5)
      name: B. Member
      role: Board member
    qualitative_analysis: |       # the landlord's own analysis (8.1 b); absent: the sentences written from the data
      Complaints about repairs fell for the second year ...

Every entry of the two lists has a short **id** (``L-01``, ``O-01``: 1 to 32 letters, digits,
``.``, ``_`` or ``-``, starting with a letter or digit), unique in its list: the store changes
entries by id, so two people editing different entries never lose each other's work.

**Case references** (an improvement's ``case_references`` and an Ombudsman record's
``reference``) are the landlord's or the Ombudsman's case ids, never residents' names or
details. A reference is 1 to 40 letters, digits, ``-``, ``/`` or ``.``, starting with a letter or
digit, **with at least one digit** and no spaces: ``CMP-2024-0012``, ``202312345`` and ``HOS/24/117``
pass; ``Smith``, ``J Smith`` and ``Flat 3, 12 High St`` do not. A refused reference is never
quoted in the message (it may be a name); the message says where it is and what a reference
looks like.

**"None this year"** is recorded explicitly in ``confirmed_none``, one flag for each part of 8.1
that may truly be empty (an absent list could equally mean "not recorded yet"):
``ombudsman_findings`` (c: no determinations or complaint handling failure orders),
``learning`` (d), ``performance_report`` (e: the Ombudsman published none for this landlord) and
``other_publications`` (f). The completeness check (:mod:`.completeness`) flags a part with
neither a record nor its flag, and a flag contradicted by records of that part.

Reading (:func:`load_records`) is strict, as for the answers file: YAML through
:func:`audit_lib.core.yaml_files.parse_yaml` without aliases (duplicate keys, aliases, deep
nesting and impossible dates refused), unknown fields refused, and every problem one
:class:`~audit_lib.errors.AnnualRecordsError` naming the file, the entry (its place in the list,
from 1, and its id) and the field. A missing file is empty records; anything at the file's place
(or its lock's or history's) but an ordinary file, a named pipe say, is refused before it is
opened. A refused value is shown in a message only when it is a short single word (a status
mistyped); anything else, which may be a resident's details, by its kind and length ("text, 27
characters").

**Dates** (:func:`read_date`) may be written ``2025-06-19`` or ``19/06/2025``, and fall from
1 January 2000 to 31 December 2099 (the action plan's due dates' range,
:data:`audit_lib.assessment.actions.EARLIEST_DUE` to ``LATEST_DUE``: a year outside it is a
slip of the keyboard). An Ombudsman's order is due, and complied with, on or after the date of
the record that made it: an order dated before its determination is refused. Texts are kept
without the spaces around them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..assessment.actions import EARLIEST_DUE, LATEST_DUE, format_date
from ..core.paths import checked_input_path
from ..core.periods import PERIOD_ID, Period
from ..core.personal import may_be_contact_details
from ..core.yaml_files import parse_yaml, shorten
from ..errors import AnnualRecordsError
from ..evidence.register import check_url

#: The folder of a landlord's annual records, ``inputs/<landlord>/annual/``.
ANNUAL_FOLDER = "annual"
#: The longest id of an improvement or an Ombudsman record.
MAX_ID_LENGTH = 32
#: The longest case reference.
MAX_REFERENCE_LENGTH = 40
#: The longest short text (a theme, an owner, a title, a name, a role).
MAX_SHORT_TEXT = 500
#: The longest long text (what residents said, what was done, a summary, the governing body's response,
#: the qualitative analysis).
MAX_LONG_TEXT = 20_000
#: The dates the records take (every date field, in the file and in the workbook): the action
#: plan's due dates' range, 1 January 2000 to 31 December 2099.
EARLIEST_DATE = EARLIEST_DUE
LATEST_DATE = LATEST_DUE
#: A refused value is shown in a message only when it is one word of at most this many characters
#: (with fewer than :data:`SHOWN_DIGITS` digits); anything else by its kind and length.
SHOWN_CHARS = 24
SHOWN_DIGITS = 6

ImprovementStatus = Literal["planned", "in progress", "done"]
OmbudsmanKind = Literal["determination", "complaint_handling_failure_order", "annual_performance_report",
                        "special_report", "other"]
Outcome = Literal["maladministration", "severe maladministration", "service failure", "no maladministration",
                  "outside jurisdiction", "redress"]
OrderProgress = Literal["not started", "in progress", "complied"]

IMPROVEMENT_STATUSES: tuple[str, ...] = ("planned", "in progress", "done")
OMBUDSMAN_KINDS: tuple[str, ...] = ("determination", "complaint_handling_failure_order", "annual_performance_report",
                                    "special_report", "other")
OUTCOMES: tuple[str, ...] = ("maladministration", "severe maladministration", "service failure",
                             "no maladministration", "outside jurisdiction", "redress")
ORDER_PROGRESS: tuple[str, ...] = ("not started", "in progress", "complied")
#: The two lists of entries kept by id, and the prefix of the ids the store gives new entries.
SECTIONS: dict[str, str] = {"learning": "L", "ombudsman": "O"}
#: The parts of 8.1 that may be confirmed as having nothing this year.
NONE_PARTS: tuple[str, ...] = ("ombudsman_findings", "learning", "performance_report", "other_publications")
#: The kinds of Ombudsman record that are its findings of non-compliance (8.1 c), with findings and orders.
NON_COMPLIANCE_KINDS: tuple[str, ...] = ("determination", "complaint_handling_failure_order")

_ID = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{MAX_ID_LENGTH - 1}}}")
_WORD = re.compile(rf"[^\s@]{{1,{SHOWN_CHARS}}}")
_ISO_DAY = re.compile(r"(\d+)-(\d{1,2})-(\d{1,2})")
_UK_DAY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d+)")
_REFERENCE = re.compile(rf"[A-Za-z0-9][A-Za-z0-9/.-]{{0,{MAX_REFERENCE_LENGTH - 1}}}")
_REFERENCE_RULE = (f"1 to {MAX_REFERENCE_LENGTH} letters, digits, '-', '/' or '.', with at least one digit and no "
                   "spaces, e.g. CMP-2024-0012")
_SYNONYMS = {
    "complete": "done", "completed": "done",
    "chfo": "complaint_handling_failure_order", "complaint_handling_failure": "complaint_handling_failure_order",
    "reasonable redress": "redress", "no maladministration found": "no maladministration",
    "not started yet": "not started", "complied with": "complied",
}


# -- field checks (each raises ValueError with the reason; the model names the field) --------------

def described(value: object, *, words: bool = True) -> str:
    """A refused value as a message shows it: a short single word quoted (``'finished'``; not
    with ``words=False``), a small number as written; anything else, which may be a resident's
    details, by its kind and length only (``text, 27 characters``, ``a number of 8 digits``,
    ``a list of 2 items``)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        digits = sum(ch.isdigit() for ch in repr(value))
        return repr(value) if digits < SHOWN_DIGITS else f"a number of {digits} digits"
    if isinstance(value, dt.datetime):
        return "a date and time"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return "an empty text"
        if (words and _WORD.fullmatch(text) and text.isprintable() and sum(ch.isdigit() for ch in text) < SHOWN_DIGITS
                and not may_be_contact_details(text)):
            return repr(text)
        return f"text, {len(text):,} character{'' if len(text) == 1 else 's'}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value):,} item{'' if len(value) == 1 else 's'}"
    return f"a value of type {type(value).__name__}"


def read_date(value: object, *, typed: bool = False) -> dt.date | None:
    """A date of the records: a date, or text written ``YYYY-MM-DD`` or ``DD/MM/YYYY`` (``/``,
    ``.`` or ``-`` between), from :data:`EARLIEST_DATE` to :data:`LATEST_DATE`; ``None`` or blank
    is ``None``. Anything else raises ``ValueError`` saying how to write it. ``typed``: text typed
    in the workbook (its usual form, DD/MM/YYYY, said first; the text, beside its field, not
    repeated)."""
    form = ("DD/MM/YYYY (or YYYY-MM-DD), e.g. 19/06/2025" if typed
            else "YYYY-MM-DD (or DD/MM/YYYY), e.g. 2025-06-19")
    expected = f"expected a date as {form}"
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise ValueError(f"{expected}, without a time; found a date and time")
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if match := _ISO_DAY.fullmatch(text):
            year, month, number = match.groups()
        elif match := _UK_DAY.fullmatch(text):
            number, month, year = match.groups()
        else:
            raise ValueError(expected + ("" if typed else f"; found {described(text)}"))
        found = "" if typed else f"; found {text}"  # shaped as a date: shown, as the case log's dates are
        if len(year) != 4:
            raise ValueError(f"{expected}: the year needs four digits{found}")
        try:
            day = dt.date(int(year), int(month), int(number))
        except ValueError:
            raise ValueError(f"{expected}{found}, which is not a date in the calendar" if not typed
                             else f"{expected}: there is no such day in the calendar") from None
    else:
        raise ValueError(f"{expected}; found {described(value)}")
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(f"expected a date from {format_date(EARLIEST_DATE)} to {format_date(LATEST_DATE)}; found "
                         f"one in the year {day.year:04d}, which looks mistyped")
    return day


def check_item_id(value: object) -> str:
    """An improvement's or Ombudsman record's id: 1 to 32 letters, digits, '.', '_' or '-',
    starting with a letter or digit (a whole number is taken as its digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a short id such as L-01; found {described(value)}: write the id as text")
    text = value.strip()
    if not text:
        raise ValueError("expected a short id such as L-01; found an empty one")
    if not _ID.fullmatch(text):
        raise ValueError(f"expected a short id such as L-01 (1 to {MAX_ID_LENGTH} letters, digits, '.', '_' or '-', "
                         f"starting with a letter or digit); found {described(text)}")
    return text


def check_reference(value: object, what: str = "case reference") -> str:
    """A case or report reference: see the module's rules. The message never quotes the value
    (a value refused may be a resident's name); it gives its length and why it is refused."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a {what} ({_REFERENCE_RULE}); found {described(value)}: write it as text")
    text = value.strip()
    if not text:
        raise ValueError(f"expected a {what} ({_REFERENCE_RULE}); found an empty one")
    if _REFERENCE.fullmatch(text) and any(ch.isdigit() for ch in text):
        return text
    if any(ch.isspace() for ch in text):
        why = "with spaces"
    elif len(text) > MAX_REFERENCE_LENGTH:
        why = "too long"
    elif not any(ch.isdigit() for ch in text):
        why = "without a digit"
    else:
        why = "with other characters"
    raise ValueError(f"expected a {what} ({_REFERENCE_RULE}); found text of {len(text):,} characters {why}, which "
                     "is not one (it is not shown here, in case it is a name): these records keep case ids only, "
                     "never residents' names or details")


def _word(value: object, choices: tuple[str, ...], what: str) -> object:
    """A word of ``choices`` as people write it: any case, '-' or '_' for a space (or a space for
    '_' where the choices use '_'), a few synonyms."""
    if not isinstance(value, str):
        if isinstance(value, bool):
            raise ValueError(f"expected {what} as one of {', '.join(choices)}; found the boolean "
                             f"{str(value).lower()}")
        return value
    text = " ".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
    text = _SYNONYMS.get(text, text)
    for choice in choices:
        if text in (choice, choice.replace("_", " ")):
            return choice
    raise ValueError(f"expected {what} as one of {', '.join(choices)}; found {described(value)}")


def _text(value: object, what: str, *, limit: int = MAX_SHORT_TEXT, required: bool = True) -> str | None:
    """A text as given without the spaces around it; blank is refused when ``required``, else ``None``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError(f"expected {what}; found none")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        hint = ": write it in quotes" if isinstance(value, float) else ""
        raise ValueError(f"expected {what} as text; found {described(value)}{hint}")
    text = str(value).strip()
    if len(text) > limit:
        raise ValueError(f"expected {what} of at most {limit:,} characters; found {len(text):,}")
    return text


def check_qualitative_analysis(value: object) -> str | None:
    """The landlord's own qualitative analysis: a text of at most :data:`MAX_LONG_TEXT` characters
    without the spaces around it; blank is ``None`` (the report shows the sentences written from
    the data)."""
    return _text(value, "the qualitative analysis", limit=MAX_LONG_TEXT, required=False)


def _date(value: object) -> dt.date | None:
    return read_date(value)


def check_link(value: object) -> str | None:
    """An Ombudsman record's web link (:func:`~audit_lib.evidence.register.check_url`); a refused one is never quoted."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected a web link starting http:// or https://; found {described(value)}")
    try:
        return check_url(value)
    except ValueError as exc:
        text = value.strip()
        raise ValueError(str(exc).replace(shorten(text), described(text, words=False))) from None


# -- the model ------------------------------------------------------------------------------------

class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Improvement(_Model):
    """One line of the "You said, we did" log: a service improvement made from learning from complaints."""

    id: str
    #: The complaint category or theme it came from.
    theme: str
    #: What residents told us.
    residents_said: str
    #: What was changed (or, while planned, what will be).
    we_did: str
    when: dt.date | None = None
    #: Who owns it: a role, not a person's name.
    owner: str | None = None
    status: ImprovementStatus = "planned"
    #: The landlord's case ids it came from (never residents' details).
    case_references: list[str] = Field(default_factory=list)

    _id = field_validator("id", mode="before")(check_item_id)
    _when = field_validator("when", mode="before")(_date)

    @field_validator("theme", mode="before")
    @classmethod
    def _theme(cls, value: object) -> str | None:
        return _text(value, "the complaint category or theme")

    @field_validator("residents_said", "we_did", mode="before")
    @classmethod
    def _long(cls, value: object) -> str | None:
        return _text(value, "a text", limit=MAX_LONG_TEXT)

    @field_validator("owner", mode="before")
    @classmethod
    def _owner(cls, value: object) -> str | None:
        return _text(value, "the owner (a role)", required=False)

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: object) -> object:
        return "planned" if value is None or value == "" else _word(value, IMPROVEMENT_STATUSES, "the status")

    @field_validator("case_references", mode="before")
    @classmethod
    def _references(cls, value: object) -> list[str]:
        if value is None:
            return []
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            value = [value]  # one reference written without a list
        if not isinstance(value, list):
            raise ValueError(f"expected a list of case references; found {type(value).__name__}")
        references: list[str] = []
        for number, item in enumerate(value, 1):
            try:
                reference = check_reference(item)
            except ValueError as exc:
                raise ValueError(f"case reference {number}: {exc}") from None
            if reference in references:
                raise ValueError(f"case reference {number} is given twice (also as case reference "
                                 f"{references.index(reference) + 1}); keep it once")
            references.append(reference)
        return references


class OmbudsmanFinding(_Model):
    """One finding of a determination: its wording and its outcome."""

    wording: str
    outcome: Outcome

    @field_validator("wording", mode="before")
    @classmethod
    def _wording(cls, value: object) -> str | None:
        return _text(value, "the finding's wording", limit=MAX_LONG_TEXT)

    @field_validator("outcome", mode="before")
    @classmethod
    def _outcome(cls, value: object) -> object:
        return _word(value, OUTCOMES, "the outcome")


class OmbudsmanOrder(_Model):
    """One order of the Ombudsman (of a determination or a complaint handling failure order) and
    the progress made in complying with it (Code 9.7 c)."""

    text: str
    due: dt.date | None = None
    progress: OrderProgress = "not started"
    #: When it was complied with (only with progress ``complied``).
    completed: dt.date | None = None
    note: str | None = None

    _dates = field_validator("due", "completed", mode="before")(_date)

    @field_validator("text", mode="before")
    @classmethod
    def _order_text(cls, value: object) -> str | None:
        return _text(value, "the order's text", limit=MAX_LONG_TEXT)

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, value: object) -> str | None:
        return _text(value, "a note", limit=MAX_LONG_TEXT, required=False)

    @field_validator("progress", mode="before")
    @classmethod
    def _progress(cls, value: object) -> object:
        return "not started" if value is None or value == "" else _word(value, ORDER_PROGRESS, "the progress")

    @model_validator(mode="after")
    def _completed_only_when_complied(self) -> OmbudsmanOrder:
        if self.completed is not None and self.progress != "complied":
            raise ValueError(f"a completed date is given but the progress is {self.progress!r}: set the progress to "
                             "complied, or remove the date")
        return self


class OmbudsmanRecord(_Model):
    """A determination, complaint handling failure order, annual performance report, special
    report or other publication of the Ombudsman about the landlord, entered by hand."""

    id: str
    kind: OmbudsmanKind
    date: dt.date
    #: The Ombudsman's case or report reference (a case reference's rules).
    reference: str | None = None
    #: A web link (http or https only).
    link: str | None = None
    title: str | None = None
    summary: str | None = None
    findings: list[OmbudsmanFinding] = Field(default_factory=list)
    orders: list[OmbudsmanOrder] = Field(default_factory=list)

    _id = field_validator("id", mode="before")(check_item_id)
    _record_date = field_validator("date", mode="before")(_date)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: object) -> object:
        return _word(value, OMBUDSMAN_KINDS, "the kind")

    @field_validator("reference", mode="before")
    @classmethod
    def _reference(cls, value: object) -> str | None:
        if value is None or value == "":
            return None
        return check_reference(value, "case or report reference")

    _link = field_validator("link", mode="before")(check_link)

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: object) -> str | None:
        return _text(value, "a title", required=False)

    @field_validator("summary", mode="before")
    @classmethod
    def _summary(cls, value: object) -> str | None:
        return _text(value, "a summary", limit=MAX_LONG_TEXT, required=False)

    @field_validator("findings", "orders", mode="before")
    @classmethod
    def _no_null_list(cls, value: object) -> object:
        return [] if value is None else value

    @model_validator(mode="after")
    def _reference_or_link(self) -> OmbudsmanRecord:
        if self.reference is None and self.link is None:
            raise ValueError("expected a reference or a link (or both); found neither")
        if self.title is None and self.summary is None:
            raise ValueError("expected a title or a summary (or both); found neither")
        return self

    @model_validator(mode="after")
    def _orders_after_the_record(self) -> OmbudsmanRecord:
        for number, order in enumerate(self.orders, 1):
            for name, day, verb in (("due", order.due, "due"), ("completed", order.completed, "complied with")):
                if day is not None and day < self.date:
                    raise ValueError(f"order {number}: {name}: {format_date(day)} is before the record's date "
                                     f"({format_date(self.date)}); expected an order to be {verb} on or after the "
                                     "date of the determination or order that made it: correct either date")
        return self


class GoverningBodyResponse(_Model):
    """The governing body's response to the report (Code 8.2), published alongside it."""

    text: str
    meeting_date: dt.date
    #: Who gave it: their name and role (e.g. Chair of the Board).
    name: str
    role: str

    _meeting = field_validator("meeting_date", mode="before")(_date)

    @field_validator("text", mode="before")
    @classmethod
    def _response_text(cls, value: object) -> str | None:
        return _text(value, "the response's text", limit=MAX_LONG_TEXT)

    @field_validator("name", "role", mode="before")
    @classmethod
    def _who(cls, value: object) -> str | None:
        return _text(value, "who gave it (a name and a role)")


class MemberResponsible(_Model):
    """The Member Responsible for Complaints (Code 9.5): a member of the governing body."""

    name: str
    role: str

    @field_validator("name", "role", mode="before")
    @classmethod
    def _who(cls, value: object) -> str | None:
        return _text(value, "a name and a role")


class ConfirmedNone(_Model):
    """Parts of 8.1 confirmed as having nothing this year (see the module's docstring)."""

    #: (c) no findings of non-compliance by the Ombudsman (no determinations or orders).
    ombudsman_findings: bool = False
    #: (d) no service improvements from learning this year.
    learning: bool = False
    #: (e) the Ombudsman published no annual performance report about the landlord.
    performance_report: bool = False
    #: (f) no other reports or publications of the Ombudsman about the landlord.
    other_publications: bool = False


class AnnualRecords(_Model):
    """One landlord's annual records for one period."""

    landlord: str
    period: str
    #: Incremented by every saved change (the history's revision).
    revision: int = Field(default=0, ge=0)
    learning: list[Improvement] = Field(default_factory=list)
    ombudsman: list[OmbudsmanRecord] = Field(default_factory=list)
    confirmed_none: ConfirmedNone = Field(default_factory=ConfirmedNone)
    governing_body: GoverningBodyResponse | None = None
    member_responsible: MemberResponsible | None = None
    #: The landlord's own qualitative analysis of complaint handling (8.1 b), shown in the report in
    #: place of the sentences written from the data; ``None``: those sentences are shown.
    qualitative_analysis: str | None = None

    _analysis = field_validator("qualitative_analysis", mode="before")(check_qualitative_analysis)

    @field_validator("learning", "ombudsman", mode="before")
    @classmethod
    def _no_null_list(cls, value: object) -> object:
        return [] if value is None else value

    @field_validator("confirmed_none", mode="before")
    @classmethod
    def _no_null_map(cls, value: object) -> object:
        return {} if value is None else value

    @model_validator(mode="after")
    def _ids_once(self) -> AnnualRecords:
        for section in SECTIONS:
            ids = [item.id for item in getattr(self, section)]
            twice = sorted({i for i in ids if ids.count(i) > 1})
            if twice:
                raise ValueError(f"{section}: the id {twice[0]!r} appears more than once; expected each id once: "
                                 "give one of them another id")
        return self

    def items(self, section: str) -> list[Improvement] | list[OmbudsmanRecord]:
        """The entries of ``learning`` or ``ombudsman``."""
        if section not in SECTIONS:
            raise AnnualRecordsError(f"expected one of {', '.join(SECTIONS)}; found {shorten(section)}")
        items: list[Improvement] | list[OmbudsmanRecord] = getattr(self, section)
        return items

    def item(self, section: str, item_id: str) -> Improvement | OmbudsmanRecord | None:
        """The entry of ``section`` with this id, or ``None``."""
        for entry in self.items(section):
            if entry.id == item_id:
                return entry
        return None


#: The model of an entry of each section.
ITEM_MODELS: dict[str, type[Improvement] | type[OmbudsmanRecord]] = {"learning": Improvement,
                                                                   "ombudsman": OmbudsmanRecord}


def empty_records(landlord: str, period: str) -> AnnualRecords:
    """Records with nothing in them (what a missing file means)."""
    return AnnualRecords(landlord=landlord, period=period)


def next_id(records: AnnualRecords, section: str) -> str:
    """The id the next new entry of ``section`` gets: its prefix and one more than the highest
    number among ids of that form (``L-01``, ``L-02`` ...; ``O-01`` ...)."""
    prefix = SECTIONS.get(section, "")
    if not prefix:
        raise AnnualRecordsError(f"expected one of {', '.join(SECTIONS)}; found {shorten(section)}")
    pattern = re.compile(rf"{prefix}-(\d+)", re.IGNORECASE)
    numbers = [int(match.group(1)) for item in records.items(section)
               if (match := pattern.fullmatch(item.id)) is not None]
    return f"{prefix}-{max(numbers, default=0) + 1:02d}"


# -- reading --------------------------------------------------------------------------------------

def records_file(landlord_folder: Path, period: Period | str) -> Path:
    """``<landlord folder>/annual/<period>.yaml``; the period is validated, and a symbolic link
    at the file or the ``annual`` folder is refused (:func:`~audit_lib.core.paths.checked_input_path`),
    as is anything there but an ordinary file (:func:`check_file`)."""
    period_id = period.id if isinstance(period, Period) else Period.parse(period).id
    return check_file(checked_input_path(Path(landlord_folder), Path(ANNUAL_FOLDER) / f"{period_id}.yaml",
                                         error=AnnualRecordsError, what="annual records file"))


_SPECIAL = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
            (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


def _not_ordinary(mode: int) -> str | None:
    """What a file of ``mode`` is, when it is not an ordinary file (``None`` when it is)."""
    if stat.S_ISREG(mode):
        return None
    return next((words for test, words in _SPECIAL if test(mode)), "a special file")


def _refused(path: Path, found: str) -> AnnualRecordsError:
    return AnnualRecordsError(f"expected an ordinary annual records file, found {found}: remove it (the records, "
                              "their lock and their history are ordinary files the store writes)", path=path)


def check_file(path: Path) -> Path:
    """``path``, refused when it (or the lock or history file beside it) is a symbolic link or
    anything but an ordinary file (a folder, a named pipe, a device): checked without opening it,
    so a named pipe never blocks. A file not there yet passes."""
    path = Path(path)
    for name in (path.name, path.name + ".lock", path.stem + ".history.jsonl"):
        checked = checked_input_path(path.parent, name, error=AnnualRecordsError, what="annual records file")
        try:
            mode = os.lstat(checked).st_mode
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise AnnualRecordsError(f"cannot read the file ({exc.strerror})", path=checked) from None
        found = _not_ordinary(mode)
        if found is not None:
            raise _refused(checked, found)
    return path


def read_file_text(path: Path) -> str:
    """The text of the records file at ``path`` (UTF-8, line endings as they are), opened without
    blocking and without following a link, and refused unless it is an ordinary file (checked on
    the file opened, so nothing put in its place meanwhile is read)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise AnnualRecordsError("file not found", path=path) from None
    except OSError as exc:
        found = "a symbolic link" if os.path.islink(path) else None
        if found:
            raise _refused(path, found) from None
        raise AnnualRecordsError(f"cannot read the file ({exc.strerror})", path=path) from None
    with open(descriptor, "rb") as handle:
        found = _not_ordinary(os.fstat(handle.fileno()).st_mode)
        if found is not None:
            raise _refused(path, found)
        try:
            data = handle.read()
        except OSError as exc:
            raise AnnualRecordsError(f"cannot read the file ({exc.strerror})", path=path) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AnnualRecordsError(f"expected UTF-8 text, found an undecodable byte at offset {exc.start}",
                                 path=path) from None


def load_records(path: Path, landlord: str, period: str) -> AnnualRecords:
    """The records in ``path`` (empty records when there is no file), read strictly; a damaged
    file, or one for another landlord or period, raises :class:`AnnualRecordsError` naming it."""
    return read_records(path, landlord, period)[0]


def read_records(path: Path, landlord: str, period: str) -> tuple[AnnualRecords, str | None]:
    """:func:`load_records` and the file's text (``None`` when there is no file)."""
    path = check_file(path)
    if not os.path.lexists(path):
        return empty_records(landlord, period), None
    text = read_file_text(path)
    return parse_records(text, path, landlord, period), text


def parse_records(text: str, path: Path, landlord: str, period: str) -> AnnualRecords:
    """The records of a file's ``text`` (read from ``path``, named in messages), checked as above."""
    return validate_records(parse_yaml(text, path, AnnualRecordsError, aliases=False).data, path, landlord, period)


def validate_records(raw: Any, path: Path, landlord: str, period: str) -> AnnualRecords:
    """The one check of a records file's data: valid records for this landlord and period."""
    if raw is None:
        raise AnnualRecordsError("the file is empty; expected a YAML mapping with landlord, period and the "
                                 "records (learning, ombudsman ...): remove the file to start again", path=path)
    if not isinstance(raw, dict):
        raise AnnualRecordsError(f"expected a YAML mapping with landlord, period and the records; found "
                                 f"{type(raw).__name__}", path=path)
    try:
        records = AnnualRecords.model_validate(raw)
    except ValidationError as exc:
        raise AnnualRecordsError(describe_problems(exc, raw), path=path) from None
    if (records.landlord, records.period) != (landlord, period):
        period_shown = repr(records.period) if PERIOD_ID.fullmatch(records.period) else described(records.period)
        raise AnnualRecordsError(f"the file is for landlord {described(records.landlord)}, period {period_shown}; "
                                 f"expected {shorten(landlord)}, {shorten(period)}", path=path)
    return records


_LABELS = {"learning": "improvement", "ombudsman": "Ombudsman record"}


def _key(key: object) -> str:
    """A field's name as a message shows it (a name not of the records by its length only)."""
    shown = described(key)
    return shown.strip("'") if shown.startswith("'") else f"a field name of {len(str(key)):,} characters"


def describe_problems(exc: ValidationError, raw: Any = None) -> str:
    """One part per problem naming the entry (its place in its list from 1, and its id when it
    has a valid one) and the field; a refused value is shown only as :func:`described` shows it,
    a refused reference never."""
    parts = []
    for error in exc.errors():
        loc = list(error["loc"])
        words: list[str] = []
        if len(loc) >= 2 and loc[0] in _LABELS and isinstance(loc[1], int):
            section, index = str(loc[0]), loc[1]
            label = f"{_LABELS[section]} {index + 1}"
            entries = raw.get(section) if isinstance(raw, dict) else None
            if isinstance(entries, list) and index < len(entries) and isinstance(entries[index], dict):
                with contextlib.suppress(ValueError):
                    label += f" ({check_item_id(entries[index].get('id'))})"
            words.append(label)
            loc = loc[2:]
        path = ".".join(str(p + 1) if isinstance(p, int) else _key(p) for p in loc)
        if path:
            words.append(path)
        message = str(error["msg"]).removeprefix("Value error, ")
        found = error.get("input")
        if error["type"] == "extra_forbidden":
            message = "not a field of the records here: remove it, or check its spelling and indentation"
        elif error["type"] not in ("value_error", "assertion_error", "missing"):
            message += f" (found {described(found)})"
        parts.append(f"{': '.join(words)}: {message}" if words else message)
    return "; ".join(parts)


# -- writing --------------------------------------------------------------------------------------

_HEADER = ("# Annual records for the complaints performance and service improvement report (Code 8.1, 8.2, 9.5).\n"
           "# learning: the \"You said, we did\" log; ombudsman: its determinations, orders and reports, entered by\n"
           "# hand; confirmed_none: true where a part had nothing this year. See docs/annual-report.md.\n"
           "# Case references are case ids only: never residents' names or details.\n")


def _compact(value: Any) -> Any:
    """An entry's data without its empty optional fields (``None`` or an empty list)."""
    if isinstance(value, dict):
        return {key: _compact(item) for key, item in value.items() if item is not None and item != []}
    if isinstance(value, list):
        return [_compact(item) for item in value]
    return value


def file_data(records: AnnualRecords) -> dict[str, Any]:
    """The records as the file holds them: every top-level key, entries without empty fields;
    dates as dates."""
    data = records.model_dump(mode="python")
    for key in (*SECTIONS, "governing_body", "member_responsible"):
        data[key] = _compact(data[key])
    return data


def yaml_value(value: Any) -> Any:
    """A value as ruamel.yaml writes it into a file people read: maps and lists in block style,
    a text plain where every YAML reader reads it back as this text, a text of several lines as
    a literal block, any other text double-quoted."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = yaml_value(item)
        mapping.fa.set_block_style()
        return mapping
    if isinstance(value, list):
        sequence = CommentedSeq(yaml_value(item) for item in value)
        sequence.fa.set_block_style()
        return sequence
    if not isinstance(value, str):
        return value
    if "\n" in value and _literal_safe(value):
        return LiteralScalarString(value)
    try:
        plain = yaml.safe_load(value) == value  # YAML 1.1: the stricter reader of the two
    except yaml.YAMLError:
        plain = False
    return value if plain and value == value.strip() and value.isprintable() else DoubleQuotedScalarString(value)


def _literal_safe(text: str) -> bool:
    """Whether a text of several lines reads back the same from a literal block (``|``)."""
    lines = text.split("\n")
    return (all(line == line.rstrip() and all(ch.isprintable() or ch == "\t" for ch in line) for line in lines)
            and not text.startswith((" ", "\n")) and "\r" not in text)


def round_trip() -> Any:
    """The ruamel.yaml round-trip reader and writer the records file is saved with."""
    from ruamel.yaml import YAML

    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096  # long texts stay on one line
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def dump_records(records: AnnualRecords) -> str:
    """The text of a new records file: a header saying what it is, then every field."""
    out = io.StringIO()
    round_trip().dump(yaml_value(file_data(records)), out)
    return _HEADER + out.getvalue()


def section_label(section: str) -> str:
    """What messages call an entry of ``section`` (``improvement``, ``Ombudsman record``)."""
    return _LABELS.get(section, section)


def ids(records: AnnualRecords, section: str) -> Iterable[str]:
    """The ids of ``section``'s entries, in file order."""
    return (item.id for item in records.items(section))


__all__ = ["ANNUAL_FOLDER", "ITEM_MODELS", "NONE_PARTS", "SECTIONS", "AnnualRecords", "ConfirmedNone",
           "GoverningBodyResponse", "Improvement", "MemberResponsible", "OmbudsmanFinding", "OmbudsmanOrder",
           "OmbudsmanRecord", "check_item_id", "check_link", "check_qualitative_analysis", "check_reference",
           "describe_problems", "described", "dump_records", "empty_records", "file_data", "load_records", "next_id",
           "parse_records", "read_date", "read_file_text", "read_records", "records_file", "validate_records"]
