"""Case statistics under each version of the Code, on hand-worked fixtures.

The 2020 and 2022 Codes count the stage 1 response from the day the complaint was logged (the
case log's optional ``stage1_logged``; else the acknowledgement, the step 2022 Code 4.1 logs it
with) and the stage 2 response from the escalation request, set no limit on a stage 2
acknowledgement and allow a further 10 working days at stage 2; the 2024 Code counts both
responses from the acknowledgement (or the day it was due, whichever is earlier) and allows 20.

Every expected figure below was worked by hand from the Code's timescales and the England and
Wales bank holidays of 2023-24: Good Friday 7 April and Easter Monday 10 April 2023, 1 May and
8 May 2023 (the early May and coronation bank holidays), 29 May, 28 August, 25 and 26 December
2023 and 1 January 2024. "d + n" is the n-th working day after d.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from audit_lib.cases.load import load_case_log
from audit_lib.cases.schema import CANONICAL_COLUMNS
from audit_lib.cases.settings import CaseLogSettings
from audit_lib.core.periods import Period
from audit_lib.stats.definitions import definitions, figure_needs
from audit_lib.stats.engine import case_statistics
from audit_lib.stats.quarterly import quarterly_table
from audit_lib.stats.results import CaseStatistics
from benchmarks.synthetic import case_log_frame, write_csv
from tests.test_stats_properties import _after

P2324 = Period.parse("2023-24")
WITH_LOGGED = (*CANONICAL_COLUMNS, "stage1_logged")


def log_of(tmp_path, cases: list[dict], columns: tuple[str, ...] = WITH_LOGGED) -> pd.DataFrame:
    """The validated complaints of a CSV export with ``columns`` (as tests/test_stats.py builds them)."""
    lines = [",".join(columns)]
    for case in cases:
        lines.append(",".join(str(case.get(col, "")) for col in columns))
    path = tmp_path / "cases.csv"
    path.write_text("\n".join(lines) + "\n")
    log = load_case_log(path, CaseLogSettings(path="cases.csv", rare_below=1))
    assert log.exclusions.empty, log.exclusions.to_dict("records")
    return log.cases


def stats_of(tmp_path, cases: list[dict], code: str, columns: tuple[str, ...] = WITH_LOGGED,
             **options: object) -> CaseStatistics:
    return case_statistics(log_of(tmp_path, cases, columns), P2324, 1000, code=code, **options)


# Stage 1 under the 2022 Code (5.1: "within 10 working days of the complaint being logged").
STAGE1 = {
    # Received Thu 06/04/2023 and acknowledged the same day; logged Wed 12/04, after Easter (ack due
    # 06/04 + 5 = Mon 17/04, so the logging is in time). From logging: 12/04 + 10 = Wed 26/04; from
    # the acknowledgement (or receipt): 06/04 + 10 = Mon 24/04 (11, 12, 13, 14, 17, 18, 19, 20, 21, 24).
    # Responded Wed 26/04: on time from logging, late from the acknowledgement.
    "L1": dict(case_id="L1", received="06/04/2023", stage1_acknowledged="06/04/2023", stage1_logged="12/04/2023",
               stage1_responded="26/04/2023", stage1_outcome="upheld", category="Repairs"),
    # Received and logged Mon 24/04/2023, acknowledged Tue 02/05 (due 24/04 + 5: 25, 26, 27, 28, [1 May],
    # 2 May: on time). From logging: 24/04 + 10 = Wed 10/05 (over both May bank holidays); from the
    # acknowledgement: 02/05 + 10 = Wed 17/05. Responded Fri 12/05: late from logging, on time from the
    # acknowledgement.
    "L2": dict(case_id="L2", received="24/04/2023", stage1_acknowledged="02/05/2023", stage1_logged="24/04/2023",
               stage1_responded="12/05/2023", stage1_outcome="not upheld", category="Repairs"),
    # Received Mon 18/12/2023, acknowledged Tue 19/12, the day logged not recorded: from the
    # acknowledgement, 19/12 + 10 = Fri 05/01/2024 (20, 21, 22, 27, 28, 29, [1 Jan], 2, 3, 4, 5). Responded
    # Mon 08/01/2024: late (from the day the acknowledgement was due, 27/12 + 10 = 11/01, it would not be).
    "L3": dict(case_id="L3", received="18/12/2023", stage1_acknowledged="19/12/2023",
               stage1_responded="08/01/2024", stage1_outcome="upheld", category="Damp and mould"),
    # Received Fri 22/12/2023; ack due 22/12 + 5 = Wed 03/01/2024 (27, 28, 29, 2, 3). Logged and
    # acknowledged late, Mon 08/01: the response runs from the day the acknowledgement was due,
    # 03/01 + 10 = Wed 17/01 (from the late logging it would be 08/01 + 10 = Mon 22/01). Responded
    # Fri 19/01: late, with the column or without it.
    "L4": dict(case_id="L4", received="22/12/2023", stage1_acknowledged="08/01/2024", stage1_logged="08/01/2024",
               stage1_responded="19/01/2024", stage1_outcome="upheld", category="Repairs"),
}


@pytest.mark.parametrize("case_id, with_column, without_column", [
    ("L1", True, False), ("L2", False, True), ("L3", False, False), ("L4", False, False)])
def test_2022_stage_1_response_counted_from_logging(tmp_path, case_id, with_column, without_column):
    """From the day logged where the log records it; else (no column, or a blank cell) from the
    acknowledgement or the day it was due, whichever is earlier."""
    case = STAGE1[case_id]
    for columns, on_time in ((WITH_LOGGED, with_column), (CANONICAL_COLUMNS, without_column)):
        y = stats_of(tmp_path, [case], "2022", columns).year
        assert (y.stage1_responded, y.stage1_responded_on_time) == (1, int(on_time)), (case_id, columns[-1])
        assert (y.stage1_response.on_time, y.stage1_response.total) == (int(on_time), 1)
        # without the column the 2022 Code's stage 1 is counted as the 2024 Code's
        if columns == CANONICAL_COLUMNS:
            assert stats_of(tmp_path, [case], "2024", columns).year.stage1_response == y.stage1_response


def test_a_blank_day_logged_counts_as_a_log_without_the_column(tmp_path):
    cases = list(STAGE1.values())
    with_column = stats_of(tmp_path, cases, "2022")
    without = stats_of(tmp_path, cases, "2022", CANONICAL_COLUMNS)
    # L1 on time only with the column, L2 only without it; L3 (blank) and L4 late either way
    assert (with_column.year.stage1_response.on_time, without.year.stage1_response.on_time) == (1, 1)
    q = with_column.quarters
    assert [(q[n].stage1_response.on_time, q[n].stage1_response.total) for n in q] == [(1, 2), (0, 0), (0, 0), (0, 2)]
    # the 2024 Code never reads the column
    assert stats_of(tmp_path, cases, "2024").to_json() == stats_of(tmp_path, cases, "2024", CANONICAL_COLUMNS).to_json()


def test_the_literal_reading_counts_from_the_day_logged_however_late(tmp_path):
    """``response_deadline: from_acknowledgement``: L4 counted from its late logging (and, without
    the column, its late acknowledgement), 08/01 + 10 = Mon 22/01/2024: responded 19/01, on time. L1
    and L2 as before (each logged before the day the acknowledgement was due); L3 late."""
    literal = {"response_deadline": "from_acknowledgement"}
    assert stats_of(tmp_path, [STAGE1["L4"]], "2022", **literal).year.stage1_responded_on_time == 1
    assert stats_of(tmp_path, [STAGE1["L4"]], "2022", CANONICAL_COLUMNS, **literal).year.stage1_responded_on_time == 1
    q = stats_of(tmp_path, list(STAGE1.values()), "2022", **literal).quarters
    assert [(q[n].stage1_response.on_time, q[n].stage1_response.total) for n in q] == [(1, 2), (0, 0), (0, 0), (1, 2)]


def test_an_unknown_day_logged_keeps_the_complaint_out_of_the_response_figures_only(tmp_path):
    path = tmp_path / "cases.csv"
    header = ",".join(WITH_LOGGED)
    case = {**STAGE1["L1"], "stage1_logged": "31/04/2023"}  # no 31 April
    path.write_text(header + "\n" + ",".join(str(case.get(c, "")) for c in WITH_LOGGED) + "\n")
    log = load_case_log(path, CaseLogSettings(path="cases.csv", rare_below=1))
    assert log.exclusions["code"].tolist() == ["bad-date"] and log.cases["unknown"].tolist() == ["stage1_logged"]
    y = case_statistics(log.cases, P2324, 1000, code="2022", excluded_rows=0, rows_read=1).year
    assert (y.stage1_received, y.stage1_ack.on_time, y.stage1_ack.total) == (1, 1, 1)
    assert (y.stage1_responded, y.stage1_response.total) == (0, 0)
    # the 2024 Code does not count from logging: the complaint's response is in its figures
    y2024 = case_statistics(log.cases, P2324, 1000, code="2024").year
    assert (y2024.stage1_responded, y2024.stage1_responded_on_time) == (1, 0)  # from the ack: due 24/04
    assert "stage1_logged" in figure_needs("2022")[
        "stage 1 responses on time, CH02, extensions, overdue at the period end"]
    assert "stage1_logged" not in {f for needs in figure_needs("2024").values() for f in needs}


# Both stages, for the 2022 Code against the 2024 Code. Stage 1 of each is on time under both Codes.
STAGE2 = [
    # Received Mon 03/04/2023, logged the same day, acknowledged Tue 04/04, responded Thu 06/04 (due
    # 03/04 + 10 = Wed 19/04 from logging; 04/04 + 10 = Thu 20/04 from the acknowledgement).
    # Escalation requested Thu 06/04, acknowledged Mon 17/04 (2024: due 06/04 + 5 = Mon 17/04, on time).
    # 2022: respond by 06/04 + 20 = Wed 10/05 (over Easter and both May bank holidays); 2024: by
    # 17/04 + 20 = Wed 17/05. Responded Mon 15/05: late under 2022 (counted from the escalation
    # request), on time under 2024 (from the acknowledgement).
    dict(case_id="S1", received="03/04/2023", stage1_logged="03/04/2023", stage1_acknowledged="04/04/2023",
         stage1_responded="06/04/2023", stage2_requested="06/04/2023", stage2_acknowledged="17/04/2023",
         stage2_responded="15/05/2023", stage1_outcome="not upheld", stage2_outcome="upheld", category="Repairs"),
    # Received Mon 04/09/2023, logged and acknowledged Tue 05/09, responded Fri 15/09 (due 19/09).
    # Escalation requested Mon 02/10, acknowledged Wed 04/10 (2024: due Mon 09/10), an extension of 15
    # working days without a good reason. 2022 (limit 10): 02/10 + 20 + 10 = Mon 13/11; 2024 (limit 20,
    # all 15 allowed): 04/10 + 20 + 15 = Wed 22/11. Responded Fri 17/11: late under 2022, on time under
    # 2024; extended beyond the limit under 2022 only.
    dict(case_id="S2", received="04/09/2023", stage1_logged="05/09/2023", stage1_acknowledged="05/09/2023",
         stage1_responded="15/09/2023", stage2_requested="02/10/2023", stage2_acknowledged="04/10/2023",
         stage2_responded="17/11/2023", stage2_extension_days="15", stage1_outcome="not upheld",
         stage2_outcome="not upheld", category="Repairs"),
    # Received Mon 13/11/2023, logged and acknowledged Tue 14/11, responded Fri 24/11 (due 28/11).
    # Escalation requested Mon 04/12, acknowledged Fri 22/12 (2024: due Mon 11/12, late; 2022: no limit).
    # 2022: 04/12 + 20 = Thu 04/01/2024 (over Christmas and New Year); 2024: from the day the
    # acknowledgement was due, 11/12 + 20 = Thu 11/01/2024. Responded Tue 02/01/2024: on time under both.
    dict(case_id="S3", received="13/11/2023", stage1_logged="14/11/2023", stage1_acknowledged="14/11/2023",
         stage1_responded="24/11/2023", stage2_requested="04/12/2023", stage2_acknowledged="22/12/2023",
         stage2_responded="02/01/2024", stage1_outcome="not upheld", stage2_outcome="partly upheld",
         category="Repairs"),
]


@pytest.fixture
def by_code(tmp_path) -> dict[str, CaseStatistics]:
    cases = [*STAGE1.values(), *STAGE2]
    return {code: stats_of(tmp_path, cases, code) for code in ("2020", "2022", "2024")}


def test_2022_stage_2_response_counted_from_the_escalation_request(by_code):
    s2022, s2024 = by_code["2022"].year, by_code["2024"].year
    # S1 and S2 late under 2022, S3 on time; all three on time under 2024
    assert (s2022.stage2_responded, s2022.stage2_responded_on_time) == (3, 1)
    assert (s2022.stage2_response.on_time, s2022.stage2_response.total) == (1, 3)
    assert (s2024.stage2_responded, s2024.stage2_responded_on_time) == (3, 3)
    # the extension of 15 working days is beyond the 2022 Code's 10, within the 2024 Code's 20
    assert (s2022.stage2_extended, s2022.stage2_extended_beyond_limit,
            s2022.stage2_extended_beyond_limit_without_reason) == (1, 1, 1)
    assert (s2024.stage2_extended, s2024.stage2_extended_beyond_limit) == (1, 0)
    q = by_code["2022"].quarters
    assert [(q[n].stage2_response.on_time, q[n].stage2_response.total) for n in q] == [(0, 1), (0, 0), (0, 1), (1, 1)]


@pytest.mark.parametrize("policy, on_time", [("full", 2), ("code_limit", 1), ("none", 1)])
def test_2022_stage_2_extension_policies(tmp_path, policy, on_time):
    """S2 under 2022 with the whole extension counted: 02/10 + 35 = Mon 20/11, so 17/11 is on time."""
    y = stats_of(tmp_path, STAGE2, "2022", extension_policy=policy).year
    assert (y.stage2_response.on_time, y.stage2_response.total) == (on_time, 3)


def test_a_good_reason_lets_the_2022_stage_2_extension_count_in_full(tmp_path):
    columns = (*WITH_LOGGED, "stage2_extension_good_reason")
    cases = [{**STAGE2[1], "stage2_extension_good_reason": "yes"}]
    y = stats_of(tmp_path, cases, "2022", columns).year
    assert (y.stage2_responded_on_time, y.stage2_extended_beyond_limit_with_reason) == (1, 1)


def test_the_same_log_gives_different_ch02_under_2022_and_2024(by_code):
    s2022, s2024 = by_code["2022"].year, by_code["2024"].year
    # stage 1: L1 on time and L2 late from logging (2022); L1 late and L2 on time from the
    # acknowledgement (2024); L3 and L4 late and S1-S3 on time under both: 4 of 7 either way
    assert (s2022.stage1_responded, s2022.stage1_responded_on_time) == (7, 4)
    assert (s2024.stage1_responded, s2024.stage1_responded_on_time) == (7, 4)
    assert (by_code["2022"].quarters["Q1"].stage1_responded_on_time,
            by_code["2024"].quarters["Q1"].stage1_responded_on_time) == (2, 2)  # L1 + S1 against L2 + S1
    # stage 2: 1 of 3 against 3 of 3
    assert (s2022.tsm_ch02_stage1_pct, s2022.tsm_ch02_stage2_pct) == (57.1, 33.3)
    assert (s2024.tsm_ch02_stage1_pct, s2024.tsm_ch02_stage2_pct) == (57.1, 100.0)
    assert by_code["2022"].to_json()["stage2_response"] != by_code["2024"].to_json()["stage2_response"]
    # the 2020 Code counts as the 2022 Code does (10 / 20 working days, from logging / the request)
    assert by_code["2020"].year == s2022


def test_no_stage_2_acknowledgement_figure_where_the_code_sets_no_limit(by_code):
    assert by_code["2022"].year.stage2_ack is None and by_code["2020"].year.stage2_ack is None
    assert all(q.stage2_ack is None for q in by_code["2022"].quarters.values())
    # 2024: S1 and S2 acknowledged on time, S3 late
    ack = by_code["2024"].year.stage2_ack
    assert ack is not None and (ack.on_time, ack.total) == (2, 3)
    # stage 1 acknowledgements are counted under every version: L4 late (08/01 against 03/01)
    assert {code: (s.year.stage1_ack.on_time, s.year.stage1_ack.total) for code, s in by_code.items()} == {
        "2020": (6, 7), "2022": (6, 7), "2024": (6, 7)}


def test_the_quarterly_table_under_2022(by_code):
    headings, rows = quarterly_table(by_code["2022"])
    assert headings == ["Q1", "Q2", "Q3", "Q4", "2023-24"]
    labels = [label for label, _ in rows]
    assert "Acknowledged within 5 working days, of stage 1 acknowledgements made or due" in labels
    assert not [label for label in labels if "stage 2 acknowledgements" in label]
    table = dict(rows)
    assert table["Responded within 10 working days of logging (+ allowed extension), of stage 1 responses made "
                 "or due"] == ["66.7% (2 of 3)", "100.0% (1 of 1)", "100.0% (1 of 1)", "0.0% (0 of 2)",
                               "57.1% (4 of 7)"]
    assert table["Responded within 20 working days of the escalation request (+ allowed extension), of stage 2 "
                 "responses made or due"] == ["0.0% (0 of 1)", "n/a", "0.0% (0 of 1)", "100.0% (1 of 1)",
                                              "33.3% (1 of 3)"]
    # stage 1, then stage 2: S2's 15 working days are beyond the 2022 Code's 10
    assert [cells[-1] for label, cells in rows
            if label == "Extended beyond 10 working days without a good reason recorded"] == ["0", "1"]

    labels_2024 = [label for label, _ in quarterly_table(by_code["2024"])[1]]
    assert "Acknowledged within 5 working days, of stage 2 acknowledgements made or due" in labels_2024
    assert ("Responded within 20 working days of acknowledgement (+ allowed extension), of stage 2 responses made "
            "or due") in labels_2024


def test_the_2022_definitions(by_code):
    deadlines = by_code["2022"].definitions["deadlines"]
    assert deadlines.startswith("Deadlines are the 2022 Code's, the Code the period is assessed against, for every "
                                "complaint counted in it")
    assert ("respond within 10 working days (5.1), plus any allowed extension, of logging (the day logged where "
            "the case log records it, stage1_logged; else the acknowledgement") in deadlines
    assert ("Stage 2: the Code sets no time limit for the acknowledgement; respond within 20 working days (5.13), "
            "plus any allowed extension, of the escalation request.") in deadlines
    assert deadlines.endswith("The Code's optional stage 3 (respond within 20 working days, 5.18) is not in a case "
                              "log and not counted.")
    assert deadlines == definitions("good_reason", "2022")["deadlines"]
    assert "2022" not in by_code["2024"].definitions["deadlines"]
    assert "stage 3" not in by_code["2024"].definitions["deadlines"]
    assert "10 working days at stage 1, 10 at stage 2" in by_code["2022"].definitions["extensions"]
    assert "10 working days at stage 1, 20 at stage 2" in by_code["2024"].definitions["extensions"]


# ---------------------------------------------------------------- as at the period's end, per version

SEEDS = (3, 17, 2024)


@pytest.fixture(scope="module", params=SEEDS)
def export(request) -> pd.DataFrame:
    """The synthetic export of tests/test_stats_properties.py, with a day logged at stage 1: the day
    received or up to a week later, blank for one complaint in ten."""
    frame = case_log_frame(1500, seed=request.param)
    rng = np.random.default_rng(request.param)
    logged = pd.to_datetime(frame["received"]) + pd.to_timedelta(rng.integers(0, 8, size=len(frame)), unit="D")
    frame["stage1_logged"] = logged.mask(rng.random(len(frame)) < 0.1)
    return frame


def _later(export: pd.DataFrame, end: dt.date, seed: int) -> pd.DataFrame:
    """The export as a later one could show it (tests/test_stats_properties.py), the day logged
    included: each one after ``end`` moved or removed, and one added where there was none."""
    out = _after(export, end, seed)
    rng = np.random.default_rng(seed + 100)
    values = pd.to_datetime(out["stage1_logged"])
    end_ts = pd.Timestamp(end)
    later = values > end_ts
    shifted = end_ts + pd.to_timedelta(rng.integers(1, 200, size=len(out)), unit="D")
    choice = rng.integers(0, 3, size=len(out))
    moved = values.mask(later & (choice == 0), pd.NaT).mask(later & (choice == 1), shifted)
    out["stage1_logged"] = moved.mask(values.isna() & (rng.random(len(out)) < 0.3), shifted)
    assert ((out["stage1_logged"] != export["stage1_logged"]) & out["stage1_logged"].notna()).sum() > 10
    return out


def _load(frame: pd.DataFrame, folder) -> pd.DataFrame:
    if "stage1_logged" in frame.columns:  # dd/mm/yyyy, as the other dates are written
        frame = frame.assign(stage1_logged=frame["stage1_logged"].dt.strftime("%d/%m/%Y").fillna(""))
    path = write_csv(frame, folder / "cases.csv")
    return load_case_log(path, CaseLogSettings(path=path.name)).cases


@pytest.fixture(scope="module")
def loaded(export, tmp_path_factory) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """The export's complaints, and those of three later exports, each written and loaded as a file."""
    folder = tmp_path_factory.mktemp("logged")
    return _load(export, folder), [_load(_later(export, P2324.end, seed), folder) for seed in range(3)]


@pytest.mark.parametrize("options", [{}, {"response_deadline": "from_acknowledgement", "extension_policy": "full"}],
                         ids=["defaults", "literal reading"])
@pytest.mark.parametrize("code", ["2022", "2020"])
def test_later_events_never_change_a_period_s_figures_under_the_2022_code(loaded, code, options):
    """Adding, changing or removing any event dated after the period's end (the day logged among
    them) leaves every figure of the period unchanged, through the whole pipeline (the later
    exports are loaded as files, so problems only a later step reveals are found by validation)."""
    cases, later_exports = loaded
    assert cases["stage1_logged"].notna().sum() > 1000
    before = case_statistics(cases, P2324, 5000, code=code, **options).to_json()
    assert before["stage1_response"]["total"] > before["stage1_response"]["on_time"] > 0
    for later in later_exports:
        after = case_statistics(later, P2324, 5000, code=code, **options).to_json()
        differs = {k for k in before if before[k] != after[k]}
        assert not differs, {k: (before[k], after[k]) for k in differs}


def test_the_day_logged_changes_the_2022_figures_of_a_random_log(export, loaded, tmp_path):
    """The column is read: the same random log without it gives other stage 1 response figures
    under 2022, and the same figures under 2024."""
    with_column = loaded[0]
    without = _load(export.drop(columns=["stage1_logged"]), tmp_path)
    assert "stage1_logged" in with_column.columns and "stage1_logged" not in without.columns
    figures = {code: [case_statistics(cases, P2324, 5000, code=code).to_json() for cases in (with_column, without)]
               for code in ("2022", "2024")}
    assert figures["2022"][0]["stage1_response"] != figures["2022"][1]["stage1_response"]
    assert figures["2024"][0] == figures["2024"][1]
    # without the column, both Codes count the stage 1 response from the acknowledgement
    assert figures["2022"][1]["quarters"] == {
        name: {**q, **{k: v for k, v in figures["2022"][1]["quarters"][name].items() if "stage2" in k}}
        for name, q in figures["2024"][1]["quarters"].items()}
