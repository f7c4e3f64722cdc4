"""Progress reports (通报) and the review of data-quality flags.

A report ranks the units directly below its region for a period. A draft is recomputed on
request; once published its rows never change, and its image and PDF are drawn once from
those rows and kept."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, String, UniqueConstraint
from sqlmodel import Field, SQLModel


class Report(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    period_start: date
    period_end: date
    status: str = Field(default="draft", sa_type=String(10), index=True)  # ReportStatus
    # The ranked rows as api.md shows them, plus the counts behind each figure.
    rows: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # The published report the improvement is measured against, if there was one.
    previous_id: int | None = Field(default=None, foreign_key="report.id")
    created_by_id: int = Field(foreign_key="user_account.id")
    created_at: datetime
    computed_at: datetime
    published_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    published_at: datetime | None = None


class ReportDocument(SQLModel, table=True):
    """A published report drawn as a PNG image or a PDF page in one language, kept once drawn."""

    __tablename__ = "report_document"

    report_id: int = Field(foreign_key="report.id", primary_key=True)
    format: str = Field(primary_key=True, max_length=4)  # png, pdf
    locale: str = Field(primary_key=True, max_length=10)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime


class QualityReview(SQLModel, table=True):
    """A lead's review of one data-quality flag: a member, a kind of flag and a period. Flags
    themselves are worked out from the visits whenever they are shown; nothing is penalised."""

    __tablename__ = "quality_review"
    __table_args__ = (UniqueConstraint("member_id", "kind", "period_start", "period_end"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="user_account.id", index=True)
    kind: str = Field(sa_type=String(30))  # FlagKind
    period_start: date
    period_end: date
    # What the flag showed when it was reviewed: {"count": …, "of": …}.
    evidence: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str = Field(max_length=500)
    reviewed_by_id: int = Field(foreign_key="user_account.id")
    reviewed_at: datetime
