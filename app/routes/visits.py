"""Recording visits on the phone: the visit form, the visit page where the three ones and the
outcomes are added person by person, and the household's next follow-up. Every addition goes
through app.services.visits, which checks it and stores it once however often it is sent."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel
from sqlmodel import Session, col, select

from app.core import clock
from app.core.config import get_settings
from app.core.db import SessionDep
from app.core.i18n import N_
from app.core.templating import render
from app.deps import found_or_404, require_role
from app.domain.codes import OutcomeCode, Role, StepKind, VisitSource
from app.domain.validation import Invalid, whole_number
from app.domain.visits import (
    FURTHEST_FOLLOW_UP,
    EligibilityFacts,
    OutcomeForm,
    Progress,
    StepForm,
    VisitForm,
    _follow_up,
    is_eligible,
)
from app.models import (
    Household,
    LeafletVersion,
    Outcome,
    Person,
    User,
    Visit,
    VisitPerson,
    VisitStep,
)
from app.services import households, leaflets, scope, visits
from app.services.households import PersonView
from app.services.parameters import effective_parameters
from app.services.timeline import Item, timeline

router = APIRouter()

Recorder = Annotated[User, Depends(require_role(Role.admin, Role.lead, Role.member))]


def new_uuid() -> str:
    """A form's client UUID: the same form sent twice names the same visit or addition."""
    return str(uuid.uuid4())


# --- scope -------------------------------------------------------------------------------------


async def household_to_record(
    request: Request, session: SessionDep, user: Recorder, household_id: int
) -> Household:
    """A household the user may record a visit on, when the visit happened (a member's late
    entry counts for a household that was theirs then)."""
    typed = (await request.form()).get("occurred_at") if request.method == "POST" else None
    moment = _moment(str(typed or ""))
    return found_or_404(scope.household_for_visit(session, user, household_id, moment))


def _moment(text: str) -> datetime:
    """When the form says the visit happened, for the scope check only (check_visit reads it
    properly); now when it cannot tell."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return clock.now()
    return moment if moment.tzinfo else moment.replace(tzinfo=get_settings().zone)


def visit_for(session: Session, user: User, visit_id: int) -> Visit | None:
    """A visit on a household the user sees now, or one they recorded on a household that
    was theirs at the time."""
    visit = session.get(Visit, visit_id)
    if visit is None or user.role == Role.cadre:
        return None
    if scope.household_for(session, user, visit.household_id) is not None:
        return visit
    if visit.recorded_by_id == user.id and scope.household_for_visit(
        session, user, visit.household_id, visit.occurred_at
    ):
        return visit
    return None


def visit_or_404(session: SessionDep, user: Recorder, visit_id: int) -> Visit:
    return found_or_404(visit_for(session, user, visit_id))


RecordableHousehold = Annotated[Household, Depends(household_to_record)]
ScopedVisit = Annotated[Visit, Depends(visit_or_404)]


def spoken_to(session: Session, visit: Visit) -> list[int]:
    query = select(VisitPerson.person_id).where(VisitPerson.visit_id == visit.id)
    return list(session.exec(query))


def visit_reaching(session: Session, user: User, visit_id: str, person: Person) -> Visit:
    """The visit a calculation is done on: one the user may record on that reached the
    person (the calculator's save)."""
    number = whole_number(visit_id)
    visit = visit_for(session, user, number) if number is not None else None
    if visit is None or not visit.reached or person.id not in spoken_to(session, visit):
        raise HTTPException(404)
    return visit


def calculation_step(client_uuid: str, person: Person, calculation_id: int) -> VisitForm:
    step = StepForm(
        person_id=str(person.id), kind=StepKind.calculation, calculation_id=str(calculation_id)
    )
    return VisitForm(client_uuid=client_uuid, steps=[step])


# --- the visit form ----------------------------------------------------------------------------


def eligible_people(people: Iterable[Person], today: date) -> set[int]:
    """Who the three ones apply to."""
    return {
        p.id
        for p in people
        if is_eligible(
            EligibilityFacts(p.birth_date, p.insurance_status, p.retires_on, p.is_student), today
        )
    }


def _typed_now() -> str:
    """Now in business time, as a datetime-local field holds it."""
    return clock.local(clock.now()).strftime("%Y-%m-%dT%H:%M")


def _visit_form(request, session, household: Household, form: VisitForm, errors=None):
    people = list(session.exec(select(Person).where(Person.household_id == household.id)))
    context = {
        "household": household,
        "form": form,
        "errors": errors or {},
        "people": people,
        "eligible": eligible_people(people, clock.today()),
        "latest": _typed_now(),
    }
    status = 422 if errors else 200
    return render(request, "visits/form.html", context, status_code=status)


@router.get("/households/{household_id}/visits/new")
def new_visit_page(request: Request, session: SessionDep, household: RecordableHousehold):
    form = VisitForm(
        client_uuid=new_uuid(), channel="home_visit", reached="yes", occurred_at=_typed_now()
    )
    return _visit_form(request, session, household, form)


@router.post("/households/{household_id}/visits")
def record_visit(
    request: Request,
    session: SessionDep,
    user: Recorder,
    household: RecordableHousehold,
    form: Annotated[VisitForm, Form()],
):
    try:
        visit, _created = visits.record_visit(
            session, household, form, by=user, source=VisitSource.form
        )
    except Invalid as invalid:
        if "client_uuid" in invalid.errors:
            form.client_uuid = new_uuid()  # that one cannot be used: the next try can
        return _visit_form(request, session, household, form, invalid.errors)
    return RedirectResponse(f"/visits/{visit.id}", status_code=303)


# --- the visit page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonOnVisit:
    """Someone spoken to on the visit, with their three ones across every visit."""

    entry: PersonView
    eligible: bool
    progress: Progress
    leaflet: tuple[VisitStep, str] | None  # the latest leaflet handed over, with its title
    outcome: Outcome | None  # their current outcome
    leaflets: list[tuple[LeafletVersion, bool]]  # the library, those written for them first


@dataclass(frozen=True)
class Refused:
    """A form on the visit page that was refused: which, for whom, why, and what was typed."""

    form: str  # leaflet, outcome or follow_up
    person_id: int | None
    errors: dict[str, Any]
    typed: dict[str, str] = field(default_factory=dict)


def _fits(leaflet: LeafletVersion, entry: PersonView) -> bool:
    """A leaflet written for one of the person's key groups (or for everyone) and their age."""
    groups = not leaflet.key_groups or bool(set(leaflet.key_groups) & set(entry.key_groups))
    low, high = leaflet.age_from, leaflet.age_to
    return groups and (low is None or entry.age >= low) and (high is None or entry.age <= high)


def _leaflets_given(session: Session, person_ids: list[int]) -> dict[int, tuple[VisitStep, str]]:
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


def _people_on(session: Session, visit: Visit, household: Household) -> list[PersonOnVisit]:
    today = clock.today()
    ids = spoken_to(session, visit)
    entries = [
        e for e in households.household_view(session, household, today).people if e.person.id in ids
    ]
    eligible = eligible_people([e.person for e in entries], today)
    progress = visits.people_progress(session, ids)
    given = _leaflets_given(session, ids)
    outcomes = visits.latest_outcomes(session, ids)
    library = leaflets.published(session)
    found = []
    for entry in entries:
        fitting = [(leaflet, _fits(leaflet, entry)) for leaflet in library]
        person = entry.person.id
        found.append(
            PersonOnVisit(
                entry=entry,
                eligible=person in eligible,
                progress=progress[person],
                leaflet=given.get(person),
                outcome=outcomes.get(person),
                leaflets=sorted(fitting, key=lambda pair: not pair[1]),
            )
        )
    return found


def _visit_page(request, session, visit: Visit, refused: Refused | None = None):
    household = session.get(Household, visit.household_id)
    facts = visits.contact_facts(session, [household.id]).get(household.id)
    visited_on = clock.local(visit.occurred_at).date()
    context = {
        "visit": visit,
        "household": household,
        "recorded_by": session.get(User, visit.recorded_by_id),
        "people": _people_on(session, visit, household),
        "tiers": effective_parameters(session)["resident_tier_menu"].on(clock.today()).value,
        "follow_up_on": facts.follow_up_on if facts else None,
        "sets_follow_up": visits.visits_of(session, household)[0].id == visit.id,
        "visited_on": visited_on,
        "furthest_follow_up": visited_on + FURTHEST_FOLLOW_UP,
        "refused": refused,
        "new_uuid": new_uuid,
    }
    status = 422 if refused else 200
    return render(request, "visits/visit.html", context, status_code=status)


@router.get("/visits/{visit_id}")
def visit_page(request: Request, session: SessionDep, visit: ScopedVisit):
    return _visit_page(request, session, visit)


class LeafletTyped(BaseModel):
    """The leaflet form of one person on the visit page."""

    client_uuid: str = ""
    person_id: str = ""
    leaflet_id: str = ""
    leaflet_medium: str = ""

    def addition(self) -> VisitForm:
        step = StepForm(
            person_id=self.person_id,
            kind=StepKind.leaflet,
            leaflet_id=self.leaflet_id,
            leaflet_medium=self.leaflet_medium,
        )
        return VisitForm(client_uuid=self.client_uuid, steps=[step])


class OutcomeTyped(BaseModel):
    """The outcome form of one person on the visit page: the new tier and the flexible
    worker's base are separate fields, sent as the outcome's one ``to_value``."""

    client_uuid: str = ""
    person_id: str = ""
    code: str = ""
    from_value: str = ""
    to_tier: str = ""
    base_percent: str = ""
    reason: str = ""
    follow_up_on: str = ""

    def addition(self) -> VisitForm:
        flexible = self.code == OutcomeCode.join_flexible
        outcome = OutcomeForm(
            person_id=self.person_id,
            code=self.code,
            from_value=self.from_value if self.code == OutcomeCode.raise_tier else "",
            to_value=self.base_percent if flexible else self.to_tier,
            reason=self.reason,
        )
        return VisitForm(
            client_uuid=self.client_uuid, follow_up_on=self.follow_up_on, outcomes=[outcome]
        )


def _add(request, session, user, visit: Visit, kind: str, typed: LeafletTyped | OutcomeTyped):
    try:
        visits.add_steps(session, visit, typed.addition(), by=user)
    except Invalid as invalid:
        refused = Refused(kind, whole_number(typed.person_id), invalid.errors, typed.model_dump())
        return _visit_page(request, session, visit, refused)
    return RedirectResponse(f"/visits/{visit.id}#person-{typed.person_id}", status_code=303)


@router.post("/visits/{visit_id}/steps")
def add_leaflet(
    request: Request,
    session: SessionDep,
    user: Recorder,
    visit: ScopedVisit,
    typed: Annotated[LeafletTyped, Form()],
):
    return _add(request, session, user, visit, "leaflet", typed)


@router.post("/visits/{visit_id}/outcomes")
def add_outcome(
    request: Request,
    session: SessionDep,
    user: Recorder,
    visit: ScopedVisit,
    typed: Annotated[OutcomeTyped, Form()],
):
    return _add(request, session, user, visit, "outcome", typed)


@router.post("/visits/{visit_id}/follow-up")
def change_follow_up(
    request: Request,
    session: SessionDep,
    user: Recorder,
    visit: ScopedVisit,
    follow_up_on: Annotated[str, Form()] = "",
    none: Annotated[str, Form()] = "",
):
    """A new date, or none ("no follow-up"): between the visit and a year after it."""
    errors: dict[str, Any] = {}
    due_on = None
    if not none:
        occurred = clock.local(visit.occurred_at)
        # The visit's own check: set_follow_up stores what it is given.
        due_on = _follow_up(errors, follow_up_on, occurred, get_settings().zone)
        if due_on is None and not errors:
            errors["follow_up_on"] = N_("Enter a date such as 2024-06-30.")
    if errors:
        refused = Refused("follow_up", None, errors, {"follow_up_on": follow_up_on})
        return _visit_page(request, session, visit, refused)
    visits.set_follow_up(session, visit, due_on, by=user)
    return RedirectResponse(f"/visits/{visit.id}#follow-up", status_code=303)


# --- the household page ------------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdVisits:
    """What the household page shows of its visits."""

    eligible: set[int]
    progress: dict[int, Progress]
    outcomes: dict[int, Outcome]
    follow_up_on: date | None
    timeline: list[Item]


def household_visits(
    session: Session, household: Household, people: list[Person]
) -> HouseholdVisits:
    ids = [p.id for p in people]
    facts = visits.contact_facts(session, [household.id]).get(household.id)
    return HouseholdVisits(
        eligible=eligible_people(people, clock.today()),
        progress=visits.people_progress(session, ids),
        outcomes=visits.latest_outcomes(session, ids),
        follow_up_on=facts.follow_up_on if facts else None,
        timeline=timeline(session, household),
    )
