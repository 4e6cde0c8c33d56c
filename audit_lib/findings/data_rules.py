"""The case data against the answers: each rule's check reads the figures, the answer is judged.

A check (one function here per kind, named by the rules file, :mod:`.rules`) reads the period's
:class:`~audit_lib.stats.results.CaseStatistics` and returns an :class:`Observation`: a
**breach**, a **shortfall**, **full compliance** for the period, **clear** (nothing the data
questions, though it does not show full compliance) or **no data** (the figure is not there, or
counts nothing), with its figures and the words that say so. The answer is then judged the
same way for every rule (:func:`judge`):

* "Yes" and a breach: the rule's ``breach`` severity (contradicted unless the file says otherwise);
* "Yes" and a shortfall: the rule's ``shortfall`` severity (a caution unless the file says otherwise);
* "No" or "Partial" while the data shows full compliance: a caution that the answer may be out
  of date (:attr:`~.model.FindingCode.ANSWER_MAY_BE_OUT_OF_DATE`);
* anything else (unanswered, "N/A", a "No" the data bears out, no data): nothing.

Thresholds come from :class:`~.settings.FindingSettings`. Messages are plain words with the
figures ("'Yes', but 72.0% of stage 1 acknowledgements were on time (36 of 50; 14 late), below
the 90% threshold."); they quote the Code and counts, never a case log's free text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..assessment.answers import Answer, Status
from ..cases.schema import OMBUDSMAN_OUTCOMES
from ..code.timescales import stages
from ..config.finding_settings import FindingSettings
from ..core.periods import Period
from .model import FigureValue, Finding, FindingCode, Severity
from .rules import Rule, load_rules

if TYPE_CHECKING:
    from ..assessment.answers import Assessment
    from ..code.catalogue import Catalogue, Provision
    from ..stats.results import CaseStatistics


class Kind(StrEnum):
    """What a check saw in the period's figures."""

    BREACH = "breach"
    SHORTFALL = "shortfall"
    FULL = "full"
    CLEAR = "clear"
    NO_DATA = "no data"


@dataclass(frozen=True)
class Observation:
    """What a check saw: its kind, the finding code of a breach or shortfall, the words after
    "'Yes', but" (or "'No', but" for full compliance), a sentence to add, and the figures."""

    kind: Kind
    code: FindingCode | None = None
    message: str = ""
    note: str | None = None
    figures: dict[str, FigureValue] = field(default_factory=dict)


NO_DATA = Observation(Kind.NO_DATA)
CLEAR = Observation(Kind.CLEAR)


@dataclass(frozen=True)
class Context:
    """What a check may read: the figures, the thresholds, the answer and its provision."""

    stats: CaseStatistics
    settings: FindingSettings
    answer: Answer
    provision: Provision
    code: str


@dataclass(frozen=True)
class Check:
    """A check the rules file may name: its name, the parameters it takes and the function."""

    name: str
    params: type[BaseModel]
    run: Callable[[Context, Any], Observation]


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(_Params):
    """A check that takes no parameters."""


class OnTimeParams(_Params):
    #: An on-time rate of the year's figures.
    rate: Literal["stage1_ack", "stage1_response", "stage2_ack", "stage2_response",
                  "stage1_ack_local", "stage1_response_local", "stage2_ack_local", "stage2_response_local"]
    #: What the rate counts, in plain words and the plural ("stage 1 acknowledgements").
    what: Annotated[str, Field(min_length=1, max_length=80)]


class StageParams(_Params):
    stage: Literal[1, 2]


class QuoteParams(_Params):
    #: Words of the provision, as published, quoted in the finding (checked against its text on load).
    quote: Annotated[str, Field(min_length=1, max_length=300)]


class OmbudsmanParams(_Params):
    #: The Ombudsman's determinations that find fault, as the case log records them.
    outcomes: tuple[str, ...] = Field(min_length=1)
    #: Whether complaint handling failure orders count too.
    orders: bool = True
    #: Words whose presence in the commentary shows it addresses them (whole words in any case, also with
    #: -s, -'s or -ed: "orders", "Ombudsman's"; "HOS" does not match "hospital").
    mentions: tuple[Annotated[str, Field(min_length=2, max_length=40)], ...] = Field(min_length=1)

    @field_validator("outcomes")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [v for v in value if v not in OMBUDSMAN_OUTCOMES]
        if unknown:
            raise ValueError(f"expected Ombudsman outcomes among {', '.join(OMBUDSMAN_OUTCOMES)}; found {unknown}")
        return value


# --- words ---------------------------------------------------------------------------------

def _n(count: int, singular: str, plural: str | None = None) -> str:
    """``"1 complaint"``, ``"3 complaints"``."""
    return f"{count:,} {singular if count == 1 else (plural or singular + 's')}"


def _were(count: int) -> str:
    return "was" if count == 1 else "were"


def _threshold(value: float) -> str:
    """90.0 -> ``"90"``, 92.5 -> ``"92.5"``."""
    return f"{value:g}"


def _period_end(stats: CaseStatistics) -> str:
    end = Period.parse(stats.period).end
    return f"{end.day} {end:%B %Y}"


# --- the checks ----------------------------------------------------------------------------

def on_time_rate(ctx: Context, params: OnTimeParams) -> Observation:
    """An on-time rate of the year: below the threshold a breach, below 100% a shortfall, every
    step on time full compliance; a rate that counts nothing is no data."""
    rate = getattr(ctx.stats.year, params.rate)
    if rate is None or rate.total == 0:
        return NO_DATA
    threshold = ctx.settings.on_time_threshold_pct
    figures: dict[str, FigureValue] = {"on_time": rate.on_time, "total": rate.total, "late": rate.late,
                                       "pct": rate.pct, "threshold_pct": threshold}
    if rate.late == 0:
        return Observation(Kind.FULL, message=f"all {rate.total:,} {params.what} made or due in the period were on "
                                              "time", figures=figures)
    words = f"{rate.pct:.1f}% of {params.what} were on time ({rate.on_time:,} of {rate.total:,}; {rate.late:,} late)"
    if rate.pct is not None and rate.pct < threshold:
        return Observation(Kind.BREACH, FindingCode.ON_TIME_BELOW_THRESHOLD,
                           f"{words}, below the {_threshold(threshold)}% threshold", figures=figures)
    return Observation(Kind.SHORTFALL, FindingCode.ON_TIME_BELOW_FULL,
                       f"{words}: at or above the {_threshold(threshold)}% threshold, but not all", figures=figures)


def open_overdue(ctx: Context, params: StageParams) -> Observation:
    """Complaints open at the stage and past their response deadline at the period's end: a shortfall."""
    n = params.stage
    overdue = getattr(ctx.stats.open_at_end, f"stage{n}_overdue")
    still_open = getattr(ctx.stats.open_at_end, f"stage{n}_open")
    if not overdue:
        return CLEAR
    return Observation(Kind.SHORTFALL, FindingCode.OPEN_OVERDUE_AT_PERIOD_END,
                       f"{_n(overdue, f'stage {n} complaint')} {_were(overdue)} still open and past the response "
                       f"deadline at the end of the period ({_period_end(ctx.stats)}; {still_open:,} open in all)",
                       figures={"overdue": overdue, "open": still_open})


def extension_without_reason(ctx: Context, params: StageParams) -> Observation:
    """Responses issued in the period after an extension beyond the Code's limit with no good
    reason recorded: a breach."""
    n = params.stage
    s = ctx.stats.year.stage(n)
    if s.extended == 0:
        return NO_DATA
    without = s.extended_beyond_limit_without_reason
    if not without:
        return CLEAR
    limit = next(stage.extension.working_days for stage in stages(ctx.code) if stage.number == n)
    recorded = ctx.stats.records(f"stage{n}_extension_good_reason")
    # With no column for the reason, the log cannot show one was given: a reason to look, not a contradiction.
    return Observation(Kind.BREACH if recorded else Kind.SHORTFALL, FindingCode.EXTENSION_WITHOUT_GOOD_REASON,
                       f"{without:,} of the {_n(s.responded, f'stage {n} response')} issued in the period "
                       f"{_were(without)} extended beyond the Code's limit of {limit} working days "
                       + ("with no good reason recorded" if recorded else
                          "and the case log has no column recording whether a good reason was given, so the "
                          "reasons cannot be checked from the data"),
                       figures={"beyond_limit_without_reason": without, "beyond_limit": s.extended_beyond_limit,
                                "extended": s.extended, "responded": s.responded, "limit_working_days": limit})


def same_handler(ctx: Context, params: NoParams) -> Observation:
    """Escalations in the period handled at stage 2 by the stage 1 handler: a breach; no handler
    columns in the case log: no data."""
    count = ctx.stats.stage2_same_handler
    if count is None:
        return NO_DATA
    if count == 0:
        return CLEAR
    escalations = ctx.stats.year.stage2_received
    return Observation(Kind.BREACH, FindingCode.SAME_HANDLER_BOTH_STAGES,
                       f"{count:,} of the {_n(escalations, 'escalation')} in the period {_were(count)} recorded "
                       "with the same handler at stage 1 and stage 2",
                       figures={"same_handler": count, "escalations": escalations})


def adjustments_recorded(ctx: Context, params: NoParams) -> Observation:
    """No reasonable adjustment or vulnerability recorded in the period, or no column to record
    one in: a shortfall."""
    count = ctx.stats.reasonable_adjustments
    received = ctx.stats.year.stage1_received
    if count is None:
        return Observation(Kind.SHORTFALL, FindingCode.NO_ADJUSTMENTS_RECORDED,
                           "the case log has no reasonable adjustment or vulnerability column, so it cannot show "
                           "that adjustments are recorded",
                           figures={"reasonable_adjustments": None, "stage1_received": received})
    if count > 0:
        return CLEAR
    if received == 0:
        return NO_DATA
    return Observation(Kind.SHORTFALL, FindingCode.NO_ADJUSTMENTS_RECORDED,
                       f"the case log records no reasonable adjustment or vulnerability for any of the "
                       f"{_n(received, 'stage 1 complaint')} received in the period",
                       figures={"reasonable_adjustments": 0, "stage1_received": received})


def single_channel(ctx: Context, params: NoParams) -> Observation:
    """Every stage 1 complaint with a channel recorded came through one channel: a shortfall."""
    channels = {name: count for name, count in (ctx.stats.channels or {}).items() if count}
    total = sum(channels.values())
    if not total:
        return NO_DATA
    if len(channels) > 1:
        return CLEAR
    (name,) = channels
    return Observation(Kind.SHORTFALL, FindingCode.SINGLE_CHANNEL,
                       f"all {_n(total, 'stage 1 complaint')} with a channel recorded came through one channel "
                       f"({name})", figures={"channel": name, "complaints": total})


def low_volume(ctx: Context, params: QuoteParams) -> Observation:
    """Stage 1 complaints per 1,000 homes below the threshold: a shortfall, with the Code's words."""
    per_1000 = ctx.stats.tsm_ch01_stage1_per_1000
    if per_1000 is None:
        return NO_DATA
    threshold = ctx.settings.low_volume_per_1000
    if per_1000 >= threshold:
        return CLEAR
    received = ctx.stats.year.stage1_received
    return Observation(Kind.SHORTFALL, FindingCode.LOW_COMPLAINT_VOLUME,
                       f"{_n(received, 'stage 1 complaint')} {_were(received)} received in the period: "
                       f"{per_1000:.1f} per 1,000 homes ({ctx.stats.homes:,} homes), below the "
                       f"{_threshold(threshold)} per 1,000 threshold",
                       note=f"The Code ({ctx.provision.number}): \u201c{params.quote}\u201d",
                       figures={"stage1_received": received, "homes": ctx.stats.homes, "per_1000": per_1000,
                                "threshold_per_1000": threshold})


def upheld_without_remedy(ctx: Context, params: NoParams) -> Observation:
    """Complaints upheld in the period with no remedy or compensation recorded: a shortfall."""
    count = ctx.stats.upheld_without_remedy
    if not count:
        return CLEAR
    remedies = ctx.stats.records("remedy")
    return Observation(Kind.SHORTFALL, FindingCode.UPHELD_WITHOUT_REMEDY,
                       f"{_n(count, 'complaint')} upheld or partly upheld in the period {'has' if count == 1 else 'have'} "
                       + ("no remedy or compensation recorded in the case log" if remedies else
                          "no compensation recorded, and the case log has no remedy column, so other remedies "
                          "(an apology, repairs) cannot be seen"),
                       figures={"upheld_without_remedy": count})


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    return any(re.search(r"\b" + re.escape(word) + r"(?:s|ed|['\u2019]s)?\b", text, re.IGNORECASE) for word in words)


def ombudsman_fault_addressed(ctx: Context, params: OmbudsmanParams) -> Observation:
    """Ombudsman findings of fault or complaint handling failure orders in the period, with a
    commentary that is empty or does not mention them: a shortfall."""
    faults = {name: ctx.stats.ombudsman_outcomes.get(name, 0) for name in params.outcomes}
    faults = {name: count for name, count in faults.items() if count}
    orders = (ctx.stats.year.complaint_failure_orders or 0) if params.orders else 0
    if not faults and not orders:
        return CLEAR
    commentary = ctx.answer.commentary.strip()
    if _mentions(commentary, params.mentions):
        return CLEAR
    what = []
    if faults:
        total = sum(faults.values())
        listed = ", ".join(f"{name} {count:,}" for name, count in faults.items())
        what.append(f"{_n(total, 'Ombudsman determination')} finding fault ({listed})")
    if orders:
        what.append(_n(orders, "complaint handling failure order"))
    them = "them" if sum(faults.values()) + orders > 1 else "it"
    silent = "there is no commentary" if not commentary else f"the commentary does not mention {them}"
    return Observation(Kind.SHORTFALL, FindingCode.OMBUDSMAN_FAULT_NOT_ADDRESSED,
                       f"the case log records {' and '.join(what)} in the period, and {silent}",
                       figures={**faults, "complaint_failure_orders": orders})


def _check(run: Callable[[Context, Any], Observation], params: type[BaseModel]) -> Check:
    return Check(name=run.__name__, params=params, run=run)


#: The checks a rules file may name, by their function's name.
CHECKS: dict[str, Check] = {check.name: check for check in (
    _check(on_time_rate, OnTimeParams),
    _check(open_overdue, StageParams),
    _check(extension_without_reason, StageParams),
    _check(same_handler, NoParams),
    _check(adjustments_recorded, NoParams),
    _check(single_channel, NoParams),
    _check(low_volume, QuoteParams),
    _check(upheld_without_remedy, NoParams),
    _check(ombudsman_fault_addressed, OmbudsmanParams),
)}


# --- the answer judged -----------------------------------------------------------------------

def judge(observation: Observation, status: Status | None, rule: Rule, provision_id: str) -> Finding | None:
    """The finding an answer and what the data shows make, if any (see the module docstring)."""
    note = f" {observation.note}" if observation.note else ""
    if status is Status.YES and observation.kind in (Kind.BREACH, Kind.SHORTFALL) and observation.code is not None:
        severity = rule.breach if observation.kind is Kind.BREACH else rule.shortfall
        return Finding(provision_id, severity, observation.code, f"'Yes', but {observation.message}.{note}",
                       dict(observation.figures))
    if status in (Status.NO, Status.PARTIAL) and observation.kind is Kind.FULL:
        return Finding(provision_id, Severity.CAUTION, FindingCode.ANSWER_MAY_BE_OUT_OF_DATE,
                       f"'{status.value}', but {observation.message}: the answer may be out of date.{note}",
                       dict(observation.figures))
    return None


def data_findings(catalogue: Catalogue, assessment: Assessment, stats: CaseStatistics,
                  settings: FindingSettings | None = None) -> list[Finding]:
    """Every finding of the Code version's data rules on the assessment's answers, in the
    catalogue's order of provisions (rules in file order within one).

    The data shows full compliance with a provision only if no rule on it sees a breach or a
    shortfall: a "No" on 6.3 is not called out of date for its on-time rate while complaints are
    open and overdue at the period's end.
    """
    thresholds = settings or FindingSettings()
    seen: dict[str, list[tuple[int, Rule, Observation]]] = {}
    for position, rule in enumerate(load_rules(catalogue.code).rules):
        for provision_id in rule.provisions:
            answer = assessment.answer(provision_id)
            if answer.status not in (Status.YES, Status.NO, Status.PARTIAL):
                continue
            context = Context(stats, thresholds, answer, catalogue.provision(provision_id), catalogue.code)
            seen.setdefault(provision_id, []).append((position, rule, rule.check.run(context, rule.params)))
    order = {p.id: i for i, p in enumerate(catalogue.provisions)}
    found: list[tuple[int, int, Finding]] = []
    for provision_id, observed in seen.items():
        status = assessment.answer(provision_id).status
        short = any(o.kind in (Kind.BREACH, Kind.SHORTFALL) for _, _, o in observed)
        for position, rule, observation in observed:
            if observation.kind is Kind.FULL and short:
                continue
            finding = judge(observation, status, rule, provision_id)
            if finding is not None:
                found.append((order.get(provision_id, len(order)), position, finding))
    return [finding for *_, finding in sorted(found, key=lambda item: (item[0], item[1]))]


__all__ = ["CHECKS", "Check", "Context", "Kind", "Observation", "data_findings", "judge"]
