import json
import subprocess
import sys
from pathlib import Path

import pytest

import audit_lib.code
from audit_lib.cli import main
from audit_lib.code.catalogue import (
    _data_file,
    add_code_folder,
    load_catalogue,
    load_catalogue_file,
    remove_code_folder,
)
from audit_lib.errors import CatalogueError


@pytest.fixture(scope="module")
def code():
    return load_catalogue("2024")


def test_nine_sections_with_their_titles(code):
    assert [s.title for s in code.sections] == [
        "Definition of a complaint",
        "Exclusions",
        "Accessibility and awareness",
        "Complaint handling staff",
        "The complaint handling process",
        "Complaint stages",
        "Putting things right",
        "Self-assessment, reporting and compliance",
        "Scrutiny & oversight: continuous learning and improvement",
    ]


def test_72_provisions_counted_per_section(code):
    assert len(code.provisions) == 72
    assert [len(code.provisions_in(n)) for n in range(1, 10)] == [5, 5, 7, 3, 15, 20, 4, 5, 8]
    assert code.provisions[0].number == "1.2"  # 1.1 is an introduction, not assessed
    assert code.provisions[-1].number == "9.8"


def test_numbers_run_without_gaps_in_order(code):
    expected = [f"{s}.{i}" for s, (first, last) in zip(
        range(1, 10), [(2, 6), (1, 5), (1, 7), (1, 3), (1, 15), (1, 20), (1, 4), (1, 5), (1, 8)]
    ) for i in range(first, last + 1)]
    assert [p.number for p in code.provisions] == expected


def test_ids_are_stable_keys(code):
    assert code.provision("2024:6.2").id == "2024:6.2"
    assert code.provision("6.2") is code.provision("2024:6.2")
    assert len(set(code.ids)) == 72
    with pytest.raises(CatalogueError, match="unknown provision"):
        code.provision("2024:6.21")


@pytest.mark.parametrize(
    "number, text",
    [
        ("6.2", "Complaints must be acknowledged, defined and logged at stage 1 of the complaints procedure "
                "within five working days of the complaint being received."),
        ("6.3", "Landlords must issue a full response to stage 1 complaints within 10 working days of the "
                "complaint being acknowledged."),
        ("6.13", "The person considering the complaint at stage 2 must not be the same person that considered "
                 "the complaint at stage 1."),
        ("6.11", "Requests for stage 2 must be acknowledged, defined and logged at stage 2 of the complaints "
                 "procedure within five working days of the escalation request being received."),
        ("2.5", "Landlords must not take a blanket approach to excluding complaints; they must consider the "
                "individual circumstances of each complaint."),
        ("8.3", "Landlords must also carry out a self-assessment following a significant restructure, merger "
                "and/or change in procedures."),
        # checked against published self-assessments quoting the Code (seeds 002 and 003 agree)
        ("8.2", "The annual complaints performance and service improvement report must be reported to the "
                "landlord's governing body (or equivalent) and published on the on the section of its website "
                "relating to complaints. The governing body's response to the report must be published alongside "
                "this."),
        ("8.5", "If a landlord is unable to comply with the Code due to exceptional circumstances, such as a cyber "
                "incident, they must inform the Ombudsman, provide information to residents who may be affected, "
                "and publish this on their website Landlords must provide a timescale for returning to compliance "
                "with the Code."),
        ("2.3", "Landlords must accept complaints referred to them within 12 months of the issue occurring or the "
                "resident becoming aware of the issue, unless they are excluded on other grounds. Landlords must "
                "consider whether to apply discretion to accept complaints made outside this time limit where there "
                "are good reasons to do so."),
        ("5.6", "When a complaint is logged at Stage 1 or escalated to Stage 2, landlords must set out their "
                "understanding of the complaint and the outcomes the resident is seeking. The Code will refer to "
                'this as "the complaint definition". If any aspect of the complaint is unclear, the resident must '
                "be asked for clarification."),
        ("6.14", "Landlords must issue a final response to the stage 2 within 20 working days of the complaint "
                 "being acknowledged."),
        ("9.5", "In addition to this a member of the governing body (or equivalent) must be appointed to have lead "
                "responsibility for complaints to support a positive complaint handling culture. This person is "
                "referred to as the Member Responsible for Complaints ('the MRC')."),
    ],
)
def test_wording_word_for_word(code, number, text):
    assert code.provision(number).text == text


def test_8_2_keeps_the_published_slip_and_says_so(code):
    provision = code.provision("8.2")
    assert "published on the on the section of its website" in provision.text
    assert provision.note == ('The published Code reads "on the on the" (an evident slip); the text is kept as '
                              "published.")


def test_notes_only_where_the_wording_needs_one(code):
    assert {p.number for p in code.provisions if p.note} == {"8.2", "8.5"}
    assert code.provision("8.5").note is not None and '"website"' in code.provision("8.5").note


def test_apostrophes_are_straight(code):
    text = " ".join(p.text + (p.note or "") for p in code.provisions)
    assert not set("\u2018\u2019\u201c\u201d") & set(text)
    assert "landlord's governing body" in code.provision("8.2").text


def test_3_1_is_its_own_text_not_a_copy_error(code):
    assert code.provision("3.1").text.startswith("Landlords must make it easy for residents to complain by "
                                                 "providing different channels")
    assert code.provision("6.14").text.startswith("Landlords must issue a final response to the stage 2 within "
                                                  "20 working days")
    assert "Voc" not in " ".join(p.text for p in code.provisions)


def test_lists_and_subsections(code):
    assert code.provision("2.2").text.splitlines()[1] == "- The issue giving rise to the complaint occurred over twelve months ago."
    assert code.provision("6.9").subsection == "Stage 1"
    assert code.provision("6.10").subsection == "Stage 2"
    assert code.provision("5.8").text.count(" a. ") == 1


def test_no_2024_provision_has_a_tier(code):
    # The 2024 Code has no must/should tiers: the Ombudsman expects compliance with every provision.
    assert all(p.tier is None for p in code.provisions)
    assert not hasattr(code.provision("6.2"), "modal")


def test_a_provision_may_have_a_tier_for_codes_that_have_them(tmp_path):
    path = tmp_path / "code.yaml"
    path.write_text(CODE_FILE_HEAD.replace("section: 6, text: t}\n  -", "section: 6, tier: should, text: t}\n  -"))
    loaded = load_catalogue_file(path)
    assert [p.tier for p in loaded.provisions] == ["should", None]


@pytest.mark.parametrize("line, message", [
    ("    modal: must\n", "provisions.0.modal: Extra inputs are not permitted (found 'must')"),
    ("    modal: expected\n", "provisions.0.modal: Extra inputs are not permitted (found 'expected')"),
    ("    tier: expected\n", "provisions.0.tier: Input should be 'must' or 'should' (found 'expected')"),
])
def test_a_modal_key_or_unknown_tier_is_refused(tmp_path, line, message):
    path = tmp_path / "code.yaml"
    path.write_text("code: '2024'\ntitle: x\npublisher: y\nin_force: z\nsections:\n  - {number: 1, title: S}\n"
                    "provisions:\n  - number: '1.2'\n    section: 1\n" + line + "    text: t\n")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue_file(path)
    assert str(caught.value) == f"{path}: {message}"


def test_unknown_version_is_a_clear_error():
    with pytest.raises(CatalogueError, match="no catalogue for Code version '1999'"):
        load_catalogue("1999")


def test_damaged_catalogue_file_names_the_problem(tmp_path):
    path = tmp_path / "code.yaml"
    path.write_text("code: '2024'\ntitle: x\npublisher: y\nin_force: z\nsections: []\nprovisions:\n  - number: '1.2'\n    section: 1\n    text: t\n")
    with pytest.raises(CatalogueError, match="names section 1, which does not hold it"):
        load_catalogue_file(path)


def test_cli_code_json(capsys):
    assert main(["code", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 72
    assert {"id", "number", "section", "text"} <= set(rows[0])
    six_two = next(r for r in rows if r["id"] == "2024:6.2")
    assert six_two["number"] == "6.2" and six_two["section"] == 6
    assert "modal" not in six_two and six_two["tier"] is None and six_two["note"] is None
    eight_two = next(r for r in rows if r["id"] == "2024:8.2")
    assert "on the on the" in eight_two["text"] and "evident slip" in eight_two["note"]


def test_the_report_section_shows_a_note_escaped_under_the_text(code):
    from audit_lib.assessment.answers import Assessment
    from audit_lib.workbook.views import section

    html = section(code, 8, Assessment(landlord="l", period="2024-25"), {}).html
    row = html[html.index('id="provision-8.2"'):html.index('id="provision-8.3"')]
    assert "published on the on the section" in row
    assert ('<div class="muted note"><small>Note: The published Code reads &#34;on the on the&#34; (an evident '
            "slip); the text is kept as published.</small></div>") in row
    eight_one = html[html.index('id="provision-8.1"'):html.index('id="provision-8.2"')]
    assert "muted note" not in eight_one


def test_installed_command_prints_json():
    out = subprocess.run([sys.executable, "-m", "audit_lib.cli", "code", "--json"], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)[0]["id"] == "2024:1.2"


# --- the Code's knowledge: timescales and which figures bear on which provision -------------

def test_timescales_name_their_provisions(code):
    limits = {(s.stage, step): (getattr(s, step).provision, getattr(s, step).working_days)
              for s in code.timescales.stages for step in ("acknowledge", "respond", "extension")}
    assert limits == {
        (1, "acknowledge"): ("6.2", 5), (1, "respond"): ("6.3", 10), (1, "extension"): ("6.4", 10),
        (2, "acknowledge"): ("6.11", 5), (2, "respond"): ("6.14", 20), (2, "extension"): ("6.15", 20),
    }
    window = code.timescales.exclusion_window
    assert (window.provision, window.months) == ("2.3", 12)


def test_every_provision_the_knowledge_names_exists(code):
    numbers = {p.number for p in code.provisions}
    assert set(code.timescales.provisions) <= numbers
    assert set(code.figures) <= numbers
    assert all(names for names in code.figures.values())


def test_load_catalogue_reads_each_version_once():
    assert load_catalogue() is load_catalogue("2024") is load_catalogue(code="2024")


CODE_FILE_HEAD = ("code: '2024'\ntitle: x\npublisher: y\nin_force: z\nsections:\n  - {number: 6, title: Stages}\n"
                  "provisions:\n  - {number: '6.2', section: 6, text: t}\n"
                  "  - {number: '6.3', section: 6, text: t}\n")
GOOD_TIMESCALES = ("timescales:\n  stages:\n    - stage: 1\n      acknowledge: {provision: '6.2', working_days: 5}\n"
                   "      respond: {provision: '6.3', working_days: 10}\n      extension: {provision: '6.3', working_days: 10}\n"
                   "  exclusion_window: {provision: '6.2', months: 12}\n")


def test_a_small_code_file_with_knowledge_loads(tmp_path):
    path = tmp_path / "code.yaml"
    path.write_text(CODE_FILE_HEAD + GOOD_TIMESCALES + "figures:\n  '6.2': [stage1_ack]\n")
    loaded = load_catalogue_file(path)
    assert loaded.timescales.stages[0].respond.working_days == 10
    assert loaded.figures == {"6.2": ("stage1_ack",)}


@pytest.mark.parametrize(
    "knowledge, message",
    [
        (GOOD_TIMESCALES.replace("'6.3', working_days: 10}\n      ext", "'6.30', working_days: 10}\n      ext"),
         "timescales: provision '6.30' is not one of this Code's provisions"),
        (GOOD_TIMESCALES.replace("working_days: 5", "working_days: 0"),
         "timescales.stages.0.acknowledge.working_days: Input should be greater than 0 (found 0)"),
        (GOOD_TIMESCALES.replace("stage: 1", "stage: 2"), "expected stages numbered 1, 2, ... in order, found [2]"),
        (GOOD_TIMESCALES.replace("working_days: 5", "days: 5"), "timescales.stages.0.acknowledge.days: Extra inputs"),
        (GOOD_TIMESCALES + "figures:\n  '6.4': [stage1_ack]\n",
         "figures: provision '6.4' is not one of this Code's provisions"),
        (GOOD_TIMESCALES + "figures:\n  '6.2': [stage1_ack, stage1_ack]\n",
         "figures: provision 6.2 needs a list of distinct figure names, found ['stage1_ack', 'stage1_ack']"),
        (GOOD_TIMESCALES + "figures:\n  '6.2': []\n", "figures: provision 6.2 needs a list of distinct figure names"),
        (GOOD_TIMESCALES + "figures:\n  '6.2': [Stage 1 ack]\n", "figures.6.2.0: String should match pattern"),
    ],
)
def test_damaged_knowledge_names_the_file_and_the_problem(tmp_path, knowledge, message):
    path = tmp_path / "code_2024.yaml"
    path.write_text(CODE_FILE_HEAD + knowledge)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue_file(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


# --- Code versions that do not ship: a folder added to the search --------------------------------

@pytest.fixture
def code_folder(tmp_path):
    """A folder of Code data files, searched while the test runs."""
    add_code_folder(tmp_path)
    yield tmp_path
    remove_code_folder(tmp_path)


def test_a_version_in_an_added_folder_loads_once(code_folder):
    (code_folder / "code_test-folder.yaml").write_text(CODE_FILE_HEAD.replace("'2024'", "test-folder") + GOOD_TIMESCALES)
    loaded = load_catalogue("test-folder")
    assert loaded is load_catalogue("test-folder")
    assert loaded.code == "test-folder" and loaded.ids == ("test-folder:6.2", "test-folder:6.3")


def test_an_added_folder_does_not_replace_a_shipped_version(code_folder):
    (code_folder / "code_2024.yaml").write_text(CODE_FILE_HEAD + GOOD_TIMESCALES)
    assert _data_file("2024") == Path(audit_lib.code.__file__).parent / "data" / "code_2024.yaml"
    assert load_catalogue("2024").title == "Complaint Handling Code"


def test_a_file_must_name_its_own_version(code_folder):
    path = code_folder / "code_test-other.yaml"
    path.write_text(CODE_FILE_HEAD + GOOD_TIMESCALES)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue("test-other")
    assert str(caught.value) == (f"{path}: the file names Code version '2024'; code_test-other.yaml must give "
                                 "code: 'test-other'")


def test_a_removed_folder_is_no_longer_searched(tmp_path):
    (tmp_path / "code_test-removed.yaml").write_text(CODE_FILE_HEAD.replace("'2024'", "test-removed"))
    add_code_folder(tmp_path)
    add_code_folder(tmp_path)  # once is enough
    assert _data_file("test-removed") == tmp_path / "code_test-removed.yaml"
    remove_code_folder(tmp_path)
    assert _data_file("test-removed") is None
    with pytest.raises(CatalogueError, match="no catalogue for Code version 'test-removed'"):
        load_catalogue("test-removed")
