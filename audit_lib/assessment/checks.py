"""Evidence checks: compliance flags raised by an answer, as data (never exceptions)."""

from __future__ import annotations

from dataclasses import dataclass

from .answers import Answer, Status


@dataclass(frozen=True)
class Flag:
    """A problem with one answer that the auditor should resolve before sign-off."""

    code: str
    message: str


def answer_flags(answer: Answer) -> list[Flag]:
    """What an experienced reviewer would send back: unsupported Yes, unexplained No/Partial."""
    flags: list[Flag] = []
    if answer.status is None:
        return [Flag("unanswered", "Not yet assessed.")]
    if answer.status is Status.YES and not answer.evidence:
        flags.append(Flag("yes-without-evidence", "'Yes' with no evidence recorded."))
    if answer.status in (Status.NO, Status.PARTIAL):
        if not answer.commentary.strip():
            flags.append(Flag("no-explanation", f"'{answer.status.value}' without an explanation."))
        if not any(a.due for a in answer.actions):
            flags.append(Flag("no-dated-action", f"'{answer.status.value}' without an action with a due date."))
    if answer.status is Status.NA and not answer.commentary.strip():
        flags.append(Flag("na-without-reason", "'N/A' without a reason."))
    if any(not (action.owner or "").strip() for action in answer.actions if not action.done):
        flags.append(Flag("action-without-owner", "An open action with no owner recorded."))
    if not answer.confirmed:
        flags.append(Flag("unconfirmed", "Carried forward from last year and not yet confirmed."))
    return flags
