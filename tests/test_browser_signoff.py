"""Sign-off in a real JupyterLab (Debian's chromium, Playwright): the same user is refused as reviewer.

The lab runs as ``CHC_AUDIT_USER=browser.auditor`` on a copy of the demo inputs. Riverbend Homes
(the notebook's default landlord) is prepared and reviewed; the auditor reopens it with a reason,
replaces the preparer (a first click asks to confirm, naming whom it replaces; a second click
signs), then tries to review it under another typed name: the page says in plain words that the
reviewer must be someone other than the preparer, and nothing is signed.
"""

from __future__ import annotations

import time

import pytest

from audit_lib.assessment.answers import Assessment
from audit_lib.assessment.answers_file import load_assessment
from audit_lib.code.catalogue import load_catalogue
from tests.test_browser import (  # noqa: F401 - lab is a fixture
    LANDLORD,
    LIVE,
    _notebook_errors,
    _run_all,
    _wait_until_all_cells_ran,
    lab,
    workbook_page,
)

pytestmark = pytest.mark.browser


def _until(check, what: str, page, timeout: float = 120):
    """Wait for ``check()`` to give something true (the kernel may be slow to answer a click)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"{what}: " + _notebook_errors(page)
        page.wait_for_timeout(300)


def test_the_same_user_is_refused_as_reviewer_in_plain_words(lab):  # noqa: F811 - the fixture imported above
    store_path = lab["root"] / "inputs" / LANDLORD / "answers" / "2024-25.yaml"
    code = load_catalogue()

    def stored() -> Assessment:
        return load_assessment(store_path, code, LANDLORD, "2024-25")

    assert stored().signoff.reviewed is not None
    with workbook_page(lab) as page:
        _run_all(page)
        _wait_until_all_cells_ran(page)
        panel = page.locator(f".chc-signoff{LIVE}").first
        panel.wait_for(timeout=120_000)
        panel.scroll_into_view_if_needed()
        _until(lambda: "browser.auditor" in panel.inner_text(), "the signed-in user is not shown", page)

        # reopen: the review is withdrawn
        panel.locator("input[placeholder='Reason for reopening']").fill("Preparer changed (browser)")
        panel.get_by_role("button", name="Reopen").click()
        _until(lambda: stored().signoff.reviewed is None, "the reopening was not saved", page)

        # sign as preparer: the first click asks to confirm, naming whom it replaces
        names = panel.locator("input[placeholder='Name']")
        names.nth(0).fill("Browser Auditor")
        _wait_until_all_cells_ran(page)
        sign_prepared = panel.locator(".chc-sign-prepared")
        sign_prepared.click()
        _until(lambda: "Replace Priya Shah as preparer? Click again to confirm" in panel.inner_text(),
               "no confirmation was asked", page)
        assert stored().signoff.prepared.name == "Priya Shah"
        sign_prepared.click()
        _until(lambda: stored().signoff.prepared.user == "browser.auditor", "the preparer was not replaced", page)

        # the same user as reviewer, under another typed name: refused in plain words
        names.nth(1).fill("Somebody Else")
        _wait_until_all_cells_ran(page)
        panel.locator(".chc-sign-reviewed").click()
        message = "The reviewer must be someone other than the preparer (Browser Auditor)"
        _until(lambda: message in panel.inner_text(), "the refusal was not shown", page)
        text = panel.inner_text()
        assert "Value error" not in text and "top level" not in text and "Traceback" not in text
        assert stored().signoff.reviewed is None
        page.screenshot(path=str(lab["root"] / "signoff.png"))
