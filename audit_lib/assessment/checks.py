"""Evidence checks: compliance flags raised by an answer, as data (never exceptions).

Some flags depend on the date the answer is judged at (an action due before it and not done is
overdue): ``as_of`` is that date, the report's as-of date in a report and today in the live
workbook; it is given in one place by whoever shows the flags.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .actions import due_date_problem, due_state, format_date
from .answers import Answer, Status


@dataclass(frozen=True)
class Flag:
    """A problem with one answer that the auditor should resolve before sign-off."""

    code: str
    message: str


def action_flags(answer: Answer, as_of: dt.date | None = None) -> list[Flag]:
    """An answer's actions as a reviewer reads them at ``as_of`` (default today): open and past their
    due date (carried from last year or not), open with no owner, a due date that cannot be meant."""
    when = as_of or dt.date.today()
    flags: list[Flag] = []
    open_actions = [a for a in answer.actions if not a.done]
    for action in open_actions:
        if action.due is not None and due_state(action.due, action.done, when) == "Overdue":
            flags.append(Flag("action-overdue", f"An action due {format_date(action.due)} is not done: overdue "
                                                f"at {format_date(when)}."))
    ownerless = sum(1 for a in open_actions if not (a.owner or "").strip())
    if ownerless:
        flags.append(Flag("action-without-owner", "An open action has no owner." if ownerless == 1 else
                          f"{ownerless} open actions have no owner."))
    for action in answer.actions:
        problem = due_date_problem(action.due)
        if problem and action.due is not None:
            flags.append(Flag("action-due-date-implausible", f"An action's due date, {format_date(action.due)}, "
                                                             f"needs correcting: {problem}."))
    return flags


def answer_flags(answer: Answer, as_of: dt.date | None = None) -> list[Flag]:
    """What an experienced reviewer would send back: unsupported Yes, unexplained No/Partial, and
    actions overdue at ``as_of`` (default today), without an owner or with a mistyped date."""
    flags: list[Flag] = []
    if answer.status is None:
        return [Flag("unanswered", "Not yet assessed."), *action_flags(answer, as_of)]
    if answer.status is Status.YES and not answer.evidence:
        flags.append(Flag("yes-without-evidence", "'Yes' with no evidence recorded."))
    if answer.status in (Status.NO, Status.PARTIAL):
        if not answer.commentary.strip():
            flags.append(Flag("no-explanation", f"'{answer.status.value}' without an explanation."))
        if not any(a.due for a in answer.actions):
            flags.append(Flag("no-dated-action", f"'{answer.status.value}' without an action with a due date."))
    if answer.status is Status.NA and not answer.commentary.strip():
        flags.append(Flag("na-without-reason", "'N/A' without a reason."))
    flags += action_flags(answer, as_of)
    if not answer.confirmed:
        flags.append(Flag("unconfirmed", "Carried forward from last year and not yet confirmed."))
    return flags
