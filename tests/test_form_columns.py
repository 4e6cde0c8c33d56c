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


# --- forms with a tick column per status ------------------------------------------------------------

TICKS_HEADER = ["Code provision", "Code requirement", "Yes", "No", "Evidence"]


def test_a_status_word_alone_heads_a_tick_column():
    assert header_columns(TICKS_HEADER).roles == {"number": 0, "requirement": 1, "tick_yes": 2, "tick_no": 3,
                                                  "evidence": 4}
    assert header_columns(["Ref", "Requirement", "Y", "N", "Partial", "N/A"]).roles == {
        "number": 0, "requirement": 1, "tick_yes": 2, "tick_no": 3, "tick_partial": 4, "tick_na": 5}
    assert header_columns(["Ref", "Yes", "Partially", "No", "Not applicable", "Comments"]).roles == {
        "number": 0, "tick_yes": 1, "tick_partial": 2, "tick_no": 3, "tick_na": 4, "commentary": 5}
    # the compliance words alone too, beside each other
    assert header_columns(["Ref", "Compliant", "Partially compliant", "Not compliant"]).roles == {
        "number": 0, "tick_yes": 1, "tick_partial": 2, "tick_no": 3}
    # a number and the Yes and No tick columns make a header, nothing else needed
    assert header_columns(["Ref", "Yes", "No"]).roles == {"number": 0, "tick_yes": 1, "tick_no": 2}
    # without both Yes and No, the words are read as they are otherwise: "No" is the number column
    assert header_columns(["No", "Question", "Compliant?"]).roles == {"number": 0, "requirement": 1, "status": 2}
    assert header_columns(["Ref", "Yes", "Comments"]) is None
    # "No." is a number column still, beside a No tick column
    assert header_columns(["No.", "Question", "Yes", "No"]).roles == {"number": 0, "requirement": 1, "tick_yes": 2,
                                                                      "tick_no": 3}
    # the role of a status word on its own is unchanged (a "Compliant: Yes" line is a status)
    assert header_role("Yes") is None and header_role("Compliant") == "status" and header_role("No") == "number"


TICKS = header_columns(["Code provision", "Code requirement", "Yes", "Partial", "No", "N/A", "Evidence"])


@pytest.mark.parametrize(("ticks", "status"), [
    # one column marked, however marked
    (["✓", "", "", ""], "Yes"), (["", "✔", "", ""], "Partial"), (["", "", "X", ""], "No"),
    (["", "", "", "x"], "N/A"), (["Y", "", "", ""], "Yes"), (["yes", "", "", ""], "Yes"),
    (["☑", "☐", "☐", "☐"], "Yes"), (["•", "", "", ""], "Yes"), (["", "●", "", ""], "Partial"),
    (["", "", "No", ""], "No"), (["TRUE", "FALSE", "FALSE", "FALSE"], "Yes"),
    # a checkbox form: ☒ beside empty boxes is the box ticked
    (["☐", "☐", "☒", "☐"], "No"),
    # crosses beside the one column ticked are the others crossed out
    (["✗", "✓", "✗", "✗"], "Partial"),
    # nothing marked: no status
    (["", "", "", ""], ""), (["☐", "☐", "☐", "☐"], ""), (["FALSE", "FALSE", "FALSE", "FALSE"], ""),
    # several marked, or a mark that may mean either: a status the importer lists as not understood
    (["✓", "", "✓", ""], "ticks not read as one status: Yes ✓, No ✓"),
    (["✗", "", "", ""], "ticks not read as one status: Yes ✗"),
    (["☒", "", "", ""], "ticks not read as one status: Yes ☒"),
    (["✓", "", "see notes", ""], "ticks not read as one status: Yes ✓, No see notes"),
])
def test_the_status_of_a_tick_form_is_the_column_marked(ticks, status):
    assert TICKS.status(["1.2", "Define a complaint.", *ticks, "Policy"]) == status


def test_a_status_column_is_the_status_and_ticks_only_beside_a_blank_one():
    columns = header_columns(["Ref", "Comply", "Yes", "No"])
    assert columns.roles == {"number": 0, "status": 1, "tick_yes": 2, "tick_no": 3}
    assert columns.status(["1.2", "Partial", "✓", ""]) == "Partial"
    assert columns.status(["1.2", "", "", "✓"]) == "No"
    assert header_columns(["Ref", "Comply"]).status(["1.2", "Yes – see policy"]) == "Yes – see policy"
    assert header_columns(["Ref", "Comply"]).status(["1.2"]) == ""
    # tick cells are cells of the form, not others
    assert TICKS.others(["1.2", "x", "✓", "", "", "", "Policy", "stray"]) == [7]


def test_several_ticks_are_listed_by_the_importer_as_no_status():
    from audit_lib.code.catalogue import load_catalogue
    from audit_lib.form.interpret import answer_from_row
    from audit_lib.form.rows import FormRow

    status = TICKS.status(["1.2", "x", "✓", "", "✓", "", ""])
    answer, unread = answer_from_row(FormRow("row 2", "1.2", status=status, evidence="Policy"),
                                     load_catalogue("2024").provision("1.2"))
    assert answer is not None and answer.status is None
    assert [u.text for u in unread] == ["ticks not read as one status: Yes ✓, No ✓"]
    assert unread[0].reason.startswith("a Comply cell that states no status")
