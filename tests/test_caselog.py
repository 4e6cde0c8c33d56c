import codecs

import pandas as pd
import pytest

from audit_lib.cases import Reason
from audit_lib.cases.load import load_case_log
from audit_lib.cases.schema import CANONICAL_COLUMNS
from audit_lib.cases.settings import CaseLogSettings
from audit_lib.errors import CaseLogError

from .conftest import write

HEADER = ",".join(CANONICAL_COLUMNS)


def row(case_id="C1", received="03/06/2024", ack="04/06/2024", resp="10/06/2024", ext1="", req2="", ack2="",
        resp2="", ext2="", out1="upheld", out2="", category="Repairs", refused="", hos="", comp="0") -> str:
    return ",".join([case_id, received, ack, resp, ext1, req2, ack2, resp2, ext2, out1, out2, category, refused, hos, comp])


def load(tmp_path, lines, **settings):
    path = write(tmp_path / "cases.csv", "\n".join(lines) + "\n")
    return load_case_log(path, CaseLogSettings(path="cases.csv", **settings))


def test_clean_log_parses_uk_dates_day_first(tmp_path):
    log = load(tmp_path, [HEADER, row(received="01/04/2024", ack="02/04/2024", resp="12/04/2024")])
    assert log.exclusions.empty
    case = log.cases.iloc[0]
    assert case["received"] == pd.Timestamp("2024-04-01")  # 1 April, never 4 January
    assert case["stage1_responded"] == pd.Timestamp("2024-04-12")
    assert case["stage1_extension_days"] == 0
    assert log.rows_read == 1 and len(log.sha256) == 64


@pytest.mark.parametrize(("suffix", "record_by_record"),
                         [("csv", False), ("csv", True), ("parquet", False), ("xlsx", False)])
def test_the_hash_recorded_is_of_the_very_bytes_the_cases_came_from(tmp_path, monkeypatch, suffix,
                                                                     record_by_record):
    """An export replaced while the log loads (the housing system writing the next one): the
    SHA-256 recorded for the figures must be that of the file they were computed from, not of
    the file left on disk afterwards."""
    import hashlib

    import audit_lib.cases.load as load_module
    import audit_lib.cases.read as read_module

    def export(name: str, ids: list[str]) -> bytes:
        source = write(tmp_path / f"{name}.csv", "\n".join([HEADER, *(row(i) for i in ids)]) + "\n")
        frame = pd.read_csv(source, dtype=str, keep_default_na=False)
        if suffix == "parquet":
            frame.to_parquet(tmp_path / f"{name}.parquet")
        elif suffix == "xlsx":
            frame.to_excel(tmp_path / f"{name}.xlsx", index=False)
        return (tmp_path / f"{name}.{suffix}").read_bytes()

    this, the_next = export("this", ["C1", "C2"]), export("next", ["C1", "C2", "C3"])
    path = tmp_path / f"cases.{suffix}"
    path.write_bytes(this)
    if record_by_record:
        monkeypatch.setattr(read_module, "_read_csv_arrow", lambda *args, **kwargs: None)
    read_bytes = load_module.read_bytes

    def replaced_once_read(*args, **kwargs):
        data = read_bytes(*args, **kwargs)
        path.write_bytes(the_next)  # the next export, written over this one while it loads
        return data

    monkeypatch.setattr(load_module, "read_bytes", replaced_once_read)
    log = load_case_log(path, CaseLogSettings(path=path.name))
    assert log.complaints == 2  # the cases of the file read ...
    assert log.sha256 == hashlib.sha256(this).hexdigest()  # ... and its hash, not the next one's
    assert path.read_bytes() == the_next


@pytest.mark.parametrize(("where", "raised", "message"), [
    ("read", FileNotFoundError(2, "No such file or directory"), r"case log not found; check the path"),
    ("read", PermissionError(13, "Permission denied"),
     r"cannot read the file \(Permission denied\); check that it is readable"),
    ("read", MemoryError(), r"the file is too large to read into this machine's memory"),
    ("look", PermissionError(13, "Permission denied"),  # its folder may not be searched
     r"cannot read the file \(Permission denied\); check that it is readable"),
])
def test_a_log_that_cannot_be_read_once_found_is_one_clear_error(tmp_path, monkeypatch, where, raised, message):
    import audit_lib.cases.read as read_module

    def fails(*args, **kwargs):
        raise raised

    if where == "read":
        monkeypatch.setattr(read_module, "_read_csv_bytes", fails)  # removed, or its permissions changed, once found
    path = write(tmp_path / "cases.csv", "\n".join([HEADER, row()]) + "\n")
    if where == "look":
        is_file = type(path).is_file
        monkeypatch.setattr(type(path), "is_file", lambda self: fails() if self == path else is_file(self))
    with pytest.raises(CaseLogError, match=message) as caught:
        load_case_log(path, CaseLogSettings(path="cases.csv"))
    assert "cases.csv" in str(caught.value)


def test_iso_dates_and_times_are_accepted(tmp_path):
    log = load(tmp_path, [HEADER, row(received="2024-04-01", ack="02/04/2024 09:30", resp="2024-04-12T16:00")])
    assert log.exclusions.empty
    assert log.cases.iloc[0]["stage1_acknowledged"] == pd.Timestamp("2024-04-02")


def test_mapping_and_personal_data_dropped(tmp_path):
    header = HEADER.replace("case_id", "Ref").replace("received", "Date Received") + ",Tenant Name,Email"
    path = write(tmp_path / "x.csv", header + "\n" + row() + ",Ann Example,ann@example.org\n")
    log = load_case_log(path, CaseLogSettings(path="x.csv", columns={"Ref": "case_id", "Date Received": "received"}))
    assert "Tenant Name" not in log.cases.columns and "Email" not in log.cases.columns
    assert "Ann Example" not in log.cases.to_csv() and "ann@example.org" not in log.exclusions.to_csv()
    assert log.dropped_columns == ("Tenant Name", "Email")


def test_title_lines_above_the_header(tmp_path):
    log = load(tmp_path, ["Complaints register", "Exported 04/04/2025", HEADER, row()], header_row=3)
    assert len(log.cases) == 1
    assert log.cases.iloc[0]["source_row"] == 4


def test_missing_columns_is_one_clear_error(tmp_path):
    with pytest.raises(CaseLogError, match=r"missing required column\(s\) \[.received.\]; found 15 column\(s\) in the header row"):
        load(tmp_path, [HEADER.replace("received", "date_in"), row()])


def test_unusable_rows_are_listed_not_dropped(tmp_path):
    log = load(
        tmp_path,
        [
            HEADER,
            row("C1"),
            row("C2", received="31/02/2024"),
            row("C3", ack="02/06/2024"),  # acknowledged before received
            row("C4"), row("C4"),  # duplicate
            row("C5", out1="resolved"),
            row("C6", ext1="-2"),
            row("C7", received="06/13/2024"),  # month-first: not guessed
            ",,,,,,,,,,,,,,",
        ],
    )
    # a complaint is lost only without a usable date received; a repeated row is the same complaint
    assert list(log.cases["case_id"]) == ["C1", "C3", "C4", "C5", "C6"]
    # a step dated before receipt is unknown from its own date; a bad extension always
    assert list(log.cases["unknown"]) == ["", "stage1_acknowledged@2024-06-02", "", "", "stage1_extension_days"]
    reasons = dict(zip(log.exclusions["row"], log.exclusions["reason"]))
    assert reasons[3].startswith("not a date")
    assert "before received" in reasons[4]
    assert 5 not in reasons and reasons[6].startswith("repeats the case reference of an earlier row")
    assert reasons[7].startswith("unknown outcome, counted as not recorded")
    assert reasons[8] == "negative extension"
    assert reasons[9].startswith("not a date")
    assert reasons[10] == "empty row"
    codes = dict(zip(log.exclusions["row"], log.exclusions["code"]))
    assert codes[3] == Reason.BAD_DATE
    assert codes[4] == Reason.STAGE1_ACKNOWLEDGED_BEFORE_RECEIVED
    assert codes[6] == Reason.DUPLICATE_CASE_ID
    assert codes[7] == Reason.UNKNOWN_OUTCOME
    assert codes[8] == Reason.NEGATIVE_EXTENSION
    assert codes[9] == Reason.BAD_DATE
    assert codes[10] == Reason.EMPTY_ROW
    excluded = dict(zip(log.exclusions["row"], log.exclusions["excluded"]))
    assert {row for row, whole in excluded.items() if whole} == {3, 6, 9, 10}
    assert log.excluded_rows == 4 and log.rows_read == 9 == log.complaints + log.excluded_rows


@pytest.mark.parametrize("mark", [b"", codecs.BOM_UTF8])
def test_an_undecodable_byte_is_reported_at_its_offset_in_the_file(tmp_path, mark):
    """The record-by-record reader decodes the whole file: the offset is the byte's in the file,
    not in the block a reader happened to be decoding (a block is 8 KB), nor counted from after
    a byte-order mark."""
    lines = [HEADER, *(row(f"C{i}") for i in range(600))]
    good = mark + ("\n".join(lines) + "\n").encode("utf-8")
    offset = len(good) - 20
    assert offset > 3 * 8192
    path = tmp_path / "cases.csv"
    path.write_bytes(good[:offset] + b"\xe9" + good[offset + 1:])
    with pytest.raises(CaseLogError, match=rf"undecodable byte at offset {offset};"):
        load_case_log(path, CaseLogSettings(path="cases.csv"))


def test_wrong_encoding_is_a_clear_error(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes((HEADER + "\n" + row(category="Caf\xe9 area")).encode("cp1252"))
    with pytest.raises(CaseLogError, match="undecodable byte"):
        load_case_log(path, CaseLogSettings(path="cases.csv"))
    settings = CaseLogSettings(path="cases.csv", encoding="cp1252", rare_below=1)
    assert load_case_log(path, settings).cases.iloc[0]["category"] == "Café area"


@pytest.mark.parametrize("content, message", [("", "the file is empty"), (None, "case log not found")])
def test_empty_or_missing_file(tmp_path, content, message):
    if content is not None:
        write(tmp_path / "cases.csv", content)
    with pytest.raises(CaseLogError, match=message):
        load_case_log(tmp_path / "cases.csv", CaseLogSettings(path="cases.csv"))


def test_demo_logs_load(demo_inputs):
    from audit_lib.config.landlords import load_landlord

    years = {"2023-24": ("2023-04-01", "2024-03-31"), "2024-25": ("2024-04-01", "2025-03-31")}
    for landlord_id, homes, covered in (("riverbend-homes", 12000, ["2024-25"]),
                                        ("calder-vale-housing", 3500, ["2023-24", "2024-25"]),
                                        ("moorside-almshouses", 400, ["2024-25"]),
                                        ("wharfedale-community-homes", 900, ["2023-24", "2024-25"])):
        landlord = load_landlord(demo_inputs, landlord_id)
        log = load_case_log(landlord.case_log_path, landlord.config.case_log)
        for year in covered:  # a year's complaints, as many as a landlord of its size receives
            first, last = (pd.Timestamp(day) for day in years[year])
            per_1000 = log.cases["received"].between(first, last).sum() / homes * 1000
            assert 30 <= per_1000 <= 60, (landlord_id, year)
        assert log.cases["received"].min() >= pd.Timestamp("2024-02-12" if covered == ["2024-25"] else "2023-04-01")
    # Riverbend's export carries known faults, each listed
    landlord = load_landlord(demo_inputs, "riverbend-homes")
    log = load_case_log(landlord.case_log_path, landlord.config.case_log)
    assert (log.rows_read, log.complaints, log.excluded_rows) == (627, 626, 1)  # one row repeats another
    assert len(log.exclusions) == 5  # a bad date, a month-first date, a step before receipt, the copy, an outcome
    assert not {"Tenant Name", "Address", "Email", "Phone"} & set(log.cases.columns)


def test_a_row_with_more_fields_than_the_header_is_listed_without_its_values(tmp_path):
    """An unquoted comma usually splits free text or an address: the row is listed by its number
    and the reason, excluded whole, and none of its values is read."""
    split = "Mrs Jane Smith, 4 Mill Lane"  # a free-text field broken by its comma, at the end of the row
    for lines, line in (([HEADER, row() + "," + split, row(case_id="C2") + ","], 2),
                        ([HEADER, row(), row(case_id="C2") + "," + split], 3)):
        log = load(tmp_path, lines)
        listed = log.exclusions
        assert listed.loc[listed["row"] == line, "code"].tolist() == ["ragged-row"]
        assert "Jane" not in listed.to_string() and "Mill Lane" not in listed.to_string()
        assert log.rows_read == log.complaints + log.excluded_rows


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
@pytest.mark.parametrize("quoted_header", [True, False])
def test_a_cell_over_128_kb_is_read(tmp_path, encoding, quoted_header):
    """A long notes cell (200 KB) is more than the csv module's default field limit; it is read,
    by either reader, and the limit is as it was afterwards."""
    import csv

    from audit_lib.cases.read import _read_csv_rows

    header = HEADER + ",notes"
    if quoted_header:
        header = '"case_id"' + header.removeprefix("case_id")
    notes = '"' + "Café notes " * 20_000 + '"'
    lines = [header, row() + "," + notes, row(case_id="C2") + ",short", row(case_id="C3") + "," + notes + ",x"]
    path = tmp_path / "cases.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    limit = csv.field_size_limit()
    settings = CaseLogSettings(path="cases.csv", encoding=encoding)
    log = load_case_log(path, settings)
    assert log.complaints == 2 and log.excluded_rows == 1  # C3 has a field too many
    assert log.exclusions["code"].tolist() == ["ragged-row"]
    frame = _read_csv_rows(path, settings).frame  # the record-by-record reader too
    assert len(frame["notes"].iloc[0]) == len("Café notes ") * 20_000
    assert csv.field_size_limit() == limit


def test_the_day_logged_at_stage_1_is_an_optional_date(tmp_path):
    """``stage1_logged`` (the 2020 and 2022 Codes count the stage 1 response from it) is read as the
    other dates are, under the export's own name; a log without it has no such column."""
    header = HEADER + ",Date Logged"
    log = load(tmp_path, [header, row("C1") + ",04/06/2024", row("C2") + ",2024-06-05", row("C3") + ",",
                          row("C4") + ",30/02/2024", row("C5") + ",31/05/2024", row("C6") + ",Mrs Smith rang"],
               columns={"Date Logged": "stage1_logged"})
    cases = log.cases.set_index("case_id")
    assert str(cases["stage1_logged"].dtype).startswith("datetime64")
    assert cases.loc["C1", "stage1_logged"] == pd.Timestamp("2024-06-04")
    assert cases.loc["C2", "stage1_logged"] == pd.Timestamp("2024-06-05")
    assert pd.isna(cases.loc["C3", "stage1_logged"]) and cases.loc["C3", "unknown"] == ""  # blank is not a problem
    # a bad date, or a day logged before the day received, makes only that field unknown
    assert cases["unknown"].to_dict() == {"C1": "", "C2": "", "C3": "", "C4": "stage1_logged",
                                          "C5": "stage1_logged@2024-05-31", "C6": "stage1_logged"}
    assert cases.loc[["C4", "C5", "C6"], "stage1_logged"].isna().all()
    assert cases.loc["C5", "stage1_acknowledged"] == pd.Timestamp("2024-06-04")
    listed = log.exclusions.set_index("case_id")
    assert listed["code"].to_dict() == {"C4": Reason.BAD_DATE, "C5": Reason.STAGE1_LOGGED_BEFORE_RECEIVED,
                                        "C6": Reason.BAD_DATE}
    assert listed["column"].eq("stage1_logged").all() and not listed["excluded"].any()
    assert listed.loc["C5", "reason"] == "stage1 logged is before received"
    # a date is shown as a date; words (which may be a resident's) by their kind only
    assert listed["value"].to_dict() == {"C4": "30/02/2024", "C5": "31/05/2024", "C6": "text, 14 characters"}
    assert "stage1_logged" in log.optional_columns and log.complaints == 6

    without = load(tmp_path, [HEADER, row("C1")])
    assert "stage1_logged" not in without.cases.columns and "stage1_logged" not in without.optional_columns
    assert without.exclusions.empty
    assert list(without.cases.columns) == [c for c in log.cases.columns if c != "stage1_logged"]
