import datetime as dt

import pytest

from audit_lib.core.ids import validate_landlord_id
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
    assert Period.parse("1999-00").end == dt.date(2000, 3, 31)
    assert p.previous.id == "2023-24"


@pytest.mark.parametrize("bad", ["2024-26", "2024", "24-25", "2024/25", "../x", None])
def test_bad_periods(bad):
    with pytest.raises(InvalidIdError, match="invalid period"):
        Period.parse(bad)
