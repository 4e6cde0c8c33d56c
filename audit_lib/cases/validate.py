"""Typing and checking every row of a mapped case log, listing each problem as a finding.

Dates are parsed explicitly (UK day-first ``dd/mm/yyyy``, ISO ``yyyy-mm-dd`` or real date
cells; never guessed), extensions and amounts read as numbers, outcomes folded onto the
vocabularies of :mod:`audit_lib.cases.schema`. Problems are collected, not raised: each one
is a row of the exclusions table (file row, case reference, column, at most
:data:`~audit_lib.cases.schema.MAX_VALUE_CHARS` characters of the cell, the prose reason and
its :class:`~audit_lib.cases.schema.Reason` code), and a row with any problem is left out of
the usable cases. Every check works on whole columns; values repeated down a column are
converted once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd

from ..core.calendar import FIRST_YEAR, LAST_YEAR
from .read import as_text
from .schema import (
    CANONICAL_COLUMNS,
    DATE_COLUMNS,
    EXCLUSION_COLUMNS,
    EXTENSION_COLUMNS,
    MAX_EXTENSION_DAYS,
    MAX_VALUE_CHARS,
    OMBUDSMAN_OUTCOMES,
    OPTIONAL_COLUMNS,
    OUTCOME_COLUMNS,
    OUTCOME_SYNONYMS,
    OUTCOMES,
    REQUIRED_EARLIER_STEPS,
    STEP_ORDER,
    Reason,
)

#: Date formats accepted in text cells, tried in this order; anything else is an error.
TEXT_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "ISO8601")
#: A full ISO date (a bare year or year-month is not a date: it would be a guess).
ISO_DATE_PREFIX = r"\d{4}-\d{2}-\d{2}"
UK_TIME = "Europe/London"
#: Dates the working-day calendar covers; anything else is a keying error, not a complaint date.
FIRST_DAY = np.datetime64(f"{FIRST_YEAR}-01-01")
LAST_DAY = np.datetime64(f"{LAST_YEAR - 1}-12-31")


def _words(column: str) -> str:
    return column.replace("_", " ")


#: The prose reason listed beside each code (never a cell's value: that is in its own column).
REASON_TEXT: dict[Reason, str] = {
    Reason.MISSING_CASE_ID: "missing case reference",
    Reason.DUPLICATE_CASE_ID: "duplicate case reference (every copy excluded)",
    Reason.BAD_DATE: f"not a date: expected dd/mm/yyyy or yyyy-mm-dd between {FIRST_YEAR} and {LAST_YEAR - 1}",
    Reason.MISSING_RECEIVED: "missing date received",
    **{reason: f"{_words(later)} is before {_words(earlier)}" for later, earlier, reason in STEP_ORDER},
    **{reason: f"missing, but {_words(step)} is recorded" for step, _needs, reason in REQUIRED_EARLIER_STEPS},
    Reason.BAD_EXTENSION: "not a whole number of working days",
    Reason.NEGATIVE_EXTENSION: "negative extension",
    Reason.EXTENSION_TOO_LONG: f"extension over {MAX_EXTENSION_DAYS} working days",
    Reason.UNKNOWN_OUTCOME: f"unknown outcome: expected one of {', '.join(OUTCOMES)}",
    Reason.BAD_AMOUNT: "not an amount of money",
    Reason.NEGATIVE_AMOUNT: "negative compensation",
    Reason.UNKNOWN_OMBUDSMAN_OUTCOME: f"unknown Ombudsman outcome: expected one of {', '.join(OMBUDSMAN_OUTCOMES)}",
    Reason.EMPTY_ROW: "empty row",
}


def _is_plain_number(dtype: object) -> bool:
    """Integers or 64-bit floats, whose text (``str``) reads back as exactly the same number."""
    if isinstance(dtype, np.dtype):
        return dtype.kind in "iu" or dtype == np.float64
    return isinstance(dtype, (pd.Int64Dtype, pd.Int32Dtype, pd.Int16Dtype, pd.Int8Dtype, pd.UInt64Dtype,
                              pd.UInt32Dtype, pd.UInt16Dtype, pd.UInt8Dtype, pd.Float64Dtype))


def is_blank(series: pd.Series) -> pd.Series:
    """``as_text(series) == ""`` without writing out every cell: a date or number cell is blank
    exactly when it is missing."""
    dtype = series.dtype
    if (isinstance(dtype, np.dtype) and dtype.kind in "biufcmM") or isinstance(dtype, pd.DatetimeTZDtype) \
            or _is_plain_number(dtype):
        return series.isna()
    return as_text(series).eq("")


def _by_value(text: pd.Series, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
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
            text = as_text(series.where(is_text, ""))
            pending = (text != "") | other  # numbers and other objects in a date column are not dates
        else:
            text = as_text(series)
            pending = text != ""
        for fmt in TEXT_DATE_FORMATS:
            if not pending.any():
                break
            candidates = pending & (text.str.match(ISO_DATE_PREFIX) if fmt == "ISO8601" else True)
            if not candidates.any():
                continue
            attempt = _by_value(text[candidates],
                                partial(pd.to_datetime, format=fmt, errors="coerce", utc=fmt == "ISO8601"))
            ok = attempt.notna()
            positions = index.get_indexer(attempt.index[ok])
            days[positions] = _local_days(attempt[ok])
            pending[attempt.index[ok]] = False
    out_of_range = ~np.isnat(days) & ((days < FIRST_DAY) | (days > LAST_DAY))
    days[out_of_range] = np.datetime64("NaT")
    bad = pending | pd.Series(out_of_range, index=index)
    return pd.Series(days.astype("datetime64[ns]"), index=index), bad


def _finding(frame: pd.DataFrame, mask: pd.Series, column: str, values: pd.Series, reason: Reason) -> pd.DataFrame:
    if not mask.any():
        return pd.DataFrame(columns=EXCLUSION_COLUMNS)
    shown = as_text(values[mask]).str.slice(0, MAX_VALUE_CHARS)
    return pd.DataFrame(
        {
            "row": frame.loc[mask, "_row"].to_numpy(),
            "case_id": as_text(frame.loc[mask, "case_id"]).to_numpy(),
            "column": column,
            "value": shown.to_numpy(),
            "reason": REASON_TEXT[reason],
            "code": reason.value,
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
    case_id = as_text(frame["case_id"])
    out["case_id"] = case_id
    findings.append(_finding(frame, case_id == "", "case_id", case_id, Reason.MISSING_CASE_ID))
    dup = (case_id != "") & case_id.duplicated(keep=False)
    findings.append(_finding(frame, dup, "case_id", case_id, Reason.DUPLICATE_CASE_ID))

    for column in DATE_COLUMNS:
        parsed, bad = parse_dates(frame[column])
        out[column] = parsed
        findings.append(_finding(frame, bad, column, frame[column], Reason.BAD_DATE))
    findings.append(
        _finding(frame, out["received"].isna() & is_blank(frame["received"]), "received", frame["received"],
                 Reason.MISSING_RECEIVED)
    )
    for later, earlier, reason in STEP_ORDER:
        wrong = out[later].notna() & out[earlier].notna() & (out[later] < out[earlier])
        findings.append(_finding(frame, wrong, later, frame[later], reason))
    for step, needs, reason in REQUIRED_EARLIER_STEPS:
        gap = out[step].notna() & out[needs].isna() & is_blank(frame[needs])
        findings.append(_finding(frame, gap, needs, frame[needs], reason))

    for column in EXTENSION_COLUMNS:
        if _is_plain_number(frame[column].dtype):  # already numbers (Parquet, Excel): no round trip through text
            raw, given, number = frame[column], frame[column].notna(), frame[column].astype("float64")
        else:
            raw = as_text(frame[column])
            given = raw != ""
            number = _by_value(raw, lambda cells: pd.to_numeric(cells.where(cells != ""), errors="coerce"))
        not_number = given & number.isna()
        findings.append(_finding(frame, not_number, column, raw, Reason.BAD_EXTENSION))
        not_whole = number.notna() & (~np.isfinite(number) | (number != number.round()))
        findings.append(_finding(frame, not_whole, column, raw, Reason.BAD_EXTENSION))
        negative = number.notna() & (number < 0)
        findings.append(_finding(frame, negative, column, raw, Reason.NEGATIVE_EXTENSION))
        absurd = number.notna() & (number > MAX_EXTENSION_DAYS)
        findings.append(_finding(frame, absurd, column, raw, Reason.EXTENSION_TOO_LONG))
        usable = number.where(np.isfinite(number) & (number == number.round()))
        out[column] = usable.fillna(0).astype("int64")  # rows with bad values are excluded

    for column in OUTCOME_COLUMNS:
        raw = _by_value(as_text(frame[column]), lambda cells: cells.str.lower().str.replace(r"\s+", " ", regex=True))
        normal = raw.replace(OUTCOME_SYNONYMS)
        unknown = (normal != "") & ~normal.isin(OUTCOMES)
        findings.append(_finding(frame, unknown, column, frame[column], Reason.UNKNOWN_OUTCOME))
        out[column] = normal

    if _is_plain_number(frame["compensation"].dtype):  # already amounts (Parquet, Excel)
        comp_given, comp = frame["compensation"].notna(), frame["compensation"].astype("float64")
    else:
        raw_comp = as_text(frame["compensation"]).str.replace(r"^£", "", regex=True).str.replace(",", "", regex=False)
        comp_given = raw_comp != ""
        comp = _by_value(raw_comp, lambda cells: pd.to_numeric(cells.where(cells != ""), errors="coerce"))
    findings.append(_finding(frame, comp_given & (comp.isna() | ~np.isfinite(comp)), "compensation",
                             frame["compensation"], Reason.BAD_AMOUNT))
    findings.append(_finding(frame, comp.notna() & (comp < 0), "compensation", frame["compensation"],
                             Reason.NEGATIVE_AMOUNT))
    out["compensation"] = comp.where(np.isfinite(comp)).fillna(0.0)

    hos = _by_value(as_text(frame["ombudsman_outcome"]),
                    lambda cells: cells.str.lower().str.replace(r"\s+", " ", regex=True))
    unknown_hos = (hos != "") & ~hos.isin(OMBUDSMAN_OUTCOMES)
    findings.append(_finding(frame, unknown_hos, "ombudsman_outcome", frame["ombudsman_outcome"],
                             Reason.UNKNOWN_OMBUDSMAN_OUTCOME))
    out["ombudsman_outcome"] = hos
    for column in ("category", "refused_reason"):
        out[column] = as_text(frame[column])
    out["category"] = out["category"].replace("", "Not recorded")
    for column in OPTIONAL_COLUMNS:
        if column in frame.columns:
            out[column] = as_text(frame[column])

    exclusions = pd.concat([f for f in findings if len(f)], ignore_index=True) if any(len(f) for f in findings) \
        else pd.DataFrame(columns=EXCLUSION_COLUMNS)
    exclusions = exclusions.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    bad_rows = set(exclusions["row"].tolist())
    usable = _rows(out, ~out["_row"].isin(bad_rows).to_numpy(dtype=bool)).rename(columns={"_row": "source_row"})
    return usable, exclusions


def blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose canonical cells are all blank; each column is only looked at in the rows
    still blank in the columns before it."""
    blank = np.ones(len(frame), dtype=bool)
    for column in CANONICAL_COLUMNS:
        rows = np.flatnonzero(blank)
        if rows.size == 0:
            break
        cells = frame[column] if rows.size == len(frame) else frame[column].iloc[rows]
        blank[rows] = is_blank(cells).to_numpy(dtype=bool)
    return blank


def empty_row_findings(rows: np.ndarray) -> pd.DataFrame:
    """Spacer or trailing empty lines (file rows ``rows``): not cases, but still listed."""
    return pd.DataFrame({"row": rows, "case_id": "", "column": "", "value": "",
                         "reason": REASON_TEXT[Reason.EMPTY_ROW], "code": Reason.EMPTY_ROW.value})
