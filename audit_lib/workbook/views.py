"""The report's HTML parts: each function takes the loaded data and returns one fragment.

Nothing here reads a file: :class:`~audit_lib.workbook.facade.Workbook` loads the landlord's
inputs once and passes them in. The rules (flags, progress, action states) come from
:mod:`audit_lib.assessment`; the figures from :mod:`audit_lib.stats`; number formats are the
template filters of :mod:`audit_lib.report.render`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..assessment.actions import action_counts, action_rows, plan_order, shortfalls
from ..assessment.answers import Answer, Assessment
from ..assessment.checks import answer_flags
from ..assessment.progress import progress
from ..assessment.signoff import ROLES, describe_event, describe_override, describe_signature, signoff_events
from ..cases.load import CaseLog
from ..code.catalogue import Catalogue, Provision
from ..code.timescales import stages
from ..config.landlords import Landlord
from ..core.periods import Period
from ..report.charts import all_charts
from ..report.render import BADGE_CLASS, HTMLFragment, render
from ..stats.definitions import kept_out_of
from ..stats.quarterly import quarterly_table
from ..stats.results import CaseStatistics


def cover(landlord: Landlord, period: Period, catalogue: Catalogue, assessment: Assessment) -> HTMLFragment:
    """Title block: landlord, period, Code version, sign-off (each signature with the user who gave
    it, an approval's override and its reason, and the sign-off history with every signature
    replaced and every reopening and its reason) and overall progress."""
    approved = assessment.signoff.approved
    return HTMLFragment(render(
        "cover",
        landlord=landlord,
        period=period,
        catalogue=catalogue,
        assessment=assessment,
        signatures={role: describe_signature(s) if (s := getattr(assessment.signoff, role)) else None
                    for role in ROLES},
        override=describe_override(approved.override) if approved and approved.override else None,
        signoff_history=[(event.at, describe_event(event)) for event in signoff_events(assessment)],
        progress=progress(assessment, catalogue.provisions),
    ))


@dataclass(frozen=True)
class Coverage:
    """What the case log holds for the period, when that needs saying before any figure."""

    empty: bool  # nothing at all in the period: no figures are shown, only the message
    message: str


def period_coverage(period: Period, stats: CaseStatistics, case_log: CaseLog) -> Coverage | None:
    """A plain note when the case log has nothing in ``period`` (its figures would all be zero) or no
    complaint received in it (its figures come only from earlier complaints); ``None`` otherwise."""
    year = stats.year
    if year.stage1_received + year.refused:
        return None
    source = case_log.source.name
    steps = (year.stage2_received + year.stage1_ack.total + year.stage1_response.total + year.stage2_ack.total
             + year.stage2_response.total + year.stage1_responded + year.stage2_responded
             + year.ombudsman_determinations)
    if steps:
        return Coverage(False, f"No new complaint in the case log was received in {period.id}: the figures below "
                               "come only from complaints received before it. If the period's complaints should be "
                               f"here, check that the case log {source} is {period.id}'s export.")
    still_open = stats.open_at_end.stage1_open + stats.open_at_end.stage2_open
    open_note = (f" ({still_open:,} complaint{'s' if still_open != 1 else ''} received earlier "
                 f"{'are' if still_open != 1 else 'is'} still recorded as open at its end)" if still_open else "")
    held = (f"It holds {stats.complaints_counted:,} complaints, all from other periods: check that it is "
            f"{period.id}'s export" if stats.complaints_counted else "It holds no complaints at all: check that "
            "the export is complete")
    return Coverage(True, f"The case log {source} has nothing in {period.id}: no complaint was received, "
                          f"escalated, acknowledged or answered in the period{open_note}, so there are no figures "
                          f"to show. {held} (the landlord's landlord.yaml names the file).")


def case_statistics(period: Period, stats: CaseStatistics, case_log: CaseLog) -> HTMLFragment:
    """Headline figures (CH01, CH02, ...), the quarterly table, charts, breakdowns and definitions;
    when the case log has nothing in the period, a plain note instead of zeros."""
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
        coverage=period_coverage(period, stats, case_log),
    ))


def provision_row(provision: Provision, answer: Answer, figures: Sequence[str], as_of: dt.date | None) -> dict[str, Any]:
    """What the report's section table and the workbook's card show of one provision."""
    return {
        "provision": provision,
        "answer": answer,
        "badge": BADGE_CLASS.get(answer.status.value, "none") if answer.status else "none",
        "flags": answer_flags(answer, as_of),
        "figures": list(figures),
    }


def section(catalogue: Catalogue, number: int, assessment: Assessment,
            figures_by_provision: Mapping[str, Sequence[str]], as_of: dt.date | None = None) -> HTMLFragment:
    """One Code section: each provision with its requirement, answer, review flags (actions judged
    at ``as_of``, default today) and case figures."""
    part = catalogue.section(number)
    provisions = catalogue.provisions_in(number)
    rows = []
    previous_sub = None
    for provision in provisions:
        row = provision_row(provision, assessment.answer(provision.id), figures_by_provision.get(provision.number, []),
                            as_of)
        row["subsection_start"] = provision.subsection if provision.subsection != previous_sub else None
        rows.append(row)
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
        coverage=period_coverage(period, stats, case_log),
    ))


def action_plan(catalogue: Catalogue, assessment: Assessment, as_of: dt.date) -> HTMLFragment:
    """Every action against a provision: owner, due date, and whether done, open or overdue."""
    rows = action_rows(assessment, catalogue.provisions, as_of)
    return HTMLFragment(render(
        "action_plan", rows=plan_order(rows), counts=action_counts(rows), as_of=as_of, badge=BADGE_CLASS
    ))
