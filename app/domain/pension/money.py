"""Money in exact decimals (yuan with fen), never binary floats (pension-rules.md §4)."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def decimal(value: Decimal | int | str) -> Decimal:
    """An input figure as a Decimal; a float is refused because it has already lost the fen."""
    if isinstance(value, float):
        raise TypeError("pass money and rates as Decimal, int or str, never float")
    return Decimal(value)


def fen(amount: Decimal | Fraction) -> Decimal:
    """Rounded half-up to the fen: money that is paid, and pensions for output (§4.1)."""
    if isinstance(amount, Decimal):
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    cents = abs(amount) * 100
    whole = int(cents + Fraction(1, 2))
    return Decimal(whole if amount >= 0 else -whole).scaleb(-2)


def months_to_cover(cost: Decimal, monthly: Decimal) -> int:
    """ceil(cost ÷ monthly) in whole months, exactly (both in fen)."""
    return -(-int(cost * 100) // int(monthly * 100))
