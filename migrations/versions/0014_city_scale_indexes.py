"""indexes for pages at city scale

Two statements about claim pools walked a city's households (700 000) through one-column
indexes: the pool's count, asked on every look at a worklist, read every unassigned household
(0.66 s); releasing idle claims read everything a team's members hold (1.3 s). Each now has a
two-column index; the one-column village and assignee indexes they replace are their prefixes.
The city's cadres were found by reading every person of its villages (2.3 M, 3.9 s).

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


CADRES = ["is_cadre", "household_id", "insurance_status"]


def upgrade() -> None:
    for old, (new, columns) in REPLACED.items():
        op.create_index(new, "household", columns, unique=False)
        op.drop_index(old, table_name="household")
    op.create_index("ix_person_cadre", "person", CADRES, unique=False)


def downgrade() -> None:
    op.drop_index("ix_person_cadre", table_name="person")
    for old, (new, columns) in REPLACED.items():
        op.create_index(old, "household", columns[:1], unique=False)
        op.drop_index(new, table_name="household")
