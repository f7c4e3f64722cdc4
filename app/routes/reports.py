"""Progress reports (通报) for admins and leads: the archive and the form to issue one, a
report's page (a draft previewed, recomputed and published), and a published report as an
image, a PDF page and a spreadsheet."""

from contextlib import suppress
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from app.core import clock
from app.core.db import SessionDep
from app.core.i18n import gettext_for
from app.core.routing import Router
from app.core.templating import render, request_locale
from app.deps import found_or_404, require_role
from app.domain.codes import ReportStatus, Role
from app.domain.metrics import Period
from app.domain.validation import Invalid, whole_number
from app.models import Region, Report, User
from app.routes.files import attachment
from app.services import exports, quality, report_documents, report_views, reports

router = Router(prefix="/reports")

Reader = Annotated[User, Depends(require_role(Role.admin, Role.lead))]


def _report(session: SessionDep, user: Reader, report_id: int) -> Report:
    return found_or_404(reports.report_for(session, user, report_id))


Readable = Annotated[Report, Depends(_report)]


def _archive(request: Request, session, user: User, typed=None, errors=None):
    found = reports.archive(session, user)
    context = {
        "entries": report_views.entries(session, found, request_locale(request)),
        "regions": reports.regions_to_issue(session, user),
        "typed": typed or {"period": f"{clock.today():%Y-%m}"},
        "errors": errors or {},
    }
    return render(request, "reports/archive.html", context, status_code=422 if errors else 200)


@router.get("")
def archive_page(request: Request, session: SessionDep, user: Reader):
    return _archive(request, session, user)


@router.post("")
def issue(
    request: Request,
    session: SessionDep,
    user: Reader,
    region_id: Annotated[str, Form()] = "",
    period: Annotated[str, Form()] = "",
    publish: Annotated[str, Form()] = "",
    confirmed: Annotated[str, Form()] = "",
):
    """Publishing cannot be undone: unless it was confirmed, the report is drafted and its page
    asks first, beside the figures that would be frozen."""
    typed = {"region_id": region_id, "period": period}
    at_once = publish == "1" and confirmed == "1"
    try:
        region = _region_to_issue(session, user, region_id)
        chosen = _period(period)
        report = reports.issue(session, user, region, chosen, publish=at_once)
    except Invalid as invalid:
        return _archive(request, session, user, typed, invalid.errors)
    if publish == "1" and not at_once:
        return _asking_to_publish(report)
    return RedirectResponse(f"/reports/{report.id}", status_code=303)


def _asking_to_publish(report: Report, again: bool = False) -> RedirectResponse:
    """The draft's page, asking; ``again`` when the figures changed as it was being published."""
    asking = "changed" if again else "ask"
    return RedirectResponse(f"/reports/{report.id}?publish={asking}#publish-confirm", 303)


def _region_to_issue(session, user: User, region_id: str) -> Region:
    wanted = whole_number(region_id)
    region = session.get(Region, wanted) if wanted is not None else None
    if region is None or not reports.may_issue(session, user, region):
        raise Invalid({"region_id": reports.NOT_RANKED})
    return region


def _period(text: str) -> Period:
    try:
        period = Period.named(text)
    except ValueError:
        raise Invalid({"period": reports.NOT_A_PERIOD}) from None
    return reports.period_between(period.start, period.end, clock.today())


ASKING = ("ask", "changed")


@router.get("/{report_id}")
def report_page(request: Request, session: SessionDep, user: Reader, report: Readable):
    locale = request_locale(request)
    period = report_views.period_of(report)
    region = session.get(Region, report.region_id)
    may_change = report.status == ReportStatus.draft and reports.may_issue(session, user, region)
    context = {
        "report": report,
        "title": report_views.title(session, report),
        "period_name": report_views.period_name(report, locale),
        "tables": report_views.tables(report),
        "method": report_views.METHOD,
        "may_change": may_change,
        "asking_to_publish": may_change and request.query_params.get("publish") in ASKING,
        "figures_changed": request.query_params.get("publish") == "changed",
        "region_name": region.name,
        # A lead's own members; counting every member of the city on each view is left to /quality.
        "flags": quality.open_flag_count(session, user, period) if user.role == Role.lead else None,
        "period": period,
        "previous_period": report_views.previous_period(session, report, locale),
    }
    return render(request, "reports/report.html", context)


@router.post("/{report_id}/recompute")
def recompute(session: SessionDep, user: Reader, report: Readable):
    return _draft_changed(session, user, report, reports.recompute)


@router.post("/{report_id}/publish")
def publish(
    session: SessionDep, user: Reader, report: Readable, confirmed: Annotated[str, Form()] = ""
):
    """Publishes only once confirmed; the first tap shows what publishing does and asks."""
    if confirmed != "1":
        return _asking_to_publish(report)
    try:
        return _draft_changed(session, user, report, reports.publish)
    except reports.FiguresChanged:
        return _asking_to_publish(report, again=True)


def _draft_changed(session, user: User, report: Report, change) -> RedirectResponse:
    if not reports.may_issue(session, user, session.get(Region, report.region_id)):
        raise HTTPException(404)
    with suppress(Invalid):  # published meanwhile: the page shows it as it now stands
        change(session, user, report)
    return RedirectResponse(f"/reports/{report.id}", status_code=303)


@router.get("/{report_id}/report.{format}")
def document(request: Request, session: SessionDep, user: Reader, report: Readable, format: str):
    if report.status != ReportStatus.published or format not in ("png", "pdf", "xlsx"):
        raise HTTPException(404)
    locale = request_locale(request)
    names = report_views.file_names(session, report, format, locale)
    if format == "xlsx":
        header, rows = report_views.export(report, gettext_for(locale))
        reports.record_export(session, user, report)
        return attachment(exports.as_xlsx(header, iter(rows)), *names)
    try:
        content = report_views.document(session, report, format, locale)
    except report_documents.CannotDraw as problem:
        raise HTTPException(503, problem.message) from None
    return attachment(content, *names, inline=True)
