"""Data-quality flags (数据质量提示) for the leads: worked out from the members' visits whenever
they are asked for (app.domain.quality), merged with the leads' stored reviews. Nothing is
penalised: a lead looks into a flag and marks it reviewed with a note."""

from collections import defaultdict
from dataclasses import dataclass, replace

from sqlalchemy import BigInteger, and_, case, cast, exists, extract, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.core import clock
from app.core.i18n import N_
from app.domain import quality
from app.domain.codes import Channel, FlagKind, Role, StepKind
from app.domain.metrics import Period
from app.domain.quality import MINUTES_APART, Flag, Tally, VisitFact
from app.domain.validation import Invalid, within
from app.models import (
    Household,
    Person,
    QualityReview,
    Team,
    User,
    Visit,
    VisitPerson,
    VisitStep,
)
from app.services import audit
from app.services.assignments import (
    TeamLine,
    assignable_members,
    members_of,
    opens_every_team,
    team_lines,
    teams_of_members,
)
from app.services.scope import visible_households

NOTE_LENGTH = 500  # QualityReview.note
ALREADY_REVIEWED = N_("This flag was already reviewed.")
QUICK_MICROSECONDS = MINUTES_APART * 60 * 1_000_000


@dataclass(frozen=True)
class Behind:
    """Someone a flag is about, in their household: spoken to on one of the visits it counts,
    or given the three ones it counts. ``person_id`` is None for a household where the visit
    reached nobody."""

    household_id: int
    address: str
    person_id: int | None = None
    name: str = ""


@dataclass(frozen=True)
class FlagRow:
    """One flag of one member in the period: raised now, reviewed, or both. A reviewed flag
    the visits no longer raise shows the evidence it was reviewed on. ``people``: who is behind
    it now, among the households the reader sees (named() fills it in)."""

    member_id: int
    flag: Flag
    review: QualityReview | None = None
    reviewer: str = ""  # who reviewed it
    people: tuple[Behind, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.review is None


@dataclass(frozen=True)
class MemberFlags:
    member: User
    flags: tuple[FlagRow, ...]

    @property
    def open_count(self) -> int:
        return sum(row.is_open for row in self.flags)


# --- whose flags ------------------------------------------------------------------------------


def reviewable_members(session: Session, user: User) -> list[User]:
    """Whose flags the user reviews: a lead the active members of the teams they lead, an
    admin every active member, anyone else no one."""
    if user.role == Role.lead:
        return assignable_members(session, user)
    if user.role != Role.admin:
        return []
    query = (
        select(User)
        .where(User.role == Role.member, col(User.is_active).is_(True))
        .order_by(User.display_name)
    )
    return list(session.exec(query))


@dataclass(frozen=True)
class FlagsShown:
    """What the quality page shows: the members' flags, all at once for a lead's few teams. A
    user who leads more (an admin's city: 720 members, a page of a megabyte) sees a line per team
    and opens one at a time, with the flags of members in no team below the lines."""

    groups: list[MemberFlags]
    lines: list[TeamLine] | None = None


def flags_shown(session: Session, user: User, period: Period, team: Team | None) -> FlagsShown:
    """The flags the user reviews in the period: of the team given (one they lead), else as
    FlagsShown says."""
    if team is not None:
        members = members_of(session, user, team)
        return FlagsShown(named(session, user, member_flags(session, members, period), period))
    members = reviewable_members(session, user)
    if opens_every_team(session, user):
        return FlagsShown(named(session, user, member_flags(session, members, period), period))
    lines = team_lines(session, user)
    in_a_team = teams_of_members(session, [line.team for line in lines])
    loose = [m for m in members if m.id not in in_a_team]
    return FlagsShown(named(session, user, member_flags(session, loose, period), period), lines)


def reviewable_member(session: Session, user: User, member_id: int | None) -> User | None:
    """A member whose flags the user reviews, else None (answered as absent)."""
    return next((m for m in reviewable_members(session, user) if m.id == member_id), None)


# --- the flags --------------------------------------------------------------------------------


def member_flags(session: Session, members: list[User], period: Period) -> list[MemberFlags]:
    """The members with at least one flag in the period (raised or reviewed), in the order
    given, each flag with its review if there is one."""
    ids = [member.id for member in members]
    raised = _raised(session, ids, period)
    reviews = _reviews(session, ids, period)
    found = []
    for member in members:
        rows = _rows(member.id, raised[member.id], reviews)
        if rows:
            found.append(MemberFlags(member, rows))
    return found


def member_flag(session: Session, member: User, kind: FlagKind, period: Period) -> FlagRow | None:
    """One flag of one member: raised now or reviewed, else None."""
    for found in member_flags(session, [member], period):
        for row in found.flags:
            if row.flag.kind == kind:
                return row
    return None


def named_flag(
    session: Session, user: User, member: User, kind: FlagKind, period: Period
) -> FlagRow | None:
    """member_flag with the people behind it that the user sees."""
    for found in named(session, user, member_flags(session, [member], period), period):
        for row in found.flags:
            if row.flag.kind == kind:
                return row
    return None


def open_flag_count(session: Session, user: User, period: Period) -> int:
    """Flags raised and not yet reviewed among the members the user reviews: "N to review"."""
    members = reviewable_members(session, user)
    return sum(found.open_count for found in member_flags(session, members, period))


def _rows(
    member_id: int,
    raised: list[Flag],
    reviews: dict[tuple[int, str], tuple[QualityReview, str]],
) -> tuple[FlagRow, ...]:
    now = {flag.kind: flag for flag in raised}
    rows = []
    for kind in FlagKind:
        review, reviewer = reviews.get((member_id, kind), (None, ""))
        flag = now.get(kind)
        if flag is None and review is not None:
            flag = Flag(kind, review.evidence["count"], review.evidence["of"])
        if flag is not None:
            rows.append(FlagRow(member_id, flag, review, reviewer))
    return tuple(rows)


def _raised(session: Session, member_ids: list[int], period: Period) -> dict[int, list[Flag]]:
    """The flags raised, counted in the database: a city's visits of a month never come into
    Python, only a few numbers per member and the positions of members who may have visited
    many households from one spot."""
    tallies = _tallies(session, member_ids, period)
    crowded = [
        member_id for member_id, tally in tallies.items() if quality.may_be_same_place(tally)
    ]
    located = _located_visits(session, crowded, period)
    return {
        member_id: quality.raised(tally, quality.visits_same_place(located[member_id]))
        for member_id, tally in tallies.items()
    }


def _tallies(session: Session, member_ids: list[int], period: Period) -> dict[int, Tally]:
    """Each member's counts, from three statements whatever the number of members."""
    counted = defaultdict(dict)
    for counts in (_visit_counts, _quick_gaps, _people_counts):
        for member_id, values in counts(session, member_ids, period).items():
            counted[member_id].update(values)
    return {member_id: Tally(**counted[member_id]) for member_id in member_ids}


def _in_period(member_ids: list[int], period: Period) -> tuple:
    """The members' visits (the visits they recorded) in the period."""
    start, end = clock.days(period.start, period.end)
    return (
        col(Visit.recorded_by_id).in_(member_ids),
        col(Visit.occurred_at) >= start,
        col(Visit.occurred_at) < end,
    )


def _located():
    """A home visit with a position: what the same-spot flag compares, so the count of them
    decides whether a member's positions are read at all."""
    return and_(
        Visit.channel == Channel.home_visit,
        col(Visit.latitude).is_not(None),
        col(Visit.longitude).is_not(None),
    )


def _visit_counts(
    session: Session, member_ids: list[int], period: Period
) -> dict[int, dict[str, int]]:
    """Each member's visits in the period, those that reached someone and the home visits
    with a location."""
    query = (
        select(
            Visit.recorded_by_id.label("member_id"),
            func.count().label("attempts"),
            func.sum(_one(col(Visit.reached).is_(True))).label("reached"),
            func.sum(_one(_located())).label("located"),
        )
        .where(*_in_period(member_ids, period))
        .group_by(Visit.recorded_by_id)
    )
    return _by_member(session.exec(query))


def _quick_gaps(
    session: Session, member_ids: list[int], period: Period
) -> dict[int, dict[str, int]]:
    """Each member's home visits in the period that reached someone, and how many came less
    than MINUTES_APART after the one before at another household: each is compared through
    LAG with the one before it in time (visits at one moment in the order they were stored)."""
    home = _home_visits_in_order(session, member_ids, period)
    query = select(
        home.c.member_id,
        func.count().label("home_reached"),
        func.sum(home.c.quick).label("quick_gaps"),
    ).group_by(home.c.member_id)
    return _by_member(session.exec(query))


def _home_visits_in_order(session: Session, member_ids: list[int], period: Period):
    """The members' home visits in the period that reached someone, each marked ``quick`` (1)
    when it came less than MINUTES_APART after the one before at another household."""
    in_order = {
        "partition_by": Visit.recorded_by_id,
        "order_by": (Visit.occurred_at, Visit.id),
    }
    moment = _microseconds(session, Visit.occurred_at)
    quick = and_(
        Visit.household_id != func.lag(Visit.household_id).over(**in_order),
        moment - func.lag(moment).over(**in_order) < QUICK_MICROSECONDS,
    )
    return (
        select(
            Visit.recorded_by_id.label("member_id"),
            Visit.id.label("visit_id"),
            _one(quick).label("quick"),
        )
        .where(
            *_in_period(member_ids, period),
            Visit.channel == Channel.home_visit,
            col(Visit.reached).is_(True),
        )
        .subquery("home_visit")
    )


def _people_counts(
    session: Session, member_ids: list[int], period: Period
) -> dict[int, dict[str, int]]:
    """For each member, the people given a calculation step on their visits in the period,
    and how many of them were ticked without a calculation (_given_calculation)."""
    given, ticked = _given_calculation(member_ids, period)
    counts = select(
        given.c.member_id,
        func.count().label("given_calculation"),
        func.sum(_one(ticked)).label("ticked_without_calculation"),
    ).group_by(given.c.member_id)
    return _by_member(session.exec(counts))


def _given_calculation(member_ids: list[int], period: Period):
    """The people given a calculation step on the members' visits in the period (member_id,
    person_id), and the condition that, by anyone up to the period's end (a step counts at its
    visit's time), they had been spoken to on a visit that reached them and handed a leaflet,
    with no saved calculation behind any of their calculation steps."""
    _start, end = clock.days(period.start, period.end)
    given = (
        select(Visit.recorded_by_id.label("member_id"), VisitStep.person_id)
        .join(VisitStep, col(VisitStep.visit_id) == Visit.id)
        .where(VisitStep.kind == StepKind.calculation, *_in_period(member_ids, period))
        .distinct()
        .subquery("given")
    )
    person = given.c.person_id
    contacted = exists().where(
        VisitPerson.person_id == person,
        col(Visit.id) == VisitPerson.visit_id,
        col(Visit.reached).is_(True),
        col(Visit.occurred_at) < end,
    )
    leaflet = _step_before(person, end, VisitStep.kind == StepKind.leaflet)
    saved = _step_before(
        person,
        end,
        VisitStep.kind == StepKind.calculation,
        col(VisitStep.calculation_id).is_not(None),
    )
    return given, and_(leaflet, contacted, ~saved)


def _step_before(person, end, *conditions):
    """Whether a step matching the conditions was done for the person on a visit before end."""
    return exists().where(
        VisitStep.person_id == person,
        col(Visit.id) == VisitStep.visit_id,
        col(Visit.occurred_at) < end,
        *conditions,
    )


def _located_visits(
    session: Session, member_ids: list[int], period: Period
) -> dict[int, list[VisitFact]]:
    """Each member's home visits with a location in the period, for the one-spot flag."""
    query = select(
        Visit.recorded_by_id,
        Visit.household_id,
        Visit.occurred_at,
        Visit.channel,
        Visit.reached,
        Visit.latitude,
        Visit.longitude,
        Visit.id,
    ).where(*_in_period(member_ids, period), _located())
    found: dict[int, list[VisitFact]] = defaultdict(list)
    for member_id, home, at, channel, reached, north, east, visit_id in session.exec(query):
        fact = VisitFact(home, clock.local(at), Channel(channel), reached, north, east, visit_id)
        found[member_id].append(fact)
    return found


# --- who is behind each flag ------------------------------------------------------------------


def named(
    session: Session, user: User, groups: list[MemberFlags], period: Period
) -> list[MemberFlags]:
    """The members' flags with the people behind each, among the households the user sees:
    one statement per kind of flag shown, whatever the number of members."""
    members = defaultdict(list)
    for group in groups:
        for row in group.flags:
            members[row.flag.kind].append(group.member.id)
    people: dict[tuple[int, FlagKind], list[Behind]] = defaultdict(list)
    for kind, member_ids in members.items():
        behind = BEHIND[kind](session, member_ids, period)
        for member_id, *who in session.exec(_behind(session, user, behind)):
            people[member_id, kind].append(Behind(*who))
    return [
        MemberFlags(
            group.member,
            tuple(
                replace(row, people=tuple(people[row.member_id, row.flag.kind]))
                for row in group.flags
            ),
        )
        for group in groups
    ]


def _reached_visits(session: Session, member_ids: list[int], period: Period):
    """Behind the contact rate: the members' visits in the period that reached someone."""
    return (
        select(Visit.recorded_by_id.label("member_id"), Visit.id.label("visit_id"))
        .where(*_in_period(member_ids, period), col(Visit.reached).is_(True))
        .subquery("behind")
    )


def _quick_visits(session: Session, member_ids: list[int], period: Period):
    """Behind the minutes-apart flag: the home visits that came minutes after another."""
    home = _home_visits_in_order(session, member_ids, period)
    return select(home.c.member_id, home.c.visit_id).where(home.c.quick == 1).subquery("behind")


def _visits_at_one_spot(session: Session, member_ids: list[int], period: Period):
    """Behind the one-spot flag: each member's visits around their busiest spot."""
    located = _located_visits(session, member_ids, period)
    spot = [visit.visit_id for visits in located.values() for visit in quality.busiest_spot(visits)]
    return (
        select(Visit.recorded_by_id.label("member_id"), Visit.id.label("visit_id"))
        .where(col(Visit.id).in_(spot))
        .subquery("behind")
    )


def _ticked_people(session: Session, member_ids: list[int], period: Period):
    """Behind the three-ones flag: the people ticked without a calculation."""
    given, ticked = _given_calculation(member_ids, period)
    return select(given.c.member_id, given.c.person_id).where(ticked).subquery("behind")


BEHIND = {
    FlagKind.contact_rate_near_full: _reached_visits,
    FlagKind.visits_minutes_apart: _quick_visits,
    FlagKind.visits_same_place: _visits_at_one_spot,
    FlagKind.three_ones_without_calculation: _ticked_people,
}


def _behind(session: Session, user: User, behind):
    """The people of ``behind`` (member_id with a visit_id or a person_id) with their
    households, those the user sees: for visits, whom each reached (or the household alone)."""
    if "visit_id" in behind.c:
        query = (
            select(behind.c.member_id, Household.id, Household.address, Person.id, Person.name)
            .join(Visit, col(Visit.id) == behind.c.visit_id)
            .join(Household, col(Household.id) == Visit.household_id)
            .outerjoin(VisitPerson, col(VisitPerson.visit_id) == Visit.id)
            .outerjoin(Person, col(Person.id) == VisitPerson.person_id)
        )
    else:
        query = (
            select(behind.c.member_id, Household.id, Household.address, Person.id, Person.name)
            .join(Person, col(Person.id) == behind.c.person_id)
            .join(Household, col(Household.id) == Person.household_id)
        )
    return (
        query.where(visible_households(session, user))
        .distinct()
        .order_by(behind.c.member_id, Household.address, Household.id, Person.name)
    )


def _one(condition):
    return case((condition, 1), else_=0)


def _by_member(rows) -> dict[int, dict[str, int]]:
    """Rows of a member_id and counts: each member's counts by the names of their columns."""
    found = {}
    for row in rows:
        counts = dict(row._mapping)
        member_id = counts.pop("member_id")
        found[member_id] = {name: int(value or 0) for name, value in counts.items()}
    return found


def _microseconds(session: Session, moment):
    """A stored moment as whole microseconds since 1970, so that "less than five minutes
    apart" means exactly what it does in Python: SQLite's julianday() keeps milliseconds only,
    so its stored text ("YYYY-MM-DD HH:MM:SS.ffffff") is read in two parts."""
    if session.get_bind().dialect.name == "sqlite":
        seconds = cast(func.strftime("%s", func.substr(moment, 1, 19)), BigInteger)
        return seconds * 1_000_000 + cast(func.substr(moment, 21), BigInteger)
    return cast(extract("epoch", moment) * 1_000_000, BigInteger)


def _reviews(
    session: Session, member_ids: list[int], period: Period
) -> dict[tuple[int, str], tuple[QualityReview, str]]:
    """The stored reviews of the members' flags for exactly this period, with the reviewer's
    name."""
    query = (
        select(QualityReview, User.display_name)
        .join(User, col(User.id) == QualityReview.reviewed_by_id)
        .where(
            col(QualityReview.member_id).in_(member_ids),
            QualityReview.period_start == period.start,
            QualityReview.period_end == period.end,
        )
    )
    return {(r.member_id, r.kind): (r, name) for r, name in session.exec(query)}


# --- the review -------------------------------------------------------------------------------


def review_flag(
    session: Session, lead: User, member: User, kind: FlagKind, period: Period, note: str
) -> QualityReview:
    """Mark a raised flag reviewed with the lead's note, audited. The caller has checked that
    the lead reviews this member."""
    errors: dict = {}
    note = within(errors, "note", note, NOTE_LENGTH)
    if not note:
        errors["note"] = N_("Write what you found.")
    if errors:
        raise Invalid(errors)
    row = member_flag(session, member, kind, period)
    if row is None:
        raise Invalid({"note": N_("The visits no longer raise this flag.")})
    if not row.is_open:
        raise Invalid({"note": ALREADY_REVIEWED})
    review = QualityReview(
        member_id=member.id,
        kind=kind,
        period_start=period.start,
        period_end=period.end,
        evidence=row.flag.evidence,
        note=note,
        reviewed_by_id=lead.id,
        reviewed_at=clock.now(),
    )
    session.add(review)
    audit.record(
        session,
        "quality_flag_reviewed",
        user=lead,
        target=f"user:{member.id}",
        kind=kind,
        period=period.name,
        **row.flag.evidence,
    )
    try:
        session.commit()
    except IntegrityError:  # another lead reviewed it a moment before
        session.rollback()
        raise Invalid({"note": ALREADY_REVIEWED}) from None
    return review
