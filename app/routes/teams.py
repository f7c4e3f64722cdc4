"""Admin page listing the teams and their people."""

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse

from app.core.db import SessionDep
from app.core.routing import Router
from app.core.templating import render
from app.deps import AdminUser
from app.domain.codes import RegionLevel
from app.domain.validation import Invalid, whole_number
from app.services import accounts, regions

router = Router(prefix="/admin/teams")


def _page(request: Request, session: SessionDep, **extra):
    teams = accounts.all_teams(session)
    names = regions.path_names(session)
    context = {
        "teams": teams,
        "people": {team.id: accounts.team_people(session, team) for team in teams},
        "region_names": names,
        "team_regions": {
            r.id: names[r.id]
            for r, _depth in regions.tree(session)
            if r.level in (RegionLevel.county, RegionLevel.township)
        },
        "errors": {},
        "form": {},
        **extra,
    }
    return render(request, "teams/list.html", context, status_code=422 if extra else 200)


@router.get("")
def team_list(request: Request, session: SessionDep, admin: AdminUser):
    return _page(request, session)


@router.post("")
def create_team(
    request: Request,
    session: SessionDep,
    admin: AdminUser,
    name: Annotated[str, Form()] = "",
    region_id: Annotated[str, Form()] = "",
):
    try:
        accounts.create_team(session, name, whole_number(region_id), by=admin)
    except Invalid as invalid:
        form = {"name": name, "region_id": region_id}
        return _page(request, session, errors=invalid.errors, form=form)
    return RedirectResponse("/admin/teams", status_code=303)
