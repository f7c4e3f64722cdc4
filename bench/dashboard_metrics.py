"""Dashboard speed at city scale (issues 9 and 13): a region's dashboard — its work figures,
those of the units below it, the monthly trend and the official standings — must take ≤ 300 ms
of server time, measured for the city, a county and a township, on SQLite and on PostgreSQL;
and so must the refresh a request runs first after 100 new visits.

The city (~0.7 M households, ~2.3 M people, ~1 M visits with their steps, outcomes,
follow-ups and enrolment changes spread from January to today, 720 villages in 72 townships)
is built once into SQLite under the temporary directory and reused; each run measures a copy
of it, and a copy loaded into a throwaway PostgreSQL cluster (bench/postgres_copy.py).

    .venv/bin/python bench/dashboard_metrics.py [--households 700000] [--fresh]
        [--database sqlite|postgres|both] [--figures FILE]
"""

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.goals import Figure, arguments, report
from bench.postgres_copy import copy_city, throwaway_cluster

GOAL_MS = 300
CACHE = Path(tempfile.gettempdir()) / "vanguard-bench"
TOWNSHIPS_PER_COUNTY, VILLAGES_PER_TOWNSHIP, MEMBERS_PER_TEAM = 8, 10, 10
VISITS_PER_HOUSEHOLD = 1.45
ASSIGNED_SHARE = 0.6
PEOPLE_PER_HOUSEHOLD = {1: 5, 2: 20, 3: 30, 4: 30, 5: 15}  # 3.3 on average
OUTCOMES = {
    "undecided": 30,
    "refused": 15,
    "insured_elsewhere": 10,
    "not_eligible": 5,
    "join_resident": 12,
    "raise_tier": 10,
    "join_flexible": 8,
    "resume_paying": 5,
    "extend_paying": 2,
    "buy_back": 3,
}
CHANGES = {"join_resident", "raise_tier", "join_flexible", "resume_paying", "extend_paying"}
CHANGES.add("buy_back")
BATCH = 20_000


def main() -> None:
    parser = argparse.ArgumentParser(description="Dashboard speed at city scale.")
    parser.add_argument("--households", type=int, default=700_000)
    parser.add_argument("--fresh", action="store_true", help="build the city again")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    args = arguments(parser)
    city = built_city(args.households, args.fresh)
    figures = []
    if args.database in ("sqlite", "both"):
        figures += on_sqlite(city)
    if args.database in ("postgres", "both"):
        figures += on_postgres(city)
    report(figures, args.figures)


def built_city(households: int, fresh: bool) -> Path:
    """The city in SQLite, built now if it is not there yet; its build times are kept beside it."""
    CACHE.mkdir(exist_ok=True)
    built = CACHE / f"dashboard-{households}.db"
    notes = built.with_suffix(".json")
    if fresh or not built.exists() or not notes.exists():
        build(built, households)
        notes.write_text(json.dumps(BUILD_TIMES))
    else:
        BUILD_TIMES.update(json.loads(notes.read_text()))
        print(f"city from {built} (delete it or pass --fresh to build again)")
        _migrated(built)
    print("built in " + ", ".join(f"{name} {s:.0f} s" for name, s in BUILD_TIMES.items()))
    return built


def _migrated(city: Path) -> None:
    """A city built before the latest migrations gets them, as a deployment would."""
    from app.cli import migrate

    use_database(f"sqlite:///{city}")
    migrate(None)
    _audit_trail(city)
    _self_contained(city)


# As the app records them: a row per visit, and a sign-in per member on each day they worked.
TRAIL = """
INSERT INTO audit (at, user_id, username, action, target, detail, address)
SELECT v.recorded_at, u.id, u.username, 'visit_recorded', 'household:' || v.household_id,
       '{"visit": ' || v.id || '}', ''
FROM visit v JOIN user_account u ON u.id = v.recorded_by_id ORDER BY v.recorded_at;
INSERT INTO audit (at, user_id, username, action, target, detail, address)
SELECT min(v.recorded_at), u.id, u.username, 'login', '', '{}', '10.0.0.1'
FROM visit v JOIN user_account u ON u.id = v.recorded_by_id
GROUP BY u.id, substr(v.recorded_at, 1, 10) ORDER BY 1;
"""


def _audit_trail(city: Path) -> None:
    """The audit trail the city's visits leave (~1.2 M rows), so that pages reading the trail
    are measured at its size; added once, to a city built before it was part of one."""
    with closing(sqlite3.connect(city)) as connection:
        recorded = "SELECT count(*) FROM audit WHERE action = 'visit_recorded'"
        if not connection.execute(recorded).fetchone()[0]:
            connection.executescript(TRAIL)
            connection.commit()


def on_sqlite(city: Path) -> list[Figure]:
    """Measured on a copy: the measurements write visits and refresh the summaries."""
    city_copy(city, "dashboard-run.db")
    return measure("SQLite", f"built in {sum(BUILD_TIMES.values()):.0f} s")


def on_postgres(city: Path) -> list[Figure]:
    """Measured on the city copied into a PostgreSQL cluster of its own."""
    with city_in_postgres(city) as copied:
        built = sum(BUILD_TIMES.values())
        return measure("PostgreSQL", f"built in {built:.0f} s, copied in {copied:.0f} s")


def city_copy(city: Path, name: str) -> None:
    """The app uses a copy of the city (benchmarks write to it) in the cache folder."""
    working = CACHE / name
    remove_database(working)  # and its write-ahead log, which SQLite would replay into the copy
    shutil.copy(city, working)
    use_database(f"sqlite:///{working}")


@contextmanager
def city_in_postgres(city: Path) -> Iterator[float]:
    """The app uses the city copied into a throwaway PostgreSQL cluster inside the block, which
    is given the seconds the copy took."""
    from app.core.db import get_engine

    with throwaway_cluster() as url:
        use_database(url)
        try:
            print("copying the city into PostgreSQL …", flush=True)
            started = time.perf_counter()
            copy_city(city)
            copied = time.perf_counter() - started
            print(f"copied into PostgreSQL (migrate, COPY, VACUUM ANALYZE): {copied:.0f} s")
            yield copied
        finally:
            get_engine().dispose()  # its connections, before the cluster stops


def use_database(url: str) -> None:
    os.environ.update(
        VANGUARD_DATABASE_URL=url,
        VANGUARD_SECRET_KEY="bench",
        VANGUARD_ID_KEY="bench",
    )
    from app.core.config import get_settings
    from app.core.db import get_engine

    get_settings.cache_clear()
    get_engine.cache_clear()


# --- building the city ---------------------------------------------------------------------------

BUILD_TIMES: dict[str, float] = {}


def timed(name: str):
    class Timer:
        def __enter__(self):
            self.started = time.perf_counter()
            print(f"{name} …", flush=True)

        def __exit__(self, *_):
            BUILD_TIMES[name] = time.perf_counter() - self.started
            print(f"{name}: {BUILD_TIMES[name]:.0f} s", flush=True)

    return Timer()


def remove_database(database: Path) -> None:
    """The database with its write-ahead log: a log left behind would be read into the next
    database of that name."""
    for suffix in ("", "-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)


def build(path: Path, households: int) -> None:
    partial = path.with_suffix(".building")
    remove_database(path)
    remove_database(partial)
    use_database(f"sqlite:///{partial}")
    from sqlalchemy import event
    from sqlmodel import Session

    from app.cli import migrate
    from app.core.db import get_engine
    from app.demo import load_demo
    from app.services.work_metrics import refresh

    migrate(None)
    event.listen(get_engine(), "connect", _throwaway)
    chance = random.Random(9)
    with Session(get_engine()) as session:
        load_demo(session, households=0)
        villages, members = _regions_and_teams(session)
        with timed("households and people"):
            people = _households(session, households, villages, members, chance)
        with timed("visits"):
            _visits(session, people, chance)
        with timed("full refresh"):
            refresh(session, rebuild=True)
    get_engine().dispose()
    _audit_trail(partial)
    _self_contained(partial)
    partial.rename(path)


def _self_contained(database: Path) -> None:
    """One file without a write-ahead log beside it, to copy."""
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")


def _throwaway(connection, _record) -> None:
    """A database built to be thrown away: a large page cache, no waiting for the disk."""
    connection.execute("PRAGMA cache_size=-524288")
    connection.execute("PRAGMA synchronous=OFF")


def _regions_and_teams(session) -> tuple[list[int], dict[int, list[int]]]:
    """Townships and villages under each county, a team of members per township; returns the
    villages and, per village, the members who may hold its households."""
    from sqlmodel import select

    from app.core import clock
    from app.core.db import bulk_insert
    from app.models import Region, RegionLevel, Team, TeamMembership, User

    counties = session.exec(select(Region).where(Region.level == RegionLevel.county)).all()
    villages, members = [], {}
    user_id = 10_000
    for county in counties:
        for t in range(TOWNSHIPS_PER_COUNTY):
            township = Region(
                name=f"{county.name}第{t + 1}镇", level="township", parent_id=county.id
            )
            session.add(township)
            session.flush()
            team = Team(name=f"{township.name}先锋队", region_id=township.id)
            session.add(team)
            session.flush()
            crew = list(range(user_id, user_id + MEMBERS_PER_TEAM))
            user_id += MEMBERS_PER_TEAM
            users = [
                {
                    "id": member,
                    "username": f"m{member}",
                    "display_name": f"队员{member}",
                    "password_hash": "!",
                    "role": "member",
                    "region_id": township.id,
                    "locale": "zh_CN",
                    "is_active": True,
                    "created_at": clock.now(),
                }
                for member in crew
            ]
            bulk_insert(session, User, users)
            bulk_insert(session, TeamMembership, [{"team_id": team.id, "user_id": m} for m in crew])
            for v in range(VILLAGES_PER_TOWNSHIP):
                village = Region(name=f"{township.name}{v + 1}村", level="village")
                village.parent_id = township.id
                session.add(village)
                session.flush()
                villages.append(village.id)
                members[village.id] = crew
    session.commit()
    return villages, members


def _households(session, count: int, villages, members, chance) -> list[range]:
    """Plain rows through the driver (the registry's own checks and encryption are not what
    is measured here): each household's people as a range of person ids."""
    from app.domain.people import retirement_date

    now = datetime.now(UTC)
    today = now.date()
    people_of, person_id, homes, people = [], 1, [], []
    connection = session.connection()
    home_sql = (
        "INSERT INTO household (id, kind, address, village_id, village_group, grid, notes,"
        " assignee_id, version, verified_at, created_at, updated_at)"
        " VALUES (?, 'household', ?, ?, '', '', '', ?, 1, ?, ?, ?)"
    )
    person_sql = (
        "INSERT INTO person (id, household_id, name, id_number_encrypted, id_number_index,"
        " id_number_masked, id_number_flags, sex, birth_date, retires_on, relation,"
        " insurance_status, resident_tier, occupation, is_cadre, is_student, version,"
        " created_at, updated_at) VALUES (?, ?, '某某', 'bench', ?, '530402********0000', '',"
        " ?, ?, ?, 'other', ?, ?, '', ?, ?, 1, ?, ?)"
    )
    stamp = _text(now)
    sizes, weights = list(PEOPLE_PER_HOUSEHOLD), list(PEOPLE_PER_HOUSEHOLD.values())
    for home_id in range(1, count + 1):
        village = villages[home_id % len(villages)]
        assignee = chance.choice(members[village]) if chance.random() < ASSIGNED_SHARE else None
        verified = None if chance.random() < 0.2 else _text(now - timedelta(chance.uniform(0, 360)))
        homes.append((home_id, f"{home_id}号", village, assignee, verified, stamp, stamp))
        size = chance.choices(sizes, weights)[0]
        people_of.append(range(person_id, person_id + size))
        for _ in range(size):
            age = chance.randint(0, 88)
            born = today - timedelta(days=age * 365 + chance.randint(0, 364))
            sex = chance.choice("MF")
            status, tier, student = _insurance(age, chance)
            people.append(
                (
                    person_id,
                    home_id,
                    f"bench{person_id}",
                    sex,
                    born.isoformat(),
                    retirement_date(born, sex).isoformat(),
                    status,
                    tier,
                    chance.random() < 0.01,
                    student,
                    stamp,
                    stamp,
                )
            )
            person_id += 1
        if len(people) >= BATCH:
            _flush(connection, [(home_sql, homes), (person_sql, people)])
            homes, people = [], []
    _flush(connection, [(home_sql, homes), (person_sql, people)])
    session.commit()
    return people_of


def _insurance(age: int, chance) -> tuple[str, int | None, bool]:
    if age < 16:
        return "none", None, False
    if age <= 22 and chance.random() < 0.5:
        return "none", None, True
    if age >= 60:
        return ("receiving" if chance.random() < 0.85 else "none"), None, False
    status = chance.choices(
        ["none", "resident", "employee_enterprise", "employee_flexible", "stopped"],
        [12, 55, 15, 10, 8],
    )[0]
    return status, (200 if status == "resident" else None), False


def _visits(session, people_of: list[range], chance) -> None:
    """Visits spread from January to today, mostly by the household's member: reached or
    not, the people spoken to, their steps and outcome, a follow-up, and for an agreed
    change an enrolment change, most of them confirmed within days."""
    from sqlmodel import select

    from app.models import Household

    now = datetime.now(UTC)
    start = datetime(now.year, 1, 1, tzinfo=UTC)
    seconds = (now - start).total_seconds()
    holders = dict(session.exec(select(Household.id, Household.assignee_id)).all())
    fallback = next(h for h in holders.values() if h)
    rows: dict[str, list] = {name: [] for name in SQL}
    step_id = outcome_id = 1
    visits = int(len(people_of) * VISITS_PER_HOUSEHOLD)
    connection = session.connection()
    for visit_id in range(1, visits + 1):
        home_id = chance.randint(1, len(people_of))
        member = holders[home_id] or fallback
        occurred = start + timedelta(seconds=chance.uniform(0, seconds))
        recorded = _text(min(occurred + timedelta(hours=chance.uniform(0, 48)), now))
        reached = chance.random() < 0.75
        client_uuid = str(uuid.UUID(int=chance.getrandbits(128)))
        reason = None if reached else "nobody_home"
        rows["visit"].append(
            (visit_id, client_uuid, home_id, member, _text(occurred), recorded, reached, reason)
        )
        due = occurred.date() + timedelta(days=chance.choice([3, 14, 30, 180]))
        rows["follow_up"].append((home_id, visit_id, due.isoformat(), member, recorded))
        if not reached:
            continue
        household = people_of[home_id - 1]
        first = chance.randrange(len(household))
        spoken = list(household[first : first + chance.randint(1, 2)])
        for person in spoken:
            rows["visit_person"].append((visit_id, person))
            for kind, share in (("calculation", 0.6), ("leaflet", 0.55)):
                if chance.random() < share:
                    rows["visit_step"].append((step_id, visit_id, person, kind, member, recorded))
                    step_id += 1
        code = chance.choices(list(OUTCOMES), list(OUTCOMES.values()))[0]
        rows["outcome"].append((outcome_id, visit_id, spoken[0], code, "", member, recorded))
        if code in CHANGES:
            status = chance.choices(["confirmed", "reported", "rejected"], [60, 25, 15])[0]
            decided = min(occurred + timedelta(days=chance.uniform(0, 10)), now)
            decision = (member, _text(decided)) if status != "reported" else (None, None)
            effective = occurred.date().isoformat()
            rows["enrolment_change"].append(
                (spoken[0], outcome_id, code, effective, status, member, recorded, *decision)
            )
        outcome_id += 1
        if len(rows["visit"]) >= BATCH:
            _flush(connection, [(SQL[name], rows[name]) for name in SQL])
            rows = {name: [] for name in SQL}
    _flush(connection, [(SQL[name], rows[name]) for name in SQL])
    session.commit()


SQL = {
    "visit": "INSERT INTO visit (id, client_uuid, household_id, recorded_by_id, occurred_at,"
    " recorded_at, channel, reached, not_reached_reason, notes, source)"
    " VALUES (?, ?, ?, ?, ?, ?, 'home_visit', ?, ?, '', 'form')",
    "visit_person": "INSERT INTO visit_person (visit_id, person_id) VALUES (?, ?)",
    "visit_step": "INSERT INTO visit_step (id, visit_id, person_id, kind, recorded_by_id,"
    " recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
    "outcome": "INSERT INTO outcome (id, visit_id, person_id, code, reason, recorded_by_id,"
    " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    "follow_up": "INSERT INTO follow_up (household_id, visit_id, due_on, recorded_by_id,"
    " recorded_at) VALUES (?, ?, ?, ?, ?)",
    "enrolment_change": "INSERT INTO enrolment_change (person_id, outcome_id, kind,"
    " effective_on, status, reported_by_id, reported_at, decided_by_id, decided_at,"
    " decision_note, self_reported) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', 0)",
}


def _text(moment: datetime) -> str:
    """A moment as SQLAlchemy stores it in SQLite: UTC without an offset."""
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f}"


def _flush(connection, batches) -> None:
    cursor = connection.connection.dbapi_connection.cursor()
    for sql, rows in batches:
        if rows:
            cursor.executemany(sql, rows)


# --- measuring -----------------------------------------------------------------------------------


def measure(database: str, made: str) -> list[Figure]:
    """The goal's figures on the database the app points at (``made``: how it came to be)."""
    from sqlmodel import Session, func, select

    from app.core import clock
    from app.core.db import get_engine
    from app.domain.codes import Role
    from app.models import Household, Person, Region, RegionLevel, User, Visit
    from app.services import dashboard as board
    from app.services import work_metrics

    today = clock.today()
    with Session(get_engine()) as session:
        counts = [
            session.exec(select(func.count()).select_from(t)).one()
            for t in (Household, Person, Visit)
        ]
        villages = session.exec(
            select(func.count()).where(Region.level == RegionLevel.village)
        ).one()
        print(
            f"{database}: {counts[0]:,} households, {counts[1]:,} people, {counts[2]:,} visits, "
            f"{villages} villages",
            flush=True,
        )
        scale = f"{counts[0]:,}".replace(",", " ") + f" households, {made}"
        regions = {
            "city": session.exec(select(Region).where(Region.level == RegionLevel.city)).one(),
            "county": session.exec(select(Region).where(Region.name == "红塔区")).one(),
            "township": session.exec(select(Region).where(Region.name == "红塔区第1镇")).one(),
        }

        admin = session.exec(select(User).where(User.role == Role.admin)).first()

        def dashboard(region: Region) -> None:
            """The dashboard service as the page calls it, in a session of its own as each
            request has (the summaries are refreshed once per session)."""
            with Session(get_engine()) as request:
                board.dashboard(request, admin, region, today.year, today)

        figures = []
        work_metrics.refresh(session, today)  # the copy's first request of the day
        for name, region in regions.items():
            runs = [milliseconds(dashboard, region) for _ in range(6)][1:]
            figures.append(
                _figure(
                    f"dashboard {name} ({database})",
                    statistics.median(runs),
                    f"{scale}; worst of 5 {max(runs):.0f} ms",
                )
            )
        idle = milliseconds(work_metrics.refresh, session, today)
        print(f"refresh with nothing new: {idle:.0f} ms")
        new_visits(session, 100)
        started = time.perf_counter()
        recounted = work_metrics.refresh(session, today)
        refreshed = (time.perf_counter() - started) * 1000
        figures.append(
            _figure(
                f"refresh after 100 visits ({database})",
                refreshed,
                f"{scale}; {recounted} households recounted",
            )
        )
        after = milliseconds(dashboard, regions["city"])
        print(f"city dashboard after them: {after:.0f} ms{_settling(session)}")
        tomorrow = today + timedelta(days=1)
        started = time.perf_counter()
        recounted = work_metrics.refresh(session, tomorrow)
        print(
            f"refresh for the next day ({recounted} households turned 16 or retired, fell "
            f"overdue or stale): {time.perf_counter() - started:.1f} s — nightly, from "
            "`python -m app.cli refresh-metrics`, not in a request",
            flush=True,
        )
    return figures


def new_visits(session, count: int) -> None:
    """Visits as members record them: through the visit service, with steps and an outcome."""
    from sqlmodel import col, select

    from app.domain.codes import VisitSource
    from app.domain.visits import OutcomeForm, StepForm, VisitForm
    from app.models import Household, Person, User
    from app.services.visits import record_visit

    chance = random.Random(len(sys.argv))
    homes = session.exec(
        select(Household).where(col(Household.assignee_id).is_not(None)).limit(5000)
    ).all()
    for home in chance.sample(homes, count):
        member = session.get(User, home.assignee_id)
        person = session.exec(select(Person.id).where(Person.household_id == home.id)).first()
        form = VisitForm(
            client_uuid=str(uuid.uuid4()),
            channel="home_visit",
            reached="yes",
            person_ids=[str(person)],
            steps=[StepForm(person_id=str(person), kind="calculation")],
            outcomes=[OutcomeForm(person_id=str(person), code="refused", reason="再想想")],
        )
        record_visit(session, home, form, by=member, source=VisitSource.form)


def milliseconds(function, *args) -> float:
    """How long the call took."""
    started = time.perf_counter()
    function(*args)
    return (time.perf_counter() - started) * 1000


def _settling(session) -> str:
    """Why the dashboard right after the visits may be slower on PostgreSQL."""
    from app.services.work_metrics import ID_SETTLE

    settle = ID_SETTLE.get(session.get_bind().dialect.name)
    if settle is None:
        return ""
    return (
        f" (each refresh in it counts the visits again until they are {settle.seconds} s old:"
        " work_metrics.ID_SETTLE)"
    )


def _figure(goal: str, ms: float, detail: str) -> Figure:
    return Figure(goal, ms, "ms", GOAL_MS, at_least=False, detail=detail)


if __name__ == "__main__":
    main()
