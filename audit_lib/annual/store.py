"""The annual records store: every change saved at once, atomically, with history, safe when two
people or two kernels edit the same landlord's records.

Files, beside each other in ``inputs/<landlord>/annual/``::

    <period>.yaml            the records (plain YAML, see :mod:`.records`)
    <period>.history.jsonl   one JSON object per line for every change: when, who, what, old, new
    <period>.yaml.lock       locked while a change is being written; the commit's journal

The store is kept as the answers are (:mod:`audit_lib.assessment.store`), with the same lock
(:mod:`audit_lib.assessment.lock`) and history (:mod:`audit_lib.assessment.history`). A change:

1. takes an exclusive ``fcntl.flock`` on the lock file, and finishes or drops what a writer
   killed mid-commit left there (as the answer store does);
2. reads the file again, so it applies to what is on disk now, with everything other editors
   saved since;
3. changes one thing, **by id**: adds an entry to ``learning`` or ``ombudsman``, changes fields of
   one entry (a determination's or complaint handling failure order's kind is not changed to
   one outside 8.1 (c) while it has findings or orders: see :func:`_check_kind_change`), removes
   one entry, or sets (or clears) the governing body's response, the
   Member Responsible for Complaints, the landlord's own qualitative analysis or a "none this
   year" flag. A field another editor changed
   since this editor last read it (or since the value it says it saw, ``expected``) is a
   :class:`Conflict` when this editor changes it to something else: returned, nothing written,
   never written over the other's value. Different fields, or different entries, are simply both
   kept. Removing an entry another editor changed meanwhile is a conflict too; removing one
   already removed is nothing to do;
4. records the new revision and its history entry in the lock file (the journal, fsynced);
5. writes the file atomically (:func:`audit_lib.core.io.atomic_write_text`);
6. appends the entry to the history, fsyncs it, and clears the journal.

**A file people edited by hand loads and keeps what they wrote**: the change is made with
ruamel.yaml's round trip, touching only the entries and fields that changed, so comments, order,
quoting and layout elsewhere stay. Nothing is written that does not read back, strictly, as the
records intended; if the round trip cannot write a change faithfully, the file is written afresh
(without the comments) and checked the same way; if that fails too, nothing is written and the
change is an error.

The file, its lock and its history must be ordinary files: symbolic links, named pipes, folders
and devices in their place are refused, before anything is opened (:func:`.records.check_file`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..assessment.history import History, history_file
from ..assessment.lock import HeldLock, exclusive, finish_unfinished, lock_file
from ..assessment.store import current_user
from ..core.ids import validate_landlord_id
from ..core.io import atomic_write_text
from ..core.periods import Period, uk_date
from ..core.yaml_files import shorten
from ..errors import AnnualRecordsError, AnswerStoreError, AuditError
from .records import (
    ITEM_MODELS,
    NON_COMPLIANCE_KINDS,
    NONE_PARTS,
    SECTIONS,
    AnnualRecords,
    GoverningBodyResponse,
    Improvement,
    MemberResponsible,
    OmbudsmanRecord,
    check_file,
    check_item_id,
    check_qualitative_analysis,
    describe_problems,
    dump_records,
    file_data,
    next_id,
    parse_records,
    read_records,
    records_file,
    round_trip,
    section_label,
    yaml_value,
)

#: The fields set as a whole (:meth:`RecordsStore.set_governing_body`, :meth:`~RecordsStore.set_member_responsible`).
WHOLE_FIELDS: dict[str, type[BaseModel]] = {"governing_body": GoverningBodyResponse,
                                            "member_responsible": MemberResponsible}
_UNSEEN: Any = object()  # no ``expected`` value given
_LABELS = {"governing_body": "The governing body's response", "member_responsible": "The Member Responsible for Complaints",
           "qualitative_analysis": "The qualitative analysis"}


@dataclass(frozen=True)
class Saved:
    """A change committed: the revision it made (or, when nothing changed, the current one)."""

    revision: int


@dataclass(frozen=True)
class Added(Saved):
    """An entry added, and the id it has (given, or the next free one)."""

    id: str = ""


@dataclass(frozen=True)
class Conflict:
    """Another editor changed (or removed) what this editor changed, since this editor last saw it.

    ``section`` and ``item`` name the entry (``None`` for a top-level field); ``field`` is ``None``
    for a whole entry (one removed, or changed while this editor removed it)."""

    section: str | None
    item: str | None
    field: str | None
    yours: Any
    theirs: Any
    by: str | None
    at: dt.datetime | None

    @property
    def message(self) -> str:
        who = f" by {self.by}" if self.by else ""
        when = f" at {self.at:%d/%m/%Y %H:%M}" if self.at else ""
        if self.section is None:
            what = _LABELS.get(self.field or "", f"'None this year' ({(self.field or '').split('.')[-1]})")
            return (f"{what} was changed{who}{when} while you were editing; your change was not saved. Review "
                    "their value and apply yours again if it should replace it.")
        entry = f"{section_label(self.section)} {self.item}"
        if self.field is None and self.theirs is None:
            return f"{entry[0].upper()}{entry[1:]} was removed{who}{when} while you were editing; your change was not saved."
        if self.field is None:
            return (f"{entry[0].upper()}{entry[1:]} was changed{who}{when} while you were editing, so it was not "
                    "removed. Review it and remove it again if it should go.")
        return (f"The {self.field.replace('_', ' ')} of {entry} was changed"
                f"{who}{when} while you were editing; your change was not saved. Review their value and apply "
                "yours again if it should replace it.")

    @property
    def sides(self) -> list[tuple[str, str]]:
        """What the other editor saved and what you tried to save, in words (as the answers'
        conflicts give them, :func:`audit_lib.workbook.feedback.conflict_html`)."""
        if self.field is None:  # a whole entry: removed by them, or changed by them while you removed it
            theirs = "(removed)" if self.theirs is None else describe_value(self.theirs)
            yours = "(removed)" if self.yours is None else describe_value(self.yours)
            return [(theirs, yours)]
        return [(describe_value(self.theirs), describe_value(self.yours))]


def describe_value(value: Any) -> str:
    """A value of the records (as JSON-able data) in words: a date as DD/MM/YYYY, a list one item
    after another, an entry or a response field by field; nothing as ``(none)``."""
    if value is None or value == "" or value == []:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            if len(value) == 10:
                return uk_date(dt.date.fromisoformat(value))
        return value
    if isinstance(value, list):
        return "; ".join(describe_value(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{str(key).replace('_', ' ')}: {describe_value(item)}" for key, item in value.items()
                         if item not in (None, "", []) and key != "id")
    return str(value)


def _json(value: Any) -> Any:
    """A value as JSON-able data (for comparison and history)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


class RecordsStore:
    """One editor's handle on one landlord's annual records for one period."""

    def __init__(self, path: Path, landlord: str, period: str, user: str | None = None) -> None:
        self.landlord = validate_landlord_id(landlord)
        self.period = Period.parse(period).id
        self.path = check_file(Path(path))
        self.user = user or current_user()
        self.lock_path = lock_file(self.path)
        self.history_path = history_file(self.path)
        self._history = History(self.history_path)
        self._open()
        self._records = self._read()[0]

    # -- reading ------------------------------------------------------------------------------
    @property
    def records(self) -> AnnualRecords:
        """The records as this editor last read or saved them."""
        return self._records

    def history(self) -> list[dict[str, Any]]:
        """Every recorded change, oldest first. A torn last line (a crash mid-append) is skipped."""
        check_file(self.path)  # an ordinary file: a named pipe in its place would block the read
        try:
            return self._history.read()
        except AnswerStoreError as exc:
            raise AnnualRecordsError(exc.message, path=exc.path) from None

    def reload(self) -> bool:
        """Take in what other editors have saved since; ``True`` when the records changed."""
        try:
            with self._locked() as _lock:
                current = self._read()[0]
        except PermissionError:  # a folder this user cannot write: read without the lock
            current = self._read()[0]
        changed = current != self._records
        self._records = current
        return changed

    def _read(self) -> tuple[AnnualRecords, str | None]:
        return read_records(self.path, self.landlord, self.period)

    def _open(self) -> None:
        """Finish what a killed writer left; nothing to do in a folder that is not there or not writable."""
        if not self.path.parent.is_dir():
            return
        with contextlib.suppress(PermissionError), self._locked():
            pass

    @contextlib.contextmanager
    def _locked(self) -> Iterator[HeldLock]:
        """Hold the lock (the files checked first: no symbolic links), a killed writer's commit finished."""
        check_file(self.path)
        with exclusive(self.lock_path) as lock:
            self._recover(lock)
            yield lock

    def _recover(self, lock: HeldLock) -> None:
        """Under the lock: finish or drop a killed writer's commit, and remove its temporary files."""
        finish_unfinished(lock, path=self.path, lock_path=self.lock_path, history=self._history,
                          error=AnnualRecordsError, revision_on_disk=lambda: self._read()[0].revision)

    def _last_change(self, section: str | None, item: str | None, field: str | None) -> tuple[str | None, dt.datetime | None]:
        """Who last changed this entry (or field), and when, from the history."""
        try:
            entries = self._history.read()
        except AnswerStoreError:
            return None, None
        for entry in reversed(entries):
            if entry.get("section") == section and entry.get("item") == item and (
                    field is None or entry.get("field") in (field, None)):
                try:
                    return entry.get("user"), dt.datetime.fromisoformat(str(entry.get("at")))
                except ValueError:
                    return entry.get("user"), None
        return None, None

    # -- writing ------------------------------------------------------------------------------
    def _commit(self, lock: HeldLock, before: AnnualRecords, text: str | None, after: AnnualRecords,
                entries: list[dict[str, Any]]) -> Saved:
        """Save ``after`` (``before`` with one change) as the next revision, with its history ``entries``."""
        after = after.model_copy(update={"revision": before.revision + 1})
        lines = History.lines(entries, user=self.user, revision=after.revision)
        try:
            lines.encode("utf-8")
        except UnicodeEncodeError:
            raise AnnualRecordsError("a value holds a character that cannot be saved as UTF-8 (an unpaired "
                                     "surrogate); nothing was saved", path=self.path) from None
        new_text = render(self.path, before, text, after)  # checked: reads back as ``after``
        lock.record(after.revision, lines)  # first: the journal a killed writer's successor finishes
        try:
            atomic_write_text(self.path, new_text)
        except OSError as exc:
            lock.record(before.revision)
            raise AnnualRecordsError(f"cannot write the file ({exc.strerror}); nothing was saved: check the "
                                     "folder's permissions and free space", path=self.path) from None
        self._history.append_lines(lines)
        lock.record(after.revision)  # committed: the journal is done
        self._records = after
        return Saved(after.revision)

    @contextlib.contextmanager
    def _change(self) -> Iterator[tuple[HeldLock, AnnualRecords, AnnualRecords, str | None]]:
        """Under the lock: what this editor saw, the records on disk now and their text. Whatever
        happens next (saved, a conflict, a refusal), this store then holds what is on disk."""
        seen = self._records
        with contextlib.ExitStack() as stack:
            try:
                lock = stack.enter_context(self._locked())
            except PermissionError as exc:
                raise AnnualRecordsError(f"cannot take the lock to save ({exc.strerror}); nothing was saved: "
                                         "check the folder's permissions", path=self.lock_path) from None
            current, text = self._read()
            self._records = current
            yield lock, seen, current, text

    def add(self, section: str, item: Improvement | OmbudsmanRecord | Mapping[str, Any]) -> Added:
        """Add an entry to ``learning`` or ``ombudsman``. Without an id it gets the next free one
        (``L-03``), chosen under the lock, so two editors adding at once get different ids; an id
        already in the records is refused."""
        model = _item_model(section)
        data = dict(item.model_dump() if isinstance(item, BaseModel) else item)
        with self._change() as (lock, _seen, current, text):
            if data.get("id") in (None, ""):
                data["id"] = next_id(current, section)
            entry = _validated_item(section, model, data, self.path)
            if current.item(section, entry.id) is not None:
                raise AnnualRecordsError(
                    f"{section_label(section)} {entry.id} is already in the records (perhaps added by another "
                    "editor); nothing was saved: give it another id, or none for the next free one", path=self.path)
            updated = current.model_copy(update={section: [*current.items(section), entry]})
            saved = self._commit(lock, current, text, updated,
                                 [{"section": section, "item": entry.id, "action": "added", "new": _json(entry)}])
            return Added(saved.revision, entry.id)

    def change(self, section: str, item_id: str, fields: Mapping[str, Any],
               expected: Mapping[str, Any] | None = None) -> Saved | Conflict:
        """Change ``fields`` (name -> new value) of one entry; all or nothing.

        ``expected`` gives, field by field, the value the user saw before changing it (a form's
        shown value); by default, the value when this editor last read the records. A field another
        editor changed meanwhile is a :class:`Conflict` when this change gives it yet another value
        (unless this change leaves it as the user saw it: then theirs stands). An entry removed
        meanwhile is a conflict. The id is not a field to change (remove the entry and add it again).
        """
        model = _item_model(section)
        item_id = _checked_id(item_id, self.path)
        unknown = [name for name in fields if name not in model.model_fields or name == "id"]
        if unknown:
            allowed = ", ".join(name for name in model.model_fields if name != "id")
            raise AnnualRecordsError(f"{shorten(unknown[0])} is not a field to change of a {section_label(section)}; "
                                     f"expected one of {allowed}")
        with self._change() as (lock, seen, current, text):
            before = current.item(section, item_id)
            seen_item = seen.item(section, item_id)
            if before is None:
                if seen_item is None and expected is None:
                    raise AnnualRecordsError(f"there is no {section_label(section)} {item_id} in the records; "
                                             "nothing was saved: add it first", path=self.path)
                by, at = self._last_change(section, item_id, None)
                return Conflict(section, item_id, None, _json(dict(fields)), None, by, at)
            updated = _validated_item(section, model, {**before.model_dump(), **fields}, self.path)
            _check_kind_change(before, updated, self.path)
            changes: dict[str, Any] = {}
            for name in fields:
                disk_value = _json(getattr(before, name))
                new_value = _json(getattr(updated, name))
                if expected is not None and name in expected:
                    base_value = _json(expected[name])
                else:
                    base_value = _json(getattr(seen_item, name)) if seen_item is not None else disk_value
                if disk_value not in (base_value, new_value):  # another editor saved this field meanwhile
                    if new_value == base_value:
                        continue  # and this change leaves it as the user saw it: theirs stands
                    by, at = self._last_change(section, item_id, name)
                    return Conflict(section, item_id, name, new_value, disk_value, by, at)
                if new_value != disk_value:
                    changes[name] = getattr(updated, name)
            if not changes:
                return Saved(current.revision)
            entry = before.model_copy(update=changes)
            items = [entry if item.id == item_id else item for item in current.items(section)]
            history = [{"section": section, "item": item_id, "field": name, "old": _json(getattr(before, name)),
                        "new": _json(value)} for name, value in changes.items()]
            return self._commit(lock, current, text, current.model_copy(update={section: items}), history)

    def remove(self, section: str, item_id: str,
               expected: Improvement | OmbudsmanRecord | Mapping[str, Any] | None = None) -> Saved | Conflict:
        """Remove one entry. ``expected`` is the entry as the user saw it (by default, as this
        editor last read it): if another editor changed it since, it is a :class:`Conflict` and
        stays. An entry already removed is nothing to do."""
        _item_model(section)
        item_id = _checked_id(item_id, self.path)
        with self._change() as (lock, seen, current, text):
            before = current.item(section, item_id)
            if before is None:
                return Saved(current.revision)
            saw = expected if expected is not None else seen.item(section, item_id)
            if saw is not None and _json(saw) != _json(before):
                by, at = self._last_change(section, item_id, None)
                return Conflict(section, item_id, None, None, _json(before), by, at)
            items = [item for item in current.items(section) if item.id != item_id]
            return self._commit(lock, current, text, current.model_copy(update={section: items}),
                                [{"section": section, "item": item_id, "action": "removed", "old": _json(before)}])

    def set_governing_body(self, response: GoverningBodyResponse | Mapping[str, Any] | None,
                           expected: Any = _UNSEEN) -> Saved | Conflict:
        """Record the governing body's response (text, meeting date, name and role of who gave
        it), or clear it with ``None``. ``expected``: the response as the user saw it."""
        return self._set("governing_body", response, expected)

    def set_member_responsible(self, member: MemberResponsible | Mapping[str, Any] | None,
                               expected: Any = _UNSEEN) -> Saved | Conflict:
        """Name the Member Responsible for Complaints (name and role), or clear it with ``None``."""
        return self._set("member_responsible", member, expected)

    def set_qualitative_analysis(self, text: str | None, expected: Any = _UNSEEN) -> Saved | Conflict:
        """Record the landlord's own qualitative analysis (the report shows it in place of the
        sentences written from the data), or clear it with ``None`` or a blank text (the report then
        shows those sentences). ``expected``: the text as the user saw it."""
        return self._set("qualitative_analysis", text, expected)

    def confirm_none(self, part: str, confirmed: bool = True, expected: Any = _UNSEEN) -> Saved | Conflict:
        """Record that ``part`` of 8.1 had nothing this year (``ombudsman_findings``, ``learning``,
        ``performance_report``, ``other_publications``), or take that back (``confirmed=False``)."""
        if part not in NONE_PARTS:
            raise AnnualRecordsError(f"expected one of {', '.join(NONE_PARTS)}; found {shorten(part)}")
        if not isinstance(confirmed, bool):
            raise AnnualRecordsError(f"expected true or false for {part}; found {type(confirmed).__name__}")
        return self._set(f"confirmed_none.{part}", confirmed, expected)

    def _set(self, name: str, value: Any, expected: Any) -> Saved | Conflict:
        """Set a top-level field (``governing_body``, ``member_responsible``, ``qualitative_analysis``)
        or a flag (``confirmed_none.<part>``), with the conflict rules of :meth:`change`."""
        with self._change() as (lock, seen, current, text):
            new = _validated_top(name, value, self.path)
            disk_value, new_value = _json(_top(current, name)), _json(new)
            base_value = _json(_top(seen, name) if expected is _UNSEEN else expected)
            if disk_value not in (base_value, new_value):
                if new_value == base_value:
                    return Saved(current.revision)
                by, at = self._last_change(None, None, name)
                return Conflict(None, None, name, new_value, disk_value, by, at)
            if disk_value == new_value:
                return Saved(current.revision)
            if name.startswith("confirmed_none."):
                flags = current.confirmed_none.model_copy(update={name.split(".", 1)[1]: new})
                updated = current.model_copy(update={"confirmed_none": flags})
            else:
                updated = current.model_copy(update={name: new})
            return self._commit(lock, current, text, updated,
                                [{"section": None, "item": None, "field": name, "old": disk_value, "new": new_value}])


def _item_model(section: str) -> type[Improvement] | type[OmbudsmanRecord]:
    if section not in ITEM_MODELS:
        raise AnnualRecordsError(f"expected one of {', '.join(SECTIONS)}; found {shorten(section)}")
    return ITEM_MODELS[section]


def _checked_id(value: object, path: Path) -> str:
    try:
        return check_item_id(value)
    except ValueError as exc:
        raise AnnualRecordsError(str(exc), path=path) from None


def _validated_item(section: str, model: type[Improvement] | type[OmbudsmanRecord], data: Mapping[str, Any],
                    path: Path) -> Improvement | OmbudsmanRecord:
    """``data`` as an entry of ``section``; a refusal names the entry and the field, nothing saved."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        problems = describe_problems(exc)
        ident = data.get("id")
        label = section_label(section)
        with contextlib.suppress(ValueError):
            label += f" {check_item_id(ident)}"
        raise AnnualRecordsError(f"{label}: {problems}; nothing was saved", path=path) from None


#: An Ombudsman record's kind as a message names it.
_KIND_NAMES = {"determination": "a determination",
               "complaint_handling_failure_order": "a complaint handling failure order",
               "annual_performance_report": "an annual performance report", "special_report": "a special report",
               "other": "another publication"}


def _count(number: int, word: str) -> str:
    return f"{number if number else 'no'} {word}{'' if number == 1 else 's'}"


def _check_kind_change(before: Improvement | OmbudsmanRecord, after: Improvement | OmbudsmanRecord,
                       path: Path) -> None:
    """Refuse moving an Ombudsman record out of the findings of non-compliance (8.1 c) while it
    has findings or orders: they would leave 8.1 (c) with it, and its gap appear, unnoticed. The
    kind may change with the findings and orders removed in the same change, or within 8.1 (c)."""
    if not isinstance(before, OmbudsmanRecord) or not isinstance(after, OmbudsmanRecord):
        return
    if before.kind not in NON_COMPLIANCE_KINDS or after.kind in NON_COMPLIANCE_KINDS:
        return
    if not after.findings and not after.orders:
        return
    raise AnnualRecordsError(
        f"Ombudsman record {before.id} has {_count(len(after.findings), 'finding')} and "
        f"{_count(len(after.orders), 'order')}: as {_KIND_NAMES[before.kind]} it is one of the Ombudsman's findings "
        f"of non-compliance (8.1 c); as {_KIND_NAMES[after.kind]} it would leave 8.1 (c), with its findings and "
        "orders. Nothing was saved: keep its kind, or remove its findings and orders first if it is not a "
        "determination or complaint handling failure order", path=path)


def _validated_top(name: str, value: Any, path: Path) -> Any:
    if name.startswith("confirmed_none."):
        return value
    if name == "qualitative_analysis":
        try:
            return check_qualitative_analysis(value)
        except ValueError as exc:
            raise AnnualRecordsError(f"{_LABELS[name]}: {exc}; nothing was saved", path=path) from None
    model = WHOLE_FIELDS[name]
    if value is None:
        return None
    try:
        return model.model_validate(value.model_dump() if isinstance(value, BaseModel) else dict(value))
    except (ValidationError, TypeError, ValueError) as exc:
        problems = describe_problems(exc) if isinstance(exc, ValidationError) else f"expected a mapping ({exc})"
        raise AnnualRecordsError(f"{_LABELS[name]}: {problems}; nothing was saved", path=path) from None


def _top(records: AnnualRecords, name: str) -> Any:
    if name.startswith("confirmed_none."):
        return getattr(records.confirmed_none, name.split(".", 1)[1])
    return getattr(records, name)


# -- the text saved ---------------------------------------------------------------------------------

def render(path: Path, before: AnnualRecords, text: str | None, after: AnnualRecords) -> str:
    """The file's new text: ``text`` (the file as read, holding ``before``) with only what changed
    changed (ruamel.yaml's round trip), else written afresh; whichever is written must read back
    strictly as ``after``, or nothing is written (:class:`AnnualRecordsError`)."""
    candidates = []
    if text is not None and text.strip():
        with contextlib.suppress(Exception):  # a layout the round trip cannot edit: written afresh below
            candidates.append(_round_trip_update(text, file_data(before), file_data(after)))
    candidates.append(dump_records(after))
    for candidate in candidates:
        try:
            if parse_records(candidate, path, after.landlord, after.period) == after:
                return candidate
        except AuditError:
            continue
    raise AnnualRecordsError("the records could not be written so that they read back as intended; nothing was "
                             "saved; check the file for unusual YAML", path=path)  # pragma: no cover - defensive


def _round_trip_update(text: str, old: dict[str, Any], new: dict[str, Any]) -> str:
    rt = round_trip()
    data = rt.load(text)
    _update_map(data, old, new)
    out = io.StringIO()
    rt.dump(data, out)
    return out.getvalue()


def _update_map(node: Any, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    """Make the mapping ``node`` (which reads as ``old``) read as ``new``, touching only what differs."""
    for key in [key for key in old if key not in new and key in node]:
        del node[key]
    previous: str | None = None
    for key, value in new.items():
        before = old.get(key, _UNSEEN)
        if before == value:
            previous = key if key in node else previous
            continue
        current = node.get(key) if key in node else None
        if isinstance(value, dict) and isinstance(before, dict) and isinstance(current, dict):
            _update_map(current, before, value)
        elif key in SECTIONS and isinstance(value, list) and isinstance(before, list) and isinstance(current, list):
            _update_items(current, before, value)
        elif key in node:
            node[key] = yaml_value(value)
        else:
            position = list(node).index(previous) + 1 if previous in node else 0
            node.insert(position, key, yaml_value(value))
        previous = key  # in the node now


def _update_items(sequence: Any, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> None:
    """Entries kept by id: the removed ones deleted, the changed ones changed field by field, the
    new ones added at the end."""
    def index(item_id: str) -> int | None:
        for number, entry in enumerate(sequence):
            if isinstance(entry, dict) and str(entry.get("id", "")).strip() == item_id:
                return number
        return None

    old_by_id = {item["id"]: item for item in old}
    kept = {item["id"] for item in new}
    for item_id in old_by_id:
        if item_id not in kept and (number := index(item_id)) is not None:
            del sequence[number]
    for item in new:
        number = index(item["id"])
        if number is None:
            if not sequence:
                sequence.fa.set_block_style()
            sequence.append(yaml_value(item))
        elif old_by_id.get(item["id"]) != item:
            _update_map(sequence[number], old_by_id.get(item["id"], {}), item)


def open_records_store(landlord_folder: Path, landlord: str, period: str, user: str | None = None) -> RecordsStore:
    """The store of ``landlord``'s annual records for ``period`` (``<landlord folder>/annual/<period>.yaml``)."""
    return RecordsStore(records_file(landlord_folder, period), landlord, period, user)


__all__ = ["Added", "Conflict", "RecordsStore", "Saved", "describe_value", "open_records_store", "render"]
