"""A provision's form in a real JupyterLab (Debian's chromium driven by Playwright): a colleague's
evidence is shown and kept while the auditor works, a due date typed key by key is saved once,
an invalid one is shown as invalid and not saved, and free text is saved once per edit."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audit_lib.assessment.answers_file import load_assessment
from audit_lib.assessment.store import open_store
from audit_lib.code.catalogue import load_catalogue
from tests.test_browser import (  # noqa: F401 - lab is a fixture used by name
    BROWSER_ARGS,
    CHROMIUM,
    LANDLORD,
    LIVE,
    _open_section_6,
    _run_all,
    lab,
    open_provision,
)

pytestmark = pytest.mark.browser
CODE = load_catalogue()
PERIOD = "2024-25"


def _answers(root: Path) -> Path:
    return root / "inputs" / LANDLORD / "answers" / f"{PERIOD}.yaml"


def _stored(root: Path, provision: str) -> Any:
    return load_assessment(_answers(root), CODE, LANDLORD, PERIOD).answer(provision)


def _entries(root: Path, provision: str, field: str) -> list[dict[str, Any]]:
    path = root / "inputs" / LANDLORD / "answers" / f"{PERIOD}.history.jsonl"
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [e for e in lines if e.get("provision") == provision and e.get("field") == field]


def _until(check: Callable[[], Any], what: str, timeout: float = 60) -> Any:
    """Wait until ``check()`` is true (the kernel saves when it has handled the browser's message)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.3)


def _workbook(p: Any, server: dict[str, Any]) -> tuple[Any, Any]:
    browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS, headless=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server["url"])
    page.locator(".jp-Notebook").first.wait_for(timeout=120_000)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(timeout=120_000)
    _run_all(page)
    _open_section_6(page)
    return browser, page


def _values(form: Any, placeholder: str) -> list[str]:
    return [el.input_value() for el in form.locator(f"input[placeholder='{placeholder}']").all()]


def test_a_colleagues_evidence_is_shown_and_kept_while_the_auditor_edits(lab):  # noqa: F811 - the fixture
    from playwright.sync_api import sync_playwright

    root = lab["root"]
    with sync_playwright() as p:
        browser, page = _workbook(p, lab)
        try:
            form = open_provision(page, "6.3")
            before = _values(form, "Evidence: what it is")
            assert before == [e.description for e in _stored(root, "2024:6.3").evidence]

            # a colleague adds an evidence item to 6.3 in their own kernel
            colleague = open_store(root / "inputs" / LANDLORD, CODE, LANDLORD, PERIOD, "colleague.two")
            seen = [e.model_dump(mode="json") for e in colleague.answer("2024:6.3").evidence]
            colleague.change("2024:6.3", "evidence", [*seen, {"description": "Colleague's item", "reference": None}])

            # the auditor edits the commentary, typed key by key: saved once, when leaving the field
            commentary = form.locator("textarea[placeholder='Commentary / explanation']").first
            commentary.click()
            commentary.press("Control+End")
            commentary.press_sequentially(" Checked again.", delay=20)
            page.wait_for_timeout(500)
            assert not _entries(root, "2024:6.3", "commentary")  # nothing saved while typing
            commentary.press("Tab")
            _until(lambda: _stored(root, "2024:6.3").commentary.endswith("Checked again."), "the commentary is saved")
            assert len(_entries(root, "2024:6.3", "commentary")) == 1

            # the merge is shown: the colleague's item appears in the browser
            _until(lambda: "Colleague's item" in _values(form, "Evidence: what it is"),
                   "the colleague's evidence is shown")

            # the auditor adds an evidence item: both are kept
            form.get_by_role("button", name="Add evidence").click()
            description = form.locator("input[placeholder='Evidence: what it is']").last
            _until(lambda: description.input_value() == "", "the new evidence row is drawn")
            description.fill("Auditor's item")
            description.press("Tab")
            stored = _until(lambda: (lambda d: d if "Auditor's item" in d else None)(
                [e.description for e in _stored(root, "2024:6.3").evidence]), "the auditor's evidence is saved")
            assert stored == [*before, "Colleague's item", "Auditor's item"]
            assert "Conflict" not in form.locator(".chc-message").first.inner_text()
            _until(lambda: _values(form, "Evidence: what it is") == stored, "the form shows what is stored")
        finally:
            browser.close()


def test_a_due_date_typed_key_by_key_is_saved_once_and_an_invalid_one_is_not_saved(lab):  # noqa: F811
    from playwright.sync_api import sync_playwright

    root = lab["root"]
    with sync_playwright() as p:
        browser, page = _workbook(p, lab)
        try:
            form = open_provision(page, "6.4")
            count = len(_stored(root, "2024:6.4").actions)
            form.get_by_role("button", name="Add action").click()
            text = form.locator("input[placeholder='Action']").nth(count)
            text.wait_for()
            text.fill("Audit a sample of extension letters each quarter")
            owner = form.locator("input[placeholder='Owner']").nth(count)
            owner.fill("Complaints Manager")
            owner.press("Tab")
            _until(lambda: len(actions := _stored(root, "2024:6.4").actions) == count + 1
                   and actions[count].owner == "Complaints Manager", "the new action and its owner are saved")
            entries = len(_entries(root, "2024:6.4", "actions"))

            due = form.locator("input[placeholder='DD/MM/YYYY']").nth(count)
            due.click()
            due.press_sequentially("31/03/2028", delay=60)
            page.wait_for_timeout(500)
            assert len(_entries(root, "2024:6.4", "actions")) == entries  # nothing saved while typing
            due.press("Tab")
            _until(lambda: _stored(root, "2024:6.4").actions[count].due is not None, "the due date is saved")
            assert _stored(root, "2024:6.4").actions[count].due.isoformat() == "2028-03-31"
            saved = _entries(root, "2024:6.4", "actions")[entries:]
            assert len(saved) == 1  # exactly one date stored: no 0002, 0020, 0202 on the way
            assert [a["due"] for a in saved[0]["new"]][count] == "2028-03-31"
            assert due.input_value() == "31/03/2028"

            # an impossible date is shown as invalid beside the field and not saved
            due.fill("")
            due.press_sequentially("31/02/2029", delay=30)
            due.press("Tab")
            row = form.locator(".widget-hbox", has=page.locator("input[placeholder='DD/MM/YYYY']")).nth(count)
            _until(lambda: "Not saved" in row.inner_text(), "the invalid date is marked")
            assert _stored(root, "2024:6.4").actions[count].due.isoformat() == "2028-03-31"
            assert len(_entries(root, "2024:6.4", "actions")) == entries + 1
            assert due.input_value() == "31/02/2029"  # left for the auditor to correct
            assert page.locator(f"{LIVE} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                                ).count() == 0
        finally:
            browser.close()
