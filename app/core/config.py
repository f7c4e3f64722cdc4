"""The one settings object. Every variable is prefixed ``VANGUARD_``."""

import os
import secrets
import time
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VANGUARD_", extra="ignore")

    env: Literal["dev", "production"] = "dev"
    database_url: str = Field(
        default=f"sqlite:///{DATA_DIR / 'vanguard.db'}",
        validation_alias=AliasChoices("VANGUARD_DATABASE_URL", "DATABASE_URL"),
    )
    secret_key: str = ""
    id_key: str = ""
    timezone: str = "Asia/Shanghai"
    host: str = "127.0.0.1"
    port: int = 8000
    # Server processes (`python -m app.cli serve`), and threads in each for the routes that
    # wait on the database; each thread may hold one pooled connection (plus DB_OVERFLOW), so
    # PostgreSQL's max_connections must cover workers × (threads + db_overflow).
    workers: int = Field(default=1, ge=1)
    threads: int = Field(default=40, ge=1)
    db_overflow: int = Field(default=10, ge=0)
    # The largest request body of each kind, refused (413) before it is read. A county's list
    # of 500 000 people made by bench/import_rows.py is 65 MB as UTF-8 CSV, 53 MB as GB18030
    # CSV and 46 MB as .xlsx: uploads get about twice the largest. Forms and the JSON API carry
    # a visit or a form at a time, a few kB.
    upload_max_bytes: int = Field(default=128 * 1024 * 1024, ge=1)
    form_max_bytes: int = Field(default=1024 * 1024, ge=1)
    json_max_bytes: int = Field(default=1024 * 1024, ge=1)
    # Requests of a process that write at once (the rest wait without a thread), and how long
    # one waits before it is answered 503 with Retry-After.
    writers: int = Field(default=8, ge=1)
    write_wait_seconds: float = Field(default=8, gt=0)
    session_idle_minutes: int = 120
    session_max_hours: int = 12
    token_hours: int = 12
    login_longest_wait_minutes: int = 15
    login_max_failures_per_account: int = 5
    login_max_failures_per_address: int = 20
    # A font with Chinese glyphs for report PDFs and images (.ttc/.otf/.ttf); empty: Debian's
    # fonts-noto-cjk. cjk_font_index picks the face inside a .ttc collection.
    cjk_font: str = ""
    cjk_font_index: int = 0

    @model_validator(mode="after")
    def _keys_present(self) -> "Settings":
        if self.env == "production":
            missing = [name for name in ("secret_key", "id_key") if not getattr(self, name)]
            if missing:
                names = ", ".join(f"VANGUARD_{n.upper()}" for n in missing)
                raise ValueError(f"{names} must be set when VANGUARD_ENV=production")
        else:
            self.secret_key = self.secret_key or _dev_key("secret_key")
            self.id_key = self.id_key or _dev_key("id_key")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _dev_key(name: str) -> str:
    """A key generated on the first dev run and kept under data/ so restarts keep sessions
    valid. Created exclusively: server processes starting together all read the one written."""
    path = DATA_DIR / f".{name}"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    try:
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
            file.write(secrets.token_urlsafe(32))
    except FileExistsError:
        pass
    return _written(path)


def _written(path: Path) -> str:
    """The key, once its writer has finished writing it."""
    for _ in range(100):
        if key := path.read_text().strip():
            return key
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty: delete it and start again")


@lru_cache
def get_settings() -> Settings:
    return Settings()
