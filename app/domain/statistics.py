"""Official statistics: the figures the social insurance system reports per unit and month, and
how a file of them is read and checked. Pure: a read table and the known units in, figures and
row errors out (rows numbered as a spreadsheet user counts them, the header being row 1).

Conventions (what a figure for a month means):
- people counts (members in work, contributors, insured, eligible) are the count at the end of
  the month;
- resident contributions are the year-to-date total in yuan, from 1 January of the month's year
  to the end of the month; resident contributors are likewise the people who have paid for that
  year by the end of the month (residents pay once a year), so the two divide into the year's
  contribution per person;
- employee_in_work is counted in the sense of the plan's attachment 1: enterprise employee
  pension members in work, paying or not, plus government/institution members in work who pay;
- resident_contributing_stage is the resident pension's counterpart for the employee share:
  members in the contributing stage (insured, not drawing a pension), whether or not they paid
  this year — the employee side (in work) also counts members whether or not they pay.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from app.core.i18n import N_, Message
from app.domain.codes import RegionLevel
from app.domain.imports import RowError, Table, UnreadableFile, read_table
from app.domain.targets import FIRST_YEAR, LARGEST_VALUE, LAST_YEAR
from app.domain.validation import TOO_LONG


class FigureKind(StrEnum):
    """The figures kept, as the social insurance system reports them (see the module's
    conventions)."""

    employee_in_work = "employee_in_work"
    resident_contributors = "resident_contributors"
    resident_contributions = "resident_contributions"  # yuan, year to date
    resident_contributing_stage = "resident_contributing_stage"
    insured_population = "insured_population"
    eligible_population = "eligible_population"


MONEY_KINDS = frozenset({FigureKind.resident_contributions})
# A share's or rate's denominator: zero would divide nothing.
DENOMINATOR_KINDS = frozenset({FigureKind.eligible_population})
# The levels official figures are kept for; townships and villages have none.
LEVELS = frozenset({RegionLevel.city, RegionLevel.county, RegionLevel.unit})
# How an official report may name the whole city, besides its own name.
CITY_ALIASES = ("全市", "合计")

# Field → the header texts that mean it (the first is the template's; no spaces, as the reader
# drops them).
HEADERS: dict[str, tuple[str, ...]] = {
    "region": ("地区", "单位", "县（市、区）", "县(市、区)", "县市区", "地区名称"),
    "month": ("月份", "统计月份", "年月"),
    FigureKind.employee_in_work: (
        "在职职工养老保险参保人数",
        "职工养老保险在职参保人数",
        "参加职工养老保险人数",
    ),
    FigureKind.resident_contributors: ("城乡居民养老保险缴费人数", "居民养老保险缴费人数"),
    FigureKind.resident_contributions: (
        "城乡居民养老保险缴费总额（元）",
        "城乡居民养老保险缴费总额(元)",
        "城乡居民养老保险缴费总额",
        "居民养老保险缴费总额（元）",
        "居民养老保险缴费总额(元)",
    ),
    FigureKind.resident_contributing_stage: (
        "城乡居民养老保险缴费阶段人数",
        "居民养老保险缴费阶段人数",
    ),
    FigureKind.insured_population: ("基本养老保险参保人数",),
    FigureKind.eligible_population: ("应参保人数", "基本养老保险应参保人数"),
    "source": ("来源", "数据来源"),
    "reported_on": ("报告日期", "数据日期"),
}
REQUIRED = ("region", "month", "source", "reported_on")
SOURCE_LENGTH = 200

MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
THOUSANDS = re.compile(r"[,，\s]")


def allowed(kind: FigureKind, level: RegionLevel) -> bool:
    """市本级 is city-run insured units, not a territory: it reports members in work only."""
    return level in LEVELS and (level != RegionLevel.unit or kind == FigureKind.employee_in_work)


@dataclass(frozen=True)
class Unit:
    """A unit a file may name: its region and level."""

    region_id: int
    level: RegionLevel


@dataclass(frozen=True)
class CheckedFigure:
    row: int
    region_id: int
    month: date  # the first of the month
    kind: FigureKind
    value: Decimal
    source: str
    reported_on: date


@dataclass
class CheckedFile:
    rows: int
    figures: list[CheckedFigure]
    errors: list[RowError]


def read_figures(filename: str, content: bytes) -> Table:
    """The file's table (UnreadableFile when it cannot be read or names no figure column)."""
    table = read_table(filename, content, HEADERS, REQUIRED)
    if not any(kind in table.fields for kind in FigureKind):
        columns = "、".join(HEADERS[kind][0] for kind in FigureKind)
        raise UnreadableFile(
            N_("The header row has none of these columns: %(columns)s."), columns=columns
        )
    return table


def check_file(table: Table, units: Mapping[str, Unit], today: date) -> CheckedFile:
    """Every row checked, and no figure given twice for one unit and month. A file is taken
    whole or not at all, so the caller stores ``figures`` only when ``errors`` is empty."""
    figures: list[CheckedFigure] = []
    errors: list[RowError] = []
    first_row: dict[tuple[int, date, FigureKind], int] = {}
    kinds = [kind for kind in FigureKind if kind in table.fields]
    for offset, cells in enumerate(table.rows):
        checked = _check_row(table, offset + 2, cells, kinds, units, today)
        for result in checked:
            if isinstance(result, RowError):
                errors.append(result)
                continue
            key = (result.region_id, result.month, result.kind)
            if key in first_row:
                message = Message(
                    N_("Row %(row)s already gives this figure for this unit and month."),
                    {"row": first_row[key]},
                )
                errors.append(RowError(result.row, _column(table, result.kind), message))
            else:
                first_row[key] = result.row
                figures.append(result)
    return CheckedFile(len(table.rows), figures, errors)


def _check_row(
    table: Table,
    row: int,
    cells: list[str],
    kinds: list[FigureKind],
    units: Mapping[str, Unit],
    today: date,
) -> list[CheckedFigure] | list[RowError]:
    """The row's figures, or every problem in it (one per cell)."""
    text = {name: _cell(cells, index) for name, index in table.fields.items()}
    problems: list[RowError] = []

    def checked(name: str, parse, *args):
        try:
            return parse(*args)
        except ValueError as error:
            message = error.args[0]
            message = message if isinstance(message, Message) else Message(message, {})
            problems.append(RowError(row, _column(table, name), message))
            return None

    unit = checked("region", _unit, text["region"], units)
    month = checked("month", parse_month, text["month"], today)
    source = checked("source", _source, text["source"])
    reported_on = checked("reported_on", _reported_on, text["reported_on"], month, today)
    values = {kind: checked(kind, _figure, kind, text[kind], unit) for kind in kinds if text[kind]}
    if not values:
        message = Message(N_("Enter at least one figure in this row."), {})
        problems.append(RowError(row, _column(table, kinds[0]), message))
    if problems:
        return problems
    return [
        CheckedFigure(row, unit.region_id, month, kind, value, source, reported_on)
        for kind, value in values.items()
    ]


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _column(table: Table, name: str) -> str:
    index = table.fields.get(name)
    return table.headers[index] if index is not None else HEADERS[name][0]


def _required(text: str) -> str:
    if not text:
        raise ValueError(N_("Required."))
    return text


def _source(text: str) -> str:
    if len(_required(text)) > SOURCE_LENGTH:
        raise ValueError(Message(TOO_LONG, {"limit": SOURCE_LENGTH, "count": len(text)}))
    return text


def _unit(name: str, units: Mapping[str, Unit]) -> Unit:
    unit = units.get(_required(name))
    if unit is None:
        raise ValueError(
            Message(
                N_(
                    "No unit %(name)s: enter the city, a county or 市本级 as the system names them."
                ),
                {"name": name},
            )
        )
    return unit


def _figure(kind: FigureKind, text: str, unit: Unit | None) -> Decimal:
    value = parse_figure(kind, text)
    if unit is not None and not allowed(kind, unit.level):
        raise ValueError(N_("市本级 only reports employee pension members in work."))
    return value


def parse_figure(kind: FigureKind, text: str) -> Decimal:
    """A reported figure as typed, thousands separators allowed: people as whole numbers,
    yuan with at most two decimals, never negative. Raises ValueError with a msgid."""
    if text.startswith("#NUMBER:"):  # Excel's number too long to keep its digits
        raise ValueError(N_("This number is too large."))
    try:
        value = Decimal(THOUSANDS.sub("", text).removesuffix("元").removesuffix("人"))
    except InvalidOperation:
        raise ValueError(N_("Enter a number.")) from None
    if not value.is_finite():
        raise ValueError(N_("Enter a number."))
    if value < 0 or (value == 0 and kind in DENOMINATOR_KINDS):
        raise ValueError(N_("Enter a number greater than zero."))
    if value >= LARGEST_VALUE:
        raise ValueError(N_("This number is too large."))
    if kind not in MONEY_KINDS and value != value.to_integral_value():
        raise ValueError(N_("Enter a whole number of people."))
    if value.as_tuple().exponent < -2:
        raise ValueError(N_("At most two decimals."))
    return value


def parse_month(text: str, today: date) -> date:
    """The first of the month named as 2024-06, 2024/6, 2024年6月 or any day in it (Excel
    turns a typed month into its first day). Raises ValueError with a msgid."""
    match = MONTH.fullmatch(text)
    day = _real_date(*match.groups(), "1") if match else _date(text)
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(N_("Enter a month as YYYY-MM."))
    if day.replace(day=1) > today:
        raise ValueError(N_("The date cannot be in the future."))
    return day.replace(day=1)


def _reported_on(text: str, month: date | None, today: date) -> date:
    day = _date(text)
    if day is None:
        raise ValueError(N_("Enter a date such as 2024-06-30."))
    if day > today:
        raise ValueError(N_("The date cannot be in the future."))
    if month is not None and day < month:
        raise ValueError(N_("A report cannot be dated before the month it reports."))
    return day


def _date(text: str) -> date | None:
    match = DAY.fullmatch(text)
    return _real_date(*match.groups()) if match else None


def _real_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
