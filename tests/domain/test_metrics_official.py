"""Actuals and progress from official figures: computed from what was reported, never invented."""

from datetime import date
from decimal import Decimal

from app.domain import metrics
from app.domain.codes import Metric, RegionLevel
from app.domain.metrics import NO_FIGURE, NO_ONE_COUNTED, NO_TARGET, Reported
from app.domain.statistics import FigureKind

JUNE, NOVEMBER = date(2024, 6, 1), date(2024, 11, 1)
HONGTA_2024 = {
    Metric.employee_in_work: Decimal(91400),
    Metric.resident_contribution_per_capita: Decimal(543),
}
CITY_2024 = {
    Metric.employee_in_work: Decimal(363200),
    Metric.resident_contribution_per_capita: Decimal(500),
    Metric.participation_rate: Decimal("0.96"),
    Metric.employee_share: Decimal("0.30"),
}


def reported(value, source="人社月报", on=date(2024, 12, 5)) -> Reported:
    return Reported(Decimal(value), source, on)


def figures(**by_kind: dict) -> dict:
    """figures(employee_in_work={JUNE: 1, ...}) with plain numbers as the reported values."""
    return {
        FigureKind(kind): {month: reported(value) for month, value in months.items()}
        for kind, months in by_kind.items()
    }


def test_members_in_work_are_the_latest_months_figure_against_the_attachment_1_target():
    hongta = figures(employee_in_work={JUNE: 88000, NOVEMBER: 89572})
    [standing, *_] = metrics.standings(RegionLevel.county, HONGTA_2024, hongta)
    assert standing.metric == Metric.employee_in_work
    assert standing.actual.value == 89572
    assert standing.actual.month == NOVEMBER
    assert standing.actual.sources == ("人社月报",)
    assert standing.progress == Decimal("0.9800")


def test_contribution_per_person_divides_the_years_total_by_its_contributors():
    hongta = figures(
        resident_contributions={NOVEMBER: "52345678.90"}, resident_contributors={NOVEMBER: 101234}
    )
    standing = metrics.standing(Metric.resident_contribution_per_capita, Decimal(543), hongta)
    assert standing.actual.value == Decimal("517.08")
    assert standing.progress == Decimal("0.9523")


def test_participation_rate_and_employee_share_against_the_city_goals():
    city = figures(
        insured_population={NOVEMBER: 1_520_000},
        eligible_population={NOVEMBER: 1_600_000},
        employee_in_work={NOVEMBER: 350_000},
        resident_contributing_stage={NOVEMBER: 900_000},
    )
    by_metric = {s.metric: s for s in metrics.standings(RegionLevel.city, CITY_2024, city)}
    participation = by_metric[Metric.participation_rate]
    assert participation.actual.value == Decimal("0.9500")
    assert participation.progress == Decimal("0.9896")
    share = by_metric[Metric.employee_share]
    assert share.actual.value == Decimal("0.2800")  # 350 000 ÷ (350 000 + 900 000)
    assert share.progress == Decimal("0.9333")


def test_a_ratio_uses_the_latest_month_that_has_both_of_its_figures():
    mixed = figures(
        resident_contributions={JUNE: 500_000, NOVEMBER: 900_000},
        resident_contributors={JUNE: 1000},
    )
    found = metrics.actual(Metric.resident_contribution_per_capita, mixed)
    assert (found.value, found.month) == (Decimal("500.00"), JUNE)


def test_without_official_figures_there_is_no_actual_and_the_reason_says_so():
    [*standings] = metrics.standings(RegionLevel.county, HONGTA_2024, {})
    for standing in standings:
        assert standing.actual.value is None
        assert standing.progress is None
    assert standings[0].reason == NO_FIGURE
    half = figures(insured_population={NOVEMBER: 1000})
    assert metrics.actual(Metric.participation_rate, half).reason == NO_FIGURE


def test_nobody_to_divide_by_gives_no_actual_rather_than_a_made_up_one():
    early = figures(resident_contributions={JUNE: 0}, resident_contributors={JUNE: 0})
    found = metrics.actual(Metric.resident_contribution_per_capita, early)
    assert found.value is None
    assert found.reason == NO_ONE_COUNTED


def test_a_year_without_targets_keeps_the_actual_and_says_there_is_no_target():
    standing = metrics.standing(
        Metric.employee_in_work, None, figures(employee_in_work={JUNE: 95000})
    )
    assert standing.actual.value == 95000
    assert standing.progress is None
    assert standing.reason == NO_TARGET


def test_city_level_units_are_measured_on_members_in_work_only():
    unit = metrics.standings(RegionLevel.unit, {Metric.employee_in_work: Decimal(69200)}, {})
    assert [s.metric for s in unit] == [Metric.employee_in_work]


def test_a_county_without_rate_targets_is_measured_against_the_city_wide_goals_only_for_rates():
    county = figures(insured_population={JUNE: 97}, eligible_population={JUNE: 100})
    by_metric = {
        s.metric: s for s in metrics.standings(RegionLevel.county, HONGTA_2024, county, CITY_2024)
    }
    participation = by_metric[Metric.participation_rate]
    assert (participation.target, participation.city_wide) == (Decimal("0.96"), True)
    assert participation.progress == Decimal("1.0104")
    per_person = by_metric[Metric.resident_contribution_per_capita]
    assert (per_person.target, per_person.city_wide) == (Decimal(543), False)
    without = metrics.standings(RegionLevel.county, {}, county, {})
    assert all(s.reason == NO_TARGET for s in without)


def test_the_city_sums_its_parts_only_for_months_every_part_reported():
    counties = [
        (RegionLevel.county, figures(employee_in_work={JUNE: 80000, NOVEMBER: 81000})),
        (RegionLevel.county, figures(employee_in_work={JUNE: 20000})),
    ]
    unit = (RegionLevel.unit, figures(employee_in_work={JUNE: 60000, NOVEMBER: 61000}))
    city = metrics.city_figures({}, [*counties, unit])
    assert city[FigureKind.employee_in_work][JUNE].value == 160000  # 市本级 counts (attachment 1)
    assert NOVEMBER not in city[FigureKind.employee_in_work], "a county has not reported"


def test_city_level_units_are_left_out_of_the_resident_sums():
    counties = [
        (RegionLevel.county, figures(resident_contributors={JUNE: 100})),
        (RegionLevel.county, figures(resident_contributors={JUNE: 50})),
    ]
    city = metrics.city_figures({}, [*counties, (RegionLevel.unit, {})])
    assert city[FigureKind.resident_contributors][JUNE].value == 150


def test_the_citys_own_report_wins_over_the_sum_of_its_parts():
    parts = [
        (
            RegionLevel.county,
            {FigureKind.employee_in_work: {JUNE: reported(1000, "县报表")}},
        )
    ]
    own = {FigureKind.employee_in_work: {JUNE: reported(1200, "市报表")}}
    city = metrics.city_figures(own, parts)
    assert city[FigureKind.employee_in_work][JUNE] == reported(1200, "市报表")


def test_a_monthly_trend_of_a_metric():
    series = figures(
        insured_population={JUNE: 90, NOVEMBER: 95}, eligible_population={JUNE: 100, NOVEMBER: 100}
    )
    assert metrics.trend(Metric.participation_rate, series) == [
        (JUNE, Decimal("0.9000")),
        (NOVEMBER, Decimal("0.9500")),
    ]
