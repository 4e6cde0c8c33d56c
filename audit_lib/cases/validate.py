"""Typing and checking every row of a mapped case log, listing each problem as a finding.

Dates are parsed explicitly (UK day-first ``dd/mm/yyyy``, ISO ``yyyy-mm-dd`` or real date
cells; never guessed), extensions and amounts read as numbers, outcomes folded onto the
vocabularies of :mod:`audit_lib.cases.schema` through the landlord's own words; a free-text
column kept only for whether anything is in it (``remedy``) is reduced to that before anything
else reads it (:func:`presence`), so its words never go further. An optional date column
(:data:`~audit_lib.cases.schema.OPTIONAL_DATE_COLUMNS`: the day logged at stage 1) is read and
checked as the other dates are where the export has it, and left out where it has not. Problems are
collected, not raised: each one is a row of the exclusions table (file row, case reference,
column, the cell as :func:`shown_value` shows it: only what a value of the column can look like,
at most :data:`~audit_lib.cases.schema.MAX_VALUE_CHARS` characters, else its kind, "text, 43
characters", since it may be a resident's data; the prose reason and its
:class:`~audit_lib.cases.schema.Reason` code, whether the row was excluded whole, and the fields
it made unknown). Categories, channels and refusal reasons are counted in the landlord's own
words: listed ones under their label, any other value seen fewer than ``rare_below`` times as
:data:`~audit_lib.cases.schema.OTHER`.

Validation is field-level. A row with a usable case reference and date received is a
complaint and is kept; a problem in another field makes that field (for steps out of order,
both steps, unless one is the date received) **unknown** for the complaint: blanked, and named
in the complaint's :data:`~audit_lib.cases.schema.UNKNOWN_COLUMN`, so the statistics keep the
complaint out of only the figures that need it. Only a row without a usable case reference or
date received is excluded whole. Rows sharing a case reference are one complaint: the first
row is kept and the others excluded whole as copies; a field in which the copies differ is
unknown; copies that differ in the date received or in whether the complaint was refused
cannot be told apart and are all excluded whole. An outcome word neither in the Code's
vocabulary nor mapped by the landlord is listed and counted as not recorded.

Every check works on whole columns; values repeated down a column are converted once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from functools import partial

import numpy as np
import pandas as pd

from ..core.calendar import FIRST_YEAR, LAST_YEAR
from ..core.personal import may_be_contact_details
from .read import as_text
from .schema import (
    CANONICAL_COLUMNS,
    DATE_COLUMNS,
    EXCLUSION_COLUMNS,
    EXTENSION_COLUMNS,
    GOOD_REASON_COLUMNS,
    IDENTITY_FIELDS,
    MAX_EXTENSION_DAYS,
    MAX_VALUE_CHARS,
    NO_WORDS,
    NOT_RECORDED,
    NOTHING_RECORDED_WORDS,
    OMBUDSMAN_OUTCOMES,
    OPTIONAL_COLUMNS,
    OPTIONAL_DATE_COLUMNS,
    OTHER,
    OUTCOME_COLUMNS,
    OUTCOME_SYNONYMS,
    OUTCOMES,
    PRESENCE_COLUMNS,
    REQUIRED_EARLIER_STEPS,
    STEP_ORDER,
    UNKNOWN_COLUMN,
    VOCABULARY_COLUMNS,
    WHOLE_ROW_REASONS,
    YES_WORDS,
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
#: Every date column, the optional ones (read where the case log has them) after the canonical ones.
ALL_DATE_COLUMNS = (*DATE_COLUMNS, *OPTIONAL_DATE_COLUMNS)


def _words(column: str) -> str:
    return column.replace("_", " ")


#: The prose reason listed beside each code (never a cell's value: that is in its own column).
REASON_TEXT: dict[Reason, str] = {
    Reason.MISSING_CASE_ID: "missing case reference",
    Reason.DUPLICATE_CASE_ID: "repeats the case reference of an earlier row: one complaint, counted once, "
                              "with the earlier row",
    Reason.DUPLICATE_DIFFERS: "rows with this case reference differ in this column: unknown for the figures "
                              "that need it",
    Reason.DUPLICATE_RECEIVED_DIFFERS: "rows with this case reference differ in this column, so no one can say "
                                       "which complaint it is: every copy excluded",
    Reason.DUPLICATE_COPY_UNUSABLE: "a copy of this case reference has an unusable value in this column: unknown "
                                    "for the figures that need it",
    Reason.BAD_DATE: f"not a date: expected dd/mm/yyyy or yyyy-mm-dd between {FIRST_YEAR} and {LAST_YEAR - 1}",
    Reason.MISSING_RECEIVED: "missing date received",
    **{reason: f"{_words(later)} is before {_words(earlier)}" for later, earlier, reason in STEP_ORDER},
    **{reason: f"missing, but {_words(step)} is recorded" for step, _needs, reason in REQUIRED_EARLIER_STEPS},
    Reason.BAD_EXTENSION: "not a whole number of working days",
    Reason.BAD_GOOD_REASON: "not yes or no: expected yes, no or blank",
    Reason.NEGATIVE_EXTENSION: "negative extension",
    Reason.EXTENSION_TOO_LONG: f"extension over {MAX_EXTENSION_DAYS} working days",
    Reason.UNKNOWN_OUTCOME: f"unknown outcome, counted as {NOT_RECORDED}: expected one of {', '.join(OUTCOMES)}, "
                            "or map the word in case_log.outcomes",
    Reason.BAD_AMOUNT: "not an amount of money",
    Reason.NEGATIVE_AMOUNT: "negative compensation",
    Reason.UNKNOWN_OMBUDSMAN_OUTCOME: f"unknown Ombudsman outcome, counted as {NOT_RECORDED}: expected one of "
                                      f"{', '.join(OMBUDSMAN_OUTCOMES)}, or map the word in case_log.ombudsman_outcomes",
    Reason.EMPTY_ROW: "empty row",
    Reason.RAGGED_ROW: "more fields than the header (an unquoted comma): the row's values are not read; quote "
                       "the field or correct the row in the export",
    Reason.SHORT_ROW: "fewer fields than the header: the missing trailing fields are read as blank",
    Reason.FORMULA_NO_VALUE: "a formula with no value saved: open the workbook in Excel and save it, or export "
                             "values instead of formulas",
}


def _is_plain_number(dtype: object) -> bool:
    """Integers or 64-bit floats, whose text (``str``) reads back as exactly the same number."""
    if isinstance(dtype, np.dtype):
        return dtype.kind in "iu" or dtype == np.float64
    return isinstance(dtype, (pd.Int64Dtype, pd.Int32Dtype, pd.Int16Dtype, pd.Int8Dtype, pd.UInt64Dtype,
                              pd.UInt32Dtype, pd.UInt16Dtype, pd.UInt8Dtype, pd.Float64Dtype))


def _is_signed_integer(dtype: object) -> bool:
    """Whole numbers that fit in 64 bits: numpy's signed integers or pandas' nullable ones."""
    if isinstance(dtype, np.dtype):
        return dtype.kind == "i"
    return isinstance(dtype, (pd.Int64Dtype, pd.Int32Dtype, pd.Int16Dtype, pd.Int8Dtype))


def is_blank(series: pd.Series) -> pd.Series:
    """``as_text(series) == ""`` without writing out every cell: a date or number cell is blank
    exactly when it is missing."""
    if is_blank_by_mask(series.dtype):
        return series.isna()
    return as_text(series).eq("")


def is_blank_by_mask(dtype: object) -> bool:
    """A date or number column: blank exactly where a cell is missing (:func:`is_blank`)."""
    return (isinstance(dtype, np.dtype) and dtype.kind in "biufcmM") or isinstance(dtype, pd.DatetimeTZDtype) \
        or _is_plain_number(dtype)


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


def distinct_text(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``as_text(series)`` as codes into its distinct values: ``values[codes]`` equals it cell for
    cell. ``values`` are distinct Python strings, ``""`` always among them. A text column is
    hashed once and only its distinct values are trimmed, not every cell."""
    if isinstance(series.dtype, pd.StringDtype):
        codes, uniques = series.factorize()  # a missing cell is -1: the blank appended last
        trimmed = as_text(pd.Series(uniques, dtype=series.dtype)).to_numpy(dtype=object)
    elif isinstance(series.dtype, pd.CategoricalDtype):  # already codes (Parquet's dictionary)
        codes = series.array.codes
        trimmed = as_text(pd.Series(series.array.categories)).to_numpy(dtype=object)
    else:
        codes, uniques = as_text(series).factorize()
        trimmed = np.asarray(uniques, dtype=object)
    merged, values = pd.factorize(np.append(trimmed, ""))  # trimming may make two values one
    if _same_codes(merged, codes):  # the distinct values stay distinct: the codes stay as they are
        return codes, np.asarray(values, dtype=object)
    return merged.astype(np.int32)[codes], np.asarray(values, dtype=object)


def _same_codes(merged: np.ndarray, codes: np.ndarray) -> bool:
    """``merged[codes]`` equals ``codes``: ``merged`` (one code for each value and one more, for a
    blank appended) maps each value to itself, and no code is missing (-1, the blank)."""
    values = len(merged) - 1
    return bool((merged[:values] == np.arange(values)).all()) and (not len(codes) or int(codes.min()) >= 0)


def _text_series(values: np.ndarray) -> pd.Series:
    """A few distinct values as the text column :func:`as_text` gives, for its string methods."""
    return pd.Series(values, dtype=str) if len(values) else pd.Series([], dtype=str)


def _fold(values: np.ndarray) -> np.ndarray:
    """Distinct values folded as :func:`~audit_lib.cases.settings.fold_word` folds them."""
    return _text_series(values).str.lower().str.replace(r"\s+", " ", regex=True).to_numpy(dtype=object)


def _mapped_values(values: np.ndarray, mapping: Mapping[str, str]) -> np.ndarray:
    """Distinct values folded, then mapped through a landlord's words (folded keys)."""
    folded = _fold(values)
    return _text_series(folded).replace(dict(mapping)).to_numpy(dtype=object) if mapping else folded


def _in(values: np.ndarray, words: tuple[str, ...] | frozenset[str]) -> np.ndarray:
    return np.fromiter((value in words for value in values), dtype=bool, count=len(values))


def _as_words(codes: np.ndarray, values: np.ndarray) -> pd.Categorical:
    """A text column while it is checked: codes into its distinct values (``""`` always one of
    them, so a field can be blanked); written out as text once, for the rows kept (:func:`_rows`)."""
    merged, uniques = pd.factorize(np.append(np.asarray(values, dtype=object), ""))
    if not _same_codes(merged, codes):
        codes = merged.astype(np.int32)[codes]
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))


def _converted(codes: np.ndarray, values: np.ndarray, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``convert`` of the cells ``values[codes]`` (:func:`_by_value`): computed for the distinct
    values that occur in them only (the values ``pd.factorize`` of the cells would give), then
    spread back to every cell."""
    present = np.flatnonzero(np.bincount(codes, minlength=len(values)) > 0)
    converted = convert(_text_series(values[present]))
    position = np.zeros(len(values), dtype=np.int64)
    position[present] = np.arange(len(present))
    return converted.take(position[codes]).reset_index(drop=True)


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


def parse_dates(series: pd.Series, distinct: tuple[np.ndarray, np.ndarray] | None = None,
                ) -> tuple[pd.Series, pd.Series]:
    """Parse a date column explicitly. Returns (dates as ``datetime64[ns]`` days, mask of bad cells).

    Real date cells (Excel, Parquet) are taken as they are (times with a zone as UK time);
    text must be ``dd/mm/yyyy`` (optionally with a time) or a full ISO ``yyyy-mm-dd``. Blank
    cells are NaT and not bad; a date outside the years the calendar covers is bad. A text
    column is parsed once per distinct value (``distinct``: its :func:`distinct_text`, if known).
    """
    if isinstance(series.dtype, (pd.StringDtype, pd.CategoricalDtype)) and len(series):
        codes, values = distinct_text(series) if distinct is None else distinct
        days, bad = _parse_dates(_text_series(values))
        return (pd.Series(days.to_numpy()[codes], index=series.index, copy=False),
                pd.Series(bad.to_numpy(dtype=bool)[codes], index=series.index, copy=False))
    if _whole_days_in_range(series):  # real dates, already what parsing gives: taken as they are, not copied
        return series.rename(None), pd.Series(np.zeros(len(series), dtype=bool), index=series.index, copy=False)
    return _parse_dates(series)


#: Nanoseconds in a day, and the first and (one past the) last instant of :data:`FIRST_DAY` to :data:`LAST_DAY`.
_DAY_NS = 86_400 * 10**9
_FIRST_NS = int(FIRST_DAY.astype("datetime64[ns]").astype(np.int64))
_END_NS = int((LAST_DAY + np.timedelta64(1, "D")).astype("datetime64[ns]").astype(np.int64))
#: Cells looked at at a time by :func:`_whole_days_in_range` (small enough to stay in the processor's cache).
_BLOCK = 1 << 16


def _whole_days_in_range(series: pd.Series) -> bool:
    """A column of dates without a zone (``datetime64[ns]``), each at midnight and in the years the
    calendar covers (or blank): parsing it would give it back unchanged. Checked a block at a time,
    without a column-long temporary."""
    if not (isinstance(series.dtype, np.dtype) and series.dtype == np.dtype("datetime64[ns]")):
        return False
    values = series.to_numpy().view(np.int64)
    missing = np.iinfo(np.int64).min  # NaT
    for start in range(0, len(values), _BLOCK):
        block = values[start:start + _BLOCK]
        fine = (block == missing) | ((block >= _FIRST_NS) & (block < _END_NS) & (block % _DAY_NS == 0))
        if not fine.all():
            return False
    return True


def _parse_dates(series: pd.Series) -> tuple[pd.Series, pd.Series]:
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


#: What a date, a number and a case reference can look like; a cell that looks like none of
#: these in its column is shown by its kind only ("text, 43 characters"): it may be a resident's data.
DATE_LIKE = re.compile(r"^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[ T][0-9:.+Z-]{0,20})?$")
NUMBER_LIKE = re.compile(r"^[£$€]?\s?[-+]?[£$€]?(?:\d[\d,]*)?(?:\.\d+)?$|^[-+]?(?:inf|infinity|nan)$", re.IGNORECASE)
ID_LIKE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}$")
#: More digits than this in a number or a case reference and it may be a telephone number.
MAX_DIGITS = 9
NUMBER_COLUMNS = (*EXTENSION_COLUMNS, "compensation")


def _kind(text: str) -> str:
    return f"text, {len(text)} character{'s' if len(text) != 1 else ''}"


DIGIT = re.compile(r"\d")


def _digits(text: str) -> int:
    return len(DIGIT.findall(text))


def shown_case_id(text: str) -> str:
    """A case reference as listed: only if it looks like one (letters, digits and ``- / _ .``, no
    date, no telephone number), else its kind."""
    if text == "" or (ID_LIKE.match(text) and not DATE_LIKE.match(text) and _digits(text) <= MAX_DIGITS):
        return text
    return _kind(text)


def shown_value(column: str, text: str, common: bool = False) -> str:
    """A cell as the data-quality appendix shows it: only what a value of its column can look
    like (a date in a date column, a number in a number column, a case reference, a word of the
    landlord's vocabulary (``common``: seen often in the column)); anything else by its kind."""
    if text == "":
        return ""
    if column in ALL_DATE_COLUMNS:
        match = DATE_LIKE.match(text)
        if match:
            years = [int(g) for g in (match.group(1), match.group(3)) if len(g) == 4]
            if all(FIRST_YEAR <= y < LAST_YEAR for y in years):
                return text[:MAX_VALUE_CHARS]
            return f"a date outside {FIRST_YEAR}-{LAST_YEAR - 1}"
        if NUMBER_LIKE.match(text) and _digits(text) <= MAX_DIGITS:
            return text
    elif column in NUMBER_COLUMNS:
        if NUMBER_LIKE.match(text):
            return text if _digits(text) <= MAX_DIGITS else f"number, {_digits(text)} digits"
    elif column == "case_id":
        return shown_case_id(text)
    elif common and len(text) <= MAX_VALUE_CHARS and not may_be_contact_details(text):
        return text
    return _kind(text)


def shown_case_ids(ids: pd.Series, known: dict[str, str] | None = None) -> np.ndarray:
    """:func:`shown_case_id` for a column of case references, worked out once per distinct value
    (and once per run, given ``known``: the references worked out so far)."""
    if isinstance(ids.dtype, pd.StringDtype) and not ids.hasnans:  # text already: its own distinct values
        codes, uniques = ids.factorize()
    else:
        codes, uniques = pd.factorize(ids.astype(object).where(ids.notna(), "").astype(str))
    known = {} if known is None else known

    def shown_one(text: str) -> str:
        return known[text] if text in known else known.setdefault(text, shown_case_id(text))

    texts = uniques.tolist()
    plain = _plain_ids(texts).tolist()  # most references: shown as they are, found at once
    shown = np.array([text if is_plain else shown_one(text) for text, is_plain in zip(texts, plain)], dtype=object)
    return shown[codes] if len(codes) else np.array([], dtype=object)


#: A case reference certainly shown as it is (:func:`shown_case_id`): a letter first (so no date), then
#: letters, digits and ``- / _ .``, at most 40 characters in all, in Arrow's regular expressions (ASCII).
PLAIN_ID = r"^[A-Za-z][A-Za-z0-9/_.-]{0,39}$"


def _plain_ids(texts: list[str]) -> np.ndarray:
    """Which references are shown as they are without looking at each: those of :data:`PLAIN_ID` with
    at most :data:`MAX_DIGITS` digits, found by Arrow at once. The others are looked at one by one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(texts):
        return np.zeros(0, dtype=bool)
    array = pa.array(texts, type=pa.large_string())
    plain = pc.and_(pc.match_substring_regex(array, PLAIN_ID),
                    pc.less_equal(pc.count_substring_regex(array, "[0-9]"), MAX_DIGITS))
    return np.asarray(plain.to_numpy(zero_copy_only=False), dtype=bool)


class _Problems:
    """The problems found so far: rows of the exclusions table, the rows excluded whole, and,
    per field, the rows in which it is unknown."""

    def __init__(self, frame: pd.DataFrame, case_ids: pd.Series, rare_below: int = 3) -> None:
        self.rows = frame["_row"].to_numpy()
        self.case_ids = case_ids.reset_index(drop=True)
        self.rare_below = rare_below
        #: Per column, its cells as codes into their distinct values (:func:`distinct_text`).
        self.distinct: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._common: dict[str, set[str]] = {}
        self._shown_ids: dict[str, str] = {}
        self.tables: list[pd.DataFrame] = []
        self.whole = np.zeros(len(frame), dtype=bool)
        self.unknown: dict[str, np.ndarray] = {}
        #: Per field, the day from which it is unknown (:data:`ALWAYS` unless the problem is only
        #: seen once a step is dated: two steps out of order, a step recorded without the one before);
        #: :data:`NEVER` where it is known. Only kept for a field unknown from a day somewhere, read
        #: through :meth:`since_at`.
        self.since: dict[str, np.ndarray] = {}

    def add(self, mask: pd.Series | np.ndarray, column: str, values: pd.Series, reason: Reason,
            unknown: tuple[str, ...] = (), *, whole: bool | None = None,
            since: pd.Series | np.ndarray | None = None) -> None:
        """List ``reason`` for the rows in ``mask``: the row is excluded whole (by default when the
        reason is in :data:`WHOLE_ROW_REASONS`), else the fields ``unknown`` are unknown for it
        (from the day ``since`` of each row, when the problem only shows once that day has come)."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        flagged = np.flatnonzero(mask)
        cells = as_text(values.iloc[flagged])
        common: set[str] = set()
        if column not in (*ALL_DATE_COLUMNS, *NUMBER_COLUMNS, "case_id"):  # words: the column's vocabulary
            common = self._common_words(column, values)
        codes, uniques = pd.factorize(cells)
        shown_once = np.array([shown_value(column, text, text in common) for text in uniques], dtype=object)
        shown = shown_once[codes] if len(codes) else np.array([], dtype=object)
        self.tables.append(pd.DataFrame({
            "row": self.rows[flagged],
            "case_id": shown_case_ids(self.case_ids.iloc[flagged], self._shown_ids),
            "column": column,
            "value": shown,
            "reason": REASON_TEXT[reason],
            "code": reason.value,
            "unknown": " ".join(unknown),
        }))
        if reason in WHOLE_ROW_REASONS if whole is None else whole:
            self.whole |= mask
        if not unknown:
            return
        rows = flagged
        dates = since.to_numpy() if isinstance(since, pd.Series) else since
        day = np.full(len(rows), ALWAYS) if dates is None else np.asarray(dates[rows], dtype="datetime64[D]")
        day = np.where(np.isnat(day), ALWAYS, day)
        dated = bool((day != ALWAYS).any())
        for name in unknown:
            if name not in self.unknown:
                self.unknown[name] = np.zeros(len(mask), dtype=bool)
            if dated and name not in self.since:  # the first problem of the field seen only from a day
                self.since[name] = np.where(self.unknown[name], ALWAYS, NEVER)
            if name in self.since:
                self.since[name][rows] = np.minimum(self.since[name][rows], day)
            self.unknown[name][rows] = True

    def since_at(self, name: str, rows: np.ndarray) -> np.ndarray:
        """The day from which the field ``name`` is unknown in each of ``rows`` (:data:`NEVER` where
        it is known)."""
        if name in self.since:
            return self.since[name][rows]
        return np.where(self.unknown[name][rows], ALWAYS, NEVER)

    def distinct_of(self, column: str, values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """The column's cells as codes into their distinct values, worked out once per column."""
        if column not in self.distinct:
            self.distinct[column] = distinct_text(values)
        return self.distinct[column]

    def _common_words(self, column: str, values: pd.Series) -> set[str]:
        """The values seen at least ``rare_below`` times in the column (its vocabulary)."""
        if column not in self._common:
            codes, distinct = self.distinct_of(column, values)
            counts = np.bincount(codes, minlength=len(distinct))
            self._common[column] = {str(word) for word in distinct[counts >= self.rare_below]}
        return self._common[column]

    def table(self) -> pd.DataFrame:
        if not self.tables:
            return pd.DataFrame(columns=EXCLUSION_COLUMNS)
        table = pd.concat(self.tables, ignore_index=True)
        table["excluded"] = np.isin(table["row"].to_numpy(), self.rows[self.whole])
        table.loc[table["excluded"], "unknown"] = ""
        return table[EXCLUSION_COLUMNS].sort_values(["row", "column"], kind="stable").reset_index(drop=True)


#: A field unknown from this day is unknown in every period; :data:`NEVER` marks no problem yet.
ALWAYS = np.datetime64("1900-01-01", "D")
NEVER = np.datetime64("2999-12-31", "D")


def _rows(frame: pd.DataFrame, keep: np.ndarray, words: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> pd.DataFrame:
    """``frame[keep].reset_index(drop=True)``, column by column: each column's array is
    filtered directly instead of through an index of row numbers (not at all when every row is
    kept), and each column of ``words`` (codes of the kept rows into distinct values) is written
    out as text once, for the rows kept: by Arrow, in worker threads for a large log (Arrow works
    without Python's lock, so they write while this thread filters the other columns)."""
    every = bool(keep.all())
    rows = int(np.count_nonzero(keep))
    columns: dict[str, object] = {}
    with ThreadPoolExecutor(max_workers=TEXT_WRITERS) if rows >= THREADED_ROWS else nullcontext() as pool:
        for column in frame.columns:
            if column in words:
                columns[column] = pool.submit(_text_array, *words[column]) if pool else _text_array(*words[column])
        for column in frame.columns:
            if column not in words:  # all rows kept: the column itself, its sharing known to pandas (copy on write)
                columns[column] = frame[column].reset_index(drop=True) if every else frame[column].array[keep]
        written = {column: value.result() if isinstance(value, Future) else value for column, value in columns.items()}
    return pd.DataFrame({column: written[column] for column in frame.columns}, index=pd.RangeIndex(rows), copy=False)


#: Threads writing out the text columns of a log with at least :data:`THREADED_ROWS` rows kept.
TEXT_WRITERS = 2
THREADED_ROWS = 100_000


def _text_array(codes: np.ndarray, values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``values[codes]`` as the text array :func:`as_text` gives, built by Arrow from the distinct
    values without a Python object per cell."""
    import pyarrow as pa

    text = pd.Series([], dtype=str).dtype
    distinct = pa.array(list(values), type=pa.large_string())
    return pd.array(distinct.take(pa.array(codes)), dtype=text)


#: The low ``n`` bytes of a little-endian word, for ``n`` = 0 to 8.
_BYTE_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)
#: Case references longer than this (bytes) are compared by pandas instead of by their hashes.
_HASHED_ID_BYTES = 256


def _repeated(case_id: pd.Series) -> np.ndarray:
    """Rows whose case reference may occur more than once: every row whose reference does, and
    perhaps a few others (two references of the same hash); the caller compares them exactly.

    The references are hashed from Arrow's buffers eight bytes at a time, and the hashes sorted:
    no Python object per cell and no hash table of 1,000,000 strings."""
    import pyarrow as pa

    if not isinstance(case_id.dtype, pd.StringDtype) or case_id.dtype.storage != "pyarrow":
        return case_id.duplicated(keep=False).to_numpy(dtype=bool)
    chunks = case_id.array.__arrow_array__().chunks
    hashes = []
    for chunk in chunks:
        if chunk.null_count or chunk.type not in (pa.string(), pa.large_string()):
            return case_id.duplicated(keep=False).to_numpy(dtype=bool)
        offset_type = np.int64 if chunk.type == pa.large_string() else np.int32
        buffers = chunk.buffers()
        offsets = np.frombuffer(buffers[1], dtype=offset_type)[chunk.offset:chunk.offset + len(chunk) + 1]
        offsets = offsets.astype(np.int64)
        data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, dtype=np.uint8)
        starts, lengths = offsets[:-1], np.diff(offsets)
        if len(lengths) and int(lengths.max()) > _HASHED_ID_BYTES:
            return case_id.duplicated(keep=False).to_numpy(dtype=bool)
        padded = np.concatenate([data[:int(offsets[-1]) if len(offsets) else 0], np.zeros(8, dtype=np.uint8)])
        # every eight bytes from each offset, read as one little-endian word
        words = np.ndarray((len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
        value = lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        position = np.minimum(starts, len(words) - 1)
        for k in range(0, int(lengths.max()) if len(lengths) else 0, 8):
            word = words[position]
            left = lengths - k  # bytes of the reference from here
            if int(left.min()) < 8:  # some references end in this word: only their own bytes count
                word &= _BYTE_MASKS[np.clip(left, 0, 8)]
            value ^= word
            value *= np.uint64(0x100000001B3)
            value ^= value >> np.uint64(29)
            position += 8
            np.minimum(position, len(words) - 1, out=position)
        hashes.append(value)
    if not hashes:
        return np.zeros(len(case_id), dtype=bool)
    value = np.concatenate(hashes)
    ordered = np.sort(value)
    twice = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(twice):
        return np.zeros(len(value), dtype=bool)
    # the hashes looked up only where their top 16 bits are those of a repeated one
    top = np.zeros(1 << 16, dtype=bool)
    top[(twice >> np.uint64(48)).astype(np.intp)] = True
    candidates = np.flatnonzero(top[(value >> np.uint64(48)).astype(np.intp)])
    at = np.minimum(np.searchsorted(twice, value[candidates]), len(twice) - 1)
    repeated = np.zeros(len(value), dtype=bool)
    repeated[candidates] = twice[at] == value[candidates]
    return repeated


def _merge_duplicates(out: pd.DataFrame, frame: pd.DataFrame, problems: _Problems) -> None:
    """Rows sharing a case reference are one complaint (see the module docstring)."""
    case_id = out["case_id"]
    # a reference perhaps repeated anywhere (one pass over the column), then only among rows still in
    shared = np.flatnonzero(_repeated(case_id) & ~problems.whole)
    if not len(shared):
        return
    ids = case_id.iloc[shared]
    keep = ((ids != "") & ids.duplicated(keep=False)).to_numpy(dtype=bool)
    if not keep.any():
        return
    positions = shared[keep]
    group = case_id.iloc[positions].reset_index(drop=True)
    first = ~group.duplicated(keep="first").to_numpy()
    columns = [c for c in out.columns if c not in ("_row", "case_id")]
    typed = out.iloc[positions][columns].reset_index(drop=True)
    typed["refused"] = typed["refused_reason"] != ""
    differs = typed.groupby(group, sort=False).nunique(dropna=False) > 1  # group x column
    per_row = differs.reindex(group.to_numpy())  # each row's group's differences
    identity = per_row[list(IDENTITY_FIELDS)].any(axis=1).to_numpy()

    def at(mask: np.ndarray) -> np.ndarray:
        rows = np.zeros(len(out), dtype=bool)
        rows[positions[mask]] = True
        return rows

    for field in IDENTITY_FIELDS:  # no one can say which complaint it is: every copy excluded
        column = "refused_reason" if field == "refused" else field
        problems.add(at(per_row[field].to_numpy()), column, frame[column], Reason.DUPLICATE_RECEIVED_DIFFERS)
    problems.add(at(~first & ~identity), "case_id", frame["case_id"], Reason.DUPLICATE_CASE_ID)
    kept = first & ~identity
    for column in columns:
        if column == "received":
            continue
        field_differs = kept & per_row[column].to_numpy()
        if field_differs.any():
            since = None
            if column in ALL_DATE_COLUMNS:  # the copies agree until the earliest of their dates
                earliest = typed[column].groupby(group.to_numpy(), sort=False).transform("min")
                since = pd.Series(pd.NaT, index=out.index, dtype=out[column].dtype)
                since.iloc[positions] = earliest.to_numpy()
            problems.add(at(field_differs), column, frame[column] if column in frame.columns else out[column],
                         Reason.DUPLICATE_DIFFERS, (column,), since=since)
    # a field unknown in any copy is unknown in the complaint, and listed against it
    for name, mask in list(problems.unknown.items()):
        by_group = pd.Series(mask[positions]).groupby(group.to_numpy(), sort=False)
        inherited = kept & by_group.transform("any").to_numpy() & ~mask[positions]
        if not inherited.any():
            continue
        day = np.where(mask[positions], problems.since_at(name, positions), NEVER)
        earliest = pd.Series(day).groupby(group.to_numpy(), sort=False).transform("min").to_numpy()
        since = np.full(len(out), ALWAYS)
        since[positions] = earliest
        problems.add(at(inherited), name, frame[name] if name in frame.columns else out[name],
                     Reason.DUPLICATE_COPY_UNUSABLE, (name,), since=since)


def _blank_unknown(out: pd.DataFrame, problems: _Problems) -> None:
    """Blank every unknown field (so no figure can use it by mistake) and name the unknown
    fields of each complaint in :data:`UNKNOWN_COLUMN`: ``field``, or ``field@yyyy-mm-dd`` for a
    field unknown only from that day (in a period ending earlier the step was simply not done)."""
    names = [name for name in out.columns if name in problems.unknown]
    anywhere = np.zeros(len(out), dtype=bool)
    for name in names:
        mask = problems.unknown[name]
        anywhere |= mask
        if name in ALL_DATE_COLUMNS:
            out.loc[mask, name] = pd.NaT
        elif name in EXTENSION_COLUMNS:
            out.loc[mask, name] = 0
        elif name == "compensation":
            out.loc[mask, name] = 0.0
        elif name == "refused_reason":
            continue  # the copies agree the complaint was refused: its reason is what is unknown
        elif isinstance(out[name].dtype, pd.CategoricalDtype):  # new codes: the old may be shared with the input's
            words = out[name].array
            codes = words.codes.copy()
            codes[mask] = words.categories.get_loc("")
            out[name] = pd.Categorical.from_codes(codes, dtype=words.dtype)
        else:
            out.loc[mask, name] = ""
    rows = np.flatnonzero(anywhere)  # the few complaints with a problem
    fields = []
    for name in names:
        since = problems.since_at(name, rows)
        words = [name if always else f"{name}@{day}"
                 for always, day in zip((since == ALWAYS).tolist(), np.datetime_as_string(since).tolist())]
        fields.append((problems.unknown[name][rows].tolist(), words))
    text = [" ".join(words[k] for unknown, words in fields if unknown[k]) for k in range(len(rows))]
    # codes in the order pd.factorize gives them for the whole column: each text where it first occurs
    blank = np.flatnonzero(~anywhere[:len(rows) + 1])  # the first complaint with none, if any, is among these
    first = int(blank[0]) if len(blank) else None
    before = int(np.searchsorted(rows, first)) if first is not None else len(text)
    order = [*text[:before], *([""] if first is not None else []), *text[before:]]
    found, uniques = pd.factorize(np.asarray(order, dtype=object))
    codes = np.full(len(out), found[before] if first is not None else 0, dtype=found.dtype)
    codes[rows] = np.delete(found, before) if first is not None else found
    out[UNKNOWN_COLUMN] = pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object)) \
        if len(uniques) else pd.Categorical([], categories=pd.Index([""], dtype=object))


def _vocabulary(codes: np.ndarray, values: np.ndarray, labels: Mapping[str, str], rare_below: int,
                keep: frozenset[str]) -> np.ndarray:
    """Free text as the figures count it, worked out per distinct value of the cells
    ``values[codes]``: a word the landlord lists (folded) as its label; any other value seen
    fewer than ``rare_below`` times in the cells, or that may hold contact details
    (:func:`may_be_contact_details`), as :data:`OTHER`. Returns the new value of each distinct value."""
    text = np.asarray(values, dtype=object)
    listed = np.zeros(len(text), dtype=bool)
    if labels:
        label = np.array([labels.get(word) for word in _fold(text)] + [None], dtype=object)[:len(text)]
        listed = pd.notna(label)
        if listed.any():
            text = np.where(listed, label, text)
    merged, uniques = pd.factorize(text)
    words = pd.Index(uniques, dtype=object)
    cells = np.bincount(codes, minlength=len(text))  # per distinct value, then per word it becomes
    counts = np.bincount(merged, weights=cells, minlength=len(words)).astype(np.int64)
    contact = np.fromiter((may_be_contact_details(str(word)) for word in words), dtype=bool, count=len(words))
    rare_word = ((counts < rare_below) | contact) & (words != "") & ~words.isin(list(keep))
    rare = rare_word[merged] & ~listed
    return np.where(rare, OTHER, text) if rare.any() else text


def validate(frame: pd.DataFrame, outcomes: Mapping[str, str] | None = None,
             ombudsman_outcomes: Mapping[str, str] | None = None, *, rare_below: int = 3,
             vocabulary: Mapping[str, Mapping[str, str]] | None = None,
             formulas: Mapping[str, np.ndarray] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Type and check every row of a mapped frame. Returns (complaints, exclusions).

    ``outcomes`` and ``ombudsman_outcomes`` map a housing system's own words (folded) to the
    Code's (:attr:`~audit_lib.cases.settings.CaseLogSettings.outcomes`); ``vocabulary`` maps, per
    column of :data:`VOCABULARY_COLUMNS`, the landlord's words to their labels, and values not
    listed and seen fewer than ``rare_below`` times are counted as :data:`OTHER`. ``formulas``
    names, per column, the file rows of cells holding a formula with no value saved.
    """
    frame = frame.reset_index(drop=True)
    for column in PRESENCE_COLUMNS:  # free text reduced to whether anything is recorded, before any use
        if column in frame.columns:
            frame[column] = presence(frame[column])
    out = pd.DataFrame(index=frame.index)
    out["_row"] = frame["_row"]
    case_id = as_text(frame["case_id"])
    problems = _Problems(frame, case_id, rare_below)
    out["case_id"] = case_id
    problems.add(case_id == "", "case_id", case_id, Reason.MISSING_CASE_ID)
    for column, rows in (formulas or {}).items():
        if column in frame.columns:
            problems.add(frame["_row"].isin(rows).to_numpy(), column, frame[column], Reason.FORMULA_NO_VALUE,
                         (column,), whole=column in ("case_id", "received"))

    def blank(column: str) -> np.ndarray:
        """Blank cells; a column read as text (CSV, Excel) looked at once per distinct value."""
        if is_blank_by_mask(frame[column].dtype):
            return is_blank(frame[column]).to_numpy(dtype=bool)
        codes, values = problems.distinct_of(column, frame[column])
        return (values == "")[codes]

    for column in (c for c in ALL_DATE_COLUMNS if c in frame.columns):  # an optional one where the log has it
        distinct = problems.distinct_of(column, frame[column]) \
            if isinstance(frame[column].dtype, (pd.StringDtype, pd.CategoricalDtype)) else None
        parsed, bad = parse_dates(frame[column], distinct)
        out[column] = parsed
        problems.add(bad, column, frame[column], Reason.BAD_DATE, (column,), whole=column == "received")
    # the parsed dates as numbers, compared without a copy: a blank (NaT) is the smallest int64
    stamps = {column: out[column].to_numpy().view(np.int64) for column in ALL_DATE_COLUMNS if column in out.columns}
    blank_date = np.iinfo(np.int64).min
    problems.add((stamps["received"] == blank_date) & blank("received"), "received", frame["received"],
                 Reason.MISSING_RECEIVED)
    for later, earlier, reason in STEP_ORDER:
        if later not in out.columns:  # an optional step the case log does not record
            continue
        wrong = (stamps[later] < stamps[earlier]) & (stamps[later] != blank_date)  # both dated, the later first
        # the date received is the complaint's anchor: a step before it is the one in doubt. The
        # problem shows from the earlier of the two dates: before then neither step was taken
        problems.add(wrong, later, frame[later], reason, (later,) if earlier == "received" else (later, earlier),
                     since=out[later])
    for step, needs, reason in REQUIRED_EARLIER_STEPS:
        gap = (stamps[step] != blank_date) & (stamps[needs] == blank_date) & blank(needs)
        problems.add(gap, needs, frame[needs], reason, (needs,), since=out[step])

    def numbers(column: str, convert: Callable[[pd.Series], pd.Series]) -> tuple[np.ndarray, pd.Series]:
        """A number column read as text: (given, number), converted once per distinct value."""
        codes, values = problems.distinct_of(column, frame[column])
        return (values != "")[codes], _converted(codes, values, convert)

    def to_number(cells: pd.Series) -> pd.Series:
        return pd.to_numeric(cells.where(cells != ""), errors="coerce")

    for column in EXTENSION_COLUMNS:
        raw = frame[column]
        if _is_signed_integer(raw.dtype):  # whole numbers already: only their sign and size to check
            # its own array (to_numpy may return the column's own, even asked for a copy): bad values are blanked in it
            whole = np.array(raw.to_numpy(dtype=np.int64, na_value=0), dtype=np.int64, copy=True)
            given = raw.notna().to_numpy(dtype=bool)
            problems.add(given & (whole < 0), column, raw, Reason.NEGATIVE_EXTENSION, (column,))
            problems.add(given & (whole > MAX_EXTENSION_DAYS), column, raw, Reason.EXTENSION_TOO_LONG, (column,))
            out[column] = pd.Series(whole, index=frame.index, copy=False)  # bad values are unknown, blanked below
            continue
        if _is_plain_number(raw.dtype):  # already numbers (Parquet, Excel): no round trip through text
            given, number = raw.notna(), raw.astype("float64")
        else:
            given, number = numbers(column, to_number)
        problems.add(given & number.isna(), column, raw, Reason.BAD_EXTENSION, (column,))
        not_whole = number.notna() & (~np.isfinite(number) | (number != number.round()))
        problems.add(not_whole, column, raw, Reason.BAD_EXTENSION, (column,))
        problems.add(number.notna() & (number < 0), column, raw, Reason.NEGATIVE_EXTENSION, (column,))
        problems.add(number.notna() & (number > MAX_EXTENSION_DAYS), column, raw, Reason.EXTENSION_TOO_LONG, (column,))
        usable = number.where(np.isfinite(number) & (number == number.round()))
        out[column] = usable.fillna(0).astype("int64")  # bad values are unknown, blanked below

    for column in GOOD_REASON_COLUMNS:
        if column not in frame.columns:
            out[column] = ""
            continue
        codes, values = problems.distinct_of(column, frame[column])
        word = _mapped_values(values, {})
        yes, no = _in(word, YES_WORDS), _in(word, NO_WORDS)
        problems.add(((word != "") & ~yes & ~no)[codes], column, frame[column], Reason.BAD_GOOD_REASON, (column,))
        out[column] = pd.Categorical.from_codes(np.where(yes, 1, np.where(no, 2, 0)).astype(np.int8)[codes],
                                                categories=["", "yes", "no"])

    for column in OUTCOME_COLUMNS:
        codes, values = problems.distinct_of(column, frame[column])
        normal = _mapped_values(values, {**OUTCOME_SYNONYMS, **(outcomes or {})})
        unknown = (normal != "") & ~_in(normal, OUTCOMES)  # listed, and counted as not recorded
        problems.add(unknown[codes], column, frame[column], Reason.UNKNOWN_OUTCOME)
        out[column] = _as_words(codes, np.where(unknown, "", normal))

    if _is_plain_number(frame["compensation"].dtype):  # already amounts (Parquet, Excel)
        comp_given, comp = frame["compensation"].notna(), frame["compensation"].astype("float64")
    else:
        codes, values = problems.distinct_of("compensation", frame["compensation"])
        amounts = _text_series(values).str.replace(r"^£", "", regex=True).str.replace(",", "", regex=False)
        merged, amount_values = pd.factorize(amounts.to_numpy(dtype=object))  # "£1,000" and "1000" are one
        amount_codes = merged.astype(np.int32)[codes]
        amount_values = np.asarray(amount_values, dtype=object)
        comp_given = (amount_values != "")[amount_codes]
        comp = _converted(amount_codes, amount_values, to_number)
    finite = np.isfinite(comp.to_numpy())  # false where missing too
    problems.add(comp_given & ~finite, "compensation", frame["compensation"], Reason.BAD_AMOUNT, ("compensation",))
    problems.add(comp.notna() & (comp < 0), "compensation", frame["compensation"], Reason.NEGATIVE_AMOUNT,
                 ("compensation",))
    out["compensation"] = comp if finite.all() else comp.where(finite).fillna(0.0)

    codes, values = problems.distinct_of("ombudsman_outcome", frame["ombudsman_outcome"])
    hos = _mapped_values(values, ombudsman_outcomes or {})
    unknown_hos = (hos != "") & ~_in(hos, OMBUDSMAN_OUTCOMES)  # a determination, of a kind not recorded
    problems.add(unknown_hos[codes], "ombudsman_outcome", frame["ombudsman_outcome"],
                 Reason.UNKNOWN_OMBUDSMAN_OUTCOME)
    out["ombudsman_outcome"] = _as_words(codes, np.where(unknown_hos, NOT_RECORDED, hos))
    for column in ("category", "refused_reason"):
        codes, values = problems.distinct_of(column, frame[column])
        if column == "category":
            values = np.where(values == "", "Not recorded", values)
        out[column] = _as_words(codes, values)
    for column in OPTIONAL_COLUMNS:
        if column in frame.columns and column not in (*GOOD_REASON_COLUMNS, *OPTIONAL_DATE_COLUMNS):
            out[column] = _as_words(*problems.distinct_of(column, frame[column]))

    _merge_duplicates(out, frame, problems)
    _blank_unknown(out, problems)
    exclusions = problems.table()
    kept = ~problems.whole
    words: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # text columns, written out for the rows kept
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype) and column not in (*GOOD_REASON_COLUMNS, UNKNOWN_COLUMN):
            categorical = out[column].array
            codes, values = categorical.codes[kept], np.asarray(categorical.categories, dtype=object)
            if column in VOCABULARY_COLUMNS:  # after merging: copies' differing words stay a difference
                keep = frozenset({"Not recorded"}) if column == "category" else frozenset()
                values = _vocabulary(codes, values, (vocabulary or {}).get(column, {}), rare_below, keep)
            words[column] = codes, values
    usable = _rows(out, kept, words).rename(columns={"_row": "source_row"})
    return usable, exclusions


def presence(values: pd.Series) -> pd.Series:
    """A free-text column as whether something is recorded: ``"yes"``, or ``""`` for a blank cell or
    one of :data:`~audit_lib.cases.schema.NOTHING_RECORDED_WORDS` (the words themselves are not kept),
    as codes into those two (categorical). Worked out once per distinct value; the words are read only
    to be folded and compared."""
    codes, distinct = distinct_text(values)
    recorded = ~_in(_fold(distinct), ("", *NOTHING_RECORDED_WORDS))
    return pd.Series(pd.Categorical.from_codes(recorded.astype(np.int8)[codes], categories=["", "yes"]),
                     index=values.index, name=values.name)


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
                         "reason": REASON_TEXT[Reason.EMPTY_ROW], "code": Reason.EMPTY_ROW.value,
                         "excluded": True, "unknown": ""}, columns=EXCLUSION_COLUMNS)


def ragged_row_findings(rows: np.ndarray) -> pd.DataFrame:
    """Rows with more fields than the header (file rows ``rows``): listed by row and reason only;
    their values are not read (they may be a resident's, shifted into a column)."""
    return pd.DataFrame({"row": rows, "case_id": "", "column": "", "value": "",
                         "reason": REASON_TEXT[Reason.RAGGED_ROW], "code": Reason.RAGGED_ROW.value,
                         "excluded": True, "unknown": ""}, columns=EXCLUSION_COLUMNS)


def short_row_findings(rows: np.ndarray) -> pd.DataFrame:
    """Rows with fewer fields than the header (file rows ``rows``), read with the missing trailing
    fields blank and counted: listed by row and reason only, never with their values."""
    return pd.DataFrame({"row": rows, "case_id": "", "column": "", "value": "",
                         "reason": REASON_TEXT[Reason.SHORT_ROW], "code": Reason.SHORT_ROW.value,
                         "excluded": False, "unknown": ""}, columns=EXCLUSION_COLUMNS)
