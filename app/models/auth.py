"""Login sessions, API tokens and login attempts: kept in the database so every worker sees them."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel


class SessionKind(StrEnum):
    web = "web"
    api = "api"


class AuthSession(SQLModel, table=True):
    """A browser session or an API bearer token. Only a hash of the secret is stored."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    kind: SessionKind = Field(sa_type=String(5))
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


class LoginAttempt(SQLModel, table=True):
    """A throttling log (kept a day; the audit keeps every sign-in for good)."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40, index=True)
    address: str = Field(max_length=45, index=True)
    at: datetime = Field(index=True)
    succeeded: bool
    # The id in the phone's device cookie (an earlier sign-in to this account), if it sent one.
    device: str | None = Field(default=None, max_length=32, index=True)
