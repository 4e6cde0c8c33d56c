"""The group roll-up: subsidiaries side by side, from their ``metrics.json`` and answer stores.

``notebooks/group_summary.ipynb`` calls one method per part; the batch executes it after the
landlords and exports it as ``outputs/<period>/index.html``. It reads each landlord's
``metrics.json`` (figures written by the landlord's run), its answers file and the run record,
never the executed notebooks' outputs. An answers file that is byte for byte the one the
landlord's run read (same SHA-256) is not parsed again: the statuses that run recorded in
``metrics.json`` are used. One that changed since is parsed, and the subsidiary is flagged.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..assessment.actions import due_state, state_counts
from ..assessment.answers import Assessment, Status, load_assessment
from ..batch.runrecord import load_run_record
from ..code.catalogue import Catalogue, Provision, load_catalogue
from ..config.landlords import LandlordEntry, Registry, load_registry
from ..core.paths import METRICS_NAME, REGISTRY_FILE, REPORT_NAME, answers_file, landlord_input_dir, landlord_output_dir
from ..core.periods import Period
from ..errors import AuditError
from ..report.provenance import RunRecord, base_provenance, file_entry, sha256_of
from ..report.render import BADGE_CLASS, HTMLFragment, render
from ..stats.engine import FAULT_FINDINGS, MERITS_FINDINGS, per_thousand, percent

SHORT_STATUS = {"Yes": "Yes", "Partial": "Part", "No": "No", "N/A": "N/A"}


@dataclass
class Member:
    """One subsidiary as the roll-up sees it: registry entry, figures, answers and last run."""

    entry: LandlordEntry
    catalogue: Catalogue
    metrics: dict[str, Any] | None
    statuses: dict[str, str | None] | None  # provision id -> status; None when the answers are unreadable
    state: str | None  # Draft, Prepared, Reviewed or Approved
    action_dates: list[tuple[dt.date | None, bool]]  # (due, done) of every action
    problems: list[str]
    run: dict[str, Any] | None
    report: str | None  # link relative to the index page
    metrics_link: str | None

    @property
    def stats(self) -> dict[str, Any]:
        """The case statistics from ``metrics.json`` (empty when there are none)."""
        return (self.metrics or {}).get("case_statistics") or {}

    def status_of(self, provision_id: str) -> str | None:
        """The answer's status value, or ``None`` when not assessed (or unreadable)."""
        return (self.statuses or {}).get(provision_id)


Answers = tuple[dict[str, "str | None"], str, list[tuple["dt.date | None", bool]]]


def answers_from_assessment(assessment: Assessment, catalogue: Catalogue) -> Answers:
    """Statuses, sign-off state and action dates from a parsed answers file."""
    statuses = {}
    dates = []
    for provision in catalogue.provisions:
        answer = assessment.answer(provision.id)
        statuses[provision.id] = answer.status.value if answer.status else None
        dates.extend((a.due, a.done) for a in answer.actions)
    return statuses, assessment.state, dates


def answers_from_metrics(metrics: dict[str, Any]) -> Answers | None:
    """The same, as the landlord's run recorded them in ``metrics.json`` (``None`` if it holds none)."""
    assessment = metrics.get("assessment") or {}
    if "statuses" not in assessment or "action_dates" not in assessment:
        return None
    dates = [(dt.date.fromisoformat(a["due"]) if a.get("due") else None, bool(a.get("done")))
             for a in assessment["action_dates"]]
    return dict(assessment["statuses"]), str(assessment.get("state")), dates


def _read_metrics(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """A landlord's ``metrics.json``, or the reason it cannot be used."""
    if not path.is_file():
        return None, "no metrics.json for this period"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return None, f"metrics.json unreadable ({type(exc).__name__})"
    return (data, None) if isinstance(data, dict) else (None, "metrics.json is not a JSON object")


@dataclass
class GroupSummary:
    """The roll-up of one period across the group's subsidiaries."""

    registry: Registry
    period: Period
    inputs: Path
    outputs: Path
    as_of: dt.date

    @cached_property
    def members(self) -> list[Member]:
        """Every subsidiary in the registry, in its order."""
        run_record = self._run_record()
        return [self._member(entry, run_record.get(entry.id)) for entry in self.registry.landlords]

    def _member(self, entry: LandlordEntry, run: dict[str, Any] | None) -> Member:
        """One subsidiary: its metrics, and its answers from the answer store.

        The answers file is parsed only when it differs (by SHA-256) from the one the landlord's
        run read; otherwise the statuses that run recorded from the very same bytes are used.
        """
        folder = landlord_output_dir(self.outputs, self.period, entry.id)
        catalogue = load_catalogue(entry.code)
        metrics, problem = _read_metrics(folder / METRICS_NAME)
        problems = [problem] if problem else []
        answers_path = answers_file(landlord_input_dir(self.inputs, entry.id), self.period)
        recorded = (((metrics or {}).get("provenance") or {}).get("inputs") or {}).get("answers") or {}
        answers = answers_from_metrics(metrics) if metrics and recorded.get("sha256") == sha256_of(answers_path) else None
        if answers is None:
            if metrics is not None and "sha256" in recorded:
                problems.append("answers changed since its report was produced: run the batch again")
            try:
                answers = answers_from_assessment(
                    load_assessment(answers_path, catalogue, entry.id, self.period.id), catalogue)
            except AuditError as exc:
                problems.append(f"answers unreadable: {exc.message}")
        statuses, state, dates = answers if answers else (None, None, [])
        return Member(
            entry=entry, catalogue=catalogue, metrics=metrics, statuses=statuses, state=state, action_dates=dates,
            problems=problems, run=run,
            report=f"{entry.id}/{REPORT_NAME}" if (folder / REPORT_NAME).is_file() else None,
            metrics_link=f"{entry.id}/{METRICS_NAME}" if metrics is not None else None,
        )

    def _run_record(self) -> dict[str, dict[str, Any]]:
        """Each landlord's entry in ``run.json`` (empty when there is none or it is unreadable)."""
        try:
            record = load_run_record(self.outputs, self.period)
        except AuditError:
            return {}
        return dict(record["landlords"]) if record else {}

    @cached_property
    def provisions(self) -> list[Provision]:
        """Every provision of the Code versions the group uses, in Code order."""
        seen: dict[str, Provision] = {}
        for member in self.members:
            for provision in member.catalogue.provisions:
                seen.setdefault(provision.id, provision)
        return sorted(seen.values(), key=lambda p: (p.code, p.sort_key))

    def counts(self, member: Member) -> dict[str, int]:
        """Provisions by status for one member, plus those not assessed."""
        counts = {s.value: 0 for s in Status}
        for provision in member.catalogue.provisions:
            status = member.status_of(provision.id)
            if status:
                counts[status] += 1
        counts["Not assessed"] = len(member.catalogue.provisions) - sum(counts.values())
        return counts

    def actions(self, member: Member) -> dict[str, int]:
        """A member's actions by state as at the summary's date."""
        return state_counts(due_state(due, done, self.as_of) for due, done in member.action_dates)

    def pooled(self) -> dict[str, float | None]:
        """The group's figures: every subsidiary's counts added up, then the ratio taken."""
        with_figures = [m for m in self.members if m.metrics is not None]

        def total(key: str) -> int:
            """A count added up over the subsidiaries with figures."""
            return sum(int(m.stats.get(key) or 0) for m in with_figures)

        homes = sum(m.entry.homes for m in with_figures)
        outcomes = [m.stats.get("ombudsman_outcomes") or {} for m in with_figures]
        fault = sum(o.get(k, 0) for o in outcomes for k in FAULT_FINDINGS)
        merits = sum(o.get(k, 0) for o in outcomes for k in MERITS_FINDINGS)
        return {
            "homes": homes,
            "stage1_received": total("stage1_received"),
            "stage2_received": total("stage2_received"),
            "tsm_ch01_stage1_per_1000": per_thousand(total("stage1_received"), homes),
            "tsm_ch01_stage2_per_1000": per_thousand(total("stage2_received"), homes),
            "tsm_ch02_stage1_pct": percent(total("stage1_responded_on_time"), total("stage1_responded")),
            "tsm_ch02_stage2_pct": percent(total("stage2_responded_on_time"), total("stage2_responded")),
            "escalation_rate_pct": percent(total("stage2_received"), total("stage1_responded")),
            "maladministration_rate_pct": percent(fault, merits),
        }

    def behind(self, member: Member) -> list[str]:
        """Why a subsidiary is behind (empty when it is on track), most serious first."""
        reasons = []
        run = member.run or {}
        if run.get("status") == "failed":
            reasons.append(f"report not produced: {run.get('error') or 'the run failed'}")
        reasons.extend(member.problems)
        if member.statuses is not None:
            counts = self.counts(member)
            if counts["No"]:
                reasons.append(f"{counts['No']} provision(s) answered No")
            if counts["Partial"]:
                reasons.append(f"{counts['Partial']} provision(s) answered Partial")
            if counts["Not assessed"]:
                reasons.append(f"{counts['Not assessed']} of {len(member.catalogue.provisions)} provisions not yet assessed")
            overdue = self.actions(member)["Overdue"]
            if overdue:
                reasons.append(f"{overdue} action(s) overdue")
            if member.state != "Approved":
                reasons.append(f"not yet approved by the governing body (assessment {str(member.state).lower()})")
        group = self.pooled()
        for stage in ("1", "2"):
            own, pooled = member.stats.get(f"tsm_ch02_stage{stage}_pct"), group[f"tsm_ch02_stage{stage}_pct"]
            if own is not None and pooled is not None and own < pooled:
                reasons.append(f"CH02 stage {stage} {own:.1f}% is below the group's {pooled:.1f}%")
        return reasons

    def cover(self) -> HTMLFragment:
        """Title block: group, period, subsidiaries, reports produced and assessments approved."""
        members = self.members
        return HTMLFragment(render(
            "group_cover",
            group=self.registry.group.name,
            period=self.period,
            members=len(members),
            reports=sum(1 for m in members if m.report),
            approved=sum(1 for m in members if m.state == "Approved"),
            codes=sorted({m.catalogue.code for m in members}),
            as_of=self.as_of,
        ))

    def behind_table(self) -> HTMLFragment:
        """Which subsidiaries are behind and why; the most reasons first."""
        rows = [(m, self.behind(m)) for m in self.members]
        rows.sort(key=lambda row: -len(row[1]))
        return HTMLFragment(render("group_behind", rows=rows, as_of=self.as_of))

    def key_figures(self) -> HTMLFragment:
        """CH01, CH02, escalation and maladministration rates side by side, with the group's."""
        return HTMLFragment(render(
            "group_figures", members=self.members, group=self.pooled(), period=self.period,
            fmt=lambda v: "n/a" if v is None else f"{v:.1f}",
            pct=lambda v: "n/a" if v is None else f"{v:.1f}%",
        ))

    def status_matrix(self) -> HTMLFragment:
        """Provisions by subsidiaries, each cell coloured by the answer's status."""
        sections: list[tuple[str, list[Provision]]] = []
        for provision in self.provisions:
            catalogue = next(m.catalogue for m in self.members if m.catalogue.code == provision.code)
            title = f"{provision.section} {catalogue.section(provision.section).title}"
            if not sections or sections[-1][0] != title:
                sections.append((title, []))
            sections[-1][1].append(provision)
        cells = {
            (m.entry.id, p.id): m.status_of(p.id) if p.code == m.catalogue.code else "n/a"
            for m in self.members for p in self.provisions
        }
        return HTMLFragment(render(
            "group_matrix", members=self.members, sections=sections, cells=cells,
            counts={m.entry.id: self.counts(m) for m in self.members}, badge=BADGE_CLASS, short=SHORT_STATUS,
        ))

    def reports(self) -> HTMLFragment:
        """Each subsidiary's report and figures, with its last run and the files' SHA-256."""
        rows = []
        for m in self.members:
            folder = landlord_output_dir(self.outputs, self.period, m.entry.id)
            rows.append({
                "member": m,
                "run": m.run or {},
                "state": m.state or "unreadable",
                "metrics_sha": file_entry(folder / METRICS_NAME)["sha256"],
            })
        return HTMLFragment(render("group_reports", rows=rows))

    def provenance(self) -> dict[str, Any]:
        """Parameters, Code versions and product version, and the SHA-256 of every file read."""
        record = base_provenance(", ".join(sorted({m.catalogue.code for m in self.members})),
                                 {"period": self.period.id}, self.as_of)
        record["inputs"] = {"registry": file_entry(self.inputs / REGISTRY_FILE, self.inputs)}
        record["sources"] = {
            m.entry.id: {
                "metrics": file_entry(landlord_output_dir(self.outputs, self.period, m.entry.id) / METRICS_NAME,
                                      self.outputs / self.period.id),
                "answers": file_entry(answers_file(landlord_input_dir(self.inputs, m.entry.id), self.period), self.inputs),
            }
            for m in self.members
        }
        return record

    def run_record(self) -> RunRecord:
        """The provenance as a notebook output, for the batch to store with the index page."""
        return RunRecord({"provenance": self.provenance()},
                         f"Group summary of {len(self.members)} subsidiaries, {self.period.id}.")


def open_group_summary(period: str, inputs_dir: str | Path, outputs_dir: str | Path,
                       as_of: dt.date | None = None) -> GroupSummary:
    """The roll-up of ``period`` for the group in ``inputs_dir`` from the runs in ``outputs_dir``."""
    inputs = Path(inputs_dir)
    return GroupSummary(load_registry(inputs), Period.parse(period), inputs, Path(outputs_dir), as_of or dt.date.today())
