"""Logging in and out of the pages."""

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Form, Request
from fastapi.responses import RedirectResponse

from app.core.db import SessionDep
from app.core.i18n import gettext_for
from app.core.middleware import csrf_cookie_header
from app.core.routing import Router
from app.core.security import new_token, sign
from app.core.templating import render, request_locale
from app.deps import SESSION_COOKIE, OptionalUser, client_address, session_token
from app.models.auth import SessionKind
from app.services.auth import (
    LoginRefused,
    authenticate,
    close_session,
    device_token,
    open_session,
)

router = Router()
# A phone that has signed in keeps its own allowance of failed sign-ins (app/domain/throttle.py);
# kept across sign-outs, sent only to the sign-in page.
DEVICE_COOKIE = "vg_device"
DEVICE_COOKIE_DAYS = 400


def safe_next(target: str | None) -> str:
    """Only local paths, so a crafted link cannot bounce a fresh login to another site."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, user: OptionalUser, next: str = "/"):
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "auth/login.html", {"next": safe_next(next), "username": ""})


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
):
    kept = request.cookies.get(DEVICE_COOKIE)
    try:
        user = authenticate(session, username, password, client_address(request), kept)
    except LoginRefused as refused:
        error = gettext_for(request_locale(request))(refused.message, **refused.values)
        context = {"next": safe_next(next), "username": username, "error": error}
        throttled = refused.retry_after is not None
        return render(
            request,
            "auth/login.html",
            context,
            status_code=429 if throttled else 400,
            headers={"Retry-After": retry_after_header(refused)} if throttled else None,
        )
    token, _session = open_session(session, user, SessionKind.web)
    response = RedirectResponse(safe_next(next), status_code=303)
    _set_session_cookie(request, response, sign(token, "session"))
    response.set_cookie(
        DEVICE_COOKIE,
        device_token(user, kept),
        max_age=DEVICE_COOKIE_DAYS * 86400,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/login",
    )
    response.headers.append("set-cookie", csrf_cookie_header(new_token(), request.scope))
    response.set_cookie("vg_lang", user.locale, max_age=365 * 86400, samesite="lax")
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep):
    close_session(session, session_token(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.headers.append("set-cookie", csrf_cookie_header(new_token(), request.scope))
    return response


def retry_after_header(refused: LoginRefused) -> str:
    return str(int(refused.retry_after.total_seconds()) + 1)


def _set_session_cookie(request: Request, response: RedirectResponse, value: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        value,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
