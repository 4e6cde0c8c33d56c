"""Which case figures bear on which provision, phrased for the auditor reading beside it."""

from __future__ import annotations

from .engine import CODE_LIMITS, CaseStatistics, Rate


def _rate(rate: Rate, what: str) -> str:
    if rate.total == 0:
        return f"No {what} fell due or were made in the period."
    return f"{rate.pct:.1f}% of {what} on time ({rate.on_time} of {rate.total}; {rate.late} late)."


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def provision_figures(stats: CaseStatistics) -> dict[str, list[str]]:
    """Provision number -> sentences of case data (only provisions the data speaks to)."""
    y = stats.year
    out: dict[str, list[str]] = {}
    refused = ", ".join(f"{reason}: {n}" for reason, n in stats.refused_by_reason.items()) or "none"
    refusals = [f"{y.refused} complaint(s) not accepted in the period ({refused})."]
    out["2.1"] = refusals
    out["2.3"] = refusals
    out["3.3"] = [f"{y.stage1_received} stage 1 complaints received: {stats.tsm_ch01_stage1_per_1000} per 1,000 homes "
                  "(TSM CH01)."]
    if stats.channels:
        out["3.1"] = ["Channels used at stage 1: " + ", ".join(f"{k} {v}" for k, v in stats.channels.items()) + "."]
    if stats.reasonable_adjustments is not None:
        out["5.10"] = [f"{stats.reasonable_adjustments} stage 1 complaint(s) with a reasonable adjustment or "
                       "vulnerability recorded."]
    ack = [_rate(y.stage1_ack, f"stage 1 acknowledgements within {CODE_LIMITS['stage1_acknowledge']} working days")]
    if y.stage1_ack_local is not None:
        days = stats.local_targets["stage1_acknowledge"]
        ack.append(_rate(y.stage1_ack_local, f"stage 1 acknowledgements within the local target of {days} working days"))
    out["6.2"] = ack
    out["6.3"] = [
        _rate(y.stage1_response, "stage 1 responses (10 working days after acknowledgement, plus extension)"),
        f"TSM CH02 stage 1: {_pct(y.tsm_ch02_stage1_pct)} of {y.stage1_responded} responses issued within Code "
        "timescales.",
    ]
    out["6.4"] = [f"{y.stage1_extended} stage 1 response(s) extended; {y.stage1_extended_beyond_limit} beyond "
                  f"{CODE_LIMITS['stage1_extension']} working days."]
    out["6.10"] = [f"{y.stage2_received} escalation(s) to stage 2: {_pct(stats.escalation_rate_pct)} of stage 1 "
                   "responses issued."]
    out["6.11"] = [_rate(y.stage2_ack, "stage 2 acknowledgements within 5 working days")]
    if stats.stage2_same_handler is not None:
        out["6.13"] = [f"{stats.stage2_same_handler} escalation(s) in the period recorded with the same handler at "
                       "stage 1 and stage 2."]
    out["6.14"] = [
        _rate(y.stage2_response, "stage 2 responses (20 working days after acknowledgement, plus extension)"),
        f"TSM CH02 stage 2: {_pct(y.tsm_ch02_stage2_pct)} of {y.stage2_responded} responses issued within Code "
        "timescales.",
    ]
    out["6.15"] = [f"{y.stage2_extended} stage 2 response(s) extended; {y.stage2_extended_beyond_limit} beyond "
                   f"{CODE_LIMITS['stage2_extension']} working days."]
    upheld = stats.stage1_outcomes.get("upheld", 0) + stats.stage1_outcomes.get("partly upheld", 0)
    out["7.1"] = [f"{upheld} stage 1 complaint(s) upheld or partly upheld; compensation offered in "
                  f"{stats.compensation_cases} case(s), £{stats.compensation_total:,.2f} in all."]
    out["8.1"] = [
        f"Year: {y.stage1_received} stage 1 and {y.stage2_received} stage 2 complaints received; {y.refused} refused.",
        f"TSM CH01: {stats.tsm_ch01_stage1_per_1000} (stage 1) and {stats.tsm_ch01_stage2_per_1000} (stage 2) per "
        "1,000 homes.",
        f"TSM CH02: {_pct(y.tsm_ch02_stage1_pct)} (stage 1) and {_pct(y.tsm_ch02_stage2_pct)} (stage 2) within Code "
        "timescales.",
    ]
    findings = {k: v for k, v in stats.ombudsman_outcomes.items() if v}
    out["9.7"] = [
        "Ombudsman determinations: " + (", ".join(f"{k} {v}" for k, v in findings.items()) or "none")
        + f"; maladministration rate {_pct(stats.maladministration_rate_pct)}."
    ]
    return out
