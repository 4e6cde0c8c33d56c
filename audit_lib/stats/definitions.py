"""What each figure means: the definitions written beside the figures (in the report and in
``metrics.json``), the fields each figure needs, the Ombudsman findings that count as fault,
and the ageing bands. ``docs/figures.md`` is the long form of these definitions.

The timescales and the Code's words in the definitions come from the Code's data file
(:mod:`audit_lib.code.timescales`, :mod:`audit_lib.code.catalogue`), so the wording is per Code
version: built on first use for each version and kept, never at import.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from ..code.catalogue import DEFAULT_CODE, load_catalogue
from ..code.timescales import Stage, optional_stages, stages
from ..config.landlords import ExtensionPolicy, ResponseDeadline

__all__ = ["AGEING_BANDS", "FAULT_FINDINGS", "MERITS_FINDINGS", "UPHELD", "UPHELD_WITHOUT_REMEDY_FIELDS", "ExtensionPolicy",
           "ResponseDeadline", "definitions", "extension_policies", "figure_definitions", "figure_needs", "kept_out_of"]

#: Ombudsman determinations that find fault (the numerator of the maladministration rate).
FAULT_FINDINGS = ("severe maladministration", "maladministration", "service failure")
#: Determinations on the merits (the denominator of the maladministration rate).
MERITS_FINDINGS = FAULT_FINDINGS + ("reasonable redress", "no maladministration")
#: Outcomes that find something went wrong (Code 7.1: something to put right).
UPHELD = ("upheld", "partly upheld")
#: The fields "upheld without a remedy" needs: both stages' outcomes as at the period's end, the
#: compensation and the remedy (the date received is always known).
UPHELD_WITHOUT_REMEDY_FIELDS = ("stage1_responded", "stage1_outcome", "stage2_requested", "stage2_responded",
                                "stage2_outcome", "compensation", "remedy")
#: Ageing bands of open complaints at period end, in working days since receipt.
AGEING_BANDS = ((0, 10, "0-10"), (11, 20, "11-20"), (21, 40, "21-40"), (41, None, "41+"))


def response_fields(stage: Stage) -> tuple[str, ...]:
    """The fields a stage's response step needs (its good-reason flag only where the extension
    is beyond the Code's limit), among them the step its deadline is counted from: the
    acknowledgement; under a Code counting from logging, the day logged (``stage1_logged``) and the
    acknowledgement counted from where none is recorded; none beyond the start under a Code
    counting from the start of the stage (the 2022 Code's stage 2)."""
    counted_from = {"acknowledged": (stage.acknowledged_column,),
                    "logged": (stage.acknowledged_column, stage.logged_column)}.get(stage.respond_from, ())
    return (stage.start_column, *counted_from, stage.responded_column, stage.extension_column, stage.outcome_column)


def open_fields(stage: Stage) -> tuple[str, ...]:
    """The fields whether a complaint is open at the period's end at a stage needs (overdue
    needs the response step's too)."""
    return (stage.start_column, stage.responded_column, stage.outcome_column)


#: The final response as at the period's end needs these fields.
FINAL_RESPONSE_FIELDS = ("stage1_responded", "stage2_requested", "stage2_responded")


@cache
def _figure_needs(code: str) -> Mapping[str, tuple[str, ...]]:
    needs: dict[str, tuple[str, ...]] = {}
    for stage in stages(code):
        n = stage.number
        needs[f"stage {n} received"] = (stage.start_column,)
        if stage.acknowledge is not None:  # no such figure where the Code sets no limit (2022 stage 2)
            needs[f"stage {n} acknowledgements on time"] = (stage.start_column, stage.acknowledged_column)
        needs[f"stage {n} responses on time, CH02, extensions, overdue at the period end"] = (
            *response_fields(stage), stage.good_reason_column)
        needs[f"stage {n} open at the period end"] = open_fields(stage)
        needs[f"stage {n} outcomes"] = (stage.start_column, stage.responded_column, stage.outcome_column)
    needs |= {
        "complaints not accepted, by reason": ("refused_reason",),
        "withdrawn before a response": ("stage1_responded", "stage1_outcome"),
        "Ombudsman determinations": (*FINAL_RESPONSE_FIELDS, "ombudsman_outcome"),
        "compensation": (*FINAL_RESPONSE_FIELDS, "compensation"),
        "categories": ("category",),
        "channels": ("channel",),
        "reasonable adjustments": ("reasonable_adjustment", "vulnerability"),
        "same handler at both stages": ("stage2_requested", "stage1_handler", "stage2_handler"),
        "complaint handling failure orders": ("complaint_failure_order",),
        "upheld without a remedy": UPHELD_WITHOUT_REMEDY_FIELDS,
    }
    return MappingProxyType(needs)


def figure_needs(code: str = DEFAULT_CODE) -> dict[str, tuple[str, ...]]:
    """Figure -> the case-log fields it needs: a complaint with one of them unknown is kept out of it.

    A good-reason flag is needed only where the extension is beyond the Code's limit.
    """
    return dict(_figure_needs(code))


def kept_out_of(fields: str | tuple[str, ...], code: str = DEFAULT_CODE) -> list[str]:
    """The figures a complaint is kept out of when ``fields`` (space-separated, or a tuple) are
    unknown; a good-reason flag only matters where the extension is beyond the Code's limit."""
    unknown = set(fields.split() if isinstance(fields, str) else fields)
    good_reason = {stage.good_reason_column for stage in stages(code)}
    out = []
    for figure, needs in _figure_needs(code).items():
        matched = unknown & set(needs)
        if matched:
            out.append(figure + (" (where the extension is beyond the Code's limit)" if matched <= good_reason else ""))
    return out


def _start(stage: Stage) -> str:
    return "receipt" if stage.number == 1 else "the escalation request"


def _stage_deadlines(stage: Stage, response_deadline: ResponseDeadline) -> str:
    """One stage's deadlines in words, naming the provision of each limit."""
    n, ack = stage.number, stage.acknowledge
    acknowledge = (f"acknowledge within {ack.working_days} working days of {_start(stage)} ({ack.provision})"
                   if ack is not None else "the Code sets no time limit for the acknowledgement")
    respond = f"respond within {stage.respond.working_days} working days ({stage.respond.provision}), plus any allowed extension, "
    if stage.respond_from == "start":
        return f"Stage {n}: {acknowledge}; {respond}of {_start(stage)}."
    made = "the acknowledgement" if stage.respond_from == "acknowledged" else (
        f"logging (the day logged where the case log records it, {stage.logged_column}; else the acknowledgement, the "
        "step the Code logs it with)")
    late = "a late acknowledgement" if stage.respond_from == "acknowledged" else "late logging"
    base = (f"of {made} or of the day the acknowledgement was due, whichever is earlier ({late} buys "
            "no time)" if response_deadline == "from_earlier" else
            f"of {made} however late (the landlord's setting: the literal reading), or of the day the acknowledgement "
            "was due while none is made")
    return f"Stage {n}: {acknowledge}; {respond}{base}."


def _deadlines(code: str, response_deadline: ResponseDeadline) -> str:
    optional = "".join(
        f" The Code's optional stage {s.stage} (respond within {s.respond.working_days} working days, "
        f"{s.respond.provision}) is not in a case log and not counted." for s in optional_stages(code))
    return (f"Deadlines are the {code} Code's, the Code the period is assessed against, for every complaint counted in "
            "it (those received before that Code took effect included). Working days exclude weekends and "
            "England and Wales bank holidays; the day of the event is day 0 and an event on a non-working day counts "
            "from the next working day. "
            + " ".join(_stage_deadlines(stage, response_deadline) for stage in stages(code))
            + " An acknowledgement not made by the period's last day counts as not made." + optional)


def _code_words(code: str, stage: Stage) -> str:
    """The sentence of the Code's extension provision that sets the limit, as published (or, where
    that provision states no number, as a 2020 question does not, the limit's note on its source)."""
    text = load_catalogue(code).provision(f"{code}:{stage.extension.provision}").text
    sentence = next((s.strip() for s in text.split(". ") if "good reason" in s), text.strip())
    if not any(ch.isdigit() for ch in sentence) and stage.extension.note:
        return f"{stage.extension.provision}: {stage.extension.note.rstrip('.')}"
    return f"{stage.extension.provision}: \u201c{sentence.rstrip('.')}\u201d"


@cache
def _extension_policies(code: str) -> Mapping[ExtensionPolicy, str]:
    stage1, stage2 = stages(code)
    limit1, limit2 = stage1.extension.working_days, stage2.extension.working_days
    words = f"The {code} Code ({_code_words(code, stage1)}; {_code_words(code, stage2)})."
    return MappingProxyType({
        "good_reason": f"{words} An extension communicated to the resident counts up to the Code's limit ({limit1} "
                       f"working days at stage 1, {limit2} at stage 2), and beyond it only where the case records a "
                       "good reason; an extension beyond the limit without one counts only up to the limit.",
        "code_limit": f"{words} The landlord's setting: an extension communicated to the resident counts up to "
                      f"{limit1} working days at stage 1 and {limit2} at stage 2, whatever reason the case records.",
        "full": f"{words} The landlord's setting: an extension communicated to the resident counts in full, whatever "
                "reason the case records.",
        "none": f"{words} The landlord's setting: extensions are not counted; every response is measured against "
                f"{stage1.respond.working_days} / {stage2.respond.working_days} working days.",
    })


@cache
def _figure_definitions(code: str) -> Mapping[str, str]:
    return MappingProxyType({
        "as_at": "Every figure of the period is as at its last day: a step dated later counts as not done, and "
                 "nothing dated later changes a figure of the period. What the log records without a date (a "
                 "withdrawal, an extension and its reason, outcomes, the Ombudsman's determination, compensation) is "
                 "read as recorded.",
        "complaints": "A row with a usable case reference and date received is a complaint and is always counted as "
                      "received; a problem in another field keeps the complaint out of only the figures that need "
                      "that field (listed in the data-quality appendix). Rows sharing a case reference are one "
                      "complaint.",
        "received": "Stage 1: date received in the window, refused complaints excluded. "
                    "Stage 2: escalation request dated in the window.",
        "refused": "Received in the window and not accepted (the Code's exclusions: a refused_reason recorded); counted apart, not as stage 1.",
        "responded": "Responses dated in the window.",
        "on_time_rate": "Acknowledgements (responses) on time, of those made or due in the window: each step is "
                        "counted once, in the window it was done in or, if not done by the period's last day, in the "
                        "window its deadline fell in; so the quarters add up to the year.",
        "ch01": "TSM CH01: complaints received in the period per 1,000 homes.",
        "ch02": "TSM CH02: of the responses issued in the window, the share issued within Code timescales.",
        "escalation_rate": "Stage 2 escalations received over stage 1 responses issued, in the period.",
        "maladministration_rate": "Ombudsman findings of severe maladministration, maladministration or service "
                                  "failure, over all findings on the merits (those plus reasonable redress and no "
                                  "maladministration), for complaints whose final response (as at the period's last "
                                  "day: stage 2 where escalation was requested by then) was issued in the period. The "
                                  "log gives no date for a determination: it is read as recorded.",
        "open": "Accepted, received by the last day of the period, not responded to by then and not recorded as "
                "withdrawn; overdue when its response deadline is on or before that day.",
        "withdrawn": "The case log gives no date of withdrawal: a complaint recorded as withdrawn is not counted as "
                     "open at the period end, and has no response step unless its response is dated by the period's "
                     "last day. An acknowledgement is still due for it.",
        "outcomes": "Responses dated in the period by outcome; a blank outcome, or a word the landlord has not "
                    "mapped, is counted as not recorded.",
        "upheld_without_remedy": "Complaints upheld or partly upheld at stage 1 or stage 2 by a response dated in "
                                 "the period with neither compensation above zero nor a remedy recorded (the case "
                                 "log's remedy column: whether anything is written in it, never its words; without "
                                 "that column, compensation alone). Each complaint is counted once; compensation and "
                                 "remedies are read as recorded.",
        "other": "Categories, channels and reasons for not accepting a complaint are counted in the landlord's own "
                 "words: a word the landlord's configuration lists is counted under its label; any other word seen "
                 "fewer times in the case log than the configured threshold (3 unless set) is counted as Other, so "
                 "free text typed into these columns never reaches a figure.",
    })


def figure_definitions(code: str = DEFAULT_CODE) -> dict[str, str]:
    """Figure -> its definition under a Code version, in the order written out. The deadlines'
    and the extension policy's definitions are in :func:`definitions`."""
    return dict(_figure_definitions(code))


def extension_policies(code: str = DEFAULT_CODE) -> dict[ExtensionPolicy, str]:
    """Extension policy -> how extensions were counted, with a Code version's limits and words."""
    return dict(_extension_policies(code))


def definitions(extension_policy: ExtensionPolicy, code: str = DEFAULT_CODE,
                response_deadline: ResponseDeadline = "from_earlier") -> dict[str, str]:
    """The definitions written beside a run's figures under a Code version: :func:`figure_definitions`,
    then ``deadlines`` (with the response-deadline reading used) and ``extensions`` (the policy's).

    Built from the version's timescales on first use and kept per version; a new dict each call.
    """
    return {**_figure_definitions(code), "deadlines": _deadlines(code, response_deadline),
            "extensions": _extension_policies(code)[extension_policy]}
