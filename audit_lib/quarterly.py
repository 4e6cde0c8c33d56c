"""The quarterly performance table in the shape landlords publish (measures x Q1-Q4 and year)."""

from __future__ import annotations

from collections.abc import Callable

from .stats import CaseStatistics, Rate, WindowFigures, percent


def _rate(rate: Rate | None) -> str:
    return "n/a" if rate is None or rate.pct is None else f"{rate.pct:.1f}% ({rate.on_time} of {rate.total})"


def _share(numerator: int, denominator: int) -> str:
    pct = percent(numerator, denominator)
    return "n/a" if pct is None else f"{pct:.1f}% ({numerator})"


def _count(value: int | None) -> str:
    return "not supplied" if value is None else f"{value:,}"


Row = tuple[str, Callable[[WindowFigures], str]]


def _rows(stats: CaseStatistics) -> list[Row]:
    rows: list[Row] = [
        ("Service requests", lambda w: _count(w.service_requests)),
        ("Stage 1 complaints received", lambda w: _count(w.stage1_received)),
        ("Complaints not accepted (refused)", lambda w: _count(w.refused)),
        ("Stage 1 acknowledged within 5 working days", lambda w: _rate(w.stage1_ack)),
    ]
    local = stats.local_targets
    if "stage1_acknowledge" in local:
        rows.append((f"Stage 1 acknowledged within {local['stage1_acknowledge']} working days (local target)",
                     lambda w: _rate(w.stage1_ack_local)))
    rows += [
        ("Stage 1 responses within 10 working days (+ extension)", lambda w: _rate(w.stage1_response)),
    ]
    if "stage1_respond" in local:
        rows.append((f"Stage 1 responses within {local['stage1_respond']} working days (local target)",
                     lambda w: _rate(w.stage1_response_local)))
    rows += [
        ("Stage 1 responses issued", lambda w: _count(w.stage1_responded)),
        ("Stage 1 responses extended", lambda w: _share(w.stage1_extended, w.stage1_responded)),
        ("TSM CH02: stage 1 responses within Code timescales",
         lambda w: _share(w.stage1_responded_on_time, w.stage1_responded)),
        ("Stage 2 escalations received", lambda w: _count(w.stage2_received)),
        ("Stage 2 acknowledged within 5 working days", lambda w: _rate(w.stage2_ack)),
    ]
    if "stage2_acknowledge" in local:
        rows.append((f"Stage 2 acknowledged within {local['stage2_acknowledge']} working days (local target)",
                     lambda w: _rate(w.stage2_ack_local)))
    rows += [
        ("Stage 2 responses within 20 working days (+ extension)", lambda w: _rate(w.stage2_response)),
    ]
    if "stage2_respond" in local:
        rows.append((f"Stage 2 responses within {local['stage2_respond']} working days (local target)",
                     lambda w: _rate(w.stage2_response_local)))
    rows += [
        ("Stage 2 responses issued", lambda w: _count(w.stage2_responded)),
        ("Stage 2 responses extended", lambda w: _share(w.stage2_extended, w.stage2_responded)),
        ("TSM CH02: stage 2 responses within Code timescales",
         lambda w: _share(w.stage2_responded_on_time, w.stage2_responded)),
        ("Ombudsman determinations", lambda w: _count(w.ombudsman_determinations)),
    ]
    if stats.year.complaint_failure_orders is not None:
        rows.append(("Complaint handling failure orders", lambda w: _count(w.complaint_failure_orders)))
    return rows


def quarterly_table(stats: CaseStatistics) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """(column headings, rows of (measure, cells)) with columns Q1..Q4 and the year."""
    windows = [*stats.quarters.values(), stats.year]
    headings = [*stats.quarters, stats.period]
    return headings, [(label, [cell(w) for w in windows]) for label, cell in _rows(stats)]
