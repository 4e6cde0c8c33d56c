"""Working days, hand-worked. Day 0 is the event day (rolled forward to a working day)."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from audit_lib.core.calendar import add_working_days, bank_holidays, is_working_day, working_days_between


def d(text: str) -> np.datetime64:
    return np.datetime64(text, "D")


@pytest.mark.parametrize(
    "start, n, deadline, why",
    [
        ("2024-06-03", 0, "2024-06-03", "same day: a Monday is day 0"),
        ("2024-06-03", 5, "2024-06-10", "plain week"),
        ("2024-06-07", 5, "2024-06-14", "Friday receipt spans a weekend"),
        ("2024-06-08", 5, "2024-06-17", "Saturday receipt counts from Monday"),
        ("2024-06-09", 0, "2024-06-10", "Sunday receipt rolls to Monday as day 0"),
        ("2023-05-05", 5, "2023-05-15", "coronation bank holiday Monday 8 May 2023"),
        ("2024-03-28", 5, "2024-04-08", "Good Friday 29 March and Easter Monday 1 April 2024"),
        ("2024-03-30", 5, "2024-04-09", "Easter Saturday receipt counts from Tuesday 2 April"),
        ("2024-12-24", 5, "2025-01-03", "Christmas, Boxing Day and New Year's Day"),
        ("2020-12-24", 1, "2020-12-29", "Boxing Day on a Saturday: substitute Monday 28 December"),
        ("2023-01-01", 0, "2023-01-03", "New Year on a Sunday: substitute Monday 2 January"),
        ("2025-03-31", 10, "2025-04-14", "across the year end, before Easter 2025"),
        ("2025-04-17", 1, "2025-04-22", "Maundy Thursday 2025 over Easter"),
        ("2024-06-28", 5, "2024-07-05", "across a quarter boundary"),
    ],
)
def test_deadlines(start, n, deadline, why):
    assert add_working_days([start], n)[0] == d(deadline), why


def test_vectorised_with_missing_values_and_per_row_limits():
    dates = pd.Series(pd.to_datetime(["2024-06-03", None, "2023-05-05"]))
    out = add_working_days(dates, np.array([0, 5, 10]))
    assert out[0] == d("2024-06-03")
    assert np.isnat(out[1])
    assert out[2] == d("2023-05-22")


def test_inverse_count():
    starts = ["2024-03-28", "2024-12-24", "2024-06-08"]
    for n in (0, 1, 5, 10, 20):
        assert list(working_days_between(starts, add_working_days(starts, n))) == [n, n, n]
    assert working_days_between([None], ["2024-01-01"])[0] == -1


def test_holidays_come_from_the_package_not_a_list():
    hols = set(bank_holidays().astype(dt.date))
    assert dt.date(2023, 5, 8) in hols
    assert dt.date(2022, 9, 19) in hols  # state funeral of Queen Elizabeth II
    assert dt.date(2024, 8, 26) in hols  # English summer bank holiday (not Scotland's)
    assert dt.date(2024, 8, 5) not in hols  # Scotland's summer holiday
    assert not is_working_day(dt.date(2024, 12, 25))
    assert is_working_day(dt.date(2024, 12, 27))


def test_out_of_range_date_is_refused():
    with pytest.raises(ValueError, match="between"):
        add_working_days(["1999-12-31"], 1)
