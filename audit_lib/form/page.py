"""Published pages: a landlord's self-assessment as HTML saved from its website, or as text
extracted from a PDF or a web page.

**Text** (:func:`read_text`) comes in the shapes published pages take:

* *Tab-separated rows* under the form's header ("Code provision<TAB>Code requirement<TAB>Comply:
  Yes / No<TAB>Evidence"): a line starting with a provision number is a row, and the lines after
  it continue it until the next row, heading or header. A continuation line's tabs say which
  cell it continues ("<TAB><TAB><TAB>more" continues the fourth); a line without tabs, straight
  after the row, continues the last cell written. A cell holding HTML fragments ("<p>..</p>
  <p>..</p>", "<i>", lists) is reduced to its text: a paragraph or a line break a new line, a
  list item a bulleted line.
* *Rows whose columns lost their tabs*, the number glued to the requirement ("1.2A complaint
  must be ..."): the requirement runs until a status ("Y", "Yes", "No", "Partial", "N/A") alone
  on a line or glued to the end of one ("... own merits.Y"); the paragraphs after it are the
  evidence, each "- ..." line a bulleted line. The header may be printed over several lines
  ("Code" / "provision" / "Code requirementComply:" / ...).
* *A questionnaire without numbers* (the 2020 Code's): each paragraph is a row with no number
  and the paragraph as its requirement, for :mod:`.match` to recognise the questions by their
  wording and take the paragraphs between them as the answers.

A heading "Section 1: Definition of a complaint" names the section of the rows under it; "Mandatory
'must' requirements", "Stage 1" and the like end a row and are otherwise passed over, as are
ruled lines ("----"). Everything before the first header or row is the page's preamble, not the
form. Text that is no row, between rows or after the last one (a footer), is listed as not read.
The text of one row spilling into the next (as PDFs print a cell centred beside its number) is
kept where it is printed: rows are matched to provisions by number, not by what they say.

**HTML** (:func:`read_html`): each table whose header row (one of its first rows) names the
form's columns (:func:`.columns.header_columns`) is read row by row, merged cells spread over the
rows and columns they cover: a cell merged across the whole table is a section heading, a row
whose number cell is merged from the row above (or blank) continues that row, and a cell merged
down several provisions answers each. A table without the form's header is listed as not read,
unless it carries on the previous form table (same number of columns, rows with provision
numbers). A page with no form table is reduced to its text (block elements to lines, list items
to bulleted lines, table rows to tab-separated lines) and read as text. Nothing in a page is run
or fetched: scripts, styles and embedded objects are dropped unread.

A file is refused (:class:`~audit_lib.errors.FormError`) when it is a symbolic link, larger than
:data:`MAX_BYTES`, empty, binary (a PDF, a Word file, an image), or holds no form at all.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag

from ..errors import FormError
from .columns import Columns, Role, header_columns
from .rows import BULLET, FormAction, FormRow, ReadForm, Unread, shortened

#: The largest page read.
MAX_BYTES = 20 * 1024 * 1024

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
#: A cell that is only a bullet mark, with no text.
_LONE_MARK = re.compile(r"^[•·▪●◦]$")
#: What makes a cell an HTML fragment to reduce to text: a tag or an entity.
_HTML_HINT = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
#: Words glued where a header lost the break between two cells ("Code requirementComply:").
_GLUED_WORDS = re.compile(r"(?<=[a-z])(?=[A-Z])|\s{2,}")
#: A questionnaire is read only when this many of its paragraphs are questions.
_FEWEST_QUESTIONS = 3

#: The layout of a tab-separated row when no header names the columns.
_DEFAULT_COLUMNS = Columns({"number": 0, "requirement": 1, "status": 2, "evidence": 3, "commentary": 4})


def _bulleted(text: str) -> str:
    """``text`` with a leading bullet mark ("- ", "· ", "• ") written as :data:`.rows.BULLET`."""
    match = _BULLET_LINE.match(text)
    return BULLET + match.group("text").strip() if match else text


# --- files ----------------------------------------------------------------------------------------

#: How binary files that are sometimes imported by mistake begin.
_BINARY_STARTS = {
    b"%PDF-": "a PDF (copy its text into a .txt file, or save the web page it was published on)",
    b"PK\x03\x04": "a zip archive or an Office file (import a .docx or .xlsx as such)",
    b"\xd0\xcf\x11\xe0": "an old Office file (save it from Word or Excel as .docx or .xlsx)",
    b"\x89PNG": "an image", b"GIF8": "an image", b"\xff\xd8\xff": "an image",
}


def _read_bytes(path: Path, what: str) -> bytes:
    """The bytes of ``path``: refused when it is a symbolic link, missing, too large or empty."""
    if os.path.islink(path):
        raise FormError(f"expected {what}, found a symbolic link; import the file itself, not a link to it", path=path)
    if not path.is_file():
        raise FormError(f"expected {what} to import; found no such file: check the path", path=path)
    if path.stat().st_size > MAX_BYTES:
        raise FormError(f"expected {what} of at most {MAX_BYTES // 2**20} MB; found "
                        f"{path.stat().st_size / 2**20:.0f} MB: is this the right file?", path=path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise FormError(f"expected {what} that can be read; found it cannot be ({exc.strerror}): check its "
                        "permissions", path=path) from exc
    if len(data) > MAX_BYTES:
        raise FormError(f"expected {what} of at most {MAX_BYTES // 2**20} MB; found a larger one: is this the "
                        "right file?", path=path)
    if not data.strip():
        raise FormError(f"expected {what} holding the self-assessment form; found an empty file", path=path)
    return data


def _refuse_binary(data: bytes, path: Path, what: str) -> None:
    for start, kind in _BINARY_STARTS.items():
        if data.startswith(start):
            raise FormError(f"expected {what}; found {kind}", path=path)
    head = data[:8192]
    controls = sum(1 for byte in head if byte < 9 or (13 < byte < 32 and byte != 27))
    if b"\x00" in head or controls > len(head) // 100:
        raise FormError(f"expected {what}; found a binary file: save the page's text (or the page itself) "
                        "and import that", path=path)


def _decode(data: bytes, path: Path, what: str) -> str:
    """``data`` as text: UTF-8 (with or without a byte order mark), UTF-16 with one, else
    Windows-1252 (what older PDF tools write)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    _refuse_binary(data, path, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


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
    """Text gathered line by line; ``""`` marks a paragraph break."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buffer = ""

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
            self.lines.append(text)

    def paragraph(self) -> None:
        self.newline()
        if self.lines and self.lines[-1]:
            self.lines.append("")

    def result(self) -> list[str]:
        self.newline()
        while self.lines and not self.lines[-1]:
            self.lines.pop()
        return self.lines


def _inline_bullets(text: str, out: _Lines) -> None:
    """A list printed without list items, its items marked "•" in the text: a line per item."""
    parts = " ".join(text.split()).split("•")
    if parts[0].strip():
        out.line(parts[0].strip())
    for part in parts[1:]:
        if part.strip():
            out.line(BULLET + part.strip())


def _html_lines(root: Tag, *, page: bool) -> list[str]:
    """The text of ``root`` as lines: a block element a paragraph, ``<br>`` a new line, a list
    item a bulleted line. ``page``: the whole page (a table row a tab-separated line, paragraphs
    apart); else a cell (its lines only)."""
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
            if name == "li":
                out.newline()
            elif name in _BLOCKS:
                out.paragraph()
            continue
        if name in _UNREAD_ELEMENTS:
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
        elif name in _BLOCKS:
            out.paragraph()
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents)
                     if isinstance(child, (Tag, NavigableString)))
    lines = out.result()
    return lines if page else [line for line in lines if line]


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
    #: Rows without tabs: "requirement" until the status is read, then "evidence".
    phase: str = "requirement"

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

    def __init__(self, lines: Sequence[str], where: Callable[[int], str]) -> None:
        self.lines = [line.replace("\u00a0", " ").rstrip() for line in lines]
        self.where = where
        self.rows: list[_Row] = []
        #: What could not be placed, with the number of the line it is on (to list in order).
        self.unplaced: list[tuple[int, Unread]] = []
        self.columns: Columns | None = None
        self.header_line: int | None = None
        self.section: str | None = None
        self.current: _Row | None = None
        #: Lines of text that are no row, by paragraph: (line number, texts).
        self.strays: list[tuple[int, list[str]]] = []

    # the form's parts

    def read(self) -> None:
        blanks = 0
        skip_to = -1
        previous_stray = False
        for index, line in enumerate(self.lines):
            number = index + 1
            if index <= skip_to:
                continue
            if not line.strip():
                blanks += 1
                continue
            gap, blanks = blanks, 0
            stripped = line.strip()
            stray = False
            # a heading stands on a line of its own, after a blank line or between rows (a line
            # "Section 3 – ..." straight under a row's text is that text wrapped)
            heading_place = "\t" not in line and (gap > 0 or self.current is None)
            if _RULE.match(line):
                continue
            start = _ROW_START.match(line)
            if start:
                self._start_row(number, start, line)
            elif "\t" in stripped and (columns := header_columns([c.strip() for c in line.split("\t")])):
                self._end_row()
                self.columns, self.header_line = columns, self.header_line or number
            elif heading_place and _SECTION.match(stripped):
                self._end_row()
                self.section = stripped
            elif heading_place and _SUBHEADING.match(stripped):
                self._end_row()
            elif (block := _header_block(self.lines, index)) is not None:
                self._end_row()
                self.columns, self.header_line = block[0], self.header_line or number
                skip_to = block[1]
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
        for number, texts in self.strays:
            reason = "text after the form" if number > last_row else "text between the form's rows"
            self.unplaced.append((number, Unread(self.where(number), reason, shortened("\n".join(texts)))))

    @property
    def unread(self) -> list[Unread]:
        return [unread for _, unread in sorted(self.unplaced, key=lambda item: item[0])]

    @property
    def _started(self) -> bool:
        return bool(self.rows) or self.current is not None or self.header_line is not None

    def _start_row(self, number: int, start: re.Match[str], line: str) -> None:
        self._end_row()
        rest = line[start.end():]
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
        for index, piece in enumerate(cells):
            text = _cell_text(piece)
            role: Role | None = roles.get(index)
            if not text or (role == "number" and index == 0 and _ROW_START.match(piece)):
                continue
            if role is None or role == "number":
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
        return self._untabbed(row, line.strip(), gap)

    def _untabbed(self, row: _Row, text: str, gap: int) -> bool:
        """A line of a row whose columns lost their tabs: the requirement until the status, then
        the evidence (a "- ..." line a bulleted line, a wrapped line carrying on the one above)."""
        if not text:
            return True
        bullet = _BULLET_LINE.match(text)
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


def _read_lines(lines: Sequence[str], form: ReadForm, path: Path, where: Callable[[int], str], what: str) -> None:
    """The form in ``lines`` into ``form`` (rows and unread), or :class:`FormError` if there is none."""
    reader = _TextReader(lines, where)
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
    text = _decode(_read_bytes(path, what), path, what)
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


def _grid(table: Tag) -> list[list[_Cell]]:
    """``table``'s rows with each merged cell copied into every place it covers."""
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
            cell = _Cell(id(td), "\n".join(_html_lines(td, page=False)))
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


def _heading(cells: Sequence[_Cell], width: int) -> str | None:
    """The text of a row that is one cell merged across the table (``width``: its header's
    columns), a section heading."""
    filled = [cell for cell in cells if cell.text.strip()]
    if not filled or len({cell.key for cell in filled}) != 1 or width < 2:
        return None
    spread = sum(1 for cell in cells if cell.key == filled[0].key)
    return " ".join(filled[0].text.split()) if spread >= width or len(cells) == 1 else None


def _read_table(table: Tag, number: int, state: _TableState, unread: list[Unread]) -> None:
    grid = _grid(table)
    width = max((len(row) for row in grid), default=0)
    columns, first = None, 0
    for index, cells in enumerate(grid[:6]):
        columns = header_columns([cell.text for cell in cells])
        if columns is not None:
            first, width = index + 1, len(cells)
            break
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
        elif state.current is not None and (number_cell.down or not number_cell.text.strip()):
            row = state.current
            placed = [(i, cell) for i, cell in enumerate(cells)
                      if i != number_at and not cell.across and not cell.down]
        else:
            unread.append(Unread(where, "a row without a provision number", shortened(" | ".join(t for t in texts if t))))
            continue
        for column, cell in placed:
            role = roles.get(column)
            if not cell.text.strip():
                continue
            if role is None:
                unread.append(Unread(where, "a cell beyond the form's columns", shortened(cell.text)))
            else:
                row.add(_CELL_OF_ROLE[role], cell.text)


def _title(soup: BeautifulSoup) -> str | None:
    for tag in (soup.title, soup.find("h1"), soup.find("h2")):
        if isinstance(tag, Tag) and tag.get_text(strip=True):
            return " ".join(tag.get_text(" ").split())[:200]
    return None


def read_html(path: Path | str) -> ReadForm:
    """The self-assessment form in an HTML page saved from a landlord's website (see the
    module's description). :class:`FormError` for a file that is a symbolic link, too large,
    empty, binary, or holds no form."""
    path = Path(path)
    what = "a web page (.html) of a published self-assessment"
    data = _read_bytes(path, what)
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        _refuse_binary(data, path, what)
    soup = BeautifulSoup(data, "html.parser")
    form = ReadForm(source=path.name, kind="html", title=_title(soup))
    state = _TableState()
    unread: list[Unread] = []
    tables = 0
    for element in soup.find_all(["table", "h1", "h2", "h3", "h4", "h5", "h6", "p", "caption", "strong", "b"]):
        if element.find_parent(["table", *_UNREAD_ELEMENTS]) is not None:
            continue
        if element.name == "table":
            tables += 1
            _read_table(element, tables, state, unread)
            continue
        text = " ".join(element.get_text(" ").split())
        if _SECTION.match(text):
            state.section, state.current = text, None
    if state.rows:
        form.rows.extend(row.form_row() for row in state.rows)
        form.unread.extend(unread)
        return form
    body = soup.body if isinstance(soup.body, Tag) else soup
    lines = _html_lines(body, page=True)
    if form.title is None:
        form.title = _first_line("\n".join(lines))
    _read_lines(lines, form, path, lambda number: f"line {number} of the page's text", what)
    return form


__all__ = ["MAX_BYTES", "read_html", "read_text"]
