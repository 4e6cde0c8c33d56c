"""The annual report's analysis as HTML parts: each function takes an
:class:`~audit_lib.annual.analysis.AnnualAnalysis` and returns one fragment starting with its
``<h2 id="annual-...">`` heading, the anchor the report's contents list (the content follows in a
``div.chc``). Every other id in them starts ``annual-analysis-``, so none can be another part's.

Nothing here counts anything: the figures are the analysis's, the charts are
:mod:`audit_lib.report.charts`' inline SVG, and everything printed passes through the report
environment's autoescape (:func:`audit_lib.report.render.render`), so a category typed as markup
shows as text. Every rate's label says what it counts.
"""

from __future__ import annotations

import re

from ..cases.schema import NOT_RECORDED, OUTCOMES
from ..report.charts import COLOURS, Chart, grouped_bars, horizontal_bars, percent_lines
from ..report.render import HTMLFragment, render
from ..stats.results import percent
from .analysis import AnnualAnalysis
from .themes import suggested_themes

__all__ = ["CHART_CATEGORIES", "COMPARED_CATEGORIES", "categories_part", "compensation_and_ombudsman_part", "performance_part",
           "refusals_part", "themes_part", "trends_part"]

#: At most this many categories are drawn in the bar chart, and in the chart setting this period
#: against the previous one (the table lists them all).
CHART_CATEGORIES = 10
COMPARED_CATEGORIES = 6
#: A category's name under the grouped bars is shortened beyond this many characters (the table gives it whole).
_CHART_LABEL = 12


def performance_part(analysis: AnnualAnalysis) -> HTMLFragment:
    """The quarterly table in the shape landlords publish, CH01, CH02 and the escalation rate, and
    each stage's volumes and outcomes (each outcome as a share of the responses issued)."""
    a = analysis
    outcomes = [*OUTCOMES, NOT_RECORDED]
    return HTMLFragment(render(
        "annual_analysis_performance",
        a=a,
        outcomes=outcomes,
        stage1_shares={o: percent(a.stage1_outcomes.get(o, 0), a.stage1.responded) for o in outcomes},
        stage2_shares={o: percent(a.stage2_outcomes.get(o, 0), a.stage2.responded) for o in outcomes},
    ))


def _short(label: str) -> str:
    return label if len(label) <= _CHART_LABEL else label[:_CHART_LABEL - 1] + "…"


#: A chart and the caption under it, saying what it counts.
Figure = tuple[Chart, str]


def category_charts(analysis: AnnualAnalysis) -> list[Figure]:
    """The period's categories as horizontal bars, and (only where the case log covers this period
    and the previous one in full, :attr:`~audit_lib.annual.analysis.AnnualAnalysis.compared`) this
    period's against the previous one's as grouped bars."""
    a = analysis
    received = sorted((r for r in a.categories if r.received), key=lambda r: (-r.received, r.category))
    charts = [(horizontal_bars(f"Stage 1 complaints received by category, {a.period}",
                               [(r.category, r.received) for r in received[:CHART_CATEGORIES]]),
               f"Accepted stage 1 complaints received in {a.period} by category, at most the {CHART_CATEGORIES} "
               "largest; the table lists every category.")]
    if a.compared and a.categories:
        shown = list(a.categories[:COMPARED_CATEGORIES])
        charts.append((grouped_bars(
            f"Stage 1 complaints by category, {a.previous_period} and {a.period}",
            [_short(r.category) for r in shown],
            [(a.previous_period, COLOURS["target"], [r.previous or 0 for r in shown]),
             (a.period, COLOURS["stage1"], [r.received for r in shown])],
        ), f"Accepted stage 1 complaints received in {a.previous_period} and in {a.period}, by category (at most "
           f"the {COMPARED_CATEGORIES} first of the table; long names shortened)."))
    return charts


def categories_part(analysis: AnnualAnalysis) -> HTMLFragment:
    """Per category: stage 1 complaints received this period and the previous one (where the case
    log covers it, marked when only in part), the change only where both are covered in full (else
    why not), and the share of the period's stage 1 responses upheld; charts."""
    return HTMLFragment(render("annual_analysis_categories", a=analysis, figures=category_charts(analysis)))


def refusals_part(analysis: AnnualAnalysis) -> HTMLFragment:
    """The complaints not accepted in the period by reason (Code 8.1 b), each with its share."""
    a = analysis
    reasons = [(reason, n, percent(n, a.refused)) for reason, n in a.refused_by_reason.items()]
    return HTMLFragment(render("annual_analysis_refusals", a=a, reasons=reasons,
                               unreasoned=max(a.refused - sum(a.refused_by_reason.values()), 0)))


def compensation_and_ombudsman_part(analysis: AnnualAnalysis) -> HTMLFragment:
    """Compensation offered, the Ombudsman's determinations, the maladministration rate and
    complaint handling failure orders."""
    return HTMLFragment(render("annual_analysis_compensation_ombudsman", a=analysis))


def trend_charts(analysis: AnnualAnalysis) -> list[Figure]:
    """The covered periods' on-time shares as lines and their volumes as grouped bars."""
    rows = analysis.trends
    periods = [f.period for f in rows]
    return [
        (percent_lines("On time against each period's Code", periods, [
            ("CH02 stage 1", COLOURS["stage1"], [f.ch02_stage1_pct for f in rows]),
            ("CH02 stage 2", COLOURS["stage2"], [f.ch02_stage2_pct for f in rows]),
            ("Stage 1 acknowledged", COLOURS["third"], [None if f.stage1_ack is None else f.stage1_ack.pct for f in rows]),
        ]), "CH02: responses issued within the Code's timescales, of the responses issued in the period, at each "
            "stage; stage 1 acknowledged: on time, of the acknowledgements made or due in the period. Each period is "
            "measured against its own Code."),
        (grouped_bars("Complaints received, by period", periods, [
            ("Stage 1 received", COLOURS["stage1"], [f.stage1_received for f in rows]),
            ("Stage 2 escalations", COLOURS["stage2"], [f.stage2_received for f in rows]),
        ]), "Accepted stage 1 complaints, and stage 2 escalations requested, received in each period."),
    ]


def trends_part(analysis: AnnualAnalysis) -> HTMLFragment:
    """Every covered period's headline figures under its own Code, with coverage marks and charts."""
    return HTMLFragment(render("annual_analysis_trends", a=analysis, rows=list(analysis.trends),
                               figures=trend_charts(analysis)))


def _paragraphs(text: str | None) -> list[str]:
    """The landlord's text as paragraphs (split at blank lines; line breaks within kept)."""
    if text is None:
        return []
    return [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]


def themes_part(analysis: AnnualAnalysis, written: str | None = None, *, unreadable: bool = False) -> HTMLFragment:
    """The qualitative analysis: the landlord's own text when ``written`` holds any, labelled as
    written by the landlord; else the sentences written from the case data
    (:func:`~audit_lib.annual.themes.suggested_themes`), labelled as such. ``unreadable``: the
    landlord's records could not be read, so any text of their own is not known (said above the
    sentences)."""
    paragraphs = _paragraphs(written)
    return HTMLFragment(render("annual_analysis_themes", a=analysis, written=paragraphs,
                               sentences=[] if paragraphs else suggested_themes(analysis), unreadable=unreadable))
