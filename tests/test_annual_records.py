"""The annual records file: its model, strict reading, refusals (case references never names), writing."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from audit_lib.annual.records import (
    AnnualRecords,
    GoverningBodyResponse,
    Improvement,
    OmbudsmanOrder,
    OmbudsmanRecord,
    check_reference,
    dump_records,
    empty_records,
    load_records,
    next_id,
    parse_records,
    records_file,
)
from audit_lib.core.yaml_files import parse_yaml
from audit_lib.errors import AnnualRecordsError, AuditError, InvalidIdError

LANDLORD, PERIOD = "riverbend-homes", "2024-25"

FULL = """\
# The annual records, as people write them.
landlord: riverbend-homes
period: 2024-25
revision: 3
learning:
  - id: L-01
    theme: Repairs - missed appointments
    residents_said: "  We waited in for repairs that did not come.  "
    we_did: Text reminders the day before.
    when: 01/09/2024
    owner: Head of Repairs
    status: In Progress
    case_references: [CMP-2024-0012, 12345, HOS/24/117]
  - id: L-02
    theme: Communication
    residents_said: Nobody called back.
    we_did: Call-back within one working day.
ombudsman:
  - id: O-01
    kind: determination
    reference: "202312345"
    date: 2024-11-14
    title: Damp and mould
    findings:
      - {wording: Maladministration in the handling of repairs, outcome: Severe maladministration}
      - {wording: The landlord offered redress, outcome: reasonable redress}
    orders:
      - {text: Pay compensation, due: 2024-12-12, progress: complied, completed: 2024-12-01}
      - {text: Survey the home, due: 2025-01-31, progress: in-progress, note: Surveyor booked}
  - id: O-02
    kind: CHFO
    link: https://www.housing-ombudsman.org.uk/example
    date: 2024-07-02
    summary: A complaint handling failure order for not escalating a complaint.
confirmed_none:
  performance_report: true
governing_body:
  text: The Board welcomed the report.
  meeting_date: 19/06/2025
  name: A. Chair
  role: Chair of the Board
member_responsible: {name: B. Member, role: Board member}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def landlord(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs" / LANDLORD
    folder.mkdir(parents=True)
    return folder


def annual(landlord: Path) -> Path:
    return landlord / "annual" / f"{PERIOD}.yaml"


def refused(landlord: Path, text: str) -> str:
    path = write(annual(landlord), text)
    with pytest.raises(AnnualRecordsError) as caught:
        load_records(path, LANDLORD, PERIOD)
    assert caught.value.path == path
    return caught.value.message


def with_entry(section: str, entry: str) -> str:
    """A file holding one entry (written as a YAML flow mapping) in ``section``."""
    return f"landlord: {LANDLORD}\nperiod: {PERIOD}\n{section}:\n  - {{{entry}}}\n"


IMPROVEMENT = "id: L-01, theme: Repairs, residents_said: Slow, we_did: Faster"
RECORD = "id: O-01, kind: determination, date: 2024-11-14, reference: '202312345', title: Damp"


# -- reading ------------------------------------------------------------------------------------

def test_a_full_file_loads_with_what_people_write_normalised(landlord):
    records = load_records(write(annual(landlord), FULL), LANDLORD, PERIOD)
    assert records.revision == 3
    first, second = records.learning
    assert first.residents_said == "We waited in for repairs that did not come."
    assert first.when == dt.date(2024, 9, 1)  # a UK date
    assert first.status == "in progress"
    assert first.case_references == ["CMP-2024-0012", "12345", "HOS/24/117"]  # a bare number is a reference
    assert (second.status, second.when, second.owner, second.case_references) == ("planned", None, None, [])
    determination, order = records.ombudsman
    assert [f.outcome for f in determination.findings] == ["severe maladministration", "redress"]
    assert [o.progress for o in determination.orders] == ["complied", "in progress"]
    assert determination.orders[0].completed == dt.date(2024, 12, 1)
    assert order.kind == "complaint_handling_failure_order"
    assert order.link == "https://www.housing-ombudsman.org.uk/example"
    assert records.confirmed_none.performance_report and not records.confirmed_none.learning
    assert records.governing_body is not None and records.governing_body.meeting_date == dt.date(2025, 6, 19)
    assert records.member_responsible is not None and records.member_responsible.role == "Board member"
    assert records.item("ombudsman", "O-02") is order and records.item("learning", "L-09") is None


def test_a_missing_file_is_empty_records(landlord):
    assert load_records(annual(landlord), LANDLORD, PERIOD) == empty_records(LANDLORD, PERIOD)


def test_what_is_written_reads_back_the_same(landlord):
    records = load_records(write(annual(landlord), FULL), LANDLORD, PERIOD)
    text = dump_records(records)
    assert text.startswith("# Annual records")
    assert parse_records(text, annual(landlord), LANDLORD, PERIOD) == records
    assert "residents' names" in text.splitlines()[3]
    # written for people: no empty optional fields in entries, every top-level key present
    data = parse_yaml(text, annual(landlord), AuditError).data
    assert "owner" not in data["learning"][1] and "case_references" not in data["learning"][1]
    assert set(data) == {"landlord", "period", "revision", "learning", "ombudsman", "confirmed_none",
                         "governing_body", "member_responsible", "qualitative_analysis"}
    empty = dump_records(empty_records(LANDLORD, PERIOD))
    assert parse_records(empty, annual(landlord), LANDLORD, PERIOD) == empty_records(LANDLORD, PERIOD)


def test_texts_of_several_lines_and_awkward_words_read_back(landlord):
    texts = ["We waited.\nTwice.\n", "yes", "no", "2024-09-01", "a: b", "# not a comment", "  padded\nlines  ",
             "tab\there", "line\r\nwindows", "'quoted'", "\"double\"", "@start", "- dash", "null", "~", "123"]
    learning = [Improvement(id=f"L-{n:02d}", theme="Theme", residents_said=text, we_did=text)
                for n, text in enumerate(texts, 1)]
    records = AnnualRecords(landlord=LANDLORD, period=PERIOD, learning=learning)
    back = parse_records(dump_records(records), annual(landlord), LANDLORD, PERIOD)
    assert [(i.residents_said, i.we_did) for i in back.learning] == [(i.residents_said, i.we_did) for i in learning]


# -- refusals -----------------------------------------------------------------------------------

def test_a_file_for_another_landlord_or_period_is_refused(landlord):
    message = refused(landlord, "landlord: other-homes\nperiod: 2024-25\n")
    assert "for landlord 'other-homes', period '2024-25'; expected 'riverbend-homes', '2024-25'" in message


def test_an_empty_file_is_refused(landlord):
    assert "the file is empty" in refused(landlord, "# nothing yet\n")
    assert "expected a YAML mapping" in refused(landlord, "- a list\n")


def test_duplicate_keys_and_aliases_are_refused(landlord):
    assert "appears twice, at lines 2 and 3" in refused(landlord, f"landlord: {LANDLORD}\nperiod: {PERIOD}\n"
                                                                   f"period: {PERIOD}\n")
    message = refused(landlord, f"landlord: {LANDLORD}\nperiod: {PERIOD}\nlearning:\n  - &a {{{IMPROVEMENT}}}\n"
                                "  - *a\n")
    assert "alias" in message


def test_an_unknown_field_is_named_with_its_entry_and_its_value_is_not_quoted(landlord):
    message = refused(landlord, with_entry("learning", IMPROVEMENT + ", resident: Mrs Joan Example"))
    assert message.startswith("improvement 1 (L-01): resident: not a field")
    assert "Joan" not in message


def test_a_missing_field_names_the_entry(landlord):
    message = refused(landlord, with_entry("learning", "id: L-07, theme: Repairs, residents_said: Slow"))
    assert message == "improvement 1 (L-07): we_did: Field required"


@pytest.mark.parametrize("value", ["L 01", "", "-L", "L" * 33, "L-01!"])
def test_a_bad_id_is_refused(landlord, value):
    message = refused(landlord, with_entry("learning", f"id: '{value}', theme: T, residents_said: S, we_did: D"))
    assert message.startswith("improvement 1: id: expected a short id such as L-01")


def test_each_id_once_in_its_list(landlord):
    text = f"landlord: {LANDLORD}\nperiod: {PERIOD}\nlearning:\n  - {{{IMPROVEMENT}}}\n  - {{{IMPROVEMENT}}}\n"
    assert "learning: the id 'L-01' appears more than once" in refused(landlord, text)


@pytest.mark.parametrize("value", ["CMP-2024-0012", "202312345", "HOS/24/117", "A1", "x" * 39 + "1", 12345])
def test_case_references_are_case_ids(value):
    assert check_reference(value) == str(value)


NAMES = ["Joan Example", "Example", "JoanExample", "Mrs J. Example, 3 High Street", "Flat 3 High Street",
         "joan@example.org", "J" * 40 + "1"]


@pytest.mark.parametrize("name", NAMES)
def test_a_name_given_as_a_case_reference_is_refused_without_being_quoted(landlord, name):
    message = refused(landlord, with_entry("learning", IMPROVEMENT + f", case_references: [CMP-1, '{name}']"))
    assert message.startswith("improvement 1 (L-01): case_references: case reference 2: expected a case reference")
    assert "it is not shown here, in case it is a name" in message
    assert "never residents' names" in message
    for word in name.replace(",", " ").replace("@", " ").split():
        if not word.isdigit() and len(word) > 2:
            assert word not in message


def test_a_name_given_as_the_ombudsman_reference_is_refused_without_being_quoted(landlord):
    message = refused(landlord, with_entry("ombudsman", RECORD.replace("'202312345'", "Joan Example")))
    assert message.startswith("Ombudsman record 1 (O-01): reference: expected a case or report reference")
    assert "Joan" not in message and "Example" not in message


def test_a_reference_given_twice_in_one_improvement_is_refused(landlord):
    message = refused(landlord, with_entry("learning", IMPROVEMENT + ", case_references: [CMP-1, CMP-2, CMP-1]"))
    assert "case reference 3 is given twice (also as case reference 1)" in message


@pytest.mark.parametrize("link", ["javascript:alert(1)", "file:///etc/passwd", "ftp://example.org/x", "example.org"])
def test_a_link_is_http_or_https_only(landlord, link):
    message = refused(landlord, with_entry("ombudsman", RECORD + f", link: '{link}'"))
    assert message.startswith("Ombudsman record 1 (O-01): link: expected a web link starting http:// or https://")


def test_an_ombudsman_record_needs_a_reference_or_link_and_a_title_or_summary(landlord):
    no_reference = "id: O-01, kind: determination, date: 2024-11-14, title: Damp"
    assert "expected a reference or a link (or both); found neither" in refused(landlord,
                                                                                with_entry("ombudsman", no_reference))
    no_title = "id: O-01, kind: determination, date: 2024-11-14, reference: '1'"
    assert "expected a title or a summary (or both); found neither" in refused(landlord,
                                                                               with_entry("ombudsman", no_title))


def test_words_outside_their_lists_are_refused_with_the_choices(landlord):
    message = refused(landlord, with_entry("ombudsman", RECORD.replace("determination", "verdict")))
    assert ("kind: expected the kind as one of determination, complaint_handling_failure_order, "
            "annual_performance_report, special_report, other; found 'verdict'") in message
    message = refused(landlord, with_entry("learning", IMPROVEMENT + ", status: true"))
    assert "status: expected the status as one of planned, in progress, done; found the boolean true" in message
    message = refused(landlord, with_entry("ombudsman", RECORD + ", findings: [{wording: W, outcome: fine}]"))
    assert "Ombudsman record 1 (O-01): findings.1.outcome: expected the outcome as one of" in message


def test_a_completed_date_needs_progress_complied():
    with pytest.raises(ValueError, match="a completed date is given but the progress is 'in progress'"):
        OmbudsmanOrder(text="Pay", progress="in progress", completed=dt.date(2025, 1, 1))
    assert OmbudsmanOrder(text="Pay", progress="Complied", completed="01/01/2025").completed == dt.date(2025, 1, 1)


def test_an_impossible_date_is_refused(landlord):
    assert "not a date" in refused(landlord, with_entry("learning", IMPROVEMENT + ", when: 31/02/2025"))
    assert "is not a date" in refused(landlord, with_entry("learning", IMPROVEMENT + ", when: 2025-02-31"))


@pytest.mark.parametrize(("section", "entry", "where"), [
    ("learning", IMPROVEMENT + ", when: 2150-01-01", "improvement 1 (L-01): when:"),
    ("ombudsman", RECORD.replace("2024-11-14", "1066-10-14"), "Ombudsman record 1 (O-01): date:"),
    ("ombudsman", RECORD + ", orders: [{text: Pay, due: 9999-12-31}]", "Ombudsman record 1 (O-01): orders.1.due:"),
    ("ombudsman", RECORD + ", orders: [{text: Pay, due: 0001-01-01}]", "Ombudsman record 1 (O-01): orders.1.due:"),
    ("ombudsman", RECORD + ", orders: [{text: Pay, progress: complied, completed: 31/12/2100}]",
     "Ombudsman record 1 (O-01): orders.1.completed:"),
])
def test_a_date_outside_2000_to_2099_is_refused_naming_its_entry_and_field(landlord, section, entry, where):
    message = refused(landlord, with_entry(section, entry))
    assert message.startswith(f"{where} expected a date from 01/01/2000 to 31/12/2099; found one in the year ")
    assert "looks mistyped" in message


def test_the_meeting_date_is_in_the_same_range():
    from audit_lib.assessment.actions import EARLIEST_DUE, LATEST_DUE

    base = {"text": "Welcomed.", "name": "A. Chair", "role": "Chair"}
    with pytest.raises(ValueError, match="expected a date from 01/01/2000 to 31/12/2099; found one in the year 1900"):
        GoverningBodyResponse(**base, meeting_date="1900-01-01")
    for day in (EARLIEST_DUE, LATEST_DUE):  # the action plan's due dates' range, the same constant
        assert GoverningBodyResponse(**base, meeting_date=day).meeting_date == day


@pytest.mark.parametrize(("order", "field"), [
    ("{text: Pay, progress: complied, completed: 2020-01-01}", "completed"),
    ("{text: Pay, due: 2019-01-01}", "due"),
])
def test_an_order_due_or_complied_with_before_its_records_date_is_refused(landlord, order, field):
    message = refused(landlord, with_entry("ombudsman", RECORD.replace("2024-11-14", "2025-05-15")
                                           + f", orders: [{{text: First, due: 2025-06-12}}, {order}]"))
    when = "01/01/2020" if field == "completed" else "01/01/2019"
    assert message.startswith(f"Ombudsman record 1 (O-01): order 2: {field}: {when} is before the record's date "
                              "(15/05/2025)")
    assert "correct either date" in message
    same_day = RECORD + ", orders: [{text: Pay, due: 2024-11-14, progress: complied, completed: 2024-11-14}]"
    assert load_records(write(annual(landlord), with_entry("ombudsman", same_day)), LANDLORD, PERIOD).ombudsman


@pytest.mark.parametrize(("written", "found"), [
    ("20250515", "found a number of 8 digits"),
    ("yesterday", "found 'yesterday'"),
    ("2025-05-15 10:30:00", "found a date and time"),
    ("[2025-05-15]", "found a list of 1 item"),
    ("25/5/15", "the year needs four digits"),
    ("Mrs Joan Example's birthday", "found text, 27 characters"),
])
def test_a_date_written_otherwise_says_how_to_write_it(landlord, written, found):
    message = refused(landlord, with_entry("ombudsman", RECORD.replace("2024-11-14", written)))
    assert message.startswith("Ombudsman record 1 (O-01): date: expected a date as YYYY-MM-DD (or DD/MM/YYYY)")
    assert found in message
    assert "Datetimes" not in message and "too short" not in message and "Joan" not in message


@pytest.mark.parametrize(("entry", "field", "found"), [
    (IMPROVEMENT + ", status: John Smith of 4 Acacia Ave", "status", "text, 26 characters"),
    (IMPROVEMENT.replace("theme: Repairs", "theme: {name: Joan Example}"), "theme", "a mapping"),
    (IMPROVEMENT + ", owner: [Joan Example, Flat 3]", "owner", "a list of 2 items"),
    ("id: 'Joan Example', theme: T, residents_said: S, we_did: D", "id", "text, 12 characters"),
    (RECORD + ", findings: Joan Example complained about damp", "findings", "text, 34 characters"),
    (RECORD + ", orders: [Joan Example]", "orders.1", "text, 12 characters"),
    (RECORD + ", link: 'http:JoanExample'", "link", ""),
    (IMPROVEMENT + ", 'Joan Example': x", "a field name of 12 characters", ""),
    (IMPROVEMENT + ", status: LS14AP", "status", "text, 6 characters"),  # one word, but a postcode
])
def test_a_refused_value_that_may_be_a_residents_data_is_shown_by_its_kind(landlord, entry, field, found):
    section = "learning" if entry.startswith(("id: L", "id: 'Joan")) else "ombudsman"
    message = refused(landlord, with_entry(section, entry))
    assert f": {field}: " in message and found in message
    for word in ("Joan", "Example", "Smith", "Acacia", "Flat", "LS14AP"):
        assert word not in message


def test_texts_are_bounded(landlord):
    message = refused(landlord, with_entry("learning", IMPROVEMENT.replace("Repairs", "x" * 501)))
    assert "theme: expected the complaint category or theme of at most 500 characters; found 501" in message


def test_the_landlords_own_qualitative_analysis_is_a_long_text_or_none(landlord):
    base = f"landlord: {LANDLORD}\nperiod: {PERIOD}\n"
    text = "qualitative_analysis: |\n  Repairs complaints fell.\n\n  Upheld complaints were mostly about damp.\n"
    records = load_records(write(annual(landlord), base + text), LANDLORD, PERIOD)
    assert records.qualitative_analysis == "Repairs complaints fell.\n\nUpheld complaints were mostly about damp."
    assert load_records(write(annual(landlord), base + "qualitative_analysis: '  '\n"), LANDLORD,
                        PERIOD).qualitative_analysis is None  # blank: the sentences written from the data
    assert load_records(write(annual(landlord), base), LANDLORD, PERIOD).qualitative_analysis is None
    message = refused(landlord, base + f"qualitative_analysis: {'x' * 20_001}\n")
    assert "qualitative_analysis: expected the qualitative analysis of at most 20,000 characters; found 20,001" in message
    assert "as text" in refused(landlord, base + "qualitative_analysis: [a, b]\n")
    records = AnnualRecords(landlord=LANDLORD, period=PERIOD, qualitative_analysis="Line one.\nLine <two> & 'three'")
    assert parse_records(dump_records(records), annual(landlord), LANDLORD, PERIOD) == records


# -- paths --------------------------------------------------------------------------------------

def test_the_records_file_is_in_the_landlords_annual_folder(landlord):
    assert records_file(landlord, PERIOD) == landlord / "annual" / "2024-25.yaml"
    with pytest.raises(InvalidIdError):
        records_file(landlord, "2024-26")


def test_a_symbolic_link_is_refused(landlord, tmp_path):
    elsewhere = write(tmp_path / "elsewhere.yaml", f"landlord: {LANDLORD}\nperiod: {PERIOD}\n")
    annual(landlord).parent.mkdir(parents=True)
    annual(landlord).symlink_to(elsewhere)
    with pytest.raises(AnnualRecordsError, match="found a symbolic link"):
        load_records(annual(landlord), LANDLORD, PERIOD)
    with pytest.raises(AnnualRecordsError, match="found a symbolic link"):
        records_file(landlord, PERIOD)


def test_a_named_pipe_or_any_other_special_file_is_refused_without_blocking(landlord):
    import threading

    annual(landlord).parent.mkdir(parents=True)
    os.mkfifo(annual(landlord))
    outcome: list[BaseException | None] = []

    def read() -> None:
        try:
            load_records(annual(landlord), LANDLORD, PERIOD)
            outcome.append(None)
        except BaseException as exc:  # handed to the test's thread
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # unblock the reader so the test run does not hang
        with open(annual(landlord), "w", encoding="utf-8"):
            pass
        reader.join(timeout=10)
        pytest.fail("reading a named pipe blocked")
    [error] = outcome
    assert isinstance(error, AnnualRecordsError)
    assert "expected an ordinary annual records file, found a named pipe (FIFO)" in error.message
    with pytest.raises(AnnualRecordsError, match="found a named pipe"):
        records_file(landlord, PERIOD)
    annual(landlord).unlink()
    annual(landlord).mkdir()
    with pytest.raises(AnnualRecordsError, match="found a folder"):
        load_records(annual(landlord), LANDLORD, PERIOD)


def test_a_linked_annual_folder_is_refused(landlord, tmp_path):
    (tmp_path / "other").mkdir()
    (landlord / "annual").symlink_to(tmp_path / "other")
    with pytest.raises(AnnualRecordsError, match=r"found a symbolic link \(at annual\)"):
        records_file(landlord, PERIOD)


# -- ids ----------------------------------------------------------------------------------------

def test_the_next_id_follows_the_highest_of_its_form():
    def improvement(item_id: str) -> Improvement:
        return Improvement(id=item_id, theme="T", residents_said="S", we_did="D")

    records = empty_records(LANDLORD, PERIOD)
    assert next_id(records, "learning") == "L-01" and next_id(records, "ombudsman") == "O-01"
    records = AnnualRecords(landlord=LANDLORD, period=PERIOD,
                            learning=[improvement("L-09"), improvement("REPAIRS-1"), improvement("L-02")])
    assert next_id(records, "learning") == "L-10"
    records = AnnualRecords(landlord=LANDLORD, period=PERIOD, learning=[improvement("L-123")],
                            ombudsman=[OmbudsmanRecord(id="O-1", kind="other", date=dt.date(2024, 5, 1),
                                                       reference="R1", title="T")])
    assert (next_id(records, "learning"), next_id(records, "ombudsman")) == ("L-124", "O-02")
    with pytest.raises(AnnualRecordsError, match="expected one of learning, ombudsman"):
        next_id(records, "orders")


def test_the_documented_examples_load(landlord):
    import re

    import audit_lib.annual.records as records_module

    docs = (Path(__file__).resolve().parent.parent / "docs" / "annual-report.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", docs, re.S).group(1)
    records = load_records(write(annual(landlord), example), LANDLORD, PERIOD)
    assert [r.kind for r in records.ombudsman] == ["determination", "annual_performance_report"]
    docstring = records_module.__doc__.split("::\n\n", 1)[1].split("\n\nEvery entry", 1)[0]
    example = "\n".join(line[4:] for line in docstring.splitlines()) + "\n"
    assert load_records(write(annual(landlord), example), LANDLORD, PERIOD).learning[0].status == "done"
    message = refused(landlord, example.replace("status: done ", "status: finished"))
    assert message == ("improvement 1 (L-01): status: expected the status as one of planned, in progress, done; "
                       "found 'finished'")
