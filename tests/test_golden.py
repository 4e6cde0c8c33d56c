"""Golden files: the demo group's figures and report text at a fixed date, so review shows any change.

``tests/golden/2024-25/`` holds, for each demo landlord, its ``metrics.json`` and its report's text,
and the group summary's text, from the batch run of :data:`tests.conftest.DEMO_AS_OF`, normalised
(the product version, the notebook's hash and the temporary folders replaced by placeholders).
A change in any figure, sentence or layout of text fails here with a diff. When the change is
intended, rewrite the files and commit them with the change that made them::

    CHC_AUDIT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import audit_lib

from .demo import DEMO_IDS

GOLDEN = Path(__file__).resolve().parent / "golden" / "2024-25"
UPDATE = os.environ.get("CHC_AUDIT_UPDATE_GOLDEN") == "1"

pytestmark = pytest.mark.slow


def _placeholders(text: str, inputs: Path, outputs: Path, notebook_sha: str | None) -> str:
    text = text.replace(str(inputs), "<inputs>").replace(str(outputs), "<outputs>")
    text = text.replace(f"chc-audit {audit_lib.__version__}", "chc-audit <version>")
    return text.replace(notebook_sha, "<notebook sha256>") if notebook_sha else text


def normalised_metrics(path: Path, inputs: Path, outputs: Path) -> str:
    """``metrics.json`` with what changes between machines and releases replaced by placeholders."""
    data = json.loads(path.read_text(encoding="utf-8"))
    provenance = data["provenance"]
    provenance["product_version"] = "<version>"
    sha = provenance["notebook"]["sha256"]
    provenance["notebook"]["sha256"] = "<notebook sha256>"
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return _placeholders(text, inputs, outputs, sha)


def report_text(path: Path, inputs: Path, outputs: Path, notebook_sha: str | None) -> str:
    """The visible text of a report, one line per block, placeholders for what varies."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for hidden in soup(["style", "script", "head"]):
        hidden.decompose()
    lines = (" ".join(line.split()) for line in soup.get_text("\n").splitlines())
    return _placeholders("\n".join(line for line in lines if line) + "\n", inputs, outputs, notebook_sha)


def _check(name: str, actual: str) -> None:
    golden = GOLDEN / name
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.is_file(), f"no golden file {golden}; write it with CHC_AUDIT_UPDATE_GOLDEN=1"
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        import difflib

        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            f"golden/{name}", "this run", n=2))
        pytest.fail(f"{name} differs from its golden file (if intended, rewrite it with "
                    f"CHC_AUDIT_UPDATE_GOLDEN=1):\n{diff[:6000]}")


@pytest.mark.parametrize("landlord", DEMO_IDS)
def test_metrics_and_report_text_match_the_golden_files(demo_batch, landlord):
    _, inputs, outputs, _ = demo_batch
    folder = outputs / "2024-25" / landlord
    sha = json.loads((folder / "metrics.json").read_text())["provenance"]["notebook"]["sha256"]
    _check(f"{landlord}/metrics.json", normalised_metrics(folder / "metrics.json", inputs, outputs))
    _check(f"{landlord}/report.txt", report_text(folder / "self_assessment.html", inputs, outputs, sha))


def test_group_summary_text_matches_its_golden_file(demo_batch):
    _, inputs, outputs, _ = demo_batch
    index = outputs / "2024-25" / "index.html"
    text = report_text(index, inputs, outputs, None)
    # the hashes of the group notebook and of the metrics files (which hold the run's folders) vary,
    # and so does the day each landlord's run finished
    text = re.sub(r"SHA-256 [0-9a-f]{12,64}…?", "SHA-256 <sha256>", text)
    run = json.loads((outputs / "2024-25" / "run.json").read_text(encoding="utf-8"))
    for day in sorted({entry["finished"][:10] for entry in run["landlords"].values()}):
        text = re.sub(rf"^{day}$", "<run date>", text, flags=re.M)
    _check("group_summary.txt", text)
