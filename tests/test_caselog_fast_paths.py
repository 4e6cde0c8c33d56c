"""Loading's shortcuts for large logs give what the general code gives, value for value.

Real date columns already at midnight in the calendar's years are taken as they are; whole
numbers are checked without a round trip through floats; a CSV file's columns are held as
categories by Arrow's reader and as text by the record-by-record one; the unknown fields are
named from the few complaints that have any; large logs' text columns are written out in worker
threads; Arrow's buffers come from the system allocator while a log loads. None of this may
change a case (values and column types), an exclusion or a figure.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import audit_lib.cases.read as read
import audit_lib.cases.validate as validate_module
from audit_lib.cases.load import load_case_log
from audit_lib.cases.settings import CaseLogSettings
from audit_lib.cases.validate import _parse_dates, _plain_ids, parse_dates, presence, shown_case_id, validate
from audit_lib.config.landlords import load_landlord
from tests.demo import DEMO_INPUTS

from .conftest import DEMO_IDS

DAY = pd.Timestamp("2024-04-01")


def _dates(values: list[object], unit: str = "ns") -> pd.Series:
    return pd.Series(pd.to_datetime(pd.Series(values)).to_numpy().astype(f"datetime64[{unit}]"))


@pytest.mark.parametrize("series", [
    _dates([DAY, DAY + pd.Timedelta(days=3), None, DAY]),  # taken as they are
    _dates([None, None]),
    _dates([DAY, DAY + pd.Timedelta(hours=13)]),  # a time of day: parsed
    _dates([DAY, pd.Timestamp("1999-12-31")]),  # outside the calendar's years: bad
    _dates([DAY, pd.Timestamp("2101-01-01")]),
    _dates([DAY, DAY], unit="us"),
    pd.Series(pd.to_datetime([DAY, DAY]).tz_localize("UTC")),
], ids=["midnights", "blank", "time", "early", "late", "microseconds", "zoned"])
def test_real_dates_parse_as_before(series: pd.Series) -> None:
    days, bad = parse_dates(series)
    expected_days, expected_bad = _parse_dates(series)
    pd.testing.assert_series_equal(days, expected_days, check_names=False)
    pd.testing.assert_series_equal(bad, expected_bad, check_names=False)


def _frame(rows: int = 9) -> pd.DataFrame:
    """A mapped log with a problem of most kinds, numbers as real numbers."""
    day = np.datetime64("2024-04-01", "ns") + np.arange(rows).astype("timedelta64[D]")
    nat = np.datetime64("NaT", "ns")
    return pd.DataFrame({
        "_row": np.arange(rows) + 2,
        "case_id": [f"C{k}" for k in range(rows - 2)] + ["C1", ""],
        "received": day,
        "stage1_acknowledged": np.where(np.arange(rows) == 3, day - np.timedelta64(2, "D"), day),
        "stage1_responded": np.where(np.arange(rows) % 2 == 0, day + np.timedelta64(9, "D"), nat),
        "stage1_extension_days": pd.array([None, 5, -1, 500, 10, None, 0, 7, 3], dtype="Int64")[:rows],
        "stage2_requested": np.full(rows, nat), "stage2_acknowledged": np.full(rows, nat),
        "stage2_responded": np.full(rows, nat),
        "stage2_extension_days": np.zeros(rows, dtype=np.int64),
        "stage1_outcome": ["upheld", "Resolved", "", "not upheld", "", "upheld", "", "", ""][:rows],
        "stage2_outcome": [""] * rows,
        "category": ["Repairs", "repairs ", "Noise", "Repairs", "", "Damp", "Repairs", "Noise", "x"][:rows],
        "refused_reason": [""] * rows,
        "ombudsman_outcome": ["", "", "Maladministration", "", "", "", "", "", ""][:rows],
        "compensation": np.array([0, 12.5, -3, np.inf, np.nan, 0, 0, 0, 0], dtype=float)[:rows],
        "remedy": ["Apology", "none", "", "", "n/a", "", "", "", ""][:rows],
    })


def _validated(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return validate(frame, {"resolved": "upheld"}, rare_below=2)


def test_numbers_given_as_text_or_numbers_give_the_same_result() -> None:
    typed = _frame()
    text = typed.copy()
    for column in ("stage1_extension_days", "stage2_extension_days", "compensation"):
        text[column] = typed[column].astype(object).where(typed[column].notna(), "").astype(str)
    for got, expected in zip(_validated(typed), _validated(text)):
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
    cases, exclusions = _validated(typed)
    assert cases["stage1_extension_days"].dtype == np.int64 and cases["compensation"].dtype == np.float64
    assert {"negative-extension", "extension-too-long", "bad-amount", "negative-amount"} <= set(exclusions["code"])


def test_text_and_categorical_cells_give_the_same_result() -> None:
    """What Arrow's CSV reader holds as categories and the record-by-record reader as text."""
    text = _frame()
    for column in text.columns:
        if column != "_row":
            text[column] = text[column].astype(object).where(text[column].notna(), "").astype(str)
    coded = text.copy()
    for column in coded.columns:
        if column not in ("_row", "case_id"):
            coded[column] = coded[column].astype("category")
    for got, expected in zip(_validated(coded), _validated(text)):
        pd.testing.assert_frame_equal(got, expected, check_exact=True)


@pytest.mark.parametrize("landlord_id", DEMO_IDS)
def test_csv_read_by_either_reader_gives_the_same_log(landlord_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    landlord = load_landlord(DEMO_INPUTS, landlord_id)
    fast = load_case_log(landlord.case_log_path, landlord.config.case_log)
    monkeypatch.setattr(read, "_read_csv_arrow", lambda *args, **kwargs: None)  # record by record: text
    slow = load_case_log(landlord.case_log_path, landlord.config.case_log)
    pd.testing.assert_frame_equal(fast.cases, slow.cases, check_exact=True)
    pd.testing.assert_frame_equal(fast.exclusions, slow.exclusions, check_exact=True)


def test_threaded_writing_gives_the_same_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = pd.concat([_frame()] * 30, ignore_index=True)
    frame["case_id"] = [f"R{k}" for k in range(len(frame))]
    serial = _validated(frame)
    monkeypatch.setattr(validate_module, "THREADED_ROWS", 0)
    threaded = _validated(frame)
    for got, expected in zip(threaded, serial):
        pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_presence_keeps_only_whether_something_is_recorded() -> None:
    values = pd.Series(["Apology", " none ", "", None, "N/A", "repair done"], dtype=str)
    kept = presence(values)
    assert isinstance(kept.dtype, pd.CategoricalDtype)
    assert kept.astype(str).tolist() == ["yes", "", "", "", "", "yes"]


def test_plain_case_references_are_shown_as_they_are() -> None:
    ids = ["SY-0000001", "A123456789", "a1234567890", "01/02/2024", "AB\n", "é1", "x" * 40, "x" * 41, "A b",
           "A/1.2-3_4", "1ABC", "Ab\u0661", "ab@example.com", "07700 900123", ""]
    plain = _plain_ids(ids)
    assert plain.tolist() == [True, True, False, False, False, False, True, False, False, True, False, False,
                              False, False, False]
    assert all(shown_case_id(text) == text for text, is_plain in zip(ids, plain) if is_plain)


@pytest.mark.parametrize("seed", range(20))
def test_a_reference_the_fast_path_passes_is_one_the_rule_shows_as_it_is(seed: int) -> None:
    """Property: :data:`PLAIN_ID` (Arrow's shortcut) never lets through a reference that
    :func:`shown_case_id` (the privacy rule) would hide; if the rule is ever tightened, this fails
    until the shortcut is too."""
    rng = random.Random(seed)
    pieces = ["A", "z", "Q", "0", "7", "9", "-", "/", "_", ".", " ", "@", "é", "\u0661", "\n", "+", "2024",
              "01/02/", "07700 900123", "x" * 8, "1" * 5]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12))) for _ in range(2000)]
    plain = _plain_ids(texts)
    assert plain.any()
    wrongly = [text for text, is_plain in zip(texts, plain) if is_plain and shown_case_id(text) != text]
    assert wrongly == []


def test_parquet_and_csv_of_one_log_give_the_same_cases(tmp_path: Path) -> None:
    frame = _frame()
    frame = frame.drop(columns="_row")
    frame.to_parquet(tmp_path / "log.parquet")
    text = frame.copy()
    for column in ("received", "stage1_acknowledged", "stage1_responded", "stage2_requested",
                   "stage2_acknowledged", "stage2_responded"):
        text[column] = frame[column].dt.strftime("%d/%m/%Y").fillna("")
    text.to_csv(tmp_path / "log.csv", index=False)
    csv = load_case_log(tmp_path / "log.csv", CaseLogSettings(path="log.csv"))
    parquet = load_case_log(tmp_path / "log.parquet", CaseLogSettings(path="log.parquet"))
    pd.testing.assert_frame_equal(parquet.cases, csv.cases, check_exact=True)


def _unknown_column_as_before(out: pd.DataFrame, problems: validate_module._Problems) -> pd.Categorical:
    """The unknown column written cell by cell, then factorized whole (how it was first built)."""
    names = [name for name in out.columns if name in problems.unknown]
    text = np.full(len(out), "", dtype=object)
    for row in range(len(out)):
        text[row] = " ".join(
            name if problems.since_at(name, np.array([row]))[0] == validate_module.ALWAYS
            else f"{name}@{problems.since_at(name, np.array([row]))[0]}"
            for name in names if problems.unknown[name][row])
    codes, uniques = pd.factorize(text)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))


@pytest.mark.parametrize("seed", range(8))
def test_unknown_column_built_from_the_complaints_with_a_problem(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows = 40
    day = np.datetime64("2024-04-01", "ns") + rng.integers(0, 30, rows).astype("timedelta64[D]")
    frame = pd.DataFrame({"_row": np.arange(rows) + 2, "stage1_acknowledged": day, "stage1_responded": day,
                          "category": pd.Categorical(rng.choice(["", "Repairs", "Noise"], rows))})
    problems = validate_module._Problems(frame, pd.Series([f"C{k}" for k in range(rows)], dtype=str))
    share = [0.0, 0.1, 0.5, 1.0][seed % 4]  # none, a few, half, every complaint with a problem
    for name in ("stage1_acknowledged", "stage1_responded", "category"):
        mask = rng.random(rows) < share
        since = pd.Series(np.where(rng.random(rows) < 0.5, day, np.datetime64("NaT", "ns")))
        problems.add(mask, name, frame[name], validate_module.Reason.BAD_DATE, (name,),
                     since=since if name != "category" else None)
    out = frame.copy()
    expected = _unknown_column_as_before(out, problems)
    validate_module._blank_unknown(out, problems)
    got = out[validate_module.UNKNOWN_COLUMN].array
    assert list(got.categories) == list(expected.categories)
    assert got.astype(object).tolist() == expected.astype(object).tolist()
    assert (out["category"].astype(str)[problems.unknown.get("category", np.zeros(rows, bool))] == "").all()


# --- whole-number extensions and shared columns: the input never changed, the cases always writable ---

def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    text = frame.copy()
    for column in ("stage1_extension_days", "stage2_extension_days", "compensation"):
        text[column] = frame[column].astype(object).where(frame[column].notna(), "").astype(str)
    return text


@pytest.mark.parametrize("extensions", [
    np.array([0, 0, -1, 0, 0, 0, 0, 0, 600], dtype=np.int64),  # numpy integers, with bad values to blank
    pd.array([1, 5, -1, 500, 10, 2, 0, 7, 3], dtype="Int64"),  # nullable integers, none missing
], ids=["int64", "Int64-no-missing"])
def test_whole_number_extensions_with_bad_values_are_blanked_in_a_copy(extensions) -> None:
    frame = _frame()
    frame["stage2_extension_days"] = extensions
    before = frame.copy(deep=True)
    got = _validated(frame)
    pd.testing.assert_frame_equal(frame, before)  # the caller's frame is not changed
    for one, other in zip(got, _validated(_as_text(frame))):
        pd.testing.assert_frame_equal(one, other, check_exact=True)


def test_editing_the_cases_never_changes_the_frame_validated() -> None:
    frame = _frame()
    frame["case_id"] = [f"C{k}" for k in range(len(frame))]  # every row kept: columns passed through
    frame["compensation"] = np.zeros(len(frame))
    before = frame.copy(deep=True)
    cases, _ = _validated(frame)
    cases.loc[0, "received"] = pd.NaT
    cases.loc[0, "compensation"] = 99.0
    cases.loc[0, "stage2_extension_days"] = 4
    pd.testing.assert_frame_equal(frame, before)


def test_a_parquet_log_of_whole_numbers_with_bad_values_loads_and_its_cases_can_be_edited(tmp_path) -> None:
    frame = _frame().drop(columns="_row")
    frame["case_id"] = [f"C{k}" for k in range(len(frame))]
    frame["stage2_extension_days"] = np.array([0, 0, -1, 0, 0, 0, 0, 0, 600], dtype=np.int64)
    frame["compensation"] = np.zeros(len(frame))
    path = tmp_path / "cases.parquet"
    frame.to_parquet(path, index=False)
    log = load_case_log(path, CaseLogSettings(path=path.name))
    assert {"negative-extension", "extension-too-long"} <= set(log.exclusions["code"])
    assert log.cases["stage2_extension_days"].tolist()[:3] == [0, 0, 0]
    log.cases.loc[0, "compensation"] = 10.0
    log.cases.loc[0, "received"] = pd.NaT
    assert log.cases.loc[0, "compensation"] == 10.0
