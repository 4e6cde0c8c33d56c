"""The demo group as the README and the demo promise it: four subsidiaries, two of which assessed
2023-24 against the 2022 Code (one of them, Wharfedale, has not started 2024-25), case logs
covering the years they assess, answers whose figures are their own case log's, and a generator
that writes exactly the committed case logs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from audit_lib.assessment.answers import Status
from audit_lib.assessment.answers_file import load_assessment
from audit_lib.assessment.checks import answer_flags
from audit_lib.cases.load import load_case_log
from audit_lib.code.catalogue import load_catalogue
from audit_lib.config.landlords import load_landlord, load_registry
from audit_lib.core.periods import Period
from audit_lib.stats.engine import landlord_statistics

from .demo import DEMO_ASSESSED_2023_24, DEMO_IDS, DEMO_INPUTS, DEMO_STARTED_2024_25

P2324 = Period.parse("2023-24")
P2425 = Period.parse("2024-25")


def test_the_group_has_four_subsidiaries_and_one_has_not_started_2024_25():
    registry = load_registry(DEMO_INPUTS)
    assert tuple(entry.id for entry in registry.landlords) == DEMO_IDS
    wharfedale = registry.get("wharfedale-community-homes")
    assert (wharfedale.name, wharfedale.homes) == ("Wharfedale Community Homes", 900)
    for landlord_id in DEMO_IDS:
        answers = DEMO_INPUTS / landlord_id / "answers"
        assert (answers / "2024-25.yaml").is_file() == (landlord_id in DEMO_STARTED_2024_25), landlord_id
        assert (answers / "2023-24.yaml").is_file() == (landlord_id in DEMO_ASSESSED_2023_24), landlord_id


@pytest.mark.parametrize("landlord_id", DEMO_ASSESSED_2023_24)
def test_2023_24_is_a_complete_approved_assessment_against_the_2022_code(landlord_id):
    landlord = load_landlord(DEMO_INPUTS, landlord_id)
    assert landlord.code_for(P2324) == "2022" and landlord.code_for(P2425) == "2024"
    catalogue = load_catalogue("2022")
    assessment = load_assessment(landlord.answers_path("2023-24"), catalogue, landlord_id, "2023-24")
    assert assessment.code == "2022" and set(assessment.answers) == set(catalogue.ids)
    signoff = assessment.signoff
    assert assessment.state == "Approved"
    assert all(s is not None and s.date.year == 2024 and s.date.month == 5
               for s in (signoff.prepared, signoff.reviewed, signoff.approved))
    statuses = [a.status for a in assessment.answers.values()]
    assert None not in statuses
    assert 4 <= sum(s in (Status.NO, Status.PARTIAL) for s in statuses) <= 12  # a few gaps, not a failing landlord
    approved = signoff.approved.date  # type: ignore[union-attr]
    for provision_id, answer in assessment.answers.items():  # nothing a reviewer would send back at approval
        assert answer_flags(answer, approved, catalogue.provision(provision_id)) == [], provision_id
        if answer.status in (Status.NO, Status.PARTIAL):
            assert all(action.owner and action.due for action in answer.actions), provision_id


def _statistics(landlord_id: str, period: Period):
    landlord = load_landlord(DEMO_INPUTS, landlord_id)
    log = load_case_log(landlord.case_log_path, landlord.config.case_log)
    return landlord_statistics(log, landlord, period, landlord.code_for(period))


def test_calder_vale_s_log_covers_both_years_with_2024_25_as_before():
    landlord = load_landlord(DEMO_INPUTS, "calder-vale-housing")
    assert landlord.case_log_path.name == "complaints_2023-25.csv"
    earlier_stats = _statistics("calder-vale-housing", P2324)
    earlier, later = earlier_stats.year, _statistics("calder-vale-housing", P2425).year
    # 2024-25 as its answers quote it (and as it was before 2023-24 was added to the export)
    assert (later.stage1_received, later.stage2_received, later.refused) == (132, 14, 5)
    assert later.stage1_ack is not None and (later.stage1_ack.on_time, later.stage1_ack.total) == (129, 134)
    # 2023-24 as its answers quote it, counted by the 2022 Code's rules
    assert (earlier.stage1_received, earlier.stage2_received, earlier.refused) == (116, 17, 7)
    assert earlier.stage1_ack is not None and (earlier.stage1_ack.on_time, earlier.stage1_ack.total) == (104, 112)
    assert (earlier.stage1_response.on_time, earlier.stage1_response.total) == (95, 110)
    assert (earlier.stage2_response.on_time, earlier.stage2_response.total) == (14, 16)
    assert earlier.stage2_ack is None  # the 2022 Code sets no stage 2 acknowledgement limit
    assert (earlier_stats.compensation_cases, earlier_stats.compensation_total) == (29, 4400.0)
    assert earlier_stats.stage2_same_handler == 0


def test_wharfedale_s_2023_24_figures_are_those_its_answers_quote():
    stats = _statistics("wharfedale-community-homes", P2324)
    year = stats.year
    assert (year.stage1_received, year.stage2_received, year.refused) == (41, 6, 2)
    assert year.stage1_ack is not None and (year.stage1_ack.on_time, year.stage1_ack.total) == (40, 40)
    assert (year.stage1_response.on_time, year.stage1_response.total) == (35, 40)
    assert (year.stage2_response.on_time, year.stage2_response.total) == (6, 6)
    assert (stats.stage2_same_handler, stats.compensation_cases, stats.compensation_total) == (1, 12, 1900.0)
    assert _statistics("wharfedale-community-homes", P2425).year.stage1_received > 30  # 2024-25 to assess


def test_calder_vale_s_year_on_year_has_movement_both_ways():
    from audit_lib.assessment.year_on_year import year_on_year

    folder = DEMO_INPUTS / "calder-vale-housing" / "answers"
    current = load_assessment(folder / "2024-25.yaml", load_catalogue("2024"), "calder-vale-housing", "2024-25")
    previous = load_assessment(folder / "2023-24.yaml", load_catalogue("2022"), "calder-vale-housing", "2023-24")
    counts = year_on_year(current, load_catalogue("2024"), previous, previous_period="2023-24",
                          previous_code="2022").counts
    assert counts["improved"] >= 5 and counts["worsened"] >= 2 and counts["new-provision"] >= 5, counts


def test_the_generator_writes_the_committed_case_logs(tmp_path: Path):
    from scripts.generate_demo_data import main

    main(["--inputs", str(tmp_path)])
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.csv"))
    expected = [Path(landlord_id) / load_landlord(DEMO_INPUTS, landlord_id).config.case_log.path
                for landlord_id in DEMO_IDS]
    assert written == sorted(expected)
    for path in written:
        assert (tmp_path / path).read_bytes() == (DEMO_INPUTS / path).read_bytes(), path


def test_the_2023_24_complaints_come_before_2024_25_s_in_the_export():
    """The earlier year is drawn from its own random stream and written first, so adding it left
    the 2024-25 rows as they were (the export is in order of receipt)."""
    landlord = load_landlord(DEMO_INPUTS, "calder-vale-housing")
    log = load_case_log(landlord.case_log_path, landlord.config.case_log)
    received = log.cases.sort_values("source_row")["received"]
    assert received.is_monotonic_increasing
    assert received.iloc[0].date() >= dt.date(2023, 4, 1)
