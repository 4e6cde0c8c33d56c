"""Round trip as a property: any answers exported as Word or Excel and imported again are the same
answers (status or value, evidence items with their references, commentary, actions), for every
version of the Code, over random answers with the texts that trip readers up."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from audit_lib.assessment.answers import Action, Answer, Assessment, Evidence, Status, empty_assessment
from audit_lib.code.catalogue import load_catalogue
from audit_lib.form.exporter import write_form
from audit_lib.form.filled import filled_form
from audit_lib.form.importer import plan_import

#: Texts that look like something else to a reader: bullets, brackets, list words, formulas,
#: statuses, section headings, numbers, quotes, HTML, non-ASCII.
TRICKY = [
    "Complaints Policy and Compensation Policy", "Board minutes, 12 March 2025", "=SUM(A1:A2)", "+44 1952 217100",
    "-see above", "@risk register", "• already a bullet", "- dash first", "Section 3 – What is a complaint",
    "5.1 is referenced here", "Yes", "No – not yet", "N/A", "<b>bold</b> & <script>x</script>", "Résumé “quoted” ‘text’",
    "POL-01 section 4", "https://example.org/complaints", "(in brackets)", "Stage 1", "1. numbered",
    "a) lettered", "Tab\tinside", "Policy [draft v2]", "Customer Voice Panel · minutes",
    "Action: see the plan", "Actions: none required", "Review the policy (done)", "Complete by 01/02/26",
    "Action: x (owner: A; due: B)",
]


def _text(rng: random.Random, lines: int = 1) -> str:
    return "\n".join(rng.choice(TRICKY) + (f" {rng.randint(1, 99)}" if rng.random() < 0.3 else "")
                     for _ in range(lines))


def _answer(rng: random.Random, asks_for_value: bool) -> Answer:
    evidence = [Evidence(description=_text(rng), reference=rng.choice([None, "POL-01", "WEB-02", "POL-CX-001 v4 s3.1",
                                                                        "CX-TPL-03 v3", "https://example.org/a"]))
                for _ in range(rng.randint(0, 3))]
    actions = [Action(text=_text(rng), owner=rng.choice([None, "Head of Customer Experience", "Complaints Manager"]),
                      due=rng.choice([None, dt.date(2025, rng.randint(1, 12), rng.randint(1, 28))]),
                      done=rng.random() < 0.3)
               for _ in range(rng.randint(0, 2))]
    commentary = _text(rng, rng.randint(1, 3)) if rng.random() < 0.7 else ""
    if asks_for_value:
        return Answer(value=rng.choice(["78%", "Stage 1", "-5%", "12 of 40 (30%)"]), evidence=evidence,
                      commentary=commentary, actions=actions)
    return Answer(status=rng.choice(list(Status)), evidence=evidence, commentary=commentary, actions=actions)


def _assessment(code: str, seed: int) -> Assessment:
    rng = random.Random(seed)
    catalogue = load_catalogue(code)
    assessment = empty_assessment("riverbend-homes", "2024-25", code)
    for provision in rng.sample(list(catalogue.provisions), k=min(25, len(catalogue.provisions))):
        assessment.answers[provision.id] = _answer(rng, provision.asks_for_value)
    return assessment


def _comparable(answer: Answer, fmt: str) -> dict:
    data = answer.model_dump(include={"status", "value", "evidence", "commentary", "actions"}, mode="json")
    if fmt == "xlsx":  # a spreadsheet holds an action on one line of its cell: its spaces as single spaces
        for action in data["actions"]:
            action["text"] = " ".join(action["text"].split())
    return data


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
@pytest.mark.parametrize("code", ["2024", "2022", "2020"])
@pytest.mark.parametrize("seed", range(5))
def test_export_then_import_gives_the_same_answers(tmp_path, fmt, code, seed):
    catalogue = load_catalogue(code)
    assessment = _assessment(code, seed)
    form = filled_form(catalogue, assessment, landlord_name="Riverbend Homes")
    written = write_form(form, fmt, tmp_path / f"form.{fmt}")
    plan = plan_import(written, catalogue)
    assert plan.code == code
    assert {pid: _comparable(a, fmt) for pid, a in plan.answers.items()} == \
        {pid: _comparable(a, fmt) for pid, a in assessment.answers.items()}
