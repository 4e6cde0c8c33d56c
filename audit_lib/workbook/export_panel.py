"""The workbook's export buttons: the Ombudsman's form in Word, a spreadsheet, a CSV and the
residents' summary, written from the page.

Each button does what ``chc-audit export LANDLORD --period P --format F`` does
(:mod:`audit_lib.form.exporter`): it reads the answers file as saved (every change on the page
is saved at once), lays it out on the form and writes the file into
``<outputs>/exports/<period>/<landlord>/``, the outputs folder the "Produce report" button uses.
Beside the buttons the panel then links the file written and says which answers it was made
from: the time they were read and the answers file's SHA-256, the same hash the file carries in
its properties. A Word, Excel or CSV file's link downloads it; the summary's opens in JupyterLab
(a link relative to the notebook's folder, shown as output so that JupyterLab resolves it, as
the report's is). An error that stops an export (a :class:`~audit_lib.errors.FormError`, an
answers file that cannot be read, a folder that cannot be written) is said beside the buttons
in one line, never only in the kernel's log.

An export takes a second or two, so it runs in the button's own callback; the buttons are
disabled meanwhile, so a second click cannot start a second export.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import re
from pathlib import Path

import ipywidgets as w

from ..config.landlords import Landlord
from ..core.periods import Period
from ..errors import AuditError
from ..form.exporter import FORMATS, exports_folder, landlord_form, write_form
from . import look

log = logging.getLogger(__name__)

#: The buttons, in the order shown: the label, then the format (a key of :data:`FORMATS`).
BUTTONS: tuple[tuple[str, str], ...] = (
    ("Word form", "docx"),
    ("Spreadsheet", "xlsx"),
    ("CSV", "csv"),
    ("Summary for residents", "summary"),
)
#: Formats whose link downloads the file; the others (the summary, a web page) open in JupyterLab.
DOWNLOADED = frozenset({"docx", "xlsx", "csv"})
ERROR_STYLE = "color:#7f1d1d"
#: Characters of the answers' SHA-256 shown beside the link.
SHOWN_HASH = 8


def why_not_exported(exc: BaseException) -> str:
    """What stopped an export, in one line: a user-fixable error's own message, a file system
    error's reason and the path it concerns, else what happened without its details."""
    if isinstance(exc, AuditError):
        return exc.message + (f" ({exc.path})" if exc.path is not None else "")
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return (f"the file could not be written: {exc.strerror or type(exc).__name__}{where}. Check that the "
                "outputs folder exists and can be written, then try again.")
    return (f"an unexpected error ({type(exc).__name__}) stopped the export; try again, and if it happens again "
            "tell whoever supports the workbook (the details are in the Jupyter server's log)")


def _href(path: Path) -> str:
    """A link to ``path`` as JupyterLab opens it: relative to the notebook's folder (the kernel's)."""
    try:
        return Path(os.path.relpath(path, Path.cwd())).as_posix()
    except ValueError:  # another drive (Windows)
        return path.as_uri()


class ExportPanel:
    """An "Export" row of buttons, one per format, and what became of the last export: a link to
    the file written and the answers it was made from, or why there is none."""

    def __init__(self, landlord: Landlord, period: Period, outputs: Path) -> None:
        self.landlord = landlord
        self.period = period
        self.outputs = Path(outputs).resolve()
        self.folder = exports_folder(self.outputs, period, landlord.id)
        self.buttons: dict[str, w.Button] = {}
        for label, fmt in BUTTONS:
            button = w.Button(description=label, icon="download", **look.of(w.Button, width="auto"),
                              tooltip=f"Write {FORMATS[fmt].label} from the answers as saved")
            button.on_click(lambda _, fmt=fmt: self.export(fmt))
            self.buttons[fmt] = button
        self.status = w.Output(**look.of(w.Output))  # rendered by JupyterLab, which resolves the link to the file
        self.status.add_class("chc-export-status")
        label = w.HTML("<b>Export</b>", **look.of(w.HTML, width="60px"))
        hint = w.HTML('<span style="font-size:12px">from the answers as saved, into '
                      f"<code>{html.escape(str(self.folder))}</code></span>", **look.of(w.HTML))
        self.widget = w.VBox([w.HBox([label, *self.buttons.values()], **look.of(w.HBox)), hint, self.status],
                             **look.of(w.VBox))
        self.widget.add_class("chc-export")
        self.shown = ""
        self.written: Path | None = None
        self._busy = False

    def _show(self, text: str) -> None:
        self.shown = text
        self.status.outputs = ({"output_type": "display_data",
                                "data": {"text/html": text, "text/plain": self.shown_text}, "metadata": {}},)

    def _disable(self, disabled: bool) -> None:
        for button in self.buttons.values():
            button.disabled = disabled

    def export(self, fmt: str) -> Path | None:
        """Write ``fmt`` from the answers as saved and show its link; any error is shown beside the
        buttons. Returns the file written (``None`` when there is none)."""
        if self._busy:
            return None
        self._busy = True
        self._disable(True)
        self.written = None
        self._show(f"<div>Writing {html.escape(FORMATS[fmt].label)}…</div>")
        try:
            read = dt.datetime.now()
            form = landlord_form(self.landlord, self.period)
            written = write_form(form, fmt, self.folder / FORMATS[fmt].filename)
        except Exception as exc:  # every error must reach the auditor, whatever it is
            if not isinstance(exc, (AuditError, OSError)):
                log.exception("exporting %s failed", fmt)
            self._show(f'<div class="chc-error" style="{ERROR_STYLE}">Not exported: '
                       f"{html.escape(why_not_exported(exc))}</div>")
            return None
        finally:
            self._busy = False
            self._disable(False)
        self.written = written
        self._show(self._link(fmt, written, read, form.answers_sha256))
        return written

    def _link(self, fmt: str, written: Path, read: dt.datetime, sha256: str | None) -> str:
        download = f' download="{html.escape(written.name)}"' if fmt in DOWNLOADED else ' target="_blank" rel="noopener"'
        made = (f"made from the answers as saved at {read:%H:%M:%S} (SHA-256 {html.escape(sha256[:SHOWN_HASH])}…)"
                if sha256 else f"a blank form: no answers are saved for {html.escape(self.period.id)} yet")
        return (f'<div>Exported: <a href="{html.escape(_href(written))}"{download}><b>{html.escape(written.name)}</b>'
                f"</a>, {made}. <code>{html.escape(str(written))}</code></div>")

    @property
    def shown_text(self) -> str:
        """What the panel says, without its markup."""
        return " ".join(html.unescape(re.sub(r"<[^>]+>", "", self.shown)).split())


__all__ = ["BUTTONS", "ExportPanel", "why_not_exported"]
