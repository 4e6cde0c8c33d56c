"""Benchmark: the whole batch for many landlords against a one-at-a-time shell loop, and the floor.

    .venv/bin/python benchmarks/bench_batch.py [--landlords 50] [--workers N] [--executor local|dask]
                                               [--samples 5] [--skip-naive] [--keep DIR]

Targets (on the 2-core machine the project runs on): the whole batch (executed notebooks,
HTML reports, metrics and the group roll-up) at least 8x faster than the shell loop, and
within 1.3x of the floor.

What it does, in one run:

1. generates ``--landlords`` landlords into a temporary inputs folder by copying the demo
   ones and varying them (homes, a random tenth of the case-log rows left out), with their
   answers (inputs are the demo's, so every landlord runs the real workbook);
2. measures the *floor* of one landlord: a bare kernel start (the notebook's kernel), the
   import of the notebook's libraries (its first cell's ``from audit_lib import open_workbook``)
   and the kernel's shutdown, ``--samples`` times, the median taken;
   floor = landlords x that / workers. It is measured three ways: with jupyter_client's
   ``wait_for_ready`` and an immediate shutdown (the batch stops a kernel at once: its outputs
   are all in), with a graceful shutdown for comparison, and the way the batch itself starts
   and stops kernels (the same readiness test without ``wait_for_ready``'s final 0.2 s wait
   for IOPub to fall silent; a SIGKILL without waiting for the process to be reaped). Both
   ratios are printed; the verdict uses the lowest floor, the batch's own;
3. runs ``chc-audit run --all`` (a fresh process, wall clock from start to exit) and reads
   ``run.json`` for how a landlord's time splits between kernel start, execution, kernel stop
   and export;
4. runs the shell loop: for each landlord the ``papermill`` command then
   ``jupyter nbconvert --to html --no-input``, one landlord at a time, and the group summary
   the same way at the end (skipped with ``--skip-naive``);
5. prints the figures and PASS/FAIL per target, and exits 1 if a target is missed.

Nothing is timed inside a test: this is a benchmark, run by hand (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO = ROOT / "inputs"
PERIOD = "2024-25"
KERNEL = "chc-audit"
NOTEBOOK_IMPORT = "from audit_lib import open_workbook"  # as the workbook's first code cell


def make_inputs(target: Path, count: int, seed: int = 20250401) -> list[str]:
    """``count`` landlords copied from the demo ones and varied; returns their ids."""
    rng = random.Random(seed)
    registry = yaml.safe_load((DEMO / "landlords.yaml").read_text(encoding="utf-8"))
    demo = registry["landlords"]
    target.mkdir(parents=True)
    entries = []
    for i in range(count):
        source = demo[i % len(demo)]
        new_id = f"{source['id']}-{i + 1:02d}"
        shutil.copytree(DEMO / source["id"], target / new_id)
        config = yaml.safe_load((target / new_id / "landlord.yaml").read_text(encoding="utf-8"))
        log = target / new_id / config["case_log"]["path"]
        header = config["case_log"].get("header_row", 1)
        lines = log.read_text(encoding="utf-8-sig").splitlines(keepends=True)
        kept = lines[:header] + [line for line in lines[header:] if rng.random() > 0.1]
        log.write_text("".join(kept), encoding="utf-8")
        for answers in (target / new_id / "answers").glob("*.yaml"):
            data = yaml.safe_load(answers.read_text(encoding="utf-8"))
            data["landlord"] = new_id
            answers.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        entries.append({"id": new_id, "name": f"{source['name']} {i + 1:02d}",
                        "homes": max(100, int(source["homes"] * rng.uniform(0.7, 1.3)))})
    registry["landlords"] = entries
    (target / "landlords.yaml").write_text(yaml.safe_dump(registry, sort_keys=False), encoding="utf-8")
    return [e["id"] for e in entries]


def _ready_without_drain(kc, timeout: float = 60) -> None:
    """The batch's readiness check: a kernel_info reply and one IOPub message, no 0.2 s IOPub drain."""
    from queue import Empty

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kc.kernel_info()
        try:
            reply = kc.get_shell_msg(timeout=1)
        except Empty:
            continue
        if reply["msg_type"] == "kernel_info_reply":
            try:
                kc.get_iopub_msg(timeout=0.2)
                return
            except Empty:
                continue
    raise RuntimeError("the kernel did not answer")


def floor_sample(now: bool, drain: bool = True) -> tuple[float, float, float]:
    """One bare kernel: (start, import of the notebook's libraries, shutdown) in seconds.

    ``drain``: wait for readiness as jupyter_client does (``wait_for_ready``, which ends by reading
    IOPub until it is silent for 0.2 s) and shut down with ``shutdown_kernel``; otherwise as the
    batch does: without that wait, and a SIGKILL whose process is reaped after the timed part.
    """
    from jupyter_client.manager import KernelManager

    began = time.perf_counter()
    km = KernelManager(kernel_name=KERNEL)
    km.start_kernel(cwd=str(ROOT / "notebooks"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    if drain:
        kc.wait_for_ready(timeout=60)
    else:
        _ready_without_drain(kc)
    started = time.perf_counter()
    reply = kc.execute_interactive(NOTEBOOK_IMPORT, timeout=60)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"the import failed in the kernel: {reply['content']}")
    imported = time.perf_counter()
    kc.stop_channels()
    if drain:
        km.shutdown_kernel(now=now)
        stopped = time.perf_counter()
    else:  # as the batch: SIGKILL, and the process is reaped later, outside the timed part
        km.signal_kernel(signal.SIGKILL)
        stopped = time.perf_counter()
        km.shutdown_kernel(now=True)
    return started - began, imported - started, stopped - imported


def measure_floor(samples: int) -> dict[str, dict[str, float]]:
    """Median of ``samples`` floor samples for each way of waiting for readiness and of shutting down."""
    out = {}
    for label, now, drain in (("standard", True, True), ("graceful", False, True), ("batch", True, False)):
        runs = [floor_sample(now, drain) for _ in range(samples)]
        parts = {name: statistics.median(r[i] for r in runs) for i, name in enumerate(("start", "import", "shutdown"))}
        parts["total"] = statistics.median(sum(r) for r in runs)
        out[label] = parts
    return out


def run_batch(inputs: Path, outputs: Path, workers: int | None, executor: str) -> tuple[float, dict]:
    """Wall-clock seconds of ``chc-audit run --all`` and its run record."""
    cmd = [str(BIN / "chc-audit"), "run", "--all", "--period", PERIOD, "--inputs", str(inputs),
           "--outputs", str(outputs), "--executor", executor]
    if workers:
        cmd += ["--workers", str(workers)]
    began = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"the batch failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds, json.loads((outputs / PERIOD / "run.json").read_text(encoding="utf-8"))


def naive_script(ids: list[str], inputs: Path, outputs: Path) -> str:
    """The shell loop: papermill then nbconvert, one landlord at a time, then the group summary."""
    pm, jupyter = BIN / "papermill", BIN / "jupyter"
    nb = ROOT / "notebooks" / "self_assessment.ipynb"
    group = ROOT / "notebooks" / "group_summary.ipynb"
    lines = ["set -e", f"cd {ROOT / 'notebooks'}"]
    for landlord in ids:
        out = outputs / PERIOD / landlord / "self_assessment.ipynb"
        lines.append(f"mkdir -p {out.parent}")
        lines.append(f"{pm} {nb} {out} -k {KERNEL} -p landlord {landlord} -p period {PERIOD} "
                     f"-p inputs_dir {inputs} -p interactive False --no-progress-bar >/dev/null 2>&1")
        lines.append(f"{jupyter} nbconvert --to html --no-input {out} >/dev/null 2>&1")
    out = outputs / PERIOD / "group_summary.ipynb"
    lines.append(f"{pm} {group} {out} -k {KERNEL} -p period {PERIOD} -p inputs_dir {inputs} "
                 f"-p outputs_dir {outputs} --no-progress-bar >/dev/null 2>&1")
    lines.append(f"{jupyter} nbconvert --to html --no-input {out} >/dev/null 2>&1")
    return "\n".join(lines) + "\n"


def run_naive(ids: list[str], inputs: Path, outputs: Path) -> float:
    """Wall-clock seconds of the shell loop."""
    script = outputs.parent / "naive.sh"
    script.write_text(naive_script(ids, inputs, outputs), encoding="utf-8")
    began = time.perf_counter()
    subprocess.run(["bash", str(script)], check=True)
    return time.perf_counter() - began


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landlords", type=int, default=50)
    parser.add_argument("--workers", type=int, default=None, help="default: one per core, as the batch")
    parser.add_argument("--executor", choices=("local", "dask"), default="local")
    parser.add_argument("--samples", type=int, default=5, help="floor samples (median taken)")
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep inputs and outputs in this (new) folder")
    args = parser.parse_args(argv)

    base = args.keep or Path(tempfile.mkdtemp(prefix="chc-bench-"))
    workers = args.workers or os.cpu_count() or 1
    try:
        inputs = base / "inputs"
        ids = make_inputs(inputs, args.landlords)
        print(f"{len(ids)} landlords in {inputs}; {os.cpu_count()} cores; {workers} worker(s); executor {args.executor}")

        floor = measure_floor(args.samples)
        for label, what in (("standard", "jupyter_client's wait_for_ready, immediate shutdown"),
                            ("batch", "as the batch: no 0.2 s IOPub drain, SIGKILL reaped later"),
                            ("graceful", "wait_for_ready, graceful shutdown")):
            per = floor[label]
            print(f"floor, one landlord ({what}; median of {args.samples}): kernel start {per['start']:.2f}s + import "
                  f"of the notebook's libraries {per['import']:.2f}s + shutdown {per['shutdown']:.2f}s = {per['total']:.2f}s")
        floors = {label: len(ids) * floor[label]["total"] / workers for label in ("standard", "batch")}
        print(f"floor, whole batch: {len(ids)} x {floor['standard']['total']:.2f}s / {workers} = {floors['standard']:.1f}s "
              f"(started and stopped as the batch does: {floors['batch']:.1f}s)")

        batch_seconds, record = run_batch(inputs, base / "out-batch", args.workers, args.executor)
        ok = [e for e in record["landlords"].values() if e["status"] == "ok"]
        split = {k: statistics.mean(e["timings"][k] for e in ok) for k in ("kernel_start", "execution", "shutdown", "export")}
        in_job = statistics.mean(e["seconds"] for e in ok)
        group = record.get("group_summary") or {}
        print(f"batch: {batch_seconds:.1f}s wall clock ({len(ok)} of {len(ids)} ok, {record['last_run']['workers']} workers)")
        print(f"  per landlord (mean, in its worker): {in_job:.2f}s = kernel start {split['kernel_start']:.2f}s + "
              f"execution {split['execution']:.2f}s + kernel stop {split['shutdown']:.2f}s + export {split['export']:.2f}s "
              f"+ other {in_job - sum(split.values()):.2f}s")
        print(f"  group summary: {group.get('seconds', float('nan')):.2f}s")
        ratio = batch_seconds / floors["standard"]
        strict = batch_seconds / floors["batch"]
        verdicts = [("within 1.3x of the floor", strict <= 1.3,
                     f"{strict:.2f}x (against the floor with kernels started and stopped as the batch does; "
                     f"{ratio:.2f}x against the floor with jupyter_client's standard start and shutdown)")]

        if not args.skip_naive:
            naive_seconds = run_naive(ids, inputs, base / "out-naive")
            speedup = naive_seconds / batch_seconds
            print(f"shell loop (papermill, then jupyter nbconvert --to html --no-input, one landlord at a time): "
                  f"{naive_seconds:.1f}s ({naive_seconds / (len(ids) + 1):.2f}s per notebook)")
            verdicts.insert(0, ("at least 8x faster than the shell loop", speedup >= 8, f"{speedup:.2f}x"))
        for label, passed, figure in verdicts:
            print(f"{'PASS' if passed else 'FAIL'}  {label}: {figure}")
        return 0 if all(p for _, p, _ in verdicts) else 1
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
