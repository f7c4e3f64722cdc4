"""indexes for pages at city scale

Two statements about claim pools walked a city's households (700 000) through one-column
indexes: the pool's count, asked on every look at a worklist, read every unassigned household
(0.66 s); releasing idle claims read everything a team's members hold (1.3 s). Each now has a
two-column index; the one-column village and assignee indexes they replace are their prefixes.
The city's cadres were found by reading every person of its villages (2.3 M, 3.9 s), and
leaflets handed out by reading and sorting every step (the leaflet index is the new one's prefix),
and the quality flags by reading every visit of all time of each member (likewise).

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
LEAFLETS_GIVEN = ["leaflet_id", "leaflet_medium", "kind", "person_id"]
VISITS_BY_MEMBER = [
    *("recorded_by_id", "occurred_at", "channel", "reached", "household_id"),
    *("latitude", "longitude"),
]


def upgrade() -> None:
    for old, (new, columns) in REPLACED.items():
        op.create_index(new, "household", columns, unique=False)
        op.drop_index(old, table_name="household")
    op.create_index("ix_person_cadre", "person", CADRES, unique=False)
    op.create_index("ix_visit_step_leaflet_given", "visit_step", LEAFLETS_GIVEN, unique=False)
    op.drop_index("ix_visit_step_leaflet_id", table_name="visit_step")
    op.create_index("ix_visit_recorded_by_occurred", "visit", VISITS_BY_MEMBER, unique=False)
    op.drop_index("ix_visit_recorded_by_id", table_name="visit")


def downgrade() -> None:
    op.create_index("ix_visit_recorded_by_id", "visit", ["recorded_by_id"], unique=False)
    op.drop_index("ix_visit_recorded_by_occurred", table_name="visit")
    op.create_index("ix_visit_step_leaflet_id", "visit_step", ["leaflet_id"], unique=False)
    op.drop_index("ix_visit_step_leaflet_given", table_name="visit_step")
    op.drop_index("ix_person_cadre", table_name="person")
    for old, (new, columns) in REPLACED.items():
        op.create_index(old, "household", columns[:1], unique=False)
        op.drop_index(new, table_name="household")
