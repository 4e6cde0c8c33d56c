"""The parts of the batch and the reports that need no kernel: charts, contents, actions, run record."""

from __future__ import annotations

import datetime as dt
import json

import nbformat
import pytest

from audit_lib.assessment.actions import action_counts, action_rows, action_state, plan_order, shortfalls
from audit_lib.assessment.answers import Action, Assessment
from audit_lib.batch.runrecord import failed_last_time, load_run_record, write_run_record
from audit_lib.batch.worker import NotebookResult, Timings
from audit_lib.code.catalogue import load_catalogue
from audit_lib.config.landlords import load_registry
from audit_lib.core.periods import Period
from audit_lib.errors import RunError
from audit_lib.report.charts import grouped_bars, horizontal_bars, nice_ticks, percent_lines
from audit_lib.report.export import (
    TEMPLATES,
    contents,
    footer_lines,
    prepare_report,
    report_exporter,
    strip_css_comments,
)
from audit_lib.report.provenance import RECORD_MIME, RunRecord, find_record

PERIOD = Period.parse("2024-25")
CODE = load_catalogue()


@pytest.mark.parametrize("maximum, expected", [(0, [0, 1]), (7, [0, 2, 4, 6, 8]), (146, [0, 50, 100, 150]),
                                               (1000, [0, 200, 400, 600, 800, 1000])])
def test_nice_ticks(maximum, expected):
    assert nice_ticks(maximum) == expected


def test_charts_are_inline_svg_with_escaped_text_and_no_addresses():
    chart = horizontal_bars("Areas <of> dissatisfaction", [("<script>alert(1)</script>", 5), ("Repairs & gas", 3)])
    svg = str(chart.svg)
    assert svg.startswith("<svg") and 'role="img"' in svg and "http" not in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "Repairs &amp; gas" in svg
    assert "<title>Areas &lt;of&gt; dissatisfaction</title>" in svg
    bars = grouped_bars("Volumes", ["Q1", "Q2"], [("Stage 1", "#000", [3, 0]), ("Stage 2", "#f00", [1, 2])])
    assert len(bars.rects) == 4 + 2  # four bars and two legend keys
    lines = percent_lines("Timeliness", ["Q1", "Q2", "Q3"], [("On time", "#000", [90.0, None, 80.0])])
    assert not lines.polylines  # a missing quarter breaks the line; single points stay dots
    assert len(lines.dots) == 2
    assert "None received" in str(horizontal_bars("Empty", []).svg)


def _nb_with_outputs(*html: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    for i, markup in enumerate(html):
        cell = nbformat.v4.new_code_cell(f"x{i}")
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": markup})]
        nb.cells.append(cell)
    return nb


def test_contents_come_from_section_headings_of_the_outputs():
    nb = _nb_with_outputs('<h1>Title</h1><h2 id="executive-summary">Executive summary</h2>',
                          '<h2 id="section-9">Section 9: Scrutiny &amp; oversight</h2><h3 id="x">Not a section</h3>')
    hidden = nbformat.v4.new_code_cell("wb.run_record()", metadata={"tags": ["run-record"]})
    hidden.outputs = [nbformat.v4.new_output("display_data", data={"text/html": '<h2 id="no">Hidden</h2>'})]
    nb.cells.append(hidden)
    assert contents(nb) == [{"id": "executive-summary", "title": "Executive summary"},
                            {"id": "section-9", "title": "Section 9: Scrutiny & oversight"}]


def test_prepare_report_drops_run_bookkeeping_and_adds_contents_and_footer():
    nb = _nb_with_outputs('<h2 id="a">A</h2>')
    nb.metadata["papermill"] = {"parameters": {"landlord": "x"}}
    nb.metadata["widgets"] = {"state": {}}
    nb.cells[0].metadata["papermill"] = {"duration": 1}
    nb.metadata["chc_audit"] = {"provenance": {
        "product": "chc-audit", "product_version": "9.9", "code_version": "2024",
        "parameters": {"landlord": "x", "period": "2024-25", "inputs_dir": "/secret/path"},
        "notebook": {"file": "self_assessment.ipynb", "sha256": "ab" * 32},
        "inputs": {"case_log": {"file": "x/log.csv", "sha256": "cd" * 32}, "answers": {"file": "x/a.yaml", "sha256": None}},
        "as_of": "2025-06-01"}}
    report = prepare_report(nb, "Title")
    assert "papermill" not in report.metadata and "widgets" not in report.metadata
    assert "papermill" not in report.cells[0].metadata
    assert "papermill" in nb.metadata  # the executed notebook itself is left as it was
    assert report.metadata["chc_report"]["contents"] == [{"id": "a", "title": "A"}]
    footer = dict(report.metadata["chc_report"]["footer"])
    assert footer["Produced by"] == "chc-audit 9.9" and "/secret/path" not in footer["Parameters"]
    assert footer["Case log"] == f"x/log.csv (SHA-256 {'cd' * 32})" and footer["Answers"] == "x/a.yaml (not present)"
    assert footer_lines({"parameters": {}})[0][0] == "Produced by"


def test_css_comments_are_stripped():
    css = "/* see https://example.org/ */ a { color: red; } /* multi\nline http://x */ b { x: url(data:y) }"
    assert strip_css_comments(css) == " a { color: red; }  b { x: url(data:y) }"


def test_the_report_template_inlines_its_stylesheet_and_prints_contents_and_footer():
    css = (TEMPLATES / "report" / "report.css").read_text(encoding="utf-8")
    assert "http" not in css and "@media print" in css
    nb = _nb_with_outputs('<h2 id="a">Section A</h2>')
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("Contents", metadata={"tags": ["contents"]}))
    nb.metadata["chc_audit"] = {"provenance": {"product": "chc-audit", "product_version": "9.9", "parameters": {},
                                               "as_of": "2025-06-01"}}
    body, _ = report_exporter().from_notebook_node(prepare_report(nb, "Title"))
    assert body.count(f'<style type="text/css">\n{css}</style>') == 1
    assert 'class="toc"' in body and '<a href="#a">Section A</a>' in body
    assert '<footer class="provenance">' in body and "<dt>Produced by</dt><dd>chc-audit 9.9</dd>" in body


def test_run_records_round_trip_through_a_notebook():
    record = RunRecord({"provenance": {"product": "chc-audit"}, "figures": [1, 2]}, "summary")
    bundle = record._repr_mimebundle_()
    assert bundle["text/plain"] == "summary"
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("wb.run_record()")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={RECORD_MIME: bundle[RECORD_MIME]}, execution_count=1)]
    nb.cells.append(cell)
    assert find_record(nbformat.reads(nbformat.writes(nb), as_version=4)) == {"provenance": {"product": "chc-audit"},
                                                                               "figures": [1, 2]}
    assert find_record(nbformat.v4.new_notebook()) is None


def test_action_states_and_the_plan_order():
    as_of = dt.date(2025, 6, 1)
    assert action_state(Action(text="a", due=dt.date(2025, 5, 31)), as_of) == "Overdue"
    assert action_state(Action(text="a", due=dt.date(2025, 6, 1)), as_of) == "Open"
    assert action_state(Action(text="a"), as_of) == "No due date"
    assert action_state(Action(text="a", due=dt.date(2020, 1, 1), done=True), as_of) == "Done"
    assessment = Assessment.model_validate({
        "landlord": "x", "period": "2024-25",
        "answers": {
            "2024:6.2": {"status": "Partial", "actions": [{"text": "late", "due": "2025-01-01"},
                                                           {"text": "done", "due": "2024-01-01", "done": True}]},
            "2024:1.2": {"status": "No", "commentary": "why", "actions": [{"text": "open", "due": "2025-12-01"}]},
            "2024:3.1": {"status": "Partial"},
            "2024:4.1": {"status": "Yes", "evidence": [{"description": "e"}]},
        },
    })
    rows = action_rows(assessment, CODE.provisions, as_of)
    assert [r.action.text for r in plan_order(rows)] == ["late", "open", "done"]
    assert action_counts(rows) == {"total": 3, "Overdue": 1, "Open": 1, "No due date": 0, "Done": 1}
    found = shortfalls(assessment, CODE.provisions, as_of)
    assert [(s.provision.number, s.answer.status.value, s.has_dated_action) for s in found] == [
        ("1.2", "No", True), ("3.1", "Partial", False), ("6.2", "Partial", True)]


def _result(name: str, status: str) -> NotebookResult:
    return NotebookResult(name, status, 1.0, error=None if status == "ok" else "cell 3: Boom", timings=Timings())


def test_the_run_record_merges_runs_and_lists_the_failures(tmp_path):
    with pytest.raises(RunError, match="no run record for 2024-25"):
        failed_last_time(tmp_path, PERIOD)
    assert load_run_record(tmp_path, PERIOD) is None
    write_run_record(tmp_path, PERIOD, [_result("a", "ok"), _result("b", "failed"), _result("c", "failed")], None, {})
    assert failed_last_time(tmp_path, PERIOD) == ["b", "c"]
    path = write_run_record(tmp_path, PERIOD, [_result("b", "ok")], _result("group summary", "ok"), {"landlords": ["b"]})
    record = json.loads(path.read_text())
    assert {k: v["status"] for k, v in record["landlords"].items()} == {"a": "ok", "b": "ok", "c": "failed"}
    assert record["landlords"]["c"]["error"] == "cell 3: Boom" and record["group_summary"]["status"] == "ok"
    assert failed_last_time(tmp_path, PERIOD) == ["c"]
    path.write_text("{not json")
    with pytest.raises(RunError, match="cannot be read"):
        failed_last_time(tmp_path, PERIOD)


def test_selection_with_retry_failed(tmp_path):
    from audit_lib.batch.run import select_landlords
    from tests.demo import DEMO_INPUTS

    registry = load_registry(DEMO_INPUTS)
    assert select_landlords(registry, None, PERIOD, tmp_path) == ["riverbend-homes", "calder-vale-housing",
                                                                  "moorside-almshouses", "wharfedale-community-homes"]
    write_run_record(tmp_path, PERIOD, [_result("riverbend-homes", "failed"), _result("moorside-almshouses", "failed"),
                                        _result("calder-vale-housing", "ok")], None, {})
    assert select_landlords(registry, None, PERIOD, tmp_path, retry_failed=True) == ["riverbend-homes",
                                                                                      "moorside-almshouses"]
    assert select_landlords(registry, ["moorside-almshouses", "calder-vale-housing"], PERIOD, tmp_path,
                            retry_failed=True) == ["moorside-almshouses"]


def test_the_progress_bar_names_the_landlords_in_hand(capsys):
    from audit_lib.batch.run import Progress

    progress = Progress(4, 2, PERIOD, enabled=True)
    progress.in_hand(["riverbend-homes", "calder-vale-housing", "moorside-almshouses"])
    progress.done(_result("calder-vale-housing", "failed"), ["riverbend-homes", "moorside-almshouses"])
    progress.close()
    err = capsys.readouterr().err
    assert "chc-audit 2024-25" in err and "in hand: riverbend-homes, calder-vale-housing" in err
    assert "in hand: riverbend-homes, moorside-almshouses" in err
    assert "calder-vale-housing: failed: cell 3: Boom" in err
