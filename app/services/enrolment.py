"""Enrolment changes from report to decision, a village cadre's report of their own upgrade,
and the counts read by the cadres page and the dashboards.

A change is reported (by a member from an outcome, or by a cadre about themselves) and stays
reported until a lead confirms or rejects it. Only confirmed changes count, and confirming one
writes it into the person's record where the record's new state is unambiguous."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_, case, or_, true, update
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, func, select

from app.core import clock
from app.core.i18n import N_, Message
from app.domain.codes import ChangeStatus, InsuranceStatus, OutcomeCode
from app.domain.enrolment import EMPLOYEE_PENSION, SELF_REPORTS, higher_tiers, upgrade_refusal
from app.domain.paging import page_within
from app.domain.validation import Invalid, whole_number, within
from app.domain.visits import BASE_PERCENT
from app.models import EnrolmentChange, Household, Person, Region, User
from app.services import audit, regions
from app.services.accounts import cadre_accounts
from app.services.parameters import tiers_on_offer
from app.services.scope import sees_every_household, visible_households

RECENT_DECISIONS = 50  # decided changes listed under the ones waiting
PAGE_SIZE = 50  # changes waiting for a decision listed per page
NOTE_LENGTH = 200
OLDEST_EFFECTIVE = timedelta(days=366)
FURTHEST_EFFECTIVE = timedelta(days=31)


class AlreadyDecided(Exception):
    """Another decision on the change came first."""


class RecordChanged(Exception):
    """The person's record was saved by someone else while the change was being confirmed."""


# --- the leads' review --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    change: EnrolmentChange
    person: Person
    household: Household
    village: str
    reported_by: str
    decided_by: str


@dataclass(frozen=True)
class ChangeReview:
    """A page of the changes waiting for a decision, oldest first, of ``waiting_total`` in
    all, and the latest decided ones, newest first."""

    waiting: list[ChangeRow]
    waiting_total: int
    page: int
    pages: int
    decided: list[ChangeRow]


def changes_to_review(
    session: Session, user: User, page: int = 1, *, cadres_only: bool = False
) -> ChangeReview:
    """The changes of people the user may see, with ``cadres_only`` those of village cadres.
    A city has tens of thousands waiting: they are counted in SQL and listed a page at a time,
    and only the rows shown are read with their person, household and village."""
    seen = _changes_seen_by(session, user)
    if cadres_only:
        seen = and_(seen, _changes_of_cadres(session))
    every = sees_every_household(user) and not cadres_only
    waiting = col(EnrolmentChange.status) == ChangeStatus.reported
    total = session.exec(
        select(func.count()).select_from(EnrolmentChange).where(waiting, seen)
    ).one()
    page, pages = page_within(total, page, PAGE_SIZE)
    offset = (page - 1) * PAGE_SIZE
    return ChangeReview(
        waiting=_rows(session, (waiting, seen), _oldest_first, PAGE_SIZE, offset, gather=not every),
        waiting_total=total,
        page=page,
        pages=pages,
        decided=_rows(session, (~waiting, seen), _newest_first, RECENT_DECISIONS, gather=not every),
    )


def _oldest_first(changes) -> tuple:
    """The order of enrolment_change rows, or of a selection of their columns."""
    return changes.c.reported_at, changes.c.id


def _newest_first(changes) -> tuple:
    return changes.c.decided_at.desc(), changes.c.id.desc()


def change_for(session: Session, user: User, change_id: int) -> EnrolmentChange | None:
    """A change of someone the user may see, else None (answered as absent)."""
    query = (
        select(EnrolmentChange)
        .join(Person, col(Person.id) == EnrolmentChange.person_id)
        .join(Household, col(Household.id) == Person.household_id)
        .where(EnrolmentChange.id == change_id, visible_households(session, user))
    )
    return session.exec(query).first()


def _changes_seen_by(session: Session, user: User) -> ColumnElement[bool]:
    """A condition on EnrolmentChange rows: the changes of people the user may see, as the
    people of the visible households (read through the village and household indexes) rather
    than a join, so that counting a lead's changes never looks up the person and household of
    every change in the city. Seeing every household needs no condition at all."""
    if sees_every_household(user):
        return true()
    people = (
        select(Person.id)
        .join(Household, col(Household.id) == Person.household_id)
        .where(visible_households(session, user))
    )
    return col(EnrolmentChange.person_id).in_(people)


def _changes_of_cadres(session: Session) -> ColumnElement[bool]:
    """A condition on EnrolmentChange rows: the changes of the people counted as cadres (see
    cadre_counts), flagged as one or the record of a cadre's account."""
    flagged = select(Person.id).where(col(Person.is_cadre) == True)  # noqa: E712
    person = col(EnrolmentChange.person_id)
    return or_(person.in_(flagged), person.in_(cadre_accounts(session)))


def _rows(
    session: Session, where, order, limit: int, offset: int = 0, *, gather: bool
) -> list[ChangeRow]:
    """The changes meeting ``where`` in ``order``, ``limit`` from ``offset``, with who reported
    and decided them: the rows are chosen by id first, and only they are joined. With
    ``gather`` (a lead's few among the city's), the changes meeting ``where`` are gathered
    before they are ordered: asked for the first of them in order, PostgreSQL walked the city's
    changes in that order looking for them, all 684 000 when a township had none (2.6 s)."""
    table = EnrolmentChange.__table__
    meeting = select(table.c.id, table.c.reported_at, table.c.decided_at).where(*where).cte()
    if gather:
        meeting = meeting.prefix_with("MATERIALIZED")
    chosen = select(meeting.c.id).order_by(*order(meeting)).offset(offset).limit(limit)
    reporter, decider = aliased(User), aliased(User)
    query = (
        select(EnrolmentChange, Person, Household, Region.name)
        .add_columns(reporter.display_name, decider.display_name)
        .join(Person, col(Person.id) == EnrolmentChange.person_id)
        .join(Household, col(Household.id) == Person.household_id)
        .join(Region, col(Region.id) == Household.village_id)
        .join(reporter, col(reporter.id) == EnrolmentChange.reported_by_id)
        .outerjoin(decider, col(decider.id) == EnrolmentChange.decided_by_id)
        .where(col(EnrolmentChange.id).in_(chosen))
        .order_by(*order(table))
    )
    return [
        ChangeRow(change, person, household, village, reported_by, decided_by or "")
        for change, person, household, village, reported_by, decided_by in session.exec(query)
    ]


def record_update(change: EnrolmentChange) -> dict[str, object]:
    """The person's columns a confirmed change sets. Resuming, paying on and back payments
    leave the record alone: which scheme is resumed, or how many years are added, is not
    known from the change, so the lead corrects the record by hand."""
    if change.kind in (OutcomeCode.join_resident, OutcomeCode.raise_tier):
        tier = {"resident_tier": change.to_value} if change.to_value is not None else {}
        return {"insurance_status": InsuranceStatus.resident, "stopped_since": None, **tier}
    if change.kind == OutcomeCode.join_flexible:
        return {
            "insurance_status": InsuranceStatus.employee_flexible,
            "resident_tier": None,
            "stopped_since": None,
        }
    return {}


def confirm(session: Session, change: EnrolmentChange, *, by: User) -> None:
    """Confirm the change and write it into the person's record, together or not at all."""
    if not _decide(session, change, ChangeStatus.confirmed, "", by):
        return
    person = session.get(Person, change.person_id)
    applied = record_update(change)
    for name, value in applied.items():
        setattr(person, name, value)
    if applied:
        person.updated_at = clock.now()  # through the ORM, so the version moves on
        session.add(person)
    audit.record(
        session,
        "enrolment_change_confirmed",
        user=by,
        target=f"person:{change.person_id}",
        change=change.id,
        kind=change.kind,
        applied=applied,
    )
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        raise RecordChanged from None


def reject(session: Session, change: EnrolmentChange, note: str, *, by: User) -> None:
    """Not confirmed, with the reason: the member (or cadre) sees why."""
    errors: dict = {}
    note = within(errors, "note", note, NOTE_LENGTH)
    if not note:
        errors["note"] = N_("Say why it is not confirmed.")
    if errors:
        raise Invalid(errors)
    if _decide(session, change, ChangeStatus.rejected, note, by):
        audit.record(
            session,
            "enrolment_change_rejected",
            user=by,
            target=f"person:{change.person_id}",
            change=change.id,
            note=note,
        )
        session.commit()


def _decide(session, change: EnrolmentChange, status: ChangeStatus, note: str, by: User) -> bool:
    """Claim the decision: only a change still reported is decided, in one conditional UPDATE,
    so a double tap or two leads at once never apply it twice. The same decision arriving
    again is a no-op (False); a different one is refused."""
    claimed = session.exec(
        update(EnrolmentChange)
        .where(col(EnrolmentChange.id) == change.id)
        .where(col(EnrolmentChange.status) == ChangeStatus.reported)
        .values(status=status, decided_by_id=by.id, decided_at=clock.now(), decision_note=note)
    )
    if claimed.rowcount == 1:
        return True
    session.rollback()
    session.refresh(change)
    if change.status != status:
        raise AlreadyDecided
    return False


# --- a village cadre's own upgrade --------------------------------------------------------------


class UpgradeForm(BaseModel):
    """A cadre's report of their own upgrade, as typed."""

    kind: str = ""
    tier: str = ""  # the resident tier chosen, yuan a year
    base_percent: str = ""  # the flexible worker's base, % of the average wage
    effective_on: str = ""


@dataclass(frozen=True)
class Upgrade:
    kind: OutcomeCode
    from_value: int | None
    to_value: int
    effective_on: date


def check_upgrade(
    form: UpgradeForm,
    status: InsuranceStatus,
    tier: int | None,
    menu: Collection[int],
    today: date,
) -> Upgrade:
    """The change to report from the cadre's current enrolment (``status``, ``tier``), or
    Invalid naming every field that is wrong."""
    errors: dict[str, str | Message] = {}
    kind = OutcomeCode(form.kind) if form.kind in SELF_REPORTS else None
    to_value = None
    if kind is None:
        errors["kind"] = N_("Choose what you did.")
    elif refusal := upgrade_refusal(kind, status, tier, menu):
        errors["kind"] = refusal
    elif kind == OutcomeCode.join_flexible:
        to_value = whole_number(form.base_percent)
        if to_value not in BASE_PERCENT:
            errors["base_percent"] = N_("Choose a base from 60 to 300 percent of the average wage.")
    else:
        to_value = _resident_tier(errors, form.tier, status, tier, menu)
    effective_on = _effective_on(errors, form.effective_on, today)
    if errors:
        raise Invalid(errors)
    from_value = tier if kind == OutcomeCode.raise_tier else None
    return Upgrade(kind, from_value, to_value, effective_on)


def _resident_tier(errors, typed: str, status, tier: int | None, menu) -> int | None:
    chosen = whole_number(typed, 100_000)
    if chosen not in menu:
        errors["tier"] = N_("Choose a tier from the list.")
    elif chosen not in higher_tiers(status, tier, menu):
        errors["tier"] = N_("The new tier must be higher than the current one.")
    return chosen


def _effective_on(errors, typed: str, today: date) -> date:
    if not typed.strip():
        return today
    try:
        day = date.fromisoformat(typed.strip())
    except ValueError:
        errors["effective_on"] = N_("Enter a date such as 2024-06-30.")
        return today
    if day < today - OLDEST_EFFECTIVE:
        errors["effective_on"] = N_("The date can be at most a year back.")
    elif day > today + FURTHEST_EFFECTIVE:
        errors["effective_on"] = N_("The date can be at most a month ahead.")
    return day


def own_person(session: Session, user: User) -> Person | None:
    return session.get(Person, user.person_id) if user.person_id is not None else None


def report_upgrade(
    session: Session, person: Person, form: UpgradeForm, *, by: User
) -> EnrolmentChange:
    """Store the cadre's report for the lead to confirm. The same report still waiting (a
    double submit) is answered with the stored one; the person's row is locked meanwhile so
    two submits at once cannot both pass that check (PostgreSQL; SQLite has one writer)."""
    upgrade = check_upgrade(
        form, person.insurance_status, person.resident_tier, tiers_on_offer(session), clock.today()
    )
    session.exec(select(Person.id).where(Person.id == person.id).with_for_update()).one()
    waiting = session.exec(
        select(EnrolmentChange).where(
            EnrolmentChange.person_id == person.id,
            EnrolmentChange.status == ChangeStatus.reported,
            EnrolmentChange.kind == upgrade.kind,
            EnrolmentChange.to_value == upgrade.to_value,
        )
    ).first()
    if waiting is not None:
        session.rollback()
        return waiting
    change = EnrolmentChange(
        person_id=person.id,
        kind=upgrade.kind,
        from_value=upgrade.from_value,
        to_value=upgrade.to_value,
        effective_on=upgrade.effective_on,
        reported_by_id=by.id,
        reported_at=clock.now(),
        self_reported=True,
    )
    session.add(change)
    session.flush()
    audit.record(
        session, "own_upgrade_reported", user=by, target=f"person:{person.id}", change=change.id
    )
    session.commit()
    return change


def changes_of(session: Session, person: Person) -> list[EnrolmentChange]:
    """Everything reported about the person, newest first."""
    query = (
        select(EnrolmentChange)
        .where(EnrolmentChange.person_id == person.id)
        .order_by(col(EnrolmentChange.reported_at).desc(), col(EnrolmentChange.id).desc())
    )
    return list(session.exec(query))


# --- counting -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VillageCadres:
    """A village's cadres, and how many of them lead by example: in the employee pension (the
    plan's measure), or, counted apart, with a confirmed raise of their resident tier."""

    village: Region
    cadres: int = 0
    in_employee_pension: int = 0
    raised_tier: int = 0


def cadre_counts(session: Session, region_id: int) -> list[VillageCadres]:
    """Per village in the region. A cadre is a person flagged as one, or the person record of
    a cadre's account."""
    villages = regions.villages(session, within=region_id)
    # The accounts' people are read first and the flag is compared with "=": a subquery or
    # "IS TRUE" in the condition kept PostgreSQL from finding either kind of cadre through an
    # index, and it read the city's 2.3 M people to find 22 700 (0.8 s).
    accounts = cadre_accounts(session)
    raised = (
        select(EnrolmentChange.id)
        .where(
            EnrolmentChange.person_id == Person.id,
            EnrolmentChange.kind == OutcomeCode.raise_tier,
            EnrolmentChange.status == ChangeStatus.confirmed,
        )
        .exists()
    )
    employee = col(Person.insurance_status).in_(EMPLOYEE_PENSION)
    query = (
        select(
            Household.village_id,
            func.count(col(Person.id)),
            func.count(case((employee, Person.id))),
            func.count(case((raised, Person.id))),
        )
        .join(Household, col(Household.id) == Person.household_id)
        .where(col(Household.village_id).in_([v.id for v in villages]))
        .where(or_(col(Person.is_cadre) == True, col(Person.id).in_(accounts)))  # noqa: E712
        .group_by(Household.village_id)
    )
    counts = {village_id: rest for village_id, *rest in session.exec(query)}
    return [VillageCadres(v, *counts.get(v.id, ())) for v in villages]


@dataclass(frozen=True)
class UnitCadres:
    """A unit's cadres (its villages' together): the figures docs/figures.md defines."""

    cadres: int
    in_employee_pension: int
    raised_tier: int


def unit_cadres(villages: list[VillageCadres]) -> UnitCadres:
    return UnitCadres(
        sum(line.cadres for line in villages),
        sum(line.in_employee_pension for line in villages),
        sum(line.raised_tier for line in villages),
    )


def region_cadres(session: Session, region_id: int) -> UnitCadres:
    return unit_cadres(cadre_counts(session, region_id))


def confirmed_changes(
    session: Session, region_ids: Collection[int] | None, year: int
) -> dict[OutcomeCode, int]:
    """Confirmed changes taking effect in the year, by kind, among the households of the given
    regions (all of them with None)."""
    query = (
        select(EnrolmentChange.kind, func.count())
        .where(
            EnrolmentChange.status == ChangeStatus.confirmed,
            col(EnrolmentChange.effective_on) >= date(year, 1, 1),
            col(EnrolmentChange.effective_on) <= date(year, 12, 31),
        )
        .group_by(EnrolmentChange.kind)
    )
    if region_ids is not None:
        query = (
            query.join(Person, col(Person.id) == EnrolmentChange.person_id)
            .join(Household, col(Household.id) == Person.household_id)
            .where(col(Household.village_id).in_(region_ids))
        )
    return {OutcomeCode(kind): count for kind, count in session.exec(query)}
