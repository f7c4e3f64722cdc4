"""Official statistics: importing the figures the social insurance system reports, the figures
in force for any unit and year, and where each unit stands against its targets."""

import io
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from app.core import clock
from app.domain import metrics
from app.domain.codes import Metric, RegionLevel
from app.domain.imports import RowError
from app.domain.statistics import (
    CITY_ALIASES,
    HEADERS,
    LEVELS,
    FigureKind,
    Unit,
    check_file,
    read_figures,
)
from app.models import OfficialFigure, Region, User
from app.services import audit
from app.services.targets import active_targets, target_years

# --- importing -------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What became of a file: the batch it was stored as, or the problems that stopped it."""

    filename: str
    rows: int
    figures: int = 0
    batch: str | None = None
    errors: list[RowError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)


def import_figures(session: Session, filename: str, content: bytes, *, by: User) -> ImportReport:
    """A file is stored whole or not at all: a report of official figures is one document, and
    half of it in force would mix two months' pictures. Raises UnreadableFile."""
    table = read_figures(filename, content)
    checked = check_file(table, units_by_name(session), clock.today())
    report = ImportReport(filename, checked.rows, unknown_columns=table.unknown_columns)
    if checked.errors:
        report.errors = checked.errors
        return report
    report.batch, report.figures = uuid.uuid4().hex, len(checked.figures)
    now = clock.now()
    session.add_all(
        OfficialFigure(
            region_id=figure.region_id,
            month=figure.month,
            kind=figure.kind,
            value=figure.value,
            source=figure.source,
            reported_on=figure.reported_on,
            batch=report.batch,
            imported_by_id=by.id,
            imported_at=now,
        )
        for figure in checked.figures
    )
    audit.record(
        session,
        "official_figures_imported",
        user=by,
        target=f"official_figures:{report.batch}",
        filename=filename[:200],
        rows=report.rows,
        figures=report.figures,
    )
    session.commit()
    return report


def units_by_name(session: Session) -> dict[str, Unit]:
    """The units a file may name: the city (also as 全市 or 合计), its counties and 市本级."""
    units = {}
    for region in session.exec(select(Region).where(col(Region.level).in_(LEVELS))):
        unit = Unit(region.id, region.level)
        units[region.name] = unit
        if region.level == RegionLevel.city:
            units.update(dict.fromkeys(CITY_ALIASES, unit))
    return units


def batch_figures(session: Session, batch: str) -> list[tuple[OfficialFigure, Region]]:
    query = (
        select(OfficialFigure, Region)
        .join(Region, col(Region.id) == OfficialFigure.region_id)
        .where(OfficialFigure.batch == batch)
        .order_by(Region.sort_order, Region.id, OfficialFigure.month, OfficialFigure.id)
    )
    return list(session.exec(query))


def template() -> bytes:
    """The workbook to fill: one row per unit and month, and a sheet explaining the columns."""
    book = Workbook()
    sheet = book.active
    sheet.title = "官方统计数据"
    sheet.append([texts[0] for texts in HEADERS.values()])
    for column in sheet.iter_cols(min_col=1, max_col=2):
        for cell in column:
            cell.number_format = "@"  # 地区 and 月份 stay as typed
    notes = book.create_sheet("说明")
    notes.append(["列", "说明"])
    for row in TEMPLATE_NOTES:
        notes.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TEMPLATE_NOTES = [
    ("地区", "必填：玉溪市（或“全市”“合计”）、县（市、区）名称或“市本级”，与系统中的名称一致"),
    ("月份", "必填：数据所属月份，如 2024-06 或 2024年6月"),
    (
        "在职职工养老保险参保人数",
        "月末数，口径同行动计划附件1：企业职工基本养老保险在职参保人数（不论当月是否缴费）"
        "+ 机关事业单位养老保险在职参保缴费人数",
    ),
    ("城乡居民养老保险缴费人数", "当年1月1日至月末已缴纳当年保费的人数（年度累计）"),
    ("城乡居民养老保险缴费总额（元）", "当年1月1日至月末的缴费总额（年度累计），可保留两位小数"),
    (
        "城乡居民养老保险缴费阶段人数",
        "月末处于缴费阶段（已参保、未领取待遇）的城乡居民养老保险参保人数，不论当年是否缴费；"
        "用于计算缴费阶段人员参加职工养老保险占比",
    ),
    ("基本养老保险参保人数", "月末数，用于计算参保率"),
    ("应参保人数", "月末数，用于计算参保率"),
    ("来源", "必填：数据出自哪份报表或哪个系统"),
    ("报告日期", "必填：报表上的日期，如 2024-07-05"),
    (
        "其他",
        "数字可带千位分隔符；人数须为整数；未取得的数据请留空，不要填0；"
        "市本级只填在职职工养老保险参保人数。同一地区、月份和指标再次导入时以最新导入为准，"
        "旧数据保留备查。文件中任何一行有误则整个文件不导入。",
    ),
]


# --- the figures in force --------------------------------------------------------------------


def figures_for(session: Session, region_id: int, year: int) -> metrics.Figures:
    """The unit's figures in force for each month of the year (the latest import of each),
    kind → month → figure: what app.domain.metrics computes from, and a monthly series for a
    trend. The city's are its own report, else the complete sum of its parts
    (metrics.city_figures). Townships and villages have none."""
    region = session.get(Region, region_id)
    if region is None or region.level != RegionLevel.city:
        return _in_force(session, [region_id], year).get(region_id, {})
    parts = _city_parts(session, region)
    found = _in_force(session, [region.id, *(part.id for part in parts)], year)
    return _city(region, parts, found)


def standings_for(session: Session, region: Region, year: int) -> list[metrics.Standing]:
    """Target, actual and progress for each of the unit's metrics in the year."""
    city = _the_city(session)
    targets = _targets(session, year)
    return _standings(region, targets, figures_for(session, region.id, year), city)


@dataclass
class UnitStandings:
    region: Region
    standings: list[metrics.Standing]


def progress_table(session: Session, year: int) -> list[UnitStandings]:
    """The city, 市本级 and each county against the year's targets."""
    city = _the_city(session)
    parts = _city_parts(session, city)
    found = _in_force(session, [city.id, *(part.id for part in parts)], year)
    targets = _targets(session, year)
    rows = [UnitStandings(city, _standings(city, targets, _city(city, parts, found), city))]
    for part in parts:
        rows.append(UnitStandings(part, _standings(part, targets, found.get(part.id, {}), city)))
    return rows


@dataclass
class MonthFigures:
    month: date
    by_kind: dict[FigureKind, metrics.Reported]


def figure_table(session: Session, year: int) -> list[tuple[Region, list[MonthFigures]]]:
    """Each unit's reported figures in force, newest month first (as reported: no sums)."""
    city = _the_city(session)
    units = [city, *_city_parts(session, city)]
    found = _in_force(session, [unit.id for unit in units], year)
    table = []
    for unit in units:
        months: dict[date, dict[FigureKind, metrics.Reported]] = {}
        for kind, by_month in found.get(unit.id, {}).items():
            for month, reported in by_month.items():
                months.setdefault(month, {})[kind] = reported
        if months:
            rows = [MonthFigures(month, months[month]) for month in sorted(months, reverse=True)]
            table.append((unit, rows))
    return table


def figure_years(session: Session) -> list[int]:
    months = session.exec(select(OfficialFigure.month).distinct())
    return sorted({month.year for month in months})


def _in_force(
    session: Session, region_ids: list[int], year: int
) -> dict[int, dict[FigureKind, dict[date, metrics.Reported]]]:
    """region → kind → month → figure. Rows are read in insertion order, so a later import of
    the same unit, month and kind replaces an earlier one."""
    query = (
        select(OfficialFigure)
        .where(
            col(OfficialFigure.region_id).in_(region_ids),
            OfficialFigure.month >= date(year, 1, 1),
            OfficialFigure.month <= date(year, 12, 1),
        )
        .order_by(OfficialFigure.id)
    )
    found: dict[int, dict[FigureKind, dict[date, metrics.Reported]]] = {}
    for row in session.exec(query):
        by_kind = found.setdefault(row.region_id, {})
        reported = metrics.Reported(Decimal(row.value), row.source, row.reported_on)
        by_kind.setdefault(FigureKind(row.kind), {})[row.month] = reported
    return found


def _the_city(session: Session) -> Region:
    return session.exec(select(Region).where(Region.level == RegionLevel.city)).one()


def _city_parts(session: Session, city: Region) -> list[Region]:
    """市本级 and the counties, in display order: what the city's figures add up from."""
    query = (
        select(Region)
        .where(
            or_(
                Region.level == RegionLevel.unit,
                and_(Region.level == RegionLevel.county, Region.parent_id == city.id),
            )
        )
        .order_by(Region.sort_order, Region.id)
    )
    return list(session.exec(query))


def _city(city: Region, parts: list[Region], found: dict) -> metrics.Figures:
    return metrics.city_figures(
        found.get(city.id, {}), [(part.level, found.get(part.id, {})) for part in parts]
    )


def _targets(session: Session, year: int) -> dict[int, dict[Metric, Decimal]]:
    by_region: dict[int, dict[Metric, Decimal]] = {}
    for target, region in active_targets(session, year=year):
        by_region.setdefault(region.id, {})[Metric(target.metric)] = target.value
    return by_region


def _standings(
    region: Region, targets: dict[int, dict[Metric, Decimal]], figures, city: Region
) -> list[metrics.Standing]:
    city_targets = targets.get(city.id, {}) if region.level == RegionLevel.county else None
    return metrics.standings(region.level, targets.get(region.id, {}), figures, city_targets)


def years_to_pick(session: Session, chosen: int, today: date) -> list[int]:
    """The years a page offers: those with targets or official figures, this one and the one
    shown."""
    return sorted({*target_years(session), *figure_years(session), today.year, chosen})
