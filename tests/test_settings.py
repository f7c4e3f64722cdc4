"""The one settings object: VANGUARD_* variables, keys kept in dev and required in production."""

import pytest
from pydantic import ValidationError

from app.core import config
from app.core.config import Settings


@pytest.fixture
def clean_environment(monkeypatch, tmp_path):
    for name in (
        "VANGUARD_ENV",
        "VANGUARD_SECRET_KEY",
        "VANGUARD_ID_KEY",
        "VANGUARD_DATABASE_URL",
        "DATABASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    return tmp_path


def test_production_refuses_to_start_without_both_keys(clean_environment, monkeypatch):
    monkeypatch.setenv("VANGUARD_ENV", "production")
    monkeypatch.setenv("VANGUARD_SECRET_KEY", "s" * 40)
    with pytest.raises(ValidationError, match="VANGUARD_ID_KEY"):
        Settings()


def test_dev_generates_separate_keys_once_and_keeps_them(clean_environment):
    first, second = Settings(), Settings()
    assert first.secret_key == second.secret_key
    assert first.id_key == second.id_key
    assert first.secret_key != first.id_key
    assert (clean_environment / ".secret_key").stat().st_mode & 0o777 == 0o600


def test_the_database_url_falls_back_to_plain_database_url(clean_environment, monkeypatch):
    assert Settings().database_url.startswith("sqlite:///")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://app@db/app")
    assert Settings().database_url == "postgresql+psycopg://app@db/app"
    monkeypatch.setenv("VANGUARD_DATABASE_URL", "sqlite:///elsewhere.db")
    assert Settings().database_url == "sqlite:///elsewhere.db"


def test_business_time_defaults_to_shanghai(clean_environment):
    assert Settings().timezone == "Asia/Shanghai"
