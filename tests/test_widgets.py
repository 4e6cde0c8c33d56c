"""Widget logic in plain pytest: set values, click buttons, check the store and the flags."""

import datetime as dt

import ipywidgets as w
import pytest

from audit_lib.assessment.answers import Status
from audit_lib.assessment.answers_file import load_assessment
from audit_lib.code.catalogue import load_catalogue
from audit_lib.workbook.facade import open_workbook

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
    assert section.forms == []  # built only when opened
    panel.selected_index = 0
    return {f.provision.number: f for f in section.forms}


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
    row.fields["due"].value = dt.date(2025, 9, 30)
    assert form.flags.value == ""
    action = _on_disk(wb).answer("2024:4.1").actions[0]
    assert (action.text, action.owner, action.due, action.done) == ("Appoint a complaints officer", "Director of Housing",
                                                                     dt.date(2025, 9, 30), False)
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
    wb.cover()
    panel = wb.live.signoff
    forms = _open(wb, 4)
    name, title, _date, button = panel.rows["reviewed"]
    name.value = wb.live.store.assessment.signoff.prepared.name
    button.click()
    assert "reviewer must not be the person who prepared" in panel.message.value
    name.value = "Rhiannon Review"
    button.click()
    name, title, _date, button = panel.rows["approved"]
    name.value, title.value = "Board Chair", "Chair of the Board"
    button.click()
    assert _on_disk(wb).state == "Approved"
    assert forms["4.1"].status.disabled and forms["4.1"].commentary.disabled
    assert panel.reopen.disabled is False
    panel.reopen.click()
    assert "give a reason" in panel.message.value
    panel.reason.value = "Restructure: reassess section 4"
    panel.reopen.click()
    assert _on_disk(wb).state == "Reviewed" and not forms["4.1"].status.disabled
    assert _on_disk(wb).reopenings[0].reason == "Restructure: reassess section 4"


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
