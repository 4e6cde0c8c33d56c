"""The annual records panel's entries (:mod:`.annual_panel`): the learning log's improvements and
the Ombudsman's records, each a card (:class:`EntryCard`) opening into its form
(:class:`EntryForm`), in a list with a blank form for a new one (:class:`EntryList`).

An entry's fields are each saved through the store when the auditor leaves them; a new entry is
saved whole with its Add button. An Ombudsman record's findings and orders are rows
(:class:`~.annual_fields.RowList`), saved through its form (:meth:`EntryForm.save`).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..annual.records import AnnualRecords, Improvement, OmbudsmanRecord, section_label
from ..annual.store import Conflict, describe_value
from ..assessment.actions import format_date
from ..errors import AuditError
from . import look
from .annual_fields import (
    DONE,
    FINDING_FIELDS,
    ITEM_FIELDS,
    KIND_WORDS,
    NOTE,
    ORDER_FIELDS,
    Field,
    Fields,
    RowList,
    not_saved_html,
)
from .feedback import conflict_html, error_html, guarded

if TYPE_CHECKING:
    from .annual_panel import AnnualRecordsPanel


def entry_data(model: Improvement | OmbudsmanRecord | Any) -> dict[str, Any]:
    """An entry as JSON-able data (what the forms show and compare with)."""
    data: dict[str, Any] = model.model_dump(mode="json")
    return data


class EntryForm:
    """One improvement or Ombudsman record: each field saved when the auditor leaves it (``entry``
    given), or, for a new one (``entry`` ``None``), every field saved together with the Add
    button. An Ombudsman record's findings and orders are lists of rows, each list saved when the
    auditor leaves one of its fields."""

    def __init__(self, panel: AnnualRecordsPanel, section: str, entry: Improvement | OmbudsmanRecord | None) -> None:
        self.panel = panel
        self.section = section
        self.id = entry.id if entry is not None else None
        self.form = Fields(ITEM_FIELDS[section], self.guard(self._leave))
        self.message = w.HTML(**look.of(w.HTML))
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
                            **look.of(w.Button, width="auto"))
        self.add.add_class("chc-annual-add")
        self.add.on_click(self.guard(lambda _: self._add()))
        self.cancel = w.Button(description="Cancel", **look.of(w.Button, width="auto"))
        self.cancel.on_click(self.guard(lambda _: panel.close_new(section)))
        if entry is None:
            parts.append(w.HBox([self.add, self.cancel], **look.of(w.HBox)))
        parts.append(self.message)
        self.widget = w.VBox(parts, **look.of(w.VBox, border="1px solid #c9d1d9", padding="6px", margin="0 0 8px 0",
                                              width="100%"))
        self.widget.add_class(f"chc-annual-form-{section}")
        if entry is not None:
            self.show(entry)
        else:
            self.form.show(None)

    def guard(self, callback: Callable[..., Any]) -> Callable[..., None]:
        """``callback`` with any error it raises said in the form (and the entry shown as stored),
        never lost: for this form's widgets and its rows' (:class:`~.annual_fields.RowOwner`)."""
        return guarded(callback, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.message.value = error_html(exc)
        if self.id is not None and self.panel.store is not None:
            entry = self.panel.store.records.item(self.section, self.id)
            if entry is not None:
                self.show(entry)

    def show(self, entry: Improvement | OmbudsmanRecord) -> None:
        """Show the entry as stored (another editor's changes included)."""
        data = entry_data(entry)
        self.form.show(data)
        for name, rows in self.lists.items():
            rows.show(data.get(name) or [])

    def _leave(self, field: Field) -> None:
        if self.form.quiet:
            return
        name = field.spec.name
        try:
            value = field.read()
        except ValueError as exc:
            field.say(not_saved_html(exc))
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
            say(DONE.format("Saved."))
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
            self.message.value = NOTE.format("Not added: correct the dates said above.")
            return
        data = {name: value for name, value in values.items() if value not in (None, [])}
        try:
            added = self.panel.need_store().add(self.section, data)
        except AuditError as exc:
            self.message.value = error_html(exc, "Not added")
            return
        self.panel.added(self.section, added.id)


class EntryCard:
    """An improvement or Ombudsman record drawn as HTML, with Edit (its form in the card's place)
    and Remove (a second click confirms)."""

    def __init__(self, panel: AnnualRecordsPanel, section: str, entry: Improvement | OmbudsmanRecord) -> None:
        self.panel = panel
        self.section = section
        self.id = entry.id
        self.entry = entry
        self.form: EntryForm | None = None
        self.html = w.HTML(**look.of(w.HTML, width="100%"))
        self.edit = w.Button(description="Edit", icon="pencil", **look.of(w.Button, width="90px"))
        self.edit.on_click(guarded(lambda _: self.open(), self._show_error))
        self.remove = w.Button(description="Remove", **look.of(w.Button, width="auto"))
        self.remove.on_click(guarded(lambda _: self._remove(), self._show_error))
        self.message = w.HTML(**look.of(w.HTML))
        self._removing = False
        self.body = w.VBox([self.html], **look.of(w.VBox))
        self.widget = w.VBox([self.body, w.HBox([self.edit, self.remove], **look.of(w.HBox)), self.message],
                             **look.of(w.VBox, width="100%", margin="0 0 8px 0"))
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
            look.show(self.edit, False)
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
    data = entry_data(entry)
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
        self.box = w.VBox(**look.of(w.VBox, width="100%"))
        self.empty = w.HTML(f"<i>No {section_label(section)}s recorded yet.</i>", **look.of(w.HTML))
        self.new_box = w.VBox(**look.of(w.VBox, width="100%"))
        self.note = w.HTML(**look.of(w.HTML))
        self.open_new = w.Button(description=f"Add an {section_label(section)}", icon="plus",
                                 **look.of(w.Button, width="auto"))
        self.open_new.add_class(f"chc-annual-new-{section}")
        self.open_new.on_click(guarded(lambda _: self.start_new(), self._show_error))
        self.widget = w.VBox([w.HTML(f"<h4 style='margin:10px 0 4px 0;color:#1f4e79'>{html.escape(title)}</h4>"
                                     f"<div style='font-size:12px;color:#57606a'>{html.escape(intro)}</div>",
                                     **look.of(w.HTML)),
                              self.box, self.new_box, self.open_new, self.note], **look.of(w.VBox, width="100%"))
        self.widget.add_class(f"chc-annual-{section}")

    def _show_error(self, exc: BaseException) -> None:
        self.note.value = error_html(exc, "Not done")

    def start_new(self) -> EntryForm:
        """A blank form for a new entry (one at a time)."""
        if self.new is None:
            self.new = EntryForm(self.panel, self.section, None)
            self.new_box.children = [self.new.widget]
            look.show(self.open_new, False)
        return self.new

    def close_new(self) -> None:
        self.new = None
        self.new_box.children = []
        look.show(self.open_new, True)

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


__all__ = ["EntryCard", "EntryForm", "EntryList", "entry_data", "entry_html"]
