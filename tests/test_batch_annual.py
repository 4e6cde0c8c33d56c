"""The batch with ``--report annual`` and ``--pdf``: the annual report and the PDFs in each landlord's set.

One landlord (Riverbend Homes) is run once with the annual report and PDFs, as the command runs
it, and the tests read that run; the failures each make a run of their own, without PDFs where
the failure comes first.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from audit_lib.batch.outputs import read_manifest
from audit_lib.batch.run import run_batch
from audit_lib.batch.worker import NotebookJob, PdfSpec, Timings, _close_printer, run_job, worker_printer
from audit_lib.core.io import sha256_of
from audit_lib.core.paths import ANNUAL_REPORT
from audit_lib.core.periods import Period

from .conftest import DEMO_AS_OF
from .demo import DEMO_INPUTS, ROOT

pytestmark = pytest.mark.slow
PERIOD = Period.parse("2024-25")
LANDLORD = "riverbend-homes"
SET = {"self_assessment.ipynb", "self_assessment.html", "self_assessment.pdf", "metrics.json",
       "annual_report.ipynb", "annual_report.html", "annual_report.pdf", "manifest.json"}


def chc_audit(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command, as a user or a scheduler runs it."""
    return subprocess.run([sys.executable, "-m", "audit_lib.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)


def failing_copy(notebook: Path, target: Path) -> Path:
    """The annual report's notebook with a cell that fails added before its run record."""
    nb = nbformat.read(str(notebook), as_version=4)
    at = next((i for i, c in enumerate(nb.cells) if "run-record" in c.metadata.get("tags", [])), len(nb.cells))
    nb.cells.insert(at, nbformat.v4.new_code_cell('raise ValueError("the annual report could not be built")'))
    nbformat.write(nb, str(target))
    return target


@pytest.fixture(scope="module")
def annual_run(tmp_path_factory):
    """``chc-audit run riverbend-homes --report annual --pdf`` on a copy of the demo inputs (the shipped notebooks)."""
    base = tmp_path_factory.mktemp("annual")
    inputs, outputs = base / "inputs", base / "outputs"
    shutil.copytree(DEMO_INPUTS, inputs)
    done = chc_audit("run", LANDLORD, "--period", "2024-25", "--inputs", str(inputs), "--outputs", str(outputs),
                     "--workers", "1", "--report", "annual", "--pdf", "--as-of", DEMO_AS_OF.isoformat())
    return done, inputs, outputs


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_landlords_folder_holds_one_complete_set_with_the_annual_report_and_pdfs(annual_run):
    done, _, outputs = annual_run
    assert done.returncode == 0, done.stderr
    folder = outputs / "2024-25" / LANDLORD
    assert {p.name for p in folder.iterdir()} == SET
    manifest = read_manifest(folder)
    assert manifest is not None and manifest["status"] == "ok"
    assert manifest["asked"] == {"reports": ["self_assessment.html", "annual_report.html"], "pdf": True}
    assert manifest["files"] == {name: sha256_of(folder / name) for name in SET - {"manifest.json"}}
    executed = nbformat.read(str(folder / "annual_report.ipynb"), as_version=4)
    assert executed.metadata["chc_audit"]["provenance"]["notebook"]["file"] == "annual_report.ipynb"
    assert executed.metadata["papermill"]["output_path"] == str(folder / "annual_report.ipynb")  # not the stage's
    assert not [p for p in (outputs / "2024-25").iterdir() if ".staging-" in p.name or ".old-" in p.name]


def test_the_summary_table_and_run_record_name_the_annual_report_pdfs_and_their_timings(annual_run):
    done, _, outputs = annual_run
    folder = outputs / "2024-25" / LANDLORD
    for name in ("self_assessment.html", "annual_report.html", "self_assessment.pdf", "annual_report.pdf"):
        assert str(folder / name) in done.stdout
    assert str(outputs / "2024-25" / "group_summary.pdf") in done.stdout
    assert "annual report on average: kernel start" in done.stdout
    assert "PDF printing on average:" in done.stdout
    record = json.loads((outputs / "2024-25" / "run.json").read_text())
    entry = record["landlords"][LANDLORD]
    assert entry["other_reports"] == [f"{LANDLORD}/annual_report.html", f"{LANDLORD}/self_assessment.pdf",
                                      f"{LANDLORD}/annual_report.pdf"]
    timings = entry["timings"]
    assert timings["pdf"] > 0
    assert set(timings["annual_report"]) == {"kernel_start", "execution", "shutdown", "export", "kernel_attempts"}
    assert timings["annual_report"]["execution"] > 0 and timings["annual_report"]["kernel_attempts"] == 1
    assert record["last_run"]["report"] == "annual" and record["last_run"]["pdf"] is True


def test_each_pdf_has_its_running_header_and_page_numbers(annual_run):
    _, _, outputs = annual_run
    folder = outputs / "2024-25" / LANDLORD
    annual = _pdf_text(folder / "annual_report.pdf")
    assert "Riverbend Homes - 2024-25 - Annual complaints performance and service improvement report" in annual
    assert "Page 1 of" in annual and "Riverbend Homes - 2024-25" in annual
    own = _pdf_text(folder / "self_assessment.pdf")
    assert "Riverbend Homes - 2024-25 - Complaint Handling Code self-assessment" in own and "Page 1 of" in own
    group = _pdf_text(outputs / "2024-25" / "group_summary.pdf")
    assert "Northshire Housing Group - 2024-25" in group and "Page 1 of" in group


def test_the_index_links_the_annual_report_and_the_pdfs_of_the_complete_set(annual_run):
    _, _, outputs = annual_run
    index = BeautifulSoup((outputs / "2024-25" / "index.html").read_text(), "html.parser")
    links = [a["href"] for a in index.select("table.reports a")]
    assert [link for link in links if link.startswith(f"{LANDLORD}/")] == [
        f"{LANDLORD}/self_assessment.html", f"{LANDLORD}/self_assessment.pdf", f"{LANDLORD}/annual_report.html",
        f"{LANDLORD}/annual_report.pdf", f"{LANDLORD}/metrics.json"]
    row = index.find("tr", id=f"annual-{LANDLORD}")
    assert [a["href"] for a in row.select("a")] == [f"{LANDLORD}/annual_report.html", f"{LANDLORD}/annual_report.pdf"]
    metrics = json.loads((outputs / "2024-25" / LANDLORD / "metrics.json").read_text())
    expected = "Complete" if metrics["annual_report"]["complete"] else "Incomplete"
    assert row.select_one("td.annual-status").get_text(strip=True) == expected
    # the landlords not run have no annual report, and no figures to say more
    other = index.find("tr", id="annual-calder-vale-housing")
    assert not other.select("a") and [" ".join(td.get_text().split()) for td in other.select("td")][1:] == [
        "not produced", "not produced", "no current figures (see Reports)"]


def _tiny_workbook(path: Path) -> Path:
    """A stand-in for the self-assessment that only shows a heading (quick: these tests are about what
    follows it in the same job)."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('landlord = "x"\nperiod = "2024-25"\ninputs_dir = "."\ninteractive = True\n'
                                       "as_of = None")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(
        'from IPython.display import HTML\nHTML("<h2 id=\'workbook\'>Workbook of " + landlord + "</h2>")')]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def test_a_failing_annual_report_fails_the_landlord_and_leaves_no_report(annual_run, tmp_path):
    _, inputs, outputs = annual_run
    mine = tmp_path / "outputs"
    shutil.copytree(outputs, mine)  # the complete set of the run above is replaced by this failed one
    notebook = failing_copy(ANNUAL_REPORT, tmp_path / "annual_report.ipynb")
    batch = run_batch([LANDLORD], PERIOD, inputs, mine, workers=1, progress=False, as_of=DEMO_AS_OF,
                      report="annual", annual_notebook=notebook, notebook=_tiny_workbook(tmp_path / "workbook.ipynb"))
    result = batch.results[0]
    assert result.status == "failed"
    assert result.error.startswith("annual report: cell ") and "the annual report could not be built" in result.error
    folder = mine / "2024-25" / LANDLORD
    assert {p.name for p in folder.iterdir()} == {"self_assessment.ipynb", "annual_report.ipynb", "manifest.json"}
    manifest = read_manifest(folder)
    assert manifest["status"] == "failed" and manifest["error"] == result.error
    kept = nbformat.read(str(folder / "annual_report.ipynb"), as_version=4)
    assert any(o.get("ename") == "ValueError" for c in kept.cells if c.cell_type == "code" for o in c.outputs)
    index = BeautifulSoup((mine / "2024-25" / "index.html").read_text(), "html.parser")
    assert not index.select(f"a[href^='{LANDLORD}/']")
    row = index.find("tr", id=f"annual-{LANDLORD}")
    assert "not produced" in row.get_text() and "no current figures" in row.get_text()
    assert "annual report: cell" in index.select_one("table.reports").get_text()  # the reason, from run.json


def test_a_browser_that_will_not_start_fails_the_job_with_no_report(tmp_path, monkeypatch):
    monkeypatch.setenv("CHC_AUDIT_CHROMIUM", "/bin/true")  # an executable, but not a browser
    folder = tmp_path / "out" / "2024-25" / LANDLORD
    folder.parent.mkdir(parents=True)
    job = NotebookJob(name=LANDLORD, notebook=_tiny_workbook(tmp_path / "workbook.ipynb"),
                      executed=folder / "self_assessment.ipynb", report=folder / "self_assessment.html",
                      parameters={"landlord": LANDLORD}, title="Workbook", folder=folder, run_id="r1",
                      pdf=PdfSpec(folder / "self_assessment.pdf", header="Riverbend Homes - 2024-25 - Workbook",
                                  footer="Riverbend Homes - 2024-25"))
    _close_printer()
    try:
        result = run_job(job)
    finally:
        _close_printer()
    assert result.status == "failed" and result.error.startswith("self_assessment.pdf: chromium at /bin/true")
    assert {p.name for p in folder.iterdir()} == {"self_assessment.ipynb", "manifest.json"}
    assert read_manifest(folder)["status"] == "failed"
    assert read_manifest(folder)["asked"] == {"reports": ["self_assessment.html"], "pdf": True}  # for the next run


def test_no_chromium_is_one_line_and_exit_2_before_any_landlord_runs(tmp_path):
    done = chc_audit("run", LANDLORD, "--period", "2024-25", "--outputs", str(tmp_path / "out"), "--pdf",
                     env={"CHC_AUDIT_CHROMIUM": "/nonexistent/chromium"})
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chc-audit: error: ")
    assert "/nonexistent/chromium" in lines[0] and "apt-get install chromium" in lines[0]
    assert not (tmp_path / "out").exists()  # nothing written, no landlord run


@pytest.mark.parametrize(("args", "expected"), [
    (("--report", "annual", "--annual-notebook", "/nonexistent/annual_report.ipynb"), "the notebook is missing"),
    (("--annual-notebook", "annual.ipynb"), "use it with --report annual"),
    (("--report", "yearly"), "invalid choice"),
])
def test_wrong_annual_options_are_one_line_and_exit_2(tmp_path, args, expected):
    done = chc_audit("run", LANDLORD, "--period", "2024-25", "--outputs", str(tmp_path / "out"), *args)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and expected in lines[0], done.stderr
    assert not (tmp_path / "out").exists()


def test_a_worker_has_one_printer_reused_until_it_is_closed():
    first = worker_printer()
    try:
        assert worker_printer() is first and first.launches == 0  # the browser starts on the first report
    finally:
        _close_printer()
    second = worker_printer()
    _close_printer()
    assert second is not first


def test_timings_record_each_further_notebook_under_its_key():
    timings = Timings(kernel_start=1.23456, pdf=2.5, notebooks={"annual_report": Timings(execution=0.5)})
    record = timings.as_dict()
    assert record["kernel_start"] == 1.235 and record["pdf"] == 2.5
    assert record["annual_report"] == {"kernel_start": 0.0, "execution": 0.5, "shutdown": 0.0, "export": 0.0,
                                       "kernel_attempts": 0}


def test_the_command_offers_the_reports_and_executors_the_batch_knows():
    from audit_lib.batch.pools import EXECUTORS
    from audit_lib.batch.run import REPORTS
    from audit_lib.cli import build_parser

    parser = build_parser()
    run = parser._subparsers._group_actions[0].choices["run"]
    choices = {action.dest: action.choices for action in run._actions}
    assert choices["report"] is REPORTS and choices["executor"] is EXECUTORS  # one list each, not a copy


# --- the group summary's files (index.html, group_summary.ipynb, group_summary.pdf) go together ---------------

GROUP_FILES = ("index.html", "group_summary.ipynb", "group_summary.pdf")


def _group_files(outputs: Path) -> set[str]:
    return {name for name in GROUP_FILES if (outputs / "2024-25" / name).exists()}


def _copy_with_group_pdf(annual_run, tmp_path: Path) -> tuple[Path, Path]:
    """The inputs, and a copy of the outputs of the run above: its index beside its group summary's PDF."""
    _, inputs, outputs = annual_run
    mine = Path(shutil.copytree(outputs, tmp_path / "outputs"))
    assert _group_files(mine) == set(GROUP_FILES)
    return inputs, mine


def test_a_run_without_pdfs_leaves_no_group_pdf_of_an_earlier_run(annual_run, tmp_path):
    inputs, mine = _copy_with_group_pdf(annual_run, tmp_path)
    tiny = _tiny_workbook(tmp_path / "workbook.ipynb")
    batch = run_batch([LANDLORD], PERIOD, inputs, mine, workers=1, progress=False, as_of=DEMO_AS_OF,
                      notebook=tiny, group_notebook=tiny)
    assert batch.group is not None and batch.group.status == "ok"
    assert _group_files(mine) == {"index.html", "group_summary.ipynb"}


def test_a_failed_group_print_leaves_no_group_pdf_of_an_earlier_run(annual_run, tmp_path, monkeypatch):
    inputs, mine = _copy_with_group_pdf(annual_run, tmp_path)
    monkeypatch.setenv("CHC_AUDIT_CHROMIUM", "/bin/false")  # runs, but prints nothing
    tiny = _tiny_workbook(tmp_path / "workbook.ipynb")
    batch = run_batch([LANDLORD], PERIOD, inputs, mine, workers=1, progress=False, as_of=DEMO_AS_OF,
                      notebook=tiny, group_notebook=tiny, pdf=True)
    assert batch.group is not None and batch.group.status == "failed"
    assert batch.group.error.startswith("group_summary.pdf: ")
    assert _group_files(mine) == {"group_summary.ipynb"}  # the executed notebook, kept: no index, no PDF


def test_a_run_killed_midway_leaves_no_group_pdf_of_an_earlier_run(annual_run, tmp_path):
    import psutil

    inputs, mine = _copy_with_group_pdf(annual_run, tmp_path)
    slow = _tiny_workbook(tmp_path / "workbook.ipynb")
    nb = nbformat.read(str(slow), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(120)"))
    nbformat.write(nb, str(slow))
    command = [sys.executable, "-m", "audit_lib.cli", "run", LANDLORD, "--period", "2024-25", "--inputs",
               str(inputs), "--outputs", str(mine), "--workers", "1", "--notebook", str(slow)]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parent = psutil.Process(proc.pid)
    started: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:  # the landlord's set is being built
            started = parent.children(recursive=True) or started
            if any(".staging-" in p.name for p in (mine / "2024-25").iterdir()):
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be killed"
        started = parent.children(recursive=True) or started
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        for child in started:  # this test's own processes only
            with contextlib.suppress(psutil.Error):
                child.kill()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "group_summary.pdf" not in _group_files(mine)
    assert not _group_files(mine)  # the earlier run's group summary is withdrawn whole
