"""Proposed answers to the questions that ask for a figure (the 2020 Code's "What proportion of
complaints are resolved at stage 1?"), worked out from the case statistics of the period.

A Code data file's ``proposals:`` maps a question's number to a proposal's name (a key of
:data:`PROPOSALS`); the workbook shows the :class:`Proposal` beside the question and the
auditor confirms it (it becomes the answer's ``value``) or types another answer. A proposal is
never an answer by itself.

Every figure is from the year's figures of :class:`~audit_lib.stats.results.CaseStatistics` as
``docs/figures.md`` defines them ("Proposed answers to the 2020 questions"): the period's
responses and escalations, measured against the timescales of the Code the period is assessed
against. Where the case log cannot give the figure (nothing responded to, or figures an
approximation cannot be drawn from) there is no proposal (``None``), never a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..code.catalogue import Catalogue, Provision
from ..core.yaml_files import shorten
from ..errors import CatalogueError
from .results import CaseStatistics, percent

__all__ = ["PROPOSALS", "Proposal", "proposal", "proposals"]


@dataclass(frozen=True)
class Proposal:
    """An answer the case statistics propose to a question asking for a figure."""

    #: What the auditor would type as the answer, e.g. ``87.5%``.
    value: str
    #: One sentence saying what the figure counts, e.g. "70 of the 80 stage 1 complaints
    #: responded to in 2021-22 were not escalated to stage 2 (...)".
    basis: str


def _pct(numerator: int, denominator: int) -> str:
    """``87.5%``: one decimal, rounded half up as every percentage of the figures is."""
    value = percent(numerator, denominator)
    assert value is not None  # callers give a denominator above zero
    return f"{value:.1f}%"


def _resolved_at_stage1_counts(stats: CaseStatistics) -> tuple[int, int] | None:
    """(not escalated, responded): stage 1 responses issued in the year less the stage 2
    escalations received in it, and those responses; ``None`` when there were no responses or
    the escalations outnumber them (no proportion can be drawn)."""
    responded, escalated = stats.year.stage1_responded, stats.year.stage2_received
    if not responded or escalated > responded:
        return None
    return responded - escalated, responded


def resolved_at_stage1(stats: CaseStatistics) -> Proposal | None:
    """The share of stage 1 responses not escalated: (stage 1 responses issued in the year −
    stage 2 escalations received in the year) ÷ stage 1 responses issued in the year.

    An approximation: the case statistics count escalations by the day they were requested, so an
    escalation of the year may follow a response of the year before, and a response late in the
    year may be escalated after it (the two nearly cancel over a year). The figure is the
    complement of the escalation rate. ``None`` without a stage 1 response in the year, or where
    the escalations outnumber the responses.
    """
    counts = _resolved_at_stage1_counts(stats)
    if counts is None:
        return None
    resolved, responded = counts
    escalated = responded - resolved
    return Proposal(
        value=_pct(resolved, responded),
        basis=(f"{resolved:,} of the {responded:,} stage 1 complaints responded to in {stats.period} were not "
               f"escalated to stage 2: the {responded:,} stage 1 responses issued in the year less the "
               f"{escalated:,} escalations to stage 2 received in it (an approximation: an escalation received in "
               "the year may follow a response of the year before)."),
    )


def resolved_at_stage2(stats: CaseStatistics) -> Proposal | None:
    """The share of escalations resolved by a stage 2 response: stage 2 responses issued in the
    year ÷ stage 2 escalations received in the year.

    An approximation: a response issued in the year may answer an escalation of the year before,
    and an escalation late in the year may be answered after it. The case log records no third
    stage, so a complaint taken further after its stage 2 response counts as resolved at stage 2.
    ``None`` without an escalation in the year, or where the responses outnumber the escalations.
    """
    escalated, responded = stats.year.stage2_received, stats.year.stage2_responded
    if not escalated or responded > escalated:
        return None
    return Proposal(
        value=_pct(responded, escalated),
        basis=(f"{responded:,} stage 2 responses were issued in {stats.period} against the {escalated:,} "
               "escalations to stage 2 received in the year (an approximation: a response issued in the year may "
               "answer an escalation of the year before; the case log records no third stage)."),
    )


def _stage_share(on_time: int, responded: int) -> str:
    return f"{_pct(on_time, responded)} ({on_time:,} of {responded:,})" if responded else "no responses issued"


def responses_within_timescales(stats: CaseStatistics) -> Proposal | None:
    """Each stage's responses issued within the Code's timescales (TSM CH02): the stage's
    responses issued in the year by their deadline ÷ its responses issued in the year, the
    deadline including the extension the landlord's extension policy allows (so the question's
    parts with and without an extension are counted together). ``None`` when neither stage
    issued a response in the year.
    """
    year = stats.year
    first, second = (year.stage1_responded_on_time, year.stage1_responded), \
        (year.stage2_responded_on_time, year.stage2_responded)
    if not first[1] and not second[1]:
        return None
    value = f"Stage 1: {_stage_share(*first)}; stage 2: {_stage_share(*second)}"
    return Proposal(
        value=value,
        basis=(f"Of the responses issued in {stats.period}, {first[0]:,} of {first[1]:,} at stage 1 and {second[0]:,} "
               f"of {second[1]:,} at stage 2 were issued within the {stats.code} Code's timescales, extensions "
               "included as the landlord's extension policy allows (TSM CH02)."),
    )


def most_resolved_at(stats: CaseStatistics) -> Proposal | None:
    """The stage at which more complaints were resolved in the year: stage 1 (its responses not
    escalated, as :func:`resolved_at_stage1` counts them, an approximation) against stage 2 (its
    responses issued). "Stage 1 and stage 2 equally" on a tie; ``None`` when neither count can be
    given or both are nought.
    """
    counts = _resolved_at_stage1_counts(stats)
    if counts is None:
        return None
    first, second = counts[0], stats.year.stage2_responded
    if not first and not second:
        return None
    value = "Stage 1" if first > second else "Stage 2" if second > first else "Stage 1 and stage 2 equally"
    return Proposal(
        value=value,
        basis=(f"In {stats.period}, {first:,} complaints were resolved at stage 1 (stage 1 responses issued less "
               f"escalations to stage 2 received, an approximation) and {second:,} at stage 2 (stage 2 responses "
               "issued)."),
    )


#: The proposals a Code data file's ``proposals:`` may name, by name.
PROPOSALS: dict[str, Callable[[CaseStatistics], Proposal | None]] = {
    "resolved_at_stage1": resolved_at_stage1,
    "resolved_at_stage2": resolved_at_stage2,
    "responses_within_timescales": responses_within_timescales,
    "most_resolved_at": most_resolved_at,
}


def _check_names(catalogue: Catalogue) -> None:
    """Every proposal the catalogue names is one this module has."""
    for number, name in catalogue.proposals.items():
        if name not in PROPOSALS:
            raise CatalogueError(
                f"the {catalogue.code} Code's proposals: provision {number} names the proposal {shorten(name)}, which "
                f"the product does not have; expected one of {', '.join(PROPOSALS)} "
                f"(correct code_{catalogue.code}.yaml)"
            )


def proposal(catalogue: Catalogue, provision: Provision | str, stats: CaseStatistics) -> Proposal | None:
    """The answer ``stats`` propose to ``provision`` (a provision of ``catalogue``, or its id or
    number): ``None`` when the catalogue proposes none for it, or the figures cannot give one.

    Raises :class:`~audit_lib.errors.CatalogueError` when the catalogue's ``proposals:`` names a
    proposal this module does not have (any of them, so a mistyped name is found on first use).
    """
    _check_names(catalogue)
    number = catalogue.provision(provision if isinstance(provision, str) else provision.id).number
    name = catalogue.proposals.get(number)
    return None if name is None else PROPOSALS[name](stats)


def proposals(catalogue: Catalogue, stats: CaseStatistics) -> dict[str, Proposal]:
    """Every proposal ``stats`` can give to ``catalogue``'s questions, by provision number
    (questions the figures cannot answer are left out)."""
    _check_names(catalogue)
    found = {number: PROPOSALS[name](stats) for number, name in catalogue.proposals.items()}
    return {number: found_ for number, found_ in found.items() if found_ is not None}
