"""Sign-off that means something: the signer is the logged-in user, a signature is replaced only
when confirmed, every change keeps its old value, approval needs a complete assessment (or an
override with a reason) and reopening withdraws review and approval, all shown on the cover."""

from __future__ import annotations

import datetime as dt

import pytest

from audit_lib.assessment.answers import Action, Answer, Assessment, Evidence, SignOff
from audit_lib.assessment.answers_file import dump_assessment, load_assessment
from audit_lib.assessment.signoff import SignatureFacts as _Facts
from audit_lib.assessment.store import open_store
from audit_lib.code.catalogue import load_catalogue
from audit_lib.errors import AnswerStoreError, SignOffError, SignOffReplaceError
from audit_lib.workbook import views
from audit_lib.workbook.facade import open_workbook
from tests.conftest import write

NO_FINDINGS = _Facts()  # an approval whose caller found no contradicted finding unanswered

CODE = load_catalogue()
LANDLORD = "calder-vale-housing"  # prepared by Gareth Lloyd (recorded before users were), 72 not all assessed
DAY = dt.date(2025, 6, 1)


@pytest.fixture
def folder(demo_inputs):
    return demo_inputs / LANDLORD


def store(folder, user):
    return open_store(folder, CODE, LANDLORD, "2024-25", user)


def on_disk(folder) -> Assessment:
    return load_assessment(folder / "answers" / "2024-25.yaml", CODE, LANDLORD, "2024-25")


def _plain(message: str) -> None:
    assert "Value error" not in message and "top level" not in message and "Traceback" not in message


def _complete(folder, *, overrides: dict[str, Answer] | None = None) -> None:
    """Make the landlord's assessment complete (every provision 'Yes' with evidence), then apply ``overrides``."""
    current = on_disk(folder)
    answers = {p.id: Answer(status="Yes", evidence=[Evidence(description="Policy")]) for p in CODE.provisions}
    answers.update(overrides or {})
    complete = current.model_copy(update={"answers": answers})
    (folder / "answers" / "2024-25.yaml").write_text(dump_assessment(complete), encoding="utf-8")


def respond_to_contradictions(inputs, landlord: str = LANDLORD) -> list[str]:
    """Respond to each finding the case data contradicts (an approval is refused until each has a
    response); the provisions' numbers."""
    s = open_store(inputs / landlord, CODE, landlord, "2024-25", "alice")
    answered = []
    for finding in open_workbook(landlord, "2024-25", inputs).findings():
        if finding.unanswered_contradiction:
            responses = [r.model_dump() for r in s.answer(finding.provision).responses]
            s.change(finding.provision, "responses", [*responses, {"code": finding.code.value,
                                                                   "text": "Explained to the Board"}])
            answered.append(finding.number)
    return answered


# --- the store -------------------------------------------------------------------------------


def test_replacing_a_signature_needs_confirmation_and_the_history_keeps_the_old_value(folder):
    s = store(folder, "priya.shah")
    with pytest.raises(SignOffReplaceError, match="Gareth Lloyd") as info:
        s.sign_off("prepared", "Priya Shah", DAY, "Complaints Manager")
    assert on_disk(folder).signoff.prepared.name == "Gareth Lloyd"  # nothing replaced without confirmation
    assert info.value.current.name == "Gareth Lloyd"
    s.sign_off("prepared", "Priya Shah", DAY, "Complaints Manager", replacing=info.value.current)
    stored = on_disk(folder).signoff.prepared
    assert (stored.name, stored.user) == ("Priya Shah", "priya.shah")
    entry = s.history()[-1]
    assert entry["signoff"] == "prepared" and entry["user"] == "priya.shah"
    assert entry["old"]["name"] == "Gareth Lloyd" and entry["new"]["name"] == "Priya Shah"
    event = on_disk(folder).signoff_history[-1]
    assert event.old is not None and event.old.name == "Gareth Lloyd" and event.new.user == "priya.shah"


def test_a_confirmation_for_another_signature_is_asked_again(folder):
    """Confirming the replacement of the signature you saw does not replace one signed since."""
    mine, theirs = store(folder, "priya.shah"), store(folder, "dan.other")
    with pytest.raises(SignOffReplaceError) as seen:
        mine.sign_off("prepared", "Priya Shah", DAY)
    with pytest.raises(SignOffReplaceError) as info:
        theirs.sign_off("prepared", "Dan Other", DAY)
    theirs.sign_off("prepared", "Dan Other", DAY, replacing=info.value.current)
    with pytest.raises(SignOffReplaceError, match="Dan Other"):
        mine.sign_off("prepared", "Priya Shah", DAY, replacing=seen.value.current)
    assert on_disk(folder).signoff.prepared.name == "Dan Other"


def test_first_signature_is_recorded_with_no_old_value_and_the_user(folder):
    s = store(folder, "rhian.review")
    s.sign_off("reviewed", "Rhiannon Review", DAY, "Head of Audit")
    entry = s.history()[-1]
    assert entry["signoff"] == "reviewed" and entry["old"] is None and entry["new"]["user"] == "rhian.review"
    assert on_disk(folder).signoff.reviewed.user == "rhian.review"


def test_the_same_user_cannot_review_or_approve_under_another_name(folder):
    gareth = store(folder, "gareth.lloyd")
    with pytest.raises(SignOffReplaceError) as info:
        gareth.sign_off("prepared", "Gareth Lloyd", DAY)
    gareth.sign_off("prepared", "Gareth Lloyd", DAY, replacing=info.value.current)
    with pytest.raises(SignOffError) as refused:
        gareth.sign_off("reviewed", "Somebody Else", DAY)
    assert refused.value.message == "The reviewer must be someone other than the preparer (Gareth Lloyd)."
    assert on_disk(folder).signoff.reviewed is None
    store(folder, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)
    _complete(folder)
    with pytest.raises(SignOffError) as refused:
        gareth.sign_off("approved", "Chair of the Board", DAY, facts=NO_FINDINGS)
    assert refused.value.message == "The approver must be someone other than the preparer (Gareth Lloyd)."
    _plain(str(refused.value))
    assert on_disk(folder).signoff.approved is None


def test_a_signature_recorded_before_users_were_loads_and_is_checked_by_name(folder):
    legacy = on_disk(folder).signoff.prepared
    assert legacy.name == "Gareth Lloyd" and legacy.user is None
    with pytest.raises(SignOffError) as refused:
        store(folder, "rhian.review").sign_off("reviewed", " gareth LLOYD ", DAY)
    assert refused.value.message == "The reviewer must be someone other than the preparer (Gareth Lloyd)."


def test_a_file_with_users_loads_and_one_with_the_same_user_twice_is_refused_in_plain_words(tmp_path):
    head = "landlord: l\nperiod: 2024-25\nsignoff:\n  prepared: {name: Ann, date: 2025-05-01, user: ann}\n"
    ok = write(tmp_path / "ok" / "2024-25.yaml", head + "  reviewed: {name: Bob, date: 2025-05-02, user: bob}\n")
    assert load_assessment(ok, CODE, "l", "2024-25").signoff.reviewed.user == "bob"
    bad = write(tmp_path / "bad" / "2024-25.yaml", head + "  reviewed: {name: Bob, date: 2025-05-02, user: ann}\n")
    with pytest.raises(AnswerStoreError, match=r"The reviewer must be someone other than the preparer \(Ann\)") as info:
        load_assessment(bad, CODE, "l", "2024-25")
    _plain(str(info.value))


def test_approval_needs_every_provision_assessed(folder):
    store(folder, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)
    board = store(folder, "board.chair")
    missing = 72 - len(on_disk(folder).answers)
    with pytest.raises(SignOffError) as refused:
        board.sign_off("approved", "Board", DAY, facts=NO_FINDINGS)
    assert f"{missing} of 72 provisions are not assessed" in refused.value.message
    assert "give a reason" in refused.value.message
    _plain(refused.value.message)
    assert on_disk(folder).signoff.approved is None
    with pytest.raises(SignOffError, match="give a reason"):
        board.sign_off("approved", "Board", DAY, override="   ", facts=NO_FINDINGS)
    board.sign_off("approved", "Board", DAY, override="The Board accepted the gaps; completed by September", facts=NO_FINDINGS)
    approved = on_disk(folder).signoff.approved
    assert approved.override is not None
    assert approved.override.reason == "The Board accepted the gaps; completed by September"
    assert any(f"{missing} of 72 provisions" in gap for gap in approved.override.gaps)
    assert board.history()[-1]["new"]["override"]["reason"].startswith("The Board accepted")


def test_approval_is_blocked_by_an_unexplained_no_or_a_no_without_a_dated_action(folder):
    _complete(folder, overrides={
        "2024:6.2": Answer(status="Partial", actions=[Action(text="Fix", owner="Head of CX", due=dt.date(2025, 9, 1))]),
        "2024:6.16": Answer(status="No", commentary="Not done", actions=[Action(text="Fix", owner="Head of CX")]),
    })
    store(folder, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)
    with pytest.raises(SignOffError) as refused:
        store(folder, "board.chair").sign_off("approved", "Board", DAY, facts=NO_FINDINGS)
    message = refused.value.message
    assert "6.2 is 'Partial' without an explanation" in message
    assert "6.16 is 'No' without an action with a due date" in message
    assert "not assessed" not in message


def test_a_complete_assessment_is_approved_without_an_override(folder):
    from audit_lib.assessment.signoff import approval_gaps

    _complete(folder)
    assert approval_gaps(on_disk(folder), CODE.provisions) == []
    store(folder, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)
    store(folder, "board.chair").sign_off("approved", "Board", DAY, facts=NO_FINDINGS)
    assert on_disk(folder).signoff.approved.override is None


def test_reopening_withdraws_review_and_approval_and_keeps_them_in_the_history(folder):
    _complete(folder)
    store(folder, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)
    store(folder, "board.chair").sign_off("approved", "Board", DAY, facts=NO_FINDINGS)
    s = store(folder, "priya.shah")
    s.reopen("Ombudsman asked us to review section 6")
    after = on_disk(folder)
    assert after.signoff.prepared.name == "Gareth Lloyd"
    assert after.signoff.reviewed is None and after.signoff.approved is None and after.state == "Prepared"
    entry = s.history()[-1]
    assert entry["reopened"] == "Ombudsman asked us to review section 6" and entry["user"] == "priya.shah"
    assert entry["old"]["reviewed"]["name"] == "Rhiannon Review" and entry["old"]["approved"]["name"] == "Board"
    assert entry["new"]["reviewed"] is None and entry["new"]["approved"] is None
    event = after.signoff_history[-1]
    assert event.event == "reopened" and event.reason.startswith("Ombudsman")
    assert sorted(event.withdrawn) == ["approved", "reviewed"]


def test_a_reviewed_assessment_can_be_reopened_and_a_reviewed_preparer_is_not_replaced(folder):
    store(folder, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)
    s = store(folder, "priya.shah")
    with pytest.raises(SignOffError, match="reopen it"):
        s.sign_off("prepared", "Priya Shah", DAY, replacing=on_disk(folder).signoff.prepared)
    s.reopen("Preparer changed")
    assert on_disk(folder).signoff.reviewed is None
    with pytest.raises(SignOffError, match="nothing to reopen"):
        s.reopen("again")


# --- the report's cover ----------------------------------------------------------------------


def test_the_cover_shows_users_overrides_and_the_sign_off_history_with_reopenings(demo_inputs):
    folder = demo_inputs / LANDLORD
    s = store(folder, "priya.shah")
    with pytest.raises(SignOffReplaceError) as info:
        s.sign_off("prepared", "Priya Shah", DAY, "Complaints Manager")
    s.sign_off("prepared", "Priya Shah", DAY, "Complaints Manager", replacing=info.value.current)
    store(folder, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)
    store(folder, "board.chair").sign_off("approved", "Board", DAY, override="Board accepted the gaps", facts=NO_FINDINGS)
    s.reopen("Ombudsman asked us to review section 6")
    wb = open_workbook(LANDLORD, "2024-25", demo_inputs)
    text = " ".join(views.cover(wb.landlord, wb.period, wb.catalogue, wb.assessment).html.split())
    assert "Sign-off history" in text
    assert "Priya Shah" in text and "priya.shah" in text and "replacing Gareth Lloyd" in text
    assert "Board accepted the gaps" in text
    assert "Reopened by priya.shah" in text and "Ombudsman asked us to review section 6" in text
    assert "withdrew the review by Rhiannon Review and the approval by Board" in text


def test_the_cover_marks_a_signature_recorded_without_a_user(demo_inputs):
    wb = open_workbook(LANDLORD, "2024-25", demo_inputs)
    text = " ".join(views.cover(wb.landlord, wb.period, wb.catalogue, wb.assessment).html.split())
    assert "Gareth Lloyd" in text and "user not recorded" in text


# --- the sign-off panel ----------------------------------------------------------------------


@pytest.fixture
def panel(demo_inputs, monkeypatch):
    monkeypatch.setenv("CHC_AUDIT_USER", "auditor.one")
    wb = open_workbook(LANDLORD, "2024-25", demo_inputs, interactive=True)
    wb.cover()
    return wb.live.signoff


def _sign(panel, role, name, title=""):
    name_box, title_box, _date, button = panel.rows[role]
    name_box.value, title_box.value = name, title
    button.click()
    return button


def test_panel_shows_the_signed_in_user(panel):
    assert "auditor.one" in panel.status.value
    assert "user not recorded" in panel.status.value  # Gareth Lloyd's signature predates users


def test_panel_asks_before_replacing_a_signature(panel, demo_inputs):
    button = _sign(panel, "prepared", "Priya Shah")
    assert "Replace Gareth Lloyd as preparer? Click again to confirm" in panel.message.value
    assert on_disk(demo_inputs / LANDLORD).signoff.prepared.name == "Gareth Lloyd"
    button.click()
    stored = on_disk(demo_inputs / LANDLORD).signoff.prepared
    assert (stored.name, stored.user) == ("Priya Shah", "auditor.one")
    assert "Replace" not in panel.message.value and button.description == "Sign: prepared"


def test_panel_refuses_the_same_user_as_reviewer_in_plain_words(panel, demo_inputs):
    button = _sign(panel, "prepared", "Priya Shah")
    button.click()  # confirm the replacement of Gareth Lloyd
    _sign(panel, "reviewed", "Rhiannon Review")
    assert "The reviewer must be someone other than the preparer (Priya Shah)" in panel.message.value
    _plain(panel.message.value)
    assert on_disk(demo_inputs / LANDLORD).signoff.reviewed is None


def test_panel_blocks_approval_until_an_override_reason_is_given(panel, demo_inputs):
    respond_to_contradictions(demo_inputs)
    store(demo_inputs / LANDLORD, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)
    panel.store = store(demo_inputs / LANDLORD, "board.chair")
    panel.refresh()
    assert panel.override.layout.display == "none"
    button = _sign(panel, "approved", "Board Chair", "Chair of the Board")
    assert "provisions are not assessed" in panel.message.value
    assert panel.override.layout.display != "none"
    assert on_disk(demo_inputs / LANDLORD).signoff.approved is None
    panel.override.value = "Board accepted the gaps"
    button.click()
    approved = on_disk(demo_inputs / LANDLORD).signoff.approved
    assert approved is not None and approved.override.reason == "Board accepted the gaps"
    assert "Board accepted the gaps" in panel.status.value


def test_panel_reopening_clears_review_and_approval(panel, demo_inputs):
    _complete(demo_inputs / LANDLORD)
    store(demo_inputs / LANDLORD, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)
    store(demo_inputs / LANDLORD, "board.chair").sign_off("approved", "Board", DAY, facts=NO_FINDINGS)
    panel.store = store(demo_inputs / LANDLORD, "auditor.one")
    panel.refresh()
    assert panel.reopen.disabled is False
    panel.reason.value = "Restructure: reassess section 4"
    panel.reopen.click()
    after = on_disk(demo_inputs / LANDLORD)
    assert after.state == "Prepared" and after.signoff.reviewed is None
    assert "Reviewed by: not yet" in panel.status.value and "Approved by (governing body): not yet" in panel.status.value
    from audit_lib.workbook.history_panel import describe_entry  # the sign-off's history panel tells it

    assert describe_entry(panel.store.history()[-1]).startswith("Reopened: “Restructure: reassess section 4” (the "
                                                                "review by Rhiannon Review")
    assert isinstance(after.signoff.prepared, SignOff)


def test_reopenings_recorded_by_older_files_load_and_are_on_the_cover(demo_inputs):
    path = demo_inputs / LANDLORD / "answers" / "2024-25.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("answers:\n", "reopenings:\n  - {by: j.smith, at: 2025-06-20T10:00:00, "
                                 "reason: Board asked for section 6 again}\nanswers:\n", 1), encoding="utf-8")
    wb = open_workbook(LANDLORD, "2024-25", demo_inputs)
    text = " ".join(views.cover(wb.landlord, wb.period, wb.catalogue, wb.assessment).html.split())
    assert "Sign-off history" in text and "Reopened by j.smith (reason: Board asked for section 6 again)" in text


@pytest.mark.parametrize("date", [dt.date(2, 3, 31), dt.date(2024, 3, 31), dt.date.today() + dt.timedelta(days=1)])
def test_a_signature_dated_outside_the_period_and_today_is_refused_in_plain_words(folder, date):
    with pytest.raises(SignOffError, match=r"The date signed must be between 01/04/2024 \(the start of 2024-25\) "
                                           r"and today") as refused:
        store(folder, "rhian.review").sign_off("reviewed", "Rhiannon Review", date)
    _plain(refused.value.message)
    assert on_disk(folder).signoff.reviewed is None


def test_an_approval_with_an_override_shows_its_reason_and_the_gaps_on_the_cover(demo_inputs):
    folder = demo_inputs / LANDLORD
    store(folder, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)
    store(folder, "board.chair").sign_off("approved", "Board", DAY, override="Sections 4, 5 and 9 follow in September", facts=NO_FINDINGS)
    wb = open_workbook(LANDLORD, "2024-25", demo_inputs)
    text = " ".join(views.cover(wb.landlord, wb.period, wb.catalogue, wb.assessment).html.split())
    assert ("Approval override Approved although 26 of 72 provisions are not assessed (4.1, 4.2, 4.3, 5.1"
            in text.replace("<dt>", " ").replace("</dt><dd>", " "))
    assert "Reason given: Sections 4, 5 and 9 follow in September" in text


def test_a_signature_given_meanwhile_by_someone_else_stops_the_approval_and_is_shown(panel, demo_inputs):
    _complete(demo_inputs / LANDLORD)
    respond_to_contradictions(demo_inputs)
    panel.store = store(demo_inputs / LANDLORD, "board.chair")
    panel.refresh()
    assert "Reviewed by: not yet" in panel.status.value
    # a colleague reviews while the approver's panel still shows no reviewer
    store(demo_inputs / LANDLORD, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)
    # the approver's click is against what the panel showed: refused, and the panel now shows the review
    _sign(panel, "approved", "Board Chair")
    assert "changed by someone else since you last saw it" in panel.message.value
    assert "Rhiannon Review" in panel.message.value and "Rhiannon Review" in panel.status.value
    _plain(panel.message.value)
    assert on_disk(demo_inputs / LANDLORD).signoff.approved is None
    _sign(panel, "approved", "Board Chair")  # having seen it, the approver approves
    assert on_disk(demo_inputs / LANDLORD).signoff.approved.name == "Board Chair"


def test_a_reopening_by_someone_else_stops_a_reopening_against_what_was_shown(panel, demo_inputs):
    _complete(demo_inputs / LANDLORD)
    store(demo_inputs / LANDLORD, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)
    panel.store = store(demo_inputs / LANDLORD, "auditor.one")
    panel.refresh()
    store(demo_inputs / LANDLORD, "rhian.review").reopen("Section 6 to be checked again")
    store(demo_inputs / LANDLORD, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY + dt.timedelta(days=1))
    panel.reason.value = "Restructure"
    panel.reopen.click()
    assert "changed by someone else" in panel.message.value
    assert len([e for e in on_disk(demo_inputs / LANDLORD).signoff_history if e.event == "reopened"]) == 1


def test_the_same_user_as_approver_is_not_offered_an_override(panel, demo_inputs):
    button = _sign(panel, "prepared", "Priya Shah")
    button.click()  # auditor.one is now the preparer
    store(demo_inputs / LANDLORD, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)
    assert panel.store.reload()  # the page takes in a colleague's change before it is redrawn
    panel.refresh()
    _sign(panel, "approved", "Board Chair")
    assert "The approver must be someone other than the preparer (Priya Shah)" in panel.message.value
    assert "anyway" not in panel.message.value and panel.override.layout.display == "none"


def test_a_replacement_asked_for_is_forgotten_once_the_signature_is_gone(panel, demo_inputs):
    _complete(demo_inputs / LANDLORD)
    store(demo_inputs / LANDLORD, "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)
    panel.store.reload()
    panel.refresh()
    button = _sign(panel, "reviewed", "Dominic Reeve")
    assert button.description == "Confirm: replace"
    panel.reason.value = "Restructure"
    panel.reopen.click()  # withdraws the review the replacement was asked for
    assert button.description == "Sign: reviewed" and "reviewed" not in panel._replacing
