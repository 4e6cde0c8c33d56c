"""The report's HTML parts: each function takes the loaded data and returns one fragment.

Nothing here reads a file: :class:`~audit_lib.workbook.facade.Workbook` loads the landlord's
inputs once and passes them in. The rules (flags, progress, action states) come from
:mod:`audit_lib.assessment`; the figures from :mod:`audit_lib.stats`; the findings (where the
data or the evidence questions an answer) from :mod:`audit_lib.findings`, computed by the
façade and passed in; number formats are the template filters of :mod:`audit_lib.report.render`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..assessment.actions import action_counts, action_rows, plan_order, shortfalls
from ..assessment.answers import Answer, Assessment
from ..assessment.checks import answer_flags
from ..assessment.progress import progress
from ..assessment.signoff import ROLES, describe_event, describe_override, describe_signature, signoff_events
from ..assessment.year_on_year import Movement, YearOnYear
from ..cases.load import CaseLog
from ..code.catalogue import Catalogue, Provision
from ..code.timescales import stages
from ..config.landlords import Landlord
from ..core.periods import Period, uk_date
from ..core.personal import may_be_contact_details
from ..evidence.register import Document, EvidenceRegister, cited_documents, is_web_link
from ..findings.assess import by_provision, unanswered_contradictions
from ..findings.assess import counts as finding_counts
from ..findings.evidence_quality import SIGNATURE_WORDS, latest_recorded_documents
from ..findings.model import Finding, FindingCode, Severity
from ..report.charts import all_charts
from ..report.render import BADGE_CLASS, HTMLFragment, render
from ..stats.by_period import PeriodFigures, log_span
from ..stats.definitions import definitions, kept_out_of
from ..stats.quarterly import quarterly_table
from ..stats.results import CaseStatistics

if TYPE_CHECKING:
    from ..stats.proposals import Proposal


def cover(landlord: Landlord, period: Period, catalogue: Catalogue, assessment: Assessment, *,
          appended: bool = False) -> HTMLFragment:
    """Title block: landlord, period, Code version, sign-off (each signature with the user who gave
    it, an approval's override and its reason, and the sign-off history with every signature
    replaced and every reopening and its reason) and overall progress. ``appended``: as another
    report appends it (the annual report, Code 8.1 a): its title an ``<h3>``, without the stylesheet."""
    approved = assessment.signoff.approved
    return HTMLFragment(render(
        "cover",
        appended=appended,
        landlord=landlord,
        period=period,
        catalogue=catalogue,
        assessment=assessment,
        signatures={role: describe_signature(s) if (s := getattr(assessment.signoff, role)) else None
                    for role in ROLES},
        override=describe_override(approved.override) if approved and approved.override else None,
        signoff_history=[(event.at, describe_event(event)) for event in signoff_events(assessment)],
        progress=progress(assessment, catalogue.provisions),
    ))


@dataclass(frozen=True)
class Coverage:
    """What the case log holds for the period, when that needs saying before any figure."""

    empty: bool  # nothing at all in the period: no figures are shown, only the message
    message: str


def period_coverage(period: Period, stats: CaseStatistics, case_log: CaseLog) -> Coverage | None:
    """A plain note when the case log has nothing in ``period`` (its figures would all be zero) or no
    complaint received in it (its figures come only from earlier complaints); ``None`` otherwise."""
    year = stats.year
    if year.stage1_received + year.refused:
        return None
    source = case_log.source.name
    acks = sum(rate.total for rate in (year.stage1_ack, year.stage2_ack) if rate is not None)
    steps = (year.stage2_received + acks + year.stage1_response.total
             + year.stage2_response.total + year.stage1_responded + year.stage2_responded
             + year.ombudsman_determinations)
    if steps:
        return Coverage(False, f"No new complaint in the case log was received in {period.id}: the figures below "
                               "come only from complaints received before it. If the period's complaints should be "
                               f"here, check that the case log {source} is {period.id}'s export.")
    still_open = stats.open_at_end.stage1_open + stats.open_at_end.stage2_open
    open_note = (f" ({still_open:,} complaint{'s' if still_open != 1 else ''} received earlier "
                 f"{'are' if still_open != 1 else 'is'} still recorded as open at its end)" if still_open else "")
    held = (f"It holds {stats.complaints_counted:,} complaints, all from other periods: check that it is "
            f"{period.id}'s export" if stats.complaints_counted else "It holds no complaints at all: check that "
            "the export is complete")
    return Coverage(True, f"The case log {source} has nothing in {period.id}: no complaint was received, "
                          f"escalated, acknowledged or answered in the period{open_note}, so there are no figures "
                          f"to show. {held} (the landlord's landlord.yaml names the file).")


def case_statistics(period: Period, stats: CaseStatistics, case_log: CaseLog) -> HTMLFragment:
    """Headline figures (CH01, CH02, ...), the quarterly table, charts, breakdowns and definitions;
    when the case log has nothing in the period, a plain note instead of zeros."""
    headings, rows = quarterly_table(stats)
    labels = [q.label for q in period.quarters] + [period.label]
    return HTMLFragment(render(
        "case_statistics",
        period=period,
        stats=stats,
        headings=list(zip(headings, labels)),
        rows=rows,
        charts=all_charts(stats),
        source_name=case_log.source.name,
        sha256=case_log.sha256,
        stages=stages(stats.code),
        has_problems=len(case_log.exclusions) > 0,
        coverage=period_coverage(period, stats, case_log),
    ))


def document_title(document: Document) -> str:
    """How a citation names a document: its title, and its version when it has one."""
    return f"{document.title}, version {document.version}" if document.version else document.title


#: The register document an evidence reference cites, or ``None`` (``EvidenceRegister.resolve``).
Resolve = Callable[[str | None], Document | None]


def citations(answer: Answer, resolve: Resolve | None) -> list[dict[str, Any] | None]:
    """For each evidence item of ``answer``, in order, the document its reference cites (``id``,
    ``title``; ``href`` for a web link the register holds; ``place``, the place within the
    document the reference adds after the id, e.g. ``s3``), or ``None`` when the reference cites
    no register document (the reference is then shown as typed)."""
    shown: list[dict[str, Any] | None] = []
    for item in answer.evidence:
        document = resolve(item.reference) if resolve is not None else None
        if document is None or item.reference is None:
            shown.append(None)
            continue
        place = item.reference.strip()[len(document.id):].strip()
        shown.append({"id": document.id, "title": document_title(document), "href": web_link(document.url),
                      "place": place})
    return shown


#: A provision's tier (the 2022 Code's must / should) in words, as its badge says it.
TIER_WORDS = {"must": "Must", "should": "Should"}

#: What a tiered Code's section heading says under its title (the 2022 form's two lists in one).
TIERS_HEADING = "Mandatory 'must' and best practice 'should' requirements"


@dataclass(frozen=True)
class NewProvision:
    """A provision of this Code that no provision of the Code the answers were carried from leads
    to (its crosswalk lists it as new), and the crosswalk's note on what is new."""

    code: str  # this Code, e.g. "2024"
    older: str  # the Code the answers were carried from, e.g. "2022"
    note: str

    @property
    def words(self) -> str:
        """``New in 2024: no 2022 provision leads to this one — <note>``."""
        note = f" — {self.note}" if self.note else ""
        return f"New in {self.code}: no {self.older} provision leads to this one{note}"


def carried_lines(answer: Answer) -> list[str]:
    """Where a draft carried across Code versions came from, one line per older provision: in full
    while it is not confirmed (``Carried from the 2022 Code: 5.1 (split) — <note>``), then quieter
    (``From 2022 5.1 (split)``)."""
    lines = []
    for carried in answer.carried:
        code, _, number = carried.provision.partition(":")
        if not number:  # an id without its version: the number alone
            code, number = "", code
        kind = f" ({carried.kind})" if carried.kind else ""
        if answer.confirmed:
            lines.append(f"From {code} {number}{kind}" if code else f"From {number}{kind}")
        else:
            where = f"the {code} Code" if code else "an older Code"
            note = f" — {carried.note}" if carried.note else ""
            lines.append(f"Carried from {where}: {number}{kind}{note}")
    return lines


def provision_row(provision: Provision, answer: Answer, figures: Sequence[str], as_of: dt.date | None,
                  findings: Iterable[Finding] = (), resolve: Resolve | None = None, *,
                  proposal: Proposal | None = None, new: NewProvision | None = None) -> dict[str, Any]:
    """What the report's section table and the workbook's card show of one provision.

    ``findings`` are this provision's (worst first, each with the auditor's response if any);
    the card and the table draw them under the key ``findings``. ``resolve`` finds the register
    document an evidence reference cites: both show it by its title (``citations``).

    Under any Code version: the provision's tier (``tier``: "Must" / "Should", or ``None``); for a
    question asking for a figure or a written answer (``value_question``), the answer's value, the
    answer the case log proposes (``proposal``) and, when the value is the proposal, its basis
    (``value_basis``); where a draft was carried from an older Code (``carried``: one line per
    older provision, see :func:`carried_lines`); and, for a provision new in this Code since the
    answers were carried from an older one, ``new`` (the line saying so).
    """
    value_basis = (proposal.basis if proposal is not None and answer.value is not None
                   and answer.value == proposal.value else None)
    carried = carried_lines(answer)
    flags = answer_flags(answer, as_of, provision=provision)
    if carried and not answer.confirmed:  # the carried lines say it, with where from
        flags = [f for f in flags if f.code != "unconfirmed"]
    return {
        "provision": provision,
        "answer": answer,
        "badge": BADGE_CLASS.get(answer.status.value, "none") if answer.status else "none",
        "flags": flags,
        "figures": list(figures),
        "findings": [f for f in findings if f.provision == provision.id],
        "citations": citations(answer, resolve),
        "tier": TIER_WORDS.get(provision.tier or ""),
        "value_question": provision.asks_for_value,
        "proposal": proposal,
        "value_basis": value_basis,
        "carried": carried,
        "new": new.words if new is not None else None,
    }


def section(catalogue: Catalogue, number: int, assessment: Assessment,
            figures_by_provision: Mapping[str, Sequence[str]], as_of: dt.date | None = None,
            findings: Iterable[Finding] = (), register: EvidenceRegister | None = None, *,
            proposals: Mapping[str, Proposal] | None = None,
            new: Mapping[str, NewProvision] | None = None) -> HTMLFragment:
    """One Code section: each provision with its requirement, answer (evidence cited from the
    ``register`` shown by its title), review flags (actions judged at ``as_of``, default today),
    case figures, and its findings with the auditor's responses.

    Under a tiered Code (2022) the heading says "Mandatory 'must' and best practice 'should'
    requirements" and each provision its tier; subsections (the 2022 Code's Stage 1, 2, 3) are
    sub-headings. ``proposals`` (by provision number) are the answers the case log proposes to
    questions asking for a figure; ``new`` (by number) the provisions new in this Code since the
    answers were carried from an older one. A section the Code does not have is an empty fragment
    (the 2020 and 2022 Codes have eight): nothing shown, nothing in the report.
    """
    if number not in {s.number for s in catalogue.sections}:
        return HTMLFragment("")
    part = catalogue.section(number)
    provisions = catalogue.provisions_in(number)
    grouped = by_provision(findings)
    proposed = proposals or {}
    fresh = new or {}
    rows = []
    previous_sub = None
    for provision in provisions:
        row = provision_row(provision, assessment.answer(provision.id), figures_by_provision.get(provision.number, []),
                            as_of, grouped.get(provision.id, []), register.resolve if register is not None else None,
                            proposal=proposed.get(provision.number), new=fresh.get(provision.number))
        row["subsection_start"] = provision.subsection if provision.subsection != previous_sub else None
        rows.append(row)
        previous_sub = provision.subsection
    return HTMLFragment(render(
        "section", section=part, rows=rows, progress=progress(assessment, provisions),
        tiers=TIERS_HEADING if catalogue.has_tiers else None,
        questions=any(p.asks_for_value for p in catalogue.provisions),  # the column's heading, one per Code
    ))


def _kept_out(figures: list[str]) -> str:
    return ("Kept out of: " + "; ".join(figures) if figures else
            "Counted in every figure: no figure under this Code needs the field")


def data_quality(case_log: CaseLog, code: str) -> HTMLFragment:
    """Every problem found in the case log, with what it did: the row excluded whole, or the
    figures (under Code version ``code``) the complaint was kept out of; and the reconciliation
    rows read = complaints counted + rows excluded whole."""
    problems = [
        {**e, "effect": "Row excluded whole" if e["excluded"] else
         (_kept_out(kept_out_of(e["unknown"], code)) if e["unknown"]
          else "Counted; the value is read as not recorded")}
        for e in case_log.exclusions.to_dict("records")
    ]
    return HTMLFragment(render(
        "data_quality",
        exclusions=problems,
        excluded_rows=case_log.excluded_rows,
        complaints=case_log.complaints,
        rows_read=case_log.rows_read,
        dropped_columns=shown_column_names(case_log.dropped_columns),
    ))


def shown_column_names(names: Sequence[str]) -> list[str]:
    """The names of an export's columns as a report may show them: a name that may hold a
    resident's contact details (an export with a row of data among its column names) is not shown."""
    hidden = sum(may_be_contact_details(name) for name in names)
    shown = [name for name in names if not may_be_contact_details(name)]
    if hidden:
        shown.append(f"{hidden} column(s) whose names are not shown (they may hold contact details)")
    return shown


def _code_words(code: FindingCode) -> str:
    """A finding's code in words (``evidence-without-document`` -> ``evidence without document``)."""
    return code.value.replace("-", " ")


@dataclass(frozen=True)
class FindingsSummary:
    """What the executive summary says of the findings: counts, the questioned answers, the evidence."""

    counts: dict[str, int]  # by severity value, every severity, worst first
    questioned: list[Finding]  # contradicted, then caution; each in the Code's order
    unanswered: int  # contradicted findings with no response recorded
    evidence_findings: int
    evidence_provisions: int  # how many provisions have an evidence finding
    common_codes: list[tuple[str, int]]  # the evidence findings' most common codes, in words, with counts
    no_figures: bool  # there were no case figures to check the answers against


def findings_summary(findings: Sequence[Finding], no_figures: bool = False) -> FindingsSummary:
    """The findings as the executive summary reports them (``no_figures``: no case figures for the period)."""
    questioned = sorted((f for f in findings if f.severity is not Severity.EVIDENCE),
                        key=lambda f: f.severity.rank)  # stable: the Code's order within a severity
    evidence = [f for f in findings if f.severity is Severity.EVIDENCE]
    common = Counter(f.code for f in evidence).most_common()
    return FindingsSummary(
        counts=finding_counts(findings),
        questioned=questioned,
        unanswered=len(unanswered_contradictions(findings)),
        evidence_findings=len(evidence),
        evidence_provisions=len({f.provision for f in evidence}),
        common_codes=[(_code_words(code), n) for code, n in common[:3]],
        no_figures=no_figures,
    )


def executive_summary(landlord: Landlord, period: Period, catalogue: Catalogue, assessment: Assessment,
                      stats: CaseStatistics, case_log: CaseLog, as_of: dt.date,
                      findings: Sequence[Finding] | None = None) -> HTMLFragment:
    """Counts by status, the No and Partial provisions with their actions, where the data questions
    the answers (``findings``; the part is left out when ``None``), and headline figures."""
    done = progress(assessment, catalogue.provisions)
    coverage = period_coverage(period, stats, case_log)
    status_counts = [(status, BADGE_CLASS.get(status, "value"), n) for status, n in done.counts.items()]
    status_counts.append(("Not assessed", "none", done.total - done.answered))
    return HTMLFragment(render(
        "executive_summary",
        landlord=landlord,
        homes=landlord.homes,
        period=period,
        catalogue=catalogue,
        assessment=assessment,
        progress=done,
        status_counts=status_counts,
        shortfalls=shortfalls(assessment, catalogue.provisions, as_of),
        counts=action_counts(action_rows(assessment, catalogue.provisions, as_of)),
        badge=BADGE_CLASS,
        stats=stats,
        complaints_counted=stats.complaints_counted,
        excluded_rows=case_log.excluded_rows,
        as_of=as_of,
        coverage=coverage,
        findings=None if findings is None else findings_summary(findings, bool(coverage and coverage.empty)),
        approved=assessment.signoff.approved is not None,
        severities=list(Severity),
    ))


def action_plan(catalogue: Catalogue, assessment: Assessment, as_of: dt.date) -> HTMLFragment:
    """Every action against a provision: owner, due date, and whether done, open or overdue."""
    rows = action_rows(assessment, catalogue.provisions, as_of)
    return HTMLFragment(render(
        "action_plan", rows=plan_order(rows), counts=action_counts(rows), as_of=as_of, badge=BADGE_CLASS
    ))


def web_link(url: str | None) -> str | None:
    """``url`` (trimmed) when it may be a link in a report: an ``http`` or ``https`` address the
    register accepts (:func:`~audit_lib.evidence.register.is_web_link`); ``None`` otherwise, so a
    ``javascript:`` or ``file:`` address, even one edited into the register by hand, is shown as
    text and never becomes a link."""
    return url.strip() if url is not None and is_web_link(url) else None


@dataclass(frozen=True)
class RegisterRow:
    """One document of the register as the appendix lists it, with the provisions citing it."""

    document: Document
    href: str | None  # the document's address when it may be a link (see :func:`web_link`)
    sha256_short: str | None  # the first 12 hex digits of a file's SHA-256
    cited_by: list[str]  # provision numbers, in the Code's order
    #: What is wrong with it now, in words: its file missing, altered or unsafe, or changed since
    #: the latest signature that recorded the documents (``None``: nothing).
    problem: str | None = None


def evidence_register(catalogue: Catalogue, assessment: Assessment, register: EvidenceRegister | None) -> HTMLFragment:
    """Appendix: every document in the evidence register (id, title, version, date, owner, its
    address or its file's name and SHA-256, never its contents) and the provisions citing it; then
    the references that name no document in the register (a web link given as the reference
    among them, linked), and the documents nothing cites.

    ``register`` is ``None`` when the landlord keeps none: every reference is then one not in it.
    """
    numbers = {p.id: p.number for p in catalogue.provisions}
    order = {p.id: i for i, p in enumerate(catalogue.provisions)}

    def in_order(provision_ids: Iterable[str]) -> list[str]:
        unique = sorted(set(provision_ids), key=lambda pid: (order.get(pid, len(order)), pid))
        return [numbers.get(pid, pid.split(":", 1)[-1]) for pid in unique]

    documents = dict(register.documents) if register is not None else {}
    cited = cited_documents(assessment, register)
    unresolved: dict[str, list[str]] = {}  # reference -> the provisions giving it
    links: dict[str, list[str]] = {}  # a web page given as the reference -> the provisions giving it
    for provision in catalogue.provisions:
        for item in assessment.answer(provision.id).evidence:
            reference = (item.reference or "").strip()
            if reference and (register is None or register.resolve(reference) is None):
                (links if web_link(reference) else unresolved).setdefault(reference, []).append(provision.id)
    problems = {p.document: p.message for p in register.verify()} if register is not None else {}
    role, signature = latest_recorded_documents(assessment)
    for doc_id, document in documents.items():
        recorded = signature.documents.get(doc_id) if signature is not None else None
        if doc_id not in problems and recorded is not None and recorded != document.sha256 and signature is not None:
            problems[doc_id] = (f"Changed since {SIGNATURE_WORDS.get(role or '', 'the sign-off')} of "
                                f"{uk_date(signature.date)}, which recorded SHA-256 {recorded[:12]}…")
    rows = [
        RegisterRow(document=document, href=web_link(document.url),
                    sha256_short=document.sha256[:12] if document.sha256 else None,
                    cited_by=in_order(cited.get(doc_id, [])), problem=problems.get(doc_id))
        for doc_id, document in documents.items()
    ]
    return HTMLFragment(render(
        "evidence_register",
        has_register=register is not None and (register.path.is_file() or bool(register.documents)),
        rows=rows,
        not_in_register=[(reference, in_order(citing)) for reference, citing in unresolved.items()],
        links=[(reference, web_link(reference), in_order(citing)) for reference, citing in links.items()],
        not_cited=[row.document for row in rows if not row.cited_by],
    ))


def year_on_year(catalogue: Catalogue, result: YearOnYear, show: str = "all") -> HTMLFragment:
    """This period's answers beside last period's, a table per section: last period's answer (when
    the Code changed, that of each older provision leading to the provision, with the kind of link),
    this period's, the movement and the crosswalk's note on what changed; the counts by movement
    first, and the older provisions no provision carries last. When there is nothing to compare
    with (no answers file for last period), a plain note instead. ``show``: ``"all"``, or the
    ``"summary"`` (heading, note, counts) or the ``"detail"`` (the tables) alone."""
    sections = []
    for part in catalogue.sections:
        rows = [row for row in result.rows if row.provision.section == part.number]
        if rows:
            sections.append((part, rows))
    return HTMLFragment(render(
        "year_on_year",
        result=result,
        show=show,
        sections=sections,
        counts=[(Movement(code).words, code, n) for code, n in result.counts.items() if n],
        badge=BADGE_CLASS,
    ))


def figures_by_period(period: Period, rows: Sequence[PeriodFigures], case_log: CaseLog,
                      landlord: Landlord) -> HTMLFragment:
    """The headline figures of every period the case log covers up to ``period``, one row per period
    naming its Code and how that Code counts the response deadlines; a period the log covers only in
    part is marked, and each Code's deadlines are written out under the table."""
    config = landlord.config
    codes = list(dict.fromkeys(row.code for row in rows))
    first, last = log_span(case_log)
    return HTMLFragment(render(
        "figures_by_period",
        period=period,
        rows=list(rows),
        first=first,
        last=last,
        source_name=case_log.source.name,
        homes=landlord.homes,
        deadlines=[(code, definitions(config.extension_policy, code, config.response_deadline)["deadlines"])
                   for code in codes],
    ))
