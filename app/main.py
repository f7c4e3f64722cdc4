"""The application factory: middleware, static files, routers and error pages."""

import gc
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.params import File
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.staticfiles import StaticFiles
from psycopg.errors import NumericValueOutOfRange
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import compile_path
from starlette.types import Scope

from app.core.config import get_settings
from app.core.db import busy, write_turn
from app.core.deployment import DeploymentCheck
from app.core.i18n import N_, gettext_for
from app.core.middleware import (
    BodyLimitMiddleware,
    CSRFCookieMiddleware,
    SecurityHeadersMiddleware,
    hardening_headers,
)
from app.core.routing import Router
from app.core.templating import STATIC_DIR, render, request_locale
from app.deps import LoginRequired, encodable_json, verify_csrf
from app.routes import (
    admin_parameters,
    assignments,
    audit,
    auth,
    back_entry,
    cadres,
    calculator,
    changes,
    dashboard,
    docs,
    follow_ups,
    home,
    households,
    imports,
    leaflets,
    offline_sync,
    password,
    people,
    pwa,
    quality,
    reports,
    statistics,
    targets,
    team,
    teams,
    users,
    visits,
    worklist,
)
from app.routes.api import router as api_router
from app.routes.api.errors import (
    NOT_JSON,
    api_gettext,
    documented_refusals,
    invalid_request,
    unprocessable,
)

SERVER_ERROR = N_("Something went wrong on our side. Please try again in a moment.")
ERROR_TITLES = {
    401: N_("Sign in first"),
    403: N_("No access"),
    404: N_("Not found"),
    405: N_("Not allowed"),
    422: N_("This value is not valid."),
}


class CachedStaticFiles(StaticFiles):
    """Static files named with a content hash (?v=…) are kept by browsers for a year."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200 and b"v=" in scope.get("query_string", b""):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


@asynccontextmanager
async def _serving(_app: FastAPI) -> AsyncIterator[None]:
    """Routes that wait on the database share settings.threads threads: no more than the pool
    has connections, and few enough not to spend the process's time passing the GIL around.

    What a started process holds for good (modules, mappers, catalogs: ~250 000 objects) is set
    aside from the cycle collector, which otherwise walks all of it in each full collection:
    0.2 s every few pages that build many objects, such as a long worklist (bench/README.md).
    """
    anyio.to_thread.current_default_thread_limiter().total_tokens = get_settings().threads
    gc.freeze()
    yield
    gc.unfreeze()


def create_app() -> FastAPI:
    app = FastAPI(
        title="Vanguard API",
        version="1",
        docs_url=None,
        redoc_url=None,
        lifespan=_serving,
        dependencies=[Depends(write_turn, scope="function")],
    )
    app.add_middleware(GZipMiddleware, minimum_size=500)
    app.add_middleware(CSRFCookieMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    if get_settings().env == "production":
        app.add_middleware(DeploymentCheck)
    app.mount("/static", CachedStaticFiles(directory=STATIC_DIR), name="static")

    pages = Router(
        dependencies=[Depends(verify_csrf), Depends(encodable_json)], include_in_schema=False
    )
    for module in (
        auth,
        password,
        home,
        households,
        people,
        imports,
        worklist,
        visits,
        back_entry,
        changes,
        cadres,
        follow_ups,
        assignments,
        team,
        users,
        audit,
        teams,
        targets,
        statistics,
        dashboard,
        reports,
        quality,
        calculator,
        leaflets,
        admin_parameters,
        docs,
        pwa,
        offline_sync,
    ):
        pages.include_router(module.router)
    app.include_router(pages)
    app.include_router(api_router)
    app.add_middleware(BodyLimitMiddleware, uploads=_upload_paths(app))
    plain_openapi = app.openapi
    app.openapi = lambda: documented_refusals(plain_openapi())

    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(OverflowError, _id_out_of_range)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(PoolTimeout, _database_busy)
    app.add_exception_handler(OperationalError, _database_busy)
    app.add_exception_handler(RequestValidationError, _malformed_request)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _server_error)
    return app


def _upload_paths(app: FastAPI) -> list[re.Pattern[str]]:
    """The routes that take a file: only these admit a body as large as an upload."""
    return [
        compile_path(context.path)[0]
        for context in iter_route_contexts(app.routes)
        if isinstance(context.route, APIRoute)
        and any(isinstance(field.field_info, File) for field in context.route.dependant.body_params)
    ]


def _login_required(request: Request, _exc: LoginRequired) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    login = f"/login?next={target}" if target != "/" else "/login"
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": login})
    return RedirectResponse(login, status_code=303)


def _id_out_of_range(request: Request, _exc: OverflowError) -> Response:
    """A record id larger than the database stores names no record (SQLite raises
    OverflowError binding it, PostgreSQL refuses it): answer as for any absent record."""
    return _http_error(request, StarletteHTTPException(404))


async def _malformed_request(request: Request, exc: RequestValidationError) -> Response:
    """A page asked for with what cannot be read (an id that is no number) answers with the
    error page in the caller's language, not FastAPI's English JSON: a malformed path names
    nothing, so 404. The API answers field by field, also in the caller's language."""
    if request.url.path.startswith("/api/"):
        return invalid_request(request, exc)
    in_path = any(error["loc"][0] == "path" for error in exc.errors())
    return _http_error(request, StarletteHTTPException(404 if in_path else 422))


def _data_error(request: Request, exc: DataError) -> Response:
    """PostgreSQL's way of saying the same: an integer out of range. Any other refusal of a
    value is a fault."""
    if isinstance(exc.orig, NumericValueOutOfRange):
        return _id_out_of_range(request, OverflowError())
    return _server_error(request, exc)


def _database_busy(request: Request, exc: Exception) -> Response:
    """A wait for a pooled connection or for SQLite's write lock cut short: the request wrote
    nothing and may be sent again, so 503 with Retry-After. Any other operational error is a
    fault."""
    if isinstance(exc, PoolTimeout) or "locked" in str(exc.orig):
        return _http_error(request, busy())
    return _server_error(request, exc)


def _server_error(request: Request, _exc: Exception) -> Response:
    """A fault: no trace shown, a plain message in the caller's language, and the hardening
    headers (this answer leaves from outside the middleware that adds them elsewhere)."""
    # The fault may have left the request's body unread: the client must not send another
    # request on this connection, which the server is about to close.
    headers = {**hardening_headers(request.url.scheme == "https"), "Connection": "close"}
    if request.url.path.startswith("/api/"):
        detail = api_gettext(request)(SERVER_ERROR)
        return JSONResponse({"detail": detail}, 500, headers=headers)
    message = gettext_for(request_locale(request))(SERVER_ERROR)
    return PlainTextResponse(message, 500, headers=headers)


def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """Messages are msgids, shown in the caller's language; Starlette's stock phrases
    ("Not Found") give way to our own titles."""
    title = ERROR_TITLES.get(exc.status_code, N_("Something went wrong"))
    stock = exc.detail == HTTPStatus(exc.status_code).phrase
    message = title if stock or not isinstance(exc.detail, str) else exc.detail
    if request.url.path.startswith("/api/"):
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError | RecursionError):
            # FastAPI's English 400 for a body json cannot decode (not UTF-8, nested too deep).
            return unprocessable(request, [(("body",), NOT_JSON, "json_invalid")])
        detail = api_gettext(request)(message)
        return JSONResponse({"detail": detail}, exc.status_code, headers=exc.headers)
    _ = gettext_for(request_locale(request))
    if request.headers.get("hx-request"):
        # Said next to the control that asked (static/htmx-errors.js), not as a page. htmx swaps
        # a 422 in place of its target (a form sent back with its errors): a sentence must not.
        status = 400 if exc.status_code == 422 else exc.status_code
        headers = {"Vary": "HX-Request", **(exc.headers or {})}
        return PlainTextResponse(_(message), status, headers=headers)
    context = {"title": _(title), "message": "" if message == title else _(message)}
    return render(
        request, "errors/error.html", context, status_code=exc.status_code, headers=exc.headers
    )


app = create_app()
