"""Official statistics: the figures the social insurance system reports per unit and month (the
conventions are in app.domain.statistics). Rows are only ever inserted: a newer import of the
same unit, month and kind is the figure in force, the older ones stay for the record."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Index, Numeric, String
from sqlmodel import Field, SQLModel

from app.domain.statistics import SOURCE_LENGTH, FigureKind


class OfficialFigure(SQLModel, table=True):
    __tablename__ = "official_figure"
    __table_args__ = (Index("ix_official_figure_lookup", "region_id", "month", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id")  # the city, a county or 市本级
    month: date  # the first of the month
    kind: FigureKind = Field(sa_type=String(30))
    # People as whole numbers, yuan with cents.
    value: Decimal = Field(sa_column=Column(Numeric(14, 2), nullable=False))
    source: str = Field(max_length=SOURCE_LENGTH)  # the report or system, as the file names it
    reported_on: date  # the date on the source
    batch: str = Field(max_length=32, index=True)  # one per imported file
    imported_by_id: int = Field(foreign_key="user_account.id")
    imported_at: datetime
