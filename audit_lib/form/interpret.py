"""Reading the form's cells as people write them, and writing them so they read back the same.

* A status: "Yes", "Y", "Yes – see policy", "Compliant", "Partially", "Partial", "No",
  "Non-compliant", "N/A", "Not applicable", a tick (:func:`read_status`); the words after the
  status ("see policy") are kept as the start of the commentary.
* Evidence items (:func:`evidence_items`): a bulleted line starts an item and the lines after it
  continue it; a cell with no bullets has an item per line; a line that lists documents ("the
  Complaints Policy, the Compensation Policy and the Unacceptable Behaviour Policy") is an item
  per document. A reference is recognised where it looks like one: a trailing ``[POL-01]`` (as
  the exports write it, :func:`evidence_line`), a web link, or a document id such as ``POL-01``.
* Actions (:func:`split_actions`): a line starting "Action:" or "Action –" in a commentary or
  evidence cell is an action, with "(owner: …; due: DD/MM/YYYY; done)" after it as the exports
  write it (:func:`action_line`) or "by DD/MM/YY" in its text as landlords write it.

Everything else is kept word for word. What cannot be read (a status word not recognised, a due
date that is not a date) is returned as an :class:`~.rows.Unread`, and the answer keeps the rest.
"""

from __future__ import annotations

import datetime as dt
import re

from ..assessment.actions import parse_due_date
from ..assessment.answers import Action, Answer, Evidence, Status
from ..code.catalogue import Provision
from .rows import BULLET, FormAction, FormRow, Unread, shortened

# --- statuses ---------------------------------------------------------------------------------

#: Status words at the start of a Comply cell, longest first within each status so that
#: "not applicable" is not read as "no", nor "non-compliant" as "no".
_STATUS_WORDS: tuple[tuple[str, Status], ...] = (
    ("not applicable", Status.NA), ("n/a", Status.NA), ("n.a.", Status.NA), ("na", Status.NA),
    ("met in part", Status.PARTIAL), ("complies in part", Status.PARTIAL), ("compliant in part", Status.PARTIAL),
    ("comply in part", Status.PARTIAL), ("partially compliant", Status.PARTIAL), ("partly compliant", Status.PARTIAL),
    ("part compliant", Status.PARTIAL), ("partially met", Status.PARTIAL), ("partially", Status.PARTIAL),
    ("partial", Status.PARTIAL), ("partly", Status.PARTIAL), ("in part", Status.PARTIAL),
    ("not fully compliant", Status.PARTIAL), ("not fully met", Status.PARTIAL), ("not met in full", Status.PARTIAL),
    ("non-compliant", Status.NO), ("non compliant", Status.NO), ("noncompliant", Status.NO),
    ("not compliant", Status.NO), ("not met", Status.NO), ("no", Status.NO), ("n", Status.NO),
    ("✗", Status.NO), ("✘", Status.NO),
    ("fully compliant", Status.YES), ("compliant", Status.YES), ("complies", Status.YES), ("comply", Status.YES),
    ("yes", Status.YES), ("met", Status.YES), ("y", Status.YES), ("✓", Status.YES), ("✔", Status.YES),
)
_STATUS_PATTERN = re.compile(
    r"^\s*(" + "|".join(re.escape(word) for word, _ in _STATUS_WORDS) + r")(?![\w/])\s*[-–—:,;.)]*\s*",
    re.IGNORECASE,
)
_BY_WORD = dict(_STATUS_WORDS)
#: Words after a "Yes" that make it a partial one ("Yes – partially", "Yes (in part)").
_IN_PART = re.compile(r"^\(?(partially|partly|in part)\b\)?[\s,;:.)–-]*", re.IGNORECASE)
#: Words after a "No" that turn it round: "No issues", "No longer applicable" say no status.
_NO_WHAT = re.compile(r"^(issues?|concerns?|problems?|gaps?|exceptions?|longer|change)\b", re.IGNORECASE)
#: A second status after the first ("Yes and No", "Yes / Partial"): the cell states none.
_AND_ANOTHER = re.compile(r"^(and|or|/|&)\s*(" + "|".join(re.escape(w) for w, _ in _STATUS_WORDS) + r")(?![\w/])",
                          re.IGNORECASE)
#: A tick or a cross: the word after it says the same again ("✓ Yes").
_MARKS = ("✓", "✔", "✗", "✘")


def read_status(text: str) -> tuple[Status | None, str]:
    """The status a Comply cell states and the rest of its text (``"Yes – see policy"`` →
    ``(Status.YES, "see policy")``); ``(None, text)`` when it states none or more than one."""
    match = _STATUS_PATTERN.match(text.replace("\u00a0", " "))
    if match is None:
        return None, text.strip()
    word = match.group(1).lower()
    status, rest = _BY_WORD[word], text[match.end():].strip()
    if (status is Status.NO and _NO_WHAT.match(rest)) or _AND_ANOTHER.match(rest):
        return None, text.strip()
    if status is Status.YES and _IN_PART.match(rest):  # "Yes – partially", "Yes (in part)"
        return Status.PARTIAL, _IN_PART.sub("", rest, count=1).strip()
    if word in _MARKS and rest:  # "✓ Yes": the word after the tick, if it is the same status, says nothing more
        again, after = read_status(rest)
        if again is not None and again is not status:
            return None, text.strip()
        if again is status:
            return status, after
    return status, rest


# --- evidence -----------------------------------------------------------------------------------

#: What starts a bulleted line: the readers' bullet, a dash, a middle dot, an asterisk, "1." or "a)".
_BULLET_START = re.compile(r"^\s*(?:[•·▪◦●*–\-]|\d{1,2}[.)]|[a-z][.)])\s+")
#: The reference an export writes after an item's description: whatever is in the last brackets
#: (register ids and titles may hold spaces: "POL-CX-001 v4 s3.1").
_EXPORTED_REFERENCE = re.compile(r"^(?P<text>.*?)\s*\[(?P<ref>[^\[\]\n]{1,300})\]\s*$", re.DOTALL)
_TRAILING_REFERENCE = re.compile(r"^(?P<text>.*?)\s*\[(?P<ref>[^\[\]\s]{1,200})\]\s*$", re.DOTALL)
_LINK = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
#: A document id as registers number them: letters, then digits (``POL-01``, ``HR12``, ``CP-2024-3``).
_DOCUMENT_ID = re.compile(r"\b[A-Z]{2,6}(?:[-_/][A-Z]{2,6})*[-_/]?\d{1,4}(?:[-./]\d{1,4})*"
                          r"(?:\s+v\d+(?:\.\d+)*)?(?:\s+s\d+(?:\.\d+)*)?\b")
#: Words that make a short phrase a document's name, for splitting "A, B and C" lists.
_DOCUMENT_WORDS = re.compile(
    r"\b(polic(y|ies)|procedures?|strateg(y|ies)|reports?|minutes|leaflets?|letters?|guidance|plans?|framework|"
    r"handbook|register|log|statement|agreement|charter|website|web ?page|page|forms?|templates?|training|"
    r"records?|audit|survey|newsletter|terms of reference|code|manual|guide|notes?|scheme)\b",
    re.IGNORECASE,
)
#: What separates the documents of a list ("&" does not: "Policy & Procedure" is one document).
_LIST_SEPARATOR = re.compile(r"\s*(?:,|;|\band\b)\s*(?:the\s+)?", re.IGNORECASE)


def evidence_line(item: Evidence) -> str:
    """An evidence item as the exports write it in a cell: ``description [reference]`` (and a
    description that itself ends in brackets, with no reference, as ``description []``)."""
    if item.reference:
        return f"{item.description} [{item.reference}]"
    return f"{item.description} []" if item.description.rstrip().endswith("]") else item.description


def _item(text: str, literal: bool = False) -> Evidence:
    if literal and text.endswith(" []"):
        return Evidence(description=text[:-3])
    match = (_EXPORTED_REFERENCE if literal else _TRAILING_REFERENCE).match(text)
    if match and match.group("text").strip():
        return Evidence(description=match.group("text"), reference=match.group("ref"))
    if literal:
        return Evidence(description=text)
    link = _LINK.search(text)
    if link:
        return Evidence(description=text, reference=link.group(0).rstrip(".,;"))
    ids = _DOCUMENT_ID.findall(text)
    return Evidence(description=text, reference=ids[0] if len(ids) == 1 else None)


def _documents(line: str) -> list[str]:
    """``line`` split into documents when it is a list of documents' names, else ``[line]``."""
    if ". " in line.rstrip(".") or _LINK.search(line) or "[" in line:
        return [line]
    parts = [part.strip(" .") for part in _LIST_SEPARATOR.split(line) if part and part.strip(" .")]
    if len(parts) < 2 or any(len(part.split()) > 8 or not _DOCUMENT_WORDS.search(part) for part in parts):
        return [line]
    return parts


def evidence_items(text: str, *, literal: bool = False) -> list[Evidence]:
    """The evidence items a cell lists (see the module's description), in order.

    ``literal``: the cell was written by this product's exports (:attr:`.rows.ReadForm.literal`):
    each bulleted line is one item (lines after it continue it), and a reference is only the
    trailing ``[...]`` that :func:`evidence_line` writes.
    """
    if literal:
        literal_items: list[str] = []
        for line in text.replace("\r", "").split("\n"):
            # an item the export ended with its [reference] has ended: a line after it (typed into
            # the exported file without a bullet) is an item of its own
            if line.startswith(BULLET) or not literal_items or literal_items[-1].rstrip().endswith("]"):
                literal_items.append(line.removeprefix(BULLET))
            else:
                literal_items[-1] += "\n" + line
        return [_item(item, literal=True) for item in literal_items if item.strip()]
    lines = [line.rstrip() for line in text.replace("\r", "").split("\n")]
    bulleted = any(_BULLET_START.match(line) for line in lines)
    items: list[str] = []
    open_bullet = False
    for line in lines:
        if not line.strip():
            open_bullet = False if not bulleted else open_bullet
            continue
        start = _BULLET_START.match(line)
        if start:
            items.append(line[start.end():].strip())
            open_bullet = True
        elif bulleted and open_bullet and items:
            items[-1] = f"{items[-1]} {line.strip()}"
        else:
            items.append(line.strip())
    return [_item(document) for item in items if item for document in _documents(item)]


# --- actions ------------------------------------------------------------------------------------

_ACTION_LINE = re.compile(r"^\s*(?:[•·\-*]\s*)?actions?\s*(?:[:–—]|-\s)\s*(?P<text>.+?)\s*$", re.IGNORECASE)
_ACTION_META = re.compile(r"^(?P<text>.*?)\s*\((?P<meta>[^()]*)\)\s*$")
_META_PART = re.compile(r"^\s*(?:(?P<key>owner|due)\s*:\s*(?P<value>.+?)|(?P<done>done|not done|open))\s*$",
                        re.IGNORECASE)
_BY_DATE = re.compile(r"\bby\s+(\d{1,2}/\d{1,2}/\d{2,4})\b", re.IGNORECASE)


#: What an exported action line says for "none" (no owner, no due date).
NONE = "—"
#: The end of an exported action line: its owner, due date and state, all three.
_EXPORTED_META = re.compile(r"\(owner: [^();]+; due: [^();]+; (open|done)\)\s*$")
#: An action the text says there is none of ("Actions: none required"): not an action.
_NO_ACTION = re.compile(r"^(none|nil|n/?a|no(ne)?( further)? actions?( is| are)?( required| needed)?|none (required|"
                        r"needed|identified))\.?$", re.IGNORECASE)


def action_line(action: Action) -> str:
    """An action as the exports write it in a commentary cell, always with its owner, due date and
    state (:data:`NONE` for none), so that reading it back tells it from commentary that happens
    to start "Action:": ``Action: text (owner: X; due: 31/03/2026; open)``."""
    owner = " ".join((action.owner or NONE).split())
    due = f"{action.due:%d/%m/%Y}" if action.due is not None else NONE
    return f"Action: {action.text} (owner: {owner}; due: {due}; {'done' if action.done else 'open'})"


def _meta(text: str) -> tuple[str, str, str, str] | None:
    """``text`` without its trailing "(owner: …; due: …; open)", and the owner, due date and state
    it gives; ``None`` when it ends with no such parenthesis."""
    match = _ACTION_META.match(text)
    if not match:
        return None
    parts = [_META_PART.match(part) for part in match.group("meta").split(";")]
    if not all(parts):
        return None
    owner = due = done = ""
    for part in parts:
        assert part is not None
        key = (part.group("key") or "").lower()
        if key == "owner":
            owner = "" if part.group("value").strip() == NONE else part.group("value")
        elif key == "due":
            due = "" if part.group("value").strip() == NONE else part.group("value")
        else:
            done = "yes" if part.group("done").lower() == "done" else "no"
    return match.group("text"), owner, due, done


def _action(text: str, literal: bool) -> FormAction | None:
    """The action an "Action:" line states; ``None`` when the line is not one (an export's line
    always ends with its owner, due date and state; others may say there is none)."""
    meta = _meta(text)
    if literal:
        if meta is None or not _EXPORTED_META.search(text):
            return None
        body, owner, due, done = meta
        return FormAction(text=body, owner=owner, due=due, done=done)
    if _NO_ACTION.match(text.strip()):
        return None
    body, owner, due, done = meta if meta is not None else (text, "", "", "")
    if not due:
        by = _BY_DATE.search(body)
        due = by.group(1) if by else ""
    return FormAction(text=body, owner=owner, due=due, done=done)


def split_actions(text: str, *, literal: bool = False) -> tuple[str, list[FormAction]]:
    """``text`` without its action lines, and the actions they state. ``literal``: the text is
    this product's export, whose action lines are exactly :func:`action_line`'s."""
    kept, actions = [], []
    for line in text.split("\n"):
        match = _ACTION_LINE.match(line)
        action = _action(match.group("text"), literal) if match else None
        if action is not None:
            actions.append(action)
        else:
            kept.append(line)
    return "\n".join(kept).strip("\n"), actions


def _due(text: str) -> dt.date | None:
    """A due date as written: DD/MM/YYYY, DD/MM/YY (20YY) or YYYY-MM-DD, between the years
    :func:`~audit_lib.assessment.actions.parse_due_date` allows; ``ValueError`` (its plain
    message) if not."""
    text = text.strip()
    short = re.fullmatch(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{2})", text)
    if short:
        text = f"{short.group(1)}/{short.group(3)}/20{short.group(4)}"
    return parse_due_date(text)


def _done(text: str) -> bool:
    return text.strip().lower() in ("yes", "y", "done", "true", "complete", "completed", "closed", "1")


def read_actions(row: FormRow, found: list[FormAction]) -> tuple[list[Action], list[Unread]]:
    """The row's actions (its action columns, then those found in its cells) as answers' actions;
    a due date that is not a date is listed and the action kept without it."""
    actions, unread = [], []
    for item in (*row.actions, *found):
        if not item.text.strip():
            continue
        due = None
        if item.due.strip():
            try:
                due = _due(item.due)
            except ValueError as exc:
                unread.append(Unread(row.where, f"an action's due date not taken ({exc}); the action is kept "
                                                "without it", shortened(item.due)))
        actions.append(Action(text=item.text, owner=item.owner or None, due=due, done=_done(item.done)))
    return actions, unread


# --- a row as an answer -------------------------------------------------------------------------

def _bullets_apart(text: str) -> tuple[str, str]:
    """A combined "Evidence, commentary and any explanations" cell split into its bulleted lines
    (the evidence) and the rest (the commentary, word for word)."""
    bullets: list[str] = []
    rest: list[str] = []
    for line in text.split("\n"):
        (bullets if line.startswith(BULLET) else rest).append(line)
    return "\n".join(bullets), "\n".join(rest).strip("\n")


def _cell_status(text: str) -> tuple[Status | None, str, str]:
    """The status a Comply cell states on its first line that states one (a copy from a PDF can
    put stray words on a line above it), the words after it, and the lines before it."""
    lines = text.strip().split("\n")
    for index, line in enumerate(lines):
        status, rest = read_status(line)
        # below the first line only a status on its own counts ("See commentary\nNo further action" is none)
        if status is not None and (index == 0 or not rest):
            after = lines[index + 1:]
            if any((other := read_status(later))[0] not in (None, status) and not other[1] for later in after):
                return None, text.strip(), ""  # "Yes" then "Partial" on the next line: which?
            said = "\n".join([rest, *after]).strip()
            return status, said, "\n".join(lines[:index]).strip()
    return None, text.strip(), ""


def answer_from_row(row: FormRow, provision: Provision, *,
                    literal: bool = False) -> tuple[Answer | None, list[Unread]]:
    """The answer ``row`` gives to ``provision``, and what in it could not be read; ``None`` when
    the row gives nothing (no status, value, evidence, commentary or action). ``literal``: the
    row is from this product's own export (see :func:`evidence_items`)."""
    unread: list[Unread] = []
    status: Status | None = None
    value: str | None = None
    said = ""
    if provision.asks_for_value:
        stated, rest = read_status(row.status)
        if stated is Status.NA and not rest:
            status = Status.NA
        else:
            value = row.status.strip() or None
    elif row.status.strip():
        status, said, before = _cell_status(row.status)
        if status is None:
            unread.append(Unread(row.where, f"a Comply cell that states no status (expected Yes, Partial, No or "
                                            f"N/A) for {provision.number}", shortened(row.status)))
            said = ""
        elif before:
            unread.append(Unread(row.where, f"words before the status in the Comply cell of {provision.number} "
                                            "(not imported)", shortened(before)))
    if row.combined:
        evidence_text, commentary_text = _bullets_apart(row.commentary)
    else:
        evidence_text, commentary_text = row.evidence, row.commentary
    evidence_text, evidence_actions = split_actions(evidence_text, literal=literal)
    commentary, commentary_actions = split_actions(commentary_text, literal=literal)
    if said:
        commentary = f"{said}\n{commentary}".strip("\n")
    actions, action_problems = read_actions(row, [*evidence_actions, *commentary_actions])
    unread.extend(action_problems)
    evidence = evidence_items(evidence_text, literal=literal)
    if status is None and value is None and not evidence and not commentary.strip() and not actions:
        return None, unread
    answer = Answer(status=status, value=value, evidence=evidence, commentary=commentary, actions=actions)
    return answer, unread


__all__ = [
    "action_line", "answer_from_row", "evidence_items", "evidence_line", "read_actions",
    "read_status", "split_actions",
]
