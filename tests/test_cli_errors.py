"""Every wrong use of ``chc-audit`` ends with one line on stderr and exit 2, never a traceback.

Run as a real command (a subprocess), as a scheduler or a user would run it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from audit_lib.cli import main

from .conftest import write

LONG = "x" * 5000


def chc_audit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run([sys.executable, "-m", "audit_lib.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert len(lines[0]) < 600, "a message never echoes an over-long value in full"
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize(
    "args, expected",
    [
        # periods the calendar cannot hold, or that are not dates at all
        (["stats", "riverbend-homes", "--period", "9999-00"], ["invalid period '9999-00'", "2000-01 to 2098-99"]),
        (["stats", "riverbend-homes", "--period", "0000-01"], ["invalid period '0000-01'", "2000-01 to 2098-99"]),
        (["stats", "riverbend-homes", "--period", "2099-00"], ["invalid period '2099-00'"]),
        (["stats", "riverbend-homes", "--period", "２０２４-２５"], ["invalid period", "YYYY-YY"]),
        (["stats", "riverbend-homes", "--period", LONG], ["invalid period", "5,000 characters"]),
        (["run", "--all", "--period", "9999-00"], ["invalid period '9999-00'"]),
        # argument errors: one line, no usage block
        ([], ["chc-audit: error:", "required: command", "--help"]),
        (["bogus"], ["invalid choice"]),
        ([LONG], ["invalid choice", "5,000 characters"]),
        (["stats"], ["required: --period"]),
        (["stats", "--cases", "c.csv", "--homes", "abc", "--period", "2024-25"], ["--homes", "whole number"]),
        (["stats", "--cases", "c.csv", "--homes", "0", "--period", "2024-25"], ["--homes", "at least 1"]),
        (["stats", "--cases", "c.csv", "--homes", "10", "--header-row", "-1", "--period", "2024-25"],
         ["--header-row", "at least 1"]),
        (["run", "--all", "--period", "2024-25", "--as-of", "2025-02-31"], ["--as-of", "YYYY-MM-DD"]),
        (["run", "--all", "--period", "2024-25", "--workers", "99999999999999999999"], ["--workers", "whole number"]),
        (["run", "--all", "--period", "2024-25", "--timeout", "soon"], ["--timeout", "whole number"]),
        (["run", "--all", "--period", "2024-25", "--executor", "cloud"], ["--executor", "invalid choice"]),
        (["code", "--code", LONG], ["--code", "Code version", "5,000 characters"]),
        (["code", "--code", "../../etc/passwd"], ["--code", "Code version"]),
        # ids and files
        (["stats", LONG, "--period", "2024-25"], ["invalid landlord id", "5,000 characters"]),
        (["stats", "nobody", "--period", "2024-25"], ["unknown landlord 'nobody'"]),
        (["run", "", "--period", "2024-25"], ["invalid landlord id '': expected a slug", "'riverbend-homes'"]),
        (["stats", "--cases", "", "--homes", "3", "--period", "2024-25"], ["--cases names the case-log file"]),
        (["stats", "riverbend-homes", "--period", "2024-25", "--inputs", "no-such-folder"], ["file not found"]),
        (["run", "--retry-failed", "--period", "2024-25", "--outputs", "no-outputs"], ["no run record"]),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(args, expected, demo_inputs):
    write(demo_inputs.parent / "c.csv", "a,b\n1,2\n")
    needs_inputs = args[:1] in (["stats"], ["run"]) and "--inputs" not in args
    result = chc_audit(*args, *(["--inputs", str(demo_inputs)] if needs_inputs else []), cwd=demo_inputs.parent)
    assert_one_line_error(result, *expected)


def test_periods_from_2039_40_on_are_computed_with_their_bank_holidays(demo_inputs):
    """The bank-holiday calendar is computed for the years asked (the package covers them)."""
    for period in ("2039-40", "2045-46", "2098-99"):
        result = chc_audit("stats", "calder-vale-housing", "--period", period, "--inputs", str(demo_inputs), "--json",
                           cwd=demo_inputs.parent)
        assert result.returncode == 0, result.stderr
        assert f'"period": "{period}"' in result.stdout


def test_an_audit_error_with_line_breaks_prints_as_one_line(monkeypatch, capsys):
    from audit_lib import cli
    from audit_lib.errors import ConfigError

    def boom(args):
        raise ConfigError("first line\nsecond line\r\nthird", path="inputs/landlords.yaml")

    monkeypatch.setattr(cli, "_cmd_code", boom)
    assert main(["code"]) == 2
    err = capsys.readouterr().err
    assert err == "chc-audit: error: inputs/landlords.yaml: first line second line third\n"


def test_an_operating_system_refusal_prints_as_one_line(monkeypatch, capsys):
    from audit_lib import cli

    def refused(args):
        raise PermissionError(13, "Permission denied", "/srv/outputs/2024-25")

    monkeypatch.setattr(cli, "_cmd_code", refused)
    assert main(["code"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Permission denied" in err and "/srv/outputs/2024-25" in err


def test_a_long_path_is_not_echoed_in_full(tmp_path, demo_inputs):
    long_folder = "p" * 5000
    for args in (["stats", "riverbend-homes", "--period", "2024-25", "--inputs", long_folder],
                 ["stats", "--cases", long_folder + ".csv", "--homes", "3", "--period", "2024-25"],
                 ["run", "--all", "--period", "2024-25", "--inputs", str(demo_inputs), "--notebook", long_folder]):
        assert_one_line_error(chc_audit(*args, cwd=tmp_path), "characters")


def test_one_line():
    from audit_lib.cli import one_line

    assert one_line("a\n  b\r\nc") == "a b c"
    assert one_line("found '" + "v" * 500 + "'") == "found '" + "v" * 120 + "... (500 characters)'"
    quotes = "invalid landlord id '': expected a slug of lower-case letters, digits and hyphens, " * 2 + "e.g. 'a-b'"
    assert one_line(quotes) == quotes
    cut = one_line("/" + "d" * 999 + ": file not found")
    assert cut.endswith("... (1,000 characters): file not found") and len(cut) < 200
