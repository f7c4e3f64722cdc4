"""The city built in SQLite (bench/dashboard_metrics.py), loaded into a throwaway PostgreSQL
cluster: the schema by migration, then every table's rows with COPY. Both databases hold the
same rows, and the copy takes a minute where the build takes seven."""

import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
# The command the cluster lives for: it tells its database's URL, then waits for its input to
# close, which happens when this process leaves the block or dies.
WAIT = 'echo "$VANGUARD_DATABASE_URL"; cat >/dev/null'


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """A PostgreSQL cluster of its own for the block (scripts/with-postgres.sh: a free port,
    stopped and deleted afterwards); yields the URL of its one empty database."""
    waiting = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "with-postgres.sh"), "sh", "-c", WAIT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        yield _announced(waiting.stdout)
    finally:
        waiting.stdin.close()
        waiting.wait()


def _announced(lines) -> str:
    """The URL among what the script prints (installing PostgreSQL may print first)."""
    for line in lines:
        if line.startswith("postgresql"):
            return line.strip()
    raise SystemExit("PostgreSQL did not start (scripts/with-postgres.sh)")


def copy_city(city: Path) -> None:
    """Into the empty database the app points at: migrate, replace the migrations' seeded rows
    by all of the city's, table by table in dependency order, move each sequence past the ids
    copied, and gather statistics as autovacuum would."""
    from sqlmodel import SQLModel

    import app.models  # noqa: F401  (registers every table on SQLModel.metadata)
    from app.cli import migrate
    from app.core.db import get_engine

    migrate(None)
    tables = SQLModel.metadata.sorted_tables
    source = sqlite3.connect(f"file:{city}?mode=ro", uri=True)
    with closing(source), get_engine().begin() as target:
        cursor = target.connection.dbapi_connection.cursor()
        cursor.execute("SET LOCAL TIME ZONE 'UTC'")  # SQLite holds UTC moments without offset
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")  # for building the indexes
        names = sql.SQL(", ").join(sql.Identifier(table.name) for table in tables)
        cursor.execute(sql.SQL("TRUNCATE {}").format(names))
        with _bare(cursor):
            for table in tables:
                _copy(source, cursor, table)
                _restart_sequences(cursor, table)
    with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # Vacuumed too, not only analysed: else autovacuum would start on the fresh rows in
        # the middle of the measurements.
        connection.exec_driver_sql("VACUUM ANALYZE")


# Each statement that drops one, with the one that puts it back.
FOREIGN_KEYS = """
SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname),
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname,
              pg_get_constraintdef(oid))
FROM pg_constraint
WHERE contype = 'f' AND connamespace = current_schema()::regnamespace
"""
INDEXES = """
SELECT format('DROP INDEX %s', indexrelid::regclass), pg_get_indexdef(indexrelid)
FROM pg_index JOIN pg_class ON pg_class.oid = indrelid
WHERE relnamespace = current_schema()::regnamespace
  AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = indexrelid)
"""


@contextmanager
def _bare(cursor) -> Iterator[None]:
    """The tables without their foreign keys and the indexes no constraint needs for the block,
    then with them again (PostgreSQL's advice for populating a database): each index built once
    over all the rows and each key checked in one pass instead of row by row, which takes the
    city's copy from four minutes to about one."""
    keys = cursor.execute(FOREIGN_KEYS).fetchall()
    indexes = cursor.execute(INDEXES).fetchall()
    for drop, _create in keys + indexes:
        cursor.execute(drop)
    yield
    for _drop, create in indexes + keys:
        cursor.execute(create)


def _copy(source: sqlite3.Connection, cursor, table) -> None:
    """The table's rows as SQLite holds them: PostgreSQL reads 0 and 1 as booleans and the
    dates, moments and JSON from their text."""
    columns = [column.name for column in table.c]
    listed = ", ".join(f'"{name}"' for name in columns)
    rows = source.execute(f'SELECT {listed} FROM "{table.name}"')
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _restart_sequences(cursor, table) -> None:
    """The next id after the highest copied (ids come from sequences; COPY does not move them)."""
    for column in table.primary_key.columns:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", (table.name, column.name))
        sequence = cursor.fetchone()[0]
        if sequence is not None:
            restart = sql.SQL("SELECT setval(%s, coalesce(max({}), 0) + 1, false) FROM {}")
            cursor.execute(
                restart.format(sql.Identifier(column.name), sql.Identifier(table.name)),
                (sequence,),
            )
