"""The annual report's quantitative analysis (Code 8.1 b), as values.

:func:`annual_analysis` gathers, from the statistics already worked out for the period
(:class:`~audit_lib.stats.results.CaseStatistics`) and for every period the case log covers
(:class:`~audit_lib.stats.by_period.PeriodFigures`), everything the report's analysis shows:

* the quarterly table in the shape landlords publish (:func:`~audit_lib.stats.quarterly.quarterly_table`);
* CH01 and CH02 for both stages, stage 1 and stage 2 volumes and outcomes;
* the categories of dissatisfaction: per category, the stage 1 complaints received in the period
  and in the previous one (where the case log covers it), and the period's stage 1 responses upheld
  or partly upheld (:func:`~audit_lib.stats.categories.category_figures`);
* the complaints not accepted by reason (8.1 b: "a summary of the types of complaints refused"),
  compensation, the Ombudsman's determinations and the maladministration rate, service requests;
* the trends: every covered period's headline figures under its own Code, with its coverage marks.

Nothing is counted twice: each figure is the statistics' own, and the categories' figures, both
periods' alike, are worked out with the engine's rules (their counts received are
``CaseStatistics.categories``). Categories and reasons are the case log's as loaded (listed
words, or words seen often enough; anything rarer is "Other"), so no rare value typed into the
log reaches the analysis. :mod:`audit_lib.annual.themes` writes sentences from it and
:mod:`audit_lib.annual.analysis_views` its HTML parts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..cases.load import CaseLog
from ..cases.schema import OTHER
from ..config.landlords import Landlord
from ..core.periods import Period
from ..errors import UsageError
from ..stats.by_period import PeriodFigures, rule_words
from ..stats.categories import category_figures
from ..stats.quarterly import quarterly_table
from ..stats.results import CaseStatistics, StageFigures, percent

__all__ = ["NOT_RECORDED_CATEGORY", "AnnualAnalysis", "CategoryRow", "QuarterlyTable", "annual_analysis"]

#: The category of a complaint whose category the case log leaves blank.
NOT_RECORDED_CATEGORY = "Not recorded"
#: Categories that group complaints rather than name a theme: shown in tables, last, never as a theme.
GROUPING_CATEGORIES = (OTHER, NOT_RECORDED_CATEGORY)


@dataclass(frozen=True)
class QuarterlyTable:
    """The period's performance table as landlords publish it: measures by Q1-Q4 and the year."""

    #: Column headings: ``Q1`` .. ``Q4`` and the period id.
    headings: tuple[str, ...]
    #: Each column's dates in words ("Q1 (Apr–Jun 2024)", "1 April 2024 to 31 March 2025").
    labels: tuple[str, ...]
    #: (measure, one cell per column); each rate's measure says what it counts.
    rows: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class CategoryRow:
    """One category of dissatisfaction: stage 1 complaints received in the period and the previous
    one, and the period's stage 1 responses (upheld or partly upheld, of those issued)."""

    category: str
    received: int
    #: Received in the previous period (``None``: the case log does not cover it).
    previous: int | None
    #: Stage 1 responses dated in the period, any outcome.
    responded: int
    #: Of those, upheld or partly upheld.
    upheld: int

    @property
    def change(self) -> int | None:
        """Received this period less the previous period (``None``: no previous count). The report
        shows it, and sets the periods side by side, only where both are covered in full
        (:attr:`AnnualAnalysis.compared`)."""
        return None if self.previous is None else self.received - self.previous

    @property
    def upheld_pct(self) -> float | None:
        """Upheld or partly upheld, of the stage 1 responses issued in the period (``None``: none)."""
        return percent(self.upheld, self.responded)

    @property
    def is_grouping(self) -> bool:
        """"Other" or "Not recorded": a group of complaints, not a theme."""
        return self.category in GROUPING_CATEGORIES


@dataclass(frozen=True)
class AnnualAnalysis:
    """Everything the annual report's analysis shows for one landlord and period, as values."""

    landlord: str
    period: str
    period_label: str
    #: The Code the period is assessed against, and how it counts the response deadlines in words.
    code: str
    rule: str
    homes: int
    #: Why the case log covers only part of the period, in words (``None``: it covers all of it),
    #: and the mark ("partly covered", "not covered").
    coverage: str | None
    coverage_label: str | None
    quarterly: QuarterlyTable
    stage1: StageFigures
    stage2: StageFigures
    ch01_stage1_per_1000: float | None
    ch01_stage2_per_1000: float | None
    #: Complaints received in the period and not accepted (counted apart, not as stage 1).
    refused: int
    escalation_rate_pct: float | None
    stage1_outcomes: dict[str, int]
    stage2_outcomes: dict[str, int]
    withdrawn_before_response: int
    #: Given by the landlord in its configuration (``None``: not supplied).
    service_requests: int | None
    #: The previous period's id, and its headline figures where the case log covers it (``None``: it does not).
    previous_period: str
    previous: PeriodFigures | None
    categories: tuple[CategoryRow, ...]
    refused_by_reason: dict[str, int]
    compensation_cases: int
    compensation_total: float
    ombudsman_determinations: int
    ombudsman_outcomes: dict[str, int]
    #: Findings of severe maladministration, maladministration or service failure, and all
    #: findings on the merits: the maladministration rate's numerator and denominator.
    fault_findings: int
    merits_findings: int
    maladministration_rate_pct: float | None
    #: ``None``: the case log has no column for complaint handling failure orders.
    complaint_failure_orders: int | None
    #: Every period the case log covers up to this one, oldest first, each under its own Code.
    trends: tuple[PeriodFigures, ...]
    #: The figures' definitions, as written beside them (:func:`~audit_lib.stats.definitions.definitions`).
    definitions: dict[str, str]

    @property
    def compared(self) -> bool:
        """Whether the case log covers both this period and the previous one in full, so their
        counts can be set side by side."""
        return self.previous is not None and self.previous.coverage_label is None and self.coverage_label is None

    @property
    def not_compared_because(self) -> str | None:
        """Why this period's counts are not set against the previous period's, as the start of a
        sentence ("The case log covers only part of 2023-24"); ``None`` when they are (:attr:`compared`)."""
        if self.previous is None:
            return f"The case log does not cover {self.previous_period}"
        if self.compared:
            return None
        return f"The case log covers only part of {self.previous_period if self.previous.coverage_label else self.period}"


def _quarterly(stats: CaseStatistics, period: Period) -> QuarterlyTable:
    headings, rows = quarterly_table(stats)
    return QuarterlyTable(
        headings=tuple(headings),
        labels=(*(q.label for q in period.quarters), period.label),
        rows=tuple((label, tuple(cells)) for label, cells in rows),
    )


def _categories(case_log: CaseLog, period: Period, stats: CaseStatistics,
                previous: PeriodFigures | None) -> tuple[CategoryRow, ...]:
    now = category_figures(case_log.cases, period, stats.code)
    before = (category_figures(case_log.cases, period.previous, previous.code).received
              if previous is not None else None)
    names = dict.fromkeys([*now.received, *(before or {}), *now.responded])
    rows = [CategoryRow(category=name, received=now.received.get(name, 0),
                        previous=None if before is None else before.get(name, 0),
                        responded=now.responded.get(name, 0), upheld=now.upheld.get(name, 0))
            for name in names]
    return tuple(sorted(rows, key=lambda r: (r.is_grouping, -r.received, -(r.previous or 0), -r.responded,
                                             r.category)))


def annual_analysis(case_log: CaseLog, landlord: Landlord, period: Period, stats: CaseStatistics,
                    period_figures: Sequence[PeriodFigures]) -> AnnualAnalysis:
    """The analysis of ``period`` from its statistics (``stats``, e.g. ``Workbook.stats``) and the
    headline figures of every period the case log covers (``period_figures``, e.g.
    ``Workbook.period_figures``), both worked out from ``case_log``; the previous period's
    categories are counted from the same loaded log. Raises :class:`~audit_lib.errors.UsageError`
    when the statistics or the periods' figures are not those of ``period``."""
    if stats.period != period.id:
        raise UsageError(f"expected the statistics of {period.id} for its annual analysis; found those of "
                         f"{stats.period}. Pass the statistics worked out for {period.id}")
    by_id = {f.period: f for f in period_figures}
    own = by_id.get(period.id)
    if own is None:
        found = ", ".join(by_id) or "none"
        raise UsageError(f"expected the figures by period to include {period.id}; found {found}. Pass the figures "
                         f"worked out for {period.id} (figures_by_period always includes the period reported)")
    previous = by_id.get(period.previous.id)
    if previous is not None and previous.coverage_label == "not covered":
        previous = None
    year = stats.year
    return AnnualAnalysis(
        landlord=landlord.name,
        period=period.id,
        period_label=period.label,
        code=stats.code,
        rule=rule_words(stats),
        homes=stats.homes,
        coverage=own.coverage,
        coverage_label=own.coverage_label,
        quarterly=_quarterly(stats, period),
        stage1=year.stage(1),
        stage2=year.stage(2),
        ch01_stage1_per_1000=stats.tsm_ch01_stage1_per_1000,
        ch01_stage2_per_1000=stats.tsm_ch01_stage2_per_1000,
        refused=year.refused,
        escalation_rate_pct=stats.escalation_rate_pct,
        stage1_outcomes=dict(stats.stage1_outcomes),
        stage2_outcomes=dict(stats.stage2_outcomes),
        withdrawn_before_response=stats.withdrawn_before_response,
        service_requests=year.service_requests,
        previous_period=period.previous.id,
        previous=previous,
        categories=_categories(case_log, period, stats, previous),
        refused_by_reason=dict(stats.refused_by_reason),
        compensation_cases=stats.compensation_cases,
        compensation_total=stats.compensation_total,
        ombudsman_determinations=year.ombudsman_determinations,
        ombudsman_outcomes=dict(stats.ombudsman_outcomes),
        fault_findings=stats.ombudsman_fault_findings,
        merits_findings=stats.ombudsman_merits_findings,
        maladministration_rate_pct=stats.maladministration_rate_pct,
        complaint_failure_orders=year.complaint_failure_orders,
        trends=tuple(period_figures),
        definitions=dict(stats.definitions),
    )
