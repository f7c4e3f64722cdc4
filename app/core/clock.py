"""Business time. "Today" and "due" are reckoned in the business zone whatever the server's zone."""

from datetime import UTC, date, datetime, time, timedelta

from app.core.config import get_settings


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().astimezone(get_settings().zone).date()


def local(moment: datetime) -> datetime:
    """A stored moment in business time (SQLite hands back naive UTC values)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(get_settings().zone)


def start_of(day: date) -> datetime:
    """The first moment of a business day."""
    return datetime.combine(day, time(), tzinfo=get_settings().zone)


def days(first: date, last: date) -> tuple[datetime, datetime]:
    """The days first…last as moments: [start of first, start of the day after last)."""
    return start_of(first), start_of(last + timedelta(days=1))
