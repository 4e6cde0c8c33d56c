"""The case statistics computed the plain way: one Python loop over the cases, one at a time.

This is the "naive alternative" the benchmark measures :func:`audit_lib.stats.engine.case_statistics`
against, and an independent cross-check of the definitions. It is written from the written
definitions (``docs/figures.md``, "What the figures mean", and the key names of
``CaseStatistics.to_json()``), not from the vectorised code: no pandas or numpy arithmetic,
only ``datetime.date`` values, a set of England and Wales bank holidays from the ``holidays``
package, and a working-day counter that steps one calendar day at a time. Only the outcome
vocabularies are shared with the product (:mod:`audit_lib.cases.schema`, plain data).

Everything is as at the period's last day E: a date after E is read as blank (the step is not
done, the escalation not requested, the complaint not received), so nothing dated after E can
change a figure of the period.

Readings of the definitions used here, where the text leaves a choice:

* a complaint is *accepted* when it has no ``refused_reason``; refused complaints have no
  stage 1 or stage 2 steps or deadlines, and count only in ``refused``,
  ``refused_by_reason`` and complaint failure orders (by the date received, accepted or not);
* an accepted complaint received by E has an acknowledgement step and a response step at
  stage 1, and the same two at stage 2 once escalation is requested by E; a stage 2 response
  or acknowledgement of a complaint with no escalation request dated by E belongs to no
  figure; the response step does not apply to a complaint recorded as withdrawn (at that
  stage) unless its response is dated on or before E; the acknowledgement step always applies;
* acknowledgement due: the Code's 5 working days after the start (receipt, escalation
  request); response due: the Code's 10 / 20 working days plus the allowed extension after
  the *base*: ``from_earlier`` (default) the earlier of the acknowledgement made by E and
  the acknowledgement due day, ``from_acknowledgement`` the acknowledgement made by E, and
  under both the acknowledgement due day while none is made by E;
* allowed extension: ``good_reason`` (default) the recorded days up to the Code's limit, all
  of them where the good-reason flag is "yes" ("no", blank or anything else is no good
  reason); ``code_limit`` up to the limit; ``full`` all; ``none`` none;
* local targets: the local acknowledgement deadline is the local number of days after the
  start; the local response deadline is the local number of days plus the same allowed
  extension after the local base: the earlier of the acknowledgement made by E and the local
  acknowledgement due day (the Code's acknowledgement due day without a local acknowledgement
  target), or under ``from_acknowledgement`` the acknowledgement made by E, and while none is
  made, that same local (or Code's) acknowledgement due day;
* each step of the period counts in the window it was done in (done = dated on or before E),
  or when not done by E, in the window its deadline fell in (no window of the period when the
  deadline is after E or before the period's start); it is on time when done on or before its
  deadline, late otherwise (a step not done by E is late); the year is a window, so each step
  counts in one quarter and in the year;
* responses issued, CH02 and extensions are the response steps done in the window (a response
  dated on or before E always has its step); "beyond the limit with a reason" is a good-reason
  flag "yes", "without" anything else; extensions are counted whatever the extension policy;
* outcomes: responses dated in the year; the outcome ``""`` (or any word not in the Code's
  vocabulary) is "not recorded"; a withdrawn complaint with a response counts as withdrawn;
* open at E: received (escalation requested) by E, no response by E, not recorded as
  withdrawn at that stage; overdue when the response deadline (worked out as above) is on or
  before E; ageing counts working days from the start to E, each rolled forward to a working
  day when it falls on a weekend or bank holiday (0 when the same working day);
* withdrawn before a response: accepted, received in the year, stage 1 outcome withdrawn, no
  stage 1 response dated on or before E (a response dated after E does not count);
* the final response as at E is the stage 2 response where escalation was requested by E
  (none when that response is not dated by E: the complaint then has no final response in the
  period, even though it has a stage 1 response), else the stage 1 response; Ombudsman
  determinations (any non-blank Ombudsman outcome, "not recorded" included) are counted in
  the windows of the final response, and by outcome in the year (an outcome not in the
  Ombudsman's vocabulary as "not recorded"); compensation counts in the year of the final
  response (cases with an amount above zero, and the total);
* categories (blank category not counted), channels (blank channel not counted) and
  reasonable adjustments (either flag any value but a "no" word) are about the accepted
  complaints received in the year; the same handler at both stages is counted over
  escalations requested in the year with both handlers recorded, ignoring case;
* upheld without a remedy: complaints with an "upheld" or "partly upheld" outcome at either
  stage whose response is dated in the year, with a compensation amount not above zero and
  no remedy recorded (the loader keeps only whether the remedy column says anything), counted
  once each; kept out when any outcome field of either stage, the compensation or the remedy
  is unknown;
* a complaint whose field is unknown (named in the ``unknown`` column, as ``field`` in every
  period or ``field@yyyy-mm-dd`` in periods ending on or after that day) is kept out of every
  figure that needs it, following the table "Which figures need which fields" of
  ``docs/figures.md`` (:data:`FIGURE_FIELDS` below); the good-reason flag is needed by the
  response figures only where the recorded extension days exceed the Code's limit, and then
  whatever the extension policy; the local on-time rates need the same fields as the Code's.

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
EXTENSION_POLICIES = ("good_reason", "code_limit", "full", "none")
RESPONSE_DEADLINES = ("from_earlier", "from_acknowledgement")
NOT_RECORDED = "not recorded"
FAULT = ("severe maladministration", "maladministration", "service failure")
MERITS = FAULT + ("reasonable redress", "no maladministration")
NO_VALUES = ("", "n", "no", "false", "0", "none", "-")
DATE_FIELDS = ("received", "stage1_acknowledged", "stage1_responded",
               "stage2_requested", "stage2_acknowledged", "stage2_responded")
START = {1: "received", 2: "stage2_requested"}


#: The table "Which figures need which fields" of docs/figures.md, stage by stage (the
#: response figures also need ``stageN_extension_good_reason`` where the days exceed the limit).
FIGURE_FIELDS: dict[str, tuple[str, ...]] = {
    **{f"stage{n}_received": (START[n],) for n in (1, 2)},
    **{f"stage{n}_ack": (START[n], f"stage{n}_acknowledged") for n in (1, 2)},
    **{f"stage{n}_response": (START[n], f"stage{n}_acknowledged", f"stage{n}_responded",
                              f"stage{n}_extension_days", f"stage{n}_outcome") for n in (1, 2)},
    **{f"stage{n}_open": (START[n], f"stage{n}_responded", f"stage{n}_outcome") for n in (1, 2)},
    **{f"stage{n}_outcomes": (START[n], f"stage{n}_responded", f"stage{n}_outcome") for n in (1, 2)},
    "refused_by_reason": ("refused_reason",),
    "withdrawn_before_response": ("stage1_responded", "stage1_outcome"),
    "ombudsman": ("stage1_responded", "stage2_requested", "stage2_responded", "ombudsman_outcome"),
    "compensation": ("stage1_responded", "stage2_requested", "stage2_responded", "compensation"),
    "categories": ("category",),
    "channels": ("channel",),
    "reasonable_adjustments": ("reasonable_adjustment", "vulnerability"),
    "same_handler": ("stage2_requested", "stage1_handler", "stage2_handler"),
    "complaint_failure_orders": ("complaint_failure_order",),
    "upheld_without_remedy": ("stage1_responded", "stage1_outcome", "stage2_requested", "stage2_responded",
                              "stage2_outcome", "compensation", "remedy"),
}


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
COUNT_NAMES = ("stage1_received", "stage2_received", "refused", "ombudsman_determinations",
               "complaint_failure_orders",
               *(f"stage{n}_{name}" for n in (1, 2) for name in (
                   "responded", "responded_on_time", "extended", "extended_beyond_limit",
                   "extended_beyond_limit_with_reason", "extended_beyond_limit_without_reason")))


class Tally:
    """The counters of one window (a quarter or the year)."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        self.start, self.end = start, end
        self.counts = dict.fromkeys(COUNT_NAMES, 0)
        self.rates = {name: [0, 0] for name in RATE_NAMES}  # [on time, total]

    def has(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def step(self, name: str, done: dt.date | None, due: dt.date) -> None:
        """Count one step in this window if it counts here: ``done`` (already None when not
        done by the period's end) in the window, or not done and ``due`` in the window."""
        counted_on = done if done is not None else due
        if self.has(counted_on):
            rate = self.rates[name]
            rate[1] += 1
            if done is not None and done <= due:
                rate[0] += 1


def _day(value: object) -> dt.date | None:
    """A cell of a date column as a ``datetime.date`` (None when blank)."""
    if value is None or value != value:  # None, NaT or NaN
        return None
    return dt.date(value.year, value.month, value.day)


def _text(value: object) -> str:
    """A text cell as a string ("" when blank, None or NaN)."""
    if value is None or value != value:
        return ""
    return str(value)


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


def allowed_extension(days: int, stage: int, policy: str, good_reason: bool) -> int:
    """The working days of a recorded extension that count towards the response deadline."""
    if policy == "none":
        return 0
    if policy == "full":
        return days
    if policy == "code_limit":
        return min(days, EXTENSION_LIMIT[stage])
    if policy == "good_reason":
        return days if good_reason else min(days, EXTENSION_LIMIT[stage])
    raise ValueError(f"unknown extension policy {policy!r}; expected one of {EXTENSION_POLICIES}")


def response_base(acknowledged: dt.date | None, ack_due: dt.date, rule: str) -> dt.date:
    """The day a response deadline counts from, given the acknowledgement made by the period's end."""
    if acknowledged is None:
        return ack_due
    if rule == "from_earlier":
        return min(acknowledged, ack_due)
    if rule == "from_acknowledgement":
        return acknowledged
    raise ValueError(f"unknown response deadline {rule!r}; expected one of {RESPONSE_DEADLINES}")


def naive_statistics(
    cases,
    period,
    homes: int,
    *,
    extension_policy: str = "good_reason",
    response_deadline: str = "from_earlier",
    local_targets=None,
    service_requests: dict[str, int] | None = None,
    excluded_rows: int = 0,
) -> dict[str, object]:
    """Every figure of ``CaseStatistics.to_json()`` (bar ``definitions``), one case at a time.

    ``cases`` is a validated case log's complaints (a DataFrame, one row per complaint); it is
    only read row by row as dicts.
    """
    if extension_policy not in EXTENSION_POLICIES:
        raise ValueError(f"unknown extension policy {extension_policy!r}; expected one of {EXTENSION_POLICIES}")
    if response_deadline not in RESPONSE_DEADLINES:
        raise ValueError(f"unknown response deadline {response_deadline!r}; expected one of {RESPONSE_DEADLINES}")
    load_bank_holidays()
    period_id, _, quarter_bounds, (year_start, year_end) = _period_windows(period)
    end = year_end  # every figure is as at this day

    def as_at(day: dt.date | None) -> dt.date | None:
        return day if day is not None and day <= end else None

    local = _local(local_targets)
    columns = set(cases.columns)
    has_cfo = "complaint_failure_order" in columns
    has_channel = "channel" in columns
    flag_columns = [c for c in ("reasonable_adjustment", "vulnerability") if c in columns]
    has_handlers = "stage1_handler" in columns and "stage2_handler" in columns
    has_unknown = "unknown" in columns
    has_remedy = "remedy" in columns

    quarters = {name: Tally(start, stop) for name, start, stop in quarter_bounds}
    year = Tally(year_start, year_end)
    windows = [*quarters.values(), year]

    refused_by_reason: dict[str, int] = {}
    categories: dict[str, int] = {}
    channels: dict[str, int] = {}
    outcomes = {n: dict.fromkeys((*OUTCOMES, NOT_RECORDED), 0) for n in (1, 2)}
    ombudsman = dict.fromkeys((*OMBUDSMAN_OUTCOMES, NOT_RECORDED), 0)
    withdrawn_before_response = 0
    compensation_cases = 0
    compensation_total = Decimal(0)
    adjustments = 0
    same_handler = 0
    upheld_without_remedy = 0
    open_counts = {"stage1_open": 0, "stage1_overdue": 0, "stage2_open": 0, "stage2_overdue": 0}
    ageing = {n: {"0-10": 0, "11-20": 0, "21-40": 0, "41+": 0} for n in (1, 2)}
    complaints = 0

    for case in cases.to_dict("records"):
        complaints += 1
        unknown = set()
        for token in (_text(case["unknown"]).split() if has_unknown else []):
            # "field" is unknown in every period; "field@yyyy-mm-dd" only in periods ending that day or later
            name, _, since = token.partition("@")
            if not since or dt.date.fromisoformat(since) <= end:
                unknown.add(name)

        def known(*fields: str, unknown: set[str] = unknown) -> bool:
            return unknown.isdisjoint(fields)

        received = _day(case["received"])
        refused = _text(case["refused_reason"]) != ""
        cfo = has_cfo and known(*FIGURE_FIELDS["complaint_failure_orders"]) \
            and _text(case["complaint_failure_order"]) != ""

        if refused:
            for w in windows:
                if w.has(received):
                    w.counts["refused"] += 1
                    if cfo:
                        w.counts["complaint_failure_orders"] += 1
            if year.has(received) and known(*FIGURE_FIELDS["refused_by_reason"]):
                reason = _text(case["refused_reason"])
                refused_by_reason[reason] = refused_by_reason.get(reason, 0) + 1
            continue

        # each stage's dates as at the period's end (a date after it is read as blank)
        dates = {f: as_at(_day(case[f])) for f in DATE_FIELDS}
        start = {1: dates["received"], 2: dates["stage2_requested"]}
        for w in windows:
            if w.has(received) and cfo:
                w.counts["complaint_failure_orders"] += 1

        upheld = False
        for n in (1, 2):
            begun = start[n]
            if begun is None or not known(START[n]):
                continue  # not received (escalated) by the period's end, or the start unknown
            acknowledged = dates[f"stage{n}_acknowledged"]
            responded = dates[f"stage{n}_responded"]
            outcome = _text(case[f"stage{n}_outcome"])
            days = int(case[f"stage{n}_extension_days"])
            good_reason = _text(case.get(f"stage{n}_extension_good_reason", "")).strip().lower() == "yes"
            for w in windows:
                if w.has(begun):
                    w.counts[f"stage{n}_received"] += 1

            # the acknowledgement step
            ack_due = add_working_days(begun, ACK_DAYS[n])
            local_ack_due = None
            if local[f"stage{n}_acknowledge"]:
                local_ack_due = add_working_days(begun, local[f"stage{n}_acknowledge"])
            if known(*FIGURE_FIELDS[f"stage{n}_ack"]):
                for w in windows:
                    w.step(f"stage{n}_ack", acknowledged, ack_due)
                    if local_ack_due is not None:
                        w.step(f"stage{n}_ack_local", acknowledged, local_ack_due)

            # the response step, its responses issued and extensions; open and overdue at the end
            response_fields = FIGURE_FIELDS[f"stage{n}_response"]
            if days > EXTENSION_LIMIT[n]:
                response_fields += (f"stage{n}_extension_good_reason",)
            due = None
            withdrawn = outcome == "withdrawn"
            if known(*response_fields):
                extra = allowed_extension(days, n, extension_policy, good_reason)
                due = add_working_days(response_base(acknowledged, ack_due, response_deadline),
                                       RESPOND_DAYS[n] + extra)
                local_due = None
                if local[f"stage{n}_respond"]:
                    local_base = response_base(acknowledged, local_ack_due or ack_due, response_deadline)
                    local_due = add_working_days(local_base, local[f"stage{n}_respond"] + extra)
                if responded is not None or not withdrawn:
                    for w in windows:
                        w.step(f"stage{n}_response", responded, due)
                        if local_due is not None:
                            w.step(f"stage{n}_response_local", responded, local_due)
                for w in windows:
                    if not w.has(responded):
                        continue
                    c = w.counts
                    c[f"stage{n}_responded"] += 1
                    if responded <= due:
                        c[f"stage{n}_responded_on_time"] += 1
                    if days > 0:
                        c[f"stage{n}_extended"] += 1
                    if days > EXTENSION_LIMIT[n]:
                        c[f"stage{n}_extended_beyond_limit"] += 1
                        reason = "with_reason" if good_reason else "without_reason"
                        c[f"stage{n}_extended_beyond_limit_{reason}"] += 1
            if known(*FIGURE_FIELDS[f"stage{n}_open"]) and responded is None and not withdrawn:
                open_counts[f"stage{n}_open"] += 1
                if due is not None and due <= end:  # overdue needs the deadline's fields too
                    open_counts[f"stage{n}_overdue"] += 1
                _band(ageing[n], working_days_since(begun, end))

            # outcomes of the responses in the year
            if known(*FIGURE_FIELDS[f"stage{n}_outcomes"]) and year.has(responded):
                outcomes[n][outcome if outcome in OUTCOMES else NOT_RECORDED] += 1
                upheld = upheld or outcome in ("upheld", "partly upheld")
        remedy = has_remedy and _text(case["remedy"]) != ""
        if upheld and known(*FIGURE_FIELDS["upheld_without_remedy"]) and not (
                float(case["compensation"]) > 0 or remedy):
            upheld_without_remedy += 1

        # the final response as at the period's end: Ombudsman determinations and compensation
        final = dates["stage2_responded"] if start[2] is not None else dates["stage1_responded"]
        hos = _text(case["ombudsman_outcome"])
        if hos != "" and known(*FIGURE_FIELDS["ombudsman"]):
            for w in windows:
                if w.has(final):
                    w.counts["ombudsman_determinations"] += 1
            if year.has(final):
                ombudsman[hos if hos in OMBUDSMAN_OUTCOMES else NOT_RECORDED] += 1
        if known(*FIGURE_FIELDS["compensation"]) and year.has(final):
            amount = float(case["compensation"])
            if amount > 0:
                compensation_cases += 1
            compensation_total += Decimal(repr(amount))

        # the year's breakdowns of the stage 1 complaints received in it
        if year.has(received):
            category = _text(case["category"])
            if category != "" and known(*FIGURE_FIELDS["categories"]):
                categories[category] = categories.get(category, 0) + 1
            channel = _text(case["channel"]) if has_channel else ""
            if channel != "" and known(*FIGURE_FIELDS["channels"]):
                channels[channel] = channels.get(channel, 0) + 1
            if known(*FIGURE_FIELDS["reasonable_adjustments"]) and any(
                    _text(case[f]).strip().lower() not in NO_VALUES for f in flag_columns):
                adjustments += 1
            if (known(*FIGURE_FIELDS["withdrawn_before_response"]) and _text(case["stage1_outcome"]) == "withdrawn"
                    and dates["stage1_responded"] is None):
                withdrawn_before_response += 1
        if has_handlers and known(*FIGURE_FIELDS["same_handler"]) and year.has(start[2]):
            h1, h2 = _text(case["stage1_handler"]), _text(case["stage2_handler"])
            if h1 != "" and h2 != "" and h1.casefold() == h2.casefold():
                same_handler += 1

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
        "stage1_outcomes": outcomes[1],
        "stage2_outcomes": outcomes[2],
        "withdrawn_before_response": withdrawn_before_response,
        "categories": _sorted_counts(categories),
        "ombudsman_outcomes": ombudsman,
        "compensation_cases": compensation_cases,
        "compensation_total": float(compensation_total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
        "open_at_period_end": {**open_counts, "stage1_ageing": ageing[1], "stage2_ageing": ageing[2]},
        "channels": _sorted_counts(channels) if has_channel else None,
        "reasonable_adjustments": adjustments if flag_columns else None,
        "stage2_same_handler": same_handler if has_handlers else None,
        "upheld_without_remedy": upheld_without_remedy,
        "quarters": {name: _window_json(q, sr.get(name), local, has_cfo) for name, q in quarters.items()},
        "extension_policy": extension_policy,
        "response_deadline": response_deadline,
        "local_targets": {k: v for k, v in local.items() if v},
        "excluded_rows": excluded_rows,
        "complaints_counted": complaints,
        "rows_read": complaints + excluded_rows,
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
    out: dict[str, object] = {
        "stage1_received": c["stage1_received"],
        "stage2_received": c["stage2_received"],
        "refused": c["refused"],
        "service_requests": service_requests,
    }
    for n in (1, 2):
        key = f"stage{n}_"
        out |= {
            f"{key}ack_on_time_pct": percent(*w.rates[f"{key}ack"]),
            f"{key}ack": rate(f"{key}ack"),
            f"{key}ack_local": rate(f"{key}ack_local", f"{key}acknowledge"),
            f"{key}response": rate(f"{key}response"),
            f"{key}response_local": rate(f"{key}response_local", f"{key}respond"),
            f"{key}responded": c[f"{key}responded"],
            f"{key}responded_on_time": c[f"{key}responded_on_time"],
            f"tsm_ch02_stage{n}_pct": percent(c[f"{key}responded_on_time"], c[f"{key}responded"]),
            f"{key}extended": c[f"{key}extended"],
            f"{key}extended_beyond_limit": c[f"{key}extended_beyond_limit"],
            f"{key}extended_beyond_limit_with_reason": c[f"{key}extended_beyond_limit_with_reason"],
            f"{key}extended_beyond_limit_without_reason": c[f"{key}extended_beyond_limit_without_reason"],
        }
    out["ombudsman_determinations"] = c["ombudsman_determinations"]
    out["complaint_failure_orders"] = c["complaint_failure_orders"] if has_cfo else None
    return out


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
