"""Scheme A, the resident pension: yearly tiers with the per-tier subsidy, 代缴 for hardship
groups, 补缴 without subsidy, the account ÷ 139 and the basic pension — with figures worked by
hand from pension-rules.md (TEST subsidy ladder; 2026 basic pension 163)."""

from datetime import date
from decimal import Decimal

import pytest

from app.domain.pension import ResidentOption, estimate
from app.domain.pension.parameters import default_parameters
from app.domain.pension.resident import tier_subsidy
from tests.domain.pension.builders import person, resident, yuan

# Woman born 1976-07-15 with 5 years paid and 1,200 in the account, at tier 500 from 2026:
# pays 2026–2035 (10 years) → 15 years at 60; account 1,200 + 10 × (500 + 60) = 6,800.
ALICE = person("1976-07-15", years_contributed=5, account_balance=Decimal(1200))


def test_a_resident_pays_every_year_until_the_year_before_turning_60():
    result = resident(ALICE, tier=500)
    assert result.annual_personal_cost == yuan("500.00")
    assert result.annual_gov_subsidy == yuan("60.00")
    assert result.total_personal_cost == yuan("5000.00")
    assert result.account_at_retirement == yuan("6800.00")
    assert (result.statutory_age, result.statutory_month) == ("60y0m", "2036-07")
    assert result.benefit_start == "2036-08"
    assert result.buyback is None


def test_the_pension_is_the_basic_pension_plus_the_account_over_139():
    result = resident(ALICE, tier=500)
    assert result.divisor == 139
    assert result.monthly_basic == yuan("163.00")
    assert result.monthly_account == yuan("48.92")  # 6800 ÷ 139 = 48.9208…
    assert result.monthly_total == yuan("211.92")


def test_break_even_counts_whole_pension_payments_from_the_benefit_start():
    result = resident(ALICE, tier=500)
    assert result.breakeven_months == 24  # ceil(5000 ÷ 211.92 = 23.59)
    assert result.breakeven_month == "2038-07"  # 2036-08 + 23 months
    assert result.breakeven_age == "62y0m"


def test_interest_is_credited_yearly_to_the_fen_with_none_in_the_benefit_year():
    # 2 %: 1200 → 1224.00 + 560 = 1784.00 → 1819.68 + 560 = 2379.68 → 2427.27 + 560 …
    # … ten years of it, to 7,594.63 at the end of 2035; nothing in 2036.
    result = resident(ALICE, tier=500, interest_rate=Decimal("0.02"))
    assert result.account_at_retirement == yuan("7594.63")
    assert result.monthly_account == yuan("54.64")  # 7594.63 ÷ 139 = 54.637…
    assert "assumed_interest" in result.flags


@pytest.mark.parametrize(
    ("total", "subsidy"),
    [
        (200, 40),
        (300, 50),
        (400, 50),
        (500, 60),
        (999, 60),
        (1000, 80),
        (5000, 200),
        (8000, 200),
        (100, 0),
    ],
)
def test_a_total_between_tiers_earns_the_subsidy_of_the_tier_below(total, subsidy):
    ladder = default_parameters()["resident_subsidy_ladder"].latest().value
    assert tier_subsidy(ladder, Decimal(total)) == subsidy


def test_hardship_groups_get_the_lowest_tier_paid_and_pay_the_difference_to_a_higher_one():
    # Man born 1980-03-01 on 低保, tier 500: 代缴 200, he pays 300 a year for 2026–2039 (14
    # years) + 2 before = 16; the account gets 500 + 60 a year = 7,840 → 56.40 a month.
    bob = person("1980-03-01", sex="M", years_contributed=2, subsidy_group="low_income")
    result = resident(bob, tier=500)
    assert result.annual_personal_cost == yuan("300.00")
    assert result.annual_gov_subsidy == yuan("60.00")
    assert result.total_personal_cost == yuan("4200.00")
    assert result.account_at_retirement == yuan("7840.00")
    assert result.monthly_total == yuan("219.40")
    assert (result.breakeven_months, result.breakeven_month) == (20, "2041-11")
    assert "paid_on_behalf" in result.flags


def test_at_the_lowest_tier_a_hardship_group_pays_nothing():
    carol = person("1980-03-01", years_contributed=1, subsidy_group="severe_disability")
    result = resident(carol, tier=200)
    assert result.total_personal_cost == 0
    assert result.breakeven_months == 0
    assert result.breakeven_month == result.benefit_start


def test_missing_years_are_bought_back_at_the_chosen_tier_without_subsidy():
    # Woman born 1980-05-10: 2026–2039 is 14 years, one short of 15 → 补缴 1 × 300 in 2026.
    result = resident(person("1980-05-10"), tier=300)
    assert result.buyback.years == 1 and result.buyback.cost == yuan("300.00")
    assert result.annual_personal_cost == yuan("300.00")  # the regular payment only
    assert result.total_personal_cost == yuan("4500.00")  # 14 × 300 + 300
    assert result.account_at_retirement == yuan("5200.00")  # 14 × 350 + 300, no subsidy on it
    assert {"short_of_minimum_years", "buyback_local_rule"} <= set(result.flags)


def test_employee_years_count_as_resident_years_in_whole_years():
    # 30 employee months = 2 whole years: with 14 years to pay, nothing to buy back.
    result = resident(person("1980-05-10", prior_months=30), tier=300)
    assert result.buyback is None
    assert "employee_years_counted" in result.flags


def test_a_top_up_within_the_year_earns_the_final_tiers_subsidy_once_and_past_payment_is_sunk():
    top_up = estimate(2026, ALICE, ResidentOption(tier=500, paid_this_year=200))
    assert top_up.annual_personal_cost == yuan("500.00")
    assert top_up.annual_gov_subsidy == yuan("60.00")
    assert top_up.total_personal_cost == yuan("4800.00")  # the 200 already paid is past
    assert top_up.account_at_retirement == yuan("6800.00")
    assert "mid_year_top_up" in top_up.flags


def test_a_top_up_cannot_be_less_than_what_was_paid():
    with pytest.raises(ValueError):
        estimate(2026, ALICE, ResidentOption(tier=300, paid_this_year=500))


def test_a_collective_subsidy_goes_into_the_account_but_costs_the_person_nothing():
    with_help = estimate(2026, ALICE, ResidentOption(tier=500, collective_subsidy=50))
    assert with_help.account_at_retirement == yuan("7300.00")
    assert with_help.total_personal_cost == yuan("5000.00")


def test_a_tier_outside_the_menu_is_computed_and_flagged():
    assert "tier_not_in_menu" in resident(ALICE, tier=450).flags
    assert "tier_not_in_menu" not in resident(ALICE, tier=500).flags


def test_assumptions_replace_the_basic_pension_and_the_ladder_for_one_call():
    result = resident(ALICE, tier=500, basic_pension=Decimal(200), subsidy_ladder={"500": 100})
    assert result.monthly_basic == yuan("200.00")
    assert result.account_at_retirement == yuan("7200.00")  # 1200 + 10 × 600
    assert resident(ALICE, tier=500).monthly_basic == yuan("163.00")


def test_the_basic_pension_is_frozen_at_the_calculation_year():
    assert resident(ALICE, tier=500, year=2025).monthly_basic == yuan("143.00")


def test_every_unconfirmed_figure_a_resident_result_uses_is_named():
    result = resident(ALICE, tier=500)
    assert "unconfirmed_parameter" in result.flags
    assert set(result.unconfirmed_parameters) == {
        "resident_basic_topup",
        "resident_long_contribution_extra",
        "resident_subsidy_ladder",
        "resident_tier_menu",
    }


def test_the_scheme_start_is_unconfirmed_only_where_it_sets_the_minimum():
    assert "resident_scheme_start" not in resident(ALICE).unconfirmed_parameters
    older = person("1965-09-20", years_contributed=13)
    assert "resident_scheme_start" in resident(older).unconfirmed_parameters


@pytest.mark.parametrize(
    ("start", "required", "buyback"),
    [("2012-01-01", 13, "2100.00"), ("2010-01-01", 15, "2700.00"), ("2014-01-01", 11, "1500.00")],
)
def test_the_local_scheme_start_sets_the_transition_minimum(start, required, buyback):
    # 60 on 2025-09-20 with 6 years: from 2010 she is 15+ years from 60 at the start (15);
    # from 2012 or 2014, one year for each of 2012–2024 or 2014–2024.
    older = person("1965-09-20", years_contributed=6)
    result = resident(older, tier=300, resident_scheme_start=date.fromisoformat(start))
    assert result.min_contribution_years == required
    assert str(result.buyback.cost) == buyback


@pytest.mark.parametrize("tier", [0, -200])
def test_a_tier_must_be_above_zero(tier):
    with pytest.raises(ValueError):
        resident(ALICE, tier=tier)
