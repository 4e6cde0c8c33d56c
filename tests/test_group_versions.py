"""The group roll-up across Code versions: subsidiaries assessed against different Codes in one
period, and each subsidiary's movement since last year through the crosswalk where the Code changed
(the landlord's own comparison, :func:`audit_lib.assessment.year_on_year.year_on_year`, counted).

The groups are written directly (a registry and answers files, no case logs and no batch run):
the roll-up reads each subsidiary's answers from its answer store when it has no outputs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from audit_lib.assessment.answers import Answer, Assessment
from audit_lib.assessment.answers_file import load_assessment
from audit_lib.assessment.year_on_year import year_on_year
from audit_lib.code.catalogue import load_catalogue
from audit_lib.code.crosswalk import load_crosswalk
from audit_lib.config.landlords import LandlordEntry
from audit_lib.core.periods import Period
from audit_lib.group.members import LastYear, Member
from audit_lib.group.movement import KIND_OF, movement
from audit_lib.group.summary import GroupSummary, open_group_summary

from .conftest import write

AS_OF = "2025-06-30"

# Alpha Homes, 2023-24 under the 2022 Code (in force then) and 2024-25 under the 2024 Code.
ALPHA_2023 = {"1.2": "Yes", "1.3": "Partial", "1.4": "No", "1.5": "Yes", "1.6": "Yes", "2.3": "Yes", "2.4": "No",
              "2.6": "N/A", "3.1": "Partial", "4.5": "Yes", "5.1": "No", "5.12": "Yes", "7.6": "Yes"}
ALPHA_2024 = {"1.2": "Yes", "1.3": "Yes", "1.4": "Yes", "1.5": "No", "2.5": "Yes", "3.4": "Partial", "3.5": "N/A",
              "3.6": "Yes", "4.1": "N/A", "5.1": "No", "6.3": "Yes", "6.4": "No", "6.13": "No"}
# Each 2024 provision ALPHA answers, with its 2022 predecessors in crosswalk_2022_2024.yaml, last
# year's status through them (the least compliant of those assessed) and how it moved.
ALPHA_BY_HAND = {
    "1.2": (["1.2"], "Yes", "unchanged"),  # reworded; Yes -> Yes
    "1.3": (["1.3", "1.6"], "Partial", "improved"),  # strengthened + split: Partial, Yes -> least Partial; now Yes
    "1.4": (["1.4"], "No", "improved"),  # should -> must; No -> Yes
    "1.5": (["1.6"], "Yes", "worsened"),  # split; Yes -> No
    "2.5": ([], None, "new"),
    "3.4": (["2.3", "2.4"], "No", "improved"),  # merged: Yes, No -> No; now Partial
    "3.5": (["2.6"], "N/A", "unchanged"),  # N/A both years
    "3.6": (["4.5"], "Yes", "unchanged"),
    "4.1": (["3.1"], "Partial", "not_compared"),  # N/A this year only
    "5.1": ([], None, "new"),
    "6.3": (["5.1"], "No", "improved"),
    "6.4": (["5.1", "5.2"], "No", "unchanged"),  # 5.2 not assessed: the least compliant of those assessed
    "6.13": (["5.12"], "Yes", "worsened"),
}
# Of the 72 provisions of 2024: improved 1.3, 1.4, 3.4, 6.3; worsened 1.5, 6.13; unchanged 1.2,
# 3.5, 3.6, 6.4; new the 14 listed under `new:` in the crosswalk (2.5, 3.3, 5.1, 5.4, 5.5, 5.7,
# 5.13, 6.11, 6.12, 6.20, 7.4, 8.4, 8.5, 9.2); not compared the other 72 - 4 - 2 - 4 - 14 = 48
# (1.6 and 9.8 among them: assessed last year, not this year).
NEW_IN_2024 = ["2.5", "3.3", "5.1", "5.4", "5.5", "5.7", "5.13", "6.11", "6.12", "6.20", "7.4", "8.4", "8.5", "9.2"]
ALPHA_COUNTS = {"improved": 4, "worsened": 2, "unchanged": 4, "new": 14, "unconfirmed": 0, "not_compared": 48}
# Yes last year: 1.2, 1.5, 1.6, 2.3, 4.5, 5.12, 7.6 = 7 of the 2022 Code's 72 (9.7%);
# Yes this year: 1.2, 1.3, 1.4, 2.5, 3.6, 6.3 = 6 of the 2024 Code's 72 (8.3%).

BETA_2024 = {"1.2": "Yes", "1.3": "No"}

# Gamma Trust: 2024-25 assessed against the 2022 Code (a registry override), as 2023-24 was.
GAMMA_2023 = {"1.2": "No", "5.1": "Yes"}
GAMMA_2024 = {"1.2": "Yes", "5.1": "Yes", "5.2": "No"}


def _answers(inputs: Path, landlord: str, period: str, code: str, statuses: dict[str, str | None]) -> Path:
    answers = {f"{code}:{number}": {"status": status} for number, status in statuses.items() if status}
    data = {"landlord": landlord, "period": period, "code": code, "answers": answers}
    return write(inputs / landlord / "answers" / f"{period}.yaml", yaml.safe_dump(data, sort_keys=False))


def _group(tmp_path: Path, gamma: bool = False) -> Path:
    inputs = tmp_path / "inputs"
    landlords = [{"id": "alpha-homes", "name": "Alpha Homes", "homes": 1000},
                 {"id": "beta-housing", "name": "Beta Housing <b>", "homes": 500}]
    if gamma:
        landlords.append({"id": "gamma-trust", "name": "Gamma Trust", "homes": 200, "codes": {"2024-25": "2022"}})
    write(inputs / "landlords.yaml", yaml.safe_dump({"group": {"name": "Test Group"}, "landlords": landlords}))
    _answers(inputs, "alpha-homes", "2023-24", "2022", ALPHA_2023)
    _answers(inputs, "alpha-homes", "2024-25", "2024", ALPHA_2024)
    _answers(inputs, "beta-housing", "2024-25", "2024", BETA_2024)
    if gamma:
        _answers(inputs, "gamma-trust", "2023-24", "2022", GAMMA_2023)
        _answers(inputs, "gamma-trust", "2024-25", "2022", GAMMA_2024)
    return inputs


def _summary(inputs: Path, tmp_path: Path) -> GroupSummary:
    return open_group_summary("2024-25", inputs, tmp_path / "outputs", as_of=AS_OF)


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def _text(node: object) -> str:
    return " ".join(BeautifulSoup(str(node), "html.parser").get_text(" ").split())


# --- the crosswalk as the movement reads it ----------------------------------------------------

def _key(number: str) -> tuple[int, ...]:
    return tuple(map(int, number.split(".")))


def test_the_hand_worked_rows_match_the_crosswalk_and_the_landlords_comparison(tmp_path):
    crosswalk = load_crosswalk("2022", "2024")
    assert sorted(crosswalk.new, key=_key) == NEW_IN_2024
    inputs = _group(tmp_path)
    folder = inputs / "alpha-homes" / "answers"
    last = load_assessment(folder / "2023-24.yaml", load_catalogue("2022"), "alpha-homes", "2023-24")
    this = load_assessment(folder / "2024-25.yaml", load_catalogue("2024"), "alpha-homes", "2024-25")
    rows = {row.provision.number: row for row in
            year_on_year(this, load_catalogue("2024"), last, previous_period="2023-24", previous_code="2022").rows}
    for number, (predecessors, was, moved) in ALPHA_BY_HAND.items():
        assert sorted((link.source for link in crosswalk.predecessors(number)), key=_key) == predecessors, number
        row = rows[number]
        assert (row.previous_status.value if row.previous_status else None) == was, number
        assert KIND_OF.get(row.movement, "not_compared") == moved, number


# --- movement since last year --------------------------------------------------------------------

def test_movement_counts_match_the_hand_worked_crosswalk(tmp_path):
    summary = _summary(_group(tmp_path), tmp_path)
    alpha = summary.movements["alpha-homes"]
    assert alpha.compared and alpha.codes == "2022 → 2024" and alpha.last_period == "2023-24"
    assert {k: getattr(alpha, k) for k in ALPHA_COUNTS} == ALPHA_COUNTS
    assert alpha.removed == sum(1 for link in load_crosswalk("2022", "2024").links if not link.to) == 14
    assert (alpha.yes_last, alpha.provisions_last, alpha.pct_last) == (7, 72, 9.7)
    assert (alpha.yes_this, alpha.provisions_this, alpha.pct_this) == (6, 72, 8.3)
    beta = summary.movements["beta-housing"]
    assert not beta.compared and beta.reason == "no assessment last year (no answers for 2023-24)"
    assert beta.codes == "2024"  # no Code last year: nothing was assessed


def test_the_movement_table_in_the_html(tmp_path):
    summary = _summary(_group(tmp_path), tmp_path)
    soup = _soup(summary.movement().html)
    assert soup.select_one("h2#movement").get_text() == "Movement since last year"
    heads = [_text(th) for th in soup.select("table.movement thead th")]
    assert heads[:3] == ["Subsidiary", "Code", "Compliant (Yes)"] and heads[-2:] == ["2023-24", "2024-25"]
    rows = {_text(tr.td): tr for tr in soup.select("table.movement tbody tr")}
    assert list(rows) == ["Alpha Homes", "Beta Housing <b>"]  # the name escaped, shown as written
    alpha = rows["Alpha Homes"]
    assert [_text(td) for td in alpha.select("td")] == [
        "Alpha Homes", "2022 → 2024", "7 of 72 (9.7%)", "6 of 72 (8.3%)", "4", "2", "4", "14", "0", "48"]
    assert _text(alpha.select_one("td.improved")) == "4" and _text(alpha.select_one("td.new")) == "14"
    beta = rows["Beta Housing <b>"]
    assert _text(beta.select_one("td.not-compared-reason")) == "no assessment last year (no answers for 2023-24)"
    assert _text(beta.select_one("td.codes")) == "2024"
    assert not beta.select("td.improved")
    assert "<b>" not in summary.movement().html  # escaped


def test_the_run_record_holds_the_movement_and_the_files_read(tmp_path):
    inputs = _group(tmp_path)
    summary = _summary(inputs, tmp_path)
    record = summary.run_record().record
    alpha = record["movement"]["alpha-homes"]
    assert alpha == {
        "last_period": "2023-24", "codes": {"last": "2022", "this": "2024"}, "compared": True,
        "compliant": {"last": {"yes": 7, "provisions": 72, "pct": 9.7}, "this": {"yes": 6, "provisions": 72, "pct": 8.3}},
        **ALPHA_COUNTS, "removed": 14,
    }
    assert record["movement"]["beta-housing"] == {
        "last_period": "2023-24", "codes": {"last": None, "this": "2024"}, "compared": False,
        "reason": "no assessment last year (no answers for 2023-24)"}
    sources = record["provenance"]["sources"]
    assert sources["alpha-homes"]["answers_last_year"]["file"] == "alpha-homes/answers/2023-24.yaml"
    assert sources["alpha-homes"]["answers_last_year"]["sha256"] is not None
    assert sources["beta-housing"]["answers_last_year"]["sha256"] is None
    assert record["provenance"]["codes"] == {"alpha-homes": "2024", "beta-housing": "2024"}


def test_unreadable_answers_last_year_are_a_reason_not_a_failure(tmp_path):
    inputs = _group(tmp_path)
    (inputs / "alpha-homes" / "answers" / "2023-24.yaml").write_text("landlord: alpha-homes\nperiod: [\n")
    summary = _summary(inputs, tmp_path)
    assert not summary.failed and summary.members[0].statuses is not None
    alpha = summary.movements["alpha-homes"]
    assert not alpha.compared and alpha.reason is not None
    assert alpha.reason.startswith("last year's answers (2023-24) unreadable:") and "\n" not in alpha.reason
    assert "unreadable" in _text(_soup(summary.movement().html).select_one("table.movement"))


def test_answers_last_year_under_another_code_than_the_registry_says_are_refused_with_the_reason(tmp_path):
    inputs = _group(tmp_path)
    _answers(inputs, "alpha-homes", "2023-24", "2024", {"1.2": "Yes"})  # the registry says 2023-24 is 2022
    alpha = _summary(inputs, tmp_path).movements["alpha-homes"]
    assert not alpha.compared and "unreadable" in str(alpha.reason) and "2022" in str(alpha.reason)


def test_an_unknown_code_last_year_is_a_reason(tmp_path):
    inputs = _group(tmp_path)
    registry = yaml.safe_load((inputs / "landlords.yaml").read_text())
    registry["landlords"][0]["codes"] = {"2023-24": "2099"}
    (inputs / "landlords.yaml").write_text(yaml.safe_dump(registry))
    summary = _summary(inputs, tmp_path)
    alpha = summary.movements["alpha-homes"]
    assert not summary.failed and not alpha.compared and "2099" in str(alpha.reason)
    assert alpha.codes == "2099 → 2024"


def _member(statuses: dict[str, str | None] | None, last: LastYear | None) -> Member:
    return Member(entry=LandlordEntry(id="alpha-homes", name="Alpha Homes", homes=1), catalogue=load_catalogue("2024"),
                  metrics=None, statuses=statuses, state=None, action_dates=[], problems=[], run=None, report=None,
                  metrics_link=None, last_year=last)


LAST = LastYear("2023-24", "2022", Assessment(landlord="alpha-homes", period="2023-24", code="2022",
                                              answers={"2022:5.1": Answer(status="No")}))


def test_unreadable_answers_this_year_are_not_compared():
    period = Period.parse("2024-25")
    result = movement(_member(None, LAST), period)
    assert not result.compared and result.reason == "not compared: this year's answers are unreadable"
    assert movement(_member({}, None), period).reason == "last year's answers were not read"


def test_a_status_edited_by_hand_into_metrics_counts_as_not_assessed():
    result = movement(_member({"2024:6.3": "Yes", "2024:6.4": "maybe"}, LAST), Period.parse("2024-25"))
    assert (result.improved, result.unchanged, result.worsened) == (1, 0, 0)  # 6.3 No -> Yes; 6.4 not compared
    assert result.yes_this == 1


# --- subsidiaries under different Codes in one period ----------------------------------------------

def test_a_subsidiary_under_2022_in_2024_25_is_compared_under_its_own_code(tmp_path):
    summary = _summary(_group(tmp_path, gamma=True), tmp_path)
    assert not summary.failed
    gamma = summary.members[2]
    assert gamma.catalogue.code == "2022" and gamma.status_of("2022:5.1") == "Yes"
    assert summary.codes == ["2024", "2022"]  # the version most subsidiaries use first
    move = summary.movements["gamma-trust"]
    assert move.codes == "2022 → 2022"
    assert (move.improved, move.worsened, move.unchanged, move.new, move.not_compared) == (1, 0, 1, 0, 70)
    assert (move.yes_last, move.yes_this, move.provisions_this) == (1, 2, 72)


def test_the_matrix_groups_rows_by_code_version_and_names_it(tmp_path):
    summary = _summary(_group(tmp_path, gamma=True), tmp_path)
    soup = _soup(summary.status_matrix().html)
    assert [_text(th) for th in soup.select("table.matrix th.member")] == ["Alpha Homes", "Beta Housing <b>", "Gamma Trust"]
    versions = soup.select_one("table.matrix tr.code-versions")
    assert [_text(td) for td in versions.select("td")] == ["2024", "2024", "2022"]
    headings = [_text(tr) for tr in soup.select("table.matrix tr.code-row")]
    assert headings == ["The 2024 Code: Alpha Homes, Beta Housing <b>", "The 2022 Code: Gamma Trust"]
    sections = [_text(tr) for tr in soup.select("table.matrix tr.section-row")]
    assert sections[0] == "2024 Code, section 1 Definition of a complaint"
    assert any(s.startswith("2022 Code, section 5 ") for s in sections)
    body = soup.select("table.matrix tbody tr")
    rows: dict[str, list] = {}
    code = None
    for tr in body:
        if "code-row" in (tr.get("class") or []):
            code = tr["data-code"]
        elif tr.select_one("th.provision"):
            rows[f"{code}:{tr.th.get_text()}"] = tr.select("td.cell")
    assert len(rows) == 144  # 72 provisions of each Code, the same numbers kept apart
    alpha, beta, gamma = zip(*(rows[key] for key in ("2024:5.1", "2022:5.1")))
    assert "no" in alpha[0]["class"] and "na-code" in alpha[1]["class"]  # Alpha: 2024 5.1 No; 2022 5.1 not its Code
    assert "na-code" in beta[1]["class"] and "none" in beta[0]["class"]
    assert "na-code" in gamma[0]["class"] and "yes" in gamma[1]["class"]
    assert "2022 Code 5.1: Yes" in gamma[1]["title"] and "against the 2022 Code" in gamma[0]["title"]


def test_cover_figures_and_behind_name_each_subsidiarys_code(tmp_path):
    summary = _summary(_group(tmp_path, gamma=True), tmp_path)
    cover = _text(summary.cover().html)
    assert "Code version 2024 (Alpha Homes, Beta Housing <b>); 2022 (Gamma Trust)" in cover
    figures = _text(summary.key_figures().html)
    assert "the 2024 Code for Alpha Homes, Beta Housing <b>; the 2022 Code for Gamma Trust" in figures
    gamma = summary.members[2]
    assert "69 of the 2022 Code's 72 provisions not yet assessed" in summary.behind(gamma)
    assert "70 of the 2024 Code's 72 provisions not yet assessed" in summary.behind(summary.members[1])
    assert summary.provenance()["code_version"] == "2022, 2024"


def test_one_code_keeps_the_plain_wording(tmp_path):
    summary = _summary(_group(tmp_path), tmp_path)
    assert "Code version 2024 Subsidiaries" in _text(summary.cover().html)
    assert "counted under its own Code" not in summary.key_figures().html
    matrix = _soup(summary.status_matrix().html)
    assert not matrix.select("tr.code-row") and not matrix.select("tr.code-versions")
    assert _text(matrix.select_one("tr.section-row")) == "1 Definition of a complaint"
    assert "70 of 72 provisions not yet assessed" in summary.behind(summary.members[1])


@pytest.mark.parametrize("codes, last, this", [
    ({"2023-24": "2024", "2024-25": "2022"}, "2024", "2022"),  # early on 2024, then back on 2022
    ({"2023-24": "2020"}, "2020", "2024"),  # two versions apart: no one crosswalk joins them
])
def test_codes_no_single_crosswalk_joins_are_not_compared_with_the_reason(tmp_path, codes, last, this):
    inputs = tmp_path / "inputs"
    write(inputs / "landlords.yaml", yaml.safe_dump({"group": {"name": "G"}, "landlords": [
        {"id": "delta", "name": "Delta", "homes": 10, "codes": codes}]}))
    _answers(inputs, "delta", "2023-24", last, {"1.2": "Yes"})
    _answers(inputs, "delta", "2024-25", this, {"1.2": "Yes"})
    summary = _summary(inputs, tmp_path)
    move = summary.movements["delta"]
    assert move.codes == f"{last} → {this}" and not move.compared
    assert str(move.reason).startswith("not compared: ") and "crosswalk" in str(move.reason)
    row = _soup(summary.movement().html).select_one("table.movement tbody tr")
    assert _text(row.select_one("td.codes")) == f"{last} → {this}"
    assert _text(row.select_one("td.not-compared-reason")) == move.reason


def test_a_subsidiary_that_cannot_be_summarised_is_listed_in_the_movement_table(tmp_path):
    inputs = _group(tmp_path)
    registry = yaml.safe_load((inputs / "landlords.yaml").read_text())
    registry["landlords"][1]["code"] = "2099"
    (inputs / "landlords.yaml").write_text(yaml.safe_dump(registry))
    summary = _summary(inputs, tmp_path)
    assert [f.entry.id for f in summary.failed] == ["beta-housing"] and list(summary.movements) == ["alpha-homes"]
    rows = {_text(tr.td): tr for tr in _soup(summary.movement().html).select("table.movement tbody tr")}
    assert list(rows) == ["Alpha Homes", "Beta Housing <b>"]
    reason = _text(rows["Beta Housing <b>"].select_one("td.not-compared-reason"))
    assert reason.startswith("could not be summarised:") and "2099" in reason
    assert "beta-housing" not in summary.run_record().record["movement"]


def test_a_2020_subsidiary_with_figure_answers_is_counted_and_drawn(tmp_path):
    """A 2020 question answered by a figure is answered (not "not assessed") in the matrix and the
    counts, with its own badge."""
    inputs = tmp_path / "inputs"
    landlords = [{"id": "delta-homes", "name": "Delta Homes", "homes": 300}]
    write(inputs / "landlords.yaml", yaml.safe_dump({"group": {"name": "Test Group"}, "landlords": landlords}))
    answers = {"2020:1.1": {"status": "Yes"}, "2020:4.5": {"value": "82%"}, "2020:4.6": {"status": "N/A"}}
    data = {"landlord": "delta-homes", "period": "2021-22", "code": "2020", "answers": answers}
    write(inputs / "delta-homes" / "answers" / "2021-22.yaml", yaml.safe_dump(data, sort_keys=False))
    summary = open_group_summary("2021-22", inputs, tmp_path / "outputs", as_of=AS_OF)
    member = summary.members[0]
    assert member.status_of("2020:4.5") == "Figure or text"
    assert "33 of 36 provisions not yet assessed" in summary.behind(member)
    matrix = _soup(summary.status_matrix().html)
    cells = {tr.th.get_text(): tr.select_one("td.cell") for tr in matrix.select("table.matrix tbody tr")
             if tr.select_one("th.provision")}
    assert "value" in cells["4.5"]["class"] and _text(cells["4.5"]) == "Fig"
    assert "yes" in cells["1.1"]["class"] and "na" in cells["4.6"]["class"] and "none" in cells["4.7"]["class"]


def test_drafts_carried_forward_and_not_confirmed_are_neither_compared_nor_compliant(tmp_path):
    """After "Start from 2023-24's answers", nothing confirmed: the roll-up says so and counts the
    drafts apart (not as unchanged, not as compliant), and lists them as a reason it is behind."""
    from audit_lib.assessment.store import open_store

    inputs = _group(tmp_path)
    (inputs / "alpha-homes" / "answers" / "2024-25.yaml").unlink()
    previous = open_store(inputs / "alpha-homes", load_catalogue("2022"), "alpha-homes", "2023-24", "auditor")
    current = open_store(inputs / "alpha-homes", load_catalogue("2024"), "alpha-homes", "2024-25", "auditor")
    current.carry_forward(previous)
    drafts = len(current.assessment.answers)
    summary = _summary(inputs, tmp_path)
    alpha = summary.movements["alpha-homes"]
    assert (alpha.unconfirmed, alpha.unchanged, alpha.improved, alpha.worsened, alpha.yes_this) == (drafts, 0, 0, 0, 0)
    member = next(m for m in summary.members if m.entry.id == "alpha-homes")
    assert f"{drafts} answer(s) carried forward and not yet confirmed" in summary.behind(member)
    current.confirm(list(current.assessment.answers))
    alpha = _summary(inputs, tmp_path).movements["alpha-homes"]
    assert alpha.unconfirmed == 0 and alpha.unchanged + alpha.improved + alpha.worsened > 0
