"""``chc-audit import`` and ``chc-audit export`` as a user runs them: the seeds imported into a
demo landlord's period, nothing overwritten, the wrong Code refused, errors on one line; each
export format written where it is expected; a published page reviewed with ``chc-audit check``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from audit_lib.cli import main
from audit_lib.core.io import sha256_of

SEEDS = Path(__file__).parent / "data" / "seeds"
SEED_2020 = SEEDS / "000_954383515e813f0c.txt"
SEED_2024 = SEEDS / "002_5569c6dfbbac1049.txt"
SEED_2022 = SEEDS / "004_c12ef68dc0e349cb.txt"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def history(path: Path) -> list[dict]:
    history_path = path.with_name(path.stem + ".history.jsonl")
    return [json.loads(line) for line in history_path.read_text().splitlines()] if history_path.exists() else []


def test_a_dry_run_writes_nothing(demo_inputs, capsys):
    answers = demo_inputs / "riverbend-homes" / "answers" / "2023-24.yaml"
    code, out, err = run(capsys, "import", SEED_2022, "--landlord", "riverbend-homes", "--period", "2023-24",
                         "--inputs", demo_inputs, "--dry-run")
    assert (code, err) == (0, "")
    assert "read as the 2022 Code's form" in out and "Dry run: nothing was written." in out
    assert not answers.exists()


def test_import_fills_an_empty_period_and_records_the_file(demo_inputs, capsys):
    answers = demo_inputs / "riverbend-homes" / "answers" / "2023-24.yaml"
    code, out, err = run(capsys, "import", SEED_2022, "--landlord", "riverbend-homes", "--period", "2023-24",
                         "--inputs", demo_inputs)
    assert (code, err) == (0, "")
    assert f"into {answers}" in out
    data = yaml.safe_load(answers.read_text())
    assert data["code"] == "2022" and data["answers"]["2022:1.2"]["status"] == "Yes"
    entries = [e for e in history(answers) if "imported" in e]
    assert entries and {e["imported"]["file"] for e in entries} == {SEED_2022.name}
    assert {e["imported"]["sha256"] for e in entries} == {sha256_of(SEED_2022)}
    # again: everything is answered already, nothing is written
    before = answers.read_bytes()
    code, out, _ = run(capsys, "import", SEED_2022, "--landlord", "riverbend-homes", "--period", "2023-24",
                       "--inputs", demo_inputs)
    assert code == 0 and "Nothing to import" in out
    assert answers.read_bytes() == before


def test_differing_answers_are_listed_and_replaced_only_when_confirmed(demo_inputs, capsys, monkeypatch):
    answers = demo_inputs / "riverbend-homes" / "answers" / "2023-24.yaml"
    args = ("import", SEED_2022, "--landlord", "riverbend-homes", "--period", "2023-24", "--inputs", demo_inputs)
    run(capsys, *args)
    text = answers.read_text()
    data = yaml.safe_load(text)
    data["answers"]["2022:1.2"]["status"] = "No"
    answers.write_text(yaml.safe_dump(data, sort_keys=False))
    code, out, _ = run(capsys, *args)
    assert code == 0 and "Different in the file and in the answers (1;" in out and "  1.2: status" in out
    assert yaml.safe_load(answers.read_text())["answers"]["2022:1.2"]["status"] == "No"
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _, err = run(capsys, *args, "--replace")
    assert code == 2 and "confirm with --yes" in err and "\n" not in err.strip()
    assert yaml.safe_load(answers.read_text())["answers"]["2022:1.2"]["status"] == "No"
    code, out, _ = run(capsys, *args, "--replace", "--yes")
    assert code == 0 and "Imported 1 answers" in out
    assert yaml.safe_load(answers.read_text())["answers"]["2022:1.2"]["status"] == "Yes"


def test_another_codes_form_is_refused_naming_the_version(demo_inputs, capsys):
    code, _, err = run(capsys, "import", SEED_2024, "--landlord", "riverbend-homes", "--period", "2023-24",
                       "--inputs", demo_inputs)
    assert code == 2
    assert "looks like a self-assessment against the 2024 Code, not the 2022 Code" in err
    assert not (demo_inputs / "riverbend-homes" / "answers" / "2023-24.yaml").exists()
    code, _, err = run(capsys, "import", SEED_2022, "--landlord", "riverbend-homes", "--period", "2024-25",
                       "--inputs", demo_inputs, "--code", "2022")
    assert code == 2 and "assessed against the 2024 Code" in err and "codes:" in err


def test_import_as_json(demo_inputs, capsys):
    code, out, _ = run(capsys, "import", SEED_2020, "--landlord", "riverbend-homes", "--period", "2020-21",
                       "--inputs", demo_inputs, "--json", "--dry-run")
    assert code == 0
    data = json.loads(out)
    assert data["code"] == "2020" and data["dry_run"] is True and data["written"] == []
    assert data["provisions_held"] == 36
    assert data["answers"]["2020:3.8"]["value"] == "Stage 1"


@pytest.mark.parametrize(("name", "message"), [
    ("missing.docx", "found no such file"),
    ("report.pdf", "copy its text into a .txt file"),
])
def test_bad_files_are_one_line_errors(demo_inputs, tmp_path, capsys, name, message):
    path = tmp_path / name
    if name.endswith(".pdf"):
        path.write_bytes(b"%PDF-1.4\n")
    code, _, err = run(capsys, "import", path, "--landlord", "riverbend-homes", "--period", "2024-25",
                         "--inputs", demo_inputs)
    assert code == 2 and message in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_symlink_is_refused(demo_inputs, tmp_path, capsys):
    link = tmp_path / "link.txt"
    os.symlink(SEED_2022, link)
    code, _, err = run(capsys, "import", link, "--landlord", "riverbend-homes", "--period", "2023-24",
                       "--inputs", demo_inputs)
    assert code == 2 and "symbolic link" in err


@pytest.mark.parametrize(("fmt", "name"), [("docx", "self_assessment.docx"), ("xlsx", "self_assessment.xlsx"),
                                            ("csv", "self_assessment.csv"), ("summary", "summary_for_residents.html")])
def test_export_writes_each_format_where_expected(demo_inputs, tmp_path, capsys, fmt, name):
    outputs = tmp_path / "outputs"
    code, out, err = run(capsys, "export", "riverbend-homes", "--period", "2024-25", "--format", fmt,
                         "--inputs", demo_inputs, "--outputs", outputs)
    assert (code, err) == (0, "")
    written = outputs / "exports" / "2024-25" / "riverbend-homes" / name
    assert written.is_file() and written.stat().st_size > 0 and str(written) in out
    # --output: a folder gets the default name; a file is written as named
    code, _, _ = run(capsys, "export", "riverbend-homes", "--period", "2024-25", "--format", fmt,
                     "--inputs", demo_inputs, "--output", tmp_path)
    assert code == 0 and (tmp_path / name).is_file()
    # a folder that does not exist yet (a name without an extension) is made
    code, _, _ = run(capsys, "export", "riverbend-homes", "--period", "2024-25", "--format", fmt,
                     "--inputs", demo_inputs, "--output", tmp_path / "new" / "folder")
    assert code == 0 and (tmp_path / "new" / "folder" / name).is_file()


def test_export_refuses_a_symlink_as_the_file(demo_inputs, tmp_path, capsys):
    target = tmp_path / "elsewhere.csv"
    target.write_text("keep me")
    link = tmp_path / "out.csv"
    os.symlink(target, link)
    code, _, err = run(capsys, "export", "riverbend-homes", "--period", "2024-25", "--format", "csv",
                       "--inputs", demo_inputs, "--output", link)
    assert code == 2 and "symbolic link" in err
    assert target.read_text() == "keep me"


def test_a_published_self_assessment_is_reviewed_with_check(demo_inputs, capsys):
    """The README's review: a subsidiary's published page imported into an empty period, then checked."""
    code, _, _ = run(capsys, "import", SEED_2024, "--landlord", "wharfedale-community-homes", "--period", "2025-26",
                     "--inputs", demo_inputs)
    assert code == 0
    code, out, err = run(capsys, "check", "wharfedale-community-homes", "--period", "2025-26", "--inputs", demo_inputs,
                         "--json", "--as-of", "2026-06-30")
    assert code in (0, 1), err
    codes = {finding["code"] for finding in json.loads(out)}
    # seed 002 answers "Yes" throughout with "Covered in Complaints Policy Section 3" and the like: no document
    # cited, the same words on many provisions
    assert {"evidence-without-document", "evidence-boilerplate"} <= codes


def test_usage_mistakes_are_one_line_errors(demo_inputs, tmp_path, capsys):
    base = ("--landlord", "riverbend-homes", "--inputs", demo_inputs)
    cases = [
        (("import", SEED_2022, "--period", "2023-24", *base, "--yes"), "--yes confirms --replace"),
        (("import", tmp_path, "--period", "2023-24", *base), "found a folder"),
        (("import", SEED_2022, "--period", "2023-24", *base, "--code", "2030"), "unknown Code version '2030'"),
        # an approved assessment: refused before anything is planned, dry run or not
        (("import", SEED_2024, "--landlord", "moorside-almshouses", "--period", "2024-25", "--inputs", demo_inputs,
          "--dry-run"), "approved and read-only"),
        (("export", "riverbend-homes", "--period", "2024-25", "--format", "csv", "--inputs", demo_inputs,
          "--output", tmp_path / "form.docx"), "expected a .csv file for --format csv"),
        (("export", "riverbend-homes", "--period", "2024-25", "--format", "docx", "--inputs", demo_inputs,
          "--outputs", tmp_path / "out", "--output", tmp_path / "out" / "2024-25" / "riverbend-homes" / "f.docx"),
         "each batch run replaces"),
        (("export", "riverbend-homes", "--period", "2024-25", "--format", "docx", "--inputs", demo_inputs,
          "--outputs", tmp_path / "out", "--output", tmp_path / "out" / "2023-24" / "calder-vale-housing"),
         "each batch run replaces"),
    ]
    for args, message in cases:
        code, out, err = run(capsys, *args)
        assert code == 2 and message in err and err.count("\n") == 1 and "Traceback" not in err, (args, err)
        assert "Dry run" not in out
    assert not (tmp_path / "form.docx").exists()
