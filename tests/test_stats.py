"""Case statistics on hand-worked fixtures. Every expected figure below was worked by hand
from the Code's timescales and the England and Wales bank holidays (see comments)."""

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import audit_lib.code
from audit_lib.cases.load import load_case_log
from audit_lib.cases.schema import CANONICAL_COLUMNS
from audit_lib.cases.settings import CaseLogSettings
from audit_lib.code.catalogue import add_code_folder, remove_code_folder
from audit_lib.config.landlords import LocalTargets
from audit_lib.core.periods import Period
from audit_lib.errors import CatalogueError
from audit_lib.stats.definitions import definitions
from audit_lib.stats.engine import case_statistics
from audit_lib.stats.provision_figures import provision_figures
from audit_lib.stats.quarterly import quarterly_table
from audit_lib.stats.results import per_thousand, percent

P2425 = Period.parse("2024-25")


def log_of(tmp_path, cases: list[dict]) -> "pd.DataFrame":  # noqa: F821
    lines = [",".join(CANONICAL_COLUMNS)]
    for case in cases:
        lines.append(",".join(str(case.get(col, "")) for col in CANONICAL_COLUMNS))
    path = tmp_path / "cases.csv"
    path.write_text("\n".join(lines) + "\n")
    # every word counted as written (the grouping of rare words as "Other": tests/test_personal_data.py)
    log = load_case_log(path, CaseLogSettings(path="cases.csv", rare_below=1))
    assert log.exclusions.empty, log.exclusions.to_dict("records")
    return log.cases


# Dates are dd/mm/yyyy as a housing system exports them.
CASES = [
    # B: Thu 28/03/2024, before Good Friday 29/03 and Easter Monday 01/04. Ack deadline: Tue 2 (1), Wed 3 (2),
    # Thu 4 (3), Fri 5 (4), Mon 8 April (5): acknowledged 08/04 on time. Response due 8 Apr + 10 = 22/04: on time.
    dict(case_id="B", received="28/03/2024", stage1_acknowledged="08/04/2024", stage1_responded="22/04/2024",
         stage1_outcome="upheld", category="Repairs", compensation="50"),
    # C: Tue 24/12/2024; 25, 26 Dec and 1 Jan are bank holidays: ack due Fri 03/01/2025 (on time).
    # Response due 3 Jan + 10 = Fri 17/01/2025; responded Mon 20/01 = late.
    dict(case_id="C", received="24/12/2024", stage1_acknowledged="03/01/2025", stage1_responded="20/01/2025",
         stage1_outcome="not upheld", category="Damp and mould"),
    # D: Saturday 08/06/2024 counts from Mon 10 June: ack due Mon 17/06 (on time); response due 17 Jun + 10 = 01/07.
    dict(case_id="D", received="08/06/2024", stage1_acknowledged="17/06/2024", stage1_responded="01/07/2024",
         stage1_outcome="partly upheld", category="Repairs", compensation="£100.00"),
    # E: same-day acknowledgement Mon 03/06/2024; response due 3 Jun + 10 + extension 10 = 01/07 (at the limit).
    dict(case_id="E", received="03/06/2024", stage1_acknowledged="03/06/2024", stage1_responded="01/07/2024",
         stage1_extension_days="10", stage1_outcome="upheld", category="Repairs"),
    # F: extension 15 is beyond the limit: code_limit due 3 Jun + 20 = 01/07; responded 08/07 (= 3 Jun + 25): late.
    dict(case_id="F", received="03/06/2024", stage1_acknowledged="03/06/2024", stage1_responded="08/07/2024",
         stage1_extension_days="15", stage1_outcome="not upheld", category="Anti-social behaviour"),
    # G: escalation across the Q1/Q2 boundary: requested Fri 28/06, ack due 28 Jun + 5 = Fri 05/07 (on time);
    # stage 2 response due 5 Jul + 20 = Fri 02/08 (on time). Stage 1: ack 04/06, due 18/06, responded 14/06.
    dict(case_id="G", received="03/06/2024", stage1_acknowledged="04/06/2024", stage1_responded="14/06/2024",
         stage2_requested="28/06/2024", stage2_acknowledged="05/07/2024", stage2_responded="02/08/2024",
         stage1_outcome="not upheld", stage2_outcome="upheld", category="Repairs", compensation="250",
         ombudsman_outcome="Service failure"),
    # H: received Mon 24/03/2025, ack 25/03; response due 25 Mar + 10 = 08/04/2025, after the year end: open, not overdue.
    dict(case_id="H", received="24/03/2025", stage1_acknowledged="25/03/2025", category="Lettings"),
    # I: received Mon 03/03/2025, ack 04/03; response due 04 Mar + 10 = 18/03/2025, never sent: missed in Q4, overdue.
    dict(case_id="I", received="03/03/2025", stage1_acknowledged="04/03/2025", category="Repairs"),
    # J: refused: counted apart.
    dict(case_id="J", received="10/04/2024", refused_reason="Legal proceedings have started", category="Repairs"),
    # K: received Mon 17/03/2025, never acknowledged: ack due 24/03/2025 passed in Q4 (missed);
    # response due (ack deadline) 24 Mar + 10 = 07/04/2025: not yet overdue.
    dict(case_id="K", received="17/03/2025", category="Communication"),
]


@pytest.fixture
def stats(tmp_path):
    return case_statistics(log_of(tmp_path, CASES), P2425, homes=1000)


def test_volumes(stats):
    y = stats.year
    assert (y.stage1_received, y.stage2_received, y.refused) == (8, 1, 1)  # B was received in 2023-24
    assert [stats.quarters[q].stage1_received for q in ("Q1", "Q2", "Q3", "Q4")] == [4, 0, 1, 3]
    assert stats.quarters["Q1"].refused == 1 and stats.quarters["Q1"].stage2_received == 1
    assert stats.refused_by_reason == {"Legal proceedings have started": 1}


def test_acknowledgement_rates(stats):
    # done in the year: B C D E F G H I, all on time; K missed (due 24/03/2025) -> 8 of 9
    assert (stats.year.stage1_ack.on_time, stats.year.stage1_ack.total) == (8, 9)
    assert stats.year.stage1_ack.pct == 88.9
    q = stats.quarters
    assert (q["Q1"].stage1_ack.on_time, q["Q1"].stage1_ack.total) == (5, 5)  # B D E F G
    assert (q["Q3"].stage1_ack.total, q["Q3"].stage1_ack.pct) == (0, None)  # C's ack is in Q4
    assert (q["Q4"].stage1_ack.on_time, q["Q4"].stage1_ack.total) == (3, 4)  # C H I, K missed


def test_response_rates_and_ch02(stats):
    y = stats.year
    # responses in the year: B on, C late, D on, E on (extension at limit), F late, G on; I missed.
    assert (y.stage1_response.on_time, y.stage1_response.total) == (4, 7)
    assert (y.stage1_responded, y.stage1_responded_on_time, y.tsm_ch02_stage1_pct) == (6, 4, 66.7)
    assert (y.stage1_extended, y.stage1_extended_beyond_limit) == (2, 1)
    q = stats.quarters
    assert (q["Q1"].stage1_response.on_time, q["Q1"].stage1_response.total) == (2, 2)  # B G; D E F due 01/07
    assert (q["Q2"].stage1_response.on_time, q["Q2"].stage1_response.total) == (2, 3)  # D E on, F late
    assert (q["Q4"].stage1_response.on_time, q["Q4"].stage1_response.total) == (0, 2)  # C late, I missed
    assert q["Q4"].tsm_ch02_stage1_pct == 0.0 and q["Q3"].tsm_ch02_stage1_pct is None


def test_stage2(stats):
    y = stats.year
    assert (y.stage2_ack.on_time, y.stage2_ack.total, y.stage2_response.on_time, y.stage2_response.total) == (1, 1, 1, 1)
    assert (y.stage2_responded, y.tsm_ch02_stage2_pct) == (1, 100.0)
    assert stats.quarters["Q1"].stage2_ack.total == 0 and stats.quarters["Q2"].stage2_ack.on_time == 1


def test_tsm_ch01_and_rates(stats):
    assert stats.tsm_ch01_stage1_per_1000 == 8.0
    assert stats.tsm_ch01_stage2_per_1000 == 1.0
    assert stats.escalation_rate_pct == 16.7  # 1 escalation / 6 stage 1 responses
    assert stats.ombudsman_outcomes["service failure"] == 1 and stats.maladministration_rate_pct == 100.0


def test_outcomes_categories_compensation(stats):
    assert stats.stage1_outcomes == {"upheld": 2, "partly upheld": 1, "not upheld": 3, "withdrawn": 0,
                                     "not recorded": 0}
    assert stats.stage2_outcomes == {"upheld": 1, "partly upheld": 0, "not upheld": 0, "withdrawn": 0,
                                     "not recorded": 0}
    assert stats.categories == {"Repairs": 4, "Anti-social behaviour": 1, "Communication": 1,
                                "Damp and mould": 1, "Lettings": 1}
    # final responses in the year: B (£50), D (£100), G (£250 at stage 2) ... E, F, C no compensation
    assert (stats.compensation_cases, stats.compensation_total) == (3, 400.0)


def test_open_at_year_end(stats):
    o = stats.open_at_end
    assert (o.stage1_open, o.stage1_overdue, o.stage2_open, o.stage2_overdue) == (3, 1, 0, 0)
    # working days at 31/03/2025: H from 24/03 = 5, I from 03/03 = 20, K from 17/03 = 10
    assert o.stage1_ageing == {"0-10": 2, "11-20": 1, "21-40": 0, "41+": 0}


@pytest.mark.parametrize("policy, on_time, ch02", [("code_limit", 4, 66.7), ("full", 5, 83.3), ("none", 3, 50.0)])
def test_extension_policy(tmp_path, policy, on_time, ch02):
    # full: F's 15-day extension counts (due 08/07, on time); none: E's extension does not (due 17/06, late)
    s = case_statistics(log_of(tmp_path, CASES), P2425, homes=1000, extension_policy=policy)
    assert s.year.stage1_responded_on_time == on_time and s.year.tsm_ch02_stage1_pct == ch02
    assert policy in json.dumps(s.to_json())


def test_local_targets(tmp_path):
    # 3 working days: B due 04/04 (late), C due 31/12 (late), D due 13/06 (late); E F G H I on time; K missed
    s = case_statistics(log_of(tmp_path, CASES), P2425, homes=1000,
                        local_targets=LocalTargets(stage1_acknowledge=3))
    assert (s.year.stage1_ack_local.on_time, s.year.stage1_ack_local.total) == (5, 9)
    assert s.year.stage1_ack_local.pct == 55.6
    assert s.year.stage1_response_local is None
    assert s.local_targets == {"stage1_acknowledge": 3}


def test_coronation_bank_holiday(tmp_path):
    cases = [
        dict(case_id="A1", received="05/05/2023", stage1_acknowledged="15/05/2023"),  # day 5 over 8 May: on time
        dict(case_id="A2", received="05/05/2023", stage1_acknowledged="16/05/2023"),  # day 6: late
    ]
    s = case_statistics(log_of(tmp_path, cases), Period.parse("2023-24"), homes=100)
    assert (s.year.stage1_ack.on_time, s.year.stage1_ack.total, s.year.stage1_ack.pct) == (1, 2, 50.0)


def test_received_in_one_year_answered_in_the_next(tmp_path):
    cases = [dict(case_id="H", received="24/03/2025", stage1_acknowledged="25/03/2025", stage1_responded="08/04/2025",
                  stage1_outcome="upheld")]
    before = case_statistics(log_of(tmp_path, cases), P2425, homes=100)
    after = case_statistics(log_of(tmp_path, cases), Period.parse("2025-26"), homes=100)
    assert (before.year.stage1_received, before.year.stage1_responded, before.open_at_end.stage1_open) == (1, 0, 1)
    assert (after.year.stage1_received, after.year.stage1_responded, after.year.tsm_ch02_stage1_pct) == (0, 1, 100.0)
    assert after.quarters["Q1"].stage1_response.total == 1


def test_withdrawn_before_response_is_not_open_or_missed(tmp_path):
    cases = [dict(case_id="W", received="01/07/2024", stage1_acknowledged="02/07/2024", stage1_outcome="withdrawn")]
    s = case_statistics(log_of(tmp_path, cases), P2425, homes=100)
    assert s.withdrawn_before_response == 1
    assert s.year.stage1_response.total == 0 and s.open_at_end.stage1_open == 0


def test_service_requests_supplied_by_landlord(tmp_path):
    s = case_statistics(log_of(tmp_path, CASES[:1]), P2425, homes=10,
                        service_requests={"Q1": 19, "Q2": 6, "Q3": 7, "Q4": 11})
    assert [s.quarters[q].service_requests for q in ("Q1", "Q2", "Q3", "Q4")] == [19, 6, 7, 11]
    assert s.year.service_requests == 43


def test_json_shape(stats):
    data = stats.to_json()
    for key in ("stage1_received", "stage2_received", "refused", "stage1_ack_on_time_pct", "stage2_ack_on_time_pct",
                "stage1_responded", "stage1_responded_on_time", "tsm_ch02_stage1_pct", "stage2_responded",
                "stage2_responded_on_time", "tsm_ch02_stage2_pct", "tsm_ch01_stage1_per_1000",
                "tsm_ch01_stage2_per_1000", "quarters", "excluded_rows"):
        assert key in data, key
    assert set(data["quarters"]) == {"Q1", "Q2", "Q3", "Q4"}
    assert data["quarters"]["Q4"]["stage1_received"] == 3
    json.dumps(data)  # serialisable


def test_rounding_is_half_up_with_one_decimal():
    assert percent(1, 80) == 1.3  # 1.25: float rounding would give 1.2
    assert percent(2, 3) == 66.7 and percent(0, 5) == 0.0 and percent(0, 0) is None
    assert per_thousand(532, 12000) == 44.3 and per_thousand(1, 0) is None


def test_empty_log(tmp_path):
    s = case_statistics(log_of(tmp_path, CASES)[0:0], P2425, homes=100)
    assert s.year.stage1_received == 0 and s.year.tsm_ch02_stage1_pct is None and s.escalation_rate_pct is None


# --- the landlord's Code version: its limits, read when first used ------------------------------

#: A Code version that does not ship with the product: the 2024 Code's file under another name,
#: with other timescales (stage 1: respond 15, extension 5; stage 2: acknowledge 10, respond 25,
#: extension 10) and no figures beside 9.7.
SLOW = "test-slow"


def write_slow_code(folder: Path) -> Path:
    """Write the :data:`SLOW` version's data file, ``code_test-slow.yaml``, into ``folder``."""
    data = yaml.safe_load((Path(audit_lib.code.__file__).parent / "data" / "code_2024.yaml").read_text("utf-8"))
    data["code"] = SLOW
    stage1, stage2 = data["timescales"]["stages"]
    stage1["respond"]["working_days"], stage1["extension"]["working_days"] = 15, 5
    stage2["acknowledge"]["working_days"], stage2["respond"]["working_days"] = 10, 25
    stage2["extension"]["working_days"] = 10
    del data["figures"]["9.7"]
    path = folder / f"code_{SLOW}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def slow_code(tmp_path_factory):
    """The :data:`SLOW` version, loadable while the module's tests run."""
    folder = tmp_path_factory.mktemp("code")
    write_slow_code(folder)
    add_code_folder(folder)
    yield SLOW
    remove_code_folder(folder)


def test_the_code_version_s_limits_set_the_figures(tmp_path, slow_code):
    cases = log_of(tmp_path, CASES)
    default, slow = case_statistics(cases, P2425, homes=1000), case_statistics(cases, P2425, homes=1000, code=slow_code)
    assert (default.code, slow.code) == ("2024", "test-slow")
    # 15 working days to respond: C (ack 03/01/2025, due 24/01) is on time on 20/01; I is still missed (due 25/03).
    # Extensions count up to 5 days: E (due 3 Jun + 15 + 5 = 01/07) on time, F (due 01/07, sent 08/07) late.
    y = slow.year
    assert (y.stage1_response.on_time, y.stage1_response.total, y.tsm_ch02_stage1_pct) == (5, 7, 83.3)
    assert (y.stage1_extended, y.stage1_extended_beyond_limit) == (2, 2)  # E's 10 days and F's 15 are beyond 5
    assert (slow.quarters["Q4"].stage1_response.on_time, slow.quarters["Q4"].stage1_response.total) == (1, 2)
    assert (default.year.stage1_response.on_time, default.year.tsm_ch02_stage1_pct) == (4, 66.7)
    assert default.year.stage1_extended_beyond_limit == 1
    # G's stage 2 (ack due 12/07, response due 5 Jul + 25) stays on time; acknowledgements (5 days) are unchanged
    assert (y.stage2_ack, y.stage2_response, y.stage1_ack) == (default.year.stage2_ack, default.year.stage2_response,
                                                               default.year.stage1_ack)
    assert ("Stage 1: acknowledge within 5 working days of receipt (6.2); respond within 15 working days (6.3)"
            in slow.definitions["deadlines"])
    assert ("Stage 2: acknowledge within 10 working days of the escalation request (6.11); respond within 25 working "
            "days (6.14)" in slow.definitions["deadlines"])
    assert ("An extension communicated to the resident counts up to the Code's limit (5 working days at stage 1, 10 "
            "at stage 2)" in slow.definitions["extensions"])
    assert default.definitions == definitions("good_reason")
    assert "code" not in slow.to_json() and slow.to_json().keys() == default.to_json().keys()


def test_the_table_and_the_sentences_follow_the_figures_code_version(tmp_path, slow_code):
    slow = case_statistics(log_of(tmp_path, CASES), P2425, homes=1000, code=slow_code)
    labels = [label for label, _ in quarterly_table(slow)[1]]
    assert {"Acknowledged within 5 working days, of stage 1 acknowledgements made or due",
            "Responded within 15 working days of acknowledgement (+ allowed extension), of stage 1 responses made or due",
            "Acknowledged within 10 working days, of stage 2 acknowledgements made or due",
            "Responded within 25 working days of acknowledgement (+ allowed extension), of stage 2 responses made or due"} <= set(labels)
    figures = provision_figures(slow)
    assert figures["6.3"][0] == ("71.4% of stage 1 responses within 15 working days plus any allowed extension on "
                                 "time (5 of 7 made or due in the period; 2 late).")
    assert figures["6.4"] == ["2 of 6 stage 1 responses issued were extended; 2 beyond 5 working days: 0 with a good "
                              "reason recorded, 2 without."]
    assert figures["6.11"] == ["100.0% of stage 2 acknowledgements within 10 working days on time (1 of 1 made or "
                               "due in the period; 0 late)."]
    assert "9.7" not in figures  # the version's own map of figures to provisions
    assert "9.7" in provision_figures(dataclasses.replace(slow, code="2024"))


def test_an_unknown_code_version_is_a_clear_error(tmp_path):
    with pytest.raises(CatalogueError, match="no catalogue for Code version '1999'"):
        case_statistics(log_of(tmp_path, CASES), P2425, homes=1000, code="1999")


IMPORT_AND_WATCH = """
import json, os, sys
opened = []
def watch(event, args):
    if event == "open" and isinstance(args[0], (str, os.PathLike)) and os.fspath(args[0]).endswith(".yaml"):
        opened.append(os.fspath(args[0]))
sys.addaudithook(watch)
import audit_lib.stats
from audit_lib.code.catalogue import _load_version
from audit_lib.code.timescales import _stages, stages
found = {"opened": list(opened), "catalogues": _load_version.cache_info().currsize,
         "stages": _stages.cache_info().currsize}
stages()  # the first use reads the file, which the hook sees
found["opened_on_use"] = [os.path.basename(path) for path in opened]
print(json.dumps(found))
"""


def test_importing_the_statistics_reads_no_code_file():
    out = subprocess.run([sys.executable, "-c", IMPORT_AND_WATCH], capture_output=True, text=True, check=True)
    found = json.loads(out.stdout)
    assert found == {"opened": [], "catalogues": 0, "stages": 0, "opened_on_use": ["code_2024.yaml"]}
