"""The batch: execute the workbook once per landlord with papermill, export each report,
and write the group's index page.

Outputs go to ``outputs/<period>/<landlord>/`` (``self_assessment.ipynb`` and
``self_assessment.html``) and ``outputs/<period>/index.html``. ``inputs/`` is only read.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import papermill
from nbconvert import HTMLExporter
from papermill.exceptions import PapermillExecutionError

from .answers import load_assessment
from .catalogue import load_catalogue
from .errors import AuditError, RunError
from .export import export_html, report_exporter
from .landlords import Registry, load_landlord, load_registry
from .paths import SELF_ASSESSMENT, landlord_output_dir
from .periods import Period
from .progress import progress
from .render import render

NOTEBOOK_NAME = "self_assessment.ipynb"
REPORT_NAME = "self_assessment.html"
INDEX_NAME = "index.html"
KERNEL_NAME = "chc-audit"


@dataclass
class LandlordResult:
    landlord: str
    status: str  # "ok" or "failed"
    seconds: float
    notebook: Path | None = None
    report: Path | None = None
    error: str | None = None


@dataclass
class BatchResult:
    period: Period
    results: list[LandlordResult] = field(default_factory=list)
    index: Path | None = None

    @property
    def failed(self) -> list[LandlordResult]:
        return [r for r in self.results if r.status != "ok"]


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, PapermillExecutionError):
        return f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}".strip()
    return f"{type(exc).__name__}: {exc}" if not isinstance(exc, AuditError) else str(exc)


def run_landlord(
    landlord_id: str,
    period: Period,
    inputs: Path,
    outputs: Path,
    exporter: HTMLExporter,
    notebook: Path = SELF_ASSESSMENT,
    kernel_name: str = KERNEL_NAME,
) -> LandlordResult:
    """Execute and export one landlord's workbook; a failure is a result, not an exception."""
    started = time.perf_counter()
    out_dir = landlord_output_dir(outputs, period, landlord_id)
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / NOTEBOOK_NAME
    try:
        landlord = load_landlord(inputs, landlord_id)  # fail early, with a clear message
        papermill.execute_notebook(
            str(notebook),
            str(executed),
            parameters={
                "landlord": landlord_id,
                "period": period.id,
                "inputs_dir": str(Path(inputs).resolve()),
                "interactive": False,
            },
            kernel_name=kernel_name,
            cwd=str(notebook.parent),
            progress_bar=False,
            log_output=False,
        )
        report = export_html(
            executed, out_dir / REPORT_NAME, exporter, f"{landlord.name}: Complaint Handling Code self-assessment {period.id}"
        )
    except Exception as exc:  # one landlord's failure must not stop the others
        return LandlordResult(
            landlord_id, "failed", time.perf_counter() - started,
            notebook=executed if executed.exists() else None, error=_one_line(exc),
        )
    return LandlordResult(landlord_id, "ok", time.perf_counter() - started, notebook=executed, report=report)


def write_index(registry: Registry, period: Period, inputs: Path, outputs: Path, results: list[LandlordResult]) -> Path:
    """``outputs/<period>/index.html``: every landlord of the group, its run and its report."""
    by_id = {r.landlord: r for r in results}
    rows = []
    for entry in registry.landlords:
        result = by_id.get(entry.id)
        catalogue = load_catalogue(entry.code)
        try:
            assessment = load_assessment(Path(inputs) / entry.id / "answers" / f"{period.id}.yaml", catalogue, entry.id, period.id)
            done = progress(assessment, catalogue.provisions)
        except AuditError:
            done = None
        rows.append(
            {
                "name": entry.name,
                "homes": entry.homes,
                "status": "not run" if result is None else result.status,
                "answered": f"{done.answered} / {done.total}" if done else "unreadable",
                "by_status": done.by_status if done else {"Yes": "", "Partial": "", "No": "", "N/A": ""},
                "report": f"{entry.id}/{REPORT_NAME}" if result and result.report else None,
                "error": (result.error if result else "") or "",
            }
        )
    path = Path(outputs) / period.id / INDEX_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render("index", group=registry.group.name, period=period, rows=rows,
                           generated=dt.datetime.now().strftime("%d/%m/%Y %H:%M")), encoding="utf-8")
    return path


def run_batch(landlord_ids: list[str] | None, period: Period, inputs: Path, outputs: Path) -> BatchResult:
    """Run the named landlords (all in the registry when ``None``) and write the index."""
    registry = load_registry(inputs)
    ids = [e.id for e in registry.landlords] if landlord_ids is None else landlord_ids
    for landlord_id in ids:
        registry.get(landlord_id)  # validates the id and that it is registered, before any work
    if not SELF_ASSESSMENT.is_file():
        raise RunError(f"the workbook notebook is missing: expected {SELF_ASSESSMENT}")
    exporter = report_exporter()
    batch = BatchResult(period)
    for landlord_id in ids:
        batch.results.append(run_landlord(landlord_id, period, inputs, outputs, exporter))
    batch.index = write_index(registry, period, inputs, outputs, batch.results)
    return batch
