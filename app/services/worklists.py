"""A member's worklist and a lead's team view, built from the registry (the visits issue adds
contact facts: last contact, follow-up date)."""

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, or_
from sqlmodel import Session, col, select

from app.domain.codes import InsuranceStatus
from app.domain.people import PlanList, born_on_or_before
from app.domain.worklist import HouseholdFacts, Section, prioritise
from app.models import Household, Person, Region, Team, TeamMembership, User
from app.services.assignments import assignable_members, teams_led_by
from app.services.households import plan_list_condition
from app.services.regions import subtree_ids


@dataclass
class WorklistEntry:
    household: Household
    section: Section
    village_name: str
    head_name: str | None
    phone: str | None
    people_count: int
    eligible_count: int
    facts: HouseholdFacts


def _on_any_plan_list(today: date):
    return or_(*(plan_list_condition(plan_list, today) for plan_list in PlanList))


def _eligible(today: date):
    """People the three ones apply to: 16 up to retirement, not drawing a pension, not a
    full-time student (the visits issue counts their progress)."""
    return (
        (col(Person.birth_date) <= born_on_or_before(16, today))
        & or_(col(Person.retires_on).is_(None), col(Person.retires_on) > today)
        & (col(Person.insurance_status) != InsuranceStatus.receiving)
        & col(Person.is_student).is_(False)
    )


def worklist(session: Session, member: User, today: date, q: str = "") -> list[WorklistEntry]:
    """The member's households in priority order, optionally narrowed by a quick search."""
    on_list = exists().where(Person.household_id == Household.id, _on_any_plan_list(today))
    people = select(func.count()).where(Person.household_id == Household.id)
    eligible = people.where(_eligible(today))
    head = (
        select(Person.name)
        .where(Person.household_id == Household.id)
        .order_by((Person.relation != "head"), Person.id)
        .limit(1)
    )
    head_phone = head.with_only_columns(Person.phone).where(col(Person.phone).is_not(None))
    query = (
        select(
            Household,
            Region.name,
            on_list,
            people.scalar_subquery(),
            eligible.scalar_subquery(),
            head.scalar_subquery(),
            head_phone.scalar_subquery(),
        )
        .join(Region, col(Region.id) == Household.village_id)
        .where(Household.assignee_id == member.id)
    )
    if q:
        pattern = f"%{q}%"
        named = exists().where(Person.household_id == Household.id, col(Person.name).like(pattern))
        query = query.where(or_(col(Household.address).like(pattern), named))
    entries = {}
    for household, village, listed, count, eligible_count, head_name, phone in session.exec(query):
        facts = HouseholdFacts(
            household_id=household.id,
            on_plan_list=bool(listed),
            village_group=household.village_group,
            address=household.address,
        )
        entries[household.id] = WorklistEntry(
            household=household,
            section=Section.new,
            village_name=village,
            head_name=head_name,
            phone=household.phone or phone,
            people_count=count,
            eligible_count=eligible_count,
            facts=facts,
        )
    ordered = prioritise([entry.facts for entry in entries.values()], today)
    return [_placed(entries[facts.household_id], where) for facts, where in ordered]


def _placed(entry: WorklistEntry, where: Section) -> WorklistEntry:
    entry.section = where
    return entry


def section_counts(entries: list[WorklistEntry]) -> dict[Section, int]:
    counts = Counter(entry.section for entry in entries)
    return {where: counts.get(where, 0) for where in Section}


def etag(entries: list[WorklistEntry]) -> str:
    """Changes whenever an entry, its order, its section or its household's version does."""
    text = ";".join(f"{e.household.id}:{e.household.version}:{e.section}" for e in entries)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


@dataclass
class MemberLoad:
    member: User
    households: int
    people: int
    plan_lists: dict[PlanList, int]


@dataclass
class TeamView:
    team: Team
    members: list[MemberLoad]
    unassigned: int


def team_views(session: Session, lead: User, today: date) -> list[TeamView]:
    members = assignable_members(session, lead)
    views = []
    for team in teams_led_by(session, lead):
        in_team = [m for m in members if _in_team(session, m, team)]
        loads = [_load(session, member, today) for member in in_team]
        villages = subtree_ids(session, team.region_id)
        unassigned = session.exec(
            select(func.count())
            .select_from(Household)
            .where(col(Household.village_id).in_(villages), col(Household.assignee_id).is_(None))
        ).one()
        views.append(TeamView(team, loads, unassigned))
    return views


def _in_team(session: Session, member: User, team: Team) -> bool:
    return session.get(TeamMembership, (team.id, member.id)) is not None


def _load(session: Session, member: User, today: date) -> MemberLoad:
    assigned = select(Household.id).where(Household.assignee_id == member.id)
    households = session.exec(select(func.count()).select_from(assigned.subquery())).one()
    of_member = col(Person.household_id).in_(assigned)
    people = session.exec(select(func.count()).select_from(Person).where(of_member)).one()
    lists = {
        plan_list: session.exec(
            select(func.count(func.distinct(Person.household_id))).where(
                of_member, plan_list_condition(plan_list, today)
            )
        ).one()
        for plan_list in PlanList
    }
    return MemberLoad(member, households, people, lists)
