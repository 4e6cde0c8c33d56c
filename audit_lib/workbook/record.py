"""A landlord's run record: its machine-readable figures and the provenance of what the run read.

The batch writes the record to ``metrics.json``; the group roll-up (:mod:`audit_lib.group`)
reads it back, statuses and action dates included, so it need not parse an answers file that
has not changed since (same SHA-256 as recorded under ``provenance.inputs.answers``).

It also holds the findings (:mod:`audit_lib.findings`) as they were when the run computed them:
``findings`` (each as :meth:`~audit_lib.findings.model.Finding.as_json` gives it: provision,
severity, code, message in words with the figures, the figures, and the auditor's response) and
``findings_counts`` (per severity, and the contradicted findings with no response). A finding's
message and figures are counts, rates and words the rules wrote, never a case log's free text.

``year_on_year`` says which period and Code the answers were compared with and how many
provisions moved each way (:class:`~audit_lib.assessment.year_on_year.Movement` codes;
``counts`` is ``None`` when there was nothing to compare with), and ``figures_by_period`` lists
the headline figures of every period the case log covers, each under its own Code
(:meth:`~audit_lib.stats.by_period.PeriodFigures.as_json`): counts, rates and reason codes only,
no case log's value.

``annual_report`` says whether the period's annual complaints performance and service
improvement report (:mod:`audit_lib.annual`) has everything Code 8.1 and 8.2 ask for:
``complete``, its ``gaps`` (each as :meth:`~audit_lib.annual.completeness.Gap.as_json` gives
it) and ``records_sha256``, the SHA-256 of the landlord's annual records file as read, the same
bytes the gaps were worked out from (``None``: no file yet). A records file that cannot be read
is a gap (``records-unreadable``, whose message says why and how to put it right), not complete,
its ``problem`` says why (``None`` otherwise), and the self-assessment's run goes on. The annual
report's own run record holds the same entry (:func:`annual_report_status`, from one reading of
the file: :func:`read_annual_records`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..annual import records as annual_records
from ..annual.completeness import Gap, completeness, is_complete
from ..annual.records import ANNUAL_FOLDER, AnnualRecords, empty_records, records_file
from ..assessment.actions import action_counts, action_rows
from ..assessment.answers import Assessment
from ..assessment.checks import answer_flags
from ..assessment.progress import answered_as, progress
from ..assessment.year_on_year import YearOnYear
from ..cases.load import CaseLog
from ..code.catalogue import Catalogue
from ..config.landlords import Landlord
from ..core.io import sha256_of
from ..core.paths import CONFIG_FILE, EVIDENCE_REGISTER, REGISTRY_FILE, evidence_dir
from ..core.periods import Period
from ..errors import AuditError
from ..findings.assess import counts, unanswered_contradictions
from ..findings.model import Finding
from ..report.provenance import RunRecord, base_provenance, file_entry
from ..stats.by_period import PeriodFigures
from ..stats.results import CaseStatistics
from .views import period_coverage


def provenance(*, landlord: Landlord, period: Period, catalogue: Catalogue, case_log: CaseLog, interactive: bool,
               as_of: dt.date) -> dict[str, Any]:
    """What the run read: parameters, Code version, product version and each input file's SHA-256."""
    inputs = landlord.folder.parent
    record = base_provenance(
        catalogue.code, {"landlord": landlord.id, "period": period.id, "interactive": interactive}, as_of
    )
    record["inputs"] = {
        "registry": file_entry(inputs / REGISTRY_FILE, inputs),
        "configuration": file_entry(landlord.folder / CONFIG_FILE, inputs),
        "case_log": {"file": landlord.case_log_path.relative_to(inputs).as_posix(), "sha256": case_log.sha256},
        "answers": file_entry(landlord.answers_path(period.id), inputs),
        # the year on year reads it (sha256 None: last period has no answers file)
        "answers_last_period": file_entry(landlord.answers_path(period.previous.id), inputs),
        # the findings on the evidence read it (sha256 None: the landlord keeps no register)
        "evidence_register": file_entry(evidence_dir(landlord.folder) / EVIDENCE_REGISTER, inputs),
    }
    return record


def metrics(*, landlord: Landlord, period: Period, catalogue: Catalogue, assessment: Assessment, case_log: CaseLog,
            stats: CaseStatistics, interactive: bool, as_of: dt.date, findings: Sequence[Finding] = (),
            year_on_year: YearOnYear | None = None,
            figures_by_period: Sequence[PeriodFigures] = (),
            annual_report: dict[str, Any] | None = None) -> dict[str, Any]:
    """Machine-readable figures: case statistics, answer counts by status, actions, findings, the
    movement since last period (``None`` when not given), the headline figures by period, the
    annual report's completeness (:func:`annual_report_status`; ``None`` when not given) and provenance."""
    provisions = catalogue.provisions
    done = progress(assessment, provisions)
    flagged = sum(
        1 for p in provisions
        if any(f.code != "unanswered" for f in answer_flags(assessment.answer(p.id), as_of, provision=p))
    )
    return {
        "landlord": {"id": landlord.id, "name": landlord.name, "homes": landlord.homes},
        "period": period.id,
        "code": catalogue.code,
        "assessment": {
            "state": assessment.state,
            "provisions": done.total,
            "answered": done.answered,
            "by_status": {**done.counts, "Not assessed": done.total - done.answered},
            "with_review_flags": flagged,
            "actions": action_counts(action_rows(assessment, provisions, as_of)),
            "statuses": {p.id: answered_as(p, assessment.answer(p.id)) for p in provisions},
            "unconfirmed": [p.id for p in provisions if not assessment.answer(p.id).confirmed],
            "action_dates": [
                {"provision": p.number, "due": a.due.isoformat() if a.due else None, "done": a.done}
                for p in provisions for a in assessment.answer(p.id).actions
            ],
        },
        "case_log": {"rows_read": case_log.rows_read, "complaints_counted": case_log.complaints,
                     "excluded_rows": case_log.excluded_rows},
        "case_statistics": stats.to_json(),
        "findings": [finding.as_json(response_text=False) for finding in findings],
        "findings_counts": findings_counts(findings),
        "year_on_year": None if year_on_year is None else year_on_year.as_json(),
        "figures_by_period": [figures.as_json() for figures in figures_by_period],
        "annual_report": annual_report,
        "provenance": provenance(landlord=landlord, period=period, catalogue=catalogue, case_log=case_log,
                                 interactive=interactive, as_of=as_of),
    }


def has_self_assessment(assessment: Assessment, catalogue: Catalogue) -> bool:
    """Whether the period's self-assessment is there for the annual report to append (Code 8.1 a):
    at least one provision answered."""
    return progress(assessment, catalogue.provisions).answered > 0


def has_figures(period: Period, stats: CaseStatistics, case_log: CaseLog) -> bool:
    """Whether the case log gave figures for the period (Code 8.1 b): it has something in it."""
    coverage = period_coverage(period, stats, case_log)
    return coverage is None or not coverage.empty


@dataclass(frozen=True)
class AnnualRecordsRead:
    """A landlord's annual records for a period, read once (:func:`read_annual_records`)."""

    #: The records (empty when there is no file, or when it cannot be read).
    records: AnnualRecords
    #: ``inputs/<landlord>/annual/<period>.yaml``, relative to the inputs folder (as provenance names inputs).
    file: str
    #: The SHA-256 of the bytes the records were read from (``None``: no file).
    sha256: str | None
    #: Why the file cannot be read (the load error, naming the file as :attr:`file` does), or ``None``.
    problem: str | None = None


def read_annual_records(landlord: Landlord, period: Period) -> AnnualRecordsRead:
    """The landlord's annual records for ``period``, their file's SHA-256 and why they cannot be
    read, if so (never raised: the annual report's problem never stops the self-assessment, nor
    the annual report, which shows it as a gap).

    The file is read once: its SHA-256 is of the very bytes parsed (strict UTF-8 decoding loses
    nothing, so the text read encodes back to them), so an edit saved meanwhile cannot make the
    digest disagree with the records. A file whose bytes are not UTF-8 is hashed as it is.
    """
    inputs = landlord.folder.parent
    file = (landlord.folder / ANNUAL_FOLDER / f"{period.id}.yaml").relative_to(inputs).as_posix()
    path: Path | None = None
    digest: str | None = None
    try:
        path = records_file(landlord.folder, period)
        if not os.path.lexists(path):
            return AnnualRecordsRead(empty_records(landlord.id, period.id), file, None)
        text = annual_records.read_file_text(path)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        records = annual_records.parse_records(text, path, landlord.id, period.id)
    except AuditError as exc:
        if digest is None and path is not None and path.is_file() and not path.is_symlink():
            digest = sha256_of(path)  # not text: nothing was parsed, the file is hashed as it is
        problem = f"{_inside(Path(exc.path), inputs)}: {exc.message}" if exc.path is not None else exc.message
        return AnnualRecordsRead(empty_records(landlord.id, period.id), file, digest, problem)
    return AnnualRecordsRead(records, file, digest)


def _inside(path: Path, inputs: Path) -> str:
    """The file a message is about, named from the inputs folder (the records file, its lock or its
    history; never the machine's folders above it)."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(inputs)).as_posix()  # links not followed
    except ValueError:
        return path.name


def annual_gaps(records: AnnualRecords, *, period: Period, catalogue: Catalogue, assessment: Assessment,
                stats: CaseStatistics, case_log: CaseLog, as_of: dt.date, unreadable: str | None = None) -> list[Gap]:
    """What the period's annual report lacks (:func:`~audit_lib.annual.completeness.completeness`),
    with the self-assessment and the figures judged as above and orders' due dates at ``as_of``;
    ``unreadable``: why the records file cannot be read, if so (one gap in place of its parts')."""
    return completeness(records, has_self_assessment=has_self_assessment(assessment, catalogue),
                        figures_available=has_figures(period, stats, case_log), as_of=as_of, unreadable=unreadable)


def annual_report_status(*, landlord: Landlord, period: Period, catalogue: Catalogue, assessment: Assessment,
                         stats: CaseStatistics, case_log: CaseLog, as_of: dt.date,
                         read: AnnualRecordsRead | None = None) -> dict[str, Any]:
    """The ``annual_report`` entry of the run record: whether the annual report is complete, its
    gaps and the records file's SHA-256, from the landlord's annual records for the period
    (``read``: as already read, else read here, once). A records file that cannot be read is one
    gap (``records-unreadable``), not complete, with the reason as ``problem``."""
    read = read if read is not None else read_annual_records(landlord, period)
    gaps = annual_gaps(read.records, period=period, catalogue=catalogue, assessment=assessment, stats=stats,
                       case_log=case_log, as_of=as_of, unreadable=read.problem)
    return {"complete": is_complete(gaps), "gaps": [gap.as_json() for gap in gaps], "records_sha256": read.sha256,
            "problem": read.problem}


def findings_counts(findings: Sequence[Finding]) -> dict[str, int]:
    """How many findings of each severity (``contradicted``, ``caution``, ``evidence``), and
    ``unanswered_contradictions``: the contradicted findings with no response (which refuse approval)."""
    return {**counts(findings), "unanswered_contradictions": len(unanswered_contradictions(findings))}


def run_record(landlord: Landlord, period: Period, figures: dict[str, Any]) -> RunRecord:
    """The figures as a notebook output, with a one-line summary for people."""
    answered = figures["assessment"]["answered"]
    return RunRecord(
        figures,
        f"Run record of {landlord.name}, {period.id}: {answered} of "
        f"{figures['assessment']['provisions']} provisions answered; a batch run writes it to metrics.json.",
    )
