"""Demo data for trying Vanguard: a few townships and villages, two teams, one account per role
and a few hundred synthetic households. Loaded by ``make run`` into an empty database only;
never part of a real deployment. Benchmarks ask for city scale (700 000 households)."""

import random
import uuid
from collections.abc import Mapping
from datetime import date, timedelta

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from app.core import clock
from app.core.db import bulk_insert
from app.domain.codes import InsuranceStatus, RegionLevel, Role, VisitSource
from app.domain.identifiers import parse_id_number
from app.domain.metrics import Period
from app.domain.registry import PersonValues
from app.domain.visits import OutcomeForm, StepForm, VisitForm
from app.models import Household, Person, PersonKeyGroup, PersonSubsidy, Region, Team, User
from app.services import reports
from app.services.accounts import NewUser, create_user
from app.services.households import person_columns
from app.services.leaflets import published
from app.services.visits import record_visit
from app.synthetic import Generator, SyntheticHousehold

DEMO_PASSWORD = "vanguard-demo"
DEMO_HOUSEHOLDS = 300

# county code → townships (name, demonstration site?, villages). Real county names; the
# townships and villages are a small sample, enough to try every page.
DEMO_REGIONS = {
    "530402": [
        ("北城街道", True, ["北苑社区", "东苑社区", "瓦窑村"]),
        ("玉兴街道", False, ["玉兴社区", "太极村"]),
        ("凤凰街道", False, ["凤凰社区", "龙马村"]),
    ],
    "530403": [
        ("大街街道", True, ["东门社区", "南门社区"]),
        ("前卫镇", False, ["前卫村"]),
    ],
}

DEMO_TEAMS = [
    ("北城街道先锋一队", "北城街道"),
    ("北城街道先锋二队", "北城街道"),
    ("红塔区督导组", "红塔区"),
]

# username, display name, role, region name, team names
DEMO_USERS = [
    ("admin", "市社保局 管理员", Role.admin, "玉溪市", ()),
    ("lead1", "李建华", Role.lead, "北城街道", ("北城街道先锋一队", "北城街道先锋二队")),
    ("lead2", "杨志明", Role.lead, "红塔区", ("红塔区督导组",)),
    ("member1", "张丽", Role.member, "北城街道", ("北城街道先锋一队",)),
    ("member2", "王强", Role.member, "北城街道", ("北城街道先锋一队",)),
    ("cadre1", "赵国平", Role.cadre, "瓦窑村", ()),
    ("cadre2", "钱秀英", Role.cadre, "瓦窑村", ()),
]
# The demo cadres' own insurance: cadre1 already leads by example in the employee pension,
# cadre2 pays the resident pension's lowest tier and has an upgrade to report.
DEMO_CADRE_INSURANCE = {
    "cadre1": {"insurance_status": InsuranceStatus.employee_flexible, "resident_tier": None},
    "cadre2": {"insurance_status": InsuranceStatus.resident, "resident_tier": 200},
}
# The demo members work their township's villages: this share of the households there is theirs
# to try; the rest, and every other township's, stay unassigned.
ASSIGNED_SHARE = 0.3
BATCH = 2000


def is_empty(session: Session) -> bool:
    return session.exec(select(User.id)).first() is None


def load_demo(session: Session, households: int = DEMO_HOUSEHOLDS, seed: int = 2026) -> None:
    regions = _load_regions(session)
    teams = {}
    for name, township in DEMO_TEAMS:
        team = Team(name=name, region_id=regions[township].id)
        session.add(team)
        session.flush()
        teams[name] = team
    users = {}
    for username, display_name, role, region_name, team_names in DEMO_USERS:
        form = NewUser(
            username=username,
            display_name=display_name,
            role=role,
            region_id=regions[region_name].id,
            team_ids=tuple(teams[name].id for name in team_names),
            password=DEMO_PASSWORD,
        )
        users[username] = create_user(session, form, by=None)
    villages = [r for r in regions.values() if r.level == RegionLevel.village]
    members = [users["member1"].id, users["member2"].id]
    township = regions["北城街道"].id
    worked = {v.id: members for v in villages if v.parent_id == township}
    generate_households(session, villages, households, seed, worked)
    for username, insurance in DEMO_CADRE_INSURANCE.items():
        _link_cadre(session, users[username], regions["瓦窑村"], insurance)
    record_demo_visits(session, users["member1"], random.Random(seed))
    today = clock.today()
    this_month = Period.month(today.year, today.month)
    reports.issue(session, users["lead2"], regions["红塔区"], this_month, publish=True)


def record_demo_visits(session: Session, member: User, chance: random.Random) -> None:
    """Half of the member's households were visited over the last three weeks, through the
    same service the visit form uses, so the worklist and team view show real progress."""
    homes = session.exec(
        select(Household).where(Household.assignee_id == member.id).order_by(Household.id)
    ).all()
    leaflets = published(session)
    for home in homes[: len(homes) // 2]:
        people = session.exec(select(Person.id).where(Person.household_id == home.id)).all()
        if people:
            form = _demo_visit(chance, people, leaflets)
            record_visit(session, home, form, by=member, source=VisitSource.form)


def _demo_visit(chance: random.Random, people: list[int], leaflets) -> VisitForm:
    when = clock.now() - timedelta(days=chance.randint(1, 21), hours=chance.randint(0, 6))
    base = {"client_uuid": str(uuid.UUID(int=chance.getrandbits(128))), "channel": "home_visit"}
    base["occurred_at"] = when.isoformat()
    if chance.random() < 0.25:
        return VisitForm(**base, reached="no", not_reached_reason="nobody_home")
    spoken = [str(p) for p in people[: chance.randint(1, len(people))]]
    steps = [StepForm(person_id=p, kind="calculation") for p in spoken if chance.random() < 0.7]
    if leaflets:
        leaflet = str(chance.choice(leaflets).leaflet_id)
        steps += [
            StepForm(person_id=p, leaflet_id=leaflet) for p in spoken if chance.random() < 0.6
        ]
    code = chance.choice(["undecided", "join_flexible", "insured_elsewhere", "refused"])
    figures = {"to_value": "60"} if code == "join_flexible" else {}
    outcome = OutcomeForm(person_id=spoken[0], code=code, reason="再考虑", **figures)
    follow_up = (when + timedelta(days=14)).date().isoformat() if code == "undecided" else ""
    return VisitForm(
        **base,
        reached="yes",
        person_ids=spoken,
        steps=steps,
        outcomes=[outcome],
        follow_up_on=follow_up,
    )


def generate_households(
    session: Session,
    villages: list[Region],
    count: int,
    seed: int,
    assignees: Mapping[int, list[int]] | None = None,
) -> None:
    """Insert ``count`` synthetic households spread over the villages, in batches; in the
    villages ``assignees`` names (village id → members), a share goes to those members."""
    today = clock.today()
    generator = Generator(seed, today)
    batch = []
    for serial in range(count):
        village = villages[serial % len(villages)]
        made = generator.household(village.name, village.name.endswith("社区"))
        assignee = None
        members = (assignees or {}).get(village.id)
        if members and generator.random.random() < ASSIGNED_SHARE:
            assignee = generator.random.choice(members)
        batch.append((village.id, assignee, made))
        if len(batch) == BATCH:
            _insert(session, batch, today)
            batch = []
    if batch:
        _insert(session, batch, today)
    session.commit()


def _insert(session: Session, batch: list[tuple[int, int | None, SyntheticHousehold]], today):
    """Plain multi-row inserts with ids allocated here: RETURNING over many rows is far slower,
    and the loader runs alone on a new database."""
    now = clock.now()
    household_id = _next_id(session, Household)
    person_id = _next_id(session, Person)
    households, people, groups, subsidies = [], [], [], []
    for village_id, assignee, made in batch:
        households.append({"id": household_id, **_household_row(village_id, assignee, made, now)})
        for member in made.people:
            people.append({"id": person_id, **_person_row(household_id, member, today, now)})
            groups += [{"person_id": person_id, "key_group": g} for g in member.key_groups]
            subsidies += [{"person_id": person_id, "category": c} for c in member.subsidies]
            person_id += 1
        household_id += 1
    for table, rows in (
        (Household, households),
        (Person, people),
        (PersonKeyGroup, groups),
        (PersonSubsidy, subsidies),
    ):
        bulk_insert(session, table, rows)
    _advance_sequences(session)


def _next_id(session: Session, table) -> int:
    return (session.exec(select(func.max(table.id))).one() or 0) + 1


def _advance_sequences(session: Session) -> None:
    """PostgreSQL's id sequences must move past ids chosen by hand."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("household", "person"):
        sequence = f"pg_get_serial_sequence('{table}', 'id')"
        session.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))"))


def _household_row(village_id, assignee, made: SyntheticHousehold, now) -> dict:
    verified = None if made.verified_days_ago is None else now - timedelta(made.verified_days_ago)
    return {
        "kind": made.kind,
        "household_key": made.household_key,
        "entity_name": made.entity_name,
        "credit_code": made.credit_code,
        "address": made.address,
        "village_id": village_id,
        "village_group": made.village_group,
        "grid": "",
        "phone": made.phone,
        "notes": "",
        "assignee_id": assignee,
        "version": 1,
        "verified_at": verified,
        "created_at": now,
        "updated_at": now,
    }


def _person_row(household_id: int, person, today: date, now) -> dict:
    values = PersonValues(
        name=person.name,
        id_number=parse_id_number(person.id_number, today),
        phone=person.phone,
        relation=person.relation,
        key_groups=frozenset(person.key_groups),
        insurance_status=person.insurance_status,
        resident_tier=person.resident_tier,
        years_paid=person.years_paid,
        stopped_since=person.stopped_since,
        subsidy_categories=frozenset(person.subsidies),
        occupation=person.occupation,
        is_cadre=person.is_cadre,
        is_student=person.is_student,
    )
    return {
        **person_columns(values),
        "household_id": household_id,
        "version": 1,
        "verified_at": None,
        "created_at": now,
        "updated_at": now,
    }


def _link_cadre(
    session: Session, account: User, village: Region, insurance: Mapping[str, object]
) -> None:
    """The demo cadre's account points at a working-age person of their village, not yet
    anyone's own record, made a cadre with the given insurance."""
    linked = select(User.person_id).where(col(User.person_id).is_not(None))
    query = (
        select(Person)
        .join(Household, col(Household.id) == Person.household_id)
        .where(Household.village_id == village.id)
        .where(col(Person.birth_date).between(date(1970, 1, 1), date(1990, 1, 1)))
        .where(col(Person.id).not_in(linked))
        .order_by(Person.id)
    )
    person = session.exec(query).first()
    if person is None:
        return
    person.is_cadre, person.name, person.stopped_since = True, account.display_name, None
    for name, value in insurance.items():
        setattr(person, name, value)
    account.person_id = person.id
    session.add_all([person, account])
    session.commit()


def _load_regions(session: Session) -> dict[str, Region]:
    by_name = {r.name: r for r in session.exec(select(Region))}
    by_code = {r.code: r for r in by_name.values() if r.code}
    for county_code, townships in DEMO_REGIONS.items():
        for order, (township_name, demonstration, villages) in enumerate(townships):
            township = _add(
                session, township_name, RegionLevel.township, by_code[county_code], order
            )
            township.is_demonstration = demonstration
            by_name[township_name] = township
            for village_order, village_name in enumerate(villages):
                by_name[village_name] = _add(
                    session, village_name, RegionLevel.village, township, village_order
                )
    return by_name


def _add(session: Session, name: str, level: RegionLevel, parent: Region, order: int) -> Region:
    region = Region(name=name, level=level, parent_id=parent.id, sort_order=order)
    session.add(region)
    session.flush()
    return region
