"""Data-quality flags on hand-built facts: each flag just below and at its threshold, what it
leaves out, and the period a page asks for. Pure: no database."""

import random
from datetime import date, datetime, timedelta

import pytest

from app.core.i18n import gettext_for
from app.domain.codes import Channel, FlagKind
from app.domain.metrics import Period
from app.domain.quality import (
    MIN_ATTEMPTS,
    MIN_QUICK_GAPS,
    MIN_SAME_PLACE_HOUSEHOLDS,
    MIN_WITHOUT_CALCULATION,
    Flag,
    PersonSteps,
    VisitFact,
    busiest_spot,
    contact_rate_near_full,
    earlier,
    evidence,
    flags,
    later,
    metres_apart,
    period_asked,
    three_ones_without_calculation,
    visits_minutes_apart,
    visits_same_place,
)

MORNING = datetime(2026, 11, 10, 9, 0)
# 瓦窑村: one metre north is about 0.000009 degrees of latitude.
LATITUDE, LONGITUDE = 24.35, 102.54
METRE = 1 / 111_195


def visit(household_id: int = 1, minutes: float = 0, **fields) -> VisitFact:
    fields.setdefault("channel", Channel.home_visit)
    fields.setdefault("reached", True)
    return VisitFact(household_id, MORNING + timedelta(minutes=minutes), **fields)


def at(household_id: int, metres_north: float, channel=Channel.home_visit) -> VisitFact:
    return visit(
        household_id,
        channel=channel,
        latitude=LATITUDE + metres_north * METRE,
        longitude=LONGITUDE,
    )


# --- a contact rate near 100 % -----------------------------------------------------------------


def rounds(reached: int, missed: int) -> list[VisitFact]:
    return [visit(n) for n in range(reached)] + [visit(n, reached=False) for n in range(missed)]


def test_every_one_of_twenty_attempts_reaching_someone_is_flagged():
    assert contact_rate_near_full(rounds(20, 0)) == Flag(FlagKind.contact_rate_near_full, 20, 20)


def test_nineteen_attempts_are_too_few_to_judge_a_contact_rate():
    assert MIN_ATTEMPTS == 20
    assert contact_rate_near_full(rounds(19, 0)) is None


def test_ninety_eight_percent_reached_is_flagged_and_just_below_is_not():
    assert contact_rate_near_full(rounds(49, 1)) == Flag(FlagKind.contact_rate_near_full, 49, 50)
    assert contact_rate_near_full(rounds(48, 1)) is None, "48 of 49 is 97.96 %"


def test_phone_calls_count_as_attempts_too():
    calls = [visit(n, channel=Channel.phone_call) for n in range(20)]
    assert contact_rate_near_full(calls) is not None


# --- visits minutes apart ----------------------------------------------------------------------


def a_round(gaps_in_minutes: list[float], **fields) -> list[VisitFact]:
    """Visits to households 1, 2, 3, … each the given minutes after the one before."""
    moments = [0.0]
    for gap in gaps_in_minutes:
        moments.append(moments[-1] + gap)
    return [visit(n + 1, minutes, **fields) for n, minutes in enumerate(moments)]


def test_five_quick_gaps_between_households_are_flagged_and_four_are_not():
    assert MIN_QUICK_GAPS == 5
    five = a_round([4, 4, 4, 4, 4.9, 30])
    assert visits_minutes_apart(five) == Flag(FlagKind.visits_minutes_apart, 5, 7)
    assert visits_minutes_apart(a_round([4, 4, 4, 4, 30])) is None


def test_five_minutes_apart_is_not_quick():
    assert visits_minutes_apart(a_round([5, 5, 5, 5, 5])) is None


def test_visits_are_taken_in_time_order_whatever_order_they_come_in():
    shuffled = list(reversed(a_round([1, 1, 1, 1, 1])))
    assert visits_minutes_apart(shuffled) == Flag(FlagKind.visits_minutes_apart, 5, 6)


def test_more_visits_to_the_same_household_are_not_gaps():
    same_home = [visit(1, minutes) for minutes in range(0, 12, 2)]
    assert visits_minutes_apart(same_home) is None


def test_phone_calls_and_doors_nobody_opened_may_be_quick():
    assert visits_minutes_apart(a_round([1] * 6, channel=Channel.phone_call)) is None
    assert visits_minutes_apart(a_round([1] * 6, reached=False)) is None


# --- many visits at one spot -------------------------------------------------------------------


def test_five_households_within_twenty_metres_of_one_visit_are_flagged_and_four_are_not():
    assert MIN_SAME_PLACE_HOUSEHOLDS == 5
    four = [at(1, 0), at(2, 5), at(3, 10), at(4, 19)]
    assert visits_same_place(four) is None
    five = [*four, at(5, -19), at(6, 200)]
    assert visits_same_place(five) == Flag(FlagKind.visits_same_place, 5, 6)


def test_households_are_counted_around_one_visits_point_not_in_a_chain():
    chain = [at(n, 15 * n) for n in range(1, 8)]  # each 15 m from the next
    assert visits_same_place(chain) is None


def test_visits_again_to_one_household_count_it_once():
    assert visits_same_place([at(1, 0)] * 4 + [at(2, 1)]) is None


def test_calls_and_visits_without_a_location_are_left_out():
    calls = [at(n, 0, channel=Channel.phone_call) for n in range(1, 7)]
    unlocated = [visit(n) for n in range(1, 7)]
    assert visits_same_place(calls + unlocated) is None


def test_the_most_households_by_one_spot_are_found_among_many_scattered_visits():
    """Each visit is measured only against those in its band of latitude: the count is the
    one measuring every pair of visits gives."""
    scatter = random.Random(20261120)
    visits = [
        VisitFact(
            scatter.randrange(60),
            MORNING,
            Channel.home_visit,
            True,
            LATITUDE + scatter.uniform(0, 80) * METRE,
            LONGITUDE + scatter.uniform(0, 80) * METRE,
        )
        for _ in range(150)
    ]
    every_pair = max(
        len({v.household_id for v in visits if metres_apart(centre, v) <= 20}) for centre in visits
    )
    assert every_pair >= MIN_SAME_PLACE_HOUSEHOLDS
    assert visits_same_place(visits) == Flag(FlagKind.visits_same_place, every_pair, 150)


def test_the_busiest_spot_is_the_visits_the_one_spot_flag_counts():
    """Of two clusters the bigger is named, each of its visits (a household visited twice
    twice), and only home visits with a location."""
    bigger = [at(1, 0), at(2, 5), at(2, 6), at(3, 10), at(4, 19), at(5, -1)]
    smaller = [at(n, 500 + n) for n in range(6, 10)]
    others = [at(1, 0, channel=Channel.phone_call), visit(2)]
    assert busiest_spot([*smaller, *others, *bigger]) == sorted(
        bigger, key=lambda visit: visit.latitude
    )
    assert busiest_spot(others) == []


def test_the_distance_is_in_metres():
    assert metres_apart(at(1, 0), at(2, 20)) == pytest.approx(20, abs=0.1)
    east = VisitFact(2, MORNING, Channel.home_visit, True, LATITUDE, LONGITUDE + 0.001)
    assert metres_apart(at(1, 0), east) == pytest.approx(101.3, abs=0.5)


# --- the three ones without a saved calculation ------------------------------------------------

TICKED = PersonSteps(contacted=True, leaflet=True, calculation_saved=False)
SAVED = PersonSteps(contacted=True, leaflet=True, calculation_saved=True)


def test_three_people_ticked_without_a_saved_calculation_are_flagged_and_two_are_not():
    assert MIN_WITHOUT_CALCULATION == 3
    assert three_ones_without_calculation([TICKED, TICKED, SAVED]) is None
    found = three_ones_without_calculation([TICKED, TICKED, TICKED, SAVED])
    assert found == Flag(FlagKind.three_ones_without_calculation, 3, 4)


def test_people_still_missing_a_contact_or_a_leaflet_are_not_counted():
    no_leaflet = PersonSteps(contacted=True, leaflet=False, calculation_saved=False)
    not_met = PersonSteps(contacted=False, leaflet=True, calculation_saved=False)
    assert three_ones_without_calculation([TICKED, TICKED, no_leaflet, not_met]) is None


# --- all flags together ------------------------------------------------------------------------


def test_flags_come_in_a_fixed_order_and_only_when_raised():
    visits = a_round([1, 1, 1, 1, 1] + [10] * 14)
    raised = flags(visits, [TICKED] * 3)
    kinds = [FlagKind.contact_rate_near_full, FlagKind.visits_minutes_apart]
    assert [flag.kind for flag in raised] == [*kinds, FlagKind.three_ones_without_calculation]
    assert flags([], []) == []


def test_the_evidence_reads_as_a_sentence():
    _ = gettext_for("en")
    flag = Flag(FlagKind.contact_rate_near_full, 48, 48)
    assert _(evidence(flag)) == "48 of 48 visits reached someone (100%)"
    assert "5 minutes" in _(evidence(Flag(FlagKind.visits_minutes_apart, 6, 30)))
    assert "20 m" in _(evidence(Flag(FlagKind.visits_same_place, 5, 12)))


# --- the period a page asks for ----------------------------------------------------------------

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03", Period.month(2026, 3)),
        ("2025", Period.year(2025)),
        ("2026", Period.year(2026)),
        ("2022-01", Period.month(2022, 1)),
        ("", Period.month(2026, 11)),
        ("2026-13", Period.month(2026, 11)),
        ("三月", Period.month(2026, 11)),
        ("２０２５", Period.month(2026, 11)),
        ("2021-12", Period.month(2026, 11)),
        ("2021", Period.month(2026, 11)),
        ("2026-12", Period.month(2026, 11)),
        ("2027", Period.month(2026, 11)),
    ],
)
def test_a_period_asked_is_a_month_or_year_from_2022_up_to_now(text, expected):
    assert period_asked(text, TODAY) == expected


def test_the_period_before_and_after_stay_within_the_work_counted_so_far():
    assert earlier(Period.month(2026, 1)) == Period.month(2025, 12)
    assert earlier(Period.month(2022, 1)) is None
    assert earlier(Period.year(2023)) == Period.year(2022)
    assert later(Period.month(2026, 10), TODAY) == Period.month(2026, 11)
    assert later(Period.month(2026, 11), TODAY) is None
    assert later(Period.year(2025), TODAY) == Period.year(2026)
