"""The interactive workbook's forms (ipywidgets), built from the catalogue and the answer store.

Widget state is never the source of truth: every form is built from
:class:`~audit_lib.assessment.store.AnswerStore`, every change is saved to it at once, and a conflict
or an error shows beside the provision and puts the stored value back in the widget.
Sections are built one at a time, when the auditor opens them.

Beside each answer the form shows its findings (where the case data or the evidence questions
it), taken from the page (:class:`~audit_lib.workbook.provision_card.PageData`) after every
save, each kind of finding with a box for the auditor's response. An evidence item's reference
offers the evidence register's document ids (typing anything else is still allowed).

Under any Code version: a provision's tier (the 2022 Code's "Must" / "Should") is a word beside
its number and a section's subsections (Stage 1, 2, 3) are sub-headings; a question asking for a
figure or a written answer (the 2020 Code's) has a value field in place of the status, saved when
the auditor leaves it, with N/A still available and, where the case log gives one, the proposed
answer and a button to use it (the auditor confirms it: the history records the auditor's
change). A draft carried across Code versions says where it came from, and a provision new in
this Code since the answers were carried from an older one says so.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from functools import partial
from typing import Any, cast

import ipywidgets as w

from ..assessment.actions import format_date, parse_due_date
from ..assessment.answers import SIGNERS, Answer, Assessment, SignOff, SignOffs, Status
from ..assessment.checks import answer_flags
from ..assessment.merge import item_key
from ..assessment.progress import progress
from ..assessment.signoff import ROLES, SIGNED_BY, SignatureFacts, describe_override, describe_signature
from ..assessment.store import AnswerStore, Conflict, Saved
from ..code.catalogue import Catalogue, Provision, Section
from ..errors import ApprovalIncompleteError, AuditError, FindingsUnansweredError, SignOffError, SignOffReplaceError
from ..findings.model import Finding
from . import look
from .feedback import ERROR_STYLE, conflict_html, error_html, guarded, redraw_error_html
from .history_panel import HistoryPanel, for_provision
from .provision_card import CodeNotes, NoCodeNotes, NoPageData, PageData, ProvisionCard
from .views import TIER_WORDS, TIERS_HEADING, carried_lines

STATUS_OPTIONS = [("— not assessed —", ""), *[(s.value, s.value) for s in Status]]
#: The list fields this form edits row by row (the store also merges responses to findings item by item).
LIST_FIELDS = ("evidence", "actions")


def _flags_html(answer: Answer, as_of: dt.date | None = None, provision: Provision | None = None) -> str:
    """The review flags beside the provision (a draft carried across Code versions says it is
    unconfirmed in its carried lines, :func:`_carried_html`)."""
    hidden = {"unanswered", "unconfirmed"} if answer.carried and not answer.confirmed else {"unanswered"}
    flags = [f for f in answer_flags(answer, as_of, provision=provision) if f.code not in hidden]
    return "".join(f'<div class="flag" data-code="{html.escape(f.code)}" style="color:#9a3412">&#9888; '
                   f"{html.escape(f.message)}</div>" for f in flags)


def _carried_html(answer: Answer) -> str:
    """Where a draft carried across Code versions came from, one line per older provision: in full
    until the answer is confirmed, then a quieter line."""
    style = ("font-size:12px;color:#6b7280" if answer.confirmed
             else "font-size:12px;color:#1e3a5f;border-left:3px solid #1e3a5f;padding-left:6px;margin:2px 0")
    css = "chc-carried confirmed" if answer.confirmed else "chc-carried"
    return "".join(f'<div class="{css}" style="{style}">{html.escape(line)}</div>' for line in carried_lines(answer))


_TIER_STYLE = {"must": "border:2px solid #1f4e79;font-weight:700;background:#eef3f8",
               "should": "border:1px dashed #1f4e79;font-weight:600"}


def _tier_html(provision: Provision) -> str:
    """The provision's tier as a word in a badge (solid for must, dashed for should), or nothing."""
    if provision.tier is None:
        return ""
    return (f' <span class="chc-tier {provision.tier}" style="{_TIER_STYLE[provision.tier]};color:#1f4e79;'
            f'padding:0 6px;border-radius:4px;font-size:11px">{TIER_WORDS[provision.tier]}</span>')


Item = dict[str, Any]
_NOTE = '<span style="color:#7f1d1d;font-size:12px">{}</span>'
_DONE = '<span class="chc-saved" style="color:#14532d;font-size:12px">{}</span>'  # a save confirmed


class _Row:
    """One evidence item or action: a few widgets, a remove button and a note beside them.

    ``item`` is the item as saved when the row last showed or saved it (``None`` for a row not
    saved yet); rows are matched to the stored list by it, so a row the auditor is working in is
    kept as it is when another editor's items are merged in around it. ``shown`` gives the
    widgets' values that show an item: a row whose widgets still show its item is untouched,
    and an item saved is shown as stored (a date as DD/MM/YYYY).
    """

    def __init__(self, fields: dict[str, w.Widget], item: Item | None, shown: Callable[[Item | None], dict[str, Any]],
                 on_edit: Callable[[], None], on_remove: Callable[[_Row], None]) -> None:
        self.fields = fields
        self.item = item
        self._shown = shown
        self.note = w.HTML(**look.of(w.HTML))
        self.remove = w.Button(description="Remove", button_style="", **look.of(w.Button, width="80px"))
        self.remove.on_click(lambda _: on_remove(self))
        for widget in fields.values():
            widget.observe(lambda _: on_edit(), names="value")
        self.box = w.HBox([*fields.values(), self.remove, self.note], **look.of(w.HBox))

    def value(self, name: str) -> Any:
        return self.fields[name].value

    def shows(self, item: Item) -> bool:
        """Whether the widgets show ``item`` as the form shows it (nothing typed in them since)."""
        return all(self.fields[name].value == value for name, value in self._shown(item).items())

    def show(self, item: Item) -> None:
        """Put ``item`` in the widgets as the form shows it."""
        for name, value in self._shown(item).items():
            if self.fields[name].value != value:
                self.fields[name].value = value

    def set_disabled(self, disabled: bool) -> None:
        for widget in [*self.fields.values(), self.remove]:
            widget.disabled = disabled

    def say(self, text: str) -> None:
        """A note beside the row (blank clears it)."""
        note = _NOTE.format(html.escape(text)) if text else ""
        if self.note.value != note:
            self.note.value = note


def _evidence_shown(item: Item | None) -> dict[str, Any]:
    """An evidence item as its row's widgets show it."""
    return {"description": item["description"] if item else "",
            "reference": (item.get("reference") or "") if item else ""}


def _action_shown(item: Item | None) -> dict[str, Any]:
    """An action as its row's widgets show it: the due date as DD/MM/YYYY."""
    due = dt.date.fromisoformat(str(item["due"])) if item and item.get("due") else None
    return {"text": item["text"] if item else "", "owner": (item.get("owner") or "") if item else "",
            "due": format_date(due) if due else "", "done": bool(item and item.get("done"))}


REFERENCE_PLACEHOLDER = "Document: register id or link"


def _evidence_row(item: Item | None, on_edit: Callable[[], None], on_remove: Callable[[_Row], None],
                  documents: Sequence[str] = ()) -> _Row:
    """An evidence row: what the evidence is, and its reference, which offers the register's
    document ids (``documents``) while still taking any text (a link, a reference to correct)."""
    shown = _evidence_shown(item)
    return _Row(
        {
            "description": w.Text(value=shown["description"], placeholder="Evidence: what it is",
                                  continuous_update=False, **look.of(w.Text, width="50%")),
            "reference": w.Combobox(value=shown["reference"], options=tuple(documents), ensure_option=False,
                                    placeholder=REFERENCE_PLACEHOLDER, continuous_update=False,
                                    **look.of(w.Combobox, width="30%")),
        },
        item, _evidence_shown, on_edit, on_remove,
    )


def _action_row(item: Item | None, on_edit: Callable[[], None], on_remove: Callable[[_Row], None]) -> _Row:
    shown = _action_shown(item)
    return _Row(
        {
            "text": w.Text(value=shown["text"], placeholder="Action", continuous_update=False,
                           **look.of(w.Text, width="34%")),
            "owner": w.Text(value=shown["owner"], placeholder="Owner", continuous_update=False,
                            **look.of(w.Text, width="18%")),
            # typed, and read when the auditor leaves the field (a date input would send every keystroke)
            "due": w.Text(value=shown["due"], placeholder="DD/MM/YYYY", description="Due",
                          continuous_update=False, **look.of(w.Text, {"description_width": "30px"}, width="150px")),
            "done": w.Checkbox(value=shown["done"], description="Done", indent=False,
                               **look.of(w.Checkbox, width="60px")),
        },
        item, _action_shown, on_edit, on_remove,
    )


_SEVERITY_STYLE = {"contradicted": "color:#7f1d1d;background:#fbd5d5;border:2px solid #7f1d1d",
                   "caution": "color:#713f12;background:#fff1c2;border:1px dashed #713f12",
                   "evidence": "color:#1e3a5f;background:#e0e7ef;border:1px dotted #1e3a5f"}


def _findings_html(findings: Sequence[Finding]) -> str:
    """Findings of one kind as a list: the severity as a word (and a colour), then the message."""
    items = "".join(
        f'<li class="finding {f.severity.value}" data-code="{html.escape(f.code.value)}" style="margin:2px 0">'
        f'<span class="severity {f.severity.value}" style="{_SEVERITY_STYLE.get(f.severity.value, "")};'
        f'padding:0 5px;border-radius:4px;font-size:12px;font-weight:600">{html.escape(f.severity.label)}</span> '
        f"{html.escape(f.message)}</li>"
        for f in findings
    )
    return f'<ul class="chc-finding-list" style="list-style:none;padding-left:0;margin:4px 0 2px 0">{items}</ul>'


class _FindingBox:
    """The findings of one kind (one code) on a provision, and the auditor's response to them:
    one response per code, as the answers file keeps it, saved when the auditor leaves the box."""

    def __init__(self, code: str, on_leave: Callable[[_FindingBox], None]) -> None:
        self.code = code
        self.findings: tuple[Finding, ...] = ()
        self.text = w.HTML(**look.of(w.HTML, width="100%"))
        self.response = w.Textarea(placeholder="Your response: why the answer stands, or what is being done",
                                   description="Your response", continuous_update=False,
                                   **look.of(w.Textarea, {"description_width": "100px"}, width="100%", height="48px"))
        self.response.observe(lambda _: on_leave(self), names="value")
        self.note = w.HTML(**look.of(w.HTML))
        self.box = w.VBox([self.text, self.response, self.note], **look.of(w.VBox, width="100%"))
        self.box.add_class("chc-finding")
        self.box.add_class(f"chc-finding-{code}")

    def show(self, findings: Sequence[Finding]) -> None:
        if tuple(findings) != self.findings:
            self.findings = tuple(findings)
            outdated = ('<div class="chc-response-outdated" style="color:#7f1d1d">&#9888; Your response was given when '
                        "the figures were different: read it again and leave the box to save it for these.</div>"
                        if any(f.response_outdated for f in findings) else "")
            needed = ('<div class="chc-response-needed" style="color:#7f1d1d">&#9888; No response recorded: one is '
                      "needed before the assessment can be approved.</div>"
                      if any(f.unanswered_contradiction and not f.response for f in findings) else "")
            self.text.value = _findings_html(findings) + outdated + needed

    def say(self, text: str, done: bool = False) -> None:
        note = (_DONE if done else _NOTE).format(html.escape(text)) if text else ""
        if self.note.value != note:
            self.note.value = note


class ProvisionForm:
    """Status, evidence, commentary and actions of one provision, each saved when the auditor
    leaves the field (a choice or a tick at once); its findings, each kind with the auditor's
    response, saved the same way.

    After every save the form shows the provision as stored, so what it last showed is what the
    next change is compared with: another editor's change is shown, merged or, where both changed
    the same thing, reported as a conflict beside the provision, never silently written over.
    A field's conflict stays shown (it may be the only copy of what the auditor typed) until that
    field is saved again or the auditor dismisses it. Every error of a callback is shown beside
    the provision, never only in the kernel's log; an error redrawing the rest of the page after
    a save is told as that, not as the save failing. Actions are flagged as at ``as_of``
    (default today).
    """

    def __init__(self, provision: Provision, store: AnswerStore, figures: list[str],
                 on_saved: Callable[[], None] = lambda: None, as_of: dt.date | None = None,
                 page: PageData | None = None, notes: CodeNotes | None = None) -> None:
        self.provision = provision
        self.store = store
        self.on_saved = on_saved
        self.as_of = as_of
        self.page: PageData = page if page is not None else NoPageData()
        self.notes: CodeNotes = notes if notes is not None else NoCodeNotes()
        #: Whether the provision asks for a figure or a written answer (the value field) rather than a status.
        self.asks_value = provision.asks_for_value
        #: The answer the case log proposes (computed once per workbook), or ``None``.
        self.proposal = self.notes.proposal_for(provision) if self.asks_value else None
        self.finding_boxes: dict[str, _FindingBox] = {}  # by finding code, in the order shown
        self.findings = w.VBox(**look.of(w.VBox, width="100%"))
        self.findings.add_class("chc-findings")
        self._findings_problem = w.HTML(**look.of(w.HTML))
        self._findings_head = w.HTML(
            '<b>Findings</b> <span style="font-size:12px;color:#57606a">where the case data or the evidence questions '
            "this answer. The finding stands; write your response to each (the report shows it beside the "
            "finding).</span>", **look.of(w.HTML))
        self._quiet = False  # True while the form itself sets widget values
        answer = store.answer(provision.id)
        self._shown: dict[str, Any] = {}
        self._conflicts: dict[str, Conflict] = {}  # by field: its last conflict, shown until the field is saved
        self._note = ""  # the last save's error, if any

        self.status = w.Dropdown(options=STATUS_OPTIONS, value=answer.status.value if answer.status else "",
                                 description="Comply", **look.of(w.Dropdown, width="260px"))
        self.status.observe(self._guard(lambda ch: self._save("status", ch["new"] or None)), names="value")
        # A question asking for a figure (or a written answer): a value field, saved when the auditor
        # leaves it, and N/A as a tick (the status it saves); the status dropdown is shown only to
        # take away a Yes, Partial or No given to the question (a file edited by hand).
        if provision.answer == "text":
            self.value_field: w.Text | w.Textarea = w.Textarea(
                value=answer.value or "", placeholder="Your answer", description="Answer", continuous_update=False,
                **look.of(w.Textarea, {"description_width": "60px"}, width="100%", height="70px"))
        else:
            self.value_field = w.Text(value=answer.value or "", placeholder="The figure, e.g. 87.5%",
                                      description="Answer", continuous_update=False,
                                      **look.of(w.Text, {"description_width": "60px"}, width="360px"))
        self.value_field.add_class("chc-value")
        self.value_field.observe(self._guard(lambda ch: self._save("value", ch["new"].strip() or None)), names="value")
        self.not_applicable = w.Checkbox(value=answer.status is Status.NA, description="N/A (not applicable)",
                                         indent=False, **look.of(w.Checkbox, width="200px"))
        self.not_applicable.observe(self._guard(lambda ch: self._save("status", Status.NA.value if ch["new"] else None)),
                                    names="value")
        self.proposal_note = w.HTML(**look.of(w.HTML))
        self.proposal_note.add_class("chc-proposal")
        self.use_proposal = w.Button(description="Use this figure" if provision.answer == "figure" else "Use this answer",
                                     tooltip="Save the case log's proposed answer as yours",
                                     **look.of(w.Button, width="auto"))
        self.use_proposal.add_class("chc-use-proposal")
        self.use_proposal.on_click(self._guard(lambda _: self._use_proposal()))
        self.carried = w.HTML(_carried_html(answer), **look.of(w.HTML))
        self.carried.add_class("chc-carried-from")
        self.new_note = w.HTML(**look.of(w.HTML))
        self.new_note.add_class("chc-new-provision")
        self.commentary = w.Textarea(value=answer.commentary, placeholder="Commentary / explanation",
                                     continuous_update=False, **look.of(w.Textarea, width="100%", height="70px"))
        self.commentary.observe(self._guard(lambda ch: self._save("commentary", ch["new"])), names="value")
        self.evidence_rows: list[_Row] = []
        self.evidence_box = w.VBox(**look.of(w.VBox))
        self.add_evidence = w.Button(description="Add evidence", icon="plus", **look.of(w.Button))
        self.add_evidence.on_click(self._guard(lambda _: self._add_row("evidence")))
        self.action_rows: list[_Row] = []
        self.actions_box = w.VBox(**look.of(w.VBox))
        self.add_action = w.Button(description="Add action", icon="plus", **look.of(w.Button))
        self.add_action.on_click(self._guard(lambda _: self._add_row("actions")))
        self.confirm = w.Button(description="Confirm carried-forward answer", button_style="warning",
                                **look.of(w.Button, width="260px", display=look.SHOWN if not answer.confirmed else
                                          look.HIDDEN))
        self.confirm.on_click(self._guard(lambda _: self._save("confirmed", True)))
        self.flags = w.HTML(_flags_html(answer, as_of, provision), **look.of(w.HTML))
        self.message = w.HTML(**look.of(w.HTML))
        self.message.add_class("chc-message")
        self.dismiss = w.Button(description="Dismiss conflicts", tooltip="Hide the conflicts shown above",
                                **look.of(w.Button, width="auto", display=look.HIDDEN))
        self.dismiss.add_class("chc-dismiss")
        self.dismiss.on_click(self._guard(lambda _: self._dismiss()))
        self._remember(answer)
        for field in LIST_FIELDS:
            self._show_list(field, self._shown[field])
        self.show_findings()
        self._show_versions(answer)

        text = html.escape(provision.text).replace("\n", "<br>")
        figure_html = "".join(f"<li>{html.escape(f)}</li>" for f in figures)
        header = w.HTML(
            f'<div id="provision-{provision.number}"><b>{provision.number}</b>{_tier_html(provision)} {text}'
            + (f'<div style="background:#eef6ff;border-left:3px solid #1f4e79;padding:2px 8px;margin-top:4px;'
               f'font-size:12px"><b>Case data:</b><ul style="margin:0">{figure_html}</ul></div>' if figures else "")
            + "</div>",
            **look.of(w.HTML, width="100%"),
        )
        if self.asks_value:
            # the status only while one other than N/A is stored (flagged): to take it away
            answer_rows: list[w.Widget] = [self.value_field, w.HBox([self.not_applicable, self.status, self.confirm],
                                                                    **look.of(w.HBox))]
            if self.proposal is not None:
                answer_rows.append(w.HBox([self.proposal_note, self.use_proposal], **look.of(w.HBox)))
        else:
            answer_rows = [w.HBox([self.status, self.confirm], **look.of(w.HBox))]
        self.widget = w.VBox(
            [
                header,
                *answer_rows,
                self.carried,
                self.new_note,
                self.flags,
                self.findings,
                w.HTML("<b>Evidence</b>", **look.of(w.HTML)), self.evidence_box, self.add_evidence,
                self.commentary,
                w.HTML("<b>Actions</b>", **look.of(w.HTML)), self.actions_box, self.add_action,
                self.message, self.dismiss,
            ],
            **look.of(w.VBox, border="1px solid #c9d1d9", padding="6px", margin="0 0 8px 0", width="100%"),
        )
        self.widget.add_class("chc-provision")
        self.widget.add_class(f"chc-provision-{provision.number.replace('.', '-')}")
        self.set_disabled(store.read_only)

    # -- state -------------------------------------------------------------------------------
    def _guard(self, callback: Callable[..., Any]) -> Callable[..., None]:
        """``callback`` with any error shown beside the provision, and the stored answer shown again."""
        return guarded(callback, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self._note = error_html(exc)
        self._say()
        self.show(self.store.answer(self.provision.id), reset=True)

    def _say(self) -> None:
        """The message beside the provision: the last save's error, then each field's conflict."""
        self.message.value = self._note + "".join(conflict_html(c) for c in self._conflicts.values())
        look.show(self.dismiss, bool(self._conflicts))

    def _dismiss(self) -> None:
        self._conflicts.clear()
        self._say()

    @property
    def conflicts(self) -> dict[str, Conflict]:
        """The conflicts shown beside the provision, by field."""
        return dict(self._conflicts)

    def _remember(self, answer: Answer) -> None:
        self._shown = {
            "status": answer.status.value if answer.status else None,
            "value": answer.value,
            "commentary": answer.commentary,
            "evidence": [e.model_dump(mode="json") for e in answer.evidence],
            "actions": [a.model_dump(mode="json") for a in answer.actions],
            "responses": [r.model_dump(mode="json") for r in answer.responses],
            "confirmed": answer.confirmed,
        }

    def _rows(self, field: str) -> list[_Row]:
        return self.evidence_rows if field == "evidence" else self.action_rows

    def _new_row(self, field: str, item: Item | None) -> _Row:
        on_edit, on_remove = self._guard(lambda: self._save_list(field)), self._guard(self._remove_row)
        if field == "evidence":
            row = _evidence_row(item, on_edit, on_remove, self.page.document_ids())
        else:
            row = _action_row(item, on_edit, on_remove)
        row.set_disabled(self.store.read_only)
        return row

    def _show_list(self, field: str, stored: list[Item], reset: bool = False) -> None:
        """Make the rows show ``stored``: rows already showing a stored item are kept as they are
        (with anything being typed in them, unless ``reset``), rows for items new to this form are
        added in their place, rows of items no longer stored are dropped; rows not saved yet stay
        at the end."""
        rows = self._rows(field)
        kept = [] if reset else [r for r in rows if r.item is not None]
        pending = [r for r in rows if r.item is None]
        matcher = SequenceMatcher(a=[item_key(r.item) for r in kept if r.item is not None],
                                  b=[item_key(i) for i in stored], autojunk=False)
        shown: list[_Row] = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            shown += kept[i1:i2] if tag == "equal" else [self._new_row(field, item) for item in stored[j1:j2]]
        shown += pending
        if shown != rows:
            rows[:] = shown
            box = self.evidence_box if field == "evidence" else self.actions_box
            box.children = [r.box for r in shown]

    def show(self, answer: Answer, reset: bool = False) -> None:
        """Show the stored answer (another editor's changes included) without saving anything;
        ``reset`` also puts back the stored value of rows being edited."""
        self._quiet = True
        try:
            status = answer.status.value if answer.status else ""
            if self.status.value != status:
                self.status.value = status
            if self.commentary.value != answer.commentary:
                self.commentary.value = answer.commentary
            if self.value_field.value != (answer.value or ""):
                self.value_field.value = answer.value or ""
            if self.not_applicable.value != (answer.status is Status.NA):
                self.not_applicable.value = answer.status is Status.NA
            self._remember(answer)
            for field in LIST_FIELDS:
                self._show_list(field, self._shown[field], reset)
            look.show(self.confirm, not answer.confirmed)
        finally:
            self._quiet = False
        self.flags.value = _flags_html(answer, self.as_of, self.provision)
        self._show_versions(answer)
        self.show_findings()
        self.set_disabled(self.store.read_only)

    # -- Code versions -------------------------------------------------------------------------
    def _show_versions(self, answer: Answer) -> None:
        """The proposed answer (and whether the answer is it), where a carried draft came from, and
        whether the provision is new in this Code, as ``answer`` and the workbook now have them."""
        if self.asks_value:
            look.show(self.status, answer.status not in (None, Status.NA))
        proposal = self.proposal
        if proposal is not None:
            used = answer.value is not None and answer.value == proposal.value
            words = ("Your answer is the case log's" if used else "Proposed from the case log")
            note = (f'<span style="font-size:12px">{words}: <b>{html.escape(proposal.value)}</b> — '
                    f"{html.escape(proposal.basis)}</span>")
            if self.proposal_note.value != note:
                self.proposal_note.value = note
            look.show(self.use_proposal, not used)
        carried = _carried_html(answer)
        if self.carried.value != carried:
            self.carried.value = carried
        self._show_new()

    def _show_new(self) -> None:
        new = self.notes.new_in_code(self.provision)
        note = ("" if new is None else
                f'<div class="flag" data-code="new-in-code" style="color:#1e3a5f">&#9733; {html.escape(new.words)}</div>')
        if self.new_note.value != note:
            self.new_note.value = note

    def _use_proposal(self) -> None:
        """Save the case log's proposed answer as the auditor's (their change, in their name)."""
        if self.proposal is not None:
            self._save("value", self.proposal.value)

    # -- findings and the register ------------------------------------------------------------
    def _response(self, code: str) -> str:
        """The stored response to the findings of ``code`` (as this form last saw it), or ``""``."""
        return next((str(r["text"]) for r in self._shown["responses"] if r["code"] == code), "")

    def show_findings(self) -> None:
        """The provision's findings as the page now has them, grouped by kind with a response box
        for each; boxes of kinds still found are kept as they are (nothing rebuilt under the
        auditor's cursor), and each shows the stored response."""
        grouped: dict[str, list[Finding]] = {}
        for finding in self.page.findings(self.provision.id):
            grouped.setdefault(finding.code.value, []).append(finding)
        boxes: dict[str, _FindingBox] = {}
        quiet, self._quiet = self._quiet, True
        try:
            for code, found in grouped.items():
                box = self.finding_boxes.get(code) or _FindingBox(code, self._guard(self._save_response))
                box.show(found)
                stored = self._response(code)
                if box.response.value != stored:
                    box.response.value = stored
                box.response.disabled = self.store.read_only
                boxes[code] = box
        finally:
            self._quiet = quiet
        self.finding_boxes = boxes
        problem = self.page.problem
        note = (f'<div class="chc-error" style="{ERROR_STYLE}">The findings could not be worked out: '
                f"{html.escape(problem)}</div>" if problem else "")
        if self._findings_problem.value != note:
            self._findings_problem.value = note
        children = ((self._findings_problem,) if problem else ()) + ((self._findings_head,) if boxes else ()) + tuple(
            box.box for box in boxes.values())
        if children != tuple(self.findings.children):
            self.findings.children = children

    def refresh_page(self) -> None:
        """After any change on the page: the findings, and the register's ids offered in each
        evidence reference (a document just added to the register among them)."""
        documents = tuple(self.page.document_ids())
        for row in self.evidence_rows:
            reference = row.fields["reference"]
            if isinstance(reference, w.Combobox) and reference.options != documents:
                reference.options = documents
        self._show_new()
        self.show_findings()

    def _save_response(self, box: _FindingBox) -> None:
        """Save the response in ``box``: the provision's whole list of responses, this code's
        replaced (a blank box removes it), the others as stored; a conflict or error is said
        beside the box and below the form."""
        if self._quiet:
            return
        text = box.response.value.strip()
        responses = [dict(r) for r in self._shown["responses"]]
        place = next((i for i, r in enumerate(responses) if r["code"] == box.code), len(responses))
        kept = [r for r in responses if r["code"] != box.code]
        if text:  # with the figures it answers, so a response to other figures is read again
            figures = box.findings[0].figures if box.findings else {}
            kept.insert(min(place, len(kept)), {"code": box.code, "text": text, "figures": dict(figures)})
        self._save("responses", kept)
        if "responses" in self._conflicts:
            box.say("Not saved: see the conflict below.")
        elif self._note:
            box.say("Not saved: see the message below.")
        else:
            box.say("Saved." if text else "Response removed.", done=True)

    def set_disabled(self, disabled: bool) -> None:
        for widget in (self.status, self.commentary, self.add_evidence, self.add_action, self.confirm,
                       self.value_field, self.not_applicable, self.use_proposal):
            widget.disabled = disabled
        for row in [*self.evidence_rows, *self.action_rows]:
            row.set_disabled(disabled)
        for box in self.finding_boxes.values():
            box.response.disabled = disabled

    # -- saving ------------------------------------------------------------------------------
    @staticmethod
    def _evidence_item(row: _Row) -> tuple[Item | None, str]:
        description, reference = row.value("description").strip(), row.value("reference").strip()
        if description:
            return {"description": description, "reference": reference or None}, ""
        if row.item is not None:
            return None, "Not saved: evidence needs a description (Remove deletes the item)."
        return None, "Not saved yet: give the evidence a description." if reference else ""

    @staticmethod
    def _action_item(row: _Row) -> tuple[Item | None, str]:
        text, owner = row.value("text").strip(), row.value("owner").strip()
        try:
            due = parse_due_date(row.value("due"))
        except ValueError as exc:
            return None, f"Not saved: {exc}."
        if text:
            return {"text": text, "owner": owner or None, "due": due.isoformat() if due else None,
                    "done": bool(row.value("done"))}, ""
        if row.item is not None:
            return None, "Not saved: an action needs its text (Remove deletes the action)."
        if owner or due or row.value("done"):
            return None, "Not saved yet: type what the action is; the owner and date are saved with it."
        return None, ""

    def _save_list(self, field: str) -> None:
        """Save the rows of ``field``. A row whose widgets still show its stored item sends that
        item as stored; a row edited sends what its widgets hold, tidied; a row that cannot be
        saved says why beside it and is left out (a row not saved yet) or saved as it was (a saved
        row being corrected)."""
        if self._quiet:
            return
        read = self._evidence_item if field == "evidence" else self._action_item
        items: list[tuple[_Row, Item | None]] = []
        for row in self._rows(field):
            item: Item | None
            if row.item is not None and row.shows(row.item):
                item, note = row.item, ""
            else:
                item, note = read(row)
            row.say(note)
            items.append((row, row.item if item is None else item))
        self._save(field, [item for _, item in items if item is not None], items)

    def _add_row(self, field: str) -> None:
        row = self._new_row(field, None)
        self._rows(field).append(row)
        box = self.evidence_box if field == "evidence" else self.actions_box
        box.children = [*box.children, row.box]

    def _remove_row(self, row: _Row) -> None:
        field = "evidence" if row in self.evidence_rows else "actions"
        rows = self._rows(field)
        rows.remove(row)
        box = self.evidence_box if field == "evidence" else self.actions_box
        box.children = [r.box for r in rows]
        if row.item is not None:
            self._save_list(field)

    def _save(self, field: str, value: Any, rows: list[tuple[_Row, Item | None]] | None = None) -> None:
        if self._quiet:
            return
        try:
            result = self.store.change(self.provision.id, field, value, expected=self._shown[field])
        except AuditError as exc:  # bad input: one clear message, the stored answer shown again
            self._failed(exc)
            return
        restored: list[_Row] = []  # rows to show as stored
        if isinstance(result, Conflict):
            self._conflicts[field] = result
            for row, item in rows or []:
                if row.item is None and item is not None:  # typed, sent and not saved: the conflict has it
                    row.say("Not saved: see the conflict below.")
        else:
            self._conflicts.pop(field, None)
            for row, item in rows or []:
                if item is not None and not row.note.value:  # (a row being corrected stays as typed)
                    row.item = item  # these rows now show what is saved (a row not saved stays unsaved)
                    restored.append(row)
        self._note = ""
        self._say()
        self.show(self.store.answer(self.provision.id))
        if isinstance(result, Conflict):  # the stored items back in their rows (the conflict has the auditor's)
            restored = [row for row, _ in rows or [] if row.item is not None]
        self._quiet = True
        try:
            for row in restored:
                if row.item is not None and row in self._rows(field):
                    row.show(row.item)  # as stored: tidied, a date as DD/MM/YYYY
                    row.say("")
        finally:
            self._quiet = False
        self._redraw(saved=isinstance(result, Saved))

    def _redraw(self, saved: bool) -> None:
        """The rest of the page after a change (``on_saved``); an error there is told as such, after
        the save's own message: the change is saved (or not) whatever happens to the page."""
        try:
            self.on_saved()
        except Exception as exc:  # never only in the kernel's log, and never as "Not saved"
            self.message.value += redraw_error_html(exc, saved)


class ProgressPanel:
    """Answered / total and counts by status, per section and overall, kept up to date; while any
    carried-forward answer is not yet confirmed, how many, per section and overall."""

    def __init__(self, store: AnswerStore, catalogue: Catalogue) -> None:
        self.store = store
        self.catalogue = catalogue
        self.widget = w.HTML(**look.of(w.HTML))
        self.widget.add_class("chc-progress")
        self.refresh()

    def refresh(self) -> None:
        a = self.store.assessment
        rows = []
        for section in self.catalogue.sections:
            p = progress(a, self.catalogue.provisions_in(section.number))
            rows.append((f"{section.number}. {section.title}", p))
        total = progress(a, self.catalogue.provisions)
        drafts = total.unconfirmed > 0
        cells = "".join(
            f"<tr><td>{html.escape(label)}</td><td>{p.answered} / {p.total}</td>"
            + "".join(f"<td>{p.counts.get(kind, 0)}</td>" for kind in total.counts)
            + (f"<td>{p.unconfirmed}</td>" if drafts else "") + "</tr>"
            for label, p in [*rows, ("All sections", total)]
        )
        heads = "".join(f"<th>{s}</th>" for s in total.counts) + ("<th>Unconfirmed</th>" if drafts else "")
        unconfirmed = f", {total.unconfirmed} carried forward and not yet confirmed" if drafts else ""
        self.widget.value = (
            f'<div class="chc"><b>Progress: {total.answered} of {total.total} provisions answered{unconfirmed}</b> '
            f"({html.escape(a.state)})<table><thead><tr><th>Section</th><th>Answered</th>{heads}</tr></thead>"
            f"<tbody>{cells}</tbody></table></div>"
        )


class SectionPanel:
    """A Code section as a collapsed panel, drawn when the auditor opens it.

    Each provision is first a card (:class:`~audit_lib.workbook.provision_card.ProvisionCard`:
    its answer drawn as HTML, and an Edit button); Edit puts the provision's form, with its
    history panel, in the card's place. While any answer in the section is carried forward and
    not yet confirmed, a button confirms them all at once (one save, one history entry per answer).

    Under a tiered Code (2022) the panel opens with "Mandatory 'must' and best practice 'should'
    requirements"; a section's subsections (Stage 1, 2, 3) are sub-headings between the cards.
    What the cards and forms show under the Code's version (proposed answers, provisions new in
    this Code) comes from ``notes`` (the workbook; settable until the section is opened).
    """

    def __init__(self, section: Section, provisions: tuple[Provision, ...], store: AnswerStore,
                 figures: dict[str, list[str]], on_saved: Callable[[], None], as_of: dt.date | None = None,
                 page: PageData | None = None, notes: CodeNotes | None = None) -> None:
        self.section = section
        self.provisions = provisions
        self.store = store
        self.figures = figures
        self.on_saved = on_saved
        self.as_of = as_of
        self.page: PageData = page if page is not None else NoPageData()
        self.notes: CodeNotes = notes if notes is not None else NoCodeNotes()
        self.cards: list[ProvisionCard] = []
        self.histories: dict[str, HistoryPanel] = {}
        self.confirm_all = w.Button(button_style="warning", **look.of(w.Button, width="auto", display=look.HIDDEN))
        self.confirm_all.add_class("chc-confirm-all")
        self.message = w.HTML(**look.of(w.HTML))
        self.confirm_all.on_click(guarded(lambda _: self._confirm_all(), self._show_error))
        self.widget = w.Accordion(children=[w.HTML("Open this section to assess it.", **look.of(w.HTML))],
                                  **look.of(w.Accordion))
        self.widget.set_title(0, f"Section {section.number}: {section.title}")
        self.widget.selected_index = None
        self.widget.add_class(f"chc-section-{section.number}")
        self.widget.observe(guarded(self._opened, self._show_error), names="selected_index")

    def _show_error(self, exc: BaseException) -> None:
        message = error_html(exc, "Not done")
        if self.cards:
            self.message.value = message
        else:  # the section could not be drawn: say so where its provisions would be
            self.widget.children = [w.HTML(message, **look.of(w.HTML))]

    @property
    def forms(self) -> list[ProvisionForm]:
        """The forms the auditor has opened (a provision's form is built when its Edit is clicked)."""
        return [card.form for card in self.cards if isinstance(card.form, ProvisionForm)]

    def _opened(self, change: dict[str, Any]) -> None:
        if change["new"] == 0 and not self.cards:
            self.build()

    def _form(self, provision: Provision) -> ProvisionForm:
        form = ProvisionForm(provision, self.store, self.figures.get(provision.number, []), self.on_saved,
                             as_of=self.as_of, page=self.page, notes=self.notes)
        number = provision.number
        history = HistoryPanel(self.store, f"History of {number}", for_provision(provision.id), number.replace(".", "-"))
        self.histories[number] = history
        form.widget.children = (*form.widget.children, history.widget)
        return form

    def build(self) -> None:
        """Draw this section's provisions as cards from the store (once)."""
        self.cards = [
            ProvisionCard(p, self.store, self.figures.get(p.number, []), partial(self._form, p), self.as_of,
                          self.page, self.notes)
            for p in self.provisions
        ]
        parts: list[w.Widget] = [w.HBox([self.confirm_all, self.message], **look.of(w.HBox))]
        if any(p.tier is not None for p in self.provisions):
            heading = w.HTML(f'<div style="font-weight:600;color:#1f4e79">{html.escape(TIERS_HEADING)}</div>',
                             **look.of(w.HTML))
            heading.add_class("chc-tiers-heading")
            parts.append(heading)
        previous = None
        for card in self.cards:
            subsection = card.provision.subsection
            if subsection is not None and subsection != previous:
                sub = w.HTML(f'<h4 style="margin:10px 0 4px 0;color:#1f4e79">{html.escape(subsection)}</h4>',
                             **look.of(w.HTML))
                sub.add_class("chc-subsection")
                parts.append(sub)
            previous = subsection
            parts.append(card.widget)
        self.widget.children = [w.VBox(parts, **look.of(w.VBox, width="100%"))]
        self.refresh()

    def open_forms(self) -> dict[str, ProvisionForm]:
        """Every provision's form, by number, as if the auditor had clicked each Edit."""
        if not self.cards:
            self.build()
        return {card.provision.number: cast(ProvisionForm, card.open()) for card in self.cards}

    def unconfirmed(self) -> list[str]:
        """The provisions of this section whose answer is carried forward and not yet confirmed."""
        answers = self.store.assessment.answers
        return [p.id for p in self.provisions if p.id in answers and not answers[p.id].confirmed]

    def refresh(self) -> None:
        """After any change: the cards, the open forms' findings and register ids, and the
        confirm-all button as the store now is, and open history panels read again."""
        waiting = self.unconfirmed()
        self.confirm_all.description = (f"Confirm all {len(waiting)} carried-forward answers in section "
                                        f"{self.section.number}")
        look.show(self.confirm_all, bool(waiting))
        self.confirm_all.disabled = self.store.read_only
        for card in self.cards:
            card.refresh()
        for form in self.forms:
            form.refresh_page()
        for history in self.histories.values():
            history.refresh()

    def _confirm_all(self) -> None:
        waiting = self.unconfirmed()
        try:
            self.store.confirm(waiting)
            self.message.value = ""
        except AuditError as exc:
            self.message.value = f'<div style="color:#7f1d1d">Not confirmed: {html.escape(str(exc))}</div>'
        for form in self.forms:
            if form.provision.id in waiting:
                form.show(self.store.answer(form.provision.id))
        self.on_saved()
        self.refresh()

    def set_disabled(self, disabled: bool) -> None:
        for form in self.forms:
            form.set_disabled(disabled)
        for card in self.cards:
            card.refresh()
        self.confirm_all.disabled = disabled


class SignOffPanel:
    """Preparer, reviewer and approver; the sign-off history; reopening with a reason.

    The signer is the user signed in (shown at the top, recorded with the signature); the name,
    job title and date typed describe the signature. Replacing a signature asks for a second
    click naming whom it replaces; an approval of an assessment that is not complete is refused
    with what is outstanding and a box for the reason to approve it anyway; an approval while a
    contradicted finding has no response is refused naming the provisions (a reason does not
    stand in for a response: the auditor responds in each provision's form). Reopening withdraws
    the review and the approval. Every refusal is a message in plain words below the panel.
    """

    def __init__(self, store: AnswerStore, on_change: Callable[[], None],
                 facts: Callable[[Assessment], SignatureFacts] | None = None) -> None:
        self.store = store
        self.on_change = on_change
        self.facts = facts  # the documents a signature records and the findings that refuse approval
        self.status = w.HTML(**look.of(w.HTML))
        self.message = w.HTML(**look.of(w.HTML))
        self.rows: dict[str, tuple[w.Text, w.Text, w.DatePicker, w.Button]] = {}
        self._replacing: dict[str, SignOff] = {}  # a replacement asked for, waiting for its confirming click
        #: The revision an approval was refused at over unanswered findings: the refusal is taken
        #: down once the answers change (a response saved), so it never says what is no longer so.
        self._refused_at: int | None = None
        self._seen: SignOffs = store.assessment.signoff  # the signatures as this panel last showed them
        boxes = []
        for role in ROLES:
            name = w.Text(placeholder="Name", **look.of(w.Text, width="200px"))
            title = w.Text(placeholder="Job title (optional)", **look.of(w.Text, width="220px"))
            date = w.DatePicker(value=dt.date.today(), **look.of(w.DatePicker, width="170px"))
            button = w.Button(description=f"Sign: {role}", button_style="primary", **look.of(w.Button))
            button.add_class(f"chc-sign-{role}")
            button.on_click(guarded(lambda _, r=role: self._sign(r), self._show_error))
            self.rows[role] = (name, title, date, button)
            boxes.append(w.HBox([w.Label(SIGNED_BY[role], **look.of(w.Label, width="220px")), name, title, date, button],
                                **look.of(w.HBox)))
        self.override = w.Text(placeholder="Reason to approve although not complete (the report shows it)",
                               **look.of(w.Text, width="640px", display=look.HIDDEN))
        self.reason = w.Text(placeholder="Reason for reopening", **look.of(w.Text, width="420px"))
        self.reopen = w.Button(description="Reopen", button_style="warning", **look.of(w.Button))
        self.reopen.on_click(guarded(lambda _: self._reopen(), self._show_error))
        self.widget = w.VBox([self.status, *boxes, self.override, w.HBox([self.reason, self.reopen], **look.of(w.HBox)),
                              self.message], **look.of(w.VBox))
        self.widget.add_class("chc-signoff")
        self.refresh()

    def _show_error(self, exc: BaseException) -> None:
        self.message.value = error_html(exc, "Not done")

    def refresh(self) -> None:
        a = self.store.assessment
        self._seen = a.signoff.model_copy(deep=True)
        if self._refused_at is not None and a.revision != self._refused_at:
            self._refused_at, self.message.value = None, ""
        for role, asked in list(self._replacing.items()):  # a replacement asked for a signature no longer there
            if getattr(a.signoff, role) != asked:
                del self._replacing[role]
                self.rows[role][3].description = f"Sign: {role}"
        lines = []
        for role in ROLES:
            s = getattr(a.signoff, role)
            lines.append(f"<li>{SIGNED_BY[role]}: "
                         f"{html.escape(describe_signature(s, '%d/%m/%Y')) if s else 'not yet'}</li>")
        if a.signoff.approved is not None and a.signoff.approved.override is not None:
            lines.append(f"<li>{html.escape(describe_override(a.signoff.approved.override))}</li>")
        locked = " The assessment is approved and read-only until reopened." if self.store.read_only else ""
        self.status.value = (
            f"<b>Sign-off ({html.escape(a.state)}).</b>{locked} You are signed in as "
            f"<b>{html.escape(self.store.user)}</b>: a signature you give is recorded as yours, whatever name "
            f"you type.<ul>{''.join(lines)}</ul>"  # the history is the panel below (interactive.py)
        )
        for _, _, _, button in self.rows.values():
            button.disabled = self.store.read_only
        self.reopen.disabled = a.signoff.reviewed is None and a.signoff.approved is None

    def _ask_to_replace(self, role: str, current: SignOff) -> None:
        self._replacing[role] = current
        self.rows[role][3].description = "Confirm: replace"
        self.message.value = (f'<div style="color:#92400e">Replace {html.escape(current.name)} as {SIGNERS[role]}? '
                              "Click again to confirm.</div>")

    def _sign(self, role: str) -> None:
        self._refused_at = None  # this attempt's outcome is what the message says
        name, title, date, button = self.rows[role]
        replacing = self._replacing.pop(role, None)
        button.description = f"Sign: {role}"
        asked = role == "approved" and look.visible(self.override)
        try:
            if date.value is None:
                raise SignOffError(f"Give the date you sign as {SIGNERS[role]}.")
            self.store.sign_off(role, name.value, date.value, title.value or None, replacing=replacing,
                                override=self.override.value if asked else None, seen=self._seen, facts=self.facts)
            self.message.value = ""
            if role == "approved":
                self.override.value = ""
                look.show(self.override, False)
        except SignOffReplaceError as exc:
            self._ask_to_replace(role, exc.current)
        except ApprovalIncompleteError as exc:  # only this refusal can be overridden, with a reason
            self.message.value = error_html(exc, "Not signed")
            look.show(self.override, True)
            self.message.value += (f'<div style="{ERROR_STYLE}">To approve it anyway, give the reason in the box '
                                   "above and click again.</div>")
        except FindingsUnansweredError as exc:  # said until a change to the answers (a response) is saved
            self.message.value = error_html(exc, "Not signed")
            self._refused_at = self.store.assessment.revision
        except Exception as exc:  # an AuditError in plain words; anything else still shown here, never only logged
            self.message.value = error_html(exc, "Not signed")
        self._after()

    def _after(self) -> None:
        """The panel and the page redrawn from the store (which a sign-off, even a refused one, has
        brought up to date with the file); a failure to redraw is said as such."""
        try:
            self.refresh()
            self.on_change()
        except Exception as exc:
            self.message.value += error_html(exc, "Done, but the page could not be redrawn")

    def _reopen(self) -> None:
        try:
            self.store.reopen(self.reason.value, seen=self._seen)
            self.message.value = ""
            self.reason.value = ""
        except Exception as exc:  # an AuditError in plain words; anything else still shown here
            self.message.value = error_html(exc, "Not reopened")
        self._after()
