"""Sign-off rules: prepared, then reviewed, then approved; approval makes the assessment read-only.

* The signer is the user signed in (``CHC_AUDIT_USER`` or the login), recorded with the
  signature; the name, job title and date typed describe it.
* An assessment is signed in order: it is reviewed only once prepared, and approved (by the
  governing body) only once reviewed. The preparer is not changed once it is reviewed.
* The reviewer and the approver are not the preparer: not the same user, nor the same name
  (a signature recorded before users were is told apart by its name only).
* A signature replaces another only when the signer confirms it, naming the one replaced
  (``replacing``); a confirmation for a signature that has changed since is asked again.
* Approval needs every provision assessed (carried-forward answers confirmed), every 'No' or
  'Partial' explained and every 'No' with an action with a due date, or an **override**: a
  reason, recorded with what was outstanding and shown on the report's cover.
* Approval is refused while the case data contradicts an answer and the auditor has not
  responded to that finding (:mod:`audit_lib.findings`): an override does not stand in for a
  response. Preparing and reviewing are not refused for it.
* Every signature records the SHA-256 of each register document the answers cite
  (:attr:`~.answers.SignOff.documents`), so a document changed since shows as a finding.
* An approved assessment is read-only: nothing is signed or changed until it is reopened.
* Reopening withdraws the review and the approval and needs a reason.

Every change is kept twice: as an entry of the history file (with the old value and the new)
and as a :class:`~.answers.SignOffEvent` in the answers file, which the report's cover lists.

The functions here decide; they take an assessment and give back the changed copy and the
entry for the history, or raise :class:`~audit_lib.errors.SignOffError` (its message in plain
words). The store (:mod:`.store`) applies them under its lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, Protocol, cast

from ..code.catalogue import Provision
from ..core.periods import Period
from ..errors import (
    ApprovalIncompleteError,
    AuditError,
    FindingsUnansweredError,
    SignOffError,
    SignOffReplaceError,
    UsageError,
)
from .answers import SIGNERS, Assessment, Override, Role, SignOff, SignOffEvent, SignOffs, Status, not_the_preparer
from .progress import asks_for_value, is_answered


class FindingRef(Protocol):
    """What the sign-off needs of a finding (:class:`audit_lib.findings.model.Finding`, which
    depends on the assessment, not the other way round): its provision's number and its code."""

    @property
    def number(self) -> str: ...

    @property
    def code(self) -> str: ...


ROLES = ("prepared", "reviewed", "approved")
ROLE_NOUNS = {"reviewed": "review", "approved": "approval"}


def check_role(role: str) -> None:
    """``role`` is one of :data:`ROLES`."""
    if role not in ROLES:
        raise UsageError(f"unknown sign-off {role!r}; expected one of {', '.join(ROLES)}")


def check_reason(reason: str) -> None:
    """A reopening gives a reason."""
    if not reason.strip():
        raise SignOffError("Give a reason for reopening the assessment.")


def _numbers(numbers: list[str], limit: int | None) -> str:
    if limit is None or len(numbers) <= limit:
        return ", ".join(numbers)
    return f"{', '.join(numbers[:limit])} and {len(numbers) - limit} more"


def approval_gaps(assessment: Assessment, provisions: Iterable[Provision], *, limit: int | None = None) -> list[str]:
    """What stands in the way of approval, in plain words (empty when nothing does).

    Provisions not assessed (not answered as :func:`.progress.is_answered` says, as the progress
    counts them: a question asking for a figure or a written answer needs its value or N/A),
    answers carried forward and not confirmed, a 'No' or 'Partial' without an explanation and a
    'No' without an action with a due date. ``limit`` shortens each list (for a message); the
    full lists are what an override records.
    """
    total = 0
    unassessed: list[str] = []
    unconfirmed: list[str] = []
    problems: list[str] = []
    for provision in provisions:
        total += 1
        answer = assessment.answer(provision.id)
        if not is_answered(provision, answer):
            unassessed.append(provision.number)
            continue
        if not answer.confirmed:
            unconfirmed.append(provision.number)
        if asks_for_value(provision):
            continue  # answered by its value (or N/A): a 'No' or 'Partial' is not its answer
        if answer.status in (Status.NO, Status.PARTIAL) and not answer.commentary.strip():
            problems.append(f"{provision.number} is '{answer.status.value}' without an explanation")
        if answer.status is Status.NO and not any(action.due for action in answer.actions):
            problems.append(f"{provision.number} is 'No' without an action with a due date")
    gaps = []
    if unassessed:
        verb = "is" if len(unassessed) == 1 else "are"
        gaps.append(f"{len(unassessed)} of {total} provisions {verb} not assessed ({_numbers(unassessed, limit)})")
    if unconfirmed:
        verb = "is" if len(unconfirmed) == 1 else "are"
        gaps.append(f"{len(unconfirmed)} answers carried forward from last year {verb} not confirmed "
                    f"({_numbers(unconfirmed, limit)})")
    if limit is not None and len(problems) > limit:
        problems = [*problems[:limit], f"{len(problems) - limit} more like these"]
    return gaps + problems


class SignatureFacts(NamedTuple):
    """What a signature depends on besides the sign-off itself, from the answers it signs: the
    contradicted findings with no response (which refuse an approval) and the SHA-256 of each
    cited register document (which every signature records). The workbook computes them
    (:meth:`audit_lib.workbook.facade.Workbook.signature_facts`), having the case figures and the register."""

    unanswered: Sequence[FindingRef] = ()
    documents: Mapping[str, str] = {}


def unanswered_message(unanswered: Sequence[FindingRef]) -> str:
    """The refusal of an approval over ``unanswered`` contradicted findings, naming each by its
    provision's number and code (never by its figures)."""
    codes: dict[str, list[str]] = {}
    for finding in unanswered:
        codes.setdefault(finding.number, []).append(str(finding.code))
    named = ", ".join(f"{number} ({', '.join(found)})" for number, found in codes.items())
    one = len(unanswered) == 1
    return (f"The assessment cannot be approved: the case data contradicts {'an answer' if one else 'answers'} "
            f"and {'this finding has' if one else 'these findings have'} no response: {named}. Respond to each "
            "contradicted finding (\"Your response\" under Findings, in the provision's form) before "
            "approving; a reason to approve anyway does not replace a response.")


def _check_date(assessment: Assessment, role: str, date: object, today: dt.date) -> dt.date:
    """A signature's date: a real date, not before the period starts and not after today."""
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise SignOffError(f"Give the date you sign as {SIGNERS[role]}.")
    try:
        first = Period.parse(assessment.period).start
    except AuditError:
        first = dt.date(2000, 1, 1)
    if not first <= date <= today:
        raise SignOffError(f"The date signed must be between {first:%d/%m/%Y} (the start of {assessment.period}) "
                           f"and today ({today:%d/%m/%Y}); found {date:%d/%m/%Y}.")
    return date


def signed(assessment: Assessment, role: str, name: str, date: dt.date, job_title: str | None = None, *,
           user: str, replacing: SignOff | None = None, override: str | None = None,
           provisions: Iterable[Provision] | None = None, path: Path | None = None,
           at: dt.datetime | None = None, documents: Mapping[str, str] | None = None,
           unanswered: Sequence[FindingRef] = ()) -> tuple[Assessment, dict[str, Any]]:
    """A copy of ``assessment`` signed as ``role`` by ``user`` (typed as ``name``, ``job_title``,
    dated ``date``), and its history entry (``old``: the signature replaced, or ``None``).

    ``replacing`` confirms the replacement of the signature in place (it must be that one);
    ``override`` is the reason to approve although :func:`approval_gaps` finds gaps in
    ``provisions`` (none are looked for without them). ``at`` defaults to now; ``path`` (the
    answers file) is named in the error when the assessment is approved.

    ``documents`` (register id -> SHA-256 of each cited document) is recorded with the signature.
    ``unanswered`` are the contradicted findings with no response: an approval is refused while
    there are any (:class:`~audit_lib.errors.FindingsUnansweredError`, whatever ``override``
    says); a preparer's or reviewer's signature is not.
    """
    check_role(role)
    now = at if at is not None else dt.datetime.now().replace(microsecond=0)
    signer = SIGNERS[role]
    signoff = assessment.signoff
    if signoff.approved is not None:
        raise SignOffError("The assessment is approved; reopen it (with a reason) before signing again.", path=path)
    if role == "reviewed" and signoff.prepared is None:
        raise SignOffError("The assessment must be prepared before it is reviewed.")
    if role == "approved" and signoff.reviewed is None:
        raise SignOffError("The assessment must be reviewed before it is approved.")
    if role == "prepared" and signoff.reviewed is not None:
        raise SignOffError("The assessment has been reviewed: reopen it (with a reason) before changing the preparer.")
    typed = (name or "").strip()
    if not typed:
        raise SignOffError(f"Give your name to sign as {signer}.")
    if not user.strip():
        raise SignOffError("Nobody is signed in: set CHC_AUDIT_USER to your user name to sign.")
    new = SignOff(name=typed, role=(job_title or "").strip() or None,
                  date=_check_date(assessment, role, date, now.date()), user=user.strip(),
                  documents=dict(documents or {}))
    preparer = signoff.prepared
    if role != "prepared" and preparer is not None and preparer.same_signer(new):
        raise SignOffError(not_the_preparer(role, preparer.name))
    current: SignOff | None = getattr(signoff, role)
    if current is not None and current != replacing:
        raise SignOffReplaceError(
            f"{current.name} has already signed as {signer}; confirm that your signature replaces theirs.",
            role=role, current=current, path=path,
        )
    if role == "approved" and unanswered:  # first: an override reason would not help
        raise FindingsUnansweredError(unanswered_message(unanswered), findings=unanswered)
    if role == "approved" and provisions is not None:
        provisions = list(provisions)
        gaps = approval_gaps(assessment, provisions)
        if gaps and override is None:
            raise ApprovalIncompleteError(
                "The assessment cannot be approved yet: " + "; ".join(approval_gaps(assessment, provisions, limit=8))
                + ". Complete these, or give a reason to approve it anyway (the report shows the reason and "
                "what was outstanding)."
            )
        if gaps:
            reason = (override or "").strip()
            if not reason:
                raise SignOffError("To approve the assessment although it is not complete, give a reason.")
            new = new.model_copy(update={"override": Override(reason=reason, gaps=gaps)})
    result = assessment.model_copy(deep=True)
    setattr(result.signoff, role, new)
    result.signoff_history.append(
        SignOffEvent(at=now, user=user.strip(), event="signed", role=cast(Role, role), old=current, new=new)
    )
    return result, {"signoff": role, "old": current.model_dump(mode="json") if current else None,
                    "new": new.model_dump(mode="json")}


def reopened(assessment: Assessment, reason: str, by: str,
             at: dt.datetime | None = None) -> tuple[Assessment, dict[str, Any]]:
    """A copy of a reviewed or approved ``assessment`` with the review and approval withdrawn and
    the reopening recorded (who, when, why, and the signatures withdrawn).

    ``at`` defaults to now (to the second). Returns the copy and its history entry (``old``: the
    review and approval before, ``new``: after, both withdrawn).
    """
    check_reason(reason)
    signoff = assessment.signoff
    withdrawn: dict[Role, SignOff] = {}
    if signoff.reviewed is not None:
        withdrawn["reviewed"] = signoff.reviewed
    if signoff.approved is not None:
        withdrawn["approved"] = signoff.approved
    if not withdrawn:
        raise SignOffError("The assessment is neither reviewed nor approved, so there is nothing to reopen.")
    result = assessment.model_copy(deep=True)
    result.signoff = result.signoff.model_copy(update={"reviewed": None, "approved": None})
    when = at if at is not None else dt.datetime.now().replace(microsecond=0)
    result.signoff_history.append(SignOffEvent(at=when, user=by, event="reopened", reason=reason.strip(),
                                               withdrawn=withdrawn))
    return result, {"reopened": reason.strip(),
                    "old": {role: _json(getattr(signoff, role)) for role in ("reviewed", "approved")},
                    "new": {"reviewed": None, "approved": None}}


def _json(signature: SignOff | None) -> dict[str, Any] | None:
    return signature.model_dump(mode="json") if signature is not None else None


# --- the sign-off in words, for the panel and the report's cover ------------------------------

ROLE_LABELS = {"prepared": "Prepared", "reviewed": "Reviewed", "approved": "Approved"}
#: Each role as the sign-off panel labels its line.
SIGNED_BY = {"prepared": "Prepared by", "reviewed": "Reviewed by", "approved": "Approved by (governing body)"}


def describe_signature(signature: SignOff, date_format: str = "%d %B %Y") -> str:
    """``Priya Shah, Complaints Manager on 01 June 2025 (user pshah)``; a signature recorded before
    users were says so."""
    title = f", {signature.role}" if signature.role else ""
    who = f"user {signature.user}" if signature.user else "user not recorded"
    return f"{signature.name}{title} on {signature.date:{date_format}} ({who})"


def describe_signoffs(signoffs: SignOffs, date_format: str = "%d/%m/%Y") -> str:
    """The three signatures in words: ``Prepared by: Priya Shah … ; Reviewed by: not yet; …``."""
    return "; ".join(f"{SIGNED_BY[role]}: {describe_signature(s, date_format) if s is not None else 'not yet'}"
                     for role in ROLES for s in [getattr(signoffs, role)])


def describe_override(override: Override) -> str:
    """Why an incomplete assessment was approved, and what was outstanding."""
    return f"Approved although {'; '.join(override.gaps)}. Reason given: {override.reason}"


def signoff_events(assessment: Assessment) -> list[SignOffEvent]:
    """The sign-off history, oldest first, with reopenings recorded by older files (who, when, why)."""
    older = [SignOffEvent(at=r.at, user=r.by, event="reopened", reason=r.reason) for r in assessment.reopenings]
    return sorted([*older, *assessment.signoff_history], key=lambda event: event.at)


def describe_event(event: SignOffEvent, date_format: str = "%d %B %Y") -> str:
    """One sign-off change in words: who signed as what, replacing whom; or who reopened, why, and
    which signatures that withdrew."""
    if event.event == "reopened":
        text = f"Reopened by {event.user} (reason: {event.reason})"
        withdrawn = [f"the {ROLE_NOUNS[role]} by {signature.name}"
                     for role, signature in sorted(event.withdrawn.items(), key=lambda item: ROLES.index(item[0]))]
        return text + (f"; withdrew {' and '.join(withdrawn)}" if withdrawn else "")
    if event.new is None or event.role is None:
        return f"Sign-off changed by {event.user}"
    text = f"{ROLE_LABELS[event.role]} by {describe_signature(event.new, date_format)}"
    if event.old is not None:
        text += f", replacing {describe_signature(event.old, date_format)}"
    if event.new.override is not None:
        text += f". {describe_override(event.new.override)}"
    return text
