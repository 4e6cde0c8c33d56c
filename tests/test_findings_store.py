"""Responses to findings in the answer store, and the sign-off over findings and documents.

A response (the auditor's explanation of a finding, by the finding's code) is saved like every
other field: at once, with history, merged item by item between two editors, a conflict in
words when both change the same one. Every signature records the SHA-256 of the cited register
documents; an approval is refused while a contradicted finding has no response, and an override
reason does not get round that.
"""

from __future__ import annotations

import datetime as dt

import pytest

from audit_lib.assessment.answers import Answer, Assessment, Evidence, FindingResponse
from audit_lib.assessment.answers_file import dump_assessment, load_assessment
from audit_lib.assessment.merge import describe_value
from audit_lib.assessment.signoff import SignatureFacts, signed, unanswered_message
from audit_lib.assessment.store import FIELD_LABELS, Conflict, Saved, open_store
from audit_lib.code.catalogue import load_catalogue
from audit_lib.errors import AnswerStoreError, ApprovalIncompleteError, FindingsUnansweredError, SignOffError
from audit_lib.findings.model import Finding, FindingCode, Severity

CODE = load_catalogue()
LANDLORD = "calder-vale-housing"
DAY = dt.date(2025, 6, 1)
BELOW = FindingCode.ON_TIME_BELOW_THRESHOLD.value
SAME = FindingCode.SAME_HANDLER_BOTH_STAGES.value


@pytest.fixture
def folder(demo_inputs):
    return demo_inputs / LANDLORD


def store(folder, user):
    return open_store(folder, CODE, LANDLORD, "2024-25", user)


def on_disk(folder) -> Assessment:
    return load_assessment(folder / "answers" / "2024-25.yaml", CODE, LANDLORD, "2024-25")


def response(code: str, text: str) -> dict[str, str]:
    return {"code": code, "text": text}


def contradicted(provision: str, code: str = BELOW) -> Finding:
    return Finding(provision, Severity.CONTRADICTED, FindingCode(code), "Answered 'Yes'; the data says 82.0%.",
                   {"rate_pct": 82.0})


# --- responses in the store ----------------------------------------------------------------------


def test_a_response_is_saved_at_once_reloaded_and_kept_in_the_history(folder):
    s = store(folder, "alice")
    before = (folder / "answers" / "2024-25.yaml").read_text(encoding="utf-8")
    assert isinstance(s.change("2024:6.2", "responses", [response(BELOW, "  Q1 backlog from the system change.  ")]),
                      Saved)
    saved = on_disk(folder).answer("2024:6.2")
    assert saved.responses == [FindingResponse(code=BELOW, text="Q1 backlog from the system change.")]  # tidied
    entry = s.history()[-1]
    assert (entry["provision"], entry["field"], entry["user"]) == ("2024:6.2", "responses", "alice")
    assert entry["old"] == [] and entry["new"] == [response(BELOW, "Q1 backlog from the system change.")]
    # only the answer's new lines (and the revision) differ; another editor reads it back
    after = (folder / "answers" / "2024-25.yaml").read_text(encoding="utf-8")
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert any("responses:" in line for line in added) and any(BELOW in line for line in added)
    assert len(added) <= 6
    assert store(folder, "bob").answer("2024:6.2").responses == saved.responses


def test_an_answer_without_responses_is_written_without_them_and_an_old_file_still_loads(folder, tmp_path):
    # the demo files predate responses: they load, with none
    assert all(not a.responses for a in on_disk(folder).answers.values())
    assessment = Assessment(landlord=LANDLORD, period="2024-25",
                            answers={"2024:6.2": Answer(status="Yes"),
                                     "2024:6.3": Answer(status="Yes", responses=[FindingResponse(code=BELOW,
                                                                                                 text="Explained")])})
    text = dump_assessment(assessment)
    assert text.count("responses:") == 1
    path = tmp_path / "2024-25.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_assessment(path, CODE, LANDLORD, "2024-25") == assessment
    # a response removed takes its lines with it
    s = store(folder, "alice")
    s.change("2024:6.2", "responses", [response(BELOW, "One")])
    s.change("2024:6.2", "responses", [])
    assert "responses:" not in (folder / "answers" / "2024-25.yaml").read_text(encoding="utf-8")
    assert s.history()[-1]["new"] == []


def test_two_responses_to_one_finding_are_refused_in_plain_words(folder):
    s = store(folder, "alice")
    with pytest.raises(AnswerStoreError, match=r"Responses to findings of 6\.2: .*one response per finding code"):
        s.change("2024:6.2", "responses", [response(BELOW, "One"), response(BELOW, "Two")])
    with pytest.raises(AnswerStoreError, match=r"Responses to findings of 6\.2: .*expected a finding's code"):
        s.change("2024:6.2", "responses", [response("Not A Code", "text")])
    with pytest.raises(AnswerStoreError, match=r"expected an explanation of the finding; found blank text"):
        s.change("2024:6.2", "responses", [response(BELOW, "   ")])  # a blank response would not count: refused
    assert on_disk(folder).answer("2024:6.2").responses == []
    assert [e for e in s.history() if e.get("field") == "responses"] == []


def test_two_editors_responding_to_different_findings_both_land(folder):
    a, b = store(folder, "alice"), store(folder, "bob")
    a.change("2024:6.2", "responses", [response(BELOW, "Alice's explanation")])
    assert isinstance(b.change("2024:6.2", "responses", [response(SAME, "Bob's explanation")]), Saved)
    codes = {r.code: r.text for r in on_disk(folder).answer("2024:6.2").responses}
    assert codes == {BELOW: "Alice's explanation", SAME: "Bob's explanation"}


def test_the_same_response_changed_by_both_is_a_conflict_in_words(folder):
    a, b = store(folder, "alice"), store(folder, "bob")
    a.change("2024:6.2", "responses", [response(BELOW, "First")])
    b.reload()
    a.change("2024:6.2", "responses", [response(BELOW, "Alice's version")])
    result = b.change("2024:6.2", "responses", [response(BELOW, "Bob's version")])
    assert isinstance(result, Conflict)
    assert result.message.startswith("Responses to findings of 6.2: the same response was changed by alice")
    assert result.sides == [(f"{BELOW}: “Alice's version”", f"{BELOW}: “Bob's version”")]
    assert on_disk(folder).answer("2024:6.2").responses[0].text == "Alice's version"  # never written over


def test_both_editors_responding_to_the_same_new_finding_is_a_conflict(folder):
    a, b = store(folder, "alice"), store(folder, "bob")
    a.change("2024:6.2", "responses", [response(BELOW, "Alice's")])
    result = b.change("2024:6.2", "responses", [response(BELOW, "Bob's")])
    assert isinstance(result, Conflict) and result.items
    assert result.sides == [(f"{BELOW}: “Alice's”", f"{BELOW}: “Bob's”")]
    assert [r.text for r in on_disk(folder).answer("2024:6.2").responses] == ["Alice's"]


def test_a_response_does_not_confirm_a_carried_forward_answer(folder):
    current = on_disk(folder)
    current.answers["2024:6.2"] = Answer(status="Yes", confirmed=False)
    (folder / "answers" / "2024-25.yaml").write_text(dump_assessment(current), encoding="utf-8")
    store(folder, "alice").change("2024:6.2", "responses", [response(BELOW, "Explained")])
    assert on_disk(folder).answer("2024:6.2").confirmed is False


def test_the_field_is_named_as_the_form_names_it_and_its_history_told_in_words():
    from audit_lib.workbook.history_panel import describe_entry

    assert FIELD_LABELS["responses"] == "Responses to findings"
    assert describe_value("responses", [response(BELOW, "Why")]) == f"{BELOW}: “Why”"
    assert describe_value("responses", []) == "none"
    entry = {"provision": "2024:6.2", "field": "responses", "old": [], "new": [response(BELOW, "Why")]}
    assert describe_entry(entry) == f"Responses to findings: added {BELOW}: “Why”"
    entry = {"provision": "2024:6.2", "field": "responses", "old": [response(BELOW, "Why")],
             "new": [response(BELOW, "Because")]}
    assert describe_entry(entry) == f"Responses to findings: changed “{BELOW}”: “Why” → “Because”"


# --- the sign-off ---------------------------------------------------------------------------------


def _complete(folder, **overrides: Answer) -> None:
    """Every provision 'Yes' with evidence (nothing for approval to refuse over but findings)."""
    current = on_disk(folder)
    answers = {p.id: Answer(status="Yes", evidence=[Evidence(description="Policy")]) for p in CODE.provisions}
    answers.update({f"2024:{k.replace('_', '.')}": v for k, v in overrides.items()})
    (folder / "answers" / "2024-25.yaml").write_text(dump_assessment(current.model_copy(update={"answers": answers})),
                                                     encoding="utf-8")


def _facts_from_answers(assessment: Assessment) -> SignatureFacts:
    """A stand-in for the workbook's: 6.2 and 6.13 contradicted, answered by their responses."""
    found = [contradicted("2024:6.2"), contradicted("2024:6.13", SAME)]
    answered = [f.with_response({r.code: r.text for r in assessment.answer(f.provision).responses}.get(f.code.value))
                for f in found]
    return SignatureFacts(unanswered=[f for f in answered if f.unanswered_contradiction],
                          documents={"POL-CX-001": "a" * 64})


def test_every_signature_records_the_documents_cited(folder):
    s = store(folder, "priya.shah")
    current = on_disk(folder).signoff.prepared
    s.sign_off("prepared", "Priya Shah", DAY, replacing=current,
               facts=SignatureFacts(documents={"POL-CX-001": "a" * 64, "BR-2025-03": "b" * 64}))
    prepared = on_disk(folder).signoff.prepared
    assert prepared.documents == {"POL-CX-001": "a" * 64, "BR-2025-03": "b" * 64}
    assert s.history()[-1]["new"]["documents"] == {"POL-CX-001": "a" * 64, "BR-2025-03": "b" * 64}
    store(folder, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY, facts=_facts_from_answers)
    assert on_disk(folder).signoff.reviewed.documents == {"POL-CX-001": "a" * 64}  # not refused for findings
    # without facts nothing is recorded, and a signature with no documents is written as before
    store(folder, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY,
                                           replacing=on_disk(folder).signoff.reviewed)
    assert on_disk(folder).signoff.reviewed.documents == {}
    assert "documents" not in on_disk(folder).signoff.reviewed.model_dump()  # written as before


def test_an_approval_without_the_findings_is_refused_never_signed_unchecked(folder):
    from audit_lib.errors import UsageError

    _complete(folder)
    store(folder, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)
    revision = on_disk(folder).revision
    with pytest.raises(UsageError, match="an approval needs the findings on the answers"):
        store(folder, "board.chair").sign_off("approved", "Board", DAY)
    assert on_disk(folder).signoff.approved is None and on_disk(folder).revision == revision


def test_approval_is_refused_naming_each_unanswered_contradiction_until_each_has_a_response(folder):
    _complete(folder)
    store(folder, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)
    board = store(folder, "board.chair")
    with pytest.raises(FindingsUnansweredError) as refused:
        board.sign_off("approved", "Board", DAY, facts=_facts_from_answers)
    message = refused.value.message
    assert f"6.2 ({BELOW}), 6.13 ({SAME})" in message
    assert "Respond to each contradicted finding" in message and "82.0" not in message  # no figures
    assert [f.number for f in refused.value.findings] == ["6.2", "6.13"]
    assert isinstance(refused.value, SignOffError)
    assert on_disk(folder).signoff.approved is None
    store(folder, "alice").change("2024:6.2", "responses", [response(BELOW, "Q1 backlog; recovered by Q2")])
    with pytest.raises(FindingsUnansweredError, match=rf"no response: 6\.13 \({SAME}\)\. Respond") as again:
        board.sign_off("approved", "Board", DAY, facts=_facts_from_answers)
    assert "6.2" not in again.value.message
    store(folder, "alice").change("2024:6.13", "responses", [response(SAME, "Small team: the manager reviews")])
    board.sign_off("approved", "Board", DAY, facts=_facts_from_answers)
    approved = on_disk(folder).signoff.approved
    assert approved is not None and approved.override is None and approved.documents == {"POL-CX-001": "a" * 64}


def test_an_override_does_not_get_round_an_unanswered_contradiction(folder):
    store(folder, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)  # incomplete: an override is needed
    board = store(folder, "board.chair")
    with pytest.raises(FindingsUnansweredError, match=r"6\.2 .*a reason to approve anyway does not replace"):
        board.sign_off("approved", "Board", DAY, override="The Board accepted the gaps", facts=_facts_from_answers)
    assert on_disk(folder).signoff.approved is None
    # with every contradiction answered, the override is what it was: a reason for the gaps
    for number, code in (("6.2", BELOW), ("6.13", SAME)):
        store(folder, "alice").change(f"2024:{number}", "responses", [response(code, "Explained")])
    with pytest.raises(ApprovalIncompleteError):
        board.sign_off("approved", "Board", DAY, facts=_facts_from_answers)
    board.sign_off("approved", "Board", DAY, override="The Board accepted the gaps", facts=_facts_from_answers)
    assert on_disk(folder).signoff.approved.override.reason == "The Board accepted the gaps"


def test_the_facts_are_taken_from_the_answers_being_signed(folder):
    """Another editor's response saved after this store last read the file still counts (the facts
    are computed under the lock, from the answers on disk)."""
    _complete(folder)
    store(folder, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)
    board = store(folder, "board.chair")
    other = store(folder, "alice")
    other.change("2024:6.2", "responses", [response(BELOW, "Explained")])
    other.change("2024:6.13", "responses", [response(SAME, "Explained")])
    seen: list[int] = []

    def facts(assessment: Assessment) -> SignatureFacts:
        seen.append(assessment.revision)
        return _facts_from_answers(assessment)

    board.sign_off("approved", "Board", DAY, facts=facts)
    assert seen == [on_disk(folder).revision - 1]


def test_preparing_and_reviewing_are_not_refused_for_findings():
    assessment = Assessment(landlord=LANDLORD, period="2024-25")
    unanswered = [contradicted("2024:6.2")]
    prepared, _ = signed(assessment, "prepared", "Priya", DAY, user="p", unanswered=unanswered,
                         documents={"D-1": "c" * 64})
    reviewed, _ = signed(prepared, "reviewed", "Rhian", DAY, user="r", unanswered=unanswered)
    assert reviewed.signoff.prepared.documents == {"D-1": "c" * 64} and reviewed.signoff.reviewed.documents == {}
    with pytest.raises(FindingsUnansweredError):
        signed(reviewed, "approved", "Board", DAY, user="b", unanswered=unanswered, override="anyway")


def test_the_refusal_names_each_provision_once_with_its_codes():
    message = unanswered_message([contradicted("2024:6.2"), contradicted("2024:6.2", SAME), contradicted("2024:6.13")])
    assert f"no response: 6.2 ({BELOW}, {SAME}), 6.13 ({BELOW})." in message
    assert "these findings have" in message
    assert "this finding has no response: 6.2" in unanswered_message([contradicted("2024:6.2")])


# --- the workbook: findings now, the register, the facts of a signature, metrics.json ------------


def test_the_workbook_computes_findings_from_the_answers_as_they_are_now(demo_inputs, monkeypatch):
    from audit_lib.workbook.facade import open_workbook

    monkeypatch.setenv("CHC_AUDIT_USER", "auditor.one")
    wb = open_workbook("riverbend-homes", "2024-25", demo_inputs, interactive=True)
    assert wb.register is wb.register  # loaded once
    assert not [f for f in wb.findings() if f.severity is Severity.CONTRADICTED]
    wb.live.store.change("2024:6.3", "status", "Yes")  # 462 of 536 stage 1 responses on time: 86.2%
    [finding] = [f for f in wb.findings() if f.provision == "2024:6.3" and f.code.value == BELOW]
    assert finding.severity is Severity.CONTRADICTED and finding.response is None and "86.2%" in finding.message
    facts = wb.signature_facts()
    assert [f.number for f in facts.unanswered] == ["6.3"]
    # the demo register's documents the answers cite (POL-CX-001 v4 s6 cites POL-CX-001), each with its hash
    assert facts.documents["POL-CX-001"] == wb.register.documents["POL-CX-001"].sha256
    assert set(facts.documents) <= set(wb.register.documents) and "WEB-CX-01" not in facts.documents
    wb.live.store.change("2024:6.3", "responses", [response(BELOW, "Q1 backlog; recovered by Q3")])
    [finding] = [f for f in wb.findings() if f.provision == "2024:6.3" and f.code.value == BELOW]
    assert finding.response == "Q1 backlog; recovered by Q3" and not wb.signature_facts().unanswered


def test_a_signature_from_the_workbook_records_the_hash_of_each_cited_register_document(demo_inputs, monkeypatch):
    import hashlib

    from audit_lib.workbook.facade import open_workbook

    monkeypatch.setenv("CHC_AUDIT_USER", "priya.shah")
    wb = open_workbook(LANDLORD, "2024-25", demo_inputs, interactive=True)
    policy = b"Complaints policy v3, approved by the Board"
    wb.register.attach(policy, "policy.pdf", id="CVH-POL-012", title="Complaints policy")
    wb.register.add_link("https://example.org/complaints", id="WEB-1", title="Complaints page")
    wb.register.attach(b"not cited", "other.pdf", id="CVH-OTHER", title="Not cited")
    s = wb.live.store
    s.change("2024:1.2", "evidence", [{"description": "Complaints policy, section 3", "reference": "CVH-POL-012"},
                                      {"description": "Complaints page", "reference": "WEB-1"}])
    s.sign_off("prepared", "Priya Shah", DAY, replacing=s.assessment.signoff.prepared, facts=wb.signature_facts)
    assert on_disk(demo_inputs / LANDLORD).signoff.prepared.documents == {
        "CVH-POL-012": hashlib.sha256(policy).hexdigest()}  # files only: a link has no hash; uncited left out


def test_metrics_hold_the_findings_and_their_counts_and_no_case_log_text(demo_inputs):
    import json

    from audit_lib.workbook.facade import open_workbook

    s = open_store(demo_inputs / "riverbend-homes", CODE, "riverbend-homes", "2024-25", "alice")
    s.change("2024:6.3", "status", "Yes")
    s.change("2024:6.13", "status", "Yes")
    wb = open_workbook("riverbend-homes", "2024-25", demo_inputs, as_of="2025-06-30")
    metrics = wb.metrics()
    findings = wb.findings()
    assert metrics["findings"] == [f.as_json(response_text=False) for f in findings]  # whether answered, not the words
    ours = [f for f in metrics["findings"] if f["provision"] == "2024:6.3" and f["code"] == BELOW]
    assert ours and ours[0]["severity"] == "contradicted" and ours[0]["responded"] is False
    assert all("response" not in f for f in metrics["findings"])
    by_severity = {s.value: sum(f.severity is s for f in findings) for s in Severity}
    assert metrics["findings_counts"] == {**by_severity, "unanswered_contradictions": by_severity["contradicted"]}
    assert metrics["findings_counts"]["contradicted"] >= 1
    assert json.loads(json.dumps(metrics)) == metrics  # plain JSON
    # the handlers' ids (the case log's only free-text columns a finding reads) never appear
    cases = wb.case_log.cases
    handlers = {str(v) for c in ("stage1_handler", "stage2_handler") for v in cases[c].dropna().unique() if str(v)}
    text = json.dumps(metrics["findings"])
    assert handlers and not [h for h in handlers if h in text]


def test_a_response_counts_only_for_the_figures_it_answered():
    finding = Finding("2024:6.13", Severity.CONTRADICTED, FindingCode.SAME_HANDLER_BOTH_STAGES, "m",
                      {"same_handler": 1, "escalations": 14})
    assert not finding.with_response("Why", {"same_handler": 1, "escalations": 14}).unanswered_contradiction
    assert not finding.with_response("Why", {}).unanswered_contradiction  # figures not kept (older files): as given
    later = finding.with_response("Why", {"same_handler": 3, "escalations": 14})
    assert later.response == "Why" and later.response_outdated and later.unanswered_contradiction
    assert later.as_json(response_text=False)["response_outdated"] is True
    assert not finding.with_response(None, {"same_handler": 3}).response_outdated
    assert FindingResponse(code=SAME, text="t").model_dump() == {"code": SAME, "text": "t"}  # written as before
