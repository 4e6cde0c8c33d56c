"""Carry forward across Code versions (issue 13): last year's answers under the 2022 (or 2020)
Code go through the crosswalk to this year's provisions as unconfirmed drafts, each with the
note of what changed.

Every expected value is worked by hand from ``audit_lib/code/data/crosswalk_2022_2024.yaml`` and
``crosswalk_2020_2022.yaml``: 2022 1.2 -> 2024 1.2 (reworded); 2022 5.1 -> 2024 6.3 and 6.4
(split), and 2022 5.2 -> 6.4 (weakened); 2022 4.6, 4.7, 4.12 -> 2024 5.8 (merged; 2022 3.2 is
split over 4.3 and 5.8); 2022 2.2 removed; 14 provisions new in 2024, 6.11 among them.
2020 1.1 -> 2022 1.2 (strengthened); 2020 1.2 -> 2022 1.7 and 1.8 (split), 2020 1.3 -> 1.8
(merged); 2020 4.7 (a figure) and 4.8 -> 2022 5.1 and 5.13 (split); 2020 3.4 removed; 34
provisions new in 2022.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ipywidgets as w
import pytest

from audit_lib.assessment.answers import CarriedFrom, Status
from audit_lib.assessment.answers_file import load_assessment
from audit_lib.assessment.carry_forward import least_compliant, new_provisions
from audit_lib.assessment.store import AnswerStore, Saved, open_store
from audit_lib.code.catalogue import load_catalogue
from audit_lib.code.crosswalk import load_crosswalk
from audit_lib.errors import SignOffError
from audit_lib.workbook import open_workbook
from audit_lib.workbook.history_panel import describe_entry
from tests.conftest import write

LANDLORD = "riverbend-homes"
NOTE_1_2 = "Same definition; 'organisation' becomes 'landlord' and 'individual resident' becomes 'resident'."
NOTE_5_1 = ("10 working days now counted from acknowledgement, not logging (6.3); extension of at most 10 working "
            "days moves to 6.4.")
NOTE_5_2 = ("Extensions no longer need the resident's agreement: the landlord decides, informs the resident and "
            "explains reasons beyond 10 working days.")
NOTE_4_6 = "Merged with 4.7 and 4.12; impartiality now spelt out as 5.8's duties at each stage."
NOTE_4_7 = "Merged with 4.6 and 4.12; same duties, now at each stage; keeping the complaint confidential is dropped."
NOTE_4_12 = ("Merged with 4.6 and 4.7; resident's fair chance kept (5.8b); staff subject's chance and commenting on "
             "adverse findings dropped.")

ANSWERS_2022 = """\
landlord: riverbend-homes
period: "2023-24"
code: "2022"
signoff:
  prepared: {name: Priya Shah, role: Complaints Manager, date: 2024-05-10}
  reviewed: {name: Rob Reviewer, role: Head of Governance, date: 2024-05-20}
  approved: {name: Board Chair, role: Chair of the Board, date: 2024-06-01}
answers:
  "2022:1.2":
    status: "Yes"
    evidence:
      - {description: Complaints Policy v2 section 2, reference: POL-2}
    commentary: The policy uses the Code's definition.
  "2022:2.2":
    status: "Yes"
    commentary: Social media complaints are logged.
    actions:
      - {text: Add social media to the policy, owner: Head of Comms, due: 2024-09-30}
  "2022:4.6":
    status: "Yes"
    evidence:
      - {description: Investigation guide, reference: GUIDE-1}
    commentary: Investigations are impartial.
  "2022:4.7":
    status: "No"
    evidence:
      - {description: Investigation guide, reference: GUIDE-1}
      - {description: Conflict of interest log}
    commentary: No conflict of interest check yet.
    actions:
      - {text: Add a conflict of interest check, owner: Complaints Manager, due: 2024-09-30}
  "2022:4.12":
    status: "N/A"
  "2022:5.1":
    status: "Partial"
    evidence:
      - {description: Stage 1 response report, reference: RPT-7}
    commentary: 84% of stage 1 responses on time.
    actions:
      - {text: Weekly report of responses due, owner: Head of Customer Experience, due: 2024-12-31}
      - {text: Train officers on the 10-day limit, owner: Head of Customer Experience, done: true}
"""


def _write_2022(folder: Path, text: str = ANSWERS_2022) -> Path:
    return write(folder / LANDLORD / "answers" / "2023-24.yaml", text)


def _stores(folder: Path, older: str = "2022", newer: str = "2024") -> tuple[AnswerStore, AnswerStore]:
    previous = open_store(folder / LANDLORD, load_catalogue(older), LANDLORD, "2023-24", "pat")
    current = open_store(folder / LANDLORD, load_catalogue(newer), LANDLORD, "2024-25", "alice")
    return previous, current


def test_2022_answers_are_carried_to_2024_through_the_crosswalk_as_unconfirmed_drafts(tmp_path):
    _write_2022(tmp_path)
    previous, current = _stores(tmp_path)
    assert isinstance(current.carry_forward(previous), Saved)
    drafts = current.assessment
    assert drafts.code == "2024" and drafts.carried_from == "2023-24"
    # 1.2, 5.8 (from 4.6, 4.7, 4.12), 6.3 and 6.4 (from 5.1); 2.2 was removed; 6.11 is new
    assert sorted(drafts.answers) == ["2024:1.2", "2024:5.8", "2024:6.3", "2024:6.4"]
    assert all(not a.confirmed and a.updated_by == "alice" for a in drafts.answers.values())

    reworded = drafts.answer("2024:1.2")
    assert reworded.status is Status.YES
    assert reworded.carried == [CarriedFrom(provision="2022:1.2", kind="reworded", note=NOTE_1_2)]
    assert reworded.commentary == "The policy uses the Code's definition."  # one source: unlabelled
    assert [(e.description, e.reference) for e in reworded.evidence] == [("Complaints Policy v2 section 2", "POL-2")]

    for part in ("2024:6.3", "2024:6.4"):  # each part of the split is a draft of its own
        draft = drafts.answer(part)
        assert draft.status is Status.PARTIAL
        assert draft.carried == [CarriedFrom(provision="2022:5.1", kind="split", note=NOTE_5_1)]
        # the open action goes with the first part only (one copy to tick off); the done one stays behind
        expected = ["Weekly report of responses due"] if part == "2024:6.3" else []
        assert [a.text for a in draft.actions] == expected
        assert draft.commentary == "84% of stage 1 responses on time."

    merged = drafts.answer("2024:5.8")
    assert merged.status is Status.NO  # the least compliant of Yes, No and N/A
    assert merged.carried == [CarriedFrom(provision="2022:4.6", kind="merged", note=NOTE_4_6),
                              CarriedFrom(provision="2022:4.7", kind="merged", note=NOTE_4_7),
                              CarriedFrom(provision="2022:4.12", kind="merged", note=NOTE_4_12)]
    assert merged.commentary == ("2022 4.6: Investigations are impartial.\n\n"
                                 "2022 4.7: No conflict of interest check yet.")  # 4.12 has none
    assert [e.description for e in merged.evidence] == ["Investigation guide", "Conflict of interest log"]
    assert [(a.text, a.due) for a in merged.actions] == [("Add a conflict of interest check", dt.date(2024, 9, 30))]

    assert "2024:6.11" not in drafts.answers and "2024:2.2" not in drafts.answers  # new, and 2022 2.2's successor
    # an approved previous assessment's sign-off never comes across
    assert previous.assessment.signoff.approved is not None
    assert drafts.signoff.prepared is None and drafts.signoff.approved is None and not drafts.signoff_history

    entry = current.history()[-1]
    assert {k: entry[k] for k in ("carried_from", "from_code", "to_code", "answers", "not_carried")} == {
        "carried_from": "2023-24", "from_code": "2022", "to_code": "2024", "answers": 4,
        "not_carried": {"2022:2.2": "removed"}}
    assert entry["open_actions_not_carried"] == {"2022:2.2": 1}
    assert len(entry["new_provisions"]) == 14 and "2024:6.11" in entry["new_provisions"]
    assert describe_entry(entry) == (
        "Started from 2023-24's answers under the 2022 Code: 4 answers carried through the crosswalk to the 2024 "
        "Code, each unconfirmed; 14 provisions new in 2024 start blank; 1 answer not carried (requirement "
        "removed): 2022 2.2; open actions left with them, to close or move by hand: 2022 2.2 (1)")


def test_a_split_part_reached_from_two_older_provisions_takes_both(tmp_path):
    """2024 6.4 is part of 2022 5.1 (split) and all of 5.2 (weakened): Partial and Yes give Partial."""
    _write_2022(tmp_path, ANSWERS_2022 + '  "2022:5.2":\n    status: "Yes"\n    commentary: Agreed with the resident.\n'
                                         "    evidence:\n      - {description: Stage 1 response report, reference: RPT-7}\n")
    previous, current = _stores(tmp_path)
    current.carry_forward(previous)
    part = current.answer("2024:6.4")
    assert part.status is Status.PARTIAL
    assert part.carried == [CarriedFrom(provision="2022:5.1", kind="split", note=NOTE_5_1),
                            CarriedFrom(provision="2022:5.2", kind="weakened", note=NOTE_5_2)]
    assert part.commentary == "2022 5.1: 84% of stage 1 responses on time.\n\n2022 5.2: Agreed with the resident."
    assert [(e.description, e.reference) for e in part.evidence] == [("Stage 1 response report", "RPT-7")]
    assert current.answer("2024:6.3").carried == [CarriedFrom(provision="2022:5.1", kind="split", note=NOTE_5_1)]


def test_least_compliant_status():
    assert least_compliant([Status.YES, Status.PARTIAL, Status.NA]) is Status.PARTIAL
    assert least_compliant([Status.NA, Status.YES]) is Status.YES  # N/A only when every one is N/A
    assert least_compliant([Status.NA, Status.NA]) is Status.NA
    assert least_compliant([None, Status.NO, Status.YES]) is Status.NO
    assert least_compliant([None]) is None


def test_2020_answers_are_carried_to_2022(tmp_path):
    write(tmp_path / LANDLORD / "answers" / "2023-24.yaml", """\
landlord: riverbend-homes
period: "2023-24"
code: "2020"
answers:
  "2020:1.1": {status: "Yes", commentary: Definition adopted.}
  "2020:1.2": {status: "Partial", commentary: Exclusions listed.}
  "2020:1.3": {status: "No"}
  "2020:3.4": {status: "Yes"}
  "2020:4.7": {value: "92%", commentary: From the case log.}
  "2020:4.8": {status: "Yes"}
""")
    previous, current = _stores(tmp_path, "2020", "2022")
    current.carry_forward(previous)
    drafts = current.assessment
    assert sorted(drafts.answers, key=lambda i: [int(p) for p in i[5:].split(".")]) == [
        "2022:1.2", "2022:1.7", "2022:1.8", "2022:5.1", "2022:5.13"]
    assert drafts.answer("2022:1.2").status is Status.YES
    assert [(c.provision, c.kind) for c in drafts.answer("2022:1.2").carried] == [("2020:1.1", "strengthened")]
    assert drafts.answer("2022:1.7").status is Status.PARTIAL
    eight = drafts.answer("2022:1.8")
    assert eight.status is Status.NO and [(c.provision, c.kind) for c in eight.carried] == [
        ("2020:1.2", "split"), ("2020:1.3", "merged")]
    assert eight.commentary == "2020 1.2: Exclusions listed."
    for number in ("5.1", "5.13"):  # a figure is carried in the commentary, labelled with its question
        draft = drafts.answer(f"2022:{number}")
        assert draft.status is Status.YES and draft.value is None and not draft.confirmed
        assert draft.commentary == "2020 4.7: answered “92%”; From the case log."
        assert [(c.provision, c.kind) for c in draft.carried] == [("2020:4.7", "split"), ("2020:4.8", "split")]
    entry = current.history()[-1]
    assert entry["not_carried"] == {"2020:3.4": "removed"} and len(entry["new_provisions"]) == 34
    assert entry["new_provisions"] == sorted(new_provisions(load_crosswalk("2020", "2022")),
                                             key=lambda i: [int(p) for p in i[5:].split(".")])


def test_the_drafts_round_trip_through_the_answers_file_and_confirming_keeps_the_note(tmp_path):
    _write_2022(tmp_path)
    previous, current = _stores(tmp_path)
    current.carry_forward(previous)
    code = load_catalogue("2024")
    text = current.path.read_text()
    assert "carried:" in text and "provision: 2022:5.1" in text.replace('"', "").replace("'", "")
    on_disk = load_assessment(current.path, code, LANDLORD, "2024-25")
    assert on_disk.answers == current.assessment.answers and on_disk.carried_from == "2023-24"

    current.confirm(["2024:6.3"])
    on_disk = load_assessment(current.path, code, LANDLORD, "2024-25")
    assert on_disk.answer("2024:6.3").confirmed
    assert on_disk.answer("2024:6.3").carried == [CarriedFrom(provision="2022:5.1", kind="split", note=NOTE_5_1)]
    assert not on_disk.answer("2024:6.4").confirmed

    current.change("2024:1.2", "commentary", "Checked against the 2024 wording.")  # a change confirms it too
    on_disk = load_assessment(current.path, code, LANDLORD, "2024-25")
    assert on_disk.answer("2024:1.2").confirmed and on_disk.answer("2024:1.2").carried[0].kind == "reworded"
    # another editor opening the file reads the same drafts
    assert open_store(tmp_path / LANDLORD, code, LANDLORD, "2024-25", "bob").assessment.answers == on_disk.answers


def test_a_second_carry_into_answers_is_refused(tmp_path):
    _write_2022(tmp_path)
    previous, current = _stores(tmp_path)
    current.carry_forward(previous)
    before = current.path.read_bytes()
    with pytest.raises(SignOffError, match="carry forward only starts an empty assessment"):
        current.carry_forward(previous)
    assert current.path.read_bytes() == before


def test_carrying_across_more_than_one_version_or_back_is_refused_clearly(tmp_path):
    write(tmp_path / LANDLORD / "answers" / "2023-24.yaml",
          'landlord: riverbend-homes\nperiod: "2023-24"\ncode: "2020"\nanswers:\n  "2020:1.1": {status: "Yes"}\n')
    previous, current = _stores(tmp_path, "2020", "2024")
    with pytest.raises(SignOffError, match=r"from one version of the Code to the next \(2020 to 2022, 2022 to 2024\); "
                                           r"last period's answers are under the 2020 Code and this period's under "
                                           r"the 2024 Code, so they cannot be carried"):
        current.carry_forward(previous)
    assert not current.path.exists() and not current.assessment.answers

    write(tmp_path / LANDLORD / "answers" / "2023-24.yaml",
          'landlord: riverbend-homes\nperiod: "2023-24"\ncode: "2024"\nanswers:\n  "2024:1.2": {status: "Yes"}\n')
    previous, current = _stores(tmp_path, "2024", "2022")
    with pytest.raises(SignOffError, match="under the 2024 Code, newer than this period's 2022 Code"):
        current.carry_forward(previous)
    assert not current.path.exists()


def test_the_workbook_offers_last_years_answers_under_the_2022_code(demo_inputs, monkeypatch):
    """2023-24 is under the 2022 Code by default: the button names it, the click carries through the
    crosswalk and the message says what came across."""
    monkeypatch.setenv("CHC_AUDIT_USER", "auditor.one")
    answers = demo_inputs / LANDLORD / "answers"
    for leftover in answers.glob("2024-25*"):
        leftover.unlink()
    _write_2022(demo_inputs)
    wb = open_workbook(LANDLORD, "2024-25", demo_inputs, interactive=True)
    previous = wb.live.previous_store()
    assert previous is not None and previous.catalogue.code == "2022"
    controls = wb.cover().children[1]
    button = next(c for c in controls.children if isinstance(c, w.Button) and "answers" in c.description)
    assert button.description == "Start from 2023-24's answers (2022 Code)"
    button.click()
    message = wb.live.carry_message.value
    assert message == (
        "Started from 2023-24's answers under the 2022 Code: 4 answers were carried through the crosswalk to the "
        "2024 Code; 14 provisions are new in the 2024 Code and start blank; 1 answer was not carried (requirement "
        "removed; the history lists them). Every answer is unconfirmed until you confirm or change it; the note of "
        "what changed is shown beside each draft.")
    stored = load_assessment(answers / "2024-25.yaml", load_catalogue("2024"), LANDLORD, "2024-25")
    assert stored.answer("2024:5.8").status is Status.NO and stored.answer("2024:5.8").carried
    assert button.disabled


def test_same_version_carry_forward_is_unchanged(demo_inputs):
    """Within one version nothing goes through a crosswalk: the same answers, no ``carried`` note."""
    folder = demo_inputs / "moorside-almshouses"
    code = load_catalogue("2024")
    previous = open_store(folder, code, "moorside-almshouses", "2024-25", "pat")
    current = open_store(folder, code, "moorside-almshouses", "2025-26", "alice")
    current.carry_forward(previous)
    assert set(current.assessment.answers) == set(previous.assessment.answers)
    assert all(not a.carried and not a.confirmed for a in current.assessment.answers.values())
    assert [a.status for a in current.assessment.answers.values()] == \
        [previous.assessment.answers[p].status for p in current.assessment.answers]
    entry = current.history()[-1]
    assert set(entry) == {"at", "user", "revision", "carried_from", "answers"}
    assert describe_entry(entry).endswith("answers, each unconfirmed until confirmed or changed)")


def test_last_years_answers_that_cannot_be_read_are_said_beside_the_controls(demo_inputs):
    """A damaged 2023-24 file stops only the carry forward: the cover says why, the rest stands."""
    answers = demo_inputs / LANDLORD / "answers"
    for leftover in answers.glob("2024-25*"):
        leftover.unlink()
    _write_2022(demo_inputs, ANSWERS_2022.replace('code: "2022"', 'code: "2024"'))
    wb = open_workbook(LANDLORD, "2024-25", demo_inputs, interactive=True)
    controls = wb.cover().children[1]
    assert not any(isinstance(c, w.Button) and "answers" in c.description for c in controls.children)
    message = wb.live.carry_message.value
    assert "Last period" in message and "cannot be carried forward" in message
    assert "2022 Code" in message  # what is wrong with it, in words (the Code 2023-24 is under)


def test_a_figure_answer_is_carried_within_the_2020_code():
    from audit_lib.assessment.answers import Answer, Assessment
    from audit_lib.assessment.carry_forward import carried_forward

    previous = Assessment(landlord=LANDLORD, period="2020-21", code="2020",
                          answers={"2020:4.5": Answer(value="82%", commentary="From the complaints log.")})
    current = Assessment(landlord=LANDLORD, period="2021-22", code="2020")
    draft, _ = carried_forward(current, previous, "auditor")
    carried = draft.answers["2020:4.5"]
    assert (carried.value, carried.status, carried.confirmed) == ("82%", None, False)
