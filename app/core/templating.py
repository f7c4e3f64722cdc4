"""The Jinja2 environment and the one render helper every page and fragment goes through."""

import hashlib
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import pass_context
from jinja2.runtime import Context
from jinja2_fragments.fastapi import Jinja2Blocks
from markupsafe import Markup

from app import labels
from app.core import i18n
from app.domain.visits import new_client_uuid

APP_DIR = Path(__file__).resolve().parents[1]
STATIC_DIR = APP_DIR.parent / "static"

templates = Jinja2Blocks(directory=APP_DIR / "templates")


@pass_context
def csrf(context: Context) -> Markup:
    """The hidden field every posted form carries. A global, not a macro: an HTMX fragment renders
    only its block, where a macro imported at the template's top is undefined."""
    field = '<input type="hidden" name="csrf_token" value="{}">'
    return Markup(field).format(context.get("csrf_token", ""))


templates.env.globals["csrf"] = csrf
# A form's client UUID: sent twice, the form names the same visit or addition.
templates.env.globals["new_uuid"] = new_client_uuid


@lru_cache
def static_url(path: str) -> str:
    """A cache-busting URL: the content hash lets phones keep static files for a year."""
    digest = hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:10]
    return f"/static/{path}?v={digest}"


def request_locale(request: Request) -> str:
    user = getattr(request.state, "user", None)
    if user is not None:
        return i18n.supported(user.locale)
    return i18n.supported(request.cookies.get("vg_lang"))


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a page, or only its named ``block`` (an HTMX fragment)."""
    locale = request_locale(request)
    base = {
        "user": getattr(request.state, "user", None),
        "locale": locale,
        "locales": i18n.LOCALES,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "_": i18n.gettext_for(locale),
        "money": partial(i18n.money, locale=locale),
        "number": partial(i18n.number, locale=locale),
        "long_date": partial(i18n.long_date, locale=locale),
        "month_day": partial(i18n.month_day, locale=locale),
        "short_datetime": partial(i18n.short_datetime, locale=locale),
        "static_url": static_url,
        "labels": labels,
        "figure": partial(labels.figure, locale=locale),
    }
    return templates.TemplateResponse(
        request,
        name,
        {**base, **(context or {})},
        status_code=status_code,
        # One URL serves a page and its HTMX fragments: caches must tell them apart.
        headers={"Vary": "HX-Request", **(headers or {})},
        block_name=block,
    )
