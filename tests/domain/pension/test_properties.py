"""Properties that hold for any person: more money in never means less pension out, bases stay
within the limits, break-even is never negative, and a later birth never retires earlier."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.pension import (
    Assumptions,
    FlexibleOption,
    Person,
    ResidentOption,
    compare,
    default_parameters,
    estimate,
    retirement,
)
from app.domain.pension.months import Month

CALC_YEAR = 2026
MENU = default_parameters()["resident_tier_menu"].on(date(CALC_YEAR, 1, 1)).value

# Everyone who reaches even the oldest statutory age (F50) from 2011, when the minimum-years
# table starts, to 16-year-olds.
birth_dates = st.dates(min_value=date(1961, 1, 1), max_value=date(2010, 12, 31))
people = st.builds(
    Person,
    birth_date=birth_dates,
    sex=st.just("M"),
    years_contributed=st.integers(0, 40),
    account_balance=st.integers(0, 200_000).map(Decimal),
    prior_months=st.integers(0, 400),
    prior_avg_index=st.decimals("0.6", "3", places=2),
    subsidy_group=st.sampled_from(["none", "low_income", "employment_difficulty"]),
) | st.builds(
    Person,
    birth_date=birth_dates,
    sex=st.just("F"),
    category=st.sampled_from([None, "F55", "F50"]),
    years_contributed=st.integers(0, 40),
    prior_months=st.integers(0, 400),
    subsidy_group=st.sampled_from(["none", "severe_disability", "employment_difficulty"]),
)
percentages = st.decimals("10", "400", places=1)
rates = st.sampled_from([None, Decimal("0"), Decimal("0.015"), Decimal("0.0371")])


@settings(max_examples=150, deadline=None)
@given(people, st.sampled_from(MENU), st.sampled_from(MENU))
def test_a_higher_tier_never_lowers_the_pension(person, a, b):
    low, high = sorted((a, b))
    results = compare(CALC_YEAR, person, [ResidentOption(low), ResidentOption(high)]).results
    assert results[1].monthly_total >= results[0].monthly_total


@settings(max_examples=100, deadline=None)
@given(people, percentages, percentages)
def test_a_higher_base_never_lowers_the_pension(person, a, b):
    low, high = sorted((a, b))
    results = compare(CALC_YEAR, person, [FlexibleOption(low), FlexibleOption(high)]).results
    assert results[1].monthly_total >= results[0].monthly_total


@settings(max_examples=100, deadline=None)
@given(people, percentages)
def test_a_base_outside_the_range_costs_exactly_what_the_nearest_limit_does(person, pct):
    clamped = min(max(pct, Decimal(60)), Decimal(300))
    asked, limit = (estimate(CALC_YEAR, person, FlexibleOption(p)) for p in (pct, clamped))
    assert asked.annual_personal_cost == limit.annual_personal_cost
    assert asked.monthly_total == limit.monthly_total
    assert ("base_clamped" in asked.flags) == (pct != clamped)
    if asked.benefit_start > f"{CALC_YEAR}-12" and person.subsidy_group == "none":
        paid = asked.annual_personal_cost  # 12 months at 20 % of 4,403 … 22,017
        assert 12 * Decimal("880.60") <= paid <= 12 * Decimal("4403.40")


@settings(max_examples=150, deadline=None)
@given(people, st.sampled_from(MENU), percentages, rates)
def test_break_even_is_never_negative(person, tier, pct, rate):
    result = compare(
        CALC_YEAR, person, [ResidentOption(tier), FlexibleOption(pct)], Assumptions(rate)
    )
    for shown in (*result.results, *result.marginal):
        assert shown.breakeven_months is None or shown.breakeven_months >= 0
    for estimate_ in result.results:
        assert estimate_.breakeven_month >= estimate_.benefit_start
        assert estimate_.account_at_retirement >= 0
        assert estimate_.total_personal_cost >= 0


@settings(max_examples=200, deadline=None)
@given(birth_dates, st.integers(1, 400), st.sampled_from(["M60", "F55", "F50"]))
def test_a_later_birth_date_never_retires_earlier(born, days_later, category):
    earlier, later = (retirement(d, category) for d in (born, born + timedelta(days=days_later)))
    assert Month.parse(later.statutory_month) >= Month.parse(earlier.statutory_month)
    assert later.min_contribution_years >= earlier.min_contribution_years


@settings(max_examples=100, deadline=None)
@given(people, st.sampled_from(MENU))
def test_the_total_is_the_unrounded_parts_rounded_once(person, tier):
    result = estimate(CALC_YEAR, person, ResidentOption(tier))
    parts = result.monthly_basic + result.monthly_account
    assert abs(result.monthly_total - parts) <= Decimal("0.01")
