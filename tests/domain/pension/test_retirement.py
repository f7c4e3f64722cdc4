"""Statutory retirement age under the 2024 decision: every worked line of pension-rules.md §3,
the minimum years by the year the age is reached, and the flexible-retirement window."""

from datetime import date
from decimal import Decimal

import pytest

from app.domain.pension import retirement
from app.domain.pension.parameters import Lookup, default_parameters
from app.domain.pension.retirement import person_category


@pytest.mark.parametrize(
    ("born", "category", "age", "month"),
    [
        ("1965-01-10", "M60", "60y1m", "2025-02"),  # n=1 → delay 1
        ("1965-05-10", "M60", "60y2m", "2025-07"),  # n=5 → delay 2
        ("1970-06-10", "M60", "61y5m", "2031-11"),  # n=66 → delay 17
        ("1976-08-10", "M60", "62y11m", "2039-07"),  # n=140 → delay 35
        ("1976-09-10", "M60", "63y0m", "2039-09"),  # born 1976-09 or later: 63
        ("1972-03-10", "F55", "55y7m", "2027-10"),  # n=27 → delay 7
        ("1978-08-10", "F50", "51y10m", "2030-06"),  # n=44 → delay 22
        ("1984-11-10", "F50", "55y0m", "2039-11"),  # n=119 → ceil(59.5)=60, the cap
        ("1964-12-10", "M60", "60y0m", "2024-12"),  # n=0 → no delay
    ],
)
def test_worked_lines_of_the_reform(born, category, age, month):
    result = retirement(date.fromisoformat(born), category)
    assert (result.statutory_age, result.statutory_month) == (age, month)


def test_a_man_born_june_1970_needs_16_years():
    assert retirement(date(1970, 6, 10), "M60").min_contribution_years == Decimal(16)


@pytest.mark.parametrize(
    ("born", "category", "reached", "years"),
    [
        ("1964-12-01", "M60", "2024-12", "15"),  # before the reform: 15
        ("1972-03-01", "F55", "2027-10", "15"),  # 2025–2029: 15
        ("1978-08-01", "F50", "2030-06", "15.5"),  # from 2030, +6 months a year
        ("1970-06-01", "M60", "2031-11", "16"),
        ("1984-11-01", "F50", "2039-11", "20"),  # 2039 onward: 20
        ("1990-01-01", "M60", "2053-01", "20"),
    ],
)
def test_minimum_years_follow_the_year_the_age_is_reached(born, category, reached, years):
    result = retirement(date.fromisoformat(born), category)
    assert result.statutory_month == reached
    assert result.min_contribution_years == Decimal(years)


def test_flexible_retirement_is_up_to_three_years_either_side_but_not_before_the_old_age():
    man = retirement(date(1970, 6, 10), "M60")  # 61y5m: 3 years earlier would be 58y5m
    assert (man.earliest_flexible_month, man.latest_flexible_month) == ("2030-06", "2034-11")
    woman = retirement(date(1984, 11, 10), "F50")  # 55y0m: 52y0m is after the old 50
    assert (woman.earliest_flexible_month, woman.latest_flexible_month) == ("2036-11", "2042-11")


@pytest.mark.parametrize(
    ("sex", "given", "category", "assumed"),
    [("M", None, "M60", False), ("F", None, "F55", True), ("F", "F50", "F50", False)],
)
def test_a_womans_category_defaults_to_f55_and_says_so(sex, given, category, assumed):
    lookup = Lookup(default_parameters(), {})
    found, flags = person_category(lookup, sex, given)
    assert found == category
    assert bool(flags) == assumed


@pytest.mark.parametrize(("sex", "category"), [("M", "F55"), ("F", "M60"), ("X", None)])
def test_a_category_must_fit_the_person(sex, category):
    with pytest.raises(ValueError):
        person_category(Lookup(default_parameters(), {}), sex, category)


def test_ages_reached_before_the_minimum_years_table_starts_are_outside_the_data():
    with pytest.raises(ValueError):
        retirement(date(1945, 1, 1), "M60")  # 60 in 2005: before the 2011 entry


def test_unknown_categories_are_refused():
    with pytest.raises(ValueError):
        retirement(date(1970, 1, 1), "F45")
