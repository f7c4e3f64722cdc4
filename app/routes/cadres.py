"""Village cadres lead by example: the count of cadres in the employee pension per village,
and a cadre's report of their own upgrade (confirmed by the lead like any other change)."""

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse

from app.core.db import SessionDep
from app.core.routing import Router
from app.core.templating import render
from app.deps import found_or_404, require_role
from app.domain.codes import Role
from app.domain.validation import Invalid
from app.models import Region, User
from app.services import enrolment, home

router = Router(prefix="/cadres")

Overseer = Annotated[User, Depends(require_role(Role.admin, Role.lead))]
Cadre = Annotated[User, Depends(require_role(Role.cadre))]


@router.get("")
def cadre_counts_page(request: Request, session: SessionDep, user: Overseer):
    villages = enrolment.cadre_counts(session, user.region_id)
    context = {
        "region": session.get(Region, user.region_id),
        "village_cadres": villages,
        "cadres": enrolment.unit_cadres(villages),
    }
    return render(request, "cadres/list.html", context)


@router.post("/me/upgrade")
def report_own_upgrade(
    request: Request,
    session: SessionDep,
    user: Cadre,
    form: Annotated[enrolment.UpgradeForm, Form()],
):
    person = found_or_404(enrolment.own_person(session, user))
    try:
        enrolment.report_upgrade(session, person, form, by=user)
    except Invalid as invalid:
        context = home.home_context(session, user) | {"upgrade": form, "errors": invalid.errors}
        return render(request, "home/cadre.html", context, status_code=422)
    return RedirectResponse("/#my-reports", status_code=303)
