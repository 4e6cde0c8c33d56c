"""The report's HTML parts: each function takes the loaded data and returns one fragment.

Nothing here reads a file: :class:`~audit_lib.workbook.facade.Workbook` loads the landlord's
inputs once and passes them in. The rules (flags, progress, action states) come from
:mod:`audit_lib.assessment`; the figures from :mod:`audit_lib.stats`; number formats are the
template filters of :mod:`audit_lib.report.render`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from ..assessment.actions import action_counts, action_rows, plan_order, shortfalls
from ..assessment.answers import Assessment
from ..assessment.checks import answer_flags
from ..assessment.progress import progress
from ..cases.load import CaseLog
from ..code.catalogue import Catalogue
from ..code.timescales import stages
from ..config.landlords import Landlord
from ..core.periods import Period
from ..report.charts import all_charts
from ..report.render import BADGE_CLASS, HTMLFragment, render
from ..stats.definitions import kept_out_of
from ..stats.quarterly import quarterly_table
from ..stats.results import CaseStatistics


def cover(landlord: Landlord, period: Period, catalogue: Catalogue, assessment: Assessment) -> HTMLFragment:
    """Title block: landlord, period, Code version, sign-off and overall progress."""
    return HTMLFragment(render(
        "cover",
        landlord=landlord,
        period=period,
        catalogue=catalogue,
        assessment=assessment,
        progress=progress(assessment, catalogue.provisions),
    ))


def case_statistics(period: Period, stats: CaseStatistics, case_log: CaseLog) -> HTMLFragment:
    """Headline figures (CH01, CH02, ...), the quarterly table, charts, breakdowns and definitions."""
    headings, rows = quarterly_table(stats)
    labels = [q.label for q in period.quarters] + [period.label]
    return HTMLFragment(render(
        "case_statistics",
        period=period,
        stats=stats,
        headings=list(zip(headings, labels)),
        rows=rows,
        charts=all_charts(stats),
        source_name=case_log.source.name,
        sha256=case_log.sha256,
        stages=stages(stats.code),
        has_problems=len(case_log.exclusions) > 0,
    ))


def section(catalogue: Catalogue, number: int, assessment: Assessment,
            figures_by_provision: Mapping[str, Sequence[str]]) -> HTMLFragment:
    """One Code section: each provision with its requirement, answer, review flags and case figures."""
    part = catalogue.section(number)
    provisions = catalogue.provisions_in(number)
    rows = []
    previous_sub = None
    for provision in provisions:
        answer = assessment.answer(provision.id)
        rows.append({
            "provision": provision,
            "answer": answer,
            "badge": BADGE_CLASS.get(answer.status.value, "none") if answer.status else "none",
            "flags": answer_flags(answer),
            "figures": figures_by_provision.get(provision.number, []),
            "subsection_start": provision.subsection if provision.subsection != previous_sub else None,
        })
        previous_sub = provision.subsection
    return HTMLFragment(render(
        "section", section=part, rows=rows, progress=progress(assessment, provisions)
    ))


def data_quality(case_log: CaseLog, code: str) -> HTMLFragment:
    """Every problem found in the case log, with what it did: the row excluded whole, or the
    figures (under Code version ``code``) the complaint was kept out of; and the reconciliation
    rows read = complaints counted + rows excluded whole."""
    problems = [
        {**e, "effect": "Row excluded whole" if e["excluded"] else
         ("Kept out of: " + "; ".join(kept_out_of(e["unknown"], code)) if e["unknown"]
          else "Counted; the value is read as not recorded")}
        for e in case_log.exclusions.to_dict("records")
    ]
    return HTMLFragment(render(
        "data_quality",
        exclusions=problems,
        excluded_rows=case_log.excluded_rows,
        complaints=case_log.complaints,
        rows_read=case_log.rows_read,
        dropped_columns=case_log.dropped_columns,
    ))


def executive_summary(landlord: Landlord, period: Period, catalogue: Catalogue, assessment: Assessment,
                      stats: CaseStatistics, case_log: CaseLog, as_of: dt.date) -> HTMLFragment:
    """Counts by status, the No and Partial provisions with their actions, and headline figures."""
    done = progress(assessment, catalogue.provisions)
    status_counts = [(status, BADGE_CLASS[status], n) for status, n in done.by_status.items()]
    status_counts.append(("Not assessed", "none", done.total - done.answered))
    return HTMLFragment(render(
        "executive_summary",
        landlord=landlord,
        homes=landlord.homes,
        period=period,
        catalogue=catalogue,
        assessment=assessment,
        progress=done,
        status_counts=status_counts,
        shortfalls=shortfalls(assessment, catalogue.provisions, as_of),
        counts=action_counts(action_rows(assessment, catalogue.provisions, as_of)),
        badge=BADGE_CLASS,
        stats=stats,
        complaints_counted=stats.complaints_counted,
        excluded_rows=case_log.excluded_rows,
        as_of=as_of,
    ))


def action_plan(catalogue: Catalogue, assessment: Assessment, as_of: dt.date) -> HTMLFragment:
    """Every action against a provision: owner, due date, and whether done, open or overdue."""
    rows = action_rows(assessment, catalogue.provisions, as_of)
    return HTMLFragment(render(
        "action_plan", rows=plan_order(rows), counts=action_counts(rows), as_of=as_of, badge=BADGE_CLASS
    ))
