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


def test_out_of_range_date_is_an_audit_error_naming_the_years():
    from audit_lib.errors import AuditError

    with pytest.raises(AuditError, match=r"between 2000 and 2099.*found 2100-01-04"):
        add_working_days(["2100-01-04"], 1)
    with pytest.raises(AuditError, match="between 2000 and 2100"):
        is_working_day(dt.date(2101, 1, 3))


def test_far_years_have_their_bank_holidays():
    """The calendar is computed from the package for every year it covers, not a fixed 2000-2040 table."""
    hols = set(bank_holidays().astype(dt.date))
    assert dt.date(2040, 4, 2) in hols  # Easter Monday 2040
    assert dt.date(2045, 12, 26) in hols  # Boxing Day 2045
    assert dt.date(2099, 12, 28) in hols  # Boxing Day 2099 falls on a Saturday: substitute Monday
    assert add_working_days(["2039-12-23"], 1)[0] == d("2039-12-28")  # Christmas Sunday: substitute Tuesday 27th
    assert add_working_days(["2099-12-24"], 5)[0] == d("2100-01-05")  # over Christmas and New Year 2100
    assert working_days_between(["2045-04-06"], ["2045-04-11"])[0] == 1  # Good Friday 7th, Easter Monday 10th


def test_a_deadline_past_the_last_covered_year_is_refused():
    with pytest.raises(ValueError, match="deadlines must fall between 2000 and 2100"):
        add_working_days(["2099-12-31"], 400)


def test_every_supported_period_lies_inside_the_calendar():
    from audit_lib.core.calendar import covered_years
    from audit_lib.core.periods import LAST_PERIOD, Period

    first, last = covered_years()
    assert (first, last) == (2000, 2100), "the installed holidays package covers 2000-2100"
    period = Period.parse(Period(LAST_PERIOD).id)
    assert period.end.year <= last - 1 and Period.parse("2000-01").start.year == first
    add_working_days([period.start, period.end], 20)  # no error


def test_the_calendar_for_the_years_asked_agrees_with_the_whole_table():
    """Holidays are computed for the span of years asked; the answers equal those of the full 2000-2100 table."""
    rng = np.random.default_rng(20250401)
    full = np.busdaycalendar(weekmask="1111100", holidays=bank_holidays())
    for low, high in ((2000, 2001), (2023, 2026), (2039, 2041), (2096, 2098)):
        span = (np.datetime64(f"{low}-01-01") - np.datetime64("1970-01-01")).astype(int)
        days = (np.datetime64(f"{high}-12-31") - np.datetime64(f"{low}-01-01")).astype(int)
        starts = (span + rng.integers(0, days + 1, 2000)).astype("datetime64[D]")
        limits = rng.integers(0, 260, 2000)
        if high == 2098:
            limits = rng.integers(0, 20, 2000)
        expected = np.busday_offset(starts, limits, roll="forward", busdaycal=full)
        assert (add_working_days(starts, limits) == expected).all()
        assert (working_days_between(starts, expected) == limits).all()
        assert [is_working_day(day) for day in starts[:50].astype(dt.date)] == list(
            np.is_busday(starts[:50], busdaycal=full))


def test_deadlines_a_year_or_more_ahead_keep_their_bank_holidays():
    start = ["2024-12-31"]
    full = np.busdaycalendar(weekmask="1111100", holidays=bank_holidays())
    for n in (249, 250, 251, 499, 500, 501, 1000):
        assert add_working_days(start, n)[0] == np.busday_offset(np.datetime64("2024-12-31"), n, roll="forward",
                                                                 busdaycal=full), n
