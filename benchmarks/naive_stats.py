"""The case statistics computed the plain way: one Python loop over the cases, one at a time.

This is the "naive alternative" the benchmark measures :func:`audit_lib.stats.engine.case_statistics`
against, and an independent cross-check of the definitions. It is written from the written
definitions (the module docstring and ``figure_definitions()`` of :mod:`audit_lib.stats.definitions`, the field
comments of ``CaseStatistics`` and the hand-worked cases in ``tests/test_stats.py``), not
from the vectorised code: no pandas or numpy arithmetic, only ``datetime.date`` values, a
set of England and Wales bank holidays from the ``holidays`` package, and a working-day
counter that steps one calendar day at a time. Only the outcome vocabularies are shared with
the product (:mod:`audit_lib.cases.schema`, plain data).

Readings of the definitions used here, where the text leaves a choice:

* a complaint is *accepted* when it has no ``refused_reason``; refused complaints have no
  stage 1 or stage 2 steps or deadlines, and count only in ``refused``,
  ``refused_by_reason`` and complaint failure orders;
* an accepted complaint always has an acknowledgement step at stage 1 (and at stage 2 once
  escalation is requested), withdrawn or not; it has a response step unless it was withdrawn
  and no response date is recorded (a withdrawal is not a missed response);
* the *final response* is the stage 2 response where there is one, else the stage 1
  response; Ombudsman determinations and compensation belong to the window of the final
  response;
* a withdrawal has no date of its own in the log, so a complaint recorded as withdrawn is
  not open at the period end;
* local targets follow the same rules with the landlord's numbers of days: the local
  response deadline counts from the acknowledgement, or while none is recorded from the
  local acknowledgement deadline (the Code's when there is no local one), plus the same
  allowed extension;
* complaint failure orders are counted by the date the complaint was received, whether or
  not it was accepted;
* ageing counts working days from receipt at stage 1 and from the escalation request at
  stage 2; channels and reasonable adjustments are about the stage 1 complaints received in
  the year (a flag is any value but a "no" word); the same handler at both stages is counted
  over escalations requested in the year with both handlers recorded, ignoring case.

``naive_statistics(...)`` returns the same mapping as ``CaseStatistics.to_json()`` except
``definitions`` (prose, not figures).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import holidays

from audit_lib.cases.schema import OMBUDSMAN_OUTCOMES, OUTCOMES

ONE_DAY = dt.timedelta(days=1)
#: England and Wales bank holidays (with substitute days), as a plain set of dates; filled by
#: :func:`naive_statistics` on its first call, so building it is part of the loop's time.
BANK_HOLIDAYS: set[dt.date] = set()

ACK_DAYS = {1: 5, 2: 5}
RESPOND_DAYS = {1: 10, 2: 20}
EXTENSION_LIMIT = {1: 10, 2: 20}
FAULT = ("severe maladministration", "maladministration", "service failure")
MERITS = FAULT + ("reasonable redress", "no maladministration")
NO_VALUES = ("", "n", "no", "false", "0", "none", "-")
DATE_FIELDS = ("received", "stage1_acknowledged", "stage1_responded",
               "stage2_requested", "stage2_acknowledged", "stage2_responded")


# --- working days, one day at a time -----------------------------------------------------

def load_bank_holidays() -> set[dt.date]:
    if not BANK_HOLIDAYS:
        BANK_HOLIDAYS.update(holidays.country_holidays("GB", subdiv="ENG", years=range(2000, 2041)))
    return BANK_HOLIDAYS


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in BANK_HOLIDAYS


def roll_forward(day: dt.date) -> dt.date:
    """An event on a weekend or bank holiday counts as happening on the next working day."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The date ``n`` working days after ``day`` (day 0 is ``day``, rolled forward)."""
    if not BANK_HOLIDAYS:
        load_bank_holidays()
    day = roll_forward(day)
    for _ in range(n):
        day += ONE_DAY
        while not is_working_day(day):
            day += ONE_DAY
    return day


def working_days_since(start: dt.date, end: dt.date) -> int:
    """Working days from ``start`` to ``end``, both rolled forward (0 when the same working day)."""
    if not BANK_HOLIDAYS:
        load_bank_holidays()
    day, last, count = roll_forward(start), roll_forward(end), 0
    while day < last:
        day += ONE_DAY
        while not is_working_day(day):
            day += ONE_DAY
        count += 1
    return count


# --- rounding ------------------------------------------------------------------------------

def percent(numerator: int, denominator: int) -> float | None:
    """Per cent with one decimal, half up, in integer arithmetic."""
    if not denominator:
        return None
    return ((2000 * numerator + denominator) // (2 * denominator)) / 10


def per_thousand(count: int, homes: int) -> float | None:
    if not homes:
        return None
    return ((20000 * count + homes) // (2 * homes)) / 10


# --- one window's counters --------------------------------------------------------------

RATE_NAMES = ("stage1_ack", "stage1_ack_local", "stage1_response", "stage1_response_local",
              "stage2_ack", "stage2_ack_local", "stage2_response", "stage2_response_local")
COUNT_NAMES = ("stage1_received", "stage2_received", "refused", "stage1_responded", "stage1_responded_on_time",
               "stage1_extended", "stage1_extended_beyond_limit", "stage2_responded", "stage2_responded_on_time",
               "stage2_extended", "stage2_extended_beyond_limit", "ombudsman_determinations",
               "complaint_failure_orders")


class Tally:
    """The counters of one window (a quarter or the year)."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        self.start, self.end = start, end
        self.counts = dict.fromkeys(COUNT_NAMES, 0)
        self.rates = {name: [0, 0] for name in RATE_NAMES}  # [on time, total]

    def has(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def step(self, name: str, done: dt.date | None, due: dt.date) -> None:
        """Count one step: done in the window (on time or late), or due in the window and
        still not done by the window's last day."""
        rate = self.rates[name]
        if self.has(done):
            rate[1] += 1
            if done <= due:
                rate[0] += 1
        elif self.has(due) and (done is None or done > self.end):
            rate[1] += 1


def _day(value: object) -> dt.date | None:
    """A cell of a date column as a ``datetime.date`` (None when blank)."""
    if value is None or value != value:  # None, NaT or NaN
        return None
    return dt.date(value.year, value.month, value.day)


def _sorted_counts(counter: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _period_windows(period: object) -> tuple[str, int, list[tuple[str, dt.date, dt.date]], tuple[dt.date, dt.date]]:
    period_id = str(getattr(period, "id", period))
    y = int(period_id[:4])
    quarters = [
        ("Q1", dt.date(y, 4, 1), dt.date(y, 6, 30)),
        ("Q2", dt.date(y, 7, 1), dt.date(y, 9, 30)),
        ("Q3", dt.date(y, 10, 1), dt.date(y, 12, 31)),
        ("Q4", dt.date(y + 1, 1, 1), dt.date(y + 1, 3, 31)),
    ]
    return period_id, y, quarters, (dt.date(y, 4, 1), dt.date(y + 1, 3, 31))


def _local(local_targets: object) -> dict[str, int | None]:
    names = ("stage1_acknowledge", "stage1_respond", "stage2_acknowledge", "stage2_respond")
    if local_targets is None:
        return dict.fromkeys(names)
    if isinstance(local_targets, dict):
        return {n: local_targets.get(n) for n in names}
    return {n: getattr(local_targets, n) for n in names}


def _allowed(days: int, stage: int, policy: str) -> int:
    if policy == "none":
        return 0
    if policy == "full":
        return days
    if policy == "code_limit":
        return min(days, EXTENSION_LIMIT[stage])
    raise ValueError(f"unknown extension policy {policy!r}")


def naive_statistics(
    cases,
    period,
    homes: int,
    *,
    extension_policy: str = "code_limit",
    local_targets=None,
    service_requests: dict[str, int] | None = None,
    excluded_rows: int = 0,
) -> dict[str, object]:
    """Every figure of ``CaseStatistics.to_json()`` (bar ``definitions``), one case at a time.

    ``cases`` is a validated case log's usable cases (a DataFrame); it is only read row by
    row as dicts.
    """
    load_bank_holidays()
    period_id, _, quarter_bounds, (year_start, year_end) = _period_windows(period)
    local = _local(local_targets)
    columns = set(cases.columns)
    has_cfo = "complaint_failure_order" in columns
    has_channel = "channel" in columns
    flag_columns = [c for c in ("reasonable_adjustment", "vulnerability") if c in columns]
    has_handlers = "stage1_handler" in columns and "stage2_handler" in columns

    quarters = {name: Tally(start, end) for name, start, end in quarter_bounds}
    year = Tally(year_start, year_end)
    windows = [*quarters.values(), year]

    refused_by_reason: dict[str, int] = {}
    categories: dict[str, int] = {}
    channels: dict[str, int] = {}
    stage1_outcomes = dict.fromkeys(OUTCOMES, 0)
    stage2_outcomes = dict.fromkeys(OUTCOMES, 0)
    ombudsman = dict.fromkeys(OMBUDSMAN_OUTCOMES, 0)
    withdrawn_before_response = 0
    compensation_cases = 0
    compensation_total = Decimal(0)
    adjustments = 0
    same_handler = 0
    open_counts = {"stage1_open": 0, "stage1_overdue": 0, "stage2_open": 0, "stage2_overdue": 0}
    ageing = {1: {"0-10": 0, "11-20": 0, "21-40": 0, "41+": 0}, 2: {"0-10": 0, "11-20": 0, "21-40": 0, "41+": 0}}
    rows = 0

    for case in cases.to_dict("records"):
        rows += 1
        received, ack1, resp1, req2, ack2, resp2 = (_day(case[f]) for f in DATE_FIELDS)
        refused = case["refused_reason"] != ""
        ext1, ext2 = int(case["stage1_extension_days"]), int(case["stage2_extension_days"])
        out1, out2 = case["stage1_outcome"], case["stage2_outcome"]
        hos = case["ombudsman_outcome"]
        cfo = has_cfo and case["complaint_failure_order"] != ""

        if refused:
            for w in windows:
                if w.has(received):
                    w.counts["refused"] += 1
                    if cfo:
                        w.counts["complaint_failure_orders"] += 1
            if year.has(received):
                reason = case["refused_reason"]
                refused_by_reason[reason] = refused_by_reason.get(reason, 0) + 1
            continue

        # deadlines of an accepted complaint
        ack1_due = add_working_days(received, ACK_DAYS[1])
        resp1_due = add_working_days(ack1 or ack1_due, RESPOND_DAYS[1] + _allowed(ext1, 1, extension_policy))
        ack1_due_local = resp1_due_local = None
        if local["stage1_acknowledge"]:
            ack1_due_local = add_working_days(received, local["stage1_acknowledge"])
        if local["stage1_respond"]:
            base = ack1 or (ack1_due_local if ack1_due_local else ack1_due)
            resp1_due_local = add_working_days(base, local["stage1_respond"] + _allowed(ext1, 1, extension_policy))
        escalated = req2 is not None
        ack2_due = resp2_due = ack2_due_local = resp2_due_local = None
        if escalated:
            ack2_due = add_working_days(req2, ACK_DAYS[2])
            resp2_due = add_working_days(ack2 or ack2_due, RESPOND_DAYS[2] + _allowed(ext2, 2, extension_policy))
            if local["stage2_acknowledge"]:
                ack2_due_local = add_working_days(req2, local["stage2_acknowledge"])
            if local["stage2_respond"]:
                base = ack2 or (ack2_due_local if ack2_due_local else ack2_due)
                resp2_due_local = add_working_days(base, local["stage2_respond"] + _allowed(ext2, 2, extension_policy))
        response1_expected = not (out1 == "withdrawn" and resp1 is None)
        response2_expected = escalated and not (out2 == "withdrawn" and resp2 is None)
        final = resp2 if resp2 is not None else resp1

        for w in windows:
            c = w.counts
            if w.has(received):
                c["stage1_received"] += 1
                if cfo:
                    c["complaint_failure_orders"] += 1
            w.step("stage1_ack", ack1, ack1_due)
            if ack1_due_local is not None:
                w.step("stage1_ack_local", ack1, ack1_due_local)
            if response1_expected:
                w.step("stage1_response", resp1, resp1_due)
                if resp1_due_local is not None:
                    w.step("stage1_response_local", resp1, resp1_due_local)
            if w.has(resp1):
                c["stage1_responded"] += 1
                if resp1 <= resp1_due:
                    c["stage1_responded_on_time"] += 1
                if ext1 > 0:
                    c["stage1_extended"] += 1
                if ext1 > EXTENSION_LIMIT[1]:
                    c["stage1_extended_beyond_limit"] += 1
            if escalated:
                if w.has(req2):
                    c["stage2_received"] += 1
                w.step("stage2_ack", ack2, ack2_due)
                if ack2_due_local is not None:
                    w.step("stage2_ack_local", ack2, ack2_due_local)
                if response2_expected:
                    w.step("stage2_response", resp2, resp2_due)
                    if resp2_due_local is not None:
                        w.step("stage2_response_local", resp2, resp2_due_local)
                if w.has(resp2):
                    c["stage2_responded"] += 1
                    if resp2 <= resp2_due:
                        c["stage2_responded_on_time"] += 1
                    if ext2 > 0:
                        c["stage2_extended"] += 1
                    if ext2 > EXTENSION_LIMIT[2]:
                        c["stage2_extended_beyond_limit"] += 1
            if hos != "" and w.has(final):
                c["ombudsman_determinations"] += 1

        # the year's breakdowns
        if year.has(received):
            category = case["category"]
            if category != "":
                categories[category] = categories.get(category, 0) + 1
            if has_channel and case["channel"] != "":
                channels[case["channel"]] = channels.get(case["channel"], 0) + 1
            if any(str(case[f]).strip().lower() not in NO_VALUES for f in flag_columns):
                adjustments += 1
            if out1 == "withdrawn" and (resp1 is None or resp1 > year_end):
                withdrawn_before_response += 1
        if year.has(resp1) and out1 in stage1_outcomes:
            stage1_outcomes[out1] += 1
        if escalated and year.has(resp2) and out2 in stage2_outcomes:
            stage2_outcomes[out2] += 1
        if year.has(final):
            if hos in ombudsman:
                ombudsman[hos] += 1
            amount = case["compensation"]
            if amount > 0:
                compensation_cases += 1
            compensation_total += Decimal(repr(float(amount)))
        if has_handlers and escalated and year.has(req2):
            h1, h2 = case["stage1_handler"], case["stage2_handler"]
            if h1 != "" and h2 != "" and h1.casefold() == h2.casefold():
                same_handler += 1

        # open at the period end
        if received <= year_end and not (resp1 is not None and resp1 <= year_end) and out1 != "withdrawn":
            open_counts["stage1_open"] += 1
            if resp1_due <= year_end:
                open_counts["stage1_overdue"] += 1
            _band(ageing[1], working_days_since(received, year_end))
        if escalated and req2 <= year_end and not (resp2 is not None and resp2 <= year_end) and out2 != "withdrawn":
            open_counts["stage2_open"] += 1
            if resp2_due <= year_end:
                open_counts["stage2_overdue"] += 1
            _band(ageing[2], working_days_since(req2, year_end))

    sr = service_requests or {}
    year_sr = sr.get("year", sum(v for k, v in sr.items() if k != "year") if sr else None)
    fault = sum(ombudsman[k] for k in FAULT)
    merits = sum(ombudsman[k] for k in MERITS)
    return {
        "period": period_id,
        "homes": homes,
        **_window_json(year, year_sr, local, has_cfo),
        "tsm_ch01_stage1_per_1000": per_thousand(year.counts["stage1_received"], homes),
        "tsm_ch01_stage2_per_1000": per_thousand(year.counts["stage2_received"], homes),
        "escalation_rate_pct": percent(year.counts["stage2_received"], year.counts["stage1_responded"]),
        "maladministration_rate_pct": percent(fault, merits),
        "refused_by_reason": _sorted_counts(refused_by_reason),
        "stage1_outcomes": stage1_outcomes,
        "stage2_outcomes": stage2_outcomes,
        "withdrawn_before_response": withdrawn_before_response,
        "categories": _sorted_counts(categories),
        "ombudsman_outcomes": ombudsman,
        "compensation_cases": compensation_cases,
        "compensation_total": float(compensation_total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
        "open_at_period_end": {**open_counts, "stage1_ageing": ageing[1], "stage2_ageing": ageing[2]},
        "channels": _sorted_counts(channels) if has_channel else None,
        "reasonable_adjustments": adjustments if flag_columns else None,
        "stage2_same_handler": same_handler if has_handlers else None,
        "quarters": {name: _window_json(q, sr.get(name), local, has_cfo) for name, q in quarters.items()},
        "extension_policy": extension_policy,
        "local_targets": {k: v for k, v in local.items() if v},
        "excluded_rows": excluded_rows,
        "rows_used": rows,
    }


def _band(bands: dict[str, int], days: int) -> None:
    if days <= 10:
        bands["0-10"] += 1
    elif days <= 20:
        bands["11-20"] += 1
    elif days <= 40:
        bands["21-40"] += 1
    else:
        bands["41+"] += 1


def _window_json(w: Tally, service_requests: int | None, local: dict[str, int | None], has_cfo: bool) -> dict[str, object]:
    def rate(name: str, target: str | None = None) -> dict[str, object] | None:
        if target is not None and not local[target]:
            return None
        on_time, total = w.rates[name]
        return {"on_time": on_time, "total": total, "late": total - on_time, "pct": percent(on_time, total)}

    c = w.counts
    return {
        "stage1_received": c["stage1_received"],
        "stage2_received": c["stage2_received"],
        "refused": c["refused"],
        "service_requests": service_requests,
        "stage1_ack_on_time_pct": percent(*w.rates["stage1_ack"]),
        "stage1_ack": rate("stage1_ack"),
        "stage1_ack_local": rate("stage1_ack_local", "stage1_acknowledge"),
        "stage1_response": rate("stage1_response"),
        "stage1_response_local": rate("stage1_response_local", "stage1_respond"),
        "stage1_responded": c["stage1_responded"],
        "stage1_responded_on_time": c["stage1_responded_on_time"],
        "tsm_ch02_stage1_pct": percent(c["stage1_responded_on_time"], c["stage1_responded"]),
        "stage1_extended": c["stage1_extended"],
        "stage1_extended_beyond_limit": c["stage1_extended_beyond_limit"],
        "stage2_ack_on_time_pct": percent(*w.rates["stage2_ack"]),
        "stage2_ack": rate("stage2_ack"),
        "stage2_ack_local": rate("stage2_ack_local", "stage2_acknowledge"),
        "stage2_response": rate("stage2_response"),
        "stage2_response_local": rate("stage2_response_local", "stage2_respond"),
        "stage2_responded": c["stage2_responded"],
        "stage2_responded_on_time": c["stage2_responded_on_time"],
        "tsm_ch02_stage2_pct": percent(c["stage2_responded_on_time"], c["stage2_responded"]),
        "stage2_extended": c["stage2_extended"],
        "stage2_extended_beyond_limit": c["stage2_extended_beyond_limit"],
        "ombudsman_determinations": c["ombudsman_determinations"],
        "complaint_failure_orders": c["complaint_failure_orders"] if has_cfo else None,
    }


def differences(expected: object, actual: object, path: str = "") -> list[str]:
    """Where two figure mappings differ, as ``path: expected != actual`` lines."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key in sorted(set(expected) | set(actual), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in expected:
                out.append(f"{where}: missing on the left")
            elif key not in actual:
                out.append(f"{where}: missing on the right")
            else:
                out.extend(differences(expected[key], actual[key], where))
        return out
    if type(expected) is not type(actual) and not (isinstance(expected, (int, float)) and isinstance(actual, (int, float))
                                                   and not isinstance(expected, bool) and not isinstance(actual, bool)):
        return [f"{path}: {expected!r} ({type(expected).__name__}) != {actual!r} ({type(actual).__name__})"]
    return [] if expected == actual else [f"{path}: {expected!r} != {actual!r}"]


def compare(vectorised_json: dict[str, object], naive_json: dict[str, object]) -> list[str]:
    """Differences between ``CaseStatistics.to_json()`` and :func:`naive_statistics`; figures only."""
    figures = {k: v for k, v in vectorised_json.items() if k != "definitions"}
    return differences(figures, naive_json)
