"""The papermill engine and the nbclient client of batch runs, built on their public extension points.

papermill executes a notebook through a registered engine (:class:`papermill.engines.Engine`).
:class:`BatchEngine` is papermill's nbclient engine with two class methods overridden:
``execute_notebook``, to give papermill's bookkeeping a :class:`SparseSaves` manager, and
``execute_managed_notebook``, to run the notebook with :class:`BatchClient`. That client is
papermill's nbclient client configured through nbclient's traits (``kernel_manager_class``,
``timeout`` per cell, ``startup_timeout``, ``shutdown_kernel``) and two of papermill's methods:

* ``execute``: a fresh kernel per notebook, started in the notebook's folder with its output
  to a log and a request to be killed when its worker dies (Popen's ``preexec_fn``); a kernel that fails to start raises :class:`~audit_lib.errors.KernelStartError`; the
  kernel is killed as soon as its last output is in, and released (process reaped, ports,
  connection file and channels freed) later, by the worker, after the export;
* ``papermill_execute_cells``: a cell that exceeds the per-cell timeout, or whose kernel dies,
  is marked as the failing cell with an error output, so papermill keeps the partly executed
  notebook with its marker.

The kernel manager (:class:`BatchKernelManager`) makes clients of jupyter_client's public
``client_factory``: :class:`BatchKernelClient`, whose ``wait_for_ready`` skips jupyter_client's
final 0.2 s wait for IOPub to fall silent. The one private name this needs is reached through
:mod:`audit_lib.batch.jupyter_private`.

:func:`execute_notebook` runs papermill with this engine and retries a kernel that fails to
start. Only the workers import this module.
"""

from __future__ import annotations

import contextlib
import logging
import math
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from typing import IO, Any

import nbformat
import papermill
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import NoSuchKernel
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async, run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
from papermill.exceptions import PapermillException
from traitlets import DottedObjectName, Type

from ..core.io import atomic_write_text
from ..errors import KernelStartError
from .jupyter_private import check_private_names, handle_kernel_info_reply
from .pools import die_with_parent
from .worker import NotebookJob, Timings

ENGINE_NAME = "chc-audit-batch"

_quiet = logging.getLogger("audit_lib.batch.engine.kernel")
_quiet.addHandler(logging.NullHandler())
_quiet.propagate = False


@dataclass
class KernelRun:
    """What one execution shares with the engine: its timings, the kernel's output, what is left to release."""

    timings: Timings = field(default_factory=Timings)
    log: IO[str] | None = None  # the kernel's stdout and stderr; None: this process's
    cwd: str | None = None  # the kernel's working folder; None: this process's
    release: list[Callable[[], None]] = field(default_factory=list)


class BatchKernelClient(AsyncKernelClient):
    """jupyter_client's asynchronous kernel client, ready without waiting for IOPub to fall silent."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Ready when the kernel answers kernel_info on shell and IOPub delivers (jupyter_client's test).

        jupyter_client then reads IOPub until it has been silent for 0.2 s, which would leave a
        worker idle for that long per notebook. It is not needed here: nbclient matches every
        output to the request that caused it and ignores any earlier message.
        """
        deadline = time.monotonic() + (math.inf if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.get_shell_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    await self.get_iopub_msg(timeout=0.2)
                except Empty:
                    pass  # IOPub not connected yet: ask again
                else:
                    handle_kernel_info_reply(self, reply)
                    return
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")


class BatchKernelManager(AsyncKernelManager):
    """nbclient's default kernel manager, whose clients are :class:`BatchKernelClient`."""

    client_class = DottedObjectName(f"{__name__}.BatchKernelClient", config=True)
    client_factory = Type(BatchKernelClient, klass=AsyncKernelClient, config=True)


class SparseSaves(NotebookExecutionManager):
    """Writes the notebook at start, end and autosave intervals; not at every cell's start and end."""

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
        """Write the notebook, except from a cell's start or end; a local file atomically.

        papermill writes the file in place; a worker killed during a save would leave half a
        notebook. The text is papermill's (``nbformat.writes``), renamed into place.
        """
        if self._in_cell_hook:
            return
        if self.output_path and "://" not in str(self.output_path):
            atomic_write_text(Path(self.output_path), nbformat.writes(self.nb))
            self.last_save_time = self.now()
        else:
            super().save(**kwargs)


def _start_error(exc: Exception) -> KernelStartError:
    """A kernel start failure as a :class:`KernelStartError` (permanent when the kernel does not exist)."""
    if isinstance(exc, KernelStartError):
        return exc
    if isinstance(exc, NoSuchKernel):
        return KernelStartError(
            f"no Jupyter kernel named {exc.name!r}; register it with 'python -m ipykernel install --sys-prefix "
            f"--name {exc.name}' in the environment that has audit_lib (make install does this)", permanent=True)
    return KernelStartError(f"{type(exc).__name__}: {exc}")


class BatchClient(PapermillNotebookClient):
    """papermill's client with a fresh kernel, timeouts and dead kernels marked, and its own timings."""

    km: Any  # nbclient's kernel manager and client (None before the kernel starts and once released)
    kc: Any

    def __init__(self, nb_man: Any, kernel_run: KernelRun, **kw: Any) -> None:
        """A client of ``nb_man``'s notebook that shares ``kernel_run`` with its caller."""
        super().__init__(nb_man, **kw)
        self.kernel_run = kernel_run

    def execute(self, **kwargs: Any) -> Any:
        """Execute every cell in a fresh kernel started in the notebook's folder, then kill the kernel.

        The kernel is killed as soon as its last output is in; releasing it (which waits for the
        process to end) is appended to ``kernel_run.release`` for the worker to do after the export.
        """
        self.reset_execution_trackers()
        run = self.kernel_run
        began = time.perf_counter()
        ready: float | None = None
        try:
            with self.setup_kernel(cwd=run.cwd, stdout=run.log, stderr=run.log, cleanup_kc=False,
                                   preexec_fn=die_with_parent):  # Popen's: the kernel dies with its worker
                ready = time.perf_counter()
                run.timings.kernel_start += ready - began
                if self.papermill_execute_cells():
                    info = self.wait_for_reply(self.kc.kernel_info())
                    self.nb.metadata["language_info"] = info["content"]["language_info"]
                self.set_widgets_metadata()
                run.timings.execution += time.perf_counter() - ready
        except BaseException as exc:
            if ready is None:
                run.timings.kernel_start += time.perf_counter() - began
            with contextlib.suppress(Exception):
                self.release_kernel()
            if ready is None and isinstance(exc, Exception):
                raise _start_error(exc) from exc
            raise
        began = time.perf_counter()
        self.kill_kernel()
        run.timings.shutdown += time.perf_counter() - began
        run.release.append(self.release_kernel)
        return self.nb

    async def async_kill_kernel(self) -> None:
        """Send the kernel SIGKILL (its outputs are all in; nothing is lost) without waiting for it to end."""
        if self.km is not None and await ensure_async(self.km.is_alive()):
            await ensure_async(self.km.signal_kernel(signal.SIGKILL))

    kill_kernel = run_sync(async_kill_kernel)

    async def async_release_kernel(self) -> None:
        """Stop the kernel if it still runs, then free its process, ports, connection file and channels.

        What nbclient does when a notebook ends, with jupyter_client's public calls, so that the
        worker can do it after the export, by when the killed kernel has ended.
        """
        km, kc = self.km, self.kc
        self.km, self.kc = None, None
        try:
            if km is not None and await ensure_async(km.is_alive()):
                await ensure_async(km.shutdown_kernel(now=True))
        finally:
            if km is not None:
                await ensure_async(km.cleanup_resources())
            if kc is not None:
                await ensure_async(kc.stop_channels())

    def release_kernel(self) -> None:
        """Release the kernel (see :meth:`async_release_kernel`), timed as part of its stop."""
        began = time.perf_counter()
        try:
            run_sync(self.async_release_kernel)()
        finally:
            self.kernel_run.timings.shutdown += time.perf_counter() - began

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
    """papermill engine of batch runs (see the module docstring)."""

    @classmethod
    def execute_notebook(cls, nb: Any, kernel_name: str, output_path: str | None = None, progress_bar: bool = True,
                         log_output: bool = False, autosave_cell_every: int = 30, **kwargs: Any) -> Any:
        """Execute ``nb`` with the sparse-saving manager (otherwise as papermill's ``Engine`` does)."""
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
                                 execution_timeout: int | None = None, kernel_run: KernelRun | None = None,
                                 **kwargs: Any) -> Any:
        """Execute with the batch client: fresh kernel, per-cell timeout, start-up timeout, immediate stop."""
        kwargs.pop("input_path", None)
        client = BatchClient(
            nb_man, kernel_run=kernel_run or KernelRun(), kernel_manager_class=BatchKernelManager,
            timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
            shutdown_kernel="immediate", log=_quiet, log_output=False, **kwargs,
        )
        return client.execute()


def register_engine() -> str:
    """Register (once per process) the batch engine with papermill and return its name."""
    try:
        papermill_engines.get_engine(ENGINE_NAME)
    except PapermillException:
        check_private_names()
        papermill_engines.register(ENGINE_NAME, BatchEngine)
    return ENGINE_NAME


def _last_line(handle: IO[str]) -> str:
    """The last non-blank line a kernel wrote before it failed to start (for the error message)."""
    try:
        handle.flush()
        handle.seek(0)
        lines = [line.strip() for line in handle.read().splitlines() if line.strip() and "WARNING" not in line]
    except (OSError, ValueError):
        return ""
    return lines[-1] if lines else ""


def execute_notebook(job: NotebookJob, timings: Timings, release: list[Callable[[], None]]) -> Any:
    """Execute ``job.notebook`` into ``job.executed`` in a fresh kernel; retry a kernel that fails to start.

    The kernel has been killed when this returns; ``release`` receives what remains to free.
    """
    settings = job.settings
    timeout = None if settings.timeout is None else max(1, math.ceil(settings.timeout))
    engine = register_engine()
    while True:
        timings.kernel_attempts += 1
        with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as kernel_log:
            try:
                return papermill.execute_notebook(
                    str(job.notebook), str(job.executed), parameters=job.parameters, engine_name=engine,
                    kernel_name=settings.kernel_name, progress_bar=False, log_output=False,
                    start_timeout=max(1, math.ceil(settings.start_timeout)), execution_timeout=timeout,
                    kernel_run=KernelRun(timings, kernel_log, str(job.notebook.parent), release),
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
