"""Backups: a copy taken while another connection keeps writing is whole, holds everything
committed before it began, and restores into a database the app runs on."""

import sqlite3
import threading
from contextlib import closing

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app import cli
from app.core.backup import DamagedBackup, back_up, database_file, restore
from app.core.db import get_engine
from app.main import app
from app.models import AuditEvent, Household
from app.services import audit
from tests.conftest import migrate, sign_in, use_database
from tests.databases import ON_POSTGRES
from tests.factories import household

# SQLite's online backup; PostgreSQL is backed up with pg_dump.
pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="the SQLite database file")


def count(session: Session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


class Writer(threading.Thread):
    """Another connection committing an audit event after another until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop, self.commits, self.failure = threading.Event(), 0, None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                with Session(get_engine()) as session:
                    audit.record(session, "backup_test", target=f"write:{self.commits}")
                    session.commit()
                self.commits += 1
        except Exception as failure:  # reported by the test, not lost in the thread
            self.failure = failure


@pytest.fixture
def writer() -> Writer:
    writing = Writer()
    writing.start()
    while writing.commits < 5 and writing.is_alive():
        threading.Event().wait(0.005)
    yield writing
    writing.stop.set()
    writing.join()


def integrity(path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]


def test_a_backup_taken_while_another_connection_writes_restores_whole(
    database_url, db, tmp_path, monkeypatch, writer
):
    for number in range(20):
        household(db, address=f"瓦窑村{number}号")
    with Session(get_engine()) as session:
        households, events = count(session, Household), count(session, AuditEvent)
    made = back_up(database_url, tmp_path / "backups" / "copy.db")
    during = writer.commits
    while writer.commits < during + 5 and writer.is_alive():  # not held up by the backup
        threading.Event().wait(0.005)
    writer.stop.set()
    writer.join()
    assert writer.failure is None
    assert integrity(made.path) == ["ok"]
    with closing(sqlite3.connect(made.path)) as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file

    restored = f"sqlite:///{tmp_path / 'restored' / 'vanguard.db'}"
    assert restore(made.path, restored) is None  # nothing was there to keep aside
    assert integrity(database_file(restored)) == ["ok"]
    migrate(restored)  # the procedure's last step: a no-op at the same schema
    use_database(monkeypatch, restored)
    with Session(get_engine()) as session:
        assert count(session, Household) == households
        assert count(session, AuditEvent) >= events  # and the writes the copy caught
    with TestClient(app) as client:
        assert sign_in(client, "alice").status_code == 303


def test_restoring_keeps_the_replaced_database_and_its_wal_aside(database_url, db, tmp_path):
    made = back_up(database_url, tmp_path / "copy.db")
    household(db, address="备份后登记的住户")  # only in the live database
    live = database_file(database_url)
    db.close()
    get_engine().dispose()
    kept = restore(made.path, database_url)
    assert kept == live.with_name("vanguard.db.before-restore") and kept.exists()
    assert not live.with_name("vanguard.db-wal").exists()
    with closing(sqlite3.connect(kept)) as old:
        assert old.execute("SELECT count(*) FROM household").fetchone() == (1,)
    with closing(sqlite3.connect(live)) as new:
        assert new.execute("SELECT count(*) FROM household").fetchone() == (0,)


def test_a_damaged_backup_is_refused_and_the_database_left_alone(database_url, tmp_path):
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    live = database_file(database_url)
    before = live.read_bytes()
    with pytest.raises(DamagedBackup):
        restore(damaged, database_url)
    assert live.read_bytes() == before


def test_the_command_line_backs_up_and_points_postgresql_to_pg_dump(
    database_url, tmp_path, capsys, monkeypatch
):
    cli.main(["backup", str(tmp_path / "copy.db")])
    assert "integrity ok" in capsys.readouterr().out
    assert integrity(tmp_path / "copy.db") == ["ok"]

    use_database(monkeypatch, "postgresql://vanguard@localhost/vanguard")
    with pytest.raises(SystemExit) as exited:
        cli.main(["backup", str(tmp_path / "other.db")])
    assert exited.value.code == 2 and "pg_dump" in capsys.readouterr().err
