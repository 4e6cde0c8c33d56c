"""The interactive workbook in a real JupyterLab, driven in Debian's chromium by Playwright.

Starts JupyterLab on a free localhost port over a temporary copy of the project's notebook
and inputs, runs the workbook, changes a status and types evidence through the widgets,
checks the answer store on disk, restarts the kernel and checks the answers are shown again.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from audit_lib.assessment.answers import Status
from audit_lib.assessment.answers_file import load_assessment
from audit_lib.code.catalogue import load_catalogue
from audit_lib.core.paths import SELF_ASSESSMENT
from tests.demo import DEMO_INPUTS

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
LANDLORD = "riverbend-homes"  # the notebook's default landlord


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: run `make test` (it installs it) or apt-get install chromium")
    root = tmp_path_factory.mktemp("lab")
    (root / "notebooks").mkdir()
    shutil.copy(SELF_ASSESSMENT, root / "notebooks" / SELF_ASSESSMENT.name)
    shutil.copytree(DEMO_INPUTS, root / "inputs")
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "CHC_AUDIT_USER": "browser.auditor", "JUPYTER_CONFIG_DIR": str(root / ".jupyter"),
           "JUPYTER_RUNTIME_DIR": str(root / ".runtime")}
    log = open(root / "lab.log", "w")  # noqa: SIM115 - open while the server runs, closed after it stops
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--ServerApp.open_browser=False"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("JupyterLab did not start: " + (root / "lab.log").read_text()[-2000:])
            time.sleep(0.5)
    yield {"root": root, "url": f"{base}/lab/tree/notebooks/self_assessment.ipynb?token={token}"}
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@contextmanager
def workbook_page(lab) -> Iterator:  # type: ignore[no-untyped-def]
    """Debian's chromium on the lab's workbook, the notebook open and its kernel idle; closed after."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(lab["url"])
            page.locator(".jp-Notebook").first.wait_for(timeout=120_000)
            page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(timeout=120_000)
            yield page
        finally:
            browser.close()


def _run_all(page) -> None:
    """Run All Cells from the menu; on a busy machine a menu click can be lost, so check it took."""
    first_prompt = page.locator("#jp-main-dock-panel .jp-CodeCell .jp-InputPrompt").first
    for _ in range(3):
        page.locator("#jp-main-dock-panel .jp-Notebook").first.click()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if any(ch.isdigit() or ch == "*" for ch in first_prompt.inner_text()):
                return  # the cells are queued or running
            page.wait_for_timeout(500)
    raise AssertionError("Run All Cells did not start the cells")


LIVE = ":not(.jupyter-widgets-disconnected)"  # widgets of the running kernel, not a previous one's
PROMPTS = "#jp-main-dock-panel .jp-CodeCell .jp-InputPrompt"


def _notebook_errors(page) -> str:
    """What the notebook shows of errors, for a failure message (the kernel's tracebacks, if any)."""
    errors = page.locator("#jp-main-dock-panel [data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
    prompts = page.locator(PROMPTS).all_inner_texts()
    return f"prompts: {prompts}; errors: {[e[-1500:] for e in errors]}"


def _wait_until_all_cells_ran(page, timeout: float = 300) -> None:
    """Every code cell has run: the widgets' messages reach the kernel only once it is idle again."""
    deadline = time.monotonic() + timeout
    while True:
        # cells scrolled out of view may not be drawn (their prompt is empty): judge by the drawn ones
        prompts = [p for p in page.locator(PROMPTS).all_inner_texts() if p.strip()]
        idle = page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").count() > 0
        if idle and prompts and all(any(ch.isdigit() for ch in p) and "*" not in p for p in prompts):
            return
        assert time.monotonic() < deadline, "the cells did not finish: " + _notebook_errors(page)
        page.wait_for_timeout(500)


def open_provision(page, number: str):
    """A provision's form in an open section: its card's Edit button clicked (again, if a click is
    lost on a busy machine) until the form is drawn."""
    slug = number.replace(".", "-")
    form = page.locator(f".chc-provision-{slug}{LIVE}").first
    card = page.locator(f".chc-card-{slug}{LIVE}").first
    deadline = time.monotonic() + 120
    while not form.is_visible():
        assert time.monotonic() < deadline, f"the form of {number} did not open: " + _notebook_errors(page)
        edit = card.get_by_role("button", name="Edit")
        if card.count() and edit.count():
            card.scroll_into_view_if_needed()
            edit.first.click()
        page.wait_for_timeout(1000)
    form.scroll_into_view_if_needed()
    return form


def _open_section_6(page):
    """Open section 6 (a click can be lost while the page is still laying out) and 6.2's form."""
    _wait_until_all_cells_ran(page)
    section = page.locator(f".chc-section-6{LIVE}").first
    section.wait_for(timeout=120_000)
    header = section.locator(".jupyter-widget-Collapse-header").first
    card = page.locator(f".chc-card-6-2{LIVE}").first
    deadline = time.monotonic() + 180
    while not card.is_visible():
        assert time.monotonic() < deadline, "section 6 did not open: " + _notebook_errors(page)
        if section.locator(".jupyter-widget-Collapse-open").count() == 0:
            header.scroll_into_view_if_needed()
            header.click()
        page.wait_for_timeout(1000)
    return open_provision(page, "6.2")


def _wait_until_gone_or_disconnected(element, timeout: float = 60) -> None:
    """After a kernel restart, the previous run's widgets are removed or marked disconnected."""
    deadline = time.monotonic() + timeout
    check = "el => !el.isConnected || el.closest('.jupyter-widgets-disconnected') !== null"
    while not element.evaluate(check):
        assert time.monotonic() < deadline, "the previous kernel's widgets stayed connected after the restart"
        time.sleep(0.3)


def test_auditor_completes_a_provision_in_a_real_jupyterlab(lab):
    store_path = lab["root"] / "inputs" / LANDLORD / "answers" / "2024-25.yaml"
    code = load_catalogue()
    with workbook_page(lab) as page:
        _run_all(page)
        form = _open_section_6(page)
        assert form.locator(".widget-dropdown select").input_value() == "Partial"  # the saved answer

        form.locator(".widget-dropdown select").select_option("No")
        form.get_by_role("button", name="Add evidence").click()
        description = form.locator("input[placeholder='Evidence: what it is']").last
        description.fill("Acknowledgement audit Q4 (browser)")
        description.press("Enter")
        deadline = time.monotonic() + 30
        while True:
            saved = load_assessment(store_path, code, LANDLORD, "2024-25").answer("2024:6.2")
            if saved.status is Status.NO and any(e.description == "Acknowledgement audit Q4 (browser)"
                                                 for e in saved.evidence):
                break
            assert time.monotonic() < deadline, saved
            time.sleep(0.3)
        assert saved.updated_by == "browser.auditor"

        # restart the kernel and run everything again: the stored answers come back
        previous = form.element_handle()
        page.get_by_role("menuitem", name="Kernel", exact=True).click()
        page.get_by_role("menuitem", name="Restart Kernel and Run All Cells…").click()
        page.get_by_role("button", name="Confirm Kernel Restart").or_(
            page.get_by_role("button", name="Restart", exact=True)).first.click()
        _wait_until_gone_or_disconnected(previous)
        form = _open_section_6(page)
        assert form.locator(".widget-dropdown select").input_value() == "No"
        values = [el.input_value() for el in form.locator("input[placeholder='Evidence: what it is']").all()]
        assert "Acknowledgement audit Q4 (browser)" in values
        page.screenshot(path=str(lab["root"] / "workbook.png"))
