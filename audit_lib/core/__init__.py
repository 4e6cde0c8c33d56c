"""Core utilities every stage uses: identifiers, reporting periods, working days, paths and file I/O.

Nothing here knows about the Code, case logs or answers. ``ids`` validates the landlord ids
that end up in paths; ``periods`` is the 1 April to 31 March reporting year and its quarters;
``calendar`` is the one working-day function (England and Wales bank holidays); ``paths`` is the
layout of ``inputs/`` and ``outputs/``; ``io`` reads YAML safely and writes files atomically.
"""

from .calendar import add_working_days, is_working_day, working_days_between
from .ids import validate_landlord_id
from .periods import Period, Quarter

__all__ = ["Period", "Quarter", "add_working_days", "is_working_day", "validate_landlord_id", "working_days_between"]
