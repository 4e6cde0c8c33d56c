"""The workbook façade the notebook calls: one object per landlord and period.

A notebook cell calls one method and displays what it returns; all loading, checking
and rendering happens here and in the modules it uses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..assessment.actions import action_counts, action_rows, plan_order, shortfalls
from ..assessment.answers import Assessment, load_assessment
from ..assessment.checks import answer_flags
from ..assessment.progress import progress
from ..cases.load import CaseLog, load_case_log
from ..code.catalogue import Catalogue, load_catalogue
from ..config.landlords import Landlord, load_landlord
from ..core.paths import CONFIG_FILE, REGISTRY_FILE
from ..core.periods import Period
from ..report.charts import all_charts
from ..report.provenance import RunRecord, base_provenance, file_entry
from ..report.render import BADGE_CLASS, HTMLFragment, render
from ..stats.engine import CaseStatistics, case_statistics
from ..stats.provision_figures import provision_figures
from ..stats.quarterly import quarterly_table
from .notebook_errors import show_audit_errors_briefly

if TYPE_CHECKING:
    from ipywidgets import Widget

    from .interactive import InteractiveWorkbook


@dataclass
class Workbook:
    landlord: Landlord
    period: Period
    catalogue: Catalogue
    interactive: bool = False

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
        config = self.landlord.config
        return case_statistics(
            self.case_log.cases,
            self.period,
            self.landlord.homes,
            extension_policy=config.extension_policy,
            local_targets=config.local_targets,
            service_requests=config.service_requests.get(self.period.id),
            excluded_rows=self.case_log.excluded_rows,
        )

    @cached_property
    def figures_by_provision(self) -> dict[str, list[str]]:
        return provision_figures(self.stats)

    def cover(self) -> HTMLFragment | Widget:
        """Title block: landlord, period, Code version, sign-off and overall progress.

        Interactive: the title block followed by live progress, carry forward and sign-off.
        """
        if self.interactive:
            import ipywidgets

            return ipywidgets.VBox([ipywidgets.HTML(self._cover_html()), self.live.controls()])
        return HTMLFragment(self._cover_html())

    def _cover_html(self) -> str:
        return render(
            "cover",
            landlord=self.landlord,
            period=self.period,
            catalogue=self.catalogue,
            assessment=self.assessment,
            progress=progress(self.assessment, self.catalogue.provisions),
        )

    def case_statistics(self) -> HTMLFragment:
        """Headline figures (CH01, CH02, ...), the quarterly table, charts, breakdowns and definitions."""
        headings, rows = quarterly_table(self.stats)
        labels = [q.label for q in self.period.quarters] + [self.period.label]
        log = self.case_log
        return HTMLFragment(
            render(
                "case_statistics",
                period=self.period,
                stats=self.stats,
                headings=list(zip(headings, labels)),
                rows=rows,
                charts=all_charts(self.stats),
                source_name=log.source.name,
                sha256=log.sha256,
                rows_read=log.rows_read,
                fmt=lambda v: "n/a" if v is None else f"{v:.1f}",
                pct=lambda v: "n/a" if v is None else f"{v:.1f}%",
            )
        )

    def section(self, number: int) -> HTMLFragment | Widget:
        """One Code section: each provision with its requirement, answer and flags.

        Interactive: a panel whose form is built when the auditor opens it.
        """
        if self.interactive:
            return self.live.section(number)
        section = self.catalogue.section(number)
        provisions = self.catalogue.provisions_in(number)
        rows = []
        previous_sub = None
        for provision in provisions:
            answer = self.assessment.answer(provision.id)
            rows.append(
                {
                    "provision": provision,
                    "answer": answer,
                    "badge": BADGE_CLASS.get(answer.status.value, "none") if answer.status else "none",
                    "flags": answer_flags(answer),
                    "figures": self.figures_by_provision.get(provision.number, []),
                    "subsection_start": provision.subsection if provision.subsection != previous_sub else None,
                }
            )
            previous_sub = provision.subsection
        return HTMLFragment(
            render("section", section=section, rows=rows, progress=progress(self.assessment, provisions))
        )

    def data_quality(self) -> HTMLFragment:
        """Every case-log row left out of the figures, with its reason."""
        log = self.case_log
        return HTMLFragment(
            render(
                "data_quality",
                exclusions=log.exclusions.to_dict("records"),
                excluded_rows=log.excluded_rows,
                rows_read=log.rows_read,
                dropped_columns=log.dropped_columns,
            )
        )

    def executive_summary(self, as_of: dt.date | None = None) -> HTMLFragment:
        """Counts by status, the No and Partial provisions with their actions, and headline figures."""
        as_of = as_of or dt.date.today()
        done = progress(self.assessment, self.catalogue.provisions)
        counts = action_counts(action_rows(self.assessment, self.catalogue.provisions, as_of))
        status_counts = [(status, BADGE_CLASS[status], n) for status, n in done.by_status.items()]
        status_counts.append(("Not assessed", "none", done.total - done.answered))
        return HTMLFragment(
            render(
                "executive_summary",
                landlord=self.landlord,
                homes=self.landlord.homes,
                period=self.period,
                catalogue=self.catalogue,
                assessment=self.assessment,
                progress=done,
                status_counts=status_counts,
                shortfalls=shortfalls(self.assessment, self.catalogue.provisions, as_of),
                counts=counts,
                badge=BADGE_CLASS,
                stats=self.stats,
                rows_used=self.stats.rows_used,
                excluded_rows=self.case_log.excluded_rows,
                as_of=as_of,
                fmt=lambda v: "n/a" if v is None else f"{v:.1f}",
                pct=lambda v: "n/a" if v is None else f"{v:.1f}%",
            )
        )

    def action_plan(self, as_of: dt.date | None = None) -> HTMLFragment:
        """Every action against a provision: owner, due date, and whether done, open or overdue."""
        as_of = as_of or dt.date.today()
        rows = action_rows(self.assessment, self.catalogue.provisions, as_of)
        return HTMLFragment(
            render("action_plan", rows=plan_order(rows), counts=action_counts(rows), as_of=as_of, badge=BADGE_CLASS)
        )

    def provenance(self, as_of: dt.date | None = None) -> dict[str, Any]:
        """What this run read: parameters, Code version, product version and each input file's SHA-256."""
        inputs = self.landlord.folder.parent
        record = base_provenance(
            self.catalogue.code,
            {"landlord": self.landlord.id, "period": self.period.id, "interactive": self.interactive},
            as_of or dt.date.today(),
        )
        record["inputs"] = {
            "registry": file_entry(inputs / REGISTRY_FILE, inputs),
            "configuration": file_entry(self.landlord.folder / CONFIG_FILE, inputs),
            "case_log": {"file": self.landlord.case_log_path.relative_to(inputs).as_posix(), "sha256": self.case_log.sha256},
            "answers": file_entry(self.landlord.answers_path(self.period.id), inputs),
        }
        return record

    def metrics(self, as_of: dt.date | None = None) -> dict[str, Any]:
        """Machine-readable figures: case statistics, answer counts by status, actions and provenance."""
        as_of = as_of or dt.date.today()
        done = progress(self.assessment, self.catalogue.provisions)
        flagged = sum(
            1 for p in self.catalogue.provisions
            if any(f.code != "unanswered" for f in answer_flags(self.assessment.answer(p.id)))
        )
        return {
            "landlord": {"id": self.landlord.id, "name": self.landlord.name, "homes": self.landlord.homes},
            "period": self.period.id,
            "code": self.catalogue.code,
            "assessment": {
                "state": self.assessment.state,
                "provisions": done.total,
                "answered": done.answered,
                "by_status": {**done.by_status, "Not assessed": done.total - done.answered},
                "with_review_flags": flagged,
                "actions": action_counts(action_rows(self.assessment, self.catalogue.provisions, as_of)),
                "statuses": {p.id: self._status_value(p.id) for p in self.catalogue.provisions},
                "action_dates": [
                    {"provision": p.number, "due": a.due.isoformat() if a.due else None, "done": a.done}
                    for p in self.catalogue.provisions for a in self.assessment.answer(p.id).actions
                ],
            },
            "case_log": {"rows_read": self.case_log.rows_read, "rows_used": self.stats.rows_used,
                         "excluded_rows": self.case_log.excluded_rows},
            "case_statistics": self.stats.to_json(),
            "provenance": self.provenance(as_of),
        }

    def _status_value(self, provision_id: str) -> str | None:
        """A provision's status as text, or ``None`` when not assessed."""
        status = self.assessment.answer(provision_id).status
        return status.value if status else None

    def run_record(self, as_of: dt.date | None = None) -> RunRecord:
        """The metrics as a notebook output; a batch run writes it to ``metrics.json``."""
        figures = self.metrics(as_of)
        answered = figures["assessment"]["answered"]
        return RunRecord(
            figures,
            f"Run record of {self.landlord.name}, {self.period.id}: {answered} of "
            f"{figures['assessment']['provisions']} provisions answered; a batch run writes it to metrics.json.",
        )


def open_workbook(landlord: str, period: str, inputs_dir: str | Path, interactive: bool = False) -> Workbook:
    """Load a landlord's configuration for a period; errors name the file and the problem."""
    show_audit_errors_briefly()
    entry = load_landlord(Path(inputs_dir), landlord)
    return Workbook(
        landlord=entry,
        period=Period.parse(period),
        catalogue=load_catalogue(entry.entry.code),
        interactive=interactive,
    )
