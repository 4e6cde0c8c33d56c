import datetime as dt

import pytest

from audit_lib.assessment.answers import Status
from audit_lib.assessment.answers_file import load_assessment
from audit_lib.assessment.store import Conflict, Saved, open_store
from audit_lib.code.catalogue import load_catalogue
from audit_lib.errors import AnswerStoreError, SignOffError

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
        s.sign_off("approved", "Chair", dt.date(2025, 6, 1))
    prepared_by = s.assessment.signoff.prepared.name
    with pytest.raises(SignOffError, match="reviewer must not be the person who prepared"):
        s.sign_off("reviewed", prepared_by.upper(), dt.date(2025, 6, 1))
    s.sign_off("reviewed", "Rita Reviewer", dt.date(2025, 6, 1))
    s.sign_off("approved", "Board Chair", dt.date(2025, 6, 20), "Chair of the Board")
    assert s.read_only and s.assessment.state == "Approved"
    with pytest.raises(AnswerStoreError, match="approved and read-only"):
        s.change("2024:4.1", "status", "Yes")
    with pytest.raises(SignOffError, match="give a reason"):
        s.reopen("  ")
    s.reopen("Ombudsman investigation asked us to review section 6")
    assert not s.read_only and s.assessment.state == "Reviewed"
    assert s.assessment.reopenings[0].reason.startswith("Ombudsman")
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
