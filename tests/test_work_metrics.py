"""The teams' work figures on a small city with known answers: each figure for a village, a
township, a county, the city, a team and a member; periods that leave events out; the
summaries kept current by the incremental refresh; and the summaries agreeing with a live
count of the same households."""

import random
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import and_, case, func
from sqlmodel import col, select

from app.core import clock
from app.domain.codes import ChangeStatus, OutcomeCode, RegionLevel
from app.domain.metrics import Period
from app.domain.visits import OutcomeForm, StepForm
from app.models import EnrolmentChange, Household, Person, Region, Team
from app.services import assignments, enrolment, households, scope, work_metrics
from app.services.regions import subtree_ids
from app.services.visits import eligible_condition
from app.services.worklists import three_ones_conditions
from tests import factories
from tests.factories import assign, household, id_number, person, region, region_named, user_named

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=ZONE)
TODAY = NOW.date()
YEAR = Period.year(2026)


@pytest.fixture
def frozen(monkeypatch):
    """Business time stands at 15 June 2026, 10:00; a test moves it on with ``frozen.now``."""
    held = SimpleNamespace(now=NOW)
    monkeypatch.setattr(clock, "now", lambda: held.now)
    return held


def visit(db, home, people, on: str, by="mei", **fields):
    """A reached visit on the given day (10:00 business time)."""
    moment = datetime.fromisoformat(f"{on}T10:00").replace(tzinfo=ZONE)
    return factories.visit(db, home, people, by=by, occurred_at=moment.isoformat(), **fields)


def three_ones(*people) -> list[StepForm]:
    return [
        StepForm(person_id=str(p.id), kind=kind)
        for p in people
        for kind in ("calculation", "leaflet")
    ]


def outcome(someone, code: str, **fields) -> OutcomeForm:
    return OutcomeForm(person_id=str(someone.id), code=code, **fields)


def confirm_changes(db, of: Person, by="lee") -> None:
    waiting = select(EnrolmentChange).where(
        EnrolmentChange.person_id == of.id, EnrolmentChange.status == ChangeStatus.reported
    )
    for change in db.exec(waiting).all():
        enrolment.confirm(db, change, by=user_named(db, by))


@pytest.fixture
def city(db, frozen):
    """瓦窑村 (北城街道, 红塔区): Wang agreed to the flexible-worker scheme with all three ones in
    March; Li, a cadre by his account, raised his tier; Wang's son, 11, was spoken to too;
    Grandma draws a pension. Zhang refused in May, all three done, and is thinking it over
    since June. Zhao was not home in April and her record was last checked in October.
    太极村 (玉兴街道): Sun, all three in June, insured elsewhere. 前卫村 (前卫镇, 江川区): Zhou, a
    cadre, joined the flexible-worker scheme in February. The changes were confirmed today."""
    region(db, "太极村", RegionLevel.village, region_named(db, "玉兴街道"))
    qianwei_town = region(db, "前卫镇", RegionLevel.township, region_named(db, "江川区"))
    region(db, "前卫村", RegionLevel.village, qianwei_town)
    order = iter(range(101, 999, 2))
    made = SimpleNamespace()

    def someone(at, name: str, born="19800101", **fields):
        return person(
            db, at, name=name, id_number=id_number(born=born, order=next(order)), **fields
        )

    made.wangs = household(db, address="瓦窑村1号")
    assign(db, made.wangs, "mei")
    made.wang = someone(made.wangs, "王芳", insurance_status="resident")
    made.li = someone(made.wangs, "李强", born="19850101", insurance_status="resident")
    made.son = someone(made.wangs, "王小", born="20150301")
    made.grandma = someone(made.wangs, "王奶奶", born="19500101", insurance_status="receiving")
    cai = user_named(db, "cai")
    cai.person_id = made.li.id
    db.add(cai)
    db.commit()
    visit(
        db,
        made.wangs,
        [made.wang, made.li, made.son],
        "2026-03-10",
        steps=three_ones(made.wang, made.son),
        outcomes=[
            outcome(made.wang, "join_flexible", to_value="100"),
            outcome(made.li, "raise_tier", from_value="200", to_value="500"),
        ],
        follow_up_on="2026-07-01",
    )
    made.zhangs = household(db, address="瓦窑村2号")
    assign(db, made.zhangs, "ming")
    made.zhang = someone(made.zhangs, "张伟", born="19900101")
    refused = [outcome(made.zhang, "refused", reason="太贵")]
    visit(
        db,
        made.zhangs,
        [made.zhang],
        "2026-05-20",
        by="ming",
        steps=three_ones(made.zhang),
        outcomes=refused,
    )
    visit(
        db,
        made.zhangs,
        [made.zhang],
        "2026-06-10",
        by="ming",
        outcomes=[outcome(made.zhang, "undecided")],
        follow_up_on="2026-06-24",
    )
    made.zhaos = household(db, address="瓦窑村3号")
    made.zhao = someone(made.zhaos, "赵敏", born="19750101")
    visit(db, made.zhaos, [], "2026-04-01", reached="no", not_reached_reason="nobody_home")
    made.zhaos.verified_at = datetime(2025, 10, 1, tzinfo=ZONE)
    db.add(made.zhaos)
    db.commit()
    made.suns = household(db, "太极村", address="太极村1号")
    assign(db, made.suns, "otto")
    made.sun = someone(made.suns, "孙丽", born="19880101")
    visit(
        db,
        made.suns,
        [made.sun],
        "2026-06-01",
        by="otto",
        steps=three_ones(made.sun),
        outcomes=[outcome(made.sun, "insured_elsewhere")],
    )
    made.zhous = household(db, "前卫村", address="前卫村1号")
    made.zhou = someone(made.zhous, "周杰", born="19780101", is_cadre=True)
    visit(
        db,
        made.zhous,
        [made.zhou],
        "2026-02-05",
        outcomes=[outcome(made.zhou, "join_flexible", to_value="60")],
    )
    for agreed in (made.wang, made.li, made.zhou):
        confirm_changes(db, agreed, by="alice")
    return made


def work_of(db, name: str, period: Period = YEAR, today: date = TODAY):
    return work_metrics.region_work(db, region_named(db, name), period, today)


def brief(work) -> dict:
    """The figures with the zeros of the code tables left out."""
    return {
        **{name: value for name, value in vars(work).items() if not isinstance(value, dict)},
        "outcomes": {code: n for code, n in work.outcomes.items() if n},
        "changes_confirmed": {kind: n for kind, n in work.changes_confirmed.items() if n},
    }


WAYAO = {
    "households": 3,
    "households_assigned": 2,
    "eligible_people": 4,  # not the boy, not Grandma
    "people_contacted": 4,  # Wang, Li, the boy, Zhang; Zhao was not reached
    "three_ones_complete": 2,  # Wang and Zhang
    "three_ones_rate": Decimal("0.5000"),
    "outcomes": {"join_flexible": 1, "raise_tier": 1, "undecided": 1},
    "changes_confirmed": {"join_flexible": 1, "raise_tier": 1},
    "cadres": 1,  # Li, through Cai's account
    "cadres_upgraded": 0,
    "cadres_raised_tier": 1,
    "follow_ups_overdue": 1,  # Zhao's, three days after April's visit
    "stale_records": 1,  # Zhao's
}


def test_a_village_has_its_households_figures(db, city):
    assert brief(work_of(db, "瓦窑村")) == WAYAO
    assert brief(work_of(db, "北城街道")) == WAYAO


def test_a_county_and_the_city_add_up_their_villages(db, city):
    hongta = brief(work_of(db, "红塔区"))
    assert hongta["households"] == 4
    assert hongta["eligible_people"] == 5 and hongta["three_ones_complete"] == 3
    assert hongta["people_contacted"] == 5
    assert hongta["outcomes"] == {**WAYAO["outcomes"], "insured_elsewhere": 1}
    assert hongta["three_ones_rate"] == Decimal("0.6000")
    city_wide = brief(work_of(db, "玉溪市"))
    assert city_wide["households"] == 5 and city_wide["cadres"] == 2
    assert city_wide["cadres_upgraded"] == 1  # Zhou
    assert city_wide["changes_confirmed"] == {"join_flexible": 2, "raise_tier": 1}
    assert city_wide["follow_ups_overdue"] == 2  # Zhou's: thirty days after February's visit


def test_the_units_below_are_listed_with_their_figures(db, city):
    below = work_metrics.children_work(db, region_named(db, "红塔区"), YEAR, TODAY)
    by_name = {unit.name: work.households for unit, work in below}
    assert by_name == {"北城街道": 3, "玉兴街道": 1}
    village = work_metrics.children_work(db, region_named(db, "瓦窑村"), YEAR, TODAY)
    assert village == []


def test_a_team_and_a_member_count_the_households_assigned_to_them(db, city):
    team = db.exec(select(Team).where(Team.name == "北城一队")).one()
    team_figures = work_metrics.team_work(db, team, YEAR, TODAY)
    assert (team_figures.households, team_figures.eligible_people) == (2, 3)
    assert (team_figures.people_contacted, team_figures.three_ones_complete) == (4, 2)
    mei = work_metrics.member_work(db, user_named(db, "mei"), YEAR, TODAY)
    assert (mei.households, mei.eligible_people, mei.three_ones_complete) == (1, 2, 1)
    assert brief(mei)["changes_confirmed"] == {"join_flexible": 1, "raise_tier": 1}


def test_a_month_counts_what_happened_in_it_and_the_three_ones_at_its_end(db, city):
    march = brief(work_of(db, "瓦窑村", Period.month(2026, 3)))
    assert march["people_contacted"] == 3
    assert (march["eligible_people"], march["three_ones_complete"]) == (4, 1)  # Zhang in May
    assert march["changes_confirmed"] == {}  # confirmed in June
    assert march["outcomes"] == {"join_flexible": 1, "raise_tier": 1}


def test_a_period_before_the_work_counts_none_of_it(db, city):
    last_year = brief(work_of(db, "瓦窑村", Period.year(2025)))
    assert last_year["people_contacted"] == 0 and last_year["outcomes"] == {}
    assert last_year["three_ones_complete"] == 0 and last_year["eligible_people"] == 4
    assert last_year["changes_confirmed"] == {}


def test_the_trend_runs_month_by_month_to_the_current_one(db, city):
    trend = work_metrics.monthly_trend(db, region_named(db, "红塔区"), 2026, TODAY)
    assert [month for month, _work in trend] == [date(2026, m, 1) for m in range(1, 7)]
    contacted = [work.people_contacted for _month, work in trend]
    assert contacted == [0, 0, 3, 0, 1, 2]  # June: Zhang again, Sun
    assert [work.three_ones_complete for _month, work in trend] == [0, 0, 1, 1, 2, 3]
    assert [work.enrolment_changes_confirmed for _month, work in trend] == [0] * 5 + [2]


# --- keeping the summaries current -------------------------------------------------------------


def test_refresh_counts_a_new_visit(db, city):
    work_of(db, "瓦窑村")
    visit(db, city.zhaos, [city.zhao], "2026-06-14", steps=three_ones(city.zhao))
    after = work_of(db, "瓦窑村")
    assert (after.people_contacted, after.three_ones_complete) == (5, 3)
    assert after.follow_ups_overdue == 0  # the new visit set no follow-up


def test_a_request_reading_several_figures_refreshes_once_until_it_writes(db, city, monkeypatch):
    refreshes = []
    real_refresh = work_metrics.refresh
    monkeypatch.setattr(
        work_metrics, "refresh", lambda *a, **k: refreshes.append(1) or real_refresh(*a, **k)
    )
    township = region_named(db, "北城街道")
    work_of(db, "瓦窑村")
    work_metrics.children_work(db, township, YEAR, TODAY)
    work_metrics.monthly_trend(db, township, 2026, TODAY)
    assert len(refreshes) == 1

    visit(db, city.zhaos, [city.zhao], "2026-06-14", steps=three_ones(city.zhao))
    assert work_of(db, "瓦窑村").people_contacted == 5
    assert len(refreshes) == 2


def test_refresh_counts_an_edited_person(db, city):
    work_of(db, "瓦窑村")
    form = households.form_for(db, city.li).model_copy(update={"insurance_status": "receiving"})
    households.update_person(db, city.li, form, city.li.version, by=user_named(db, "lee"))
    assert work_of(db, "瓦窑村").eligible_people == 3


def test_refresh_counts_a_change_confirmed_later(db, city):
    assert work_of(db, "玉溪市").enrolment_changes_confirmed == 3
    visit(
        db,
        city.suns,
        [city.sun],
        "2026-06-14",
        by="otto",
        outcomes=[outcome(city.sun, "resume_paying")],
    )
    assert work_of(db, "玉溪市").enrolment_changes_confirmed == 3  # reported, not confirmed
    confirm_changes(db, city.sun)
    assert work_of(db, "玉溪市").changes_confirmed[OutcomeCode.resume_paying] == 1


def test_refresh_counts_someone_turning_16(db, city):
    person(db, city.wangs, name="王二", id_number=id_number(born="20100616", order=555))
    assert work_of(db, "瓦窑村").eligible_people == 4
    assert work_of(db, "瓦窑村", today=date(2026, 6, 16)).eligible_people == 5
    assert work_of(db, "瓦窑村").eligible_people == 4  # a day back again


def test_refresh_counts_an_assignment_and_a_new_cadre_link(db, city):
    work_of(db, "瓦窑村")
    assignments.assign(db, [city.zhaos.id], factories.user_id(db, "mei"), by=user_named(db, "lee"))
    cai = user_named(db, "cai")
    cai.person_id = city.zhao.id
    db.add(cai)
    db.commit()
    after = work_of(db, "瓦窑村")
    assert (after.households_assigned, after.cadres, after.cadres_raised_tier) == (3, 1, 0)


def test_refresh_with_nothing_new_recounts_nothing(db, city, frozen):
    work_metrics.refresh(db, TODAY)
    frozen.now = NOW + timedelta(minutes=5)
    work_metrics.refresh(db, TODAY)  # reads the writes of its last half minute again
    assert work_metrics.refresh(db, TODAY) == 0


def test_days_passing_make_follow_ups_overdue_and_records_stale(db, city):
    work_of(db, "瓦窑村")
    later = work_of(db, "瓦窑村", Period.year(2026), date(2026, 7, 2))
    assert later.follow_ups_overdue == 3  # Wang's (1 July) and Zhang's (24 June) too
    in_winter = work_of(db, "瓦窑村", Period.year(2026), date(2026, 12, 20))
    assert in_winter.stale_records == 3  # the others were checked in June


# --- the summaries agree with a live count --------------------------------------------------------


def live(db, region: Region, period: Period, today: date):
    villages = col(Household.village_id).in_(subtree_ids(db, region.id))
    return work_metrics.live_work(db, villages, period, today)


def sql_three_ones(db, region: Region, today: date) -> tuple[int, int]:
    """Eligible and complete people by the SQL twins the worklists use."""
    done = three_ones_conditions()
    query = (
        select(func.count(), func.count(case((and_(*done.values()), Person.id))))
        .select_from(Person)
        .join(Household, col(Household.id) == Person.household_id)
        .where(col(Household.village_id).in_(subtree_ids(db, region.id)), eligible_condition(today))
    )
    eligible, complete = db.exec(query).one()
    return eligible, complete


def random_city(db, chance: random.Random) -> None:
    """Households in five villages with people of every age and status, and a year of visits
    by the members who hold them."""
    regions = {r.name: r for r in db.exec(select(Region))}
    xiyu = region(db, "西域村", RegionLevel.village, regions["北城街道"])
    villages = ["瓦窑村", "太极村", "前卫村", xiyu.name]
    order = iter(range(1, 999))
    statuses = ["none", "resident", "employee_flexible", "receiving"]
    for n in range(24):
        home = household(db, villages[n % 4], address=f"{villages[n % 4]}{n + 10}号")
        if chance.random() < 0.7:
            assign(db, home, chance.choice(["mei", "ming", "otto"]))
        for _ in range(chance.randint(1, 4)):
            born = date(1950, 1, 1) + timedelta(days=chance.randrange(365 * 64))
            person(
                db,
                home,
                name="某人",
                id_number=id_number(born=f"{born:%Y%m%d}", order=next(order)),
                insurance_status=chance.choice(statuses),
                is_cadre=chance.random() < 0.1,
                is_student=chance.random() < 0.05,
            )
    for home in db.exec(select(Household)).all():
        for _ in range(chance.randint(0, 3)):
            random_visit(db, home, chance, NOW - timedelta(days=chance.randint(0, 360)))


def random_visit(db, home: Household, chance: random.Random, moment: datetime) -> None:
    people = list(db.exec(select(Person).where(Person.household_id == home.id)))
    if not people or chance.random() < 0.2:
        factories.visit(
            db,
            home,
            [],
            occurred_at=moment.isoformat(),
            reached="no",
            not_reached_reason="nobody_home",
        )
        return
    spoken = chance.sample(people, chance.randint(1, len(people)))
    steps = [
        StepForm(person_id=str(p.id), kind=kind)
        for p in spoken
        for kind in ("calculation", "leaflet")
        if chance.random() < 0.6
    ]
    code = chance.choice(["join_flexible", "resume_paying", "refused", "insured_elsewhere"])
    fields = {"to_value": "80"} if code == "join_flexible" else {"reason": "再说"}
    factories.visit(
        db,
        home,
        spoken,
        occurred_at=moment.isoformat(),
        steps=steps,
        outcomes=[outcome(spoken[0], code, **fields)],
        client_uuid=str(uuid.UUID(int=chance.getrandbits(128))),
    )


def assert_agree(db, today: date) -> None:
    names = ["瓦窑村", "北城街道", "玉兴街道", "红塔区", "江川区", "玉溪市"]
    periods = [Period.year(2026), Period.year(2025), Period.month(2026, 3)]
    for name in names:
        unit = region_named(db, name)
        for period in periods:
            summary = work_metrics.region_work(db, unit, period, today)
            assert summary == live(db, unit, period, today), (name, period)
        now = work_metrics.region_work(db, unit, YEAR, today)
        assert (now.eligible_people, now.three_ones_complete) == sql_three_ones(db, unit, today)
    city = region_named(db, "玉溪市")
    for unit, work in work_metrics.children_work(db, city, YEAR, today):
        assert work == live(db, unit, YEAR, today), unit.name
    for month, work in work_metrics.monthly_trend(db, city, 2026, today):
        assert work == live(db, city, Period.month(2026, month.month), today), month


def test_the_summaries_equal_a_live_count_as_things_change(db, city, frozen):
    chance = random.Random(9)
    random_city(db, chance)
    # PostgreSQL may commit ids out of order: a refresh takes rows as read once they are older
    # than SETTLE, so the clock moves past it before each refresh that should read everything.
    frozen.now += work_metrics.SETTLE
    assert_agree(db, clock.today())
    lee = user_named(db, "lee")
    homes = db.exec(select(Household)).all()
    for _round in range(2):
        frozen.now += timedelta(days=17)
        for home in chance.sample(homes, 5):
            random_visit(db, home, chance, frozen.now - timedelta(hours=2))
        for change in db.exec(
            select(EnrolmentChange).where(EnrolmentChange.status == ChangeStatus.reported)
        ).all()[:4]:
            enrolment.confirm(db, change, by=lee)
        someone = chance.choice(db.exec(select(Person)).all())
        form = households.form_for(db, someone).model_copy(
            update={"insurance_status": chance.choice(["receiving", "none", "resident"])}
        )
        households.update_person(db, someone, form, someone.version, by=user_named(db, "alice"))
        households.mark_verified(db, chance.choice(homes), by=lee)
        # A lead hands on households of their own region (others are refused, 404).
        theirs = db.exec(select(Household).where(scope.visible_households(db, lee))).all()
        moved = [home.id for home in chance.sample(theirs, 3)]
        assignments.assign(db, moved, factories.user_id(db, "ming"), by=lee)
        frozen.now += work_metrics.SETTLE
        assert 0 < work_metrics.refresh(db, clock.today()) < len(homes)  # only what changed
        assert_agree(db, clock.today())
    rebuilt = region_named(db, "玉溪市")
    before = work_metrics.region_work(db, rebuilt, YEAR, clock.today())
    work_metrics.refresh(db, clock.today(), rebuild=True)
    assert work_metrics.region_work(db, rebuilt, YEAR, clock.today()) == before
