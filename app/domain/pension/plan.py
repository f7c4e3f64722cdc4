"""A scheme's plan for one option before it is rounded for output: the money by year, the
account at retirement, the divisor and the unrounded basic pension."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from app.domain.pension.money import ZERO, fen
from app.domain.pension.months import Month
from app.domain.pension.retirement import Statutory
from app.domain.pension.shapes import Buyback


@dataclass(frozen=True, slots=True)
class Flows:
    """Money by calendar year: what the person pays, the government subsidy, and what is
    credited to the individual account (at the end of the year, §4.1 Interest)."""

    paid: Mapping[int, Decimal]
    subsidy: Mapping[int, Decimal]
    credited: Mapping[int, Decimal]

    def __add__(self, other: "Flows") -> "Flows":
        return Flows(
            paid=_sum(self.paid, other.paid),
            subsidy=_sum(self.subsidy, other.subsidy),
            credited=_sum(self.credited, other.credited),
        )


NO_FLOWS = Flows({}, {}, {})


def _sum(a: Mapping[int, Decimal], b: Mapping[int, Decimal]) -> dict[int, Decimal]:
    return {year: a.get(year, ZERO) + b.get(year, ZERO) for year in a.keys() | b.keys()}


@dataclass(frozen=True, slots=True)
class Plan:
    scheme: str
    statutory: Statutory
    benefit_start: Month
    min_years: Decimal
    flows: Flows
    account: Decimal
    divisor: Fraction
    basic: Fraction  # monthly, unrounded
    flags: tuple[str, ...]
    already_paid: Decimal = ZERO  # part of calc_year's payment made before the calculation
    buyback: Buyback | None = None
    extension_months: int = 0
    subsidy_until: Month | None = None
    transfer: "Plan | None" = None


def roll_forward(
    opening: Decimal,
    credited: Mapping[int, Decimal],
    first_year: int,
    start_year: int,
    rate: Decimal,
) -> Decimal:
    """The account when the benefit starts. Each year before the benefit-start year earns a
    year's interest (rounded to the fen) on its opening balance; a year's credits arrive at its
    end, so they earn from the next year; the benefit-start year earns nothing (§4.1)."""
    balance = opening
    for year in range(first_year, start_year + 1):
        if year < start_year:
            balance += fen(balance * rate)
        balance += credited.get(year, ZERO)
    return balance
