"""The run record ``outputs/<period>/run.json``: how each landlord's latest run ended.

It is what a run with ``retry_failed`` (``chc-audit run --retry-failed``) reads to re-run only
the landlords that failed, and what the group summary reads for each landlord's run status.
A run updates the entries of the landlords it ran and keeps the others. Written atomically;
small and plain JSON.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..core.io import atomic_write_text, dumps_json
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


def failed_last_time(outputs: Path, period: Period) -> list[str]:
    """Landlords whose latest run failed, in the order the record lists them."""
    record = load_run_record(outputs, period)
    if record is None:
        raise RunError(f"no run record for {period.id} (expected {record_path(outputs, period)}); "
                       "run the batch once before re-running only its failures")
    return [landlord for landlord, entry in record["landlords"].items() if entry.get("status") != "ok"]


def _relative(path: Path | None, base: Path) -> str | None:
    """A path relative to the period folder, as written in the record."""
    if path is None:
        return None
    try:
        return Path(path).resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def result_entry(result: NotebookResult, base: Path, finished: dt.datetime) -> dict[str, Any]:
    """One landlord's (or the group summary's) entry in the run record."""
    return {
        "status": result.status,
        "seconds": round(result.seconds, 2),
        "error": result.error,
        "notebook": _relative(result.notebook, base),
        "report": _relative(result.report, base),
        "metrics": _relative(result.metrics, base),
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
    for result in results:
        landlords[result.name] = result_entry(result, path.parent, finished)
    record = {
        "period": period.id,
        "product_version": __version__,
        "last_run": {**run, "finished": finished.isoformat(timespec="seconds")},
        "landlords": landlords,
        "group_summary": result_entry(group, path.parent, finished) if group else previous.get("group_summary"),
    }
    return atomic_write_text(path, dumps_json(record))
