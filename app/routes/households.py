"""The household registry pages: list and search, one household, create and edit."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from app.core import clock
from app.core.db import SessionDep
from app.core.routing import Router
from app.core.templating import render
from app.deps import CurrentUser, found_or_404, require_role
from app.domain.codes import Role
from app.domain.downloads import plain_file_name, unit_code
from app.domain.imports import template_headers
from app.domain.registry import HouseholdForm
from app.domain.validation import Invalid, whole_number
from app.models import Household, Region, User
from app.routes.files import file_attachment
from app.services import exports, households, regions, scope, visit_views
from app.services.parameters import tiers_on_offer

router = Router(prefix="/households")

Registrar = Annotated[User, Depends(require_role(Role.admin, Role.lead))]
Editor = Annotated[User, Depends(require_role(Role.admin, Role.lead, Role.member))]


def household_or_404(session: SessionDep, user: CurrentUser, household_id: int) -> Household:
    return found_or_404(scope.household_for(session, user, household_id))


ScopedHousehold = Annotated[Household, Depends(household_or_404)]
# Added to the list's address when an export was refused for Excel (list.html says why).
TOO_LONG_FOR_XLSX = ("export", "too_long_for_xlsx")


@router.get("")
def household_list(request: Request, session: SessionDep, user: CurrentUser, page: str = "1"):
    filters = households.HouseholdFilters.from_query(request.query_params)
    number = whole_number(page) or 1
    results = households.search(session, user, filters, clock.today(), number)
    context = {
        "filters": filters,
        "results": results,
        "villages": {v.id: v.name for v in regions.villages(session, within=user.region_id)},
        "query": request.query_params,
    }
    block = "household_rows" if request.headers.get("hx-request") else None
    return render(request, "households/list.html", context, block=block)


@router.get("/export.{suffix}")
def export(request: Request, session: SessionDep, user: Registrar, suffix: str, full: str = ""):
    """The filtered list as .xlsx or .csv, numbers masked unless an admin asks (recorded). A
    list too long for one Excel sheet goes back to the list, filters kept, with a word why."""
    if suffix not in exports.WRITERS:
        raise HTTPException(404)
    filters = households.HouseholdFilters.from_query(request.query_params)
    today = clock.today()
    if suffix == "xlsx" and not exports.fits_one_sheet(session, user, filters, today):
        kept = [(k, v) for k, v in request.query_params.multi_items() if k != "full"]
        return RedirectResponse(f"/households?{urlencode([*kept, TOO_LONG_FOR_XLSX])}", 303)
    rows = exports.rows(session, user, filters, today, full == "1")
    written = exports.to_file(exports.WRITERS[suffix], template_headers(), rows)
    region = session.get(Region, user.region_id)
    unit = unit_code(region.code, region.id)
    plain = plain_file_name("households", unit, today.isoformat(), suffix=suffix)
    return file_attachment(written, f"住户名单-{today.isoformat()}.{suffix}", plain)


def _form_page(request, session, user, form, household=None, errors=None, conflict=False):
    context = {
        "form": form,
        "household": household,
        "errors": errors or {},
        "conflict": conflict,
        "villages": {v.id: v.name for v in regions.villages(session, within=user.region_id)},
    }
    status = 409 if conflict else 422 if errors else 200
    return render(request, "households/form.html", context, status_code=status)


@router.get("/new")
def new_household_page(request: Request, session: SessionDep, user: Registrar):
    return _form_page(request, session, user, HouseholdForm())


@router.post("")
def create_household(
    request: Request, session: SessionDep, user: Registrar, form: Annotated[HouseholdForm, Form()]
):
    try:
        household = households.create_household(session, form, by=user)
    except Invalid as invalid:
        return _form_page(request, session, user, form, errors=invalid.errors)
    return RedirectResponse(f"/households/{household.id}", status_code=303)


@router.get("/{household_id}")
def household_page(
    request: Request, session: SessionDep, user: CurrentUser, household: ScopedHousehold
):
    return show_household(request, session, user, household)


def show_household(request, session, user, household, revealed=None, refused=None):
    """The household page; ``revealed`` holds full ID numbers just revealed (no-script path),
    ``refused`` a card step refused (no-script path: the page again, the step's message in
    its card)."""
    view = households.household_view(session, household, clock.today())
    may_edit = scope.may_edit(user)
    context = {
        "view": view,
        "may_edit": may_edit,
        "may_reveal": scope.may_reveal_id_numbers(user),
        "revealed": revealed or {},
        "visits": visit_views.household_visits(session, household, view.people, user),
        "recording": visit_views.Recording.on_household(household) if may_edit else None,
        "tiers": tiers_on_offer(session),
        "refused": refused,
    }
    status = 422 if refused else 200
    return render(request, "households/detail.html", context, status_code=status)


@router.get("/{household_id}/edit")
def edit_household_page(
    request: Request, session: SessionDep, user: Editor, household: ScopedHousehold
):
    form = HouseholdForm(
        **{name: str(getattr(household, name) or "") for name in HouseholdForm.model_fields}
    )
    return _form_page(request, session, user, form, household)


@router.post("/{household_id}")
def update_household(
    request: Request,
    session: SessionDep,
    user: Editor,
    household: ScopedHousehold,
    form: Annotated[HouseholdForm, Form()],
    version: Annotated[int, Form()] = 0,
):
    try:
        households.update_household(session, household, form, version, by=user)
    except Invalid as invalid:
        return _form_page(request, session, user, form, household, invalid.errors)
    except households.EditConflict:
        session.refresh(household)
        return _form_page(request, session, user, form, household, conflict=True)
    return RedirectResponse(f"/households/{household.id}", status_code=303)


@router.post("/{household_id}/verify")
def verify_household(
    request: Request, session: SessionDep, user: Editor, household: ScopedHousehold
):
    households.mark_verified(session, household, by=user)
    if not request.headers.get("hx-request"):
        return RedirectResponse(f"/households/{household.id}", status_code=303)
    view = households.household_view(session, household, clock.today())
    context = {"view": view, "may_edit": True}
    return render(request, "households/detail.html", context, block="household_facts")
