"""The headline figures for every period a case log covers, each under its own Code's timescales.

A case log exported for one year often holds earlier years too. :func:`figures_by_period` works
out, for each period from the one of its earliest date received to the one of its latest dated
event (never later than the period being reported, which is always shown), the headline figures
with :func:`~audit_lib.stats.engine.landlord_statistics` and the Code the landlord assessed that
period against (:meth:`~audit_lib.config.landlords.Landlord.code_for`): a 2023-24 under the
2022 Code counts the stage 1 response from logging and the stage 2 response from the escalation
request, a 2024-25 under the 2024 Code both from the acknowledgement. The one loaded case log is
used for every period; it is never read again.

A period the log covers only in part is marked: the log starts inside it (its earliest
complaint was received more than a month, :data:`COVERAGE_GRACE`, after the period's first day)
or ends inside it (its latest dated event is more than a month before the period's last day), so
a low count there is not read as a fall in complaints. The period being reported is marked "not
covered" when the log ends before it or starts after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..cases.load import CaseLog
from ..cases.schema import DATE_COLUMNS
from ..code.timescales import stages
from ..config.landlords import Landlord
from ..core.periods import Period, uk_date
from .engine import landlord_statistics
from .quarterly import counted_from
from .results import CaseStatistics, Rate

__all__ = ["COVERAGE_GRACE", "PeriodFigures", "covered_periods", "figures_by_period", "log_span", "rule_words"]

#: How far inside a period the log may start or end and still be taken to cover it whole: a
#: complaint log's first complaint of the year is rarely received on 1 April, nor its last event
#: dated 31 March, so only a start or end more than this far inside the period marks it.
COVERAGE_GRACE = dt.timedelta(days=31)
#: The reason codes of a period the log covers in part (any other: it does not cover it at all).
_INSIDE = frozenset({"log-starts-inside", "log-ends-inside"})
#: Columns of the day a stage was logged, read where a case log has them.
_LOGGED_COLUMNS = ("stage1_logged", "stage2_logged")


def rule_words(stats: CaseStatistics) -> str:
    """The Code and how it counted the response deadlines, in a few words: "2022 Code: response from
    logging (stage 1), from the escalation request (stage 2)"."""
    first, second = (counted_from(stats, stage) for stage in stages(stats.code))
    if first == second:
        return f"{stats.code} Code: response from {first} at both stages"
    return f"{stats.code} Code: response from {first} (stage 1), from {second} (stage 2)"


@dataclass(frozen=True)
class PeriodFigures:
    """One period's headline figures, under the Code that period was assessed against."""

    period: str
    code: str
    #: The Code and its rule in words (:func:`rule_words`).
    rule: str
    stage1_received: int
    stage2_received: int
    ch01_stage1_per_1000: float | None
    ch01_stage2_per_1000: float | None
    ch02_stage1_pct: float | None
    ch02_stage2_pct: float | None
    stage1_responded: int
    stage1_responded_on_time: int
    stage2_responded: int
    stage2_responded_on_time: int
    stage1_ack: Rate | None
    #: ``None`` where the Code sets no time limit for a stage 2 acknowledgement (the 2022 Code).
    stage2_ack: Rate | None
    stage1_response: Rate
    stage2_response: Rate
    escalation_rate_pct: float | None
    #: Why the log covers only part of the period, as reason codes (empty: it covers all of it):
    #: ``log-starts-inside`` (its earliest complaint was received more than :data:`COVERAGE_GRACE`
    #: after the period's first day), ``log-ends-inside`` (its latest dated event is more than that
    #: before the period's last day), or, for the
    #: period being reported, ``log-starts-after`` / ``log-ends-before`` / ``log-empty``.
    partly_covered: tuple[str, ...]
    #: The same in words (``None``: the log covers the whole period).
    coverage: str | None

    @property
    def coverage_label(self) -> str | None:
        """``"partly covered"``, ``"not covered"`` (the log ends before the period or starts after it,
        or holds nothing), or ``None`` when the log covers the whole period."""
        if not self.partly_covered:
            return None
        return "partly covered" if set(self.partly_covered) <= _INSIDE else "not covered"

    @classmethod
    def from_statistics(cls, stats: CaseStatistics, *, first: dt.date | None, last: dt.date | None,
                        period: Period) -> PeriodFigures:
        """The headline figures of ``stats``, with the log's earliest date received and latest dated event."""
        year = stats.year
        codes, words = _coverage(first, last, period)
        return cls(
            period=stats.period, code=stats.code, rule=rule_words(stats),
            stage1_received=year.stage1_received, stage2_received=year.stage2_received,
            ch01_stage1_per_1000=stats.tsm_ch01_stage1_per_1000, ch01_stage2_per_1000=stats.tsm_ch01_stage2_per_1000,
            ch02_stage1_pct=year.tsm_ch02_stage1_pct, ch02_stage2_pct=year.tsm_ch02_stage2_pct,
            stage1_responded=year.stage1_responded, stage1_responded_on_time=year.stage1_responded_on_time,
            stage2_responded=year.stage2_responded, stage2_responded_on_time=year.stage2_responded_on_time,
            stage1_ack=year.stage1_ack, stage2_ack=year.stage2_ack,
            stage1_response=year.stage1_response, stage2_response=year.stage2_response,
            escalation_rate_pct=stats.escalation_rate_pct,
            partly_covered=codes, coverage=words,
        )

    def as_json(self) -> dict[str, Any]:
        """The period's headline figures for ``metrics.json``: counts, rates and words the product
        wrote, never a case log's value (coverage is given as reason codes)."""
        def pct(rate: Rate | None) -> float | None:
            return None if rate is None else rate.pct

        return {
            "period": self.period,
            "code": self.code,
            "rule": self.rule,
            "stage1_received": self.stage1_received,
            "stage2_received": self.stage2_received,
            "tsm_ch01_stage1_per_1000": self.ch01_stage1_per_1000,
            "tsm_ch01_stage2_per_1000": self.ch01_stage2_per_1000,
            "tsm_ch02_stage1_pct": self.ch02_stage1_pct,
            "tsm_ch02_stage2_pct": self.ch02_stage2_pct,
            "stage1_ack_on_time_pct": pct(self.stage1_ack),
            "stage2_ack_on_time_pct": pct(self.stage2_ack),
            "stage1_response_on_time_pct": pct(self.stage1_response),
            "stage2_response_on_time_pct": pct(self.stage2_response),
            "escalation_rate_pct": self.escalation_rate_pct,
            "partly_covered": list(self.partly_covered),
        }


def _coverage(first: dt.date | None, last: dt.date | None, period: Period) -> tuple[tuple[str, ...], str | None]:
    """Why the log covers only part of ``period`` (reason codes) and the same in words."""
    if first is None or last is None:
        return ("log-empty",), "Not covered: the case log holds no complaint with a usable date received."
    codes, parts = [], []
    if first > period.end:
        codes.append("log-starts-after")
        parts.append(f"the case log starts after it (its earliest complaint was received on {uk_date(first)})")
    elif first > period.start + COVERAGE_GRACE:
        codes.append("log-starts-inside")
        parts.append(f"the case log starts inside it (its earliest complaint was received on {uk_date(first)})")
    if last < period.start:
        codes.append("log-ends-before")
        parts.append(f"the case log ends before it (its latest dated event is on {uk_date(last)})")
    elif last < period.end - COVERAGE_GRACE:
        codes.append("log-ends-inside")
        parts.append(f"the case log ends inside it (its latest dated event is on {uk_date(last)})")
    if not parts:
        return (), None
    inside = _INSIDE.issuperset(codes)
    return tuple(codes), (f"{'Partly covered' if inside else 'Not covered'}: {' and '.join(parts)}, so the "
                          f"figures count only what the log holds of {period.id}.")


def _day(value: np.datetime64) -> dt.date | None:
    return None if np.isnat(value) else dt.date.fromisoformat(str(value.astype("datetime64[D]")))


def log_span(log: CaseLog) -> tuple[dt.date | None, dt.date | None]:
    """The case log's earliest date received and its latest dated event (``None``: no such date)."""
    cases = log.cases
    if cases.empty:
        return None, None
    received = cases["received"].to_numpy(dtype="datetime64[D]")
    columns = [c for c in (*DATE_COLUMNS, *_LOGGED_COLUMNS) if c in cases.columns]
    events = np.concatenate([cases[c].to_numpy(dtype="datetime64[D]") for c in columns])
    first = received[~np.isnat(received)]
    dated = events[~np.isnat(events)]
    return (_day(first.min()) if first.size else None, _day(dated.max()) if dated.size else None)


def _period_of(day: dt.date) -> Period:
    return Period(day.year if day.month >= 4 else day.year - 1)


def covered_periods(first: dt.date | None, last: dt.date | None, period: Period,
                    received_in: set[int] | None = None) -> list[Period]:
    """The periods from the one of ``first`` (the earliest date received) to the one of ``last``
    (the latest dated event), never later than ``period``, oldest first; and ``period`` itself, last,
    when the log ends before it or starts after it (the report's own period is always shown, so a
    log that does not reach it shows as such). ``received_in``: the first years of the periods any
    complaint was received in; an earlier period none was received in is left out (so one date
    received mistyped as 2004 adds one period to look at, not twenty)."""
    if first is None or last is None or _period_of(first).start_year > period.start_year:
        return [period]
    end = min(_period_of(last).start_year, period.start_year)
    years = [year for year in range(_period_of(first).start_year, end + 1)
             if received_in is None or year in received_in or year == period.start_year]
    return [Period(year) for year in years] + ([period] if end < period.start_year else [])


def _received_in(log: CaseLog) -> set[int]:
    """The first years of the periods the case log's complaints were received in."""
    received = log.cases["received"].dropna()
    return {int(year) for year in set(received.dt.year - (received.dt.month < 4).astype(int))}


def figures_by_period(log: CaseLog, landlord: Landlord, period: Period,
                      known: Mapping[str, CaseStatistics] | None = None) -> list[PeriodFigures]:
    """The headline figures of every period the case log covers up to ``period``, oldest first,
    each under the Code the landlord assessed it against.

    ``known``: statistics already worked out (period id -> figures, e.g. the workbook's own for
    ``period``), used instead of working them out again when made under the same Code.
    """
    first, last = log_span(log)
    out = []
    for each in covered_periods(first, last, period, _received_in(log) if first is not None else None):
        code = landlord.code_for(each)
        stats = (known or {}).get(each.id)
        if stats is None or stats.code != code:
            stats = landlord_statistics(log, landlord, each, code)
        out.append(PeriodFigures.from_statistics(stats, first=first, last=last, period=each))
    return out
