"""The benefit calculator (算一笔账): figures admins add to its parameter table, and the
calculations saved against a person."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class ParameterEntry(SQLModel, table=True):
    """A dated figure an admin added to one parameter series. The figures shipped in
    app/domain/pension/parameters.json stay the default; an entry joins its series from its
    effective date (on the same date and region it takes over from the shipped figure).
    Entries are only ever added: a mistake is corrected by a newer entry."""

    __tablename__ = "parameter_entry"

    id: int | None = Field(default=None, primary_key=True)
    series: str = Field(max_length=60, index=True)
    effective: date
    # The value as JSON text (a bare string for text-valued series), so numbers stay exact.
    value: str = Field(max_length=2000)
    region: str = Field(max_length=20)  # yuxi, yunnan or national
    confidence: str = Field(max_length=1)  # H, M, L or ?
    provisional: bool = False
    source: str = Field(max_length=300)
    note: str = Field(default="", max_length=500)
    created_by_id: int = Field(foreign_key="user_account.id")
    created_at: datetime


class Calculation(SQLModel, table=True):
    """A side-by-side calculation saved against a person: the request and the answer in the
    shapes of the API's `POST /api/v1/pension/compare`, and the parameter version it used.
    The visit flow attaches it as the calculation of the three ones (三个一)."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    created_by_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime
    calc_year: int
    parameters_version: str = Field(max_length=60)
    inputs: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    outputs: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
