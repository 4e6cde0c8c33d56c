"""The action plan: every action recorded against a provision, with its state on a given date."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..code.catalogue import Provision
from ..core.periods import uk_date
from .answers import Action, Answer, Assessment, Status

#: States of an action, in the order a governing body reads them.
STATES = ("Overdue", "Open", "No due date", "Done")

#: The due dates accepted when an action is saved: a date typed with a short year (0002) or a
#: slip of the keyboard (20288) is refused, and one already in a file is flagged.
EARLIEST_DUE = dt.date(2000, 1, 1)
LATEST_DUE = dt.date(2099, 12, 31)

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d+)")
_YEAR_MONTH_DAY = re.compile(r"(\d+)-(\d{1,2})-(\d{1,2})")


def format_date(day: dt.date) -> str:
    """DD/MM/YYYY, the year always with four digits (``31/03/0002``, not ``31/03/2``)."""
    return uk_date(day)


def due_date_problem(due: dt.date | None) -> str | None:
    """Why ``due`` is not a plausible due date, in plain words; ``None`` when it is (or there is none)."""
    if due is None or EARLIEST_DUE <= due <= LATEST_DUE:
        return None
    return (f"a due date must be between {format_date(EARLIEST_DUE)} and {format_date(LATEST_DUE)}; "
            f"the year {due.year:04d} looks mistyped")


def parse_due_date(text: str) -> dt.date | None:
    """A due date as the auditor types it: DD/MM/YYYY (``/``, ``.`` or ``-`` between) or YYYY-MM-DD;
    blank for none. Anything else, an impossible date (31/02/2026) or one outside
    :data:`EARLIEST_DUE` - :data:`LATEST_DUE` raises ``ValueError`` with a plain message."""
    text = text.strip()
    if not text:
        return None
    expected = "type the date as DD/MM/YYYY, for example 31/03/2026"
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = match.groups()
    elif match := _YEAR_MONTH_DAY.fullmatch(text):
        year, month, day = match.groups()
    else:
        raise ValueError(f"not a date: {expected}")
    if len(year) != 4:
        raise ValueError(f"the year needs four digits: {expected}")
    try:
        due = dt.date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"there is no such day in the calendar: {expected}") from None
    problem = due_date_problem(due)
    if problem:
        raise ValueError(problem)
    return due


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

    @property
    def due_text(self) -> str:
        """The due date as DD/MM/YYYY (blank when none)."""
        return format_date(self.action.due) if self.action.due else ""

    @property
    def flags(self) -> list[str]:
        """What a reviewer would raise about this action besides its state (overdue is a state)."""
        found = []
        if not self.action.done and not (self.action.owner or "").strip():
            found.append("No owner: someone must be answerable for this action.")
        problem = due_date_problem(self.action.due)
        if problem:
            found.append(f"The due date needs correcting: {problem}.")
        return found


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
