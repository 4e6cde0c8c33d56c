"""Working days as the Complaint Handling Code counts them.

A working day is Monday to Friday, excluding England and Wales bank holidays (taken from
the ``holidays`` package, country GB, subdivision ENG, never typed by hand). The day an
event happens is day 0; an event on a weekend or bank holiday counts as happening on the
next working day. The deadline for "N working days after date D" is therefore
``numpy.busday_offset(D, N, roll="forward", holidays=...)``, and a step is on time when it
happened on or before that deadline.

The bank holidays are computed by the package for the years asked (those of the dates given, and
the years their deadlines can reach), once per span of years, and can be any from ``FIRST_YEAR``
(2000) to ``LAST_YEAR`` (2100, the last year the package covers). Dates may fall from 2000 to 2099
(deadlines counted from them into 2100); a date or deadline outside those years raises
:class:`~audit_lib.errors.CalendarError` rather than being counted without its bank holidays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import holidays
import holidays.countries.united_kingdom  # loaded with this module, not on the first deadline
import numpy as np
import pandas as pd

from ..errors import CalendarError
from .periods import FIRST_YEAR, LAST_YEAR

__all__ = ["FIRST_YEAR", "LAST_YEAR", "add_working_days", "bank_holidays", "covered_years", "is_working_day",
           "working_days_between"]


@lru_cache(maxsize=1)
def covered_years() -> tuple[int, int]:
    """The first and last year whose bank holidays the calendar holds: ``FIRST_YEAR`` to ``LAST_YEAR``,
    or to the last year the installed ``holidays`` package computes, if that is earlier.

    Dates may fall up to 31 December of the year before the last, so that a deadline counted from
    any of them still meets the bank holidays of the year it falls in.
    """
    package_last = getattr(holidays.country_holidays("GB", subdiv="ENG"), "end_year", LAST_YEAR)
    return FIRST_YEAR, min(LAST_YEAR, int(package_last))


def bank_holidays(first: int | None = None, last: int | None = None) -> np.ndarray:
    """England and Wales bank holidays (including substitute days) as sorted ``datetime64[D]``,
    computed by the ``holidays`` package for the years ``first`` to ``last`` (default: every year
    the calendar covers, :func:`covered_years`)."""
    lowest, highest = covered_years()
    return _holidays(lowest if first is None else first, highest if last is None else last)


@lru_cache(maxsize=32)
def _holidays(first: int, last: int) -> np.ndarray:
    table = holidays.country_holidays("GB", subdiv="ENG", years=range(first, last + 1))
    return np.array(sorted(table), dtype="datetime64[D]")


@lru_cache(maxsize=32)
def _busday_calendar(first: int, last: int) -> np.busdaycalendar:
    """Working days for the years ``first`` to ``last``: the holidays of the years asked only, so
    numpy's search over them stays short (a counting step never visits a day outside them)."""
    return np.busdaycalendar(weekmask="1111100", holidays=_holidays(first, last))


#: A year has at least 250 working days, so N working days reach at most N // 250 + 1 years on.
_MIN_WORKING_DAYS_A_YEAR = 250


def _calendar_for(years: tuple[int, int] | None, offsets: np.ndarray | None = None) -> np.busdaycalendar:
    """The calendar for dates in ``years`` (first, last) moved by ``offsets`` working days."""
    lowest, highest = covered_years()
    if years is None:  # no date at all: any calendar gives NaT
        return _busday_calendar(lowest, lowest)
    most = int(offsets.max()) if offsets is not None and offsets.size else 0
    least = int(offsets.min()) if offsets is not None and offsets.size else 0
    back = (-least) // _MIN_WORKING_DAYS_A_YEAR + 1 if least < 0 else 0
    ahead = max(most, 0) // _MIN_WORKING_DAYS_A_YEAR + 1  # rolling forward may cross into the next year
    return _busday_calendar(max(lowest, years[0] - back), min(highest, years[1] + ahead))


def _check_range(days: np.ndarray, what: str, *, margin: int = 1) -> tuple[int, int] | None:
    """The first and last year of ``days`` (``None`` if all are NaT); raise :class:`CalendarError`
    if any date lies outside the years whose bank holidays are known (less ``margin`` years at the
    end, for the deadlines still to be counted from them)."""
    present = days[~np.isnat(days)]
    if not present.size:
        return None
    first, last = covered_years()
    lowest, highest = present.min(), present.max()
    if lowest < np.datetime64(f"{first}-01-01") or highest > np.datetime64(f"{last - margin}-12-31"):
        raise CalendarError(
            f"{what} must fall between {first} and {last - margin}, the years whose England bank holidays the "
            f"working-day calendar holds; found {lowest} to {highest}; check the dates (a year keyed wrongly?)"
            + ("" if last == LAST_YEAR else f", or install a newer 'holidays' package (it covers up to {last})")
        )
    return int(str(lowest)[:4]), int(str(highest)[:4])


def _as_days(dates: object) -> tuple[np.ndarray, tuple[int, int] | None]:
    """Dates (scalar, list, Series, array; NaT allowed) as ``datetime64[D]`` within the calendar, and
    the first and last year among them."""
    dtype = getattr(dates, "dtype", None)
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        # already datetime64 (a validated case-log column): a unit cast, no per-cell objects
        days = np.atleast_1d(np.asarray(dates)).astype("datetime64[D]")
    else:
        values = pd.to_datetime(pd.Series(np.atleast_1d(np.asarray(dates, dtype=object))))
        days = values.to_numpy(dtype="datetime64[D]")
    return days, _check_range(days, "dates")


def _span(*spans: tuple[int, int] | None) -> tuple[int, int] | None:
    known = [s for s in spans if s is not None]
    return (min(s[0] for s in known), max(s[1] for s in known)) if known else None


def add_working_days(dates: object, days: int | Iterable[int] | np.ndarray) -> np.ndarray:
    """The deadline "``days`` working days after each date" (day 0 = the date, rolled forward).

    Vectorised: ``dates`` may be a Series or array with NaT (giving NaT) and ``days`` a
    scalar or an array of the same length. Returns ``datetime64[D]``.
    """
    start, years = _as_days(dates)
    offsets = np.asarray(days, dtype="int64")
    deadlines = np.busday_offset(start, offsets, roll="forward", busdaycal=_calendar_for(years, offsets))
    _check_range(deadlines, "deadlines", margin=0)  # a deadline past the last year would miss its bank holidays
    return deadlines


def working_days_between(start: object, end: object) -> np.ndarray:
    """Working days from ``start`` (rolled forward to a working day) to ``end`` (rolled forward).

    The inverse of :func:`add_working_days`: ``working_days_between(d, add_working_days(d, n))
    == n``. An event on time against an N-day limit has a value of at most N. NaT gives -1.
    """
    (first, first_years), (last, last_years) = _as_days(start), _as_days(end)
    calendar = _calendar_for(_span(first_years, last_years))
    first = np.busday_offset(first, 0, roll="forward", busdaycal=calendar)
    last = np.busday_offset(last, 0, roll="forward", busdaycal=calendar)
    missing = np.isnat(first) | np.isnat(last)
    first = np.where(missing, np.datetime64("2000-01-03"), first)
    last = np.where(missing, np.datetime64("2000-01-03"), last)
    counts = np.busday_count(first, last, busdaycal=calendar)
    return np.where(missing, -1, counts)


def is_working_day(day: dt.date) -> bool:
    days = np.atleast_1d(np.datetime64(day, "D"))
    years = _check_range(days, "dates", margin=0)
    return bool(np.is_busday(days[0], busdaycal=_calendar_for(years)))
