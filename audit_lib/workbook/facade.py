"""The workbook façade the notebook calls: one object per landlord and period.

A notebook cell calls one method and displays what it returns. The façade loads the inputs
(configuration, answers, case log, and the case statistics computed from it), each once and
only when first needed, and hands them to :mod:`.views` (the report's HTML parts) and
:mod:`.record` (the run record the batch writes to ``metrics.json``). Actions' states are
judged at one date, the workbook's ``as_of``, in every part. Interactively, the parts that
depend on the answers (cover, executive summary, action plan) are live: re-rendered from the
answer store after every change (:mod:`.interactive`).

Findings (:mod:`audit_lib.findings`: where the case data or the evidence questions an answer)
are never stored: :meth:`Workbook.findings` computes them from the answers as they are now, the
case statistics, the landlord's evidence register and its finding settings. A signature records
the cited documents' hashes, and an approval is refused while a contradicted finding has no
response (:meth:`Workbook.signature_facts`, which the sign-off panel hands to the store).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..assessment.answers import Assessment
from ..assessment.answers_file import load_assessment
from ..assessment.signoff import SignatureFacts
from ..cases.load import CaseLog, load_case_log
from ..code.catalogue import Catalogue, load_catalogue
from ..config.landlords import Landlord, load_landlord
from ..core.periods import Period, parse_as_of
from ..evidence.register import EvidenceRegister, document_hashes, load_register
from ..findings.assess import assess, unanswered_contradictions
from ..findings.model import Finding
from ..report.provenance import RunRecord
from ..report.render import HTMLFragment
from ..stats.engine import landlord_statistics
from ..stats.provision_figures import provision_figures
from ..stats.results import CaseStatistics
from . import record, views
from .notebook_errors import show_audit_errors_briefly

if TYPE_CHECKING:
    from ipywidgets import Widget

    from .interactive import InteractiveWorkbook


@dataclass
class Workbook:
    """A landlord's self-assessment for one period, as the notebook shows it."""

    landlord: Landlord
    period: Period
    catalogue: Catalogue
    interactive: bool = False
    as_of: dt.date = field(default_factory=dt.date.today)  # the date actions' states are judged at
    outputs_dir: Path | None = None  # where "Produce report" puts the report; None: ``outputs/`` beside ``inputs/``
    _findings_memo: tuple[tuple[object, ...], list[Finding]] | None = field(default=None, init=False, repr=False,
                                                                          compare=False)

    @property
    def outputs(self) -> Path:
        """The outputs folder the report button's batch run writes to."""
        return self.outputs_dir if self.outputs_dir is not None else self.landlord.folder.parent.resolve().parent / "outputs"

    # --- loading ------------------------------------------------------------------------------

    @cached_property
    def live(self) -> InteractiveWorkbook:
        """The interactive forms and store (only built when ``interactive`` is set)."""
        from .interactive import InteractiveWorkbook  # ipywidgets only where widgets are wanted

        return InteractiveWorkbook(self)

    @property
    def assessment(self) -> Assessment:
        """The answers: live from the store when interactive, else as saved when the run started."""
        if self.interactive:
            return self.live.store.assessment
        return self._saved_assessment

    @cached_property
    def _saved_assessment(self) -> Assessment:
        return load_assessment(
            self.landlord.answers_path(self.period.id), self.catalogue, self.landlord.id, self.period.id
        )

    @cached_property
    def case_log(self) -> CaseLog:
        return load_case_log(self.landlord.case_log_path, self.landlord.config.case_log)

    @cached_property
    def stats(self) -> CaseStatistics:
        return landlord_statistics(self.case_log, self.landlord, self.period, self.catalogue.code)

    @cached_property
    def figures_by_provision(self) -> dict[str, list[str]]:
        return provision_figures(self.stats)

    @cached_property
    def register(self) -> EvidenceRegister:
        """The landlord's evidence register (an empty one when it keeps none)."""
        return load_register(self.landlord.folder)

    # --- findings -------------------------------------------------------------------------------

    def findings(self, assessment: Assessment | None = None, *, evidence: bool = True) -> list[Finding]:
        """Every finding on the answers as they are now (or on ``assessment``), with the auditor's
        responses: in the catalogue's order of provisions, worst first within one.

        ``evidence=False``: the data's findings only, without reading the evidence register (the
        live workbook's, when the register cannot be read, so the contradictions still show)."""
        answers = assessment if assessment is not None else self.assessment
        register = self.register if evidence else None
        # The same answers and register give the same findings: worked out once for the sections,
        # the summary and the metrics of one state (an answer saved, or the register read again, is a new one).
        key = (answers, register.documents if register is not None else None, evidence)
        memo = self._findings_memo
        if memo is not None and all(a is b for a, b in zip(memo[0], key, strict=True)):
            return list(memo[1])
        found = assess(self.catalogue, answers, self.stats, register, self.landlord.finding_settings, evidence=evidence)
        self._findings_memo = (key, found)
        return list(found)

    def signature_facts(self, assessment: Assessment | None = None) -> SignatureFacts:
        """What a signature of ``assessment`` (default: the answers as they are now) records and is
        refused for: the contradicted findings with no response (an approval is refused while
        there are any) and the SHA-256 of each register document the answers cite.

        The sign-off hands this method to :meth:`~audit_lib.assessment.store.AnswerStore.sign_off`
        (``facts=``), which calls it under its lock with the answers being signed.
        """
        answers = assessment if assessment is not None else self.assessment
        self.register.reload()  # what another editor attached since: the hash a signature records is the current one
        return SignatureFacts(unanswered=unanswered_contradictions(self.findings(answers)),
                              documents=document_hashes(answers, self.register))

    # --- one method per notebook cell -----------------------------------------------------------

    def cover(self) -> HTMLFragment | Widget:
        """Title block: landlord, period, Code version, sign-off and overall progress.

        Interactive: the title block, kept as the answers are, followed by live progress, carry
        forward, sign-off and its history, and the "Produce report" button.
        """
        if self.interactive:
            import ipywidgets

            title = self.live.part("cover", lambda: views.cover(self.landlord, self.period, self.catalogue,
                                                                self.assessment))
            return ipywidgets.VBox([title, self.live.controls()])
        return views.cover(self.landlord, self.period, self.catalogue, self.assessment)

    def case_statistics(self) -> HTMLFragment:
        """Headline figures (CH01, CH02, ...), the quarterly table, charts, breakdowns and definitions."""
        return views.case_statistics(self.period, self.stats, self.case_log)

    def section(self, number: int) -> HTMLFragment | Widget:
        """One Code section: each provision with its requirement, answer and flags.

        Interactive: a panel whose form is built when the auditor opens it.
        """
        if self.interactive:
            return self.live.section(number)
        assessment = self.assessment
        return views.section(self.catalogue, number, assessment, self.figures_by_provision, self.as_of,
                             self.findings(assessment), self.register)

    def data_quality(self) -> HTMLFragment:
        """Every problem in the case log, what it kept the complaint out of, and rows read = complaints
        counted + rows excluded whole."""
        return views.data_quality(self.case_log, self.catalogue.code)

    def executive_summary(self) -> HTMLFragment | Widget:
        """Counts by status, the No and Partial provisions with their actions, and headline figures.

        Interactive: kept as the answers are.
        """
        if self.interactive:
            return self.live.part("executive-summary", self._executive_summary)
        return self._executive_summary()

    def _executive_summary(self) -> HTMLFragment:
        assessment = self.assessment
        return views.executive_summary(self.landlord, self.period, self.catalogue, assessment, self.stats,
                                       self.case_log, self.as_of, self.findings(assessment))

    def action_plan(self) -> HTMLFragment | Widget:
        """Every action against a provision: owner, due date, and whether done, open or overdue.

        Interactive: kept as the answers are.
        """
        if self.interactive:
            return self.live.part("action-plan", self._action_plan)
        return self._action_plan()

    def _action_plan(self) -> HTMLFragment:
        return views.action_plan(self.catalogue, self.assessment, self.as_of)

    def evidence_register(self) -> HTMLFragment | Widget:
        """Appendix: every document in the evidence register and the provisions citing it; the
        references naming no document in it, and its documents nothing cites.

        Interactive: kept as the answers are.
        """
        def part() -> HTMLFragment:
            return views.evidence_register(self.catalogue, self.assessment, self.register)

        return self.live.part("evidence-register", part) if self.interactive else part()

    def provenance(self) -> dict[str, Any]:
        """What this run read: parameters, Code version, product version and each input file's SHA-256."""
        return record.provenance(landlord=self.landlord, period=self.period, catalogue=self.catalogue,
                                 case_log=self.case_log, interactive=self.interactive, as_of=self.as_of)

    def metrics(self) -> dict[str, Any]:
        """Machine-readable figures: case statistics, answer counts by status, actions, findings and provenance."""
        assessment = self.assessment
        return record.metrics(landlord=self.landlord, period=self.period, catalogue=self.catalogue,
                              assessment=assessment, case_log=self.case_log, stats=self.stats,
                              interactive=self.interactive, as_of=self.as_of, findings=self.findings(assessment))

    def run_record(self) -> RunRecord:
        """The metrics as a notebook output; a batch run writes it to ``metrics.json``."""
        return record.run_record(self.landlord, self.period, self.metrics())


def open_workbook(landlord: str, period: str, inputs_dir: str | Path, interactive: bool = False,
                  as_of: str | dt.date | None = None, outputs_dir: str | Path | None = None) -> Workbook:
    """Load a landlord's configuration for a period; errors name the file and the problem.

    ``as_of`` is the date actions' states are judged at: ``None`` for today, or an ISO date
    (``"2025-06-01"``) to reproduce a report exactly. ``outputs_dir`` is where the interactive
    "Produce report" button has the batch write (``None``: ``outputs/`` beside ``inputs_dir``).
    """
    show_audit_errors_briefly()
    when = parse_as_of(as_of)
    entry = load_landlord(Path(inputs_dir), landlord)
    parsed = Period.parse(period)
    return Workbook(
        landlord=entry,
        period=parsed,
        catalogue=load_catalogue(entry.code_for(parsed)),
        interactive=interactive,
        as_of=when,
        outputs_dir=Path(outputs_dir) if outputs_dir is not None else None,
    )
