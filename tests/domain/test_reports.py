"""How a progress report ranks units: by rates, never raw counts; ties share a place; the most
improved stands beside the top; demonstration townships are ranked apart."""

from datetime import date
from decimal import Decimal

from app.domain.codes import Metric
from app.domain.metrics import Period
from app.domain.reports import (
    FollowUpFact,
    Mark,
    Quality,
    UnitFigures,
    WorkCounts,
    follow_ups_on_time,
    per_hundred,
    rank_units,
)

D = Decimal


def unit(name: str, three_ones=None, on_time=None, per_100=None, **extra) -> UnitFigures:
    quality = {
        Quality.three_ones: three_ones and D(three_ones),
        Quality.follow_ups_on_time: on_time and D(on_time),
        Quality.changes_per_hundred: per_100 and D(per_100),
    }
    return UnitFigures(key=name, name=name, quality=quality, **extra)


def places(rows) -> dict[str, int | None]:
    return {row.unit.name: row.rank for row in rows}


def test_units_are_ranked_by_the_mean_of_their_places_over_the_measures():
    rows = rank_units(
        [
            unit("A", "0.50", "0.90", "2.0"),  # places 3, 1, 2 → 2
            unit("B", "0.80", "0.80", "3.0"),  # places 1, 2, 1 → 1.33
            unit("C", "0.60", "0.10", "1.0"),  # places 2, 3, 3 → 2.67
        ],
        {},
    )
    assert [row.unit.name for row in rows] == ["B", "A", "C"]
    assert places(rows) == {"B": 1, "A": 2, "C": 3}


def test_target_completion_ranks_alongside_quality():
    big = UnitFigures("big", "big", completion={Metric.employee_in_work: D("0.70")})
    small = UnitFigures("small", "small", completion={Metric.employee_in_work: D("1.05")})
    rows = rank_units([big, small], {})
    assert places(rows) == {"small": 1, "big": 2}


def test_equal_figures_share_a_place_and_the_next_place_counts_those_before():
    rows = rank_units([unit("A", "0.5"), unit("B", "0.9"), unit("C", "0.5"), unit("D", "0.1")], {})
    assert places(rows) == {"B": 1, "A": 2, "C": 2, "D": 4}
    assert [row.unit.name for row in rows] == ["B", "A", "C", "D"]  # a tie in name order


def test_a_unit_without_any_figure_is_listed_last_unranked_and_a_missing_measure_is_not_zero():
    rows = rank_units([unit("none"), unit("A", "0.4", None), unit("B", "0.6", "0.1")], {})
    assert places(rows) == {"B": 1, "A": 2, "none": None}
    assert rows[-1].unit.name == "none"
    assert rows[-1].marks == frozenset()


def test_top_and_bottom_are_marked_unless_every_unit_shares_one_place():
    rows = rank_units([unit("A", "0.9"), unit("B", "0.5"), unit("C", "0.5")], {})
    marks = {row.unit.name: row.marks for row in rows}
    assert marks == {"A": {Mark.top}, "B": {Mark.bottom}, "C": {Mark.bottom}}
    tied = rank_units([unit("A", "0.5"), unit("B", "0.5")], {})
    assert all(row.marks == frozenset() for row in tied)


def test_the_most_improved_are_those_that_gained_most_places_since_the_last_report():
    last = {"A": 1, "B": 4, "C": 2, "D": 3}
    rows = rank_units(
        [unit("A", "0.4"), unit("B", "0.9"), unit("C", "0.8"), unit("D", "0.1")], {**last}
    )
    by_name = {row.unit.name: row for row in rows}
    assert {name: row.improved_since_last for name, row in by_name.items()} == {
        "B": 3, "C": 0, "A": -2, "D": -1,
    }  # fmt: skip
    assert Mark.most_improved in by_name["B"].marks and Mark.top in by_name["B"].marks
    assert not any(Mark.most_improved in by_name[n].marks for n in "ACD")


def test_no_one_is_most_improved_on_a_first_report_or_when_no_one_climbed():
    first = rank_units([unit("A", "0.4"), unit("B", "0.9")], {})
    assert all(row.improved_since_last is None for row in first)
    assert not any(Mark.most_improved in row.marks for row in first)
    same = rank_units([unit("A", "0.4"), unit("B", "0.9")], {"B": 1, "A": 2})
    assert not any(Mark.most_improved in row.marks for row in same)


def test_demonstration_townships_are_ranked_apart_after_the_others():
    rows = rank_units(
        [unit("A", "0.4"), unit("demo", "0.99", demonstration=True), unit("B", "0.5")], {}
    )
    assert [(row.unit.name, row.rank) for row in rows] == [("B", 1), ("A", 2), ("demo", 1)]


def test_raw_counts_alone_never_rank_a_unit():
    many = WorkCounts(1000, 500, 0, 0, 400, 8, 600)
    few = WorkCounts(10, 9, 0, 0, 5, 1, 10)
    rows = rank_units(
        [
            UnitFigures("many", "many", quality=many.quality()),
            UnitFigures("few", "few", quality=few.quality()),
        ],
        {},
    )
    assert places(rows) == {"few": 1, "many": 2}  # 90 % and 20 per 100 beat 50 % and 2 per 100


NOVEMBER = Period.month(2026, 11)


def test_follow_ups_due_in_the_period_are_on_time_when_done_by_their_day():
    facts = [
        FollowUpFact(date(2026, 11, 10), date(2026, 11, 9)),  # early: on time
        FollowUpFact(date(2026, 11, 10), date(2026, 11, 10)),  # on the day
        FollowUpFact(date(2026, 11, 12), date(2026, 11, 20)),  # late
        FollowUpFact(date(2026, 11, 15), None),  # passed, not done
        FollowUpFact(date(2026, 11, 29), None),  # today: not late yet
        FollowUpFact(date(2026, 11, 30), date(2026, 11, 28)),  # not yet due, already done
        FollowUpFact(date(2026, 10, 31), None),  # another period
    ]
    assert follow_ups_on_time(facts, NOVEMBER, today=date(2026, 11, 29)) == (5, 3)


def test_changes_per_hundred_households_worked():
    assert per_hundred(3, 40) == D("7.5")
    assert per_hundred(1, 3) == D("33.3")
    assert per_hundred(0, 0) is None
