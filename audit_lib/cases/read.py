"""Reading a case-log file as it is: CSV, Excel (.xlsx) or Parquet, header on the configured row.

Nothing is coerced here: CSV cells stay text (read by Arrow's multithreaded parser where it
gives exactly what the pandas parser gives, else by pandas), Excel cells stay the objects
openpyxl gives, Parquet columns keep their types. The header is checked (no repeated column
names); a file that cannot be read at all raises :class:`~audit_lib.errors.CaseLogError`
with one line naming the file and saying what was expected and what was found.
"""

from __future__ import annotations

import codecs
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CaseLogError
from .settings import CaseLogSettings

ZIP_MAGIC = b"PK\x03\x04"  # .xlsx files are zip archives
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
    """The frame ``pd.read_csv(dtype=str, ...)`` below gives, read by Arrow's multithreaded parser
    without a Python object per cell; ``None`` for any file the two parsers might read
    differently, which the pandas parser then reads (and reports on) as before.

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


def _read_csv(path: Path, settings: CaseLogSettings) -> pd.DataFrame:
    with open(path, "rb") as handle:
        if handle.read(4) == ZIP_MAGIC:
            raise CaseLogError(
                "expected CSV text, found an Excel workbook (or another zip archive); give the file an .xlsx "
                "suffix or set case_log.format: xlsx", path=path,
            )
    fast = _read_csv_arrow(path, settings)
    if fast is not None:
        return fast
    options = dict(dtype=str, keep_default_na=False, skiprows=settings.header_row - 1, encoding=settings.encoding,
                   skip_blank_lines=False)
    frame = pd.read_csv(path, **options)
    if not isinstance(frame.index, pd.RangeIndex) and frame.shape[1]:
        # the data rows have more fields than the header; pandas took the first column as an index
        extra = as_text(frame.iloc[:, -1])
        if (extra != "").any():
            first = int(np.flatnonzero((extra != "").to_numpy())[0])
            raise CaseLogError(
                f"line {settings.header_row + 1 + first} has more fields than the header row (line "
                f"{settings.header_row}, {frame.shape[1]} columns): check for unquoted commas in that row, or set "
                "case_log.header_row to the line holding the column names", path=path,
            )
        with warnings.catch_warnings():  # only empty trailing fields: a trailing delimiter, nothing lost
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            frame = pd.read_csv(path, index_col=False, **options)
    return frame


def read_raw(path: Path, settings: CaseLogSettings) -> pd.DataFrame:
    """Read the export as text/objects, header on ``settings.header_row``; nothing is coerced."""
    if not path.is_file():
        raise CaseLogError("case log not found; check the path (case_log.path in a landlord's configuration)", path=path)
    kind = _file_format(path, settings)
    try:
        if kind == "csv":
            frame = _read_csv(path, settings)
        elif kind == "xlsx":
            frame = pd.read_excel(
                path, sheet_name=settings.sheet or 0, dtype=object, skiprows=settings.header_row - 1,
                engine="openpyxl", keep_default_na=False, na_values=[],
            )
        else:
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
        raise CaseLogError(f"cannot read the file as {kind}: {str(exc).strip()}", path=path) from None
    except Exception as exc:  # openpyxl and pyarrow raise their own types for corrupt files
        raise CaseLogError(f"cannot read the file as {kind}: {type(exc).__name__}: {exc}", path=path) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    repeated = sorted({m.group(1) for c in frame.columns if (m := MANGLED.match(c)) and m.group(1) in frame.columns})
    if repeated:
        raise CaseLogError(f"column(s) {repeated} appear more than once in the header row; keep one of each",
                           path=path)
    return frame
