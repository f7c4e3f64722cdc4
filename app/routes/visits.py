"""Recording visits on the phone: the visit form, the visit page where the three ones and the
outcomes are added person by person, and the household's next follow-up. Every addition goes
through app.services.visits, which checks it and stores it once however often it is sent."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from app.core import clock
from app.core.config import get_settings
from app.core.db import SessionDep
from app.core.routing import Router
from app.core.templating import render
from app.deps import found_or_404, require_role
from app.domain.codes import OutcomeCode, Role, StepKind, VisitSource
from app.domain.validation import Invalid, whole_number
from app.domain.visits import (
    FURTHEST_FOLLOW_UP,
    OutcomeForm,
    StepForm,
    VisitForm,
    new_client_uuid,
)
from app.models import (
    Household,
    User,
    Visit,
)
from app.routes.households import show_household
from app.services import household_visit, scope, visit_views, visits
from app.services.household_visit import OnTheDay
from app.services.parameters import tiers_on_offer

router = Router()

Recorder = Annotated[User, Depends(require_role(Role.admin, Role.lead, Role.member))]


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


def visit_or_404(session: SessionDep, user: Recorder, visit_id: int) -> Visit:
    return found_or_404(scope.visit_for(session, user, visit_id))


RecordableHousehold = Annotated[Household, Depends(household_to_record)]
ScopedVisit = Annotated[Visit, Depends(visit_or_404)]


# --- the visit form ----------------------------------------------------------------------------


def _typed_now() -> str:
    """Now in business time, as a datetime-local field holds it."""
    return clock.local(clock.now()).strftime("%Y-%m-%dT%H:%M")


def _visit_form(request, session, household: Household, form: VisitForm, errors=None, block=None):
    """The form, and hidden under it the rest of the visit per person (leaflet, calculation,
    outcome) that offline.js offers once the visit is saved on the phone without signal."""
    context = {
        "household": household,
        "form": form,
        "errors": errors or {},
        "people": visit_views.people_on_form(session, household),
        "tiers": tiers_on_offer(session),
        "latest": _typed_now(),
        "furthest_follow_up": clock.today() + FURTHEST_FOLLOW_UP,
    }
    status = 422 if errors else 200
    return render(request, "visits/form.html", context, block=block, status_code=status)


@router.get("/households/{household_id}/visits/new")
def new_visit_page(request: Request, session: SessionDep, household: RecordableHousehold):
    form = VisitForm(
        client_uuid=new_client_uuid(), channel="home_visit", reached="yes", occurred_at=_typed_now()
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
            form.client_uuid = new_client_uuid()  # that one cannot be used: the next try can
        block = "visit_form_fields" if _from_card(request) else None
        return _visit_form(request, session, household, form, invalid.errors, block)
    if _from_card(request):
        context = {"household": household, "saved_visit": visit}
        return render(request, "visits/form.html", context, block="visit_saved")
    return RedirectResponse(f"/visits/{visit.id}", status_code=303)


# --- the visit page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Refused:
    """A form on the visit page that was refused: which, for whom, why, and what was typed."""

    form: str  # leaflet, outcome or follow_up
    person_id: int | None
    errors: dict[str, Any]
    typed: dict[str, str] = field(default_factory=dict)


def _visit_page(request, session, user, visit: Visit, refused: Refused | None = None, block=None):
    household = session.get(Household, visit.household_id)
    facts = visits.contact_facts(session, [household.id]).get(household.id)
    recording = visit_views.Recording.on_visit(visit)
    context = {
        "visit": visit,
        "household": household,
        "recorded_by": session.get(User, visit.recorded_by_id),
        "people": visit_views.people_on_visit(session, visit, household),
        "tiers": tiers_on_offer(session),
        "follow_up_on": facts.follow_up_on if facts else None,
        "sets_follow_up": visits.visits_of(session, household)[0].id == visit.id,
        "recording": recording if visit.reached else None,
        "may_edit": scope.may_edit(user),
        "may_reveal": scope.may_reveal_id_numbers(user),
        "revealed": {},
        "refused": refused,
    }
    status = 422 if refused else 200
    return render(request, "visits/visit.html", context, block=block, status_code=status)


@router.get("/visits/{visit_id}")
def visit_page(request: Request, session: SessionDep, user: Recorder, visit: ScopedVisit):
    return _visit_page(request, session, user, visit)


class LeafletTyped(BaseModel):
    """The leaflet form of one person's card."""

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
    """The outcome form of one person's card: the new tier and the flexible worker's base
    are separate fields, sent as the outcome's one ``to_value``; the follow-up is a chip or a
    day typed."""

    client_uuid: str = ""
    person_id: str = ""
    code: str = ""
    from_value: str = ""
    to_tier: str = ""
    base_percent: str = ""
    base_other: str = ""  # a base not among the chips
    reason: str = ""
    follow_up_on: str = ""  # a chip: empty for the usual interval
    follow_up_other: str = ""  # a day typed instead

    def addition(self) -> VisitForm:
        flexible = self.code == OutcomeCode.join_flexible
        outcome = OutcomeForm(
            person_id=self.person_id,
            code=self.code,
            from_value=self.from_value if self.code == OutcomeCode.raise_tier else "",
            to_value=(self.base_other or self.base_percent) if flexible else self.to_tier,
            reason=self.reason,
        )
        follow_up_on = self.follow_up_other or self.follow_up_on
        return VisitForm(
            client_uuid=self.client_uuid, follow_up_on=follow_up_on, outcomes=[outcome]
        )


def _add(request, session, user, visit: Visit, kind: str, typed: LeafletTyped | OutcomeTyped):
    try:
        visits.add_steps(session, visit, typed.addition(), by=user)
    except Invalid as invalid:
        refused = Refused(kind, whole_number(typed.person_id), invalid.errors, typed.model_dump())
        if _from_card(request):
            return _card(request, session, user, visit, typed.person_id, refused=refused)
        return _visit_page(request, session, user, visit, refused)
    if _from_card(request):
        return _card(request, session, user, visit, typed.person_id, saved=kind)
    return RedirectResponse(f"/visits/{visit.id}#person-{typed.person_id}", status_code=303)


def _from_card(request: Request) -> bool:
    """Sent by script (a card, the visit form): answered in place, not with a new page."""
    return bool(request.headers.get("hx-request"))


def _card(request, session, user, visit: Visit, person_text: str, *, saved=None, refused=None):
    """A person's card on the visit page, answered in place."""
    household = session.get(Household, visit.household_id)
    recording = visit_views.Recording.on_visit(visit)
    return _card_answer(
        request, session, user, household, visit, recording, person_text, saved, refused
    )


def _card_answer(request, session, user, household, visit, recording, person_text, saved, refused):
    person_id = whole_number(person_text)
    context = visit_views.card_context(
        session, household, person_id or 0, visit, user, recording, saved=saved, refused=refused
    )
    if context["p"] is None:
        raise HTTPException(404)
    status = 422 if refused else 200
    return render(request, "visits/person_card.html", context, status_code=status)


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


# --- the household page: the visit of the day, person by person ---------------------------------


class LeafletOnTheDay(LeafletTyped, OnTheDay):
    pass


class OutcomeOnTheDay(OutcomeTyped, OnTheDay):
    pass


def _on_the_day(request, session, user, household: Household, kind: str, typed: OnTheDay):
    opening = household_visit.opening(session, household, user, typed)
    saved, refused = kind, None
    try:
        visit = household_visit.record(session, household, opening, typed.addition(), by=user)
    except Invalid as invalid:
        saved = None
        refused = Refused(kind, whole_number(typed.person_id), invalid.errors, typed.model_dump())
        visit = household_visit.own_visit(session, household, opening.client_uuid, user)
    if not _from_card(request):
        if refused:
            return show_household(request, session, user, household, refused=refused)
        return RedirectResponse(f"/households/{household.id}#person-{typed.person_id}", 303)
    recording = visit_views.Recording.on_household(household)
    return _card_answer(
        request, session, user, household, visit, recording, typed.person_id, saved, refused
    )


@router.post("/households/{household_id}/visit/people")
def talked_to(
    request: Request,
    session: SessionDep,
    user: Recorder,
    household: RecordableHousehold,
    typed: Annotated[OnTheDay, Form()],
):
    return _on_the_day(request, session, user, household, "contact", typed)


@router.post("/households/{household_id}/visit/steps")
def leaflet_on_the_day(
    request: Request,
    session: SessionDep,
    user: Recorder,
    household: RecordableHousehold,
    typed: Annotated[LeafletOnTheDay, Form()],
):
    return _on_the_day(request, session, user, household, "leaflet", typed)


@router.post("/households/{household_id}/visit/outcomes")
def outcome_on_the_day(
    request: Request,
    session: SessionDep,
    user: Recorder,
    household: RecordableHousehold,
    typed: Annotated[OutcomeOnTheDay, Form()],
):
    return _on_the_day(request, session, user, household, "outcome", typed)


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
    block = "follow_up" if _from_card(request) else None
    try:
        visits.set_follow_up(session, visit, None if none else follow_up_on, by=user)
    except Invalid as invalid:
        refused = Refused("follow_up", None, invalid.errors, {"follow_up_on": follow_up_on})
        return _visit_page(request, session, user, visit, refused, block)
    if block:
        return _visit_page(request, session, user, visit, block=block)
    return RedirectResponse(f"/visits/{visit.id}#follow-up", status_code=303)
