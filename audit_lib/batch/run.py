"""The batch: every landlord's workbook in parallel worker processes, then the group roll-up.

For each landlord, a worker executes ``notebooks/self_assessment.ipynb`` with papermill in a
fresh kernel (``interactive = False``), writes ``metrics.json`` and exports the report
(:mod:`audit_lib.batch.worker`). With ``report="annual"`` the same job then executes
``notebooks/annual_report.ipynb`` in a fresh kernel of its own into the same set (the annual
complaints performance and service improvement report, which appends the self-assessment);
with ``pdf`` every report of the set, and the group summary, is also printed as PDF by the
worker's one chromium (checked for before any landlord runs). Workers are a local process pool (one per core by default) or
a Dask distributed cluster (:mod:`audit_lib.batch.pools`). When the landlords are done,
``notebooks/group_summary.ipynb`` is executed the same way and exported as the group's
``index.html``. Every notebook of a run judges actions at the same date, ``as_of`` (today unless
given). A landlord's failure never stops the others; ``run.json`` records how each landlord's
latest run ended, so a run with ``retry_failed`` re-runs only those that failed.

Outputs go to ``outputs/<period>/<landlord>/`` and ``outputs/<period>/``; ``inputs/`` is only read.
A run holds an exclusive lock on ``outputs/<period>/`` from start to end; each landlord's
outputs are replaced as one set (:mod:`audit_lib.batch.outputs`); ``run.json`` records each
landlord as running before it starts and its outcome as soon as it ends; the previous group
summary (``index.html``, its notebook and ``group_summary.pdf``) is withdrawn whole before any
landlord runs, and only this run's group summary puts its files back. Worker processes end
when this process dies (:mod:`audit_lib.batch.pools`).
This module imports neither papermill nor nbconvert: only the workers load them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..config.landlords import Registry, load_registry
from ..core.paths import (
    ANNUAL_NOTEBOOK_NAME,
    ANNUAL_PDF_NAME,
    ANNUAL_REPORT,
    ANNUAL_REPORT_NAME,
    GROUP_NOTEBOOK_NAME,
    GROUP_PDF_NAME,
    GROUP_SUMMARY,
    INDEX_NAME,
    METRICS_NAME,
    NOTEBOOK_NAME,
    REPORT_NAME,
    REPORT_PDF_NAME,
    SELF_ASSESSMENT,
    landlord_output_dir,
)
from ..core.periods import Period, parse_as_of
from ..errors import RunError, UsageError
from .outputs import OutputsLock, check_outputs, remove_leftovers
from .pools import EXECUTORS, Executor, Pool, open_pool
from .progress import Progress
from .runrecord import (
    RunRecorder,
    failed_last_time,
    group_needs_run,
    mark_running,
    settle_interrupted,
    write_run_record,
)
from .worker import DEFAULT_CELL_TIMEOUT, ExtraNotebook, NotebookJob, NotebookResult, PdfSpec, RunSettings, run_job

GROUP = "group summary"
#: What ``report`` may ask for: the self-assessment alone, or the annual report too (which appends it, 8.1 a).
REPORTS: tuple[str, ...] = ("self-assessment", "annual")
#: The annual report's title (after the landlord's name) and its PDF header's.
ANNUAL_TITLE = "Annual complaints performance and service improvement report"
SELF_ASSESSMENT_TITLE = "Complaint Handling Code self-assessment"


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs: workers, executor, per-cell timeout, which landlords, which notebooks, which date."""

    workers: int | None = None  # None: one per core
    executor: Executor = "local"
    scheduler: str | None = None  # an existing Dask scheduler's address; None starts a LocalCluster
    timeout: int | None = DEFAULT_CELL_TIMEOUT  # seconds per cell
    retry_failed: bool = False
    notebook: Path = SELF_ASSESSMENT
    group_notebook: Path = GROUP_SUMMARY
    kernel_name: str | None = None  # None: the notebook's kernelspec
    progress: bool | None = None  # None: a progress bar only on a terminal
    start_attempts: int = 3
    retry_pause: float = 1.0
    as_of: dt.date | None = None  # the date actions are judged at; None: today
    report: str = "self-assessment"  # or "annual": the annual report too, in the same set (REPORTS)
    pdf: bool = False  # every report also printed as PDF (needs chromium)
    annual_notebook: Path = ANNUAL_REPORT

    @property
    def annual(self) -> bool:
        """Whether each landlord's set holds the annual report too."""
        return self.report == "annual"

    @property
    def settings(self) -> RunSettings:
        """The part of the options the workers need."""
        return RunSettings(kernel_name=self.kernel_name, timeout=self.timeout,
                           start_attempts=self.start_attempts, retry_pause=self.retry_pause)

    @property
    def as_of_text(self) -> str:
        """``as_of`` as the notebooks' parameter: an ISO date, ``"YYYY-MM-DD"`` (today when not given)."""
        return (self.as_of or dt.date.today()).isoformat()


@dataclass
class BatchResult:
    """The landlords' results (in the order asked for), the group summary's, and where they are."""

    period: Period
    results: list[NotebookResult] = field(default_factory=list)
    group: NotebookResult | None = None
    index: Path | None = None
    record: Path | None = None
    workers: int = 0
    executor: str = "local"
    seconds: float = 0.0
    as_of: dt.date | None = None  # the date every notebook of the run judged actions at
    #: With ``retry_failed``: landlords whose latest run failed but that the registry no longer lists
    #: (they cannot be run, so they are named, not silently passed over)
    not_retried: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[NotebookResult]:
        """The landlords whose run failed."""
        return [r for r in self.results if r.status != "ok"]

    @property
    def ok(self) -> bool:
        """True when every landlord and the group summary succeeded."""
        return not self.failed and (self.group is None or self.group.status == "ok")


def default_workers() -> int:
    """One worker per core."""
    return os.cpu_count() or 1


def check_options(options: BatchOptions) -> BatchOptions:
    """``options`` with ``as_of`` as a plain date; :class:`UsageError` for values that do not fit together."""
    if options.report not in REPORTS:
        raise UsageError(f"report must be one of {', '.join(REPORTS)}; found {options.report!r}")
    if options.executor not in EXECUTORS:
        raise UsageError(f"executor must be one of {', '.join(EXECUTORS)}; found {options.executor!r}")
    if options.scheduler and options.executor != "dask":
        raise UsageError(f"scheduler names a Dask scheduler: use it with executor 'dask', not {options.executor!r}")
    if options.workers is not None and options.workers < 1:
        raise UsageError(f"workers must be at least 1; found {options.workers}")
    if options.timeout is not None and options.timeout <= 0:
        raise UsageError(f"timeout must be a positive number of seconds per cell, or None for no limit; "
                         f"found {options.timeout}")
    if options.as_of is not None:
        options = replace(options, as_of=parse_as_of(options.as_of))
    return options


def select_landlords(registry: Registry, landlord_ids: list[str] | None, period: Period, outputs: Path,
                     retry_failed: bool = False) -> list[str]:
    """The landlords to run: those named (validated), else all; with ``retry_failed`` only last run's failures."""
    ids = [e.id for e in registry.landlords] if landlord_ids is None else list(dict.fromkeys(landlord_ids))
    for landlord_id in ids:
        registry.get(landlord_id)  # validates the id and that it is registered, before any work
    if retry_failed:
        failed = set(failed_last_time(outputs, period))
        ids = [i for i in ids if i in failed]
    return ids


def unregistered_failures(registry: Registry, outputs: Path, period: Period) -> list[str]:
    """Landlords whose latest run failed (as the run record says) that the registry no longer lists."""
    registered = {entry.id for entry in registry.landlords}
    return [landlord for landlord in failed_last_time(outputs, period) if landlord not in registered]


def _pdf(options: BatchOptions, path: Path, name: str, period: Period, title: str) -> PdfSpec | None:
    """A report's PDF when the run prints them: header "name - period - title", footer "name - period"."""
    if not options.pdf:
        return None
    return PdfSpec(path, header=f"{name} - {period.id} - {title}", footer=f"{name} - {period.id}")


def annual_notebook(landlord_id: str, name: str, period: Period, inputs: Path, folder: Path,
                    options: BatchOptions) -> ExtraNotebook:
    """The annual report of one landlord, executed after its workbook into the same set."""
    return ExtraNotebook(
        key="annual_report",
        label="annual report",
        notebook=options.annual_notebook,
        executed=folder / ANNUAL_NOTEBOOK_NAME,
        report=folder / ANNUAL_REPORT_NAME,
        parameters={"landlord": landlord_id, "period": period.id, "inputs_dir": str(inputs),
                    "as_of": options.as_of_text},
        title=f"{name}: {ANNUAL_TITLE} {period.id}",
        pdf=_pdf(options, folder / ANNUAL_PDF_NAME, name, period, ANNUAL_TITLE),
    )


def landlord_job(registry: Registry, landlord_id: str, period: Period, inputs: Path, outputs: Path,
                 options: BatchOptions, run_id: str = "") -> NotebookJob:
    """The job of one landlord: its workbook executed into ``outputs/<period>/<landlord>/`` (and, with
    ``report="annual"``, its annual report after it, into the same set)."""
    folder = landlord_output_dir(outputs, period, landlord_id)
    name = registry.get(landlord_id).name
    extras = (annual_notebook(landlord_id, name, period, inputs, folder, options),) if options.annual else ()
    return NotebookJob(
        name=landlord_id,
        notebook=options.notebook,
        executed=folder / NOTEBOOK_NAME,
        report=folder / REPORT_NAME,
        metrics=folder / METRICS_NAME,
        parameters={"landlord": landlord_id, "period": period.id, "inputs_dir": str(inputs), "interactive": False,
                    "as_of": options.as_of_text},
        title=f"{name}: {SELF_ASSESSMENT_TITLE} {period.id}",
        settings=options.settings,
        folder=folder,
        run_id=run_id,
        pdf=_pdf(options, folder / REPORT_PDF_NAME, name, period, SELF_ASSESSMENT_TITLE),
        extras=extras,
    )


def group_job(registry: Registry, period: Period, inputs: Path, outputs: Path, options: BatchOptions,
              run_id: str = "") -> NotebookJob:
    """The job of the group roll-up: ``group_summary.ipynb`` exported as ``outputs/<period>/index.html``."""
    folder = Path(outputs) / period.id
    return NotebookJob(
        name=GROUP,
        notebook=options.group_notebook,
        executed=folder / GROUP_NOTEBOOK_NAME,
        report=folder / INDEX_NAME,
        parameters={"period": period.id, "inputs_dir": str(inputs), "outputs_dir": str(outputs),
                    "as_of": options.as_of_text},
        title=f"{registry.group.name}: Complaint Handling Code self-assessments {period.id}",
        settings=options.settings,
        run_id=run_id,
        pdf=_pdf(options, folder / GROUP_PDF_NAME, registry.group.name, period,
                 "Complaint Handling Code self-assessments"),
    )


def _worker_failed(job: NotebookJob, exc: BaseException, seconds: float) -> NotebookResult:
    """A result for a job whose worker itself failed (crashed, lost, cancelled)."""
    text = " ".join(f"worker failed: {type(exc).__name__}: {exc}".split())
    return NotebookResult(job.name, "failed", seconds, error=text[:300])  # any notebook there is an earlier run's


def _run_all(pool: Pool, jobs: list[NotebookJob], progress: Progress,
             on_result: Callable[[NotebookResult], object] | None = None) -> tuple[dict[str, NotebookResult], bool]:
    """Submit every job, collect the results as they complete, never raising for one job.

    Also says whether a worker itself failed (the pool may then be unusable).
    """
    started = time.perf_counter()
    results: dict[str, NotebookResult] = {}
    futures: dict[Any, NotebookJob] = {}
    broken = False
    pending = [job.name for job in jobs]
    progress.in_hand(pending)

    def finish(job: NotebookJob, result: NotebookResult) -> None:
        results[job.name] = result
        pending.remove(job.name)
        if on_result is not None:
            on_result(result)
        progress.done(result, pending)

    for job in jobs:
        try:
            futures[pool.submit(run_job, job)] = job
        except Exception as exc:  # a pool whose workers died refuses new work
            broken = True
            finish(job, _worker_failed(job, exc, time.perf_counter() - started))
    for future in pool.as_completed(list(futures)):
        job = futures[future]
        try:
            result = future.result()
        except Exception as exc:  # the worker, not the notebook, failed
            broken = True
            result = _worker_failed(job, exc, time.perf_counter() - started)
        finish(job, result)
    return results, broken


def _input_size(inputs: Path, landlord_id: str) -> int:
    """Bytes in a landlord's inputs folder (mostly its case log): how long its run will roughly take."""
    try:
        return sum(entry.stat().st_size for entry in os.scandir(Path(inputs) / landlord_id) if entry.is_file())
    except OSError:
        return 0


def check_printing() -> None:
    """Before any landlord runs: :class:`RunError` in one line when PDFs cannot be printed (no chromium
    where :func:`~audit_lib.report.pdf.find_chromium` looks, or no playwright package)."""
    import importlib.util

    from ..report.pdf import find_chromium

    find_chromium()
    if importlib.util.find_spec("playwright") is None:
        raise RunError("printing PDFs needs the Python package playwright (a dependency of chc-audit); install it "
                       "with `pip install playwright` (no browser download is needed: Debian's chromium prints)")


def new_run_id() -> str:
    """A run's id: its start time and a random part, unique among runs on the same outputs."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


#: The group summary's files, in the order a run withdraws them: the PDF first, so that a run
#: stopped at any point (even killed) never leaves a PDF beside another run's index, or none.
GROUP_FILES: tuple[str, ...] = (GROUP_PDF_NAME, INDEX_NAME, GROUP_NOTEBOOK_NAME)


def withdraw_group_summary(period_folder: Path) -> None:
    """Remove the previous group summary, all its files (:data:`GROUP_FILES`), before any landlord runs:
    it described the landlords' old outputs, being replaced now. This run's group summary puts back
    only the files it makes (no PDF without ``pdf``, nothing but its notebook when it fails)."""
    for name in GROUP_FILES:
        (period_folder / name).unlink(missing_ok=True)


def run_batch(landlord_ids: list[str] | None, period: Period, inputs: Path, outputs: Path,
              options: BatchOptions | None = None, **settings: Any) -> BatchResult:
    """Run the named landlords (all when ``None``) in parallel, then the group roll-up; record the run.

    ``settings`` override fields of ``options`` (e.g. ``workers=2, executor="dask"``). Options that
    do not fit together raise :class:`~audit_lib.errors.UsageError`; an outputs folder that is a
    file, cannot be written or is in use by another run raises :class:`~audit_lib.errors.RunError`.
    """
    options = check_options(replace(options or BatchOptions(), **settings))
    inputs, outputs = Path(inputs).resolve(), Path(outputs).resolve()
    registry = load_registry(inputs)
    ids = select_landlords(registry, landlord_ids, period, outputs, options.retry_failed)
    for notebook in (options.notebook, options.group_notebook, *([options.annual_notebook] if options.annual else [])):
        if not Path(notebook).is_file():
            raise RunError(f"the notebook is missing: expected {notebook}")
    if options.pdf:
        check_printing()
    options = replace(options, notebook=Path(options.notebook).resolve(),
                      group_notebook=Path(options.group_notebook).resolve(),
                      annual_notebook=Path(options.annual_notebook).resolve(),
                      as_of=options.as_of or dt.date.today())  # one date for every notebook of the run
    workers = options.workers or default_workers()
    batch = BatchResult(period, workers=workers, executor=options.executor, as_of=options.as_of)
    if not ids and not options.retry_failed:
        return batch
    period_folder = outputs / period.id
    check_outputs(outputs, period_folder)
    with OutputsLock(period_folder):
        if settle_interrupted(outputs, period) and options.retry_failed:  # a killed run's landlords count as failed
            ids = select_landlords(registry, landlord_ids, period, outputs, retry_failed=True)
        if options.retry_failed and landlord_ids is None:
            batch.not_retried = unregistered_failures(registry, outputs, period)
        remove_leftovers(period_folder)
        if not ids and not (options.retry_failed and group_needs_run(outputs, period)):
            return batch  # nothing to retry; an unfinished group summary alone is run again
        return _run_locked(batch, registry, ids, period, inputs, outputs, options)


def _run_locked(batch: BatchResult, registry: Registry, ids: list[str], period: Period, inputs: Path,
                outputs: Path, options: BatchOptions) -> BatchResult:
    """The run itself, under the outputs lock: landlords in parallel, then the group summary."""
    run_id = new_run_id()
    jobs = [landlord_job(registry, i, period, inputs, outputs, options, run_id) for i in ids]
    jobs.sort(key=lambda job: -_input_size(inputs, job.name))  # longest first: no straggler at the end
    workers = batch.workers if options.executor == "dask" else min(batch.workers, max(1, len(jobs)))
    started_at = dt.datetime.now(dt.UTC)
    began = time.perf_counter()
    run = {"run_id": run_id, "started": started_at.isoformat(timespec="seconds"), "landlords": ids,
           "executor": options.executor, "workers": batch.workers, "timeout": options.timeout,
           "retry_failed": options.retry_failed, "as_of": options.as_of_text, "report": options.report,
           "pdf": options.pdf, "pid": os.getpid()}
    mark_running(outputs, period, ids, run)
    withdraw_group_summary(outputs / period.id)
    pool = open_pool(options.executor, workers, options.scheduler)
    batch.workers = run["workers"] = pool.workers
    progress = Progress(len(jobs) + 1, pool.workers, period, options.progress)
    cancel = True
    try:
        recorder = RunRecorder(outputs, period, run_id)
        try:
            results, broken = _run_all(pool, jobs, progress, recorder)
        except BaseException:
            with contextlib.suppress(Exception):  # the run's own error is the one to see
                recorder.close()
            raise
        recorder.close()
        batch.results = [results[i] for i in ids]
        write_run_record(outputs, period, batch.results, None, run)  # the group summary reads it
        if broken and options.executor == "local":  # a worker died: the pool cannot take the group summary
            pool.close(cancel=True)
            pool = open_pool(options.executor, 1, None)
        group, _ = _run_all(pool, [group_job(registry, period, inputs, outputs, options, run_id)], progress)
        batch.group = group[GROUP]
        cancel = False
    finally:
        progress.close()
        pool.close(cancel=cancel)
    batch.index = batch.group.report if batch.group.status == "ok" else None
    batch.seconds = time.perf_counter() - began
    batch.record = write_run_record(outputs, period, [], batch.group, {**run, "seconds": round(batch.seconds, 2)})
    return batch


def summary_lines(batch: BatchResult) -> list[str]:
    """The end-of-run table: landlord, status, time, and the report (or the error in one line).

    A retry that found no landlord to re-run, but ran the group summary again because its last
    run did not complete, says so first.
    """
    rows = [*batch.results, *([batch.group] if batch.group else [])]
    if not rows:
        return []
    width = max(len("landlord"), *(len(r.name) for r in rows))
    lines = [f"No landlord to retry: none failed in the last run for {batch.period.id}; the group summary was run "
             "again, as its last run did not complete."] if not batch.results else []
    lines.append(f"{'landlord':<{width}}  {'status':<6}  {'time':>7}  report")
    for r in rows:
        where = str(r.report) if r.status == "ok" and r.report else (r.error or "")
        lines.append(f"{r.name:<{width}}  {r.status:<6}  {r.seconds:6.1f}s  {where}")
        if r.status == "ok":
            lines.extend(f"{'':<{width}}  {'':<6}  {'':>7}  {path}" for path in r.others)
    done = [r for r in batch.results if r.status == "ok"]
    if done:
        mean = {k: sum(getattr(r.timings, k) for r in done) / len(done)
                for k in ("kernel_start", "execution", "shutdown", "export", "pdf")}
        lines.append(
            f"{len(batch.results)} landlord(s) in {batch.seconds:.1f}s with {batch.workers} {batch.executor} worker(s); "
            f"per landlord on average: kernel start {mean['kernel_start']:.2f}s, execution {mean['execution']:.2f}s, "
            f"kernel stop {mean['shutdown']:.2f}s, export {mean['export']:.2f}s"
        )
        for key in dict.fromkeys(k for r in done for k in r.timings.notebooks):
            parts = [r.timings.notebooks[key] for r in done if key in r.timings.notebooks]
            means = {k: sum(getattr(p, k) for p in parts) / len(parts) for k in ("kernel_start", "execution", "export")}
            lines.append(f"{key.replace('_', ' ')} on average: kernel start {means['kernel_start']:.2f}s, "
                         f"execution {means['execution']:.2f}s, export {means['export']:.2f}s")
        if any(r.timings.pdf for r in done):
            lines.append(f"PDF printing on average: {mean['pdf']:.2f}s per landlord")
    return lines


__all__ = ["REPORTS", "BatchOptions", "BatchResult", "check_printing", "run_batch", "select_landlords",
           "summary_lines"]
