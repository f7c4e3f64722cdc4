"""Login throttling: how long a caller must wait after too many recent failures."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    window: timedelta
    max_failures: int


def wait_before_next_try(
    failures: Iterable[datetime], policy: ThrottlePolicy, now: datetime
) -> timedelta | None:
    """None if another try is allowed now; otherwise the time until the oldest of the
    failures that fill the window drops out of it."""
    recent = sorted(at for at in failures if now - at < policy.window)
    if len(recent) < policy.max_failures:
        return None
    return recent[-policy.max_failures] + policy.window - now
