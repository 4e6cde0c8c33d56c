"""Each subsidiary's movement since last year: last period's answers against this period's.

The comparison is the landlord's own (:func:`audit_lib.assessment.year_on_year.year_on_year`),
so the roll-up counts what each landlord's report shows: for each provision of this period's
Code, last period's status is the same provision's when both years were assessed against the
same Code, else that of the older provisions leading to it in the crosswalk (the least
compliant of several). Here its movements are counted in five: *improved* (No → Partial →
Yes), *worsened*, *unchanged* (the same status, N/A included), *new* (no older provision leads
to it) and *not compared* (not assessed in one of the years, not applicable in one year only,
or a question asking for a figure or a written answer). Years assessed against Codes no single
crosswalk joins are not compared, with the reason.

The roll-up compares statuses: this period's are those the landlord's run recorded (or its
answers file, read again when changed), last period's are read from its answers file
(:func:`~.members.load_last_year`). Nothing here reads a landlord's file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..assessment.answers import Answer, Assessment, Status
from ..assessment.year_on_year import Movement as Change
from ..assessment.year_on_year import year_on_year
from ..code.catalogue import Catalogue, load_catalogue
from ..core.periods import Period
from ..errors import AuditError
from ..stats.results import percent
from .members import LastYear, Member

#: The kinds of movement the roll-up counts, in the order they are shown.
KINDS = ("improved", "worsened", "unchanged", "new", "unconfirmed", "not_compared")
#: Each of the landlord's movements (:class:`~audit_lib.assessment.year_on_year.Movement`) as the roll-up counts it.
KIND_OF = {Change.IMPROVED: "improved", Change.WORSENED: "worsened", Change.UNCHANGED: "unchanged",
           Change.NEW_PROVISION: "new"}


@dataclass(frozen=True)
class SubsidiaryMovement:
    """One subsidiary's movement between last period and this one.

    ``reason`` says why nothing is compared (no assessment last year, unreadable answers, Codes
    no single crosswalk joins); the counts are then zero and ``compared`` is false. The
    compliant counts are of the provisions asking for a status (every 2022 and 2024 provision;
    the 2020 questions asking for a figure or a written answer are not counted). ``removed``:
    last year's provisions that no provision of this year's Code carries (not in the five counts,
    which are of this year's provisions).
    """

    last_period: str
    last_code: str | None  # None: no assessment last year
    this_code: str
    reason: str | None = None
    yes_last: int = 0
    provisions_last: int = 0
    yes_this: int = 0
    provisions_this: int = 0
    improved: int = 0
    worsened: int = 0
    unchanged: int = 0
    new: int = 0
    #: This year's answers that are drafts carried forward and not yet confirmed (in no other count).
    unconfirmed: int = 0
    not_compared: int = 0
    removed: int = 0

    @property
    def compared(self) -> bool:
        """Whether last year's answers were compared with this year's."""
        return self.reason is None

    @property
    def codes(self) -> str:
        """The Code of each year, ``2022 → 2024`` (this year's alone when there was no assessment last year)."""
        return f"{self.last_code} → {self.this_code}" if self.last_code else self.this_code

    @property
    def pct_last(self) -> float | None:
        """Last year's compliant (Yes) provisions as a percentage of its provisions."""
        return percent(self.yes_last, self.provisions_last)

    @property
    def pct_this(self) -> float | None:
        """This year's compliant (Yes) provisions as a percentage of its provisions."""
        return percent(self.yes_this, self.provisions_this)

    def as_json(self) -> dict[str, Any]:
        """The movement as the group's run record gives it."""
        data: dict[str, Any] = {"last_period": self.last_period, "codes": {"last": self.last_code, "this": self.this_code}}
        if self.reason is not None:
            return {**data, "compared": False, "reason": self.reason}
        return {
            **data, "compared": True,
            "compliant": {
                "last": {"yes": self.yes_last, "provisions": self.provisions_last, "pct": self.pct_last},
                "this": {"yes": self.yes_this, "provisions": self.provisions_this, "pct": self.pct_this},
            },
            **{kind: getattr(self, kind) for kind in KINDS},
            "removed": self.removed,
        }


def compliant(catalogue: Catalogue, statuses: Mapping[str, str | None]) -> tuple[int, int]:
    """(provisions answered Yes, provisions asking for a status) of one year's answers."""
    asked = [p for p in catalogue.provisions if not p.asks_for_value]
    return sum(1 for p in asked if statuses.get(p.id) == "Yes"), len(asked)


def statuses_of(assessment: Assessment) -> dict[str, str | None]:
    """Each answered provision's status, by provision id."""
    return {key: answer.status.value if answer.status else None for key, answer in assessment.answers.items()}


def as_assessment(member: Member, period: Period, statuses: Mapping[str, str | None]) -> Assessment:
    """This period's statuses as an assessment to compare (a status that is not one, possible only
    in a ``metrics.json`` edited by hand, counts as not assessed)."""
    answers: dict[str, Answer] = {}
    for key, value in statuses.items():
        try:
            answers[key] = Answer(status=Status.parse(value)) if value else Answer()
        except ValueError:
            answers[key] = Answer()
    return Assessment(landlord=member.entry.id, period=period.id, code=member.catalogue.code, answers=answers)


def movement(member: Member, period: Period) -> SubsidiaryMovement:
    """One subsidiary's movement between ``period.previous`` and ``period`` (from its
    :attr:`~.members.Member.last_year`)."""
    this = member.catalogue
    last: LastYear | None = member.last_year
    if last is None:
        return SubsidiaryMovement(period.previous.id, None, this.code, reason="last year's answers were not read")
    base = SubsidiaryMovement(last.period, last.code if last.assessed else None, this.code)
    if last.assessment is None:
        return replace(base, reason=last.reason or "no assessment last year")
    if member.statuses is None:
        return replace(base, reason="not compared: this year's answers are unreadable")
    try:
        compared = year_on_year(as_assessment(member, period, member.statuses), this, last.assessment,
                                previous_period=last.period, previous_code=last.code)
        before = load_catalogue(last.code)
    except AuditError as exc:
        return replace(base, reason=f"not compared: {exc.message}")
    if not compared.compared:
        return replace(base, reason=f"not compared: {compared.message or 'no comparison'}")
    counts = dict.fromkeys(KINDS, 0)
    for row in compared.rows:
        draft = row.provision.id in member.unconfirmed and row.movement is not Change.NOT_YET_ASSESSED
        counts["unconfirmed" if draft else KIND_OF.get(row.movement, "not_compared")] += 1
    yes_last, asked_last = compliant(before, statuses_of(last.assessment))
    confirmed = {key: status for key, status in member.statuses.items() if key not in member.unconfirmed}
    yes_this, asked_this = compliant(this, confirmed)
    return replace(base, yes_last=yes_last, provisions_last=asked_last, yes_this=yes_this, provisions_this=asked_this,
                   improved=counts["improved"], worsened=counts["worsened"], unchanged=counts["unchanged"],
                   new=counts["new"], unconfirmed=counts["unconfirmed"], not_compared=counts["not_compared"],
                   removed=len(compared.removed))
