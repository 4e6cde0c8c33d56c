"""Which column of a table is which: the header row of the Ombudsman's form, however worded.

The 2024 form's header reads "Code provision | Code requirement | Comply: Yes / No | Evidence |
Commentary / explanation"; the 2022 form's "Code section | Code requirement | Comply: Yes/No |
Evidence, commentary and any explanations"; spreadsheets landlords keep say "Ref", "Question",
"Compliant?", "Comments". :func:`header_columns` names each column's role, or says the row is
not a header. The workbook's own exports add "Section" and the action columns, read back the
same way.

A header cell is read in lower case, its underscores as spaces (``evidence_items`` is "evidence
items"), its words whole ("account" holds no "count"). A cell naming a count or a figure worked out
from other cells is no column of the form, whatever it counts: "Number of actions", "No. of
documents", "Evidence count", "Total actions", "Next action due", and the CSV export's
``evidence_items``, ``open_actions`` and ``next_action_due`` (numbers and a date, not the
evidence, the actions and their due dates); "Evidence items" typed by a person is the evidence.
Where a cell names two roles, the one named first wins: "Evidence of compliance" is the
evidence, "Comments and actions" the commentary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Role = Literal[
    "section", "number", "requirement", "status", "evidence", "commentary", "combined",
    "action", "owner", "due", "done",
]

#: Role -> words a header cell for it contains. The role is the one whose words come first in
#: the cell ("Evidence of compliance" is evidence, "Comments and actions" commentary); at the same
#: place, the first in this order ("Evidence, commentary and any explanations", the 2022 form's
#: single column, is ``combined``; "Action owner" is ``owner``).
_HEADER_WORDS: tuple[tuple[Role, re.Pattern[str]], ...] = (
    ("combined", re.compile(r"evidence.*(comment|explanation)")),
    ("owner", re.compile(r"\b(action )?owner\b|\bresponsib")),
    ("due", re.compile(r"\b(action )?(due|deadline|target date|by when)\b")),
    ("done", re.compile(r"\b(action )?(done|completed?|closed)\b")),
    ("action", re.compile(r"\baction")),
    ("evidence", re.compile(r"\b(compliance )?evidence")),  # "Compliance evidence" is evidence
    ("status", re.compile(r"\bcompl(y|iant|iance)\b|yes\s*/\s*no|\bstatus\b|\bmet\b|\brag\b|\bassessment\b")),
    ("commentary", re.compile(r"\bcomment|\bexplanation|\bnotes?\b|\bremarks?\b|\bresponse\b")),
    ("requirement", re.compile(r"\brequirement|\bquestion|\bwording|\bdescription|\bcode text")),
    ("number", re.compile(r"\bprovision\b|\bcode section\b|\bclause\b|\bref(erence)?\b|\bno\.?$|^#$|\bnumber\b"
                          r"|\bparagraph\b")),
    ("section", re.compile(r"^section( title| name)?$")),
)


#: A header cell naming a count or a derived figure (see the module's description).
_FIGURE = re.compile(
    r"^(number|no\.?|num|count|total|percentage|proportion) of\b"  # "Number of actions", "No. of documents"
    r"|^total\b|\b(count|total)$"  # "Total actions", "Evidence count"
    r"|^(next|earliest|latest|last)\b.*\b(due|date)$"  # "Next action due": one of the actions' dates
)
#: A column name written for machines (with underscores) that holds a count: the CSV export's
#: ``evidence_items`` and ``open_actions`` ("Evidence items" typed by a person is the evidence).
_MACHINE_FIGURE = re.compile(r"^\w+_(items|count|total)$|^(open|outstanding|overdue)_\w+$")


@dataclass(frozen=True)
class Columns:
    """A recognised header: role -> column index (0-based), each role at most once."""

    roles: dict[Role, int]

    def cell(self, cells: Sequence[str], role: Role) -> str:
        """The text of ``role``'s cell in ``cells`` (blank when the table has no such column or
        the row is short)."""
        index = self.roles.get(role)
        if index is None or index >= len(cells):
            return ""
        return cells[index]

    @property
    def width(self) -> int:
        return max(self.roles.values()) + 1

    def others(self, cells: Sequence[str]) -> list[int]:
        """Indexes of non-blank cells in ``cells`` under no recognised column (to list as unread)."""
        used = set(self.roles.values())
        return [i for i, text in enumerate(cells) if i not in used and text.strip()]


def header_role(cell: str) -> Role | None:
    """The role of the column a header cell names, or ``None`` (see the module's description)."""
    if _MACHINE_FIGURE.match(cell.strip().lower()):
        return None
    text = " ".join(cell.lower().replace("\u2013", "-").replace("_", " ").split())
    if not text or len(text) > 80:  # a header cell is a few words, not a provision's text
        return None
    if _FIGURE.search(text):
        return None
    found = [(match.start(), order, role) for order, (role, pattern) in enumerate(_HEADER_WORDS)
             if (match := pattern.search(text))]
    return min(found)[2] if found else None


def header_columns(cells: Sequence[str]) -> Columns | None:
    """The columns ``cells`` names if it reads as the form's header row, else ``None``.

    A header names a provision number column and a status column, or a number, a requirement and
    an evidence or commentary column; a role named twice keeps its first column.
    """
    roles: dict[Role, int] = {}
    for index, cell in enumerate(cells):
        role = header_role(cell)
        if role is not None and role not in roles:
            roles[role] = index
    if "number" not in roles:
        return None
    if "status" in roles or ("requirement" in roles and roles.keys() & {"evidence", "commentary", "combined"}):
        return Columns(roles)
    return None


__all__ = ["Columns", "Role", "header_columns", "header_role"]
