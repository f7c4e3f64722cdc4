"""Worklists and assignments for programs (the offline app syncs the worklist)."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from app.core import clock
from app.core.db import SessionDep
from app.deps import api_role
from app.domain.codes import Role
from app.domain.validation import Invalid
from app.models import User
from app.routes.api.households import field_errors
from app.services import assignments, worklists

router = APIRouter(tags=["worklists"])

ApiMember = Annotated[User, Depends(api_role(Role.member))]
ApiLead = Annotated[User, Depends(api_role(Role.admin, Role.lead))]


class WorklistItem(BaseModel):
    household_id: int
    section: Literal["due", "new", "plan", "other"]
    follow_up_on: date | None = Field(description="The next follow-up, set on the latest visit.")
    last_contact: date | None = Field(description="The day of the last visit that reached someone.")
    overdue: bool = Field(description="The follow-up day has passed.")
    address: str
    village_name: str
    head_name: str | None
    phone: str | None
    people_count: int
    three_ones_done: int = Field(description="Steps done, summed over the eligible people.")
    three_ones_total: int = Field(description="Three for each person the three ones apply to.")
    version: int


class WorklistOut(BaseModel):
    items: list[WorklistItem]
    etag: str


@router.get("/worklist", response_model=WorklistOut)
def worklist(request: Request, session: SessionDep, user: ApiMember):
    """The member's households in priority order. ``etag`` changes whenever the list does; an
    ``If-None-Match`` with the current one answers 304."""
    entries = worklists.worklist(session, user, clock.today())
    tag = worklists.etag(entries)
    if request.headers.get("if-none-match") == tag:
        return JSONResponse(None, status_code=304, headers={"ETag": tag})
    items = [
        WorklistItem(
            household_id=e.household.id,
            section=e.section,
            follow_up_on=e.follow_up_on,
            last_contact=e.last_contact,
            overdue=e.overdue,
            address=e.household.address,
            village_name=e.village_name,
            head_name=e.head_name,
            phone=e.phone,
            people_count=e.people_count,
            three_ones_done=e.three_ones_done,
            three_ones_total=e.three_ones_total,
            version=e.household.version,
        )
        for e in entries
    ]
    body = WorklistOut(items=items, etag=tag)
    return JSONResponse(body.model_dump(mode="json"), headers={"ETag": tag})


class AssignmentIn(BaseModel):
    household_ids: list[int]
    member_id: int | None


class AssignmentOut(BaseModel):
    assigned: int


@router.post("/assignments", response_model=AssignmentOut)
def assign(request: Request, body: AssignmentIn, session: SessionDep, user: ApiLead):
    """Give households to a member of the caller's teams (``member_id`` null: unassign).
    A household absent or outside the caller's scope answers 404 and nothing changes."""
    try:
        changed = assignments.assign(session, body.household_ids, body.member_id, by=user)
    except Invalid as invalid:
        return field_errors(request, invalid)
    except assignments.HouseholdsNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND) from None
    return AssignmentOut(assigned=changed)
