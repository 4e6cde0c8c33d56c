"""Reading a case-log file as it is: CSV, Excel (.xlsx) or Parquet, header on the configured row.

Nothing is coerced here: CSV cells stay text (read by Arrow's multithreaded parser where it
gives exactly what the pandas parser gives, else record by record with the csv module, which
finds rows with another number of fields than the header: they are returned as ragged, their
values blanked), Excel cells stay the objects openpyxl gives (formula cells with no value saved
are named), Parquet columns keep their types. At most ``case_log.max_rows`` rows are read. The
header is checked (no repeated column names); a file that cannot be read at all raises
:class:`~audit_lib.errors.CaseLogError` with one line naming the file and saying what was
expected and what was found, never quoting a cell (a header row on the wrong line may be a
resident's data).
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CaseLogError
from .schema import CANONICAL_COLUMNS, OPTIONAL_COLUMNS
from .settings import CaseLogSettings

ZIP_MAGIC = b"PK\x03\x04"  # .xlsx files are zip archives
#: Rows of a CSV file read record by record are gathered into columns this many at a time.
CSV_CHUNK_ROWS = 65_536
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


def _read_csv_arrow(path: Path, settings: CaseLogSettings) -> pd.DataFrame | None:
    """The frame ``pd.read_csv(dtype=str, ...)`` gives, read by Arrow's multithreaded parser
    without a Python object per cell; ``None`` for any file the two parsers might read
    differently, which :func:`_read_csv_rows` then reads (and reports on).

    Declined: text columns not Arrow-backed (pandas 2), encodings other than UTF-8, a byte-order
    mark the encoding does not expect, NUL bytes, carriage returns not followed by a line feed,
    quotes in the title or header lines, a header with fewer than two names or a blank or
    repeated one, rows with another number of fields, no data rows, and a quote left open at
    the end of the file. ``tests/test_caselog_csv_reader.py`` compares the two parsers.
    """
    text_dtype = pd.Series([], dtype=str).dtype
    if not (isinstance(text_dtype, pd.StringDtype) and text_dtype.storage == "pyarrow"):
        return None
    try:
        encoding = codecs.lookup(settings.encoding).name
    except LookupError:
        return None
    if encoding not in ("utf-8", "utf-8-sig"):
        return None
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        if encoding != "utf-8-sig":
            return None
        data = data[len(codecs.BOM_UTF8):]
    if b"\x00" in data or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n")):
        return None
    start = 0
    for _ in range(settings.header_row - 1):  # title lines
        start = data.find(b"\n", start) + 1
        if start == 0:
            return None
    end = data.find(b"\n", start)
    if end < 0 or b'"' in data[:end]:
        return None
    try:
        names = data[start:end].rstrip(b"\r").decode("utf-8").split(",")
    except UnicodeDecodeError:
        return None
    if len(names) < 2 or "" in names or len(set(names)) != len(names):
        return None
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    try:
        table = pa_csv.read_csv(
            pa.py_buffer(data),
            read_options=pa_csv.ReadOptions(skip_rows=settings.header_row - 1),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.large_string() for name in names}, null_values=[],
                strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, ValueError):
        return None
    if table.num_rows == 0 or table.column_names != names:
        return None
    if b'"' in data:
        last = table.column(len(names) - 1)[-1].as_py()
        if data.endswith(('"' + last.replace('"', '""')).encode("utf-8")):
            return None  # a quote opened in the last field and never closed
    return pd.DataFrame({name: pd.array(table.column(i), dtype=text_dtype) for i, name in enumerate(names)},
                        copy=False)


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


def _read_csv_rows(path: Path, settings: CaseLogSettings) -> tuple[pd.DataFrame, np.ndarray]:
    """Every CSV file Arrow's parser declines: read record by record, so that a row with another
    number of fields than the header (an unquoted comma in an address, a missing field) is found
    and returned as ragged (its position), its values blanked: they belong to no known column."""
    try:  # strict: a quoted field left open at the end of the file is an error, as pandas says
        with open(path, encoding=settings.encoding, newline="") as handle:
            return _csv_records(csv.reader(handle, strict=True), path, settings, strict=True)
    except _LenientReadError:
        pass
    with open(path, encoding=settings.encoding, newline="") as handle:  # text after a closing quote, as pandas reads it
        return _csv_records(csv.reader(handle, strict=False), path, settings, strict=False)


class _LenientReadError(Exception):
    """A strict reading failed on something pandas reads (text after a closing quote): read leniently."""


def _csv_records(reader: Iterator[list[str]], path: Path, settings: CaseLogSettings,
                 strict: bool) -> tuple[pd.DataFrame, np.ndarray]:
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
    # in every row) loses nothing; any other row with more or fewer fields than the header is ragged
    trailing = len(seen) == 1 and min(seen) > width and not extra_text
    ragged = np.flatnonzero((counts >= 0) & (counts != width)) if not trailing else np.zeros(0, dtype=np.int64)
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
    return frame, ragged.astype(np.int64)


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


def _read_csv(path: Path, settings: CaseLogSettings) -> tuple[pd.DataFrame, np.ndarray]:
    with open(path, "rb") as handle:
        if handle.read(4) == ZIP_MAGIC:
            raise CaseLogError(
                "expected CSV text, found an Excel workbook (or another zip archive); give the file an .xlsx "
                "suffix or set case_log.format: xlsx", path=path,
            )
    fast = _read_csv_arrow(path, settings)
    if fast is not None:
        if len(fast) > settings.max_rows:
            raise CaseLogError(_too_many_rows(settings), path=path)
        return fast, np.zeros(0, dtype=np.int64)
    return _read_csv_rows(path, settings)


@dataclass
class RawTable:
    """A case log as read: its cells, the rows with another number of fields than the header
    (positions, their cells blanked) and the cells holding a formula with no value saved."""

    frame: pd.DataFrame
    ragged: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    formulas: dict[str, np.ndarray] = field(default_factory=dict)  # column -> positions


def _has_formula(archive: zipfile.ZipFile, name: str) -> bool:
    """Whether a worksheet's XML has a formula element, read in blocks (a sheet can be large)."""
    tail = b""
    with archive.open(name) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            if re.search(rb"<(?:\w+:)?f[ >/]", tail + block):
                return True
            tail = block[-16:]
    return False


def _formula_cells(path: Path, settings: CaseLogSettings, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Cells of the sheet holding a formula whose value was never saved (a workbook written by a
    program, not saved by Excel): pandas reads them as blank. Only looked for when the sheet has
    formulas at all."""
    with zipfile.ZipFile(path) as archive:
        if not any(_has_formula(archive, name) for name in archive.namelist()
                   if name.startswith("xl/worksheets/") and name.endswith(".xml")):
            return {}
    import openpyxl  # type: ignore[import-untyped]

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
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


def read_raw(path: Path, settings: CaseLogSettings) -> pd.DataFrame:
    """Read the export as text/objects, header on ``settings.header_row``; nothing is coerced."""
    return read_table(path, settings).frame


def read_table(path: Path, settings: CaseLogSettings) -> RawTable:
    """Read the export as text/objects, header on ``settings.header_row``; nothing is coerced.

    Error messages name the file, the line and what was expected, never a cell's value: a
    header row put on the wrong line may be a resident's data.
    """
    if not path.is_file():
        raise CaseLogError("case log not found; check the path (case_log.path in a landlord's configuration)", path=path)
    kind = _file_format(path, settings)
    ragged = np.zeros(0, dtype=np.int64)
    formulas: dict[str, np.ndarray] = {}
    try:
        if kind == "csv":
            frame, ragged = _read_csv(path, settings)
        elif kind == "xlsx":
            frame = pd.read_excel(
                path, sheet_name=settings.sheet or 0, dtype=object, skiprows=settings.header_row - 1,
                engine="openpyxl", keep_default_na=False, na_values=[], nrows=settings.max_rows + 1,
            )
            if len(frame) > settings.max_rows:
                raise CaseLogError(_too_many_rows(settings), path=path)
            formulas = _formula_cells(path, settings, frame)
        else:
            import pyarrow.parquet as pq

            if pq.ParquetFile(path).metadata.num_rows > settings.max_rows:
                raise CaseLogError(_too_many_rows(settings), path=path)
            frame = pd.read_parquet(path)
    except CaseLogError:
        raise
    except UnicodeDecodeError as exc:
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
        raise CaseLogError(f"cannot read the file as {kind}: {_short(exc)}", path=path) from None
    except Exception as exc:  # openpyxl and pyarrow raise their own types for corrupt files
        raise CaseLogError(f"cannot read the file as {kind}: {type(exc).__name__}: {_short(exc)}", path=path) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    mangled = [m.group(1) if (m := MANGLED.match(c)) and m.group(1) in frame.columns else c for c in frame.columns]
    problem = _header_problem(mangled, settings)
    if problem:
        raise CaseLogError(problem, path=path)
    return RawTable(frame, ragged, formulas)


def _short(exc: BaseException) -> str:
    """A library's message, first line and at most 120 characters (they can quote file content)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."
