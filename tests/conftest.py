"""Fixtures: a fresh migrated database per test (copied from one built per run), the personas
in it, a test client and a helper to sign in."""

import re
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlmodel import Session

from app.core.config import PROJECT_ROOT, get_settings
from app.core.db import get_engine
from app.demo import load_demo
from app.models import (
    AuditEvent,
    Household,
    Person,
    PersonKeyGroup,
    PersonSubsidy,
    Region,
    Report,
    Team,
    TeamMembership,
    User,
)
from tests import factories
from tests.databases import COPIES

TEST_KEYS = {
    "VANGUARD_ENV": "dev",
    "VANGUARD_SECRET_KEY": "test-secret-key-not-for-production",
    "VANGUARD_ID_KEY": "test-id-key-not-for-production",
}


def use_database(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("VANGUARD_DATABASE_URL", url)
    get_settings.cache_clear()
    get_engine.cache_clear()


def alembic_config(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    return config


def migrate(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrated once per run, with the personas; each test gets its own copy."""
    url = COPIES.empty(tmp_path_factory.mktemp("template"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_database(monkeypatch, url)
        migrate(url)
        with Session(get_engine()) as session:
            factories.personas(session)
        get_engine().dispose()
    return url


def demo_instead_of_personas(session: Session, households: int) -> None:
    """The template database without its personas, then the demo loaded."""
    for table in (
        Report,
        AuditEvent,
        TeamMembership,
        User,
        Team,
        PersonKeyGroup,
        PersonSubsidy,
        Person,
    ):
        session.exec(delete(table))
    session.exec(delete(Household))
    session.exec(delete(Region).where(Region.level.in_(["township", "village"])))
    session.commit()
    load_demo(session, households=households)


@pytest.fixture(scope="session")
def demo_database(template_database, tmp_path_factory) -> str:
    """The template database with the demo instead of the personas, for tests that walk the
    app as the demo's accounts see it; each test gets its own copy (``database_copy``)."""
    url = COPIES.copy(template_database, tmp_path_factory.mktemp("demo"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_database(monkeypatch, url)
        with Session(get_engine()) as session:
            demo_instead_of_personas(session, households=120)
        get_engine().dispose()
        get_engine.cache_clear()
    return url


@pytest.fixture
def database_url(template_database, tmp_path, monkeypatch) -> Iterator[str]:
    yield from database_copy(template_database, tmp_path, monkeypatch)


def database_copy(source: str, folder, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A copy of ``source`` the app uses until the test ends, then dropped."""
    url = COPIES.copy(source, folder)
    use_database(monkeypatch, url)
    yield url
    get_engine().dispose()
    get_engine.cache_clear()
    get_settings.cache_clear()
    COPIES.drop(url)


@pytest.fixture
def db(database_url) -> Iterator[Session]:
    with Session(get_engine()) as session:
        yield session


@pytest.fixture
def demo_db(db: Session) -> Session:
    """The template database without its personas, then the demo loaded."""
    demo_instead_of_personas(db, households=120)
    return db


@pytest.fixture
def client(database_url) -> Iterator[TestClient]:
    from app.main import app

    with TestClient(app) as test_client:
        yield test_client


CSRF_HEADER = re.compile(r'"X-CSRF-Token": "([^"]+)"')


def csrf_token(client: TestClient, path: str = "/login") -> str:
    """The token every page carries (on <body hx-headers>) for forms and HTMX alike."""
    page = client.get(path)
    return CSRF_HEADER.search(page.text).group(1)


def sign_in(client: TestClient, username: str, password: str = factories.PASSWORD):
    token = csrf_token(client)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


@pytest.fixture
def as_user(client):
    """``as_user("lee")`` signs the client in and returns it."""

    def signed_in(username: str) -> TestClient:
        response = sign_in(client, username)
        assert response.status_code == 303, response.text
        return client

    return signed_in


@pytest.fixture
def api_token(client):
    def token_for(username: str) -> dict[str, str]:
        body = {"username": username, "password": factories.PASSWORD}
        response = client.post("/api/v1/auth/token", json=body)
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return token_for
