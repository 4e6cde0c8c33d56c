"""Which column of a table is which: the header cells of the Ombudsman's forms and of the
spreadsheets landlords keep, however worded, and the cells that name a count or a figure worked
out from other cells (the CSV export's ``evidence_items``), which are no column of the form."""

from __future__ import annotations

import pytest

from audit_lib.form.columns import header_columns, header_role
from audit_lib.form.spreadsheet import CSV_HEADER, XLSX_HEADER


@pytest.mark.parametrize(("cell", "role"), [
    # the 2024 form
    ("Code provision", "number"), ("Code requirement", "requirement"), ("Comply: Yes / No", "status"),
    ("Comply:\nYes / No", "status"), ("Evidence", "evidence"), ("Commentary / explanation", "commentary"),
    # the 2022 form
    ("Code section", "number"), ("Comply: Yes/No", "status"),
    ("Evidence, commentary and any explanations", "combined"),
    # spreadsheets landlords keep
    ("Ref", "number"), ("Reference", "number"), ("No.", "number"), ("Number", "number"), ("Question", "requirement"),
    ("Compliant?", "status"), ("Comments", "commentary"), ("Notes", "commentary"), ("Action owner", "owner"),
    ("Due date", "due"), ("Done", "done"), ("Completed", "done"), ("Actions", "action"),
    # this product's exports
    ("Section", "section"), ("Action", "action"), ("Action due", "due"), ("Action done", "done"),
    # words inside other words are not the word ("account" is no count)
    ("Comments and account", "commentary"),
    # a cell naming two roles is the one it names first
    ("Evidence of compliance", "evidence"), ("Comments and actions", "commentary"),
    ("Commentary / explanation / action plan", "commentary"), ("Compliance evidence", "evidence"),
    # a count typed by a person reads as the thing itself ("Evidence items" lists the evidence)
    ("Evidence items", "evidence"), ("Open actions", "action"),
    # no column of the form
    ("Lead officer", None), ("", None), ("chc_audit_version", None),
])
def test_header_cells_name_their_column(cell, role):
    assert header_role(cell) == role


@pytest.mark.parametrize("cell", [
    # the CSV export's counts and derived figure
    "evidence_items", "open_actions", "next_action_due",
    # counts as landlords word them
    "Next action due", "Number of actions", "number_of_actions",
    "No. of evidence items", "No of actions", "Evidence count", "Action count", "Count of actions",
    "Total actions", "outstanding_actions",
])
def test_a_count_or_a_derived_figure_is_no_column_of_the_form(cell):
    assert header_role(cell) is None


def test_the_exports_headers_read_back():
    assert header_columns(XLSX_HEADER).roles == {
        "section": 0, "number": 1, "requirement": 2, "status": 3, "evidence": 4, "commentary": 5, "action": 6,
        "owner": 7, "due": 8, "done": 9}
    # the CSV's counts are not the evidence, an action or a due date
    assert header_columns(CSV_HEADER).roles == {"section": 1, "number": 2, "status": 4}


def test_a_header_needs_a_number_and_a_status_or_the_forms_texts():
    assert header_columns(["Ref", "Compliant?"]).roles == {"number": 0, "status": 1}
    assert header_columns(["Ref", "Question", "Comments"]).roles == {"number": 0, "requirement": 1,
                                                                     "commentary": 2}
    assert header_columns(["Ref", "Question"]) is None
    assert header_columns(["Compliant?", "Comments"]) is None
    # counts do not make a header
    assert header_columns(["Ref", "Question", "Evidence count", "Number of comments"]) is None
    # a provision's text is no header cell
    assert header_columns(["1.2", "Landlords must define a complaint as " + "x" * 80, "Yes"]) is None
