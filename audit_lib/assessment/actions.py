"""The action plan: every action recorded against a provision, with its state on a given date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ..code.catalogue import Provision
from .answers import Action, Answer, Assessment, Status

#: States of an action, in the order a governing body reads them.
STATES = ("Overdue", "Open", "No due date", "Done")


@dataclass(frozen=True)
class ActionRow:
    """One action with the provision it belongs to and its state as at a date."""

    provision: Provision
    status: Status | None
    action: Action
    state: str  # one of STATES

    @property
    def state_class(self) -> str:
        """CSS class of the state (``no-due-date``, ``overdue``, ...)."""
        return self.state.lower().replace(" ", "-")


@dataclass(frozen=True)
class Shortfall:
    """A provision answered No or Partial, with its explanation and actions."""

    provision: Provision
    answer: Answer
    actions: tuple[ActionRow, ...]

    @property
    def has_dated_action(self) -> bool:
        """Whether any action says by when the landlord will comply."""
        return any(row.action.due is not None for row in self.actions)


def due_state(due: dt.date | None, done: bool, as_of: dt.date) -> str:
    """Done, Overdue (due before ``as_of`` and not done), Open, or No due date."""
    if done:
        return "Done"
    if due is None:
        return "No due date"
    return "Overdue" if due < as_of else "Open"


def action_state(action: Action, as_of: dt.date) -> str:
    """The state of one action as at ``as_of`` (see :func:`due_state`)."""
    return due_state(action.due, action.done, as_of)


def action_rows(assessment: Assessment, provisions: Iterable[Provision], as_of: dt.date) -> list[ActionRow]:
    """All actions in provision order, each with its state as at ``as_of``."""
    rows = []
    for provision in provisions:
        answer = assessment.answer(provision.id)
        for action in answer.actions:
            rows.append(ActionRow(provision, answer.status, action, action_state(action, as_of)))
    return rows


def plan_order(rows: list[ActionRow]) -> list[ActionRow]:
    """Open work first: by state, then due date (undated last), then provision."""
    far = dt.date.max
    return sorted(rows, key=lambda r: (STATES.index(r.state), r.action.due or far, r.provision.sort_key))


def state_counts(states: Iterable[str]) -> dict[str, int]:
    """How many actions are in each state, plus the total."""
    counts = dict.fromkeys(STATES, 0)
    for state in states:
        counts[state] += 1
    return {"total": sum(counts.values()), **counts}


def action_counts(rows: Iterable[ActionRow]) -> dict[str, int]:
    """How many of these actions are in each state, plus the total."""
    return state_counts(row.state for row in rows)


def shortfalls(assessment: Assessment, provisions: Iterable[Provision], as_of: dt.date) -> list[Shortfall]:
    """Provisions answered No, then those answered Partial, in Code order, with their actions."""
    found: dict[Status, list[Shortfall]] = {Status.NO: [], Status.PARTIAL: []}
    for provision in provisions:
        answer = assessment.answer(provision.id)
        if answer.status in found:
            rows = tuple(ActionRow(provision, answer.status, a, action_state(a, as_of)) for a in answer.actions)
            found[answer.status].append(Shortfall(provision, answer, rows))
    return found[Status.NO] + found[Status.PARTIAL]
