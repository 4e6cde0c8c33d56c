"""The interactive side of the workbook: live forms, progress, sign-off, carry forward, history,
the evidence register, the report button and the export buttons.

One truth on the page: every part that depends on the answers is either a form on the store or a
*live part* (the cover, the executive summary, the action plan, the register appendix)
re-rendered from the store after every change saved from this page (a form, a sign-off, a carry
forward, a section confirmed, a document added to the register), so no static count can
contradict a live one. Parts that depend only on the case log (the case data, the data-quality
appendix) do not change while the workbook is open.

The findings beside each provision (where the case data or the evidence questions its answer)
follow the answers the same way: :class:`LiveData` computes them once for each state of the
answers and the register, however many cards and forms show them, so a page redrawn after a
change computes them once, not once per provision.
"""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..assessment.answers import Assessment
from ..assessment.store import AnswerStore, open_store
from ..code.catalogue import load_catalogue
from ..core.paths import EVIDENCE_REGISTER, evidence_dir
from ..errors import AuditError, SignOffError
from ..evidence.register import Document, EvidenceRegister
from ..findings.assess import by_provision
from ..findings.model import Finding
from ..report.render import HTMLFragment
from . import look
from .evidence_panel import EvidencePanel, problem_text
from .export_panel import ExportPanel
from .feedback import error_html, guarded
from .history_panel import HistoryPanel, for_assessment
from .report_panel import ReportPanel
from .widgets import ProgressPanel, SectionPanel, SignOffPanel

if TYPE_CHECKING:
    from .facade import Workbook

log = logging.getLogger(__name__)


class InteractiveWorkbook:
    """Everything an auditor edits in JupyterLab, built from (and saved to) the answer store."""

    def __init__(self, workbook: Workbook, user: str | None = None) -> None:
        self.wb = workbook
        self.store: AnswerStore = open_store(workbook.landlord.folder, workbook.catalogue, workbook.landlord.id,
                                             workbook.period.id, user)
        self.progress = ProgressPanel(self.store, workbook.catalogue)
        self.signoff = SignOffPanel(self.store, self._after_signoff, workbook.signature_facts)
        self.data = LiveData(workbook, self.store)
        self.evidence = EvidencePanel(lambda: workbook.register, self.changed)
        self.sections: dict[int, SectionPanel] = {}
        self.parts: dict[str, LivePart | FoldedPart] = {}
        self.carry_message = w.HTML(**look.of(w.HTML))
        self.signoff_history = HistoryPanel(self.store, "History of the sign-off (and carry forward)", for_assessment,
                                            "signoff")
        self.report = ReportPanel(workbook.landlord.id, workbook.period, workbook.landlord.folder.parent,
                                  workbook.outputs, workbook.as_of)
        self.exports = ExportPanel(workbook.landlord, workbook.period, workbook.outputs)

    def part(self, name: str, render: Callable[[], HTMLFragment]) -> w.HTML:
        """A part of the page re-rendered from the store after every change (re-running its cell replaces it)."""
        live = LivePart(name, render)
        self.parts[name] = live
        return live.widget

    def folded_part(self, name: str, summary: Callable[[], HTMLFragment], detail: Callable[[], HTMLFragment],
                    label: str) -> w.Widget:
        """A live part whose ``summary`` is always drawn and whose ``detail`` (a long table) only
        when the auditor asks, so Run All stays quick; both kept as the answers are while shown."""
        live = FoldedPart(name, summary, detail, label)
        self.parts[name] = live
        return live.widget

    def changed(self) -> None:
        """After any change saved from this page: every part that depends on the answers, as they now
        are on disk (with what other editors have saved meanwhile), the findings on them and the
        evidence register (with what other editors have added)."""
        self.store.reload()
        self.data.reload_register()
        self.evidence.refresh()
        self.signoff.refresh()
        self.progress.refresh()
        for panel in self.sections.values():
            panel.refresh()
        for live in self.parts.values():
            live.refresh()
        self.signoff_history.refresh()

    def _after_signoff(self) -> None:
        for panel in self.sections.values():
            panel.set_disabled(self.store.read_only)
        self.changed()

    def section(self, number: int) -> w.Widget:
        """One section's panel; its form is built when opened (one section at a time)."""
        section = self.wb.catalogue.section(number)
        panel = SectionPanel(section, self.wb.catalogue.provisions_in(number), self.store,
                             self.wb.figures_by_provision, self.changed, self.wb.as_of, page=self.data,
                             notes=self.wb)  # proposals and new provisions, read when the panel opens
        self.sections[number] = panel
        return panel.widget

    def previous_store(self) -> AnswerStore | None:
        """Last period's answers, if there are any to carry forward into an empty assessment, read
        with the catalogue of the Code that period is assessed against (which may be older)."""
        if self.store.assessment.answers:
            return None
        period = self.wb.period.previous
        catalogue = load_catalogue(self.wb.landlord.code_for(period))
        previous = open_store(self.wb.landlord.folder, catalogue, self.wb.landlord.id, period.id, self.store.user)
        return previous if previous.assessment.answers else None

    def carry_forward(self) -> None:
        previous = self.previous_store()
        if previous is None:
            raise SignOffError(f"nothing to carry forward into {self.wb.period.id}")
        saved = self.store.carry_forward(previous)
        for panel in self.sections.values():
            for form in panel.forms:
                form.show(self.store.answer(form.provision.id))
        self.changed()
        if previous.catalogue.code == self.store.catalogue.code:
            self.carry_message.value = (f"Started from {previous.period}'s answers: every answer is marked "
                                        "unconfirmed until you confirm or change it.")
            return
        entry = next((e for e in reversed(self.store.history())
                      if "carried_from" in e and e.get("revision") == saved.revision), None)
        self.carry_message.value = html.escape(_carried_across_message(entry, previous, self.store), quote=False)

    def _carry_button(self, previous: AnswerStore) -> w.Button:
        """"Start from 2023-24's answers", naming last period's Code when it is not this period's."""
        across = previous.catalogue.code != self.store.catalogue.code
        label = f"Start from {previous.period}'s answers" + (f" ({previous.catalogue.code} Code)" if across else "")
        return w.Button(description=label, button_style="info", **look.of(w.Button, width="360px" if across else "300px"))

    def controls(self) -> w.Widget:
        """Progress, carry forward (when the assessment is empty), the evidence register (collapsed:
        its documents, attach a file, add a link), sign-off with its history, the report
        button and the export buttons, for the top of the workbook."""
        parts: list[w.Widget] = [self.progress.widget]
        try:
            previous = self.previous_store()
        except AuditError as exc:  # last period's answers cannot be read: said here, the rest of the page stands
            previous = None
            self.carry_message.value = error_html(exc, "Last period's answers cannot be carried forward")
            parts.append(self.carry_message)
        if previous is not None:
            button = self._carry_button(previous)

            def _clicked(_: w.Button) -> None:
                self.carry_forward()
                button.disabled = True

            def _refused(exc: BaseException) -> None:
                self.carry_message.value = error_html(exc, "Not carried forward")

            button.on_click(guarded(_clicked, _refused))
            parts += [button, self.carry_message]
        parts += [self.evidence.widget, self.signoff.widget, self.signoff_history.widget, self.report.widget,
                  self.exports.widget]
        return w.VBox(parts, **look.of(w.VBox))


def _carried_across_message(entry: Mapping[str, Any] | None, previous: AnswerStore, store: AnswerStore) -> str:
    """What the page says after a carry forward across Code versions (from its history entry)."""
    older, newer = previous.catalogue.code, store.catalogue.code
    answers = entry.get("answers", 0) if entry else len(store.assessment.answers)
    new = len(entry.get("new_provisions") or []) if entry else 0
    dropped = len(entry.get("not_carried") or {}) if entry else 0
    words = (f"Started from {previous.period}'s answers under the {older} Code: {answers} "
             f"{'answer was' if answers == 1 else 'answers were'} carried through the crosswalk to the {newer} Code")
    if new:
        words += (f"; {new} {'provision is' if new == 1 else 'provisions are'} new in the {newer} Code and "
                  f"{'starts' if new == 1 else 'start'} blank")
    if dropped:
        words += (f"; {dropped} {'answer was' if dropped == 1 else 'answers were'} not carried (requirement "
                  "removed; the history lists them)")
    return (words + ". Every answer is unconfirmed until you confirm or change it; the note of what changed is "
            "shown beside each draft.")


def _signature(path: os.PathLike[str]) -> tuple[int, int, int] | None:
    """A file's identity and size (``None`` when there is none): a change to it changes this."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class LiveData:
    """What the cards and forms show besides the answers, as it is now: the findings on the
    answers (grouped by provision) and the evidence register's documents.

    The findings are computed once for each state of the answers and the register: the store
    holds a new assessment after every change, and the register new documents after every
    addition, so a page redrawn after a change computes them once, however many cards and forms
    ask. Whatever stops them being worked out (a damaged register, a case log that cannot be
    read) is kept as :attr:`problem` and shown beside them, never only in the kernel's log.
    """

    def __init__(self, workbook: Workbook, store: AnswerStore) -> None:
        self.wb = workbook
        self.store = store
        self._state: tuple[Assessment, dict[str, Document] | None] | None = None  # what the findings are of
        self._findings: dict[str, list[Finding]] = {}
        self._findings_problem: str | None = None
        self._register_problem: str | None = None
        self._register_seen: tuple[int, int, int] | None = None  # the register file when last read
        self._unreadable: tuple[int, int, int] | None = None  # the register file when it could not be read

    @property
    def register(self) -> EvidenceRegister | None:
        """The landlord's register (the workbook's), or ``None`` when it cannot be read (tried again
        only once its file has changed)."""
        path = evidence_dir(self.wb.landlord.folder) / EVIDENCE_REGISTER
        if self._unreadable is not None and self._unreadable == _signature(path):
            return None
        try:
            register = self.wb.register
        except Exception as exc:  # a damaged register: said beside the findings and in the register panel
            self._register_problem = problem_text(exc)
            self._unreadable = _signature(path)
            return None
        if self._unreadable is not None:
            self._unreadable, self._register_problem = None, None
        if self._register_seen is None:
            self._register_seen = _signature(register.path)
        return register

    def reload_register(self) -> None:
        """Read the register again if its file changed since it was last read (another editor
        added a document)."""
        register = self.register
        if register is None:
            return
        seen = _signature(register.path)
        if seen == self._register_seen:
            return
        try:
            register.reload()
            self._register_problem = None
        except Exception as exc:  # the documents read before stay; the problem is said
            self._register_problem = problem_text(exc)
        self._register_seen = seen

    @property
    def problem(self) -> str | None:
        self._by_provision()
        return self._findings_problem or self._register_problem

    def _by_provision(self) -> dict[str, list[Finding]]:
        register = self.register
        state = (self.store.assessment, register.documents if register is not None else None)
        if self._state is not None and self._state[0] is state[0] and self._state[1] is state[1]:
            return self._findings
        try:  # an unreadable register leaves the evidence out, never the data's findings
            found = self.wb.findings(self.store.assessment, evidence=register is not None)
            self._findings_problem = None
        except Exception as exc:  # shown beside the findings; logged for whoever supports the workbook
            log.warning("the findings could not be worked out", exc_info=exc)
            found, self._findings_problem = [], problem_text(exc)
        self._findings = by_provision(found)
        self._state = state
        return self._findings

    def findings(self, provision_id: str) -> Sequence[Finding]:
        return self._by_provision().get(provision_id, [])

    def document_ids(self) -> Sequence[str]:
        register = self.register
        return list(register.documents) if register is not None else []

    def document(self, reference: str | None) -> Document | None:
        register = self.register
        return register.resolve(reference) if register is not None else None


class LivePart:
    """An HTML part of the page (cover, executive summary, action plan) kept as the answers are."""

    def __init__(self, name: str, render: Callable[[], HTMLFragment]) -> None:
        self.render = render
        self.widget = w.HTML(**look.of(w.HTML, width="100%"))
        self.widget.add_class("chc-live")
        self.widget.add_class(f"chc-live-{name}")
        self.refresh()

    def refresh(self) -> None:
        try:
            self.widget.value = self.render().html
        except Exception as exc:  # shown in the part, never only in the kernel's log; the part is then not current
            self.widget.value = ('<div style="color:#7f1d1d">This part could not be brought up to date '
                                 f"({html.escape(type(exc).__name__)}); run its cell again.</div>")


class FoldedPart:
    """A live part in two: the summary, kept as the answers are, and a detail drawn only while its
    toggle is on (and then kept as the answers are too)."""

    def __init__(self, name: str, summary: Callable[[], HTMLFragment], detail: Callable[[], HTMLFragment],
                 label: str) -> None:
        self.summary = LivePart(name, summary)
        self.render_detail = detail
        self.toggle = w.ToggleButton(value=False, description=label, icon="table",
                                     **look.of(w.ToggleButton, width="auto"))
        self.detail = w.HTML(**look.of(w.HTML, width="100%"))
        self.detail.add_class("chc-live")
        self.detail.add_class(f"chc-live-{name}-detail")
        self.toggle.observe(lambda _: self._draw(), names="value")
        self.widget = w.VBox([self.summary.widget, self.toggle, self.detail], **look.of(w.VBox))

    def _draw(self) -> None:
        if not self.toggle.value:
            self.detail.value = ""
            return
        try:
            self.detail.value = self.render_detail().html
        except Exception as exc:  # shown in the part, never only in the kernel's log
            self.detail.value = ('<div style="color:#7f1d1d">This part could not be brought up to date '
                                 f"({html.escape(type(exc).__name__)}); run its cell again.</div>")

    def refresh(self) -> None:
        self.summary.refresh()
        if self.toggle.value:
            self._draw()
