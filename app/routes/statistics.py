"""Admin pages for official statistics: progress against the targets, the figures in force, and
importing the social insurance system's reports."""

from typing import Annotated

from fastapi import File, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse

from app import labels
from app.core import clock
from app.core.db import SessionDep
from app.core.routing import Router
from app.core.templating import render
from app.deps import AdminUser
from app.domain.downloads import plain_file_name
from app.domain.imports import MAX_BYTES, UnreadableFile
from app.domain.targets import year_asked
from app.routes.files import attachment
from app.services import statistics, targets

router = Router(prefix="/admin/statistics")


@router.get("")
def progress_page(request: Request, session: SessionDep, admin: AdminUser, year: str = ""):
    chosen = year_asked(year, clock.today())
    context = {
        "year": chosen,
        "years": statistics.years_to_pick(session, chosen, clock.today()),
        "rows": statistics.progress_table(session, chosen),
        "has_targets": chosen in targets.target_years(session),
        "path": "/admin/statistics",
    }
    block = "progress" if request.headers.get("hx-request") else None
    return render(request, "statistics/progress.html", context, block=block)


@router.get("/figures")
def figures_page(request: Request, session: SessionDep, admin: AdminUser, year: str = ""):
    chosen = year_asked(year, clock.today())
    context = {
        "year": chosen,
        "years": statistics.years_to_pick(session, chosen, clock.today()),
        "table": statistics.figure_table(session, chosen),
        "kinds": labels.FIGURE_KINDS,
        "path": "/admin/statistics/figures",
    }
    block = "figures" if request.headers.get("hx-request") else None
    return render(request, "statistics/figures.html", context, block=block)


@router.get("/template.xlsx")
def template(admin: AdminUser):
    plain = plain_file_name("official-statistics-template", suffix="xlsx")
    return attachment(statistics.template(), "官方统计数据模板.xlsx", plain)


def _import_page(request: Request, report=None, upload_error=None):
    """The upload form, with what stopped the last file (nothing of it was stored)."""
    context = {"report": report, "upload_error": upload_error}
    status_code = 422 if report or upload_error else 200
    return render(request, "statistics/import.html", context, status_code=status_code)


@router.get("/import")
def import_page(request: Request, admin: AdminUser):
    return _import_page(request)


@router.post("/import")
def upload(
    request: Request,
    session: SessionDep,
    admin: AdminUser,
    file: Annotated[UploadFile | None, File()] = None,
):
    content = file.file.read(MAX_BYTES + 1) if file else b""
    filename = (file.filename or "") if file else ""
    try:
        report = statistics.import_figures(session, filename, content, by=admin)
    except UnreadableFile as unreadable:
        return _import_page(request, upload_error=unreadable.message)
    if report.errors:
        return _import_page(request, report=report)
    return RedirectResponse(f"/admin/statistics/imports/{report.batch}", status_code=303)


@router.get("/imports/{batch}")
def batch_page(request: Request, session: SessionDep, admin: AdminUser, batch: str):
    figures = statistics.batch_figures(session, batch)
    if not figures:
        raise HTTPException(404)
    context = {"figures": figures, "kinds": labels.FIGURE_KINDS}
    return render(request, "statistics/batch.html", context)
