"""The workbook's export buttons, and the history's wording for imported answers, in plain pytest.

Each button writes its format into ``outputs/exports/<period>/<landlord>/`` (the outputs folder
the report button uses) from the answers as saved, and links the file with the answers' time
and SHA-256; an error is said beside the buttons. A field an import wrote reads in the history
as imported, naming the file and its SHA-256, not as a typed edit.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import os
import re
from pathlib import Path

import ipywidgets as w
import pytest

from audit_lib.assessment.answers import Action, Answer, Evidence, Status
from audit_lib.assessment.store import open_store
from audit_lib.code.catalogue import load_catalogue
from audit_lib.errors import FormError
from audit_lib.workbook import export_panel
from audit_lib.workbook.export_panel import BUTTONS, ExportPanel
from audit_lib.workbook.facade import open_workbook
from audit_lib.workbook.history_panel import HistoryPanel, describe_entry, for_provision

LANDLORD, PERIOD = "riverbend-homes", "2024-25"
CODE = load_catalogue()
NAMES = {"docx": "self_assessment.docx", "xlsx": "self_assessment.xlsx", "csv": "self_assessment.csv",
         "summary": "summary_for_residents.html"}


@pytest.fixture(autouse=True)
def _user(monkeypatch):
    monkeypatch.setenv("CHC_AUDIT_USER", "auditor.one")


def _panel(inputs: Path, outputs: Path | None = None, period: str = PERIOD) -> ExportPanel:
    wb = open_workbook(LANDLORD, period, inputs, interactive=True, as_of="2025-06-30", outputs_dir=outputs)
    wb.cover()
    return wb.live.exports


def _answers_sha(inputs: Path) -> str:
    return hashlib.sha256((inputs / LANDLORD / "answers" / f"{PERIOD}.yaml").read_bytes()).hexdigest()


def _href(shown: str) -> str:
    found = re.search(r'<a href="([^"]+)"', shown)
    assert found, shown
    return found.group(1)


# --- the buttons ------------------------------------------------------------------------------------


def test_the_export_row_sits_with_the_report_button_and_has_a_button_per_format(demo_inputs, tmp_path):
    wb = open_workbook(LANDLORD, PERIOD, demo_inputs, interactive=True, outputs_dir=tmp_path / "out")
    controls = wb.cover().children[1]
    parts = list(controls.children)
    assert parts.index(wb.live.exports.widget) == parts.index(wb.live.report.widget) + 1
    labels = [b.description for b in wb.live.exports.widget.children[0].children if isinstance(b, w.Button)]
    assert labels == ["Word form", "Spreadsheet", "CSV", "Summary for residents"]
    assert [fmt for _, fmt in BUTTONS] == ["docx", "xlsx", "csv", "summary"]
    # the report button's outputs folder
    assert wb.live.exports.outputs == wb.live.report.outputs == (tmp_path / "out").resolve()
    assert wb.live.exports.folder == (tmp_path / "out").resolve() / "exports" / PERIOD / LANDLORD


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "csv", "summary"])
def test_each_button_writes_its_file_and_links_it(demo_inputs, fmt):
    panel = _panel(demo_inputs)
    folder = demo_inputs.parent / "outputs" / "exports" / PERIOD / LANDLORD  # outputs/ beside inputs/
    assert not folder.exists()
    panel.buttons[fmt].click()
    written = folder / NAMES[fmt]
    assert written.is_file() and written.stat().st_size > 0
    assert panel.written == written.resolve()
    assert sorted(p.name for p in folder.iterdir()) == [NAMES[fmt]]
    # the link: relative to the notebook's folder (the kernel's), as the report's
    assert (Path.cwd() / _href(panel.shown)).resolve() == written.resolve()
    assert f'download="{NAMES[fmt]}"' in panel.shown if fmt != "summary" else "download=" not in panel.shown
    sha = _answers_sha(demo_inputs)
    assert re.fullmatch(rf"Exported: {re.escape(NAMES[fmt])}, made from the answers as saved at \d\d:\d\d:\d\d "
                        rf"\(SHA-256 {sha[:8]}…\)\. {re.escape(str(written.resolve()))}", panel.shown_text)
    assert not any(b.disabled for b in panel.buttons.values())
    if fmt == "docx":
        import docx

        assert docx.Document(str(written)).tables  # Word can open it
    if fmt == "csv":
        rows = list(csv.reader(written.open(encoding="utf-8", newline="")))
        assert any("6.2" in row for row in rows)


def test_the_export_is_made_from_the_answers_as_saved(demo_inputs, tmp_path):
    panel = _panel(demo_inputs, tmp_path / "out")
    panel.buttons["csv"].click()
    before = _answers_sha(demo_inputs)
    store = open_store(demo_inputs / LANDLORD, CODE, LANDLORD, PERIOD, "auditor.two")
    answer = store.answer("2024:6.2")
    store.change("2024:6.2", "status", Status.NO if answer.status is not Status.NO else Status.YES)
    after = _answers_sha(demo_inputs)
    assert after != before
    panel.buttons["csv"].click()  # a second export replaces the first, from what is saved now
    assert f"(SHA-256 {after[:8]}…)" in panel.shown_text


def test_a_period_without_answers_exports_a_blank_form(demo_inputs, tmp_path):
    panel = _panel(demo_inputs, tmp_path / "out", period="2025-26")
    assert panel.export("csv") == (tmp_path / "out").resolve() / "exports" / "2025-26" / LANDLORD / NAMES["csv"]
    assert "a blank form: no answers are saved for 2025-26 yet" in panel.shown_text
    assert "SHA-256" not in panel.shown_text


def test_the_buttons_are_disabled_while_an_export_runs(demo_inputs, tmp_path, monkeypatch):
    panel = _panel(demo_inputs, tmp_path / "out")
    seen: list[list[bool]] = []
    real = export_panel.write_form

    def writing(form, fmt, output):  # type: ignore[no-untyped-def]
        seen.append([b.disabled for b in panel.buttons.values()])
        panel.export("docx")  # a second click meanwhile starts nothing
        return real(form, fmt, output)

    monkeypatch.setattr(export_panel, "write_form", writing)
    panel.buttons["csv"].click()
    assert seen == [[True, True, True, True]]
    assert not any(b.disabled for b in panel.buttons.values())
    assert not (panel.folder / NAMES["docx"]).exists() and (panel.folder / NAMES["csv"]).is_file()


def test_paths_are_escaped_in_the_link(demo_inputs, tmp_path):
    panel = _panel(demo_inputs, tmp_path / 'out <b>"x"</b>')
    panel.buttons["csv"].click()
    assert "<b>\"x\"</b>" not in panel.shown and "&lt;b&gt;&quot;x&quot;&lt;/b&gt;" in panel.shown
    assert (Path.cwd() / _href(panel.shown).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            ).resolve() == panel.written


# --- errors are shown beside the buttons ---------------------------------------------------------------


def test_an_outputs_folder_that_cannot_be_written_is_said(demo_inputs, tmp_path):
    blocked = tmp_path / "out"
    blocked.write_text("a file where the outputs folder should be")
    panel = _panel(demo_inputs, blocked)
    panel.buttons["docx"].click()
    assert panel.written is None
    assert panel.shown_text.startswith("Not exported: the file could not be written: ")
    assert "Check that the outputs folder exists and can be written" in panel.shown_text
    assert 'class="chc-error"' in panel.shown and "<a " not in panel.shown
    assert not any(b.disabled for b in panel.buttons.values())


@pytest.mark.skipif(os.geteuid() == 0, reason="the superuser can write a read-only folder")
def test_a_read_only_outputs_folder_is_said(demo_inputs, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o500)
    try:
        panel = _panel(demo_inputs, out)
        panel.buttons["xlsx"].click()
        assert "Not exported: the file could not be written: Permission denied" in panel.shown_text
    finally:
        out.chmod(0o700)


def test_a_symbolic_link_where_the_file_goes_is_refused(demo_inputs, tmp_path):
    panel = _panel(demo_inputs, tmp_path / "out")
    panel.folder.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere.docx"
    elsewhere.write_text("not to be overwritten")
    (panel.folder / NAMES["docx"]).symlink_to(elsewhere)
    panel.buttons["docx"].click()
    assert "Not exported: expected a file to write the export to, found a symbolic link" in panel.shown_text
    assert elsewhere.read_text() == "not to be overwritten"


def test_a_form_error_and_a_damaged_answers_file_are_said(demo_inputs, tmp_path, monkeypatch):
    panel = _panel(demo_inputs, tmp_path / "out")

    def refuse(form, fmt, output):  # type: ignore[no-untyped-def]
        raise FormError("expected a form to write, found <nothing>; fix it")

    monkeypatch.setattr(export_panel, "write_form", refuse)
    panel.buttons["docx"].click()
    assert panel.shown_text == "Not exported: expected a form to write, found <nothing>; fix it"
    assert "&lt;nothing&gt;" in panel.shown
    monkeypatch.undo()

    (demo_inputs / LANDLORD / "answers" / f"{PERIOD}.yaml").write_text("answers: [unclosed\n")
    panel.buttons["csv"].click()
    assert panel.shown_text.startswith("Not exported: ") and "2024-25.yaml" in panel.shown_text
    assert not (panel.folder / NAMES["csv"]).exists()


def test_an_unexpected_error_is_said_and_logged(demo_inputs, tmp_path, monkeypatch, caplog):
    panel = _panel(demo_inputs, tmp_path / "out")

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("internal detail /secret/path")

    monkeypatch.setattr(export_panel, "landlord_form", broken)
    with caplog.at_level(logging.ERROR, logger="audit_lib.workbook.export_panel"):
        panel.buttons["summary"].click()
    assert panel.shown_text.startswith("Not exported: an unexpected error (RuntimeError) stopped the export")
    assert "secret" not in panel.shown
    assert "internal detail" in caplog.text
    assert not any(b.disabled for b in panel.buttons.values())


# --- the history's wording for imported answers -------------------------------------------------------

SOURCE = {"file": "published.txt", "sha256": "1a2b3c4d" + "e" * 56}


def test_imported_fields_read_as_imported_in_the_history(demo_inputs):
    store = open_store(demo_inputs / LANDLORD, CODE, LANDLORD, "2025-26", "auditor.one")
    store.import_answers({"2024:1.2": Answer(status=Status.YES, commentary="Our policy is on the website.",
                                             evidence=[Evidence(description="Complaints policy", reference="POL-1")],
                                             actions=[Action(text="Review the policy", owner="Head of Service")])},
                         source=SOURCE)
    entries = [e for e in store.history() if e.get("provision") == "2024:1.2"]
    said = {e["field"]: describe_entry(e) for e in entries}
    suffix = " — imported from published.txt (SHA-256 1a2b3c4d…)"
    assert said["status"] == "Comply set to Yes" + suffix
    assert said["commentary"] == "Commentary set to “Our policy is on the website.”" + suffix
    assert said["evidence"].startswith("Evidence: added ") and said["evidence"].endswith(suffix)
    assert "Complaints policy" in said["evidence"]
    assert said["actions"].startswith("Actions: added ") and said["actions"].endswith(suffix)

    # an imported value replacing one (--replace) reads old → new, still as imported
    store.change("2024:1.2", "status", Status.NO)
    store.import_answers({"2024:1.2": Answer(status=Status.PARTIAL)}, source=SOURCE,
                         replace={"2024:1.2": store.answer("2024:1.2")})
    last = [e for e in store.history() if e.get("provision") == "2024:1.2" and e.get("field") == "status"][-1]
    assert describe_entry(last) == "Comply: No → Partial" + suffix
    typed = [e for e in store.history() if e.get("provision") == "2024:1.2" and e.get("field") == "status"][-2]
    assert describe_entry(typed) == "Comply: Yes → No"  # a typed edit is told as before

    panel = HistoryPanel(store, "History", for_provision("2024:1.2"), "provision")
    panel.widget.selected_index = 0
    assert "Comply set to Yes — imported from published.txt (SHA-256 1a2b3c4d…)" in panel.body.value


def test_an_imported_entry_without_its_hash_or_name_still_reads_as_imported():
    base = {"provision": "2024:1.2", "field": "status", "old": None, "new": "N/A"}
    assert describe_entry({**base, "imported": {"file": "form.docx"}}) == "Comply set to N/A — imported from form.docx"
    assert describe_entry({**base, "imported": {}}) == "Comply set to N/A — imported from a file"
    assert describe_entry({**base, "field": "value", "new": "72%", "imported": "odd"}) == (
        "Answer set to “72%” — imported from a file")
    assert describe_entry({**base, "imported": {"file": "<b>x</b>.txt", "sha256": "ab"}}).endswith(
        "imported from <b>x</b>.txt (SHA-256 ab…)")  # escaped where shown, by history_html
