"""The annual report's completeness check against Code 8.1 (a)-(f), 8.2 and 9.5, and orders past due
(9.7 c): each gap worked out by hand from records missing one thing."""

from __future__ import annotations

import datetime as dt

import pytest

from audit_lib.annual.completeness import Gap, GapCode, completeness, is_complete
from audit_lib.annual.records import (
    AnnualRecords,
    ConfirmedNone,
    GoverningBodyResponse,
    Improvement,
    MemberResponsible,
    OmbudsmanOrder,
    OmbudsmanRecord,
    empty_records,
)

AS_OF = dt.date(2025, 6, 30)


def record(record_id: str, kind: str, **fields: object) -> OmbudsmanRecord:
    return OmbudsmanRecord.model_validate({"id": record_id, "kind": kind, "date": "2024-11-14",
                                           "reference": "202312345", "title": "Title", **fields})


def complete() -> AnnualRecords:
    """Records with every part there: a determination, an improvement, the annual performance
    report, a special report, the governing body's response and the MRC."""
    return AnnualRecords(
        landlord="riverbend-homes", period="2024-25",
        learning=[Improvement(id="L-01", theme="Repairs", residents_said="We waited in.", we_did="Reminders.")],
        ombudsman=[record("O-01", "determination", orders=[{"text": "Pay", "due": "2024-12-12", "progress": "complied"}]),
                   record("O-02", "annual_performance_report"), record("O-03", "special_report")],
        governing_body=GoverningBodyResponse(text="Welcomed.", meeting_date=dt.date(2025, 6, 19), name="A. Chair",
                                             role="Chair of the Board"),
        member_responsible=MemberResponsible(name="B. Member", role="Board member"))


def gaps(records: AnnualRecords, *, self_assessment: bool = True, figures: bool = True) -> list[Gap]:
    return completeness(records, has_self_assessment=self_assessment, figures_available=figures, as_of=AS_OF)


def codes(found: list[Gap]) -> list[str]:
    return [gap.code.value for gap in found]


def without(records: AnnualRecords, **changes: object) -> AnnualRecords:
    return records.model_copy(update=changes)


def test_complete_records_have_no_gaps():
    assert gaps(complete()) == []
    assert is_complete([])


def test_empty_records_lack_every_part_in_the_codes_order():
    found = gaps(empty_records("riverbend-homes", "2024-25"), self_assessment=False, figures=False)
    assert [(gap.label, gap.code.value) for gap in found] == [
        ("8.1 (a)", "no-self-assessment"),
        ("8.1 (b)", "no-performance-figures"),
        ("8.1 (c)", "no-ombudsman-findings-recorded"),
        ("8.1 (d)", "no-service-improvements"),
        ("8.1 (e)", "no-ombudsman-performance-report"),
        ("8.1 (f)", "no-other-ombudsman-publications"),
        ("8.2", "no-governing-body-response"),
        ("9.5", "no-member-responsible"),
    ]
    assert all(gap.kind == "missing" for gap in found)
    assert not is_complete(found)


def test_no_self_assessment():
    [gap] = gaps(complete(), self_assessment=False)
    assert (gap.code, gap.provision, gap.part) == (GapCode.NO_SELF_ASSESSMENT, "8.1", "a")
    assert gap.message == ("The annual self-assessment against the Code is not there: complete the self-assessment "
                           "for this period; the report appends it.")


def test_no_figures():
    [gap] = gaps(complete(), figures=False)
    assert (gap.code, gap.label) == (GapCode.NO_FIGURES, "8.1 (b)")
    assert "no quantitative or qualitative analysis" in gap.message


def test_no_ombudsman_findings():
    records = complete()
    [gap] = gaps(without(records, ombudsman=records.ombudsman[1:]))
    assert (gap.code, gap.label) == (GapCode.NO_OMBUDSMAN_FINDINGS, "8.1 (c)")
    assert gap.message.startswith("No findings of non-compliance by the Ombudsman are recorded")
    # a complaint handling failure order answers (c) as a determination does
    assert gaps(without(records, ombudsman=[record("O-09", "CHFO"), *records.ombudsman[1:]])) == []


def test_no_learning():
    [gap] = gaps(without(complete(), learning=[]))
    assert (gap.code, gap.label) == (GapCode.NO_LEARNING, "8.1 (d)")
    assert "\"You said, we did\"" in gap.message


def test_a_planned_improvement_is_a_recorded_one():
    records = complete()
    planned = records.learning[0].model_copy(update={"status": "planned"})
    assert gaps(without(records, learning=[planned])) == []


def test_no_performance_report():
    records = complete()
    [gap] = gaps(without(records, ombudsman=[records.ombudsman[0], records.ombudsman[2]]))
    assert (gap.code, gap.label) == (GapCode.NO_PERFORMANCE_REPORT, "8.1 (e)")
    assert "or confirm the Ombudsman published none about us this year" in gap.message


def test_no_other_publications():
    records = complete()
    [gap] = gaps(without(records, ombudsman=records.ombudsman[:2]))
    assert (gap.code, gap.label) == (GapCode.NO_OTHER_PUBLICATIONS, "8.1 (f)")
    # "other" answers (f) as a special report does
    assert gaps(without(records, ombudsman=[*records.ombudsman[:2], record("O-04", "other")])) == []


def test_no_governing_body_response():
    [gap] = gaps(without(complete(), governing_body=None))
    assert (gap.code, gap.provision, gap.part, gap.label) == (GapCode.NO_GOVERNING_BODY_RESPONSE, "8.2", None, "8.2")
    assert gap.message.startswith("No governing body response is recorded")


def test_no_member_responsible():
    [gap] = gaps(without(complete(), member_responsible=None))
    assert (gap.code, gap.label) == (GapCode.NO_MEMBER_RESPONSIBLE, "9.5")
    assert gap.message == "No Member Responsible for Complaints is named: record their name and role."


def test_none_this_year_answers_c_d_e_and_f():
    records = without(complete(), learning=[], ombudsman=[],
                      confirmed_none=ConfirmedNone(ombudsman_findings=True, learning=True, performance_report=True,
                                                   other_publications=True))
    assert gaps(records) == []


@pytest.mark.parametrize(("flag", "part", "count"), [
    ("ombudsman_findings", "c", 1), ("learning", "d", 1), ("performance_report", "e", 1), ("other_publications", "f", 1)])
def test_none_this_year_contradicted_by_records_is_a_gap(flag, part, count):
    found = gaps(without(complete(), confirmed_none=ConfirmedNone(**{flag: True})))
    [gap] = found
    assert (gap.code, gap.label, gap.kind) == (GapCode.NONE_CONTRADICTED, f"8.1 ({part})", "inconsistent")
    assert f"but {count} " in gap.message and f"untick 'none this year' ({flag})" in gap.message
    assert not is_complete(found)


def test_two_records_contradicting_a_flag_are_counted():
    records = complete()
    records = without(records, ombudsman=[*records.ombudsman, record("O-05", "complaint_handling_failure_order")],
                      confirmed_none=ConfirmedNone(ombudsman_findings=True))
    [gap] = gaps(records)
    assert gap.message == ("'None this year' is confirmed for the Ombudsman's findings of non-compliance, but 2 "
                           "determinations or orders are recorded: untick 'none this year' (ombudsman_findings), or "
                           "remove the determinations or orders if they were entered by mistake.")


def order(**fields: object) -> OmbudsmanOrder:
    return OmbudsmanOrder.model_validate({"text": "Pay compensation", **fields})


@pytest.mark.parametrize(("fields", "overdue"), [
    ({"due": "2025-06-29", "progress": "in progress"}, True),  # due the day before as_of
    ({"due": "2025-06-29"}, True),  # not started
    ({"due": "2025-06-30", "progress": "not started"}, False),  # due on as_of: not yet past due
    ({"due": "2025-01-31", "progress": "complied"}, False),
    ({"due": "2025-01-31", "progress": "complied", "completed": "2025-03-01"}, False),  # late, but complied
    ({}, False),  # no due date
])
def test_an_order_past_due_and_not_complied_is_flagged(fields, overdue):
    records = complete()
    determination = records.ombudsman[0].model_copy(update={"orders": [order(text="First", progress="complied"),
                                                                       order(**fields)]})
    found = gaps(without(records, ombudsman=[determination, *records.ombudsman[1:]]))
    if not overdue:
        assert found == []
        return
    [gap] = found
    assert (gap.code, gap.label, gap.kind, gap.item) == (GapCode.ORDER_OVERDUE, "9.7 (c)", "overdue", "O-01")
    progress = fields.get("progress", "not started")
    assert gap.message == (f"Order 2 of O-01 was due on 29/06/2025 and is not complied with ({progress}): record "
                           "the progress made, or the date it was complied with.")
    assert is_complete(found)  # a flag, not a gap in the report


def test_orders_are_judged_today_by_default():
    records = complete()
    due = dt.date.today() - dt.timedelta(days=1)
    determination = records.ombudsman[0].model_copy(update={"orders": [order(due=due)]})
    found = completeness(without(records, ombudsman=[determination, *records.ombudsman[1:]]),
                         has_self_assessment=True, figures_available=True)
    assert codes(found) == ["ombudsman-order-overdue"]


def test_a_gap_as_json():
    [gap] = gaps(without(complete(), governing_body=None))
    assert gap.as_json() == {"code": "no-governing-body-response", "provision": "8.2", "part": None, "label": "8.2",
                             "kind": "missing", "item": None, "message": gap.message}
