import json
import subprocess
import sys

import pytest

from audit_lib.cli import main
from audit_lib.code.catalogue import load_catalogue, load_catalogue_file
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
    ],
)
def test_wording_word_for_word(code, number, text):
    assert code.provision(number).text == text


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


def test_modal(code):
    assert code.provision("6.2").modal == "must"
    assert {p.number for p in code.provisions if p.modal == "expected"} == {"5.2", "5.3", "5.5", "8.4"}


def test_unknown_version_is_a_clear_error():
    with pytest.raises(CatalogueError, match="no catalogue for Code version '1999'"):
        load_catalogue("1999")


def test_damaged_catalogue_file_names_the_problem(tmp_path):
    path = tmp_path / "code.yaml"
    path.write_text("code: '2024'\ntitle: x\npublisher: y\nin_force: z\nsections: []\nprovisions:\n  - number: '1.2'\n    section: 1\n    modal: must\n    text: t\n")
    with pytest.raises(CatalogueError, match="names section 1, which does not hold it"):
        load_catalogue_file(path)


def test_cli_code_json(capsys):
    assert main(["code", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 72
    assert {"id", "number", "section", "text"} <= set(rows[0])
    six_two = next(r for r in rows if r["id"] == "2024:6.2")
    assert six_two["number"] == "6.2" and six_two["section"] == 6


def test_installed_command_prints_json():
    out = subprocess.run([sys.executable, "-m", "audit_lib.cli", "code", "--json"], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)[0]["id"] == "2024:1.2"
