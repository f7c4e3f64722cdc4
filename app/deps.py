"""Request dependencies: who is calling, what they may do, and the CSRF check.

Pages answer an anonymous caller with a redirect to the login page, the API with 401. A role
that may never use a route gets 403; objects outside a user's scope are looked up through
scoping helpers that answer 404.
"""

import json
import re
from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated, Any, TypeVar

from anyio.to_thread import run_sync
from fastapi import Depends, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import inspect
from sqlmodel import Session

from app.core.db import SessionDep
from app.core.i18n import N_
from app.core.security import tokens_match, unsign
from app.domain.validation import whole_number
from app.models import Role, Team, User
from app.models.auth import SessionKind
from app.services.assignments import led_team
from app.services.auth import find_session, resolve_session, session_state, settle_session

SESSION_COOKIE = "vg_session"
T = TypeVar("T")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


FORM_FIELDS = 5000
# JSON can carry half of a surrogate pair only as an escape: "\\ud800".
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def found_or_404(thing: T | None) -> T:
    """What a lookup found, or 404: absent and out of scope answer alike, so existence does
    not leak."""
    if thing is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    return thing


class LoginRequired(Exception):
    """Raised by page dependencies; answered with a redirect to /login."""


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def session_token(request: Request) -> str | None:
    return unsign(request.cookies.get(SESSION_COOKIE), "session")


def released(session: Session, user: User | None) -> User | None:
    """The user, loaded, with the session's connection back in the pool. FastAPI runs each
    dependency and the route in separate worker threads; a request waiting for its next
    thread must not hold a pooled connection, or with every thread waiting for a connection
    none is left to finish a request and give one back."""
    if user is not None and inspect(user).expired_attributes:
        session.refresh(user)
    session.close()
    return user


async def optional_user(request: Request, session: SessionDep) -> User | None:
    """On the event loop, not in a worker thread: one indexed query costs less than the trip to
    a thread and back, on every request (bench/README.md). The write a session needs at most
    once a minute goes to a thread: waiting there for another writer's lock (an import's commit
    on SQLite) holds up this request only, not every request of the process."""
    found = find_session(session, session_token(request), SessionKind.web)
    state = session_state(found, SessionKind.web)

    def settled() -> User | None:
        return released(session, settle_session(session, found, state))

    if state.writes:
        session.close()  # its connection back to the pool while the request waits for a thread
        user = await run_sync(settled)
    else:
        user = settled()
    request.state.user = user
    return user


async def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise LoginRequired
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]


def require_role(*roles: Role) -> Callable[[User], Awaitable[User]]:
    async def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, N_("You do not have access to this page.")
            )
        return user

    return check


AdminUser = Annotated[User, Depends(require_role(Role.admin))]


def chosen_team(session: Session, user: User, team_id: str) -> Team | None:
    """The team a query or form names: one the user leads (else 404), or None when it names
    none."""
    chosen = whole_number(team_id)
    return None if chosen is None else found_or_404(led_team(session, user, chosen))


_bearer = HTTPBearer(auto_error=False)


def api_user(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    token = credentials.credentials if credentials else None
    user = released(session, resolve_session(session, token, SessionKind.api))
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            N_("Sign in first: the token is missing or has expired."),
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


ApiUser = Annotated[User, Depends(api_user)]


def api_role(*roles: Role) -> Callable[[User], Awaitable[User]]:
    async def check(user: ApiUser) -> User:
        if user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, N_("Your role may not use this."))
        return user

    return check


async def verify_csrf(request: Request) -> None:
    """Every state-changing page request carries the CSRF token, as a form field or, from
    HTMX, the X-CSRF-Token header (set once on <body> via hx-headers)."""
    if request.method not in UNSAFE_METHODS:
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None and "form" in request.headers.get("content-type", ""):
        # A keyed-in walk sheet has a few fields per person: allow a village group's worth.
        sent = (await request.form(max_fields=FORM_FIELDS)).get("csrf_token")
    if not tokens_match(str(sent) if sent else None, request.state.csrf_token):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, N_("The form has expired. Reload the page and try again.")
        )


async def encodable_json(request: Request) -> None:
    """A JSON string holding half of a surrogate pair is text no database can store: refused
    with 422 naming where it was sent (the body is already read and cached by then)."""
    if "json" not in request.headers.get("content-type", ""):
        return
    body = await request.body()
    if not SURROGATE_ESCAPE.search(body):
        return
    try:
        sent = json.loads(body)
    except (ValueError, RecursionError):  # not for this route to read
        return
    problems = [
        {"type": "string_unicode", "loc": ("body", *where), "msg": "unencodable", "input": ""}
        for where in _unencodable(sent)
    ]
    if problems:
        raise RequestValidationError(problems)


def _unencodable(value: Any, where: tuple = ()) -> Iterator[tuple]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _unencodable(key, where)
            yield from _unencodable(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unencodable(item, (*where, index))
    elif isinstance(value, str) and not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError:
            yield where
