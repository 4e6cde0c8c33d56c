"""Carry forward: start a period's assessment from last year's answers.

Only an empty assessment is started this way. Every answer of the previous period is copied
(status, evidence, commentary) as an **unconfirmed** draft, with the actions still open; the
actions that were done stay behind, as does the sign-off. An answer stays unconfirmed until
the auditor confirms or changes it, and the draft records the period it came from. Several
answers (a section's) can be confirmed at once: one save, one history entry per answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import SignOffError
from .answers import Action, Answer, Assessment, Evidence, empty_assessment


def carried_forward(current: Assessment, previous: Assessment, user: str, *,
                    path: Path | None = None) -> tuple[Assessment, dict[str, Any]]:
    """The draft that starts ``current`` (still empty) from ``previous``'s answers, and its history entry.

    The draft keeps ``current``'s revision; ``path`` (the answers file) is named in the error
    when ``current`` already has answers.
    """
    if current.answers:
        raise SignOffError(
            f"{current.period} already has {len(current.answers)} answers; carry forward only starts an "
            "empty assessment", path=path,
        )
    draft = empty_assessment(current.landlord, current.period, current.code)
    draft.revision = current.revision
    draft.carried_from = previous.period
    now = dt.datetime.now().replace(microsecond=0)
    for provision, answer in previous.answers.items():
        draft.answers[provision] = Answer(
            status=answer.status,
            evidence=[Evidence(**e.model_dump()) for e in answer.evidence],
            commentary=answer.commentary,
            actions=[Action(**a.model_dump()) for a in answer.actions if not a.done],
            confirmed=False,
            updated_by=user,
            updated_at=now,
        )
    return draft, {"carried_from": previous.period, "answers": len(draft.answers)}


def confirmed_answers(current: Assessment, provision_ids: Iterable[str], user: str, *,
                      path: Path | None = None) -> tuple[Assessment, list[dict[str, Any]]]:
    """A copy of ``current`` with the carried-forward answers of ``provision_ids`` confirmed, and one
    history entry per answer confirmed (those already confirmed, or not answered, are left alone).

    An approved assessment is read-only: :class:`SignOffError`, naming ``path``.
    """
    if current.signoff.approved is not None:
        raise SignOffError("the assessment is approved and read-only; reopen it (with a reason) to confirm answers",
                           path=path)
    result = current.model_copy(deep=True)
    now = dt.datetime.now().replace(microsecond=0)
    entries: list[dict[str, Any]] = []
    for provision in dict.fromkeys(provision_ids):
        answer = result.answers.get(provision)
        if answer is None or answer.confirmed:
            continue
        result.answers[provision] = answer.model_copy(update={"confirmed": True, "updated_by": user,
                                                              "updated_at": now})
        entries.append({"provision": provision, "field": "confirmed", "old": False, "new": True})
    return result, entries
