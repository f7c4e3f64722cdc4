"""household indexes for claim pools

Two statements about claim pools walked a city's households (700 000) through one-column
indexes: the pool's count, asked on every look at a worklist, read every unassigned household
(0.66 s); releasing idle claims read everything a team's members hold (1.3 s). Each now has a
two-column index; the one-column village and assignee indexes they replace are their prefixes.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 23:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPLACED = {
    "ix_household_village_id": ("ix_household_village_assignee", ["village_id", "assignee_id"]),
    "ix_household_assignee_id": ("ix_household_assignee_claimed", ["assignee_id", "claimed_at"]),
}


def upgrade() -> None:
    for old, (new, columns) in REPLACED.items():
        op.create_index(new, "household", columns, unique=False)
        op.drop_index(old, table_name="household")


def downgrade() -> None:
    for old, (new, columns) in REPLACED.items():
        op.create_index(old, "household", columns[:1], unique=False)
        op.drop_index(new, table_name="household")
