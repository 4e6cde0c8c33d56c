"""The outputs folder under faults: one run at a time, complete sets only, clear errors, a private template cache."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from audit_lib.batch.outputs import OutputsLock, publish_set, verify_set, write_manifest
from audit_lib.batch.run import run_batch
from audit_lib.batch.runrecord import failed_last_time, mark_running, settle_interrupted, write_run_record
from audit_lib.core.periods import Period
from audit_lib.errors import RunError
from audit_lib.group.summary import open_group_summary
from tests.demo import DEMO_INPUTS

from .conftest import DEMO_AS_OF, DEMO_IDS

PERIOD = Period.parse("2024-25")


def _cli(*args: str, user: int | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    exe = shutil.which("chc-audit") or str(Path(sys.executable).parent / "chc-audit")
    command = [exe, *args]
    if user is not None:
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    return subprocess.run(command, capture_output=True, text=True, env=env)


def _one_line_error(run: subprocess.CompletedProcess) -> str:
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and run.stderr.count("\n") == 1, run.stderr
    return run.stderr


# --- item 8: two runs on the same outputs ----------------------------------------------------------

def test_a_second_run_on_the_same_outputs_is_refused_and_told_who_holds_them(tmp_path):
    folder = tmp_path / "out" / "2024-25"
    folder.mkdir(parents=True)
    with OutputsLock(folder):  # a run in progress
        run = _cli("run", "--all", "--period", "2024-25", "--inputs", str(DEMO_INPUTS), "--outputs", str(tmp_path / "out"))
    error = _one_line_error(run)
    assert "another run is writing these outputs" in error and str(folder) in error
    assert f"pid {os.getpid()}" in error and "user " in error and "started 20" in error
    assert sorted(p.name for p in folder.iterdir()) == [".run.lock"]  # nothing written beside the lock


def test_the_lock_is_free_again_when_its_holder_ends(tmp_path):
    folder = tmp_path / "2024-25"
    folder.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom audit_lib.batch.outputs import OutputsLock\n"
                               f"lock = OutputsLock({str(folder)!r}).acquire(); print('held', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(RunError, match=f"pid {holder.pid}"):
            OutputsLock(folder).acquire()
    finally:
        holder.kill()
        holder.wait()
    with OutputsLock(folder):  # the kernel released the dead holder's lock: never a stale lock
        pass


# --- item 17: outputs that are a file, or not writable ----------------------------------------------

def test_outputs_that_are_a_file_are_one_line_error(tmp_path):
    target = tmp_path / "outputs.txt"
    target.write_text("not a folder\n")
    error = _one_line_error(_cli("run", "--all", "--period", "2024-25", "--inputs", str(DEMO_INPUTS),
                                 "--outputs", str(target)))
    assert str(target) in error and "expected a folder for the outputs, found a file" in error
    assert target.read_text() == "not a folder\n"


def _others_can_run(path: Path) -> bool:
    """Whether a user other than the owner can reach ``path`` (every folder above it searchable)."""
    return all(folder.stat().st_mode & 0o001 for folder in path.parents if folder != Path("/"))


def test_an_outputs_folder_that_cannot_be_written_is_one_line_error():
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: every folder is writable")
    with tempfile.TemporaryDirectory() as base:
        root = Path(base)
        root.chmod(0o755)
        inputs = shutil.copytree(DEMO_INPUTS, root / "inputs")
        for path in [inputs, *inputs.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        outputs = root / "outputs"
        (outputs / "2024-25").mkdir(parents=True)
        for folder in (outputs / "2024-25", outputs):
            folder.chmod(0o555)
        user = 65534 if os.geteuid() == 0 else None  # as root, run as 'nobody', for whom it is read-only
        if user is not None and not _others_can_run(Path(sys.executable)):
            pytest.skip("the checkout is not readable by other users (e.g. cloned into a mktemp -d folder): "
                        "'nobody' could not run the command at all")
        env = {**os.environ, "HOME": str(root)}
        error = _one_line_error(_cli("run", "--all", "--period", "2024-25", "--inputs", str(inputs),
                                     "--outputs", str(outputs), user=user, env=env))
        assert str(outputs / "2024-25") in error and "cannot be written" in error
        error = _one_line_error(_cli("run", "--all", "--period", "2025-26", "--inputs", str(inputs),
                                     "--outputs", str(outputs), user=user, env=env))
        assert str(outputs / "2025-26") in error and "cannot create the outputs folder" in error
        outputs.chmod(0o755)


# --- item 6: a run record left by a killed run ----------------------------------------------------

def test_landlords_left_running_by_a_killed_run_count_as_failed(tmp_path):
    from audit_lib.batch.worker import NotebookResult

    write_run_record(tmp_path, PERIOD, [NotebookResult(i, "ok", 1.0) for i in DEMO_IDS], None, {})
    mark_running(tmp_path, PERIOD, ["riverbend-homes", "moorside-almshouses"], {"run_id": "killed"})
    assert failed_last_time(tmp_path, PERIOD) == ["riverbend-homes", "moorside-almshouses"]
    assert settle_interrupted(tmp_path, PERIOD) == ["riverbend-homes", "moorside-almshouses", "group summary"]
    record = json.loads((tmp_path / "2024-25" / "run.json").read_text())
    assert record["landlords"]["riverbend-homes"]["status"] == "failed"
    assert "interrupted" in record["landlords"]["riverbend-homes"]["error"]
    assert record["landlords"]["calder-vale-housing"]["status"] == "ok"
    assert record["group_summary"]["status"] == "failed" and "current_run" not in record
    assert settle_interrupted(tmp_path, PERIOD) == []


# --- item 5: sets swapped in whole, and checked before the index links them -----------------------

def _set(folder: Path, run_id: str, report: str = "<html>report</html>") -> Path:
    folder.mkdir(parents=True)
    (folder / "self_assessment.html").write_text(report)
    (folder / "metrics.json").write_text("{}\n")
    write_manifest(folder, "riverbend-homes", run_id, "ok", None)
    return folder


def test_a_set_is_swapped_in_whole_and_verified(tmp_path):
    final = tmp_path / "riverbend-homes"
    _set(final, "old")
    stage = _set(tmp_path / ".riverbend-homes.staging-new", "new", "<html>new</html>")
    publish_set(stage, final, "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["riverbend-homes"]
    assert verify_set(final, "new")[0] is not None
    assert "earlier run" in str(verify_set(final, "old")[1])
    (final / "self_assessment.html").write_text("<html>half")  # e.g. a report cut short
    assert verify_set(final, "new") == (None, "its outputs are incomplete or changed since its run: run the batch again")


def test_the_index_never_links_a_half_written_report(demo_batch, tmp_path):
    _, inputs, outputs, _ = demo_batch
    copy = tmp_path / "outputs"
    shutil.copytree(outputs, copy)
    report = copy / "2024-25" / "riverbend-homes" / "self_assessment.html"
    report.write_bytes(report.read_bytes()[: report.stat().st_size // 8])  # what a kill during export left
    (copy / "2024-25" / "calder-vale-housing" / "manifest.json").unlink()  # outputs of no known run
    summary = open_group_summary("2024-25", inputs, copy, as_of=DEMO_AS_OF)
    riverbend, calder, moorside, wharfedale = summary.members
    assert riverbend.report is None and riverbend.metrics is None
    assert "its outputs are incomplete or changed since its run: run the batch again" in summary.behind(riverbend)
    assert calder.report is None and "no manifest" in " ".join(summary.behind(calder))
    assert moorside.report == "moorside-almshouses/self_assessment.html"
    assert wharfedale.report == "wharfedale-community-homes/self_assessment.html"
    links = [a["href"] for a in BeautifulSoup(summary.reports().html, "html.parser").select("a[href$='.html']")]
    assert links == ["moorside-almshouses/self_assessment.html", "wharfedale-community-homes/self_assessment.html"]


# --- item 9: a folder that cannot be replaced keeps no report that passes for the current one -------

def _immutable(path: Path, on: bool) -> bool:
    flag = "+i" if on else "-i"
    return shutil.which("chattr") is not None and subprocess.run(["chattr", flag, str(path)],
                                                                 capture_output=True).returncode == 0


@pytest.mark.slow
def test_a_landlord_whose_folder_cannot_be_replaced_fails_and_its_old_report_is_not_linked(demo_inputs, tmp_path):
    outputs = tmp_path / "out"
    first = run_batch(["moorside-almshouses"], PERIOD, demo_inputs, outputs, progress=False, as_of=DEMO_AS_OF)
    assert first.results[0].status == "ok"
    folder = outputs / "2024-25" / "moorside-almshouses"
    old_report = (folder / "self_assessment.html").read_bytes()
    if os.geteuid() != 0:
        pytest.skip("only root can make a folder that cannot be moved (chattr +i) inside a writable one")
    if not _immutable(folder, True):
        pytest.skip("chattr +i is not available here")
    try:
        batch = run_batch(["moorside-almshouses"], PERIOD, demo_inputs, outputs, progress=False, as_of=DEMO_AS_OF)
    finally:
        _immutable(folder, False)
    result = batch.results[0]
    assert result.status == "failed" and "cannot replace the landlord's outputs folder" in result.error
    assert (folder / "self_assessment.html").read_bytes() == old_report  # it could not be moved aside...
    index = BeautifulSoup((outputs / "2024-25" / "index.html").read_text(), "html.parser")
    assert not index.select("table.reports a[href$='.html']")  # ... so it is not linked, and the index says why
    behind = " ".join(index.select_one("table.behind").get_text(" ").split())
    assert "report not produced: " in behind and "its outputs are from an earlier run, not the latest" in behind
    assert not [p for p in (outputs / "2024-25").iterdir() if "staging" in p.name or ".old-" in p.name]


def test_a_read_only_landlord_folder_is_replaced_whole(tmp_path):
    final = _set(tmp_path / "riverbend-homes", "old")
    final.chmod(0o555)
    stage = _set(tmp_path / ".riverbend-homes.staging-new", "new")
    publish_set(stage, final, "new")
    assert verify_set(final, "new")[0] is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["riverbend-homes"]


# --- item 16: a template cache folder the product owns ---------------------------------------------

def test_a_shared_jinja_cache_folder_owned_by_someone_else_does_not_stop_rendering(tmp_path):
    shared = tmp_path / "tmp"
    blocker = shared / f"_jinja2-cache-{os.getuid()}"
    blocker.mkdir(parents=True)
    blocker.chmod(0o755)  # Jinja2 refuses its default folder unless it is this user's and private
    if os.geteuid() == 0:
        os.chown(blocker, 65534, 65534)  # someone else's
    env = {**os.environ, "TMPDIR": str(shared), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    code = ("from audit_lib.report.render import render, cache_folder\n"
            "print(cache_folder())\n"
            "print(len(render('group_behind', rows=[], as_of=__import__('datetime').date(2025, 6, 1))))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    folder, size = run.stdout.split()
    assert folder == str(tmp_path / "cache" / "chc-audit" / "jinja2") and int(size) > 100
    assert (Path(folder).stat().st_mode & 0o077) == 0 and any(Path(folder).iterdir())
    assert not any(blocker.iterdir())


def test_no_cache_when_the_products_cache_folder_is_not_private(tmp_path, monkeypatch):
    import importlib

    render_module = importlib.import_module("audit_lib.report.render")
    folder = tmp_path / "cache" / "chc-audit" / "jinja2"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert render_module.cache_folder() is None
    folder.chmod(0o700)
    assert render_module.cache_folder() == folder


# --- a kernel's parent-death request is safe between fork and exec ---------------------------------

def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signals are Linux's")
def test_die_with_parent_only_calls_prctl_looked_up_at_import(tmp_path):
    code = ("import ctypes, ctypes.util\n"
            "from audit_lib.batch import pools\n"
            "def refuse(*args, **kwargs):\n"
            "    raise AssertionError('a library found or loaded after import')\n"
            "ctypes.CDLL = ctypes.util.find_library = refuse\n"
            "pools.die_with_parent()\n"
            "signal = ctypes.c_int(-1)\n"
            "assert pools._PRCTL(2, ctypes.addressof(signal), 0, 0, 0) == 0\n"  # PR_GET_PDEATHSIG
            "print(signal.value)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "9"  # SIGKILL


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signals are Linux's")
def test_a_process_started_with_die_with_parent_from_a_threaded_worker_ends_with_it():
    code = ("import subprocess, sys, threading, time\n"
            "from audit_lib.batch.pools import die_with_parent\n"
            "def busy():\n"
            "    while True:\n"
            "        time.sleep(0.001)\n"
            "threading.Thread(target=busy, daemon=True).start()\n"  # a worker's watcher thread, say
            "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], preexec_fn=die_with_parent)\n"
            "print(child.pid, flush=True)\n"
            "time.sleep(60)\n")
    worker = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert worker.stdout is not None
        kernel = int(worker.stdout.readline())
        assert _alive(kernel)
    finally:
        worker.kill()
        worker.wait()
    for _ in range(50):
        if not _alive(kernel):
            break
        time.sleep(0.1)
    assert not _alive(kernel)


def test_die_with_parent_does_nothing_off_linux(monkeypatch):
    from audit_lib.batch import pools

    monkeypatch.setattr(pools.sys, "platform", "darwin")
    assert pools._find_prctl() is None
    monkeypatch.setattr(pools, "_PRCTL", None)
    pools.die_with_parent()


# --- a job's failure as the run record gives it ----------------------------------------------------

def test_describe_failure_is_one_line_of_at_most_the_limit():
    from papermill.exceptions import PapermillExecutionError

    from audit_lib.batch.worker import MAX_ERROR_CHARS, describe_failure
    from audit_lib.errors import AuditError

    cell = PapermillExecutionError(0, 7, "x = 1", "ValueError", "first line\nsecond line", [])
    assert describe_failure(cell) == "cell 7: ValueError: first line"
    assert describe_failure(AuditError("bad\n  file")) == "bad file"
    long = describe_failure(OSError("x " * 500))
    assert long.startswith("OSError: x x") and len(long) == MAX_ERROR_CHARS and long.endswith("…")


# --- --retry-failed with no landlord to re-run but an unfinished group summary ----------------------

@pytest.mark.slow
def test_retry_with_only_the_group_summary_unfinished_says_what_it_ran(demo_batch, tmp_path):
    _, inputs, outputs, _ = demo_batch
    copy = Path(shutil.copytree(outputs, tmp_path / "outputs"))
    record_file = copy / "2024-25" / "run.json"
    record = json.loads(record_file.read_text())
    record["group_summary"].update(status="failed", error="the run was interrupted")
    record_file.write_text(json.dumps(record))
    (copy / "2024-25" / "index.html").unlink()
    run = _cli("run", "--retry-failed", "--period", "2024-25", "--inputs", str(inputs), "--outputs", str(copy),
               "--as-of", DEMO_AS_OF.isoformat())
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Nothing to retry" not in run.stdout
    lines = run.stdout.splitlines()
    assert lines[0] == ("No landlord to retry: none failed in the last run for 2024-25; the group summary was run "
                        "again, as its last run did not complete.")
    assert any(line.startswith("group summary") and " ok " in line for line in lines)
    assert f"Group summary: {copy / '2024-25' / 'index.html'}" in lines
    assert (copy / "2024-25" / "index.html").is_file()
    assert json.loads(record_file.read_text())["group_summary"]["status"] == "ok"
    again = _cli("run", "--retry-failed", "--period", "2024-25", "--inputs", str(inputs), "--outputs", str(copy))
    assert again.returncode == 0 and again.stdout == "Nothing to retry: no landlord failed in the last run for 2024-25.\n"


# --- --retry-failed and a failed landlord no longer in the registry ------------------------------------

@pytest.mark.slow
def test_retry_names_a_failed_landlord_no_longer_registered_instead_of_saying_none_failed(demo_batch, tmp_path):
    """A landlord taken out of the registry after its run failed cannot be re-run; saying "no landlord
    failed" hid it. It is named, with why it is not retried, and nothing else runs."""
    _, inputs, outputs, _ = demo_batch
    copy = Path(shutil.copytree(outputs, tmp_path / "outputs"))
    record_file = copy / "2024-25" / "run.json"
    record = json.loads(record_file.read_text())
    record["landlords"]["harbour-view-homes"] = {"status": "failed", "error": "the notebook failed"}
    record_file.write_text(json.dumps(record))
    before = record_file.read_text()
    run = _cli("run", "--retry-failed", "--period", "2024-25", "--inputs", str(inputs), "--outputs", str(copy))
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines() == [
        "Not retried: 'harbour-view-homes' failed in the last run for 2024-25 but is no longer in the registry "
        f"({inputs / 'landlords.yaml'}); add it back to run it again.",
        "Nothing else to retry: no registered landlord failed in the last run for 2024-25.",
    ]
    assert record_file.read_text() == before  # nothing ran, nothing recorded
