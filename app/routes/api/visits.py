"""Visits for programs (api.md, "Visits"): the offline app sends what it recorded, the same
rules as the visit form check it, and sending it again stores nothing new. A visit recorded
offline counts for the member who held the household when it happened."""

from fastapi import APIRouter, Request, Response
from sqlmodel import Session, col, select

from app.core import clock
from app.core.db import SessionDep
from app.deps import found_or_404
from app.domain.codes import VisitSource
from app.domain.validation import Invalid
from app.models import EnrolmentChange, FollowUp, Outcome, Visit, VisitPerson, VisitStep
from app.routes.api.errors import UNPROCESSABLE, LocalisedErrors, refused
from app.routes.api.households import ApiEditor
from app.routes.api.schemas import (
    EnrolmentChangeOut,
    OutcomeOut,
    StepOut,
    VisitIn,
    VisitOut,
    attributes,
)
from app.services import scope, visits

router = APIRouter(tags=["visits"], route_class=LocalisedErrors)

REPEATED = {200: {"model": VisitOut, "description": "Sent before: the visit as first stored."}}


@router.post(
    "/visits",
    response_model=VisitOut,
    status_code=201,
    responses={**REPEATED, **UNPROCESSABLE},
)
def record_visit(
    request: Request, response: Response, body: VisitIn, user: ApiEditor, session: SessionDep
):
    """Store a visit with its steps, outcomes and follow-up, all or nothing. The household must
    be the caller's at ``occurred_at`` (404 otherwise), even if it was reassigned since."""
    try:
        known = visits.repeat_of(session, body.client_uuid, user)
        if known is not None:
            response.status_code = 200
            return visit_out(session, known)
        occurred_at = body.moment()
        household = found_or_404(
            scope.household_for_visit(session, user, body.household_id, occurred_at)
        )
        visit, created = visits.record_visit(
            session,
            household,
            body.as_form(occurred_at),
            by=user,
            source=VisitSource.api,
            kept=body.kept_calculations(),
        )
    except Invalid as invalid:
        return refused(request, invalid, in_visit)
    if not created:
        response.status_code = 200
    return visit_out(session, visit)


@router.get("/visits/{visit_id}", response_model=VisitOut)
def visit_detail(visit_id: int, user: ApiEditor, session: SessionDep):
    """A visit on a household the caller may record visits on (at the time it happened)."""
    return visit_out(session, found_or_404(scope.visit_for(session, user, visit_id)))


def in_visit(name: str) -> tuple[str | int, ...]:
    """Where the caller sent what the rules refused: ``outcomes.0`` is body → outcomes → 0;
    the rules' ``location`` is the latitude and longitude pair."""
    if name == "location":
        return ("body", "latitude")
    return ("body", *(int(part) if part.isdigit() else part for part in name.split(".")))


def visit_out(session: Session, visit: Visit) -> VisitOut:
    """The visit with everything recorded on it, including what was added after it was sent."""
    people = session.exec(select(VisitPerson.person_id).where(VisitPerson.visit_id == visit.id))
    steps = session.exec(
        select(VisitStep).where(VisitStep.visit_id == visit.id).order_by(col(VisitStep.id))
    ).all()
    outcomes = session.exec(
        select(Outcome).where(Outcome.visit_id == visit.id).order_by(col(Outcome.id))
    ).all()
    changes = session.exec(
        select(EnrolmentChange)
        .where(col(EnrolmentChange.outcome_id).in_([o.id for o in outcomes]))
        .order_by(col(EnrolmentChange.id))
    ).all()
    follow_up = session.exec(
        select(FollowUp.due_on)
        .where(FollowUp.visit_id == visit.id)
        .order_by(col(FollowUp.id).desc())
    ).first()
    return VisitOut(
        **attributes(visit, VisitOut.model_fields.keys() - {"occurred_at", "recorded_at"}),
        occurred_at=clock.local(visit.occurred_at),
        recorded_at=clock.local(visit.recorded_at),
        recorded_by=visit.recorded_by_id,
        person_ids=sorted(people),
        steps=[StepOut.model_validate(step, from_attributes=True) for step in steps],
        outcomes=[OutcomeOut.model_validate(row, from_attributes=True) for row in outcomes],
        follow_up_on=follow_up,
        enrolment_changes=[
            EnrolmentChangeOut.model_validate(change, from_attributes=True) for change in changes
        ],
    )
