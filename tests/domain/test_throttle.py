"""Login throttling as a pure rule."""

from datetime import UTC, datetime, timedelta

from app.domain.throttle import ThrottlePolicy, wait_before_next_try

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
POLICY = ThrottlePolicy(window=timedelta(minutes=15), max_failures=3)


def minutes_ago(*minutes: float) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in minutes]


def test_fewer_failures_than_the_limit_allow_another_try():
    assert wait_before_next_try(minutes_ago(1, 2), POLICY, NOW) is None


def test_reaching_the_limit_means_waiting_until_the_oldest_counted_failure_expires():
    assert wait_before_next_try(minutes_ago(1, 2, 10), POLICY, NOW) == timedelta(minutes=5)


def test_failures_outside_the_window_do_not_count():
    assert wait_before_next_try(minutes_ago(1, 2, 15, 20), POLICY, NOW) is None


def test_with_more_failures_than_the_limit_the_wait_follows_the_newest_ones():
    wait = wait_before_next_try(minutes_ago(1, 2, 3, 14), POLICY, NOW)
    assert wait == timedelta(minutes=12)
