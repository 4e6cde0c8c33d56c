"""The row-by-row statistics of ``benchmarks/naive_stats.py`` on hand-worked cases, one test per
definition of ``docs/figures.md`` that the loop must get right on its own.

These tests use the loop alone (not ``audit_lib.stats``), so they hold whatever state the
vectorised code is in. Every date below was worked by hand on the real calendar: weekends, and
the England and Wales bank holidays of Christmas 2024 (Wed 25 and Thu 26 December 2024, Wed 1
January 2025) and Easter 2025 (Good Friday 18 April, Easter Monday 21 April 2025). The day of
an event is day 0; "+N" is the N-th working day after it. The period is 2024-25 (1 April 2024
to 31 March 2025, quarters ending 30 June, 30 September, 31 December and 31 March) unless said.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from benchmarks.naive_stats import (
    COUNT_NAMES,
    RATE_NAMES,
    add_working_days,
    compare,
    naive_statistics,
    working_days_since,
)
from benchmarks.synthetic import case_log_frame

DATES = ("received", "stage1_acknowledged", "stage1_responded", "stage2_requested", "stage2_acknowledged",
         "stage2_responded")
#: A validated complaint with nothing recorded but its reference (each test sets what it needs).
BLANK = dict(
    case_id="", received=None, stage1_acknowledged=None, stage1_responded=None, stage2_requested=None,
    stage2_acknowledged=None, stage2_responded=None, stage1_extension_days=0, stage2_extension_days=0,
    stage1_extension_good_reason="", stage2_extension_good_reason="", stage1_outcome="", stage2_outcome="",
    category="Repairs", refused_reason="", ombudsman_outcome="", compensation=0.0, unknown="",
)
QUARTERS = ("Q1", "Q2", "Q3", "Q4")


def frame(*rows: dict) -> pd.DataFrame:
    """A validated case log (dates written dd/mm/yyyy) as the loader hands it to the statistics."""
    records = [{**BLANK, "source_row": i + 2, "case_id": f"C{i + 1}", **row} for i, row in enumerate(rows)]
    cases = pd.DataFrame(records, columns=["source_row", *BLANK, *sorted({k for r in rows for k in r} - set(BLANK))])
    for column in DATES:
        cases[column] = pd.to_datetime(cases[column], format="%d/%m/%Y")
    for column in set(cases.columns) - set(BLANK):  # optional text columns: blank is "", as the loader gives it
        cases[column] = cases[column].fillna("")
    return cases


def stats(*rows: dict, period: str = "2024-25", **options) -> dict:
    return naive_statistics(frame(*rows), period, 1000, **options)


def rate(figures: dict, name: str, window: str | None = None) -> tuple[int, int]:
    """(on time, total) of one on-time rate, for the year or one quarter."""
    r = (figures if window is None else figures["quarters"][window])[name]
    return r["on_time"], r["total"]


def quarter_totals(figures: dict, name: str) -> list[int]:
    return [rate(figures, name, q)[1] for q in QUARTERS]


# --- the calendar ------------------------------------------------------------------------------

def test_working_days_step_over_weekends_and_bank_holidays():
    # Thu 17/04/2025 + 5: Tue 22 (1; Good Friday and Easter Monday skipped), 23, 24, 25, Mon 28/04 (5)
    assert add_working_days(dt.date(2025, 4, 17), 5) == dt.date(2025, 4, 28)
    # received on Good Friday: day 0 is Tue 22/04; +5 is Tue 29/04
    assert add_working_days(dt.date(2025, 4, 18), 5) == dt.date(2025, 4, 29)
    # Mon 23/12/2024 + 10: Tue 24 (1), Fri 27 (2), Mon 30 (3), Tue 31 (4), Thu 2 Jan (5) ... Thu 09/01/2025 (10)
    assert add_working_days(dt.date(2024, 12, 23), 10) == dt.date(2025, 1, 9)
    # Mon 06/01/2025 to Mon 31/03/2025: 19 working days in January after the 6th, 20 in February, 21 in March
    assert working_days_since(dt.date(2025, 1, 6), dt.date(2025, 3, 31)) == 60
    assert working_days_since(dt.date(2025, 4, 19), dt.date(2025, 4, 22)) == 0  # Saturday to the next working day


# --- everything as at the period's end ----------------------------------------------------------

NOT_ACKNOWLEDGED_BY_THE_END = dict(
    # Mon 06/01/2025: acknowledgement due +5 = Mon 13/01/2025; not acknowledged by 31/03/2025 (it was on
    # Thu 10/04/2025, after the period), so the response is due from 13/01: +10 = Mon 27/01/2025.
    received="06/01/2025", stage1_acknowledged="10/04/2025", stage1_responded="28/04/2025", stage1_outcome="upheld",
)


@pytest.mark.parametrize("reading", ["from_earlier", "from_acknowledgement"])
def test_a_step_after_the_period_end_is_not_done(reading):
    s = stats(NOT_ACKNOWLEDGED_BY_THE_END, response_deadline=reading)
    # both steps not done by 31/03, counted in Q4 where their deadlines (13/01, 27/01) fell: late
    assert rate(s, "stage1_ack", "Q4") == (0, 1) and rate(s, "stage1_ack") == (0, 1)
    assert rate(s, "stage1_response", "Q4") == (0, 1) and rate(s, "stage1_response") == (0, 1)
    assert s["stage1_responded"] == 0 and s["stage1_outcomes"]["upheld"] == 0
    # open and overdue at 31/03 (due 27/01) under either reading; 60 working days old
    o = s["open_at_period_end"]
    assert (o["stage1_open"], o["stage1_overdue"]) == (1, 1)
    assert o["stage1_ageing"] == {"0-10": 0, "11-20": 0, "21-40": 0, "41+": 1}
    assert s["response_deadline"] == reading


def test_nothing_dated_after_the_period_end_changes_its_figures():
    before = stats(NOT_ACKNOWLEDGED_BY_THE_END)
    for later in ({"stage1_acknowledged": None, "stage1_responded": None},
                  {"stage1_acknowledged": "01/04/2025", "stage1_responded": "02/04/2025"},
                  {"stage1_outcome": "upheld", "stage2_requested": "03/04/2025"}):
        assert compare(before, stats({**NOT_ACKNOWLEDGED_BY_THE_END, **later})) == []


def test_the_next_period_sees_the_steps_done_in_it():
    # 2025-26: acknowledged Thu 10/04/2025 (due 13/01): late, in Q1. Responded Mon 28/04/2025.
    # Default: due from the earlier of 10/04 and 13/01 = 27/01/2025: late.
    # Literal: due from the acknowledgement 10/04: Fri 11 (1), Mon 14 ... Thu 17 (5), Tue 22 (6; Easter skipped),
    # 23, 24, 25, Mon 28/04 (10): on time on the day.
    default = stats(NOT_ACKNOWLEDGED_BY_THE_END, period="2025-26")
    literal = stats(NOT_ACKNOWLEDGED_BY_THE_END, period="2025-26", response_deadline="from_acknowledgement")
    assert rate(default, "stage1_ack", "Q1") == (0, 1) and default["stage1_received"] == 0
    assert rate(default, "stage1_response", "Q1") == (0, 1) and default["tsm_ch02_stage1_pct"] == 0.0
    assert rate(literal, "stage1_response", "Q1") == (1, 1) and literal["tsm_ch02_stage1_pct"] == 100.0
    assert default["stage1_outcomes"]["upheld"] == 1 and default["open_at_period_end"]["stage1_open"] == 0


# --- a late acknowledgement buys no time ------------------------------------------------------------

LATE_ACK = dict(
    # Mon 02/09/2024: acknowledgement due +5 = Mon 09/09/2024; made Mon 30/09/2024, 15 working days late.
    # Responded Mon 14/10/2024 = 30/09 + 10. Default deadline: from 09/09 (the earlier) +10 = Mon 23/09: late.
    # Literal reading: from 30/09 +10 = Mon 14/10: on time.
    received="02/09/2024", stage1_acknowledged="30/09/2024", stage1_responded="14/10/2024", stage1_outcome="not upheld",
)
EARLY_ACK = dict(
    # Mon 02/09/2024 acknowledged Tue 03/09 (before the due day): due from 03/09 under both readings, +10 = Tue 17/09.
    received="02/09/2024", stage1_acknowledged="03/09/2024", stage1_responded="18/09/2024", stage1_outcome="upheld",
)


def test_a_late_acknowledgement_buys_no_time_by_default():
    s = stats(LATE_ACK, EARLY_ACK)
    assert rate(s, "stage1_ack", "Q3") == (0, 0) and rate(s, "stage1_ack", "Q2") == (1, 2)  # the late one on 30/09
    assert rate(s, "stage1_response", "Q2") == (0, 1)  # EARLY_ACK: responded 18/09, due 17/09
    assert rate(s, "stage1_response", "Q3") == (0, 1)  # LATE_ACK: responded 14/10, due 23/09
    assert (s["stage1_responded"], s["stage1_responded_on_time"], s["tsm_ch02_stage1_pct"]) == (2, 0, 0.0)


def test_the_literal_reading_counts_from_the_acknowledgement():
    s = stats(LATE_ACK, EARLY_ACK, response_deadline="from_acknowledgement")
    assert rate(s, "stage1_response", "Q2") == (0, 1)  # EARLY_ACK is late either way
    assert rate(s, "stage1_response", "Q3") == (1, 1)  # LATE_ACK: due 14/10, on time
    assert (s["stage1_responded"], s["stage1_responded_on_time"]) == (2, 1)


@pytest.mark.parametrize("reading, on_time", [("from_earlier", 0), ("from_acknowledgement", 1)])
def test_local_targets_follow_the_same_reading(reading, on_time):
    # Local: acknowledge in 3, respond in 8. LATE_ACK received Mon 02/09/2024: local ack due +3 = Thu 05/09 (late
    # on 30/09). Default: local response due from 05/09 +8 = Tue 17/09. Literal: from 30/09 +8 = Thu 10/10.
    # Responded 09/10 (a copy of LATE_ACK): late by default, on time under the literal reading.
    targets = {"stage1_acknowledge": 3, "stage1_respond": 8}
    s = stats({**LATE_ACK, "stage1_responded": "09/10/2024"}, local_targets=targets, response_deadline=reading)
    assert rate(s, "stage1_ack_local") == (0, 1) and rate(s, "stage1_response_local", "Q3") == (on_time, 1)
    assert s["local_targets"] == targets and s["stage2_ack_local"] is None


def test_a_local_response_target_alone_counts_from_the_code_s_acknowledgement_day():
    # No local acknowledgement target: the local response base is the Code's ack due day, Mon 09/09/2024.
    # Local respond 7: default from 09/09 +7 = Wed 18/09 (late on 09/10); literal from 30/09 +7 = Wed 09/10 (on time).
    case = {**LATE_ACK, "stage1_responded": "09/10/2024"}
    assert rate(stats(case, local_targets={"stage1_respond": 7}), "stage1_response_local") == (0, 1)
    assert rate(stats(case, local_targets={"stage1_respond": 7}, response_deadline="from_acknowledgement"),
                "stage1_response_local") == (1, 1)


# --- extensions and good reason ------------------------------------------------------------------

EXTENDED = dict(
    # Mon 23/12/2024 acknowledged the same day; extension of 15 working days (the Code's limit is 10).
    # Deadlines: no extension +10 = Thu 09/01/2025; up to the limit +20 = Thu 23/01/2025; all of it +25 = Thu 30/01.
    # Responded Tue 28/01/2025 (+23): on time only if the whole extension counts.
    received="23/12/2024", stage1_acknowledged="23/12/2024", stage1_responded="28/01/2025", stage1_extension_days=15,
    stage1_outcome="upheld",
)


@pytest.mark.parametrize("policy, good_reason, on_time", [
    ("good_reason", "yes", 1), ("good_reason", "no", 0), ("good_reason", "", 0),
    ("code_limit", "yes", 0), ("code_limit", "", 0),
    ("full", "no", 1), ("full", "", 1),
    ("none", "yes", 0), ("none", "", 0),
])
def test_an_extension_beyond_the_limit_counts_with_a_good_reason(policy, good_reason, on_time):
    s = stats({**EXTENDED, "stage1_extension_good_reason": good_reason}, extension_policy=policy)
    assert rate(s, "stage1_response", "Q4") == (on_time, 1) and s["stage1_responded_on_time"] == on_time
    assert (s["stage1_extended"], s["stage1_extended_beyond_limit"]) == (1, 1)  # whatever the policy
    with_reason = int(good_reason == "yes")
    assert s["stage1_extended_beyond_limit_with_reason"] == with_reason
    assert s["stage1_extended_beyond_limit_without_reason"] == 1 - with_reason
    assert s["quarters"]["Q4"]["stage1_extended_beyond_limit_with_reason"] == with_reason
    assert s["extension_policy"] == policy


def test_the_default_policy_is_good_reason():
    assert stats({**EXTENDED, "stage1_extension_good_reason": "yes"})["stage1_responded_on_time"] == 1
    assert stats(EXTENDED)["extension_policy"] == "good_reason"


def test_an_extension_within_the_limit_needs_no_reason():
    # 8 days: due +18 = Mon 20/01/2025 whatever the flag says; responded 28/01: late; extended, not beyond.
    s = stats({**EXTENDED, "stage1_extension_days": 8, "stage1_extension_good_reason": "no"})
    assert (s["stage1_responded_on_time"], s["stage1_extended"], s["stage1_extended_beyond_limit"]) == (0, 1, 0)
    assert s["stage1_extended_beyond_limit_without_reason"] == 0


def test_a_stage_2_extension_has_the_stage_2_limit():
    # Escalation requested Mon 02/12/2024, acknowledged the same day; extension 25 (limit 20) with a good reason.
    # Due +20 +25 = +45: Dec 3..24 (16), 27 (17), 30 (18), 31 (19), Jan 2 (20), 3 (21), 6-10 (26), 13-17 (31),
    # 20-24 (36), 27-31 (41), Feb 3 (42), 4, 5, Thu 06/02/2025 (45). Responded Wed 05/02: on time; +40 would be 30/01.
    case = dict(received="01/10/2024", stage1_acknowledged="01/10/2024", stage1_responded="01/11/2024",
                stage1_outcome="not upheld", stage2_requested="02/12/2024", stage2_acknowledged="02/12/2024",
                stage2_responded="05/02/2025", stage2_extension_days=25, stage2_extension_good_reason="yes",
                stage2_outcome="upheld")
    assert add_working_days(dt.date(2024, 12, 2), 45) == dt.date(2025, 2, 6)
    assert stats(case)["stage2_responded_on_time"] == 1
    assert stats(case, extension_policy="code_limit")["stage2_responded_on_time"] == 0
    assert stats(case)["quarters"]["Q4"]["stage2_extended_beyond_limit_with_reason"] == 1


# --- unknown fields --------------------------------------------------------------------------------

ON_TIME = dict(
    # Mon 03/06/2024, acknowledged Tue 04/06 (due Mon 10/06), responded Mon 17/06 (due 04/06 +10 = Tue 18/06).
    received="03/06/2024", stage1_acknowledged="04/06/2024", stage1_responded="17/06/2024", stage1_outcome="upheld",
    ombudsman_outcome="maladministration", compensation=100.0, channel="Email", vulnerability="Y",
    complaint_failure_order="CFO-1",
)


def test_an_unknown_field_keeps_a_complaint_out_of_only_the_figures_that_need_it():
    s = stats(
        ON_TIME,                                                      # A: in every figure
        {**ON_TIME, "unknown": "stage1_acknowledged"},                # B: out of ack and response figures
        {**ON_TIME, "unknown": "category"},                           # C: out of categories
        {**ON_TIME, "unknown": "stage1_outcome"},                     # D: out of response figures and outcomes
        {**ON_TIME, "stage1_extension_days": 15, "unknown": "stage1_extension_good_reason"},  # E: out of responses
        {**ON_TIME, "stage1_extension_days": 5, "unknown": "stage1_extension_good_reason"},   # F: within the limit
        {**ON_TIME, "unknown": "compensation"},                       # G: out of compensation
        {**ON_TIME, "unknown": "ombudsman_outcome channel"},          # H: out of Ombudsman figures and channels
        {**ON_TIME, "unknown": "vulnerability complaint_failure_order"},  # I: out of adjustments and CFOs
    )
    assert s["stage1_received"] == 9 and s["quarters"]["Q1"]["stage1_received"] == 9
    assert rate(s, "stage1_ack") == (8, 8)  # all but B
    assert rate(s, "stage1_response") == (6, 6)  # all but B, D, E
    assert (s["stage1_responded"], s["stage1_responded_on_time"]) == (6, 6)
    assert (s["stage1_extended"], s["stage1_extended_beyond_limit"]) == (1, 0)  # F only
    assert s["stage1_outcomes"] == {"upheld": 8, "partly upheld": 0, "not upheld": 0, "withdrawn": 0,
                                    "not recorded": 0}  # all but D
    assert s["escalation_rate_pct"] == 0.0  # 0 escalations over the 6 responses counted
    assert s["ombudsman_determinations"] == 8 and s["ombudsman_outcomes"]["maladministration"] == 8  # all but H
    assert s["maladministration_rate_pct"] == 100.0
    assert (s["compensation_cases"], s["compensation_total"]) == (8, 800.0)  # all but G
    assert s["categories"] == {"Repairs": 8} and s["channels"] == {"Email": 8}
    assert s["reasonable_adjustments"] == 8 and s["complaint_failure_orders"] == 8
    assert (s["complaints_counted"], s["rows_read"]) == (9, 9)


def test_unknown_dates_keep_a_complaint_out_of_the_open_figures_and_stage_2():
    # Mon 03/03/2025, acknowledged Tue 04/03, no response: due 04/03 +10 = Tue 18/03/2025, open and overdue at 31/03.
    open_case = dict(received="03/03/2025", stage1_acknowledged="04/03/2025")
    # escalated Mon 02/12/2024 (ack due Mon 09/12/2024), never acknowledged: a missed stage 2 ack in Q3
    escalated = dict(received="01/10/2024", stage1_acknowledged="01/10/2024", stage1_responded="01/11/2024",
                     stage1_outcome="upheld", stage2_requested="02/12/2024", stage1_handler="ab", stage2_handler="AB")
    s = stats(open_case, {**open_case, "unknown": "stage1_responded"}, {**open_case, "unknown": "stage1_outcome"},
              escalated, {**escalated, "unknown": "stage2_requested"})
    assert (s["open_at_period_end"]["stage1_open"], s["open_at_period_end"]["stage1_overdue"]) == (1, 1)
    assert rate(s, "stage1_ack") == (5, 5) and rate(s, "stage1_response", "Q4") == (0, 1)
    assert s["stage2_received"] == 1 and rate(s, "stage2_ack", "Q3") == (0, 1)
    assert s["open_at_period_end"]["stage2_open"] == 1 and s["stage2_same_handler"] == 1
    # the stage 1 outcome counts for both escalated complaints (it does not need the escalation date)
    assert s["stage1_outcomes"]["upheld"] == 2


@pytest.mark.parametrize("policy", ["good_reason", "code_limit", "full", "none"])
def test_an_unknown_good_reason_matters_beyond_the_limit_whatever_the_policy(policy):
    # the response figures need the flag wherever the days exceed the Code's limit (the split is one of them)
    s = stats({**EXTENDED, "unknown": "stage1_extension_good_reason"}, extension_policy=policy)
    assert (s["stage1_responded"], rate(s, "stage1_response"), s["stage1_extended"]) == (0, (0, 0), 0)
    assert rate(s, "stage1_ack") == (1, 1) and s["stage1_outcomes"]["upheld"] == 1


def test_without_an_unknown_column_nothing_is_unknown():
    assert compare(stats(ON_TIME), naive_statistics(frame(ON_TIME).drop(columns="unknown"), "2024-25", 1000)) == []


# --- each step counted once, in one window ----------------------------------------------------------

def test_a_step_due_in_one_quarter_and_done_in_the_next_counts_once_where_it_was_done():
    # Fri 14/06/2024 acknowledged the same day: response due +10 = Fri 28/06/2024 (Q1).
    late_in_q2 = dict(received="14/06/2024", stage1_acknowledged="14/06/2024", stage1_responded="01/07/2024",
                      stage1_outcome="upheld")  # responded Mon 01/07 (Q2): late, counted in Q2 only
    never = dict(received="14/06/2024", stage1_acknowledged="14/06/2024")  # not done: late, counted in Q1
    s = stats(late_in_q2, never)
    assert [rate(s, "stage1_response", q) for q in QUARTERS] == [(0, 1), (0, 1), (0, 0), (0, 0)]
    assert rate(s, "stage1_response") == (0, 2)
    assert s["quarters"]["Q2"]["stage1_responded"] == 1 and s["quarters"]["Q1"]["stage1_responded"] == 0
    assert rate(s, "stage1_ack", "Q1") == (2, 2)


def test_a_step_due_on_the_last_day_and_done_the_next_day():
    # Mon 17/03/2025 acknowledged the same day: response due +10 = Mon 31/03/2025; responded Tue 01/04/2025.
    case = dict(received="17/03/2025", stage1_acknowledged="17/03/2025", stage1_responded="01/04/2025",
                stage1_outcome="partly upheld")
    this, following = stats(case), stats(case, period="2025-26")
    # 2024-25: not done by 31/03, due in Q4: late; open and overdue (due on the last day), 10 working days old
    assert rate(this, "stage1_response", "Q4") == (0, 1) and this["stage1_responded"] == 0
    assert this["open_at_period_end"]["stage1_overdue"] == 1
    assert this["open_at_period_end"]["stage1_ageing"]["0-10"] == 1
    # 2025-26: done in Q1, late; the acknowledgement belongs to 2024-25 only
    assert rate(following, "stage1_response", "Q1") == (0, 1) and following["stage1_responded"] == 1
    assert rate(following, "stage1_ack") == (0, 0) and following["stage1_received"] == 0
    assert following["stage1_outcomes"]["partly upheld"] == 1


def test_ageing_at_a_period_end_on_a_bank_holiday_weekend():
    # 2023-24 ends on Sunday 31/03/2024 (Good Friday 29/03, Easter Monday 01/04/2024): like an event, the end is
    # rolled forward to Tue 02/04/2024. Thu 14/03/2024: 15, 18-22, 25-28 (10 by Thu 28/03), Tue 02/04 (11): "11-20".
    # Fri 15/03/2024: 10. Sat 30/03/2024 counts from Tue 02/04: 0.
    s = stats(dict(received="14/03/2024", stage1_acknowledged="15/03/2024"), dict(received="15/03/2024"),
              dict(received="30/03/2024"), period="2023-24")
    assert s["open_at_period_end"]["stage1_ageing"] == {"0-10": 2, "11-20": 1, "21-40": 0, "41+": 0}
    # None overdue: 14/03's response is due 15/03 +10 = Tue 02/04/2024; 15/03's acknowledgement was due Fri 22/03
    # (missed, in Q4), its response 22/03 +10 = Tue 09/04/2024; 30/03's acknowledgement 02/04 +5 = Tue 09/04 (no window).
    assert (s["open_at_period_end"]["stage1_open"], s["open_at_period_end"]["stage1_overdue"]) == (3, 0)
    assert rate(s, "stage1_ack", "Q4") == (1, 2) and rate(s, "stage1_ack") == (1, 2)


# --- withdrawn complaints -----------------------------------------------------------------------------

def test_withdrawn_complaints():
    # Mon 01/07/2024 acknowledged Tue 02/07 (due Mon 08/07): on time; response would be due 02/07 +10 = Tue 16/07.
    no_response = dict(received="01/07/2024", stage1_acknowledged="02/07/2024", stage1_outcome="withdrawn")
    with_response = {**no_response, "stage1_responded": "15/07/2024"}  # a closing letter: the response step applies
    # Mon 03/03/2025 acknowledged Tue 04/03 (response due Tue 18/03/2025), closing letter dated Wed 02/04/2025
    after_the_end = dict(received="03/03/2025", stage1_acknowledged="04/03/2025", stage1_responded="02/04/2025",
                         stage1_outcome="withdrawn")
    never_acknowledged = dict(received="01/07/2024", stage1_outcome="withdrawn")  # ack due Mon 08/07: missed
    s = stats(no_response, with_response, after_the_end, never_acknowledged)
    assert rate(s, "stage1_ack", "Q2") == (2, 3) and rate(s, "stage1_ack", "Q4") == (1, 1)
    assert rate(s, "stage1_response") == (1, 1) and rate(s, "stage1_response", "Q2") == (1, 1)  # with_response only
    assert s["stage1_outcomes"]["withdrawn"] == 1 and s["stage1_responded"] == 1
    assert s["withdrawn_before_response"] == 3  # all but with_response (after_the_end's letter is after 31/03)
    assert s["open_at_period_end"]["stage1_open"] == 0
    assert compare(s, stats(no_response, with_response, {**after_the_end, "stage1_responded": None},
                            never_acknowledged)) == []
    # 2025-26: the letter of 02/04/2025 is a response done in Q1, late (due 18/03/2025)
    following = stats(after_the_end, period="2025-26")
    assert rate(following, "stage1_response", "Q1") == (0, 1) and following["stage1_outcomes"]["withdrawn"] == 1
    assert following["withdrawn_before_response"] == 0


def test_withdrawn_at_stage_2():
    # Escalated Mon 02/12/2024, acknowledged Tue 03/12 (due Mon 09/12), withdrawn with no stage 2 response:
    # an acknowledgement step, no response step, not open at stage 2, and no final response as at 31/03.
    case = dict(received="01/10/2024", stage1_acknowledged="01/10/2024", stage1_responded="01/11/2024",
                stage1_outcome="not upheld", stage2_requested="02/12/2024", stage2_acknowledged="03/12/2024",
                stage2_outcome="withdrawn", ombudsman_outcome="outside jurisdiction", compensation=50.0)
    s = stats(case)
    assert rate(s, "stage2_ack", "Q3") == (1, 1) and rate(s, "stage2_response") == (0, 0)
    assert s["open_at_period_end"]["stage2_open"] == 0 and s["withdrawn_before_response"] == 0
    assert s["ombudsman_determinations"] == 0 and s["compensation_cases"] == 0


# --- the final response, outcomes not recorded, refused complaints ---------------------------------------

def test_the_final_response_as_at_the_period_end():
    # stage 1 response Mon 17/06/2024, escalated Mon 01/07/2024, stage 2 response Tue 15/04/2025 (after 31/03):
    # as at 31/03/2025 there is no final response; in 2025-26 it is in Q1.
    escalated = dict(received="03/06/2024", stage1_acknowledged="04/06/2024", stage1_responded="17/06/2024",
                     stage1_outcome="not upheld", stage2_requested="01/07/2024", stage2_acknowledged="02/07/2024",
                     stage2_responded="15/04/2025", stage2_outcome="upheld", ombudsman_outcome="maladministration",
                     compensation=200.0)
    # stage 1 response Mon 10/03/2025, escalated Mon 07/04/2025 (after 31/03): the final response is stage 1's
    not_yet = dict(received="03/02/2025", stage1_acknowledged="04/02/2025", stage1_responded="10/03/2025",
                   stage1_outcome="upheld", stage2_requested="07/04/2025", ombudsman_outcome="service failure",
                   compensation=25.5)
    s = stats(escalated, not_yet)
    assert s["quarters"]["Q4"]["ombudsman_determinations"] == 1 and s["ombudsman_determinations"] == 1
    assert s["ombudsman_outcomes"]["service failure"] == 1 and s["ombudsman_outcomes"]["maladministration"] == 0
    assert (s["compensation_cases"], s["compensation_total"]) == (1, 25.5)
    assert s["stage2_received"] == 1 and s["open_at_period_end"]["stage2_open"] == 1
    following = stats(escalated, not_yet, period="2025-26")
    assert following["quarters"]["Q1"]["ombudsman_determinations"] == 1  # escalated's stage 2 response
    assert following["ombudsman_outcomes"]["maladministration"] == 1
    assert following["ombudsman_outcomes"]["service failure"] == 0  # not_yet awaits its stage 2 response
    assert (following["compensation_cases"], following["compensation_total"]) == (1, 200.0)


def test_outcomes_not_recorded():
    # responded with a blank outcome (a housing system's word the landlord did not map reads as blank)
    blank = dict(received="03/06/2024", stage1_acknowledged="04/06/2024", stage1_responded="17/06/2024",
                 ombudsman_outcome="not recorded")
    s = stats(blank)
    assert s["stage1_outcomes"] == {"upheld": 0, "partly upheld": 0, "not upheld": 0, "withdrawn": 0,
                                    "not recorded": 1}
    assert list(s["ombudsman_outcomes"])[-1] == "not recorded" and s["ombudsman_outcomes"]["not recorded"] == 1
    assert s["ombudsman_determinations"] == 1 and s["maladministration_rate_pct"] is None
    assert rate(s, "stage1_response") == (1, 1)  # a blank outcome is known: the response counts


def test_refused_complaints_have_no_steps():
    refused = dict(received="10/04/2024", stage1_acknowledged="11/04/2024", refused_reason="Legal proceedings",
                   complaint_failure_order="CFO-9")
    s = stats(refused, excluded_rows=2)
    assert (s["refused"], s["stage1_received"], rate(s, "stage1_ack")) == (1, 0, (0, 0))
    assert s["refused_by_reason"] == {"Legal proceedings": 1} and s["quarters"]["Q1"]["complaint_failure_orders"] == 1
    assert (s["complaints_counted"], s["excluded_rows"], s["rows_read"]) == (1, 2, 3)


def test_options_are_checked():
    with pytest.raises(ValueError, match="extension policy"):
        stats(ON_TIME, extension_policy="sometimes")
    with pytest.raises(ValueError, match="response deadline"):
        stats(ON_TIME, response_deadline="whenever")


# --- on a large random log: the quarters add up, and later events change nothing -----------------------

YES, NO = ("yes", "y", "true", "1"), ("no", "n", "false", "0")


def validated(raw: pd.DataFrame) -> pd.DataFrame:
    """A synthetic export read roughly as the loader reads it (enough for the loop: no checks of order)."""
    cases = raw.copy()
    cases.insert(0, "source_row", np.arange(2, len(cases) + 2))
    unknown = pd.Series("", index=cases.index)
    for n in (1, 2):
        cases[f"stage{n}_extension_days"] = cases[f"stage{n}_extension_days"].fillna(0).astype(int)
        word = cases[f"stage{n}_extension_good_reason"].str.strip().str.lower()
        cases[f"stage{n}_extension_good_reason"] = np.where(word.isin(YES), "yes", np.where(word.isin(NO), "no", ""))
        unknown = unknown.where(word.isin((*YES, *NO, "")), unknown + f" stage{n}_extension_good_reason")
        outcome = cases[f"stage{n}_outcome"].str.lower()
        cases[f"stage{n}_outcome"] = outcome.where(outcome.isin(("upheld", "partly upheld", "not upheld", "withdrawn")),
                                                   "")
    cases["ombudsman_outcome"] = cases["ombudsman_outcome"].str.lower()
    cases["unknown"] = unknown.str.strip()
    return cases


@pytest.fixture(scope="module")
def random_log() -> pd.DataFrame:
    return validated(case_log_frame(1200, seed=5))


@pytest.mark.parametrize("period", ["2023-24", "2024-25", "2025-26"])
def test_the_quarters_add_up_to_the_year(random_log, period):
    s = naive_statistics(random_log, period, 5000, local_targets={"stage1_respond": 8, "stage2_acknowledge": 3})
    for name in COUNT_NAMES:
        assert sum(s["quarters"][q][name] for q in QUARTERS) == s[name], name
    for name in RATE_NAMES:
        if s[name] is not None:
            for part in ("on_time", "total"):
                assert sum(s["quarters"][q][name][part] for q in QUARTERS) == s[name][part], (name, part)
    assert s["stage1_response"]["total"] > 100 and s["stage1_extended_beyond_limit_with_reason"] >= 0


@pytest.mark.parametrize("period", ["2023-24", "2024-25"])
def test_events_after_the_period_end_change_no_figure(random_log, period):
    end = pd.Timestamp(f"{int(period[:4]) + 1}-03-31")
    before = naive_statistics(random_log, period, 5000)
    moved, blanked = random_log.copy(), random_log.copy()
    for column in DATES:
        later = moved[column] > end
        moved.loc[later, column] = moved.loc[later, column] + pd.Timedelta(days=45)
        if column != "received":
            blanked.loc[later, column] = pd.NaT
    assert compare(before, naive_statistics(moved, period, 5000)) == []
    assert compare(before, naive_statistics(blanked, period, 5000)) == []
