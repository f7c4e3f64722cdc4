"""Admin page for the follow-up intervals: the days until the next follow-up that the visit form
suggests for each outcome and each reason nobody was reached."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse

from app.core.db import SessionDep
from app.core.routing import Router
from app.core.templating import render
from app.deps import AdminUser
from app.domain.validation import Invalid
from app.domain.visits import DEFAULT_FOLLOW_UP_DAYS
from app.services import follow_ups

router = Router(prefix="/admin/follow-ups")


async def typed_days(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: str(form[key]) for key in DEFAULT_FOLLOW_UP_DAYS if key in form}


def _page(request: Request, typed: dict[str, str], errors=None, saved: bool = False):
    context = {
        "typed": typed,
        "defaults": DEFAULT_FOLLOW_UP_DAYS,
        "errors": errors or {},
        "saved": saved,
    }
    status_code = 422 if errors else 200
    return render(request, "follow_ups/intervals.html", context, status_code=status_code)


@router.get("")
def interval_page(request: Request, session: SessionDep, admin: AdminUser, saved: str = ""):
    return _page(request, follow_ups.typed_intervals(session), saved=saved == "1")


@router.post("")
def save_intervals(
    request: Request,
    session: SessionDep,
    admin: AdminUser,
    typed: Annotated[dict[str, str], Depends(typed_days)],
):
    try:
        follow_ups.save_intervals(session, typed, by=admin)
    except Invalid as invalid:
        return _page(request, follow_ups.typed_intervals(session) | typed, invalid.errors)
    return RedirectResponse("/admin/follow-ups?saved=1", status_code=303)
