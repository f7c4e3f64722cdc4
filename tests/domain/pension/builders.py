"""Small builders with sensible defaults, so each test names only what it is about."""

from datetime import date
from decimal import Decimal

from app.domain.pension import (
    Assumptions,
    Estimate,
    FlexibleOption,
    Person,
    ResidentOption,
    estimate,
)

CALC_YEAR = 2026


def person(born: str = "1976-07-15", sex: str = "F", **fields) -> Person:
    return Person(birth_date=date.fromisoformat(born), sex=sex, **fields)


def resident(who: Person, tier: int = 500, year: int = CALC_YEAR, **assumed) -> Estimate:
    return estimate(year, who, ResidentOption(tier=tier), Assumptions(**assumed))


def flexible(who: Person, pct: int | str = 60, year: int = CALC_YEAR, **assumed) -> Estimate:
    return estimate(year, who, FlexibleOption(base_pct=Decimal(pct)), Assumptions(**assumed))


def yuan(text: str) -> Decimal:
    return Decimal(text)
