"""Findings in the group roll-up: each subsidiary's contradicted findings and cautions (from its
``metrics.json``) beside why it is behind; an answer its own figures contradict with no response
makes it behind, in words; an older ``metrics.json`` without findings shows them as not known,
never as zero."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from audit_lib.code.catalogue import load_catalogue
from audit_lib.config.landlords import LandlordEntry
from audit_lib.group import views
from audit_lib.group.members import FailedMember, Member
from audit_lib.group.rules import behind, contradiction_reason, pooled_figures

CODE = load_catalogue()
AS_OF = dt.date(2025, 6, 30)
SCRIPT = "<script>alert(1)</script>"


def _finding(number: str, severity: str, response: str | None = None) -> dict:
    return {"provision": f"2024:{number}", "number": number, "severity": severity, "code": "on-time-below-threshold",
            "message": f"Answered Yes, but the figures for {number} say otherwise.", "figures": {},
            "response": response}


FINDINGS = [
    _finding("6.2", "contradicted"), _finding("6.2", "contradicted"),  # two findings, one answer
    _finding("6.3", "contradicted"), _finding("6.3", "caution"),
    _finding("6.11", "contradicted", response="Explained: the system was migrated in May."),
    _finding("6.13", "contradicted", response="   "),  # blank is no response
    _finding("3.1", "evidence"),
]
COUNTS = {"contradicted": 5, "caution": 1, "evidence": 1, "unanswered_contradictions": 4}


def _member(metrics_extra: dict | None = None, *, no_metrics: bool = False, name: str = "Riverbend Homes",
            member_id: str = "riverbend-homes") -> Member:
    metrics = None if no_metrics else {"case_statistics": {}, **(metrics_extra or {})}
    statuses = {p.id: "Yes" for p in CODE.provisions}
    return Member(entry=LandlordEntry(id=member_id, name=name, homes=1000), catalogue=CODE, metrics=metrics,
                  statuses=statuses, state="Approved", action_dates=[], problems=[], run=None,
                  report=f"{member_id}/self_assessment.html", metrics_link=None)


def _reasons(member: Member) -> list[str]:
    return behind(member, pooled_figures([member]), AS_OF)


def test_unanswered_contradicted_answers_make_a_subsidiary_behind_in_words():
    member = _member({"findings": FINDINGS, "findings_counts": COUNTS})
    assert member.findings_counts == COUNTS
    assert member.unanswered_contradicted == ["6.2", "6.3", "6.13"]
    assert _reasons(member) == ["3 answers contradicted by its own figures (6.2, 6.3, 6.13)"]


def test_one_answer_is_singular_and_answered_contradictions_do_not_make_it_behind():
    one = _member({"findings": [_finding("6.2", "contradicted")],
                   "findings_counts": {"contradicted": 1, "caution": 0, "evidence": 0, "unanswered_contradictions": 1}})
    assert _reasons(one) == ["1 answer contradicted by its own figures (6.2)"]
    answered = _member({"findings": [_finding("6.2", "contradicted", "Explained."), _finding("6.3", "caution")],
                        "findings_counts": {"contradicted": 1, "caution": 1, "evidence": 0,
                                            "unanswered_contradictions": 0}})
    assert contradiction_reason(answered) is None and _reasons(answered) == []


def test_counts_without_the_list_still_say_how_many():
    member = _member({"findings_counts": {"contradicted": 2, "caution": 0, "evidence": 0,
                                          "unanswered_contradictions": 2}})
    assert member.unanswered_contradicted is None
    assert _reasons(member) == ["2 contradicted findings with no response recorded"]


def test_a_list_without_counts_is_counted():
    member = _member({"findings": FINDINGS})
    assert member.findings_counts == COUNTS
    assert _reasons(member) == ["3 answers contradicted by its own figures (6.2, 6.3, 6.13)"]


@pytest.mark.parametrize("metrics", [
    {},  # a metrics.json from before findings
    {"findings_counts": {"contradicted": 1, "caution": 0, "evidence": 0}},  # a key missing
    {"findings_counts": {"contradicted": True, "caution": 0, "evidence": 0, "unanswered_contradictions": 1}},
    {"findings_counts": {"contradicted": -1, "caution": 0, "evidence": 0, "unanswered_contradictions": 0}},
    {"findings_counts": {"contradicted": "2", "caution": 0, "evidence": 0, "unanswered_contradictions": 0}},
    {"findings_counts": [1, 2, 3, 4]},
    {"findings": "none"}, {"findings": [["6.2", "contradicted"]]},
])
def test_findings_not_recorded_are_not_known_never_zero(metrics):
    member = _member(metrics)
    assert member.findings_counts is None and member.unanswered_contradicted is None
    assert _reasons(member) == []
    html = views.behind_table([(member, [])], AS_OF).html
    cell = BeautifulSoup(html, "html.parser").select_one("table.behind tbody td.findings-counts")
    assert cell.get_text(strip=True) == "not known"


def _rows(html: str) -> dict[str, list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find("script")
    return {tr.select_one("td").get_text(" ", strip=True): [" ".join(td.get_text(" ").split()) for td in tr.select("td")]
            for tr in soup.select("table.behind tbody tr")}


def test_the_behind_table_shows_contradicted_and_cautions_per_subsidiary():
    riverbend = _member({"findings": FINDINGS, "findings_counts": COUNTS})
    calder = _member({}, name="Calder Vale Housing", member_id="calder-vale-housing")
    moorside = _member(no_metrics=True, name="Moorside Almshouses", member_id="moorside-almshouses")
    clean = _member({"findings": [], "findings_counts": dict.fromkeys(COUNTS, 0)}, name="Clean Homes",
                    member_id="clean-homes")
    failed = FailedMember(LandlordEntry(id="broken-homes", name="Broken Homes", homes=10), "its inputs could not be read")
    members = [riverbend, calder, moorside, clean]
    html = views.behind_table([(m, _reasons(m)) for m in members], AS_OF, [failed]).html
    rows = _rows(html)
    assert rows["Riverbend Homes"][1] == "3 answers contradicted by its own figures (6.2, 6.3, 6.13)"
    assert rows["Riverbend Homes"][2] == "Contradicted 5 (4 with no response) Caution 1"
    assert rows["Clean Homes"][1:] == ["On track", "Contradicted 0 Caution 0"]
    assert rows["Calder Vale Housing"][2] == "not known"
    assert rows["Moorside Almshouses"][2] == "not known"
    assert rows["Broken Homes"][2] == "not known"
    assert "its own figures contradict an answer and no response is recorded" in html


def test_numbers_from_a_hand_edited_metrics_json_are_escaped():
    member = _member({"findings": [_finding(f"6.2{SCRIPT}", "contradicted")]})
    html = views.behind_table([(member, _reasons(member))], AS_OF).html
    assert SCRIPT in _rows(html)["Riverbend Homes"][1] and "&lt;script&gt;" in html
