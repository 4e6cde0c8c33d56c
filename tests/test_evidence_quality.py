"""Evidence-quality findings: each rule on both sides of its threshold, and a published self-assessment."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path

import pytest

from audit_lib.assessment.answers import Answer, Assessment, Evidence, SignOff, SignOffs
from audit_lib.code.catalogue import Catalogue, load_catalogue
from audit_lib.config.finding_settings import FindingSettings
from audit_lib.evidence.register import EvidenceRegister, load_register
from audit_lib.findings.evidence_quality import boilerplate_key, evidence_findings, is_vague
from audit_lib.findings.model import Finding, FindingCode, Severity

CODE = FindingCode
SEED_NAME = "002_5569c6dfbbac1049.txt"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue("2024")


def item(description: str, reference: str | None = None) -> Evidence:
    return Evidence(description=description, reference=reference)


def answer(status: str | None = "Yes", *evidence: Evidence, commentary: str = "") -> Answer:
    return Answer(status=status, evidence=list(evidence), commentary=commentary)


def assessment(answers: dict[str, Answer], signoff: SignOffs | None = None) -> Assessment:
    return Assessment(landlord="riverbend-homes", period="2024-25", answers=answers, signoff=signoff or SignOffs())


def found(catalogue: Catalogue, answers: dict[str, Answer], register: EvidenceRegister | None = None,
          settings: FindingSettings | None = None, signoff: SignOffs | None = None,
          code: FindingCode | None = None) -> list[Finding]:
    findings = evidence_findings(catalogue, assessment(answers, signoff), register, settings or FindingSettings())
    assert all(f.severity is Severity.EVIDENCE for f in findings)
    return [f for f in findings if code is None or f.code is code]


def provisions(findings: list[Finding]) -> list[str]:
    return [f.provision for f in findings]


GOOD = item("Stage 1 acknowledgement report for Q1-Q4 shows 412 of 430 acknowledged in time", "https://e.org/r1")


# -- vague ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["n/a", "N/A.", "Yes", "see policy", "As above", "see above", "Policy", "TBC",
                                  "various", "See Policy!"])
def test_stock_phrases_are_vague_whatever_they_cite(catalogue: Catalogue, text: str) -> None:
    [finding] = found(catalogue, {"2024:1.2": answer("Yes", item(text, "https://e.org/policy"))}, code=CODE.EVIDENCE_VAGUE)
    assert finding.provision == "2024:1.2" and finding.figures == {"items": 1, "evidence_items": 1}
    assert finding.message.startswith("The evidence says too little to show the provision is met (‘")


def test_a_few_words_without_a_reference_are_vague_on_both_sides_of_the_setting(catalogue: Catalogue) -> None:
    four = item("Complaints policy clause four")  # 4 words: at the default limit
    five = item("Complaints policy clause four applies")  # 5 words
    answers = {"2024:1.2": answer("Yes", four), "2024:1.3": answer("Yes", five),
               "2024:1.4": answer("Yes", item("Complaints policy clause four", "POL-01"))}  # cites a document
    assert provisions(found(catalogue, answers, code=CODE.EVIDENCE_VAGUE)) == ["2024:1.2"]
    assert provisions(found(catalogue, answers, settings=FindingSettings(vague_evidence_words=5),
                            code=CODE.EVIDENCE_VAGUE)) == ["2024:1.2", "2024:1.3"]
    assert provisions(found(catalogue, answers, settings=FindingSettings(vague_evidence_words=3),
                            code=CODE.EVIDENCE_VAGUE)) == []


def test_vague_counts_items_and_skips_unanswered_provisions(catalogue: Catalogue) -> None:
    answers = {"2024:1.2": answer("Partial", item("n/a"), item("yes"), GOOD),
               "2024:1.3": answer(None, item("n/a")),  # not yet answered
               "2024:1.4": answer("N/A", item("tbc")),
               "2024:1.5": answer("Yes", GOOD)}
    findings = found(catalogue, answers, code=CODE.EVIDENCE_VAGUE)
    assert provisions(findings) == ["2024:1.2", "2024:1.4"]
    assert findings[0].figures == {"items": 2, "evidence_items": 3}
    assert findings[0].message.startswith("2 of 3 evidence items say too little to show the provision is met "
                                          "(‘n/a’; ‘yes’)")


def test_is_vague() -> None:
    assert is_vague("N/A", "POL-01", 4) and is_vague("a b c d", None, 4) and is_vague("a b c d", "  ", 4)
    assert not is_vague("a b c d e", None, 4) and not is_vague("a b c d", "POL-01", 4)
    assert is_vague("N/a in past year", None, 4)  # "n/a" is one word; a dash alone is none
    assert is_vague("Policy – section 3 – here", None, 4) and not is_vague("Policy – section 3 – here", None, 3)


# -- boilerplate ------------------------------------------------------------------------------------

SECTIONED = ["Covered in Complaints Policy Section 3", "Covered in complaints policy section 5.",
             "Covered in Complaints Policy, Section 12", "COVERED IN COMPLAINTS POLICY SECTIONS 6 AND 7"]


def test_the_same_evidence_on_four_provisions_is_boilerplate(catalogue: Catalogue) -> None:
    ids = ["2024:1.2", "2024:1.3", "2024:1.4", "2024:1.5"]
    answers = {pid: answer("Yes", item(text, "POL-01")) for pid, text in zip(ids, SECTIONED)}
    findings = found(catalogue, answers, code=CODE.EVIDENCE_BOILERPLATE)
    assert provisions(findings) == ids
    assert all(f.figures == {"provisions": 4, "field": "evidence"} for f in findings)
    assert findings[1].message.startswith("The same evidence appears on 4 provisions (‘Covered in complaints policy "
                                          "section 5.’, compared without case, punctuation or section numbers)")
    # three provisions: below the default
    del answers["2024:1.5"]
    assert found(catalogue, answers, code=CODE.EVIDENCE_BOILERPLATE) == []
    assert len(found(catalogue, answers, settings=FindingSettings(boilerplate_provisions=3),
                     code=CODE.EVIDENCE_BOILERPLATE)) == 3


def test_boilerplate_counts_provisions_not_items_and_only_answered_ones(catalogue: Catalogue) -> None:
    text = "Covered in the complaints policy"
    answers = {"2024:1.2": answer("Yes", item(text), item(text + ".")),  # twice on one provision: counts once
               "2024:1.3": answer("Yes", item(text)), "2024:1.4": answer("No", item(text)),
               "2024:1.5": answer(None, item(text))}  # not answered: not counted
    assert found(catalogue, answers, code=CODE.EVIDENCE_BOILERPLATE) == []
    answers["2024:1.6"] = answer("Partial", item(text))
    findings = found(catalogue, answers, code=CODE.EVIDENCE_BOILERPLATE)
    assert provisions(findings) == ["2024:1.2", "2024:1.3", "2024:1.4", "2024:1.6"]


def test_repeated_commentary_is_boilerplate(catalogue: Catalogue) -> None:
    words = "We comply fully with this provision and keep it under review (see 2024 policy review)."
    ids = ["2024:2.1", "2024:2.2", "2024:2.3", "2024:2.4"]

    def own(pid: str) -> Evidence:  # evidence of each provision's own
        return item(f"Sample of cases checked against provision {pid} by the complaints team", "POL-01")

    answers = {pid: answer("Yes", own(pid), commentary=words) for pid in ids[:3]}
    assert found(catalogue, answers, code=CODE.EVIDENCE_BOILERPLATE) == []
    answers[ids[3]] = answer("Yes", own(ids[3]), commentary=words.upper())
    findings = found(catalogue, answers, code=CODE.EVIDENCE_BOILERPLATE)
    assert provisions(findings) == ids and findings[0].figures == {"provisions": 4, "field": "commentary"}
    quoted = "‘We comply fully with this provision and keep it under review (see 2024 policy r…’"  # cut to 80
    assert f"The same commentary appears on 4 provisions ({quoted}" in findings[0].message


def test_genuinely_different_evidence_is_not_boilerplate(catalogue: Catalogue) -> None:
    texts = ["Stage 1 report Q1-Q4", "Stage 2 report Q1-Q4", "Stage 1 report Q1-Q4 2024", "Stage 1 report Q1-Q4 2023",
             "Complaints policy section 3 – we sampled 20 cases and all were acknowledged in time",
             "Complaints policy section 4 – two residents' complaints by phone were logged the same day",
             "Board minutes 12 March 2024", "Board minutes 5 June 2024",
             "Training records: 42 staff completed complaint handling e-learning",
             "Self-assessment published on our website", "MRC appointed by the Board (minutes 3/2024)"]
    catalogue_ids = [p.id for p in catalogue.provisions]
    answers = {pid: answer("Yes", item(text, "https://e.org/x")) for pid, text in zip(catalogue_ids, texts)}
    # the three "Stage 1 report" lines differ only by a year ending them: one text on three provisions
    assert found(catalogue, answers, code=CODE.EVIDENCE_BOILERPLATE) == []
    assert len({boilerplate_key(t) for t in texts}) == len(texts) - 2


@pytest.mark.parametrize(("a", "b"), [
    ("Covered in Complaints Policy Section 3 – What is a complaint",
     "Covered in Complaints Policy Section 12 – Learning from complaints"),
    ("Covered in Complaints Policy Sections 6 and 7– Complaints procedure", "Covered in Complaints Policy Section 1"),
    ("Covered in Complaints Policy Section 3 – What is a complaint and Section 4 - Submitting complaints",
     "Covered in Complaints Policy Section 8 – Putting things right"),
    ("See complaints policy para 4.2", "See complaints policy paragraph 7"),
    ("Complaints policy 3.2", "complaints policy"),
])
def test_boilerplate_key_sees_the_same_line(a: str, b: str) -> None:
    assert boilerplate_key(a) == boilerplate_key(b) != ""


@pytest.mark.parametrize(("a", "b"), [
    ("Stage 1 report", "Stage 2 report"),
    ("Covered in Complaints Policy Section 3", "Covered in Lettings Policy Section 3"),
    ("Policy section 3 – we sampled 20 cases and found all acknowledged within five days",
     "Policy section 3 – we sampled 20 cases and found 3 acknowledged late, now addressed"),
    ("Covered in Complaint Policy published on the Co- ops page on CHS's website",
     "Covered in Complaints Policy Section 3 – What is a complaint"),
])
def test_boilerplate_key_keeps_different_lines_apart(a: str, b: str) -> None:
    assert boilerplate_key(a) != boilerplate_key(b)


# -- without a document, not in the register --------------------------------------------------------

def test_yes_or_partial_with_no_reference_at_all(catalogue: Catalogue) -> None:
    long = "Stage 1 acknowledgement report for the year shows most acknowledged in time"
    answers = {"2024:1.2": answer("Yes", item(long)), "2024:1.3": answer("Partial", item(long), item(long + " too")),
               "2024:1.4": answer("Yes", item(long), item(long, "POL-01")),  # one item cites a document
               "2024:1.5": answer("No", item(long)), "2024:1.6": answer("N/A", item(long)),
               "2024:2.1": answer("Yes")}  # no evidence at all: the review flag 'yes-without-evidence' says so
    findings = found(catalogue, answers, code=CODE.EVIDENCE_WITHOUT_DOCUMENT)
    assert provisions(findings) == ["2024:1.2", "2024:1.3"]
    assert findings[0].message == ("‘Yes’ with no document: its evidence item cites none. Give the evidence a "
                                   "reference: a document in the evidence register or a web link.")
    assert findings[1].figures == {"evidence_items": 2}
    assert findings[1].message.startswith("‘Partial’ with no document: none of its 2 evidence items cites one.")


def test_references_not_in_the_register(catalogue: Catalogue, tmp_path: Path) -> None:
    long = "Stage 1 acknowledgement report for the year shows most acknowledged in time"
    answers = {"2024:1.2": answer("Yes", item(long, "POL-01"), item(long, "https://e.org/p"), item(long, "POL-01")),
               "2024:1.3": answer("Yes", item(long, "www.example.org"), item(long, "javascript:alert(1)")),
               "2024:1.4": answer(None, item(long, "POL-99"))}
    # no register: every reference that is not a web link
    findings = found(catalogue, answers, None, code=CODE.EVIDENCE_NOT_IN_REGISTER)
    assert [(f.provision, f.figures["references"]) for f in findings] == [("2024:1.2", 1), ("2024:1.3", 2)]
    assert findings[0].message == ("The reference ‘POL-01’ is not a document in the evidence register, nor a web "
                                   "link: add each document to the register under its id (a reference may add the "
                                   "place within it after a space), or correct the reference.")
    assert findings[1].message.startswith("The references ‘www.example.org’ and ‘javascript:alert(1)’ are not documents")
    register = load_register(tmp_path)
    register.attach(b"policy", "p.pdf", id="POL-01", title="Complaints policy")
    findings = found(catalogue, answers, register, code=CODE.EVIDENCE_NOT_IN_REGISTER)
    assert [f.provision for f in findings] == ["2024:1.3"]
    many = {"2024:1.2": answer("Yes", *(item(long, f"DOC-{n}") for n in range(5)), item(long, "POL-01 s3"))}
    (finding,) = found(catalogue, many, register, code=CODE.EVIDENCE_NOT_IN_REGISTER)
    assert finding.figures["references"] == 5  # POL-01 s3 cites POL-01
    assert "The references ‘DOC-0’, ‘DOC-1’, ‘DOC-2’ and 2 more are not documents" in finding.message

# -- changed since sign-off, files missing -----------------------------------------------------------

def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def signed(name: str, documents: dict[str, str], day: int = 12) -> SignOff:
    return SignOff(name=name, date=dt.date(2025, 5, day), documents=documents)


@pytest.fixture
def cited(tmp_path: Path) -> tuple[EvidenceRegister, dict[str, Answer]]:
    register = load_register(tmp_path)
    register.attach(b"policy v3", "p.pdf", id="POL-01", title="Complaints policy", version="3")
    register.attach(b"report", "r.pdf", id="RPT-01", title="Stage 1 report")
    register.add_link("https://e.org/complaints", id="WEB-01", title="Website")
    long = "Section 3 of the policy sets out what a complaint is, as the Code defines it"
    answers = {"2024:1.2": answer("Yes", item(long, "POL-01"), item(long, "WEB-01")),
               "2024:1.3": answer("Yes", item(long, "POL-01"), item(long, "RPT-01")),
               "2024:1.4": answer(None, item(long, "POL-01"))}
    return register, answers


def test_a_document_changed_since_the_signature(catalogue: Catalogue, cited: tuple[EvidenceRegister, dict[str, Answer]]) -> None:
    register, answers = cited
    recorded = {"POL-01": sha(b"policy v3"), "RPT-01": sha(b"report")}
    prepared = SignOffs(prepared=signed("Priya Shah", recorded))
    assert found(catalogue, answers, register, signoff=prepared, code=CODE.EVIDENCE_CHANGED_SINCE_SIGNOFF) == []

    register.attach(b"policy v4", "p.pdf", id="POL-01", title="Complaints policy", version="4")
    findings = found(catalogue, answers, register, signoff=prepared, code=CODE.EVIDENCE_CHANGED_SINCE_SIGNOFF)
    assert provisions(findings) == ["2024:1.2", "2024:1.3"]  # 1.4 is not answered
    assert findings[0].figures == {"document": "POL-01", "signature": "prepared"}
    assert findings[0].message.startswith("The document POL-01 (Complaints policy, version 4) has changed since the "
                                          "preparer's sign-off of 12/05/2025")
    assert found(catalogue, answers, register, code=CODE.EVIDENCE_CHANGED_SINCE_SIGNOFF) == []  # nothing signed

    # the latest signature that recorded documents decides: the approval over the review over the preparer's
    new = {"POL-01": sha(b"policy v4"), "RPT-01": sha(b"report")}
    approved = SignOffs(prepared=signed("Priya Shah", recorded), reviewed=signed("Sam Lee", recorded),
                        approved=signed("Ada Obi", new, 20))
    assert found(catalogue, answers, register, signoff=approved, code=CODE.EVIDENCE_CHANGED_SINCE_SIGNOFF) == []
    approved_without = SignOffs(prepared=signed("Priya Shah", new), reviewed=signed("Sam Lee", recorded),
                                approved=signed("Ada Obi", {}, 20))
    findings = found(catalogue, answers, register, signoff=approved_without, code=CODE.EVIDENCE_CHANGED_SINCE_SIGNOFF)
    assert [f.figures["signature"] for f in findings] == ["reviewed", "reviewed"]
    assert "since the review of 12/05/2025" in findings[0].message


def test_a_cited_file_missing_or_altered(catalogue: Catalogue, cited: tuple[EvidenceRegister, dict[str, Answer]]) -> None:
    register, answers = cited
    assert found(catalogue, answers, register, code=CODE.EVIDENCE_FILE_MISSING) == []
    policy = register.file_path(register.documents["POL-01"])
    os.chmod(policy, 0o644)
    policy.write_bytes(b"policy v3, edited by hand")
    register.file_path(register.documents["RPT-01"]).unlink()
    findings = found(catalogue, answers, register, code=CODE.EVIDENCE_FILE_MISSING)
    assert [(f.provision, f.figures["document"], f.figures["problem"]) for f in findings] == [
        ("2024:1.2", "POL-01", "altered"), ("2024:1.3", "POL-01", "altered"), ("2024:1.3", "RPT-01", "missing")]
    assert findings[0].message.startswith("Cited evidence is not as registered: POL-01 (Complaints policy, version 3): "
                                          "its file evidence/files/")


def test_an_uncited_missing_file_is_no_finding(catalogue: Catalogue, cited: tuple[EvidenceRegister, dict[str, Answer]]) -> None:
    register, answers = cited
    register.file_path(register.documents["RPT-01"]).unlink()
    del answers["2024:1.3"]
    assert found(catalogue, answers, register, code=CODE.EVIDENCE_FILE_MISSING) == []
    assert [p.document for p in register.verify()] == ["RPT-01"]  # still reported by the register itself


def test_findings_come_in_the_catalogues_order(catalogue: Catalogue) -> None:
    answers = {"2024:6.2": answer("Yes", item("n/a")), "2024:1.2": answer("Yes", item("yes"))}
    assert provisions(found(catalogue, answers)) == ["2024:1.2", "2024:1.2", "2024:6.2", "2024:6.2"]


# -- a published self-assessment (seed 002) ---------------------------------------------------------

def seed_text() -> str:
    """A landlord's published 2024 self-assessment, as text (kept in tests/data/seeds)."""
    return (ROOT / "tests" / "data" / "seeds" / SEED_NAME).read_text(encoding="utf-8")


#: A text layer's slip: the first words of a cell twice over a line break (6.17's row).
_ARTEFACT = re.compile(r"^Covered in Covered in\b")


def parse_published(text: str, numbers: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Provision number -> its evidence text, and -> its "Comply" word, from a published self-assessment
    extracted as text: tab-separated columns (number, requirement, comply, evidence), a row's cells
    sometimes spread over the lines above and below the one with its number.

    A cell starts at a fragment beginning "Covered in", or at the fragment on a numbered line when
    the cell before already has its number; other fragments continue the cell. A numbered line
    gives its number to the open cell if it has none yet (the cell started on the line above).
    Fragments that only repeat the line before, hold no letter ('·'), or are the slip above are the
    text layer's noise. Numbers that are not the Code's (or seen before) are noise too ('0.10').
    """
    cells: list[list] = []  # [number or None, fragments]
    waiting: list[str] = []
    seen: set[str] = set()
    status: dict[str, str] = {}
    last = ""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        columns = line.split("\t")
        first = columns[0].strip()
        if first == "Code provision":
            continue
        number = first if first in numbers and first not in seen else None
        fragment = columns[3].strip() if len(columns) > 3 else ""
        if not re.search(r"[A-Za-z]", fragment) or _ARTEFACT.match(fragment) or (
                number is None and fragment.casefold() == last.casefold()):
            fragment = ""
        if fragment:
            last = fragment
            if not cells or fragment.startswith("Covered in") or (number is not None and cells[-1][0] is not None):
                cells.append([waiting.pop(0) if waiting else None, [fragment]])
            else:
                cells[-1][1].append(fragment)
        if number is not None:
            seen.add(number)
            if cells and cells[-1][0] is None:
                cells[-1][0] = number
            else:
                waiting.append(number)
            for row in lines[index:index + 2]:  # the Comply word, on the numbered line or the next
                word = row.split("\t")[2].strip() if row.count("\t") >= 2 else ""
                if word in ("Yes", "No", "Partial"):
                    status[number] = word
                    break
    assert not waiting and all(owner is not None for owner, _ in cells)
    return {owner: " ".join(fragments) for owner, fragments in cells}, status


#: Counted by hand from the seed: the provisions whose evidence is "Covered in Complaints Policy
#: Section(s) ... – <heading>", by the section cited. 68 of the 72.
HAND_COUNT = {
    "3 – What is a complaint": ["1.2", "1.3", "1.4", "1.6", "2.1", "2.2", "2.3", "2.4", "2.5", "5.11", "6.8"],
    "9 – Communication(s)": ["1.5", "3.5", "6.6", "6.7", "6.9", "6.17", "6.18", "6.19"],
    "4 – Submitting a complaint / complaints": ["3.1", "3.2", "3.6", "5.10", "5.15"],
    "12 – Learning from complaints": ["3.3", "4.3", "8.1", "8.2", "8.3", "9.1", "9.2", "9.3", "9.4", "9.5", "9.6",
                                      "9.7"],
    "10 – Housing Ombudsman Service": ["3.7"],
    "5 – Complaints officers": ["4.1", "4.2", "6.20"],
    "2 – Who can complain": ["5.1"],
    "6 and 7 – Complaints procedure": ["5.2", "5.3", "5.4", "5.5", "5.6", "5.7", "5.8", "5.9", "6.2", "6.3", "6.4",
                                       "6.5", "6.10", "6.11", "6.12", "6.13", "6.14", "6.15", "6.16"],
    "11 – Keeping records": ["5.12"],
    "8 – Putting things right": ["5.13", "7.1", "7.2", "7.3", "7.4"],
    "3 and 4": ["5.14"],
    "1 – Aim": ["6.1"],
}
#: The seed's other four: a different line (3.4), "N/a in past year" (8.4, 8.5), a sentence of its own (9.8).
NOT_BOILERPLATE = ["3.4", "8.4", "8.5", "9.8"]


@pytest.fixture(scope="module")
def published(catalogue: Catalogue) -> Assessment:
    numbers = {p.number for p in catalogue.provisions}
    evidence, status = parse_published(seed_text(), numbers)
    assert set(evidence) == numbers == set(status) and set(status.values()) == {"Yes"}
    # rows the text layer spread over several lines come back whole
    assert evidence["6.10"] == "Covered in Complaints Policy Sections 6 and 7 – Complaints procedure"
    assert evidence["6.17"] == "Covered in Complaints Policy Section 9 – Communication"
    assert evidence["6.19"] == "Covered in Complaints Policy Section 9 – Communication"
    assert evidence["3.4"] == "Covered in Complaint Policy published on the Co- ops page on CHS's website"
    assert evidence["9.8"] == "All volunteers and third parties are expected to work to Co-operative values"
    return assessment({f"2024:{n}": answer(status[n], item(evidence[n])) for n in sorted(evidence)})


def test_the_published_policy_section_lines_are_boilerplate(catalogue: Catalogue, published: Assessment) -> None:
    hand = [n for numbers in HAND_COUNT.values() for n in numbers]
    assert len(hand) == len(set(hand)) == 68
    findings = [f for f in evidence_findings(catalogue, published, None, FindingSettings())
                if f.code is CODE.EVIDENCE_BOILERPLATE]
    assert sorted(f.number for f in findings) == sorted(hand)
    assert {f.figures["provisions"] for f in findings} == {68}
    by_number = {f.number: f for f in findings}
    assert by_number["6.1"].message.startswith("The same evidence appears on 68 provisions (‘Covered in Complaints "
                                               "Policy Section 1 – Aim’")
    assert not set(NOT_BOILERPLATE) & set(by_number)


def test_the_published_evidence_otherwise(catalogue: Catalogue, published: Assessment) -> None:
    findings = evidence_findings(catalogue, published, None, FindingSettings())
    vague = [f.number for f in findings if f.code is CODE.EVIDENCE_VAGUE]
    assert vague == ["8.4", "8.5"]  # "N/a in past year": a stock phrase and four words, no document
    # every answer is "Yes" and no evidence item cites a document
    assert len([f for f in findings if f.code is CODE.EVIDENCE_WITHOUT_DOCUMENT]) == 72
    assert not [f for f in findings if f.code is CODE.EVIDENCE_NOT_IN_REGISTER]


def test_exact_lines_alone_would_miss_part_of_the_published_boilerplate(published: Assessment) -> None:
    # why section numbers and headings are normalised: compared as exact lines (case and spacing
    # aside), only five groups reach four provisions (Sections 6 and 7 with an en dash after a
    # space, 16; Section 12, 12; Section 3, 11; Section 9 "Communication", 7; Section 8, 5): 51
    exact: dict[str, int] = {}
    for ans in published.answers.values():
        key = " ".join(ans.evidence[0].description.casefold().split())
        exact[key] = exact.get(key, 0) + 1
    assert sorted((count for count in exact.values() if count >= 4), reverse=True) == [16, 12, 11, 7, 5]
