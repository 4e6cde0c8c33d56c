"""Validation of the identifiers that end up in file paths, and how a rejected value is quoted."""

from __future__ import annotations

import re

from ..errors import InvalidIdError

LANDLORD_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
MAX_ID_LENGTH = 64
#: A Code version names a data file (``code_<version>.yaml``): letters, digits, ``.``, ``_``, ``-``.
CODE_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
#: A rejected value is quoted in a message up to this many characters, then cut and sized.
QUOTE_LIMIT = 40


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``value`` quoted for an error message: ``repr`` if short, else its start and its length.

    A message never echoes an over-long value in full (a 5,000-character id, a pasted paragraph).
    """
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= limit:
        return repr(text) if isinstance(value, str) else text
    return f"{text[:limit]!r}... ({len(text):,} characters)"


def validate_landlord_id(value: object) -> str:
    """Return ``value`` if it is a landlord slug (``[a-z0-9][a-z0-9-]*``), else raise."""
    if not isinstance(value, str) or len(value) > MAX_ID_LENGTH or not LANDLORD_ID.fullmatch(value):
        raise InvalidIdError(
            f"invalid landlord id {quoted(value, MAX_ID_LENGTH)}: expected a slug of lower-case letters, "
            f"digits and hyphens starting with a letter or digit (at most {MAX_ID_LENGTH} characters), "
            "e.g. 'riverbend-homes'"
        )
    return value
