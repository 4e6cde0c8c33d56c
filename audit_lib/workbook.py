"""The workbook façade the notebook calls: one object per landlord and period.

A notebook cell calls one method and displays what it returns; all loading, checking
and rendering happens here and in the modules it uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .answers import Assessment, load_assessment
from .caselog import CaseLog, load_case_log
from .catalogue import Catalogue, load_catalogue
from .checks import answer_flags
from .landlords import Landlord, load_landlord
from .metrics import CaseCounts, case_counts
from .periods import Period
from .progress import progress
from .render import BADGE_CLASS, HTMLFragment, render


@dataclass
class Workbook:
    landlord: Landlord
    period: Period
    catalogue: Catalogue
    interactive: bool = False

    @cached_property
    def assessment(self) -> Assessment:
        return load_assessment(
            self.landlord.answers_path(self.period.id), self.catalogue, self.landlord.id, self.period.id
        )

    @cached_property
    def case_log(self) -> CaseLog:
        return load_case_log(self.landlord.case_log_path, self.landlord.config.case_log)

    @cached_property
    def counts(self) -> CaseCounts:
        return case_counts(self.case_log.cases, self.period)

    def cover(self) -> HTMLFragment:
        """Title block: landlord, period, Code version, sign-off and overall progress."""
        return HTMLFragment(
            render(
                "cover",
                landlord=self.landlord,
                period=self.period,
                catalogue=self.catalogue,
                assessment=self.assessment,
                progress=progress(self.assessment, self.catalogue.provisions),
            )
        )

    def case_summary(self) -> HTMLFragment:
        """The period's basic complaint volumes from the case log, with their definitions."""
        c = self.counts
        rows = [
            ("Stage 1 complaints received", c.stage1_received, "Accepted complaints whose date received is in the period."),
            ("Stage 2 escalations received", c.stage2_received, "Escalation requests whose date is in the period."),
            ("Complaints refused", c.refused, "Received in the period and not accepted (section 2 exclusions); not counted as stage 1."),
            ("Stage 1 responses issued", c.stage1_responded, "Stage 1 responses dated in the period."),
            ("Stage 2 responses issued", c.stage2_responded, "Stage 2 responses dated in the period."),
            ("Stage 1 complaints open at period end", c.stage1_open_at_end, "Received by 31 March with no stage 1 response by then."),
            ("Stage 2 complaints open at period end", c.stage2_open_at_end, "Escalated by 31 March with no stage 2 response by then."),
        ]
        log = self.case_log
        return HTMLFragment(
            render(
                "case_summary",
                period=self.period,
                rows=rows,
                source_name=log.source.name,
                sha256=log.sha256,
                rows_read=log.rows_read,
                usable=len(log.cases),
                excluded=log.excluded_rows,
            )
        )

    def section(self, number: int) -> HTMLFragment:
        """One Code section: each provision with its requirement, answer and flags."""
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
