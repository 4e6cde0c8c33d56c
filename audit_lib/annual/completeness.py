"""The completeness check of the annual report against Code 8.1 (a)-(f), 8.2 and 9.5, and the
Ombudsman's orders past due (9.7 c): what is still missing, as data with reason codes.

Each :class:`Gap` is like a finding (:mod:`audit_lib.findings.model`): a stable
:class:`GapCode`, the provision and part it is about, and a message in plain words saying what is
missing and how to put it right. The report shows them at the top while there are any, and
``metrics.json`` lists them (:meth:`Gap.as_json`). They are computed from the records whenever
shown, never stored.

What each part needs (the provisions are numbered as in the 2024 Code):

=========  ======================================================================================
8.1 (a)    the annual self-assessment (``has_self_assessment``)
8.1 (b)    the quantitative and qualitative analysis: figures from the case log (``figures_available``)
8.1 (c)    a determination or complaint handling failure order recorded, or ``confirmed_none.ombudsman_findings``
8.1 (d)    at least one improvement in the learning log (any status), or ``confirmed_none.learning``
8.1 (e)    the Ombudsman's annual performance report recorded, or ``confirmed_none.performance_report``
8.1 (f)    a special report or other publication recorded, or ``confirmed_none.other_publications``
8.2        the governing body's response
9.5        the Member Responsible for Complaints named
9.7 (c)    every order complied with by its due date (judged at ``as_of``)
=========  ======================================================================================

A "none this year" flag contradicted by records of that part is a gap too
(:attr:`GapCode.NONE_CONTRADICTED`): one of the two is wrong. A records file that cannot be read
(a YAML typo, a refused value) is one gap, first (:attr:`GapCode.RECORDS_UNREADABLE`, kind
``unreadable``), in place of the parts its records would answer (8.1 c-f, 8.2, 9.5, 9.7 c): what
they hold is not known. An order past due is flagged (kind ``overdue``) but does not make the
report incomplete: it is what happened, and the report says so; every other gap does
(:func:`is_complete`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from ..core.periods import uk_date
from .records import NON_COMPLIANCE_KINDS, AnnualRecords, OmbudsmanRecord

#: The kinds of Ombudsman record that answer each part of 8.1.
FINDING_KINDS = NON_COMPLIANCE_KINDS  # (c)
REPORT_KINDS = ("annual_performance_report",)  # (e)
PUBLICATION_KINDS = ("special_report", "other")  # (f)


class GapCode(StrEnum):
    """Why a gap was raised: one code per kind, stable across releases."""

    NO_SELF_ASSESSMENT = "no-self-assessment"
    NO_FIGURES = "no-performance-figures"
    NO_OMBUDSMAN_FINDINGS = "no-ombudsman-findings-recorded"
    NO_LEARNING = "no-service-improvements"
    NO_PERFORMANCE_REPORT = "no-ombudsman-performance-report"
    NO_OTHER_PUBLICATIONS = "no-other-ombudsman-publications"
    NONE_CONTRADICTED = "none-confirmed-but-recorded"
    RECORDS_UNREADABLE = "records-unreadable"
    NO_GOVERNING_BODY_RESPONSE = "no-governing-body-response"
    NO_MEMBER_RESPONSIBLE = "no-member-responsible"
    ORDER_OVERDUE = "ombudsman-order-overdue"


GapKind = Literal["missing", "inconsistent", "overdue", "unreadable"]


@dataclass(frozen=True)
class Gap:
    """One thing the annual report lacks (or an order past due)."""

    code: GapCode
    #: The provision's number in the 2024 Code (``"8.1"``) and the part of it, if any (``"c"``).
    provision: str
    part: str | None
    message: str
    kind: GapKind = "missing"
    #: The Ombudsman record concerned (its id), for an order past due or a contradicted flag.
    item: str | None = None

    @property
    def label(self) -> str:
        """The provision as the report names it: ``8.1 (c)``, ``8.2``."""
        return f"{self.provision} ({self.part})" if self.part else self.provision

    def as_json(self) -> dict[str, object]:
        """The gap for ``metrics.json``."""
        return {"code": self.code.value, "provision": self.provision, "part": self.part, "label": self.label,
                "kind": self.kind, "item": self.item, "message": self.message}


def is_complete(gaps: list[Gap]) -> bool:
    """Whether the report has everything 8.1 and 8.2 ask for (orders past due do not count)."""
    return not any(gap.kind != "overdue" for gap in gaps)


@dataclass(frozen=True)
class _Part:
    """A part of 8.1 the landlord records, or confirms had nothing this year: the records that
    answer it (Ombudsman records of ``kinds``; ``None``: the learning log), its "none this year"
    flag, and the words of its gaps."""

    part: str
    kinds: tuple[str, ...] | None
    flag: str
    missing: GapCode
    message: str
    what: str
    one: str
    many: str


_PARTS = (
    _Part("c", FINDING_KINDS, "ombudsman_findings", GapCode.NO_OMBUDSMAN_FINDINGS,
          "No findings of non-compliance by the Ombudsman are recorded, and \"none this year\" is not confirmed: "
          "record each determination and complaint handling failure order of the year, or confirm there were none.",
          "the Ombudsman's findings of non-compliance", "determination or order", "determinations or orders"),
    _Part("d", None, "learning", GapCode.NO_LEARNING,
          "No service improvements from learning from complaints are recorded, and \"none this year\" is not "
          "confirmed: add them to the learning log (\"You said, we did\"), or confirm there were none.",
          "service improvements", "improvement", "improvements"),
    _Part("e", REPORT_KINDS, "performance_report", GapCode.NO_PERFORMANCE_REPORT,
          "The Ombudsman's annual report on our performance is not recorded: record it (its date and a reference or "
          "link), or confirm the Ombudsman published none about us this year.",
          "the Ombudsman's annual performance report", "annual performance report", "annual performance reports"),
    _Part("f", PUBLICATION_KINDS, "other_publications", GapCode.NO_OTHER_PUBLICATIONS,
          "No other reports or publications of the Ombudsman about us are recorded, and \"none this year\" is not "
          "confirmed: record any special report or other publication, or confirm there were none.",
          "other reports and publications of the Ombudsman", "report or publication", "reports or publications"),
)


def _of(records: AnnualRecords, kinds: tuple[str, ...]) -> list[OmbudsmanRecord]:
    return [record for record in records.ombudsman if record.kind in kinds]


def _contradicted(part: str, flag: str, what: str, count: int, one: str, many: str) -> Gap:
    plural = one if count == 1 else many
    return Gap(GapCode.NONE_CONTRADICTED, "8.1", part,
               f"'None this year' is confirmed for {what}, but {count} {plural} {'is' if count == 1 else 'are'} "
               f"recorded: untick 'none this year' ({flag}), or remove the {plural} if {'it was' if count == 1 else 'they were'} "
               "entered by mistake.", kind="inconsistent")


def unreadable_gap(problem: str) -> Gap:
    """The gap of a records file that cannot be read; ``problem`` is why (the load error, which
    names the file, the entry and the field, and never quotes a resident's data)."""
    return Gap(GapCode.RECORDS_UNREADABLE, "8.1", None,
               f"The annual records could not be read: {problem.rstrip('.')}. Until the file is corrected, nothing "
               "recorded in it is shown (the learning log, the Ombudsman's findings and publications, the governing "
               "body's response, the Member Responsible for Complaints and the landlord's own qualitative "
               "analysis): correct the file where the message says, "
               "then produce the report again.", kind="unreadable")


def completeness(records: AnnualRecords, *, has_self_assessment: bool, figures_available: bool,
                 as_of: dt.date | None = None, unreadable: str | None = None) -> list[Gap]:
    """The gaps of the annual report for ``records``, in the order of the Code's parts (see the
    module's table). ``has_self_assessment``: the period's self-assessment is there to append;
    ``figures_available``: the case log gave figures for the period; ``as_of``: the day orders'
    due dates are judged at (today by default); ``unreadable``: why the records file could not be
    read, if so (:func:`unreadable_gap`, first; ``records`` are then not checked). No gaps: the
    report is complete."""
    today = as_of or dt.date.today()
    none = records.confirmed_none
    gaps: list[Gap] = [unreadable_gap(unreadable)] if unreadable is not None else []
    if not has_self_assessment:
        gaps.append(Gap(GapCode.NO_SELF_ASSESSMENT, "8.1", "a",
                        "The annual self-assessment against the Code is not there: complete the self-assessment "
                        "for this period; the report appends it."))
    if not figures_available:
        gaps.append(Gap(GapCode.NO_FIGURES, "8.1", "b",
                        "There are no complaint figures for this period, so the report has no quantitative or "
                        "qualitative analysis of complaint handling: give the case log for the period."))
    if unreadable is not None:
        return gaps

    for part in _PARTS:
        entries = records.learning if part.kinds is None else _of(records, part.kinds)
        confirmed = getattr(none, part.flag)
        if entries and confirmed:
            gaps.append(_contradicted(part.part, part.flag, part.what, len(entries), part.one, part.many))
        elif not entries and not confirmed:
            gaps.append(Gap(part.missing, "8.1", part.part, part.message))

    if records.governing_body is None:
        gaps.append(Gap(GapCode.NO_GOVERNING_BODY_RESPONSE, "8.2", None,
                        "No governing body response is recorded: record the governing body's response to the report "
                        "(its text, the date of the meeting and who gave it); it is published alongside the report."))
    if records.member_responsible is None:
        gaps.append(Gap(GapCode.NO_MEMBER_RESPONSIBLE, "9.5", None,
                        "No Member Responsible for Complaints is named: record their name and role."))

    for record in records.ombudsman:
        for number, order in enumerate(record.orders, 1):
            if order.progress != "complied" and order.due is not None and order.due < today:
                gaps.append(Gap(GapCode.ORDER_OVERDUE, "9.7", "c",
                                f"Order {number} of {record.id} was due on {uk_date(order.due)} and is not complied "
                                f"with ({order.progress}): record the progress made, or the date it was complied with.",
                                kind="overdue", item=record.id))
    return gaps


__all__ = ["FINDING_KINDS", "PUBLICATION_KINDS", "REPORT_KINDS", "Gap", "GapCode", "completeness", "is_complete",
           "unreadable_gap"]
