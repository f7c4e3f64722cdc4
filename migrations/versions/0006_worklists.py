"""worklists

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 13:49:29.374438
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "claim_pool",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["opened_by_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
        ),
        sa.ForeignKeyConstraint(
            ["village_id"],
            ["region.id"],
        ),
        sa.PrimaryKeyConstraint("team_id", "village_id"),
    )
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("from_user_id", sa.Integer(), nullable=True),
        sa.Column("to_user_id", sa.Integer(), nullable=True),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_user_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["from_user_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
        ),
        sa.ForeignKeyConstraint(
            ["to_user_id"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assignment_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assignment_to_user_id"), ["to_user_id"], unique=False)

    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )

    with op.batch_alter_table("team", schema=None) as batch_op:
        # Existing teams get the default idle period.
        batch_op.add_column(
            sa.Column("claim_idle_days", sa.Integer(), nullable=False, server_default="14")
        )


def downgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("claim_idle_days")

    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_column("claimed_at")

    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_to_user_id"))
        batch_op.drop_index(batch_op.f("ix_assignment_household_id"))
        batch_op.drop_index(batch_op.f("ix_assignment_at"))

    op.drop_table("assignment")
    op.drop_table("claim_pool")
