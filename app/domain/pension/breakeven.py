"""Break-even (回本): how many monthly pension payments repay what the person still has to pay."""

from dataclasses import dataclass
from decimal import Decimal

from app.domain.pension.money import months_to_cover
from app.domain.pension.months import Month


@dataclass(frozen=True, slots=True)
class Breakeven:
    months: int
    month: Month  # the month of the last payment needed


def breakeven(cost: Decimal, monthly: Decimal, start: Month) -> Breakeven | None:
    """N = ceil(future personal cost ÷ rounded monthly pension), undiscounted; paid back in the
    month of the N-th payment, start + (N − 1). With nothing (more) to pay, N = 0 at the start.
    None when the pension (or, for a marginal break-even, the extra pension) is not positive:
    it never pays back (§4.1, §5.13)."""
    if monthly <= 0:
        return None
    if cost <= 0:
        return Breakeven(0, start)
    months = months_to_cover(cost, monthly)
    return Breakeven(months, start + months - 1)
