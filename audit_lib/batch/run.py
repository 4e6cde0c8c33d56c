"""The batch: every landlord's workbook in parallel worker processes, then the group roll-up.

For each landlord, a worker executes ``notebooks/self_assessment.ipynb`` with papermill in a
fresh kernel (``interactive = False``), writes ``metrics.json`` and exports the report with the
worker's reused exporter (:mod:`audit_lib.batch.worker`). Workers are a local process pool (one
per core by default) or a Dask distributed cluster. When the landlords are done,
``notebooks/group_summary.ipynb`` is executed the same way and exported as the group's
``index.html``. A landlord's failure never stops the others; ``run.json`` records how each
landlord's latest run ended, so ``--retry-failed`` can re-run only those that failed.

Outputs go to ``outputs/<period>/<landlord>/`` and ``outputs/<period>/``; ``inputs/`` is only read.
This module imports neither papermill nor nbconvert: only the workers load them.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import as_completed as futures_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from ..config.landlords import Registry, load_registry
from ..core.paths import (
    GROUP_NOTEBOOK_NAME,
    GROUP_SUMMARY,
    INDEX_NAME,
    METRICS_NAME,
    NOTEBOOK_NAME,
    REPORT_NAME,
    SELF_ASSESSMENT,
    landlord_output_dir,
)
from ..core.periods import Period
from ..errors import RunError
from .runrecord import failed_last_time, write_run_record
from .worker import DEFAULT_CELL_TIMEOUT, NotebookJob, NotebookResult, RunSettings, run_job

#: Kept for callers of the first batch module.
LandlordResult = NotebookResult
Executor = Literal["local", "dask"]
EXECUTORS: tuple[str, ...] = ("local", "dask")
GROUP = "group summary"


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs: workers, executor, per-cell timeout, which landlords, which notebooks."""

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

    @property
    def settings(self) -> RunSettings:
        """The part of the options the workers need."""
        return RunSettings(kernel_name=self.kernel_name, timeout=self.timeout,
                           start_attempts=self.start_attempts, retry_pause=self.retry_pause)


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


def landlord_job(registry: Registry, landlord_id: str, period: Period, inputs: Path, outputs: Path,
                 options: BatchOptions) -> NotebookJob:
    """The job of one landlord: its workbook executed into ``outputs/<period>/<landlord>/``."""
    folder = landlord_output_dir(outputs, period, landlord_id)
    name = registry.get(landlord_id).name
    return NotebookJob(
        name=landlord_id,
        notebook=options.notebook,
        executed=folder / NOTEBOOK_NAME,
        report=folder / REPORT_NAME,
        metrics=folder / METRICS_NAME,
        parameters={"landlord": landlord_id, "period": period.id, "inputs_dir": str(inputs), "interactive": False},
        title=f"{name}: Complaint Handling Code self-assessment {period.id}",
        settings=options.settings,
    )


def group_job(registry: Registry, period: Period, inputs: Path, outputs: Path, options: BatchOptions) -> NotebookJob:
    """The job of the group roll-up: ``group_summary.ipynb`` exported as ``outputs/<period>/index.html``."""
    folder = Path(outputs) / period.id
    return NotebookJob(
        name=GROUP,
        notebook=options.group_notebook,
        executed=folder / GROUP_NOTEBOOK_NAME,
        report=folder / INDEX_NAME,
        parameters={"period": period.id, "inputs_dir": str(inputs), "outputs_dir": str(outputs)},
        title=f"{registry.group.name}: Complaint Handling Code self-assessments {period.id}",
        settings=options.settings,
    )


class LocalPool:
    """Worker processes on this machine (started fresh, so nothing is inherited from this process)."""

    def __init__(self, workers: int) -> None:
        """A pool of ``workers`` fresh (spawned) processes."""
        self.workers = workers
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))

    def submit(self, fn: Callable[[NotebookJob], NotebookResult], job: NotebookJob) -> Future:
        """Run ``fn(job)`` in a worker process."""
        return self._pool.submit(fn, job)

    def as_completed(self, futures: list[Any]) -> Iterator[Any]:
        """The futures in the order they finish."""
        return futures_completed(futures)

    def close(self, cancel: bool = False) -> None:
        """Stop the workers; with ``cancel``, drop the jobs not yet started."""
        self._pool.shutdown(wait=not cancel, cancel_futures=cancel)


class DaskPool:
    """Tasks on a Dask distributed cluster: an existing scheduler, or a LocalCluster on the loopback."""

    def __init__(self, workers: int, scheduler: str | None) -> None:
        """Connect to ``scheduler``, or start a LocalCluster of ``workers`` processes."""
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - distributed is a dependency
            raise RunError(f"--executor dask needs the 'distributed' package ({exc})") from None
        self.cluster = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="15s")
            else:
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                            host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
        except (OSError, TimeoutError, ValueError) as exc:
            if self.cluster is not None:
                self.cluster.close()
            where = f"the Dask scheduler at {scheduler}" if scheduler else "a local Dask cluster"
            raise RunError(f"cannot use {where}: {type(exc).__name__}: {exc}") from None
        self.workers = len(self.client.scheduler_info().get("workers", {})) or workers
        self._token = uuid.uuid4().hex[:8]

    def submit(self, fn: Callable[[NotebookJob], NotebookResult], job: NotebookJob) -> Any:
        """Run ``fn(job)`` as a task with a unique key."""
        key = f"chc-audit-{job.name.replace(' ', '-')}-{self._token}"
        return self.client.submit(fn, job, key=key, pure=False)

    def as_completed(self, futures: list[Any]) -> Iterator[Any]:
        """The futures in the order they finish."""
        from distributed import as_completed

        return iter(as_completed(futures))

    def close(self, cancel: bool = False) -> None:
        """Disconnect, and stop the cluster if this pool started it."""
        self.client.close()  # closing the client releases (and so cancels) its tasks
        if self.cluster is not None:
            self.cluster.close()


def _failed(job: NotebookJob, exc: BaseException, seconds: float) -> NotebookResult:
    """A result for a job whose worker itself failed (crashed, lost, cancelled)."""
    text = " ".join(f"worker failed: {type(exc).__name__}: {exc}".split())
    notebook = job.executed if job.executed.exists() else None
    return NotebookResult(job.name, "failed", seconds, notebook=notebook, error=text[:300])


class Progress:
    """One progress bar for the whole batch, naming the notebooks in hand."""

    def __init__(self, total: int, workers: int, period: Period, enabled: bool | None) -> None:
        """A bar of ``total`` notebooks; ``enabled=None`` shows it only on a terminal."""
        from tqdm import tqdm

        self.workers = workers
        self.bar = tqdm(total=total, desc=f"chc-audit {period.id}", unit="notebook", file=sys.stderr,
                        disable=(not enabled) if enabled is not None else None, dynamic_ncols=True)

    def in_hand(self, pending: list[str]) -> None:
        """Name the notebooks being worked on (the first ``workers`` not yet done, in submission order)."""
        shown = pending[: self.workers]
        self.bar.set_postfix_str(("in hand: " + ", ".join(shown)) if shown else "done", refresh=True)

    def done(self, result: NotebookResult, pending: list[str]) -> None:
        """Count a finished notebook; say so at once when it failed."""
        if result.status != "ok" and not self.bar.disable:
            self.bar.write(f"{result.name}: failed: {result.error}", file=sys.stderr)
        self.bar.update(1)
        self.in_hand(pending)

    def close(self) -> None:
        """Finish the bar."""
        self.bar.close()


def _run_all(pool: LocalPool | DaskPool, jobs: list[NotebookJob], progress: Progress) -> dict[str, NotebookResult]:
    """Submit every job, collect the results as they complete, never raising for one job."""
    started = time.perf_counter()
    futures = {pool.submit(run_job, job): job for job in jobs}
    pending = [job.name for job in jobs]
    progress.in_hand(pending)
    results: dict[str, NotebookResult] = {}
    for future in pool.as_completed(list(futures)):
        job = futures[future]
        try:
            result = future.result()
        except Exception as exc:  # the worker, not the notebook, failed
            result = _failed(job, exc, time.perf_counter() - started)
        results[job.name] = result
        pending.remove(job.name)
        progress.done(result, pending)
    return results


def _input_size(inputs: Path, landlord_id: str) -> int:
    """Bytes in a landlord's inputs folder (mostly its case log): how long its run will roughly take."""
    try:
        return sum(entry.stat().st_size for entry in os.scandir(Path(inputs) / landlord_id) if entry.is_file())
    except OSError:
        return 0


def run_batch(landlord_ids: list[str] | None, period: Period, inputs: Path, outputs: Path,
              options: BatchOptions | None = None, **settings: Any) -> BatchResult:
    """Run the named landlords (all when ``None``) in parallel, then the group roll-up; record the run.

    ``settings`` override fields of ``options`` (e.g. ``workers=2, executor="dask"``).
    """
    options = replace(options or BatchOptions(), **settings)
    if options.executor not in EXECUTORS:
        raise RunError(f"unknown executor {options.executor!r}; expected one of {', '.join(EXECUTORS)}")
    if options.scheduler and options.executor != "dask":
        raise RunError("--scheduler names a Dask scheduler: use it with --executor dask")
    if options.workers is not None and options.workers < 1:
        raise RunError(f"--workers must be at least 1; found {options.workers}")
    if options.timeout is not None and options.timeout <= 0:
        raise RunError(f"--timeout must be a positive number of seconds; found {options.timeout}")
    inputs, outputs = Path(inputs).resolve(), Path(outputs).resolve()
    registry = load_registry(inputs)
    ids = select_landlords(registry, landlord_ids, period, outputs, options.retry_failed)
    for notebook in (options.notebook, options.group_notebook):
        if not Path(notebook).is_file():
            raise RunError(f"the notebook is missing: expected {notebook}")
    options = replace(options, notebook=Path(options.notebook).resolve(),
                      group_notebook=Path(options.group_notebook).resolve())
    workers = options.workers or default_workers()
    batch = BatchResult(period, workers=workers, executor=options.executor)
    if not ids:
        return batch
    jobs = [landlord_job(registry, i, period, inputs, outputs, options) for i in ids]
    jobs.sort(key=lambda job: -_input_size(inputs, job.name))  # longest first: no straggler at the end
    started_at = dt.datetime.now(dt.UTC)
    began = time.perf_counter()
    if options.executor == "dask":
        pool: LocalPool | DaskPool = DaskPool(workers, options.scheduler)
    else:
        pool = LocalPool(min(workers, len(jobs)))
    batch.workers = pool.workers
    progress = Progress(len(jobs) + 1, pool.workers, period, options.progress)
    run = {"started": started_at.isoformat(timespec="seconds"), "landlords": ids, "executor": options.executor,
           "workers": batch.workers, "timeout": options.timeout, "retry_failed": options.retry_failed}
    cancel = True
    try:
        results = _run_all(pool, jobs, progress)
        batch.results = [results[i] for i in ids]
        write_run_record(outputs, period, batch.results, None, run)  # the group summary reads it
        batch.group = _run_all(pool, [group_job(registry, period, inputs, outputs, options)], progress)[GROUP]
        cancel = False
    finally:
        progress.close()
        pool.close(cancel=cancel)
    batch.index = batch.group.report if batch.group.status == "ok" else None
    batch.seconds = time.perf_counter() - began
    batch.record = write_run_record(outputs, period, [], batch.group, {**run, "seconds": round(batch.seconds, 2)})
    return batch


def summary_lines(batch: BatchResult) -> list[str]:
    """The end-of-run table: landlord, status, time, and the report (or the error in one line)."""
    rows = [*batch.results, *([batch.group] if batch.group else [])]
    if not rows:
        return []
    width = max(len("landlord"), *(len(r.name) for r in rows))
    lines = [f"{'landlord':<{width}}  {'status':<6}  {'time':>7}  report"]
    for r in rows:
        where = str(r.report) if r.status == "ok" and r.report else (r.error or "")
        lines.append(f"{r.name:<{width}}  {r.status:<6}  {r.seconds:6.1f}s  {where}")
    done = [r for r in batch.results if r.status == "ok"]
    if done:
        mean = {k: sum(getattr(r.timings, k) for r in done) / len(done)
                for k in ("kernel_start", "execution", "shutdown", "export")}
        lines.append(
            f"{len(batch.results)} landlord(s) in {batch.seconds:.1f}s with {batch.workers} {batch.executor} worker(s); "
            f"per landlord on average: kernel start {mean['kernel_start']:.2f}s, execution {mean['execution']:.2f}s, "
            f"kernel stop {mean['shutdown']:.2f}s, export {mean['export']:.2f}s"
        )
    return lines


__all__ = ["BatchOptions", "BatchResult", "LandlordResult", "run_batch", "summary_lines"]
