"""household registry

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 13:16:51.575940
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "household",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("household_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("entity_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("credit_code", sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("village_group", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("grid", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("verified_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["village_id"],
            ["region.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("credit_code"),
    )
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_household_household_key"), ["household_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_household_village_id"), ["village_id"], unique=False)

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column(
            "id_number_encrypted", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False
        ),
        sa.Column("id_number_index", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("id_number_masked", sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
        sa.Column("id_number_flags", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("sex", sqlmodel.sql.sqltypes.AutoString(length=1), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("retires_on", sa.Date(), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("relation", sa.String(length=10), nullable=False),
        sa.Column("insurance_status", sa.String(length=24), nullable=False),
        sa.Column("resident_tier", sa.Integer(), nullable=True),
        sa.Column("years_paid", sa.Integer(), nullable=True),
        sa.Column("stopped_since", sa.Date(), nullable=True),
        sa.Column("occupation", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("is_cadre", sa.Boolean(), nullable=False),
        sa.Column("is_student", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("verified_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("id_number_index"),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_birth_date"), ["birth_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_household_id"), ["household_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_person_insurance_status"), ["insurance_status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_person_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_phone"), ["phone"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_retires_on"), ["retires_on"], unique=False)

    op.create_table(
        "person_key_group",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("key_group", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("person_id", "key_group"),
    )
    with op.batch_alter_table("person_key_group", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_key_group_key_group"), ["key_group"], unique=False
        )

    op.create_table(
        "person_subsidy",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("person_id", "category"),
    )
    with op.batch_alter_table("person_subsidy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_subsidy_category"), ["category"], unique=False)

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint("uq_user_account_person_id", ["person_id"])
        batch_op.create_foreign_key(
            "fk_user_account_person_id_person", "person", ["person_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint("fk_user_account_person_id_person", type_="foreignkey")
        batch_op.drop_constraint("uq_user_account_person_id", type_="unique")
        batch_op.drop_column("person_id")

    with op.batch_alter_table("person_subsidy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_subsidy_category"))

    op.drop_table("person_subsidy")
    with op.batch_alter_table("person_key_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_key_group_key_group"))

    op.drop_table("person_key_group")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_retires_on"))
        batch_op.drop_index(batch_op.f("ix_person_phone"))
        batch_op.drop_index(batch_op.f("ix_person_name"))
        batch_op.drop_index(batch_op.f("ix_person_insurance_status"))
        batch_op.drop_index(batch_op.f("ix_person_household_id"))
        batch_op.drop_index(batch_op.f("ix_person_birth_date"))

    op.drop_table("person")
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_village_id"))
        batch_op.drop_index(batch_op.f("ix_household_household_key"))
        batch_op.drop_index(batch_op.f("ix_household_assignee_id"))

    op.drop_table("household")
