"""Enrolment changes reported on visits are confirmed (or not) by the lead: confirming writes the
change into the person's record once, in the same transaction, and is audited."""

from datetime import date

import pytest
from sqlmodel import func, select

from app.domain.codes import ChangeStatus, InsuranceStatus, OutcomeCode, RegionLevel
from app.domain.visits import OutcomeForm
from app.models import AuditEvent, EnrolmentChange, Household, Person
from app.services import enrolment
from tests import factories
from tests.conftest import csrf_token


@pytest.fixture
def wang(db):
    """王芳 of 瓦窑村, paying the resident pension at 200 a year, worked by mei."""
    home = factories.household(db, address="瓦窑村8号")
    factories.assign(db, home, "mei")
    return factories.person(
        db,
        home,
        name="王芳",
        id_number=factories.id_number(order=124),
        insurance_status="resident",
        resident_tier="200",
    )


def reported(db, person: Person, code="raise_tier", by="mei", **values) -> EnrolmentChange:
    """What a member records on a visit: an outcome that is a real enrolment change."""
    home = db.get(Household, person.household_id)
    outcome = OutcomeForm(person_id=str(person.id), code=code, **values)
    factories.visit(db, home, [person], by=by, outcomes=[outcome])
    query = select(EnrolmentChange).where(EnrolmentChange.person_id == person.id)
    return db.exec(query.order_by(EnrolmentChange.id.desc())).first()


def audited(db, action: str) -> int:
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    return db.exec(query).one()


def post(client, path: str, **data):
    data["csrf_token"] = csrf_token(client, "/account")
    return client.post(path, data=data, follow_redirects=False)


def test_the_lead_sees_what_was_reported_with_a_confirm_button(db, as_user, wang):
    change = reported(db, wang, from_value="200", to_value="500")
    page = as_user("lee").get("/changes")
    assert page.status_code == 200
    row = page.text.split(f'id="change-{change.id}"')[1].split("</li>")[0]
    for text in ("王芳", "瓦窑村8号", "瓦窑村", "梅队员", "¥200.00 → ¥500.00", "确认"):
        assert text in row
    assert f'action="/changes/{change.id}/confirm"' in row
    assert f'action="/changes/{change.id}/reject"' in row


def test_confirming_a_raise_updates_the_record_and_is_audited(db, as_user, wang):
    change = reported(db, wang, from_value="200", to_value="500")
    version = wang.version
    client = as_user("lee")
    answer = post(client, f"/changes/{change.id}/confirm")
    assert answer.status_code == 303 and answer.headers["location"] == "/changes"
    db.refresh(change)
    db.refresh(wang)
    assert change.status == ChangeStatus.confirmed
    assert change.decided_by_id == factories.user_id(db, "lee") and change.decided_at
    assert (wang.insurance_status, wang.resident_tier) == (InsuranceStatus.resident, 500)
    assert wang.version == version + 1
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "enrolment_change_confirmed"))
    assert event.one().detail == {
        "change": change.id,
        "kind": "raise_tier",
        "applied": {"insurance_status": "resident", "stopped_since": None, "resident_tier": 500},
    }
    row = client.get("/changes").text.split(f'id="change-{change.id}"')[1].split("</li>")[0]
    assert 'data-status="confirmed"' in row and "/confirm" not in row


def test_a_second_confirmation_does_not_apply_the_change_again(db, as_user, wang):
    change = reported(db, wang, from_value="200", to_value="500")
    client = as_user("lee")
    post(client, f"/changes/{change.id}/confirm")
    db.refresh(wang)
    version = wang.version
    again = post(client, f"/changes/{change.id}/confirm")
    assert again.status_code == 303, "a double tap lands on the same page"
    db.refresh(wang)
    assert wang.version == version
    assert audited(db, "enrolment_change_confirmed") == 1


def test_a_decided_change_cannot_be_decided_the_other_way(db, as_user, wang):
    change = reported(db, wang, from_value="200", to_value="500")
    client = as_user("lee")
    post(client, f"/changes/{change.id}/confirm")
    answer = post(client, f"/changes/{change.id}/reject", note="搞错了")
    assert answer.status_code == 409
    db.refresh(change)
    assert change.status == ChangeStatus.confirmed and change.decision_note == ""


def test_a_rejection_needs_a_note_and_leaves_the_record_alone(db, as_user, wang):
    change = reported(db, wang, from_value="200", to_value="500")
    client = as_user("lee")
    answer = post(client, f"/changes/{change.id}/reject", note="  ")
    assert answer.status_code == 422
    assert f'id="e-note-{change.id}"' in answer.text
    db.refresh(change)
    assert change.status == ChangeStatus.reported

    answer = post(client, f"/changes/{change.id}/reject", note="社保系统里查不到缴费")
    assert answer.status_code == 303
    db.refresh(change)
    db.refresh(wang)
    assert change.status == ChangeStatus.rejected
    assert change.decision_note == "社保系统里查不到缴费"
    assert wang.resident_tier == 200
    row = client.get("/changes").text.split(f'id="change-{change.id}"')[1].split("</li>")[0]
    assert 'data-status="rejected"' in row and "社保系统里查不到缴费" in row


def test_a_long_rejection_note_is_kept_for_correcting(db, as_user, wang):
    change = reported(db, wang, from_value="200", to_value="500")
    note = "查" * 201
    answer = post(as_user("lee"), f"/changes/{change.id}/reject", note=note)
    assert answer.status_code == 422 and note in answer.text


@pytest.mark.parametrize("username", ["mei", "cai"])
def test_members_and_cadres_may_not_review_changes(db, as_user, wang, username):
    change = reported(db, wang, from_value="200", to_value="500")
    client = as_user(username)
    assert client.get("/changes").status_code == 403
    assert post(client, f"/changes/{change.id}/confirm").status_code == 403
    db.refresh(change)
    assert change.status == ChangeStatus.reported


def test_a_lead_cannot_see_or_decide_changes_in_another_township(db, as_user):
    village = factories.region(
        db, "玉兴村", RegionLevel.village, factories.region_named(db, "玉兴街道")
    )
    home = factories.household(db, village=village.name, address="玉兴村1号")
    factories.assign(db, home, "otto")
    zhao = factories.person(db, home, name="赵敏", id_number=factories.id_number(order=126))
    change = reported(db, zhao, code="join_resident", by="otto", to_value="300")
    client = as_user("lee")
    assert "赵敏" not in client.get("/changes").text
    assert post(client, f"/changes/{change.id}/confirm").status_code == 404
    assert post(client, f"/changes/{change.id}/reject", note="不是").status_code == 404
    db.refresh(change)
    assert change.status == ChangeStatus.reported


def test_the_admin_sees_every_change_and_the_intervals_link(db, as_user, wang):
    reported(db, wang, from_value="200", to_value="500")
    page = as_user("alice").get("/changes").text
    assert "王芳" in page and 'href="/admin/follow-ups"' in page


def test_waiting_changes_come_first_oldest_first(db, as_user, wang):
    li = factories.person(
        db, db.get(Household, wang.household_id), name="李强", id_number=factories.id_number()
    )
    first = reported(db, wang, from_value="200", to_value="500")
    second = reported(db, li, code="join_flexible", to_value="60")
    third = reported(db, wang, code="buy_back")
    client = as_user("lee")
    post(client, f"/changes/{first.id}/confirm")
    page = client.get("/changes").text
    positions = [page.index(f'id="change-{c.id}"') for c in (second, third, first)]
    assert positions == sorted(positions)
    assert "缴费基数60%" in page.split(f'id="change-{second.id}"')[1].split("</li>")[0]


@pytest.mark.parametrize(
    ("kind", "to_value", "expected"),
    [
        ("join_resident", 300, {"insurance_status": "resident", "resident_tier": 300}),
        ("raise_tier", 500, {"insurance_status": "resident", "resident_tier": 500}),
        ("join_flexible", 60, {"insurance_status": "employee_flexible", "resident_tier": None}),
        ("resume_paying", None, {}),
        ("extend_paying", None, {}),
        ("buy_back", None, {}),
    ],
)
def test_what_a_confirmed_change_writes_into_the_record(kind, to_value, expected):
    change = EnrolmentChange(kind=kind, to_value=to_value)
    update = enrolment.record_update(change)
    assert {k: v for k, v in update.items() if k != "stopped_since"} == expected
    assert update.get("stopped_since") is None


def test_joining_as_a_flexible_worker_moves_the_person_to_the_employee_pension(db, as_user, wang):
    change = reported(db, wang, code="join_flexible", to_value="100")
    post(as_user("lee"), f"/changes/{change.id}/confirm")
    db.refresh(wang)
    assert (wang.insurance_status, wang.resident_tier) == (InsuranceStatus.employee_flexible, None)


def test_resuming_payments_is_recorded_without_guessing_the_scheme(db, as_user, wang):
    wang.insurance_status, wang.resident_tier, wang.stopped_since = (
        "stopped",
        None,
        date(2020, 1, 1),
    )
    db.add(wang)
    db.commit()
    change = reported(db, wang, code="resume_paying")
    post(as_user("lee"), f"/changes/{change.id}/confirm")
    db.refresh(wang)
    db.refresh(change)
    assert change.status == ChangeStatus.confirmed
    assert wang.insurance_status == InsuranceStatus.stopped


def test_confirmed_changes_are_counted_by_kind_region_and_year(db, as_user, wang):
    raise_ = reported(db, wang, from_value="200", to_value="500")
    flexible = reported(db, wang, code="join_flexible", to_value="60")
    reported(db, wang, code="buy_back")  # never confirmed
    client = as_user("lee")
    for change in (raise_, flexible):
        post(client, f"/changes/{change.id}/confirm")
    this_year = raise_.effective_on.year
    township = factories.region_named(db, "北城街道")
    elsewhere = factories.region_named(db, "玉兴街道")
    expected = {OutcomeCode.raise_tier: 1, OutcomeCode.join_flexible: 1}
    assert enrolment.confirmed_changes(db, None, this_year) == expected
    village = factories.region_named(db, "瓦窑村").id
    assert enrolment.confirmed_changes(db, {township.id, village}, this_year) == expected
    assert enrolment.confirmed_changes(db, {elsewhere.id}, this_year) == {}
    assert enrolment.confirmed_changes(db, None, this_year - 1) == {}


def test_two_leads_deciding_at_once_apply_the_change_once(db, wang):
    """Both opened the page while the change was waiting; the second decision finds it
    decided."""
    from sqlmodel import Session

    from app.core.db import get_engine

    change = reported(db, wang, from_value="200", to_value="500")
    with Session(get_engine()) as other:
        stale = other.get(EnrolmentChange, change.id)
        enrolment.confirm(db, change, by=factories.user_named(db, "lee"))
        with pytest.raises(enrolment.AlreadyDecided):
            enrolment.reject(other, stale, "不对", by=factories.user_named(other, "alice"))
        enrolment.confirm(other, stale, by=factories.user_named(other, "alice"))
    db.refresh(wang)
    db.refresh(change)
    assert change.decided_by_id == factories.user_id(db, "lee")
    assert audited(db, "enrolment_change_confirmed") == 1
