"""The calculator's inputs and outputs, field for field as the JSON of api.md ("Pension
calculator"). Money is Decimal yuan with fen; months are "YYYY-MM"; ages "62y7m". Fields that
api.md does not name are marked as additions (api.md allows adding, never renaming)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Person:
    birth_date: date
    sex: str  # "M" | "F"
    category: str | None = None  # "M60" | "F55" | "F50"; default M60 for men, F55 for women
    years_contributed: int = 0  # resident (城乡居民) years already paid, before calc_year
    account_balance: Decimal | int = 0  # individual account at the start of calc_year
    prior_months: int = 0  # employee-scheme months already paid
    prior_avg_index: Decimal | None = None  # their average contribution index
    subsidy_group: str = "none"  # see subsidy.subsidy_group()
    subsidy_first_approved: str | None = None  # "YYYY-MM"; default January of calc_year
    land_expropriated: bool = False  # addition: from subsidy_group(), adds a flag only


@dataclass(frozen=True, slots=True)
class ResidentOption:
    tier: Decimal | int  # the year's total (缴费档次)
    paid_this_year: Decimal | int = 0  # addition: already paid towards calc_year (a top-up)
    collective_subsidy: Decimal | int = 0  # addition: 集体补助 per year into the account
    scheme: str = field(default="resident", init=False)


@dataclass(frozen=True, slots=True)
class FlexibleOption:
    base_pct: Decimal | int  # 缴费基数 as percent of the 全口径 average wage
    scheme: str = field(default="flexible", init=False)


Option = ResidentOption | FlexibleOption


@dataclass(frozen=True, slots=True)
class Assumptions:
    """Each field, when given, overrides the parameter table for one calculation."""

    interest_rate: Decimal | None = None  # yearly; 0 when not given
    basic_pension: Decimal | None = None  # resident basic pension, yuan/month
    benefit_base: Decimal | None = None  # 计发基数, yuan/month
    average_wage: Decimal | None = None  # monthly 全口径 average, every contribution year
    base_limits: tuple[Decimal, Decimal] | None = None  # [low, high], every contribution year
    subsidy_ladder: Mapping[str, Decimal] | None = None  # {"200": 40, ...}
    divisor_rule: str | None = None  # "linear_by_month" | "whole_years"
    resident_scheme_start: date | None = None


@dataclass(frozen=True, slots=True)
class Buyback:
    """补缴: missing resident years bought back at the chosen tier, without subsidy."""

    years: int
    cost: Decimal


@dataclass(frozen=True, slots=True)
class Estimate:
    scheme: str
    statutory_age: str
    statutory_month: str
    benefit_start: str
    min_contribution_years: Decimal
    annual_personal_cost: Decimal
    annual_gov_subsidy: Decimal
    total_personal_cost: Decimal
    account_at_retirement: Decimal
    divisor: Decimal
    monthly_basic: Decimal
    monthly_account: Decimal
    monthly_total: Decimal
    breakeven_months: int | None
    breakeven_month: str | None
    breakeven_age: str | None
    extension_months: int
    buyback: Buyback | None
    flags: tuple[str, ...]
    parameters_version: str
    unconfirmed_parameters: tuple[str, ...] = ()  # addition: which figures are 待核实
    subsidy_until: str | None = None  # addition: last month of the employment-difficulty subsidy
    resident_transfer: "Estimate | None" = None  # addition: B→A instead of 延缴 (§5.10)


@dataclass(frozen=True, slots=True)
class Marginal:
    from_: int  # "from" in JSON
    to: int
    extra_cost: Decimal
    extra_monthly: Decimal
    breakeven_months: int | None
    breakeven_month: str | None
    breakeven_age: str | None
    flags: tuple[str, ...] = ()  # addition


@dataclass(frozen=True, slots=True)
class Comparison:
    results: tuple[Estimate, ...]
    marginal: tuple[Marginal, ...]


@dataclass(frozen=True, slots=True)
class Retirement:
    statutory_age: str
    statutory_month: str
    min_contribution_years: Decimal
    earliest_flexible_month: str
    latest_flexible_month: str
