"""``chc-audit code --version`` and ``chc-audit crosswalk``: each Code version's catalogue and the
crosswalks between versions, as text and as JSON; a wrong version or pair is one line and exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from audit_lib.cli import main

LONG = "9" * 5000


def run_json(capsys, *args: str):
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def run_text(capsys, *args: str) -> list[str]:
    assert main(list(args)) == 0
    return capsys.readouterr().out.splitlines()


def chc_audit(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run([sys.executable, "-m", "audit_lib.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120)


# --- chc-audit code --version ------------------------------------------------------------------

def test_code_version_2022_json(capsys):
    rows = run_json(capsys, "code", "--version", "2022", "--json")
    assert len(rows) == 72
    assert set(rows[0]) == {"id", "number", "section", "section_title", "subsection", "tier", "answer", "text", "note",
                            "source", "plain", "timescales"}
    five_one = next(r for r in rows if r["id"] == "2022:5.1")
    assert (five_one["number"], five_one["section"], five_one["subsection"], five_one["tier"], five_one["answer"]) == (
        "5.1", 5, "Stage 1", "must", "status")
    assert five_one["text"].startswith("Landlords must respond to the complaint within 10 working days of the "
                                       "complaint being logged.")
    assert [(t["stage"], t["step"], t["working_days"], t.get("from")) for t in five_one["timescales"]] == [
        (1, "respond", 10, "logged"), (1, "extension", 10, None)]
    five_thirteen = next(r for r in rows if r["id"] == "2022:5.13")
    assert [(t["stage"], t["step"], t["working_days"], t.get("from")) for t in five_thirteen["timescales"]] == [
        (2, "respond", 20, "start"), (2, "extension", 10, None)]
    five_eighteen = next(r for r in rows if r["id"] == "2022:5.18")
    assert five_eighteen["timescales"] == [{"stage": 3, "optional": True, "step": "respond", "working_days": 20,
                                            "from": "start", "note": None}]
    assert sum(r["tier"] == "must" for r in rows) == 45 and sum(r["tier"] == "should" for r in rows) == 27
    # no provision sets a stage 2 acknowledgement limit in the 2022 Code
    assert not any(t["step"] == "acknowledge" and t["stage"] == 2 for r in rows for t in r["timescales"])


def test_code_is_an_alias_of_version(capsys):
    by_version = run_json(capsys, "code", "--version", "2022", "--json")
    assert run_json(capsys, "code", "--code", "2022", "--json") == by_version


def test_code_version_2020_json(capsys):
    rows = run_json(capsys, "code", "--version", "2020", "--json")
    assert len(rows) == 36
    assert {r["tier"] for r in rows} == {None}
    assert [r["number"] for r in rows if r["answer"] == "figure"] == ["4.5", "4.6", "4.7", "4.10", "6.3"]
    assert [r["number"] for r in rows if r["answer"] == "text"] == ["3.8", "8.1", "8.2", "8.4"]
    four_seven = next(r for r in rows if r["id"] == "2020:4.7")
    assert [(t["stage"], t["step"], t["working_days"], t["from"]) for t in four_seven["timescales"]] == [
        (1, "respond", 10, "logged"), (2, "respond", 20, "start")]
    assert "Not recorded" not in four_seven["text"] and four_seven["note"]


def test_code_default_stays_2024_json(capsys):
    rows = run_json(capsys, "code", "--json")
    assert len(rows) == 72 and rows[0]["id"] == "2024:1.2"
    two_three = next(r for r in rows if r["id"] == "2024:2.3")
    assert two_three["timescales"] == [{"step": "exclusion_window", "months": 12}]
    six_eleven = next(r for r in rows if r["id"] == "2024:6.11")
    assert [(t["stage"], t["step"], t["working_days"]) for t in six_eleven["timescales"]] == [(2, "acknowledge", 5)]
    six_three = next(r for r in rows if r["id"] == "2024:6.3")
    assert six_three["timescales"][0]["from"] == "acknowledged"


def test_code_version_2022_text(capsys):
    lines = run_text(capsys, "code", "--version", "2022")
    assert lines[0] == ("Complaint Handling Code 2022 (Housing Ombudsman Service, in force from 2022-04-01): "
                        "8 sections, 72 provisions: 45 must, 27 should")
    assert "5  Complaint stages" in lines
    stage_heads = [line.strip() for line in lines if line.strip() in ("Stage 1", "Stage 2", "Stage 3")]
    assert stage_heads == ["Stage 1", "Stage 2", "Stage 3"]
    assert any(line.startswith("   5.1   must   Landlords must respond to the complaint") for line in lines)
    assert any(line.startswith("   1.4   should Landlords should recognise") for line in lines)
    at = lines.index("Timescales (working days):")
    assert lines[at + 1:] == [
        "   Stage 1: acknowledge within 5 of receipt (4.1); respond within 10 of logging (5.1); extend by at most 10 "
        "more without good reason (5.1)",
        "   Stage 2: no acknowledgement limit; respond within 20 of the escalation request (5.13); extend by at most "
        "10 more without good reason (5.13)",
        "   Stage 3 (optional): no acknowledgement limit; respond within 20 of the escalation request (5.18); no "
        "extension limit",
        "   Complaints about older issues: the Code names no time limit",
    ]


def test_code_version_2020_text_shows_what_each_question_asks_for(capsys):
    lines = run_text(capsys, "code", "--version", "2020")
    assert lines[0].endswith("8 sections, 36 provisions: 27 asking for a status, 5 asking for a figure, 4 asking "
                             "for a written answer")
    assert "   4.7   figure What proportion of complaint responses are sent within code timescales?" in lines
    assert "   3.8   text   At what stage are most complaints resolved?" in lines
    assert "   4.3   status Are all complaints acknowledged and logged within five days?" in lines


def test_code_2024_text_has_no_tier_column(capsys):
    lines = run_text(capsys, "code")
    assert lines[0].endswith("9 sections, 72 provisions")
    assert any(line.startswith("   6.2   Complaints must be acknowledged") for line in lines)
    assert ("   Stage 2: acknowledge within 5 of the escalation request (6.11); respond within 20 of the "
            "acknowledgement (6.14); extend by at most 20 more without good reason (6.15)") in lines
    assert lines[-1] == "   Complaints about older issues: may be refused after 12 months (2.3)"


# --- chc-audit crosswalk -----------------------------------------------------------------------

def test_crosswalk_2022_2024_json(capsys):
    out = run_json(capsys, "crosswalk", "2022", "2024", "--json")
    assert (out["from"], out["to"]) == ("2022", "2024")
    assert set(out) == {"from", "to", "links", "new", "sources"}
    assert len(out["links"]) == 72
    assert [link["from"] for link in out["links"]][:3] == ["2022:1.2", "2022:1.3", "2022:1.4"]
    five_one = next(link for link in out["links"] if link["from"] == "2022:5.1")
    assert five_one["to"] == ["2024:6.3", "2024:6.4"] and five_one["kind"] == "split" and five_one["note"]
    new = {entry["id"]: entry["note"] for entry in out["new"]}
    assert len(new) == 14 and "2024:6.11" in new and "acknowledgement" in new["2024:6.11"]
    assert next(iter(new)) == "2024:2.5"  # in the 2024 Code's order
    reached = {target for link in out["links"] for target in link["to"]}
    assert not reached & set(new)
    assert len(reached | set(new)) == 72


def test_crosswalk_2020_2022_json(capsys):
    out = run_json(capsys, "crosswalk", "2020", "2022", "--json")
    assert len(out["links"]) == 36
    removed = [link["from"] for link in out["links"] if link["kind"] == "removed"]
    assert "2020:4.5" in removed and all(
        link["to"] == [] for link in out["links"] if link["kind"] == "removed")
    assert {entry["id"] for entry in out["new"]} >= {"2022:1.4", "2022:8.1"}


def test_crosswalk_2022_2024_text(capsys):
    lines = run_text(capsys, "crosswalk", "2022", "2024")
    assert lines[0] == "Crosswalk from the 2022 Code (72 provisions) to the 2024 Code (72 provisions, 14 of them new)"
    assert lines[1].split() == ["2022", "2024", "kind", "what", "changed"]
    five_one = next(line for line in lines if line.startswith("5.1 "))
    assert five_one.split()[:4] == ["5.1", "6.3,", "6.4", "split"]
    removed = next(line for line in lines if line.startswith("2.2 "))
    assert removed.split()[1:3] == ["-", "removed"]
    at = lines.index("New in 2024 (14):")
    assert len(lines) == at + 15
    assert lines[at + 1].startswith("2.5   No blanket approach")
    assert any(line.startswith("6.11  Stage 2 acknowledgement within five working days") for line in lines[at:])


# --- wrong use: one line, exit 2 -----------------------------------------------------------------

@pytest.mark.parametrize("args, expected", [
    (["code", "--version", "1999"], "chc-audit: error: unknown Code version '1999'; expected one of 2020, 2022, 2024"),
    (["crosswalk", "1999", "2024"], "chc-audit: error: unknown Code version '1999'; expected one of 2020, 2022, 2024"),
    (["crosswalk", "2022", "2023"], "chc-audit: error: unknown Code version '2023'; expected one of 2020, 2022, 2024"),
    (["crosswalk", "2020", "2024"], "chc-audit: error: no crosswalk from the 2020 Code to the 2024 Code; expected two "
                                    "consecutive versions, the older first: '2020 2022' or '2022 2024'"),
    (["crosswalk", "2024", "2022", "--json"], "chc-audit: error: no crosswalk from the 2024 Code to the 2022 Code"),
    (["crosswalk", "2022", "2022"], "chc-audit: error: no crosswalk from the 2022 Code to the 2022 Code"),
])
def test_unknown_versions_and_pairs(capsys, args, expected):
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith(expected), captured.err


@pytest.mark.parametrize("args, expected", [
    (["code", "--version", "1999", "--json"], ["unknown Code version '1999'"]),
    (["crosswalk", "2020", "2024"], ["no crosswalk from the 2020 Code to the 2024 Code", "'2022 2024'"]),
    (["crosswalk", "2022"], ["the following arguments are required: NEWER"]),
    (["crosswalk", LONG, "2024"], ["OLDER", "Code version", "5,000 characters"]),
    (["crosswalk", "../../etc", "2024"], ["OLDER", "Code version"]),
    (["code", "--version", "../../etc/passwd"], ["--version/--code", "Code version"]),
])
def test_as_a_command_wrong_use_is_one_line_and_exit_2(args, expected):
    result = chc_audit(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and len(lines[0]) < 600, result.stderr
    for text in expected:
        assert text in lines[0], lines[0]


def test_as_a_command_the_crosswalk_prints():
    result = chc_audit("crosswalk", "2022", "2024", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["links"][0]["from"] == "2022:1.2"


LOG = ("case_id,received,stage1_acknowledged,stage1_responded,stage1_extension_days,stage2_requested,"
       "stage2_acknowledged,stage2_responded,stage2_extension_days,stage1_outcome,stage2_outcome,category,"
       "refused_reason,ombudsman_outcome,compensation\n"
       # escalated Mon 12/06/2023, acknowledged the next day, answered Mon 10/07/2023: 20 working days after
       # the escalation request (due 10/07 under 2022) and 19 after the acknowledgement (due 11/07 under 2024)
       "A1,01/06/2023,02/06/2023,09/06/2023,0,12/06/2023,13/06/2023,10/07/2023,0,not upheld,not upheld,Repairs,,,0\n"
       "A2,05/06/2023,06/06/2023,13/06/2023,0,14/06/2023,15/06/2023,13/07/2023,0,not upheld,not upheld,Repairs,,,0\n")


def test_stats_of_a_case_log_file_use_the_code_in_force_for_the_period_or_the_one_given(tmp_path, capsys):
    # A2: escalated 14/06, acknowledged 15/06, answered 13/07: 21 working days after the request
    # (late under 2022: due 12/07) and 20 after the acknowledgement (on time under 2024: due 13/07)
    path = tmp_path / "log.csv"
    path.write_text(LOG)
    base = ["stats", "--cases", str(path), "--homes", "100", "--period", "2023-24", "--json"]
    in_force = run_json(capsys, *base)
    assert (in_force["stage2_response"]["on_time"], in_force["stage2_ack"]) == (1, None)
    assert "2022 Code" in in_force["definitions"]["deadlines"]
    given = run_json(capsys, *base, "--code", "2024")
    assert (given["stage2_response"]["on_time"], given["stage2_ack"]["on_time"]) == (2, 2)
    assert main([*base, "--code", "1999"]) == 2
    assert "no catalogue for Code version '1999'" in capsys.readouterr().err
    assert main(["stats", "riverbend-homes", "--period", "2024-25", "--code", "2022"]) == 2
    assert "--code goes with --cases" in capsys.readouterr().err
