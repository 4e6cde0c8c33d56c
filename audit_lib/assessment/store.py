"""The answer store: every change saved at once, atomically, with an append-only history,
safe when two people or two kernels edit the same landlord.

Files, beside each other in ``inputs/<landlord>/answers/``::

    <period>.yaml            the current answers (plain YAML, see :mod:`audit_lib.assessment.answers`)
    <period>.history.jsonl   one JSON object per line for every change: when, who, what, old, new
    <period>.yaml.lock       an empty file locked while a change is being written

How a change is saved (:meth:`AnswerStore.change`):

1. take an exclusive lock on the lock file (``fcntl.flock``: processes on this machine);
2. if the file changed since this editor last read or wrote it (another editor saved),
   read it again and compare the field being changed with the value this editor started
   from: if the other editor changed the same field to something else, the change is a
   **conflict** and is returned as such, never written over the other's value; otherwise
   the change is applied on top of the other editor's answers, so nothing is lost;
3. write the whole file to a temporary file, ``fsync`` it and rename it over the old one
   (a crash or a killed kernel leaves either the old or the new file, never half of one);
4. append the change to the history and ``fsync`` it.

A change is *committed* once :meth:`AnswerStore.change` returns without a conflict.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import getpass
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from ..code.catalogue import Catalogue
from ..core.io import describe_validation_error
from ..core.paths import answers_file
from ..errors import AnswerStoreError
from .answers import (
    Action,
    Answer,
    Assessment,
    Evidence,
    Reopening,
    SignOff,
    Status,
    empty_assessment,
    load_assessment,
    save_assessment,
)

Field = Literal["status", "evidence", "commentary", "actions", "confirmed"]
FIELDS: tuple[str, ...] = ("status", "evidence", "commentary", "actions", "confirmed")
ROLES = ("prepared", "reviewed", "approved")
USER_VARIABLE = "CHC_AUDIT_USER"


def current_user() -> str:
    """Who is making changes: ``$CHC_AUDIT_USER``, else the login name."""
    return os.environ.get(USER_VARIABLE) or getpass.getuser()


@dataclass(frozen=True)
class Conflict:
    """Another editor changed the same field since this editor last saw it."""

    provision: str
    field: str
    yours: Any
    theirs: Any
    by: str | None
    at: dt.datetime | None

    @property
    def message(self) -> str:
        who = f" by {self.by}" if self.by else ""
        when = f" at {self.at:%d/%m/%Y %H:%M}" if self.at else ""
        return (f"{self.provision} {self.field} was changed{who}{when} while you were editing; your change was "
                "not saved. Review their value and apply yours again if it should replace it.")


@dataclass(frozen=True)
class Saved:
    revision: int


def _plain(value: Any) -> Any:
    """A field value as JSON-able data (for comparison and history)."""
    if isinstance(value, Status):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


class AnswerStore:
    """One editor's handle on one landlord's answers for one period."""

    def __init__(self, path: Path, catalogue: Catalogue, landlord: str, period: str, user: str | None = None) -> None:
        self.path = Path(path)
        self.catalogue = catalogue
        self.landlord = landlord
        self.period = period
        self.user = user or current_user()
        self.history_path = self.path.with_name(self.path.stem + ".history.jsonl")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._lock_fd: int | None = None
        self._assessment = self._read()
        self._base = self._assessment.model_copy(deep=True)  # what this editor last saw on disk
        self._seen = self._signature()

    # -- reading ---------------------------------------------------------------------------
    @property
    def assessment(self) -> Assessment:
        return self._assessment

    def answer(self, provision_id: str) -> Answer:
        return self._assessment.answer(provision_id)

    @property
    def read_only(self) -> bool:
        """Approved assessments are read-only until reopened."""
        return self._assessment.signoff.approved is not None

    def _read(self) -> Assessment:
        return load_assessment(self.path, self.catalogue, self.landlord, self.period)

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def refresh(self) -> Assessment:
        """Re-read the file (e.g. after a conflict, to see the other editor's answers)."""
        with self._locked():
            self._assessment = self._read()
            self._base = self._assessment.model_copy(deep=True)
            self._seen = self._signature()
        return self._assessment

    def history(self) -> list[dict[str, Any]]:
        """Every recorded change, oldest first. A torn last line (a crash mid-append) is skipped."""
        if not self.history_path.exists():
            return []
        entries = []
        lines = self.history_path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                if number == len(lines):
                    continue
                raise AnswerStoreError(f"line {number} of the history is not valid JSON", path=self.history_path) from None
        return entries

    # -- writing ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the exclusive lock; the lock file also carries the last committed revision."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._lock_fd = fd
            yield
        finally:
            self._lock_fd = None
            os.close(fd)  # closing releases the lock

    def _lock_revision(self) -> str:
        return os.pread(self._lock_fd, 64, 0).decode("ascii", "replace").strip()

    def _set_lock_revision(self, revision: int) -> None:
        os.ftruncate(self._lock_fd, 0)
        os.pwrite(self._lock_fd, f"{revision}\n".encode("ascii"), 0)

    def _sync_with_disk(self) -> Assessment:
        """The assessment as it is on disk now (re-read only when another editor wrote it).

        Another editor's commit changes the revision in the lock file (written before the
        answers file is replaced) and the file's identity; either means read it again. The
        file's identity alone is not enough: a freed inode can be reused within the clock tick.
        """
        if self._signature() == self._seen and self._lock_revision() == str(self._assessment.revision):
            return self._assessment
        return self._read()

    def _adopt(self, current: Assessment) -> None:
        """Take ``current`` (read from disk) as this editor's view, keeping what it started from."""
        self._assessment = current
        self._seen = self._signature()

    def _set_base(self, provision: str, field: str, value: Any) -> None:
        base = self._base.answer(provision).model_copy()
        setattr(base, field, value)
        self._base.answers[provision] = base

    def _commit(self, current: Assessment, entries: list[dict[str, Any]]) -> Saved:
        current.revision += 1
        self._set_lock_revision(current.revision)  # first: a crash after this only forces a re-read
        save_assessment(self.path, current)
        stamp = dt.datetime.now().isoformat(timespec="seconds")
        with open(self.history_path, "a", encoding="utf-8") as handle:
            for entry in entries:
                handle.write(json.dumps({"at": stamp, "user": self.user, "revision": current.revision, **entry},
                                        ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self._assessment = current
        self._seen = self._signature()
        return Saved(current.revision)

    def change(self, provision_id: str, field: str, value: Any, expected: Any = None) -> Saved | Conflict:
        """Save one field of one provision's answer now; a conflict is returned, not written.

        ``expected`` is the value the user saw before changing it (a widget's old value);
        by default, the value when this editor last read the file or saved that field.
        """
        if field not in FIELDS:
            raise AnswerStoreError(f"unknown answer field {field!r}; expected one of {', '.join(FIELDS)}")
        provision = self.catalogue.provision(provision_id).id
        with self._locked():
            current = self._sync_with_disk()
            if current.signoff.approved is not None:
                raise AnswerStoreError(
                    "the assessment is approved and read-only; reopen it (with a reason) to change answers",
                    path=self.path,
                )
            before = current.answer(provision)
            base_value = _plain(getattr(self._base.answer(provision), field) if expected is None else expected)
            disk_value = _plain(getattr(before, field))
            try:
                updated = Answer.model_validate(
                    {**before.model_dump(), field: value, "updated_by": self.user, "updated_at": dt.datetime.now()}
                )
            except ValidationError as exc:
                raise AnswerStoreError(f"{provision} {field}: {describe_validation_error(exc)}") from None
            new_value = _plain(getattr(updated, field))
            self._adopt(current)
            self._set_base(provision, field, getattr(before if disk_value != new_value else updated, field))
            if disk_value != base_value and disk_value != new_value:
                return Conflict(provision, field, new_value, disk_value, before.updated_by, before.updated_at)
            if disk_value == new_value:  # nothing to change (or the other editor made the same change)
                return Saved(current.revision)
            if field != "confirmed" and not updated.confirmed:
                updated.confirmed = True  # changing a carried-forward answer confirms it
            current = current.model_copy(update={"answers": {**current.answers, provision: updated}})
            saved = self._commit(current, [{"provision": provision, "field": field, "old": disk_value, "new": new_value}])
            self._set_base(provision, field, getattr(updated, field))
            return saved

    def sign_off(self, role: str, name: str, date: dt.date, job_title: str | None = None) -> Saved:
        """Record the preparer, reviewer or approver (the governing body)."""
        if role not in ROLES:
            raise AnswerStoreError(f"unknown sign-off {role!r}; expected one of {', '.join(ROLES)}")
        with self._locked():
            current = self._sync_with_disk().model_copy(deep=True)
            if current.signoff.approved is not None:
                raise AnswerStoreError("the assessment is approved; reopen it before signing again", path=self.path)
            if role == "reviewed" and current.signoff.prepared is None:
                raise AnswerStoreError("the assessment must be prepared before it is reviewed")
            if role == "approved" and current.signoff.reviewed is None:
                raise AnswerStoreError("the assessment must be reviewed before it is approved")
            data = current.signoff.model_dump()
            data[role] = {"name": name, "role": job_title, "date": date}
            try:
                current.signoff = type(current.signoff).model_validate(data)
            except ValidationError as exc:
                raise AnswerStoreError(describe_validation_error(exc)) from None
            entry = {"signoff": role, "new": _plain(getattr(current.signoff, role))}
            return self._commit(current, [entry])

    def reopen(self, reason: str) -> Saved:
        """Reopen an approved assessment for change; the approval is withdrawn and the reason kept."""
        if not reason.strip():
            raise AnswerStoreError("give a reason for reopening an approved assessment")
        with self._locked():
            current = self._sync_with_disk().model_copy(deep=True)
            if current.signoff.approved is None:
                raise AnswerStoreError("the assessment is not approved, so there is nothing to reopen")
            old = _plain(current.signoff.approved)
            current.signoff = type(current.signoff).model_validate({**current.signoff.model_dump(), "approved": None})
            current.reopenings.append(Reopening(by=self.user, at=dt.datetime.now().replace(microsecond=0), reason=reason))
            return self._commit(current, [{"reopened": reason, "old": old}])

    def carry_forward(self, previous: AnswerStore) -> Saved:
        """Start this period from ``previous``'s answers as an unconfirmed draft, open actions included."""
        with self._locked():
            current = self._sync_with_disk()
            if current.answers:
                raise AnswerStoreError(
                    f"{self.period} already has {len(current.answers)} answers; carry forward only starts an "
                    "empty assessment", path=self.path,
                )
            draft = empty_assessment(self.landlord, self.period, self.catalogue.code)
            draft.revision = current.revision
            draft.carried_from = previous.period
            for provision, answer in previous.assessment.answers.items():
                draft.answers[provision] = Answer(
                    status=answer.status,
                    evidence=[Evidence(**e.model_dump()) for e in answer.evidence],
                    commentary=answer.commentary,
                    actions=[Action(**a.model_dump()) for a in answer.actions if not a.done],
                    confirmed=False,
                    updated_by=self.user,
                    updated_at=dt.datetime.now().replace(microsecond=0),
                )
            saved = self._commit(draft, [{"carried_from": previous.period, "answers": len(draft.answers)}])
            self._base = draft.model_copy(deep=True)  # this editor has seen the draft it made
            return saved


def open_store(landlord_folder: Path, catalogue: Catalogue, landlord: str, period: str,
               user: str | None = None) -> AnswerStore:
    return AnswerStore(answers_file(landlord_folder, period), catalogue, landlord, period, user)


__all__ = ["AnswerStore", "Conflict", "Saved", "SignOff", "current_user", "open_store"]
