"""Case statistics: every figure the Code and the Regulator ask for, for a period and its quarters.

Definitions (also written beside the figures in the report, see
:func:`audit_lib.stats.definitions.definitions`):

* **Received in a window** — stage 1 uses ``received``; stage 2 uses ``stage2_requested``.
  Refused complaints (a ``refused_reason``) are counted apart and never as stage 1.
* **Responded in a window** — the response date falls in the window.
* **Deadlines** — :func:`audit_lib.core.calendar.add_working_days` with the timescales of the
  landlord's Code version (:func:`audit_lib.code.timescales.stages`): acknowledgement within
  the Code's working days of receipt (stage 1) or of the escalation request (stage 2);
  response within the Code's working days of the acknowledgement (of the acknowledgement
  deadline while none is recorded), plus the extension communicated to the resident as the
  extension policy allows (default: up to the Code's limit for the stage).
* **On-time rate of a step** — steps done on time in the window, over steps done in the
  window plus steps whose deadline fell in the window and passed without the step being
  done by the window's last day.
* **TSM CH02** — of the responses issued in the window, the share issued by the deadline.
* **TSM CH01** — complaints received in the window per 1,000 homes.

Everything is computed with whole-column operations; nothing loops over cases. Each stage's
columns are read and its deadlines worked out once per run (:class:`_StageSteps`), each date
is placed once among the period's quarters (:class:`_Slots`), and every window's figures are
then comparisons on those small integers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..cases.schema import OMBUDSMAN_OUTCOMES, OUTCOMES
from ..code.catalogue import DEFAULT_CODE
from ..code.timescales import Stage, stages
from ..config.landlords import LocalTargets
from ..core.calendar import add_working_days, working_days_between
from ..core.periods import Period
from .definitions import AGEING_BANDS, ExtensionPolicy, definitions
from .results import (
    CaseStatistics,
    OpenComplaints,
    Rate,
    StageFigures,
    WindowFigures,
)

__all__ = ["NO_VALUES", "case_statistics"]

#: Cell values that mean "no" in a flag column; anything else non-blank means "yes".
NO_VALUES = ("", "n", "no", "false", "0", "none", "-")

#: The windows a landlord's configuration gives service-request counts for.
ServiceRequestWindow = Literal["Q1", "Q2", "Q3", "Q4", "year"]


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


def _n(mask: np.ndarray) -> int:
    return int(np.count_nonzero(mask))


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


#: The quarters' slots and the year's (see :class:`_Slots`).
_QUARTERS = tuple(_Span(i, i) for i in range(4))
_YEAR = _Span(0, 3)


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


def _optional_rate(step: _Step | None, span: _Span) -> Rate | None:
    return None if step is None else step.rate(span)


class _StageSteps:
    """One stage of every case, as numpy arrays computed once per statistics run: its dates,
    deadlines (the Code's and the landlord's local targets), steps and extensions."""

    def __init__(self, cases: pd.DataFrame, stage: Stage, accepted: np.ndarray, slots: _Slots,
                 policy: ExtensionPolicy, targets: dict[str, int | None]) -> None:
        self.stage = stage
        self.start_days = _days(cases[stage.start_column])
        acknowledged = _days(cases[stage.acknowledged_column])
        self.responded_days = _days(cases[stage.responded_column])
        #: Recorded as withdrawn (the log gives no date of withdrawal).
        self.withdrawn = (cases[stage.outcome_column] == "withdrawn").to_numpy(dtype=bool)
        # stage 1 applies to every accepted complaint, a later stage to those escalated to it
        self.applies = accepted if stage.number == 1 else accepted & ~np.isnat(self.start_days)
        # a withdrawal with no response recorded is not a missed response
        responds = self.applies & ~(self.withdrawn & np.isnat(self.responded_days))

        ack_due = add_working_days(self.start_days, stage.acknowledge.working_days)
        extension = _allowed_extension(cases[stage.extension_column], stage.extension.working_days, policy)
        respond_due = add_working_days(_or(acknowledged, ack_due), stage.respond.working_days + extension)
        self.ack = _Step(acknowledged, ack_due, self.applies, slots)
        self.response = _Step(self.responded_days, respond_due, responds, slots)
        # local targets: the same rules with the landlord's own numbers of days
        local_ack, local_respond = targets[stage.key("acknowledge")], targets[stage.key("respond")]
        local_ack_due = add_working_days(self.start_days, local_ack) if local_ack else None
        self.ack_local = None if local_ack_due is None else _Step(acknowledged, local_ack_due, self.applies, slots)
        self.response_local = None
        if local_respond:
            local_respond_due = add_working_days(_or(acknowledged, ack_due if local_ack_due is None else local_ack_due),
                                                 local_respond + extension)
            self.response_local = _Step(self.responded_days, local_respond_due, responds, slots)

        self.start = slots.of(self.start_days)
        self.responded = self.response.done
        days = cases[stage.extension_column].to_numpy()
        self.extended, self.extended_beyond_limit = days > 0, days > stage.extension.working_days

    def figures(self, span: _Span) -> StageFigures:
        responded = self.applies & span.has(self.responded)
        return StageFigures(
            received=_n(self.applies & span.has(self.start)),
            ack=self.ack.rate(span),
            ack_local=_optional_rate(self.ack_local, span),
            response=self.response.rate(span),
            response_local=_optional_rate(self.response_local, span),
            responded=_n(responded),
            responded_on_time=_n(responded & self.response.on_time),
            extended=_n(responded & self.extended),
            extended_beyond_limit=_n(responded & self.extended_beyond_limit),
        )

    def open_at_end(self, accepted: np.ndarray, end: dt.date) -> tuple[int, int, dict[str, int]]:
        """Open and overdue at the period's end, and the open ones' ageing."""
        year = _YEAR
        is_open = accepted & year.by_end(self.start) & ~year.by_end(self.responded) & ~self.withdrawn
        age = working_days_between(self.start_days[is_open], np.full(_n(is_open), np.datetime64(end, "D")))
        return _n(is_open), _n(is_open & year.by_end(self.response.due)), _ageing(age)


class _Cases:
    """What the figures need from the cases, as numpy arrays, computed once per statistics run."""

    def __init__(self, cases: pd.DataFrame, slots: _Slots, policy: ExtensionPolicy, local: LocalTargets,
                 code: str) -> None:
        self.refused = (cases["refused_reason"] != "").to_numpy(dtype=bool)
        self.accepted = ~self.refused
        targets = local.model_dump()
        self.stage1, self.stage2 = (_StageSteps(cases, stage, self.accepted, slots, policy, targets)
                                    for stage in stages(code))
        self.received = self.stage1.start
        # the final response: the last stage's response where there is one
        self.final = slots.of(_or(self.stage2.responded_days, self.stage1.responded_days))
        self.ombudsman = (cases["ombudsman_outcome"] != "").to_numpy(dtype=bool)
        self.cfo = ((cases["complaint_failure_order"] != "").to_numpy(dtype=bool)
                    if "complaint_failure_order" in cases.columns else None)

    def window(self, span: _Span, service_requests: int | None) -> WindowFigures:
        received_in = span.has(self.received)
        return WindowFigures.from_stages(
            {s.stage.number: s.figures(span) for s in (self.stage1, self.stage2)},
            refused=_n(self.refused & received_in),
            service_requests=service_requests,
            ombudsman_determinations=_n(self.accepted & span.has(self.final) & self.ombudsman),
            complaint_failure_orders=None if self.cfo is None else _n(received_in & self.cfo),
        )


def _counts(values: pd.Series, order: tuple[str, ...] | None = None) -> dict[str, int]:
    counts = values[values != ""].value_counts()
    if order is not None:
        return {k: int(counts.get(k, 0)) for k in order}
    return {str(k): int(v) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}


def _flagged(values: pd.Series) -> pd.Series:
    return ~values.str.strip().str.lower().isin(NO_VALUES)


def _ageing(days: np.ndarray) -> dict[str, int]:
    out = {}
    for low, high, label in AGEING_BANDS:
        mask = days >= low if high is None else (days >= low) & (days <= high)
        out[label] = int(mask.sum())
    return out


def _open_at_end(c: _Cases, end: dt.date) -> OpenComplaints:
    open1, overdue1, ageing1 = c.stage1.open_at_end(c.accepted, end)
    open2, overdue2, ageing2 = c.stage2.open_at_end(c.accepted, end)
    return OpenComplaints(stage1_open=open1, stage1_overdue=overdue1, stage2_open=open2, stage2_overdue=overdue2,
                          stage1_ageing=ageing1, stage2_ageing=ageing2)


def case_statistics(
    cases: pd.DataFrame,
    period: Period,
    homes: int,
    *,
    extension_policy: ExtensionPolicy = "code_limit",
    local_targets: LocalTargets | None = None,
    service_requests: Mapping[str, int] | Mapping[ServiceRequestWindow, int] | None = None,
    excluded_rows: int = 0,
    code: str = DEFAULT_CODE,
) -> CaseStatistics:
    """All figures for ``period`` from a validated case log's usable ``cases``.

    ``service_requests`` maps ``Q1``..``Q4`` (and optionally ``year``) to counts the
    landlord supplies; a year figure is the sum of the quarters when not given. ``code`` is
    the landlord's Code version, whose timescales set the deadlines and the definitions.
    """
    local = local_targets or LocalTargets()
    c = _Cases(cases, _Slots(period), extension_policy, local, code)
    sr: dict[str, int] = dict(service_requests.items()) if service_requests else {}
    quarters = {q.name: c.window(span, sr.get(q.name)) for q, span in zip(period.quarters, _QUARTERS)}
    year_sr = sr.get("year", sum(sr[q] for q in sr if q != "year") if sr else None)
    year = c.window(_YEAR, year_sr)

    accepted, stage1, stage2 = c.accepted, c.stage1.stage, c.stage2.stage
    received_in = _YEAR.has(c.received)
    s1_resp_in = accepted & _YEAR.has(c.stage1.responded)
    s2_resp_in = accepted & _YEAR.has(c.stage2.responded)
    final_in = accepted & _YEAR.has(c.final)
    withdrawn_before = accepted & received_in & c.stage1.withdrawn & ~_YEAR.by_end(c.stage1.responded)
    compensation = cases.loc[final_in, "compensation"]
    s1_in = accepted & received_in
    flags = [col for col in ("reasonable_adjustment", "vulnerability") if col in cases.columns]
    adjustments = _n(s1_in & cases[flags].apply(_flagged).any(axis=1).to_numpy(dtype=bool)) if flags else None
    same_handler = None
    handlers = stage1.handler_column, stage2.handler_column
    if set(handlers) <= set(cases.columns):
        both = ((cases[handlers[0]] != "") & (cases[handlers[1]] != "")).to_numpy(dtype=bool)
        escalated_in = accepted & _YEAR.has(c.stage2.start)
        rows = escalated_in & both  # case-folded only where it can count
        same_handler = int((cases.loc[rows, handlers[0]].str.casefold()
                            == cases.loc[rows, handlers[1]].str.casefold()).sum())
    return CaseStatistics(
        period=period.id,
        homes=homes,
        extension_policy=extension_policy,
        local_targets={k: v for k, v in local.model_dump().items() if v},
        year=year,
        quarters=quarters,
        refused_by_reason=_counts(cases.loc[~accepted & received_in, "refused_reason"]),
        stage1_outcomes=_counts(cases.loc[s1_resp_in, stage1.outcome_column], OUTCOMES),
        stage2_outcomes=_counts(cases.loc[s2_resp_in, stage2.outcome_column], OUTCOMES),
        withdrawn_before_response=_n(withdrawn_before),
        categories=_counts(cases.loc[s1_in, "category"]),
        ombudsman_outcomes=_counts(cases.loc[final_in, "ombudsman_outcome"], OMBUDSMAN_OUTCOMES),
        compensation_cases=int((compensation > 0).sum()),
        compensation_total=round(float(compensation.sum()), 2),
        open_at_end=_open_at_end(c, period.end),
        channels=_counts(cases.loc[s1_in, "channel"]) if "channel" in cases.columns else None,
        reasonable_adjustments=adjustments,
        stage2_same_handler=same_handler,
        excluded_rows=excluded_rows,
        rows_used=len(cases),
        definitions=definitions(extension_policy, code),
        code=code,
    )
