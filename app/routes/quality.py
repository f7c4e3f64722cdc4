"""Data-quality flags for leads and admins: the month's (or year's) flags by member, each
marked reviewed with a note. Nothing is penalised automatically."""

from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from app.core import clock
from app.core.db import SessionDep
from app.core.routing import Router
from app.core.templating import render
from app.deps import chosen_team, found_or_404, require_role
from app.domain import quality as rules
from app.domain.codes import FlagKind, Role
from app.domain.metrics import Period
from app.domain.validation import Invalid, whole_number
from app.models import Team, User
from app.services import quality

router = Router(prefix="/quality")

Reviewer = Annotated[User, Depends(require_role(Role.admin, Role.lead))]
PAGE = "quality/page.html"


def _context(period: Period, **extra) -> dict:
    today = clock.today()
    return {
        "period": period,
        "period_text": period.name,
        "earlier": rules.earlier(period),
        "later": rules.later(period, today),
        "this_month": rules.period_asked("", today).name,
        "rules": rules,
        "answered": "",  # the id of the flag a review was sent for
        "errors": {},
        "typed": "",
        **extra,
    }


def _page(
    request: Request, session: SessionDep, user: User, period: Period, team: Team | None, **extra
):
    shown = quality.flags_shown(session, user, period, team)
    context = _context(period, groups=shown.groups, lines=shown.lines, team=team, **extra)
    status_code = 422 if extra.get("errors") else 200
    return render(request, PAGE, context, status_code=status_code)


def _flag(
    request: Request,
    session: SessionDep,
    user: User,
    member: User,
    kind: FlagKind,
    period: Period,
    team: Team | None,
    **extra,
):
    """The flag's <li> alone: what HTMX swaps after a review (or an attempt at one)."""
    row = quality.named_flag(session, user, member, kind, period)
    status_code = 422 if extra.get("errors") else 200
    context = _context(period, row=row, team=team, **extra)
    return render(request, PAGE, context, block="flag", status_code=status_code)


def _kind(text: str) -> FlagKind:
    if text not in FlagKind.__members__:
        raise HTTPException(404)
    return FlagKind(text)


@router.get("")
def quality_page(
    request: Request, session: SessionDep, user: Reviewer, period: str = "", team_id: str = ""
):
    team = chosen_team(session, user, team_id)
    return _page(request, session, user, rules.period_asked(period, clock.today()), team)


@router.post("/review")
def review_flag(
    request: Request,
    session: SessionDep,
    user: Reviewer,
    member_id: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    period: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    team_id: Annotated[str, Form()] = "",
):
    member = found_or_404(quality.reviewable_member(session, user, whole_number(member_id)))
    team = chosen_team(session, user, team_id)
    flag_kind = _kind(kind)
    chosen = rules.period_asked(period, clock.today())
    shown = {"answered": f"flag-{member.id}-{flag_kind}", "typed": note}
    try:
        quality.review_flag(session, user, member, flag_kind, chosen, note)
    except Invalid as invalid:
        shown["errors"] = invalid.errors
    if request.headers.get("hx-request"):
        return _flag(request, session, user, member, flag_kind, chosen, team, **shown)
    if "errors" in shown:
        return _page(request, session, user, chosen, team, **shown)
    opened = f"&team_id={team.id}" if team else ""
    return RedirectResponse(f"/quality?period={chosen.name}{opened}#{shown['answered']}", 303)
