"""Scheme B, the employee pension as a flexible worker: base between the published limits,
20 % paid and 8 % to the account, the basic pension over the average index of all months,
计发月数 by age with months, 延缴 when short, the employment-difficulty subsidy, and the
transfer to the resident scheme — figures worked by hand from pension-rules.md (2026 limits
4,403 / 22,017, average 7,339; 计发基数 8,265 held flat)."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from app.domain.pension.flexible import divisor
from app.domain.pension.parameters import Lookup, default_parameters
from tests.domain.pension.builders import flexible, person, yuan

# Man born 1970-06-10: statutory age 61y5m in 2031-11, minimum 16 years (192 months). With 120
# months at index 0.6 behind him, 2026-01…2031-11 is 71 months → 191: one month of 延缴.
DAVID = person("1970-06-10", sex="M", prior_months=120, prior_avg_index=Decimal("0.6"))


@pytest.mark.parametrize(
    ("pct", "contribution", "credit"),
    [
        ("60", "880.60", "352.24"),  # the lower limit 4,403 itself
        ("61", "895.36", "358.14"),  # 7339 × 61 % = 4476.79
        ("100", "1467.80", "587.12"),  # 7,339
        ("150", "2201.70", "880.68"),  # 11,008.50
        ("300", "4403.40", "1761.36"),  # the upper limit 22,017 itself
    ],
)
def test_the_base_is_a_published_limit_or_the_average_wage_times_the_percentage(
    pct, contribution, credit
):
    # Man born 1985-01: 63y0m in 2048-01, so 2026-01…2048-01 is 265 months (≥ 20 years).
    result = flexible(person("1985-01-01", sex="M"), pct)
    assert result.annual_personal_cost == 12 * yuan(contribution)
    assert result.total_personal_cost == 265 * yuan(contribution)
    assert result.account_at_retirement == 265 * yuan(credit)


def test_contributions_run_to_the_statutory_month_then_delay_until_the_minimum():
    result = flexible(DAVID, 60)
    assert (result.statutory_age, result.statutory_month) == ("61y5m", "2031-11")
    assert result.min_contribution_years == 16
    assert result.extension_months == 1
    assert result.benefit_start == "2032-01"  # after the last (延缴) month, 2031-12
    assert result.total_personal_cost == yuan("63403.20")  # 72 × 880.60
    assert result.account_at_retirement == yuan("25361.28")  # 72 × 352.24


def test_the_basic_pension_uses_the_average_index_of_all_months():
    # index_sum = 120 × 0.6 + 72 × 4403/7339 = 115.196…; average 0.59998
    # 8265 × (1 + 0.59998) ÷ 2 × 16 × 1 % = 1057.906…
    result = flexible(DAVID, 60)
    assert result.monthly_basic == yuan("1057.91")


def test_the_account_is_divided_by_the_months_for_the_age_in_the_retirement_month():
    # Retires at 61y6m: 132 − (132 − 125) × 6/12 = 128.5; 25361.28 ÷ 128.5 = 197.364…
    result = flexible(DAVID, 60)
    assert result.divisor == Decimal("128.5")
    assert result.monthly_account == yuan("197.36")
    assert result.monthly_total == yuan("1255.27")  # 1057.906… + 197.364… rounded once
    assert (result.breakeven_months, result.breakeven_month) == (51, "2036-03")
    assert result.breakeven_age == "65y9m"


def test_a_short_member_is_shown_the_transfer_to_the_resident_scheme():
    # Stopping at 2031-11: 191 months → 15 whole resident years, no back payment; the
    # employee account 71 × 352.24 = 25,009.04 joins the resident account, paid from 2031-12.
    transfer = flexible(DAVID, 60).resident_transfer
    assert transfer.scheme == "resident"
    assert transfer.benefit_start == "2031-12"
    assert transfer.total_personal_cost == yuan("62522.60")  # 71 × 880.60
    assert transfer.account_at_retirement == yuan("25009.04")
    assert transfer.monthly_total == yuan("342.92")  # 163 + 25009.04 ÷ 139
    assert "transfer_local_rule" in transfer.flags


@pytest.mark.parametrize(
    ("age", "rule", "months"),
    [
        ((60, 0), "linear_by_month", Fraction(139)),
        ((60, 3), "linear_by_month", Fraction("137.25")),  # the reference's example
        ((60, 3), "whole_years", Fraction(139)),
        ((62, 4), "linear_by_month", Fraction(125) - Fraction(8 * 4, 12)),
        ((69, 6), "linear_by_month", Fraction("60.5")),  # between 65 and 56
        ((70, 6), "linear_by_month", Fraction(56)),  # 56 beyond 70
        ((72, 0), "whole_years", Fraction(56)),
    ],
)
def test_divisor_by_age_with_months(age, rule, months):
    lookup = Lookup(default_parameters(), {"divisor_rule": rule})
    assert divisor(lookup, date(2026, 1, 1), age[0] * 12 + age[1]) == months


def test_an_unknown_divisor_rule_is_refused():
    lookup = Lookup(default_parameters(), {"divisor_rule": "rounded"})
    with pytest.raises(ValueError):
        divisor(lookup, date(2026, 1, 1), 60 * 12 + 3)


def test_the_employment_difficulty_subsidy_refunds_two_thirds_near_retirement_until_the_age():
    # F50 woman born 1978-08-15: statutory 51y10m in 2030-06, 54 months from approval in
    # 2026-01 (≤ 60) → subsidised to 2030-06. 2/3 × 880.60 = 587.07; she pays 293.53 a month.
    erin = person(
        "1978-08-15", category="F50", prior_months=150, subsidy_group="employment_difficulty"
    )
    result = flexible(erin, 60)
    assert result.annual_gov_subsidy == yuan("7044.84")  # 12 × 587.07
    assert result.annual_personal_cost == yuan("3522.36")  # 12 × 293.53
    assert result.total_personal_cost == yuan("15850.62")  # 54 × 293.53
    assert result.subsidy_until == "2030-06"
    assert "employment_difficulty_subsidy" in result.flags
    assert "subsidy_ends_early" not in result.flags


def test_the_employment_difficulty_subsidy_stops_after_36_months_otherwise():
    # Man born 1975-03: 62y7m in 2037-10, 142 months from approval → 2026-01…2028-12 only.
    frank = person("1975-03-20", sex="M", prior_months=200, subsidy_group="employment_difficulty")
    result = flexible(frank, 60)
    assert result.statutory_age == "62y7m"
    assert result.subsidy_until == "2028-12"
    assert result.total_personal_cost == yuan("103910.68")  # 142 × 880.60 − 36 × 587.07
    assert "subsidy_ends_early" in result.flags


@pytest.mark.parametrize(
    ("approved", "until", "subsidised_months"),
    [("2025-07", "2030-06", 54), ("2025-06", "2028-05", 29), ("2020-01", "2022-12", 0)],
)
def test_the_five_year_exception_is_judged_at_first_approval(approved, until, subsidised_months):
    # F50 born 1978-08: 2025-07 → 2030-06 is 60 months (to the age); 2025-06 is 61 (36 cap).
    erin = person(
        "1978-08-15",
        category="F50",
        prior_months=150,
        subsidy_group="employment_difficulty",
        subsidy_first_approved=approved,
    )
    result = flexible(erin, 60)
    assert result.subsidy_until == until
    assert result.total_personal_cost == 54 * yuan("880.60") - subsidised_months * yuan("587.07")


def test_the_subsidy_never_covers_delayed_months():
    # Man born 1964-06-01, 60 in 2024-06: with 170 months he pays 10 months of 延缴 in 2026.
    george = person("1964-06-01", sex="M", prior_months=170, subsidy_group="employment_difficulty")
    result = flexible(george, 60)
    assert result.extension_months == 10
    assert result.annual_gov_subsidy == 0
    assert result.total_personal_cost == yuan("8806.00")


def test_an_average_wage_given_brings_its_own_limits():
    result = flexible(person("1985-01-01", sex="M"), 60, average_wage=Decimal(8000))
    assert result.annual_personal_cost == 12 * yuan("960.00")  # 60 % of 8,000 = 4,800


def test_base_limits_given_replace_the_published_ones():
    result = flexible(
        person("1985-01-01", sex="M"), 60, base_limits=(Decimal(4000), Decimal(20000))
    )
    assert result.annual_personal_cost == 12 * yuan("800.00")


def test_unconfirmed_figures_behind_a_flexible_result_are_named():
    result = flexible(DAVID, 60)
    assert {"employee_base_limits", "employee_average_wage", "employee_benefit_base"} <= set(
        result.unconfirmed_parameters
    )
    assert "provisional_parameter" in result.flags
    confirmed = flexible(DAVID, 60, benefit_base=Decimal(8265))
    assert "employee_benefit_base" not in confirmed.unconfirmed_parameters


def test_the_employee_account_earns_yearly_interest_like_the_resident_one():
    # 3 %: each year's 12 × 352.24 = 4,226.88 arrives at its end; interest on the opening
    # balance: 2027 126.81, 2028 257.42, 2029 391.95, 2030 530.51, 2031 673.23 → 27,341.20.
    result = flexible(DAVID, 60, interest_rate=Decimal("0.03"))
    assert result.account_at_retirement == yuan("27341.20")


def test_no_interest_is_credited_in_the_year_the_benefit_starts():
    # 60y3m in 2025-12, 10 months of 延缴 in 2026, benefit from 2026-11: no full year passes.
    late = person("1965-09-10", sex="M", prior_months=170, account_balance=Decimal(10000))
    result = flexible(late, 60, interest_rate=Decimal("0.03"))
    assert result.benefit_start == "2026-11"
    assert result.account_at_retirement == yuan("13522.40")  # 10000 + 10 × 352.24
