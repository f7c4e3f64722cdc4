"""The visit recorded on the household page, person by person (the one-screen visit): the
first thing recorded for someone starts the day's visit, each later one joins it, and a
person it names who was not on it yet joins it as spoken to. Each addition names itself by its
client UUID, so a step kept on the phone without signal and sent later, or sent twice, is
stored once; a refused one writes nothing."""

import uuid
from datetime import date

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.core import clock
from app.core.i18n import N_
from app.domain.codes import Channel, VisitSource
from app.domain.validation import Invalid, whole_number
from app.domain.visits import VisitForm, new_client_uuid, normalised_uuid
from app.models import Calculation, Household, Person, User, Visit, VisitPerson
from app.services import calculations, visits
from app.services.calculations import Inputs
from app.services.parameters import effective_parameters


def visit_of_today(session: Session, household: Household, by: User) -> Visit | None:
    """The visit this user started on the household today (business time) that reached
    someone: the household page continues it rather than starting a second."""
    today = clock.today()
    latest = session.exec(
        select(Visit)
        .where(
            Visit.household_id == household.id,
            Visit.recorded_by_id == by.id,
            col(Visit.reached).is_(True),
        )
        .order_by(col(Visit.occurred_at).desc(), col(Visit.id).desc())
        .limit(1)
    ).first()
    return latest if latest and clock.local(latest.occurred_at).date() == today else None


def own_visit(session: Session, household: Household, client_uuid: str, by: User) -> Visit | None:
    """The visit this UUID names if this user recorded it on this household: what a refused
    step's card may show (never someone else's)."""
    visit = visits.stored_visit(session, normalised_uuid(client_uuid) or "")
    mine = (
        visit is not None and visit.household_id == household.id and visit.recorded_by_id == by.id
    )
    return visit if mine else None


def record(
    session: Session, household: Household, opening: VisitForm, addition: VisitForm, *, by: User
) -> Visit:
    """Record ``addition`` (a step, an outcome, or nothing: the contact alone) for the one
    person ``opening`` names, on the visit its UUID names: started from ``opening`` (how,
    when) if it is new, joined by the person if they are not on it yet. Two first steps
    racing to start it: the loser tries once more, and joins."""
    try:
        return _recorded(session, household, opening, addition, by)
    except IntegrityError:
        session.rollback()
        return _recorded(session, household, opening, addition, by)


def _recorded(session, household, opening: VisitForm, addition: VisitForm, by: User) -> Visit:
    visit = visits.repeat_of(session, opening.client_uuid, by)
    try:
        if visit is None:
            visit = visits.new_visit(session, household, opening, by=by, source=VisitSource.form)
        else:
            _join(session, household, visit, opening.person_ids[0])
        visits.add_steps(session, visit, addition, by=by)
        session.commit()
    except Invalid:
        session.rollback()
        raise
    return visit


def _join(session: Session, household: Household, visit: Visit, person_text: str) -> None:
    if visit.household_id != household.id or not visit.reached:
        raise Invalid({"client_uuid": N_("The form is out of date: open it again.")})
    person_id = whole_number(person_text)
    person = session.get(Person, person_id) if person_id is not None else None
    if person is None or person.household_id != household.id:
        raise Invalid({"person_ids": N_("Choose people of this household.")})
    if person.id not in visits.spoken_to(session, visit):
        session.add(VisitPerson(visit_id=visit.id, person_id=person.id))
        session.flush()


def occurred_at(typed: str) -> str:
    """When the step happened as the phone kept it (a step sent later), else now."""
    return typed.strip() or clock.local(clock.now()).isoformat(timespec="minutes")


class OnTheDay(BaseModel):
    """The household page's visit bar, sent with every step on a person's card: the visit it
    records on (its UUID), how it is made, and when (a step kept on the phone without signal
    is sent later with the time it was taken); with the step's own UUID and person."""

    visit_uuid: str = ""
    channel: str = ""
    occurred_at: str = ""
    client_uuid: str = ""
    person_id: str = ""

    def addition(self) -> VisitForm:
        """The contact alone: the person joins the visit."""
        return VisitForm(client_uuid=self.client_uuid)


def opening(session: Session, household: Household, by: User, day: OnTheDay) -> VisitForm:
    """The visit a card step records on: the one the page names, else the one started here
    today (a page without script names none), else a new home visit, now."""
    visit_uuid = day.visit_uuid
    if not visit_uuid.strip():
        today = visit_of_today(session, household, by)
        visit_uuid = today.client_uuid if today else new_client_uuid()
    when = occurred_at(day.occurred_at)
    return VisitForm(
        client_uuid=_of_the_day(session, visit_uuid, when),
        channel=day.channel or Channel.home_visit,
        reached="yes",
        person_ids=[day.person_id],
        occurred_at=when,
    )


def _of_the_day(session: Session, visit_uuid: str, when: str) -> str:
    """A page kept on the phone names the visit it was downloaded with, maybe an earlier day's:
    a step taken on another day starts (or joins) that day's visit instead, under a UUID drawn
    from both, so that every step of that day and every resend names the same one."""
    named = visits.stored_visit(session, normalised_uuid(visit_uuid) or "")
    try:
        day = date.fromisoformat(when.strip()[:10])
    except ValueError:
        return visit_uuid  # check_visit says what is wrong with the time
    if named is None or clock.local(named.occurred_at).date() == day:
        return visit_uuid
    return str(uuid.uuid5(uuid.UUID(named.client_uuid), day.isoformat()))


def calculation_on_card(
    session: Session,
    household: Household,
    person: Person,
    inputs: Inputs,
    visit: Visit | None,
    day: OnTheDay,
    *,
    by: User,
) -> tuple[Calculation, Visit]:
    """A calculation worked out in a person's card, saved with its step on ``visit`` (the
    visit page's) or the day's visit: both, or neither. Sent again (its step's UUID known),
    what was stored answers and nothing more is saved."""
    known = visits.step_named(session, day.client_uuid)
    if known is not None and known.calculation_id is not None:
        return session.get(Calculation, known.calculation_id), session.get(Visit, known.visit_id)
    calc_year = clock.today().year
    options, _shown = calculations.side_by_side(effective_parameters(session), inputs)
    calculation = calculations.add_calculation(
        session, person, calc_year, inputs.person, options, inputs.assumptions, by=by
    )
    addition = visits.calculation_step(calculation, day.client_uuid)
    if visit is None:
        return calculation, record(
            session, household, opening(session, household, by, day), addition, by=by
        )
    try:
        visits.add_steps(session, visit, addition, by=by)
    except Invalid:
        session.rollback()
        raise
    return calculation, visit
