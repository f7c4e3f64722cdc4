"""Keying in a completed paper walk sheet: a village group's ticks become paper visits dated the
day the sheet was walked, every household checked before any is stored, and the same sheet
sent twice stored once."""

import re
from datetime import datetime, time, timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import col, func, select

from app.core import clock
from app.core.db import get_engine
from app.domain.codes import RegionLevel
from app.models import (
    Assignment,
    EnrolmentChange,
    FollowUp,
    Outcome,
    Visit,
    VisitPerson,
    VisitStep,
)
from app.services import assignments, leaflets, walk_sheets
from tests import factories
from tests.databases import ON_POSTGRES
from tests.query_plans import query_plans, statements
from tests.test_walk_sheets import give_mei, walks_the_registry

ENTRY = "/worklist/sheet/entry"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture
def group(db):
    """Mei's village group 第1组: the Wangs (王芳 pays the 200 tier, 李强 her husband) and the
    Zhaos."""
    wangs = factories.household(db, address="瓦窑村1号", village_group="第1组")
    fang = factories.person(
        db,
        wangs,
        name="王芳",
        id_number=factories.id_number(order=124),
        insurance_status="resident",
        resident_tier="200",
    )
    qiang = factories.person(db, wangs, name="李强", id_number=factories.id_number(order=125))
    zhaos = factories.household(db, address="瓦窑村2号", village_group="第1组")
    zhao = factories.person(db, zhaos, name="赵六", id_number=factories.id_number(order=127))
    for home in (wangs, zhaos):
        factories.assign(db, home, "mei")
    return SimpleNamespace(
        wangs=wangs.id, zhaos=zhaos.id, fang=fang.id, qiang=qiang.id, zhao=zhao.id
    )


def entry_form(client, address: str = f"{ENTRY}?village_group=第1组") -> dict:
    """What the entry page sends untouched: its hidden fields (a household's are repeated)."""
    form: dict = {}
    for name, value in HIDDEN.findall(client.get(address).text):
        form.setdefault(name, []).append(value)
    return form


def key_in(client, form: dict, **typed):
    return client.post(ENTRY, data={**form, **typed}, follow_redirects=False)


def walked_days_ago(days: int = 3):
    return clock.today() - timedelta(days=days)


def count(db, table) -> int:
    return db.exec(select(func.count()).select_from(table)).one()


def visit_of(db, household_id: int) -> Visit:
    return db.exec(select(Visit).where(Visit.household_id == household_id)).one()


def follow_up_of(db, visit: Visit):
    return db.exec(select(FollowUp.due_on).where(FollowUp.visit_id == visit.id)).one()


def reached_and_raised(group, walked) -> dict:
    """王芳 spoken to, worked out, given the leaflet, and raising her tier 200 → 500; nobody home
    at the Zhaos."""
    fang = group.fang
    return {
        "walked_on": walked.isoformat(),
        f"contact-{fang}": "1",
        f"calculation-{fang}": "1",
        f"leaflet-{fang}": "1",
        f"outcome-{fang}": "raise_tier",
        f"from-{fang}": "200",
        f"to-{fang}": "500",
        f"not_reached-{group.zhaos}": "nobody_home",
    }


def test_the_walk_sheet_links_to_keying_it_in(as_user, group):
    mei = as_user("mei")
    sheet = mei.get("/worklist/sheet?village_group=第1组").text
    assert f'href="{ENTRY}?village_group=%E7%AC%AC1%E7%BB%84"' in sheet
    page = mei.get(ENTRY).text
    assert page.index("瓦窑村1号") < page.index("瓦窑村2号"), "a single group opens directly"
    assert f'name="from-{group.fang}" type="text" value="200"' in page, (
        "the current tier is filled in"
    )


def test_ticks_for_two_households_become_paper_visits_dated_the_day_walked(as_user, db, group):
    mei = as_user("mei")
    walked = walked_days_ago(3)
    leaflet = leaflets.published(db)[0]
    typed = reached_and_raised(group, walked) | {"leaflet_id": str(leaflet.leaflet_id)}
    response = key_in(mei, entry_form(mei), **typed)
    assert response.status_code == 303
    assert "recorded=2" in response.headers["location"]

    wangs, zhaos = visit_of(db, group.wangs), visit_of(db, group.zhaos)
    for visit in (wangs, zhaos):
        assert visit.source == "paper" and visit.channel == "home_visit"
        assert visit.recorded_by_id == factories.user_id(db, "mei")
        assert clock.local(visit.occurred_at) == datetime.combine(
            walked, time(12), clock.local(clock.now()).tzinfo
        )
    assert wangs.reached and not zhaos.reached and zhaos.not_reached_reason == "nobody_home"
    spoken_to = db.exec(select(VisitPerson.person_id).where(VisitPerson.visit_id == wangs.id))
    assert list(spoken_to) == [group.fang]
    steps = db.exec(select(VisitStep).where(VisitStep.visit_id == wangs.id)).all()
    assert {(s.kind, s.calculation_id, s.leaflet_id, s.leaflet_medium) for s in steps} == {
        ("calculation", None, None, None),
        ("leaflet", None, leaflet.leaflet_id, "paper"),
    }
    outcome = db.exec(select(Outcome)).one()
    assert (outcome.person_id, outcome.code, outcome.from_value, outcome.to_value) == (
        group.fang,
        "raise_tier",
        200,
        500,
    )
    change = db.exec(select(EnrolmentChange)).one()
    assert (change.kind, change.status, change.to_value, change.effective_on) == (
        "raise_tier",
        "reported",
        500,
        walked,
    )
    assert follow_up_of(db, wangs) == walked + timedelta(days=30)
    assert follow_up_of(db, zhaos) == walked + timedelta(days=3), "nobody home: three days"


def test_the_same_sheet_sent_twice_is_stored_once(as_user, db, group):
    mei = as_user("mei")
    form = entry_form(mei) | reached_and_raised(group, walked_days_ago())
    assert "recorded=2" in key_in(mei, form).headers["location"]
    again = key_in(mei, form)
    assert again.status_code == 303
    assert "recorded=0&repeated=2" in again.headers["location"]
    assert count(db, Visit) == 2 and count(db, Outcome) == 1 and count(db, VisitStep) == 2
    assert 'class="alert ok" role="status"' in mei.get(again.headers["location"]).text


def test_a_mistake_in_one_row_stores_nothing_and_keeps_what_was_typed(as_user, db, group):
    mei = as_user("mei")
    typed = reached_and_raised(group, walked_days_ago()) | {f"to-{group.fang}": ""}
    response = key_in(mei, entry_form(mei), **typed)
    assert response.status_code == 422
    assert count(db, Visit) == count(db, VisitStep) == count(db, FollowUp) == 0
    page = response.text
    assert f'id="e-person-{group.fang}"' in page, "the error sits by 王芳's row"
    assert f'name="contact-{group.fang}" value="1" checked' in page
    assert '<option value="raise_tier" selected>' in page
    assert '<option value="nobody_home" selected>' in page
    assert f'value="{walked_days_ago().isoformat()}"' in page


def test_a_blank_sheet_asks_for_the_ticks(as_user, db, group):
    mei = as_user("mei")
    response = key_in(mei, entry_form(mei), walked_on=clock.today().isoformat())
    assert response.status_code == 422 and count(db, Visit) == 0


def test_a_sheet_dated_tomorrow_is_refused(as_user, db, group):
    mei = as_user("mei")
    typed = reached_and_raised(group, clock.today() + timedelta(days=1))
    response = key_in(mei, entry_form(mei), **typed)
    assert response.status_code == 422 and 'id="e-walked_on"' in response.text
    assert count(db, Visit) == 0


def test_undecided_gets_the_usual_follow_up(as_user, db, group):
    mei = as_user("mei")
    walked = walked_days_ago(2)
    typed = {
        "walked_on": walked.isoformat(),
        f"contact-{group.zhao}": "1",
        f"outcome-{group.zhao}": "undecided",
    }
    assert key_in(mei, entry_form(mei), **typed).status_code == 303
    assert follow_up_of(db, visit_of(db, group.zhaos)) == walked + timedelta(days=14)


def test_a_member_cannot_key_in_someone_elses_household(as_user, db, group):
    village = factories.region(
        db, "玉兴村", RegionLevel.village, factories.region_named(db, "玉兴街道")
    )
    ottos = factories.household(db, village.name, address="玉兴村8号", village_group="第1组")
    factories.person(db, ottos, name="奥六", id_number=factories.id_number(order=131))
    factories.assign(db, ottos, "otto")
    mei = as_user("mei")
    form = entry_form(mei)
    form["household"] = [*form["household"], str(ottos.id)]
    typed = reached_and_raised(group, walked_days_ago()) | {f"not_reached-{ottos.id}": "moved_away"}
    assert key_in(mei, form, **typed).status_code == 404
    assert count(db, Visit) == 0, "nothing stored, not even mei's own households"


def test_a_lead_keys_in_a_members_sheet_as_themselves(as_user, db, group):
    lee = as_user("lee")
    mei_id = factories.user_id(db, "mei")
    form = entry_form(lee, f"{ENTRY}?member_id={mei_id}&village_group=第1组")
    assert form["member_id"] == [str(mei_id)]
    response = key_in(lee, form, **reached_and_raised(group, walked_days_ago()))
    assert response.status_code == 303 and f"member_id={mei_id}" in response.headers["location"]
    recorded_by = db.exec(select(Visit.recorded_by_id).where(col(Visit.source) == "paper")).all()
    assert set(recorded_by) == {factories.user_id(db, "lee")}


def test_a_lead_may_not_key_in_for_someone_outside_their_teams(as_user, db, group):
    lee = as_user("lee")
    otto_id = factories.user_id(db, "otto")
    page = lee.get(f"{ENTRY}?member_id={otto_id}&village_group=第1组").text
    assert "瓦窑村1号" not in page
    form = entry_form(lee, f"{ENTRY}?member_id={factories.user_id(db, 'mei')}&village_group=第1组")
    form["member_id"] = [str(otto_id)]
    assert key_in(lee, form, **reached_and_raised(group, walked_days_ago())).status_code == 404


def test_a_household_both_ticked_and_not_reached_is_asked_which(as_user, db, group):
    mei = as_user("mei")
    typed = reached_and_raised(group, walked_days_ago()) | {
        f"not_reached-{group.wangs}": "nobody_home"
    }
    response = key_in(mei, entry_form(mei), **typed)
    assert response.status_code == 422 and f'id="e-household-{group.wangs}"' in response.text
    assert count(db, Visit) == 0


def test_a_large_village_groups_sheet_is_read_whole(as_user, group):
    """A few fields per person: a group of several hundred people exceeds the 1000 fields a
    form is usually allowed."""
    client = as_user("mei")
    form = entry_form(client)
    padding = {f"unused-{n}": "" for n in range(1500)}
    response = key_in(client, {**form, **padding}, walked_on=walked_days_ago().isoformat())
    assert response.status_code != 400


def ticked_form(client, address: str, person_id: int) -> dict:
    """The page's form with one person spoken to and undecided."""
    typed = {
        "walked_on": walked_days_ago().isoformat(),
        f"contact-{person_id}": "1",
        f"outcome-{person_id}": "undecided",
    }
    return entry_form(client, address) | typed


def statements_to_key_in(client, address: str, person_id: int) -> tuple[int, int]:
    """The statements run to show the sheet, and to store it with one person ticked."""
    with statements(get_engine()) as shown:
        client.get(address)
    form = ticked_form(client, address, person_id)
    with statements(get_engine()) as stored:
        assert key_in(client, form).status_code == 303
    return len(shown), len(stored)


def test_a_sheet_is_read_and_stored_in_the_same_statements_for_two_households_or_twenty(
    as_user, db, group
):
    """What costs statements is what was ticked, not how many households the sheet lists."""
    mei = as_user("mei")
    address = f"{ENTRY}?village_group=第1组"
    two = statements_to_key_in(mei, address, group.zhao)
    give_mei(db, 18, start=2)
    assert len(entry_form(mei, address)["household"]) == 20
    assert statements_to_key_in(mei, address, group.zhao) == two


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's query plans")
def test_a_sheet_finds_its_households_by_index(as_user, db, group):
    mei = as_user("mei")
    address = f"{ENTRY}?village_group=第1组"
    form = ticked_form(mei, address, group.zhao)
    with query_plans(get_engine()) as steps:
        mei.get(address)
        assert key_in(mei, form).status_code == 303
    assert steps and not walks_the_registry(steps)


def test_a_long_group_is_keyed_in_a_page_at_a_time(as_user, db, group, monkeypatch):
    monkeypatch.setattr(walk_sheets, "PAGE_SIZE", 2)
    third = give_mei(db, 1, start=2)[0]
    mei = as_user("mei")
    first_page = mei.get(f"{ENTRY}?village_group=第1组").text
    second_page = mei.get(f"{ENTRY}?village_group=第1组&page=2").text
    on_first = entry_form(mei)["household"]
    on_second = entry_form(mei, f"{ENTRY}?village_group=第1组&page=2")["household"]
    assert len(on_first) == 2 and len(on_second) == 1
    assert set(on_first + on_second) == {str(group.wangs), str(group.zhaos), str(third.id)}
    assert "page=2" in first_page and "第1页，共2页" in first_page
    assert "page=1" in second_page and "第2页，共2页" in second_page

    form = entry_form(mei, f"{ENTRY}?village_group=第1组&page=2")
    (household_id,) = form["household"]
    typed = {"walked_on": walked_days_ago().isoformat(), f"not_reached-{household_id}": "deceased"}
    response = key_in(mei, form, **typed)
    assert response.status_code == 303 and "page=2" in response.headers["location"]
    assert visit_of(db, int(household_id)).not_reached_reason == "deceased"


def test_a_household_reassigned_since_the_walk_is_keyed_in_by_who_walked_it(as_user, db, group):
    """The sheet was walked while the Zhaos were mei's; keyed in after they went to ming."""
    lee = factories.user_named(db, "lee")
    for member in ("ming", "mei"):
        assignments.assign(db, [group.zhaos], factories.user_id(db, member), by=lee)
    handed = db.exec(select(Assignment).where(Assignment.household_id == group.zhaos)).all()
    for assignment in handed:
        assignment.at -= timedelta(days=10)
        db.add(assignment)
    db.commit()
    mei = as_user("mei")
    form = ticked_form(mei, f"{ENTRY}?village_group=第1组", group.zhao)
    assignments.assign(db, [group.zhaos], factories.user_id(db, "ming"), by=lee)
    response = key_in(mei, form)
    assert response.status_code == 303 and "recorded=1" in response.headers["location"]
    assert visit_of(db, group.zhaos).recorded_by_id == factories.user_id(db, "mei")
