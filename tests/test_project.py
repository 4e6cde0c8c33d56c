"""The project's own files: dependency lists in step, a thin notebook, layout as designed."""

import ast
import re
import tomllib
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _names(requirements: list[str]) -> dict[str, str]:
    out = {}
    for req in requirements:
        match = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", req)
        out[match.group(1).lower().replace("_", "-")] = match.group(2).replace(" ", "")
    return out


def test_environment_yml_agrees_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = _names(project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    # python and pip themselves are not dependencies of the project (python-docx is)
    conda = [d for d in env["dependencies"] if isinstance(d, str) and not re.match(r"(python|pip)([<>=!~\s]|$)", d)]
    assert _names(conda) == declared
    assert "conda-forge" in env["channels"]
    assert {"pip": ["-e ."]} in env["dependencies"]


def test_layout():
    for name in ("notebooks", "audit_lib", "templates", "inputs", "outputs", "tests", "environment.yml"):
        assert (ROOT / name).exists(), name
    assert (ROOT / "audit_lib" / "report" / "templates" / "report" / "conf.json").is_file()


@pytest.mark.parametrize(
    "notebook, parameters",
    [
        ("self_assessment.ipynb", {"landlord", "period", "inputs_dir", "interactive", "as_of", "outputs_dir"}),
        ("group_summary.ipynb", {"period", "inputs_dir", "outputs_dir", "as_of"}),
    ],
)
def test_notebooks_are_thin(notebook, parameters):
    nb = nbformat.read(ROOT / "notebooks" / notebook, as_version=4)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert sum("parameters" in c.metadata.get("tags", []) for c in code_cells) == 1
    for cell in code_cells:
        tree = ast.parse(cell.source)
        assert not any(isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Lambda)) for n in ast.walk(tree)), cell.source
        if "parameters" not in cell.metadata.get("tags", []):
            assert len([n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))]) <= 2, cell.source
    params = next(c for c in code_cells if "parameters" in c.metadata.get("tags", []))
    assert set(re.findall(r"^(\w+) =", params.source, re.M)) == parameters
    assert nb.metadata.kernelspec.name == "chc-audit"
    if notebook == "group_summary.ipynb":
        assert [c.id for c in nb.cells if "run-record" in c.metadata.get("tags", [])] == ["run-record"]


def test_report_template_overrides_named_blocks_only():
    text = (ROOT / "audit_lib" / "report" / "templates" / "report" / "index.html.j2").read_text()
    assert "{%- extends 'lab/index.html.j2' -%}" in text
    body = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    outside = re.sub(r"\{%-? block (\w+).*?\{%-? endblock \1 -?%\}", "", body, flags=re.S)
    assert re.sub(r"\{%-? extends .*?%\}", "", outside).strip() == ""
    assert "http" not in text
