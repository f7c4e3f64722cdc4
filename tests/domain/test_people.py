"""Facts derived from a person's record, and the plan's three lists."""

from datetime import date

import pytest

from app.domain.codes import InsuranceStatus
from app.domain.people import (
    PersonFacts,
    PlanList,
    add_months,
    age,
    is_precise_list_age,
    is_stale,
    plan_lists,
    retirement_date,
)

TODAY = date(2026, 11, 29)


def test_age_counts_whole_years_up_to_the_birthday():
    assert age(date(1980, 11, 29), TODAY) == 46
    assert age(date(1980, 11, 30), TODAY) == 45
    assert age(date(2000, 2, 29), date(2026, 2, 28)) == 25


def test_people_from_45_are_worked_from_precise_lists():
    assert is_precise_list_age(date(1981, 11, 29), TODAY)
    assert not is_precise_list_age(date(1981, 11, 30), TODAY)


def test_a_record_is_stale_when_not_verified_for_six_months():
    assert is_stale(None, TODAY)
    assert is_stale(date(2026, 5, 28), TODAY)
    assert not is_stale(date(2026, 5, 29), TODAY)


def test_months_are_added_with_the_day_clamped_to_the_months_end():
    assert add_months(date(2026, 8, 31), -6) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


@pytest.mark.parametrize(
    ("born", "sex", "retires"),
    [  # pension-rules.md §3 worked lines, men M60 and women F55
        (date(1965, 1, 1), "M", date(2025, 2, 1)),
        (date(1965, 5, 1), "M", date(2025, 7, 1)),
        (date(1970, 6, 1), "M", date(2031, 11, 1)),
        (date(1976, 8, 1), "M", date(2039, 7, 1)),
        (date(1976, 9, 1), "M", date(2039, 9, 1)),
        (date(1972, 3, 1), "F", date(2027, 10, 1)),
        (date(1964, 12, 1), "M", date(2024, 12, 1)),
        (date(1940, 3, 15), "F", date(1995, 3, 1)),  # long retired: no minimum-years table needed
    ],
)
def test_statutory_retirement_follows_the_2025_reform(born, sex, retires):
    assert retirement_date(born, sex) == retires


def facts(born=date(1985, 6, 1), status=InsuranceStatus.none, **more) -> PersonFacts:
    return PersonFacts(born, status, retires_on=retirement_date(born, "M"), **more)


def test_an_uninsured_adult_of_working_age_could_join_the_employee_pension():
    assert plan_lists(facts(), TODAY) == {PlanList.employee_capable}


def test_students_children_and_people_past_retirement_could_not():
    assert plan_lists(facts(is_student=True), TODAY) == set()
    assert plan_lists(facts(born=date(2011, 1, 1)), TODAY) == set()
    assert plan_lists(facts(born=date(1960, 1, 1)), TODAY) == set()


def test_a_resident_member_paying_a_low_tier_could_raise_it():
    lists = plan_lists(facts(status=InsuranceStatus.resident, resident_tier=200), TODAY)
    assert lists == {PlanList.employee_capable, PlanList.tier_raise}
    high = plan_lists(facts(status=InsuranceStatus.resident, resident_tier=500), TODAY)
    assert PlanList.tier_raise not in high


def test_people_who_stopped_paying_are_on_their_own_list():
    assert plan_lists(facts(status=InsuranceStatus.stopped), TODAY) == {PlanList.stopped_paying}


def test_employees_and_pensioners_are_on_no_list():
    for status in (InsuranceStatus.employee_flexible, InsuranceStatus.receiving):
        assert plan_lists(facts(status=status), TODAY) == set()
