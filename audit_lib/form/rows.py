"""What a reader finds in a self-assessment file: the rows of the Ombudsman's form, as printed.

Every reader (:mod:`.word`, :mod:`.spreadsheet`, :mod:`.page`) turns its format into a
:class:`ReadForm`: the form's rows with each cell's text as the file holds it (nothing
interpreted yet), where each row was found, and whatever the reader could not place. Reading the
texts (which status "Yes – see policy" is, which evidence items a cell lists, which provision a
row is) is :mod:`.interpret`'s and :mod:`.match`'s job, the same for every format.

Cell texts are plain text: a cell's paragraphs are lines joined by ``\\n``; a bulleted or
numbered paragraph is a line starting ``• `` (a bullet) so that evidence lists can be split into
items; HTML fragments in a cell are reduced to their text the same way (``<p>`` and ``<br>`` a new
line, ``<li>`` a bullet line).
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: How a reader marks a bulleted line in a cell's text.
BULLET = "• "


@dataclass(frozen=True)
class FormAction:
    """An action as a file records it (the workbook's exports write them; a spreadsheet's action
    columns hold them): texts as printed, interpreted on import."""

    text: str
    owner: str = ""
    due: str = ""
    done: str = ""


@dataclass(frozen=True)
class FormRow:
    """One row of the form as printed.

    ``number`` is the provision number as printed (``"1.2"``, ``"5.1"``), or ``None`` for a row
    with no number (the 2020 questionnaire's questions, matched by their wording). ``evidence``
    and ``commentary`` are the two cells of the 2024 form; the 2022 form's single "Evidence,
    commentary and any explanations" cell is read into ``commentary`` with ``combined`` set.
    ``where`` says where the row is, for messages: ``"table 3, row 4"``, ``"sheet 'Section 1',
    row 7"``, ``"line 120"``.
    """

    where: str
    number: str | None
    requirement: str = ""
    status: str = ""
    evidence: str = ""
    commentary: str = ""
    combined: bool = False
    actions: tuple[FormAction, ...] = ()
    #: The section heading printed above the row, when the file has one.
    section: str | None = None


@dataclass(frozen=True)
class Unread:
    """Something in the file a reader could not place in a row (a table without the form's
    header, a line between rows, a cell beyond the form's columns): listed, never dropped.
    ``text`` is the landlord's own published wording (never a resident's), shortened."""

    where: str
    reason: str
    text: str = ""


@dataclass
class ReadForm:
    """A file read as the Ombudsman's form: its rows in order, and what could not be placed."""

    source: str  # the file's name, for messages
    kind: str  # "docx", "xlsx", "csv", "html", "text"
    rows: list[FormRow] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)
    #: The document's title or first heading, when it has one (a hint to the Code version).
    title: str | None = None
    #: The file was written by this product's exports (its properties carry the answers'
    #: SHA-256): its cells are read literally, one evidence item per bulleted line and a
    #: reference only where written as ``[reference]`` (:func:`.interpret.evidence_items`).
    literal: bool = False
    #: The Code version the file itself states, when it states one in a way a reader can take
    #: (the CSV export's ``code_version`` column): checked against the version imported into.
    stated_code: str | None = None


def shortened(text: str, limit: int = 80) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


__all__ = ["BULLET", "FormAction", "FormRow", "ReadForm", "Unread", "shortened"]
