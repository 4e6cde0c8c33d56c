"""Which column of a table is which: the header row of the Ombudsman's form, however worded.

The 2024 form's header reads "Code provision | Code requirement | Comply: Yes / No | Evidence |
Commentary / explanation"; the 2022 form's "Code section | Code requirement | Comply: Yes/No |
Evidence, commentary and any explanations"; spreadsheets landlords keep say "Ref", "Question",
"Compliant?", "Comments". :func:`header_columns` names each column's role, or says the row is
not a header. The workbook's own exports add "Section" and the action columns, read back the
same way.
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

#: Role -> words a header cell for it contains, tried in this order (first match wins), so the
#: 2022 form's "Evidence, commentary and any explanations" is ``combined`` before ``evidence``.
_HEADER_WORDS: tuple[tuple[Role, re.Pattern[str]], ...] = (
    ("combined", re.compile(r"evidence.*(comment|explanation)")),
    ("owner", re.compile(r"\b(action )?owner\b|\bresponsib")),
    ("due", re.compile(r"\b(due|deadline|target date|by when)\b")),
    ("done", re.compile(r"\b(done|completed?|closed)\b")),
    ("action", re.compile(r"\baction")),
    ("status", re.compile(r"\bcompl(y|iant|iance)\b|yes\s*/\s*no|\bstatus\b|\bmet\b|\brag\b|\bassessment\b")),
    ("evidence", re.compile(r"\bevidence")),
    ("commentary", re.compile(r"\bcomment|\bexplanation|\bnotes?\b|\bremarks?\b|\bresponse\b")),
    ("requirement", re.compile(r"\brequirement|\bquestion|\bwording|\bdescription|\bcode text")),
    ("number", re.compile(r"\bprovision\b|\bcode section\b|\bclause\b|\bref(erence)?\b|\bno\.?$|^#$|\bnumber\b"
                          r"|\bparagraph\b")),
    ("section", re.compile(r"^section( title| name)?$")),
)


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


def _role(cell: str) -> Role | None:
    text = " ".join(cell.lower().replace("\u2013", "-").split())
    if not text or len(text) > 80:  # a header cell is a few words, not a provision's text
        return None
    for role, pattern in _HEADER_WORDS:
        if pattern.search(text):
            return role
    return None


def header_columns(cells: Sequence[str]) -> Columns | None:
    """The columns ``cells`` names if it reads as the form's header row, else ``None``.

    A header names a provision number column and a status column, or a number, a requirement and
    an evidence or commentary column; a role named twice keeps its first column.
    """
    roles: dict[Role, int] = {}
    for index, cell in enumerate(cells):
        role = _role(cell)
        if role is not None and role not in roles:
            roles[role] = index
    if "number" not in roles:
        return None
    if "status" in roles or ("requirement" in roles and roles.keys() & {"evidence", "commentary", "combined"}):
        return Columns(roles)
    return None


__all__ = ["Columns", "Role", "header_columns"]
