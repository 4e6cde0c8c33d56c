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

Some forms have a column per status instead of a Comply column: "Code provision | Code
requirement | Yes | No | Evidence", sometimes with "Partial" and "N/A", a tick in one of them.
A header cell that is a status word and nothing else ("Yes", "Y", "No", "N", "Partial",
"Partially", "N/A", "Not applicable", and "Compliant", "Not compliant" and the like) heads a tick
column (roles ``tick_yes``, ``tick_no``, ``tick_partial``, ``tick_na``) when the header has both
a Yes and a No one; otherwise the cell is read as it would be ("No" a number column, "Compliant"
the status). :meth:`Columns.status` reads a row's status from either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Role = Literal[
    "section", "number", "requirement", "status", "evidence", "commentary", "combined",
    "action", "owner", "due", "done", "tick_yes", "tick_no", "tick_partial", "tick_na",
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


#: A tick column's role -> the status its tick states (as the Comply column would print it).
TICK_STATUS: dict[Role, str] = {"tick_yes": "Yes", "tick_partial": "Partial", "tick_no": "No", "tick_na": "N/A"}
#: The header cells that head a tick column, lower case, spaces single.
_TICK_WORDS: dict[str, Role] = {
    **dict.fromkeys(("yes", "y", "compliant", "fully compliant", "met"), "tick_yes"),
    **dict.fromkeys(("no", "n", "non-compliant", "non compliant", "not compliant", "not met"), "tick_no"),
    **dict.fromkeys(("partial", "partially", "partly", "partially compliant", "partly compliant",
                     "part compliant", "partially met"), "tick_partial"),
    **dict.fromkeys(("n/a", "na", "not applicable"), "tick_na"),
}
#: What marks a tick column (lower case): a tick, a cross letter, a bullet, "Yes", a ticked box,
#: a checkbox cell's TRUE. A tick column's own word ("No" under No) marks it too.
_MARKS = frozenset({"✓", "✔", "☑", "✅", "🗸", "√", "x", "y", "yes", "•", "●", "true", "tick", "ticked"})
#: What leaves a tick column unmarked: nothing, an empty box, a checkbox cell's FALSE.
_UNMARKED = frozenset({"", "☐", "□", "false"})
#: Crosses: beside the one column ticked, the others crossed out; alone, a mark that may mean
#: either "this one" or "not this one" (in a Yes column), so not read. ``☒`` beside empty boxes
#: (``☐``) is a box ticked, as Word's checkboxes show it.
_CROSSES = frozenset({"✗", "✘", "☒", "❌", "×", "⊠"})
#: What a row's ticks read as when they are not one status (:meth:`Columns.status`): no status
#: word starts it, so the importer lists it as a status not understood.
NOT_ONE_STATUS = "ticks not read as one status"


def tick_role(cell: str) -> Role | None:
    """The tick column a header cell heads when it is a status word alone ("Yes", "N/A"), else
    ``None`` (see the module's description)."""
    text = " ".join(cell.lower().replace("\u2013", "-").split()).rstrip(":").strip()
    return _TICK_WORDS.get(text)


def _tick(text: str, role: Role, boxes: bool) -> str:
    """What a tick column's cell says: "mark", "none", "cross" or "other" (text that is no mark).
    ``boxes``: the row's tick cells are checkboxes (an empty box among them)."""
    word = " ".join(text.lower().split())
    if word in _UNMARKED:
        return "none"
    if word in _MARKS or _TICK_WORDS.get(word) == role or (boxes and word == "☒"):
        return "mark"
    return "cross" if word in _CROSSES else "other"


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

    def status(self, cells: Sequence[str]) -> str:
        """The row's status as printed: the status column's text when it has any, else the status
        of the one tick column marked ("Yes" for a tick under Yes), ``""`` when none is marked.

        Ticks that are not one status (two columns marked, a cross alone, text that is no mark)
        read as :data:`NOT_ONE_STATUS` followed by what each column holds ("ticks not read as one
        status: Yes ✓, No ✓"), for the importer to list; nothing in a tick cell is dropped.
        """
        text = self.cell(cells, "status")
        ticks = [(role, self.cell(cells, role).strip()) for role in TICK_STATUS if role in self.roles]
        if text.strip() or not ticks:
            return text
        boxes = any(tick in ("☐", "□") for _, tick in ticks)
        kinds = [(role, tick, _tick(tick, role, boxes)) for role, tick in ticks]
        marked = [role for role, _, kind in kinds if kind == "mark"]
        if len(marked) == 1 and not any(kind == "other" for _, _, kind in kinds):
            return TICK_STATUS[marked[0]]
        if all(kind == "none" for _, _, kind in kinds):
            return ""
        held = ", ".join(f"{TICK_STATUS[role]} {' '.join(tick.split())}" for role, tick, kind in kinds
                         if kind != "none")
        return f"{NOT_ONE_STATUS}: {held}"

    @property
    def width(self) -> int:
        return max(self.roles.values()) + 1

    def others(self, cells: Sequence[str]) -> list[int]:
        """Indexes of non-blank cells in ``cells`` under no recognised column (to list as unread)."""
        used = set(self.roles.values())
        return [i for i, text in enumerate(cells) if i not in used and text.strip()]


def column_not_read(title: str, count: int) -> str:
    """Why a column under a header cell naming no column of the form is not imported, in every
    reader's words: "column 'tier' (72 cells) is not a column of the form: not imported"."""
    flat = " ".join(title.split())
    flat = flat if len(flat) <= 40 else flat[:39].rstrip() + "…"
    return f"column '{flat}' ({count:,} cell{'s' * (count != 1)}) is not a column of the form: not imported"


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

    A header names a provision number column and a status column (or tick columns for Yes and
    No at least), or a number, a requirement and an evidence or commentary column; a role named
    twice keeps its first column.
    """
    ticks = [tick_role(cell) for cell in cells]
    use_ticks = {"tick_yes", "tick_no"} <= set(ticks)
    roles: dict[Role, int] = {}
    for index, cell in enumerate(cells):
        role = ticks[index] if use_ticks and ticks[index] is not None else header_role(cell)
        if role is not None and role not in roles:
            roles[role] = index
    if "number" not in roles:
        return None
    if ("status" in roles or {"tick_yes", "tick_no"} <= roles.keys()
            or ("requirement" in roles and roles.keys() & {"evidence", "commentary", "combined"})):
        return Columns(roles)
    return None


__all__ = ["NOT_ONE_STATUS", "TICK_STATUS", "Columns", "Role", "column_not_read", "header_columns", "header_role",
           "tick_role"]
