"""The leads' review of enrolment changes: confirm what members (and village cadres about
themselves) reported, or say why not."""

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse

from app.core.db import SessionDep
from app.core.i18n import N_
from app.core.routing import Router
from app.core.templating import render
from app.deps import found_or_404, require_role
from app.domain.codes import Role
from app.domain.validation import Invalid
from app.models import EnrolmentChange, User
from app.services import enrolment

router = Router(prefix="/changes")

Decider = Annotated[User, Depends(require_role(Role.admin, Role.lead))]


def change_or_404(session: SessionDep, user: Decider, change_id: int) -> EnrolmentChange:
    return found_or_404(enrolment.change_for(session, user, change_id))


ScopedChange = Annotated[EnrolmentChange, Depends(change_or_404)]


def _page(request: Request, session: SessionDep, user: User, status_code: int = 200, **extra):
    waiting, decided = enrolment.changes_to_review(session, user)
    context = {"waiting": waiting, "decided": decided, "errors": {}, "notes": {}, **extra}
    return render(request, "changes/list.html", context, status_code=status_code)


def _back():
    return RedirectResponse("/changes", status_code=303)


def _conflict(request, session, user, message: str):
    return _page(request, session, user, status_code=409, conflict=message)


@router.get("")
def change_list(request: Request, session: SessionDep, user: Decider):
    return _page(request, session, user)


@router.post("/{change_id}/confirm")
def confirm_change(request: Request, session: SessionDep, user: Decider, change: ScopedChange):
    try:
        enrolment.confirm(session, change, by=user)
    except enrolment.AlreadyDecided:
        return _conflict(request, session, user, N_("This change was already decided."))
    except enrolment.RecordChanged:
        message = N_("Someone saved this person's record meanwhile: confirm again.")
        return _conflict(request, session, user, message)
    return _back()


@router.post("/{change_id}/reject")
def reject_change(
    request: Request,
    session: SessionDep,
    user: Decider,
    change: ScopedChange,
    note: Annotated[str, Form()] = "",
):
    try:
        enrolment.reject(session, change, note, by=user)
    except Invalid as invalid:
        errors, notes = {change.id: invalid.errors}, {change.id: note}
        return _page(request, session, user, 422, errors=errors, notes=notes)
    except enrolment.AlreadyDecided:
        return _conflict(request, session, user, N_("This change was already decided."))
    return _back()
