"""Scheme A — the urban-rural resident pension (城乡居民基本养老保险, 国发〔2014〕8号): a yearly
tier (缴费档次) plus the government's per-tier subsidy (政府缴费补贴) into the account; from
the month after the 60th birthday, the basic pension (基础养老金) plus the account ÷ 139."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from app.domain.pension.flags import Flag
from app.domain.pension.money import ZERO, decimal, fen
from app.domain.pension.months import Month
from app.domain.pension.parameters import Lookup
from app.domain.pension.plan import NO_FLOWS, Flows, Plan, roll_forward
from app.domain.pension.retirement import Statutory
from app.domain.pension.shapes import Buyback, Person, ResidentOption
from app.domain.pension.subsidy import HARDSHIP_GROUPS

YEARLY_SERIES = ("resident_subsidy_ladder", "resident_tier_menu", "hardship_paid_on_behalf")


@dataclass(frozen=True, slots=True)
class Membership:
    """Resident membership from its first month: the yearly payments, any 补缴, and when the
    benefit starts."""

    flows: Flows
    buyback: Buyback | None
    benefit_start: Month
    required_years: int
    counted_years: int
    flags: tuple[str, ...]


def plan(
    person: Person, option: ResidentOption, calc_year: int, lookup: Lookup, rate: Decimal
) -> Plan:
    """The resident option from January of calc_year. Employee-scheme years already paid count
    as resident years (§5.10), in whole years."""
    tier = decimal(option.tier)
    if tier <= 0:
        raise ValueError("a tier is a yearly amount above zero")
    employee_years = person.prior_months // 12
    member = membership(
        person,
        tier,
        decimal(option.collective_subsidy),
        Month(calc_year, 1),
        person.years_contributed + employee_years,
        lookup,
    )
    already = decimal(option.paid_this_year)
    if already > member.flows.paid.get(calc_year, ZERO):
        raise ValueError("paid_this_year is more than the year's payment")
    unenrolled_at_60 = Flag.past_benefit_age in member.flags and _never_enrolled(person)
    flags = [
        flag
        for flag, applies in (
            (Flag.employee_years_counted, employee_years > 0),
            (Flag.mid_year_top_up, already > 0),
            (Flag.local_rule_required, unenrolled_at_60),
        )
        if applies
    ]
    flags += member.flags
    return _plan(person, member, NO_FLOWS, calc_year, lookup, rate, tuple(flags), already)


def transfer(
    person: Person,
    employee: Flows,
    employee_months: int,
    last_month: Month,
    calc_year: int,
    lookup: Lookup,
    rate: Decimal,
) -> Plan:
    """Moving B → A instead of 延缴 (人社部发〔2014〕17号): the employee years count as resident
    years and the employee account joins the resident account. The reference does not say
    which tier is paid for any years left before 60, nor how part-years count: the lowest tier
    and whole years are assumed, and flagged."""
    first = last_month + 1
    lowest = min(lookup("resident_tier_menu", first.first_day()))
    years = person.years_contributed + employee_months // 12
    member = membership(person, Decimal(lowest), ZERO, first, years, lookup)
    flags = (Flag.transfer_local_rule, *member.flags)
    return _plan(person, member, employee, calc_year, lookup, rate, flags, ZERO)


def membership(
    person: Person, tier: Decimal, collective: Decimal, first: Month, years: int, lookup: Lookup
) -> Membership:
    """One payment per calendar year from the first whole year of membership up to the year
    before the 60th birthday; missing years are bought back (补缴) in the first month, without
    subsidy; the benefit starts the month after the 60th-birthday month or, if later, the month
    after the back payment — never before membership (§4.1)."""
    day = first.first_day()
    birth = person.birth_date
    age = lookup("resident_benefit_age", day)
    required, flags = _required_years(birth, age, lookup, day)
    paying = range(first.year if first.month == 1 else first.year + 1, birth.year + age)
    flows = _yearly(paying, tier, collective, person.subsidy_group, lookup)
    short = max(0, required - years - len(paying))
    buyback = Buyback(short, fen(tier * short)) if short else None
    if buyback:
        flows += Flows({}, {}, {first.year: buyback.cost})
        flags += (Flag.short_of_minimum_years, Flag.buyback_local_rule)
    if (birth.year + age, birth.month, birth.day) <= (first.year, first.month, 1):
        flags += (Flag.past_benefit_age,)
    if tier not in lookup("resident_tier_menu", day):
        flags += (Flag.tier_not_in_menu,)
    if paying and person.subsidy_group in HARDSHIP_GROUPS:
        flags += (Flag.paid_on_behalf,)
    start = max(Month.of(birth) + age * 12 + 1, first + 1 if buyback else first)
    return Membership(flows, buyback, start, required, years + len(paying) + short, flags)


def tier_subsidy(ladder: Mapping[Any, Any], total: Decimal) -> Decimal:
    """A total that is not itself a tier earns the subsidy of the highest tier not above it;
    totals above the top tier earn the top tier's; below the lowest, none (§4.1)."""
    reached = [(Decimal(tier), Decimal(amount)) for tier, amount in ladder.items()]
    reached = [pair for pair in reached if pair[0] <= total]
    return max(reached)[1] if reached else ZERO


def _plan(
    person: Person,
    member: Membership,
    prior: Flows,
    calc_year: int,
    lookup: Lookup,
    rate: Decimal,
    flags: tuple[str, ...],
    already: Decimal,
) -> Plan:
    """Benefit figures are frozen at calc_year (no future basic-pension rises)."""
    day = date(calc_year, 1, 1)
    flows = prior + member.flows
    opening = decimal(person.account_balance)
    age = lookup("resident_benefit_age", day) * 12
    birth = Month.of(person.birth_date)
    return Plan(
        scheme="resident",
        statutory=Statutory(age=age, month=birth + age, original_age=age),
        benefit_start=member.benefit_start,
        min_years=Decimal(member.required_years),
        flows=flows,
        account=roll_forward(opening, flows.credited, calc_year, member.benefit_start.year, rate),
        divisor=Fraction(lookup("resident_account_divisor", day)),
        basic=_basic_pension(lookup, day, member.counted_years),
        flags=flags,
        already_paid=already,
        buyback=member.buyback,
    )


def _yearly(years: range, tier: Decimal, collective: Decimal, group: str, lookup: Lookup) -> Flows:
    """Each year: the person pays the tier less any 代缴; the account gets the tier, the
    subsidy of the final tier (also for 代缴, test default of §1.6) and any 集体补助."""
    paid, subsidy, credited = {}, {}, {}

    def amounts(day: date) -> tuple[Decimal, Decimal]:
        ladder = lookup("resident_subsidy_ladder", day)
        return tier_subsidy(ladder, tier), tier - _paid_on_behalf(group, tier, lookup, day)

    for year, (year_subsidy, year_paid) in lookup.yearly(years, YEARLY_SERIES, amounts):
        subsidy[year], paid[year] = year_subsidy, year_paid
        credited[year] = tier + year_subsidy + collective
    return Flows(paid, subsidy, credited)


def _paid_on_behalf(group: str, tier: Decimal, lookup: Lookup, day: date) -> Decimal:
    """代缴 for hardship groups pays the lowest tier (or a set amount); a higher tier's
    difference is the person's."""
    if group not in HARDSHIP_GROUPS:
        return ZERO
    rule = lookup("hardship_paid_on_behalf", day)
    amount = min(lookup("resident_tier_menu", day)) if rule == "lowest_tier" else rule
    return min(tier, Decimal(amount))


def _required_years(
    birth: date, age: int, lookup: Lookup, day: date
) -> tuple[int, tuple[str, ...]]:
    """15 years, except the transition groups of 国发〔2014〕8号 counted from the local scheme
    start: 60 already at the start — none; fewer than 15 years from 60 — one for each calendar
    year from the start to the year before the 60th-birthday year."""
    minimum = lookup("resident_minimum_years", day)
    start = date.fromisoformat(lookup.quietly("resident_scheme_start", day))
    birthday = (birth.year + age, birth.month, birth.day)
    if birthday >= (start.year + minimum, start.month, start.day):
        return minimum, ()
    lookup("resident_scheme_start", day)  # it decided the minimum: record its confidence
    if birthday <= (start.year, start.month, start.day):
        return 0, (Flag.basic_pension_only,)
    return min(minimum, birth.year + age - start.year), (Flag.transition_group,)


def _basic_pension(lookup: Lookup, day: date, years: int) -> Fraction:
    """The provincial standard (= the national minimum until a Yunnan figure is found) plus
    any local top-up, plus any 长缴多得 extra per year beyond the threshold."""
    extra = lookup("resident_long_contribution_extra", day)
    beyond = max(0, years - extra["after_years"])
    standard = lookup("resident_basic_pension", day) + lookup("resident_basic_topup", day)
    return Fraction(standard) + Fraction(extra["per_year"]) * beyond


def _never_enrolled(person: Person) -> bool:
    return (
        person.years_contributed == 0
        and person.prior_months == 0
        and decimal(person.account_balance) == 0
    )
