"""The form as a spreadsheet: Excel workbooks and CSV files read as the Ombudsman's form (columns
in any order, titles above the header, several sheets, continuation rows, section headings,
action columns, numbers Excel stored as numbers), refused when they are not, and the answers
written as a workbook (frozen header, Comply choices, texts never formulas, stamped properties)
and as a short CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest

from audit_lib import __version__
from audit_lib.assessment.answers import Action, Answer, Assessment, Evidence, SignOff, SignOffs, Status
from audit_lib.code.catalogue import load_catalogue
from audit_lib.errors import FormError
from audit_lib.form import source, spreadsheet
from audit_lib.form.filled import filled_form
from audit_lib.form.rows import BULLET, FormAction, FormRow, Unread
from audit_lib.form.spreadsheet import read_csv, read_xlsx, write_csv, write_xlsx

C2024 = load_catalogue("2024")

HEADER = ["Code provision", "Code requirement", "Comply: Yes / No", "Evidence", "Commentary / explanation"]


def _book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A workbook with ``sheets`` (name -> rows of cell values; None is a blank cell)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(number, column, value)
    book.save(path)
    return path


# --- reading a landlord's workbook ---------------------------------------------------------------

def test_a_landlords_workbook_is_read_as_the_form(tmp_path):
    # Sheet 1: two title lines, the columns shuffled, a heading row, a row continued on the next
    # row, a multi-line evidence cell, a number Excel stored as a number.
    shuffled = ["Evidence", "Comply: Yes / No", "Code provision", "Commentary / explanation", "Code requirement"]
    section1 = [
        ["Riverbend Homes"],
        ["Complaint Handling Code self-assessment 2024-25"],
        [],
        shuffled,
        ["Section 1: Definition of a complaint"],
        ["• Complaints Policy [POL-01]\n• Staff training log", "Compliant", "1.2",
         "Our policy uses the Code's definition.", "Landlords must define a complaint as"],
        [None, None, None, "Reviewed by the board.", "'an expression of dissatisfaction'."],
        ["Website page", "Partial", 1.3, "Some letters do not say so.", "The definition must be used."],
    ]
    # Sheet 2: its section named above the header, the form's order, a column the form does not have.
    section2 = [
        ["Section 2: Exclusions"],
        [*HEADER, "Lead officer"],
        ["2.1", "Landlords must accept a complaint unless an exclusion applies.", "Not applicable",
         "", "No exclusions used this year.", "J. Smith"],
        [2.2, "Exclusions must be explained.", "Yes", "Template letter EX-1\r\nDecision log", "", None],
    ]
    path = _book(tmp_path / "assessment.xlsx", {"Section 1": section1, "Section 2": section2, "Notes": []})

    form = read_xlsx(path)

    assert form.kind == "xlsx" and form.source == "assessment.xlsx"
    assert form.title == "Riverbend Homes\nComplaint Handling Code self-assessment 2024-25"
    assert not form.literal
    heading1, heading2 = "Section 1: Definition of a complaint", "Section 2: Exclusions"
    assert form.rows == [
        FormRow(where="sheet 'Section 1', row 6", number="1.2",
                requirement="Landlords must define a complaint as\n'an expression of dissatisfaction'.",
                status="Compliant", evidence="• Complaints Policy [POL-01]\n• Staff training log",
                commentary="Our policy uses the Code's definition.\nReviewed by the board.", section=heading1),
        FormRow(where="sheet 'Section 1', row 8", number="1.3", requirement="The definition must be used.",
                status="Partial", evidence="Website page", commentary="Some letters do not say so.",
                section=heading1),
        FormRow(where="sheet 'Section 2', row 3", number="2.1",
                requirement="Landlords must accept a complaint unless an exclusion applies.",
                status="Not applicable", commentary="No exclusions used this year.", section=heading2),
        FormRow(where="sheet 'Section 2', row 4", number="2.2", requirement="Exclusions must be explained.",
                status="Yes", evidence="Template letter EX-1\nDecision log", section=heading2),
    ]
    # the column the form does not have is listed once; the empty sheet is not listed
    assert form.unread == [
        Unread("sheet 'Section 2', column F", "column 'Lead officer' (1 cell) is not a column of the form: not "
                                              "imported"),
    ]


def test_a_sheet_without_the_header_is_listed_and_a_workbook_without_one_refused(tmp_path):
    path = _book(tmp_path / "mixed.xlsx", {
        "Contents": [["This workbook holds our self-assessment."], ["See the next sheet."]],
        "Form": [HEADER, ["1.2", "Define a complaint.", "Yes", "", ""]],
        "Sign-off": [["Sign-off"], [], ["", "Name", "Role", "Date"], ["Prepared by", "A. Person", "Manager"]],
    })
    form = read_xlsx(path)
    assert [row.number for row in form.rows] == ["1.2"]
    # a sheet that is not the form may hold anything (a case log's names): listed by its name and
    # size, never quoted
    assert form.unread == [
        Unread("sheet 'Contents'", "a sheet without the form's header (not read: 2 rows with text)"),
        Unread("sheet 'Sign-off'", "the form's sign-off (not imported: the assessment is signed off in the workbook)"),
    ]

    none = _book(tmp_path / "none.xlsx", {"Figures": [["Quarter", "Complaints"], ["Q1", 12]], "Blank": []})
    with pytest.raises(FormError, match=r"expected a sheet with the form's header row .* found none") as caught:
        read_xlsx(none)
    assert caught.value.path == none


def test_the_2022_forms_combined_column(tmp_path):
    rows = [["Code section", "Code requirement", "Comply: Yes/No", "Evidence, commentary and any explanations"],
            [1.2, "The landlord must define a complaint.", "Yes", "• Complaints Policy\nDefined as the Code does."]]
    form = read_xlsx(_book(tmp_path / "2022.xlsx", {"Sheet1": rows}))
    assert form.rows == [FormRow(where="sheet 'Sheet1', row 2", number="1.2",
                                 requirement="The landlord must define a complaint.", status="Yes",
                                 commentary="• Complaints Policy\nDefined as the Code does.", combined=True)]


def test_the_header_is_found_only_within_the_first_rows(tmp_path):
    rows = [[f"line {n}"] for n in range(spreadsheet.HEADER_WITHIN)] + [HEADER, ["1.2", "x", "Yes"]]
    with pytest.raises(FormError, match="within its first 20 rows"):
        read_xlsx(_book(tmp_path / "late.xlsx", {"Form": rows}))


def test_action_columns_are_one_action_per_line(tmp_path):
    header = ["Ref", "Code requirement", "Compliant?", "Action", "Action owner", "Action due", "Action done"]
    path = _book(tmp_path / "actions.xlsx", {"Form": [
        header,
        ["6.2", "Acknowledge within five working days.", "Partial",
         "Retrain stage 1 officers\nChange the letter template", "Head of CX\nComplaints lead",
         "31/03/2026\n30/06/2026", "No\nYes"],
        # a date cell and a boolean cell; a line of owner with no action is listed
        ["6.3", "Respond within ten working days.", "No", "Recruit two officers", "HR\nFinance",
         dt.datetime(2026, 3, 31), True],
        # a continuation row adds its own actions, aligned on its own lines
        [None, None, None, "• Report monthly to the board", "Director", None, None],
    ]})
    form = read_xlsx(path)
    assert [row.actions for row in form.rows] == [
        (FormAction("Retrain stage 1 officers", "Head of CX", "31/03/2026", "No"),
         FormAction("Change the letter template", "Complaints lead", "30/06/2026", "Yes")),
        (FormAction("Recruit two officers", "HR", "31/03/2026", "TRUE"),
         FormAction("Report monthly to the board", "Director", "", "")),
    ]
    assert form.unread == [Unread("sheet 'Form', row 3", "an action's owner, due date or done with no action "
                                                         "beside it", "Finance")]


def test_numbers_stored_as_numbers_get_their_trailing_zero_back(tmp_path):
    rows = [HEADER]
    # 5.8, 5.9 then 5.10 stored as 5.1, then 5.11: recovered from the number before it
    for number in (5.8, 5.9, 5.1, 5.11):
        rows.append([number, f"provision {number}", "Yes"])
    # 6.1 and 6.2 stay; 6.19 then 6.20 stored as 6.2
    for number in (6.1, 6.2, 6.19, 6.2):
        rows.append([number, f"provision {number}", "Yes"])
    # the first of its section, followed by 7.11: 7.10; followed by 8.2: 8.1
    rows += [[7.1, "x", "Yes"], [7.11, "x", "Yes"], [8.1, "x", "Yes"], [8.2, "x", "Yes"]]
    # alone in its section: 9.1 is 9.1 (no version of the Code has a 9.10); 4.1 cannot be told from
    # 4.10 (the 2022 Code has one), so the row is given no provision's number and is listed
    rows += [[9.1, "alone", "Yes"], [4.1, "alone too", "Yes"]]
    form = read_xlsx(_book(tmp_path / "numbers.xlsx", {"Form": rows}))
    assert [row.number for row in form.rows] == [
        "5.8", "5.9", "5.10", "5.11", "6.1", "6.2", "6.19", "6.20", "7.10", "7.11", "8.1", "8.2", "9.1",
        "4.1 or 4.10"]
    assert form.unread == [Unread(
        "sheet 'Form', row 15", "the number cell holds 4.1 as a number, which Excel also stores for 4.10: store the "
                                "numbers as text", "alone too")]
    # numbers stored as text are read as they are
    text = read_xlsx(_book(tmp_path / "text.xlsx", {"Form": [HEADER, ["5.10", "x", "Yes"]]}))
    assert [row.number for row in text.rows] == ["5.10"] and not text.unread


def test_cells_read_as_a_spreadsheet_shows_them(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Provision", "Question", "Compliance", "Notes"])
    sheet.append(["4.5", "What proportion of complaints are resolved at stage 1?", 0.85, "●Quarterly report"])
    sheet["C2"].number_format = "0%"
    sheet.append(["4.6", "How many complaints were escalated?", 12.0, "Figure\r\nfrom the log"])
    sheet.append(["4.7", "Average days to respond", 7.25, None])
    sheet["C4"].number_format = "0.0"
    book.save(tmp_path / "figures.xlsx")
    form = read_xlsx(tmp_path / "figures.xlsx")
    assert [(row.status, row.commentary) for row in form.rows] == [
        ("85%", f"{BULLET}Quarterly report"), ("12", "Figure\nfrom the log"), ("7.3", "")]


def test_the_heading_of_a_form_pasted_from_word_is_in_its_first_column(tmp_path):
    # the Word form's merged heading row lands in column A, before the table's first named column
    rows = [[None, *HEADER], ["Definition of a complaint"], [None, "1.2", "x", "Yes"],
            [None, None, "Complaint stages"], [None, None, "more of the requirement."]]
    form = read_xlsx(_book(tmp_path / "pasted.xlsx", {"Form": rows}))
    assert [(row.number, row.section, row.requirement) for row in form.rows] == [
        ("1.2", "Definition of a complaint", "x\nComplaint stages\nmore of the requirement.")]


def test_a_header_repeated_on_each_page_is_skipped(tmp_path):
    rows = [HEADER, ["1.2", "a", "Yes"], HEADER, ["1.3", "b", "No"]]
    form = read_xlsx(_book(tmp_path / "pages.xlsx", {"Form": rows}))
    assert [(row.number, row.requirement) for row in form.rows] == [("1.2", "a"), ("1.3", "b")]
    assert not form.unread


def test_files_that_are_not_workbooks_are_refused(tmp_path):
    text = tmp_path / "notes.xlsx"
    text.write_text("Code provision,Comply\n1.2,Yes\n")
    with pytest.raises(FormError, match="found a file that is not an Office package: save it from Excel"):
        read_xlsx(text)
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(FormError, match=r"found an Office 97-2003 file \(.doc or .xls\) or a file protected"):
        read_xlsx(old)
    word = tmp_path / "form.xlsx"
    with zipfile.ZipFile(word, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(FormError, match="found a Word document"):
        read_xlsx(word)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not xml")
    with pytest.raises(FormError, match="damaged"):
        read_xlsx(damaged)
    with pytest.raises(FormError, match="no such file"):
        read_xlsx(tmp_path / "missing.xlsx")


def test_a_symbolic_link_and_an_oversized_file_are_refused(tmp_path, monkeypatch):
    real = _book(tmp_path / "real.xlsx", {"Form": [HEADER, ["1.2", "x", "Yes"]]})
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    with pytest.raises(FormError, match="symbolic link"):
        read_xlsx(link)
    csv_link = tmp_path / "link.csv"
    csv_link.symlink_to(real)
    with pytest.raises(FormError, match="symbolic link"):
        read_csv(csv_link)
    monkeypatch.setattr(source, "MAX_BYTES", 100)
    with pytest.raises(FormError, match="at most 0 MB"):
        read_xlsx(real)


def test_a_workbook_that_unpacks_too_big_is_refused(tmp_path, monkeypatch):
    path = _book(tmp_path / "big.xlsx", {"Form": [HEADER, ["1.2", "x" * 5000, "Yes"]]})
    monkeypatch.setattr(source, "MAX_UNPACKED", 1000)
    with pytest.raises(FormError, match="unpacks to at most"):
        read_xlsx(path)


def test_a_folder_and_an_empty_file_are_refused(tmp_path):
    with pytest.raises(FormError, match=r"expected an Excel workbook .*; found a folder"):
        read_xlsx(tmp_path)
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(FormError, match="found an empty file"):
        read_xlsx(empty)
    empty_csv = tmp_path / "empty.csv"
    empty_csv.write_bytes(b"\n \r\n")
    with pytest.raises(FormError, match="found an empty file"):
        read_csv(empty_csv)


RESIDENT = "Mrs Jane Resident, 4 Elm Road"


def test_a_damaged_workbook_is_refused_without_its_contents(tmp_path):
    # a number cell holding a text: openpyxl's error quotes the text
    path = _book(tmp_path / "form.xlsx", {"Form": [HEADER, ["1.2", "x", 1.5]]})
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"<v>1.5</v>", f"<v>{RESIDENT}</v>".encode())
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(FormError, match=r"found a damaged one \(ValueError\)") as caught:
        read_xlsx(path)
    assert "Jane" not in str(caught.value)


def test_a_sheet_that_is_not_the_form_is_listed_without_its_text(tmp_path):
    cases = [["Case", "Resident", "Address"]] + [[f"C-{n}", RESIDENT, "4 Elm Road"] for n in range(30)]
    cases.insert(10, [])  # a blank row is not counted
    path = _book(tmp_path / "book.xlsx", {"Form": [HEADER, ["1.2", "x", "Yes"]], "Case log": cases})
    form = read_xlsx(path)
    assert form.unread == [Unread("sheet 'Case log'", "a sheet without the form's header (not read: 31 rows with "
                                                      "text)")]
    assert "Jane" not in repr(form)


def test_a_cell_far_down_a_sheet_does_not_make_every_row_above_it_read(tmp_path, monkeypatch):
    # a few kilobytes with one cell in Excel's last row: read row by row, a million blank rows
    path = _book(tmp_path / "far.xlsx", {"Form": [HEADER, ["1.2", "x", "Yes"], [], ["1.3", "y", "No"]],
                                         "Notes": []})
    book = openpyxl.load_workbook(path)
    book["Form"].cell(1_048_576, 1, "far away")
    book["Notes"].cell(1_048_576, 2, "far away")
    book["Form"].cell(spreadsheet.MAX_ROWS, 1, "1.4")  # the last row read is read
    book.save(path)
    cells = 0
    cell_text = spreadsheet._cell_text

    def counted(cell):
        nonlocal cells
        cells += 1
        return cell_text(cell)

    monkeypatch.setattr(spreadsheet, "_cell_text", counted)
    form = read_xlsx(path)
    assert [row.number for row in form.rows] == ["1.2", "1.3", "1.4"]  # a gap of blank rows is read on
    assert form.unread == [
        Unread("sheet 'Form'", "rows after row 5,000 (not read: at most 5,000 rows of a sheet are read)"),
        Unread("sheet 'Notes'", "rows after row 5,000 (not read: at most 5,000 rows of a sheet are read)"),
    ]
    # each sheet's rows are read up to the limit and one more (to know there are more), never to row 1,048,576
    assert cells <= 2 * (spreadsheet.MAX_ROWS + 1) * spreadsheet.MAX_COLUMNS


def test_text_just_past_the_last_row_read_is_listed(tmp_path):
    path = _book(tmp_path / "long.xlsx", {"Form": [HEADER, ["1.2", "x", "Yes"]]})
    book = openpyxl.load_workbook(path)
    book["Form"].cell(spreadsheet.MAX_ROWS + 1, 2, "one more")
    book.save(path)
    assert read_xlsx(path).unread == [
        Unread("sheet 'Form'", "rows after row 5,000 (not read: at most 5,000 rows of a sheet are read)")]



TICKS_HEADER = ["Code provision", "Code requirement", "Yes", "No", "Partial", "N/A", "Evidence"]


def test_a_form_with_a_tick_column_per_status(tmp_path):
    path = _book(tmp_path / "ticks.xlsx", {"Form": [
        ["Self-assessment"],
        TICKS_HEADER,
        ["1.2", "Define a complaint.", "✓", None, None, None, "Complaints Policy"],
        ["1.3", "Use the definition.", None, "X", None, None, "Letters"],
        # a row split in two: its tick on the first row
        ["1.4", "Accept complaints", None, None, "✔", None, None],
        [None, "from anyone.", None, None, None, None, "Leaflet"],
        ["2.1", "Exclusions.", None, None, None, "x", None],
        # two columns ticked, and none: listed by the importer, never taken for one status
        ["2.2", "Explain exclusions.", "✓", "✓", None, None, None],
        ["2.3", "Not yet assessed.", None, None, None, None, "Draft"],
        # a cell beyond the header is still listed
        ["2.4", "Keep records.", "Y", None, None, None, None, "stray"],
    ]})
    form = read_xlsx(path)
    assert [(row.number, row.status) for row in form.rows] == [
        ("1.2", "Yes"), ("1.3", "No"), ("1.4", "Partial"), ("2.1", "N/A"),
        ("2.2", "ticks not read as one status: Yes ✓, No ✓"), ("2.3", ""), ("2.4", "Yes")]
    assert form.rows[2].requirement == "Accept complaints\nfrom anyone." and form.rows[2].evidence == "Leaflet"
    # the ticks are the form's cells, not cells under no column
    assert form.unread == [Unread("sheet 'Form', cell H10", "a cell outside the form's columns", "stray")]


def test_a_tick_form_imports_its_statuses_and_lists_ticks_that_are_not_one(tmp_path):
    from audit_lib.form.importer import plan_import

    def wording(number: str) -> str:
        return C2024.provision(number).text

    path = _book(tmp_path / "ticks.xlsx", {"Form": [
        TICKS_HEADER,
        ["1.2", wording("1.2"), "✓", None, None, None, "Complaints Policy"],
        ["1.3", wording("1.3"), None, "✔", None, None, None],
        ["1.4", wording("1.4"), None, None, "x", None, None],
        ["1.5", wording("1.5"), "✓", "✓", None, None, "Leaflet"],
    ]})
    plan = plan_import(path, C2024)
    assert {pid: answer.status for pid, answer in plan.answers.items()} == {
        "2024:1.2": Status.YES, "2024:1.3": Status.NO, "2024:1.4": Status.PARTIAL, "2024:1.5": None}
    assert [(u.where, u.reason.split(" (")[0], u.text) for u in plan.unread] == [
        ("sheet 'Form', row 5", "a Comply cell that states no status", "ticks not read as one status: Yes ✓, No ✓")]


def test_a_number_that_may_be_5_1_or_5_10_is_told_by_its_wording_or_not_imported(tmp_path):
    from audit_lib.form.importer import plan_import

    note = "the number cell holds 5.1 as a number, which Excel also stores for 5.10: store the numbers as text"
    path = _book(tmp_path / "alone.xlsx", {"Form": [
        HEADER, [1.2, C2024.provision("1.2").text, "Yes"], [5.1, C2024.provision("5.1").text, "No"]]})
    plan = plan_import(path, C2024)
    # 1.2 is 1.2: no version of the Code has a 1.20; 5.1's wording says it is 5.1
    assert {pid: a.status.value for pid, a in plan.answers.items()} == {"2024:1.2": "Yes", "2024:5.1": "No"}
    assert [(u.where, u.reason) for u in plan.unread] == [
        ("sheet 'Form', row 3", note), ("sheet 'Form', row 3", "read as 5.1: its wording is 5.1's, not 5.10's")]
    # without wording to tell: not imported, and listed
    path = _book(tmp_path / "bare.xlsx", {"Form": [
        HEADER, [1.2, C2024.provision("1.2").text, "Yes"], [5.1, "Stage 1", "No"]]})
    plan = plan_import(path, C2024)
    assert list(plan.answers) == ["2024:1.2"]
    assert [(u.where, u.reason) for u in plan.unread] == [
        ("sheet 'Form', row 3", note),
        ("sheet 'Form', row 3", "a number that could be 5.1 or 5.10 and a wording that does not tell which: not "
                                "imported")]


def test_a_csv_with_a_tick_column_per_status(tmp_path):
    path = tmp_path / "ticks.csv"
    path.write_text("Ref,Question,Y,N,Comments\n1.2,Define a complaint.,✓,,Done\n1.3,Use it.,,✓,\n",
                    encoding="utf-8")
    form = read_csv(path)
    assert [(row.number, row.status, row.commentary) for row in form.rows] == [
        ("1.2", "Yes", "Done"), ("1.3", "No", "")]
    assert form.unread == []


def test_a_hidden_sheet_is_read_and_said_to_be(tmp_path):
    path = _book(tmp_path / "hidden.xlsx", {
        "Form": [HEADER, ["1.2", "a", "Yes"]],
        "Old form": [HEADER, ["1.3", "b", "No"]],
        "Lists": [["Yes"], ["No"], ["Partial"]],
    })
    book = openpyxl.load_workbook(path)
    book["Old form"].sheet_state = "hidden"
    book["Lists"].sheet_state = "veryHidden"
    book.save(path)
    form = read_xlsx(path)
    assert [row.number for row in form.rows] == ["1.2", "1.3"]
    assert form.unread == [
        Unread("sheet 'Old form'", "a hidden sheet, read: check it is meant to be part of the form"),
        Unread("sheet 'Lists'", "a hidden sheet without the form's header (not read: 3 rows with text)"),
    ]


def _cache_values(path: Path, part: str, values: dict[str, tuple[str | None, str]]) -> None:
    """Put into the sheet ``part`` of the workbook at ``path`` the value Excel saves for each formula
    cell (cell -> (type, value)), as Excel does and openpyxl does not."""
    import re as regex

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts[part].decode("utf-8")
    for cell, (kind, value) in values.items():
        typed = f' t="{kind}"' if kind else ""
        xml, found = regex.subn(rf'<c r="{cell}"([^>]*)><f>([^<]*)</f><v\s*/?>(?:</v>)?',
                                rf'<c r="{cell}"\1{typed}><f>\2</f><v>{value}</v>', xml)
        assert found == 1, cell
    parts[part] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_a_formula_with_no_value_saved_is_listed_never_quoted(tmp_path):
    path = _book(tmp_path / "formulas.xlsx", {"Form": [
        ["=\"Self-assessment \"&YEAR(TODAY())"],
        [*HEADER, "Score"],
        ["1.2", "Define a complaint.", '=IF(Sheet2!A1="","Yes","No")', "Policy", None, "=1+1"],
        ["1.3", "Use it.", "=D4", "Letters", '=""'],
        ["1.4", "Accept.", "=D4", "Leaflet", None],
    ]})
    # Excel saved the values of two: "No" for C4's, and "" (a formula giving nothing) for E4's
    _cache_values(path, "xl/worksheets/sheet1.xml", {"C4": ("str", "No"), "E4": ("str", "")})
    form = read_xlsx(path)
    assert [(row.number, row.status) for row in form.rows] == [("1.2", ""), ("1.3", "No"), ("1.4", "")]
    # the cells of the form's columns with no value saved; the title's and a column not of the form's are
    # not the form's
    why = "a formula with no value saved (open the file in Excel and save it, then import again)"
    assert form.unread == [Unread("sheet 'Form', cell C3", why), Unread("sheet 'Form', cell C5", why)]
    assert "IF(" not in repr(form) and "Sheet2" not in repr(form)


# --- reading CSV -----------------------------------------------------------------------------------

def test_a_csv_with_semicolons_in_windows_1252(tmp_path):
    text = ("Self-assessment 2024–25\r\n"
            "Code provision;Code requirement;Comply: Yes / No;Evidence;Commentary / explanation\r\n"
            "Section 7: Putting things right\r\n"
            "7.1;Remedies must be offered;Yes;Compensation policy – £50 minimum;\"Café meeting; see notes\"\r\n"
            ";;;Remedy log;\r\n")
    path = tmp_path / "form.csv"
    path.write_bytes(text.encode("cp1252"))
    form = read_csv(path)
    assert form.kind == "csv" and form.title == "Self-assessment 2024–25"
    assert form.rows == [FormRow(
        where="row 4", number="7.1", requirement="Remedies must be offered", status="Yes",
        evidence="Compensation policy – £50 minimum\nRemedy log", commentary="Café meeting; see notes",
        section="Section 7: Putting things right")]
    assert form.unread == []


def test_a_csv_in_utf8_with_a_byte_order_mark_commas_or_tabs(tmp_path):
    comma = tmp_path / "comma.csv"
    comma.write_bytes("\ufeffProvision,Requirement,Status,Notes,Lead officer\n5.10,\"Text, with a comma\",N/A,"
                      "\"line one\nline two\",extra\n".encode())
    form = read_csv(comma)
    assert [(r.number, r.requirement, r.status, r.commentary) for r in form.rows] == [
        ("5.10", "Text, with a comma", "N/A", "line one\nline two")]
    assert form.unread == [Unread("column E", "column 'Lead officer' (1 cell) is not a column of the form: not "
                                              "imported")]
    # a CSV saved from Excel writes 5.10 as 5.1: recovered the same way
    saved = tmp_path / "saved.csv"
    saved.write_text("Provision,Compliance\n5.8,Yes\n5.9,Yes\n5.1,No\n5.11,Yes\n", encoding="utf-8")
    assert [r.number for r in read_csv(saved).rows] == ["5.8", "5.9", "5.10", "5.11"]
    tab = tmp_path / "tab.csv"
    tab.write_text("Code provision\tCode requirement\tComply: Yes / No\n1.2\tDefine it\tNo\n", encoding="utf-8")
    assert [(r.number, r.status) for r in read_csv(tab).rows] == [("1.2", "No")]
    utf16 = tmp_path / "unicode.csv"
    utf16.write_bytes("Code provision\tComply: Yes / No\n1.2\tYes – see policy\n".encode("utf-16"))
    assert [(r.number, r.status) for r in read_csv(utf16).rows] == [("1.2", "Yes – see policy")]


def test_csv_files_that_cannot_be_read_are_refused(tmp_path):
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x00\x01\x02garbage\x00" * 50)
    with pytest.raises(FormError, match="found a binary file"):
        read_csv(binary)
    workbook = _book(tmp_path / "saved.csv", {"Form": [HEADER]})
    with pytest.raises(FormError, match=r"expected a CSV file; found a zip package .*: import a workbook as \.xlsx"):
        read_csv(workbook)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(FormError, match="found an empty file"):
        read_csv(empty)
    no_header = tmp_path / "cases.csv"
    no_header.write_text("case,received\n1,2024-04-01\n")
    with pytest.raises(FormError, match="header row") as caught:
        read_csv(no_header)
    assert caught.value.path == no_header


def test_a_field_the_csv_reader_cannot_hold_is_refused_naming_its_row(tmp_path):
    lines = ["Code provision,Comply: Yes / No,Evidence", "1.2,Yes,Policy", f"1.3,Yes,\"{'Jane ' * 40_000}\"",
             "1.4,No,", "1.5,Yes,Leaflet"]
    path = tmp_path / "big.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    with pytest.raises(FormError, match=r"found a field that cannot be read in row 3 \(a CSV field holds at most "
                                        r"131,072 characters\): ") as caught:
        read_csv(path)
    assert "Jane" not in str(caught.value) and caught.value.path == path
    # a NUL past the first 8 KB (within them the file is refused as binary) is no text: dropped
    nul = tmp_path / "nul.csv"
    nul.write_text(f"Code provision,Comply,Code requirement\r\n1.2,Yes,{'x' * 9000}\r\n1.3,Y\0es,y\r\n",
                   encoding="utf-8")
    assert read_csv(nul).rows[-1] == FormRow(where="row 3", number="1.3", requirement="y", status="Yes")


def test_blank_lines_past_the_last_row_read_are_not_read_one_by_one(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 10)
    blank = tmp_path / "blank.csv"
    blank.write_text("Code provision,Comply\n1.2,Yes\n" + "\n" * 100_000 + ",,\n")
    rows = 0
    csv_rows = spreadsheet._csv_rows

    def counted(*args):
        nonlocal rows
        for cells in csv_rows(*args):
            rows += 1
            yield cells

    monkeypatch.setattr(spreadsheet, "_csv_rows", counted)
    form = read_csv(blank)
    assert [row.number for row in form.rows] == ["1.2"] and form.unread == []
    assert rows <= 3 * 20 + 11  # the header looked for with each delimiter, then the rows read
    text = tmp_path / "text.csv"
    text.write_text("Code provision,Comply\n1.2,Yes\n" + "\n" * 100 + ",1.9,Yes\n")
    assert read_csv(text).unread == [Unread("row 11", "rows after row 10 (not read: at most 10 rows are read)")]


def test_the_csv_export_reads_back_with_its_code_version(tmp_path):
    path = write_csv(_form(answers=ANSWERS), tmp_path / "form.csv")
    form = read_csv(path)
    assert form.stated_code == "2024"
    by_number = {row.number: row for row in form.rows}
    assert len(by_number) == len(C2024.provisions)
    # the counts and the next due date are not the evidence, an action or its due date
    assert by_number["1.2"] == FormRow(where="row 2", number="1.2", status="Yes", section="1")
    assert by_number["1.3"] == FormRow(where="row 3", number="1.3", status="Partial", section="1")
    # the code version is read, not listed; the product's other columns are listed once each
    # (tier is blank in the 2024 Code: nothing to list)
    count = len(C2024.provisions)
    assert form.unread == [
        Unread(f"column {letter}", f"column '{name}' ({cells} cells) is not a column of the form: not imported")
        for letter, name, cells in (("F", "evidence_items", count), ("G", "open_actions", count),
                                    ("H", "next_action_due", 2), ("I", "chc_audit_version", count),
                                    ("J", "answers_sha256", count))]
    c2022 = load_catalogue("2022")
    tiers = read_csv(write_csv(_form(c2022), tmp_path / "2022.csv"))
    assert Unread("column D", f"column 'tier' ({len(c2022.provisions)} cells) is not a column of the form: not "
                              "imported") in tiers.unread
    assert len(tiers.unread) == 5


def test_a_csv_stating_two_code_versions_is_refused(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("code_version,provision,status\n2024,1.2,Yes\n2024,1.3,No\n2022,1.4,Yes\n,1.5,Yes\n")
    with pytest.raises(FormError, match=r"found rows stating the 2024 Code \(rows 2 and 3\) and the 2022 Code "
                                        r"\(row 4\)") as caught:
        read_csv(path)
    assert caught.value.path == path
    # a row not stating a version does not make another one
    one = tmp_path / "one.csv"
    one.write_text("code_version,provision,status\n2022,1.2,Yes\n,1.3,No\n")
    assert read_csv(one).stated_code == "2022"
    # a CSV without the column states none
    none = tmp_path / "none.csv"
    none.write_text("provision,status\n1.2,Yes\n")
    assert read_csv(none).stated_code is None


# --- writing the workbook --------------------------------------------------------------------------

SHA = "ab" * 32


def _form(catalogue=C2024, answers=None, sha: str | None = SHA):
    assessment = Assessment(
        landlord="riverbend-homes", period="2024-25", code=catalogue.code,
        signoff=SignOffs(prepared=SignOff(name="Priya Shah", role="Complaints Manager", date=dt.date(2025, 5, 12)),
                         approved=SignOff(name="Board", role="Governing body", date=dt.date(2025, 6, 2))),
        answers=answers or {},
    )
    form = filled_form(catalogue, assessment, landlord_name="Riverbend Homes", made=dt.date(2025, 6, 3))
    return form if sha is None else type(form)(**{**form.__dict__, "answers_sha256": sha})


ANSWERS = {
    "2024:1.2": Answer(status=Status.YES, evidence=[Evidence(description="Complaints Policy", reference="POL-01"),
                                                   Evidence(description="=HYPERLINK(\"http://x\",\"click\")")],
                       commentary="Defined as the Code defines it.\nReviewed annually."),
    "2024:1.3": Answer(status=Status.PARTIAL, evidence=[Evidence(description="+44 1952 000000 helpline")],
                       commentary="-see above",
                       actions=[Action(text="Update letters", owner="Head of CX", due=dt.date(2026, 3, 31)),
                                Action(text="@risk review", owner="Board", due=None, done=True)]),
    "2024:5.10": Answer(status=Status.NA, commentary="\tindented"),
    "2024:6.2": Answer(status=Status.NO, commentary="Late acknowledgements.",
                       actions=[Action(text="Retrain staff", due=dt.date(2025, 12, 1))]),
}


def test_the_workbook_as_written(tmp_path):
    path = write_xlsx(_form(answers=ANSWERS), tmp_path / "out" / "form.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Self-assessment", "Sign-off"]
    sheet = book["Self-assessment"]
    assert sheet["A1"].value == "Riverbend Homes: Complaint Handling Code 2024 self-assessment, 2024-25"
    assert [cell.value for cell in sheet[3]] == list(spreadsheet.XLSX_HEADER)
    assert sheet.freeze_panes == "A4"
    assert sheet.max_row == 3 + len(C2024.provisions)
    row = {cell.column_letter: cell.value for cell in sheet[4]}
    assert row == {"A": "1. Definition of a complaint", "B": "1.2", "C": C2024.provision("1.2").text, "D": "Yes",
                   "E": f"{BULLET}Complaints Policy [POL-01]\n{BULLET}=HYPERLINK(\"http://x\",\"click\")",
                   "F": "Defined as the Code defines it.\nReviewed annually.", "G": None, "H": None, "I": None, "J": None}
    row = {cell.column_letter: cell.value for cell in sheet[5]}
    assert row["D"] == "Partial" and row["F"] == "-see above"
    assert (row["G"], row["H"], row["I"], row["J"]) == (
        "Update letters\n@risk review", "Head of CX\nBoard", "31/03/2026\n—", "No\nYes")
    stage1 = next(r for r in sheet.iter_rows(min_row=4) if r[1].value == "6.2")
    assert stage1[0].value == "6. Complaint stages: Stage 1"
    assert sheet["C4"].alignment.wrap_text
    assert sheet.column_dimensions["C"].width == 60
    # the Comply column accepts the four statuses
    (choices,) = sheet.data_validations.dataValidation
    assert choices.type == "list" and choices.formula1 == '"Yes,Partial,No,N/A"'
    assert str(choices.sqref) == f"D4:D{3 + len(C2024.provisions)}"
    signoff = book["Sign-off"]
    assert [[c.value for c in r] for r in signoff.iter_rows(min_row=3, max_row=6)] == [
        [None, "Name", "Role", "Date"],
        ["Prepared by", "Priya Shah", "Complaints Manager", "12/05/2025"],
        ["Reviewed by", None, None, None],
        ["Approved by (governing body)", "Board", "Governing body", "02/06/2025"],
    ]


def test_texts_that_look_like_formulas_stay_texts(tmp_path):
    path = write_xlsx(_form(answers=ANSWERS), tmp_path / "form.xlsx")
    sheet = openpyxl.load_workbook(path)["Self-assessment"]
    cells = {cell.value: cell for row in sheet.iter_rows(min_row=4) for cell in row if cell.value}
    for text in (f"{BULLET}=HYPERLINK(\"http://x\",\"click\")".removeprefix(BULLET), "-see above", "\tindented",
                 "Update letters\n@risk review"):
        matching = [cell for value, cell in cells.items() if text in value]
        assert matching, text
        for cell in matching:
            assert cell.data_type == "s", text
    assert cells["-see above"].quotePrefix and cells["\tindented"].quotePrefix
    # the saved XML holds no formula at all, only inline strings
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    assert "=HYPERLINK(&quot;http://x&quot;,&quot;click&quot;)" in xml or '=HYPERLINK("http://x","click")' in xml
    # a cell that is nothing but a formula-looking text
    form = _form(answers={"2024:1.2": Answer(status=Status.YES, commentary="=1+1"),
                          "2024:1.4": Answer(status=Status.YES, commentary="+44 1952")})
    sheet = openpyxl.load_workbook(write_xlsx(form, tmp_path / "bare.xlsx"))["Self-assessment"]
    assert (sheet["F4"].value, sheet["F4"].data_type) == ("=1+1", "s")
    assert (sheet["F6"].value, sheet["F6"].data_type) == ("+44 1952", "s")
    values = openpyxl.load_workbook(tmp_path / "bare.xlsx", data_only=True)["Self-assessment"]
    assert values["F4"].value == "=1+1"


def test_the_workbook_carries_the_version_and_the_answers_sha(tmp_path):
    form = _form(answers=ANSWERS)
    book = openpyxl.load_workbook(write_xlsx(form, tmp_path / "form.xlsx"))
    props = book.properties
    assert props.version == form.product_version
    assert props.identifier == f"answers-sha256:{SHA}"
    assert SHA in props.keywords and form.product_version in props.keywords
    assert SHA in props.description and props.title.startswith("Riverbend Homes")
    custom = {prop.name: prop.value for prop in book.custom_doc_props.props}
    assert custom == {"chc-audit version": form.product_version, "answers SHA-256": SHA}


def test_a_2020_questionnaire_restricts_only_the_status_rows(tmp_path):
    c2020 = load_catalogue("2020")
    figure = next(p for p in c2020.provisions if p.answer == "figure")
    form = _form(c2020, answers={figure.id: Answer(value="-5% on last year")})
    sheet = openpyxl.load_workbook(write_xlsx(form, tmp_path / "2020.xlsx"))["Self-assessment"]
    (choices,) = sheet.data_validations.dataValidation
    value_rows = {4 + i for i, p in enumerate(sorted(c2020.provisions, key=lambda p: p.sort_key)) if p.asks_for_value}
    covered = {cell[0] for rng in choices.sqref.ranges for cell in rng.cells}
    assert covered == set(range(4, 4 + len(c2020.provisions))) - value_rows
    figure_row = next(r for r in sheet.iter_rows(min_row=4) if r[1].value == figure.number)
    assert (figure_row[3].value, figure_row[3].data_type) == ("-5% on last year", "s")


def test_the_workbook_reads_back_as_written(tmp_path):
    form = _form(answers=ANSWERS)
    read = read_xlsx(write_xlsx(form, tmp_path / "form.xlsx"))
    assert read.literal
    assert read.title.startswith("Riverbend Homes: Complaint Handling Code 2024 self-assessment, 2024-25\nMade by")
    assert [row.number for row in read.rows] == [row.number for row in form.rows]
    by_number = {row.number: row for row in read.rows}
    assert by_number["1.2"] == FormRow(
        where="sheet 'Self-assessment', row 4", number="1.2", requirement=C2024.provision("1.2").text, status="Yes",
        evidence=f"{BULLET}Complaints Policy [POL-01]\n{BULLET}=HYPERLINK(\"http://x\",\"click\")",
        commentary="Defined as the Code defines it.\nReviewed annually.", section="1. Definition of a complaint")
    assert by_number["1.3"].actions == (FormAction("Update letters", "Head of CX", "31/03/2026", "No"),
                                        FormAction("@risk review", "Board", "", "Yes"))
    assert by_number["1.3"].commentary == "-see above"
    assert by_number["5.10"].commentary == "indented"  # a cell's text is read without spaces around it
    assert by_number["6.2"].actions == (FormAction("Retrain staff", "", "01/12/2025", "No"),)
    assert by_number["9.8"].status == ""
    # the sign-off sheet is listed, not read as rows
    assert [u.reason for u in read.unread] == [
        "the form's sign-off (not imported: the assessment is signed off in the workbook)"]


def test_exports_replace_the_file_and_refuse_a_link(tmp_path):
    target = tmp_path / "form.xlsx"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_xlsx(_form(), target)
    assert zipfile.is_zipfile(target) and (target.stat().st_mode & 0o777) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["form.xlsx"]  # no temporary file left
    link = tmp_path / "link.xlsx"
    link.symlink_to(tmp_path / "elsewhere.xlsx")
    with pytest.raises(FormError, match="symbolic link"):
        write_xlsx(_form(), link)
    with pytest.raises(FormError, match="symbolic link"):
        write_csv(_form(), link)
    assert not (tmp_path / "elsewhere.xlsx").exists()
    with pytest.raises(FormError, match="found a folder"):
        write_csv(_form(), tmp_path)


def test_a_text_too_long_for_excel_is_refused(tmp_path):
    form = _form(answers={"2024:1.2": Answer(status=Status.YES, commentary="x" * 40000)})
    with pytest.raises(FormError, match=r"provision 1\.2, Commentary / explanation"):
        write_xlsx(form, tmp_path / "form.xlsx")
    assert not (tmp_path / "form.xlsx").exists()


# --- writing CSV -----------------------------------------------------------------------------------

def test_the_csv_as_written(tmp_path):
    path = write_csv(_form(answers=ANSWERS), tmp_path / "form.csv")
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")  # plain UTF-8
    lines = data.decode("utf-8").split("\r\n")
    assert lines[0] == ("code_version,section,provision,tier,status,evidence_items,open_actions,next_action_due,"
                        "chc_audit_version,answers_sha256")
    stamp = f",{__version__},{SHA}"
    assert lines[1] == "2024,1,1.2,,Yes,2,0," + stamp
    assert lines[2] == "2024,1,1.3,,Partial,1,1,2026-03-31" + stamp  # the done action is not open
    assert lines[3] == "2024,1,1.4,,,0,0," + stamp
    assert "2024,5,5.10,,N/A,0,0," + stamp in lines
    assert "2024,6,6.2,,No,0,1,2025-12-01" + stamp in lines
    assert len(lines) == 1 + len(C2024.provisions) + 1 and lines[-1] == ""


def test_the_csv_guards_texts_a_spreadsheet_would_run(tmp_path):
    c2020 = load_catalogue("2020")
    figure, text = (next(p for p in c2020.provisions if p.answer == kind) for kind in ("figure", "text"))
    form = _form(c2020, answers={figure.id: Answer(value="-5%"), text.id: Answer(value="=cmd|' /C calc'!A0")})
    rows = list(csv.DictReader(io.StringIO(write_csv(form, tmp_path / "2020.csv").read_text("utf-8"))))
    by_number = {row["provision"]: row for row in rows}
    assert by_number[figure.number]["status"] == "'-5%"
    assert by_number[text.number]["status"] == "'=cmd|' /C calc'!A0"
    c2022 = load_catalogue("2022")
    rows = list(csv.DictReader(io.StringIO(write_csv(_form(c2022), tmp_path / "2022.csv").read_text("utf-8"))))
    assert {row["tier"] for row in rows} == {"must", "should"}


def test_the_csv_of_answers_never_saved_has_no_sha(tmp_path):
    rows = list(csv.DictReader(io.StringIO(write_csv(_form(sha=None), tmp_path / "f.csv").read_text("utf-8"))))
    assert {row["answers_sha256"] for row in rows} == {""}


# --- round trips through the importer ----------------------------------------------------------------

def test_an_exported_workbook_imports_as_the_same_answers(tmp_path):
    from audit_lib.form.importer import plan_import

    answers = {**ANSWERS, "2024:3.1": Answer(
        status=Status.YES, evidence=[Evidence(description="Leaflet, easy read\nand in large print", reference="LF-2"),
                                     Evidence(description="Complaints Policy and Compensation Policy")],
        commentary="Reviewed with residents; see the panel's minutes.\n\n• A bulleted line in the commentary")}
    plan = plan_import(write_xlsx(_form(answers=answers), tmp_path / "form.xlsx"), C2024)
    assert plan.code == "2024" and plan.matched_count == len(C2024.provisions)
    assert [u.reason for u in plan.unread] == [
        "the form's sign-off (not imported: the assessment is signed off in the workbook)"]
    fields = ("status", "value", "evidence", "commentary", "actions")
    got = {pid: {f: getattr(a, f) for f in fields} for pid, a in plan.answers.items()}
    want = {pid: {f: getattr(a, f) for f in fields} for pid, a in answers.items()}
    # a cell's text is read without spaces around it: the commentary "\tindented" comes back "indented"
    want["2024:5.10"]["commentary"] = "indented"
    assert got == want


def test_an_exported_2020_workbook_imports_its_figures_and_written_answers(tmp_path):
    from audit_lib.form.importer import plan_import

    c2020 = load_catalogue("2020")
    figure, text = (next(p for p in c2020.provisions if p.answer == kind) for kind in ("figure", "text"))
    status = next(p for p in c2020.provisions if p.answer == "status")
    answers = {figure.id: Answer(value="82%", commentary="From the case log."),
               text.id: Answer(value="Stage 1 and stage 2, then the Ombudsman."),
               status.id: Answer(status=Status.NO, actions=[Action(text="Adopt the definition", owner="Board",
                                                                   due=dt.date(2021, 3, 31))])}
    plan = plan_import(write_xlsx(_form(c2020, answers=answers), tmp_path / "2020.xlsx"), c2020)
    assert plan.code == "2020"
    fields = ("status", "value", "evidence", "commentary", "actions")
    assert {pid: {f: getattr(a, f) for f in fields} for pid, a in plan.answers.items()} == {
        pid: {f: getattr(a, f) for f in fields} for pid, a in answers.items()}


# --- a row without a number that has its own status; hidden rows and columns -------------------------

def test_a_row_without_a_number_but_with_a_status_is_a_row_of_its_own(tmp_path):
    # a blank number continues the row above only when the row has no status of its own: with one
    # it is a row without a number (which the matcher lists), not text added to the row above
    text = ("Code provision,Code requirement,Comply: Yes / No,Evidence,Commentary / explanation\r\n"
            "2.4,An explanation must be provided,Yes,Letters,\r\n"
            ",and the right to take it to the Ombudsman.,,Leaflet,\r\n"
            ",Landlords must not take a blanket approach,Yes,Policy,\r\n"
            "2.6,Landlords must consider,No,,\r\n")
    path = tmp_path / "sec.csv"
    path.write_text(text, encoding="utf-8")
    form = read_csv(path)
    assert [(row.where, row.number, row.requirement, row.status, row.evidence) for row in form.rows] == [
        ("row 2", "2.4", "An explanation must be provided\nand the right to take it to the Ombudsman.", "Yes",
         "Letters\nLeaflet"),
        ("row 4", None, "Landlords must not take a blanket approach", "Yes", "Policy"),
        ("row 5", "2.6", "Landlords must consider", "No", ""),
    ]
    from audit_lib.form.importer import plan_import

    plan = plan_import(path, C2024)
    assert ("row 4", "a row without a provision number") in [(u.where, u.reason) for u in plan.unread]
    assert plan.answers["2024:2.4"].status is Status.YES and [e.description for e in
                                                             plan.answers["2024:2.4"].evidence] == ["Letters", "Leaflet"]


def test_a_workbook_row_without_a_number_but_with_a_tick_is_a_row_of_its_own(tmp_path):
    path = _book(tmp_path / "ticks.xlsx", {"Form": [
        ["Code provision", "Code requirement", "Yes", "No", "Evidence"],
        ["1.2", "Define a complaint.", "✓", None, "Policy"],
        [None, "as an expression of dissatisfaction.", None, None, "Leaflet"],
        [None, "Another requirement.", None, "✓", "Log"],
    ]})
    form = read_xlsx(path)
    assert [(row.number, row.requirement, row.status) for row in form.rows] == [
        ("1.2", "Define a complaint.\nas an expression of dissatisfaction.", "Yes"),
        (None, "Another requirement.", "No")]


def test_hidden_rows_and_columns_of_a_form_sheet_are_read_and_said_to_be(tmp_path):
    path = _book(tmp_path / "hidden.xlsx", {
        "Form": [["Self-assessment"], HEADER, ["1.2", "a", "Yes", "Policy", "ok"], ["1.3", "b", "No"],
                 ["1.4", "c", "Yes"], ["1.5", "d", "Yes"], ["1.6", "e", "No"], [None, None, None, None, None, "x"]],
        "Other": [HEADER, ["2.1", "f", "Yes"]],
    })
    book = openpyxl.load_workbook(path)
    sheet = book["Form"]
    for row in (4, 5, 7, 20):  # row 20 holds nothing: not said
        sheet.row_dimensions[row].hidden = True
    sheet.column_dimensions["E"].hidden = True
    sheet.column_dimensions.group("G", "K", hidden=True)  # nothing in them: not said
    book["Other"].column_dimensions.group("C", "D", hidden=True)
    book.save(path)
    form = read_xlsx(path)
    assert [row.number for row in form.rows] == ["1.2", "1.3", "1.4", "1.5", "1.6", "2.1"]  # all read
    reason = ", read: check they are meant to be part of the form"
    hidden = [u for u in form.unread if "hidden" in u.reason]
    assert hidden == [Unread("sheet 'Form'", f"hidden rows 4–5, 7 and column E{reason}"),
                      Unread("sheet 'Other'", f"hidden columns C–D{reason}")]

