"""The workbook and the report under every Code version: the 2022 Code's must / should tiers and
stage subsections, the 2020 Code's questions asking for a figure or a written answer (a value
field saved on leaving it, the answer the case log proposes and a button to use it), drafts
carried across versions and provisions new in this Code, and the sections a Code does not have.

Views and forms are built from hand-made answers (a store in a temporary folder), the ipywidgets
objects driven directly; the workbook's own wiring on a copy of the demo inputs."""

from __future__ import annotations

import datetime as dt
import html

import ipywidgets as w
import markupsafe
import nbformat
import pytest
import yaml

from audit_lib.assessment.answers import Answer, Assessment, CarriedFrom
from audit_lib.assessment.answers_file import load_assessment, save_assessment
from audit_lib.assessment.store import open_store
from audit_lib.code.catalogue import Provision, load_catalogue
from audit_lib.code.crosswalk import load_crosswalk
from audit_lib.core.paths import answers_file
from audit_lib.report.export import contents
from audit_lib.report.render import HTMLFragment, render
from audit_lib.stats.proposals import Proposal
from audit_lib.workbook import look, views
from audit_lib.workbook.facade import open_workbook
from audit_lib.workbook.views import NewProvision, provision_row
from audit_lib.workbook.widgets import STATUS_OPTIONS, ProvisionForm, SectionPanel

C2020, C2022, C2024 = load_catalogue("2020"), load_catalogue("2022"), load_catalogue("2024")
AS_OF = dt.date(2024, 6, 30)
USER = "auditor.one"
SCRIPT = "<script>alert(1)</script>"
TIERS = "Mandatory &#39;must&#39; and best practice &#39;should&#39; requirements"  # as the templates escape it
PROPOSED = Proposal(value="87.5%", basis="70 of the 80 stage 1 complaints responded to in 2021-22 were not escalated")
NOTE_5_1 = "Now counted from acknowledgement, not logging; see <2024 6.3>"


class Notes:
    """The workbook's Code notes, made by hand: proposals and new provisions by number."""

    def __init__(self, proposals: dict[str, Proposal] | None = None,
                 new: dict[str, NewProvision] | None = None) -> None:
        self.proposals = proposals or {}
        self.new = new or {}
        self.asked: list[str] = []

    def proposal_for(self, provision: Provision) -> Proposal | None:
        self.asked.append(provision.number)
        return self.proposals.get(provision.number)

    def new_in_code(self, provision: Provision) -> NewProvision | None:
        return self.new.get(provision.number)


def _store(tmp_path, catalogue, period, answers, **extra):
    """A store over an answers file holding ``answers`` (provision id -> Answer)."""
    folder = tmp_path / "landlord"
    save_assessment(answers_file(folder, period),
                    Assessment(landlord="landlord", period=period, code=catalogue.code, answers=answers, **extra))
    return open_store(folder, catalogue, "landlord", period, USER)


def _on_disk(store, provision_id):
    return load_assessment(store.path, store.catalogue, "landlord", store.period).answer(provision_id)


def _form(store, number, notes=None):
    return ProvisionForm(store.catalogue.provision(number), store, [], as_of=AS_OF, notes=notes)


# -- sections a Code does not have ----------------------------------------------------------------

def test_a_section_the_code_does_not_have_is_an_empty_fragment():
    empty = Assessment(landlord="x", period="2023-24", code="2022")
    assert views.section(C2022, 9, empty, {}).html == ""
    assert views.section(C2020, 9, empty.model_copy(update={"code": "2020"}), {}).html == ""
    assert 'id="section-8"' in views.section(C2022, 8, empty, {}).html


@pytest.fixture
def wb2022(demo_inputs, monkeypatch):
    """Calder Vale's 2023-24 workbook (the 2022 Code is in force), from answers made here."""
    monkeypatch.setenv("CHC_AUDIT_USER", USER)
    path = answers_file(demo_inputs / "calder-vale-housing", "2023-24")
    path.unlink(missing_ok=True)
    save_assessment(path, Assessment(landlord="calder-vale-housing", period="2023-24", code="2022", answers={
        "2022:5.1": Answer(status="No"), "2022:5.2": Answer(status="Yes", commentary=SCRIPT)}))
    return demo_inputs


def test_section_9_of_a_2022_workbook_shows_nothing_and_the_contents_list_eight_sections(wb2022):
    wb = open_workbook("calder-vale-housing", "2023-24", wb2022, as_of=AS_OF)
    assert wb.catalogue.code == "2022"
    nb = nbformat.v4.new_notebook()
    for number in range(1, 10):  # as the notebook calls them
        part = wb.section(number)
        assert isinstance(part, HTMLFragment)
        cell = nbformat.v4.new_code_cell(f"wb.section({number})")
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": part._repr_html_()})]
        nb.cells.append(cell)
    assert nb.cells[8].outputs[0]["data"]["text/html"] == ""
    titles = [entry["title"] for entry in contents(nb)]
    assert titles == [f"Section {s.number}: {s.title}" for s in C2022.sections] and len(titles) == 8


def test_section_9_of_an_interactive_2022_workbook_is_empty_not_a_panel(wb2022):
    wb = open_workbook("calder-vale-housing", "2023-24", wb2022, interactive=True, as_of=AS_OF)
    part = wb.section(9)
    assert isinstance(part, HTMLFragment) and part.html == ""
    assert 9 not in wb.live.sections
    assert isinstance(wb.section(8), w.Accordion)


# -- the 2022 Code: tiers and subsections ----------------------------------------------------------

def test_the_2022_report_section_says_the_tiers_and_each_provisions_tier_in_words():
    answers = Assessment(landlord="x", period="2023-24", code="2022", answers={"2022:5.1": Answer(status="No")})
    page = views.section(C2022, 5, answers, {}, AS_OF).html
    heading = page.index('<h2 id="section-5">Section 5: Complaint stages</h2>')
    assert page.index(f'<p class="tiers-heading">{TIERS}</p>') > heading
    row = page[page.index('id="provision-5.1"'):page.index('id="provision-5.2"')]
    assert '<span class="tier must" title="Must requirement">Must</span>' in row
    assert 'data-code="must-not-met-unexplained"' in row  # the 2022 flag, beside the provision
    should = next(p for p in C2022.provisions if p.tier == "should")
    page = views.section(C2022, should.section, answers, {}, AS_OF).html
    row = page[page.index(f'id="provision-{should.number}"'):]
    assert ">Should</span>" in row[:row.index("</tr>")]
    assert [value for _, value in STATUS_OPTIONS] == ["", "Yes", "Partial", "No", "N/A"]  # whatever the tier


def test_the_2022_section_5_has_its_stages_as_sub_headings_in_order():
    answers = Assessment(landlord="x", period="2023-24", code="2022")
    page = views.section(C2022, 5, answers, {}, AS_OF).html
    subs = [p.subsection for p in C2022.provisions_in(5)]
    expected = list(dict.fromkeys(s for s in subs if s))
    assert expected[:2] == ["Stage 1", "Stage 2"]
    places = [page.index(f'<tr class="subsection"><th colspan="6">{s}</th></tr>') for s in expected]
    assert places == sorted(places)
    first_stage2 = next(p for p in C2022.provisions_in(5) if p.subsection == "Stage 2")
    assert places[0] < page.index('id="provision-5.1"') < places[1] < page.index(f'id="provision-{first_stage2.number}"')


def test_a_2024_section_has_no_tiers():
    answers = Assessment(landlord="x", period="2024-25", code="2024")
    page = views.section(C2024, 6, answers, {}, AS_OF).html
    assert "tiers-heading" not in page and 'class="tier' not in page and ">Comply</th>" in page


def test_the_2022_card_and_form_show_the_tier_and_the_must_flag(tmp_path):
    store = _store(tmp_path, C2022, "2023-24", {"2022:5.1": Answer(status="No")})
    card = render("provision_card", row=provision_row(C2022.provision("5.1"), store.answer("2022:5.1"), [], AS_OF))
    assert '<span class="tier must" title="Must requirement">Must</span>' in card
    assert 'data-code="must-not-met-unexplained"' in card
    form = _form(store, "5.1")
    header = form.widget.children[0].value
    assert 'class="chc-tier must"' in header and ">Must</span>" in header
    assert "must-not-met-unexplained" in form.flags.value
    assert [value for _, value in form.status.options] == ["", "Yes", "Partial", "No", "N/A"]
    form.commentary.value = "An alternative approach: a call within two days, then the written response."
    assert "must-not-met-unexplained" not in form.flags.value
    assert _on_disk(store, "2022:5.1").commentary.startswith("An alternative approach")


def test_the_2022_panel_opens_with_the_tiers_and_the_stages_as_sub_headings(tmp_path):
    store = _store(tmp_path, C2022, "2023-24", {})
    panel = SectionPanel(C2022.section(5), C2022.provisions_in(5), store, {}, lambda: None, AS_OF)
    panel.widget.selected_index = 0
    parts = list(panel.widget.children[0].children)
    texts = [p.value if isinstance(p, w.HTML) else None for p in parts]
    assert "Mandatory &#x27;must&#x27; and best practice &#x27;should&#x27; requirements" in texts[1]
    stage1 = next(i for i, t in enumerate(texts) if t and ">Stage 1</h4>" in t)
    stage2 = next(i for i, t in enumerate(texts) if t and ">Stage 2</h4>" in t)
    card_51 = parts.index(panel.cards[0].widget)
    assert stage1 < card_51 < stage2 and panel.cards[0].provision.number == "5.1"
    assert "Must" in panel.cards[0].html.value


# -- the 2020 Code: questions asking for a figure or a written answer --------------------------------

def test_a_figure_question_has_a_value_field_saved_on_leaving_it_and_keeps_na(tmp_path):
    store = _store(tmp_path, C2020, "2021-22", {})
    form = _form(store, "4.6")
    assert isinstance(form.value_field, w.Text) and not isinstance(form.value_field, w.Textarea)
    assert form.value_field.continuous_update is False  # saved when the auditor leaves the field
    shown = list(_flatten(form.widget))
    assert form.value_field in shown and form.not_applicable in shown and form.status.layout.display == "none"
    form.value_field.value = "  62.0%  "
    assert _on_disk(store, "2020:4.6").value == "62.0%"
    assert form.value_field.value == "62.0%"  # shown as stored
    entry = store.history()[-1]
    assert (entry["provision"], entry["field"], entry["new"], entry["user"]) == ("2020:4.6", "value", "62.0%", USER)
    form.not_applicable.value = True
    assert _on_disk(store, "2020:4.6").status.value == "N/A"
    form.not_applicable.value = False
    assert _on_disk(store, "2020:4.6").status is None
    form.value_field.value = ""
    assert _on_disk(store, "2020:4.6").value is None


def test_a_text_question_has_a_textarea_and_a_status_question_keeps_the_status(tmp_path):
    store = _store(tmp_path, C2020, "2021-22", {})
    form = _form(store, "8.1")
    assert isinstance(form.value_field, w.Textarea)
    form.value_field.value = "Letters rewritten in plain English.\nStaff training on remedies."
    assert _on_disk(store, "2020:8.1").value == "Letters rewritten in plain English.\nStaff training on remedies."
    status_form = _form(store, "4.3")
    shown = list(_flatten(status_form.widget))
    assert status_form.status in shown and status_form.value_field not in shown
    assert status_form.status.layout.display != "none"


def test_the_proposal_is_offered_and_using_it_is_the_auditors_saved_change(tmp_path):
    store = _store(tmp_path, C2020, "2021-22", {})
    notes = Notes({"4.5": PROPOSED})
    form = _form(store, "4.5", notes)
    assert f"Proposed from the case log: <b>87.5%</b> — {PROPOSED.basis}" in form.proposal_note.value
    assert form.use_proposal.description == "Use this figure" and look.visible(form.use_proposal)
    assert form.use_proposal in list(_flatten(form.widget))
    assert _on_disk(store, "2020:4.5").value is None  # a proposal is never an answer by itself
    form.use_proposal.click()
    assert _on_disk(store, "2020:4.5").value == "87.5%"
    assert form.value_field.value == "87.5%"
    assert "Your answer is the case log's: <b>87.5%</b>" in form.proposal_note.value
    assert not look.visible(form.use_proposal)
    entry = store.history()[-1]
    assert (entry["field"], entry["new"], entry["user"]) == ("value", "87.5%", USER)
    form.value_field.value = "85%"  # the auditor changes it: the proposal is offered again
    assert look.visible(form.use_proposal)
    no_proposal = _form(store, "4.6", notes)
    assert no_proposal.use_proposal not in list(_flatten(no_proposal.widget))


def test_the_report_shows_the_value_with_the_proposals_basis_when_it_is_the_proposal():
    answers = Assessment(landlord="x", period="2021-22", code="2020", answers={
        "2020:4.5": Answer(value="87.5%"), "2020:4.6": Answer(value="55%"), "2020:8.1": Answer(status="N/A",
                                                                                                 commentary="x")})
    proposals = {"4.5": PROPOSED, "4.6": Proposal("60.0%", "30 of 50"), "4.7": Proposal("Stage 1: 90.0%", "9 of 10")}
    page = views.section(C2020, 4, answers, {}, AS_OF, proposals=proposals).html
    assert ">Answer</th>" in page
    row = _row(page, "4.5")
    assert '<span class="value">87.5%</span>' in row and f"({PROPOSED.basis}; proposed from the case log)" in row
    assert "Proposed from the case log:" not in row
    row = _row(page, "4.6")
    assert '<span class="value">55%</span>' in row and "Proposed from the case log: 60.0% — 30 of 50" in row
    row = _row(page, "4.7")
    assert "Not answered" in row and "Proposed from the case log: Stage 1: 90.0% — 9 of 10" in row
    assert '<span class="badge na">N/A</span>' in _row(views.section(C2020, 8, answers, {}, AS_OF).html, "8.1")
    card = render("provision_card", row=provision_row(C2020.provision("4.5"), answers.answer("2020:4.5"), [], AS_OF,
                                                      proposal=PROPOSED))
    assert "Answer:</span>" in card and '<span class="value">87.5%</span>' in card and PROPOSED.basis in card


def test_the_workbook_works_out_the_proposals_once_and_the_form_offers_them(demo_inputs, monkeypatch):
    monkeypatch.setenv("CHC_AUDIT_USER", USER)
    registry = demo_inputs / "landlords.yaml"
    data = yaml.safe_load(registry.read_text(encoding="utf-8"))
    entry = next(e for e in data["landlords"] if e["id"] == "calder-vale-housing")
    entry["codes"] = {"2024-25": "2020"}  # assessed against the 2020 questions: the case log proposes answers
    registry.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    answers_file(demo_inputs / "calder-vale-housing", "2024-25").unlink()
    wb = open_workbook("calder-vale-housing", "2024-25", demo_inputs, interactive=True, as_of=AS_OF)
    assert wb.catalogue.code == "2020"
    from audit_lib.stats import proposals as module

    calls = []
    real = module.PROPOSALS["resolved_at_stage1"]
    monkeypatch.setitem(module.PROPOSALS, "resolved_at_stage1", lambda stats: calls.append(1) or real(stats))
    expected = module.proposals(C2020, wb.stats)
    calls.clear()
    assert "4.5" in expected
    wb.section(4)
    panel = wb.live.sections[4]
    panel.widget.selected_index = 0
    forms = panel.open_forms()
    wb.section(3)
    wb.live.sections[3].open_forms()
    assert calls == [1]  # once per workbook, however many cards and forms
    form = forms["4.5"]
    proposal = expected["4.5"]
    assert html.escape(proposal.value) in form.proposal_note.value
    card = next(c for c in panel.cards if c.provision.number == "4.5")
    assert "Proposed from the case log: " + str(markupsafe.escape(proposal.value)) in card.html.value
    form.use_proposal.click()
    saved = load_assessment(wb.landlord.answers_path("2024-25"), C2020, "calder-vale-housing", "2024-25")
    assert saved.answer("2020:4.5").value == proposal.value
    batch = open_workbook("calder-vale-housing", "2024-25", demo_inputs, as_of=AS_OF)
    row = _row(batch.section(4).html, "4.5")
    assert str(markupsafe.escape(proposal.basis.strip().strip("."))) + "; proposed from the case log" in row


# -- carried across versions, and new in this Code ----------------------------------------------------

def _carried(confirmed):
    return Answer(status="Partial", commentary="Carried.", confirmed=confirmed, carried=[
        CarriedFrom(provision="2022:5.1", kind="split", note=NOTE_5_1),
        CarriedFrom(provision="2022:5.2", kind="strengthened", note="should → must")])


def test_a_carried_draft_says_where_it_came_from_until_confirmed_then_quietly(tmp_path):
    store = _store(tmp_path, C2024, "2024-25", {"2024:6.3": _carried(False)}, carried_from="2023-24")
    card = render("provision_card", row=provision_row(C2024.provision("6.3"), store.answer("2024:6.3"), [], AS_OF))
    assert f"Carried from the 2022 Code: 5.1 (split) — {markupsafe.escape(NOTE_5_1)}" in card
    assert "Carried from the 2022 Code: 5.2 (strengthened) — should → must" in card
    assert "&lt;2024 6.3&gt;" in card and "<2024 6.3>" not in card
    form = _form(store, "6.3")
    assert f"Carried from the 2022 Code: 5.1 (split) — {html.escape(NOTE_5_1)}" in form.carried.value
    assert form.carried in list(_flatten(form.widget))
    form.confirm.click()
    assert _on_disk(store, "2024:6.3").confirmed
    assert "Carried from" not in form.carried.value
    assert "From 2022 5.1 (split)" in form.carried.value and "From 2022 5.2 (strengthened)" in form.carried.value
    assert NOTE_5_1 not in html.unescape(form.carried.value)
    card = render("provision_card", row=provision_row(C2024.provision("6.3"), store.answer("2024:6.3"), [], AS_OF))
    assert 'class="carried confirmed">From 2022 5.1 (split)</div>' in card and "Carried from" not in card


def test_the_report_section_shows_the_carried_lines_beside_the_draft():
    answers = Assessment(landlord="x", period="2024-25", code="2024", carried_from="2023-24",
                         answers={"2024:6.3": _carried(False)})
    row = _row(views.section(C2024, 6, answers, {}, AS_OF).html, "6.3")
    assert '<div class="carried">Carried from the 2022 Code: 5.1 (split)' in row
    assert row.count("Carried from") == 2  # the lines say it; no second "unconfirmed" flag repeats them


def test_a_provision_new_in_2024_is_flagged_on_the_card_the_form_and_in_the_report(demo_inputs, monkeypatch):
    monkeypatch.setenv("CHC_AUDIT_USER", USER)
    path = answers_file(demo_inputs / "calder-vale-housing", "2024-25")
    path.unlink()
    save_assessment(path, Assessment(landlord="calder-vale-housing", period="2024-25", code="2024",
                                     carried_from="2023-24", answers={"2024:6.3": _carried(False)}))
    note = load_crosswalk("2022", "2024").new["6.11"]
    words = f"New in 2024: no 2022 provision leads to this one — {note}"
    batch = open_workbook("calder-vale-housing", "2024-25", demo_inputs, as_of=AS_OF)
    assert batch.landlord.code_for(batch.period.previous) == "2022"
    page = batch.section(6).html
    assert str(markupsafe.escape(words)) in _row(page, "6.11")
    assert "New in 2024" not in _row(page, "6.3")
    wb = open_workbook("calder-vale-housing", "2024-25", demo_inputs, interactive=True, as_of=AS_OF)
    wb.section(6)
    panel = wb.live.sections[6]
    panel.widget.selected_index = 0
    card = next(c for c in panel.cards if c.provision.number == "6.11")
    assert str(markupsafe.escape(words)) in card.html.value
    form = card.open()
    assert html.escape(words) in form.new_note.value and form.new_note in list(_flatten(form.widget))


def test_nothing_is_new_without_a_carry_across_versions(demo_inputs):
    path = answers_file(demo_inputs / "calder-vale-housing", "2024-25")
    path.unlink()
    save_assessment(path, Assessment(landlord="calder-vale-housing", period="2024-25", code="2024",
                                     answers={"2024:6.11": Answer(status="Yes")}))
    wb = open_workbook("calder-vale-housing", "2024-25", demo_inputs, as_of=AS_OF)
    assert wb.new_provisions() == {} and "New in 2024" not in wb.section(6).html
    carried_same = wb.assessment.model_copy(update={"carried_from": "2023-24"})
    assert "6.11" in wb.new_provisions(carried_same)
    registry = demo_inputs / "landlords.yaml"
    data = yaml.safe_load(registry.read_text(encoding="utf-8"))
    next(e for e in data["landlords"] if e["id"] == "calder-vale-housing")["codes"] = {"2023-24": "2024"}
    registry.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    early = open_workbook("calder-vale-housing", "2024-25", demo_inputs, as_of=AS_OF)  # last year already 2024
    assert early.new_provisions(carried_same) == {}


# -- escaping --------------------------------------------------------------------------------------------

def test_notes_and_values_are_escaped_in_the_report_the_card_and_the_form(tmp_path):
    answer = Answer(value=SCRIPT, confirmed=False,
                    carried=[CarriedFrom(provision="2020:4.5", kind="reworded", note=SCRIPT)])
    proposal = Proposal(value=SCRIPT, basis=SCRIPT)
    new = NewProvision(code="2024", older="2022", note=SCRIPT)
    row = provision_row(C2020.provision("4.5"), answer, [], AS_OF, proposal=proposal, new=new)
    for page in (render("provision_card", row=row),
                 views.section(C2020, 4, Assessment(landlord="x", period="2021-22", code="2020",
                                                    answers={"2020:4.5": answer}), {}, AS_OF,
                               proposals={"4.5": proposal}, new={"4.5": new}).html):
        assert "<script>" not in page and "&lt;script&gt;" in page
    store = _store(tmp_path, C2020, "2021-22", {"2020:4.5": answer})
    form = _form(store, "4.5", Notes({"4.5": Proposal(value="90%", basis=SCRIPT)}, {"4.5": new}))
    for widget in (form.proposal_note, form.carried, form.new_note, form.flags):
        assert "<script>" not in widget.value
    assert "&lt;script&gt;" in form.proposal_note.value + form.carried.value + form.new_note.value
    assert form.value_field.value == SCRIPT  # a text box shows the text as typed


# -- helpers -----------------------------------------------------------------------------------------------

def _row(page, number):
    """The report table's row of provision ``number``."""
    start = page.index(f'<tr id="provision-{number}">')
    return page[start:page.index("</tr>", start)]


def _flatten(widget):
    """Every widget shown inside ``widget``."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _flatten(child)


def test_new_provisions_follow_the_code_the_drafts_were_carried_from_not_the_registry_now(tmp_path):
    """Drafts carried from 2022 keep their "new in 2024" flags even if the registry is later changed
    to say the period carried from was assessed against 2024."""
    from tests.conftest import write

    inputs = tmp_path / "inputs"
    write(inputs / "landlords.yaml", "group: {name: G}\nlandlords:\n"
          "  - {id: a-homes, name: A Homes, homes: 10, codes: {2023-24: '2024'}}\n")
    write(inputs / "a-homes" / "landlord.yaml", "case_log: {path: log.csv}\n")
    wb = open_workbook("a-homes", "2024-25", inputs, as_of="2025-06-30")
    drafts = Assessment(landlord="a-homes", period="2024-25", code="2024", carried_from="2023-24",
                        answers={"2024:1.2": Answer(status="Yes", confirmed=False, carried=[
                            CarriedFrom(provision="2022:1.2", kind="reworded", note="n")])})
    new = wb.new_provisions(drafts)
    assert "6.11" in new and new["6.11"].older == "2022"
    without = Assessment(landlord="a-homes", period="2024-25", code="2024", carried_from="2023-24",
                         answers={"2024:1.2": Answer(status="Yes", confirmed=False)})
    assert wb.new_provisions(without) == {}  # the registry says 2023-24 was under 2024: nothing new
