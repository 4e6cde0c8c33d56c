"""The workbook's section for the annual report's records (Code 8.1, 8.2, 9.5, 9.7 c), after the
nine Code sections: the learning log, the Ombudsman's findings and publications, "none this
year", the governing body's response, the Member Responsible for Complaints and the landlord's
own qualitative analysis, with what the report still lacks shown at the top.

Kept as the answers' forms are (:mod:`.widgets`): the widgets are never the source of truth.
Everything is built from the records store (:class:`~audit_lib.annual.store.RecordsStore`) and
every change goes to it at once (the lock, the history, the file written atomically); a field is
saved when the auditor leaves it (a choice or a tick at once), a date only when it is a real date
(typed DD/MM/YYYY, as the actions' due dates are), and after every save the panel shows the
records as stored, with what other editors saved meanwhile. A change to something another editor
changed since it was shown is a conflict, said beside the field with both values in words
(:func:`~audit_lib.workbook.feedback.conflict_html`), and nothing is written over the other's.
Every error reaches the auditor beside the widget (:func:`~audit_lib.workbook.feedback.guarded`).

A new improvement or Ombudsman record is typed in a blank form and saved with its Add button (its
required fields go in together: one change, one line of history); an entry's findings and orders
are edited once it is added. The panel is drawn when the auditor opens it, and an entry's form
when its Edit is clicked, so running the notebook stays quick.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

import ipywidgets as w

from ..annual.completeness import Gap, completeness
from ..annual.records import (
    IMPROVEMENT_STATUSES,
    NONE_PARTS,
    OMBUDSMAN_KINDS,
    ORDER_PROGRESS,
    OUTCOMES,
    AnnualRecords,
    Improvement,
    OmbudsmanRecord,
    section_label,
)
from ..annual.store import Conflict, RecordsStore, describe_value
from ..assessment.actions import format_date, parse_due_date
from ..assessment.merge import quote_text
from ..errors import AuditError
from .feedback import conflict_html, error_html, guarded
from .history_panel import SHOWN_CHARS, Entry, HistoryPanel

FULL = w.Layout(width="100%")
_DONE = '<span class="chc-saved" style="color:#14532d;font-size:12px">{}</span>'
_NOTE = '<div class="chc-note" style="color:#7f1d1d;font-size:12px">{}</div>'
_LABEL = {"description_width": "150px"}

#: How the panel names each part of 8.1 that may be confirmed as having nothing this year.
NONE_WORDS: dict[str, str] = {
    "ombudsman_findings": "(c) No findings of non-compliance by the Ombudsman this year (no determinations or "
                          "complaint handling failure orders)",
    "learning": "(d) No service improvements from learning from complaints this year",
    "performance_report": "(e) The Ombudsman published no annual performance report about us this year",
    "other_publications": "(f) No other reports or publications of the Ombudsman about us this year",
}
KIND_WORDS: dict[str, str] = {
    "determination": "Determination", "complaint_handling_failure_order": "Complaint handling failure order",
    "annual_performance_report": "Annual performance report", "special_report": "Special report", "other": "Other",
}
_TOP_LABELS = {"governing_body": "The governing body's response",
               "member_responsible": "The Member Responsible for Complaints",
               "qualitative_analysis": "The qualitative analysis"}

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


class _Field:
    """One widget and the note beside it; :meth:`read` gives the value to save (a date typed as
    DD/MM/YYYY as an ISO date; ``ValueError`` with a plain message when it is not one)."""

    def __init__(self, spec: FieldSpec, on_leave: Callable[[_Field], None], compact: bool = False) -> None:
        self.spec = spec
        common: dict[str, Any] = {"description": spec.label, "style": {"description_width": "auto"} if compact else _LABEL}
        self.widget: w.Text | w.Textarea | w.Dropdown
        if spec.kind == "choice":
            self.widget = w.Dropdown(options=spec.choices, value=spec.choices[0][1],
                                     layout=w.Layout(width="auto" if compact else "480px"), **common)
        elif spec.kind == "long":
            self.widget = w.Textarea(placeholder=spec.placeholder, continuous_update=False,
                                     layout=w.Layout(width="100%", height="70px"), **common)
        else:  # a date is typed, and read when the auditor leaves the field (as the actions' due dates)
            width = "230px" if spec.kind == "date" else ("auto" if compact else "100%")
            self.widget = w.Text(placeholder=spec.placeholder, continuous_update=False, layout=w.Layout(width=width),
                                 **common)
        self.widget.add_class(f"chc-annual-field-{spec.name}")
        self.note = w.HTML()
        self.widget.observe(lambda _: on_leave(self), names="value")
        self.box = w.VBox([self.widget, self.note], layout=w.Layout(width="auto" if compact else "100%"))

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
            day = parse_due_date(text)
            return day.isoformat() if day else None
        if self.spec.kind == "references":
            return [part for part in text.replace(",", " ").replace(";", " ").split() if part]
        return text or None

    def say(self, note: str) -> None:
        """``note`` (HTML) beside the field; blank clears it."""
        if self.note.value != note:
            self.note.value = note


def _bad_date(exc: ValueError) -> str:
    """A date that is not one, said beside its field (the typed text is not quoted)."""
    return _NOTE.format(html.escape(f"Not saved: {exc}."))


def _data(model: Improvement | OmbudsmanRecord | Any) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(mode="json")
    return data


class _Fields:
    """Fields of a form and the value each last showed (what a change is compared with)."""

    def __init__(self, specs: Sequence[FieldSpec], on_leave: Callable[[_Field], None], compact: bool = False) -> None:
        self.fields = {spec.name: _Field(spec, on_leave, compact) for spec in specs}
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
        """Every field's value, or ``None`` after saying beside each date that is not one why."""
        values: dict[str, Any] = {}
        bad = False
        for name, field in self.fields.items():
            try:
                values[name] = field.read()
            except ValueError as exc:
                field.say(_bad_date(exc))
                bad = True
        return None if bad else values


class EntryForm:
    """One improvement or Ombudsman record: each field saved when the auditor leaves it (``entry``
    given), or, for a new one (``entry`` ``None``), every field saved together with the Add
    button. An Ombudsman record's findings and orders are lists of rows, each list saved when the
    auditor leaves one of its fields."""

    def __init__(self, panel: AnnualRecordsPanel, section: str, entry: Improvement | OmbudsmanRecord | None) -> None:
        self.panel = panel
        self.section = section
        self.id = entry.id if entry is not None else None
        self.form = _Fields(ITEM_FIELDS[section], self._guard(self._leave))
        self.message = w.HTML()
        self.message.add_class("chc-message")
        parts: list[w.Widget] = [field.box for field in self.form.fields.values()]
        self.lists: dict[str, RowList] = {}
        if entry is not None and section == "ombudsman":
            for name, specs, title, word in (("findings", FINDING_FIELDS, "Findings", "finding"),
                                             ("orders", ORDER_FIELDS, "Orders and the progress on each (9.7 c)",
                                              "order")):
                rows = RowList(self, name, specs, title, word)
                self.lists[name] = rows
                parts.append(rows.widget)
        self.add = w.Button(description=f"Add this {section_label(section)}", button_style="primary",
                            layout=w.Layout(width="auto"))
        self.add.add_class("chc-annual-add")
        self.add.on_click(self._guard(lambda _: self._add()))
        self.cancel = w.Button(description="Cancel", layout=w.Layout(width="auto"))
        self.cancel.on_click(self._guard(lambda _: panel.close_new(section)))
        if entry is None:
            parts.append(w.HBox([self.add, self.cancel]))
        parts.append(self.message)
        self.widget = w.VBox(parts, layout=w.Layout(border="1px solid #c9d1d9", padding="6px", margin="0 0 8px 0",
                                                    width="100%"))
        self.widget.add_class(f"chc-annual-form-{section}")
        if entry is not None:
            self.show(entry)
        else:
            self.form.show(None)

    def _guard(self, callback: Callable[..., Any]) -> Callable[..., None]:
        return guarded(callback, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.message.value = error_html(exc)
        if self.id is not None and self.panel.store is not None:
            entry = self.panel.store.records.item(self.section, self.id)
            if entry is not None:
                self.show(entry)

    def show(self, entry: Improvement | OmbudsmanRecord) -> None:
        """Show the entry as stored (another editor's changes included)."""
        data = _data(entry)
        self.form.show(data)
        for name, rows in self.lists.items():
            rows.show(data.get(name) or [])

    def _leave(self, field: _Field) -> None:
        if self.form.quiet:
            return
        name = field.spec.name
        try:
            value = field.read()
        except ValueError as exc:
            field.say(_bad_date(exc))
            return
        if self.id is None:  # a new entry: saved with its Add button
            field.say("")
            return
        self.save({name: value}, field.say)

    def save(self, fields: dict[str, Any], say: Callable[[str], None]) -> None:
        """Save ``fields`` of this entry (compared with what the form showed); the outcome said by ``say``."""
        store = self.panel.need_store()
        expected = {name: self._shown(name) for name in fields}
        try:
            result = store.change(self.section, self.id or "", fields, expected=expected)
        except AuditError as exc:
            say(error_html(exc))
            self._failed_quietly()
            self.panel.after_save()
            return
        if isinstance(result, Conflict):
            say(conflict_html(result))
        else:
            say(_DONE.format("Saved."))
        self.message.value = ""
        self.panel.after_save()

    def _failed_quietly(self) -> None:
        entry = self.panel.need_store().records.item(self.section, self.id or "")
        if entry is not None:
            self.show(entry)

    def _shown(self, name: str) -> Any:
        if name in self.lists:
            return self.lists[name].shown
        return self.form.shown.get(name)

    def _add(self) -> None:
        values = self.form.read_all()
        if values is None:
            self.message.value = _NOTE.format("Not added: correct the dates said above.")
            return
        data = {name: value for name, value in values.items() if value not in (None, [])}
        try:
            added = self.panel.need_store().add(self.section, data)
        except AuditError as exc:
            self.message.value = error_html(exc, "Not added")
            return
        self.panel.added(self.section, added.id)


class RowList:
    """An Ombudsman record's findings or orders: one row of fields each, the whole list saved when
    the auditor leaves a field of a row. A row not complete yet (no text) waits, said beside it."""

    def __init__(self, form: EntryForm, name: str, specs: Sequence[FieldSpec], title: str, word: str) -> None:
        self.form = form
        self.name = name
        self.specs = specs
        self.word = word
        self.rows: list[_Fields] = []
        self.shown: list[dict[str, Any]] = []
        self.quiet = False  # True while the rows are being filled from the store
        self.box = w.VBox()
        self.note = w.HTML()
        self.add = w.Button(description=f"Add {word}", icon="plus", layout=w.Layout(width="auto"))
        self.add.on_click(form._guard(lambda _: self._add_row()))
        self.widget = w.VBox([w.HTML(f"<b>{html.escape(title)}</b>"), self.box, self.add, self.note], layout=FULL)
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

    def _row(self, item: dict[str, Any] | None) -> _Fields:
        row = _Fields(self.specs, self.form._guard(lambda _: self._leave()), compact=True)
        row.show(item)
        return row

    def _draw(self) -> None:
        boxes = []
        for row in self.rows:
            remove = w.Button(description="Remove", layout=w.Layout(width="80px"))
            remove.on_click(self.form._guard(lambda _, r=row: self._remove(r)))
            boxes.append(w.HBox([*(f.box for f in row.fields.values()), remove], layout=FULL))
        self.box.children = boxes

    def _add_row(self) -> None:
        self.rows.append(self._row(None))
        self._draw()

    def _remove(self, row: _Fields) -> None:
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
                self.note.value = _NOTE.format(f"Not saved: correct the date in the {self.word} said above.")
                return
            if values[self.specs[0].name] is None:  # no text yet: saved once it has one
                if any(values[spec.name] is not None for spec in self.specs if spec.kind != "choice"):
                    self.note.value = _NOTE.format(f"Not saved yet: type the {self.word}'s "
                                                   f"{self.specs[0].label.lower()}; the rest is saved with it.")
                    return
                continue  # a blank row: nothing to save
            items.append({k: v for k, v in values.items() if v is not None})
        self.form.save({self.name: items}, self._say)

    def _say(self, note: str) -> None:
        self.note.value = note


class EntryCard:
    """An improvement or Ombudsman record drawn as HTML, with Edit (its form in the card's place)
    and Remove (a second click confirms)."""

    def __init__(self, panel: AnnualRecordsPanel, section: str, entry: Improvement | OmbudsmanRecord) -> None:
        self.panel = panel
        self.section = section
        self.id = entry.id
        self.entry = entry
        self.form: EntryForm | None = None
        self.html = w.HTML(layout=FULL)
        self.edit = w.Button(description="Edit", icon="pencil", layout=w.Layout(width="90px"))
        self.edit.on_click(guarded(lambda _: self.open(), self._show_error))
        self.remove = w.Button(description="Remove", layout=w.Layout(width="auto"))
        self.remove.on_click(guarded(lambda _: self._remove(), self._show_error))
        self.message = w.HTML()
        self._removing = False
        self.body = w.VBox([self.html])
        self.widget = w.VBox([self.body, w.HBox([self.edit, self.remove]), self.message],
                             layout=w.Layout(width="100%", margin="0 0 8px 0"))
        self.widget.add_class("chc-annual-card")
        self.widget.add_class(f"chc-annual-card-{entry.id}")
        self.show(entry)

    def _show_error(self, exc: BaseException) -> None:
        self.message.value = error_html(exc, "Not done")

    def show(self, entry: Improvement | OmbudsmanRecord) -> None:
        self.entry = entry
        if self.form is not None:
            self.form.show(entry)
            return
        value = entry_html(self.section, entry)
        if self.html.value != value:
            self.html.value = value

    def open(self) -> EntryForm:
        """The entry's form in the card's place (built once)."""
        if self.form is None:
            self.form = EntryForm(self.panel, self.section, self.entry)
            self.body.children = [self.form.widget]
            self.edit.layout.display = "none"
        return self.form

    def _remove(self) -> None:
        if not self._removing:
            self._removing = True
            self.remove.description = f"Click again to remove {self.id}"
            self.remove.button_style = "danger"
            return
        self._removing = False
        self.remove.description, self.remove.button_style = "Remove", ""
        result = self.panel.need_store().remove(self.section, self.id, expected=self.entry)
        if isinstance(result, Conflict):
            self.message.value = conflict_html(result)
        self.panel.after_save()


def _line(label: str, value: Any) -> str:
    return f"<div><b>{html.escape(label)}:</b> {html.escape(describe_value(value))}</div>" if value else ""


def entry_html(section: str, entry: Improvement | OmbudsmanRecord) -> str:
    """An entry as its card shows it, every typed text escaped."""
    data = _data(entry)
    if isinstance(entry, Improvement):
        facts = [entry.status] + ([f"done {format_date(entry.when)}" if entry.status == "done" else
                                   f"when {format_date(entry.when)}"] if entry.when else [])
        facts += [f"owner: {entry.owner}"] if entry.owner else []
        head = (f"<b>{html.escape(entry.id)}</b> {html.escape(entry.theme)} "
                f'<span style="color:#57606a">({html.escape(", ".join(facts))})</span>')
        body = (_line("Residents said", entry.residents_said) + _line("We did", entry.we_did)
                + _line("Case references", data["case_references"]))
    else:
        where = [entry.reference or "", entry.link or ""]
        head = (f"<b>{html.escape(entry.id)}</b> {html.escape(KIND_WORDS[entry.kind])}, "
                f"{format_date(entry.date)}: {html.escape(entry.title or '')} "
                f'<span style="color:#57606a">{html.escape(" ".join(p for p in where if p))}</span>')
        body = _line("Summary", entry.summary)
        body += "".join(f"<div><b>Finding:</b> {html.escape(f.wording)} ({html.escape(f.outcome)})</div>"
                        for f in entry.findings)
        body += "".join(
            f"<div><b>Order:</b> {html.escape(o.text)} ({html.escape(o.progress)}"
            + (f", due {format_date(o.due)}" if o.due else "")
            + (f", completed {format_date(o.completed)}" if o.completed else "")
            + (f"; {html.escape(o.note)}" if o.note else "") + ")</div>"
            for o in entry.orders)
    return f'<div class="chc-annual-entry" style="font-size:13px">{head}{body}</div>'


class EntryList:
    """The learning log or the Ombudsman's records: a card per entry, in the file's order, and a
    button opening a blank form for a new one."""

    def __init__(self, panel: AnnualRecordsPanel, section: str, title: str, intro: str) -> None:
        self.panel = panel
        self.section = section
        self.cards: dict[str, EntryCard] = {}
        self.new: EntryForm | None = None
        self.box = w.VBox(layout=FULL)
        self.empty = w.HTML(f"<i>No {section_label(section)}s recorded yet.</i>")
        self.new_box = w.VBox(layout=FULL)
        self.note = w.HTML()
        self.open_new = w.Button(description=f"Add an {section_label(section)}", icon="plus",
                                 layout=w.Layout(width="auto"))
        self.open_new.add_class(f"chc-annual-new-{section}")
        self.open_new.on_click(guarded(lambda _: self.start_new(), self._show_error))
        self.widget = w.VBox([w.HTML(f"<h4 style='margin:10px 0 4px 0;color:#1f4e79'>{html.escape(title)}</h4>"
                                     f"<div style='font-size:12px;color:#57606a'>{html.escape(intro)}</div>"),
                              self.box, self.new_box, self.open_new, self.note], layout=FULL)
        self.widget.add_class(f"chc-annual-{section}")

    def _show_error(self, exc: BaseException) -> None:
        self.note.value = error_html(exc, "Not done")

    def start_new(self) -> EntryForm:
        """A blank form for a new entry (one at a time)."""
        if self.new is None:
            self.new = EntryForm(self.panel, self.section, None)
            self.new_box.children = [self.new.widget]
            self.open_new.layout.display = "none"
        return self.new

    def close_new(self) -> None:
        self.new = None
        self.new_box.children = []
        self.open_new.layout.display = ""

    def show(self, records: AnnualRecords) -> None:
        """A card per stored entry: cards of entries still there kept (an open form with them)."""
        entries = records.items(self.section)
        cards: dict[str, EntryCard] = {}
        for entry in entries:
            card = self.cards.get(entry.id)
            if card is None:
                card = EntryCard(self.panel, self.section, entry)
            else:
                card.show(entry)
            cards[entry.id] = card
        self.cards = cards
        children = [card.widget for card in cards.values()] if cards else [self.empty]
        if children != list(self.box.children):
            self.box.children = children


class WholeForm:
    """The governing body's response or the MRC: saved as a whole when the auditor leaves a field
    and every field is given; every field blank removes it."""

    def __init__(self, panel: AnnualRecordsPanel, name: str, specs: Sequence[FieldSpec], title: str) -> None:
        self.panel = panel
        self.name = name
        self.form = _Fields(specs, guarded(self._leave, self._failed))
        self.stored: dict[str, Any] | None = None
        self.note = w.HTML()
        self.note.add_class("chc-message")
        self.widget = w.VBox([w.HTML(f"<h4 style='margin:10px 0 4px 0;color:#1f4e79'>{html.escape(title)}</h4>"),
                              *(f.box for f in self.form.fields.values()), self.note], layout=FULL)
        self.widget.add_class(f"chc-annual-{name.replace('_', '-')}")

    def _failed(self, exc: BaseException) -> None:
        self.note.value = error_html(exc)
        self.form.show(self.stored)

    def show(self, value: Mapping[str, Any] | None) -> None:
        self.stored = dict(value) if value is not None else None
        self.form.show(self.stored)

    def _leave(self, field: _Field) -> None:
        if self.form.quiet:
            return
        values = self.form.read_all()
        if values is None:
            return
        field.say("")
        given = [v for v in values.values() if v is not None]
        if given and len(given) < len(values):
            missing = [f.spec.label.lower() for f in self.form.fields.values() if values[f.spec.name] is None]
            words = (" (blank every field to remove it)" if self.stored is not None else "")
            self.note.value = _NOTE.format(html.escape(f"Not saved yet: give the {', '.join(missing)}; it is saved "
                                                       f"when every field is given{words}."))
            return
        store = self.panel.need_store()
        value = values if given else None
        try:
            if self.name == "governing_body":
                result = store.set_governing_body(value, expected=self.stored)
            else:
                result = store.set_member_responsible(value, expected=self.stored)
        except AuditError as exc:
            self.note.value = error_html(exc)
            self.panel.after_save()
            return
        self.note.value = conflict_html(result) if isinstance(result, Conflict) else _DONE.format(
            "Saved." if value is not None else "Removed.")
        self.panel.after_save()


class NoneBox:
    """The "none this year" ticks for 8.1 (c)-(f), each saved at once."""

    def __init__(self, panel: AnnualRecordsPanel) -> None:
        self.panel = panel
        self.ticks: dict[str, w.Checkbox] = {}
        self.notes: dict[str, w.HTML] = {}
        self.shown: dict[str, bool] = {}
        self.quiet = False
        rows = []
        for part in NONE_PARTS:
            tick = w.Checkbox(value=False, description=NONE_WORDS[part], indent=False, layout=FULL)
            tick.add_class(f"chc-annual-none-{part}")
            note = w.HTML()
            tick.observe(guarded(partial(self._ticked, part), partial(self._failed, part)), names="value")
            self.ticks[part], self.notes[part] = tick, note
            rows.append(w.VBox([tick, note], layout=FULL))
        self.widget = w.VBox([w.HTML("<h4 style='margin:10px 0 4px 0;color:#1f4e79'>None this year</h4>"
                                     "<div style='font-size:12px;color:#57606a'>Tick a part that truly had nothing this "
                                     "year: an empty list could equally mean not recorded yet.</div>"), *rows],
                             layout=FULL)
        self.widget.add_class("chc-annual-none")

    def _failed(self, part: str, exc: BaseException) -> None:
        self.notes[part].value = error_html(exc)
        self.show(self.panel.need_store().records)

    def show(self, records: AnnualRecords) -> None:
        self.quiet = True
        try:
            for part, tick in self.ticks.items():
                value = bool(getattr(records.confirmed_none, part))
                self.shown[part] = value
                if tick.value != value:
                    tick.value = value
        finally:
            self.quiet = False

    def _ticked(self, part: str, change: Mapping[str, Any]) -> None:
        if self.quiet:
            return
        result = self.panel.need_store().confirm_none(part, bool(change["new"]), expected=self.shown[part])
        self.notes[part].value = conflict_html(result) if isinstance(result, Conflict) else ""
        self.panel.after_save()


class AnalysisBox:
    """The landlord's own qualitative analysis, saved when the auditor leaves the box; a button
    starts it from the sentences written from the data (``suggest``; hidden without one)."""

    def __init__(self, panel: AnnualRecordsPanel, suggest: Callable[[], str] | None) -> None:
        self.panel = panel
        self.suggest = suggest
        self.shown: str | None = None
        self.quiet = False
        self.text = w.Textarea(placeholder="Your own analysis of the year's complaints (blank: the report shows the "
                                           "sentences written from the data)", continuous_update=False,
                               layout=w.Layout(width="100%", height="140px"))
        self.text.add_class("chc-annual-field-qualitative_analysis")
        self.text.observe(guarded(lambda ch: self._leave(ch["new"]), self._failed), names="value")
        self.start = w.Button(description="Start from the sentences written from the data", icon="pencil",
                              layout=w.Layout(width="auto", display="" if suggest is not None else "none"))
        self.start.add_class("chc-annual-suggest")
        self.start.on_click(guarded(lambda _: self._start(), self._failed))
        self.note = w.HTML()
        self.widget = w.VBox([w.HTML("<h4 style='margin:10px 0 4px 0;color:#1f4e79'>Qualitative analysis (8.1 b)</h4>"
                                     "<div style='font-size:12px;color:#57606a'>Shown in the report in place of the "
                                     "sentences written from the data.</div>"), self.text, self.start, self.note],
                             layout=FULL)
        self.widget.add_class("chc-annual-analysis")

    def _failed(self, exc: BaseException) -> None:
        self.note.value = error_html(exc)
        self.show(self.panel.need_store().records.qualitative_analysis)

    def show(self, text: str | None) -> None:
        self.shown = text
        self.quiet = True
        try:
            if self.text.value != (text or ""):
                self.text.value = text or ""
        finally:
            self.quiet = False

    def _start(self) -> None:
        if self.suggest is None:
            return
        if self.text.value.strip():
            self.note.value = _NOTE.format("The box already holds your analysis: empty it (and leave it) first to "
                                           "start again from the sentences written from the data.")
            return
        sentences = self.suggest()
        if not sentences.strip():
            self.note.value = _NOTE.format("There are no sentences written from the data for this period.")
            return
        self.text.value = sentences  # saved as if typed: the auditor's text from now on

    def _leave(self, value: str) -> None:
        if self.quiet:
            return
        result = self.panel.need_store().set_qualitative_analysis(value.strip() or None, expected=self.shown)
        if isinstance(result, Conflict):
            self.note.value = conflict_html(result)
        else:
            self.note.value = _DONE.format("Saved." if value.strip() else "Removed: the report shows the sentences "
                                           "written from the data.")
        self.panel.after_save()


def gaps_html(gaps: Sequence[Gap]) -> str:
    """What the annual report still lacks, at the top of the panel (or that nothing is missing)."""
    if not gaps:
        return ('<div class="chc-annual-gaps complete" style="color:#14532d"><b>Nothing missing:</b> the records '
                "hold every part of the annual report they are asked for.</div>")
    items = "".join(f'<li class="chc-annual-gap {html.escape(g.kind)}" data-code="{html.escape(g.code.value)}">'
                    f"<b>{html.escape(g.label)}</b> {html.escape(g.message)}</li>" for g in gaps)
    missing = sum(g.kind != "overdue" for g in gaps)
    head = (f"{missing} {'part' if missing == 1 else 'parts'} of the annual report still missing"
            if missing else "Nothing missing, but")
    return (f'<div class="chc-annual-gaps" style="border-left:3px solid #9a3412;padding-left:8px">'
            f'<b style="color:#9a3412">{html.escape(head)}:</b><ul style="margin:2px 0">{items}</ul></div>')


def describe_annual_entry(entry: Entry) -> str:
    """One line of the annual records' history in plain words (without its time and user)."""
    section, item, field = entry.get("section"), entry.get("item"), entry.get("field")
    label = section_label(str(section)) if section else ""
    if entry.get("action") in ("added", "removed"):
        data = entry.get("new") if entry["action"] == "added" else entry.get("old")
        data = data if isinstance(data, Mapping) else {}
        name = data.get("theme") or data.get("title") or KIND_WORDS.get(str(data.get("kind")), "")
        return f"{str(entry['action']).capitalize()} {label} {item}: {quote_text(name, SHOWN_CHARS)}"
    old, new = entry.get("old"), entry.get("new")
    if section:
        what = f"{label[:1].upper()}{label[1:]} {item}, {str(field).replace('_', ' ')}"
    elif str(field).startswith("confirmed_none."):
        part = str(field).split(".", 1)[1]
        return f"'None this year' {'ticked' if new else 'unticked'}: {NONE_WORDS.get(part, part)}"
    else:
        what = _TOP_LABELS.get(str(field), str(field))
    return f"{what}: {quote_text(describe_value(old), SHOWN_CHARS)} → {quote_text(describe_value(new), SHOWN_CHARS)}"


def _asked(value: bool | Callable[[], bool]) -> bool:
    """A value, or what a function gives now."""
    return value() if callable(value) else value


class AnnualRecordsPanel:
    """The annual report's records as a collapsed panel, drawn when the auditor opens it.

    ``open_store`` opens the records store (when the panel is first opened); ``suggest`` gives the
    sentences written from the data for the qualitative analysis' button (``None``: no button);
    ``has_self_assessment`` and ``figures_available`` are the completeness check's (8.1 a, b: what
    the workbook's answers and the case log give, not these records), each a value or a function
    asked at every refresh (the answers change during a sitting); ``as_of`` is the day the
    Ombudsman's orders' due dates are judged at (today by default).
    """

    def __init__(self, open_store: Callable[[], RecordsStore], *, suggest: Callable[[], str] | None = None,
                 as_of: dt.date | None = None, has_self_assessment: bool | Callable[[], bool] = True,
                 figures_available: bool | Callable[[], bool] = True, title: str | None = None) -> None:
        self._open_store = open_store
        self.suggest = suggest
        self.as_of = as_of
        self.has_self_assessment = has_self_assessment
        self.figures_available = figures_available
        self.store: RecordsStore | None = None
        self.gaps = w.HTML()
        self.gaps.add_class("chc-annual-gaps-box")
        self.message = w.HTML()
        self.widget = w.Accordion(children=[w.HTML("Open this part to record the annual report's learning, the "
                                                   "Ombudsman's findings and the governing body's response.")])
        self.widget.set_title(0, title or "Annual report: learning, the Ombudsman, the governing body (8.1, 8.2, 9.5)")
        self.widget.selected_index = None
        self.widget.add_class("chc-annual-records")
        self.widget.observe(guarded(self._opened, self._show_error), names="selected_index")
        self.built = False

    def _show_error(self, exc: BaseException) -> None:
        message = error_html(exc, "Not done" if self.built else "The annual records cannot be shown")
        if self.built:
            self.message.value = message
        else:
            self.widget.children = [w.HTML(message)]

    def _opened(self, change: dict[str, Any]) -> None:
        if change["new"] == 0 and not self.built:
            self.build()

    def need_store(self) -> RecordsStore:
        if self.store is None:
            self.store = self._open_store()
        return self.store

    def build(self) -> None:
        """Draw the panel from the store (once)."""
        store = self.need_store()
        self.learning = EntryList(self, "learning", "Learning and service improvements: \"You said, we did\" "
                                  "(8.1 d, 9.1-9.3)", "Each improvement made from learning from complaints. Case "
                                  "references are case ids only, never residents' names or details.")
        self.ombudsman = EntryList(self, "ombudsman", "The Ombudsman's findings and publications (8.1 c, e, f)",
                                   "Determinations, complaint handling failure orders, the annual performance report "
                                   "and special reports, entered by hand; each with its date and a reference or link.")
        self.none = NoneBox(self)
        self.governing = WholeForm(self, "governing_body", GOVERNING_FIELDS, "The governing body's response (8.2)")
        self.member = WholeForm(self, "member_responsible", MEMBER_FIELDS,
                                "The Member Responsible for Complaints (9.5)")
        self.analysis = AnalysisBox(self, self.suggest)
        self.history = HistoryPanel(store, "History of the annual records", lambda _: True, "annual",
                                    describe_annual_entry)
        self.widget.children = [w.VBox([self.gaps, self.message, self.learning.widget, self.ombudsman.widget,
                                        self.none.widget, self.governing.widget, self.member.widget,
                                        self.analysis.widget, self.history.widget], layout=FULL)]
        self.built = True
        self.refresh()

    def gap_list(self) -> list[Gap]:
        """What the annual report lacks, as the records are now."""
        return completeness(self.need_store().records, has_self_assessment=_asked(self.has_self_assessment),
                            figures_available=_asked(self.figures_available), as_of=self.as_of)

    def refresh(self) -> None:
        """Everything shown as the store now holds the records (with other editors' changes)."""
        if not self.built:
            return
        records = self.need_store().records
        self.gaps.value = gaps_html(self.gap_list())
        self.learning.show(records)
        self.ombudsman.show(records)
        self.none.show(records)
        self.governing.show(records.governing_body.model_dump(mode="json") if records.governing_body else None)
        self.member.show(records.member_responsible.model_dump(mode="json") if records.member_responsible else None)
        self.analysis.show(records.qualitative_analysis)
        self.history.refresh()

    def after_save(self) -> None:
        """After any change (saved, a conflict or refused): the panel redrawn; a failure to redraw is said."""
        try:
            self.refresh()
        except Exception as exc:
            self.message.value = error_html(exc, "Saved, but the panel could not be redrawn")

    def reload(self) -> None:
        """Take in what other editors saved since, and show it."""
        self.need_store().reload()
        self.refresh()

    def added(self, section: str, item_id: str) -> None:
        """A new entry saved: its blank form closed, its card shown."""
        entries = self.learning if section == "learning" else self.ombudsman
        entries.close_new()
        self.after_save()
        more = " Edit it to add its findings and orders." if section == "ombudsman" else ""
        entries.note.value = _DONE.format(html.escape(f"Added {section_label(section)} {item_id}.{more}"))

    def close_new(self, section: str) -> None:
        (self.learning if section == "learning" else self.ombudsman).close_new()


__all__ = ["AnnualRecordsPanel", "EntryCard", "EntryForm", "describe_annual_entry", "entry_html", "gaps_html"]
