"""Admin page for targets: the plan's figures and any later year's."""

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse

from app import labels
from app.core import clock
from app.core.db import SessionDep
from app.core.i18n import N_, Message
from app.core.routing import Router
from app.core.templating import render
from app.deps import AdminUser, found_or_404
from app.domain.targets import as_typed, year_asked
from app.domain.validation import Invalid, whole_number
from app.models import Metric, Region, RegionLevel, Target
from app.services import regions, targets

router = Router(prefix="/admin/targets")
RETIRING = N_(
    "%(region)s then shows no progress against a target for %(metric)s in %(year)s until a new "
    "one is entered. A retired target cannot be brought back."
)


def target_or_404(session: SessionDep, target_id: int) -> Target:
    return found_or_404(targets.active_target(session, target_id))


def _page(request: Request, session: SessionDep, year: int, **extra):
    this_year = clock.today().year
    years = sorted({*targets.target_years(session), this_year, this_year + 1, year})
    units = [r for r, _depth in regions.tree(session) if r.level != RegionLevel.village]
    context = {
        "year": year,
        "years": years,
        "rows": targets.target_table(session, year),
        "metrics": list(Metric),
        "units": units,
        "as_typed": as_typed,
        "form": targets.TargetForm(year=str(year)),
        "errors": {},
        "correction_errors": {},
        "typed": {},
        **extra,
    }
    block = "targets" if request.headers.get("hx-request") else None
    status_code = 422 if extra.get("errors") or extra.get("correction_errors") else 200
    return render(request, "targets/list.html", context, block=block, status_code=status_code)


def _show(target: Target) -> RedirectResponse:
    """Back to the target's year, scrolled to the target itself."""
    return RedirectResponse(f"/admin/targets?year={target.year}#target-{target.id}", 303)


@router.get("")
def target_page(request: Request, session: SessionDep, admin: AdminUser, year: str = ""):
    return _page(request, session, year_asked(year, clock.today()))


@router.post("")
def add_target(
    request: Request,
    session: SessionDep,
    admin: AdminUser,
    region_id: Annotated[str, Form()] = "",
    metric: Annotated[str, Form()] = "",
    year: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
):
    form = targets.TargetForm(
        region_id=whole_number(region_id),
        metric=metric,
        year=year,
        value=value,
    )
    try:
        target = targets.add_target(session, form, by=admin)
    except Invalid as invalid:
        return _page(
            request, session, year_asked(year, clock.today()), form=form, errors=invalid.errors
        )
    return _show(target)


@router.post("/{target_id}")
def correct_target(
    request: Request,
    session: SessionDep,
    admin: AdminUser,
    target_id: int,
    value: Annotated[str, Form()] = "",
):
    target = target_or_404(session, target_id)
    try:
        targets.correct_target(session, target, value, by=admin)
    except Invalid as invalid:
        session.refresh(target)
        return _page(
            request,
            session,
            target.year,
            correction_errors={target.id: invalid.errors["value"]},
            typed={target.id: value},
        )
    return _show(target)


@router.post("/{target_id}/retire")
def retire_target(
    request: Request,
    session: SessionDep,
    admin: AdminUser,
    target_id: int,
    confirmed: Annotated[str, Form()] = "",
):
    """Retired only once confirmed: a retired target cannot be brought back."""
    target = target_or_404(session, target_id)
    if not confirmed:
        return _retiring(request, session, target)
    targets.retire_target(session, target, by=admin)
    return RedirectResponse(f"/admin/targets?year={target.year}", status_code=303)


def _retiring(request: Request, session, target: Target):
    values = {
        "metric": Message(labels.METRICS[target.metric], {}),
        "region": session.get(Region, target.region_id).name,
        "year": target.year,
    }
    context = {
        "question": Message(N_("Retire the target for %(metric)s, %(region)s, %(year)s?"), values),
        "consequence": Message(RETIRING, values),
        "action": f"/admin/targets/{target.id}/retire",
        "fields": {},
        "confirm": N_("Retire this target"),
        "cancel": f"/admin/targets?year={target.year}#target-{target.id}",
    }
    return render(request, "confirm.html", context)
