"""The run record ``outputs/<period>/run.json``: how each landlord's latest run ended.

It is what a run with ``retry_failed`` (``chc-audit run --retry-failed``) reads to re-run only
the landlords that failed, and what the group summary reads for each landlord's run status.
A run updates the entries of the landlords it ran and keeps the others. Written atomically;
small and plain JSON.

A run records each of its landlords as ``running`` (with the run's id) before any starts, and
each one's outcome as soon as it is known (:class:`RunRecorder`: the file is rewritten at most
once a second while landlords finish, so a run of thousands of landlords does not rewrite a
growing file thousands of times; an outcome reaches the file within a second). The next run, under the outputs lock, finds any
entry still ``running``: its run was killed, so it is recorded as failed
(:func:`settle_interrupted`) and ``retry_failed`` re-runs it.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..core.io import atomic_write_text, dumps_json
from ..core.paths import INDEX_NAME
from ..core.periods import Period
from ..errors import RunError

if TYPE_CHECKING:
    from .worker import NotebookResult

RUN_RECORD = "run.json"


def record_path(outputs: Path, period: Period) -> Path:
    """``outputs/<period>/run.json``."""
    return Path(outputs) / period.id / RUN_RECORD


def load_run_record(outputs: Path, period: Period) -> dict[str, Any] | None:
    """The run record of a period, or ``None`` when no batch has run for it yet."""
    path = record_path(outputs, period)
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RunError(f"the run record cannot be read ({exc}); delete it and run the batch again", path=path) from None
    if not isinstance(record, dict) or not isinstance(record.get("landlords"), dict):
        raise RunError("the run record has no 'landlords' mapping; delete it and run the batch again", path=path)
    return record


INTERRUPTED = "the run was interrupted before this landlord finished; run it again (--retry-failed)"


def _write(path: Path, record: dict[str, Any]) -> Path:
    """Write a whole record atomically."""
    return atomic_write_text(path, dumps_json(record))


def mark_running(outputs: Path, period: Period, landlords: list[str], run: dict[str, Any]) -> Path:
    """Record ``landlords`` and the group summary as running in the run ``run["run_id"]`` (others kept)."""
    path = record_path(outputs, period)
    record = load_run_record(outputs, period) or {"period": period.id, "landlords": {}}
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for landlord in landlords:
        record["landlords"][landlord] = {"status": "running", "run": run.get("run_id"), "started": now}
    record["group_summary"] = {"status": "running", "run": run.get("run_id"), "started": now}
    record.update(period=period.id, product_version=__version__, current_run=run)
    return _write(path, record)


def settle_interrupted(outputs: Path, period: Period) -> list[str]:
    """Record as failed every entry a killed run left ``running``; the landlords so recorded.

    Call it only while holding the outputs lock: then no run that could still finish them exists.
    """
    record = load_run_record(outputs, period)
    if record is None:
        return []
    stale = [k for k, v in record["landlords"].items() if not isinstance(v, dict) or v.get("status") == "running"]
    for landlord in stale:
        entry = record["landlords"][landlord] if isinstance(record["landlords"][landlord], dict) else {}
        record["landlords"][landlord] = {**entry, "status": "failed", "error": INTERRUPTED}
    group = record.get("group_summary")
    if isinstance(group, dict) and group.get("status") == "running":
        record["group_summary"] = {**group, "status": "failed", "error": INTERRUPTED}
        stale.append("group summary")
    interrupted = record.pop("current_run", None)
    if stale or interrupted:
        if interrupted:
            record["interrupted_run"] = interrupted
        _write(record_path(outputs, period), record)
    return stale


def group_needs_run(outputs: Path, period: Period) -> bool:
    """Whether the group summary's latest run did not finish well (or its index is missing)."""
    record = load_run_record(outputs, period) or {}
    group = record.get("group_summary")
    ok = isinstance(group, dict) and group.get("status") == "ok"
    return not ok or not (record_path(outputs, period).parent / INDEX_NAME).is_file()


def failed_last_time(outputs: Path, period: Period) -> list[str]:
    """Landlords whose latest run failed, in the order the record lists them."""
    record = load_run_record(outputs, period)
    if record is None:
        raise RunError(f"no run record for {period.id} (expected {record_path(outputs, period)}); "
                       "run the batch once before re-running only its failures")
    return [landlord for landlord, entry in record["landlords"].items()
            if not isinstance(entry, dict) or entry.get("status") != "ok"]


def _relative(path: Path | None, base: Path) -> str | None:
    """A path relative to the period folder, as written in the record."""
    if path is None:
        return None
    try:
        return Path(path).resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def result_entry(result: NotebookResult, base: Path, finished: dt.datetime,
                 run_id: str | None = None) -> dict[str, Any]:
    """One landlord's (or the group summary's) entry in the run record."""
    return {
        "status": result.status,
        "run": run_id,
        "seconds": round(result.seconds, 2),
        "error": result.error,
        "notebook": _relative(result.notebook, base),
        "report": _relative(result.report, base),
        "metrics": _relative(result.metrics, base),
        "other_reports": [_relative(path, base) for path in result.others],  # the annual report, the PDFs
        "timings": result.timings.as_dict(),
        "finished": finished.isoformat(timespec="seconds"),
    }


def write_run_record(
    outputs: Path,
    period: Period,
    results: list[NotebookResult],
    group: NotebookResult | None,
    run: dict[str, Any],
) -> Path:
    """Merge this run's results into the period's run record and write it atomically."""
    path = record_path(outputs, period)
    previous = load_run_record(outputs, period) or {}
    finished = dt.datetime.now(dt.UTC)
    landlords = dict(previous.get("landlords", {}))
    run_id = run.get("run_id")
    for result in results:
        landlords[result.name] = result_entry(result, path.parent, finished, run_id)
    record = {
        "period": period.id,
        "product_version": __version__,
        "last_run": {**run, "finished": finished.isoformat(timespec="seconds")},
        "landlords": landlords,
        "group_summary": result_entry(group, path.parent, finished, run_id) if group else previous.get("group_summary"),
    }
    return _write(path, record)


def _encoded_entry(entry: Any) -> str:
    """One entry of ``landlords`` as :func:`~audit_lib.core.io.dumps_json` writes it inside the
    record (two levels deep: every line after the first indented by four more spaces; JSON text
    holds no line break but those of its layout)."""
    return dumps_json(entry).rstrip("\n").replace("\n", "\n    ")


class RunRecorder:
    """Records the landlords' outcomes of a run in its run record as they come in.

    The record is read once; each outcome updates it in memory, and the file is rewritten at once
    when the last write is ``interval`` seconds old or more, else ``interval`` seconds after the
    last write (one write for every outcome that came in meanwhile). So an outcome reaches the
    file within ``interval`` seconds, and a run of thousands of landlords rewrites its record a few
    hundred times, not once per landlord (each rewrite costs more as the record grows). Only the
    run holding the outputs lock writes the record, so nothing else changes it meanwhile.

    Call :meth:`close` when the landlords are done: it writes what is still pending. If the run is
    killed first, an outcome not yet written leaves its landlord ``running`` in the file, which
    the next run records as interrupted (:func:`settle_interrupted`), and ``retry_failed`` runs it
    again: a landlord is never recorded ``ok`` before its outputs are complete.
    """

    def __init__(self, outputs: Path, period: Period, run_id: str | None, *, interval: float = 1.0) -> None:
        self.path = record_path(outputs, period)
        self.run_id = run_id
        self.interval = interval
        self.writes = 0
        self._record = load_run_record(outputs, period) or {"period": period.id, "landlords": {}}
        #: Per landlord, its entry and that entry as the record's text holds it (encoded once)
        self._encoded: dict[str, tuple[Any, str]] = {}
        self._lock = threading.Lock()
        self._dirty = False
        self._last = float("-inf")
        self._timer: threading.Timer | None = None
        self._closed = False

    def __call__(self, result: NotebookResult) -> None:
        """Record one outcome (written now, or within ``interval`` seconds)."""
        with self._lock:
            if self._closed:
                raise RunError("this run's record is closed; its outcomes are all written", path=self.path)
            entry = result_entry(result, self.path.parent, dt.datetime.now(dt.UTC), self.run_id)
            self._record["landlords"][result.name] = entry
            self._dirty = True
            wait = self._last + self.interval - time.monotonic()
            if wait <= 0:
                self._write_locked()
            elif self._timer is None:
                self._timer = threading.Timer(wait, self._on_timer)
                self._timer.daemon = True
                self._timer.start()

    def _on_timer(self) -> None:
        with self._lock:
            self._timer = None
            if self._dirty and not self._closed:
                self._write_locked()

    def _write_locked(self) -> None:
        atomic_write_text(self.path, self._text())
        self._dirty = False
        self._last = time.monotonic()
        self.writes += 1

    def _text(self) -> str:
        """The record as :func:`~audit_lib.core.io.dumps_json` writes it, character for character,
        each landlord's entry encoded only when it is new or changed since the last write (a record
        of thousands of landlords is otherwise encoded whole, in Python, every second)."""
        landlords = self._record["landlords"]  # read from JSON or set by name: every key a string
        if not landlords:
            return dumps_json(self._record)
        parts = []
        for name, entry in landlords.items():
            cached = self._encoded.get(name)
            if cached is None or cached[0] is not entry:
                cached = self._encoded[name] = (entry, _encoded_entry(entry))
            parts.append(f"    {json.dumps(name, ensure_ascii=False)}: {cached[1]}")
        mark = f"landlords-{uuid.uuid4().hex}"  # stands for the landlords' text in the rest of the record
        rest = dumps_json({**self._record, "landlords": mark})
        return rest.replace(json.dumps(mark), "{\n" + ",\n".join(parts) + "\n  }", 1)

    def close(self) -> None:
        """Write every outcome not written yet; later outcomes are refused (safe to call twice)."""
        with self._lock:
            timer, self._timer = self._timer, None
            if timer is not None:
                timer.cancel()
            if self._dirty:
                self._write_locked()
            self._closed = True
