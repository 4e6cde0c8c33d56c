"""The complaint stages of a Code version: the case-log columns of each stage's steps and the
limits the Code sets on them, from the ``timescales:`` block of the Code's data file.

:func:`stages` is what the statistics use, so a limit lives in one place (the data file) and
each use of it (deadlines, the quarterly table, the sentences beside a provision, the written
definitions) is derived from there. Each version's stages are built on first use and kept,
keyed by the version string; nothing is read at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..errors import CatalogueError
from .catalogue import DEFAULT_CODE, ExclusionWindow, TimeLimit, Timescales, load_catalogue

__all__ = ["ExclusionWindow", "Stage", "TimeLimit", "exclusion_window", "stages"]


@dataclass(frozen=True)
class Stage:
    """One complaint stage: where its steps are in a case log, and the Code's limits on them."""

    #: 1 or 2
    number: int
    #: The Code version whose limits these are, e.g. ``"2024"``.
    code: str
    #: Case-log column of the date the stage starts: ``received`` at stage 1, the escalation
    #: request after that.
    start_column: str
    acknowledged_column: str
    responded_column: str
    #: Working days of extension communicated to the resident.
    extension_column: str
    #: Whether the case records a good reason for an extension beyond the Code's limit (optional).
    good_reason_column: str
    outcome_column: str
    #: Who handled the stage (optional in a case log).
    handler_column: str
    #: Acknowledge within this many working days of the start.
    acknowledge: TimeLimit
    #: Respond within this many working days of acknowledgement.
    respond: TimeLimit
    #: No more than this many further working days of extension without good reason.
    extension: TimeLimit

    def key(self, name: str) -> str:
        """The stage's name for a figure or a setting: ``key("ack")`` is ``"stage1_ack"``."""
        return f"stage{self.number}_{name}"

    @property
    def provision_ids(self) -> tuple[str, str, str]:
        """The ids of the provisions setting the acknowledge, respond and extension limits."""
        return (f"{self.code}:{self.acknowledge.provision}", f"{self.code}:{self.respond.provision}",
                f"{self.code}:{self.extension.provision}")


def _timescales(code: str) -> Timescales:
    catalogue = load_catalogue(code)
    if catalogue.timescales is None:
        raise CatalogueError(f"the {code} Code's data file gives no timescales; add a 'timescales:' block")
    return catalogue.timescales


def stages(code: str = DEFAULT_CODE) -> tuple[Stage, ...]:
    """The stages of a Code version, stage 1 first, with their case-log columns and limits."""
    return _stages(code)


@cache
def _stages(code: str) -> tuple[Stage, ...]:
    return tuple(
        Stage(
            number=s.stage,
            code=code,
            start_column="received" if s.stage == 1 else f"stage{s.stage}_requested",
            acknowledged_column=f"stage{s.stage}_acknowledged",
            responded_column=f"stage{s.stage}_responded",
            extension_column=f"stage{s.stage}_extension_days",
            good_reason_column=f"stage{s.stage}_extension_good_reason",
            outcome_column=f"stage{s.stage}_outcome",
            handler_column=f"stage{s.stage}_handler",
            acknowledge=s.acknowledge,
            respond=s.respond,
            extension=s.extension,
        )
        for s in _timescales(code).stages
    )


def exclusion_window(code: str = DEFAULT_CODE) -> ExclusionWindow:
    """How old an issue may be before a complaint about it may be refused (2024: 12 months, 2.3)."""
    return _timescales(code).exclusion_window
