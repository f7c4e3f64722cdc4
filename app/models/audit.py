"""The append-only audit trail. Rows are only ever inserted (see app.services.audit.record)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    username: str = Field(default="", max_length=40)
    action: str = Field(max_length=40, index=True)
    target: str = Field(default="", max_length=120)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    address: str = Field(default="", max_length=45)
