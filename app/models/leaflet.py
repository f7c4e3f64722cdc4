"""Leaflets (宣传单): one per situation, edited as a working copy and published as numbered
versions that are never changed again, and personal share links for a saved calculation."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class LeafletState(StrEnum):
    draft = "draft"  # never published
    published = "published"
    retired = "retired"  # withdrawn from the library; delivered links still open


class Leaflet(SQLModel, table=True):
    """The working copy an admin edits. ``version`` is the latest published version (0 before
    the first); publishing copies the working copy into a new LeafletVersion."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=120)
    # Key groups (重点群体, labels.KEY_GROUPS) the leaflet is written for; empty means everyone.
    key_groups: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    age_from: int | None = None
    age_to: int | None = None
    body: str = Field(sa_column=Column(Text, nullable=False))  # Markdown with {{figure}} slots
    state: str = Field(default=LeafletState.draft, max_length=20)
    version: int = 0
    updated_at: datetime
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")


class LeafletVersion(SQLModel, table=True):
    """A published version, kept as it was: a leaflet handed over shows the version given."""

    __tablename__ = "leaflet_version"
    __table_args__ = (UniqueConstraint("leaflet_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    leaflet_id: int = Field(foreign_key="leaflet.id", index=True)
    version: int
    title: str = Field(max_length=120)
    key_groups: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    age_from: int | None = None
    age_to: int | None = None
    body: str = Field(sa_column=Column(Text, nullable=False))
    published_at: datetime
    published_by_id: int | None = Field(default=None, foreign_key="user_account.id")


class ShareLink(SQLModel, table=True):
    """A personal link to a saved calculation's summary sheet. Only the token's digest is
    kept (like session tokens): a leaked table opens no sheet."""

    __tablename__ = "share_link"

    id: int | None = Field(default=None, primary_key=True)
    token_digest: str = Field(max_length=64, unique=True)
    calculation_id: int = Field(foreign_key="calculation.id", index=True)
    created_by_id: int = Field(foreign_key="user_account.id")
    created_at: datetime
    expires_at: datetime


class LeafletImage(SQLModel, table=True):
    """A picture for leaflets, uploaded by an admin and served from the app itself (the CSP
    allows no other origin): ``![说明](/leaflet-images/<id>)`` in a leaflet's Markdown."""

    __tablename__ = "leaflet_image"

    id: int | None = Field(default=None, primary_key=True)
    leaflet_id: int = Field(foreign_key="leaflet.id", index=True)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=20)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by_id: int = Field(foreign_key="user_account.id")
    uploaded_at: datetime
