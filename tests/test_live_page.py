"""One truth on the page, and the auditor needs no terminal: widget logic in plain pytest.

In interactive mode every part of the page that depends on the answers follows them; progress
counts carried-forward answers not yet confirmed; a section's carried-forward answers can be
confirmed at once; a period with nothing in its case log says so; each provision and the
sign-off have a history panel; "Produce report" runs the batch's own command for this landlord;
``chc-audit lab`` works on a git-ignored working copy, never on the project's notebook.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import subprocess
from pathlib import Path

import ipywidgets as w
import nbformat
import pytest

from audit_lib.assessment.answers_file import load_assessment
from audit_lib.assessment.progress import progress
from audit_lib.assessment.store import open_store
from audit_lib.cli import build_parser, main
from audit_lib.code.catalogue import load_catalogue
from audit_lib.core.paths import SELF_ASSESSMENT
from audit_lib.workbook.facade import open_workbook

CODE = load_catalogue()
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _user(monkeypatch):
    monkeypatch.setenv("CHC_AUDIT_USER", "auditor.one")


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _open(wb, number):
    wb.section(number).selected_index = 0
    return wb.live.sections[number].open_forms()


def _sign(wb, period, role, name, user):
    store = open_store(wb.landlord.folder, CODE, wb.landlord.id, period, user)
    store.sign_off(role, name, dt.date.today(),
                   override="Approved to test the workbook" if role == "approved" else None, facts=wb.signature_facts)


def _approve(wb, period):
    _sign(wb, period, "prepared", "Pat Prepare", "pat.prepare")
    _sign(wb, period, "reviewed", "Rhiannon Review", "rhiannon.review")
    _sign(wb, period, "approved", "Board Chair", "board.chair")


def _carry_forward(wb):
    controls = wb.cover().children[1]
    button = next(c for c in controls.children if isinstance(c, w.Button) and "answers" in c.description)
    button.click()


# --- 5. one truth on the page ------------------------------------------------------------------


def test_every_part_that_depends_on_the_answers_follows_a_change(demo_inputs):
    wb = open_workbook("calder-vale-housing", "2024-25", demo_inputs, interactive=True, as_of="2025-06-30")
    cover, summary, plan = wb.cover(), wb.executive_summary(), wb.action_plan()
    assert isinstance(summary, w.HTML) and isinstance(plan, w.HTML)
    title = cover.children[0]
    before = progress(wb.live.store.assessment, CODE.provisions)
    assert f"{before.answered} of 72" in _text(title.value)
    assert f"has assessed {before.answered} of the 72 provisions" in _text(summary.value)

    form = _open(wb, 4)["4.1"]
    form.status.value = "No"
    after = progress(wb.live.store.assessment, CODE.provisions)
    assert after.answered == before.answered + 1
    assert f"{after.answered} of 72" in _text(title.value)
    assert f"No: {after.by_status['No']}" in _text(title.value)
    assert f"has assessed {after.answered} of the 72 provisions" in _text(summary.value)
    assert 'href="#provision-4.1"' in summary.value  # now among the shortfalls

    form.add_action.click()
    row = form.action_rows[-1]
    row.fields["text"].value = "Appoint a complaints officer"
    row.fields["owner"].value = "Director of Housing"
    assert "Appoint a complaints officer" in plan.value
    assert "Appoint a complaints officer" in summary.value


def test_re_running_a_cell_replaces_its_live_part(demo_inputs):
    wb = open_workbook("calder-vale-housing", "2024-25", demo_inputs, interactive=True)
    wb.executive_summary()
    wb.executive_summary()
    assert sorted(wb.live.parts) == ["executive-summary"]


def test_after_carry_forward_the_summary_counts_the_draft_and_progress_shows_it_unconfirmed(demo_inputs):
    wb = open_workbook("calder-vale-housing", "2025-26", demo_inputs, interactive=True)
    summary = wb.executive_summary()
    assert "has assessed 0 of the 72 provisions" in _text(summary.value)
    _carry_forward(wb)
    carried = progress(wb.live.store.assessment, CODE.provisions)
    assert carried.answered > 0 and carried.unconfirmed == carried.answered
    assert f"has assessed {carried.answered} of the 72 provisions" in _text(summary.value)
    assert f"{carried.unconfirmed} of them carried forward from 2024-25 and not yet confirmed" in _text(summary.value)
    panel = _text(wb.live.progress.widget.value)
    assert "Unconfirmed" in panel and f"{carried.unconfirmed} carried forward and not yet confirmed" in panel

    _open(wb, 6)["6.16"].confirm.click()
    assert progress(wb.live.store.assessment, CODE.provisions).unconfirmed == carried.unconfirmed - 1
    assert f"{carried.unconfirmed - 1} carried forward and not yet confirmed" in _text(wb.live.progress.widget.value)


def test_confirm_all_in_a_section_writes_one_history_entry_per_provision(demo_inputs):
    wb = open_workbook("calder-vale-housing", "2025-26", demo_inputs, interactive=True)
    _carry_forward(wb)
    forms = _open(wb, 6)
    panel = wb.live.sections[6]
    unconfirmed = [p.id for p in CODE.provisions_in(6) if not wb.live.store.answer(p.id).confirmed
                   and p.id in wb.live.store.assessment.answers]
    assert len(unconfirmed) > 1
    assert panel.confirm_all.layout.display != "none" and str(len(unconfirmed)) in panel.confirm_all.description
    before = len(wb.live.store.history())

    panel.confirm_all.click()

    entries = wb.live.store.history()[before:]
    assert [e["provision"] for e in entries] == unconfirmed
    assert all(e["field"] == "confirmed" and e["old"] is False and e["new"] is True for e in entries)
    assert len({e["revision"] for e in entries}) == 1  # one save
    stored = load_assessment(demo_inputs / "calder-vale-housing" / "answers" / "2025-26.yaml", CODE,
                             "calder-vale-housing", "2025-26")
    assert all(stored.answer(p).confirmed for p in unconfirmed)
    assert not all(a.confirmed for a in stored.answers.values())  # other sections are still to confirm
    assert panel.confirm_all.layout.display == "none"
    assert all(f.confirm.layout.display == "none" for f in forms.values())
    assert "Carried forward" not in forms["6.16"].flags.value


def test_confirm_all_is_refused_with_a_message_when_the_assessment_is_approved(demo_inputs):
    wb = open_workbook("calder-vale-housing", "2025-26", demo_inputs, interactive=True)
    _carry_forward(wb)
    _open(wb, 6)
    _approve(wb, "2025-26")
    other = open_store(wb.landlord.folder, CODE, wb.landlord.id, "2025-26", "someone.else")
    panel = wb.live.sections[6]
    before = len(other.history())
    panel.confirm_all.click()
    assert "Not confirmed" in panel.message.value and "approved" in panel.message.value
    assert len(other.history()) == before


def test_a_period_with_nothing_in_the_case_log_says_so_instead_of_zeros(demo_inputs):
    for interactive in (False, True):
        wb = open_workbook("riverbend-homes", "2026-27", demo_inputs, interactive=interactive)
        stats = wb.case_statistics()._repr_html_()
        assert "has nothing in 2026-27" in _text(stats)
        assert "Headline figures" not in stats and "TSM CH01" not in stats
        summary = wb.executive_summary()
        text = _text(summary.value if interactive else summary._repr_html_())
        assert "has nothing in 2026-27" in text and "TSM CH01" not in text


def test_a_period_with_no_complaint_received_warns_above_its_figures(demo_inputs):
    wb = open_workbook("riverbend-homes", "2025-26", demo_inputs)
    stats = _text(wb.case_statistics()._repr_html_())
    assert "No new complaint in the case log was received in 2025-26" in stats
    assert "Headline figures" in stats  # the tail of last period's complaints is still counted


def test_a_period_with_complaints_has_no_such_message(demo_inputs):
    wb = open_workbook("riverbend-homes", "2024-25", demo_inputs)
    assert "No new complaint in the case log" not in wb.case_statistics()._repr_html_()
    assert "has nothing in" not in wb.executive_summary()._repr_html_()


# --- 6. history panels ----------------------------------------------------------------------------


def test_a_provision_history_panel_shows_who_changed_what_when(demo_inputs):
    wb = open_workbook("calder-vale-housing", "2024-25", demo_inputs, interactive=True)
    forms = _open(wb, 4)
    history = wb.live.sections[4].histories["4.1"]
    assert history.widget.selected_index is None  # closed, built when opened
    forms["4.1"].status.value = "No"
    forms["4.1"].commentary.value = "No named officer while the post was vacant."
    forms["4.1"].add_evidence.click()
    forms["4.1"].evidence_rows[-1].fields["description"].value = "Vacancy notice"
    history.widget.selected_index = 0
    text = _text(history.body.value)
    assert "auditor.one" in text
    assert "Comply: not assessed → No" in text
    assert "Commentary: (empty) → “No named officer while the post was vacant.”" in text
    assert "Evidence: added “Vacancy notice”" in text
    assert text.index("Evidence") < text.index("Comply")  # newest first
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", text)
    forms["4.1"].status.value = "Partial"  # an open panel follows new changes
    assert "Comply: No → Partial" in _text(history.body.value)
    assert "4.2" not in _text(history.body.value)


def test_the_sign_off_history_panel(demo_inputs):
    wb = open_workbook("calder-vale-housing", "2024-25", demo_inputs, interactive=True)
    wb.cover()
    history = wb.live.signoff_history
    history.widget.selected_index = 0
    assert "No changes recorded yet" in _text(history.body.value)
    _sign(wb, "2024-25", "reviewed", "Rhiannon Review", "someone.else")
    history.refresh()
    text = _text(history.body.value)
    assert "someone.else" in text and "Signed as reviewer" in text and "Rhiannon Review" in text
    assert dt.date.today().strftime("%d/%m/%Y") in text


def test_history_entries_in_plain_words():
    from audit_lib.workbook.history_panel import describe_entry

    at = {"at": "2025-06-01T09:30:00", "user": "a.user", "revision": 3}
    assert describe_entry({**at, "provision": "2024:6.2", "field": "actions", "old": [],
                           "new": [{"text": "Fix", "owner": "Head of Repairs", "due": "2025-09-30", "done": False}]}) \
        == "Actions: added “Fix” (Head of Repairs, due 30/09/2025)"
    assert describe_entry({**at, "provision": "2024:6.2", "field": "evidence",
                           "old": [{"description": "A", "reference": None}], "new": []}) == "Evidence: removed “A”"
    assert describe_entry({**at, "provision": "2024:6.2", "field": "confirmed", "old": False, "new": True}) \
        == "Confirmed the carried-forward answer"
    assert describe_entry({**at, "carried_from": "2023-24", "answers": 40}) \
        == "Started from 2023-24's answers (40 answers, each unconfirmed until confirmed or changed)"
    assert describe_entry({**at, "reopened": "Restructure", "old": {"name": "Board", "role": None,
                                                                  "date": "2025-06-01"}}) \
        == "Reopened: “Restructure” (the approval by Board on 01/06/2025 withdrawn)"  # an entry written before
    # reopening withdrew the review too; now both withdrawn signatures are in the entry
    assert describe_entry({**at, "reopened": "Restructure",
                           "old": {"reviewed": {"name": "R. Reviewer", "role": None, "date": "2025-05-20"},
                                   "approved": {"name": "Board", "role": None, "date": "2025-06-01"}},
                           "new": {"reviewed": None, "approved": None}}) \
        == ("Reopened: “Restructure” (the review by R. Reviewer on 20/05/2025 and the approval by Board on "
            "01/06/2025 withdrawn)")
    assert describe_entry({**at, "reopened": "Typo", "old": {"reviewed": None, "approved": None}}) \
        == "Reopened: “Typo”"
    assert describe_entry({**at, "provision": "2024:6.2", "field": "commentary", "old": "x" * 400, "new": ""}) \
        .endswith("…” → (empty)")


# --- 6. produce report ------------------------------------------------------------------------------


def test_produce_report_runs_the_batch_command_for_this_landlord(demo_inputs, tmp_path, monkeypatch):
    wb = open_workbook("calder-vale-housing", "2024-25", demo_inputs, interactive=True, as_of="2025-06-30",
                       outputs_dir=tmp_path / "out")
    wb.cover()
    panel = wb.live.report
    args = build_parser().parse_args(panel.command()[3:])
    assert (args.command, args.landlords, args.period) == ("run", ["calder-vale-housing"], "2024-25")
    assert (args.inputs, args.outputs, args.as_of) == (demo_inputs.resolve(), (tmp_path / "out").resolve(),
                                                       dt.date(2025, 6, 30))
    assert panel.command()[:3][1:] == ["-m", "audit_lib.cli"]

    report = tmp_path / "out" / "2024-25" / "calder-vale-housing" / "self_assessment.html"
    monkeypatch.chdir(tmp_path)
    calls = []

    def done(command):
        calls.append(command)
        assert panel.button.disabled  # one run at a time
        report.parent.mkdir(parents=True)
        report.write_text("<html></html>")
        return 0, "landlord status\ncalder-vale-housing ok 1.0s ..."

    panel.run = done
    panel.button.click()
    panel.wait()
    assert calls == [panel.command()] and not panel.button.disabled
    shown = panel.shown
    assert 'href="out/2024-25/calder-vale-housing/self_assessment.html"' in shown
    assert "Open the report" in shown and "Produced" in shown

    report.unlink()
    panel.run = lambda command: (1, "landlord  status  time  report\ncalder-vale-housing  failed  2.0s  cell 4: "
                                    "AnswerStoreError: the answers file is damaged\n"
                                    "1 of 1 landlords failed; failed notebooks are kept")
    panel.button.click()
    panel.wait()
    shown = _text(panel.shown)
    assert "No report was produced" in shown and "the answers file is damaged" in shown and "href" not in shown


def test_produce_report_for_real_lands_where_the_batch_puts_it(demo_inputs, tmp_path):
    wb = open_workbook("moorside-almshouses", "2024-25", demo_inputs, interactive=True, as_of="2025-06-30",
                       outputs_dir=tmp_path / "outputs")
    wb.cover()
    wb.live.report.button.click()
    wb.live.report.wait()
    folder = tmp_path / "outputs" / "2024-25" / "moorside-almshouses"
    assert (folder / "self_assessment.html").is_file() and (folder / "manifest.json").is_file()
    assert "Open the report" in wb.live.report.shown


# --- 6. chc-audit lab ---------------------------------------------------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_lab_makes_a_working_copy_and_leaves_the_project_notebook_alone(demo_inputs, tmp_path, capsys):
    before = _sha(SELF_ASSESSMENT)
    work = tmp_path / "work"
    argv = ["lab", "calder-vale-housing", "--period", "2024-25", "--inputs", str(demo_inputs),
            "--outputs", str(tmp_path / "outputs"), "--work", str(work), "--dry-run"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    copy = work / "calder-vale-housing_2024-25.ipynb"
    assert str(copy) in out and "jupyterlab" in out
    nb = nbformat.read(copy, as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "landlord = \"calder-vale-housing\"" in injected.source and "interactive = True" in injected.source
    assert f"inputs_dir = \"{os.path.relpath(demo_inputs, work)}\"" in injected.source
    assert f"outputs_dir = \"{os.path.relpath(tmp_path / 'outputs', work)}\"" in injected.source
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert _sha(SELF_ASSESSMENT) == before

    nb.cells.append(nbformat.v4.new_markdown_cell("my notes"))
    nbformat.write(nb, copy)
    assert main(argv) == 0  # an existing working copy is opened as it is
    assert "my notes" in copy.read_text()
    assert "kept as it is" in capsys.readouterr().out
    assert main([*argv, "--fresh"]) == 0
    assert "my notes" not in copy.read_text()


def test_the_working_copies_folder_is_git_ignored():
    assert "work/" in (ROOT / ".gitignore").read_text().splitlines()
    ignored = subprocess.run(["git", "check-ignore", "-q", "work/riverbend-homes_2024-25.ipynb"], cwd=ROOT)
    assert ignored.returncode == 0


@pytest.mark.parametrize("landlord, expected", [
    ("../riverbend-homes", "landlord id"),
    ("Riverbend", "landlord id"),
    ("hillside-homes", "hillside-homes"),
])
def test_lab_refuses_a_bad_or_unknown_landlord(landlord, expected, demo_inputs, tmp_path, capsys):
    code = main(["lab", landlord, "--period", "2024-25", "--inputs", str(demo_inputs), "--work",
                 str(tmp_path / "work"), "--dry-run"])
    err = capsys.readouterr().err
    assert code == 2 and expected in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "work").exists()


def test_lab_refuses_a_bad_period(demo_inputs, tmp_path, capsys):
    assert main(["lab", "riverbend-homes", "--period", "2024", "--inputs", str(demo_inputs), "--work",
                 str(tmp_path / "work"), "--dry-run"]) == 2
    assert "period" in capsys.readouterr().err


def test_lab_refuses_a_working_copy_that_is_a_symbolic_link(demo_inputs, tmp_path, capsys):
    work = tmp_path / "work"
    work.mkdir()
    target = tmp_path / "precious.ipynb"
    target.write_text("{}")
    (work / "riverbend-homes_2024-25.ipynb").symlink_to(target)
    argv = ["lab", "riverbend-homes", "--period", "2024-25", "--inputs", str(demo_inputs), "--work", str(work),
            "--dry-run"]
    assert main(argv) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert main([*argv, "--fresh"]) == 2
    assert target.read_text() == "{}"


def test_lab_refuses_the_project_notebooks_folder_as_its_working_folder(demo_inputs, capsys):
    before = _sha(SELF_ASSESSMENT)
    assert main(["lab", "riverbend-homes", "--period", "2024-25", "--inputs", str(demo_inputs), "--work",
                 str(SELF_ASSESSMENT.parent), "--dry-run", "--fresh"]) == 2
    assert "notebooks" in capsys.readouterr().err
    assert _sha(SELF_ASSESSMENT) == before


def test_lab_never_serves_a_whole_disk(tmp_path, monkeypatch):
    from audit_lib.errors import UsageError
    from audit_lib.workbook.working_copy import lab_root

    monkeypatch.chdir(tmp_path)
    assert lab_root(tmp_path / "work", tmp_path / "outputs") == tmp_path  # the project folder
    assert lab_root(tmp_path / "a" / "work", tmp_path / "a" / "outputs") == tmp_path
    monkeypatch.chdir("/")
    assert lab_root(tmp_path / "work", tmp_path / "outputs") == tmp_path  # not the folder it was run from
    with pytest.raises(UsageError, match="whole disk"):
        lab_root(tmp_path / "work", Path("/var/outputs"))
