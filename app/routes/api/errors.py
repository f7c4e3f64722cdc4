"""Language of API messages: the caller's Accept-Language (English or, by default, Chinese)."""

from fastapi import Request

from app.core.i18n import DEFAULT_LOCALE, Gettext, gettext_for


def api_locale(request: Request) -> str:
    accepted = request.headers.get("accept-language", "").lower()
    return "en" if accepted.startswith("en") else DEFAULT_LOCALE


def api_gettext(request: Request) -> Gettext:
    return gettext_for(api_locale(request))
