"""Imports of the lists departments hand over, their reports, and the look-alike review queue."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, String
from sqlmodel import Field, SQLModel


class ImportJob(SQLModel, table=True):
    """One uploaded file: a dry run or a commit, with its kept report. Progress lives here, not
    in a worker's memory, so any worker can answer how far it got."""

    __tablename__ = "import_job"

    id: int | None = Field(default=None, primary_key=True)
    filename: str = Field(max_length=200)
    created_by_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime
    finished_at: datetime | None = None
    dry_run: bool = True
    status: str = Field(default="running", sa_type=String(10))  # running, done, failed
    rows: int = 0
    processed: int = 0
    valid: int = 0
    created: int = 0
    updated: int = 0
    to_review: int = 0
    # [{"row", "column", "message": msgid, "values": {...}}], translated when shown
    errors: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    unknown_columns: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    failure: str = Field(default="", max_length=500)
    # The uploaded file, encrypted (it holds ID numbers), kept from a dry run until it is
    # committed or discarded.
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


class ImportReview(SQLModel, table=True):
    """A row that looks like a registered person (same name, birth date and village) but
    carries another ID number: an admin merges it into that person or keeps them apart."""

    __tablename__ = "import_review"

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="import_job.id", index=True)
    row: int
    candidate_person_id: int = Field(foreign_key="person.id")
    village_id: int = Field(foreign_key="region.id")
    # The row's person fields as typed, the ID number encrypted (app.core.crypto).
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", sa_type=String(12), index=True)
    decided_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    decided_at: datetime | None = None
