"""The dashboard for leads and admins: a unit's progress against the city's goals and its
targets, its teams' work month by month, the units below it, and every table as a download.
Admins see any unit (the city first), a lead their region and the units below it."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from app.core import clock
from app.core.db import SessionDep
from app.core.i18n import gettext_for
from app.core.routing import Router
from app.core.templating import render, request_locale
from app.deps import found_or_404, require_role
from app.domain.codes import Role
from app.domain.downloads import plain_file_name, unit_code
from app.domain.targets import FIRST_YEAR, LAST_YEAR
from app.domain.validation import whole_number
from app.models import Region, User
from app.routes.files import attachment
from app.services import dashboard, exports

router = Router(prefix="/dashboard")

Viewer = Annotated[User, Depends(require_role(Role.admin, Role.lead))]
WRITERS = {"xlsx": exports.as_xlsx, "csv": exports.as_csv}
TABLES = {table.value: table for table in dashboard.Table}


def _year(text: str) -> int:
    """The year asked for; anything else is the current business year."""
    year = whole_number(text)
    return year if year is not None and FIRST_YEAR <= year <= LAST_YEAR else clock.today().year


def _region(session: SessionDep, user: Viewer, region_id: str = "") -> Region:
    """The unit asked for (blank: the user's own); one out of reach answers as absent."""
    wanted = whole_number(region_id) if region_id else None
    if region_id and wanted is None:
        raise HTTPException(404)
    return found_or_404(dashboard.region_for(session, user, wanted))


Unit = Annotated[Region, Depends(_region)]


@router.get("")
def dashboard_page(
    request: Request, session: SessionDep, user: Viewer, region: Unit, year: str = ""
):
    view = dashboard.dashboard(session, user, region, _year(year), clock.today())
    return render(request, "dashboard/page.html", {"view": view})


@router.get("/export.{format}")
def export(
    request: Request,
    session: SessionDep,
    user: Viewer,
    region: Unit,
    format: str,
    year: str = "",
    table: str = "",
):
    if format not in WRITERS or table not in TABLES:
        raise HTTPException(404)
    chosen = _year(year)
    data = dashboard.build_table(session, user, region, chosen, clock.today(), TABLES[table])
    found_or_404(data)
    _ = gettext_for(request_locale(request))
    header, rows = dashboard.export_rows(data, _)
    content = WRITERS[format](header, iter(rows))
    dashboard.record_export(session, user, region, table, format)
    plain = plain_file_name(
        "dashboard", unit_code(region.code, region.id), chosen, table, suffix=format
    )
    return attachment(content, f"{region.name}-{chosen}-{_(data.title)}.{format}", plain)
