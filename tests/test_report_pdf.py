"""Printing reports as PDF with Debian's headless chromium (audit_lib/report/pdf.py).

One printer (one chromium) serves the whole module, as one will serve a batch worker. The PDFs
are read back with poppler's ``pdftotext``, ``pdfinfo`` and ``pdfimages`` (``make test`` installs
poppler-utils): the sections in order, the header and footer on every page with "Page x of y",
table rows never split across pages, the chart still vector, nothing fetched from the network.
"""

from __future__ import annotations

import html
import http.server
import re
import shutil
import subprocess
import threading
from pathlib import Path
from typing import ClassVar

import pytest

from audit_lib.errors import RunError, UsageError
from audit_lib.report import pdf
from audit_lib.report.pdf import PdfPrinter, footer_template, header_template, print_pdf, with_print_css

LANDLORD = "St Mary's Homes"
HEADER = f"{LANDLORD} · Annual complaints report · 2024-25"
FOOTER = f"{LANDLORD} · 2024-25 · <draft> & notes"
SECTIONS = ["Section A: Performance", "Section B: Learning", "Section C: Ombudsman findings",
            "Section D: Governing body's response"]
ROWS = 200


def _poppler(tool: str, *args: str | Path) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is not installed: run `make test` (it installs poppler-utils) or apt-get install poppler-utils")
    return subprocess.run([tool, *map(str, args)], capture_output=True, text=True, check=True).stdout


def pages_of(path: Path, *, layout: bool = False) -> list[str]:
    """The PDF's text, one string per page (pdftotext ends each page with a form feed)."""
    text = _poppler("pdftotext", *(["-layout"] if layout else []), path, "-")
    return text.split("\f")[:-1]


def page_count(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", _poppler("pdfinfo", path), re.M).group(1))


CHART = """<svg xmlns="http://www.w3.org/2000/svg" width="520" height="270" viewBox="0 0 520 270" role="img">
<rect x="40" y="40" width="60" height="200" fill="#1f4e79"/><rect x="120" y="90" width="60" height="150" fill="#c0504d"/>
<line x1="30" y1="240" x2="500" y2="240" stroke="#6b7280"/>
<text x="40" y="30" font-size="14">Stage 1 responses on time by quarter</text></svg>"""


def make_report(folder: Path, extra: str = "") -> Path:
    """A small report like the product's: sections, a long table, an inline SVG chart, typed text."""
    rows = "\n".join(
        f"<tr><td>Case R{i:03d}</td><td>" + "<br>".join(f"R{i:03d} line {k}" for k in "abcdef"[:2 + i % 5])
        + "</td></tr>"
        for i in range(1, ROWS + 1))
    parts = [
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(LANDLORD)}</title>",
        "<style>@page { size: A4; margin: 14mm 12mm; } table { border-collapse: collapse; }"
        " td, th { border: 1px solid #9ca3af; padding: 3px 6px; }</style></head><body>",
        f"<h1>{html.escape(LANDLORD)}: annual complaints performance and service improvement report</h1>",
        f"<h2>{html.escape(SECTIONS[0])}</h2><p>{html.escape('Rents < costs & charges; repairs > 28 days')}</p>",
        f"<figure>{CHART}<figcaption>Figure 1</figcaption></figure>",
        f"<h2>{html.escape(SECTIONS[1])}</h2>",
        f"<table><thead><tr><th>Reference</th><th>What changed</th></tr></thead><tbody>{rows}</tbody></table>",
        f"<h2>{html.escape(SECTIONS[2])}</h2><p>None this year.</p>",
        f"<h2>{html.escape(SECTIONS[3])}</h2><p>The board noted the report.</p>",
        extra,
        "</body></html>",
    ]
    path = folder / "report.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def printer():
    if not pdf.DEFAULT_CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: run `make test` (it installs it) or apt-get install chromium")
    with PdfPrinter() as started:
        yield started


@pytest.fixture(scope="module")
def printed(printer, tmp_path_factory):
    """The small report printed once; (html, pdf, result) shared by the tests that read it."""
    folder = tmp_path_factory.mktemp("report")
    source = make_report(folder)
    before = source.read_bytes()
    result = printer.print(source, folder / "out" / "report.pdf", header=HEADER, footer_left=FOOTER)
    assert source.read_bytes() == before  # the report itself is not changed
    return source, result.path, result


def test_the_pdf_has_the_sections_in_order_and_the_typed_text(printed):
    _source, path, result = printed
    assert path.read_bytes().startswith(b"%PDF-")
    assert result.blocked == ()
    text = " ".join(" ".join(pages_of(path)).split())
    positions = [text.find(title) for title in SECTIONS]
    assert -1 not in positions, positions
    assert positions == sorted(positions)
    assert "Rents < costs & charges; repairs > 28 days" in text
    assert f"{LANDLORD}: annual complaints performance" in text
    assert b"/Outlines" in path.read_bytes()  # bookmarks from the headings
    assert re.search(r"^Tagged:\s+yes", _poppler("pdfinfo", path), re.M)  # structure for screen readers


def test_every_page_has_the_header_and_the_footer_with_page_x_of_y(printed):
    _source, path, _result = printed
    pages = pages_of(path)
    count = page_count(path)
    assert count == len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert HEADER in page, number
        assert FOOTER in page, number  # escaped into the template, printed as typed
        assert f"Page {number} of {count}" in page


def test_table_rows_never_split_across_pages_and_the_heading_repeats(printed):
    """Each row's two cells (the second two to six lines high) are on one page; the rows run in
    order; the column headings are repeated on every page of the table.

    The check reads the printed result, not the stylesheet, and a control shows that it can see a
    split: printed without the printer's ``tr { break-inside: avoid }`` (the report's own
    stylesheet here has no such rule), chromium splits rows of this table at page ends.
    """
    _source, path, _result = printed
    where = _pages_of_rows(path)
    assert len(where) == ROWS
    assert sorted(ref for ref, numbers in where.items() if len(numbers) > 1) == []
    pages = pages_of(path, layout=True)
    table_pages = sorted({n for numbers in where.values() for n in numbers})
    assert len(table_pages) > 1
    for number in table_pages:
        assert re.search(r"Reference\s+What changed", pages[number]), number  # the heading on every page
    order = [int(ref) for page in pages for ref in dict.fromkeys(re.findall(r"Case R(\d{3})", page))]
    assert order == list(range(1, ROWS + 1))


def test_the_row_check_sees_a_split_row(printer, printed, tmp_path, monkeypatch):
    """The control for the test above: without the rule that keeps rows whole, rows are split."""
    monkeypatch.setattr(pdf, "PRINT_CSS", pdf.PRINT_CSS.replace("tr, figure, svg, img { break-inside: avoid; }", ""))
    control = printer.print(printed[0], tmp_path / "control.pdf", header=HEADER, footer_left=FOOTER)
    split = [ref for ref, numbers in _pages_of_rows(control.path).items() if len(numbers) > 1]
    assert split, "chromium split no row even without break-inside: avoid; the row check needs taller rows"


def _pages_of_rows(path: Path) -> dict[str, set[int]]:
    """For each row of the long table (by its reference), the pages its text is on."""
    where: dict[str, set[int]] = {}
    for number, page in enumerate(pages_of(path, layout=True)):
        for ref in re.findall(r"R(\d{3})", page):
            where.setdefault(ref, set()).add(number)
    return where


def test_the_chart_stays_vector(printed):
    _source, path, _result = printed
    images = _poppler("pdfimages", "-list", path).splitlines()[2:]  # two heading lines, then one line an image
    assert images == []  # nothing rasterised: the SVG is drawn as vector shapes
    assert "Stage 1 responses on time by quarter" in " ".join(pages_of(path))  # its text is text


def test_the_print_stylesheet_comes_last_and_the_file_is_unchanged(tmp_path):
    report = tmp_path / "r.html"
    report.write_text("<html><head><style>@page { margin: 1mm; }</style></head><BODY>x</BODY></html>")
    data = with_print_css(report).decode()
    assert data.index("@page { margin: 1mm; }") < data.index(pdf.PRINT_CSS) < data.index("</BODY>")
    assert "tr, figure, svg, img { break-inside: avoid; }" in pdf.PRINT_CSS
    assert "thead { display: table-header-group; }" in pdf.PRINT_CSS
    fragment = tmp_path / "f.html"
    fragment.write_text("<p>no body element</p>")
    assert with_print_css(fragment).decode().endswith(f"<style>{pdf.PRINT_CSS}</style>")
    assert report.read_text().endswith("<BODY>x</BODY></html>")


def test_typed_texts_are_escaped_in_the_templates():
    sneaky = '<span class="pageNumber"></span> & <img src="http://example.org/x"> Mary\'s'
    for template in (header_template(sneaky), footer_template(sneaky)):
        assert "&lt;span class=&quot;pageNumber&quot;&gt;&lt;/span&gt; &amp; &lt;img" in template
        assert "<img" not in template
        assert "Mary&#x27;s" in template
    assert footer_template("x").count('class="pageNumber"') == 1
    assert footer_template("x").count('class="totalPages"') == 1


def test_one_browser_prints_many_reports(printer, printed, tmp_path):
    """A second and third report with the same printer: a new page each, the browser started once."""
    launches = printer.launches
    second = tmp_path / "second.html"
    second.write_text("<!DOCTYPE html><html><body><h2>Only section</h2><p>Second report</p></body></html>")
    first = printer.print(second, tmp_path / "a" / "second.pdf", header="Calder Vale Housing · 2024-25",
                          footer_left="Calder Vale Housing")
    again = printer.print(printed[0], tmp_path / "again.pdf", header=HEADER, footer_left=FOOTER)
    assert printer.launches == launches == 1
    assert pages_of(first.path) == [pages_of(first.path)[0]]
    assert "Second report" in pages_of(first.path)[0] and "Page 1 of 1" in pages_of(first.path)[0]
    assert page_count(again.path) == page_count(printed[1])
    # written atomically: nothing but the PDFs left behind
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["again.pdf", "second.html", "second.pdf"]


def test_printing_from_another_thread(printer, tmp_path):
    """The browser lives in the printer's own thread, so any thread may print with it."""
    report = make_report(tmp_path)
    results = []
    worker = threading.Thread(target=lambda: results.append(
        printer.print(report, tmp_path / "t.pdf", header=HEADER, footer_left=FOOTER)))
    worker.start()
    worker.join(120)
    assert results and results[0].path.read_bytes().startswith(b"%PDF-")


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self):
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_nothing_is_fetched_from_the_network(printer, tmp_path):
    """External images, stylesheets and frames are refused (the server never hears of them); so is a
    file outside the report's folder; a file beside the report is allowed."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    outside = tmp_path / "outside.svg"
    outside.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "beside.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    extra = (f'<img src="{base}/logo.png" alt="logo"><link rel="stylesheet" href="{base}/style.css">'
             f'<iframe src="{base}/frame"></iframe><img src="{outside.as_uri()}"><img src="beside.svg">')
    report = make_report(folder, extra)
    try:
        result = printer.print(report, folder / "r.pdf", header=HEADER, footer_left=FOOTER)
    finally:
        server.shutdown()
        server.server_close()
    assert _Counting.hits == []
    assert set(result.blocked) >= {f"{base}/logo.png", f"{base}/style.css", f"{base}/frame", outside.as_uri()}
    assert not any("beside.svg" in url for url in result.blocked)
    assert result.path.read_bytes().startswith(b"%PDF-")


def test_chromium_missing_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv(pdf.CHROMIUM_ENV, raising=False)
    monkeypatch.setattr(pdf, "DEFAULT_CHROMIUM", tmp_path / "usr" / "bin" / "chromium")
    with pytest.raises(RunError, match=r"expected Debian's chromium at .*chromium to print PDFs, found none; "
                                       r"install it with `apt-get install chromium`"):
        PdfPrinter()
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(tmp_path / "elsewhere"))
    with pytest.raises(RunError, match=f"named by {pdf.CHROMIUM_ENV}.*found no such file.*apt-get install chromium"):
        print_pdf(make_report(tmp_path), tmp_path / "r.pdf", header="h", footer_left="f")
    not_a_program = tmp_path / "chromium"
    not_a_program.write_text("not a program")
    not_a_program.chmod(0o644)
    with pytest.raises(RunError, match="to be an executable program"):
        PdfPrinter(not_a_program)
    assert not (tmp_path / "r.pdf").exists()


def test_a_chromium_that_does_not_start_is_a_clear_error(tmp_path):
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'broken' >&2\nexit 3\n")
    broken.chmod(0o755)
    with pytest.raises(RunError, match=r"chromium at .* did not start"):
        print_pdf(make_report(tmp_path), tmp_path / "r.pdf", header="h", footer_left="f", chromium=broken, timeout=20)
    assert not (tmp_path / "r.pdf").exists()


def test_a_missing_report_and_a_closed_printer(printer, tmp_path):
    with pytest.raises(RunError, match="expected an HTML report to print, found no such file"):
        printer.print(tmp_path / "nothing.html", tmp_path / "r.pdf", header="h", footer_left="f")
    assert not (tmp_path / "r.pdf").exists()
    closed = PdfPrinter()
    closed.close()
    with pytest.raises(UsageError, match="closed"):
        closed.print(make_report(tmp_path), tmp_path / "r.pdf", header="h", footer_left="f")


@pytest.fixture(scope="module")
def riverbend_annual_report(tmp_path_factory) -> Path:
    """Riverbend Homes's annual report for 2024-25 (its analysis, records and the self-assessment
    appended), executed by papermill and exported as the batch exports it."""
    import nbformat
    import papermill

    from audit_lib.batch.run import ANNUAL_TITLE
    from audit_lib.report.export import cached_exporter, export_html
    from tests.conftest import DEMO_AS_OF
    from tests.demo import DEMO_INPUTS

    folder = tmp_path_factory.mktemp("annual")
    inputs = folder / "inputs"
    shutil.copytree(DEMO_INPUTS, inputs)
    notebook = Path(__file__).resolve().parent.parent / "notebooks" / "annual_report.ipynb"
    executed = folder / "annual_report.ipynb"
    papermill.execute_notebook(str(notebook), str(executed), kernel_name="chc-audit", progress_bar=False,
                               cwd=str(notebook.parent),
                               parameters={"landlord": "riverbend-homes", "period": "2024-25", "inputs_dir": str(inputs),
                                           "as_of": DEMO_AS_OF.isoformat(), "outputs_dir": str(folder / "outputs")})
    nb = nbformat.read(executed, as_version=4)
    return export_html(nb, folder / "annual_report.html", cached_exporter(), f"Riverbend Homes: {ANNUAL_TITLE}")


def _flat(text: str) -> str:
    """Text compared without its layout: no whitespace and no hyphens (a line may break after a
    hyphen, or inside a long word, in the PDF but not in the HTML)."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", text)


@pytest.mark.slow
@pytest.mark.parametrize("report", ["annual_report", "self_assessment"])
def test_every_table_cell_of_a_real_report_is_in_its_pdf(printer, demo_batch, riverbend_annual_report, report,
                                                         tmp_path):
    """Tables fit the page: the text of every cell of every table of Riverbend's annual report and
    self-assessment is in the PDF (the trends table's last columns, the learning log's case
    references and the headline figures by period were cut off at the page's right edge)."""
    from bs4 import BeautifulSoup

    _batch, _inputs, outputs, _before = demo_batch
    source = (riverbend_annual_report if report == "annual_report"
              else outputs / "2024-25" / "riverbend-homes" / "self_assessment.html")
    soup = BeautifulSoup(source.read_text(encoding="utf-8"), "html.parser")
    tables = soup.find_all("table")
    assert soup.select("table.annual-trends, table.learning" if report == "annual_report" else "table.figures-by-period")
    result = printer.print(source, tmp_path / f"{report}.pdf", header="RUNNING-HEADER", footer_left="RUNNING-FOOTER")
    # in content order (a cell's lines together), without the running header and footer
    pages = _poppler("pdftotext", "-raw", result.path, "-").split("\f")
    printed = _flat("".join(re.sub(r"^(RUNNING-HEADER|RUNNING-FOOTER).*$", "", page, flags=re.M) for page in pages))
    # a row split across pages has its table's headings repeated in the middle
    body = printed
    for table in tables:
        if table.thead is not None:
            body = body.replace(_flat(table.thead.get_text(" ")), "")
    headings = [cell.get_text(" ") for table in tables for cell in table.find_all("th")]
    cells = [cell.get_text(" ") for table in tables for cell in table.find_all("td")]
    assert len(cells) > 500
    missing = ([" ".join(text.split()) for text in headings if _flat(text) not in printed]
               + [" ".join(text.split()) for text in cells if _flat(text) not in body])
    assert missing == []


def test_a_real_report_prints_with_its_sections(printer, demo_batch, tmp_path):
    """The demo batch's self-assessment for Riverbend Homes: its cover, the nine Code sections in
    order and the appendices, with the header and footer on every page."""
    _batch, _inputs, outputs, _before = demo_batch
    source = outputs / "2024-25" / "riverbend-homes" / "self_assessment.html"
    headings = [html.unescape(re.sub(r"<[^>]+>", "", h)).strip()
                for h in re.findall(r"<h2 id=[^>]*>(.*?)</h2>", source.read_text(encoding="utf-8"), re.S)]
    assert len(headings) > 9
    result = printer.print(source, tmp_path / "self_assessment.pdf",
                           header="Riverbend Homes · Self-assessment against the Complaint Handling Code · 2024-25",
                           footer_left="Riverbend Homes · 2024-25")
    assert result.blocked == ()
    pages = pages_of(result.path)
    count = len(pages)
    assert count == page_count(result.path) > 10
    for number, page in enumerate(pages, start=1):
        assert "Riverbend Homes · Self-assessment against the Complaint Handling Code · 2024-25" in page
        assert f"Page {number} of {count}" in page
    text = "\n".join(pages)
    assert "Riverbend Homes: self-assessment against" in text  # the cover
    assert [int(n) for n in re.findall(r"^Section (\d+): ", text, re.M)] == list(range(1, 10))
    flat = " ".join(text.split())
    last = " ".join(headings[-1].split())
    at = flat.index(last) + len(last)  # the end of the contents, which lists every heading
    for heading in headings:  # every section heading, in the report's order, after the contents
        found = flat.find(" ".join(heading.split()), at)
        assert found >= 0, heading
        at = found
