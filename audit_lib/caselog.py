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

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import CaseLogError
from .landlords import CANONICAL_COLUMNS, OPTIONAL_COLUMNS, CaseLogSettings

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
        "'.parquet', or set case_log.format in the landlord's configuration",
        path=path,
    )


def _read_raw(path: Path, settings: CaseLogSettings) -> pd.DataFrame:
    """Read the export as text/objects, header on ``settings.header_row``; nothing is coerced."""
    if not path.is_file():
        raise CaseLogError("case log not found; check the path (case_log.path in a landlord's configuration)", path=path)
    kind = _file_format(path, settings)
    skip = settings.header_row - 1
    try:
        if kind == "csv":
            frame = pd.read_csv(
                path, dtype=str, keep_default_na=False, skiprows=skip, encoding=settings.encoding,
                skip_blank_lines=False,
            )
        elif kind == "xlsx":
            frame = pd.read_excel(
                path, sheet_name=settings.sheet or 0, dtype=object, skiprows=skip, engine="openpyxl",
            )
        else:
            frame = pd.read_parquet(path)
    except UnicodeDecodeError as exc:
        raise CaseLogError(
            f"expected text in {settings.encoding} encoding, found an undecodable byte at offset "
            f"{exc.start}; re-export as UTF-8 or set case_log.encoding (e.g. 'cp1252')",
            path=path,
        ) from None
    except pd.errors.EmptyDataError:
        raise CaseLogError("the file is empty; expected a header row and one row per complaint", path=path) from None
    except pd.errors.ParserError as exc:
        raise CaseLogError(f"not a readable CSV file: {str(exc).strip()}", path=path) from None
    except (ValueError, KeyError, OSError, ImportError) as exc:
        raise CaseLogError(f"cannot read the file as {kind}: {str(exc).strip()}", path=path) from None
    except Exception as exc:  # openpyxl and pyarrow raise their own types for corrupt files
        raise CaseLogError(f"cannot read the file as {kind}: {type(exc).__name__}: {exc}", path=path) from None
    frame.columns = [str(c).strip() for c in frame.columns]
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
    return series.astype(object).where(series.notna(), "").astype(str).str.strip()


def parse_dates(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a date column explicitly. Returns (dates as ``datetime64`` day, mask of bad cells).

    Real date cells (Excel, Parquet) are taken as they are; text must be ``dd/mm/yyyy``
    (optionally with a time) or ISO ``yyyy-mm-dd``. Blank cells are NaT and not bad.
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        parsed = pd.to_datetime(series)
        return parsed.dt.normalize(), pd.Series(False, index=series.index)
    result = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    is_stamp = series.map(lambda v: isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year"))
    if is_stamp.any():
        result[is_stamp] = pd.to_datetime(series[is_stamp].astype(object), errors="coerce")
    text = _text(series.where(~is_stamp, ""))
    pending = (text != "") & ~is_stamp
    for fmt in TEXT_DATE_FORMATS:
        if not pending.any():
            break
        attempt = pd.to_datetime(text[pending], format=fmt, errors="coerce")
        ok = attempt.notna()
        result[attempt.index[ok]] = attempt[ok]
        pending[attempt.index[ok]] = False
    return result.dt.normalize(), pending


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
            _finding(frame, bad, column, frame[column], "not a date: expected dd/mm/yyyy or yyyy-mm-dd")
        )
    findings.append(
        _finding(frame, out["received"].isna() & _text(frame["received"]).eq(""), "received", frame["received"],
                 "missing date received")
    )
    for later, earlier in STEP_ORDER:
        wrong = out[later].notna() & out[earlier].notna() & (out[later] < out[earlier])
        findings.append(
            _finding(frame, wrong, later, frame[later], f"{later.replace('_', ' ')} is before {earlier.replace('_', ' ')}")
        )
    for step, needs in (("stage1_responded", "stage1_acknowledged"), ("stage2_acknowledged", "stage2_requested"),
                        ("stage2_responded", "stage2_acknowledged")):
        gap = out[step].notna() & out[needs].isna() & ~_text(frame[needs]).ne("")
        findings.append(_finding(frame, gap, needs, frame[needs], f"missing, but {step.replace('_', ' ')} is recorded"))

    for column in EXTENSION_COLUMNS:
        raw = _text(frame[column])
        number = pd.to_numeric(raw.where(raw != ""), errors="coerce")
        not_number = (raw != "") & number.isna()
        findings.append(_finding(frame, not_number, column, raw, "not a whole number of working days"))
        not_whole = number.notna() & (number != number.round())
        findings.append(_finding(frame, not_whole, column, raw, "not a whole number of working days"))
        negative = number.notna() & (number < 0)
        findings.append(_finding(frame, negative, column, raw, "negative extension"))
        absurd = number.notna() & (number > MAX_EXTENSION_DAYS)
        findings.append(_finding(frame, absurd, column, raw, f"extension over {MAX_EXTENSION_DAYS} working days"))
        out[column] = number.fillna(0).round().astype("int64")  # rows with bad values are excluded

    for column in OUTCOME_COLUMNS:
        raw = _text(frame[column]).str.lower().str.replace(r"\s+", " ", regex=True)
        normal = raw.replace(OUTCOME_SYNONYMS)
        unknown = (normal != "") & ~normal.isin(OUTCOMES)
        findings.append(
            _finding(frame, unknown, column, frame[column], f"unknown outcome: expected one of {', '.join(OUTCOMES)}")
        )
        out[column] = normal

    raw_comp = _text(frame["compensation"]).str.replace(r"^£", "", regex=True).str.replace(",", "", regex=False)
    comp = pd.to_numeric(raw_comp.where(raw_comp != ""), errors="coerce")
    findings.append(_finding(frame, (raw_comp != "") & comp.isna(), "compensation", frame["compensation"],
                             "not an amount of money"))
    findings.append(_finding(frame, comp.notna() & (comp < 0), "compensation", frame["compensation"],
                             "negative compensation"))
    out["compensation"] = comp.fillna(0.0)

    hos = _text(frame["ombudsman_outcome"]).str.lower().str.replace(r"\s+", " ", regex=True)
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
    usable = out[~out["_row"].isin(bad_rows)].rename(columns={"_row": "source_row"}).reset_index(drop=True)
    return usable, exclusions


def load_case_log(path: Path, settings: CaseLogSettings) -> CaseLog:
    """Read, map and validate a case log file; see the module docstring."""
    path = Path(path)
    raw = _read_raw(path, settings)
    mapped, dropped = _apply_mapping(raw, settings, path)
    mapped.insert(0, "_row", np.arange(len(mapped)) + settings.header_row + 1)
    blank = mapped[list(CANONICAL_COLUMNS)].apply(lambda col: _text(col).eq("")).all(axis=1)
    cases, exclusions = validate(mapped[~blank])
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
