"""The parallel batch: failures, timeouts, retries, kernel start-up, Dask, reports, metrics and the roll-up."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

import audit_lib
from audit_lib.batch.run import run_batch
from audit_lib.core.paths import SELF_ASSESSMENT
from audit_lib.core.periods import Period
from audit_lib.errors import UsageError
from tests.demo import DEMO_INPUTS

from .conftest import DEMO_IDS

pytestmark = pytest.mark.slow
PERIOD = Period.parse("2024-25")
MAX_REPORT_BYTES = 1_500_000


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _cli(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("chc-audit") or str(Path(sys.executable).parent / "chc-audit")
    return subprocess.run([exe, *args], capture_output=True, text=True)


def _slow_notebook(folder: Path) -> Path:
    """The workbook with one more cell, which hangs while ``inputs/<landlord>/SLOW`` exists (tests only)."""
    nb = nbformat.read(SELF_ASSESSMENT, as_version=4)
    cell = nbformat.v4.new_code_cell(
        "import pathlib, time\nif (pathlib.Path(inputs_dir) / landlord / 'SLOW').exists():\n    time.sleep(300)"
    )
    cell.id = "test-hang"
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(index + 1, cell)
    path = folder / "slow_workbook.ipynb"
    nbformat.write(nb, path)
    return path


def _summary_row(stdout: str, landlord: str) -> str:
    return next(line for line in stdout.splitlines() if line.startswith(landlord + " "))


# --- a failing landlord and a hung cell among good ones, then --retry-failed -----------------

@pytest.fixture(scope="module")
def failing_run(tmp_path_factory):
    """calder-vale-housing's answers are damaged and moorside-almshouses hangs; riverbend is fine."""
    base = tmp_path_factory.mktemp("failing")
    inputs = base / "inputs"
    shutil.copytree(DEMO_INPUTS, inputs)
    (inputs / "calder-vale-housing" / "answers" / "2024-25.yaml").write_text("landlord: [unclosed\n")
    (inputs / "moorside-almshouses" / "SLOW").write_text("hang\n")
    notebook = _slow_notebook(base)
    outputs = base / "outputs"
    run = _cli("run", "--all", "--period", "2024-25", "--inputs", str(inputs), "--outputs", str(outputs),
               "--notebook", str(notebook), "--timeout", "15", "--workers", "2")
    folder = outputs / "2024-25"
    snapshot = {
        "record": json.loads((folder / "run.json").read_text()),
        "index": (folder / "index.html").read_text(),
        "riverbend_html": (folder / "riverbend-homes" / "self_assessment.html").read_bytes(),
        "riverbend_mtime": (folder / "riverbend-homes" / "self_assessment.html").stat().st_mtime_ns,
    }
    return run, base, inputs, outputs, notebook, snapshot


def test_a_failing_landlord_and_a_hung_cell_do_not_stop_the_others(failing_run):
    run, *_ = failing_run
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert " ok " in _summary_row(run.stdout, "riverbend-homes")
    calder = _summary_row(run.stdout, "calder-vale-housing")
    assert " failed " in calder and "AnswerStoreError" in calder and "not valid YAML" in calder
    moorside = _summary_row(run.stdout, "moorside-almshouses")
    assert " failed " in moorside and "CellTimeoutError" in moorside and "within 15 s" in moorside
    assert " ok " in _summary_row(run.stdout, "group summary")
    assert "2 of 4 landlords failed" in run.stderr and run.stderr.count("\n") == 1


def test_failed_notebooks_are_kept_with_the_failing_cell_marked(failing_run):
    _, _, _, outputs, _, _ = failing_run
    for landlord, ename, failing_source in (
        ("calder-vale-housing", "AnswerStoreError", "open_workbook("),
        ("moorside-almshouses", "CellTimeoutError", "time.sleep(300)"),
    ):
        folder = outputs / "2024-25" / landlord
        nb = nbformat.read(folder / "self_assessment.ipynb", as_version=4)
        markers = [c for c in nb.cells if "papermill-error-cell-tag" in c.metadata.get("tags", [])]
        assert len(markers) == 2  # the banner at the top and the anchor before the failing cell
        failing = nb.cells[nb.cells.index(markers[1]) + 1]
        assert failing_source in failing.source
        assert [o.ename for o in failing.outputs if o.output_type == "error"] == [ename]
        assert failing.metadata.papermill["status"] == "failed"
        assert nb.metadata["chc_audit"]["provenance"]["parameters"]["landlord"] == landlord
        assert not (folder / "self_assessment.html").exists() and not (folder / "metrics.json").exists()


def test_the_run_record_and_the_group_summary_name_the_failures(failing_run):
    *_, snapshot = failing_run
    entries = snapshot["record"]["landlords"]
    assert {k: v["status"] for k, v in entries.items()} == {
        "riverbend-homes": "ok", "calder-vale-housing": "failed", "moorside-almshouses": "failed",
        "wharfedale-community-homes": "ok"}
    assert "CellTimeoutError" in entries["moorside-almshouses"]["error"]
    assert entries["riverbend-homes"]["report"] == "riverbend-homes/self_assessment.html"
    assert set(entries["riverbend-homes"]["timings"]) >= {"kernel_start", "execution", "shutdown", "export"}
    soup = BeautifulSoup(snapshot["index"], "html.parser")
    assert [a["href"] for a in soup.select("table.reports a[href$='.html']")] == [
        "riverbend-homes/self_assessment.html", "wharfedale-community-homes/self_assessment.html"]
    behind = soup.select_one("table.behind").get_text(" ")
    assert "report not produced: its latest run failed: cell" in behind and "AnswerStoreError" in behind
    assert "no metrics.json" not in behind


def test_retry_failed_reruns_only_the_landlords_that_failed(failing_run):
    _, _, inputs, outputs, notebook, snapshot = failing_run
    shutil.copy(DEMO_INPUTS / "calder-vale-housing" / "answers" / "2024-25.yaml",
                inputs / "calder-vale-housing" / "answers" / "2024-25.yaml")
    (inputs / "moorside-almshouses" / "SLOW").unlink()
    run = _cli("run", "--retry-failed", "--period", "2024-25", "--inputs", str(inputs), "--outputs", str(outputs),
               "--notebook", str(notebook), "--timeout", "60")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "riverbend-homes" not in run.stdout
    assert " ok " in _summary_row(run.stdout, "calder-vale-housing")
    assert " ok " in _summary_row(run.stdout, "moorside-almshouses")
    folder = outputs / "2024-25"
    html = folder / "riverbend-homes" / "self_assessment.html"
    assert html.read_bytes() == snapshot["riverbend_html"] and html.stat().st_mtime_ns == snapshot["riverbend_mtime"]
    record = json.loads((folder / "run.json").read_text())
    assert {v["status"] for v in record["landlords"].values()} == {"ok"}
    assert record["last_run"]["landlords"] == ["calder-vale-housing", "moorside-almshouses"]
    links = [a["href"] for a in _soup(folder / "index.html").select("table.reports a[href$='.html']")]
    assert links == [f"{landlord}/self_assessment.html" for landlord in DEMO_IDS]
    again = _cli("run", "--retry-failed", "--period", "2024-25", "--inputs", str(inputs), "--outputs", str(outputs))
    assert again.returncode == 0 and "Nothing to retry" in again.stdout


def test_retry_failed_needs_a_run_record(tmp_path):
    run = _cli("run", "--retry-failed", "--period", "2024-25", "--outputs", str(tmp_path / "none"))
    assert run.returncode == 2 and "no run record for 2024-25" in run.stderr and run.stderr.count("\n") == 1


# --- kernels that fail to start ---------------------------------------------------------------

def _kernelspec(tmp_path: Path, name: str, failures: int) -> Path:
    """A kernelspec whose first ``failures`` starts exit at once (as a kernel may under load)."""
    counter = tmp_path / f"{name}.starts"
    script = tmp_path / f"{name}.py"
    script.write_text(
        "import pathlib, sys\n"
        f"counter = pathlib.Path({str(counter)!r})\n"
        "n = int(counter.read_text()) if counter.exists() else 0\n"
        "counter.write_text(str(n + 1))\n"
        f"if n < {failures}:\n"
        "    sys.stderr.write('simulated start-up failure\\n')\n"
        "    sys.exit(3)\n"
        "sys.argv = [sys.argv[0]] + sys.argv[1:]\n"
        "from ipykernel.kernelapp import launch_new_instance\n"
        "launch_new_instance()\n"
    )
    spec = tmp_path / "share" / "jupyter" / "kernels" / name
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps(
        {"argv": [sys.executable, str(script), "-f", "{connection_file}"], "display_name": name, "language": "python"}
    ))
    return counter


def test_a_kernel_that_fails_to_start_is_retried(demo_inputs, tmp_path, monkeypatch):
    counter = _kernelspec(tmp_path, "flaky-once", failures=1)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    batch = run_batch(["moorside-almshouses"], PERIOD, demo_inputs, tmp_path / "out", kernel_name="flaky-once",
                      retry_pause=0.2, progress=False)
    result = batch.results[0]
    assert result.status == "ok", result.error
    assert result.timings.kernel_attempts == 2
    assert int(counter.read_text()) == 3  # two starts for the landlord, one for the group summary


def test_a_kernel_that_never_starts_fails_its_landlord_with_a_clear_message(demo_inputs, tmp_path, monkeypatch):
    _kernelspec(tmp_path, "never", failures=99)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    batch = run_batch(["moorside-almshouses"], PERIOD, demo_inputs, tmp_path / "out", kernel_name="never",
                      start_attempts=2, retry_pause=0.1, progress=False)
    result = batch.results[0]
    assert result.status == "failed" and result.timings.kernel_attempts == 2
    assert result.error.startswith("the kernel did not start (2 attempt(s))"), result.error
    assert "simulated start-up failure" in result.error
    assert batch.group.status == "failed"


# --- the Dask executor ------------------------------------------------------------------------

def _normalised(path: Path) -> dict:
    """An executed notebook without the times and paths that differ from run to run."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected"
    return nb


def _without_run_dates(index: Path) -> str:
    """The group index with each landlord's last-run date (the day the run finished) blanked."""
    text, count = re.subn(r'(<td>[a-z]+ <span class="muted">)\d{4}-\d{2}-\d{2}(</span>)', r"\1DATE\2",
                          index.read_text(encoding="utf-8"))
    assert count == len(DEMO_IDS), count
    return text


def test_the_dask_executor_on_a_local_cluster_gives_identical_files(demo_batch, tmp_path):
    from distributed import LocalCluster

    local, inputs, local_out, _ = demo_batch
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        batch = run_batch(None, PERIOD, inputs, tmp_path / "out", executor="dask",
                          scheduler=cluster.scheduler_address, progress=False, as_of=local.as_of)
    assert batch.executor == "dask" and batch.workers == 2
    assert [(r.name, r.status) for r in batch.results] == [(r.name, r.status) for r in local.results]
    for landlord in DEMO_IDS:
        for name in ("self_assessment.html", "metrics.json"):
            mine = tmp_path / "out" / "2024-25" / landlord / name
            assert mine.read_bytes() == (local_out / "2024-25" / landlord / name).read_bytes(), (landlord, name)
        assert _normalised(tmp_path / "out" / "2024-25" / landlord / "self_assessment.ipynb") == \
            _normalised(local_out / "2024-25" / landlord / "self_assessment.ipynb")
    # the two runs may finish on different days (a run across midnight): the index shows each run's date
    assert _without_run_dates(tmp_path / "out" / "2024-25" / "index.html") == \
        _without_run_dates(local_out / "2024-25" / "index.html")


def test_the_command_starts_its_own_local_dask_cluster(demo_batch, tmp_path):
    local, inputs, local_out, _ = demo_batch
    run = _cli("run", "moorside-almshouses", "--period", "2024-25", "--inputs", str(inputs),
               "--outputs", str(tmp_path / "out"), "--executor", "dask", "--workers", "1",
               "--as-of", local.as_of.isoformat())
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 dask worker(s)" in run.stdout
    name = "moorside-almshouses/self_assessment.html"
    assert (tmp_path / "out" / "2024-25" / name).read_bytes() == (local_out / "2024-25" / name).read_bytes()


@pytest.mark.parametrize("args, message", [
    (("--scheduler", "tcp://127.0.0.1:9"), "--scheduler names a Dask scheduler: use it with --executor dask"),
    (("--workers", "0"), "--workers must be at least 1"),
    (("--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"), "cannot use the Dask scheduler at tcp://127.0.0.1:9"),
])
def test_bad_run_options_are_one_line_errors(args, message, tmp_path):
    run = _cli("run", "--all", "--period", "2024-25", "--outputs", str(tmp_path / "out"), *args)
    assert run.returncode == 2, run.stdout + run.stderr
    assert message in run.stderr and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr


@pytest.mark.parametrize("settings, message", [
    ({"scheduler": "tcp://127.0.0.1:9"}, "scheduler names a Dask scheduler: use it with executor 'dask'"),
    ({"workers": 0}, "workers must be at least 1; found 0"),
    ({"timeout": 0}, "timeout must be a positive number of seconds"),
    ({"executor": "threads"}, "executor must be one of local, dask; found 'threads'"),
    ({"as_of": "30/06/2025"}, "as_of must be a date written YYYY-MM-DD"),
])
def test_run_batch_names_its_parameters_not_command_line_flags(settings, message, tmp_path):
    with pytest.raises(UsageError, match=re.escape(message)) as caught:
        run_batch(None, PERIOD, DEMO_INPUTS, tmp_path / "out", **settings)
    assert "--" not in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_a_bad_as_of_date_is_a_clear_error(tmp_path):
    run = _cli("run", "--all", "--period", "2024-25", "--outputs", str(tmp_path / "out"), "--as-of", "2025-02-30")
    assert run.returncode == 2 and "Traceback" not in run.stderr and run.stderr.count("\n") == 1
    assert "argument --as-of: expected a date written YYYY-MM-DD (e.g. 2025-06-01), found '2025-02-30'" in run.stderr


# --- the reports --------------------------------------------------------------------------------

def _reports(outputs: Path) -> list[Path]:
    return [outputs / "2024-25" / landlord / "self_assessment.html" for landlord in DEMO_IDS] + \
        [outputs / "2024-25" / "index.html"]


def test_reports_have_no_code_no_network_no_javascript_and_are_small(demo_batch):
    _, _, outputs, _ = demo_batch
    for path in _reports(outputs):
        text = path.read_text(encoding="utf-8")
        assert path.stat().st_size < MAX_REPORT_BYTES, (path, path.stat().st_size)
        assert "<script" not in text.lower() and "<link" not in text.lower(), path
        assert "papermill" not in text and "injected-parameters" not in text, path
        soup = BeautifulSoup(text, "html.parser")
        assert not soup.select(".jp-InputArea, .jp-CodeMirrorEditor, .highlight, .jp-InputPrompt"), path
        for tag in soup.find_all(src=True) + soup.find_all(href=True):
            target = tag.get("src") or tag.get("href")
            if tag.name == "a" and re.match(r"^https?://", target):
                # a web document of the evidence register: a link the reader may follow, in a new tab,
                # never something the page loads
                assert tag.get("target") == "_blank" and set(tag.get("rel")) == {"noopener", "noreferrer"}, tag
                continue
            assert target.startswith(("#", "data:")) or not re.match(r"^[a-z]+:|^//", target), (path, target)


def test_report_reads_as_a_report(demo_batch):
    _, inputs, outputs, _ = demo_batch
    path = outputs / "2024-25" / "riverbend-homes" / "self_assessment.html"
    soup = _soup(path)
    cover = soup.select_one(".chc.cover")
    assert "Riverbend Homes" in cover.get_text() and "Reviewed by" in cover.get_text()
    toc = [a["href"] for a in soup.select("nav.toc a")]
    assert toc[:2] == ["#executive-summary", "#case-data"]
    assert toc[-3:] == ["#action-plan", "#evidence-register", "#data-quality"]
    assert [f"#section-{n}" for n in range(1, 10)] == [h for h in toc if h.startswith("#section-")]
    assert all(soup.find(id=href[1:]) for href in toc)
    answers = yaml.safe_load((inputs / "riverbend-homes" / "answers" / "2024-25.yaml").read_text())["answers"]
    shortfalls = [pid.split(":")[1] for pid, a in answers.items() if a["status"] in ("No", "Partial")]
    summary = soup.select("table.shortfalls tbody tr")
    assert sorted(row.find("a").get_text() for row in summary) == sorted(shortfalls)
    assert "TSM CH01" in soup.select_one("table.headline").get_text()
    assert "TSM CH02" in soup.select_one("table.headline").get_text()
    actions = sum(len(a.get("actions") or []) for a in answers.values())
    assert len(soup.select("table.action-plan tbody tr")) == actions
    states = {s.get_text() for s in soup.select("table.action-plan .state")}
    assert states <= {"Overdue", "Open", "No due date", "Done"} and "Done" in states
    css = " ".join(style.get_text() for style in soup.find_all("style"))
    assert "@media print" in css and "break-before: page" in css
    footer = soup.select_one("footer.provenance").get_text(" ")
    digest = hashlib.sha256((inputs / "riverbend-homes" / "complaints_export_2024-25.csv").read_bytes()).hexdigest()
    assert digest in footer and f"chc-audit {audit_lib.__version__}" in footer


def test_everything_typed_or_supplied_is_escaped_everywhere(demo_inputs, tmp_path):
    registry = demo_inputs / "landlords.yaml"
    registry.write_text(registry.read_text().replace("name: Moorside Almshouses", "name: \"<b>Moorside</b> & 'Co'\""))
    answers = demo_inputs / "moorside-almshouses" / "answers" / "2024-25.yaml"
    data = yaml.safe_load(answers.read_text())
    data["answers"]["2024:1.2"] = {
        "status": "No", "commentary": "<img src=x onerror=alert('commentary')>",
        "actions": [{"text": "<script>alert('action')</script>", "owner": "<i>owner</i>", "due": "2025-01-31"}],
    }
    answers.write_text(yaml.safe_dump(data, sort_keys=False))
    log = demo_inputs / "moorside-almshouses" / "complaints.csv"
    log.write_text(log.read_text().replace(",Repairs,", ",<svg onload=alert('category')>,"))
    batch = run_batch(["moorside-almshouses"], PERIOD, demo_inputs, tmp_path / "out", progress=False)
    assert batch.results[0].status == "ok", batch.results[0].error
    for path in (batch.results[0].report, batch.index):
        text = path.read_text()
        soup = BeautifulSoup(text, "html.parser")
        assert not soup.find_all("script") and not soup.find_all("img") and not soup.find_all("b")
        assert not [t for t in soup.find_all(True) if any(a.startswith("on") for a in t.attrs)]
        assert "<b>Moorside</b> & 'Co'" in soup.get_text()
    report = BeautifulSoup(batch.results[0].report.read_text(), "html.parser").get_text()
    for payload in ("<img src=x onerror=alert('commentary')>", "<script>alert('action')</script>", "<i>owner</i>",
                    "<svg onload=alert('category')>"):
        assert payload in report, payload
    assert "<b>Moorside</b>" in BeautifulSoup(batch.results[0].report.read_text(), "html.parser").find("title").get_text()


# --- metrics.json and provenance -------------------------------------------------------------

def test_metrics_json_holds_the_figures_answer_counts_and_provenance(demo_batch):
    from audit_lib.workbook.facade import open_workbook

    batch, inputs, outputs, _ = demo_batch
    for landlord in DEMO_IDS:
        folder = outputs / "2024-25" / landlord
        metrics = json.loads((folder / "metrics.json").read_text())
        wb = open_workbook(landlord, "2024-25", inputs)
        assert metrics["case_statistics"] == json.loads(json.dumps(wb.stats.to_json()))
        answers_file = inputs / landlord / "answers" / "2024-25.yaml"  # none for a landlord that has not started
        saved = yaml.safe_load(answers_file.read_text())["answers"] if answers_file.is_file() else {}
        by_status = metrics["assessment"]["by_status"]
        for status in ("Yes", "Partial", "No", "N/A"):
            assert by_status[status] == sum(1 for a in saved.values() if a["status"] == status)
        assert by_status["Not assessed"] == 72 - len(saved)
        provenance = metrics["provenance"]
        assert provenance["product"] == "chc-audit" and provenance["product_version"] == audit_lib.__version__
        assert provenance["code_version"] == "2024"
        assert provenance["parameters"] == {"landlord": landlord, "period": "2024-25",
                                            "inputs_dir": str(inputs.resolve()), "interactive": False,
                                            "as_of": batch.as_of.isoformat()}
        assert provenance["notebook"] == {"file": "self_assessment.ipynb",
                                          "sha256": hashlib.sha256(SELF_ASSESSMENT.read_bytes()).hexdigest()}
        case_log = wb.landlord.case_log_path
        assert provenance["inputs"]["case_log"]["sha256"] == hashlib.sha256(case_log.read_bytes()).hexdigest()
        answers_sha = hashlib.sha256(answers_file.read_bytes()).hexdigest() if answers_file.is_file() else None
        assert provenance["inputs"]["answers"]["sha256"] == answers_sha
        executed = nbformat.read(folder / "self_assessment.ipynb", as_version=4)
        assert executed.metadata["chc_audit"]["provenance"] == provenance


def test_outputs_carry_no_personal_data(demo_batch):
    _, _, outputs, _ = demo_batch
    folder = outputs / "2024-25"
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"metrics.json", "run.json", "index.html", "group_summary.ipynb"}
    for path in files:
        text = path.read_text(encoding="utf-8")
        for personal in ("@example.org", "07700", "Canal Street", "Jordan Reid"):
            assert personal not in text, (path, personal)


# --- the group roll-up -------------------------------------------------------------------------

def test_group_summary_compares_the_subsidiaries_and_links_their_reports(demo_batch):
    _, inputs, outputs, _ = demo_batch
    folder = outputs / "2024-25"
    soup = _soup(folder / "index.html")
    names = [th.get_text(strip=True) for th in soup.select("table.matrix th.member")]
    assert names == ["Riverbend Homes", "Calder Vale Housing", "Moorside Almshouses", "Wharfedale Community Homes"]
    rows = soup.select("table.matrix tbody tr:has(th.provision)")
    assert len(rows) == 72 and rows[0].th.get_text() == "1.2" and rows[-1].th.get_text() == "9.8"
    for column, landlord in enumerate(DEMO_IDS):
        answers = inputs / landlord / "answers" / "2024-25.yaml"  # none for a landlord that has not started
        saved = yaml.safe_load(answers.read_text())["answers"] if answers.is_file() else {}
        for row in rows:
            cell = row.select("td.cell")[column]
            status = (saved.get(f"2024:{row.th.get_text()}") or {}).get("status")
            expected = {"Yes": "yes", "Partial": "partial", "No": "no", "N/A": "na", None: "none"}[status]
            assert expected in cell["class"], (landlord, row.th.get_text(), cell)
    figures = soup.select("table.figures-side-by-side tbody tr")
    for row, landlord in zip(figures, DEMO_IDS):
        stats = json.loads((folder / landlord / "metrics.json").read_text())["case_statistics"]
        cells = [td.get_text() for td in row.select("td")]
        assert cells[2] == f"{stats['tsm_ch01_stage1_per_1000']:.1f}"
        assert cells[4] == f"{stats['tsm_ch02_stage1_pct']:.1f}%"
    assert soup.select_one("table.figures-side-by-side tfoot th").get_text().startswith("Group")
    behind = {row.find("td").get_text(strip=True): row.get_text(" ") for row in soup.select("table.behind tbody tr")}
    assert "not yet approved" in behind["Riverbend Homes"] and "answered No" in behind["Riverbend Homes"]
    links = [a["href"] for a in soup.select("table.reports a")]
    assert [link for link in links if link.endswith(".json")] == [f"{i}/metrics.json" for i in DEMO_IDS]
    assert [a["href"] for a in soup.select("nav.toc a")] == ["#behind", "#key-figures", "#movement", "#status-matrix", "#reports",
                                                             "#annual-reports"]
    group_nb = nbformat.read(folder / "group_summary.ipynb", as_version=4)
    sources = group_nb.metadata["chc_audit"]["provenance"]["sources"]
    digest = hashlib.sha256((folder / "riverbend-homes" / "metrics.json").read_bytes()).hexdigest()
    assert sources["riverbend-homes"]["metrics"]["sha256"] == digest


def test_the_group_summary_reads_metrics_and_answers_not_notebooks(demo_batch, tmp_path):
    from audit_lib.group.summary import open_group_summary

    _, inputs, outputs, _ = demo_batch
    copy = tmp_path / "outputs"
    shutil.copytree(outputs, copy)
    for notebook in copy.rglob("*.ipynb"):
        notebook.unlink()
    summary = open_group_summary("2024-25", inputs, copy)
    assert all(m.metrics is not None and m.statuses is not None and not m.problems for m in summary.members)
    assert "44.7" in summary.key_figures().html  # Riverbend's CH01 stage 1, from its metrics.json


def test_answers_changed_since_the_run_are_read_again_and_flagged(demo_batch, tmp_path):
    from audit_lib.group.summary import open_group_summary

    _, inputs, outputs, _ = demo_batch
    changed = tmp_path / "inputs"
    shutil.copytree(inputs, changed)
    answers = changed / "moorside-almshouses" / "answers" / "2024-25.yaml"
    data = yaml.safe_load(answers.read_text())
    data["answers"]["2024:1.2"] = {"status": "No", "commentary": "changed after the run"}
    answers.write_text(yaml.safe_dump(data, sort_keys=False))
    summary = open_group_summary("2024-25", changed, outputs)
    moorside = summary.members[2]
    assert moorside.status_of("2024:1.2") == "No"
    assert "answers changed since its report was produced: run the batch again" in summary.behind(moorside)
    assert summary.members[0].problems == []


def test_run_record_times_each_landlord(demo_batch):
    batch, _, outputs, _ = demo_batch
    assert os.path.getsize(outputs / "2024-25" / "run.json") < 20_000
    for result in batch.results:
        timings = result.timings
        assert timings.kernel_attempts == 1
        assert min(timings.kernel_start, timings.execution, timings.export) > 0
