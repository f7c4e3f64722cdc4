"""Cutting worklists: leads assign households to the members of their teams, in bulk by filter
or by ticked rows, reassign, unassign, move a member's whole list, and open claim pools."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sqlalchemy import BindParameter, ColumnElement, bindparam
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from app.core import clock
from app.core.i18n import N_
from app.domain.assignments import HANDOVER_ORDER, Handover, handover
from app.domain.codes import RegionLevel, Role
from app.domain.validation import Invalid, whole_number
from app.models import Assignment, ClaimPool, Household, Region, Team, TeamMembership, User
from app.services import audit
from app.services.households import HouseholdFilters, filter_conditions, head_name
from app.services.regions import subtree_ids
from app.services.scope import visible_households


def teams_led_by(session: Session, user: User) -> list[Team]:
    """An admin leads every team; a lead the teams they belong to."""
    query = select(Team).order_by(Team.name)
    if user.role != Role.admin:
        query = query.join(TeamMembership, col(TeamMembership.team_id) == Team.id).where(
            TeamMembership.user_id == user.id
        )
    return list(session.exec(query))


def led_team(session: Session, user: User, team_id: int | None) -> Team | None:
    """One of the teams the user leads, else None (answered as absent)."""
    return next((team for team in teams_led_by(session, user) if team.id == team_id), None)


def assignable_members(session: Session, user: User) -> list[User]:
    """The active members of the user's teams: whom they may give households to."""
    team_ids = [team.id for team in teams_led_by(session, user)]
    query = (
        select(User)
        .join(TeamMembership, col(TeamMembership.user_id) == User.id)
        .where(col(TeamMembership.team_id).in_(team_ids), User.role == Role.member)
        .where(col(User.is_active).is_(True))
        .order_by(User.display_name)
    )
    return list(session.exec(query).unique())


# A lead's one or two teams are shown open, every member's load counted; a user who leads more
# (an admin leads a city's 74 teams, 722 members) sees one line per team and opens one at a time.
OPEN_TEAMS = 3


@dataclass
class TeamLine:
    """A team on one line: its active members and the households they hold."""

    team: Team
    members: int = 0
    households: int = 0


def opens_every_team(session: Session, lead: User) -> bool:
    """Whether the user's team page shows every team open (else a line each: team_lines)."""
    return len(teams_led_by(session, lead)) <= OPEN_TEAMS


def team_lines(session: Session, lead: User) -> list[TeamLine]:
    """Each team the user leads on one line, from one count of households per member (through
    the assignee index alone) rather than every member's full load."""
    teams = teams_led_by(session, lead)
    team_of = teams_of_members(session, teams)
    lines = {team.id: TeamLine(team) for team in teams}
    members = [m.id for m in assignable_members(session, lead)]
    for member_id in members:
        lines[team_of[member_id]].members += 1
    held = (
        select(Household.assignee_id, func.count())
        .where(col(Household.assignee_id).in_(members))
        .group_by(Household.assignee_id)
    )
    for member_id, households in session.exec(held):
        lines[team_of[member_id]].households += households
    return list(lines.values())


def members_of(session: Session, lead: User, team: Team | None) -> list[User]:
    """The lead's members (the team's only, when given: one the lead leads)."""
    members = assignable_members(session, lead)
    if team is None:
        return members
    in_team = teams_of_members(session, [team])
    return [member for member in members if member.id in in_team]


def teams_of_members(session: Session, teams: list[Team]) -> dict[int, int]:
    """The team of each member of these teams (a member belongs to one team; a lead's several
    memberships do not matter here: leads carry no households)."""
    query = select(TeamMembership.user_id, TeamMembership.team_id).where(
        col(TeamMembership.team_id).in_([team.id for team in teams])
    )
    return dict(session.exec(query).all())


def matching_ids(session: Session, user: User, filters: HouseholdFilters, today: date) -> list[int]:
    query = select(Household.id).where(
        visible_households(session, user), *filter_conditions(filters, today)
    )
    return list(session.exec(query.order_by(Household.id)))


@dataclass(frozen=True)
class HandoverRow:
    """A household in an assignment's preview: what it is, who holds it now, what happens."""

    household: Household
    village_name: str
    head_name: str | None
    holder_name: str | None
    handover: Handover


def preview(
    session: Session, household_ids: list[int], member_id: int | None, *, by: User
) -> list[HandoverRow]:
    """What assigning would do to each household the user may see: those taken from another
    member first, then the unassigned, then those already the member's."""
    _check_member(session, member_id, by)
    holder = aliased(User)
    query = (
        select(Household, Region.name, head_name(), holder.display_name)
        .join(Region, col(Region.id) == Household.village_id)
        .outerjoin(holder, col(holder.id) == Household.assignee_id)
        .where(col(Household.id).in_(household_ids), visible_households(session, by))
        .order_by(Household.village_id, Household.household_key, Household.id)
    )
    rows = [
        HandoverRow(*row, handover(row[0].assignee_id, member_id)) for row in session.exec(query)
    ]
    return sorted(rows, key=lambda row: HANDOVER_ORDER.index(row.handover))


class HouseholdsNotFound(LookupError):
    """Some households asked for are absent or outside the user's scope (alike: existence does
    not leak); none changed hands."""


def assign(session: Session, household_ids: list[int], member_id: int | None, *, by: User) -> int:
    """Give the households to a member (None: unassign). Only households the user may see and
    members of the user's teams; returns how many changed hands."""
    _check_member(session, member_id, by)
    households = session.exec(
        select(Household).where(
            col(Household.id).in_(household_ids), visible_households(session, by)
        )
    ).all()
    if len(households) != len(set(household_ids)):
        raise HouseholdsNotFound
    changed = [h for h in households if h.assignee_id != member_id]
    now = clock.now()
    for household in changed:
        _record(session, household, member_id, by, now, _kind(household, member_id))
    audit.record(
        session,
        "assignment_changed",
        user=by,
        target=f"user:{member_id}" if member_id else "unassigned",
        households=len(changed),
    )
    session.commit()
    return len(changed)


def _check_member(session: Session, member_id: int | None, by: User) -> None:
    if member_id is not None and member_id not in {m.id for m in assignable_members(session, by)}:
        raise Invalid({"member_id": N_("Choose a member of your teams.")})


def _kind(household: Household, member_id: int | None) -> str:
    if member_id is None:
        return "unassign"
    return "assign" if household.assignee_id is None else "reassign"


def _record(session, household: Household, member_id, by: User | None, now, kind: str) -> None:
    session.add(
        Assignment(
            household_id=household.id,
            from_user_id=household.assignee_id,
            to_user_id=member_id,
            by_user_id=by.id if by else None,
            at=now,
            kind=kind,
        )
    )
    household.assignee_id = member_id
    household.claimed_at = now if kind == "claim" else None
    session.add(household)


SAME_MEMBER = N_("Choose two different members: the list would stay with the member who holds it.")


def movable(
    session: Session, from_member_id: int, to_member_id: int, *, by: User
) -> list[Household]:
    """The households moving one member's whole list to another would hand on: both must be
    members of the user's teams, and two of them."""
    for member_id in (from_member_id, to_member_id):
        _check_member(session, member_id, by)
    if from_member_id == to_member_id:
        raise Invalid({"member_id": SAME_MEMBER})
    return held_by(session, from_member_id, by=by)


def move_all(session: Session, from_member_id: int, to_member_id: int, *, by: User) -> int:
    """A member leaves or falls ill: all their households go to another member at once."""
    households = movable(session, from_member_id, to_member_id, by=by)
    _hand_over(session, households, from_member_id, to_member_id, by=by)
    session.commit()
    return len(households)


# Where a leaving member's households go when no member takes them: unassigned, so back in the
# claim pool where their village's pool is open.
POOL = "pool"
CHOOSE_SUCCESSOR = N_("Choose who takes their households: another member of the team or the pool.")


def successor_typed(typed: str) -> int | str | None:
    """The successor as a form sends it: ``POOL`` or a member's id (None for anything else)."""
    return POOL if typed == POOL else whole_number(typed)


def held_by(session: Session, member_id: int, *, by: User) -> list[Household]:
    """The member's households the user may see (and so hand on)."""
    query = select(Household).where(
        Household.assignee_id == member_id, visible_households(session, by)
    )
    return list(session.exec(query))


def successors(session: Session, team: Team | None, member: User, *, by: User) -> list[User]:
    """Who may take a leaving member's households: the team's other active members (none for a
    member in no team: their households can only go back to the pool)."""
    if team is None:
        return []
    return [m for m in members_of(session, by, team) if m.id != member.id]


@dataclass(frozen=True)
class HandOverQuestion:
    """What asking who takes a leaving member's households shows: how many they hold, who may
    take them, and the choice typed with its error when refused."""

    held: int
    successors: list[User]
    typed: str = ""
    errors: dict | None = None
    pool: str = POOL


def hand_over_question(
    session: Session, team: Team | None, member: User, *, by: User, typed="", errors=None
) -> HandOverQuestion:
    held = len(held_by(session, member.id, by=by))
    return HandOverQuestion(held, successors(session, team, member, by=by), typed, errors or {})


def hand_over(
    session: Session, team: Team | None, member: User, successor: int | str | None, *, by: User
) -> int:
    """A member leaving their team (or deactivated) hands every household they hold to another
    member of the team or back to the pool (``POOL``); refused, changing nothing, without one of
    those. Left to the caller to commit with the leaving itself."""
    households = held_by(session, member.id, by=by)
    if not households:
        return 0
    others = {m.id for m in successors(session, team, member, by=by)}
    if successor != POOL and successor not in others:
        raise Invalid({"successor": CHOOSE_SUCCESSOR})
    to_member_id = None if successor == POOL else successor
    _hand_over(session, households, member.id, to_member_id, by=by)
    return len(households)


def _hand_over(
    session: Session,
    households: list[Household],
    from_member_id: int,
    to_member_id: int | None,
    *,
    by: User,
) -> None:
    now = clock.now()
    kind = "move" if to_member_id else "unassign"
    for household in households:
        _record(session, household, to_member_id, by, now, kind)
    audit.record(
        session,
        "assignment_moved",
        user=by,
        target=f"user:{to_member_id}" if to_member_id else "unassigned",
        from_user=from_member_id,
        households=len(households),
    )


# --- claim pools -------------------------------------------------------------------------------


def open_pool(session: Session, team: Team, village: Region, *, by: User) -> None:
    if village.level != RegionLevel.village or village.id not in subtree_ids(
        session, team.region_id
    ):
        raise Invalid({"village_id": N_("Choose a village in the team's region.")})
    if session.get(ClaimPool, (team.id, village.id)) is None:
        session.add(
            ClaimPool(
                team_id=team.id, village_id=village.id, opened_at=clock.now(), opened_by_id=by.id
            )
        )
        audit.record(session, "pool_opened", user=by, target=f"team:{team.id}", village=village.id)
        session.commit()


def close_pool(session: Session, team: Team, village_id: int, *, by: User) -> None:
    pool = session.get(ClaimPool, (team.id, village_id))
    if pool is not None:
        session.delete(pool)
        audit.record(session, "pool_closed", user=by, target=f"team:{team.id}", village=village_id)
        session.commit()


def pools(session: Session, team: Team) -> list[Region]:
    query = (
        select(Region)
        .join(ClaimPool, col(ClaimPool.village_id) == Region.id)
        .where(ClaimPool.team_id == team.id)
        .order_by(Region.name)
    )
    return list(session.exec(query))


def claimable(session: Session, member: User) -> list[Household]:
    """Unassigned households in the pools of the member's team."""
    query = select(Household).where(_claimable(member.id))
    order = (Household.village_id, Household.village_group, Household.address)
    return list(session.exec(query.order_by(*order)))


def claimable_count(session: Session, member: User) -> int:
    """Asked on every look at the worklist: the statement is built once."""
    return session.exec(_claimable_count(), params={"member_id": member.id}).one()


@cache
def _claimable_count():
    return select(func.count()).where(_claimable(bindparam("member_id")))


def _claimable(member_id: int | BindParameter[int]) -> ColumnElement[bool]:
    team_ids = select(TeamMembership.team_id).where(TeamMembership.user_id == member_id)
    villages = select(ClaimPool.village_id).where(col(ClaimPool.team_id).in_(team_ids))
    return col(Household.village_id).in_(villages) & col(Household.assignee_id).is_(None)


def claim(session: Session, household_id: int, *, member: User) -> bool:
    household = next((h for h in claimable(session, member) if h.id == household_id), None)
    if household is None:
        return False
    _record(session, household, member.id, member, clock.now(), "claim")
    audit.record(session, "household_claimed", user=member, target=f"household:{household.id}")
    session.commit()
    return True


def set_claim_idle_days(session: Session, team: Team, days: int, *, by: User) -> None:
    """How long a claim may stay untouched, between a day and a year."""
    team.claim_idle_days = min(max(days, 1), 365)
    session.add(team)
    audit.record(
        session, "claim_days_set", user=by, target=f"team:{team.id}", days=team.claim_idle_days
    )
    session.commit()


def release_idle_claims(session: Session, today: date) -> int:
    """Claims untouched for their team's number of days go back to the pool. Until visits are
    recorded, a claim counts as untouched since it was made."""
    released = 0
    for team in session.exec(select(Team)):
        since = today - timedelta(days=team.claim_idle_days)
        cutoff = clock.start_of(since)
        members = select(TeamMembership.user_id).where(TeamMembership.team_id == team.id)
        idle = session.exec(
            select(Household).where(
                col(Household.assignee_id).in_(members), col(Household.claimed_at) < cutoff
            )
        ).all()
        for household in idle:
            _record(session, household, None, None, clock.now(), "release")
        released += len(idle)
        if idle:
            audit.record(
                session,
                "claims_released",
                target=f"team:{team.id}",
                households=[h.id for h in idle],
            )
    session.commit()
    return released
