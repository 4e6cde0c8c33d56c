"""Where the case data questions the answers: every data rule on hand-made figures, on both sides
of its threshold; the findings settings of the group and the landlord; the rules file's checks;
the figure "upheld without a remedy" on a hand-made case log; and the demo group end to end.

The hand-made figures start from a period that questions nothing (every step on time, two
channels, adjustments recorded, 25 stage 1 complaints per 1,000 homes) and change one figure
per test.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from audit_lib.assessment.answers import Answer, Assessment
from audit_lib.assessment.answers_file import load_assessment
from audit_lib.cases.load import load_case_log
from audit_lib.cases.settings import CaseLogSettings
from audit_lib.code.catalogue import load_catalogue
from audit_lib.config.finding_settings import FindingSettings, merged_settings
from audit_lib.config.landlords import load_landlord
from audit_lib.core.periods import Period
from audit_lib.errors import CatalogueError, ConfigError
from audit_lib.findings.data_rules import CHECKS, data_findings
from audit_lib.findings.model import Finding, FindingCode, Severity
from audit_lib.findings.rules import load_rules, load_rules_file
from audit_lib.stats.engine import case_statistics, landlord_statistics
from audit_lib.stats.results import CaseStatistics, OpenComplaints, Rate, StageFigures, WindowFigures

from .conftest import DEMO_IDS, write

CODE = load_catalogue()
P2425 = Period.parse("2024-25")
CONTRADICTED, CAUTION = Severity.CONTRADICTED, Severity.CAUTION


# --- hand-made figures and answers ---------------------------------------------------------

def stage(n: int = 1, **changes: object) -> StageFigures:
    """One stage's year, every step on time: 50 received (stage 2: 10), no extensions."""
    received = 50 if n == 1 else 10
    base = StageFigures(received=received, ack=Rate(received, received), ack_local=None,
                        response=Rate(received, received), response_local=None, responded=received,
                        responded_on_time=received, extended=0, extended_beyond_limit=0,
                        extended_beyond_limit_with_reason=0, extended_beyond_limit_without_reason=0)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def figures(stage1: StageFigures | None = None, stage2: StageFigures | None = None, *,
            complaint_failure_orders: int | None = None, **changes: object) -> CaseStatistics:
    """A period that questions no answer, with ``changes`` made."""
    year = WindowFigures.from_stages({1: stage1 or stage(1), 2: stage2 or stage(2)}, refused=0,
                                     service_requests=None, ombudsman_determinations=0,
                                     complaint_failure_orders=complaint_failure_orders)
    base = dict(
        period="2024-25", homes=2000, extension_policy="good_reason", response_deadline="from_earlier",
        local_targets={}, year=year, quarters={}, refused_by_reason={},
        stage1_outcomes={"upheld": 10, "partly upheld": 5, "not upheld": 35, "withdrawn": 0},
        stage2_outcomes={"upheld": 2, "partly upheld": 0, "not upheld": 8, "withdrawn": 0},
        withdrawn_before_response=0, categories={"Repairs": 50}, ombudsman_outcomes={}, compensation_cases=10,
        compensation_total=1000.0, open_at_end=OpenComplaints(0, 0, 0, 0, {}, {}),
        channels={"Telephone": 30, "Email": 20}, reasonable_adjustments=5, stage2_same_handler=0,
        excluded_rows=0, complaints_counted=60, upheld_without_remedy=0,
    )
    return CaseStatistics(**{**base, **changes})  # type: ignore[arg-type]


def answers(statuses: dict[str, str | None], commentary: dict[str, str] | None = None) -> Assessment:
    """An assessment with these statuses (by provision number) and commentaries."""
    commentary = commentary or {}
    return Assessment(landlord="test-homes", period="2024-25", answers={
        f"2024:{number}": Answer(status=status, commentary=commentary.get(number, ""))
        for number, status in statuses.items()})


def found(stats: CaseStatistics, statuses: dict[str, str | None], settings: FindingSettings | None = None,
          commentary: dict[str, str] | None = None) -> list[Finding]:
    return data_findings(CODE, answers(statuses, commentary), stats, settings)


def one(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


# --- the on-time rates: 6.2, 6.3, 6.11, 6.14 ------------------------------------------------

RATES = [  # provision, stage, rate, the words
    ("6.2", 1, "ack", "stage 1 acknowledgements"),
    ("6.3", 1, "response", "stage 1 responses"),
    ("6.11", 2, "ack", "stage 2 acknowledgements"),
    ("6.14", 2, "response", "stage 2 responses"),
]


def with_rate(n: int, name: str, rate: Rate) -> CaseStatistics:
    changed = stage(n, **{name: rate})
    return figures(stage1=changed) if n == 1 else figures(stage2=changed)


def test_the_issue_s_example_word_for_word():
    finding = one(found(with_rate(1, "ack", Rate(36, 50)), {"6.2": "Yes"}))
    assert (finding.provision, finding.severity, finding.code) == ("2024:6.2", CONTRADICTED,
                                                                   FindingCode.ON_TIME_BELOW_THRESHOLD)
    assert finding.message == ("'Yes', but 72.0% of stage 1 acknowledgements were on time (36 of 50; 14 late), "
                               "below the 90% threshold.")
    assert finding.figures == {"on_time": 36, "total": 50, "late": 14, "pct": 72.0, "threshold_pct": 90.0}


@pytest.mark.parametrize("number, n, name, what", RATES)
def test_just_below_the_threshold_contradicts_a_yes(number, n, name, what):
    finding = one(found(with_rate(n, name, Rate(899, 1000)), {number: "Yes"}))
    assert (finding.provision, finding.severity, finding.code) == (f"2024:{number}", CONTRADICTED,
                                                                   FindingCode.ON_TIME_BELOW_THRESHOLD)
    assert finding.message == f"'Yes', but 89.9% of {what} were on time (899 of 1,000; 101 late), below the 90% threshold."


@pytest.mark.parametrize("number, n, name, what", RATES)
def test_exactly_at_the_threshold_is_a_caution(number, n, name, what):
    finding = one(found(with_rate(n, name, Rate(900, 1000)), {number: "Yes"}))
    assert (finding.severity, finding.code) == (CAUTION, FindingCode.ON_TIME_BELOW_FULL)
    assert finding.message == (f"'Yes', but 90.0% of {what} were on time (900 of 1,000; 100 late): at or above "
                               "the 90% threshold, but not all.")


@pytest.mark.parametrize("number, n, name, what", RATES)
def test_every_step_on_time_bears_out_a_yes_and_questions_a_no(number, n, name, what):
    stats = with_rate(n, name, Rate(40, 40))
    assert found(stats, {number: "Yes"}) == []
    for status in ("No", "Partial"):
        finding = one(found(stats, {number: status}))
        assert (finding.severity, finding.code) == (CAUTION, FindingCode.ANSWER_MAY_BE_OUT_OF_DATE)
        assert finding.message == (f"'{status}', but all 40 {what} made or due in the period were on time: the "
                                   "answer may be out of date.")


@pytest.mark.parametrize("number, n, name, what", RATES)
def test_a_rate_that_counts_nothing_is_no_data(number, n, name, what):
    stats = with_rate(n, name, Rate(0, 0))
    for status in ("Yes", "No", "Partial"):
        assert found(stats, {number: status}) == []


def test_a_rounded_100_per_cent_with_one_late_is_still_short():
    finding = one(found(with_rate(1, "ack", Rate(9999, 10000)), {"6.2": "Yes"}))
    assert finding.code is FindingCode.ON_TIME_BELOW_FULL and "(9,999 of 10,000; 1 late)" in finding.message
    assert found(with_rate(1, "ack", Rate(9999, 10000)), {"6.2": "No"}) == []


def test_a_no_or_an_unanswered_provision_the_data_bears_out_has_no_finding():
    stats = with_rate(1, "ack", Rate(10, 50))
    for status in ("No", "Partial", "N/A", None):
        assert found(stats, {"6.2": status}) == []
    assert found(stats, {}) == []


def test_the_threshold_is_a_setting():
    stats = with_rate(1, "ack", Rate(92, 100))
    assert one(found(stats, {"6.2": "Yes"})).code is FindingCode.ON_TIME_BELOW_FULL
    finding = one(found(stats, {"6.2": "Yes"}, FindingSettings(on_time_threshold_pct=92.5)))
    assert finding.code is FindingCode.ON_TIME_BELOW_THRESHOLD and "below the 92.5% threshold" in finding.message
    assert finding.figures["threshold_pct"] == 92.5


# --- open and overdue at the period's end: 6.3, 6.14 -----------------------------------------

def test_complaints_open_and_overdue_add_a_caution_to_a_yes():
    stats = figures(open_at_end=OpenComplaints(5, 2, 3, 1, {}, {}))
    assert one(found(stats, {"6.3": "Yes"})).message == (
        "'Yes', but 2 stage 1 complaints were still open and past the response deadline at the end of the period "
        "(31 March 2025; 5 open in all).")
    finding = one(found(stats, {"6.14": "Yes"}))
    assert (finding.severity, finding.code) == (CAUTION, FindingCode.OPEN_OVERDUE_AT_PERIOD_END)
    assert finding.message == ("'Yes', but 1 stage 2 complaint was still open and past the response deadline at the "
                               "end of the period (31 March 2025; 3 open in all).")
    assert finding.figures == {"overdue": 1, "open": 3}
    # every response counted was on time, but complaints are overdue: a "No" is not called out of date
    assert found(stats, {"6.3": "No", "6.14": "Partial"}) == []


def test_open_but_not_overdue_is_nothing():
    assert found(figures(open_at_end=OpenComplaints(5, 0, 3, 0, {}, {})), {"6.3": "Yes", "6.14": "Yes"}) == []


def test_a_late_rate_and_overdue_complaints_are_two_findings_worst_first():
    stats = figures(stage1=stage(1, response=Rate(40, 50)), open_at_end=OpenComplaints(4, 4, 0, 0, {}, {}))
    assert [f.code for f in found(stats, {"6.3": "Yes"})] == [FindingCode.ON_TIME_BELOW_THRESHOLD,
                                                            FindingCode.OPEN_OVERDUE_AT_PERIOD_END]


# --- extensions: 6.4, 6.15 ----------------------------------------------------------------

@pytest.mark.parametrize("number, n, limit", [("6.4", 1, 10), ("6.15", 2, 20)])
def test_an_extension_beyond_the_limit_without_a_good_reason_contradicts_a_yes(number, n, limit):
    changed = stage(n, responded=40, extended=6, extended_beyond_limit=3, extended_beyond_limit_with_reason=1,
                    extended_beyond_limit_without_reason=2)
    stats = figures(stage1=changed) if n == 1 else figures(stage2=changed)
    finding = one(found(stats, {number: "Yes"}))
    assert (finding.severity, finding.code) == (CONTRADICTED, FindingCode.EXTENSION_WITHOUT_GOOD_REASON)
    assert finding.message == (f"'Yes', but 2 of the 40 stage {n} responses issued in the period were extended "
                               f"beyond the Code's limit of {limit} working days with no good reason recorded.")
    assert finding.figures["beyond_limit_without_reason"] == 2 and finding.figures["limit_working_days"] == limit


@pytest.mark.parametrize("number, n", [("6.4", 1), ("6.15", 2)])
def test_extensions_with_good_reasons_or_within_the_limit_are_nothing(number, n):
    for changed in (stage(n, extended=6, extended_beyond_limit=3, extended_beyond_limit_with_reason=3),
                    stage(n, extended=6), stage(n)):
        stats = figures(stage1=changed) if n == 1 else figures(stage2=changed)
        assert found(stats, {number: "Yes"}) == [] and found(stats, {number: "No"}) == []


# --- the same handler at both stages: 6.13 ----------------------------------------------------

def test_the_same_handler_at_both_stages_contradicts_a_yes():
    finding = one(found(figures(stage2_same_handler=3), {"6.13": "Yes"}))
    assert (finding.severity, finding.code) == (CONTRADICTED, FindingCode.SAME_HANDLER_BOTH_STAGES)
    assert finding.message == ("'Yes', but 3 of the 10 escalations in the period were recorded with the same handler "
                               "at stage 1 and stage 2.")
    assert finding.figures == {"same_handler": 3, "escalations": 10}
    assert one(found(figures(stage2_same_handler=1), {"6.13": "Yes"})).message.startswith("'Yes', but 1 of the 10 "
                                                                                          "escalations in the period was")


@pytest.mark.parametrize("count", [0, None])
def test_no_same_handler_or_no_handler_columns_is_nothing(count):
    for status in ("Yes", "No", "Partial"):
        assert found(figures(stage2_same_handler=count), {"6.13": status}) == []


# --- reasonable adjustments: 5.10 ------------------------------------------------------------

def test_no_adjustment_recorded_is_a_caution_on_a_yes():
    finding = one(found(figures(reasonable_adjustments=0), {"5.10": "Yes"}))
    assert (finding.severity, finding.code) == (CAUTION, FindingCode.NO_ADJUSTMENTS_RECORDED)
    assert finding.message == ("'Yes', but the case log records no reasonable adjustment or vulnerability for any of "
                               "the 50 stage 1 complaints received in the period.")


def test_no_adjustment_column_is_a_caution_that_says_so():
    finding = one(found(figures(reasonable_adjustments=None), {"5.10": "Yes"}))
    assert finding.code is FindingCode.NO_ADJUSTMENTS_RECORDED
    assert finding.message == ("'Yes', but the case log has no reasonable adjustment or vulnerability column, so it "
                               "cannot show that adjustments are recorded.")


def test_one_adjustment_recorded_or_no_complaints_is_nothing():
    assert found(figures(reasonable_adjustments=1), {"5.10": "Yes"}) == []
    assert found(figures(stage1=stage(1, received=0), reasonable_adjustments=0), {"5.10": "Yes"}) == []
    assert found(figures(reasonable_adjustments=0), {"5.10": "No"}) == []


# --- channels and volumes: 3.1, 3.3 ----------------------------------------------------------

def test_every_complaint_through_one_channel_is_a_caution_on_3_1():
    for channels in ({"Telephone": 50}, {"Telephone": 50, "Email": 0}):
        finding = one(found(figures(channels=channels), {"3.1": "Yes"}))
        assert (finding.severity, finding.code) == (CAUTION, FindingCode.SINGLE_CHANNEL)
        assert finding.message == ("'Yes', but all 50 stage 1 complaints with a channel recorded came through one "
                                   "channel (Telephone).")
        assert finding.figures == {"channel": "Telephone", "complaints": 50}


@pytest.mark.parametrize("channels", [{"Telephone": 49, "Email": 1}, {}, {"Telephone": 0}, None])
def test_two_channels_or_none_recorded_is_nothing(channels):
    assert found(figures(channels=channels), {"3.1": "Yes"}) == []


def test_low_complaint_volumes_quote_the_code():
    # 99 complaints for 10,000 homes: 9.9 per 1,000, below 10
    stats = figures(stage1=stage(1, received=99), homes=10_000)
    finding = one(found(stats, {"3.3": "Yes"}))
    assert (finding.severity, finding.code) == (CAUTION, FindingCode.LOW_COMPLAINT_VOLUME)
    assert finding.message == (
        "'Yes', but 99 stage 1 complaints were received in the period: 9.9 per 1,000 homes (10,000 homes), below the "
        "10 per 1,000 threshold. The Code (3.3): \u201cLow complaint volumes are potentially a sign that residents "
        "are unable to complain.\u201d")
    assert finding.figures == {"stage1_received": 99, "homes": 10_000, "per_1000": 9.9, "threshold_per_1000": 10.0}
    assert "Low complaint volumes are potentially a sign that residents are unable to complain" in \
        CODE.provision("3.3").text


def test_volumes_at_the_threshold_or_set_lower_are_nothing():
    assert found(figures(stage1=stage(1, received=100), homes=10_000), {"3.3": "Yes"}) == []  # 10.0 per 1,000
    low = figures(stage1=stage(1, received=99), homes=10_000)
    assert found(low, {"3.3": "Yes"}, FindingSettings(low_volume_per_1000=5)) == []
    assert found(low, {"3.3": "No"}) == []


# --- putting things right: 7.1 -----------------------------------------------------------------

def test_upheld_complaints_without_a_remedy_are_a_caution_on_7_1():
    finding = one(found(figures(upheld_without_remedy=2), {"7.1": "Yes"}))
    assert (finding.severity, finding.code) == (CAUTION, FindingCode.UPHELD_WITHOUT_REMEDY)
    assert finding.message == ("'Yes', but 2 complaints upheld or partly upheld in the period have no remedy or "
                               "compensation recorded in the case log.")
    assert one(found(figures(upheld_without_remedy=1), {"7.1": "Yes"})).message.startswith(
        "'Yes', but 1 complaint upheld or partly upheld in the period has no remedy")
    assert found(figures(upheld_without_remedy=0), {"7.1": "Yes"}) == []
    assert found(figures(upheld_without_remedy=2), {"7.1": "Partial"}) == []


# --- learning from the Ombudsman: 8.4, 9.1, 9.7 ---------------------------------------------------

LEARNING = {"8.4": "Yes", "9.1": "Yes", "9.7": "Yes"}


def test_ombudsman_fault_not_mentioned_is_a_caution_on_each_learning_provision():
    stats = figures(ombudsman_outcomes={"severe maladministration": 1, "maladministration": 2,
                                        "no maladministration": 4}, complaint_failure_orders=1)
    result = found(stats, LEARNING, commentary={"9.1": "Service improvements are reviewed quarterly."})
    assert [f.provision for f in result] == ["2024:8.4", "2024:9.1", "2024:9.7"]
    assert {(f.severity, f.code) for f in result} == {(CAUTION, FindingCode.OMBUDSMAN_FAULT_NOT_ADDRESSED)}
    assert result[0].message == (
        "'Yes', but the case log records 3 Ombudsman determinations finding fault (severe maladministration 1, "
        "maladministration 2) and 1 complaint handling failure order in the period, and there is no commentary.")
    assert result[1].message.endswith("in the period, and the commentary does not mention them.")
    assert result[0].figures == {"severe maladministration": 1, "maladministration": 2, "complaint_failure_orders": 1}


def test_a_commentary_that_mentions_the_ombudsman_addresses_it():
    stats = figures(ombudsman_outcomes={"maladministration": 1})
    notes = {"8.4": "We reviewed the self-assessment after the Ombudsman's investigation.",
             "9.1": "Learning from the maladministration finding in case 2 was shared.",
             "9.7": "The HOS findings went to the board."}
    assert found(stats, LEARNING, commentary=notes) == []
    words = {"8.4": "The complaint handling failure orders were complied with.",
             "9.1": "The Ombudsman’s report was discussed.", "9.7": "The service failure was reported to the board."}
    assert found(stats, LEARNING, commentary=words) == []
    # ordinary English is not a word about the Ombudsman: "order", "determination" alone, "hospital"
    unrelated = {"8.4": "Hospital discharge cases were reviewed.", "9.1": "In order to learn, we survey residents.",
                 "9.7": "Our determination to improve is reported to the board."}
    assert [f.number for f in found(stats, LEARNING, commentary=unrelated)] == ["8.4", "9.1", "9.7"]


def test_orders_alone_or_service_failure_count_and_reasonable_redress_does_not():
    assert one(found(figures(complaint_failure_orders=2), {"9.7": "Yes"})).message == (
        "'Yes', but the case log records 2 complaint handling failure orders in the period, and there is no "
        "commentary.")
    assert one(found(figures(ombudsman_outcomes={"service failure": 1}), {"9.1": "Yes"})).code \
        is FindingCode.OMBUDSMAN_FAULT_NOT_ADDRESSED
    quiet = figures(ombudsman_outcomes={"reasonable redress": 3, "no maladministration": 2}, complaint_failure_orders=0)
    assert found(quiet, LEARNING) == []
    assert found(figures(ombudsman_outcomes={"maladministration": 1}), {"8.4": "No", "9.1": "N/A"}) == []


# --- findings are computed from the answers: ordering and independence ---------------------------

def test_findings_come_in_the_catalogue_s_order():
    stats = figures(stage1=stage(1, ack=Rate(1, 2)), channels={"Telephone": 50}, stage2_same_handler=1)
    result = found(stats, {"6.13": "Yes", "3.1": "Yes", "6.2": "Yes"})
    assert [f.number for f in result] == ["3.1", "6.2", "6.13"]
    assert all(f.response is None for f in result)


# --- settings: the group's, the landlord's, the defaults ------------------------------------------

def settings_in(inputs: Path, group: str = "", landlord: str = "", landlord_id: str = "riverbend-homes") -> FindingSettings:
    registry = inputs / "landlords.yaml"
    text = registry.read_text()
    if group:
        text = text.replace("  name: Northshire Housing Group\n", f"  name: Northshire Housing Group\n{group}", 1)
        registry.write_text(text)
    if landlord:
        config = inputs / landlord_id / "landlord.yaml"
        config.write_text(config.read_text() + landlord)
    return load_landlord(inputs, landlord_id).finding_settings


def test_the_defaults_hold_without_settings(demo_inputs):
    assert settings_in(demo_inputs) == FindingSettings()
    assert FindingSettings() == FindingSettings(on_time_threshold_pct=90, low_volume_per_1000=10,
                                                boilerplate_provisions=4, vague_evidence_words=4)


def test_the_landlord_wins_over_the_group_which_wins_over_the_default(demo_inputs):
    group = "  findings:\n    on_time_threshold_pct: 80\n    low_volume_per_1000: 5\n"
    landlord = "findings:\n  on_time_threshold_pct: 95\n"
    merged = settings_in(demo_inputs, group, landlord)
    assert (merged.on_time_threshold_pct, merged.low_volume_per_1000, merged.boilerplate_provisions) == (95, 5, 4)
    other = load_landlord(demo_inputs, "calder-vale-housing").finding_settings  # the group's alone
    assert (other.on_time_threshold_pct, other.low_volume_per_1000, other.vague_evidence_words) == (80, 5, 4)


def test_merged_settings_keep_only_what_each_layer_sets():
    group = FindingSettings(on_time_threshold_pct=80, boilerplate_provisions=6)
    landlord = FindingSettings(on_time_threshold_pct=95)
    assert merged_settings(group, landlord) == FindingSettings(on_time_threshold_pct=95, boilerplate_provisions=6)
    assert merged_settings(None, None) == FindingSettings()
    assert merged_settings(group, None) == group


@pytest.mark.parametrize("setting, message", [
    ("on_time_threshold_pct: 120", "on_time_threshold_pct: Input should be less than or equal to 100"),
    ("boilerplate_provisions: 1", "boilerplate_provisions: Input should be greater than or equal to 2"),
    ("vague_evidence_words: 0", "vague_evidence_words: Input should be greater than or equal to 1"),
    # a slip in the YAML is refused, never converted: false is not 0%, "95" not 95, .inf not a threshold
    ("on_time_threshold_pct: false", "on_time_threshold_pct: Input should be a valid number"),
    ('on_time_threshold_pct: "95"', "on_time_threshold_pct: Input should be a valid number"),
    ("low_volume_per_1000: true", "low_volume_per_1000: Input should be a valid number"),
    ("low_volume_per_1000: .inf", "low_volume_per_1000: Input should be a finite number"),
    ("on_time_threshold_pct: .nan", "on_time_threshold_pct: Input should be a finite number"),
    ("on_time_threshhold_pct: 95", "on_time_threshhold_pct: Extra inputs are not permitted"),
    ("low_volume_per_1000: -1", "low_volume_per_1000: Input should be greater than or equal to 0"),
])
def test_a_bad_landlord_setting_is_one_error_naming_the_file(demo_inputs, setting, message):
    with pytest.raises(ConfigError) as caught:
        settings_in(demo_inputs, landlord=f"findings:\n  {setting}\n")
    assert caught.value.path == demo_inputs / "riverbend-homes" / "landlord.yaml"
    assert message in caught.value.message and "findings." in caught.value.message


def test_a_bad_group_setting_is_one_error_naming_the_registry(demo_inputs):
    with pytest.raises(ConfigError) as caught:
        settings_in(demo_inputs, group="  findings:\n    on_time_threshold_pct: 120\n")
    assert caught.value.path == demo_inputs / "landlords.yaml"
    assert "group.findings.on_time_threshold_pct: Input should be less than or equal to 100" in caught.value.message


# --- the rules file ----------------------------------------------------------------------------------

def rules_file(tmp_path: Path, rules: str, code: str = "2024") -> Path:
    return write(tmp_path / "findings_2024.yaml", f'code: "{code}"\nrules:\n{rules}')


def test_the_shipped_rules_cover_the_provisions_the_data_speaks_to():
    rules = load_rules("2024")
    assert load_rules("2024") is rules  # read once per Code version
    by_check = {}
    for rule in rules.rules:
        by_check.setdefault(rule.check_name, []).extend(p.split(":")[1] for p in rule.provisions)
    assert by_check == {
        "on_time_rate": ["6.2", "6.3", "6.11", "6.14"], "open_overdue": ["6.3", "6.14"],
        "extension_without_reason": ["6.4", "6.15"], "same_handler": ["6.13"], "adjustments_recorded": ["5.10"],
        "single_channel": ["3.1"], "low_volume": ["3.3"], "upheld_without_remedy": ["7.1"],
        "ombudsman_fault_addressed": ["8.4", "9.1", "9.7"],
    }
    assert set(by_check) == set(CHECKS)


def test_a_rules_file_loads_against_the_catalogue(tmp_path):
    path = rules_file(tmp_path, "  - provisions: ['6.2']\n    check: on_time_rate\n"
                                "    params: {rate: stage1_ack, what: acknowledgements}\n    breach: caution\n")
    (rule,) = load_rules_file(path, CODE).rules
    assert rule.provisions == ("2024:6.2",) and rule.breach is CAUTION and rule.shortfall is CAUTION


@pytest.mark.parametrize("rules, message", [
    ("  - provisions: ['6.2']\n    check: on_time_rat\n", "rule 1 (check 'on_time_rat'): unknown check; expected one of"),
    ("  - provisions: ['6.99']\n    check: same_handler\n", "provision '6.99' is not in the 2024 Code"),
    ("  - provisions: ['6.2']\n    check: on_time_rate\n    params: {rate: stage3_ack, what: x}\n",
     "rule 1 (check 'on_time_rate'): params: rate: Input should be"),
    ("  - provisions: ['6.13']\n    check: same_handler\n    params: {stage: 1}\n",
     "params: stage: Extra inputs are not permitted"),
    ("  - provisions: ['3.3']\n    check: low_volume\n    params: {quote: Residents love complaining.}\n",
     "the words to quote are not in provision 3.3's text"),
    ("  - provisions: ['6.13']\n    check: same_handler\n    breach: fatal\n", "rules.0.breach: Input should be"),
    ("  - provisions: ['6.13', '6.13']\n    check: same_handler\n", "provision 6.13 has this check twice"),
    ("  - provisions: []\n    check: same_handler\n", "provisions: Tuple should have at least 1 item"),
    ("  - provisions: ['8.4']\n    check: ombudsman_fault_addressed\n"
     "    params: {outcomes: [maladmin], mentions: [ombudsman]}\n", "expected Ombudsman outcomes among"),
])
def test_a_bad_rules_file_is_one_catalogue_error_naming_it(tmp_path, rules, message):
    path = rules_file(tmp_path, rules)
    with pytest.raises(CatalogueError) as caught:
        load_rules_file(path, CODE)
    assert caught.value.path == path and message in caught.value.message


def test_a_rules_file_for_another_code_version_is_refused(tmp_path):
    path = rules_file(tmp_path, "  - provisions: ['6.13']\n    check: same_handler\n", code="2022")
    with pytest.raises(CatalogueError, match="names Code version '2022'; expected '2024'"):
        load_rules_file(path, CODE)


# --- the figure "upheld without a remedy", through the real loader ---------------------------------

HEADER = ("case_id,received,stage1_acknowledged,stage1_responded,stage1_extension_days,stage2_requested,"
          "stage2_acknowledged,stage2_responded,stage2_extension_days,stage1_outcome,stage2_outcome,category,"
          "refused_reason,ombudsman_outcome,compensation")
#: (case, stage 1 response, stage 1 outcome, stage 2 request, response, outcome, compensation, remedy)
CASES = [
    ("C1", "20/05/2024", "upheld", "", "", "", "", ""),  # counted: nothing put right
    ("C2", "20/05/2024", "upheld", "", "", "", "£50.00", ""),  # compensation
    ("C3", "20/05/2024", "partly upheld", "", "", "", "", "Apology and a repair to the boiler"),  # a remedy
    ("C4", "20/05/2024", "upheld", "", "", "", "", "None"),  # counted: "None" records nothing
    ("C5", "20/05/2024", "not upheld", "", "", "", "", ""),  # not upheld
    ("C6", "10/04/2025", "upheld", "", "", "", "", ""),  # responded after the period's end
    ("C7", "20/05/2024", "not upheld", "03/06/2024", "01/07/2024", "upheld", "0", ""),  # counted: upheld at stage 2
    ("C8", "20/05/2024", "partly upheld", "03/06/2024", "01/07/2024", "upheld", "", "-"),  # counted once
    ("C9", "20/05/2024", "upheld", "", "", "", "", "Moved to 12 Acacia Avenue"),  # copies differ: kept out
    ("C9", "20/05/2024", "upheld", "", "", "", "", ""),
]


def case_log_csv(tmp_path: Path, remedy: bool = True) -> Path:
    lines = [HEADER + (",remedy" if remedy else "")]
    for case, responded, outcome1, requested, responded2, outcome2, compensation, text in CASES:
        stage2 = f"{requested},{requested},{responded2}," if requested else ",,,"
        row = (f"{case},07/05/2024,08/05/2024,{responded},,{stage2},{outcome1},{outcome2},Repairs,,,"
               f"\"{compensation}\"")
        lines.append(row + (f",\"{text}\"" if remedy else ""))
    return write(tmp_path / "cases.csv", "\n".join(lines) + "\n")


def test_upheld_without_a_remedy_counts_complaints_upheld_in_the_period_with_nothing_put_right(tmp_path):
    log = load_case_log(case_log_csv(tmp_path), CaseLogSettings(path="cases.csv"))
    stats = case_statistics(log.cases, P2425, 1000)
    assert stats.upheld_without_remedy == 4  # C1, C4, C7, C8
    assert stats.to_json()["upheld_without_remedy"] == 4
    assert "upheld_without_remedy" in stats.definitions
    finding = one(data_findings(CODE, answers({"7.1": "Yes"}), stats))
    assert finding.message == ("'Yes', but 4 complaints upheld or partly upheld in the period have no remedy or "
                               "compensation recorded in the case log.")
    # the period before sees none of it; the next sees C6's response
    assert case_statistics(log.cases, Period.parse("2023-24"), 1000).upheld_without_remedy == 0
    assert case_statistics(log.cases, Period.parse("2025-26"), 1000).upheld_without_remedy == 1


def test_without_a_remedy_column_compensation_alone_puts_things_right(tmp_path):
    log = load_case_log(case_log_csv(tmp_path, remedy=False), CaseLogSettings(path="cases.csv"))
    # C1, C3, C4, C7, C8 and C9 (the copies now agree)
    assert case_statistics(log.cases, P2425, 1000).upheld_without_remedy == 6


def test_the_words_of_a_remedy_go_no_further_than_the_loader(tmp_path):
    log = load_case_log(case_log_csv(tmp_path), CaseLogSettings(path="cases.csv"))
    assert set(log.cases["remedy"]) == {"", "yes"}
    differs = log.exclusions[log.exclusions["column"] == "remedy"]
    assert list(differs["code"]) == ["duplicate-differs"] and list(differs["unknown"]) == ["remedy"]
    shown = json.dumps([log.exclusions.astype(str).to_dict("records"),
                        case_statistics(log.cases, P2425, 1000).to_json()])
    for words in ("Acacia", "boiler", "Apology"):
        assert words not in shown


# --- the demo group, end to end -------------------------------------------------------------------

@pytest.mark.parametrize("landlord_id", DEMO_IDS)
def test_the_demo_group_s_answers_against_its_data(demo_inputs, landlord_id):
    landlord = load_landlord(demo_inputs, landlord_id)
    log = load_case_log(landlord.case_log_path, landlord.config.case_log)
    stats = landlord_statistics(log, landlord, P2425, landlord.code_for(P2425))
    assessment = load_assessment(landlord.answers_path(P2425.id), CODE, landlord_id, P2425.id)
    result = data_findings(CODE, assessment, stats, landlord.finding_settings)
    ids = set(CODE.ids)
    for finding in result:
        assert finding.provision in ids and finding.severity in (CONTRADICTED, CAUTION)
        assert finding.message.startswith(("'Yes', but ", "'No', but ", "'Partial', but "))
        assert assessment.answer(finding.provision).status is not None
    assert len({(f.provision, f.code) for f in result}) == len(result)  # one finding per provision and code


def test_the_2022_rules_check_the_2022_provisions_with_the_2022_limits():
    from audit_lib.findings.rules import load_rules

    rules = load_rules("2022")
    checked = {(p, r.check_name) for r in rules.rules for p in r.provisions}
    assert {("2022:4.1", "on_time_rate"), ("2022:5.1", "on_time_rate"), ("2022:5.13", "on_time_rate"),
            ("2022:5.1", "extension_without_reason"), ("2022:5.13", "extension_without_reason"),
            ("2022:5.12", "same_handler")} <= checked
    assert not any(p.startswith("2024:") for r in rules.rules for p in r.provisions)
    assert load_rules("2020").rules == ()
