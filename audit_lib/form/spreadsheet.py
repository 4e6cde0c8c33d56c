"""The form as a spreadsheet: read a landlord's Excel workbook or CSV file, write the answers as
an Excel workbook or a short CSV.

**Reading** (:func:`read_xlsx`, :func:`read_csv`). Each sheet finds its own header row: the first
of its first 20 rows that :func:`.columns.header_columns` recognises, so the columns may be in any
order and a title (one line or several) may sit above them. Lines above the header are the
form's title (on the first sheet with a header), or the sheet's section when they read as a
section heading ("Section 2: Exclusions"); on a later sheet, a line that is neither is listed. A
sheet with no header is listed by its name and how many rows with text it has, never by its text
(it may be anything, a case log of residents' names), unless it is empty; a sheet "Sign-off", as
the exports write it, is listed as the sign-off, which an import does not take. A workbook with no
sheet that has a header is refused. A cell's text is read without spaces or blank lines around
it and without control characters (a NUL is no text), its line ends as ``\n``. Below the header,
a row is:

* a provision's row when its number cell is filled;
* a continuation of the row above when its number cell is blank and other cells are filled (a
  row split in two): each cell's text is added to the row's, on a new line; but a row with a
  status of its own (its Comply cell or a tick column filled) is a row without a number (which
  :mod:`.match` lists);
* a section heading when its only filled cell is a heading: text starting "Section N" or "Part
  N", or a text in the number or section column (or a short line in the first column) that is
  not a provision number. It names the section of the rows below it (a Section column, where
  there is one, names each row's own);
* the header again (a table printed page by page), which is skipped.

A number cell that Excel stores as a number loses its trailing zero: ``5.10`` is stored as
``5.1`` (and a CSV saved from Excel says ``5.1``). Such a number, and a CSV's number with one
decimal, is recovered from its neighbours in the same section: after ``5.9`` (or
any number from ``5.1`` to ``5.9``), a stored ``5.1`` is ``5.10``; with no number before it in
its section, a next row ``5.11`` makes it ``5.10`` and a next row ``5.2`` keeps it ``5.1``; a
number no version of the Code has a tenth of (``1.1``: there is no ``1.10``) is as stored. When
nothing can tell, a workbook's row is kept with the number ``5.1 or 5.10``, which is no
provision's (so its answer goes to neither), and listed, asking for the numbers to be stored as
text (a CSV cannot say whether its ``5.1`` was a number, so it is taken as written). Other numbers are written as a spreadsheet shows
them (a percentage as ``85%``, fixed decimals as formatted), dates as ``DD/MM/YYYY``, ``TRUE``
and ``FALSE`` as such. Lines in an evidence or commentary cell starting with a bullet symbol
(``•``, ``●``, ``▪``, the Symbol font's bullet) start with :data:`.rows.BULLET`.

The action columns (Action, Action owner, Action due, Action done) hold one action per line: the
owner, due and done cells' lines go with the action on the same line (a continuation row's
lines with that row's actions). A line in an owner, due or done cell with no action beside it is
listed. A column under a header cell naming no column of the form ("Lead officer", the CSV
export's ``tier`` and counts) is listed once, with how many cells it fills; any other filled cell
under no recognised column (under a blank header cell or beyond the header) is listed by its cell
(``sheet 'Section 1', cell H7``) with its text shortened (a cell of the form's sheet is the
landlord's); nothing is dropped. The status is the Comply column's text or, in a form with a tick
column per status ("Yes | No | Partial | N/A"), the status of the column ticked
(:meth:`.columns.Columns.status`). At most :data:`MAX_ROWS` rows of a sheet or CSV file and :data:`MAX_COLUMNS` columns are
read; rows beyond are listed once, found without reading a blank row at a time (a file of a few
kilobytes with one cell in Excel's last row, 1,048,576, would otherwise take seconds a sheet);
blank rows within the form are read through.

A workbook is read with openpyxl in read-only mode for its cells' values (``.xlsm`` too: its
macros are never run nor kept). A hidden sheet is read like any other, and listed as read (it
may hold the form, or last year's); so are a form sheet's hidden rows and columns holding text,
listed once a sheet ("hidden rows 5–7 and column F, read: ..."). A formula's cell whose value was never saved (a workbook
made by a program, or never opened in Excel) reads as blank: the form's cells holding one are
listed, found in the sheet's XML only when it holds a formula, the formula never quoted. a CSV's delimiter (comma, semicolon or tab) is the one with which
a header row is found, its text as :func:`.source.decode_text` reads it (UTF-8 with or without
a byte order mark, UTF-16 with one, as Excel's "Unicode text" is, else Windows-1252). A CSV's ``code_version`` column (the CSV export's) is the Code version the
file states (:attr:`.rows.ReadForm.stated_code`), taken from the rows stating one; rows stating
different versions refuse the file. Refused with :class:`FormError`, after the checks of
:mod:`.source` (a symbolic link, a folder, an empty file, a file over 50 MB, a workbook that is not
one or unpacks to over 500 MB): a damaged workbook (named by the kind of error only: an error's
text may quote a cell), a CSV file that is not text or holds a field the CSV reader cannot hold
(over 131,072 characters: its row is named, its text never quoted), and a file with no header row
of the form.

**Writing** (:func:`write_xlsx`, :func:`write_csv`). The workbook has a sheet "Self-assessment",
one row per provision under a title and a frozen header (Section | Code provision | Code
requirement | Comply: Yes / No | Evidence | Commentary / explanation | Action | Action owner |
Action due | Action done), the Comply cells of provisions answered by a status restricted to Yes,
Partial, No and N/A (a 2020 question asking for a figure or a written answer is left free), and a
sheet "Sign-off". Evidence items are bulleted lines (:func:`.interpret.evidence_line`); actions
are one per line in the four action columns (a line break in an action's text or owner is written
as a space), due dates ``DD/MM/YYYY``, done ``Yes`` or ``No``; the commentary is the commentary
alone. Every text is stored as text, never as a formula: a text that a spreadsheet would run
(starting ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is a string cell marked as quoted
text, so editing it in Excel does not turn it into a formula either. The workbook's properties
carry the product version and the answers' SHA-256 (core properties ``version`` and
``identifier`` = ``answers-sha256:<sha>``, ``none`` for answers never saved, and custom
properties "chc-audit version" and "answers SHA-256"); :func:`read_xlsx` reads a workbook so
stamped literally (:attr:`.rows.ReadForm.literal`). The workbook holds the Code's wording and the
landlord's answers only: no case data, so no resident's personal data.

The CSV (for the Ombudsman's annual submission and for other tools) has one line per provision
with short fields only: ``code_version, section, provision, tier, status, evidence_items,
open_actions, next_action_due, chc_audit_version, answers_sha256`` (``section`` is its number,
``tier`` must or should (2022) or blank, ``status`` the Comply column's text, the counts numbers,
the next due date of an open action ``YYYY-MM-DD``; a CSV has no properties, so the last two
columns carry the product version and the answers' SHA-256, blank when the answers were never
saved). It is plain UTF-8 without a byte order mark (what other tools expect; Excel reads its
accents right through Data > From Text/CSV), with CRLF line ends as RFC 4180 has them.
A text starting ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a single
quote before it (the usual guard against a spreadsheet running it as a formula).

Both writers replace the file atomically (a temporary file renamed over it) and refuse an output
path that is a symbolic link or a folder (:func:`.source.checked_output`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from ..assessment.answers import SignOff
from ..core.io import atomic_write_bytes, atomic_write_text
from ..errors import FormError
from .columns import Columns, Role, column_not_read, header_columns
from .filled import FilledForm, FilledRow
from .rows import BULLET, FormAction, FormRow, ReadForm, Unread, shortened
from .source import checked_output, decode_text, describe_start, package_names, read_source

#: The header row is looked for in a sheet's first rows.
HEADER_WITHIN = 20
#: Rows and columns read from a sheet (the form has fewer than a hundred rows); anything beyond is
#: listed, not read.
MAX_ROWS = 5000
MAX_COLUMNS = 100
#: The most text an Excel cell holds.
EXCEL_CELL_LIMIT = 32767

#: The values the exported Comply column accepts.
COMPLY_CHOICES = ("Yes", "Partial", "No", "N/A")
#: The exported sheet's header, as :func:`.columns.header_columns` reads it back.
XLSX_HEADER = ("Section", "Code provision", "Code requirement", "Comply: Yes / No", "Evidence",
               "Commentary / explanation", "Action", "Action owner", "Action due", "Action done")
#: The exported CSV's header.
CSV_HEADER = ("code_version", "section", "provision", "tier", "status", "evidence_items", "open_actions",
              "next_action_due", "chc_audit_version", "answers_sha256")

_XLSX = "an Excel workbook (.xlsx)"
_CSV = "a CSV file"
_FORM_HEADER = "Code provision | Code requirement | Comply: Yes / No | Evidence | Commentary / explanation"
_TEXT_ROLES: tuple[Role, ...] = ("requirement", "status", "evidence", "commentary", "combined")
_ACTION_ROLES: tuple[Role, ...] = ("action", "owner", "due", "done")
#: What a spreadsheet would run as a formula when typed (or imported from CSV).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HEADING = re.compile(r"^\s*(section|part)\s+\d+\b", re.IGNORECASE)
_PROVISION_NUMBER = re.compile(r"^\s*\d+(\.\d+)*\.?\s*$")
_ONE_DECIMAL = re.compile(r"^(\d+)\.(\d)$")
_DOTTED = re.compile(r"^\s*(\d+)\.(\d+)\s*$")
_BULLET_GLYPH = re.compile(r"^[ \t]*[•●▪◦‣\uf0b7][ \t]*", re.MULTILINE)
_SIGN_OFF = re.compile(r"^\s*sign[- ]?off", re.IGNORECASE)
# openpyxl refuses these control characters in a cell (XML 1.0 cannot hold them).
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")


# --- reading: shared ------------------------------------------------------------------------------

@dataclass
class _Cells:
    """One row of a sheet: its cells' texts, and which cells held a number (not text)."""

    number: int  # the row's number, 1-based, as a spreadsheet shows it
    texts: list[str]
    numeric: frozenset[int] = frozenset()
    #: ``numeric`` is a guess (a CSV's texts that read as numbers), not known from the file.
    guessed: bool = False


@dataclass
class _Building:
    """A form row being read (its continuation rows are added to it)."""

    where: str
    number: str | None
    section: str | None
    combined: bool
    #: The number cell held a number (``5.1`` may be ``5.10``; see :func:`_recover_numbers`).
    stored_as_number: bool = False
    #: ... or may have: a CSV's number that the neighbours cannot tell is kept without a note.
    guessed: bool = False
    texts: dict[Role, list[str]] = field(default_factory=dict)
    actions: list[FormAction] = field(default_factory=list)

    def add(self, role: Role, text: str) -> None:
        if text:
            self.texts.setdefault(role, []).append(text)

    def row(self) -> FormRow:
        def text(role: Role) -> str:
            return "\n".join(self.texts.get(role, []))

        commentary = "\n".join(part for part in (text("combined"), text("commentary")) if part)
        return FormRow(where=self.where, number=self.number, requirement=text("requirement"),
                       status=text("status"), evidence=text("evidence"), commentary=commentary,
                       combined=self.combined, actions=tuple(self.actions), section=self.section)


def _tidy(text: str) -> str:
    """A cell's text with line ends as ``\\n``, no spaces around it and no control characters (a NUL is no
    text)."""
    return _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "")).strip()


def _bulleted(text: str) -> str:
    """Lines starting with a bullet symbol start with :data:`BULLET` instead."""
    return _BULLET_GLYPH.sub(BULLET, text)


def _column(index: int) -> str:
    """The spreadsheet's letter for the 0-based column ``index`` (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _is_heading(columns: Columns, cells: _Cells, filled: list[int]) -> bool:
    """Whether a row with one filled cell is a section heading rather than text continuing a row."""
    if len(filled) != 1:
        return False
    index = filled[0]
    text = cells.texts[index]
    if _HEADING.match(text):
        return True
    if _PROVISION_NUMBER.match(text):
        return False
    if index in (columns.roles.get("number"), columns.roles.get("section")):
        return True
    # A heading merged across the table (as a Word form pasted into Excel has it) is in its first
    # column: a short line there, unless that column holds short texts itself (a status, a date).
    first = min(columns.roles, key=lambda role: columns.roles[role])
    return (index < columns.roles[first] or (index == columns.roles[first] and first == "requirement")) and (
        "\n" not in text and len(text) <= 80 and not text.endswith((".", ",", ";")))


def _repeated_header(columns: Columns, header: list[str], cells: _Cells) -> Columns | None:
    """The columns of ``cells`` when the row is the header again (a table printed page by page)."""
    if [t.lower() for t in cells.texts if t] == [t.lower() for t in header if t]:
        return columns
    again = header_columns(cells.texts)
    if again is None or again.others(cells.texts):
        return None
    if _PROVISION_NUMBER.match(again.cell(cells.texts, "number")):
        return None
    return again


class _TableReader:
    """Reads the rows below a header into a :class:`ReadForm`'s rows and unread items."""

    def __init__(self, form: ReadForm, building: list[_Building], prefix: str, code_column: int | None = None) -> None:
        self.form = form
        self.building = building
        self.prefix = prefix  # "sheet 'Name', " or "" (CSV)
        #: The column stating the Code version of each row (a CSV's ``code_version``), and the
        #: versions it states: version -> the rows stating it.
        self.code_column = code_column
        self.stated: dict[str, list[int]] = {}
        #: The filled cells under a header naming no column of the form: (column, header) -> how many.
        self.extra: dict[tuple[int, str], int] = {}

    def where(self, row: int) -> str:
        return f"{self.prefix}row {row}"

    def cell_where(self, row: int, column: int) -> str:
        return f"{self.prefix}cell {_column(column)}{row}"

    def read(self, columns: Columns, header: list[str], rows: Iterable[_Cells], section: str | None) -> None:
        current: _Building | None = None
        for cells in rows:
            filled = [i for i, text in enumerate(cells.texts) if text]
            if not filled:
                continue
            again = _repeated_header(columns, header, cells)
            if again is not None:
                columns, header, current = again, cells.texts, None
                continue
            if self.code_column is not None and self.code_column in filled:
                cells = self.take_code(cells, self.code_column)
                filled = [i for i, text in enumerate(cells.texts) if text]
                if not filled:
                    continue
            self.list_others(columns, header, cells)
            if _is_heading(columns, cells, filled):
                section, current = cells.texts[filled[0]], None
                continue
            if not set(filled) & set(columns.roles.values()):
                continue  # only cells outside the form's columns, listed above
            number = columns.cell(cells.texts, "number")
            # a blank number continues the row above, unless the row states a status of its own
            if number or current is None or columns.status(cells.texts).strip():
                current = _Building(
                    where=self.where(cells.number),
                    number=number or None,
                    section=columns.cell(cells.texts, "section") or section,
                    combined="combined" in columns.roles,
                    stored_as_number=columns.roles.get("number") in cells.numeric,
                    guessed=cells.guessed,
                )
                self.building.append(current)
            for role in _TEXT_ROLES:
                text = columns.status(cells.texts) if role == "status" else columns.cell(cells.texts, role)
                current.add(role, _bulleted(text) if role in ("evidence", "commentary", "combined") else text)
            current.actions.extend(self.actions(columns, cells))
        self.list_extra()

    def take_code(self, cells: _Cells, index: int) -> _Cells:
        """Note the Code version the row states in column ``index``; the row without it."""
        self.stated.setdefault(cells.texts[index], []).append(cells.number)
        texts = [("" if i == index else text) for i, text in enumerate(cells.texts)]
        while texts and not texts[-1]:
            texts.pop()
        return _Cells(cells.number, texts, cells.numeric - {index}, cells.guessed)

    def list_others(self, columns: Columns, header: list[str], cells: _Cells) -> None:
        """List the row's filled cells under no column of the form (unless the row is a heading):
        those under a header cell naming another column are counted, to be listed by their column
        (:meth:`list_extra`); those under a blank header cell or beyond the header, one by one."""
        others = columns.others(cells.texts)
        if len(others) == 1 and len([text for text in cells.texts if text]) == 1 and _is_heading(
                columns, cells, others):
            return
        for index in others:
            title = header[index] if index < len(header) and header[index] else None
            if title:
                self.extra[(index, title)] = self.extra.get((index, title), 0) + 1
            else:
                self.form.unread.append(Unread(self.cell_where(cells.number, index),
                                               "a cell outside the form's columns", shortened(cells.texts[index])))

    def list_extra(self) -> None:
        """List each column under a header naming no column of the form once, with its count of
        filled cells (the CSV export's counts, a "Lead officer" column): not imported."""
        for (index, title), count in sorted(self.extra.items()):
            self.form.unread.append(Unread(f"{self.prefix}column {_column(index)}", column_not_read(title, count)))
        self.extra.clear()

    def actions(self, columns: Columns, cells: _Cells) -> list[FormAction]:
        """The actions in a row's action columns: one per line, the other columns' lines beside them."""
        lines = {role: columns.cell(cells.texts, role).split("\n") for role in _ACTION_ROLES}
        actions = []
        for index in range(max(len(found) for found in lines.values())):
            text, owner, due, done = (_unless_none(lines[role][index]) if index < len(lines[role]) else ""
                                      for role in _ACTION_ROLES)
            if not self.form.literal:  # this product's exports write an action's text as it is
                text = _BULLET_GLYPH.sub("", text)
            if text:
                actions.append(FormAction(text=text, owner=owner, due=due, done=done))
            elif owner or due or done:
                self.form.unread.append(Unread(
                    self.where(cells.number), "an action's owner, due date or done with no action beside it",
                    shortened("; ".join(part for part in (owner, due, done) if part))))
        return actions


def _recover_numbers(building: list[_Building], form: ReadForm) -> None:
    """Put back the trailing zero Excel drops from a number stored as a number (``5.10`` -> ``5.1``),
    from the numbers before and after it in its section; list the rows where they cannot tell."""
    for index, row in enumerate(building):
        if not row.stored_as_number or row.number is None:
            continue
        match = _ONE_DECIMAL.match(row.number)
        if match is None:
            continue
        major, minor = match.group(1), int(match.group(2))
        before = _neighbour(building[index - 1::-1] if index else [], major)
        after = _neighbour(building[index + 1:], major)
        tens = minor * 10
        if before is not None:
            if before < minor:
                continue
            if before < tens:
                row.number = f"{row.number}0"
                continue
        elif after is not None:
            if minor < after <= tens:
                continue
            if after == tens + 1:
                row.number = f"{row.number}0"
                continue
        if row.guessed or f"{row.number}0" not in _provision_numbers():
            continue  # a CSV's number is taken as written; no version of the Code has a 5.10 here
        stored = row.number
        row.number = f"{stored} or {stored}0"  # no provision's number: the row is listed, not imported as 5.1
        form.unread.append(Unread(
            row.where, f"the number cell holds {stored} as a number, which Excel also stores for {stored}0: store "
                       "the numbers as text", shortened(row.texts.get("requirement", [""])[0])))


@cache
def _provision_numbers() -> frozenset[str]:
    """The provision numbers of every version of the Code (is there a 4.10 for a stored 4.1 to be?)."""
    from ..code.catalogue import load_catalogue
    from ..code.versions import versions

    return frozenset(provision.number for code in versions() for provision in load_catalogue(code).provisions)


def _neighbour(rows: Iterable[_Building], major: str) -> int | None:
    """The minor part of the nearest numbered row in ``rows`` when it is in section ``major``."""
    for row in rows:
        if row.number is None:
            continue
        match = _DOTTED.match(row.number)
        return int(match.group(2)) if match and match.group(1) == major else None
    return None


def _find_header(rows: Iterator[_Cells]) -> tuple[tuple[Columns, list[str]] | None, list[_Cells]]:
    """The header (its columns and texts) within the first rows of ``rows``, which are consumed up
    to it, and the rows above it (all the rows read when there is none)."""
    above: list[_Cells] = []
    for cells in rows:
        columns = header_columns(cells.texts)
        if columns is not None:
            return (columns, cells.texts), above
        above.append(cells)
        if len(above) >= HEADER_WITHIN:
            break
    return None, above


def _finish(form: ReadForm, building: list[_Building]) -> ReadForm:
    _recover_numbers(building, form)
    form.rows = [row.row() for row in building]
    return form


# --- reading: Excel ---------------------------------------------------------------------------------

def _number_text(value: float, number_format: str) -> str:
    """A number as a spreadsheet shows it: a percentage, fixed decimals, or as entered."""
    fmt = (number_format or "General").split(";")[0]
    point = re.search(r"\.(0+)", fmt)
    places = Decimal(1).scaleb(-len(point.group(1)) if point else 0)
    if "%" in fmt:
        return f"{(Decimal(repr(value)) * 100).quantize(places, ROUND_HALF_UP)}%"
    if re.fullmatch(r"[#,]*0(\.0+)?", fmt):
        shown = Decimal(repr(value)).quantize(places, ROUND_HALF_UP)  # as Excel rounds: halves away from zero
        return f"{shown:,}" if "," in fmt else str(shown)
    if not math.isfinite(value):
        return repr(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return format(value, ".15g")


def _cell_text(cell: Any) -> tuple[str, bool]:
    """A cell's text as a spreadsheet shows it, and whether the cell held a number."""
    value = getattr(cell, "value", None)
    if value is None:
        return "", False
    if isinstance(value, str):
        return _tidy(value), False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y" if value.time() == dt.time() else "%d/%m/%Y %H:%M"), False
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y"), False
    if isinstance(value, dt.time):
        return value.strftime("%H:%M"), False
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        return _number_text(value, getattr(cell, "number_format", "General")), True
    return _tidy(str(value)), False


def _sheet_rows(sheet: Any, where: str, form: ReadForm) -> Iterator[_Cells]:
    """A sheet's rows as texts, up to :data:`MAX_ROWS` and :data:`MAX_COLUMNS`; anything beyond is
    listed once.

    openpyxl gives a sheet's blank rows too, every one up to the last it is asked for: a sheet of a
    few kilobytes with one cell in Excel's last row (1,048,576) would give a million rows. So it is
    asked for one row more than are read, and never for a row beyond it: it gives that row only
    when the sheet has a row there or further down (blank rows within the form are read as they
    come, up to the limit).
    """
    if (sheet.max_column or 0) > MAX_COLUMNS:
        form.unread.append(Unread(where, f"cells beyond column {_column(MAX_COLUMNS - 1)} (not read: the form "
                                         "has ten columns)"))
    blank: object = None  # openpyxl gives the rows missing from the file as one same row of blank cells
    for number, row in enumerate(sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS), start=1):
        if number > MAX_ROWS:
            form.unread.append(Unread(where, f"rows after row {MAX_ROWS:,} (not read: at most {MAX_ROWS:,} rows "
                                             "of a sheet are read)"))
            return
        if row is blank:
            yield _Cells(number, [])
            continue
        texts, numeric = [], set()
        for index, cell in enumerate(row):
            text, is_number = _cell_text(cell)
            texts.append(text)
            if is_number:
                numeric.add(index)
        while texts and not texts[-1]:
            texts.pop()
        if not texts:
            blank = row
        yield _Cells(number, texts, frozenset(numeric))


def read_xlsx(path: Path | str) -> ReadForm:
    """``path``, an Excel workbook, read as the Ombudsman's form (see the module's description)."""
    path = Path(path)
    data = read_source(path, _XLSX)
    package_names(data, path, what=_XLSX, part="xl/workbook.xml",
                  fix="save it from Excel as an Excel Workbook (.xlsx), or import it as what it is")
    import openpyxl  # type: ignore[import-untyped]

    form = ReadForm(source=path.name, kind="xlsx")
    building: list[_Building] = []
    headed: list[str] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "extension not supported" and the like: values are read
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            try:
                identifier = getattr(book.properties, "identifier", None) or ""
                form.literal = identifier.startswith("answers-sha256:")
                for sheet in book.worksheets:
                    if _read_sheet(sheet, form, building, first=not headed, data=data):
                        headed.append(sheet.title)
            finally:
                book.close()
    except FormError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged package (KeyError, ValueError, XML errors)
        # its type only: the error's text may quote a cell (a resident's name in a case log)
        raise FormError(f"expected an Excel workbook that can be read; found a damaged one ({type(exc).__name__}): "
                        "open it in Excel and save it again as .xlsx", path=path) from None
    if not headed:
        raise FormError(f"expected a sheet with the form's header row ({_FORM_HEADER}, in any order) within its "
                        f"first {HEADER_WITHIN} rows; found none: check the workbook holds the self-assessment and "
                        "its header row names the columns", path=path)
    return _finish(form, building)


def _read_sheet(sheet: Any, form: ReadForm, building: list[_Building], first: bool, data: bytes = b"") -> bool:
    """Read one sheet into ``form`` (``first``: no sheet before it had the header; ``data``: the
    workbook's bytes, to find its formulas with no value saved); whether it had the form's header."""
    where = f"sheet '{sheet.title}'"
    hidden = getattr(sheet, "sheet_state", "visible") in ("hidden", "veryHidden")
    at = len(form.unread)  # before anything listed while reading the sheet
    read_rows: set[int] = set()
    read_columns: set[int] = set()

    def noted(rows: Iterator[_Cells]) -> Iterator[_Cells]:
        """``rows``, noting the rows and columns (0-based) holding text."""
        for cells in rows:
            if cells.texts:
                read_rows.add(cells.number)
                read_columns.update(index for index, text in enumerate(cells.texts) if text)
            yield cells

    rows = noted(_sheet_rows(sheet, where, form))
    found, above = _find_header(rows)
    if found is None:
        # listed by its name and size, never quoted: a sheet that is not the form may hold anything
        # (a case log's residents' names and addresses)
        filled = [cells for cells in above if cells.texts]
        count = len(filled) + sum(1 for cells in rows if cells.texts)
        if count:
            first_text = next((text for text in filled[0].texts if text), "") if filled else ""
            signoff = _SIGN_OFF.match(sheet.title) or _SIGN_OFF.match(first_text)
            reason = ("the form's sign-off (not imported: the assessment is signed off in the workbook)" if signoff
                      else f"a {'hidden ' * hidden}sheet without the form's header (not read: {count:,} "
                           f"row{'s' * (count != 1)} with text)")
            form.unread.insert(at, Unread(where, reason))
        return False
    if hidden:  # it may hold the form (or last year's): read, and said
        form.unread.append(Unread(where, "a hidden sheet, read: check it is meant to be part of the form"))
    hidden_at = len(form.unread)
    columns, header = found
    section = _above_header(form, above, first, f"{where}, ")
    _TableReader(form, building, f"{where}, ").read(columns, header, rows, section)
    # hidden rows and columns holding text: read like the others, and said (once for the sheet)
    hidden_rows, hidden_columns = _hidden(data, getattr(sheet, "_worksheet_path", None))
    shown = [part for part in (
        _numbers_text("row", sorted(hidden_rows & read_rows), str),
        _numbers_text("column", sorted(index + 1 for index in read_columns if index + 1 in hidden_columns),
                      lambda column: _column(column - 1)),
    ) if part]
    if shown:
        form.unread.insert(hidden_at, Unread(where, f"hidden {' and '.join(shown)}, read: check they are meant to be "
                                                    "part of the form"))
    # a formula's cell whose value was never saved reads as blank: listed (the formula never quoted)
    header_row = len(above) + 1
    named_elsewhere = {index for index, title in enumerate(header) if title and index not in columns.roles.values()}
    for row, column in sorted(_valueless_formulas(data, getattr(sheet, "_worksheet_path", None))):
        if header_row <= row <= MAX_ROWS and column <= MAX_COLUMNS and column - 1 not in named_elsewhere:
            form.unread.append(Unread(f"{where}, cell {_column(column - 1)}{row}", _NO_VALUE))
    return True


def _numbers_text(kind: str, numbers: Sequence[int], name: Callable[[int], str]) -> str:
    """``rows 4–5, 7``, ``column E``: ascending ``numbers`` in runs, each named by ``name``;
    ``""`` for none."""
    if not numbers:
        return ""
    runs = [name(first) if first == last else f"{name(first)}–{name(last)}" for first, last in _runs(numbers)]
    return f"{kind}{'s' * (len(numbers) > 1)} {', '.join(runs)}"


#: A row or a column element of a sheet's XML, and an attribute in it.
_ROW_OR_COLUMN = re.compile(rb"<(?:\w+:)?(row|col)\b([^>]*)>")
_ATTRIBUTE = re.compile(rb"""\b(r|min|max|hidden)\s*=\s*["']([^"']*)["']""")


def _hidden(data: bytes, part: str | None) -> tuple[set[int], set[int]]:
    """The hidden rows and columns (1-based) of the sheet at ``part`` of the workbook ``data``
    (openpyxl's read-only mode does not read them). A hidden range of columns reaching Excel's
    last column is cut at :data:`MAX_COLUMNS`."""
    if not data or not part:
        return set(), set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read(part.lstrip("/"))
    except (KeyError, zipfile.BadZipFile):
        return set(), set()
    rows: set[int] = set()
    columns: set[int] = set()
    if b"hidden" not in xml:
        return rows, columns
    for match in _ROW_OR_COLUMN.finditer(xml):
        attributes = {name: value.strip() for name, value in _ATTRIBUTE.findall(match.group(2))}
        if attributes.get(b"hidden", b"").lower() not in (b"1", b"true"):
            continue
        try:
            if match.group(1) == b"row":
                rows.add(int(attributes[b"r"]))
            else:
                first = int(attributes[b"min"])
                columns.update(range(first, min(int(attributes.get(b"max", b"0") or 0), MAX_COLUMNS) + 1))
                columns.add(first)
        except (KeyError, ValueError):
            continue
    return rows, columns


#: Why a formula's cell with no value saved is listed.
_NO_VALUE = "a formula with no value saved (open the file in Excel and save it, then import again)"
#: A formula in a sheet's XML (``<f>``, ``<x:f ...>``, ``<f/>``).
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _valueless_formulas(data: bytes, part: str | None) -> set[tuple[int, int]]:
    """The cells (row, column, 1-based) of the sheet at ``part`` of the workbook ``data`` holding a
    formula with no value saved (a workbook made by a program, or never opened in Excel, saves the
    formula alone): read as blank, their formulas are not quoted. A formula that gives a blank
    text, saved with its empty value, is not one. A sheet with no formula is not parsed."""
    if not data or not part:
        return set()
    from defusedxml.ElementTree import iterparse  # type: ignore[import-untyped]
    from openpyxl.utils.cell import coordinate_to_tuple  # type: ignore[import-untyped]

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read(part.lstrip("/"))
    except (KeyError, zipfile.BadZipFile):
        return set()
    if not _FORMULA_TAG.search(xml):
        return set()
    found: set[tuple[int, int]] = set()
    row = column = 0
    for event, element in iterparse(io.BytesIO(xml), events=("start", "end")):
        name = element.tag.rsplit("}", 1)[-1]
        if event == "start":
            if name == "row":
                row, column = int(element.get("r") or row + 1), 0
                if row > MAX_ROWS + 1:
                    break
            continue
        if name == "c":
            reference = element.get("r")
            if reference:
                row, column = coordinate_to_tuple(reference)
            else:
                column += 1
            children = {child.tag.rsplit("}", 1)[-1]: child for child in element}
            value = children.get("v")
            if "f" in children and (value is None or (not value.text and element.get("t") != "str")):
                found.add((row, column))
        elif name == "row":
            element.clear()
    return found


def _above_header(form: ReadForm, above: list[_Cells], first: bool, where: str) -> str | None:
    """Read the lines above a header: the form's title (on the first sheet or file with a header),
    the section they name; the section is returned. A line on a later sheet that is neither the
    title again nor a heading is listed."""
    section = None
    titles = []
    for cells in above:
        line = " ".join(text for text in cells.texts if text)
        if not line:
            continue
        if _HEADING.match(line):
            section = line
        elif first:
            titles.append(line)
        elif line not in (form.title or "").split("\n"):
            form.unread.append(Unread(f"{where}row {cells.number}", "a line above the form's header",
                                      shortened(line)))
    if first:
        form.title = "\n".join(titles) or None
    return section


# --- reading: CSV ----------------------------------------------------------------------------------

class _Lines:
    """A text's lines for :func:`csv.reader`, counting the characters taken."""

    def __init__(self, text: str) -> None:
        self._lines = io.StringIO(text, newline="")
        self.taken = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.taken += len(line)
        return line


def _csv_rows(text: str, delimiter: str, path: Path, form: ReadForm | None = None) -> Iterator[_Cells]:
    """A CSV file's rows as texts, up to :data:`MAX_ROWS` and :data:`MAX_COLUMNS`. Text further down
    is listed in ``form`` once, found without reading the rows one by one (a file of blank lines
    would take minutes). A field the CSV reader cannot hold refuses the file, naming its row."""
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:  # a field over the reader's limit; its text is not quoted (it may be anything)
            line = f" (line {reader.line_num})" if reader.line_num != number else ""
            raise FormError(f"expected {_CSV} whose fields can be read; found a field that cannot be read in row "
                            f"{number}{line} (a CSV field holds at most {csv.field_size_limit():,} characters): "
                            "check the file is the form saved as CSV and shorten that cell, or import the workbook "
                            "(.xlsx)", path=path) from None
        if number > MAX_ROWS:
            rest = re.compile(rf"[^\s{re.escape(delimiter)}\"]")
            if form is not None and (any(cell.strip() for cell in row) or rest.search(text, lines.taken)):
                form.unread.append(Unread(f"row {number}", f"rows after row {MAX_ROWS:,} (not read: at most "
                                                           f"{MAX_ROWS:,} rows are read)"))
            return
        texts = [_tidy(cell) for cell in row[:MAX_COLUMNS]]
        while texts and not texts[-1]:
            texts.pop()
        # a CSV saved from Excel writes a number as shown: 5.10 stored as a number is "5.1"
        yield _Cells(number, texts, frozenset(i for i, text in enumerate(texts) if _ONE_DECIMAL.match(text)),
                     guessed=True)


def _code_column(header: list[str]) -> int | None:
    """The column of a CSV's header naming the Code version its rows are assessed against (the CSV
    export's ``code_version``)."""
    for index, cell in enumerate(header):
        if " ".join(cell.lower().replace("_", " ").split()) == "code version":
            return index
    return None


def _rows_text(numbers: list[int]) -> str:
    """``row 4``, ``rows 2 and 3``, ``rows 2, 3, 4 and 57 more``."""
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    if len(numbers) <= 3:
        return f"rows {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"
    return f"rows {', '.join(map(str, numbers[:3]))} and {len(numbers) - 3:,} more"


def _stated_code(stated: dict[str, list[int]], path: Path) -> str | None:
    """The Code version a CSV's rows state, refused when they state more than one."""
    if len(stated) > 1:
        found = " and ".join(f"the {shortened(version, 20)} Code ({_rows_text(rows)})" for version, rows in stated.items())
        raise FormError(f"expected {_CSV} whose code_version column states one version of the Code; found rows "
                        f"stating {found}: a self-assessment is against one version, so import each version's rows "
                        "into the period assessed against it", path=path)
    return next(iter(stated), None)


def read_csv(path: Path | str) -> ReadForm:
    """``path``, a CSV file, read as the Ombudsman's form (see the module's description)."""
    path = Path(path)
    data = read_source(path, _CSV)
    kind = describe_start(data)
    if kind is not None:  # said here with a fix for a CSV file: a workbook is imported as .xlsx
        raise FormError(f"expected {_CSV}; found {kind}: import a workbook as .xlsx, or save the form from Excel as "
                        "CSV UTF-8 (comma delimited)", path=path)
    text = decode_text(data, path, _CSV)
    if not text.strip():
        raise FormError(f"expected {_CSV} with the form's header row ({_FORM_HEADER}); found an empty file",
                        path=path)
    best: tuple[int, str] | None = None
    unreadable: FormError | None = None
    for delimiter in (",", ";", "\t"):
        try:
            found, _ = _find_header(_csv_rows(text, delimiter, path))
        except FormError as exc:  # a field too long when split by this delimiter: another may read it
            unreadable = unreadable or exc
            continue
        if found is not None and (best is None or len(found[0].roles) > best[0]):
            best = (len(found[0].roles), delimiter)
    if best is None:
        if unreadable is not None:
            raise unreadable
        raise FormError(f"expected {_CSV} with the form's header row ({_FORM_HEADER}, in any order, separated "
                        f"by commas, semicolons or tabs) within its first {HEADER_WITHIN} rows; found none: check "
                        "the header row names the columns", path=path)
    delimiter = best[1]
    form = ReadForm(source=path.name, kind="csv")
    building: list[_Building] = []
    rows = _csv_rows(text, delimiter, path, form)
    found, above = _find_header(rows)
    assert found is not None
    columns, header = found
    section = _above_header(form, above, True, "")
    reader = _TableReader(form, building, "", code_column=_code_column(header))
    reader.read(columns, header, rows, section)
    form.stated_code = _stated_code(reader.stated, path)
    return _finish(form, building)


# --- writing ---------------------------------------------------------------------------------------

def _section_text(form: FilledForm, row: FilledRow) -> str:
    """The Section column: the section's number and title, and the part of it (``Stage 1``)."""
    titles = {section.number: section.title for section in form.sections}
    text = f"{row.section}. {titles[row.section]}" if row.section in titles else str(row.section)
    return f"{text}: {row.subsection}" if row.subsection else text


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


#: What an action column's line says for "none" (no owner, no due date), so that the lines of the
#: four columns stay aligned when a spreadsheet drops a blank line at the top of a cell.
NONE = "—"


def _unless_none(line: str) -> str:
    """An action column's line, blank for :data:`NONE` (or a dash typed for it)."""
    text = line.strip()
    return "" if text in (NONE, "–", "-") else text


def _action_columns(row: FilledRow) -> tuple[str, str, str, str]:
    """The four action cells: one line per action, aligned (:data:`NONE` for no owner or due date)."""
    lines = [(_one_line(a.text), _one_line(a.owner) or NONE, f"{a.due:%d/%m/%Y}" if a.due else NONE,
              "Yes" if a.done else "No")
             for a in row.actions]
    return tuple("\n".join(line[i] for line in lines) for i in range(4))  # type: ignore[return-value]


def _form_title(form: FilledForm) -> str:
    return f"{form.landlord_name}: {form.code_title} {form.code} self-assessment, {form.period}"


def _stamp(form: FilledForm) -> str:
    sha = form.answers_sha256 or "none (the answers were not yet saved)"
    return f"Made by chc-audit {form.product_version} on {form.made:%d/%m/%Y} from the answers with SHA-256 {sha}"


def _set_text(cell: Any, text: str, where: str) -> None:
    """Put ``text`` in ``cell`` as a string, never a formula (see the module's description)."""
    text = _ILLEGAL.sub("", text)
    if len(text) > EXCEL_CELL_LIMIT:
        raise FormError(f"expected texts Excel can hold (at most {EXCEL_CELL_LIMIT:,} characters a cell); found "
                        f"{len(text):,} characters in {where}: shorten it, or export the form as Word (.docx)")
    if not text:
        return  # a blank cell
    cell.value = text
    cell.data_type = "s"  # openpyxl takes a text starting "=" for a formula
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True  # Excel keeps it text when the cell is edited


def write_xlsx(form: FilledForm, path: Path | str) -> Path:
    """``form`` written as an Excel workbook at ``path`` (see the module's description)."""
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

    path = checked_output(path, "the Excel export")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Self-assessment"
    _set_text(sheet.cell(1, 1), _form_title(form), "the title")
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    _set_text(sheet.cell(2, 1), _stamp(form), "the title")
    sheet.cell(2, 1).font = Font(italic=True, color="595959")
    header_row = 3
    fill = PatternFill("solid", fgColor="D9E1F2")
    for column, title in enumerate(XLSX_HEADER, start=1):
        cell = sheet.cell(header_row, column)
        _set_text(cell, title, "the header")
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    from .interpret import evidence_line

    wrap = Alignment(wrap_text=True, vertical="top")
    status_rows = []
    for offset, row in enumerate(form.rows, start=1):
        number = header_row + offset
        evidence = "\n".join(BULLET + evidence_line(item) for item in row.evidence)
        values = (_section_text(form, row), row.number, row.requirement, row.comply, evidence, row.commentary,
                  *_action_columns(row))
        for column, text in enumerate(values, start=1):
            cell = sheet.cell(number, column)
            _set_text(cell, text, f"provision {row.number}, {XLSX_HEADER[column - 1]}")
            cell.alignment = wrap
            cell.number_format = "@"
        if not row.asks_for_value:
            status_rows.append(number)
    if status_rows:
        choices = DataValidation(type="list", formula1='"' + ",".join(COMPLY_CHOICES) + '"', allow_blank=True,
                                 showErrorMessage=True, errorTitle="Comply",
                                 error="Choose Yes, Partial, No or N/A.")
        for first, last in _runs(status_rows):
            choices.add(f"D{first}:D{last}" if last > first else f"D{first}")
        sheet.add_data_validation(choices)
    sheet.freeze_panes = sheet.cell(header_row + 1, 1).coordinate
    for letter, width in zip("ABCDEFGHIJ", (24, 10, 60, 12, 45, 50, 40, 22, 12, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    _signoff_sheet(book.create_sheet("Sign-off"), form)

    sha = form.answers_sha256 or "none"
    properties = book.properties
    properties.title = _form_title(form)
    properties.subject = f"Self-assessment against the Housing Ombudsman's {form.code_title} ({form.code})"
    properties.creator = f"chc-audit {form.product_version}"
    properties.version = form.product_version
    properties.identifier = f"answers-sha256:{sha}"
    properties.keywords = f"chc-audit {form.product_version}; answers-sha256:{sha}"
    properties.description = (f"Made by chc-audit {form.product_version} from the answers of {form.landlord} for "
                              f"{form.period} (SHA-256 {sha}).")
    made = dt.datetime.combine(form.made, dt.time())
    properties.created = made
    properties.modified = made
    book.custom_doc_props.append(StringProperty(name="chc-audit version", value=form.product_version))
    book.custom_doc_props.append(StringProperty(name="answers SHA-256", value=sha))
    buffer = io.BytesIO()
    book.save(buffer)
    return atomic_write_bytes(path, buffer.getvalue())


def _runs(numbers: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Consecutive runs in ascending ``numbers``, as (first, last)."""
    first = last = numbers[0]
    for number in numbers[1:]:
        if number != last + 1:
            yield first, last
            first = number
        last = number
    yield first, last


def _signoff_sheet(sheet: Any, form: FilledForm) -> None:
    from openpyxl.styles import Alignment, Font

    _set_text(sheet.cell(1, 1), "Sign-off", "the sign-off")
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    for column, title in enumerate(("", "Name", "Role", "Date"), start=1):
        _set_text(sheet.cell(3, column), title, "the sign-off")
        sheet.cell(3, column).font = Font(bold=True)
    signoffs: tuple[tuple[str, SignOff | None], ...] = (
        ("Prepared by", form.signoff.prepared),
        ("Reviewed by", form.signoff.reviewed),
        ("Approved by (governing body)", form.signoff.approved),
    )
    for number, (label, signoff) in enumerate(signoffs, start=4):
        texts = (label, signoff.name if signoff else "", (signoff.role or "") if signoff else "",
                 f"{signoff.date:%d/%m/%Y}" if signoff else "")
        for column, text in enumerate(texts, start=1):
            _set_text(sheet.cell(number, column), text, f"the sign-off, {label}")
            sheet.cell(number, column).alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (30, 30, 30, 14), strict=True):
        sheet.column_dimensions[letter].width = width


def _csv_safe(value: object) -> object:
    """A text a spreadsheet would run as a formula, with a single quote before it."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(form: FilledForm, path: Path | str) -> Path:
    """``form``'s provisions, statuses and short fields as CSV at ``path`` (see the module's description)."""
    path = checked_output(path, "the CSV export")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in form.rows:
        open_actions = [action for action in row.actions if not action.done]
        dues = sorted(action.due for action in open_actions if action.due is not None)
        writer.writerow([_csv_safe(value) for value in (
            form.code, row.section, row.number, row.tier or "", row.comply, len(row.evidence), len(open_actions),
            dues[0].isoformat() if dues else "", form.product_version, form.answers_sha256 or "",
        )])
    return atomic_write_text(path, buffer.getvalue())


__all__ = ["COMPLY_CHOICES", "CSV_HEADER", "XLSX_HEADER", "read_csv", "read_xlsx", "write_csv", "write_xlsx"]
