"""How target figures are typed, checked and shown."""

from decimal import Decimal

import pytest

from app.domain.targets import as_number, as_typed, metric_allowed, parse_value
from app.models import Metric, RegionLevel


@pytest.mark.parametrize(
    ("metric", "typed", "stored"),
    [
        (Metric.participation_rate, "96", Decimal("0.96")),
        (Metric.participation_rate, "96.5%", Decimal("0.965")),
        (Metric.employee_share, " 30 ", Decimal("0.30")),
        (Metric.employee_in_work, "91,400", Decimal("91400")),
        (Metric.resident_contribution_per_capita, "543.50", Decimal("543.50")),
    ],
)
def test_typed_figures_are_stored_in_their_unit(metric, typed, stored):
    assert parse_value(metric, typed) == stored


@pytest.mark.parametrize(
    ("metric", "typed"),
    [
        (Metric.participation_rate, ""),
        (Metric.participation_rate, "NaN"),
        (Metric.participation_rate, "101"),
        (Metric.employee_in_work, "0"),
        (Metric.employee_in_work, "1.5"),
        (Metric.resident_contribution_per_capita, "1e400"),
        (Metric.resident_contribution_per_capita, "1.005"),
    ],
)
def test_impossible_figures_are_refused(metric, typed):
    with pytest.raises(ValueError):
        parse_value(metric, typed)


def test_stored_figures_read_back_as_they_were_typed():
    assert as_typed(Metric.participation_rate, Decimal("0.9600")) == "96"
    assert as_typed(Metric.employee_in_work, Decimal("91400.0000")) == "91400"


def test_json_numbers_are_integers_when_whole():
    assert as_number(Decimal("91400.0000")) == 91400
    assert isinstance(as_number(Decimal("91400.0000")), int)
    assert as_number(Decimal("0.9600")) == 0.96


def test_city_level_units_only_take_employee_pension_targets():
    assert metric_allowed(Metric.employee_in_work, RegionLevel.unit)
    assert not metric_allowed(Metric.resident_contribution_per_capita, RegionLevel.unit)
    assert metric_allowed(Metric.participation_rate, RegionLevel.county)
