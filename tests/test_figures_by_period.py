"""Headline figures for every period a case log covers, each under its own Code's timescales.

The log covers 2023-24 (the 2022 Code: stage 1 response from logging, stage 2 response from the
escalation request, no stage 2 acknowledgement limit) and 2024-25 (the 2024 Code: both responses
from the acknowledgement). Worked by hand in working days (day 0 is the event's day; no bank
holiday falls in the weeks concerned):

* T-1, 2023-24: received Mon 02/10/2023, acknowledged Fri 06/10 (day 4), stage 1 response Wed 18/10:
  12 working days after receipt, 8 after the acknowledgement. With no ``stage1_logged`` column the
  2022 Code's "from logging" runs from the acknowledgement, as the 2024 Code's does: on time under
  both (due 20/10). Escalated Mon 06/11/2023, acknowledged Fri 10/11 (day 4), stage 2 response Wed
  06/12: 22 working days after the escalation, 18 after the acknowledgement. The 2022 Code counts
  from the escalation (due Mon 04/12): late. The 2024 Code counts from the acknowledgement (due
  Fri 08/12): on time.
* T-3, 2024-25: the same shape a year later (received Mon 07/10/2024, stage 2 escalated Mon
  04/11/2024, responded Wed 04/12/2024): on time under the 2024 Code.
* T-2 and T-4: one stage 1 complaint each year, answered on time, not escalated.
"""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from audit_lib.batch.run import run_batch
from audit_lib.core.periods import Period
from audit_lib.stats import by_period
from audit_lib.stats.by_period import COVERAGE_GRACE, covered_periods, figures_by_period, log_span, rule_words
from audit_lib.stats.engine import landlord_statistics
from audit_lib.workbook import facade
from audit_lib.workbook.facade import open_workbook
from tests.test_year_on_year import ANSWERS_2023, ANSWERS_2024, LANDLORD, make_inputs

LOG = """\
case_id,received,stage1_acknowledged,stage1_responded,stage1_extension_days,stage2_requested,stage2_acknowledged,stage2_responded,stage2_extension_days,stage1_outcome,stage2_outcome,category,refused_reason,ombudsman_outcome,compensation
T-1,02/10/2023,06/10/2023,18/10/2023,,06/11/2023,10/11/2023,06/12/2023,,not upheld,upheld,Repairs,,,0
T-2,04/03/2024,05/03/2024,11/03/2024,,,,,,upheld,,Repairs,,,50
T-3,07/10/2024,11/10/2024,23/10/2024,,04/11/2024,08/11/2024,04/12/2024,,not upheld,upheld,Repairs,,,0
T-4,03/03/2025,04/03/2025,17/03/2025,,,,,,upheld,,Repairs,,,50
"""

RULE_2022 = "2022 Code: response from logging (stage 1), from the escalation request (stage 2)"
#: The same where the case log records no day logged (its logs here): counted from the acknowledgement.
RULE_2022_UNLOGGED = ("2022 Code: response from acknowledgement (no day logged recorded) (stage 1), from the "
                      "escalation request (stage 2)")
RULE_2024 = "2024 Code: response from acknowledgement at both stages"

#: The figures both years share: 2 stage 1 complaints and 1 escalation per 1,000 homes, every stage 1
#: step on time, one escalation over two stage 1 responses.
COMMON = {"stage1_received": 2, "stage2_received": 1, "tsm_ch01_stage1_per_1000": 2.0,
          "tsm_ch01_stage2_per_1000": 1.0, "tsm_ch02_stage1_pct": 100.0, "stage1_ack_on_time_pct": 100.0,
          "stage1_response_on_time_pct": 100.0, "escalation_rate_pct": 50.0}


def _inputs(tmp_path, registry_extra=""):
    return make_inputs(tmp_path, ("2023-24", ANSWERS_2023), ("2024-25", ANSWERS_2024), case_log=LOG,
                       registry_extra=registry_extra)


@pytest.fixture
def wb(tmp_path):
    return open_workbook(LANDLORD, "2024-25", _inputs(tmp_path), as_of="2025-06-30")


def test_each_period_under_its_own_code(wb):
    figures = [f.as_json() for f in wb.period_figures]
    assert figures == [
        {"period": "2023-24", "code": "2022", "rule": RULE_2022_UNLOGGED, **COMMON,
         "tsm_ch02_stage2_pct": 0.0, "stage2_ack_on_time_pct": None, "stage2_response_on_time_pct": 0.0,
         "partly_covered": ["log-starts-inside"]},
        {"period": "2024-25", "code": "2024", "rule": RULE_2024, **COMMON,
         "tsm_ch02_stage2_pct": 100.0, "stage2_ack_on_time_pct": 100.0, "stage2_response_on_time_pct": 100.0,
         "partly_covered": []},
    ]
    old, new = wb.period_figures
    assert old.stage2_ack is None  # the 2022 Code sets no stage 2 acknowledgement limit
    assert (old.stage2_responded, old.stage2_responded_on_time) == (1, 0)
    assert (new.stage2_responded, new.stage2_responded_on_time) == (1, 1)
    assert (old.stage1_responded, old.stage1_responded_on_time) == (2, 2)  # T-1: 8 days after the acknowledgement
    # this period's figures are the workbook's own
    assert new.ch02_stage2_pct == wb.stats.year.tsm_ch02_stage2_pct and new.code == wb.stats.code


def test_the_code_a_landlord_assessed_a_period_against_sets_its_rule(tmp_path):
    # assessed early against the 2024 Code: 2023-24's stage 2 response counts from the acknowledgement
    inputs = _inputs(tmp_path, registry_extra='    codes: {"2023-24": "2024"}\n')
    (inputs / LANDLORD / "answers" / "2023-24.yaml").unlink()
    old, new = open_workbook(LANDLORD, "2024-25", inputs).period_figures
    assert (old.code, old.rule, old.ch02_stage2_pct, old.stage2_ack.pct) == ("2024", RULE_2024, 100.0, 100.0)
    assert new.as_json()["tsm_ch02_stage2_pct"] == 100.0


def test_rule_words_name_the_code_and_what_each_response_counts_from():
    import pandas as pd

    from audit_lib.core.periods import Period
    from audit_lib.stats.engine import case_statistics

    columns = ["case_id", "received", "stage1_acknowledged", "stage1_responded", "stage1_extension_days",
               "stage2_requested", "stage2_acknowledged", "stage2_responded", "stage2_extension_days",
               "stage1_outcome", "stage2_outcome", "category", "refused_reason", "ombudsman_outcome", "compensation"]
    cases = pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c in ("received", "stage1_acknowledged",
                          "stage1_responded", "stage2_requested", "stage2_acknowledged", "stage2_responded")
                          else "int64" if c.endswith("_days") else "float64" if c == "compensation" else "object")
                          for c in columns})

    def words(code: str, logged: bool = False) -> str:
        frame = cases.assign(stage1_logged=pd.Series(dtype="datetime64[ns]")) if logged else cases
        return rule_words(case_statistics(frame, Period.parse("2023-24"), 100, code=code))

    assert words("2022", logged=True) == RULE_2022
    assert words("2024") == words("2024", logged=True) == RULE_2024
    assert words("2020", logged=True) == ("2020 Code: response from logging (stage 1), from the escalation request "
                                          "(stage 2)")
    assert words("2022") == RULE_2022_UNLOGGED


def test_the_one_case_log_is_read_once_and_this_periods_figures_reused(tmp_path, monkeypatch):
    loads, computed = [], []
    real_load, real_stats = facade.load_case_log, by_period.landlord_statistics
    monkeypatch.setattr(facade, "load_case_log", lambda *a, **k: loads.append(1) or real_load(*a, **k))
    monkeypatch.setattr(by_period, "landlord_statistics",
                        lambda log, landlord, period, code: computed.append((period.id, code))
                        or real_stats(log, landlord, period, code))
    wb = open_workbook(LANDLORD, "2024-25", _inputs(tmp_path), as_of="2025-06-30")
    wb.case_statistics()
    wb.figures_by_period()
    wb.metrics()
    assert len(loads) == 1
    assert computed == [("2023-24", "2022")]  # 2024-25's are the workbook's own statistics


def test_known_figures_are_used_only_when_made_under_the_periods_code(wb):
    assert figures_by_period(wb.case_log, wb.landlord, wb.period) == wb.period_figures
    under_2022 = landlord_statistics(wb.case_log, wb.landlord, wb.period, "2022")
    again = figures_by_period(wb.case_log, wb.landlord, wb.period, {"2024-25": under_2022})
    assert again == wb.period_figures and again[-1].code == "2024"


@pytest.mark.parametrize(("first", "last", "expected"), [
    (None, None, ["2024-25"]),  # nothing in the log
    ("2023-10-02", "2025-03-17", ["2023-24", "2024-25"]),
    ("2021-05-01", "2026-02-01", ["2021-22", "2022-23", "2023-24", "2024-25"]),  # capped at this period
    ("2021-05-01", "2022-06-01", ["2021-22", "2022-23", "2024-25"]),  # the log ends earlier: this period still shown
    ("2025-05-01", "2025-09-01", ["2024-25"]),  # the log starts after this period
    ("2024-04-01", "2024-04-01", ["2024-25"]),
    ("2024-03-31", "2024-04-01", ["2023-24", "2024-25"]),
])
def test_covered_periods(first, last, expected):
    import datetime as dt

    def day(text):
        return None if text is None else dt.date.fromisoformat(text)

    assert [p.id for p in covered_periods(day(first), day(last), Period.parse("2024-25"))] == expected


def _log(tmp_path, rows):
    header = LOG.splitlines()[0]
    return make_inputs(tmp_path, case_log="\n".join([header, *rows]) + "\n")


def test_a_period_the_log_covers_in_part_is_marked(tmp_path):
    inputs = _log(tmp_path, [
        "A-1,15/05/2022,16/05/2022,20/05/2022,,,,,,upheld,,Repairs,,,0",  # 44 days into 2022-23
        "A-2,01/12/2023,04/12/2023,08/12/2023,,,,,,upheld,,Repairs,,,0",  # ends 8 December 2023
    ])
    rows = open_workbook(LANDLORD, "2024-25", inputs).period_figures
    assert [(f.period, f.partly_covered, f.coverage_label) for f in rows] == [
        ("2022-23", ("log-starts-inside",), "partly covered"),
        ("2023-24", ("log-ends-inside",), "partly covered"),
        ("2024-25", ("log-ends-before",), "not covered"),
    ]
    assert rows[0].coverage == ("Partly covered: the case log starts inside it (its earliest complaint was received on "
                                "15/05/2022), so the figures count only what the log holds of 2022-23.")
    assert rows[1].coverage == ("Partly covered: the case log ends inside it (its latest dated event is on "
                                "08/12/2023), so the figures count only what the log holds of 2023-24.")
    assert rows[2].coverage.startswith("Not covered: the case log ends before it (its latest dated event is on 08/12/2023)")
    assert rows[2].stage1_received == 0 and rows[2].ch02_stage1_pct is None


def test_a_log_starting_or_ending_within_a_month_of_the_period_covers_it(tmp_path):
    assert COVERAGE_GRACE.days == 31
    inputs = _log(tmp_path, [
        "A-1,02/05/2024,03/05/2024,07/05/2024,,,,,,upheld,,Repairs,,,0",  # 31 days after 1 April
        "A-2,24/02/2025,25/02/2025,28/02/2025,,,,,,upheld,,Repairs,,,0",  # 31 days before 31 March
    ])
    (only,) = open_workbook(LANDLORD, "2024-25", inputs).period_figures
    assert only.partly_covered == () and only.coverage is None and only.coverage_label is None


def test_a_log_starting_after_the_period_and_an_empty_log(tmp_path):
    inputs = _log(tmp_path, ["A-1,02/05/2025,03/05/2025,07/05/2025,,,,,,upheld,,Repairs,,,0"])
    (only,) = open_workbook(LANDLORD, "2024-25", inputs).period_figures
    assert only.partly_covered == ("log-starts-after",) and only.coverage_label == "not covered"
    empty = _log(tmp_path / "empty", [])
    wb = open_workbook(LANDLORD, "2024-25", empty)
    assert log_span(wb.case_log) == (None, None)
    (only,) = wb.period_figures
    assert only.partly_covered == ("log-empty",) and only.stage1_received == 0


def test_the_report_part_names_the_code_and_rule_per_row(wb):
    soup = BeautifulSoup(wb.figures_by_period().html, "html.parser")
    assert soup.find("h2", id="figures-by-period").get_text() == "Headline figures by period"
    rows = soup.select("table.figures-by-period tbody tr")
    assert [r["data-period"] for r in rows] == ["2023-24", "2024-25"]
    cells = [[" ".join(td.get_text(" ").split()) for td in r.find_all("td")] for r in rows]
    assert cells[0] == ["2023-24 ⚠ partly covered", RULE_2022_UNLOGGED, "2", "2.0", "1.0", "100.0% 2 of 2", "0.0% 0 of 1",
                        "100.0% 2 of 2", "no limit", "100.0% 2 of 2", "0.0% 0 of 1", "50.0%"]
    assert cells[1] == ["2024-25", RULE_2024, "2", "2.0", "1.0", "100.0% 2 of 2", "100.0% 1 of 1",
                        "100.0% 2 of 2", "100.0% 1 of 1", "100.0% 2 of 2", "100.0% 1 of 1", "50.0%"]
    notes = soup.select("p.period-coverage")
    assert [p["data-period"] for p in notes] == ["2023-24"]
    assert [dt.get_text() for dt in soup.select("dl.definitions dt")] == ["2022 Code", "2024 Code"]
    assert "of the escalation request" in soup.select("dl.definitions dd")[0].get_text()
    text = soup.get_text()
    assert "complaints received from 02/10/2023" in text and "latest dated event is on 17/03/2025" in text


def test_metrics_list_the_figures_by_period_without_case_values(wb):
    metrics = wb.metrics()
    assert metrics["figures_by_period"] == [f.as_json() for f in wb.period_figures]
    text = json.dumps(metrics["figures_by_period"])
    assert not re.search(r"T-\d|Repairs|\d\d/\d\d/\d{4}", text)


# --- the notebook, executed by papermill -------------------------------------------------------


@pytest.mark.slow
def test_the_notebook_shows_both_parts_after_the_case_statistics(tmp_path):
    inputs = _inputs(tmp_path)
    batch = run_batch([LANDLORD], Period.parse("2024-25"), inputs, tmp_path / "outputs", as_of="2025-06-30")
    (result,) = batch.results
    assert result.status == "ok", result.error
    soup = BeautifulSoup(result.report.read_text(encoding="utf-8"), "html.parser")
    order = [h["id"] for h in soup.find_all("h2", id=True)]
    at = order.index("case-data")
    assert order[at + 1:at + 3] == ["figures-by-period", "year-on-year"]
    rows = soup.select("table.figures-by-period tbody tr")
    assert [(r["data-period"], r["data-code"]) for r in rows] == [("2023-24", "2022"), ("2024-25", "2024")]
    improved = soup.find("tr", attrs={"data-provision": "6.3"})
    assert improved["data-movement"] == "improved" and "5.1" in improved.get_text()
    contents = soup.get_text(" ")
    assert "Headline figures by period" in contents and "Year on year: 2023-24 to 2024-25" in contents
    metrics = json.loads((result.report.parent / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["year_on_year"]["counts"]["improved"] == 3
    assert [f["period"] for f in metrics["figures_by_period"]] == ["2023-24", "2024-25"]


def test_a_period_no_complaint_was_received_in_is_left_out_before_this_one():
    import datetime as dt

    from audit_lib.core.periods import Period

    first, last, period = dt.date(2004, 6, 1), dt.date(2025, 2, 1), Period.parse("2024-25")
    assert len(covered_periods(first, last, period)) == 21
    assert [p.id for p in covered_periods(first, last, period, {2004, 2023, 2024})] == ["2004-05", "2023-24", "2024-25"]
    assert [p.id for p in covered_periods(first, last, period, {2004, 2023})] == ["2004-05", "2023-24", "2024-25"]
