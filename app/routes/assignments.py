"""Leads cut worklists: assign by filter or ticked rows (what happens to each household
previewed first), unassign, move one member's whole list to another."""

from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request, status
from fastapi.responses import RedirectResponse

from app.core import clock
from app.core.db import SessionDep
from app.core.i18n import N_, Message
from app.core.routing import Router
from app.core.templating import render
from app.deps import require_role
from app.domain.assignments import Handover
from app.domain.codes import Role
from app.domain.validation import Invalid, whole_number
from app.models import User
from app.services import assignments, households, regions

router = Router(prefix="/assign")

Lead = Annotated[User, Depends(require_role(Role.admin, Role.lead))]
NO_ONE = N_("No one (unassign)")
CHOOSE_MEMBER = N_("Choose a member of your teams, or no one to unassign.")
MOVING = N_(
    "All %(count)s households of %(from)s go to %(to)s, who holds %(held)s now: %(from)s keeps "
    "none, and the two lists become one."
)
TAKE_FIRST = N_("Some of these households are another member's now: tick that you take them.")


def _page(request: Request, session: SessionDep, user: User, **extra):
    filters = households.HouseholdFilters.from_query(request.query_params)
    members = assignments.assignable_members(session, user)
    context = {
        "filters": filters,
        "results": households.search(session, user, filters, clock.today(), page_size=50),
        "villages": {v.id: v.name for v in regions.villages(session, within=user.region_id)},
        "members": {m.id: m.display_name for m in members},
        "member_choices": {**{m.id: m.display_name for m in members}, "none": NO_ONE},
        "query": request.query_params,
        "errors": {},
        **extra,
    }
    block = "assign_rows" if request.headers.get("hx-request") else None
    status = 422 if extra.get("errors") else 200
    return render(request, "assignments/assign.html", context, block=block, status_code=status)


@router.get("")
def assign_page(request: Request, session: SessionDep, user: Lead):
    return _page(request, session, user)


@router.post("")
def assign(
    request: Request,
    session: SessionDep,
    user: Lead,
    member_id: Annotated[str, Form()] = "",
    household_ids: Annotated[list[int], Form()] = [],  # noqa: B006 - FastAPI copies form defaults
    scope: Annotated[str, Form()] = "ticked",
    confirmed: Annotated[str, Form()] = "",
    take: Annotated[str, Form()] = "",
):
    """``scope=all`` takes every household the filters match. The first post shows what will
    happen to each; the confirmed second post changes them, and takes households from another
    member only when that was confirmed too (``take``)."""
    filters = households.HouseholdFilters.from_query(request.query_params)
    ids = (
        assignments.matching_ids(session, user, filters, clock.today())
        if scope == "all"
        else household_ids
    )
    member = whole_number(member_id)
    if member is None and member_id != "none":
        return _page(request, session, user, errors={"member_id": CHOOSE_MEMBER})
    try:
        rows = assignments.preview(session, ids, member, by=user)
        preview = {"rows": rows, "member_id": member_id, "ids": ids, "scope": scope}
        if not confirmed:
            return _page(request, session, user, preview=preview)
        if not take and any(row.handover == Handover.taken for row in rows):
            return _page(request, session, user, preview=preview, errors={"take": TAKE_FIRST})
        changed = assignments.assign(session, ids, member, by=user)
    except Invalid as invalid:
        return _page(request, session, user, errors=invalid.errors)
    except assignments.HouseholdsNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND) from None
    return _page(request, session, user, done=changed)


@router.post("/move")
def move_all(
    request: Request,
    session: SessionDep,
    user: Lead,
    from_member_id: Annotated[int, Form()] = 0,
    to_member_id: Annotated[int, Form()] = 0,
    confirmed: Annotated[str, Form()] = "",
):
    """The first post says how many households go and to whom; the confirmed second moves them
    (two lists merged cannot be told apart again but through the history)."""
    try:
        if not confirmed:
            moving = assignments.movable(session, from_member_id, to_member_id, by=user)
            return _moving(request, session, user, from_member_id, to_member_id, len(moving))
        moved = assignments.move_all(session, from_member_id, to_member_id, by=user)
    except Invalid as invalid:
        return _page(request, session, user, errors=invalid.errors)
    return RedirectResponse(f"/team?moved={moved}", status_code=303)


def _moving(request: Request, session, user: User, from_id: int, to_id: int, count: int):
    names = {m.id: m.display_name for m in assignments.assignable_members(session, user)}
    held = len(assignments.held_by(session, to_id, by=user))
    values = {"count": count, "from": names[from_id], "to": names[to_id], "held": held}
    context = {
        "question": N_("Move a member's whole list"),
        "consequence": Message(MOVING, values),
        "action": "/assign/move",
        "fields": {"from_member_id": from_id, "to_member_id": to_id},
        "confirm": N_("Move all their households"),
        "cancel": "/team",
    }
    return render(request, "confirm.html", context)
