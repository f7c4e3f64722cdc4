"""Regions (the administrative tree) and the targets set for them."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, Index, Numeric, String, text
from sqlmodel import Field, SQLModel

from app.domain.codes import Metric, RegionLevel


class Region(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60)
    level: RegionLevel = Field(sa_type=String(10))
    code: str | None = Field(default=None, max_length=12, unique=True)
    parent_id: int | None = Field(default=None, foreign_key="region.id", index=True)
    is_demonstration: bool = False
    sort_order: int = 0


class Target(SQLModel, table=True):
    """One figure for one unit, metric and year. Corrections are audited; retiring keeps the row."""

    __table_args__ = (
        Index(
            "uq_target_active",
            "region_id",
            "metric",
            "year",
            unique=True,
            sqlite_where=text("retired_at IS NULL"),
            postgresql_where=text("retired_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    metric: Metric = Field(sa_type=String(40))
    year: int = Field(index=True)
    value: Decimal = Field(sa_column=Column(Numeric(14, 4), nullable=False))
    source: str = Field(default="", max_length=200)
    updated_at: datetime | None = None
    retired_at: datetime | None = None
