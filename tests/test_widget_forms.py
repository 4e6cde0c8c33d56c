"""A provision's form with a colleague editing at the same time, dates typed by hand, and the flags
beside the provision: the ipywidgets objects driven directly (values set, buttons clicked)."""

from __future__ import annotations

import datetime as dt

import pytest

from audit_lib.assessment.answers_file import load_assessment
from audit_lib.assessment.store import open_store
from audit_lib.code.catalogue import load_catalogue
from audit_lib.workbook.facade import open_workbook

CODE = load_catalogue()
LANDLORD, PERIOD = "calder-vale-housing", "2024-25"


@pytest.fixture
def wb(demo_inputs, monkeypatch):
    monkeypatch.setenv("CHC_AUDIT_USER", "auditor.one")
    return open_workbook(LANDLORD, PERIOD, demo_inputs, interactive=True)


def _on_disk(wb, provision):
    return load_assessment(wb.landlord.answers_path(PERIOD), CODE, LANDLORD, PERIOD).answer(provision)


def _forms(wb, number):
    wb.section(number)
    panel = wb.live.sections[number]
    panel.widget.selected_index = 0
    return panel.open_forms()


def _colleague(wb):
    return open_store(wb.landlord.folder, CODE, LANDLORD, PERIOD, "colleague.two")


def _descriptions(form):
    return [r.value("description") for r in form.evidence_rows]


def _entries(wb, provision, field):
    store = wb.live.store
    return [e for e in store.history() if e.get("provision") == provision and e.get("field") == field]


# -- 1. a colleague's change never vanishes -----------------------------------------------------

def test_a_colleagues_evidence_is_shown_after_a_merge_and_kept_when_the_auditor_adds_evidence(wb):
    form = _forms(wb, 6)["6.3"]
    before = _descriptions(form)
    other = _colleague(wb)
    seen = [e.model_dump(mode="json") for e in other.answer("2024:6.3").evidence]
    other.change("2024:6.3", "evidence", [*seen, {"description": "Colleague's item", "reference": None}])

    form.commentary.value = "Commentary edited after the colleague's change."
    assert _on_disk(wb, "2024:6.3").commentary == "Commentary edited after the colleague's change."
    assert _descriptions(form) == [*before, "Colleague's item"]  # the merge is shown at once

    form.add_evidence.click()
    form.evidence_rows[-1].fields["description"].value = "Auditor's item"
    stored = [e.description for e in _on_disk(wb, "2024:6.3").evidence]
    assert stored == [*before, "Colleague's item", "Auditor's item"]
    assert _descriptions(form) == stored
    assert "Conflict" not in form.message.value


def test_a_colleagues_evidence_is_kept_even_when_the_form_had_not_seen_it(wb):
    form = _forms(wb, 6)["6.3"]
    before = _descriptions(form)
    other = _colleague(wb)
    seen = [e.model_dump(mode="json") for e in other.answer("2024:6.3").evidence]
    other.change("2024:6.3", "evidence", [*seen, {"description": "Colleague's item", "reference": None}])
    form.add_evidence.click()
    form.evidence_rows[-1].fields["description"].value = "Auditor's item"
    stored = [e.description for e in _on_disk(wb, "2024:6.3").evidence]
    assert sorted(stored[len(before):]) == ["Auditor's item", "Colleague's item"]
    assert sorted(_descriptions(form)) == sorted(stored)


def test_the_same_action_changed_by_both_is_shown_side_by_side_in_words(wb):
    form = _forms(wb, 6)["6.3"]
    other = _colleague(wb)
    actions = [a.model_dump(mode="json") for a in other.answer("2024:6.3").actions]
    other.change("2024:6.3", "actions", [actions[0], {**actions[1], "owner": "Head of Housing"}])
    form.action_rows[1].fields["owner"].value = "Complaints Co-ordinator"
    message = form.message.value
    assert "Conflict" in message and "colleague.two" in message
    assert "Head of Housing" in message and "Complaints Co-ordinator" in message
    assert "{" not in message and "'owner'" not in message and "[" not in message  # words, not a Python list
    assert "<table" in message  # theirs and yours side by side
    assert _on_disk(wb, "2024:6.3").actions[1].owner == "Head of Housing"
    assert form.action_rows[1].value("owner") == "Head of Housing"  # the stored value is shown again


def test_unchanged_rows_keep_their_widgets_after_a_save(wb):
    form = _forms(wb, 6)["6.3"]
    rows = list(form.evidence_rows)
    form.evidence_rows[0].fields["reference"].value = "New reference"
    assert form.evidence_rows == rows  # nothing rebuilt under the auditor's cursor
    assert _on_disk(wb, "2024:6.3").evidence[0].reference == "New reference"


def test_a_blank_row_being_filled_in_survives_a_merge(wb):
    form = _forms(wb, 6)["6.3"]
    form.add_evidence.click()
    blank = form.evidence_rows[-1]
    _colleague(wb).change("2024:6.3", "commentary", "Colleague's commentary")
    form.status.value = "No"
    assert form.commentary.value == "Colleague's commentary"
    assert form.evidence_rows[-1] is blank


# -- 2. dates are dates ---------------------------------------------------------------------------

def _new_action(form, text="Appoint a complaints officer", owner="Director of Housing"):
    form.add_action.click()
    row = form.action_rows[-1]
    row.fields["text"].value = text
    row.fields["owner"].value = owner
    return row


def test_a_due_date_is_saved_once_when_the_auditor_leaves_the_field(wb):
    form = _forms(wb, 4)["4.1"]
    row = _new_action(form)
    count = len(_entries(wb, "2024:4.1", "actions"))
    row.fields["due"].value = "31/03/2028"
    assert _on_disk(wb, "2024:4.1").actions[0].due == dt.date(2028, 3, 31)
    assert len(_entries(wb, "2024:4.1", "actions")) == count + 1
    assert row.value("due") == "31/03/2028"  # shown in full, four-digit year


@pytest.mark.parametrize("typed", ["31/03/0002", "31/3/28", "31/02/2028", "275760-01-15", "2028-13-01", "soon",
                                   "31/03/20288"])
def test_an_invalid_due_date_is_shown_as_invalid_and_not_saved(wb, typed):
    form = _forms(wb, 4)["4.1"]
    row = _new_action(form)
    row.fields["due"].value = "30/09/2025"
    count = len(_entries(wb, "2024:4.1", "actions"))
    row.fields["due"].value = typed
    assert _on_disk(wb, "2024:4.1").actions[0].due == dt.date(2025, 9, 30)
    assert len(_entries(wb, "2024:4.1", "actions")) == count
    assert "Not saved" in row.note.value
    assert "DD/MM/YYYY" in row.note.value or "between 01/01/2000 and 31/12/2099" in row.note.value
    assert typed not in row.note.value
    assert row.value("due") == typed  # left for the auditor to correct
    row.fields["due"].value = "31/03/2026"
    assert _on_disk(wb, "2024:4.1").actions[0].due == dt.date(2026, 3, 31)
    assert row.note.value == ""


def test_a_due_date_can_be_cleared(wb):
    form = _forms(wb, 4)["4.1"]
    row = _new_action(form)
    row.fields["due"].value = "2025-09-30"
    row.fields["due"].value = ""
    assert _on_disk(wb, "2024:4.1").actions[0].due is None


def test_an_owner_typed_before_the_text_is_kept_and_saved_with_it(wb):
    form = _forms(wb, 4)["4.1"]
    form.add_action.click()
    row = form.action_rows[-1]
    row.fields["owner"].value = "Director of Housing"
    row.fields["due"].value = "30/09/2025"
    assert _on_disk(wb, "2024:4.1").actions == []
    assert "Not saved yet" in row.note.value
    row.fields["text"].value = "Appoint a complaints officer"
    action = _on_disk(wb, "2024:4.1").actions[0]
    assert (action.text, action.owner, action.due) == ("Appoint a complaints officer", "Director of Housing",
                                                       dt.date(2025, 9, 30))
    assert row.note.value == ""


def test_an_unexpected_error_in_a_callback_is_shown_beside_the_provision(wb, monkeypatch):
    form = _forms(wb, 4)["4.1"]

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(wb.live.store, "change", broken)
    form.status.value = "Yes"  # no exception escapes to the kernel's log
    assert "Not saved" in form.message.value and "unexpected" in form.message.value
    assert form.status.value == ""  # the stored value is shown again
    form.add_evidence.click()
    form.evidence_rows[-1].fields["description"].value = "Policy"
    assert "Not saved" in form.message.value


# -- 3. flags an experienced reviewer would raise -------------------------------------------------

def test_overdue_and_ownerless_actions_are_flagged_beside_the_provision(wb):
    form = _forms(wb, 4)["4.1"]
    form.status.value = "Partial"
    form.commentary.value = "Partly in place."
    row = _new_action(form, owner="")
    assert "no owner" in form.flags.value
    row.fields["owner"].value = "Director of Housing"
    assert "no owner" not in form.flags.value
    row.fields["due"].value = "31/01/2020"
    assert "overdue" in form.flags.value.lower() and "31/01/2020" in form.flags.value
    row.fields["done"].value = True
    assert "overdue" not in form.flags.value.lower()


# -- two editors' forms on one file ---------------------------------------------------------------

def _two_forms(tmp_path, text, users=("alice", "bob")):
    from audit_lib.assessment.store import AnswerStore
    from audit_lib.workbook.widgets import ProvisionForm

    path = tmp_path / "2024-25.yaml"
    path.write_text(text)
    provision = CODE.provision("2024:6.3")
    return path, [ProvisionForm(provision, AnswerStore(path, CODE, "l", "2024-25", user=user), [],
                                as_of=dt.date(2025, 6, 30)) for user in users]


def _texts(path):
    return [a.text for a in load_assessment(path, CODE, "l", "2024-25").answer("2024:6.3").actions]


def _plain(html):
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


TWO_ACTIONS = """landlord: l
period: 2024-25
answers:
  "2024:6.3":
    status: "Partial"
    commentary: late
    actions:
      - {text: Update policy}
      - {text: Train staff}
"""


def test_an_action_removed_and_added_again_by_a_colleague_does_not_come_back_over_a_removal(tmp_path):
    path, (alice, bob) = _two_forms(tmp_path, TWO_ACTIONS)
    bob.action_rows[0].remove.click()
    bob.add_action.click()
    bob.action_rows[-1].fields["text"].value = "Update policy"
    assert _texts(path) == ["Train staff", "Update policy"]
    next(r for r in alice.action_rows if r.item["text"] == "Train staff").remove.click()
    if "Conflict" not in alice.message.value:
        assert _texts(path) == ["Update policy"]  # alice's removal landed
    assert [r.item["text"] for r in alice.action_rows if r.item] == _texts(path)


BAD_OLD_ACTION = """landlord: l
period: 2024-25
answers:
  "2024:6.3":
    status: "No"
    commentary: x
    actions:
      - {text: Old action, owner: Bob, due: 0002-03-31}
      - {text: Keep, owner: Bob, due: 2026-03-31}
"""


def test_an_error_about_an_action_the_auditor_never_touched_does_not_block_her_saves(tmp_path):
    path, (alice, bob) = _two_forms(tmp_path, BAD_OLD_ACTION)
    bob.action_rows[0].remove.click()  # the right fix, by a colleague
    assert _texts(path) == ["Keep"]
    alice.add_action.click()
    row = alice.action_rows[-1]
    row.fields["owner"].value = "Alice"
    row.fields["due"].value = "30/09/2026"
    row.fields["text"].value = "New action"
    assert _texts(path) == ["Keep", "New action"]
    assert "Not saved" not in alice.message.value
    assert [r.item["text"] for r in alice.action_rows if r.item] == ["Keep", "New action"]


def test_after_an_error_the_form_shows_what_is_stored_and_the_next_save_works(tmp_path):
    path, (alice, bob) = _two_forms(tmp_path, BAD_OLD_ACTION)
    bob.commentary.value = "Bob's commentary"
    # a store error (the form itself refuses such a date; a value sent to the store directly is checked again)
    with_bad_year = [*alice._shown["actions"], {"text": "Typo", "owner": None, "due": "0026-09-30", "done": False}]
    alice._save("actions", with_bad_year)
    message = _plain(alice.message.value)
    assert "Not saved" in message and "6.3" in message and "Actions" in message and "2024:" not in message
    assert alice.commentary.value == "Bob's commentary"  # the form shows what is stored, bob's change included
    alice.status.value = "Partial"
    assert load_assessment(path, CODE, "l", "2024-25").answer("2024:6.3").status.value == "Partial"


UNTIDY = """landlord: l
period: 2024-25
answers:
  "2024:6.3":
    status: "Partial"
    commentary: x
    evidence:
      - {description: "Board report ", reference: ""}
      - {description: Register}
"""


def test_editing_one_row_does_not_resend_the_others_reformatted(tmp_path):
    path, (alice, bob) = _two_forms(tmp_path, UNTIDY)
    bob.evidence_rows[0].fields["reference"].value = "BR-1"
    alice.evidence_rows[1].fields["reference"].value = "REG-7"
    assert "Conflict" not in alice.message.value
    evidence = load_assessment(path, CODE, "l", "2024-25").answer("2024:6.3").evidence
    assert [(e.description, e.reference) for e in evidence] == [("Board report", "BR-1"), ("Register", "REG-7")]
    last = alice.store.history()[-1]
    assert [e["reference"] for e in last["old"]] == ["BR-1", None]  # only the item alice edited changed
    assert [e["reference"] for e in last["new"]] == ["BR-1", "REG-7"]


def test_a_page_that_cannot_be_redrawn_after_a_save_says_so_not_that_nothing_was_saved(tmp_path):
    from audit_lib.assessment.store import AnswerStore
    from audit_lib.workbook.widgets import ProvisionForm

    path = tmp_path / "2024-25.yaml"
    path.write_text("landlord: l\nperiod: 2024-25\nanswers: {}\n")

    def broken_refresh():
        raise RuntimeError("the cover could not be drawn")

    form = ProvisionForm(CODE.provision("2024:6.3"), AnswerStore(path, CODE, "l", "2024-25", user="alice"), [],
                         on_saved=broken_refresh)
    form.commentary.value = "Explained."
    assert load_assessment(path, CODE, "l", "2024-25").answer("2024:6.3").commentary == "Explained."
    message = _plain(form.message.value)
    assert "Saved, but the page could not be redrawn" in message
    assert "Not saved" not in message


def test_a_conflict_stays_shown_until_its_field_is_saved_again_or_dismissed(tmp_path):
    _, (alice, bob) = _two_forms(tmp_path, TWO_ACTIONS)
    bob.commentary.value = "Bob's commentary"
    alice.commentary.value = "Alice's commentary"  # a conflict: alice's text is only in the message
    assert "Conflict" in alice.message.value and "Alice&#x27;s commentary" in alice.message.value
    alice.status.value = "No"  # another field saved
    assert "Conflict" in alice.message.value and "Alice&#x27;s commentary" in alice.message.value
    alice.commentary.value = "Alice's commentary, having read Bob's"  # the field saved again
    assert "Conflict" not in alice.message.value
    bob.store.change("2024:6.3", "status", "Yes", expected="No")
    alice.status.value = "N/A"
    assert "Conflict" in alice.message.value
    assert alice.dismiss.layout.display != "none"
    alice.dismiss.click()
    assert "Conflict" not in alice.message.value and alice.dismiss.layout.display == "none"


def test_a_due_date_typed_year_first_is_shown_as_stored_after_the_save(tmp_path):
    path, (alice,) = _two_forms(tmp_path, TWO_ACTIONS, users=("alice",))
    row = alice.action_rows[0]
    row.fields["due"].value = "2029-06-30"
    assert load_assessment(path, CODE, "l", "2024-25").answer("2024:6.3").actions[0].due == dt.date(2029, 6, 30)
    assert row.value("due") == "30/06/2029"
    row.fields["owner"].value = "  Head of Housing "
    assert row.value("owner") == "Head of Housing"
