"""Where the project's notebooks, templates, inputs and outputs are."""

from __future__ import annotations

from pathlib import Path

from .ids import validate_landlord_id
from .periods import Period

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = PROJECT_ROOT / "notebooks"
TEMPLATES = PROJECT_ROOT / "templates"
DEFAULT_INPUTS = PROJECT_ROOT / "inputs"
DEFAULT_OUTPUTS = PROJECT_ROOT / "outputs"
SELF_ASSESSMENT = NOTEBOOKS / "self_assessment.ipynb"
GROUP_SUMMARY = NOTEBOOKS / "group_summary.ipynb"
REPORT_TEMPLATE = "report"

#: Files of one landlord's run in ``outputs/<period>/<landlord>/``.
NOTEBOOK_NAME = "self_assessment.ipynb"
REPORT_NAME = "self_assessment.html"
METRICS_NAME = "metrics.json"
#: Files of the group roll-up in ``outputs/<period>/``.
GROUP_NOTEBOOK_NAME = "group_summary.ipynb"
INDEX_NAME = "index.html"


def landlord_output_dir(outputs: Path, period: Period, landlord_id: str) -> Path:
    """``outputs/<period>/<landlord>/``; the id is validated before it touches a path."""
    return Path(outputs) / period.id / validate_landlord_id(landlord_id)
