"""Tables, one module per entity family. Importing this package registers them all."""

from app.models.audit import AuditEvent
from app.models.auth import AuthSession, LoginAttempt
from app.models.region import Metric, Region, RegionLevel, Target
from app.models.user import Role, Team, TeamMembership, User

__all__ = [
    "AuditEvent",
    "AuthSession",
    "LoginAttempt",
    "Metric",
    "Region",
    "RegionLevel",
    "Role",
    "Target",
    "Team",
    "TeamMembership",
    "User",
]
