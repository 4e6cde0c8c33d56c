"""Export a landlord's answers for a period as the Ombudsman's form, a spreadsheet, a CSV or the
residents' summary: ``chc-audit export`` and the workbook's export buttons.

Each format's writer (:mod:`.word`, :mod:`.spreadsheet`, :mod:`.summary`) lays out the same
:class:`~.filled.FilledForm` and writes its file atomically, so an export is complete or absent.
Every file carries the product version and the SHA-256 of the answers file it was made from:
Word and Excel in the document's properties, the summary in its ``<meta>`` tags, the CSV (which
has no properties) in two columns of its own. Exports hold the landlord's answers only, no case
data, so no resident's personal data.

By default files go to ``outputs/exports/<period>/<landlord>/`` (outside the batch's per-landlord
folders, which a run replaces as a whole).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from ..assessment.answers import empty_assessment
from ..assessment.answers_file import load_assessment
from ..code.catalogue import load_catalogue
from ..config.landlords import Landlord
from ..core.io import sha256_of
from ..core.periods import Period
from ..errors import FormError
from .filled import FilledForm, filled_form


@dataclass(frozen=True)
class ExportFormat:
    """A format: the writer's module and function, and the file's default name."""

    module: str
    function: str
    filename: str
    label: str


#: The formats, by the name ``--format`` takes.
FORMATS: dict[str, ExportFormat] = {
    "docx": ExportFormat("word", "write_docx", "self_assessment.docx", "the Ombudsman's form (Word)"),
    "xlsx": ExportFormat("spreadsheet", "write_xlsx", "self_assessment.xlsx", "a spreadsheet (Excel)"),
    "csv": ExportFormat("spreadsheet", "write_csv", "self_assessment.csv", "the short fields (CSV)"),
    "summary": ExportFormat("summary", "write_summary", "summary_for_residents.html",
                            "a summary for residents (web page)"),
}


def exports_folder(outputs: Path, period: Period | str, landlord_id: str) -> Path:
    """``outputs/exports/<period>/<landlord>/``: where exports go by default."""
    period_id = period.id if isinstance(period, Period) else str(period)
    return Path(outputs) / "exports" / period_id / landlord_id


def _writer(name: str) -> Callable[[FilledForm, Path], None]:
    if name not in FORMATS:
        raise FormError(f"expected a format among {', '.join(FORMATS)}; found {name!r}")
    fmt = FORMATS[name]
    writer: Callable[[FilledForm, Path], None] = getattr(import_module(f"{__package__}.{fmt.module}"), fmt.function)
    return writer


def landlord_form(landlord: Landlord, period: Period | str, *, made: dt.date | None = None) -> FilledForm:
    """``landlord``'s answers for ``period`` laid out on the form of the period's Code (a blank form
    when nothing is answered yet)."""
    period = period if isinstance(period, Period) else Period.parse(period)
    period_id = period.id
    catalogue = load_catalogue(landlord.code_for(period))
    path = landlord.answers_path(period_id)
    for _ in range(3):  # an editor's save between reading the answers and hashing them: read again
        sha256 = sha256_of(path)
        if sha256 is None:
            assessment = empty_assessment(landlord.id, period_id, catalogue.code)
        else:
            assessment = load_assessment(path, catalogue, landlord.id, period_id)
        if sha256_of(path) == sha256:
            return filled_form(catalogue, assessment, landlord_name=landlord.name, answers_sha256=sha256, made=made)
    raise FormError("expected the answers file to stay as it is while it was read; found it saved again each time "
                    "(someone is editing): export again in a moment", path=path)


def write_form(form: FilledForm, fmt: str, output: Path) -> Path:
    """Write ``form`` as ``fmt`` to ``output``: a file, or a folder to hold the format's default
    name (a folder that exists, or a name without an extension, made if need be); a symbolic link
    as the file is refused. Returns the file written."""
    writer = _writer(fmt)
    output = Path(output)
    if (output.is_dir() and not output.is_symlink()) or (not output.exists() and not output.suffix):
        output = output / FORMATS[fmt].filename
    if os.path.islink(output):
        raise FormError("expected a file to write the export to, found a symbolic link; name another file",
                        path=output)
    expected = Path(FORMATS[fmt].filename).suffix
    if output.suffix.lower() != expected:
        raise FormError(f"expected a {expected} file for --format {fmt}; found the name {output.name}: name the file "
                        f"…{expected}, or give a folder", path=output)
    output.parent.mkdir(parents=True, exist_ok=True)
    writer(form, output)
    return output


def export_form(landlord: Landlord, period: Period | str, fmt: str, *, output: Path | None = None,
                outputs: Path = Path("outputs"), made: dt.date | None = None) -> Path:
    """Export ``landlord``'s answers for ``period`` as ``fmt`` (see :data:`FORMATS`) to ``output``,
    by default into :func:`exports_folder`. Returns the file written."""
    _writer(fmt)  # an unknown format is refused before anything is read
    form = landlord_form(landlord, period, made=made)
    target = output if output is not None else exports_folder(outputs, form.period, landlord.id) / FORMATS[fmt].filename
    return write_form(form, fmt, target)


__all__ = ["FORMATS", "ExportFormat", "export_form", "exports_folder", "landlord_form", "write_form"]
