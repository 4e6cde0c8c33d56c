"""The annual records store: saved at once, by id, locked, with history; two editors never lose each
other's changes; a file edited by hand keeps what people wrote; symbolic links refused."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
from pathlib import Path

import pytest

from audit_lib.annual.records import (
    GoverningBodyResponse,
    Improvement,
    MemberResponsible,
    load_records,
    records_file,
)
from audit_lib.annual.store import Added, Conflict, RecordsStore, Saved, open_records_store
from audit_lib.assessment.history import History
from audit_lib.errors import AnnualRecordsError, InvalidIdError

LANDLORD, PERIOD = "riverbend-homes", "2024-25"


@pytest.fixture
def landlord(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs" / LANDLORD
    folder.mkdir(parents=True)
    return folder


def store(landlord: Path, user: str = "alice") -> RecordsStore:
    return open_records_store(landlord, LANDLORD, PERIOD, user=user)


def path_of(landlord: Path) -> Path:
    return landlord / "annual" / f"{PERIOD}.yaml"


def improvement(**fields: object) -> dict[str, object]:
    return {"theme": "Repairs", "residents_said": "We waited in.", "we_did": "Text reminders.", **fields}


def determination(**fields: object) -> dict[str, object]:
    return {"kind": "determination", "reference": "202312345", "date": "2024-11-14", "title": "Damp and mould",
            **fields}


GOVERNING = {"text": "The Board welcomed the report.", "meeting_date": "2025-06-19", "name": "A. Chair",
             "role": "Chair of the Board"}


# -- one editor ---------------------------------------------------------------------------------

def test_every_change_is_saved_at_once_with_history(landlord):
    alice = store(landlord)
    assert not path_of(landlord).exists()  # nothing written until something changes
    assert alice.add("learning", improvement()) == Added(1, "L-01")
    assert alice.add("learning", Improvement(id="L-07", theme="Calls", residents_said="S", we_did="D")) == Added(2, "L-07")
    assert alice.add("ombudsman", determination()) == Added(3, "O-01")
    assert alice.change("learning", "L-01", {"status": "Done", "owner": "Head of Repairs"}) == Saved(4)
    assert alice.set_governing_body(GOVERNING) == Saved(5)
    assert alice.set_member_responsible(MemberResponsible(name="B. Member", role="Board member")) == Saved(6)
    assert alice.confirm_none("performance_report") == Saved(7)
    assert alice.remove("learning", "L-07") == Saved(8)

    on_disk = load_records(path_of(landlord), LANDLORD, PERIOD)
    assert on_disk == alice.records
    assert on_disk.revision == 8
    assert [i.id for i in on_disk.learning] == ["L-01"]
    assert (on_disk.learning[0].status, on_disk.learning[0].owner) == ("done", "Head of Repairs")
    assert on_disk.governing_body == GoverningBodyResponse.model_validate(GOVERNING)
    assert on_disk.confirmed_none.performance_report

    entries = alice.history()
    assert [e["revision"] for e in entries] == [1, 2, 3, 4, 4, 5, 6, 7, 8]
    assert {e["user"] for e in entries} == {"alice"}
    assert entries[0]["action"] == "added" and entries[0]["item"] == "L-01"
    assert entries[0]["new"]["residents_said"] == "We waited in."
    status, owner = entries[3], entries[4]
    assert (status["section"], status["item"], status["field"], status["old"], status["new"]) == (
        "learning", "L-01", "status", "planned", "done")
    assert (owner["field"], owner["old"], owner["new"]) == ("owner", None, "Head of Repairs")
    assert entries[5]["field"] == "governing_body" and entries[5]["old"] is None
    assert entries[5]["new"]["meeting_date"] == "2025-06-19"
    assert (entries[7]["field"], entries[7]["old"], entries[7]["new"]) == ("confirmed_none.performance_report",
                                                                           False, True)
    assert entries[8]["action"] == "removed" and entries[8]["old"]["id"] == "L-07"
    dt.datetime.fromisoformat(entries[0]["at"])
    assert (path_of(landlord).parent / f"{PERIOD}.yaml.lock").exists()


def test_a_change_that_changes_nothing_saves_nothing(landlord):
    alice = store(landlord)
    alice.add("learning", improvement())
    assert alice.change("learning", "L-01", {"status": "planned"}) == Saved(1)
    assert alice.set_governing_body(None) == Saved(1)
    assert alice.confirm_none("learning", False) == Saved(1)
    assert len(alice.history()) == 1


def test_clearing_the_governing_body_response_and_the_mrc(landlord):
    alice = store(landlord)
    alice.set_governing_body(GOVERNING)
    alice.set_member_responsible({"name": "B. Member", "role": "Board member"})
    alice.set_governing_body(None)
    alice.set_member_responsible(None)
    records = load_records(path_of(landlord), LANDLORD, PERIOD)
    assert records.governing_body is None and records.member_responsible is None
    assert alice.history()[-1]["old"] == {"name": "B. Member", "role": "Board member"}


def test_a_given_id_already_taken_is_refused_and_nothing_saved(landlord):
    alice = store(landlord)
    alice.add("learning", improvement(id="L-01"))
    before = path_of(landlord).read_bytes()
    with pytest.raises(AnnualRecordsError, match="improvement L-01 is already in the records"):
        alice.add("learning", improvement(id="L-01"))
    assert path_of(landlord).read_bytes() == before and len(alice.history()) == 1


def test_a_refused_value_saves_nothing_and_a_name_is_not_quoted(landlord):
    alice = store(landlord)
    alice.add("learning", improvement(case_references=["CMP-2024-0012"]))
    before = path_of(landlord).read_bytes()
    with pytest.raises(AnnualRecordsError) as caught:
        alice.change("learning", "L-01", {"case_references": ["CMP-2024-0012", "Joan Example"]})
    message = str(caught.value)
    assert "improvement L-01: case_references: case reference 2: expected a case reference" in message
    assert "nothing was saved" in message
    assert "Joan" not in message and "Example" not in message
    with pytest.raises(AnnualRecordsError) as caught:
        alice.add("learning", improvement(case_references=["Joan Example"]))
    assert "Joan" not in str(caught.value)
    assert path_of(landlord).read_bytes() == before


def test_a_determination_keeps_its_kind_while_it_has_findings_or_orders(landlord):
    alice = store(landlord)
    alice.add("ombudsman", determination(findings=[{"wording": "Delay", "outcome": "maladministration"}],
                                         orders=[{"text": "Pay"}, {"text": "Apologise"}]))
    with pytest.raises(AnnualRecordsError) as caught:
        alice.change("ombudsman", "O-01", {"kind": "annual_performance_report"})
    assert caught.value.message.startswith(
        "Ombudsman record O-01 has 1 finding and 2 orders: as a determination it is one of the Ombudsman's findings "
        "of non-compliance (8.1 c); as an annual performance report it would leave 8.1 (c), with its findings and "
        "orders. Nothing was saved:")
    assert load_records(path_of(landlord), LANDLORD, PERIOD).ombudsman[0].kind == "determination"
    assert len(alice.history()) == 1
    alice.change("ombudsman", "O-01", {"kind": "CHFO"})  # still one of 8.1 (c)
    alice.change("ombudsman", "O-01", {"kind": "special_report", "findings": [], "orders": []})  # said together
    assert load_records(path_of(landlord), LANDLORD, PERIOD).ombudsman[0].kind == "special_report"
    alice.add("ombudsman", determination(kind="other", orders=[{"text": "Pay"}]))
    alice.change("ombudsman", "O-02", {"kind": "special_report"})  # outside 8.1 (c) before and after


def test_wrong_sections_fields_and_ids_are_refused(landlord):
    alice = store(landlord)
    alice.add("learning", improvement())
    with pytest.raises(AnnualRecordsError, match="expected one of learning, ombudsman; found 'orders'"):
        alice.add("orders", {})
    with pytest.raises(AnnualRecordsError, match="'id' is not a field to change of a improvement"):
        alice.change("learning", "L-01", {"id": "L-02"})
    with pytest.raises(AnnualRecordsError, match="'colour' is not a field to change"):
        alice.change("learning", "L-01", {"colour": "red"})
    with pytest.raises(AnnualRecordsError, match="there is no improvement L-09 in the records"):
        alice.change("learning", "L-09", {"status": "done"})
    with pytest.raises(AnnualRecordsError, match="expected a short id"):
        alice.remove("learning", "L 01")
    with pytest.raises(AnnualRecordsError, match="expected one of ombudsman_findings, learning"):
        alice.confirm_none("everything")
    with pytest.raises(AnnualRecordsError, match="The governing body's response: meeting_date: Field required"):
        alice.set_governing_body({"text": "x", "name": "A", "role": "B"})
    with pytest.raises(InvalidIdError):
        RecordsStore(path_of(landlord), "Not A Slug", PERIOD)


def test_removing_an_entry_already_removed_is_nothing_to_do(landlord):
    alice = store(landlord)
    alice.add("ombudsman", determination())
    alice.remove("ombudsman", "O-01")
    assert alice.remove("ombudsman", "O-01") == Saved(2)


# -- two editors --------------------------------------------------------------------------------

def test_two_editors_adding_at_once_both_keep_their_entries_with_different_ids(landlord):
    alice, bob = store(landlord), store(landlord, "bob")
    assert alice.add("learning", improvement(theme="Repairs")) == Added(1, "L-01")
    assert bob.add("learning", improvement(theme="Calls")) == Added(2, "L-02")  # bob had not reloaded
    assert [(i.id, i.theme) for i in load_records(path_of(landlord), LANDLORD, PERIOD).learning] == [
        ("L-01", "Repairs"), ("L-02", "Calls")]
    assert bob.records.item("learning", "L-01") is not None  # bob now holds what is on disk


def test_two_editors_changing_different_fields_of_one_entry_both_keep_theirs(landlord):
    alice = store(landlord)
    alice.add("learning", improvement())
    bob = store(landlord, "bob")
    assert alice.change("learning", "L-01", {"status": "in progress"}) == Saved(2)
    assert bob.change("learning", "L-01", {"owner": "Head of Repairs"}) == Saved(3)
    entry = load_records(path_of(landlord), LANDLORD, PERIOD).learning[0]
    assert (entry.status, entry.owner) == ("in progress", "Head of Repairs")


def test_two_editors_changing_the_same_field_is_a_conflict_and_nothing_is_lost(landlord):
    alice = store(landlord)
    alice.add("learning", improvement())
    bob = store(landlord, "bob")
    alice.change("learning", "L-01", {"status": "done"})
    result = bob.change("learning", "L-01", {"status": "in progress", "owner": "Repairs"})
    assert isinstance(result, Conflict)
    assert (result.section, result.item, result.field, result.yours, result.theirs, result.by) == (
        "learning", "L-01", "status", "in progress", "done", "alice")
    assert result.message.startswith("The status of improvement L-01 was changed by alice at ")
    assert "your change was not saved" in result.message
    entry = load_records(path_of(landlord), LANDLORD, PERIOD).learning[0]
    assert (entry.status, entry.owner) == ("done", None)  # all or nothing
    assert bob.records.learning[0].status == "done"  # bob now holds theirs
    assert bob.change("learning", "L-01", {"status": "in progress"}) == Saved(3)  # having seen it, bob may replace it


def test_a_change_leaving_a_field_as_the_user_saw_it_lets_theirs_stand(landlord):
    alice = store(landlord)
    alice.add("learning", improvement())
    bob = store(landlord, "bob")
    alice.change("learning", "L-01", {"status": "done"})
    # bob's form sends every field back, status as he saw it: only what he changed is saved
    assert bob.change("learning", "L-01", {"status": "planned", "owner": "Repairs"}) == Saved(3)
    entry = load_records(path_of(landlord), LANDLORD, PERIOD).learning[0]
    assert (entry.status, entry.owner) == ("done", "Repairs")


def test_expected_is_the_value_the_form_showed(landlord):
    alice = store(landlord)
    alice.add("learning", improvement())
    alice.change("learning", "L-01", {"status": "done"})
    # the store has seen "done", but the form still showed "planned": another editor's change it never saw
    result = alice.change("learning", "L-01", {"status": "in progress"}, expected={"status": "planned"})
    assert isinstance(result, Conflict) and result.theirs == "done"
    assert alice.change("learning", "L-01", {"status": "in progress"}, expected={"status": "done"}) == Saved(3)


def test_changing_an_entry_another_editor_removed_is_a_conflict(landlord):
    alice = store(landlord)
    alice.add("learning", improvement())
    bob = store(landlord, "bob")
    alice.remove("learning", "L-01")
    result = bob.change("learning", "L-01", {"status": "done"})
    assert isinstance(result, Conflict) and result.field is None and result.theirs is None
    assert result.message.startswith("Improvement L-01 was removed by alice")
    assert load_records(path_of(landlord), LANDLORD, PERIOD).learning == []


def test_removing_an_entry_another_editor_changed_is_a_conflict(landlord):
    alice = store(landlord)
    alice.add("ombudsman", determination(orders=[{"text": "Pay compensation", "due": "2024-12-12"}]))
    bob = store(landlord, "bob")
    alice.change("ombudsman", "O-01", {"orders": [{"text": "Pay compensation", "due": "2024-12-12",
                                                   "progress": "complied", "completed": "2024-12-01"}]})
    result = bob.remove("ombudsman", "O-01")
    assert isinstance(result, Conflict) and result.field is None and result.theirs["id"] == "O-01"
    assert "so it was not removed" in result.message
    assert [r.id for r in load_records(path_of(landlord), LANDLORD, PERIOD).ombudsman] == ["O-01"]
    assert bob.remove("ombudsman", "O-01") == Saved(3)  # having seen the change


def test_the_governing_body_response_set_by_two_editors_is_a_conflict(landlord):
    alice, bob = store(landlord), store(landlord, "bob")
    alice.set_governing_body(GOVERNING)
    result = bob.set_governing_body({**GOVERNING, "text": "The Board noted it."})
    assert isinstance(result, Conflict) and result.section is None and result.field == "governing_body"
    assert result.message.startswith("The governing body's response was changed by alice")
    assert load_records(path_of(landlord), LANDLORD, PERIOD).governing_body.text == GOVERNING["text"]
    assert bob.confirm_none("learning") == Saved(2)  # a different field: simply saved


def test_the_qualitative_analysis_is_set_and_cleared_with_history_and_conflicts(landlord):
    alice, bob = store(landlord), store(landlord, "bob")
    assert alice.set_qualitative_analysis("  Repairs complaints fell.\nDamp rose.  ") == Saved(1)
    assert load_records(path_of(landlord), LANDLORD, PERIOD).qualitative_analysis == "Repairs complaints fell.\nDamp rose."
    entry = alice.history()[-1]
    assert (entry["section"], entry["field"], entry["old"], entry["new"]) == (
        None, "qualitative_analysis", None, "Repairs complaints fell.\nDamp rose.")
    result = bob.set_qualitative_analysis("Bob's analysis.")  # bob saw none: alice's is kept
    assert isinstance(result, Conflict) and result.field == "qualitative_analysis"
    assert result.message.startswith("The qualitative analysis was changed by alice")
    assert result.sides == [("Repairs complaints fell.\nDamp rose.", "Bob's analysis.")]
    assert bob.set_qualitative_analysis("Bob's analysis.", expected=bob.records.qualitative_analysis) == Saved(2)
    assert alice.set_qualitative_analysis("   ", expected="Bob's analysis.") == Saved(3)  # blank clears
    assert load_records(path_of(landlord), LANDLORD, PERIOD).qualitative_analysis is None
    assert alice.set_qualitative_analysis(None) == Saved(3)  # nothing to clear: nothing saved
    with pytest.raises(AnnualRecordsError, match="The qualitative analysis: expected the qualitative analysis of "
                                                 "at most 20,000 characters; found 20,001; nothing was saved"):
        alice.set_qualitative_analysis("x" * 20_001)
    assert [e["revision"] for e in alice.history()] == [1, 2, 3]


def test_the_qualitative_analysis_is_added_to_a_file_edited_by_hand_keeping_its_comments(landlord):
    path = path_of(landlord)
    path.parent.mkdir(parents=True)
    path.write_text(HAND, encoding="utf-8")
    alice = store(landlord)
    alice.set_qualitative_analysis("First paragraph.\n\nSecond paragraph.")
    text = path.read_text(encoding="utf-8")
    assert "# from the Q1 review" in text and "qualitative_analysis: |-\n  First paragraph.\n\n  Second" in text
    assert load_records(path, LANDLORD, PERIOD).qualitative_analysis == "First paragraph.\n\nSecond paragraph."


def test_a_conflict_gives_both_sides_in_words(landlord):
    alice, bob = store(landlord), store(landlord, "bob")
    alice.add("learning", improvement(when="2024-09-01"))
    bob.reload()
    alice.change("learning", "L-01", {"when": "01/10/2024"})
    result = bob.change("learning", "L-01", {"when": "2024-11-01"})
    assert isinstance(result, Conflict) and result.sides == [("01/10/2024", "01/11/2024")]
    alice.change("learning", "L-01", {"case_references": ["CMP-1", "CMP-2"]})
    removed = bob.remove("learning", "L-01")  # bob saw it before alice's change: it stays
    assert isinstance(removed, Conflict)
    theirs, yours = removed.sides[0]
    assert theirs.startswith("theme: Repairs, residents said: We waited in., we did: Text reminders., when: "
                             "01/10/2024, status: planned, case references: CMP-1; CMP-2")
    assert yours == "(removed)"


def test_reload_takes_in_what_others_saved(landlord):
    alice, bob = store(landlord), store(landlord, "bob")
    assert bob.reload() is False
    alice.add("learning", improvement())
    assert bob.reload() is True and bob.records.learning[0].id == "L-01"
    assert bob.reload() is False


def _add_many(folder: str, user: str, count: int) -> None:
    writer = open_records_store(Path(folder), LANDLORD, PERIOD, user=user)
    for number in range(count):
        writer.add("learning", improvement(theme=f"{user} {number}"))


def test_writers_in_separate_processes_lose_nothing(landlord):
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_add_many, args=(str(landlord), user, 8)) for user in ("alice", "bob", "carol")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    records = load_records(path_of(landlord), LANDLORD, PERIOD)
    assert len(records.learning) == 24 and records.revision == 24
    assert sorted(i.id for i in records.learning) == [f"L-{n:02d}" for n in range(1, 25)]
    assert sorted(e["revision"] for e in store(landlord).history()) == list(range(1, 25))


# -- a file edited by hand ----------------------------------------------------------------------

HAND = """\
# Kept by the complaints team. Do not remove the learning log's comments.
landlord: riverbend-homes
period: 2024-25
learning:
  # from the Q1 review
  - id: L-01
    theme: Repairs   # the category in the housing system
    residents_said: 'We waited in.'
    we_did: Reminders
    when: 01/09/2024
    status: Done
  - id: L-02
    theme: Calls
    residents_said: Nobody called back.
    we_did: Call-backs
ombudsman: []
"""


def test_a_file_edited_by_hand_loads_and_keeps_what_people_wrote(landlord):
    path = path_of(landlord)
    path.parent.mkdir(parents=True)
    path.write_text(HAND, encoding="utf-8")
    alice = store(landlord)
    assert alice.records.revision == 0 and alice.records.learning[0].status == "done"
    assert alice.change("learning", "L-02", {"owner": "Customer Services"}) == Saved(1)
    text = path.read_text(encoding="utf-8")
    for kept in ("# Kept by the complaints team.", "  # from the Q1 review\n", "theme: Repairs   # the category",
                 "residents_said: 'We waited in.'", "when: 01/09/2024", "status: Done"):
        assert kept in text  # an entry not changed stays as written
    assert "    we_did: Call-backs\n    owner: Customer Services\n" in text
    assert text.index("period: 2024-25\nrevision: 1\n") > 0  # the revision goes beside the period
    alice.add("ombudsman", determination())  # an empty flow list becomes a block list
    text = path.read_text(encoding="utf-8")
    assert "ombudsman:\n  - id: O-01\n" in text and "# from the Q1 review" in text
    alice.remove("learning", "L-01")
    text = path.read_text(encoding="utf-8")
    assert "L-01" not in text and "# Kept by the complaints team." in text
    alice.set_member_responsible({"name": "B. Member", "role": "Board member"})  # a field the file lacked: at the end
    assert path.read_text(encoding="utf-8").endswith("member_responsible:\n  name: B. Member\n  role: Board member\n")
    assert load_records(path, LANDLORD, PERIOD) == alice.records


def test_a_damaged_file_is_never_written_over(landlord):
    path = path_of(landlord)
    path.parent.mkdir(parents=True)
    alice = store(landlord)
    alice.add("learning", improvement())
    damaged = path.read_text(encoding="utf-8") + "period: 2024-25\n"  # a duplicate key
    path.write_text(damaged, encoding="utf-8")
    with pytest.raises(AnnualRecordsError, match="appears twice"):
        alice.change("learning", "L-01", {"status": "done"})
    assert path.read_text(encoding="utf-8") == damaged
    assert len(alice.history()) == 1


# -- links and killed writers -------------------------------------------------------------------

def test_symbolic_links_are_refused(landlord, tmp_path):
    target = tmp_path / "elsewhere.yaml"
    target.write_text(f"landlord: {LANDLORD}\nperiod: {PERIOD}\n", encoding="utf-8")
    path_of(landlord).parent.mkdir(parents=True)
    path_of(landlord).symlink_to(target)
    with pytest.raises(AnnualRecordsError, match="found a symbolic link"):
        store(landlord)
    with pytest.raises(AnnualRecordsError, match="found a symbolic link"):
        RecordsStore(path_of(landlord), LANDLORD, PERIOD)
    path_of(landlord).unlink()
    lock = path_of(landlord).with_name(f"{PERIOD}.yaml.lock")
    lock.symlink_to(tmp_path / "lock-elsewhere")
    with pytest.raises(AnnualRecordsError, match="found a symbolic link"):
        RecordsStore(path_of(landlord), LANDLORD, PERIOD)
    assert not (tmp_path / "lock-elsewhere").exists()


def without_blocking(call, fifo: Path) -> BaseException | None:
    """What ``call`` raised (``None``: nothing); fails the test, rather than hanging, if it blocks."""
    import threading

    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as exc:  # handed to the test's thread
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # unblock it (a reader or a writer of the pipe) so the run does not hang
        os.close(os.open(fifo, os.O_RDWR | os.O_NONBLOCK))
        worker.join(timeout=10)
        pytest.fail(f"blocked on the named pipe {fifo.name}")
    return outcome[0]


@pytest.mark.parametrize("name", [f"{PERIOD}.yaml", f"{PERIOD}.yaml.lock", f"{PERIOD}.history.jsonl"])
def test_a_named_pipe_at_the_records_its_lock_or_its_history_is_refused_without_blocking(landlord, name):
    path_of(landlord).parent.mkdir(parents=True)
    fifo = path_of(landlord).with_name(name)
    os.mkfifo(fifo)
    error = without_blocking(lambda: store(landlord), fifo)
    assert isinstance(error, AnnualRecordsError) and error.path == fifo
    assert "expected an ordinary annual records file, found a named pipe (FIFO)" in error.message


def test_a_named_pipe_put_in_place_after_opening_is_refused_when_saving(landlord):
    alice = store(landlord)
    alice.add("learning", improvement())
    history = path_of(landlord).with_name(f"{PERIOD}.history.jsonl")
    history.unlink()
    os.mkfifo(history)
    for call in (lambda: alice.change("learning", "L-01", {"status": "done"}), alice.history, alice.reload):
        error = without_blocking(call, history)
        assert isinstance(error, AnnualRecordsError) and "found a named pipe" in error.message
    assert "status: planned" in path_of(landlord).read_text(encoding="utf-8")


def test_a_link_put_in_place_after_opening_is_refused_when_saving(landlord, tmp_path):
    alice = store(landlord)
    alice.add("learning", improvement())
    history = path_of(landlord).with_name(f"{PERIOD}.history.jsonl")
    history.rename(tmp_path / "moved.jsonl")
    history.symlink_to(tmp_path / "moved.jsonl")
    with pytest.raises(AnnualRecordsError, match="found a symbolic link"):
        alice.change("learning", "L-01", {"status": "done"})
    assert "status: planned" in path_of(landlord).read_text(encoding="utf-8")


def test_a_killed_writers_commit_is_finished_once(landlord):
    alice = store(landlord)
    alice.add("learning", improvement())
    # a writer killed after replacing the file, before appending its history line
    path, lock = path_of(landlord), path_of(landlord).with_name(f"{PERIOD}.yaml.lock")
    path.write_text(path.read_text(encoding="utf-8").replace("revision: 1", "revision: 2")
                    .replace("status: planned", "status: done"), encoding="utf-8")
    line = History.lines([{"section": "learning", "item": "L-01", "field": "status", "old": "planned",
                           "new": "done"}], user="bob", revision=2)
    lock.write_text(f"2\n{line}", encoding="utf-8")
    bob = store(landlord, "bob")
    entries = bob.history()
    assert [e["revision"] for e in entries] == [1, 2] and entries[1]["user"] == "bob"
    assert lock.read_text(encoding="utf-8").split("\n", 1)[0] == "2"
    store(landlord)  # opening again appends nothing more
    assert len(bob.history()) == 2


def test_a_killed_writers_commit_that_never_replaced_the_file_is_dropped(landlord):
    alice = store(landlord)
    alice.add("learning", improvement())
    lock = path_of(landlord).with_name(f"{PERIOD}.yaml.lock")
    line = History.lines([{"section": "learning", "item": "L-01", "field": "status", "old": "planned",
                           "new": "done"}], user="bob", revision=2)
    lock.write_text(f"2\n{line}", encoding="utf-8")
    leftover = path_of(landlord).with_name(f".{PERIOD}.yaml.abc123.tmp")
    leftover.write_text("half a file", encoding="utf-8")
    assert alice.change("learning", "L-01", {"owner": "Repairs"}) == Saved(2)
    assert [(e["revision"], e.get("field")) for e in alice.history()] == [(1, None), (2, "owner")]
    assert not leftover.exists()


def test_a_damaged_lock_file_is_an_error_naming_it(landlord):
    alice = store(landlord)
    alice.add("learning", improvement())
    lock = path_of(landlord).with_name(f"{PERIOD}.yaml.lock")
    lock.write_text("two\nnot json\n", encoding="utf-8")
    with pytest.raises(AnnualRecordsError, match="the lock file is damaged") as caught:
        alice.change("learning", "L-01", {"status": "done"})
    assert caught.value.path == lock


def test_a_read_only_folder_can_still_be_read(landlord):
    alice = store(landlord)
    alice.add("learning", improvement())
    folder = path_of(landlord).parent
    os.chmod(folder, 0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        reader = store(landlord, "bob")
        assert reader.records.learning[0].id == "L-01"
        assert reader.reload() is False
    finally:
        os.chmod(folder, 0o755)


def test_the_history_is_json_lines(landlord):
    alice = store(landlord)
    alice.add("learning", improvement(residents_said="Nous avons attendu \u2014 deux fois."))
    lines = path_of(landlord).with_name(f"{PERIOD}.history.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["new"]["residents_said"] == "Nous avons attendu \u2014 deux fois."
    assert records_file(landlord, PERIOD) == alice.path
