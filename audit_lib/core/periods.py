"""Reporting periods (the landlord's financial year, 1 April to 31 March, and its quarters) and the
``as_of`` date that actions' states are judged at."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..errors import InvalidIdError, UsageError
from .ids import quoted

PERIOD_ID = re.compile(r"([0-9]{4})-([0-9]{2})")  # ASCII digits only (``\d`` would take any script's)
#: The years the working-day calendar covers (:mod:`audit_lib.core.calendar`): from 2000 to the
#: last year the ``holidays`` package computes England's bank holidays for (2100). Dates may fall
#: from 1 January ``FIRST_YEAR`` to 31 December ``LAST_YEAR - 1``, so a deadline counted from the
#: last date still meets the next year's bank holidays. Defined here, without importing the
#: calendar's numerical libraries, so that a period is checked where it is parsed.
FIRST_YEAR = 2000
LAST_YEAR = 2100
#: The first and last reporting years whose every day the calendar covers: 2000-01 to 2098-99.
FIRST_PERIOD = FIRST_YEAR
LAST_PERIOD = LAST_YEAR - 2
QUARTER_NAMES = ("Q1", "Q2", "Q3", "Q4")


@dataclass(frozen=True)
class Quarter:
    """One quarter of a reporting year (Q1 is April to June)."""

    name: str
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label(self) -> str:
        return f"{self.name} ({self.start:%b}–{self.end:%b %Y})"


@dataclass(frozen=True)
class Period:
    """A reporting year such as ``2024-25``: 1 April 2024 to 31 March 2025 inclusive."""

    start_year: int

    @classmethod
    def parse(cls, value: object) -> Period:
        """Parse a period id ``YYYY-YY`` whose second part is the year after the first."""
        match = PERIOD_ID.fullmatch(value) if isinstance(value, str) else None
        if match is None or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
            raise InvalidIdError(
                f"invalid period {quoted(value)}: expected a financial year written YYYY-YY with "
                "consecutive years, e.g. '2024-25' for 1 April 2024 to 31 March 2025"
            )
        start_year = int(match.group(1))
        if not FIRST_PERIOD <= start_year <= LAST_PERIOD:
            raise InvalidIdError(
                f"invalid period {quoted(value)}: expected a financial year from "
                f"{cls(FIRST_PERIOD).id} to {cls(LAST_PERIOD).id}, the years the working-day calendar "
                "covers (England's bank holidays); check the year"
            )
        return cls(start_year)

    @property
    def id(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.start_year, 4, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period (31 March), inclusive."""
        return dt.date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"1 April {self.start_year} to 31 March {self.start_year + 1}"

    @property
    def previous(self) -> Period:
        return Period(self.start_year - 1)

    @property
    def quarters(self) -> tuple[Quarter, ...]:
        y = self.start_year
        bounds = (
            (dt.date(y, 4, 1), dt.date(y, 6, 30)),
            (dt.date(y, 7, 1), dt.date(y, 9, 30)),
            (dt.date(y, 10, 1), dt.date(y, 12, 31)),
            (dt.date(y + 1, 1, 1), dt.date(y + 1, 3, 31)),
        )
        return tuple(Quarter(n, s, e) for n, (s, e) in zip(QUARTER_NAMES, bounds))

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.id


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_as_of(value: str | dt.date | None) -> dt.date:
    """The ``as_of`` parameter as a date: today for ``None``, else an ISO date (``"2025-06-01"``).

    Anything else raises :class:`~audit_lib.errors.UsageError` saying what was expected.
    """
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise UsageError(f"as_of must be a date written YYYY-MM-DD (e.g. 2025-06-01), or None for today; found {quoted(value)}")


def uk_date(day: dt.date) -> str:
    """DD/MM/YYYY, the year always with four digits (``31/03/0002``, not ``31/03/2``)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
