"""Year on year: this period's answers beside last period's, provision by provision.

For each provision of this period's Code, :func:`year_on_year` gives last period's answer and
this period's, and the movement between them as data (a :class:`Movement`, whose value is a
stable reason code). Statuses are ordered No < Partial < Yes: a move up is ``improved``, down
``worsened``. N/A is not on that scale, so a move to or from it is ``now-na`` or ``was-na``.
A question asking for a figure or a written answer (the 2020 Code's, :attr:`Answer.value`) is
compared as text: ``changed`` or ``unchanged``.

When the Code changed between the periods (last period assessed against the 2022 Code, this
one against the 2024 Code), last period's answer to a provision is that of the older
provisions that lead to it in the crosswalk (:mod:`audit_lib.code.crosswalk`), each with its
number, the kind of link and the crosswalk's note on what changed. Where several older
provisions lead to one (split or merged requirements), the status compared with is the lowest
of theirs (No < Partial < Yes; N/A only when all that were assessed were N/A), so a movement
is never flattered by the best of several answers. A provision no older one leads to is
``new-provision`` ("new in 2024"). The older provisions that no newer one carries are listed
apart (:attr:`YearOnYear.removed`) with their last status.

This period's answer carried forward and not yet confirmed is compared as it stands and marked
as a draft (:attr:`YearOnYearRow.confirmed`).

No answers file for last period is a result, not an error: :attr:`YearOnYear.assessed` is
false and :attr:`YearOnYear.message` says so ("No assessment for 2023-24 ...").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..code.catalogue import Catalogue, Provision, load_catalogue
from ..code.crosswalk import Crosswalk, LinkKind, load_crosswalk
from ..code.versions import previous_version
from .answers import Answer, Assessment, Status
from .answers_file import load_assessment
from .carry_forward import least_compliant
from .progress import asks_for_value, is_answered

__all__ = ["Movement", "Predecessor", "Removed", "YearOnYear", "YearOnYearRow", "load_previous_assessment",
           "year_on_year"]


class Movement(StrEnum):
    """How a provision's answer moved since last period; the value is the reason code."""

    IMPROVED = "improved"
    WORSENED = "worsened"
    UNCHANGED = "unchanged"
    #: A figure or a written answer that differs from last period's (compared as text).
    CHANGED = "changed"
    NOW_NA = "now-na"
    WAS_NA = "was-na"
    #: No provision of last period's Code leads to it.
    NEW_PROVISION = "new-provision"
    NOT_ASSESSED_LAST_PERIOD = "not-assessed-last-period"
    NOT_YET_ASSESSED = "not-yet-assessed"
    #: Last period answered a question asking for a figure or a written answer, this one asks for
    #: a status (or the other way round): the two are not on one scale.
    NOT_COMPARABLE = "not-comparable"

    @property
    def words(self) -> str:
        """The movement in a few words, as the report's table shows it."""
        return {
            "improved": "Improved", "worsened": "Worsened", "unchanged": "Unchanged", "changed": "Changed",
            "now-na": "Now N/A", "was-na": "Was N/A", "new-provision": "New provision",
            "not-assessed-last-period": "Not assessed last period", "not-yet-assessed": "Not yet assessed",
            "not-comparable": "Not comparable (a figure or written answer beside a status)",
        }[self.value]


#: Statuses on the scale movements are measured on (N/A is not on it).
_RANK = {Status.NO: 0, Status.PARTIAL: 1, Status.YES: 2}


@dataclass(frozen=True)
class Predecessor:
    """Last period's answer to a provision that leads to one of this period's."""

    provision: str  # its id, e.g. ``2022:5.1``
    number: str
    #: How its requirement is carried (``None`` when the Code did not change between the periods).
    kind: LinkKind | None
    #: The crosswalk's note on what changed (``None`` when the Code did not change).
    note: str | None
    status: Status | None
    value: str | None  # the answer to a question asking for a figure or a written answer
    #: Whether it was answered as its provision asks (:func:`~audit_lib.assessment.progress.is_answered`).
    answered: bool

    def as_json(self) -> dict[str, Any]:
        return {"provision": self.provision, "kind": None if self.kind is None else self.kind.value,
                "status": None if self.status is None else self.status.value}


@dataclass(frozen=True)
class YearOnYearRow:
    """One provision of this period's Code: last period's answer, this period's, and the movement."""

    provision: Provision
    status: Status | None
    value: str | None
    previous: tuple[Predecessor, ...]
    #: What is new, when no provision of last period's Code leads to this one (``None`` otherwise).
    new_note: str | None
    #: Last period's status as compared (the lowest of several predecessors'; see the module docstring).
    previous_status: Status | None
    previous_value: str | None
    movement: Movement
    #: ``False`` for this period's answer carried forward and not yet confirmed (a draft).
    confirmed: bool = True

    @property
    def is_new(self) -> bool:
        return self.movement is Movement.NEW_PROVISION

    @property
    def notes(self) -> list[str]:
        """The crosswalk's notes on what changed, or what is new; where several older provisions lead
        to this one, each note begins with its provision's number (``5.2: Extensions no longer ...``)."""
        if self.new_note is not None:
            return [self.new_note]
        several = len(self.previous) > 1
        return [f"{p.number}: {p.note}" if several else p.note for p in self.previous if p.note]


@dataclass(frozen=True)
class Removed:
    """A provision of last period's Code that no provision of this period's carries."""

    provision: str
    number: str
    note: str
    status: Status | None
    value: str | None = None  # last period's figure or written answer (a 2020 question)


@dataclass(frozen=True)
class YearOnYear:
    """This period's answers beside last period's."""

    period: str
    code: str
    previous_period: str
    previous_code: str
    #: Whether last period has an answers file (``False``: nothing to compare with).
    assessed: bool
    rows: tuple[YearOnYearRow, ...]
    removed: tuple[Removed, ...] = ()
    #: Why the periods could not be compared although last period was assessed (``None``: they were).
    problem: str | None = None

    @property
    def code_changed(self) -> bool:
        return self.code != self.previous_code

    @property
    def compared(self) -> bool:
        return self.assessed and self.problem is None

    @property
    def message(self) -> str | None:
        """Why there is no comparison, in words (``None`` when there is one)."""
        if not self.assessed:
            return (f"No assessment for {self.previous_period}: there is no answers file for it, so there is "
                    f"nothing to compare {self.period} with.")
        return self.problem

    @property
    def counts(self) -> dict[str, int]:
        """How many provisions moved each way, every movement named (zeros included), in :class:`Movement`'s order."""
        counts = dict.fromkeys((m.value for m in Movement), 0)
        for row in self.rows:
            counts[row.movement.value] += 1
        return counts

    def as_json(self) -> dict[str, Any]:
        """The metrics of the comparison: which period and Code it was with, and the counts by movement."""
        return {"previous_period": self.previous_period, "previous_code": self.previous_code,
                "previous_assessed": self.assessed, "compared": self.compared,
                "counts": self.counts if self.compared else None}


def load_previous_assessment(path: Path, catalogue: Catalogue, landlord: str, period: str) -> Assessment | None:
    """Last period's answers (checked against its Code as any answers file is), or ``None`` when it
    has no answers file. A damaged file is an error naming it (:class:`~audit_lib.errors.AnswerStoreError`)."""
    path = Path(path)
    if not path.is_file():
        return None
    return load_assessment(path, catalogue, landlord, period)


def _predecessor(provision: Provision, answer: Answer, kind: LinkKind | None, note: str | None) -> Predecessor:
    answered = is_answered(provision, answer)
    return Predecessor(provision=provision.id, number=provision.number, kind=kind, note=note,
                       status=answer.status if answered else None, value=answer.value if answered else None,
                       answered=answered)


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _movement(provision: Provision, answer: Answer, previous: tuple[Predecessor, ...],
              previous_status: Status | None, previous_value: str | None) -> Movement:
    if not previous:
        return Movement.NEW_PROVISION
    if not is_answered(provision, answer):
        return Movement.NOT_YET_ASSESSED
    if not any(p.answered for p in previous):
        return Movement.NOT_ASSESSED_LAST_PERIOD
    if asks_for_value(provision) and answer.status is Status.NA:
        return Movement.UNCHANGED if previous_status is Status.NA else Movement.NOW_NA
    if asks_for_value(provision):
        if previous_value is None:
            return Movement.WAS_NA if previous_status is Status.NA else Movement.NOT_COMPARABLE
        assert answer.value is not None  # answered, and not N/A
        return Movement.UNCHANGED if _same_text(previous_value, answer.value) else Movement.CHANGED
    if previous_status is None or answer.status is None:
        return Movement.NOT_COMPARABLE
    if previous_status == answer.status:
        return Movement.UNCHANGED
    if answer.status is Status.NA:
        return Movement.NOW_NA
    if previous_status is Status.NA:
        return Movement.WAS_NA
    return Movement.IMPROVED if _RANK[answer.status] > _RANK[previous_status] else Movement.WORSENED


def _row(provision: Provision, answer: Answer, previous: tuple[Predecessor, ...], new_note: str | None) -> YearOnYearRow:
    statuses = [p.status for p in previous if p.status is not None]
    values = [p.value for p in previous if p.value is not None]
    previous_status = least_compliant(statuses)
    # several figures or written answers lead to one only across Codes: shown, compared when one
    previous_value = values[0] if len(values) == 1 else None
    return YearOnYearRow(provision=provision, status=answer.status, value=answer.value, previous=previous,
                         new_note=new_note, previous_status=previous_status, previous_value=previous_value,
                         movement=_movement(provision, answer, previous, previous_status, previous_value),
                         confirmed=answer.confirmed)


def _crosswalk(older: str, newer: str) -> Crosswalk | None:
    """The crosswalk between two consecutive versions, or ``None`` when they are not consecutive."""
    return load_crosswalk(older, newer) if previous_version(newer) == older else None


def year_on_year(current: Assessment, catalogue: Catalogue, previous: Assessment | None, *, previous_period: str,
                 previous_code: str) -> YearOnYear:
    """``current`` (answers to ``catalogue``) beside ``previous``, last period's answers to the
    ``previous_code`` Code (``None``: last period has no answers file).

    Through the crosswalk when the Codes differ; the crosswalks join consecutive versions, so
    periods assessed against versions further apart (or against a newer version last period) are
    not compared, and :attr:`YearOnYear.problem` says why.
    """
    def result(rows: tuple[YearOnYearRow, ...] = (), removed: tuple[Removed, ...] = (),
               problem: str | None = None) -> YearOnYear:
        return YearOnYear(period=current.period, code=catalogue.code, previous_period=previous_period,
                          previous_code=previous_code, assessed=previous is not None, rows=rows, removed=removed,
                          problem=problem)

    if previous is None:
        return result()
    if previous_code == catalogue.code:
        return result(tuple(
            _row(p, current.answer(p.id), (_predecessor(p, previous.answer(p.id), None, None),), None)
            for p in catalogue.provisions
        ))
    crosswalk = _crosswalk(previous_code, catalogue.code)
    if crosswalk is None:
        return result(problem=(
            f"{previous_period} was assessed against the {previous_code} Code and {current.period} against the "
            f"{catalogue.code} Code; the product's crosswalks join each version to the next (2020 to 2022, 2022 to "
            "2024), so the two assessments are not compared provision by provision."))
    older = load_catalogue(previous_code)
    rows: list[YearOnYearRow] = []
    for provision in catalogue.provisions:
        links = crosswalk.predecessors(provision.number)
        previous_answers = tuple(
            _predecessor(older.provision(link.source), previous.answer(f"{previous_code}:{link.source}"), link.kind,
                         link.note)
            for link in sorted(links, key=lambda link: older.provision(link.source).sort_key)
        )
        new_note = crosswalk.new.get(provision.number) if not links else None
        rows.append(_row(provision, current.answer(provision.id), previous_answers, new_note))
    removed = tuple(
        Removed(provision=f"{previous_code}:{link.source}", number=link.source, note=link.note,
                status=previous.answer(f"{previous_code}:{link.source}").status,
                value=previous.answer(f"{previous_code}:{link.source}").value)
        for link in crosswalk.links if link.kind is LinkKind.REMOVED
    )
    return result(tuple(rows), removed)
