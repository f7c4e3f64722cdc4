"""A lead sees how far each member is with the three ones, who is incomplete and why, and which
leaflets their teams hand over to which key groups."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from app.core import clock
from app.domain.codes import NotReachedReason, RegionLevel
from app.domain.visits import OutcomeForm, StepForm
from app.domain.worklist import Incomplete, Why
from app.models import Household, Leaflet, Person, Team
from app.services import assignments, leaflet_usage, visits, worklists
from tests import factories
from tests.conftest import csrf_token
from tests.factories import assign, household, id_number, person, region, region_named, user_named
from tests.query_plans import statements


def visited(db, home, people, days_ago: int, by="mei", **fields):
    moment = clock.now() - timedelta(days=days_ago)
    return factories.visit(db, home, people, by=by, occurred_at=moment.isoformat(), **fields)


def leaflet(someone, given: Leaflet, medium="paper") -> StepForm:
    return StepForm(
        person_id=str(someone.id), kind="leaflet", leaflet_id=str(given.id), leaflet_medium=medium
    )


def calculation(someone) -> StepForm:
    return StepForm(person_id=str(someone.id), kind="calculation")


def outcome(someone, code: str, **fields) -> OutcomeForm:
    return OutcomeForm(person_id=str(someone.id), code=code, **fields)


@pytest.fixture
def leaflets(db) -> list[Leaflet]:
    """Two leaflets of the seeded library."""
    return list(db.exec(select(Leaflet).where(Leaflet.version > 0).order_by(Leaflet.id)))[:2]


@pytest.fixture
def teams(db, leaflets):
    """Mei's four households and Ming's one in 北城街道, Otto's one in 玉兴街道."""
    first, second = leaflets
    today = clock.today()
    made = {}
    order = iter(range(101, 999, 2))

    def home(n: int, member: str, village: str = "瓦窑村"):
        made_home = household(db, village, address=f"{village}{n}号")
        assign(db, made_home, member)
        return made_home

    def someone(at, name: str, **fields):
        made[name] = person(db, at, name=name, id_number=id_number(order=next(order)), **fields)
        return made[name]

    worked = home(1, "mei")  # Wang agreed on the second visit, with all three ones; Li not met
    wang = someone(worked, "王芳", key_groups=["1", "7"])
    someone(worked, "李强")
    undecided = [outcome(wang, "undecided")]
    visited(db, worked, [wang], 10, outcomes=undecided, follow_up_on=str(today - timedelta(3)))
    steps = [calculation(wang), leaflet(wang, first)]
    visited(db, worked, [wang], 2, steps=steps, outcomes=[outcome(wang, "resume_paying")])
    refused = home(2, "mei")  # Zhang refused, took two leaflets, no calculation
    zhang = someone(refused, "张伟")
    steps = [leaflet(zhang, first), leaflet(zhang, second, "digital")]
    no = [outcome(zhang, "refused", reason="太贵")]
    visited(db, refused, [zhang], 1, steps=steps, outcomes=no)
    missed = home(3, "mei")  # nobody home six days ago: follow-up overdue
    someone(missed, "赵敏")
    visited(db, missed, [], 6, reached="no", not_reached_reason="nobody_home")
    never = home(4, "mei")  # nobody has been; the grandmother draws a pension
    someone(never, "钱进")
    someone(never, "钱奶奶", insurance_status="receiving")
    thinking = home(5, "ming")  # Sun is thinking it over: follow-up in two weeks
    sun = someone(thinking, "孙丽")
    later = str(today + timedelta(14))
    visited(
        db, thinking, [sun], 0, by="ming", outcomes=[outcome(sun, "undecided")], follow_up_on=later
    )
    region(db, "太极村", RegionLevel.village, region_named(db, "玉兴街道"))
    far = home(6, "otto", "太极村")  # another township's team
    zhou = someone(far, "周杰")
    visited(db, far, [zhou], 1, by="otto", steps=[leaflet(zhou, first)])
    return made


# --- the three ones counted in SQL --------------------------------------------------------------


def test_the_sql_three_ones_agree_with_each_persons_progress(db, teams):
    done = worklists.three_ones_conditions()
    in_sql = {
        person_id: tuple(bool(step) for step in steps)
        for person_id, *steps in db.exec(select(Person.id, *done.values()))
    }
    by_rule = visits.people_progress(db, list(in_sql))
    assert in_sql == {p: (f.contact, f.calculation, f.leaflet) for p, f in by_rule.items()}
    assert len(set(in_sql.values())) >= 4, "the cases exercise several kinds of progress"


# --- the team view ------------------------------------------------------------------------------


def loads_of(db) -> dict[str, worklists.MemberLoad]:
    views = worklists.team_views(db, user_named(db, "lee"), clock.today())
    return {load.member.username: load for view in views for load in view.members}


def test_each_members_progress_outcomes_and_overdue_follow_ups_are_counted(db, teams):
    mei = loads_of(db)["mei"]
    assert (mei.households, mei.people, mei.eligible) == (4, 6, 5)
    assert (mei.contacted, mei.complete) == (2, 1), "Wang and Zhang spoken to; Wang complete"
    assert mei.agreed == 1, "Wang's latest outcome is the change, not the earlier undecided"
    assert (mei.outcomes["undecided"], mei.outcomes["refused"]) == (0, 1)
    assert mei.overdue == 1, "the household nobody was home at; Wang's old date was replaced"
    ming = loads_of(db)["ming"]
    assert (ming.households, ming.eligible, ming.contacted, ming.complete) == (1, 1, 1, 0)
    assert (ming.outcomes["undecided"], ming.overdue) == (1, 0)


def test_the_team_view_counts_plan_lists_per_member(db, teams):
    mei = loads_of(db)["mei"]
    assert mei.plan_lists["employee_capable"] == 4, "everyone eligible is uninsured by default"
    assert mei.plan_lists["stopped_paying"] == 0


def test_the_team_page_shows_progress_and_links_to_who_is_incomplete(as_user, db, teams):
    page = as_user("lee").get("/team").text
    mei = page.split("<strong>梅队员</strong>")[1].split("</li>")[0]
    assert f"/team/incomplete?member_id={factories.user_id(db, 'mei')}" in mei
    assert 'class="tag off"' in mei, "an overdue follow-up is flagged"
    assert 'href="/team/incomplete"' in page and 'href="/team/leaflets"' in page


# --- who is incomplete and why ------------------------------------------------------------------


def reasons(found: worklists.IncompleteList) -> dict[str, tuple[Incomplete, list[str]]]:
    return {row.person.name: (row.why, row.done.missing) for row in found.rows}


def test_the_lead_sees_each_incomplete_person_with_what_is_missing_and_why(db, teams):
    found = worklists.incomplete(db, user_named(db, "lee"), clock.today())
    assert reasons(found) == {
        "孙丽": (Incomplete(Why.no_calculation), ["calculation", "leaflet"]),
        "李强": (Incomplete(Why.not_met), ["contact", "calculation", "leaflet"]),
        "张伟": (Incomplete(Why.no_calculation), ["calculation"]),
        "赵敏": (
            Incomplete(Why.not_reached, NotReachedReason.nobody_home),
            ["contact", "calculation", "leaflet"],
        ),
        "钱进": (Incomplete(Why.never_visited), ["contact", "calculation", "leaflet"]),
    }
    assert [row.member.username for row in found.rows] == ["ming"] + ["mei"] * 4
    assert found.total == 5 and found.pages == 1


def test_the_list_narrows_to_one_member_and_pages(db, teams, monkeypatch):
    lee = user_named(db, "lee")
    mei = factories.user_id(db, "mei")
    assert worklists.incomplete(db, lee, clock.today(), member_id=mei).total == 4
    otto = factories.user_id(db, "otto")
    assert worklists.incomplete(db, lee, clock.today(), member_id=otto).total == 0
    monkeypatch.setattr(worklists, "PAGE_SIZE", 2)
    last = worklists.incomplete(db, lee, clock.today(), page=9)
    assert (last.page, last.pages, len(last.rows)) == (3, 3, 1)


def test_an_admin_sees_every_team(db, teams):
    found = worklists.incomplete(db, user_named(db, "alice"), clock.today())
    assert found.total == 6 and "周杰" in reasons(found)


def test_the_incomplete_page_lists_people_with_links_to_their_households(as_user, db, teams):
    client = as_user("lee")
    mei = factories.user_id(db, "mei")
    page = client.get(f"/team/incomplete?member_id={mei}").text
    for name in ("李强", "张伟", "赵敏", "钱进"):
        assert name in page
    assert "孙丽" not in page and "周杰" not in page
    zhang = teams["张伟"]
    assert f'href="/households/{zhang.household_id}#person-{zhang.id}"' in page
    assert "孙丽" in client.get("/team/incomplete?member_id=&page=x").text


def test_an_admin_of_many_teams_chooses_a_team_before_seeing_who_is_incomplete(
    as_user, db, teams, monkeypatch
):
    """A city has a million incomplete people: counting them for the admin took 0.5–1.3 s on
    PostgreSQL, and only a team or a member's list is of use."""
    monkeypatch.setattr(assignments, "OPEN_TEAMS", 2)
    monkeypatch.setattr(worklists, "PAGE_SIZE", 2)
    first, other = team_named(db, "北城一队"), team_named(db, "玉兴一队")
    alice = as_user("alice")
    lines = alice.get("/team/incomplete").text
    assert f'href="/team/incomplete?team_id={first.id}"' in lines
    assert f'href="/team/incomplete?team_id={other.id}"' in lines
    assert "/households/" not in lines, "nobody counted before a team is chosen"
    opened = alice.get(f"/team/incomplete?team_id={first.id}").text
    assert 'id="team-name">北城一队<' in opened and "周杰" not in opened
    assert "梅队员" in opened and "奥队员" not in opened, "the team's members to choose from"
    assert f"team_id={first.id}&amp;page=2" in opened, "the pages keep the team"
    assert "周杰" in alice.get(f"/team/incomplete?team_id={other.id}").text
    mei = factories.user_id(db, "mei")
    assert "李强" in alice.get(f"/team/incomplete?member_id={mei}").text, "a member's list"


def test_a_team_the_lead_does_not_lead_is_not_found_among_the_incomplete(as_user, db, teams):
    other = team_named(db, "玉兴一队")
    assert as_user("lee").get(f"/team/incomplete?team_id={other.id}").status_code == 404


@pytest.mark.parametrize("path", ["/team/incomplete", "/team/leaflets"])
@pytest.mark.parametrize("username", ["mei", "cai"])
def test_only_leads_and_admins_see_team_progress(as_user, path, username):
    assert as_user(username).get(path).status_code == 403


# --- leaflets used by key group -----------------------------------------------------------------


def test_leaflets_are_counted_by_key_group_and_medium_in_the_leads_region(db, teams, leaflets):
    first, second = leaflets
    usage = leaflet_usage.leaflet_usage(db, user_named(db, "lee"))
    assert [(c.leaflet_id, c.given) for c in usage.overall] == [(first.id, 2), (second.id, 1)], (
        "Wang, in two key groups, counts once overall; Otto's township is not counted"
    )
    found = {
        group: [(c.leaflet_id, c.given) for c in counts]
        for group, counts in usage.by_key_group.items()
    }
    assert found == {
        1: [(first.id, 1)],
        7: [(first.id, 1)],
        None: sorted([(first.id, 1), (second.id, 1)], key=lambda c: titles(db)[c[0]]),
    }
    assert list(found) == [1, 7, None], "the plan's order, people in no group last"
    assert usage.media == {"paper": 2, "digital": 1}


def titles(db) -> dict[int, str]:
    return dict(db.exec(select(Leaflet.id, Leaflet.title)).all())


def test_an_admin_counts_leaflets_across_the_city(db, teams, leaflets):
    usage = leaflet_usage.leaflet_usage(db, user_named(db, "alice"))
    assert usage.overall[0].given == 3 and usage.media["paper"] == 3


def test_the_leaflet_page_ranks_the_titles(as_user, db, teams, leaflets):
    first, second = leaflets
    page = as_user("lee").get("/team/leaflets").text
    assert first.title in page and second.title in page
    assert page.index(first.title) < page.index(second.title)


def test_no_leaflets_given_yet(as_user, db):
    usage = leaflet_usage.leaflet_usage(db, user_named(db, "lee"))
    assert usage.overall == [] and usage.by_key_group == {}
    assert as_user("lee").get("/team/leaflets").status_code == 200


# --- at a city's scale ----------------------------------------------------------------------------


def held_by(db, username: str, count: int) -> None:
    """``count`` more households in 瓦窑村 for the member, written at once."""
    now, village = clock.now(), region_named(db, "瓦窑村").id
    member = factories.user_id(db, username)
    fields = {"village_id": village, "assignee_id": member, "created_at": now, "updated_at": now}
    db.add_all(Household(address=f"新{n}号", **fields) for n in range(count))
    db.commit()


def team_named(db, name: str) -> Team:
    return db.exec(select(Team).where(Team.name == name)).one()


def test_the_team_view_reads_a_thousand_households_in_as_many_statements_as_five(db, teams):
    """Follow-ups were read 500 households a statement, in Python: an admin's city of 420 000
    assigned households took 23 s."""
    lee = user_named(db, "lee")
    with statements(db.get_bind()) as few:
        worklists.team_views(db, lee, clock.today())
    held_by(db, "mei", 1200)
    lee = user_named(db, "lee")  # fresh after the commit, so no statement reloads it below
    with statements(db.get_bind()) as many:
        loads = {
            load.member.username: load
            for v in worklists.team_views(db, lee, clock.today())
            for load in v.members
        }
    assert len(many) == len(few)
    assert (loads["mei"].households, loads["mei"].overdue) == (1204, 1)


def test_a_follow_up_due_today_is_not_yet_overdue(db, teams):
    today = clock.today()
    for days, follow_up_on in ((5, today), (4, today - timedelta(1))):
        home = household(db, address=f"瓦窑村{days}0号")
        assign(db, home, "ming")
        visited(
            db,
            home,
            [],
            days,
            by="ming",
            reached="no",
            not_reached_reason="nobody_home",
            follow_up_on=str(follow_up_on),
        )
    assert loads_of(db)["ming"].overdue == 1, "yesterday's, not today's"


def test_an_admin_sees_a_line_per_team_and_opens_one(as_user, db, teams, monkeypatch):
    """Every member's load for a city's 722 members on one page took 23 s to count."""
    monkeypatch.setattr(assignments, "OPEN_TEAMS", 2)
    first = team_named(db, "北城一队")
    alice = as_user("alice")
    page = alice.get("/team").text
    assert f'href="/team?team_id={first.id}"' in page
    assert "<strong>梅队员</strong>" not in page and 'action="/team/' not in page
    opened = alice.get(f"/team?team_id={first.id}").text
    assert "<strong>梅队员</strong>" in opened and "<strong>奥队员</strong>" not in opened
    assert re.findall(r'action="/team/(\d+)/pools"', opened) == [str(first.id)]


def test_the_team_lines_count_no_people_nor_visits(db, teams):
    with statements(db.get_bind()) as seen:
        lines = {
            line.team.name: line for line in assignments.team_lines(db, user_named(db, "alice"))
        }
    assert (lines["北城一队"].members, lines["北城一队"].households) == (2, 5)
    assert (lines["北城二队"].members, lines["玉兴一队"].households) == (0, 1)
    assert not [sql for sql, _ in seen if re.search(r"\b(person|visit)\b", sql)]


def test_a_change_to_a_team_leads_back_to_it_when_teams_are_listed_a_line_each(
    as_user, db, teams, monkeypatch
):
    second = team_named(db, "北城二队")

    def set_claim_days(client, page: str) -> str:
        data = {"days": "10", "csrf_token": csrf_token(client, page)}
        answer = client.post(f"/team/{second.id}/claim-days", data=data, follow_redirects=False)
        return answer.headers["location"]

    assert set_claim_days(as_user("lee"), "/team") == "/team", "a lead's few teams are all open"
    monkeypatch.setattr(assignments, "OPEN_TEAMS", 2)
    opened = f"/team?team_id={second.id}"
    assert set_claim_days(as_user("alice"), opened) == opened


def test_a_lead_cannot_open_another_leads_team(as_user, db, teams):
    other = team_named(db, "玉兴一队")
    assert as_user("lee").get(f"/team?team_id={other.id}").status_code == 404


def test_a_long_list_is_counted_up_to_a_limit_and_still_pages(db, teams, monkeypatch):
    """Counting a city's million incomplete people took 10 s; past the limit the list asks
    for a member instead."""
    monkeypatch.setattr(worklists, "COUNTED", 4)
    monkeypatch.setattr(worklists, "PAGE_SIZE", 2)
    alice = user_named(db, "alice")
    first = worklists.incomplete(db, alice, clock.today())
    assert (first.total, first.more, first.pages) == (4, True, 2)
    assert [row.person.name for row in first.rows] == ["周杰", "孙丽"], "奥, 明, 梅 by name"
    last = worklists.incomplete(db, alice, clock.today(), page=9)
    assert (last.page, [row.person.name for row in last.rows]) == (2, ["李强", "张伟"])
    mei = worklists.incomplete(db, alice, clock.today(), factories.user_id(db, "mei"))
    assert (mei.total, mei.more) == (4, False), "one member's list is counted in full"


def test_a_page_is_sorted_from_the_people_of_its_own_members(db, teams, monkeypatch):
    """Sorted across every member at once, each page of an admin's list sorted a city's
    million incomplete people (10 s)."""
    monkeypatch.setattr(worklists, "PAGE_SIZE", 1)
    others = {factories.user_id(db, "mei"), factories.user_id(db, "ming")}
    with statements(db.get_bind()) as seen:
        found = worklists.incomplete(db, user_named(db, "alice"), clock.today())
    assert [row.person.name for row in found.rows] == ["周杰"]
    sorting = [values(parameters) for sql, parameters in seen if "ORDER BY household" in sql]
    assert sorting and not [bound for bound in sorting if bound & others]


def values(parameters) -> set:
    return set(parameters.values() if isinstance(parameters, dict) else parameters)


def test_an_admin_counts_leaflets_without_going_through_every_visit(db, teams, leaflets):
    """Joining half a million leaflet steps to their visits and households to learn that an
    admin may see them all took seconds."""
    with statements(db.get_bind()) as seen:
        usage = leaflet_usage.leaflet_usage(db, user_named(db, "alice"))
    assert usage.overall[0].given == 3
    assert not [sql for sql, _ in seen if "JOIN visit " in sql]
    with statements(db.get_bind()) as seen:
        leaflet_usage.leaflet_usage(db, user_named(db, "lee"))
    assert [sql for sql, _ in seen if "JOIN visit " in sql], "a lead's region is kept to"
