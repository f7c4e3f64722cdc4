"""leaflet images

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 14:27:02.780301
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "leaflet_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("leaflet_id", sa.Integer(), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["leaflet_id"],
            ["leaflet.id"],
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("leaflet_image", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_leaflet_image_leaflet_id"), ["leaflet_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("leaflet_image", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leaflet_image_leaflet_id"))

    op.drop_table("leaflet_image")
