"""Reading a case-log file as it is: CSV, Excel (.xlsx) or Parquet, header on the configured row.

Nothing is coerced here: CSV cells stay text (read by Arrow's multithreaded parser, which notes
rows with another number of fields than the header by position; the few files it declines are
read record by record with the csv module, to the same text): a row with more fields than the
header is returned as ragged, its values blanked, and a row with fewer as short, its missing
trailing fields blank. Arrow's parser holds each column mapped to a canonical or optional column
other than the case reference as its distinct values and codes (categorical), not as one string
per cell. Excel cells stay the objects openpyxl gives (formula cells with no value saved are
named, found in the sheet's XML), Parquet columns keep their types (text columns other than the
case reference read as categorical too). At most ``case_log.max_rows`` rows are read, a longer
CSV file refused before it is all held. The header is checked (no repeated column names); a file
that cannot be read at all raises :class:`~audit_lib.errors.CaseLogError` with one line naming
the file and saying what was expected and what was found, never quoting a cell (a header row on
the wrong line may be a resident's data).
"""

from __future__ import annotations

import codecs
import collections
import csv
import functools
import gc
import inspect
import io
import itertools
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np
import pandas as pd

from ..errors import CaseLogError
from .schema import CANONICAL_COLUMNS, OPTIONAL_COLUMNS
from .settings import CaseLogSettings

if TYPE_CHECKING:
    import pyarrow as pa

ZIP_MAGIC = b"PK\x03\x04"  # .xlsx files are zip archives
#: Rows of a CSV file read record by record are gathered into columns this many at a time.
CSV_CHUNK_ROWS = 65_536
#: The csv module's limit on one field while reading (its default is 128 KB).
CSV_FIELD_LIMIT = 2**31 - 1
#: A CSV file larger than this is read in blocks of :data:`READ_BLOCK` bytes, its line breaks
#: counted as they come (so one with too many rows is refused before it is all held).
READ_WHOLE = 1 << 30
READ_BLOCK = 1 << 24
#: A line read after a record's text: taken into the record if the record ends inside quotes.
END_PROBE = "\x01,\x01"
MANGLED = re.compile(r"^(.*)\.(\d+)$")  # pandas renames a repeated header 'x' to 'x.1'


def as_text(series: pd.Series) -> pd.Series:
    """Cells as stripped text, blanks as empty strings (for validation messages)."""
    if isinstance(series.dtype, pd.StringDtype):  # already text (CSV, Parquet strings): no per-cell objects
        return series.fillna("").astype(str).str.strip()
    return series.astype(object).where(series.notna(), "").astype(str).str.strip()


def _file_format(path: Path, settings: CaseLogSettings) -> str:
    if settings.format:
        return settings.format
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "txt"):
        return "csv"
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix in ("parquet", "pq"):
        return "parquet"
    raise CaseLogError(
        f"cannot tell the file type from its suffix {path.suffix!r}; expected .csv, .xlsx or "
        ".parquet, or set case_log.format in the landlord's configuration",
        path=path,
    )


@dataclass
class CsvRead:
    """A CSV file as read: its cells as text, and the positions of the rows with more fields than
    the header (``ragged``: their cells blanked) and with fewer (``short``: the missing trailing
    fields read as blank)."""

    frame: pd.DataFrame
    ragged: np.ndarray
    short: np.ndarray


class _InvalidRows:
    """Arrow's handler for records with another number of fields than the table it is reading:
    each is kept out of the table (``"skip"``) and noted by position; only a short row's cells
    are kept (they are read), never a record's text."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.positions: list[int] = []  # 0-based record positions of the body, all of them
        self.blank: list[int] = []  # ragged rows and empty rows: read as blank
        self.by_fields: dict[int, tuple[list[int], list[list[str]]]] = {}  # short rows by fields: positions, cells
        self.short: list[int] = []
        self.long: list[tuple[int, int, bool]] = []  # (position, fields, whether the fields past the header are blank)
        self.open_quote = False  # a quoted field left open at the end of the file
        self.unnumbered = False

    def __call__(self, row: Any) -> str:
        number = row.number
        if number is None:
            self.unnumbered = True
            return "error"
        text: str = row.text
        position = number - 1
        self.positions.append(position)
        if '"' in text:
            # read as the csv module reads it, leniently; a line after it taken into the record
            # means the record ends inside quotes (only the file's last record can)
            records = list(csv.reader((text, END_PROBE), strict=False))
            if len(records) != 2:
                self.open_quote = True
                return "skip"
            cells = records[0]
            blank = not any(cell.strip() for cell in cells)
        else:
            cells = text.split(",")
            blank = not text.replace(",", "").strip()
        fields = len(cells)
        if blank:  # a blank or spaces-only line: an empty row
            self.blank.append(position)
        elif fields < self.width:
            self.short.append(position)
            group = self.by_fields.get(fields)
            if group is None:
                group = self.by_fields[fields] = ([], [])
            group[0].append(position)
            group[1].append(cells)
        else:
            self.long.append((position, fields, not any(cell.strip() for cell in cells[self.width:])))
            self.blank.append(position)
        return "skip"

    def arrays(self) -> tuple[list[int], list[pa.Array]]:
        """The rows noted, in one order: their positions, and their cells column by column (a
        short row's missing trailing fields blank, ragged and empty rows blank)."""
        import pyarrow as pa

        text = pa.large_string()
        blank = pa.scalar("", type=text)
        order = list(self.blank)
        parts: list[list[pa.Array]] = [[pa.repeat(blank, len(self.blank))] for _ in range(self.width)]
        for fields, (positions, rows) in self.by_fields.items():
            order.extend(positions)
            columns = list(zip(*rows))
            for k in range(self.width):
                parts[k].append(pa.array(columns[k], type=text) if k < fields else pa.repeat(blank, len(rows)))
        return order, [pa.concat_arrays(column) for column in parts]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused (it would scan the lists of cells over and over)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: Bytes whose character ``str.strip`` removes (ASCII whitespace), and the delimiter: a line of
#: only these (and perhaps other whitespace, checked) has only blank cells.
_BLANK_BYTES = np.zeros(256, dtype=np.uint8)
_BLANK_BYTES[[ord(c) for c in " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f,"]] = 1


def _read_unquoted(body: bytes, width: int) -> tuple[pa.Table, np.ndarray, np.ndarray] | None:
    """A body without quotes (each record a line) with rows of another number of fields than the
    header, read without a Python object per row: the fields of each line are counted at once;
    a short line gets its missing trailing delimiters, a ragged line (and a line of blanks with
    another number of fields) is read blank, then Arrow reads it all on all cores. Returns the
    table and the ragged and short rows' positions, or ``None`` (trailing delimiters on every
    row, or anything unexpected) for the line-by-line reading."""
    import pyarrow as pa
    import pyarrow.compute as pc

    data = np.frombuffer(body, dtype=np.uint8)  # UTF-8 (checked by the caller): text is made of it as it is
    if not len(data):
        return None
    breaks = np.flatnonzero(data == ord("\n"))
    lines = len(breaks) + (not body.endswith(b"\n"))
    starts = np.concatenate([np.zeros(1, dtype=np.int64), breaks + 1])[:lines]
    ends = np.concatenate([breaks, np.asarray([len(data)], dtype=np.int64)])[:lines]
    ends = ends - ((ends > starts) & (data[np.maximum(ends - 1, 0)] == ord("\r")))  # before a CRLF's CR
    empty = ends == starts
    commas = np.flatnonzero(data == ord(","))
    bounds = np.concatenate([starts, np.asarray([len(data)], dtype=np.int64)])
    fields = np.diff(np.searchsorted(commas, bounds)) + 1
    printable = (data > ord(" ")) & (data != ord(",")) & (data < 0x80)  # never whitespace
    candidates = ~empty & (fields != width) & (np.maximum.reduceat(printable.view(np.uint8), starts) == 0)
    blank = np.zeros(lines, dtype=bool)
    for line in np.flatnonzero(candidates).tolist():  # only spaces, delimiters and perhaps other whitespace
        blank[line] = not body[starts[line]:ends[line]].decode("utf-8").replace(",", "").strip()
    short = ~empty & ~blank & (fields < width)
    long = ~empty & ~blank & (fields > width)
    if (long.any() and not short.any() and len(np.unique(fields[long])) == 1
            and not (~empty & (fields == width)).any()):
        return None  # perhaps trailing delimiters on every row: the line-by-line reading decides
    rewrite = blank | long | empty  # read blank: the header's number of fields, all empty
    missing = np.where(short, width - fields, 0)
    text = pa.large_string()
    offsets = np.concatenate([starts, np.asarray([len(data)], dtype=np.int64)])
    cells = pa.LargeStringArray.from_buffers(lines, pa.py_buffer(offsets), pa.py_buffer(body))
    cells = pc.utf8_rtrim(cells, characters="\r\n")  # each line with its line break: cut off
    pads = pa.array(["," * k for k in range(width)], type=text).take(pa.array(missing))
    cells = pc.binary_join_element_wise(cells, pads, pa.scalar("", type=text))
    if rewrite.any():
        cells = pc.if_else(pa.array(rewrite), pa.scalar("," * (width - 1), type=text), cells)
    split = pc.split_pattern(cells, ",")
    if not pc.all(pc.equal(pc.list_value_length(split), width)).as_py():
        return None
    table = pa.table({f"f{k}": pc.list_element(split, k) for k in range(width)})
    return table, np.flatnonzero(long).astype(np.int64), np.flatnonzero(short).astype(np.int64)


def _coded_positions(names: list[str], settings: CaseLogSettings) -> frozenset[int]:
    """The header positions of the columns read as their distinct values and codes (categorical):
    those mapped to a canonical or optional column other than the case reference (whose values
    are nearly all distinct). Validation checks them once per distinct value; a column the mapping
    drops stays text."""
    mapping = {source.strip(): target for source, target in settings.columns.items()}
    known = {*CANONICAL_COLUMNS, *OPTIONAL_COLUMNS} - {"case_id"}
    return frozenset(position for position, name in enumerate(names) if mapping.get(name, name) in known)


def _text_column(column: pa.ChunkedArray, text_dtype: object, coded: bool) -> Any:
    """A column of cells as pandas holds it: text, or (``coded``) a categorical of its distinct
    values (text) and codes, as a Parquet file's text columns are read."""
    import pyarrow as pa

    if not coded:
        return pd.array(column, dtype=text_dtype)
    if not pa.types.is_dictionary(column.type):
        column = column.dictionary_encode()
    column = column.unify_dictionaries()  # one dictionary for every chunk (Arrow reads blocks in parallel)
    if column.null_count:
        return pd.array(column.cast(pa.large_string()), dtype=text_dtype)
    chunks = column.chunks
    values = chunks[0].dictionary if chunks else pa.array([], type=pa.large_string())
    # the codes gathered straight into the smallest integers pandas keeps them in (no copy after)
    width = next(kind for kind in (np.int8, np.int16, np.int32, np.int64) if len(values) < np.iinfo(kind).max)
    codes = (np.concatenate([chunk.indices.to_numpy() for chunk in chunks], dtype=width, casting="unsafe")
             if chunks else np.zeros(0, dtype=width))
    return pd.Categorical.from_codes(codes, categories=pd.Index(pd.array(values, dtype=text_dtype)))


def _csv_read(table: pa.Table, names: list[str], text_dtype: object, ragged: np.ndarray,
              short: np.ndarray, coded: frozenset[int]) -> CsvRead:
    frame = pd.DataFrame({position: _text_column(table.column(position), text_dtype, position in coded)
                          for position in range(len(names))}, copy=False)
    frame.columns = pd.Index(names)
    return CsvRead(frame, ragged, short)


class _Stop:
    """Arrow's handler for the first reading, on all cores: stop at the first record with another
    number of fields than the table (``hit``), to read the file again noting each."""

    def __init__(self) -> None:
        self.hit = False

    def __call__(self, row: object) -> str:
        self.hit = True
        return "error"


def _arrow_table(body: bytes | memoryview, columns: int, handler: Callable[[object], str], threads: bool,
                 coded: frozenset[int] = frozenset()) -> pa.Table:
    """The body (the records below the header) as ``columns`` large-string columns, those at the
    positions ``coded`` as their distinct values and codes (dictionary-encoded); a record larger
    than Arrow's block is read in one block."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    names = [f"f{position}" for position in range(columns)]
    types = {name: pa.dictionary(pa.int32(), pa.large_string()) if position in coded else pa.large_string()
             for position, name in enumerate(names)}
    block_size = 1 << 20
    while True:
        try:
            return pa_csv.read_csv(
                pa.py_buffer(body),
                read_options=pa_csv.ReadOptions(use_threads=threads, column_names=names, block_size=block_size),
                parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                                  invalid_row_handler=handler),
                convert_options=pa_csv.ConvertOptions(
                    column_types=types, null_values=[],
                    strings_can_be_null=False, quoted_strings_can_be_null=False,
                ),
            )
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc) or block_size > len(body) or block_size >= 1 << 30:
                raise
            block_size = min(max(block_size * 8, len(body) + 1), 1 << 30)


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is all UTF-8, checked by Arrow without a copy. Arrow hands a record of
    another number of fields than the header to a handler as text, and builds text of unquoted
    lines from the bytes as they are: bytes that are not UTF-8 must not get that far (the handler
    would fail with the record's text in its message)."""
    import pyarrow as pa

    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    try:
        pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(data)).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _read_csv_arrow(path: Path, settings: CaseLogSettings, data: bytes | None = None) -> CsvRead | None:
    """The CSV file read by Arrow's parser, exactly as :func:`_read_csv_rows` (the csv module,
    record by record) reads it, without a Python object per cell; ``None`` for a file it leaves
    to that reader (which then reads it and reports any fault).

    The title and header lines are read by the csv module. The records below are read by Arrow,
    on all cores; if one has another number of fields than the header, again on one core with a
    handler noting each such record by its position (never its text): rows with more fields
    than the header are ragged (their cells blanked), rows with fewer are read with the missing
    trailing fields blank. An export ending every row with a delimiter the header lacks (empty
    fields only) is read as the header's columns. The columns mapped to a canonical or optional
    column other than the case reference are returned as categorical (:func:`_coded_positions`):
    the same text, held as its distinct values and codes.

    Declined: text columns not Arrow-backed, an unknown encoding, NUL bytes, carriage returns
    not followed by a line feed, title or header lines the csv module cannot read, a header with
    fewer than two names or with a repeated name, no data rows, a quote left open at the end of
    the file, and trailing delimiters on only some rows. ``tests/test_caselog_csv_reader.py``
    compares the two readers (and, for well-formed files, ``pd.read_csv``).
    """
    text_dtype = pd.Series([], dtype=str).dtype
    if not (isinstance(text_dtype, pd.StringDtype) and text_dtype.storage == "pyarrow"):
        return None
    try:
        encoding = codecs.lookup(settings.encoding).name
    except LookupError:
        return None
    if data is None:
        data = path.read_bytes()
    start = 0  # the text starts here: after a byte-order mark (skipped, not copied away)
    if encoding in ("utf-8", "utf-8-sig"):
        start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        if not _is_utf8(data):
            return None  # the csv module reports the first byte that is not, by its offset, never a cell's text
    else:  # Arrow parses UTF-8: transcode (an undecodable byte is reported with its offset)
        data = data.decode(encoding).removeprefix("\ufeff").encode("utf-8")
    if b"\x00" in data or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n")):
        return None
    consumed = start

    def lines() -> Iterator[str]:
        nonlocal consumed
        while consumed < len(data):
            stop = data.find(b"\n", consumed) + 1 or len(data)
            raw = data[consumed:stop]
            consumed = stop
            yield raw.decode("utf-8")

    reader = csv.reader(lines(), strict=False)  # as the record-by-record reader reads it, leniently if need be
    try:
        with _csv_field_limit():
            for _ in range(settings.header_row - 1):  # title lines
                next(reader)
            header = next(reader)
            end = consumed
            first = next(reader)
    except (StopIteration, csv.Error, UnicodeDecodeError):
        return None
    names = [name.strip() or f"Unnamed: {position}" for position, name in enumerate(header)]
    width = len(names)
    if width < 2 or _header_problem(names, settings):
        return None
    coded = _coded_positions(names, settings)
    body = memoryview(data)[end:]  # the records below the header, not copied
    quoted = data.find(b'"', end) >= 0
    import pyarrow as pa
    import pyarrow.compute as pc

    stop = _Stop()
    table: pa.Table | None = None
    columns = len(first)
    if columns > width and not any(cell.strip() for cell in first[width:]):
        # a delimiter ending the first row: every row may end with one (nothing lost); else read as below
        try:
            table = _arrow_table(body, columns, stop, threads=True)
        except (pa.ArrowException, ValueError):
            table = None
        if table is not None and not all(
                pc.all(pc.equal(pc.utf8_trim_whitespace(table.column(k)), "")).as_py() in (True, None)
                for k in range(width, columns)):
            table = None
        if table is not None:  # a row of blanks and spaces is an empty row: its spaces are not kept
            blank = functools.reduce(pc.and_, [pc.equal(pc.utf8_trim_whitespace(column), "")
                                               for column in table.columns])
            empty = functools.reduce(pc.and_, [pc.equal(column, "") for column in table.columns])
            if pc.any(pc.and_(blank, pc.invert(empty))).as_py():
                nothing = pa.scalar("", type=pa.large_string())
                table = pa.table({name: pc.if_else(blank, nothing, table.column(name)) for name in table.column_names})
    invalid = _InvalidRows(width)
    if table is None:
        stop = _Stop()
        try:
            table = _arrow_table(body, width, stop, threads=True, coded=coded)
        except (pa.ArrowException, ValueError):
            if not stop.hit:
                return None  # not UTF-8, or another fault: the csv module reports it
            table = None
        if table is None and not quoted:  # no quotes: a record is a line, its fields counted at once
            unquoted = _read_unquoted(bytes(body), width)
            if unquoted is not None:
                return _csv_read(unquoted[0], names, text_dtype, unquoted[1], unquoted[2], coded)
        if table is None:  # a record with another number of fields: read again, noting each
            try:
                with _gc_paused(), _csv_field_limit():  # many short rows: many small lists, none cyclic
                    table = _arrow_table(body, width, invalid, threads=False)
            except (pa.ArrowException, ValueError):
                return None
            if invalid.open_quote or invalid.unnumbered:
                return None
            counts = {fields for _, fields, _ in invalid.long}
            if (invalid.long and not invalid.short and len(counts) == 1
                    and all(blank for _, _, blank in invalid.long)
                    and not any(pc.any(pc.not_equal(pc.utf8_trim_whitespace(table.column(k)), "")).as_py()
                                for k in range(width))):
                return None  # trailing delimiters on every row but not the first: the csv module decides
    total = table.num_rows + len(invalid.positions)
    if total == 0:
        return None
    if invalid.positions:
        positions = np.asarray(invalid.positions, dtype=np.int64)
        if positions.min() < 0 or positions.max() >= total or len(np.unique(positions)) != len(positions):
            return None
        with _gc_paused():
            order, extra = invalid.arrays()
        take = np.empty(total, dtype=np.int64)
        read = np.ones(total, dtype=bool)
        read[positions] = False
        take[read] = np.arange(table.num_rows)
        take[np.asarray(order, dtype=np.int64)] = table.num_rows + np.arange(len(order))
        indices = pa.array(take)
    last_read = not invalid.positions or take[total - 1] < table.num_rows
    if quoted and last_read and table.num_rows:
        last = table.column(table.num_columns - 1)[-1].as_py()
        opened = ('"' + last.replace('"', '""')).encode("utf-8")
        tail = len(data) - data.endswith(b"\n")  # Arrow may leave out a last line break: looked at without it too
        tail -= data.endswith(b"\r", start, tail)
        if data.endswith(opened, start) or data.endswith(opened, start, tail):
            return None  # a quote opened in the last field and never closed
    columns_out = {}
    for position in range(width):
        column = table.column(position)
        if invalid.positions:
            column = pa.chunked_array([*column.chunks, extra[position]], type=pa.large_string()).take(indices)
        columns_out[position] = _text_column(column, text_dtype, position in coded)
    frame = pd.DataFrame(columns_out, copy=False)
    frame.columns = pd.Index(names)
    ragged = np.sort(np.asarray([position for position, _, _ in invalid.long], dtype=np.int64))
    short = np.sort(np.asarray(invalid.short, dtype=np.int64))
    return CsvRead(frame, ragged, short)


def _header_problem(names: list[str], settings: CaseLogSettings) -> str | None:
    """Why a header row cannot be one (repeated names), naming known names only and otherwise
    their positions: a header row put on the wrong line may be a resident's data."""
    known = {*settings.columns, *CANONICAL_COLUMNS, *OPTIONAL_COLUMNS}
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name in seen:
            what = repr(name) if name in known else f"the names of columns {seen[name]} and {position}"
            return (f"column {what} appear(s) more than once in the header row (line {settings.header_row}); "
                    "keep one of each, or set case_log.header_row to the line holding the column names")
        seen[name] = position
    return None


def _read_csv_rows(path: Path, settings: CaseLogSettings, data: bytes | None = None) -> CsvRead:
    """Every CSV file Arrow's parser declines: read record by record, so that a row with more
    fields than the header (an unquoted comma in an address) is found and returned as ragged
    (its position), its values blanked: they belong to no known column; a row with fewer fields
    (an export leaving out trailing empty fields) is read with them blank and returned as short.
    ``data``: the file's bytes, already read (else the file is read)."""
    if data is None:
        data = path.read_bytes()

    def text() -> io.TextIOWrapper:  # decoded as open(path, encoding=..., newline="") decodes the file
        return io.TextIOWrapper(io.BytesIO(data), encoding=settings.encoding, newline="")

    try:
        with _csv_field_limit():
            try:  # strict: a quoted field left open at the end of the file is an error, as pandas says
                with text() as handle:
                    return _csv_records(csv.reader(handle, strict=True), path, settings, strict=True)
            except _LenientReadError:
                pass
            with text() as handle:  # text after a closing quote, as pandas reads it
                return _csv_records(csv.reader(handle, strict=False), path, settings, strict=False)
    except UnicodeDecodeError as exc:  # its offset is in the block being decoded: found again in the file
        raise _undecodable(data, settings.encoding) or exc from None


def _undecodable(data: bytes, encoding: str) -> UnicodeDecodeError | None:
    """The first undecodable byte of ``data``, its offset counted in the file (a byte-order mark
    skipped by ``utf-8-sig`` included); ``None`` if all of it decodes. Only for a file that does
    not decode: the whole text is held while it is looked for."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        mark = codecs.BOM_UTF8 if codecs.lookup(encoding).name == "utf-8-sig" and data.startswith(codecs.BOM_UTF8) else b""
        return UnicodeDecodeError(exc.encoding, data, exc.start + len(mark), exc.end + len(mark), exc.reason)
    return None


@contextmanager
def _csv_field_limit() -> Iterator[None]:
    """The csv module's limit on a field's size raised while reading (its default, 128 KB, is
    less than a long notes cell), and restored after."""
    previous = csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


class _LenientReadError(Exception):
    """A strict reading failed on something pandas reads (text after a closing quote): read leniently."""


def _csv_records(reader: Iterator[list[str]], path: Path, settings: CaseLogSettings,
                 strict: bool) -> CsvRead:
    text_dtype = pd.Series([], dtype=str).dtype

    def line() -> int:
        return int(getattr(reader, "line_num", 0))

    try:
        for _ in range(settings.header_row - 1):  # title lines
            next(reader)
        header = next(reader)
    except StopIteration:
        raise pd.errors.EmptyDataError("no header") from None
    except csv.Error as exc:
        if strict and _csv_problem(exc) != "a quoted field is not closed":
            raise _LenientReadError from None
        raise pd.errors.ParserError(f"{_csv_problem(exc)} (at line {line()}, above the first data row)") from None
    if header:
        header[0] = header[0].removeprefix("\ufeff")
    names = [name.strip() or f"Unnamed: {position}" for position, name in enumerate(header)]
    problem = _header_problem(names, settings)
    if problem:
        raise CaseLogError(problem, path=path)
    width = len(names)
    import pyarrow as pa
    import pyarrow.compute as pc

    chunks: list[list[pa.Array]] = [[] for _ in range(width)]
    lengths: list[int] = []  # fields in each row; -1 for a blank or spaces-only line (an empty row)
    extra_text = False  # a value beyond the header's last column somewhere
    pending: list[list[str]] = []

    def flush() -> None:
        if pending:
            for position, cells in enumerate(zip(*pending)):
                chunks[position].append(pa.array(cells, type=pa.large_string()))
            pending.clear()

    try:
        for record in reader:
            if len(lengths) >= settings.max_rows:
                raise CaseLogError(_too_many_rows(settings), path=path)
            if len(record) == width:
                lengths.append(width)
            elif not any(cell.strip() for cell in record):
                lengths.append(-1)
                record = [""] * width
            else:
                lengths.append(len(record))
                extra_text = extra_text or any(cell.strip() for cell in record[width:])
                record = record[:width] + [""] * (width - len(record))
            pending.append(record)
            if len(pending) >= CSV_CHUNK_ROWS:
                flush()
    except csv.Error as exc:
        if strict and _csv_problem(exc) != "a quoted field is not closed":
            raise _LenientReadError from None
        raise pd.errors.ParserError(f"{_csv_problem(exc)} (at line {line()})") from None
    flush()
    counts = np.asarray(lengths, dtype=np.int64)
    seen = set(np.unique(counts[counts >= 0]).tolist())
    # an export ending every row with a delimiter the header lacks (the same number of empty fields
    # in every row) loses nothing; any other row with more fields than the header is ragged, and
    # one with fewer is short: its missing trailing fields are read as blank
    trailing = len(seen) == 1 and min(seen) > width and not extra_text
    ragged = np.flatnonzero(counts > width) if not trailing else np.zeros(0, dtype=np.int64)
    short = np.flatnonzero((counts >= 0) & (counts < width))
    keep = None
    if len(ragged):  # their values are not read: blanked
        keep = np.ones(len(counts), dtype=bool)
        keep[ragged] = False
    columns = {}
    for position in range(width):
        column = pa.chunked_array(chunks[position], type=pa.large_string())
        if keep is not None:
            column = pc.if_else(pa.array(keep), column, pa.scalar("", type=pa.large_string()))
        columns[position] = pd.array(column, dtype=text_dtype)
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(counts)), copy=False)
    frame.columns = pd.Index(names)
    return CsvRead(frame, ragged.astype(np.int64), short.astype(np.int64))


def _csv_problem(exc: csv.Error) -> str:
    """The csv module's complaint, without any text of the file."""
    message = str(exc)
    if "end of data" in message or "EOF" in message:
        return "a quoted field is not closed"
    if "expected after" in message:
        return "a quote inside an unquoted field, or text after a closing quote"
    if "new-line character" in message:
        return "a line break inside an unquoted field"
    return message.split(":")[0][:80]


def _too_many_rows(settings: CaseLogSettings) -> str:
    return (f"expected at most {settings.max_rows:,} rows (case_log.max_rows), found more; split the export by "
            "period or raise case_log.max_rows in the landlord's configuration")


def _read_csv_bytes(path: Path, settings: CaseLogSettings) -> bytes:
    """A CSV file's bytes; one with more than ``case_log.max_rows`` rows is refused before it is
    parsed, and a large one (over :data:`READ_WHOLE` bytes) before it is all held. Line breaks
    are counted (a record is at least one line); only past ``max_rows`` of them are the records
    counted (quoted line breaks), in the bytes read (in a large file, in the file as it is read
    on: a check only, the bytes returned are those read block by block)."""
    bound = settings.header_row + settings.max_rows  # this many line breaks or more: perhaps too many rows
    size = path.stat().st_size
    if size < bound:  # fewer bytes than that: fewer rows
        return path.read_bytes()
    if size <= READ_WHOLE:
        data = path.read_bytes()
        if _line_breaks(data) >= bound:
            _check_records(io.BytesIO(data), path, settings)
        return data
    blocks = []
    breaks = 0
    carriage = False  # the last block ended with a carriage return
    counted = False
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(READ_BLOCK), b""):
            breaks += _line_breaks(block) - (carriage and block.startswith(b"\n"))
            carriage = block.endswith(b"\r")
            blocks.append(block)
            if breaks >= bound and not counted:
                with open(path, "rb") as counting:
                    _check_records(counting, path, settings)
                counted = True
    return b"".join(blocks)


def _line_breaks(data: bytes) -> int:
    """Line feeds, and carriage returns not followed by one."""
    breaks = data.count(b"\n")
    if b"\r" in data:
        breaks += data.count(b"\r") - data.count(b"\r\n")
    return breaks


def _check_records(source: BinaryIO, path: Path, settings: CaseLogSettings) -> None:
    """Refuse a file (its bytes in ``source``) with more than ``case_log.max_rows`` records below
    the header, counting records (not lines) with the csv module and stopping past the bound."""
    text = io.TextIOWrapper(source, encoding=settings.encoding, errors="replace", newline="")
    with _csv_field_limit(), text as handle:
        reader = csv.reader(handle)
        try:
            collections.deque(itertools.islice(reader, settings.header_row + settings.max_rows), maxlen=0)
            more = next(reader, None) is not None
        except csv.Error:
            return  # reading the file reports it
    if more:
        raise CaseLogError(_too_many_rows(settings), path=path)


def _read_csv(path: Path, settings: CaseLogSettings, data: bytes) -> CsvRead:
    fast = _read_csv_arrow(path, settings, data)
    if fast is not None:
        if len(fast.frame) > settings.max_rows:
            raise CaseLogError(_too_many_rows(settings), path=path)
        return fast
    return _read_csv_rows(path, settings, data)


def read_bytes(path: Path, settings: CaseLogSettings) -> bytes:
    """The case log's bytes, read once: what is parsed (:func:`read_table`) and what is hashed for
    the record of the run are then the same bytes, even if the file is replaced while it loads.
    A CSV file with more than ``case_log.max_rows`` rows is refused before it is all held, as is
    a zip archive (an Excel workbook) given as CSV."""
    try:
        if not path.is_file():
            raise FileNotFoundError(path)
        kind = _file_format(path, settings)
        if kind == "parquet":
            _check_parquet_rows(path, settings)  # from the file's footer, before the file is all held
        if kind != "csv":
            return path.read_bytes()
        try:  # a text codec ('hex' and 'rot13' are not) that can replace what it cannot decode ('idna' cannot)
            b"a\xff".decode(settings.encoding, "replace")
        except (LookupError, UnicodeError):
            raise CaseLogError(f"unknown text encoding {settings.encoding!r} (case_log.encoding); expected one such as "
                               "'utf-8-sig', 'utf-8' or 'cp1252'", path=path) from None
        with open(path, "rb") as handle:  # refused before a large workbook is read (checked again on the bytes)
            zipped = handle.read(4) == ZIP_MAGIC
        data = b"" if zipped else _read_csv_bytes(path, settings)
        if zipped or data.startswith(ZIP_MAGIC):
            raise CaseLogError(
                "expected CSV text, found an Excel workbook (or another zip archive); give the file an .xlsx "
                "suffix or set case_log.format: xlsx", path=path,
            )
        return data
    except FileNotFoundError:  # removed since it was looked at
        raise CaseLogError("case log not found; check the path (case_log.path in a landlord's configuration)",
                           path=path) from None
    except OSError as exc:
        raise CaseLogError(f"cannot read the file ({exc.strerror or type(exc).__name__}); check that it is readable",
                           path=path) from None
    except MemoryError:
        raise CaseLogError("the file is too large to read into this machine's memory; split the export by period",
                           path=path) from None


def _check_parquet_rows(path: Path, settings: CaseLogSettings) -> None:
    """Refuse a Parquet file whose footer gives more than ``case_log.max_rows`` rows; a footer
    that cannot be read is reported when the file is read."""
    import pyarrow.parquet as pq

    try:
        rows = pq.read_metadata(path).num_rows
    except Exception:  # a damaged or vanished file: reading it says which, as for any other file
        return
    if rows > settings.max_rows:
        raise CaseLogError(_too_many_rows(settings), path=path)


@dataclass
class RawTable:
    """A case log as read: its cells, the rows with more fields than the header (positions, their
    cells blanked), the rows with fewer (positions, the missing trailing fields blank) and the
    cells holding a formula with no value saved."""

    frame: pd.DataFrame
    ragged: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    short: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    formulas: dict[str, np.ndarray] = field(default_factory=dict)  # column -> positions


#: A formula element with no value saved after it: the end of its cell, or an empty value
#: (a cell's children come in the order formula, value).
NO_VALUE_FORMULA = re.compile(
    rb"<(?:\w+:)?f(?:\s[^>]*)?(?:/>|>[^<]*</(?:\w+:)?f>)\s*(?:</(?:\w+:)?c>|<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)")
CELL_START = re.compile(rb"<(?:\w+:)?c[\s>]")
CELL_REFERENCE = re.compile(rb"""\sr\s*=\s*["']([A-Z]+)(\d+)["']""")
SHEET_XML_NAMESPACES = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "pkg": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _sheet_part(archive: zipfile.ZipFile, sheet: str | None) -> str | None:
    """The zip member holding the worksheet read (``sheet`` by name, else the first), from the
    workbook's small index files; ``None`` if they cannot be followed."""
    from xml.etree import ElementTree

    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    sheets = book.findall("main:sheets/main:sheet", SHEET_XML_NAMESPACES)
    chosen = next((s for s in sheets if sheet is None or s.get("name") == sheet), None)
    if chosen is None:
        return None
    rid = chosen.get(f"{{{SHEET_XML_NAMESPACES['rel']}}}id")
    target = next((r.get("Target") for r in rels.findall("pkg:Relationship", SHEET_XML_NAMESPACES)
                   if r.get("Id") == rid), None)
    if not target:
        return None
    part = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return part if part in archive.namelist() else None


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _no_value_formulas(archive: zipfile.ZipFile, part: str) -> list[tuple[int, int]] | None:
    """(sheet row, 0-based column) of each formula cell with no value saved, found by scanning
    the worksheet's XML in blocks (cut at a cell's start) without building its cells; ``None``
    if such a cell has no reference."""
    found: list[tuple[int, int]] = []
    carry = b""
    with archive.open(part) as handle:
        while True:
            block = handle.read(1 << 22)
            text = carry + block
            if block:
                prefixed = text.rfind(b":c ")
                cut = max(text.rfind(b"<c "), text.rfind(b"<c>"), text.rfind(b"<", 0, prefixed) if prefixed > 0 else -1)
                cut = max(cut, 0)
                text, carry = text[:cut], text[cut:]
            for match in NO_VALUE_FORMULA.finditer(text):
                starts = [m.start() for m in CELL_START.finditer(text, max(0, match.start() - 4096), match.start())]
                if not starts:
                    return None
                reference = CELL_REFERENCE.search(text, starts[-1], match.start())
                if reference is None:
                    return None
                found.append((int(reference.group(2)), _column_index(reference.group(1))))
            if not block:
                return found


def _formula_cells(data: bytes, settings: CaseLogSettings, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Cells of the sheet holding a formula whose value was never saved (a workbook written by a
    program, not saved by Excel): pandas reads them as blank. Found in the worksheet's XML of the
    workbook's bytes ``data``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        part = _sheet_part(archive, settings.sheet)
        cells = _no_value_formulas(archive, part) if part else None
    if cells is None:
        return _formula_cells_by_openpyxl(data, settings, frame)
    found: dict[str, list[int]] = {}
    names = list(frame.columns)
    for row, index in cells:
        position = row - settings.header_row - 1
        if 0 <= position < len(frame) and index < len(names):
            cell = frame.iat[position, index]
            if cell is None or (isinstance(cell, float) and np.isnan(cell)) or cell == "":
                found.setdefault(names[index], []).append(position)
    return {name: np.asarray(sorted(rows), dtype=np.int64) for name, rows in found.items()}


def _formula_cells_by_openpyxl(data: bytes, settings: CaseLogSettings, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """:func:`_formula_cells` for a workbook whose XML cannot be followed: every cell visited."""
    import openpyxl  # type: ignore[import-untyped]

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheet = book[settings.sheet] if settings.sheet else book.worksheets[0]
        found: dict[str, list[int]] = {}
        names = list(frame.columns)
        for position, row in enumerate(sheet.iter_rows(min_row=settings.header_row + 1, values_only=True)):
            if position >= len(frame):
                break
            for index, value in enumerate(row):
                if isinstance(value, str) and value.startswith("=") and index < len(names):
                    cell = frame.iat[position, index]
                    if cell is None or (isinstance(cell, float) and np.isnan(cell)) or cell == "":
                        found.setdefault(names[index], []).append(position)
    finally:
        book.close()
    return {name: np.asarray(rows, dtype=np.int64) for name, rows in found.items()}


def _holds_text(kind: pa.DataType) -> bool:
    """Whether a Parquet column of this Arrow type holds text or bytes read as text (a dictionary of them too)."""
    import pyarrow as pa

    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_binary(kind)
                or pa.types.is_large_binary(kind))


def _refuse_text_not_utf8(table: pa.Table, schema: pa.Schema, path: Path, settings: CaseLogSettings) -> None:
    """Refuse a Parquet file one of whose text columns (``table``'s; dictionary-encoded columns by
    their distinct values, bytes as the text they would be read as) holds a cell that is not UTF-8,
    naming the column if the product knows its name, else by its position; never the cell."""
    import pyarrow as pa

    known = {*settings.columns, *CANONICAL_COLUMNS, *OPTIONAL_COLUMNS}
    for name, values in zip(table.column_names, table.columns):
        parts = [chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk for chunk in values.chunks]
        try:
            for part in parts:
                if pa.types.is_binary(part.type) or pa.types.is_large_binary(part.type):
                    part = part.cast(pa.large_string())  # the cast checks the bytes are UTF-8
                part.validate(full=True)
        except pa.ArrowInvalid:
            what = repr(name) if name in known else f"number {schema.get_field_index(name) + 1} of the file"
            raise CaseLogError(f"expected UTF-8 text in every text column of a Parquet file; found a cell that is not "
                               f"UTF-8 in column {what}; export the file again with its text in UTF-8",
                               path=path) from None


def _dictionary_columns(schema: pa.Schema, settings: CaseLogSettings) -> list[str]:
    """The text columns of a Parquet file read as their distinct values and codes (categorical):
    every one but the case reference, whose values are nearly all distinct. A column of few
    distinct values is then not written out cell by cell, and is checked once per value."""
    import pyarrow as pa

    mapping = {source.strip(): target for source, target in settings.columns.items()}
    return [field.name for field in schema
            if (pa.types.is_string(field.type) or pa.types.is_large_string(field.type))
            and mapping.get(field.name.strip(), field.name.strip()) != "case_id"]


#: How a Parquet file's Arrow table becomes pandas columns, where pandas lets it be said: one column
#: at a time, each Arrow column released once converted (less memory held at once, so less fresh
#: memory touched), and columns of one type not gathered into one block.
_PARQUET_TO_PANDAS: dict[str, Any] = (
    {"to_pandas_kwargs": {"split_blocks": True, "self_destruct": True}}
    if "to_pandas_kwargs" in inspect.signature(pd.read_parquet).parameters else {})


def _writable(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its own copy of every column that Arrow handed over without copying (numbers
    with no blank cell): such a column is read-only, and pandas cannot change a cell of it, so
    the cases loaded from it could not be edited. Other columns are not copied."""
    for column in frame.columns:
        values = frame[column].array
        array = getattr(values, "_ndarray", None)
        if array is None and isinstance(values, pd.arrays.NumpyExtensionArray):
            array = values.to_numpy()
        if isinstance(array, np.ndarray) and not array.flags.writeable:
            frame[column] = frame[column].copy()
    return frame


def read_raw(path: Path, settings: CaseLogSettings) -> pd.DataFrame:
    """Read the export as text/objects, header on ``settings.header_row``; nothing is coerced."""
    return read_table(path, settings).frame


def read_table(path: Path, settings: CaseLogSettings, data: bytes | None = None) -> RawTable:
    """Read the export as text/objects, header on ``settings.header_row``; nothing is coerced.
    ``data``: the file's bytes from :func:`read_bytes`, when the caller holds them (to hash the
    very bytes read); else the file is read here.

    Error messages name the file, the line and what was expected, never a cell's value: a
    header row put on the wrong line may be a resident's data.
    """
    if data is None:
        data = read_bytes(path, settings)
    kind = _file_format(path, settings)
    ragged = short = np.zeros(0, dtype=np.int64)
    formulas: dict[str, np.ndarray] = {}
    try:
        if kind == "csv":
            read = _read_csv(path, settings, data)
            frame, ragged, short = read.frame, read.ragged, read.short
        elif kind == "xlsx":
            with warnings.catch_warnings():  # openpyxl's warnings name cells and their values
                warnings.simplefilter("ignore")
                frame = pd.read_excel(
                    io.BytesIO(data), sheet_name=settings.sheet or 0, dtype=object, skiprows=settings.header_row - 1,
                    engine="openpyxl", keep_default_na=False, na_values=[], nrows=settings.max_rows + 1,
                )
                if len(frame) > settings.max_rows:
                    raise CaseLogError(_too_many_rows(settings), path=path)
                formulas = _formula_cells(data, settings, frame)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            parquet = pq.ParquetFile(pa.BufferReader(data))
            if parquet.metadata.num_rows > settings.max_rows:
                raise CaseLogError(_too_many_rows(settings), path=path)
            schema = parquet.schema_arrow
            coded = _dictionary_columns(schema, settings)
            texts = [field.name for field in schema if _holds_text(field.type)]
            if any(pa.types.is_binary(field.type) or pa.types.is_large_binary(field.type) for field in schema):
                # bytes that pandas hands on as they are: checked here, as text is below
                _refuse_text_not_utf8(parquet.read(columns=texts, use_threads=True), schema, path, settings)
            try:
                frame = pd.read_parquet(pa.BufferReader(data), read_dictionary=coded, **_PARQUET_TO_PANDAS)
            except pa.ArrowException:  # text that is not UTF-8 fails as it is converted, quoting the cell
                _refuse_text_not_utf8(parquet.read(columns=texts, use_threads=True), schema, path, settings)
                raise
            if len(frame) > settings.max_rows:  # a footer that gave fewer rows than the file holds
                raise CaseLogError(_too_many_rows(settings), path=path)
            frame = _writable(frame)
            # text columns not read as categories are converted without a check: checked here
            strings = [name for name in frame.columns if isinstance(frame[name].dtype, pd.StringDtype)
                       and hasattr(frame[name].array, "__arrow_array__")]
            _refuse_text_not_utf8(pa.table({name: frame[name].array.__arrow_array__() for name in strings}),
                                  schema, path, settings)
    except CaseLogError:
        raise
    except UnicodeDecodeError as exc:
        if kind != "csv":  # a Parquet file's column name, say: not the case log's encoding
            raise CaseLogError(f"expected UTF-8 text in the {kind} file's names and text; found some that is not; "
                               "export the file again with its text in UTF-8", path=path) from None
        raise CaseLogError(
            f"expected text in {settings.encoding} encoding, found an undecodable byte at offset "
            f"{exc.start}; re-export as UTF-8 or set case_log.encoding (e.g. 'cp1252')",
            path=path,
        ) from None
    except pd.errors.EmptyDataError:
        if settings.header_row > 1:
            raise CaseLogError(
                f"no header row at line {settings.header_row}: the file ends before it; check case_log.header_row",
                path=path,
            ) from None
        raise CaseLogError("the file is empty; expected a header row and one row per complaint", path=path) from None
    except pd.errors.ParserError as exc:
        raise CaseLogError(
            f"not a readable CSV file: {str(exc).strip()}. If the export has title lines above the column names, "
            "set case_log.header_row to the line that holds them", path=path,
        ) from None
    except (ValueError, KeyError, OSError, ImportError) as exc:
        raise CaseLogError(f"cannot read the file as {kind}: {_short(exc) or _unshown(exc)}", path=path) from None
    except Exception as exc:  # openpyxl and pyarrow raise their own types for corrupt files
        detail = _short(exc)
        raise CaseLogError(f"cannot read the file as {kind}: " + (f"{type(exc).__name__}: {detail}" if detail
                                                                   else _unshown(exc)), path=path) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    mangled = [m.group(1) if (m := MANGLED.match(c)) and m.group(1) in frame.columns else c for c in frame.columns]
    problem = _header_problem(mangled, settings)
    if problem:
        raise CaseLogError(problem, path=path)
    return RawTable(frame, ragged, short, formulas)


#: The messages of the libraries that read a file (zipfile, openpyxl, pyarrow) known to describe the
#: file's structure without quoting any of its cells: the part of a message matching one is shown.
#: Other messages may quote a cell (openpyxl's "could not convert string to float: '<cell>'", Arrow's
#: "Wrapping <cell> failed"), so they are never shown.
PLAIN_LIBRARY_MESSAGES = tuple(re.compile(pattern) for pattern in (
    r"File is not a zip file",
    r"Bad magic number for (central directory|file header)",
    r"Truncated file header",
    r"Worksheet named '[^'\n]{0,100}' not found",  # the sheet the configuration names
    r"(Could not open Parquet input source '<Buffer>': )?Parquet magic bytes not found in footer\. "
    r"Either the file is corrupted or this is not a parquet file\.",
    r"Parquet file size is \d+ bytes, smaller than the minimum file footer \(\d+ bytes\)",
    r"Couldn't deserialize thrift: [A-Za-z ]{1,60}",
    r"CSV parse error: Expected \d+ columns, got \d+",
))


def _short(exc: BaseException) -> str | None:
    """The part of a library's message (its first line) that a pattern of
    :data:`PLAIN_LIBRARY_MESSAGES` matches from its start; ``None`` for any other message."""
    lines = str(exc).strip().strip("\"'").splitlines()
    for pattern in PLAIN_LIBRARY_MESSAGES:
        if lines and (match := pattern.match(lines[0])):
            return match.group(0)
    return None


def _unshown(exc: BaseException) -> str:
    """Words for a library's error whose message is not shown (:func:`_short`)."""
    return (f"{type(exc).__name__} (its message is not shown: it may quote the file). If the file opens in the "
            "program that wrote it, export it again; otherwise ask for a new export")
