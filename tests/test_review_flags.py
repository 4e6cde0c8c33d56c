"""Flags an experienced reviewer would raise about actions: overdue (carried from last year too),
no owner, a due date that cannot be meant; beside the provision and in the report's action plan,
judged at one date (the report's as-of date, today in the live workbook)."""

from __future__ import annotations

import datetime as dt

import pytest

from audit_lib.assessment.actions import action_rows, parse_due_date
from audit_lib.assessment.answers import Action, Answer, Assessment
from audit_lib.assessment.checks import answer_flags
from audit_lib.assessment.store import open_store
from audit_lib.code.catalogue import load_catalogue
from audit_lib.errors import AnswerStoreError
from audit_lib.workbook import views
from audit_lib.workbook.facade import open_workbook

CODE = load_catalogue()
AS_OF = dt.date(2025, 6, 30)


def _codes(answer, as_of=AS_OF):
    return [f.code for f in answer_flags(answer, as_of)]


def test_an_open_action_past_its_due_date_is_flagged_at_the_date_given():
    late = Answer(status="Partial", commentary="why", actions=[Action(text="fix", owner="Head of CX",
                                                                      due=dt.date(2025, 3, 31))])
    assert _codes(late) == ["action-overdue"]
    assert "31/03/2025" in answer_flags(late, AS_OF)[0].message
    assert _codes(late, dt.date(2025, 3, 31)) == []  # due that day: not yet overdue
    done = late.model_copy(update={"actions": [late.actions[0].model_copy(update={"done": True})]})
    assert _codes(done) == []
    unanswered = Answer(actions=late.actions)
    assert _codes(unanswered) == ["unanswered", "action-overdue"]


def test_an_open_action_without_an_owner_is_flagged():
    answer = Answer(status="Yes", evidence=[{"description": "Policy"}],
                    actions=[Action(text="fix", due=dt.date(2025, 9, 30)), Action(text="more", owner=" ")])
    flags = answer_flags(answer, AS_OF)
    assert [f.code for f in flags] == ["action-without-owner"]
    assert flags[0].message == "2 open actions have no owner."


def test_a_due_date_that_cannot_be_meant_is_flagged_and_refused():
    answer = Answer(status="No", commentary="why", actions=[Action(text="fix", owner="CX", due=dt.date(2, 3, 31))])
    flags = answer_flags(answer, AS_OF)
    assert "action-due-date-implausible" in [f.code for f in flags]
    assert any("31/03/0002" in f.message for f in flags)
    for typed in ("31/03/0002", "31/03/20288", "275760-01-15", "31/3/28"):
        with pytest.raises(ValueError):
            parse_due_date(typed)
    assert parse_due_date(" 31/3/2026 ") == dt.date(2026, 3, 31) == parse_due_date("2026-03-31")
    assert parse_due_date("") is None


def test_the_store_refuses_a_new_action_with_a_mistyped_year(demo_inputs):
    store = open_store(demo_inputs / "calder-vale-housing", CODE, "calder-vale-housing", "2024-25", "alice")
    with pytest.raises(AnswerStoreError, match="between 01/01/2000 and 31/12/2099"):
        store.change("2024:4.1", "actions", [{"text": "fix", "due": "0002-03-31"}])
    assert store.answer("2024:4.1").actions == []


def test_actions_carried_from_last_year_and_now_overdue_are_flagged(demo_inputs):
    folder = demo_inputs / "riverbend-homes"
    previous = open_store(folder, CODE, "riverbend-homes", "2024-25", "alice")
    current = open_store(folder, CODE, "riverbend-homes", "2025-26", "alice")
    current.carry_forward(previous)
    carried = current.answer("2024:6.3")
    assert carried.actions and not carried.actions[0].done
    assert "action-overdue" not in _codes(carried, dt.date(2025, 6, 30))
    assert "action-overdue" in _codes(carried, dt.date(2026, 6, 30))


def _assessment_with(actions):
    return Assessment(landlord="l", period="2024-25", answers={
        "2024:4.1": Answer(status="No", commentary="why", actions=actions)})


def test_the_report_flags_them_beside_the_provision_and_in_the_action_plan():
    assessment = _assessment_with([
        Action(text="Carried over from last year", owner="Head of CX", due=dt.date(2025, 3, 31)),
        Action(text="Nobody owns this", due=dt.date(2025, 9, 30)),
        Action(text="Mistyped year", owner="CX", due=dt.date(2, 9, 30)),
    ])
    section = views.section(CODE, 4, assessment, {}, AS_OF).html
    assert "An action due 31/03/2025 is not done: overdue at 30/06/2025." in section
    assert "An open action has no owner." in section
    assert "31/09/0002" not in section and "30/09/0002" in section
    plan = views.action_plan(CODE, assessment, AS_OF).html
    assert plan.count('class="state overdue"') == 2  # the carried action and the mistyped year
    assert "No owner: someone must be answerable for this action." in plan
    assert "The due date needs correcting" in plan and "30/09/0002" in plan
    states = {r.action.text: (r.state, r.flags) for r in action_rows(assessment, CODE.provisions, AS_OF)}
    assert states["Carried over from last year"] == ("Overdue", [])


def test_the_same_answers_give_the_same_report_whatever_the_day(demo_inputs):
    early = open_workbook("riverbend-homes", "2024-25", demo_inputs, as_of="2025-06-30")
    late = open_workbook("riverbend-homes", "2024-25", demo_inputs, as_of="2026-06-30")
    assert "is not done: overdue at" not in early.section(6).html
    assert "overdue at 30/06/2026" in late.section(6).html
    assert early.metrics()["assessment"]["with_review_flags"] < late.metrics()["assessment"]["with_review_flags"]
