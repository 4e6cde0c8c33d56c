"""The batch killed at random points: the parent, a worker, the exporter.

Each scenario starts from the outputs of a complete earlier run, kills one process of a new
run (seeded random points), and then checks what the product promises:

* no worker or kernel outlives a killed parent by more than a few seconds;
* every landlord's folder is a complete set from one run (its manifest's files all present and
  unchanged, nothing else) or absent, and a landlord recorded ``ok`` has the set of the run the
  record names; an index, if any, links only such sets;
* ``--retry-failed`` re-runs exactly the landlords that did not finish (and the group summary),
  after which every landlord is ``ok`` with a set from that run.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from bs4 import BeautifulSoup

from audit_lib.batch.outputs import MANIFEST_NAME, read_manifest, verify_set
from tests.conftest import DEMO_AS_OF
from tests.demo import DEMO_IDS, DEMO_INPUTS

pytestmark = pytest.mark.slow
SEED = 20250630
#: Seconds a worker or kernel may outlive its killed parent.
GRACE = 5.0
RUN_TIMEOUT = 120


def _exe() -> str:
    return shutil.which("chc-audit") or str(Path(sys.executable).parent / "chc-audit")


def _run_args(inputs: Path, outputs: Path, *extra: str) -> list[str]:
    return [_exe(), "run", *extra, "--period", "2024-25", "--inputs", str(inputs), "--outputs", str(outputs),
            "--workers", "2", "--as-of", DEMO_AS_OF.isoformat()]


def _cli(inputs: Path, outputs: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(_run_args(inputs, outputs, *extra), capture_output=True, text=True, timeout=RUN_TIMEOUT)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """The inputs and the outputs of one complete run, copied by each scenario."""
    base = tmp_path_factory.mktemp("baseline")
    inputs = shutil.copytree(DEMO_INPUTS, base / "inputs")
    run = _cli(inputs, base / "outputs", "--all")
    assert run.returncode == 0, run.stdout + run.stderr
    return inputs, base / "outputs"


def _scenario(baseline, tmp_path: Path) -> tuple[Path, Path]:
    inputs, outputs = baseline
    return inputs, Path(shutil.copytree(outputs, tmp_path / "outputs"))


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


class Watched:
    """A batch run started in the background, with every descendant process it ever had."""

    def __init__(self, inputs: Path, outputs: Path) -> None:
        self.proc = subprocess.Popen(_run_args(inputs, outputs, "--all"), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.parent = psutil.Process(self.proc.pid)
        self.seen: dict[int, psutil.Process] = {}

    def poll(self) -> list[psutil.Process]:
        """The live descendants now (all are remembered)."""
        try:
            children = self.parent.children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        for child in children:
            self.seen.setdefault(child.pid, child)
        return [c for c in children if _alive(c)]

    def kernels(self) -> list[psutil.Process]:
        return [p for p in self.poll() if "ipykernel" in " ".join(_cmdline(p))]

    def workers(self) -> list[psutil.Process]:
        return [p for p in self.poll() if p.ppid() == self.proc.pid and "spawn_main" in " ".join(_cmdline(p))]

    def wait_until(self, condition, timeout: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            if condition():
                return True
            time.sleep(0.01)
        return False

    def kill_parent(self) -> None:
        self.poll()
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def survivors(self, grace: float = GRACE) -> list[str]:
        """Descendants still alive ``grace`` seconds after now (their command lines)."""
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            left = [p for p in self.seen.values() if _alive(p)]
            if not left:
                return []
            time.sleep(0.1)
        return [" ".join(_cmdline(p))[:120] for p in self.seen.values() if _alive(p)]

    def finish(self) -> int:
        try:
            return self.proc.wait(timeout=RUN_TIMEOUT)
        finally:
            for process in self.seen.values():  # never leave anything behind, whatever failed
                if _alive(process):
                    process.kill()


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
        return []


def _record(outputs: Path) -> dict:
    return json.loads((outputs / "2024-25" / "run.json").read_text())


def check_consistent(outputs: Path) -> dict:
    """Every landlord's outputs a complete set from one run, or absent and not recorded ok. The record."""
    folder = outputs / "2024-25"
    record = _record(outputs)  # always whole JSON: written atomically
    for landlord in DEMO_IDS:
        entry = record["landlords"].get(landlord, {})
        mine = folder / landlord
        if not mine.exists():
            assert entry.get("status") != "ok", (landlord, entry)
            continue
        manifest, problem = verify_set(mine, None)
        assert manifest is not None, (landlord, problem)
        assert sorted(p.name for p in mine.iterdir()) == sorted([*manifest["files"], MANIFEST_NAME]), landlord
        if entry.get("status") == "ok":
            assert manifest["run"] == entry["run"] and manifest["status"] == "ok", (landlord, entry, manifest)
    index = folder / "index.html"
    if index.exists():
        for link in BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser").select("a[href$='.html']"):
            landlord = link["href"].split("/")[0]
            assert record["landlords"][landlord]["status"] == "ok", landlord
            assert verify_set(folder / landlord, record["landlords"][landlord]["run"])[0] is not None, landlord
    return record


def check_retry(inputs: Path, outputs: Path) -> None:
    """``--retry-failed`` runs exactly the landlords not recorded ok; then all are ok and linked."""
    record = _record(outputs)
    unfinished = [k for k, v in record["landlords"].items() if v.get("status") != "ok"]
    run = _cli(inputs, outputs, "--retry-failed")
    assert run.returncode == 0, run.stdout + run.stderr
    ran = [line.split()[0] for line in run.stdout.splitlines()
           if re.match(r"^[a-z0-9-]+ +(ok|failed) ", line) and not line.startswith("group")]
    if unfinished:
        assert sorted(ran) == sorted(unfinished), run.stdout
    elif (record.get("group_summary") or {}).get("status") != "ok" or not (outputs / "2024-25" / "index.html").exists():
        assert run.stdout.startswith("No landlord to retry:") and "Group summary: " in run.stdout, run.stdout
    else:
        assert "Nothing to retry" in run.stdout
    after = check_consistent(outputs)
    assert {k: v["status"] for k, v in after["landlords"].items()} == dict.fromkeys(DEMO_IDS, "ok")
    for landlord in unfinished:
        assert after["landlords"][landlord]["run"] == read_manifest(outputs / "2024-25" / landlord)["run"]
    links = [a["href"] for a in BeautifulSoup((outputs / "2024-25" / "index.html").read_text(),
                                              "html.parser").select("table.reports a[href$='.html']")]
    assert links == [f"{landlord}/self_assessment.html" for landlord in DEMO_IDS]
    assert not [p.name for p in (outputs / "2024-25").iterdir() if "staging" in p.name or ".old-" in p.name]


# --- the parent ------------------------------------------------------------------------------------

def test_killing_the_parent_stops_its_workers_and_kernels(baseline, tmp_path):
    inputs, outputs = _scenario(baseline, tmp_path)
    run = Watched(inputs, outputs)
    try:
        assert run.wait_until(lambda: len(run.kernels()) >= 1), "no kernel started"
        run.kill_parent()
        assert len(run.seen) >= 2  # a worker and its kernel at least
        assert run.survivors() == []
    finally:
        run.finish()
    check_consistent(outputs)
    check_retry(inputs, outputs)


@pytest.mark.parametrize("point", range(2))
def test_the_parent_killed_at_a_random_point(baseline, tmp_path, point):
    delay = random.Random(SEED + point).uniform(1.0, 12.0)
    inputs, outputs = _scenario(baseline, tmp_path)
    run = Watched(inputs, outputs)
    try:
        run.wait_until(lambda: False, timeout=delay)
        if run.proc.poll() is None:
            run.kill_parent()
        assert run.survivors() == []
    finally:
        run.finish()
    check_consistent(outputs)
    check_retry(inputs, outputs)


# --- a worker, and the exporter inside it -----------------------------------------------------------

def test_a_worker_killed_at_a_random_point(baseline, tmp_path):
    delay = random.Random(SEED + 10).uniform(0.5, 6.0)
    inputs, outputs = _scenario(baseline, tmp_path)
    run = Watched(inputs, outputs)
    try:
        assert run.wait_until(lambda: bool(run.workers())), "no worker started"
        run.wait_until(lambda: False, timeout=delay)
        workers = run.workers()
        if workers:
            random.Random(SEED + 11).choice(workers).kill()
        assert run.finish() in (0, 1)  # the parent carries on and reports the lost landlords
    finally:
        run.finish()
    check_consistent(outputs)
    check_retry(inputs, outputs)


def _staged_metrics(outputs: Path) -> list[Path]:
    """Staged ``metrics.json`` files: written just before their landlord's report is exported."""
    return list((outputs / "2024-25").glob(".*.staging-*/metrics.json"))


def test_the_exporter_killed_while_it_writes_a_report(baseline, tmp_path):
    """The worker is killed once its landlord's figures are written, i.e. while its report is exported."""
    rng = random.Random(SEED + 20)
    landlord = rng.choice(DEMO_IDS)
    inputs, outputs = _scenario(baseline, tmp_path)
    run = Watched(inputs, outputs)
    try:
        staged = [None]

        def exporting() -> bool:
            found = [p for p in _staged_metrics(outputs) if p.parent.name.startswith(f".{landlord}.")]
            staged[0] = found[0] if found else None
            return bool(found)

        assert run.wait_until(exporting), "the landlord's figures were never staged"
        time.sleep(rng.uniform(0.0, 0.3))
        worker = int(staged[0].parent.name.rsplit("-", 1)[1])  # the staging folder names its worker
        if psutil.pid_exists(worker):
            os.kill(worker, signal.SIGKILL)
        assert run.finish() in (0, 1)
    finally:
        run.finish()
    record = check_consistent(outputs)
    entry = record["landlords"][landlord]
    if entry["status"] != "ok":  # killed before its set was published: the old set, whole, or none
        manifest = read_manifest(outputs / "2024-25" / landlord)
        assert manifest is None or manifest["run"] != entry["run"]
    check_retry(inputs, outputs)
