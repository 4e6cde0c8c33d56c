"""Printing reports as PDF: Debian's headless chromium prints the HTML reports, driven by Playwright.

A :class:`PdfPrinter` starts one chromium (``/usr/bin/chromium``, or the program named by the
``CHC_AUDIT_CHROMIUM`` environment variable; nothing is ever downloaded) and prints any number
of reports with it, each in a new page of its own, so a batch worker starts the browser once and
not once per landlord. :func:`print_pdf` prints a single file.

Each page is A4 with a running header (the report's title, landlord and period, as the caller
words it) and a footer (the caller's text on the left, "Page x of y" on the right), printed from
chromium's header and footer templates; the texts are escaped before they go into the templates.
The browser is given the report with :data:`PRINT_CSS` added as its last stylesheet (the file
itself is not changed): the page size and the margins that make room for the header and footer
(it overrides the report's own ``@page`` rule), table rows that are never split across pages,
table headings repeated on every page and headings kept with what follows. That tables fit the
page's width (nothing clipped, long words wrapped in their cells, wide tables in smaller type) is
the report's own print stylesheet's work (``templates/report/report.css``), so a report printed
from a browser fits too. Charts are inline SVG, so they stay vector graphics in the PDF.

Nothing is fetched: the page is opened from its file, JavaScript is off (reports have no
scripts), and every request for
anything other than a file in the report's own folder (or a ``data:`` address) is refused; the
refused addresses are returned with the result. The PDF is written atomically
(:func:`~audit_lib.core.io.atomic_write_bytes`).

Playwright's synchronous API belongs to the thread that started it and cannot run in a thread
with a running event loop (a Jupyter kernel's), so the printer keeps the browser in a thread of
its own and its methods may be called from any thread; calls are taken one at a time.
"""

from __future__ import annotations

import contextlib
import html
import os
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from ..core.io import atomic_write_bytes
from ..errors import RunError, UsageError

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright, Route

#: The environment variable that names another chromium executable than Debian's.
CHROMIUM_ENV = "CHC_AUDIT_CHROMIUM"
#: Debian's chromium (``apt-get install chromium``).
DEFAULT_CHROMIUM = Path("/usr/bin/chromium")
#: Chromium's flags: no GPU, no background traffic (updates, sync, first-run pages).
BROWSER_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage")
#: Page margins: room for the header (top) and the footer (bottom).
MARGIN_TOP, MARGIN_SIDE, MARGIN_BOTTOM = "22mm", "14mm", "20mm"
#: The stylesheet added to every page before it is printed. ``@page`` here overrides the report's
#: own margins (chromium takes the page's ``@page`` margins over the ones it is given).
PRINT_CSS = f"""
@page {{ size: A4; margin: {MARGIN_TOP} {MARGIN_SIDE} {MARGIN_BOTTOM} {MARGIN_SIDE}; }}
@media print {{
  html {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  thead {{ display: table-header-group; }}
  tfoot {{ display: table-footer-group; }}
  tr, figure, svg, img {{ break-inside: avoid; }}
  h1, h2, h3, h4 {{ break-after: avoid; }}
}}
"""
_BOX = (f"box-sizing: border-box; width: 100%; padding: 0 {MARGIN_SIDE}; display: flex; "
        "justify-content: space-between; gap: 6mm; font-family: system-ui, 'DejaVu Sans', sans-serif; "
        "font-size: 8pt; line-height: 1.3; color: #4b5563; -webkit-print-color-adjust: exact;")
_CLIP = "overflow: hidden; white-space: nowrap; text-overflow: ellipsis; min-width: 0;"
#: Addresses a page may load besides files in its folder (inline images and fonts).
_ALWAYS_ALLOWED = ("data:", "about:blank")


def header_template(text: str) -> str:
    """Chromium's header template: ``text`` (escaped), on one line, cut short with an ellipsis if too long."""
    return f'<div style="{_BOX}"><span style="{_CLIP}">{html.escape(text)}</span></div>'


def footer_template(left: str) -> str:
    """Chromium's footer template: ``left`` (escaped) and "Page x of y" on the right."""
    return (f'<div style="{_BOX}"><span style="{_CLIP}">{html.escape(left)}</span>'
            '<span style="white-space: nowrap;">Page <span class="pageNumber"></span> of '
            '<span class="totalPages"></span></span></div>')


def find_chromium(path: Path | str | None = None) -> Path:
    """The chromium to print with: ``path`` if given, else ``$CHC_AUDIT_CHROMIUM``, else Debian's.

    Raises :class:`~audit_lib.errors.RunError` when it is not an executable file.
    """
    source = "given"
    if path is None and os.environ.get(CHROMIUM_ENV):
        path, source = os.environ[CHROMIUM_ENV], f"named by {CHROMIUM_ENV}"
    if path is None:
        if DEFAULT_CHROMIUM.is_file() and os.access(DEFAULT_CHROMIUM, os.X_OK):
            return DEFAULT_CHROMIUM
        raise RunError(f"expected Debian's chromium at {DEFAULT_CHROMIUM} to print PDFs, found none; install it "
                       f"with `apt-get install chromium` (nothing is downloaded), or set {CHROMIUM_ENV} to the "
                       "path of a chromium executable")
    chromium = Path(path)
    if not chromium.is_file():
        raise RunError(f"expected the chromium {source} to print PDFs at {chromium}, found no such file; install "
                       f"Debian's with `apt-get install chromium` (it goes to {DEFAULT_CHROMIUM}) or give the path "
                       "of a chromium executable")
    if not os.access(chromium, os.X_OK):
        raise RunError(f"expected the chromium {source} at {chromium} to be an executable program, found a file "
                       "that cannot be run; give the path of a chromium executable (Debian's is "
                       f"{DEFAULT_CHROMIUM}, from `apt-get install chromium`)")
    return chromium


@dataclass(frozen=True)
class PrintedPdf:
    """A report printed: the PDF's path, the addresses the page asked for and was refused (nothing
    is fetched), and how long the printing took."""

    path: Path
    blocked: tuple[str, ...]
    seconds: float


def _file_in(url: str, folder: Path) -> bool:
    """Whether ``url`` is a ``file:`` address of a file in ``folder`` (or below it)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    local = Path(os.path.normpath(urllib.request.url2pathname(parts.path)))
    return local.is_relative_to(folder)


def with_print_css(source: Path) -> bytes:
    """The report's bytes with :data:`PRINT_CSS` added as the document's last stylesheet (before
    ``</body>``, or at the end), so it wins over the report's own rules. The file is not changed."""
    data = source.read_bytes()
    style = f"<style>{PRINT_CSS}</style>".encode()
    at = data.lower().rfind(b"</body>")
    return data + style if at < 0 else data[:at] + style + data[at:]


def _problem(exc: BaseException) -> str:
    """The first line of a browser error, for a one-line message."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class PdfPrinter:
    """One headless chromium that prints HTML reports as PDF, each in a new page.

    Use it as a context manager (or call :meth:`start` and :meth:`close`)::

        with PdfPrinter() as printer:
            printer.print(html_path, pdf_path, header="Riverbend Homes · Self-assessment 2024-25",
                          footer_left="Riverbend Homes · 2024-25")

    ``chromium`` is the browser's path (default: :func:`find_chromium`); ``timeout`` the seconds a
    page may take to open and print. If the browser dies between two reports, the next one
    starts it again (:attr:`launches` counts the starts).
    """

    def __init__(self, chromium: Path | str | None = None, *, timeout: float = 120.0) -> None:
        self.chromium = find_chromium(chromium)
        self.timeout = timeout
        self.launches = 0
        self._thread: ThreadPoolExecutor | None = None
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._closed = False
        self._lock = threading.Lock()  # start and close from several threads at once

    # --- life cycle -------------------------------------------------------------------------------
    def start(self) -> PdfPrinter:
        """Start the browser (done once; later calls do nothing)."""
        with self._lock:
            if self._closed:
                raise UsageError("this PDF printer is closed; make a new PdfPrinter to print more reports")
            if self._thread is None:
                self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chc-audit-pdf")
                try:
                    self._thread.submit(self._launch).result()
                except BaseException:
                    self._shut_down()
                    raise
        return self

    def close(self) -> None:
        """Close the browser and its thread (safe to call more than once)."""
        with self._lock:
            self._shut_down()

    def _shut_down(self) -> None:
        self._closed = True
        thread, self._thread = self._thread, None
        if thread is None:
            return
        try:
            thread.submit(self._stop).result()
        finally:
            thread.shutdown(wait=True)

    def __enter__(self) -> PdfPrinter:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # --- printing ---------------------------------------------------------------------------------
    def print(self, html_path: Path | str, pdf_path: Path | str, *, header: str, footer_left: str) -> PrintedPdf:
        """Print the HTML file ``html_path`` to ``pdf_path`` (written atomically; folders created).

        ``header`` is the running header (e.g. the report's title, landlord and period);
        ``footer_left`` the footer's text beside "Page x of y". Both are plain text.
        """
        source = Path(html_path).resolve()
        if not source.is_file():
            raise RunError(f"expected an HTML report to print, found no such file: {source}; run the report "
                           "first (chc-audit run)")
        thread = self.start()._thread
        if thread is None:  # closed by another thread meanwhile
            raise UsageError("this PDF printer is closed; make a new PdfPrinter to print more reports")
        began = time.monotonic()
        data, blocked = thread.submit(self._print, source, header, footer_left).result()
        target = atomic_write_bytes(Path(pdf_path), data)
        return PrintedPdf(target, blocked, time.monotonic() - began)

    # --- in the printer's thread ------------------------------------------------------------------
    def _launch(self) -> None:
        try:
            from playwright.sync_api import Error, sync_playwright
        except ImportError:
            raise RunError("printing PDFs needs the Python package playwright (a dependency of chc-audit); "
                           "install it with `pip install playwright` (no browser download is needed: "
                           "Debian's chromium prints)") from None
        if self._playwright is None:
            self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=str(self.chromium), args=list(BROWSER_ARGS), headless=True,
                timeout=self.timeout * 1000)
        except Error as exc:
            raise RunError(f"chromium at {self.chromium} did not start ({_problem(exc)}); check that "
                           "`chromium --headless --version` runs, or reinstall it with `apt-get install chromium`"
                           ) from None
        self.launches += 1

    def _stop(self) -> None:
        browser, self._browser = self._browser, None
        playwright, self._playwright = self._playwright, None
        try:
            if browser is not None and browser.is_connected():
                browser.close()
        finally:
            if playwright is not None:
                playwright.stop()

    def _print(self, source: Path, header: str, footer_left: str) -> tuple[bytes, tuple[str, ...]]:
        from playwright.sync_api import Error

        if self._browser is None or not self._browser.is_connected():
            self._launch()  # the browser died since the last report: start another
        assert self._browser is not None
        folder = source.parent
        blocked: list[str] = []

        document = source.as_uri()
        try:
            body = with_print_css(source)
        except OSError as exc:
            raise RunError(f"cannot read the HTML report to print ({exc.strerror or exc}); make it readable",
                           path=source) from None

        def route(route: Route) -> None:
            url = route.request.url
            if url == document:
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)
            elif url.startswith(_ALWAYS_ALLOWED) or _file_in(url, folder):
                route.continue_()
            else:
                blocked.append(url)
                route.abort("blockedbyclient")

        try:
            context = self._browser.new_context(java_script_enabled=False, service_workers="block")
        except Error as exc:
            raise RunError(f"chromium could not open a page to print ({_problem(exc)})") from None
        try:
            context.set_default_timeout(self.timeout * 1000)
            context.route("**/*", route)
            page = context.new_page()
            page.goto(document, wait_until="load")
            data = page.pdf(
                format="A4", print_background=True, display_header_footer=True,
                header_template=header_template(header), footer_template=footer_template(footer_left),
                margin={"top": MARGIN_TOP, "bottom": MARGIN_BOTTOM, "left": MARGIN_SIDE, "right": MARGIN_SIDE},
                outline=True, tagged=True)
        except Error as exc:
            raise RunError(f"chromium could not print the report to PDF ({_problem(exc)}); the report is "
                           "unchanged, and no PDF was written", path=source) from None
        finally:
            with contextlib.suppress(Error):  # the browser went away; the next report starts another
                context.close()
        if not data.startswith(b"%PDF-"):
            raise RunError("chromium printed something that is not a PDF; no PDF was written", path=source)
        return data, tuple(blocked)


def print_pdf(html_path: Path | str, pdf_path: Path | str, *, header: str, footer_left: str,
              chromium: Path | str | None = None, timeout: float = 120.0) -> PrintedPdf:
    """Print one HTML report to PDF with a browser started for it (see :class:`PdfPrinter`;
    to print several, use one printer)."""
    with PdfPrinter(chromium, timeout=timeout) as printer:
        return printer.print(html_path, pdf_path, header=header, footer_left=footer_left)
