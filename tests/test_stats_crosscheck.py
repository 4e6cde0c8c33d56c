"""The vectorised case statistics against a plain row-by-row loop written from the definitions.

``benchmarks/naive_stats.py`` works out every figure of ``CaseStatistics.to_json()`` one
case at a time, with ``datetime.date`` arithmetic and a working-day counter that steps one
day at a time. The two must agree exactly, on the demo landlords' case logs and on a
synthetic log holding every kind of case the definitions tell apart (weekend and bank
holiday receipts, refusals, withdrawals with and without a response, extensions within and
beyond the Code's limits, escalations, cases open across the year end).
"""

from __future__ import annotations

import pandas as pd
import pytest

from audit_lib.cases.load import load_case_log
from audit_lib.cases.settings import CaseLogSettings
from audit_lib.config.landlords import LocalTargets, load_landlord
from audit_lib.core.periods import Period
from audit_lib.stats.engine import case_statistics
from benchmarks.naive_stats import compare, naive_statistics
from benchmarks.synthetic import case_log_frame, write_csv, write_parquet
from tests.demo import DEMO_INPUTS

from .conftest import DEMO_IDS

P2425 = Period.parse("2024-25")
POLICIES = ("good_reason", "code_limit", "full", "none")
READINGS = ("from_earlier", "from_acknowledgement")
LOCAL_TARGETS = {
    "no local targets": None,
    "all four local targets": LocalTargets(stage1_acknowledge=3, stage1_respond=8, stage2_acknowledge=3,
                                           stage2_respond=15),
    "local response targets only": LocalTargets(stage1_respond=7, stage2_respond=12),
}


def both(cases: pd.DataFrame, period: Period, homes: int, **options) -> tuple[dict, dict]:
    return case_statistics(cases, period, homes, **options).to_json(), naive_statistics(cases, period, homes, **options)


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("landlord_id", DEMO_IDS)
def test_demo_landlords(landlord_id, policy):
    landlord = load_landlord(DEMO_INPUTS, landlord_id)
    log = load_case_log(landlord.case_log_path, landlord.config.case_log)
    vectorised, naive = both(
        log.cases, P2425, landlord.homes, extension_policy=policy, local_targets=landlord.config.local_targets,
        service_requests=landlord.config.service_requests.get(P2425.id), excluded_rows=log.excluded_rows,
    )
    assert compare(vectorised, naive) == []


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> pd.DataFrame:
    """A 3,000-row synthetic log, written as a housing system's CSV and loaded as any export is."""
    path = write_csv(case_log_frame(3000, seed=7), tmp_path_factory.mktemp("synthetic") / "cases.csv")
    log = load_case_log(path, CaseLogSettings(path=path.name))
    assert log.excluded_rows > 0 and len(log.cases) > 2900
    return log.cases


@pytest.mark.parametrize("reading", READINGS)
@pytest.mark.parametrize("local", list(LOCAL_TARGETS))
@pytest.mark.parametrize("policy", POLICIES)
def test_synthetic_log(synthetic, policy, local, reading):
    vectorised, naive = both(synthetic, P2425, 5000, extension_policy=policy, local_targets=LOCAL_TARGETS[local],
                             response_deadline=reading, service_requests={"Q1": 3, "Q2": 0, "Q3": 5, "Q4": 1})
    assert compare(vectorised, naive) == []
    # the log exercises what it is meant to
    assert vectorised["stage1_extended_beyond_limit"] and vectorised["withdrawn_before_response"]
    assert vectorised["open_at_period_end"]["stage1_overdue"] and vectorised["refused"]
    assert vectorised["stage1_extended_beyond_limit_with_reason"] and vectorised["stage1_outcomes"]["not recorded"]


@pytest.mark.parametrize("period", ["2023-24", "2025-26"])
def test_synthetic_log_other_years(synthetic, period):
    vectorised, naive = both(synthetic, Period.parse(period), 5000)
    assert compare(vectorised, naive) == []


def test_parquet_and_csv_exports_give_the_same_cases(tmp_path):
    frame = case_log_frame(1500, seed=11)
    from_parquet = load_case_log(write_parquet(frame, tmp_path / "cases.parquet"), CaseLogSettings(path="cases.parquet"))
    from_csv = load_case_log(write_csv(frame, tmp_path / "cases.csv"), CaseLogSettings(path="cases.csv"))
    pd.testing.assert_frame_equal(from_parquet.cases, from_csv.cases)
    columns = ["row", "case_id", "column", "reason"]
    pd.testing.assert_frame_equal(from_parquet.exclusions[columns], from_csv.exclusions[columns])


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_random_logs_agree_row_by_row(tmp_path, seed):
    """Random logs (every kind of unusable field included), loaded as any export is."""
    path = write_csv(case_log_frame(2000, seed=seed), tmp_path / "cases.csv")
    log = load_case_log(path, CaseLogSettings(path=path.name))
    assert (log.cases["unknown"] != "").any()
    for period in ("2023-24", "2024-25"):
        vectorised, naive = both(log.cases, Period.parse(period), 4000, excluded_rows=log.excluded_rows)
        assert compare(vectorised, naive) == []
