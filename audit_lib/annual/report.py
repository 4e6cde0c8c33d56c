"""The annual complaints performance and service improvement report's façade: one object per
landlord and period, which ``notebooks/annual_report.ipynb`` calls a method of in each cell.

The report (Code 8.1 and 8.2) puts together what the landlord has already: the figures and the
self-assessment come from a non-interactive :class:`~audit_lib.workbook.facade.Workbook` (the
case log, its statistics and the answers, each loaded once), the rest from the landlord's
annual records (:mod:`.records`: the learning log, the Ombudsman's findings and publications,
the governing body's response and the MRC; no file is empty records). Each part is an HTML
fragment starting with an ``<h2 id="annual-...">`` heading (the report's contents list them):

=====================  =====================================================================
``cover()``            the title, landlord, period and Code version, and the completeness check
                       against 8.1 and 8.2 (:mod:`.completeness`): each gap, as findings are shown
``analysis()``         8.1 (b): the quantitative and qualitative analysis (:mod:`.analysis_views`)
``learning()``         8.1 (d), 9.1-9.3: the "You said, we did" log
``ombudsman()``        8.1 (c), (e), (f), 9.7 (c): determinations, orders and their progress, reports
``governing_body()``   8.2: the governing body's response; 9.5: the MRC
``self_assessment()``  8.1 (a): the self-assessment appended, as its own report shows it
``run_record()``       the run record: completeness, the records' counts and the provenance
=====================  =====================================================================

The records file is read once (:func:`audit_lib.workbook.record.read_annual_records`): the
records shown, the gaps and the run record's SHA-256 all come from the same bytes. A file that
cannot be read (a YAML typo, a refused value) does not stop the report: it is a gap at the top
(``records-unreadable``: the load error, naming the file, the entry and the field, and how to
put it right), and each part of the records says they could not be read. The gaps are worked out
once, from the records, the answers and the case log as loaded, with orders' due dates judged at
the report's ``as_of``; the run record's ``annual_report`` entry is the one the self-assessment's
``metrics.json`` holds (:func:`audit_lib.workbook.record.annual_report_status`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..report.provenance import RunRecord
from ..report.render import HTMLFragment
from ..workbook import record
from ..workbook import views as workbook_views
from ..workbook.facade import Workbook, open_workbook
from . import views
from .completeness import Gap, is_complete
from .records import AnnualRecords, records_file

if TYPE_CHECKING:
    from .analysis import AnnualAnalysis


def _html(part: object) -> str:
    """The HTML of a non-interactive workbook part (always a fragment)."""
    if not isinstance(part, HTMLFragment):  # pragma: no cover - the workbook here is never interactive
        raise TypeError(f"expected an HTML fragment of the self-assessment; found {type(part).__name__}")
    return part.html


@dataclass
class AnnualReport:
    """A landlord's annual complaints performance and service improvement report for one period."""

    #: The self-assessment's workbook (never interactive): the figures, the answers and their parts.
    workbook: Workbook

    @property
    def as_of(self) -> dt.date:
        """The date orders' and actions' states are judged at (the workbook's)."""
        return self.workbook.as_of

    # --- loading ------------------------------------------------------------------------------

    @property
    def records_path(self) -> Path:
        """``inputs/<landlord>/annual/<period>.yaml`` (it need not exist)."""
        return records_file(self.workbook.landlord.folder, self.workbook.period)

    @cached_property
    def records_read(self) -> record.AnnualRecordsRead:
        """The records file read once: its records, its SHA-256 and why it cannot be read, if so."""
        return record.read_annual_records(self.workbook.landlord, self.workbook.period)

    @property
    def records(self) -> AnnualRecords:
        """The landlord's annual records for the period (empty records when there is no file, or
        when it cannot be read: :attr:`gaps` then says why)."""
        return self.records_read.records

    @cached_property
    def gaps(self) -> list[Gap]:
        """What the report lacks against Code 8.1 and 8.2 (and the MRC, and orders past due); an
        unreadable records file is one gap, first, in place of its parts'."""
        wb = self.workbook
        return record.annual_gaps(self.records, period=wb.period, catalogue=wb.catalogue, assessment=wb.assessment,
                                  stats=wb.stats, case_log=wb.case_log, as_of=wb.as_of,
                                  unreadable=self.records_read.problem)

    @property
    def is_complete(self) -> bool:
        """Whether the report has everything 8.1 and 8.2 ask for (orders past due do not count)."""
        return is_complete(self.gaps)

    @cached_property
    def analysis_data(self) -> AnnualAnalysis:
        """The quantitative analysis (8.1 b) of the period and the periods before it the case log covers."""
        from .analysis import annual_analysis  # pandas: loaded where the analysis is shown

        wb = self.workbook
        return annual_analysis(wb.case_log, wb.landlord, wb.period, wb.stats, wb.period_figures)

    # --- one method per notebook cell -----------------------------------------------------------

    def cover(self) -> HTMLFragment:
        """Title block and the completeness check against Code 8.1 and 8.2: each gap while anything
        is missing, "Complete against Code 8.1 and 8.2" when nothing is, and where each part is."""
        wb = self.workbook
        return views.cover(wb.landlord, wb.period, wb.catalogue, self.records, self.gaps, wb.as_of)

    def analysis(self) -> HTMLFragment:
        """Code 8.1 (b): the performance against the Code by quarter, categories, refusals by reason,
        compensation and the Ombudsman's outcomes, trends over the periods the case log covers, and
        the themes (the landlord's own analysis when recorded, else sentences written from the data)."""
        from .analysis_views import (
            categories_part,
            compensation_and_ombudsman_part,
            performance_part,
            refusals_part,
            themes_part,
            trends_part,
        )

        data = self.analysis_data
        parts = [performance_part(data), categories_part(data), refusals_part(data),
                 compensation_and_ombudsman_part(data), trends_part(data),
                 themes_part(data, self.records.qualitative_analysis, unreadable=self.records_read.problem is not None)]
        return HTMLFragment("\n".join(part.html for part in parts))

    def learning(self) -> HTMLFragment:
        """Code 8.1 (d), 9.1-9.3: the "You said, we did" log."""
        return views.learning(self.records, self.gaps)

    def ombudsman(self) -> HTMLFragment:
        """Code 8.1 (c), (e), (f), 9.7 (c): the Ombudsman's findings, orders and their progress, and reports."""
        return views.ombudsman(self.records, self.gaps, self.as_of)

    def governing_body(self) -> HTMLFragment:
        """Code 8.2: the governing body's response, alongside the report; 9.5: the MRC."""
        return views.governing_body(self.records, self.gaps)

    def self_assessment(self) -> HTMLFragment:
        """Code 8.1 (a): the self-assessment appended, as the self-assessment report shows it (its
        title block, as a sub-heading of the appendix and without a second stylesheet, executive
        summary, sections 1-9 and action plan); only the heading and the gap when there is no
        self-assessment for the period."""
        heading = views.appendix_heading(self.gaps)
        if not record.has_self_assessment(self.workbook.assessment, self.workbook.catalogue):
            return heading
        wb = self.workbook
        title = workbook_views.cover(wb.landlord, wb.period, wb.catalogue, wb.assessment, appended=True)
        parts = [heading.html, title.html, _html(wb.executive_summary()),
                 *(_html(wb.section(number)) for number in range(1, 10)), _html(wb.action_plan())]
        return HTMLFragment("\n".join(part for part in parts if part))

    # --- the run record -------------------------------------------------------------------------

    def provenance(self) -> dict[str, Any]:
        """What the report read: parameters, Code version, product version and each input's SHA-256,
        the annual records file's among them."""
        wb = self.workbook
        provenance = wb.provenance()
        provenance["parameters"] = {"landlord": wb.landlord.id, "period": wb.period.id}
        inputs = dict(provenance["inputs"])
        inputs.pop("answers_last_period", None)  # the annual report does not compare with last year's answers
        read = self.records_read
        inputs["annual_records"] = {"file": read.file, "sha256": read.sha256}  # as read, once
        provenance["inputs"] = inputs
        return provenance

    def metrics(self) -> dict[str, Any]:
        """Machine-readable: whether the report is complete, its gaps (the self-assessment's
        ``metrics.json`` entry, :func:`~audit_lib.workbook.record.annual_report_status`), what the
        records hold (``None`` when they cannot be read) and provenance."""
        wb = self.workbook
        records = self.records
        orders = [row for item in records.ombudsman for row in views.order_rows(item, wb.as_of)]
        return {
            "report": "annual",
            "landlord": {"id": wb.landlord.id, "name": wb.landlord.name, "homes": wb.landlord.homes},
            "period": wb.period.id,
            "code": wb.catalogue.code,
            "annual_report": record.annual_report_status(
                landlord=wb.landlord, period=wb.period, catalogue=wb.catalogue, assessment=wb.assessment,
                stats=wb.stats, case_log=wb.case_log, as_of=wb.as_of, read=self.records_read),
            "records": None if self.records_read.problem is not None else {
                "revision": records.revision,
                "learning": {status: sum(1 for item in records.learning if item.status == status)
                             for status in views.STATUS_CLASS},
                "ombudsman": {kind: sum(1 for item in records.ombudsman if item.kind == kind)
                              for kind in views.KIND_LABELS},
                "orders": {"total": len(orders), "complied": sum(1 for row in orders if row.order.progress == "complied"),
                           "overdue": sum(1 for row in orders if row.overdue)},
                "confirmed_none": records.confirmed_none.model_dump(),
                "governing_body_response": records.governing_body is not None,
                "member_responsible": records.member_responsible is not None,
                "qualitative_analysis": records.qualitative_analysis is not None,
            },
            "provenance": self.provenance(),
        }

    def run_record(self) -> RunRecord:
        """The metrics as a notebook output, with a one-line summary for people."""
        wb = self.workbook
        missing = sum(1 for gap in self.gaps if gap.kind != "overdue")
        state = ("complete against Code 8.1 and 8.2" if not missing else
                 f"not yet complete: {missing} {'thing' if missing == 1 else 'things'} missing or inconsistent")
        return RunRecord(self.metrics(), f"Run record of the annual complaints performance and service improvement "
                                         f"report of {wb.landlord.name}, {wb.period.id}: {state}.")


def open_annual_report(landlord: str, period: str, inputs_dir: str | Path, as_of: str | dt.date | None = None,
                       outputs_dir: str | Path | None = None) -> AnnualReport:
    """Open a landlord's annual report for a period; errors name the file and the problem.

    ``as_of`` is the date orders' and actions' states are judged at: ``None`` for today, or an ISO
    date (``"2025-06-30"``) to reproduce a report exactly. ``outputs_dir`` is kept with the
    workbook (``None``: ``outputs/`` beside ``inputs_dir``). The inputs are read when first needed.
    """
    return AnnualReport(open_workbook(landlord, period, inputs_dir, interactive=False, as_of=as_of,
                                      outputs_dir=outputs_dir))


__all__ = ["AnnualReport", "open_annual_report"]
