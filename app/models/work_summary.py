"""Summaries of the teams' work, kept up to date by app.services.work_metrics.refresh so a
city's figures add up its villages' sums instead of counting millions of people and visits
per request. Written and read only through that module's SQL (no ORM objects); the counter
columns are the keys of app.domain.metrics (NOW_KEYS, MONTH_KEYS, SPAN_KEYS). Nothing here is
a source of truth: ``python -m app.cli refresh-metrics --rebuild`` counts them all again from
the registry and the visits."""

from sqlalchemy import JSON, Column, Date, ForeignKey, Index, Integer, Table
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

from app.domain.metrics import MONTH_KEYS, NOW_KEYS, SPAN_KEYS
from app.models.household import Household, Person
from app.models.visit import EnrolmentChange


def _counters(keys: tuple[str, ...]) -> list[Column]:
    return [Column(key, Integer, nullable=False, default=0) for key in keys]


def _village() -> Column:
    return Column("village_id", Integer, ForeignKey("region.id"), primary_key=True)


# Each household's figures as last counted (app.domain.metrics.Tallies, as JSON), kept so a
# recount can take the old figures back out of its village's sums; the versions of the
# household and of its people (summed) they were counted at, so an edit already counted is
# not counted again; and the dates that make a household overdue or stale as days pass.
work_household = Table(
    "work_household",
    SQLModel.metadata,
    Column("household_id", Integer, ForeignKey("household.id"), primary_key=True),
    Column("village_id", Integer, ForeignKey("region.id"), nullable=False, index=True),
    Column("household_version", Integer, nullable=False),
    Column("people_version", Integer, nullable=False),
    Column("follow_up_on", Date, index=True),
    Column("verified_on", Date, index=True),
    Column("tallies", JSON, nullable=False),
)

# Per village: the sums of its households' state as of work_refresh.day ...
work_village = Table("work_village", SQLModel.metadata, _village(), *_counters(NOW_KEYS))

# ... what happened each month ...
work_village_month = Table(
    "work_village_month",
    SQLModel.metadata,
    _village(),
    Column("month", Date, primary_key=True),
    *_counters(MONTH_KEYS),
)

# ... and the monthly changes in who the three ones apply to and who has all three.
work_village_span = Table(
    "work_village_span",
    SQLModel.metadata,
    _village(),
    Column("month", Date, primary_key=True),
    *_counters(SPAN_KEYS),
)

# One row (id 1): the day the sums are as of (NULL: never counted), and how far the refresh
# has read each source — the last row id of the event tables, and the moment from which
# edited households and people are read again. Refreshes lock this row to run one at a time.
WATERMARKS = (
    "visit",
    "visit_step",
    "outcome",
    "follow_up",
    "assignment",
    "enrolment_change",
    "person",
    "household",
)
work_refresh = Table(
    "work_refresh",
    SQLModel.metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date),
    Column("changed_since", UTCDateTime()),
    Column("refreshed_at", UTCDateTime()),
    *_counters(WATERMARKS),
)

# The people linked to cadre accounts as last counted, compared at each refresh: linking an
# account leaves no new row or timestamp behind.
work_cadre_account = Table(
    "work_cadre_account",
    SQLModel.metadata,
    Column("person_id", Integer, ForeignKey("person.id"), primary_key=True),
)

# The refresh finds households and people edited, and enrolment changes decided, since its
# watermark through these (marking a household verified sets only verified_at; a decision
# updates the change's row).
Index("ix_person_updated_at", Person.__table__.c.updated_at)
Index("ix_household_updated_at", Household.__table__.c.updated_at)
Index("ix_household_verified_at", Household.__table__.c.verified_at)
Index("ix_enrolment_change_decided_at", EnrolmentChange.__table__.c.decided_at)
