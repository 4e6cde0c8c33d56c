"""The workbook façade the notebook calls: one object per landlord and period.

A notebook cell calls one method and displays what it returns; all loading, checking
and rendering happens here and in the modules it uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .answers import Assessment, load_assessment
from .caselog import CaseLog, load_case_log
from .catalogue import Catalogue, load_catalogue
from .checks import answer_flags
from .landlords import Landlord, load_landlord
from .charts import all_charts
from .periods import Period
from .progress import progress
from .provision_figures import provision_figures
from .quarterly import quarterly_table
from .render import BADGE_CLASS, HTMLFragment, render
from .stats import CaseStatistics, case_statistics

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
    def live(self) -> "InteractiveWorkbook":
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

    def cover(self) -> "HTMLFragment | Widget":
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

    def section(self, number: int) -> "HTMLFragment | Widget":
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


def open_workbook(landlord: str, period: str, inputs_dir: str | Path, interactive: bool = False) -> Workbook:
    """Load a landlord's configuration for a period; errors name the file and the problem."""
    entry = load_landlord(Path(inputs_dir), landlord)
    return Workbook(
        landlord=entry,
        period=Period.parse(period),
        catalogue=load_catalogue(entry.entry.code),
        interactive=interactive,
    )
