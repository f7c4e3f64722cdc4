"""Changing one's own password, which signs the user out everywhere."""

from typing import Annotated

from fastapi import Form, Request

from app.core.db import SessionDep
from app.core.middleware import csrf_cookie_header
from app.core.routing import Router
from app.core.security import new_token
from app.core.templating import render
from app.deps import SESSION_COOKIE, CurrentUser
from app.domain.passwords import MIN_LENGTH
from app.domain.validation import Invalid
from app.services import accounts

router = Router(prefix="/account/password")


@router.get("")
def password_page(request: Request, user: CurrentUser):
    return render(request, "auth/password.html", {"errors": {}, "min_length": MIN_LENGTH})


@router.post("")
def change_password(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    current: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    repeated: Annotated[str, Form()] = "",
):
    form = accounts.PasswordChange(current=current, new=new, repeated=repeated)
    try:
        accounts.change_password(session, user, form)
    except Invalid as invalid:
        context = {"errors": invalid.errors, "min_length": MIN_LENGTH}
        return render(request, "auth/password.html", context, status_code=422)
    # Signed out here too: the page says so and offers the sign-in with the new password.
    response = render(request, "auth/password.html", {"changed": True, "user": None})
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.headers.append("set-cookie", csrf_cookie_header(new_token(), request.scope))
    return response
