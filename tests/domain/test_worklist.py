"""Worklist priority as a pure rule over contact facts; why someone's three ones are not done."""

from datetime import date

import pytest

from app.domain.codes import NotReachedReason
from app.domain.visits import Progress
from app.domain.worklist import (
    HouseholdFacts,
    Incomplete,
    LastVisit,
    Section,
    Why,
    overdue,
    prioritise,
    section,
    why_incomplete,
)

TODAY = date(2026, 11, 29)


def facts(n, **more) -> HouseholdFacts:
    return HouseholdFacts(household_id=n, **more)


def test_sections_follow_the_plans_priorities():
    assert (
        section(facts(1, follow_up_on=TODAY, last_contact=date(2026, 11, 1)), TODAY) == Section.due
    )
    assert (
        section(facts(1, follow_up_on=date(2026, 12, 1), last_contact=TODAY), TODAY)
        == Section.other
    )
    assert section(facts(1), TODAY) == Section.new
    assert section(facts(1, last_contact=TODAY, on_plan_list=True), TODAY) == Section.plan


def test_an_overdue_follow_up_comes_first_even_before_never_contacted():
    ordered = prioritise(
        [
            facts(1),
            facts(2, last_contact=TODAY, on_plan_list=True),
            facts(3, last_contact=TODAY),
            facts(4, follow_up_on=date(2026, 11, 20), last_contact=date(2026, 11, 1)),
            facts(5, follow_up_on=date(2026, 11, 10), last_contact=date(2026, 11, 1)),
        ],
        TODAY,
    )
    assert [f.household_id for f, _s in ordered] == [5, 4, 1, 2, 3]


def test_within_a_section_plan_list_households_lead_then_the_walking_order():
    ordered = prioritise(
        [
            facts(1, village_group="第2组", address="b"),
            facts(2, village_group="第1组", address="z"),
            facts(3, village_group="第1组", address="a"),
            facts(4, village_group="第9组", on_plan_list=True),
        ],
        TODAY,
    )
    assert [f.household_id for f, _s in ordered] == [4, 3, 2, 1]


def test_a_follow_up_is_overdue_once_its_day_has_passed():
    assert overdue(date(2026, 11, 28), TODAY)
    assert not overdue(TODAY, TODAY), "due today is due, not yet overdue"
    assert not overdue(date(2026, 11, 30), TODAY)
    assert not overdue(None, TODAY)


NOBODY_HOME = LastVisit(reached=False, not_reached_reason=NotReachedReason.nobody_home)


@pytest.mark.parametrize(
    ("done", "last_visit", "expected"),
    [
        (Progress(), None, Incomplete(Why.never_visited)),
        (Progress(), NOBODY_HOME, Incomplete(Why.not_reached, NotReachedReason.nobody_home)),
        (Progress(), LastVisit(reached=True), Incomplete(Why.not_met)),
        (Progress(contact=True), NOBODY_HOME, Incomplete(Why.no_calculation)),
        (Progress(contact=True, leaflet=True), None, Incomplete(Why.no_calculation)),
        (Progress(contact=True, calculation=True), NOBODY_HOME, Incomplete(Why.no_leaflet)),
        (Progress(True, True, True), NOBODY_HOME, None),
    ],
)
def test_why_someone_is_incomplete_is_the_first_of_the_three_ones_missing(
    done, last_visit, expected
):
    assert why_incomplete(done, last_visit) == expected
