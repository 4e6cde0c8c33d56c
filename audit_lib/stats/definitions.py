"""What each figure means: the definitions written beside the figures (in the report and in
``metrics.json``), the Ombudsman findings that count as fault, and the ageing bands.

The timescales in the wording come from the Code's data file (:mod:`audit_lib.code.timescales`),
so the wording is per Code version: built on first use for each version and kept, never at import.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Literal

from ..code.catalogue import DEFAULT_CODE
from ..code.timescales import stages

#: How an extension communicated to the resident counts towards CH02 and the on-time rates.
ExtensionPolicy = Literal["code_limit", "full", "none"]

#: Ombudsman determinations that find fault (the numerator of the maladministration rate).
FAULT_FINDINGS = ("severe maladministration", "maladministration", "service failure")
#: Determinations on the merits (the denominator of the maladministration rate).
MERITS_FINDINGS = FAULT_FINDINGS + ("reasonable redress", "no maladministration")
#: Ageing bands of open complaints at period end, in working days since receipt.
AGEING_BANDS = ((0, 10, "0-10"), (11, 20, "11-20"), (21, 40, "21-40"), (41, None, "41+"))


def _deadlines(code: str) -> str:
    stage1, stage2 = stages(code)
    ack1, ack2 = stage1.acknowledge.working_days, stage2.acknowledge.working_days
    stage2_ack = "after the escalation request" if ack2 == ack1 else f"{ack2} working days after the escalation request"
    return ("Working days exclude weekends and England and Wales bank holidays; the day of the event is day 0 and an "
            f"event on a non-working day counts from the next working day. Acknowledge {ack1} working days after "
            f"receipt (stage 2: {stage2_ack}); respond {stage1.respond.working_days} (stage 2: "
            f"{stage2.respond.working_days}) working days after acknowledgement.")


@cache
def _extension_policies(code: str) -> Mapping[ExtensionPolicy, str]:
    stage1, stage2 = stages(code)
    limit1, limit2 = stage1.extension.working_days, stage2.extension.working_days
    return MappingProxyType({
        "code_limit": f"An extension communicated to the resident counts up to the Code's limit ({limit1} working "
                      f"days at stage 1, {limit2} at stage 2); beyond it the response is late.",
        "full": "An extension communicated to the resident counts in full (the landlord had good reason for "
                "every extension beyond the Code's limit).",
        "none": "Extensions are not counted: every response is measured against "
                f"{stage1.respond.working_days} / {stage2.respond.working_days} working days.",
    })


@cache
def _figure_definitions(code: str) -> Mapping[str, str]:
    return MappingProxyType({
        "received": "Stage 1: date received in the period, refused complaints excluded. "
                    "Stage 2: escalation request dated in the period.",
        "refused": "Received in the period and not accepted (Code section 2); counted apart, not as stage 1.",
        "responded": "Response dated in the period.",
        "on_time_rate": "Steps done on time in the period, over steps done in the period plus steps whose "
                        "deadline fell in the period and passed without the step being done.",
        "deadlines": _deadlines(code),
        "ch01": "TSM CH01: complaints received in the period per 1,000 homes.",
        "ch02": "TSM CH02: of the responses issued in the period, the share issued within Code timescales.",
        "escalation_rate": "Stage 2 escalations received over stage 1 responses issued, in the period.",
        "maladministration_rate": "Ombudsman findings of severe maladministration, maladministration or service "
                                  "failure, over all findings on the merits (those plus reasonable redress and no "
                                  "maladministration), for complaints whose final response was issued in the period.",
        "open": "Accepted, received by the last day of the period, not responded to or withdrawn by then; "
                "overdue when its response deadline is on or before that day.",
        "withdrawn": "The case log gives no date of withdrawal: a complaint recorded as withdrawn is not counted as "
                     "open at the period end, and has no response step unless a response date is recorded. An "
                     "acknowledgement is still due for it.",
    })


def figure_definitions(code: str = DEFAULT_CODE) -> dict[str, str]:
    """Figure -> its definition under a Code version, in the order written out. The extension
    policy's definition is in :func:`extension_policies`; :func:`definitions` puts the one in use last."""
    return dict(_figure_definitions(code))


def extension_policies(code: str = DEFAULT_CODE) -> dict[ExtensionPolicy, str]:
    """Extension policy -> how extensions were counted, with a Code version's limits."""
    return dict(_extension_policies(code))


def definitions(extension_policy: ExtensionPolicy, code: str = DEFAULT_CODE) -> dict[str, str]:
    """The definitions written beside a run's figures under a Code version: :func:`figure_definitions`,
    then ``extensions`` (the policy's, from :func:`extension_policies`).

    Built from the version's timescales on first use and kept per version; a new dict each call.
    """
    return {**_figure_definitions(code), "extensions": _extension_policies(code)[extension_policy]}
