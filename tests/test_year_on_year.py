"""Year on year: this period's answers beside last period's, through the crosswalk when the Code changed.

Hand-built answers files: 2023-24 under the 2022 Code and 2024-25 under the 2024 Code (2022 5.1
Partial leads to 2024 6.3 and 6.4; 6.11 is new in 2024), and 2024-25 beside 2025-26 under the
same Code. The movements are worked out by hand from the crosswalk's data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from audit_lib.assessment.answers import Answer, Assessment, Status
from audit_lib.assessment.year_on_year import Movement, load_previous_assessment, year_on_year
from audit_lib.code.catalogue import load_catalogue
from audit_lib.code.crosswalk import LinkKind, load_crosswalk
from audit_lib.errors import AnswerStoreError
from audit_lib.workbook import views
from audit_lib.workbook.facade import open_workbook
from tests.conftest import write

LANDLORD = "test-homes"
AS_OF = "2025-06-30"

#: 2023-24, assessed against the 2022 Code.
ANSWERS_2023 = """\
landlord: test-homes
period: 2023-24
code: "2022"
answers:
  "2022:5.1":
    status: "Partial"
    commentary: Stage 1 responses late in Q3.
  "2022:5.2":
    status: "Yes"
  "2022:5.12":
    status: "Yes"
  "2022:1.2":
    status: "Yes"
  "2022:2.3":
    status: "No"
  "2022:2.4":
    status: "Yes"
  "2022:5.4":
    status: "Partial"
  "2022:1.7":
    status: "N/A"
  "2022:5.13":
    status: "Yes"
"""

#: 2024-25, assessed against the 2024 Code.
ANSWERS_2024 = """\
landlord: test-homes
period: 2024-25
code: "2024"
answers:
  "2024:6.3":
    status: "Yes"
  "2024:6.4":
    status: "Yes"
  "2024:6.13":
    status: "No"
    commentary: The same officer handled both stages in two cases.
  "2024:6.11":
    status: "Yes"
  "2024:1.2":
    status: "N/A"
  "2024:3.4":
    status: "Partial"
  "2024:2.1":
    status: "Yes"
  "2024:1.3":
    status: "Yes"
"""

#: 2025-26, also under the 2024 Code.
ANSWERS_2025 = """\
landlord: test-homes
period: 2025-26
code: "2024"
answers:
  "2024:6.3":
    status: "No"
  "2024:6.4":
    status: "Yes"
  "2024:6.13":
    status: "Yes"
  "2024:1.2":
    status: "Yes"
  "2024:2.1":
    status: "Yes"
"""

CASE_LOG = """\
case_id,received,stage1_acknowledged,stage1_responded,stage1_extension_days,stage2_requested,stage2_acknowledged,stage2_responded,stage2_extension_days,stage1_outcome,stage2_outcome,category,refused_reason,ombudsman_outcome,compensation
T-1,02/10/2023,06/10/2023,18/10/2023,,,,,,upheld,,Repairs,,,0
T-2,07/10/2024,11/10/2024,23/10/2024,,,,,,not upheld,,Repairs,,,0
"""


def make_inputs(root: Path, *answers: tuple[str, str], homes: int = 1000, case_log: str = CASE_LOG,
                registry_extra: str = "") -> Path:
    """An inputs folder for one landlord, its case log and the answers files given as (period, text);
    ``registry_extra``: more lines of the landlord's registry entry (e.g. its ``codes``)."""
    inputs = root / "inputs"
    write(inputs / "landlords.yaml", f"group:\n  name: Test Group\nlandlords:\n  - id: {LANDLORD}\n"
                                     f"    name: Test Homes\n    homes: {homes}\n{registry_extra}")
    write(inputs / LANDLORD / "landlord.yaml", "case_log:\n  path: complaints.csv\n")
    write(inputs / LANDLORD / "complaints.csv", case_log)
    for period, text in answers:
        write(inputs / LANDLORD / "answers" / f"{period}.yaml", text)
    return inputs


@pytest.fixture
def changed_code(tmp_path):
    """The workbook of 2024-25 (2024 Code) with 2023-24's answers under the 2022 Code."""
    inputs = make_inputs(tmp_path, ("2023-24", ANSWERS_2023), ("2024-25", ANSWERS_2024))
    return open_workbook(LANDLORD, "2024-25", inputs, as_of=AS_OF)


def _rows(result):
    return {row.provision.number: row for row in result.rows}


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def _text(node) -> str:
    return " ".join(node.get_text(" ").split())


# --- across the crosswalk ----------------------------------------------------------------------


def test_2022_partial_5_1_to_2024_yes_6_3_is_improved_with_kind_and_note(changed_code):
    result = changed_code.compared_with_last_period()
    assert (result.period, result.code, result.previous_period, result.previous_code) == (
        "2024-25", "2024", "2023-24", "2022")
    assert result.assessed and result.compared and result.code_changed and result.message is None
    row = _rows(result)["6.3"]
    assert row.status is Status.YES and row.previous_status is Status.PARTIAL
    assert row.movement is Movement.IMPROVED
    (before,) = row.previous
    note = load_crosswalk("2022", "2024").link("5.1").note
    assert (before.provision, before.number, before.kind, before.status) == ("2022:5.1", "5.1", LinkKind.SPLIT,
                                                                              Status.PARTIAL)
    assert before.note == note and "counted from acknowledgement" in note
    assert row.notes == [note]


def test_a_provision_no_older_one_leads_to_is_new(changed_code):
    row = _rows(changed_code.compared_with_last_period())["6.11"]
    assert row.movement is Movement.NEW_PROVISION and row.is_new and row.previous == ()
    assert row.status is Status.YES  # answered, and still new: nothing to compare it with
    assert row.new_note == load_crosswalk("2022", "2024").new["6.11"]
    assert row.notes == [row.new_note] and "no time limit in the 2022 Code" in row.new_note


def test_worsened_unchanged_and_n_a(changed_code):
    rows = _rows(changed_code.compared_with_last_period())
    # 2022 5.12 Yes -> 2024 6.13 No, the same requirement
    assert rows["6.13"].movement is Movement.WORSENED
    assert [(p.number, p.kind) for p in rows["6.13"].previous] == [("5.12", LinkKind.SAME)]
    # 2022 1.2 Yes -> 2024 1.2 N/A: not a movement on the scale
    assert rows["1.2"].movement is Movement.NOW_NA
    # 2022 1.7 N/A -> 2024 2.1 Yes
    assert rows["2.1"].movement is Movement.WAS_NA and rows["2.1"].previous_status is Status.NA


def test_several_older_provisions_compare_the_lowest_of_their_statuses(changed_code):
    rows = _rows(changed_code.compared_with_last_period())
    # 6.4 <- 5.1 Partial (split) and 5.2 Yes (weakened): compared with Partial
    six_four = rows["6.4"]
    assert [(p.number, p.kind, p.status) for p in six_four.previous] == [
        ("5.1", LinkKind.SPLIT, Status.PARTIAL), ("5.2", LinkKind.WEAKENED, Status.YES)]
    assert six_four.previous_status is Status.PARTIAL and six_four.movement is Movement.IMPROVED
    crosswalk = load_crosswalk("2022", "2024")
    assert six_four.notes == [f"5.1: {crosswalk.link('5.1').note}", f"5.2: {crosswalk.link('5.2').note}"]
    # 3.4 <- 2.3 No and 2.4 Yes (merged): compared with No, so Partial is an improvement
    assert rows["3.4"].previous_status is Status.NO and rows["3.4"].movement is Movement.IMPROVED


def test_not_assessed_either_period(changed_code):
    rows = _rows(changed_code.compared_with_last_period())
    # 2022 1.3 not answered -> 2024 1.3 Yes
    assert rows["1.3"].movement is Movement.NOT_ASSESSED_LAST_PERIOD
    # 2022 5.13 Yes -> 2024 6.14 not answered
    assert rows["6.14"].movement is Movement.NOT_YET_ASSESSED and rows["6.14"].previous_status is Status.YES


def test_the_summary_counts_every_provision_once(changed_code):
    result = changed_code.compared_with_last_period()
    counts = result.counts
    assert list(counts) == [m.value for m in Movement]
    assert sum(counts.values()) == len(result.rows) == 72
    crosswalk = load_crosswalk("2022", "2024")
    assert counts["new-provision"] == len(crosswalk.new)
    assert (counts["improved"], counts["worsened"], counts["now-na"], counts["was-na"]) == (3, 1, 1, 1)
    assert counts["not-assessed-last-period"] == 1  # 1.3; 6.11 is new
    assert counts["unchanged"] == 0
    assert counts["not-yet-assessed"] == 72 - len(crosswalk.new) - 7


def test_older_provisions_no_newer_one_carries_are_listed_with_their_status(changed_code):
    result = changed_code.compared_with_last_period()
    removed = {r.number: r for r in result.removed}
    assert set(removed) == {link.source for link in load_crosswalk("2022", "2024").links if link.kind is LinkKind.REMOVED}
    assert removed["5.4"].status is Status.PARTIAL and removed["5.4"].provision == "2022:5.4"
    assert removed["2.2"].status is None


def test_the_report_part_shows_both_periods_through_the_crosswalk(changed_code):
    soup = _soup(changed_code.year_on_year().html)
    heading = soup.find("h2", id="year-on-year")
    assert _text(heading) == "Year on year: 2023-24 to 2024-25"
    sections = [_text(h) for h in soup.find_all("h3")]
    assert sections[0] == "Summary"
    assert [s for s in sections if s.startswith("Section ")] == [
        f"Section {s.number}: {s.title}" for s in load_catalogue("2024").sections]
    assert "2022 provisions no 2024 provision carries" in sections
    row = soup.find("tr", attrs={"data-provision": "6.3"})
    cells = [_text(td) for td in row.find_all("td")]
    assert cells[0] == "6.3"
    assert cells[1] == "5.1 Partial (split over several provisions)"
    assert cells[2:4] == ["Yes", "Improved"]
    assert cells[4] == load_crosswalk("2022", "2024").link("5.1").note
    assert row["data-movement"] == "improved"
    new = soup.find("tr", attrs={"data-provision": "6.11"})
    assert _text(new.find_all("td")[1]) == "New in 2024" and _text(new.find_all("td")[3]) == "New provision"
    header = [_text(th) for th in soup.find("table", class_="year-on-year").find_all("th")]
    assert header == ["Provision", "2023-24 (2022 Code)", "2024-25", "Movement", "What changed"]
    summary = soup.find("table", class_="movement-counts")
    counts = {td["data-movement"]: int(_text(td)) for td in summary.find_all("td", attrs={"data-movement": True})}
    assert counts == {k: v for k, v in changed_code.compared_with_last_period().counts.items() if v}
    # the section tables own the provision anchors; this part only links to them
    assert not soup.select("[id^=provision-]") and soup.find("a", href="#provision-6.3")


def test_metrics_hold_the_counts_and_no_answer_text(changed_code):
    metrics = changed_code.metrics()
    assert metrics["year_on_year"] == {"previous_period": "2023-24", "previous_code": "2022",
                                       "previous_assessed": True, "compared": True,
                                       "counts": changed_code.compared_with_last_period().counts}
    text = json.dumps(metrics)
    assert "late in Q3" not in text and "same officer" not in text


# --- the same Code both years ------------------------------------------------------------------


def test_the_same_code_compares_provision_by_provision(tmp_path):
    inputs = make_inputs(tmp_path, ("2024-25", ANSWERS_2024), ("2025-26", ANSWERS_2025))
    wb = open_workbook(LANDLORD, "2025-26", inputs, as_of="2026-06-30")
    result = wb.compared_with_last_period()
    assert (result.previous_code, result.code, result.code_changed, result.removed) == ("2024", "2024", False, ())
    rows = _rows(result)
    assert rows["6.3"].movement is Movement.WORSENED  # Yes -> No
    assert rows["6.13"].movement is Movement.IMPROVED  # No -> Yes
    assert rows["6.4"].movement is Movement.UNCHANGED
    assert rows["1.2"].movement is Movement.WAS_NA
    assert rows["6.11"].movement is Movement.NOT_YET_ASSESSED  # answered last year, not yet this year
    assert rows["6.14"].movement is Movement.NOT_YET_ASSESSED
    assert [(p.provision, p.kind, p.note) for p in rows["6.3"].previous] == [("2024:6.3", None, None)]
    assert rows["6.3"].notes == []
    assert result.counts["new-provision"] == 0
    soup = _soup(wb.year_on_year().html)
    header = [_text(th) for th in soup.find("table", class_="year-on-year").find_all("th")]
    assert header == ["Provision", "2024-25", "2025-26", "Movement"]
    cells = [_text(td) for td in soup.find("tr", attrs={"data-provision": "6.3"}).find_all("td")]
    assert cells == ["6.3", "Yes", "No", "Worsened"]


def test_a_draft_carried_forward_and_not_confirmed_says_so():
    catalogue = load_catalogue("2024")
    last = Assessment(landlord="l", period="2024-25", answers={"2024:6.3": Answer(status=Status.YES)})
    this = Assessment(landlord="l", period="2025-26", answers={"2024:6.3": Answer(status=Status.YES, confirmed=False)})
    result = year_on_year(this, catalogue, last, previous_period="2024-25", previous_code="2024")
    row = _rows(result)["6.3"]
    assert row.movement is Movement.UNCHANGED and not row.confirmed
    cells = [_text(td) for td in _soup(views.year_on_year(catalogue, result).html)
             .find("tr", attrs={"data-provision": "6.3"}).find_all("td")]
    assert cells[2] == "Yes Carried forward, not yet confirmed"


def test_n_a_both_years_is_unchanged():
    catalogue = load_catalogue("2024")
    last = Assessment(landlord="l", period="2024-25", answers={"2024:1.2": Answer(status=Status.NA)})
    this = Assessment(landlord="l", period="2025-26", answers={"2024:1.2": Answer(status=Status.NA)})
    result = year_on_year(this, catalogue, last, previous_period="2024-25", previous_code="2024")
    assert _rows(result)["1.2"].movement is Movement.UNCHANGED


# --- questions asking for a figure or a written answer (2020) ----------------------------------


def test_figures_and_written_answers_are_compared_as_text():
    catalogue = load_catalogue("2020")
    last = Assessment(landlord="l", period="2020-21", code="2020", answers={
        "2020:4.7": Answer(value="87% at stage 1"), "2020:4.5": Answer(value="60%"),
        "2020:3.8": Answer(value="Stage  1"), "2020:4.8": Answer(status=Status.PARTIAL)})
    this = Assessment(landlord="l", period="2021-22", code="2020", answers={
        "2020:4.7": Answer(value="91% at stage 1"), "2020:4.5": Answer(value="60%"),
        "2020:3.8": Answer(value="Stage 1"), "2020:4.8": Answer(status=Status.YES), "2020:4.6": Answer(value="5%")})
    rows = _rows(year_on_year(this, catalogue, last, previous_period="2020-21", previous_code="2020"))
    assert rows["4.7"].movement is Movement.CHANGED and rows["4.7"].previous_value == "87% at stage 1"
    assert rows["4.5"].movement is Movement.UNCHANGED
    assert rows["3.8"].movement is Movement.UNCHANGED  # spacing is not a change
    assert rows["4.8"].movement is Movement.IMPROVED
    assert rows["4.6"].movement is Movement.NOT_ASSESSED_LAST_PERIOD
    html = views.year_on_year(catalogue, year_on_year(this, catalogue, last, previous_period="2020-21",
                                                      previous_code="2020")).html
    cells = [_text(td) for td in _soup(html).find("tr", attrs={"data-provision": "4.7"}).find_all("td")]
    assert cells == ["4.7", "87% at stage 1", "91% at stage 1", "Changed"]


def test_a_figure_last_year_beside_a_status_this_year_is_not_comparable():
    # 2020 4.7 (a figure) and 4.8 (a status) lead to 2022 5.1
    last = Assessment(landlord="l", period="2021-22", code="2020", answers={"2020:4.7": Answer(value="87%")})
    this = Assessment(landlord="l", period="2022-23", code="2022", answers={"2022:5.1": Answer(status=Status.YES)})
    result = year_on_year(this, load_catalogue("2022"), last, previous_period="2021-22", previous_code="2020")
    row = _rows(result)["5.1"]
    assert [p.number for p in row.previous] == ["4.7", "4.8"]
    assert row.movement is Movement.NOT_COMPARABLE
    last.answers["2020:4.8"] = Answer(status=Status.NO)
    result = year_on_year(this, load_catalogue("2022"), last, previous_period="2021-22", previous_code="2020")
    assert _rows(result)["5.1"].movement is Movement.IMPROVED  # the status of 4.8 is compared


def test_user_text_in_a_value_is_escaped():
    catalogue = load_catalogue("2020")
    last = Assessment(landlord="l", period="2020-21", code="2020",
                      answers={"2020:3.8": Answer(value="<script>alert(1)</script>")})
    this = Assessment(landlord="l", period="2021-22", code="2020", answers={"2020:3.8": Answer(value="Stage 1")})
    html = views.year_on_year(catalogue, year_on_year(this, catalogue, last, previous_period="2020-21",
                                                      previous_code="2020")).html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- nothing to compare with -------------------------------------------------------------------


def test_no_answers_file_last_period_is_a_result_not_an_error(tmp_path):
    inputs = make_inputs(tmp_path, ("2024-25", ANSWERS_2024))
    wb = open_workbook(LANDLORD, "2024-25", inputs, as_of=AS_OF)
    assert wb.previous_assessment is None
    result = wb.compared_with_last_period()
    assert not result.assessed and not result.compared and result.rows == ()
    assert result.message.startswith("No assessment for 2023-24")
    assert result.as_json() == {"previous_period": "2023-24", "previous_code": "2022", "previous_assessed": False,
                                "compared": False, "counts": None}
    soup = _soup(wb.year_on_year().html)
    assert _text(soup.find("h2", id="year-on-year")) == "Year on year: 2023-24 to 2024-25"
    assert _text(soup.find("p", class_="no-comparison")).startswith("⚠ No assessment for 2023-24:")
    assert not soup.find("table")
    assert wb.metrics()["year_on_year"]["counts"] is None


def test_a_damaged_answers_file_last_period_is_named_and_never_stops_this_period(tmp_path):
    inputs = make_inputs(tmp_path, ("2023-24", "landlord: [unclosed\n"), ("2024-25", ANSWERS_2024))
    wb = open_workbook(LANDLORD, "2024-25", inputs, as_of=AS_OF)
    with pytest.raises(AnswerStoreError) as caught:
        wb.previous_assessment  # noqa: B018
    assert caught.value.path == inputs / LANDLORD / "answers" / "2023-24.yaml"
    result = wb.compared_with_last_period()
    assert result.assessed and not result.compared and result.rows == ()
    assert result.message.startswith("2023-24's answers cannot be read, so they are not compared:")
    assert "2023-24.yaml" in result.message
    soup = _soup(wb.year_on_year().html)
    assert "cannot be read" in _text(soup.find("p", class_="no-comparison"))
    metrics = wb.metrics()
    assert metrics["year_on_year"]["compared"] is False and metrics["assessment"]["answered"] > 0


def test_load_previous_assessment_reads_a_file_only_when_there_is_one(tmp_path):
    catalogue = load_catalogue("2022")
    assert load_previous_assessment(tmp_path / "2023-24.yaml", catalogue, LANDLORD, "2023-24") is None
    path = write(tmp_path / "2023-24.yaml", ANSWERS_2023)
    loaded = load_previous_assessment(path, catalogue, LANDLORD, "2023-24")
    assert loaded is not None and loaded.answer("2022:5.1").status is Status.PARTIAL


def test_codes_not_joined_by_one_crosswalk_are_not_compared():
    last = Assessment(landlord="l", period="2023-24", code="2020", answers={"2020:4.8": Answer(status=Status.YES)})
    this = Assessment(landlord="l", period="2024-25", code="2024")
    result = year_on_year(this, load_catalogue("2024"), last, previous_period="2023-24", previous_code="2020")
    assert result.assessed and not result.compared and result.rows == ()
    assert "2020 Code" in result.problem and "2024 Code" in result.problem and "not compared" in result.problem
    assert result.as_json()["counts"] is None
    soup = _soup(views.year_on_year(load_catalogue("2024"), result).html)
    assert "not compared provision by provision" in _text(soup.find("p", class_="no-comparison"))


def test_interactive_part_follows_the_answers(tmp_path, monkeypatch):
    monkeypatch.setenv("CHC_AUDIT_USER", "auditor.one")
    inputs = make_inputs(tmp_path, ("2023-24", ANSWERS_2023), ("2024-25", ANSWERS_2024))
    wb = open_workbook(LANDLORD, "2024-25", inputs, interactive=True, as_of=AS_OF)
    part = wb.year_on_year()
    assert "year-on-year" in wb.live.parts
    folded = wb.live.parts["year-on-year"]
    summary, toggle, detail = part.children
    assert "Year on year: 2023-24 to 2024-25" in summary.value and 'data-movement="improved"' in summary.value
    assert detail.value == "" and toggle.description == "Show each provision"  # drawn only when asked for
    toggle.value = True
    row = _soup(detail.value).find("tr", attrs={"data-provision": "6.3"})
    assert row["data-movement"] == "improved"
    wb.live.store.change("2024:6.3", "status", "No")
    wb.live.changed()
    row = _soup(detail.value).find("tr", attrs={"data-provision": "6.3"})
    assert row["data-movement"] == "worsened"
    toggle.value = False
    assert detail.value == "" and folded.summary.widget is summary


@pytest.mark.parametrize("last, this, movement", [
    (Answer(value="82%"), Answer(status="N/A"), Movement.NOW_NA),
    (Answer(status="N/A"), Answer(value="82%"), Movement.WAS_NA),
    (Answer(status="N/A"), Answer(status="N/A"), Movement.UNCHANGED),
    (Answer(value="82%"), Answer(value=" 82% "), Movement.UNCHANGED),
    (Answer(value="82%"), Answer(value="90%"), Movement.CHANGED),
    (Answer(status="Yes"), Answer(value="90%"), Movement.NOT_ASSESSED_LAST_PERIOD),  # a status answers no figure
    (Answer(value="82%"), Answer(status="Yes"), Movement.NOT_YET_ASSESSED),
])
def test_a_2020_question_asking_for_a_figure_moves_as_it_is_answered(last, this, movement):
    catalogue = load_catalogue("2020")
    previous = Assessment(landlord=LANDLORD, period="2020-21", code="2020", answers={"2020:4.5": last})
    current = Assessment(landlord=LANDLORD, period="2021-22", code="2020", answers={"2020:4.5": this})
    result = year_on_year(current, catalogue, previous, previous_period="2020-21", previous_code="2020")
    assert next(r for r in result.rows if r.provision.id == "2020:4.5").movement is movement


def test_a_removed_2020_question_keeps_its_figure():
    current = Assessment(landlord=LANDLORD, period="2022-23", code="2022")
    previous = Assessment(landlord=LANDLORD, period="2021-22", code="2020",
                          answers={"2020:4.5": Answer(value="82%")})
    result = year_on_year(current, load_catalogue("2022"), previous, previous_period="2021-22", previous_code="2020")
    removed = next(r for r in result.removed if r.number == "4.5")
    assert (removed.status, removed.value) == (None, "82%")
    html = views.year_on_year(load_catalogue("2022"), result).html
    assert "82%" in html
