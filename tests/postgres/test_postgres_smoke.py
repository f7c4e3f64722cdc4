"""Smoke tests on a real PostgreSQL: the migrations, the seeded plan, the demo data and the app.

Run them with a throwaway server: ``scripts/with-postgres.sh .venv/bin/pytest tests/postgres``.
Without VANGUARD_TEST_POSTGRES_URL they are skipped. Each test starts from an empty schema."""

import os
from collections.abc import Iterator

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, text
from sqlmodel import Session, select

from app.core.config import get_settings
from app.core.db import get_engine, make_engine
from app.demo import DEMO_PASSWORD, load_demo
from app.models import Region, Target
from tests.conftest import alembic_config, migrate, sign_in, use_database

POSTGRES_URL = os.environ.get("VANGUARD_TEST_POSTGRES_URL")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="VANGUARD_TEST_POSTGRES_URL is not set"),
]

# What migrations/versions/0002 seeds: the city, 市本级 and nine counties; per year the city has
# employee and resident figures (plus two rate goals in 2024), 市本级 an employee figure only and
# each county both. 2022–2024: 3 + 3 + 2 + 3 + 9 × 6 = 65 targets, of which 4 + 1 + 18 = 23 in 2024.
REGIONS = 11
TARGETS = 65
TARGETS_2024 = 23


@pytest.fixture
def pg_url(monkeypatch) -> Iterator[str]:
    """An empty public schema (whatever an earlier test or run left) and the app pointed at it."""
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    use_database(monkeypatch, POSTGRES_URL)
    yield POSTGRES_URL
    get_engine().dispose()  # close pooled connections so the next test can drop the schema
    get_engine.cache_clear()
    get_settings.cache_clear()


def assert_plan_seeded(session: Session) -> None:
    levels = session.exec(select(Region.level, func.count()).group_by(Region.level)).all()
    assert dict(levels) == {"city": 1, "unit": 1, "county": 9}
    assert session.exec(select(Region.name).where(Region.level == "city")).one() == "玉溪市"
    assert session.exec(select(Region.name).where(Region.level == "unit")).one() == "市本级"
    assert session.exec(select(func.count()).select_from(Target)).one() == TARGETS
    hongta = (
        select(Target.value)
        .join(Region, Region.id == Target.region_id)
        .where(Region.name == "红塔区", Target.metric == "employee_in_work", Target.year == 2024)
    )
    assert session.exec(hongta).one() == 91400


def test_migrations_seed_the_plan(pg_url):
    migrate(pg_url)
    with Session(get_engine()) as session:
        assert session.exec(select(func.count()).select_from(Region)).one() == REGIONS
        assert_plan_seeded(session)


def test_demo_data_pages_and_api(pg_url):
    from app.main import app

    migrate(pg_url)
    with Session(get_engine()) as session:
        load_demo(session)

    with TestClient(app) as client:
        response = sign_in(client, "admin", DEMO_PASSWORD)
        assert response.status_code == 303, response.text
        home = client.get("/")
        assert home.status_code == 200
        assert "全市概况" in home.text
        assert client.get("/admin/targets?year=2024").status_code == 200

        body = {"username": "admin", "password": DEMO_PASSWORD}
        response = client.post("/api/v1/auth/token", json=body)
        assert response.status_code == 200, response.text
        headers = {"Authorization": f"Bearer {response.json()['access_token']}"}

        response = client.get("/api/v1/targets?year=2024", headers=headers)
        assert response.status_code == 200, response.text
        targets = response.json()
        assert len(targets) == TARGETS_2024
        hongta = [t for t in targets if t["region_name"] == "红塔区"]
        assert {t["metric"]: t["value"] for t in hongta} == {
            "employee_in_work": 91400,
            "resident_contribution_per_capita": 543,
        }
        goals = {t["metric"]: t["value"] for t in targets if t["region_name"] == "玉溪市"}
        assert goals["participation_rate"] == 0.96

        response = client.get("/api/v1/regions", headers=headers)
        assert response.status_code == 200, response.text
        assert [r["name"] for r in response.json()] == ["玉溪市", "市本级"]
        city_id = response.json()[0]["id"]
        counties = client.get(f"/api/v1/regions?parent_id={city_id}", headers=headers).json()
        assert len(counties) == 9
        assert counties[0]["name"] == "红塔区"

        # The demo loader chose ids itself: new rows must still get fresh ones.
        with Session(get_engine()) as session:
            village = session.exec(select(Region).where(Region.name == "瓦窑村")).one()
        body = {"village_id": village.id, "address": "瓦窑村999号"}
        response = client.post("/api/v1/households", json=body, headers=headers)
        assert response.status_code == 201, response.text
        assert client.get("/households?q=瓦窑村999号").status_code == 200

        # The demo's published report reads back, draws, and a new one is issued and frozen.
        listed = client.get("/api/v1/reports", headers=headers).json()
        assert [r["status"] for r in listed] == ["published"]
        assert client.get(listed[0]["image_url"], headers=headers).status_code == 200
        body = {key: listed[0][key] for key in ("region_id", "period_start", "period_end")}
        response = client.post("/api/v1/reports", json={**body, "publish": True}, headers=headers)
        assert response.status_code == 201, response.text
        assert response.json()["rows"] == listed[0]["rows"]


def test_downgrade_to_base_and_upgrade_again(pg_url):
    config = alembic_config(pg_url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    with get_engine().connect() as connection:
        # Only Alembic's own table may be left: no tables, indexes, sequences or types (e.g. an
        # enum type left behind would make the second upgrade fail with "already exists").
        relations = connection.execute(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public'"
            )
        ).scalars()
        assert set(relations) == {"alembic_version", "alembic_version_pkc"}
        types = connection.execute(
            text(
                "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                " WHERE n.nspname = 'public' AND t.typrelid = 0 AND t.typelem = 0"
            )
        ).scalars()
        assert list(types) == []

    command.upgrade(config, "head")
    with Session(get_engine()) as session:
        assert_plan_seeded(session)


def test_the_app_asks_postgresql_for_no_jit_compilation(pg_url, monkeypatch):
    """Compiling took longer than running the statements the planner costed high. Options the
    deployment puts in its URL are kept."""
    with get_engine().connect() as connection:
        assert connection.execute(text("SHOW jit")).scalar_one() == "off"
    with_options = f"{pg_url}?options=-c%20statement_timeout%3D12345"
    engine = make_engine(with_options)
    with engine.connect() as connection:
        assert connection.execute(text("SHOW jit")).scalar_one() == "off"
        assert connection.execute(text("SHOW statement_timeout")).scalar_one() == "12345ms"
    engine.dispose()
