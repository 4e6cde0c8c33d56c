"""The annual complaints performance and service improvement report (Code 8.1, 8.2): its façade,
its parts from the landlord's records, the completeness check at the top and in the run records,
escaping, personal data, the appended self-assessment, and the demo group's records."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from audit_lib import open_annual_report, open_workbook
from audit_lib.annual.completeness import GapCode
from audit_lib.annual.records import OmbudsmanRecord, load_records, records_file
from audit_lib.annual.views import TITLE, record_view
from audit_lib.code.catalogue import load_catalogue
from tests.demo import DEMO_IDS, DEMO_INPUTS

PERIOD = "2024-25"
AS_OF = dt.date(2025, 6, 30)
RIVERBEND = "riverbend-homes"
#: The report's parts, in the notebook's order, by method name.
PARTS = ("cover", "analysis", "learning", "ombudsman", "governing_body", "self_assessment")


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def _records_path(inputs: Path, landlord: str) -> Path:
    return inputs / landlord / "annual" / f"{PERIOD}.yaml"


def _edit(inputs: Path, landlord: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Change the landlord's records file as a person editing it would (the YAML as data)."""
    path = _records_path(inputs, landlord)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _report(inputs: Path, landlord: str = RIVERBEND, as_of: dt.date = AS_OF):
    return open_annual_report(landlord, PERIOD, inputs, as_of=as_of.isoformat())


def _whole(report) -> str:
    return "\n".join(getattr(report, part)().html for part in PARTS)


def _gap_codes(fragment_html: str) -> list[str]:
    return [li["data-code"] for li in _soup(fragment_html).select("li.finding.gap")]


# --- the façade and its parts ---------------------------------------------------------------------

def test_a_complete_report_says_so_at_the_top_and_in_its_run_record(demo_inputs):
    report = _report(demo_inputs)
    cover = _soup(report.cover().html)
    assert cover.h1.get_text() == f"Riverbend Homes: {TITLE}, {PERIOD}"
    details = dict(zip((dt_.get_text() for dt_ in cover.select("dt")), (dd.get_text() for dd in cover.select("dd")),
                       strict=True))
    assert details["Period"].startswith(PERIOD) and details["Code version"].startswith("2024")
    box = cover.select_one("div.completeness.complete")
    assert box is not None and box.h2["id"] == "annual-completeness"
    assert "Complete against Code 8.1 and 8.2" in box.get_text()
    assert box.select("li.finding") == []
    rows = {tr.td.get_text(): tr.select("td")[2].get_text() for tr in box.select("table.annual-parts tbody tr")}
    assert list(rows) == ["8.1 (a)", "8.1 (b)", "8.1 (c)", "8.1 (d)", "8.1 (e)", "8.1 (f)", "8.2", "9.5"]
    assert rows["8.1 (a)"] == "Appended" and rows["8.1 (d)"] == "5 improvements recorded"
    assert rows["8.1 (c)"] == "1 determination or order recorded"
    assert rows["8.1 (f)"] == "None this year (confirmed)" and rows["8.2"] == "Recorded: meeting of 19/06/2025"
    record = report.run_record().record
    path = _records_path(demo_inputs, RIVERBEND)
    assert record["annual_report"] == {"complete": True, "gaps": [], "problem": None,
                                       "records_sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    assert record["records"]["learning"] == {"done": 3, "in progress": 1, "planned": 1}
    assert record["records"]["orders"] == {"total": 3, "complied": 2, "overdue": 0}
    inputs = record["provenance"]["inputs"]
    assert inputs["annual_records"] == {"file": f"{RIVERBEND}/annual/{PERIOD}.yaml",
                                        "sha256": record["annual_report"]["records_sha256"]}
    assert "answers_last_period" not in inputs and inputs["answers"]["sha256"]
    assert record["provenance"]["parameters"] == {"landlord": RIVERBEND, "period": PERIOD}
    assert record["provenance"]["as_of"] == AS_OF.isoformat()
    assert "complete against Code 8.1 and 8.2" in report.run_record().summary


def test_every_part_starts_with_an_annual_heading_for_the_contents(demo_inputs):
    report = _report(demo_inputs)
    for part in PARTS:
        html = getattr(report, part)().html
        first = _soup(html).find("h2")
        assert first is not None and first["id"].startswith("annual-"), part
    ids = [h2["id"] for h2 in _soup(_whole(report)).find_all("h2")]
    assert len(ids) == len(set(ids)), ids  # the appended self-assessment's headings do not clash with the report's
    assert {"annual-completeness", "annual-performance", "annual-themes", "annual-learning", "annual-ombudsman",
            "annual-governing-body", "annual-self-assessment", "executive-summary", "action-plan"} <= set(ids)
    cover = _soup(report.cover().html)
    anchors = {a["href"].lstrip("#") for a in cover.select("table.annual-parts a")}
    targets = {tag["id"] for tag in _soup(_whole(report)).find_all(id=True)}
    assert anchors and anchors <= targets


def test_the_learning_log_shows_every_field_and_case_references_as_references_only(demo_inputs):
    report = _report(demo_inputs)
    soup = _soup(report.learning().html)
    rows = soup.select("table.learning tbody tr")
    assert [row["data-id"] for row in rows] == ["L-01", "L-02", "L-03", "L-04", "L-05"]
    first = [td.get_text() for td in rows[0].select("td")]
    assert first[0] == "Repairs - missed appointments" and first[3] == "02/09/2024" and first[4] == "Head of Repairs"
    assert first[5] == "Done" and first[6] == "RI-2404-0078, RI-2404-0095, RI-2405-0164"
    assert rows[0].select("td")[6].find("a") is None  # a reference, never a link into the case log
    assert [td.get_text() for td in rows[4].select("td")][3] == ""  # planned: no date yet
    assert "3 done, 1 in progress, 1 planned" in soup.get_text()


def test_the_ombudsman_part_shows_findings_orders_progress_and_reports(demo_inputs):
    report = _report(demo_inputs)
    soup = _soup(report.ombudsman().html)
    determination = soup.select_one('div.ombudsman-record[data-id="O-01"]')
    assert determination.find_previous("h3")["id"] == "annual-ombudsman-findings"
    assert "Determination: Communication about a complaint" in determination.h4.get_text()
    outcomes = [tr.select("td")[1].get_text() for tr in determination.select("table.ombudsman-findings tbody tr")]
    assert outcomes == ["Severe maladministration", "Maladministration"]
    orders = [[td.get_text().strip() for td in tr.select("td")] for tr in determination.select("table.ombudsman-orders tbody tr")]
    assert [row[3] for row in orders] == ["Complied", "Complied", "In progress"]
    assert orders[0][4] == "29/05/2025" and orders[2][2] == "14/08/2025" and "L-02" in orders[2][5]
    assert "3 orders of the Ombudsman: 2 complied with." in soup.get_text(" ").replace("  ", " ")
    report_record = soup.select_one('div.ombudsman-record[data-id="O-02"]')
    link = report_record.find("a")
    assert link["href"] == "https://www.housing-ombudsman.org.uk/landlord-performance/"
    assert "noopener" in link["rel"] and link["target"] == "_blank"
    assert "LPR-2023-24" in report_record.get_text()
    publications = soup.find("h3", id="annual-ombudsman-publications")
    assert "None this year" in publications.find_next("p").get_text()


def test_an_order_past_due_is_flagged_but_the_report_stays_complete(demo_inputs):
    report = _report(demo_inputs, as_of=dt.date(2025, 9, 1))  # the review was due on 14/08/2025
    soup = _soup(report.ombudsman().html)
    overdue = soup.select("table.ombudsman-orders tr.overdue")
    assert len(overdue) == 1 and "Past due (in progress)" in overdue[0].get_text()
    assert "1 past due" in soup.get_text()
    cover = _soup(report.cover().html)
    assert cover.select_one("div.completeness.complete") is not None
    assert _gap_codes(report.cover().html) == [GapCode.ORDER_OVERDUE.value]
    assert cover.select_one("li.finding.gap")["data-item"] == "O-01"
    record = report.run_record().record["annual_report"]
    assert record["complete"] is True and [g["kind"] for g in record["gaps"]] == ["overdue"]
    assert report.run_record().record["records"]["orders"]["overdue"] == 1


def test_the_governing_body_response_and_the_mrc(demo_inputs):
    soup = _soup(_report(demo_inputs).governing_body().html)
    assert soup.h2["id"] == "annual-governing-body"
    assert "asked the Executive to report progress" in soup.select_one("blockquote").get_text()
    text = soup.get_text(" ")
    assert "19/06/2025" in text and "Helen Ashworth, Chair of the Board" in text
    assert soup.find("h3", id="annual-member-responsible") is not None and "David Okonjo, Board member" in text


# --- each part of 8.1 present or flagged ------------------------------------------------------------

def _no_learning(data):
    data["learning"] = []


def _no_determination(data):
    data["ombudsman"] = [item for item in data["ombudsman"] if item["kind"] != "determination"]


def _no_performance_report(data):
    data["ombudsman"] = [item for item in data["ombudsman"] if item["kind"] != "annual_performance_report"]


def _publications_not_confirmed(data):
    data["confirmed_none"]["other_publications"] = False


def _no_response(data):
    data["governing_body"] = None


def _no_member(data):
    data["member_responsible"] = None


def _learning_confirmed_none_too(data):
    data["confirmed_none"]["learning"] = True


REMOVALS = [
    (_no_learning, GapCode.NO_LEARNING, "8.1 (d)", "learning"),
    (_no_determination, GapCode.NO_OMBUDSMAN_FINDINGS, "8.1 (c)", "ombudsman"),
    (_no_performance_report, GapCode.NO_PERFORMANCE_REPORT, "8.1 (e)", "ombudsman"),
    (_publications_not_confirmed, GapCode.NO_OTHER_PUBLICATIONS, "8.1 (f)", "ombudsman"),
    (_no_response, GapCode.NO_GOVERNING_BODY_RESPONSE, "8.2", "governing_body"),
    (_no_member, GapCode.NO_MEMBER_RESPONSIBLE, "9.5", "governing_body"),
    (_learning_confirmed_none_too, GapCode.NONE_CONTRADICTED, "8.1 (d)", "learning"),
]


@pytest.mark.parametrize(("change", "code", "label", "part"), REMOVALS, ids=[r[1].value for r in REMOVALS])
def test_each_record_removed_raises_its_gap_at_the_top_in_its_part_and_in_the_run_records(demo_inputs, change,
                                                                                             code, label, part):
    _edit(demo_inputs, RIVERBEND, change)
    report = _report(demo_inputs)
    cover = _soup(report.cover().html)
    box = cover.select_one("div.completeness.incomplete")
    assert box is not None and "Not yet complete against Code 8.1 and 8.2" in box.get_text()
    items = box.select("li.finding.gap")
    assert [li["data-code"] for li in items] == [code.value]
    assert items[0].select_one(".provision").get_text() == label
    assert items[0].select_one(".severity").get_text() == ("Inconsistent" if code is GapCode.NONE_CONTRADICTED
                                                           else "Missing")
    # the gap comes before anything else the report shows
    assert cover.find("li", class_="finding").find_previous("h2")["id"] == "annual-completeness"
    missing_rows = [tr.td.get_text() for tr in cover.select("table.annual-parts tr.missing")]
    assert missing_rows == [label]
    assert code.value in _gap_codes(getattr(report, part)().html)  # and where the part would be
    annual = report.run_record().record["annual_report"]
    assert annual["complete"] is False and [gap["code"] for gap in annual["gaps"]] == [code.value]
    assert annual["gaps"][0]["label"] == label
    # the self-assessment's metrics.json says the same
    workbook = open_workbook(RIVERBEND, PERIOD, demo_inputs, as_of=AS_OF.isoformat())
    assert workbook.metrics()["annual_report"] == annual


def test_no_self_assessment_flags_8_1_a_and_appends_nothing(demo_inputs):
    (demo_inputs / RIVERBEND / "answers" / f"{PERIOD}.yaml").unlink()
    report = _report(demo_inputs)
    assert _gap_codes(report.cover().html) == [GapCode.NO_SELF_ASSESSMENT.value]
    appendix = _soup(report.self_assessment().html)
    assert appendix.h2["id"] == "annual-self-assessment"
    assert _gap_codes(str(appendix)) == [GapCode.NO_SELF_ASSESSMENT.value]
    assert appendix.find(id="executive-summary") is None and appendix.find(id="section-1") is None


def test_no_figures_flags_8_1_b(demo_inputs):
    landlord = "moorside-almshouses"
    log = demo_inputs / landlord / "complaints.csv"
    log.write_text(log.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    report = _report(demo_inputs, landlord)
    assert _gap_codes(report.cover().html) == [GapCode.NO_FIGURES.value]
    assert report.run_record().record["annual_report"]["complete"] is False
    assert _soup(report.analysis().html).find("h2")["id"].startswith("annual-")


def test_without_a_records_file_every_recorded_part_is_missing(demo_inputs):
    _records_path(demo_inputs, RIVERBEND).unlink()
    report = _report(demo_inputs)
    assert _gap_codes(report.cover().html) == [GapCode.NO_OMBUDSMAN_FINDINGS.value, GapCode.NO_LEARNING.value,
                                               GapCode.NO_PERFORMANCE_REPORT.value,
                                               GapCode.NO_OTHER_PUBLICATIONS.value,
                                               GapCode.NO_GOVERNING_BODY_RESPONSE.value,
                                               GapCode.NO_MEMBER_RESPONSIBLE.value]
    record = report.run_record().record
    assert record["annual_report"]["records_sha256"] is None and record["annual_report"]["complete"] is False
    assert record["provenance"]["inputs"]["annual_records"]["sha256"] is None
    assert "6 things missing" in report.run_record().summary
    soup = _soup(report.learning().html)
    assert soup.find("table") is None and _gap_codes(str(soup)) == [GapCode.NO_LEARNING.value]


def test_confirmed_none_is_said_so(demo_inputs):
    report = _report(demo_inputs, "moorside-almshouses")
    soup = _soup(report.ombudsman().html)
    said = [p.get_text() for p in soup.select("p.none-this-year")]
    assert len(said) == 3 and all(text.startswith("None this year") for text in said)
    assert _gap_codes(report.cover().html) == []


#: An unreadable records file: each way (a YAML typo, a refused value, a symbolic link) and what its
#: message says (file, entry and field; never a resident's data).
UNREADABLE = [
    ("yaml-typo", lambda text: text.replace("status: done", "status: [done", 1), "line"),
    ("refused-value", lambda text: text.replace("status: done", "status: finished", 1),
     "improvement 1 (L-01): status"),
]
#: The records parts, each of which says the records could not be read.
RECORDS_PARTS = ("learning", "ombudsman", "governing_body")


def _assert_unreadable(report, demo_inputs, expected: str) -> None:
    cover = _soup(report.cover().html)
    box = cover.select_one("div.completeness.incomplete")
    assert box is not None
    first = box.select_one("li.finding.gap")  # at the top, first of the gaps
    assert first["data-code"] == GapCode.RECORDS_UNREADABLE.value == "records-unreadable"
    message = first.select_one(".message").get_text()
    assert expected in message and "annual/2024-25.yaml" in message
    assert "correct the file" in message  # and how to put it right
    states = {tr.td.get_text(): tr.select("td")[2].get_text() for tr in cover.select("table.annual-parts tbody tr")}
    for label in ("8.1 (c)", "8.1 (d)", "8.1 (e)", "8.1 (f)", "8.2", "9.5"):
        assert "could not be read" in states[label], label
    assert states["8.1 (a)"] == "Appended" and states["8.1 (b)"] == "Included"  # not from the records
    for part in RECORDS_PARTS:
        said = _soup(getattr(report, part)().html).select("p.records-unreadable")
        assert len(said) == 1 and "could not be read" in said[0].get_text(), part
    assert "RI-2404-0078" not in _whole(report)  # nothing of the records is shown
    themes = _soup(report.analysis().html).select_one("div.annual-themes")  # the landlord's own analysis is not known
    assert themes.select("p.records-unreadable") and "qualitative analysis" in message
    record = report.run_record().record
    annual = record["annual_report"]
    assert annual["complete"] is False and annual["problem"] and expected in annual["problem"]
    assert [gap["code"] for gap in annual["gaps"]] == [GapCode.RECORDS_UNREADABLE.value]
    assert "1 thing missing" in report.run_record().summary
    # the self-assessment's metrics.json says the same, from the same check
    workbook = open_workbook(RIVERBEND, PERIOD, demo_inputs, as_of=AS_OF.isoformat())
    assert workbook.metrics()["annual_report"] == annual


@pytest.mark.parametrize(("change", "expected"), [(change, expected) for _, change, expected in UNREADABLE],
                         ids=[name for name, _, _ in UNREADABLE])
def test_an_unreadable_records_file_is_a_gap_at_the_top_and_the_report_still_renders(demo_inputs, change, expected):
    path = _records_path(demo_inputs, RIVERBEND)
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    report = _report(demo_inputs)
    _assert_unreadable(report, demo_inputs, expected)
    annual = report.run_record().record["annual_report"]
    assert annual["records_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert report.run_record().record["provenance"]["inputs"]["annual_records"]["sha256"] == annual["records_sha256"]


def test_a_records_file_that_is_a_symbolic_link_is_refused_as_a_gap(demo_inputs, tmp_path):
    path = _records_path(demo_inputs, RIVERBEND)
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(elsewhere)
    report = _report(demo_inputs)
    _assert_unreadable(report, demo_inputs, "symbolic link")
    assert report.run_record().record["annual_report"]["records_sha256"] is None  # nothing was read


def test_the_records_hash_is_of_what_the_report_read(demo_inputs):
    """The run record's SHA-256 is of the records the report shows, even when the file changes
    while the report runs (the workbook saving an edit meanwhile)."""
    path = _records_path(demo_inputs, RIVERBEND)
    read = hashlib.sha256(path.read_bytes()).hexdigest()
    report = _report(demo_inputs)
    report.cover()
    _edit(demo_inputs, RIVERBEND, _no_member)
    record = report.run_record().record
    assert record["annual_report"]["records_sha256"] == read
    assert record["provenance"]["inputs"]["annual_records"]["sha256"] == read
    assert record["annual_report"]["gaps"] == []  # the records read, not the file as it is now


def test_the_self_assessment_s_status_hashes_the_bytes_it_checked(demo_inputs, monkeypatch):
    """``metrics.json``'s ``annual_report``: the file is read once, and its SHA-256 is of the bytes
    checked, even when someone saves the file between the two."""
    from audit_lib.annual import records as annual_records

    path = _records_path(demo_inputs, RIVERBEND)
    original = path.read_bytes()
    read_file_text = annual_records.read_file_text
    reads = []

    def edited_meanwhile(where: Path) -> str:  # someone removes the MRC just before the file is read
        _edit(demo_inputs, RIVERBEND, _no_member)
        reads.append(where)
        return read_file_text(where)

    monkeypatch.setattr(annual_records, "read_file_text", edited_meanwhile)
    annual = open_workbook(RIVERBEND, PERIOD, demo_inputs, as_of=AS_OF.isoformat()).metrics()["annual_report"]
    assert len(reads) == 1
    assert [gap["code"] for gap in annual["gaps"]] == [GapCode.NO_MEMBER_RESPONSIBLE.value]
    assert annual["records_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest() != \
        hashlib.sha256(original).hexdigest()


# --- escaping and personal data -------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


def _everything_typed(data):
    """A ``<script>`` in every text field of the records, and markup in a link."""
    for item in data["learning"]:
        for key in ("theme", "residents_said", "we_did", "owner"):
            item[key] = f"{key} {SCRIPT}"
    for item in data["ombudsman"]:
        item["title"] = f"title {SCRIPT}"
        item["summary"] = f"summary {SCRIPT}"
        for finding in item.get("findings", []):
            finding["wording"] = f"wording {SCRIPT}"
        for order in item.get("orders", []):
            order["text"] = f"order {SCRIPT}"
            order["note"] = f"note {SCRIPT}"
        if "link" in item:
            item["link"] = 'https://example.org/?q="><script>alert(2)</script>'
    data["governing_body"] = {"text": f"response {SCRIPT}", "meeting_date": "2025-06-19", "name": f"name {SCRIPT}",
                              "role": f"role {SCRIPT}"}
    data["member_responsible"] = {"name": f"member {SCRIPT}", "role": f"mrole {SCRIPT}"}
    data["qualitative_analysis"] = f"analysis {SCRIPT}"


def test_everything_typed_in_the_records_is_shown_as_text(demo_inputs):
    _edit(demo_inputs, RIVERBEND, _everything_typed)
    report = _report(demo_inputs)
    html = "\n".join(getattr(report, part)().html for part in ("cover", "analysis", "learning", "ombudsman",
                                                               "governing_body"))
    soup = _soup(html)
    assert soup.find_all("script") == []
    text = soup.get_text()
    for field in ("theme", "residents_said", "we_did", "owner", "title", "summary", "wording", "order", "note",
                  "response", "name", "role", "member", "mrole", "analysis"):
        assert f"{field} {SCRIPT}" in text, field
    link = soup.select_one('div.ombudsman-record[data-id="O-02"] a')
    assert link["href"] == 'https://example.org/?q="><script>alert(2)</script>'  # one attribute, escaped
    assert set(link.attrs) == {"href", "target", "rel"}


def test_only_web_addresses_become_links():
    record = OmbudsmanRecord.model_construct(id="O-09", kind="special_report", date=dt.date(2025, 1, 1),
                                             reference="R-1", link="javascript:alert(1)", title="t", summary=None,
                                             findings=[], orders=[])
    assert record_view(record, AS_OF).href is None
    web = record.model_copy(update={"link": " https://example.org/report "})
    assert record_view(web, AS_OF).href == "https://example.org/report"


def test_planted_personal_data_in_the_case_log_reaches_no_part_of_the_report(demo_inputs):
    from tests.test_personal_data import TELLTALES, _planted_export

    export = demo_inputs / RIVERBEND / "complaints_export_2024-25.csv"
    text, originals = _planted_export(export)
    export.write_text(text, encoding="utf-8")
    report = _report(demo_inputs)
    whole = _whole(report)
    visible = _soup(whole).get_text()
    for token in TELLTALES:
        assert token not in whole, token
    assert not [value for value in originals if value in whole]
    assert "RI-2404-0078" in visible  # the learning log's case references are still shown


# --- the appended self-assessment -----------------------------------------------------------------

def test_the_appendix_holds_the_self_assessment_with_every_section_s_provisions(demo_inputs):
    report = _report(demo_inputs)
    soup = _soup(report.self_assessment().html)
    assert soup.h2.get_text() == "Appendix: the annual self-assessment (Code 8.1 a)"
    assert soup.find("h1") is None and soup.find("style") is None  # the report's own title and stylesheet
    assert soup.find("h3").get_text().startswith("Riverbend Homes: self-assessment against")
    catalogue = load_catalogue("2024")
    for section in catalogue.sections:
        assert soup.find("h2", id=f"section-{section.number}") is not None, section.number
    shown = {tag["id"].removeprefix("provision-") for tag in soup.find_all(id=True)
             if tag["id"].startswith("provision-")}
    assert shown == {p.number for p in catalogue.provisions}
    assert soup.find("h2", id="executive-summary") is not None and soup.find("h2", id="action-plan") is not None
    order = [h2["id"] for h2 in soup.find_all("h2")]
    assert order[0] == "annual-self-assessment" and order[1] == "executive-summary" and order[-1] == "action-plan"
    # the same parts the self-assessment report shows
    workbook = report.workbook
    assert workbook.section(3).html in report.self_assessment().html


def test_the_whole_report_has_one_title_one_stylesheet_as_written_and_unique_ids(demo_inputs):
    """The appended self-assessment's title block is a sub-heading of the appendix, without a
    second copy of the stylesheet; the stylesheet is as written (autoescape turned its quotes into
    ``&#34;``, which a browser does not decode inside ``<style>``)."""
    from audit_lib.report.render import stylesheet

    whole = _whole(_report(demo_inputs))
    soup = _soup(whole)
    assert [h1.get_text() for h1 in soup.find_all("h1")] == [f"Riverbend Homes: {TITLE}, {PERIOD}"]
    styles = soup.find_all("style")
    assert len(styles) == 1 and styles[0].string == str(stylesheet())
    assert '<style>.chc { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;' in whole
    title = soup.find("h2", id="annual-self-assessment").find_next(["h1", "h2", "h3"])
    assert title.name == "h3" and title.get_text().startswith("Riverbend Homes: self-assessment against")
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_the_self_assessment_s_own_cover_keeps_its_title_and_stylesheet(demo_inputs):
    html = open_workbook(RIVERBEND, PERIOD, demo_inputs, as_of=AS_OF.isoformat()).cover().html
    soup = _soup(html)
    assert soup.h1.get_text().startswith("Riverbend Homes: self-assessment against")
    assert len(soup.find_all("style")) == 1 and '<style>.chc { font-family: system-ui, -apple-system, "Segoe UI"' in html


# --- the demo group's records ------------------------------------------------------------------------

def test_the_demo_group_has_records_for_every_subsidiary_and_one_incomplete():
    complete = {}
    for landlord in DEMO_IDS:
        records = load_records(records_file(DEMO_INPUTS / landlord, PERIOD), landlord, PERIOD)
        workbook = open_workbook(landlord, PERIOD, DEMO_INPUTS, as_of=AS_OF.isoformat())
        assert 3 <= len(records.learning) <= 5, landlord
        categories = set(workbook.stats.categories)
        cases = set(workbook.case_log.cases["case_id"])
        for item in records.learning:
            assert any(item.theme.startswith(category) for category in categories), (landlord, item.theme)
            assert set(item.case_references) <= cases, (landlord, item.id)
        annual = workbook.metrics()["annual_report"]
        complete[landlord] = annual["complete"]
        if landlord == "wharfedale-community-homes":
            assert [gap["code"] for gap in annual["gaps"]] == ["no-self-assessment", "no-governing-body-response"]
    assert [landlord for landlord, done in complete.items() if not done] == ["wharfedale-community-homes"]
    with_determination = [landlord for landlord in DEMO_IDS
                          if any(item.kind == "determination" and item.findings and item.orders
                                 for item in load_records(records_file(DEMO_INPUTS / landlord, PERIOD), landlord,
                                                          PERIOD).ombudsman)
                          and complete[landlord]]
    assert with_determination, "a complete demo landlord with a determination, its findings and orders"


def test_a_problem_with_the_records_lock_names_the_lock_not_the_records(demo_inputs, tmp_path):
    lock = _records_path(demo_inputs, RIVERBEND).with_name("2024-25.yaml.lock")
    (tmp_path / "elsewhere").write_text("")
    lock.symlink_to(tmp_path / "elsewhere")
    problem = _report(demo_inputs).run_record().record["annual_report"]["problem"]
    assert problem.startswith(f"{RIVERBEND}/annual/2024-25.yaml.lock: ")
