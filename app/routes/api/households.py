"""The household registry for programs: the same searches, scoping and checks as the pages."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from sqlmodel import Session

from app.core import clock
from app.core.db import SessionDep
from app.deps import ApiUser, api_role, found_or_404
from app.domain.codes import Role
from app.domain.registry import HouseholdForm
from app.domain.validation import Invalid
from app.models import Household, User
from app.routes.api.errors import api_gettext, refusals, refused
from app.routes.api.schemas import (
    HouseholdIn,
    HouseholdOut,
    HouseholdPageOut,
    HouseholdSummary,
    PersonIn,
    PersonOut,
    TimelineItemOut,
    TimelineOut,
)
from app.services import households, scope, timeline, visits

router = APIRouter(tags=["households"])

ApiRegistrar = Annotated[User, Depends(api_role(Role.admin, Role.lead))]
ApiEditor = Annotated[User, Depends(api_role(Role.admin, Role.lead, Role.member))]


def household_or_404(session: SessionDep, user: ApiUser, household_id: int) -> Household:
    return found_or_404(scope.household_for(session, user, household_id))


@router.get("/households", response_model=HouseholdPageOut)
def household_list(
    request: Request,
    user: ApiUser,
    session: SessionDep,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=households.MAX_PAGE_SIZE)] = households.PAGE_SIZE,
):
    """Filters as on the page: q, village_id, key_group, status, subsidy, plan_list, stale,
    aged_45_plus."""
    filters = households.HouseholdFilters.from_query(request.query_params)
    if filters.too_long:
        return refused(request, Invalid({"q": filters.too_long}), lambda name: ("query", name))
    found = households.search(session, user, filters, clock.today(), page, page_size)
    return HouseholdPageOut(
        items=[HouseholdSummary.of(row) for row in found.rows],
        total=found.total,
        page=found.page,
        page_size=found.page_size,
    )


@router.get("/households/{household_id}", response_model=HouseholdOut)
def household_detail(
    session: SessionDep, household: Annotated[Household, Depends(household_or_404)]
):
    return household_out(session, household)


@router.get(
    "/households/{household_id}/timeline",
    response_model=TimelineOut,
    response_model_exclude_none=True,
)
def household_timeline(
    request: Request,
    session: SessionDep,
    user: ApiUser,
    household: Annotated[Household, Depends(household_or_404)],
):
    """Everything that happened to the household and its people, newest first; each item
    carries the ids of what it concerns (visit_id, person_id, …) when it has them. The
    members' notes are for the teams: a cadre reading their own household gets none."""
    _ = api_gettext(request)
    hidden = set() if scope.may_edit(user) else {"notes"}
    items = [
        TimelineItemOut(
            kind=item.kind,
            at=item.at,
            by=item.by,
            summary=_(item.summary),
            **{name: value for name, value in item.ids.items() if name not in hidden},
        )
        for item in timeline.timeline(session, household)
    ]
    return TimelineOut(items=items)


@router.post("/households", response_model=HouseholdOut, status_code=201)
def create_household(request: Request, body: HouseholdIn, user: ApiRegistrar, session: SessionDep):
    form = HouseholdForm(**{k: "" if v is None else str(v) for k, v in body.model_dump().items()})
    try:
        household = households.create_household(session, form, by=user)
    except Invalid as invalid:
        return field_errors(request, invalid)
    return household_out(session, household)


@router.post(
    "/households/{household_id}/people",
    response_model=PersonOut,
    status_code=201,
    responses=refusals(409),
)
def add_person(
    request: Request,
    body: PersonIn,
    user: ApiEditor,
    session: SessionDep,
    household: Annotated[Household, Depends(household_or_404)],
):
    try:
        person = households.add_person(session, household, body.as_form(), by=user)
    except Invalid as invalid:
        return field_errors(request, invalid)
    except households.DuplicateIdNumber:
        message = api_gettext(request)(households.DUPLICATE_ID_MESSAGE)
        return JSONResponse({"detail": message}, status_code=409)
    return next(p for p in household_out(session, household).people if p.id == person.id)


def household_out(session: Session, household: Household) -> HouseholdOut:
    """The household with its people, how far each is with the three ones and when to follow
    each up."""
    today = clock.today()
    view = households.household_view(session, household, today)
    ids = [p.person.id for p in view.people]
    progress = visits.people_progress(session, ids)
    outcomes = visits.latest_outcomes(session, ids)
    follow_ups = {person: outcome.follow_up_on for person, outcome in outcomes.items()}
    return HouseholdOut.of(view, progress, today, follow_ups)


def field_errors(request: Request, invalid: Invalid) -> JSONResponse:
    """422 in FastAPI's own shape, each message in the caller's language."""
    _ = api_gettext(request)
    detail = [
        {"loc": ["body", name], "msg": _(message), "type": "value_error"}
        for name, message in invalid.errors.items()
    ]
    return JSONResponse({"detail": detail}, status_code=422)
