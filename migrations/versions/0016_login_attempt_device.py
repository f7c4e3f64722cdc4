"""the phone a sign-in attempt came from, by its device cookie

A phone that has signed in before carries a signed device cookie and keeps its own allowance
of failures; an attempt keeps the cookie's id (NULL: an attempt without one).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "login_attempt",
        sa.Column("device", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    )
    op.create_index("ix_login_attempt_device", "login_attempt", ["device"])


def downgrade() -> None:
    op.drop_index("ix_login_attempt_device", "login_attempt")
    op.drop_column("login_attempt", "device")
