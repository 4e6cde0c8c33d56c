"""The workbook's "Produce report" button: the batch's own run for this landlord, started from the page.

The button runs ``chc-audit run LANDLORD --period P --inputs I --outputs O --as-of D`` (the very
command line a scheduler would use, through :func:`audit_lib.cli.main`) in a separate process,
and waits for it on a thread, so the kernel stays free while the report is produced. The batch
executes the project's workbook from the answers as saved (every change is saved at once), in
a fresh kernel, and exports the report where every batch run puts it:
``<outputs>/<period>/<landlord>/self_assessment.html``, published as a complete set or not at
all. As that set replaces the landlord's whole set, the run keeps what the current set holds
(:func:`kept_options`, read from its manifest when the button is pressed): with an annual report
it adds ``--report annual``, with PDFs ``--pdf``; the panel says what it will produce. When it is
done the panel links the reports (JupyterLab opens a link relative to the notebook's folder as a
file), or says in one line why there are none.

JupyterLab's own *File → Save and Export Notebook As → HTML* exports the page as it is in the
browser: widgets, not the report.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import ipywidgets as w

from ..core.paths import (
    ANNUAL_NOTEBOOK_NAME,
    ANNUAL_PDF_NAME,
    ANNUAL_REPORT_NAME,
    REPORT_NAME,
    REPORT_PDF_NAME,
    landlord_output_dir,
    read_manifest,
)
from ..core.periods import Period
from . import look

Runner = Callable[[list[str]], tuple[int, str]]
MAX_MESSAGE_CHARS = 300

log = logging.getLogger(__name__)


def run_command(command: list[str]) -> tuple[int, str]:
    """Run ``command`` to the end; its exit status and what it printed (output, then errors)."""
    done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
    return done.returncode, f"{done.stdout}\n{done.stderr}"


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_MESSAGE_CHARS else flat[: MAX_MESSAGE_CHARS - 1] + "…"


def why_no_report(landlord: str, printed: str, returncode: int) -> str:
    """The reason the run gives for producing no report, in one line."""
    row = re.search(rf"^{re.escape(landlord)}\s+failed\s+[\d.]+s\s+(.+)$", printed, re.M)
    if row:
        return _one_line(row.group(1))
    error = re.search(r"^chc-audit: error: (.+)$", printed, re.M)
    if error:
        return _one_line(error.group(1))
    lines = [line for line in printed.splitlines() if line.strip()]
    return _one_line(lines[-1]) if lines else f"the run stopped with exit status {returncode}"


def kept_options(folder: Path) -> list[str]:
    """The ``chc-audit run`` options that keep what a landlord's set holds: what the run that made
    the set was asked to produce (its manifest's ``asked``: the annual report, PDFs), so a run that
    failed before writing them still leads to them; for a set written before manifests said so,
    ``--report annual`` when it lists the annual report (or its notebook) and ``--pdf`` when it lists a
    PDF. Nothing for a folder with no set."""
    manifest = read_manifest(folder)
    listed = set(manifest["files"]) if manifest is not None else set()
    asked = manifest.get("asked") if manifest is not None else None
    if isinstance(asked, dict) and isinstance(asked.get("reports"), list):
        annual = ANNUAL_REPORT_NAME in asked["reports"]
        pdf = asked.get("pdf") is True
    else:
        annual = bool(listed & {ANNUAL_REPORT_NAME, ANNUAL_NOTEBOOK_NAME, ANNUAL_PDF_NAME})
        pdf = bool(listed & {REPORT_PDF_NAME, ANNUAL_PDF_NAME})
    return [*(["--report", "annual"] if annual else []), *(["--pdf"] if pdf else [])]


def what_it_produces(options: list[str]) -> str:
    """The reports a run with these options produces, in words."""
    annual, pdf = "--report" in options, "--pdf" in options
    if annual:
        return "the self-assessment, the annual report and their PDFs" if pdf else \
            "the self-assessment and the annual report"
    return "the self-assessment and its PDF" if pdf else "the self-assessment"


class ReportPanel:
    """A "Produce report" button and what became of its last run: a link to the report, or why not."""

    def __init__(self, landlord: str, period: Period, inputs: Path, outputs: Path, as_of: dt.date,
                 run: Runner = run_command) -> None:
        self.landlord = landlord
        self.period = period
        self.inputs = Path(inputs).resolve()
        self.outputs = Path(outputs).resolve()
        self.as_of = as_of
        self.run = run
        self.folder = landlord_output_dir(self.outputs, period, landlord)
        self.report = self.folder / REPORT_NAME
        self.button = w.Button(description="Produce report", icon="file-text", button_style="success",
                               tooltip="Run the batch for this landlord and export its reports", **look.of(w.Button))
        self.button.on_click(lambda _: self.produce())
        self.output = w.Output(**look.of(w.Output))
        self.output.add_class("chc-report-status")
        self.hint = w.HTML(**look.of(w.HTML))
        self.widget = w.VBox([w.HBox([self.button, self.hint], **look.of(w.HBox)), self.output], **look.of(w.VBox))
        self.widget.add_class("chc-report")
        self._thread: threading.Thread | None = None
        self.shown = ""
        self._say(kept_options(self.folder))

    def command(self, options: list[str] | None = None) -> list[str]:
        """``chc-audit run`` for this landlord and period, with this workbook's inputs, outputs and date,
        keeping what the landlord's set holds now (``options``: :func:`kept_options`, read now if not given)."""
        kept = kept_options(self.folder) if options is None else options
        return [sys.executable, "-m", "audit_lib.cli", "run", self.landlord, "--period", self.period.id,
                "--inputs", str(self.inputs), "--outputs", str(self.outputs), "--as-of", self.as_of.isoformat(),
                *kept]

    def _say(self, options: list[str]) -> None:
        """Say beside the button what it produces (and the options that keep the set as it is)."""
        shown = " ".join(["chc-audit run", html.escape(self.landlord), *options])
        self.hint.value = (
            f'<span style="font-size:12px">Produces {what_it_produces(options)} from the answers as saved, keeping '
            f"what the landlord's outputs hold now (<code>{shown}</code>; the run replaces them whole). "
            "JupyterLab's File → Export gives the widgets, not the report.</span>")

    def _show(self, text: str) -> None:
        self.shown = text
        plain = re.sub(r"<[^>]+>", "", text)
        self.output.outputs = ({"output_type": "display_data", "data": {"text/html": text, "text/plain": plain},
                                "metadata": {}},)

    def produce(self) -> None:
        """Start the run (one at a time); the panel shows its progress and its outcome."""
        if self._thread is not None and self._thread.is_alive():
            return
        self.button.disabled = True
        started = dt.datetime.now()
        options = kept_options(self.folder)  # the set as it is now: it may have changed since the page opened
        self._say(options)
        self._show(f"<div>Producing {what_it_produces(options)} (started {started:%H:%M}): the batch runs this "
                   f"workbook for {html.escape(self.landlord)} in a fresh kernel and exports it, which takes a "
                   "minute or so. You can go on working; changes saved from now on are in the next report, "
                   "not this one.</div>")
        self._thread = threading.Thread(target=self._run, args=(started, options), daemon=True,
                                        name=f"report-{self.landlord}")
        self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the run in progress, if any, to end."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, started: dt.datetime, options: list[str]) -> None:
        try:
            returncode, printed = self.run(self.command(options))
        except OSError as exc:  # the interpreter could not be started
            returncode, printed = -1, f"the run could not be started: {exc.strerror or exc}"
        except Exception as exc:  # anything else: said in the panel (this runs in a thread of its own)
            log.exception("producing the report failed")
            returncode, printed = -1, f"the run failed ({type(exc).__name__}); the Jupyter server's log has the details"
        try:
            ok = re.search(rf"^{re.escape(self.landlord)}\s+ok\s", printed, re.M) is not None or returncode == 0
            if ok and self.report.is_file():
                self._show(self._link(started))
            else:
                self._show('<div style="color:#7f1d1d">No report was produced: '
                           f"{html.escape(why_no_report(self.landlord, printed, returncode))}</div>")
        finally:
            self.button.disabled = False

    def _href(self, path: Path) -> str:
        try:
            return Path(os.path.relpath(path, Path.cwd())).as_posix()
        except ValueError:  # another drive (Windows)
            return path.as_uri()

    def _link(self, started: dt.datetime) -> str:
        others = [(label, self.folder / name) for label, name in (
            ("its PDF", REPORT_PDF_NAME), ("the annual report", ANNUAL_REPORT_NAME),
            ("the annual report's PDF", ANNUAL_PDF_NAME)) if (self.folder / name).is_file()]
        also = "; ".join(f'<a href="{html.escape(self._href(path))}" target="_blank" rel="noopener">{label}</a>'
                         for label, path in others)
        return (f"<div>Produced at {dt.datetime.now():%H:%M} (from the answers saved at {started:%H:%M}): "
                f'<a href="{html.escape(self._href(self.report))}" target="_blank" rel="noopener">'
                f"<b>Open the report</b></a> <code>{html.escape(str(self.report))}</code>"
                + (f"; also {also}" if also else "") + "</div>")
