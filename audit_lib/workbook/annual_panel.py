"""The workbook's section for the annual report's records (Code 8.1, 8.2, 9.5, 9.7 c), after the
nine Code sections: the learning log, the Ombudsman's findings and publications, "none this
year", the governing body's response, the Member Responsible for Complaints and the landlord's
own qualitative analysis, with what the report still lacks shown at the top.

Kept as the answers' forms are (:mod:`.widgets`): the widgets are never the source of truth.
Everything is built from the records store (:class:`~audit_lib.annual.store.RecordsStore`) and
every change goes to it at once (the lock, the history, the file written atomically); a field is
saved when the auditor leaves it (a choice or a tick at once), a date only when it is a date the
records file takes (typed DD/MM/YYYY, from 2000 to 2099: :mod:`.annual_fields`), and after every
save the panel shows the records as stored, with what other editors saved meanwhile. A change to
something another editor changed since it was shown is a conflict, said beside the field with
both values in words (:func:`~audit_lib.workbook.feedback.conflict_html`), and nothing is
written over the other's.
Every error reaches the auditor beside the widget (:func:`~audit_lib.workbook.feedback.guarded`).

A new improvement or Ombudsman record is typed in a blank form and saved with its Add button (its
required fields go in together: one change, one line of history); an entry's findings and orders
are edited once it is added (:mod:`.annual_entries`). The panel is drawn when the auditor opens
it, and an entry's form when its Edit is clicked, so running the notebook stays quick.

This module holds the panel and its parts for the whole records (the governing body's response,
the MRC, "none this year", the analysis, the history); the entries' cards and forms are in
:mod:`.annual_entries`, the fields and rows they are made of in :mod:`.annual_fields`.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

import ipywidgets as w

from ..annual.completeness import Gap, completeness
from ..annual.records import NONE_PARTS, AnnualRecords, section_label
from ..annual.store import Conflict, RecordsStore, describe_value
from ..assessment.merge import quote_text
from ..errors import AuditError
from . import look
from .annual_entries import EntryCard, EntryForm, EntryList, entry_html
from .annual_fields import DONE, GOVERNING_FIELDS, KIND_WORDS, MEMBER_FIELDS, NOTE, Field, Fields, FieldSpec
from .feedback import conflict_html, error_html, guarded
from .history_panel import SHOWN_CHARS, Entry, HistoryPanel

#: How the panel names each part of 8.1 that may be confirmed as having nothing this year.
NONE_WORDS: dict[str, str] = {
    "ombudsman_findings": "(c) No findings of non-compliance by the Ombudsman this year (no determinations or "
                          "complaint handling failure orders)",
    "learning": "(d) No service improvements from learning from complaints this year",
    "performance_report": "(e) The Ombudsman published no annual performance report about us this year",
    "other_publications": "(f) No other reports or publications of the Ombudsman about us this year",
}
_TOP_LABELS = {"governing_body": "The governing body's response",
               "member_responsible": "The Member Responsible for Complaints",
               "qualitative_analysis": "The qualitative analysis"}


class WholeForm:
    """The governing body's response or the MRC: saved as a whole when the auditor leaves a field
    and every field is given; every field blank removes it."""

    def __init__(self, panel: AnnualRecordsPanel, name: str, specs: Sequence[FieldSpec], title: str) -> None:
        self.panel = panel
        self.name = name
        self.form = Fields(specs, guarded(self._leave, self._failed))
        self.stored: dict[str, Any] | None = None
        self.note = w.HTML(**look.of(w.HTML))
        self.note.add_class("chc-message")
        self.widget = w.VBox([w.HTML(f"<h4 style='margin:10px 0 4px 0;color:#1f4e79'>{html.escape(title)}</h4>",
                                     **look.of(w.HTML)),
                              *(f.box for f in self.form.fields.values()), self.note], **look.of(w.VBox, width="100%"))
        self.widget.add_class(f"chc-annual-{name.replace('_', '-')}")

    def _failed(self, exc: BaseException) -> None:
        self.note.value = error_html(exc)
        self.form.show(self.stored)

    def show(self, value: Mapping[str, Any] | None) -> None:
        self.stored = dict(value) if value is not None else None
        self.form.show(self.stored)

    def _leave(self, field: Field) -> None:
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
            self.note.value = NOTE.format(html.escape(f"Not saved yet: give the {', '.join(missing)}; it is saved "
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
        self.note.value = conflict_html(result) if isinstance(result, Conflict) else DONE.format(
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
            tick = w.Checkbox(value=False, description=NONE_WORDS[part], indent=False,
                              **look.of(w.Checkbox, width="100%"))
            tick.add_class(f"chc-annual-none-{part}")
            note = w.HTML(**look.of(w.HTML))
            tick.observe(guarded(partial(self._ticked, part), partial(self._failed, part)), names="value")
            self.ticks[part], self.notes[part] = tick, note
            rows.append(w.VBox([tick, note], **look.of(w.VBox, width="100%")))
        self.widget = w.VBox([w.HTML("<h4 style='margin:10px 0 4px 0;color:#1f4e79'>None this year</h4>"
                                     "<div style='font-size:12px;color:#57606a'>Tick a part that truly had nothing this "
                                     "year: an empty list could equally mean not recorded yet.</div>",
                                     **look.of(w.HTML)), *rows],
                             **look.of(w.VBox, width="100%"))
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
                               **look.of(w.Textarea, width="100%", height="140px"))
        self.text.add_class("chc-annual-field-qualitative_analysis")
        self.text.observe(guarded(lambda ch: self._leave(ch["new"]), self._failed), names="value")
        self.start = w.Button(description="Start from the sentences written from the data", icon="pencil",
                              **look.of(w.Button, width="auto", display=look.SHOWN if suggest is not None else
                                        look.HIDDEN))
        self.start.add_class("chc-annual-suggest")
        self.start.on_click(guarded(lambda _: self._start(), self._failed))
        self.note = w.HTML(**look.of(w.HTML))
        self.widget = w.VBox([w.HTML("<h4 style='margin:10px 0 4px 0;color:#1f4e79'>Qualitative analysis (8.1 b)</h4>"
                                     "<div style='font-size:12px;color:#57606a'>Shown in the report in place of the "
                                     "sentences written from the data.</div>", **look.of(w.HTML)), self.text,
                              self.start, self.note],
                             **look.of(w.VBox, width="100%"))
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
            self.note.value = NOTE.format("The box already holds your analysis: empty it (and leave it) first to "
                                           "start again from the sentences written from the data.")
            return
        sentences = self.suggest()
        if not sentences.strip():
            self.note.value = NOTE.format("There are no sentences written from the data for this period.")
            return
        self.text.value = sentences  # saved as if typed: the auditor's text from now on

    def _leave(self, value: str) -> None:
        if self.quiet:
            return
        result = self.panel.need_store().set_qualitative_analysis(value.strip() or None, expected=self.shown)
        if isinstance(result, Conflict):
            self.note.value = conflict_html(result)
        else:
            self.note.value = DONE.format("Saved." if value.strip() else "Removed: the report shows the sentences "
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
        self.gaps = w.HTML(**look.of(w.HTML))
        self.gaps.add_class("chc-annual-gaps-box")
        self.message = w.HTML(**look.of(w.HTML))
        self.widget = w.Accordion(children=[w.HTML("Open this part to record the annual report's learning, the "
                                                   "Ombudsman's findings and the governing body's response.",
                                                   **look.of(w.HTML))], **look.of(w.Accordion))
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
            self.widget.children = [w.HTML(message, **look.of(w.HTML))]

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
                                        self.analysis.widget, self.history.widget],
                                       **look.of(w.VBox, width="100%"))]
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
        entries.note.value = DONE.format(html.escape(f"Added {section_label(section)} {item_id}.{more}"))

    def close_new(self, section: str) -> None:
        (self.learning if section == "learning" else self.ombudsman).close_new()


__all__ = ["AnnualRecordsPanel", "EntryCard", "EntryForm", "describe_annual_entry", "entry_html", "gaps_html"]
