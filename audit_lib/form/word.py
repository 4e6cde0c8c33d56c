"""The Ombudsman's self-assessment form in Word (.docx): read a landlord's filled-in form, and
write the answers as the form landlords publish.

**Reading** (:func:`read_docx`) walks every table of the document in order, nested ones and
those inside content controls included. A table whose header row (one of its first rows) names
the form's columns (:func:`.columns.header_columns`) is a form table; each row below the header
is a :class:`~.rows.FormRow` with its cells' texts as printed. A row with a blank number cell is
the rest of the row above, split across a page: its texts are added to that row's cells, unless
it states a status of its own (a Comply cell or a tick filled): then it is a row without a
number. A row
merged across the table, or whose number cell reads "Section 1 - Definition of a complaint", is
a section heading: it names the section of the rows below (the 2022 form's "Mandatory 'must'
requirements" and "Stage 1" subheadings are passed over, keeping the section). A paragraph
between tables that reads "Section N ..." names the section too. A table broken over a
page into a new table continues the form, whether or not it repeats the header (without one, it
must have the form table's number of columns). Any other table is listed as unread; a column
under a header cell naming no column of the form is listed once (with how many cells it fills),
any other cell under no column of the form one by one; the paragraphs around the tables are the
form's preamble. The status is the Comply cell's text or, in a form with a tick column per
status ("Yes | No | Partial | N/A"), the status of the column ticked
(:meth:`.columns.Columns.status`): a tick typed, a symbol inserted from Wingdings or Symbol, or
a checkbox content control or a legacy check box form field ticked (☒ beside empty boxes ☐).

Cells are read by their place in the table's grid: a cell merged across columns is read once, at
its first column; a cell merged down the rows is read once for a row split across pages, and for
each provision it spans when it spans several (one "Yes" merged down three provisions answers
all three). Each paragraph of a cell is a line; a paragraph of a bulleted or numbered list is a
line starting :data:`~.rows.BULLET`; blank paragraphs at the top and bottom of a cell are
dropped, those between lines kept (so commentary written in paragraphs reads back as written).
Deleted text of tracked changes is not read;
inserted text is.

**Writing** (:func:`write_docx`) lays out a :class:`~.filled.FilledForm`: the title, the form's
preamble (:data:`PREAMBLES`), one table per section with the five columns of the 2024 form (the
header row repeats on every page; the 2022 form's "must" and "should" tiers and the stages are
subheading rows), evidence as a bulleted list, commentary followed by the actions, and the
sign-off. Evidence items and actions are written with :func:`.interpret.evidence_line` and
:func:`.interpret.action_line`, so that importing the file gives the same answers back. The
document's properties carry the product version and the answers' SHA-256. The file is written
whole or not at all (a temporary file in the same folder, then renamed over the target).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.io import atomic_write_bytes
from ..errors import FormError
from .columns import Columns, Role, column_not_read, header_columns
from .rows import BULLET, FormAction, FormRow, ReadForm, Unread, shortened
from .source import checked_output, package_names, read_source

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.table import Table, _Cell

    from .filled import FilledForm, FilledRow

# ---------------------------------------------------------------------------------------------
# The form's wording
# ---------------------------------------------------------------------------------------------

#: The form's preamble, by Code version: what the Ombudsman's self-assessment form says above its
#: tables. 2022: word for word the Ombudsman's 2022 form (Appendix B of the 2022 Code), as
#: landlords publish it (seed 004, lines 7-11). 2024: the instructions of the Ombudsman's 2024
#: form (completed by the complaints officer; reviewed and approved by the governing body at
#: least once a year; published in the annual complaints performance and service improvement
#: report with the governing body's response; every statement supported by evidence), in this
#: product's words, as no seed holds the 2024 form's own. 2020: the 2022 form's first two
#: sentences, which the 2020 form's instructions said in substance.
PREAMBLES: dict[str, tuple[str, ...]] = {
    "2024": (
        "This self-assessment is completed by the complaints officer, and reviewed and approved by the "
        "landlord's governing body at least once a year.",
        "Once approved, it is published on the landlord's website as part of the annual complaints performance "
        "and service improvement report, together with the governing body's response to that report.",
        "Every statement is supported by evidence, with commentary and explanations where needed.",
    ),
    "2022": (
        "This self-assessment form should be completed by the complaints officer and discussed at the landlord's "
        "governing body annually.",
        "Evidence should be included to support all statements with additional commentary as necessary.",
        "Explanations must also be provided where a mandatory 'must' requirement is not met to set out the "
        "rationale for the alternative approach adopted and why this delivers a better outcome.",
    ),
    "2020": (
        "This self-assessment form should be completed by the complaints officer and discussed at the landlord's "
        "governing body annually.",
        "Evidence should be included to support all statements with additional commentary as necessary.",
    ),
}

#: The header row the form's tables are written with, by Code version (the 2024 form's five
#: columns; the older forms name the first column "Code section").
HEADERS: dict[str, tuple[str, ...]] = {
    "2024": ("Code provision", "Code requirement", "Comply: Yes / No", "Evidence", "Commentary / explanation"),
}
_OLDER_HEADER = ("Code section", "Code requirement", "Comply: Yes / No", "Evidence", "Commentary / explanation")

#: The 2022 form's tier subheadings, as the Ombudsman's 2022 form words them (seed 004).
TIER_HEADINGS = {"must": "Mandatory 'must' requirements", "should": "Best practice 'should' requirements"}

SUBJECT = "Complaint Handling Code self-assessment"

#: What a heading row or paragraph naming a section reads like: "Section 1 - Definition of a
#: complaint", "Section 6: Complaint stages", "SECTION 2".
_SECTION = re.compile(r"^\s*section\s+\d+\b", re.IGNORECASE)
#: Subheadings inside a section that do not change it: the 2022 form's tiers, the stages.
_SUBHEADING = re.compile(
    r"^\s*((mandatory|best practice|voluntary|discretionary)?\s*['‘’\"]?(must|should)['‘’\"]?\s+requirements"
    r"|stage\s+(\d+|one|two|three))\s*:?\s*$",
    re.IGNORECASE,
)
#: The first column of the sign-off table this module writes.
_SIGNOFF_LABELS = ("prepared by", "reviewed by", "approved by")

#: How many rows at the top of a table are looked at for the form's header.
_HEADER_ROWS = 5

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Characters XML 1.0 (and so Word) cannot hold, removed from texts written.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


#: What a Word document is, and how to make one, in the refusals.
_WHAT = "a Word .docx file"
_FIX = "save it from Word as a Word Document (.docx)"


def _open(path: Path) -> DocumentObject:
    """The document at ``path``, refused (as :class:`FormError`) unless it is an ordinary Word
    file: read once (:func:`.source.read_source`), and its package checked before python-docx
    opens it (:func:`.source.package_names`: a zip holding ``word/document.xml``, unpacking to at
    most :data:`.source.MAX_UNPACKED`)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    data = read_source(path, _WHAT)
    package_names(data, path, what=_WHAT, part="word/document.xml", fix=_FIX)
    try:
        return docx.Document(io.BytesIO(data))
    # lxml's XMLSyntaxError (a damaged part) is a SyntaxError.
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError, OSError):
        raise FormError(f"expected {_WHAT}; found a Word file of another kind (a macro-enabled .docm or a template "
                        f".dotx) or a damaged one: {_FIX}", path=path) from None


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


#: Symbols inserted from a symbol font (``w:sym``), as ticks and boxes are: (font, code) -> the
#: character shown. Others read as U+FFFD, so that a tick of a font not known here is not lost.
_SYMBOLS: dict[tuple[str, int], str] = {
    ("wingdings", 0xFC): "✓", ("wingdings", 0xFB): "✗", ("wingdings", 0xFE): "☑", ("wingdings", 0xFD): "☒",
    ("wingdings", 0xA8): "☐", ("wingdings", 0x6F): "☐",
    ("wingdings 2", 0x50): "✓", ("wingdings 2", 0x4F): "✗", ("wingdings 2", 0x52): "☑", ("wingdings 2", 0x54): "☒",
    ("wingdings 2", 0xA3): "☐",
    ("symbol", 0xB7): "•", ("symbol", 0xD6): "√",
}


def _symbol(sym: Any) -> str:
    """The character a ``w:sym`` shows (its code may be given as ``F0FC`` or ``FC``)."""
    font = (sym.get(f"{_W}font") or "").strip().lower()
    try:
        code = int(sym.get(f"{_W}char") or "", 16)
    except ValueError:
        return "\ufffd"
    return _SYMBOLS.get((font, code - 0xF000 if code >= 0xF000 else code), "\ufffd")


def _on(element: Any) -> bool:
    """The value of an on/off property (``w:checked``, ``w:default``): on unless its ``w:val``
    says "0", "false" or "off"."""
    return (element.get(f"{_W}val") or "1").strip().lower() not in ("0", "false", "off")


def _check_box(field_start: Any) -> str:
    """What a legacy check box form field (FORMCHECKBOX) shows, from the ``w:fldChar`` starting it:
    ☒ ticked, ☐ not (its ``w:checked`` state, else its ``w:default``), as Word's checkbox content
    controls show them; ``""`` for a field that is no check box."""
    box = field_start.find(f"{_W}ffData/{_W}checkBox")
    if box is None:
        return ""
    state = box.find(f"{_W}checked")
    if state is None:
        state = box.find(f"{_W}default")
    return "☒" if state is not None and _on(state) else "☐"


def _text_of(element: Any) -> str:
    """The text of a paragraph (or of a run inside one) as displayed: runs, hyperlinks, fields'
    results, inserted text, symbols (:data:`_SYMBOLS`) and legacy check boxes (☒ or ☐); tabs and
    line breaks as ``\\t`` and ``\\n``; never deleted text, field codes, or the paragraphs of a
    text box drawn in it (read as paragraphs of their own)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        for child in node:
            name = _local(child)
            if name in ("del", "moveFrom", "txbxContent", "instrText", "delText", "rPr", "pPr", "Fallback"):
                continue
            if name == "t":
                parts.append(child.text or "")
            elif name == "tab":
                parts.append("\t")
            elif name in ("br", "cr"):
                parts.append("\n")
            elif name == "noBreakHyphen":
                parts.append("-")
            elif name == "sym":
                parts.append(_symbol(child))
            elif name == "fldChar":
                parts.append(_check_box(child))
            else:
                walk(child)

    walk(element)
    return "".join(parts)


class _Styles:
    """The document's paragraph styles: which are headings, which are list styles."""

    def __init__(self, document: DocumentObject) -> None:
        self.names: dict[str, str] = {}
        self.numbered: set[str] = set()
        for style in document.styles.element.iterchildren(f"{_W}style"):
            style_id = style.get(f"{_W}styleId")
            if not style_id:
                continue
            name_element = style.find(f"{_W}name")
            name = name_element.get(f"{_W}val") if name_element is not None else style_id
            self.names[style_id] = name or style_id
            if style.find(f"{_W}pPr/{_W}numPr/{_W}numId") is not None:
                self.numbered.add(style_id)

    def style_of(self, p: Any) -> tuple[str, str]:
        """(style id, style name) of paragraph ``p`` (``("", "")`` for the default)."""
        style = p.find(f"{_W}pPr/{_W}pStyle")
        style_id = style.get(f"{_W}val", "") if style is not None else ""
        return style_id, self.names.get(style_id, style_id)

    def is_list(self, p: Any) -> bool:
        """Whether paragraph ``p`` is an item of a bulleted or numbered list."""
        num = p.find(f"{_W}pPr/{_W}numPr/{_W}numId")
        if num is not None:
            return num.get(f"{_W}val") != "0"  # numId 0 switches the style's numbering off
        style_id, name = self.style_of(p)
        return style_id in self.numbered or re.match(r"list (bullet|number)", name, re.IGNORECASE) is not None

    def is_heading(self, p: Any) -> bool:
        _, name = self.style_of(p)
        return re.match(r"(title|heading\b)", name, re.IGNORECASE) is not None


def _inside_table(element: Any, stop: Any) -> bool:
    """Whether ``element`` sits in a table below ``stop`` (an ancestor of it)."""
    node = element.getparent()
    while node is not None and node is not stop:
        if _local(node) == "tbl":
            return True
        node = node.getparent()
    return False


def _cell_text(tc: Any, styles: _Styles) -> str:
    """A cell's text: each paragraph a line (list items starting with :data:`BULLET`), blank
    paragraphs dropped at either end and kept between lines (commentary written in paragraphs).
    Nested tables are not part of the cell's text: they are read as tables of their own."""
    lines: list[str] = []
    for p in tc.iter(f"{_W}p"):
        if _inside_table(p, tc):
            continue
        text = _text_of(p)
        pieces = [piece.strip() for piece in text.split("\n")]
        if styles.is_list(p) and any(pieces):
            first = next(i for i, piece in enumerate(pieces) if piece)
            pieces[first] = BULLET + pieces[first]
        lines.extend(pieces)
    return _tidy_lines(lines)


def _tidy_lines(lines: Sequence[str]) -> str:
    """``lines`` joined, without the blank lines at either end."""
    start, end = 0, len(lines)
    while start < end and not lines[start]:
        start += 1
    while end > start and not lines[end - 1]:
        end -= 1
    return "\n".join(lines[start:end])


@dataclass
class _Slot:
    """One column of a table row: its text, and how it came to be there."""

    text: str
    #: "own": the cell starts here; "span": a later column of a cell merged across; "below": a
    #: cell merged down from the row above.
    kind: str
    tc: Any = None


def _own(parent: Any, name: str) -> list[Any]:
    """The ``w:<name>`` elements of a table or row (``tr`` or ``tc``), those inside content
    controls included, but not those of a table nested in it."""
    container = "tbl" if name == "tr" else "tr"
    found = []
    for element in parent.iter(f"{_W}{name}"):
        node = element.getparent()
        while node is not None and _local(node) != container:
            node = node.getparent()
        if node is parent:
            found.append(element)
    return found


def _grid_rows(tbl: Any, styles: _Styles) -> list[list[_Slot]]:
    """Each row of a table as one :class:`_Slot` per column of its grid."""
    texts: dict[Any, str] = {}
    rows: list[list[_Slot]] = []
    for tr in _own(tbl, "tr"):
        slots = [_Slot("", "span") for _ in range(tr.grid_before)]
        for tc in _own(tr, "tc"):
            top = tc
            while top.vMerge == "continue":
                try:
                    top = top._tc_above  # the cell at the same column in the row above
                except ValueError:  # merged down from nothing: read as a cell of its own
                    break
            if top is tc:
                if tc not in texts:
                    texts[tc] = _cell_text(tc, styles)
                slots.append(_Slot(texts[tc], "own", tc))
            else:
                if top not in texts:
                    texts[top] = _cell_text(top, styles)
                slots.append(_Slot(texts[top], "below", top))
            slots.extend(_Slot("", "span", tc) for _ in range(max(tc.grid_span, 1) - 1))
        rows.append(slots)
    return rows


def _column_count(tbl: Any, rows: Sequence[Sequence[_Slot]]) -> int:
    grid = tbl.find(f"{_W}tblGrid")
    declared = len(grid.findall(f"{_W}gridCol")) if grid is not None else 0
    return max([declared, *(len(row) for row in rows)])


def _signoff_table(rows: Sequence[Sequence[_Slot]]) -> bool:
    """Whether a table is the form's sign-off: "Prepared by", "Reviewed by", "Approved by" down
    its first column."""
    labels = [row[0].text.lower() for row in rows[:4] if row]
    return any(label.startswith(_SIGNOFF_LABELS) for label in labels)


@dataclass
class _Building:
    """A form row being read (a row split across pages grows as its pieces are read)."""

    where: str
    number: str | None
    section: str | None
    combined: bool
    cells: dict[str, list[str]] = field(default_factory=dict)
    actions: list[dict[str, list[str]]] = field(default_factory=list)

    def add(self, role: str, text: str) -> None:
        if text:
            self.cells.setdefault(role, []).append(text)

    def add_action(self, parts: dict[str, str], *, new: bool) -> None:
        if not any(parts.values()):
            return
        if new or not self.actions:
            self.actions.append({})
        for role, text in parts.items():
            if text:
                self.actions[-1].setdefault(role, []).append(text)

    def row(self) -> FormRow:
        def joined(role: str, source: dict[str, list[str]] | None = None) -> str:
            return "\n".join((self.cells if source is None else source).get(role, []))

        return FormRow(
            where=self.where,
            number=self.number,
            requirement=joined("requirement"),
            status=joined("status"),
            evidence=joined("evidence"),
            commentary=joined("commentary"),
            combined=self.combined,
            actions=tuple(FormAction(text=joined("action", a), owner=joined("owner", a), due=joined("due", a),
                                     done=joined("done", a)) for a in self.actions),
            section=self.section,
        )


_TEXT_ROLES: tuple[Role, ...] = ("requirement", "status", "evidence", "commentary")
_ACTION_ROLES: tuple[Role, ...] = ("action", "owner", "due", "done")


class _Reader:
    """One pass over a document, in order: paragraphs outside tables, and tables."""

    def __init__(self, document: DocumentObject, source: str) -> None:
        self.document = document
        self.styles = _Styles(document)
        self.form = ReadForm(source=source, kind="docx")
        self.section: str | None = None
        self.building: _Building | None = None
        #: The columns and width of the last table read, when it was a form table (a table that
        #: follows with the same width and no header continues it).
        self.last_form: tuple[Columns, int] | None = None
        self.tables = 0
        self.form_tables = 0
        self.title_fallback: str | None = None
        #: The header cells of the form table being read (a table continuing it keeps them).
        self.header: list[str] = []
        #: Columns under a header cell naming no column of the form: header in lower case -> (the
        #: header, where first seen, how many filled cells), listed once each at the end.
        self.extra: dict[str, tuple[str, str, int]] = {}

    def read(self) -> ReadForm:
        body = self.document.element.body
        for element in body.iter(f"{_W}p", f"{_W}tbl"):
            if _local(element) == "tbl":
                self.table(element, nested=_inside_table(element, body))
            elif not _inside_table(element, body):
                self.paragraph(element)
        self.finish_row()
        for title, where, count in self.extra.values():
            self.form.unread.append(Unread(where, column_not_read(title, count)))
        if self.form.title is None and self.title_fallback is not None:
            self.form.title = self.title_fallback
        return self.form

    # -- paragraphs outside tables: the title, section headings, the preamble -------------------

    def paragraph(self, p: Any) -> None:
        text = " ".join(_text_of(p).split())
        if not text:
            return
        section = _SECTION.match(text) is not None and len(text) <= 200
        heading = self.styles.is_heading(p)
        if self.form.title is None and heading and not section:
            self.form.title = text
        elif self.title_fallback is None and self.tables == 0 and not section and len(text) <= 200:
            self.title_fallback = text  # a title typed in bold rather than in a heading style
        if section:
            self.finish_row()
            self.section = text
        elif heading and not _SUBHEADING.match(text):
            self.last_form = None  # a new part of the document: a table below it starts afresh

    # -- tables ---------------------------------------------------------------------------------

    def table(self, tbl: Any, *, nested: bool = False) -> None:
        """Read a table: the form's (its rows), or another (listed). A table nested in a cell
        does not break a form table continued over a page."""
        self.tables += 1
        kept = self.last_form
        number = self.tables
        rows = _grid_rows(tbl, self.styles)
        width = _column_count(tbl, rows)
        columns: Columns | None = None
        start = 0
        for index, slots in enumerate(rows[:_HEADER_ROWS]):
            columns = header_columns([slot.text if slot.kind == "own" else "" for slot in slots])
            if columns is not None:
                start = index + 1
                self.header = [" ".join(slot.text.split()) if slot.kind == "own" else "" for slot in slots]
                break
        if columns is None and self.last_form is not None and self.last_form[1] == width and not _signoff_table(rows):
            columns = self.last_form[0]  # the form table continued over a page without its header
        if columns is None:
            self.last_form = kept if nested else None
            self.not_a_form(number, rows)
            return
        self.form_tables += 1
        self.last_form = (columns, width)
        for index, slots in enumerate(rows[: max(start - 1, 0)]):
            self.above_header(number, index + 1, slots, columns)
        for index in range(start, len(rows)):
            self.row(number, index + 1, rows[index], columns)

    def not_a_form(self, number: int, rows: Sequence[Sequence[_Slot]]) -> None:
        first = [slot.text for slot in rows[0] if slot.kind == "own" and slot.text] if rows else []
        text = " | ".join(first)
        if _signoff_table(rows):
            self.form.unread.append(Unread(f"table {number}", "the form's sign-off table (not imported: sign off "
                                           "in the workbook)", shortened(text)))
            return
        self.form.unread.append(Unread(f"table {number}", "table without the form's header", shortened(text)))

    def above_header(self, number: int, row: int, slots: Sequence[_Slot], columns: Columns) -> None:
        heading = self.heading(slots, columns)
        if heading is not None:
            return
        texts = [slot.text for slot in slots if slot.kind == "own" and slot.text]
        if texts:
            self.form.unread.append(Unread(f"table {number}, row {row}", "row above the form's header",
                                           shortened(" | ".join(texts))))

    def heading(self, slots: Sequence[_Slot], columns: Columns) -> str | None:
        """The heading text when the row is a section heading or a subheading (and sets the
        section when it names one), else ``None``."""
        own = [slot for slot in slots if slot.kind == "own"]
        filled = [slot.text for slot in own if slot.text]
        if not filled or any(slot.kind == "below" and slot.text for slot in slots):
            return None
        text = " ".join(filled[0].split())
        merged = len(own) == 1 and len(slots) > 1  # one cell across the whole table
        same = len(filled) > 1 and len({" ".join(t.split()) for t in filled}) == 1 and len(filled) == len(own)
        number_index = columns.roles.get("number")
        number_text = slots[number_index].text if number_index is not None and number_index < len(slots) else ""
        only_number = len(filled) == 1 and " ".join(number_text.split()) == text
        if not (merged or same or (only_number and (_SECTION.match(text) or _SUBHEADING.match(text)))):
            return None
        if header_columns([slot.text if slot.kind == "own" else "" for slot in slots]) is not None:
            return None
        if not _SUBHEADING.match(text):
            self.section = text
        self.finish_row()
        return text

    def row(self, number: int, row_number: int, slots: Sequence[_Slot], columns: Columns) -> None:
        where = f"table {number}, row {row_number}"
        if self.heading(slots, columns) is not None:
            return
        own = [slot.text if slot.kind == "own" else "" for slot in slots]
        if header_columns(own) is not None:
            return  # the header repeated (a table pasted together from pages)
        number_text = columns.cell(own, "number").strip()
        new = bool(number_text)
        # a blank number continues the row above, unless the row states a status of its own
        # (its own cells: a status merged down from the row above is that row's)
        own_status = bool(columns.status(own).strip())
        # A cell merged down from the row above: read once for a row split over pages, again for
        # each further provision it spans.
        texts = [slot.text if slot.kind == "own" or (new and slot.kind == "below") else "" for slot in slots]
        if not any(text.strip() for text in texts):
            return
        section_cell = columns.cell(texts, "section").strip()
        if new:
            self.finish_row()
            self.building = _Building(where=where, number=" ".join(number_text.split()),
                                      section=section_cell or self.section, combined="combined" in columns.roles)
        elif self.building is None or own_status:
            if not own_status and not any(columns.cell(texts, role).strip() for role in (
                    "requirement", "status", "evidence", "commentary", "combined")):
                self.unread_cells(where, texts, columns, everything=True)
                return
            self.finish_row()
            # A row with no number and nothing above it to continue, or with a status of its
            # own: a row without a number (a question matched by its wording, or listed).
            self.building = _Building(where=where, number=None, section=section_cell or self.section,
                                      combined="combined" in columns.roles)
        building = self.building
        for role in _TEXT_ROLES:
            text = columns.status(texts) if role == "status" else columns.cell(texts, role)
            building.add(role, text.strip())
        building.add("commentary", columns.cell(texts, "combined").strip())
        building.add_action({role: columns.cell(texts, role).strip() for role in _ACTION_ROLES}, new=new)
        self.unread_cells(where, texts, columns, table=number)

    def unread_cells(self, where: str, texts: Sequence[str], columns: Columns, *, everything: bool = False,
                     table: int = 0) -> None:
        """List the row's cells under no column of the form: those under a header cell naming
        another column are counted, to be listed once by their column; others one by one."""
        if everything:
            found = " | ".join(text for text in texts if text.strip())
            self.form.unread.append(Unread(where, "row without a provision number, with nothing above it to "
                                           "continue", shortened(found)))
            return
        for index in columns.others(texts):
            title = self.header[index] if index < len(self.header) else ""
            if title:
                _, first, count = self.extra.get(title.lower(), (title, f"table {table}, column {index + 1}", 0))
                self.extra[title.lower()] = (title, first, count + 1)
                continue
            self.form.unread.append(Unread(f"{where}, column {index + 1}", "cell under no column of the form",
                                           shortened(texts[index])))

    def finish_row(self) -> None:
        if self.building is not None:
            self.form.rows.append(self.building.row())
            self.building = None


def read_docx(path: Path) -> ReadForm:
    """The rows of the Ombudsman's form in the Word document at ``path``, as printed.

    :class:`FormError` (naming the file) for a symbolic link, a missing, empty or too large file
    (:data:`.source.MAX_BYTES`), a file that is not a Word .docx document, a document unpacking to
    more than :data:`.source.MAX_UNPACKED`, and a document with no table headed as the form's.
    """
    path = Path(path)
    document = _open(path)
    reader = _Reader(document, path.name)
    form = reader.read()
    # Written by this product's exports: its cells are read literally (see ReadForm.literal).
    form.literal = (document.core_properties.identifier or "").startswith("answers-sha256:")
    if reader.form_tables == 0:
        found = (f"its {reader.tables} table{'s' if reader.tables != 1 else ''} have other headers" if reader.tables
                 else "the document has no tables")
        raise FormError("no table with the form's header (Code provision | Code requirement | Comply | Evidence | "
                        f"Commentary) was found; {found}. Check that this is the self-assessment form, and that its "
                        "table has a header row naming at least the provision and the Comply columns", path=path)
    return form


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

#: Column widths of the form's table on a landscape A4 page with 1.5 cm margins (26.7 cm).
_WIDTHS_CM = (2.6, 7.1, 2.4, 7.3, 7.3)
_SIGNOFF_WIDTHS_CM = (6.0, 8.0, 8.0, 4.7)


def _clean(text: str) -> str:
    """``text`` as Word can hold it: line endings as ``\\n``, no control characters."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _set_cell_width(cell: _Cell, cm: float) -> None:
    from docx.shared import Cm

    cell.width = Cm(cm)


def _column_widths(table: Table, widths: Sequence[float]) -> None:
    """The table's grid (what LibreOffice lays a fixed table out by; Word goes by the cells')."""
    from docx.shared import Cm

    for column, cm in zip(table.columns, widths):
        column.width = Cm(cm)


def _shade(cell: _Cell, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_as_header(row: Any) -> None:
    """Mark a table row as its header, repeated at the top of each page (``w:tblHeader``)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _put_lines(cell: _Cell, lines: Sequence[str], *, style: str | None = None, bold: bool = False) -> None:
    """Write ``lines`` into ``cell``, one paragraph each (the cell's first, empty paragraph first)."""
    first = True
    for line in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        if style is not None:
            paragraph.style = style
        if line:
            run = paragraph.add_run(_clean(line))
            run.bold = bold or None


def _requirement_lines(text: str) -> list[str]:
    return [line.rstrip() for line in _clean(text).split("\n")]


def _subheading_row(table: Table, text: str) -> None:
    row = table.add_row()
    merged = row.cells[0].merge(row.cells[-1])
    _put_lines(merged, [text], bold=True)
    _shade(merged, "F2F2F2")


def _provision_row(table: Table, item: FilledRow) -> None:
    from .interpret import action_line, evidence_line

    cells = table.add_row().cells
    for cell, width in zip(cells, _WIDTHS_CM):
        _set_cell_width(cell, width)
    _put_lines(cells[0], [item.number])
    _put_lines(cells[1], _requirement_lines(item.requirement))
    _put_lines(cells[2], _clean(item.comply).split("\n") if item.comply else [""])
    if item.evidence:
        _put_lines(cells[3], [evidence_line(e) for e in item.evidence], style="List Bullet")
    commentary = _clean(item.commentary).strip("\n").split("\n") if item.commentary.strip() else []
    lines = commentary + [action_line(action) for action in item.actions]
    _put_lines(cells[4], lines or [""])


def _form_table(document: DocumentObject, form: FilledForm, section: int) -> None:
    header = HEADERS.get(form.code, _OLDER_HEADER)
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    _column_widths(table, _WIDTHS_CM)
    head = table.rows[0]
    _repeat_as_header(head)
    for cell, text, width in zip(head.cells, header, _WIDTHS_CM):
        _set_cell_width(cell, width)
        _put_lines(cell, [text], bold=True)
        _shade(cell, "D9E2F3")
    rows = form.rows_in(section)
    # The 2022 form: the 'must' provisions, then the 'should' ones, each under its subheading.
    groups: list[str | None] = [None] if any(row.tier not in TIER_HEADINGS for row in rows) else []
    groups += [tier for tier in TIER_HEADINGS if any(row.tier == tier for row in rows)]
    for tier in groups:
        in_tier = [row for row in rows if (row.tier if row.tier in TIER_HEADINGS else None) == tier]
        if tier is not None:
            _subheading_row(table, TIER_HEADINGS[tier])
        subsection: str | None = None
        for item in in_tier:
            if item.subsection and item.subsection != subsection:
                _subheading_row(table, item.subsection)
            subsection = item.subsection
            _provision_row(table, item)


def _date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _signoff(document: DocumentObject, form: FilledForm) -> None:
    document.add_heading("Sign-off", level=1)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.autofit = False
    _column_widths(table, _SIGNOFF_WIDTHS_CM)
    for cell, text, width in zip(table.rows[0].cells, ("", "Name", "Role", "Date"), _SIGNOFF_WIDTHS_CM):
        _set_cell_width(cell, width)
        _put_lines(cell, [text], bold=True)
        _shade(cell, "D9E2F3")
    signoffs = form.signoff
    for label, signed in (("Prepared by", signoffs.prepared), ("Reviewed by", signoffs.reviewed),
                          ("Approved by the governing body", signoffs.approved)):
        cells = table.add_row().cells
        texts = (label, signed.name if signed else "", (signed.role or "") if signed else "",
                 _date(signed.date) if signed else "")
        for cell, text, width in zip(cells, texts, _SIGNOFF_WIDTHS_CM):
            _set_cell_width(cell, width)
            _put_lines(cell, [text], bold=cell is cells[0])


def title_of(form: FilledForm) -> str:
    """The form's title: "<landlord> – Self-assessment against the Housing Ombudsman's Complaint
    Handling Code (<code> Code)"."""
    return (f"{form.landlord_name} – Self-assessment against the Housing Ombudsman's Complaint Handling Code "
            f"({form.code} Code)")


def _page_setup(document: DocumentObject) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))


def _properties(document: DocumentObject, form: FilledForm) -> None:
    props = document.core_properties
    hex_digest = form.answers_sha256 or "none"
    props.title = _clean(title_of(form))
    props.subject = SUBJECT
    props.author = _clean(form.landlord_name)
    props.last_modified_by = _clean(form.landlord_name)
    props.version = form.product_version
    props.identifier = f"answers-sha256:{hex_digest}"
    props.comments = (f"Made by chc-audit {form.product_version} from answers with SHA-256 {hex_digest}"
                      if form.answers_sha256 else
                      f"Made by chc-audit {form.product_version} from answers not yet saved to a file")
    props.keywords = f"Complaint Handling Code {form.code}; {form.period}"
    props.category = SUBJECT
    props.language = "en-GB"
    props.revision = 1
    made = dt.datetime.combine(form.made, dt.time(0, 0))
    props.created = made
    props.modified = made


def docx_bytes(form: FilledForm) -> bytes:
    """The Word document of ``form`` (what :func:`write_docx` writes)."""
    import docx

    document = docx.Document()
    _page_setup(document)
    _properties(document, form)
    document.add_heading(_clean(title_of(form)), level=0)
    document.add_paragraph(_clean(f"Assessment period: {form.period}. Assessed against the {form.code_title} "
                                  f"({form.code}). Produced on {form.made.day} {form.made:%B %Y}."))
    for text in PREAMBLES.get(form.code, PREAMBLES["2024"]):
        document.add_paragraph(text)
    for section in form.filled_sections:
        document.add_heading(_clean(f"Section {section.number}: {section.title}"), level=1)
        _form_table(document, form, section.number)
    _signoff(document, form)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


#: What :func:`write_docx` writes, in its refusals.
_OUTPUT = "the Word form"


def write_docx(form: FilledForm, path: Path) -> None:
    """Write ``form`` as the Ombudsman's self-assessment form to ``path`` (a Word .docx file).

    The file appears whole or not at all. :class:`FormError` for a symbolic link or a folder at
    ``path`` and for a file that cannot be written (the message says why).
    """
    path = checked_output(path, _OUTPUT)
    data = docx_bytes(form)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        checked_output(path, _OUTPUT)  # again: the folder may have changed while the file was made
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise FormError(f"expected to write the Word file; found it cannot be written ({exc.strerror or exc}): "
                        "check that the folder exists and can be written, and that the file is not open in Word",
                        path=path) from None


__all__ = ["HEADERS", "PREAMBLES", "SUBJECT", "TIER_HEADINGS", "docx_bytes", "read_docx", "title_of", "write_docx"]
