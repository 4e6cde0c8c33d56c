"""Core utilities every stage uses: identifiers, reporting periods, working days, paths and file I/O.

Nothing here knows about the Code, case logs or answers. ``ids`` validates the landlord ids
that end up in paths; ``periods`` is the 1 April to 31 March reporting year and its quarters;
``calendar`` is the one working-day function (England and Wales bank holidays); ``paths`` is the
layout of ``inputs/`` and ``outputs/``; ``io`` reads YAML safely and writes files atomically;
``lazy`` makes a package's ``__getattr__`` that imports its public names on first use (PEP 562);
``memory`` keeps large buffers in ordinary memory pages while a case log loads and its figures
are worked out;
``cache`` is the product's private cache folder (compiled templates, the bank-holiday table).
``calendar`` (numpy, pandas; the holidays package only when its cached table is missing) is
imported where working days are counted, not here, so the batch's orchestrating process, which
needs only ids, periods and paths, stays light.
"""

from .ids import validate_landlord_id
from .periods import Period, Quarter, parse_as_of

__all__ = ["Period", "Quarter", "parse_as_of", "validate_landlord_id"]
