"""Reading the form's cells (statuses, evidence, actions), matching rows to provisions, the Code
version check, and an import into the answer store: fills only, lists what differs, records
the file in the history, never writes an approved assessment."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from audit_lib.assessment.answers import Action, Answer, Evidence, SignOff, Status, empty_assessment
from audit_lib.assessment.imported import imported_answers
from audit_lib.assessment.store import AnswerStore
from audit_lib.code.catalogue import load_catalogue
from audit_lib.errors import FormError, SignOffError
from audit_lib.form.importer import apply_import, plan_import
from audit_lib.form.interpret import (
    action_line,
    answer_from_row,
    evidence_items,
    evidence_line,
    read_status,
    split_actions,
)
from audit_lib.form.match import likeness, match_form, provision_number, version_fit
from audit_lib.form.rows import BULLET, FormAction, FormRow, ReadForm

C2024 = load_catalogue("2024")
C2022 = load_catalogue("2022")
C2020 = load_catalogue("2020")


@pytest.mark.parametrize(("text", "status", "rest"), [
    ("Yes", Status.YES, ""),
    ("Y", Status.YES, ""),
    ("yes", Status.YES, ""),
    ("Yes – see policy section 3", Status.YES, "see policy section 3"),
    ("Yes - see policy", Status.YES, "see policy"),
    ("Compliant", Status.YES, ""),
    ("Fully compliant", Status.YES, ""),
    ("✓", Status.YES, ""),
    ("Partially", Status.PARTIAL, ""),
    ("Partial", Status.PARTIAL, ""),
    ("Partially compliant: stage 2 letters", Status.PARTIAL, "stage 2 letters"),
    ("No", Status.NO, ""),
    ("N", Status.NO, ""),
    ("Non-compliant", Status.NO, ""),
    ("Not compliant", Status.NO, ""),
    ("N/A", Status.NA, ""),
    ("n/a – no stage 3", Status.NA, "no stage 3"),
    ("Not applicable", Status.NA, ""),
    ("NA", Status.NA, ""),
    ("Yes (partially)", Status.PARTIAL, ""),
    ("Compliant (partially)", Status.PARTIAL, ""),
    ("Not met in full", Status.PARTIAL, ""),
    ("Not fully compliant", Status.PARTIAL, ""),
    ("✓ Yes", Status.YES, ""),
    ("No action plan yet", Status.NO, "action plan yet"),
    # not statuses, or more than one: kept whole (and listed by the importer)
    ("No issues", None, "No issues"),
    ("No longer applicable", None, "No longer applicable"),
    ("Yes and No", None, "Yes and No"),
    ("Yes / Partial", None, "Yes / Partial"),
    ("✓ No", None, "✓ No"),
    ("Nothing recorded", None, "Nothing recorded"),
    ("Yes/No", None, "Yes/No"),
    ("Noted", None, "Noted"),
    ("Yesterday", None, "Yesterday"),
    ("", None, ""),
])
def test_statuses_are_read_as_people_write_them(text, status, rest):
    assert read_status(text) == (status, rest)


def test_evidence_cells_split_into_items():
    # bullets start items; the lines after a bullet continue it
    assert [e.description for e in evidence_items(
        "• The Complaints Policy (2.1) refers.\n• Complaint handling is\nincluded in the tender\n- Training log"
    )] == ["The Complaints Policy (2.1) refers.", "Complaint handling is included in the tender", "Training log"]
    # no bullets: a line each
    # a document id with letters in several parts, a version and a section is one reference
    assert [e.reference for e in evidence_items("Complaints Policy POL-CX-001 v4 s3.1\nLetter CX/2024/117")] == [
        "POL-CX-001 v4 s3.1", "CX/2024/117"]
    assert [e.description for e in evidence_items("Complaints policy section 3\nBoard minutes March 2024")] == [
        "Complaints policy section 3", "Board minutes March 2024"]
    # an "and"-list of documents: one item per document
    assert [e.description for e in evidence_items(
        "Complaints Policy, Compensation Policy and the Unacceptable Behaviour Policy")] == [
        "Complaints Policy", "Compensation Policy", "Unacceptable Behaviour Policy"]
    # "&" joins the parts of one document's name (seed 000)
    assert len(evidence_items("Tenant Panel Approved Group the Complaints Policy & Inappropriate Behaviour "
                              "Procedure Sept 2020")) == 1
    # a sentence with "and" in it is not a list of documents
    assert len(evidence_items("Staff are trained and the policy is on the website.")) == 1


def test_references_are_recognised_where_they_look_like_one():
    items = evidence_items("Complaints policy [POL-01]\nSee https://example.org/complaints.\nPOL-02 section 4\nNo ref")
    assert [(e.description, e.reference) for e in items] == [
        ("Complaints policy", "POL-01"),
        ("See https://example.org/complaints.", "https://example.org/complaints"),
        ("POL-02 section 4", "POL-02"),
        ("No ref", None),
    ]


def test_a_cell_stating_two_statuses_on_two_lines_states_none():
    answer, unread = answer_from_row(FormRow("row 2", "1.2", status="Yes\nPartial"), C2024.provision("1.2"))
    assert answer is None or answer.status is None
    assert unread and unread[0].reason.startswith("a Comply cell that states no status")


def test_a_line_typed_after_an_exported_item_is_an_item_of_its_own():
    cell = f"{BULLET}Complaints policy [POL-01]\nWebsite page added by hand"
    assert evidence_items(cell, literal=True) == [Evidence(description="Complaints policy", reference="POL-01"),
                                                  Evidence(description="Website page added by hand")]


def test_literal_cells_are_read_back_exactly():
    items = [Evidence(description="Complaints Policy and Compensation Policy"),
             Evidence(description="POL-09 is cited", reference=None),
             Evidence(description="Policy", reference="POL-01")]
    cell = "\n".join(BULLET + evidence_line(item) for item in items)
    assert evidence_items(cell, literal=True) == items


def test_actions_written_and_read_back():
    action = Action(text="Train stage 2 handlers", owner="Head of Customer Experience", due=dt.date(2026, 3, 31),
                    done=True)
    line = action_line(action)
    assert line == "Action: Train stage 2 handlers (owner: Head of Customer Experience; due: 31/03/2026; done)"
    rest, found = split_actions(f"Commentary first.\n{line}\nAction – Training will be completed by 31/12/20")
    assert rest == "Commentary first."
    assert found == [FormAction("Train stage 2 handlers", "Head of Customer Experience", "31/03/2026", "yes"),
                     FormAction("Training will be completed by 31/12/20", "", "31/12/20", "")]
    answer, unread = answer_from_row(FormRow("row 1", "1.2", commentary=f"Text\n{line}"), C2024.provision("1.2"))
    assert unread == []
    assert answer is not None and answer.actions == [action] and answer.commentary == "Text"
    # a parenthesis that is not the exports' is part of the text
    _, found = split_actions("Action: review the policy (see minutes)")
    assert found[0].text == "review the policy (see minutes)"


def test_a_row_as_an_answer():
    row = FormRow("table 1, row 2", "1.2", "A complaint must be defined as", "Yes – see section 3",
                  evidence="• Complaints policy\n• Staff training", commentary="Adopted in 2024.")
    answer, unread = answer_from_row(row, C2024.provision("1.2"))
    assert unread == []
    assert answer == Answer(status=Status.YES, evidence=[Evidence(description="Complaints policy"),
                                                        Evidence(description="Staff training")],
                            commentary="see section 3\nAdopted in 2024.")
    # a status not understood is listed, the rest kept
    answer, unread = answer_from_row(FormRow("row 3", "1.3", status="Under review", commentary="Text"),
                                     C2024.provision("1.3"))
    assert answer is not None and answer.status is None and answer.commentary == "Text"
    assert [u.reason.split(" (")[0] for u in unread] == ["a Comply cell that states no status"]
    assert unread[0].text == "Under review"
    # nothing in the row: no answer
    assert answer_from_row(FormRow("row 4", "1.4", "requirement"), C2024.provision("1.4")) == (None, [])
    # a due date that is not a date: the action is kept without it, and listed
    answer, unread = answer_from_row(FormRow("row 5", "1.5", status="No",
                                             actions=(FormAction("Fix it", due="soon"),)), C2024.provision("1.5"))
    assert answer is not None and answer.actions == [Action(text="Fix it")]
    assert "not a date" in unread[0].reason


def test_combined_2022_cell_bullets_are_evidence_the_rest_commentary():
    row = FormRow("line 9", "1.2", status="Yes", combined=True,
                  commentary="We adopted the definition.\n• Customer Complaints Policy\nMore words.")
    answer, _ = answer_from_row(row, C2022.provision("1.2"))
    assert answer is not None
    assert [e.description for e in answer.evidence] == ["Customer Complaints Policy"]
    assert answer.commentary == "We adopted the definition.\nMore words."


def test_a_question_asking_for_a_figure_takes_the_value():
    question = next(p for p in C2020.provisions if p.asks_for_value)
    answer, unread = answer_from_row(FormRow("line 1", question.number, status="78%"), question)
    assert unread == [] and answer is not None and answer.value == "78%" and answer.status is None


def test_a_question_printed_twice_keeps_the_first_answer_and_lists_the_second():
    q = C2020.provision("1.2").text
    paragraphs = ["Definition of a Complaint", q, "Yes, approved 2020.", q, "No, withdrawn.", "More words."]
    form = ReadForm("000.txt", "text", rows=[FormRow(f"line {i}", None, p) for i, p in enumerate(paragraphs, 1)])
    matched = match_form(form, C2020)
    assert matched.answers["2020:1.2"].status is Status.YES
    assert matched.answers["2020:1.2"].commentary == "approved 2020."
    assert [(u.where, u.reason.split(" (")[0]) for u in matched.unread] == [
        ("line 4", "question 1.2 again"), ("line 4", "the answer under question 1.2 printed again")]


def test_provision_numbers():
    assert [provision_number(t) for t in ("1.2", " 5.10 ", "1.02", "3.1.", "Section 1", "12", None, "Section 1.2",
                                          "1,2", "Provision 5.10", "Code section 4.1", "1.2.3")] == [
        "1.2", "5.10", "1.2", "3.1", None, None, None, "1.2", "1.2", "5.10", "4.1", None]


def test_rows_whose_numbers_are_not_read_are_listed_never_dropped():
    rows = [FormRow("row 2", "Section 1.2", C2024.provision("1.2").text, "Yes"),
            FormRow("row 3", "1,3", C2024.provision("1.3").text, "No"),
            FormRow("row 4", "A1", C2024.provision("1.4").text, "Yes")]
    matched = match_form(ReadForm("f.xlsx", "xlsx", rows=rows), C2024)
    assert {pid: a.status for pid, a in matched.answers.items()} == {"2024:1.2": Status.YES, "2024:1.3": Status.NO}
    assert [(u.where, u.reason) for u in matched.unread] == [
        ("row 4", "a number that is not a provision's ('A1'; expected e.g. 1.2)")]


def test_a_form_with_no_rows_or_no_wording_is_refused_unless_its_version_is_named():
    with pytest.raises(FormError, match="found no rows"):
        match_form(ReadForm("f.docx", "docx", rows=[]), C2024)
    numbers_only = ReadForm("f.csv", "csv", rows=[FormRow(f"row {i}", n, "", "Yes") for i, n in
                                                  enumerate(["1.2", "5.1", "5.2"], 2)])
    with pytest.raises(FormError, match=r"prints no requirement wording .* --code 2024"):
        match_form(numbers_only, C2024)
    assert sorted(match_form(numbers_only, C2024, version_given=True).answers) == ["2024:1.2", "2024:5.1", "2024:5.2"]
    numbers_only.stated_code = "2022"  # the CSV export's code_version column
    with pytest.raises(FormError, match="says it is a self-assessment against the 2022 Code"):
        match_form(numbers_only, C2024, version_given=True)
    assert sorted(match_form(numbers_only, C2022).answers) == ["2022:1.2", "2022:5.1", "2022:5.2"]


def _form(catalogue, numbers, status="Yes", kind="text"):
    return ReadForm("form.txt", kind, rows=[
        FormRow(f"line {i}", n, catalogue.provision(n).text, status) for i, n in enumerate(numbers, 1)])


def test_the_version_is_confirmed_by_the_wording():
    form_2022 = _form(C2022, ["1.2", "1.3", "3.1", "4.1", "5.1"])
    fit = version_fit(form_2022)
    assert fit.best == "2022" and fit.scores["2022"] == pytest.approx(1.0)
    with pytest.raises(FormError, match=r"looks like a self-assessment against the 2022 Code, not the 2024 Code.*"
                                        r"--code 2022"):
        match_form(form_2022, C2024)
    matched = match_form(_form(C2024, ["1.2", "5.1", "6.2"]), C2024)
    assert sorted(matched.answers) == ["2024:1.2", "2024:5.1", "2024:6.2"]
    assert all(a.status is Status.YES for a in matched.answers.values())


def test_numbered_rows_unknown_repeated_or_reworded_are_listed():
    rows = [FormRow("line 1", "1.2", C2024.provision("1.2").text, "Yes"),
            FormRow("line 2", "1.2", C2024.provision("1.2").text, "No"),
            FormRow("line 3", "9.9", "Not a provision at all of this code", "Yes"),
            FormRow("line 4", "3.1", C2024.provision("1.2").text, "Yes"),  # 1.2's words printed at 3.1
            FormRow("line 5", None, "", "", commentary="Stray words")]
    matched = match_form(ReadForm("f.txt", "text", rows=rows), C2024)
    assert matched.answers["2024:1.2"].status is Status.YES  # the first row for 1.2 is the one imported
    assert [u.reason for u in matched.unread] == [
        "provision 1.2 again (the row at line 1 is the one imported)", "no provision 9.9 in the 2024 Code",
        "a row without a provision number"]
    assert matched.wording_differs == [("2024:3.1", "line 4")]
    assert likeness("A complaint must be defined as", C2024.provision("1.2").text) == 1.0


def test_an_unnumbered_questionnaire_is_matched_by_wording():
    paragraphs = ["Preamble about our self-assessment.", "Definition of a Complaint",
                  C2020.provision("1.2").text, "Yes, set out in section 4 of the policy.",
                  C2020.provision("1.3").text.split("\n")[0], "· Complaints Policy 2020", "· Exclusions list",
                  C2020.provision("3.8").text, "Stage 1"]
    form = ReadForm("000.txt", "text", rows=[FormRow(f"line {i}", None, p) for i, p in enumerate(paragraphs, 1)])
    assert version_fit(form).best == "2020"
    matched = match_form(form, C2020)
    # an answer starting with a status gives the question's status
    assert matched.answers["2020:1.2"].status is Status.YES
    assert matched.answers["2020:1.2"].commentary == "set out in section 4 of the policy."
    assert [e.description for e in matched.answers["2020:1.3"].evidence] == ["Complaints Policy 2020", "Exclusions list"]
    assert matched.answers["2020:3.8"].value == "Stage 1"
    assert set(matched.held) == {"2020:1.2", "2020:1.3", "2020:3.8"}


# --- into the answer store ----------------------------------------------------------------------

@pytest.fixture
def store(tmp_path):
    return AnswerStore(tmp_path / "2024-25.yaml", C2024, "riverbend-homes", "2024-25", user="auditor")


def _file(tmp_path, name="published.txt"):
    path = tmp_path / name
    path.write_text("the file's bytes\n", encoding="utf-8")
    return path


def test_import_fills_only_what_is_unanswered_and_lists_what_differs(tmp_path, store):
    store.change("2024:1.2", "status", "No")
    store.change("2024:1.3", "status", "Yes")
    form = ReadForm("published.txt", "text", rows=[
        FormRow("line 1", "1.2", C2024.provision("1.2").text, "Yes", evidence="Policy"),
        FormRow("line 2", "1.3", C2024.provision("1.3").text, "Yes"),
        FormRow("line 3", "1.4", C2024.provision("1.4").text, "Partial", commentary="Being written."),
    ])
    path = _file(tmp_path)
    plan = plan_import(path, C2024, store.assessment, form=form)
    assert list(plan.fill) == ["2024:1.4"]
    assert [(d.number, d.fields) for d in plan.differ] == [("1.2", ["status", "evidence"])]
    assert plan.same == ["2024:1.3"]
    apply_import(store, plan)
    assert store.answer("2024:1.2").status is Status.NO  # never overwritten
    assert store.answer("2024:1.4").status is Status.PARTIAL
    assert store.answer("2024:1.4").commentary == "Being written."
    history = [e for e in store.history() if "imported" in e]
    assert {(e["provision"], e["field"]) for e in history} == {("2024:1.4", "status"), ("2024:1.4", "commentary")}
    assert all(e["imported"] == {"file": "published.txt", "sha256": plan.sha256} for e in history)
    assert len(plan.sha256) == 64
    # --replace takes the file's version of the differing provisions only
    plan = plan_import(path, C2024, store.assessment, form=form)
    assert list(plan.fill) == [] and [d.number for d in plan.differ] == ["1.2"]
    apply_import(store, plan, replace=["2024:1.2"])
    assert store.answer("2024:1.2").status is Status.YES
    assert [e["old"] for e in store.history() if e.get("provision") == "2024:1.2" and "imported" in e
            and e["field"] == "status"] == ["No"]


def test_a_replace_takes_only_the_fields_the_file_gives(tmp_path, store):
    store.change("2024:1.2", "status", "No")
    store.change("2024:1.2", "commentary", "Our own notes.")
    store.change("2024:1.2", "actions", [{"text": "Revise the policy", "owner": "Head of CX"}])
    form = ReadForm("f.txt", "text", rows=[FormRow("line 1", "1.2", C2024.provision("1.2").text, "Yes")])
    plan = plan_import(_file(tmp_path), C2024, store.assessment, form=form)
    assert [(d.number, d.fields) for d in plan.differ] == [("1.2", ["status"])]  # blank cells are not differences
    apply_import(store, plan, replace=["2024:1.2"])
    answer = store.answer("2024:1.2")
    assert answer.status is Status.YES and answer.commentary == "Our own notes."
    assert [a.text for a in answer.actions] == ["Revise the policy"]


def test_an_answer_given_or_changed_after_the_plan_is_kept_and_listed(tmp_path, store):
    store.change("2024:1.2", "status", "No")
    form = ReadForm("published.txt", "text", rows=[
        FormRow("line 1", "1.2", C2024.provision("1.2").text, "Yes"),
        FormRow("line 2", "1.4", C2024.provision("1.4").text, "Partial"),
        FormRow("line 3", "1.5", C2024.provision("1.5").text, "Yes"),
    ])
    plan = plan_import(_file(tmp_path), C2024, store.assessment, form=form)
    assert list(plan.fill) == ["2024:1.4", "2024:1.5"] and [d.number for d in plan.differ] == ["1.2"]
    colleague = AnswerStore(store.path, C2024, "riverbend-homes", "2024-25", user="colleague")
    colleague.change("2024:1.2", "status", "Partial")  # after the user saw "No" and agreed to replace it
    colleague.change("2024:1.4", "status", "No")  # answered after the plan found it empty
    result = apply_import(store, plan, replace=["2024:1.2"])
    assert result.kept == ("2024:1.2", "2024:1.4")
    assert store.answer("2024:1.2").status is Status.PARTIAL and store.answer("2024:1.4").status is Status.NO
    assert store.answer("2024:1.5").status is Status.YES


def test_import_keeps_responses_to_findings_and_saves_nothing_when_nothing_is_new(tmp_path, store):
    form = ReadForm("f.txt", "text", rows=[FormRow("line 1", "1.2", C2024.provision("1.2").text, "Yes")])
    path = _file(tmp_path)
    apply_import(store, plan_import(path, C2024, store.assessment, form=form))
    revision = store.assessment.revision
    saved = apply_import(store, plan_import(path, C2024, store.assessment, form=form))
    assert saved.revision == revision  # the same answers: nothing written


def test_import_into_an_approved_assessment_is_refused():
    approved = empty_assessment("riverbend-homes", "2024-25")
    approved.signoff.approved = SignOff(name="Board", date=dt.date(2025, 6, 1))
    with pytest.raises(SignOffError, match="approved and read-only"):
        imported_answers(approved, {"2024:1.2": Answer(status=Status.YES)}, "auditor",
                         source={"file": "f.txt", "sha256": "0" * 64})


def test_plan_as_json_names_no_more_than_the_file_holds(tmp_path, store):
    form = ReadForm("f.txt", "text", rows=[FormRow("line 1", "1.2", C2024.provision("1.2").text, "Yes – see policy")])
    data = plan_import(_file(tmp_path), C2024, store.assessment, form=form).to_json()
    json.dumps(data)
    assert data["fill"] == ["2024:1.2"] and data["answers"]["2024:1.2"]["status"] == "Yes"
    assert data["answers"]["2024:1.2"]["commentary"] == "see policy"
