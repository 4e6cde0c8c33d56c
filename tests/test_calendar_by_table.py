"""Deadlines of many dates worked out once per date and number of days (``add_working_days`` by
its table) are exactly those of counting every date: the same dates, NaT where there is no date,
and the same error (or none) when a date or a deadline falls outside the calendar's years, also
when only a pair of date and number of days that does not occur would."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from audit_lib.core import calendar
from audit_lib.core.calendar import add_working_days, covered_years
from audit_lib.errors import CalendarError


def outcome(function: Callable[[np.ndarray, int | np.ndarray], np.ndarray], start: np.ndarray,
            days: int | np.ndarray) -> np.ndarray | str:
    try:
        return function(start, days)
    except CalendarError as exc:
        return f"CalendarError: {exc}"


def counted(start: np.ndarray, days: int | np.ndarray) -> np.ndarray:
    """``add_working_days`` counting every date, never by the table."""
    days_, years = calendar._as_days(start)
    return calendar._counted(days_, np.asarray(days, dtype="int64"), years)


def assert_same(start: np.ndarray, days: int | np.ndarray) -> None:
    got, expected = outcome(add_working_days, start, days), outcome(counted, start, days)
    if isinstance(expected, str) or isinstance(got, str):
        assert got == expected
    else:
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got.view(np.int64), expected.view(np.int64))


@pytest.mark.parametrize("seed", range(6))
def test_same_as_counting_each_case(seed: int) -> None:
    rng = np.random.default_rng(seed)
    first, last = covered_years()
    for start_year in (2022, first, last - 2, last - 1, last):
        n = 100_000
        start = np.datetime64(f"{start_year}-01-01") + rng.integers(0, 700, n).astype("timedelta64[D]")
        start[rng.random(n) < 0.2] = np.datetime64("NaT")
        assert_same(start, int(rng.integers(0, 30)))  # one number of days
        assert_same(start, rng.integers(0, int(rng.integers(1, 40)), n))  # one for each case
        assert_same(start, 10 + np.where(rng.random(n) < 0.1, rng.integers(0, 120, n), 0))


def test_a_pair_that_does_not_occur_is_no_error() -> None:
    """The latest date needs no days, the others many: the table's corner (latest date, most days)
    falls past the calendar, the cases do not."""
    last = covered_years()[1]
    start = np.full(5_000, np.datetime64(f"{last - 2}-01-01"))
    start[-1] = np.datetime64(f"{last - 1}-12-20")
    days = np.full(len(start), 400)
    days[-1] = 0
    assert_same(start, days)
    assert not isinstance(outcome(add_working_days, start, days), str)


def test_edge_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    assert_same(np.array([], dtype="datetime64[D]"), 5)
    assert_same(np.full(10, np.datetime64("NaT"), dtype="datetime64[D]"), 5)
    assert_same(np.array(["2024-04-01"] * 3 + ["NaT"], dtype="datetime64[D]"), np.array([0, 1, 2, 3]))
    assert_same(np.array(["2024-04-01", "2024-04-02"], dtype="datetime64[D]"), np.array([3]))  # broadcast
    # a small log (fewer cases than the table would hold) is counted date by date
    tables: list[object] = []
    by_table = calendar._by_table

    def watched(*args: object) -> object:
        tables.append(result := by_table(*args))  # type: ignore[arg-type]
        return result

    monkeypatch.setattr(calendar, "_by_table", watched)
    add_working_days(np.array(["2024-04-01", "2025-03-31"], dtype="datetime64[D]"), 5)
    assert tables == [None]
    add_working_days(np.array(["2024-04-01"] * 50, dtype="datetime64[D]"), 5)  # one date fifty times: the table
    assert tables[-1] is not None

