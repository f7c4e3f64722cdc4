"""The one way to write to the audit trail."""

from typing import Any

from sqlmodel import Session

from app.core import clock
from app.models import AuditEvent, User


def record(
    session: Session,
    action: str,
    *,
    user: User | None = None,
    username: str = "",
    target: str = "",
    address: str = "",
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the session; it is committed with the change it describes."""
    event = AuditEvent(
        at=clock.now(),
        user_id=user.id if user else None,
        username=user.username if user else username,
        action=action,
        target=target,
        detail=detail,
        address=address,
    )
    session.add(event)
    return event
