"""Reading a file of official figures: months and numbers as reports write them, every problem
named by row and column."""

from datetime import date
from decimal import Decimal

import pytest

from app.domain.codes import RegionLevel
from app.domain.imports import UnreadableFile
from app.domain.statistics import (
    FigureKind,
    Unit,
    check_file,
    parse_figure,
    parse_month,
    read_figures,
)
from tests.sheets import as_csv

TODAY = date(2025, 3, 10)
UNITS = {
    "玉溪市": Unit(1, RegionLevel.city),
    "全市": Unit(1, RegionLevel.city),
    "市本级": Unit(2, RegionLevel.unit),
    "红塔区": Unit(3, RegionLevel.county),
}
HEADER = [
    "地区",
    "月份",
    "在职职工养老保险参保人数",
    "城乡居民养老保险缴费人数",
    "来源",
    "报告日期",
]


def checked(*rows, header=HEADER):
    return check_file(read_figures("x.csv", as_csv(rows, header=header)), UNITS, TODAY)


def problems(result) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message.text) for e in result.errors]


@pytest.mark.parametrize(
    "typed", ["2024-06", "2024-6", "2024/06", "2024年6月", "2024.6", "2024-06-01"]
)
def test_a_month_as_reports_and_excel_write_it(typed):
    assert parse_month(typed, TODAY) == date(2024, 6, 1)


@pytest.mark.parametrize("typed", ["", "六月", "2024-13", "24-06", "2024-02-30", "2025-04"])
def test_a_month_that_is_not_one_or_not_yet_is_refused(typed):
    with pytest.raises(ValueError):
        parse_month(typed, TODAY)


@pytest.mark.parametrize(
    ("kind", "typed", "value"),
    [
        (FigureKind.employee_in_work, "91,400", Decimal(91400)),
        (FigureKind.employee_in_work, "91400人", Decimal(91400)),
        (FigureKind.resident_contributions, "52,345,678.90", Decimal("52345678.90")),
        (FigureKind.resident_contributors, "0", Decimal(0)),
    ],
)
def test_figures_with_thousands_separators(kind, typed, value):
    assert parse_figure(kind, typed) == value


@pytest.mark.parametrize(
    ("kind", "typed"),
    [
        (FigureKind.employee_in_work, "-5"),
        (FigureKind.employee_in_work, "很多"),
        (FigureKind.employee_in_work, "NaN"),
        (FigureKind.employee_in_work, "100.5"),
        (FigureKind.resident_contributions, "1.005"),
        (FigureKind.eligible_population, "0"),
        (FigureKind.insured_population, "#NUMBER:1234567890123456"),
    ],
)
def test_negative_fractional_people_and_non_numbers_are_refused(kind, typed):
    with pytest.raises(ValueError):
        parse_figure(kind, typed)


def test_each_filled_cell_of_a_row_is_one_figure_and_blank_cells_none():
    result = checked(["红塔区", "2024-06", "89,000", "", "人社月报", "2024-07-05"])
    assert result.errors == []
    [figure] = result.figures
    assert (figure.region_id, figure.month, figure.kind) == (
        3,
        date(2024, 6, 1),
        FigureKind.employee_in_work,
    )
    assert (figure.value, figure.source, figure.reported_on) == (
        89000,
        "人社月报",
        date(2024, 7, 5),
    )


def test_the_city_may_be_named_as_the_whole_city():
    result = checked(["全市", "2024-06", "350000", "", "人社月报", "2024-07-05"])
    assert result.figures[0].region_id == 1


def test_problems_are_named_by_row_and_column():
    result = checked(
        ["北城街道", "2024-06", "-1", "", "", "2024-05-31"],
        ["红塔区", "六月", "100", "", "月报", "2024-07-05"],
        ["红塔区", "2024-07", "", "", "月报", "2024-08-05"],
        ["市本级", "2024-07", "60000", "1000", "月报", "2024-08-05"],
    )
    assert problems(result) == [
        (
            2,
            "地区",
            "No unit %(name)s: enter the city, a county or 市本级 as the system names them.",
        ),
        (2, "来源", "Required."),
        (2, "报告日期", "A report cannot be dated before the month it reports."),
        (2, "在职职工养老保险参保人数", "Enter a number greater than zero."),
        (3, "月份", "Enter a month as YYYY-MM."),
        (4, "在职职工养老保险参保人数", "Enter at least one figure in this row."),
        (5, "城乡居民养老保险缴费人数", "市本级 only reports employee pension members in work."),
    ]


def test_a_figure_given_twice_for_a_unit_and_month_is_a_problem():
    result = checked(
        ["红塔区", "2024-06", "89000", "", "月报", "2024-07-05"],
        ["红塔区", "2024年6月", "", "100000", "月报", "2024-07-05"],
        ["红塔区", "2024-06", "89100", "", "月报", "2024-07-06"],
    )
    [problem] = problems(result)
    assert problem == (
        4,
        "在职职工养老保险参保人数",
        "Row %(row)s already gives this figure for this unit and month.",
    )
    assert result.errors[0].message.values == {"row": 2}


def test_a_file_without_any_figure_column_cannot_be_read():
    with pytest.raises(UnreadableFile):
        checked(
            ["红塔区", "2024-06", "月报", "2024-07-05"], header=["地区", "月份", "来源", "报告日期"]
        )


def test_a_file_without_the_unit_column_cannot_be_read():
    with pytest.raises(UnreadableFile) as caught:
        checked(["2024-06", "1", "月报", "2024-07-05"], header=HEADER[1:3] + HEADER[4:])
    assert caught.value.message.values == {"columns": "地区"}
