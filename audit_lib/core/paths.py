"""Where things are: the notebooks the product ships, and the layout of ``inputs/`` and ``outputs/``.

Every path built from a landlord id or a period goes through a function here, which validates
the id first, so a bad id never reaches the file system::

    inputs/landlords.yaml                       the group registry
    inputs/<landlord>/landlord.yaml             its configuration
    inputs/<landlord>/answers/<period>.yaml     its answers (with .history.jsonl and .lock beside)
    outputs/<period>/<landlord>/                its executed notebook, report and metrics.json
    outputs/<period>/                           the group summary (index.html) and run.json
"""

from __future__ import annotations

from pathlib import Path

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
#: Defaults of the command line: ``inputs/`` and ``outputs/`` in the current folder.
DEFAULT_INPUTS = Path("inputs")
DEFAULT_OUTPUTS = Path("outputs")

#: Files of the inputs folder.
REGISTRY_FILE = "landlords.yaml"
CONFIG_FILE = "landlord.yaml"
ANSWERS_FOLDER = "answers"
#: Files of one landlord's run in ``outputs/<period>/<landlord>/``.
NOTEBOOK_NAME = "self_assessment.ipynb"
REPORT_NAME = "self_assessment.html"
METRICS_NAME = "metrics.json"
#: Files of the group roll-up in ``outputs/<period>/``.
GROUP_NOTEBOOK_NAME = "group_summary.ipynb"
INDEX_NAME = "index.html"


def landlord_input_dir(inputs: Path, landlord_id: str) -> Path:
    """``inputs/<landlord>/``; the id is validated before it touches a path."""
    return Path(inputs) / validate_landlord_id(landlord_id)


def answers_file(landlord_folder: Path, period: Period | str) -> Path:
    """``<landlord folder>/answers/<period>.yaml``; the period id is validated."""
    period_id = period.id if isinstance(period, Period) else Period.parse(period).id
    return Path(landlord_folder) / ANSWERS_FOLDER / f"{period_id}.yaml"


def landlord_output_dir(outputs: Path, period: Period, landlord_id: str) -> Path:
    """``outputs/<period>/<landlord>/``; the id is validated before it touches a path."""
    return Path(outputs) / period.id / validate_landlord_id(landlord_id)
