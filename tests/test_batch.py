"""End to end: papermill executes the workbook per landlord, nbconvert exports the reports."""

import json
import subprocess
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from audit_lib.batch.run import run_batch
from audit_lib.core.periods import Period

from .conftest import DEMO_IDS, tree_hash

pytestmark = pytest.mark.slow
PERIOD = Period.parse("2024-25")


@pytest.fixture(scope="module")
def demo_run(demo_batch):
    return demo_batch


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_landlord_runs(demo_run):
    batch, _, outputs, _ = demo_run
    assert [r.landlord for r in batch.results] == list(DEMO_IDS)
    assert [r.status for r in batch.results] == ["ok"] * len(DEMO_IDS), [r.error for r in batch.results]
    for landlord in DEMO_IDS:
        assert (outputs / "2024-25" / landlord / "self_assessment.ipynb").is_file()
        assert (outputs / "2024-25" / landlord / "self_assessment.html").is_file()


def test_inputs_are_never_rewritten(demo_run):
    _, inputs, _, before = demo_run
    assert tree_hash(inputs) == before


@pytest.mark.parametrize("landlord", DEMO_IDS)
def test_report_shows_all_72_provisions_with_saved_answers(demo_run, landlord):
    import yaml

    _, inputs, outputs, _ = demo_run
    soup = _soup(outputs / "2024-25" / landlord / "self_assessment.html")
    rows = soup.select("tr[id^=provision-]")
    assert len(rows) == 72
    assert rows[0]["id"] == "provision-1.2" and rows[-1]["id"] == "provision-9.8"
    answers = inputs / landlord / "answers" / "2024-25.yaml"  # none for a landlord that has not started
    saved = yaml.safe_load(answers.read_text())["answers"] if answers.is_file() else {}
    text = " ".join(soup.get_text(" ").split())
    for pid, answer in saved.items():
        row = soup.find("tr", id=f"provision-{pid.split(':')[1]}")
        assert row.select_one(".badge").get_text() == answer["status"]
        for item in answer.get("evidence") or []:
            assert " ".join(item["description"].split()) in text
    assert len(soup.select("tr[id^=provision-] .badge.none")) == 72 - len(saved)


@pytest.mark.parametrize("landlord", DEMO_IDS)
def test_report_has_no_code_no_parameters_and_nothing_from_the_network(demo_run, landlord):
    _, _, outputs, _ = demo_run
    html_path = outputs / "2024-25" / landlord / "self_assessment.html"
    soup = _soup(html_path)
    assert not soup.select(".jp-InputArea, .jp-CodeMirrorEditor, .highlight")
    assert "open_workbook" not in soup.get_text() and "inputs_dir" not in soup.get_text()
    assert "injected-parameters" not in html_path.read_text()
    assert not soup.find_all("script", src=True)
    assert not [link for link in soup.find_all("link") if link.get("href", "").startswith(("http", "//"))]
    assert not soup.find_all("img", src=lambda s: s and s.startswith("http"))
    assert soup.find("h2", id="data-quality")


def test_riverbend_report_lists_its_faulty_rows_without_personal_data(demo_run):
    _, _, outputs, _ = demo_run
    path = outputs / "2024-25" / "riverbend-homes"
    soup = _soup(path / "self_assessment.html")
    table = soup.find("h2", id="data-quality").find_next("table")
    assert len(table.select("tbody tr")) == 5  # five problems: one row excluded whole, four complaints kept
    effects = [row.select("td")[-1].get_text() for row in table.select("tbody tr")]
    assert effects.count("Row excluded whole") == 1
    assert sum(e.startswith("Kept out of: stage 1") for e in effects) == 3
    reconciliation = soup.find("p", class_="reconciliation").get_text(" ", strip=True)
    assert reconciliation == "627 rows read = 626 complaints counted + 1 row excluded whole."
    for artefact in (path / "self_assessment.html", path / "self_assessment.ipynb"):
        text = artefact.read_text()
        assert "@example.org" not in text and "Northshire\"" not in text and "07700" not in text


def test_index_links_every_report(demo_run):
    batch, _, outputs, _ = demo_run
    index = outputs / "2024-25" / "index.html"
    assert batch.index == index  # the group summary notebook, exported
    links = [a["href"] for a in _soup(index).select("table.reports a[href$='self_assessment.html']")]
    assert links == [f"{landlord}/self_assessment.html" for landlord in DEMO_IDS]
    assert all((index.parent / link).is_file() for link in links)


def test_user_text_is_escaped(demo_inputs, tmp_path):
    answers = demo_inputs / "moorside-almshouses" / "answers" / "2024-25.yaml"
    answers.write_text(answers.read_text().replace("answers:\n", "answers:\n  '2024:3.1':\n    status: 'Yes'\n    evidence:\n      - description: \"<script>alert('evidence')</script>\"\n", 1))
    log = demo_inputs / "moorside-almshouses" / "complaints.csv"
    log.write_text(log.read_text().replace(",Repairs,", ",<script>alert('category')</script>,", 1))
    batch = run_batch(["moorside-almshouses"], PERIOD, demo_inputs, tmp_path / "out")
    assert batch.results[0].status == "ok", batch.results[0].error
    html_text = batch.results[0].report.read_text()
    soup = BeautifulSoup(html_text, "html.parser")
    assert "<script>alert('evidence')</script>" in soup.get_text()
    assert not [s for s in soup.find_all("script") if "alert(" in (s.string or "")]
    assert "&lt;script&gt;alert(" in html_text


def test_a_failing_landlord_does_not_stop_the_others(demo_inputs, tmp_path):
    (demo_inputs / "calder-vale-housing" / "answers" / "2024-25.yaml").write_text("landlord: [unclosed\n")
    batch = run_batch(None, PERIOD, demo_inputs, tmp_path / "out")
    status = {r.landlord: r for r in batch.results}
    assert status["calder-vale-housing"].status == "failed"
    assert "AnswerStoreError" in status["calder-vale-housing"].error and "not valid YAML" in status["calder-vale-housing"].error
    assert status["calder-vale-housing"].notebook.is_file()  # kept, with the failing cell marked
    assert status["riverbend-homes"].status == status["moorside-almshouses"].status == "ok"


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    import shutil
    import sys

    exe = shutil.which("chc-audit") or str(Path(sys.executable).parent / "chc-audit")
    return subprocess.run([exe, *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize(
    "args, message",
    [
        (("run", "../etc", "--period", "2024-25"), "invalid landlord id '../etc'"),
        (("run", "--all", "--period", "2024-26"), "invalid period '2024-26'"),
        (("run", "nobody", "--period", "2024-25"), "unknown landlord 'nobody'"),
        (("run", "--period", "2024-25"), "name one or more landlords, or give --all"),
    ],
)
def test_cli_errors_are_one_line(args, message, tmp_path):
    result = _cli(*args, "--outputs", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_cli_run_one_landlord(demo_inputs, tmp_path):
    result = _cli("run", "moorside-almshouses", "--period", "2024-25", "--inputs", str(demo_inputs),
                  "--outputs", str(tmp_path / "out"), "--as-of", "2025-06-01")
    assert result.returncode == 0, result.stderr
    assert "moorside-almshouses" in result.stdout and "ok" in result.stdout
    assert (tmp_path / "out" / "2024-25" / "moorside-almshouses" / "self_assessment.html").is_file()
    folder = tmp_path / "out" / "2024-25"
    metrics = json.loads((folder / "moorside-almshouses" / "metrics.json").read_text())
    assert metrics["provenance"]["parameters"]["as_of"] == "2025-06-01"  # --as-of reaches the notebook
    group = nbformat.read(folder / "group_summary.ipynb", as_version=4)
    assert group.metadata["chc_audit"]["provenance"]["parameters"]["as_of"] == "2025-06-01"
    assert json.loads((folder / "run.json").read_text())["last_run"]["as_of"] == "2025-06-01"


def test_report_carries_case_statistics_beside_provisions(demo_run):
    from audit_lib.workbook.facade import open_workbook

    _, inputs, outputs, _ = demo_run
    soup = _soup(outputs / "2024-25" / "riverbend-homes" / "self_assessment.html")
    stats = open_workbook("riverbend-homes", "2024-25", inputs).stats
    row = soup.find("tr", id="provision-6.2")
    assert f"{stats.year.stage1_ack.pct:.1f}% of stage 1 acknowledgements" in row.get_text()
    assert f"TSM CH02 stage 1: {stats.year.tsm_ch02_stage1_pct:.1f}%" in soup.find("tr", id="provision-6.3").get_text()
    heading = soup.find("h3", string="Annual performance against the Complaint Handling Code")
    table = heading.find_next("table")
    assert [th.get_text() for th in table.select("thead th")] == ["Measure", "Q1", "Q2", "Q3", "Q4", "2024-25"]
    charts = soup.select(".charts svg")  # drawn inline: nothing to load, text stays text
    assert len(charts) == 3 and all(svg["role"] == "img" and svg.find("title").get_text() for svg in charts)
    assert not soup.select(".charts img")
    assert soup.find("h3", string="Definitions")
