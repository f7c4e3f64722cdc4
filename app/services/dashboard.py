"""The dashboard of a unit and year: where it stands against the city's goals and its own
targets (official figures), how the teams' work goes month by month, and the same for each
unit below it and, for a lead, each team and member.

Every table is built once as columns and rows, and the page and its exports both read that,
so a downloaded sheet always has the page's numbers."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlmodel import Session, select

from app import labels
from app.core.i18n import N_, Gettext, Message
from app.domain import charts, metrics
from app.domain.codes import Metric, RegionLevel, Role
from app.domain.metrics import WORK_SINCE, Period, WorkMetrics
from app.domain.targets import RATIO_METRICS
from app.models import Region, Team, User
from app.services import (
    accounts,
    assignments,
    audit,
    enrolment,
    regions,
    scope,
    statistics,
    targets,
    work_metrics,
)

# The plan's three city-wide goals, and the unit's own targets (attachments 1 and 2).
GOALS = (Metric.participation_rate, Metric.employee_share, Metric.resident_contribution_per_capita)
OWN_TARGETS = (Metric.employee_in_work, Metric.resident_contribution_per_capita)

# Short names for table headings on a phone.
SHORT_METRICS = {
    Metric.employee_in_work: N_("Members in work"),
    Metric.resident_contribution_per_capita: N_("Contribution per person"),
    Metric.participation_rate: N_("Participation"),
    Metric.employee_share: N_("Employee share"),
}


class Kind(StrEnum):
    """How a cell is written: exports keep the number, the page formats it."""

    count = "count"
    money = "money"
    percent = "percent"  # a number of percent: 95.23
    label = "label"  # a msgid, translated
    text = "text"  # a name, as it is


@dataclass(frozen=True)
class Column:
    heading: str | Message
    value: Callable[[Any], Any]
    kind: Kind = Kind.count
    on_page: bool = True  # else only in the export, where there is room
    href: Callable[[Any], str] | None = None


@dataclass
class DataTable:
    title: str
    columns: list[Column]
    rows: list[Any]

    @property
    def page_columns(self) -> list[Column]:
        return [column for column in self.columns if column.on_page]


class Table(StrEnum):
    standings = "standings"
    children = "children"
    teams = "teams"
    trend = "trend"


def metric_kind(metric: Metric) -> Kind:
    if metric in RATIO_METRICS:
        return Kind.percent
    return Kind.count if metric == Metric.employee_in_work else Kind.money


def metric_value(metric: Metric, value: Decimal | None) -> Decimal | None:
    """A figure in its column's unit: rates as percentages (0.9523 → 95.23)."""
    if value is None or metric not in RATIO_METRICS:
        return value
    return value * 100


def plain(value: Decimal) -> Decimal:
    """A number without the stored trailing zeros, as a sheet should hold it: 91400.0000 as
    91400, 98.00 as 98."""
    return value.quantize(1) if value == value.to_integral_value() else value.normalize()


def _progress(standing: metrics.Standing | None) -> Decimal | None:
    return charts.percent(standing.progress) if standing and standing.progress is not None else None


# --- scope -----------------------------------------------------------------------------------


def the_city(session: Session) -> Region:
    return session.exec(select(Region).where(Region.level == RegionLevel.city)).one()


def home_region(session: Session, user: User) -> Region:
    """Where the user's dashboard opens: the city for admins, a lead's own region."""
    if user.role == Role.admin:
        return the_city(session)
    return session.get(Region, user.region_id)


def region_for(session: Session, user: User, region_id: int | None) -> Region | None:
    """The unit asked for (none: the user's own), if the user may see it; else None."""
    if region_id is None:
        return home_region(session, user)
    return scope.visible_region(session, user, region_id)


def ancestors(session: Session, user: User, region: Region) -> list[Region]:
    """The units above this one, from the top of the user's scope down, for the way back up.
    市本级 hangs beside the city, not below it, but the city is where an admin comes from."""
    top = home_region(session, user)
    found: list[Region] = []
    current = region
    while current.id != top.id:
        parent = session.get(Region, current.parent_id) if current.parent_id else None
        if parent is None:
            if user.role == Role.admin:
                found.append(top)
            break
        found.append(parent)
        current = parent
    return list(reversed(found))


def units_below(session: Session, region: Region) -> list[Region]:
    """The units a unit's figures and work are made of: for the city its counties and 市本级
    (as its official figures add up), else the regions directly below."""
    below = regions.children(session, region.id)
    if region.level == RegionLevel.city:
        units = [r for r in regions.children(session, None) if r.level == RegionLevel.unit]
        below = sorted([*units, *below], key=lambda r: (r.sort_order, r.id))
    return below


# --- where the unit stands (official figures) ------------------------------------------------


@dataclass(frozen=True)
class Gauge:
    """One metric against its goal or target, with its progress bar."""

    standing: metrics.Standing
    goal: bool  # one of the city's goals, else one of the unit's own targets
    bar: charts.ProgressBar


def gauges(session: Session, region: Region, year: int) -> list[Gauge]:
    """The city's three goals measured for this unit, then its own targets. A county is
    measured against the city's rate goals (marked city-wide, as the statistics pages do) and,
    among the goals, against the city's contribution per person; its own attachment 2 figure
    is its target. 市本级 has members in work only."""
    own = {s.metric: s for s in statistics.standings_for(session, region, year)}
    city_goals = _city_goals(session, region, year) if region.level == RegionLevel.county else {}
    found = [(metric, True, city_goals.get(metric) or own.get(metric)) for metric in GOALS]
    found += [(metric, False, own.get(metric)) for metric in OWN_TARGETS]
    return [
        Gauge(standing, goal, charts.progress_bar(standing.progress))
        for _metric, goal, standing in found
        if standing is not None and _known(standing)
    ]


def _known(standing: metrics.Standing) -> bool:
    """Something to show: a target, or a figure without one. Townships and villages have
    neither, and their page says so once rather than once per metric."""
    return standing.target is not None or standing.actual.value is not None


def _city_goals(session: Session, county: Region, year: int) -> dict[Metric, metrics.Standing]:
    """The county's contribution per person against the city's figure for it."""
    metric = Metric.resident_contribution_per_capita
    city = the_city(session)
    goal = next(
        (
            target.value
            for target, region in targets.active_targets(session, year=year)
            if region.id == city.id and target.metric == metric
        ),
        None,
    )
    if goal is None:
        return {}
    figures = statistics.figures_for(session, county.id, year)
    return {metric: metrics.standing(metric, goal, figures, city_wide=True)}


def standings_table(gauges: Sequence[Gauge]) -> DataTable:
    def unit(gauge: Gauge) -> str:
        metric = gauge.standing.metric
        return {Kind.percent: "%", Kind.count: N_("people"), Kind.money: N_("yuan")}[
            metric_kind(metric)
        ]

    def note(gauge: Gauge) -> str:
        standing = gauge.standing
        if standing.reason:
            return standing.reason
        return N_("The city-wide goal") if standing.city_wide else ""

    columns = [
        Column(N_("Metric"), lambda g: labels.METRICS[g.standing.metric], Kind.label),
        Column(
            N_("Goal or target"), lambda g: N_("City goal") if g.goal else N_("Target"), Kind.label
        ),
        Column(N_("Unit of measure"), unit, Kind.label),
        Column(
            N_("Target"), lambda g: metric_value(g.standing.metric, g.standing.target), Kind.text
        ),
        Column(
            N_("Actual"),
            lambda g: metric_value(g.standing.metric, g.standing.actual.value),
            Kind.text,
        ),
        Column(N_("As of"), lambda g: _month(g.standing.actual.month), Kind.text),
        Column(N_("Progress (%)"), lambda g: _progress(g.standing), Kind.percent),
        Column(N_("Note"), note, Kind.label),
    ]
    return DataTable(N_("Goals and targets"), columns, list(gauges))


def _month(month: date | None) -> str:
    return month.strftime("%Y-%m") if month else ""


# --- the teams' work -------------------------------------------------------------------------


def work_period(year: int) -> Period | None:
    """The year as a period of the teams' work, which is counted from the plan's start on."""
    return Period.year(year) if year >= WORK_SINCE.year else None


def _work(name: str, of: Callable[[Any], WorkMetrics | None]) -> Callable[[Any], Any]:
    def value(row: Any) -> Any:
        work = of(row)
        return getattr(work, name) if work is not None else None

    return value


def _as_percent(of: Callable[[Any], Any]) -> Callable[[Any], Decimal | None]:
    def value(row: Any) -> Decimal | None:
        rate = of(row)
        return charts.percent(rate) if rate is not None else None

    return value


# The work every work table shows (WorkMetrics fields, under their labels.WORK_FIGURES label).
WORK_FIELDS = (
    "households",
    "households_assigned",
    "eligible_people",
    "people_contacted",
    "three_ones_complete",
    "enrolment_changes_confirmed",
    "follow_ups_overdue",
)


def work_columns(of: Callable[[Any], WorkMetrics | None]) -> list[Column]:
    """The work a row's ``of`` gives (None: no work counted then), in shared columns."""
    columns = [Column(labels.WORK_FIGURES[name].label, _work(name, of)) for name in WORK_FIELDS]
    rate = Column(N_("Three ones (%)"), _as_percent(_work("three_ones_rate", of)), Kind.percent)
    columns.insert(5, rate)
    return columns


@dataclass
class UnitRow:
    region: Region
    standings: dict[Metric, metrics.Standing]
    work: WorkMetrics | None


def children_table(session: Session, region: Region, year: int, today: date) -> DataTable:
    """Each unit below: its progress against its targets where it has any, and its work."""
    period = work_period(year)
    work = {}
    if period is not None:
        found = work_metrics.children_work(session, region, period, today)
        work = {child.id: child_work for child, child_work in found}
    rows = []
    for child in units_below(session, region):
        child_work = work.get(child.id)
        if child_work is None and period is not None:  # 市本级, beside the city
            child_work = work_metrics.region_work(session, child, period, today)
        standings = {s.metric: s for s in statistics.standings_for(session, child, year)}
        rows.append(UnitRow(child, standings, child_work))
    shown = [
        metric
        for metric in Metric
        if any(row.standings.get(metric) and _known(row.standings[metric]) for row in rows)
    ]
    columns = [
        Column(
            N_("Unit"),
            lambda row: row.region.name,
            Kind.text,
            href=lambda row: link(row.region.id, year),
        )
    ]
    for metric in shown:
        columns += _metric_columns(metric)
    columns += work_columns(lambda row: row.work)
    return DataTable(N_("Units below"), columns, rows)


def _metric_columns(metric: Metric) -> list[Column]:
    """Target and actual for the export; progress on the page too."""
    name = Message(SHORT_METRICS[metric], {})

    def standing(row: UnitRow) -> metrics.Standing | None:
        return row.standings.get(metric)

    def target(row: UnitRow) -> Decimal | None:
        found = standing(row)
        return metric_value(metric, found.target) if found else None

    def actual(row: UnitRow) -> Decimal | None:
        found = standing(row)
        return metric_value(metric, found.actual.value) if found else None

    kind = metric_kind(metric)
    return [
        Column(Message(N_("%(metric)s: target"), {"metric": name}), target, kind, on_page=False),
        Column(Message(N_("%(metric)s: actual"), {"metric": name}), actual, kind, on_page=False),
        Column(
            Message(N_("%(metric)s: progress (%%)"), {"metric": name}),
            lambda row: _progress(standing(row)),
            Kind.percent,
        ),
    ]


WHOLE_TEAM = Message(N_("Whole team"), {})


@dataclass
class WorkLine:
    """A team's total, or one of its members."""

    team: Team
    member: User | None
    work: WorkMetrics | None


def teams_table(session: Session, lead: User, region: Region, year: int, today: date) -> DataTable:
    """The lead's teams working in this unit, each followed by its members (all of them, as
    the team's total counts every member's households)."""
    within = regions.subtree_ids(session, region.id)
    period = work_period(year)
    lines = []
    for team in assignments.teams_led_by(session, lead):
        if team.region_id not in within:
            continue
        work = work_metrics.team_work(session, team, period, today) if period else None
        lines.append(WorkLine(team, None, work))
        for member in accounts.team_people(session, team):
            if member.role == Role.member:
                work = work_metrics.member_work(session, member, period, today) if period else None
                lines.append(WorkLine(team, member, work))
    columns = [
        Column(N_("Team"), lambda line: line.team.name, Kind.text),
        Column(
            N_("Member"),
            lambda line: line.member.display_name if line.member else WHOLE_TEAM,
            Kind.text,
        ),
        *work_columns(lambda line: line.work),
    ]
    return DataTable(N_("Teams and members"), columns, lines)


@dataclass
class Month:
    month: date
    work: WorkMetrics | None
    official: dict[Metric, Decimal] = field(default_factory=dict)


def trend_table(session: Session, region: Region, year: int, today: date) -> DataTable:
    """Month by month: the teams' work in each month so far, and each official metric in the
    months the figures have it."""
    figures = statistics.figures_for(session, region.id, year)
    series = {metric: dict(metrics.trend(metric, figures)) for metric in Metric}
    kept = [metric for metric in Metric if series[metric]]
    work = (
        dict(work_metrics.monthly_trend(session, region, year, today)) if work_period(year) else {}
    )
    months = sorted({*work, *(month for metric in kept for month in series[metric])})
    rows = [
        Month(month, work.get(month), {m: series[m][month] for m in kept if month in series[m]})
        for month in months
    ]
    columns = [Column(N_("Month"), lambda row: _month(row.month), Kind.text)]
    columns += work_columns(lambda row: row.work)
    for metric in kept:
        columns.append(
            Column(
                Message(SHORT_METRICS[metric], {}),
                lambda row, metric=metric: metric_value(metric, row.official.get(metric)),
                metric_kind(metric),
            )
        )
    return DataTable(N_("Month by month"), columns, rows)


# --- the page --------------------------------------------------------------------------------


@dataclass
class Dashboard:
    region: Region
    name: str
    year: int
    years: list[int]
    has_targets: bool
    ancestors: list[Region]
    gauges: list[Gauge]
    work: WorkMetrics | None  # None: a year before the teams' work was counted
    three_ones_bar: charts.ProgressBar | None
    cadres: enrolment.UnitCadres
    tables: dict[Table, DataTable]
    contacts_chart: charts.Chart | None
    members_chart: charts.Chart | None  # members in work, where official figures have them

    work_since: int = WORK_SINCE.year

    @property
    def goals(self) -> list[Gauge]:
        return [gauge for gauge in self.gauges if gauge.goal]

    @property
    def own_targets(self) -> list[Gauge]:
        return [gauge for gauge in self.gauges if not gauge.goal]


def link(region_id: int, year: int) -> str:
    return f"/dashboard?region_id={region_id}&year={year}"


def build_table(
    session: Session, user: User, region: Region, year: int, today: date, table: Table
) -> DataTable | None:
    """One table of the dashboard, for an export; None where the user has no such table."""
    if table == Table.standings:
        return standings_table(gauges(session, region, year))
    if table == Table.children:
        return children_table(session, region, year, today)
    if table == Table.teams:
        return teams_table(session, user, region, year, today) if user.role == Role.lead else None
    return trend_table(session, region, year, today)


def dashboard(session: Session, user: User, region: Region, year: int, today: date) -> Dashboard:
    found = gauges(session, region, year)
    trend = trend_table(session, region, year, today)
    tables = {
        Table.standings: standings_table(found),
        Table.children: children_table(session, region, year, today),
        Table.trend: trend,
    }
    if user.role == Role.lead:
        tables[Table.teams] = teams_table(session, user, region, year, today)
    period = work_period(year)
    work = work_metrics.region_work(session, region, period, today) if period else None
    return Dashboard(
        region=region,
        name=regions.path_name(session, region),
        year=year,
        years=statistics.years_to_pick(session, year, today),
        has_targets=year in targets.target_years(session),
        ancestors=ancestors(session, user, region),
        gauges=found,
        work=work,
        three_ones_bar=charts.progress_bar(work.three_ones_rate) if work else None,
        cadres=enrolment.region_cadres(session, region.id),
        tables=tables,
        contacts_chart=_contacts_chart(year, trend.rows),
        members_chart=_members_chart(year, trend.rows, found),
    )


def _twelve_months(year: int, values: dict[date, Any]) -> list[tuple[str, Any]]:
    """The year's twelve months as chart points, labelled 1…12 (None: nothing that month)."""
    return [(str(m), values.get(date(year, m, 1))) for m in range(1, 13)]


def _contacts_chart(year: int, trend: list[Month]) -> charts.Chart | None:
    contacts = {row.month: row.work.people_contacted for row in trend if row.work is not None}
    return charts.column_chart(_twelve_months(year, contacts)) if contacts else None


def _members_chart(year: int, trend: list[Month], found: list[Gauge]) -> charts.Chart | None:
    """Members in work month by month against the unit's attachment 1 target."""
    metric = Metric.employee_in_work
    members = {row.month: row.official[metric] for row in trend if metric in row.official}
    if not members:
        return None
    target = next((g.standing.target for g in found if g.standing.metric == metric), None)
    return charts.column_chart(_twelve_months(year, members), reference=target)


def export_rows(table: DataTable, _: Gettext) -> tuple[list[str], list[list[Any]]]:
    """The table as a sheet: headings and labels in the user's language, numbers as numbers."""
    header = [_(column.heading) for column in table.columns]
    rows = [[_cell(column, row, _) for column in table.columns] for row in table.rows]
    return header, rows


def _cell(column: Column, row: Any, _: Gettext) -> Any:
    value = column.value(row)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain(value)
    translated = isinstance(value, Message) or (column.kind == Kind.label and value)
    return _(value) if translated else value


def record_export(session: Session, user: User, region: Region, table: str, format: str) -> None:
    """Every export is audited, these figures' too."""
    audit.record(
        session, "export", user=user, target=f"dashboard:{region.id}", table=table, format=format
    )
    session.commit()
