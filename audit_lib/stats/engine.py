"""Case statistics: every figure the Code and the Regulator ask for, for a period and its quarters.

Definitions (``docs/figures.md`` in full; written beside the figures in the report, see
:func:`audit_lib.stats.definitions.definitions`):

* **As at the period's end** — every figure of a period (the year and its quarters) uses only
  events dated on or before the period's last day: a later step counts as not done.
* **Received in a window** — stage 1 uses ``received``; stage 2 uses ``stage2_requested``.
  Refused complaints (a ``refused_reason``) are counted apart and never as stage 1.
* **Deadlines** — :func:`audit_lib.core.calendar.add_working_days` with the timescales of the
  Code the period is assessed against (:func:`audit_lib.code.timescales.stages`): acknowledgement
  within the Code's working days of receipt (stage 1) or of the escalation request (stage 2; the
  2022 and 2020 Codes set no limit, so no such figure); response within the Code's working days,
  plus the extension the policy allows, of the step the Code counts it from — the acknowledgement
  (2024), logging (2022 and 2020 stage 1: the ``stage1_logged`` column, else the acknowledgement) or
  the escalation request (2022 and 2020 stage 2) — where that step is the acknowledgement or
  logging, of it or of the day the acknowledgement was due, whichever is earlier
  (``response_deadline`` ``"from_acknowledgement"``: of the step however late). An acknowledgement
  not made by the period's last day runs from the day it was due.
* **On-time rate of a step** — each step of the period is counted in exactly one window: the
  one it was done in or, if not done by the period's end, the one its deadline fell in. The
  rate is steps done on time over steps counted; quarters sum to the year.
* **TSM CH02** — of the responses issued in the window, the share issued by the deadline.
* **TSM CH01** — complaints received in the window per 1,000 homes.
* **Unknown fields** — a complaint whose field is unknown (the case log's ``unknown`` column)
  is kept out of the figures that need the field (:func:`~audit_lib.stats.definitions.figure_needs`).

Everything is computed with whole-column operations; nothing loops over cases. Each stage's
columns are read and its deadlines worked out once per run (:class:`_StageSteps`), each date
is placed once among the period's quarters (:class:`_Slots`), and every window's figures are
then comparisons on those small integers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from ..cases.load import CaseLog
from ..cases.schema import NOT_RECORDED, OMBUDSMAN_OUTCOMES, OUTCOMES, UNKNOWN_COLUMN
from ..code.catalogue import DEFAULT_CODE
from ..code.timescales import Stage, stages
from ..config.landlords import Landlord, LocalTargets
from ..core.calendar import add_working_days, working_days_between
from ..core.memory import ordinary_pages
from ..core.periods import Period
from .definitions import (
    AGEING_BANDS,
    FINAL_RESPONSE_FIELDS,
    UPHELD,
    UPHELD_WITHOUT_REMEDY_FIELDS,
    ExtensionPolicy,
    ResponseDeadline,
    definitions,
    open_fields,
    response_fields,
)
from .results import (
    CaseStatistics,
    OpenComplaints,
    Rate,
    StageFigures,
    WindowFigures,
)

__all__ = ["NO_VALUES", "Stage1Rows", "case_statistics", "count_values", "landlord_statistics", "stage1_rows"]

#: Cell values that mean "no" in a flag column; anything else non-blank means "yes".
NO_VALUES = ("", "n", "no", "false", "0", "none", "-")

#: The windows a landlord's configuration gives service-request counts for.
ServiceRequestWindow = Literal["Q1", "Q2", "Q3", "Q4", "year"]


def _allowed_extension(days: np.ndarray, good_reason: np.ndarray, limit: int, policy: ExtensionPolicy) -> np.ndarray:
    """Working days of each extension that count towards the response deadline."""
    if policy == "none":
        return np.zeros_like(days)
    if policy == "full":
        return days
    capped = np.minimum(days, limit)
    return np.where(good_reason, days, capped) if policy == "good_reason" else capped


def _days(values: pd.Series) -> np.ndarray:
    """A validated date column as ``datetime64[D]`` (NaT where blank)."""
    return values.to_numpy(dtype="datetime64[D]")


def _n(mask: np.ndarray) -> int:
    return int(np.count_nonzero(mask))


#: The slot of a missing date: after every window, so never "done by the period's last day".
_NO_DATE = 127
#: The slot of the period's last quarter: a date in a slot up to this is on or before the period's end.
_LAST = 3


class _Slots:
    """Where each date falls among the period's quarters: -1 before the period, 0-3 in Q1-Q4,
    4 after the period, :data:`_NO_DATE` when there is no date.

    Each date column is placed once per run; a window (one quarter, or quarters 0-3 for the
    year) then tests "in the window" and "by the period's last day" on these small integers
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


def _by_end(slots: np.ndarray) -> np.ndarray:
    """The date is on or before the period's last day."""
    return slots <= _LAST


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


#: The quarters' slots and the year's (see :class:`_Slots`).
_QUARTERS = tuple(_Span(i, i) for i in range(4))
_YEAR = _Span(0, _LAST)


def _unknown_as_at(text: str, end: dt.date) -> set[str]:
    """The fields a complaint's :data:`~audit_lib.cases.schema.UNKNOWN_COLUMN` names as unknown as
    at ``end``: ``field`` always, ``field@yyyy-mm-dd`` only from that day (before it, the steps
    concerned had not been taken)."""
    out = set()
    for token in text.split():
        name, _, since = token.partition("@")
        if not since or dt.date.fromisoformat(since) <= end:
            out.add(name)
    return out


class _Known:
    """Which complaints have the fields a figure needs, as at the period's end: read once from
    the case log's :data:`~audit_lib.cases.schema.UNKNOWN_COLUMN` (its few distinct values, then
    spread back)."""

    def __init__(self, cases: pd.DataFrame, end: dt.date) -> None:
        self.size = len(cases)
        self._unknown: dict[str, np.ndarray] = {}
        if UNKNOWN_COLUMN not in cases.columns:
            return
        column = cases[UNKNOWN_COLUMN]
        if isinstance(column.dtype, pd.CategoricalDtype) and not column.isna().any():  # as validated: codes already
            codes, uniques = column.array.codes, np.asarray(column.array.categories, dtype=object)
        else:
            codes, uniques = pd.factorize(column.to_numpy(dtype=object))
        sets = [_unknown_as_at(str(text), end) for text in uniques]
        for name in sorted(set().union(*sets)):
            with_it = np.array([name in fields for fields in sets], dtype=bool)
            self._unknown[name] = with_it[codes]

    def unknown(self, *fields: str) -> np.ndarray:
        out = np.zeros(self.size, dtype=bool)
        for name in fields:
            if name in self._unknown:
                out |= self._unknown[name]
        return out

    def known(self, *fields: str) -> np.ndarray:
        return ~self.unknown(*fields)


class _Step:
    """One step of every case (e.g. the stage 1 acknowledgement): where it was done, where it
    was due, whether it was done by the deadline, which cases it applies to, and the window it
    counts in (the one it was done in or, if not done by the period's end, the one it was due in)."""

    def __init__(self, done: np.ndarray, due: np.ndarray, applies: np.ndarray, slots: _Slots,
                 done_slots: np.ndarray | None = None) -> None:
        self.done = slots.of(done) if done_slots is None else done_slots  # given when already placed
        self.due = slots.of(due)
        self.on_time = done <= due  # NaT on either side: False
        self.applies = applies
        self.done_by_end = _by_end(self.done)
        self.counted = np.where(self.done_by_end, self.done, self.due)

    def rate(self, span: _Span) -> Rate:
        """On-time rate of the step in a window (see the module docstring)."""
        counted = self.applies & span.has(self.counted)
        return Rate(on_time=_n(counted & self.done_by_end & self.on_time), total=_n(counted))


def _optional_rate(step: _Step | None, span: _Span) -> Rate | None:
    return None if step is None else step.rate(span)


@dataclass(frozen=True)
class _Options:
    """How the landlord reads the Code's deadlines."""

    extension_policy: ExtensionPolicy
    response_deadline: ResponseDeadline
    targets: Mapping[str, int | None]


class _Words:
    """A text column as codes into its distinct values, worked out once per statistics run (an
    outcome column is compared with several words and counted)."""

    def __init__(self, values: pd.Series) -> None:
        codes, uniques = pd.factorize(values)  # a missing cell: -1
        self.codes = codes
        self.values = list(uniques)

    def among(self, words: tuple[str, ...]) -> np.ndarray:
        """The cells equal to one of ``words`` (a missing cell never is)."""
        hit = np.array([value in words for value in self.values] + [False], dtype=bool)
        return hit[self.codes]

    def counts(self, rows: np.ndarray, order: tuple[str, ...]) -> dict[str, int]:
        """:func:`_counts` of the cells in ``rows``, for the words of ``order``."""
        counted = np.bincount(self.codes[rows & (self.codes >= 0)], minlength=len(self.values))
        found = dict(zip(self.values, counted.tolist()))
        return {word: int(found.get(word, 0)) for word in order}


class _StageSteps:
    """One stage of every case, as numpy arrays computed once per statistics run: its dates,
    deadlines (the Code's and the landlord's local targets), steps and extensions, as at the
    period's end."""

    def __init__(self, cases: pd.DataFrame, stage: Stage, accepted: np.ndarray, known: _Known, slots: _Slots,
                 options: _Options) -> None:
        self.stage = stage
        self.outcome = _Words(cases[stage.outcome_column])
        self.start_days = _days(cases[stage.start_column])
        acknowledged = _days(cases[stage.acknowledged_column])
        self.responded_days = _days(cases[stage.responded_column])
        #: Recorded as withdrawn (the log gives no date of withdrawal).
        self.withdrawn = self.outcome.among(("withdrawn",))
        days = cases[stage.extension_column].to_numpy(dtype="int64")
        good_reason = ((cases[stage.good_reason_column] == "yes").to_numpy(dtype=bool)
                       if stage.good_reason_column in cases.columns else np.zeros(len(cases), dtype=bool))
        limit = stage.extension.working_days
        self.extended, beyond = days > 0, days > limit
        self.beyond_with_reason, self.beyond_without_reason = beyond & good_reason, beyond & ~good_reason

        # stage 1 applies to every accepted complaint, a later stage to those escalated to it
        escalated = np.ones(len(cases), dtype=bool) if stage.number == 1 else ~np.isnat(self.start_days)
        self.applies = accepted & escalated & known.known(stage.start_column)
        self.response_known = self.applies & known.known(*response_fields(stage)) \
            & ~(beyond & known.unknown(stage.good_reason_column))
        self.open_known = self.applies & known.known(*open_fields(stage))
        self.start = slots.of(self.start_days)
        responded = slots.of(self.responded_days)
        responded_by_end = _by_end(responded)
        # a withdrawal is not a missed response: no response step unless one is dated by the period's end
        responds = self.response_known & ~(self.withdrawn & ~responded_by_end)

        # as at the period's end: an acknowledgement made later is not made
        acknowledged_slots = slots.of(acknowledged)
        ack_by_end = np.where(_by_end(acknowledged_slots), acknowledged, np.datetime64("NaT"))
        extension = _allowed_extension(days, good_reason, limit, options.extension_policy)
        ack_applies = self.applies & known.known(stage.acknowledged_column)
        ack_due = None if stage.acknowledge is None else add_working_days(self.start_days, stage.acknowledge.working_days)
        self.ack = None if ack_due is None else _Step(acknowledged, ack_due, ack_applies, slots, acknowledged_slots)
        logged = (_days(cases[stage.logged_column]) if stage.respond_from == "logged"
                  and stage.logged_column in cases.columns else None)
        base = self._response_from(stage, ack_by_end, ack_due, logged, slots, options.response_deadline)
        self.response = _Step(self.responded_days, add_working_days(base, stage.respond.working_days + extension),
                              responds, slots, responded)
        # local targets: the same rules with the landlord's own numbers of days
        local_ack, local_respond = options.targets[stage.key("acknowledge")], options.targets[stage.key("respond")]
        local_ack_due = add_working_days(self.start_days, local_ack) if local_ack else None
        self.ack_local = None if local_ack_due is None else _Step(acknowledged, local_ack_due, ack_applies, slots,
                                                                  acknowledged_slots)
        self.response_local = None
        if local_respond:
            local_base = self._response_from(stage, ack_by_end, ack_due if local_ack_due is None else local_ack_due,
                                             logged, slots, options.response_deadline)
            self.response_local = _Step(self.responded_days, add_working_days(local_base, local_respond + extension),
                                        responds, slots, responded)

    def _response_from(self, stage: Stage, ack_by_end: np.ndarray, ack_due: np.ndarray | None,
                       logged: np.ndarray | None, slots: _Slots, reading: ResponseDeadline) -> np.ndarray:
        """The day each response deadline runs from, as the Code counts it (``stage.respond_from``):

        * ``acknowledged`` — the acknowledgement (see :meth:`_response_base`);
        * ``logged`` — the day logged where the log records it (``stage1_logged``) by the period's
          end, read as an acknowledgement is; else (no such column, or none dated by then) the
          acknowledgement, the step the Code logs it with ("acknowledged and logged ... within five
          days of receipt", 2022 Code 4.1);
        * ``start`` — the day the stage started (received, or escalation requested).
        """
        if stage.respond_from == "start" or (ack_due is None and logged is None):
            return self.start_days
        if stage.respond_from == "logged" and logged is not None:
            logged_by_end = np.where(_by_end(slots.of(logged)), logged, np.datetime64("NaT"))
            made = np.where(np.isnat(logged_by_end), ack_by_end, logged_by_end)
            due = self.start_days if ack_due is None else ack_due
            return self._response_base(made, due, reading)
        assert ack_due is not None
        return self._response_base(ack_by_end, ack_due, reading)

    @staticmethod
    def _response_base(ack_by_end: np.ndarray, ack_due: np.ndarray, reading: ResponseDeadline) -> np.ndarray:
        """The day the response deadline runs from: the acknowledgement made by the period's end,
        or (by default, when earlier, and always when none was made) the day it was due."""
        made = ~np.isnat(ack_by_end)
        if reading == "from_acknowledgement":
            return np.where(made, ack_by_end, ack_due)
        return np.where(made & (ack_by_end < ack_due), ack_by_end, ack_due)

    def figures(self, span: _Span) -> StageFigures:
        responded = self.response.applies & span.has(self.response.done)
        return StageFigures(
            received=_n(self.applies & span.has(self.start)),
            ack=_optional_rate(self.ack, span),
            ack_local=_optional_rate(self.ack_local, span),
            response=self.response.rate(span),
            response_local=_optional_rate(self.response_local, span),
            responded=_n(responded),
            responded_on_time=_n(responded & self.response.on_time),
            extended=_n(responded & self.extended),
            extended_beyond_limit=_n(responded & (self.beyond_with_reason | self.beyond_without_reason)),
            extended_beyond_limit_with_reason=_n(responded & self.beyond_with_reason),
            extended_beyond_limit_without_reason=_n(responded & self.beyond_without_reason),
        )

    def open_at_end(self, end: dt.date) -> tuple[int, int, dict[str, int]]:
        """Open and overdue at the period's end, and the open ones' ageing."""
        is_open = self.open_known & _by_end(self.start) & ~self.response.done_by_end & ~self.withdrawn
        age = working_days_between(self.start_days[is_open], np.full(_n(is_open), np.datetime64(end, "D")))
        overdue = is_open & self.response_known & _by_end(self.response.due)  # the deadline's fields too
        return _n(is_open), _n(overdue), _ageing(age)


class _Cases:
    """What the figures need from the cases, as numpy arrays, computed once per statistics run."""

    def __init__(self, cases: pd.DataFrame, slots: _Slots, options: _Options, code: str, end: dt.date) -> None:
        self.known = _Known(cases, end)
        self.refused = (cases["refused_reason"] != "").to_numpy(dtype=bool)
        self.accepted = ~self.refused
        self.stage1, self.stage2 = (_StageSteps(cases, stage, self.accepted, self.known, slots, options)
                                    for stage in stages(code))
        self.received = self.stage1.start
        # the final response as at the period's end: stage 2's where escalation was requested by then
        escalated = _by_end(self.stage2.start)
        self.final = np.where(escalated, self.stage2.response.done, self.stage1.response.done)
        self.final_known = self.accepted & self.known.known(*FINAL_RESPONSE_FIELDS)
        ombudsman = cases["ombudsman_outcome"]
        self.ombudsman = self.final_known & self.known.known("ombudsman_outcome") \
            & (ombudsman != "").to_numpy(dtype=bool)
        self.cfo = ((cases["complaint_failure_order"] != "").to_numpy(dtype=bool)
                    & self.known.known("complaint_failure_order") if "complaint_failure_order" in cases.columns
                    else None)

    def window(self, span: _Span, service_requests: int | None) -> WindowFigures:
        received_in = span.has(self.received)
        return WindowFigures.from_stages(
            {s.stage.number: s.figures(span) for s in (self.stage1, self.stage2)},
            refused=_n(self.refused & received_in),
            service_requests=service_requests,
            ombudsman_determinations=_n(self.ombudsman & span.has(self.final)),
            complaint_failure_orders=None if self.cfo is None else _n(received_in & self.cfo),
        )

    def stage1_received(self) -> np.ndarray:
        """Accepted stage 1 complaints received in the period (the rows the categories and
        channels count, each with its own field known too)."""
        return self.accepted & _YEAR.has(self.received)

    def responded(self, stage: _StageSteps) -> np.ndarray:
        """The stage's responses dated in the period, with their date and outcome known (the rows
        the outcomes count)."""
        s = stage.stage
        return stage.applies & _YEAR.has(stage.response.done) & self.known.known(s.responded_column, s.outcome_column)

    def outcomes(self, stage: _StageSteps) -> dict[str, int]:
        """The stage's responses dated in the period, by outcome (blank: not recorded)."""
        rows = self.responded(stage)
        return stage.outcome.counts(rows, OUTCOMES) | {NOT_RECORDED: _n(rows & stage.outcome.among(("",)))}

    def upheld_without_remedy(self, cases: pd.DataFrame) -> int:
        """Complaints upheld or partly upheld at either stage by a response dated in the period,
        with neither compensation above zero nor a remedy recorded (both read as recorded: the
        log dates neither). A complaint with any of the fields this needs unknown is kept out."""
        upheld = np.zeros(len(cases), dtype=bool)
        for stage in (self.stage1, self.stage2):
            outcome = stage.outcome.among(UPHELD)
            upheld |= stage.applies & _YEAR.has(stage.response.done) & outcome
        put_right = (cases["compensation"] > 0).to_numpy(dtype=bool)
        if "remedy" in cases.columns:
            put_right = put_right | (cases["remedy"] != "").to_numpy(dtype=bool)
        return _n(upheld & self.known.known(*UPHELD_WITHOUT_REMEDY_FIELDS) & ~put_right)


def _counts(values: pd.Series, order: tuple[str, ...] | None = None) -> dict[str, int]:
    counts = values[values != ""].value_counts()
    if order is not None:
        return {k: int(counts.get(k, 0)) for k in order}
    return {str(k): int(v) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))) if v}


def _flagged(values: pd.Series) -> pd.Series:
    return ~values.str.strip().str.lower().isin(NO_VALUES)


def _ageing(days: np.ndarray) -> dict[str, int]:
    out = {}
    for low, high, label in AGEING_BANDS:
        mask = days >= low if high is None else (days >= low) & (days <= high)
        out[label] = int(mask.sum())
    return out


def _open_at_end(c: _Cases, end: dt.date) -> OpenComplaints:
    open1, overdue1, ageing1 = c.stage1.open_at_end(end)
    open2, overdue2, ageing2 = c.stage2.open_at_end(end)
    return OpenComplaints(stage1_open=open1, stage1_overdue=overdue1, stage2_open=open2, stage2_overdue=overdue2,
                          stage1_ageing=ageing1, stage2_ageing=ageing2)


@ordinary_pages()  # its passes over every case allocate many large arrays (see core.memory)
def case_statistics(
    cases: pd.DataFrame,
    period: Period,
    homes: int,
    *,
    extension_policy: ExtensionPolicy = "good_reason",
    response_deadline: ResponseDeadline = "from_earlier",
    local_targets: LocalTargets | None = None,
    service_requests: Mapping[str, int] | Mapping[ServiceRequestWindow, int] | None = None,
    excluded_rows: int = 0,
    rows_read: int | None = None,
    code: str = DEFAULT_CODE,
) -> CaseStatistics:
    """All figures for ``period`` from a validated case log's complaints (``CaseLog.cases``).

    ``service_requests`` maps ``Q1``..``Q4`` (and optionally ``year``) to counts the
    landlord supplies; a year figure is the sum of the quarters when not given. ``code`` is
    the landlord's Code version, whose timescales set the deadlines and the definitions;
    ``excluded_rows`` the case log's rows excluded whole and ``rows_read`` its rows read: they
    must reconcile (rows read = complaints counted + rows excluded whole), or nothing is reported.
    """
    if rows_read is not None and rows_read != len(cases) + excluded_rows:
        raise ValueError(f"the case log's {rows_read} rows read do not reconcile with {len(cases)} complaints "
                         f"counted + {excluded_rows} rows excluded whole; expected them to add up")
    local = local_targets or LocalTargets()
    options = _Options(extension_policy, response_deadline, local.model_dump())
    c = _Cases(cases, _Slots(period), options, code, period.end)
    sr: dict[str, int] = dict(service_requests.items()) if service_requests else {}
    quarters = {q.name: c.window(span, sr.get(q.name)) for q, span in zip(period.quarters, _QUARTERS)}
    year_sr = sr.get("year", sum(sr[q] for q in sr if q != "year") if sr else None)
    year = c.window(_YEAR, year_sr)

    known, accepted, stage2 = c.known, c.accepted, c.stage2.stage
    received_in = _YEAR.has(c.received)
    final_in = c.final_known & _YEAR.has(c.final)
    withdrawn_before = (accepted & received_in & c.stage1.withdrawn & ~c.stage1.response.done_by_end
                        & known.known("stage1_responded", "stage1_outcome"))
    compensation = cases.loc[final_in & known.known("compensation"), "compensation"]
    s1_in = c.stage1_received()
    flags = [col for col in ("reasonable_adjustment", "vulnerability") if col in cases.columns]
    adjustments = None
    if flags:  # the flags read only where they are counted
        rows = s1_in & known.known(*flags)
        adjustments = int(cases.loc[rows, flags].apply(_flagged).any(axis=1).sum())
    same_handler = None
    handlers = c.stage1.stage.handler_column, stage2.handler_column
    if set(handlers) <= set(cases.columns):
        both = ((cases[handlers[0]] != "") & (cases[handlers[1]] != "")).to_numpy(dtype=bool)
        rows = c.stage2.applies & _YEAR.has(c.stage2.start) & known.known(*handlers) & both
        same_handler = int((cases.loc[rows, handlers[0]].str.casefold()
                            == cases.loc[rows, handlers[1]].str.casefold()).sum())
    ombudsman_in = c.ombudsman & _YEAR.has(c.final)
    return CaseStatistics(
        period=period.id,
        homes=homes,
        extension_policy=extension_policy,
        response_deadline=response_deadline,
        local_targets={k: v for k, v in local.model_dump().items() if v},
        year=year,
        quarters=quarters,
        refused_by_reason=_counts(cases.loc[~accepted & received_in & known.known("refused_reason"), "refused_reason"]),
        stage1_outcomes=c.outcomes(c.stage1),
        stage2_outcomes=c.outcomes(c.stage2),
        withdrawn_before_response=_n(withdrawn_before),
        categories=_counts(cases.loc[s1_in & known.known("category"), "category"]),
        ombudsman_outcomes=_counts(cases.loc[ombudsman_in, "ombudsman_outcome"], (*OMBUDSMAN_OUTCOMES, NOT_RECORDED)),
        compensation_cases=int((compensation > 0).sum()),
        compensation_total=round(float(compensation.sum()), 2),
        open_at_end=_open_at_end(c, period.end),
        channels=(_counts(cases.loc[s1_in & known.known("channel"), "channel"]) if "channel" in cases.columns
                  else None),
        reasonable_adjustments=adjustments,
        stage2_same_handler=same_handler,
        excluded_rows=excluded_rows,
        complaints_counted=len(cases),
        upheld_without_remedy=c.upheld_without_remedy(cases),
        definitions=definitions(extension_policy, code, response_deadline),
        code=code,
        counted_from={s.number: s.counted_from(s.logged_column in cases.columns) for s in stages(code)},
    )


@dataclass(frozen=True)
class Stage1Rows:
    """Which complaints a period's stage 1 figures count, as at the period's last day, as boolean
    masks over the cases: ``received`` the rows :attr:`CaseStatistics.categories` counts (accepted
    stage 1 complaints received in the period) and ``responded`` the rows
    :attr:`CaseStatistics.stage1_outcomes` counts (stage 1 responses dated in the period, their
    date and outcome known); both only where the fields asked for are known too."""

    received: np.ndarray
    responded: np.ndarray


def stage1_rows(cases: pd.DataFrame, period: Period, code: str = DEFAULT_CODE, *,
                known: tuple[str, ...] = ()) -> Stage1Rows:
    """The rows the period's stage 1 figures count (:class:`Stage1Rows`), by the same rules as
    :func:`case_statistics`, each also with the fields ``known`` known as at the period's end
    (``("category",)`` for the figures by category). Which rows count depends neither on the
    extension policy nor on the response-deadline reading, so the defaults are used."""
    c = _Cases(cases, _Slots(period), _Options("good_reason", "from_earlier", LocalTargets().model_dump()), code,
               period.end)
    also = c.known.known(*known)
    return Stage1Rows(received=c.stage1_received() & also, responded=c.responded(c.stage1) & also)


def count_values(values: pd.Series, order: tuple[str, ...] | None = None) -> dict[str, int]:
    """Counts by value as the figures give them: a blank value counts under none; in ``order``
    when given (every one, zeros too), else largest first, then by name."""
    return _counts(values, order)


def landlord_statistics(log: CaseLog, landlord: Landlord, period: Period, code: str) -> CaseStatistics:
    """:func:`case_statistics` of a landlord's case log with the settings of its configuration."""
    config = landlord.config
    stats = case_statistics(
        log.cases, period, landlord.homes, extension_policy=config.extension_policy,
        response_deadline=config.response_deadline, local_targets=config.local_targets,
        service_requests=config.service_requests.get(period.id), excluded_rows=log.excluded_rows,
        rows_read=log.rows_read, code=code,
    )
    return replace(stats, optional_columns=log.optional_columns)
