"""The fields of the annual records' panel (:mod:`.annual_panel`): what each form holds, one widget
per field with the note beside it, and the rows of an Ombudsman record's findings and orders.

A field is never the source of truth: it shows a stored value (:meth:`Field.show`) and reads what
the auditor typed as the store takes it (:meth:`Field.read`). A date is read as the records file
reads it (:func:`audit_lib.annual.records.read_date`): typed DD/MM/YYYY (or YYYY-MM-DD), from
1 January 2000 to 31 December 2099; anything else is said beside the field, naming it, and not
saved.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import ipywidgets as w

from ..annual.records import IMPROVEMENT_STATUSES, OMBUDSMAN_KINDS, ORDER_PROGRESS, OUTCOMES, read_date
from ..assessment.actions import format_date
from . import look

#: A change saved, and a change not saved (with why), said beside a field (HTML; the text escaped).
DONE = '<span class="chc-saved" style="color:#14532d;font-size:12px">{}</span>'
NOTE = '<div class="chc-note" style="color:#7f1d1d;font-size:12px">{}</div>'
_LABEL = {"description_width": "150px"}

#: How the panel names each kind of Ombudsman record.
KIND_WORDS: dict[str, str] = {
    "determination": "Determination", "complaint_handling_failure_order": "Complaint handling failure order",
    "annual_performance_report": "Annual performance report", "special_report": "Special report", "other": "Other",
}

Kind = Literal["short", "long", "date", "choice", "references"]


@dataclass(frozen=True)
class FieldSpec:
    """One field of a form: the record's field name, its label and how it is typed."""

    name: str
    label: str
    kind: Kind = "short"
    choices: tuple[tuple[str, str], ...] = ()
    placeholder: str = ""


def _choices(values: Sequence[str], words: Mapping[str, str] | None = None) -> tuple[tuple[str, str], ...]:
    return tuple(((words or {}).get(v, v[:1].upper() + v[1:]), v) for v in values)


DATE = "DD/MM/YYYY"
LEARNING_FIELDS = (
    FieldSpec("theme", "Theme or category", placeholder="The complaint category or theme it came from"),
    FieldSpec("residents_said", "Residents said", "long", placeholder="What residents told us"),
    FieldSpec("we_did", "We did", "long", placeholder="What was changed (or, while planned, what will be)"),
    FieldSpec("when", "When", "date", placeholder=DATE),
    FieldSpec("owner", "Owner", placeholder="Who owns it: a role"),
    FieldSpec("status", "Status", "choice", _choices(IMPROVEMENT_STATUSES)),
    FieldSpec("case_references", "Case references", "references",
              placeholder="Case ids only, e.g. CMP-2024-0012, CMP-2024-0031 (never names)"),
)
OMBUDSMAN_FIELDS = (
    FieldSpec("kind", "Kind", "choice", _choices(OMBUDSMAN_KINDS, KIND_WORDS)),
    FieldSpec("date", "Date", "date", placeholder=DATE),
    FieldSpec("reference", "Reference", placeholder="The Ombudsman's case or report reference"),
    FieldSpec("link", "Link", placeholder="https://..."),
    FieldSpec("title", "Title"),
    FieldSpec("summary", "Summary", "long"),
)
FINDING_FIELDS = (FieldSpec("wording", "Finding", placeholder="The finding's wording"),
                  FieldSpec("outcome", "Outcome", "choice", _choices(OUTCOMES)))
ORDER_FIELDS = (FieldSpec("text", "Order", placeholder="What the Ombudsman ordered"),
                FieldSpec("due", "Due", "date", placeholder=DATE),
                FieldSpec("progress", "Progress", "choice", _choices(ORDER_PROGRESS)),
                FieldSpec("completed", "Completed", "date", placeholder=DATE),
                FieldSpec("note", "Note", placeholder="Progress made"))
GOVERNING_FIELDS = (FieldSpec("text", "Response", "long", placeholder="The governing body's response to the report"),
                    FieldSpec("meeting_date", "Meeting date", "date", placeholder=DATE),
                    FieldSpec("name", "Given by (name)"), FieldSpec("role", "Role", placeholder="e.g. Chair of the Board"))
MEMBER_FIELDS = (FieldSpec("name", "Name"), FieldSpec("role", "Role", placeholder="e.g. Board member"))
ITEM_FIELDS: dict[str, tuple[FieldSpec, ...]] = {"learning": LEARNING_FIELDS, "ombudsman": OMBUDSMAN_FIELDS}


class Field:
    """One widget and the note beside it; :meth:`read` gives the value to save (a date typed as
    DD/MM/YYYY as an ISO date; ``ValueError`` with a plain message naming the field when it is not
    one)."""

    def __init__(self, spec: FieldSpec, on_leave: Callable[[Field], None], compact: bool = False) -> None:
        self.spec = spec
        label = {"description_width": "auto"} if compact else _LABEL
        self.widget: w.Text | w.Textarea | w.Dropdown
        if spec.kind == "choice":
            self.widget = w.Dropdown(options=spec.choices, value=spec.choices[0][1], description=spec.label,
                                     **look.of(w.Dropdown, label, width="auto" if compact else "480px"))
        elif spec.kind == "long":
            self.widget = w.Textarea(placeholder=spec.placeholder, continuous_update=False, description=spec.label,
                                     **look.of(w.Textarea, label, width="100%", height="70px"))
        else:  # a date is typed, and read when the auditor leaves the field (as the actions' due dates)
            width = "230px" if spec.kind == "date" else ("auto" if compact else "100%")
            self.widget = w.Text(placeholder=spec.placeholder, continuous_update=False, description=spec.label,
                                 **look.of(w.Text, label, width=width))
        self.widget.add_class(f"chc-annual-field-{spec.name}")
        self.note = w.HTML(**look.of(w.HTML))
        self.widget.observe(lambda _: on_leave(self), names="value")
        self.box = w.VBox([self.widget, self.note], **look.of(w.VBox, width="auto" if compact else "100%"))

    @staticmethod
    def shown(spec: FieldSpec, value: Any) -> Any:
        """A stored value (JSON-able) as the widget shows it."""
        if spec.kind == "choice":
            return value if value is not None else spec.choices[0][1]
        if spec.kind == "date":
            return format_date(dt.date.fromisoformat(str(value))) if value else ""
        if spec.kind == "references":
            return ", ".join(value or [])
        return "" if value is None else str(value)

    def show(self, value: Any) -> None:
        shown = self.shown(self.spec, value)
        if self.widget.value != shown:
            self.widget.value = shown

    def read(self) -> Any:
        """What the widget holds, as the store takes it: blank is ``None``."""
        value = self.widget.value
        if self.spec.kind == "choice":
            return value
        text = str(value or "").strip()
        if self.spec.kind == "date":
            try:
                day = read_date(text, typed=True)
            except ValueError as exc:
                raise ValueError(f"{self.spec.label}: {exc}") from None
            return day.isoformat() if day else None
        if self.spec.kind == "references":
            return [part for part in text.replace(",", " ").replace(";", " ").split() if part]
        return text or None

    def say(self, note: str) -> None:
        """``note`` (HTML) beside the field; blank clears it."""
        if self.note.value != note:
            self.note.value = note


def not_saved_html(exc: ValueError) -> str:
    """A value that cannot be read (a date that is not one), said beside its field; the typed text
    is not quoted (it is in the field)."""
    return NOTE.format(html.escape(f"Not saved: {exc}."))


class Fields:
    """Fields of a form and the value each last showed (what a change is compared with)."""

    def __init__(self, specs: Sequence[FieldSpec], on_leave: Callable[[Field], None], compact: bool = False) -> None:
        self.fields = {spec.name: Field(spec, on_leave, compact) for spec in specs}
        self.shown: dict[str, Any] = {}
        self.quiet = False

    def show(self, values: Mapping[str, Any] | None) -> None:
        self.quiet = True
        try:
            for name, field in self.fields.items():
                value = values.get(name) if values else None
                self.shown[name] = value
                field.show(value)
        finally:
            self.quiet = False

    def read_all(self) -> dict[str, Any] | None:
        """Every field's value, or ``None`` after saying beside each field that cannot be read why."""
        values: dict[str, Any] = {}
        bad = False
        for name, field in self.fields.items():
            try:
                values[name] = field.read()
            except ValueError as exc:
                field.say(not_saved_html(exc))
                bad = True
        return None if bad else values


class RowOwner(Protocol):
    """What a :class:`RowList` needs of the form it is part of."""

    def guard(self, callback: Callable[..., Any]) -> Callable[..., None]:
        """``callback`` with any error it raises said in the form, never lost."""

    def save(self, fields: dict[str, Any], say: Callable[[str], None]) -> None:
        """Save ``fields`` of the form's entry; the outcome said by ``say``."""


class RowList:
    """An Ombudsman record's findings or orders: one row of fields each, the whole list saved when
    the auditor leaves a field of a row (through ``owner``, the record's form). A row not complete
    yet (no text) waits, said beside it."""

    def __init__(self, owner: RowOwner, name: str, specs: Sequence[FieldSpec], title: str, word: str) -> None:
        self.owner = owner
        self.name = name
        self.specs = specs
        self.word = word
        self.rows: list[Fields] = []
        self.shown: list[dict[str, Any]] = []
        self.quiet = False  # True while the rows are being filled from the store
        self.box = w.VBox(**look.of(w.VBox))
        self.note = w.HTML(**look.of(w.HTML))
        self.add = w.Button(description=f"Add {word}", icon="plus", **look.of(w.Button, width="auto"))
        self.add.on_click(owner.guard(lambda _: self._add_row()))
        self.widget = w.VBox([w.HTML(f"<b>{html.escape(title)}</b>", **look.of(w.HTML)), self.box, self.add, self.note],
                             **look.of(w.VBox, width="100%"))
        self.widget.add_class(f"chc-annual-{name}")

    def show(self, items: list[dict[str, Any]]) -> None:
        """The stored items in the rows (rebuilt only when they differ from what the rows show)."""
        if items == self.shown and len(self.rows) >= len(items):
            return
        self.shown = [dict(item) for item in items]
        self.quiet = True
        try:
            self.rows = [self._row(item) for item in items]
        finally:
            self.quiet = False
        self._draw()

    def _row(self, item: dict[str, Any] | None) -> Fields:
        row = Fields(self.specs, self.owner.guard(lambda _: self._leave()), compact=True)
        row.show(item)
        return row

    def _draw(self) -> None:
        boxes = []
        for row in self.rows:
            remove = w.Button(description="Remove", **look.of(w.Button, width="80px"))
            remove.on_click(self.owner.guard(lambda _, r=row: self._remove(r)))
            boxes.append(w.HBox([*(f.box for f in row.fields.values()), remove], **look.of(w.HBox, width="100%")))
        self.box.children = boxes

    def _add_row(self) -> None:
        self.rows.append(self._row(None))
        self._draw()

    def _remove(self, row: Fields) -> None:
        self.rows.remove(row)
        self._draw()
        self._leave()

    def _leave(self) -> None:
        if self.quiet or any(row.quiet for row in self.rows):
            return
        items = []
        for row in self.rows:
            values = row.read_all()
            if values is None:
                self.note.value = NOTE.format(f"Not saved: correct the date in the {self.word} said above.")
                return
            if values[self.specs[0].name] is None:  # no text yet: saved once it has one
                if any(values[spec.name] is not None for spec in self.specs if spec.kind != "choice"):
                    self.note.value = NOTE.format(f"Not saved yet: type the {self.word}'s "
                                                  f"{self.specs[0].label.lower()}; the rest is saved with it.")
                    return
                continue  # a blank row: nothing to save
            items.append({k: v for k, v in values.items() if v is not None})
        self.owner.save({self.name: items}, self._say)

    def _say(self, note: str) -> None:
        self.note.value = note


__all__ = ["DATE", "FINDING_FIELDS", "GOVERNING_FIELDS", "ITEM_FIELDS", "KIND_WORDS", "LEARNING_FIELDS",
           "MEMBER_FIELDS", "OMBUDSMAN_FIELDS", "ORDER_FIELDS", "Field", "FieldSpec", "Fields", "RowList", "RowOwner",
           "not_saved_html"]
