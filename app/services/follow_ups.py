"""The follow-up intervals admins may change: days until the next follow-up for each outcome
code and not-reached reason (defaults in app.domain.visits.DEFAULT_FOLLOW_UP_DAYS). The visit
form suggests the follow-up date from them (app.services.visits.follow_up_days)."""

from collections.abc import Mapping

from sqlmodel import Session

from app.core import clock
from app.core.i18n import N_
from app.domain.validation import Invalid, whole_number
from app.domain.visits import DEFAULT_FOLLOW_UP_DAYS
from app.models import FollowUpInterval, User
from app.services import audit
from app.services.visits import follow_up_days

LONGEST = 365


def typed_intervals(session: Session) -> dict[str, str]:
    """The days in force as the form shows them: empty for no follow-up."""
    return {key: str(days or "") for key, days in follow_up_days(session).items()}


def check_intervals(typed: Mapping[str, str]) -> dict[str, int]:
    """Whole days from 0 to 365 for each key typed (empty or 0: no follow-up), or Invalid
    naming the keys that are wrong. Keys not sent are left alone."""
    days: dict[str, int] = {}
    errors: dict[str, str] = {}
    for key in DEFAULT_FOLLOW_UP_DAYS.keys() & typed.keys():
        text = typed[key].strip()
        number = whole_number(text) if text else 0
        if number is None or number > LONGEST:
            errors[key] = N_("Enter whole days from 0 to 365.")
        else:
            days[key] = number
    if errors:
        raise Invalid(errors)
    return days


def save_intervals(session: Session, typed: Mapping[str, str], *, by: User) -> dict[str, int]:
    """Store the intervals that differ from those in force; answers what changed."""
    wanted = check_intervals(typed)
    current = follow_up_days(session)
    changed = {key: days for key, days in wanted.items() if days != (current[key] or 0)}
    for key, days in changed.items():
        row = session.get(FollowUpInterval, key) or FollowUpInterval(key=key, days=days)
        row.days, row.changed_by_id, row.changed_at = days, by.id, clock.now()
        session.add(row)
    if changed:
        audit.record(session, "follow_up_intervals_changed", user=by, days=changed)
        session.commit()
    return changed
