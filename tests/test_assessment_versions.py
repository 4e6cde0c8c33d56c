"""The assessment under every Code version: what answers a 2020 question asking for a figure or
a written answer (progress, review flags and approval agree), the 2022 Code's "must" rule, drafts
carried across versions, and answers files under the 2020 and 2022 Codes."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from audit_lib.assessment.answers import Action, Answer, Assessment, CarriedFrom, Evidence, SignOff, SignOffs, Status
from audit_lib.assessment.answers_file import dump_assessment, load_assessment, save_assessment
from audit_lib.assessment.checks import MUST_NOT_MET, answer_flags
from audit_lib.assessment.progress import ANSWERED_BY_VALUE, is_answered, progress
from audit_lib.assessment.signoff import approval_gaps, signed
from audit_lib.code.catalogue import load_catalogue
from audit_lib.config.landlords import LandlordEntry
from audit_lib.core.periods import Period
from audit_lib.errors import AnswerStoreError, ApprovalIncompleteError
from audit_lib.workbook import views
from tests.conftest import write

CODE_2020 = load_catalogue("2020")
CODE_2022 = load_catalogue("2022")
CODE_2024 = load_catalogue("2024")
#: The 2020 questions asking for a figure or a written answer.
QUESTIONS = ["3.8", "4.5", "4.6", "4.7", "4.10", "6.3", "8.1", "8.2", "8.4"]
EVIDENCE = [Evidence(description="Complaints policy")]


def yes() -> Answer:
    return Answer(status="Yes", evidence=EVIDENCE)


def complete_2020(**changes: Answer) -> Assessment:
    """A 2020 assessment with every question answered (a status, or a value where one is asked
    for), then ``changes`` by number."""
    answers = {p.id: (Answer(value="87.5%") if p.answer != "status" else yes()) for p in CODE_2020.provisions}
    answers.update({f"2020:{number}": answer for number, answer in changes.items()})
    return Assessment(landlord="l", period="2021-22", code="2020", answers=answers)


def codes(flags) -> list[str]:
    return [f.code for f in flags]


# -- what answers a question ---------------------------------------------------------------------


def test_the_2020_questions_asking_for_a_figure_or_a_written_answer():
    assert [p.number for p in CODE_2020.provisions if p.answer != "status"] == QUESTIONS
    assert all(p.answer == "status" for p in (*CODE_2022.provisions, *CODE_2024.provisions))


@pytest.mark.parametrize("answer, answered", [
    (Answer(value="87.5%"), True),
    (Answer(status="N/A", commentary="No stage 2 in the year"), True),
    (Answer(status="N/A", value="87.5%"), True),
    (Answer(status="Yes", value="87.5%"), True),  # answered by its value; the status is flagged
    (Answer(status="Yes"), False),  # a status does not answer a question asking for a figure
    (Answer(status="No", commentary="not recorded"), False),
    (Answer(), False),
    (Answer(value="  "), False),  # blank text is no value (tidied to none)
])
def test_a_question_asking_for_a_figure_is_answered_by_its_value_or_na(answer, answered):
    assert is_answered(CODE_2020.provision("4.5"), answer) is answered


def test_a_provision_asking_for_a_status_is_answered_by_a_status_only():
    provision = CODE_2024.provision("6.2")
    assert is_answered(provision, Answer(status="No"))
    assert not is_answered(provision, Answer(value="90%"))


def test_progress_counts_figures_and_written_answers_apart_from_statuses():
    assessment = Assessment(landlord="l", period="2021-22", code="2020", answers={
        "2020:1.1": yes(),                                  # Yes
        "2020:1.2": Answer(status="No", commentary="x"),    # No
        "2020:4.5": Answer(value="87.5%"),                  # a figure
        "2020:8.1": Answer(value="We changed the letters.", confirmed=False),  # written, not yet confirmed
        "2020:4.6": Answer(status="N/A", commentary="none escalated"),  # N/A answers a question
        "2020:4.7": Answer(status="Yes"),                   # not answered: a status on a figure question
        "2020:4.10": Answer(status="Partial", value="62%"),  # answered by its value, not counted as Partial
    })
    done = progress(assessment, CODE_2020.provisions)
    assert done.by_status == {"Yes": 1, "Partial": 0, "No": 1, "N/A": 1}
    assert (done.values, done.answered, done.total, done.unconfirmed, done.questions) == (3, 6, 36, 1, 9)
    assert done.counts == {"Yes": 1, "Partial": 0, "No": 1, "N/A": 1, ANSWERED_BY_VALUE: 3}
    assert sum(done.counts.values()) == done.answered
    section4 = progress(assessment, CODE_2020.provisions_in(4))
    assert (section4.answered, section4.total, section4.values, section4.questions) == (3, 10, 2, 4)


def test_progress_under_a_code_of_statuses_is_as_before():
    assessment = Assessment(landlord="l", period="2024-25", answers={"2024:6.2": Answer(status="No"),
                                                                     "2024:6.3": Answer(value="stray")})
    done = progress(assessment, CODE_2024.provisions)
    assert (done.answered, done.values, done.questions) == (1, 0, 0)
    assert done.counts == done.by_status == {"Yes": 0, "Partial": 0, "No": 1, "N/A": 0}


def test_progress_and_approval_agree_on_what_is_answered():
    """Every combination of status and value on a figure question and on a status provision: the
    provisions approval lists as not assessed are those progress does not count as answered."""
    combos = list(itertools.product([None, "Yes", "No", "N/A"], [None, "90%"]))
    numbers = ["4.5", "1.1"]
    for (status_a, value_a), (status_b, value_b) in itertools.product(combos, combos):
        made = {"4.5": Answer(status=status_a, value=value_a, commentary="why", evidence=EVIDENCE,
                              actions=[Action(text="fix", due=dt.date(2022, 9, 1))]),
                "1.1": Answer(status=status_b, value=value_b, commentary="why", evidence=EVIDENCE,
                              actions=[Action(text="fix", due=dt.date(2022, 9, 1))])}
        assessment = complete_2020(**made)
        provisions = [CODE_2020.provision(n) for n in numbers]
        done = progress(assessment, provisions)
        unanswered = [n for n in numbers if not is_answered(CODE_2020.provision(n), made[n])]
        gaps = approval_gaps(assessment, provisions)
        assert done.total - done.answered == len(unanswered)
        if unanswered:
            assert gaps[0].startswith(f"{len(unanswered)} of 2 provision") and f"({', '.join(unanswered)})" in gaps[0]
        else:
            assert not any("not assessed" in gap for gap in gaps)
        flagged = [n for n in numbers
                   if "unanswered" in codes(answer_flags(made[n], dt.date(2022, 6, 1), CODE_2020.provision(n)))]
        assert flagged == unanswered


# -- review flags ---------------------------------------------------------------------------------


def test_a_question_without_its_figure_or_answer_is_unanswered():
    figure, text = CODE_2020.provision("4.5"), CODE_2020.provision("8.1")
    assert [(f.code, f.message) for f in answer_flags(Answer(), provision=figure)] == [
        ("unanswered", "Not yet answered: this question asks for a figure.")]
    assert [(f.code, f.message) for f in answer_flags(Answer(), provision=text)] == [
        ("unanswered", "Not yet answered: this question asks for a written answer.")]


def test_a_status_on_a_question_asking_for_a_figure_is_flagged():
    figure, text = CODE_2020.provision("4.5"), CODE_2020.provision("8.1")
    flags = answer_flags(Answer(status="Yes", evidence=EVIDENCE), provision=figure)
    assert codes(flags) == ["unanswered", "status-on-question"]
    assert flags[1].message == "This question asks for a figure, not Yes/No: give the figure."
    assert codes(answer_flags(Answer(status="No", value="70%"), provision=figure)) == ["status-on-question"]
    assert answer_flags(Answer(status="Partial", value="x"), provision=text)[0].message == (
        "This question asks for a written answer, not Yes/No: give the answer.")


def test_a_question_answered_by_its_value_or_na():
    figure = CODE_2020.provision("4.7")
    assert answer_flags(Answer(value="Stage 1: 90.0% (72 of 80); stage 2: no responses issued"), provision=figure) == []
    assert codes(answer_flags(Answer(status="N/A"), provision=figure)) == ["na-without-reason"]
    assert answer_flags(Answer(status="N/A", commentary="No complaints in the year"), provision=figure) == []
    # evidence is not asked of a figure; actions still are judged
    late = Answer(value="80%", actions=[Action(text="Check", owner="Head of CX", due=dt.date(2022, 1, 31))])
    assert codes(answer_flags(late, dt.date(2022, 6, 1), figure)) == ["action-overdue"]
    assert codes(answer_flags(Answer(value="80%", confirmed=False), provision=figure)) == ["unconfirmed"]


def test_without_the_provision_the_flags_are_as_before():
    assert [(f.code, f.message) for f in answer_flags(Answer())] == [("unanswered", "Not yet assessed.")]
    assert codes(answer_flags(Answer(status="No"))) == ["no-explanation", "no-dated-action"]
    assert codes(answer_flags(Answer(value="87.5%"))) == ["unanswered"]


@pytest.mark.parametrize("status", ["No", "Partial"])
def test_a_must_requirement_not_met_without_an_explanation(status):
    must = CODE_2022.provision("5.1")
    assert must.tier == "must"
    flags = answer_flags(Answer(status=status), provision=must)
    assert codes(flags) == ["must-not-met-unexplained", "no-dated-action"]
    assert flags[0].message == ("A mandatory 'must' requirement not met: the 2022 Code requires an explanation of "
                                "the alternative approach and why it delivers a better outcome.")
    assert flags[0].message == MUST_NOT_MET
    explained = Answer(status=status, commentary="We respond within 10 days of receipt, earlier than the Code asks.",
                       actions=[Action(text="Review", owner="Head of CX", due=dt.date(2023, 9, 30))])
    assert answer_flags(explained, dt.date(2023, 6, 1), must) == []


def test_a_should_requirement_not_met_keeps_the_ordinary_flags():
    should = CODE_2022.provision("1.4")
    assert should.tier == "should"
    assert codes(answer_flags(Answer(status="No"), provision=should)) == ["no-explanation", "no-dated-action"]
    assert codes(answer_flags(Answer(status="No"), provision=CODE_2024.provision("6.2"))) == [
        "no-explanation", "no-dated-action"]  # the 2024 Code has no tiers


def test_a_draft_carried_across_codes_says_where_from_and_what_changed():
    carried = Answer(status="Yes", evidence=EVIDENCE, confirmed=False, carried=[
        CarriedFrom(provision="2022:5.1", kind="split", note="Split into 6.3 (respond) and 6.4 (extend).")])
    flags = answer_flags(carried, provision=CODE_2024.provision("6.3"))
    assert [(f.code, f.message) for f in flags] == [(
        "unconfirmed",
        "Carried from the 2022 Code's 5.1 (split): Split into 6.3 (respond) and 6.4 (extend); confirm or change it.")]
    two = carried.model_copy(update={"carried": [*carried.carried, CarriedFrom(
        provision="2022:5.2", kind="merged", note="Merged")]})
    assert answer_flags(two)[-1].message == (
        "Carried from the 2022 Code's 5.1 (split): Split into 6.3 (respond) and 6.4 (extend); and from the 2022 "
        "Code's 5.2 (merged): Merged; confirm or change it.")
    assert answer_flags(carried.model_copy(update={"confirmed": True})) == []  # confirmed: no flag
    plain = Answer(status="Yes", evidence=EVIDENCE, confirmed=False)
    assert answer_flags(plain)[-1].message == "Carried forward from last year and not yet confirmed."


def test_the_report_row_flags_a_2020_status_on_a_figure_question():
    row = views.provision_row(CODE_2020.provision("4.5"), Answer(status="Yes"), [], dt.date(2022, 6, 1))
    assert "status-on-question" in codes(row["flags"])


# -- approval -------------------------------------------------------------------------------------


def _reviewed(assessment: Assessment) -> Assessment:
    signoff = SignOffs(prepared=SignOff(name="Ann", date=dt.date(2022, 5, 1), user="ann"),
                       reviewed=SignOff(name="Bob", date=dt.date(2022, 5, 2), user="bob"))
    return assessment.model_copy(update={"signoff": signoff})


def _approve(assessment: Assessment, override: str | None = None) -> Assessment:
    return signed(_reviewed(assessment), "approved", "Cat", dt.date(2022, 5, 3), user="cat", override=override,
                  provisions=CODE_2020.provisions, at=dt.datetime(2022, 5, 3, 12))[0]


def test_a_2020_assessment_answered_by_figures_is_approved():
    assert approval_gaps(complete_2020(), CODE_2020.provisions) == []
    assert _approve(complete_2020()).signoff.approved is not None


def test_a_figure_question_answered_by_a_status_stands_in_the_way_of_approval():
    stray = complete_2020(**{"4.5": Answer(status="Yes", evidence=EVIDENCE), "6.3": Answer()})
    assert approval_gaps(stray, CODE_2020.provisions) == ["2 of 36 provisions are not assessed (4.5, 6.3)"]
    with pytest.raises(ApprovalIncompleteError, match=r"2 of 36 provisions are not assessed \(4.5, 6.3\)"):
        _approve(stray)
    approved = _approve(stray, override="Figures not kept in 2020")
    assert approved.signoff.approved.override.gaps == ["2 of 36 provisions are not assessed (4.5, 6.3)"]


def test_a_status_on_an_answered_question_is_not_a_no_to_explain():
    """A stray 'No' on a question answered by its figure is flagged for review, not counted as a 'No'
    without an explanation or a dated action."""
    assert approval_gaps(complete_2020(**{"4.5": Answer(status="No", value="60%")}), CODE_2020.provisions) == []


# -- answers files under each version -------------------------------------------------------------


def test_a_value_on_a_provision_asking_for_a_status_is_refused(tmp_path):
    path = write(tmp_path / "2024-25.yaml", "landlord: l\nperiod: 2024-25\nanswers:\n"
                                            "  '2024:6.2': {status: 'Yes', value: '95%'}\n")
    with pytest.raises(AnswerStoreError) as info:
        load_assessment(path, CODE_2024, "l", "2024-25")
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert ("provision 2024:6.2 asks for a status; 'value' is for questions asking for a figure or a written answer"
            in message)
    assert "remove 'value' from that answer" in message


def test_several_values_on_status_provisions_are_named_together(tmp_path):
    answers = "".join(f"  '2024:{n}': {{value: x}}\n" for n in ("6.2", "1.2", "6.3", "6.4", "6.5", "6.6", "6.7"))
    path = write(tmp_path / "2024-25.yaml", f"landlord: l\nperiod: 2024-25\nanswers:\n{answers}")
    with pytest.raises(AnswerStoreError, match=r"provisions 2024:1.2, 2024:6.2, 2024:6.3, 2024:6.4, 2024:6.5 and 2 "
                                               r"more ask for a status"):
        load_assessment(path, CODE_2024, "l", "2024-25")


def test_a_2020_file_with_figures_loads_and_saves(tmp_path):
    path = write(tmp_path / "2021-22.yaml", 'landlord: l\nperiod: 2021-22\ncode: "2020"\nanswers:\n'
                                            "  '2020:4.5': {value: 87.5%, commentary: From the case log}\n"
                                            "  '2020:1.1': {status: 'Yes'}\n")
    assessment = load_assessment(path, CODE_2020, "l", "2021-22")
    assert assessment.answer("2020:4.5").value == "87.5%"
    changed = assessment.model_copy(deep=True)
    changed.answers["2020:4.6"] = Answer(value="90.0%")
    save_assessment(path, changed)
    assert load_assessment(path, CODE_2020, "l", "2021-22") == changed
    assert "'2020:4.5': {value: 87.5%, commentary: From the case log}" in path.read_text()  # untouched
    assert load_assessment(path, CODE_2020, "l", "2021-22").answer("2020:1.1").value is None


def test_a_2022_file_loads_with_the_2022_catalogue(tmp_path):
    path = write(tmp_path / "2023-24.yaml", 'landlord: l\nperiod: 2023-24\ncode: "2022"\nanswers:\n'
                                            "  '2022:5.1': {status: 'No', commentary: We count from receipt}\n")
    assessment = load_assessment(path, CODE_2022, "l", "2023-24")
    assert assessment.code == "2022" and assessment.answer("2022:5.1").commentary == "We count from receipt"
    with pytest.raises(AnswerStoreError, match=r"not in the 2022 Code: '2022:9.1'; expected ids such as '2022:"):
        load_assessment(write(tmp_path / "b.yaml", 'landlord: l\nperiod: 2023-24\ncode: "2022"\n'
                                                   "answers: {'2022:9.1': {status: 'Yes'}}\n"), CODE_2022, "l", "2023-24")


def test_a_file_under_another_code_says_how_to_name_the_code_the_period_was_assessed_against(tmp_path):
    """A 2023-24 file written under the 2022 Code, opened where 2023-24 is assessed against 2024."""
    path = write(tmp_path / "2023-24.yaml", 'landlord: riverbend-homes\nperiod: 2023-24\ncode: "2022"\nanswers:\n'
                                            "  '2022:5.1': {status: 'Yes'}\n")
    with pytest.raises(AnswerStoreError) as info:
        load_assessment(path, CODE_2024, "riverbend-homes", "2023-24")
    message = str(info.value)
    assert message.startswith(f"{path}: the file answers the 2022 Code, but riverbend-homes's 2023-24 is assessed "
                              "against the 2024 Code.")
    assert 'under riverbend-homes, codes: {"2023-24": "2022"}' in message and "landlords.yaml" in message
    assert 'give code: "2024" with its provision ids' in message
    # the fix it names is the one the registry reads: the period is then assessed against 2022
    entry = LandlordEntry(id="riverbend-homes", name="Riverbend Homes", homes=100, codes={"2023-24": "2022"})
    code = entry.code_for(Period.parse("2023-24"))
    assert load_assessment(path, load_catalogue(code), "riverbend-homes", "2023-24").code == "2022"


def test_a_file_under_a_code_the_product_does_not_list(tmp_path):
    path = write(tmp_path / "2024-25.yaml", 'landlord: l\nperiod: 2024-25\ncode: "2019"\n')
    with pytest.raises(AnswerStoreError, match=r"the file answers Code '2019', not one of the versions this product "
                                               r"lists \(2020, 2022, 2024\); l's 2024-25 is assessed against the 2024 "
                                               r"Code: give code: \"2024\""):
        load_assessment(path, CODE_2024, "l", "2024-25")


def test_another_landlord_or_period_is_refused_as_before(tmp_path):
    path = write(tmp_path / "x.yaml", 'landlord: other\nperiod: 2023-24\ncode: "2022"\n')
    with pytest.raises(AnswerStoreError, match="the file is for landlord 'other', period '2023-24', Code '2022'; "
                                               "expected 'l', '2023-24', '2024'"):
        load_assessment(path, CODE_2024, "l", "2023-24")


def test_a_new_2020_file_is_written_with_its_values_and_reads_back(tmp_path):
    assessment = complete_2020()
    path = write(tmp_path / "2021-22.yaml", dump_assessment(assessment))
    assert load_assessment(path, CODE_2020, "l", "2021-22") == assessment
    assert "value: 87.5%" in path.read_text()


def test_check_value_refuses_a_value_for_a_status_before_it_is_saved():
    from audit_lib.assessment.answers_file import check_value

    check_value(CODE_2020, "2020:4.5", "87.5%")
    check_value(CODE_2024, "2024:6.2", None)  # removing a value is always allowed
    with pytest.raises(AnswerStoreError, match=r"^provision 2024:6\.2 asks for a status; 'value' is for questions "
                                               r"asking for a figure or a written answer"):
        check_value(CODE_2024, "6.2", "95%")


def test_the_store_saves_a_value_for_a_question_and_refuses_one_for_a_status(tmp_path):
    from audit_lib.assessment.answers_file import load_assessment as load
    from audit_lib.assessment.store import open_store
    from audit_lib.code.catalogue import load_catalogue
    from audit_lib.errors import AnswerStoreError

    folder = tmp_path / "landlord-a"
    (folder / "answers").mkdir(parents=True)
    for code, period in (("2020", "2020-21"), ("2024", "2024-25")):
        store = open_store(folder, load_catalogue(code), "landlord-a", period, "auditor")
        if code == "2020":
            store.change("2020:4.5", "value", "82%")
            assert load(folder / "answers" / f"{period}.yaml", load_catalogue(code), "landlord-a",
                        period).answers["2020:4.5"].value == "82%"
        else:
            with pytest.raises(AnswerStoreError, match="asks for a status"):
                store.change("2024:6.2", "value", "82%")
            assert not (folder / "answers" / f"{period}.yaml").exists()


def test_a_status_on_a_question_asking_for_a_figure_is_refused_in_the_file_and_the_store(tmp_path):
    from audit_lib.assessment.store import open_store

    catalogue = load_catalogue("2020")
    path = tmp_path / "landlord-a" / "answers" / "2021-22.yaml"
    path.parent.mkdir(parents=True)
    path.write_text('landlord: landlord-a\nperiod: "2021-22"\ncode: "2020"\nanswers:\n'
                    '  "2020:4.6": {status: "No", value: "90%"}\n  "2020:4.10": {status: "Yes"}\n')
    with pytest.raises(AnswerStoreError, match=r"questions 2020:4.6, 2020:4.10 ask for a figure or a written "
                                               r"answer, not Yes, Partial or No") as caught:
        load_assessment(path, catalogue, "landlord-a", "2021-22")
    assert caught.value.path == path
    path.write_text('landlord: landlord-a\nperiod: "2021-22"\ncode: "2020"\nanswers:\n'
                    '  "2020:4.6": {status: "N/A", commentary: No stage 2 in the year}\n')
    assert load_assessment(path, catalogue, "landlord-a", "2021-22").answers["2020:4.6"].status is Status.NA
    store = open_store(tmp_path / "landlord-a", catalogue, "landlord-a", "2021-22", "auditor")
    with pytest.raises(AnswerStoreError, match="asks for a figure or a written answer"):
        store.change("2020:4.5", "status", "Yes")
    store.change("2020:4.5", "status", "N/A")
    assert load_assessment(path, catalogue, "landlord-a", "2021-22").answers["2020:4.5"].status is Status.NA
