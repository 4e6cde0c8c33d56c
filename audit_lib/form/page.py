"""Published pages: a landlord's self-assessment as HTML saved from its website, or as text
extracted from a PDF or a web page.

**Text** (:func:`read_text`) comes in the shapes published pages take:

* *Tab-separated rows* under the form's header ("Code provision<TAB>Code requirement<TAB>Comply:
  Yes / No<TAB>Evidence"): a line with tabs starting with a provision number is a row, and the
  lines after it continue it until the next row, heading or header. A continuation line's tabs
  say which cell it continues ("<TAB><TAB><TAB>more" continues the fourth); a line without tabs,
  straight after the row, continues the last cell written, even when it starts with a number
  ("1.3 Definitions of the policy are in section 2": a cell's text wrapped, not row 1.3). A cell holding HTML fragments ("<p>..</p>
  <p>..</p>", "<i>", lists) is reduced to its text: a paragraph or a line break a new line, a
  list item a bulleted line.
* *Rows whose columns lost their tabs*, the number glued to the requirement ("1.2A complaint
  must be ..."): the requirement runs until a status ("Y", "Yes", "No", "Partial", "N/A") alone
  on a line or glued to the end of one ("... own merits.Y"); the paragraphs after it are the
  evidence, each "- ..." line a bulleted line. A status may also stand on a labelled line of its
  own ("Compliant: Yes", "Comply: No", "Status: Partial": a Comply column's label, then a status,
  as pages laid out without a table print it, a heading per provision), after a question naming
  the Comply column ("Do we comply? Yes", "Are we compliant? No"), or on the line under the label
  alone ("Compliant:" then "No", as a definition list prints it; "Compliant" alone with no status
  under it is the status it says); the lines after it are
  the evidence when bulleted and the commentary otherwise ("Evidence:" and "Comments:" lines
  say which). The header may be printed over several lines
  ("Code" / "provision" / "Code requirementComply:" / ...). With nothing but the number to go
  by, a line starts a row only when its number comes in sequence (one not read before, in the
  same section or among the first of the next; any after a section heading) and its wording
  starts with a capital or a quote (in small letters only for the very next number): a line of
  evidence starting "1.2 Of the policy ..." under row 1.3 is evidence.
* *A questionnaire without numbers* (the 2020 Code's): each paragraph is a row with no number
  and the paragraph as its requirement, for :mod:`.match` to recognise the questions by their
  wording and take the paragraphs between them as the answers.

In a table (tab-separated or HTML), a form with a tick column per status ("Yes | No | Partial |
N/A") takes the status of the column ticked (:meth:`.columns.Columns.status`; in HTML a ticked
checkbox is a tick), and a column under a header cell naming no column of the form is listed
once, with how many cells it fills (a cell beyond the header, one by one).

A heading "Section 1: Definition of a complaint" names the section of the rows under it; "Mandatory
'must' requirements", "Stage 1" and the like end a row and are otherwise passed over, as are
ruled lines ("----"). Everything before the first header or row is the page's preamble, not the
form. Text that is no row, between rows or after the last one (a footer), is listed as not read.
The text of one row spilling into the next (as PDFs print a cell centred beside its number) is
kept where it is printed: rows are matched to provisions by number, not by what they say.

**HTML** (:func:`read_html`): each table whose header row (one of its first rows) names the
form's columns (:func:`.columns.header_columns`) is read row by row, merged cells spread over the
rows and columns they cover: a cell merged across the whole table is a section heading, a row
whose number cell is merged from the row above (or blank, with no status of its own) continues
that row, and a cell merged down several provisions answers each. A form table is read wherever it sits, inside a table
that lays the page out included; such a layout table (one holding tables, without the form's
header) is the page's frame, not the form, and is passed over, while the headings in its cells
("Section 2: Exclusions" between two form tables) name sections. Any other table inside a cell
of a table read is part of that cell's text. A table without the form's header is listed as not
read, unless it carries on the previous form table (same number of columns, rows with provision
numbers). Tables are numbered in the page's order, nested ones included. A page with no form table is reduced to its text (block elements to lines, list items
to bulleted lines, table rows to tab-separated lines) and read as text; where a footer or a menu
(``<footer>``, ``<nav>``) starts, or the element holding the provisions ends (or the element of
one provision, an ``<article>`` each), the row above ends, so that text after it ("You can also
download this as PDF") is listed, not taken as the last provision's commentary
(:func:`_page_breaks`). Nothing in a page is run
or fetched: scripts, styles and embedded objects are dropped unread.

A file is read by the checks every import shares (:mod:`.source`): refused
(:class:`~audit_lib.errors.FormError`) when it is a symbolic link, larger than
:data:`.source.MAX_BYTES`, empty, binary (a PDF, a Word file, an image) or not text in UTF-8,
UTF-16 or Windows-1252; and refused when it holds no form at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag

from ..errors import FormError
from .columns import TICK_STATUS, Columns, Role, column_not_read, header_columns, header_role
from .rows import BULLET, FormAction, FormRow, ReadForm, Unread, shortened
from .source import decode_text, read_source

# --- lines of text --------------------------------------------------------------------------------

#: A provision number starting a line, followed by a tab, spaces and a capital letter (or a quote),
#: a word glued on ("1.2A complaint", "5.12full record"), or nothing.
_ROW_START = re.compile(
    r"^\s*(?P<number>\d{1,2}\.\d{1,2})\.?"
    r"(?:[ ]*(?=\t)|[ ]+(?=[A-Z‘'\"“…(]|\.\.\.)|(?=[A-Z‘“])|(?=[a-z]{3,}\s)|\s*$)"
)
#: "Section 1: Definition of a complaint", "Section 2 - Accessibility and awareness".
_SECTION = re.compile(r"^section\s+\d{1,2}\s*(?:[:\-–—]|\.\s)\s*\S.{0,110}$", re.IGNORECASE)
#: Headings inside a section that name no section: the 2022 form's tiers and stages.
_SUBHEADING = re.compile(
    r"^(?:(?:mandatory|best practice|optional)\b.{0,40}\brequirements?|stage\s+(?:\d|one|two|three)|part\s+\w+)"
    r"\s*:?$",
    re.IGNORECASE,
)
#: A ruled line, as text extracted from a table prints borders.
_RULE = re.compile(r"^[\s|+:]*[-–—_=]{2,}[-–—_=\s|+:]*$")
#: A bulleted line: "- text", "-text", "• text", "· text".
_BULLET_LINE = re.compile(r"^(?:[•·▪●◦*]\s*|[-–]\s+|-(?=[A-Za-z‘'\"“(]))(?P<text>\S.*)$")
#: A status alone on a line, under a requirement whose columns lost their tabs.
_STATUS_ALONE = re.compile(
    r"^(?:y|n|yes|no|partial(?:ly)?|n/?a|not applicable|(?:partially |non-?\s?)?compliant)\.?$", re.IGNORECASE
)
#: A status glued to the end of a requirement's last line ("... on its own merits.Y").
_STATUS_GLUED = re.compile(r"(?<=[a-z.;:,)\]’'\"”])(?P<status>Yes|No|Partial|N/A|Y|N)$")
#: A line starting with a label: "Compliant: Yes", "Status: Partial", "Evidence:".
_LABELLED = re.compile(r"^(?P<label>[^:\d\t]{1,40}):\s*(?P<rest>.*)$")
#: A line starting with a label or a question: "Compliant: Yes", "Do we comply? Yes".
_ASKED = re.compile(r"^(?P<label>[^:?\d\t]{1,40})[:?]\s*(?P<rest>.*)$")
#: A label alone on its line: "Compliant", "Compliant:", "Are we compliant?".
_LABEL_ALONE = re.compile(r"^(?P<label>[^:?\d\t]{1,40}?)\s*[:?]?$")
#: A Comply column's header wording, not a status: "Comply: Yes / No".
_YES_NO = re.compile(r"^yes\s*/\s*no$", re.IGNORECASE)
#: A cell that is only a bullet mark, with no text.
_LONE_MARK = re.compile(r"^[•·▪●◦]$")
#: What makes a cell an HTML fragment to reduce to text: a tag or an entity.
_HTML_HINT = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
#: Words glued where a header lost the break between two cells ("Code requirementComply:").
_GLUED_WORDS = re.compile(r"(?<=[a-z])(?=[A-Z])|\s{2,}")
#: The most words a status's label alone on its line has ("Are we compliant with this?").
_LABEL_WORDS = 5
#: A questionnaire is read only when this many of its paragraphs are questions.
_FEWEST_QUESTIONS = 3

#: The layout of a tab-separated row when no header names the columns.
_DEFAULT_COLUMNS = Columns({"number": 0, "requirement": 1, "status": 2, "evidence": 3, "commentary": 4})


def _bulleted(text: str) -> str:
    """``text`` with a leading bullet mark ("- ", "· ", "• ") written as :data:`.rows.BULLET`."""
    match = _BULLET_LINE.match(text)
    return BULLET + match.group("text").strip() if match else text


def _labelled_status(text: str) -> str | None:
    """The status a line states after a status column's label ("Compliant: Yes" -> "Yes"), or
    after a question whose words name it ("Do we comply? Yes", "Are we compliant? No"), else
    ``None``: the label is one a Comply column's header has, and the words after it start with a
    status (:func:`_a_status`)."""
    match = _ASKED.match(text)
    if match is None or header_role(match.group("label")) != "status":
        return None
    rest = match.group("rest").strip()
    if _a_status(rest):
        return rest
    # a short label ("Compliant: No issues found") is the Comply cell whatever it says: what it
    # says is read, or listed as a status not understood, never taken into the requirement
    short = len(match.group("label").split()) <= _LABEL_WORDS and not _YES_NO.match(rest)
    return rest if short and rest else None


def _a_status(text: str) -> bool:
    """Whether ``text`` starts with a status (:func:`.interpret.read_status`), not the Comply
    column's header wording ("Yes / No")."""
    from .interpret import read_status

    return bool(text) and not _YES_NO.match(text) and read_status(text)[0] is not None


def _status_label(text: str) -> bool:
    """Whether ``text`` is a status column's label alone ("Compliant", "Compliant:", "Do we
    comply?"), a few words (not a requirement's line wrapped after "... compliant:"): the status
    may stand on the line under it."""
    match = _LABEL_ALONE.match(text)
    return match is not None and len(match.group("label").split()) <= _LABEL_WORDS and not _YES_NO.match(
        match.group("label")) and header_role(match.group("label")) == "status"


def _labelled_cell(text: str) -> tuple[str, str] | None:
    """The cell a labelled line starts, and its text after the label ("Evidence: Policy" ->
    ``("evidence", "Policy")``; "Comments:", "Explanation:", "Notes:" the commentary)."""
    match = _LABELLED.match(text)
    role = header_role(match.group("label")) if match else None
    if match is None or role not in ("evidence", "commentary", "combined"):
        return None
    return ("evidence" if role == "evidence" else "commentary"), match.group("rest").strip()


# --- HTML to lines --------------------------------------------------------------------------------

_BLOCKS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer", "main", "aside",
    "nav", "blockquote", "pre", "address", "figure", "figcaption", "dl", "dt", "dd", "form", "fieldset",
    "table", "caption", "thead", "tbody", "tfoot", "ul", "ol", "hr", "details", "summary", "center", "body",
})
#: Elements whose content is never text of the page (and is never run).
_UNREAD_ELEMENTS = frozenset({
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "canvas", "head",
    "title", "meta", "link", "button", "select", "option", "input", "textarea", "audio", "video", "map",
})


class _Lines:
    """Text gathered line by line; ``""`` marks a paragraph break. Each line keeps the block
    elements it sits in (:attr:`owners`), to tell where the form's part of a page ends."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buffer = ""
        #: The block elements (by ``id``) open around each line, outermost first.
        self.owners: list[tuple[int, ...]] = []
        #: The block elements open where the text is now.
        self.open: list[int] = []

    def _append(self, text: str) -> None:
        self.lines.append(text)
        self.owners.append(tuple(self.open))

    def text(self, text: str) -> None:
        self.buffer += re.sub(r"[ \t\r\n\f\v\u00a0]+", " ", text)

    def line(self, text: str) -> None:
        self.newline()
        self.buffer = text
        self.newline()

    def newline(self) -> None:
        text = self.buffer.strip()
        self.buffer = ""
        if text and text != BULLET.strip():
            self._append(text)

    def paragraph(self) -> None:
        self.newline()
        if self.lines and self.lines[-1]:
            self._append("")

    def result(self) -> list[str]:
        self.newline()
        while self.lines and not self.lines[-1]:
            self.lines.pop()
            self.owners.pop()
        return self.lines


def _inline_bullets(text: str, out: _Lines) -> None:
    """A list printed without list items, its items marked "•" in the text: a line per item."""
    parts = " ".join(text.split()).split("•")
    if parts[0].strip():
        out.line(parts[0].strip())
    for part in parts[1:]:
        if part.strip():
            out.line(BULLET + part.strip())


def _html_lines(root: Tag, *, page: bool, skip: frozenset[int] = frozenset()) -> list[str]:
    """The text of ``root`` as lines: a block element a paragraph, ``<br>`` a new line, a list
    item a bulleted line. ``page``: the whole page (a table row a tab-separated line, paragraphs
    apart); else a cell (its lines only). ``skip``: the tables (by ``id``) left out, read as
    tables of their own."""
    lines = _html_text(root, page=page, skip=skip).result()
    return lines if page else [line for line in lines if line]


def _html_text(root: Tag, *, page: bool, skip: frozenset[int] = frozenset()) -> _Lines:
    """:func:`_html_lines`'s lines, each with the block elements it sits in."""
    out = _Lines()
    stack: list[tuple[Tag | NavigableString, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, doctypes, CDATA
                out.text(str(node))
            continue
        name = (node.name or "").lower()
        if leaving:
            if name in ("li", "tr"):
                out.newline()
            elif name in ("td", "th"):
                out.text(" ")  # a table's cells inside a cell: apart, on their row's line
            elif name in _BLOCKS:
                out.paragraph()
            if name in _BLOCKS or name == "li":
                out.open.pop()
            continue
        if name == "input" and str(node.get("type", "")).lower() in ("checkbox", "radio") and node.find_parent(
                ["td", "th"]) is not None:
            out.text("☑" if node.has_attr("checked") else "☐")  # a tick column's box, as a tick or none
            continue
        if name in _UNREAD_ELEMENTS or (name == "table" and id(node) in skip):
            continue
        if name == "br":
            out.newline()
            continue
        if name in ("ul", "ol") and node.find("li") is None:
            out.paragraph()
            _inline_bullets(node.get_text(" "), out)
            out.paragraph()
            continue
        if page and name == "tr":
            cells = node.find_all(["td", "th"], recursive=False)
            out.line("\t".join(" ".join(" ".join(_html_lines(cell, page=False)).split()) for cell in cells))
            continue
        if name == "li":
            out.newline()
            out.buffer = BULLET
        elif name == "tr":
            out.newline()
        elif name in _BLOCKS:
            out.paragraph()
        if name in _BLOCKS or name == "li":
            out.open.append(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents)
                     if isinstance(child, (Tag, NavigableString)))
    return out


def _cell_text(piece: str) -> str:
    """A cell's text as printed; an HTML fragment reduced to its lines."""
    if _HTML_HINT.search(piece):
        text = "\n".join(_html_lines(BeautifulSoup(piece, "html.parser"), page=False))
    else:
        text = piece.strip()
    return "" if _LONE_MARK.match(text) else text


# --- reading text ---------------------------------------------------------------------------------

_CELL_OF_ROLE: dict[str, str] = {
    "requirement": "requirement", "status": "status", "evidence": "evidence", "commentary": "commentary",
    "combined": "commentary", "action": "action", "owner": "owner", "due": "due", "done": "done",
    "section": "section",
}


@dataclass
class _Row:
    """A row being read: its cells' lines, added to as its continuation lines come."""

    where: str
    number: str
    section: str | None
    tabbed: bool
    #: The line the row starts on (text only).
    line: int = 0
    combined: bool = False
    cells: dict[str, list[str]] = field(default_factory=dict)
    #: The cell written last (a continuation line without tabs carries it on).
    last: str = "requirement"
    #: Rows without tabs: "requirement" until the status is read, then "evidence"; "labelled"
    #: after a status on a labelled line ("Compliant: Yes").
    phase: str = "requirement"
    #: After a labelled status: the cell a line that is not bulleted goes to ("Evidence:" and
    #: "Comments:" lines choose it).
    labelled: str = "commentary"

    def add(self, cell: str, text: str) -> None:
        if text:
            self.cells.setdefault(cell, []).append(text)
            self.last = cell

    def carry_on(self, text: str) -> None:
        """A wrapped line: the end of the last line written."""
        lines = self.cells.setdefault(self.last, [])
        if lines:
            lines[-1] = f"{lines[-1]} {text}"
        else:
            lines.append(text)

    def text(self, cell: str) -> str:
        return "\n".join(self.cells.get(cell, []))

    def form_row(self) -> FormRow:
        actions = (FormAction(self.text("action"), self.text("owner"), self.text("due"), self.text("done")),) \
            if self.text("action") else ()
        return FormRow(self.where, self.number, requirement=self.text("requirement"), status=self.text("status"),
                       evidence=self.text("evidence"), commentary=self.text("commentary"), combined=self.combined,
                       actions=actions, section=self.text("section") or self.section)


def _header_block(lines: Sequence[str], start: int) -> tuple[Columns, int] | None:
    """The form's header printed over the lines from ``start`` (cells on lines of their own, or
    glued: "Code requirementComply:"), and the index of its last line; ``None`` if there is none."""
    cells: list[str] = []
    best: tuple[Columns, int] | None = None
    for index in range(start, min(start + 8, len(lines))):
        text = lines[index].strip()
        if (not text or "\t" in text or len(text) > 50 or _BULLET_LINE.match(text)
                or (index > start and _ROW_START.match(lines[index]))):
            break
        cells.extend(part.strip() for part in _GLUED_WORDS.split(text) if part.strip())
        columns = header_columns(cells)
        if columns is not None and (best is None or len(columns.roles) > len(best[0].roles)):
            best = (columns, index)
    return best


class _TextReader:
    """The reading of one page's lines (see the module's description)."""

    def __init__(self, lines: Sequence[str], where: Callable[[int], str],
                 breaks: frozenset[int] = frozenset()) -> None:
        self.lines = [line.replace("\u00a0", " ").rstrip() for line in lines]
        self.where = where
        #: The lines (0-based) before which the form's part of a page ends or starts again (a
        #: page's footer, the end of the element holding the provisions): they end the row.
        self.breaks = breaks
        #: The last line taken already (a header printed over lines, a status under its label).
        self.skip_to = -1
        self.rows: list[_Row] = []
        #: What could not be placed, with the number of the line it is on (to list in order).
        self.unplaced: list[tuple[int, Unread]] = []
        self.columns: Columns | None = None
        self.header_line: int | None = None
        #: The cells of the header the rows are read by, and its line.
        self.header: tuple[list[str], int] = ([], 0)
        #: Columns under a header cell naming no column of the form: header in lower case ->
        #: (the header, its line, how many filled cells), listed once each.
        self.extra: dict[str, tuple[str, int, int]] = {}
        self.section: str | None = None
        self.current: _Row | None = None
        #: Lines of text that are no row, by paragraph: (line number, texts).
        self.strays: list[tuple[int, list[str]]] = []
        #: Whether the text is a tab-separated table (its header has tabs, or its rows): then
        #: only a line with tabs starts a row.
        self.tabbed = False
        #: The numbers of the rows started, and the last one's (section, number) when it reads
        #: as numbers; whether a "Section N" heading came since (rows without tabs).
        self.numbers: set[str] = set()
        self.last_number: tuple[int, int] | None = None
        self.new_section = False

    # the form's parts

    def read(self) -> None:
        blanks = 0
        previous_stray = False
        for index, line in enumerate(self.lines):
            number = index + 1
            if index <= self.skip_to:
                continue
            if not line.strip():
                blanks += 1
                continue
            gap, blanks = blanks, 0
            if index in self.breaks:
                self._end_row()
                gap, previous_stray = max(gap, 1), False
            stripped = line.strip()
            stray = False
            # a heading stands on a line of its own, after a blank line or between rows (a line
            # "Section 3 – ..." straight under a row's text is that text wrapped)
            heading_place = "\t" not in line and (gap > 0 or self.current is None)
            if _RULE.match(line):
                continue
            start = self._row_start(line)
            if start:
                self._start_row(number, start, line)
            elif "\t" in stripped and (columns := header_columns([c.strip() for c in line.split("\t")])):
                self._end_row()
                self.columns, self.header_line = columns, self.header_line or number
                self.header = ([" ".join(cell.split()) for cell in line.split("\t")], number)
                self.tabbed, self.new_section = True, True
            elif heading_place and _SECTION.match(stripped):
                self._end_row()
                self.section = stripped
                self.new_section = True
            elif heading_place and _SUBHEADING.match(stripped):
                self._end_row()
            elif (block := _header_block(self.lines, index)) is not None:
                self._end_row()
                self.columns, self.header_line = block[0], self.header_line or number
                self.header = ([], number)
                self.new_section = True
                self.skip_to = block[1]
            elif self.current is not None and self._continue_row(number, line, gap):
                pass
            else:
                self._end_row()
                stray = self._started
                if stray:
                    if previous_stray and gap == 0:
                        self.strays[-1][1].append(stripped)
                    else:
                        self.strays.append((number, [stripped]))
            previous_stray = stray
        self._end_row()
        last_row = max((row.line for row in self.rows), default=0)
        for title, at, count in self.extra.values():
            self.unplaced.append((at, Unread(self.where(at), column_not_read(title, count))))
        for number, texts in self.strays:
            reason = "text after the form" if number > last_row else "text between the form's rows"
            self.unplaced.append((number, Unread(self.where(number), reason, shortened("\n".join(texts)))))

    @property
    def unread(self) -> list[Unread]:
        return [unread for _, unread in sorted(self.unplaced, key=lambda item: item[0])]

    @property
    def _started(self) -> bool:
        return bool(self.rows) or self.current is not None or self.header_line is not None

    def _row_start(self, line: str) -> re.Match[str] | None:
        """The provision number starting ``line`` when the line starts a row, else ``None`` (the
        line may carry on the row above).

        In a tab-separated table only a line with tabs starts a row, its number in the first
        cell: a line without tabs ("1.3 Definitions of the policy are in section 2", a cell's
        text wrapped) carries on the row above. Without tabs (the columns lost theirs), a line
        starts a row when its number comes in sequence (:meth:`_in_sequence`)."""
        start = _ROW_START.match(line)
        if start is None or "\t" in line[:start.start("number")]:
            return None  # no number, or a number in a later cell of a continuation line
        if "\t" in line:
            self.tabbed = True
            return start
        if self.tabbed:
            return None
        return start if self._in_sequence(start.group("number"), line[start.end():]) else None

    def _in_sequence(self, number: str, rest: str) -> bool:
        """Whether a line without tabs starting with ``number`` (``rest`` after it) starts a row.

        The first row starts with any number. After it, a number starts a row when it was not
        read before and comes in sequence: in the same section (in any order: the 2022 form
        prints a section's 'must' provisions before its 'should' ones); in one of the next two
        sections, among its first three; in any section after a "Section N" heading or the form's
        header. A wording
        glued on in small letters ("5.12full record must be kept", the PDF having lost a capital
        "A") starts a row only for the very next number; otherwise it is a line of text that
        happens to start with a number ("2.5million pounds ...")."""
        section, item = (int(part) for part in number.split("."))
        lower = rest[:1].islower()
        last = self.last_number
        if last is None:
            return not lower and number not in self.numbers
        if number in self.numbers:
            return False
        last_section, last_item = last
        if lower:
            return (section, item) in ((last_section, last_item + 1), (last_section + 1, 1), (last_section + 1, 2))
        if section == last_section or self.new_section:
            return True
        return last_section < section <= last_section + 2 and item <= 3

    def _start_row(self, number: int, start: re.Match[str], line: str) -> None:
        self._end_row()
        rest = line[start.end():]
        found = start.group("number")
        self.numbers.add(found)
        section, item = (int(part) for part in found.split("."))
        self.last_number, self.new_section = (section, item), False
        row = _Row(self.where(number), start.group("number"), self.section, tabbed="\t" in rest, line=number)
        self.current = row
        if row.tabbed:
            columns = self.columns or _DEFAULT_COLUMNS
            row.combined = "combined" in columns.roles
            cells = [start.group("number"), *rest.lstrip(" ").removeprefix("\t").split("\t")]
            self._add_cells(row, number, cells, columns)
        else:
            self._untabbed(row, rest.strip(), gap=0)

    def _add_cells(self, row: _Row, number: int, cells: Sequence[str], columns: Columns) -> None:
        roles = {index: role for role, index in columns.roles.items()}
        # a tick cell's bullet mark ("●") is its tick, not an empty bullet
        texts = [_cell_text(piece) or (piece.strip() if roles.get(index) in TICK_STATUS else "")
                 for index, piece in enumerate(cells)]
        header, header_line = self.header
        status_at = min((i for i, role in roles.items() if role == "status" or role in TICK_STATUS), default=None)
        for index, (piece, text) in enumerate(zip(cells, texts)):
            role: Role | None = roles.get(index)
            if index == status_at:
                row.add("status", columns.status(texts).strip())  # in the status's place (the cell written last)
            if not text or role == "status" or role in TICK_STATUS or (
                    role == "number" and index == 0 and _ROW_START.match(piece)):
                continue
            title = header[index] if role is None and index < len(header) else ""
            if title:  # a column the form does not have: listed once, by its header
                _, line, count = self.extra.get(title.lower(), (title, header_line, 0))
                self.extra[title.lower()] = (title, line, count + 1)
            elif role is None or role == "number":
                reason = "a cell beyond the form's columns" if role is None else \
                    "text in the provision number's column that is not a provision number"
                self.unplaced.append((number, Unread(self.where(number), reason, shortened(text))))
            else:
                row.add(_CELL_OF_ROLE[role], text)

    def _continue_row(self, number: int, line: str, gap: int) -> bool:
        """Add ``line`` to the row being read; ``False`` when it is not part of it."""
        row = self.current
        assert row is not None
        if gap >= 2:
            return False
        if row.tabbed:
            if "\t" in line:
                self._add_cells(row, number, line.split("\t"), self.columns or _DEFAULT_COLUMNS)
                return True
            if gap:
                return False
            text = _cell_text(line)
            if text:
                row.add(row.last, text)
            return True
        return self._untabbed(row, line.strip(), gap, at=number - 1)

    def _status_below(self, at: int) -> int | None:
        """The line (0-based) under the line ``at``, a blank line between them at most, when it
        is a status ("No" under "Compliant:", as a page prints a label and its value on lines of
        their own)."""
        for index in range(at + 1, min(at + 3, len(self.lines))):
            text = self.lines[index].strip()
            if text:
                return index if "\t" not in text and index not in self.breaks and _a_status(text) else None
        return None

    def _untabbed(self, row: _Row, text: str, gap: int, at: int = -1) -> bool:
        """A line of a row whose columns lost their tabs: the requirement until the status, then
        the evidence (a "- ..." line a bulleted line, a wrapped line carrying on the one above).
        ``at``: the line's index (0-based), to look at the line under it."""
        if not text:
            return True
        bullet = _BULLET_LINE.match(text)
        if not row.cells.get("status") and at >= 0 and _status_label(text) and (
                below := self._status_below(at)) is not None:
            row.add("status", self.lines[below].strip())  # "Compliant:" and "No" under it: "Compliant: No"
            row.phase = "labelled"
            self.skip_to = below
            return True
        if not row.cells.get("status") and (status := _labelled_status(text)) is not None:
            row.add("status", status)  # "Compliant: Yes" on a line of its own: the row's status
            row.phase = "labelled"
            return True
        if row.phase == "labelled":
            return self._labelled(row, text, gap)
        if row.phase == "requirement":
            if _STATUS_ALONE.match(text) and row.cells.get("requirement"):
                row.add("status", text)
                row.phase = "evidence"
                return True
            if bullet and gap and row.cells.get("requirement"):  # the evidence of a row with no status
                row.phase = "evidence"
                row.add("evidence", _bulleted(text))
                return True
            glued = _STATUS_GLUED.search(text)
            if glued and glued.start() > 0:
                row.add("requirement", text[:glued.start()].rstrip())
                row.add("status", glued.group("status"))
                row.phase = "evidence"
                return True
            row.add("requirement", _bulleted(text))
            return True
        if bullet:
            row.add("evidence", _bulleted(text))
        elif gap == 0 and row.cells.get("evidence"):
            row.carry_on(text)
        else:
            row.add("evidence", text)
        return True

    @staticmethod
    def _labelled(row: _Row, text: str, gap: int) -> bool:
        """A line after a labelled status: a bulleted line the evidence; a labelled one
        ("Evidence:", "Comments:") starts that cell; a wrapped line carries on the one above; any
        other the commentary (or the cell a label started)."""
        cell = _labelled_cell(text)
        if cell is not None:
            row.labelled, rest = cell
            row.add(row.labelled, _bulleted(rest))
            row.last = row.labelled
        elif _BULLET_LINE.match(text):
            row.add("evidence", _bulleted(text))
        elif gap == 0 and row.last in ("evidence", "commentary") and row.cells.get(row.last):
            row.carry_on(text)
        else:
            row.add(row.labelled, text)
        return True

    def _end_row(self) -> None:
        if self.current is not None:
            self.rows.append(self.current)
            self.current = None

    def paragraphs(self) -> list[FormRow]:
        """Each paragraph as a row without a number (a questionnaire), its bulleted lines marked."""
        rows: list[FormRow] = []
        paragraph: list[str] = []
        first = 0
        for index, line in enumerate([*self.lines, ""]):
            if line.strip():
                if not paragraph:
                    first = index + 1
                paragraph.append(_bulleted(line.strip()))
            elif paragraph:
                rows.append(FormRow(self.where(first), None, requirement="\n".join(paragraph)))
                paragraph = []
        return rows


def _read_lines(lines: Sequence[str], form: ReadForm, path: Path, where: Callable[[int], str], what: str,
                breaks: frozenset[int] = frozenset()) -> None:
    """The form in ``lines`` into ``form`` (rows and unread), or :class:`FormError` if there is none.
    ``breaks``: the lines before which the form's part of a page ends (:func:`_page_breaks`)."""
    reader = _TextReader(lines, where, breaks)
    reader.read()
    if reader.rows:
        form.rows.extend(row.form_row() for row in reader.rows)
        form.unread.extend(reader.unread)
        return
    if reader.header_line is not None:
        raise FormError(f"expected {what} with the form's rows under its header; found the header "
                        f"({where(reader.header_line)}) but no row starting with a provision number (such as 1.2) "
                        "under it", path=path)
    paragraphs = reader.paragraphs()
    if sum(1 for row in paragraphs if row.requirement.rstrip().endswith("?")) >= _FEWEST_QUESTIONS:
        form.rows.extend(paragraphs)
        return
    raise FormError(
        f"expected {what} holding the Ombudsman's self-assessment form (rows starting with provision numbers such "
        "as 1.2, a header like 'Code provision | Code requirement | Comply: Yes / No', or the 2020 Code's "
        "questions); found none: check that this is the self-assessment, not another page", path=path)


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return " ".join(line.split())[:200]
    return None


def read_text(path: Path | str) -> ReadForm:
    """The self-assessment form in a text file extracted from a PDF or a web page (see the
    module's description). :class:`FormError` for a file that is a symbolic link, too large,
    empty, binary, or holds no form."""
    path = Path(path)
    what = "a text file (a published self-assessment's text)"
    text = decode_text(read_source(path, what), path, what)
    if not text.strip():
        raise FormError(f"expected {what} holding the self-assessment form; found an empty file", path=path)
    form = ReadForm(source=path.name, kind="text", title=_first_line(text))
    _read_lines(text.splitlines(), form, path, lambda number: f"line {number}", what)
    return form


# --- reading HTML ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Cell:
    """A place in a table's grid: the cell there, its text, and whether it is a merged cell's
    copy from the row above (``down``) or from the column to the left (``across``)."""

    key: int
    text: str
    down: bool = False
    across: bool = False


_EMPTY = _Cell(0, "")
_PROVISION_CELL = re.compile(r"^\s*(?P<number>\d{1,2}\.\d{1,2})\.?(?:\s+(?P<rest>\S.*))?$", re.DOTALL)


def _span(value: object, most: int) -> int:
    try:
        span = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return most if span == 0 else max(1, min(span, most))


def _own_rows(table: Tag) -> list[Tag]:
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _grid(table: Tag, skip: frozenset[int] = frozenset()) -> list[list[_Cell]]:
    """``table``'s rows with each merged cell copied into every place it covers; a cell's text
    leaves out the tables nested in it that are in ``skip`` (by ``id``: form tables, read on
    their own)."""
    grid: list[list[_Cell]] = []
    pending: dict[int, tuple[_Cell, int]] = {}
    for tr in _own_rows(table):
        carried, pending = pending, {}
        row: list[_Cell] = []
        cells = tr.find_all(["td", "th"], recursive=False)
        index = 0
        while index < len(cells) or any(column >= len(row) for column in carried):
            column = len(row)
            if column in carried:
                cell, left = carried.pop(column)
                row.append(cell)
                if left > 1:
                    pending[column] = (cell, left - 1)
                continue
            if index >= len(cells):
                row.append(_EMPTY)
                continue
            td = cells[index]
            index += 1
            text = "\n".join(_html_lines(td, page=False, skip=skip))
            if not text and _LONE_MARK.match(mark := td.get_text(strip=True)):
                text = mark  # a bullet mark alone: a tick, in a tick column
            cell = _Cell(id(td), text)
            down = _span(td.get("rowspan"), 1000)
            for offset in range(_span(td.get("colspan"), 100)):
                placed = replace(cell, across=offset > 0)
                row.append(placed)
                if down > 1:
                    pending[len(row) - 1] = (replace(placed, down=True), down - 1)
        grid.append(row)
    return grid


@dataclass
class _TableState:
    """What carries from one table to the next: the form's columns, the section, the open row."""

    columns: Columns | None = None
    width: int = 0
    section: str | None = None
    current: _Row | None = None
    rows: list[_Row] = field(default_factory=list)
    #: The header cells the columns were named by (a table carrying the form on keeps them).
    header: list[str] = field(default_factory=list)
    #: Columns under a header cell naming no column of the form: header in lower case -> (the
    #: header, where first seen, how many filled cells), listed once each.
    extra: dict[str, tuple[str, str, int]] = field(default_factory=dict)


def _heading(cells: Sequence[_Cell], width: int) -> str | None:
    """The text of a row that is one cell merged across the table (``width``: its header's
    columns), a section heading."""
    filled = [cell for cell in cells if cell.text.strip()]
    if not filled or len({cell.key for cell in filled}) != 1 or width < 2:
        return None
    spread = sum(1 for cell in cells if cell.key == filled[0].key)
    return " ".join(filled[0].text.split()) if spread >= width or len(cells) == 1 else None


def _header(grid: Sequence[Sequence[_Cell]]) -> tuple[Columns, int] | None:
    """The form's columns named by a header row among a table's first rows, and the index of the
    row after it; ``None`` for a table without the form's header."""
    for index, cells in enumerate(grid[:6]):
        columns = header_columns([cell.text for cell in cells])
        if columns is not None:
            return columns, index + 1
    return None


def _read_table(grid: Sequence[Sequence[_Cell]], number: int, state: _TableState, unread: list[Unread]) -> None:
    width = max((len(row) for row in grid), default=0)
    columns: Columns | None = None
    first = 0
    header = _header(grid)
    if header is not None:
        columns, first = header
        width = len(grid[first - 1])
        state.header = [" ".join(cell.text.split()) if not cell.across else "" for cell in grid[first - 1]]
    if columns is None:
        carried = state.columns
        numbered = carried is not None and any(
            _PROVISION_CELL.match(carried.cell([c.text for c in cells], "number")) for cells in grid)
        if carried is None or width != state.width or not numbered:
            text = " | ".join(cell.text for cell in grid[0] if cell.text) if grid else ""
            unread.append(Unread(f"table {number}", "a table without the form's header", shortened(text)))
            state.current = None
            return
        columns = carried
    state.columns, state.width = columns, width
    roles = {index: role for role, index in columns.roles.items()}
    number_at = columns.roles["number"]
    for index in range(first, len(grid)):
        cells = grid[index]
        texts = [cell.text for cell in cells]
        where = f"table {number}, row {index + 1}"
        if not any(text.strip() for text in texts) or header_columns(texts) is not None:
            continue
        heading = _heading(cells, width)
        if heading is not None:
            state.current = None
            if not _SUBHEADING.match(heading):
                state.section = heading
            continue
        number_cell = cells[number_at] if number_at < len(cells) else _EMPTY
        start = None if number_cell.down else _PROVISION_CELL.match(number_cell.text)
        if start is not None:
            row = _Row(where, start.group("number"), state.section, tabbed=True,
                       combined="combined" in columns.roles)
            row.add("requirement", (start.group("rest") or "").strip())
            state.rows.append(row)
            state.current = row
            placed = [(i, cell) for i, cell in enumerate(cells) if i != number_at and not cell.across]
        elif state.current is not None and (number_cell.down or (not number_cell.text.strip() and not columns.status(
                [cell.text if not cell.down else "" for cell in cells]).strip())):
            # a row continuing the one above: its number cell merged from it, or blank with no
            # status of its own (a status merged down from the row above is that row's)
            row = state.current
            placed = [(i, cell) for i, cell in enumerate(cells)
                      if i != number_at and not cell.across and not cell.down]
        else:
            unread.append(Unread(where, "a row without a provision number", shortened(" | ".join(t for t in texts if t))))
            continue
        # the status: the Comply cell's text, or the status of the tick column marked
        at = {column for column, _ in placed}
        row.add("status", columns.status([cell.text if i in at else "" for i, cell in enumerate(cells)]).strip())
        for column, cell in placed:
            role = roles.get(column)
            if not cell.text.strip() or role == "status" or role in TICK_STATUS:
                continue
            if role is not None and _LONE_MARK.match(cell.text.strip()):
                continue  # a bullet mark alone (a tick column's tick, elsewhere nothing)
            title = state.header[column] if role is None and column < len(state.header) else ""
            if title:  # a column the form does not have: listed once, by its header
                _, first_seen, count = state.extra.get(title.lower(), (title, f"table {number}, column {column + 1}", 0))
                state.extra[title.lower()] = (title, first_seen, count + 1)
            elif role is None:
                unread.append(Unread(where, "a cell beyond the form's columns", shortened(cell.text)))
            else:
                row.add(_CELL_OF_ROLE[role], cell.text)


def _title(soup: BeautifulSoup) -> str | None:
    for tag in (soup.title, soup.find("h1"), soup.find("h2")):
        if isinstance(tag, Tag) and tag.get_text(strip=True):
            return " ".join(tag.get_text(" ").split())[:200]
    return None


@dataclass
class _Tables:
    """A page's tables sorted out: each one's grid, which are form tables (a header row names the
    form's columns, wherever the table sits), and which are layout tables (tables holding
    others, without the form's header: the page's frame, not the form)."""

    tables: list[Tag]
    grids: dict[int, list[list[_Cell]]]
    forms: frozenset[int]
    layout: frozenset[int]

    @classmethod
    def of(cls, soup: BeautifulSoup) -> _Tables:
        tables = [table for table in soup.find_all("table") if isinstance(table, Tag)
                  and table.find_parent(list(_UNREAD_ELEMENTS)) is None]
        grids: dict[int, list[list[_Cell]]] = {}
        forms: set[int] = set()
        # Innermost first (a table comes before the tables inside it in the page's order), so
        # that a table's cells leave out the form tables nested in them.
        for table in reversed(tables):
            grid = _grid(table, frozenset(forms))
            grids[id(table)] = grid
            if _header(grid) is not None:
                forms.add(id(table))
        layout = {id(table) for table in tables if id(table) not in forms
                  and any(isinstance(inner, Tag) for inner in table.find_all("table"))}
        return cls(tables, grids, frozenset(forms), frozenset(layout))

    def in_a_cell(self, table: Tag) -> bool:
        """Whether ``table`` sits in a cell of a table read as one (a form table, or another
        table not a layout one): its text is that cell's."""
        return any(id(outer) not in self.layout for outer in table.find_parents("table"))


def read_html(path: Path | str) -> ReadForm:
    """The self-assessment form in an HTML page saved from a landlord's website (see the
    module's description). :class:`FormError` for a file that is a symbolic link, too large,
    empty, binary, or holds no form."""
    path = Path(path)
    what = "a web page (.html) of a published self-assessment"
    soup = BeautifulSoup(decode_text(read_source(path, what), path, what), "html.parser")
    form = ReadForm(source=path.name, kind="html", title=_title(soup))
    state = _TableState()
    unread: list[Unread] = []
    tables = _Tables.of(soup)
    number = {id(table): index + 1 for index, table in enumerate(tables.tables)}
    for element in soup.find_all(["table", "h1", "h2", "h3", "h4", "h5", "h6", "p", "caption", "strong", "b"]):
        if element.find_parent(list(_UNREAD_ELEMENTS)) is not None:
            continue
        if element.name == "table":
            key = id(element)
            if key in tables.forms or not (key in tables.layout or tables.in_a_cell(element)):
                _read_table(tables.grids[key], number[key], state, unread)
            continue
        # a heading between the form's tables: outside any table, or in a cell of a layout table
        outer = element.find_parent("table")
        if outer is not None and id(outer) not in tables.layout:
            continue
        text = " ".join(element.get_text(" ").split())
        if _SECTION.match(text):
            state.section, state.current = text, None
    if state.rows:
        form.rows.extend(row.form_row() for row in state.rows)
        form.unread.extend(unread)
        form.unread.extend(Unread(where, column_not_read(title, count)) for title, where, count in state.extra.values())
        return form
    body = soup.body if isinstance(soup.body, Tag) else soup
    page_text = _html_text(body, page=True)
    lines = page_text.result()
    if form.title is None:
        form.title = _first_line("\n".join(lines))

    def where(number: int) -> str:
        return f"line {number} of the page's text"

    first = _TextReader(lines, where)
    first.read()
    breaks = _page_breaks(page_text, [row.line - 1 for row in first.rows], _furniture(body))
    _read_lines(lines, form, path, where, what, breaks)
    return form


#: What marks a part of a page that is no part of its content: a footer, a menu.
_FURNITURE_ROLES = frozenset({"contentinfo", "navigation"})


def _furniture(root: Tag) -> set[int]:
    """The page's footers and menus (by ``id``): ``<footer>``, ``<nav>``, and elements whose
    ``role`` says they are one."""
    return {id(tag) for tag in root.find_all(True) if isinstance(tag, Tag) and (
        tag.name in ("footer", "nav") or str(tag.get("role", "")).strip().lower() in _FURNITURE_ROLES)}


def _page_breaks(text: _Lines, starts: Sequence[int], furniture: set[int]) -> frozenset[int]:
    """The lines of a page's text (0-based) before which the form's part of it ends: where a
    footer or a menu starts or ends, where the element holding the provisions ends, and where
    the element holding one provision ends, when each has one (``starts``: the lines the rows
    start on, as a first reading finds them).

    The element holding the provisions is the innermost holding every row's first line and the
    line after it (a heading per provision, its status and evidence below: their parent). A
    provision's own element (an ``<article>`` per provision) is the one under it holding the
    row's first line and the line after it; a heading's own wrapper (``<div class="title">``
    around the ``<h3>`` alone) is none. Text between a break and the next row is listed, not
    added to the row above: "You can also download this as PDF" after the form is no
    provision's commentary."""
    lines, owners = text.lines, text.owners
    if not starts:
        return frozenset()
    filled = [index for index, line in enumerate(lines) if line]

    def after(index: int) -> int | None:
        return next((later for later in filled if later > index), None)

    chains = [owners[start] for start in starts]
    # the form's own footer is no footer of the page
    watched = furniture - {element for chain in chains for element in chain}
    common: list[int] = list(chains[0][:-1])
    for chain in chains[1:]:
        length = 0
        while length < min(len(common), len(chain) - 1) and common[length] == chain[length]:
            length += 1
        del common[length:]
    # the element must hold each row's text, not its heading alone
    nexts = [after(start) for start in starts]
    while common and any(line is not None and common[-1] not in owners[line] for line in nexts):
        common.pop()
    if common:
        watched.add(common[-1])
    for chain, line in zip(chains, nexts):
        if len(chain) > len(common) + 1 and line is not None and chain[len(common)] in owners[line]:
            watched.add(chain[len(common)])
    breaks: set[int] = set()
    for previous, index in pairwise(filled):
        if set(owners[previous]).symmetric_difference(owners[index]) & watched:
            breaks.add(index)
    return frozenset(breaks)


__all__ = ["read_html", "read_text"]
