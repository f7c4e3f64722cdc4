"""Members work their list on the phone; leads cut the lists and see their teams."""

import itertools
import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from app.core import clock
from app.domain.visits import EligibilityFacts, OutcomeForm, StepForm, is_eligible
from app.models import Assignment, AuditEvent, Household, Person, TeamMembership
from app.services import visits, worklists
from tests import factories
from tests.conftest import csrf_token
from tests.databases import ON_POSTGRES
from tests.factories import (
    assign,
    household,
    id_number,
    long_list,
    person,
    region,
    region_named,
    user_id,
    user_named,
)
from tests.query_plans import query_plans, statements


@pytest.fixture
def village_households(db):
    """Five households in 瓦窑村, one with someone on a plan list and a phone."""
    made = []
    for n in range(5):
        home = household(db, "瓦窑村", address=f"瓦窑村{n + 1}号", village_group=f"第{5 - n}组")
        made.append(home)
    person(
        db,
        made[3],
        name="王大海",
        id_number=id_number(order=123),
        phone="13812345678",
        insurance_status="none",
        relation="head",
    )
    person(
        db,
        made[0],
        name="李秀英",
        id_number=id_number(born="19400101", order=222),
        insurance_status="receiving",
    )
    return made


def post_assign(client, query="", **form):
    token = csrf_token(client, "/assign")
    return client.post(f"/assign?{query}", data={**form, "csrf_token": token})


def test_a_lead_previews_then_assigns_every_unassigned_household(as_user, db, village_households):
    client = as_user("lee")
    mei = user_id(db, "mei")
    preview = post_assign(client, "unassigned=1", member_id=mei, scope="all")
    assert "将有5户分配给梅队员" in preview.text
    assert db.exec(select(Household).where(Household.assignee_id == mei)).all() == []
    ids = re.findall(r'name="household_ids" value="(\d+)"', preview.text)
    done = post_assign(
        client, "unassigned=1", member_id=mei, scope="all", household_ids=ids, confirmed="1"
    )
    assert "已调整5户的分配" in done.text
    assert len(db.exec(select(Household).where(Household.assignee_id == mei)).all()) == 5
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "assignment_changed")).one()


def test_ticked_rows_are_assigned_and_reassigned_with_history(as_user, db, village_households):
    client = as_user("lee")
    first = village_households[0]
    for member in ("mei", "ming"):  # ming takes it from mei: confirmed as taken
        form = {"household_ids": [first.id], "confirmed": "1", "take": "1"}
        post_assign(client, member_id=user_id(db, member), **form)
    db.refresh(first)
    assert first.assignee_id == user_id(db, "ming")
    kinds = [a.kind for a in db.exec(select(Assignment).order_by(Assignment.id))]
    assert kinds == ["assign", "reassign"]
    page = client.get(f"/households/{first.id}").text
    assert 'data-kind="assignment"' in page and "：明队员" in page and "：梅队员" in page


def preview_section(page: str, handover: str) -> str:
    found = re.search(rf'data-handover="{handover}">(.*?)</section>', page, re.S)
    return found.group(1) if found else ""


def test_the_preview_lists_each_household_with_its_holder_and_what_happens_to_it(
    as_user, db, village_households
):
    """The lead ticked an unassigned household, one of ming's and one already mei's."""
    free, mings, meis = village_households[3], village_households[1], village_households[2]
    assign(db, mings, "ming")
    assign(db, meis, "mei")
    ticked = [free.id, mings.id, meis.id]
    page = post_assign(as_user("lee"), member_id=user_id(db, "mei"), household_ids=ticked).text
    assert "将有2户分配给梅队员" in page
    taken, given, kept = (preview_section(page, h) for h in ("taken", "given", "kept"))
    assert "从其他队员处转来（1户）" in taken and "瓦窑村2号" in taken and "现由明队员负责" in taken
    assert "原未分配（1户）" in given and "王大海" in given and "瓦窑村4号" in given
    assert "无变化（1户）" in kept and "瓦窑村3号" in kept and "现由梅队员负责" in kept
    assert "其中1户目前由其他队员（明队员）负责" in page and 'name="take"' in page


def test_taking_households_from_another_member_needs_its_own_confirmation(
    as_user, db, village_households
):
    free, mings = village_households[0], village_households[1]
    assign(db, mings, "ming")
    client, mei = as_user("lee"), user_id(db, "mei")
    form = {"member_id": mei, "household_ids": [free.id, mings.id], "confirmed": "1"}
    refused = post_assign(client, **form)
    assert refused.status_code == 422
    assert "部分户目前由其他队员负责：请勾选确认转走。" in refused.text
    assert "现由明队员负责" in refused.text and 'name="confirmed"' in refused.text
    for home in (free, mings):
        db.refresh(home)
    assert (free.assignee_id, mings.assignee_id) == (None, user_id(db, "ming"))
    assert post_assign(client, **form, take="1").status_code == 200
    db.refresh(mings)
    assert mings.assignee_id == mei


def test_unassigning_a_members_household_is_taking_it_too(as_user, db, village_households):
    mings = village_households[1]
    assign(db, mings, "ming")
    form = {"member_id": "none", "household_ids": [mings.id], "confirmed": "1"}
    assert post_assign(as_user("lee"), **form).status_code == 422
    db.refresh(mings)
    assert mings.assignee_id == user_id(db, "ming")


def test_giving_unassigned_households_asks_nothing_more(as_user, db, village_households):
    free = village_households[0]
    page = post_assign(as_user("lee"), member_id=user_id(db, "mei"), household_ids=[free.id])
    assert 'name="take"' not in page.text
    form = {"member_id": user_id(db, "mei"), "household_ids": [free.id], "confirmed": "1"}
    assert post_assign(as_user("lee"), **form).status_code == 200
    db.refresh(free)
    assert free.assignee_id == user_id(db, "mei")


def test_assigning_by_each_filter_takes_only_the_matching_households(
    as_user, db, village_households
):
    client = as_user("lee")
    mei = user_id(db, "mei")
    preview = post_assign(client, "plan_list=employee_capable", member_id=mei, scope="all")
    assert "将有1户分配给梅队员" in preview.text
    preview = post_assign(client, "status=receiving", member_id=mei, scope="all")
    assert "将有1户分配给梅队员" in preview.text


def test_a_lead_cannot_give_households_to_someone_outside_their_teams(
    as_user, db, village_households
):
    response = post_assign(
        as_user("lee"),
        member_id=user_id(db, "otto"),
        household_ids=[village_households[0].id],
        confirmed="1",
    )
    assert "请选择您队伍中的队员" in response.text
    db.refresh(village_households[0])
    assert village_households[0].assignee_id is None


def test_the_preview_refuses_someone_outside_the_leads_teams_rather_than_say_no_one(
    as_user, db, village_households
):
    ticked = [village_households[0].id]
    page = post_assign(as_user("lee"), member_id=user_id(db, "otto"), household_ids=ticked)
    assert page.status_code == 422
    assert "请选择您队伍中的队员" in page.text and "无人（取消分配）" not in page.text


def test_households_outside_the_leads_region_are_never_assigned(as_user, db):
    from app.domain.codes import RegionLevel

    taiji = region(db, "太极村", RegionLevel.village, region_named(db, "玉兴街道"))
    far = household(db, taiji.name)
    post_assign(as_user("lee"), member_id=user_id(db, "mei"), household_ids=[far.id], confirmed="1")
    db.refresh(far)
    assert far.assignee_id is None


def test_moving_a_members_whole_list_is_one_action(as_user, db, village_households):
    for home in village_households:
        assign(db, home, "mei")
    client = as_user("lee")
    token = csrf_token(client, "/team")
    page = client.post(
        "/assign/move",
        data={
            "from_member_id": user_id(db, "mei"),
            "to_member_id": user_id(db, "ming"),
            "confirmed": "1",
            "csrf_token": token,
        },
    )
    assert "已转移5户" in page.text
    assert (
        len(db.exec(select(Household).where(Household.assignee_id == user_id(db, "ming"))).all())
        == 5
    )


def test_a_list_is_not_moved_to_the_member_who_holds_it(as_user, db, village_households):
    assign(db, village_households[0], "mei")
    client = as_user("lee")
    mei = user_id(db, "mei")
    form = {"from_member_id": mei, "to_member_id": mei, "csrf_token": csrf_token(client, "/team")}
    for confirmed in ("", "1"):
        refused = client.post("/assign/move", data={**form, "confirmed": confirmed})
        assert refused.status_code == 422 and "请选择两位不同的队员" in refused.text
    assert db.exec(select(Assignment)).all() == []


def test_moving_a_members_whole_list_first_says_how_many_go_to_whom(
    as_user, db, village_households
):
    for home in village_households[:3]:
        assign(db, home, "mei")
    assign(db, village_households[3], "ming")
    client = as_user("lee")
    form = {"from_member_id": user_id(db, "mei"), "to_member_id": user_id(db, "ming")}
    asked = client.post("/assign/move", data={**form, "csrf_token": csrf_token(client, "/team")})
    assert "梅队员负责的全部3户将转给明队员（目前负责1户）" in asked.text
    assert 'name="confirmed" value="1"' in asked.text
    held = db.exec(select(Household.assignee_id).order_by(Household.id)).all()
    assert held == [user_id(db, "mei")] * 3 + [user_id(db, "ming"), None]


def test_the_member_sees_their_list_in_priority_order_with_a_call_button(
    as_user, db, village_households
):
    for home in village_households:
        assign(db, home, "mei")
    page = as_user("mei").get("/").text
    assert "<h1>我的任务</h1>" in page
    assert "尚未联系 · 5" in page
    addresses = re.findall(r"· (瓦窑村\d号)</span>", page)
    assert addresses[0] == "瓦窑村4号", "the household with someone on a plan list comes first"
    assert addresses[1:] == ["瓦窑村5号", "瓦窑村3号", "瓦窑村2号", "瓦窑村1号"], (
        "then by village group"
    )
    assert 'href="tel:13812345678"' in page


def test_the_members_search_is_remembered_between_visits(as_user, db, village_households):
    for home in village_households:
        assign(db, home, "mei")
    client = as_user("mei")
    assert "尚未联系 · 1" in client.get("/worklist?q=王大海").text
    assert "尚未联系 · 1" in client.get("/worklist").text
    assert "尚未联系 · 5" in client.get("/worklist?q=").text


def test_other_roles_have_no_worklist(as_user):
    assert as_user("lee").get("/worklist").status_code == 403


def test_the_walk_sheet_lists_people_masked_with_boxes(as_user, db, village_households):
    for home in village_households:
        assign(db, home, "mei")
    page = as_user("mei").get("/worklist/sheet").text
    assert "王大海" in page and "530402********" in page
    assert id_number(order=123) not in page
    assert "☐ 延缴" in page


def test_the_team_view_counts_each_members_load(as_user, db, village_households):
    for home in village_households[:3]:
        assign(db, home, "mei")
    page = as_user("lee").get("/team").text
    mei = page.split("<strong>梅队员</strong>")[1].split("</li>")[0]
    assert "3户" in mei
    assert "队伍辖区内有2户尚未分配" in page


def test_a_lead_opens_a_pool_and_a_member_claims_from_it(as_user, db, village_households, client):
    lead = as_user("lee")
    token = csrf_token(lead, "/team")
    team_id = re.search(r'action="/team/(\d+)/pools"', lead.get("/team").text).group(1)
    lead.post(
        f"/team/{team_id}/pools",
        data={"village_id": region_named(db, "瓦窑村").id, "csrf_token": token},
    )
    client.cookies.clear()
    member = as_user("mei")
    assert "从待认领住户中认领（5）" in member.get("/worklist").text
    token = csrf_token(member, "/worklist/claims")
    member.post(
        "/worklist/claims", data={"household_id": village_households[0].id, "csrf_token": token}
    )
    db.refresh(village_households[0])
    assert village_households[0].assignee_id == user_id(db, "mei")
    assert village_households[0].claimed_at is not None


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's query plans")
def test_the_pool_count_reads_the_pool_villages_not_every_unassigned_household(db):
    """Counted on every look at a worklist: through the assignee index alone it walked every
    unassigned household of the city (0.66 s at 700 000 households)."""
    from app.services.assignments import claimable_count

    with query_plans(db.get_bind()) as steps:
        claimable_count(db, user_named(db, "mei"))
    assert household_steps(steps) == [
        "SEARCH household USING COVERING INDEX ix_household_village_assignee"
        " (village_id=? AND assignee_id=?)"
    ]


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's query plans")
def test_idle_claims_are_found_among_claims_not_among_every_assigned_household(db):
    """Through the assignee index alone, each team's release read everything its members hold
    (1.3 s for a city's 74 teams)."""
    from app.services.assignments import release_idle_claims

    with query_plans(db.get_bind()) as steps:
        release_idle_claims(db, clock.today())
    assert set(household_steps(steps)) == {
        "SEARCH household USING INDEX ix_household_assignee_claimed"
        " (assignee_id=? AND claimed_at<?)"
    }


def household_steps(steps: list[str]) -> list[str]:
    return [step for step in steps if " household " in step]


def test_idle_claims_go_back_to_the_pool(db, village_households):
    from datetime import timedelta

    from app.core import clock
    from app.services.assignments import release_idle_claims

    claimed = village_households[0]
    claimed.assignee_id, claimed.claimed_at = user_id(db, "mei"), clock.now() - timedelta(days=15)
    db.add(claimed)
    db.commit()
    assert release_idle_claims(db, clock.today()) == 1
    db.refresh(claimed)
    assert claimed.assignee_id is None


def test_an_admin_creates_a_team(as_user, db):
    admin = as_user("alice")
    token = csrf_token(admin, "/admin/teams")
    township = region_named(db, "北城街道")
    admin.post(
        "/admin/teams", data={"name": "北城三队", "region_id": township.id, "csrf_token": token}
    )
    assert "北城三队" in admin.get("/admin/teams").text
    refused = admin.post("/admin/teams", data={"name": "", "region_id": "", "csrf_token": token})
    assert "请输入队伍名称" in refused.text


def test_a_lead_moves_a_member_between_their_teams(as_user, db):
    lead = as_user("lee")
    page = lead.get("/team").text
    first, second = re.findall(r'action="/team/(\d+)/pools"', page)
    token = csrf_token(lead, "/team")
    ming = user_id(db, "ming")
    lead.post(f"/team/{first}/members/{ming}/remove", data={"csrf_token": token, "confirmed": "1"})
    lead.post(f"/team/{second}/members", data={"user_id": ming, "csrf_token": token})
    from app.models import TeamMembership

    teams = db.exec(select(TeamMembership.team_id).where(TeamMembership.user_id == ming)).all()
    assert teams == [int(second)]


@pytest.fixture
def mings_two(db, village_households):
    """The first team (北城一队) with ming holding two households."""
    for home in village_households[:2]:
        assign(db, home, "ming")
    first = db.exec(
        select(TeamMembership.team_id).where(TeamMembership.user_id == user_id(db, "ming"))
    )
    return first.one(), village_households[:2]


def ming_teams(db) -> list[int]:
    return db.exec(
        select(TeamMembership.team_id).where(TeamMembership.user_id == user_id(db, "ming"))
    ).all()


def remove_ming(client, db, team_id: int, **form):
    """The removal as its page confirms it (``confirmed=""``: a post that did not)."""
    path = f"/team/{team_id}/members/{user_id(db, 'ming')}/remove"
    form = {"confirmed": "1", **form, "csrf_token": csrf_token(client, "/team")}
    return client.post(path, data=form)


def holders(db, homes) -> list[int | None]:
    for home in homes:
        db.refresh(home)
    return [home.assignee_id for home in homes]


def test_removing_a_member_first_asks_who_takes_the_households_they_hold(as_user, db, mings_two):
    team_id, _homes = mings_two
    lead = as_user("lee")
    path = f"/team/{team_id}/members/{user_id(db, 'ming')}/remove"
    assert f'method="get" action="{path}"' in lead.get("/team").text
    page = lead.get(path).text
    assert "将明队员移出北城一队？" in page and "明队员负责2户" in page
    assert f'name="successor" value="{user_id(db, "mei")}"' in page and "交给梅队员" in page
    assert 'name="successor" value="pool"' in page and "退回未分配" in page
    assert ming_teams(db) == [team_id]


def test_a_removal_posted_without_its_confirmation_asks_and_removes_no_one(as_user, db, mings_two):
    team_id, homes = mings_two
    asked = remove_ming(as_user("lee"), db, team_id, successor="pool", confirmed="")
    assert asked.status_code == 200 and "将明队员移出北城一队？" in asked.text
    assert ming_teams(db) == [team_id]
    assert holders(db, homes) == [user_id(db, "ming")] * 2


def test_removing_a_member_who_holds_households_without_saying_who_takes_them_is_refused(
    as_user, db, mings_two
):
    team_id, homes = mings_two
    for successor in ("", str(user_id(db, "ming")), str(user_id(db, "otto")), "someone"):
        refused = remove_ming(as_user("lee"), db, team_id, successor=successor)
        assert refused.status_code == 422
        assert "请选择由谁接手这些户：队内其他队员，或退回未分配。" in refused.text
    assert ming_teams(db) == [team_id]
    assert holders(db, homes) == [user_id(db, "ming")] * 2
    assert db.exec(select(Assignment)).all() == []


def test_removing_a_member_hands_their_households_to_another_member_in_the_same_step(
    as_user, db, mings_two
):
    team_id, homes = mings_two
    done = remove_ming(as_user("lee"), db, team_id, successor=str(user_id(db, "mei")))
    assert done.url.path == "/team" and "已转移2户。" in done.text
    assert ming_teams(db) == []
    assert holders(db, homes) == [user_id(db, "mei")] * 2
    assert [a.kind for a in db.exec(select(Assignment))] == ["move", "move"]
    actions = db.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["assignment_moved", "team_member_removed"]


def test_removing_a_member_can_send_their_households_back_to_the_pool(as_user, db, mings_two):
    team_id, homes = mings_two
    done = remove_ming(as_user("lee"), db, team_id, successor="pool")
    assert "2户已退回未分配。" in done.text and "已转移" not in done.text
    assert ming_teams(db) == []
    assert holders(db, homes) == [None, None]
    assert [a.kind for a in db.exec(select(Assignment))] == ["unassign", "unassign"]


def test_adding_someone_who_is_not_free_explains_and_changes_nothing(as_user, db):
    lead = as_user("lee")
    _first, second = re.findall(r'action="/team/(\d+)/pools"', lead.get("/team").text)
    token = csrf_token(lead, "/team")
    page = lead.post(
        f"/team/{second}/members", data={"user_id": user_id(db, "mei"), "csrf_token": token}
    )
    assert page.status_code == 422
    assert "请选择尚未加入队伍的队员" in page.text


def test_moving_a_list_leaves_households_outside_the_leads_region_alone(as_user, db):
    from app.domain.codes import RegionLevel

    taiji = region(db, "太极村", RegionLevel.village, region_named(db, "玉兴街道"))
    far = household(db, taiji.name)
    assign(db, far, "mei")
    client = as_user("lee")
    token = csrf_token(client, "/team")
    client.post(
        "/assign/move",
        data={
            "from_member_id": user_id(db, "mei"),
            "to_member_id": user_id(db, "ming"),
            "confirmed": "1",
            "csrf_token": token,
        },
    )
    db.refresh(far)
    assert far.assignee_id == user_id(db, "mei")


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("village_id={village}", 5),
        ("grid=一网格", 1),
        ("key_group=7", 1),
        ("aged_45_plus=1", 2),
        ("stale=1", 0),
        ("unassigned=1", 5),
        ("status=none", 1),
    ],
)
def test_each_filter_previews_its_own_count(as_user, db, village_households, query, count):
    first = village_households[0]
    first.grid = "一网格"
    db.add(first)
    db.commit()
    from app.models import Person, PersonKeyGroup

    wang = db.exec(select(Person).where(Person.name == "王大海")).one()
    db.add(PersonKeyGroup(person_id=wang.id, key_group=7))
    db.commit()
    query = query.format(village=region_named(db, "瓦窑村").id)
    preview = post_assign(as_user("lee"), query, member_id=user_id(db, "mei"), scope="all")
    assert f"将有{count}户分配给梅队员" in preview.text


# --- contact facts in the worklist ---------------------------------------------------------------


def visited(db, home, people, days_ago: int, **fields):
    """A visit ``days_ago`` days back (a follow-up must fall on or after the visit's day)."""
    moment = clock.now() - timedelta(days=days_ago)
    return factories.visit(db, home, people, occurred_at=moment.isoformat(), **fields)


def done_all(person) -> list[StepForm]:
    return [
        StepForm(person_id=str(person.id), kind="calculation"),
        StepForm(person_id=str(person.id), kind="leaflet"),
    ]


@pytest.fixture
def worked_households(db):
    """Mei's five households, worked in different ways (see each comment)."""
    today = clock.today()

    def home(n: int, **fields):
        made = household(db, "瓦窑村", address=f"瓦窑村{n}号", **fields)
        assign(db, made, "mei")
        return made

    def someone(home, order: int, **fields):
        return person(db, home, name=f"人{order}", id_number=id_number(order=order), **fields)

    never = home(1)  # nobody has been yet: two eligible people
    someone(never, 101)
    someone(never, 103)
    due = home(2)  # reached five days ago, follow-up set for yesterday: all three ones done
    wang = someone(due, 105)
    someone(due, 107, insurance_status="receiving")  # not eligible: not counted
    visited(db, due, [wang], 5, steps=done_all(wang), follow_up_on=str(today - timedelta(days=1)))
    later = home(3)  # reached two days ago, follow-up in ten days: contacted only
    li = someone(later, 109, insurance_status="employee_enterprise")  # on no plan list
    visited(db, later, [li], 2, follow_up_on=str(today + timedelta(days=10)))
    listed = home(4)  # reached, someone on a plan list, no follow-up
    zhao = someone(listed, 111, insurance_status="none")
    visited(db, listed, [zhao], 1)
    missed = home(5)  # nobody home six days ago: the follow-up came due three days later
    someone(missed, 113)
    visited(db, missed, [], 6, reached="no", not_reached_reason="nobody_home")
    return {"never": never, "due": due, "later": later, "listed": listed, "missed": missed}


def mei_worklist(db) -> list[worklists.WorklistEntry]:
    return worklists.worklist(db, user_named(db, "mei"), clock.today())


def test_overdue_follow_ups_come_first_oldest_first_then_the_never_contacted(db, worked_households):
    entries = mei_worklist(db)
    order = [(e.household.address, e.section) for e in entries]
    assert order == [
        ("瓦窑村5号", "due"),  # due three days ago
        ("瓦窑村2号", "due"),  # due yesterday
        ("瓦窑村1号", "new"),
        ("瓦窑村4号", "plan"),  # contacted: no longer new
        ("瓦窑村3号", "other"),  # its follow-up is not due yet
    ]
    assert [e.overdue for e in entries] == [True, True, False, False, False]


def test_a_visit_that_reached_nobody_is_no_contact(db, worked_households):
    missed = next(e for e in mei_worklist(db) if e.household.address == "瓦窑村5号")
    assert missed.last_contact is None and missed.follow_up_on is not None


def test_each_entry_counts_the_three_ones_of_its_eligible_people(db, worked_households):
    today = clock.today()
    found = {
        e.household.address: (e.three_ones_done, e.three_ones_total, e.follow_up_on, e.last_contact)
        for e in mei_worklist(db)
    }
    assert found["瓦窑村1号"] == (0, 6, None, None)
    assert found["瓦窑村2号"] == (3, 3, today - timedelta(days=1), today - timedelta(days=5))
    assert found["瓦窑村3号"] == (1, 3, today + timedelta(days=10), today - timedelta(days=2))


def test_the_etag_changes_when_a_visit_or_a_follow_up_is_recorded(db, worked_households):
    before = worklists.etag(mei_worklist(db))
    li = worked_households["later"]
    visit = visits.visits_of(db, li)[0]
    visits.set_follow_up(
        db, visit, (clock.today() + timedelta(days=20)).isoformat(), by=user_named(db, "mei")
    )
    after_follow_up = worklists.etag(mei_worklist(db))
    assert after_follow_up != before
    never = worked_households["never"]
    someone = db.exec(select(Person).where(Person.household_id == never.id)).first()
    visited(db, never, [someone], 0)
    assert worklists.etag(mei_worklist(db)) != after_follow_up


def test_the_worklist_page_shows_progress_follow_ups_and_last_contact(
    as_user, db, worked_households
):
    page = as_user("mei").get("/worklist").text
    due = page.split("瓦窑村2号")[1].split("</li>")[0]
    assert "3/3" in due
    assert 'class="tag off"' in due, "an overdue follow-up is shown as a warning"
    later = page.split("瓦窑村3号")[1].split("</li>")[0]
    assert "1/3" in later and "tag off" not in later


def spoke_to_family(db, n: int):
    """瓦窑村{n}号 on Mei's list: its three people each gave an outcome three days ago: 张三
    refused (a follow-up in half a year), 李四 joined (in a month), 吴五 is insured elsewhere
    (none)."""
    home = household(db, "瓦窑村", address=f"瓦窑村{n}号")
    assign(db, home, "mei")
    names = ("张三", "李四", "吴五")
    people = {
        name: person(db, home, name=name, id_number=id_number(order=100 + 10 * n + i))
        for i, name in enumerate(names)
    }
    outcomes = [
        OutcomeForm(person_id=str(people["张三"].id), code="refused", reason="再说"),
        OutcomeForm(person_id=str(people["李四"].id), code="join_resident", to_value="500"),
        OutcomeForm(person_id=str(people["吴五"].id), code="insured_elsewhere"),
    ]
    visited(db, home, list(people.values()), 3, outcomes=outcomes)
    return home, people


def people_line(page: str, address: str) -> str:
    row = page.split(address, 1)[1].split("</li>")[0]
    return row.split("data-people-follow-ups>")[1].split("</span>")[0]


def test_each_row_names_its_people_with_their_own_follow_ups_soonest_first(as_user, db):
    home, people = spoke_to_family(db, 8)
    today = clock.today()
    undecided = OutcomeForm(person_id=str(people["张三"].id), code="undecided")
    asked = today + timedelta(days=5)
    visited(db, home, [people["张三"]], 0, outcomes=[undecided], follow_up_on=asked.isoformat())
    joined = today + timedelta(days=27)  # a month after the first visit
    expected = f"回访：张三 {asked.month}月{asked.day}日、李四 {joined.month}月{joined.day}日"
    client = as_user("mei")
    assert people_line(client.get("/worklist").text, "瓦窑村8号") == expected
    kept = client.get("/worklist", headers={"X-Offline-Copy": "1"}).text
    assert people_line(kept, "瓦窑村8号") == expected


def test_the_people_follow_ups_of_a_screen_are_read_in_one_statement(as_user, db):
    spoke_to_family(db, 8)
    client = as_user("mei")
    with statements(db.get_bind()) as one:
        client.get("/worklist")
    for n in range(3):
        spoke_to_family(db, 20 + n)
    with statements(db.get_bind()) as four:
        page = client.get("/worklist").text
    assert page.count("data-people-follow-ups") == 4
    assert len(four) == len(one)


# --- who the three ones apply to: one rule, two forms ---------------------------------------------

TODAY = date(2026, 11, 29)
# sixteen tomorrow and today; men retiring 2026-11-01 and 2026-12-01, women likewise
BIRTHS = ["20101130", "20101129", "19900101", "19660615", "19660715", "19710615", "19710715"]
STATUSES = ["none", "resident", "employee_enterprise", "receiving"]


def test_the_sql_eligibility_matches_the_rule_for_every_kind_of_person(db):
    home = household(db)
    cases = itertools.product(BIRTHS, ["M", "F"], STATUSES, [False, True])
    for order, (born, sex, status, student) in enumerate(cases):
        order_code = order * 2 + (1 if sex == "M" else 0)
        person(
            db,
            home,
            id_number=id_number(born=born, order=order_code % 1000),
            insurance_status=status,
            is_student=student,
        )
    people = db.exec(select(Person)).all()
    in_sql = set(db.exec(select(Person.id).where(visits.eligible_condition(TODAY))))
    by_rule = {
        p.id
        for p in people
        if is_eligible(
            EligibilityFacts(p.birth_date, p.insurance_status, p.retires_on, p.is_student), TODAY
        )
    }
    assert in_sql == by_rule
    assert 0 < len(by_rule) < len(people), "the cases exercise both answers"


# --- a long worklist: a screen at a time, searched and kept whole -------------------------------


@pytest.fixture
def long_worklist(db):
    """Fifty-five never-contacted households on Mei's list, the last one's person 赵末户."""
    return long_list(db, "mei", 55)


def listed_addresses(page: str) -> list[str]:
    return re.findall(r"· (瓦窑村\d{3}号)</span>", page)


def test_a_long_worklist_opens_on_its_first_fifty_rows_in_priority_order(as_user, long_worklist):
    answer = as_user("mei").get("/worklist")
    assert listed_addresses(answer.text) == [f"瓦窑村{n:03d}号" for n in range(1, 51)]
    assert "尚未联系 · 55" in answer.text, "the section counts the whole list"
    more = re.search(r'<p class="load-more"[^>]*>\s*<a class="button" href="([^"]+)"', answer.text)
    assert more, "the rest loads when revealed, or by a plain link without JavaScript"
    assert 'hx-trigger="revealed"' in more.group(0)
    assert "还有5户" in answer.text
    assert "no-store" in answer.headers["cache-control"], "a part never replaces the kept list"
    without_js = as_user("mei").get(more.group(1).replace("&amp;", "&")).text
    assert listed_addresses(without_js) == [f"瓦窑村{n:03d}号" for n in range(51, 56)]


def test_the_next_screen_comes_in_place_as_a_fragment(as_user, long_worklist):
    answer = as_user("mei").get("/worklist?q=&page=2", headers={"HX-Request": "true"})
    assert "<html" not in answer.text and 'id="worklist-rows"' not in answer.text
    assert listed_addresses(answer.text) == [f"瓦窑村{n:03d}号" for n in range(51, 56)]
    assert "<h2" not in answer.text, "the section goes on: no second heading"
    assert "load-more" not in answer.text, "the last screen asks for no more"


def test_the_search_narrows_the_whole_list_not_the_rows_loaded(as_user, long_worklist):
    answer = as_user("mei").get("/worklist?q=赵末户", headers={"HX-Request": "true"})
    assert listed_addresses(answer.text) == ["瓦窑村055号"]
    assert "load-more" not in answer.text


def test_the_copy_kept_for_offline_holds_every_household_to_search(as_user, long_worklist):
    client = as_user("mei")
    client.get("/worklist?q=瓦窑村00")  # a search remembered on the phone
    kept = client.get("/worklist", headers={"X-Offline-Copy": "1"})
    assert len(listed_addresses(kept.text)) == 55, "not narrowed by the remembered search"
    assert "load-more" not in kept.text and "data-every-household" in kept.text
    assert "no-store" not in kept.headers.get("cache-control", "")
    assert re.search(r'data-search="赵末户[^"]*瓦窑村055号"', kept.text)
    assert "set-cookie" not in kept.headers, "the remembered search stays"
    assert len(listed_addresses(client.get("/worklist").text)) == 9
