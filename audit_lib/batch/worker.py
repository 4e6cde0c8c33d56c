"""The worker side of a batch: one job's notebooks executed, recorded, exported and printed.

:func:`run_job` runs in a worker process (a local process pool or a Dask worker). It has the
notebook executed by the batch engine (:mod:`audit_lib.batch.engine`: a fresh kernel, start-up
retries, per-cell timeout, the kernel killed as soon as its last output is in), takes the run
record the notebook published (:mod:`audit_lib.report.provenance`), stores the provenance in the
notebook's metadata, writes ``metrics.json`` and exports the report with this worker's reused
exporter, then releases the killed kernel. A job may name more notebooks to execute after the
first, each the same way in a fresh kernel of its own (:class:`ExtraNotebook`: the annual report
of ``run --report annual``), and may ask for every report of it printed as PDF
(:class:`PdfSpec`), with this worker's one browser (:func:`worker_printer`). Everything is
written in a staging folder; a landlord's set gets its manifest last and is then swapped in
whole for its old set (:mod:`audit_lib.batch.outputs`), so its folder always holds one complete
set from one run: if any notebook or PDF of it fails, the landlord fails and the set holds only
the executed notebooks (the failing cell marked), never a report. The group summary's notebook,
index and PDF are each renamed into place, in that order (the run withdrew the previous ones, the
PDF first: :func:`audit_lib.batch.run.withdraw_group_summary`). A failure is a result, never an exception.

The job and result types here are what the orchestrating process exchanges with the workers;
papermill and nbconvert are imported on first use, so that process never loads them.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.io import atomic_write_text, dumps_json, sha256_of
from ..core.periods import parse_as_of
from ..errors import AuditError, RunError, UsageError
from ..report.provenance import METADATA_KEY, base_provenance, find_record

if TYPE_CHECKING:
    from ..report.pdf import PdfPrinter

#: Seconds a single cell may run before it is stopped and marked as failed.
DEFAULT_CELL_TIMEOUT = 600
MAX_ERROR_CHARS = 300


@dataclass
class Timings:
    """Where one job's time went, in seconds: its first notebook's, each further notebook's (by
    its key, e.g. ``annual_report``) and the PDF printing of all its reports."""

    kernel_start: float = 0.0
    execution: float = 0.0
    shutdown: float = 0.0
    export: float = 0.0
    kernel_attempts: int = 0
    pdf: float = 0.0  # every report of the job printed (0 when no PDF was asked for)
    notebooks: dict[str, Timings] = field(default_factory=dict)  # the further notebooks', by key

    def as_dict(self) -> dict[str, Any]:
        """Rounded seconds, as written to the run record (a further notebook's under its key)."""
        record: dict[str, Any] = {
            "kernel_start": round(self.kernel_start, 3), "execution": round(self.execution, 3),
            "shutdown": round(self.shutdown, 3), "export": round(self.export, 3),
            "kernel_attempts": self.kernel_attempts, "pdf": round(self.pdf, 3)}
        for key, timings in self.notebooks.items():
            record[key] = {k: v for k, v in timings.as_dict().items() if k != "pdf"}
        return record


@dataclass(frozen=True)
class RunSettings:
    """How notebooks are executed: kernel, per-cell timeout and kernel start retries."""

    kernel_name: str | None = None  # None: the notebook's own kernelspec
    timeout: int | None = DEFAULT_CELL_TIMEOUT  # per cell, seconds; None for no limit
    start_timeout: int = 60
    start_attempts: int = 3
    retry_pause: float = 1.0  # seconds, times the attempt number


@dataclass(frozen=True)
class PdfSpec:
    """A report to print as PDF: where, and the running header and footer text (plain text)."""

    path: Path
    header: str  # "landlord name - period - title"
    footer: str  # beside "Page x of y"


@dataclass(frozen=True)
class ExtraNotebook:
    """A further notebook of a job, executed after its first in a fresh kernel and written to the same set.

    ``key`` names its timings in the run record (``annual_report``); ``label`` names it in an
    error line ("annual report").
    """

    key: str
    label: str
    notebook: Path
    executed: Path
    report: Path
    parameters: dict[str, Any]
    title: str
    pdf: PdfSpec | None = None


@dataclass(frozen=True)
class NotebookJob:
    """One notebook to execute and export (a landlord's workbook or the group summary), and any
    further notebooks of the same set (``extras``), each report printed as PDF when ``pdf`` is given."""

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
    pdf: PdfSpec | None = None  # the report printed as PDF; None: no PDF
    extras: tuple[ExtraNotebook, ...] = ()  # executed after this one, into the same set

    @property
    def reports(self) -> tuple[Path, ...]:
        """Every report of the job: the HTML files, then the PDFs, in the order they are written."""
        htmls = [self.report, *(extra.report for extra in self.extras)]
        pdfs = [spec.path for spec in (self.pdf, *(extra.pdf for extra in self.extras)) if spec is not None]
        return (*htmls, *pdfs)


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
    others: tuple[Path, ...] = ()  # the set's further reports: the annual report, the PDFs

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


_printer_lock = threading.Lock()
_printer: PdfPrinter | None = None


def _close_printer() -> None:
    """Close this worker's printer, if it has one (when the worker ends, or after a printing failure)."""
    global _printer
    with _printer_lock:
        printer, _printer = _printer, None
    if printer is not None:
        with contextlib.suppress(Exception):
            printer.close()


def worker_printer() -> PdfPrinter:
    """This worker process's PDF printer: one chromium, started on first use, reused for every report
    the worker prints, and closed when the worker ends (like :func:`~audit_lib.report.export.cached_exporter`)."""
    global _printer
    with _printer_lock:
        if _printer is None:
            from multiprocessing.util import Finalize

            from ..report.pdf import PdfPrinter

            _printer = PdfPrinter()
            atexit.register(_close_printer)  # a Dask worker's end
            Finalize(None, _close_printer, exitpriority=10)  # a process pool worker's end (no atexit there)
        return _printer


class _PartError(Exception):
    """One part of a job failed; the message is its one-line error, already named."""


def _one_line(label: str, exc: BaseException) -> str:
    """A failure of one part of a job, named: ``annual report: cell 4: ValueError: ...``."""
    text = f"{label}: {describe_failure(exc)}"
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


def _print_pdfs(specs: list[tuple[Path, PdfSpec]], stage: Path, timings: Timings) -> None:
    """Print each (staged HTML report, PDF) into ``stage`` with this worker's printer; raise on the first failure."""
    began = time.perf_counter()
    try:
        for html_path, spec in specs:
            try:
                worker_printer().print(html_path, stage / spec.path.name, header=spec.header, footer_left=spec.footer)
            except Exception as exc:
                _close_printer()  # the next job starts a browser afresh
                message = exc.message if isinstance(exc, AuditError) else f"{type(exc).__name__}: {exc}"
                raise _PartError(_one_line(spec.path.name, RunError(message))) from None
    finally:
        timings.pdf = time.perf_counter() - began


def _extra_job(job: NotebookJob, extra: ExtraNotebook, stage: Path) -> NotebookJob:
    """A further notebook of ``job`` as a job of its own, its outputs in ``stage``."""
    return replace(job, notebook=extra.notebook, executed=stage / extra.executed.name,
                   report=stage / extra.report.name, parameters=dict(extra.parameters), title=extra.title,
                   metrics=None, pdf=None, extras=())


def _run_parts(job: NotebookJob, stage: Path, timings: Timings, release: list[Callable[[], None]]) -> None:
    """Execute and export every notebook of ``job`` into ``stage`` in order, then print the PDFs.

    Raises :class:`_PartError` (its message the one-line error) at the first failure, after
    stamping the failed notebook's provenance.
    """
    staged = _staged(job, stage)
    parts: list[tuple[str, NotebookJob, Path, Timings, PdfSpec | None]] = [
        ("", staged, job.executed, timings, job.pdf)]
    for extra in job.extras:
        timings.notebooks[extra.key] = Timings()
        parts.append((extra.label, _extra_job(job, extra, stage), extra.executed, timings.notebooks[extra.key],
                      extra.pdf))
    for label, part, final, part_timings, _ in parts:
        try:
            _execute_and_export(part, part_timings, release, final)
        except Exception as exc:  # one notebook's failure must not stop the others
            _stamp(part, final)
            raise _PartError(_one_line(label, exc) if label else describe_failure(exc)) from None
        finally:
            _release(release)
            release.clear()
    specs = [(part.report, pdf) for _, part, _, _, pdf in parts if pdf is not None]
    if specs:
        _print_pdfs(specs, stage, timings)


def _staged(job: NotebookJob, stage: Path) -> NotebookJob:
    """The job with every output in ``stage`` (same file names)."""
    return replace(job, executed=stage / job.executed.name, report=stage / job.report.name,
                   metrics=None if job.metrics is None else stage / job.metrics.name)


def _publish(job: NotebookJob, stage: Path, token: str, status: str, error: str | None) -> None:
    """Put the staged outputs in place: a landlord's as one set (manifest last), the group's file by file."""
    from .outputs import publish_set, write_manifest

    if job.folder is not None:
        asked = {"reports": [path.name for path in (job.report, *(extra.report for extra in job.extras))],
                 "pdf": job.pdf is not None}
        write_manifest(stage, job.name, job.run_id, status, error, asked)
        publish_set(stage, job.folder, token)
        return
    finals = [job.executed, *(extra.executed for extra in job.extras), *job.reports]
    for final in finals:  # the PDF after the index: a PDF is never there without its own run's index
        staged = stage / final.name
        if staged.exists():
            os.replace(staged, final)


def _discard_reports(job: NotebookJob, stage: Path) -> None:
    """Remove every report, PDF and ``metrics.json`` from a failed job's stage (the notebooks stay)."""
    _unlink(*(stage / path.name for path in job.reports), None if job.metrics is None else stage / job.metrics.name)


def run_job(job: NotebookJob) -> NotebookResult:
    """Execute, record, export and print one job; a failure is returned as a result, never raised."""
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
        try:
            _run_parts(job, stage, timings, release)
        except _PartError as exc:  # one landlord's failure must not stop the others
            status, error = "failed", str(exc)
            _discard_reports(job, stage)
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
        others=tuple(path for path in job.reports[1:] if path.exists()),
    )
