"""Findings in the report: beside each provision (table and card) with the auditor's response, in the
executive summary ("Where the data questions the answers"), and the evidence register appendix.

Everything is checked as parsed HTML; messages, responses and the register's texts are user-supplied,
so each is shown to come out as text, never as markup, and only http(s) addresses become links.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from types import SimpleNamespace

import nbformat
import pytest
from bs4 import BeautifulSoup

from audit_lib.assessment.answers import Answer, Assessment, Evidence, FindingResponse
from audit_lib.code.catalogue import load_catalogue
from audit_lib.evidence.register import load_register
from audit_lib.findings.assess import assess
from audit_lib.findings.model import Finding, FindingCode, Severity
from audit_lib.report.render import render
from audit_lib.workbook import views
from audit_lib.workbook.facade import open_workbook

from .test_project import ROOT

CODE = load_catalogue()
AS_OF = dt.date(2025, 6, 30)
SCRIPT = "<script>alert(1)</script>"


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def _text(node) -> str:
    return " ".join(node.get_text().split())


def _finding(number: str, severity: Severity, code: FindingCode, message: str,
             response: str | None = None) -> Finding:
    return Finding(provision=f"2024:{number}", severity=severity, code=code, message=message, response=response)


CONTRADICTED = _finding("6.2", Severity.CONTRADICTED, FindingCode.ON_TIME_BELOW_THRESHOLD,
                        "Answered Yes, but 71.4% of stage 1 responses were on time (threshold 90%).")
CAUTION = _finding("6.3", Severity.CAUTION, FindingCode.ON_TIME_BELOW_FULL,
                   "Answered Yes, but 95.0% of stage 1 acknowledgements were on time.")
ANSWERED = _finding("6.13", Severity.CONTRADICTED, FindingCode.SAME_HANDLER_BOTH_STAGES,
                    "Answered Yes, but 2 complaints had the same officer at both stages.",
                    response="Both were in the interim structure; fixed " + SCRIPT)
EVIDENCE_1 = _finding("6.2", Severity.EVIDENCE, FindingCode.EVIDENCE_VAGUE, "The evidence says too little.")
EVIDENCE_2 = _finding("3.1", Severity.EVIDENCE, FindingCode.EVIDENCE_VAGUE, "The evidence says too little.")
EVIDENCE_3 = _finding("3.1", Severity.EVIDENCE, FindingCode.EVIDENCE_WITHOUT_DOCUMENT, "No document is named.")
FINDINGS = [EVIDENCE_2, EVIDENCE_3, CONTRADICTED, EVIDENCE_1, CAUTION, ANSWERED]  # the Code's order


# --- beside each provision ---------------------------------------------------------------------

def _section_6(findings, assessment=None):
    assessment = assessment or Assessment(landlord="l", period="2024-25")
    return _soup(views.section(CODE, 6, assessment, {}, AS_OF, findings).html)


def test_each_provision_shows_its_findings_with_the_response_or_its_absence():
    soup = _section_6(FINDINGS)
    row = soup.find("tr", id="provision-6.2")
    extra = row.find_next_sibling("tr")
    assert "findings-row" in extra["class"] and extra["id"] == "findings-6.2"
    items = extra.select("li.finding")
    assert [(li["class"][1], li["data-code"]) for li in items] == [
        ("contradicted", "on-time-below-threshold"), ("evidence", "evidence-vague")]
    contradicted = items[0]
    assert contradicted.select_one(".severity").get_text() == "Contradicted"  # a word, not colour alone
    assert "71.4% of stage 1 responses" in _text(contradicted)
    assert "No response recorded" in _text(contradicted.select_one(".response.missing"))
    assert not items[1].select(".response")  # an evidence finding without a response: nothing more to say
    caution = soup.find("tr", id="findings-6.3").select_one("li.finding.caution")
    assert caution.select_one(".severity").get_text() == "Caution" and not caution.select(".response")
    answered = soup.find("tr", id="findings-6.13").select_one("li.finding.contradicted")
    assert _text(answered.select_one(".response")).startswith("Response: Both were in the interim structure")
    assert not answered.select(".missing")


def test_a_provision_without_findings_has_no_findings_row_and_other_sections_none_at_all():
    soup = _section_6(FINDINGS)
    assert soup.find("tr", id="provision-6.1").find_next_sibling("tr")["id"] == "provision-6.2"
    assert not _soup(views.section(CODE, 3, Assessment(landlord="l", period="2024-25"), {}, AS_OF,
                                   [CONTRADICTED]).html).select(".findings")
    assert not _soup(views.section(CODE, 6, Assessment(landlord="l", period="2024-25"), {}, AS_OF).html).select(
        ".findings")


def test_messages_and_responses_are_text_never_markup():
    hostile = _finding("6.2", Severity.CAUTION, FindingCode.ANSWER_MAY_BE_OUT_OF_DATE, f"Look {SCRIPT}",
                       response=f'"><img src=x onerror=alert(1)> {SCRIPT}')
    html = views.section(CODE, 6, Assessment(landlord="l", period="2024-25"), {}, AS_OF, [hostile]).html
    soup = _soup(html)
    assert not soup.find("script") and not soup.find("img")
    assert SCRIPT in _text(soup.find("tr", id="findings-6.2"))
    assert "&lt;script&gt;" in html


def test_the_card_draws_the_same_findings_from_the_row():
    provision = CODE.provision("2024:6.2")
    row = views.provision_row(provision, Answer(status="Yes"), [], AS_OF, FINDINGS)
    assert row["findings"] == [CONTRADICTED, EVIDENCE_1]  # only this provision's
    card = _soup(render("provision_card", row=row))
    assert [li["data-code"] for li in card.select("li.finding")] == ["on-time-below-threshold", "evidence-vague"]
    assert "No response recorded" in _text(card.select_one("li.finding.contradicted"))
    assert views.provision_row(provision, Answer(), [], AS_OF)["findings"] == []
    assert not _soup(render("provision_card", row=views.provision_row(provision, Answer(), [], AS_OF))).select(
        ".findings")


# --- the executive summary ---------------------------------------------------------------------

@pytest.fixture
def riverbend(demo_inputs):
    return open_workbook("riverbend-homes", "2024-25", demo_inputs, as_of=AS_OF)


def _summary(wb, findings, assessment=None):
    html = views.executive_summary(wb.landlord, wb.period, wb.catalogue, assessment or wb.assessment, wb.stats,
                                   wb.case_log, AS_OF, findings).html
    return html, _soup(html)


def _questions(soup):
    heading = soup.find("h3", id="data-questions")
    assert heading is not None and heading.get_text() == "Where the data questions the answers"
    part = []
    for node in heading.find_next_siblings():
        if node.name == "h3":
            break
        part.append(node)
    return part


def test_the_summary_counts_the_findings_and_lists_the_questioned_answers(riverbend):
    _, soup = _summary(riverbend, FINDINGS)
    part = _questions(soup)
    counts = next(n for n in part if "finding-counts" in (n.get("class") or []))
    assert [th.get_text(" ", strip=True) for th in counts.select("th")] == ["Contradicted", "Caution", "Evidence",
                                                                           "Findings"]
    assert [td.get_text() for td in counts.select("td")] == ["2", "1", "3", "6"]
    unanswered = next(n for n in part if "unanswered-contradictions" in (n.get("class") or []))
    assert "1 contradicted finding has no response recorded" in _text(unanswered)
    table = next(n for n in part if "questioned" in (n.get("class") or []))
    rows = table.select("tbody tr")
    # contradicted first, then caution; the Code's order within each
    assert [(r.find("a")["href"], r.select_one(".severity").get_text()) for r in rows] == [
        ("#provision-6.2", "Contradicted"), ("#provision-6.13", "Contradicted"), ("#provision-6.3", "Caution")]
    assert "No response recorded" in _text(rows[0].select_one(".response.missing"))
    assert _text(rows[1].select("td")[3]) == "Both were in the interim structure; fixed " + SCRIPT
    assert not soup.find("script")
    assert "No response recorded" in _text(rows[2]) and not rows[2].select(".missing")
    evidence = next(n for n in part if "evidence-findings" in (n.get("class") or []))
    assert _text(evidence) == ("Evidence 3 findings on the evidence behind 2 provisions; most common: evidence vague "
                               "(2), evidence without document (1). Each is shown beside its provision.")


def test_the_summary_says_when_nothing_questions_an_answer(riverbend):
    _, soup = _summary(riverbend, [])
    part = _questions(soup)
    assert [_text(n) for n in part] == ["Neither the case data nor the evidence recorded questions any answer."]
    _, soup = _summary(riverbend, [EVIDENCE_2])
    texts = [_text(n) for n in _questions(soup)[1:]]  # after the counts
    assert texts[0] == "The case data does not question any answer."
    assert texts[1].startswith("Evidence 1 finding on the evidence behind 1 provision; most common: evidence vague (1)")


def test_the_summary_leaves_the_part_out_when_findings_were_not_computed(riverbend):
    html, soup = _summary(riverbend, None)
    assert soup.find("h3", id="data-questions") is None and "questions the answers" not in html


def test_the_summary_says_when_there_were_no_case_figures(demo_inputs):
    wb = open_workbook("riverbend-homes", "2030-31", demo_inputs, as_of=AS_OF)
    _, soup = _summary(wb, [])
    assert [_text(n) for n in _questions(soup)] == [
        "Neither the case data nor the evidence recorded questions any answer. There were no case figures for "
        "2030-31 to check the answers against."]


def test_the_workbook_shows_the_findings_it_computes(riverbend):
    findings = riverbend.findings()
    assert findings == assess(CODE, riverbend.assessment, riverbend.stats, riverbend.register,
                              riverbend.landlord.finding_settings)
    summary = _soup(riverbend.executive_summary().html)
    assert summary.find("h3", id="data-questions") is not None
    sections = "".join(riverbend.section(n).html for n in range(1, 10))
    shown = [li["data-code"] for li in _soup(sections).select("li.finding")]
    assert shown == [f.code.value for f in findings]


def test_a_response_recorded_in_the_answers_shows_beside_its_finding(demo_inputs):
    wb = open_workbook("calder-vale-housing", "2024-25", demo_inputs, as_of=AS_OF)
    [contradicted] = [f for f in wb.findings() if f.severity is Severity.CONTRADICTED]
    section = CODE.provision(contradicted.provision).section
    before = _soup(views.section(CODE, section, wb.assessment, {}, AS_OF, wb.findings()).html)
    item = before.find("tr", id=f"findings-{contradicted.number}").select_one("li.finding.contradicted")
    assert "No response recorded" in _text(item)
    answer = wb.assessment.answer(contradicted.provision)
    responded = answer.model_copy(update={"responses": [FindingResponse(code=contradicted.code.value,
                                                                        text=f"Agreed with the Board {SCRIPT}")]})
    assessment = wb.assessment.model_copy(update={"answers": {**wb.assessment.answers,
                                                              contradicted.provision: responded}})
    findings = wb.findings(assessment)
    after = _soup(views.section(CODE, section, assessment, {}, AS_OF, findings).html)
    item = after.find("tr", id=f"findings-{contradicted.number}").select_one("li.finding.contradicted")
    assert _text(item.select_one(".response")) == f"Response: Agreed with the Board {SCRIPT}"
    assert not item.select(".missing") and not after.find("script")
    summary = _soup(views.executive_summary(wb.landlord, wb.period, wb.catalogue, assessment, wb.stats, wb.case_log,
                                            AS_OF, findings).html)
    assert summary.select_one("p.unanswered-contradictions") is None


# --- the evidence register appendix ------------------------------------------------------------

POLICY = b"%PDF-1.7 complaints policy, version 4: the full text of the policy itself"


def _register_and_answers(folder):
    register = load_register(folder)
    register.attach(POLICY, "Complaints policy v4.pdf", id="POL-01", title=f"Complaints policy {SCRIPT}",
                    version="4", date=dt.date(2024, 4, 1), owner="Head of Customer Experience")
    register.add_link("https://example.org/self-assessment", id="WEB-01", title="Published self-assessment",
                      date=dt.date(2025, 6, 1))
    register.add_link("http://example.org/unused", id="WEB-02", title="Old page")
    answers = {
        "2024:1.2": Answer(status="Yes", evidence=[Evidence(description="Policy", reference="POL-01")]),
        "2024:3.1": Answer(status="Yes", evidence=[Evidence(description="Policy", reference="POL-01"),
                                                   Evidence(description="Website", reference="WEB-01")]),
        "2024:5.1": Answer(status="Yes", evidence=[Evidence(description="Minutes", reference=f"MIN-{SCRIPT}")]),
        "2024:6.2": Answer(status="Yes", evidence=[Evidence(description="Minutes", reference=f"MIN-{SCRIPT}"),
                                                   Evidence(description="No reference")]),
    }
    return register, Assessment(landlord="l", period="2024-25", answers=answers)


def test_the_register_lists_every_document_and_who_cites_it(tmp_path):
    register, assessment = _register_and_answers(tmp_path)
    html = views.evidence_register(CODE, assessment, register).html
    soup = _soup(html)
    assert soup.find("h2", id="evidence-register").get_text() == "Appendix: evidence register"
    rows = {tr["data-document"]: tr.select("td") for tr in soup.select("table.register tbody tr")}
    assert list(rows) == ["POL-01", "WEB-01", "WEB-02"]
    policy = [_text(td) for td in rows["POL-01"]]
    digest = hashlib.sha256(POLICY).hexdigest()
    assert policy[:5] == ["POL-01", f"Complaints policy {SCRIPT}", "4", "01/04/2024", "Head of Customer Experience"]
    assert policy[5].startswith(f"File Complaints policy v4.pdf SHA-256 {digest[:12]}")
    assert digest not in policy[5] and rows["POL-01"][5].find(title=True)["title"] == f"SHA-256 {digest}"
    assert policy[6] == "1.2, 3.1"
    assert [a["href"] for a in rows["POL-01"][6].find_all("a")] == ["#provision-1.2", "#provision-3.1"]
    assert POLICY.decode() not in html and "full text of the policy" not in html  # never the file's contents
    link = rows["WEB-01"][5].find("a")
    assert link["href"] == "https://example.org/self-assessment"
    assert link["target"] == "_blank" and link["rel"] == ["noopener", "noreferrer"]
    assert _text(rows["WEB-01"][3]) == "01/06/2025" and _text(rows["WEB-01"][6]) == "3.1"
    assert _text(rows["WEB-02"][6]) == "none"
    missing = [[_text(td) for td in tr.select("td")] for tr in soup.select("table.not-in-register tbody tr")]
    assert missing == [[f"MIN-{SCRIPT}", "5.1, 6.2"]]
    assert [_text(li) for li in soup.select("ul.not-cited li")] == ["WEB-02 Old page"]
    assert not soup.find("script") and "&lt;script&gt;" in html


def test_the_register_marks_a_document_changed_since_signing_or_missing_and_lists_web_links_apart(tmp_path):
    from audit_lib.assessment.answers import SignOff, SignOffs

    register, assessment = _register_and_answers(tmp_path)
    register.attach(b"the procedure", "procedure.pdf", id="PRO-01", title="Procedure")
    reviewed = SignOff(name="Rev", date=dt.date(2025, 5, 20), documents={"POL-01": "0" * 64})  # another version
    answers = {**assessment.answers, "2024:1.3": Answer(status="Yes", evidence=[
        Evidence(description="Procedure", reference="PRO-01 s2"),
        Evidence(description="Page", reference="https://example.org/complaints")])}
    assessment = assessment.model_copy(update={"answers": answers, "signoff": SignOffs(reviewed=reviewed)})
    (tmp_path / "evidence" / register.documents["PRO-01"].file).unlink()  # the stored file has gone
    soup = _soup(views.evidence_register(CODE, assessment, register).html)
    problems = {tr["data-document"]: _text(tr.select_one(".document-problem") or tr) for tr in
                soup.select("table.register tbody tr") if tr.select_one(".document-problem")}
    assert set(problems) == {"POL-01", "PRO-01"}
    assert "Changed since the review of 20/05/2025, which recorded SHA-256 000000000000" in problems["POL-01"]
    assert "PRO-01" in problems["PRO-01"] and "missing" in problems["PRO-01"].lower()
    missing = [_text(tr.select_one("td")) for tr in soup.select("table.not-in-register tbody tr")]
    assert missing == [f"MIN-{SCRIPT}"]  # a web address is not "missing from the register"
    [link] = soup.select("table.web-links tbody tr")
    assert link.find("a")["href"] == "https://example.org/complaints" and link.find("a")["target"] == "_blank"
    assert _text(link.select("td")[1]) == "1.3"


def test_the_register_refuses_a_javascript_address_and_the_appendix_never_links_one(tmp_path):
    register = load_register(tmp_path)
    with pytest.raises(Exception):  # noqa: B017 - the register's own error; the point is that it refuses
        register.add_link("javascript:alert(1)", id="BAD-01", title="Bad")
    document = SimpleNamespace(id="BAD-01", title="Bad", version=None, date=None, owner=None, file=None,
                               filename=None, sha256=None, url="javascript:alert(1)")
    rows = [views.RegisterRow(document=document, href=views.web_link(document.url), sha256_short=None, cited_by=[])]
    soup = _soup(render("evidence_register", has_register=True, rows=rows, not_in_register=[], links=[], not_cited=[]))
    assert not soup.find_all("a") and "javascript:alert(1)" in _text(soup.select_one("table.register"))


@pytest.mark.parametrize("url, linked", [
    ("https://example.org/a?b=1#c", True), ("HTTP://EXAMPLE.ORG/", True), (" https://example.org ", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("java\tscript:alert(1)", False),
    ("data:text/html,<b>x</b>", False), ("file:///etc/passwd", False), ("//example.org/x", False),
    ("https://", False), ("https://exa mple.org", False), ("https://example.org/\x00", False), ("", False),
    (None, False), ("https://[::1", False),
])
def test_only_http_and_https_addresses_become_links(url, linked):
    assert (views.web_link(url) is not None) is linked


def test_without_a_register_every_reference_is_one_not_in_it(tmp_path):
    _, assessment = _register_and_answers(tmp_path)
    soup = _soup(views.evidence_register(CODE, assessment, None).html)
    assert "No evidence register is kept" in _text(soup)
    missing = [[_text(td) for td in tr.select("td")] for tr in soup.select("table.not-in-register tbody tr")]
    assert missing == [["POL-01", "1.2, 3.1"], ["WEB-01", "3.1"], [f"MIN-{SCRIPT}", "5.1, 6.2"]]
    assert not soup.select("table.register") and not soup.select("ul.not-cited")


def test_no_register_file_says_none_is_kept(tmp_path):
    soup = _soup(views.evidence_register(CODE, Assessment(landlord="l", period="2024-25"),
                                         load_register(tmp_path)).html)  # what the workbook holds without a file
    assert _text(soup.find("p")).startswith("No evidence register is kept for this landlord")


def test_an_empty_register_and_no_references(tmp_path):
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "register.yaml").write_text("documents: []\n", encoding="utf-8")
    soup = _soup(views.evidence_register(CODE, Assessment(landlord="l", period="2024-25"),
                                         load_register(tmp_path)).html)
    assert [_text(p) for p in soup.find_all("p")] == ["The evidence register holds no documents yet. A document added to it is cited by giving its "
                                                      "id as an evidence item’s reference.",
                                                      "No reference in the evidence is missing from the register."]


def test_the_notebook_shows_the_register_after_the_action_plan(riverbend):
    nb = nbformat.read(ROOT / "notebooks" / "self_assessment.ipynb", as_version=4)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    at = sources.index("wb.action_plan()")
    assert sources[at + 1:at + 3] == ["wb.evidence_register()", "wb.data_quality()"]
    soup = _soup(riverbend.evidence_register().html)
    assert soup.find("h2", id="evidence-register") is not None


def test_bidirectional_controls_never_reorder_a_report(tmp_path):
    register = load_register(tmp_path)
    register.add_link("https://example.org/p", id="WEB-01", title="Policy \u202eoN\u202c page", owner="A \u2067B\u2069")
    answers = {"2024:1.2": Answer(status="Yes", commentary="Fine \u202e2.6", evidence=[
        Evidence(description="Page \u2066x\u2069", reference="WEB-01")])}
    assessment = Assessment(landlord="l", period="2024-25", answers=answers)
    for fragment in (views.evidence_register(CODE, assessment, register), views.section(CODE, 1, assessment, {})):
        text = fragment.html
        assert not any(ch in text for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "Policy \ufffdoN\ufffd page" in views.evidence_register(CODE, assessment, register).html


def test_the_report_s_section_table_names_a_cited_document_by_its_title(tmp_path):
    register, assessment = _register_and_answers(tmp_path)
    soup = _soup(views.section(CODE, 3, assessment, {}, register=register).html)
    cited = [(span["data-document"], _text(span)) for span in soup.select("span.citation")]
    assert cited == [("POL-01", f"[Complaints policy {SCRIPT}, version 4]"), ("WEB-01", "[Published self-assessment]")]
    link = soup.select_one('span.citation[data-document="WEB-01"] a')
    assert link["href"] == "https://example.org/self-assessment" and link["rel"] == ["noopener", "noreferrer"]
    plain = _soup(views.section(CODE, 3, assessment, {}).html)  # without the register: references as typed
    assert not plain.select("span.citation") and "[POL-01]" in _text(plain)
