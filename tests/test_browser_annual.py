"""The annual report's records in a real JupyterLab (Debian's chromium driven by Playwright): the
auditor opens the panel after the nine Code sections, adds an improvement to the learning log,
and it is saved to the records file with one line of history and shown as a card."""

from __future__ import annotations

import json
import time

import pytest

from audit_lib.annual.records import load_records
from tests.test_browser import (  # noqa: F401 - lab is a fixture used by name
    LANDLORD,
    LIVE,
    _notebook_errors,
    _run_all,
    _wait_until_all_cells_ran,
    lab,
    workbook_page,
)

pytestmark = pytest.mark.browser
PERIOD = "2024-25"
THEME = "Browser theme: missed call-backs"


def test_the_auditor_opens_the_annual_records_and_adds_an_improvement(lab):  # noqa: F811 - the fixture
    folder = lab["root"] / "inputs" / LANDLORD / "annual"
    path, history = folder / f"{PERIOD}.yaml", folder / f"{PERIOD}.history.jsonl"
    before = len(load_records(path, LANDLORD, PERIOD).learning)
    lines = len(history.read_text(encoding="utf-8").splitlines()) if history.exists() else 0
    with workbook_page(lab) as page:
        _run_all(page)
        _wait_until_all_cells_ran(page)
        panel = page.locator(f".chc-annual-records{LIVE}").first
        panel.wait_for(timeout=120_000)
        header = panel.locator(".jupyter-widget-Collapse-header").first
        add = panel.get_by_role("button", name="Add an improvement")
        deadline = time.monotonic() + 180
        while not add.is_visible():  # a click can be lost while the page is still laying out
            assert time.monotonic() < deadline, "the annual records did not open: " + _notebook_errors(page)
            if panel.locator(".jupyter-widget-Collapse-open").count() == 0:
                header.scroll_into_view_if_needed()
                header.click()
            page.wait_for_timeout(1000)
        assert panel.locator(".chc-annual-gaps").count() == 1  # what the report lacks, at the top

        add.scroll_into_view_if_needed()
        add.click()
        form = panel.locator(".chc-annual-form-learning").first
        form.wait_for(timeout=60_000)
        form.locator("input[placeholder='The complaint category or theme it came from']").fill(THEME)
        form.locator("textarea[placeholder='What residents told us']").fill("Nobody called us back.")
        form.locator("textarea[placeholder='What was changed (or, while planned, what will be)']").fill(
            "Call-backs within one working day.")
        when = form.locator("input[placeholder='DD/MM/YYYY']").first
        when.fill("01/10/2024")
        when.press("Tab")
        page.wait_for_timeout(500)  # every field's value reaches the kernel before the click
        form.get_by_role("button", name="Add this improvement").click()

        deadline = time.monotonic() + 60
        while True:
            learning = load_records(path, LANDLORD, PERIOD).learning
            if len(learning) > before:
                break
            assert time.monotonic() < deadline, "the improvement was not saved: " + _notebook_errors(page)
            time.sleep(0.3)
        added = learning[-1]
        assert (added.theme, added.residents_said, added.when.isoformat()) == (
            THEME, "Nobody called us back.", "2024-10-01")
        entries = [json.loads(line) for line in history.read_text(encoding="utf-8").splitlines()[lines:]]
        assert [(e["action"], e["item"], e["user"]) for e in entries] == [("added", added.id, "browser.auditor")]
        card = panel.locator(f".chc-annual-card-{added.id}").first
        card.wait_for(timeout=60_000)  # shown as a card, the blank form gone
        assert THEME in card.inner_text()
        assert f"Added improvement {added.id}." in panel.inner_text()
