"""Scheme B — the enterprise employee pension paid as a flexible worker (企业职工基本养老保险·
灵活就业人员, 国发〔2005〕38号): each month 20 % of a base (缴费基数) between 60 % and 300 % of
the provincial 全口径 average wage, 8 % of the base into the individual account; from the
month after retirement, the basic pension 计发基数 × (1 + average index) ÷ 2 × years × 1 %
plus the account ÷ 计发月数."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from app.domain.pension import resident
from app.domain.pension.flags import Flag
from app.domain.pension.money import decimal, fen
from app.domain.pension.months import Month
from app.domain.pension.parameters import Lookup
from app.domain.pension.plan import NO_FLOWS, Flows, Plan, roll_forward
from app.domain.pension.retirement import (
    Statutory,
    category_rule,
    minimum_years,
    person_category,
    statutory,
)
from app.domain.pension.shapes import FlexibleOption, Person
from app.domain.pension.subsidy import EMPLOYMENT_DIFFICULTY

DIVISOR_RULES = ("linear_by_month", "whole_years")


@dataclass(frozen=True, slots=True)
class Paid:
    """Contributions over a run of months: the money by year, how many months, and the sum of
    the months' contribution indices (base ÷ average wage, unrounded)."""

    flows: Flows
    months: int
    index_sum: Fraction

    def __add__(self, other: "Paid") -> "Paid":
        return Paid(
            self.flows + other.flows, self.months + other.months, self.index_sum + other.index_sum
        )


NOTHING_PAID = Paid(NO_FLOWS, 0, Fraction(0))


@dataclass(frozen=True, slots=True)
class Contributor:
    """What stays the same over a plan: the base chosen, and the months that earn the
    employment-difficulty subsidy and its share of the contribution."""

    base_pct: Decimal
    subsidised: tuple[Month, Month] | None
    refund_share: Fraction


def plan(
    person: Person, option: FlexibleOption, calc_year: int, lookup: Lookup, rate: Decimal
) -> Plan:
    """Monthly contributions from January of calc_year up to and including the statutory-age
    month; if the minimum years are not met by then, 延缴 month by month until they are. The
    last contribution month is the retirement month (§4.1)."""
    day = date(calc_year, 1, 1)
    first = Month(calc_year, 1)
    birth = Month.of(person.birth_date)
    category, category_flags = person_category(lookup, person.sex, person.category)
    age = statutory(birth, category_rule(lookup, category))
    minimum = minimum_years(lookup, age.month)
    end_regular = max(age.month, first - 1)  # before calc_year when past the statutory age
    extension = max(0, int(minimum * 12) - person.prior_months - (end_regular - first + 1))
    last = end_regular + extension
    base_pct, clamped = _clamped(lookup, day, decimal(option.base_pct))
    contributor = _contributor(person, base_pct, first, age, lookup)
    regular = _paid(first, end_regular, contributor, lookup)
    paid = regular + _paid(end_regular + 1, last, contributor, lookup)
    flags = _flags(person, lookup, first, age, minimum, extension, contributor, paid)
    transfer = None
    if extension:
        employee_months = person.prior_months + regular.months
        transfer = resident.transfer(
            person, regular.flows, employee_months, end_regular, calc_year, lookup, rate
        )
    return Plan(
        scheme="flexible",
        statutory=age,
        benefit_start=last + 1,
        min_years=minimum,
        flows=paid.flows,
        account=roll_forward(
            decimal(person.account_balance), paid.flows.credited, calc_year, (last + 1).year, rate
        ),
        divisor=divisor(lookup, day, last - birth),
        basic=_basic_pension(person, paid, lookup, day),
        flags=(*category_flags, *flags, *((Flag.base_clamped,) if clamped else ())),
        extension_months=extension,
        subsidy_until=contributor.subsidised[1] if contributor.subsidised else None,
        transfer=transfer,
    )


def divisor(lookup: Lookup, day: date, age: int) -> Fraction:
    """计发月数 for an age in months: the table's whole-year value, or between two whole years
    interpolated by month (linear_by_month, 60y3m → 139 − 7 × 3/12) or the lower age's value
    (whole_years); beyond the table's last age, its last value (56 beyond 70)."""
    table = lookup("employee_account_divisor", day)
    years, months = divmod(age, 12)
    youngest, oldest = min(map(int, table)), max(map(int, table))
    if years < youngest:
        raise ValueError(f"no 计发月数 below age {youngest}")

    def at(whole: int) -> Fraction:
        return Fraction(table[str(min(whole, oldest))])

    if months == 0:
        return at(years)
    rule = lookup("divisor_rule", day)
    if rule not in DIVISOR_RULES:
        raise ValueError(f"divisor_rule must be one of {', '.join(DIVISOR_RULES)}")
    if rule == "whole_years":
        return at(years)
    return at(years) - (at(years) - at(years + 1)) * Fraction(months, 12)


@dataclass(frozen=True, slots=True)
class Monthly:
    """A year's figures for one month of contributions."""

    base: Decimal
    average: Decimal
    contribution: Decimal
    credit: Decimal
    refund: Decimal


MONTHLY_SERIES = (
    "employee_average_wage",
    "employee_base_limits",
    "employee_base_range",
    "employee_contribution_rate",
    "employee_account_rate",
)


def _paid(first: Month, last: Month, contributor: Contributor, lookup: Lookup) -> Paid:
    """Each month pays 20 % of the year's base and credits 8 % of it, each rounded to the
    fen; a subsidised month is refunded its share of the contribution, rounded to the fen."""
    if last < first:
        return NOTHING_PAID
    paid, subsidy, credited = {}, {}, {}
    months_at: dict[tuple[Decimal, Decimal], int] = {}  # months by (base, average wage)
    refunded = _overlap(first, last, contributor.subsidised)
    years = range(first.year, last.year + 1)
    for year, monthly in lookup.yearly(
        years, MONTHLY_SERIES, lambda day: _monthly(lookup, day, contributor)
    ):
        count = _months_in(year, first, last)
        subsidy[year] = _months_in(year, *refunded) * monthly.refund
        paid[year] = count * monthly.contribution - subsidy[year]
        credited[year] = count * monthly.credit
        key = (monthly.base, monthly.average)
        months_at[key] = months_at.get(key, 0) + count
    index_sum = sum(n * Fraction(base) / Fraction(avg) for (base, avg), n in months_at.items())
    return Paid(Flows(paid, subsidy, credited), sum(months_at.values()), Fraction(index_sum))


def _monthly(lookup: Lookup, day: date, contributor: Contributor) -> Monthly:
    base, average = _base(lookup, day, contributor.base_pct)
    contribution = fen(base * decimal(lookup("employee_contribution_rate", day)))
    return Monthly(
        base=base,
        average=average,
        contribution=contribution,
        credit=fen(base * decimal(lookup("employee_account_rate", day))),
        refund=fen(Fraction(contribution) * contributor.refund_share),
    )


def _base(lookup: Lookup, day: date, pct: Decimal) -> tuple[Decimal, Decimal]:
    """A base of 60 % or 300 % is the published limit itself; between them, the average wage
    × pct rounded to the fen (§4.1). Years after the latest published one are held flat."""
    average = decimal(lookup("employee_average_wage", day))
    lower, upper = (decimal(limit) for limit in lookup("employee_base_limits", day))
    limits = lookup("employee_base_range", day)
    if pct == limits["lower_pct"]:
        return lower, average
    if pct == limits["upper_pct"]:
        return upper, average
    return min(max(fen(average * pct / 100), lower), upper), average


def _clamped(lookup: Lookup, day: date, pct: Decimal) -> tuple[Decimal, bool]:
    """A base outside 60–300 % is moved to the nearest limit, and the person is told (§5.5)."""
    limits = lookup("employee_base_range", day)
    inside = min(max(pct, Decimal(limits["lower_pct"])), Decimal(limits["upper_pct"]))
    return inside, inside != pct


def _contributor(
    person: Person, base_pct: Decimal, first: Month, age: Statutory, lookup: Lookup
) -> Contributor:
    """就业困难人员 subsidy months: from approval (default January of calc_year) for 36 months at
    most, or up to the statutory-age month when that is 60 months or fewer from approval;
    never 延缴 months (§2.7, §4.1)."""
    if person.subsidy_group != EMPLOYMENT_DIFFICULTY:
        return Contributor(base_pct, None, Fraction(0))
    day = first.first_day()
    approved = first
    if person.subsidy_first_approved:
        approved = Month.parse(person.subsidy_first_approved)
    rule = lookup("employment_difficulty_subsidy_months", day)
    if age.month - approved + 1 <= rule["until_retirement_within"]:
        end = age.month
    else:
        end = min(age.month, approved + rule["max_months"] - 1)
    share = Fraction(lookup("employment_difficulty_subsidy_share", day))
    return Contributor(base_pct, (approved, end), share)


def _overlap(first: Month, last: Month, window: tuple[Month, Month] | None) -> tuple[Month, Month]:
    if window is None:
        return first, first - 1
    return max(first, window[0]), min(last, window[1])


def _months_in(year: int, first: Month, last: Month) -> int:
    return max(0, min(last.index, year * 12 + 11) - max(first.index, year * 12) + 1)


def _basic_pension(person: Person, paid: Paid, lookup: Lookup, day: date) -> Fraction:
    """计发基数 × (1 + average index) ÷ 2 × years × 1 %, the average index taken over all months,
    past ones at their given average (assumed at the lowest base when not given)."""
    prior_index = person.prior_avg_index
    if prior_index is None:
        prior_index = Decimal(lookup("employee_base_range", day)["lower_pct"]) / 100
    months = person.prior_months + paid.months
    index_sum = paid.index_sum + person.prior_months * Fraction(decimal(prior_index))
    benefit_base = Fraction(decimal(lookup("employee_benefit_base", day)))
    accrual = Fraction(decimal(lookup("employee_basic_accrual", day)))
    return benefit_base * (months + index_sum) / 2 * accrual / 12


def _flags(
    person: Person,
    lookup: Lookup,
    first: Month,
    age: Statutory,
    minimum: Decimal,
    extension: int,
    contributor: Contributor,
    paid: Paid,
) -> list[str]:
    day = first.first_day()
    deemed_before = Month.parse(lookup("deemed_service_before", day))
    subsidy_end = contributor.subsidised[1] if contributor.subsidised else None
    conditions = (
        (Flag.short_of_minimum_years, extension > 0),
        (Flag.transfer_to_resident_option, extension > 0),
        (Flag.long_extension, extension > 0 and extension > lookup("long_extension_months", day)),
        (Flag.raised_minimum_years, minimum > minimum_years(lookup, first)),
        (Flag.past_statutory_age, age.month < first),
        (Flag.resident_years_not_counted, person.years_contributed > 0),
        (Flag.deemed_service_out_of_scope, first - person.prior_months < deemed_before),
        (Flag.prior_index_assumed, person.prior_months > 0 and person.prior_avg_index is None),
        (Flag.employment_difficulty_subsidy, any(paid.flows.subsidy.values())),
        (Flag.subsidy_ends_early, subsidy_end is not None and subsidy_end < age.month),
    )
    return [flag for flag, applies in conditions if applies]
