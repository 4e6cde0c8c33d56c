"""Loading a housing system's complaint export into the canonical case log, with validation.

The loader reads CSV, Excel (.xlsx) or Parquet, renames the export's columns to the
canonical names (design brief §3), keeps only canonical and known optional columns (so
names, addresses and contact details never go further than this function), parses dates
explicitly (UK day-first ``dd/mm/yyyy``, ISO ``yyyy-mm-dd`` or real date cells; never
guessed) and validates every row. Problems are collected, not raised: each unusable row is
listed in :attr:`CaseLog.exclusions` with its file row, column, value and reason, and left
out of :attr:`CaseLog.cases`. Only a file that cannot be read at all raises
:class:`~audit_lib.errors.CaseLogError`.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..config.landlords import CANONICAL_COLUMNS, OPTIONAL_COLUMNS, CaseLogSettings
from ..core.calendar import FIRST_YEAR, LAST_YEAR
from ..errors import CaseLogError

DATE_COLUMNS = (
    "received",
    "stage1_acknowledged",
    "stage1_responded",
    "stage2_requested",
    "stage2_acknowledged",
    "stage2_responded",
)
EXTENSION_COLUMNS = ("stage1_extension_days", "stage2_extension_days")
OUTCOME_COLUMNS = ("stage1_outcome", "stage2_outcome")
OUTCOMES = ("upheld", "partly upheld", "not upheld", "withdrawn")
OUTCOME_SYNONYMS = {"partially upheld": "partly upheld", "part upheld": "partly upheld"}
#: The Ombudsman's determinations, worst first, as stored (lower case).
OMBUDSMAN_OUTCOMES = (
    "severe maladministration", "maladministration", "service failure", "reasonable redress",
    "no maladministration", "outside jurisdiction", "withdrawn",
)
#: An extension longer than this many working days is taken as a data error, not a choice.
MAX_EXTENSION_DAYS = 120
#: Date formats accepted in text cells, tried in this order; anything else is an error.
TEXT_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "ISO8601")
#: A full ISO date (a bare year or year-month is not a date: it would be a guess).
ISO_DATE_PREFIX = r"\d{4}-\d{2}-\d{2}"
UK_TIME = "Europe/London"
#: Dates the working-day calendar covers; anything else is a keying error, not a complaint date.
FIRST_DAY = np.datetime64(f"{FIRST_YEAR}-01-01")
LAST_DAY = np.datetime64(f"{LAST_YEAR - 1}-12-31")
#: Steps that must not come before another: (later step, earlier step).
STEP_ORDER = (
    ("stage1_acknowledged", "received"),
    ("stage1_responded", "stage1_acknowledged"),
    ("stage1_responded", "received"),
    ("stage2_requested", "stage1_responded"),
    ("stage2_acknowledged", "stage2_requested"),
    ("stage2_responded", "stage2_acknowledged"),
    ("stage2_responded", "stage2_requested"),
)
EXCLUSION_COLUMNS = ["row", "case_id", "column", "value", "reason"]
MAX_VALUE_CHARS = 40


@dataclass
class CaseLog:
    """A validated case log: usable cases, the listed exclusions, and where it came from."""

    cases: pd.DataFrame
    exclusions: pd.DataFrame
    source: Path
    sha256: str
    rows_read: int
    dropped_columns: tuple[str, ...] = field(default=())

    @property
    def excluded_rows(self) -> int:
        return int(self.exclusions["row"].nunique()) if len(self.exclusions) else 0


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


ZIP_MAGIC = b"PK\x03\x04"  # .xlsx files are zip archives
MANGLED = re.compile(r"^(.*)\.(\d+)$")  # pandas renames a repeated header 'x' to 'x.1'


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
        extra = _text(frame.iloc[:, -1])
        if (extra != "").any():
            first = int(np.flatnonzero((extra != "").to_numpy())[0])
            raise CaseLogError(
                f"line {settings.header_row + 1 + first} has more fields than the header row (line "
                f"{settings.header_row}, {frame.shape[1]} columns; extra value "
                f"{extra.iloc[first][:MAX_VALUE_CHARS]!r}): check for unquoted commas in that row, or set "
                "case_log.header_row to the line holding the column names", path=path,
            )
        with warnings.catch_warnings():  # only empty trailing fields: a trailing delimiter, nothing lost
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            frame = pd.read_csv(path, index_col=False, **options)
    return frame


def _read_raw(path: Path, settings: CaseLogSettings) -> pd.DataFrame:
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


def _apply_mapping(frame: pd.DataFrame, settings: CaseLogSettings, path: Path) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Rename export columns, keep canonical and optional columns only; report what was dropped."""
    mapping = {source.strip(): target for source, target in settings.columns.items()}
    missing_sources = [s for s in mapping if s not in frame.columns]
    renamed = frame.rename(columns=mapping)
    wanted = [c for c in (*CANONICAL_COLUMNS, *OPTIONAL_COLUMNS) if c in renamed.columns]
    missing = [c for c in CANONICAL_COLUMNS if c not in renamed.columns]
    if missing:
        hint = f"; the mapping names export columns not in the file: {missing_sources}" if missing_sources else ""
        raise CaseLogError(
            f"missing required column(s) {missing}; found columns {list(frame.columns)}{hint}. "
            "Add the export's column names to case_log.columns in the landlord's configuration",
            path=path,
        )
    duplicated = renamed.columns[renamed.columns.duplicated()].tolist()
    if duplicated:
        raise CaseLogError(f"column(s) {sorted(set(duplicated))} appear more than once after mapping", path=path)
    dropped = tuple(c for c in renamed.columns if c not in wanted)
    return renamed[wanted].copy(), dropped


def _text(series: pd.Series) -> pd.Series:
    """Cells as stripped text, blanks as empty strings (for validation messages)."""
    if isinstance(series.dtype, pd.StringDtype):  # already text (CSV, Parquet strings): no per-cell objects
        return series.fillna("").astype(str).str.strip()
    return series.astype(object).where(series.notna(), "").astype(str).str.strip()


def _is_plain_number(dtype: object) -> bool:
    """Integers or 64-bit floats, whose text (``str``) reads back as exactly the same number."""
    if isinstance(dtype, np.dtype):
        return dtype.kind in "iu" or dtype == np.float64
    return isinstance(dtype, (pd.Int64Dtype, pd.Int32Dtype, pd.Int16Dtype, pd.Int8Dtype, pd.UInt64Dtype,
                              pd.UInt32Dtype, pd.UInt16Dtype, pd.UInt8Dtype, pd.Float64Dtype))


def _blank(series: pd.Series) -> pd.Series:
    """``_text(series) == ""`` without writing out every cell: a date or number cell is blank
    exactly when it is missing."""
    dtype = series.dtype
    if (isinstance(dtype, np.dtype) and dtype.kind in "biufcmM") or isinstance(dtype, pd.DatetimeTZDtype) \
            or _is_plain_number(dtype):
        return series.isna()
    return _text(series).eq("")


def _by_value(text: pd.Series, convert) -> pd.Series:
    """``convert(text)`` computed once per distinct value and spread back to every cell.

    Export columns repeat a few values (dates, outcomes, amounts) many times; ``convert`` must
    work cell by cell (parsing, case and space folding), so the result is the same.
    """
    codes, uniques = pd.factorize(text)
    if (codes < 0).any():  # missing cells: convert them as they are
        return convert(text)
    converted = convert(pd.Series(uniques, dtype=text.dtype))
    return converted.take(codes).set_axis(text.index).rename(text.name)


def _local_days(values: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Datetimes as UK calendar days (``datetime64[D]``): aware times are converted to UK time."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert(UK_TIME).dt.tz_localize(None) if isinstance(values, pd.Series) \
            else values.tz_convert(UK_TIME).tz_localize(None)
    return np.asarray(values, dtype="datetime64[D]")


def _stamp_days(values: pd.Series) -> np.ndarray:
    """Excel date cells (``datetime``/``date`` objects) as ``datetime64[D]``, any year."""
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[D]")
    for i, v in enumerate(values):
        if getattr(v, "tzinfo", None) is not None:
            v = pd.Timestamp(v).tz_convert(UK_TIME)
        out[i] = np.datetime64(v.date() if hasattr(v, "date") else v, "D")
    return out


def parse_dates(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a date column explicitly. Returns (dates as ``datetime64[ns]`` days, mask of bad cells).

    Real date cells (Excel, Parquet) are taken as they are (times with a zone as UK time);
    text must be ``dd/mm/yyyy`` (optionally with a time) or a full ISO ``yyyy-mm-dd``. Blank
    cells are NaT and not bad; a date outside the years the calendar covers is bad.
    """
    index = series.index
    days = np.full(len(series), np.datetime64("NaT"), dtype="datetime64[D]")
    pending = pd.Series(False, index=index)
    if pd.api.types.is_datetime64_any_dtype(series):
        days = _local_days(series)
    else:
        is_text = series.map(lambda v: isinstance(v, str)) if series.dtype == object else None
        if is_text is not None and not is_text.all():
            is_stamp = series.map(lambda v: hasattr(v, "year") or isinstance(v, np.datetime64)) & series.notna()
            if is_stamp.any():
                days[is_stamp.to_numpy()] = _stamp_days(series[is_stamp])
            other = series.notna() & ~is_stamp & ~is_text
            text = _text(series.where(is_text, ""))
            pending = (text != "") | other  # numbers and other objects in a date column are not dates
        else:
            text = _text(series)
            pending = text != ""
        for fmt in TEXT_DATE_FORMATS:
            if not pending.any():
                break
            candidates = pending & (text.str.match(ISO_DATE_PREFIX) if fmt == "ISO8601" else True)
            if not candidates.any():
                continue
            attempt = _by_value(text[candidates], lambda cells: pd.to_datetime(
                cells, format=fmt, errors="coerce", utc=fmt == "ISO8601"))
            ok = attempt.notna()
            positions = index.get_indexer(attempt.index[ok])
            days[positions] = _local_days(attempt[ok])
            pending[attempt.index[ok]] = False
    out_of_range = ~np.isnat(days) & ((days < FIRST_DAY) | (days > LAST_DAY))
    days[out_of_range] = np.datetime64("NaT")
    bad = pending | pd.Series(out_of_range, index=index)
    return pd.Series(days.astype("datetime64[ns]"), index=index), bad


def _finding(frame: pd.DataFrame, mask: pd.Series, column: str, values: pd.Series, reason: str) -> pd.DataFrame:
    if not mask.any():
        return pd.DataFrame(columns=EXCLUSION_COLUMNS)
    shown = _text(values[mask]).str.slice(0, MAX_VALUE_CHARS)
    return pd.DataFrame(
        {
            "row": frame.loc[mask, "_row"].to_numpy(),
            "case_id": _text(frame.loc[mask, "case_id"]).to_numpy(),
            "column": column,
            "value": shown.to_numpy(),
            "reason": reason,
        }
    )


def _rows(frame: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """``frame[keep].reset_index(drop=True)``, column by column: each column's array is
    filtered directly (text columns by Arrow) instead of through an index of row numbers."""
    return pd.DataFrame({column: frame[column].array[keep] for column in frame.columns}, copy=False)


def validate(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Type and check every row of a mapped frame. Returns (usable cases, exclusions)."""
    out = pd.DataFrame(index=frame.index)
    out["_row"] = frame["_row"]
    findings: list[pd.DataFrame] = []
    case_id = _text(frame["case_id"])
    out["case_id"] = case_id
    findings.append(_finding(frame, case_id == "", "case_id", case_id, "missing case reference"))
    dup = (case_id != "") & case_id.duplicated(keep=False)
    findings.append(_finding(frame, dup, "case_id", case_id, "duplicate case reference (every copy excluded)"))

    for column in DATE_COLUMNS:
        parsed, bad = parse_dates(frame[column])
        out[column] = parsed
        findings.append(
            _finding(frame, bad, column, frame[column],
                     f"not a date: expected dd/mm/yyyy or yyyy-mm-dd between {FIRST_YEAR} and {LAST_YEAR - 1}")
        )
    findings.append(
        _finding(frame, out["received"].isna() & _blank(frame["received"]), "received", frame["received"],
                 "missing date received")
    )
    for later, earlier in STEP_ORDER:
        wrong = out[later].notna() & out[earlier].notna() & (out[later] < out[earlier])
        findings.append(
            _finding(frame, wrong, later, frame[later], f"{later.replace('_', ' ')} is before {earlier.replace('_', ' ')}")
        )
    for step, needs in (("stage1_responded", "stage1_acknowledged"), ("stage2_acknowledged", "stage2_requested"),
                        ("stage2_responded", "stage2_acknowledged")):
        gap = out[step].notna() & out[needs].isna() & _blank(frame[needs])
        findings.append(_finding(frame, gap, needs, frame[needs], f"missing, but {step.replace('_', ' ')} is recorded"))

    for column in EXTENSION_COLUMNS:
        if _is_plain_number(frame[column].dtype):  # already numbers (Parquet, Excel): no round trip through text
            raw, given, number = frame[column], frame[column].notna(), frame[column].astype("float64")
        else:
            raw = _text(frame[column])
            given = raw != ""
            number = _by_value(raw, lambda cells: pd.to_numeric(cells.where(cells != ""), errors="coerce"))
        not_number = given & number.isna()
        findings.append(_finding(frame, not_number, column, raw, "not a whole number of working days"))
        not_whole = number.notna() & (~np.isfinite(number) | (number != number.round()))
        findings.append(_finding(frame, not_whole, column, raw, "not a whole number of working days"))
        negative = number.notna() & (number < 0)
        findings.append(_finding(frame, negative, column, raw, "negative extension"))
        absurd = number.notna() & (number > MAX_EXTENSION_DAYS)
        findings.append(_finding(frame, absurd, column, raw, f"extension over {MAX_EXTENSION_DAYS} working days"))
        usable = number.where(np.isfinite(number) & (number == number.round()))
        out[column] = usable.fillna(0).astype("int64")  # rows with bad values are excluded

    for column in OUTCOME_COLUMNS:
        raw = _by_value(_text(frame[column]), lambda cells: cells.str.lower().str.replace(r"\s+", " ", regex=True))
        normal = raw.replace(OUTCOME_SYNONYMS)
        unknown = (normal != "") & ~normal.isin(OUTCOMES)
        findings.append(
            _finding(frame, unknown, column, frame[column], f"unknown outcome: expected one of {', '.join(OUTCOMES)}")
        )
        out[column] = normal

    if _is_plain_number(frame["compensation"].dtype):  # already amounts (Parquet, Excel)
        comp_given, comp = frame["compensation"].notna(), frame["compensation"].astype("float64")
    else:
        raw_comp = _text(frame["compensation"]).str.replace(r"^£", "", regex=True).str.replace(",", "", regex=False)
        comp_given = raw_comp != ""
        comp = _by_value(raw_comp, lambda cells: pd.to_numeric(cells.where(cells != ""), errors="coerce"))
    findings.append(_finding(frame, comp_given & (comp.isna() | ~np.isfinite(comp)), "compensation",
                             frame["compensation"], "not an amount of money"))
    findings.append(_finding(frame, comp.notna() & (comp < 0), "compensation", frame["compensation"],
                             "negative compensation"))
    out["compensation"] = comp.where(np.isfinite(comp)).fillna(0.0)

    hos = _by_value(_text(frame["ombudsman_outcome"]),
                    lambda cells: cells.str.lower().str.replace(r"\s+", " ", regex=True))
    unknown_hos = (hos != "") & ~hos.isin(OMBUDSMAN_OUTCOMES)
    findings.append(_finding(frame, unknown_hos, "ombudsman_outcome", frame["ombudsman_outcome"],
                             f"unknown Ombudsman outcome: expected one of {', '.join(OMBUDSMAN_OUTCOMES)}"))
    out["ombudsman_outcome"] = hos
    for column in ("category", "refused_reason"):
        out[column] = _text(frame[column])
    out["category"] = out["category"].replace("", "Not recorded")
    for column in OPTIONAL_COLUMNS:
        if column in frame.columns:
            out[column] = _text(frame[column])

    exclusions = pd.concat([f for f in findings if len(f)], ignore_index=True) if any(len(f) for f in findings) \
        else pd.DataFrame(columns=EXCLUSION_COLUMNS)
    exclusions = exclusions.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    bad_rows = set(exclusions["row"].tolist())
    usable = _rows(out, ~out["_row"].isin(bad_rows).to_numpy(dtype=bool)).rename(columns={"_row": "source_row"})
    return usable, exclusions


def _blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose canonical cells are all blank; each column is only looked at in the rows
    still blank in the columns before it."""
    blank = np.ones(len(frame), dtype=bool)
    for column in CANONICAL_COLUMNS:
        rows = np.flatnonzero(blank)
        if rows.size == 0:
            break
        cells = frame[column] if rows.size == len(frame) else frame[column].iloc[rows]
        blank[rows] = _blank(cells).to_numpy(dtype=bool)
    return blank


def load_case_log(path: Path, settings: CaseLogSettings) -> CaseLog:
    """Read, map and validate a case log file; see the module docstring."""
    path = Path(path)
    raw = _read_raw(path, settings)
    mapped, dropped = _apply_mapping(raw, settings, path)
    mapped.insert(0, "_row", np.arange(len(mapped)) + settings.header_row + 1)
    blank = pd.Series(_blank_rows(mapped), index=mapped.index)
    cases, exclusions = validate(mapped[~blank] if blank.any() else mapped)
    if blank.any():  # spacer or trailing empty lines are not cases, but are still listed
        empty = pd.DataFrame({"row": mapped.loc[blank, "_row"].to_numpy(), "case_id": "", "column": "",
                              "value": "", "reason": "empty row"})
        exclusions = pd.concat([exclusions, empty], ignore_index=True).sort_values("row", kind="stable")
        exclusions = exclusions.reset_index(drop=True)
    return CaseLog(
        cases=cases,
        exclusions=exclusions,
        source=path,
        sha256=file_sha256(path),
        rows_read=len(mapped),
        dropped_columns=dropped,
    )
