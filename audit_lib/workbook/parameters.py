"""The notebooks' parameters as papermill injects them, turned into the values the library uses.

Both notebooks (a landlord's workbook and the group summary) take ``as_of``: the date that
actions' states (open, overdue) are judged at. ``None`` means today; a batch run or a
reproduced report passes an ISO date, ``"YYYY-MM-DD"``, so the same inputs give the same report.
"""

from __future__ import annotations

import datetime as dt
import re

from ..errors import UsageError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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
    raise UsageError(f"as_of must be a date written YYYY-MM-DD (e.g. 2025-06-01), or None for today; found {value!r}")
