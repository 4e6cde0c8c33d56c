"""A provision as the auditor first sees it: its answer drawn as HTML, with one Edit button.

A section's forms are many widgets each (a dropdown, text boxes, a date picker per action,
buttons and their layouts), and a browser draws every one of them when the section opens. A
card is three: the provision and its answer drawn as one HTML block (the same content the
report shows for the provision, its findings and the auditor's responses to them included), an
Edit button, and the box holding them. The full form is built only when the auditor clicks
Edit, and takes the card's place; the card's HTML is redrawn from the store whenever the answers
change, so it never shows a stale answer or a stale finding.

What a card and a form show besides the answer (the findings, the evidence register's
documents) comes from the page (:class:`PageData`): the interactive workbook computes the
findings once for each state of the answers and the register, not once per provision. What they
show under a Code other than 2024 comes from the workbook (:class:`CodeNotes`): the answer the
case log proposes to a question asking for a figure (computed once per workbook), and whether a
provision is new in this Code since the answers were carried from an older one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

import ipywidgets as w

from ..assessment.store import AnswerStore
from ..code.catalogue import Provision
from ..evidence.register import Document
from ..findings.model import Finding
from ..report.render import render
from . import look
from .feedback import error_html, guarded
from .views import NewProvision, provision_row

if TYPE_CHECKING:
    from ..stats.proposals import Proposal


class _Form(Protocol):
    widget: w.Widget


class PageData(Protocol):
    """What the page knows besides the answers: the findings on them and the evidence register,
    as they are now (the interactive workbook's :class:`~audit_lib.workbook.interactive.LiveData`)."""

    def findings(self, provision_id: str) -> Sequence[Finding]:
        """The provision's findings, worst first, each with the auditor's response if any."""
        ...

    @property
    def problem(self) -> str | None:
        """Why the findings or the register could not be worked out (shown beside them), else ``None``."""
        ...

    def document_ids(self) -> Sequence[str]:
        """The register's document ids, in its order: what an evidence reference may cite."""
        ...

    def document(self, reference: str | None) -> Document | None:
        """The register document an evidence reference cites, or ``None``."""
        ...


class NoPageData:
    """A page without findings or a register (a card or form built on its own)."""

    problem: str | None = None

    def findings(self, provision_id: str) -> Sequence[Finding]:
        return ()

    def document_ids(self) -> Sequence[str]:
        return ()

    def document(self, reference: str | None) -> Document | None:
        return None


class CodeNotes(Protocol):
    """What the workbook knows of a provision under its Code version besides the answers (the
    :class:`~audit_lib.workbook.facade.Workbook` itself)."""

    def proposal_for(self, provision: Provision) -> Proposal | None:
        """The answer the case log proposes to a question asking for a figure, or ``None``."""
        ...

    def new_in_code(self, provision: Provision) -> NewProvision | None:
        """Whether ``provision`` is new in this Code since the answers were carried from an older
        Code (no older provision leads to it), with the crosswalk's note; else ``None``."""
        ...


class NoCodeNotes:
    """No proposals and nothing new (a card or form built on its own)."""

    def proposal_for(self, provision: Provision) -> Proposal | None:
        return None

    def new_in_code(self, provision: Provision) -> NewProvision | None:
        return None


class ProvisionCard:
    """One provision drawn as HTML until the auditor clicks Edit; then its form (from ``build_form``)."""

    def __init__(self, provision: Provision, store: AnswerStore, figures: Sequence[str],
                 build_form: Callable[[], _Form], as_of: dt.date | None = None, page: PageData | None = None,
                 notes: CodeNotes | None = None) -> None:
        self.provision = provision
        self.store = store
        self.figures = list(figures)
        self.as_of = as_of
        self.page: PageData = page if page is not None else NoPageData()
        self.notes: CodeNotes = notes if notes is not None else NoCodeNotes()
        self.build_form = build_form
        self.form: _Form | None = None
        # one Layout and one style shared by every card (and every widget that looks the same): see look
        self.html = w.HTML(**look.of(w.HTML, width="100%"))
        self.edit = w.Button(description="Edit", icon="pencil", tooltip=f"Edit the answer to {provision.number}",
                             **look.of(w.Button, width="120px", margin="0 0 0 8px"))
        self.edit.on_click(guarded(lambda _: self.open(), self._show_error))
        self.widget = w.VBox([self.html, self.edit], **look.of(w.VBox, width="100%", margin="0 0 8px 0"))
        self.widget.add_class("chc-card")
        self.widget.add_class(f"chc-card-{provision.number.replace('.', '-')}")
        self.refresh()

    def _show_error(self, exc: BaseException) -> None:
        self.html.value = error_html(exc, "The form cannot be opened") + self.html.value

    def refresh(self) -> None:
        """Redraw the card from the store and the page's findings (the form, once open, keeps
        itself up to date)."""
        if self.form is not None:
            return
        answer = self.store.answer(self.provision.id)
        row = provision_row(self.provision, answer, self.figures, self.as_of, self.page.findings(self.provision.id),
                            self.page.document, proposal=self.notes.proposal_for(self.provision),
                            new=self.notes.new_in_code(self.provision))
        value = render("provision_card", row=row)
        if self.html.value != value:
            self.html.value = value
        self.edit.disabled = False
        self.edit.description = "View" if self.store.read_only else "Edit"

    def open(self) -> _Form:
        """Replace the card with the provision's full form (built once)."""
        if self.form is None:
            self.form = self.build_form()
            self.widget.children = [self.form.widget]
        return self.form


__all__ = ["CodeNotes", "NoCodeNotes", "NoPageData", "PageData", "ProvisionCard"]
