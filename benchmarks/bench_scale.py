"""Benchmark: the batch scaled out on Dask, from 50 to 500 landlords, and what 2,000 would take.

    .venv/bin/python benchmarks/bench_scale.py [--counts 50,200,500] [--throughput-count 50]
                                               [--workers-list 1,2] [--report self-assessment|annual]
                                               [--target 2000] [--machines 20] [--cores-per-machine N]
                                               [--json FILE] [--keep DIR]

Targets (issue 16, scale out; run it on an idle machine, the default counts take about 15 minutes
on 2 cores): 500 generated landlords on a Dask cluster of local worker processes;

* throughput grows with workers up to the cores. Rule: at ``--throughput-count`` landlords, each
  worker count's landlords per minute (whole run, wall clock) is at least 1.1x the next lower
  worker count's;
* the orchestrating process's memory stays flat as landlords grow. Rule: its peak resident memory
  at the largest count is at most 1.25x its peak at the smallest count (the ratio is printed);
* ``run.json`` and the group summary stay usable at the largest count. Rule: every landlord and
  the group summary ended ``ok``, ``run.json`` loads as JSON, the group summary page
  (``outputs/<period>/index.html``) opens in chromium, names every subsidiary, and prints to a PDF
  of at least one page.

What it does, in one run:

1. generates the largest count of landlords once (``make_inputs`` of bench_batch.py: the demo
   landlords copied and varied) into a temporary folder; each smaller count gets an inputs
   folder of its own holding copies of the first N landlord folders and a registry
   (``landlords.yaml``) listing only them (the product refuses symlinked inputs, and the command
   line has no choice of registry). A warm-up run of 2 landlords comes first, not measured, so
   that no measured run pays for cold disk caches and bytecode;
2. throughput against workers: at ``--throughput-count`` landlords, ``chc-audit run --all
   --executor dask --workers W`` for each W of ``--workers-list`` (default 1, 2, 4, ... up to
   ``os.cpu_count()``): landlords per minute over the whole run and over the landlords' part
   (the run less the group summary), and the mean seconds a landlord spends in its worker;
3. the orchestrating process: for each count, ``chc-audit run --all --executor dask`` (default
   workers: one per core) in a fresh process whose own memory is read from
   ``/proc/<pid>/status`` every 0.1 s: VmRSS (the peak of the samples, and the last sample before
   it exits) and VmHWM (the kernel's high-water mark, last read at most 0.1 s before the exit;
   the peak reported is the larger of the two). Its CPU time comes from ``/proc/<pid>/stat``
   (utime + stime: its own, not its children's). The Dask workers are separate processes (its
   children) and are not counted; with a LocalCluster the Dask scheduler and the nannies run in
   the orchestrating process, so they are counted. Also: wall clock, landlords per minute, and
   the orchestrator's overhead (wall clock less the landlords' worker seconds divided by the
   workers, less the group summary);
4. usability, after each of those runs (the verdict is the largest count's): ``run.json``'s size,
   the time to read and parse it, and the time of one rewrite of it by the batch's run recorder
   when one more outcome comes in (what the batch does at most once a second); the group
   summary page: its size, the subsidiaries it names, chromium's start and the time it takes to
   open the page (Playwright with :data:`audit_lib.report.pdf.BROWSER_ARGS`, JavaScript off as
   the printer has it), and the time :meth:`audit_lib.report.pdf.PdfPrinter.print` takes to print
   it, with the PDF's size and page count (``/Type /Page`` objects, not ``/Pages``); and the size
   of the outputs. Then ``run.json`` at ``--target`` landlords (the largest count's entries
   repeated): its size, read and rewrite times;
5. prints the figures, PASS/FAIL per target, and an estimate for ``--target`` landlords on
   ``--machines`` machines computed from the measurements: a landlord's seconds in its worker at
   2 workers, the orchestrator's CPU, overhead and memory per landlord and the group summary's
   time and sizes fitted linearly over the counts, run.json's rewrites at the target's size; the
   assumptions and what limits it are printed with it;
   ``--json FILE`` writes every figure. Exits 1 if a target is missed.

Self-assessments only by default (no PDFs per landlord); ``--report annual`` adds each landlord's
annual report to its set. Nothing is timed inside a test: this is a benchmark, run by hand.
"""

from __future__ import annotations

import argparse
import functools
import html
import itertools
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from audit_lib.batch.runrecord import RunRecorder, record_path  # noqa: E402
from audit_lib.batch.worker import NotebookResult  # noqa: E402
from audit_lib.core.io import dumps_json  # noqa: E402
from audit_lib.core.periods import Period  # noqa: E402
from audit_lib.report.pdf import BROWSER_ARGS, PdfPrinter, find_chromium  # noqa: E402
from benchmarks.bench_batch import BIN, PERIOD, make_inputs  # noqa: E402

FLAT_RATIO = 1.25  # the largest count's peak memory at most this times the smallest count's
GROWTH_RATIO = 1.1  # each worker count's throughput at least this times the next lower one's
SAMPLE_EVERY = 0.1  # seconds between two reads of the orchestrator's /proc entries
WARM_UP = 2  # landlords of the unmeasured first run
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
PAGES_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", re.S)
MB = 1024 * 1024


# --- inputs -------------------------------------------------------------------------------------------

def subset_inputs(full: Path, target: Path, count: int) -> list[str]:
    """An inputs folder of the first ``count`` landlords of ``full``: their folders copied (not linked:
    the product refuses symlinks) and a registry listing only them; returns their ids."""
    registry = yaml.safe_load((full / "landlords.yaml").read_text(encoding="utf-8"))
    registry["landlords"] = registry["landlords"][:count]
    target.mkdir(parents=True)
    for entry in registry["landlords"]:
        shutil.copytree(full / entry["id"], target / entry["id"])
    (target / "landlords.yaml").write_text(yaml.safe_dump(registry, sort_keys=False), encoding="utf-8")
    return [e["id"] for e in registry["landlords"]]


def prepare_inputs(base: Path, counts: list[int]) -> dict[int, Path]:
    """The largest count generated once, each smaller count (and the warm-up) as a subset of it."""
    largest = max(counts)
    folders = {largest: base / f"inputs-{largest}"}
    make_inputs(folders[largest], largest)
    for count in sorted({*counts, min(WARM_UP, largest)} - {largest}):
        folders[count] = base / f"inputs-{count}"
        subset_inputs(folders[largest], folders[count], count)
    return folders


def registry_names(inputs: Path) -> tuple[str, list[str]]:
    """The group's name and its landlords' names, from the registry."""
    registry = yaml.safe_load((inputs / "landlords.yaml").read_text(encoding="utf-8"))
    return registry["group"]["name"], [e["name"] for e in registry["landlords"]]


# --- one batch run, its orchestrator watched ------------------------------------------------------------

def _status_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of ``pid`` in kB (empty once the process is gone or a zombie)."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, value = line.split(":", 1)
                    out[key] = int(value.split()[0])
    except (OSError, ValueError):
        return {}
    return out


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of ``pid`` itself (not its children)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime: fields 14 and 15 of stat(5)


def _children(pid: int) -> int:
    """How many processes have ``pid`` as their parent."""
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                if int(handle.read().rsplit(")", 1)[1].split()[1]) == pid:
                    count += 1
        except (OSError, IndexError, ValueError):
            continue
    return count


@dataclass
class Watch:
    """What the sampler saw of the orchestrating process."""

    samples: int = 0
    peak_rss_kb: int = 0
    last_rss_kb: int = 0
    hwm_kb: int = 0
    cpu_seconds: float = 0.0
    children: int = 0

    @property
    def peak_mb(self) -> float:
        return max(self.peak_rss_kb, self.hwm_kb) / 1024

    @property
    def end_mb(self) -> float:
        return self.last_rss_kb / 1024


def _sample(pid: int, watch: Watch, stop: threading.Event) -> None:
    tick = 0
    while not stop.is_set():
        status = _status_kb(pid)
        if "VmRSS" in status:
            watch.samples += 1
            watch.last_rss_kb = status["VmRSS"]
            watch.peak_rss_kb = max(watch.peak_rss_kb, status["VmRSS"])
            watch.hwm_kb = max(watch.hwm_kb, status.get("VmHWM", 0))
            cpu = _cpu_seconds(pid)
            if cpu is not None:
                watch.cpu_seconds = cpu
            if tick % 10 == 0:  # once a second: the worker processes it started
                watch.children = max(watch.children, _children(pid))
            tick += 1
        stop.wait(SAMPLE_EVERY)


@dataclass
class Run:
    """One ``chc-audit run --all`` and what its record says."""

    landlords: int
    workers: int
    wall: float
    ok: int
    group_ok: bool
    group_seconds: float
    in_run: float  # the record's own seconds: cluster start, landlords, group summary
    landlord_seconds: list[float] = field(repr=False)  # each landlord's seconds in its worker
    watch: Watch = field(default_factory=Watch)
    record: dict[str, Any] = field(default_factory=dict)  # run.json: size, load and rewrite times
    page: dict[str, Any] = field(default_factory=dict)  # the group summary page: size, open, print
    outputs_bytes: int = 0

    @property
    def per_minute(self) -> float:
        """Landlords per minute, whole run (process start to exit)."""
        return self.landlords / self.wall * 60

    @property
    def landlord_part(self) -> float:
        """Seconds of the landlords' part: the run less the process's start and the group summary."""
        return self.in_run - self.group_seconds

    @property
    def landlord_per_minute(self) -> float:
        return self.landlords / self.landlord_part * 60 if self.landlord_part > 0 else math.nan

    @property
    def mean_worker_seconds(self) -> float:
        return statistics.mean(self.landlord_seconds) if self.landlord_seconds else math.nan

    @property
    def overhead(self) -> float:
        """Wall clock not explained by the landlords' worker time spread over the workers and the group summary."""
        return self.wall - sum(self.landlord_seconds) / self.workers - self.group_seconds

    def as_dict(self) -> dict[str, Any]:
        return {"landlords": self.landlords, "workers": self.workers, "wall_s": round(self.wall, 2),
                "ok": self.ok, "group_ok": self.group_ok, "group_summary_s": self.group_seconds,
                "run_record_s": self.in_run, "landlords_per_minute": round(self.per_minute, 2),
                "landlord_part_per_minute": round(self.landlord_per_minute, 2),
                "mean_worker_s": round(self.mean_worker_seconds, 3), "overhead_s": round(self.overhead, 2),
                "orchestrator": {**asdict(self.watch), "peak_mb": round(self.watch.peak_mb, 1),
                                 "end_mb": round(self.watch.end_mb, 1)},
                "run_json": self.record, "group_page": self.page, "outputs_bytes": self.outputs_bytes}


def run_batch(inputs: Path, outputs: Path, workers: int | None, report: str, log: Path) -> Run:
    """``chc-audit run --all --executor dask`` in a fresh process, its own memory and CPU sampled."""
    cmd = [str(BIN / "chc-audit"), "run", "--all", "--period", PERIOD, "--inputs", str(inputs),
           "--outputs", str(outputs), "--executor", "dask", "--report", report]
    if workers:
        cmd += ["--workers", str(workers)]
    watch, stop = Watch(), threading.Event()
    with open(log, "w", encoding="utf-8") as out:
        began = time.perf_counter()
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        sampler = threading.Thread(target=_sample, args=(process.pid, watch, stop), daemon=True)
        sampler.start()
        code = process.wait()
        wall = time.perf_counter() - began
    stop.set()
    sampler.join()
    record_path = outputs / PERIOD / "run.json"
    if not record_path.is_file():
        raise RuntimeError(f"the batch wrote no run.json (exit {code}); see {log}:\n{log.read_text()[-3000:]}")
    record = json.loads(record_path.read_text(encoding="utf-8"))
    entries = list(record["landlords"].values())
    group = record.get("group_summary") or {}
    last = record.get("last_run") or {}
    if code != 0:
        print(f"  note: the batch exited {code}; see {log}")
    return Run(landlords=len(entries), workers=int(last.get("workers") or workers or 0), wall=wall,
               ok=sum(1 for e in entries if e.get("status") == "ok"), group_ok=group.get("status") == "ok",
               group_seconds=float(group.get("seconds") or 0.0), in_run=float(last.get("seconds") or wall),
               landlord_seconds=[float(e["seconds"]) for e in entries if e.get("status") == "ok"], watch=watch)


# --- usability: run.json and the group summary page -----------------------------------------------------

def _median_time(action: Any, times: int = 5) -> float:
    runs = []
    for _ in range(times):
        began = time.perf_counter()
        action()
        runs.append(time.perf_counter() - began)
    return statistics.median(runs)


def pdf_pages(data: bytes) -> tuple[int, int | None]:
    """The ``/Type /Page`` objects of a PDF (not ``/Pages``), and the page tree's largest ``/Count``."""
    counts = [int(a or b) for a, b in PAGES_COUNT.findall(data)]
    return len(PAGE_OBJECT.findall(data)), max(counts) if counts else None


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def record_figures(record: Path, work: Path) -> dict[str, Any]:
    """A run record's size, the time to read and parse it, and one rewrite of a copy of it by the batch's
    run recorder when one more landlord's outcome comes in (the changed entry encoded, the file written
    atomically with its fsyncs: what the batch does at most once a second while landlords finish)."""
    out: dict[str, Any] = {"bytes": record.stat().st_size}
    try:
        json.loads(record.read_text(encoding="utf-8"))
        out["ok"] = True
    except ValueError:
        out["ok"] = False
        return out
    out["load_s"] = _median_time(lambda: json.loads(record.read_text(encoding="utf-8")))
    period = Period.parse(PERIOD)
    copy = record_path(work, period)
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(record, copy)
    # the batch's own recorder, as it rewrites the file when one more landlord's outcome comes in
    recorder = RunRecorder(work, period, "benchmark", interval=0.0)
    names = iter([*json.loads(copy.read_text(encoding="utf-8"))["landlords"]] * 2)
    recorder(NotebookResult(next(names), "ok", 1.0))  # the first write encodes every entry
    out["rewrite_s"] = _median_time(lambda: recorder(NotebookResult(next(names), "ok", 1.0)))
    recorder.close()
    return out


def synthetic_record(record: Path, count: int, target: Path) -> Path:
    """``record`` grown to ``count`` landlords by repeating its entries under new ids: run.json at a count
    not run."""
    data = json.loads(record.read_text(encoding="utf-8"))
    entries = list(data["landlords"].items())
    grown = {f"{key}-copy{i}" if i else key: value
             for i in range(math.ceil(count / len(entries))) for key, value in entries}
    data["landlords"] = dict(itertools.islice(grown.items(), count))
    if isinstance(data.get("last_run"), dict):
        data["last_run"]["landlords"] = list(data["landlords"])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dumps_json(data), encoding="utf-8")
    return target


def page_figures(inputs: Path, index: Path, work: Path) -> dict[str, Any]:
    """The group summary page: its size, the subsidiaries it names, chromium's start, the time to open it
    and to print it (:class:`PdfPrinter`), the PDF's size and pages."""
    out: dict[str, Any] = {"exists": index.is_file()}
    if not index.is_file():
        return out
    out["bytes"] = index.stat().st_size
    group, names = registry_names(inputs)
    text = index.read_text(encoding="utf-8")
    out["subsidiaries"] = len(names)
    out["named"] = sum(1 for n in names if any(re.search(re.escape(v) + r"(?!\d)", text) for v in {n, html.escape(n)}))

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        began = time.perf_counter()
        browser = playwright.chromium.launch(executable_path=str(find_chromium()), args=list(BROWSER_ARGS),
                                             headless=True)
        out["chromium_start_s"] = time.perf_counter() - began
        try:  # as the printer opens a page: JavaScript off, nothing but local files
            context = browser.new_context(java_script_enabled=False, service_workers="block")
            context.route("**/*", lambda route: route.continue_()
                          if route.request.url.startswith(("file:", "data:", "about:")) else route.abort("blockedbyclient"))
            page = context.new_page()
            began = time.perf_counter()
            page.goto(index.resolve().as_uri(), wait_until="load", timeout=600_000)
            out["open_s"] = time.perf_counter() - began
            out["rows"] = page.locator("tr").count()
            out["opened"] = True
        except Exception as exc:  # the figure is the failure itself
            out["opened"] = False
            out["open_error"] = " ".join(str(exc).split())[:200]
        finally:
            browser.close()

    pdf = work / "group_summary.pdf"
    try:
        began = time.perf_counter()
        with PdfPrinter(timeout=1200) as printer:
            out["printer_start_s"] = time.perf_counter() - began
            printed = printer.print(index, pdf, header=f"{group} - {PERIOD} - Complaint Handling Code self-assessments",
                                    footer_left=f"{group} - {PERIOD}")
        out["print_s"] = printed.seconds
        out["refused"] = len(printed.blocked)
        data = pdf.read_bytes()
        out["pdf_bytes"] = len(data)
        out["pages"], out["page_tree_count"] = pdf_pages(data)
        out["printed"] = data.startswith(b"%PDF-") and out["pages"] >= 1
    except Exception as exc:  # the figure is the failure itself
        out["printed"] = False
        out["print_error"] = " ".join(str(exc).split())[:200]
    finally:
        pdf.unlink(missing_ok=True)
    return out


# --- the estimate -----------------------------------------------------------------------------------------

def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least squares line through ``points``: (intercept, slope)."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in points) / var if var else 0.0
    return my - slope * mx, slope


def extrapolate(points: list[tuple[float, float]], x: float) -> tuple[float, float]:
    """The least squares line at ``x``, and its slope; a falling line (noise, at counts this close) is
    taken as flat: the value at the largest count, slope 0."""
    intercept, slope = fit(points)
    if slope < 0:
        return max(points)[1], 0.0
    return intercept + slope * x, slope


def _page_figure(key: str, run: Run) -> Any:
    return run.page.get(key, math.nan)


def estimate(target: int, machines: int, cores: int, per_landlord: float, per_landlord_workers: int,
             memory: list[Run], record_at_target: dict[str, Any]) -> tuple[dict[str, Any], list[str], list[str]]:
    """The estimate for ``target`` landlords on ``machines`` machines: figures, assumptions, limits."""
    workers = machines * cores
    waves = math.ceil(target / workers)
    worker_bound = waves * per_landlord

    def at(figure: Callable[[Run], Any]) -> tuple[float, float]:
        """A figure of the memory runs extrapolated to ``target`` (NaN when a run lacks it)."""
        values = [figure(r) for r in memory]
        if any(v is None or math.isnan(float(v)) for v in values):
            return math.nan, math.nan
        return extrapolate([(float(r.landlords), float(v)) for r, v in zip(memory, values)], target)

    _, cpu_slope = at(lambda r: r.watch.cpu_seconds)
    orchestrator_bound = target * cpu_slope
    fixed, overhead_slope = fit([(r.landlords, r.overhead) for r in memory])
    fixed = max(0.0, fixed) if overhead_slope >= 0 else min(r.overhead for r in memory)
    group_at, _ = at(lambda r: r.group_seconds)
    memory_at, memory_slope = at(lambda r: r.watch.peak_mb)
    # at most one rewrite a second while landlords finish (RunRecorder), each at the full size (all are marked
    # running first); already inside the orchestrator's measured CPU time, so not a bound of its own
    rewrites = record_at_target.get("rewrite_s", math.nan) * max(worker_bound, orchestrator_bound)
    landlord_part = max(worker_bound, orchestrator_bound)
    total = fixed + landlord_part + group_at
    page = {key: at(functools.partial(_page_figure, key))[0] for key in ("bytes", "open_s", "print_s", "pages", "pdf_bytes")}
    outputs_at, _ = at(lambda r: float(r.outputs_bytes))
    figures = {
        "target": target, "machines": machines, "cores_per_machine": cores, "workers": workers,
        "per_landlord_worker_s": round(per_landlord, 3), "waves": waves, "worker_bound_s": round(worker_bound, 1),
        "orchestrator_cpu_per_landlord_s": round(cpu_slope, 5), "orchestrator_bound_s": round(orchestrator_bound, 1),
        "overhead_fixed_s": round(fixed, 2), "overhead_per_landlord_s": round(overhead_slope, 5),
        "run_json_rewrites_s": round(rewrites, 1), "landlord_part_s": round(landlord_part, 1),
        "group_summary_s": round(group_at, 1), "total_s": round(total, 1),
        "orchestrator_peak_mb": round(memory_at, 1), "memory_per_landlord_kb": round(memory_slope * 1024, 2),
        "run_json_mb": round(record_at_target.get("bytes", 0) / MB, 2),
        "run_json_load_s": round(record_at_target.get("load_s", math.nan), 4),
        "run_json_rewrite_s": round(record_at_target.get("rewrite_s", math.nan), 4),
        "index_mb": round(page["bytes"] / MB, 2), "open_s": round(page["open_s"], 1),
        "print_s": round(page["print_s"], 1), "pdf_pages": round(page["pages"]) if not math.isnan(page["pages"]) else None,
        "pdf_mb": round(page["pdf_bytes"] / MB, 1), "outputs_gb": round(outputs_at / 1024**3, 2),
    }
    counts = ", ".join(str(r.landlords) for r in memory)
    assumptions = [
        f"{machines} machines like this one, {cores} cores each: {workers} Dask workers, one per core, one thread "
        "each, the batch started with --scheduler naming the cluster's scheduler",
        f"a landlord takes {per_landlord:.2f}s in its worker, as measured at {per_landlord_workers} worker(s) on this "
        f"machine (every core busy), whatever the cluster's size; landlords go in waves of one per worker ({waves})",
        "inputs, outputs and the notebooks are at the same paths on every machine, on a shared filesystem as fast as "
        "this local disk (each worker writes its landlord's set straight into outputs/<period>/)",
        f"the orchestrator's CPU time and memory, the overhead, the group summary's time, the page's size, opening "
        f"and printing times and the outputs' size grow linearly with landlords (least squares over {counts}; a "
        "falling line is taken as flat); here the orchestrating process also hosts its LocalCluster's scheduler "
        "and nannies, so its memory and CPU are upper bounds for one that connects to a cluster's scheduler",
        "the orchestrator's work is serial (one process) but runs beside the workers': the landlords' part takes "
        "the longer of the workers' time and the orchestrator's CPU time",
        f"run.json holds all {target} entries from the start (each is marked running first) and is rewritten at most "
        "once a second while landlords finish (RunRecorder), in the orchestrator: their time, one rewrite of a run.json "
        f"of {target} entries (the largest count's repeated) a second, is part of the orchestrator's CPU time measured",
        "the group summary runs on one worker after every landlord, as now; the fixed overhead (process and cluster "
        "start) is the local one",
    ]
    limits = [f"{label}: {seconds:.0f}s" for label, seconds in sorted([
        ("the workers (waves x a landlord's time)", worker_bound),
        ("the orchestrating process's CPU (serial)", orchestrator_bound),
        ("run.json rewritten once a second (in the orchestrator, part of its CPU time)", rewrites),
        ("the group summary (one notebook on one worker, after the landlords)", group_at),
    ], key=lambda b: -b[1] if not math.isnan(b[1]) else 0)]
    return figures, assumptions, limits


# --- the run ----------------------------------------------------------------------------------------------

def _ints(text: str) -> list[int]:
    try:
        values = sorted({int(v) for v in text.split(",") if v.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected whole numbers separated by commas, found {text!r}") from None
    if not values or values[0] < 1:
        raise argparse.ArgumentTypeError(f"expected whole numbers of at least 1, found {text!r}")
    return values


def default_workers_list() -> list[int]:
    cores = os.cpu_count() or 1
    values = {1, cores}
    w = 2
    while w < cores:
        values.add(w)
        w *= 2
    return sorted(values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--counts", type=_ints, default=[50, 200, 500], help="landlord counts (default 50,200,500)")
    parser.add_argument("--throughput-count", type=int, default=50, help="landlords of the throughput runs")
    parser.add_argument("--workers-list", type=_ints, default=None,
                        help="worker counts of the throughput runs (default 1, 2, 4, ... up to the cores)")
    parser.add_argument("--report", choices=("self-assessment", "annual"), default="self-assessment")
    parser.add_argument("--target", type=int, default=2000, help="landlords of the estimate (default 2000)")
    parser.add_argument("--machines", type=int, default=20, help="machines of the estimate (default 20)")
    parser.add_argument("--cores-per-machine", type=int, default=None, help="default: this machine's cores")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument("--keep", type=Path, help="keep inputs and outputs in this (new) folder")
    args = parser.parse_args(argv)
    if len(args.counts) < 2:
        parser.error("--counts needs at least two counts (memory growth is compared between them)")
    if not 1 <= args.throughput_count <= max(args.counts):
        parser.error("--throughput-count must be between 1 and the largest count")
    cores = os.cpu_count() or 1
    workers_list = args.workers_list or default_workers_list()
    counts = args.counts
    largest = max(counts)

    base = args.keep or Path(tempfile.mkdtemp(prefix="chc-scale-"))
    if args.keep:
        base.mkdir(parents=True)
    logs = base / "logs"
    logs.mkdir()
    began = time.perf_counter()
    try:
        generated = time.perf_counter()
        inputs = prepare_inputs(base, [*counts, args.throughput_count])
        print(f"inputs: {largest} landlords generated, {len(inputs) - 1} subset(s) copied, in "
              f"{time.perf_counter() - generated:.1f}s ({base}); {cores} cores; report {args.report}; "
              f"load average {os.getloadavg()[0]:.2f}")

        def one(count: int, workers: int | None, label: str, measure: bool = False) -> Run:
            outputs = base / f"out-{label}"
            run = run_batch(inputs[count], outputs, workers, args.report, logs / f"{label}.log")
            if measure:  # run.json and the group summary page at this count
                run.record = record_figures(outputs / PERIOD / "run.json", base / f"work-{label}")
                run.page = page_figures(inputs[count], outputs / PERIOD / "index.html", base / f"work-{label}")
                run.outputs_bytes = folder_bytes(outputs / PERIOD)
                shutil.copyfile(outputs / PERIOD / "run.json", base / f"run-{label}.json")
            if not args.keep:
                shutil.rmtree(outputs, ignore_errors=True)
            return run

        warm = one(min(WARM_UP, largest), None, "warm-up")
        print(f"warm-up ({warm.landlords} landlords, not measured): {warm.wall:.1f}s")

        print(f"\nthroughput at {args.throughput_count} landlords (chc-audit run --all --executor dask --workers W):")
        print(f"  {'workers':>7}  {'wall s':>7}  {'/min':>6}  {'x 1 worker':>10}  {'landlords part /min':>19}  "
              f"{'s per landlord in worker':>24}  ok")
        throughput: list[Run] = []
        for w in workers_list:
            run = one(args.throughput_count, w, f"throughput-{w}")
            throughput.append(run)
            print(f"  {w:>7}  {run.wall:7.1f}  {run.per_minute:6.1f}  {run.per_minute / throughput[0].per_minute:9.2f}x  "
                  f"{run.landlord_per_minute:19.1f}  {run.mean_worker_seconds:24.2f}  {run.ok}/{run.landlords}"
                  f"{'' if run.group_ok else ' (group summary failed)'}")

        print("\norchestrating process (chc-audit run --all --executor dask, default workers; its own memory and CPU, "
              "not its workers'), and what the run leaves:")
        print(f"  {'landlords':>9}  {'workers':>7}  {'wall s':>7}  {'/min':>6}  {'peak MB':>7}  {'end MB':>6}  "
              f"{'CPU s':>6}  {'overhead s':>10}  {'group s':>7}  {'children':>8}  ok")
        memory: list[Run] = []
        for count in counts:
            run = one(count, None, f"memory-{count}", measure=True)
            memory.append(run)
            w = run.watch
            print(f"  {count:>9}  {run.workers:>7}  {run.wall:7.1f}  {run.per_minute:6.1f}  {w.peak_mb:7.1f}  "
                  f"{w.end_mb:6.1f}  {w.cpu_seconds:6.1f}  {run.overhead:10.1f}  {run.group_seconds:7.1f}  "
                  f"{w.children:>8}  {run.ok}/{run.landlords}{'' if run.group_ok else ' (group summary failed)'}")
        ratio = memory[-1].watch.peak_mb / memory[0].watch.peak_mb
        print(f"  peak at {largest} / peak at {counts[0]}: {ratio:.3f} (flat: at most {FLAT_RATIO})")

        print(f"\n  {'landlords':>9}  {'run.json KiB':>12}  {'load ms':>7}  {'rewrite ms':>10}  {'index KiB':>9}  "
              f"{'named':>9}  {'open s':>6}  {'print s':>7}  {'pages':>5}  {'PDF KiB':>7}  {'outputs MiB':>11}")
        for run in memory:
            rec, page = run.record, run.page
            named = f"{page.get('named', 0)}/{page.get('subsidiaries', 0)}"
            print(f"  {run.landlords:>9}  {rec['bytes'] / 1024:12.1f}  {rec.get('load_s', math.nan) * 1000:7.2f}  "
                  f"{rec.get('rewrite_s', math.nan) * 1000:10.2f}  {page.get('bytes', 0) / 1024:9.0f}  {named:>9}  "
                  f"{page.get('open_s', math.nan):6.2f}  {page.get('print_s', math.nan):7.2f}  {page.get('pages', 0):>5}  "
                  f"{page.get('pdf_bytes', 0) / 1024:7.0f}  {run.outputs_bytes / MB:11.1f}")
        biggest = memory[-1]
        page = biggest.page
        for problem in ("open_error", "print_error"):
            if problem in page:
                print(f"  at {largest}: {problem.replace('_', ' ')}: {page[problem]}")
        if not page.get("exists"):
            print(f"  at {largest}: no index.html")
        elif page.get("printed"):
            print(f"  at {largest}: chromium started in {page['chromium_start_s']:.2f}s, the page ({page['rows']} table "
                  f"rows) opened in {page['open_s']:.2f}s; the printer started in {page['printer_start_s']:.2f}s and "
                  f"printed {page['pages']} pages (page tree /Count {page['page_tree_count']}) in {page['print_s']:.2f}s, "
                  f"{page['refused']} request(s) refused")
        at_target = record_figures(synthetic_record(base / f"run-memory-{largest}.json", args.target,
                                                    base / "synthetic" / "run.json"), base / "synthetic-rewrite")
        print(f"  run.json of {args.target} landlords (the {largest} entries repeated): {at_target['bytes'] / MB:.2f} MiB, "
              f"read and parsed in {at_target['load_s'] * 1000:.1f} ms, one rewrite {at_target['rewrite_s'] * 1000:.1f} ms")

        steps = list(itertools.pairwise(throughput))
        grows = all(b.per_minute >= GROWTH_RATIO * a.per_minute for a, b in steps)
        usable = (biggest.ok == biggest.landlords and biggest.group_ok and biggest.record.get("ok", False)
                  and page.get("opened", False) and page.get("printed", False)
                  and page.get("named") == page.get("subsidiaries"))
        verdicts = [
            ("throughput grows with workers up to the cores", grows,
             ", ".join(f"{r.workers}: {r.per_minute:.1f}/min" for r in throughput)
             + f" (each at least {GROWTH_RATIO}x the previous)"),
            ("the orchestrator's memory stays flat", ratio <= FLAT_RATIO,
             f"peak {memory[0].watch.peak_mb:.1f} MB at {counts[0]}, {biggest.watch.peak_mb:.1f} MB at {largest}: "
             f"{ratio:.3f}x (at most {FLAT_RATIO}x)"),
            (f"run.json and the group summary usable at {largest}", usable,
             f"{biggest.ok}/{biggest.landlords} ok, group summary {'ok' if biggest.group_ok else 'failed'}, run.json "
             f"loads {biggest.record.get('ok', False)}, page names {page.get('named', 0)}/{page.get('subsidiaries', 0)}, "
             f"opened {page.get('opened', False)}, printed {page.get('printed', False)}"),
        ]

        at_two = [r for r in throughput if r.workers <= 2]
        basis = at_two[-1] if at_two else throughput[0]
        machine_cores = args.cores_per_machine or cores
        figures, assumptions, limits = estimate(args.target, args.machines, machine_cores, basis.mean_worker_seconds,
                                                basis.workers, memory, at_target)
        f = figures
        print(f"\nestimate: {args.target} landlords on {args.machines} machines ({f['workers']} workers)")
        print(f"  landlords' part, the longest of: the workers, {f['waves']} waves x {f['per_landlord_worker_s']:.2f}s = "
              f"{f['worker_bound_s']:.0f}s; the orchestrator's CPU, {f['orchestrator_cpu_per_landlord_s'] * 1000:.1f} ms "
              f"per landlord x {args.target} = {f['orchestrator_bound_s']:.0f}s (of which run.json rewritten once a "
              f"second, {f['run_json_rewrite_s'] * 1000:.1f} ms each: {f['run_json_rewrites_s']:.0f}s): "
              f"{f['landlord_part_s']:.0f}s")
        print(f"  + fixed overhead {f['overhead_fixed_s']:.1f}s (process and cluster start; the overhead grew by "
              f"{f['overhead_per_landlord_s'] * 1000:.1f} ms per landlord at {memory[-1].workers} local workers)")
        print(f"  + group summary {f['group_summary_s']:.0f}s (one notebook on one worker)")
        print(f"  = about {f['total_s']:.0f}s ({f['total_s'] / 60:.1f} min), {args.target / f['total_s'] * 60:.0f} "
              "landlords per minute")
        print(f"  orchestrator peak memory about {f['orchestrator_peak_mb']:.0f} MB "
              f"({f['memory_per_landlord_kb']:.1f} KiB per landlord)")
        print(f"  run.json {f['run_json_mb']:.2f} MiB, read and parsed in {f['run_json_load_s'] * 1000:.0f} ms")
        print(f"  index.html about {f['index_mb']:.1f} MiB, opened in about {f['open_s']}s, printed in about "
              f"{f['print_s']}s to about {f['pdf_pages']} pages ({f['pdf_mb']} MiB); outputs about {f['outputs_gb']:.1f} GiB")
        print("  assumptions:")
        for line in assumptions:
            print(f"    - {line}")
        print("  what limits it, longest first:")
        for line in limits:
            print(f"    - {line}")

        print()
        for label, passed, figure in verdicts:
            print(f"{'PASS' if passed else 'FAIL'}  {label}: {figure}")
        print(f"(the whole benchmark took {time.perf_counter() - began:.0f}s)")
        if args.json:
            args.json.write_text(json.dumps({
                "cores": cores, "report": args.report, "counts": counts, "warm_up": warm.as_dict(),
                "throughput": [r.as_dict() for r in throughput], "memory": [r.as_dict() for r in memory],
                "memory_ratio": round(ratio, 4), "run_json_at_target": at_target, "estimate": figures, "assumptions": assumptions,
                "limits": limits, "verdicts": [{"target": t, "passed": p, "figure": x} for t, p, x in verdicts],
                "seconds": round(time.perf_counter() - began, 1),
            }, indent=2) + "\n", encoding="utf-8")
        return 0 if all(p for _, p, _ in verdicts) else 1
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
