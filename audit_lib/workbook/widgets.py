"""The interactive workbook's forms (ipywidgets), built from the catalogue and the answer store.

Widget state is never the source of truth: every form is built from
:class:`~audit_lib.assessment.store.AnswerStore`, every change is saved to it at once, and a conflict
or an error shows beside the provision and puts the stored value back in the widget.
Sections are built one at a time, when the auditor opens them.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..assessment.answers import Action, Answer, Evidence, Status
from ..assessment.checks import answer_flags
from ..assessment.progress import progress
from ..assessment.signoff import ROLES
from ..assessment.store import AnswerStore, Conflict
from ..code.catalogue import Catalogue, Provision, Section
from ..errors import AuditError, SignOffError

STATUS_OPTIONS = [("— not assessed —", ""), *[(s.value, s.value) for s in Status]]
ROLE_LABELS = {"prepared": "Prepared by", "reviewed": "Reviewed by", "approved": "Approved by (governing body)"}
FULL = w.Layout(width="100%")


def _flags_html(answer: Answer) -> str:
    flags = [f for f in answer_flags(answer) if f.code != "unanswered"]
    return "".join(f'<div class="flag" style="color:#9a3412">&#9888; {html.escape(f.message)}</div>' for f in flags)


class _Row:
    """One evidence item or action: a few widgets and a remove button."""

    def __init__(self, fields: dict[str, w.Widget], on_edit: Callable[[], None], on_remove: Callable[[_Row], None]) -> None:
        self.fields = fields
        self.remove = w.Button(description="Remove", layout=w.Layout(width="80px"), button_style="")
        self.remove.on_click(lambda _: on_remove(self))
        for widget in fields.values():
            widget.observe(lambda _: on_edit(), names="value")
        self.box = w.HBox([*fields.values(), self.remove])

    def value(self, name: str) -> Any:
        return self.fields[name].value

    def set_disabled(self, disabled: bool) -> None:
        for widget in [*self.fields.values(), self.remove]:
            widget.disabled = disabled


def _evidence_row(item: Evidence | None, on_edit: Callable[[], None], on_remove: Callable[[_Row], None]) -> _Row:
    return _Row(
        {
            "description": w.Text(value=item.description if item else "", placeholder="Evidence: what it is",
                                  continuous_update=False, layout=w.Layout(width="55%")),
            "reference": w.Text(value=(item.reference or "") if item else "", placeholder="Document reference or link",
                                continuous_update=False, layout=w.Layout(width="35%")),
        },
        on_edit, on_remove,
    )


def _action_row(item: Action | None, on_edit: Callable[[], None], on_remove: Callable[[_Row], None]) -> _Row:
    return _Row(
        {
            "text": w.Text(value=item.text if item else "", placeholder="Action", continuous_update=False,
                           layout=w.Layout(width="40%")),
            "owner": w.Text(value=(item.owner or "") if item else "", placeholder="Owner", continuous_update=False,
                            layout=w.Layout(width="20%")),
            "due": w.DatePicker(value=item.due if item else None, description="Due", layout=w.Layout(width="22%")),
            "done": w.Checkbox(value=item.done if item else False, description="Done", indent=False,
                               layout=w.Layout(width="70px")),
        },
        on_edit, on_remove,
    )


class ProvisionForm:
    """Status, evidence, commentary and actions of one provision, saved on every change."""

    def __init__(self, provision: Provision, store: AnswerStore, figures: list[str],
                 on_saved: Callable[[], None] = lambda: None) -> None:
        self.provision = provision
        self.store = store
        self.on_saved = on_saved
        self._quiet = False  # True while the form itself sets widget values
        answer = store.answer(provision.id)
        self._shown: dict[str, Any] = {}

        self.status = w.Dropdown(options=STATUS_OPTIONS, value=answer.status.value if answer.status else "",
                                 description="Comply", layout=w.Layout(width="260px"))
        self.status.observe(self._status_changed, names="value")
        self.commentary = w.Textarea(value=answer.commentary, placeholder="Commentary / explanation",
                                     continuous_update=False, layout=w.Layout(width="100%", height="70px"))
        self.commentary.observe(lambda ch: self._save("commentary", ch["new"]), names="value")
        self.evidence_rows: list[_Row] = []
        self.evidence_box = w.VBox()
        self.add_evidence = w.Button(description="Add evidence", icon="plus")
        self.add_evidence.on_click(lambda _: self._add_row("evidence"))
        self.action_rows: list[_Row] = []
        self.actions_box = w.VBox()
        self.add_action = w.Button(description="Add action", icon="plus")
        self.add_action.on_click(lambda _: self._add_row("actions"))
        self.confirm = w.Button(description="Confirm carried-forward answer", button_style="warning",
                                layout=w.Layout(width="260px", display="" if not answer.confirmed else "none"))
        self.confirm.on_click(lambda _: self._save("confirmed", True))
        self.flags = w.HTML(_flags_html(answer))
        self.message = w.HTML()
        self._load_lists(answer)
        self._remember(answer)

        text = html.escape(provision.text).replace("\n", "<br>")
        figure_html = "".join(f"<li>{html.escape(f)}</li>" for f in figures)
        header = w.HTML(
            f'<div id="provision-{provision.number}"><b>{provision.number}</b> {text}'
            + (f'<div style="background:#eef6ff;border-left:3px solid #1f4e79;padding:2px 8px;margin-top:4px;'
               f'font-size:12px"><b>Case data:</b><ul style="margin:0">{figure_html}</ul></div>' if figures else "")
            + "</div>",
            layout=FULL,
        )
        self.widget = w.VBox(
            [
                header,
                w.HBox([self.status, self.confirm]),
                self.flags,
                w.HTML("<b>Evidence</b>"), self.evidence_box, self.add_evidence,
                self.commentary,
                w.HTML("<b>Actions</b>"), self.actions_box, self.add_action,
                self.message,
            ],
            layout=w.Layout(border="1px solid #c9d1d9", padding="6px", margin="0 0 8px 0", width="100%"),
        )
        self.widget.add_class("chc-provision")
        self.widget.add_class(f"chc-provision-{provision.number.replace('.', '-')}")
        self.set_disabled(store.read_only)

    # -- state -------------------------------------------------------------------------------
    def _remember(self, answer: Answer) -> None:
        self._shown = {
            "status": answer.status.value if answer.status else None,
            "commentary": answer.commentary,
            "evidence": [e.model_dump(mode="json") for e in answer.evidence],
            "actions": [a.model_dump(mode="json") for a in answer.actions],
            "confirmed": answer.confirmed,
        }

    def _load_lists(self, answer: Answer) -> None:
        self.evidence_rows = [_evidence_row(e, lambda: self._save_list("evidence"), self._remove_row) for e in answer.evidence]
        self.action_rows = [_action_row(a, lambda: self._save_list("actions"), self._remove_row) for a in answer.actions]
        self.evidence_box.children = [r.box for r in self.evidence_rows]
        self.actions_box.children = [r.box for r in self.action_rows]

    def show(self, answer: Answer) -> None:
        """Put a stored answer back into the widgets without saving anything."""
        self._quiet = True
        try:
            self.status.value = answer.status.value if answer.status else ""
            self.commentary.value = answer.commentary
            self._load_lists(answer)
            self.confirm.layout.display = "" if not answer.confirmed else "none"
        finally:
            self._quiet = False
        self._remember(answer)
        self.flags.value = _flags_html(answer)
        self.set_disabled(self.store.read_only)

    def set_disabled(self, disabled: bool) -> None:
        for widget in (self.status, self.commentary, self.add_evidence, self.add_action, self.confirm):
            widget.disabled = disabled
        for row in [*self.evidence_rows, *self.action_rows]:
            row.set_disabled(disabled)

    # -- saving ------------------------------------------------------------------------------
    def _status_changed(self, change: dict[str, Any]) -> None:
        self._save("status", change["new"] or None)

    def _evidence_value(self) -> list[dict[str, Any]]:
        return [
            {"description": r.value("description").strip(), "reference": r.value("reference").strip() or None}
            for r in self.evidence_rows if r.value("description").strip()
        ]

    def _actions_value(self) -> list[dict[str, Any]]:
        return [
            {"text": r.value("text").strip(), "owner": r.value("owner").strip() or None,
             "due": r.value("due").isoformat() if r.value("due") else None, "done": bool(r.value("done"))}
            for r in self.action_rows if r.value("text").strip()
        ]

    def _save_list(self, field: str) -> None:
        self._save(field, self._evidence_value() if field == "evidence" else self._actions_value())

    def _add_row(self, field: str) -> None:
        if field == "evidence":
            row = _evidence_row(None, lambda: self._save_list("evidence"), self._remove_row)
            self.evidence_rows.append(row)
            self.evidence_box.children = [*self.evidence_box.children, row.box]
        else:
            row = _action_row(None, lambda: self._save_list("actions"), self._remove_row)
            self.action_rows.append(row)
            self.actions_box.children = [*self.actions_box.children, row.box]

    def _remove_row(self, row: _Row) -> None:
        if row in self.evidence_rows:
            self.evidence_rows.remove(row)
            self.evidence_box.children = [r.box for r in self.evidence_rows]
            self._save_list("evidence")
        else:
            self.action_rows.remove(row)
            self.actions_box.children = [r.box for r in self.action_rows]
            self._save_list("actions")

    def _save(self, field: str, value: Any) -> None:
        if self._quiet:
            return
        try:
            result = self.store.change(self.provision.id, field, value, expected=self._shown[field])
        except AuditError as exc:
            self.message.value = f'<div style="color:#7f1d1d">Not saved: {html.escape(str(exc))}</div>'
            self.show(self.store.answer(self.provision.id))
            return
        answer = self.store.answer(self.provision.id)
        if isinstance(result, Conflict):
            self.message.value = (
                f'<div style="color:#7f1d1d"><b>Conflict:</b> {html.escape(result.message)} Your value: '
                f"<code>{html.escape(str(result.yours))}</code>.</div>"
            )
            self.show(answer)
        else:
            self.message.value = ""
            self._remember(answer)
            self.flags.value = _flags_html(answer)
            self.confirm.layout.display = "" if not answer.confirmed else "none"
        self.on_saved()


class ProgressPanel:
    """Answered / total and counts by status, per section and overall, kept up to date."""

    def __init__(self, store: AnswerStore, catalogue: Catalogue) -> None:
        self.store = store
        self.catalogue = catalogue
        self.widget = w.HTML()
        self.widget.add_class("chc-progress")
        self.refresh()

    def refresh(self) -> None:
        a = self.store.assessment
        rows = []
        for section in self.catalogue.sections:
            p = progress(a, self.catalogue.provisions_in(section.number))
            rows.append((f"{section.number}. {section.title}", p))
        total = progress(a, self.catalogue.provisions)
        cells = "".join(
            f"<tr><td>{html.escape(label)}</td><td>{p.answered} / {p.total}</td>"
            + "".join(f"<td>{n}</td>" for n in p.by_status.values()) + "</tr>"
            for label, p in [*rows, ("All sections", total)]
        )
        heads = "".join(f"<th>{s}</th>" for s in total.by_status)
        self.widget.value = (
            f'<div class="chc"><b>Progress: {total.answered} of {total.total} provisions answered</b> '
            f"({html.escape(a.state)})<table><thead><tr><th>Section</th><th>Answered</th>{heads}</tr></thead>"
            f"<tbody>{cells}</tbody></table></div>"
        )


class SectionPanel:
    """A Code section as a collapsed panel whose form is built when the auditor opens it."""

    def __init__(self, section: Section, provisions: tuple[Provision, ...], store: AnswerStore,
                 figures: dict[str, list[str]], on_saved: Callable[[], None]) -> None:
        self.section = section
        self.provisions = provisions
        self.store = store
        self.figures = figures
        self.on_saved = on_saved
        self.forms: list[ProvisionForm] = []
        self.widget = w.Accordion(children=[w.HTML("Open this section to assess it.")])
        self.widget.set_title(0, f"Section {section.number}: {section.title}")
        self.widget.selected_index = None
        self.widget.add_class(f"chc-section-{section.number}")
        self.widget.observe(self._opened, names="selected_index")

    def _opened(self, change: dict[str, Any]) -> None:
        if change["new"] == 0 and not self.forms:
            self.build()

    def build(self) -> None:
        """Build this section's forms from the store (once)."""
        self.forms = [
            ProvisionForm(p, self.store, self.figures.get(p.number, []), self.on_saved) for p in self.provisions
        ]
        self.widget.children = [w.VBox([f.widget for f in self.forms], layout=FULL)]

    def set_disabled(self, disabled: bool) -> None:
        for form in self.forms:
            form.set_disabled(disabled)


class SignOffPanel:
    """Preparer, reviewer and approver, each with name and date; reopening needs a reason."""

    def __init__(self, store: AnswerStore, on_change: Callable[[], None]) -> None:
        self.store = store
        self.on_change = on_change
        self.status = w.HTML()
        self.message = w.HTML()
        self.rows: dict[str, tuple[w.Text, w.Text, w.DatePicker, w.Button]] = {}
        boxes = []
        for role in ROLES:
            name = w.Text(placeholder="Name", layout=w.Layout(width="200px"))
            title = w.Text(placeholder="Role (optional)", layout=w.Layout(width="220px"))
            date = w.DatePicker(value=dt.date.today(), layout=w.Layout(width="170px"))
            button = w.Button(description=f"Sign: {role}", button_style="primary")
            button.on_click(lambda _, r=role: self._sign(r))
            self.rows[role] = (name, title, date, button)
            boxes.append(w.HBox([w.Label(ROLE_LABELS[role], layout=w.Layout(width="220px")), name, title, date, button]))
        self.reason = w.Text(placeholder="Reason for reopening", layout=w.Layout(width="420px"))
        self.reopen = w.Button(description="Reopen", button_style="warning")
        self.reopen.on_click(lambda _: self._reopen())
        self.widget = w.VBox([self.status, *boxes, w.HBox([self.reason, self.reopen]), self.message])
        self.widget.add_class("chc-signoff")
        self.refresh()

    def refresh(self) -> None:
        a = self.store.assessment
        lines = []
        for role in ROLES:
            s = getattr(a.signoff, role)
            who = f"{html.escape(s.name)}{', ' + html.escape(s.role) if s.role else ''} on {s.date:%d/%m/%Y}" if s else "not yet"
            lines.append(f"<li>{ROLE_LABELS[role]}: {who}</li>")
        for r in a.reopenings:
            lines.append(f"<li>Reopened by {html.escape(r.by)} on {r.at:%d/%m/%Y}: {html.escape(r.reason)}</li>")
        locked = " The assessment is approved and read-only until reopened." if self.store.read_only else ""
        self.status.value = f"<b>Sign-off ({html.escape(a.state)}).</b>{locked}<ul>{''.join(lines)}</ul>"
        for _, _, _, button in self.rows.values():
            button.disabled = self.store.read_only
        self.reopen.disabled = not self.store.read_only

    def _sign(self, role: str) -> None:
        name, title, date, _ = self.rows[role]
        try:
            if not name.value.strip() or date.value is None:
                raise SignOffError(f"give a name and a date to sign as {role}")
            self.store.sign_off(role, name.value.strip(), date.value, title.value.strip() or None)
            self.message.value = ""
        except AuditError as exc:
            self.message.value = f'<div style="color:#7f1d1d">Not signed: {html.escape(str(exc))}</div>'
        self.refresh()
        self.on_change()

    def _reopen(self) -> None:
        try:
            self.store.reopen(self.reason.value)
            self.message.value = ""
            self.reason.value = ""
        except AuditError as exc:
            self.message.value = f'<div style="color:#7f1d1d">Not reopened: {html.escape(str(exc))}</div>'
        self.refresh()
        self.on_change()
