"""Validation's whole-column shortcuts give what the cell-by-cell definitions give.

Text columns are checked once per distinct value (:func:`distinct_text`), case references
that may repeat are found by hashing Arrow's buffers (:func:`_repeated`), and a Parquet file's
text columns are read as categorical; none of this may change a case, an exclusion or a figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from audit_lib.cases.load import load_case_log
from audit_lib.cases.read import as_text
from audit_lib.cases.settings import CaseLogSettings
from audit_lib.cases.validate import _repeated, distinct_text

CELLS = ["A", " A", "A ", "", None, "b  c", "B  C", "\tx\n", "x", "é", " é", "A"]


@pytest.mark.parametrize("series", [
    pd.Series(CELLS, dtype=str),
    pd.Series(CELLS, dtype="category"),
    pd.Series([*CELLS, 3, 2.5], dtype=object),
    pd.Series([], dtype=str),
], ids=["text", "categorical", "objects", "empty"])
def test_distinct_text_spreads_back_to_as_text(series: pd.Series) -> None:
    codes, values = distinct_text(series)
    assert list(values[codes]) == list(as_text(series))
    assert "" in set(values) and len(set(values)) == len(values)  # distinct, the blank among them


def _text(ids: list[str], chunks: int = 1) -> pd.Series:
    parts = np.array_split(np.array(ids, dtype=object), chunks)
    array = pa.chunked_array([pa.array(list(p), type=pa.large_string()) for p in parts], type=pa.large_string())
    return pd.Series(pd.array(array, dtype=str))


def test_repeated_finds_exactly_the_repeated_references() -> None:
    # worked by hand: "CASE-0000001-A" and "CASE-0000001-B" share their first 8 bytes and their
    # length, "" repeats, "x" and "x " differ; only "CASE-0000001-A", "" and "é" occur twice
    ids = ["CASE-0000001-A", "CASE-0000001-B", "", "x", "x ", "CASE-0000001-A", "", "é", "é", "short"]
    expected = [True, False, True, False, False, True, True, True, True, False]
    for chunks in (1, 3):
        assert _repeated(_text(ids, chunks)).tolist() == expected


def test_repeated_agrees_with_pandas_on_random_references() -> None:
    rng = np.random.default_rng(9)
    ids = [f"R{n:0{width}d}" for n, width in zip(rng.integers(0, 3000, 5000), rng.integers(1, 30, 5000))]
    series = _text(ids, 4)
    assert _repeated(series).tolist() == series.duplicated(keep=False).tolist()
    sliced = series.iloc[1000:4000].reset_index(drop=True)  # an Arrow array with an offset
    assert _repeated(sliced).tolist() == sliced.duplicated(keep=False).tolist()


def test_parquet_text_read_as_categorical_gives_the_csv_result(tmp_path) -> None:
    frame = pd.DataFrame({
        "case_id": [" C1", "C2", "C2", "C3", "", "C5", "C6", "C6"],
        "received": ["01/04/2024", "02/04/2024", "02/04/2024", "31/02/2024", "03/04/2024", " 2024-04-05 ",
                     "08/04/2024", "08/04/2024"],
        "stage1_acknowledged": ["02/04/2024", "", "03/04/2024", "", "", "", "09/04/2024", "10/04/2024"],
        "stage1_responded": ["", "", "", "", "", "", "", ""],
        "stage1_extension_days": ["", " 5", "5", "x", "", "", "", ""],
        "stage2_requested": [""] * 8, "stage2_acknowledged": [""] * 8, "stage2_responded": [""] * 8,
        "stage2_extension_days": [""] * 8,
        "stage1_outcome": ["Upheld ", "RESOLVED", "", "", "", "partly  upheld", "", ""],
        "stage2_outcome": [""] * 8,
        "category": ["Repairs", " repairs", "Repairs", "Noise", "", "Damp", "Repairs", "Repairs"],
        "refused_reason": [""] * 8, "ombudsman_outcome": ["", "", "", "", "", "Maladministration", "", ""],
        "compensation": ["£1,000", "", "", "abc", "", "12.5", "", ""],
        "remedy": ["Apology", "none", "", "", "", "N/A", "", ""],
    })
    (tmp_path / "log.csv").write_text(frame.to_csv(index=False))
    frame.to_parquet(tmp_path / "log.parquet")
    csv = load_case_log(tmp_path / "log.csv", CaseLogSettings(path="log.csv"))
    parquet = load_case_log(tmp_path / "log.parquet", CaseLogSettings(path="log.parquet"))
    pd.testing.assert_frame_equal(parquet.cases, csv.cases, check_exact=True)
    pd.testing.assert_frame_equal(parquet.exclusions, csv.exclusions, check_exact=True)
    # worked by hand: C1, C2 (two copies: one complaint), C5, C6 (copies differing in one step: one);
    # C3 (no such date received) and the row without a reference are excluded whole
    assert csv.cases["case_id"].tolist() == ["C1", "C2", "C5", "C6"]
