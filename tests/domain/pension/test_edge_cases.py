"""pension-rules.md §5, one table per edge case, with figures worked by hand (TEST ladder,
2026 parameters held flat, no interest)."""

from decimal import Decimal

import pytest

from app.domain.pension import FlexibleOption, ResidentOption, as_json, compare, estimate
from tests.domain.pension.builders import CALC_YEAR, flexible, person, resident

ALICE = person("1976-07-15", years_contributed=5, account_balance=Decimal(1200))
DAVID = person("1970-06-10", sex="M", prior_months=120, prior_avg_index=Decimal("0.6"))
YOUNG_MAN = person("1985-01-01", sex="M")  # 265 months to 63y0m in 2048-01


def flags(result) -> set[str]:
    return set(result.flags)


# §5.1 Fewer than the minimum years at benefit age.
@pytest.mark.parametrize(
    ("who", "option", "extension", "buyback", "total", "start"),
    [
        # A: born 1970-02, 3 years + 2026–2029 = 7 → buy back 8 × 200 in 2026.
        (
            person("1970-02-01", sex="M", years_contributed=3),
            ResidentOption(200),
            0,
            (8, "1600.00"),
            "2400.00",
            "2030-03",
        ),
        # A: enough years, nothing to buy back.
        (ALICE, ResidentOption(500), 0, None, "5000.00", "2036-08"),
        # B: one month short at 61y5m → 延缴 2031-12.
        (DAVID, FlexibleOption(60), 1, None, "63403.20", "2032-01"),
        # B: F55 born 1980-05, nothing paid: 145 months to 2038-01, needs 234 (19.5 years).
        (person("1980-05-10"), FlexibleOption(60), 89, None, "206060.40", "2045-07"),
    ],
)
def test_short_of_the_minimum(who, option, extension, buyback, total, start):
    result = estimate(CALC_YEAR, who, option)
    assert result.extension_months == extension
    assert (result.buyback and (result.buyback.years, str(result.buyback.cost))) == buyback
    assert (str(result.total_personal_cost), result.benefit_start) == (total, start)
    assert ("short_of_minimum_years" in flags(result)) == bool(extension or buyback)
    assert (result.resident_transfer is not None) == bool(extension)
    assert ("long_extension" in flags(result)) == (extension > 60)


# §5.2 Already past 60 (A) or past the statutory age (B): never back-dated.
@pytest.mark.parametrize(
    ("who", "option", "start", "monthly", "expected_flags"),
    [
        # A: 60 in 2025-09, transition group (2012–2024: 13 years), 6 paid → 7 × 300 in
        # January, benefit from the month after: 163 + 2100/139.
        (
            person("1965-09-20", years_contributed=6),
            ResidentOption(300),
            "2026-02",
            "178.11",
            {"past_benefit_age", "transition_group", "buyback_local_rule"},
        ),
        # A: 60 before the scheme started (2012): basic pension only, if no other pension.
        (
            person("1950-05-01", sex="M"),
            ResidentOption(200),
            "2026-01",
            "163.00",
            {"past_benefit_age", "basic_pension_only", "local_rule_required"},
        ),
        # A: never enrolled, 60 in 2022 → needs 10 years (2012–2021): one-off 补缴 is local.
        (
            person("1962-03-10"),
            ResidentOption(200),
            "2026-02",
            "177.39",
            {"past_benefit_age", "local_rule_required", "short_of_minimum_years"},
        ),
        # B: 60 in 2024-06, 170 months → 10 months of 延缴 in 2026, retiring at 62y4m:
        # basic 8265 × (180 + 107.9995) / 24 % = 991.80, account 3522.40 ÷ 122.33 = 28.79.
        (
            person("1964-06-01", sex="M", prior_months=170, prior_avg_index=Decimal("0.6")),
            FlexibleOption(60),
            "2026-11",
            "1020.59",
            {"past_statutory_age", "short_of_minimum_years"},
        ),
        # B: 60y3m in 2025-12 with 15 years: benefit from January; 30000 ÷ 137.25 = 218.58.
        (
            person(
                "1965-09-10",
                sex="M",
                prior_months=180,
                prior_avg_index=Decimal(1),
                account_balance=Decimal(30000),
            ),
            FlexibleOption(60),
            "2026-01",
            "1458.33",
            {"past_statutory_age"},
        ),
    ],
)
def test_past_the_benefit_age(who, option, start, monthly, expected_flags):
    result = estimate(CALC_YEAR, who, option)
    assert (result.benefit_start, str(result.monthly_total)) == (start, monthly)
    assert expected_flags <= flags(result)


# §5.3 Reaching the age in 2030 or later with exactly 15 years falls short.
@pytest.mark.parametrize(
    ("born", "prior", "reached", "minimum", "extension", "total"),
    [
        ("1968-01-15", 145, "2028-11", "15", 0, "30821.00"),  # 35 months → 180: enough
        ("1969-04-15", 127, "2030-05", "15.5", 6, "51955.40"),  # 53 months → 180: 6 short
    ],
)
def test_fifteen_years_is_not_enough_from_2030(born, prior, reached, minimum, extension, total):
    who = person(born, sex="M", prior_months=prior, prior_avg_index=Decimal("0.6"))
    result = flexible(who, 60)
    assert (result.statutory_month, result.min_contribution_years) == (reached, Decimal(minimum))
    assert (result.extension_months, str(result.total_personal_cost)) == (extension, total)
    assert ("raised_minimum_years" in flags(result)) == (minimum != "15")


# §5.4 A top-up within the year: the final annual tier's subsidy, once.
@pytest.mark.parametrize(
    ("tier", "paid", "annual", "subsidy", "total", "account"),
    [
        (500, 0, "500.00", "60.00", "5000.00", "6800.00"),
        (500, 200, "500.00", "60.00", "4800.00", "6800.00"),
        (450, 300, "450.00", "50.00", "4200.00", "6200.00"),  # not a tier: 300's subsidy
    ],
)
def test_tier_change_within_the_year(tier, paid, annual, subsidy, total, account):
    result = estimate(CALC_YEAR, ALICE, ResidentOption(tier=tier, paid_this_year=paid))
    assert str(result.annual_personal_cost) == annual
    assert str(result.annual_gov_subsidy) == subsidy
    assert str(result.total_personal_cost) == total
    assert str(result.account_at_retirement) == account


# §5.5 A base outside 60–300 % is clamped, the index uses the clamped base, the user is told.
@pytest.mark.parametrize(
    ("pct", "annual", "clamped"),
    [
        (30, "10567.20", True),
        (60, "10567.20", False),
        (300, "52840.80", False),
        (350, "52840.80", True),
    ],
)
def test_base_outside_the_range(pct, annual, clamped):
    result = flexible(YOUNG_MAN, pct)
    assert str(result.annual_personal_cost) == annual
    assert ("base_clamped" in flags(result)) == clamped
    assert result.monthly_basic == flexible(YOUNG_MAN, min(max(pct, 60), 300)).monthly_basic


# §5.6 Provisional limits: flagged until a notice is recorded; the year's own limits apply.
@pytest.mark.parametrize(
    ("year", "assumed", "annual", "provisional"),
    [
        (2026, {}, "10567.20", True),  # 4,403 × 20 %
        (2025, {}, "10456.80", True),  # 4,357 × 20 %
        (
            2026,
            {"average_wage": Decimal(7339), "base_limits": (Decimal(4403), Decimal(22017))},
            "10567.20",
            False,
        ),
    ],
)
def test_provisional_limits(year, assumed, annual, provisional):
    result = flexible(YOUNG_MAN, 60, year=year, **assumed)
    assert str(result.annual_personal_cost) == annual
    assert ("provisional_parameter" in flags(result)) == provisional


# §5.7 Who gets which subsidy: 代缴 is resident-only, the employment subsidy employee-only.
HENRY = dict(born="1980-03-01", sex="M", years_contributed=2)  # 63y0m in 2043-03


@pytest.mark.parametrize(
    ("group", "option", "annual", "subsidy"),
    [
        ("none", ResidentOption(500), "500.00", "60.00"),
        ("low_income", ResidentOption(500), "300.00", "60.00"),
        ("employment_difficulty", ResidentOption(500), "500.00", "60.00"),
        ("low_income", FlexibleOption(60), "10567.20", "0.00"),
        ("employment_difficulty", FlexibleOption(60), "3522.36", "7044.84"),
    ],
)
def test_subsidy_eligibility(group, option, annual, subsidy):
    result = estimate(CALC_YEAR, person(**HENRY, subsidy_group=group), option)
    assert (str(result.annual_personal_cost), str(result.annual_gov_subsidy)) == (annual, subsidy)


def test_an_unknown_subsidy_group_is_refused():
    with pytest.raises(ValueError):
        resident(person(subsidy_group="veteran"))


# §5.8 Ages with months: the divisor rule is a parameter.
@pytest.mark.parametrize(
    ("rule", "divisor", "account_part"),
    [("linear_by_month", "137.25", "218.58"), ("whole_years", "139", "215.83")],
)
def test_ages_with_months(rule, divisor, account_part):
    who = person("1965-09-10", sex="M", prior_months=180, account_balance=Decimal(30000))
    result = flexible(who, 60, divisor_rule=rule)
    assert (str(result.divisor), str(result.monthly_account)) == (divisor, account_part)
    assert ("divisor_rule" in result.unconfirmed_parameters) is False  # given, so not 待核实


# §5.9 Female flexible workers: F55 unless known to be F50, and the default is said.
# Born 1978-08: F55 n = 104 → 26 months → 57y2m; F50 n = 44 → 22 months → 51y10m.
@pytest.mark.parametrize(
    ("category", "age", "month", "assumed"),
    [
        (None, "57y2m", "2035-10", True),
        ("F55", "57y2m", "2035-10", False),
        ("F50", "51y10m", "2030-06", False),
    ],
)
def test_female_category(category, age, month, assumed):
    result = flexible(person("1978-08-15", category=category, prior_months=200), 60)
    assert (result.statutory_age, result.statutory_month) == (age, month)
    assert ("female_category_assumed" in flags(result)) == assumed


# §5.10 Both schemes: resident years do not count for B; B years count for A on transfer.
@pytest.mark.parametrize(
    ("who", "option", "extension", "expected_flag"),
    [
        (
            person(
                "1970-06-10",
                sex="M",
                prior_months=120,
                prior_avg_index=Decimal("0.6"),
                years_contributed=8,
            ),
            FlexibleOption(60),
            1,
            "resident_years_not_counted",
        ),
        (person("1980-05-10", prior_months=30), ResidentOption(300), 0, "employee_years_counted"),
        (
            person("1980-05-10", years_contributed=1, land_expropriated=True),
            ResidentOption(300),
            0,
            "land_expropriated_local_rule",
        ),
        (
            person("1985-01-01", sex="M", land_expropriated=True),
            FlexibleOption(60),
            0,
            "land_expropriated_local_rule",
        ),
    ],
)
def test_both_schemes(who, option, extension, expected_flag):
    result = estimate(CALC_YEAR, who, option)
    assert result.extension_months == extension
    assert expected_flag in flags(result)


# §5.11 Pre-1996 deemed service is out of scope: flagged when past months reach before 1996.
@pytest.mark.parametrize(("prior", "flagged"), [(360, False), (361, True), (400, True)])
def test_deemed_service(prior, flagged):
    result = flexible(person("1968-01-15", sex="M", prior_months=prior), 60)
    assert ("deemed_service_out_of_scope" in flags(result)) == flagged


# §5.12 Yuan with 2 decimals, whole months, dates as YYYY-MM.
MONEY = (
    "annual_personal_cost",
    "annual_gov_subsidy",
    "total_personal_cost",
    "account_at_retirement",
    "monthly_basic",
    "monthly_account",
    "monthly_total",
)


@pytest.mark.parametrize(
    "result",
    [resident(ALICE), flexible(DAVID, 61), resident(person("1965-09-20", years_contributed=6))],
)
def test_rounding_and_display(result):
    shown = as_json(result)
    assert all(shown[name].as_tuple().exponent == -2 for name in MONEY)
    assert isinstance(shown["breakeven_months"], int)
    for name in ("statutory_month", "benefit_start", "breakeven_month"):
        assert len(shown[name]) == 7 and shown[name][4] == "-"


# §5.13 A dearer option that pays no more never pays back.
@pytest.mark.parametrize(
    ("options", "months", "gain"),
    [
        # 1000 vs 500: +5000 buys 163 + 12000/139 = 249.33 vs 211.92 → 37.41 → 134 months.
        ((ResidentOption(500), ResidentOption(1000)), 134, True),
        ((ResidentOption(500), ResidentOption(300)), None, False),
        ((ResidentOption(500), ResidentOption(500)), None, False),
    ],
)
def test_marginal_break_even_without_gain(options, months, gain):
    (marginal,) = compare(CALC_YEAR, ALICE, options).marginal
    assert marginal.breakeven_months == months
    assert ("no_marginal_gain" not in marginal.flags) == gain
