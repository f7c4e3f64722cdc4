"""Admin page listing the teams and their people."""

from fastapi import APIRouter, Request

from app.core.db import SessionDep
from app.core.templating import render
from app.deps import AdminUser
from app.services import accounts, regions

router = APIRouter(prefix="/admin/teams")


@router.get("")
def team_list(request: Request, session: SessionDep, admin: AdminUser):
    teams = accounts.all_teams(session)
    context = {
        "teams": teams,
        "people": {team.id: accounts.team_people(session, team) for team in teams},
        "region_names": regions.path_names(session),
    }
    return render(request, "teams/list.html", context)
