"""Carry forward across Code versions in a real JupyterLab (Debian's chromium, Playwright).

Riverbend Homes (the notebook's default landlord) is given a 2023-24 answers file under the 2022
Code (the Code in force that year) and no 2024-25 answers. The auditor opens the 2024-25
workbook and clicks "Start from 2023-24's answers (2022 Code)" once: the page says how many
answers came through the crosswalk and that each is unconfirmed, and the 2024-25 answers file
on disk holds the drafts, each with the note of what changed.
Uses the JupyterLab of :mod:`tests.test_browser` (a server of its own for this module).
"""

from __future__ import annotations

import time

import pytest

from audit_lib.assessment.answers import Assessment, Status
from audit_lib.assessment.answers_file import load_assessment
from audit_lib.code.catalogue import load_catalogue
from tests import test_browser as shared
from tests.conftest import write
from tests.test_browser import (
    LANDLORD,
    LIVE,
    _notebook_errors,
    _run_all,
    _wait_until_all_cells_ran,
    workbook_page,
)
from tests.test_carry_across_versions import ANSWERS_2022

pytestmark = pytest.mark.browser
lab = shared.lab  # the module-scoped JupyterLab fixture: a server of its own for this module
MESSAGE = ("Started from 2023-24's answers under the 2022 Code: 4 answers were carried through the crosswalk to "
           "the 2024 Code; 14 provisions are new in the 2024 Code and start blank; 1 answer was not carried")


def test_one_click_starts_2024_25_from_the_2022_code_answers(lab):
    answers = lab["root"] / "inputs" / LANDLORD / "answers"
    for current in answers.glob("2024-25*"):  # no 2024-25 answers yet (nor their history or lock)
        current.unlink()
    write(answers / "2023-24.yaml", ANSWERS_2022)
    store_path = answers / "2024-25.yaml"
    code = load_catalogue("2024")

    def stored() -> Assessment | None:
        return load_assessment(store_path, code, LANDLORD, "2024-25") if store_path.exists() else None

    with workbook_page(lab) as page:
        _run_all(page)
        _wait_until_all_cells_ran(page)
        button = page.locator(f".jupyter-widgets{LIVE}").get_by_role(
            "button", name="Start from 2023-24's answers (2022 Code)", exact=True).first
        button.wait_for(timeout=120_000)
        button.scroll_into_view_if_needed()
        button.click()

        deadline = time.monotonic() + 60
        while MESSAGE not in " ".join(page.locator(f".jupyter-widgets{LIVE}").all_text_contents()):
            assert time.monotonic() < deadline, "the message did not show: " + _notebook_errors(page)
            page.wait_for_timeout(300)
        text = " ".join(" ".join(page.locator(f".jupyter-widgets{LIVE}").all_text_contents()).split())
        assert ("Every answer is unconfirmed until you confirm or change it; the note of what changed is shown "
                "beside each draft.") in text
        assert button.is_disabled()

        drafts = stored()
        assert drafts is not None and drafts.carried_from == "2023-24"
        assert sorted(drafts.answers) == ["2024:1.2", "2024:5.8", "2024:6.3", "2024:6.4"]
        assert all(not a.confirmed and a.carried and a.updated_by == "browser.auditor"
                   for a in drafts.answers.values())
        assert drafts.answer("2024:5.8").status is Status.NO
        assert [c.provision for c in drafts.answer("2024:6.3").carried] == ["2022:5.1"]
        page.screenshot(path=str(lab["root"] / "carry_across.png"))
