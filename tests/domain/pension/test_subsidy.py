"""A person's subsidy categories (api.md code table) map to the calculator's subsidy_group."""

import pytest

from app.domain.pension import subsidy_group


@pytest.mark.parametrize(
    ("categories", "group", "land"),
    [
        ([], "none", False),
        (["low_income"], "low_income", False),
        (["extreme_poverty"], "extreme_poverty", False),
        (["returned_to_poverty"], "returned_to_poverty", False),
        (["severe_disability"], "severe_disability", False),
        (["employment_difficulty"], "employment_difficulty", False),
        (["land_expropriated"], "none", True),
        (["land_expropriated", "employment_difficulty"], "employment_difficulty", True),
        # 代缴 outranks the employment subsidy; the first hardship code in table order wins.
        (["employment_difficulty", "severe_disability"], "severe_disability", False),
        (["severe_disability", "low_income"], "low_income", False),
    ],
)
def test_categories_map_to_one_calculator_group(categories, group, land):
    mapped = subsidy_group(categories)
    assert (mapped.group, mapped.land_expropriated) == (group, land)


def test_unknown_categories_are_refused():
    with pytest.raises(ValueError):
        subsidy_group(["none"])
