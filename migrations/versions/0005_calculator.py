"""calculator: admins' dated parameter entries and calculations saved against a person

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 13:38:02.253381
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "parameter_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("region", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("confidence", sqlmodel.sql.sqltypes.AutoString(length=1), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("parameter_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_parameter_entry_series"), ["series"], unique=False)

    op.create_table(
        "calculation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("calc_year", sa.Integer(), nullable=False),
        sa.Column(
            "parameters_version", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False
        ),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("outputs", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("calculation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calculation_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_calculation_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("calculation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calculation_person_id"))
        batch_op.drop_index(batch_op.f("ix_calculation_created_by_id"))

    op.drop_table("calculation")
    with op.batch_alter_table("parameter_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parameter_entry_series"))

    op.drop_table("parameter_entry")
