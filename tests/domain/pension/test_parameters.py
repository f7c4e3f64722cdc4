"""Parameters are dated data with a source and a confidence mark; the calculator asks for the
value in force on a date, and a result can tell which of its figures are unconfirmed."""

import copy
import json
from datetime import date
from decimal import Decimal

import pytest

from app.domain.pension.parameters import (
    DATA_FILE,
    Lookup,
    NotInForce,
    default_parameters,
    load_parameters,
)


def shipped() -> dict:
    return json.loads(DATA_FILE.read_text("utf-8"), parse_float=Decimal)


def test_every_shipped_figure_has_a_date_region_source_and_confidence():
    for series in default_parameters().series.values():
        assert series.entries, series.name
        for entry in series.entries:
            assert entry.source and entry.region and entry.confidence in "HML?"


def test_the_value_in_force_is_the_latest_one_dated_on_or_before_the_day():
    basic = default_parameters()["resident_basic_pension"]
    assert basic.on(date(2020, 6, 30)).value == 88
    assert basic.on(date(2020, 7, 1)).value == 93
    assert basic.on(date(2025, 12, 31)).value == 143
    assert basic.on(date(2026, 1, 1)).value == 163
    assert basic.on(date(2040, 1, 1)).value == 163  # held flat after the latest


def test_nothing_is_in_force_before_the_first_entry():
    with pytest.raises(NotInForce):
        default_parameters()["employee_base_limits"].on(date(2021, 12, 31))


def test_figures_are_exact_decimals_and_cannot_be_changed():
    limits = default_parameters()["employee_base_limits"].on(date(2024, 5, 1)).value
    assert limits == (Decimal("4306.2"), 21531)
    ladder = default_parameters()["resident_subsidy_ladder"].latest().value
    with pytest.raises(TypeError):
        ladder["200"] = 1000


def test_low_and_unknown_confidence_marks_are_unconfirmed():
    params = default_parameters()
    assert params["employee_base_limits"].on(date(2026, 1, 1)).unconfirmed  # L
    assert params["resident_subsidy_ladder"].on(date(2026, 1, 1)).unconfirmed  # ?
    assert not params["employee_base_limits"].on(date(2025, 1, 1)).unconfirmed  # M
    assert not params["resident_basic_pension"].on(date(2025, 1, 1)).unconfirmed  # H


def test_a_lookup_remembers_the_unconfirmed_and_provisional_figures_it_read():
    lookup = Lookup(default_parameters(), {})
    lookup("resident_basic_pension", date(2026, 1, 1))  # M
    lookup("employee_base_limits", date(2026, 1, 1))  # L, provisional
    assert lookup.unconfirmed == {"employee_base_limits"}
    assert lookup.provisional == {"employee_base_limits"}


def test_an_assumption_replaces_the_table_and_is_not_unconfirmed():
    lookup = Lookup(default_parameters(), {"employee_benefit_base": Decimal(9000)})
    assert lookup("employee_benefit_base", date(2026, 1, 1)) == 9000
    assert lookup.unconfirmed == set()


def test_a_quiet_read_does_not_count_until_the_figure_matters():
    lookup = Lookup(default_parameters(), {})
    assert lookup.quietly("resident_scheme_start", date(2026, 1, 1)) == "2012-01-01"
    assert lookup.unconfirmed == set()


def test_the_version_changes_whenever_the_data_changes():
    data = shipped()
    changed = copy.deepcopy(data)
    changed["series"]["employee_benefit_base"]["entries"][-1]["value"] = Decimal(8300)
    assert load_parameters(data).version == default_parameters().version
    assert load_parameters(changed).version != load_parameters(data).version
    assert default_parameters().version.startswith(data["edition"])


def test_on_the_same_date_the_more_specific_region_wins():
    data = shipped()
    data["series"]["resident_basic_pension"]["entries"].append(
        {
            "from": "2026-01-01",
            "value": 173,
            "region": "yuxi",
            "source": "a Yuxi notice",
            "confidence": "H",
        }
    )
    basic = load_parameters(data)["resident_basic_pension"]
    assert basic.on(date(2026, 6, 1)).value == 173


@pytest.mark.parametrize(
    ("field", "bad"), [("confidence", "high"), ("region", "mars"), ("from", "2026-13-01")]
)
def test_malformed_entries_are_refused(field, bad):
    data = shipped()
    data["series"]["resident_account_divisor"]["entries"][0][field] = bad
    with pytest.raises(ValueError):
        load_parameters(data)


def test_yearly_figures_are_recomputed_only_until_they_stop_changing():
    lookup = Lookup(default_parameters(), {})
    years = list(lookup.yearly(range(2022, 2030), ("resident_tier_menu",), lambda day: day))
    assert years[0] == (2022, date(2022, 1, 1))
    assert years[-1] == (2029, date(2024, 1, 1))  # the last change: held flat after it
