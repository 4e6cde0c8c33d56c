"""Widget logic in plain pytest: set values, click buttons, check the store and the flags."""

import datetime as dt

import ipywidgets as w
import pytest

from audit_lib.assessment.answers import Status
from audit_lib.assessment.answers_file import load_assessment
from audit_lib.assessment.signoff import SignatureFacts as _Facts
from audit_lib.code.catalogue import load_catalogue
from audit_lib.workbook.facade import open_workbook

NO_FINDINGS = _Facts()  # an approval whose caller found no contradicted finding unanswered

CODE = load_catalogue()


@pytest.fixture
def wb(demo_inputs, monkeypatch):
    monkeypatch.setenv("CHC_AUDIT_USER", "auditor.one")
    return open_workbook("calder-vale-housing", "2024-25", demo_inputs, interactive=True)


def _on_disk(wb):
    return load_assessment(wb.landlord.answers_path("2024-25"), CODE, wb.landlord.id, "2024-25")


def _open(wb, number):
    panel = wb.section(number)
    assert isinstance(panel, w.Accordion)
    section = wb.live.sections[number]
    assert section.cards == [] and section.forms == []  # drawn only when opened
    panel.selected_index = 0
    assert len(section.cards) == len(section.provisions) and section.forms == []  # forms built on Edit
    return section.open_forms()


def test_sections_are_built_when_opened_from_the_store(wb):
    forms = _open(wb, 4)  # Calder Vale has not answered section 4
    assert list(forms) == ["4.1", "4.2", "4.3"]
    assert forms["4.1"].status.value == ""
    forms = _open(wb, 6)
    assert len(forms) == 20
    stored = wb.live.store.answer("2024:6.16")
    assert forms["6.16"].status.value == stored.status.value == "No"
    assert [r.value("description") for r in forms["6.16"].evidence_rows] == [e.description for e in stored.evidence]


def test_status_change_is_saved_and_flagged_on_the_spot(wb):
    form = _open(wb, 4)["4.1"]
    form.status.value = "No"
    assert _on_disk(wb).answer("2024:4.1").status is Status.NO
    assert "without an explanation" in form.flags.value and "without an action with a due date" in form.flags.value
    form.commentary.value = "No named complaints officer while the post was vacant."
    form.add_action.click()
    row = form.action_rows[-1]
    row.fields["text"].value = "Appoint a complaints officer"
    row.fields["owner"].value = "Director of Housing"
    assert "due date" in form.flags.value
    due = dt.date(dt.date.today().year + 1, 9, 30)  # not yet due (the live form judges actions at today)
    row.fields["due"].value = due.strftime("%d/%m/%Y")  # typed, read when the auditor leaves the field
    assert form.flags.value == ""
    action = _on_disk(wb).answer("2024:4.1").actions[0]
    assert (action.text, action.owner, action.due, action.done) == ("Appoint a complaints officer", "Director of Housing",
                                                                     due, False)
    assert _on_disk(wb).answer("2024:4.1").updated_by == "auditor.one"


def test_yes_without_evidence_is_flagged_until_evidence_is_added(wb):
    form = _open(wb, 4)["4.2"]
    form.status.value = "Yes"
    assert "no evidence" in form.flags.value
    form.add_evidence.click()
    assert _on_disk(wb).answer("2024:4.2").evidence == []  # a blank row is not evidence
    form.evidence_rows[-1].fields["description"].value = "Complaints officer job description"
    form.evidence_rows[-1].fields["reference"].value = "HR-JD-112"
    assert form.flags.value == ""
    evidence = _on_disk(wb).answer("2024:4.2").evidence
    assert [(e.description, e.reference) for e in evidence] == [("Complaints officer job description", "HR-JD-112")]
    form.evidence_rows[-1].remove.click()
    assert _on_disk(wb).answer("2024:4.2").evidence == []


def test_progress_updates_as_the_auditor_works(wb):
    controls = wb.cover()
    progress = wb.live.progress.widget
    before = progress.value
    assert "46 of 72" in before
    _open(wb, 4)["4.3"].status.value = "Partial"
    assert "47 of 72" in progress.value
    assert isinstance(controls, w.VBox)


def test_a_conflict_is_shown_and_the_stored_value_put_back(wb):
    form = _open(wb, 4)["4.1"]
    from audit_lib.assessment.store import open_store

    other = open_store(wb.landlord.folder, CODE, wb.landlord.id, "2024-25", "someone.else")
    other.change("2024:4.1", "commentary", "Their explanation")
    form.commentary.value = "My explanation"
    assert "Conflict" in form.message.value and "someone.else" in form.message.value
    assert form.commentary.value == "Their explanation"
    assert _on_disk(wb).answer("2024:4.1").commentary == "Their explanation"
    form.commentary.value = "My explanation"  # having seen theirs, the auditor applies theirs deliberately
    assert _on_disk(wb).answer("2024:4.1").commentary == "My explanation"


def test_invalid_input_is_refused_with_a_message(wb):
    form = _open(wb, 4)["4.1"]
    form.add_action.click()
    form.action_rows[-1].fields["text"].value = "Fix it"
    assert _on_disk(wb).answer("2024:4.1").actions[0].text == "Fix it"


def test_signoff_and_read_only_after_approval(wb):
    from tests.test_signoff import respond_to_contradictions

    wb.cover()
    panel = wb.live.signoff
    forms = _open(wb, 4)
    name, title, _date, button = panel.rows["reviewed"]
    name.value = wb.live.store.assessment.signoff.prepared.name
    button.click()
    assert "The reviewer must be someone other than the preparer (Gareth Lloyd)" in panel.message.value
    name.value = "Rhiannon Review"
    button.click()
    name, title, _date, button = panel.rows["approved"]
    name.value, title.value = "Board Chair", "Chair of the Board"
    button.click()
    assert "the case data contradicts an answer and this finding has no response: 6.13" in panel.message.value
    assert panel.override.layout.display == "none"  # no reason to approve anyway gets round it
    assert respond_to_contradictions(wb.landlord.folder.parent) == ["6.13"]
    button.click()
    assert "provisions are not assessed" in panel.message.value  # Calder Vale is not complete
    panel.override.value = "Sections 4, 5 and 9 to follow by September"
    button.click()
    assert _on_disk(wb).state == "Approved"
    assert forms["4.1"].status.disabled and forms["4.1"].commentary.disabled
    assert panel.reopen.disabled is False
    panel.reopen.click()
    assert "Give a reason" in panel.message.value
    panel.reason.value = "Restructure: reassess section 4"
    panel.reopen.click()
    assert _on_disk(wb).state == "Prepared" and not forms["4.1"].status.disabled
    assert _on_disk(wb).signoff_history[-1].reason == "Restructure: reassess section 4"


def test_carry_forward_from_last_year(demo_inputs, monkeypatch):
    monkeypatch.setenv("CHC_AUDIT_USER", "auditor.one")
    wb = open_workbook("calder-vale-housing", "2025-26", demo_inputs, interactive=True)
    controls = wb.cover()
    button = next(c for c in controls.children[1].children if isinstance(c, w.Button))
    assert "2024-25" in button.description
    forms = _open(wb, 6)
    button.click()
    assert forms["6.16"].status.value == "No"
    assert forms["6.16"].confirm.layout.display == ""
    assert "Carried forward" in forms["6.16"].flags.value
    forms["6.16"].confirm.click()
    assert forms["6.16"].confirm.layout.display == "none"
    stored = load_assessment(demo_inputs / "calder-vale-housing" / "answers" / "2025-26.yaml", CODE,
                             "calder-vale-housing", "2025-26")
    assert stored.answer("2024:6.16").confirmed and not stored.answer("2024:6.2").confirmed


def test_reopening_the_workbook_shows_exactly_the_stored_answers(demo_inputs, monkeypatch):
    wb = open_workbook("calder-vale-housing", "2024-25", demo_inputs, interactive=True)
    _open(wb, 4)["4.1"].status.value = "Partial"
    again = open_workbook("calder-vale-housing", "2024-25", demo_inputs, interactive=True)
    assert _open(again, 4)["4.1"].status.value == "Partial"


def test_batch_mode_has_no_widgets(demo_inputs):
    wb = open_workbook("calder-vale-housing", "2024-25", demo_inputs, interactive=False)
    assert "<table>" in wb.section(6)._repr_html_()
    assert "<table>" in wb.cover()._repr_html_() or "<dl>" in wb.cover()._repr_html_()


# --- cards: a provision drawn as HTML until the auditor clicks Edit ---------------------------------------

def test_an_opened_section_draws_cards_with_the_stored_answers_and_no_form(wb):
    wb.section(6).selected_index = 0
    panel = wb.live.sections[6]
    assert [c.provision.number for c in panel.cards][:3] == ["6.1", "6.2", "6.3"] and panel.forms == []
    card = panel.cards[15]  # 6.16: stored as No with evidence
    stored = wb.live.store.answer("2024:6.16")
    assert card.provision.number == "6.16" and card.widget.children == (card.html, card.edit)
    assert '<span class="badge no">No</span>' in card.html.value
    assert all(e.description in card.html.value for e in stored.evidence)
    assert card.edit.description == "Edit" and not card.edit.disabled


def test_edit_puts_the_form_with_its_history_in_the_cards_place(wb):
    wb.section(4).selected_index = 0
    panel = wb.live.sections[4]
    card = panel.cards[0]
    card.edit.click()
    assert panel.forms == [card.form] and card.widget.children == (card.form.widget,)
    assert panel.histories["4.1"].widget in card.form.widget.children
    card.edit.click()  # a second click (a stale view) builds nothing more
    assert len(panel.forms) == 1


def test_a_card_follows_changes_saved_elsewhere_on_the_page(wb):
    wb.cover()
    wb.section(4).selected_index = 0
    card = wb.live.sections[4].cards[1]  # 4.2, not yet assessed
    assert "Not assessed" in card.html.value
    wb.section(5).selected_index = 0  # an answer saved from another section's form refreshes every card
    form = wb.live.sections[5].open_forms()["5.1"]
    wb.live.store.change("2024:4.2", "status", "Yes")  # as a save merged from a colleague would
    form.commentary.value = "Reviewed the policy again"
    assert '<span class="badge yes">Yes</span>' in card.html.value


def test_a_card_escapes_what_the_auditor_typed(wb):
    form = _open(wb, 4)["4.1"]
    form.commentary.value = "<script>alert(1)</script> & more"
    wb.section(4).selected_index = 0  # a fresh panel draws cards from the store
    card = wb.live.sections[4].cards[0]
    assert "<script>" not in card.html.value and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in card.html.value


def test_after_approval_a_card_offers_to_view_not_edit(wb):
    store = wb.live.store
    store.sign_off("reviewed", "Rhiannon Review", dt.date(2025, 5, 1))
    store.sign_off("approved", "Board Chair", dt.date(2025, 5, 2), override="Sections 4, 5 and 9 to follow", facts=NO_FINDINGS)
    wb.section(4).selected_index = 0
    card = wb.live.sections[4].cards[0]
    assert card.edit.description == "View"
    card.edit.click()
    assert card.form.status.disabled and card.form.commentary.disabled


def test_a_due_date_keeps_its_four_digit_year_in_the_card_and_the_report(wb):
    from audit_lib.assessment.answers import Action, Answer
    from audit_lib.assessment.progress import progress
    from audit_lib.report.render import render
    from audit_lib.workbook.views import provision_row

    answer = Answer(status="No", commentary="x", actions=[Action(text="Fix it", owner="Head", due=dt.date(2, 3, 31))])
    row = provision_row(CODE.provision("2024:4.1"), answer, [], dt.date(2025, 6, 30))
    card = render("provision_card", row=row)
    assert "due 31/03/0002" in card and "due 31/03/2<" not in card
    table = render("section", section=CODE.section(4), rows=[{**row, "subsection_start": None}],
                   progress=progress(wb.assessment, CODE.provisions_in(4)))
    assert "due 31/03/0002" in table
