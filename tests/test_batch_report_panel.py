"""The workbook's "Produce report" button runs the batch for its landlord keeping what the landlord's
current set holds: the annual report (``--report annual``) and the PDFs (``--pdf``), so pressing it
never removes them (the set is replaced whole). No notebook is executed here: the sets are made by
hand, as a batch leaves them, and the run is a stand-in that records the command.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from audit_lib.batch.outputs import write_manifest
from audit_lib.cli import build_parser
from audit_lib.core.periods import Period
from audit_lib.workbook.report_panel import ReportPanel

from .conftest import write

PERIOD = Period.parse("2024-25")
LANDLORD = "riverbend-homes"
AS_OF = dt.date(2025, 6, 30)


def _set(outputs: Path, files: tuple[str, ...], status: str = "ok") -> None:
    """A landlord's set of ``files`` with its manifest, as a batch run leaves it."""
    folder = outputs / PERIOD.id / LANDLORD
    for name in files:
        write(folder / name, name)
    write_manifest(folder, LANDLORD, "20250630T120000Z-abcdef12", status, None if status == "ok" else "cell 4")


def _panel(tmp_path: Path) -> ReportPanel:
    return ReportPanel(LANDLORD, PERIOD, tmp_path / "inputs", tmp_path / "outputs", AS_OF)


def _said(panel: ReportPanel) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", panel.hint.value).split())


@pytest.mark.parametrize(("files", "report", "pdf", "said"), [
    ((), "self-assessment", False, "Produces the self-assessment from"),
    (("self_assessment.html",), "self-assessment", False, "Produces the self-assessment from"),
    (("self_assessment.html", "self_assessment.pdf"), "self-assessment", True,
     "Produces the self-assessment and its PDF from"),
    (("self_assessment.html", "annual_report.ipynb", "annual_report.html"), "annual", False,
     "Produces the self-assessment and the annual report from"),
    (("self_assessment.html", "annual_report.html", "self_assessment.pdf", "annual_report.pdf"), "annual", True,
     "Produces the self-assessment, the annual report and their PDFs from"),
])
def test_the_command_keeps_what_the_current_set_holds(tmp_path, files, report, pdf, said):
    if files:
        _set(tmp_path / "outputs", files)
    panel = _panel(tmp_path)
    args = build_parser().parse_args(panel.command()[3:])
    assert (args.landlords, args.report, args.pdf) == ([LANDLORD], report, pdf)
    assert said in _said(panel)
    assert ("--report annual" in _said(panel)) == (report == "annual") and ("--pdf" in _said(panel)) == pdf


def test_a_failed_annual_run_is_run_again_with_the_annual_report(tmp_path):
    """A run that failed in the annual report leaves its notebook in the set: the annual report is asked for again."""
    _set(tmp_path / "outputs", ("self_assessment.ipynb", "annual_report.ipynb"), status="failed")
    args = build_parser().parse_args(_panel(tmp_path).command()[3:])
    assert args.report == "annual" and not args.pdf


def test_files_the_manifest_does_not_list_do_not_count(tmp_path):
    _set(tmp_path / "outputs", ("self_assessment.html",))
    write(tmp_path / "outputs" / PERIOD.id / LANDLORD / "annual_report.html", "added by hand")
    args = build_parser().parse_args(_panel(tmp_path).command()[3:])
    assert args.report == "self-assessment" and not args.pdf


def test_pressing_it_reads_the_set_as_it_is_then_and_says_so(tmp_path):
    """The set may change after the page opened (``make demo``): the button asks for what it holds when pressed."""
    panel = _panel(tmp_path)
    assert "--report" not in " ".join(panel.command())
    _set(tmp_path / "outputs", ("self_assessment.html", "annual_report.html", "annual_report.pdf"))
    commands: list[list[str]] = []
    progress: list[str] = []

    def run(command: list[str]) -> tuple[int, str]:
        commands.append(command)
        progress.append(panel.shown)
        return 0, f"{LANDLORD}  ok  1.0s  report"

    panel.run = run
    panel.button.click()
    panel.wait()
    args = build_parser().parse_args(commands[0][3:])
    assert args.report == "annual" and args.pdf
    assert "the self-assessment, the annual report and their PDFs" in progress[0]  # said as it starts
    assert "and their PDFs" in _said(panel)
    links = re.findall(r'href="([^"]+)"', panel.shown)
    assert [Path(link).name for link in links] == ["self_assessment.html", "annual_report.html", "annual_report.pdf"]


def test_a_set_whose_run_failed_before_writing_the_annual_report_or_pdfs_still_leads_to_them(tmp_path):
    # The self-assessment failed (so no annual notebook was started), or a PDF failed to print (so
    # every PDF was discarded): the set lists none of them, but its manifest says what was asked.
    folder = tmp_path / "outputs" / PERIOD.id / LANDLORD
    write(folder / "self_assessment.ipynb", "{}")
    write_manifest(folder, LANDLORD, "20250630T120000Z-abcdef12", "failed", "cell 4",
                   {"reports": ["self_assessment.html", "annual_report.html"], "pdf": True})
    args = build_parser().parse_args(_panel(tmp_path).command()[3:])
    assert (args.report, args.pdf) == ("annual", True)
    write_manifest(folder, LANDLORD, "20250630T120000Z-abcdef12", "ok", None,
                   {"reports": ["self_assessment.html"], "pdf": False})
    args = build_parser().parse_args(_panel(tmp_path).command()[3:])
    assert (args.report, args.pdf) == ("self-assessment", False)
