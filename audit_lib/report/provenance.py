"""What made an output: parameters, Code version, input file hashes and product version.

A workbook run publishes one *run record* as a notebook output of its own MIME type
(:data:`RECORD_MIME`): the landlord's machine-readable figures and the provenance of the
inputs the kernel actually read. The batch takes it from the executed notebook, adds what only
the batch knows (the notebook's own hash and the parameters papermill injected), writes
``metrics.json`` and stores the provenance in the notebook's metadata, where the report
template prints it as a footer. Nothing here names a resident.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.io import sha256_of

#: Output MIME type of a run record (never rendered into a report).
RECORD_MIME = "application/vnd.chc-audit.record+json"
#: Key of the provenance in a notebook's metadata.
METADATA_KEY = "chc_audit"
PRODUCT = "chc-audit"


def file_entry(path: Path, relative_to: Path | None = None) -> dict[str, str | None]:
    """``{"file": name, "sha256": digest}`` for one input (the name relative to its folder)."""
    path = Path(path)
    name = path.relative_to(relative_to).as_posix() if relative_to is not None else path.name
    return {"file": name, "sha256": sha256_of(path)}


def base_provenance(code_version: str | None, parameters: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    """The fields every output records: product and version, Code version, parameters, as-of date."""
    return {
        "product": PRODUCT,
        "product_version": __version__,
        "code_version": code_version,
        "parameters": parameters,
        "as_of": as_of.isoformat(),
    }


class RunRecord:
    """Display object for a run record: a one-line text in Jupyter, JSON under :data:`RECORD_MIME`."""

    def __init__(self, record: dict[str, Any], summary: str) -> None:
        """Wrap ``record`` (JSON-ready) with a one-line ``summary`` for people."""
        self.record = record
        self.summary = summary

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """The text for people and the JSON for the batch."""
        return {"text/plain": self.summary, RECORD_MIME: json.loads(json.dumps(self.record))}


def find_record(nb: Any) -> dict[str, Any] | None:
    """The run record a notebook published, or ``None`` when it has none (e.g. a failed run)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            if RECORD_MIME in data:
                value = data[RECORD_MIME]
                return json.loads(value) if isinstance(value, str) else dict(value)
    return None
