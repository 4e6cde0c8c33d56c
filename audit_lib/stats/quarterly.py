"""The quarterly performance table in the shape landlords publish (measures x Q1-Q4 and year).

The limits in the row labels are those of the Code version the figures were measured against
(``CaseStatistics.code``). Each rate's label names what it counts ("of stage 1
acknowledgements made or due"), so a denominator is not mistaken for the complaints received."""

from __future__ import annotations

from collections.abc import Callable

from ..code.timescales import Stage, stages
from .results import CaseStatistics, Rate, StageFigures, WindowFigures, percent


def _rate(rate: Rate | None) -> str:
    return "n/a" if rate is None or rate.pct is None else f"{rate.pct:.1f}% ({rate.on_time} of {rate.total})"


def _share(numerator: int, denominator: int) -> str:
    pct = percent(numerator, denominator)
    return "n/a" if pct is None else f"{pct:.1f}% ({numerator} of {denominator})"


def _count(value: int | None) -> str:
    return "not supplied" if value is None else f"{value:,}"


Row = tuple[str, Callable[[WindowFigures], str]]

#: What a response limit is counted from, in a row's words.
def counted_from(stats: CaseStatistics, stage: Stage) -> str:
    """What the stage's response limit was counted from in these figures, in words ("acknowledgement")."""
    return stats.counted_from.get(stage.number) or stage.counted_from()


#: Per stage: what its first row counts.
RECEIVED = {1: "Stage 1 complaints received", 2: "Stage 2 escalations received"}


def _stage_rows(stats: CaseStatistics, stage: Stage) -> list[Row]:
    n = stage.number

    def cell(show: Callable[[StageFigures], str]) -> Callable[[WindowFigures], str]:
        return lambda w: show(w.stage(n))

    local = stats.local_targets
    acks, responses = f"of stage {n} acknowledgements made or due", f"of stage {n} responses made or due"
    limit = stage.extension.working_days
    rows: list[Row] = [(RECEIVED[n], cell(lambda s: _count(s.received)))]
    if stage.acknowledge is not None:  # the 2022 Code sets no limit for a stage 2 acknowledgement
        rows.append((f"Acknowledged within {stage.acknowledge.working_days} working days, {acks}",
                     cell(lambda s: _rate(s.ack))))
    if stage.key("acknowledge") in local:
        rows.append((f"Acknowledged within {local[stage.key('acknowledge')]} working days (local target), {acks}",
                     cell(lambda s: _rate(s.ack_local))))
    rows.append((f"Responded within {stage.respond.working_days} working days of {counted_from(stats, stage)} "
                 f"(+ allowed extension), {responses}",
                 cell(lambda s: _rate(s.response))))
    if stage.key("respond") in local:
        rows.append((f"Responded within {local[stage.key('respond')]} working days (local target), {responses}",
                     cell(lambda s: _rate(s.response_local))))
    rows += [
        (f"Stage {n} responses issued", cell(lambda s: _count(s.responded))),
        (f"Extended, of stage {n} responses issued", cell(lambda s: _share(s.extended, s.responded))),
        (f"Extended beyond {limit} working days with a good reason recorded",
         cell(lambda s: _count(s.extended_beyond_limit_with_reason))),
        (f"Extended beyond {limit} working days without a good reason recorded",
         cell(lambda s: _count(s.extended_beyond_limit_without_reason))),
        (f"TSM CH02: within Code timescales, of stage {n} responses issued",
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


def _of(numerator: int, denominator: int, what: str) -> str:
    pct = percent(numerator, denominator)
    return f"none: no {what}" if pct is None else f"{pct:.1f}%, {numerator:,} of {denominator:,} {what}"


def headline(stats: CaseStatistics) -> list[str]:
    """The year's headline figures as sentences, each rate saying what it counts ("93.4%, 495 of
    530 acknowledgements made or due in the period"), so no denominator passes for a cohort."""
    y = stats.year
    excluded = f"{stats.excluded_rows:,} row{'s' if stats.excluded_rows != 1 else ''}"
    lines = [f"{stats.rows_read:,} rows read = {stats.complaints_counted:,} complaints counted + {excluded} excluded "
             "whole; every figure as at the period's last day.",
             f"Received in {stats.period}: {y.stage1_received:,} stage 1 complaints, {y.stage2_received:,} stage 2 "
             f"escalations, {y.refused:,} not accepted. TSM CH01: {stats.tsm_ch01_stage1_per_1000} (stage 1), "
             f"{stats.tsm_ch01_stage2_per_1000} (stage 2) per 1,000 homes."]
    for stage in stages(stats.code):
        s, n = y.stage(stage.number), stage.number
        if s.ack is not None:
            lines.append(f"Stage {n} acknowledgements on time: "
                         f"{_of(s.ack.on_time, s.ack.total, 'acknowledgements made or due in the period')}.")
        lines += [
            f"TSM CH02 stage {n}: {_of(s.responded_on_time, s.responded, 'responses issued in the period')} "
            "within Code timescales.",
        ]
    return lines
