"""Everything the audit must know is on record: each action below is done the way users do it,
and its row names the action, who did it and what it concerned. Changes say what changed
(old → new), never a full ID or phone number."""

import re
import uuid
from datetime import timedelta

import pytest
from sqlmodel import delete, select

from app.core import clock
from app.domain.audit import ACTION_LABELS
from app.domain.visits import OutcomeForm
from app.models import AuditEvent, EnrolmentChange
from app.services.assignments import release_idle_claims
from tests import factories
from tests.conftest import csrf_token, sign_in
from tests.factories import assign, household, id_number, person, region_named, user_id

NUMBER = id_number("530402", "19800101", 123)


@pytest.fixture(autouse=True)
def trail(db):
    """Start each test with an empty trail (the personas' creation is on record too)."""
    db.exec(delete(AuditEvent))
    db.commit()


def recorded(db, action: str) -> AuditEvent:
    """The one row of the action (the test did it once)."""
    (row,) = db.exec(select(AuditEvent).where(AuditEvent.action == action)).all()
    return row


def post(client, path: str, page: str = "/account", **data):
    data["csrf_token"] = csrf_token(client, page)
    return client.post(path, data=data, follow_redirects=False)


@pytest.fixture
def home(db):
    made = household(db, address="瓦窑村12号", phone="13812345678")
    assign(db, made, "mei")
    return made


@pytest.fixture
def wang(db, home):
    return person(db, home, name="王大海", id_number=NUMBER, phone="13812345678")


# --- signing in and out, passwords ---------------------------------------------------------


def test_sign_ins_failures_and_sign_outs(client, db):
    sign_in(client, "mei", "wrong-password")
    failed = recorded(db, "login_failed")
    assert (failed.username, failed.user_id, failed.address) == (
        "mei",
        user_id(db, "mei"),
        "testclient",
    )
    sign_in(client, "nobody", "wrong-password")
    unknown = db.exec(select(AuditEvent).where(AuditEvent.username == "nobody")).one()
    assert (unknown.action, unknown.user_id) == ("login_failed", None)
    sign_in(client, "mei")
    assert recorded(db, "login").username == "mei"
    post(client, "/logout")
    logout = recorded(db, "logout")
    assert (logout.username, logout.target) == ("mei", f"user:{user_id(db, 'mei')}")


def test_a_throttled_sign_in(client, db):
    for _ in range(6):
        sign_in(client, "mei", "wrong-password")
    assert recorded(db, "login_throttled").address == "testclient"


def test_changing_ones_own_password(as_user, db):
    client = as_user("mei")
    new = "three-unrelated-words"
    post(client, "/account/password", current=factories.PASSWORD, new=new, repeated=new)
    row = recorded(db, "password_changed")
    assert (row.username, row.target) == ("mei", f"user:{user_id(db, 'mei')}")
    assert new not in str(row.detail)


def test_an_admin_resetting_a_password(as_user, db):
    post(as_user("alice"), f"/admin/users/{user_id(db, 'ming')}/password")
    row = recorded(db, "password_reset")
    assert (row.username, row.target) == ("alice", f"user:{user_id(db, 'ming')}")


# --- accounts and teams --------------------------------------------------------------------


def test_creating_a_user_records_role_region_and_teams(as_user, db):
    client = as_user("alice")
    township = region_named(db, "北城街道")
    team_id = re.search(r'value="(\d+)"[^>]*>北城一队', client.get("/admin/users/new").text)
    form = {
        "username": "xiaoli",
        "display_name": "小李",
        "role": "member",
        "region_id": township.id,
        "team_ids": team_id.group(1),
        "password": "a-long-password",
    }
    post(client, "/admin/users", **form)
    row = recorded(db, "user_created")
    assert (row.username, row.target) == ("alice", f"user:{user_id(db, 'xiaoli')}")
    assert row.detail == {"role": "member", "region": township.id, "teams": [int(team_id.group(1))]}


def test_deactivating_and_reactivating_a_user(as_user, db):
    client = as_user("alice")
    ming = user_id(db, "ming")
    post(client, f"/admin/users/{ming}/active", active="0", confirmed="1")
    post(client, f"/admin/users/{ming}/active", active="1")
    for action in ("user_deactivated", "user_activated"):
        assert (recorded(db, action).username, recorded(db, action).target) == (
            "alice",
            f"user:{ming}",
        )


def test_team_membership_changes(as_user, db):
    lead = as_user("lee")
    first, second = re.findall(r'action="/team/(\d+)/pools"', lead.get("/team").text)
    ming = user_id(db, "ming")
    post(lead, f"/team/{first}/members/{ming}/remove", confirmed="1")
    post(lead, f"/team/{second}/members", user_id=ming)
    removed, added = recorded(db, "team_member_removed"), recorded(db, "team_member_added")
    assert (removed.username, removed.target, removed.detail) == (
        "lee",
        f"team:{first}",
        {"member": ming},
    )
    assert (added.target, added.detail) == (f"team:{second}", {"member": ming})


# --- the registry --------------------------------------------------------------------------


def test_registering_and_changing_a_household_says_what_changed(as_user, db):
    client = as_user("lee")
    village = region_named(db, "瓦窑村")
    post(
        client,
        "/households",
        village_id=village.id,
        address="瓦窑村99号",
        phone="13812345678",
        grid="一网格",
    )
    created = recorded(db, "household_created")
    home_id = int(created.target.split(":")[1])
    assert created.username == "lee"
    page = client.get(f"/households/{home_id}/edit").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    post(
        client,
        f"/households/{home_id}",
        village_id=village.id,
        address="瓦窑村99号",
        phone="13912345678",
        grid="二网格",
        version=version,
    )
    changed = recorded(db, "household_changed")
    assert (changed.username, changed.target) == ("lee", f"household:{home_id}")
    assert changed.detail["fields"] == {
        "grid": ["一网格", "二网格"],
        "phone": ["138****5678", "139****5678"],
    }


def test_adding_a_person(as_user, db, home):
    client = as_user("lee")
    path = f"/households/{home.id}/people"
    post(client, path, f"{path}/new", name="王大海", id_number=NUMBER)
    row = recorded(db, "person_added")
    assert row.username == "lee" and row.target.startswith("person:")
    assert row.detail == {"household": home.id}
    assert NUMBER not in str(row.detail)


def test_changing_a_person_says_what_changed_old_to_new_and_masks(as_user, db, wang):
    client = as_user("lee")
    page = client.get(f"/people/{wang.id}/edit").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    other = id_number("530402", "19800101", 125)
    post(
        client,
        f"/people/{wang.id}",
        name="王大海",
        id_number=other,
        phone="13912345678",
        occupation="外卖骑手",
        key_groups=["4"],
        version=version,
    )
    row = recorded(db, "person_changed")
    assert (row.username, row.target) == ("lee", f"person:{wang.id}")
    fields = row.detail["fields"]
    assert fields["occupation"] == ["", "外卖骑手"]
    assert fields["phone"] == ["138****5678", "139****5678"]
    assert fields["key_groups"] == [[], ["4"]]
    assert fields["id_number_masked"] == [
        f"530402********{NUMBER[-4:]}",
        f"530402********{other[-4:]}",
    ]
    assert NUMBER not in str(row.detail) and other not in str(row.detail)
    assert "13912345678" not in str(row.detail)
    assert not {"id_number_encrypted", "id_number_index"} & set(fields)


def test_an_edit_that_changes_nothing_lists_no_fields(as_user, db, wang):
    client = as_user("lee")
    page = client.get(f"/people/{wang.id}/edit").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    post(client, f"/people/{wang.id}", name="王大海", phone="13812345678", version=version)
    assert recorded(db, "person_changed").detail == {"fields": {}}


def test_revealing_a_full_id_number(as_user, db, wang):
    post(as_user("mei"), f"/people/{wang.id}/reveal", reason="confirm_identity")
    row = recorded(db, "reveal_id_number")
    assert (row.username, row.target, row.detail) == (
        "mei",
        f"person:{wang.id}",
        {"reason": "confirm_identity"},
    )


def test_every_export(as_user, db, wang):
    client = as_user("alice")
    client.get(f"/households/export.csv?q={NUMBER}")
    households = recorded(db, "export")
    assert (households.username, households.target) == ("alice", "households")
    assert NUMBER not in str(households.detail), "a searched ID number is kept masked"
    client.get("/admin/audit/export.xlsx")
    exports = db.exec(select(AuditEvent.target).where(AuditEvent.action == "export")).all()
    assert sorted(exports) == ["audit", "households"]


# --- assignments, visits, enrolment changes ------------------------------------------------


def test_assigning_households(as_user, db, home):
    client = as_user("lee")
    ming = user_id(db, "ming")
    form = {"member_id": ming, "household_ids": [home.id], "scope": "ticked", "confirmed": "1"}
    form["take"] = "1"  # from mei
    post(client, "/assign", "/assign", **form)
    row = recorded(db, "assignment_changed")
    assert (row.username, row.target, row.detail) == ("lee", f"user:{ming}", {"households": 1})


def test_moving_a_members_households(as_user, db, home):
    post(
        as_user("lee"),
        "/assign/move",
        "/assign",
        from_member_id=user_id(db, "mei"),
        to_member_id=user_id(db, "ming"),
        confirmed="1",
    )
    row = recorded(db, "assignment_moved")
    assert (row.username, row.target) == ("lee", f"user:{user_id(db, 'ming')}")


def test_claiming_a_household_and_releasing_idle_claims(as_user, db):
    from datetime import timedelta

    lead = as_user("lee")
    team_id = re.search(r'action="/team/(\d+)/pools"', lead.get("/team").text).group(1)
    post(lead, f"/team/{team_id}/pools", "/team", village_id=region_named(db, "瓦窑村").id)
    free = household(db, address="瓦窑村30号")
    lead.cookies.clear()
    member = as_user("mei")
    post(member, "/worklist/claims", "/worklist/claims", household_id=free.id)
    claimed = recorded(db, "household_claimed")
    assert (claimed.username, claimed.target) == ("mei", f"household:{free.id}")
    db.refresh(free)
    free.claimed_at = clock.now() - timedelta(days=30)
    db.add(free)
    db.commit()
    release_idle_claims(db, clock.today())
    released = recorded(db, "claims_released")
    assert (released.user_id, released.target) == (None, f"team:{team_id}")
    assert released.detail == {"households": [free.id]}


def test_recording_a_visit(client, api_token, db, home, wang):
    body = {
        "client_uuid": str(uuid.uuid4()),
        "household_id": home.id,
        "channel": "home_visit",
        "reached": True,
        "person_ids": [wang.id],
        "occurred_at": clock.local(clock.now()).isoformat(),
    }
    answer = client.post("/api/v1/visits", json=body, headers=api_token("mei"))
    assert answer.status_code in (200, 201), answer.text
    row = recorded(db, "visit_recorded")
    assert (row.username, row.target) == ("mei", f"household:{home.id}")
    assert row.detail == {"visit": answer.json()["id"]}


def test_opening_and_closing_a_claim_pool(as_user, db):
    lead = as_user("lee")
    team_id = re.search(r'action="/team/(\d+)/pools"', lead.get("/team").text).group(1)
    village = region_named(db, "瓦窑村").id
    post(lead, f"/team/{team_id}/pools", "/team", village_id=village)
    post(lead, f"/team/{team_id}/pools/{village}/close", "/team")
    for action in ("pool_opened", "pool_closed"):
        row = recorded(db, action)
        assert (row.username, row.target, row.detail) == (
            "lee",
            f"team:{team_id}",
            {"village": village},
        )


def test_setting_a_follow_up_date(as_user, db, home, wang):
    made = factories.visit(db, home, [wang], by="mei")
    day = (clock.today() + timedelta(days=5)).isoformat()
    post(as_user("mei"), f"/visits/{made.id}/follow-up", f"/visits/{made.id}", follow_up_on=day)
    row = recorded(db, "follow_up_set")
    assert (row.username, row.target) == ("mei", f"household:{home.id}")
    assert row.detail == {"visit": made.id, "due_on": day}


@pytest.fixture
def change(db, home, wang):
    """A move to the flexible-worker pension that mei reported on a visit."""
    joined = OutcomeForm(person_id=str(wang.id), code="join_flexible", to_value="60")
    factories.visit(db, home, [wang], by="mei", outcomes=[joined])
    return db.exec(select(EnrolmentChange)).one()


def test_confirming_an_enrolment_change(as_user, db, change):
    post(as_user("lee"), f"/changes/{change.id}/confirm", "/changes")
    row = recorded(db, "enrolment_change_confirmed")
    assert (row.username, row.target) == ("lee", f"person:{change.person_id}")


def test_rejecting_an_enrolment_change(as_user, db, change):
    post(as_user("lee"), f"/changes/{change.id}/reject", "/changes", note="户主说未办理")
    row = recorded(db, "enrolment_change_rejected")
    assert (row.username, row.target) == ("lee", f"person:{change.person_id}")
    assert row.detail["note"] == "户主说未办理"


# --- every action has a name on the page ---------------------------------------------------


def test_every_action_the_app_records_has_a_label():
    """A new audit.record(session, "action", …) in the code needs its name in ACTION_LABELS."""
    from pathlib import Path

    import app

    found = set()
    for path in Path(app.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'audit\.record\(\s*session,\s*"(\w+)"', text))
    # Named through a variable where they are recorded:
    found |= {"login", "login_failed", "user_activated", "user_deactivated"}
    found |= {"import_review_merged", "import_review_kept_apart"}
    assert len(found) > 30
    assert found - set(ACTION_LABELS) == set()
