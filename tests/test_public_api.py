"""The package's public face: ``audit_lib.__all__``, the subpackages by stage and their docstrings."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import audit_lib

STAGES = ("core", "code", "config", "cases", "stats", "assessment", "evidence", "findings", "workbook", "report", "group",
          "batch", "form", "annual")


def test_every_public_name_resolves_and_is_listed_once():
    assert len(audit_lib.__all__) == len(set(audit_lib.__all__))
    for name in audit_lib.__all__:
        assert getattr(audit_lib, name) is not None, name
    assert sorted(dir(audit_lib)) == sorted(audit_lib.__all__)


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        audit_lib.nothing_here  # noqa: B018


def test_lazy_names_come_from_the_one_helper_and_are_imported_on_first_use():
    """``audit_lib`` and ``audit_lib.annual`` make their ``__getattr__`` with ``core.lazy.lazy_exports``:
    a listed name is imported on first use and kept; any other is an AttributeError."""
    code = ("import sys, audit_lib, audit_lib.annual as annual; before = 'pandas' in sys.modules; "
            "f = annual.annual_analysis; "
            "print(before, 'pandas' in sys.modules, vars(annual)['annual_analysis'] is f, "
            "annual.__getattr__.__module__, audit_lib.__getattr__.__module__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "True", "audit_lib.core.lazy", "audit_lib.core.lazy"]
    import audit_lib.annual

    with pytest.raises(AttributeError, match=r"module 'audit_lib\.annual' has no attribute 'nothing_here'"):
        audit_lib.annual.nothing_here  # noqa: B018


def test_public_names_are_the_subpackages_own():
    """A public name is the object its defining module has: one definition, no copies."""
    assert audit_lib.open_workbook is importlib.import_module("audit_lib.workbook").open_workbook
    assert audit_lib.open_annual_report is importlib.import_module("audit_lib.annual.report").open_annual_report
    assert audit_lib.AnswerStore is importlib.import_module("audit_lib.assessment").AnswerStore
    assert audit_lib.run_batch is importlib.import_module("audit_lib.batch").run_batch
    assert issubclass(audit_lib.SignOffError, audit_lib.AuditError)
    assert issubclass(audit_lib.UsageError, audit_lib.AuditError)


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_is_a_subpackage_that_says_what_it_owns(stage):
    package = importlib.import_module(f"audit_lib.{stage}")
    assert hasattr(package, "__path__"), f"audit_lib.{stage} should be a subpackage"
    doc = (package.__doc__ or "").strip()
    assert len(doc) > 80, f"audit_lib/{stage}/__init__.py needs a docstring saying what it owns"
    for name in getattr(package, "__all__", ()):
        assert getattr(package, name) is not None


def test_every_module_has_a_docstring():
    missing = []
    for info in pkgutil.walk_packages(audit_lib.__path__, "audit_lib."):
        module = importlib.import_module(info.name)
        if not (module.__doc__ or "").strip():
            missing.append(info.name)
    assert missing == []


def test_top_level_modules_are_only_the_shared_ones():
    """Everything but the exception tree and the command line lives in a stage's subpackage."""
    top = {info.name for info in pkgutil.iter_modules(audit_lib.__path__) if not info.ispkg}
    assert top == {"errors", "cli"}


def test_importing_the_package_stays_light():
    """``import audit_lib`` (as the batch's orchestrating process does) loads no heavy library."""
    code = ("import sys, audit_lib; audit_lib.__version__; "
            "print(sorted(m for m in ('pandas', 'papermill', 'nbconvert', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_batch_orchestrator_stays_light():
    """The process that drives a batch imports no pandas, papermill or nbconvert (only workers do)."""
    code = ("import sys, audit_lib.batch.run, audit_lib.cli; "
            "print(sorted(m for m in ('pandas', 'papermill', 'nbconvert') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


#: What each stage may import of the others (docs/architecture.md): dependencies point down the pipeline.
ALLOWED = {
    "core": set(),
    "code": {"core"},
    "cases": {"core"},
    "config": {"core", "code", "cases"},
    "stats": {"core", "code", "cases", "config"},
    "assessment": {"core", "code"},
    "evidence": {"core", "code", "assessment"},
    "findings": {"core", "code", "cases", "config", "assessment", "stats", "evidence"},
    "report": {"core", "stats"},
    "batch": {"core", "config", "report"},
    "workbook": {"core", "code", "cases", "config", "stats", "assessment", "evidence", "findings", "report", "form",
                 "annual"},
    "group": {"core", "code", "config", "stats", "assessment", "findings", "report", "batch"},
    "form": {"core", "code", "config", "assessment", "report"},
    # the records, store and check on core, assessment and evidence; the analysis and the report's
    # façade on what they show (the façade holds the self-assessment's workbook)
    "annual": {"core", "assessment", "evidence", "cases", "code", "config", "stats", "report", "workbook"},
}


@pytest.mark.parametrize("stage", STAGES)
def test_dependencies_point_down_the_pipeline(stage):
    import ast
    from pathlib import Path

    folder = Path(audit_lib.__file__).parent / stage
    used = set()
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 2 and node.module:
                used.add(node.module.split(".")[0])
    assert used - {"errors"} <= ALLOWED[stage], f"{stage} imports {sorted(used - ALLOWED[stage] - {'errors'})}"
