"""The sentences of case data written beside each provision, and the Code data that maps figures
to provisions. Every sentence is checked word for word on hand-made figures."""

from __future__ import annotations

import pytest

from audit_lib.code.catalogue import load_catalogue
from audit_lib.errors import CatalogueError
from audit_lib.stats.provision_figures import SENTENCES, provision_figures, sentences
from audit_lib.stats.results import CaseStatistics, OpenComplaints, Rate, StageFigures, WindowFigures

CODE = load_catalogue()


def stage_figures(stage: int, *, local: bool) -> StageFigures:
    return StageFigures(
        received=120 // stage, ack=Rate(90 // stage, 100 // stage), ack_local=Rate(80, 100) if local else None,
        response=Rate(70 // stage, 80 // stage), response_local=None, responded=80 // stage,
        responded_on_time=70 // stage, extended=9 // stage, extended_beyond_limit=3 // stage,
        extended_beyond_limit_with_reason=1 // stage, extended_beyond_limit_without_reason=3 // stage - 1 // stage,
    )


def figures(*, optional: bool) -> CaseStatistics:
    """Hand-made figures; ``optional`` gives the figures a case log supplies only with optional columns."""
    year = WindowFigures.from_stages({1: stage_figures(1, local=optional), 2: stage_figures(2, local=False)},
                                     refused=4, service_requests=None, ombudsman_determinations=3,
                                     complaint_failure_orders=None)
    return CaseStatistics(
        period="2024-25", homes=2400, extension_policy="good_reason", response_deadline="from_earlier",
        local_targets={"stage1_acknowledge": 3} if optional else {}, year=year, quarters={},
        refused_by_reason={"Legal proceedings have started": 3, "Over twelve months": 1},
        stage1_outcomes={"upheld": 20, "partly upheld": 15, "not upheld": 40, "withdrawn": 5},
        stage2_outcomes={"upheld": 10, "partly upheld": 0, "not upheld": 30, "withdrawn": 0},
        withdrawn_before_response=2, categories={"Repairs": 100}, compensation_cases=12, compensation_total=3456.5,
        upheld_without_remedy=21, ombudsman_outcomes={"maladministration": 2, "service failure": 0, "no maladministration": 1},
        open_at_end=OpenComplaints(1, 0, 0, 0, {}, {}),
        channels={"phone": 70, "email": 50} if optional else None,
        reasonable_adjustments=6 if optional else None, stage2_same_handler=1 if optional else None,
        excluded_rows=0, complaints_counted=130,
    )


EVERY_FIGURE = {
    "2.1": ["4 complaint(s) not accepted in the period (Legal proceedings have started: 3, Over twelve months: 1)."],
    "2.3": ["4 complaint(s) not accepted in the period (Legal proceedings have started: 3, Over twelve months: 1)."],
    "3.1": ["Channels used at stage 1: phone 70, email 50."],
    "3.3": ["120 stage 1 complaints received: 50.0 per 1,000 homes (TSM CH01)."],
    "5.10": ["6 stage 1 complaint(s) with a reasonable adjustment or vulnerability recorded."],
    "6.2": ["90.0% of stage 1 acknowledgements within 5 working days on time (90 of 100 made or due in the period; 10 late).",
            "80.0% of stage 1 acknowledgements within the local target of 3 working days on time (80 of 100 made or due in the period; 20 late)."],
    "6.3": ["87.5% of stage 1 responses within 10 working days plus any allowed extension on time "
            "(70 of 80 made or due in the period; 10 late).",
            "TSM CH02 stage 1: 87.5% of 80 responses issued within Code timescales."],
    "6.4": ["9 of 80 stage 1 responses issued were extended; 3 beyond 10 working days: 1 with a good reason "
            "recorded, 2 without."],
    "6.10": ["60 escalation(s) to stage 2: 75.0% of stage 1 responses issued."],
    "6.11": ["90.0% of stage 2 acknowledgements within 5 working days on time (45 of 50 made or due in the period; 5 late)."],
    "6.13": ["1 escalation(s) in the period recorded with the same handler at stage 1 and stage 2."],
    "6.14": ["87.5% of stage 2 responses within 20 working days plus any allowed extension on time "
             "(35 of 40 made or due in the period; 5 late).",
             "TSM CH02 stage 2: 87.5% of 40 responses issued within Code timescales."],
    "6.15": ["4 of 40 stage 2 responses issued were extended; 1 beyond 20 working days: 0 with a good reason "
             "recorded, 1 without."],
    "7.1": ["35 stage 1 complaint(s) upheld or partly upheld; compensation offered in 12 case(s), £3,456.50 in all; 21 upheld or partly upheld "
            "at either stage with no remedy or compensation recorded."],
    "8.1": ["Year: 120 stage 1 and 60 stage 2 complaints received; 4 refused.",
            "TSM CH01: 50.0 (stage 1) and 25.0 (stage 2) per 1,000 homes.",
            "TSM CH02: 87.5% (stage 1) and 87.5% (stage 2) within Code timescales."],
    "9.7": ["Ombudsman determinations: maladministration 2, no maladministration 1; maladministration rate 66.7%."],
}


def test_every_sentence_word_for_word():
    assert provision_figures(figures(optional=True)) == EVERY_FIGURE


def test_figures_a_case_log_cannot_give_are_left_out():
    """3.1 needs a channel column, 5.10 adjustment flags, 6.13 handler columns, 6.2's second line a local target."""
    out = provision_figures(figures(optional=False))
    assert set(EVERY_FIGURE) - set(out) == {"3.1", "5.10", "6.13"}
    assert out["6.2"] == EVERY_FIGURE["6.2"][:1]
    assert {k: v for k, v in EVERY_FIGURE.items() if k in out and k != "6.2"} == {k: v for k, v in out.items()
                                                                                  if k != "6.2"}


def test_a_step_with_nothing_due_says_so():
    stats = figures(optional=False)
    empty = StageFigures(received=0, ack=Rate(0, 0), ack_local=None, response=Rate(0, 0), response_local=None,
                         responded=0, responded_on_time=0, extended=0, extended_beyond_limit=0,
                         extended_beyond_limit_with_reason=0, extended_beyond_limit_without_reason=0)
    year = WindowFigures.from_stages({1: stats.year.stage(1), 2: empty}, refused=4, service_requests=None,
                                     ombudsman_determinations=0, complaint_failure_orders=None)
    out = provision_figures(CaseStatistics(**{**stats.__dict__, "year": year}))
    assert out["6.11"] == ["No stage 2 acknowledgements within 5 working days fell due or were made in the period."]
    assert out["6.14"][1] == "TSM CH02 stage 2: n/a of 0 responses issued within Code timescales."


def test_every_figure_the_code_data_names_has_a_sentence():
    named = {name for names in CODE.figures.values() for name in names}
    assert named <= set(sentences()), named - set(sentences())
    assert set(CODE.figures) <= {p.number for p in CODE.provisions}


def test_the_provisions_that_get_figures_are_the_code_data_s():
    assert set(CODE.figures) == set(EVERY_FIGURE)
    assert list(CODE.figures["6.2"]) == ["stage1_ack", "stage1_ack_local"]
    assert list(CODE.figures["8.1"]) == ["year_received", "tsm_ch01", "tsm_ch02"]


def test_a_figure_without_a_sentence_is_a_clear_error(monkeypatch):
    monkeypatch.delitem(SENTENCES, "channels")
    with pytest.raises(CatalogueError, match=r"figures for provision 3\.1 name \['channels'\], which have no sentence"):
        provision_figures(figures(optional=True))
