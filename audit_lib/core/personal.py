"""What in free text may be a resident's personal data, told from its shape alone.

Names cannot be told from ordinary words, so text is never shown merely for not looking
personal: these checks only take away what would otherwise be shown (a word typed often into a
case log's category, a short word in a message).
"""

from __future__ import annotations

import re

#: A United Kingdom postcode anywhere in a text ("LS1 4AP", "sw1a1aa").
POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE)
#: More digits than this in a word of free text and it may be a telephone number or a house number and street.
MAX_WORD_DIGITS = 5


def may_be_contact_details(text: str) -> bool:
    """Whether free text may hold a resident's contact details: an email address (an ``@``), a
    telephone number (more than :data:`MAX_WORD_DIGITS` digits) or a postcode."""
    return "@" in text or sum(ch.isdigit() for ch in text) > MAX_WORD_DIGITS or POSTCODE.search(text) is not None


__all__ = ["MAX_WORD_DIGITS", "POSTCODE", "may_be_contact_details"]
