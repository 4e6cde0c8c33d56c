"""Exporting an executed notebook as a self-contained HTML report.

One :func:`report_exporter` per worker process (or thread) is built once and reused for every
landlord: building an exporter loads the template tree, which costs more than an export.
The report template (``templates/report/``) extends nbconvert's ``lab`` template and
overrides named blocks only; this module gives it what it prints besides the outputs: the
table of contents (from the section headings in the outputs; the template puts it where the
workbook has a markdown cell tagged ``contents``) and the provenance footer. The template's own
styles are the static file ``templates/report/report.css``, which it inlines.
"""

from __future__ import annotations

import copy
import html
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat

from ..core.io import atomic_write_text
from .provenance import METADATA_KEY

if TYPE_CHECKING:
    from nbconvert import HTMLExporter

#: Cells that belong to the workbook, not the report.
REMOVED_TAGS = ("injected-parameters", "parameters", "instructions", "run-record")
#: Metadata key of what the report template prints besides the outputs.
REPORT_KEY = "chc_report"

_HEADING = re.compile(r'<h2 id="([A-Za-z0-9._-]+)"[^>]*>(.*?)</h2>', re.S)
_TAG = re.compile(r"<[^>]+>")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_local = threading.local()
#: nbconvert template directories shipped in the package (``report/`` extends ``lab``).
TEMPLATES = Path(__file__).resolve().parent / "templates"
REPORT_TEMPLATE = "report"


def strip_css_comments(css: str) -> str:
    """CSS without its comments (the lab theme's comments hold web addresses a report must not)."""
    return _CSS_COMMENT.sub("", str(css))


def report_exporter(templates: Path = TEMPLATES, template: str = REPORT_TEMPLATE) -> HTMLExporter:
    """A new HTML exporter for reports: code hidden, workbook-only cells removed."""
    from nbconvert import HTMLExporter  # heavy: loaded only where reports are exported
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVED_TAGS)
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=config, extra_template_basedirs=[str(templates)], template_name=template)
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_filter("strip_css_comments", strip_css_comments)
    return exporter


def cached_exporter(templates: Path = TEMPLATES, template: str = REPORT_TEMPLATE) -> HTMLExporter:
    """This thread's exporter for ``template``, built on first use and reused afterwards."""
    cache: dict[tuple[str, str], Any] = _local.__dict__.setdefault("exporters", {})
    key = (str(templates), template)
    if key not in cache:
        cache[key] = report_exporter(templates, template)
    return cache[key]


def strip_run_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop papermill's, execution's and widget bookkeeping, which a published report does not need."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return nb


def contents(nb: nbformat.NotebookNode) -> list[dict[str, str]]:
    """Section headings (``<h2 id=...>``) of the outputs, in order: the report's table of contents."""
    entries = []
    for cell in nb.cells:
        if set(cell.metadata.get("tags", [])) & set(REMOVED_TAGS):
            continue
        for output in cell.get("outputs", []):
            markup = (output.get("data") or {}).get("text/html")
            if not markup:
                continue
            markup = "".join(markup) if isinstance(markup, list) else markup
            for anchor, inner in _HEADING.findall(markup):
                title = " ".join(html.unescape(_TAG.sub("", inner)).split())
                entries.append({"id": anchor, "title": title})
    return entries


def footer_lines(provenance: dict[str, Any]) -> list[list[str]]:
    """The provenance as (label, text) lines for the report footer."""
    params = provenance.get("parameters") or {}
    shown = ", ".join(f"{k} = {v}" for k, v in params.items() if k not in ("inputs_dir", "outputs_dir"))
    lines = [
        ["Produced by", f"{provenance.get('product')} {provenance.get('product_version')}"],
        ["Code version", str(provenance.get("code_version") or "n/a")],
        ["Parameters", shown],
    ]
    notebook = provenance.get("notebook")
    if notebook:
        lines.append(["Notebook", f"{notebook['file']} (SHA-256 {notebook['sha256']})"])
    for label, entry in (provenance.get("inputs") or {}).items():
        digest = entry.get("sha256")
        lines.append([label.replace("_", " ").capitalize(),
                      f"{entry['file']} ({'SHA-256 ' + digest if digest else 'not present'})"])
    lines.append(["Figures as at", str(provenance.get("as_of"))])
    return lines


def prepare_report(nb: nbformat.NotebookNode, title: str) -> nbformat.NotebookNode:
    """A copy of an executed notebook ready to export: bookkeeping dropped, contents and footer added."""
    report = strip_run_metadata(copy.deepcopy(nb))
    report.metadata["title"] = title
    provenance = report.metadata.get(METADATA_KEY, {}).get("provenance")
    report.metadata[REPORT_KEY] = {
        "contents": contents(report),
        "footer": footer_lines(provenance) if provenance else [],
    }
    return report


def export_html(nb: nbformat.NotebookNode, html_path: Path, exporter: HTMLExporter, title: str) -> Path:
    """Write the report ``html_path`` (atomically) from an executed notebook with a (reused) ``exporter``."""
    report = prepare_report(nb, title)
    body, _ = exporter.from_notebook_node(report, resources={"metadata": {"name": title}})
    return atomic_write_text(html_path, body)
