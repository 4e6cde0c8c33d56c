"""The complaint stages built from the Code's data, the figures of one stage, and the wording
of the definitions built from the timescales."""

from __future__ import annotations

import dataclasses

import pytest

from audit_lib.code.timescales import Stage, exclusion_window, stages
from audit_lib.stats.definitions import definitions, extension_policies, figure_definitions
from audit_lib.stats.results import Rate, StageFigures, WindowFigures


def test_two_stages_with_their_columns_and_limits():
    stage1, stage2 = stages()
    assert stages("2024") == stages() and isinstance(stage1, Stage)
    assert (stage1.number, stage1.start_column, stage1.acknowledged_column, stage1.responded_column,
            stage1.extension_column, stage1.outcome_column, stage1.handler_column) == (
        1, "received", "stage1_acknowledged", "stage1_responded", "stage1_extension_days", "stage1_outcome",
        "stage1_handler")
    assert stage2.start_column == "stage2_requested" and stage2.extension_column == "stage2_extension_days"
    assert [(s.acknowledge.working_days, s.respond.working_days, s.extension.working_days) for s in (stage1, stage2)] \
        == [(5, 10, 10), (5, 20, 20)]
    assert stage1.provision_ids == ("2024:6.2", "2024:6.3", "2024:6.4")
    assert stage2.provision_ids == ("2024:6.11", "2024:6.14", "2024:6.15")
    assert stage2.key("ack_local") == "stage2_ack_local"
    assert (exclusion_window().provision, exclusion_window().months) == ("2.3", 12)


def test_stages_are_values():
    stage1 = stages()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        stage1.number = 3  # type: ignore[misc]


def _stage(base: int) -> StageFigures:
    return StageFigures(received=base, ack=Rate(base + 1, base + 2), ack_local=None, response=Rate(base + 3, base + 4),
                        response_local=Rate(base + 5, base + 6), responded=base + 7, responded_on_time=base + 8,
                        extended=base + 9, extended_beyond_limit=base + 10,
                        extended_beyond_limit_with_reason=base + 11, extended_beyond_limit_without_reason=base + 12)


def test_window_figures_from_stages_and_back():
    w = WindowFigures.from_stages({1: _stage(100), 2: _stage(200)}, refused=1, service_requests=None,
                                  ombudsman_determinations=2, complaint_failure_orders=3)
    assert (w.stage1_received, w.stage1_ack, w.stage2_response_local, w.stage2_extended_beyond_limit) == (
        100, Rate(101, 102), Rate(205, 206), 210)
    assert (w.refused, w.ombudsman_determinations, w.complaint_failure_orders) == (1, 2, 3)
    assert w.stage(1) == _stage(100) and w.stage(2) == _stage(200)
    assert w.stage(1).tsm_ch02_pct == w.tsm_ch02_stage1_pct
    with pytest.raises(ValueError, match="no stage 3"):
        w.stage(3)
    with pytest.raises(ValueError, match=r"expected the figures of stages \(1, 2\), found stages \(1,\)"):
        WindowFigures.from_stages({1: _stage(1)}, refused=0, service_requests=None, ombudsman_determinations=0,
                                  complaint_failure_orders=None)


def test_the_window_fields_are_the_stage_fields_of_each_stage_and_the_rest():
    names = [f.name for f in dataclasses.fields(WindowFigures)]
    per_stage = {f"stage{n}_{f.name}" for n in (1, 2) for f in dataclasses.fields(StageFigures)}
    assert per_stage <= set(names)
    assert set(names) - per_stage == {"refused", "service_requests", "ombudsman_determinations",
                                      "complaint_failure_orders"}


def test_definitions_built_from_the_timescales_read_as_written():
    assert definitions("good_reason")["deadlines"] == (
        "Deadlines are the 2024 Code's, the Code the period is assessed against, for every complaint counted in it "
        "(those received before that Code took effect included). Working days exclude weekends and England "
        "and Wales bank holidays; the day of the event is day 0 and an event on a non-working day counts from the next "
        "working day. Stage 1: acknowledge within 5 working days of receipt (6.2); respond within 10 working days "
        "(6.3), plus any allowed extension, of the acknowledgement or of the day the acknowledgement was due, "
        "whichever is earlier (a late acknowledgement buys no time). Stage 2: acknowledge within 5 working days of "
        "the escalation request (6.11); respond within 20 working days (6.14), plus any allowed extension, of the "
        "acknowledgement or of the day the acknowledgement was due, whichever is earlier (a late acknowledgement buys "
        "no time). An acknowledgement not made by the period's last day counts as not made.")
    assert "however late (the landlord's setting: the literal reading)" in definitions(
        "good_reason", response_deadline="from_acknowledgement")["deadlines"]
    code = ("The 2024 Code (6.4: \u201cAny extension must be no more than 10 working days without good reason, and the "
            "reason(s) must be clearly explained to the resident\u201d; 6.15: \u201cAny extension must be no more than "
            "20 working days without good reason, and the reason(s) must be clearly explained to the resident\u201d).")
    assert extension_policies() == extension_policies("2024") == {
        "good_reason": f"{code} An extension communicated to the resident counts up to the Code's limit (10 working "
                       "days at stage 1, 20 at stage 2), and beyond it only where the case records a good reason; an "
                       "extension beyond the limit without one counts only up to the limit.",
        "code_limit": f"{code} The landlord's setting: an extension communicated to the resident counts up to 10 "
                      "working days at stage 1 and 20 at stage 2, whatever reason the case records.",
        "full": f"{code} The landlord's setting: an extension communicated to the resident counts in full, whatever "
                "reason the case records.",
        "none": f"{code} The landlord's setting: extensions are not counted; every response is measured against "
                "10 / 20 working days.",
    }
    written = definitions("none")
    assert list(written) == [*figure_definitions(), "deadlines", "extensions"]
    assert written["extensions"] == extension_policies()["none"]
    assert definitions("none", "2024") == written
