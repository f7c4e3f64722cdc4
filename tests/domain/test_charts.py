"""The dashboard's chart geometry: bars that show progress against a target honestly, and a
monthly column chart with round ticks, all computed without a browser."""

from decimal import Decimal

import pytest

from app.domain import charts
from app.domain.charts import column_chart, nice_step, progress_bar, ticks


def test_a_bar_is_filled_as_far_as_the_progress_with_the_target_at_its_end():
    bar = progress_bar(Decimal("0.9523"))
    assert bar.percent == Decimal("95.23")
    assert bar.fill == pytest.approx(0.9523 * charts.BAR_WIDTH, abs=0.1)
    assert bar.target_x == charts.BAR_WIDTH
    assert not bar.reached


def test_overshooting_the_target_moves_the_target_mark_in_instead_of_overflowing():
    bar = progress_bar(Decimal("1.2"))
    assert bar.reached
    assert bar.fill == charts.BAR_WIDTH
    assert bar.target_x == pytest.approx(charts.BAR_WIDTH / 1.2, abs=0.1)
    assert bar.percent == Decimal("120.00")


def test_far_past_the_target_the_scale_stops_and_the_number_tells():
    bar = progress_bar(Decimal(3))
    assert bar.fill == charts.BAR_WIDTH
    assert bar.target_x == pytest.approx(charts.BAR_WIDTH / 1.5, abs=0.1)
    assert bar.percent == Decimal("300.00")


def test_the_percentage_sits_inside_a_long_fill_and_after_a_short_one():
    long, short = progress_bar(Decimal("0.8")), progress_bar(Decimal("0.05"))
    assert long.label_inside and long.label_x < long.fill
    assert not short.label_inside and short.label_x > short.fill


def test_an_unknown_progress_is_an_empty_bar_without_a_number_never_zero_percent():
    bar = progress_bar(None)
    assert bar.percent is None
    assert bar.fill == 0
    assert not bar.reached


def test_no_progress_at_all_is_zero_percent():
    assert progress_bar(Decimal(0)).percent == Decimal("0.00")


@pytest.mark.parametrize(
    ("highest", "step"),
    [(Decimal(7), 2), (Decimal(120), 50), (Decimal(363200), 100000), (Decimal("0.96"), "0.5")],
)
def test_ticks_step_by_one_two_or_five_times_a_power_of_ten(highest, step):
    assert nice_step(highest) == Decimal(step)


def test_ticks_start_at_zero_and_reach_the_highest_value():
    assert ticks(Decimal(120)) == [0, 50, 100, 150]
    assert ticks(Decimal(100)) == [0, 50, 100]
    assert ticks(Decimal(0)) == [0, 1], "an empty year still has a scale"


def test_counts_of_people_are_never_split_below_one():
    assert ticks(Decimal(1), whole=True) == [0, 1]
    assert ticks(Decimal(3), whole=True) == [0, 1, 2, 3]
    chart = column_chart([("1", 1), ("2", 0)])
    assert [tick.value for tick in chart.ticks] == [0, 1]


TWELVE = [(str(month), month * 10 if month <= 6 else None) for month in range(1, 13)]


def test_each_month_gets_a_slot_and_months_without_a_value_no_column():
    chart = column_chart(TWELVE)
    assert [column.label for column in chart.columns] == [str(m) for m in range(1, 13)]
    assert [column.height > 0 for column in chart.columns] == [True] * 6 + [False] * 6
    centres = [column.centre for column in chart.columns]
    assert centres == sorted(centres)
    assert (
        chart.left < chart.columns[0].x
        and chart.columns[-1].x + chart.columns[-1].width < chart.right
    )


def test_columns_stand_on_the_baseline_in_proportion_to_their_values():
    chart = column_chart(TWELVE)
    june, january = chart.columns[5], chart.columns[0]
    assert june.y + june.height == pytest.approx(chart.baseline)
    assert june.height == pytest.approx(6 * january.height, abs=0.2)
    top = chart.ticks[-1]
    assert top.value == 60 and top.y == chart.top


def test_the_target_line_is_within_the_scale_even_above_every_column():
    chart = column_chart(TWELVE, reference=100)
    assert chart.ticks[-1].value >= 100
    assert chart.reference.value == 100
    assert chart.top <= chart.reference.y < chart.columns[5].y


def test_room_is_left_for_the_widest_tick_label():
    small, large = column_chart([("1", 5)]), column_chart([("1", 363200)])
    assert large.left > small.left
