"""Case statistics: every figure the Code and the Regulator ask for, for a period and its quarters.

Definitions (also written beside the figures in the report, see :data:`DEFINITIONS`):

* **Received in a window** — stage 1 uses ``received``; stage 2 uses ``stage2_requested``.
  Refused complaints (a ``refused_reason``) are counted apart and never as stage 1.
* **Responded in a window** — the response date falls in the window.
* **Deadlines** — :func:`audit_lib.core.calendar.add_working_days`: acknowledgement 5 working days
  after receipt (stage 1) or the escalation request (stage 2); response 10 (stage 1) or 20
  (stage 2) working days after the acknowledgement (after the acknowledgement deadline
  while none is recorded), plus the extension communicated to the resident as the
  extension policy allows (default: up to the Code's limit of 10 / 20 working days).
* **On-time rate of a step** — steps done on time in the window, over steps done in the
  window plus steps whose deadline fell in the window and passed without the step being
  done by the window's last day.
* **TSM CH02** — of the responses issued in the window, the share issued by the deadline.
* **TSM CH01** — complaints received in the window per 1,000 homes.

Everything is computed with whole-column operations; nothing loops over cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

import numpy as np
import pandas as pd

from ..cases.load import OMBUDSMAN_OUTCOMES, OUTCOMES
from ..config.landlords import LocalTargets
from ..core.calendar import add_working_days, working_days_between
from ..core.periods import Period

ExtensionPolicy = Literal["code_limit", "full", "none"]

#: The 2024 Code's timescales in working days.
CODE_LIMITS = {
    "stage1_acknowledge": 5,
    "stage1_respond": 10,
    "stage1_extension": 10,
    "stage2_acknowledge": 5,
    "stage2_respond": 20,
    "stage2_extension": 20,
}
#: Ombudsman determinations that find fault (the numerator of the maladministration rate).
FAULT_FINDINGS = ("severe maladministration", "maladministration", "service failure")
#: Determinations on the merits (the denominator of the maladministration rate).
MERITS_FINDINGS = FAULT_FINDINGS + ("reasonable redress", "no maladministration")
#: Ageing bands of open complaints at period end, in working days since receipt.
AGEING_BANDS = ((0, 10, "0-10"), (11, 20, "11-20"), (21, 40, "21-40"), (41, None, "41+"))

DEFINITIONS = {
    "received": "Stage 1: date received in the period, refused complaints excluded. "
                "Stage 2: escalation request dated in the period.",
    "refused": "Received in the period and not accepted (Code section 2); counted apart, not as stage 1.",
    "responded": "Response dated in the period.",
    "on_time_rate": "Steps done on time in the period, over steps done in the period plus steps whose "
                    "deadline fell in the period and passed without the step being done.",
    "deadlines": "Working days exclude weekends and England and Wales bank holidays; the day of the event "
                 "is day 0 and an event on a non-working day counts from the next working day. Acknowledge "
                 "5 working days after receipt (stage 2: after the escalation request); respond 10 (stage 2: "
                 "20) working days after acknowledgement.",
    "extensions": {
        "code_limit": "An extension communicated to the resident counts up to the Code's limit (10 working "
                      "days at stage 1, 20 at stage 2); beyond it the response is late.",
        "full": "An extension communicated to the resident counts in full (the landlord had good reason for "
                "every extension beyond the Code's limit).",
        "none": "Extensions are not counted: every response is measured against 10 / 20 working days.",
    },
    "ch01": "TSM CH01: complaints received in the period per 1,000 homes.",
    "ch02": "TSM CH02: of the responses issued in the period, the share issued within Code timescales.",
    "escalation_rate": "Stage 2 escalations received over stage 1 responses issued, in the period.",
    "maladministration_rate": "Ombudsman findings of severe maladministration, maladministration or service "
                              "failure, over all findings on the merits (those plus reasonable redress and no "
                              "maladministration), for complaints whose final response was issued in the period.",
    "open": "Accepted, received by the last day of the period, not responded to or withdrawn by then; "
            "overdue when its response deadline is on or before that day.",
    "withdrawn": "The case log gives no date of withdrawal: a complaint recorded as withdrawn is not counted as "
                 "open at the period end, and has no response step unless a response date is recorded. An "
                 "acknowledgement is still due for it.",
}


def percent(numerator: int, denominator: int) -> float | None:
    """0-100 with one decimal, rounded half up; ``None`` when the denominator is zero."""
    if not denominator:
        return None
    value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)


def per_thousand(count: int, homes: int) -> float | None:
    if not homes:
        return None
    return float((Decimal(count) * 1000 / Decimal(homes)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Rate:
    """Steps on time over steps counted."""

    on_time: int
    total: int

    @property
    def late(self) -> int:
        return self.total - self.on_time

    @property
    def pct(self) -> float | None:
        return percent(self.on_time, self.total)

    def as_dict(self) -> dict[str, object]:
        return {"on_time": self.on_time, "total": self.total, "late": self.late, "pct": self.pct}

    def __str__(self) -> str:
        return "n/a" if self.pct is None else f"{self.pct:.1f}% ({self.on_time} of {self.total})"


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date  # inclusive

    def contains(self, dates: pd.Series) -> pd.Series:
        return dates.notna() & (dates >= pd.Timestamp(self.start)) & (dates <= pd.Timestamp(self.end))


@dataclass(frozen=True)
class WindowFigures:
    """The figures that are reported for the year and for each quarter."""

    stage1_received: int
    stage2_received: int
    refused: int
    service_requests: int | None
    stage1_ack: Rate
    stage1_ack_local: Rate | None
    stage1_response: Rate
    stage1_response_local: Rate | None
    stage1_responded: int
    stage1_responded_on_time: int
    stage1_extended: int
    stage1_extended_beyond_limit: int
    stage2_ack: Rate
    stage2_ack_local: Rate | None
    stage2_response: Rate
    stage2_response_local: Rate | None
    stage2_responded: int
    stage2_responded_on_time: int
    stage2_extended: int
    stage2_extended_beyond_limit: int
    ombudsman_determinations: int
    complaint_failure_orders: int | None

    @property
    def tsm_ch02_stage1_pct(self) -> float | None:
        return percent(self.stage1_responded_on_time, self.stage1_responded)

    @property
    def tsm_ch02_stage2_pct(self) -> float | None:
        return percent(self.stage2_responded_on_time, self.stage2_responded)


@dataclass(frozen=True)
class OpenComplaints:
    stage1_open: int
    stage1_overdue: int
    stage2_open: int
    stage2_overdue: int
    stage1_ageing: dict[str, int]
    stage2_ageing: dict[str, int]


@dataclass(frozen=True)
class CaseStatistics:
    """All figures for one landlord and period."""

    period: str
    homes: int
    extension_policy: ExtensionPolicy
    local_targets: dict[str, int]
    year: WindowFigures
    quarters: dict[str, WindowFigures]
    refused_by_reason: dict[str, int]
    stage1_outcomes: dict[str, int]
    stage2_outcomes: dict[str, int]
    withdrawn_before_response: int
    categories: dict[str, int]
    ombudsman_outcomes: dict[str, int]
    compensation_cases: int
    compensation_total: float
    open_at_end: OpenComplaints
    channels: dict[str, int] | None  # stage 1 received by channel, when the export has one
    reasonable_adjustments: int | None  # stage 1 received with an adjustment or vulnerability flag
    stage2_same_handler: int | None  # escalations in the period handled by the stage 1 handler (6.13)
    excluded_rows: int
    rows_used: int
    definitions: dict[str, str] = field(default_factory=dict)

    @property
    def tsm_ch01_stage1_per_1000(self) -> float | None:
        return per_thousand(self.year.stage1_received, self.homes)

    @property
    def tsm_ch01_stage2_per_1000(self) -> float | None:
        return per_thousand(self.year.stage2_received, self.homes)

    @property
    def escalation_rate_pct(self) -> float | None:
        return percent(self.year.stage2_received, self.year.stage1_responded)

    @property
    def maladministration_rate_pct(self) -> float | None:
        fault = sum(self.ombudsman_outcomes.get(k, 0) for k in FAULT_FINDINGS)
        merits = sum(self.ombudsman_outcomes.get(k, 0) for k in MERITS_FINDINGS)
        return percent(fault, merits)

    def to_json(self) -> dict[str, object]:
        """The machine-readable figures (``chc-audit stats --json`` and ``metrics.json``)."""
        return {
            "period": self.period,
            "homes": self.homes,
            **_window_json(self.year),
            "tsm_ch01_stage1_per_1000": self.tsm_ch01_stage1_per_1000,
            "tsm_ch01_stage2_per_1000": self.tsm_ch01_stage2_per_1000,
            "escalation_rate_pct": self.escalation_rate_pct,
            "maladministration_rate_pct": self.maladministration_rate_pct,
            "refused_by_reason": self.refused_by_reason,
            "stage1_outcomes": self.stage1_outcomes,
            "stage2_outcomes": self.stage2_outcomes,
            "withdrawn_before_response": self.withdrawn_before_response,
            "categories": self.categories,
            "ombudsman_outcomes": self.ombudsman_outcomes,
            "compensation_cases": self.compensation_cases,
            "compensation_total": self.compensation_total,
            "open_at_period_end": asdict(self.open_at_end),
            "channels": self.channels,
            "reasonable_adjustments": self.reasonable_adjustments,
            "stage2_same_handler": self.stage2_same_handler,
            "quarters": {name: _window_json(q) for name, q in self.quarters.items()},
            "extension_policy": self.extension_policy,
            "local_targets": self.local_targets,
            "excluded_rows": self.excluded_rows,
            "rows_used": self.rows_used,
            "definitions": self.definitions,
        }


def _window_json(w: WindowFigures) -> dict[str, object]:
    def rate(r: Rate | None) -> dict[str, object] | None:
        return None if r is None else r.as_dict()

    return {
        "stage1_received": w.stage1_received,
        "stage2_received": w.stage2_received,
        "refused": w.refused,
        "service_requests": w.service_requests,
        "stage1_ack_on_time_pct": w.stage1_ack.pct,
        "stage1_ack": rate(w.stage1_ack),
        "stage1_ack_local": rate(w.stage1_ack_local),
        "stage1_response": rate(w.stage1_response),
        "stage1_response_local": rate(w.stage1_response_local),
        "stage1_responded": w.stage1_responded,
        "stage1_responded_on_time": w.stage1_responded_on_time,
        "tsm_ch02_stage1_pct": w.tsm_ch02_stage1_pct,
        "stage1_extended": w.stage1_extended,
        "stage1_extended_beyond_limit": w.stage1_extended_beyond_limit,
        "stage2_ack_on_time_pct": w.stage2_ack.pct,
        "stage2_ack": rate(w.stage2_ack),
        "stage2_ack_local": rate(w.stage2_ack_local),
        "stage2_response": rate(w.stage2_response),
        "stage2_response_local": rate(w.stage2_response_local),
        "stage2_responded": w.stage2_responded,
        "stage2_responded_on_time": w.stage2_responded_on_time,
        "tsm_ch02_stage2_pct": w.tsm_ch02_stage2_pct,
        "stage2_extended": w.stage2_extended,
        "stage2_extended_beyond_limit": w.stage2_extended_beyond_limit,
        "ombudsman_determinations": w.ombudsman_determinations,
        "complaint_failure_orders": w.complaint_failure_orders,
    }


def _allowed_extension(days: pd.Series, limit: int, policy: ExtensionPolicy) -> np.ndarray:
    values = days.to_numpy(dtype="int64")
    if policy == "none":
        return np.zeros_like(values)
    if policy == "full":
        return values
    return np.minimum(values, limit)


def _days(values: pd.Series) -> np.ndarray:
    """A validated date column as ``datetime64[D]`` (NaT where blank)."""
    return values.to_numpy(dtype="datetime64[D]")


def _or(dates: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """``dates``, with ``fallback`` where a date is missing."""
    return np.where(np.isnat(dates), fallback, dates)


class _Deadlines:
    """Every case's deadlines as ``datetime64[D]`` arrays, computed once per statistics run."""

    def __init__(self, cases: pd.DataFrame, policy: ExtensionPolicy, local: LocalTargets) -> None:
        c = CODE_LIMITS
        received = _days(cases["received"])
        acknowledged1 = _days(cases["stage1_acknowledged"])
        requested = _days(cases["stage2_requested"])
        acknowledged2 = _days(cases["stage2_acknowledged"])
        self.s1_ack = add_working_days(received, c["stage1_acknowledge"])
        ext1 = _allowed_extension(cases["stage1_extension_days"], c["stage1_extension"], policy)
        self.s1_resp = add_working_days(_or(acknowledged1, self.s1_ack), c["stage1_respond"] + ext1)
        self.s2_ack = add_working_days(requested, c["stage2_acknowledge"])
        ext2 = _allowed_extension(cases["stage2_extension_days"], c["stage2_extension"], policy)
        self.s2_resp = add_working_days(_or(acknowledged2, self.s2_ack), c["stage2_respond"] + ext2)
        # local targets: the same rules with the landlord's own numbers of days
        self.s1_ack_local = add_working_days(received, local.stage1_acknowledge) if local.stage1_acknowledge else None
        self.s1_resp_local = (
            add_working_days(_or(acknowledged1, self.s1_ack_local if self.s1_ack_local is not None else self.s1_ack),
                             local.stage1_respond + ext1)
            if local.stage1_respond else None
        )
        self.s2_ack_local = add_working_days(requested, local.stage2_acknowledge) if local.stage2_acknowledge else None
        self.s2_resp_local = (
            add_working_days(_or(acknowledged2, self.s2_ack_local if self.s2_ack_local is not None else self.s2_ack),
                             local.stage2_respond + ext2)
            if local.stage2_respond else None
        )


#: The slot of a missing date: after every window, so never "done by the window's last day".
_NO_DATE = 127


class _Slots:
    """Where each date falls among the period's quarters: -1 before the period, 0-3 in Q1-Q4,
    4 after the period, :data:`_NO_DATE` when there is no date.

    Each date column is placed once per run; a window (one quarter, or quarters 0-3 for the
    year) then tests "in the window" and "by the window's last day" on these small integers
    instead of comparing dates again for every figure.
    """

    def __init__(self, period: Period) -> None:
        quarters = period.quarters
        ends = [q.start for q in quarters[1:]] + [period.end + dt.timedelta(days=1)]
        if quarters[0].start != period.start or any(q.end + dt.timedelta(days=1) != e for q, e in zip(quarters, ends)):
            raise ValueError(f"the quarters of {period} do not run back to back from its first day to its last")
        self.bounds = np.array([quarters[0].start, *ends], dtype="datetime64[D]").view("int64")

    def of(self, days: np.ndarray) -> np.ndarray:
        values = np.asarray(days, dtype="datetime64[D]").view("int64")  # NaT is the smallest int64
        slots = (values >= self.bounds[0]).view(np.int8) - np.int8(1)
        for bound in self.bounds[1:]:
            slots += (values >= bound).view(np.int8)
        slots[values == np.iinfo(np.int64).min] = _NO_DATE
        return slots


@dataclass(frozen=True)
class _Span:
    """A window as a run of quarter slots ``first..last``."""

    first: int
    last: int

    def has(self, slots: np.ndarray) -> np.ndarray:
        """The date falls in the window."""
        if self.first == self.last:
            return slots == self.first
        return (slots >= self.first) & (slots <= self.last)

    def by_end(self, slots: np.ndarray) -> np.ndarray:
        """The date is on or before the window's last day."""
        return slots <= self.last


class _Step:
    """One step of every case (e.g. the stage 1 acknowledgement): where it was done, where it
    was due, whether it was done by the deadline, and which cases it applies to."""

    def __init__(self, done: np.ndarray, due: np.ndarray, applies: np.ndarray, slots: _Slots) -> None:
        self.done = slots.of(done)
        self.due = slots.of(due)
        self.on_time = done <= due  # NaT on either side: False
        self.applies = applies

    def rate(self, span: _Span) -> Rate:
        """On-time rate of the step in a window (see the module docstring)."""
        done_in = self.applies & span.has(self.done)
        missed = self.applies & span.has(self.due) & ~span.by_end(self.done)
        return Rate(on_time=_n(done_in & self.on_time), total=_n(done_in) + _n(missed))


def _optional_step(done: np.ndarray, due: np.ndarray | None, applies: np.ndarray, slots: _Slots) -> _Step | None:
    return None if due is None else _Step(done, due, applies, slots)


def _n(mask: np.ndarray) -> int:
    return int(np.count_nonzero(mask))


class _Cases:
    """What the figures need from the cases, as numpy arrays, computed once per statistics run."""

    def __init__(self, cases: pd.DataFrame, d: _Deadlines, slots: _Slots) -> None:
        received = _days(cases["received"])
        acknowledged1 = _days(cases["stage1_acknowledged"])
        responded1 = _days(cases["stage1_responded"])
        requested = _days(cases["stage2_requested"])
        acknowledged2 = _days(cases["stage2_acknowledged"])
        responded2 = _days(cases["stage2_responded"])
        self.refused = (cases["refused_reason"] != "").to_numpy(dtype=bool)
        self.accepted = ~self.refused
        self.outcome1_withdrawn = (cases["stage1_outcome"] == "withdrawn").to_numpy(dtype=bool)
        self.outcome2_withdrawn = (cases["stage2_outcome"] == "withdrawn").to_numpy(dtype=bool)
        withdrawn1 = self.outcome1_withdrawn & np.isnat(responded1)
        withdrawn2 = self.outcome2_withdrawn & np.isnat(responded2)
        s1 = self.accepted
        s1_resp_applies = self.accepted & ~withdrawn1
        self.s2 = self.accepted & ~np.isnat(requested)
        s2_resp_applies = self.s2 & ~withdrawn2

        self.received = slots.of(received)
        self.requested = slots.of(requested)
        self.responded1 = slots.of(responded1)
        self.responded2 = slots.of(responded2)
        self.final = slots.of(_or(responded2, responded1))
        self.due_s1_resp = slots.of(d.s1_resp)
        self.due_s2_resp = slots.of(d.s2_resp)
        self.s1_ack = _Step(acknowledged1, d.s1_ack, s1, slots)
        self.s1_ack_local = _optional_step(acknowledged1, d.s1_ack_local, s1, slots)
        self.s1_resp = _Step(responded1, d.s1_resp, s1_resp_applies, slots)
        self.s1_resp_local = _optional_step(responded1, d.s1_resp_local, s1_resp_applies, slots)
        self.s2_ack = _Step(acknowledged2, d.s2_ack, self.s2, slots)
        self.s2_ack_local = _optional_step(acknowledged2, d.s2_ack_local, self.s2, slots)
        self.s2_resp = _Step(responded2, d.s2_resp, s2_resp_applies, slots)
        self.s2_resp_local = _optional_step(responded2, d.s2_resp_local, s2_resp_applies, slots)
        ext1 = cases["stage1_extension_days"].to_numpy()
        ext2 = cases["stage2_extension_days"].to_numpy()
        self.ext1_any, self.ext1_beyond = ext1 > 0, ext1 > CODE_LIMITS["stage1_extension"]
        self.ext2_any, self.ext2_beyond = ext2 > 0, ext2 > CODE_LIMITS["stage2_extension"]
        self.ombudsman = (cases["ombudsman_outcome"] != "").to_numpy(dtype=bool)
        self.cfo = ((cases["complaint_failure_order"] != "").to_numpy(dtype=bool)
                    if "complaint_failure_order" in cases.columns else None)


def _optional_rate(step: _Step | None, span: _Span) -> Rate | None:
    return None if step is None else step.rate(span)


def _counts(values: pd.Series, order: tuple[str, ...] | None = None) -> dict[str, int]:
    counts = values[values != ""].value_counts()
    if order is not None:
        return {k: int(counts.get(k, 0)) for k in order}
    return {str(k): int(v) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}


def _window_figures(c: _Cases, span: _Span, service_requests: int | None) -> WindowFigures:
    received_in = span.has(c.received)
    s1_responded = c.accepted & span.has(c.responded1)
    s2_responded = c.s2 & span.has(c.responded2)
    return WindowFigures(
        stage1_received=_n(c.accepted & received_in),
        stage2_received=_n(c.s2 & span.has(c.requested)),
        refused=_n(c.refused & received_in),
        service_requests=service_requests,
        stage1_ack=c.s1_ack.rate(span),
        stage1_ack_local=_optional_rate(c.s1_ack_local, span),
        stage1_response=c.s1_resp.rate(span),
        stage1_response_local=_optional_rate(c.s1_resp_local, span),
        stage1_responded=_n(s1_responded),
        stage1_responded_on_time=_n(s1_responded & c.s1_resp.on_time),
        stage1_extended=_n(s1_responded & c.ext1_any),
        stage1_extended_beyond_limit=_n(s1_responded & c.ext1_beyond),
        stage2_ack=c.s2_ack.rate(span),
        stage2_ack_local=_optional_rate(c.s2_ack_local, span),
        stage2_response=c.s2_resp.rate(span),
        stage2_response_local=_optional_rate(c.s2_resp_local, span),
        stage2_responded=_n(s2_responded),
        stage2_responded_on_time=_n(s2_responded & c.s2_resp.on_time),
        stage2_extended=_n(s2_responded & c.ext2_any),
        stage2_extended_beyond_limit=_n(s2_responded & c.ext2_beyond),
        ombudsman_determinations=_n(c.accepted & span.has(c.final) & c.ombudsman),
        complaint_failure_orders=None if c.cfo is None else _n(received_in & c.cfo),
    )


#: Cell values that mean "no" in a flag column; anything else non-blank means "yes".
NO_VALUES = ("", "n", "no", "false", "0", "none", "-")


def _flagged(values: pd.Series) -> pd.Series:
    return ~values.str.strip().str.lower().isin(NO_VALUES)


def _ageing(days: np.ndarray) -> dict[str, int]:
    out = {}
    for low, high, label in AGEING_BANDS:
        mask = days >= low if high is None else (days >= low) & (days <= high)
        out[label] = int(mask.sum())
    return out


def _open_at_end(cases: pd.DataFrame, c: _Cases, end: dt.date) -> OpenComplaints:
    year = _YEAR
    open1 = c.accepted & year.by_end(c.received) & ~year.by_end(c.responded1) & ~c.outcome1_withdrawn
    open2 = c.accepted & year.by_end(c.requested) & ~year.by_end(c.responded2) & ~c.outcome2_withdrawn
    end_day = np.datetime64(end, "D")
    age1 = working_days_between(_days(cases["received"])[open1], np.full(_n(open1), end_day))
    age2 = working_days_between(_days(cases["stage2_requested"])[open2], np.full(_n(open2), end_day))
    return OpenComplaints(
        stage1_open=_n(open1),
        stage1_overdue=_n(open1 & year.by_end(c.due_s1_resp)),
        stage2_open=_n(open2),
        stage2_overdue=_n(open2 & year.by_end(c.due_s2_resp)),
        stage1_ageing=_ageing(age1),
        stage2_ageing=_ageing(age2),
    )


#: The quarters' slots and the year's (see :class:`_Slots`).
_QUARTERS = tuple(_Span(i, i) for i in range(4))
_YEAR = _Span(0, 3)


def case_statistics(
    cases: pd.DataFrame,
    period: Period,
    homes: int,
    *,
    extension_policy: ExtensionPolicy = "code_limit",
    local_targets: LocalTargets | None = None,
    service_requests: dict[str, int] | None = None,
    excluded_rows: int = 0,
) -> CaseStatistics:
    """All figures for ``period`` from a validated case log's usable ``cases``.

    ``service_requests`` maps ``Q1``..``Q4`` (and optionally ``year``) to counts the
    landlord supplies; a year figure is the sum of the quarters when not given.
    """
    local = local_targets or LocalTargets()
    d = _Deadlines(cases, extension_policy, local)
    c = _Cases(cases, d, _Slots(period))
    sr = service_requests or {}
    quarters = {q.name: _window_figures(c, span, sr.get(q.name)) for q, span in zip(period.quarters, _QUARTERS)}
    year_sr = sr.get("year", sum(sr[q] for q in sr if q != "year") if sr else None)
    year = _window_figures(c, _YEAR, year_sr)

    accepted = c.accepted
    received_in = _YEAR.has(c.received)
    s1_resp_in = accepted & _YEAR.has(c.responded1)
    s2_resp_in = accepted & _YEAR.has(c.responded2)
    final_in = accepted & _YEAR.has(c.final)
    withdrawn_before = accepted & received_in & c.outcome1_withdrawn & ~_YEAR.by_end(c.responded1)
    compensation = cases.loc[final_in, "compensation"]
    s1_in = accepted & received_in
    flags = [col for col in ("reasonable_adjustment", "vulnerability") if col in cases.columns]
    adjustments = _n(s1_in & cases[flags].apply(_flagged).any(axis=1).to_numpy(dtype=bool)) if flags else None
    same_handler = None
    if {"stage1_handler", "stage2_handler"} <= set(cases.columns):
        both = ((cases["stage1_handler"] != "") & (cases["stage2_handler"] != "")).to_numpy(dtype=bool)
        escalated_in = accepted & _YEAR.has(c.requested)
        rows = escalated_in & both  # case-folded only where it can count
        same_handler = int((cases.loc[rows, "stage1_handler"].str.casefold()
                            == cases.loc[rows, "stage2_handler"].str.casefold()).sum())
    definitions = {k: v for k, v in DEFINITIONS.items() if k != "extensions"}
    definitions["extensions"] = DEFINITIONS["extensions"][extension_policy]
    return CaseStatistics(
        period=period.id,
        homes=homes,
        extension_policy=extension_policy,
        local_targets={k: v for k, v in local.model_dump().items() if v},
        year=year,
        quarters=quarters,
        refused_by_reason=_counts(cases.loc[~accepted & received_in, "refused_reason"]),
        stage1_outcomes=_counts(cases.loc[s1_resp_in, "stage1_outcome"], OUTCOMES),
        stage2_outcomes=_counts(cases.loc[s2_resp_in, "stage2_outcome"], OUTCOMES),
        withdrawn_before_response=_n(withdrawn_before),
        categories=_counts(cases.loc[s1_in, "category"]),
        ombudsman_outcomes=_counts(cases.loc[final_in, "ombudsman_outcome"], OMBUDSMAN_OUTCOMES),
        compensation_cases=int((compensation > 0).sum()),
        compensation_total=round(float(compensation.sum()), 2),
        open_at_end=_open_at_end(cases, c, period.end),
        channels=_counts(cases.loc[s1_in, "channel"]) if "channel" in cases.columns else None,
        reasonable_adjustments=adjustments,
        stage2_same_handler=same_handler,
        excluded_rows=excluded_rows,
        rows_used=len(cases),
        definitions=definitions,
    )
