"""The Ombudsman's form in Word: reading a landlord's filled-in form, and writing the answers as
the form (read back, opened by LibreOffice, imported again to the same answers)."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from audit_lib.assessment.answers import Action, Answer, Assessment, Evidence, SignOff, SignOffs, Status
from audit_lib.code.catalogue import load_catalogue
from audit_lib.core.io import sha256_of
from audit_lib.errors import FormError
from audit_lib.form import word
from audit_lib.form.filled import filled_form
from audit_lib.form.interpret import action_line, evidence_line
from audit_lib.form.rows import FormRow, Unread
from audit_lib.form.word import read_docx, write_docx

HEADER_2024 = ("Code provision", "Code requirement", "Comply: Yes / No", "Evidence", "Commentary / explanation")
HEADER_2022 = ("Code section", "Code requirement", "Comply: Yes/No", "Evidence, commentary and any explanations")


# --- building test documents ---------------------------------------------------------------------

def put(cell, *lines, style=None):
    """Write ``lines`` into ``cell`` as paragraphs (``style`` for each, e.g. "List Bullet")."""
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        if style:
            paragraph.style = style
        paragraph.add_run(line)


def fill_row(row, *cells):
    for cell, value in zip(row.cells, cells):
        if isinstance(value, tuple):
            put(cell, *value)
        elif value:
            put(cell, value)


def numbered(paragraph):
    """Give ``paragraph`` list numbering directly (numPr in its pPr), as Word does for a list
    typed in a "List Paragraph"."""
    num_pr = OxmlElement("w:numPr")
    ilvl, num_id = OxmlElement("w:ilvl"), OxmlElement("w:numId")
    ilvl.set(qn("w:val"), "0")
    num_id.set(qn("w:val"), "1")
    num_pr.append(ilvl)
    num_pr.append(num_id)
    paragraph._p.get_or_add_pPr().append(num_pr)


def merge_down(top_cell, bottom_cell):
    top_cell.merge(bottom_cell)


def ombudsman_form_2024(path: Path) -> Path:
    """A landlord's 2024 form as Word holds it: a title, a preamble, a table with a section heading
    row merged across it above the header, rows with several paragraphs and a bulleted evidence
    list, a row split across pages (its rest in a row with a blank number), the table broken
    over a page into a second table without the header, a section heading paragraph above a
    third table whose Comply cell is merged down over two provisions, a cell merged across two
    columns, a table of contacts that is not the form, and the sign-off."""
    document = docx.Document()
    document.add_heading("Riverbend Homes – Complaint Handling Code self-assessment 2024-25", level=0)
    document.add_paragraph("This self-assessment form should be completed by the complaints officer.")
    document.add_paragraph("Evidence should be included to support all statements.")

    table = document.add_table(rows=5, cols=5)
    table.style = "Table Grid"
    heading = table.rows[0].cells[0].merge(table.rows[0].cells[4])
    put(heading, "Section 1 - Definition of a complaint")
    fill_row(table.rows[1], *HEADER_2024)
    fill_row(table.rows[2], "1.2", ("A complaint must be defined as:", "'an expression of dissatisfaction'"),
             "Yes – see policy", "", ("Our policy adopts it word for word.", "", "Reviewed in April."))
    put(table.rows[2].cells[3], "Complaints Policy section 3 [POL-01]", "Complaints leaflet", style="List Bullet")
    fill_row(table.rows[3], " 1.3 ", "A resident does not have to use the word 'complaint'.", "Partially",
             "Staff training slides", "Training reaches most staff.")
    # The rest of 1.3, on the next page: no number.
    fill_row(table.rows[4], "", "A complaint via a third party must be handled in line with the policy.", "",
             "", "Action: train the repairs team (owner: Head of Repairs; due: 31/03/2026)")
    put(table.rows[4].cells[3], "Third-party consent form")
    numbered(table.rows[4].cells[3].paragraphs[0])
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # The table broken over the page into a new table, same columns, no header.
    more = document.add_table(rows=1, cols=5)
    more.style = "Table Grid"
    fill_row(more.rows[0], "1.4", "Landlords must recognise the difference between a service request and a "
             "complaint.", "N/A", "", "")

    document.add_heading("Section 2: Exclusions", level=2)
    second = document.add_table(rows=3, cols=5)
    second.style = "Table Grid"
    fill_row(second.rows[0], *HEADER_2024)
    fill_row(second.rows[1], "2.1", "Landlords must accept a complaint unless there is a valid reason.", "Yes",
             "", "")
    fill_row(second.rows[2], "2.2", "A complaints policy must set out the circumstances.", "", "", "")
    merge_down(second.rows[1].cells[2], second.rows[2].cells[2])  # "Yes" for both
    both = second.rows[1].cells[3].merge(second.rows[1].cells[4])  # evidence and commentary in one cell
    put(both, "Exclusions in the policy, section 4")

    document.add_paragraph("Contacts")
    contacts = document.add_table(rows=2, cols=2)
    fill_row(contacts.rows[0], "Team", "Telephone")
    fill_row(contacts.rows[1], "Complaints", "0100 000 000")
    signoff = document.add_table(rows=2, cols=3)
    fill_row(signoff.rows[0], "Prepared by", "Priya Shah", "12/05/2025")
    fill_row(signoff.rows[1], "Approved by", "", "")
    document.save(path)
    return path


def test_a_landlords_2024_form_reads_to_its_rows_as_printed(tmp_path):
    form = read_docx(ombudsman_form_2024(tmp_path / "form.docx"))
    assert form.kind == "docx" and form.source == "form.docx" and not form.literal
    assert form.title == "Riverbend Homes – Complaint Handling Code self-assessment 2024-25"
    section_1, section_2 = "Section 1 - Definition of a complaint", "Section 2: Exclusions"
    assert form.rows == [
        FormRow(where="table 1, row 3", number="1.2",
                requirement="A complaint must be defined as:\n'an expression of dissatisfaction'",
                status="Yes – see policy",
                evidence="• Complaints Policy section 3 [POL-01]\n• Complaints leaflet",
                commentary="Our policy adopts it word for word.\n\nReviewed in April.",
                section=section_1),
        FormRow(where="table 1, row 4", number="1.3",
                requirement="A resident does not have to use the word 'complaint'.\n"
                            "A complaint via a third party must be handled in line with the policy.",
                status="Partially",
                evidence="Staff training slides\n• Third-party consent form",
                commentary="Training reaches most staff.\n"
                           "Action: train the repairs team (owner: Head of Repairs; due: 31/03/2026)",
                section=section_1),
        FormRow(where="table 2, row 1", number="1.4",
                requirement="Landlords must recognise the difference between a service request and a complaint.",
                status="N/A", section=section_1),
        FormRow(where="table 3, row 2", number="2.1",
                requirement="Landlords must accept a complaint unless there is a valid reason.", status="Yes",
                evidence="Exclusions in the policy, section 4", section=section_2),
        FormRow(where="table 3, row 3", number="2.2", requirement="A complaints policy must set out the circumstances.",
                status="Yes", section=section_2),
    ]
    assert form.unread == [
        Unread("table 4", "table without the form's header", "Team | Telephone"),
        Unread("table 5", "the form's sign-off table (not imported: sign off in the workbook)",
               "Prepared by | Priya Shah | 12/05/2025"),
    ]


def test_a_row_split_over_pages_into_a_merged_number_cell_is_one_row(tmp_path):
    """A provision's number cell merged down over the two rows it was split into: read once."""
    document = docx.Document()
    table = document.add_table(rows=3, cols=5)
    fill_row(table.rows[0], *HEADER_2024)
    fill_row(table.rows[1], "5.1", "Landlords must have a single policy.", "Yes", "Policy", "")
    fill_row(table.rows[2], "", "Residents must not be treated differently.", "", "", "Checked in audit.")
    merge_down(table.rows[1].cells[0], table.rows[2].cells[0])
    document.save(tmp_path / "f.docx")
    assert read_docx(tmp_path / "f.docx").rows == [
        FormRow(where="table 1, row 2", number="5.1",
                requirement="Landlords must have a single policy.\nResidents must not be treated differently.",
                status="Yes", evidence="Policy", commentary="Checked in audit."),
    ]


def test_tracked_changes_nested_tables_and_extra_columns(tmp_path):
    """Inserted text is read and deleted text is not; a table inside a cell is a table of its own
    (listed, not part of the cell's text); a column that is no column of the form is listed once."""
    document = docx.Document()
    table = document.add_table(rows=2, cols=6)
    fill_row(table.rows[0], *HEADER_2024, "Internal note")
    fill_row(table.rows[1], "3.1", "Landlords must make it easy to complain.", "Yes", "Website", "", "Ask Sam")
    paragraph = table.rows[1].cells[4].paragraphs[0]
    inserted, deleted = OxmlElement("w:ins"), OxmlElement("w:del")
    for element, tag, text in ((inserted, "w:t", "Channels listed."), (deleted, "w:delText", "Old text.")):
        run, t = OxmlElement("w:r"), OxmlElement(tag)
        t.text = text
        run.append(t)
        element.append(run)
        paragraph._p.append(element)
    nested = table.rows[1].cells[3].add_table(rows=1, cols=2)
    fill_row(nested.rows[0], "Channel", "Used")
    document.save(tmp_path / "f.docx")
    form = read_docx(tmp_path / "f.docx")
    assert form.rows == [FormRow(where="table 1, row 2", number="3.1", requirement="Landlords must make it easy to "
                                 "complain.", status="Yes", evidence="Website", commentary="Channels listed.")]
    assert form.unread == [
        Unread("table 2", "table without the form's header", "Channel | Used"),
        Unread("table 1, column 6", "column 'Internal note' (1 cell) is not a column of the form: not imported"),
    ]


# --- the 2022 form ----------------------------------------------------------------------------------

def test_the_2022_form_with_its_combined_column_and_tier_subheadings(tmp_path):
    document = docx.Document()
    document.add_paragraph("Appendix B – Self-Assessment Form")
    document.add_paragraph("Section 1 - Definition of a complaint")
    document.add_paragraph("Mandatory 'must' requirements")
    table = document.add_table(rows=5, cols=4)
    fill_row(table.rows[0], *HEADER_2022)
    fill_row(table.rows[1], "1.2", "A complaint must be defined as: ...", "Yes",
             ("We have adopted this definition.", "Customer Complaints Policy"))
    heading = table.rows[2].cells[0].merge(table.rows[2].cells[3])
    put(heading, "Best practice 'should' requirements")
    fill_row(table.rows[3], "1.4", "Landlords should recognise the difference ...", "No", "Not yet.")
    fill_row(table.rows[4], "Stage 1", "", "", "")  # a subheading typed in the number cell only
    document.save(tmp_path / "f.docx")
    form = read_docx(tmp_path / "f.docx")
    assert form.title == "Appendix B – Self-Assessment Form"  # no heading style: the first short line
    section = "Section 1 - Definition of a complaint"
    assert form.rows == [
        FormRow(where="table 1, row 2", number="1.2", requirement="A complaint must be defined as: ...", status="Yes",
                commentary="We have adopted this definition.\nCustomer Complaints Policy", combined=True,
                section=section),
        FormRow(where="table 1, row 4", number="1.4", requirement="Landlords should recognise the difference ...",
                status="No", commentary="Not yet.", combined=True, section=section),
    ]
    assert form.unread == []


# --- refusals ---------------------------------------------------------------------------------------

def _workbook_bytes() -> bytes:
    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def _macro_enabled_bytes() -> bytes:
    """A Word document whose package says it is macro-enabled (.docm): a Word package that
    python-docx does not open as a document."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
            target.writestr(info, data)
    return out.getvalue()


@pytest.mark.parametrize("content, found", [
    (b"Code provision,Code requirement\n1.2,A complaint\n", "found a file that is not an Office package"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "found an Office 97-2003 file (.doc or .xls)"),
    (b"%PDF-1.7\n", "found a PDF"),
    (b"PK\x03\x04 not really a zip", "found a zip package"),
    ("xlsx", "found an Excel workbook"),
    ("docm", "found a Word file of another kind (a macro-enabled .docm or a template .dotx) or a damaged one"),
])
def test_a_file_that_is_not_a_word_document_is_refused(tmp_path, content, found):
    path = tmp_path / "form.docx"
    path.write_bytes(_workbook_bytes() if content == "xlsx" else _macro_enabled_bytes() if content == "docm"
                     else content)
    with pytest.raises(FormError, match=r"expected a Word \.docx file") as info:
        read_docx(path)
    assert found in info.value.message
    assert info.value.message.endswith("save it from Word as a Word Document (.docx)")
    assert info.value.path == path


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "form.docx"
    for content in (b"", b" \n\t"):
        path.write_bytes(content)
        with pytest.raises(FormError, match=r"expected a Word \.docx file holding the self-assessment form; found an "
                                            "empty file"):
            read_docx(path)


def _padded(path: Path, extra: int) -> Path:
    """``path``'s package again, its ``word/document.xml`` followed by ``extra`` spaces (XML
    allows white space after the document's element): a file a little larger that unpacks to
    ``extra`` bytes more."""
    out = path.with_name("padded.docx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data += b" " * extra
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out


def test_a_document_that_unpacks_to_too_much_is_refused_before_it_is_opened(tmp_path, monkeypatch):
    from audit_lib.form import source

    # A "zip bomb" in small: 3 MB of one byte compresses to a few kilobytes; with the limit
    # lowered to 2 MB the package is refused from its listing, before python-docx reads any part.
    padded = _padded(ombudsman_form_2024(tmp_path / "form.docx"), 3 * 2**20)
    assert padded.stat().st_size < 100_000
    assert [row.number for row in read_docx(padded).rows] == ["1.2", "1.3", "1.4", "2.1", "2.2"]  # whole, readable
    monkeypatch.setattr(source, "MAX_UNPACKED", 2 * 2**20)
    opened = []
    monkeypatch.setattr(docx, "Document", lambda *args, **kwargs: opened.append(args))
    with pytest.raises(FormError, match=r"expected a Word \.docx file that unpacks to at most 2 MB; found one that "
                                        r"unpacks to [34] MB") as info:
        read_docx(padded)
    assert opened == [] and info.value.path == padded


def test_a_document_without_the_forms_table_is_refused(tmp_path):
    empty = tmp_path / "empty.docx"
    docx.Document().save(empty)
    with pytest.raises(FormError, match=r"no table with the form's header \(Code provision \| Code requirement \| "
                                        r"Comply \| Evidence \| Commentary\) was found; the document has no tables"):
        read_docx(empty)
    other = docx.Document()
    fill_row(other.add_table(rows=1, cols=2).rows[0], "Team", "Telephone")
    other.save(tmp_path / "other.docx")
    with pytest.raises(FormError, match="its 1 table have other headers") as info:
        read_docx(tmp_path / "other.docx")
    assert info.value.path == tmp_path / "other.docx"


def test_a_symbolic_link_a_missing_file_and_a_folder_are_refused(tmp_path):
    real = ombudsman_form_2024(tmp_path / "real.docx")
    (tmp_path / "link.docx").symlink_to(real)
    with pytest.raises(FormError, match="found a symbolic link"):
        read_docx(tmp_path / "link.docx")
    with pytest.raises(FormError, match="found no such file: check the path"):
        read_docx(tmp_path / "missing.docx")
    (tmp_path / "folder.docx").mkdir()
    with pytest.raises(FormError, match="found a folder"):
        read_docx(tmp_path / "folder.docx")


# --- writing ----------------------------------------------------------------------------------------

MADE = dt.date(2025, 5, 20)


def assessment_2024() -> Assessment:
    return Assessment(
        landlord="riverbend-homes", period="2024-25", code="2024",
        signoff=SignOffs(prepared=SignOff(name="Priya Shah", role="Complaints Manager", date=dt.date(2025, 5, 12)),
                         reviewed=SignOff(name="Tom Reed", role="Head of Customer Experience",
                                          date=dt.date(2025, 5, 14))),
        answers={
            "2024:1.2": Answer(status="Yes", evidence=[Evidence(description="Complaints Policy, section 3",
                                                                reference="POL-01"),
                                                       Evidence(description="Complaints leaflet")],
                               commentary="Adopted word for word."),
            "2024:1.3": Answer(status="Partial", evidence=[Evidence(description="Training slides",
                                                                    reference="https://example.org/t.pdf")],
                               commentary="Most staff trained.\n\nThe repairs team is not yet.",
                               actions=[Action(text="Train the repairs team", owner="Head of Repairs",
                                               due=dt.date(2026, 3, 31)),
                                        Action(text="Add the module to induction", done=True)]),
            "2024:5.1": Answer(status="No", commentary="Two policies are in use.",
                               actions=[Action(text="Merge the policies", owner="Policy Lead",
                                               due=dt.date(2025, 12, 1))]),
            "2024:6.2": Answer(status="N/A", commentary="No complaints at stage 1 this year."),
        },
    )


def test_the_written_form_reads_back_with_the_same_texts(tmp_path):
    catalogue = load_catalogue("2024")
    answers = tmp_path / "2024-25.yaml"
    answers.write_text("stand-in for the answers file\n")
    form = filled_form(catalogue, assessment_2024(), landlord_name="Riverbend Homes", answers_sha256=sha256_of(answers),
                       made=MADE)
    path = tmp_path / "out" / "form.docx"
    write_docx(form, path)
    read = read_docx(path)
    assert read.title == ("Riverbend Homes – Self-assessment against the Housing Ombudsman's Complaint Handling "
                          "Code (2024 Code)")
    assert read.literal
    assert [row.number for row in read.rows] == [p.number for p in sorted(catalogue.provisions,
                                                                          key=lambda p: p.sort_key)]
    rows = {row.number: row for row in read.rows}
    assert rows["1.2"].status == "Yes"
    assert rows["1.2"].evidence == "• Complaints Policy, section 3 [POL-01]\n• Complaints leaflet"
    assert rows["1.2"].commentary == "Adopted word for word."
    assert rows["1.2"].requirement == catalogue.provision("1.2").text
    assert rows["1.2"].section == "Section 1: Definition of a complaint"
    partial = assessment_2024().answers["2024:1.3"]
    assert rows["1.3"].status == "Partial"
    assert rows["1.3"].evidence == "• " + evidence_line(partial.evidence[0])
    # the commentary, then one line per action as interpret.action_line writes it
    assert rows["1.3"].commentary == ("Most staff trained.\n\nThe repairs team is not yet.\n"
                                      + "\n".join(action_line(a) for a in partial.actions))
    assert rows["1.3"].commentary.split("\n")[3].startswith("Action: Train the repairs team (owner: Head of Repairs; "
                                                            "due: 31/03/2026")
    assert (rows["5.1"].status, rows["5.1"].evidence) == ("No", "")
    assert rows["6.2"].status == "N/A" and rows["6.2"].section == "Section 6: Complaint stages"
    assert rows["2.2"].requirement == catalogue.provision("2.2").text  # its "- " lines as written
    assert (rows["9.8"].status, rows["9.8"].evidence, rows["9.8"].commentary) == ("", "", "")
    assert read.unread == [Unread("table 10", "the form's sign-off table (not imported: sign off in the workbook)",
                                  "Name | Role | Date")]

    document = docx.Document(str(path))
    props = document.core_properties
    digest = form.answers_sha256
    assert digest and len(digest) == 64
    assert props.version == form.product_version
    assert props.identifier == f"answers-sha256:{digest}"
    assert props.comments == f"Made by chc-audit {form.product_version} from answers with SHA-256 {digest}"
    assert props.subject == "Complaint Handling Code self-assessment"
    assert props.author == "Riverbend Homes" and props.title == read.title
    texts = [p.text for p in document.paragraphs]
    assert texts[1].startswith("Assessment period: 2024-25.")
    assert word.PREAMBLES["2024"][0] in texts
    assert "Section 6: Complaint stages" in texts
    # The header row repeats on each page; section 6's stages are subheadings across the table.
    section_6 = document.tables[5]
    assert section_6.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in section_6.rows[0].cells] == list(word.HEADERS["2024"])
    assert section_6.rows[1].cells[0].text == "Stage 1" and len({c._tc for c in section_6.rows[1].cells}) == 1
    signoff = document.tables[-1]
    assert [[c.text for c in row.cells] for row in signoff.rows] == [
        ["", "Name", "Role", "Date"],
        ["Prepared by", "Priya Shah", "Complaints Manager", "12/05/2025"],
        ["Reviewed by", "Tom Reed", "Head of Customer Experience", "14/05/2025"],
        ["Approved by the governing body", "", "", ""],
    ]
    # Evidence is a bulleted list.
    evidence_cell = document.tables[0].rows[1].cells[3]
    assert [p.style.name for p in evidence_cell.paragraphs] == ["List Bullet", "List Bullet"]


def test_the_2022_form_groups_must_and_should_under_subheadings(tmp_path):
    catalogue = load_catalogue("2022")
    assessment = Assessment(landlord="riverbend-homes", period="2023-24", code="2022")
    form = filled_form(catalogue, assessment, landlord_name="Riverbend Homes", made=MADE)
    path = tmp_path / "form.docx"
    write_docx(form, path)
    document = docx.Document(str(path))
    first = document.tables[0]
    labels = [row.cells[0].text for row in first.rows]
    must = [p.number for p in catalogue.provisions if p.section == 1 and p.tier == "must"]
    should = [p.number for p in catalogue.provisions if p.section == 1 and p.tier == "should"]
    assert labels == ["Code section", word.TIER_HEADINGS["must"], *must, word.TIER_HEADINGS["should"], *should]
    stages = document.tables[4]  # section 5, complaint stages
    stage_labels = [row.cells[0].text for row in stages.rows if row.cells[0].text.startswith(("Stage", "Mandatory",
                                                                                              "Best"))]
    assert stage_labels == [word.TIER_HEADINGS["must"], "Stage 1", "Stage 2", "Stage 3",
                            word.TIER_HEADINGS["should"], "Stage 1", "Stage 2", "Stage 3"]
    read = read_docx(path)
    assert sorted(row.number for row in read.rows) == sorted(p.number for p in catalogue.provisions)
    assert all(row.section and row.section.startswith("Section ") for row in read.rows)
    assert document.core_properties.identifier == "answers-sha256:none"
    assert "from answers not yet saved to a file" in document.core_properties.comments
    assert word.PREAMBLES["2022"][2] in [p.text for p in document.paragraphs]


def test_writing_refuses_a_link_and_leaves_no_half_file(tmp_path, monkeypatch):
    form = filled_form(load_catalogue("2024"), assessment_2024(), landlord_name="Riverbend Homes", made=MADE)
    elsewhere = tmp_path / "elsewhere.docx"
    elsewhere.write_bytes(b"keep")
    (tmp_path / "link.docx").symlink_to(elsewhere)
    with pytest.raises(FormError, match="expected a file to write the Word form to; found a symbolic link"):
        write_docx(form, tmp_path / "link.docx")
    assert elsewhere.read_bytes() == b"keep"
    (tmp_path / "folder.docx").mkdir()
    with pytest.raises(FormError, match="expected a file to write the Word form to; found a folder"):
        write_docx(form, tmp_path / "folder.docx")
    (tmp_path / "folder.docx").rmdir()

    target = tmp_path / "form.docx"
    target.write_bytes(b"the old export")

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(FormError, match=r"cannot be written \(No space left on device\)") as info:
        write_docx(form, target)
    assert info.value.path == target
    assert target.read_bytes() == b"the old export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere.docx", "form.docx", "link.docx"]


def test_texts_word_cannot_hold_are_written_without_the_control_characters(tmp_path):
    assessment = Assessment(landlord="l", period="2024-25", answers={
        "2024:1.2": Answer(status="Yes", commentary="Bell\x07 and form feed\x0c gone.\r\nNext line.")})
    form = filled_form(load_catalogue("2024"), assessment, landlord_name="Land & Co <Homes>", made=MADE)
    write_docx(form, tmp_path / "f.docx")
    read = read_docx(tmp_path / "f.docx")
    assert read.rows[0].commentary == "Bell and form feed gone.\nNext line."
    assert read.title and read.title.startswith("Land & Co <Homes> – ")


# --- LibreOffice ------------------------------------------------------------------------------------

def _soffice(tmp_path: Path, source: Path, target: str, folder: str) -> Path:
    """``source`` converted by LibreOffice (headless, with a profile of its own) to ``target``."""
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
         "--outdir", str(tmp_path / folder), str(source)],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    converted = tmp_path / folder / f"{source.stem}.{target.split(':')[0]}"
    assert converted.is_file(), result.stdout + result.stderr
    return converted


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (make office)")
def test_libreoffice_converts_the_written_form_to_pdf_and_saves_it_back_unchanged(tmp_path):
    form = filled_form(load_catalogue("2024"), assessment_2024(), landlord_name="Riverbend Homes", made=MADE)
    path = tmp_path / "form.docx"
    write_docx(form, path)
    pdf = _soffice(tmp_path, path, "pdf", "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    # Opened and saved again as .docx by LibreOffice: the same rows, title and properties.
    resaved = _soffice(tmp_path, path, "docx:MS Word 2007 XML", "resaved")
    before, after = read_docx(path), read_docx(resaved)
    assert after.rows == before.rows and after.title == before.title and after.literal


def test_the_written_file_is_a_well_formed_word_package(tmp_path):
    """Every part Word opens is there, and the document part is XML Word accepts."""
    form = filled_form(load_catalogue("2024"), assessment_2024(), landlord_name="Riverbend Homes", made=MADE)
    write_docx(form, tmp_path / "f.docx")
    with zipfile.ZipFile(tmp_path / "f.docx") as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        assert {"[Content_Types].xml", "word/document.xml", "word/styles.xml", "docProps/core.xml"} <= names
    # Writing the same form twice gives the same parts (no clock in them but the form's date).
    first, second = (zipfile.ZipFile(io.BytesIO(word.docx_bytes(form))) for _ in range(2))
    for name in ("word/document.xml", "docProps/core.xml"):
        assert first.read(name) == second.read(name)


# --- round trip through the import ----------------------------------------------------------------

def _answers_only(answer: Answer) -> tuple:
    return (answer.status, answer.value, [(e.description, e.reference) for e in answer.evidence],
            answer.commentary, [(a.text, a.owner, a.due, a.done) for a in answer.actions])


def _round_trip(tmp_path: Path, assessment: Assessment, code: str) -> None:
    from audit_lib.form.importer import plan_import

    catalogue = load_catalogue(code)
    form = filled_form(catalogue, assessment, landlord_name="Riverbend Homes", made=MADE)
    path = tmp_path / f"form-{code}.docx"
    write_docx(form, path)
    plan = plan_import(path, catalogue)
    assert plan.code == code
    assert {pid: _answers_only(a) for pid, a in plan.answers.items()} == {
        pid: _answers_only(a) for pid, a in assessment.answers.items()}
    assert [u.reason for u in plan.unread] in ([], ["the form's sign-off table (not imported: sign off in the "
                                                    "workbook)"])


def test_an_exported_2024_form_imports_to_the_same_answers(tmp_path):
    _round_trip(tmp_path, assessment_2024(), "2024")


def test_an_exported_2022_form_imports_to_the_same_answers(tmp_path):
    assessment = Assessment(landlord="riverbend-homes", period="2023-24", code="2022", answers={
        "2022:1.2": Answer(status=Status.YES, evidence=[Evidence(description="Customer Complaints Policy",
                                                                 reference="POL-01")],
                           commentary="Adopted."),
        "2022:1.4": Answer(status=Status.PARTIAL, evidence=[Evidence(description="Service request log"),
                                                            Evidence(description="Minutes, 3 May", reference="MIN-7")],
                           commentary="Logged, not yet reviewed.\nSecond line.",
                           actions=[Action(text="Review monthly", owner="Repairs Manager", due=dt.date(2024, 6, 30),
                                           done=True)]),
        "2022:5.1": Answer(status=Status.NO, commentary="Three stages still.",
                           actions=[Action(text="Move to two stages")]),
        "2022:5.16": Answer(status=Status.NA),
    })
    _round_trip(tmp_path, assessment, "2022")


def test_an_exported_2020_form_imports_to_the_same_answers_and_figures(tmp_path):
    """The 2020 questionnaire: the Comply column holds the figure or written answer a question asks for."""
    assessment = Assessment(landlord="riverbend-homes", period="2021-22", code="2020", answers={
        "2020:1.1": Answer(status=Status.YES, evidence=[Evidence(description="Complaints Policy", reference="POL-01")],
                           commentary="Adopted."),
        "2020:4.7": Answer(value="92% at stage 1, 88% at stage 2", commentary="From the complaints log."),
        "2020:8.2": Answer(value="Newsletter, board reports and the annual report"),
    })
    _round_trip(tmp_path, assessment, "2020")


def test_rows_inside_content_controls_are_read(tmp_path):
    """Word wraps repeating rows of a template in content controls (w:sdt): their rows are the table's."""
    document = docx.Document()
    table = document.add_table(rows=2, cols=5)
    fill_row(table.rows[0], *HEADER_2024)
    fill_row(table.rows[1], "4.1", "Landlords must have a complaints officer.", "Yes", "Job description", "")
    tr = table.rows[1]._tr
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    tr.addprevious(sdt)
    sdt.append(content)
    content.append(tr)
    document.save(tmp_path / "f.docx")
    assert read_docx(tmp_path / "f.docx").rows == [
        FormRow(where="table 1, row 2", number="4.1", requirement="Landlords must have a complaints officer.",
                status="Yes", evidence="Job description")]


# --- a form with a tick column per status -----------------------------------------------------------

def _symbol(cell, font: str, char: str) -> None:
    """A symbol inserted from a symbol font (Insert > Symbol), as Word holds it: ``w:sym``."""
    run = cell.paragraphs[0].add_run()
    sym = OxmlElement("w:sym")
    sym.set(qn("w:font"), font)
    sym.set(qn("w:char"), char)
    run._r.append(sym)


def _checkbox(cell, checked: bool) -> None:
    """A checkbox content control, showing ☒ when ticked and ☐ when not, as Word's do."""
    sdt, properties, content = OxmlElement("w:sdt"), OxmlElement("w:sdtPr"), OxmlElement("w:sdtContent")
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "☒" if checked else "☐"
    run.append(text)
    content.append(run)
    sdt.append(properties)
    sdt.append(content)
    cell.paragraphs[0]._p.append(sdt)


def test_a_form_with_a_tick_column_per_status(tmp_path):
    document = docx.Document()
    header = ("Code provision", "Code requirement", "Yes", "No", "Partial", "Evidence", "Lead officer")
    table = document.add_table(rows=7, cols=7)
    fill_row(table.rows[0], *header)
    fill_row(table.rows[1], "1.2", "Define a complaint.", "✓", "", "", "Complaints Policy", "Ask Sam")
    fill_row(table.rows[2], "1.3", "Use the definition.", "", "", "", "Letters", "")
    _symbol(table.rows[2].cells[3], "Wingdings", "F0FC")  # a Wingdings tick under No
    fill_row(table.rows[3], "1.4", "Accept complaints", "", "", "", "", "")
    for column, checked in ((2, False), (3, False), (4, True)):
        _checkbox(table.rows[3].cells[column], checked)
    fill_row(table.rows[4], "", "from anyone.", "", "", "", "Leaflet", "Ask Jo")  # the row split over a page
    fill_row(table.rows[5], "2.1", "Exclusions.", "✓", "✓", "", "", "")
    fill_row(table.rows[6], "2.2", "Explain exclusions.", "", "", "", "", "")
    _symbol(table.rows[6].cells[2], "Webdings", "F061")  # a tick of a font not known here: not lost
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    continued = document.add_table(rows=1, cols=7)  # the table carried on over a page, no header
    fill_row(continued.rows[0], "2.3", "Keep records.", "", "", "✔", "Log", "Ask Al")
    document.save(tmp_path / "ticks.docx")

    form = read_docx(tmp_path / "ticks.docx")
    assert [(row.number, row.status) for row in form.rows] == [
        ("1.2", "Yes"), ("1.3", "No"), ("1.4", "Partial"),
        ("2.1", "ticks not read as one status: Yes ✓, No ✓"), ("2.2", "ticks not read as one status: Yes \ufffd"),
        ("2.3", "Partial")]
    assert form.rows[2].requirement == "Accept complaints\nfrom anyone." and form.rows[2].evidence == "Leaflet"
    # ticks are the form's cells; the column the form does not have is listed once, over both tables
    assert form.unread == [
        Unread("table 1, column 7", "column 'Lead officer' (3 cells) is not a column of the form: not imported")]


def _legacy_checkbox(cell, checked: bool | None, default: bool = False) -> None:
    """A legacy check box form field (Word's FORMCHECKBOX, from the Developer tab's legacy tools):
    a field whose ``w:ffData`` holds a ``w:checkBox`` with its default state and, once ticked or
    cleared, ``w:checked`` (``None``: never changed, the default shows)."""
    paragraph = cell.paragraphs[0]._p
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    data, box, default_element = OxmlElement("w:ffData"), OxmlElement("w:checkBox"), OxmlElement("w:default")
    default_element.set(qn("w:val"), "1" if default else "0")
    box.append(default_element)
    if checked is not None:
        state = OxmlElement("w:checked")
        if not checked:
            state.set(qn("w:val"), "0")
        box.append(state)
    data.append(box)
    begin.append(data)
    code = OxmlElement("w:instrText")
    code.text = " FORMCHECKBOX "
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, code, end):
        run = OxmlElement("w:r")
        run.append(element)
        paragraph.append(run)


def test_legacy_check_boxes_in_tick_columns(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=6, cols=7)
    fill_row(table.rows[0], "Code provision", "Code requirement", "Yes", "No", "Partial", "N/A", "Evidence")
    # (number, the column ticked, the column ticked by default and never changed)
    rows = (("1.2", 2, None), ("1.3", 3, None), ("1.4", None, None), ("1.5", 5, 4), ("1.6", None, 5))
    for row, (number, ticked, default) in zip(table.rows[1:], rows):
        fill_row(row, number, "A requirement.", "", "", "", "", "ev")
        for column in range(2, 6):
            if number == "1.4" and column == 2:
                _legacy_checkbox(row.cells[column], False, default=True)  # ticked by default, then cleared
            elif column == ticked:
                _legacy_checkbox(row.cells[column], True)
            else:
                _legacy_checkbox(row.cells[column], None, default=column == default)
    document.save(tmp_path / "cb.docx")
    form = read_docx(tmp_path / "cb.docx")
    # a ticked box reads ☒ and an empty one ☐, as Word shows them: the tick columns read them
    assert [(row.number, row.status, row.evidence) for row in form.rows] == [
        ("1.2", "Yes", "ev"), ("1.3", "No", "ev"), ("1.4", "", "ev"),
        ("1.5", "ticks not read as one status: Partial ☒, N/A ☒", "ev"), ("1.6", "N/A", "ev")]
    assert form.unread == []


def test_a_row_without_a_number_but_with_a_status_is_no_continuation(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=5, cols=5)
    fill_row(table.rows[0], *HEADER_2024)
    fill_row(table.rows[1], "2.4", "An explanation must be provided", "Yes", "Letters", "")
    fill_row(table.rows[2], "", "and the right to take it to the Ombudsman.", "", "Leaflet", "")  # split over a page
    fill_row(table.rows[3], "", "Landlords must not take a blanket approach", "No", "Policy", "")
    fill_row(table.rows[4], "2.6", "Landlords must consider", "Yes", "", "")
    document.save(tmp_path / "f.docx")
    form = read_docx(tmp_path / "f.docx")
    assert [(row.where, row.number, row.requirement, row.status, row.evidence) for row in form.rows] == [
        ("table 1, row 2", "2.4", "An explanation must be provided\nand the right to take it to the Ombudsman.",
         "Yes", "Letters\nLeaflet"),
        ("table 1, row 4", None, "Landlords must not take a blanket approach", "No", "Policy"),
        ("table 1, row 5", "2.6", "Landlords must consider", "Yes", "")]
