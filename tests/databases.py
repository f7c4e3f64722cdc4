"""Where each test's database comes from: a copy of one migrated per run. On SQLite (the default)
a copy is a file; with VANGUARD_TEST_POSTGRES_URL set (``make test-pg``), it is a database
created from a template on that server, dropped when the test ends."""

import itertools
import os
import shutil
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("VANGUARD_TEST_POSTGRES_URL")
ON_POSTGRES = bool(POSTGRES_URL)


class SqliteCopies:
    def empty(self, folder: Path) -> str:
        return f"sqlite:///{folder / 'vanguard.db'}"

    def copy(self, source: str, folder: Path) -> str:
        path = folder / "vanguard.db"
        shutil.copy(make_url(source).database, path)
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        """The file goes with pytest's temporary folders."""


class PostgresCopies:
    """Databases on the test server, named per xdist worker so workers never meet."""

    def __init__(self, server_url: str) -> None:
        self.server = make_url(server_url)
        self.worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.numbers = itertools.count()
        self.admin = create_engine(
            self.server.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
        )

    def _new_name(self) -> str:
        return f"test_{self.worker}_{os.getpid()}_{next(self.numbers)}"

    def _url(self, name: str) -> str:
        return self.server.set(database=name).render_as_string(hide_password=False)

    def empty(self, folder: Path) -> str:
        name = self._new_name()
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        return self._url(name)

    def copy(self, source: str, folder: Path) -> str:
        name = self._new_name()
        template = make_url(source).database
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        return self._url(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


COPIES = PostgresCopies(POSTGRES_URL) if ON_POSTGRES else SqliteCopies()
