"""The calculator's entry points keep api.md's shapes: field for field, names exact."""

from datetime import date
from decimal import Decimal

import pytest

from app.domain.pension import (
    FlexibleOption,
    ResidentOption,
    as_json,
    compare,
    default_parameters,
    estimate,
    retirement,
    standard_options,
)
from app.domain.pension.months import Month
from tests.domain.pension.builders import CALC_YEAR, person

API_ESTIMATE_FIELDS = {
    "scheme", "statutory_age", "statutory_month", "benefit_start", "min_contribution_years",
    "annual_personal_cost", "annual_gov_subsidy", "total_personal_cost", "account_at_retirement",
    "divisor", "monthly_basic", "monthly_account", "monthly_total", "breakeven_months",
    "breakeven_month", "breakeven_age", "extension_months", "buyback", "flags",
    "parameters_version",
}  # fmt: skip
API_MARGINAL_FIELDS = {
    "from", "to", "extra_cost", "extra_monthly", "breakeven_months", "breakeven_month",
    "breakeven_age",
}  # fmt: skip
ALICE = person("1976-07-15", years_contributed=5, account_balance=Decimal(1200))


def test_an_estimate_has_every_field_of_api_md():
    shown = as_json(estimate(CALC_YEAR, ALICE, ResidentOption(500)))
    assert shown.keys() >= API_ESTIMATE_FIELDS
    assert shown["parameters_version"] == default_parameters().version
    assert all(isinstance(flag, str) and flag == flag.lower() for flag in shown["flags"])


def test_a_comparison_has_results_and_each_later_option_against_the_first():
    options = [ResidentOption(500), ResidentOption(1000), FlexibleOption(60)]
    shown = as_json(compare(CALC_YEAR, ALICE, options))
    assert len(shown["results"]) == 3
    assert [(m["from"], m["to"]) for m in shown["marginal"]] == [(0, 1), (0, 2)]
    assert shown["marginal"][0].keys() >= API_MARGINAL_FIELDS
    first = shown["marginal"][0]
    assert (str(first["extra_cost"]), str(first["extra_monthly"])) == ("5000.00", "37.41")
    assert (first["breakeven_month"], first["breakeven_age"]) == ("2047-09", "71y2m")


def test_the_marginal_break_even_is_dated_from_the_later_benefit_start():
    woman = person("1976-07-15", prior_months=60)  # resident from 2036-08, flexible later
    result = compare(CALC_YEAR, woman, [ResidentOption(200), FlexibleOption(60)])
    later = Month.parse(result.results[1].benefit_start)
    assert later > Month.parse(result.results[0].benefit_start)
    marginal = result.marginal[0]
    assert marginal.breakeven_month == str(later + marginal.breakeven_months - 1)


def test_the_retirement_answer_has_api_md_fields():
    shown = as_json(retirement(date(1970, 6, 10), "M60"))
    assert shown == {
        "statutory_age": "61y5m",
        "statutory_month": "2031-11",
        "min_contribution_years": Decimal(16),
        "earliest_flexible_month": "2030-06",
        "latest_flexible_month": "2034-11",
    }


def test_the_side_by_side_menu_is_the_current_tier_the_next_ones_up_and_five_bases():
    options = standard_options(CALC_YEAR, current_tier=500)
    assert [o.tier for o in options if o.scheme == "resident"] == [500, 600, 700, 800]
    assert [o.base_pct for o in options if o.scheme == "flexible"] == [60, 100, 150, 200, 300]
    assert standard_options(CALC_YEAR, tiers_up=1, flexible_pcts=())[0].tier == 200
    top = standard_options(CALC_YEAR, current_tier=3000, flexible_pcts=())
    assert [o.tier for o in top] == [3000, 5000]


def test_floats_are_refused_because_they_have_already_lost_the_fen():
    with pytest.raises(TypeError):
        estimate(CALC_YEAR, ALICE, FlexibleOption(base_pct=60.5))


def test_nothing_in_the_rules_reads_the_clock_or_the_web_stack():
    import pathlib

    package = pathlib.Path(__file__).parents[3] / "app" / "domain" / "pension"
    source = "\n".join(p.read_text("utf-8") for p in package.glob("*.py"))
    for banned in ("fastapi", "sqlmodel", "sqlalchemy", "app.models", ".today(", ".now("):
        assert banned not in source
