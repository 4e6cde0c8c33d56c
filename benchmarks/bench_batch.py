"""Benchmark: the whole batch for many landlords against a one-at-a-time hand loop, and the floor.

    .venv/bin/python benchmarks/bench_batch.py [--landlords 50] [--workers N] [--executor local|dask]
                                               [--report annual|self-assessment] [--pdf | --no-pdf]
                                               [--samples 5] [--skip-naive] [--keep DIR]

By default it measures everything the batch produces with ``--report annual --pdf``: per
landlord the executed self-assessment and annual report notebooks, their HTML reports and PDFs
and ``metrics.json``; then the group roll-up (``index.html``, its notebook and PDF).
``--report self-assessment --no-pdf`` measures the self-assessment alone, as before the annual
report and PDFs existed.

Targets (on the 2-core machine the project runs on): the batch at least 12x faster than the
hand loop (8x for ``--report self-assessment --no-pdf``, the self-assessment's earlier target),
and within 1.3x of the floor.

What it does, in one run:

1. generates ``--landlords`` landlords into a temporary inputs folder by copying the demo
   ones and varying them (homes, a random tenth of the case-log rows left out), with their
   answers (inputs are the demo's, so every landlord runs the real notebooks);
2. measures the kernels' part of the floor, per notebook a landlord runs (the self-assessment,
   and the annual report): a bare kernel start (the notebook's kernel), the imports of the
   notebook's first code cell (``from audit_lib import open_workbook``; ``from audit_lib import
   open_annual_report``) and the kernel's stop, ``--samples`` times, the median taken. Three
   ways: the way the batch itself starts and stops kernels (jupyter_client's readiness test
   without ``wait_for_ready``'s final 0.2 s wait for IOPub to fall silent; a SIGKILL, the process
   reaped outside the timed part), and for comparison jupyter_client's ``wait_for_ready`` with an
   immediate shutdown, and with a graceful one;
3. runs ``chc-audit run --all --period 2024-25 --report annual --pdf --as-of TODAY`` (a fresh
   process, wall clock from start to exit), checks that every landlord and the group summary
   ended ``ok`` and that every file is there, and reads ``run.json`` for how a landlord's time
   splits: kernel start, execution, kernel stop and export of each notebook, the printing of
   its PDFs, and the rest (papermill's parameterising and writing, ``metrics.json``, publishing
   the set); the means are printed;
4. measures the PDFs' part of the floor: as many :class:`~audit_lib.report.pdf.PdfPrinter`
   as the batch has workers, started before the clock starts, print the batch's own
   ``self_assessment.html`` and ``annual_report.html`` of ``max(--samples, workers)`` landlords,
   all printers at once; seconds per report = wall time / reports (one chromium alone uses more
   than one core, so its time alone divided by the workers would understate the floor; it is
   printed for comparison);
5. floor = landlords x (sum over the notebooks of kernel start + imports + stop) / workers
   + seconds per PDF (printed at once, as above) x the number of PDFs the batch printed (each
   report, and the group summary's); the verdict uses the floor with kernels started and stopped the way
   the batch does (the lowest); the other two are printed for comparison;
6. runs the hand loop, the way a user would script it, one command at a time in a ``set -e``
   bash script (skipped with ``--skip-naive``): for each landlord the ``papermill`` command of
   each notebook (with the parameters the batch passes: landlord, period, inputs folder,
   ``as_of``, and ``interactive False`` for the self-assessment), then ``jupyter nbconvert
   --to html --no-input`` of each executed notebook, then a headless chromium print to PDF of
   each HTML file (``chromium --headless`` with :data:`~audit_lib.report.pdf.BROWSER_ARGS`,
   ``--no-pdf-header-footer --print-to-pdf=OUT.pdf FILE.html``; the executable is
   :func:`~audit_lib.report.pdf.find_chromium`'s); then the group summary the same way. Every
   command's exit status is checked and every file it should write is checked afterwards (each
   PDF must begin ``%PDF-``), so the loop cannot look fast by failing. The loop writes no
   ``metrics.json`` (papermill does not), so its group summary rolls up without figures: a
   little less work than the batch's;
7. prints a table and PASS/FAIL per target, and exits 1 if a target is missed.

Nothing is timed inside a test: this is a benchmark, run by hand (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO = ROOT / "inputs"
NOTEBOOKS = ROOT / "notebooks"
PERIOD = "2024-25"
KERNEL = "chc-audit"
FLOOR_TARGET = 1.3
WAYS = ("batch", "standard", "graceful")  # how a floor kernel is started and stopped; the verdict uses "batch"
WAY_TEXT = {"batch": "as the batch: no 0.2 s IOPub drain, SIGKILL reaped later",
            "standard": "jupyter_client's wait_for_ready, immediate shutdown",
            "graceful": "wait_for_ready, graceful shutdown"}


@dataclass(frozen=True)
class Notebook:
    """A notebook each landlord runs: its run-record key (``""`` for the job's first), files and label."""

    key: str
    label: str
    stem: str  # self_assessment: self_assessment.ipynb, .html and .pdf in the landlord's folder

    @property
    def source(self) -> Path:
        return NOTEBOOKS / f"{self.stem}.ipynb"


SELF_ASSESSMENT = Notebook("", "self-assessment", "self_assessment")
ANNUAL_REPORT = Notebook("annual_report", "annual report", "annual_report")


def first_cell_imports(notebook: Path) -> str:
    """The import lines of a notebook's first code cell after its parameters cell."""
    nb = nbformat.read(str(notebook), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
            lines = [line for line in str(cell.source).splitlines() if line.startswith(("import ", "from "))]
            if lines:
                return "\n".join(lines)
    raise RuntimeError(f"no import in the first code cell of {notebook}")


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
    return [str(e["id"]) for e in entries]


# --- the floor: kernels ---------------------------------------------------------------------------

def _ready_without_drain(kc: Any, timeout: float = 60) -> None:
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


def floor_sample(imports: str, way: str) -> tuple[float, float, float]:
    """One bare kernel: (start, the notebook's first-cell imports, stop) in seconds.

    ``way``: ``standard`` waits for readiness as jupyter_client does (``wait_for_ready``, which ends
    by reading IOPub until it is silent for 0.2 s) and shuts down with ``shutdown_kernel(now=True)``;
    ``graceful`` the same with a graceful shutdown; ``batch`` as the batch does: without that
    wait, and a SIGKILL whose process is reaped after the timed part.
    """
    from jupyter_client.manager import KernelManager

    began = time.perf_counter()
    km = KernelManager(kernel_name=KERNEL)
    km.start_kernel(cwd=str(NOTEBOOKS), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    if way == "batch":
        _ready_without_drain(kc)
    else:
        kc.wait_for_ready(timeout=60)
    started = time.perf_counter()
    reply = kc.execute_interactive(imports, timeout=60)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"the import failed in the kernel: {reply['content'].get('ename')}")
    imported = time.perf_counter()
    kc.stop_channels()
    if way == "batch":  # SIGKILL, and the process is reaped later, outside the timed part
        km.signal_kernel(signal.SIGKILL)
        stopped = time.perf_counter()
        km.shutdown_kernel(now=True)
    else:
        km.shutdown_kernel(now=way == "standard")
        stopped = time.perf_counter()
    return started - began, imported - started, stopped - imported


def measure_kernel_floor(notebooks: list[Notebook], samples: int) -> dict[str, dict[str, dict[str, float]]]:
    """Per notebook and way: the medians of ``samples`` samples of start, imports, stop, and their total."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for notebook in notebooks:
        imports = first_cell_imports(notebook.source)
        out[notebook.stem] = {}
        for way in WAYS:
            runs = [floor_sample(imports, way) for _ in range(samples)]
            parts = {name: statistics.median(r[i] for r in runs) for i, name in enumerate(("start", "import", "stop"))}
            parts["total"] = statistics.median(sum(r) for r in runs)
            out[notebook.stem][way] = parts
    return out


# --- the floor: PDFs -------------------------------------------------------------------------------

def measure_pdf_floor(period_folder: Path, ids: list[str], notebooks: list[Notebook], samples: int,
                      scratch: Path, workers: int) -> tuple[float, float, int]:
    """Seconds per report when ``workers`` already-started browsers print at once, as the batch's
    workers do, and the median seconds of one report printed alone; and how many were printed.

    ``workers`` PdfPrinters (one chromium each) are started before the clock starts; they then
    print the batch's own HTML reports of ``max(samples, workers)`` landlords (into ``scratch``),
    each printer its share one after another, all printers at the same time. Throughput, not
    one report's time divided by the workers: a single chromium printing alone uses more than
    one core (its renderer and browser processes overlap), so alone it is faster per report
    than when every core is busy, and dividing its time by the workers would understate the floor.
    """
    from concurrent.futures import ThreadPoolExecutor

    from audit_lib.report.pdf import PdfPrinter

    scratch.mkdir(parents=True, exist_ok=True)
    reports = [(landlord, notebook) for landlord in ids[:max(1, samples, workers)] for notebook in notebooks]
    printers = [PdfPrinter().start() for _ in range(max(1, workers))]
    alone: list[float] = []

    def share(index: int) -> None:
        printer = printers[index]
        for landlord, notebook in reports[index::len(printers)]:
            began = time.perf_counter()
            printer.print(period_folder / landlord / f"{notebook.stem}.html", scratch / f"{landlord}-{notebook.stem}.pdf",
                          header=f"{landlord} - {PERIOD} - {notebook.label}", footer_left=f"{landlord} - {PERIOD}")
            if len(printers) == 1:
                alone.append(time.perf_counter() - began)

    try:
        if len(printers) > 1:  # one report at a time in a single browser, for comparison
            for landlord, notebook in reports[:len(notebooks) * 2]:
                began = time.perf_counter()
                printers[0].print(period_folder / landlord / f"{notebook.stem}.html", scratch / "alone.pdf",
                                  header="x", footer_left="y")
                alone.append(time.perf_counter() - began)
        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=len(printers)) as pool:
            list(pool.map(share, range(len(printers))))
        together = time.perf_counter() - began
    finally:
        for printer in printers:
            printer.close()
    return together / len(reports), statistics.median(alone), len(reports)


# --- the batch ------------------------------------------------------------------------------------

def run_batch(inputs: Path, outputs: Path, workers: int | None, executor: str, report: str, pdf: bool,
              as_of: str) -> tuple[float, dict]:
    """Wall-clock seconds of ``chc-audit run --all`` and its run record."""
    cmd = [str(BIN / "chc-audit"), "run", "--all", "--period", PERIOD, "--report", report, "--as-of", as_of,
           "--inputs", str(inputs), "--outputs", str(outputs), "--executor", executor]
    if pdf:
        cmd.append("--pdf")
    if workers:
        cmd += ["--workers", str(workers)]
    began = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"the batch failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds, json.loads((outputs / PERIOD / "run.json").read_text(encoding="utf-8"))


def expected_files(period_folder: Path, ids: list[str], notebooks: list[Notebook], pdf: bool, group: list[str],
                   metrics: bool) -> list[Path]:
    """Every file a run should have written: per landlord and for the group summary (``group``: its stems)."""
    files = []
    for landlord in ids:
        folder = period_folder / landlord
        for notebook in notebooks:
            files += [folder / f"{notebook.stem}.ipynb", folder / f"{notebook.stem}.html"]
            if pdf:
                files.append(folder / f"{notebook.stem}.pdf")
        if metrics:
            files.append(folder / "metrics.json")
    files += [period_folder / name for name in group]
    return files


def check_files(files: list[Path], what: str) -> None:
    """Raise unless every file exists, is not empty, and (a PDF) begins ``%PDF-``."""
    missing = [f for f in files if not f.is_file() or f.stat().st_size == 0]
    bad = [f for f in files if f.suffix == ".pdf" and f not in missing and f.read_bytes()[:5] != b"%PDF-"]
    if missing or bad:
        raise RuntimeError(f"{what}: {len(missing)} file(s) missing or empty, {len(bad)} not a PDF: "
                           + ", ".join(str(f) for f in (missing + bad)[:5]))


def batch_split(record: dict, notebooks: list[Notebook]) -> tuple[dict[str, dict[str, float]], float, float, int]:
    """How a landlord's time splits, mean over the landlords that ran: per notebook its kernel start,
    execution, kernel stop and export; the PDF printing; the whole job; and how many landlords."""
    ok = [e for e in record["landlords"].values() if e["status"] == "ok"]
    parts: dict[str, dict[str, float]] = {}
    for notebook in notebooks:  # the first notebook's timings are the entry's own; a further one's under its key
        timings = [e["timings"][notebook.key] if notebook.key else e["timings"] for e in ok]
        parts[notebook.stem] = {k: statistics.mean(t[k] for t in timings)
                                for k in ("kernel_start", "execution", "shutdown", "export")}
    pdf = statistics.mean(e["timings"].get("pdf", 0.0) for e in ok)
    return parts, pdf, statistics.mean(e["seconds"] for e in ok), len(ok)


# --- the hand loop --------------------------------------------------------------------------------

def naive_script(ids: list[str], inputs: Path, outputs: Path, notebooks: list[Notebook], pdf: bool,
                 as_of: str, log: Path, times: Path) -> str:
    """The hand loop in bash (``set -e``): per landlord papermill for each notebook, nbconvert for each,
    chromium for each HTML; then the group summary the same way. ``step`` times each command."""
    q = shlex.quote
    pm, jupyter = q(str(BIN / "papermill")), q(str(BIN / "jupyter"))
    chromium = ""
    if pdf:
        from audit_lib.report.pdf import BROWSER_ARGS, find_chromium

        chromium = " ".join(q(a) for a in (str(find_chromium()), "--headless", *BROWSER_ARGS, "--no-pdf-header-footer"))
    lines = ["set -e", f"cd {q(str(NOTEBOOKS))}",
             "step() {  # kind, command...: run it, output to the log, its start and end to the times file",
             "  local kind=$1 began=$EPOCHREALTIME; shift",
             f"  \"$@\" >>{q(str(log))} 2>&1",
             f"  echo \"$kind $began $EPOCHREALTIME\" >>{q(str(times))}",
             "}"]

    def parameters(notebook: Notebook, landlord: str | None) -> str:
        if landlord is None:  # the group summary
            return f"-p period {PERIOD} -p inputs_dir {q(str(inputs))} -p outputs_dir {q(str(outputs))} -r as_of {as_of}"
        extra = " -p interactive False" if notebook is SELF_ASSESSMENT else ""
        return f"-p landlord {q(landlord)} -p period {PERIOD} -p inputs_dir {q(str(inputs))}{extra} -r as_of {as_of}"

    def commands(folder: Path, items: list[tuple[Notebook, str | None]]) -> list[str]:
        out = [f"mkdir -p {q(str(folder))}"]
        for notebook, landlord in items:
            executed = q(str(folder / f"{notebook.stem}.ipynb"))
            out.append(f"step papermill {pm} {q(str(notebook.source))} {executed} -k {KERNEL} "
                       f"{parameters(notebook, landlord)} --no-progress-bar")
        for notebook, _ in items:
            out.append(f"step nbconvert {jupyter} nbconvert --to html --no-input {q(str(folder / f'{notebook.stem}.ipynb'))}")
        if pdf:
            for notebook, _ in items:
                target, source = folder / f"{notebook.stem}.pdf", folder / f"{notebook.stem}.html"
                out.append(f"step chromium {chromium} --print-to-pdf={q(str(target))} {q(str(source))}")
                out.append(f"test -s {q(str(target))}")  # chromium may exit 0 without printing
        return out

    for landlord in ids:
        lines += commands(outputs / PERIOD / landlord, [(notebook, landlord) for notebook in notebooks])
    group = Notebook("", "group summary", "group_summary")
    lines += commands(outputs / PERIOD, [(group, None)])
    return "\n".join(lines) + "\n"


def run_naive(ids: list[str], inputs: Path, outputs: Path, notebooks: list[Notebook], pdf: bool,
              as_of: str) -> tuple[float, dict[str, list[float]]]:
    """Wall-clock seconds of the hand loop, and each kind of command's seconds."""
    script, log, times = (outputs.parent / name for name in ("naive.sh", "naive.log", "naive-times.txt"))
    log.unlink(missing_ok=True)
    times.unlink(missing_ok=True)
    script.write_text(naive_script(ids, inputs, outputs, notebooks, pdf, as_of, log, times), encoding="utf-8")
    began = time.perf_counter()
    done = subprocess.run(["bash", str(script)])
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-20:] if log.exists() else []
        raise RuntimeError(f"the hand loop failed ({done.returncode}); see {script} and {log}:\n" + "\n".join(tail))
    steps: dict[str, list[float]] = {}
    for line in times.read_text(encoding="utf-8").splitlines():
        kind, start, end = line.split()
        steps.setdefault(kind, []).append(float(end) - float(start))
    return seconds, steps


# --- the run --------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landlords", type=int, default=50)
    parser.add_argument("--workers", type=int, default=None, help="default: one per core, as the batch")
    parser.add_argument("--executor", choices=("local", "dask"), default="local")
    parser.add_argument("--report", choices=("annual", "self-assessment"), default="annual",
                        help="annual (default): the self-assessment and the annual report; self-assessment: it alone")
    parser.add_argument("--pdf", action=argparse.BooleanOptionalAction, default=True,
                        help="print every report as PDF (default; --no-pdf: HTML only)")
    parser.add_argument("--samples", type=int, default=5,
                        help="floor samples per notebook and way, and landlords whose reports are printed for "
                             "the PDF floor (median taken)")
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep inputs and outputs in this (new) folder")
    args = parser.parse_args(argv)

    notebooks = [SELF_ASSESSMENT, *([ANNUAL_REPORT] if args.report == "annual" else [])]
    speedup_target = 8.0 if (args.report == "self-assessment" and not args.pdf) else 12.0
    as_of = dt.date.today().isoformat()
    what = f"--report {args.report}" + (" --pdf" if args.pdf else "")
    base = args.keep or Path(tempfile.mkdtemp(prefix="chc-bench-"))
    try:
        inputs = base / "inputs"
        ids = make_inputs(inputs, args.landlords)
        print(f"{len(ids)} landlords in {inputs}; {os.cpu_count()} cores; executor {args.executor}; {what}")

        # 1. the kernels' floor, per notebook
        kernel_floor = measure_kernel_floor(notebooks, args.samples)
        for notebook in notebooks:
            for way in WAYS:
                per = kernel_floor[notebook.stem][way]
                print(f"floor, {notebook.label} kernel ({WAY_TEXT[way]}; median of {args.samples}): start "
                      f"{per['start']:.2f}s + first-cell imports {per['import']:.2f}s + stop {per['stop']:.2f}s "
                      f"= {per['total']:.2f}s")

        # 2. the batch
        out_batch = base / "out-batch"
        batch_seconds, record = run_batch(inputs, out_batch, args.workers, args.executor, args.report, args.pdf, as_of)
        workers = record["last_run"]["workers"]
        group = record.get("group_summary") or {}
        ok = [k for k, e in record["landlords"].items() if e["status"] == "ok"]
        if len(ok) != len(ids) or group.get("status") != "ok":
            raise RuntimeError(f"the batch ran, but only {len(ok)} of {len(ids)} landlords ended ok "
                               f"(group summary: {group.get('status')})")
        group_files = ["group_summary.ipynb", "index.html", *(["group_summary.pdf"] if args.pdf else [])]
        check_files(expected_files(out_batch / PERIOD, ids, notebooks, args.pdf, group_files, metrics=True), "batch")
        parts, pdf_in_job, in_job, count = batch_split(record, notebooks)
        print(f"batch: chc-audit run --all --period {PERIOD} {what}: {batch_seconds:.1f}s wall clock "
              f"({count} of {len(ids)} landlords ok, {workers} {args.executor} workers)")
        width = max(len(n.label) for n in notebooks) + 2
        print(f"  how a landlord's time splits (mean of {count}, in its worker), seconds:")
        print(f"    {'':<14}" + "".join(f"{n.label:>{width}}" for n in notebooks))
        for key, label in (("kernel_start", "kernel start"), ("execution", "execution"), ("shutdown", "kernel stop"),
                           ("export", "export")):
            print(f"    {label:<14}" + "".join(f"{parts[n.stem][key]:>{width}.2f}" for n in notebooks))
        accounted = sum(sum(p.values()) for p in parts.values()) + pdf_in_job
        if args.pdf:
            print(f"    PDF printing: {pdf_in_job:.2f}s ({len(notebooks)} report(s), {pdf_in_job / len(notebooks):.2f}s each)")
        print(f"    other (parameterising, writing, metrics.json, publishing the set): {in_job - accounted:.2f}s")
        group_pdf = f" (PDF {group.get('timings', {}).get('pdf', 0.0):.2f}s)" if args.pdf else ""
        print(f"    total: {in_job:.2f}s per landlord; group summary {group.get('seconds', float('nan')):.2f}s{group_pdf}")

        # 3. the PDFs' floor, with the batch's own reports
        pdf_per, printed, pdf_count = 0.0, 0, 0
        if args.pdf:
            pdf_per, pdf_alone, printed = measure_pdf_floor(out_batch / PERIOD, ids, notebooks, args.samples,
                                                            base / "pdf-floor", workers)
            pdf_count = len(ids) * len(notebooks) + 1  # each landlord's reports and the group summary's
            print(f"floor, PDF printing by {workers} already-started browser(s) at once ({printed} of the batch's "
                  f"reports): {pdf_per:.2f}s per report (one report alone in one browser: {pdf_alone:.2f}s)")
        pdf_floor = pdf_per * pdf_count
        floors = {way: len(ids) * sum(kernel_floor[n.stem][way]["total"] for n in notebooks) / workers + pdf_floor
                  for way in WAYS}
        kernels = " + ".join(f"{kernel_floor[n.stem]['batch']['total']:.2f}" for n in notebooks)
        print(f"floor, whole batch (kernels as the batch starts them): {len(ids)} x ({kernels})s / {workers}"
              + (f" + {pdf_count} PDFs x {pdf_per:.2f}s" if args.pdf else "") + f" = {floors['batch']:.1f}s")

        # 4. the hand loop
        naive_seconds = None
        if not args.skip_naive:
            out_naive = base / "out-naive"
            naive_seconds, steps = run_naive(ids, inputs, out_naive, notebooks, args.pdf, as_of)
            group_files = ["group_summary.ipynb", "group_summary.html", *(["group_summary.pdf"] if args.pdf else [])]
            check_files(expected_files(out_naive / PERIOD, ids, notebooks, args.pdf, group_files, metrics=False),
                        "hand loop")
            mix = ", ".join(f"{kind} {len(s)} x {statistics.mean(s):.2f}s" for kind, s in steps.items())
            print(f"hand loop (one command at a time): {naive_seconds:.1f}s ({mix})")

        # 5. the table and the verdicts
        rows = [(f"batch: chc-audit run --all {what}", batch_seconds, "")]
        verdicts = []
        if naive_seconds is not None:
            speedup = naive_seconds / batch_seconds
            rows.append(("hand loop: papermill, nbconvert" + (", chromium" if args.pdf else "") + ", one at a time",
                         naive_seconds, f"batch {speedup:.2f}x faster"))
            verdicts.append((f"at least {speedup_target:g}x faster than the hand loop", speedup >= speedup_target,
                             f"{speedup:.2f}x"))
        for way in WAYS:
            label = {"batch": "floor: kernels as the batch starts and stops them",
                     "standard": "floor: kernels with jupyter_client's standard start and shutdown",
                     "graceful": "floor: kernels with a graceful shutdown"}[way]
            rows.append((label + (" + PDFs" if args.pdf else ""), floors[way],
                         f"batch {batch_seconds / floors[way]:.2f}x of it"))
        strict = batch_seconds / floors["batch"]
        verdicts.append((f"within {FLOOR_TARGET}x of the floor", strict <= FLOOR_TARGET,
                         f"{strict:.2f}x (kernels started and stopped as the batch does"
                         + (", PDFs from an already-started browser)" if args.pdf else ")")))
        width = max(len(r[0]) for r in rows)
        print()
        print(f"{'measure':<{width}}  {'seconds':>8}  ")
        for label, seconds, note in rows:
            print(f"{label:<{width}}  {seconds:8.1f}  {note}")
        print()
        for label, passed, figure in verdicts:
            print(f"{'PASS' if passed else 'FAIL'}  {label}: {figure}")
        return 0 if all(p for _, p, _ in verdicts) else 1
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
