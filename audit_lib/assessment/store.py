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
   the change is applied on top of the other editor's answers, so nothing is lost. Evidence,
   actions and responses to findings are merged item by item (:mod:`.merge`): items added by
   either editor are kept, and only an item both changed (or one changed and the other
   removed, or a finding both responded to) is a conflict;
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
revision has its history entries exactly once. A lock file whose first line is not a revision (or
whose journal is not that revision's history lines) is an error naming it, never guessed at.

A change is *committed* once :meth:`AnswerStore.change` returns without a conflict. Signing,
reopening, carrying forward and confirming a section's carried-forward answers (one entry per
answer, one revision) are committed the same way, under the same lock; what they are
allowed to do is decided by :mod:`.signoff` and :mod:`.carry_forward`.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..code.catalogue import Catalogue
from ..core.io import describe_validation_error
from ..core.paths import answers_file
from ..errors import AnswerStoreError, SignOffChangedError, UsageError
from .actions import due_date_problem
from .answers import Action, Answer, Assessment, SignOff, SignOffs, Status
from .answers_file import AnswersText, check_value, load_assessment, read_answers, save_assessment
from .carry_forward import carried_forward, confirmed_answers, crosswalk_between
from .history import History, history_file
from .imported import imported_answers
from .lock import HeldLock, exclusive, finish_unfinished, lock_file
from .merge import ItemConflict, already_in, describe_value, list_conflict, merge_items, same_code_conflicts
from .signoff import SignatureFacts, check_reason, check_role, describe_signoffs, reopened, signed

FIELDS: tuple[str, ...] = ("status", "value", "evidence", "commentary", "actions", "responses", "confirmed")
LIST_FIELDS: tuple[str, ...] = ("evidence", "actions", "responses")  # merged item by item (:mod:`.merge`)
#: What the workbook's form calls each field; messages name a field by it.
FIELD_LABELS = {"status": "Comply", "value": "Answer", "evidence": "Evidence", "commentary": "Commentary", "actions": "Actions",
                "responses": "Responses to findings", "confirmed": "Confirmation"}
_ITEM_WORDS = {"evidence": "evidence item", "actions": "action", "responses": "response"}
_UNSEEN: Any = object()  # no ``expected`` value given to :meth:`AnswerStore.change`
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
    items: tuple[ItemConflict, ...] = ()  # for the list fields: each item both editors changed
    number: str = ""  # the provision's number (6.3), as messages name it

    @property
    def message(self) -> str:
        who = f" by {self.by}" if self.by else ""
        when = f" at {self.at:%d/%m/%Y %H:%M}" if self.at else ""
        number = self.number or self.provision
        label = FIELD_LABELS.get(self.field, self.field)
        what = (f"{label} of {number}: the same {_ITEM_WORDS[self.field]}"
                f"{' was' if len(self.items) == 1 else 's were'}" if self.items else f"{label} of {number} was")
        return (f"{what} changed{who}{when} while you were editing; your change was "
                "not saved. Review their value and apply yours again if it should replace it.")

    @property
    def sides(self) -> list[tuple[str, str]]:
        """What the other editor saved and what you tried to save, in words: one pair per item in
        conflict for evidence, actions and responses, else one pair for the field."""
        if self.items:
            return [(item.theirs, item.yours) for item in self.items]
        return [(describe_value(self.field, self.theirs), describe_value(self.field, self.yours))]


@dataclass(frozen=True)
class Saved:
    """A change committed: the revision it made (or, when nothing changed, the current one)."""

    revision: int


@dataclass(frozen=True)
class Imported(Saved):
    """An import committed, and the provisions it left as they are because someone answered or
    changed them after the import was planned."""

    kept: tuple[str, ...] = ()


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
        finish_unfinished(lock, path=self.path, lock_path=self.lock_path, history=self._history, error=AnswerStoreError,
                          revision_on_disk=lambda: load_assessment(self.path, self.catalogue, self.landlord,
                                                                   self.period).revision)

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def history(self) -> list[dict[str, Any]]:
        """Every recorded change, oldest first. A torn last line (a crash mid-append) is skipped."""
        return self._history.read()

    def reload(self) -> bool:
        """Take in what other editors have saved since this editor last read the file (nothing is
        re-read when nobody has written it); ``True`` when the assessment changed."""
        try:
            with exclusive(self.lock_path) as lock:
                current = self._sync_with_disk(lock)
        except PermissionError:  # a folder this user cannot write: read without the lock
            if self._signature() == self._seen:
                return False
            current = self._read()
        if current is self._assessment:
            return False
        self._adopt(current)
        return True

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

    def change(self, provision_id: str, field: str, value: Any, expected: Any = _UNSEEN) -> Saved | Conflict:
        """Save one field of one provision's answer now; a conflict is returned, not written.

        ``expected`` is the value the user saw before changing it (a form's shown value, ``None``
        for an unanswered status included); by default, the value when this editor last read the
        file or saved that field. When another editor saved the field meanwhile, a status,
        commentary or confirmation is a conflict (unless both made the same change, or this one
        changed nothing); evidence, actions and responses to findings are merged item by item
        (:mod:`.merge`), and only an item both changed (or a finding both responded to) is a
        conflict; a merge that would not hold this editor's change is a conflict too, never a
        save with nothing written. A conflict saves nothing. A response to a finding does not
        confirm a carried-forward answer (any other change does).

        Whatever the outcome (saved, a conflict, or a value refused with :class:`AnswerStoreError`),
        this store then holds the answers as they are on disk. A due date is checked only on the
        actions that are new: neither on disk nor among those the editor saw (``expected``).
        Messages name the provision by its number and the field by the form's label.
        """
        if field not in FIELDS:
            raise AnswerStoreError(f"unknown answer field {field!r}; expected one of {', '.join(FIELDS)}")
        provision = self.catalogue.provision(provision_id).id
        with exclusive(self.lock_path) as lock:
            current = self._sync_with_disk(lock)
            self._adopt(current)  # first: refused or not, this editor (and its form) now holds what is on disk
            if current.signoff.approved is not None:
                raise AnswerStoreError(
                    "the assessment is approved and read-only; reopen it (with a reason) to change answers",
                    path=self.path,
                )
            before = current.answer(provision)
            base_value = _plain(getattr(self._base.answer(provision), field) if expected is _UNSEEN else expected)
            disk_value = _plain(getattr(before, field))
            seen = base_value if field in LIST_FIELDS and isinstance(base_value, list) else []
            updated = self._updated(provision, before, field, value, seen)
            new_value = _plain(getattr(updated, field))
            if disk_value not in (base_value, new_value):  # another editor saved this field meanwhile
                if new_value == base_value:  # and this editor changed nothing: theirs stands
                    self._set_base(provision, field, getattr(before, field))
                    return Saved(current.revision)
                clashes: list[ItemConflict] = []
                if field in LIST_FIELDS:
                    mine = new_value
                    merged, clashes = merge_items(seen, mine, disk_value)
                    if not clashes and field == "responses":  # one response per finding
                        clashes = same_code_conflicts(seen, mine, disk_value, merged)
                    if not clashes and merged == disk_value and not already_in(seen, mine, disk_value):
                        clashes = [list_conflict(seen, mine, disk_value)]  # this editor's change would not land
                    if not clashes:
                        updated = self._updated(provision, before, field, merged, seen)
                        new_value = _plain(getattr(updated, field))
                if field not in LIST_FIELDS or clashes:
                    self._set_base(provision, field, getattr(before, field))  # this editor has now seen theirs
                    by, at = self._last_change(provision, field, before)
                    return Conflict(provision, field, new_value, disk_value, by, at, tuple(clashes),
                                    self.catalogue.provision(provision).number)
            if disk_value == new_value:  # nothing to change (or the other editor made the same change)
                self._set_base(provision, field, getattr(before, field))
                return Saved(current.revision)
            if field not in ("confirmed", "responses") and not updated.confirmed:
                updated.confirmed = True  # changing a carried-forward answer confirms it (a response to a finding does not)
            current = current.model_copy(update={"answers": {**current.answers, provision: updated}})
            saved = self._commit(lock, current, [{"provision": provision, "field": field, "old": disk_value,
                                                  "new": new_value}])
            self._set_base(provision, field, getattr(updated, field))
            return saved

    def _updated(self, provision: str, before: Answer, field: str, value: Any, seen: list[Any]) -> Answer:
        """``before`` with ``field`` set to ``value``, validated; a new action's due date must be
        plausible (an action is new when it is neither on disk nor among those the editor ``seen``)."""
        where = f"{FIELD_LABELS[field]} of {self.catalogue.provision(provision).number}"
        if field in ("value", "status"):
            check_value(self.catalogue, provision, value, field)
        try:
            updated = Answer.model_validate(
                {**before.model_dump(), field: value, "updated_by": self.user, "updated_at": dt.datetime.now()}
            )
        except ValidationError as exc:
            raise AnswerStoreError(f"{where}: {describe_validation_error(exc)}") from None
        if field == "actions":
            kept = {(a.text, a.due) for a in [*before.actions, *_actions(seen)]}
            for action in updated.actions:
                problem = due_date_problem(action.due)
                if problem and (action.text, action.due) not in kept:
                    raise AnswerStoreError(f"{where}: {problem}; nothing was saved")
        return updated

    def _last_change(self, provision: str, field: str, answer: Answer) -> tuple[str | None, dt.datetime | None]:
        """Who last saved ``field`` of ``provision``, and when, from the history (else the answer's last change)."""
        try:
            entries = self._history.read()
        except AnswerStoreError:
            entries = []
        for entry in reversed(entries):
            if entry.get("provision") == provision and entry.get("field") == field:
                try:
                    return entry.get("user"), dt.datetime.fromisoformat(str(entry.get("at")))
                except ValueError:
                    return entry.get("user"), None
        return answer.updated_by, answer.updated_at

    def sign_off(self, role: str, name: str, date: dt.date, job_title: str | None = None, *,
                 replacing: SignOff | None = None, override: str | None = None,
                 seen: SignOffs | None = None,
                 facts: SignatureFacts | Callable[[Assessment], SignatureFacts] | None = None) -> Saved:
        """Record the preparer, reviewer or approver (the governing body), signed by this store's
        user; ``name``, ``job_title`` and ``date`` are as typed. See :mod:`.signoff`.

        A signature in place is replaced only when ``replacing`` is that signature (else
        :class:`~audit_lib.errors.SignOffReplaceError` names it, for the signer to confirm);
        ``override`` is the reason to approve an assessment that is not complete. ``seen`` is the
        sign-off as the signer saw it: if another editor has changed it since, nothing is saved
        (:class:`~audit_lib.errors.SignOffChangedError`). Refused or not, this store then holds the
        assessment as it is on disk.

        ``facts`` gives the documents the signature records and the contradicted findings with no
        response (which refuse an approval: :class:`~audit_lib.errors.FindingsUnansweredError`):
        best as a function of the answers (the workbook's
        :meth:`~audit_lib.workbook.facade.Workbook.signature_facts`), called under the lock with
        the answers being signed, so another editor's change just before cannot slip past it.
        An approval without ``facts`` is refused (:class:`~audit_lib.errors.UsageError`): no path
        approves without the findings being looked at. A preparer's or reviewer's signature
        without it records no documents.
        """
        check_role(role)
        if role == "approved" and facts is None:
            raise UsageError("an approval needs the findings on the answers (facts=, e.g. the workbook's "
                             "signature_facts): none were given, so nothing was signed")
        with exclusive(self.lock_path) as lock:
            signing = self._signable(lock, seen)
            known = facts(signing.model_copy(deep=True)) if callable(facts) else facts or SignatureFacts()
            current, entry = signed(signing, role, name, date, job_title, user=self.user,
                                    replacing=replacing, override=override, provisions=self.catalogue.provisions,
                                    path=self.path, documents=known.documents, unanswered=known.unanswered)
            return self._commit(lock, current, [entry])

    def reopen(self, reason: str, seen: SignOffs | None = None) -> Saved:
        """Reopen a reviewed or approved assessment; the review and approval are withdrawn (kept in
        the history) and the reason kept. ``seen``: as for :meth:`sign_off`."""
        check_reason(reason)
        with exclusive(self.lock_path) as lock:
            current, entry = reopened(self._signable(lock, seen), reason, self.user)
            return self._commit(lock, current, [entry])

    def _signable(self, lock: HeldLock, seen: SignOffs | None) -> Assessment:
        """Under the lock: the assessment on disk, adopted as this editor's view (so a refused
        sign-off still shows what others signed), unless its sign-off is not the one ``seen``."""
        current = self._sync_with_disk(lock)
        if current is not self._assessment:
            self._adopt(current)
        if seen is not None and current.signoff != seen:
            raise SignOffChangedError(
                "The sign-off was changed by someone else since you last saw it, so nothing was done. It now "
                f"reads: {describe_signoffs(current.signoff)}. Check it and click again.")
        return current.model_copy(deep=True)

    def carry_forward(self, previous: AnswerStore) -> Saved:
        """Start this period from ``previous``'s answers as an unconfirmed draft, open actions included.

        ``previous`` is opened with the catalogue of its own Code: when that is not this period's,
        its answers are carried through the crosswalk between the two (the next version only;
        see :mod:`.carry_forward`).
        """
        crosswalk = None
        if previous.catalogue.code != self.catalogue.code:
            crosswalk = crosswalk_between(previous.catalogue.code, self.catalogue.code, path=self.path)
        with exclusive(self.lock_path) as lock:
            draft, entry = carried_forward(self._sync_with_disk(lock), previous.assessment, self.user, path=self.path,
                                           crosswalk=crosswalk, catalogue=self.catalogue)
            saved = self._commit(lock, draft, [entry])
            self._base = draft.model_copy(deep=True)  # this editor has seen the draft it made
            return saved

    def import_answers(self, answers: Mapping[str, Answer], *, source: Mapping[str, str],
                       replace: Mapping[str, Answer] | None = None) -> Imported:
        """Put answers read from a file into this period (:mod:`.imported`) in one save: where there
        is no answer yet, and where ``replace`` holds the answer the user saw and agreed to replace
        (and it is still that one). Each field written is recorded in the history with ``source``
        (the file's name and SHA-256). Nothing to write saves nothing. The result lists the
        provisions left as they are because someone answered or changed them meanwhile."""
        for provision, answer in answers.items():
            if answer.value is not None:
                check_value(self.catalogue, provision, answer.value, "value")
            if answer.status is not None:
                check_value(self.catalogue, provision, answer.status, "status")
        with exclusive(self.lock_path) as lock:
            current = self._sync_with_disk(lock)
            self._adopt(current)
            updated, entries, kept = imported_answers(current, answers, self.user, source=source, replace=replace,
                                                      path=self.path)
            kept = sorted(kept, key=lambda provision: self.catalogue.provision(provision).sort_key)
            if not entries:
                return Imported(current.revision, tuple(kept))
            saved = self._commit(lock, updated, entries)
            self._base = updated.model_copy(deep=True)
            return Imported(saved.revision, tuple(kept))

    def confirm(self, provision_ids: Iterable[str]) -> Saved:
        """Confirm these carried-forward answers in one save, with one history entry per answer confirmed.

        Answers already confirmed (by anyone) are left alone; nothing to confirm saves nothing.
        """
        wanted = [self.catalogue.provision(p).id for p in provision_ids]
        with exclusive(self.lock_path) as lock:
            current = self._sync_with_disk(lock)
            updated, entries = confirmed_answers(current, wanted, self.user, path=self.path)
            self._adopt(current)
            if not entries:
                return Saved(current.revision)
            saved = self._commit(lock, updated, entries)
            for entry in entries:
                self._set_base(entry["provision"], "confirmed", True)
            return saved


def _actions(items: list[Any]) -> list[Action]:
    """The actions among ``items`` (as a form showed them) that are valid actions."""
    actions = []
    for item in items:
        try:
            actions.append(Action.model_validate(item))
        except ValidationError:
            continue  # not an action this editor could have kept: nothing to compare with
    return actions


def open_store(landlord_folder: Path, catalogue: Catalogue, landlord: str, period: str,
               user: str | None = None) -> AnswerStore:
    """The answer store of ``landlord``'s answers for ``period`` in its inputs folder."""
    return AnswerStore(answers_file(landlord_folder, period), catalogue, landlord, period, user)


__all__ = ["FIELDS", "AnswerStore", "Conflict", "Imported", "Saved", "current_user", "open_store"]
