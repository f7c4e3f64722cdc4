"""Admin page for the calculator's parameters: every series with the figure in force, its
source and confidence (待核实 when unconfirmed), and new dated figures."""

from typing import Annotated

from fastapi import Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from app.core import clock
from app.core.db import SessionDep
from app.core.routing import Router
from app.core.templating import render
from app.deps import AdminUser
from app.domain.validation import Invalid
from app.services import parameters

router = Router(prefix="/admin/parameters")


def _page(request: Request, session: SessionDep, **extra):
    in_force, rows = parameters.overview(session, clock.today())
    context = {
        "version": in_force.version,
        "rows": rows,
        "today": clock.today(),
        "regions": parameters.regions(),
        "open_series": None,
        "form": parameters.EntryForm(),
        "plain": parameters.jsonable,
        "errors": {},
        **extra,
    }
    status_code = 422 if extra.get("errors") else 200
    return render(request, "admin_parameters/list.html", context, status_code=status_code)


@router.get("")
def parameter_page(request: Request, session: SessionDep, admin: AdminUser):
    return _page(request, session)


@router.post("/{series}")
def add_entry(
    request: Request,
    session: SessionDep,
    admin: AdminUser,
    series: str,
    form: Annotated[parameters.EntryForm, Form()],
):
    try:
        parameters.add_entry(session, series, form, by=admin)
    except KeyError:
        raise HTTPException(404) from None
    except Invalid as invalid:
        return _page(request, session, open_series=series, form=form, errors=invalid.errors)
    return RedirectResponse(f"/admin/parameters#series-{series}", status_code=303)
