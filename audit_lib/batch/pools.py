"""Where the batch's jobs run: a pool of local worker processes, or tasks on a Dask cluster.

Both pools have the same three calls (``submit``, ``as_completed``, ``close``) and a
``workers`` count, so :mod:`audit_lib.batch.run` drives either the same way. Local workers
are spawned fresh (nothing is inherited from the orchestrating process); a Dask pool
connects to an existing scheduler or starts a LocalCluster on the loopback only.

A local worker never outlives the process that started it: on Linux it asks the kernel for
SIGKILL when its parent dies (``PR_SET_PDEATHSIG``), and everywhere a watcher thread ends it
when its parent is gone. Its Jupyter kernels get the same signal when it dies
(:func:`die_with_parent`, passed to the kernel's launch by :mod:`audit_lib.batch.engine`).
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import as_completed as futures_completed
from typing import Any, Literal, Protocol, cast

from ..errors import RunError
from .worker import NotebookJob, NotebookResult

Executor = Literal["local", "dask"]
EXECUTORS: tuple[str, ...] = ("local", "dask")


#: ``prctl`` option: the signal this process receives when the thread that started it ends.
PR_SET_PDEATHSIG = 1
#: Seconds between a worker's checks that its parent is still there.
PARENT_POLL = 0.5


def _find_prctl() -> Callable[..., int] | None:
    """Linux's ``prctl`` from the C library already loaded in this process, or ``None`` elsewhere.

    Looked up once, at import (in a worker, before its watcher thread starts): :func:`die_with_parent`
    then only calls it, which is safe between fork and exec. Finding or loading a library there is
    not: another thread may hold the loader's lock at the fork, and the child would wait for it forever.
    """
    if not sys.platform.startswith("linux"):
        return None
    for name in (None, "libc.so.6"):  # None: the symbols already loaded in this process, libc's among them
        try:
            prctl = ctypes.CDLL(name, use_errno=True).prctl
        except (OSError, AttributeError):
            continue
        prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
        prctl.restype = ctypes.c_int
        return cast(Callable[..., int], prctl)
    return None  # pragma: no cover - a C library without prctl: the watcher thread remains


#: ``prctl`` of this process's C library (``None`` off Linux): looked up before any thread starts.
_PRCTL = _find_prctl()


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent ends (elsewhere nothing: see :func:`watch_parent`).

    Safe to call between fork and exec (it is passed as a kernel's Popen ``preexec_fn`` in a worker
    that runs threads): it only calls the ``prctl`` looked up at import, and finds or loads no library.
    """
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def watch_parent(parent: int) -> None:
    """A worker's initializer: end this worker when ``parent`` (the batch) is gone."""
    die_with_parent()
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        os.kill(os.getpid(), signal.SIGKILL)  # its kernels follow by their own parent-death signal

    threading.Thread(target=watch, name="chc-audit-parent-watch", daemon=True).start()


class Pool(Protocol):
    """What the batch needs of a pool of workers."""

    workers: int

    def submit(self, fn: Callable[[NotebookJob], NotebookResult], job: NotebookJob) -> Any:
        """Run ``fn(job)`` on a worker; a future of its result."""

    def as_completed(self, futures: list[Any]) -> Iterator[Any]:
        """The futures in the order they finish."""

    def close(self, cancel: bool = False) -> None:
        """Stop using the workers; with ``cancel``, drop the jobs not yet started."""


class LocalPool:
    """Worker processes on this machine (started fresh, so nothing is inherited from this process)."""

    def __init__(self, workers: int) -> None:
        """A pool of ``workers`` fresh (spawned) processes."""
        self.workers = workers
        self._others = {p.pid for p in multiprocessing.active_children()}
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=watch_parent, initargs=(os.getpid(),))

    def submit(self, fn: Callable[[NotebookJob], NotebookResult], job: NotebookJob) -> Future[NotebookResult]:
        """Run ``fn(job)`` in a worker process."""
        return self._pool.submit(fn, job)

    def as_completed(self, futures: list[Any]) -> Iterator[Any]:
        """The futures in the order they finish."""
        return futures_completed(futures)

    def close(self, cancel: bool = False) -> None:
        """Stop the workers; with ``cancel``, drop the jobs not yet started and stop those running.

        A stopped worker's outputs are only ever a staging folder, removed by the next run.
        """
        workers = [p for p in multiprocessing.active_children() if p.pid not in self._others]
        self._pool.shutdown(wait=not cancel, cancel_futures=cancel)
        if cancel:
            for process in workers:
                process.terminate()
            for process in workers:
                process.join(timeout=5)


class DaskPool:
    """Tasks on a Dask distributed cluster: an existing scheduler, or a LocalCluster on the loopback."""

    def __init__(self, workers: int, scheduler: str | None) -> None:
        """Connect to ``scheduler``, or start a LocalCluster of ``workers`` processes."""
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - distributed is a dependency
            raise RunError(f"the Dask executor needs the 'distributed' package ({exc})") from None
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


def open_pool(executor: Executor, workers: int, scheduler: str | None) -> Pool:
    """A pool of ``workers`` for ``executor`` (for Dask, the scheduler's workers when it names one)."""
    if executor == "dask":
        return DaskPool(workers, scheduler)
    return LocalPool(workers)
