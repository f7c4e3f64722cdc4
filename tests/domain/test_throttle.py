"""Sign-in throttling as a pure rule: free failures, then waits that double, never a lockout."""

from datetime import UTC, datetime, timedelta

from app.domain.throttle import (
    Allowance,
    deployment_doubts,
    failures_since_success,
    wait_before_next_try,
)

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
ALLOWANCE = Allowance(
    free_failures=3,
    first_wait=timedelta(seconds=30),
    longest_wait=timedelta(minutes=15),
    memory=timedelta(days=1),
)


def seconds_ago(*seconds: float) -> list[datetime]:
    return [NOW - timedelta(seconds=s) for s in seconds]


def test_fewer_failures_than_the_free_ones_allow_another_try():
    assert wait_before_next_try(seconds_ago(1, 2), ALLOWANCE, NOW) is None
    assert not ALLOWANCE.used_up(seconds_ago(1, 2), NOW)


def test_the_first_failure_beyond_the_free_ones_waits_the_first_wait_from_the_newest():
    assert wait_before_next_try(seconds_ago(10, 200, 300), ALLOWANCE, NOW) == timedelta(seconds=20)
    assert ALLOWANCE.used_up(seconds_ago(10, 200, 300), NOW)


def test_each_further_failure_doubles_the_wait():
    assert wait_before_next_try(seconds_ago(0, 1, 2, 3), ALLOWANCE, NOW) == timedelta(seconds=60)
    five = seconds_ago(0, 1, 2, 3, 4)
    assert wait_before_next_try(five, ALLOWANCE, NOW) == timedelta(seconds=120)


def test_the_wait_never_exceeds_the_longest_however_many_failures():
    many = seconds_ago(*range(1000))
    assert wait_before_next_try(many, ALLOWANCE, NOW) == timedelta(minutes=15)


def test_once_the_wait_has_passed_another_try_is_allowed():
    assert wait_before_next_try(seconds_ago(31, 40, 50), ALLOWANCE, NOW) is None


def test_failures_older_than_the_memory_are_forgotten():
    day_old = seconds_ago(86_400, 86_401, 86_402, 5)
    assert wait_before_next_try(day_old, ALLOWANCE, NOW) is None


def test_a_phone_that_signs_in_starts_its_count_afresh():
    tries = [(at, False) for at in seconds_ago(50, 40, 30)] + [(NOW - timedelta(seconds=20), True)]
    assert failures_since_success(tries) == []
    later = [*tries, (NOW - timedelta(seconds=10), False)]
    assert failures_since_success(later) == seconds_ago(10)


def test_a_server_whose_callers_all_share_one_address_doubts_its_proxy_setting():
    (doubt,) = deployment_doubts([("10.0.0.2", "https")] * 100)
    assert "10.0.0.2" in doubt and "FORWARDED_ALLOW_IPS" in doubt


def test_a_server_reached_only_over_plain_http_says_cookies_are_not_secure():
    seen = [("198.51.100.7", "http"), ("203.0.113.9", "http")]
    (doubt,) = deployment_doubts(seen)
    assert "https" in doubt and "Secure" in doubt


def test_callers_from_many_addresses_over_https_raise_no_doubt():
    assert deployment_doubts([("198.51.100.7", "https"), ("203.0.113.9", "https")]) == []
