"""Enrolment changes reported on visits are confirmed (or not) by the lead: confirming writes the
change into the person's record once, in the same transaction, and is audited."""

from datetime import date, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import func, select

from app.core import clock
from app.domain.codes import ChangeStatus, InsuranceStatus, OutcomeCode, RegionLevel
from app.domain.visits import OutcomeForm
from app.models import AuditEvent, EnrolmentChange, Household, Person
from app.services import enrolment
from tests import factories
from tests.conftest import csrf_token
from tests.databases import ON_POSTGRES
from tests.query_plans import statements


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


# --- a city's worth waiting ----------------------------------------------------------------------


def waiting(db, person: Person, count: int) -> list[EnrolmentChange]:
    """``count`` raises reported about the person a minute apart, oldest first."""
    start = clock.now() - timedelta(hours=1)
    made = [
        factories.raise_reported(db, person, reported_at=start + timedelta(minutes=n))
        for n in range(count)
    ]
    db.commit()
    return made


def shown(page: str, changes: list[EnrolmentChange]) -> list[EnrolmentChange]:
    """Which of the changes the page lists as waiting, in the order given."""
    listed = page.split('id="waiting-changes"')[1].split("</ul>")[0]
    return [c for c in changes if f'id="change-{c.id}"' in listed]


@pytest.fixture
def elsewhere(db):
    """赵敏 of 玉兴村, in the township lee does not lead."""
    village = factories.region(
        db, "玉兴村", RegionLevel.village, factories.region_named(db, "玉兴街道")
    )
    home = factories.household(db, village=village.name, address="玉兴村1号")
    return factories.person(db, home, name="赵敏", id_number=factories.id_number(order=126))


def test_a_long_waiting_list_is_paged_oldest_first_with_the_count_of_all(
    db, as_user, wang, elsewhere, monkeypatch
):
    """A city has tens of thousands waiting: all of them were listed on one page (16 s)."""
    monkeypatch.setattr(enrolment, "PAGE_SIZE", 2)
    changes = waiting(db, wang, 5)
    waiting(db, elsewhere, 1)  # not the lead's: neither listed nor counted
    decided = reported(db, wang, code="buy_back")
    client = as_user("lee")
    post(client, f"/changes/{decided.id}/confirm")

    first = client.get("/changes").text
    assert shown(first, changes) == changes[:2]
    assert "待处理（5）" in first and "第1页，共3页" in first
    assert 'href="/changes?page=2"' in first and "上一页" not in first
    second = client.get("/changes?page=2").text
    assert shown(second, changes) == changes[2:4]
    assert 'href="/changes?page=1"' in second and 'href="/changes?page=3"' in second
    last = client.get("/changes?page=3").text
    assert shown(last, changes) == changes[4:] and "下一页" not in last
    assert "赵敏" not in first + second + last
    for page in (first, second, last):
        latest = page.split('id="decided-changes"')[1]
        assert f'id="change-{decided.id}"' in latest, "the latest decisions under every page"
    assert shown(client.get("/changes?page=9").text, changes) == changes[4:]
    assert shown(client.get("/changes?page=x").text, changes) == changes[:2]


def test_a_decision_on_a_later_page_comes_back_to_that_page(db, as_user, wang, monkeypatch):
    monkeypatch.setattr(enrolment, "PAGE_SIZE", 2)
    changes = waiting(db, wang, 5)
    client = as_user("lee")
    page = client.get("/changes?page=2").text
    form = page.split(f'action="/changes/{changes[2].id}/confirm"')[1].split("</form>")[0]
    assert '<input type="hidden" name="page" value="2">' in form
    answer = post(client, f"/changes/{changes[2].id}/confirm", page="2")
    assert answer.status_code == 303 and answer.headers["location"] == "/changes?page=2"
    assert shown(client.get("/changes?page=2").text, changes) == [changes[3], changes[4]]

    refused = post(client, f"/changes/{changes[3].id}/reject", note=" ", page="2")
    assert refused.status_code == 422
    assert shown(refused.text, changes) == [changes[3], changes[4]]
    assert post(client, f"/changes/{changes[0].id}/confirm", page="1").headers["location"] == (
        "/changes"
    )


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's query plans")
@pytest.mark.parametrize(
    ("username", "expected"),
    [
        # the admin's changes are all of them: no person or household to look up
        ("alice", ["SEARCH enrolment_change USING COVERING INDEX ix_enrolment_change_status"]),
        # a lead's people are found from their villages, through the household indexes
        (
            "lee",
            [
                "SEARCH enrolment_change USING INDEX ix_enrolment_change_status",
                "LIST SUBQUERY 1",
                "SEARCH household USING COVERING INDEX ix_household_village_assignee",
                "SEARCH person USING COVERING INDEX ix_person_household_id",
            ],
        ),
    ],
)
def test_waiting_changes_are_counted_without_looking_up_each_ones_person(
    db, wang, username, expected
):
    """Joining each of a city's 76 522 waiting changes to its person and household took 0.4 s
    (person and household searched by their keys once per change)."""
    statements = []

    def seen(_connection, _cursor, statement, parameters, _context, _executemany) -> None:
        statements.append((statement, parameters))

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        enrolment.changes_to_review(db, factories.user_named(db, username))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    ((count, parameters),) = [s for s in statements if s[0].lstrip().startswith("SELECT count(")]
    plan = db.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {count}", parameters)
    assert [row.detail.split(" (")[0] for row in plan] == expected


@pytest.mark.parametrize(("username", "gathered"), [("lee", True), ("alice", False)])
def test_a_leads_changes_are_gathered_before_they_are_ordered(db, wang, username, gathered):
    """Asked for the latest decisions of a township with none, PostgreSQL walked the city's
    684 000 decided changes newest first looking for one (2.6 s); the admin's are the city's
    own newest, best found that way."""
    with statements(db.get_bind()) as seen:
        enrolment.changes_to_review(db, factories.user_named(db, username))
    listed = [text for text, _ in seen if "ORDER BY" in text and "enrolment_change" in text]
    assert len(listed) == 2, "the waiting and the decided changes"
    assert all(("AS MATERIALIZED" in text) == gathered for text in listed)
