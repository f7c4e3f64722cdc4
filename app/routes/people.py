"""Adding and editing the people of a household, and revealing a full ID number."""

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse

from app.core.db import SessionDep
from app.core.routing import Router
from app.core.templating import render
from app.deps import CurrentUser, found_or_404, require_role
from app.domain.codes import Role
from app.domain.registry import PersonForm
from app.domain.validation import Invalid
from app.labels import REVEAL_REASONS
from app.models import Household, Person, User
from app.routes.households import Editor, ScopedHousehold, show_household
from app.services import households, scope

router = Router()

Revealer = Annotated[User, Depends(require_role(Role.admin, Role.lead, Role.member))]


def person_or_404(session: SessionDep, user: CurrentUser, person_id: int) -> Person:
    return found_or_404(scope.person_for(session, user, person_id))


ScopedPerson = Annotated[Person, Depends(person_or_404)]


def _form_page(request, household: Household, form: PersonForm, person=None, **state):
    context = {"household": household, "form": form, "person": person, "errors": {}, **state}
    status = 409 if state.get("conflict") else 422 if state.get("errors") else 200
    return render(request, "people/form.html", context, status_code=status)


def _save_person(request, session, user, household, form, person=None, version=0):
    """Add or update; a bad form, a duplicate ID number or an edit conflict shows the form
    again with what was typed."""
    try:
        if person is None:
            person = households.add_person(session, household, form, by=user)
        else:
            households.update_person(session, person, form, version, by=user)
    except Invalid as invalid:
        return _form_page(request, household, form, person, errors=invalid.errors)
    except households.DuplicateIdNumber:
        session.rollback()
        errors = {"id_number": households.DUPLICATE_ID_MESSAGE}
        return _form_page(request, household, form, person, errors=errors)
    except households.EditConflict:
        session.refresh(person)
        return _form_page(request, household, form, person, conflict=True)
    return RedirectResponse(f"/households/{household.id}", status_code=303)


@router.get("/households/{household_id}/people/new")
def new_person_page(request: Request, user: Editor, household: ScopedHousehold):
    return _form_page(request, household, PersonForm())


@router.post("/households/{household_id}/people")
def add_person(
    request: Request,
    session: SessionDep,
    user: Editor,
    household: ScopedHousehold,
    form: Annotated[PersonForm, Form()],
):
    return _save_person(request, session, user, household, form)


@router.get("/people/{person_id}/edit")
def edit_person_page(request: Request, session: SessionDep, user: Editor, person: ScopedPerson):
    household = session.get(Household, person.household_id)
    return _form_page(request, household, households.form_for(session, person), person)


@router.post("/people/{person_id}")
def update_person(
    request: Request,
    session: SessionDep,
    user: Editor,
    person: ScopedPerson,
    form: Annotated[PersonForm, Form()],
    version: Annotated[int, Form()] = 0,
):
    household = session.get(Household, person.household_id)
    return _save_person(request, session, user, household, form, person, version)


@router.post("/people/{person_id}/reveal")
def reveal_id_number(
    request: Request,
    session: SessionDep,
    user: Revealer,
    person: ScopedPerson,
    reason: Annotated[str, Form()] = "",
):
    if reason not in REVEAL_REASONS:
        if not request.headers.get("hx-request"):
            return RedirectResponse(f"/households/{person.household_id}", status_code=303)
        context = {"person": person, "reveal_error": True, "may_reveal": True}
        return render(request, "people/id_number.html", context, status_code=422)
    number = households.reveal_id_number(session, person, reason, by=user)
    if request.headers.get("hx-request"):
        return render(request, "people/id_number.html", {"person": person, "full_number": number})
    household = session.get(Household, person.household_id)
    return show_household(request, session, user, household, revealed={person.id: number})
