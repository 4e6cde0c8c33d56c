"""Validation of the identifiers that end up in file paths."""

from __future__ import annotations

import re

from ..errors import InvalidIdError

LANDLORD_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
MAX_ID_LENGTH = 64


def validate_landlord_id(value: object) -> str:
    """Return ``value`` if it is a landlord slug (``[a-z0-9][a-z0-9-]*``), else raise."""
    if not isinstance(value, str) or not LANDLORD_ID.fullmatch(value) or len(value) > MAX_ID_LENGTH:
        raise InvalidIdError(
            f"invalid landlord id {value!r}: expected a slug of lower-case letters, digits and "
            f"hyphens starting with a letter or digit (at most {MAX_ID_LENGTH} characters), "
            "e.g. 'riverbend-homes'"
        )
    return value
