"""``notebooks/annual_report.ipynb``: thin, parameterised as the batch runs it, executed by papermill
for a demo landlord, and exported as a report whose contents list every part."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from audit_lib.report.export import cached_exporter, contents, prepare_report
from audit_lib.report.provenance import find_record

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "annual_report.ipynb"


def _tags(cell) -> list[str]:
    return list(cell.metadata.get("tags", []))


def test_the_notebook_is_thin_and_parameterised_as_the_batch_runs_it():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "chc-audit"
    assert "instructions" in _tags(nb.cells[0]) and nb.cells[0].cell_type == "markdown"
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    params = [cell for cell in code if "parameters" in _tags(cell)]
    assert len(params) == 1
    assert set(re.findall(r"^(\w+) =", params[0].source, re.M)) == {"landlord", "period", "inputs_dir", "as_of",
                                                                    "outputs_dir"}
    namespace: dict[str, object] = {}
    exec(params[0].source, namespace)  # the notebook's own defaults
    assert {k: namespace[k] for k in ("landlord", "period", "inputs_dir", "as_of", "outputs_dir")} == {
        "landlord": "riverbend-homes", "period": "2024-25", "inputs_dir": "../inputs", "as_of": None,
        "outputs_dir": None}
    for cell in code:
        tree = ast.parse(cell.source)
        assert not any(isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Lambda)) for n in ast.walk(tree)), cell.source
        if cell is not params[0]:
            assert len([n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))]) <= 2, cell.source
    assert "open_annual_report(" in code[1].source and code[1].source.rstrip().endswith("ar.cover()")
    assert [cell.id for cell in nb.cells if "contents" in _tags(cell)] == ["contents"]
    assert code[-1].source.strip() == "ar.run_record()" and _tags(code[-1]) == ["run-record"]
    assert [cell.source.strip() for cell in code[2:-1]] == ["ar.analysis()", "ar.learning()", "ar.ombudsman()",
                                                           "ar.governing_body()", "ar.self_assessment()"]


@pytest.mark.slow
def test_papermill_runs_the_notebook_for_a_demo_landlord_and_the_report_lists_every_part(demo_inputs, tmp_path):
    import papermill

    executed = tmp_path / "annual_report.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(executed), kernel_name="chc-audit", progress_bar=False,
                               cwd=str(NOTEBOOK.parent),
                               parameters={"landlord": "wharfedale-community-homes", "period": "2024-25",
                                           "inputs_dir": str(demo_inputs), "as_of": "2025-06-30"})
    nb = nbformat.read(executed, as_version=4)
    record = find_record(nb)
    assert record is not None and record["report"] == "annual"
    assert record["annual_report"]["complete"] is False
    assert [gap["code"] for gap in record["annual_report"]["gaps"]] == ["no-self-assessment",
                                                                       "no-governing-body-response"]
    assert record["provenance"]["inputs"]["annual_records"]["sha256"]
    assert [entry["id"] for entry in contents(nb)] == [
        "annual-completeness", "annual-performance", "annual-categories", "annual-refusals",
        "annual-compensation-ombudsman", "annual-trends", "annual-themes", "annual-learning", "annual-ombudsman",
        "annual-governing-body", "annual-self-assessment"]
    nb.metadata["chc_audit"] = {"provenance": record["provenance"]}
    report = prepare_report(nb, "Annual complaints performance and service improvement report")
    body, _ = cached_exporter().from_notebook_node(report, resources={"metadata": {"name": "annual"}})
    soup = BeautifulSoup(body, "html.parser")
    cover = soup.select_one("div.completeness.incomplete")
    assert cover is not None and [li["data-code"] for li in cover.select("li.finding.gap")] == [
        "no-self-assessment", "no-governing-body-response"]
    assert "ar.cover()" not in body and "open_annual_report" not in body  # code hidden, workbook cells removed
    assert "WH-2404-0008" in soup.get_text()


@pytest.mark.slow
def test_the_rendered_report_has_one_title_one_stylesheet_and_unique_ids(demo_inputs, tmp_path):
    """The whole exported report of a landlord with a self-assessment to append: one <h1> (the
    appended self-assessment's title is a sub-heading), the parts' stylesheet once and as written,
    and every id once, so each link of the contents and the completeness table goes to one place."""
    import papermill

    from audit_lib.report.render import stylesheet

    executed = tmp_path / "annual_report.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(executed), kernel_name="chc-audit", progress_bar=False,
                               cwd=str(NOTEBOOK.parent),
                               parameters={"landlord": "riverbend-homes", "period": "2024-25",
                                           "inputs_dir": str(demo_inputs), "as_of": "2025-06-30"})
    nb = nbformat.read(executed, as_version=4)
    report = prepare_report(nb, "Annual complaints performance and service improvement report")
    body, _ = cached_exporter().from_notebook_node(report, resources={"metadata": {"name": "annual"}})
    soup = BeautifulSoup(body, "html.parser")
    assert [h1.get_text() for h1 in soup.find_all("h1")] == [
        "Riverbend Homes: Annual complaints performance and service improvement report, 2024-25"]
    assert soup.find("h2", id="annual-self-assessment") is not None and soup.find("h2", id="section-9") is not None
    assert body.count(str(stylesheet())) == 1
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    targets = set(ids)
    assert all(a["href"][1:] in targets for a in soup.select('a[href^="#"]'))
