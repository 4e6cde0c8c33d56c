"""The figures of one landlord and period, as values: on-time rates, each window's figures (the
year and each quarter), open complaints at the period end, and the whole set with its
machine-readable form (``metrics.json`` and ``chc-audit stats --json``).

Percentages and rates per 1,000 homes are rounded here, half up to one decimal, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal

from ..code.catalogue import DEFAULT_CODE
from .definitions import FAULT_FINDINGS, MERITS_FINDINGS, ExtensionPolicy, ResponseDeadline


def percent(numerator: int, denominator: int) -> float | None:
    """0-100 with one decimal, rounded half up; ``None`` when the denominator is zero."""
    if not denominator:
        return None
    value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)


def per_thousand(count: int, homes: int) -> float | None:
    if not homes:
        return None
    return float((Decimal(count) * 1000 / Decimal(homes)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Rate:
    """Steps on time over steps counted."""

    on_time: int
    total: int

    @property
    def late(self) -> int:
        return self.total - self.on_time

    @property
    def pct(self) -> float | None:
        return percent(self.on_time, self.total)

    def as_dict(self) -> dict[str, object]:
        return {"on_time": self.on_time, "total": self.total, "late": self.late, "pct": self.pct}

    def __str__(self) -> str:
        return "n/a" if self.pct is None else f"{self.pct:.1f}% ({self.on_time} of {self.total})"


@dataclass(frozen=True)
class StageFigures:
    """One stage's figures in a window: ``WindowFigures.stage(1).ack`` is ``WindowFigures.stage1_ack``."""

    received: int
    #: ``None`` where the Code sets no time limit for acknowledging the stage (2022 Code stage 2).
    ack: Rate | None
    ack_local: Rate | None
    response: Rate
    response_local: Rate | None
    responded: int
    responded_on_time: int
    extended: int
    extended_beyond_limit: int
    #: Of those beyond the Code's limit: a good reason recorded (yes), and not (no, or blank).
    extended_beyond_limit_with_reason: int
    extended_beyond_limit_without_reason: int

    @property
    def tsm_ch02_pct(self) -> float | None:
        return percent(self.responded_on_time, self.responded)


#: The stages :class:`WindowFigures` has fields for.
STAGE_NUMBERS = (1, 2)
_STAGE_FIELDS = tuple(f.name for f in fields(StageFigures))


@dataclass(frozen=True)
class WindowFigures:
    """The figures that are reported for the year and for each quarter."""

    stage1_received: int
    stage2_received: int
    refused: int
    service_requests: int | None
    stage1_ack: Rate | None
    stage1_ack_local: Rate | None
    stage1_response: Rate
    stage1_response_local: Rate | None
    stage1_responded: int
    stage1_responded_on_time: int
    stage1_extended: int
    stage1_extended_beyond_limit: int
    stage1_extended_beyond_limit_with_reason: int
    stage1_extended_beyond_limit_without_reason: int
    stage2_ack: Rate | None
    stage2_ack_local: Rate | None
    stage2_response: Rate
    stage2_response_local: Rate | None
    stage2_responded: int
    stage2_responded_on_time: int
    stage2_extended: int
    stage2_extended_beyond_limit: int
    stage2_extended_beyond_limit_with_reason: int
    stage2_extended_beyond_limit_without_reason: int
    ombudsman_determinations: int
    complaint_failure_orders: int | None

    @classmethod
    def from_stages(
        cls,
        stages: Mapping[int, StageFigures],
        *,
        refused: int,
        service_requests: int | None,
        ombudsman_determinations: int,
        complaint_failure_orders: int | None,
    ) -> WindowFigures:
        """The window's figures from each stage's (``stages`` maps 1 and 2 to their figures)."""
        if sorted(stages) != list(STAGE_NUMBERS):
            raise ValueError(f"expected the figures of stages {STAGE_NUMBERS}, found stages {tuple(sorted(stages))}")
        by_stage = {f"stage{n}_{name}": getattr(s, name) for n, s in stages.items() for name in _STAGE_FIELDS}
        return cls(**by_stage, refused=refused, service_requests=service_requests,
                   ombudsman_determinations=ombudsman_determinations, complaint_failure_orders=complaint_failure_orders)

    def stage(self, number: int) -> StageFigures:
        """One stage's figures in this window."""
        if number not in STAGE_NUMBERS:
            raise ValueError(f"no stage {number}: expected one of {STAGE_NUMBERS}")
        return StageFigures(**{name: getattr(self, f"stage{number}_{name}") for name in _STAGE_FIELDS})

    @property
    def tsm_ch02_stage1_pct(self) -> float | None:
        return percent(self.stage1_responded_on_time, self.stage1_responded)

    @property
    def tsm_ch02_stage2_pct(self) -> float | None:
        return percent(self.stage2_responded_on_time, self.stage2_responded)


@dataclass(frozen=True)
class OpenComplaints:
    stage1_open: int
    stage1_overdue: int
    stage2_open: int
    stage2_overdue: int
    stage1_ageing: dict[str, int]
    stage2_ageing: dict[str, int]


@dataclass(frozen=True)
class CaseStatistics:
    """All figures for one landlord and period."""

    period: str
    homes: int
    extension_policy: ExtensionPolicy
    response_deadline: ResponseDeadline
    local_targets: dict[str, int]
    year: WindowFigures
    quarters: dict[str, WindowFigures]
    refused_by_reason: dict[str, int]
    stage1_outcomes: dict[str, int]
    stage2_outcomes: dict[str, int]
    withdrawn_before_response: int
    categories: dict[str, int]
    ombudsman_outcomes: dict[str, int]
    compensation_cases: int
    compensation_total: float
    open_at_end: OpenComplaints
    channels: dict[str, int] | None  # stage 1 received by channel, when the export has one
    reasonable_adjustments: int | None  # stage 1 received with an adjustment or vulnerability flag
    stage2_same_handler: int | None  # escalations in the period handled by the stage 1 handler (6.13)
    #: Rows of the case log excluded whole (no usable case reference or date received, empty, copies).
    excluded_rows: int
    #: Complaints in the case log (any period): rows read = complaints counted + rows excluded whole.
    complaints_counted: int
    #: Complaints upheld or partly upheld at stage 1 or stage 2 by a response dated in the period,
    #: with neither compensation above zero nor a remedy recorded (7.1; ``docs/figures.md``).
    upheld_without_remedy: int = 0
    definitions: dict[str, str] = field(default_factory=dict)
    #: The Code version whose timescales the figures were measured against (and whose map of
    #: figures to provisions :func:`~audit_lib.stats.provision_figures.provision_figures` uses).
    #: Not part of :meth:`to_json`.
    code: str = DEFAULT_CODE
    #: The optional columns (:data:`~audit_lib.cases.schema.OPTIONAL_COLUMNS`) the case log has, so a
    #: figure of zero can be told from one the log cannot give (``None``: not known, as for figures
    #: built by hand). Not part of :meth:`to_json`.
    optional_columns: frozenset[str] | None = None
    #: Per stage, what its response deadlines were counted from, in words (:meth:`Stage.counted_from
    #: <audit_lib.code.timescales.Stage.counted_from>`; empty for figures built by hand). Not part of
    #: :meth:`to_json`.
    counted_from: dict[int, str] = field(default_factory=dict)

    def records(self, column: str) -> bool:
        """Whether the case log has the optional ``column`` (taken as yes when not known)."""
        return self.optional_columns is None or column in self.optional_columns

    @property
    def rows_read(self) -> int:
        """Rows of the case log read: complaints counted + rows excluded whole (checked against the
        case log's own count when the statistics are worked out)."""
        return self.complaints_counted + self.excluded_rows

    @property
    def tsm_ch01_stage1_per_1000(self) -> float | None:
        return per_thousand(self.year.stage1_received, self.homes)

    @property
    def tsm_ch01_stage2_per_1000(self) -> float | None:
        return per_thousand(self.year.stage2_received, self.homes)

    @property
    def escalation_rate_pct(self) -> float | None:
        return percent(self.year.stage2_received, self.year.stage1_responded)

    @property
    def ombudsman_fault_findings(self) -> int:
        """Determinations finding severe maladministration, maladministration or service failure
        (:data:`~audit_lib.stats.definitions.FAULT_FINDINGS`): the maladministration rate's numerator."""
        return sum(self.ombudsman_outcomes.get(k, 0) for k in FAULT_FINDINGS)

    @property
    def ombudsman_merits_findings(self) -> int:
        """Determinations on the merits, any finding (:data:`~audit_lib.stats.definitions.MERITS_FINDINGS`):
        the maladministration rate's denominator."""
        return sum(self.ombudsman_outcomes.get(k, 0) for k in MERITS_FINDINGS)

    @property
    def maladministration_rate_pct(self) -> float | None:
        return percent(self.ombudsman_fault_findings, self.ombudsman_merits_findings)

    def to_json(self) -> dict[str, object]:
        """The machine-readable figures (``chc-audit stats --json`` and ``metrics.json``)."""
        return {
            "period": self.period,
            "homes": self.homes,
            **_window_json(self.year),
            "tsm_ch01_stage1_per_1000": self.tsm_ch01_stage1_per_1000,
            "tsm_ch01_stage2_per_1000": self.tsm_ch01_stage2_per_1000,
            "escalation_rate_pct": self.escalation_rate_pct,
            "maladministration_rate_pct": self.maladministration_rate_pct,
            "refused_by_reason": self.refused_by_reason,
            "stage1_outcomes": self.stage1_outcomes,
            "stage2_outcomes": self.stage2_outcomes,
            "withdrawn_before_response": self.withdrawn_before_response,
            "categories": self.categories,
            "ombudsman_outcomes": self.ombudsman_outcomes,
            "compensation_cases": self.compensation_cases,
            "compensation_total": self.compensation_total,
            "open_at_period_end": asdict(self.open_at_end),
            "channels": self.channels,
            "reasonable_adjustments": self.reasonable_adjustments,
            "stage2_same_handler": self.stage2_same_handler,
            "upheld_without_remedy": self.upheld_without_remedy,
            "quarters": {name: _window_json(q) for name, q in self.quarters.items()},
            "extension_policy": self.extension_policy,
            "response_deadline": self.response_deadline,
            "local_targets": self.local_targets,
            "rows_read": self.rows_read,
            "complaints_counted": self.complaints_counted,
            "excluded_rows": self.excluded_rows,
            "definitions": self.definitions,
        }


def _rate_json(rate: Rate | None) -> dict[str, object] | None:
    return None if rate is None else rate.as_dict()


def _window_json(w: WindowFigures) -> dict[str, object]:
    """One window's figures: the counts received, then each stage's figures, then the Ombudsman's."""
    out: dict[str, object] = {
        "stage1_received": w.stage1_received,
        "stage2_received": w.stage2_received,
        "refused": w.refused,
        "service_requests": w.service_requests,
    }
    for number in STAGE_NUMBERS:
        s, key = w.stage(number), f"stage{number}_"
        out |= {
            f"{key}ack_on_time_pct": None if s.ack is None else s.ack.pct,
            f"{key}ack": _rate_json(s.ack),
            f"{key}ack_local": _rate_json(s.ack_local),
            f"{key}response": _rate_json(s.response),
            f"{key}response_local": _rate_json(s.response_local),
            f"{key}responded": s.responded,
            f"{key}responded_on_time": s.responded_on_time,
            f"tsm_ch02_stage{number}_pct": s.tsm_ch02_pct,
            f"{key}extended": s.extended,
            f"{key}extended_beyond_limit": s.extended_beyond_limit,
            f"{key}extended_beyond_limit_with_reason": s.extended_beyond_limit_with_reason,
            f"{key}extended_beyond_limit_without_reason": s.extended_beyond_limit_without_reason,
        }
    out["ombudsman_determinations"] = w.ombudsman_determinations
    out["complaint_failure_orders"] = w.complaint_failure_orders
    return out
