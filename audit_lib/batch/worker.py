"""The worker side of a batch: one notebook, one fresh kernel, one report.

:func:`run_job` runs in a worker process (a local process pool or a Dask worker). It executes
the notebook with papermill through the engine registered here, which

* starts a new kernel for every notebook (nothing is shared between landlords) and retries a
  kernel that fails to start, as kernels may under load;
* marks a cell that exceeds the per-cell timeout, or whose kernel dies, as the failing cell
  (with an error output) so papermill keeps the partly executed notebook with its marker;
* saves the notebook when the run starts and ends (and every 30 s in a long cell), not twice
  per cell, and stops the kernel at once when the notebook is done;
* records how long the kernel took to start, the cells to run and the kernel to stop.

It then takes the run record the notebook published (:mod:`audit_lib.report.provenance`), writes
``metrics.json``, stores the provenance in the notebook's metadata and exports the report
with this worker's reused exporter. A failure is a result, never an exception.
Papermill and nbconvert are imported on first use, so the orchestrating process never loads them.
"""

from __future__ import annotations

import logging
import math
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import AuditError, KernelStartError
from ..report.provenance import METADATA_KEY, base_provenance, dumps, find_record, sha256_of

ENGINE_NAME = "chc-audit-batch"
#: Seconds a single cell may run before it is stopped and marked as failed.
DEFAULT_CELL_TIMEOUT = 600
MAX_ERROR_CHARS = 300

_quiet = logging.getLogger("audit_lib.batch.worker.kernel")
_quiet.addHandler(logging.NullHandler())
_quiet.propagate = False


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


def one_line(exc: BaseException) -> str:
    """A failure in one line: the cell and the error for a notebook error, else the message."""
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


def _engine() -> str:
    """Register (once per process) the papermill engine of batch runs and return its name."""
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillException

    try:
        papermill_engines.get_engine(ENGINE_NAME)
    except PapermillException:
        papermill_engines.register(ENGINE_NAME, _build_engine())
    return ENGINE_NAME


def _build_engine() -> type:
    """The engine class: papermill's nbclient engine with batch kernels, timeouts and timings."""
    from queue import Empty

    import nbformat
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from nbclient.util import ensure_async, run_hook, run_sync
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, NotebookExecutionManager

    class SparseSaves(NotebookExecutionManager):
        """Writes the notebook at start, end and autosave intervals; not at every cell start and end."""

        _in_cell_hook = False

        def cell_start(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
            """Papermill's bookkeeping, without the save."""
            self._in_cell_hook = True
            try:
                super().cell_start(cell, cell_index, **kwargs)
            finally:
                self._in_cell_hook = False

        def cell_complete(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
            """Papermill's bookkeeping, without the save."""
            self._in_cell_hook = True
            try:
                super().cell_complete(cell, cell_index, **kwargs)
            finally:
                self._in_cell_hook = False

        def save(self, **kwargs: Any) -> None:
            """Write the notebook, except from a cell's start or end."""
            if not self._in_cell_hook:
                super().save(**kwargs)

    class BatchClient(PapermillNotebookClient):
        """A client that owns one fresh kernel, marks timeouts and dead kernels, and times itself."""

        def __init__(self, nb_man: Any, timings: Timings, kernel_log: Any, kernel_cwd: str | None,
                     deferred: list[Callable[[], None]], **kw: Any):
            """A client that writes its timings to ``timings`` and the kernel's output to ``kernel_log``."""
            super().__init__(nb_man, **kw)
            self.timings = timings
            self.kernel_log = kernel_log
            self.kernel_cwd = kernel_cwd
            self.deferred = deferred

        def start_new_kernel(self, **kwargs: Any) -> None:
            """Start the kernel process; any failure becomes a :class:`KernelStartError`."""
            began = time.perf_counter()
            try:
                super().start_new_kernel(**kwargs)
            except NoSuchKernel as exc:
                raise KernelStartError(f"no Jupyter kernel named {exc.name!r} (run 'make install')", permanent=True) from exc
            except Exception as exc:
                raise KernelStartError(f"{type(exc).__name__}: {exc}") from exc
            finally:
                self.timings.kernel_start += time.perf_counter() - began

        def start_new_kernel_client(self) -> Any:
            """Connect and wait until the kernel answers; any failure becomes a :class:`KernelStartError`."""
            began = time.perf_counter()
            try:
                return self._start_client()
            except Exception as exc:
                raise KernelStartError(f"{type(exc).__name__}: {exc}") from exc
            finally:
                self.timings.kernel_start += time.perf_counter() - began

        async def _async_start_client(self) -> Any:
            """nbclient's client start, with :meth:`_async_wait_until_ready` as the readiness check."""
            self.kc = self.km.client()
            await ensure_async(self.kc.start_channels())
            try:
                await self._async_wait_until_ready()
            except Exception:
                await self._async_cleanup_kernel()
                raise
            self.kc.allow_stdin = False
            await run_hook(self.on_notebook_start, notebook=self.nb)
            return self.kc

        _start_client = run_sync(_async_start_client)

        async def _async_wait_until_ready(self) -> None:
            """Ready when the kernel answers kernel_info on shell and IOPub delivers (jupyter_client's test).

            jupyter_client then reads IOPub until it has been silent for 0.2 s, which would leave a
            worker idle for that long per landlord; it is not needed here, since every output is
            matched to the request that caused it and any earlier message is ignored.
            """
            deadline = time.monotonic() + self.startup_timeout
            while True:
                self.kc.kernel_info()
                try:
                    reply = await ensure_async(self.kc.shell_channel.get_msg(timeout=1))
                except Empty:
                    reply = None
                if reply is not None and reply["msg_type"] == "kernel_info_reply":
                    try:
                        await ensure_async(self.kc.iopub_channel.get_msg(timeout=0.2))
                    except Empty:
                        pass  # IOPub not connected yet: ask again
                    else:
                        self.kc._handle_kernel_info_reply(reply)  # protocol version adaptation, as jupyter_client
                        return
                if not await ensure_async(self.kc.is_alive()):
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {self.startup_timeout} seconds")

        def _cleanup_kernel(self) -> None:
            """Stop the kernel if it still runs, release its resources, and time it."""
            began = time.perf_counter()
            try:
                super()._cleanup_kernel()
            finally:
                self.timings.shutdown += time.perf_counter() - began

        def execute(self, **kwargs: Any) -> Any:
            """Execute every cell in a new kernel started in the notebook's folder, then kill the kernel.

            The kernel is killed as soon as its last output is in; the bookkeeping that waits for the
            process to end is left to ``self.deferred`` (run after the export, by when it has ended)
            instead of polling for it here.
            """
            self.reset_execution_trackers()
            log = self.kernel_log
            try:
                with self.setup_kernel(cwd=self.kernel_cwd, stdout=log, stderr=log, cleanup_kc=False):
                    began = time.perf_counter()
                    if self.papermill_execute_cells():
                        info = self.wait_for_reply(self.kc.kernel_info())
                        self.nb.metadata["language_info"] = info["content"]["language_info"]
                    self.set_widgets_metadata()
                    self.timings.execution += time.perf_counter() - began
            except BaseException:
                if self.km is not None:
                    self._cleanup_kernel()
                raise
            began = time.perf_counter()
            self._kill()
            self.timings.shutdown += time.perf_counter() - began
            self.deferred.append(self._cleanup_kernel)
            return self.nb

        async def _async_kill(self) -> None:
            """Send the kernel SIGKILL (its outputs are all in; nothing is lost)."""
            if self.km is not None and await ensure_async(self.km.is_alive()):
                await ensure_async(self.km.signal_kernel(signal.SIGKILL))

        _kill = run_sync(_async_kill)

        def _fail(self, index: int, ename: str, evalue: str, exc: Exception) -> None:
            """Mark cell ``index`` as the failing cell, with an error output saying why."""
            cell = self.nb.cells[index]
            cell.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]))
            self.nb_man.cell_exception(cell, cell_index=index, exception=exc)

        def papermill_execute_cells(self) -> bool:
            """Run the cells in order; stop at the first failure. False when the kernel is unusable."""
            for index, cell in enumerate(self.nb.cells):
                try:
                    self.nb_man.cell_start(cell, index)
                    self.execute_cell(cell, index)
                except CellExecutionError as exc:
                    self.nb_man.cell_exception(self.nb.cells[index], cell_index=index, exception=exc)
                    return True
                except CellTimeoutError as exc:
                    self._fail(index, "CellTimeoutError",
                               f"timed out: the cell did not finish within {self.timeout} s (the per-cell timeout)", exc)
                    return False
                except DeadKernelError as exc:
                    self._fail(index, "DeadKernelError", "the kernel died while running this cell", exc)
                    return False
                finally:
                    self.nb_man.cell_complete(self.nb.cells[index], cell_index=index)
            return True

    class BatchEngine(NBClientEngine):
        """Papermill engine of batch runs (see the module docstring)."""

        @classmethod
        def execute_notebook(cls, nb: Any, kernel_name: str, output_path: str | None = None, progress_bar: bool = True,
                             log_output: bool = False, autosave_cell_every: int = 30, **kwargs: Any) -> Any:
            """Execute ``nb`` with the sparse-saving manager (otherwise as papermill's engines do)."""
            nb_man = SparseSaves(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                                 autosave_cell_every=autosave_cell_every)
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None, start_timeout: int = 60,
                                     execution_timeout: int | None = None, batch_timings: Timings | None = None,
                                     kernel_log: Any = None, kernel_cwd: str | None = None,
                                     deferred: list[Callable[[], None]] | None = None, **kwargs: Any) -> Any:
            """Execute with the batch client: immediate shutdown, per-cell timeout, start-up timeout."""
            kwargs.pop("input_path", None)
            client = BatchClient(
                nb_man, timings=batch_timings or Timings(), kernel_log=kernel_log, kernel_cwd=kernel_cwd,
                deferred=deferred if deferred is not None else [],
                timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                shutdown_kernel="immediate", log=_quiet, log_output=False, **kwargs,
            )
            return client.execute()

    return BatchEngine


def _last_line(handle: Any) -> str:
    """The last non-blank line a kernel wrote before it failed to start (for the error message)."""
    try:
        handle.flush()
        handle.seek(0)
        lines = [line.strip() for line in handle.read().splitlines() if line.strip() and "WARNING" not in line]
    except (OSError, ValueError):
        return ""
    return lines[-1] if lines else ""


def execute_notebook(job: NotebookJob, timings: Timings, deferred: list[Callable[[], None]]) -> Any:
    """Execute ``job.notebook`` into ``job.executed`` in a fresh kernel; retry a kernel that fails to start.

    The kernel has been killed when this returns; ``deferred`` receives what remains to clean up.
    """
    import papermill

    settings = job.settings
    timeout = None if settings.timeout is None else max(1, math.ceil(settings.timeout))
    while True:
        timings.kernel_attempts += 1
        with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as kernel_log:
            try:
                return papermill.execute_notebook(
                    str(job.notebook), str(job.executed), parameters=job.parameters, engine_name=_engine(),
                    kernel_name=settings.kernel_name, progress_bar=False, log_output=False,
                    start_timeout=max(1, math.ceil(settings.start_timeout)), execution_timeout=timeout,
                    batch_timings=timings, kernel_log=kernel_log, kernel_cwd=str(job.notebook.parent),
                    deferred=deferred,
                )
            except KernelStartError as exc:
                if exc.permanent or timings.kernel_attempts >= settings.start_attempts:
                    detail = _last_line(kernel_log)
                    raise KernelStartError(
                        f"the kernel did not start ({timings.kernel_attempts} attempt(s)): {exc}"
                        + (f"; kernel said: {detail}" if detail else ""),
                        permanent=exc.permanent,
                    ) from None
        time.sleep(settings.retry_pause * timings.kernel_attempts)


def job_provenance(job: NotebookJob, record: dict[str, Any] | None) -> dict[str, Any]:
    """The provenance of a job's outputs: the kernel's record plus the notebook and its parameters."""
    kernel = dict((record or {}).get("provenance") or {})
    if not kernel:
        import datetime as dt

        kernel = base_provenance(None, {}, dt.date.today())
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


def _finish(deferred: list[Callable[[], None]]) -> None:
    """Release the killed kernel's process, ports and connection file (timed as part of its stop)."""
    for cleanup in deferred:
        try:
            cleanup()
        except Exception:
            pass


def _stamp(job: NotebookJob) -> None:
    """Record the provenance in a failed run's kept notebook too (best effort: it may be damaged)."""
    import nbformat

    try:
        nb = nbformat.read(str(job.executed), as_version=4)
        nb.metadata[METADATA_KEY] = {"provenance": job_provenance(job, find_record(nb))}
        nbformat.write(nb, str(job.executed))
    except Exception:
        pass


def run_job(job: NotebookJob) -> NotebookResult:
    """Execute, record and export one notebook; a failure is returned as a result, never raised."""
    import nbformat

    from ..report.export import cached_exporter, export_html

    started = time.perf_counter()
    timings = Timings()
    deferred: list[Callable[[], None]] = []
    job.executed.parent.mkdir(parents=True, exist_ok=True)
    _unlink(job.report, job.metrics)  # a failed run must not leave last run's report looking current
    try:
        nb = execute_notebook(job, timings, deferred)
        record = find_record(nb)
        provenance = job_provenance(job, record)
        nb.metadata[METADATA_KEY] = {"provenance": provenance}
        nbformat.write(nb, str(job.executed))
        if job.metrics is not None and record is not None:
            job.metrics.write_text(dumps({**record, "provenance": provenance}), encoding="utf-8")
        began = time.perf_counter()
        export_html(nb, job.report, cached_exporter(), job.title)
        timings.export = time.perf_counter() - began
    except Exception as exc:  # one notebook's failure must not stop the others
        _unlink(job.report, job.metrics)
        _stamp(job)
        _finish(deferred)
        return NotebookResult(
            job.name, "failed", time.perf_counter() - started,
            notebook=job.executed if job.executed.exists() else None, error=one_line(exc), timings=timings,
        )
    _finish(deferred)
    return NotebookResult(
        job.name, "ok", time.perf_counter() - started, notebook=job.executed, report=job.report,
        metrics=job.metrics if job.metrics is not None and job.metrics.exists() else None, timings=timings,
    )
