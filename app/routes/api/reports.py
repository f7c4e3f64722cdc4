"""Progress reports for programs (api.md, Progress reports): issue one (admins for any unit, a
county's lead for their county and its townships), list them, read one. A published report
never changes; its image and PDF are drawn from its frozen rows."""

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from app.core import clock
from app.core.db import SessionDep
from app.deps import api_role, found_or_404
from app.domain.codes import ReportStatus, Role
from app.domain.validation import Invalid
from app.models import Region, Report, User
from app.routes.api.errors import UNPROCESSABLE, LocalisedErrors, api_locale, refused
from app.routes.files import attachment
from app.services import report_documents, report_views, reports

router = APIRouter(tags=["reports"], route_class=LocalisedErrors)

ApiLead = Annotated[User, Depends(api_role(Role.admin, Role.lead))]


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region_id: int = Field(
        ge=1, le=2**31 - 1, description="The units directly below it are ranked."
    )
    period_start: date = Field(description="The first day of a calendar month or year.")
    period_end: date = Field(description="The last day of the same month or year.")
    publish: bool = Field(False, description="Publish at once (else a draft).")


class RowOut(BaseModel):
    region_id: int = Field(description="The unit, or for a team the region it works.")
    team_id: int | None = Field(description="Addition: the team, in a township's report.")
    name: str
    rank: int | None = Field(description="1 is best; null: no figure to rank it by.")
    demonstration: bool = Field(description="Addition: a demonstration township, ranked apart.")
    completion: dict[str, float | None] = Field(description="Each target: actual ÷ target.")
    quality: dict[str, float | None] = Field(
        description="three_ones and follow_ups_on_time as ratios; changes_per_hundred per 100 "
        "households worked."
    )
    improved_since_last: int | None = Field(
        description="Places gained since the last published report for the region (negative: "
        "lost); null without one."
    )
    marks: list[str] = Field(description="Addition: top, bottom, most_improved.")
    counts: dict[str, int] = Field(description="Addition: the counts behind the figures.")


class ReportOut(BaseModel):
    id: int
    region_id: int
    period_start: date
    period_end: date
    status: ReportStatus
    published_at: datetime | None
    computed_at: datetime = Field(description="Addition: when the rows were worked out.")
    rows: list[RowOut] = Field(description="One per unit directly below region_id, best first.")
    image_url: str | None = Field(description="PNG for group chats; null for a draft.")
    pdf_url: str | None = Field(description="One A4 page; null for a draft.")


def report_out(report: Report) -> ReportOut:
    published = report.status == ReportStatus.published
    base = f"/api/v1/reports/{report.id}/report"
    return ReportOut(
        id=report.id,
        region_id=report.region_id,
        period_start=report.period_start,
        period_end=report.period_end,
        status=report.status,
        published_at=clock.local(report.published_at) if report.published_at else None,
        computed_at=clock.local(report.computed_at),
        rows=[RowOut(**_public(row)) for row in report.rows],
        image_url=f"{base}.png" if published else None,
        pdf_url=f"{base}.pdf" if published else None,
    )


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in row.items() if name != "key"}


def _issuable(session: Session, user: User, region_id: int) -> Region:
    region = session.get(Region, region_id)
    if region is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    if region.level not in reports.RANKED_LEVELS:
        raise Invalid({"region_id": reports.NOT_RANKED})
    if not reports.may_issue(session, user, region):
        raise HTTPException(status.HTTP_403_FORBIDDEN)
    return region


@router.post("/reports", response_model=ReportOut, status_code=201, responses=UNPROCESSABLE)
def issue(request: Request, body: ReportIn, session: SessionDep, user: ApiLead):
    """A report for the region and period (a calendar month or year), computed now."""
    try:
        region = _issuable(session, user, body.region_id)
        period = reports.period_between(body.period_start, body.period_end, clock.today())
        report = reports.issue(session, user, region, period, publish=body.publish)
    except Invalid as invalid:
        return refused(request, invalid, lambda name: ("body", _FIELDS.get(name, name)))
    return report_out(report)


_FIELDS = {"period": "period_end"}


@router.get("/reports", response_model=list[ReportOut])
def report_list(
    session: SessionDep,
    user: ApiLead,
    region_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
):
    """The reports the caller may read, newest period first."""
    return [report_out(report) for report in reports.archive(session, user, region_id)]


def _readable(session: SessionDep, user: ApiLead, report_id: int) -> Report:
    return found_or_404(reports.report_for(session, user, report_id))


@router.get("/reports/{report_id}", response_model=ReportOut)
def report_detail(report: Annotated[Report, Depends(_readable)]):
    return report_out(report)


@router.get(
    "/reports/{report_id}/report.{format}",
    response_class=Response,
    responses={200: {"content": {"image/png": {}, "application/pdf": {}}}},
)
def report_document(
    request: Request,
    session: SessionDep,
    report: Annotated[Report, Depends(_readable)],
    format: str,
):
    """The published report drawn as ``png`` or ``pdf``, in the caller's language."""
    if report.status != ReportStatus.published or format not in ("png", "pdf"):
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    locale = api_locale(request)
    try:
        content = report_views.document(session, report, format, locale)
    except report_documents.CannotDraw as problem:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, problem.message) from None
    names = report_views.file_names(session, report, format, locale)
    return attachment(content, *names, inline=True)
