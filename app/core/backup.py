"""Backing up the SQLite database while the app runs, and restoring a backup.

The backup uses SQLite's online backup API: the whole database is copied in one step under a
read transaction, so it is the database as it stood at one moment, and writers carry on
meanwhile (WAL). The copy is a single self-contained file (rollback journal, no -wal beside
it), checked with ``PRAGMA integrity_check`` before it is given its name.

Restoring (``make restore FROM=...``), with the app stopped: the backup is checked again, the
current database is kept beside it as ``<name>.before-restore`` (with any -wal and -shm files,
which belong to it and not to the backup), the backup is copied into place, and
``python -m app.cli migrate`` brings an older backup up to the current schema. Then start the
app again.

PostgreSQL is backed up with its own tools: ``pg_dump --format=custom`` and ``pg_restore``.
"""

import shutil
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from app.core.config import DATA_DIR

BACKUP_DIR = DATA_DIR / "backups"
SIDE_FILES = ("-wal", "-shm", "-journal")
POSTGRES_ADVICE = (
    "The database is PostgreSQL: back it up with pg_dump, e.g.\n"
    '  pg_dump --format=custom --file=vanguard.dump "$VANGUARD_DATABASE_URL"\n'
    "and restore it with pg_restore --clean --if-exists --dbname=... vanguard.dump."
)


class NotSQLite(Exception):
    """The database is not a SQLite file: its own tools back it up (POSTGRES_ADVICE)."""


class DamagedBackup(Exception):
    """A copy that fails SQLite's integrity check; ``problems`` says what it found."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"{path}: {'; '.join(problems[:5])}")
        self.problems = problems


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int  # bytes
    seconds: float


def database_file(url: str) -> Path:
    """The file a sqlite:/// URL names (NotSQLite for any other database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        raise NotSQLite(url)
    return Path(parsed.database)


def default_target(now: datetime) -> Path:
    return BACKUP_DIR / f"vanguard-{now:%Y%m%d-%H%M%S}.db"


def back_up(url: str, target: Path) -> Backup:
    """A consistent copy of the live database at ``target``. Written under a temporary name
    and renamed once checked, so a backup that exists is whole."""
    source_path = database_file(url)
    if not source_path.exists():
        raise FileNotFoundError(source_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        _copy(source_path, partial)
        check(partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    return Backup(target, target.stat().st_size, time.perf_counter() - started)


def _copy(source_path: Path, target: Path) -> None:
    with (
        closing(sqlite3.connect(source_path, timeout=30)) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)  # every page in one step: one moment's database
        copy.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it


def check(path: Path) -> None:
    """DamagedBackup unless SQLite finds the file whole."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:  # not a database at all
        problems = [str(error)]
    if problems != ["ok"]:
        raise DamagedBackup(path, problems)


def restore(backup: Path, url: str) -> Path | None:
    """Put ``backup`` in place of the database ``url`` names (the app must be stopped).
    Answers where the database it replaced was kept, if there was one."""
    check(backup)
    live = database_file(url)
    kept = None
    if live.exists():
        kept = live.with_name(live.name + ".before-restore")
        for suffix in ("", *SIDE_FILES):  # an older -wal must not be read into this one
            Path(f"{kept}{suffix}").unlink(missing_ok=True)
            current = Path(f"{live}{suffix}")
            if current.exists():
                current.replace(Path(f"{kept}{suffix}"))
    live.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(backup, live)
    return kept


def restore_in_place(backup: str) -> None:
    """What ``make restore FROM=...`` runs: the backup in place of the configured database."""
    from app.core.config import get_settings

    kept = restore(Path(backup), get_settings().database_url)
    print(f"Restored {backup}." + (f" The replaced database is kept as {kept}." if kept else ""))
