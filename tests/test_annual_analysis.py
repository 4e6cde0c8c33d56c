"""The annual report's quantitative analysis (Code 8.1 b), on a hand-worked case log.

The log covers 2023-24 (assessed against the 2022 Code) and 2024-25 (the 2024 Code) in full: its
first complaint was received on 17/04/2023, its latest dated event is 10/03/2025. Every stage 1
complaint is received on a Monday and acknowledged the next day; "on time" ones are answered the
Monday after (4 working days after the acknowledgement), "late" ones three weeks after the
acknowledgement (15 working days: the limit is 10 under both Codes). No bank holiday falls in
the weeks used. Worked by hand:

2023-24 (9 complaints): Repairs 3 (P1-P3), Damp and mould 4 (P4-P7), Communication 1 (P8) and
one whose category is the word ``<script>alert(1)</script>`` (P9). P4 is late: CH02 stage 1 = 8
of 9 = 88.9%. P1 is escalated (1 of 9 responses: 11.1%).

2024-25 (16 accepted, 4 refused; 1,000 homes):

====  ===============  ==========  ==================  ===========================
case  category         received    stage 1 outcome     notes
====  ===============  ==========  ==================  ===========================
N1    Repairs          10/06/2024  upheld              escalated 01/07, stage 2 upheld 15/07;
                                                       maladministration; £150
N2    Repairs          10/06/2024  upheld              no maladministration
N3    Repairs          10/06/2024  upheld              £50
N4    Repairs          14/10/2024  partly upheld
N5    Repairs          14/10/2024  not upheld
N6    Repairs          13/01/2025  not upheld
N7    Damp and mould   14/10/2024  upheld
N8    Damp and mould   13/01/2025  partly upheld
N9    Communication    09/09/2024  upheld              late (answered 01/10/2024)
N10   Communication    09/09/2024  not upheld          late
N11-  Communication    10/02/2025  not upheld
N13
N14,  <script>...      03/03/2025  (none)              acknowledged, never answered
N15
N16   a rare value     13/01/2025  not upheld          seen once in the log: "Other"
R1-3  (refused)        14/10/2024                      Legal proceedings have started
R4    (refused)        14/10/2024                      a reason seen once: "Other"
====  ===============  ==========  ==================  ===========================

So: stage 1 received 16 (Q1 3, Q2 2, Q3 3, Q4 8), CH01 16.0; 14 responses, 12 on time: CH02
85.7%; outcomes upheld 5, partly 2, not upheld 7; escalation 1 of 14 = 7.1%; stage 2 CH02 1 of 1.
By category: Repairs 6 (3 before, up 3), 6 responses, 4 upheld or partly (66.7%); Damp and
mould 2 (4 before, down 2), 2 of 2; Communication 5 (1 before, up 4), 1 of 5 (20.0%);
``<script>`` 2 (1 before, seen 3 times in all: shown), no response; Other 1 (0 before).
Ombudsman: 1 maladministration, 1 no maladministration: rate 50.0% (1 of 2). Compensation: 2
cases, £200.00. Refused: 4 (Legal proceedings have started 3, Other 1).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from audit_lib.annual import AnnualAnalysis, CategoryRow, annual_analysis
from audit_lib.cases.load import CaseLog, load_case_log
from audit_lib.cases.schema import CANONICAL_COLUMNS, UNKNOWN_COLUMN
from audit_lib.config.landlords import Landlord, load_landlord
from audit_lib.core.periods import Period
from audit_lib.errors import UsageError
from audit_lib.stats.by_period import PeriodFigures, figures_by_period, log_span
from audit_lib.stats.categories import category_figures
from audit_lib.stats.engine import case_statistics, landlord_statistics
from audit_lib.stats.quarterly import quarterly_table
from tests.conftest import write

LANDLORD = "test-homes"
P2425, P2324 = Period.parse("2024-25"), Period.parse("2023-24")
SCRIPT = "<script>alert(1)</script>"
#: Typed once into the category column: a resident's details, never to be shown.
RARE = "Mr Smith 4 Elm Road"
RARE_REASON = "Outside the time limit"


def case(case_id: str, received: str, ack: str = "", responded: str = "", outcome: str = "", category: str = "",
         **more: str) -> dict[str, str]:
    return dict(case_id=case_id, received=received, stage1_acknowledged=ack, stage1_responded=responded,
                stage1_outcome=outcome, category=category, **more)


def on_time(case_id: str, monday: str, tuesday: str, next_monday: str, outcome: str, category: str,
            **more: str) -> dict[str, str]:
    return case(case_id, monday, tuesday, next_monday, outcome, category, **more)


CASES_2023 = [
    on_time("P1", "17/04/2023", "18/04/2023", "24/04/2023", "not upheld", "Repairs",
            stage2_requested="15/05/2023", stage2_acknowledged="16/05/2023", stage2_responded="22/05/2023",
            stage2_outcome="not upheld"),
    on_time("P2", "12/06/2023", "13/06/2023", "19/06/2023", "upheld", "Repairs"),
    on_time("P3", "10/07/2023", "11/07/2023", "17/07/2023", "not upheld", "Repairs"),
    case("P4", "11/09/2023", "12/09/2023", "03/10/2023", "upheld", "Damp and mould"),  # late: due 26/09
    on_time("P5", "09/10/2023", "10/10/2023", "16/10/2023", "not upheld", "Damp and mould"),
    on_time("P6", "13/11/2023", "14/11/2023", "20/11/2023", "not upheld", "Damp and mould"),
    on_time("P7", "15/01/2024", "16/01/2024", "22/01/2024", "not upheld", "Damp and mould"),
    on_time("P8", "12/02/2024", "13/02/2024", "19/02/2024", "not upheld", "Communication"),
    on_time("P9", "11/03/2024", "12/03/2024", "18/03/2024", "not upheld", SCRIPT),
]

CASES_2024 = [
    on_time("N1", "10/06/2024", "11/06/2024", "17/06/2024", "upheld", "Repairs",
            stage2_requested="01/07/2024", stage2_acknowledged="02/07/2024", stage2_responded="15/07/2024",
            stage2_outcome="upheld", ombudsman_outcome="maladministration", compensation="150"),
    on_time("N2", "10/06/2024", "11/06/2024", "17/06/2024", "upheld", "Repairs",
            ombudsman_outcome="no maladministration"),
    on_time("N3", "10/06/2024", "11/06/2024", "17/06/2024", "upheld", "Repairs", compensation="50"),
    on_time("N4", "14/10/2024", "15/10/2024", "21/10/2024", "partly upheld", "Repairs"),
    on_time("N5", "14/10/2024", "15/10/2024", "21/10/2024", "not upheld", "Repairs"),
    on_time("N6", "13/01/2025", "14/01/2025", "20/01/2025", "not upheld", "Repairs"),
    on_time("N7", "14/10/2024", "15/10/2024", "21/10/2024", "upheld", "Damp and mould"),
    on_time("N8", "13/01/2025", "14/01/2025", "20/01/2025", "partly upheld", "Damp and mould"),
    case("N9", "09/09/2024", "10/09/2024", "01/10/2024", "upheld", "Communication"),  # late: due 24/09
    case("N10", "09/09/2024", "10/09/2024", "01/10/2024", "not upheld", "Communication"),  # late
    *(on_time(f"N{n}", "10/02/2025", "11/02/2025", "17/02/2025", "not upheld", "Communication")
      for n in (11, 12, 13)),
    case("N14", "03/03/2025", "04/03/2025", category=SCRIPT),
    case("N15", "03/03/2025", "04/03/2025", category=SCRIPT),
    on_time("N16", "13/01/2025", "14/01/2025", "20/01/2025", "not upheld", RARE),
    *(case(f"R{n}", "14/10/2024", refused_reason="Legal proceedings have started") for n in (1, 2, 3)),
    case("R4", "14/10/2024", refused_reason=RARE_REASON),
]

SERVICE_REQUESTS = '  "2024-25": {Q1: 5, Q2: 6, Q3: 7, Q4: 8}\n'


def csv_of(cases: list[dict[str, str]]) -> str:
    lines = [",".join(CANONICAL_COLUMNS)]
    lines += [",".join(c.get(column, "") for column in CANONICAL_COLUMNS) for c in cases]
    return "\n".join(lines) + "\n"


def make_inputs(root: Path, cases: list[dict[str, str]], service_requests: str = SERVICE_REQUESTS) -> Path:
    """An inputs folder for one landlord of 1,000 homes with the case log ``cases``."""
    inputs = root / "inputs"
    write(inputs / "landlords.yaml", f"group:\n  name: Test Group\nlandlords:\n  - id: {LANDLORD}\n"
                                     "    name: Test Homes\n    homes: 1000\n")
    config = "case_log:\n  path: complaints.csv\n"
    if service_requests:
        config += "service_requests:\n" + service_requests
    write(inputs / LANDLORD / "landlord.yaml", config)
    write(inputs / LANDLORD / "complaints.csv", csv_of(cases))
    return inputs


@dataclasses.dataclass
class Loaded:
    log: CaseLog
    landlord: Landlord
    period: Period
    stats: object
    figures: list[PeriodFigures]

    def analysis(self) -> AnnualAnalysis:
        return annual_analysis(self.log, self.landlord, self.period, self.stats, self.figures)  # type: ignore[arg-type]


def load(root: Path, cases: list[dict[str, str]], period: Period = P2425, **options: str) -> Loaded:
    """The case log, landlord, statistics and figures by period, as the workbook makes them."""
    inputs = make_inputs(root, cases, **options)
    landlord = load_landlord(inputs, LANDLORD)
    log = load_case_log(landlord.case_log_path, landlord.config.case_log)
    stats = landlord_statistics(log, landlord, period, landlord.code_for(period))
    return Loaded(log, landlord, period, stats, figures_by_period(log, landlord, period, {period.id: stats}))


@pytest.fixture
def loaded(tmp_path) -> Loaded:
    return load(tmp_path, CASES_2023 + CASES_2024)


@pytest.fixture
def analysis(loaded) -> AnnualAnalysis:
    return loaded.analysis()


def test_the_period_its_code_and_coverage(analysis):
    assert (analysis.landlord, analysis.period, analysis.code, analysis.homes) == ("Test Homes", "2024-25", "2024",
                                                                                   1000)
    assert analysis.rule == "2024 Code: response from acknowledgement at both stages"
    assert analysis.coverage is None and analysis.coverage_label is None
    assert analysis.previous_period == "2023-24" and analysis.previous is not None
    assert analysis.previous.code == "2022" and analysis.compared


def test_ch01_ch02_volumes_and_outcomes(analysis):
    a = analysis
    assert (a.stage1.received, a.stage2.received, a.refused) == (16, 1, 4)
    assert (a.ch01_stage1_per_1000, a.ch01_stage2_per_1000) == (16.0, 1.0)
    assert (a.stage1.responded, a.stage1.responded_on_time, a.stage1.tsm_ch02_pct) == (14, 12, 85.7)
    assert (a.stage2.responded, a.stage2.responded_on_time, a.stage2.tsm_ch02_pct) == (1, 1, 100.0)
    assert a.escalation_rate_pct == 7.1
    assert a.stage1_outcomes == {"upheld": 5, "partly upheld": 2, "not upheld": 7, "withdrawn": 0,
                                 "not recorded": 0}
    assert a.stage2_outcomes["upheld"] == 1 and sum(a.stage2_outcomes.values()) == 1
    assert a.service_requests == 26  # 5 + 6 + 7 + 8, given by the landlord


def test_the_quarterly_table_is_the_statistics_own(analysis, loaded):
    headings, rows = quarterly_table(loaded.stats)
    assert analysis.quarterly.headings == ("Q1", "Q2", "Q3", "Q4", "2024-25") == tuple(headings)
    assert analysis.quarterly.rows == tuple((label, tuple(cells)) for label, cells in rows)
    assert analysis.quarterly.labels[-1] == "1 April 2024 to 31 March 2025"
    cells = dict(analysis.quarterly.rows)
    assert cells["Service requests"] == ("5", "6", "7", "8", "26")
    assert cells["Stage 1 complaints received"] == ("3", "2", "3", "8", "16")
    assert cells["Complaints not accepted (refused)"] == ("0", "0", "4", "0", "4")
    assert cells["Stage 2 escalations received"] == ("0", "1", "0", "0", "1")
    assert cells["TSM CH02: within Code timescales, of stage 1 responses issued"][-1] == "85.7% (12 of 14)"


def test_categories_this_period_the_previous_and_upheld(analysis):
    rows = {r.category: r for r in analysis.categories}
    assert rows["Repairs"] == CategoryRow("Repairs", received=6, previous=3, responded=6, upheld=4)
    assert rows["Damp and mould"] == CategoryRow("Damp and mould", received=2, previous=4, responded=2, upheld=2)
    assert rows["Communication"] == CategoryRow("Communication", received=5, previous=1, responded=5, upheld=1)
    assert rows[SCRIPT] == CategoryRow(SCRIPT, received=2, previous=1, responded=0, upheld=0)
    assert rows["Other"] == CategoryRow("Other", received=1, previous=0, responded=1, upheld=0)
    assert (rows["Repairs"].change, rows["Damp and mould"].change, rows["Communication"].change) == (3, -2, 4)
    assert (rows["Repairs"].upheld_pct, rows["Communication"].upheld_pct, rows[SCRIPT].upheld_pct) == (66.7, 20.0,
                                                                                                         None)
    # largest first, the groupings last; the rare value is never a category
    assert [r.category for r in analysis.categories] == ["Repairs", "Communication", "Damp and mould", SCRIPT,
                                                         "Other"]
    assert RARE not in rows


def test_category_figures_agree_with_the_statistics(loaded, analysis):
    # hand-worked (the module docstring): received, responses dated in the year, upheld or partly upheld
    expected = {
        P2324: ({"Damp and mould": 4, "Repairs": 3, SCRIPT: 1, "Communication": 1},
                {"Damp and mould": 4, "Repairs": 3, SCRIPT: 1, "Communication": 1},  # P1-P9 all answered in the year
                {"Damp and mould": 1, "Repairs": 1}),  # P4, P2
        P2425: ({"Repairs": 6, "Communication": 5, SCRIPT: 2, "Damp and mould": 2, "Other": 1},
                {"Repairs": 6, "Communication": 5, "Damp and mould": 2, "Other": 1},  # N14, N15 never answered
                {"Repairs": 4, "Damp and mould": 2, "Communication": 1}),  # N1-N4; N7, N8; N9
    }
    for period, (received, responded, upheld) in expected.items():
        code = loaded.landlord.code_for(period)
        stats = landlord_statistics(loaded.log, loaded.landlord, period, code)
        figures = category_figures(loaded.log.cases, period, code)
        assert (figures.received, figures.responded, figures.upheld) == (received, responded, upheld)
        assert list(figures.received) == list(received)  # largest first, then by name ("<" before "C")
        for name in {*received, *stats.categories}:
            assert figures.received.get(name) == stats.categories.get(name), name
        assert sum(figures.responded.values()) == sum(stats.stage1_outcomes.values())
        assert sum(figures.upheld.values()) == stats.stage1_outcomes["upheld"] + stats.stage1_outcomes["partly upheld"]
    # the analysis shows the same counts: this year's are the statistics' own
    assert {r.category: r.received for r in analysis.categories if r.received} == loaded.stats.categories
    assert {r.category: r.previous for r in analysis.categories if r.previous} == expected[P2324][0]


def _engine_by_category(cases: pd.DataFrame, period: Period, code: str) -> tuple[dict, dict, dict]:
    """The engine's own figures of each category's complaints, one run of its public function per category."""
    received, responded, upheld = {}, {}, {}
    for name in sorted(set(cases["category"]) - {""}):
        stats = case_statistics(cases[cases["category"] == name], period, 1000, code=code)
        outcomes = stats.stage1_outcomes
        received[name], responded[name] = stats.categories.get(name, 0), sum(outcomes.values())
        upheld[name] = outcomes["upheld"] + outcomes["partly upheld"]
    return ({k: v for k, v in received.items() if v}, {k: v for k, v in responded.items() if v},
            {k: v for k, v in upheld.items() if v})


def _with_unknown(cases: pd.DataFrame, fields: dict[str, str]) -> pd.DataFrame:
    """The complaints with the fields of some cases unknown, as a validated log holds them: each
    such field blank, named in the unknown column (``field``, or ``field@day`` from that day)."""
    out = cases.copy()
    out[UNKNOWN_COLUMN] = out[UNKNOWN_COLUMN].astype(object)
    for case_id, tokens in fields.items():
        row = out.index[out["case_id"] == case_id]
        out.loc[row, UNKNOWN_COLUMN] = tokens
        for name in (token.partition("@")[0] for token in tokens.split()):
            out.loc[row, name] = pd.NaT if name.endswith(("_responded", "received")) else ""
    return out


def test_category_figures_are_the_engine_s_figures_of_each_category(loaded):
    cases = _with_unknown(loaded.log.cases, {
        "N5": "stage1_outcome",  # its response is kept out of the responses
        "N10": "category",  # kept out of every category
        "N8": "category@2025-06-01",  # known as at 31/03/2025, but blank: counted under no category
        "N3": "stage1_responded",
        "P2": "category@2024-01-01",  # unknown before 2023-24 ends
    })
    for period in (P2324, P2425):
        code = loaded.landlord.code_for(period)
        figures = category_figures(cases, period, code)
        assert (figures.received, figures.responded, figures.upheld) == _engine_by_category(cases, period, code)
        assert figures.received == case_statistics(cases, period, 1000, code=code).categories
        assert "" not in {**figures.received, **figures.responded, **figures.upheld}
    figures = category_figures(cases, P2425, "2024")
    assert figures.received == {"Repairs": 6, "Communication": 4, SCRIPT: 2, "Damp and mould": 1, "Other": 1}
    assert figures.responded == {"Repairs": 4, "Communication": 4, "Damp and mould": 1, "Other": 1}
    assert figures.upheld == {"Repairs": 3, "Damp and mould": 1, "Communication": 1}


def test_a_blank_category_is_no_category(loaded):
    # a category blank in the validated log (unknown only from after the period's end) is counted
    # under none, as the engine counts it; never as a category named ""
    cases = _with_unknown(loaded.log.cases, {"N16": "category@2025-06-01"})
    figures = category_figures(cases, P2425, "2024")
    assert "" not in figures.received and "" not in figures.responded
    assert figures.received == case_statistics(cases, P2425, 1000, code="2024").categories
    assert "Other" not in figures.received and "Other" not in figures.responded


def test_a_response_after_the_period_end_does_not_count(tmp_path):
    # N20: received 03/03/2025, upheld on 07/04/2025: in 2025-26, not in 2024-25
    late = case("N20", "03/03/2025", "04/03/2025", "07/04/2025", "upheld", "Repairs")
    loaded = load(tmp_path, CASES_2023 + CASES_2024 + [late])
    rows = {r.category: r for r in loaded.analysis().categories}
    assert (rows["Repairs"].received, rows["Repairs"].responded, rows["Repairs"].upheld) == (7, 6, 4)
    assert category_figures(loaded.log.cases, Period.parse("2025-26")).upheld == {"Repairs": 1}


def test_refusals_compensation_ombudsman(analysis):
    a = analysis
    assert a.refused_by_reason == {"Legal proceedings have started": 3, "Other": 1}
    assert (a.compensation_cases, a.compensation_total) == (2, 200.0)
    assert a.ombudsman_determinations == 2
    assert (a.ombudsman_outcomes["maladministration"], a.ombudsman_outcomes["no maladministration"]) == (1, 1)
    assert (a.fault_findings, a.merits_findings, a.maladministration_rate_pct) == (1, 2, 50.0)
    assert a.complaint_failure_orders is None  # the log has no such column


def test_fault_and_merits_findings_are_the_statistics_own(loaded, analysis):
    stats = loaded.stats
    assert (stats.ombudsman_fault_findings, stats.ombudsman_merits_findings) == (1, 2)  # N1; N1 and N2
    assert (analysis.fault_findings, analysis.merits_findings) == (1, 2)
    # every kind of determination: 1 + 2 + 3 finding fault, of 1 + 2 + 3 + 4 + 5 on the merits
    other = dataclasses.replace(stats, ombudsman_outcomes={
        "severe maladministration": 1, "maladministration": 2, "service failure": 3, "reasonable redress": 4,
        "no maladministration": 5, "outside jurisdiction": 6, "withdrawn": 7, "not recorded": 8})
    assert (other.ombudsman_fault_findings, other.ombudsman_merits_findings) == (6, 15)
    assert other.maladministration_rate_pct == 40.0
    a = annual_analysis(loaded.log, loaded.landlord, P2425, other, loaded.figures)
    assert (a.fault_findings, a.merits_findings, a.maladministration_rate_pct) == (6, 15, 40.0)


def test_every_trend_row_equals_that_period_s_own_statistics(analysis, loaded):
    first, last = log_span(loaded.log)
    assert [f.period for f in analysis.trends] == ["2023-24", "2024-25"]
    for row in analysis.trends:
        period = Period.parse(row.period)
        code = loaded.landlord.code_for(period)
        stats = landlord_statistics(loaded.log, loaded.landlord, period, code)
        assert row == PeriodFigures.from_statistics(stats, first=first, last=last, period=period)
        assert row.code == code and row.ch02_stage1_pct == stats.year.tsm_ch02_stage1_pct
    old, new = analysis.trends
    assert (old.code, old.stage1_received, old.ch02_stage1_pct, old.escalation_rate_pct) == ("2022", 9, 88.9, 11.1)
    assert old.rule.startswith("2022 Code") and new.rule.startswith("2024 Code")
    assert (new.stage1_received, new.ch02_stage1_pct) == (16, 85.7)


def test_a_log_of_this_period_only_has_no_previous_counts(tmp_path):
    a = load(tmp_path, CASES_2024).analysis()
    assert a.previous is None and not a.compared
    assert all(r.previous is None and r.change is None for r in a.categories)
    assert [f.period for f in a.trends] == ["2024-25"]


def test_a_previous_period_covered_in_part_is_counted_but_not_compared(tmp_path):
    a = load(tmp_path, CASES_2023[4:] + CASES_2024).analysis()  # the log starts on 09/10/2023
    assert a.previous is not None and a.previous.coverage_label == "partly covered" and not a.compared
    rows = {r.category: r for r in a.categories}
    assert (rows["Damp and mould"].previous, rows["Repairs"].previous) == (3, 0)


def test_why_the_categories_are_not_compared(tmp_path, analysis):
    assert analysis.compared and analysis.not_compared_because is None
    assert load(tmp_path / "one", CASES_2024).analysis().not_compared_because == "The case log does not cover 2023-24"
    partly = load(tmp_path / "part", CASES_2023[4:] + CASES_2024).analysis()
    assert partly.not_compared_because == "The case log covers only part of 2023-24"
    this_year = dataclasses.replace(analysis, coverage="...", coverage_label="partly covered")
    assert not this_year.compared and this_year.not_compared_because == "The case log covers only part of 2024-25"


def test_statistics_of_another_period_are_refused(loaded):
    other = landlord_statistics(loaded.log, loaded.landlord, P2324, "2022")
    with pytest.raises(UsageError, match=r"expected the statistics of 2024-25.*found those of 2023-24"):
        annual_analysis(loaded.log, loaded.landlord, P2425, other, loaded.figures)


def test_figures_by_period_without_the_period_are_refused(loaded):
    with pytest.raises(UsageError, match="expected the figures by period to include 2024-25; found 2023-24"):
        annual_analysis(loaded.log, loaded.landlord, P2425, loaded.stats, loaded.figures[:1])


def test_no_rare_value_reaches_the_analysis(analysis):
    text = repr(analysis)
    assert RARE not in text and RARE_REASON not in text
