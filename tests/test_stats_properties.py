"""Properties the figures of a period must have, on random case logs (several seeds):

* **as at the period's end** — adding, changing or removing any event dated after the period's
  last day leaves every figure of the period (the year and each quarter) unchanged;
* **quarters add up** — for every count and every rate, the quarters' numerators and
  denominators sum to the year's.

The logs are the synthetic housing-system exports of ``benchmarks/synthetic.py`` (every kind
of case the definitions tell apart, unusable fields included), loaded as any export is.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from audit_lib.cases.load import load_case_log
from audit_lib.cases.schema import DATE_COLUMNS
from audit_lib.cases.settings import CaseLogSettings
from audit_lib.config.landlords import LocalTargets
from audit_lib.core.periods import Period
from audit_lib.stats.engine import case_statistics
from audit_lib.stats.results import STAGE_NUMBERS, Rate, WindowFigures
from benchmarks.synthetic import case_log_frame, write_csv

SEEDS = (3, 17, 2024)
PERIODS = ("2023-24", "2024-25")
LOCAL = LocalTargets(stage1_acknowledge=3, stage1_respond=8, stage2_acknowledge=3, stage2_respond=15)
OPTIONS = {
    "defaults": {},
    "literal reading, full extensions, local targets": {"response_deadline": "from_acknowledgement",
                                                         "extension_policy": "full", "local_targets": LOCAL},
    "code limit": {"extension_policy": "code_limit"},
}


@pytest.fixture(scope="module", params=SEEDS)
def export(request) -> pd.DataFrame:
    """A housing system's export, as a Parquet file would hold it (real dates, NaT when blank)."""
    return case_log_frame(1500, seed=request.param)


def _load(frame: pd.DataFrame, folder) -> pd.DataFrame:
    path = write_csv(frame, folder / "cases.csv")
    return load_case_log(path, CaseLogSettings(path=path.name)).cases


@pytest.fixture(scope="module")
def cases(export, tmp_path_factory) -> pd.DataFrame:
    return _load(export, tmp_path_factory.mktemp("log"))


def _after(export: pd.DataFrame, end: dt.date, seed: int) -> pd.DataFrame:
    """The export as a later one could show it: every date after ``end`` moved (possibly out of
    order with another later step), removed, or added where there was none (a step taken after
    the period: an acknowledgement, a response, an escalation and its steps)."""
    rng = np.random.default_rng(seed)
    out = export.copy()
    end_ts = pd.Timestamp(end)
    for column in DATE_COLUMNS[1:]:  # the date received is what places a complaint in a period
        values = pd.to_datetime(out[column])
        later = values > end_ts
        choice = rng.integers(0, 3, size=len(out))
        shifted = end_ts + pd.to_timedelta(rng.integers(1, 200, size=len(out)), unit="D")
        moved = values.mask(later & (choice == 0), pd.NaT).mask(later & (choice == 1), shifted)
        added = values.isna() & (rng.random(len(out)) < 0.3)
        out[column] = moved.mask(added, shifted)
    dates = list(DATE_COLUMNS)
    changed = (out[dates] != export[dates]) & ~(out[dates].isna() & export[dates].isna())
    assert changed.to_numpy().sum() > 100  # the later export really differs
    return out


@pytest.mark.parametrize("options", list(OPTIONS))
@pytest.mark.parametrize("period_id", PERIODS)
def test_later_events_never_change_a_period_s_figures(export, cases, period_id, options, tmp_path):
    """Through the whole pipeline: the later export is written as a file and loaded again, so
    problems only a later step reveals (steps out of order, a step without the one before) do
    not reach back into the period."""
    period = Period.parse(period_id)
    before = case_statistics(cases, period, 5000, **OPTIONS[options]).to_json()
    for seed in range(3):
        later = _load(_after(export, period.end, seed), tmp_path)
        after = case_statistics(later, period, 5000, **OPTIONS[options]).to_json()
        differs = {k for k in before if before[k] != after[k]}
        assert not differs, {k: (before[k], after[k]) for k in differs}


def _counts(w: WindowFigures) -> dict[str, int]:
    """Every count of a window, rates as their two parts."""
    out: dict[str, int] = {}
    for name, value in vars(w).items():
        if isinstance(value, Rate):
            out[f"{name}.on_time"], out[f"{name}.total"] = value.on_time, value.total
        elif isinstance(value, int):
            out[name] = value
    return out


@pytest.mark.parametrize("options", list(OPTIONS))
@pytest.mark.parametrize("period_id", PERIODS)
def test_quarters_add_up_to_the_year(cases, period_id, options):
    stats = case_statistics(cases, Period.parse(period_id), 5000, service_requests={"Q1": 1, "Q2": 2, "Q3": 3, "Q4": 4},
                            **OPTIONS[options])
    year = _counts(stats.year)
    quarters = [_counts(q) for q in stats.quarters.values()]
    assert {name: sum(q[name] for q in quarters) for name in year} == year
    # the log exercises the rule: steps due in one quarter and done late in a later one exist
    assert all(year[f"stage{n}_ack.total"] for n in STAGE_NUMBERS)
    assert year["stage1_response.total"] > year["stage1_response.on_time"]
