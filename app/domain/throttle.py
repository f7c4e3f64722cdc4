"""Sign-in throttling: how long a caller must wait after failed attempts.

Failures are counted against an allowance: a phone's own (it carries a device cookie from an
earlier sign-in to the account), or, for attempts without one, the account's and the address's,
which every such caller shares. Past an allowance's free failures each further failure doubles
the wait, up to the longest: guessing slows to a crawl, yet nobody is shut out for good, and the
owner's own phone keeps its allowance whatever others try.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# Beyond this many doublings every wait is the longest anyway (and 2**n stays small).
MOST_DOUBLINGS = 20


@dataclass(frozen=True)
class Allowance:
    free_failures: int
    first_wait: timedelta
    longest_wait: timedelta
    memory: timedelta  # failures older than this are forgotten

    def recent(self, failures: Iterable[datetime], now: datetime) -> list[datetime]:
        return sorted(at for at in failures if now - at < self.memory)

    def used_up(self, failures: Iterable[datetime], now: datetime) -> bool:
        """Whether the next failure will be made to wait: what a lead may clear."""
        return len(self.recent(failures, now)) >= self.free_failures


def wait_before_next_try(
    failures: Iterable[datetime], allowance: Allowance, now: datetime
) -> timedelta | None:
    """None if another try is allowed now; otherwise the time left until it is. The wait runs
    from the newest failure and doubles with each failure beyond the free ones."""
    recent = allowance.recent(failures, now)
    beyond = len(recent) - allowance.free_failures
    if beyond < 0:
        return None
    wait = min(allowance.first_wait * 2 ** min(beyond, MOST_DOUBLINGS), allowance.longest_wait)
    left = recent[-1] + wait - now
    return left if left > timedelta(0) else None


def failures_since_success(attempts: Iterable[tuple[datetime, bool]]) -> list[datetime]:
    """The failed attempts after the last that succeeded: signing in on one's own phone
    restores its allowance."""
    ordered = sorted(attempts)
    last_success = max((n for n, (_, succeeded) in enumerate(ordered) if succeeded), default=-1)
    return [at for at, _ in ordered[last_success + 1 :]]


def deployment_doubts(seen: Sequence[tuple[str, str]]) -> list[str]:
    """What the addresses and schemes of the first requests a server answered say is wrong
    with how it is reached (for its log): one address for all means the proxy's address is
    taken for every caller's (FORWARDED_ALLOW_IPS unset), and with no https the cookies go
    without Secure and no HSTS is sent."""
    doubts = []
    addresses = {address for address, _ in seen}
    if len(seen) > 1 and len(addresses) == 1:
        doubts.append(
            f"All of the first {len(seen)} requests came from {addresses.pop() or 'nowhere'}:"
            " if it is a reverse proxy, set FORWARDED_ALLOW_IPS to its address, or sign-in"
            " throttling counts every caller as one."
        )
    if seen and all(scheme != "https" for _, scheme in seen):
        doubts.append(
            f"None of the first {len(seen)} requests arrived over https: cookies go without"
            " Secure and no HSTS is sent. Serve through a proxy that ends TLS and set"
            " FORWARDED_ALLOW_IPS so it can say so (X-Forwarded-Proto)."
        )
    return doubts
