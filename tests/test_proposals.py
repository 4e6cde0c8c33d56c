"""Proposed answers to the 2020 questions that ask for a figure, from the case statistics: every
value and basis worked out by hand, the cases with no proposal, and the catalogue's names."""

from __future__ import annotations

import pytest

from audit_lib.code.catalogue import load_catalogue
from audit_lib.core.periods import Period
from audit_lib.errors import CatalogueError
from audit_lib.stats.engine import case_statistics
from audit_lib.stats.proposals import (
    PROPOSALS,
    Proposal,
    most_resolved_at,
    proposal,
    proposals,
    resolved_at_stage1,
    resolved_at_stage2,
    responses_within_timescales,
)
from audit_lib.stats.results import CaseStatistics, OpenComplaints, Rate, StageFigures, WindowFigures

CODE_2020 = load_catalogue("2020")


def _stage(*, received: int, responded: int, on_time: int) -> StageFigures:
    return StageFigures(received=received, ack=None, ack_local=None, response=Rate(on_time, responded),
                        response_local=None, responded=responded, responded_on_time=on_time, extended=0,
                        extended_beyond_limit=0, extended_beyond_limit_with_reason=0,
                        extended_beyond_limit_without_reason=0)


def figures(*, s1_responded: int = 80, s1_on_time: int = 72, escalated: int = 10, s2_responded: int = 9,
            s2_on_time: int = 8) -> CaseStatistics:
    """Hand-made figures of 2021-22 under the 2020 Code: only the year's counts the proposals read matter."""
    year = WindowFigures.from_stages(
        {1: _stage(received=100, responded=s1_responded, on_time=s1_on_time),
         2: _stage(received=escalated, responded=s2_responded, on_time=s2_on_time)},
        refused=0, service_requests=None, ombudsman_determinations=0, complaint_failure_orders=None,
    )
    return CaseStatistics(
        period="2021-22", homes=1000, extension_policy="good_reason", response_deadline="from_earlier",
        local_targets={}, year=year, quarters={}, refused_by_reason={}, stage1_outcomes={}, stage2_outcomes={},
        withdrawn_before_response=0, categories={}, ombudsman_outcomes={}, compensation_cases=0,
        compensation_total=0.0, open_at_end=OpenComplaints(0, 0, 0, 0, {}, {}), channels=None,
        reasonable_adjustments=None, stage2_same_handler=None, excluded_rows=0, complaints_counted=100, code="2020",
    )


def test_resolved_at_stage1_is_responses_less_escalations_over_responses():
    # 80 stage 1 responses, 10 escalations: 70 / 80 = 87.5%
    assert resolved_at_stage1(figures()) == Proposal(
        value="87.5%",
        basis="70 of the 80 stage 1 complaints responded to in 2021-22 were not escalated to stage 2: the 80 stage 1 "
              "responses issued in the year less the 10 escalations to stage 2 received in it (an approximation: an "
              "escalation received in the year may follow a response of the year before).",
    )


def test_resolved_at_stage2_is_stage2_responses_over_escalations():
    # 9 stage 2 responses, 10 escalations: 90.0%
    assert resolved_at_stage2(figures()) == Proposal(
        value="90.0%",
        basis="9 stage 2 responses were issued in 2021-22 against the 10 escalations to stage 2 received in the year "
              "(an approximation: a response issued in the year may answer an escalation of the year before; the "
              "case log records no third stage).",
    )


def test_responses_within_timescales_gives_both_stages_ch02_counts():
    # stage 1: 72 of 80 = 90.0%; stage 2: 8 of 9 = 88.888... -> 88.9%
    assert responses_within_timescales(figures()) == Proposal(
        value="Stage 1: 90.0% (72 of 80); stage 2: 88.9% (8 of 9)",
        basis="Of the responses issued in 2021-22, 72 of 80 at stage 1 and 8 of 9 at stage 2 were issued within the "
              "2020 Code's timescales, extensions included as the landlord's extension policy allows (TSM CH02).",
    )


def test_a_stage_without_responses_says_so_and_neither_gives_no_proposal():
    only_stage1 = responses_within_timescales(figures(escalated=0, s2_responded=0, s2_on_time=0))
    assert only_stage1 is not None and only_stage1.value == "Stage 1: 90.0% (72 of 80); stage 2: no responses issued"
    only_stage2 = responses_within_timescales(figures(s1_responded=0, s1_on_time=0))
    assert only_stage2 is not None and only_stage2.value == "Stage 1: no responses issued; stage 2: 88.9% (8 of 9)"
    assert responses_within_timescales(figures(s1_responded=0, s1_on_time=0, s2_responded=0, s2_on_time=0)) is None


def test_percentages_round_half_up_to_one_decimal():
    # 1 of 16 = 6.25% -> 6.3% (half up, not to even); 15 of 16 not escalated = 93.75% -> 93.8%
    assert responses_within_timescales(figures(s1_responded=16, s1_on_time=1, s2_responded=0, s2_on_time=0,
                                               escalated=1)).value == "Stage 1: 6.3% (1 of 16); stage 2: no responses issued"
    assert resolved_at_stage1(figures(s1_responded=16, escalated=1)).value == "93.8%"
    # thousands are written with a comma in the basis
    assert resolved_at_stage1(figures(s1_responded=1200, escalated=200)).basis.startswith(
        "1,000 of the 1,200 stage 1 complaints")


@pytest.mark.parametrize("counts, value", [
    (dict(s1_responded=80, escalated=10, s2_responded=9), "Stage 1"),  # 70 against 9
    (dict(s1_responded=20, escalated=15, s2_responded=12), "Stage 2"),  # 5 against 12
    (dict(s1_responded=20, escalated=10, s2_responded=10), "Stage 1 and stage 2 equally"),  # 10 against 10
])
def test_most_resolved_at_compares_the_two_counts(counts, value):
    found = most_resolved_at(figures(**counts, s2_on_time=0))
    assert found is not None and found.value == value


def test_most_resolved_at_basis():
    assert most_resolved_at(figures()) == Proposal(
        value="Stage 1",
        basis="In 2021-22, 70 complaints were resolved at stage 1 (stage 1 responses issued less escalations to "
              "stage 2 received, an approximation) and 9 at stage 2 (stage 2 responses issued).",
    )


@pytest.mark.parametrize("counts, name", [
    (dict(s1_responded=0, s1_on_time=0, escalated=0, s2_responded=0, s2_on_time=0), "resolved_at_stage1"),
    (dict(s1_responded=5, s1_on_time=5, escalated=6, s2_responded=0, s2_on_time=0), "resolved_at_stage1"),
    (dict(escalated=0, s2_responded=0, s2_on_time=0), "resolved_at_stage2"),
    (dict(escalated=3, s2_responded=4, s2_on_time=4), "resolved_at_stage2"),
    (dict(s1_responded=0, s1_on_time=0, escalated=0, s2_responded=0, s2_on_time=0), "most_resolved_at"),
    (dict(s1_responded=10, s1_on_time=10, escalated=10, s2_responded=0, s2_on_time=0), "most_resolved_at"),
    (dict(s1_responded=5, s1_on_time=5, escalated=6, s2_responded=6, s2_on_time=6), "most_resolved_at"),
])
def test_no_proposal_where_the_figures_cannot_give_one(counts, name):
    """Nothing responded to, nothing escalated, or more escalations (responses) than the responses
    (escalations) they are set against: no proportion can be drawn, so none is proposed."""
    assert PROPOSALS[name](figures(**counts)) is None


def test_the_2020_catalogue_names_only_proposals_the_product_has():
    assert set(CODE_2020.proposals.values()) <= set(PROPOSALS)
    assert CODE_2020.proposals == {"3.8": "most_resolved_at", "4.5": "resolved_at_stage1",
                                   "4.6": "resolved_at_stage2", "4.7": "responses_within_timescales"}


def test_proposal_by_provision_id_number_or_provision():
    stats = figures()
    expected = resolved_at_stage1(stats)
    assert proposal(CODE_2020, "2020:4.5", stats) == expected
    assert proposal(CODE_2020, "4.5", stats) == expected
    assert proposal(CODE_2020, CODE_2020.provision("4.5"), stats) == expected
    assert proposal(CODE_2020, "3.8", stats) == most_resolved_at(stats)


def test_no_proposal_for_a_question_the_catalogue_proposes_none_for():
    stats = figures()
    assert proposal(CODE_2020, "4.10", stats) is None  # a figure the case log does not hold (satisfaction)
    assert proposal(CODE_2020, "1.1", stats) is None  # a question asking for a status
    assert proposal(load_catalogue("2024"), "2024:6.3", stats) is None  # no proposals in the 2024 Code
    assert proposals(load_catalogue("2022"), stats) == {}


def test_proposals_of_a_catalogue_by_number_leave_out_those_without_figures():
    stats = figures(escalated=0, s2_responded=0, s2_on_time=0)
    found = proposals(CODE_2020, stats)
    assert set(found) == {"3.8", "4.5", "4.7"}  # nothing escalated: no stage 2 proportion
    assert found["4.5"].value == "100.0%" and found["3.8"].value == "Stage 1"


def test_a_provision_of_another_code_is_an_error():
    with pytest.raises(CatalogueError, match=r"unknown provision '2024:6\.3' in the 2020 Code"):
        proposal(CODE_2020, "2024:6.3", figures())


def test_an_unknown_proposal_name_is_an_error_naming_it():
    broken = CODE_2020.model_copy(update={"proposals": {**CODE_2020.proposals, "4.10": "satisfaction_rate"}})
    for call in (lambda: proposal(broken, "4.5", figures()), lambda: proposals(broken, figures())):
        with pytest.raises(CatalogueError) as info:
            call()
        message = str(info.value)
        assert "provision 4.10 names the proposal 'satisfaction_rate'" in message
        assert "expected one of resolved_at_stage1, resolved_at_stage2" in message and "code_2020.yaml" in message


def test_from_a_case_log_under_the_2020_code(tmp_path):
    """The proposals read the engine's counts, measured against the 2020 Code's timescales.

    tests/test_stats.py's cases in 2024-25: stage 1 responses B, C, D, E, F, G (6), of which B, D, E, G
    on time (C late, F late: its 15 days' extension has no good reason, so 10 count); one escalation
    (G, requested Fri 28/06/2024), answered 02/08/2024. The 2020 Code counts the stage 2 response from
    the escalation (20 working days: due Fri 26/07/2024), so G is late; the 2024 Code counts it from the
    acknowledgement (05/07 + 20 = 02/08), on time.
    """
    from tests.test_stats import CASES, log_of

    cases = log_of(tmp_path, CASES)
    stats = case_statistics(cases, Period.parse("2024-25"), homes=1000, code="2020")
    found = proposals(CODE_2020, stats)
    assert {number: p.value for number, p in found.items()} == {
        "4.5": "83.3%",  # (6 - 1) / 6
        "4.6": "100.0%",  # 1 / 1
        "4.7": "Stage 1: 66.7% (4 of 6); stage 2: 0.0% (0 of 1)",
        "3.8": "Stage 1",  # 5 against 1
    }
    under_2024 = case_statistics(cases, Period.parse("2024-25"), homes=1000, code="2024")
    assert responses_within_timescales(under_2024).value == "Stage 1: 66.7% (4 of 6); stage 2: 100.0% (1 of 1)"
    assert "within the 2024 Code's timescales" in responses_within_timescales(under_2024).basis
