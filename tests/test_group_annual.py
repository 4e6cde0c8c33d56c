"""The group roll-up's annual reports: each subsidiary's linked when its complete set holds it, and
whether it is complete, from its ``metrics.json`` (``annual_report``).

The landlords' outputs here are made by hand, as a batch leaves them (a set with its manifest,
``run.json`` naming the run), so no notebook is executed.
"""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup

from audit_lib.batch.outputs import write_manifest
from audit_lib.code.catalogue import load_catalogue
from audit_lib.config.landlords import load_registry
from audit_lib.core.periods import Period
from audit_lib.group.members import AnnualStatus, Member
from audit_lib.group.summary import open_group_summary

from .conftest import DEMO_AS_OF, write
from .demo import DEMO_INPUTS

RUN = "20250630T120000Z-abcdef12"
SCRIPT = "<script>alert('gap')</script>"
PERIOD = Period.parse("2024-25")


def _gap(part: str | None, message: str, provision: str = "8.1") -> dict[str, object]:
    label = f"{provision} ({part})" if part else provision
    return {"code": "no-service-improvements", "provision": provision, "part": part, "label": label,
            "kind": "missing", "item": None, "message": message}


def _set(outputs: Path, landlord: str, annual: dict[str, object] | None, files: tuple[str, ...],
         unlisted: tuple[str, ...] = ()) -> None:
    """A landlord's complete set of run ``RUN``: ``metrics.json`` (with ``annual``, if given) and ``files``;
    ``unlisted`` files are put in the folder after its manifest (so it does not list them)."""
    folder = outputs / "2024-25" / landlord
    write(folder / "metrics.json", json.dumps({} if annual is None else {"annual_report": annual}))
    for name in files:
        write(folder / name, f"<html><body>{name}</body></html>")
    write_manifest(folder, landlord, RUN, "ok", None)
    for name in unlisted:
        write(folder / name, "added by hand")


def _outputs(tmp_path: Path, landlords: dict[str, str]) -> Path:
    """``run.json`` recording each landlord's latest run as ``landlords`` says (ok, failed)."""
    outputs = tmp_path / "outputs"
    entries = {key: {"status": status, "run": RUN, "error": "annual report: cell 4: ValueError: boom"
                     if status == "failed" else None} for key, status in landlords.items()}
    write(outputs / "2024-25" / "run.json", json.dumps({"period": "2024-25", "landlords": entries}))
    return outputs


def _summary(inputs: Path, outputs: Path) -> BeautifulSoup:
    summary = open_group_summary("2024-25", inputs, outputs, as_of=DEMO_AS_OF)
    return BeautifulSoup(summary.annual_reports().html + summary.reports().html, "html.parser")


def _cells(soup: BeautifulSoup, landlord: str) -> list[str]:
    return [" ".join(td.get_text(" ").split()) for td in soup.find("tr", id=f"annual-{landlord}").select("td")]


def test_each_annual_report_is_linked_with_whether_it_is_complete_and_its_gaps(demo_inputs, tmp_path):
    outputs = _outputs(tmp_path, {"riverbend-homes": "ok", "calder-vale-housing": "ok",
                                  "moorside-almshouses": "ok", "wharfedale-community-homes": "failed"})
    everything = ("self_assessment.html", "annual_report.html", "self_assessment.pdf", "annual_report.pdf")
    _set(outputs, "riverbend-homes", {"complete": True, "gaps": [], "records_sha256": "0" * 64}, everything)
    gaps = [_gap("d", "No service improvements recorded."), _gap(None, f"No response {SCRIPT}", "8.2")]
    _set(outputs, "calder-vale-housing", {"complete": False, "gaps": gaps, "records_sha256": None},
         ("self_assessment.html", "annual_report.html"))
    _set(outputs, "moorside-almshouses", None, ("self_assessment.html",))  # a run before annual reports

    soup = _summary(demo_inputs, outputs)

    river = soup.find("tr", id="annual-riverbend-homes")
    assert [a["href"] for a in river.select("a")] == ["riverbend-homes/annual_report.html",
                                                      "riverbend-homes/annual_report.pdf"]
    assert _cells(soup, "riverbend-homes")[2:] == ["Complete", "none"]
    calder = soup.find("tr", id="annual-calder-vale-housing")
    assert [a["href"] for a in calder.select("a")] == ["calder-vale-housing/annual_report.html"]  # no PDF printed
    assert _cells(soup, "calder-vale-housing")[2] == "Incomplete"
    assert [" ".join(li.get_text().split()) for li in calder.select("ul.gaps li")] == [
        "8.1 (d): No service improvements recorded.", f"8.2: No response {SCRIPT}"]
    assert _cells(soup, "calder-vale-housing")[3].startswith("2 gaps")
    assert _cells(soup, "moorside-almshouses")[1:] == [
        "not produced: run with --report annual", "not produced",
        "not recorded in its figures (a run before annual reports)"]
    # the latest run failed: nothing linked, the status not known
    wharfedale = soup.find("tr", id="annual-wharfedale-community-homes")
    assert not wharfedale.select("a") and _cells(soup, "wharfedale-community-homes")[1:] == [
        "not produced", "not produced", "no current figures (see Reports)"]
    # the reports table links the annual reports and the PDFs beside the self-assessments
    assert [a["href"] for a in soup.select("table.reports a") if not a["href"].endswith(".json")] == [
        "riverbend-homes/self_assessment.html", "riverbend-homes/self_assessment.pdf",
        "riverbend-homes/annual_report.html", "riverbend-homes/annual_report.pdf",
        "calder-vale-housing/self_assessment.html", "calder-vale-housing/annual_report.html",
        "moorside-almshouses/self_assessment.html"]


def test_everything_typed_is_escaped(demo_inputs, tmp_path):
    outputs = _outputs(tmp_path, {"riverbend-homes": "ok"})
    _set(outputs, "riverbend-homes", {"complete": False, "gaps": [_gap("c", SCRIPT)]},
         ("self_assessment.html", "annual_report.html"))
    html = open_group_summary("2024-25", demo_inputs, outputs, as_of=DEMO_AS_OF).annual_reports().html
    assert SCRIPT not in html and "&lt;script&gt;alert(" in html


def test_a_file_the_manifest_does_not_list_is_not_linked(demo_inputs, tmp_path):
    outputs = _outputs(tmp_path, {"riverbend-homes": "ok"})
    _set(outputs, "riverbend-homes", {"complete": True, "gaps": []}, ("self_assessment.html",),
         unlisted=("annual_report.html", "self_assessment.pdf"))
    soup = _summary(demo_inputs, outputs)
    assert [a["href"] for a in soup.select("a[href^='riverbend-homes/']")] == [
        "riverbend-homes/self_assessment.html", "riverbend-homes/metrics.json"]
    assert _cells(soup, "riverbend-homes")[1:3] == ["not produced: run with --report annual", "not produced"]


def test_a_changed_annual_report_makes_the_set_incomplete(demo_inputs, tmp_path):
    outputs = _outputs(tmp_path, {"riverbend-homes": "ok"})
    _set(outputs, "riverbend-homes", {"complete": True, "gaps": []}, ("self_assessment.html", "annual_report.html"))
    write(outputs / "2024-25" / "riverbend-homes" / "annual_report.html", "changed by hand")
    soup = _summary(demo_inputs, outputs)
    assert not soup.select("a[href^='riverbend-homes/']")
    assert "incomplete or changed since its run" in soup.select_one("table.reports").get_text()


def test_many_gaps_are_counted_and_the_first_five_listed_each_cut_short(demo_inputs, tmp_path):
    outputs = _outputs(tmp_path, {"riverbend-homes": "ok"})
    gaps = [_gap("f", f"Gap number {n}. " + "x" * 300) for n in range(1, 8)]
    _set(outputs, "riverbend-homes", {"complete": False, "gaps": gaps}, ("self_assessment.html", "annual_report.html"))
    soup = _summary(demo_inputs, outputs)
    items = [li.get_text() for li in soup.find("tr", id="annual-riverbend-homes").select("ul.gaps li")]
    assert len(items) == 6 and items[-1] == "and 2 more (in its annual report)"
    assert all(item.startswith(f"8.1 (f): Gap number {n}.") and item.endswith("…") for n, item in enumerate(items[:5], 1))
    assert _cells(soup, "riverbend-homes")[3].startswith("7 gaps")


def test_a_report_not_produced_is_neither_complete_nor_incomplete(demo_inputs, tmp_path):
    """The figures record whether the records would make a complete report; without the annual report in its
    set, the roll-up says it was not produced, and how to produce it, not "Complete"."""
    outputs = _outputs(tmp_path, {"riverbend-homes": "ok", "calder-vale-housing": "ok"})
    _set(outputs, "riverbend-homes", {"complete": True, "gaps": []}, ("self_assessment.html",))
    _set(outputs, "calder-vale-housing", {"complete": False, "gaps": [_gap("d", "No service improvements.")]},
         ("self_assessment.html",))
    soup = _summary(demo_inputs, outputs)
    for landlord in ("riverbend-homes", "calder-vale-housing"):
        assert _cells(soup, landlord)[1:] == ["not produced: run with --report annual", "not produced", "—"]
        assert not soup.find("tr", id=f"annual-{landlord}").select(".badge")


def test_an_unreadable_records_file_is_shown_as_the_reason(demo_inputs, tmp_path):
    outputs = _outputs(tmp_path, {"riverbend-homes": "ok", "calder-vale-housing": "ok"})
    problem = f"the annual records file is not valid JSON {SCRIPT}: " + "fix it " * 60
    annual = {"complete": False, "gaps": [], "records_sha256": None, "problem": problem}
    _set(outputs, "riverbend-homes", annual, ("self_assessment.html", "annual_report.html"))
    _set(outputs, "calder-vale-housing", annual, ("self_assessment.html",))  # not produced: the reason still shown
    summary = open_group_summary("2024-25", demo_inputs, outputs, as_of=DEMO_AS_OF)
    html = summary.annual_reports().html
    soup = BeautifulSoup(html, "html.parser")
    river = _cells(soup, "riverbend-homes")
    assert river[2] == "Incomplete"
    assert river[3].startswith(f"records file cannot be read: the annual records file is not valid JSON {SCRIPT}")
    assert river[3].endswith("…") and len(river[3]) < 220
    assert "none" not in river[3]
    assert _cells(soup, "calder-vale-housing")[2:] == ["not produced", river[3]]
    assert SCRIPT not in html


def _member(metrics: dict[str, object] | None) -> Member:
    """A subsidiary with these figures, and nothing else of note."""
    entry = load_registry(DEMO_INPUTS).get("riverbend-homes")
    return Member(entry=entry, catalogue=load_catalogue(entry.code_for(PERIOD)), metrics=metrics, statuses=None,
                  state=None, action_dates=[], problems=[], run=None, report=None, metrics_link=None)


def test_the_status_is_not_known_unless_the_figures_say_complete_or_not():
    def status(annual: object) -> AnnualStatus | None:
        return _member({"annual_report": annual}).annual_status

    assert _member(None).annual_status is None
    assert status(None) is None and status({"gaps": []}) is None and status({"complete": "yes"}) is None
    assert status({"complete": True}) == AnnualStatus(True, ())
    assert status({"complete": False, "gaps": [{"provision": "8.1", "part": "b", "message": "m"}, "junk"]}) == \
        AnnualStatus(False, (("8.1 (b)", "m"),))
    assert status({"complete": False, "gaps": [], "problem": "cannot be read"}) == \
        AnnualStatus(False, (), "cannot be read")
    assert status({"complete": False, "gaps": [], "problem": None}).problem is None
    assert status({"complete": False, "gaps": [], "problem": 42}).problem == "no reason recorded"
