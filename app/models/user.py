"""Accounts and teams."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel


class Role(StrEnum):
    """admin: city staff; lead: team lead (队长); member: vanguard member (协办员 or volunteer);
    cadre: village cadre (村干部)."""

    admin = "admin"
    lead = "lead"
    member = "member"
    cadre = "cadre"


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40, unique=True)
    display_name: str = Field(max_length=60)
    password_hash: str = Field(max_length=200)
    role: Role = Field(sa_type=String(10))
    region_id: int = Field(foreign_key="region.id", index=True)
    locale: str = Field(default="zh_CN", max_length=10)
    is_active: bool = True
    created_at: datetime


class Team(SQLModel, table=True):
    """A vanguard team (先锋队) working one region."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60)
    region_id: int = Field(foreign_key="region.id", index=True)


class TeamMembership(SQLModel, table=True):
    """Links leads (one or more teams) and members (exactly one team) to their teams."""

    __tablename__ = "team_membership"

    team_id: int = Field(foreign_key="team.id", primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", primary_key=True, index=True)
