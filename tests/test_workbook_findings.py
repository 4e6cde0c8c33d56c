"""Findings, responses and the evidence register in the interactive workbook, kernel-side: the
ipywidgets objects driven directly (values set, buttons clicked), as a browser would.

Calder Vale's demo answers say "Yes" to 6.13 (a different person at stage 2), while its case log
records one of the 14 escalations with the same handler at both stages: a contradicted finding.
Its 6.13 evidence cites a reference that is in no register (it keeps none): a "not in the
register" finding. Each kind of finding has one response box.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html

import ipywidgets as w
import pytest
import yaml

from audit_lib.assessment.answers_file import load_assessment
from audit_lib.assessment.signoff import SignatureFacts as _Facts
from audit_lib.assessment.store import open_store
from audit_lib.code.catalogue import load_catalogue
from audit_lib.workbook.facade import open_workbook

NO_FINDINGS = _Facts()  # an approval whose caller found no contradicted finding unanswered

CODE = load_catalogue()
LANDLORD, PERIOD = "calder-vale-housing", "2024-25"
EXTENSIONS = "same-handler-both-stages"
NOT_IN_REGISTER = "evidence-not-in-register"
#: The demo case log, worked by hand from its handler columns: 1 of 14 escalations.
CONTRADICTION = "1 of the 14 escalations in the period was recorded with the same handler at stage 1 and stage 2"
POLICY = b"%PDF-1.4\n% Stage 1 extension letter template, version 3\n"


@pytest.fixture
def wb(demo_inputs, monkeypatch):
    monkeypatch.setenv("CHC_AUDIT_USER", "auditor.one")
    return open_workbook(LANDLORD, PERIOD, demo_inputs, interactive=True)


def _on_disk(wb, provision):
    return load_assessment(wb.landlord.answers_path(PERIOD), CODE, LANDLORD, PERIOD).answer(provision)


def _cards(wb, number):
    """A freshly drawn section's cards, by provision number (as the page shows them on opening)."""
    wb.section(number).selected_index = 0
    return {card.provision.number: card for card in wb.live.sections[number].cards}


def _forms(wb, number):
    wb.section(number)
    panel = wb.live.sections[number]
    panel.widget.selected_index = 0
    return panel.open_forms()


def _entries(wb, provision, field):
    return [e for e in wb.live.store.history() if e.get("provision") == provision and e.get("field") == field]


def _register_file(wb):
    return wb.landlord.folder / "evidence" / "register.yaml"


def _choose(panel, content: bytes, name: str) -> None:
    """A file chosen in the FileUpload, as ipywidgets 8 gives it to the kernel."""
    panel.upload.value = ({"name": name, "type": "application/pdf", "size": len(content),
                           "last_modified": dt.datetime(2025, 4, 1, 9, 0, tzinfo=dt.UTC),
                           "content": memoryview(content)},)


def _attach(panel, document_id="TPL-EXT", title="Stage 1 extension letter template", content=POLICY,
            name="Extension letter v3.pdf", **fields):
    _choose(panel, content, name)
    panel.file.id.value = document_id
    panel.file.title.value = title
    for field, value in fields.items():
        getattr(panel.file, field).value = value
    panel.attach.click()


# -- 1. findings beside each provision, live -------------------------------------------------------

def test_a_contradicted_yes_shows_its_finding_on_the_card_and_in_the_form(wb):
    card = _cards(wb, 6)["6.13"]
    text = html.unescape(card.html.value)
    assert "Contradicted" in text and CONTRADICTION in text
    assert "No response recorded" in text
    assert "Contradicted" not in html.unescape(_cards(wb, 6)["6.5"].html.value)

    form = _forms(wb, 6)["6.13"]
    assert list(form.finding_boxes) == [EXTENSIONS, NOT_IN_REGISTER]  # worst first, one box per kind
    assert CONTRADICTION in html.unescape(form.finding_boxes[EXTENSIONS].text.value)
    assert "Contradicted" in form.finding_boxes[EXTENSIONS].text.value
    not_in_register = html.unescape(form.finding_boxes[NOT_IN_REGISTER].text.value)
    assert "Complaints register export 04/04/2025" in not_in_register
    assert form.finding_boxes[EXTENSIONS].box in form.findings.children


def test_changing_yes_to_partial_makes_the_contradiction_go_on_the_form_and_the_card(wb):
    wb.cover()
    form = _forms(wb, 6)["6.13"]
    box = form.finding_boxes[EXTENSIONS]
    form.status.value = "Partial"
    assert EXTENSIONS not in form.finding_boxes and box.box not in form.findings.children
    assert NOT_IN_REGISTER in form.finding_boxes  # the evidence findings stand whatever the status
    form.status.value = "Yes"
    assert EXTENSIONS in form.finding_boxes  # and back, as the answer is

    cards = _cards(wb, 6)  # a card follows a change saved elsewhere on the page
    assert CONTRADICTION in html.unescape(cards["6.13"].html.value)
    wb.live.store.change("2024:6.13", "status", "No")
    wb.live.changed()
    assert CONTRADICTION not in html.unescape(cards["6.13"].html.value)


def test_findings_are_computed_once_per_change_not_once_per_provision(wb, monkeypatch):
    calls = []
    findings = type(wb).findings

    def counted(self, assessment=None, **options):
        calls.append(1)
        return findings(self, assessment, **options)

    monkeypatch.setattr(type(wb), "findings", counted)
    wb.cover()
    _cards(wb, 6)  # 20 cards
    assert len(calls) == 1
    _cards(wb, 7)
    assert len(calls) == 1  # nothing changed: the same findings
    form = _forms(wb, 6)["6.13"]
    before = len(calls)
    form.commentary.value = "Three extensions of 15 working days, each explained."
    assert len(calls) == before + 1  # the save, then the whole page redrawn: computed once


def test_a_findings_problem_is_said_beside_them_not_only_logged(wb, monkeypatch):
    def broken(self, assessment=None, **options):
        raise RuntimeError("case log unreadable")

    monkeypatch.setattr(type(wb), "findings", broken)
    form = _forms(wb, 6)["6.13"]
    message = form.findings.children[0].value
    assert "The findings could not be worked out" in message and "RuntimeError" in message
    assert "case log unreadable" not in message  # an unexpected error's text is not shown
    assert form.finding_boxes == {}


def test_an_unreadable_register_leaves_out_the_evidence_findings_never_the_data_s(wb):
    folder = wb.landlord.folder / "evidence"
    folder.mkdir()
    (folder / "register.yaml").write_text("documents:\n  - id: A\n    id: B\n", encoding="utf-8")  # a duplicate key
    wb.cover()
    form = _forms(wb, 6)["6.13"]
    assert list(form.finding_boxes) == [EXTENSIONS]  # the contradiction still shows; the evidence is not judged
    assert "register.yaml" in form.findings.children[0].value  # and the register's problem is said beside them
    assert [f.number for f in wb.findings(evidence=False) if f.severity.value == "contradicted"] == ["6.13"]


# -- 2. responses to findings -------------------------------------------------------------------------

def test_a_response_is_saved_on_leaving_the_box_and_shown_on_the_card(wb):
    form = _forms(wb, 6)["6.13"]
    count = len(_entries(wb, "2024:6.13", "responses"))
    reply = "Each of the three waited for a specialist survey; the letters gave the reason. <b>See</b> CVH-TPL."
    form.finding_boxes[EXTENSIONS].response.value = reply
    stored = _on_disk(wb, "2024:6.13")
    assert [(r.code, r.text) for r in stored.responses] == [(EXTENSIONS, reply)]
    assert stored.status.value == "Yes"  # the finding stands; the answer is unchanged
    assert len(_entries(wb, "2024:6.13", "responses")) == count + 1  # one history entry per edit
    assert "Saved." in form.finding_boxes[EXTENSIONS].note.value and "Conflict" not in form.message.value
    assert wb.signature_facts().unanswered == []  # approval is no longer held up by it

    card = _cards(wb, 6)["6.13"]
    assert "Response:" in card.html.value and html.escape(reply, quote=False) in card.html.value
    assert "<b>See</b>" not in card.html.value and "No response recorded" not in card.html.value

    # a second kind: the list keeps the first; a blank box removes only its own response
    form.finding_boxes[NOT_IN_REGISTER].response.value = "The template and register are on the intranet."
    assert [r.code for r in _on_disk(wb, "2024:6.13").responses] == [EXTENSIONS, NOT_IN_REGISTER]
    form.finding_boxes[EXTENSIONS].response.value = "  "  # a blank box withdraws the response
    assert [r.code for r in _on_disk(wb, "2024:6.13").responses] == [NOT_IN_REGISTER]
    assert len(_entries(wb, "2024:6.13", "responses")) == count + 3


def test_a_response_kept_when_its_finding_goes_and_shown_again_when_it_comes_back(wb):
    form = _forms(wb, 6)["6.13"]
    form.finding_boxes[EXTENSIONS].response.value = "Explained in each letter."
    form.status.value = "Partial"
    assert EXTENSIONS not in form.finding_boxes
    assert [r.code for r in _on_disk(wb, "2024:6.13").responses] == [EXTENSIONS]  # never dropped silently
    form.status.value = "Yes"
    assert form.finding_boxes[EXTENSIONS].response.value == "Explained in each letter."


def test_a_colleagues_response_to_the_same_finding_is_a_conflict_shown_beside_the_box(wb):
    form = _forms(wb, 6)["6.13"]
    colleague = open_store(wb.landlord.folder, CODE, LANDLORD, PERIOD, "colleague.two")
    colleague.change("2024:6.13", "responses", [{"code": EXTENSIONS, "text": "Their explanation"}])
    box = form.finding_boxes[EXTENSIONS]
    box.response.value = "My explanation"
    assert "Conflict" in form.message.value and "colleague.two" in form.message.value
    assert "Their explanation" in form.message.value and "My explanation" in form.message.value
    assert "Not saved" in box.note.value
    assert [r.text for r in _on_disk(wb, "2024:6.13").responses] == ["Their explanation"]
    assert box.response.value == "Their explanation"  # the stored response shown again


def test_a_response_refused_by_the_store_is_said_in_words(wb):
    form = _forms(wb, 6)["6.13"]
    other = open_store(wb.landlord.folder, CODE, LANDLORD, PERIOD, "colleague.two")
    other.sign_off("reviewed", "Rhiannon Review", dt.date(2025, 6, 10))
    other.sign_off("approved", "Board Chair", dt.date(2025, 6, 11), override="Sections 4, 5 and 9 to follow", facts=NO_FINDINGS)
    box = form.finding_boxes[EXTENSIONS]
    box.response.value = "Explained in each letter."
    assert "Not saved" in form.message.value and "approved and read-only" in form.message.value
    assert "Not saved" in box.note.value
    assert _on_disk(wb, "2024:6.13").responses == []
    assert box.response.value == "" and box.response.disabled


# -- 3. the evidence register panel ---------------------------------------------------------------------

def test_the_register_panel_is_in_the_cover_controls_and_starts_empty(wb):
    controls = wb.cover().children[1]
    panel = wb.live.evidence
    panel.open()  # as the auditor's click on its header does
    assert panel.widget in controls.children and isinstance(panel.widget, w.Accordion)
    assert panel.widget.selected_index is None  # collapsed until opened
    assert "holds no documents" in panel.listing.value
    assert panel.widget.get_title(0).startswith("Evidence register: 0 documents")


def test_attaching_a_file_stores_it_by_hash_and_lists_it(wb):
    wb.cover()
    appendix = wb.evidence_register()
    form = _forms(wb, 6)["6.13"]
    panel = wb.live.evidence
    panel.open()  # as the auditor's click on its header does
    _attach(panel, version="3", date="01/04/2024", owner="Customer Services Manager")
    digest = hashlib.sha256(POLICY).hexdigest()

    stored = wb.landlord.folder / "evidence" / "files" / f"{digest}.pdf"
    assert stored.read_bytes() == POLICY
    entry = yaml.safe_load(_register_file(wb).read_text(encoding="utf-8"))["documents"][0]
    assert entry == {"id": "TPL-EXT", "title": "Stage 1 extension letter template", "version": "3",
                     "date": dt.date(2024, 4, 1), "owner": "Customer Services Manager",
                     "file": f"files/{digest}.pdf", "sha256": digest, "filename": "Extension letter v3.pdf"}
    listing = panel.listing.value
    assert 'data-document="TPL-EXT"' in listing and "01/04/2024" in listing and "Extension letter v3.pdf" in listing
    assert digest[:12] in listing and "Customer Services Manager" in listing
    assert "Attached TPL-EXT" in panel.attach_note.value
    assert panel.upload.value == () and panel.file.id.value == "" and panel.file.title.value == ""
    assert panel.widget.get_title(0).startswith("Evidence register: 1 document.")
    # every open form now offers it
    assert all(row.fields["reference"].options == ("TPL-EXT",) for row in form.evidence_rows)
    assert 'data-document="TPL-EXT"' in appendix.value  # the register appendix follows too


@pytest.mark.parametrize(("fields", "expected"), [
    ({"document_id": ""}, "give the document an id"),
    ({"document_id": "POL 01"}, "letters, digits"),
    ({"title": ""}, "give the document a title"),
    ({"date": "31/02/2025"}, "the document's date: there is no such day"),
    ({"content": b""}, "empty file"),
])
def test_an_attachment_that_cannot_be_stored_is_refused_beside_the_fields(wb, fields, expected):
    panel = wb.live.evidence
    panel.open()  # as the auditor's click on its header does
    _attach(panel, **fields)
    assert "Not attached" in panel.attach_note.value and expected in html.unescape(panel.attach_note.value)
    assert not _register_file(wb).exists() or "TPL-EXT" not in _register_file(wb).read_text(encoding="utf-8")
    assert panel.file.title.value == fields.get("title", "Stage 1 extension letter template")  # kept to correct


def test_attaching_without_choosing_a_file_says_so(wb):
    panel = wb.live.evidence
    panel.open()  # as the auditor's click on its header does
    panel.file.id.value, panel.file.title.value = "TPL-EXT", "Template"
    panel.attach.click()
    assert "choose the file to attach first" in html.unescape(panel.attach_note.value)


def test_an_id_already_in_the_register_asks_before_making_a_new_version(wb):
    panel = wb.live.evidence
    panel.open()  # as the auditor's click on its header does
    _attach(panel)
    _attach(panel, title="Stage 1 extension letter template (2025)", content=POLICY + b"% v4\n", name="v4.pdf")
    assert "already in the register" in panel.attach_note.value and panel.attach.description == "Confirm: new version"
    assert wb.register.get("TPL-EXT").filename == "Extension letter v3.pdf"  # nothing replaced yet
    panel.attach.click()
    assert wb.register.get("TPL-EXT").filename == "v4.pdf"
    assert wb.register.get("TPL-EXT").sha256 == hashlib.sha256(POLICY + b"% v4\n").hexdigest()
    assert (wb.landlord.folder / "evidence" / "files" / f"{hashlib.sha256(POLICY).hexdigest()}.pdf").exists()


@pytest.mark.parametrize(("url", "expected"), [
    ("javascript:alert(1)", "only web pages can be linked"),
    ("www.example.org/complaints", "relative address"),
    ("", "give the link's address"),
])
def test_a_bad_link_is_refused_with_a_message_beside_the_field(wb, url, expected):
    panel = wb.live.evidence
    panel.open()  # as the auditor's click on its header does
    panel.url.value = url
    panel.link.id.value, panel.link.title.value = "WEB-01", "How to complain"
    panel.add_link.click()
    note = html.unescape(panel.link_note.value)
    assert "Not added" in note and expected in note
    assert not _register_file(wb).exists()
    assert panel.url.value == url  # left for the auditor to correct
    assert "<script" not in panel.link_note.value


def test_a_link_is_added_listed_with_a_safe_new_tab_link_and_offered_for_citing(wb):
    wb.cover()
    form = _forms(wb, 6)["6.13"]
    panel = wb.live.evidence
    panel.open()  # as the auditor's click on its header does
    panel.url.value = "https://www.example.org/complaints?a=1&b=2"
    panel.link.id.value, panel.link.title.value = "WEB-01", "How to complain <online>"
    panel.add_link.click()
    assert "Added WEB-01" in panel.link_note.value
    listing = panel.listing.value
    assert ('<a href="https://www.example.org/complaints?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">'
            in listing)
    assert "How to complain &lt;online&gt;" in listing
    assert form.evidence_rows[0].fields["reference"].options == ("WEB-01",)


def test_the_register_panel_builds_its_forms_only_when_opened(wb):
    wb.cover()
    panel = wb.live.evidence
    assert not hasattr(panel, "upload") and len(panel.widget.children[0].children) == 1  # the list only
    panel.widget.selected_index = 0  # the auditor opens it
    assert isinstance(panel.upload, w.FileUpload) and len(panel.widget.children[0].children) == 3
    assert panel.widget.get_title(0).startswith("Evidence register: 0 documents")


# -- 4. citing a document from a provision's evidence ----------------------------------------------------

def test_citing_a_registered_document_saves_the_reference_and_the_card_shows_its_title(wb):
    wb.cover()
    panel = wb.live.evidence
    panel.open()  # as the auditor's click on its header does
    _attach(panel, version="3")
    form = _forms(wb, 6)["6.4"]
    assert "CVH-TPL-S1-EXT v2" in html.unescape(form.finding_boxes[NOT_IN_REGISTER].text.value)
    reference = form.evidence_rows[0].fields["reference"]
    assert isinstance(reference, w.Combobox) and reference.options == ("TPL-EXT",) and not reference.ensure_option
    count = len(_entries(wb, "2024:6.4", "evidence"))
    reference.value = "TPL-EXT"  # chosen, then the auditor leaves the field
    stored = _on_disk(wb, "2024:6.4").evidence
    assert [e.reference for e in stored] == ["TPL-EXT", "Complaints register export 04/04/2025"]
    assert stored[0].description == "Stage 1 extension letter template (reason and new date)"
    assert len(_entries(wb, "2024:6.4", "evidence")) == count + 1
    not_in_register = html.unescape(form.finding_boxes[NOT_IN_REGISTER].text.value)
    assert "CVH-TPL-S1-EXT v2" not in not_in_register  # that reference is now a document in the register
    assert "Complaints register export 04/04/2025" in not_in_register

    card = _cards(wb, 6)["6.4"]
    assert 'data-document="TPL-EXT"' in card.html.value
    assert "[Stage 1 extension letter template, version 3]" in card.html.value
    assert "[TPL-EXT]" not in card.html.value

    # a signature now records the cited file's hash
    assert wb.signature_facts().documents == {"TPL-EXT": hashlib.sha256(POLICY).hexdigest()}


def test_free_text_is_still_a_reference_and_a_cited_link_is_a_safe_link_on_the_card(wb):
    wb.cover()
    panel = wb.live.evidence
    panel.open()  # as the auditor's click on its header does
    panel.url.value, panel.link.id.value, panel.link.title.value = "https://example.org/p", "WEB-01", "Policy page"
    panel.add_link.click()
    form = _forms(wb, 6)["6.4"]
    form.evidence_rows[0].fields["reference"].value = "WEB-01"
    form.evidence_rows[1].fields["reference"].value = "Register export, 04/04/2025"
    assert [e.reference for e in _on_disk(wb, "2024:6.4").evidence] == ["WEB-01", "Register export, 04/04/2025"]
    card = _cards(wb, 6)["6.4"].html.value
    assert '<a href="https://example.org/p" target="_blank" rel="noopener noreferrer">Policy page</a>' in card
    assert "[Register export, 04/04/2025]" in card
    form.evidence_rows[0].fields["reference"].value = "WEB-01 para 2"  # a place within the document
    card = _cards(wb, 6)["6.4"].html.value
    assert 'rel="noopener noreferrer">Policy page</a>, para 2]' in card


# -- 5. approval refused over unanswered contradictions -----------------------------------------------------

def _review_then_try_to_approve(wb):
    """Sign the review, then click to approve; the approval's button (to click again)."""
    wb.cover()
    panel = wb.live.signoff
    name, _title, _date, button = panel.rows["reviewed"]
    name.value = "Rhiannon Review"
    button.click()
    name, _title, _date, button = panel.rows["approved"]
    name.value = "Board Chair"
    button.click()
    return button


def test_approval_is_refused_naming_the_provisions_until_each_contradiction_has_a_response(wb):
    button = _review_then_try_to_approve(wb)
    panel = wb.live.signoff
    message = html.unescape(panel.message.value)
    assert "Not signed" in message and "6.13 (same-handler-both-stages)" in message and "no response" in message
    assert _on_disk(wb, "2024:6.13").responses == [] and wb.live.store.assessment.signoff.approved is None

    _forms(wb, 6)["6.13"].finding_boxes[EXTENSIONS].response.value = "Explained in each letter."
    button.click()
    assert "6.13 (same-handler-both-stages)" not in html.unescape(panel.message.value)
    assert "provisions are not assessed" in panel.message.value  # the next refusal: Calder Vale is incomplete


def test_a_refusal_over_findings_is_taken_down_once_a_response_is_saved(wb):
    _review_then_try_to_approve(wb)
    panel = wb.live.signoff
    assert "6.13 (same-handler-both-stages)" in html.unescape(panel.message.value)
    form = _forms(wb, 6)["6.13"]
    assert "needed before the assessment can be approved" in form.finding_boxes[EXTENSIONS].text.value
    form.finding_boxes[EXTENSIONS].response.value = "Stage 2 manager on leave; deputy list added."
    assert "6.13" not in html.unescape(panel.message.value)  # the refusal no longer says what is not so
    assert "needed before" not in form.finding_boxes[EXTENSIONS].text.value


def test_a_response_to_references_answers_those_references_only(wb):
    form = _forms(wb, 6)["6.13"]
    form.finding_boxes[NOT_IN_REGISTER].response.value = "The register export is kept by the complaints team."
    form.evidence_rows[0].fields["reference"].value = "CVH-REG-99"  # now another reference is missing
    [finding] = [f for f in wb.findings() if f.provision == "2024:6.13" and f.code.value == NOT_IN_REGISTER]
    assert finding.response_outdated and "CVH-REG-99" in finding.message


def test_a_response_is_recorded_in_the_history_and_its_panel_in_words(wb):
    from audit_lib.workbook.history_panel import describe_entry

    form = _forms(wb, 6)["6.13"]
    form.finding_boxes[EXTENSIONS].response.value = "Explained in each letter."
    entry = _entries(wb, "2024:6.13", "responses")[-1]
    # kept with the figures it answers (1 of the 14 escalations), so new figures ask for it to be read again
    assert entry["old"] == [] and entry["new"] == [{"code": EXTENSIONS, "text": "Explained in each letter.",
                                                    "figures": {"same_handler": 1, "escalations": 14}}]
    assert describe_entry(entry).startswith("Responses to findings:")


def test_a_response_to_other_figures_is_shown_but_counts_as_none_until_saved_again(wb):
    form = _forms(wb, 6)["6.13"]
    form.finding_boxes[EXTENSIONS].response.value = "Explained in each letter."
    assert wb.signature_facts().unanswered == []
    # a later export: the same finding with other figures (3 of 14), as a response in the file can meet
    stored = [{"code": EXTENSIONS, "text": "Explained in each letter.", "figures": {"same_handler": 3, "escalations": 14}}]
    wb.live.store.change("2024:6.13", "responses", stored)
    wb.live.changed()
    [finding] = [f for f in wb.findings() if f.code.value == EXTENSIONS]
    assert finding.response == "Explained in each letter." and finding.response_outdated
    assert finding.unanswered_contradiction and [f.number for f in wb.signature_facts().unanswered] == ["6.13"]
    card = html.unescape(_cards(wb, 6)["6.13"].html.value)
    assert "given when the figures were different" in card
    form = _forms(wb, 6)["6.13"]
    assert "figures were different" in form.finding_boxes[EXTENSIONS].text.value
    form.finding_boxes[EXTENSIONS].response.value = "Explained in each letter; the log's handler codes checked."
    [finding] = [f for f in wb.findings() if f.code.value == EXTENSIONS]
    assert not finding.response_outdated and not finding.unanswered_contradiction


def test_findings_of_one_kind_share_one_response_box(wb):
    from audit_lib.findings.model import Finding, FindingCode, Severity
    from audit_lib.workbook.provision_card import NoPageData
    from audit_lib.workbook.widgets import ProvisionForm

    class Page(NoPageData):
        def findings(self, provision_id):
            return [Finding(provision_id, Severity.EVIDENCE, FindingCode.EVIDENCE_CHANGED_SINCE_SIGNOFF, f"Doc {n} <b>")
                    for n in (1, 2)]

    form = ProvisionForm(CODE.provision("2024:6.13"), wb.live.store, [], page=Page())
    assert list(form.finding_boxes) == ["evidence-changed-since-signoff"]
    text = form.finding_boxes["evidence-changed-since-signoff"].text.value
    assert text.count("<li") == 2 and "Doc 2 &lt;b&gt;" in text and "<b>" not in text


def test_a_damaged_register_is_said_in_the_panel_and_beside_the_findings(wb):
    folder = wb.landlord.folder / "evidence"
    folder.mkdir()
    (folder / "register.yaml").write_text("documents:\n  - id: A\n    id: B\n", encoding="utf-8")
    wb.cover()
    panel = wb.live.evidence
    panel.open()  # as the auditor's click on its header does
    assert "The evidence register cannot be read" in panel.listing.value and "register.yaml" not in \
        panel.widget.get_title(0)
    form = _forms(wb, 6)["6.13"]
    assert "The findings could not be worked out" in form.findings.children[0].value
    assert "register" in form.findings.children[0].value
    _attach(panel)
    assert "Not attached" in panel.attach_note.value
    (folder / "register.yaml").write_text("documents:\n", encoding="utf-8")  # mended: read again on the next change
    form.commentary.value = "Checked again."
    assert "could not be worked out" not in "".join(getattr(c, "value", "") for c in form.findings.children)
    assert EXTENSIONS in form.finding_boxes
