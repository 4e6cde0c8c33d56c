"""Each subsidiary as the roll-up sees it: its ``metrics.json``, its answers and its last run.

The figures come from the ``metrics.json`` the landlord's run wrote (never from the executed
notebooks). An answers file that is byte for byte the one that run read (same SHA-256 as
recorded in the file's provenance) is not parsed again: the statuses and action dates the run
recorded are used. One that changed since is parsed, and the subsidiary is flagged.

Besides the self-assessment, a subsidiary's set may hold its annual report and the PDFs of both
(``chc-audit run --report annual --pdf``): each is linked only when the complete set lists it.
Whether the annual report is complete is read from ``metrics.json`` (its ``annual_report`` key;
"not known" without one, :attr:`Member.annual_status`).

When a batch's run record exists, a subsidiary's report and figures are used only from a
complete set (its manifest and the files it lists, unchanged) made by the run the record names
(:func:`audit_lib.batch.outputs.verify_set`); anything else is shown as not current, with the
real reason (:func:`run_failure`): its latest run failed (with the one-line error ``run.json``
records), was interrupted or has not finished, it never ran, or its set is incomplete. A
subsidiary whose inputs cannot be read at all (an unknown Code version, a damaged answers file)
becomes a :class:`FailedMember` with its one-line reason; the others are reported as usual.

Each subsidiary's answers of the period before are read too (:func:`load_last_year`), under the
Code that period was assessed against, for its movement since last year (:mod:`.movement`); a
missing or unreadable file there is a reason shown beside it, never a failure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..assessment.answers import Assessment
from ..assessment.answers_file import load_assessment
from ..assessment.progress import answered_as
from ..batch.outputs import verify_set
from ..batch.runrecord import INTERRUPTED, load_run_record
from ..code.catalogue import Catalogue, load_catalogue
from ..config.landlords import LandlordEntry, Registry
from ..core.io import sha256_of
from ..core.paths import (
    ANNUAL_PDF_NAME,
    ANNUAL_REPORT_NAME,
    METRICS_NAME,
    REGISTRY_FILE,
    REPORT_NAME,
    REPORT_PDF_NAME,
    answers_file,
    landlord_input_dir,
    landlord_output_dir,
)
from ..core.periods import Period
from ..errors import AuditError
from ..report.provenance import base_provenance, file_entry

#: What ``metrics.json`` counts of a landlord's findings: by severity, and the contradicted ones with no response.
FINDINGS_COUNT_KEYS = ("contradicted", "caution", "evidence", "unanswered_contradictions")

#: The files of a landlord's set the index links (each only when the complete set lists it).
LINKED_FILES = (METRICS_NAME, REPORT_NAME, ANNUAL_REPORT_NAME, REPORT_PDF_NAME, ANNUAL_PDF_NAME)


@dataclass(frozen=True)
class AnnualStatus:
    """Whether a subsidiary's annual report has everything Code 8.1 and 8.2 ask for, as its run recorded it.

    ``gaps`` holds each gap's provision (``8.1 (c)``) and message, in the order recorded;
    ``problem`` why the landlord's annual records file could not be read (then ``complete`` is
    false and the one gap is ``records-unreadable``), ``None`` when it was read.
    """

    complete: bool
    gaps: tuple[tuple[str, str], ...]
    problem: str | None = None


#: (due, done) of one action.
ActionDate = tuple[dt.date | None, bool]
#: Statuses by provision id, sign-off state and action dates, from an answers file or ``metrics.json``.
#: Statuses by provision id, the sign-off state, action dates, and the provisions whose answer is a
#: draft carried forward and not yet confirmed.
Answers = tuple[dict[str, str | None], str, list[ActionDate], frozenset[str]]


@dataclass
class Member:
    """One subsidiary as the roll-up sees it: registry entry, figures, answers and last run."""

    entry: LandlordEntry
    catalogue: Catalogue
    metrics: dict[str, Any] | None
    statuses: dict[str, str | None] | None  # provision id -> status; None when the answers are unreadable
    state: str | None  # Draft, Prepared, Reviewed or Approved
    action_dates: list[ActionDate]  # (due, done) of every action
    problems: list[str]
    run: dict[str, Any] | None
    report: str | None  # link relative to the index page
    metrics_link: str | None
    metrics_sha256: str | None = None  # of the metrics.json read (None when there is none)
    no_report: str | None = None  # why no report is linked (None when one is)
    last_year: LastYear | None = None  # the period before's answers, for the movement since (None: not read)
    #: Provisions whose answer is a draft carried forward and not yet confirmed.
    unconfirmed: frozenset[str] = frozenset()
    annual_report: str | None = None  # the annual report's link (None: not produced in its current set)
    report_pdf: str | None = None  # the self-assessment's PDF's link
    annual_pdf: str | None = None  # the annual report's PDF's link
    #: Whether its current set is one the index presents (then a missing annual report was not asked for).
    current: bool = False

    @property
    def annual_status(self) -> AnnualStatus | None:
        """Whether its annual report is complete, its gaps and why its records could not be read, if
        so, from ``metrics.json``'s ``annual_report``; ``None`` when not known (no figures, or figures
        from a release before annual reports)."""
        value = (self.metrics or {}).get("annual_report")
        if not isinstance(value, dict) or not isinstance(value.get("complete"), bool):
            return None
        gaps: list[tuple[str, str]] = []
        recorded = value.get("gaps")
        for gap in recorded if isinstance(recorded, list) else []:
            if not isinstance(gap, dict):
                continue
            label = gap.get("label")
            if not isinstance(label, str):
                provision, part = gap.get("provision"), gap.get("part")
                label = f"{provision} ({part})" if part else str(provision or "")
            message = gap.get("message")
            gaps.append((label, message if isinstance(message, str) else ""))
        problem = value.get("problem")
        if problem is not None and not (isinstance(problem, str) and problem.strip()):
            problem = "no reason recorded"  # the figures were edited by hand
        return AnnualStatus(bool(value["complete"]), tuple(gaps), problem)

    @property
    def stats(self) -> dict[str, Any]:
        """The case statistics from ``metrics.json`` (empty when there are none)."""
        return (self.metrics or {}).get("case_statistics") or {}

    def status_of(self, provision_id: str) -> str | None:
        """The answer's status value, or ``None`` when not assessed (or unreadable)."""
        return (self.statuses or {}).get(provision_id)

    @property
    def findings(self) -> list[dict[str, Any]] | None:
        """The findings its run recorded in ``metrics.json`` (each as ``Finding.as_json`` gives it), or
        ``None`` when not known: no figures, or a ``metrics.json`` written before findings were recorded."""
        items = (self.metrics or {}).get("findings")
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            return None
        return items

    @property
    def findings_counts(self) -> dict[str, int] | None:
        """Contradicted, caution and evidence findings, and the contradicted ones with no response
        (:data:`FINDINGS_COUNT_KEYS`), as its run recorded them; ``None`` when not known (never zero
        for a ``metrics.json`` from before findings, or one edited so that a count is not a whole number)."""
        counts = (self.metrics or {}).get("findings_counts")
        if isinstance(counts, dict) and all(_count(counts.get(key)) for key in FINDINGS_COUNT_KEYS):
            return {key: int(counts[key]) for key in FINDINGS_COUNT_KEYS}
        findings = self.findings
        if findings is None:
            return None
        tally = dict.fromkeys(FINDINGS_COUNT_KEYS, 0)
        for finding in findings:
            severity = finding.get("severity")
            if severity in ("contradicted", "caution", "evidence"):
                tally[str(severity)] += 1
            if severity == "contradicted" and not _has_response(finding):
                tally["unanswered_contradictions"] += 1
        return tally

    @property
    def unanswered_contradicted(self) -> list[str] | None:
        """The numbers of the provisions whose answer the subsidiary's own figures contradict with no
        response recorded, each once, in the order its run recorded them (the Code's); ``None`` when
        its findings are not known."""
        findings = self.findings
        if findings is None:
            return None
        numbers: list[str] = []
        for finding in findings:
            if finding.get("severity") != "contradicted" or _has_response(finding):
                continue
            number = finding.get("number")
            if not isinstance(number, str):
                provision = finding.get("provision")
                number = provision.split(":", 1)[-1] if isinstance(provision, str) else None
            if number and number not in numbers:
                numbers.append(number)
        return numbers


def _count(value: object) -> bool:
    """Whether a recorded count is a whole number of at least 0 (``true`` is not a count)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _has_response(finding: dict[str, Any]) -> bool:
    """Whether a recorded finding has the auditor's response."""
    if isinstance(finding.get("responded"), bool):
        return bool(finding["responded"])
    response = finding.get("response")  # as the first releases with findings recorded it
    return isinstance(response, str) and bool(response.strip())


@dataclass(frozen=True)
class LastYear:
    """A subsidiary's answers of the period before, under the Code that period was assessed against.

    ``assessment`` is ``None`` when there is nothing to compare, and ``reason`` says why: no
    answers file for that period (``assessed`` false: "no assessment last year"), or one that
    cannot be read.
    """

    period: str
    code: str
    assessment: Assessment | None
    reason: str | None = None
    assessed: bool = True  # whether an answers file exists for the period


def load_last_year(entry: LandlordEntry, period: Period, inputs: Path) -> LastYear:
    """A subsidiary's answers of ``period.previous`` from its answer store, never raising: a
    missing or unreadable file (or an unknown Code version for that period) becomes the reason
    there is nothing to compare."""
    before = period.previous
    code = entry.version_named(before)  # an unknown version: the reason below, never an error
    path = answers_file(landlord_input_dir(inputs, entry.id), before)
    if not path.is_file():
        return LastYear(before.id, code, None, f"no assessment last year (no answers for {before.id})", assessed=False)
    try:
        assessment = load_assessment(path, load_catalogue(entry.code_for(before)), entry.id, before.id)
    except (AuditError, ValueError, RecursionError) as exc:  # last year's problem never stops this year's summary
        why = _one_line_error(exc.message) if isinstance(exc, AuditError) else failure_reason(exc)
        return LastYear(before.id, code, None, f"last year's answers ({before.id}) unreadable: {why}")
    return LastYear(before.id, code, assessment)


@dataclass(frozen=True)
class FailedMember:
    """A subsidiary the roll-up could not load, with the one-line reason (never a resident's data)."""

    entry: LandlordEntry
    reason: str
    run: dict[str, Any] | None = None


def answers_from_assessment(assessment: Assessment, catalogue: Catalogue) -> Answers:
    """Statuses, sign-off state and action dates from a parsed answers file."""
    statuses: dict[str, str | None] = {}
    dates: list[ActionDate] = []
    for provision in catalogue.provisions:
        answer = assessment.answer(provision.id)
        statuses[provision.id] = answered_as(provision, answer)
        dates.extend((a.due, a.done) for a in answer.actions)
    drafts = frozenset(key for key, answer in assessment.answers.items() if not answer.confirmed)
    return statuses, assessment.state, dates, drafts


def answers_from_metrics(metrics: dict[str, Any]) -> Answers | None:
    """The same, as the landlord's run recorded them in ``metrics.json`` (``None`` if it holds none)."""
    assessment = metrics.get("assessment") or {}
    if "statuses" not in assessment or "action_dates" not in assessment:
        return None
    dates = [(dt.date.fromisoformat(a["due"]) if a.get("due") else None, bool(a.get("done")))
             for a in assessment["action_dates"]]
    drafts = assessment.get("unconfirmed") or []  # not in a metrics.json written before drafts were recorded
    return (dict(assessment["statuses"]), str(assessment.get("state")), dates,
            frozenset(str(key) for key in drafts if isinstance(key, str)))


def read_metrics(path: Path) -> tuple[dict[str, Any] | None, str | None, str | None]:
    """A landlord's ``metrics.json`` and the SHA-256 of its bytes, or the reason it cannot be used."""
    if not path.is_file():
        return None, None, "no metrics.json for this period"
    try:
        raw = path.read_bytes()
        data = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError) as exc:
        return None, None, f"metrics.json unreadable ({type(exc).__name__})"
    if not isinstance(data, dict):
        return None, None, "metrics.json is not a JSON object"
    return data, hashlib.sha256(raw).hexdigest(), None


def run_failure(run: dict[str, Any] | None) -> str | None:
    """Why a landlord's latest run produced no report, from its ``run.json`` entry (``None`` if it did not fail).

    Failed (with the run's one-line error), interrupted (a killed run, recorded so by the next
    one), or not finished (still running, or killed and not yet recorded so).
    """
    if not isinstance(run, dict):
        return None
    if run.get("status") == "failed":
        error = run.get("error")
        if error == INTERRUPTED:
            return "report not produced: its latest run was interrupted before it finished; run it again (--retry-failed)"
        return f"report not produced: its latest run failed: {_one_line_error(error)}"
    if run.get("status") == "running":
        return "report not produced: its latest run has not finished (still running, or interrupted)"
    return None


def _one_line_error(error: object) -> str:
    """A recorded error as one line of at most 300 characters (the record may have been edited by hand)."""
    text = " ".join(str(error or "").split()) or "no reason recorded"
    return text if len(text) <= 300 else text[:299] + "…"


def _absent(run: dict[str, Any] | None) -> str:
    """Why a landlord has no outputs folder: its latest run failed or was interrupted, else it never ran."""
    failure = run_failure(run)
    if failure:
        return failure
    if run and run.get("status") == "ok":
        return "report not produced: its outputs are missing although its latest run finished; run the batch again"
    return "report not produced: never run for this period (no outputs)"


def _current_set(folder: Path, run: dict[str, Any] | None,
                 checked: bool) -> tuple[bool, list[str], frozenset[str] | None]:
    """Whether a landlord's folder holds outputs the index may present as current, why not, and the
    files its manifest lists (``None``: not checked, the folder's files are used as found).

    ``checked``: a batch's run record exists, so only a complete set from the run it names is
    current. Without one (outputs assembled by hand), what is in the folder is used as found.
    The reasons are the real ones: the latest run failed (with its error) or was interrupted,
    the outputs are absent because it never ran, or the set is incomplete or from an earlier run.
    """
    if not folder.is_dir():
        return False, [_absent(run)], frozenset()
    if not checked:
        return True, [], None
    failure = run_failure(run)
    manifest, problem = verify_set(folder, (run or {}).get("run"), LINKED_FILES)
    listed = frozenset(manifest["files"]) if manifest is not None else frozenset()
    if manifest is not None and manifest.get("status") != "ok":  # the set of a run that failed
        why = failure or f"report not produced: its latest run failed: {_one_line_error(manifest.get('error'))}"
        return False, [why], frozenset()
    if failure:  # a set its run completed, but the record says that run did not finish: not presented
        return False, [failure, *([problem] if problem else [])], frozenset()
    return manifest is not None, [problem] if problem else [], listed


def load_member(entry: LandlordEntry, period: Period, inputs: Path, outputs: Path,
                run: dict[str, Any] | None, checked: bool = False) -> Member:
    """One subsidiary: its metrics, and its answers from the answer store.

    The answers file is parsed only when it differs (by SHA-256) from the one the landlord's
    run read; otherwise the statuses that run recorded from the very same bytes are used.
    ``checked``: a run record exists, so only a complete set from its latest run is used.
    """
    folder = landlord_output_dir(outputs, period, entry.id)
    catalogue = load_catalogue(entry.code_for(period))
    current, problems, listed = _current_set(folder, run, checked)
    if current:
        metrics, metrics_sha256, problem = read_metrics(folder / METRICS_NAME)
        problems.extend([problem] if problem else [])
    else:
        metrics, metrics_sha256 = None, None
    outputs_problem = problems[0] if problems else None
    answers_path = answers_file(landlord_input_dir(inputs, entry.id), period)
    recorded = (((metrics or {}).get("provenance") or {}).get("inputs") or {}).get("answers") or {}
    answers = answers_from_metrics(metrics) if metrics and recorded.get("sha256") == sha256_of(answers_path) else None
    if answers is None:
        if metrics is not None and "sha256" in recorded:
            problems.append("answers changed since its report was produced: run the batch again")
        try:
            answers = answers_from_assessment(load_assessment(answers_path, catalogue, entry.id, period.id), catalogue)
        except AuditError as exc:
            problems.append(f"answers unreadable: {exc.message}")
    statuses, state, dates, drafts = answers if answers else (None, None, [], frozenset())

    def link(name: str) -> str | None:
        """The file's link from the index, if it is part of the current set."""
        present = current and (listed is None or name in listed) and (folder / name).is_file()
        return f"{entry.id}/{name}" if present else None

    report = link(REPORT_NAME)
    return Member(
        entry=entry, catalogue=catalogue, metrics=metrics, statuses=statuses, state=state, action_dates=dates,
        unconfirmed=drafts,
        problems=problems, run=run,
        report=report,
        metrics_link=f"{entry.id}/{METRICS_NAME}" if metrics is not None else None,
        metrics_sha256=metrics_sha256,
        no_report=None if report else (outputs_problem or "no report in its outputs"),
        last_year=load_last_year(entry, period, inputs),
        annual_report=link(ANNUAL_REPORT_NAME) if report else None,
        report_pdf=link(REPORT_PDF_NAME) if report else None,
        annual_pdf=link(ANNUAL_PDF_NAME) if report else None,
        current=current,
    )


def failure_reason(exc: BaseException) -> str:
    """Why a subsidiary could not be loaded, in one line: an error's own message, else only its kind."""
    if isinstance(exc, AuditError):
        text = " ".join(str(exc).split())
    elif isinstance(exc, RecursionError):
        text = "its inputs are nested too deeply to read"
    else:  # not a message written for people: it could quote a value, so only its kind is shown
        text = f"its inputs could not be read ({type(exc).__name__})"
    return text if len(text) <= 300 else text[:299] + "…"


def last_runs(outputs: Path, period: Period) -> dict[str, dict[str, Any]]:
    """Each landlord's entry in ``run.json`` (empty when there is none or it is unreadable)."""
    try:
        record = load_run_record(outputs, period)
    except AuditError:
        return {}
    return {k: v for k, v in record["landlords"].items() if isinstance(v, dict)} if record else {}


def load_members(registry: Registry, period: Period, inputs: Path,
                 outputs: Path) -> tuple[list[Member], list[FailedMember]]:
    """Every subsidiary in the registry, in its order: those loaded, and those that could not be."""
    runs = last_runs(outputs, period)
    checked = _has_run_record(outputs, period)
    members: list[Member] = []
    failed: list[FailedMember] = []
    for entry in registry.landlords:
        run = runs.get(entry.id)
        try:
            members.append(load_member(entry, period, inputs, outputs, run, checked))
        except (AuditError, ValueError, RecursionError) as exc:  # one subsidiary never stops the summary
            failed.append(FailedMember(entry, failure_reason(exc), run))
    return members, failed


def _has_run_record(outputs: Path, period: Period) -> bool:
    """Whether a batch has recorded runs for this period (then only its complete sets are used)."""
    try:
        return load_run_record(outputs, period) is not None
    except AuditError:
        return True


def group_provenance(members: list[Member], period: Period, inputs: Path, outputs: Path,
                     as_of: dt.date, failed: list[FailedMember] | None = None) -> dict[str, Any]:
    """Parameters, Code versions and product version, and the SHA-256 of every file read."""
    record = base_provenance(", ".join(sorted({m.catalogue.code for m in members})), {"period": period.id}, as_of)
    if failed:
        record["not_summarised"] = {f.entry.id: f.reason for f in failed}
    record["inputs"] = {"registry": file_entry(inputs / REGISTRY_FILE, inputs)}
    record["sources"] = {
        m.entry.id: {
            "metrics": file_entry(landlord_output_dir(outputs, period, m.entry.id) / METRICS_NAME, outputs / period.id),
            "answers": file_entry(answers_file(landlord_input_dir(inputs, m.entry.id), period), inputs),
            # read for the movement since last year (sha256 None: no assessment last year)
            "answers_last_year": file_entry(answers_file(landlord_input_dir(inputs, m.entry.id), period.previous),
                                            inputs),
        }
        for m in members
    }
    record["codes"] = {m.entry.id: m.catalogue.code for m in members}
    return record
