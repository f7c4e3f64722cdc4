"""each person's own follow-up, kept with their outcome

A follow-up was kept per household only (the soonest any outcome of the visit called for, or
the date typed); each outcome now keeps its person's own date. Old outcomes are filled from
the household follow-up written in the same step (the visit's, by the same member, the first
recorded at or after the outcome) only when the outcome is the only one of its visit: the
household date was then the date typed with it or its own code's interval, so it is the
person's. With several outcomes on a visit it was the soonest of them or a date typed for
them all, which says nothing sure about each: those stay NULL, as do outcomes whose step set
no follow-up.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL = """
UPDATE outcome SET follow_up_on = (
    SELECT follow_up.due_on FROM follow_up
    WHERE follow_up.visit_id = outcome.visit_id
      AND follow_up.recorded_by_id = outcome.recorded_by_id
      AND follow_up.recorded_at >= outcome.recorded_at
    ORDER BY follow_up.recorded_at, follow_up.id
    LIMIT 1
)
WHERE (SELECT count(*) FROM outcome AS other WHERE other.visit_id = outcome.visit_id) = 1
"""


def upgrade() -> None:
    op.add_column("outcome", sa.Column("follow_up_on", sa.Date(), nullable=True))
    op.execute(BACKFILL)


def downgrade() -> None:
    # A plain DROP COLUMN: copying the table (a batch) is refused by the enrolment changes'
    # foreign key to it.
    op.drop_column("outcome", "follow_up_on")
