"""The answer store: every change saved at once, atomically, with an append-only history,
safe when two people or two kernels edit the same landlord.

Files, beside each other in ``inputs/<landlord>/answers/``::

    <period>.yaml            the current answers (plain YAML, see :mod:`.answers` and :mod:`.answers_file`)
    <period>.history.jsonl   one JSON object per line for every change: when, who, what, old, new (:mod:`.history`)
    <period>.yaml.lock       locked while a change is being written; holds the last committed revision (:mod:`.lock`)

How a change is saved (:meth:`AnswerStore.change`):

1. take an exclusive lock on the lock file (``fcntl.flock``: processes on this machine);
2. if the file changed since this editor last read or wrote it (another editor saved),
   read it again and compare the field being changed with the value this editor started
   from: if the other editor changed the same field to something else, the change is a
   **conflict** and is returned as such, never written over the other's value; otherwise
   the change is applied on top of the other editor's answers, so nothing is lost;
3. record the new revision and its history entry in the lock file (the journal, fsynced);
4. write the file to a temporary file, ``fsync`` it and rename it over the old one (a crash
   or a killed kernel leaves either the old or the new file, never half of one); only the
   lines of what changed differ from the old file (:class:`~.answers_file.AnswersText`);
5. append the entry to the history, ``fsync`` it, and clear the journal.

A writer killed at any point leaves a state the next holder of the lock repairs before it
reads (:meth:`AnswerStore._recover`, also run when a store is opened): for a journal whose
revision is the file's, a torn last history line is cut off and whatever part of the journal
the history does not already end with, byte for byte, is appended; any other journal is
dropped, and temporary files left beside the answers file are removed. So every committed
revision has exactly one history entry. A lock file whose first line is not a revision (or
whose journal is not that revision's history lines) is an error naming it, never guessed at.

A change is *committed* once :meth:`AnswerStore.change` returns without a conflict. Signing,
reopening and carrying forward are committed the same way, under the same lock; what they
are allowed to do is decided by :mod:`.signoff` and :mod:`.carry_forward`.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..code.catalogue import Catalogue
from ..core.io import describe_validation_error
from ..core.paths import answers_file
from ..errors import AnswerStoreError
from .answers import Answer, Assessment, Status
from .answers_file import AnswersText, read_answers, save_assessment
from .carry_forward import carried_forward
from .history import History, history_file
from .lock import HeldLock, exclusive, lock_file
from .signoff import check_reason, check_role, reopened, signed

FIELDS: tuple[str, ...] = ("status", "evidence", "commentary", "actions", "confirmed")
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
    """A change committed: the revision it made (or, when nothing changed, the current one)."""

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
        self.history_path = history_file(self.path)
        self.lock_path = lock_file(self.path)
        self._history = History(self.history_path)
        self._text: AnswersText | None = None
        self._open()
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
        assessment, self._text = read_answers(self.path, self.catalogue, self.landlord, self.period)
        return assessment

    def _open(self) -> None:
        """Finish what a killed writer left (see :meth:`_recover`); nothing to do in a read-only folder."""
        if not self.path.parent.is_dir():
            return
        try:
            with exclusive(self.lock_path) as lock:
                self._recover(lock)
        except PermissionError:
            return  # a folder this user cannot write: nothing can be saved here, so nothing to repair

    def _recover(self, lock: HeldLock) -> None:
        """Under the lock: finish or drop a killed writer's commit, and remove its temporary files."""
        recorded, journal = lock.pending()
        if journal:
            revision = _journal_revision(recorded, journal, self.lock_path)
            on_disk, _ = read_answers(self.path, self.catalogue, self.landlord, self.period)
            if on_disk.revision == revision:
                self._history.complete(journal)  # the file was replaced: its entry is owed, once
            lock.record(on_disk.revision)
        lock.shrink()
        for leftover in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            leftover.unlink(missing_ok=True)

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def history(self) -> list[dict[str, Any]]:
        """Every recorded change, oldest first. A torn last line (a crash mid-append) is skipped."""
        return self._history.read()

    # -- writing ---------------------------------------------------------------------------
    def _sync_with_disk(self, lock: HeldLock) -> Assessment:
        """The assessment as it is on disk now (re-read only when another editor wrote it).

        Another editor's commit changes the revision in the lock file (written before the
        answers file is replaced) and the file's identity; either means read it again. The
        file's identity alone is not enough: a freed inode can be reused within the clock tick.
        """
        recorded, journal = lock.pending()
        if journal:
            self._recover(lock)
        elif self._signature() == self._seen and recorded == str(self._assessment.revision):
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

    def _commit(self, lock: HeldLock, current: Assessment, entries: list[dict[str, Any]]) -> Saved:
        lines = History.lines(entries, user=self.user, revision=current.revision + 1)
        try:
            lines.encode("utf-8")
        except UnicodeEncodeError:
            raise AnswerStoreError("a value holds a character that cannot be saved as UTF-8 (an unpaired "
                                   "surrogate); nothing was saved", path=self.path) from None
        current.revision += 1
        lock.record(current.revision, lines)  # first: the journal a killed writer's successor finishes
        self._text = save_assessment(self.path, current, self._text)
        self._history.append_lines(lines)
        lock.record(current.revision)  # committed: the journal is done
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
        with exclusive(self.lock_path) as lock:
            current = self._sync_with_disk(lock)
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
            saved = self._commit(lock, current, [{"provision": provision, "field": field, "old": disk_value,
                                                  "new": new_value}])
            self._set_base(provision, field, getattr(updated, field))
            return saved

    def sign_off(self, role: str, name: str, date: dt.date, job_title: str | None = None) -> Saved:
        """Record the preparer, reviewer or approver (the governing body); see :mod:`.signoff`."""
        check_role(role)
        with exclusive(self.lock_path) as lock:
            current, entry = signed(self._sync_with_disk(lock), role, name, date, job_title, path=self.path)
            return self._commit(lock, current, [entry])

    def reopen(self, reason: str) -> Saved:
        """Reopen an approved assessment for change; the approval is withdrawn and the reason kept."""
        check_reason(reason)
        with exclusive(self.lock_path) as lock:
            current, entry = reopened(self._sync_with_disk(lock), reason, self.user)
            return self._commit(lock, current, [entry])

    def carry_forward(self, previous: AnswerStore) -> Saved:
        """Start this period from ``previous``'s answers as an unconfirmed draft, open actions included."""
        with exclusive(self.lock_path) as lock:
            draft, entry = carried_forward(self._sync_with_disk(lock), previous.assessment, self.user, path=self.path)
            saved = self._commit(lock, draft, [entry])
            self._base = draft.model_copy(deep=True)  # this editor has seen the draft it made
            return saved


def _journal_revision(recorded: str, journal: str, lock_path: Path) -> int:
    """The revision an unfinished commit's journal is for; a damaged lock file is an error naming
    it (its journal may be the only record of a committed change, so it is never dropped)."""
    try:
        revision = int(recorded)
        entries = [json.loads(line) for line in journal.splitlines()]
    except ValueError:
        revision, entries = -1, []
    if revision < 0 or not entries or any(not isinstance(e, dict) or e.get("revision") != revision for e in entries):
        raise AnswerStoreError(
            "the lock file is damaged: expected the revision of the last save on its first line, then that "
            "save's history lines; restore it, or remove it if no save is under way",
            path=lock_path,
        )
    return revision


def open_store(landlord_folder: Path, catalogue: Catalogue, landlord: str, period: str,
               user: str | None = None) -> AnswerStore:
    """The answer store of ``landlord``'s answers for ``period`` in its inputs folder."""
    return AnswerStore(answers_file(landlord_folder, period), catalogue, landlord, period, user)


__all__ = ["FIELDS", "AnswerStore", "Conflict", "Saved", "current_user", "open_store"]
