"""The evidence register and findings in a real JupyterLab (Debian's chromium driven by Playwright).

The auditor opens the register panel under the cover, chooses a file through the upload
button (the browser's file chooser), gives it an id and a title and stores it; then opens 6.3,
cites the new document in its evidence and leaves the field: the answers file on disk cites it
and the register file lists it with the file's SHA-256. Answering 6.3 "Yes" (Riverbend's case
log has 86.2% of stage 1 responses on time, below the 90% threshold) shows a contradicted
finding beside it, and a response typed in its box is saved when the auditor leaves it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from audit_lib.assessment.answers_file import load_assessment
from audit_lib.code.catalogue import load_catalogue
from tests.test_browser import (  # noqa: F401 - lab is a fixture used by name
    LANDLORD,
    LIVE,
    _notebook_errors,
    _open_section_6,
    _run_all,
    _wait_until_all_cells_ran,
    lab,
    open_provision,
    workbook_page,
)

pytestmark = pytest.mark.browser
CODE = load_catalogue()
PERIOD = "2024-25"
DOCUMENT = b"%PDF-1.4\n% Riverbend stage 1 response audit, Q4 2024-25 (browser test)\n"
DOCUMENT_ID = "RB-AUDIT-Q4"
TITLE = "Stage 1 response audit Q4"


def _stored(root: Path, provision: str) -> Any:
    return load_assessment(root / "inputs" / LANDLORD / "answers" / f"{PERIOD}.yaml", CODE, LANDLORD,
                           PERIOD).answer(provision)


def _register(root: Path) -> list[dict[str, Any]]:
    path = root / "inputs" / LANDLORD / "evidence" / "register.yaml"
    if not path.exists():
        return []
    return list((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("documents") or [])


def _entry(root: Path) -> dict[str, Any] | None:
    return next((entry for entry in _register(root) if entry["id"] == DOCUMENT_ID), None)


def _until(check: Callable[[], Any], what: str, page: Any, timeout: float = 120) -> Any:
    """Wait until ``check()`` gives something true (the kernel answers the browser's messages in turn)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting until {what}: " + _notebook_errors(page)
        page.wait_for_timeout(300)


def _open_register_panel(page: Any) -> Any:
    panel = page.locator(f".chc-evidence-panel{LIVE}").first
    panel.wait_for(timeout=120_000)
    upload = panel.locator(".chc-upload").first
    deadline = time.monotonic() + 120
    while not upload.is_visible():
        assert time.monotonic() < deadline, "the register panel did not open: " + _notebook_errors(page)
        if panel.locator(".jupyter-widget-Collapse-open").count() == 0:
            header = panel.locator(".jupyter-widget-Collapse-header").first
            header.scroll_into_view_if_needed()
            header.click()
        page.wait_for_timeout(1000)
    panel.scroll_into_view_if_needed()
    return panel


def test_a_file_attached_in_the_browser_is_cited_and_a_contradiction_is_shown(lab):  # noqa: F811 - the fixture
    root = lab["root"]
    digest = hashlib.sha256(DOCUMENT).hexdigest()
    before = [entry["id"] for entry in _register(root)]
    assert DOCUMENT_ID not in before
    with workbook_page(lab) as page:
        _run_all(page)
        _wait_until_all_cells_ran(page)

        # attach a file through the upload button's file chooser, give it an id and a title, store it
        panel = _open_register_panel(page)
        _until(lambda: "Evidence register:" in panel.inner_text(), "the register is listed", page)
        with page.expect_file_chooser() as chooser:
            panel.locator(".chc-upload").first.click()
        chooser.value.set_files({"name": "Response audit Q4.pdf", "mimeType": "application/pdf",
                                 "buffer": DOCUMENT})
        _until(lambda: "Chosen: Response audit Q4.pdf" in panel.inner_text(), "the kernel has the file", page)
        panel.locator(".chc-file-id input").fill(DOCUMENT_ID)
        panel.locator(".chc-file-title input").fill(TITLE)
        panel.locator(".chc-file-date input").fill("04/04/2025")
        panel.locator(".chc-attach").click()
        entry = _until(lambda: _entry(root), "the register lists the document", page)
        assert entry["title"] == TITLE and entry["filename"] == "Response audit Q4.pdf"
        assert entry["sha256"] == digest and entry["file"] == f"files/{digest}.pdf"
        assert [e["id"] for e in _register(root)] == [*before, DOCUMENT_ID]  # the others kept as they were
        stored = root / "inputs" / LANDLORD / "evidence" / "files" / f"{digest}.pdf"
        assert stored.read_bytes() == DOCUMENT
        _until(lambda: f"Attached {DOCUMENT_ID}" in panel.inner_text(), "the panel says it is attached", page)
        listing = panel.locator(f"tr[data-document='{DOCUMENT_ID}']").first
        _until(lambda: listing.count() > 0 and "04/04/2025" in listing.inner_text(), "the list shows it", page)
        assert "Response audit Q4.pdf" in listing.inner_text()
        panel.screenshot(path=str(root / "register.png"))

        # cite it from 6.3's evidence and leave the field: the answers file cites it
        _open_section_6(page)
        form = open_provision(page, "6.3")
        reference = form.locator("input[placeholder='Document: register id or link']").first
        _until(lambda: DOCUMENT_ID in (reference.evaluate(
            "el => Array.from(el.list ? el.list.options : []).map(o => o.value).join(' ')") or ""),
            "the reference offers the new document", page)
        reference.fill(DOCUMENT_ID)
        reference.press("Tab")
        _until(lambda: _stored(root, "2024:6.3").evidence[0].reference == DOCUMENT_ID,
               "the evidence cites the document", page)
        assert _entry(root)["sha256"] == digest

        # a contradicted "Yes": the finding is shown beside the provision, and a response saved
        form.locator(".widget-dropdown select").select_option("Yes")
        finding = form.locator(".chc-finding-on-time-below-threshold").first
        _until(lambda: finding.count() > 0 and "Contradicted" in finding.inner_text(),
               "the contradicted finding is shown beside 6.3", page)
        assert "86.2%" in finding.inner_text() and "below the 90% threshold" in finding.inner_text()
        response = finding.locator("textarea").first
        response.fill("Q4 recovery plan: see the response audit.")
        response.press("Tab")
        _until(lambda: [r.code for r in _stored(root, "2024:6.3").responses] == ["on-time-below-threshold"],
               "the response is saved", page)
        assert _stored(root, "2024:6.3").status.value == "Yes"

        # back to Partial: the contradiction goes from the page
        form.locator(".widget-dropdown select").select_option("Partial")
        _until(lambda: form.locator(".chc-finding-on-time-below-threshold").count() == 0,
               "the contradiction goes with the answer", page)
        assert page.locator(f"{LIVE} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                            ).count() == 0
        page.screenshot(path=str(root / "evidence.png"))
