"""CSV exports are read by Arrow's parser exactly as the record-by-record reader reads them.

``_read_csv_arrow`` must either decline a file (``None``: the record-by-record reader
``_read_csv_rows`` reads it and reports any fault) or return the very frame that reader gives,
with the same ragged rows (more fields than the header) and short rows (fewer), by position;
on well-formed files both give what ``pd.read_csv`` gives: same column names, values, dtypes
and row index. The one difference is how a column's text is held: Arrow's reader holds each
column mapped to a canonical or optional column other than the case reference as its distinct
values and codes (categorical, as a Parquet file's text columns are read), so it is compared
written out as text, and it is checked that exactly those columns are categorical.
"""

from __future__ import annotations

import contextlib
import random
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from audit_lib.cases.read import _read_csv_arrow, _read_csv_rows
from audit_lib.cases.schema import CANONICAL_COLUMNS, OPTIONAL_COLUMNS
from audit_lib.cases.settings import CaseLogSettings
from audit_lib.config.landlords import load_landlord
from audit_lib.errors import CaseLogError
from tests.demo import DEMO_INPUTS

from .conftest import DEMO_IDS

ARROW_TEXT = isinstance(pd.Series([], dtype=str).dtype, pd.StringDtype)


def pandas_reads(path: Path, header_row: int = 1, encoding: str = "utf-8-sig") -> pd.DataFrame | Exception:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.read_csv(path, dtype=str, keep_default_na=False, skiprows=header_row - 1, encoding=encoding,
                               skip_blank_lines=False)
    except Exception as exc:
        return exc


#: Header names mapped onto columns held as codes (categorical) by Arrow's reader, and one onto the
#: case reference (held as text): the crafted files' and the random files' names.
CODED = {"a": "category", "b": "channel", "c": "case_id", "c0": "stage1_outcome", "c1": "case_id",
         "c2": "received", "c3": "remedy"}


def coded_columns(names: list[str], settings: CaseLogSettings) -> list[str]:
    """The columns Arrow's reader holds as codes: mapped to a canonical or optional column other
    than the case reference."""
    mapping = {source.strip(): target for source, target in settings.columns.items()}
    known = {*CANONICAL_COLUMNS, *OPTIONAL_COLUMNS} - {"case_id"}
    return [name for name in names if mapping.get(name, name) in known]


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with each categorical column written out as text (the record-by-record reader's dtype)."""
    text = pd.Series([], dtype=str).dtype
    return frame.assign(**{name: frame[name].astype(text) for name in frame.columns
                           if isinstance(frame[name].dtype, pd.CategoricalDtype)})


def same_as_reference(path: Path, header_row: int = 1, encoding: str = "utf-8-sig", pandas: bool = False,
                      columns: dict[str, str] | None = None) -> str:
    """'arrow' when Arrow read the file exactly as the record-by-record reader does (and, with
    ``pandas``, as pandas does), 'declined' when it left it to that reader. ``columns`` maps header
    names to canonical names (so some columns are held as codes)."""
    settings = CaseLogSettings(path=path.name, header_row=header_row, encoding=encoding, columns=columns or {})
    fast = _read_csv_arrow(path, settings)
    if fast is None:
        # the record-by-record reader reads it, or says why not in a way read_table turns into one line
        with contextlib.suppress(pd.errors.ParserError, pd.errors.EmptyDataError, CaseLogError, UnicodeDecodeError):
            _read_csv_rows(path, settings)
        return "declined"
    rows = _read_csv_rows(path, settings)
    assert isinstance(fast.frame.index, pd.RangeIndex)
    coded = [name for name in fast.frame.columns if isinstance(fast.frame[name].dtype, pd.CategoricalDtype)]
    assert coded == coded_columns(list(fast.frame.columns), settings)
    assert not any(fast.frame[name].isna().any() for name in coded)  # every cell one of the distinct values
    read = as_text(fast.frame)
    pd.testing.assert_frame_equal(read, rows.frame, check_exact=True)
    np.testing.assert_array_equal(fast.ragged, rows.ragged)
    np.testing.assert_array_equal(fast.short, rows.short)
    if pandas:
        expected = pandas_reads(path, header_row, encoding)
        assert not isinstance(expected, Exception), f"pandas refuses the file ({expected!r}) but Arrow read it"
        assert not len(fast.ragged) and not len(fast.short)
        assert list(read.dtypes) == list(expected.dtypes)
        pd.testing.assert_frame_equal(read, expected, check_exact=True)
    return "arrow"


H = "a,b,c\n"
CASES = {
    # read by Arrow, as pandas reads them
    "plain": (H + "1,2,3\n4,5,6\n", "pandas"),
    "no final newline": (H + "1,2,3\n4,5,6", "pandas"),
    "blank lines": (H + "1,2,3\n\n4,5,6\n\n", "pandas"),
    "crlf": ("a,b,c\r\n1,2,3\r\n\r\n4,5,6\r\n", "pandas"),
    "delimiters only": (H + "1,2,3\n,,\n", "pandas"),
    "quoted comma and pounds": (H + '1,"£1,234.56",3\n', "pandas"),
    "quoted newline": (H + '1,"x\ny",3\n4,5,6\n', "pandas"),
    "escaped quotes": (H + '1,"say ""hi""",3\n', "pandas"),
    "text after a closing quote": (H + '1,"ab"c,3\n', "pandas"),
    "quote inside a field": (H + '1,ab"c,3\n', "pandas"),
    "spaces kept": (H + " 1 , 2 ,3 \n", "pandas"),
    "NA-like words kept": (H + "NA,N/A,null\n", "pandas"),
    "unicode": (H + "é,ü,€\n", "pandas"),
    "byte-order mark": ("\ufeff" + H + "1,2,3\n", "pandas"),
    "quoted header": ('"a",b,c\n1,2,3\n', "pandas"),
    "trailing delimiter": ("a,b,c\n1,2,3,\n", "arrow"),  # pandas takes the first column as the index
    # read by Arrow, noting rows with another number of fields than the header
    "whitespace line": (H + "1,2,3\n   \n", "arrow"),
    "short row": (H + "1,2\n", "arrow"),
    "short rows among others": (H + "1,2,3\n4\n\n7,8\n9,10,11\n", "arrow"),
    "short row with a quoted newline": (H + '1,"x\ny"\n4,5,6\n', "arrow"),
    "long row": (H + "1,2,3,4\n", "arrow"),
    "long rows after quoted newlines": (H + '1,"x\ny",3\n4,5,6,7\n"p\nq",8,9\n1,2,3,4,5\n6,7,8\n', "arrow"),
    "trailing delimiter on some rows": ("a,b,c\n1,2,3\n4,5,6,\n", "arrow"),
    "blank header name": ("a,,c\n1,2,3\n", "arrow"),
    # left to the record-by-record reader
    "quote open at the end": (H + '1,2,"3\n4,5,6\n', "declined"),
    "quote open at the end of a short row": (H + '1,2,3\n1,"2\n', "declined"),
    "lone carriage returns": ("a,b,c\r1,2,3\r", "declined"),
    "header only": (H, "declined"),
    "repeated header": ("a,a,c\n1,2,3\n", "declined"),
    "one column": ("a\n1\n\n2\n", "declined"),
    "NUL byte": (H + "1,\x00,3\n", "declined"),
}


@pytest.mark.skipif(not ARROW_TEXT, reason="text columns are not Arrow-backed in this pandas")
@pytest.mark.parametrize("coded", [False, True], ids=["text", "coded"])
@pytest.mark.parametrize("name", list(CASES))
def test_crafted_files(tmp_path: Path, name: str, coded: bool) -> None:
    text, expected = CASES[name]
    path = tmp_path / "cases.csv"
    path.write_bytes(text.encode("utf-8"))
    assert same_as_reference(path, pandas=expected == "pandas", columns=CODED if coded else None) \
        == ("declined" if expected == "declined" else "arrow")


@pytest.mark.skipif(not ARROW_TEXT, reason="text columns are not Arrow-backed in this pandas")
def test_faulty_files_are_read_by_arrow(tmp_path: Path) -> None:
    """A quoted header, a ragged row, rows leaving out trailing empty fields, another encoding and
    a cell over the csv module's 128 KB limit are read by Arrow's parser, not record by record."""
    header = '"case_id",received,notes\n'
    path = tmp_path / "cases.csv"
    for text, encoding in ((header + "C1,01/04/2024,x\nC2,02/04/2024\n", "utf-8"),
                           ("case_id,received,notes\nC1,01/04/2024,x,Leeds\nC2,02/04/2024,y\n", "utf-8"),
                           ("case_id,received,notes\nC1,01/04/2024\nC2\nC3,03/04/2024,z\n", "utf-8"),
                           ("case_id,received,notes\nC1,01/04/2024,Café\n", "cp1252"),
                           (header + 'C1,01/04/2024,"' + "n" * 200_000 + '"\n', "utf-8")):
        path.write_bytes(text.encode(encoding))
        settings = CaseLogSettings(path=path.name, encoding=encoding)
        read = _read_csv_arrow(path, settings)
        assert read is not None, text[:60]
        assert [name for name in read.frame.columns if isinstance(read.frame[name].dtype, pd.CategoricalDtype)] \
            == ["received"]  # a canonical column held as codes; the case reference and an unknown column as text
        pd.testing.assert_frame_equal(as_text(read.frame), _read_csv_rows(path, settings).frame, check_exact=True)


@pytest.mark.skipif(not ARROW_TEXT, reason="text columns are not Arrow-backed in this pandas")
def test_title_lines_and_other_encodings(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("Register, 2024\n\nExported 04/04/2025\na,b\n1,2\n", encoding="utf-8")
    assert same_as_reference(path, header_row=4, pandas=True) == "arrow"
    path.write_text('Register "Q1"\na,b\n1,2\n', encoding="utf-8")
    assert same_as_reference(path, header_row=2) == "arrow"  # quotes above the header: read as the csv module does
    path.write_text('"Register\nQ1"\na,b\n1,2\n3\n', encoding="utf-8")
    assert same_as_reference(path, header_row=2) == "arrow"  # a title record over two lines
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert same_as_reference(path, header_row=5) == "declined"  # no header at that line
    path.write_bytes("a,b\nCafé,2\n".encode("cp1252"))
    assert same_as_reference(path, encoding="cp1252", pandas=True) == "arrow"
    assert same_as_reference(path) == "declined"  # not UTF-8: the record-by-record reader reports it
    path.write_bytes(("\ufeff" + "a,b\n1,2\n").encode("utf-8"))
    assert same_as_reference(path, encoding="utf-8") == "arrow"


@pytest.mark.skipif(not ARROW_TEXT, reason="text columns are not Arrow-backed in this pandas")
@pytest.mark.parametrize("landlord_id", DEMO_IDS)
def test_demo_exports_are_read_by_arrow(landlord_id: str) -> None:
    landlord = load_landlord(DEMO_INPUTS, landlord_id)
    settings = landlord.config.case_log
    assert same_as_reference(landlord.case_log_path, settings.header_row, settings.encoding, pandas=True,
                             columns=settings.columns) == "arrow"


@pytest.mark.skipif(not ARROW_TEXT, reason="text columns are not Arrow-backed in this pandas")
def test_random_files(tmp_path: Path) -> None:
    """Rows of random fields (plain, quoted with commas, line breaks and escaped quotes, stray
    quotes, unquoted commas and line breaks: rows with more or fewer fields than the header),
    LF or CRLF, with and without trailing blank lines, some with a quoted header."""
    rng = random.Random(2024)
    coded = random.Random(7)  # half the files read with some columns held as codes

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
    for _ in range(1000):
        columns = rng.randint(2, 4)
        newline = rng.choice(["\n", "\r\n"])
        rows = [",".join(field() for _ in range(columns + rng.choice([0, 0, 0, -1, 1]))) for _ in range(rng.randint(0, 6))]
        header = ",".join(f'"c{k}"' if rng.random() < 0.2 else f"c{k}" for k in range(columns))
        text = header + newline + newline.join(rows)
        path.write_bytes((text + rng.choice(["", newline, newline * 2])).encode("utf-8"))
        outcomes[same_as_reference(path, columns=CODED if coded.random() < 0.5 else None)] += 1
    assert outcomes["arrow"] > 300 and outcomes["declined"] > 20, outcomes
