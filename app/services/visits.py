"""Recording visits and what came of them, and reading a household's state back from its
events: each person's three ones, the last contact, the next follow-up."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache

from sqlalchemy import ColumnElement, ScalarSelect, bindparam, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.core import clock
from app.core.config import get_settings
from app.core.i18n import N_, Message
from app.domain.codes import ChangeStatus, InsuranceStatus, StepKind, VisitSource
from app.domain.people import born_on_or_before
from app.domain.validation import Invalid
from app.domain.visits import (
    DEFAULT_FOLLOW_UP_DAYS,
    EligibilityFacts,
    NotDue,
    OutcomeValues,
    Progress,
    StepForm,
    StepValues,
    VisitForm,
    VisitRules,
    check_visit,
    checked_follow_up,
    normalised_uuid,
    not_due_reason,
    progress,
    suggested_follow_up,
)
from app.models import (
    Calculation,
    EnrolmentChange,
    FollowUp,
    FollowUpInterval,
    Household,
    Leaflet,
    LeafletVersion,
    Outcome,
    Person,
    User,
    Visit,
    VisitPerson,
    VisitStep,
)
from app.services import audit, calculations
from app.services.calculations import KeptCalculation
from app.services.parameters import tiers_on_offer


def eligible_condition(today: date) -> ColumnElement[bool]:
    """People the three ones apply to, as SQL (the pure twin: app.domain.visits.is_eligible)."""
    return (
        (col(Person.birth_date) <= born_on_or_before(16, today))
        & or_(col(Person.retires_on).is_(None), col(Person.retires_on) > today)
        & (col(Person.insurance_status) != InsuranceStatus.receiving)
        & col(Person.is_student).is_(False)
    )


def follow_up_days(session: Session) -> dict[str, int | None]:
    """The default intervals with the admins' changes (0 days: no follow-up)."""
    changed = {row.key: row.days or None for row in session.exec(select(FollowUpInterval))}
    return {**DEFAULT_FOLLOW_UP_DAYS, **changed}


def rules_for(session: Session, household: Household) -> VisitRules:
    now = clock.now()
    people = session.exec(select(Person.id).where(Person.household_id == household.id)).all()
    return VisitRules(
        now=now,
        zone=get_settings().zone,
        household_people=set(people),
        tiers=set(tiers_on_offer(session)),
        follow_up_days=follow_up_days(session),
    )


# --- recording ---------------------------------------------------------------------------------


def stored_visit(session: Session, client_uuid: str) -> Visit | None:
    return session.exec(select(Visit).where(Visit.client_uuid == client_uuid)).first()


def record_visit(
    session: Session,
    household: Household,
    form: VisitForm,
    *,
    by: User,
    source: VisitSource,
    kept: Mapping[int, KeptCalculation] | None = None,
) -> tuple[Visit, bool]:
    """Store a visit with its steps, outcomes and follow-up, all or nothing. A client UUID seen
    before answers the stored visit and writes nothing (``False``). ``kept`` are comparisons
    the phone showed offline, by the index of their calculation step: each is saved as the
    step's calculation."""
    known = repeat_of(session, form.client_uuid, by)
    if known is not None:
        return known, False
    try:
        visit = new_visit(session, household, form, by=by, source=source, kept=kept)
        session.commit()
    except IntegrityError:
        # Two sends of one visit racing: the loser's insert fails on the UUID (at the flush or
        # the commit) and it answers the winner's visit.
        session.rollback()
        known = repeat_of(session, form.client_uuid, by)
        if known is None:
            raise
        return known, False
    return visit, True


def new_visit(
    session: Session,
    household: Household,
    form: VisitForm,
    *,
    by: User,
    source: VisitSource,
    kept: Mapping[int, KeptCalculation] | None = None,
) -> Visit:
    """The visit checked and added to the session with its steps, outcomes and follow-up,
    not yet committed (Invalid, naming every field that is wrong, adds nothing)."""
    rules = rules_for(session, household)
    values = check_visit(form, rules)
    _check_references(session, values.steps)
    values = replace(values, steps=_with_kept(session, values.steps, kept or {}, by))
    visit = Visit(
        client_uuid=values.client_uuid,
        household_id=household.id,
        recorded_by_id=by.id,
        occurred_at=values.occurred_at,
        recorded_at=rules.now,
        channel=values.channel,
        reached=values.reached,
        not_reached_reason=values.not_reached_reason,
        notes=values.notes,
        latitude=values.latitude,
        longitude=values.longitude,
        source=source,
    )
    session.add(visit)
    session.flush()
    session.add_all(VisitPerson(visit_id=visit.id, person_id=p) for p in values.person_ids)
    for step in values.steps:
        _add_step(session, visit, step, None, by)
    for outcome in values.outcomes:
        _add_outcome(session, visit, outcome, None, by, values.follow_up_on, rules)
    reasons = [o.code for o in values.outcomes] + [values.not_reached_reason or ""]
    due = values.follow_up_on or _suggested(visit, reasons, rules)
    _add_follow_up(session, visit, due, by)
    audit.record(
        session, "visit_recorded", user=by, target=f"household:{household.id}", visit=visit.id
    )
    return visit


def repeat_of(session: Session, client_uuid: str, by: User) -> Visit | None:
    """The visit this UUID already stored (a retry answers it whoever holds the household
    now); someone else's UUID is refused."""
    known = stored_visit(session, normalised_uuid(client_uuid) or "")
    if known is not None and known.recorded_by_id != by.id:
        raise Invalid({"client_uuid": N_("The form is out of date: open it again.")})
    return known


def _check_references(session: Session, steps: Iterable[StepValues]) -> None:
    errors = {}
    for index, step in enumerate(steps):
        if step.calculation_id is not None:
            calculation = session.get(Calculation, step.calculation_id)
            if calculation is None or calculation.person_id != step.person_id:
                errors[f"steps.{index}"] = N_("Attach a calculation saved for this person.")
        if step.leaflet_id is not None:
            leaflet = session.get(Leaflet, step.leaflet_id)
            if leaflet is None or leaflet.version == 0:
                errors[f"steps.{index}"] = N_("Choose a leaflet from the library.")
    if errors:
        raise Invalid(errors)


def _with_kept(
    session: Session,
    steps: tuple[StepValues, ...],
    kept: Mapping[int, KeptCalculation],
    by: User,
) -> tuple[StepValues, ...]:
    """The steps with the kept comparisons saved as their calculations; one the calculator
    refuses refuses the visit, naming whose it is, and nothing is written."""
    errors: dict[str, str | Message] = {}
    steps = list(steps)
    for index, comparison in kept.items():
        if steps[index].kind != StepKind.calculation or steps[index].calculation_id is not None:
            errors[f"steps.{index}"] = ONE_CALCULATION
            continue
        person = session.get(Person, steps[index].person_id)
        try:
            saved = calculations.add_kept(session, person, comparison, by=by)
        except Invalid as invalid:
            for name, problem in invalid.errors.items():
                problem = problem if isinstance(problem, Message) else Message(problem, {})
                values = {"name": person.name, "problem": problem}
                errors[f"steps.{index}.calculation.{name}"] = Message(KEPT_REFUSED, values)
            continue
        steps[index] = replace(steps[index], calculation_id=saved.id)
    if errors:
        session.rollback()
        raise Invalid(errors)
    return tuple(steps)


ONE_CALCULATION = N_(
    "A kept calculation goes on a calculation step of its own, without a saved one."
)
KEPT_REFUSED = N_("The calculation for %(name)s could not be saved: %(problem)s")


def _suggested(visit: Visit, reasons: list[str], rules: VisitRules) -> date | None:
    visited_on = clock.local(visit.occurred_at).date()
    return suggested_follow_up(visited_on, reasons, rules.follow_up_days)


def _add_step(session, visit: Visit, step: StepValues, client_uuid: str | None, by: User):
    leaflet = session.get(Leaflet, step.leaflet_id) if step.leaflet_id is not None else None
    row = VisitStep(
        client_uuid=client_uuid,
        visit_id=visit.id,
        person_id=step.person_id,
        kind=step.kind,
        calculation_id=step.calculation_id,
        leaflet_id=step.leaflet_id,
        leaflet_version=leaflet.version if leaflet else None,
        leaflet_medium=step.leaflet_medium,
        recorded_by_id=by.id,
        recorded_at=clock.now(),
    )
    session.add(row)
    return row


def _add_outcome(
    session,
    visit: Visit,
    outcome: OutcomeValues,
    client_uuid: str | None,
    by: User,
    typed_follow_up: date | None,
    rules: VisitRules,
):
    """The outcome with its person's own follow-up: the date typed with it, else the usual
    interval for its code."""
    row = Outcome(
        client_uuid=client_uuid,
        visit_id=visit.id,
        person_id=outcome.person_id,
        code=outcome.code,
        from_value=outcome.from_value,
        to_value=outcome.to_value,
        reason=outcome.reason,
        follow_up_on=typed_follow_up or _suggested(visit, [outcome.code], rules),
        recorded_by_id=by.id,
        recorded_at=clock.now(),
    )
    session.add(row)
    session.flush()
    if outcome.is_change:
        session.add(
            EnrolmentChange(
                person_id=outcome.person_id,
                outcome_id=row.id,
                kind=outcome.code,
                from_value=outcome.from_value,
                to_value=outcome.to_value,
                effective_on=clock.local(visit.occurred_at).date(),
                reported_by_id=by.id,
                reported_at=row.recorded_at,
            )
        )
    return row


def _add_follow_up(session, visit: Visit, due_on: date | None, by: User) -> None:
    session.add(
        FollowUp(
            household_id=visit.household_id,
            visit_id=visit.id,
            due_on=due_on,
            recorded_by_id=by.id,
            recorded_at=clock.now(),
        )
    )


# --- adding to a visit afterwards (the visit page: one step at a time) --------------------------


def add_steps(session: Session, visit: Visit, form: VisitForm, *, by: User) -> None:
    """The calculation or leaflet of people spoken to on a reached visit; ``form`` carries
    the visit's channel and people, and the new steps and outcomes. Its UUID names this
    addition: sent twice, it is stored once."""
    if _added_before(session, form.client_uuid):
        return
    rules = rules_for(session, _household(session, visit))
    values = check_visit(_addition(session, visit, form), rules)
    _check_references(session, values.steps)
    for index, step in enumerate(values.steps):
        _add_step(session, visit, step, _part(values.client_uuid, index), by)
    for index, outcome in enumerate(values.outcomes):
        part = _part(values.client_uuid, index)
        _add_outcome(session, visit, outcome, part, by, values.follow_up_on, rules)
    if values.outcomes:
        reasons = [o.code for o in _outcomes_of(session, visit)]
        _add_follow_up(session, visit, values.follow_up_on or _suggested(visit, reasons, rules), by)
    audit.record(
        session,
        "visit_added_to",
        user=by,
        target=f"household:{visit.household_id}",
        visit=visit.id,
    )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()  # the same addition sent twice at once: the first one stands


def calculation_step(calculation: Calculation, client_uuid: str) -> VisitForm:
    """The addition that makes a calculation worked out for someone their calculation step."""
    step = StepForm(
        person_id=str(calculation.person_id),
        kind=StepKind.calculation,
        calculation_id=str(calculation.id),
    )
    return VisitForm(client_uuid=client_uuid, steps=[step])


def set_follow_up(session: Session, visit: Visit, typed: str | None, *, by: User) -> None:
    """A new follow-up date for the visit's household as typed, or None for no follow-up."""
    zone = get_settings().zone
    due_on = None if typed is None else checked_follow_up(typed, visit.occurred_at, zone)
    _add_follow_up(session, visit, due_on, by)
    audit.record(
        session,
        "follow_up_set",
        user=by,
        target=f"household:{visit.household_id}",
        visit=visit.id,
        due_on=due_on.isoformat() if due_on else None,
    )
    session.commit()


def _household(session: Session, visit: Visit) -> Household:
    return session.get(Household, visit.household_id)


def spoken_to(session: Session, visit: Visit) -> list[int]:
    query = select(VisitPerson.person_id).where(VisitPerson.visit_id == visit.id)
    return list(session.exec(query))


def _addition(session: Session, visit: Visit, form: VisitForm) -> VisitForm:
    """What is added, checked as part of the visit it belongs to."""
    return form.model_copy(
        update={
            "channel": visit.channel,
            "reached": "yes" if visit.reached else "no",
            "not_reached_reason": visit.not_reached_reason or "",
            "person_ids": [str(p) for p in spoken_to(session, visit)],
            "occurred_at": clock.local(visit.occurred_at).isoformat(),
        }
    )


def _part(client_uuid: str, index: int) -> str:
    return client_uuid if index == 0 else f"{client_uuid[:-4]}{index:04x}"


def step_named(session: Session, client_uuid: str) -> VisitStep | None:
    """The step stored under this addition's UUID, if any."""
    key = normalised_uuid(client_uuid) or ""
    return session.exec(select(VisitStep).where(VisitStep.client_uuid == key)).first()


def _added_before(session: Session, client_uuid: str) -> bool:
    key = normalised_uuid(client_uuid) or ""
    step = session.exec(select(VisitStep.id).where(VisitStep.client_uuid == key)).first()
    outcome = session.exec(select(Outcome.id).where(Outcome.client_uuid == key)).first()
    return step is not None or outcome is not None


def _outcomes_of(session: Session, visit: Visit) -> list[Outcome]:
    return list(session.exec(select(Outcome).where(Outcome.visit_id == visit.id)))


# --- state derived from the events --------------------------------------------------------------


def not_due(people: Iterable[Person], today: date) -> dict[int, NotDue]:
    """Those of these people the three ones are not due for, each with the reason."""
    reasons = {
        p.id: not_due_reason(
            EligibilityFacts(p.birth_date, p.insurance_status, p.retires_on, p.is_student), today
        )
        for p in people
    }
    return {person: reason for person, reason in reasons.items() if reason is not None}


def people_progress(session: Session, person_ids: list[int]) -> dict[int, Progress]:
    """Each person's three ones across all visits."""
    contacted = session.exec(
        select(VisitPerson.person_id)
        .join(Visit, col(Visit.id) == VisitPerson.visit_id)
        .where(col(VisitPerson.person_id).in_(person_ids), col(Visit.reached).is_(True))
    ).all()
    steps = session.exec(
        select(VisitStep.person_id, VisitStep.kind).where(col(VisitStep.person_id).in_(person_ids))
    ).all()
    return progress(person_ids, contacted, [(p, StepKind(k)) for p, k in steps])


@dataclass(frozen=True)
class ContactFacts:
    last_contact: date | None = None
    follow_up_on: date | None = None


def contact_facts(session: Session, household_ids: list[int]) -> dict[int, ContactFacts]:
    """Per household: the day of the last visit that reached someone, and the follow-up set on
    its latest visit."""
    if not household_ids:
        return {}
    rows = session.exec(_contact_query(), params={"household_ids": household_ids})
    facts = {h: contact_facts_of(moment, due) for h, moment, due in rows}
    return {h: fact for h, fact in facts.items() if fact != ContactFacts()}


def contact_facts_of(last_contact: datetime | None, follow_up_on: date | None) -> ContactFacts:
    """The facts from what contact_columns() read."""
    contacted = clock.local(last_contact).date() if last_contact else None
    return ContactFacts(contacted, follow_up_on)


@cache
def _contact_query():
    """Built once, run for every household page: building it costs more than running it."""
    households = bindparam("household_ids", expanding=True)
    return select(Household.id, *contact_columns()).where(col(Household.id).in_(households))


def contact_columns() -> tuple[ScalarSelect, ScalarSelect]:
    """For the Household row of the query around them: the moment of its last visit that
    reached someone, and the due day of the follow-up set on its latest visit."""
    last = select(func.max(Visit.occurred_at)).where(
        Visit.household_id == Household.id, col(Visit.reached).is_(True)
    )
    latest_visit = (
        select(Visit.id)
        .where(Visit.household_id == Household.id)
        .order_by(col(Visit.occurred_at).desc(), col(Visit.id).desc())
        .limit(1)
        .correlate(Household)  # two levels out: not found on its own
        .scalar_subquery()
    )
    due = (
        select(FollowUp.due_on)
        .where(FollowUp.visit_id == latest_visit)
        .order_by(col(FollowUp.id).desc())
        .limit(1)
    )
    return last.scalar_subquery(), due.scalar_subquery()


def latest_outcomes(session: Session, person_ids: list[int]) -> dict[int, Outcome]:
    """Each person's current outcome: the latest recorded on their latest visit."""
    rows = session.exec(
        select(Outcome)
        .join(Visit, col(Visit.id) == Outcome.visit_id)
        .where(col(Outcome.person_id).in_(person_ids))
        .order_by(col(Visit.occurred_at), col(Outcome.id))
    )
    return {row.person_id: row for row in rows}


def change_statuses(session: Session, outcomes: Mapping[int, Outcome]) -> dict[int, ChangeStatus]:
    """By person: where the enrolment change their outcome reported stands (a lead confirms
    it); outcomes that report no change are left out."""
    person_of = {o.id: person for person, o in outcomes.items()}
    rows = session.exec(
        select(EnrolmentChange.outcome_id, EnrolmentChange.status).where(
            col(EnrolmentChange.outcome_id).in_(person_of)
        )
    )
    return {person_of[outcome]: ChangeStatus(status) for outcome, status in rows}


def leaflets_given(session: Session, person_ids: list[int]) -> dict[int, tuple[VisitStep, str]]:
    """Each person's latest leaflet handed over, with the title of the version given."""
    rows = session.exec(
        select(VisitStep, LeafletVersion.title)
        .outerjoin(
            LeafletVersion,
            (col(LeafletVersion.leaflet_id) == VisitStep.leaflet_id)
            & (col(LeafletVersion.version) == VisitStep.leaflet_version),
        )
        .where(col(VisitStep.person_id).in_(person_ids), VisitStep.kind == StepKind.leaflet)
        .order_by(col(VisitStep.id))
    )
    return {step.person_id: (step, title or "") for step, title in rows}


def visits_of(session: Session, household: Household) -> list[Visit]:
    query = (
        select(Visit)
        .where(Visit.household_id == household.id)
        .order_by(col(Visit.occurred_at).desc(), col(Visit.id).desc())
    )
    return list(session.exec(query))


def occurred(visit: Visit) -> datetime:
    return clock.local(visit.occurred_at)
