"""The quarterly performance table in the shape landlords publish (measures x Q1-Q4 and year).

The limits in the row labels are those of the Code version the figures were measured against
(``CaseStatistics.code``)."""

from __future__ import annotations

from collections.abc import Callable

from ..code.timescales import Stage, stages
from .results import CaseStatistics, Rate, StageFigures, WindowFigures, percent


def _rate(rate: Rate | None) -> str:
    return "n/a" if rate is None or rate.pct is None else f"{rate.pct:.1f}% ({rate.on_time} of {rate.total})"


def _share(numerator: int, denominator: int) -> str:
    pct = percent(numerator, denominator)
    return "n/a" if pct is None else f"{pct:.1f}% ({numerator})"


def _count(value: int | None) -> str:
    return "not supplied" if value is None else f"{value:,}"


Row = tuple[str, Callable[[WindowFigures], str]]

#: Per stage: what its first row counts.
RECEIVED = {1: "Stage 1 complaints received", 2: "Stage 2 escalations received"}


def _stage_rows(stats: CaseStatistics, stage: Stage) -> list[Row]:
    n = stage.number

    def cell(show: Callable[[StageFigures], str]) -> Callable[[WindowFigures], str]:
        return lambda w: show(w.stage(n))

    local = stats.local_targets
    rows: list[Row] = [
        (RECEIVED[n], cell(lambda s: _count(s.received))),
        (f"Stage {n} acknowledged within {stage.acknowledge.working_days} working days", cell(lambda s: _rate(s.ack))),
    ]
    if stage.key("acknowledge") in local:
        rows.append((f"Stage {n} acknowledged within {local[stage.key('acknowledge')]} working days (local target)",
                     cell(lambda s: _rate(s.ack_local))))
    rows.append((f"Stage {n} responses within {stage.respond.working_days} working days (+ extension)",
                 cell(lambda s: _rate(s.response))))
    if stage.key("respond") in local:
        rows.append((f"Stage {n} responses within {local[stage.key('respond')]} working days (local target)",
                     cell(lambda s: _rate(s.response_local))))
    rows += [
        (f"Stage {n} responses issued", cell(lambda s: _count(s.responded))),
        (f"Stage {n} responses extended", cell(lambda s: _share(s.extended, s.responded))),
        (f"TSM CH02: stage {n} responses within Code timescales",
         cell(lambda s: _share(s.responded_on_time, s.responded))),
    ]
    return rows


def _rows(stats: CaseStatistics) -> list[Row]:
    rows: list[Row] = [("Service requests", lambda w: _count(w.service_requests))]
    stage1, stage2 = (_stage_rows(stats, stage) for stage in stages(stats.code))
    rows += stage1[:1] + [("Complaints not accepted (refused)", lambda w: _count(w.refused))] + stage1[1:] + stage2
    rows.append(("Ombudsman determinations", lambda w: _count(w.ombudsman_determinations)))
    if stats.year.complaint_failure_orders is not None:
        rows.append(("Complaint handling failure orders", lambda w: _count(w.complaint_failure_orders)))
    return rows


def quarterly_table(stats: CaseStatistics) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """(column headings, rows of (measure, cells)) with columns Q1..Q4 and the year, under the
    figures' Code version."""
    windows = [*stats.quarters.values(), stats.year]
    headings = [*stats.quarters, stats.period]
    return headings, [(label, [cell(w) for w in windows]) for label, cell in _rows(stats)]
