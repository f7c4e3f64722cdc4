"""Business time. "Today" and "due" are reckoned in the business zone whatever the server's zone."""

from datetime import UTC, date, datetime

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
