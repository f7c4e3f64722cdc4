"""The installable app (PWA): its manifest, the service worker served at the site root so its
scope covers every page, the offline fallback page, and the list of pages a member keeps on
the phone for reading without signal (离线阅读)."""

import hashlib
import json
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, Response

from app.core import clock
from app.core.db import SessionDep
from app.core.routing import Router
from app.core.templating import APP_DIR, STATIC_DIR, render, static_url
from app.deps import require_role
from app.domain.codes import Role
from app.models import User
from app.services.offline_copies import offline_copy

router = Router()

Staff = Annotated[User, Depends(require_role(Role.admin, Role.lead, Role.member))]

THEME_COLOUR = "#b4232a"  # the top bar's red (--brand in app.css)
BACKGROUND_COLOUR = "#f5f6f8"  # the page background (--bg)
OFFLINE_PAGE = "/offline"
# What every page needs, kept by the worker on install: the exact ?v= URLs pages ask for.
SHELL_FILES = (
    "app.css",
    "vendor/htmx-2.0.11.min.js",
    "htmx-errors.js",
    "limits.js",
    "pwa.js",
    "offline.js",
    "visits.js",
    "icon.svg",
    "icons/icon-192.png",
)
# Files whose change must install a new worker although no static URL names them.
WORKER_INPUTS = (
    STATIC_DIR / "sw.js",
    APP_DIR / "templates" / "base.html",
    APP_DIR / "templates" / "offline" / "page.html",
)


@router.get("/manifest.webmanifest")
def manifest():
    """The home-screen app is named in Chinese whatever the phone's language: it is what
    the teams call it (社保先锋队, social-security vanguard)."""
    icon = {"type": "image/png"}
    body = {
        "name": "社保先锋队",
        "short_name": "社保先锋队",
        "lang": "zh-CN",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {**icon, "src": static_url("icons/icon-192.png"), "sizes": "192x192"},
            {**icon, "src": static_url("icons/icon-512.png"), "sizes": "512x512"},
            {
                **icon,
                "src": static_url("icons/maskable-512.png"),
                "sizes": "512x512",
                "purpose": "maskable",
            },
        ],
    }
    return JSONResponse(body, media_type="application/manifest+json")


@router.get("/sw.js")
def service_worker():
    """Never cached by the browser, so a deploy is seen on the next visit: the served
    script names the current static URLs, and a new version makes phones install it."""
    headers = {"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"}
    return Response(worker_script(), media_type="text/javascript", headers=headers)


@lru_cache
def worker_script() -> str:
    """static/sw.js with its shell list and version filled in (read once per process, like
    the static URLs' hashes)."""
    shell = [static_url(name) for name in SHELL_FILES] + [OFFLINE_PAGE]
    digest = hashlib.sha256(json.dumps(shell).encode())
    for path in WORKER_INPUTS:
        digest.update(path.read_bytes())
    source = (STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    source = source.replace("const SHELL = [];", f"const SHELL = {json.dumps(shell)};", 1)
    return source.replace('const VERSION = "";', f'const VERSION = "{digest.hexdigest()[:12]}";', 1)


@router.get(OFFLINE_PAGE)
def offline_page(request: Request):
    """What a page opened without signal shows when the phone kept no copy of it."""
    return render(request, "offline/page.html")


@router.get("/offline/urls")
def urls_to_keep(session: SessionDep, user: Staff, since: str = ""):
    """The pages to keep, those changed since the mark ``since`` the last answer gave, and
    the mark for the next refresh."""
    copy = offline_copy(session, user, clock.today(), since)
    body = {"urls": copy.urls, "changed": copy.changed, "synced": copy.synced}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
