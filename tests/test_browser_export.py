"""The export buttons in a real JupyterLab (Debian's chromium driven by Playwright): "Word form"
writes the Ombudsman's form into ``outputs/exports/<period>/<landlord>/`` and links it beside the
buttons, and the link downloads the file (a Word file is not opened in JupyterLab).
Uses the JupyterLab of :mod:`tests.test_browser` (a server of its own for this module).
"""

from __future__ import annotations

import hashlib
import time

import pytest

from tests import test_browser as shared
from tests.test_browser import (
    BROWSER_ARGS,
    CHROMIUM,
    LANDLORD,
    LIVE,
    _notebook_errors,
    _run_all,
    _wait_until_all_cells_ran,
)

pytestmark = pytest.mark.browser
lab = shared.lab  # the module-scoped JupyterLab fixture: a server of its own for this module
PERIOD = "2024-25"


def _text(locator) -> str:
    """An element's text, whether or not it is drawn (cells out of view may not be)."""
    return " ".join((locator.text_content() or "").split())


def _wait_for(check, what: str, page, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what}: " + _notebook_errors(page)
        page.wait_for_timeout(300)


def test_word_form_button_writes_the_form_and_links_a_download(lab):
    from playwright.sync_api import sync_playwright

    root = lab["root"]
    written = root / "outputs" / "exports" / PERIOD / LANDLORD / "self_assessment.docx"
    answers = root / "inputs" / LANDLORD / "answers" / f"{PERIOD}.yaml"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            page.goto(lab["url"])
            page.locator(".jp-Notebook").first.wait_for(timeout=120_000)
            page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(timeout=120_000)
            _run_all(page)
            _wait_until_all_cells_ran(page)

            button = page.locator(f".chc-export{LIVE} button", has_text="Word form").first
            button.wait_for(timeout=120_000)
            button.scroll_into_view_if_needed()
            assert not written.exists()
            button.click()
            status = page.locator(f".chc-export-status{LIVE}").first
            link = status.locator("a", has_text="self_assessment.docx").first
            _wait_for(lambda: link.count() > 0 or "Not exported" in _text(status),
                      "the export did not finish in time", page, timeout=120)
            assert "Not exported" not in _text(status), _text(status)
            assert written.is_file() and written.read_bytes()[:2] == b"PK"  # a Word file (a zip)
            sha = hashlib.sha256(answers.read_bytes()).hexdigest()
            assert "made from the answers as saved at" in _text(status)
            assert f"(SHA-256 {sha[:8]}…)" in _text(status)
            assert not button.is_disabled()

            href = link.evaluate("a => a.href")
            assert "/outputs/exports/2024-25/riverbend-homes/self_assessment.docx" in href, href
            with page.expect_download(timeout=60_000) as download:
                link.click()
            fetched = download.value
            assert fetched.suggested_filename == "self_assessment.docx"
            assert fetched.path().read_bytes() == written.read_bytes()
            page.screenshot(path=str(root / "export-buttons.png"))
        finally:
            browser.close()
