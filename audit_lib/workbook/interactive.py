"""The interactive side of the workbook: live forms, progress, sign-off, carry forward, history and
the report button.

One truth on the page: every part that depends on the answers is either a form on the store or a
*live part* (the cover, the executive summary, the action plan) re-rendered from the store after
every change saved from this page (a form, a sign-off, a carry forward, a section confirmed), so
no static count can contradict a live one. Parts that depend only on the case log (the case data,
the data-quality appendix) do not change while the workbook is open.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from ..assessment.store import AnswerStore, open_store
from ..errors import SignOffError
from ..report.render import HTMLFragment
from .feedback import error_html, guarded
from .history_panel import HistoryPanel, for_assessment
from .report_panel import ReportPanel
from .widgets import ProgressPanel, SectionPanel, SignOffPanel

if TYPE_CHECKING:
    from .facade import Workbook


class InteractiveWorkbook:
    """Everything an auditor edits in JupyterLab, built from (and saved to) the answer store."""

    def __init__(self, workbook: Workbook, user: str | None = None) -> None:
        self.wb = workbook
        self.store: AnswerStore = open_store(workbook.landlord.folder, workbook.catalogue, workbook.landlord.id,
                                             workbook.period.id, user)
        self.progress = ProgressPanel(self.store, workbook.catalogue)
        self.signoff = SignOffPanel(self.store, self._after_signoff)
        self.sections: dict[int, SectionPanel] = {}
        self.parts: dict[str, LivePart] = {}
        self.carry_message = w.HTML()
        self.signoff_history = HistoryPanel(self.store, "History of the sign-off (and carry forward)", for_assessment,
                                            "signoff")
        self.report = ReportPanel(workbook.landlord.id, workbook.period, workbook.landlord.folder.parent,
                                  workbook.outputs, workbook.as_of)

    def part(self, name: str, render: Callable[[], HTMLFragment]) -> w.HTML:
        """A part of the page re-rendered from the store after every change (re-running its cell replaces it)."""
        live = LivePart(name, render)
        self.parts[name] = live
        return live.widget

    def changed(self) -> None:
        """After any change saved from this page: every part that depends on the answers, as they now
        are on disk (with what other editors have saved meanwhile)."""
        self.store.reload()
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
                             self.wb.figures_by_provision, self.changed, self.wb.as_of)
        self.sections[number] = panel
        return panel.widget

    def previous_store(self) -> AnswerStore | None:
        """Last period's answers, if there are any to carry forward into an empty assessment."""
        if self.store.assessment.answers:
            return None
        previous = open_store(self.wb.landlord.folder, self.wb.catalogue, self.wb.landlord.id,
                              self.wb.period.previous.id, self.store.user)
        return previous if previous.assessment.answers else None

    def carry_forward(self) -> None:
        previous = self.previous_store()
        if previous is None:
            raise SignOffError(f"nothing to carry forward into {self.wb.period.id}")
        self.store.carry_forward(previous)
        for panel in self.sections.values():
            for form in panel.forms:
                form.show(self.store.answer(form.provision.id))
        self.changed()
        self.carry_message.value = (f"Started from {previous.period}'s answers: every answer is marked unconfirmed "
                                    "until you confirm or change it.")

    def controls(self) -> w.Widget:
        """Progress, carry forward (when the assessment is empty), sign-off with its history, and the
        report button, for the top of the workbook."""
        parts: list[w.Widget] = [self.progress.widget]
        previous = self.previous_store()
        if previous is not None:
            button = w.Button(description=f"Start from {previous.period}'s answers", button_style="info",
                              layout=w.Layout(width="300px"))

            def _clicked(_: w.Button) -> None:
                self.carry_forward()
                button.disabled = True

            def _refused(exc: BaseException) -> None:
                self.carry_message.value = error_html(exc, "Not carried forward")

            button.on_click(guarded(_clicked, _refused))
            parts += [button, self.carry_message]
        parts += [self.signoff.widget, self.signoff_history.widget, self.report.widget]
        return w.VBox(parts)


class LivePart:
    """An HTML part of the page (cover, executive summary, action plan) kept as the answers are."""

    def __init__(self, name: str, render: Callable[[], HTMLFragment]) -> None:
        self.render = render
        self.widget = w.HTML(layout=w.Layout(width="100%"))
        self.widget.add_class("chc-live")
        self.widget.add_class(f"chc-live-{name}")
        self.refresh()

    def refresh(self) -> None:
        try:
            self.widget.value = self.render().html
        except Exception as exc:  # shown in the part, never only in the kernel's log; the part is then not current
            self.widget.value = ('<div style="color:#7f1d1d">This part could not be brought up to date '
                                 f"({html.escape(type(exc).__name__)}); run its cell again.</div>")
