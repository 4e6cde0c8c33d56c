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
from .catalogue import (
    DEFAULT_CODE,
    ExclusionWindow,
    RespondFrom,
    RespondLimit,
    StageTimescales,
    TimeLimit,
    Timescales,
    load_catalogue,
)

__all__ = ["ExclusionWindow", "RespondLimit", "Stage", "TimeLimit", "exclusion_window", "optional_stages", "stages"]

#: The stages a case log records (its columns ``stage1_*`` and ``stage2_*``).
RECORDED_STAGES = (1, 2)


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
    #: Case-log column of the day the complaint was logged at the stage (optional in a case log;
    #: read where the Code counts the response from logging).
    logged_column: str
    #: Acknowledge within this many working days of the start (``None``: the Code sets no limit).
    acknowledge: TimeLimit | None
    #: Respond within this many working days of the step it is counted from (``respond.counted_from``).
    respond: RespondLimit
    #: No more than this many further working days of extension without good reason.
    extension: TimeLimit

    def key(self, name: str) -> str:
        """The stage's name for a figure or a setting: ``key("ack")`` is ``"stage1_ack"``."""
        return f"stage{self.number}_{name}"

    @property
    def respond_from(self) -> RespondFrom:
        return self.respond.counted_from

    def counted_from(self, logged_recorded: bool = True) -> str:
        """What the response limit is counted from, in words: "acknowledgement", "logging", "receipt"
        or "the escalation request"; for logging when the case log records no day logged
        (``logged_recorded`` false), the acknowledgement the figures then count from."""
        if self.respond_from == "start":
            return "receipt" if self.number == 1 else "the escalation request"
        if self.respond_from == "acknowledged":
            return "acknowledgement"
        return "logging" if logged_recorded else "acknowledgement (no day logged recorded)"

    @property
    def provision_ids(self) -> tuple[str, ...]:
        """The ids of the provisions setting the stage's limits (acknowledge, respond, extension), each once."""
        limits = (self.acknowledge, self.respond, self.extension)
        return tuple(dict.fromkeys(f"{self.code}:{limit.provision}" for limit in limits if limit is not None))


def _timescales(code: str) -> Timescales:
    catalogue = load_catalogue(code)
    if catalogue.timescales is None:
        raise CatalogueError(f"the {code} Code's data file gives no timescales; add a 'timescales:' block")
    return catalogue.timescales


def stages(code: str = DEFAULT_CODE) -> tuple[Stage, ...]:
    """The stages a case log records (stage 1 and stage 2) under a Code version, stage 1 first,
    with their case-log columns and limits."""
    return _stages(code)


def optional_stages(code: str = DEFAULT_CODE) -> tuple[StageTimescales, ...]:
    """The stages a Code allows a landlord to add (the 2020 and 2022 Codes' stage 3), with their
    limits: named in the definitions, never counted (a case log records stages 1 and 2)."""
    return tuple(s for s in _timescales(code).stages if s.stage not in RECORDED_STAGES)


@cache
def _stages(code: str) -> tuple[Stage, ...]:
    recorded = [s for s in _timescales(code).stages if s.stage in RECORDED_STAGES]
    if [s.stage for s in recorded] != list(RECORDED_STAGES) or any(s.optional for s in recorded):
        raise CatalogueError(f"the {code} Code's timescales must give stages 1 and 2, neither optional: a case "
                             "log records both")
    out = []
    for s in recorded:
        if s.extension is None:
            raise CatalogueError(f"the {code} Code's timescales give stage {s.stage} no extension limit; expected "
                                 "one (the further working days allowed without good reason)")
        if s.acknowledge is None and s.respond.counted_from == "acknowledged":
            raise CatalogueError(f"the {code} Code's stage {s.stage} response is counted from the acknowledgement, "
                                 "which has no time limit; give the acknowledgement's limit or count the response "
                                 "from: start")
        out.append(Stage(
            number=s.stage,
            code=code,
            start_column="received" if s.stage == 1 else f"stage{s.stage}_requested",
            acknowledged_column=f"stage{s.stage}_acknowledged",
            responded_column=f"stage{s.stage}_responded",
            extension_column=f"stage{s.stage}_extension_days",
            good_reason_column=f"stage{s.stage}_extension_good_reason",
            outcome_column=f"stage{s.stage}_outcome",
            handler_column=f"stage{s.stage}_handler",
            logged_column=f"stage{s.stage}_logged",
            acknowledge=s.acknowledge,
            respond=s.respond,
            extension=s.extension,
        ))
    return tuple(out)


def exclusion_window(code: str = DEFAULT_CODE) -> ExclusionWindow | None:
    """How old an issue may be before a complaint about it may be refused (2024: 12 months, 2.3;
    ``None`` where the Code names no such limit)."""
    return _timescales(code).exclusion_window
