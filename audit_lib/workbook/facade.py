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

Under any version of the Code (the one the landlord's period is assessed against): a section the
Code does not have is an empty part (the notebook asks for sections 1 to 9; the 2020 and 2022
Codes have eight); the answers the case log proposes to the Code's questions asking for a figure
are worked out once per workbook (:attr:`Workbook.proposals`); and the provisions new in this
Code since the answers were carried from an older one are told by its crosswalk
(:meth:`Workbook.new_provisions`).

Year on year: last period's answers are read once (:attr:`Workbook.previous_assessment`; none
when it has no answers file) and set beside this period's through the crosswalk when the Code
changed (:meth:`Workbook.compared_with_last_period`); the headline figures of every period the
case log covers are worked out from the one loaded case log, each under its own Code
(:attr:`Workbook.period_figures`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..assessment.answers import Assessment
from ..assessment.answers_file import load_assessment
from ..assessment.signoff import SignatureFacts
from ..assessment.year_on_year import YearOnYear, load_previous_assessment, year_on_year
from ..cases.load import CaseLog, load_case_log
from ..code.catalogue import Catalogue, Provision, load_catalogue
from ..code.crosswalk import load_crosswalk
from ..code.versions import previous_version
from ..config.landlords import Landlord, load_landlord
from ..core.periods import FIRST_PERIOD, Period, parse_as_of
from ..errors import AuditError
from ..evidence.register import EvidenceRegister, document_hashes, load_register
from ..findings.assess import assess, unanswered_contradictions
from ..findings.model import Finding
from ..report.provenance import RunRecord
from ..report.render import HTMLFragment
from ..stats.by_period import PeriodFigures, figures_by_period
from ..stats.engine import landlord_statistics
from ..stats.proposals import Proposal
from ..stats.proposals import proposals as proposed_answers
from ..stats.provision_figures import provision_figures
from ..stats.results import CaseStatistics
from . import record, views
from .notebook_errors import show_audit_errors_briefly
from .views import NewProvision

if TYPE_CHECKING:
    from ipywidgets import Widget

    from ..annual.store import RecordsStore
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
    def proposals(self) -> dict[str, Proposal]:
        """The answers the case log proposes to the Code's questions asking for a figure (the 2020
        Code's "What proportion of complaints are resolved at stage 1?"), by provision number, for
        the auditor to confirm or change: worked out once per workbook from the case statistics.
        Empty for a Code without such questions (the case log is then not read for them)."""
        if not self.catalogue.proposals:
            return {}
        return proposed_answers(self.catalogue, self.stats)

    def proposal_for(self, provision: Provision) -> Proposal | None:
        """The answer the case log proposes to ``provision`` (a question asking for a figure), or ``None``."""
        return self.proposals.get(provision.number) if provision.code == self.catalogue.code else None

    def new_provisions(self, assessment: Assessment | None = None) -> Mapping[str, NewProvision]:
        """The provisions of this Code no provision of the older Code leads to (by number, with the
        crosswalk's note), when the answers (``assessment``, default as they are now) were carried
        from a period assessed against the previous version; else none."""
        answers = assessment if assessment is not None else self.assessment
        if not answers.carried_from:
            return {}
        # the Code the drafts came from, as the carry recorded it; else the one the registry names
        recorded = {item.provision.split(":", 1)[0] for answer in answers.answers.values() for item in answer.carried}
        if len(recorded) == 1:
            return _new_provisions(recorded.pop(), self.catalogue.code)
        try:
            period = Period.parse(answers.carried_from)
        except AuditError:  # a period id edited by hand: the period before this one
            period = self.period.previous
        try:
            older = self.landlord.code_for(period)
        except AuditError:  # a version the product does not have: nothing to flag against
            return {}
        return _new_provisions(older, self.catalogue.code)

    def new_in_code(self, provision: Provision) -> NewProvision | None:
        """Whether ``provision`` is new in this Code since the answers were carried from an older one."""
        return self.new_provisions().get(provision.number) if provision.code == self.catalogue.code else None

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
        forward, sign-off and its history, the "Produce report" button and the export buttons.
        """
        if self.interactive:
            import ipywidgets

            title = self.live.part("cover", lambda: views.cover(self.landlord, self.period, self.catalogue,
                                                                self.assessment))
            from . import look

            return ipywidgets.VBox([title, self.live.controls()], **look.of(ipywidgets.VBox))
        return views.cover(self.landlord, self.period, self.catalogue, self.assessment)

    def case_statistics(self) -> HTMLFragment:
        """Headline figures (CH01, CH02, ...), the quarterly table, charts, breakdowns and definitions."""
        return views.case_statistics(self.period, self.stats, self.case_log)

    def section(self, number: int) -> HTMLFragment | Widget:
        """One Code section: each provision with its requirement, answer and flags.

        Interactive: a panel whose form is built when the auditor opens it. A section the Code does
        not have (section 9 under the 2020 and 2022 Codes, which have eight) is an empty fragment:
        nothing shown, nothing in the report.
        """
        if number not in {s.number for s in self.catalogue.sections}:
            return HTMLFragment("")
        if self.interactive:
            return self.live.section(number)
        assessment = self.assessment
        return views.section(self.catalogue, number, assessment, self.figures_by_provision, self.as_of,
                             self.findings(assessment), self.register, proposals=self.proposals,
                             new=self.new_provisions(assessment))

    def annual_records(self) -> HTMLFragment | Widget:
        """The annual report's records (Code 8.1, 8.2, 9.5): the learning log, the Ombudsman's
        findings and publications, "none this year", the governing body's response, the Member
        Responsible for Complaints and the landlord's own qualitative analysis, with what the annual
        report still lacks at the top (:mod:`.annual_panel`).

        Interactive: a panel drawn when the auditor opens it, saving to the records store
        (``inputs/<landlord>/annual/<period>.yaml``). In a batch run: nothing (an empty fragment),
        so the self-assessment's report is unchanged; the annual report shows the records.
        """
        if not self.interactive:
            return HTMLFragment("")
        from ..annual.store import open_records_store
        from .annual_panel import AnnualRecordsPanel

        def store() -> RecordsStore:
            return open_records_store(self.landlord.folder, self.landlord.id, self.period.id)

        def suggest() -> str:
            from ..annual.analysis import annual_analysis
            from ..annual.themes import suggested_themes

            analysis = annual_analysis(self.case_log, self.landlord, self.period, self.stats, self.period_figures)
            return "\n\n".join(suggested_themes(analysis))

        return AnnualRecordsPanel(
            store, suggest=suggest, as_of=self.as_of,
            has_self_assessment=lambda: record.has_self_assessment(self.assessment, self.catalogue),
            figures_available=lambda: record.has_figures(self.period, self.stats, self.case_log)).widget

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

    # --- year on year ---------------------------------------------------------------------------

    @cached_property
    def previous_assessment(self) -> Assessment | None:
        """Last period's answers as saved, to the Code it was assessed against (``None``: it has no
        answers file); read once, as last period is not edited here."""
        if self.period.start_year <= FIRST_PERIOD:
            return None
        previous = self.period.previous
        code = self.landlord.code_for(previous)
        return load_previous_assessment(self.landlord.answers_path(previous.id), load_catalogue(code),
                                        self.landlord.id, previous.id)

    def compared_with_last_period(self, assessment: Assessment | None = None) -> YearOnYear:
        """The answers as they are now (or ``assessment``) beside last period's, provision by provision,
        through the crosswalk when the Code changed (:mod:`audit_lib.assessment.year_on_year`)."""
        previous = self.period.previous
        previous_code = self.landlord.code_for(previous)
        try:
            last = self.previous_assessment
        except AuditError as exc:  # last period's problem never stops this period's report
            return YearOnYear(period=self.period.id, code=self.catalogue.code, previous_period=previous.id,
                              previous_code=previous_code, assessed=True, rows=(),
                              problem=f"{previous.id}'s answers cannot be read, so they are not compared: {exc}")
        return year_on_year(assessment if assessment is not None else self.assessment, self.catalogue, last,
                            previous_period=previous.id, previous_code=previous_code)

    @cached_property
    def period_figures(self) -> list[PeriodFigures]:
        """The headline figures of every period the case log covers up to this one, each under its own
        Code (:mod:`audit_lib.stats.by_period`), from the one loaded case log; this period's are
        :attr:`stats`."""
        return figures_by_period(self.case_log, self.landlord, self.period, {self.period.id: self.stats})

    def year_on_year(self) -> HTMLFragment | Widget:
        """Last period's answer to each provision (through the crosswalk when the Code changed), this
        period's, the movement and what changed, with the counts by movement.

        Interactive: kept as the answers are; the table by provision drawn when asked for.
        """
        if not self.interactive:
            return views.year_on_year(self.catalogue, self.compared_with_last_period())
        return self.live.folded_part(
            "year-on-year", lambda: views.year_on_year(self.catalogue, self.compared_with_last_period(), "summary"),
            lambda: views.year_on_year(self.catalogue, self.compared_with_last_period(), "detail"),
            "Show each provision")

    def figures_by_period(self) -> HTMLFragment:
        """The headline figures (CH01, CH02, acknowledgement and response rates, escalation rate) of
        every period the case log covers, each under its own Code's timescales, the Code and its rule
        named per row. Not live: the figures do not depend on the answers."""
        return views.figures_by_period(self.period, self.period_figures, self.case_log, self.landlord)

    def provenance(self) -> dict[str, Any]:
        """What this run read: parameters, Code version, product version and each input file's SHA-256."""
        return record.provenance(landlord=self.landlord, period=self.period, catalogue=self.catalogue,
                                 case_log=self.case_log, interactive=self.interactive, as_of=self.as_of)

    def metrics(self) -> dict[str, Any]:
        """Machine-readable figures: case statistics, answer counts by status, actions, findings, the
        annual report's completeness (from the landlord's annual records) and provenance."""
        assessment = self.assessment
        return record.metrics(landlord=self.landlord, period=self.period, catalogue=self.catalogue,
                              assessment=assessment, case_log=self.case_log, stats=self.stats,
                              interactive=self.interactive, as_of=self.as_of, findings=self.findings(assessment),
                              year_on_year=self.compared_with_last_period(assessment),
                              figures_by_period=self.period_figures,
                              annual_report=record.annual_report_status(
                                  landlord=self.landlord, period=self.period, catalogue=self.catalogue,
                                  assessment=assessment, stats=self.stats, case_log=self.case_log, as_of=self.as_of))

    def run_record(self) -> RunRecord:
        """The metrics as a notebook output; a batch run writes it to ``metrics.json``."""
        return record.run_record(self.landlord, self.period, self.metrics())


@cache
def _new_provisions(older: str, newer: str) -> Mapping[str, NewProvision]:
    """The ``newer`` Code's provisions no ``older`` provision leads to, from the crosswalk between
    them: only when ``older`` is the version before ``newer`` (answers are carried one version at
    a time); none otherwise, or when both are the same."""
    if previous_version(newer) != older:
        return {}
    crosswalk = load_crosswalk(older, newer)
    return {number: NewProvision(code=newer, older=older, note=note) for number, note in crosswalk.new.items()}


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
