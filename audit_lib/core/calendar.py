"""Working days as the Complaint Handling Code counts them.

A working day is Monday to Friday, excluding England and Wales bank holidays (taken from
the ``holidays`` package, country GB, subdivision ENG, never typed by hand). The day an
event happens is day 0; an event on a weekend or bank holiday counts as happening on the
next working day. The deadline for "N working days after date D" is therefore
``numpy.busday_offset(D, N, roll="forward", holidays=...)``, and a step is on time when it
happened on or before that deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

#: Years covered by the cached bank-holiday table; dates outside it raise rather than
#: silently ignoring holidays.
FIRST_YEAR = 2000
LAST_YEAR = 2040


@lru_cache(maxsize=1)
def bank_holidays() -> np.ndarray:
    """England and Wales bank holidays (including substitute days) as sorted ``datetime64[D]``."""
    table = holidays.country_holidays("GB", subdiv="ENG", years=range(FIRST_YEAR, LAST_YEAR + 1))
    return np.array(sorted(table), dtype="datetime64[D]")


@lru_cache(maxsize=1)
def _busday_calendar() -> np.busdaycalendar:
    return np.busdaycalendar(weekmask="1111100", holidays=bank_holidays())


def _as_days(dates: object) -> np.ndarray:
    """Convert dates (scalar, list, Series, array; NaT allowed) to ``datetime64[D]``."""
    dtype = getattr(dates, "dtype", None)
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        # already datetime64 (a validated case-log column): a unit cast, no per-cell objects
        days = np.atleast_1d(np.asarray(dates)).astype("datetime64[D]")
    else:
        values = pd.to_datetime(pd.Series(np.atleast_1d(np.asarray(dates, dtype=object))))
        days = values.to_numpy(dtype="datetime64[D]")
    present = days[~np.isnat(days)]
    if present.size and (
        present.min() < np.datetime64(f"{FIRST_YEAR}-01-01")
        or present.max() > np.datetime64(f"{LAST_YEAR - 1}-12-31")
    ):
        raise ValueError(
            f"dates must fall between {FIRST_YEAR} and {LAST_YEAR - 1} for the bank-holiday "
            f"calendar; found {present.min()} to {present.max()}"
        )
    return days


def add_working_days(dates: object, days: int | Iterable[int] | np.ndarray) -> np.ndarray:
    """The deadline "``days`` working days after each date" (day 0 = the date, rolled forward).

    Vectorised: ``dates`` may be a Series or array with NaT (giving NaT) and ``days`` a
    scalar or an array of the same length. Returns ``datetime64[D]``.
    """
    start = _as_days(dates)
    offsets = np.asarray(days, dtype="int64")
    return np.busday_offset(start, offsets, roll="forward", busdaycal=_busday_calendar())


def working_days_between(start: object, end: object) -> np.ndarray:
    """Working days from ``start`` (rolled forward to a working day) to ``end`` (rolled forward).

    The inverse of :func:`add_working_days`: ``working_days_between(d, add_working_days(d, n))
    == n``. An event on time against an N-day limit has a value of at most N. NaT gives -1.
    """
    first = np.busday_offset(_as_days(start), 0, roll="forward", busdaycal=_busday_calendar())
    last = np.busday_offset(_as_days(end), 0, roll="forward", busdaycal=_busday_calendar())
    missing = np.isnat(first) | np.isnat(last)
    first = np.where(missing, np.datetime64("2000-01-03"), first)
    last = np.where(missing, np.datetime64("2000-01-03"), last)
    counts = np.busday_count(first, last, busdaycal=_busday_calendar())
    return np.where(missing, -1, counts)


def is_working_day(day: dt.date) -> bool:
    return bool(np.is_busday(np.datetime64(day, "D"), busdaycal=_busday_calendar()))
