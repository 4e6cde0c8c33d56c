"""Evidence checks: compliance flags raised by an answer, as data (never exceptions).

Some flags depend on the date the answer is judged at (an action due before it and not done is
overdue): ``as_of`` is that date, the report's as-of date in a report and today in the live
workbook; it is given in one place by whoever shows the flags.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..code.catalogue import Provision
from .actions import due_date_problem, due_state, format_date
from .answers import Answer, CarriedFrom, Status
from .progress import asks_for_value, is_answered


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


#: The 2022 Code's rule where a mandatory requirement is not met (its self-assessment form: "Explanations
#: must also be provided where a mandatory 'must' requirement is not met to set out the rationale for the
#: alternative approach adopted and why this delivers a better outcome.").
MUST_NOT_MET = ("A mandatory 'must' requirement not met: the 2022 Code requires an explanation of the alternative "
                "approach and why it delivers a better outcome.")

#: What a question asking for something other than a status asks for, in words.
_ASKS = {"figure": "a figure", "text": "a written answer"}


def answer_flags(answer: Answer, as_of: dt.date | None = None, provision: Provision | None = None) -> list[Flag]:
    """What an experienced reviewer would send back: unsupported Yes, unexplained No/Partial, and
    actions overdue at ``as_of`` (default today), without an owner or with a mistyped date.

    Given the ``provision`` answered, also what its Code asks of the answer: a question asking
    for a figure or a written answer (2020) is answered by its ``value`` or N/A (a Yes, Partial or
    No on it is flagged ``status-on-question``; see :func:`.progress.is_answered`), and a 'No' or
    'Partial' on a 2022 'must' requirement without an explanation is flagged
    ``must-not-met-unexplained`` (in place of ``no-explanation``). A draft carried across Code
    versions says where it came from and what changed.
    """
    if provision is not None and asks_for_value(provision):
        return _question_flags(answer, as_of, provision)
    flags: list[Flag] = []
    if answer.status is None:
        return [Flag("unanswered", "Not yet assessed."), *action_flags(answer, as_of)]
    if answer.status is Status.YES and not answer.evidence:
        flags.append(Flag("yes-without-evidence", "'Yes' with no evidence recorded."))
    if answer.status in (Status.NO, Status.PARTIAL):
        if not answer.commentary.strip():
            if provision is not None and provision.tier == "must":
                flags.append(Flag("must-not-met-unexplained", MUST_NOT_MET))
            else:
                flags.append(Flag("no-explanation", f"'{answer.status.value}' without an explanation."))
        if not any(a.due for a in answer.actions):
            flags.append(Flag("no-dated-action", f"'{answer.status.value}' without an action with a due date."))
    if answer.status is Status.NA and not answer.commentary.strip():
        flags.append(Flag("na-without-reason", "'N/A' without a reason."))
    flags += action_flags(answer, as_of)
    return flags + _unconfirmed(answer)


def _question_flags(answer: Answer, as_of: dt.date | None, provision: Provision) -> list[Flag]:
    """The flags of an answer to a question asking for a figure or a written answer."""
    asks = _ASKS.get(provision.answer, "a figure")
    flags: list[Flag] = []
    if answer.status is not None and answer.status is not Status.NA:
        what = "the figure" if provision.answer == "figure" else "the answer"
        flags.append(Flag("status-on-question", f"This question asks for {asks}, not Yes/No: give {what}."))
    if not is_answered(provision, answer):
        return [Flag("unanswered", f"Not yet answered: this question asks for {asks}."), *flags,
                *action_flags(answer, as_of)]
    if answer.status is Status.NA and not answer.commentary.strip():
        flags.append(Flag("na-without-reason", "'N/A' without a reason."))
    flags += action_flags(answer, as_of)
    return flags + _unconfirmed(answer)


def _unconfirmed(answer: Answer) -> list[Flag]:
    """The flag of a draft not yet confirmed: carried forward from last year, or carried across
    Code versions (then where from, how the requirement changed and the crosswalk's note)."""
    if answer.confirmed:
        return []
    if not answer.carried:
        return [Flag("unconfirmed", "Carried forward from last year and not yet confirmed.")]
    origins = "; and from ".join(_origin(c) for c in answer.carried)
    return [Flag("unconfirmed", f"Carried from {origins}; confirm or change it.")]


def _origin(carried: CarriedFrom) -> str:
    """``the 2022 Code's 5.1 (split): <note>``."""
    code, _, number = carried.provision.partition(":")
    where = f"the {code} Code's {number}" if number else carried.provision
    note = carried.note.strip().rstrip(".;")
    return f"{where} ({carried.kind})" + (f": {note}" if note else "")
