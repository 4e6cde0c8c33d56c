"""The 2020 and 2022 Codes beside 2024: their catalogues checked against the published forms
(seeds 000 and 004), their timescales, which Code applies to a period, and the crosswalks
between consecutive versions, with the ways a damaged data file is refused."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from audit_lib.code import versions as versions_module
from audit_lib.code.catalogue import add_code_folder, load_catalogue, remove_code_folder
from audit_lib.code.crosswalk import LinkKind, load_crosswalk
from audit_lib.code.timescales import optional_stages, stages
from audit_lib.code.versions import code_in_force, previous_version, versions
from audit_lib.config.landlords import LandlordEntry, load_registry
from audit_lib.core.periods import Period
from audit_lib.errors import CatalogueError

SEEDS = Path(__file__).parent / "data" / "seeds"
SEED_2020 = SEEDS / "000_954383515e813f0c.txt"  # a landlord's published self-assessment against the 2020 Code
SEED_2022 = SEEDS / "004_c12ef68dc0e349cb.txt"  # a landlord's copy of the 2022 self-assessment form (June 2023)


@pytest.fixture(scope="module")
def code_2022():
    return load_catalogue("2022")


@pytest.fixture(scope="module")
def code_2020():
    return load_catalogue("2020")


# --- reading the seeds, independently of the data files --------------------------------------

def seed_2022_rows() -> dict[str, tuple[str, str | None, str]]:
    """Each provision on the 2022 form: number -> (tier, subsection, requirement as printed).

    The form groups provisions under "Mandatory 'must' requirements" and "Best practice 'should'
    requirements" (section 5 further under "Stage 1" ...); a requirement cell may carry on in the
    second column of the lines after its row.
    """
    rows: dict[str, tuple[str, str | None, list[str]]] = {}
    tier = subsection = current = None
    for line in SEED_2022.read_text(encoding="utf-8").splitlines():
        row = re.match(r"(\d\.\d+)\t([^\t]*)", line)
        if row:
            assert tier is not None
            current = row.group(1)
            rows[current] = (tier, subsection, [row.group(2)])
        elif line.startswith("\t") and current:
            carried = line.split("\t")[1]
            if carried.strip():
                rows[current][2].append(carried)
        elif line.strip():
            current = None
            if line.startswith("Section "):
                subsection = None
            elif line.startswith("Mandatory 'must' requirements"):
                tier, subsection = "must", None
            elif line.startswith("Best practice 'should' requirements"):
                tier, subsection = "should", None
            elif re.fullmatch(r"Stage \d", line.strip()):
                subsection = line.strip()
    return {number: (t, s, " ".join(parts)) for number, (t, s, parts) in rows.items()}


def strip_html(text: str) -> str:
    """The form's cell as the data file writes it: markup stripped, each bullet a line beginning
    "- ", runs of spaces as one, no space before a full stop or comma."""
    items = re.sub(r"<[^>]+>", " ", text).split("•")
    return "\n- ".join(re.sub(r" ([.,])", r"\1", " ".join(item.split())) for item in items).strip()


def words(text: str) -> list[str]:
    return text.replace("\n- ", " ").replace("•", " ").split()


# --- the 2022 Code ---------------------------------------------------------------------------

def test_2022_sections_and_counts(code_2022):
    assert [s.title for s in code_2022.sections] == [
        "Definition of a complaint", "Accessibility and awareness", "Complaint handling personnel",
        "Complaint handling principles", "Complaint stages", "Putting things right",
        "Continuous learning and improvement", "Self-assessment and compliance",
    ]
    assert len(code_2022.provisions) == 72
    assert [len(code_2022.provisions_in(n)) for n in range(1, 9)] == [8, 8, 3, 19, 20, 6, 5, 3]


def test_2022_numbers_per_section(code_2022):
    def numbers(section):
        return [p.number for p in code_2022.provisions_in(section)]

    assert numbers(1) == [f"1.{i}" for i in range(2, 10)]  # 1.1 introduces the section
    assert numbers(2) == [f"2.{i}" for i in range(1, 9)]
    assert numbers(3) == ["3.1", "3.2", "3.3"]
    assert numbers(4) == [f"4.{i}" for i in range(1, 20)]
    assert numbers(5) == [f"5.{i}" for i in range(1, 21)]
    assert numbers(6) == ["6.1", "6.2", "6.3", "6.5", "6.6", "6.7"]  # the form has no 6.4
    assert numbers(7) == ["7.2", "7.3", "7.4", "7.5", "7.6"]  # nor 7.1
    assert numbers(8) == ["8.1", "8.2", "8.3"]


def test_2022_stages_of_section_5(code_2022):
    assert Counter(p.subsection for p in code_2022.provisions_in(5)) == {"Stage 1": 8, "Stage 2": 8, "Stage 3": 4}
    assert {p.subsection for p in code_2022.provisions if p.section != 5} == {None}
    assert code_2022.provision("5.1").subsection == "Stage 1"
    assert code_2022.provision("5.13").subsection == "Stage 2"
    assert code_2022.provision("5.18").subsection == "Stage 3"


def test_2022_must_and_should_per_section(code_2022):
    tiers = {s.number: Counter(p.tier for p in code_2022.provisions_in(s.number)) for s in code_2022.sections}
    assert {n: (c["must"], c["should"]) for n, c in tiers.items()} == {
        1: (6, 2), 2: (7, 1), 3: (2, 1), 4: (10, 9), 5: (12, 8), 6: (4, 2), 7: (1, 4), 8: (3, 0),
    }
    assert code_2022.has_tiers and not load_catalogue("2024").has_tiers
    # a few read off the form by eye: section 1's should requirements, section 7's one must
    assert [p.number for p in code_2022.provisions_in(1) if p.tier == "should"] == ["1.4", "1.5"]
    assert [p.number for p in code_2022.provisions_in(7) if p.tier == "must"] == ["7.2"]
    assert code_2022.provision("5.18").tier == "should" and "worded \"must\"" in (code_2022.provision("5.18").note or "")


def test_2022_tier_and_stage_of_every_provision_as_the_form_groups_them(code_2022):
    seed = seed_2022_rows()
    # the form lists a section's must requirements, then its should requirements
    assert sorted(seed) == sorted(p.number for p in code_2022.provisions)
    assert {p.number: (p.tier, p.subsection) for p in code_2022.provisions} == {
        number: (tier, subsection) for number, (tier, subsection, _) in seed.items()
    }


@pytest.mark.parametrize("number, text", [
    ("1.2", "A complaint must be defined as: 'an expression of dissatisfaction, however made, about the standard of "
            "service, actions or lack of action by the organisation, its own staff, or those acting on its behalf, "
            "affecting an individual resident or group of residents.'"),
    ("4.1", "Any decision to try and resolve a concern must be taken in agreement with the resident and a landlord's "
            "audit trail/records should be able to demonstrate this. Landlords must ensure that efforts to resolve a "
            "resident's concerns do not obstruct access to the complaints procedure or result in any unreasonable "
            "delay. It is not appropriate to have extra named stages (such as 'stage 0' or 'pre-complaint stage') as "
            "this causes unnecessary confusion for residents. When a complaint is made, it must be acknowledged and "
            "logged at stage one of the complaints procedure within five days of receipt."),
    ("5.1", "Landlords must respond to the complaint within 10 working days of the complaint being logged. "
            "Exceptionally, landlords may provide an explanation to the resident containing a clear timeframe for "
            "when the response will be received. This should not exceed a further 10 days without good reason."),
    ("5.13", "Landlords must respond to the stage two complaint within 20 working days of the complaint being "
             "escalated. Exceptionally, landlords may provide an explanation to the resident containing a clear "
             "timeframe for when the response will be received. This should not exceed a further 10 days without "
             "good reason."),
    ("7.6", "Landlords should have a standard objective in relation to complaint handling for all employees that "
            "reflects the need to:\n"
            "- have a collaborative and co-operative approach towards resolving complaints, working with colleagues "
            "across teams and departments\n"
            "- take collective responsibility for any shortfalls identified through complaints rather than blaming "
            "others\n"
            "- act within the Professional Standards for engaging with complaints as set by the Chartered Institute "
            "of Housing."),
    ("1.8", "A complaints policy must clearly set out the circumstances in which a matter will not be considered, and "
            "these circumstances should be fair and reasonable to residents."),
])
def test_2022_wording_word_for_word(code_2022, number, text):
    assert code_2022.provision(number).text == text
    assert strip_html(seed_2022_rows()[number][2]) == text


def test_2022_every_provision_worded_as_the_form(code_2022):
    seed = seed_2022_rows()
    # The form prints four lists without bullet marks; the data writes their items as lines.
    unmarked = {"5.8", "5.16", "5.20", "7.4"}
    for p in code_2022.provisions:
        if p.number in unmarked:
            assert words(p.text) == words(strip_html(seed[p.number][2])), p.number
            assert "\n- " in p.text
        else:
            assert p.text == strip_html(seed[p.number][2]), p.number


def test_2022_form_quotes_and_slips_are_noted(code_2022):
    assert code_2022.provision("1.6").text.startswith("... if further enquiries")
    assert "only the end" in (code_2022.provision("1.6").note or "")
    assert code_2022.provision("4.13").text.endswith("escalation of a complaint")  # no full stop, as published


def test_2022_ids(code_2022):
    assert code_2022.provision("2022:5.1").id == "2022:5.1"
    assert code_2022.provision("5.1") is code_2022.provision("2022:5.1")
    assert code_2022.ids[0] == "2022:1.2" and code_2022.ids[-1] == "2022:8.3"
    assert len(set(code_2022.ids)) == 72
    with pytest.raises(CatalogueError, match=re.escape("unknown provision '2022:6.4' in the 2022 Code")):
        code_2022.provision("2022:6.4")


def test_2022_every_provision_asks_for_a_status(code_2022):
    assert {p.answer for p in code_2022.provisions} == {"status"}
    assert code_2022.proposals == {}


# --- the 2020 Code -----------------------------------------------------------------------------

def test_2020_sections_and_counts(code_2020):
    assert len(code_2020.provisions) == 36
    assert [s.title for s in code_2020.sections] == [
        "Definition of a Complaint", "Accessibility", "Complaints team & process", "Communication",
        "Cooperation with Housing Ombudsman Service", "Fairness in complaint handling", "Outcomes & remedies",
        "Continuous learning & improvement",
    ]
    assert [len(code_2020.provisions_in(n)) for n in range(1, 9)] == [3, 4, 8, 10, 2, 4, 1, 4]
    assert not code_2020.has_tiers


def test_2020_answer_kinds(code_2020):
    kinds = {kind: [p.number for p in code_2020.provisions if p.answer == kind] for kind in ("figure", "text")}
    assert kinds == {"figure": ["4.5", "4.6", "4.7", "4.10", "6.3"], "text": ["3.8", "8.1", "8.2", "8.4"]}
    assert sum(p.answer == "status" for p in code_2020.provisions) == 27
    assert code_2020.proposals == {"3.8": "most_resolved_at", "4.5": "resolved_at_stage1",
                                   "4.6": "resolved_at_stage2", "4.7": "responses_within_timescales"}


@pytest.mark.parametrize("number, text", [
    ("1.1", "Does the complaints process use the following definition of a complaint?\n"
            "An expression of dissatisfaction, however made, about the standard of service, actions or lack of "
            "action by the organisation, its own staff, or those acting on its behalf, affecting an individual "
            "resident or group of residents."),
    ("4.3", "Are all complaints acknowledged and logged within five days?"),
    ("4.7", "What proportion of complaint responses are sent within code timescales?\n"
            "- Stage one (10 days)\n- Stage one with extension (10 days)\n- Stage 2 (20 days)\n"
            "- Stage 2 with extension (10 days)"),
    ("4.5", "What proprtion of complaints are resolved at stage 1?"),
    ("6.3", "How many cases did we refuse to escalate?"),
])
def test_2020_wording_word_for_word(code_2020, number, text):
    assert code_2020.provision(number).text == text
    seed = SEED_2020.read_text(encoding="utf-8")
    for line in text.splitlines():
        assert line.removeprefix("- ") in seed


def test_2020_every_question_is_on_the_published_form_in_order(code_2020):
    seed = SEED_2020.read_text(encoding="utf-8")
    at = 0
    for p in code_2020.provisions:
        for line in p.text.splitlines():
            found = seed.find(line.removeprefix("- "), at)
            assert found >= 0, (p.number, line)
            at = found + len(line.removeprefix("- "))
    # the landlord's answer after the second part of 4.7 is not part of the question
    assert "Stage one with extension (10 days) Not recorded" in seed
    assert "Not recorded" not in code_2020.provision("4.7").text


def test_2020_ids(code_2020):
    assert code_2020.provision("2020:4.3").id == "2020:4.3"
    assert code_2020.ids[0] == "2020:1.1" and code_2020.ids[-1] == "2020:8.4"
    with pytest.raises(CatalogueError, match=re.escape("unknown provision '2020:9.1'")):
        code_2020.provision("2020:9.1")


# --- timescales --------------------------------------------------------------------------------

def limits(code: str) -> dict[tuple[int, str], tuple[str, int, str | None] | None]:
    """(stage, step) -> (provision, working days, counted from) for the recorded stages."""
    out: dict[tuple[int, str], tuple[str, int, str | None] | None] = {}
    for stage in stages(code):
        ack = stage.acknowledge
        out[stage.number, "acknowledge"] = None if ack is None else (ack.provision, ack.working_days, None)
        out[stage.number, "respond"] = (stage.respond.provision, stage.respond.working_days, stage.respond_from)
        out[stage.number, "extension"] = (stage.extension.provision, stage.extension.working_days, None)
    return out


def test_2022_timescales():
    assert limits("2022") == {
        (1, "acknowledge"): ("4.1", 5, None), (1, "respond"): ("5.1", 10, "logged"), (1, "extension"): ("5.1", 10, None),
        (2, "acknowledge"): None, (2, "respond"): ("5.13", 20, "start"), (2, "extension"): ("5.13", 10, None),
    }
    (third,) = optional_stages("2022")
    assert (third.stage, third.optional, third.acknowledge, third.extension) == (3, True, None, None)
    assert (third.respond.provision, third.respond.working_days, third.respond.counted_from) == ("5.18", 20, "start")
    assert load_catalogue("2022").timescales.exclusion_window is None


def test_2020_timescales():
    assert limits("2020") == {
        (1, "acknowledge"): ("4.3", 5, None), (1, "respond"): ("4.7", 10, "logged"), (1, "extension"): ("4.8", 10, None),
        (2, "acknowledge"): None, (2, "respond"): ("4.7", 20, "start"), (2, "extension"): ("4.8", 10, None),
    }
    assert optional_stages("2020") == ()  # optional, but no time limit for it is known


def test_2024_timescales_unchanged():
    assert limits("2024") == {
        (1, "acknowledge"): ("6.2", 5, None), (1, "respond"): ("6.3", 10, "acknowledged"),
        (1, "extension"): ("6.4", 10, None),
        (2, "acknowledge"): ("6.11", 5, None), (2, "respond"): ("6.14", 20, "acknowledged"),
        (2, "extension"): ("6.15", 20, None),
    }
    assert optional_stages("2024") == ()
    assert [s.key("ack") for s in stages("2024")] == ["stage1_ack", "stage2_ack"]


# --- which Code applies to a period --------------------------------------------------------------

def test_versions_oldest_first():
    assert versions() == ("2020", "2022", "2024")
    assert [previous_version(v) for v in ("2020", "2022", "2024", "1999")] == [None, "2020", "2022", None]


@pytest.mark.parametrize("period, code", [
    ("2019-20", "2020"), ("2020-21", "2020"), ("2021-22", "2020"), ("2022-23", "2022"), ("2023-24", "2022"),
    ("2024-25", "2024"), ("2025-26", "2024"),
])
def test_code_in_force(period, code):
    assert code_in_force(Period.parse(period)) == code


def test_a_landlord_overrides_the_code_of_a_period():
    early = LandlordEntry(id="early-adopter", name="Early Adopter", homes=100, codes={"2023-24": "2024"})
    assert early.code_for(Period.parse("2023-24")) == "2024"
    assert early.code_for(Period.parse("2022-23")) == "2022"  # other periods: the Code in force
    assert early.code_for(Period.parse("2024-25")) == "2024"
    always = LandlordEntry(id="always", name="Always", homes=100, code="2022", codes={"2025-26": "2024"})
    assert [always.code_for(Period.parse(p)) for p in ("2021-22", "2024-25", "2025-26")] == ["2022", "2022", "2024"]
    plain = LandlordEntry(id="plain", name="Plain", homes=100)
    assert plain.code is None and plain.code_for(Period.parse("2021-22")) == "2020"


def test_the_registry_carries_codes_and_code(tmp_path):
    (tmp_path / "landlords.yaml").write_text(
        "group: {name: G}\nlandlords:\n"
        "  - {id: early, name: Early, homes: 10, codes: {'2023-24': '2024'}}\n"
        "  - {id: fixed, name: Fixed, homes: 10, code: '2022'}\n"
    )
    registry = load_registry(tmp_path)
    assert registry.get("early").code_for(Period.parse("2023-24")) == "2024"
    assert registry.get("fixed").code_for(Period.parse("2024-25")) == "2022"


# --- crosswalks ----------------------------------------------------------------------------------

PAIRS = [("2020", "2022"), ("2022", "2024")]


@pytest.mark.parametrize("older, newer", PAIRS)
def test_every_older_provision_appears_once(older, newer):
    crosswalk = load_crosswalk(older, newer)
    sources = Counter(link.source for link in crosswalk.links)
    assert sources == Counter(p.number for p in load_catalogue(older).provisions)


@pytest.mark.parametrize("older, newer", PAIRS)
def test_every_newer_provision_is_reached_or_new_never_both(older, newer):
    crosswalk = load_crosswalk(older, newer)
    reached = {number for link in crosswalk.links for number in link.to}
    for p in load_catalogue(newer).provisions:
        assert (p.number in reached) != crosswalk.is_new(p.number), p.number
        assert bool(crosswalk.predecessors(p.number)) == (p.number in reached)
    assert set(crosswalk.new) | reached == {p.number for p in load_catalogue(newer).provisions}


@pytest.mark.parametrize("older, newer", PAIRS)
def test_links_have_the_shape_of_their_kind(older, newer):
    crosswalk = load_crosswalk(older, newer)
    for link in crosswalk.links:
        assert link.note.strip()
        assert (link.kind is LinkKind.REMOVED) == (link.to == ())
        if link.kind is LinkKind.SPLIT:
            assert len(link.to) >= 2
        if link.kind is LinkKind.MERGED:
            assert any(set(other.to) & set(link.to) for other in crosswalk.links if other is not link)
    assert all(note.strip() for note in crosswalk.new.values())


def test_2024_provisions_with_no_predecessor_are_new():
    crosswalk = load_crosswalk("2022", "2024")
    assert set(crosswalk.new) == {"2.5", "3.3", "5.1", "5.4", "5.5", "5.7", "5.13", "6.11", "6.12", "6.20", "7.4",
                                  "9.2", "8.4", "8.5"}
    assert crosswalk.is_new("6.11") and crosswalk.is_new("2024:6.11")
    assert crosswalk.predecessors("6.11") == ()
    assert "acknowledgement" in crosswalk.new["6.11"]
    assert not crosswalk.is_new("6.3")


def test_2022_5_1_goes_to_2024_6_3_and_6_4():
    crosswalk = load_crosswalk("2022", "2024")
    link = crosswalk.link("2022:5.1")
    assert (link.source, link.to, link.kind) == ("5.1", ("6.3", "6.4"), LinkKind.SPLIT)
    assert "acknowledgement" in link.note and "logging" in link.note
    assert link in crosswalk.predecessors("6.3") and link in crosswalk.predecessors("2024:6.4")
    with pytest.raises(CatalogueError, match=re.escape("provision 6.4 is not in the 2022 Code's crosswalk to 2024")):
        crosswalk.link("6.4")


def test_2020_to_2022_examples():
    crosswalk = load_crosswalk("2020", "2022")
    assert crosswalk.link("2020:1.1").to == ("1.2",)
    assert crosswalk.is_new("1.4") and crosswalk.is_new("8.1")
    assert load_crosswalk("2020", "2022") is crosswalk


def test_no_crosswalk_between_versions_that_are_not_consecutive():
    with pytest.raises(CatalogueError, match="no crosswalk from the 2020 Code to the 2024 Code"):
        load_crosswalk("2020", "2024")


# --- damaged crosswalk and versions files ------------------------------------------------------

NUMBERS = ("1.1", "1.2", "1.3", "1.4", "1.5")
GOOD_CROSSWALK = """\
from: '{older}'
to: '{newer}'
links:
  - {{from: '1.1', to: ['1.1'], kind: same, note: kept}}
  - {{from: '1.2', to: ['1.2', '1.3'], kind: split, note: split in two}}
  - {{from: '1.3', to: [], kind: removed, note: gone}}
  - {{from: '1.4', to: ['1.4'], kind: merged, note: joined with 1.5}}
  - {{from: '1.5', to: ['1.4'], kind: merged, note: joined with 1.4}}
new:
  '1.5': new in the newer Code
"""


@pytest.fixture
def code_folder(tmp_path):
    add_code_folder(tmp_path)
    yield tmp_path
    remove_code_folder(tmp_path)


def write_pair(folder: Path, name: str, crosswalk: str) -> tuple[str, str, Path]:
    """Two small Codes (provisions 1.1 to 1.5) and a crosswalk between them, under version names of
    their own (a version and a crosswalk are read once per process)."""
    older, newer = f"xw-{name}-old", f"xw-{name}-new"
    provisions = "".join(f"  - {{number: '{n}', section: 1, text: t}}\n" for n in NUMBERS)
    for code in (older, newer):
        (folder / f"code_{code}.yaml").write_text(f"code: '{code}'\ntitle: x\npublisher: y\nin_force: z\n"
                                                  f"sections:\n  - {{number: 1, title: S}}\nprovisions:\n{provisions}")
    path = folder / f"crosswalk_{older}_{newer}.yaml"
    path.write_text(crosswalk.format(older=older, newer=newer))
    return older, newer, path


def test_a_good_small_crosswalk_loads(code_folder):
    older, newer, _ = write_pair(code_folder, "good", GOOD_CROSSWALK)
    crosswalk = load_crosswalk(older, newer)
    assert [link.kind for link in crosswalk.links] == ["same", "split", "removed", "merged", "merged"]
    assert crosswalk.new == {"1.5": "new in the newer Code"}


DROP_1_1 = "  - {{from: '1.1', to: ['1.1'], kind: same, note: kept}}\n"
NEW_1_5 = "new:\n  '1.5': new in the newer Code\n"


@pytest.mark.parametrize("name, change, expected", [
    ("missing", lambda s: s.replace(DROP_1_1, "").replace("'1.5': new", "'1.1': new\n  '1.5': new"),
     ["expected every {older} provision once; missing ['1.1']"]),
    ("twice", lambda s: s.replace(DROP_1_1, DROP_1_1 * 2),
     ["1.1 linked more than once; expected each {older} provision once"]),
    ("both", lambda s: s + "  '1.1': also new\n",
     ["new: 1.1 also reached by a link; a provision is new only when no {older} provision leads to it"]),
    ("neither", lambda s: s.replace(NEW_1_5, ""),
     ["1.5: expected each {newer} provision reached by a link or listed under new"]),
    ("stray", lambda s: s.replace("to: ['1.1']", "to: ['1.9']").replace("'1.5': new", "'1.1': new\n  '1.5': new"),
     ["1.9 named as {newer} provisions, which the {newer} Code has not"]),
    ("removed-with-targets", lambda s: s.replace("to: [], kind: removed", "to: ['1.5'], kind: removed")
     .replace(NEW_1_5, ""),
     ["link from 1.3: a removed provision has no 'to', and only a removed one"]),
    ("split-one", lambda s: s.replace("to: ['1.2', '1.3'], kind: split", "to: ['1.2'], kind: split")
     .replace("'1.5': new", "'1.3': new\n  '1.5': new"),
     ["link from 1.2: a split provision is carried by two or more provisions"]),
    ("merged-alone", lambda s: s.replace("{{from: '1.5', to: ['1.4'], kind: merged", "{{from: '1.5', to: ['1.5'], kind: same")
     .replace(NEW_1_5, ""),
     ["link from 1.4: merged, but no other provision leads to 1.4"]),
    ("other-pair", lambda s: s.replace("from: '{older}'", "from: '2022'"),
     ["the file is the crosswalk from 2022 to", "must give from: '{older}' and to: '{newer}'"]),
    ("unknown-kind", lambda s: s.replace("kind: same", "kind: renamed"),
     ["links.0.kind: Input should be", "(found 'renamed')"]),
])
def test_a_damaged_crosswalk_names_the_file_and_what_was_expected(code_folder, name, change, expected):
    older, newer, path = write_pair(code_folder, name, change(GOOD_CROSSWALK))
    with pytest.raises(CatalogueError) as caught:
        load_crosswalk(older, newer)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    for part in expected:
        assert part.format(older=older, newer=newer) in message, message


@pytest.fixture
def versions_file(tmp_path, monkeypatch):
    """A versions.yaml of the test's own, read instead of the product's while the test runs."""
    path = tmp_path / "versions.yaml"
    monkeypatch.setattr(versions_module, "code_data_file", lambda name: path if name == "versions.yaml" else None)
    versions_module._load.cache_clear()
    yield path
    versions_module._load.cache_clear()


@pytest.mark.parametrize("applies, expected", [
    ("  - {code: '2022', from: '2022-04-01'}\n  - {code: '2024', from: '2024-04-01'}\n  - {code: '2020', from: null}\n",
     "applies: list the versions newest first, each from a later day than the next"),
    ("  - {code: '2024', from: '2024-04-01'}\n  - {code: '2020', from: null}\n  - {code: '2022', from: '2022-04-01'}\n",
     "applies: only the last (oldest) version may have from: null, and it must"),
    ("  - {code: '2024', from: '2024-04-01'}\n  - {code: '2024', from: '2022-04-01'}\n  - {code: '2020', from: null}\n",
     "applies: each version once"),
    ("  - {code: '2024', from: '2024-04-31'}\n  - {code: '2020', from: null}\n", "applies.0.from"),
])
def test_a_damaged_versions_file_names_the_file_and_what_was_expected(versions_file, applies, expected):
    versions_file.write_text("applies:\n" + applies)
    with pytest.raises(CatalogueError) as caught:
        versions()
    assert str(caught.value).startswith(f"{versions_file}: ")
    assert expected in str(caught.value)


def test_the_versions_file_is_read_again_after_the_cache_is_cleared(versions_file):
    versions_file.write_text("applies:\n  - {code: '2024', from: '2024-04-01'}\n  - {code: '2020', from: null}\n")
    assert versions() == ("2020", "2024")
    assert code_in_force(Period.parse("2023-24")) == "2020"
