"""One subsidiary's bad input never stops the group summary: it is listed with its reason, the others reported."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from audit_lib.batch.run import run_batch
from audit_lib.core.periods import Period
from audit_lib.group.summary import open_group_summary

from .conftest import DEMO_AS_OF

pytestmark = pytest.mark.slow
PERIOD = Period.parse("2024-25")


def _unknown_code(inputs: Path, landlord: str) -> None:
    registry = inputs / "landlords.yaml"
    text = registry.read_text()
    text, count = re.subn(rf"(- id: {landlord}\n)", r'\1    code: "2099"\n', text)
    assert count == 1, text
    registry.write_text(text)


def _impossible_date(inputs: Path, landlord: str) -> None:
    answers = inputs / landlord / "answers" / "2024-25.yaml"
    text = answers.read_text()
    text, count = re.subn(r"(prepared: \{[^}]*date: )\d{4}-\d{2}-\d{2}", r"\g<1>2025-02-31", text)
    assert count == 1
    answers.write_text(text)


def _deeply_nested(inputs: Path, landlord: str) -> None:
    answers = inputs / landlord / "answers" / "2024-25.yaml"
    answers.write_text(answers.read_text() + "notes: " + "[" * 5000 + "]" * 5000 + "\n")


def _text(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def test_bad_inputs_of_two_subsidiaries_leave_a_summary_of_all_three(demo_inputs, tmp_path):
    head = (demo_inputs / "landlords.yaml").read_text()
    assert "- id: calder-vale-housing\n" in head
    _unknown_code(demo_inputs, "calder-vale-housing")
    _impossible_date(demo_inputs, "moorside-almshouses")
    batch = run_batch(None, PERIOD, demo_inputs, tmp_path / "out", progress=False, as_of=DEMO_AS_OF)
    status = {r.name: r.status for r in batch.results}
    assert status == {"riverbend-homes": "ok", "calder-vale-housing": "failed", "moorside-almshouses": "failed"}
    assert batch.group is not None and batch.group.status == "ok", batch.group and batch.group.error
    index = BeautifulSoup((tmp_path / "out" / "2024-25" / "index.html").read_text(), "html.parser")
    assert [a["href"] for a in index.select("table.reports a[href$='.html']")] == ["riverbend-homes/self_assessment.html"]
    behind = {row.select_one("td").get_text(" ", strip=True): " ".join(row.get_text(" ").split())
              for row in index.select("table.behind tbody tr")}
    calder = behind["Calder Vale Housing"]
    assert "could not be summarised:" in calder and "2099" in calder and "report not produced" in calder
    moorside = behind["Moorside Almshouses"]
    assert "answers unreadable" in moorside and "2025-02-31" in moorside
    cover = _text(str(index.select_one(".cover")))
    assert "Subsidiaries 3" in cover and "Could not be summarised 1 of 3: Calder Vale Housing" in cover
    figures = _text(str(index.select_one("table.figures-side-by-side")))
    assert "Riverbend" in figures and "44.7" in figures and "No figures: could not be summarised" in figures


def test_every_part_of_the_summary_survives_a_member_that_cannot_be_read(demo_batch, tmp_path):
    _, inputs, outputs, _ = demo_batch
    changed = Path(shutil.copytree(inputs, tmp_path / "inputs"))
    _unknown_code(changed, "calder-vale-housing")
    _deeply_nested(changed, "riverbend-homes")
    summary = open_group_summary("2024-25", changed, outputs, as_of=DEMO_AS_OF)
    assert [m.entry.id for m in summary.members] == ["riverbend-homes", "moorside-almshouses"]
    [failed] = summary.failed
    assert failed.entry.id == "calder-vale-housing" and "2099" in failed.reason and "\n" not in failed.reason
    riverbend = summary.members[0]
    assert any(p.startswith("answers unreadable: nesting deeper than") for p in riverbend.problems)
    parts = [summary.cover(), summary.behind_table(), summary.key_figures(), summary.status_matrix(),
             summary.reports()]
    for part in parts:
        assert "Calder Vale Housing" in part.html
    assert "could not be summarised" in _text(summary.reports().html)
    assert summary.provenance()["not_summarised"]["calder-vale-housing"] == failed.reason
    assert "Group summary of 3 subsidiaries" in summary.run_record().summary
