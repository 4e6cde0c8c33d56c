import datetime as dt

import pytest

from audit_lib.assessment.answers import (
    Action,
    Answer,
    Assessment,
    Evidence,
    SignOff,
    Status,
)
from audit_lib.assessment.answers_file import dump_assessment, load_assessment, save_assessment
from audit_lib.assessment.checks import answer_flags
from audit_lib.code.catalogue import load_catalogue
from audit_lib.errors import AnswerStoreError

from .conftest import write
from .demo import DEMO_STARTED_2024_25

CODE = load_catalogue()


@pytest.mark.parametrize("raw, status", [("Yes", Status.YES), ("no", Status.NO), ("Partial", Status.PARTIAL),
                                         ("N/A", Status.NA), ("n/a", Status.NA)])
def test_status_spellings(raw, status):
    assert Answer(status=raw).status is status


@pytest.mark.parametrize("raw", [True, False])
def test_a_boolean_is_not_a_status(raw):
    with pytest.raises(ValueError, match="found the boolean"):
        Answer(status=raw)


def test_bare_yaml_yes_is_read_as_yes(tmp_path):
    path = write(tmp_path / "a.yaml", "landlord: l\nperiod: 2024-25\nanswers:\n  '2024:1.2': {status: Yes}\n")
    assert load_assessment(path, CODE, "l", "2024-25").answer("2024:1.2").status is Status.YES


def test_round_trip_is_plain_text_with_quoted_statuses(tmp_path):
    a = Assessment(landlord="l", period="2024-25")
    a.answers["2024:6.2"] = Answer(
        status="Partial", evidence=[Evidence(description="Q3 report", reference="RPT-1")], commentary="Late in Q3.",
        actions=[Action(text="Recruit", owner="Head of CX", due=dt.date(2025, 9, 30))],
    )
    path = tmp_path / "answers" / "2024-25.yaml"
    save_assessment(path, a)
    text = path.read_text()
    assert "status: Partial" in text or "status: 'Partial'" in text
    assert load_assessment(path, CODE, "l", "2024-25") == a
    assert "'Yes'" in dump_assessment(Assessment(landlord="l", period="2024-25", answers={"2024:1.2": Answer(status="Yes")}))
    assert not list(path.parent.glob(".*.tmp"))


def test_missing_file_is_an_empty_assessment(tmp_path):
    a = load_assessment(tmp_path / "none.yaml", CODE, "l", "2024-25")
    assert a.answers == {} and a.state == "Draft"


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the file is empty"),
        ("landlord: l\nperiod: 2024-25\nanswers: {'2024:1.2': {status: Maybe}}\n", "expected one of Yes, Partial, No, N/A"),
        ("landlord: l\nperiod: 2024-25\nanswers: {'2024:10.1': {status: 'Yes'}}\n", "not in the 2024 Code"),
        ("landlord: other\nperiod: 2024-25\n", "the file is for landlord 'other'"),
        ("landlord: l\nperiod: 2024-25\nanswers: {'2024:1.2': {status: 'No', actions: [{text: x, due: 31/02/2025}]}}\n", "due"),
        ("landlord: l\nperiod: 2024-25\nanswers: {'2024:1.2': {statsu: 'No'}}\n", "statsu: Extra inputs"),
        ("landlord: l\nperiod: 2024-25\nsignoff: {prepared: {name: Ann, date: 2025-05-01}, reviewed: {name: ann, date: 2025-05-02}}\n",
         r"signoff: The reviewer must be someone other than the preparer \(Ann\)"),
        ("landlord: l\n  period: [\n", "not valid YAML"),
    ],
)
def test_damaged_files_name_file_and_problem(tmp_path, text, message):
    path = write(tmp_path / "2024-25.yaml", text)
    with pytest.raises(AnswerStoreError, match=message) as info:
        load_assessment(path, CODE, "l", "2024-25")
    assert str(path) in str(info.value)


def test_flags():
    assert [f.code for f in answer_flags(Answer())] == ["unanswered"]
    assert [f.code for f in answer_flags(Answer(status="Yes"))] == ["yes-without-evidence"]
    assert answer_flags(Answer(status="Yes", evidence=[Evidence(description="Policy")])) == []
    assert [f.code for f in answer_flags(Answer(status="No"))] == ["no-explanation", "no-dated-action"]
    assert [f.code for f in answer_flags(Answer(status="Partial", commentary="why", actions=[Action(text="fix", owner="Head of CX")]))] == ["no-dated-action"]
    assert answer_flags(Answer(status="No", commentary="why", actions=[Action(text="fix", owner="Head of CX", due=dt.date(2025, 9, 1))]),
                        dt.date(2025, 6, 30)) == []
    assert [f.code for f in answer_flags(Answer(status="N/A"))] == ["na-without-reason"]


@pytest.mark.parametrize("landlord", DEMO_STARTED_2024_25)
def test_demo_answers_load_and_are_partly_complete(demo_inputs, landlord):
    a = load_assessment(demo_inputs / landlord / "answers" / "2024-25.yaml", CODE, landlord, "2024-25")
    assert 10 <= len(a.answers) < 72
    assert a.signoff.prepared is not None


def test_demo_has_a_no_with_an_owned_dated_action(demo_inputs):
    a = load_assessment(demo_inputs / "riverbend-homes" / "answers" / "2024-25.yaml", CODE, "riverbend-homes", "2024-25")
    nos = [x for x in a.answers.values() if x.status is Status.NO]
    assert nos and all(any(act.owner and act.due for act in x.actions) for x in nos)


def test_signoff_model():
    s = SignOff(name="A", date=dt.date(2025, 5, 1))
    assert Assessment(landlord="l", period="p", signoff={"prepared": s}).state == "Prepared"
