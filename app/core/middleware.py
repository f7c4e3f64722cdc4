"""Browser-facing protections applied to every response."""

import re
from collections.abc import Callable, Sequence

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.config import get_settings
from app.core.i18n import N_
from app.core.security import new_token

TOO_LARGE = N_("This is more than can be sent at once: split it into smaller parts.")

CSRF_COOKIE = "vg_csrf"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def hardening_headers(https: bool) -> dict[str, str]:
    """The headers every response carries (the server-error page sets them itself: it is sent
    from outside the middleware)."""
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }
    if https:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return headers


class _ResponseHeadersMiddleware:
    """Lets a subclass edit the headers of every HTTP response as it starts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def header_editor(self, scope: Scope) -> Callable[[MutableHeaders], None]:
        raise NotImplementedError

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        edit = self.header_editor(scope)

        async def send_edited(message: Message) -> None:
            if message["type"] == "http.response.start":
                edit(MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_edited)


class SecurityHeadersMiddleware(_ResponseHeadersMiddleware):
    """A strict CSP (no inline script anywhere), the usual hardening headers and, over https,
    every cookie Secure (the scheme is the proxy's X-Forwarded-Proto when uvicorn trusts it:
    FORWARDED_ALLOW_IPS). Over plain http, as in dev, cookies must stay usable."""

    def header_editor(self, scope: Scope) -> Callable[[MutableHeaders], None]:
        https = scope.get("scheme") == "https"

        def edit(headers: MutableHeaders) -> None:
            for name, value in hardening_headers(https).items():
                headers.setdefault(name, value)
            if https:
                _secure_cookies(headers)

        return edit


def _secure_cookies(headers: MutableHeaders) -> None:
    cookies = headers.getlist("set-cookie")
    plain = [cookie for cookie in cookies if "; secure" not in cookie.lower()]
    if not plain:
        return
    del headers["set-cookie"]
    for cookie in cookies:
        headers.append("set-cookie", f"{cookie}; Secure" if cookie in plain else cookie)


class CSRFCookieMiddleware(_ResponseHeadersMiddleware):
    """Gives every browser a CSRF secret cookie (double-submit); forms and HTMX send it back.

    The value is put on ``request.state.csrf_token`` for templates; the check itself is
    ``app.deps.verify_csrf``. Signing in and out rotates it (``csrf_cookie_header``).
    """

    def header_editor(self, scope: Scope) -> Callable[[MutableHeaders], None]:
        existing = _cookie(scope, CSRF_COOKIE)
        token = existing or new_token()
        scope.setdefault("state", {})["csrf_token"] = token

        def edit(headers: MutableHeaders) -> None:
            rotated = f"{CSRF_COOKIE}=" in ";".join(headers.getlist("set-cookie"))
            if not existing and not rotated:
                headers.append("set-cookie", csrf_cookie_header(token, scope))

        return edit


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            return cookie_parser(value.decode("latin-1")).get(name) or None
    return None


def csrf_cookie_header(token: str, scope: Scope) -> str:
    secure = "; Secure" if scope.get("scheme") == "https" else ""
    return f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}"


class BodyLimitMiddleware:
    """Bounds each request body by its kind's cap (settings): files sent to the routes that take
    them, the JSON API, and forms. A body declared larger is refused before a byte of it is
    read, one streamed without a length as soon as it passes the cap. The refusal is raised
    where the route reads the body, so it is answered as any error is, in the caller's language.
    Any other body is read whole into memory by the framework, hence the small caps."""

    def __init__(self, app: ASGIApp, uploads: Sequence[re.Pattern[str]]) -> None:
        self.app = app
        self.uploads = uploads

    def cap(self, scope: Scope, headers: Headers) -> int:
        settings = get_settings()
        path = scope["path"]
        multipart = headers.get("content-type", "").startswith("multipart/form-data")
        if multipart and any(upload.match(path) for upload in self.uploads):
            return settings.upload_max_bytes
        return settings.json_max_bytes if path.startswith("/api/") else settings.form_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cap = self.cap(scope, headers)
        declared = headers.get("content-length", "")
        received = 0

        async def bounded() -> Message:
            nonlocal received
            if declared.isdigit() and int(declared) > cap:
                raise _too_large()
            message = await receive()
            received += len(message.get("body", b""))
            if received > cap:
                raise _too_large()
            return message

        await self.app(scope, bounded, send)


def _too_large() -> HTTPException:
    # The rest of the body stays unread: the connection cannot carry another request.
    return HTTPException(413, TOO_LARGE, headers={"Connection": "close"})
