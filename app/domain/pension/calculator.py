"""The calculator's entry points, shaped as api.md's "Pension calculator": one option for one
person, a side-by-side comparison with the marginal break-even, and the retirement dates."""

from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from app.domain.pension import flexible, resident
from app.domain.pension.breakeven import Breakeven, breakeven
from app.domain.pension.flags import Flag
from app.domain.pension.money import ZERO, decimal, fen
from app.domain.pension.months import Month, age_text
from app.domain.pension.parameters import Lookup, Parameters, default_parameters
from app.domain.pension.plan import Plan
from app.domain.pension.retirement import category_rule, flexible_window, minimum_years, statutory
from app.domain.pension.shapes import (
    Assumptions,
    Comparison,
    Estimate,
    FlexibleOption,
    Marginal,
    Option,
    Person,
    ResidentOption,
    Retirement,
)
from app.domain.pension.subsidy import GROUPS

# The flexible-worker bases shown side by side with the resident tiers (issue 6).
FLEXIBLE_PCTS = (60, 100, 150, 200, 300)
NO_ASSUMPTIONS = Assumptions()

# api.md `assumptions` field → the parameter series it replaces for one calculation.
ASSUMED_SERIES = {
    "basic_pension": "resident_basic_pension",
    "benefit_base": "employee_benefit_base",
    "average_wage": "employee_average_wage",
    "base_limits": "employee_base_limits",
    "subsidy_ladder": "resident_subsidy_ladder",
    "divisor_rule": "divisor_rule",
    "resident_scheme_start": "resident_scheme_start",
}


def estimate(
    calc_year: int,
    person: Person,
    option: Option,
    assumptions: Assumptions = NO_ASSUMPTIONS,
    parameters: Parameters | None = None,
) -> Estimate:
    """One option for one person, planned from January of calc_year: each contribution year
    at its own figures (held flat after the latest), the pension at calc_year's figures (no
    future rises). Raises ValueError for input the rules or the data do not cover."""
    parameters = parameters or default_parameters()
    if person.subsidy_group not in GROUPS:
        raise ValueError(f"subsidy_group must be one of {', '.join(GROUPS)}")
    lookup = Lookup(parameters, _overrides(assumptions, parameters, calc_year))
    rate = ZERO if assumptions.interest_rate is None else decimal(assumptions.interest_rate)
    scheme = resident if isinstance(option, ResidentOption) else flexible
    plan = scheme.plan(person, option, calc_year, lookup, rate)
    shared = [
        flag
        for flag, applies in (
            (Flag.assumed_interest, rate != 0),
            (Flag.land_expropriated_local_rule, person.land_expropriated),
            (Flag.unconfirmed_parameter, bool(lookup.unconfirmed)),
            (Flag.provisional_parameter, bool(lookup.provisional)),
        )
        if applies
    ]
    return _estimate(plan, person, calc_year, lookup, shared)


def compare(
    calc_year: int,
    person: Person,
    options: Iterable[Option],
    assumptions: Assumptions = NO_ASSUMPTIONS,
    parameters: Parameters | None = None,
) -> Comparison:
    """Each option, and each later option against the first: what the extra cost buys."""
    results = tuple(estimate(calc_year, person, o, assumptions, parameters) for o in options)
    marginal = tuple(
        _marginal(results[0], index, result, person.birth_date)
        for index, result in enumerate(results)
        if index
    )
    return Comparison(results=results, marginal=marginal)


def retirement(
    birth_date: date, category: str = "M60", parameters: Parameters | None = None
) -> Retirement:
    """The statutory retirement age and month, the minimum years for it, and the window of
    flexible retirement."""
    lookup = Lookup(parameters or default_parameters(), {})
    birth = Month.of(birth_date)
    age = statutory(birth, category_rule(lookup, category))
    earliest, latest = flexible_window(lookup, birth, age)
    return Retirement(
        statutory_age=age_text(age.age),
        statutory_month=str(age.month),
        min_contribution_years=minimum_years(lookup, age.month),
        earliest_flexible_month=str(earliest),
        latest_flexible_month=str(latest),
    )


def statutory_month(
    birth_date: date, category: str = "M60", parameters: Parameters | None = None
) -> date:
    """The first day of the month the statutory age is reached. Unlike ``retirement`` it needs
    no minimum-years table, so it answers for any birth date (people long retired too)."""
    lookup = Lookup(parameters or default_parameters(), {})
    return statutory(Month.of(birth_date), category_rule(lookup, category)).month.first_day()


def standard_options(
    calc_year: int,
    current_tier: int | None = None,
    tiers_up: int = 3,
    flexible_pcts: Iterable[int] = FLEXIBLE_PCTS,
    parameters: Parameters | None = None,
) -> tuple[Option, ...]:
    """The side-by-side menu: the current tier (the lowest for someone not yet paying), the
    next tiers up of the tier menu in force, and the flexible-worker bases."""
    parameters = parameters or default_parameters()
    menu = parameters["resident_tier_menu"].on(date(calc_year, 1, 1)).value
    current = menu[0] if current_tier is None else current_tier
    higher = [tier for tier in menu if tier > current][:tiers_up]
    return (
        ResidentOption(tier=current),
        *(ResidentOption(tier=tier) for tier in higher),
        *(FlexibleOption(base_pct=pct) for pct in flexible_pcts),
    )


def as_json(value: Any) -> Any:
    """A result as api.md's JSON shape (Marginal.from_ → "from"); money stays Decimal for the
    web layer to write as a JSON number."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name.rstrip("_"): as_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [as_json(item) for item in value]
    return value


def _estimate(
    plan: Plan, person: Person, calc_year: int, lookup: Lookup, shared: list[str]
) -> Estimate:
    account_part = Fraction(plan.account) / plan.divisor
    monthly = fen(plan.basic + account_part)
    buyback_cost = plan.buyback.cost if plan.buyback else ZERO
    cost = fen(sum(plan.flows.paid.values(), ZERO) - plan.already_paid + buyback_cost)
    paid_back = breakeven(cost, monthly, plan.benefit_start)
    return Estimate(
        scheme=plan.scheme,
        statutory_age=age_text(plan.statutory.age),
        statutory_month=str(plan.statutory.month),
        benefit_start=str(plan.benefit_start),
        min_contribution_years=plan.min_years,
        annual_personal_cost=fen(plan.flows.paid.get(calc_year, ZERO)),
        annual_gov_subsidy=fen(plan.flows.subsidy.get(calc_year, ZERO)),
        total_personal_cost=cost,
        account_at_retirement=fen(plan.account),
        divisor=Decimal(plan.divisor.numerator) / plan.divisor.denominator,
        monthly_basic=fen(plan.basic),
        monthly_account=fen(account_part),
        monthly_total=monthly,
        **_dated(paid_back, person.birth_date),
        extension_months=plan.extension_months,
        buyback=plan.buyback,
        flags=tuple(sorted(map(str, {*plan.flags, *shared}))),
        parameters_version=lookup.parameters.version,
        unconfirmed_parameters=tuple(sorted(lookup.unconfirmed)),
        subsidy_until=str(plan.subsidy_until) if plan.subsidy_until else None,
        resident_transfer=(
            _estimate(plan.transfer, person, calc_year, lookup, shared) if plan.transfer else None
        ),
    )


def _marginal(first: Estimate, index: int, other: Estimate, birth: date) -> Marginal:
    """Extra cost ÷ extra monthly pension (the difference of the rounded pensions), dated from
    the later of the two benefit starts (§4.1)."""
    extra_cost = other.total_personal_cost - first.total_personal_cost
    extra_monthly = other.monthly_total - first.monthly_total
    later = max(Month.parse(first.benefit_start), Month.parse(other.benefit_start))
    paid_back = breakeven(extra_cost, extra_monthly, later)
    return Marginal(
        from_=0,
        to=index,
        extra_cost=extra_cost,
        extra_monthly=extra_monthly,
        **_dated(paid_back, birth),
        flags=() if paid_back else (Flag.no_marginal_gain,),
    )


def _dated(paid_back: Breakeven | None, birth: date) -> dict[str, Any]:
    if paid_back is None:
        return {"breakeven_months": None, "breakeven_month": None, "breakeven_age": None}
    return {
        "breakeven_months": paid_back.months,
        "breakeven_month": str(paid_back.month),
        "breakeven_age": age_text(paid_back.month - Month.of(birth)),
    }


def _overrides(
    assumptions: Assumptions, parameters: Parameters, calc_year: int
) -> Mapping[str, Any]:
    """`assumptions` as parameter values. A resident basic pension given replaces the standard
    and any top-up; an average wage given without limits brings its own 60 %/300 % limits."""
    given = {
        series: _plain(getattr(assumptions, field))
        for field, series in ASSUMED_SERIES.items()
        if getattr(assumptions, field) is not None
    }
    if "resident_basic_pension" in given:
        given["resident_basic_topup"] = ZERO
    if "employee_average_wage" in given and "employee_base_limits" not in given:
        pct = parameters["employee_base_range"].on(date(calc_year, 1, 1)).value
        average = given["employee_average_wage"]
        given["employee_base_limits"] = tuple(
            fen(average * pct[end] / 100) for end in ("lower_pct", "upper_pct")
        )
    return given


def _plain(value: Any) -> Any:
    """An assumption in the shape of the table's values: dates as ISO text, numbers as
    Decimal (never float), mappings and pairs as they are."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return tuple(decimal(item) for item in value)
    if isinstance(value, str | Mapping):
        return value
    return decimal(value)
