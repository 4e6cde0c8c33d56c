"""One truth on the page, and the report without a terminal, in a real JupyterLab (Debian's chromium).

A status changed in section 6 shows at once in the cover's counts and the executive summary;
"Produce report" runs the batch for this landlord and links its HTML report, which the link opens.
Uses the JupyterLab of :mod:`tests.test_browser` (a server of its own for this module).
"""

from __future__ import annotations

import time

import pytest

from audit_lib.assessment.answers_file import load_assessment
from audit_lib.assessment.progress import progress
from audit_lib.code.catalogue import load_catalogue
from tests import test_browser as shared
from tests.test_browser import (
    BROWSER_ARGS,
    CHROMIUM,
    LANDLORD,
    LIVE,
    _notebook_errors,
    _open_section_6,
    _run_all,
    _wait_until_all_cells_ran,
)

pytestmark = pytest.mark.browser
lab = shared.lab  # the module-scoped JupyterLab fixture: a server of its own for this module
CODE = load_catalogue()


def _text(locator) -> str:
    """An element's text, whether or not it is drawn (cells out of view may not be)."""
    return " ".join((locator.text_content() or "").split())


def _open_page(p, lab):
    browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS, headless=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(lab["url"])
    page.locator(".jp-Notebook").first.wait_for(timeout=120_000)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(timeout=120_000)
    _run_all(page)
    _wait_until_all_cells_ran(page)
    return browser, page


def _wait_for(check, what: str, page, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what}: " + _notebook_errors(page)
        page.wait_for_timeout(300)


def test_the_cover_and_the_summary_follow_a_status_change(lab):
    from playwright.sync_api import sync_playwright

    store_path = lab["root"] / "inputs" / LANDLORD / "answers" / "2024-25.yaml"
    with sync_playwright() as p:
        browser, page = _open_page(p, lab)
        try:
            form = _open_section_6(page)
            cover = page.locator(f".chc-live-cover{LIVE}").first
            summary = page.locator(f".chc-live-executive-summary{LIVE}").first
            before = progress(load_assessment(store_path, CODE, LANDLORD, "2024-25"), CODE.provisions)
            assert f"{before.answered} of 72" in _text(cover)
            assert f"has assessed {before.answered} of the 72 provisions" in _text(summary)

            status = form.locator(".widget-dropdown select")
            new = "No" if status.input_value() != "No" else "Yes"
            status.select_option(new)

            def saved() -> bool:
                return load_assessment(store_path, CODE, LANDLORD, "2024-25").answer("2024:6.2").status.value == new

            _wait_for(saved, "the status was not saved", page)
            after = progress(load_assessment(store_path, CODE, LANDLORD, "2024-25"), CODE.provisions)
            assert after.by_status != before.by_status
            shown = f"{new}: {after.by_status[new]}"
            _wait_for(lambda: shown in _text(cover), f"the cover does not show {shown!r}", page)
            counts = page.locator(f".chc-live-executive-summary{LIVE} table.status-counts td").first
            _wait_for(lambda: _text(counts) == str(after.by_status["Yes"]), "the summary's counts did not follow",
                      page)
            assert f"{after.answered} of 72" in _text(cover)
            page.screenshot(path=str(lab["root"] / "live-cover.png"))
        finally:
            browser.close()


def test_produce_report_links_the_batch_report(lab):
    from playwright.sync_api import sync_playwright

    folder = lab["root"] / "outputs" / "2024-25" / LANDLORD
    with sync_playwright() as p:
        browser, page = _open_page(p, lab)
        try:
            button = page.locator(f".chc-report{LIVE} button", has_text="Produce report").first
            button.wait_for(timeout=120_000)
            button.scroll_into_view_if_needed()
            button.click()
            status = page.locator(f".chc-report-status{LIVE}").first
            _wait_for(lambda: "Producing the report" in _text(status) or "Open the report" in _text(status),
                      "the button did not start the report", page)
            link = status.locator("a", has_text="Open the report").first
            _wait_for(lambda: link.count() > 0 or "No report was produced" in _text(status),
                      "the report was not produced in time", page, timeout=600)
            assert "No report was produced" not in _text(status), _text(status)
            assert (folder / "self_assessment.html").is_file() and (folder / "manifest.json").is_file()
            href = link.evaluate("a => a.href")
            assert href.split("?")[0].endswith("/outputs/2024-25/riverbend-homes/self_assessment.html"), href
            response = page.request.get(href)
            assert response.ok, href
            report = response.text()
            assert "Executive summary" in report and "Riverbend Homes" in report and "<script" not in report
            page.screenshot(path=str(lab["root"] / "report-button.png"))
        finally:
            browser.close()
