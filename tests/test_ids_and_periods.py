import datetime as dt

import pytest

from audit_lib.core.ids import quoted, validate_landlord_id
from audit_lib.core.periods import Period
from audit_lib.errors import InvalidIdError


@pytest.mark.parametrize("good", ["riverbend-homes", "a", "l1", "0abc", "a-b-c"])
def test_good_landlord_ids(good):
    assert validate_landlord_id(good) == good


@pytest.mark.parametrize("bad", ["../etc", "", "-lead", "Upper", "a/b", "a b", "a.b", "x" * 65, None, 5, "é", "a\n"])
def test_bad_landlord_ids(bad):
    with pytest.raises(InvalidIdError, match="invalid landlord id"):
        validate_landlord_id(bad)


def test_period_bounds_and_quarters():
    p = Period.parse("2024-25")
    assert (p.start, p.end) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert [(q.name, q.start, q.end) for q in p.quarters] == [
        ("Q1", dt.date(2024, 4, 1), dt.date(2024, 6, 30)),
        ("Q2", dt.date(2024, 7, 1), dt.date(2024, 9, 30)),
        ("Q3", dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        ("Q4", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
    ]
    assert p.contains(dt.date(2025, 3, 31)) and not p.contains(dt.date(2025, 4, 1))
    assert Period.parse("2009-10").end == dt.date(2010, 3, 31)
    assert Period(1999).end == dt.date(2000, 3, 31)  # the year after 1999 ends in 00
    assert p.previous.id == "2023-24"


@pytest.mark.parametrize("bad", ["2024-26", "2024", "24-25", "2024/25", "../x", None])
def test_bad_periods(bad):
    with pytest.raises(InvalidIdError, match="invalid period"):
        Period.parse(bad)


@pytest.mark.parametrize("bad", ["9999-00", "0000-01", "1999-00", "2099-00", "2100-01"])
def test_periods_outside_the_calendar_are_refused_clearly(bad):
    with pytest.raises(InvalidIdError, match=r"from 2000-01 to 2098-99.*working-day calendar"):
        Period.parse(bad)


def test_periods_take_ascii_digits_only():
    with pytest.raises(InvalidIdError, match="YYYY-YY"):
        Period.parse("\uff12\uff10\uff12\uff14-\uff12\uff15")  # full-width digits


def test_the_first_and_last_supported_periods():
    assert Period.parse("2000-01").start == dt.date(2000, 4, 1)
    assert Period.parse("2098-99").end == dt.date(2099, 3, 31)


def test_a_long_landlord_id_is_not_echoed_in_full():
    with pytest.raises(InvalidIdError) as caught:
        validate_landlord_id("x" * 5000)
    assert "5,000 characters" in str(caught.value) and len(str(caught.value)) < 400


def test_a_long_period_is_not_echoed_in_full():
    with pytest.raises(InvalidIdError) as caught:
        Period.parse("2024-25" * 1000)
    assert "7,000 characters" in str(caught.value) and len(str(caught.value)) < 400


def test_quoted_values():
    assert quoted("abc") == "'abc'"
    assert quoted(5) == "5" and quoted(None) == "None"
    assert quoted("y" * 100, 10) == "'yyyyyyyyyy'... (100 characters)"
