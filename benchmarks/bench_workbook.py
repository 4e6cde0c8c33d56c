"""Interactive workbook speed: showing one section's form, and saving one change.

    .venv/bin/python benchmarks/bench_workbook.py [--repeat 20]

Targets (issue: the interactive workbook): showing a section under 0.5 s kernel-side and
saving one change under 20 ms. Each is measured beside its naive alternative in the same run:

* section: drawing the largest section (section 6, 20 provisions) when it is opened (each
  provision a card: its answer as HTML and an Edit button), against building every
  section's full forms at once (all 72 provisions, every field a widget);
* save: the store's save (the journal in the lock file, only the changed lines of the
  auditor's file rewritten, no re-read unless another editor wrote, atomic replace, history
  append), against the naive save: re-read and re-validate the whole file, dump it all with
  the pure-Python YAML dumper and rewrite it in place.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from audit_lib.assessment.answers_file import load_assessment  # noqa: E402
from audit_lib.code.catalogue import load_catalogue  # noqa: E402
from audit_lib.workbook.facade import open_workbook  # noqa: E402

LANDLORD = "riverbend-homes"


def _median(samples: list[float]) -> float:
    return statistics.median(samples)


def bench_section(inputs: Path, repeat: int) -> tuple[float, float]:
    one, every = [], []
    for _ in range(repeat):
        wb = open_workbook(LANDLORD, "2024-25", inputs, interactive=True)
        _ = wb.figures_by_provision  # the case figures are computed once, before any section is shown
        _ = wb.live.store
        start = time.perf_counter()
        wb.section(6)
        wb.live.sections[6].build()
        one.append(time.perf_counter() - start)
        start = time.perf_counter()
        for number in range(1, 10):
            wb.section(number)
            wb.live.sections[number].open_forms()
        every.append(time.perf_counter() - start)
    return _median(one), _median(every)


def bench_save(inputs: Path, repeat: int) -> tuple[float, float]:
    wb = open_workbook(LANDLORD, "2024-25", inputs, interactive=True)
    store = wb.live.store
    code = load_catalogue()
    fast = []
    for i in range(repeat * 5):
        start = time.perf_counter()
        store.change("2024:6.2", "commentary", f"Benchmark commentary {i}")
        fast.append(time.perf_counter() - start)
    naive = []
    path = store.path
    for i in range(repeat * 5):
        start = time.perf_counter()
        assessment = load_assessment(path, code, LANDLORD, "2024-25")
        assessment.answers["2024:6.2"].commentary = f"Naive commentary {i}"
        text = yaml.safe_dump(assessment.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=100)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        naive.append(time.perf_counter() - start)
    return _median(fast), _median(naive)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    (ROOT / "outputs").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ROOT / "outputs") as tmp:  # the project's own disk, not a RAM /tmp
        inputs = Path(tmp) / "inputs"
        shutil.copytree(ROOT / "inputs", inputs)
        one, every = bench_section(inputs, args.repeat)
        save, naive = bench_save(inputs, args.repeat)
    rows = [
        ("show section 6 (20 provisions)", one, 0.5, "all 9 sections as full forms (72)", every),
        ("save one change", save, 0.020, "re-read + pure-Python dump + rewrite", naive),
    ]
    print(f"{'measure':34} {'median':>10} {'target':>8}  {'naive alternative':38} {'naive':>10} {'ratio':>6}  result")
    for name, value, target, alt, alt_value in rows:
        verdict = "PASS" if value < target else "FAIL"
        print(f"{name:34} {value * 1000:8.1f}ms {target * 1000:6.0f}ms  {alt:38} {alt_value * 1000:8.1f}ms "
              f"{alt_value / value:5.1f}x  {verdict}")


if __name__ == "__main__":
    main()
