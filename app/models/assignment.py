"""Who works which household: the assignment history and villages opened as claim pools."""

from datetime import datetime

from sqlalchemy import String
from sqlmodel import Field, SQLModel


class Assignment(SQLModel, table=True):
    """One change of a household's assignee (kept for good: the history of who had it)."""

    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    from_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    to_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    at: datetime = Field(index=True)
    # assign, reassign, unassign, move (all of one member's), claim, release (idle claim)
    kind: str = Field(sa_type=String(10))


class ClaimPool(SQLModel, table=True):
    """A village whose unassigned households a team's members may claim for themselves."""

    __tablename__ = "claim_pool"

    team_id: int = Field(foreign_key="team.id", primary_key=True)
    village_id: int = Field(foreign_key="region.id", primary_key=True)
    opened_at: datetime
    opened_by_id: int = Field(foreign_key="user_account.id")
