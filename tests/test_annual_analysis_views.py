"""The annual analysis's HTML parts, read as HTML: headings, table cells, labels, charts, escaping
and personal data, on the hand-worked log of ``tests/test_annual_analysis.py``."""

from __future__ import annotations

import dataclasses

import pytest
from bs4 import BeautifulSoup

from audit_lib import open_annual_report
from audit_lib.annual import (
    categories_part,
    compensation_and_ombudsman_part,
    performance_part,
    refusals_part,
    suggested_themes,
    themes_part,
    trends_part,
)
from audit_lib.annual.analysis_views import category_charts
from audit_lib.report.render import HTMLFragment
from tests.test_annual_analysis import CASES_2023, CASES_2024, RARE, RARE_REASON, SCRIPT, load


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    return load(tmp_path_factory.mktemp("views"), CASES_2023 + CASES_2024).analysis()


def soup(fragment: HTMLFragment) -> BeautifulSoup:
    return BeautifulSoup(fragment.html, "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


def rows(table) -> list[list[str]]:
    return [[text(cell) for cell in tr.find_all(["td", "th"])] for tr in table.find_all("tr")]


PARTS = {
    "annual-performance": performance_part,
    "annual-categories": categories_part,
    "annual-refusals": refusals_part,
    "annual-compensation-ombudsman": compensation_and_ombudsman_part,
    "annual-trends": trends_part,
    "annual-themes": themes_part,
}


@pytest.mark.parametrize("heading", list(PARTS))
def test_each_part_starts_with_its_heading_and_shows_no_rare_value(analysis, heading):
    fragment = PARTS[heading](analysis)
    assert isinstance(fragment, HTMLFragment)
    assert fragment.html.startswith(f'<h2 id="{heading}">')
    page = soup(fragment)
    assert page.find("h2")["id"] == heading and len(page.find_all("h2")) == 1
    assert RARE not in fragment.html and RARE_REASON not in fragment.html
    assert "<script" not in fragment.html  # the category typed as markup is text
    assert not page.find("script")


def test_performance_part(analysis):
    page = soup(performance_part(analysis))
    quarterly = page.find("table", class_="annual-quarterly")
    table = rows(quarterly)
    assert table[0] == ["Measure", "Q1", "Q2", "Q3", "Q4", "2024-25"]
    cells = {row[0]: row[1:] for row in table[1:]}
    assert cells["Service requests"] == ["5", "6", "7", "8", "26"]
    assert cells["Stage 1 complaints received"] == ["3", "2", "3", "8", "16"]
    assert cells["TSM CH02: within Code timescales, of stage 1 responses issued"][-1] == "85.7% (12 of 14)"
    assert quarterly.find_all("th")[-1]["title"] == "1 April 2024 to 31 March 2025"
    measures = {tr["data-measure"]: [text(td) for td in tr.find_all("td")] for tr in
                page.find("table", class_="annual-measures").find_all("tr", attrs={"data-measure": True})}
    assert measures["ch01-stage1"] == ["TSM CH01, stage 1",
                                       "Stage 1 complaints received in the period per 1,000 homes (1,000 homes)", "16.0"]
    assert measures["ch02-stage1"] == ["TSM CH02, stage 1",
                                       "Within the Code's timescales, of stage 1 responses issued in the period",
                                       "85.7% 12 of 14"]
    assert measures["escalation"][1:] == ["Stage 2 escalations received, of stage 1 responses issued in the period",
                                          "7.1% 1 of 14"]
    volumes = page.find("table", class_="annual-volumes")
    upheld = volumes.find("tr", attrs={"data-outcome": "upheld"})
    assert [text(td) for td in upheld.find_all("td")] == ["Upheld, of responses issued in the period", "35.7% 5 of 14",
                                                          "100.0% 1 of 1"]
    assert text(volumes.find("tr", attrs={"data-measure": "refused"}).find_all("td")[1]) == "4"


def test_categories_part_table_and_charts(analysis):
    page = soup(categories_part(analysis))
    table = rows(page.find("table", class_="annual-categories"))
    assert table[0] == ["Category", "Stage 1 complaints received in 2024-25", "Received in 2023-24", "Change",
                        "Stage 1 responses issued in 2024-25", "Upheld or partly upheld, of those responses"]
    assert table[1:] == [
        ["Repairs", "6", "3", "+3", "6", "66.7% 4 of 6"],
        ["Communication", "5", "1", "+4", "5", "20.0% 1 of 5"],
        ["Damp and mould", "2", "4", "-2", "2", "100.0% 2 of 2"],
        [SCRIPT, "2", "1", "+1", "0", "n/a"],
        ["Other", "1", "0", "+1", "1", "0.0% 0 of 1"],
    ]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in str(page.find("tr", attrs={"data-category": SCRIPT}))
    svgs = page.find_all("svg")
    assert [svg["aria-label"] for svg in svgs] == ["Stage 1 complaints received by category, 2024-25",
                                                   "Stage 1 complaints by category, 2023-24 and 2024-25"]
    bars = [r.title.get_text() for r in svgs[0].find_all("rect") if r.title]
    assert bars == ["Repairs: 6", "Communication: 5", f"{SCRIPT}: 2", "Damp and mould: 2", "Other: 1"]
    grouped = [r.title.get_text() for r in svgs[1].find_all("rect") if r.title]
    assert grouped[:2] == ["Repairs, 2023-24: 3", "Repairs, 2024-25: 6"]
    assert all(figure.figcaption for figure in page.find_all("figure"))


def test_categories_part_without_a_previous_period(tmp_path):
    page = soup(categories_part(load(tmp_path, CASES_2024).analysis()))
    header = rows(page.find("table", class_="annual-categories"))[0]
    assert "Change" not in header and len(header) == 4
    assert "does not cover 2023-24" in text(page)
    assert len(page.find_all("svg")) == 1


def test_categories_part_with_a_previous_period_covered_in_part(tmp_path):
    # the log starts on 09/10/2023: 2023-24's counts are shown, marked, but not set against 2024-25's
    a = load(tmp_path, CASES_2023[4:] + CASES_2024).analysis()
    assert a.previous is not None and not a.compared
    page = soup(categories_part(a))
    table = rows(page.find("table", class_="annual-categories"))
    assert table[0] == ["Category", "Stage 1 complaints received in 2024-25", "Received in 2023-24 (partly covered)",
                        "Stage 1 responses issued in 2024-25", "Upheld or partly upheld, of those responses"]
    assert table[1:3] == [["Repairs", "6", "0", "6", "66.7% 4 of 6"], ["Communication", "5", "1", "5", "20.0% 1 of 5"]]
    assert text(page.find("p", class_="no-comparison")) == (
        "The case log covers only part of 2023-24, so the categories are not compared between 2023-24 and 2024-25: "
        "each period's counts are shown as the case log gives them, with no change worked out.")
    assert [svg["aria-label"] for svg in page.find_all("svg")] == ["Stage 1 complaints received by category, 2024-25"]
    assert len(category_charts(a)) == 1


def test_categories_part_with_this_period_covered_in_part(analysis):
    a = dataclasses.replace(analysis, coverage="The case log covers only part of 2024-25.",
                            coverage_label="partly covered")
    page = soup(categories_part(a))
    header = rows(page.find("table", class_="annual-categories"))[0]
    assert header[1:3] == ["Stage 1 complaints received in 2024-25 (partly covered)", "Received in 2023-24"]
    assert "Change" not in header and len(page.find_all("svg")) == 1
    assert "covers only part of 2024-25, so the categories are not compared" in text(page)


def test_every_id_in_the_analysis_is_its_own(analysis):
    # each part's heading is the contents' anchor; every other id starts annual-analysis-, so none
    # can be another part's of the annual report, nor one of the appended self-assessment's
    ids = [tag["id"] for part in PARTS.values() for tag in soup(part(analysis)).find_all(id=True)]
    assert len(ids) == len(set(ids)), ids
    headings = [i for i in ids if i in PARTS]
    assert headings == list(PARTS)
    assert all(i.startswith("annual-analysis-") for i in ids if i not in PARTS), ids
    assert "annual-analysis-ombudsman-outcomes" in ids


def test_the_whole_annual_report_has_each_id_once(demo_inputs):
    report = open_annual_report("riverbend-homes", "2024-25", demo_inputs, as_of="2025-06-30")
    parts = ("cover", "analysis", "learning", "ombudsman", "governing_body", "self_assessment")
    page = soup(HTMLFragment("\n".join(getattr(report, part)().html for part in parts)))
    ids = [tag["id"] for tag in page.find_all(id=True)]
    assert len(ids) == len(set(ids)), sorted(i for i in set(ids) if ids.count(i) > 1)
    # the contents' entry for the Ombudsman's findings leads to their heading, not the analysis's
    assert page.find(id="annual-ombudsman").name == "h2"


def test_refusals_part(analysis):
    page = soup(refusals_part(analysis))
    assert rows(page.find("table", class_="annual-refusals")) == [
        ["Reason", "Complaints not accepted", "Share, of complaints not accepted in the period"],
        ["Legal proceedings have started", "3", "75.0%"],
        ["Other", "1", "25.0%"],
        ["All complaints not accepted", "4", ""],
    ]
    assert "8.1 b" in text(page)


def test_compensation_and_ombudsman_part(analysis):
    page = soup(compensation_and_ombudsman_part(analysis))
    compensation = {tr["data-measure"]: text(tr.find_all("td")[1]) for tr in
                    page.find("table", class_="annual-compensation").find_all("tr", attrs={"data-measure": True})}
    assert compensation == {"compensation-cases": "2", "compensation-total": "£200.00"}
    ombudsman = page.find("table", class_="annual-ombudsman")
    assert text(ombudsman.find("tr", attrs={"data-outcome": "maladministration"})) == "Maladministration 1"
    rate = ombudsman.find("tr", attrs={"data-measure": "maladministration-rate"})
    assert text(rate) == ("Maladministration rate: findings of severe maladministration, maladministration or service "
                          "failure, of all findings on the merits 50.0% 1 of 2")
    assert text(ombudsman.find("tr", attrs={"data-measure": "complaint-failure-orders"})).endswith("not in the case log")


def test_trends_part(analysis):
    page = soup(trends_part(analysis))
    table = page.find("table", class_="annual-trends")
    by_period = {tr["data-period"]: [text(td) for td in tr.find_all("td")] for tr in
                 table.find_all("tr", attrs={"data-period": True})}
    assert list(by_period) == ["2023-24", "2024-25"]
    assert by_period["2023-24"][0] == "2023-24" and by_period["2023-24"][1].startswith("2022 Code")
    assert by_period["2023-24"][2:] == ["9", "1", "9.0", "88.9% 8 of 9", "100.0% 1 of 1", "100.0% 9 of 9",
                                        "11.1% 1 of 9"]
    assert by_period["2024-25"][2:] == ["16", "1", "16.0", "85.7% 12 of 14", "100.0% 1 of 1", "100.0% 16 of 16",
                                        "7.1% 1 of 14"]
    assert [svg["aria-label"] for svg in page.find_all("svg")] == ["On time against each period's Code",
                                                                   "Complaints received, by period"]
    assert "of the responses issued in the period" in text(page.find("figcaption"))


def test_trends_part_marks_a_period_covered_in_part(tmp_path):
    page = soup(trends_part(load(tmp_path, CASES_2023[4:] + CASES_2024).analysis()))
    row = page.find("tr", attrs={"data-period": "2023-24"})
    assert "partly-covered" in row["class"] and "partly covered" in text(row)
    assert page.find("p", class_="period-coverage")["data-period"] == "2023-24"


def test_themes_part_suggested_and_written(analysis):
    page = soup(themes_part(analysis))
    assert text(page.find(class_="source")) == ("Written from the case data; the landlord may edit or replace this in "
                                                 "the workbook.")
    assert [text(li) for li in page.find_all("li")] == suggested_themes(analysis)
    written = "Repairs took too long.\nWe changed contractor.\n\n<b>Damp</b> & mould: surveys now within a week."
    page = soup(themes_part(analysis, written))
    assert text(page.find(class_="source")) == "Written by the landlord."
    assert [p.get_text() for p in page.find(class_="written").find_all("p")] == [
        "Repairs took too long.\nWe changed contractor.", "<b>Damp</b> & mould: surveys now within a week."]
    assert not page.find("b") and not page.find("li")
    # blank text is no text: the suggested sentences are shown
    assert soup(themes_part(analysis, "  \n\n ")).find("li")
