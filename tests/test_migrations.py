"""Alembic owns the schema: it builds the database from nothing, takes it back down, and
matches the models exactly."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import app.models  # noqa: F401
from tests.conftest import alembic_config, migrate


def test_upgrade_from_empty_to_head_then_down_to_base(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url)
    engine = create_engine(url)
    assert {"region", "target", "user_account", "audit", "auth_session"} <= set(
        inspect(engine).get_table_names()
    )
    command.downgrade(alembic_config(url), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    migrate(url)
    assert "target" in inspect(engine).get_table_names()


def test_the_models_match_the_migrations(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url)
    with create_engine(url).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == [], "run `alembic revision --autogenerate` for the model change"
