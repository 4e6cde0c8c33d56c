"""Which case figures bear on which provision, phrased for the auditor reading beside it.

The map from provision to figures is the Code's data (the ``figures:`` block of its data file,
see :mod:`audit_lib.code.catalogue`), per Code version; this module holds the sentence of each
figure, keyed by the figure's name (:func:`sentences`). A stage's sentences name the limits of
the figures' Code version, so they are built per version on first use, never at import. A
sentence gives ``None`` when the case log cannot supply its figure (no channel column, no
adjustment flags, no handler columns, no local target), and a provision left with no
sentence is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from types import MappingProxyType

from ..code.catalogue import DEFAULT_CODE, load_catalogue
from ..code.timescales import Stage, stages
from ..errors import CatalogueError
from .results import CaseStatistics, Rate

#: A figure's sentence for a landlord's figures, or ``None`` when the case log does not give it.
Sentence = Callable[[CaseStatistics], str | None]


def _rate(rate: Rate, what: str) -> str:
    if rate.total == 0:
        return f"No {what} fell due or were made in the period."
    return f"{rate.pct:.1f}% of {what} on time ({rate.on_time} of {rate.total} made or due in the period; {rate.late} late)."


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def _refused(stats: CaseStatistics) -> str:
    refused = ", ".join(f"{reason}: {n}" for reason, n in stats.refused_by_reason.items()) or "none"
    return f"{stats.year.refused} complaint(s) not accepted in the period ({refused})."


def _stage1_received_per_1000(stats: CaseStatistics) -> str:
    return (f"{stats.year.stage1_received} stage 1 complaints received: {stats.tsm_ch01_stage1_per_1000} per 1,000 "
            "homes (TSM CH01).")


def _channels(stats: CaseStatistics) -> str | None:
    if not stats.channels:
        return None
    return "Channels used at stage 1: " + ", ".join(f"{k} {v}" for k, v in stats.channels.items()) + "."


def _reasonable_adjustments(stats: CaseStatistics) -> str | None:
    if stats.reasonable_adjustments is None:
        return None
    return f"{stats.reasonable_adjustments} stage 1 complaint(s) with a reasonable adjustment or vulnerability recorded."


def _escalations(stats: CaseStatistics) -> str:
    return (f"{stats.year.stage2_received} escalation(s) to stage 2: {_pct(stats.escalation_rate_pct)} of stage 1 "
            "responses issued.")


def _same_handler(stats: CaseStatistics) -> str | None:
    if stats.stage2_same_handler is None:
        return None
    return f"{stats.stage2_same_handler} escalation(s) in the period recorded with the same handler at stage 1 and stage 2."


def _upheld_and_compensation(stats: CaseStatistics) -> str:
    upheld = stats.stage1_outcomes.get("upheld", 0) + stats.stage1_outcomes.get("partly upheld", 0)
    return (f"{upheld} stage 1 complaint(s) upheld or partly upheld; compensation offered in "
            f"{stats.compensation_cases} case(s), £{stats.compensation_total:,.2f} in all; "
            f"{stats.upheld_without_remedy} upheld or partly upheld at either stage with no remedy or compensation "
            "recorded.")


def _year_received(stats: CaseStatistics) -> str:
    y = stats.year
    return f"Year: {y.stage1_received} stage 1 and {y.stage2_received} stage 2 complaints received; {y.refused} refused."


def _tsm_ch01(stats: CaseStatistics) -> str:
    return (f"TSM CH01: {stats.tsm_ch01_stage1_per_1000} (stage 1) and {stats.tsm_ch01_stage2_per_1000} (stage 2) "
            "per 1,000 homes.")


def _tsm_ch02(stats: CaseStatistics) -> str:
    y = stats.year
    return (f"TSM CH02: {_pct(y.tsm_ch02_stage1_pct)} (stage 1) and {_pct(y.tsm_ch02_stage2_pct)} (stage 2) within "
            "Code timescales.")


def _ombudsman_outcomes(stats: CaseStatistics) -> str:
    findings = {k: v for k, v in stats.ombudsman_outcomes.items() if v}
    return ("Ombudsman determinations: " + (", ".join(f"{k} {v}" for k, v in findings.items()) or "none")
            + f"; maladministration rate {_pct(stats.maladministration_rate_pct)}.")


def _stage_sentences(stage: Stage) -> dict[str, Sentence]:
    """The sentences of one stage's figures, named ``stage1_ack``, ``tsm_ch02_stage1``, ..."""
    n = stage.number

    def ack(stats: CaseStatistics) -> str | None:
        rate, limit = stats.year.stage(n).ack, stage.acknowledge
        if rate is None or limit is None:  # the Code sets no limit (2022 Code stage 2)
            return None
        return _rate(rate, f"stage {n} acknowledgements within {limit.working_days} working days")

    def ack_local(stats: CaseStatistics) -> str | None:
        rate = stats.year.stage(n).ack_local
        if rate is None:
            return None
        days = stats.local_targets[stage.key("acknowledge")]
        return _rate(rate, f"stage {n} acknowledgements within the local target of {days} working days")

    def response(stats: CaseStatistics) -> str:
        days = stage.respond.working_days
        return _rate(stats.year.stage(n).response,
                     f"stage {n} responses within {days} working days plus any allowed extension")

    def tsm_ch02(stats: CaseStatistics) -> str:
        s = stats.year.stage(n)
        return f"TSM CH02 stage {n}: {_pct(s.tsm_ch02_pct)} of {s.responded} responses issued within Code timescales."

    def extended(stats: CaseStatistics) -> str:
        s = stats.year.stage(n)
        return (f"{s.extended} of {s.responded} stage {n} responses issued were extended; {s.extended_beyond_limit} "
                f"beyond {stage.extension.working_days} working days: {s.extended_beyond_limit_with_reason} with a good "
                f"reason recorded, {s.extended_beyond_limit_without_reason} without.")

    return {stage.key("ack"): ack, stage.key("ack_local"): ack_local, stage.key("response"): response,
            f"tsm_ch02_stage{n}": tsm_ch02, stage.key("extended"): extended}


@cache
def _stage_sentences_of(code: str) -> Mapping[str, Sentence]:
    return MappingProxyType({name: sentence for stage in stages(code)
                             for name, sentence in _stage_sentences(stage).items()})


#: Figure name -> its sentence, for the figures whose wording names no time limit. The names
#: are those the ``figures:`` block of a Code data file uses; :func:`sentences` adds each stage's.
SENTENCES: dict[str, Sentence] = {
    "refused": _refused,
    "stage1_received_per_1000": _stage1_received_per_1000,
    "channels": _channels,
    "reasonable_adjustments": _reasonable_adjustments,
    "escalations": _escalations,
    "stage2_same_handler": _same_handler,
    "upheld_and_compensation": _upheld_and_compensation,
    "year_received": _year_received,
    "tsm_ch01": _tsm_ch01,
    "tsm_ch02": _tsm_ch02,
    "ombudsman_outcomes": _ombudsman_outcomes,
}


def sentences(code: str = DEFAULT_CODE) -> dict[str, Sentence]:
    """Figure name -> its sentence under a Code version: :data:`SENTENCES` and the sentences of
    each stage's figures, which name the version's limits (built on first use, kept per version)."""
    return {**SENTENCES, **_stage_sentences_of(code)}


def provision_figures(stats: CaseStatistics) -> dict[str, list[str]]:
    """Provision number -> sentences of case data (only provisions the data speaks to), as the
    figures' Code version (``stats.code``) maps figures to provisions."""
    code = stats.code
    by_name = sentences(code)
    out: dict[str, list[str]] = {}
    for number, names in load_catalogue(code).figures.items():
        unknown = [name for name in names if name not in by_name]
        if unknown:
            raise CatalogueError(f"the {code} Code's figures for provision {number} name {unknown}, which "
                                 f"have no sentence; expected names among {sorted(by_name)}")
        texts = [text for text in (by_name[name](stats) for name in names) if text is not None]
        if texts:
            out[number] = texts
    return out
