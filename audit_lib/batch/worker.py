"""The worker side of a batch: one notebook executed, recorded and exported.

:func:`run_job` runs in a worker process (a local process pool or a Dask worker). It has the
notebook executed by the batch engine (:mod:`audit_lib.batch.engine`: a fresh kernel, start-up
retries, per-cell timeout, the kernel killed as soon as its last output is in), takes the run
record the notebook published (:mod:`audit_lib.report.provenance`), stores the provenance in the
notebook's metadata, writes ``metrics.json`` and exports the report with this worker's reused
exporter, then releases the killed kernel. Everything is written in a staging folder; a
landlord's set gets its manifest last and is then swapped in whole for its old set
(:mod:`audit_lib.batch.outputs`), so its folder always holds one complete set from one run.
The group summary's notebook and index are each renamed into place. A failure is a result,
never an exception.

The job and result types here are what the orchestrating process exchanges with the workers;
papermill and nbconvert are imported on first use, so that process never loads them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..core.io import atomic_write_text, dumps_json, sha256_of
from ..core.periods import parse_as_of
from ..errors import AuditError, UsageError
from ..report.provenance import METADATA_KEY, base_provenance, find_record

#: Seconds a single cell may run before it is stopped and marked as failed.
DEFAULT_CELL_TIMEOUT = 600
MAX_ERROR_CHARS = 300


@dataclass
class Timings:
    """Where one notebook's time went, in seconds."""

    kernel_start: float = 0.0
    execution: float = 0.0
    shutdown: float = 0.0
    export: float = 0.0
    kernel_attempts: int = 0

    def as_dict(self) -> dict[str, float | int]:
        """Rounded seconds, as written to the run record."""
        return {"kernel_start": round(self.kernel_start, 3), "execution": round(self.execution, 3),
                "shutdown": round(self.shutdown, 3), "export": round(self.export, 3),
                "kernel_attempts": self.kernel_attempts}


@dataclass(frozen=True)
class RunSettings:
    """How notebooks are executed: kernel, per-cell timeout and kernel start retries."""

    kernel_name: str | None = None  # None: the notebook's own kernelspec
    timeout: int | None = DEFAULT_CELL_TIMEOUT  # per cell, seconds; None for no limit
    start_timeout: int = 60
    start_attempts: int = 3
    retry_pause: float = 1.0  # seconds, times the attempt number


@dataclass(frozen=True)
class NotebookJob:
    """One notebook to execute and export (a landlord's workbook or the group summary)."""

    name: str
    notebook: Path
    executed: Path
    report: Path
    parameters: dict[str, Any]
    title: str
    settings: RunSettings = RunSettings()
    metrics: Path | None = None  # where to write the run record's figures (landlords only)
    folder: Path | None = None  # a landlord's outputs folder, replaced as one set; None: files renamed one by one
    run_id: str = ""  # the batch run this job belongs to (recorded in the set's manifest)


@dataclass
class NotebookResult:
    """What became of one job: ``ok`` or ``failed``, where its files are, and its timings."""

    name: str
    status: str
    seconds: float
    notebook: Path | None = None
    report: Path | None = None
    metrics: Path | None = None
    error: str | None = None
    timings: Timings = field(default_factory=Timings)

    @property
    def landlord(self) -> str:
        """The landlord id (the job's name)."""
        return self.name


def describe_failure(exc: BaseException) -> str:
    """Why a job failed, for the run record, in one line of at most ``MAX_ERROR_CHARS``.

    A notebook error is its cell and the error's kind and first line; an :class:`AuditError` its
    message; anything else its kind and message.
    """
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        evalue = (exc.evalue or "").strip().splitlines()
        text = f"cell {exc.exec_count}: {exc.ename}" + (f": {evalue[0]}" if evalue else "")
    elif isinstance(exc, AuditError):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}"
    text = " ".join(text.split())
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


def _as_of(job: NotebookJob) -> dt.date:
    """The date the job's notebook judges actions at (its ``as_of`` parameter; today without one)."""
    value = job.parameters.get("as_of")
    try:
        return parse_as_of(value if isinstance(value, str) else None)
    except UsageError:  # the notebook failed on it; the provenance of the failure still needs a date
        return dt.date.today()


def job_provenance(job: NotebookJob, record: dict[str, Any] | None) -> dict[str, Any]:
    """The provenance of a job's outputs: the kernel's record plus the notebook and its parameters."""
    kernel = dict((record or {}).get("provenance") or {})
    if not kernel:
        kernel = base_provenance(None, {}, _as_of(job))
    ordered = {key: kernel.get(key) for key in ("product", "product_version", "code_version")}
    ordered["parameters"] = dict(job.parameters)
    ordered["notebook"] = {"file": job.notebook.name, "sha256": sha256_of(job.notebook)}
    for key, value in kernel.items():
        if key not in ordered:
            ordered[key] = value
    return ordered


def _unlink(*paths: Path | None) -> None:
    """Remove these files if they exist."""
    for path in paths:
        if path is not None:
            Path(path).unlink(missing_ok=True)


def _release(release: list[Callable[[], None]]) -> None:
    """Free the killed kernel's process, ports and connection file (timed as part of its stop)."""
    for cleanup in release:
        with contextlib.suppress(Exception):
            cleanup()


def _write_notebook(nb: Any, path: Path) -> None:
    """Write an executed notebook atomically, as ``nbformat.write`` formats it."""
    import nbformat

    text = nbformat.writes(nb)
    atomic_write_text(path, text if text.endswith("\n") else text + "\n")


def _where_published(nb: Any, final: Path | None) -> None:
    """Name the notebook's published path, not its staging folder's, in papermill's metadata."""
    papermill_metadata = nb.metadata.get("papermill")
    if final is not None and papermill_metadata is not None and "output_path" in papermill_metadata:
        papermill_metadata["output_path"] = str(final)


def _stamp(job: NotebookJob, final: Path | None = None) -> None:
    """Record the provenance in a failed run's kept notebook too (best effort: it may be damaged)."""
    import nbformat

    with contextlib.suppress(Exception):
        nb = nbformat.read(str(job.executed), as_version=4)
        nb.metadata[METADATA_KEY] = {"provenance": job_provenance(job, find_record(nb))}
        _where_published(nb, final)
        _write_notebook(nb, job.executed)


def _execute_and_export(job: NotebookJob, timings: Timings, release: list[Callable[[], None]],
                        final: Path | None = None) -> None:
    """Execute the notebook, write its provenance and ``metrics.json``, export the report (paths of ``job``).

    ``final``: where the executed notebook will be published (named in its metadata).
    """
    from ..report.export import cached_exporter, export_html
    from .engine import execute_notebook

    nb = execute_notebook(job, timings, release)
    record = find_record(nb)
    provenance = job_provenance(job, record)
    nb.metadata[METADATA_KEY] = {"provenance": provenance}
    _where_published(nb, final)
    _write_notebook(nb, job.executed)
    if job.metrics is not None and record is not None:
        atomic_write_text(job.metrics, dumps_json({**record, "provenance": provenance}))
    began = time.perf_counter()
    export_html(nb, job.report, cached_exporter(), job.title)
    timings.export = time.perf_counter() - began


def _staged(job: NotebookJob, stage: Path) -> NotebookJob:
    """The job with every output in ``stage`` (same file names)."""
    return replace(job, executed=stage / job.executed.name, report=stage / job.report.name,
                   metrics=None if job.metrics is None else stage / job.metrics.name)


def _publish(job: NotebookJob, stage: Path, token: str, status: str, error: str | None) -> None:
    """Put the staged outputs in place: a landlord's as one set (manifest last), the group's file by file."""
    from .outputs import publish_set, write_manifest

    if job.folder is not None:
        write_manifest(stage, job.name, job.run_id, status, error)
        publish_set(stage, job.folder, token)
        return
    for final in (job.executed, job.report):  # the index last: it links the rest
        staged = stage / final.name
        if staged.exists():
            os.replace(staged, final)


def run_job(job: NotebookJob) -> NotebookResult:
    """Execute, record and export one notebook; a failure is returned as a result, never raised."""
    from .outputs import remove_tree, staging_folder

    started = time.perf_counter()
    timings = Timings()
    release: list[Callable[[], None]] = []
    token = f"{job.run_id or 'run'}-{os.getpid()}"
    final_folder = job.folder if job.folder is not None else job.executed.parent
    stage = staging_folder(job.folder if job.folder is not None else final_folder / "group-summary", token)
    status, error, published = "ok", None, False
    try:
        remove_tree(stage)
        stage.mkdir(parents=True)
        staged = _staged(job, stage)
        try:
            _execute_and_export(staged, timings, release, job.executed)
        except Exception as exc:  # one notebook's failure must not stop the others
            status, error = "failed", describe_failure(exc)
            _unlink(staged.report, staged.metrics)
            _stamp(staged, job.executed)
        _release(release)
        release.clear()
        _publish(job, stage, token, status, error)
        published = True
    except Exception as exc:  # the outputs could not be staged or put in place
        _release(release)
        status, error = "failed", describe_failure(exc)
    finally:
        remove_tree(stage)
    seconds = time.perf_counter() - started
    if status != "ok":
        notebook = job.executed if published and job.executed.exists() else None  # never an earlier run's
        return NotebookResult(job.name, "failed", seconds, notebook=notebook, error=error, timings=timings)
    return NotebookResult(
        job.name, "ok", seconds, notebook=job.executed, report=job.report,
        metrics=job.metrics if job.metrics is not None and job.metrics.exists() else None, timings=timings,
    )
