"""Working days as the Complaint Handling Code counts them.

A working day is Monday to Friday, excluding England and Wales bank holidays (taken from
the ``holidays`` package, country GB, subdivision ENG, never typed by hand). The day an
event happens is day 0; an event on a weekend or bank holiday counts as happening on the
next working day. The deadline for "N working days after date D" is therefore
``numpy.busday_offset(D, N, roll="forward", holidays=...)``, and a step is on time when it
happened on or before that deadline.

The bank holidays of every year from ``FIRST_YEAR`` (2000) to ``LAST_YEAR`` (2100, or the last year
the package covers, if earlier) are computed by the package once and kept in the product's cache
folder (``chc-audit/calendar``, :func:`audit_lib.core.cache.cache_folder`), in a file named for the
installed package's version, so a new process reads a small file instead of importing the package
(whose import loads every country's rules). A cache file for another version, another range of
years or subdivision, or one damaged, unsorted, out of range or whose digest does not match, is
ignored and written again; with no cache folder the table is computed in each process. Each
deadline uses only the bank holidays of the years it needs (those of the dates given, and the
years their deadlines can reach). Dates may fall from 2000 to 2099 (deadlines counted from them
into 2100); a date or deadline outside those years raises :class:`~audit_lib.errors.CalendarError`
rather than being counted without its bank holidays.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import CalendarError
from .cache import cache_folder
from .periods import FIRST_YEAR, LAST_YEAR

__all__ = ["FIRST_YEAR", "LAST_YEAR", "add_working_days", "bank_holidays", "covered_years", "is_working_day",
           "working_days_between"]


#: The bank holidays the calendar counts: England and Wales (the ``holidays`` package's GB, ENG).
_COUNTRY, _SUBDIVISION = "GB", "ENG"
#: The layout of the cache file; change it when the file's contents change.
_CACHE_FORMAT = 1
#: A cache file larger than this is not read (the table of 2000-2100 takes about 12 kB).
_CACHE_MAX_BYTES = 1 << 20


@lru_cache(maxsize=1)
def covered_years() -> tuple[int, int]:
    """The first and last year whose bank holidays the calendar holds: ``FIRST_YEAR`` to ``LAST_YEAR``,
    or to the last year the installed ``holidays`` package computes, if that is earlier.

    Dates may fall up to 31 December of the year before the last, so that a deadline counted from
    any of them still meets the bank holidays of the year it falls in.
    """
    return FIRST_YEAR, min(LAST_YEAR, _table()[1])


def bank_holidays(first: int | None = None, last: int | None = None) -> np.ndarray:
    """England and Wales bank holidays (including substitute days) as sorted ``datetime64[D]``,
    computed by the ``holidays`` package for the years ``first`` to ``last`` (default: every year
    the calendar covers, :func:`covered_years`)."""
    lowest, highest = covered_years()
    return _holidays(lowest if first is None else first, highest if last is None else last).copy()


def _holidays(first: int, last: int) -> np.ndarray:
    """The bank holidays of the years ``first`` to ``last`` (read-only): a slice of the table of
    every covered year, or, for years outside it, computed by the package."""
    lowest, highest = covered_years()
    days = _table()[0]
    if first > last:
        return days[:0]
    if lowest <= first and last <= highest:
        bounds = np.array([f"{first}-01-01", f"{last + 1}-01-01"], dtype="datetime64[D]")
        start, stop = np.searchsorted(days, bounds)
        return days[start:stop]
    return _from_package(first, last)


@lru_cache(maxsize=8)
def _from_package(first: int, last: int) -> np.ndarray:
    """The bank holidays of the years ``first`` to ``last`` as the ``holidays`` package computes them
    (imported here, not with this module: most processes read the cached table instead)."""
    import holidays

    table = holidays.country_holidays(_COUNTRY, subdiv=_SUBDIVISION, years=range(first, last + 1))
    days = np.array(sorted(table), dtype="datetime64[D]")
    days.setflags(write=False)
    return days


@lru_cache(maxsize=1)
def _table() -> tuple[np.ndarray, int]:
    """The bank holidays of every covered year and the package's last year, once per process."""
    return _load_table(cache_folder("calendar"))


def _load_table(folder: Path | None) -> tuple[np.ndarray, int]:
    """The bank holidays (sorted, read-only) of ``FIRST_YEAR`` to ``LAST_YEAR`` (or the package's
    last year, if earlier) and the package's last year: read from the cache file in ``folder`` when
    it holds a valid table for the installed package, else computed by the package and written
    there for the next process. ``folder`` ``None``: computed, not kept."""
    version = _package_version()
    key: dict[str, Any] = {"format": _CACHE_FORMAT, "holidays": version, "country": _COUNTRY,
                           "subdivision": _SUBDIVISION, "first_year": FIRST_YEAR, "last_year": LAST_YEAR}
    path = None if folder is None or version is None else folder / _cache_name(version)
    if path is not None:
        cached = _read_cache(path, key)
        if cached is not None:
            return cached
    days, end_year = _compute()
    if path is not None:
        _write_cache(path, key, days, end_year)
    return days, end_year


#: The package's files whose contents decide England and Wales' bank holidays: the cache is
#: keyed by their digest as well as the version, so two installations of one version with other
#: rules (a patched or an editable copy) never share a table.
_RULES_FILES = ("holidays/countries/united_kingdom.py", "holidays/groups/christian.py",
                "holidays/holiday_base.py", "holidays/observed_holiday_base.py")


def _package_version() -> str | None:
    """The installed ``holidays`` package's version and a digest of its rules for the United
    Kingdom (:data:`_RULES_FILES`), read from its metadata and files without importing it; ``None``
    (no cache) when either cannot be read."""
    from importlib import metadata

    try:
        distribution = metadata.distribution("holidays")
        rules = hashlib.sha256()
        for name in _RULES_FILES:
            rules.update(Path(str(distribution.locate_file(name))).read_bytes())
    except (metadata.PackageNotFoundError, OSError):
        return None
    return f"{distribution.version}+{rules.hexdigest()[:16]}"


def _cache_name(version: str) -> str:
    safe = re.sub(r"[^0-9A-Za-z.+-]", "_", version)[:64]
    return f"bank-holidays-{_COUNTRY}-{_SUBDIVISION}-{FIRST_YEAR}-{LAST_YEAR}-holidays-{safe}.json"


def _compute() -> tuple[np.ndarray, int]:
    """The table of every covered year and the package's last year, from the ``holidays`` package."""
    import holidays

    end_year = int(getattr(holidays.country_holidays(_COUNTRY, subdiv=_SUBDIVISION), "end_year", LAST_YEAR))
    return _from_package(FIRST_YEAR, min(LAST_YEAR, end_year)), end_year


def _digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _read_cache(path: Path, key: dict[str, Any]) -> tuple[np.ndarray, int] | None:
    """The table in the cache file ``path``, or ``None`` if there is none or it cannot be trusted:
    unreadable, not the JSON written by :func:`_write_cache`, for another ``key``, a digest that
    does not match, dates not strictly increasing, outside the covered years or a covered year
    without any."""
    try:
        # O_NONBLOCK: a FIFO put in the file's place must not hold the process; only a regular file is read
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            data = handle.read(_CACHE_MAX_BYTES + 1)
        content = json.loads(data) if len(data) <= _CACHE_MAX_BYTES else None
    except (OSError, ValueError, RecursionError):  # not UTF-8 or not JSON; nested too deep to parse
        return None
    if not isinstance(content, dict) or set(content) != {*key, "end_year", "dates", "digest"}:
        return None
    if any(type(content[name]) is not type(value) or content[name] != value for name, value in key.items()):
        return None
    end_year, dates, digest = content["end_year"], content["dates"], content.pop("digest")
    if type(end_year) is not int or not FIRST_YEAR <= end_year <= 9999:
        return None
    if not isinstance(dates, list) or not all(isinstance(day, str) for day in dates):
        return None
    if not isinstance(digest, str) or digest != _digest(content):
        return None
    last = min(LAST_YEAR, end_year)
    try:
        days = np.array(dates, dtype="datetime64[D]")
    except (ValueError, TypeError, OverflowError):
        return None
    if days.astype(str).tolist() != dates or np.isnat(days).any():  # only dates written YYYY-MM-DD
        return None
    years = days.astype("datetime64[Y]").astype(int) + 1970
    if not (days[1:] > days[:-1]).all() or not np.array_equal(np.unique(years), np.arange(FIRST_YEAR, last + 1)):
        return None
    days.setflags(write=False)
    return days, end_year


def _write_cache(path: Path, key: dict[str, Any], days: np.ndarray, end_year: int) -> None:
    """Keep the table for the next process (atomically; a folder that refuses it is no error)."""
    from .io import atomic_write_text

    content = {**key, "end_year": end_year, "dates": days.astype(str).tolist()}
    content["digest"] = _digest(content)
    with contextlib.suppress(OSError):
        atomic_write_text(path, json.dumps(content, separators=(",", ":")) + "\n", mode=0o600)


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

    Many dates (a case log's: a few hundred dates and a few numbers of days repeated over many
    cases) are counted once for each date and number of days in the ranges present and spread
    back (:func:`_by_table`): the same deadlines, and the same error, as counting each.
    """
    start, years = _as_days(dates)
    offsets = np.asarray(days, dtype="int64")
    deadlines = _by_table(start, offsets, years)
    return _counted(start, offsets, years) if deadlines is None else deadlines


def _counted(start: np.ndarray, offsets: np.ndarray, years: tuple[int, int] | None) -> np.ndarray:
    """:func:`add_working_days` of checked dates, each counted."""
    deadlines = np.busday_offset(start, offsets, roll="forward", busdaycal=_calendar_for(years, offsets))
    _check_range(deadlines, "deadlines", margin=0)  # a deadline past the last year would miss its bank holidays
    return deadlines


def _by_table(start: np.ndarray, offsets: np.ndarray, years: tuple[int, int] | None) -> np.ndarray | None:
    """:func:`add_working_days` of checked dates by a table of every date and number of days in
    the ranges present, or ``None`` (count each) where the table would be no smaller than the
    dates, or cannot be worked out (a pair in the ranges that does not occur may fall past the
    calendar's years: the dates themselves say whether it is theirs)."""
    missing = np.isnat(start)
    if missing.all() or not (offsets.ndim == 0 or offsets.shape == start.shape):
        return None
    values, present = start.view(np.int64), ~missing
    top, bottom = np.iinfo(np.int64).max, np.iinfo(np.int64).min
    lowest, highest = int(values.min(where=present, initial=top)), int(values.max())  # NaT: the smallest int64
    if offsets.ndim == 0:
        fewest = most = int(offsets)
    else:
        fewest, most = int(offsets.min(where=present, initial=top)), int(offsets.max(where=present, initial=bottom))
    span, kinds = highest - lowest + 1, most - fewest + 1
    if span * kinds >= len(start):
        return None
    grid = (np.arange(span, dtype=np.int64) + lowest).view("datetime64[D]")
    try:
        table = _counted(np.repeat(grid, kinds), np.tile(np.arange(fewest, most + 1, dtype=np.int64), span), years)
    except (ValueError, OverflowError):  # CalendarError among them
        return None
    index = values - lowest
    if kinds > 1:
        index *= kinds
        index += offsets - fewest
    index[missing] = 0
    deadlines = table[index]
    deadlines[missing] = np.datetime64("NaT")
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
