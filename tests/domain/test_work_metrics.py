"""The teams' work figures, counted per household and read off for a period: who counts, in
which month, and how units add up. Pure: no database."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.domain.codes import InsuranceStatus, OutcomeCode
from app.domain.metrics import (
    WORK_SINCE,
    HouseholdWork,
    Period,
    PersonWork,
    Tallies,
    household_tallies,
    monthly_work,
    months_to_date,
    rate,
    work_metrics,
)
from app.domain.visits import is_eligible

TODAY = date(2026, 6, 15)
YEAR = Period.year(2026)
ADULT = date(1980, 5, 20)


def adult(**fields) -> PersonWork:
    fields.setdefault("birth_date", ADULT)
    fields.setdefault("insurance_status", InsuranceStatus.resident)
    fields.setdefault("retires_on", date(2040, 6, 1))
    return PersonWork(**fields)


def figures(*people: PersonWork, period: Period = YEAR, today: date = TODAY, **household):
    return work_metrics(household_tallies(HouseholdWork(people=people, **household), today), period)


def all_three(day: date) -> dict:
    return {"contacts": (day,), "calculations": (day,), "leaflets": (day,)}


# --- periods ---------------------------------------------------------------------------------


def test_a_period_is_a_calendar_month_or_year():
    assert Period.month(2024, 2) == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert Period.year(2025).months()[::11] == [date(2025, 1, 1), date(2025, 12, 1)]
    assert Period.month(2025, 7).months() == [date(2025, 7, 1)]
    with pytest.raises(ValueError):
        Period(date(2025, 3, 1), date(2025, 5, 31))


def test_a_period_is_named_as_a_month_or_a_year_and_read_back():
    assert Period.named("2026-11") == Period.month(2026, 11)
    assert Period.named(" 2026 ") == Period.year(2026)
    assert [Period.named(name).name for name in ("2026-01", "2026")] == ["2026-01", "2026"]
    for wrong in ("2026-13", "2026-1", "26", "2026-11-01", "２０２６", "2021", ""):
        with pytest.raises(ValueError):
            Period.named(wrong)


def test_work_is_counted_from_the_plans_first_month():
    assert Period.year(WORK_SINCE.year).start == WORK_SINCE
    with pytest.raises(ValueError):
        Period.year(WORK_SINCE.year - 1)


def test_the_months_to_date_stop_at_the_current_one():
    assert months_to_date(2026, TODAY)[-1] == date(2026, 6, 1)
    assert len(months_to_date(2025, TODAY)) == 12
    assert months_to_date(2027, TODAY) == []


# --- today's state -----------------------------------------------------------------------------


def test_a_household_counts_its_assignee_people_and_cadres_today():
    work = figures(adult(), adult(is_cadre=True), assigned=True)
    assert (work.households, work.households_assigned, work.cadres) == (1, 1, 1)
    assert figures(adult()).households_assigned == 0


def test_follow_ups_are_overdue_once_their_day_has_passed():
    assert figures(follow_up_on=TODAY - timedelta(days=1)).follow_ups_overdue == 1
    assert figures(follow_up_on=TODAY).follow_ups_overdue == 0
    assert figures().follow_ups_overdue == 0


def test_records_not_verified_in_six_months_are_stale():
    assert figures(verified_on=date(2025, 12, 14)).stale_records == 1
    assert figures(verified_on=date(2025, 12, 15)).stale_records == 0
    assert figures().stale_records == 1  # never verified


# --- the three ones ----------------------------------------------------------------------------


def test_the_three_ones_count_among_people_they_apply_to():
    done = all_three(date(2026, 3, 2))
    work = figures(
        adult(**done),
        adult(contacts=(date(2026, 3, 2),), calculations=(date(2026, 3, 2),)),  # no leaflet
        adult(birth_date=date(2015, 1, 1), **done),  # a child
        adult(insurance_status=InsuranceStatus.receiving, **done),
        adult(is_student=True, **done),
        adult(retires_on=date(2026, 6, 1), **done),  # retired this month
    )
    assert (work.eligible_people, work.three_ones_complete) == (2, 1)
    assert work.three_ones_rate == Decimal("0.5000")


def test_a_past_period_counts_the_three_ones_at_its_end():
    person = adult(
        contacts=(date(2026, 2, 10),),
        calculations=(date(2026, 4, 3),),
        leaflets=(date(2026, 2, 10),),
    )
    assert figures(person, period=Period.month(2026, 3)).three_ones_complete == 0
    assert figures(person, period=Period.month(2026, 4)).three_ones_complete == 1
    assert figures(person, period=Period.year(2025)).eligible_people == 1


def test_someone_counts_from_the_month_they_turn_16_to_the_month_they_retire():
    young = adult(birth_date=date(2010, 4, 20))
    retiring = adult(retires_on=date(2026, 5, 1))
    eligible = {
        month: figures(young, retiring, period=Period.month(2026, month)).eligible_people
        for month in (3, 4, 5)
    }
    assert eligible == {3: 1, 4: 2, 5: 1}


def test_month_ends_agree_with_who_is_eligible_on_that_day():
    chance = random.Random(16)
    for _ in range(300):
        born = date(1960, 1, 1) + timedelta(days=chance.randrange(365 * 56))
        retires = born + timedelta(days=chance.randrange(365 * 50, 365 * 65))
        person = adult(birth_date=born, retires_on=retires.replace(day=chance.choice([1, 17])))
        for period in (Period.month(2024, 2), Period.month(2025, 12), Period.year(2023)):
            expected = is_eligible(person, period.end)
            assert figures(person, period=period).eligible_people == expected, person


def test_nobody_to_count_gives_no_rate():
    assert figures().three_ones_rate is None
    assert rate(2, 3) == Decimal("0.6667")


# --- what happened in the period -----------------------------------------------------------------


def test_people_contacted_are_counted_once_per_period():
    person = adult(contacts=(date(2026, 3, 2), date(2026, 3, 20), date(2026, 5, 1)))
    assert figures(person).people_contacted == 1
    assert figures(person, period=Period.month(2026, 3)).people_contacted == 1
    assert figures(person, period=Period.month(2026, 4)).people_contacted == 0
    assert figures(person, period=Period.year(2025)).people_contacted == 0


def test_outcomes_count_each_persons_latest_in_the_period():
    person = adult(
        outcomes=(
            (date(2025, 11, 3), OutcomeCode.refused),
            (date(2026, 3, 2), OutcomeCode.undecided),
            (date(2026, 3, 20), OutcomeCode.undecided),
            (date(2026, 5, 1), OutcomeCode.join_flexible),
        )
    )
    assert figures(person).outcomes[OutcomeCode.join_flexible] == 1
    assert sum(figures(person).outcomes.values()) == 1
    assert figures(person, period=Period.month(2026, 3)).outcomes[OutcomeCode.undecided] == 1
    assert figures(person, period=Period.year(2025)).outcomes[OutcomeCode.refused] == 1


def test_confirmed_changes_count_by_kind_when_confirmed():
    person = adult(
        changes=((date(2025, 12, 30), OutcomeCode.raise_tier), (date(2026, 1, 4), "join_flexible"))
    )
    work = figures(person)
    assert work.changes_confirmed[OutcomeCode.join_flexible] == 1
    assert work.enrolment_changes_confirmed == 1
    assert figures(person, period=Period.year(2025)).changes_confirmed["raise_tier"] == 1


def test_cadres_upgraded_to_the_employee_pension_and_raised_tiers_count_apart():
    joined = ((date(2026, 2, 1), OutcomeCode.join_flexible),)
    raised = ((date(2026, 2, 1), OutcomeCode.raise_tier),)
    work = figures(adult(is_cadre=True, changes=joined), adult(is_cadre=True, changes=raised))
    assert (work.cadres_upgraded, work.cadres_raised_tier) == (1, 1)
    assert figures(adult(changes=joined)).cadres_upgraded == 0  # not a cadre


# --- adding up ---------------------------------------------------------------------------------


def test_units_add_up_and_a_household_can_be_taken_back_out():
    first = household_tallies(HouseholdWork(people=(adult(**all_three(TODAY)),)), TODAY)
    second = household_tallies(HouseholdWork(assigned=True, people=(adult(),)), TODAY)
    unit = Tallies(TODAY)
    unit.add(first)
    unit.add(second)
    work = work_metrics(unit, YEAR)
    assert (work.households, work.eligible_people, work.three_ones_complete) == (2, 2, 1)
    assert (work.people_contacted, work.households_assigned) == (1, 1)
    unit.add(first, -1)
    assert work_metrics(unit, YEAR) == work_metrics(second, YEAR)


def test_the_trend_has_each_month_to_date():
    person = adult(**all_three(date(2026, 4, 9)))
    trend = monthly_work(household_tallies(HouseholdWork(people=(person,)), TODAY), 2026)
    assert [month.month for month, _work in trend] == [1, 2, 3, 4, 5, 6]
    assert [work.three_ones_complete for _month, work in trend] == [0, 0, 0, 1, 1, 1]
    assert [work.people_contacted for _month, work in trend] == [0, 0, 0, 1, 0, 0]
