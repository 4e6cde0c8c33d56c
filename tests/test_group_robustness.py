"""One subsidiary's bad input never stops the group summary: it is listed with its reason, the others reported."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from audit_lib.batch.run import run_batch
from audit_lib.core.periods import Period
from audit_lib.group.summary import open_group_summary

from .conftest import DEMO_AS_OF

pytestmark = pytest.mark.slow
PERIOD = Period.parse("2024-25")


def _unknown_code(inputs: Path, landlord: str) -> None:
    registry = inputs / "landlords.yaml"
    text = registry.read_text()
    text, count = re.subn(rf"(- id: {landlord}\n)", r'\1    code: "2099"\n', text)
    assert count == 1, text
    registry.write_text(text)


def _impossible_date(inputs: Path, landlord: str) -> None:
    answers = inputs / landlord / "answers" / "2024-25.yaml"
    text = answers.read_text()
    text, count = re.subn(r"(prepared: \{[^}]*date: )\d{4}-\d{2}-\d{2}", r"\g<1>2025-02-31", text)
    assert count == 1
    answers.write_text(text)


def _deeply_nested(inputs: Path, landlord: str) -> None:
    answers = inputs / landlord / "answers" / "2024-25.yaml"
    answers.write_text(answers.read_text() + "notes: " + "[" * 5000 + "]" * 5000 + "\n")


def _text(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def test_bad_inputs_of_two_subsidiaries_leave_a_summary_of_all_four(demo_inputs, tmp_path):
    head = (demo_inputs / "landlords.yaml").read_text()
    assert "- id: calder-vale-housing\n" in head
    _unknown_code(demo_inputs, "calder-vale-housing")
    _impossible_date(demo_inputs, "moorside-almshouses")
    batch = run_batch(None, PERIOD, demo_inputs, tmp_path / "out", progress=False, as_of=DEMO_AS_OF)
    status = {r.name: r.status for r in batch.results}
    assert status == {"riverbend-homes": "ok", "calder-vale-housing": "failed", "moorside-almshouses": "failed",
                      "wharfedale-community-homes": "ok"}
    assert batch.group is not None and batch.group.status == "ok", batch.group and batch.group.error
    index = BeautifulSoup((tmp_path / "out" / "2024-25" / "index.html").read_text(), "html.parser")
    assert [a["href"] for a in index.select("table.reports a[href$='.html']")] == [
        "riverbend-homes/self_assessment.html", "wharfedale-community-homes/self_assessment.html"]
    behind = {row.select_one("td").get_text(" ", strip=True): " ".join(row.get_text(" ").split())
              for row in index.select("table.behind tbody tr")}
    calder = behind["Calder Vale Housing"]
    assert "could not be summarised:" in calder and "2099" in calder and "report not produced" in calder
    moorside = behind["Moorside Almshouses"]
    assert "answers unreadable" in moorside and "2025-02-31" in moorside
    cover = _text(str(index.select_one(".cover")))
    assert "Subsidiaries 4" in cover and "Could not be summarised 1 of 4: Calder Vale Housing" in cover
    figures = _text(str(index.select_one("table.figures-side-by-side")))
    assert "Riverbend" in figures and "44.7" in figures and "No figures: could not be summarised" in figures


def test_every_part_of_the_summary_survives_a_member_that_cannot_be_read(demo_batch, tmp_path):
    _, inputs, outputs, _ = demo_batch
    changed = Path(shutil.copytree(inputs, tmp_path / "inputs"))
    _unknown_code(changed, "calder-vale-housing")
    _deeply_nested(changed, "riverbend-homes")
    summary = open_group_summary("2024-25", changed, outputs, as_of=DEMO_AS_OF)
    assert [m.entry.id for m in summary.members] == ["riverbend-homes", "moorside-almshouses", "wharfedale-community-homes"]
    [failed] = summary.failed
    assert failed.entry.id == "calder-vale-housing" and "2099" in failed.reason and "\n" not in failed.reason
    riverbend = summary.members[0]
    assert any(p.startswith("answers unreadable: nesting deeper than") for p in riverbend.problems)
    parts = [summary.cover(), summary.behind_table(), summary.key_figures(), summary.status_matrix(),
             summary.reports()]
    for part in parts:
        assert "Calder Vale Housing" in part.html
    assert "could not be summarised" in _text(summary.reports().html)
    assert summary.provenance()["not_summarised"]["calder-vale-housing"] == failed.reason
    assert "Group summary of 4 subsidiaries" in summary.run_record().summary


# --- a subsidiary with no current outputs: the index gives the real reason ------------------------

def _edit_record(outputs: Path, change) -> None:
    path = outputs / "2024-25" / "run.json"
    record = json.loads(path.read_text())
    change(record)
    path.write_text(json.dumps(record))


def test_the_index_says_why_a_subsidiary_has_no_outputs(demo_batch, tmp_path):
    from audit_lib.batch.outputs import write_manifest
    from audit_lib.batch.runrecord import INTERRUPTED

    _, inputs, outputs, _ = demo_batch
    copy = Path(shutil.copytree(outputs, tmp_path / "outputs"))
    folder = copy / "2024-25"
    error = "cell 7: AnswerStoreError: the answers file cannot be read"
    riverbend = folder / "riverbend-homes"  # failed: its set holds the kept notebook only
    run_id = json.loads((riverbend / "manifest.json").read_text())["run"]
    for name in ("self_assessment.html", "metrics.json", "manifest.json"):
        (riverbend / name).unlink()
    write_manifest(riverbend, "riverbend-homes", run_id, "failed", error)
    shutil.rmtree(folder / "calder-vale-housing")  # interrupted before its set was published
    shutil.rmtree(folder / "moorside-almshouses")  # never run for this period

    def change(record):
        record["landlords"]["riverbend-homes"].update(status="failed", error=error, report=None, metrics=None)
        record["landlords"]["calder-vale-housing"].update(status="failed", error=INTERRUPTED)
        del record["landlords"]["moorside-almshouses"]

    _edit_record(copy, change)
    summary = open_group_summary("2024-25", inputs, copy, as_of=DEMO_AS_OF)
    riverbend_m, calder_m, moorside_m, wharfedale_m = summary.members
    assert riverbend_m.no_report == f"report not produced: its latest run failed: {error}"
    assert "interrupted before it finished" in str(calder_m.no_report)
    assert moorside_m.no_report == "report not produced: never run for this period (no outputs)"
    html = " ".join(_text(part.html) for part in (summary.behind_table(), summary.key_figures(), summary.reports()))
    assert "no metrics.json" not in html
    assert wharfedale_m.no_report is None  # its outputs are left as they were
    for member in (riverbend_m, calder_m, moorside_m):
        assert summary.behind(member)[0] == member.no_report
        assert html.count(str(member.no_report)) == 3  # why behind, why no figures, why no report
    reports = BeautifulSoup(summary.reports().html, "html.parser")
    last_run = {row.select("td")[0].get_text(strip=True): row.select("td")[2].get_text(" ", strip=True)
                for row in reports.select("tbody tr")}
    assert last_run["Riverbend Homes"].startswith("failed") and last_run["Calder Vale Housing"].startswith("interrupted")
    assert last_run["Moorside Almshouses"] == "not run"
    assert [a["href"] for a in reports.select("a[href$='.html']")] == ["wharfedale-community-homes/self_assessment.html"]


def test_a_run_left_running_is_not_presented_as_current(demo_batch, tmp_path):
    _, inputs, outputs, _ = demo_batch
    copy = Path(shutil.copytree(outputs, tmp_path / "outputs"))
    _edit_record(copy, lambda record: record["landlords"]["riverbend-homes"].update(status="running"))
    summary = open_group_summary("2024-25", inputs, copy, as_of=DEMO_AS_OF)
    riverbend = summary.members[0]
    assert riverbend.report is None and riverbend.metrics is None
    assert riverbend.no_report == "report not produced: its latest run has not finished (still running, or interrupted)"
    assert "not finished" in _text(summary.reports().html)


def test_a_recorded_error_is_shown_on_one_line_and_cut():
    from audit_lib.group.members import run_failure

    reason = run_failure({"status": "failed", "error": "line one\nline two " + "x" * 400})
    assert reason is not None and "\n" not in reason and reason.endswith("…")
    assert "line one line two" in reason and len(reason) < 360
    assert run_failure({"status": "ok"}) is None and run_failure(None) is None
    assert run_failure("damaged") is None  # type: ignore[arg-type]
