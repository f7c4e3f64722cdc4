"""The teams' work figures (definitions: app.domain.metrics.work_metrics) for a region, a team
or a member, and the summaries that keep a region's fast.

A member's or a team's figures are counted live from the registry and the visits: a few
thousand households at most, read through indexes. A city has ~0.7 M households, 2.3 M people
and a million visits a year, too many to read per request, so a region's figures come from
summary tables (app.models.work_summary): each household's figures as last counted, and their
sums per village, which a request adds up over the region's villages (a thousand at most).
Both go through the same pure counting (app.domain.metrics.household_tallies), so a region's
summary and a live count of its households agree figure for figure.

``refresh`` keeps the summaries current without hooks in the write paths: it recounts only
the households something happened to since it last ran, found from
- new rows of the event tables (visits and the people spoken to, steps, outcomes, follow-ups,
  assignments, enrolment changes) and new households and people, by id;
- households and people edited, and enrolment changes decided, since a moment a little before
  the last refresh (``updated_at``, a household's ``verified_at``, ``decided_at``), so a write
  still committing then is not missed; of the households edited, those whose versions (raised
  by every edit, app.models.household) are the ones already counted are skipped;
- people linked to or unlinked from cadre accounts, by comparing with a snapshot;
- as days pass, people turning 16 or reaching retirement, follow-ups falling overdue and
  records going stale between the last refresh's day and today.
Recounting a household takes its old figures out of its village's sums and puts the new ones
in, so reading a row twice is harmless; only missing one would be wrong. The refresh runs at
the start of every request for a region's figures (a few index lookups when nothing changed)
and nightly from the command line (``python -m app.cli refresh-metrics``), so the first
request of a day does not pay for the day's crossings. Refreshes run one at a time: each
first locks the watermark row (SQLite has one writer anyway). A first refresh, or one with
``rebuild``, counts every household (minutes at city scale: run it from the command line)."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    case,
    delete,
    event,
    func,
    insert,
    literal,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from app.core import clock
from app.domain.codes import ChangeStatus, InsuranceStatus, RegionLevel, Role, StepKind
from app.domain.metrics import (
    MONTH_KEYS,
    NOW_KEYS,
    SPAN_KEYS,
    HouseholdWork,
    Period,
    PersonWork,
    Standing,
    Tallies,
    WorkMetrics,
    household_tallies,
    monthly_work,
    months_to_date,
    work_metrics,
)
from app.domain.paging import batches
from app.domain.people import born_on_or_before, stale_since
from app.models import (
    Assignment,
    EnrolmentChange,
    FollowUp,
    Household,
    Outcome,
    Person,
    Region,
    Team,
    TeamMembership,
    User,
    Visit,
    VisitPerson,
    VisitStep,
    work_cadre_account,
    work_household,
    work_refresh,
    work_village,
    work_village_month,
    work_village_span,
)
from app.models.work_summary import WATERMARKS
from app.services import regions
from app.services.accounts import cadre_accounts
from app.services.enrolment import UnitCadres, region_cadres
from app.services.statistics import standings_for
from app.services.visits import contact_facts

CHUNK = 1000  # households per query: the database limits how many values one query binds
# How long a write may take to commit: a refresh reads edits again from this long before the
# last one. Ids: PostgreSQL may commit them out of order, so a refresh's id watermark stays
# below rows younger than this; SQLite allocates ids under its one writer's lock, in order.
SETTLE = timedelta(seconds=30)
ID_SETTLE = {"postgresql": SETTLE}


# --- a region's figures, from the summaries ------------------------------------------------------


def region_work(session: Session, region: Region, period: Period, today: date) -> WorkMetrics:
    """The region's figures (every household in its villages), the summaries brought up to
    date first: each of these functions refreshes, so callers never read stale sums."""
    _up_to_date(session, today)
    tallies = _summed(session, _villages_of(session, [region]), period, today)
    return work_metrics(tallies[region.id], period)


def children_work(
    session: Session, region: Region, period: Period, today: date
) -> list[tuple[Region, WorkMetrics]]:
    """The units directly below the region in display order (a village has none)."""
    _up_to_date(session, today)
    below = regions.children(session, region.id)
    tallies = _summed(session, _villages_of(session, below), period, today)
    return [(child, work_metrics(tallies[child.id], period)) for child in below]


def monthly_trend(
    session: Session, region: Region, year: int, today: date
) -> list[tuple[date, WorkMetrics]]:
    """Each month of the year up to the current one (app.domain.metrics.monthly_work)."""
    _up_to_date(session, today)
    months = months_to_date(year, today)
    if not months:
        return []
    villages = _villages_of(session, [region])
    tallies = _summed(session, villages, Period.year(year), today, through=months[-1])
    return monthly_work(tallies[region.id], year)


@dataclass(frozen=True)
class UnitMetrics:
    """A unit's year: where it stands against its targets (official figures) and the teams'
    work."""

    region: Region
    year: int
    standings: list[Standing]
    work: WorkMetrics
    cadres: UnitCadres
    children: list["UnitMetrics"] = field(default_factory=list)


def year_metrics(session: Session, region: Region, year: int, today: date) -> UnitMetrics:
    """The region's year, with the same for each unit directly below it (api.md, Metrics)."""
    period = Period.year(year)
    work = region_work(session, region, period, today)
    children = [
        UnitMetrics(
            child,
            year,
            standings_for(session, child, year),
            child_work,
            region_cadres(session, child.id),
        )
        for child, child_work in children_work(session, region, period, today)
    ]
    standings = standings_for(session, region, year)
    cadres = region_cadres(session, region.id)
    return UnitMetrics(region, year, standings, work, cadres, children)


def _villages_of(session: Session, units: list[Region]) -> dict[int, list[int]]:
    """The villages in each unit (households belong to villages), the tree read once."""
    rows = session.exec(select(Region.id, Region.parent_id, Region.level)).all()
    below: dict[int | None, list[int]] = defaultdict(list)
    for region_id, parent_id, _level in rows:
        below[parent_id].append(region_id)
    villages = {region_id for region_id, _parent, level in rows if level == RegionLevel.village}
    found = {}
    for unit in units:
        inside, frontier = [], [unit.id]
        while frontier:
            region_id = frontier.pop()
            inside.append(region_id)
            frontier.extend(below[region_id])
        found[unit.id] = [region_id for region_id in inside if region_id in villages]
    return found


def _summed(
    session: Session,
    units: dict[int, list[int]],
    period: Period,
    today: date,
    through: date | None = None,
) -> dict[int, Tallies]:
    """Each unit's sums of its villages' summaries: today's state, the period's months, and
    the changes in who counts for the three ones up to the period's end (or ``through``)."""
    tallies = {unit: Tallies(today) for unit in units}
    if not any(units.values()):
        return tallies
    for row in session.execute(_sums(work_village, units, NOW_KEYS)):
        tallies[row.unit].now.update(_counts(row, NOW_KEYS))
    last = through or period.end
    months = _sums(work_village_month, units, MONTH_KEYS, by_month=True)
    months = months.where(work_village_month.c.month.between(period.start, last))
    for row in session.execute(months):
        tallies[row.unit].months[row.month] = _counts(row, MONTH_KEYS)
    if through is not None or period.end < today:  # else the three ones are today's
        spans = _sums(work_village_span, units, SPAN_KEYS, by_month=True)
        for row in session.execute(spans.where(work_village_span.c.month <= last)):
            tallies[row.unit].spans[row.month] = _counts(row, SPAN_KEYS)
    return tallies


def _sums(
    table: Table, units: dict[int, list[int]], keys: tuple[str, ...], by_month: bool = False
) -> Select:
    """The table's counters summed per unit (and month) over the units' villages."""
    village = table.c.village_id
    villages = [village_id for inside in units.values() for village_id in inside]
    if len(units) == 1:
        unit = literal(next(iter(units))).label("unit")
    else:
        unit = case(*((village.in_(inside), key) for key, inside in units.items())).label("unit")
    by = [unit, table.c.month] if by_month else [unit]
    sums = (func.sum(table.c[key]).label(key) for key in keys)
    return select(*by, *sums).where(village.in_(villages)).group_by(*by)


def _counts(row, keys: tuple[str, ...]) -> Counter[str]:
    values = row._mapping
    return Counter({key: values[key] for key in keys if values[key]})


# --- a team's or a member's figures, counted live ------------------------------------------------


def team_households(team: Team) -> ColumnElement[bool]:
    """A condition on Household rows: those assigned to the team's members."""
    members = (
        select(TeamMembership.user_id)
        .join(User, col(User.id) == TeamMembership.user_id)
        .where(TeamMembership.team_id == team.id, User.role == Role.member)
    )
    return col(Household.assignee_id).in_(members)


def team_work(session: Session, team: Team, period: Period, today: date) -> WorkMetrics:
    """The households assigned to the team's members."""
    return live_work(session, team_households(team), period, today)


def member_work(session: Session, member: User, period: Period, today: date) -> WorkMetrics:
    """The households assigned to the member."""
    return live_work(session, col(Household.assignee_id) == member.id, period, today)


def live_work(
    session: Session, households: ColumnElement[bool], period: Period, today: date
) -> WorkMetrics:
    """The figures of the households meeting the condition, counted from the registry and the
    visits themselves (what the summaries are checked against)."""
    ids = list(session.exec(select(Household.id).where(households).order_by(Household.id)))
    total = Tallies(today)
    cadres = cadre_accounts(session)
    for chunk in _chunks(ids):
        for counted in _facts(session, chunk, cadres).values():
            total.add(household_tallies(counted.household, today))
    return work_metrics(total, period)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    yield from batches(sorted(ids), CHUNK)


STEP_DAYS = {StepKind.calculation: "calculations", StepKind.leaflet: "leaflets"}


@dataclass(frozen=True)
class _Counted:
    """A household as the figures read it: its village, the versions of its record and its
    people's (summed) at the time, and its facts."""

    village: int
    versions: tuple[int, int]
    household: HouseholdWork


def _facts(session: Session, household_ids: list[int], cadres: set[int]) -> dict[int, _Counted]:
    people_of = select(Person.id).where(col(Person.household_id).in_(household_ids))
    happened = _events(session, people_of)
    people: dict[int, list[PersonWork]] = defaultdict(list)
    versions: Counter[int] = Counter()
    query = select(
        Person.id,
        Person.household_id,
        Person.version,
        Person.birth_date,
        Person.retires_on,
        Person.insurance_status,
        Person.is_student,
        Person.is_cadre,
    ).where(col(Person.household_id).in_(household_ids))
    for person_id, home_id, version, born, retires_on, status, student, cadre in session.exec(
        query
    ):
        versions[home_id] += version
        events = happened.get(person_id, {})
        people[home_id].append(
            PersonWork(
                birth_date=born,
                insurance_status=InsuranceStatus(status),
                retires_on=retires_on,
                is_student=student,
                is_cadre=cadre or person_id in cadres,
                **{name: tuple(days) for name, days in events.items()},
            )
        )
    following = contact_facts(session, household_ids)
    homes = select(
        Household.id,
        Household.village_id,
        Household.version,
        Household.assignee_id,
        Household.verified_at,
    ).where(col(Household.id).in_(household_ids))
    found = {}
    for home_id, village_id, version, assignee_id, verified_at in session.exec(homes):
        facts = following.get(home_id)
        household = HouseholdWork(
            assigned=assignee_id is not None,
            follow_up_on=facts.follow_up_on if facts else None,
            verified_on=_day(verified_at) if verified_at else None,
            people=tuple(people[home_id]),
        )
        found[home_id] = _Counted(village_id, (version, versions[home_id]), household)
    return found


def _events(session: Session, people_of: Select) -> dict[int, dict[str, list]]:
    """Per person: the days of their contacts, steps, outcomes (oldest first, as
    services.visits.latest_outcomes orders them) and confirmed changes (the day decided)."""
    found: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    contacts = (
        select(VisitPerson.person_id, Visit.occurred_at)
        .join(Visit, col(Visit.id) == VisitPerson.visit_id)
        .where(col(Visit.reached).is_(True), col(VisitPerson.person_id).in_(people_of))
    )
    for person_id, at in session.exec(contacts):
        found[person_id]["contacts"].append(_day(at))
    steps = (
        select(VisitStep.person_id, VisitStep.kind, Visit.occurred_at)
        .join(Visit, col(Visit.id) == VisitStep.visit_id)
        .where(col(VisitStep.person_id).in_(people_of))
    )
    for person_id, kind, at in session.exec(steps):
        found[person_id][STEP_DAYS[kind]].append(_day(at))
    outcomes = (
        select(Outcome.person_id, Visit.occurred_at, Outcome.code)
        .join(Visit, col(Visit.id) == Outcome.visit_id)
        .where(col(Outcome.person_id).in_(people_of))
        .order_by(col(Visit.occurred_at), col(Outcome.id))
    )
    for person_id, at, code in session.exec(outcomes):
        found[person_id]["outcomes"].append((_day(at), code))
    changes = select(EnrolmentChange.person_id, EnrolmentChange.decided_at, EnrolmentChange.kind)
    changes = changes.where(
        EnrolmentChange.status == ChangeStatus.confirmed,
        col(EnrolmentChange.person_id).in_(people_of),
    )
    for person_id, at, kind in session.exec(changes):
        found[person_id]["changes"].append((_day(at), kind))
    return found


def _day(moment: datetime) -> date:
    return clock.local(moment).date()


# --- keeping the summaries current ---------------------------------------------------------------


_REFRESHED = "work_summaries_as_of"


def _up_to_date(session: Session, today: date) -> None:
    """Refresh once per database session (a request) until it commits something new: a
    dashboard reads several figures, and on PostgreSQL every refresh reads the last
    ID_SETTLE's rows again."""
    if session.info.get(_REFRESHED) != today:
        refresh(session, today)
        session.info[_REFRESHED] = today


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_REFRESHED, None)


def refresh(session: Session, today: date | None = None, *, rebuild: bool = False) -> int:
    """Bring the summaries up to date as of ``today`` (business time) and commit; returns
    how many households were recounted (0: nothing had changed, nothing was written)."""
    today = today or clock.today()
    if not rebuild and not _changes(session, _mark(session), today).any:
        return 0
    _lock(session)
    mark = _mark(session)  # again: another refresh may have finished while this one waited
    if rebuild or mark.day is None:
        recounted = _rebuild(session, today)
    else:
        recounted = _catch_up(session, mark, today)
    session.commit()
    return recounted


@dataclass(frozen=True)
class _Mark:
    """The work_refresh row: the day the sums are as of, and how far each source was read."""

    day: date | None = None
    changed_since: datetime | None = None
    ids: dict[str, int] = field(default_factory=lambda: dict.fromkeys(WATERMARKS, 0))


def _mark(session: Session) -> _Mark:
    row = session.execute(select(work_refresh).where(work_refresh.c.id == 1)).first()
    if row is None:
        return _Mark()
    values = row._mapping
    ids = {name: values[name] for name in WATERMARKS}
    return _Mark(values["day"], values["changed_since"], ids)


def _lock(session: Session) -> None:
    """Take the watermark row (creating it the first time): a second refresh waits here."""
    first = _insert(session, work_refresh).values(id=1, **dict.fromkeys(WATERMARKS, 0))
    session.execute(first.on_conflict_do_nothing())
    lock = update(work_refresh).where(work_refresh.c.id == 1)
    session.execute(lock.values(refreshed_at=clock.now()))


@dataclass(frozen=True)
class _Changes:
    """What happened since the mark: the households to recount, how far each source has now
    been read, and who is linked to a cadre account now."""

    households: set[int]
    ids: dict[str, int]
    cadres: set[int]
    any: bool


def _changes(session: Session, mark: _Mark, today: date) -> _Changes:
    if mark.day is None:  # never counted
        return _Changes(set(), mark.ids, set(), True)
    households: set[int] = set()
    ids = {}
    settled = clock.now() - ID_SETTLE.get(_dialect(session), timedelta(0))
    for name, source in _id_sources().items():
        rows = session.exec(source.where(source.selected_columns[0] > mark.ids[name])).all()
        households.update(home_id for _id, _at, home_id in rows)
        ids[name] = max((row_id for row_id, at, _ in rows if at <= settled), default=mark.ids[name])
    spoken_to = select(Person.household_id).join(
        VisitPerson, col(VisitPerson.person_id) == Person.id
    )
    households.update(session.exec(spoken_to.where(VisitPerson.visit_id > mark.ids["visit"])))
    decided = select(Person.household_id).join(
        EnrolmentChange, col(EnrolmentChange.person_id) == Person.id
    )
    households.update(session.exec(decided.where(EnrolmentChange.decided_at > mark.changed_since)))
    edited: set[int] = set()
    for query in _edited(mark.changed_since):
        edited.update(session.exec(query))
    households |= _not_counted(session, edited - households)
    cadres = cadre_accounts(session)
    linked = set(session.exec(select(work_cadre_account.c.person_id)))
    of_people = select(Person.household_id)
    for chunk in _chunks(cadres ^ linked):
        households.update(session.exec(of_people.where(col(Person.id).in_(chunk))))
    if mark.day != today:
        for crossed in _crossings(mark.day, today):
            households.update(session.exec(crossed))
    return _Changes(households, ids, cadres, bool(households) or mark.day != today)


def _id_sources() -> dict[str, Select]:
    """Per event table: its rows as (id, when stamped, household)."""

    def by_person(model, stamped) -> Select:
        query = select(model.id, stamped, Person.household_id)
        return query.join(Person, col(Person.id) == model.person_id)

    return {
        "visit": select(Visit.id, Visit.recorded_at, Visit.household_id),
        "visit_step": by_person(VisitStep, VisitStep.recorded_at),
        "outcome": by_person(Outcome, Outcome.recorded_at),
        "follow_up": select(FollowUp.id, FollowUp.recorded_at, FollowUp.household_id),
        "assignment": select(Assignment.id, Assignment.at, Assignment.household_id),
        "enrolment_change": by_person(EnrolmentChange, EnrolmentChange.reported_at),
        "person": select(Person.id, Person.created_at, Person.household_id),
        "household": select(Household.id, Household.created_at, Household.id.label("home")),
    }


def _edited(since: datetime) -> list[Select]:
    return [
        select(Person.household_id).where(Person.updated_at > since),
        select(Household.id).where(Household.updated_at > since),
        select(Household.id).where(Household.verified_at > since),
    ]


def _not_counted(session: Session, household_ids: set[int]) -> set[int]:
    """Those of the households whose record or people changed since they were last counted:
    every edit raises a version (app.models.household: optimistic locking)."""
    found = set()
    for chunk in _chunks(household_ids):
        people = (
            select(Person.household_id, func.sum(Person.version))
            .where(col(Person.household_id).in_(chunk))
            .group_by(Person.household_id)
        )
        summed = dict(session.exec(people).all())
        now = {
            home_id: (version, summed.get(home_id, 0))
            for home_id, version in session.exec(
                select(Household.id, Household.version).where(col(Household.id).in_(chunk))
            )
        }
        counted = work_household.c
        stored = select(counted.household_id, counted.household_version, counted.people_version)
        then = {
            home_id: (version, people_version)
            for home_id, version, people_version in session.execute(
                stored.where(counted.household_id.in_(chunk))
            )
        }
        found.update(home_id for home_id, versions in now.items() if then.get(home_id) != versions)
    return found


def _crossings(day: date, today: date) -> list[Select]:
    """Households whose state differs between the two days without any write: someone turned
    16 or reached retirement (visits.eligible_condition), a follow-up day passed, a record's
    last check fell six months back."""
    early, late = sorted((day, today))
    turned_16 = col(Person.birth_date) > born_on_or_before(16, early)
    retired = col(Person.retires_on) > early
    follow_up, verified = work_household.c.follow_up_on, work_household.c.verified_on
    return [
        select(Person.household_id).where(
            turned_16, col(Person.birth_date) <= born_on_or_before(16, late)
        ),
        select(Person.household_id).where(retired, col(Person.retires_on) <= late),
        select(work_household.c.household_id).where(follow_up >= early, follow_up < late),
        select(work_household.c.household_id).where(
            verified >= stale_since(early), verified < stale_since(late)
        ),
    ]


def _catch_up(session: Session, mark: _Mark, today: date) -> int:
    now = clock.now()
    changes = _changes(session, mark, today)
    _recount(session, changes.households, today, changes.cadres, fresh=False)
    _save(session, changes, today, now)
    return len(changes.households)


def _rebuild(session: Session, today: date) -> int:
    """Count every household afresh. The watermarks are read first: whatever commits during
    the count is read again by the next refresh."""
    now = clock.now()
    for table in (
        work_household,
        work_village,
        work_village_month,
        work_village_span,
        work_cadre_account,
    ):
        session.execute(delete(table))
    ids = {name: _settled_id(session, source, now) for name, source in _id_sources().items()}
    changes = _Changes(set(), ids, cadre_accounts(session), True)
    households = session.exec(select(Household.id)).all()
    _recount(session, households, today, changes.cadres, fresh=True)
    _save(session, changes, today, now)
    return len(households)


def _settled_id(session: Session, source: Select, now: datetime) -> int:
    """The highest id a refresh may take as read: of a row stamped long enough ago."""
    row_id, stamped, _household = source.selected_columns
    query = select(func.max(row_id))
    settle = ID_SETTLE.get(_dialect(session))
    if settle is not None:
        query = query.where(stamped <= now - settle)
    return session.exec(query).one() or 0


def _save(session: Session, changes: _Changes, today: date, now: datetime) -> None:
    """The new marks, and the cadre accounts as counted."""
    person = work_cadre_account.c.person_id
    linked = set(session.exec(select(person)))
    for chunk in _chunks(linked - changes.cadres):
        session.execute(delete(work_cadre_account).where(person.in_(chunk)))
    added = [{"person_id": person_id} for person_id in changes.cadres - linked]
    if added:
        session.execute(insert(work_cadre_account), added)
    mark = update(work_refresh).where(work_refresh.c.id == 1)
    session.execute(mark.values(day=today, changed_since=now - SETTLE, **changes.ids))


def _recount(
    session: Session, household_ids: Iterable[int], today: date, cadres: set[int], fresh: bool
) -> None:
    """Count the households again, replace their stored figures, and move the difference
    into their villages' sums (``fresh``: nothing is stored yet)."""
    sums: dict[int, Tallies] = {}

    def add(village: int, tallies: Tallies, times: int) -> None:
        sums.setdefault(village, Tallies(today)).add(tallies, times)

    for chunk in _chunks(household_ids):
        before = {} if fresh else _stored(session, chunk, today)
        rows = []
        for home_id, counted in _facts(session, chunk, cadres).items():
            tallies = household_tallies(counted.household, today)
            add(counted.village, tallies, 1)
            rows.append(_stored_row(home_id, counted, tallies))
        for village, tallies in before.values():
            add(village, tallies, -1)
        _store(session, rows, fresh)
    _add_to_villages(session, sums)


def _stored(session: Session, household_ids: list[int], today: date) -> dict[int, tuple]:
    counted = work_household.c
    query = select(counted.household_id, counted.village_id, counted.tallies)
    return {
        home_id: (village, _decoded(tallies, today))
        for home_id, village, tallies in session.execute(
            query.where(counted.household_id.in_(household_ids))
        )
    }


def _stored_row(home_id: int, counted: _Counted, tallies: Tallies) -> dict:
    household_version, people_version = counted.versions
    return {
        "household_id": home_id,
        "village_id": counted.village,
        "household_version": household_version,
        "people_version": people_version,
        "follow_up_on": counted.household.follow_up_on,
        "verified_on": counted.household.verified_on,
        "tallies": _encoded(tallies),
    }


def _encoded(tallies: Tallies) -> dict:
    """Tallies as JSON, without the zeros."""

    def by_month(months: dict[date, Counter[str]]) -> dict:
        return {month.isoformat(): _nonzero(counts) for month, counts in months.items()}

    return {
        "now": _nonzero(tallies.now),
        "months": by_month(tallies.months),
        "spans": by_month(tallies.spans),
    }


def _nonzero(counts: Counter[str]) -> dict[str, int]:
    return {key: value for key, value in counts.items() if value}


def _decoded(stored: dict, day: date) -> Tallies:
    def by_month(months: dict) -> dict[date, Counter[str]]:
        return {date.fromisoformat(month): Counter(counts) for month, counts in months.items()}

    now = Counter(stored["now"])
    return Tallies(day, now, by_month(stored["months"]), by_month(stored["spans"]))


def _store(session: Session, rows: list[dict], fresh: bool) -> None:
    if not rows:
        return
    statement = _insert(session, work_household)
    if not fresh:
        replaced = {name: statement.excluded[name] for name in rows[0] if name != "household_id"}
        statement = statement.on_conflict_do_update(
            index_elements=[work_household.c.household_id], set_=replaced
        )
    session.execute(statement, rows)


def _add_to_villages(session: Session, sums: dict[int, Tallies]) -> None:
    """Add each village's difference to its sums, row by row (a missing row counts as 0)."""
    now, months, spans = [], [], []
    for village, tallies in sums.items():
        now += _rows({"village_id": village}, tallies.now, NOW_KEYS)
        for month, counts in tallies.months.items():
            months += _rows({"village_id": village, "month": month}, counts, MONTH_KEYS)
        for month, counts in tallies.spans.items():
            spans += _rows({"village_id": village, "month": month}, counts, SPAN_KEYS)
    for table, rows in (
        (work_village, now),
        (work_village_month, months),
        (work_village_span, spans),
    ):
        if rows:
            statement = _insert(session, table)
            added = {
                column.name: column + statement.excluded[column.name]
                for column in table.c
                if not column.primary_key
            }
            statement = statement.on_conflict_do_update(
                index_elements=list(table.primary_key.columns), set_=added
            )
            session.execute(statement, rows)


def _rows(key: dict, counts: Counter[str], names: tuple[str, ...]) -> list[dict]:
    if not any(counts.values()):
        return []
    return [{**key, **{name: counts[name] for name in names}}]


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _insert(session: Session, table: Table):
    """INSERT with ON CONFLICT, in the database's own dialect."""
    return (postgresql if _dialect(session) == "postgresql" else sqlite).insert(table)
