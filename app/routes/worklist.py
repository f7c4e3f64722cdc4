"""The member's worklist (我的任务), the claim pool, and the paper walk sheet."""

from typing import Annotated
from urllib.parse import quote, unquote

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from app.core import clock
from app.core.db import SessionDep
from app.core.routing import Router
from app.core.templating import render
from app.deps import require_role
from app.domain.codes import Role
from app.domain.validation import search_too_long
from app.models import User
from app.services import assignments, walk_sheets, worklists
from app.services.households import SEARCH_LENGTH

router = Router(prefix="/worklist")

Member = Annotated[User, Depends(require_role(Role.member))]
SEARCH_COOKIE = "vg_worklist"
OFFLINE_COPY = "X-Offline-Copy"  # the service worker keeping the member's pages


@router.get("")
async def worklist_page(
    request: Request, session: SessionDep, user: Member, q: str | None = None, page: int = 1
):
    """The search a member typed is remembered (per phone) until they clear it. The most used
    page runs on the event loop: a few indexed queries bounded by one member's list cost less
    than the trip to a worker thread and back (bench/README.md). The first screen shows
    ROWS_PER_SCREEN rows; the phone's kept copy (static/sw.js asks with OFFLINE_COPY) holds
    every household, unsearched, with everyone's names: the phone searches it without asking
    (static/pwa.js)."""
    kept = request.headers.get(OFFLINE_COPY) == "1"
    remembered = unquote(request.cookies.get(SEARCH_COOKIE, ""))
    query = "" if kept else remembered if q is None else q.strip()
    too_long = search_too_long(query, SEARCH_LENGTH)
    today, first = clock.today(), 0 if kept else page
    screen = (
        worklists.nothing_found()
        if too_long
        else worklists.screen(session, user, today, query, first)
    )
    names = worklists.names_by_household(session, screen.household_ids) if kept else None
    context = {
        "screen": screen,
        "q": query,
        "too_long": too_long,
        "names": names,
        "claimable": assignments.claimable_count(session, user),
    }
    block = None
    if request.headers.get("hx-request"):
        block = "worklist_more" if screen.page > 1 else "worklist_rows"
    response = render(request, "worklist/worklist.html", context, block=block)
    if not kept:
        # Only the copy asked for offline is kept: a screen or a search is a part of the list.
        response.headers["Cache-Control"] = "no-store"
    if query != remembered and not kept and not too_long:
        response.set_cookie(
            SEARCH_COOKIE, quote(query), max_age=90 * 86400, samesite="lax", httponly=True
        )
    return response


@router.get("/claims")
def claim_page(request: Request, session: SessionDep, user: Member):
    # Idle claims are released when someone looks for households to claim (and by the CLI).
    assignments.release_idle_claims(session, clock.today())
    context = {"households": assignments.claimable(session, user)}
    return render(request, "worklist/claims.html", context)


@router.post("/claims")
def claim(session: SessionDep, user: Member, household_id: Annotated[int, Form()] = 0):
    if not assignments.claim(session, household_id, member=user):
        raise HTTPException(404)
    return RedirectResponse("/worklist/claims", status_code=303)


@router.get("/sheet")
def walk_sheet(request: Request, session: SessionDep, user: Member, village_group: str = ""):
    """A printable A4 sheet for villages without signal, one per village group."""
    sheets = walk_sheets.for_member(session, user, clock.today(), village_group)
    groups = walk_sheets.groups_of(session, user)
    context = {"sheets": sheets, "groups": groups, "chosen": village_group, "today": clock.today()}
    return render(request, "worklist/sheet.html", context)
