"""The leads' review of enrolment changes: confirm what members (and village cadres about
themselves) reported, or say why not."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse

from app.core.db import SessionDep
from app.core.i18n import N_
from app.core.routing import Router
from app.core.templating import render
from app.deps import found_or_404, require_role
from app.domain.codes import Role
from app.domain.validation import Invalid, whole_number
from app.models import EnrolmentChange, User
from app.services import enrolment

router = Router(prefix="/changes")

Decider = Annotated[User, Depends(require_role(Role.admin, Role.lead))]


def change_or_404(session: SessionDep, user: Decider, change_id: int) -> EnrolmentChange:
    return found_or_404(enrolment.change_for(session, user, change_id))


ScopedChange = Annotated[EnrolmentChange, Depends(change_or_404)]


# The page of waiting changes a decision was taken on, and whether it listed the village
# cadres' changes only ("1"), sent back by its form.
Page = Annotated[str, Form()]
Cadres = Annotated[str, Form()]
ALREADY_DECIDED = N_("This change was already decided.")


def _page(
    request: Request,
    session: SessionDep,
    user: User,
    page: str,
    cadres: str,
    status_code: int = 200,
    **extra,
):
    cadres_only = cadres == "1"
    review = enrolment.changes_to_review(
        session, user, whole_number(page) or 1, cadres_only=cadres_only
    )
    context = {"review": review, "cadres_only": cadres_only, "errors": {}, "notes": {}, **extra}
    return render(request, "changes/list.html", context, status_code=status_code)


def _back(page: str, cadres: str):
    """To the page the decision was taken on: the next changes waiting move up onto it."""
    number = whole_number(page) or 1
    kept = [("cadres", "1")] if cadres == "1" else []
    kept += [("page", number)] if number > 1 else []
    return RedirectResponse(f"/changes?{urlencode(kept)}" if kept else "/changes", 303)


def _conflict(request, session, user, page: str, cadres: str, message: str):
    return _page(request, session, user, page, cadres, status_code=409, conflict=message)


@router.get("")
def change_list(
    request: Request, session: SessionDep, user: Decider, page: str = "1", cadres: str = ""
):
    return _page(request, session, user, page, cadres)


@router.post("/{change_id}/confirm")
def confirm_change(
    request: Request,
    session: SessionDep,
    user: Decider,
    change: ScopedChange,
    page: Page = "1",
    cadres: Cadres = "",
):
    try:
        enrolment.confirm(session, change, by=user)
    except enrolment.AlreadyDecided:
        return _conflict(
            request, session, user, page, cadres, N_("This change was already decided.")
        )
    except enrolment.RecordChanged:
        message = N_("Someone saved this person's record meanwhile: confirm again.")
        return _conflict(request, session, user, page, cadres, message)
    return _back(page, cadres)


@router.post("/{change_id}/reject")
def reject_change(
    request: Request,
    session: SessionDep,
    user: Decider,
    change: ScopedChange,
    note: Annotated[str, Form()] = "",
    page: Page = "1",
    cadres: Cadres = "",
):
    try:
        enrolment.reject(session, change, note, by=user)
    except Invalid as invalid:
        errors, notes = {change.id: invalid.errors}, {change.id: note}
        return _page(request, session, user, page, cadres, 422, errors=errors, notes=notes)
    except enrolment.AlreadyDecided:
        return _conflict(request, session, user, page, cadres, ALREADY_DECIDED)
    return _back(page, cadres)
