"""Admin pages for user accounts."""

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse

from app.core.db import SessionDep
from app.core.routing import Router
from app.core.templating import render
from app.deps import AdminUser, found_or_404
from app.domain.validation import Invalid, whole_number
from app.models import User
from app.services import accounts, assignments, auth, regions

router = Router(prefix="/admin/users")


def user_or_404(session: SessionDep, user_id: int) -> User:
    return found_or_404(session.get(User, user_id))


def _list_context(session: SessionDep) -> dict:
    users = accounts.all_users(session)
    return {
        "users": users,
        "slowed": auth.slowed_sign_ins(session, users),
        "region_names": regions.path_names(session),
        "people": accounts.linked_people(session),
        "errors": {},
        "typed": "",
    }


def _row(request: Request, session: SessionDep, user: User, errors: dict, typed: str = ""):
    """The user's row again: the swapped fragment for HTMX, the list page otherwise."""
    context = {**_list_context(session), "errors": {user.id: errors}, "typed": typed}
    if request.headers.get("hx-request"):
        return render(request, "users/list.html", {**context, "row": user}, block="user_row")
    if errors:
        return render(request, "users/list.html", context, status_code=422)
    return RedirectResponse("/admin/users", status_code=303)


@router.get("")
def user_list(request: Request, session: SessionDep, admin: AdminUser):
    return render(request, "users/list.html", _list_context(session))


def _form_page(request, session, form: accounts.NewUser, errors: dict | None = None):
    context = {
        "form": form,
        "errors": errors or {},
        "region_tree": regions.tree(session),
        "teams": accounts.all_teams(session),
        "region_names": regions.path_names(session),
    }
    return render(request, "users/new.html", context, status_code=422 if errors else 200)


@router.get("/new")
def new_user_page(request: Request, session: SessionDep, admin: AdminUser):
    return _form_page(request, session, accounts.NewUser())


@router.post("")
def create_user(
    request: Request,
    session: SessionDep,
    admin: AdminUser,
    username: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    region_id: Annotated[str, Form()] = "",
    team_ids: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies form defaults
    password: Annotated[str, Form()] = "",
):
    form = accounts.NewUser(
        username=username,
        display_name=display_name,
        role=role,
        region_id=whole_number(region_id),
        team_ids=tuple(n for n in map(whole_number, team_ids) if n is not None),
        password=password,
    )
    try:
        accounts.create_user(session, form, by=admin)
    except Invalid as invalid:
        session.rollback()
        return _form_page(request, session, form, invalid.errors)
    return RedirectResponse("/admin/users", status_code=303)


def _deactivation(request, session, admin: User, account: User, typed="", errors=None):
    """Deactivating asks first: that they are signed out everywhere, how many households they
    hold, and who takes them. In the row for HTMX, a page otherwise."""
    team = accounts.team_of(session, account)
    in_row = bool(request.headers.get("hx-request"))
    question = assignments.hand_over_question(
        session, team, account, by=admin, typed=typed, errors=errors
    )
    context = {"account": account, "in_row": in_row, "question": question}
    block = "deactivation" if in_row else None
    status = 422 if errors else 200
    return render(request, "users/deactivate.html", context, block=block, status_code=status)


@router.get("/{user_id}/deactivate")
def deactivation_page(request: Request, session: SessionDep, admin: AdminUser, user_id: int):
    account = user_or_404(session, user_id)
    try:
        accounts.check_deactivation(account, by=admin)
    except Invalid as invalid:
        return _row(request, session, account, invalid.errors)
    return _deactivation(request, session, admin, account)


@router.post("/{user_id}/active")
def set_active(
    request: Request,
    session: SessionDep,
    admin: AdminUser,
    user_id: int,
    active: Annotated[str, Form()] = "",
    successor: Annotated[str, Form()] = "",
    confirmed: Annotated[str, Form()] = "",
):
    """Reactivates at once; deactivates only once confirmed, with ``successor`` (a member of
    their team, or the pool) taking the households they hold."""
    user = user_or_404(session, user_id)
    chosen = assignments.successor_typed(successor)
    errors = {}
    try:
        if active != "1" and not confirmed:
            accounts.check_deactivation(user, by=admin)
            return _deactivation(request, session, admin, user, successor)
        accounts.set_active(session, user, active == "1", chosen, by=admin)
    except Invalid as invalid:
        session.rollback()
        if "successor" in invalid.errors:
            return _deactivation(request, session, admin, user, successor, invalid.errors)
        errors = invalid.errors
    return _row(request, session, user, errors)


@router.post("/{user_id}/person")
def link_person(
    request: Request,
    session: SessionDep,
    admin: AdminUser,
    user_id: int,
    id_number: Annotated[str, Form()] = "",
):
    user = user_or_404(session, user_id)
    errors = {}
    try:
        accounts.link_person(session, user, id_number, by=admin)
    except Invalid as invalid:
        session.rollback()
        errors = invalid.errors
    return _row(request, session, user, errors, id_number)


@router.get("/{user_id}/sign-in-lock")
def sign_in_lock_page(request: Request, session: SessionDep, admin: AdminUser, user_id: int):
    account = user_or_404(session, user_id)
    context = {"account": account, "action": f"/admin/users/{user_id}/sign-in-lock"}
    return render(request, "auth/sign_in_lock.html", {**context, "back": "/admin/users"})


@router.post("/{user_id}/sign-in-lock")
def clear_sign_in_lock(session: SessionDep, admin: AdminUser, user_id: int):
    auth.clear_sign_in_lock(session, user_or_404(session, user_id), by=admin)
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/{user_id}/password")
def confirm_password_reset(request: Request, session: SessionDep, admin: AdminUser, user_id: int):
    return render(request, "users/password.html", {"account": user_or_404(session, user_id)})


@router.post("/{user_id}/password")
def reset_password(request: Request, session: SessionDep, admin: AdminUser, user_id: int):
    user = user_or_404(session, user_id)
    password = accounts.reset_password(session, user, by=admin)
    return render(request, "users/password.html", {"account": user, "password": password})
