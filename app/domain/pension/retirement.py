"""Statutory retirement age under the 2024 decision (渐进式延迟法定退休年龄, from 2025-01-01),
the minimum contribution years by the year it is reached, and the flexible-retirement window
(弹性退休). Ages are counted in months from the birth month: the age is reached in the month
birth month + age, and benefits start the month after."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.domain.pension.flags import Flag
from app.domain.pension.months import Month
from app.domain.pension.parameters import Lookup

CATEGORIES = ("M60", "F55", "F50")


@dataclass(frozen=True, slots=True)
class Statutory:
    """When a person reaches the statutory retirement age."""

    age: int  # months
    month: Month
    original_age: int  # months: 60, 55 or 50 years before the reform


def statutory(birth: Month, rule: Any) -> Statutory:
    """Delay = 1 month per `birth_months_per_step` birth months from January of the first
    affected cohort, capped (M60/F55: 1 per 4, cap 36; F50: 1 per 2, cap 60)."""
    cohort = Month.parse(rule["first_cohort"])
    counted = birth - cohort + 1
    step = rule["birth_months_per_step"]
    delay = 0 if counted <= 0 else min(rule["cap_months"], -(-counted // step))
    original = rule["original_age"] * 12
    return Statutory(age=original + delay, month=birth + original + delay, original_age=original)


def category_rule(lookup: Lookup, category: str) -> Any:
    """The reform's rule for a category; the decision is defined by birth cohort, so its
    latest table applies to every birth date."""
    if category not in CATEGORIES:
        raise ValueError(f"category must be one of {', '.join(CATEGORIES)}")
    return lookup("retirement_age_rules")[category]


def minimum_years(lookup: Lookup, reached: Month) -> Decimal:
    """15 years up to 2029, then +6 months a year from 2030 to 20 from 2039, keyed to the year
    the statutory age is reached."""
    return Decimal(lookup("minimum_contribution_years", reached.first_day()))


def flexible_window(lookup: Lookup, birth: Month, age: Statutory) -> tuple[Month, Month]:
    """Earliest and latest retirement month once the minimum years are met: up to 3 years
    before the new age but never before the original one, and up to 3 years after (part of
    the same 2024 decision, so its latest rule applies)."""
    window = lookup("flexible_retirement_window")
    earliest = max(age.original_age, age.age - window["earlier_months"])
    return birth + earliest, age.month + window["later_months"]


def person_category(lookup: Lookup, sex: str, category: str | None) -> tuple[str, tuple[str, ...]]:
    """A man is M60; a woman is F55 unless she is known to be F50 (工人岗位) — the Yunnan
    default for female flexible workers [M], flagged when assumed (§5.9)."""
    if sex not in ("M", "F"):
        raise ValueError("sex must be M or F")
    if category is None:
        if sex == "M":
            return "M60", ()
        return lookup("female_default_category"), (Flag.female_category_assumed,)
    if category not in CATEGORIES or (category == "M60") != (sex == "M"):
        raise ValueError("category must be M60 for a man, F55 or F50 for a woman")
    return category, ()
