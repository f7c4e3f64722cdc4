"""Accounts and teams."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from app.domain.codes import Role


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40, unique=True)
    display_name: str = Field(max_length=60)
    password_hash: str = Field(max_length=200)
    role: Role = Field(sa_type=String(10))
    region_id: int = Field(foreign_key="region.id", index=True)
    locale: str = Field(default="zh_CN", max_length=10)
    # The account's own person record (a cadre's account to the cadre).
    person_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer,
            # use_alter: accounts and people refer to each other (verified_by, person_id).
            ForeignKey("person.id", use_alter=True, name="fk_user_account_person_id_person"),
            unique=True,
        ),
    )
    is_active: bool = True
    created_at: datetime


class Team(SQLModel, table=True):
    """A vanguard team (先锋队) working one region."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60)
    region_id: int = Field(foreign_key="region.id", index=True)
    # A claimed household goes back to the pool after this many days without contact.
    claim_idle_days: int = 14


class TeamMembership(SQLModel, table=True):
    """Links leads (one or more teams) and members (exactly one team) to their teams."""

    __tablename__ = "team_membership"

    team_id: int = Field(foreign_key="team.id", primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", primary_key=True, index=True)
