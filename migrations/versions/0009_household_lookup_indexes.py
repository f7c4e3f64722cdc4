"""household lookup indexes

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 14:47:29.505261
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.create_index(
            "ix_household_village_address", ["village_id", "address"], unique=False
        )
        batch_op.create_index(
            "ix_household_village_key", ["village_id", "household_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_index("ix_household_village_key")
        batch_op.drop_index("ix_household_village_address")
