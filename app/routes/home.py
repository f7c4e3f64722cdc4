"""Each role's home page, and the account page."""

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse

from app.core.db import SessionDep
from app.core.i18n import supported
from app.core.routing import Router
from app.core.templating import render
from app.deps import CurrentUser, OptionalUser
from app.models import Role
from app.routes.auth import safe_next
from app.services import accounts, home

router = Router()

# A member's home is their worklist, a lead's their team view (the worklists issue).
HOME_PAGES = {Role.member: "/worklist", Role.lead: "/team"}
HOME_TEMPLATES = {Role.admin: "home/admin.html", Role.cadre: "home/cadre.html"}


@router.get("/")
def home_page(request: Request, session: SessionDep, user: CurrentUser):
    if user.role in HOME_PAGES:
        return RedirectResponse(HOME_PAGES[user.role], status_code=303)
    context = home.home_context(session, user)
    return render(request, HOME_TEMPLATES[user.role], context)


@router.get("/account")
def account_page(request: Request, session: SessionDep, user: CurrentUser):
    return render(request, "home/account.html", home.identity(session, user))


@router.post("/language")
def choose_language(
    session: SessionDep,
    user: OptionalUser,
    locale: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
):
    chosen = supported(locale)
    if user is not None:
        accounts.set_locale(session, user, chosen)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie("vg_lang", chosen, max_age=365 * 86400, samesite="lax")
    return response
