"""The five definitions a governing body signs, each on hand-worked cases (docs/figures.md).

1. a period's figures are as at its last day; 2. a late acknowledgement buys no time;
3. extensions count beyond the Code's limit only with a recorded good reason; 4. one bad
field keeps a complaint out of only the figures that need it; 5. each step is counted in one
window, so the quarters add up to the year.

Working days: weekends and England and Wales bank holidays are not working days; the day of an
event is day 0. June 2024 and January 2025 after New Year's Day have no bank holidays.
"""

from __future__ import annotations

import pytest

from audit_lib.cases.load import CaseLog, load_case_log
from audit_lib.cases.schema import CANONICAL_COLUMNS
from audit_lib.cases.settings import CaseLogSettings
from audit_lib.core.periods import Period
from audit_lib.stats.definitions import definitions, figure_needs, kept_out_of
from audit_lib.stats.engine import case_statistics
from audit_lib.stats.results import CaseStatistics
from audit_lib.workbook import views

P2425 = Period.parse("2024-25")
EXTRA = ("stage1_extension_good_reason", "stage2_extension_good_reason")


def load(tmp_path, cases: list[dict], **settings) -> CaseLog:
    columns = (*CANONICAL_COLUMNS, *EXTRA)
    lines = [",".join(columns)] + [",".join(str(c.get(col, "")) for col in columns) for c in cases]
    path = tmp_path / "cases.csv"
    path.write_text("\n".join(lines) + "\n")
    return load_case_log(path, CaseLogSettings(path=path.name, **settings))


def stats_of(tmp_path, cases: list[dict], **options) -> CaseStatistics:
    log = load(tmp_path, cases)
    return case_statistics(log.cases, P2425, 1000, excluded_rows=log.excluded_rows, **options)


# --- 1. as at the period's end ------------------------------------------------------------------

# Received Mon 06/01/2025. Acknowledgement due 06/01 + 5 = Mon 13/01/2025, not made by 31/03/2025.
# As at 31/03 the response was due 10 working days after the day the acknowledgement was due:
# 13/01 + 10 = Mon 27/01/2025, so the complaint is open and overdue at the year end, whether the
# export was taken on 1 April (no acknowledgement) or in May (acknowledged late on 10/04/2025,
# which would have moved the deadline to 10/04 + 10 = 25/04/2025 had the later event been used).
AS_AT = dict(case_id="A", received="06/01/2025", stage1_outcome="", category="Repairs")


@pytest.mark.parametrize("reading", ["from_earlier", "from_acknowledgement"])
@pytest.mark.parametrize("export", ["1 April: not acknowledged", "May: acknowledged 10/04/2025"])
def test_an_acknowledgement_after_the_year_end_does_not_move_the_deadline(tmp_path, export, reading):
    case = AS_AT if export.startswith("1 April") else {**AS_AT, "stage1_acknowledged": "10/04/2025"}
    s = stats_of(tmp_path, [case], response_deadline=reading)
    assert (s.open_at_end.stage1_open, s.open_at_end.stage1_overdue) == (1, 1)
    # the acknowledgement was missed in Q4 (due 13/01), the response missed in Q4 (due 27/01)
    assert (s.quarters["Q4"].stage1_ack.on_time, s.quarters["Q4"].stage1_ack.total) == (0, 1)
    assert (s.year.stage1_response.on_time, s.year.stage1_response.total) == (0, 1)
    assert s.open_at_end.stage1_ageing == {"0-10": 0, "11-20": 0, "21-40": 0, "41+": 1}  # 57 working days


def test_a_withdrawal_answered_after_the_year_end_is_not_a_missed_response(tmp_path):
    # Received Mon 03/03/2025, acknowledged 04/03; recorded withdrawn, closing letter 10/04/2025: as at
    # 31/03 nothing was answered and a withdrawal is not a missed response; it is not open either.
    case = dict(case_id="W", received="03/03/2025", stage1_acknowledged="04/03/2025", stage1_responded="10/04/2025",
                stage1_outcome="withdrawn", category="Repairs")
    s = stats_of(tmp_path, [case])
    assert (s.year.stage1_response.total, s.year.stage1_responded, s.open_at_end.stage1_open) == (0, 0, 0)
    assert s.withdrawn_before_response == 1


# --- 2. a late acknowledgement buys no time ------------------------------------------------------

# Received Mon 03/06/2024; acknowledgement due 03/06 + 5 = Mon 10/06; acknowledged 15 working days
# after receipt, Mon 24/06/2024 (late). Responded 10 working days after that: Mon 08/07/2024.
# Default: due 10 working days after the earlier of 24/06 and 10/06 = 10/06 + 10 = Mon 24/06: late.
# Literal reading: due 24/06 + 10 = Mon 08/07: on time.
LATE_ACK = dict(case_id="L", received="03/06/2024", stage1_acknowledged="24/06/2024", stage1_responded="08/07/2024",
                stage1_outcome="upheld", category="Repairs")


@pytest.mark.parametrize(("reading", "on_time"), [("from_earlier", 0), ("from_acknowledgement", 1)])
def test_a_late_acknowledgement_buys_no_time_by_default(tmp_path, reading, on_time):
    s = stats_of(tmp_path, [LATE_ACK], response_deadline=reading)
    assert (s.year.stage1_ack.on_time, s.year.stage1_ack.total) == (0, 1)
    assert (s.year.stage1_responded_on_time, s.year.stage1_responded) == (on_time, 1)
    assert (s.year.stage1_response.on_time, s.year.stage1_response.total) == (on_time, 1)
    assert s.response_deadline == reading
    said = s.definitions["deadlines"]
    assert ("whichever is earlier" in said) == (reading == "from_earlier")
    assert ("literal reading" in said) == (reading == "from_acknowledgement")


def test_an_early_acknowledgement_still_starts_the_response_clock(tmp_path):
    # Received Mon 03/06/2024, acknowledged the same day; response due 03/06 + 10 = Mon 17/06, not 10/06 + 10.
    # Responded Tue 18/06: late under both readings.
    case = dict(LATE_ACK, stage1_acknowledged="03/06/2024", stage1_responded="18/06/2024")
    for reading in ("from_earlier", "from_acknowledgement"):
        s = stats_of(tmp_path, [case], response_deadline=reading)
        assert (s.year.stage1_responded_on_time, s.year.stage1_responded) == (0, 1)


# --- 3. extensions: the Code's words -----------------------------------------------------------

# All received and acknowledged Mon 03/06/2024. 03/06 + 10 = 17/06, + 18 = 27/06, + 20 = 01/07, + 25 = 08/07.
# G1-G3: extension 15 (beyond the limit of 10), responded 08/07 (= 10 + 15): on time only where all
# 15 days count. G1 records a good reason, G2 records "no", G3 nothing. G4: extension 8, responded 27/06.
EXTENDED = [
    dict(case_id=f"G{i}", received="03/06/2024", stage1_acknowledged="03/06/2024", stage1_responded=responded,
         stage1_extension_days=days, stage1_extension_good_reason=reason, stage1_outcome="upheld", category="Repairs")
    for i, (days, reason, responded) in enumerate([(15, "Yes", "08/07/2024"), (15, "no", "08/07/2024"),
                                                   (15, "", "08/07/2024"), (8, "", "27/06/2024")], start=1)
]


@pytest.mark.parametrize(("policy", "on_time"), [
    ("good_reason", 2),  # G1 (15 days with a good reason) and G4; G2 and G3 count 10 days: due 01/07, late
    ("code_limit", 1),   # G4 only: every extension capped at 10
    ("full", 4),         # every extension counts in full
    ("none", 0),         # all due 17/06
])
def test_extensions_count_beyond_the_limit_only_with_a_good_reason(tmp_path, policy, on_time):
    s = stats_of(tmp_path, EXTENDED, extension_policy=policy)
    y = s.year
    assert (y.stage1_responded_on_time, y.stage1_responded) == (on_time, 4)
    assert (y.stage1_extended, y.stage1_extended_beyond_limit) == (4, 3)
    assert (y.stage1_extended_beyond_limit_with_reason, y.stage1_extended_beyond_limit_without_reason) == (1, 2)
    assert "no more than 10 working days without good reason" in s.definitions["extensions"]


def test_the_default_policy_is_good_reason(tmp_path):
    assert stats_of(tmp_path, EXTENDED).extension_policy == "good_reason"


# --- 4. no complaint lost to one bad field -----------------------------------------------------

# Five complaints in six rows, all received Mon 03/06/2024 and acknowledged 04/06 (due 10/06: on time).
# F1: clean, responded 14/06. F2: escalated 17/06, but its stage 2 response 01/07 is before its stage 2
# acknowledgement 05/07: both stage 2 dates unknown. F3: outcome "Resolved", a word not in the Code's
# vocabulary (counted as not recorded, or as mapped). F4: two identical rows (one complaint).
# F5: extension "ten" (unknown: its stage 1 response figures need it), responded 14/06.
FIELD_LEVEL = [
    dict(case_id="F1", stage1_responded="14/06/2024", stage1_outcome="upheld"),
    dict(case_id="F2", stage1_responded="14/06/2024", stage1_outcome="not upheld", stage2_requested="17/06/2024",
         stage2_acknowledged="05/07/2024", stage2_responded="01/07/2024", stage2_outcome="upheld"),
    dict(case_id="F3", stage1_responded="14/06/2024", stage1_outcome="Resolved"),
    dict(case_id="F4", stage1_responded="14/06/2024", stage1_outcome="upheld"),
    dict(case_id="F4", stage1_responded="14/06/2024", stage1_outcome="upheld"),
    dict(case_id="F5", stage1_responded="14/06/2024", stage1_outcome="upheld", stage1_extension_days="ten"),
]
FIELD_LEVEL = [dict(received="03/06/2024", stage1_acknowledged="04/06/2024", category="Repairs", **c)
               for c in FIELD_LEVEL]


def test_one_bad_field_keeps_a_complaint_out_of_only_the_figures_that_need_it(tmp_path):
    log = load(tmp_path, FIELD_LEVEL)
    assert (log.rows_read, log.complaints, log.excluded_rows) == (6, 5, 1)  # 6 rows = 5 complaints + 1 copy
    s = case_statistics(log.cases, P2425, 1000, excluded_rows=log.excluded_rows)
    y = s.year
    assert y.stage1_received == 5  # every complaint counts as received (CH01)
    assert (y.stage1_ack.on_time, y.stage1_ack.total) == (5, 5)
    assert (y.stage1_responded_on_time, y.stage1_responded) == (4, 4)  # F5's deadline is unknown
    assert y.stage2_received == 1  # F2's escalation request is fine
    assert (y.stage2_ack.total, y.stage2_response.total, y.stage2_responded) == (0, 0, 0)
    # outcomes need the response date and the outcome only: F1 F4 F5 upheld, F2 not upheld, F3 not recorded
    assert s.stage1_outcomes == {"upheld": 3, "partly upheld": 0, "not upheld": 1, "withdrawn": 0,
                                 "not recorded": 1}
    assert (s.rows_read, s.complaints_counted, s.excluded_rows) == (6, 5, 1)
    # the data-quality appendix says what each problem did
    by_code = {e["code"]: e for e in log.exclusions.to_dict("records")}
    assert set(by_code) == {"stage2-responded-before-stage2-acknowledged", "unknown-outcome", "duplicate-case-id",
                            "bad-extension"}
    assert by_code["duplicate-case-id"]["excluded"] and not by_code["bad-extension"]["excluded"]
    assert kept_out_of(by_code["bad-extension"]["unknown"]) == [
        "stage 1 responses on time, CH02, extensions, overdue at the period end"]
    html = str(views.data_quality(log, "2024"))
    assert "6 rows read = 5 complaints counted + 1 row excluded whole" in html
    assert "Kept out of: stage 2 acknowledgements on time; stage 2 responses on time" in html
    assert "Row excluded whole" in html and "read as not recorded" in html


def test_an_unknown_acknowledgement_keeps_a_complaint_open_but_not_overdue(tmp_path):
    # Received Mon 03/02/2025, acknowledged "31/02/2025" (not a date), no response by 31/03: open at the year
    # end (that needs only the dates received and responded and the outcome); whether overdue needs the deadline.
    case = dict(case_id="U", received="03/02/2025", stage1_acknowledged="31/02/2025", category="Repairs")
    s = stats_of(tmp_path, [case])
    assert (s.open_at_end.stage1_open, s.open_at_end.stage1_overdue) == (1, 0)
    assert (s.year.stage1_received, s.year.stage1_ack.total, s.year.stage1_response.total) == (1, 0, 0)


def test_a_bad_good_reason_flag_matters_only_beyond_the_limit(tmp_path):
    # G5: a 5-day extension with "maybe" as its good reason: the flag is unknown but not needed (5 <= 10);
    # G6: the same beside a 15-day extension: its response figures need the flag.
    cases = [dict(EXTENDED[3], case_id="G5", stage1_extension_days=5, stage1_extension_good_reason="maybe"),
             dict(EXTENDED[0], case_id="G6", stage1_extension_good_reason="maybe")]
    log = load(tmp_path, cases)
    s = case_statistics(log.cases, P2425, 1000)
    assert (s.year.stage1_responded, s.year.stage1_ack.total) == (1, 2)
    html = str(views.data_quality(log, "2024"))
    assert "overdue at the period end (where the extension is beyond the Code&#39;s limit)" in html


def test_rows_read_is_the_case_log_s_own_count(tmp_path):
    log = load(tmp_path, FIELD_LEVEL)
    s = case_statistics(log.cases, P2425, 1000, excluded_rows=log.excluded_rows, rows_read=log.rows_read)
    assert (s.rows_read, s.to_json()["rows_read"]) == (6, 6)
    with pytest.raises(ValueError, match="rows read"):
        case_statistics(log.cases, P2425, 1000, excluded_rows=0, rows_read=log.rows_read)


def test_a_landlord_maps_its_own_outcome_words(tmp_path):
    log = load(tmp_path, FIELD_LEVEL, outcomes={"Resolved": "upheld"})
    assert "unknown-outcome" not in set(log.exclusions["code"])
    s = case_statistics(log.cases, P2425, 1000)
    assert (s.stage1_outcomes["upheld"], s.stage1_outcomes["not recorded"]) == (4, 0)


def test_every_field_a_figure_needs_is_a_case_log_column():
    from audit_lib.cases.schema import CANONICAL_COLUMNS, OPTIONAL_COLUMNS

    for figure, needs in figure_needs().items():
        assert set(needs) <= set(CANONICAL_COLUMNS) | set(OPTIONAL_COLUMNS), figure


# --- 5. quarters add up ------------------------------------------------------------------------

# Received Mon 17/06/2024 (Q1); acknowledgement due 17/06 + 5 = Mon 24/06 (Q1); acknowledged Tue 02/07 (Q2):
# late, counted once, in Q2 (the quarter it was done in), not also as missed in Q1.
# Response due 10 working days after the earlier of 02/07 and 24/06: 24/06 + 10 = Mon 08/07; responded
# Fri 05/07 (Q2): on time, in Q2.
QUARTERS = dict(case_id="Q", received="17/06/2024", stage1_acknowledged="02/07/2024", stage1_responded="05/07/2024",
                stage1_outcome="upheld", category="Repairs")


def test_a_step_due_in_one_quarter_and_done_in_the_next_is_counted_once(tmp_path):
    s = stats_of(tmp_path, [QUARTERS])
    acks = [(q.stage1_ack.on_time, q.stage1_ack.total) for q in s.quarters.values()]
    assert acks == [(0, 0), (0, 1), (0, 0), (0, 0)]
    assert (s.year.stage1_ack.on_time, s.year.stage1_ack.total) == (0, 1)
    assert [q.stage1_response.total for q in s.quarters.values()] == [0, 1, 0, 0]
    assert s.year.stage1_response.on_time == 1


def test_a_step_not_done_by_the_year_end_counts_in_the_quarter_it_was_due(tmp_path):
    # Received Mon 03/03/2025 (Q4), never acknowledged: due Mon 10/03 (Q4), missed there.
    s = stats_of(tmp_path, [dict(case_id="M", received="03/03/2025", category="Repairs")])
    assert [q.stage1_ack.total for q in s.quarters.values()] == [0, 0, 0, 1]


def test_the_definitions_say_what_the_figures_count():
    said = definitions("good_reason")
    assert "made or due in the window" in said["on_time_rate"]
    assert "quarters add up to the year" in said["on_time_rate"]
    assert "as at its last day" in said["as_at"]
