"""The group roll-up façade: subsidiaries side by side, from their ``metrics.json`` and answer stores.

``notebooks/group_summary.ipynb`` calls one method per part; the batch executes it after the
landlords and exports it as ``outputs/<period>/index.html``. :class:`GroupSummary` loads the
members once (:mod:`.members`), computes the group's pooled figures once (:mod:`.rules`) and
hands both to the HTML parts (:mod:`.views`). Actions are judged at one date, ``as_of``.
A subsidiary that cannot be loaded is listed in every part with its one-line reason
(:attr:`GroupSummary.failed`); the others are summarised as usual.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..code.catalogue import Provision
from ..config.landlords import Registry, load_registry
from ..core.periods import Period, parse_as_of
from ..report.provenance import RunRecord
from ..report.render import HTMLFragment
from . import rules, views
from .members import FailedMember, Member, group_provenance, load_members
from .movement import SubsidiaryMovement, movement


@dataclass
class GroupSummary:
    """The roll-up of one period across the group's subsidiaries."""

    registry: Registry
    period: Period
    inputs: Path
    outputs: Path
    as_of: dt.date

    # --- loading and rules, each computed once ---------------------------------------------------

    @cached_property
    def _loaded(self) -> tuple[list[Member], list[FailedMember]]:
        """The subsidiaries loaded and those that could not be, each in the registry's order."""
        return load_members(self.registry, self.period, self.inputs, self.outputs)

    @property
    def members(self) -> list[Member]:
        """Every subsidiary in the registry that could be loaded, in its order."""
        return self._loaded[0]

    @property
    def failed(self) -> list[FailedMember]:
        """The subsidiaries that could not be loaded, each with its one-line reason."""
        return self._loaded[1]

    @cached_property
    def provisions(self) -> list[Provision]:
        """Every provision of the Code versions the group uses, in Code order."""
        return rules.group_provisions(self.members)

    @cached_property
    def codes(self) -> list[str]:
        """The Code versions the subsidiaries assess against, the one most of them use first."""
        return rules.code_order(self.members)

    @cached_property
    def movements(self) -> dict[str, SubsidiaryMovement]:
        """Each subsidiary's movement since last year, by landlord id."""
        return {m.entry.id: movement(m, self.period) for m in self.members}

    @cached_property
    def pooled(self) -> dict[str, float | None]:
        """The group's figures: every subsidiary's counts added up, then the ratio taken."""
        return rules.pooled_figures(self.members)

    def behind(self, member: Member) -> list[str]:
        """Why a subsidiary is behind (empty when it is on track), most serious first."""
        return rules.behind(member, self.pooled, self.as_of, name_code=len(self.codes) > 1)

    # --- one method per notebook cell -----------------------------------------------------------

    def cover(self) -> HTMLFragment:
        """Title block: group, period, subsidiaries, reports produced and assessments approved."""
        return views.cover(self.registry.group.name, self.period, self.members, self.as_of, self.failed)

    def behind_table(self) -> HTMLFragment:
        """Which subsidiaries are behind and why; the most reasons first."""
        return views.behind_table([(m, self.behind(m)) for m in self.members], self.as_of, self.failed)

    def key_figures(self) -> HTMLFragment:
        """CH01, CH02, escalation and maladministration rates side by side, with the group's."""
        return views.key_figures(self.members, self.pooled, self.period, self.failed)

    def movement(self) -> HTMLFragment:
        """Each subsidiary's movement since last year: compliant provisions then and now, and its
        provisions improved, worsened, unchanged and new (through the crosswalk where the Code changed)."""
        return views.movement_table([(m, self.movements[m.entry.id]) for m in self.members], self.period, self.failed)

    def status_matrix(self) -> HTMLFragment:
        """Provisions by subsidiaries, each cell coloured by the answer's status."""
        return views.status_matrix(self.members, self.provisions, self.failed)

    def reports(self) -> HTMLFragment:
        """Each subsidiary's report and figures, with its last run and the files' SHA-256."""
        return views.reports(self.members, self.failed)

    def annual_reports(self) -> HTMLFragment:
        """Each subsidiary's annual report, linked, and whether it is complete (with its gaps)."""
        return views.annual_reports(self.members, self.failed)

    def provenance(self) -> dict[str, Any]:
        """Parameters, Code versions and product version, and the SHA-256 of every file read."""
        return group_provenance(self.members, self.period, self.inputs, self.outputs, self.as_of, self.failed)

    def run_record(self) -> RunRecord:
        """The provenance and each subsidiary's movement since last year (:meth:`SubsidiaryMovement.as_json`,
        by landlord id) as a notebook output, for the batch to store with the index page."""
        movement = {key: value.as_json() for key, value in self.movements.items()}
        return RunRecord({"provenance": self.provenance(), "movement": movement},
                         f"Group summary of {len(self.members) + len(self.failed)} subsidiaries, {self.period.id}.")


def open_group_summary(period: str, inputs_dir: str | Path, outputs_dir: str | Path,
                       as_of: str | dt.date | None = None) -> GroupSummary:
    """The roll-up of ``period`` for the group in ``inputs_dir`` from the runs in ``outputs_dir``.

    ``as_of`` is the date actions' states are judged at: ``None`` for today, or an ISO date
    (``"2025-06-01"``) to reproduce a summary exactly.
    """
    when = parse_as_of(as_of)
    inputs = Path(inputs_dir)
    return GroupSummary(load_registry(inputs), Period.parse(period), inputs, Path(outputs_dir), when)
