"""The residents' summary: plain lines in every catalogue, and the page made from the answers.

The page is read back with BeautifulSoup: the sections in the Code's order with their plain
lines, how each answer is told (evidence descriptions without references, actions by text and
month without owners), and that nothing internal reaches it (commentary, sign-off names, who
last changed an answer).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tomllib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from audit_lib import __version__
from audit_lib.assessment.answers import Action, Answer, Assessment, Evidence, SignOff, SignOffs
from audit_lib.assessment.answers_file import dump_assessment
from audit_lib.code.catalogue import load_catalogue
from audit_lib.core.io import sha256_of
from audit_lib.errors import FormError
from audit_lib.form.filled import FilledForm, filled_form
from audit_lib.form.summary import PUBLISHED_ALONGSIDE, TITLE, summary_html, write_summary
from tests.demo import DEMO_STARTED_2024_25

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ("2020", "2022", "2024")

COMMENTARY_YES = "Checked by Jane Smith on 3 May against the file POL-01 in SharePoint."
COMMENTARY_PARTIAL = "Internal note: waiting for legal sign-off from Tom Baker."
COMMENTARY_NA = "We hold no third-party contracts since the 2023 restructure (Ms Green)."
OWNER = "Priya Patel"
SIGNERS = ("Alex Preparer", "Robin Reviewer", "Chair Of The Board")
EDITOR = "sam.staffmember"


# --- the catalogue's plain lines ---------------------------------------------------------------


@pytest.mark.parametrize("code", VERSIONS)
def test_every_provision_has_a_plain_line_speaking_as_we(code: str) -> None:
    catalogue = load_catalogue(code)
    assert catalogue.provisions
    for provision in catalogue.provisions:
        plain = provision.plain
        assert plain, f"{provision.id} has no plain line"
        assert plain == plain.strip() and "\n" not in plain, provision.id
        assert len(plain) <= 300, (provision.id, len(plain))
        assert "landlord" not in plain.lower(), provision.id
        assert plain[0].isupper(), provision.id


def test_questions_asking_for_a_value_read_as_labels_and_the_others_as_what_we_do() -> None:
    catalogue = load_catalogue("2020")
    labels = {p.number: p.plain for p in catalogue.provisions if p.asks_for_value}
    assert sorted(labels, key=lambda n: tuple(map(int, n.split(".")))) == [
        "3.8", "4.5", "4.6", "4.7", "4.10", "6.3", "8.1", "8.2", "8.4"]
    assert labels["4.5"] == "The proportion of complaints we resolve at stage 1"
    assert all(not label.endswith(".") for label in labels.values() if label)
    assert catalogue.provision("1.1").plain.startswith("Use the Housing Ombudsman's definition of a complaint")


def test_seed_001s_wording_is_the_model_for_the_2024_lines() -> None:
    catalogue = load_catalogue("2024")
    assert catalogue.provision("2.1").plain == (
        "Accept your complaint unless there is a good reason not to, be able to show our reasons if we do not, "
        "and consider each complaint on its own merits.")
    assert "five working days" in catalogue.provision("6.2").plain


def test_the_template_ships_in_the_wheel() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["tool"]["setuptools"]["package-data"]["audit_lib.form"] == ["templates/*.j2"]
    assert (ROOT / "audit_lib" / "form" / "templates" / "summary.html.j2").is_file()


# --- the page ----------------------------------------------------------------------------------


def _signoffs() -> SignOffs:
    prepared, reviewed, approved = SIGNERS
    return SignOffs(
        prepared=SignOff(name=prepared, role="Complaints Manager", date=dt.date(2025, 5, 20)),
        reviewed=SignOff(name=reviewed, role="Head of Service", date=dt.date(2025, 5, 28)),
        approved=SignOff(name=approved, role="Board", date=dt.date(2025, 6, 12)),
    )


def _form(tmp_path: Path, code: str, answers: dict[str, Answer], *, signoff: SignOffs | None = None,
          with_file: bool = True) -> FilledForm:
    assessment = Assessment(landlord="riverbend-homes", period="2024-25", code=code, answers=answers,
                            signoff=signoff or SignOffs())
    path = None
    if with_file:
        path = tmp_path / "answers.yaml"
        path.write_text(dump_assessment(assessment), encoding="utf-8")
    return filled_form(load_catalogue(code), assessment, landlord_name="Riverbend Homes",
                       answers_sha256=sha256_of(path) if path else None, made=dt.date(2025, 7, 1))


def _answers_2024() -> dict[str, Answer]:
    return {
        "2024:1.2": Answer(status="Yes", commentary=COMMENTARY_YES, updated_by=EDITOR, evidence=[
            Evidence(description="Complaints policy, section 3", reference="POL-01"),
            Evidence(description="Staff training record for 2024", reference="https://intranet.example.org/doc/7"),
        ]),
        "2024:1.3": Answer(status="Partial", commentary=COMMENTARY_PARTIAL, updated_by=EDITOR,
                           evidence=[Evidence(description="Third-party complaints leaflet (draft)", reference="LF-09")],
                           actions=[Action(text="Publish the guidance on complaints made by representatives",
                                           owner=OWNER, due=dt.date(2026, 3, 31)),
                                    Action(text="Brief the contact centre", owner=OWNER, done=True)]),
        "2024:2.1": Answer(status="No", commentary="Not yet; see the board paper.",
                           actions=[Action(text="Write reasons for refusals into the case system", owner=OWNER,
                                           due=dt.date(2025, 11, 30))]),
        "2024:5.5": Answer(status="N/A", commentary=COMMENTARY_NA),
        "2024:3.1": Answer(status="Yes", evidence=[
            Evidence(description="<script>alert('x')</script> Easy Read leaflet", reference="LF-01"),
            Evidence(description="Reasonable adjustments \u202epolicy", reference="POL-07"),
        ]),
    }


def _soup(form: FilledForm) -> BeautifulSoup:
    return BeautifulSoup(summary_html(form), "html.parser")


def _section(soup: BeautifulSoup, title: str) -> Tag:
    for section in soup.select("section.code-section"):
        if section.h2 is not None and section.h2.get_text(strip=True) == title:
            return section
    raise AssertionError(f"no section {title!r}")


def _lists(section: Tag, heading: str) -> dict[str, Tag]:
    """The lists under one of a section's h3 headings, by their lead ("We must:")."""
    h3 = next(h for h in section.find_all("h3") if h.get_text(strip=True) == heading)
    found: dict[str, Tag] = {}
    for sibling in h3.find_next_siblings():
        if sibling.name == "h3":
            break
        if sibling.name == "p" and "lead" in (sibling.get("class") or []):
            ul = sibling.find_next_sibling("ul")
            assert ul is not None
            found[sibling.get_text(strip=True)] = ul
    return found


def _items(ul: Tag) -> list[str]:
    """The first line of each top-level item (its own text, without nested lists)."""
    return [li.find(string=True, recursive=False).strip() for li in ul.find_all("li", recursive=False)]


def test_the_page_has_the_title_the_landlord_and_the_approval_date(tmp_path: Path) -> None:
    soup = _soup(_form(tmp_path, "2024", _answers_2024(), signoff=_signoffs()))
    assert soup.title is not None and soup.title.get_text() == f"{TITLE}: Riverbend Homes"
    assert soup.h1 is not None and soup.h1.get_text() == "How we meet the Housing Ombudsman's Complaint Handling Code"
    assert soup.select_one(".landlord").get_text() == "Riverbend Homes"
    assert soup.select_one(".as-at").get_text() == "As at 12 June 2025"
    intro = soup.select_one("section.introduction").get_text(" ", strip=True)
    assert "Every year we assess how well we meet the Code, and we publish our self-assessment." in intro
    assert "for 2024-25 against the 2024 Complaint Handling Code" in intro
    assert soup.footer is not None and soup.footer.get_text(strip=True) == PUBLISHED_ALONGSIDE
    assert not soup.find_all(["script", "img", "link", "iframe"])
    assert {a["href"] for a in soup.find_all("a")} == {"https://www.housing-ombudsman.org.uk/"}


def test_without_an_approval_the_page_is_as_at_the_day_it_was_made(tmp_path: Path) -> None:
    soup = _soup(_form(tmp_path, "2024", {}))
    assert soup.select_one(".as-at").get_text() == "As at 1 July 2025"


def test_sections_in_order_with_their_plain_lines_as_we_must(tmp_path: Path) -> None:
    catalogue = load_catalogue("2024")
    soup = _soup(_form(tmp_path, "2024", _answers_2024()))
    titles = [s.h2.get_text(strip=True) for s in soup.select("section.code-section") if s.h2 is not None]
    assert titles == [s.title for s in catalogue.sections]
    for section in catalogue.sections:
        lists = _lists(_section(soup, section.title), "What the Housing Ombudsman requires us to do")
        expected = [p.plain for p in sorted(catalogue.provisions_in(section.number), key=lambda p: p.sort_key)]
        assert list(lists) == ["We must:"]
        assert _items(lists["We must:"]) == expected
    # section 1 holds 1.2 to 1.6: five lines
    assert len(_items(_lists(_section(soup, "Definition of a complaint"),
                             "What the Housing Ombudsman requires us to do")["We must:"])) == 5


def test_a_yes_gives_the_plain_line_and_none_of_the_landlords_words(tmp_path: Path) -> None:
    catalogue = load_catalogue("2024")
    html = summary_html(_form(tmp_path, "2024", _answers_2024()))
    soup = BeautifulSoup(html, "html.parser")
    comply = _lists(_section(soup, "Definition of a complaint"), "How we comply")
    assert list(comply) == ["We:", "We do not yet fully:", "Not yet assessed:"]
    (yes,) = comply["We:"].find_all("li", recursive=False)
    assert yes.get_text(strip=True) == catalogue.provision("1.2").plain
    # evidence is the landlord's own filing (documents, systems, people): never on the page
    for internal in ("Complaints policy, section 3", "Staff training record", "POL-01", "LF-09", "LF-01", "POL-07",
                     "intranet.example.org"):
        assert internal not in html
    # the unanswered provisions of the section, in order
    assert _items(comply["Not yet assessed:"]) == [catalogue.provision(n).plain for n in ("1.4", "1.5", "1.6")]


def test_a_partial_or_a_no_says_how_many_actions_and_when_the_next_is_due(tmp_path: Path) -> None:
    catalogue = load_catalogue("2024")
    html = summary_html(_form(tmp_path, "2024", _answers_2024()))
    soup = BeautifulSoup(html, "html.parser")
    comply = _lists(_section(soup, "Definition of a complaint"), "How we comply")
    (partial,) = comply["We do not yet fully:"].find_all("li", recursive=False)
    assert partial.find(string=True, recursive=False).strip() == catalogue.provision("1.3").plain
    assert [p.get_text() for p in partial.select("p.sub")] == [
        "We are working on this: 1 action, the next due by March 2026.", "Done so far: 1 action."]
    # the actions' own words and owners are the landlord's internal notes
    for internal in ("Publish the guidance", "Brief the contact centre", "Write reasons for refusals", OWNER):
        assert internal not in html
    no = _lists(_section(soup, "Exclusions"), "How we comply")["We do not yet:"]
    assert _items(no) == [catalogue.provision("2.1").plain]
    assert [p.get_text() for p in no.select("p.sub")] == ["We are working on this: 1 action, the next due by "
                                                          "November 2025."]


def test_not_applicable_is_said_without_the_commentary(tmp_path: Path) -> None:
    catalogue = load_catalogue("2024")
    soup = _soup(_form(tmp_path, "2024", _answers_2024()))
    na = _lists(_section(soup, "The complaint handling process"), "How we comply")[
        "These parts of the Code do not apply to us:"]
    assert _items(na) == [catalogue.provision("5.5").plain]
    assert not na.select("ul")


def test_nothing_internal_reaches_the_page(tmp_path: Path) -> None:
    html = summary_html(_form(tmp_path, "2024", _answers_2024(), signoff=_signoffs()))
    for internal in (COMMENTARY_YES, "Jane Smith", COMMENTARY_PARTIAL, "Tom Baker", COMMENTARY_NA, "Ms Green",
                     "board paper", OWNER, EDITOR, *SIGNERS, "Complaints Manager", "Head of Service",
                     "riverbend-homes", "Partial", "N/A"):
        assert internal not in html, internal


def test_markup_typed_anywhere_never_reaches_the_page(tmp_path: Path) -> None:
    html = summary_html(_form(tmp_path, "2024", _answers_2024()))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None and "alert(" not in html and "Easy Read" not in html


def test_meta_tags_carry_the_version_and_the_answers_sha256(tmp_path: Path) -> None:
    form = _form(tmp_path, "2024", _answers_2024())
    soup = _soup(form)
    digest = hashlib.sha256((tmp_path / "answers.yaml").read_bytes()).hexdigest()
    assert soup.find("meta", attrs={"name": "generator"})["content"] == f"chc-audit {__version__}"
    assert soup.find("meta", attrs={"name": "answers-sha256"})["content"] == digest
    visible = soup.body.get_text() if soup.body else ""
    assert digest not in visible and __version__ not in visible


def test_without_an_answers_file_there_is_no_sha256_tag(tmp_path: Path) -> None:
    soup = _soup(_form(tmp_path, "2024", {}, with_file=False))
    assert soup.find("meta", attrs={"name": "answers-sha256"}) is None
    assert soup.find("meta", attrs={"name": "generator"}) is not None


def test_the_2022_code_splits_must_from_should(tmp_path: Path) -> None:
    catalogue = load_catalogue("2022")
    soup = _soup(_form(tmp_path, "2022", {"2022:1.4": Answer(status="Yes")}))
    assert '"We must" marks what the Code requires' in soup.select_one("section.introduction").get_text()
    lists = _lists(_section(soup, "Definition of a complaint"), "What the Housing Ombudsman requires us to do")
    assert list(lists) == ["We must:", "We should:"]
    plain = {p.number: p.plain for p in catalogue.provisions}
    assert _items(lists["We must:"]) == [plain[n] for n in ("1.2", "1.3", "1.6", "1.7", "1.8", "1.9")]
    assert _items(lists["We should:"]) == [plain[n] for n in ("1.4", "1.5")]
    comply = _lists(_section(soup, "Definition of a complaint"), "How we comply")
    assert _items(comply["We:"]) == [plain["1.4"]]
    # section 8 (self-assessment and compliance) has musts only
    assert list(_lists(_section(soup, "Self-assessment and compliance"),
                       "What the Housing Ombudsman requires us to do")) == ["We must:"]


def test_the_2020_questions_give_figures_and_point_to_written_answers(tmp_path: Path) -> None:
    catalogue = load_catalogue("2020")
    answers = {
        "2020:4.1": Answer(status="Yes", evidence=[Evidence(description="Update letters", reference="TPL-3")]),
        "2020:4.5": Answer(value="62%", commentary="From the CRM report run by D. Jones."),
        "2020:4.7": Answer(value="Stage one: 81%\nStage 2: 74%"),
        "2020:8.1": Answer(value="New repairs triage led by D. Jones.\nClearer letters."),
    }
    html = summary_html(_form(tmp_path, "2020", answers))
    soup = BeautifulSoup(html, "html.parser")
    communication = _section(soup, "Communication")
    lists = _lists(communication, "What the Housing Ombudsman requires us to do")
    assert list(lists) == ["We are expected to:", "We are asked to report:"]
    assert _items(lists["We are expected to:"]) == [catalogue.provision(n).plain
                                                      for n in ("4.1", "4.2", "4.3", "4.4", "4.8", "4.9")]
    assert _items(lists["We are asked to report:"]) == [catalogue.provision(n).plain
                                                         for n in ("4.5", "4.6", "4.7", "4.10")]
    comply = _lists(communication, "How we comply")
    assert list(comply) == ["We:", "Our figures and answers:", "Not yet assessed:"]
    assert [li.get_text() for li in comply["Our figures and answers:"].find_all("li", recursive=False)] == [
        "The proportion of complaints we resolve at stage 1: 62%",
        f"{catalogue.provision('4.7').plain}: Stage one: 81% Stage 2: 74%",
    ]
    unassessed = _items(comply["Not yet assessed:"])
    assert catalogue.provision("4.6").plain in unassessed and catalogue.provision("4.2").plain in unassessed
    learning = _lists(_section(soup, "Continuous learning & improvement"), "How we comply")
    # a written answer is the landlord's own words: pointed to, not printed
    assert [li.get_text() for li in learning["Our figures and answers:"].find_all("li")] == [
        "The improvements we have made by learning from complaints: answered in our full self-assessment"]
    assert "D. Jones" not in html and "TPL-3" not in html and "triage" not in html


# --- writing the file --------------------------------------------------------------------------


def test_write_summary_writes_the_page_atomically(tmp_path: Path) -> None:
    form = _form(tmp_path, "2024", _answers_2024())
    target = tmp_path / "out" / "summary.html"
    write_summary(form, target)
    assert target.read_text(encoding="utf-8") == summary_html(form)
    target.write_text("old", encoding="utf-8")
    write_summary(form, target)
    assert target.read_text(encoding="utf-8") == summary_html(form)
    assert sorted(p.name for p in target.parent.iterdir()) == ["summary.html"]


def test_write_summary_refuses_a_symbolic_link(tmp_path: Path) -> None:
    form = _form(tmp_path, "2024", {})
    elsewhere = tmp_path / "elsewhere.html"
    elsewhere.write_text("keep", encoding="utf-8")
    link = tmp_path / "summary.html"
    os.symlink(elsewhere, link)
    with pytest.raises(FormError, match="symbolic link") as raised:
        write_summary(form, link)
    assert raised.value.path == link
    assert elsewhere.read_text(encoding="utf-8") == "keep" and link.is_symlink()
    dangling = tmp_path / "dangling.html"
    os.symlink(tmp_path / "missing.html", dangling)
    with pytest.raises(FormError, match="symbolic link"):
        write_summary(form, dangling)
    assert not (tmp_path / "missing.html").exists()


def test_write_summary_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(FormError, match="found a folder"):
        write_summary(_form(tmp_path, "2024", {}), tmp_path)


@pytest.mark.parametrize("landlord_id", DEMO_STARTED_2024_25)
def test_the_demo_landlords_summaries_hold_nothing_internal(demo_inputs: Path, tmp_path: Path,
                                                             landlord_id: str) -> None:
    from audit_lib.config.landlords import load_landlord
    from audit_lib.form.exporter import export_form, landlord_form

    landlord = load_landlord(demo_inputs, landlord_id)
    form = landlord_form(landlord, "2024-25")
    written = export_form(landlord, "2024-25", "summary", output=tmp_path, outputs=tmp_path / "outputs")
    assert written == tmp_path / "summary_for_residents.html"
    html = written.read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("meta", attrs={"name": "answers-sha256"})["content"] == form.answers_sha256
    assert soup.select_one(".landlord").get_text() == landlord.name
    internal = {s.name for s in (form.signoff.prepared, form.signoff.reviewed, form.signoff.approved) if s}
    internal |= {e.description for r in form.rows for e in r.evidence}
    internal |= {e.reference for r in form.rows for e in r.evidence if e.reference}
    internal |= {r.commentary.strip() for r in form.rows if r.commentary.strip()}
    internal |= {a.text for r in form.rows for a in r.actions} | {a.owner for r in form.rows for a in r.actions if a.owner}
    assert internal, "the demo answers have evidence, commentary and actions to leave out"
    page = soup.body.get_text(" ") if soup.body else ""
    for text in internal:
        # a role may also be a heading's word ("Complaints Manager" is no heading): compare whole texts
        assert text not in page and str(BeautifulSoup(f"<p>{text}</p>", "html.parser").p) not in html, text
    answered = [r for r in form.rows if r.status is not None]
    shown = [li.find(string=True, recursive=False).strip()
             for li in soup.select("ul.compliance > li") if li.find(string=True, recursive=False)]
    assert len(shown) == len(form.rows)  # every provision once under "How we comply"
    assert answered and all(r.plain in shown for r in answered)
