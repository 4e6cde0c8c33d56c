"""Exporting an executed workbook notebook as a self-contained HTML report."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets.config import Config

from .paths import REPORT_TEMPLATE, TEMPLATES

#: Cells that belong to the workbook, not the report.
REMOVED_TAGS = ("injected-parameters", "parameters", "instructions")


def report_exporter(templates: Path = TEMPLATES, template: str = REPORT_TEMPLATE) -> HTMLExporter:
    """An HTML exporter for reports: code hidden, parameter cells removed. Reuse it across landlords."""
    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVED_TAGS)
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=config, extra_template_basedirs=[str(templates)], template_name=template)
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def strip_run_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop papermill's and execution's bookkeeping, which a published report does not need."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return nb


def export_html(notebook: Path, html: Path, exporter: HTMLExporter, title: str) -> Path:
    """Write ``html`` from the executed ``notebook`` with ``exporter``."""
    nb = strip_run_metadata(nbformat.read(notebook, as_version=4))
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    html.write_text(body, encoding="utf-8")
    return html
