"""The lead's team view: per member what they carry and how far they are, unassigned
households, team members and claim pools; who is incomplete and why; which leaflets are used."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse

from app.core import clock
from app.core.db import SessionDep
from app.core.i18n import N_
from app.core.routing import Router
from app.core.templating import render
from app.deps import chosen_team, found_or_404, require_role
from app.domain.codes import Role
from app.domain.validation import Invalid, whole_number
from app.models import Region, Team, User
from app.services import accounts, assignments, auth, leaflet_usage, regions, worklists

router = Router(prefix="/team")

Lead = Annotated[User, Depends(require_role(Role.admin, Role.lead))]


def team_or_404(session: SessionDep, user: Lead, team_id: int) -> Team:
    return found_or_404(assignments.led_team(session, user, team_id))


LedTeam = Annotated[Team, Depends(team_or_404)]


@router.get("")
def team_page(request: Request, session: SessionDep, user: Lead, team_id: str = ""):
    """The user's teams, open; too many to open at once (an admin's city) one line each, and
    the one chosen open."""
    team = chosen_team(session, user, team_id)
    context = team_context(session, user, team.id if team else None)
    return render(request, "team/team.html", context)


@router.get("/incomplete")
def incomplete_page(
    request: Request,
    session: SessionDep,
    user: Lead,
    member_id: str = "",
    team_id: str = "",
    page: str = "1",
):
    """Eligible people whose three ones are not done, with what is missing and why; the
    filter's blank choice (every member) comes as an empty value. A user who leads too many
    teams to open at once (an admin's city: a million people) chooses a team first."""
    member, team = whole_number(member_id), chosen_team(session, user, team_id)
    if member is None and team is None and not assignments.opens_every_team(session, user):
        lines = assignments.team_lines(session, user)
        return render(request, "team/incomplete.html", {"lines": lines})
    number = whole_number(page) or 1
    found = worklists.incomplete(session, user, clock.today(), member, number, team)
    context = {
        "found": found,
        "member_id": member,
        "team": team,
        "members": {m.id: m.display_name for m in found.members},
    }
    return render(request, "team/incomplete.html", context)


@router.get("/leaflets")
def leaflets_page(request: Request, session: SessionDep, user: Lead):
    usage = leaflet_usage.leaflet_usage(session, user)
    return render(request, "team/leaflets.html", {"usage": usage})


def team_context(
    session, user: User, team_id: int | None = None, errors: dict | None = None
) -> dict:
    members = {m.id: m.display_name for m in assignments.assignable_members(session, user)}
    if team_id is None and not assignments.opens_every_team(session, user):
        return {"lines": assignments.team_lines(session, user), "members": members}
    views = worklists.team_views(session, user, clock.today(), team_id)
    return {
        "views": views,
        "chosen": team_id,
        "free_members": accounts.members_without_team(session, user),
        "pools": {view.team.id: assignments.pools(session, view.team) for view in views},
        "villages": {
            view.team.id: {
                v.id: v.name for v in regions.villages(session, within=view.team.region_id)
            }
            for view in views
        },
        "members": members,
        "slowed": auth.slowed_sign_ins(session, [m.member for v in views for m in v.members]),
        "errors": errors or {},
        "year": clock.today().year,
    }


def _opened(session, user: User, team: Team) -> int | None:
    """The team to show after a change to it: none in particular when every team is open (a
    lead's few), this one when they are listed one line each (an admin's city)."""
    return None if assignments.opens_every_team(session, user) else team.id


def _team_url(session, user: User, team: Team, **shown) -> str:
    """The team page after a change to the team, with what it should say (``shown``)."""
    opened = _opened(session, user, team)
    query = urlencode(({} if opened is None else {"team_id": opened}) | shown)
    return f"/team?{query}" if query else "/team"


def _back(session, user: User, team: Team, **shown) -> RedirectResponse:
    return RedirectResponse(_team_url(session, user, team, **shown), 303)


def _changed(request: Request, session, user: User, team: Team, change) -> object:
    """Apply a change to the team; a refused one shows the page again with its message."""
    try:
        change()
    except Invalid as invalid:
        session.rollback()
        context = team_context(
            session, user, _opened(session, user, team), {team.id: invalid.errors}
        )
        return render(request, "team/team.html", context, status_code=422)
    return _back(session, user, team)


@router.post("/{team_id}/members")
def add_member(
    request: Request,
    session: SessionDep,
    user: Lead,
    team: LedTeam,
    user_id: Annotated[int, Form()] = 0,
):
    change = lambda: accounts.add_to_team(session, team, user_id, by=user)  # noqa: E731
    return _changed(request, session, user, team, change)


def _member_of(session, user: User, team: Team, member_id: int) -> User:
    members = assignments.members_of(session, user, team)
    return found_or_404(next((m for m in members if m.id == member_id), None))


def _removal(request, session, user: User, team: Team, member: User, typed="", errors=None):
    """Removing a member asks first: how many households they hold, and who takes them."""
    question = assignments.hand_over_question(
        session, team, member, by=user, typed=typed, errors=errors
    )
    context = {"team": team, "member": member, "question": question}
    context["back"] = _team_url(session, user, team)
    return render(request, "team/remove.html", context, status_code=422 if errors else 200)


@router.get("/{team_id}/members/{member_id}/remove")
def removal_page(request: Request, session: SessionDep, user: Lead, team: LedTeam, member_id: int):
    return _removal(request, session, user, team, _member_of(session, user, team, member_id))


@router.post("/{team_id}/members/{member_id}/remove")
def remove_member(
    request: Request,
    session: SessionDep,
    user: Lead,
    team: LedTeam,
    member_id: int,
    successor: Annotated[str, Form()] = "",
    confirmed: Annotated[str, Form()] = "",
):
    """``successor``: the member who takes the leaving member's households, or the pool. Only a
    confirmed post removes (an old page's one-tap form gets the question)."""
    if confirmed != "1":
        return _removal(request, session, user, team, _member_of(session, user, team, member_id))
    chosen = assignments.successor_typed(successor)
    try:
        handed = accounts.remove_from_team(session, team, member_id, chosen, by=user)
    except Invalid as invalid:
        session.rollback()
        member = _member_of(session, user, team, member_id)
        return _removal(request, session, user, team, member, successor, invalid.errors)
    said = "pooled" if chosen == assignments.POOL else "moved"
    return _back(session, user, team, **({said: handed} if handed else {}))


def _lock_page(request, session, user: User, team: Team, member: User):
    action = f"/team/{team.id}/members/{member.id}/sign-in-lock"
    context = {"account": member, "action": action, "back": _team_url(session, user, team)}
    return render(request, "auth/sign_in_lock.html", context)


@router.get("/{team_id}/members/{member_id}/sign-in-lock")
def sign_in_lock_page(
    request: Request, session: SessionDep, user: Lead, team: LedTeam, member_id: int
):
    return _lock_page(request, session, user, team, _member_of(session, user, team, member_id))


@router.post("/{team_id}/members/{member_id}/sign-in-lock")
def clear_sign_in_lock(session: SessionDep, user: Lead, team: LedTeam, member_id: int):
    auth.clear_sign_in_lock(session, _member_of(session, user, team, member_id), by=user)
    return _back(session, user, team)


@router.post("/{team_id}/pools")
def open_pool(
    request: Request,
    session: SessionDep,
    user: Lead,
    team: LedTeam,
    village_id: Annotated[int, Form()] = 0,
):
    village = session.get(Region, village_id)

    def change() -> None:
        if village is None:
            raise Invalid({"village_id": N_("Choose a village in the team's region.")})
        assignments.open_pool(session, team, village, by=user)

    return _changed(request, session, user, team, change)


@router.post("/{team_id}/pools/{village_id}/close")
def close_pool(session: SessionDep, user: Lead, team: LedTeam, village_id: int):
    assignments.close_pool(session, team, village_id, by=user)
    return _back(session, user, team)


@router.post("/{team_id}/claim-days")
def set_claim_days(
    session: SessionDep, user: Lead, team: LedTeam, days: Annotated[int, Form()] = 14
):
    assignments.set_claim_idle_days(session, team, days, by=user)
    return _back(session, user, team)
