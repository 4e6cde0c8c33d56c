import datetime as dt

import pytest

from audit_lib.assessment.answers import Action, Status
from audit_lib.assessment.answers_file import load_assessment, save_assessment
from audit_lib.assessment.signoff import SignatureFacts as _Facts
from audit_lib.assessment.store import Conflict, Saved, open_store
from audit_lib.code.catalogue import load_catalogue
from audit_lib.errors import AnswerStoreError, SignOffError

NO_FINDINGS = _Facts()  # an approval whose caller found no contradicted finding unanswered

CODE = load_catalogue()


@pytest.fixture
def folder(demo_inputs):
    return demo_inputs / "calder-vale-housing"


def store(folder, user="alice", period="2024-25"):
    return open_store(folder, CODE, "calder-vale-housing", period, user)


def test_change_is_saved_at_once_with_history(folder):
    s = store(folder)
    result = s.change("2024:4.1", "status", "Yes")
    assert isinstance(result, Saved)
    on_disk = load_assessment(s.path, CODE, "calder-vale-housing", "2024-25")
    assert on_disk.answer("2024:4.1").status is Status.YES
    assert on_disk.answer("2024:4.1").updated_by == "alice"
    entry = s.history()[-1]
    assert entry["user"] == "alice" and entry["provision"] == "2024:4.1" and entry["old"] is None and entry["new"] == "Yes"
    assert entry["revision"] == on_disk.revision
    assert not list(s.path.parent.glob(".*.tmp"))


def test_history_is_append_only_and_plain_text(folder):
    s = store(folder)
    s.change("2024:4.1", "commentary", "one")
    first = s.history_path.read_text()
    s.change("2024:4.1", "commentary", "two")
    assert s.history_path.read_text().startswith(first)
    assert [e["new"] for e in s.history()] == ["one", "two"]


def test_two_editors_on_different_provisions_lose_nothing(folder):
    a, b = store(folder, "alice"), store(folder, "bob")
    a.change("2024:4.1", "status", "Yes")
    b.change("2024:4.2", "status", "No")  # b had not seen a's change: merged, not overwritten
    a.change("2024:4.3", "status", "Partial")
    final = load_assessment(a.path, CODE, "calder-vale-housing", "2024-25")
    assert [final.answer(f"2024:4.{i}").status for i in (1, 2, 3)] == [Status.YES, Status.NO, Status.PARTIAL]


def test_conflicting_edit_is_detected_not_overwritten(folder):
    a, b = store(folder, "alice"), store(folder, "bob")
    a.change("2024:4.1", "commentary", "alice's view")
    result = b.change("2024:4.1", "commentary", "bob's view")
    assert isinstance(result, Conflict)
    assert (result.yours, result.theirs, result.by) == ("bob's view", "alice's view", "alice")
    assert "changed by alice" in result.message
    assert load_assessment(a.path, CODE, "calder-vale-housing", "2024-25").answer("2024:4.1").commentary == "alice's view"
    # having seen theirs, bob may apply his again deliberately
    assert isinstance(b.change("2024:4.1", "commentary", "bob's view"), Saved)


def test_expected_value_from_the_widget(folder):
    a, b = store(folder, "alice"), store(folder, "bob")
    a.change("2024:4.1", "status", "Yes")
    assert isinstance(b.change("2024:4.1", "status", "No", expected="Yes"), Saved)  # bob saw alice's Yes


def test_same_change_by_both_is_not_a_conflict(folder):
    a, b = store(folder, "alice"), store(folder, "bob")
    a.change("2024:4.1", "status", "Yes")
    assert isinstance(b.change("2024:4.1", "status", "Yes"), Saved)


def test_invalid_values_are_refused_with_a_message(folder):
    s = store(folder)
    with pytest.raises(AnswerStoreError, match="expected one of Yes, Partial, No, N/A"):
        s.change("2024:4.1", "status", "Maybe")
    with pytest.raises(AnswerStoreError, match="unknown answer field"):
        s.change("2024:4.1", "colour", "red")
    with pytest.raises(Exception, match="unknown provision"):
        s.change("2024:4.9", "status", "Yes")


def test_signoff_sequence_and_read_only_approval(folder):
    s = store(folder)
    assert s.assessment.signoff.prepared is not None  # the demo is prepared
    with pytest.raises(SignOffError, match="must be reviewed before it is approved"):
        s.sign_off("approved", "Chair", dt.date(2025, 6, 1), facts=NO_FINDINGS)
    prepared_by = s.assessment.signoff.prepared.name
    with pytest.raises(SignOffError, match=r"The reviewer must be someone other than the preparer \(Gareth Lloyd\)"):
        s.sign_off("reviewed", prepared_by.upper(), dt.date(2025, 6, 1))
    s.sign_off("reviewed", "Rita Reviewer", dt.date(2025, 6, 1))
    with pytest.raises(SignOffError, match="provisions are not assessed"):  # the demo is not complete
        s.sign_off("approved", "Board Chair", dt.date(2025, 6, 20), "Chair of the Board", facts=NO_FINDINGS)
    s.sign_off("approved", "Board Chair", dt.date(2025, 6, 20), "Chair of the Board",
               override="Approved with sections 4, 5 and 9 to follow", facts=NO_FINDINGS)
    assert s.read_only and s.assessment.state == "Approved"
    with pytest.raises(AnswerStoreError, match="approved and read-only"):
        s.change("2024:4.1", "status", "Yes")
    with pytest.raises(SignOffError, match="Give a reason"):
        s.reopen("  ")
    s.reopen("Ombudsman investigation asked us to review section 6")
    assert not s.read_only and s.assessment.state == "Prepared"  # the review and the approval are withdrawn
    assert s.assessment.signoff_history[-1].reason.startswith("Ombudsman")
    assert s.history()[-1]["reopened"].startswith("Ombudsman")
    assert isinstance(s.change("2024:4.1", "status", "Yes"), Saved)


def test_carry_forward_marks_answers_unconfirmed_and_keeps_open_actions(folder):
    previous = store(folder, period="2024-25")
    nxt = store(folder, period="2025-26")
    nxt.carry_forward(previous)
    assert nxt.assessment.carried_from == "2024-25"
    assert set(nxt.assessment.answers) == set(previous.assessment.answers)
    assert all(not a.confirmed for a in nxt.assessment.answers.values())
    for pid, answer in previous.assessment.answers.items():
        assert [x.text for x in nxt.assessment.answers[pid].actions] == [x.text for x in answer.actions if not x.done]
    assert nxt.assessment.signoff.prepared is None
    # confirming, or changing, an answer marks it confirmed
    nxt.change("2024:1.2", "confirmed", True)
    nxt.change("2024:1.3", "commentary", "Checked again for 2025-26.")
    assert nxt.answer("2024:1.2").confirmed and nxt.answer("2024:1.3").confirmed
    with pytest.raises(SignOffError, match="carry forward only starts an empty assessment"):
        nxt.carry_forward(previous)


def test_damaged_store_gives_a_clear_error(folder):
    (folder / "answers" / "2024-25.yaml").write_text("landlord: calder-vale-housing\nperiod: 2024-25\nanswers: [\n")
    with pytest.raises(AnswerStoreError, match=r"2024-25.yaml: not valid YAML at line"):
        store(folder)


def test_torn_last_history_line_is_skipped_but_a_damaged_middle_is_not(folder):
    s = store(folder)
    s.change("2024:4.1", "status", "Yes")
    with open(s.history_path, "a") as handle:
        handle.write('{"at": "2025-')
    assert len(s.history()) == 1
    with open(s.history_path, "a") as handle:
        handle.write("\n" + '{"ok": 1}' + "\n")
    with pytest.raises(AnswerStoreError, match="line 2 of the history is not valid JSON"):
        s.history()


# -- list fields merge item by item -------------------------------------------------------------

def _items(store_, provision, field):
    return [item.model_dump(mode="json") for item in getattr(store_.answer(provision), field)]


def test_evidence_added_by_each_editor_is_kept(folder):
    a, b = store(folder, "alice"), store(folder, "bob")
    seen = _items(a, "2024:6.3", "evidence")  # what alice's form shows
    theirs = {"description": "Bob's item", "reference": None}
    assert isinstance(b.change("2024:6.3", "evidence", [*seen, theirs]), Saved)
    a.change("2024:6.3", "commentary", "Alice's commentary")  # merged with bob's evidence
    mine = {"description": "Alice's item", "reference": "AL-1"}
    result = a.change("2024:6.3", "evidence", [*seen, mine], expected=seen)
    assert isinstance(result, Saved)
    final = load_assessment(a.path, CODE, "calder-vale-housing", "2024-25").answer("2024:6.3")
    assert [e.description for e in final.evidence][-2:] == ["Alice's item", "Bob's item"] or \
        [e.description for e in final.evidence][-2:] == ["Bob's item", "Alice's item"]
    assert final.commentary == "Alice's commentary"
    assert a.history()[-1]["old"] == [*seen, theirs]


def test_the_same_item_changed_by_both_is_a_conflict_in_words(folder):
    a, b = store(folder, "alice"), store(folder, "bob")
    seen = _items(a, "2024:6.3", "actions")
    theirs = [{**seen[0], "owner": "Bob Owner"}, *seen[1:]]
    mine = [{**seen[0], "owner": "Alice Owner"}, *seen[1:]]
    b.change("2024:6.3", "actions", theirs)
    result = a.change("2024:6.3", "actions", mine, expected=seen)
    assert isinstance(result, Conflict)
    on_disk = load_assessment(a.path, CODE, "calder-vale-housing", "2024-25").answer("2024:6.3")
    assert on_disk.actions[0].owner == "Bob Owner"
    assert len(result.items) == 1
    item = result.items[0]
    assert "Bob Owner" in item.theirs and "Alice Owner" in item.yours
    assert "{" not in item.theirs + item.yours and "'" not in item.theirs + item.yours  # words, not Python
    assert "“" in item.theirs and "Bob Owner" in item.theirs  # the action's text quoted, then its owner


def test_an_item_removed_by_one_and_changed_by_the_other_is_a_conflict(folder):
    a, b = store(folder, "alice"), store(folder, "bob")
    seen = _items(a, "2024:6.3", "evidence")
    b.change("2024:6.3", "evidence", [{**seen[0], "reference": "NEW-REF"}, *seen[1:]])
    result = a.change("2024:6.3", "evidence", seen[1:], expected=seen)
    assert isinstance(result, Conflict)
    assert result.items[0].yours == "removed" and "NEW-REF" in result.items[0].theirs


def test_different_items_changed_by_each_editor_both_land(folder):
    a, b = store(folder, "alice"), store(folder, "bob")
    seen = _items(a, "2024:6.3", "actions")
    assert len(seen) == 2
    b.change("2024:6.3", "actions", [{**seen[0], "owner": "Bob"}, seen[1]])
    assert isinstance(a.change("2024:6.3", "actions", [seen[0], {**seen[1], "done": True}], expected=seen), Saved)
    final = load_assessment(a.path, CODE, "calder-vale-housing", "2024-25").answer("2024:6.3").actions
    assert final[0].owner == "Bob" and final[1].done


def test_an_unanswered_status_seen_by_the_editor_is_an_expected_value(folder):
    a, b = store(folder, "alice"), store(folder, "bob")
    a.change("2024:4.1", "commentary", "seen by alice")  # alice's store has read the file
    b.change("2024:4.1", "status", "Yes")
    a.change("2024:4.2", "status", "No")  # alice's store re-reads the file, with bob's Yes
    # alice's form still shows 4.1 unanswered: her No must not replace bob's Yes unseen
    assert isinstance(a.change("2024:4.1", "status", "No", expected=None), Conflict)


def test_an_action_the_editor_saw_and_another_removed_does_not_block_her_save(folder):
    """An old action with a mistyped year is in the file; bob removes it; alice, whose form still
    shows it, adds an action: only actions neither she saw nor on disk are new, so hers is saved."""
    a, b = store(folder, "alice"), store(folder, "bob")
    seen = _items(a, "2024:6.3", "actions")
    bad = {"text": "Old action", "owner": "Bob", "due": "0002-03-31", "done": False}
    with_bad = load_assessment(a.path, CODE, "calder-vale-housing", "2024-25")  # typed into the file by hand
    with_bad.answers["2024:6.3"].actions.append(Action.model_validate(bad))
    save_assessment(a.path, with_bad)
    a, b = store(folder, "alice"), store(folder, "bob")
    seen = _items(a, "2024:6.3", "actions")
    assert isinstance(b.change("2024:6.3", "actions", seen[:-1], expected=seen), Saved)  # bob removes it
    new = {"text": "New action", "owner": "Alice", "due": "2026-09-30", "done": False}
    result = a.change("2024:6.3", "actions", [*seen, new], expected=seen)
    assert isinstance(result, Saved)
    assert [x.text for x in a.answer("2024:6.3").actions] == [*(x["text"] for x in seen[:-1]), "New action"]
    # a new action with a mistyped year is still refused
    with pytest.raises(AnswerStoreError, match="looks mistyped"):
        a.change("2024:6.3", "actions", [*_items(a, "2024:6.3", "actions"), {**new, "text": "Typo", "due": "0026-09-30"}])


def test_after_an_error_the_store_holds_what_is_on_disk(folder):
    a, b = store(folder, "alice"), store(folder, "bob")
    b.change("2024:6.3", "commentary", "Bob's commentary")
    with pytest.raises(AnswerStoreError):
        a.change("2024:6.3", "status", "Maybe")
    assert a.answer("2024:6.3").commentary == "Bob's commentary"  # adopted before the value was refused


def test_messages_name_the_provision_by_number_and_the_field_by_its_label(folder):
    a, b = store(folder, "alice"), store(folder, "bob")
    b.change("2024:6.3", "commentary", "Bob's commentary")
    conflict = a.change("2024:6.3", "commentary", "Alice's commentary")
    assert isinstance(conflict, Conflict)
    assert "2024:" not in conflict.message and "6.3" in conflict.message and "Commentary" in conflict.message
    b.change("2024:6.3", "status", "No")
    conflict = a.change("2024:6.3", "status", "Yes", expected="Partial")
    assert isinstance(conflict, Conflict) and "Comply" in conflict.message and "status" not in conflict.message
    seen = _items(a, "2024:6.3", "actions")
    with pytest.raises(AnswerStoreError) as error:
        a.change("2024:6.3", "actions", [*seen, {"text": "Typo", "due": "0026-09-30"}], expected=seen)
    assert "2024:" not in str(error.value) and "6.3" in str(error.value) and "Actions" in str(error.value)
    with pytest.raises(AnswerStoreError) as error:
        a.change("2024:6.3", "status", "Maybe")
    assert "2024:" not in str(error.value) and "Comply" in str(error.value)


def test_an_item_removed_and_added_again_by_another_editor_does_not_undo_this_editors_removal(folder):
    a, b = store(folder, "alice"), store(folder, "bob")
    seen = _items(a, "2024:6.3", "actions")
    first, second = seen
    b.change("2024:6.3", "actions", [second], expected=seen)  # bob removes the first action
    b.change("2024:6.3", "actions", [second, first], expected=[second])  # and adds it again
    result = a.change("2024:6.3", "actions", [first], expected=seen)  # alice removes the second
    on_disk = load_assessment(a.path, CODE, "calder-vale-housing", "2024-25").answer("2024:6.3")
    assert isinstance(result, Conflict) or [x.model_dump(mode="json") for x in on_disk.actions] == [first]


def test_a_merge_that_would_drop_this_editors_change_is_a_conflict_not_a_save(folder, monkeypatch):
    """Whatever the merge of items gives, a change that did not land is never reported as saved."""
    import audit_lib.assessment.store as store_module

    a, b = store(folder, "alice"), store(folder, "bob")
    seen = _items(a, "2024:6.3", "evidence")
    b.change("2024:6.3", "evidence", [*seen, {"description": "Bob's item", "reference": None}], expected=seen)
    monkeypatch.setattr(store_module, "merge_items", lambda base, mine, theirs, *args: (list(theirs), []))
    result = a.change("2024:6.3", "evidence", seen[1:], expected=seen)  # alice removes the first item
    assert isinstance(result, Conflict)
    assert len(load_assessment(a.path, CODE, "calder-vale-housing", "2024-25").answer("2024:6.3").evidence) == 3
