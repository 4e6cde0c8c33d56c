"""Sign-off rules: prepared, then reviewed, then approved; approval makes the assessment read-only.

* An assessment is signed in order: it is reviewed only once prepared, and approved (by the
  governing body) only once reviewed.
* The reviewer is not the person who prepared it.
* An approved assessment is read-only: nothing is signed or changed until it is reopened.
* Reopening withdraws the approval and needs a reason, which is kept with who reopened it and when.

The functions here decide; they take an assessment and give back the changed copy and the
entry for the history, or raise :class:`~audit_lib.errors.SignOffError`. The store
(:mod:`.store`) applies them under its lock.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core.io import describe_validation_error
from ..errors import SignOffError, UsageError
from .answers import REVIEWER_IS_PREPARER, Assessment, Reopening, SignOffs, same_person

ROLES = ("prepared", "reviewed", "approved")


def check_role(role: str) -> None:
    """``role`` is one of :data:`ROLES`."""
    if role not in ROLES:
        raise UsageError(f"unknown sign-off {role!r}; expected one of {', '.join(ROLES)}")


def check_reason(reason: str) -> None:
    """A reopening gives a reason."""
    if not reason.strip():
        raise SignOffError("give a reason for reopening an approved assessment")


def signed(assessment: Assessment, role: str, name: str, date: dt.date, job_title: str | None = None, *,
           path: Path | None = None) -> tuple[Assessment, dict[str, Any]]:
    """A copy of ``assessment`` signed as ``role`` by ``name`` on ``date``, and its history entry.

    ``path`` (the answers file) is named in the error when the assessment is approved.
    """
    check_role(role)
    signoff = assessment.signoff
    if signoff.approved is not None:
        raise SignOffError("the assessment is approved; reopen it before signing again", path=path)
    if role == "reviewed" and signoff.prepared is None:
        raise SignOffError("the assessment must be prepared before it is reviewed")
    if role == "approved" and signoff.reviewed is None:
        raise SignOffError("the assessment must be reviewed before it is approved")
    other = {"reviewed": signoff.prepared, "prepared": signoff.reviewed}.get(role)
    if other is not None and same_person(other.name, name):
        raise SignOffError(REVIEWER_IS_PREPARER)
    data = signoff.model_dump()
    data[role] = {"name": name, "role": job_title, "date": date}
    try:
        new = SignOffs.model_validate(data)
    except ValidationError as exc:
        raise SignOffError(describe_validation_error(exc)) from None
    result = assessment.model_copy(deep=True)
    result.signoff = new
    sign = getattr(new, role)
    return result, {"signoff": role, "new": sign.model_dump(mode="json")}


def reopened(assessment: Assessment, reason: str, by: str,
             at: dt.datetime | None = None) -> tuple[Assessment, dict[str, Any]]:
    """A copy of an approved ``assessment`` with the approval withdrawn and the reopening recorded.

    ``at`` defaults to now (to the second). Returns the copy and its history entry.
    """
    check_reason(reason)
    approved = assessment.signoff.approved
    if approved is None:
        raise SignOffError("the assessment is not approved, so there is nothing to reopen")
    result = assessment.model_copy(deep=True)
    result.signoff = SignOffs.model_validate({**result.signoff.model_dump(), "approved": None})
    when = at if at is not None else dt.datetime.now().replace(microsecond=0)
    result.reopenings.append(Reopening(by=by, at=when, reason=reason))
    return result, {"reopened": reason, "old": approved.model_dump(mode="json")}
