"""``chc-audit check``: the findings on a landlord's answers, as text or JSON; exit 1 while a
contradicted finding has no response, 0 once each has one; wrong use is one line and exit 2.

Run as a real command (a subprocess) on a copy of the demo inputs. Riverbend Homes' case log
gives 462 of 536 stage 1 responses on time (86.2%, ``chc-audit stats riverbend-homes --period
2024-25``): below the default threshold of 90%, so a "Yes" to 6.3 is contradicted by the data.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from audit_lib.assessment.store import open_store
from audit_lib.code.catalogue import load_catalogue

from .test_cli_errors import assert_one_line_error

CODE = load_catalogue()
LANDLORD = "riverbend-homes"


def chc_audit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run([sys.executable, "-m", "audit_lib.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=180)


def check(inputs: Path, *more: str) -> subprocess.CompletedProcess[str]:
    return chc_audit("check", LANDLORD, "--period", "2024-25", "--inputs", str(inputs), "--as-of", "2025-06-30",
                     *more, cwd=inputs.parent)


def store(inputs: Path, user: str = "auditor.one"):
    return open_store(inputs / LANDLORD, CODE, LANDLORD, "2024-25", user)


@pytest.fixture
def contradicted(demo_inputs: Path) -> Path:
    """The demo inputs with Riverbend's 6.3 answered "Yes" (the data says 86.2% on time)."""
    store(demo_inputs).change("2024:6.3", "status", "Yes")
    return demo_inputs


def _on_time_finding(findings: list[dict[str, object]]) -> dict[str, object]:
    [finding] = [f for f in findings if f["provision"] == "2024:6.3" and f["code"] == "on-time-below-threshold"]
    return finding


def test_json_lists_each_finding_and_exits_1_until_each_contradiction_has_a_response(contradicted):
    result = check(contradicted, "--json")
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    findings = json.loads(result.stdout)
    assert isinstance(findings, list) and findings
    for finding in findings:
        assert {"provision", "number", "severity", "code", "message", "figures", "response"} <= set(finding)
        assert finding["severity"] in ("contradicted", "caution", "evidence")
        assert isinstance(finding["message"], str) and finding["message"]
    ours = _on_time_finding(findings)
    assert (ours["number"], ours["severity"], ours["response"]) == ("6.3", "contradicted", None)
    assert "86.2%" in str(ours["message"])

    # a response to every contradicted finding (the one above, and any the demo answers already had)
    s = store(contradicted)
    unanswered: dict[str, list[dict[str, str]]] = {}
    for finding in findings:
        if finding["severity"] == "contradicted" and not finding["response"]:
            unanswered.setdefault(str(finding["provision"]), []).append(
                {"code": str(finding["code"]), "text": f"Explained for {finding['number']}"})
    for provision, responses in unanswered.items():
        current = [r.model_dump() for r in s.answer(provision).responses]
        s.change(provision, "responses", [*current, *responses])

    result = check(contradicted, "--json")
    assert result.returncode == 0, result.stdout
    after = _on_time_finding(json.loads(result.stdout))
    assert after["severity"] == "contradicted" and after["response"] == "Explained for 6.3"  # the finding stands


def test_text_gives_one_line_per_finding_and_a_summary(contradicted):
    result = check(contradicted)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Riverbend Homes, 2024-25: findings")
    [line] = [ln for ln in lines if "on-time-below-threshold" in ln and ln.split()[0] == "6.3"]
    assert "contradicted" in line and "86.2%" in line and line.endswith("No response.")
    assert any(ln.startswith("Contradicted by the case data (") for ln in lines)
    assert "contradicted without a response: respond to each before approving" in lines[-1]

    s = store(contradicted)
    s.change("2024:6.3", "responses", [{"code": "on-time-below-threshold",
                                         "text": "Q1 backlog after the system change;\nrecovered by Q3."}])
    [line] = [ln for ln in check(contradicted).stdout.splitlines()
              if "on-time-below-threshold" in ln and ln.split()[0] == "6.3"]
    assert line.endswith("Response: Q1 backlog after the system change; recovered by Q3.")  # on one line


def test_a_landlord_the_data_does_not_contradict_exits_0(demo_inputs):
    s = store(demo_inputs)
    findings = json.loads(check(demo_inputs, "--json").stdout)
    for finding in findings:  # answer whatever the demo's own answers are contradicted on
        if finding["severity"] == "contradicted":
            s.change(str(finding["provision"]), "status", "Partial")
    result = check(demo_inputs, "--json")
    assert result.returncode == 0, result.stdout
    assert not [f for f in json.loads(result.stdout) if f["severity"] == "contradicted"]
    last = check(demo_inputs).stdout.splitlines()[-1]
    assert "(0 contradicted, " in last and last.endswith("; the case data contradicts no answer.")


@pytest.mark.parametrize("args, expected", [
    (["check", LANDLORD], ["--period"]),
    (["check", "--period", "2024-25"], ["LANDLORD"]),
    (["check", LANDLORD, "--period", "2024-25", "--as-of", "30/06/2025"], ["expected a date written YYYY-MM-DD"]),
    (["check", LANDLORD, "--period", "9999-00"], ["invalid period '9999-00'"]),
    (["check", "no-such-landlord", "--period", "2024-25"], ["no-such-landlord"]),
])
def test_wrong_use_is_one_line_and_exit_2(demo_inputs, args, expected):
    assert_one_line_error(chc_audit(*args, "--inputs", str(demo_inputs), cwd=demo_inputs.parent), *expected)


def test_a_damaged_answers_file_is_one_line_and_exit_2(demo_inputs):
    path = demo_inputs / LANDLORD / "answers" / "2024-25.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nlandlord: again\n", encoding="utf-8")
    assert_one_line_error(check(demo_inputs), "2024-25.yaml")
