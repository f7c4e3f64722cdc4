"""Data-quality flags: a lead sees the flags of their teams' members for a month (or a year)
with the evidence in words, and marks each reviewed with a note, audited. Nothing else happens
to the member. Business time stands at 20 November 2026."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from app.core import clock
from app.domain import quality as rules
from app.domain.codes import Channel, FlagKind, RegionLevel
from app.domain.metrics import Period
from app.domain.quality import Flag, PersonSteps, VisitFact
from app.domain.visits import StepForm
from app.models import (
    AuditEvent,
    QualityReview,
    Team,
    TeamMembership,
    Visit,
    VisitPerson,
    VisitStep,
)
from app.services import assignments, calculations, quality
from app.services.parameters import effective_parameters
from tests import factories
from tests.conftest import csrf_token
from tests.databases import ON_POSTGRES
from tests.factories import user_id, user_named
from tests.query_plans import query_plans, statements

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 18, 0, tzinfo=ZONE)
NOVEMBER = Period.month(2026, 11)
ROUND_STARTS = datetime(2026, 11, 10, 9, 0, tzinfo=ZONE)
RATE = FlagKind.contact_rate_near_full
QUICK = FlagKind.visits_minutes_apart


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def visited(db, home, people, at: datetime, by: str = "mei", **fields):
    return factories.visit(db, home, people, by=by, occurred_at=at.isoformat(), **fields)


def households(db, count: int) -> list:
    """Households of 瓦窑村 with one person each: (household, person)."""
    made = []
    for n in range(count):
        home = factories.household(db, address=f"瓦窑村{n + 1}号")
        someone = factories.person(
            db, home, name=f"住户{n + 1}", id_number=factories.id_number(order=101 + 2 * n)
        )
        made.append((home, someone))
    return made


def rushed_round(db, homes, by: str) -> None:
    """A round on 10 November: every household reached, each three minutes after the last."""
    for n, (home, someone) in enumerate(homes):
        visited(db, home, [someone], ROUND_STARTS + timedelta(minutes=3 * n), by=by)


@pytest.fixture
def homes(db):
    return households(db, 20)


@pytest.fixture
def mei_rushed(db, homes):
    """Mei reached all 20 households three minutes apart: a contact rate of 100 % and 19
    visits minutes after the one before."""
    rushed_round(db, homes, "mei")


@pytest.fixture
def otto_rushed(db, homes):
    rushed_round(db, homes, "otto")


def post(client, path: str, htmx: bool = False, **data):
    data["csrf_token"] = csrf_token(client, "/account")
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(path, data=data, headers=headers, follow_redirects=False)


def review(client, member: int, kind: str = RATE, note: str = "问过了，村里老人多在家", **extra):
    fields = {"member_id": str(member), "kind": kind, "period": "2026-11", "note": note}
    return post(client, "/quality/review", **{**fields, **extra})


def team_id(db, name: str) -> int:
    return db.exec(select(Team.id).where(Team.name == name)).one()


def flag_item(page: str, member: int, kind: str) -> str:
    return page.split(f'id="flag-{member}-{kind}"')[1].split("</li>")[0]


def english(client):
    data = {"locale": "en", "next": "/account", "csrf_token": csrf_token(client, "/account")}
    client.post("/language", data=data)
    return client


# --- seeing the flags --------------------------------------------------------------------------


def test_the_lead_sees_a_members_flags_with_the_evidence_in_words(db, as_user, mei_rushed):
    mei = user_id(db, "mei")
    page = english(as_user("lee")).get("/quality?period=2026-11")
    assert page.status_code == 200
    assert "梅队员" in page.text and "明队员" not in page.text, "only members with flags"
    rate = flag_item(page.text, mei, RATE)
    assert "20 of 20 visits reached someone (100%)" in rate
    assert "working elsewhere" in rate, "why it may be worth a look"
    assert 'action="/quality/review"' in rate and 'name="note"' in rate
    quick = flag_item(page.text, mei, QUICK)
    assert "19 of 20 home visits that reached someone came less than 5 minutes" in quick
    assert f'id="flag-{mei}-{FlagKind.visits_same_place}"' not in page.text
    assert "2 flags to review" in page.text


def test_the_page_speaks_chinese_by_default(db, as_user, mei_rushed):
    page = as_user("lee").get("/quality?period=2026-11").text
    assert "数据质量提示" in page and "2026年11月" in page
    assert "20次走访中有20次见到了人（100%）" in page


def test_a_lead_does_not_see_another_townships_members(db, as_user, otto_rushed):
    page = as_user("lee").get("/quality?period=2026-11").text
    assert "奥队员" not in page
    assert 'id="no-flags"' in page


def test_an_admin_sees_every_members_flags(db, as_user, mei_rushed, otto_rushed):
    page = as_user("alice").get("/quality?period=2026-11").text
    assert "梅队员" in page and "奥队员" in page


@pytest.fixture
def city_admin(monkeypatch):
    """Alice leads every team, more than are opened at once (an admin's city has 74)."""
    monkeypatch.setattr(assignments, "OPEN_TEAMS", 2)


def test_an_admin_of_many_teams_sees_a_line_per_team_and_opens_one(
    db, as_user, city_admin, mei_rushed, otto_rushed
):
    mei, otto = user_id(db, "mei"), user_id(db, "otto")
    first, other = team_id(db, "北城一队"), team_id(db, "玉兴一队")
    client = as_user("alice")
    lines = client.get("/quality?period=2026-11").text
    assert f'href="/quality?period=2026-11&amp;team_id={first}"' in lines
    assert f'href="/quality?period=2026-11&amp;team_id={other}"' in lines
    assert "flag-" not in lines and 'id="no-flags"' not in lines, "no member's flags worked out"
    opened = client.get(f"/quality?period=2026-11&team_id={first}").text
    assert 'id="team-name">北城一队<' in opened
    assert f'id="flag-{mei}-{RATE}"' in opened and f'id="flag-{otto}-{RATE}"' not in opened
    assert f'href="/quality?period=2026-10&amp;team_id={first}"' in opened, "months keep the team"
    assert f'id="flag-{otto}-{RATE}"' in client.get(f"/quality?period=2026-11&team_id={other}").text


def test_members_in_no_team_are_shown_below_the_team_lines(db, as_user, city_admin, otto_rushed):
    otto = user_id(db, "otto")
    for membership in db.exec(select(TeamMembership).where(TeamMembership.user_id == otto)):
        db.delete(membership)
    db.commit()
    page = as_user("alice").get("/quality?period=2026-11").text
    assert 'id="no-team"' in page
    assert f'id="flag-{otto}-{RATE}"' in page.split('id="no-team"')[1]


def test_a_review_in_an_opened_team_returns_to_that_team(db, as_user, city_admin, mei_rushed):
    mei, first = user_id(db, "mei"), team_id(db, "北城一队")
    answer = review(as_user("alice"), mei, team_id=str(first))
    assert answer.status_code == 303
    assert (
        answer.headers["location"] == f"/quality?period=2026-11&team_id={first}#flag-{mei}-{RATE}"
    )


def test_a_team_the_user_does_not_lead_is_not_found(db, as_user, mei_rushed):
    other = team_id(db, "玉兴一队")
    client = as_user("lee")
    assert client.get(f"/quality?period=2026-11&team_id={other}").status_code == 404
    assert review(client, user_id(db, "mei"), team_id=str(other)).status_code == 404
    assert db.exec(select(QualityReview)).first() is None


def test_another_month_shows_its_own_flags(db, as_user, mei_rushed):
    client = as_user("lee")
    october = client.get("/quality?period=2026-10").text
    assert 'id="no-flags"' in october
    assert 'href="/quality?period=2026-11"' in october, "the next month is a tap away"
    year = client.get("/quality?period=2026").text
    assert f'id="flag-{user_id(db, "mei")}-{RATE}"' in year


@pytest.mark.parametrize("asked", ["", "2021-12", "2026-13", "2027-01", "十一月"])
def test_a_blank_early_future_or_unreadable_period_shows_the_current_month(
    db, as_user, mei_rushed, asked
):
    page = as_user("lee").get(f"/quality?period={asked}").text
    assert 'id="period-name">2026年11月<' in page
    assert f'id="flag-{user_id(db, "mei")}-{RATE}"' in page


@pytest.mark.parametrize("username", ["mei", "cai"])
def test_members_and_cadres_may_not_review_flags(db, as_user, mei_rushed, username):
    client = as_user(username)
    assert client.get("/quality").status_code == 403
    assert review(client, user_id(db, "mei")).status_code == 403
    assert db.exec(select(QualityReview)).first() is None


# --- reviewing a flag --------------------------------------------------------------------------


def test_the_lead_marks_a_flag_reviewed_with_a_note(db, as_user, mei_rushed):
    mei, client = user_id(db, "mei"), as_user("lee")
    answer = review(client, mei, note="  问过了，是同一个院子里的几户  ")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/quality?period=2026-11#flag-{mei}-{RATE}"
    stored = db.exec(select(QualityReview)).one()
    assert (stored.member_id, stored.kind) == (mei, RATE)
    assert (stored.period_start, stored.period_end) == (NOVEMBER.start, NOVEMBER.end)
    assert stored.note == "问过了，是同一个院子里的几户"
    assert stored.evidence == {"count": 20, "of": 20}
    assert stored.reviewed_by_id == user_id(db, "lee")
    item = flag_item(client.get("/quality?period=2026-11").text, mei, RATE)
    assert 'data-open="no"' in item and "/quality/review" not in item
    assert "李队长" in item and "2026/11/20 18:00" in item, "reviewer and business time"
    assert "问过了，是同一个院子里的几户" in item


def test_with_htmx_only_the_flag_is_swapped(db, as_user, mei_rushed):
    mei = user_id(db, "mei")
    answer = review(as_user("lee"), mei, htmx=True)
    assert answer.status_code == 200
    assert answer.text.strip().startswith(f'<li id="flag-{mei}-{RATE}"')
    assert "<html" not in answer.text and "问过了，村里老人多在家" in answer.text


def test_reviewing_is_audited(db, as_user, mei_rushed):
    mei = user_id(db, "mei")
    review(as_user("lee"), mei, kind=QUICK)
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "quality_flag_reviewed")).one()
    assert event.user_id == user_id(db, "lee") and event.target == f"user:{mei}"
    assert event.detail == {"kind": QUICK, "period": "2026-11", "count": 19, "of": 20}


def test_the_note_is_required_and_the_message_is_in_chinese(db, as_user, mei_rushed):
    mei, client = user_id(db, "mei"), as_user("lee")
    answer = review(client, mei, note="   ")
    assert answer.status_code == 422
    assert "请填写核查情况。" in flag_item(answer.text, mei, RATE)
    fragment = review(client, mei, note="", htmx=True)
    assert fragment.status_code == 422, "htmx swaps 422 answers (base.html's responseHandling)"
    assert fragment.text.strip().startswith(f'<li id="flag-{mei}-{RATE}"')
    assert f'id="e-note-flag-{mei}-{RATE}"' in fragment.text
    assert db.exec(select(QualityReview)).first() is None


def test_a_long_note_is_kept_for_correcting(db, as_user, mei_rushed):
    note = "查" * 501
    answer = review(as_user("lee"), user_id(db, "mei"), note=note, htmx=True)
    assert answer.status_code == 422 and f">{note}</textarea>" in answer.text
    assert db.exec(select(QualityReview)).first() is None


def test_a_flag_is_reviewed_once(db, as_user, mei_rushed):
    mei, client = user_id(db, "mei"), as_user("lee")
    review(client, mei)
    again = review(client, mei, note="再看一次", htmx=True)
    assert again.status_code == 422 and "这条提示已经核查过了。" in again.text
    assert len(db.exec(select(QualityReview)).all()) == 1


def test_a_flag_the_visits_do_not_raise_cannot_be_reviewed(db, as_user, mei_rushed):
    kind = FlagKind.visits_same_place
    answer = review(as_user("lee"), user_id(db, "mei"), kind=kind, htmx=True)
    assert answer.status_code == 422
    assert answer.text.strip().startswith(f'<li id="flag-{user_id(db, "mei")}-{kind}"')
    assert db.exec(select(QualityReview)).first() is None


def test_another_townships_member_or_an_unknown_kind_is_not_found(
    db, as_user, mei_rushed, otto_rushed
):
    client = as_user("lee")
    assert review(client, user_id(db, "otto")).status_code == 404
    assert review(client, user_id(db, "mei"), kind="too_good").status_code == 404
    assert review(client, 99999999999999).status_code == 404
    assert db.exec(select(QualityReview)).first() is None


def test_a_reviewed_flag_stays_listed_with_what_it_showed_when_the_visits_change(
    db, as_user, homes, mei_rushed
):
    mei, client = user_id(db, "mei"), as_user("lee")
    review(client, mei)
    home, _someone = homes[0]
    later_that_day = ROUND_STARTS + timedelta(hours=8)
    visited(db, home, [], later_that_day, reached="no", not_reached_reason="nobody_home")
    assert quality.member_flags(db, [user_named(db, "mei")], NOVEMBER)[0].open_count == 1
    item = flag_item(english(client).get("/quality?period=2026-11").text, mei, RATE)
    assert 'data-open="no"' in item and "20 of 20 visits reached someone" in item


# --- the count the report pages show ----------------------------------------------------------


def test_the_flags_to_review_drop_as_they_are_reviewed(db, as_user, mei_rushed, otto_rushed):
    lee, alice = user_named(db, "lee"), user_named(db, "alice")
    assert quality.open_flag_count(db, lee, NOVEMBER) == 2
    assert quality.open_flag_count(db, alice, NOVEMBER) == 4
    review(as_user("lee"), user_id(db, "mei"))
    assert quality.open_flag_count(db, lee, NOVEMBER) == 1
    assert quality.open_flag_count(db, alice, NOVEMBER) == 3
    assert quality.open_flag_count(db, user_named(db, "mei"), NOVEMBER) == 0


# --- who is behind a flag ----------------------------------------------------------------------


def named_behind(item: str) -> list[tuple[str, str]]:
    """The links and names listed under a flag: (href, name)."""
    people = item.split("<details data-people>")[1].split("</details>")[0]
    links = people.split('<a href="')[1:]
    return [(link.split('"')[0], link.split(">")[1].split("<")[0]) for link in links]


def test_each_flag_names_the_people_behind_it_with_a_link_to_them(db, as_user, homes, mei_rushed):
    mei = user_id(db, "mei")
    page = as_user("lee").get("/quality?period=2026-11").text
    reached = named_behind(flag_item(page, mei, RATE))
    assert sorted(name for _link, name in reached) == sorted(f"住户{n}" for n in range(1, 21))
    home, someone = homes[4]
    assert (f"/households/{home.id}#person-{someone.id}", "住户5") in reached
    assert "<dd>瓦窑村5号</dd>" in flag_item(page, mei, RATE), "with the household's address"
    quick = named_behind(flag_item(page, mei, QUICK))
    assert len(quick) == 19 and "住户1" not in {name for _link, name in quick}, (
        "the first visit of the round came after none"
    )
    assert "<summary>涉及人员（19）</summary>" in flag_item(page, mei, QUICK)


def test_the_people_behind_a_flag_are_those_the_reader_sees(db, as_user, mei_rushed):
    village = factories.region(
        db, "玉兴村", RegionLevel.village, factories.region_named(db, "玉兴街道")
    )
    away = factories.household(db, village=village.name, address="玉兴村1号")
    elsewhere = factories.person(db, away, name="外乡人", id_number=factories.id_number(order=901))
    stored(db, away, elsewhere, ROUND_STARTS - HOUR, by="mei")
    mei = user_id(db, "mei")
    as_lead = flag_item(as_user("lee").get("/quality?period=2026-11").text, mei, RATE)
    assert "21次走访中有21次" in as_lead and "外乡人" not in as_lead
    as_admin = flag_item(as_user("alice").get("/quality?period=2026-11").text, mei, RATE)
    assert "外乡人" in as_admin


def test_the_flag_swapped_after_a_review_still_names_its_people(db, as_user, mei_rushed):
    answer = review(as_user("lee"), user_id(db, "mei"), htmx=True)
    assert "住户7" in answer.text and "<details data-people>" in answer.text


def test_the_one_spot_flag_names_the_households_around_the_spot(db, as_user, homes):
    at = ROUND_STARTS
    for n in range(10, 17):
        home, someone = homes[n]
        people, reached = ([], "no") if n == 11 else ([someone], "yes")
        reason = {"not_reached_reason": "nobody_home"} if n == 11 else {}
        at += 30 * MINUTE
        visited(db, home, people, at, reached=reached, **reason, **near_the_well(n))
    page = as_user("lee").get("/quality?period=2026-11").text
    item = flag_item(page, user_id(db, "mei"), FlagKind.visits_same_place)
    behind = named_behind(item)
    assert [name for _link, name in behind] == [
        "住户11",
        "未联系上",
        "住户13",
        "住户14",
        "住户15",
        "住户16",
    ]
    assert behind[1][0] == f"/households/{homes[11][0].id}", "a household nobody answered at"
    assert "住户17" not in item, "two hundred metres north"


# --- the three ones without a saved calculation ------------------------------------------------


def saved_calculation(db, person) -> str:
    """A calculation saved for the person, as the calculator page saves it."""
    inputs = calculations.checked(calculations.form_for_person(db, person), 2026)
    options, _shown = calculations.side_by_side(effective_parameters(db), inputs)
    saved = calculations.save_calculation(
        db, person, 2026, inputs.person, options, inputs.assumptions, by=user_named(db, "ming")
    )
    return str(saved.id)


def steps(someone, *kinds: str, calculation_id: str = "") -> list[StepForm]:
    return [
        StepForm(person_id=str(someone.id), kind=kind, calculation_id=calculation_id)
        for kind in kinds
    ]


def ming_flags(db, period: Period) -> list:
    found = quality.member_flags(db, [user_named(db, "ming")], period)
    return [(row.flag.kind, row.flag.count, row.flag.of) for group in found for row in group.flags]


def test_three_people_with_all_three_ones_but_no_saved_calculation_are_flagged(db, homes):
    kind = FlagKind.three_ones_without_calculation
    day = datetime(2026, 11, 12, 10, 0, tzinfo=ZONE)
    for n, (home, someone) in enumerate(homes[:3]):
        at = day + timedelta(hours=n)
        visited(db, home, [someone], at, by="ming", steps=steps(someone, "calculation", "leaflet"))
    assert ming_flags(db, NOVEMBER) == [(kind, 3, 3)]

    home, fourth = homes[3]
    visited(db, home, [fourth], day, by="ming", steps=steps(fourth, "calculation", "leaflet"))
    first_home, first = homes[0]
    saved = steps(first, "calculation", calculation_id=saved_calculation(db, first))
    visited(db, first_home, [first], day - timedelta(days=20), by="mei", steps=saved)
    assert ming_flags(db, NOVEMBER) == [(kind, 3, 4)], "a saved calculation by anyone counts"


def test_the_people_ticked_without_a_calculation_are_named_on_the_page(db, as_user, homes):
    day = datetime(2026, 11, 12, 10, 0, tzinfo=ZONE)
    for n, (home, someone) in enumerate(homes[:4]):
        kinds = ("calculation", "leaflet") if n < 3 else ("calculation",)
        visited(db, home, [someone], day + n * HOUR, by="ming", steps=steps(someone, *kinds))
    page = as_user("lee").get("/quality?period=2026-11").text
    item = flag_item(page, user_id(db, "ming"), FlagKind.three_ones_without_calculation)
    home, someone = homes[0]
    assert named_behind(item) == [
        (f"/households/{home.id}#person-{someone.id}", "住户1"),
        (f"/households/{homes[1][0].id}#person-{homes[1][1].id}", "住户2"),
        (f"/households/{homes[2][0].id}#person-{homes[2][1].id}", "住户3"),
    ], "not 住户4, who has no leaflet yet"


def test_the_three_ones_count_up_to_the_periods_end(db, homes):
    october = datetime(2026, 10, 20, 10, 0, tzinfo=ZONE)
    for n, (home, someone) in enumerate(homes[:3]):
        at = october + timedelta(hours=n)
        visited(db, home, [someone], at, by="ming", steps=steps(someone, "calculation"))
        leaflet = steps(someone, "leaflet")
        visited(db, home, [someone], at + timedelta(days=20), by="mei", steps=leaflet)
    assert ming_flags(db, Period.month(2026, 10)) == [], "the leaflets came in November"
    assert ming_flags(db, NOVEMBER) == [], "no calculation on Ming's visits in November"
    kind = FlagKind.three_ones_without_calculation
    assert ming_flags(db, Period.year(2026)) == [(kind, 3, 3)]


# --- counted in the database, raised as the rules raise them ----------------------------------

MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)


def rule_flags(db, member, period: Period) -> list[Flag]:
    """The flags the pure rules raise on every fact of the member's period, gathered row by row
    in Python: what member_flags, which counts in the database, must raise."""
    start, end = clock.days(period.start, period.end)
    visits = db.exec(select(Visit).order_by(Visit.id)).all()
    mine = [v for v in visits if v.recorded_by_id == member.id and start <= v.occurred_at < end]
    before = {v.id: v for v in visits if v.occurred_at < end}
    steps = [s for s in db.exec(select(VisitStep)).all() if s.visit_id in before]
    spoken = {
        p.person_id
        for p in db.exec(select(VisitPerson)).all()
        if p.visit_id in before and before[p.visit_id].reached
    }
    on_mine = {v.id for v in mine}
    given = {s.person_id for s in steps if s.visit_id in on_mine and s.kind == "calculation"}
    leaflets = {s.person_id for s in steps if s.kind == "leaflet"}
    saved = {s.person_id for s in steps if s.kind == "calculation" and s.calculation_id}
    people = [PersonSteps(p in spoken, p in leaflets, p in saved) for p in given]
    facts = [
        VisitFact(
            v.household_id,
            clock.local(v.occurred_at),
            Channel(v.channel),
            v.reached,
            v.latitude,
            v.longitude,
        )
        for v in mine
    ]
    return rules.flags(facts, people)


def stored(db, home, someone, at: datetime, by: str, reached: bool = True, step: str = ""):
    """A visit row as stored, without the form's checks: a step for someone nobody spoke to,
    or a person on a visit that reached nobody."""
    row = Visit(
        client_uuid=str(uuid.uuid4()),
        household_id=home.id,
        recorded_by_id=user_id(db, by),
        occurred_at=at,
        recorded_at=NOW,
        channel="home_visit",
        reached=reached,
    )
    db.add(row)
    db.flush()
    if not step:
        db.add(VisitPerson(visit_id=row.id, person_id=someone.id))
    else:
        db.add(
            VisitStep(
                visit_id=row.id,
                person_id=someone.id,
                kind=step,
                recorded_by_id=row.recorded_by_id,
                recorded_at=NOW,
            )
        )
    db.commit()


# Mei's round: (household, minutes after the visit before). Gaps just over, just under (by
# 0.6 ms, from a moment with a fraction of a second) and at five minutes; a household twice in
# a row; two visits at one moment, the one recorded first coming first.
MEI_ROUND = [(0, 0), (1, 3), (2, 5.00001), (3, 4.99999), (4, 5), (4, 2), (5, 0)]
MEI_ROUND += [(6, 30), (7, 1), (8, 1), (9, 1), (10, 0.5), (11, 4), (12, 2), (13, 6)]
MEI_ROUND += [(14, 1), (15, 1), (16, 1), (17, 1), (18, 1), (19, 1)]


def near_the_well(home_number: int) -> dict:
    """Households 10-15 three metres apart by one spot, 16 two hundred metres north."""
    metres = 200 if home_number == 16 else (home_number - 10) * 3
    return {"latitude": f"{24.35 + metres / 111_195:.6f}", "longitude": "102.54"}


@pytest.fixture
def varied(db, homes):
    """Three members' work across October and November that touches every edge the flags
    have."""
    at = ROUND_STARTS
    for home_number, minutes in MEI_ROUND:
        at += timedelta(minutes=minutes)
        home, someone = homes[home_number]
        place = near_the_well(home_number) if 10 <= home_number <= 16 else {}
        visited(db, home, [someone], at, **place)
    home, someone = homes[17]
    visited(db, home, [someone], at, channel="phone_call", **near_the_well(12))
    visited(db, home, [], at, reached="no", not_reached_reason="nobody_home")
    # Ming's calculations: with a leaflet on the visit, a leaflet Mei left in October, a saved
    # calculation Mei attached in October, no leaflet at all, a second one for someone; and rows
    # no form would store for someone nobody ever reached.
    day = datetime(2026, 11, 12, 10, 0, tzinfo=ZONE)
    october = datetime(2026, 10, 20, 10, 0, tzinfo=ZONE)
    for n, (home, someone) in enumerate(homes[:6]):
        kinds = ("calculation",) if n in (2, 5) else ("calculation", "leaflet")
        visited(db, home, [someone], day + n * MINUTE, by="ming", steps=steps(someone, *kinds))
    home, someone = homes[0]
    visited(db, home, [someone], day + HOUR, by="ming", steps=steps(someone, "calculation"))
    home, someone = homes[2]
    visited(db, home, [someone], october, steps=steps(someone, "leaflet"))
    home, someone = homes[3]
    saved = steps(someone, "calculation", calculation_id=saved_calculation(db, someone))
    visited(db, home, [someone], october, steps=saved)
    away = factories.household(db, address="瓦窑村99号")
    nobody = factories.person(db, away, name="外出户", id_number=factories.id_number(order=901))
    for step in ("calculation", "leaflet", ""):
        stored(db, away, nobody, day, "ming", reached=False, step=step)
    # Otto's October: twenty doors reached three minutes apart, the last across midnight into
    # November; calculations in October, one whose leaflet came in November.
    end_of_october = datetime(2026, 10, 31, 23, 5, tzinfo=ZONE)
    for n, (home, someone) in enumerate(homes):
        visited(db, home, [someone], end_of_october + n * 3 * MINUTE, by="otto")
    for n, (home, someone) in enumerate(homes[7:11]):
        kinds = ("calculation",) if n == 0 else ("calculation", "leaflet")
        visited(db, home, [someone], october + n * MINUTE, by="otto", steps=steps(someone, *kinds))
    home, someone = homes[7]
    visited(db, home, [someone], day, by="otto", steps=steps(someone, "leaflet"))


@pytest.mark.parametrize("period", [NOVEMBER, Period.month(2026, 10), Period.year(2026)])
def test_the_flags_counted_in_the_database_are_the_rules_flags(db, varied, period):
    members = [user_named(db, name) for name in ("mei", "ming", "otto")]
    found = {
        group.member.id: [row.flag for row in group.flags]
        for group in quality.member_flags(db, members, period)
    }
    expected = {member.id: rule_flags(db, member, period) for member in members}
    assert {member: flags for member, flags in expected.items() if flags} == found
    assert len({flag.kind for flags in found.values() for flag in flags}) >= 2, "flags to compare"


def test_the_flags_take_the_same_few_statements_for_a_city_as_for_one_member(db, homes):
    def statements_for(names: list[str]) -> int:
        members = [user_named(db, name) for name in names]
        with statements(db.get_bind()) as seen:
            quality.member_flags(db, members, NOVEMBER)
        return len(seen)

    rushed_round(db, homes[:2], "mei")
    one = statements_for(["mei"])
    for name in ("mei", "ming", "otto"):
        rushed_round(db, homes, name)
    assert statements_for(["mei", "ming", "otto"]) == one <= 5


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's query plans")
def test_the_flags_read_each_members_visits_of_the_period_only(db, homes):
    """Through the member index alone, a city's quality page read every visit of all time of
    its 722 members (8 s)."""
    rushed_round(db, homes, "mei")
    with query_plans(db.get_bind()) as steps:
        quality.member_flags(db, [user_named(db, "mei")], NOVEMBER)
    by_member = [step for step in steps if "SEARCH visit USING" in step and "recorded_by" in step]
    assert by_member and all(
        "ix_visit_recorded_by_occurred (recorded_by_id=? AND occurred_at>? AND occurred_at<?)"
        in step
        for step in by_member
    )
