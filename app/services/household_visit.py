"""The visit recorded on the household page, person by person (the one-screen visit): the
first thing recorded for someone starts the day's visit, each later one joins it, and a
person it names who was not on it yet joins it as spoken to. Each addition names itself by its
client UUID, so a step kept on the phone without signal and sent later, or sent twice, is
stored once; a refused one writes nothing."""

from pydantic import BaseModel
from sqlmodel import Session, col, select

from app.core import clock
from app.core.i18n import N_
from app.domain.codes import Channel, VisitSource
from app.domain.validation import Invalid, whole_number
from app.domain.visits import VisitForm, new_client_uuid
from app.models import Calculation, Household, Person, User, Visit, VisitPerson
from app.services import visits


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


def record(
    session: Session, household: Household, opening: VisitForm, addition: VisitForm, *, by: User
) -> Visit:
    """Record ``addition`` (a step, an outcome, or nothing: the contact alone) for the one
    person ``opening`` names, on the visit its UUID names: started from ``opening`` (how,
    when) if it is new, joined by the person if they are not on it yet."""
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
    return VisitForm(
        client_uuid=visit_uuid,
        channel=day.channel or Channel.home_visit,
        reached="yes",
        person_ids=[day.person_id],
        occurred_at=occurred_at(day.occurred_at),
    )


def record_calculation(
    session: Session, household: Household, day: OnTheDay, calculation: Calculation, *, by: User
) -> Visit:
    """A calculation saved from a person's card is the calculation step of the day's visit."""
    addition = visits.calculation_step(calculation, day.client_uuid)
    return record(session, household, opening(session, household, by, day), addition, by=by)
