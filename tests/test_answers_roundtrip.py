"""A save changes only the lines it must (issue 10, item 3) and findings on actions (item 18).

The auditor's file keeps its comments, blank lines, key order, quoting, layout, line endings,
mode and group; the diff of one change is that change (with the revision and who made it and
when). Whatever text is saved reads back unchanged, and text that would not is never written.
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
from audit_lib.errors import AnswerStoreError

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
    assert "  reviewed: {name: Carl Dunn, date: 2025-06-01, user: bob}\n" in after
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
    before_due = dt.date(2025, 6, 30)
    assert [f.code for f in answer_flags(answer, before_due)] == ["action-without-owner"]
    blank = Answer(status="No", commentary="why", actions=[Action(text="fix", owner="  ", due=dt.date(2025, 9, 1))])
    assert [f.code for f in answer_flags(blank, before_due)] == ["action-without-owner"]
    done = Answer(status="No", commentary="why", actions=[Action(text="fix", due=dt.date(2025, 9, 1), done=True)])
    assert answer_flags(done, before_due) == []


# -- a save never writes text it has not read back (review of issue 10, items 1 to 3) -----------

QUOTED = """\
landlord: l
period: "2024-25"
code: "2024"
answers:
  "2024:1.2":
    status: "Yes"
    commentary: "Checked in March."
    evidence:
      - description: 'Policy v4'
        reference: POL-1
  "2024:1.3":
    status: No
    commentary: Third parties not yet covered.

  # --- Section 6 ---

  "2024:6.2":
    status: "No"
    commentary: |
      Late in one case in five.
      Checked again in April.
"""


def _reopened(path):
    return AnswerStore(path, CODE, "l", "2024-25", user="eve")


def test_a_commentary_ending_in_a_blank_line_keeps_the_file_readable(hand_written):
    store = AnswerStore(hand_written, CODE, "l", "2024-25", user="bob")
    for value in ("Line one\nLine two\n\n", "Line one\n\n\n", "\n", "Line one\nLine two\n"):
        store.change("2024:1.3", "commentary", value)
        after = hand_written.read_text()
        assert "\n...\n" not in after
        assert _reopened(hand_written).answer("2024:1.3").commentary == value
    assert "  # --- Section 6 ---" in after and "# Calder Vale" in after  # still edited, not rewritten


@pytest.mark.parametrize("value", ["a\x7fb", "a\x9fb", "a\x80b", "tab\there", "bell\x07", "bom\ufeff"])
def test_control_characters_in_a_double_quoted_value_are_escaped(tmp_path, value):
    path = write(tmp_path / "2024-25.yaml", QUOTED)
    AnswerStore(path, CODE, "l", "2024-25", user="bob").change("2024:1.2", "commentary", value)
    assert _reopened(path).answer("2024:1.2").commentary == value
    changed = _stamp_lines(_diff(QUOTED, path.read_text()))
    assert len(changed) == 2 and changed[1].startswith('+    commentary: "')  # one line, still double-quoted


@pytest.mark.parametrize("value", ["a\x85b", "a\u2028b", "a\u2029b", "a\rb", "a\r\nb", "two\nlines\x85"])
@pytest.mark.parametrize("provision", ["2024:1.2", "2024:1.3", "2024:6.2"])  # double-quoted, plain, block
def test_line_break_characters_are_saved_as_they_are(tmp_path, value, provision):
    path = write(tmp_path / "2024-25.yaml", QUOTED)
    AnswerStore(path, CODE, "l", "2024-25", user="bob").change(provision, "commentary", value)
    assert _reopened(path).answer(provision).commentary == value
    assert "  # --- Section 6 ---" in path.read_text()


KEPT_BLOCK = """\
landlord: l
period: "2024-25"
answers:
  "2024:1.2":
    status: "Yes"
    commentary: |+
      Kept with its blank lines.



  "2024:1.3":
    status: "No"
"""


def test_a_field_inserted_after_a_kept_block_scalar_lands_after_its_blank_lines(tmp_path):
    path = write(tmp_path / "2024-25.yaml", KEPT_BLOCK)
    before = load_assessment(path, CODE, "l", "2024-25").answer("2024:1.2").commentary
    assert before == "Kept with its blank lines.\n\n\n\n"
    store = AnswerStore(path, CODE, "l", "2024-25", user="bob")
    store.change("2024:1.2", "evidence", [{"description": "Board minutes"}])  # inserted after the commentary
    assert _reopened(path).answer("2024:1.2").commentary == before
    assert _reopened(path).assessment == store.assessment
    assert "      Kept with its blank lines.\n\n\n\n    actions:" not in path.read_text()


def test_random_values_read_back_as_saved(tmp_path):
    """Property: any text saved in any free-text field through the store reads back unchanged."""
    import random

    rng = random.Random(20261201)
    pieces = ["a", "Z", " ", "  ", "\n", "\n\n", "\t", "#", " #", ": ", ":", "- ", "'", '"', "\\", "|", ">", "{", "}",
              "[", "]", ",", "&", "*", "!", "%", "@", "`", "---", "...", "?", "\x00", "\x07", "\x1b", "\x7f", "\x80",
              "\x85", "\x9f", "\xa0", "\u2028", "\u2029", "\ufeff", "\r", "\r\n", "é", "€", "ß", "日本", "😀", "yes",
              "null", "~", "0x1F", "1e3", "2025-02-31", "true", "\ue000", "\ufffd"]

    def text(minimum: int = 0) -> str:
        while True:
            value = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
            if len(value) >= minimum and (not minimum or value.strip()):
                return value

    path = write(tmp_path / "2024-25.yaml", QUOTED)
    store = AnswerStore(path, CODE, "l", "2024-25", user="bob")
    provisions = ["2024:1.2", "2024:1.3", "2024:6.2", "2024:4.1"]
    for _ in range(150):
        provision, field = rng.choice(provisions), rng.choice(["commentary", "evidence", "actions"])
        if field == "commentary":
            value: object = text()
        elif field == "evidence":
            value = [{"description": text(1), "reference": rng.choice([None, text()])}
                     for _ in range(rng.randint(0, 2))]
        else:
            value = [{"text": text(1), "owner": rng.choice([None, text()]), "due": None, "done": rng.random() < .5}
                     for _ in range(rng.randint(0, 2))]
        store.change(provision, field, value)
        reread = load_assessment(path, CODE, "l", "2024-25")
        assert reread == store.assessment, (provision, field, value)
    assert "  # --- Section 6 ---" in path.read_text()  # edited line by line throughout


def test_text_that_would_not_read_back_is_never_written(tmp_path, monkeypatch):
    """With a line editor that writes a control character raw (as the old one did), the check
    catches it and the save falls back to a whole-file round trip that reads back."""
    import json

    from audit_lib.assessment import answers_file

    monkeypatch.setattr(answers_file, "_double_quoted", lambda text: json.dumps(text, ensure_ascii=False))
    path = write(tmp_path / "2024-25.yaml", QUOTED)
    AnswerStore(path, CODE, "l", "2024-25", user="bob").change("2024:1.2", "commentary", "a\x7fb")
    assert _reopened(path).answer("2024:1.2").commentary == "a\x7fb"


def test_a_file_with_windows_line_endings_keeps_them(tmp_path):
    crlf = HAND_WRITTEN.replace("\n", "\r\n")
    path = tmp_path / "2024-25.yaml"
    path.write_bytes(crlf.encode())
    store = AnswerStore(path, CODE, "l", "2024-25", user="bob")
    store.change("2024:1.3", "status", "Yes")
    store.change("2024:4.1", "commentary", "A new answer,\non two lines.")  # inserted lines
    data = path.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")  # every line still ends in CRLF
    changed = _diff(crlf.replace("\r\n", "\n"), data.decode().replace("\r\n", "\n"))
    assert _stamp_lines(changed)[:2] == ["-    status: 'Partial'", "+    status: 'Yes'"]
    assert [line for line in changed if line.startswith("-")] == ["-    status: 'Partial'"]  # nothing else lost
    assert "+revision: 2" in changed
    assert _reopened(path).assessment == store.assessment


def test_save_assessment_refuses_a_file_for_another_landlord(hand_written):
    other = load_assessment(hand_written, CODE, "l", "2024-25").model_copy(update={"landlord": "m"})
    with pytest.raises(AnswerStoreError, match="the file is for landlord 'l'"):
        save_assessment(hand_written, other)
    assert hand_written.read_text() == HAND_WRITTEN


def test_a_value_that_cannot_be_written_is_one_error_and_nothing_is_saved(hand_written):
    store = AnswerStore(hand_written, CODE, "l", "2024-25", user="bob")
    with pytest.raises(AnswerStoreError, match="nothing was saved") as caught:
        store.change("2024:1.3", "commentary", "half a pair \ud800")
    assert "\ud800" not in str(caught.value)
    assert hand_written.read_text() == HAND_WRITTEN
    direct = load_assessment(hand_written, CODE, "l", "2024-25")
    direct.answers["2024:1.3"] = direct.answer("2024:1.3").model_copy(update={"commentary": "half \udfff"})
    with pytest.raises(AnswerStoreError, match="could not be written so that they read back unchanged"):
        save_assessment(hand_written, direct)
    assert hand_written.read_text() == HAND_WRITTEN
    store.change("2024:1.3", "commentary", "Fine now.")  # the store carries on from the file as it is
    reread = _reopened(hand_written)
    assert reread.answer("2024:1.3").commentary == "Fine now."
    assert [entry["revision"] for entry in reread.history()] == [reread.assessment.revision]


# -- reading only: no map of the file's lines -------------------------------------------------------


def test_loading_an_assessment_to_read_it_does_not_map_the_files_lines(hand_written, monkeypatch):
    """The group summary reads last year's answers of every subsidiary only to compare them: the map
    of where each value is in the text (for splicing a save) was built and thrown away, a third of
    the time of reading 250 files."""
    from audit_lib.assessment import answers_file

    def refused(*args, **kwargs):
        raise AssertionError("the file's lines were mapped only to be read")

    monkeypatch.setattr(answers_file.AnswersText, "__init__", refused)
    assessment = load_assessment(hand_written, CODE, "l", "2024-25")
    assert assessment.answers["2024:1.3"].status.value == "Partial"
    assert assessment.signoff.prepared.name == "Ann Reid"


def test_the_lines_of_a_deeply_nested_answer_are_worked_out_once_each(tmp_path, monkeypatch):
    """Each value's last line was worked out again at every level above it (nearly a million calls for
    250 files); once per node is enough."""
    from audit_lib.assessment import answers_file
    from audit_lib.core.yaml_files import load_yaml_document

    calls = []
    real = answers_file._last_line

    def counted(node, lines, *rest):
        calls.append(node)
        return real(node, lines, *rest)

    monkeypatch.setattr(answers_file, "_last_line", counted)
    path = write(tmp_path / "2024-25.yaml", HAND_WRITTEN)
    document = load_yaml_document(path, AnswerStoreError, aliases=False)
    assessment = load_assessment(path, CODE, "l", "2024-25")
    answers_file.AnswersText(document, assessment, path)
    nodes_in_file = 0
    stack = [document.root]
    while stack:
        node = stack.pop()
        nodes_in_file += 1
        if isinstance(node.value, list):
            stack.extend(item for pair in node.value for item in (pair if isinstance(pair, tuple) else (pair,)))
    assert len(calls) <= 2 * nodes_in_file  # each node once, and once more as a span of its own
