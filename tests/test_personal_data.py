"""Residents' personal data never leaves the case log.

A case log is a housing system's export: besides the columns the product maps, it holds names,
addresses, e-mail addresses, telephone numbers and notes, and people type the same into mapped
columns (a refusal reason, a category, a date cell). These tests plant such values in every
column, mapped and unmapped, in ragged rows and in a misplaced header row, and check that none
reaches an error message, the data-quality appendix, a figure, or (running the real batch and
``chc-audit stats``) any output file or the terminal. They also hold the paths and bounds a
case log is read under: no symbolic links, nothing outside the landlord's folder, a bounded
header row and number of rows.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from audit_lib.cases.load import load_case_log
from audit_lib.cases.schema import OTHER
from audit_lib.cases.settings import CaseLogSettings
from audit_lib.cases.validate import shown_value
from audit_lib.core.paths import checked_input_path
from audit_lib.errors import AuditError, CaseLogError
from tests.demo import DEMO_INPUTS

HEADER = ("case_id,received,stage1_acknowledged,stage1_responded,stage1_extension_days,stage2_requested,"
          "stage2_acknowledged,stage2_responded,stage2_extension_days,stage1_outcome,stage2_outcome,category,"
          "refused_reason,ombudsman_outcome,compensation")
ROW = "{id},03/06/2024,04/06/2024,10/06/2024,,,,,,upheld,,Repairs,,,0"

#: Planted personal data: a name, an e-mail address, a telephone number, an address and a date of birth.
NAME = "Edith Marchbanks"
EMAIL = "edith.marchbanks@example.net"
PHONE = "07700 900461"
ADDRESS = "14 Larkspur Close"
DOB = "03/11/1941"
PLANTED = (NAME, EMAIL, PHONE, ADDRESS, DOB)
#: Fragments any of which, found in an output, means a planted value leaked.
TELLTALES = ("Marchbanks", "marchbanks", "900461", "Larkspur", "1941")


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _no_telltale(text: str, where: str) -> None:
    for token in TELLTALES:  # digits as a number of their own: not inside a timestamp's microseconds (…57.194141Z)
        assert not re.search(rf"(?<!\d){re.escape(token)}(?!\d)", text), f"{token!r} reached {where}"


# --------------------------------------------------------------------------- ragged rows (item 11)

def test_a_ragged_row_is_listed_by_row_and_reason_only(tmp_path):
    # an unquoted comma in an address shifts a telephone number into a mapped column (row 3); an
    # extra notes field in the first data row (row 2); a row with a field missing (row 5: read,
    # its missing trailing field blank, and listed by row and reason only)
    path = _write(tmp_path / "log.csv", [
        "case_id,address,phone,received,stage1_acknowledged,stage1_responded,stage1_extension_days,stage2_requested,"
        "stage2_acknowledged,stage2_responded,stage2_extension_days,stage1_outcome,stage2_outcome,category,"
        "refused_reason,ombudsman_outcome,compensation",
        f"R1,{ADDRESS},{PHONE},03/06/2024,04/06/2024,10/06/2024,,,,,,upheld,,Repairs,,,0,Mrs {NAME} lives alone DOB {DOB}",
        f"R2,{ADDRESS}, Leeds,{PHONE},03/06/2024,04/06/2024,10/06/2024,,,,,,upheld,,Repairs,,,0",
        "R3,x,y,03/06/2024,04/06/2024,10/06/2024,,,,,,upheld,,Repairs,,,0",
        f"R4,{EMAIL},03/06/2024,04/06/2024,10/06/2024,,,,,,upheld,,Repairs,,,0",
    ])
    log = load_case_log(path, CaseLogSettings(path="log.csv"))
    listed = log.exclusions
    assert listed.loc[listed["code"] == "ragged-row", "row"].tolist() == [2, 3]
    assert listed.loc[listed["code"] == "ragged-row", "excluded"].all()
    assert listed.loc[listed["code"] == "short-row", "row"].tolist() == [5]
    assert log.cases["case_id"].tolist() == ["R3", "R4"]  # nothing from a ragged row reaches a figure
    assert log.rows_read == log.complaints + log.excluded_rows == 4
    _no_telltale(listed.to_string() + log.cases.to_string(), "the case log as loaded")


def _six_complaints(trimmed: bool, header: str = HEADER) -> list[str]:
    """Six complaints; with ``trimmed``, rows 3, 5 and 7 leave out their trailing empty fields, as
    many exports do."""
    rows = [ROW.format(id=f"T{i}") for i in range(1, 7)]
    if trimmed:
        rows[1] = "T2,03/06/2024,04/06/2024,10/06/2024,,,,,,upheld,,Repairs"
        rows[3] = "T4,03/06/2024,04/06/2024,10/06/2024"
        rows[5] = "T6,03/06/2024"
    return [header, *rows]


@pytest.mark.parametrize("reader", ["arrow", "record by record"])
def test_a_row_leaving_out_trailing_empty_fields_is_counted_and_listed_by_row_only(tmp_path, reader):
    """Short rows are read with the missing trailing fields blank and counted (stage 1 received
    is 6, as with the fields written out), listed by row number and reason only; a row with more
    fields than the header stays excluded whole, and rows read = complaints + rows excluded."""
    from audit_lib.core.periods import Period
    from audit_lib.stats.engine import case_statistics

    lines = _six_complaints(trimmed=True)
    lines[6] = f"T6,03/06/2024,{NAME},{PHONE}"  # short, and its values are never listed as a short row's
    lines.append(ROW.format(id="T7") + f",{EMAIL}")  # more fields than the header: excluded whole
    path = _write(tmp_path / "log.csv", lines)
    if reader == "record by record":  # lone carriage returns: a file Arrow's parser leaves to the csv module
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    log = load_case_log(path, CaseLogSettings(path="log.csv"))
    assert log.complaints == 6 and log.rows_read == 7 and log.excluded_rows == 1
    assert log.rows_read == log.complaints + log.excluded_rows
    listed = log.exclusions
    short = listed[listed["code"] == "short-row"]
    assert short["row"].tolist() == [3, 5, 7]
    assert not short["excluded"].any()
    assert (short["case_id"] == "").all() and (short["value"] == "").all() and (short["column"] == "").all()
    assert short["reason"].iloc[0] == ("fewer fields than the header: the missing trailing fields are read as "
                                      "blank")
    assert listed.loc[listed["code"] == "ragged-row", "row"].tolist() == [8]
    assert sorted(log.cases["case_id"]) == [f"T{i}" for i in range(1, 7)]
    _no_telltale(short.to_string(), "the short rows' listing")
    full = load_case_log(_write(tmp_path / "full.csv", _six_complaints(trimmed=False)),
                         CaseLogSettings(path="full.csv"))
    period = Period.parse("2024-25")
    assert case_statistics(log.cases, period, homes=100).year.stage1_received == 6
    assert case_statistics(full.cases, period, homes=100).year.stage1_received == 6


# --------------------------------------------------------------------------- header errors (item 12)

def test_a_misplaced_header_row_is_not_quoted(tmp_path):
    path = _write(tmp_path / "log.csv", ["Complaints register", HEADER,
                                         f"R1,{NAME},{EMAIL},{PHONE},{ADDRESS},{DOB},,,,,,,,,"])
    with pytest.raises(CaseLogError) as caught:
        load_case_log(path, CaseLogSettings(path="log.csv", header_row=3))
    message = str(caught.value)
    assert "missing required column(s) ['case_id', 'received'" in message
    assert "found 15 column(s) in the header row (line 3)" in message
    _no_telltale(message, "the error message")


def test_a_repeated_name_in_a_header_row_that_may_be_data_is_named_by_position(tmp_path):
    path = _write(tmp_path / "log.csv", [f"{NAME},{NAME},{PHONE}", HEADER])
    with pytest.raises(CaseLogError, match=r"the names of columns 1 and 2 appear\(s\) more than once") as caught:
        load_case_log(path, CaseLogSettings(path="log.csv"))
    _no_telltale(str(caught.value), "the error message")


# --------------------------------------------------------------------------- free text (item 13)

def test_values_in_the_appendix_are_shown_only_as_their_column_can_look():
    assert shown_value("received", "31/02/2024") == "31/02/2024"
    assert shown_value("received", DOB) == "a date outside 2000-2099" or "1941" not in shown_value("received", DOB)
    assert shown_value("received", f"DOB {DOB}") == "text, 14 characters"
    assert shown_value("compensation", "£1,250.x") == "text, 8 characters"
    assert shown_value("compensation", "-50") == "-50"
    assert shown_value("compensation", "07700900461") == "number, 11 digits"
    assert shown_value("stage1_outcome", f"Mrs {NAME} was upset") == f"text, {len(NAME) + 14} characters"
    assert shown_value("stage1_outcome", "Resolved", common=True) == "Resolved"
    assert shown_value("stage1_outcome", EMAIL, common=True) == f"text, {len(EMAIL)} characters"
    assert shown_value("case_id", "RB-2024-0001") == "RB-2024-0001"
    for value in PLANTED:
        assert not any(token in shown_value("case_id", value) for token in TELLTALES)


def test_free_text_in_mapped_columns_reaches_no_figure_and_no_listed_value(tmp_path):
    rows = [ROW.format(id=f"C{i}") for i in range(6)]
    planted = [
        f"P1,DOB {DOB},04/06/2024,10/06/2024,,,,,,upheld,,{ADDRESS},,,0",
        f"P2,03/06/2024,04/06/2024,10/06/2024,call {PHONE},,,,,Mrs {NAME} was upset,,Repairs,,,{EMAIL}",
        f"P3,03/06/2024,04/06/2024,10/06/2024,,,,,,upheld,,{NAME},Abusive call from {NAME},{EMAIL},0",
        "P4,03/06/2024,,,,,,,,,,Repairs,Outside the 12-month window,,0",
        "P5,03/06/2024,,,,,,,,,,Repairs,Outside the 12-month window,,0",
        "P6,03/06/2024,,,,,,,,,,Repairs,outside  the 12-month WINDOW,,0",
        f"P7,03/06/2024,{DOB},10/06/2024,,,,,,upheld,,Repairs,,,0",
        "P8,03/06/2024,,,,,,,,,,Repairs,Outside the 12-month window,,0",
    ]
    path = _write(tmp_path / "log.csv", [HEADER, *rows, *planted])
    log = load_case_log(path, CaseLogSettings(path="log.csv"))
    _no_telltale(log.exclusions.to_string(), "the data-quality appendix")
    assert set(log.cases["category"]) == {"Repairs", OTHER, "Not recorded"} - {"Not recorded"}
    assert sorted(set(log.cases["refused_reason"]) - {""}) == ["Other", "Outside the 12-month window"]
    listed = log.cases.set_index("case_id")["refused_reason"]
    assert listed["P3"] == OTHER and listed["P6"] == OTHER  # seen once: not the landlord's vocabulary
    # the landlord's own list maps its words (ignoring case and spacing), whatever their count
    mapped = load_case_log(path, CaseLogSettings(
        path="log.csv", refused_reasons={"Outside the 12-month window": "Outside the 12 months"}))
    reasons = mapped.cases.set_index("case_id")["refused_reason"]
    assert reasons[["P4", "P5", "P6", "P8"]].tolist() == ["Outside the 12 months"] * 4 and reasons["P3"] == OTHER
    # the threshold is configurable
    assert "Repairs" in set(load_case_log(path, CaseLogSettings(path="log.csv", rare_below=7)).cases["category"]) \
        and set(load_case_log(path, CaseLogSettings(path="log.csv", rare_below=20)).cases["category"]) == {OTHER}



def test_contact_details_typed_often_into_a_word_column_are_counted_as_other_and_never_shown(tmp_path):
    # An e-mail address, a telephone number and a postcode each typed into the category and the
    # refusal reason of three complaints (seen often enough to pass for the landlord's words):
    # they are counted as "Other" and shown nowhere; a listed word is kept whatever it holds.
    typed = (f"Mrs Quaxley {EMAIL}", f"call back on {PHONE}", "Damp at LS1 4AP")
    rows = [ROW.format(id=f"C{i}") for i in range(3)]
    rows += [f"T{n}{i},03/06/2024,,,,,,,,,,{word},{word},,0" for n, word in enumerate(typed) for i in range(3)]
    path = _write(tmp_path / "log.csv", [HEADER, *rows])
    log = load_case_log(path, CaseLogSettings(path="log.csv"))
    assert set(log.cases["category"]) == {"Repairs", OTHER}
    assert set(log.cases["refused_reason"]) - {""} == {OTHER}
    everything = log.cases.to_string() + log.exclusions.to_string()
    for word in typed:
        assert word not in everything
    _no_telltale(everything, "the counted cases")
    assert shown_value("category", "Damp at LS1 4AP", common=True) == "text, 15 characters"
    assert shown_value("category", "Repairs", common=True) == "Repairs"
    listed = load_case_log(path, CaseLogSettings(path="log.csv", categories={"Damp at LS1 4AP": "Damp"}))
    assert "Damp" in set(listed.cases["category"])

# --------------------------------------------------------------------------- paths (item 14)

@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_case_log_that_is_a_symlink_is_refused(tmp_path):
    folder = tmp_path / "landlord"
    folder.mkdir()
    outside = _write(tmp_path / "elsewhere.csv", [HEADER, ROW.format(id="X1")])
    (folder / "to_system.csv").symlink_to("/etc/passwd")
    (folder / "to_outside.csv").symlink_to(outside)
    (folder / "linked").symlink_to(tmp_path)
    for relative in ("to_system.csv", "to_outside.csv", "linked/elsewhere.csv"):
        with pytest.raises(CaseLogError, match="found a symbolic link") as caught:
            load_case_log(folder / relative, CaseLogSettings(path=relative))
        assert "\n" not in str(caught.value) and "root:" not in str(caught.value)
    with pytest.raises(CaseLogError, match="expected a case log inside"):
        load_case_log(outside, CaseLogSettings(path="elsewhere.csv"), folder=folder)
    shutil.copy(outside, folder / "log.csv")
    assert load_case_log(folder / "log.csv", CaseLogSettings(path="log.csv")).complaints == 1


def test_checked_input_path_refuses_escapes(tmp_path):
    with pytest.raises(AuditError, match=r"without '\.\.'"):
        checked_input_path(tmp_path, "../x.csv")
    with pytest.raises(AuditError, match=r"without '\.\.'"):
        checked_input_path(tmp_path, "/etc/passwd")
    assert checked_input_path(tmp_path, "sub/x.csv") == tmp_path / "sub" / "x.csv"


# --------------------------------------------------------------------------- bounds (items 15, 17)

def test_header_row_and_rows_read_are_bounded(tmp_path):
    with pytest.raises(CaseLogError, match=r"header_row: .*less than or equal to 1000"):
        CaseLogSettings(path="log.csv", header_row=99999999999999999999)
    with pytest.raises(CaseLogError, match=r"header_row: .*greater than or equal to 1"):
        CaseLogSettings(path="log.csv", header_row=0)
    path = _write(tmp_path / "log.csv", [HEADER, *(ROW.format(id=f"C{i}") for i in range(11))])
    with pytest.raises(CaseLogError, match=r"expected at most 10 rows \(case_log.max_rows\), found more"):
        load_case_log(path, CaseLogSettings(path="log.csv", max_rows=10))
    # the Arrow reader declines quoted headers: the record-by-record reader is bounded too
    quoted = _write(tmp_path / "quoted.csv", ['"case_id",' + HEADER.partition(",")[2],
                                               *(ROW.format(id=f"C{i}") for i in range(11))])
    with pytest.raises(CaseLogError, match=r"expected at most 10 rows"):
        load_case_log(quoted, CaseLogSettings(path="quoted.csv", max_rows=10))
    assert load_case_log(quoted, CaseLogSettings(path="quoted.csv", max_rows=11)).complaints == 11


def test_a_csv_file_over_max_rows_is_refused_before_it_is_read_whole(tmp_path, monkeypatch):
    """The rows are counted before the file is parsed, and as a large file is read in blocks: a
    file over ``max_rows`` is refused before its bytes are all held or parsed; line breaks inside
    quotes are not rows."""
    import pyarrow.csv

    from audit_lib.cases import read

    path = _write(tmp_path / "log.csv", [HEADER, *(ROW.format(id=f"C{i}") for i in range(1_000))])

    def whole_file_parsed(*args, **kwargs):
        raise AssertionError("the whole file was parsed before its rows were counted")

    with monkeypatch.context() as patched:
        patched.setattr(pyarrow.csv, "read_csv", whole_file_parsed)
        with pytest.raises(CaseLogError, match=r"expected at most 10 rows \(case_log.max_rows\), found more"):
            load_case_log(path, CaseLogSettings(path="log.csv", max_rows=10))
        patched.setattr(read, "READ_WHOLE", 4096)  # a large file: read in blocks, never held whole
        patched.setattr(read, "READ_BLOCK", 1024)
        patched.setattr(Path, "read_bytes", lambda self: whole_file_parsed())
        with pytest.raises(CaseLogError, match=r"expected at most 10 rows \(case_log.max_rows\), found more"):
            load_case_log(path, CaseLogSettings(path="log.csv", max_rows=10))
    # 10 complaints over 20 lines (a quoted line break in each) are 10 rows
    quoted = _write(tmp_path / "quoted.csv", [HEADER + ",notes",
                                               *(ROW.format(id=f"C{i}") + ',"first line\nsecond"' for i in range(10))])
    assert load_case_log(quoted, CaseLogSettings(path="quoted.csv", max_rows=10)).complaints == 10
    with pytest.raises(CaseLogError, match=r"expected at most 9 rows"):
        load_case_log(quoted, CaseLogSettings(path="quoted.csv", max_rows=9))
    crlf = tmp_path / "crlf.csv"
    crlf.write_bytes(quoted.read_bytes().replace(b"\n", b"\r\n"))
    assert load_case_log(crlf, CaseLogSettings(path="crlf.csv", max_rows=10)).complaints == 10


def test_a_parquet_file_over_max_rows_is_refused_from_its_footer_before_it_is_read(tmp_path, monkeypatch):
    path = _write(tmp_path / "log.csv", [HEADER, *(ROW.format(id=f"C{i}") for i in range(11))])
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.to_parquet(tmp_path / "log.parquet")

    def read_whole(self):
        raise AssertionError("the whole file was read before its rows were counted")

    with monkeypatch.context() as patched:
        patched.setattr(Path, "read_bytes", read_whole)
        with pytest.raises(CaseLogError, match=r"expected at most 10 rows \(case_log.max_rows\), found more"):
            load_case_log(tmp_path / "log.parquet", CaseLogSettings(path="log.parquet", max_rows=10))
    assert load_case_log(tmp_path / "log.parquet", CaseLogSettings(path="log.parquet", max_rows=11)).complaints == 11


@pytest.mark.parametrize("encoding", ["nope-enc", "hex", "rot13", "idna"])  # unknown, not a text codec, or strict
@pytest.mark.parametrize("rows", [1, 11])  # 11: past max_rows, where the records are counted too
def test_an_unknown_text_encoding_is_one_clear_error(tmp_path, rows, encoding):
    path = _write(tmp_path / "log.csv", [HEADER, *(ROW.format(id=f"C{i}") for i in range(rows))])
    with pytest.raises(CaseLogError, match=rf"unknown text encoding '{encoding}' \(case_log.encoding\); expected "
                                           r"one such as 'utf-8-sig'"):
        load_case_log(path, CaseLogSettings(path="log.csv", encoding=encoding, max_rows=10))


@pytest.mark.parametrize("column", [0, 11])  # the case reference, and a category
@pytest.mark.parametrize("quoted", [False, True])
@pytest.mark.parametrize("in_short_row", [False, True])
def test_a_byte_not_utf8_beside_a_short_row_is_reported_by_offset_never_by_its_cell(tmp_path, capfd, monkeypatch,
                                                                                     column, quoted, in_short_row):
    """A file whose rows do not all have the header's fields is read row by row; a cell that is
    not UTF-8 (a resident's name typed in another encoding) was quoted in the error, or reached
    validation as broken text (a traceback), or, in the short row itself, made Arrow print a
    traceback of its own."""
    rows = [ROW.format(id=f"C{i}") for i in range(30)]
    short = 20 if in_short_row else 3
    rows[short] = ",".join(rows[short].split(",")[:max(5, column + 1)])  # a short row
    cells = rows[20].split(",")
    cells[column] = f"{NAME} {PHONE} caf"
    rows[20] = ",".join(f'"{cell}"' if quoted and k == column else cell for k, cell in enumerate(cells))
    path = tmp_path / "log.csv"
    text = ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")
    offset = text.index(b" caf") + len(b" caf")
    path.write_bytes(text[:offset] + b"\xe9" + text[offset:])
    unraisable: list[object] = []  # what Python would print as "Exception ignored in ..."
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with pytest.raises(CaseLogError, match=rf"undecodable byte at offset {offset};") as caught:
        load_case_log(path, CaseLogSettings(path="log.csv"))
    assert NAME not in str(caught.value) and PHONE not in str(caught.value)
    assert unraisable == []
    printed = capfd.readouterr()
    assert printed.err == "" and printed.out == ""


@pytest.mark.parametrize("kind", ["string", "binary", "dictionary"])
@pytest.mark.parametrize("column", ["case_id", "category", f"{NAME} {PHONE}"])  # the last a column the product does not know
def test_a_parquet_text_cell_not_utf8_is_refused_by_its_column_never_its_text(tmp_path, column, kind):
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = [*HEADER.split(","), f"{NAME} {PHONE}"]
    rows = [[*ROW.format(id=f"C{i}").split(","), "x"] for i in range(5)]
    table = pa.table({name: [row[k] for row in rows] for k, name in enumerate(names)})
    cells = [f"{NAME} {EMAIL} caf".encode() + b"\xe9" if i == 2 else rows[i][names.index(column)].encode()
             for i in range(5)]
    offsets = np.concatenate([[0], np.cumsum([len(cell) for cell in cells])]).astype(np.int32)
    broken = pa.Array.from_buffers(pa.binary() if kind == "binary" else pa.string(), 5,
                                   [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(cells))])
    if kind == "dictionary":  # as pandas writes a categorical column
        broken = pa.DictionaryArray.from_arrays(pa.array(range(5), type=pa.int32()), broken)
    pq.write_table(table.set_column(names.index(column), column, broken), tmp_path / "log.parquet")
    known = column in ("case_id", "category")
    what = f"'{column}'" if known else f"number {len(names)} of the file"
    with pytest.raises(CaseLogError, match=rf"found a cell that is not UTF-8 in column {what};") as caught:
        load_case_log(tmp_path / "log.parquet", CaseLogSettings(path="log.parquet"))
    assert NAME not in str(caught.value) and PHONE not in str(caught.value) and EMAIL not in str(caught.value)


def test_a_parquet_file_holding_more_rows_than_its_footer_says_is_refused_past_max_rows(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    path = _write(tmp_path / "log.csv", [HEADER, *(ROW.format(id=f"C{i}") for i in range(11))])
    pd.read_csv(path, dtype=str, keep_default_na=False).to_parquet(tmp_path / "log.parquet")

    class Understated:  # a footer giving fewer rows than its row groups hold
        num_rows = 1

    class File(pq.ParquetFile):
        @property
        def metadata(self):  # type: ignore[override]
            return Understated()

    monkeypatch.setattr(pq, "ParquetFile", File)
    monkeypatch.setattr(pq, "read_metadata", lambda *args, **kwargs: Understated())
    with pytest.raises(CaseLogError, match=r"expected at most 10 rows \(case_log.max_rows\), found more"):
        load_case_log(tmp_path / "log.parquet", CaseLogSettings(path="log.parquet", max_rows=10))


def test_a_parquet_name_not_utf8_is_not_spoken_of_as_the_csv_encoding(tmp_path, monkeypatch):
    path = _write(tmp_path / "log.csv", [HEADER, ROW.format(id="C1")])
    pd.read_csv(path, dtype=str, keep_default_na=False).to_parquet(tmp_path / "log.parquet")

    def fails(*args, **kwargs):
        raise UnicodeDecodeError("utf-8", b"ch\xffnnel", 2, 3, "invalid start byte")

    monkeypatch.setattr(pd, "read_parquet", fails)
    with pytest.raises(CaseLogError, match=r"expected UTF-8 text in the parquet file's names and text") as caught:
        load_case_log(tmp_path / "log.parquet", CaseLogSettings(path="log.parquet"))
    assert "case_log.encoding" not in str(caught.value) and "offset" not in str(caught.value)


def test_dropped_column_names_that_may_be_contact_details_are_not_shown(tmp_path):
    from audit_lib.workbook.views import shown_column_names

    assert shown_column_names(["Tenant Name", "Email", f"{NAME} {PHONE}", EMAIL, f"{ADDRESS}, LS1 4AP"]) == [
        "Tenant Name", "Email", "3 column(s) whose names are not shown (they may hold contact details)"]
    assert shown_column_names(["Tenant Name"]) == ["Tenant Name"]


def test_the_checks_before_parsing_are_made_on_the_bytes_parsed(tmp_path, monkeypatch):
    """The file on disk is a short ordinary export; the bytes read (the file replaced as it was
    read) are a workbook, or too many rows: refused, as the bytes read are what is parsed."""
    from audit_lib.cases import read

    path = _write(tmp_path / "log.csv", [HEADER, ROW.format(id="C1")])
    many = ("\n".join([HEADER, *(ROW.format(id=f"C{i}") for i in range(20))]) + "\n").encode()
    read_bytes = Path.read_bytes
    for swapped, message in ((b"PK\x03\x04" + path.read_bytes(), r"expected CSV text, found an Excel workbook"),
                             (many, r"expected at most 10 rows \(case_log.max_rows\), found more")):
        monkeypatch.setattr(Path, "read_bytes", lambda self, swapped=swapped: swapped if self == path else read_bytes(self))
        with pytest.raises(CaseLogError, match=message):
            read.read_bytes(path, CaseLogSettings(path="log.csv", max_rows=10))


def test_stats_with_header_row_0_is_one_line_and_exit_2(tmp_path):
    path = _write(tmp_path / "log.csv", [HEADER, ROW.format(id="C1")])
    done = subprocess.run([sys.executable, "-m", "audit_lib.cli", "stats", "--cases", str(path), "--homes", "10",
                           "--period", "2024-25", "--header-row", "0"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "header-row" in done.stderr or "header_row" in done.stderr


# --------------------------------------------------------------------------- the whole product

def _planted_export(original: Path) -> tuple[str, set[str]]:
    """The demo landlord's export with personal data planted in every column, mapped and unmapped,
    and ragged rows; returns the text and every personal value of the original unmapped columns."""
    rows = list(csv.reader(io.StringIO(original.read_text(encoding="utf-8"))))
    header, data = rows[0], rows[1:]
    unmapped = ("Tenant Name", "Address", "Email", "Phone")
    originals = {row[header.index(c)] for row in data for c in unmapped} - {""}
    column = {name: header.index(name) for name in header}
    step = len(data) // 50
    for i, row in enumerate(data[step::step][:48]):  # planted free text, bad dates and amounts in mapped columns
        value = PLANTED[i % len(PLANTED)]
        target = header[5 + i % (len(header) - 5)]
        row[column[target]] = f"{value} (see notes)" if i % 2 else value
    data[400][column["Not Accepted Reason"]] = f"Abusive calls from {NAME}, {PHONE}"
    data[401][column["Complaint Category"]] = f"{ADDRESS} damp"
    data[402][column["Contact Channel"]] = EMAIL
    data[403][column["Stage 1 Officer"]] = NAME
    data[404][column["Complaint Ref"]] = f"{NAME} {DOB}"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for i, row in enumerate(data):
        row[column["Tenant Name"]] = f"{NAME} {i}" if i % 7 == 0 else row[column["Tenant Name"]]
        writer.writerow(row + ([f"Mrs {NAME} lives alone, DOB {DOB}, {PHONE}"] if i == 0 else []))
    text = out.getvalue()
    lines = text.splitlines()
    # an unquoted comma in an address shifts the telephone number into a mapped column
    lines[60] = lines[60].replace('"', "", 2) if lines[60].count('"') >= 2 else lines[60] + f",{PHONE}"
    lines[61] = lines[61] + f",{EMAIL},{ADDRESS}"
    return "\n".join(lines) + "\n", originals


@pytest.mark.slow
def _text_of(path: Path) -> str:
    """A file's text; for a Word or Excel file, the text of every part of its package."""
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as package:
            return "\n".join(package.read(name).decode("utf-8", errors="replace") for name in package.namelist())
    return path.read_text(encoding="utf-8", errors="replace")


def test_planted_personal_data_reaches_no_output_and_no_terminal(tmp_path):
    inputs = tmp_path / "inputs"
    shutil.copytree(DEMO_INPUTS, inputs)
    export = inputs / "riverbend-homes" / "complaints_export_2024-25.csv"
    text, originals = _planted_export(export)
    export.write_text(text, encoding="utf-8")
    outputs = tmp_path / "outputs"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    commands = [
        ["run", "riverbend-homes", "--period", "2024-25", "--inputs", str(inputs), "--outputs", str(outputs),
         "--workers", "1", "--as-of", "2025-06-30"],
        ["stats", "riverbend-homes", "--period", "2024-25", "--inputs", str(inputs)],
        ["stats", "riverbend-homes", "--period", "2024-25", "--inputs", str(inputs), "--json"],
        ["stats", "--cases", str(export), "--homes", "100", "--period", "2024-25", "--header-row", "2"],
        *(["export", "riverbend-homes", "--period", "2024-25", "--format", fmt, "--inputs", str(inputs),
           "--outputs", str(outputs)] for fmt in ("docx", "xlsx", "csv", "summary")),
    ]
    terminal = []
    for args in commands:
        done = subprocess.run([sys.executable, "-m", "audit_lib.cli", *args], capture_output=True, text=True,
                              timeout=900, env=env, cwd=tmp_path)
        terminal.append((args[0], done.returncode, done.stdout + done.stderr))
    assert terminal[0][1] in (0, 1), terminal[0][2][-3000:]
    assert terminal[1][1] == 0 and terminal[2][1] == 0, terminal[1][2][-2000:]
    assert terminal[3][1] == 2 and "Traceback" not in terminal[3][2]  # a data row taken as the header
    landlord = outputs / "2024-25" / "riverbend-homes"
    files = [p for p in outputs.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"self_assessment.html", "self_assessment.ipynb", "metrics.json", "run.json", "index.html",
            "group_summary.ipynb"} <= names, sorted(names)
    assert (landlord / "metrics.json").is_file()
    report = (landlord / "self_assessment.html").read_text(encoding="utf-8")
    # the ragged rows (a notes field in the first data row, an unquoted comma, extra fields) are listed
    # by row and reason; free text in the category, channel and refusal reason columns is grouped
    ragged = re.findall(r'<tr data-code="ragged-row"><td class="num">(\d+)</td><td></td><td></td><td></td>', report)
    assert ragged == ["2", "61", "62"], ragged
    assert "<td>Other</td>" in report
    assert {"self_assessment.docx", "self_assessment.xlsx", "self_assessment.csv",
            "summary_for_residents.html"} <= names, sorted(names)
    assert all(code == 0 for command, code, _ in terminal if command == "export"), terminal[4:]
    for path in files:
        content = _text_of(path)
        _no_telltale(content, str(path.relative_to(outputs)))
        leaked = sorted(value for value in originals if value in content)
        assert not leaked, f"{path.name} holds values of the export's personal-data columns: {leaked[:5]}"
    for command, _code, output in terminal:
        _no_telltale(output, f"the terminal output of chc-audit {command}")
        assert not [value for value in originals if value in output], command
