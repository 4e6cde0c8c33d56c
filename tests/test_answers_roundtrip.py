"""A save changes only the lines it must (issue 10, item 3) and findings on actions (item 18).

The auditor's file keeps its comments, blank lines, key order, quoting, layout, mode and group;
the diff of one change is that change (with the revision and who made it and when).
"""

from __future__ import annotations

import datetime as dt
import difflib
import grp
import os
import stat
import subprocess

import pytest

from audit_lib.assessment.answers import Action, Answer
from audit_lib.assessment.answers_file import load_assessment, save_assessment
from audit_lib.assessment.checks import answer_flags
from audit_lib.assessment.store import AnswerStore
from audit_lib.code.catalogue import load_catalogue

from .conftest import write

CODE = load_catalogue()

HAND_WRITTEN = """\
# Calder Vale - self-assessment 2024-25.  Written by hand; please keep the comments.
landlord: l
period: '2024-25'      # quoted with single quotes on purpose
code: "2024"
signoff:
  prepared: {name: Ann Reid, role: Complaints Lead, date: 2025-05-01}
  reviewed: null
answers:

  # --- Section 1 ---

  "2024:1.2":
    status: "Yes"   # confirmed at the March board
    evidence:
      - description: Complaints policy v4, section 3.1, which uses the Code's definition word for word
          and is linked from the website
        reference: POL-1
    commentary: >-
      The policy uses the Code definition word for word.
      Checked again in April.

  "2024:1.3":
    status: 'Partial'
    commentary: Third parties not yet covered.
    actions:
      - text: Add a section on representatives
        owner: Ann Reid
        due: 2025-09-30
        done: false

  # --- Section 6 ---

  "2024:6.2":
    status: No
    commentary: |
      Acknowledgements are late in one case in five.
      # not a comment: part of the commentary
    actions:
      - {text: Daily report of unacknowledged complaints, owner: CX Manager, due: 2025-07-31}
"""


def _diff(before: str, after: str) -> list[str]:
    """The changed lines of a unified diff (without the headers)."""
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def _stamp_lines(changed: list[str]) -> list[str]:
    """Drop the lines every commit writes: the revision, who and when."""
    return [line for line in changed
            if not line[1:].strip().startswith(("revision:", "updated_by:", "updated_at:"))]


@pytest.fixture
def hand_written(tmp_path):
    return write(tmp_path / "2024-25.yaml", HAND_WRITTEN)


def test_one_change_is_one_change_in_the_file(hand_written):
    store = AnswerStore(hand_written, CODE, "l", "2024-25", user="bob")
    store.change("2024:1.3", "status", "Yes")
    after = hand_written.read_text()
    assert _stamp_lines(_diff(HAND_WRITTEN, after)) == ["-    status: 'Partial'", "+    status: 'Yes'"]
    changed = _diff(HAND_WRITTEN, after)
    assert "+revision: 1" in changed
    assert "+    updated_by: bob" in changed
    assert len(changed) == 5  # the status line out and in, the revision, who and when
    assert load_assessment(hand_written, CODE, "l", "2024-25") == store.assessment


def test_git_diff_of_one_change(hand_written, tmp_path):
    original = write(tmp_path / "original.yaml", HAND_WRITTEN)
    AnswerStore(hand_written, CODE, "l", "2024-25", user="bob").change("2024:1.2", "status", "No")
    diff = subprocess.run(["git", "diff", "--no-index", "--unified=0", str(original), str(hand_written)],
                          capture_output=True, text=True, check=False).stdout
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert _stamp_lines(changed) == ['-    status: "Yes"   # confirmed at the March board',
                                     '+    status: "No"   # confirmed at the March board']


def test_comments_quoting_and_layout_survive_many_changes(hand_written):
    store = AnswerStore(hand_written, CODE, "l", "2024-25", user="bob")
    store.change("2024:6.2", "commentary", "Late in one case in ten now.\nRe-checked in June.")
    store.change("2024:6.2", "status", "Partial")
    store.change("2024:1.2", "evidence", [{"description": "Policy v5", "reference": "POL-2"}])
    store.change("2024:4.1", "status", "N/A")  # a provision not yet in the file
    store.sign_off("reviewed", "Carl Dunn", dt.date(2025, 6, 1))
    after = hand_written.read_text()
    for kept in ("# Calder Vale - self-assessment 2024-25.  Written by hand; please keep the comments.",
                 "period: '2024-25'      # quoted with single quotes on purpose", "  # --- Section 1 ---",
                 "  # --- Section 6 ---", "    status: \"Yes\"   # confirmed at the March board",
                 "  prepared: {name: Ann Reid, role: Complaints Lead, date: 2025-05-01}",
                 "    commentary: >-\n      The policy uses the Code definition word for word.\n      Checked again in April.",
                 "      - {text: Daily report of unacknowledged complaints, owner: CX Manager, due: 2025-07-31}"):
        assert kept in after
    assert "  reviewed: {name: Carl Dunn, role: null, date: 2025-06-01}\n" in after
    assert "# not a comment" not in after  # the old commentary was replaced whole, not left half
    assert after.index('"2024:1.3"') < after.index('"2024:4.1"') < after.index('"2024:6.2"')
    reread = AnswerStore(hand_written, CODE, "l", "2024-25", user="eve")
    assert reread.assessment == store.assessment
    assert reread.assessment.revision == 5
    assert len(reread.history()) == 5


def test_another_editors_save_is_read_again_before_the_next_splice(hand_written):
    alice = AnswerStore(hand_written, CODE, "l", "2024-25", user="alice")
    bob = AnswerStore(hand_written, CODE, "l", "2024-25", user="bob")
    alice.change("2024:1.2", "commentary", "Alice's view, written on several lines.\nSecond line.\nThird.")
    bob.change("2024:1.3", "commentary", "Bob's view.")
    alice.change("2024:6.2", "status", "Yes")
    final = load_assessment(hand_written, CODE, "l", "2024-25")
    assert final.answer("2024:1.2").commentary.startswith("Alice's view")
    assert final.answer("2024:1.3").commentary == "Bob's view."
    assert final.answer("2024:6.2").status.value == "Yes"
    assert "  # --- Section 6 ---" in hand_written.read_text()


def test_save_assessment_without_a_store_also_changes_only_what_changed(hand_written):
    assessment = load_assessment(hand_written, CODE, "l", "2024-25")
    assessment.answers["2024:1.3"] = assessment.answer("2024:1.3").model_copy(update={"commentary": "Covered now."})
    save_assessment(hand_written, assessment)
    assert _diff(HAND_WRITTEN, hand_written.read_text()) == ["-    commentary: Third parties not yet covered.",
                                                             "+    commentary: Covered now."]


def test_a_save_keeps_the_files_mode_and_group(hand_written):
    os.chmod(hand_written, 0o644)
    other_groups = [g.gr_gid for g in grp.getgrall() if g.gr_gid != os.getegid()]
    group = os.stat(hand_written).st_gid
    if os.geteuid() == 0 and other_groups:  # only root can give a file a group it is not in
        group = other_groups[0]
        os.chown(hand_written, -1, group)
    AnswerStore(hand_written, CODE, "l", "2024-25", user="bob").change("2024:1.3", "status", "Yes")
    st = os.stat(hand_written)
    assert stat.S_IMODE(st.st_mode) == 0o644
    assert st.st_gid == group


def test_a_flow_style_file_is_saved_by_the_round_trip_library(tmp_path):
    text = '# one line\n{landlord: l, period: "2024-25", answers: {"2024:1.2": {status: "Yes"}}}\n'
    path = write(tmp_path / "2024-25.yaml", text)
    AnswerStore(path, CODE, "l", "2024-25", user="bob").change("2024:1.2", "status", "No")
    assert path.read_text().startswith("# one line\n")
    assert load_assessment(path, CODE, "l", "2024-25").answer("2024:1.2").status.value == "No"


# -- item 18: actions --------------------------------------------------------------------------


def test_an_open_action_with_no_owner_is_flagged():
    answer = Answer(status="No", commentary="why", actions=[Action(text="fix", due=dt.date(2025, 9, 1))])
    assert [f.code for f in answer_flags(answer)] == ["action-without-owner"]
    blank = Answer(status="No", commentary="why", actions=[Action(text="fix", owner="  ", due=dt.date(2025, 9, 1))])
    assert [f.code for f in answer_flags(blank)] == ["action-without-owner"]
    done = Answer(status="No", commentary="why", actions=[Action(text="fix", due=dt.date(2025, 9, 1), done=True)])
    assert answer_flags(done) == []
