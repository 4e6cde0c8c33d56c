"""Published pages: a landlord's self-assessment as text extracted from a PDF or web page (seeds
000, 002, 003, 004 and small pages made here) and as HTML saved from a website, read into the
form's rows as printed; then the seeds imported end to end against their Code."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from audit_lib.assessment.answers import Status
from audit_lib.code.catalogue import load_catalogue
from audit_lib.errors import FormError
from audit_lib.form import page, source
from audit_lib.form.importer import plan_import, read_form
from audit_lib.form.page import read_html, read_text
from audit_lib.form.rows import BULLET, ReadForm

SEEDS = Path(__file__).parent / "data" / "seeds"
SEED_000 = SEEDS / "000_954383515e813f0c.txt"  # the 2020 questionnaire, answered (Wrekin)
SEED_002 = SEEDS / "002_5569c6dfbbac1049.txt"  # 2024 form, tab-separated, rows split over lines
SEED_003 = SEEDS / "003_bb126109ce225e74.txt"  # 2024 form whose columns lost their tabs
SEED_004 = SEEDS / "004_c12ef68dc0e349cb.txt"  # 2022 form, tab-separated, HTML in cells

HEADER_2024 = "Code provision\tCode requirement\tComply: Yes / No\tEvidence\tCommentary / explanation"
HEADER_2022 = "Code section\tCode requirement\tComply: Yes/No\tEvidence, commentary and any explanations"


def rows_by_number(form: ReadForm) -> dict[str, object]:
    return {row.number: row for row in form.rows if row.number is not None}


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- seed 002: tab-separated, rows split over lines, garbled numbers --------------------------------

# Seed 002 prints one row per provision of the 2024 Code, 1.2-1.6, 2.1-2.5, 3.1-3.7, 4.1-4.3,
# 5.1-5.15, 6.1-6.20, 7.1-7.4, 8.1-8.5, 9.1-9.8 (5+5+7+3+15+20+4+5+8 = 72), and two lines whose
# number the PDF's copy garbled, "0.10" (line 86) and "6.40" (line 92), between 6.16 and 6.18:
# 74 lines start with a number and a tab, 74 rows.
SEED_002_NUMBERS = [
    *(f"1.{n}" for n in range(2, 7)), *(f"2.{n}" for n in range(1, 6)), *(f"3.{n}" for n in range(1, 8)),
    *(f"4.{n}" for n in range(1, 4)), *(f"5.{n}" for n in range(1, 16)), *(f"6.{n}" for n in range(1, 17)),
    "0.10", "6.17", "6.40", "6.18", "6.19", "6.20", *(f"7.{n}" for n in range(1, 5)),
    *(f"8.{n}" for n in range(1, 6)), *(f"9.{n}" for n in range(1, 9)),
]


def test_seed_002_rows():
    form = read_text(SEED_002)
    assert form.kind == "text" and form.source == SEED_002.name
    assert form.title == ("Wellington Housing Co-operative - Self-assessment with the Housing Ombudsman Complaint "
                          "Handling Code 2024 – November 2024")
    assert [row.number for row in form.rows] == SEED_002_NUMBERS
    assert len(form.rows) == 74
    rows = rows_by_number(form)
    first = rows["1.2"]
    assert first.where == "line 4" and first.status == "Yes" and not first.combined and first.section is None
    assert first.requirement.startswith("A complaint must be defined as: 'an expression of dissatisfaction")
    assert first.evidence == "Covered in Complaints Policy Section 3 – What is a complaint"
    # 3.4 is split over three lines (20, blank, 22): its continuation line's tabs put its texts in
    # the requirement and evidence cells
    assert rows["3.4"].requirement.endswith("clear and accessible format for all\nresidents. This will detail the "
                                            "two stage process, what will happen at each stage, and the timeframes "
                                            "for responding. The policy must also be published on the landlord's "
                                            "website.")
    assert rows["3.4"].evidence == "Covered in Complaint\nPolicy published on the Co- ops page on CHS's website"
    # 6.10's Comply cell prints "Voc" (a misread) then, on the next line, "Yes"; its evidence
    # cell starts with a lone "·", which is no text
    assert rows["6.10"].status == "Voc\nYes"
    assert rows["6.10"].evidence.split("\n")[0] == "Policy Sections 6 and 7 –"
    # 6.14 prints no requirement beside its number; the lines after it carry 6.15's (kept as printed)
    assert rows["6.14"].requirement.startswith("Landlords must decide whether an extension")
    assert rows["6.14"].status == "Yes"
    assert rows["0.10"].status == "103" and rows["6.40"].status == ".,"
    assert rows["9.8"].evidence == "All volunteers and third parties are expected to work to Co-operative values"
    statuses = Counter(row.status for row in form.rows)
    assert statuses == {"Yes": 71, "Voc\nYes": 1, "103": 1, ".,": 1}
    assert form.unread == []


# --- seed 003: columns without tabs ----------------------------------------------------------------

# Seed 003 prints the 72 provisions 1.2-9.8 once each (in nine "Section N: ..." blocks, each under
# the header printed over five lines), every number glued to its requirement ("1.2A complaint")
# or alone on its line (5.8, 6.9, 9.7). 70 print "Y" (glued to the requirement's end, or alone
# on a line below it); 6.18 and 9.8 print no status. After the form: four paragraphs of footer.
SEED_003_NUMBERS = [
    *(f"1.{n}" for n in range(2, 7)), *(f"2.{n}" for n in range(1, 6)), *(f"3.{n}" for n in range(1, 8)),
    *(f"4.{n}" for n in range(1, 4)), *(f"5.{n}" for n in range(1, 16)), *(f"6.{n}" for n in range(1, 21)),
    *(f"7.{n}" for n in range(1, 5)), *(f"8.{n}" for n in range(1, 6)), *(f"9.{n}" for n in range(1, 9)),
]


def test_seed_003_rows():
    form = read_text(SEED_003)
    assert form.title == "Complaints annual self-assessment"
    assert [row.number for row in form.rows] == SEED_003_NUMBERS
    assert len(form.rows) == 72
    assert Counter(row.status for row in form.rows) == {"Y": 70, "": 2}
    rows = rows_by_number(form)
    assert rows["6.18"].status == rows["9.8"].status == ""
    first = rows["1.2"]
    assert first.where == "line 64" and first.section == "Section 1: Definition of a complaint"
    assert first.requirement == ("A complaint must be defined as:\n‘an expression of dissatisfaction, however made, "
                                 "about the standard of service, actions or lack of action by the landlord, its own "
                                 "staff, or those acting on its behalf, affecting a resident or group of residents.’")
    assert first.status == "Y"  # alone on its line
    assert first.evidence.split("\n") == [
        BULLET + "The Complaints Policy (2.1) refers to this definition.",
        BULLET + "Reinformed in staff training programme and training document provided to all staff.",
        BULLET + "The policy already had this definition in it, so no change required.",
        BULLET + "Complaints are a standing agenda item for all contractor/managing agent meetings and are logged "
                 "on our system.",
    ]
    # glued status; an evidence item wrapped over three lines is one line
    assert rows["1.3"].requirement.endswith("in line with the landlord’s complaints policy.")
    assert rows["1.3"].status == "Y"
    assert rows["1.3"].evidence.split("\n")[1] == (BULLET + "Complaint handling is included in the contractor "
                                                   "tender document along with expectations and response timescale.")
    assert rows["2.1"].requirement.endswith("Each complaint must be considered on its own merits.")
    # the requirement's own list ("- ..." straight under it, before the status) stays in it
    assert rows["2.2"].requirement.split("\n")[1:] == [
        BULLET + "The issue giving rise to the complaint occurred over twelve months ago.",
        BULLET + "Legal proceedings have started. This is defined as details of the claim, such as the Claim Form "
                 "and Particulars of Claim, having been filed at court.",
        BULLET + "Matters that have previously been considered under the complaints policy.",
    ]
    assert rows["2.2"].evidence.split("\n")[0] == BULLET + "The Complaints Policy (Section 3 refers)."
    # the number alone on its line, the requirement in paragraphs under it
    assert rows["5.8"].requirement.split("\n")[0] == "At each stage of the complaints process, complaint handlers must:"
    assert rows["5.8"].requirement.split("\n")[-1] == "d. consider all relevant information and evidence carefully."
    assert rows["5.12"].requirement.startswith("full record must be kept of the complaint,\nand the outcomes")
    # no status: the "- " lines after a blank line are the evidence
    assert rows["6.18"].evidence.startswith(BULLET + "Stage 1 and 2 letter template provides a check list")
    assert rows["9.1"].evidence.split("\n")[:2] == ["Two stage approach to lessons learned:",
                                                     BULLET + "Quick wins – Dept Action Plan"]
    assert rows["9.8"].evidence.split("\n")[0] == BULLET + "Corporate values"
    # 3.1 repeats 1.2's text, as printed (matching is by number)
    assert rows["3.1"].requirement == first.requirement
    assert rows["6.10"].section == "Section 6: Complaint stages"  # "Stage 2:" is a subheading, not a section
    assert rows["9.8"].section == "Section 9: Scrutiny & oversight: continuous learning and improvement"
    # the preamble (performance table, introduction) is not read; the footer is listed
    assert [(u.where, u.reason) for u in form.unread] == [
        ("line 781", "text after the form"), ("line 783", "text after the form"),
        ("line 785", "text after the form"), ("line 787", "text after the form"),
    ]
    assert form.unread[0].text == "You can also download the 2024 complaints self-assessment."


# --- seed 004: the 2022 form, HTML fragments in cells ---------------------------------------------

# Seed 004 prints the 2022 form's 72 provisions, each once, grouped by tier: section 1: 1.2,
# 1.3, 1.6-1.9 then 1.4, 1.5 (8); section 2: 2.1, 2.3-2.8 then 2.2 (8); section 3: 3.1, 3.2,
# 3.3 (3); section 4: 4.1, 4.2, 4.6, 4.7, 4.11-4.15, 4.18 then 4.3-4.5, 4.8-4.10, 4.16, 4.17,
# 4.19 (19); section 5 (by stage): 5.1, 5.5, 5.6, 5.8 / 5.9-5.13, 5.16 / 5.17, 5.20 / 5.2-5.4,
# 5.7 / 5.14, 5.15 / 5.18, 5.19 (20); section 6: 6.1, 6.2, 6.5, 6.6 then 6.3, 6.7 (6); section
# 7: 7.2 then 7.3-7.6 (5); section 8: 8.1-8.3 (3). 8+8+3+19+20+6+5+3 = 72. Its Comply column:
# Partial for 1.5, N/A for 5.17, 5.18, 5.19, 5.20, No for 7.6, Yes for the other 66.
SEED_004_NUMBERS = [
    "1.2", "1.3", "1.6", "1.7", "1.8", "1.9", "1.4", "1.5",
    "2.1", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.2",
    "3.1", "3.2", "3.3",
    "4.1", "4.2", "4.6", "4.7", "4.11", "4.12", "4.13", "4.14", "4.15", "4.18",
    "4.3", "4.4", "4.5", "4.8", "4.9", "4.10", "4.16", "4.17", "4.19",
    "5.1", "5.5", "5.6", "5.8", "5.9", "5.10", "5.11", "5.12", "5.13", "5.16", "5.17", "5.20",
    "5.2", "5.3", "5.4", "5.7", "5.14", "5.15", "5.18", "5.19",
    "6.1", "6.2", "6.5", "6.6", "6.3", "6.7",
    "7.2", "7.3", "7.4", "7.5", "7.6",
    "8.1", "8.2", "8.3",
]


def test_seed_004_rows():
    form = read_text(SEED_004)
    assert form.title == "Appendix B – Self-Assessment Form"
    assert [row.number for row in form.rows] == SEED_004_NUMBERS
    assert len(form.rows) == 72
    assert Counter(row.status for row in form.rows) == {"Yes": 66, "N/A": 4, "Partial": 1, "No": 1}
    rows = rows_by_number(form)
    assert all(row.combined and not row.evidence for row in form.rows)
    assert {n for n, row in rows.items() if row.status == "N/A"} == {"5.17", "5.18", "5.19", "5.20"}
    assert rows["1.5"].status == "Partial" and rows["7.6"].status == "No"
    first = rows["1.2"]
    assert first.where == "line 18" and first.section == "Section 1 - Definition of a complaint"
    assert first.requirement == ("A complaint must be defined as: 'an expression of dissatisfaction, however made, "
                                 "about the standard of service, actions or lack of action by the organisation, its "
                                 "own staff, or those acting on its behalf, affecting an individual resident or group "
                                 "of residents.'")  # <i> dropped
    assert first.commentary.startswith("We have adopted this definition of a complaint")
    # a continuation line "<TAB><TAB><TAB><p>...</p> <p>...</p>": two more lines of the fourth cell
    assert rows["1.3"].commentary.split("\n")[1:] == [
        "submitted by third parties and/or representatives. We can evidence through an audit of complaints "
        "received via a third party that these complaints are handled in line with our policy.",
        "Training in our new complaints policy will be rolled out across whg and this message reinforced.",
    ]
    # a continuation line with text in the second and fourth cells
    assert rows["1.8"].requirement.split("\n")[1] == "and these circumstances should be fair and reasonable to residents."
    assert rows["1.8"].commentary.split("\n")[1] == "in line with guidance from the Housing Ombudsman Service."
    # a list printed as "<ul> • In person; • Via telephone; ..." (no <li>): a bulleted line per item
    assert rows["2.1"].commentary.split("\n") == [
        "Complaints can be made in the following ways;", BULLET + "In person;", BULLET + "Via telephone;",
        BULLET + "In writing;", BULLET + "Digitally, details of which can be found on our website.",
    ]
    assert rows["5.1"].requirement.startswith("Landlords must respond to the complaint within 10 working days of")
    assert rows["8.3"].commentary.split("\n") == [
        "The Executive Management Team and Board will have sight of the self-assessment.",
        "The self-assessment will be published annually on whg's website.",
        "A link to the self-assessment will be included in our Annual Report.",
    ]
    # the tier and stage subheadings and the ruled lines are neither rows nor unread
    assert rows["5.18"].section == "Section 5 - Complaint stages"
    assert rows["8.1"].section == "Section 8 - Self-assessment and compliance"
    assert form.unread == []


# --- seed 000: the 2020 questionnaire, no numbers ----------------------------------------------------

# Seed 000 prints no numbers and no statuses: its questions, the answers under some, and
# "· " bullets. Its blank-line separated paragraphs, from the title (lines 1-2, one paragraph) to
# the last bullet (line 249), number 96, each a row without a number.
def test_seed_000_paragraphs():
    form = read_text(SEED_000)
    assert form.title == "Making a Difference"
    assert len(form.rows) == 96
    assert all(row.number is None and not row.status and not row.evidence and not row.commentary
               for row in form.rows)
    assert (form.rows[0].where, form.rows[0].requirement) == ("line 1", "Making a Difference\nto people's lives")
    by_line = {row.where: row.requirement for row in form.rows}
    assert by_line["line 42"] == "Does the complaints process use the following definition of a complaint?"
    assert by_line["line 52"] == "Evidence relied upon?"
    assert by_line["line 54"] == BULLET + ("Tenant Panel Approved Group the Complaints Policy & Inappropriate "
                                           "Behaviour Procedure Sept 2020")
    assert by_line["line 99"] == "Stage 1"
    assert by_line["line 135"] == BULLET + "Stage one with extension (10 days) Not recorded"
    assert form.rows[-1].where == "line 249"
    assert form.rows[-1].requirement == BULLET + ("Reviewed, and will be introducing a revised Complaints "
                                                  "Performance Management Framework.")
    assert form.unread == []


# --- small pages: tab-separated rows ----------------------------------------------------------------

def test_a_row_split_over_lines_and_its_continuation_tabs(tmp_path):
    text = (
        "Our self-assessment\n\nSome introduction that is not the form.\n\n"
        f"{HEADER_2024}\n"
        "1.2\tA complaint must\tYes\tComplaints Policy\tReviewed in 2024\n"
        "\tbe defined as set out\t\tTraining notes\n"
        "that the policy says\n"                       # no tabs, straight after: the last cell written
        "\n"
        "\t\t\t\tand again in 2025\n"                 # four tabs: the fifth cell, commentary
        "1.3\tA resident does not have to\tNo\t\t\n"
        "------\t----\t---\n"
        "\n"
        "Printed on 1 May\n"                           # after a blank line, no tabs: not the row's
        "1.4\tLandlords must recognise\tN/A\t\tNot applicable here\textra cell\n"
        "\n"
        "Page 3 of 3\n"
    )
    form = read_text(write(tmp_path, "page.txt", text))
    assert form.title == "Our self-assessment"
    assert [row.number for row in form.rows] == ["1.2", "1.3", "1.4"]
    first = form.rows[0]
    assert first.where == "line 6"
    assert first.requirement == "A complaint must\nbe defined as set out"
    assert first.evidence == "Complaints Policy\nTraining notes\nthat the policy says"
    assert first.commentary == "Reviewed in 2024\nand again in 2025"
    assert (form.rows[1].status, form.rows[1].evidence) == ("No", "")
    assert form.rows[2].commentary == "Not applicable here"
    assert [(u.where, u.reason, u.text) for u in form.unread] == [
        ("line 14", "text between the form's rows", "Printed on 1 May"),
        ("line 15", "a cell beyond the form's columns", "extra cell"),
        ("line 17", "text after the form", "Page 3 of 3"),
    ]


def test_html_fragments_in_cells(tmp_path):
    text = (
        f"{HEADER_2022}\n"
        "1.2\tA complaint must be <i>defined</i> as:\tYes\t<p>One &amp; two.</p> <p>Three<br>four</p>\n"
        "1.3\t<p>Handlers should:</p> <ul><li>be fair</li><li>be trained</li></ul>\tPartial\t"
        "We have <b>these</b>: <ul style=\"x\"> • leaflets • posters\n"
        "\t\t\t<p>continued</p>\n"
    )
    form = read_text(write(tmp_path, "page.txt", text))
    first, second = form.rows
    assert first.requirement == "A complaint must be defined as:"
    assert first.commentary == "One & two.\nThree\nfour" and first.combined
    assert second.requirement == f"Handlers should:\n{BULLET}be fair\n{BULLET}be trained"
    assert second.commentary == f"We have these:\n{BULLET}leaflets\n{BULLET}posters\ncontinued"


def test_a_tab_row_without_a_header_takes_the_form_s_usual_columns(tmp_path):
    form = read_text(write(tmp_path, "page.txt", "1.2\tA complaint\tYes\tPolicy\tSee note\n"))
    (row,) = form.rows
    assert (row.requirement, row.status, row.evidence, row.commentary) == ("A complaint", "Yes", "Policy", "See note")


# --- small pages: columns without tabs --------------------------------------------------------------

def test_a_header_split_over_lines_glued_statuses_and_evidence_lines(tmp_path):
    text = (
        "Complaints self-assessment\n\nWe are required to publish this.\n\n"
        "    Section 1: Definition of a complaint\n\n"
        "    Code\n    provision\n    Code requirementComply:\n    Yes / No\n    EvidenceCommentary / explanation\n"
        "    1.2A complaint must be defined as:\n    ‘an expression of dissatisfaction’\n    Y\n\n"
        "    - The Complaints Policy (2.1).\n\n    - Training for\n    all staff.\n"
        "    1.3A resident does not have to use the word. Each is considered on its own merits.Partial\n\n"
        "    - Policy\n    Section 3 – What is a complaint\n\n"   # wrapped, not a heading
        "    Stage 1:\n\n"
        "    1.4Landlords must recognise the difference:\n    - a service request\n    - a complaint\n    No\n"
        "    1.5 A complaint must be raised when asked.\n\n    - No status, evidence only\n\n\n"
        "    Read our annual report.\n"
    )
    form = read_text(write(tmp_path, "page.txt", text))
    assert [row.number for row in form.rows] == ["1.2", "1.3", "1.4", "1.5"]
    first, second, third, fourth = form.rows
    assert first.section == "Section 1: Definition of a complaint"
    assert first.requirement == "A complaint must be defined as:\n‘an expression of dissatisfaction’"
    assert first.status == "Y"
    assert first.evidence == f"{BULLET}The Complaints Policy (2.1).\n{BULLET}Training for all staff."
    assert second.requirement == "A resident does not have to use the word. Each is considered on its own merits."
    assert (second.status, second.evidence) == ("Partial", f"{BULLET}Policy Section 3 – What is a complaint")
    assert second.section == "Section 1: Definition of a complaint"
    assert third.requirement == f"Landlords must recognise the difference:\n{BULLET}a service request\n{BULLET}a complaint"
    assert (third.status, third.evidence) == ("No", "")
    assert (fourth.requirement, fourth.status, fourth.evidence) == (
        "A complaint must be raised when asked.", "", f"{BULLET}No status, evidence only")
    assert [(u.reason, u.text) for u in form.unread] == [("text after the form", "Read our annual report.")]


def test_a_word_ending_in_a_capital_is_not_a_status():
    assert page._STATUS_GLUED.search("…on its own merits.Y").group("status") == "Y"
    assert page._STATUS_GLUED.search("…handled by the landlord.Yes").group("status") == "Yes"
    assert page._STATUS_GLUED.search("…the complaint definitionN").group("status") == "N"
    for text in ("We are a member of the NHF", "Policy Y", "Stage 2 is final. No", "Yes"):
        match = page._STATUS_GLUED.search(text)
        assert match is None or match.start() == 0, text


@pytest.mark.parametrize(("line", "number"), [
    ("1.2\tA complaint", "1.2"), ("1.2 A complaint", "1.2"), ("1.2A complaint", "1.2"), ("  5.12full record must", "5.12"),
    ("5.8", "5.8"), ("6.10If all or part", "6.10"), ("1.6\t... if further", "1.6"),
    ("6.5.2 refers", None), ("2.1 and 2.2 refer)", None), ("1.5m budget", None), ("30/4/24 – Customer Care", None),
    ("12.5% of complaints", None),
])
def test_what_starts_a_row(line, number):
    match = page._ROW_START.match(line)
    assert (match.group("number") if match else None) == number


# --- small pages: a line starting with a number inside a row's text --------------------------------

def test_tab_separated_rows_a_number_starting_a_continuation_line_starts_no_row(tmp_path):
    # In a tab-separated table only a line with tabs starts a row: "1.3 Definitions ..." (no
    # tabs) carries on 1.2's evidence, and the real 1.3 below is read as 1.3, not as 1.3 again.
    # A continuation line whose tabs put a number in a later cell starts no row either.
    text = (
        f"{HEADER_2024}\n"
        "1.2\tA complaint must be defined\tYes\tComplaints Policy, where\n"
        "1.3 Definitions of the policy are in section 2\n"
        "1.3\tA resident does not have to use the word\tYes\tTraining\n"
        "\t\t\t2.1 Our exclusions list\n"
        "\n"
        "5.1 Printed in the margin\n"                       # after a blank line, no tabs: not the row's
        "1.4 Landlords must recognise\tNo\tSurvey\n"      # a number and a space, then tabs: a row
    )
    form = read_text(write(tmp_path, "page.txt", text))
    assert [row.number for row in form.rows] == ["1.2", "1.3", "1.4"]
    first, second, third = form.rows
    assert first.evidence == "Complaints Policy, where\n1.3 Definitions of the policy are in section 2"
    assert (second.where, second.requirement, second.evidence) == (
        "line 4", "A resident does not have to use the word", "Training\n2.1 Our exclusions list")
    assert (third.requirement, third.status, third.evidence) == ("Landlords must recognise", "No", "Survey")
    assert [(u.where, u.reason, u.text) for u in form.unread] == [
        ("line 7", "text between the form's rows", "5.1 Printed in the margin")]
    # the same without a header: the first row's tabs say the table is tab-separated
    form = read_text(write(tmp_path, "page.txt", text.split("\n", 1)[1]))
    assert [row.number for row in form.rows] == ["1.2", "1.3", "1.4"]
    assert form.rows[0].evidence == "Complaints Policy, where\n1.3 Definitions of the policy are in section 2"


def test_tab_separated_rows_imported_each_once(tmp_path):
    text = (f"{HEADER_2024}\n"
            "1.2\tA complaint must be defined\tYes\tComplaints Policy, where\n"
            "1.3 Definitions of the policy are in section 2\n"
            "1.3\tA resident does not have to use the word\tNo\tTraining\n")
    plan = plan_import(write(tmp_path, "page.txt", text), load_catalogue("2024"))
    assert plan.answers["2024:1.3"].status is Status.NO
    assert plan.unread == []


def test_rows_without_tabs_a_number_in_the_text_starts_a_row_only_in_sequence(tmp_path):
    # Columns without tabs (seed 003's layout): a line starting with a number starts a row when
    # its wording starts with a capital or a quote (or it is alone on the line) and the number
    # comes next: in the same section, a number not read before (the 2022 form prints a
    # section's 'must' provisions, then its 'should' ones: 1.6 before 1.4); the next section's
    # first (x.1 to x.3); after a "Section N" heading, any number not read before. A wording
    # glued on in small letters ("5.12full record", the PDF having lost the "A") only for the
    # very next number.
    text = (
        "Code\nprovision\nCode requirementComply:\nYes / No\nEvidenceCommentary / explanation\n"
        "1.2A complaint must be defined as:\n‘an expression of dissatisfaction’\nY\n\n"
        "- The Complaints Policy (2.1).\n"
        "1.2 Of the policy is reviewed each year.\n"          # 1.2 again: a line of 1.2's evidence
        "\n"
        "1.3A resident does not have to use the word.Y\n\n"
        "- Training for staff; see\n"
        "4.1 And 4.2 of the staff handbook.\n"               # section 4 after section 1: evidence
        "2.5million pounds were spent on training.\n"        # small letters, not the next number
        "\n"
        "1.6An expression of dissatisfaction through a survey.Y\n\n"
        "1.4Landlords must recognise the difference.Y\n\n"  # back within the section: not read yet
        "1.5full record must be kept.Y\n\n"                 # small letters, the very next number
        "2.1Landlords must accept a complaint.Y\n\n"        # the next section's first
        "Section 5: Complaint stages\n\n"
        "5.4Landlords must respond in ten days.Y\n"          # after a section heading
        "- 5.1 Is covered in our policy.\n"                   # a bullet, no row
    )
    form = read_text(write(tmp_path, "page.txt", text))
    assert [row.number for row in form.rows] == ["1.2", "1.3", "1.6", "1.4", "1.5", "2.1", "5.4"]
    rows = rows_by_number(form)
    # a line straight under an evidence line is that line wrapped
    assert rows["1.2"].evidence == f"{BULLET}The Complaints Policy (2.1). 1.2 Of the policy is reviewed each year."
    assert rows["1.3"].evidence == (f"{BULLET}Training for staff; see 4.1 And 4.2 of the staff handbook. "
                                    "2.5million pounds were spent on training.")
    assert (rows["1.5"].requirement, rows["1.5"].status) == ("full record must be kept.", "Y")
    assert rows["5.4"].section == "Section 5: Complaint stages"
    assert rows["5.4"].evidence == f"{BULLET}5.1 Is covered in our policy."
    assert form.unread == []


def test_rows_without_tabs_the_form_s_header_starts_the_sequence_again(tmp_path):
    # the header printed again (a new page of the form): the next row may be in any section
    header = "Code\nprovision\nCode requirementComply:\nYes / No\nEvidenceCommentary / explanation\n"
    text = (f"{header}1.2A complaint must be defined.Y\n\n- Policy\n\n"
            "6.1 And 6.2 of the policy cover this.\n\n"       # section 6 after section 1: evidence
            f"{header}6.1Landlords must respond.Y\n")
    form = read_text(write(tmp_path, "page.txt", text))
    assert [row.number for row in form.rows] == ["1.2", "6.1"]
    assert form.rows[0].evidence == f"{BULLET}Policy\n6.1 And 6.2 of the policy cover this."


# --- small pages: a questionnaire, and pages that are not the form -----------------------------------

def test_a_questionnaire_without_numbers(tmp_path):
    text = (
        "Our self-assessment\n\nDefinition of a Complaint\n\n"
        "Does the policy have exclusions where a complaint will not be considered?\n\n"
        "Are these exclusions reasonable and fair to residents?\n\nEvidence relied upon?\n\n"
        "· Complaints Policy 2020\n· Exclusions list\n\nWe review them yearly.\n"
    )
    form = read_text(write(tmp_path, "page.txt", text))
    assert [(row.where, row.number, row.requirement) for row in form.rows] == [
        ("line 1", None, "Our self-assessment"),
        ("line 3", None, "Definition of a Complaint"),
        ("line 5", None, "Does the policy have exclusions where a complaint will not be considered?"),
        ("line 7", None, "Are these exclusions reasonable and fair to residents?"),
        ("line 9", None, "Evidence relied upon?"),
        ("line 11", None, f"{BULLET}Complaints Policy 2020\n{BULLET}Exclusions list"),
        ("line 14", None, "We review them yearly."),
    ]


@pytest.mark.parametrize("text", [
    "Our residents' summary\n\nWe answer complaints quickly.\n\nAsk us anything.\n",   # prose, no questions
    "Is this a form?\n\nNo.\n",                                                        # too few questions
])
def test_a_page_without_the_form_is_refused(tmp_path, text):
    with pytest.raises(FormError, match="holding the Ombudsman's self-assessment form"):
        read_text(write(tmp_path, "page.txt", text))


def test_a_header_without_rows_is_refused(tmp_path):
    with pytest.raises(FormError, match=r"found the header \(line 3\) but no row"):
        read_text(write(tmp_path, "page.txt", f"Blank form\n\n{HEADER_2024}\n\n(to be completed)\n"))


def test_seed_001_the_residents_summary_is_not_a_form():
    seed = Path("/work/shared/seeds/001_dc7d31fc61c6efaf.txt")
    if not seed.exists():
        pytest.skip("seed 001 is not in this checkout")
    with pytest.raises(FormError):
        read_text(seed)


# --- files refused --------------------------------------------------------------------------------

@pytest.mark.parametrize(("reader", "suffix"), [(read_text, ".txt"), (read_html, ".html")])
def test_files_refused(tmp_path, monkeypatch, reader, suffix):
    empty = tmp_path / f"empty{suffix}"
    empty.write_bytes(b"")
    blank = tmp_path / f"blank{suffix}"
    blank.write_bytes(b"  \n\n\t\n")
    binary = tmp_path / f"binary{suffix}"
    binary.write_bytes(b"1.2\tA complaint\x00\x01\x02\x00" * 50)
    pdf = tmp_path / f"form{suffix}"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    docx_file = tmp_path / f"form2{suffix}"
    docx_file.write_bytes(b"PK\x03\x04" + b"\x14\x00" * 20)
    with pytest.raises(FormError, match="empty file"):
        reader(empty)
    with pytest.raises(FormError, match="empty file"):
        reader(blank)
    with pytest.raises(FormError, match="binary file"):
        reader(binary)
    with pytest.raises(FormError, match="found a PDF"):
        reader(pdf)
    with pytest.raises(FormError, match="Office file"):
        reader(docx_file)
    with pytest.raises(FormError, match="no such file"):
        reader(tmp_path / f"missing{suffix}")
    real = write(tmp_path, f"real{suffix}", f"{HEADER_2024}\n1.2\tA complaint\tYes\tPolicy\n")
    link = tmp_path / f"link{suffix}"
    os.symlink(real, link)
    with pytest.raises(FormError, match="symbolic link"):
        reader(link)
    # one size limit for every import: the shared source.MAX_BYTES
    assert not hasattr(page, "MAX_BYTES")
    monkeypatch.setattr(source, "MAX_BYTES", 10)
    with pytest.raises(FormError, match="at most"):
        reader(real)


def test_encodings(tmp_path):
    text = f"Self-assessment – 2024\n\n{HEADER_2024}\n1.2\tA complaint’s definition\tYes\tPolicy\n"
    for encoding in ("utf-8-sig", "cp1252", "utf-16"):
        form = read_text(write(tmp_path, f"page-{encoding}.txt", text, encoding))
        assert form.title == "Self-assessment – 2024", encoding
        assert form.rows[0].requirement == "A complaint’s definition", encoding
    html = ("<html><head><title>Self-assessment – 2024</title></head><body><table><tr><th>Code provision</th>"
            "<th>Code requirement</th><th>Comply</th></tr><tr><td>1.2</td><td>A complaint’s definition</td>"
            "<td>Yes</td></tr></table></body></html>")
    for encoding in ("utf-8", "utf-8-sig", "cp1252", "utf-16"):
        form = read_html(write(tmp_path, f"page-{encoding}.html", html, encoding))
        assert form.title == "Self-assessment – 2024", encoding
        assert form.rows[0].requirement == "A complaint’s definition", encoding


# --- HTML pages -------------------------------------------------------------------------------------

HTML_TABLES = """<!DOCTYPE html>
<html><head><title>Self-assessment 2024</title>
<script>document.write("1.9\\tInjected\\tYes")</script><style>td { color: red }</style></head>
<body><h1>Our complaint handling self-assessment</h1>
<p>Every year we check ourselves against the Code.</p>
<h2>Section 1: Definition of a complaint</h2>
<table>
<thead><tr><th>Code provision</th><th>Code requirement</th><th>Comply: Yes / No</th><th>Evidence</th>
<th>Commentary / explanation</th></tr></thead>
<tbody>
<tr><td>1.2</td><td>A complaint must be <i>defined</i> as:</td><td>Yes</td>
  <td><ul><li>Complaints Policy</li><li>Training &amp; notes</li></ul></td><td><p>First.</p><p>Second.</p></td></tr>
<tr><td rowspan="2">1.3</td><td>A resident does not have to use the word</td><td rowspan="3">Partial</td>
  <td>Policy<br>Leaflet</td><td></td></tr>
<tr><td>'complaint' for it to be treated as such.</td><td>Letters</td><td>More</td></tr>
<tr><td>1.4</td><td>Landlords must recognise the difference</td><td>Survey</td><td></td></tr>
<tr><td colspan="5"><strong>Section 2: Exclusions</strong></td></tr>
<tr><td></td><td>Mandatory requirements</td><td></td><td></td><td></td></tr>
<tr><td>2.1</td><td>Landlords must accept a complaint</td><td>No</td><td></td>
  <td>Action: write it (owner: Jo; due: 31/03/2025)</td><td>stray</td></tr>
</tbody></table>
<table><tr><td>2.2</td><td>A complaints policy must set out</td><td>N/A</td><td>Policy</td><td></td></tr></table>
<table><tr><td>Quarter</td><td>Complaints</td></tr><tr><td>Q1</td><td>3</td></tr></table>
<!-- 3.1 a comment is not read -->
</body></html>
"""


def test_html_tables(tmp_path):
    form = read_html(write(tmp_path, "page.html", HTML_TABLES))
    assert form.kind == "html" and form.title == "Self-assessment 2024"
    assert [row.number for row in form.rows] == ["1.2", "1.3", "1.4", "2.1", "2.2"]
    first, second, third, fourth, fifth = form.rows
    assert first.where == "table 1, row 2"
    assert first.section == "Section 1: Definition of a complaint"
    assert first.requirement == "A complaint must be defined as:"
    assert first.evidence == f"{BULLET}Complaints Policy\n{BULLET}Training & notes"
    assert first.commentary == "First.\nSecond."
    # 1.3's number cell spans two rows: the second continues it; its status spans into 1.4
    assert second.requirement == "A resident does not have to use the word\n'complaint' for it to be treated as such."
    assert (second.status, second.evidence, second.commentary) == ("Partial", "Policy\nLeaflet\nLetters", "More")
    assert (third.status, third.evidence) == ("Partial", "Survey")
    # a cell across the table is a section heading
    assert fourth.section == "Section 2: Exclusions"
    assert (fourth.status, fourth.commentary) == ("No", "Action: write it (owner: Jo; due: 31/03/2025)")
    # a table without a header, as wide as the form's, with a provision number: the form continued
    assert (fifth.where, fifth.status, fifth.evidence, fifth.section) == ("table 2, row 1", "N/A", "Policy",
                                                                          "Section 2: Exclusions")
    assert [(u.where, u.reason, u.text) for u in form.unread] == [
        ("table 1, row 7", "a row without a provision number", "Mandatory requirements"),
        ("table 1, row 8", "a cell beyond the form's columns", "stray"),
        ("table 3", "a table without the form's header", "Quarter | Complaints"),
    ]
    assert "Injected" not in repr(form)


NESTED_HTML = """<!DOCTYPE html>
<html><head><title>Complaints self-assessment</title></head><body>
<table class="layout" width="100%"><tr>
<td class="sidebar"><p>Home</p><p>Complaints</p><p>Contact us</p></td>
<td class="content">
  <h1>Our self-assessment against the Code</h1>
  <p>Section 1: Definition of a complaint</p>
  <table class="form">
    <tr><th>Code provision</th><th>Code requirement</th><th>Comply: Yes / No</th><th>Evidence</th>
        <th>Commentary / explanation</th></tr>
    <tr><td>1.2</td><td>A complaint must be defined as:</td><td>Yes</td>
        <td><table><tr><td>Complaints Policy</td><td>2024</td></tr></table></td><td>Adopted.</td></tr>
    <tr><td>1.3</td><td>A resident does not have to use the word</td><td>No</td><td>Training</td><td></td></tr>
  </table>
  <p>Section 2: Exclusions</p>
  <table class="form">
    <tr><td>Code provision</td><td>Code requirement</td><td>Comply</td><td>Evidence</td><td>Commentary</td></tr>
    <tr><td>2.1</td><td>Landlords must accept a complaint</td><td>Partial</td><td>Letters</td><td></td></tr>
  </table>
  <table><tr><td>Quarter</td><td>Complaints</td></tr></table>
</td></tr>
<tr><td colspan="2">© Riverbend Homes</td></tr>
</table>
</body></html>
"""


def test_html_form_tables_inside_a_layout_table(tmp_path):
    # A saved page laid out with a table: the form's tables sit in one of its cells. Each is read
    # as a table of its own; the layout table's own text (menu, footer) is no form and is not
    # listed; a table inside a form's cell is part of that cell's text; the headings between
    # the form's tables, inside the layout cell, name the sections.
    form = read_html(write(tmp_path, "saved.html", NESTED_HTML))
    assert [(row.number, row.status) for row in form.rows] == [("1.2", "Yes"), ("1.3", "No"), ("2.1", "Partial")]
    first, second, third = form.rows
    assert first.where == "table 2, row 2"
    assert first.section == "Section 1: Definition of a complaint"
    assert (first.requirement, first.evidence, first.commentary) == (
        "A complaint must be defined as:", "Complaints Policy 2024", "Adopted.")
    assert (second.where, second.evidence, second.section) == (
        "table 2, row 3", "Training", "Section 1: Definition of a complaint")
    # tables are numbered in the page's order: the layout table 1, the form 2, the table in 1.2's
    # evidence cell 3, the form's second table 4, the quarters 5
    assert (third.where, third.section, third.evidence) == ("table 4, row 2", "Section 2: Exclusions", "Letters")
    assert [(u.where, u.reason, u.text) for u in form.unread] == [
        ("table 5", "a table without the form's header", "Quarter | Complaints")]


def test_html_2022_form_with_a_subheading_row(tmp_path):
    html = ("<table><tr><td>Code section</td><td>Code requirement</td><td>Comply: Yes/No</td>"
            "<td>Evidence, commentary and any explanations</td></tr>"
            "<tr><td colspan='4'>Section 4 - Complaint handling principles</td></tr>"
            "<tr><td colspan='4'>Best practice 'should' requirements</td></tr>"
            "<tr><td>4.3</td><td>Landlords should manage expectations</td><td>Yes</td>"
            "<td><p>We do.</p><ul><li>Script</li></ul></td></tr></table>")
    form = read_html(write(tmp_path, "page.htm", html))
    (row,) = form.rows
    assert row.section == "Section 4 - Complaint handling principles" and row.combined
    assert row.commentary == f"We do.\n{BULLET}Script"
    assert form.unread == []


def test_html_page_without_tables_is_read_as_text(tmp_path):
    html = """<html><body><header><nav>Home | Complaints</nav></header>
    <h1>Complaints annual self-assessment</h1><p>We publish this every year.</p>
    <h3>Section 1: Definition of a complaint</h3>
    <p>Code<br>provision<br>Code requirementComply:<br>Yes / No<br>EvidenceCommentary / explanation</p>
    <p>1.2A complaint must be defined as: an expression of dissatisfaction.Y</p>
    <ul><li>The Complaints Policy (2.1).</li><li>Staff training.</li></ul>
    <p>1.3 A resident does not have to use the word.</p><p>N</p><ul><li>Policy</li></ul>
    <script>var rows = ["1.4 Injected"];</script>
    </body></html>"""
    form = read_html(write(tmp_path, "page.html", html))
    assert form.title == "Complaints annual self-assessment"
    assert [(row.number, row.status) for row in form.rows] == [("1.2", "Y"), ("1.3", "N")]
    assert form.rows[0].section == "Section 1: Definition of a complaint"
    assert form.rows[0].evidence == f"{BULLET}The Complaints Policy (2.1).\n{BULLET}Staff training."
    assert form.rows[0].where.endswith("of the page's text")
    assert form.rows[1].evidence == f"{BULLET}Policy"


def test_html_questionnaire(tmp_path):
    html = ("<html><body><h2>Definition of a Complaint</h2>"
            "<p>Does the policy have exclusions where a complaint will not be considered?</p>"
            "<p>Are these exclusions reasonable and fair to residents?</p><p>Evidence relied upon?</p>"
            "<ul><li>Complaints Policy</li><li>Exclusions list</li></ul></body></html>")
    form = read_html(write(tmp_path, "page.html", html))
    assert [row.requirement for row in form.rows] == [
        "Definition of a Complaint",
        "Does the policy have exclusions where a complaint will not be considered?",
        "Are these exclusions reasonable and fair to residents?", "Evidence relied upon?",
        f"{BULLET}Complaints Policy\n{BULLET}Exclusions list",
    ]
    assert all(row.number is None for row in form.rows)


def test_html_page_without_the_form_is_refused(tmp_path):
    html = "<html><body><h1>News</h1><p>We won an award.</p><table><tr><td>a</td></tr></table></body></html>"
    with pytest.raises(FormError, match="self-assessment form"):
        read_html(write(tmp_path, "page.html", html))


def test_the_importer_reads_pages_by_their_suffix(tmp_path):
    text = f"{HEADER_2024}\n1.2\tA complaint\tYes\tPolicy\n"
    assert read_form(write(tmp_path, "page.txt", text)).kind == "text"
    html = ("<table><tr><th>Code provision</th><th>Code requirement</th><th>Comply</th></tr>"
            "<tr><td>1.2</td><td>A complaint</td><td>Yes</td></tr></table>")
    assert read_form(write(tmp_path, "page.html", html)).kind == "html"


# --- the seeds imported end to end ---------------------------------------------------------------------

def statuses(plan) -> Counter:
    return Counter(answer.status.value if answer.status else "unknown" for answer in plan.answers.values())


def test_seed_002_imports_as_2024():
    plan = plan_import(SEED_002, load_catalogue("2024"))
    # all 72 provisions are printed (see SEED_002_NUMBERS); "0.10" and "6.40" are no provisions
    assert plan.code == "2024" and plan.matched_count == 72 and len(plan.answers) == 72
    assert statuses(plan) == {"Yes": 72}
    reasons = [(u.where, u.reason) for u in plan.unread]
    assert ("line 86", "no provision 0.10 in the 2024 Code") in reasons
    assert ("line 92", "no provision 6.40 in the 2024 Code") in reasons
    assert plan.answers["2024:1.2"].evidence[0].description == \
        "Covered in Complaints Policy Section 3 – What is a complaint"


def test_seed_002_stray_words_above_a_status_are_listed_not_taken_for_it():
    # 6.10's Comply cell prints "Voc" (a misread of the PDF) above its "Yes"
    plan = plan_import(SEED_002, load_catalogue("2024"))
    assert plan.answers["2024:6.10"].status is Status.YES
    assert ("line 65", "words before the status in the Comply cell of 6.10 (not imported)", "Voc") in [
        (u.where, u.reason, u.text) for u in plan.unread]


def test_seed_003_imports_as_2024():
    plan = plan_import(SEED_003, load_catalogue("2024"))
    # 72 provisions printed; 70 "Y", 6.18 and 9.8 without a status (their evidence is imported)
    assert plan.matched_count == 72 and len(plan.answers) == 72
    assert statuses(plan) == {"Yes": 70, "unknown": 2}
    assert plan.answers["2024:6.18"].status is None and plan.answers["2024:9.8"].status is None
    assert plan.answers["2024:9.8"].evidence[0].description == "Corporate values"
    # 3.1 and 6.2 print other provisions' wording: matched by number, listed
    assert [pid for pid, _ in plan.matched.wording_differs] == ["2024:3.1", "2024:6.2"]
    assert [u.reason for u in plan.unread] == ["text after the form"] * 4


def test_seed_004_imports_as_2022():
    plan = plan_import(SEED_004, load_catalogue("2022"))
    assert plan.matched_count == 72 and len(plan.answers) == 72
    assert statuses(plan) == {"Yes": 66, "N/A": 4, "Partial": 1, "No": 1}
    assert plan.answers["2022:1.5"].status.value == "Partial"
    assert plan.answers["2022:7.6"].status.value == "No"
    assert plan.matched.wording_differs == [] and plan.unread == []


def test_seed_004_as_2024_is_refused():
    with pytest.raises(FormError, match="looks like a self-assessment against the 2022 Code, not the 2024 Code"):
        plan_import(SEED_004, load_catalogue("2024"))


def test_seed_000_imports_as_2020():
    plan = plan_import(SEED_000, load_catalogue("2020"))
    # the page prints all 36 questions of the 2020 catalogue and no status; nine have something
    # under them: 1.3 (evidence bullets), 3.8 ("Stage 1"), 4.3, 4.6, 4.7, 4.8, 8.1, 8.2, 8.4
    assert plan.matched_count == 36
    assert sorted(plan.answers, key=lambda pid: [int(n) for n in pid[5:].split(".")]) == [
        "2020:1.3", "2020:3.8", "2020:4.3", "2020:4.6", "2020:4.7", "2020:4.8", "2020:8.1", "2020:8.2", "2020:8.4"]
    assert statuses(plan) == {"unknown": 9}
    assert plan.answers["2020:3.8"].value == "Stage 1"


# --- tick columns, statuses on a labelled line, columns the form does not have ------------------------

def test_text_with_a_tick_column_per_status(tmp_path):
    text = ("Code provision\tCode requirement\tYes\tNo\tPartial\tEvidence\tLead officer\n"
            "1.2\tDefine a complaint.\t✓\t\t\tComplaints Policy\tSam\n"
            "1.3\tUse the definition.\t\tX\t\tLetters\tJo\n"
            "1.4\tAccept complaints\t\t\t●\n"
            "\tfrom anyone.\n"
            "1.5\tExplain.\t✓\t✓\t\t\t\tstray\n")
    form = read_text(write(tmp_path, "ticks.txt", text))
    assert [(row.number, row.status, row.evidence) for row in form.rows] == [
        ("1.2", "Yes", "Complaints Policy"), ("1.3", "No", "Letters"), ("1.4", "Partial", ""),
        ("1.5", "ticks not read as one status: Yes ✓, No ✓", "")]
    assert form.rows[2].requirement == "Accept complaints\nfrom anyone."
    # the ticks are the form's cells; a column the form does not have is listed once, a cell beyond
    # the header one by one
    assert [(u.where, u.reason, u.text) for u in form.unread] == [
        ("line 1", "column 'Lead officer' (2 cells) is not a column of the form: not imported", ""),
        ("line 6", "a cell beyond the form's columns", "stray"),
    ]


TICKS_HTML = """<html><body><h1>Self-assessment</h1>
<table>
<tr><th>Code provision</th><th>Code requirement</th><th>Yes</th><th>No</th><th>N/A</th><th>Evidence</th>
    <th>Lead officer</th></tr>
<tr><td>1.2</td><td>Define a complaint.</td><td>&#10003;</td><td></td><td></td><td>Policy</td><td>Sam</td></tr>
<tr><td>1.3</td><td>Use the definition.</td><td></td><td>&bull;</td><td></td><td>Letters</td><td>Jo</td></tr>
<tr><td>1.4</td><td>Accept complaints.</td><td><input type="checkbox"></td><td><input type="checkbox"></td>
    <td><input type="checkbox" checked></td><td></td><td></td></tr>
<tr><td>1.5</td><td>Explain.</td><td rowspan="2">Y</td><td></td><td></td><td>Guide</td><td></td></tr>
<tr><td>1.6</td><td>Keep records.</td><td></td><td></td><td>Log</td><td>Al</td></tr>
</table></body></html>"""


def test_html_with_a_tick_column_per_status(tmp_path):
    form = read_html(write(tmp_path, "ticks.html", TICKS_HTML))
    # a tick merged down two provisions answers both; a ticked checkbox is a tick
    assert [(row.number, row.status, row.evidence) for row in form.rows] == [
        ("1.2", "Yes", "Policy"), ("1.3", "No", "Letters"), ("1.4", "N/A", ""), ("1.5", "Yes", "Guide"),
        ("1.6", "Yes", "Log")]
    assert [(u.where, u.reason) for u in form.unread] == [
        ("table 1, column 7", "column 'Lead officer' (3 cells) is not a column of the form: not imported")]


LABELLED_HTML = """<html><body><h1>How we meet the Complaint Handling Code</h1>
<h2>Section 1: Definition of a complaint</h2>
<h3>1.2 A complaint must be defined as an expression of dissatisfaction</h3>
<p>Compliant: Yes</p>
<ul><li>Complaints policy</li><li>Training records</li></ul>
<p>We adopted the Code's definition in 2024.</p>
<h3>1.3 A resident does not have to use the word complaint</h3>
<p><strong>Status:</strong> Partial – some letters</p>
<p>Evidence:</p><ul><li>Letter templates</li></ul>
<p>Comments: two templates still to change.</p>
<h3>1.4 Landlords must recognise the difference</h3>
<p>Comply: No</p>
<p>Action: update the guidance by 31/03/2026</p>
</body></html>"""

LABELLED_TEXT = """How we meet the Complaint Handling Code

Section 1: Definition of a complaint

1.2 A complaint must be defined as an expression of dissatisfaction
Comply: Yes
- Complaints policy
- Training records

We adopted the Code's definition
in 2024.

1.3 A resident does not have to use the word complaint
Status: Partial – some letters
Evidence: Letter templates
Comments: two templates still to change.
1.4 Landlords must recognise the difference
Compliant: No
Action: update the guidance by 31/03/2026
"""


@pytest.mark.parametrize(("reader", "name", "content"), [
    (read_html, "labelled.html", LABELLED_HTML), (read_text, "labelled.txt", LABELLED_TEXT)])
def test_a_status_on_a_labelled_line_under_the_row(tmp_path, reader, name, content):
    form = reader(write(tmp_path, name, content))
    assert [(row.number, row.requirement, row.status) for row in form.rows] == [
        ("1.2", "A complaint must be defined as an expression of dissatisfaction", "Yes"),
        ("1.3", "A resident does not have to use the word complaint", "Partial – some letters"),
        ("1.4", "Landlords must recognise the difference", "No"),
    ]
    first, second, third = form.rows
    assert first.section == "Section 1: Definition of a complaint"
    assert (first.evidence, first.commentary) == (f"{BULLET}Complaints policy\n{BULLET}Training records",
                                                  "We adopted the Code's definition in 2024.")
    assert (second.evidence.removeprefix(BULLET), second.commentary) == (
        "Letter templates", "two templates still to change.")
    assert (third.evidence, third.commentary) == ("", "Action: update the guidance by 31/03/2026")
    assert form.unread == []


def test_a_labelled_status_imports(tmp_path):
    plan = plan_import(write(tmp_path, "labelled.html", LABELLED_HTML), load_catalogue("2024"))
    got = {pid: (a.status, [e.description for e in a.evidence], a.commentary, [x.text for x in a.actions])
           for pid, a in plan.answers.items()}
    assert got == {
        "2024:1.2": (Status.YES, ["Complaints policy", "Training records"], "We adopted the Code's definition in 2024.",
                     []),
        "2024:1.3": (Status.PARTIAL, ["Letter templates"], "some letters\ntwo templates still to change.", []),
        "2024:1.4": (Status.NO, [], "", ["update the guidance by 31/03/2026"]),
    }


def test_a_short_labelled_line_is_the_comply_cell_whatever_it_says(tmp_path):
    # "Status: under review" is the Comply cell (the importer lists it as no status); "Comply: Yes / No",
    # the form's header wording, is not a status: the line after the status is commentary
    text = "1.2 A complaint must be defined\nStatus: under review\nComply: Yes / No\n"
    (row,) = read_text(write(tmp_path, "page.txt", text)).rows
    assert (row.requirement, row.status, row.commentary) == ("A complaint must be defined", "under review",
                                                             "Comply: Yes / No")


# --- a status's label on a line of its own, a question as the label, a footer after the form ---------

LABEL_ABOVE_TEXT = """Our self-assessment

Section 1: Definition of a complaint

1.2 A complaint must be defined as an expression of dissatisfaction
Compliant:
No
- Policy

1.3 A resident does not have to use the word complaint
Do we comply? Yes
- Policy

1.4 Landlords must recognise the difference
Compliant
- Guidance

1.5 A complaint must be raised
Are we compliant? Partial – letters
Compliance status: Yes
"""


def test_a_status_label_alone_on_its_line_and_a_question_as_the_label(tmp_path):
    # "Compliant:" and "No" under it are one labelled status, as "Compliant: No" is; "Do we
    # comply? Yes" is a labelled status too; "Compliant" alone, with no status under it, is the
    # status it says (Yes)
    form = read_text(write(tmp_path, "labels.txt", LABEL_ABOVE_TEXT))
    assert [(row.number, row.requirement, row.status, row.evidence, row.commentary) for row in form.rows] == [
        ("1.2", "A complaint must be defined as an expression of dissatisfaction", "No", f"{BULLET}Policy", ""),
        ("1.3", "A resident does not have to use the word complaint", "Yes", f"{BULLET}Policy", ""),
        ("1.4", "Landlords must recognise the difference", "Compliant", f"{BULLET}Guidance", ""),
        # a second labelled line once the status is read is the commentary, not a second status
        ("1.5", "A complaint must be raised", "Partial – letters", "", "Compliance status: Yes"),
    ]
    assert form.unread == []


LABEL_ABOVE_HTML = """<html><body><h1>Our self-assessment</h1><h2>Section 2: Exclusions</h2>
<h3>2.3 Landlords must accept complaints referred to them within 12 months</h3><p>Do we comply? Yes</p>
<ul><li>Policy</li></ul>
<h3>2.4 If a landlord decides not to accept a complaint, an explanation must be provided</h3>
<dl><dt>Compliant</dt><dd>No</dd></dl><ul><li>Policy</li></ul>
<h3>2.5 Landlords must not take a blanket approach to excluding complaints</h3><p>Compliant: Yes – see policy</p>
<ul><li>Policy</li></ul>
<footer>You can also download this as PDF</footer></body></html>"""


def test_html_headings_with_a_status_label_above_its_status_and_a_footer(tmp_path):
    form = read_html(write(tmp_path, "h3.html", LABEL_ABOVE_HTML))
    assert [(row.number, row.status, row.evidence, row.commentary) for row in form.rows] == [
        ("2.3", "Yes", f"{BULLET}Policy", ""), ("2.4", "No", f"{BULLET}Policy", ""),
        ("2.5", "Yes – see policy", f"{BULLET}Policy", "")]
    # the page's footer is no provision's commentary: listed
    assert [(u.reason, u.text) for u in form.unread] == [("text after the form", "You can also download this as PDF")]


@pytest.mark.parametrize("after", [
    "<p>You can also download this as PDF</p>",  # after the element holding the provisions
    "<div class='site'><p>You can also download this as PDF</p></div>",
])
def test_html_text_after_the_element_holding_the_provisions_is_after_the_form(tmp_path, after):
    html = ("<html><body><main><h1>Self-assessment</h1>"
            "<h3>1.2 A complaint must be defined</h3><p>Compliant: Yes</p><p>We review this annually.</p>"
            "<h3>1.3 A resident does not have to use the word</h3><p>Compliant: No</p><p>To do.</p>"
            f"</main>{after}</body></html>")
    form = read_html(write(tmp_path, "page.html", html))
    assert [(row.number, row.status, row.commentary) for row in form.rows] == [
        ("1.2", "Yes", "We review this annually."), ("1.3", "No", "To do.")]
    assert [(u.reason, u.text) for u in form.unread] == [("text after the form", "You can also download this as PDF")]


def test_html_a_provision_per_article_ends_with_its_article(tmp_path):
    # each provision in an element of its own: text between them is no provision's
    html = ("<html><body><article><h3>1.2 A complaint must be defined</h3><p>Compliant: Yes</p><p>Fine.</p>"
            "</article><p>Advertisement</p>"
            "<article><h3>1.3 A resident does not have to use the word</h3><p>Compliant: No</p></article>"
            "<p>Last updated May 2025</p></body></html>")
    form = read_html(write(tmp_path, "page.html", html))
    assert [(row.number, row.status, row.commentary) for row in form.rows] == [("1.2", "Yes", "Fine."), ("1.3", "No", "")]
    assert [(u.reason, u.text) for u in form.unread] == [
        ("text between the form's rows", "Advertisement"), ("text after the form", "Last updated May 2025")]


def test_the_testers_heading_page_imports_with_its_labels_and_footer(tmp_path):
    plan = plan_import(write(tmp_path, "h3.html", LABEL_ABOVE_HTML), load_catalogue("2024"))
    got = {pid: (a.status, [e.description for e in a.evidence], a.commentary) for pid, a in plan.answers.items()}
    assert got == {"2024:2.3": (Status.YES, ["Policy"], ""), "2024:2.4": (Status.NO, ["Policy"], ""),
                   "2024:2.5": (Status.YES, ["Policy"], "see policy")}
    assert [u.reason for u in plan.unread] == ["text after the form"]


def test_html_table_row_without_a_number_but_with_a_status_is_no_continuation(tmp_path):
    html = ("<table><tr><th>Code provision</th><th>Code requirement</th><th>Comply</th><th>Evidence</th></tr>"
            "<tr><td>2.4</td><td>An explanation must be provided</td><td rowspan='2'>Yes</td><td>Letters</td></tr>"
            "<tr><td></td><td>and the right to take it to the Ombudsman.</td><td>Leaflet</td></tr>"
            "<tr><td></td><td>Landlords must not take a blanket approach</td><td>No</td><td>Policy</td></tr>"
            "<tr><td>2.6</td><td>Landlords must consider</td><td>Yes</td><td></td></tr></table>")
    form = read_html(write(tmp_path, "page.html", html))
    assert [(row.number, row.requirement, row.status, row.evidence) for row in form.rows] == [
        ("2.4", "An explanation must be provided\nand the right to take it to the Ombudsman.", "Yes",
         "Letters\nLeaflet"),
        ("2.6", "Landlords must consider", "Yes", "")]
    assert [(u.where, u.reason, u.text) for u in form.unread] == [
        ("table 1, row 4", "a row without a provision number", "Landlords must not take a blanket approach | No | Policy")]


def test_a_wrapped_line_ending_in_a_status_word_is_no_label(tmp_path):
    # a requirement wrapped after "... compliant:" is no label of the line under it
    text = ("1.2 A complaint must be defined and every part\n"
            "of the policy must be compliant:\nNo landlord may use another definition.\nY\n")
    (row,) = read_text(write(tmp_path, "page.txt", text)).rows
    assert row.status == "Y" and row.requirement.endswith("No landlord may use another definition.")


def test_a_labelled_status_not_understood_is_the_rows_status_cell_and_listed(tmp_path):
    """ "Compliant: No issues found": the words are the Comply cell's, read or listed, never
    taken into the requirement."""
    from audit_lib.code.catalogue import load_catalogue
    from audit_lib.form.importer import plan_import

    catalogue = load_catalogue("2024")
    path = tmp_path / "page.txt"
    path.write_text(f"1.2 {catalogue.provision('1.2').text}\nCompliant: No issues found\n- Policy\n\n"
                    f"1.3 {catalogue.provision('1.3').text}\nCompliant: Yes\n- Leaflet\n", encoding="utf-8")
    rows = read_text(path).rows
    assert [(r.number, r.status, r.evidence) for r in rows] == [
        ("1.2", "No issues found", "• Policy"), ("1.3", "Yes", "• Leaflet")]
    plan = plan_import(path, catalogue)
    assert plan.answers["2024:1.2"].status is None and plan.answers["2024:1.3"].status is Status.YES
    assert [(u.reason.split(" (")[0], u.text) for u in plan.unread] == [
        ("a Comply cell that states no status", "No issues found")]
