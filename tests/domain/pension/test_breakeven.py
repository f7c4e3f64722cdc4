"""Break-even: whole monthly payments until what is still to be paid comes back."""

from decimal import Decimal

import pytest

from app.domain.pension.breakeven import Breakeven, breakeven
from app.domain.pension.months import Month

START = Month(2036, 8)


@pytest.mark.parametrize(
    ("cost", "monthly", "months", "month"),
    [
        ("5000.00", "211.92", 24, Month(2038, 7)),  # 23.59 → the 24th payment
        ("211.92", "211.92", 1, START),  # exactly one payment: the first month
        ("211.93", "211.92", 2, Month(2036, 9)),  # a fen more needs a second
        ("0.00", "211.92", 0, START),  # nothing to pay: even from the start
        ("-100.00", "50.00", 0, START),  # cheaper and better (marginal): never negative
    ],
)
def test_break_even_is_the_month_of_the_nth_payment(cost, monthly, months, month):
    assert breakeven(Decimal(cost), Decimal(monthly), START) == Breakeven(months, month)


@pytest.mark.parametrize("monthly", ["0.00", "-3.50"])
def test_no_break_even_without_a_gain(monthly):
    assert breakeven(Decimal("100.00"), Decimal(monthly), START) is None
