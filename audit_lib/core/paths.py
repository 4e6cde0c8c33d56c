"""Where things are: the notebooks the product ships, and the layout of ``inputs/`` and ``outputs/``.

Every path built from a landlord id or a period goes through a function here, which validates
the id first, so a bad id never reaches the file system::

    inputs/landlords.yaml                       the group registry
    inputs/<landlord>/landlord.yaml             its configuration
    inputs/<landlord>/answers/<period>.yaml     its answers (with .history.jsonl and .lock beside)
    inputs/<landlord>/evidence/register.yaml    its evidence register (with register.yaml.lock beside)
    inputs/<landlord>/evidence/files/           the register's files, each named by its SHA-256
    outputs/<period>/<landlord>/                its executed notebook, report and metrics.json (and annual report, PDFs)
    outputs/<period>/                           the group summary (index.html) and run.json
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import AuditError
from .ids import validate_landlord_id
from .periods import Period

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _shipped_notebooks() -> Path:
    """The workbook notebooks: inside the package when installed from a wheel, else the checkout's."""
    inside = PACKAGE_DIR / "notebooks"
    return inside if inside.is_dir() else PACKAGE_DIR.parent / "notebooks"


NOTEBOOKS = _shipped_notebooks()
SELF_ASSESSMENT = NOTEBOOKS / "self_assessment.ipynb"
GROUP_SUMMARY = NOTEBOOKS / "group_summary.ipynb"
ANNUAL_REPORT = NOTEBOOKS / "annual_report.ipynb"
#: Defaults of the command line: ``inputs/`` and ``outputs/`` in the current folder.
DEFAULT_INPUTS = Path("inputs")
DEFAULT_OUTPUTS = Path("outputs")

#: Files of the inputs folder.
REGISTRY_FILE = "landlords.yaml"
CONFIG_FILE = "landlord.yaml"
ANSWERS_FOLDER = "answers"
#: The evidence register in ``inputs/<landlord>/evidence/``: the register and its files' folder.
EVIDENCE_FOLDER = "evidence"
EVIDENCE_REGISTER = "register.yaml"
EVIDENCE_FILES = "files"
#: Files of one landlord's run in ``outputs/<period>/<landlord>/``.
NOTEBOOK_NAME = "self_assessment.ipynb"
REPORT_NAME = "self_assessment.html"
METRICS_NAME = "metrics.json"
#: The annual complaints performance and service improvement report's files there (``run --report annual``).
ANNUAL_NOTEBOOK_NAME = "annual_report.ipynb"
ANNUAL_REPORT_NAME = "annual_report.html"
#: The reports printed as PDF (``run --pdf``): beside each HTML report, and the group summary's beside the index.
REPORT_PDF_NAME = "self_assessment.pdf"
ANNUAL_PDF_NAME = "annual_report.pdf"
GROUP_PDF_NAME = "group_summary.pdf"
#: Files of the group roll-up in ``outputs/<period>/``.
GROUP_NOTEBOOK_NAME = "group_summary.ipynb"
INDEX_NAME = "index.html"
#: Written last in a landlord's set of outputs: the run, its outcome and each file's SHA-256.
MANIFEST_NAME = "manifest.json"


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """A landlord's set's manifest (``folder/manifest.json``), or ``None`` when it has none or it
    cannot be read (:mod:`audit_lib.batch.outputs` writes it)."""
    try:
        data = json.loads((Path(folder) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("files"), dict) else None


def landlord_input_dir(inputs: Path, landlord_id: str) -> Path:
    """``inputs/<landlord>/``; the id is validated before it touches a path."""
    return Path(inputs) / validate_landlord_id(landlord_id)


def answers_file(landlord_folder: Path, period: Period | str) -> Path:
    """``<landlord folder>/answers/<period>.yaml``; the period id is validated."""
    period_id = period.id if isinstance(period, Period) else Period.parse(period).id
    return Path(landlord_folder) / ANSWERS_FOLDER / f"{period_id}.yaml"


def evidence_dir(landlord_folder: Path) -> Path:
    """``<landlord folder>/evidence/``: the register (:data:`EVIDENCE_REGISTER`) and its files."""
    return Path(landlord_folder) / EVIDENCE_FOLDER


def landlord_output_dir(outputs: Path, period: Period, landlord_id: str) -> Path:
    """``outputs/<period>/<landlord>/``; the id is validated before it touches a path."""
    return Path(outputs) / period.id / validate_landlord_id(landlord_id)


def checked_input_path(folder: Path, relative: str | Path, *, error: type[AuditError] = AuditError,
                       what: str = "input file") -> Path:
    """``folder / relative``, refused unless it is an ordinary path inside ``folder``.

    Refused, with one line naming the path (never the file's contents): an absolute
    ``relative`` or one with ``..``; a symbolic link in any component below ``folder`` (the
    file itself or a folder on the way to it); a path that resolves outside ``folder``. The
    folder itself may be reached through a link (a deployment's choice); nothing below it may
    be. A missing file is not refused here: the reader says it is missing.
    """
    base = Path(folder)
    rel = Path(relative)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise error(f"expected a {what} path inside the folder {base}, without '..'; found an absolute or "
                    "escaping path", path=base / rel if not rel.is_absolute() else rel)
    where = "the current folder" if str(base) in ("", ".") else str(base)
    current = base
    for part in rel.parts:
        current = current / part
        if os.path.islink(current):
            raise error(f"expected an ordinary {what}, found a symbolic link (at {current.relative_to(base)}); "
                        f"put the file itself, not a link to it, in {where}", path=base / rel)
    try:
        inside = (base / rel).resolve().is_relative_to(base.resolve())
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        raise error(f"expected a {what} inside {base}; found a path that resolves outside it", path=base / rel)
    return base / rel
