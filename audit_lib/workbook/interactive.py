"""The interactive side of the workbook: live forms, progress, sign-off and carry forward."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from ..assessment.store import AnswerStore, open_store
from ..errors import AuditError, SignOffError
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
        self.carry_message = w.HTML()

    def _after_signoff(self) -> None:
        for panel in self.sections.values():
            panel.set_disabled(self.store.read_only)
        self.progress.refresh()

    def section(self, number: int) -> w.Widget:
        """One section's panel; its form is built when opened (one section at a time)."""
        section = self.wb.catalogue.section(number)
        panel = SectionPanel(section, self.wb.catalogue.provisions_in(number), self.store,
                             self.wb.figures_by_provision, self.progress.refresh)
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
        self.progress.refresh()
        self.carry_message.value = (f"Started from {previous.period}'s answers: every answer is marked unconfirmed "
                                    "until you confirm or change it.")

    def controls(self) -> w.Widget:
        """Progress, carry forward (when the assessment is empty) and sign-off, for the top of the workbook."""
        parts: list[w.Widget] = [self.progress.widget]
        previous = self.previous_store()
        if previous is not None:
            button = w.Button(description=f"Start from {previous.period}'s answers", button_style="info",
                              layout=w.Layout(width="300px"))

            def _clicked(_: w.Button) -> None:
                try:
                    self.carry_forward()
                    button.disabled = True
                except AuditError as exc:
                    self.carry_message.value = f"Not carried forward: {exc}"

            button.on_click(_clicked)
            parts += [button, self.carry_message]
        parts.append(self.signoff.widget)
        return w.VBox(parts)
