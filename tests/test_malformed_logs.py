"""A corpus of malformed and awkward case logs, each loaded through :func:`load_case_log`.

Every file must give exactly one of two results:

* one clear :class:`CaseLogError`: a single line that names the file and says what was
  expected and what was found (checked with a regular expression per file); or
* a loaded :class:`CaseLog` in which every problem is listed in ``exclusions`` (row,
  case_id, column, value, reason, code, excluded, unknown) and every row read is either a
  complaint or excluded whole: ``rows_read == len(cases) + excluded_rows``. A row is excluded
  whole only without a usable case reference or date received, or as a copy of another row;
  any other problem leaves the complaint in, with the fields concerned named in its
  ``unknown`` column. Each row's expected problem is given by its :class:`Reason` code and
  the rows excluded whole are listed; the prose beside every code is pinned by :data:`PROSE`.

Any other exception escaping the loader fails the test. Valid but tricky inputs (real
Excel date cells under title lines, Parquet ``datetime64`` columns, a UTF-8 byte order
mark, ISO dates) must load with no exclusions and with the dates read correctly.

Text fixtures live in ``tests/data/malformed``; binary ones (Excel, Parquet, random bytes)
are built into ``tmp_path`` by the builders below. A case marked ``defect`` (a strict xfail)
records a known defect in the loader: the expectation is the correct behaviour.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import traceback
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from audit_lib.cases import Reason
from audit_lib.cases.load import load_case_log
from audit_lib.cases.schema import CANONICAL_COLUMNS, EXCLUSION_COLUMNS, MAX_VALUE_CHARS
from audit_lib.cases.settings import CaseLogSettings
from audit_lib.cases.validate import REASON_TEXT
from audit_lib.errors import CaseLogError

DATA = Path(__file__).parent / "data" / "malformed"
COLUMNS = list(CANONICAL_COLUMNS)


# --------------------------------------------------------------------------- builders

def _xlsx(rows: list[list[object]], sheet: str = "Cases") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for values in rows:
        ws.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _record(case_id: object, **values: object) -> list[object]:
    """One spreadsheet row in canonical column order; unnamed cells are left empty."""
    base: dict[str, object] = {
        "case_id": case_id,
        "received": dt.datetime(2024, 4, 1),
        "stage1_acknowledged": dt.datetime(2024, 4, 2),
        "stage1_responded": dt.datetime(2024, 4, 12),
        "stage1_outcome": "upheld",
        "category": "Repairs",
        "compensation": 0,
    }
    base.update(values)
    return [base.get(column) for column in COLUMNS]


TITLE = [["Complaints register - Riverbend Homes"], ["Exported 04/04/2025 09:12"]]


def _valid_xlsx() -> bytes:
    """Two title lines, header on row 3, real date cells, a datetime with a time, a text date."""
    return _xlsx(TITLE + [
        COLUMNS,
        _record("X1"),  # row 4: date cells
        _record("X2", received="01/04/2024", stage1_acknowledged=dt.datetime(2024, 4, 2, 9, 30)),
        _record(1003, received=dt.datetime(2024, 4, 3), stage1_acknowledged=dt.datetime(2024, 4, 4), stage1_extension_days=5, compensation=150.5,
                stage2_requested=dt.datetime(2024, 4, 15), stage2_acknowledged=dt.datetime(2024, 4, 16),
                stage2_responded=dt.datetime(2024, 5, 10), stage2_outcome="not upheld"),
    ])


def _xlsx_serial_numbers() -> bytes:
    """A date column formatted as General (Excel serial numbers) and a blank spacer row."""
    return _xlsx([COLUMNS, _record("S1"), _record("S2", received=45383, stage1_acknowledged=None,
                                                  stage1_responded=None),
                  [None] * len(COLUMNS), _record("S3")])


def _xlsx_na_text() -> bytes:
    return _xlsx([COLUMNS, _record("N1", stage1_acknowledged="N/A", stage1_responded=None), _record("N2")])


def _xlsx_9999() -> bytes:
    return _xlsx([COLUMNS, _record("Y1", stage1_responded=dt.datetime(9999, 12, 31)), _record("Y2")])


def _xlsx_formulas() -> bytes:
    """Formula cells written by a program, never calculated and saved by Excel: no value saved."""
    return _xlsx([COLUMNS, _record("F1", stage1_extension_days="=2+3"), _record("F2", received="=DATE(2024,4,1)"),
                  _record("F3")])


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()


def _parquet_frame() -> pd.DataFrame:
    frame = pd.DataFrame({column: pd.Series([None, None], dtype=object) for column in COLUMNS})
    frame["case_id"] = [1001, 1002]
    frame["received"] = pd.to_datetime(["2024-04-01 08:45", "2024-04-03 00:00"])
    frame["stage1_acknowledged"] = pd.to_datetime(["2024-04-02 09:30", None])
    frame["stage1_responded"] = pd.to_datetime(["2024-04-12 16:00", None])
    frame["stage2_requested"] = [dt.date(2024, 4, 15), None]  # date32 in Parquet
    frame["stage1_extension_days"] = pd.array([5, None], dtype="Int64")
    frame["compensation"] = [150.0, None]
    frame["stage1_outcome"] = ["upheld", ""]
    frame["category"] = ["Repairs", "Anti-social behaviour"]
    return frame


def _parquet_tz_aware() -> bytes:
    frame = _parquet_frame()
    for column in ("received", "stage1_acknowledged", "stage1_responded"):
        frame[column] = frame[column].dt.tz_localize("Europe/London")
    return _parquet(frame)


def _short_rows() -> bytes:
    """An export leaving out each row's trailing empty fields (S2, S3), and a row with a field too many (S5)."""
    header = ",".join(COLUMNS)
    full = "S{n},03/06/2024,04/06/2024,10/06/2024,,,,,,upheld,,Repairs,,,0"
    rows = [full.format(n=1), "S2,03/06/2024,04/06/2024,10/06/2024,,,,,,upheld,,Repairs",
            "S3,03/06/2024,04/06/2024,10/06/2024", full.format(n=4), full.format(n=5) + ",see notes"]
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def _garbage() -> bytes:
    return random.Random(20240401).randbytes(2048)


BUILDERS: dict[str, Callable[[], bytes]] = {
    "binary_garbage.csv": _garbage,
    "excel_file_renamed.csv": _valid_xlsx,
    "corrupt.xlsx": _garbage,
    "truncated.xlsx": lambda: _valid_xlsx()[:1500],
    "csv_renamed.xlsx": lambda: (DATA / "iso_dates.csv").read_bytes(),
    "corrupt.parquet": _garbage,
    "truncated.parquet": lambda: (data := _parquet(_parquet_frame()))[: len(data) // 2],
    "parquet_missing_received.parquet": lambda: _parquet(_parquet_frame().drop(columns=["received"])),
    "valid_excel_title_lines.xlsx": _valid_xlsx,
    "excel_serial_number_dates.xlsx": _xlsx_serial_numbers,
    "excel_na_text_in_date_cell.xlsx": _xlsx_na_text,
    "excel_sentinel_date_9999.xlsx": _xlsx_9999,
    "valid_parquet_datetime64.parquet": lambda: _parquet(_parquet_frame()),
    "excel_formula_without_value.xlsx": _xlsx_formulas,
    "short_rows_trailing_fields_left_out.csv": _short_rows,
    "parquet_tz_aware_dates.parquet": _parquet_tz_aware,
}


def _corpus_file(name: str, tmp_path: Path) -> Path:
    if name in BUILDERS:
        path = tmp_path / name
        path.write_bytes(BUILDERS[name]())
        return path
    path = DATA / name
    assert path.is_file(), f"corpus file {name} is missing from {DATA}"
    return path


# --------------------------------------------------------------------------- the table

D = pd.Timestamp
NOT_A_DATE = Reason.BAD_DATE
DUPLICATE = Reason.DUPLICATE_CASE_ID
EMPTY = Reason.EMPTY_ROW
NOT_WHOLE = Reason.BAD_EXTENSION
NOT_MONEY = Reason.BAD_AMOUNT

#: Each reason code (its stable string) and the prose listed beside it, in full.
PROSE = {
    "missing-case-id": r"^missing case reference$",
    "duplicate-case-id": r"^repeats the case reference of an earlier row: one complaint, counted once, with the "
                         r"earlier row$",
    "duplicate-differs": r"^rows with this case reference differ in this column: unknown for the figures that need "
                         r"it$",
    "duplicate-received-differs": r"^rows with this case reference differ in this column, so no one can say which "
                                  r"complaint it is: every copy excluded$",
    "duplicate-copy-unusable": r"^a copy of this case reference has an unusable value in this column: unknown for "
                               r"the figures that need it$",
    "bad-date": r"^not a date: expected dd/mm/yyyy or yyyy-mm-dd between 2000 and \d{4}$",
    "missing-received": r"^missing date received$",
    "stage1-acknowledged-before-received": r"^stage1 acknowledged is before received$",
    "stage1-logged-before-received": r"^stage1 logged is before received$",
    "stage1-responded-before-stage1-acknowledged": r"^stage1 responded is before stage1 acknowledged$",
    "stage1-responded-before-received": r"^stage1 responded is before received$",
    "stage2-requested-before-stage1-responded": r"^stage2 requested is before stage1 responded$",
    "stage2-requested-before-received": r"^stage2 requested is before received$",
    "stage2-acknowledged-before-stage2-requested": r"^stage2 acknowledged is before stage2 requested$",
    "stage2-responded-before-stage2-acknowledged": r"^stage2 responded is before stage2 acknowledged$",
    "stage2-responded-before-stage2-requested": r"^stage2 responded is before stage2 requested$",
    "missing-stage1-acknowledged": r"^missing, but stage1 responded is recorded$",
    "missing-stage1-responded": r"^missing, but stage2 requested is recorded$",
    "missing-stage2-requested": r"^missing, but stage2 acknowledged is recorded$",
    "missing-stage2-acknowledged": r"^missing, but stage2 responded is recorded$",
    "bad-extension": r"^not a whole number of working days$",
    "bad-good-reason": r"^not yes or no: expected yes, no or blank$",
    "negative-extension": r"^negative extension$",
    "extension-too-long": r"^extension over 120 working days$",
    "unknown-outcome": r"^unknown outcome, counted as not recorded: expected one of upheld, partly upheld, not "
                       r"upheld, withdrawn, or map the word in case_log.outcomes$",
    "bad-amount": r"^not an amount of money$",
    "negative-amount": r"^negative compensation$",
    "unknown-ombudsman-outcome": r"^unknown Ombudsman outcome, counted as not recorded: expected one of severe "
                                 r"maladministration, maladministration, service failure, reasonable redress, no "
                                 r"maladministration, outside jurisdiction, withdrawn, or map the word in "
                                 r"case_log.ombudsman_outcomes$",
    "empty-row": r"^empty row$",
    "ragged-row": r"^more fields than the header \(an unquoted comma\): the row's values are not read; quote the "
                  r"field or correct the row in the export$",
    "short-row": r"^fewer fields than the header: the missing trailing fields are read as blank$",
    "formula-no-value": r"^a formula with no value saved: open the workbook in Excel and save it, or export values "
                        r"instead of formulas$",
}


def error(regex: str) -> tuple[str, str]:
    return ("error", regex)


def problems(rows: dict[int, Reason], whole: tuple[int, ...] = ()) -> tuple[str, tuple[dict[int, Reason], set[int]]]:
    """Rows with a listed problem (file row -> one of its codes), and the rows excluded whole."""
    return ("loaded", (rows, set(whole)))


CLEAN = problems({})


def defect(reason: str, raises: type[BaseException] | None = None) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason, raises=raises)


def case(name, settings, outcome, values=None, *, marks=(), id=None):  # noqa: A002 - pytest.param's own name
    """(file, settings kwargs, outcome, {case_id: {column: expected value}} for loaded cases)."""
    return pytest.param(name, settings, outcome, values or {}, marks=marks, id=id or name)


CASES = [
    # ---- files that cannot be read at all: one clear error
    case("empty.csv", {}, error(r"the file is empty; expected a header row")),
    case("wrong_encoding_cp1252.csv", {},
         error(r"expected text in utf-8-sig encoding, found an undecodable byte at offset \d+; .*case_log\.encoding")),
    case("missing_columns.csv", {},
         error(r"missing required column\(s\) \['received', 'compensation'\]; found 13 column\(s\) in the header row")),
    case("duplicate_column_after_mapping.csv", {"columns": {"Ref": "case_id"}},
         error(r"column\(s\) \['case_id'\] appear more than once after mapping")),
    case("unterminated_quote.csv", {}, error(r"not a readable CSV file: a quoted field is not closed \(at line \d+\)")),
    case("semicolon_delimited.csv", {}, error(r"missing required column\(s\) .*; found 1 column\(s\) in the header row")),
    case("leading_blank_line.csv", {}, error(r"missing required column\(s\) .*; found 0 column\(s\) in the header row")),
    case("title_lines.csv", {}, error(r"missing required column\(s\) .*; found 1 column\(s\) in the header row \(line 1\)"),
         id="title_lines.csv-header_row_not_set"),
    case("title_lines.csv", {"header_row": 2},
         error(r"missing required column\(s\) .*; found 1 column\(s\) in the header row \(line 2\)"),
         id="title_lines.csv-header_row_2"),
    case("unknown_suffix.json", {}, error(r"cannot tell the file type from its suffix '\.json'; expected \.csv, \.xlsx")),
    case("binary_garbage.csv", {}, error(r"expected text in utf-8-sig encoding, found an undecodable byte")),
    case("binary_garbage.csv", {"encoding": "latin-1"}, error(r"not a readable CSV file|missing required column"),
         id="binary_garbage.csv-latin1"),
    case("corrupt.xlsx", {}, error(r"cannot read the file as xlsx: BadZipFile")),
    case("truncated.xlsx", {}, error(r"cannot read the file as xlsx: ")),
    case("csv_renamed.xlsx", {}, error(r"cannot read the file as xlsx: BadZipFile: File is not a zip file")),
    case("corrupt.parquet", {}, error(r"cannot read the file as parquet: .*magic bytes not found")),
    case("truncated.parquet", {}, error(r"cannot read the file as parquet: ")),
    case("valid_excel_title_lines.xlsx", {"header_row": 3, "sheet": "Complaints"},
         error(r"cannot read the file as xlsx: Worksheet named 'Complaints' not found"), id="xlsx-wrong_sheet"),
    case("parquet_missing_received.parquet", {},
         error(r"missing required column\(s\) \['received'\]; found 14 column\(s\) in the header row")),

    # ---- files that load, with every unusable row listed
    case("header_only.csv", {}, CLEAN),
    case("mixed_date_formats.csv", {},  # yyyy/mm/dd is not an accepted format either
         problems({6: NOT_A_DATE, 7: NOT_A_DATE, 8: NOT_A_DATE, 9: NOT_A_DATE, 10: NOT_A_DATE}, whole=(6, 7, 8, 9, 10)),
         {cid: {"received": D("2024-04-01")} for cid in ("M01", "M02", "M03", "M04")}),
    case("text_in_date_column.csv", {},
         problems({2: NOT_A_DATE, 3: NOT_A_DATE, 4: NOT_A_DATE, 5: NOT_A_DATE, 6: NOT_A_DATE}, whole=(2, 6)),
         {"T02": {"received": D("2024-06-03"), "stage1_acknowledged": pd.NaT, "unknown": "stage1_acknowledged"}}),
    case("duplicate_ids.csv", {}, problems({4: DUPLICATE, 6: DUPLICATE}, whole=(4, 6)),
         {"D1": {"source_row": 2, "unknown": ""}, "D3": {"source_row": 5, "unknown": ""}}),
    case("duplicate_ids_differing.csv", {},
         problems({2: Reason.DUPLICATE_DIFFERS, 3: DUPLICATE, 4: Reason.DUPLICATE_RECEIVED_DIFFERS,
                   5: Reason.DUPLICATE_RECEIVED_DIFFERS, 6: Reason.DUPLICATE_RECEIVED_DIFFERS,
                   7: Reason.DUPLICATE_RECEIVED_DIFFERS, 8: Reason.BAD_GOOD_REASON, 9: Reason.UNKNOWN_OUTCOME,
                   10: Reason.DUPLICATE_COPY_UNUSABLE, 11: DUPLICATE, 12: Reason.DUPLICATE_DIFFERS, 13: DUPLICATE,
                   14: Reason.MISSING_STAGE1_RESPONDED},
                  whole=(3, 4, 5, 6, 7, 11, 13)),
         {"E1": {"source_row": 2, "unknown": "stage2_responded@2024-07-01 stage2_outcome", "stage2_responded": pd.NaT,
                 "stage2_requested": D("2024-06-12"), "stage2_outcome": ""},
          "E4": {"unknown": "stage1_extension_good_reason", "stage1_extension_good_reason": ""},
          "E5": {"unknown": "", "stage1_outcome": "", "stage1_extension_good_reason": "yes"},
          # a copy's bad date makes the field unknown in the complaint, listed against the row kept
          "E6": {"source_row": 10, "unknown": "stage1_acknowledged"},
          # refused in both copies, in different words: refused, for a reason not known
          "E7": {"refused_reason": "Outside the 12-month window", "unknown": "refused_reason"},
          # escalated with no stage 1 response recorded: the stage 1 response is unknown from the request
          "E8": {"unknown": "stage1_responded@2024-06-17"}}),
    case("us_month_first_dates.csv", {}, problems({2: NOT_A_DATE, 3: NOT_A_DATE, 5: NOT_A_DATE}, whole=(2, 3)),
         {"U3": {"received": D("2024-06-03"), "stage1_acknowledged": D("2024-06-04")}}),
    case("impossible_date_31_feb.csv", {},
         problems({2: NOT_A_DATE, 3: NOT_A_DATE, 4: NOT_A_DATE, 5: NOT_A_DATE, 6: NOT_A_DATE}, whole=(2, 3, 4, 5, 6)),
         {"I6": {"received": D("2024-02-29")}}),
    case("ack_before_received.csv", {}, problems({2: Reason.STAGE1_ACKNOWLEDGED_BEFORE_RECEIVED}),
         {"A1": {"stage1_acknowledged": pd.NaT, "unknown": "stage1_acknowledged@2024-06-07"}}),
    # the optional stage1_logged column: read and checked as the other dates are
    case("stage1_logged_dates.csv", {},
         problems({3: NOT_A_DATE, 4: Reason.STAGE1_LOGGED_BEFORE_RECEIVED, 5: Reason.DUPLICATE_DIFFERS, 6: DUPLICATE},
                  whole=(6,)),
         {"L1": {"stage1_logged": D("2024-06-04"), "unknown": ""},
          "L2": {"stage1_logged": pd.NaT, "stage1_acknowledged": D("2024-06-04"), "unknown": "stage1_logged"},
          "L3": {"stage1_logged": pd.NaT, "stage1_acknowledged": D("2024-06-10"), "unknown": "stage1_logged@2024-06-07"},
          # the copies agree until the earlier of their days logged
          "L4": {"source_row": 5, "stage1_logged": pd.NaT, "unknown": "stage1_logged@2024-06-04"},
          "L5": {"stage1_logged": pd.NaT, "unknown": ""},
          "L6": {"stage1_logged": D("2024-06-03"), "unknown": ""}}),
    case("response_before_ack.csv", {}, problems({2: Reason.STAGE1_RESPONDED_BEFORE_STAGE1_ACKNOWLEDGED,
                                                   3: Reason.STAGE1_RESPONDED_BEFORE_RECEIVED})),
    case("stage2_before_stage1_response.csv", {},
         problems({2: Reason.STAGE2_REQUESTED_BEFORE_STAGE1_RESPONDED,
                   3: Reason.STAGE2_ACKNOWLEDGED_BEFORE_STAGE2_REQUESTED,
                   4: Reason.STAGE2_RESPONDED_BEFORE_STAGE2_ACKNOWLEDGED,
                   6: Reason.MISSING_STAGE2_ACKNOWLEDGED, 7: Reason.STAGE2_REQUESTED_BEFORE_RECEIVED}),
         {"S4": {"stage2_responded": D("2024-07-01"), "stage2_outcome": "not upheld"}}),
    case("stage2_request_missing_or_after_response.csv", {},
         problems({2: Reason.MISSING_STAGE2_REQUESTED, 3: Reason.STAGE2_RESPONDED_BEFORE_STAGE2_REQUESTED}),
         {"R3": {"stage2_requested": D("2024-06-12"), "stage2_responded": D("2024-07-01")}}),
    case("negative_extension.csv", {}, problems({2: Reason.NEGATIVE_EXTENSION, 3: Reason.NEGATIVE_EXTENSION}),
         {"N3": {"stage1_extension_days": 0}, "N4": {"stage1_extension_days": 10}}),
    case("absurd_extension.csv", {}, problems({2: Reason.EXTENSION_TOO_LONG,
                                               3: Reason.EXTENSION_TOO_LONG,
                                               4: Reason.EXTENSION_TOO_LONG}),
         {"X4": {"stage1_extension_days": 120}}),
    case("fractional_extension.csv", {}, problems({2: NOT_WHOLE, 3: NOT_WHOLE, 4: NOT_WHOLE}),
         {"F4": {"stage1_extension_days": 10}, "F5": {"stage1_extension_days": 5}}),
    case("unknown_outcome.csv", {}, problems({2: Reason.UNKNOWN_OUTCOME,
                                              3: Reason.UNKNOWN_OUTCOME, 4: Reason.UNKNOWN_OUTCOME}),
         {"O4": {"stage1_outcome": "partly upheld"}, "O5": {"stage1_outcome": "not upheld"}}),
    case("unknown_ombudsman_outcome.csv", {},
         problems({2: Reason.UNKNOWN_OMBUDSMAN_OUTCOME,
                   3: Reason.UNKNOWN_OMBUDSMAN_OUTCOME}),
         {"H3": {"ombudsman_outcome": "severe maladministration"}, "H4": {"ombudsman_outcome": ""}}),
    case("compensation_not_money.csv", {},
         problems({2: NOT_MONEY, 3: NOT_MONEY, 4: NOT_MONEY, 5: Reason.NEGATIVE_AMOUNT, 7: NOT_MONEY}),
         {"P5": {"compensation": 1250.0}}),
    case("blank_lines.csv", {}, problems({3: EMPTY, 5: EMPTY, 6: EMPTY, 8: EMPTY, 9: EMPTY}, whole=(3, 5, 6, 8, 9))),
    case("missing_case_id.csv", {}, problems({2: Reason.MISSING_CASE_ID, 3: Reason.MISSING_CASE_ID}, whole=(2, 3))),
    case("missing_received.csv", {}, problems({2: Reason.MISSING_RECEIVED, 3: Reason.MISSING_RECEIVED}, whole=(2, 3))),
    case("response_without_acknowledgement.csv", {},
         problems({2: Reason.MISSING_STAGE1_ACKNOWLEDGED})),
    case("repeated_header_row.csv", {}, problems({3: NOT_A_DATE}, whole=(3,))),
    case("excel_serial_number_dates.xlsx", {}, problems({3: NOT_A_DATE, 4: EMPTY}, whole=(3, 4)),
         {"S1": {"received": D("2024-04-01")}, "S3": {"stage1_responded": D("2024-04-12")}}),

    # ---- valid but tricky: must load cleanly, dates read correctly
    case("title_lines.csv", {"header_row": 3}, CLEAN,
         {"T1": {"received": D("2024-04-01"), "stage1_responded": D("2024-04-12"), "source_row": 4},
          "T2": {"source_row": 5}}, id="title_lines.csv-header_row_3"),
    case("wrong_encoding_cp1252.csv", {"encoding": "cp1252"}, CLEAN,
         {"W1": {"category": "Café area"}, "W2": {"compensation": 50.0}}, id="wrong_encoding_cp1252.csv-cp1252"),
    case("utf8_bom.csv", {}, CLEAN,
         {"B1": {"received": D("2024-04-01"), "stage1_responded": D("2024-04-12")},
          "B2": {"received": D("2024-04-12"), "stage1_acknowledged": D("2024-04-15")}}),
    case("utf8_bom.csv", {"encoding": "utf-8"}, CLEAN, {"B1": {"received": D("2024-04-01")}},
         id="utf8_bom.csv-utf8"),
    case("iso_dates.csv", {}, CLEAN,
         {"I1": {"received": D("2024-04-01"), "stage1_acknowledged": D("2024-04-02"),
                 "stage1_responded": D("2024-04-12"), "stage2_requested": D("2024-04-15"),
                 "stage2_responded": D("2024-05-10")}}),
    case("crlf_line_endings.csv", {}, CLEAN, {"CR1": {"received": D("2024-04-01")}, "CR2": {"compensation": 0.0}}),
    case("valid_excel_title_lines.xlsx", {"header_row": 3}, CLEAN,
         {"X1": {"received": D("2024-04-01"), "stage1_acknowledged": D("2024-04-02"),
                 "stage1_responded": D("2024-04-12"), "source_row": 4},
          "X2": {"received": D("2024-04-01"), "stage1_acknowledged": D("2024-04-02")},
          "1003": {"received": D("2024-04-03"), "stage1_extension_days": 5, "compensation": 150.5,
                   "stage2_responded": D("2024-05-10"), "source_row": 6}}),
    case("valid_excel_title_lines.xlsx", {"header_row": 3, "sheet": "Cases"}, CLEAN,
         {"X1": {"received": D("2024-04-01")}}, id="valid_excel_title_lines.xlsx-named_sheet"),
    case("valid_parquet_datetime64.parquet", {}, CLEAN,
         {"1001": {"received": D("2024-04-01"), "stage1_acknowledged": D("2024-04-02"),
                   "stage1_responded": D("2024-04-12"), "stage2_requested": D("2024-04-15"),
                   "stage1_extension_days": 5, "compensation": 150.0},
          "1002": {"received": D("2024-04-03"), "stage1_acknowledged": pd.NaT, "stage1_extension_days": 0,
                   "category": "Anti-social behaviour"}}),

    # ---- formerly defects, each now handled as it should be
    case("excel_file_renamed.csv", {}, error(r"(?i)excel|xlsx|workbook")),
    case("title_lines.csv", {"header_row": 10}, error(r"no header row at line 10: the file ends before it"),
         id="title_lines.csv-header_row_beyond_file"),
    case("duplicate_header_names.csv", {}, error(r"received.*more than once|more than once.*received")),
    # a ragged row (an unquoted comma, a notes field) is listed by row and reason only, its values not read
    case("ragged_first_row_extra_field.csv", {}, problems({2: Reason.RAGGED_ROW}, whole=(2,)), {"E2": {"received": D("2024-04-03")}}),
    case("ragged_rows_extra_fields.csv", {}, problems({4: Reason.RAGGED_ROW}, whole=(4,)), {"E1": {"received": D("2024-06-03")}}),
    # a row leaving out its trailing empty fields is read with them blank, counted and listed by row only
    case("short_rows_trailing_fields_left_out.csv", {},
         problems({3: Reason.SHORT_ROW, 4: Reason.SHORT_ROW, 6: Reason.RAGGED_ROW}, whole=(6,)),
         {"S2": {"category": "Repairs"}, "S3": {"received": D("2024-06-03"), "stage1_responded": D("2024-06-10")}}),
    case("trailing_comma_each_row.csv", {}, CLEAN, {"E1": {"received": D("2024-04-01")},
                                                    "E3": {"stage1_acknowledged": D("2024-04-04")}}),
    case("iso_timestamps_utc_z.csv", {}, CLEAN,
         {"Z1": {"received": D("2024-04-01"), "stage1_responded": D("2024-04-12")}},
         ),
    case("iso_timestamps_bst_offsets.csv", {}, CLEAN,
         {"Z1": {"received": D("2024-03-01")}, "Z2": {"received": D("2024-04-01")}},
         ),
    case("out_of_range_years.csv", {}, problems({2: NOT_A_DATE, 3: NOT_A_DATE, 4: NOT_A_DATE}, whole=(3, 4)),
         {"Y1": {"stage1_responded": pd.NaT, "unknown": "stage1_responded"}}),
    case("excel_sentinel_date_9999.xlsx", {}, problems({2: NOT_A_DATE}),
         ),
    case("infinite_extension.csv", {}, problems({2: NOT_WHOLE, 3: NOT_WHOLE}),
         ),
    case("infinite_compensation.csv", {}, problems({2: NOT_MONEY, 3: NOT_MONEY, 4: NOT_MONEY}),
         ),
    case("partial_iso_dates.csv", {}, problems({2: NOT_A_DATE, 3: NOT_A_DATE}, whole=(2, 3)),
         ),
    # a formula with no value saved is said to be one, not "missing"; the field is unknown (the row, for received)
    case("excel_formula_without_value.xlsx", {},
         problems({2: Reason.FORMULA_NO_VALUE, 3: Reason.FORMULA_NO_VALUE}, whole=(3,)),
         {"F1": {"unknown": "stage1_extension_days"}, "F3": {"unknown": ""}}),
    case("excel_na_text_in_date_cell.xlsx", {}, problems({2: NOT_A_DATE}),
         ),
    case("parquet_tz_aware_dates.parquet", {}, CLEAN, {"1001": {"received": D("2024-04-01")}},
         ),
]


# --------------------------------------------------------------------------- the test

def _load(path: Path, config: CaseLogSettings):
    """Load, letting CaseLogError through; any other exception is re-raised with a short traceback.

    The type is kept (so ``xfail(raises=...)`` stays precise) and a note says where in
    ``audit_lib`` it came from; the deep pandas traceback is dropped to keep the run fast.
    """
    try:
        return load_case_log(path, config)
    except CaseLogError:
        raise
    except Exception as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if "audit_lib" in f.filename]
        if frames:
            exc.add_note(f"raw exception escaped from {Path(frames[-1].filename).name}:{frames[-1].lineno} "
                         f"in {frames[-1].name}: {frames[-1].line}")
        raise exc.with_traceback(None) from None


def _check_loaded(log, expected: tuple[dict[int, Reason], set[int]], header_row: int) -> None:
    rows, whole = expected
    excl = log.exclusions
    assert list(excl.columns) == EXCLUSION_COLUMNS
    listed_rows = set(excl["row"].tolist())
    whole_rows = set(excl.loc[excl["excluded"].astype(bool), "row"].tolist())
    # nothing disappears: each row read is a complaint or excluded whole, never both, never neither
    assert log.rows_read == len(log.cases) + log.excluded_rows == log.complaints + log.excluded_rows
    case_rows = set(log.cases["source_row"].tolist())
    assert not case_rows & whole_rows
    assert case_rows | whole_rows == set(range(header_row + 1, header_row + 1 + log.rows_read))
    assert whole_rows == whole, excl.to_string()
    for record in excl.itertuples(index=False):
        assert isinstance(record.reason, str) and record.reason, record
        assert record.code in PROSE and re.search(PROSE[record.code], record.reason), record
        assert len(str(record.value)) <= MAX_VALUE_CHARS, record
    assert listed_rows == set(rows), excl.to_string()
    # a complaint's unknown fields are exactly those its listed problems made unknown
    unknown = log.cases.set_index("source_row")["unknown"]
    for row in case_rows:
        made = {f for text in excl.loc[excl["row"] == row, "unknown"] for f in text.split()}
        assert {token.partition("@")[0] for token in unknown[row].split()} >= made, (row, unknown[row], made)
    for row_number, code in rows.items():
        listed = excl.loc[excl["row"] == row_number]
        codes = listed["code"].tolist()
        assert code in codes, (row_number, code, codes)
        assert listed["column"].ne("").all() or code in (EMPTY, Reason.RAGGED_ROW, Reason.SHORT_ROW), listed.to_string()


def _check_values(log, values: dict[str, dict[str, object]]) -> None:
    by_id = log.cases.set_index("case_id")
    for case_id, expected in values.items():
        assert case_id in by_id.index, (case_id, list(by_id.index))
        for column, value in expected.items():
            got = by_id.loc[case_id, column]
            if value is pd.NaT:
                assert pd.isna(got), (case_id, column, got)
            else:
                assert got == value, (case_id, column, got, value)


@pytest.mark.parametrize("name, settings, outcome, values", CASES)
def test_malformed_log(tmp_path, name, settings, outcome, values):
    path = _corpus_file(name, tmp_path)
    config = CaseLogSettings(path=name, **{"rare_below": 1, **settings})  # the vocabulary rule: tests/test_personal_data.py
    kind, expected = outcome
    if kind == "error":
        # any exception other than CaseLogError propagates and fails the test
        with pytest.raises(CaseLogError) as caught:
            _load(path, config)
        message = str(caught.value)
        assert caught.value.path == path
        assert message.startswith(f"{path}: ")
        assert "\n" not in message and "Traceback" not in message
        assert re.search(expected, caught.value.message), message
    else:
        log = _load(path, config)
        _check_loaded(log, expected, config.header_row)
        _check_values(log, values)


def test_corpus_is_complete():
    named = {p.values[0] for p in CASES}
    on_disk = {p.name for p in DATA.iterdir() if p.is_file()}
    assert on_disk <= named, f"corpus files not in the table: {sorted(on_disk - named)}"
    assert len(named) >= 24
    expected = {code for p in CASES if p.values[2][0] == "loaded" for code in p.values[2][1][0].values()}
    assert expected == set(Reason), f"reason codes no corpus file shows: {sorted(set(Reason) - expected)}"


def test_reason_codes_are_stable_and_each_has_its_prose():
    assert [reason.value for reason in Reason] == list(PROSE)
    for reason in Reason:
        assert re.search(PROSE[reason], REASON_TEXT[reason]), reason


def test_formula_cells_without_a_value_are_found_without_a_second_reading(tmp_path, monkeypatch):
    """A sheet with a computed column (values saved by Excel) and two formula cells with no value
    saved: the workbook is opened once (by pandas), the two cells found in the sheet's XML."""
    import zipfile

    from audit_lib.cases.read import _formula_cells

    rows = [COLUMNS, *(_record(f"V{i}", compensation=i) for i in range(1, 41))]
    path = tmp_path / "computed.xlsx"
    path.write_bytes(_xlsx(rows))
    column = chr(ord("A") + COLUMNS.index("compensation"))
    late = chr(ord("A") + COLUMNS.index("stage1_extension_days"))
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    for i in range(1, 41):  # every compensation cell computed, its value saved
        sheet = re.sub(rf'<c r="{column}{i + 1}"( [^>]*)?><v>', rf'<c r="{column}{i + 1}"\1><f>{i}*1</f><v>', sheet)
    outcome = chr(ord("A") + COLUMNS.index("stage1_outcome"))
    assert late < outcome
    sheet = sheet.replace(f'<c r="{outcome}5"', f'<c r="{late}5"><f>2+3</f></c><c r="{outcome}5"')  # no value saved
    sheet = sheet.replace(f'<c r="{outcome}9"', f'<c r="{late}9" t="n"><f>2+3</f><v></v></c><c r="{outcome}9"')
    assert sheet.count("<f>") == 42, sheet[:2000]
    parts["xl/worksheets/sheet1.xml"] = sheet.encode("utf-8")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    opened = []
    load_workbook = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(1) or load_workbook(*a, **k))
    log = load_case_log(path, CaseLogSettings(path=path.name))
    assert len(opened) == 1, "the workbook was read a second time to find formula cells"
    listed = log.exclusions
    assert listed.loc[listed["code"] == "formula-no-value", "row"].tolist() == [5, 9]
    assert log.complaints == 40 and log.cases["compensation"].sum() == sum(range(1, 41))
    frame = pd.read_excel(path, dtype=object)
    settings = CaseLogSettings(path=path.name)
    assert {k: v.tolist() for k, v in _formula_cells(path.read_bytes(), settings, frame).items()} == {
        "stage1_extension_days": [3, 7]}


def test_a_library_message_keeps_nothing_it_quotes_of_the_file():
    from audit_lib.cases.read import _short

    row = "Mrs Jane Example,07700 900123,jane@example.org"
    assert _short(ValueError(f"CSV parse error: Expected 3 columns, got 4: {row}")) == \
        "CSV parse error: Expected 3 columns, got 4"
    assert _short(ValueError("File is not a zip file")) == "File is not a zip file"
    # messages that are not known to quote nothing are not shown at all
    assert _short(ValueError("could not convert string to float: 'Mrs Jane Example 07700 900123'")) is None
    assert _short(ValueError("Invalid datetime value Mrs Jane Example")) is None
    assert _short(ValueError("Unknown error: Wrapping Mrs Jane Example caf\ufffd failed")) is None
    assert _short(ValueError("Worksheet named 'Complaints' not found")) == "Worksheet named 'Complaints' not found"


@pytest.mark.parametrize("kind", ["xlsx", "parquet"])
def test_a_library_error_quoting_a_cell_is_named_by_its_type_only(tmp_path, monkeypatch, kind):
    """openpyxl says "could not convert string to float: '<the cell>'" of a number cell holding
    text: whatever a library says that is not known to quote nothing is left out."""
    import audit_lib.cases.read as read_module

    def fails(*args, **kwargs):
        raise ValueError("could not convert string to float: 'Mrs Jane Example 07700 900123'")

    path = tmp_path / f"log.{kind}"
    frame = pd.DataFrame({"case_id": ["C1"], "received": ["01/04/2024"]})
    frame.to_excel(path, index=False) if kind == "xlsx" else frame.to_parquet(path)
    monkeypatch.setattr(read_module.pd, "read_excel" if kind == "xlsx" else "read_parquet", fails)
    with pytest.raises(CaseLogError, match=rf"cannot read the file as {kind}: ValueError \(its message is not "
                                           r"shown: it may quote the file\)") as caught:
        load_case_log(path, CaseLogSettings(path=path.name))
    assert "Jane" not in str(caught.value) and "07700" not in str(caught.value)
