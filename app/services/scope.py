"""Who may see which households: the one place every registry query goes through.

An admin sees every household; a lead those in their region; a member those assigned to them;
a cadre the household of their own person record. Anything else is answered as absent (404).
"""

from datetime import datetime

from sqlalchemy import ColumnElement, false, true
from sqlmodel import Session, col, select

from app.domain.codes import Role
from app.models import (
    Assignment,
    Household,
    ImportJob,
    Person,
    Region,
    User,
    Visit,
    VisitPerson,
)
from app.services.regions import subtree_ids


def sees_every_household(user: User) -> bool:
    """Whether the user's households are all of them: queries can then leave the scope out."""
    return user.role == Role.admin


def visible_households(session: Session, user: User) -> ColumnElement[bool]:
    """A condition on Household rows: those the user may see."""
    if sees_every_household(user):
        return true()
    if user.role == Role.lead:
        return col(Household.village_id).in_(subtree_ids(session, user.region_id))
    if user.role == Role.member:
        return col(Household.assignee_id) == user.id
    if user.person_id is not None:
        own = select(Person.household_id).where(Person.id == user.person_id)
        return col(Household.id).in_(own.scalar_subquery())
    return false()


def household_for(session: Session, user: User, household_id: int) -> Household | None:
    query = select(Household).where(Household.id == household_id, visible_households(session, user))
    return session.exec(query).first()


def person_for(session: Session, user: User, person_id: int) -> Person | None:
    query = (
        select(Person)
        .join(Household, col(Household.id) == Person.household_id)
        .where(Person.id == person_id, visible_households(session, user))
    )
    return session.exec(query).first()


def import_job_for(session: Session, user: User, job_id: int) -> ImportJob | None:
    """An import report belongs to whoever ran it; admins see every one."""
    job = session.get(ImportJob, job_id)
    if job is None or (user.role != Role.admin and job.created_by_id != user.id):
        return None
    return job


def may_edit(user: User) -> bool:
    """Cadres read their own record; changing the registry is for the teams and city staff."""
    return user.role in (Role.admin, Role.lead, Role.member)


def may_reveal_id_numbers(user: User) -> bool:
    """Admins, the leads of the household's region and the member it is assigned to (the
    scope check comes first, so a member only ever reaches their own households)."""
    return user.role in (Role.admin, Role.lead, Role.member)


def household_for_visit(
    session: Session, user: User, household_id: int, occurred_at: datetime
) -> Household | None:
    """A household the user may record a visit on: one they may see now, or, for a member, one
    that was theirs when the visit happened (recorded offline, reassigned since)."""
    household = household_for(session, user, household_id)
    if household is not None or user.role != Role.member:
        return household if user.role != Role.cadre else None
    holder = (
        select(Assignment.to_user_id)
        .where(Assignment.household_id == household_id, Assignment.at <= occurred_at)
        .order_by(col(Assignment.at).desc(), col(Assignment.id).desc())
        .limit(1)
    )
    if session.exec(holder).first() != user.id:
        return None
    return session.get(Household, household_id)


def households_for_visit(
    session: Session, user: User, household_ids: list[int], occurred_at: datetime
) -> dict[int, Household | None]:
    """household_for_visit for many households (a paper sheet's): those the user sees now read
    at once, any other one by one (a member's household reassigned since)."""
    if user.role == Role.cadre:
        return dict.fromkeys(household_ids)
    seen = select(Household).where(
        col(Household.id).in_(household_ids), visible_households(session, user)
    )
    found: dict[int, Household | None] = {
        household.id: household for household in session.exec(seen)
    }
    for household_id in household_ids:
        if household_id not in found:
            found[household_id] = household_for_visit(session, user, household_id, occurred_at)
    return found


def visit_for(session: Session, user: User, visit_id: int) -> Visit | None:
    """A visit on a household the user sees now, or one they recorded on a household that was
    theirs at the time; cadres see no visits."""
    visit = session.get(Visit, visit_id)
    if visit is None or user.role == Role.cadre:
        return None
    if household_for(session, user, visit.household_id) is not None:
        return visit
    if visit.recorded_by_id == user.id and household_for_visit(
        session, user, visit.household_id, visit.occurred_at
    ):
        return visit
    return None


def visit_reaching(session: Session, user: User, visit_id: int, person: Person) -> Visit | None:
    """A visit the user may record on that reached the person: where a calculation worked out
    for them on that visit is attached."""
    visit = visit_for(session, user, visit_id)
    if visit is None or not visit.reached:
        return None
    spoken = select(VisitPerson.person_id).where(VisitPerson.visit_id == visit.id)
    return visit if person.id in session.exec(spoken).all() else None


def visible_region(session: Session, user: User, region_id: int) -> Region | None:
    """A region whose figures the user may see: any for admins, their own and those below it
    for leads; else None (answered as absent)."""
    region = session.get(Region, region_id)
    if region is None or user.role not in (Role.admin, Role.lead):
        return None
    if user.role == Role.lead and region.id not in subtree_ids(session, user.region_id):
        return None
    return region
