"""The workbook's section for the annual report's records: the ipywidgets objects driven directly
(values set, buttons clicked), as the auditor would, against the records store on a real file."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import ipywidgets as w
import pytest

from audit_lib.annual.records import load_records
from audit_lib.annual.store import RecordsStore, open_records_store
from audit_lib.report.render import HTMLFragment
from audit_lib.workbook.annual_panel import AnnualRecordsPanel, describe_annual_entry
from audit_lib.workbook.facade import open_workbook

LANDLORD, PERIOD = "riverbend-homes", "2024-25"
AS_OF = dt.date(2025, 6, 30)
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "inputs" / LANDLORD
    path.mkdir(parents=True)
    return path


def opener(folder: Path, user: str):
    return lambda: open_records_store(folder, LANDLORD, PERIOD, user=user)


def panel(folder: Path, user: str = "alice", **kwargs) -> AnnualRecordsPanel:
    built = AnnualRecordsPanel(opener(folder, user), as_of=AS_OF, **kwargs)
    built.widget.selected_index = 0  # the auditor opens it
    return built


def on_disk(folder: Path):
    return load_records(folder / "annual" / f"{PERIOD}.yaml", LANDLORD, PERIOD)


def plain(text: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", text).split()))


def add_improvement(p: AnnualRecordsPanel, theme: str = "Repairs", when: str = "01/09/2024", **more: str):
    form = p.learning.start_new()
    values = {"theme": theme, "residents_said": "We waited in.", "we_did": "Text reminders.", "when": when, **more}
    for name, value in values.items():
        form.form.fields[name].widget.value = value
    form.add.click()
    return form


def gap_codes(p: AnnualRecordsPanel) -> list[str]:
    return re.findall(r'data-code="([^"]+)"', p.gaps.value)


# -- drawn when opened ------------------------------------------------------------------------------

def test_the_panel_is_drawn_and_the_store_opened_only_when_the_auditor_opens_it(folder):
    opened = []

    def store() -> RecordsStore:
        opened.append(1)
        return open_records_store(folder, LANDLORD, PERIOD, user="alice")

    closed = AnnualRecordsPanel(store)
    assert not opened and not closed.built and len(closed.widget.children) == 1
    closed.widget.selected_index = 0
    assert opened == [1] and closed.built
    assert gap_codes(closed) == ["no-ombudsman-findings-recorded", "no-service-improvements",
                                 "no-ombudsman-performance-report", "no-other-ombudsman-publications",
                                 "no-governing-body-response", "no-member-responsible"]
    assert not (folder / "annual").exists()  # nothing written until something changes


def test_a_records_file_that_cannot_be_read_is_said_in_the_panel(folder):
    (folder / "annual").mkdir()
    (folder / "annual" / f"{PERIOD}.yaml").write_text("landlord: riverbend-homes\nlandlord: x\n")
    p = panel(folder)
    assert not p.built
    text = plain(p.widget.children[0].value)
    assert text.startswith("The annual records cannot be shown:") and "appears twice" in text


# -- the learning log ----------------------------------------------------------------------------

def test_an_improvement_added_is_in_the_file_with_one_history_entry(folder):
    p = panel(folder)
    add_improvement(p, owner="Head of Repairs", case_references="CMP-2024-0012, CMP-2024-0031")
    records = on_disk(folder)
    [entry] = records.learning
    assert (entry.id, entry.theme, entry.when, entry.owner, entry.status) == (
        "L-01", "Repairs", dt.date(2024, 9, 1), "Head of Repairs", "planned")
    assert entry.case_references == ["CMP-2024-0012", "CMP-2024-0031"]
    history = p.store.history()
    assert len(history) == 1 and history[0]["action"] == "added" and history[0]["user"] == "alice"
    assert p.learning.new is None and list(p.learning.cards) == ["L-01"]  # the blank form gave way to the card
    assert "Added improvement L-01" in p.learning.note.value
    assert "no-service-improvements" not in gap_codes(p)
    card = plain(p.learning.cards["L-01"].html.value)
    assert card.startswith("L-01 Repairs (planned, when 01/09/2024, owner: Head of Repairs)")


def test_an_improvement_is_edited_field_by_field_with_one_history_line_each(folder):
    p = panel(folder)
    add_improvement(p)
    form = p.learning.cards["L-01"].open()
    form.form.fields["status"].widget.value = "done"
    form.form.fields["we_did"].widget.value = "  Text reminders and two-hour slots.  "
    entry = on_disk(folder).learning[0]
    assert (entry.status, entry.we_did) == ("done", "Text reminders and two-hour slots.")
    assert form.form.fields["we_did"].widget.value == "Text reminders and two-hour slots."  # shown as stored
    assert [(e.get("field"), e.get("old"), e.get("new")) for e in p.store.history()[1:]] == [
        ("status", "planned", "done"), ("we_did", "Text reminders.", "Text reminders and two-hour slots.")]
    assert "Saved" in form.form.fields["status"].note.value


def test_a_bad_date_is_refused_beside_the_field_and_nothing_saved(folder):
    p = panel(folder)
    form = add_improvement(p, when="31/02/2025")  # a new improvement: not added
    assert not (folder / "annual" / f"{PERIOD}.yaml").exists()
    note = plain(form.form.fields["when"].note.value)
    assert note.startswith("Not saved:") and "DD/MM/YYYY" in note and "31/02/2025" not in note
    assert "Not added" in plain(form.message.value)
    assert form.form.fields["when"].widget.value == "31/02/2025"  # left for the auditor to correct
    form.form.fields["when"].widget.value = "2024-09-01"
    assert form.form.fields["when"].note.value == ""
    form.add.click()
    assert on_disk(folder).learning[0].when == dt.date(2024, 9, 1)

    edit = p.learning.cards["L-01"].open()  # an improvement already saved: its date changed
    for typed in ("soon", "31/03/0002", "2028-13-01"):
        edit.form.fields["when"].widget.value = typed
        assert "Not saved" in edit.form.fields["when"].note.value
        assert on_disk(folder).learning[0].when == dt.date(2024, 9, 1) and len(p.store.history()) == 1
    edit.form.fields["when"].widget.value = "15/10/2024"
    assert on_disk(folder).learning[0].when == dt.date(2024, 10, 15)
    assert edit.form.fields["when"].widget.value == "15/10/2024" and len(p.store.history()) == 2


def test_a_date_outside_2000_to_2099_is_said_naming_its_field(folder):
    p = panel(folder)
    add_improvement(p)
    edit = p.learning.cards["L-01"].open()
    edit.form.fields["when"].widget.value = "01/01/2150"
    assert plain(edit.form.fields["when"].note.value) == (
        "Not saved: When: expected a date from 01/01/2000 to 31/12/2099; found one in the year 2150, which looks "
        "mistyped.")
    edit.form.fields["when"].widget.value = "yesterday"
    note = plain(edit.form.fields["when"].note.value)
    assert note.startswith("Not saved: When: expected a date as DD/MM/YYYY") and "yesterday" not in note
    p.governing.form.fields["meeting_date"].widget.value = "01/01/1900"
    assert plain(p.governing.form.fields["meeting_date"].note.value).startswith(
        "Not saved: Meeting date: expected a date from 01/01/2000 to 31/12/2099; found one in the year 1900")
    form = add_determination(p)
    orders = form.lists["orders"]
    orders.add.click()
    orders.rows[-1].fields["text"].widget.value = "Pay compensation"
    orders.rows[-1].fields["due"].widget.value = "31/12/9999"
    assert plain(orders.rows[-1].fields["due"].note.value).startswith(
        "Not saved: Due: expected a date from 01/01/2000 to 31/12/2099; found one in the year 9999")
    assert "correct the date" in plain(orders.note.value)
    assert on_disk(folder).ombudsman[0].orders[0].due is None
    for text in ("a due date", "due date must"):
        assert text not in plain(edit.form.fields["when"].note.value)


def test_an_order_due_or_complied_with_before_the_determination_is_not_saved(folder):
    p = panel(folder)
    form = add_determination(p)  # dated 14/11/2024
    orders = form.lists["orders"]
    orders.add.click()
    orders.rows[-1].fields["text"].widget.value = "Pay compensation"
    orders.rows[-1].fields["due"].widget.value = "01/11/2024"
    note = plain(orders.note.value)
    assert note.startswith("Not saved: Ombudsman record O-01: order 1: due: 01/11/2024 is before the record's date "
                           "(14/11/2024)")
    assert on_disk(folder).ombudsman[0].orders[0].due is None  # saved with its text, not with that date
    orders.rows[-1].fields["due"].widget.value = "12/12/2024"
    assert on_disk(folder).ombudsman[0].orders[0].due == dt.date(2024, 12, 12)
    form.form.fields["date"].widget.value = "01/01/2025"  # the determination moved after its order's due date
    assert "order 1: due: 12/12/2024 is before the record's date (01/01/2025)" in plain(
        form.form.fields["date"].note.value)
    assert form.form.fields["date"].widget.value == "14/11/2024"  # the stored date shown again


def test_a_determinations_kind_is_not_changed_while_it_has_findings_or_orders(folder):
    p = panel(folder)
    form = add_determination(p)
    findings = form.lists["findings"]
    findings.add.click()
    findings.rows[-1].fields["wording"].widget.value = "Delay in repairs"
    form.form.fields["kind"].widget.value = "annual_performance_report"
    note = plain(form.form.fields["kind"].note.value)
    assert note.startswith("Not saved: Ombudsman record O-01 has 1 finding and no orders: as a determination it is "
                           "one of the Ombudsman's findings of non-compliance (8.1 c)")
    assert "remove its findings and orders first" in note
    assert form.form.fields["kind"].widget.value == "determination"  # the stored kind shown again
    assert on_disk(folder).ombudsman[0].kind == "determination" and "no-ombudsman-findings-recorded" not in gap_codes(p)
    form.form.fields["kind"].widget.value = "complaint_handling_failure_order"  # still 8.1 (c): saved
    assert on_disk(folder).ombudsman[0].kind == "complaint_handling_failure_order"


def add_determination(p: AnnualRecordsPanel):
    form = p.ombudsman.start_new()
    fields = form.form.fields
    fields["kind"].widget.value = "determination"
    fields["date"].widget.value = "14/11/2024"
    fields["reference"].widget.value = "202312345"
    fields["title"].widget.value = "Damp and mould"
    form.add.click()
    item_id = on_disk(p_folder(p)).ombudsman[-1].id
    return p.ombudsman.cards[item_id].open()


def p_folder(p: AnnualRecordsPanel) -> Path:
    return p.need_store().path.parent.parent


def test_a_records_file_with_a_date_outside_the_range_is_said_in_the_panel(folder):
    (folder / "annual").mkdir()
    (folder / "annual" / f"{PERIOD}.yaml").write_text(
        f"landlord: {LANDLORD}\nperiod: {PERIOD}\nombudsman:\n  - {{id: O-01, kind: determination, date: 2024-11-14, "
        "reference: '1', title: T, orders: [{text: Pay, due: 9999-12-31}]}\n", encoding="utf-8")
    p = panel(folder)
    text = plain(p.widget.children[0].value)
    assert text.startswith("The annual records cannot be shown:")
    assert "Ombudsman record 1 (O-01): orders.1.due: expected a date from 01/01/2000 to 31/12/2099" in text


def test_a_value_the_store_refuses_is_said_beside_the_field_and_the_stored_value_shown(folder):
    p = panel(folder)
    add_improvement(p)
    form = p.learning.cards["L-01"].open()
    form.form.fields["case_references"].widget.value = "Joan Example"  # a name, not a case id
    note = plain(form.form.fields["case_references"].note.value)
    assert note.startswith("Not saved:") and "never residents' names" in note and "Joan" not in note
    assert form.form.fields["case_references"].widget.value == ""
    form.form.fields["theme"].widget.value = ""  # required
    assert "theme" in plain(form.form.fields["theme"].note.value)
    assert form.form.fields["theme"].widget.value == "Repairs"
    assert len(p.store.history()) == 1


def test_an_improvement_is_removed_on_a_second_click(folder):
    p = panel(folder)
    add_improvement(p)
    card = p.learning.cards["L-01"]
    card.remove.click()
    assert on_disk(folder).learning and "Click again" in card.remove.description
    card.remove.click()
    assert on_disk(folder).learning == [] and not p.learning.cards
    assert describe_annual_entry(p.store.history()[-1]) == "Removed improvement L-01: \u201cRepairs\u201d"


# -- two editors -----------------------------------------------------------------------------------

def test_two_editors_the_same_field_is_a_conflict_and_another_entry_lands(folder):
    alice = panel(folder, "alice")
    add_improvement(alice, theme="Repairs")
    add_improvement(alice, theme="Calls")
    bob = panel(folder, "bob")
    alice_form, bob_form = alice.learning.cards["L-01"].open(), bob.learning.cards["L-01"].open()

    alice_form.form.fields["theme"].widget.value = "Repairs - missed appointments"
    bob_form.form.fields["theme"].widget.value = "Repairs - slow"  # bob's form still showed "Repairs"
    assert on_disk(folder).learning[0].theme == "Repairs - missed appointments"  # alice's kept
    conflict = plain(bob_form.form.fields["theme"].note.value)
    assert conflict.startswith("Conflict: The theme of improvement L-01 was changed by alice")
    assert "Saved by alice (kept) Yours (not saved) Repairs - missed appointments Repairs - slow" in conflict
    assert bob_form.form.fields["theme"].widget.value == "Repairs - missed appointments"  # theirs shown

    bob.learning.cards["L-02"].open().form.fields["owner"].widget.value = "Customer Services"
    records = on_disk(folder)
    assert (records.learning[0].theme, records.learning[1].owner) == ("Repairs - missed appointments",
                                                                      "Customer Services")
    bob_form.form.fields["theme"].widget.value = "Repairs - slow"  # having seen theirs, bob applies his again
    assert on_disk(folder).learning[0].theme == "Repairs - slow"
    assert "Conflict" not in bob_form.form.fields["theme"].note.value


def test_two_editors_the_governing_body_response_is_a_conflict(folder):
    alice, bob = panel(folder, "alice"), panel(folder, "bob")
    fill_governing_body(alice, "The Board welcomed the report.")
    fill_governing_body(bob, "The Board noted the report.")
    assert on_disk(folder).governing_body.text == "The Board welcomed the report."
    assert plain(bob.governing.note.value).startswith("Conflict: The governing body's response was changed by alice")


# -- the governing body, the MRC, none this year, the analysis ---------------------------------------

def fill_governing_body(p: AnnualRecordsPanel, text: str) -> None:
    fields = p.governing.form.fields
    fields["meeting_date"].widget.value = "19/06/2025"
    fields["name"].widget.value = "A. Chair"
    fields["role"].widget.value = "Chair of the Board"
    fields["text"].widget.value = text


def test_the_governing_body_response_saved_takes_its_gap_away(folder):
    p = panel(folder)
    assert "no-governing-body-response" in gap_codes(p)
    fields = p.governing.form.fields
    fields["text"].widget.value = "The Board welcomed the report."
    assert "Not saved yet: give the meeting date, given by (name), role" in plain(p.governing.note.value)
    assert not (folder / "annual").exists() or on_disk(folder).governing_body is None
    fields["meeting_date"].widget.value = "19/6/25"  # a two-digit year: not a date
    assert "four digits" in plain(fields["meeting_date"].note.value)
    fields["meeting_date"].widget.value = "19/06/2025"
    fields["name"].widget.value = "A. Chair"
    fields["role"].widget.value = "Chair of the Board"
    response = on_disk(folder).governing_body
    assert (response.text, response.meeting_date, response.name) == ("The Board welcomed the report.",
                                                                     dt.date(2025, 6, 19), "A. Chair")
    assert "no-governing-body-response" not in gap_codes(p) and "8.2" not in plain(p.gaps.value)
    assert len(p.store.history()) == 1
    for field in fields.values():  # every field blank removes it, and the gap is back
        field.widget.value = ""
    assert on_disk(folder).governing_body is None and "no-governing-body-response" in gap_codes(p)


def test_none_this_year_and_the_mrc_are_saved_and_the_panel_says_nothing_is_missing(folder):
    p = panel(folder)
    for part in ("ombudsman_findings", "learning", "performance_report", "other_publications"):
        p.none.ticks[part].value = True
    fill_governing_body(p, "Welcomed.")
    p.member.form.fields["name"].widget.value = "B. Member"
    p.member.form.fields["role"].widget.value = "Board member"
    records = on_disk(folder)
    assert records.confirmed_none.learning and records.member_responsible.name == "B. Member"
    assert gap_codes(p) == [] and "Nothing missing" in p.gaps.value
    add_improvement(p)  # contradicts "none this year" for (d)
    assert gap_codes(p) == ["none-confirmed-but-recorded"]
    p.none.ticks["learning"].value = False
    assert gap_codes(p) == [] and not on_disk(folder).confirmed_none.learning
    assert describe_annual_entry(p.store.history()[-1]).startswith("'None this year' unticked: (d) No service")


def test_the_qualitative_analysis_is_typed_or_started_from_the_sentences_written_from_the_data(folder):
    assert panel(folder).analysis.start.layout.display == "none"  # no sentences to start from yet
    p = panel(folder, suggest=lambda: "Repairs complaints fell by a third.")
    assert p.analysis.start.layout.display == ""
    p.analysis.start.click()
    assert on_disk(folder).qualitative_analysis == "Repairs complaints fell by a third."
    p.analysis.text.value = "Repairs complaints fell by a third, after the new appointment slots."
    assert on_disk(folder).qualitative_analysis == "Repairs complaints fell by a third, after the new appointment slots."
    p.analysis.start.click()  # never over the auditor's text
    assert "already holds your analysis" in p.analysis.note.value
    assert on_disk(folder).qualitative_analysis.endswith("appointment slots.")
    p.analysis.text.value = "  "
    assert on_disk(folder).qualitative_analysis is None and "Removed" in p.analysis.note.value
    assert [e["field"] for e in p.store.history()] == ["qualitative_analysis"] * 3


# -- the Ombudsman's records ---------------------------------------------------------------------

def test_an_ombudsman_determination_with_an_order_and_its_progress(folder):
    p = panel(folder)
    edit = add_determination(p)
    assert on_disk(folder).ombudsman[0].id == "O-01"
    assert "no-ombudsman-findings-recorded" not in gap_codes(p)

    orders = edit.lists["orders"]
    orders.add.click()
    row = orders.rows[-1].fields
    row["due"].widget.value = "12/12/2024"
    assert "Not saved yet: type the order's order" in plain(orders.note.value)
    row["text"].widget.value = "Pay compensation"
    order = on_disk(folder).ombudsman[0].orders[0]
    assert (order.text, order.due, order.progress) == ("Pay compensation", dt.date(2024, 12, 12), "not started")
    assert "ombudsman-order-overdue" in gap_codes(p)  # due before 30/06/2025, not complied with
    row = orders.rows[0].fields
    row["completed"].widget.value = "01/12/2024"  # refused: progress is not complied
    assert "set the progress to complied" in plain(orders.note.value)
    row["progress"].widget.value = "complied"
    row = orders.rows[0].fields
    row["completed"].widget.value = "01/12/2024"
    order = on_disk(folder).ombudsman[0].orders[0]
    assert (order.progress, order.completed) == ("complied", dt.date(2024, 12, 1))
    assert "ombudsman-order-overdue" not in gap_codes(p)
    findings = edit.lists["findings"]
    findings.add.click()
    findings.rows[-1].fields["outcome"].widget.value = "severe maladministration"
    findings.rows[-1].fields["wording"].widget.value = "Maladministration in the handling of repairs"
    assert on_disk(folder).ombudsman[0].findings[0].outcome == "severe maladministration"


# -- what reaches the page --------------------------------------------------------------------------

def test_typed_markup_is_shown_as_text(folder):
    p = panel(folder)
    add_improvement(p, theme=SCRIPT, owner=SCRIPT)
    p.learning.cards["L-01"].open().form.fields["residents_said"].widget.value = SCRIPT
    fill_governing_body(p, SCRIPT)
    p.history.widget.selected_index = 0
    for shown in (p.learning.cards["L-01"].entry and p.learning.cards["L-01"].form.form.fields["residents_said"]
                  .note.value, p.history.body.value, p.gaps.value):
        assert "<script>" not in shown
    from audit_lib.workbook.annual_panel import entry_html

    card = entry_html("learning", on_disk(folder).learning[0])
    assert "<script>" not in card and "&lt;script&gt;alert(1)&lt;/script&gt;" in card
    assert "&lt;script&gt;" in p.history.body.value
    bob = panel(folder, "bob")
    bob_form = bob.learning.cards["L-01"].open()
    p.learning.cards["L-01"].form.form.fields["theme"].widget.value = "Repairs"
    bob_form.form.fields["theme"].widget.value = SCRIPT + "!"
    conflict = bob_form.form.fields["theme"].note.value
    assert "Conflict" in conflict and "<script>" not in conflict and "&lt;script&gt;" in conflict


def test_an_unexpected_error_is_shown_beside_the_field_never_only_in_the_log(folder, monkeypatch):
    p = panel(folder)
    add_improvement(p)
    form = p.learning.cards["L-01"].open()

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(p.store, "change", broken)
    form.form.fields["owner"].widget.value = "Someone"
    assert "unexpected error" in plain(form.message.value) and "disk on fire" not in form.message.value
    assert form.form.fields["owner"].widget.value == ""  # the stored value shown again
    monkeypatch.setattr(p.store, "set_qualitative_analysis", broken)
    p.analysis.text.value = "An analysis."
    assert "unexpected error" in plain(p.analysis.note.value) and p.analysis.text.value == ""


def test_the_history_tells_each_change_in_words(folder):
    p = panel(folder)
    add_improvement(p)
    p.learning.cards["L-01"].open().form.fields["when"].widget.value = "15/10/2024"
    p.history.widget.selected_index = 0
    text = plain(p.history.body.value)
    assert "Improvement L-01, when: \u201c01/09/2024\u201d \u2192 \u201c15/10/2024\u201d" in text
    assert "Added improvement L-01: \u201cRepairs\u201d" in text and "alice" in text


# -- the workbook's cell ---------------------------------------------------------------------------

def test_the_cell_is_empty_in_a_batch_run_and_a_closed_panel_interactively(demo_inputs, monkeypatch):
    batch = open_workbook(LANDLORD, PERIOD, demo_inputs, interactive=False)
    part = batch.annual_records()
    assert isinstance(part, HTMLFragment) and part.html == ""
    monkeypatch.setenv("CHC_AUDIT_USER", "auditor.one")
    live = open_workbook(LANDLORD, PERIOD, demo_inputs, interactive=True, as_of="2025-06-30")
    widget = live.annual_records()
    assert isinstance(widget, w.Accordion) and widget.selected_index is None
    assert widget.get_title(0).startswith("Annual report:")
    widget.selected_index = 0
    assert "chc-annual-gaps" in widget.children[0].children[0].value



def test_the_workbooks_panel_starts_from_the_analysis_sentences_and_judges_8_1_a_on_the_live_answers(
        demo_inputs, monkeypatch):
    from audit_lib.annual.analysis import annual_analysis
    from audit_lib.annual.themes import suggested_themes
    from audit_lib.workbook import annual_panel

    built: list[AnnualRecordsPanel] = []
    original = annual_panel.AnnualRecordsPanel.__init__

    def remember(self, *args, **kwargs):
        original(self, *args, **kwargs)
        built.append(self)

    monkeypatch.setattr(annual_panel.AnnualRecordsPanel, "__init__", remember)
    monkeypatch.setenv("CHC_AUDIT_USER", "auditor.one")
    landlord = "wharfedale-community-homes"  # no answers for 2024-25 yet
    live = open_workbook(landlord, PERIOD, demo_inputs, interactive=True, as_of="2025-06-30")
    live.annual_records().selected_index = 0
    (p,) = built
    assert "no-self-assessment" in gap_codes(p)
    # the auditor answers one provision: 8.1 (a) is no longer missing at the next refresh
    live.live.store.change(live.catalogue.provisions[0].id, "status", "Yes")
    p.refresh()
    assert "no-self-assessment" not in gap_codes(p)
    # "Start from the sentences written from the data" gives the analysis' sentences
    expected = "\n\n".join(suggested_themes(annual_analysis(live.case_log, live.landlord, live.period, live.stats,
                                                             live.period_figures)))
    assert expected.strip()
    p.analysis.text.value = ""
    p.analysis.start.click()
    assert p.analysis.text.value == expected
    assert load_records(demo_inputs / landlord / "annual" / f"{PERIOD}.yaml", landlord,
                        PERIOD).qualitative_analysis == expected
