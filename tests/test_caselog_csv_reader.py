"""CSV exports are read by Arrow's parser when it gives exactly what the pandas parser gives.

``_read_csv_arrow`` must either decline a file (``None``: the record-by-record reader
``_read_csv_rows`` reads it and reports any fault) or return the very frame ``pd.read_csv``
would: same column names, values, dtypes and row index; on those files the record-by-record
reader gives the same frame too.
"""

from __future__ import annotations

import contextlib
import random
import warnings

import pandas as pd
import pytest

from audit_lib.cases.read import _read_csv_arrow, _read_csv_rows
from audit_lib.cases.settings import CaseLogSettings
from audit_lib.config.landlords import load_landlord
from audit_lib.errors import CaseLogError
from tests.demo import DEMO_INPUTS

from .conftest import DEMO_IDS

ARROW_TEXT = isinstance(pd.Series([], dtype=str).dtype, pd.StringDtype)


def pandas_reads(path, header_row=1, encoding="utf-8-sig"):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.read_csv(path, dtype=str, keep_default_na=False, skiprows=header_row - 1, encoding=encoding,
                               skip_blank_lines=False)
    except Exception as exc:
        return exc


def same_as_pandas(path, header_row=1, encoding="utf-8-sig") -> str:
    """'arrow' when Arrow read the file exactly as pandas does, 'declined' when it left it to pandas."""
    fast = _read_csv_arrow(path, CaseLogSettings(path=path.name, header_row=header_row, encoding=encoding))
    if fast is None:
        # the record-by-record reader reads it, or says why not in a way read_table turns into one line
        with contextlib.suppress(pd.errors.ParserError, pd.errors.EmptyDataError, CaseLogError, UnicodeDecodeError):
            _read_csv_rows(path, CaseLogSettings(path=path.name, header_row=header_row, encoding=encoding))
        return "declined"
    expected = pandas_reads(path, header_row, encoding)
    assert not isinstance(expected, Exception), f"pandas refuses the file ({expected!r}) but Arrow read it"
    assert isinstance(expected.index, pd.RangeIndex)
    assert list(fast.columns) == list(expected.columns)
    assert list(fast.dtypes) == list(expected.dtypes)
    pd.testing.assert_frame_equal(fast, expected, check_exact=True)
    # the record-by-record reader (every file Arrow declines) reads a well-formed file the same way
    rows, ragged = _read_csv_rows(path, CaseLogSettings(path=path.name, header_row=header_row, encoding=encoding))
    assert not len(ragged)
    pd.testing.assert_frame_equal(rows, fast, check_exact=True)
    return "arrow"


H = "a,b,c\n"
CASES = {
    # read by Arrow
    "plain": (H + "1,2,3\n4,5,6\n", "arrow"),
    "no final newline": (H + "1,2,3\n4,5,6", "arrow"),
    "blank lines": (H + "1,2,3\n\n4,5,6\n\n", "arrow"),
    "crlf": ("a,b,c\r\n1,2,3\r\n\r\n4,5,6\r\n", "arrow"),
    "delimiters only": (H + "1,2,3\n,,\n", "arrow"),
    "quoted comma and pounds": (H + '1,"£1,234.56",3\n', "arrow"),
    "quoted newline": (H + '1,"x\ny",3\n4,5,6\n', "arrow"),
    "escaped quotes": (H + '1,"say ""hi""",3\n', "arrow"),
    "text after a closing quote": (H + '1,"ab"c,3\n', "arrow"),
    "quote inside a field": (H + '1,ab"c,3\n', "arrow"),
    "spaces kept": (H + " 1 , 2 ,3 \n", "arrow"),
    "NA-like words kept": (H + "NA,N/A,null\n", "arrow"),
    "unicode": (H + "é,ü,€\n", "arrow"),
    "byte-order mark": ("\ufeff" + H + "1,2,3\n", "arrow"),
    # left to pandas
    "quote open at the end": (H + '1,2,"3\n4,5,6\n', "declined"),
    "lone carriage returns": ("a,b,c\r1,2,3\r", "declined"),
    "whitespace line": (H + "1,2,3\n   \n", "declined"),
    "short row": (H + "1,2\n", "declined"),
    "long row": (H + "1,2,3,4\n", "declined"),
    "trailing delimiter": ("a,b,c\n1,2,3,\n", "declined"),
    "header only": (H, "declined"),
    "repeated header": ("a,a,c\n1,2,3\n", "declined"),
    "blank header name": ("a,,c\n1,2,3\n", "declined"),
    "quoted header": ('"a",b,c\n1,2,3\n', "declined"),
    "one column": ("a\n1\n\n2\n", "declined"),
    "NUL byte": (H + "1,\x00,3\n", "declined"),
}


@pytest.mark.skipif(not ARROW_TEXT, reason="text columns are not Arrow-backed in this pandas")
@pytest.mark.parametrize("name", list(CASES))
def test_crafted_files(tmp_path, name):
    text, expected = CASES[name]
    path = tmp_path / "cases.csv"
    path.write_bytes(text.encode("utf-8"))
    assert same_as_pandas(path) == expected


@pytest.mark.skipif(not ARROW_TEXT, reason="text columns are not Arrow-backed in this pandas")
def test_title_lines_and_other_encodings(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("Register, 2024\n\nExported 04/04/2025\na,b\n1,2\n", encoding="utf-8")
    assert same_as_pandas(path, header_row=4) == "arrow"
    path.write_text('Register "Q1"\na,b\n1,2\n', encoding="utf-8")
    assert same_as_pandas(path, header_row=2) == "declined"  # quotes above the header
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert same_as_pandas(path, header_row=5) == "declined"  # no header at that line
    path.write_bytes("a,b\nCafé,2\n".encode("cp1252"))
    assert same_as_pandas(path, encoding="cp1252") == "declined"
    assert same_as_pandas(path) == "declined"  # not UTF-8: pandas reports it
    path.write_bytes(("\ufeff" + "a,b\n1,2\n").encode("utf-8"))
    assert same_as_pandas(path, encoding="utf-8") == "declined"


@pytest.mark.skipif(not ARROW_TEXT, reason="text columns are not Arrow-backed in this pandas")
@pytest.mark.parametrize("landlord_id", DEMO_IDS)
def test_demo_exports_are_read_by_arrow(landlord_id):
    landlord = load_landlord(DEMO_INPUTS, landlord_id)
    settings = landlord.config.case_log
    assert same_as_pandas(landlord.case_log_path, settings.header_row, settings.encoding) == "arrow"


@pytest.mark.skipif(not ARROW_TEXT, reason="text columns are not Arrow-backed in this pandas")
def test_random_files(tmp_path):
    """Rows of random fields (plain, quoted with commas, line breaks and escaped quotes, stray
    quotes), LF or CRLF, with and without trailing blank lines."""
    rng = random.Random(2024)

    def field() -> str:
        r = rng.random()
        if r < 0.4:
            return "".join(rng.choice(["a", "é", " ", "1", "/", "\t", "'"]) for _ in range(rng.randint(0, 4)))
        if r < 0.75:
            inner = "".join(rng.choice(["a", ",", "\n", '""', " ", "\r\n", "é"]) for _ in range(rng.randint(0, 5)))
            return '"' + inner + '"' + rng.choice(["", "", "x", " "])
        return "".join(rng.choice(["a", ",", "\n", "\r\n", '"', '""', " "]) for _ in range(rng.randint(0, 4)))

    path = tmp_path / "cases.csv"
    outcomes = {"arrow": 0, "declined": 0}
    for _ in range(600):
        columns = rng.randint(2, 4)
        newline = rng.choice(["\n", "\r\n"])
        rows = [",".join(field() for _ in range(columns)) for _ in range(rng.randint(0, 4))]
        text = ",".join(f"c{k}" for k in range(columns)) + newline + newline.join(rows)
        path.write_bytes((text + rng.choice(["", newline, newline * 2])).encode("utf-8"))
        outcomes[same_as_pandas(path)] += 1
    assert outcomes["arrow"] > 100 and outcomes["declined"] > 100, outcomes
