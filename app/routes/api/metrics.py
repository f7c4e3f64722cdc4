"""A unit's year for programs (api.md, Metrics): targets, official actuals and progress, and
the teams' own work, for the unit and each unit directly below it. Leads and admins; a lead
only for their own region and those below it."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from app.core import clock
from app.core.db import SessionDep
from app.core.i18n import Gettext
from app.deps import api_role, found_or_404
from app.domain.codes import Metric, OutcomeCode, Role
from app.domain.metrics import WORK_SINCE, Standing
from app.domain.targets import LAST_YEAR, as_number
from app.models import User
from app.routes.api.errors import UNPROCESSABLE, LocalisedErrors, api_gettext
from app.routes.api.schemas import RegionRef
from app.services.scope import visible_region
from app.services.work_metrics import UnitMetrics, year_metrics

router = APIRouter(tags=["metrics"], route_class=LocalisedErrors)

ApiLead = Annotated[User, Depends(api_role(Role.admin, Role.lead))]
Number = int | float


class WorkOut(BaseModel):
    """The teams' work in the year (definitions: app.domain.metrics.work_metrics, and in
    words docs/figures.md)."""

    households_assigned: int = Field(description="Households with an assignee today.")
    people_contacted: int = Field(
        description="Distinct people spoken to on visits that reached them in the year."
    )
    three_ones_complete: int = Field(
        description="People the three ones apply to with all three done, as of three_ones_as_of."
    )
    enrolment_changes_confirmed: int = Field(description="Changes confirmed in the year.")
    households: int
    eligible_people: int = Field(description="People the three ones apply to, as of the same day.")
    three_ones_rate: float | None = Field(
        description="three_ones_complete ÷ eligible_people; null when no one is eligible."
    )
    three_ones_as_of: date = Field(description="The year's last day, or today if earlier.")
    outcomes: dict[OutcomeCode, int] = Field(
        description="People by their latest outcome recorded in the year."
    )
    changes_confirmed: dict[OutcomeCode, int] = Field(description="Confirmed changes by kind.")
    cadres: int = Field(description="Village cadres today (docs/figures.md).")
    cadres_in_employee_pension: int = Field(
        description="Village cadres whose record says employee pension today."
    )
    cadres_upgraded: int = Field(description="Cadres with a confirmed join_flexible in the year.")
    cadres_raised_tier: int = Field(
        description="Cadres with a confirmed raise_tier in the year (docs/figures.md: "
        "cadres who raised their tier in the period; /cadres counts such raises at any time)."
    )
    follow_ups_overdue: int = Field(description="Households whose follow-up day has passed.")
    stale_records: int = Field(description="Households not verified in six months.")


class StandingOut(BaseModel):
    metric: Metric
    target: Number | None
    actual: Number | None
    progress: float | None
    month: str | None = Field(description="YYYY-MM: the month of the figures the actual is from.")
    sources: list[str]
    reported_on: date | None
    reason: str | None = Field(description="Why progress is null, in the caller's language.")
    city_wide: bool = Field(description="Measured against the city's goal (no own target).")


class UnitOut(BaseModel):
    region: RegionRef
    year: int
    targets: dict[Metric, Number] = Field(
        description="What each metric is measured against: the unit's targets for the year, "
        "or the city's goal for a rate (standings: city_wide)."
    )
    actuals: dict[str, Number | str | None] = Field(
        description="Each metric's official actual (null: no figure yet), and under "
        '"source" the reports they come from.'
    )
    progress: dict[Metric, float | None] = Field(description="Actual ÷ target.")
    work: WorkOut
    standings: list[StandingOut] = Field(description="Each metric in full, with reasons.")


class MetricsOut(UnitOut):
    children: list[UnitOut] = Field(description="The units directly below, in display order.")


@router.get("/metrics", response_model=MetricsOut, responses=UNPROCESSABLE)
def metrics(
    request: Request,
    session: SessionDep,
    user: ApiLead,
    region_id: int | None = Query(None, description="Default: the caller's own region."),
    year: Annotated[int | None, Query(ge=WORK_SINCE.year, le=LAST_YEAR)] = None,
):
    """The unit's year (default: this year) and each unit directly below it. Regions outside
    a lead's own answer 404."""
    region = found_or_404(visible_region(session, user, region_id or user.region_id))
    today = clock.today()
    unit = year_metrics(session, region, year or today.year, today)
    _ = api_gettext(request)
    return MetricsOut(
        **_unit_out(unit, today, _).model_dump(),
        children=[_unit_out(child, today, _) for child in unit.children],
    )


def _unit_out(unit: UnitMetrics, today: date, _: Gettext) -> UnitOut:
    sources = [source for s in unit.standings for source in s.actual.sources]
    return UnitOut(
        region=RegionRef.model_validate(unit.region, from_attributes=True),
        year=unit.year,
        targets={s.metric: as_number(s.target) for s in unit.standings if s.target is not None},
        actuals={
            **{s.metric: _number(s.actual.value) for s in unit.standings},
            "source": "；".join(dict.fromkeys(sources)) or None,
        },
        progress={s.metric: _ratio(s.progress) for s in unit.standings},
        work=_work_out(unit, min(date(unit.year, 12, 31), today)),
        standings=[_standing_out(s, _) for s in unit.standings],
    )


def _work_out(unit: UnitMetrics, as_of: date) -> WorkOut:
    work = unit.work
    return WorkOut(
        households_assigned=work.households_assigned,
        people_contacted=work.people_contacted,
        three_ones_complete=work.three_ones_complete,
        enrolment_changes_confirmed=work.enrolment_changes_confirmed,
        households=work.households,
        eligible_people=work.eligible_people,
        three_ones_rate=_ratio(work.three_ones_rate),
        three_ones_as_of=as_of,
        outcomes=work.outcomes,
        changes_confirmed=work.changes_confirmed,
        cadres=unit.cadres.cadres,
        cadres_in_employee_pension=unit.cadres.in_employee_pension,
        cadres_upgraded=work.cadres_upgraded,
        cadres_raised_tier=work.cadres_raised_tier,
        follow_ups_overdue=work.follow_ups_overdue,
        stale_records=work.stale_records,
    )


def _standing_out(standing: Standing, _: Gettext) -> StandingOut:
    actual = standing.actual
    return StandingOut(
        metric=standing.metric,
        target=_number(standing.target),
        actual=_number(actual.value),
        progress=_ratio(standing.progress),
        month=f"{actual.month:%Y-%m}" if actual.month else None,
        sources=list(actual.sources),
        reported_on=actual.reported_on,
        reason=_(standing.reason) if standing.reason else None,
        city_wide=standing.city_wide,
    )


def _number(value) -> Number | None:
    return as_number(value) if value is not None else None


def _ratio(value) -> float | None:
    return float(value) if value is not None else None
