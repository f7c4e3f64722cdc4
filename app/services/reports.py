"""Progress reports (通报): issued for a region and a period, they rank the units directly below
it (app.domain.reports). A draft is recomputed on request; a published report keeps its rows
whatever changes later, and its image and PDF are drawn once from those rows.

Who issues: an admin for the city, a county or a township; a county's lead for their county
and its townships. Who reads: admins every report; a lead the published reports of their
region, the regions above it and those below it, and the drafts they could have issued."""

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from app.core import clock
from app.core.i18n import N_
from app.domain.codes import RegionLevel, ReportStatus, Role
from app.domain.metrics import Period
from app.domain.reports import (
    FollowUpFact,
    Ranked,
    UnitFigures,
    WorkCounts,
    follow_ups_on_time,
    rank_units,
)
from app.domain.validation import Invalid
from app.models import FollowUp, Household, Region, Report, Team, User, Visit
from app.services import audit, dashboard, regions, statistics, work_metrics

# Units of each level a report ranks: counties (and 市本级) for the city, townships for a
# county, the teams working in a township for a township.
RANKED_LEVELS = (RegionLevel.city, RegionLevel.county, RegionLevel.township)
NOT_A_PERIOD = N_("A report covers one calendar month or one calendar year, from January 2022 on.")
NOT_STARTED = N_("That period has not begun yet.")
NOT_RANKED = N_("Reports rank the counties, the townships of a county or the teams of a township.")
ALREADY_PUBLISHED = N_("This report is published: its figures no longer change.")


@dataclass(frozen=True)
class Unit:
    """Something a report ranks: a region, or a team (with the region it works)."""

    region: Region
    team: Team | None = None

    @property
    def key(self) -> str:
        return f"team:{self.team.id}" if self.team else f"region:{self.region.id}"

    @property
    def name(self) -> str:
        return self.team.name if self.team else self.region.name


# --- who may do what ----------------------------------------------------------------------


def may_issue(session: Session, user: User, region: Region) -> bool:
    if region.level not in RANKED_LEVELS:
        return False
    if user.role == Role.admin:
        return True
    own = session.get(Region, user.region_id)
    return (
        user.role == Role.lead
        and own is not None
        and own.level == RegionLevel.county
        and region.id in regions.subtree_ids(session, own.id)
    )


def regions_to_issue(session: Session, user: User) -> list[Region]:
    """The regions the user may issue reports for, in tree order."""
    return [region for region, _depth in regions.tree(session) if may_issue(session, user, region)]


def _may_read(session: Session, user: User, report: Report) -> bool:
    if user.role == Role.admin:
        return True
    if user.role != Role.lead:
        return False
    region = session.get(Region, report.region_id)
    if report.status == ReportStatus.draft:
        return may_issue(session, user, region)
    below = regions.subtree_ids(session, user.region_id)
    return region.id in below or user.region_id in regions.subtree_ids(session, region.id)


def report_for(session: Session, user: User, report_id: int) -> Report | None:
    report = session.get(Report, report_id)
    return report if report is not None and _may_read(session, user, report) else None


def archive(session: Session, user: User, region_id: int | None = None) -> list[Report]:
    """Every report the user may read, newest period first (then newest issued)."""
    query = select(Report).order_by(col(Report.period_end).desc(), col(Report.id).desc())
    if region_id is not None:
        query = query.where(Report.region_id == region_id)
    return [report for report in session.exec(query) if _may_read(session, user, report)]


# --- issuing ------------------------------------------------------------------------------


def period_between(start: date, end: date, today: date) -> Period:
    try:
        period = Period(start, end)
    except ValueError:
        raise Invalid({"period": NOT_A_PERIOD}) from None
    if period.start > today:
        raise Invalid({"period": NOT_STARTED})
    return period


def issue(
    session: Session, user: User, region: Region, period: Period, *, publish: bool = False
) -> Report:
    """A new report for the region and period, computed now; published at once if asked."""
    if region.level not in RANKED_LEVELS:
        raise Invalid({"region_id": NOT_RANKED})
    now = clock.now()
    report = Report(
        region_id=region.id,
        period_start=period.start,
        period_end=period.end,
        created_by_id=user.id,
        created_at=now,
        computed_at=now,
    )
    _compute(session, report, now)
    session.add(report)
    session.flush()
    audit.record(session, "report_drafted", user=user, target=f"report:{report.id}")
    if publish:
        _publish(session, user, report, now)
    session.commit()
    return report


def recompute(session: Session, user: User, report: Report) -> Report:
    return _worked_out_again(session, user, report, publish=False)


class FiguresChanged(Exception):
    """Publishing found other figures than the draft showed the lead: the draft now holds the
    new ones, unpublished, for the lead to read before confirming again."""


def publish(session: Session, user: User, report: Report) -> Report:
    """Recomputed a last time and frozen, if the figures are those the lead confirmed."""
    report = _worked_out_again(session, user, report, publish=True)
    if report.status != ReportStatus.published:
        raise FiguresChanged
    return report


def _worked_out_again(session: Session, user: User, report: Report, *, publish: bool) -> Report:
    session.refresh(report, with_for_update=True)  # one publisher at a time (PostgreSQL)
    _still_draft(report)
    shown = _as_stored(report.rows)
    now = clock.now()
    _compute(session, report, now)
    if publish and _as_stored(report.rows) == shown:
        _publish(session, user, report, now)
    else:
        audit.record(session, "report_recomputed", user=user, target=f"report:{report.id}")
    session.commit()
    return report


def _as_stored(rows: list[dict]) -> str:
    return json.dumps(rows, sort_keys=True, default=str)


def _still_draft(report: Report) -> None:
    if report.status != ReportStatus.draft:
        raise Invalid({"status": ALREADY_PUBLISHED})


def _publish(session: Session, user: User, report: Report, now: datetime) -> None:
    report.status = ReportStatus.published
    report.published_by_id = user.id
    report.published_at = now
    session.add(report)
    audit.record(session, "report_published", user=user, target=f"report:{report.id}")


def _compute(session: Session, report: Report, now: datetime) -> None:
    region = session.get(Region, report.region_id)
    period = Period(report.period_start, report.period_end)
    today = clock.local(now).date()
    previous = _previous(session, report)
    units = {unit.key: unit for unit in units_of(session, region)}
    found = {key: _figures(session, unit, period, today) for key, unit in units.items()}
    last = {row["key"]: row["rank"] for row in previous.rows if row["rank"]} if previous else {}
    ranked = rank_units((figures for figures, _counts in found.values()), last)
    report.rows = [_row(units[r.unit.key], r, found[r.unit.key][1]) for r in ranked]
    report.previous_id = previous.id if previous else None
    report.computed_at = now


def _previous(session: Session, report: Report) -> Report | None:
    """The last report published for the region on an earlier period."""
    query = (
        select(Report)
        .where(
            Report.region_id == report.region_id,
            Report.status == ReportStatus.published,
            col(Report.period_end) < report.period_end,
        )
        .order_by(col(Report.period_end).desc(), col(Report.published_at).desc())
    )
    return session.exec(query).first()


def _row(unit: Unit, ranked: Ranked, counts: WorkCounts) -> dict[str, Any]:
    """A row as api.md shows it (ratios as numbers), with what else the pages need."""
    figures = ranked.unit
    return {
        "key": unit.key,
        "region_id": unit.region.id,
        "team_id": unit.team.id if unit.team else None,
        "name": unit.name,
        "demonstration": figures.demonstration,
        "rank": ranked.rank,
        "completion": {str(m): _number(v) for m, v in figures.completion.items()},
        "quality": {str(q): _number(v) for q, v in figures.quality.items()},
        "improved_since_last": ranked.improved_since_last,
        "marks": sorted(ranked.marks),
        "counts": counts.__dict__.copy(),
    }


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


# --- the units and their figures -----------------------------------------------------------


def units_of(session: Session, region: Region) -> list[Unit]:
    if region.level == RegionLevel.township:
        within = regions.subtree_ids(session, region.id)
        teams = select(Team).where(col(Team.region_id).in_(within)).order_by(Team.id)
        return [Unit(region, team) for team in session.exec(teams)]
    return [Unit(below) for below in dashboard.units_below(session, region)]


def _figures(
    session: Session, unit: Unit, period: Period, today: date
) -> tuple[UnitFigures, WorkCounts]:
    if unit.team is not None:
        work = work_metrics.team_work(session, unit.team, period, today)
        completion = {}
    else:
        work = work_metrics.region_work(session, unit.region, period, today)
        completion = _completion(session, unit.region, period)
    households = _households(session, unit)
    due, on_time = follow_ups_on_time(_follow_ups(session, households, period), period, today)
    counts = WorkCounts(
        eligible_people=work.eligible_people,
        three_ones_complete=work.three_ones_complete,
        follow_ups_due=due,
        follow_ups_on_time=on_time,
        households_worked=_households_worked(session, households, period),
        changes_confirmed=work.enrolment_changes_confirmed,
        people_contacted=work.people_contacted,
    )
    figures = UnitFigures(
        key=unit.key,
        name=unit.name,
        completion=completion,
        quality=counts.quality(),
        demonstration=unit.team is None and unit.region.is_demonstration,
    )
    return figures, counts


def _completion(session: Session, region: Region, period: Period) -> dict:
    """Each target the unit has for the period's year: progress (actual ÷ target), None where
    the official figures have none yet."""
    standings = statistics.standings_for(session, region, period.end.year)
    return {s.metric: s.progress for s in standings if s.target is not None}


def _households(session: Session, unit: Unit) -> ColumnElement[bool]:
    """The unit's households: a region's by village, a team's by its members' assignments."""
    if unit.team is None:
        return col(Household.village_id).in_(regions.subtree_ids(session, unit.region.id))
    return work_metrics.team_households(unit.team)


def _households_worked(session: Session, households: ColumnElement[bool], period: Period) -> int:
    start, end = clock.days(period.start, period.end)
    query = (
        select(func.count(func.distinct(Visit.household_id)))
        .join(Household, col(Household.id) == Visit.household_id)
        .where(households, col(Visit.occurred_at) >= start, col(Visit.occurred_at) < end)
    )
    return session.exec(query).one()


def _follow_ups(
    session: Session, households: ColumnElement[bool], period: Period
) -> list[FollowUpFact]:
    """The follow-ups in force due in the period, each with the day the household was next
    visited after the visit that set it."""
    candidates = (
        select(FollowUp.visit_id)
        .join(Household, col(Household.id) == FollowUp.household_id)
        .where(households, col(FollowUp.due_on).between(period.start, period.end))
    )
    rows = session.exec(
        select(FollowUp.visit_id, FollowUp.due_on, Visit.household_id, Visit.occurred_at)
        .join(Visit, col(Visit.id) == FollowUp.visit_id)
        .where(col(FollowUp.visit_id).in_(candidates))
        .order_by(col(FollowUp.recorded_at), col(FollowUp.id))
    ).all()
    in_force = {visit_id: (due_on, home, at) for visit_id, due_on, home, at in rows}
    visited: dict[int, list[datetime]] = {}
    homes = {home for _due, home, _at in in_force.values()}
    for home, at in session.exec(
        select(Visit.household_id, Visit.occurred_at).where(col(Visit.household_id).in_(homes))
    ):
        visited.setdefault(home, []).append(at)
    facts = []
    for due_on, home, set_at in in_force.values():
        if due_on is None:
            continue
        later = [at for at in visited[home] if at > set_at]
        facts.append(FollowUpFact(due_on, clock.local(min(later)).date() if later else None))
    return facts


def record_export(session: Session, user: User, report: Report) -> None:
    """Every export is audited, these figures' too."""
    audit.record(session, "export", user=user, target=f"report:{report.id}", format="xlsx")
    session.commit()
