"""Carry forward: start a period's assessment from last year's answers.

Only an empty assessment is started this way. Every answer of the previous period is copied
(status, evidence, commentary) as an **unconfirmed** draft, with the actions still open; the
actions that were done stay behind, as does the sign-off. An answer stays unconfirmed until
the auditor confirms or changes it, and the draft records the period it came from. Several
answers (a section's) can be confirmed at once: one save, one history entry per answer.

**Across Code versions** (last year under the 2022 Code, this year under 2024), each answer goes
through the crosswalk (:mod:`audit_lib.code.crosswalk`) to the newer provisions that carry its
requirement, from one version to the next only (2020 to 2022, 2022 to 2024; a bigger gap, or a
step back, is refused). Every draft is unconfirmed, whatever the kind of link (an answer to a
requirement strengthened or reworded is never taken as still true), and keeps in
:attr:`~.answers.Answer.carried` each older provision it came from, with how its requirement
changed and the crosswalk's note, to be shown beside it. Where several older answers lead to
one newer provision (merged provisions, or part of a split one), the draft takes the least
compliant status among them (No, then Partial, then Yes; N/A only when all are N/A), all their
evidence (each item once), their commentaries joined, each labelled with its older provision
("2022 4.6: ..."), and all their open actions. An answer to a question asking for a figure or a
written answer (the 2020 Code's) is put in the commentary, labelled. An answer whose
requirement was removed is not carried; a newer provision that no older one leads to (new in
the newer Code) starts blank. Responses to findings are never carried: the findings are the
period's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..code.catalogue import Catalogue
from ..code.crosswalk import Crosswalk, Link, LinkKind, load_crosswalk
from ..code.versions import previous_version, versions
from ..errors import SignOffError
from .answers import Action, Answer, Assessment, CarriedFrom, Evidence, Status, empty_assessment

#: Statuses from the least compliant: a draft merged from several answers takes the first found.
_LEAST_COMPLIANT_FIRST = (Status.NO, Status.PARTIAL, Status.YES)


def crosswalk_between(older: str, newer: str, *, path: Path | None = None) -> Crosswalk:
    """The crosswalk that carries answers under the ``older`` Code to the ``newer`` one: the next
    version only. Any other pair is :class:`SignOffError` (naming ``path``, the answers file)."""
    if previous_version(newer) == older:
        return load_crosswalk(older, newer)
    order = versions()
    steps = ", ".join(f"{a} to {b}" for a, b in pairwise(order))
    if older in order and newer in order and order.index(older) > order.index(newer):
        found = f"last period's answers are under the {older} Code, newer than this period's {newer} Code"
    else:
        found = f"last period's answers are under the {older} Code and this period's under the {newer} Code"
    raise SignOffError(
        f"carry forward maps answers from one version of the Code to the next ({steps}); {found}, so they "
        "cannot be carried: answer this period afresh, or check which Code each period is assessed against "
        "(the landlord's 'codes' in the group registry, landlords.yaml)",
        path=path,
    )


def new_provisions(crosswalk: Crosswalk) -> set[str]:
    """The ids of the newer Code's provisions that no older provision leads to (``2024:6.11``):
    a draft carried through ``crosswalk`` leaves them blank."""
    return {f"{crosswalk.newer}:{number}" for number in crosswalk.new}


def carried_forward(current: Assessment, previous: Assessment, user: str, *, path: Path | None = None,
                    crosswalk: Crosswalk | None = None,
                    catalogue: Catalogue | None = None) -> tuple[Assessment, dict[str, Any]]:
    """The draft that starts ``current`` (still empty) from ``previous``'s answers, and its history entry.

    The draft keeps ``current``'s revision; ``path`` (the answers file) is named in the error
    when ``current`` already has answers. When ``previous`` is under another version of the
    Code, ``crosswalk`` (from :func:`crosswalk_between`) carries its answers to ``catalogue``'s
    provisions (``current``'s Code); the history entry then also names both versions, the
    provisions new in the newer one and the answers not carried.
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
    if previous.code != current.code:
        if crosswalk is None or catalogue is None:
            raise SignOffError(f"{previous.period} is under the {previous.code} Code and {current.period} under "
                               f"the {current.code} Code: carrying its answers needs the crosswalk between them",
                               path=path)
        return _carried_across(draft, previous, crosswalk, catalogue, user, now)
    for provision, answer in previous.answers.items():
        draft.answers[provision] = Answer(
            status=answer.status,
            value=answer.value,
            evidence=[Evidence(**e.model_dump()) for e in answer.evidence],
            commentary=answer.commentary,
            actions=[Action(**a.model_dump()) for a in answer.actions if not a.done],
            confirmed=False,
            updated_by=user,
            updated_at=now,
        )
    return draft, {"carried_from": previous.period, "answers": len(draft.answers)}


def _carried_across(draft: Assessment, previous: Assessment, crosswalk: Crosswalk, catalogue: Catalogue,
                    user: str, now: dt.datetime) -> tuple[Assessment, dict[str, Any]]:
    """``draft`` (empty) filled with ``previous``'s answers carried through ``crosswalk``, and the entry."""
    older, newer = crosswalk.older, crosswalk.newer
    if (previous.code, draft.code, catalogue.code) != (older, newer, newer):
        raise SignOffError(f"the crosswalk from {older} to {newer} cannot carry answers under the {previous.code} "
                           f"Code to the {draft.code} Code")
    order = {p.number: p.sort_key for p in catalogue.provisions}
    for provision in catalogue.provisions:
        sources = [(f"{older}:{link.source}", link) for link in crosswalk.predecessors(provision.number)]
        answered = [(source, link, previous.answers[source]) for source, link in sources if source in previous.answers]
        if answered:
            # an open action goes with the first provision its requirement went to (one copy to tick off)
            holds_actions = {source for source, link, _ in answered
                             if min(link.to, key=order.__getitem__) == provision.number}
            draft.answers[provision.id] = _merged(answered, holds_actions, user, now)
    not_carried = {source: LinkKind.REMOVED.value for source in _in_order(previous.answers)
                   if crosswalk.link(source).kind is LinkKind.REMOVED}
    actions_left = {source: n for source in not_carried
                    if (n := sum(1 for a in previous.answers[source].actions if not a.done))}
    entry: dict[str, Any] = {
        "carried_from": previous.period, "from_code": older, "to_code": newer, "answers": len(draft.answers),
        "new_provisions": sorted(new_provisions(crosswalk), key=_number_key), "not_carried": not_carried,
    }
    if actions_left:  # open actions of a removed requirement: named, so none vanishes unseen
        entry["open_actions_not_carried"] = actions_left
    return draft, entry


def _merged(answered: list[tuple[str, Link, Answer]], holds_actions: set[str], user: str,
            now: dt.datetime) -> Answer:
    """One newer provision's draft from the older answers that lead to it (one or several); the
    open actions of those in ``holds_actions`` (a split provision's go to its first target only)."""
    answers = [answer for _, _, answer in answered]
    evidence: dict[tuple[str, str | None], Evidence] = {}
    actions: dict[tuple[str, str | None, dt.date | None], Action] = {}
    for source, _, answer in answered:
        for item in answer.evidence:
            evidence.setdefault((item.description, item.reference), Evidence(**item.model_dump()))
        for action in answer.actions if source in holds_actions else ():
            if not action.done:
                actions.setdefault((action.text, action.owner, action.due), Action(**action.model_dump()))
    labelled = len(answered) > 1
    parts = [_commentary(_label(source), answer, labelled) for source, _, answer in answered]
    return Answer(
        status=least_compliant(answer.status for answer in answers),
        evidence=list(evidence.values()),
        commentary="\n\n".join(part for part in parts if part),
        actions=list(actions.values()),
        confirmed=False,
        carried=[CarriedFrom(provision=source, kind=link.kind.value, note=link.note) for source, link, _ in answered],
        updated_by=user,
        updated_at=now,
    )


def least_compliant(statuses: Iterable[Status | None]) -> Status | None:
    """The least compliant of ``statuses`` (No, then Partial, then Yes); N/A only when every one
    given is N/A; ``None`` when none is given."""
    given = {status for status in statuses if status is not None}
    for status in _LEAST_COMPLIANT_FIRST:
        if status in given:
            return status
    return Status.NA if given else None


def _commentary(label: str, answer: Answer, labelled: bool) -> str:
    """An older answer's commentary for the draft: labelled with its provision when the draft
    joins several, and always when it holds a figure or written answer (meaningless unlabelled)."""
    text = answer.commentary.strip()
    if answer.value is not None:
        text = f"answered “{answer.value}”" + (f"; {text}" if text else "")
        labelled = True
    if not text:
        return ""
    return f"{label}: {text}" if labelled else answer.commentary


def _label(provision_id: str) -> str:
    """A provision id as the commentary names it: ``2022:4.6`` -> ``2022 4.6``."""
    return provision_id.replace(":", " ", 1)


def _number_key(provision_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in provision_id.split(":", 1)[-1].split(".") if part.isdigit())


def _in_order(provision_ids: Iterable[str]) -> list[str]:
    return sorted(provision_ids, key=_number_key)


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
