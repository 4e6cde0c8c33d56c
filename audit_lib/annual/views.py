"""The annual report's HTML parts from the landlord's own records: the title block with the
completeness check, the learning log, the Ombudsman's findings and publications, the governing
body's response and the MRC, and the heading of the appended self-assessment.

Nothing here reads a file: :class:`~audit_lib.annual.report.AnnualReport` loads the records and
works out the gaps (:mod:`.completeness`) once and passes them in; when the records file could
not be read, each part of the records says so and the cover's gap says why. Every text the landlord typed
is printed through the report's Jinja environment (:mod:`audit_lib.report.render`), which escapes
it; a link becomes one only when it is an ``http`` or ``https`` address, and opens with
``rel="noopener"``. Case references are shown as references, nothing more: no case log's value
reaches these parts. The quantitative and qualitative analysis (8.1 b) are
:mod:`.analysis_views`' parts; the self-assessment's are the workbook's (:mod:`audit_lib.workbook.views`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..code.catalogue import Catalogue
from ..config.landlords import Landlord
from ..core.periods import Period, uk_date
from ..evidence.register import is_web_link
from ..report.render import HTMLFragment, render
from .completeness import FINDING_KINDS, PUBLICATION_KINDS, REPORT_KINDS, Gap, GapCode, is_complete
from .records import AnnualRecords, OmbudsmanOrder, OmbudsmanRecord

#: The report's title (Code 8.1).
TITLE = "Annual complaints performance and service improvement report"

#: How each kind of Ombudsman record is named in the report.
KIND_LABELS = {
    "determination": "Determination",
    "complaint_handling_failure_order": "Complaint handling failure order",
    "annual_performance_report": "Annual landlord performance report",
    "special_report": "Special report",
    "other": "Other report or publication",
}
#: How each outcome of a finding is named in the report.
OUTCOME_LABELS = {
    "maladministration": "Maladministration",
    "severe maladministration": "Severe maladministration",
    "service failure": "Service failure",
    "no maladministration": "No maladministration",
    "outside jurisdiction": "Outside jurisdiction",
    "redress": "Reasonable redress",
}
#: A gap's kind -> the word shown and the severity class it is drawn with (as findings are).
GAP_LOOK = {"missing": ("Missing", "contradicted"), "inconsistent": ("Inconsistent", "caution"),
            "overdue": ("Past due", "caution"), "unreadable": ("Unreadable", "contradicted")}
#: The state of each part the records answer when the records file cannot be read.
UNREADABLE_STATE = "Not known: the records could not be read"
#: An improvement's status -> the state class it is drawn with (as actions' states are).
STATUS_CLASS = {"done": "done", "in progress": "open", "planned": "no-due-date"}


@dataclass(frozen=True)
class GapRow:
    """One gap as the report lists it: the word and class of its kind, its provision and message."""

    gap: Gap
    word: str
    severity: str


def gap_rows(gaps: Sequence[Gap]) -> list[GapRow]:
    """The gaps as the report lists them, in the Code's order (as :func:`.completeness.completeness` gives them)."""
    return [GapRow(gap, *GAP_LOOK[gap.kind]) for gap in gaps]


def _of_part(gaps: Sequence[Gap], provision: str, part: str | None) -> list[GapRow]:
    return gap_rows([gap for gap in gaps if gap.provision == provision and gap.part == part])


def unreadable(gaps: Sequence[Gap]) -> bool:
    """Whether the records file could not be read (its gap is among ``gaps``): each part of the
    records then says so, and the gap at the top says why."""
    return any(gap.code is GapCode.RECORDS_UNREADABLE for gap in gaps)


@dataclass(frozen=True)
class PartRow:
    """One part of Code 8.1 (or 8.2, 9.5) in the cover's table: what it asks for, where it is in
    the report, and whether it is there (``state``: a word; ``missing``: a gap stands against it)."""

    label: str
    asks: str
    anchor: str | None
    state: str
    missing: bool


def _listed(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many} recorded"


def part_rows(records: AnnualRecords, gaps: Sequence[Gap]) -> list[PartRow]:
    """What each part of 8.1, and 8.2 and 9.5, holds in this report, or why it is missing (not
    known, for the parts the records answer, when they could not be read)."""
    codes = {(gap.provision, gap.part): gap for gap in gaps if gap.kind != "overdue"}
    none = records.confirmed_none
    not_read = unreadable(gaps)

    def state(provision: str, part: str | None, count: int, one: str, many: str, confirmed: bool) -> tuple[str, bool]:
        if not_read:
            return UNREADABLE_STATE, True
        gap = codes.get((provision, part))
        if gap is not None:
            return ("Inconsistent" if gap.kind == "inconsistent" else "Missing"), True
        if count:
            return _listed(count, one, many), False
        return ("None this year (confirmed)" if confirmed else "Included"), False

    findings = [r for r in records.ombudsman if r.kind in FINDING_KINDS]
    reports = [r for r in records.ombudsman if r.kind in REPORT_KINDS]
    publications = [r for r in records.ombudsman if r.kind in PUBLICATION_KINDS]
    a = ("Missing", True) if ("8.1", "a") in codes else ("Appended", False)
    b = ("Missing", True) if ("8.1", "b") in codes else ("Included", False)
    body = records.governing_body
    member = records.member_responsible
    return [
        PartRow("8.1 (a)", "The annual self-assessment against the Code", "annual-self-assessment", *a),
        PartRow("8.1 (b)", "A qualitative and quantitative analysis of complaint handling performance, with the "
                "types of complaints refused", "annual-performance", *b),
        PartRow("8.1 (c)", "Any findings of non-compliance with the Code by the Ombudsman", "annual-ombudsman-findings",
                *state("8.1", "c", len(findings), "determination or order", "determinations or orders",
                       none.ombudsman_findings)),
        PartRow("8.1 (d)", "The service improvements made as a result of learning from complaints", "annual-learning",
                *state("8.1", "d", len(records.learning), "improvement", "improvements", none.learning)),
        PartRow("8.1 (e)", "Any annual report about the landlord's performance from the Ombudsman",
                "annual-ombudsman-report",
                *state("8.1", "e", len(reports), "report", "reports", none.performance_report)),
        PartRow("8.1 (f)", "Any other relevant reports or publications of the Ombudsman about the landlord",
                "annual-ombudsman-publications",
                *state("8.1", "f", len(publications), "report or publication", "reports or publications",
                       none.other_publications)),
        PartRow("8.2", "The governing body's response, published alongside the report", "annual-governing-body",
                *((UNREADABLE_STATE, True) if not_read else
                  ("Missing", True) if body is None else (f"Recorded: meeting of {uk_date(body.meeting_date)}", False))),
        PartRow("9.5", "The Member Responsible for Complaints", "annual-member-responsible",
                *((UNREADABLE_STATE, True) if not_read else ("Missing", True) if member is None else ("Named", False))),
    ]


def cover(landlord: Landlord, period: Period, catalogue: Catalogue, records: AnnualRecords, gaps: Sequence[Gap],
          as_of: dt.date) -> HTMLFragment:
    """Title block: the report's title, landlord, period and Code version; then the completeness
    check against Code 8.1 and 8.2: while anything is missing, each gap with its provision, as
    findings are shown (an order past due is listed too, but does not make the report incomplete);
    "Complete against Code 8.1 and 8.2" when nothing is; and where each part is in the report."""
    return HTMLFragment(render(
        "annual_cover", title=TITLE, landlord=landlord, period=period, catalogue=catalogue, as_of=as_of,
        complete=is_complete(list(gaps)), gaps=gap_rows(gaps), missing=sum(1 for g in gaps if g.kind != "overdue"),
        parts=part_rows(records, gaps),
    ))


def learning(records: AnnualRecords, gaps: Sequence[Gap]) -> HTMLFragment:
    """The "You said, we did" log (Code 9.1-9.3, 8.1 d): each improvement's theme, what residents
    said, what was done, when, its owner and status, and the case references it came from (as
    references only); "none this year" where confirmed; the gap where neither."""
    counts = {status: sum(1 for item in records.learning if item.status == status) for status in STATUS_CLASS}
    return HTMLFragment(render(
        "annual_learning", items=records.learning, counts=counts, status_class=STATUS_CLASS,
        confirmed_none=records.confirmed_none.learning, gaps=_of_part(gaps, "8.1", "d"), unreadable=unreadable(gaps),
    ))


@dataclass(frozen=True)
class OrderRow:
    """One order of the Ombudsman with its progress (9.7 c) and whether it is past due at ``as_of``."""

    number: int
    order: OmbudsmanOrder
    state: str
    state_class: str
    overdue: bool


def order_rows(record: OmbudsmanRecord, as_of: dt.date) -> list[OrderRow]:
    """The orders of ``record``, each with its state: complied, past due (its due date before
    ``as_of`` and not complied with), in progress or not started."""
    rows = []
    for number, order in enumerate(record.orders, 1):
        overdue = order.progress != "complied" and order.due is not None and order.due < as_of
        if order.progress == "complied":
            state, cls = "Complied", "done"
        elif overdue:
            state, cls = f"Past due ({order.progress})", "overdue"
        else:
            state, cls = order.progress.capitalize(), "open" if order.progress == "in progress" else "no-due-date"
        rows.append(OrderRow(number, order, state, cls, overdue))
    return rows


@dataclass(frozen=True)
class RecordView:
    """An Ombudsman record as the report shows it: its kind's name, its link when it may be one,
    and its orders' rows."""

    record: OmbudsmanRecord
    kind: str
    href: str | None
    orders: list[OrderRow]


def record_view(record: OmbudsmanRecord, as_of: dt.date) -> RecordView:
    """``record`` ready to show: a link only for an ``http`` or ``https`` address."""
    href = record.link.strip() if record.link is not None and is_web_link(record.link) else None
    return RecordView(record, KIND_LABELS.get(record.kind, record.kind), href, order_rows(record, as_of))


def ombudsman(records: AnnualRecords, gaps: Sequence[Gap], as_of: dt.date) -> HTMLFragment:
    """The Ombudsman's findings and publications (Code 8.1 c, e, f; 9.7 c): determinations and
    complaint handling failure orders with their findings and each order's progress (orders past
    due at ``as_of`` flagged), the annual performance report, and other reports and
    publications, each with its date, reference and link; "none this year" where confirmed, the
    gap where neither."""
    views = [record_view(record, as_of) for record in records.ombudsman]
    orders = [row for view in views for row in view.orders]
    none = records.confirmed_none
    parts = [
        ("annual-ombudsman-findings", "Findings of non-compliance with the Code (8.1 c)", "c",
         [v for v in views if v.record.kind in FINDING_KINDS], none.ombudsman_findings,
         "No determination or complaint handling failure order of the Ombudsman this year."),
        ("annual-ombudsman-report", "The Ombudsman's annual report on our performance (8.1 e)", "e",
         [v for v in views if v.record.kind in REPORT_KINDS], none.performance_report,
         "The Ombudsman published no annual performance report about us this year."),
        ("annual-ombudsman-publications", "Other reports and publications of the Ombudsman (8.1 f)", "f",
         [v for v in views if v.record.kind in PUBLICATION_KINDS], none.other_publications,
         "No other report or publication of the Ombudsman about us this year."),
    ]
    return HTMLFragment(render(
        "annual_ombudsman", as_of=as_of, outcome_labels=OUTCOME_LABELS,
        parts=[(anchor, heading, entries, confirmed, none_text, _of_part(gaps, "8.1", part))
               for anchor, heading, part, entries, confirmed, none_text in parts],
        orders_total=len(orders), orders_complied=sum(1 for row in orders if row.order.progress == "complied"),
        orders_overdue=sum(1 for row in orders if row.overdue), unreadable=unreadable(gaps),
    ))


def governing_body(records: AnnualRecords, gaps: Sequence[Gap]) -> HTMLFragment:
    """The governing body's response (Code 8.2), published alongside the report: its text, the
    date of the meeting and who gave it; and the Member Responsible for Complaints (9.5)."""
    return HTMLFragment(render(
        "annual_governing_body", response=records.governing_body, member=records.member_responsible,
        response_gaps=_of_part(gaps, "8.2", None), member_gaps=_of_part(gaps, "9.5", None),
        unreadable=unreadable(gaps),
    ))


def appendix_heading(gaps: Sequence[Gap]) -> HTMLFragment:
    """The heading of the appended self-assessment (Code 8.1 a), and the gap when there is none to append."""
    return HTMLFragment(render("annual_appendix", gaps=_of_part(gaps, "8.1", "a")))


__all__ = ["GAP_LOOK", "KIND_LABELS", "OUTCOME_LABELS", "STATUS_CLASS", "TITLE", "UNREADABLE_STATE", "GapRow",
           "OrderRow", "PartRow", "RecordView", "appendix_heading", "cover", "gap_rows", "governing_body", "learning",
           "ombudsman", "order_rows", "part_rows", "record_view", "unreadable"]
