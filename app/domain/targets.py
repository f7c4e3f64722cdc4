"""What a target figure means and how people type it."""

from datetime import date
from decimal import Decimal, InvalidOperation

from app.core.i18n import N_
from app.domain.codes import Metric, RegionLevel
from app.domain.validation import whole_number

RATIO_METRICS = frozenset({Metric.participation_rate, Metric.employee_share})
FIRST_YEAR, LAST_YEAR = 2000, 2100
LARGEST_VALUE = Decimal("1e10")  # what the NUMERIC(14, 4) column holds


def metric_allowed(metric: Metric, level: RegionLevel) -> bool:
    """市本级 (unit) is an administrative level of city-run insured units: it has an employee
    pension target but no residents, so no resident or rate targets (yuxi-targets.md)."""
    return level != RegionLevel.unit or metric == Metric.employee_in_work


def parse_value(metric: Metric, text: str) -> Decimal:
    """A typed figure as stored: rates are typed as percentages (96 → 0.96), people as whole
    numbers, yuan with at most two decimals. Raises ValueError with a msgid."""
    try:
        value = Decimal(text.strip().rstrip("%").replace(",", ""))
    except InvalidOperation:
        raise ValueError(N_("Enter a number.")) from None
    if not value.is_finite() or value <= 0:
        raise ValueError(N_("Enter a number greater than zero."))
    if value >= LARGEST_VALUE:
        raise ValueError(N_("This number is too large."))
    if metric in RATIO_METRICS:
        if value > 100:
            raise ValueError(N_("A rate is at most 100%."))
        return (value / 100).quantize(Decimal("0.0001"))
    if metric == Metric.employee_in_work and value != value.to_integral_value():
        raise ValueError(N_("Enter a whole number of people."))
    if value.as_tuple().exponent < -2:
        raise ValueError(N_("At most two decimals."))
    return value


def as_number(value: Decimal) -> int | float:
    """A stored figure as a JSON number: whole figures as integers."""
    return int(value) if value == value.to_integral_value() else float(value)


def as_typed(metric: Metric, value: Decimal) -> str:
    """The stored figure as a person would type it back (the inverse of parse_value)."""
    shown = value * 100 if metric in RATIO_METRICS else value
    return format(shown.normalize(), "f")


def year_asked(text: str, today: date) -> int:
    """A year typed in a page's address (four digits), else the current one."""
    year = whole_number(text)
    return year if year is not None and len(text.strip()) == 4 else today.year
