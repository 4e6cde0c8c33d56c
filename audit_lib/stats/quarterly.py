"""The quarterly performance table in the shape landlords publish (measures x Q1-Q4 and year)."""

from __future__ import annotations

from collections.abc import Callable

from .engine import CaseStatistics, Rate, WindowFigures, percent


def _rate(rate: Rate | None) -> str:
    return "n/a" if rate is None or rate.pct is None else f"{rate.pct:.1f}% ({rate.on_time} of {rate.total})"


def _share(numerator: int, denominator: int) -> str:
    pct = percent(numerator, denominator)
    return "n/a" if pct is None else f"{pct:.1f}% ({numerator})"


def _count(value: int | None) -> str:
    return "not supplied" if value is None else f"{value:,}"


Row = tuple[str, Callable[[WindowFigures], str]]


#: Per stage: (stage, escalation noun, Code days to acknowledge, Code days to respond).
STAGES = ((1, "Stage 1 complaints received", 5, 10), (2, "Stage 2 escalations received", 5, 20))


def _stage_rows(stats: CaseStatistics, stage: int, received: str, ack_days: int, respond_days: int) -> list[Row]:
    def field(name: str) -> Callable[[WindowFigures], object]:
        return lambda w: getattr(w, f"stage{stage}_{name}")

    local = stats.local_targets
    rows: list[Row] = [
        (received, lambda w: _count(field("received")(w))),
        (f"Stage {stage} acknowledged within {ack_days} working days", lambda w: _rate(field("ack")(w))),
    ]
    if f"stage{stage}_acknowledge" in local:
        rows.append((f"Stage {stage} acknowledged within {local[f'stage{stage}_acknowledge']} working days "
                     "(local target)", lambda w: _rate(field("ack_local")(w))))
    rows.append((f"Stage {stage} responses within {respond_days} working days (+ extension)",
                 lambda w: _rate(field("response")(w))))
    if f"stage{stage}_respond" in local:
        rows.append((f"Stage {stage} responses within {local[f'stage{stage}_respond']} working days (local target)",
                     lambda w: _rate(field("response_local")(w))))
    rows += [
        (f"Stage {stage} responses issued", lambda w: _count(field("responded")(w))),
        (f"Stage {stage} responses extended", lambda w: _share(field("extended")(w), field("responded")(w))),
        (f"TSM CH02: stage {stage} responses within Code timescales",
         lambda w: _share(field("responded_on_time")(w), field("responded")(w))),
    ]
    return rows


def _rows(stats: CaseStatistics) -> list[Row]:
    rows: list[Row] = [("Service requests", lambda w: _count(w.service_requests))]
    stage1, stage2 = (_stage_rows(stats, *stage) for stage in STAGES)
    rows += stage1[:1] + [("Complaints not accepted (refused)", lambda w: _count(w.refused))] + stage1[1:] + stage2
    rows.append(("Ombudsman determinations", lambda w: _count(w.ombudsman_determinations)))
    if stats.year.complaint_failure_orders is not None:
        rows.append(("Complaint handling failure orders", lambda w: _count(w.complaint_failure_orders)))
    return rows


def quarterly_table(stats: CaseStatistics) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """(column headings, rows of (measure, cells)) with columns Q1..Q4 and the year."""
    windows = [*stats.quarters.values(), stats.year]
    headings = [*stats.quarters, stats.period]
    return headings, [(label, [cell(w) for w in windows]) for label, cell in _rows(stats)]
