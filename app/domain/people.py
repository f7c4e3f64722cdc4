"""Facts derived from a person's record: age, the 45-and-over band, stale records and the three
lists the plan manages people by (清单式管理)."""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from app.domain.codes import InsuranceStatus
from app.domain.pension import statutory_month

ADULT_AGE = 16
PRECISE_LIST_AGE = 45  # 45 and over are worked from precise lists (plan 二(六)2)
RESIDENT_BENEFIT_AGE = 60
STALE_AFTER_MONTHS = 6  # the plan refreshes its information every half year
# The plan's city goal is 500 yuan per resident member a year (玉政办发〔2022〕3号, 总体目标):
# members paying less are the ones a higher tier would lift toward it.
TIER_RAISE_BELOW = 500


class PlanList(StrEnum):
    """The plan's three lists."""

    employee_capable = "employee_capable"  # 有能力参加职工养老保险的人员
    tier_raise = "tier_raise"  # 可提高缴费档次的城乡居民养老保险参保人员
    stopped_paying = "stopped_paying"  # 职工养老保险断缴人员


@dataclass(frozen=True)
class PersonFacts:
    birth_date: date
    insurance_status: InsuranceStatus
    resident_tier: int | None = None
    is_student: bool = False
    retires_on: date | None = None  # statutory employee-pension retirement date


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the month's last day."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def age(birth_date: date, today: date) -> int:
    had_birthday = (today.month, today.day) >= (birth_date.month, birth_date.day)
    return today.year - birth_date.year - (0 if had_birthday else 1)


def born_on_or_before(years: int, today: date) -> date:
    """The latest birth date of someone at least ``years`` old today."""
    return add_months(today, -12 * years)


def is_precise_list_age(birth_date: date, today: date) -> bool:
    return age(birth_date, today) >= PRECISE_LIST_AGE


def stale_since(today: date) -> date:
    """Records last verified before this day are stale."""
    return add_months(today, -STALE_AFTER_MONTHS)


def is_stale(verified_on: date | None, today: date) -> bool:
    return verified_on is None or verified_on < stale_since(today)


def plan_lists(person: PersonFacts, today: date) -> set[PlanList]:
    lists = set()
    years = age(person.birth_date, today)
    of_working_age = years >= ADULT_AGE and (person.retires_on is None or today < person.retires_on)
    uninsured_or_resident = person.insurance_status in (
        InsuranceStatus.none,
        InsuranceStatus.resident,
    )
    if uninsured_or_resident and of_working_age and not person.is_student:
        lists.add(PlanList.employee_capable)
    low_tier = person.resident_tier is None or person.resident_tier < TIER_RAISE_BELOW
    if (
        person.insurance_status == InsuranceStatus.resident
        and years < RESIDENT_BENEFIT_AGE
        and low_tier
    ):
        lists.add(PlanList.tier_raise)
    if person.insurance_status == InsuranceStatus.stopped:
        lists.add(PlanList.stopped_paying)
    return lists


def retirement_date(birth_date: date, sex: str) -> date:
    """The first day of the month a person reaches the statutory employee-pension age under
    the 2025 reform, in the default categories (men M60, women F55)."""
    return _retirement_month(birth_date.year, birth_date.month, sex)


@lru_cache(maxsize=4096)
def _retirement_month(year: int, month: int, sex: str) -> date:
    """The age depends on the birth month only, so whole lists reuse a few hundred answers."""
    return statutory_month(date(year, month, 1), "M60" if sex == "M" else "F55")
