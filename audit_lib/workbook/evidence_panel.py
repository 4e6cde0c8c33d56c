"""The evidence register in the interactive workbook: its documents listed, a file attached, a link added.

The panel sits in the workbook's controls under the cover (with progress, sign-off and the
report button): those are the workbook's tools, and a document is registered before the
sections below cite it. It is collapsed until opened, so it costs the page one line. The
report's own view of the register (which provisions cite each document, references not in
it) is the appendix part further down the page, kept up to date like the cover.

Everything is stored by the register itself (:mod:`audit_lib.evidence.register`): a file is kept
once under its SHA-256 in the landlord's evidence folder and recorded under the id the auditor
gives; a link must be an ``http(s)`` address. Giving an id already in the register makes the
new file or link that document's new version, so the panel asks for a second click naming the
document first. Every refusal (no file chosen, a bad id, a bad date, a bad link, a file too
large) is said in words beside the fields, never only in the kernel's log. A file chosen in the
browser reaches the kernel in one message, which the Jupyter server refuses above 10 MB by
default, so the panel offers uploads up to that size (a larger document is better linked).

After a document is added, ``on_added`` redraws the page: the list, the appendix, every open
form's choice of document ids, and the findings (a reference that now names a registered
document is no longer one "not in the register").
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w

from ..assessment.actions import format_date, parse_due_date
from ..errors import AuditError, EvidenceRegisterError
from ..evidence.register import Document, EvidenceRegister, is_web_link
from . import look
from .feedback import ERROR_STYLE, error_html, error_text, guarded, redraw_error_html

_FIELD = {"description_width": "70px"}
#: A chosen file reaches the kernel in one websocket message, which the Jupyter server (tornado)
#: refuses above 10 MB by default, dropping the connection: the panel says so beside the button.
UPLOAD_LIMIT_MB = 10
_DONE_STYLE = "color:#14532d"


def problem_text(exc: BaseException) -> str:
    """A problem reading the register (or working out the findings) in words, naming the file
    when the error names one, so the auditor knows what to mend."""
    text = error_text(exc)
    return f"{exc.path}: {text}" if isinstance(exc, AuditError) and exc.path is not None else text


def _note(text: str, style: str = ERROR_STYLE) -> str:
    return f'<div class="chc-note" style="{style}">{html.escape(text)}</div>'


def _text(description: str, placeholder: str, width: str = "300px") -> w.Text:
    return w.Text(description=description, placeholder=placeholder, **look.of(w.Text, _FIELD, width=width))


def _optional(value: str) -> str | None:
    return value.strip() or None


def _date(value: str) -> dt.date | None:
    """The document's date as typed (DD/MM/YYYY), or ``None`` when blank."""
    try:
        return parse_due_date(value)
    except ValueError as exc:
        raise EvidenceRegisterError(f"the document's date: {exc}") from None


def document_cell(document: Document) -> str:
    """How the list shows where a document is: its link (opening in a new tab), or its file's name
    and the start of its SHA-256."""
    if document.url is not None:
        url = document.url.strip()
        if is_web_link(url):
            return (f'<a href="{html.escape(url)}" target="_blank" rel="noopener noreferrer">'
                    f"{html.escape(url)}</a>")
        return html.escape(url)  # never a link unless it is an http(s) address
    name = html.escape(document.filename or document.file or "")
    digest = (f' <span style="color:#57606a;font-size:11px" title="SHA-256 {html.escape(document.sha256)}">'
              f"SHA-256 {html.escape(document.sha256[:12])}&hellip;</span>" if document.sha256 else "")
    return f"File {name}{digest}"


def register_table(documents: Sequence[Document]) -> str:
    """The register's documents as a table: id, title, version, date, owner and the document."""
    if not documents:
        return ('<div class="chc-register-empty" style="color:#57606a">The evidence register holds no documents '
                "yet: attach a file or add a link below, then cite it by its id in a provision's evidence.</div>")
    cell = 'style="padding:2px 8px;text-align:left;vertical-align:top"'
    rows = "".join(
        f'<tr data-document="{html.escape(d.id)}"><td {cell}><code style="white-space:nowrap">{html.escape(d.id)}</code></td>'
        f"<td {cell}>{html.escape(d.title)}</td><td {cell}>{html.escape(d.version or '')}</td>"
        f"<td {cell}>{format_date(d.date) if d.date else ''}</td><td {cell}>{html.escape(d.owner or '')}</td>"
        f"<td {cell}>{document_cell(d)}</td></tr>"
        for d in documents
    )
    heads = "".join(f"<th {cell}>{h}</th>" for h in ("Id", "Title", "Version", "Date", "Owner", "Document"))
    return (f'<table class="chc-register-list" style="border-collapse:collapse;font-size:13px">'
            f"<thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>")


class _DocumentFields:
    """Id, title, version, date and owner: what the register records of a document."""

    def __init__(self, kind: str) -> None:
        self.id = _text("Id", "Id, e.g. POL-01", "220px")
        self.title = _text("Title", "Title of the document", "420px")
        self.version = _text("Version", "Version (optional)", "220px")
        self.date = _text("Date", "DD/MM/YYYY (optional)", "220px")
        self.owner = _text("Owner", "Owner (optional)", "300px")
        for widget in self.widgets:
            widget.add_class(f"chc-{kind}-{widget.description.lower()}")

    @property
    def widgets(self) -> list[w.Text]:
        return [self.id, self.title, self.version, self.date, self.owner]

    def values(self) -> dict[str, Any]:
        """The fields as the register takes them (a typed date read as DD/MM/YYYY)."""
        if not self.id.value.strip():
            raise EvidenceRegisterError("give the document an id (letters, digits, '.', '_' or '-', e.g. POL-01): "
                                        "evidence cites the document by it")
        if not self.title.value.strip():
            raise EvidenceRegisterError("give the document a title")
        return {"id": self.id.value.strip(), "title": self.title.value.strip(),
                "version": _optional(self.version.value), "date": _date(self.date.value),
                "owner": _optional(self.owner.value)}

    def clear(self) -> None:
        for widget in self.widgets:
            widget.value = ""


class EvidencePanel:
    """The register's documents, and two ways to add one: attach a file, or add a link.

    ``register`` gives the landlord's register (the workbook's, read once); ``on_added`` redraws
    the page after a document is stored.
    """

    def __init__(self, register: Callable[[], EvidenceRegister], on_added: Callable[[], None]) -> None:
        self.register = register
        self.on_added = on_added
        self._replacing: dict[str, str] = {}  # by form ("file", "link"): the id a second click will replace
        self.listing = w.HTML(**look.of(w.HTML))
        self.listing.add_class("chc-register-listing")
        # Collapsed until the auditor opens it: its forms (some thirty widgets) are built then, so a
        # Run All does not send them to the browser (the sections' forms are built on Edit likewise).
        self.widget = w.Accordion(children=[w.VBox([self.listing], **look.of(w.VBox))], **look.of(w.Accordion, width="100%"))
        self.widget.selected_index = None
        self.widget.add_class("chc-evidence-panel")
        self.widget.observe(lambda change: self.open() if change["new"] == 0 else None, names="selected_index")
        self._built = False
        self.refresh()

    def open(self) -> None:
        """Build the panel's forms (once) and show them: attach a file, add a link."""
        if self._built:
            return
        self._built = True
        self.upload = w.FileUpload(accept="", multiple=False, description="Choose a file",
                                   **look.of(w.FileUpload, width="220px"))
        self.upload.add_class("chc-upload")
        self.chosen = w.HTML(**look.of(w.HTML))
        self.file = _DocumentFields("file")
        self.attach = w.Button(description="Attach the file", icon="paperclip", button_style="primary",
                               **look.of(w.Button, width="220px"))
        self.attach.add_class("chc-attach")
        self.attach_note = w.HTML(**look.of(w.HTML))
        self.attach_note.add_class("chc-attach-note")
        self.attach.on_click(guarded(lambda _: self._attach(), self._refused(self.attach_note, "Not attached")))
        self.upload.observe(guarded(lambda _: self._chosen(), self._refused(self.attach_note, "Not attached")),
                            names="value")

        self.url = _text("Link", "https://…", "520px")
        self.url.add_class("chc-link-url")
        self.link = _DocumentFields("link")
        self.add_link = w.Button(description="Add the link", icon="link", button_style="primary",
                                 **look.of(w.Button, width="220px"))
        self.add_link.add_class("chc-add-link")
        self.link_note = w.HTML(**look.of(w.HTML))
        self.link_note.add_class("chc-link-note")
        self.add_link.on_click(guarded(lambda _: self._link(), self._refused(self.link_note, "Not added")))
        self.file.id.observe(lambda _: self._forget("file"), names="value")
        self.link.id.observe(lambda _: self._forget("link"), names="value")

        attach_box = w.VBox([
            w.HTML("<b>Attach a file</b> <span style=\"font-size:12px;color:#57606a\">kept in the landlord's evidence "
                   f"folder under its SHA-256, so a later change to it shows; up to {UPLOAD_LIMIT_MB} MB from the "
                   "browser (link to a larger document instead)</span>", **look.of(w.HTML)),
            w.HBox([self.upload, self.chosen], **look.of(w.HBox)),
            w.HBox([self.file.id, self.file.title], **look.of(w.HBox)),
            w.HBox([self.file.version, self.file.date, self.file.owner], **look.of(w.HBox)),
            self.attach, self.attach_note,
        ], **look.of(w.VBox))
        attach_box.add_class("chc-attach-form")
        link_box = w.VBox([
            w.HTML("<b>Add a link</b> <span style=\"font-size:12px;color:#57606a\">a web page (http:// or "
                   "https://)</span>", **look.of(w.HTML)),
            self.url,
            w.HBox([self.link.id, self.link.title], **look.of(w.HBox)),
            w.HBox([self.link.version, self.link.date, self.link.owner], **look.of(w.HBox)),
            self.add_link, self.link_note,
        ], **look.of(w.VBox))
        link_box.add_class("chc-link-form")
        self.widget.children = [w.VBox([self.listing, attach_box, link_box], **look.of(w.VBox, width="100%"))]
        self.refresh()  # the title, as the register now is

    # -- showing ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """The list and the panel's title as the register now is (or why it cannot be read)."""
        try:
            documents = list(self.register())
        except Exception as exc:  # a damaged register: said in the panel, not only in the log
            self.widget.set_title(0, "Evidence register (cannot be read)")
            value = _note(f"The evidence register cannot be read: {problem_text(exc)}")
        else:
            count = f"{len(documents)} document{'s' if len(documents) != 1 else ''}"
            self.widget.set_title(0, f"Evidence register: {count}. Attach a file or add a link")
            value = register_table(documents)
        if self.listing.value != value:
            self.listing.value = value

    @staticmethod
    def _refused(note: w.HTML, what: str) -> Callable[[BaseException], None]:
        """Show a refusal (or any error) beside the form's fields, in words."""
        def show(exc: BaseException) -> None:
            note.value = error_html(exc, what)

        return show

    def _forget(self, form: str) -> None:
        """A changed id: a replacement asked for is no longer what the next click does."""
        if self._replacing.pop(form, None) is not None:
            if form == "file":
                self.attach.description = "Attach the file"
            else:
                self.add_link.description = "Add the link"

    def _chosen(self) -> None:
        files = self.upload.value
        self.chosen.value = (f'<span style="font-size:12px">Chosen: {html.escape(str(files[0].get("name", "")))} '
                             f"({int(files[0].get('size') or len(bytes(files[0]['content']))):,} bytes)</span>"
                             if files else "")
        self.attach_note.value = ""

    def _replaces(self, form: str, document_id: str, button: w.Button, note: w.HTML, verb: str) -> bool:
        """Whether to go ahead with ``document_id``: yes when it is new, or when the auditor has
        clicked again after being told which document it replaces."""
        current = self.register().get(document_id)
        if current is None or self._replacing.get(form) == document_id:
            self._replacing.pop(form, None)
            button.description = "Attach the file" if form == "file" else "Add the link"
            return True
        self._replacing[form] = document_id
        button.description = "Confirm: new version"
        note.value = _note(f"{current.label} is already in the register. {verb} makes this its new version (the "
                           "register keeps the id; a signature records which version it saw). Click "
                           "“Confirm: new version” to go ahead, or give another id.", "color:#92400e")
        return False

    # -- adding -----------------------------------------------------------------------------------
    def _attach(self) -> None:
        files = self.upload.value
        if not files:
            raise EvidenceRegisterError("choose the file to attach first (the “Choose a file” button)")
        values = self.file.values()
        if not self._replaces("file", values["id"], self.attach, self.attach_note, "Attaching this file"):
            return
        chosen = files[0]
        document = self.register().attach(bytes(chosen["content"]), str(chosen.get("name") or "document"), **values)
        self.file.clear()
        self.upload.value = ()
        self.chosen.value = ""
        digest = (document.sha256 or "")[:12]
        self._added(self.attach_note, f"Attached {document.label}: {document.filename} (SHA-256 {digest}…). Cite "
                                      f"it by giving {document.id} as an evidence item's reference.")

    def _link(self) -> None:
        if not self.url.value.strip():
            raise EvidenceRegisterError("give the link's address (starting http:// or https://)")
        values = self.link.values()
        if not self._replaces("link", values["id"], self.add_link, self.link_note, "Adding this link"):
            return
        document = self.register().add_link(self.url.value.strip(), **values)
        self.link.clear()
        self.url.value = ""
        self._added(self.link_note, f"Added {document.label}. Cite it by giving {document.id} as an evidence item's "
                                    "reference.")

    def _added(self, note: w.HTML, message: str) -> None:
        note.value = _note(message, _DONE_STYLE)
        self.refresh()
        try:
            self.on_added()
        except Exception as exc:  # stored whatever happens to the page: said as such
            note.value += redraw_error_html(exc, saved=True)


__all__ = ["EvidencePanel", "document_cell", "problem_text", "register_table"]
