"""The one way to get a database session."""

from collections.abc import AsyncIterator, Mapping
from functools import lru_cache
from typing import Annotated

from fastapi import Depends
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from app.core.config import get_settings


def make_engine(url: str) -> Engine:
    # At least as many connections as worker threads (settings.threads): with fewer, every
    # thread can end up waiting for a connection held by a request that is itself waiting for
    # a thread.
    settings = get_settings()
    pool = {"pool_size": settings.threads, "max_overflow": settings.db_overflow}
    if url.startswith("sqlite"):
        sqlite = {"check_same_thread": False, "timeout": 15}
        engine = create_engine(url, connect_args=sqlite, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, **pool)
    event.listen(engine, "before_cursor_execute", _without_nul, retval=True)
    return engine


def _without_nul(_connection, _cursor, statement, parameters, _context, _executemany):
    """PostgreSQL refuses text holding a NUL character, SQLite stores it; no one types one (only
    a fuzzer or an attacker sends it), so both databases get the text without it. Looking is
    cheaper than rebuilding: parameters are copied only when one holds a NUL."""
    return statement, _cleaned(parameters) if _has_nul(parameters) else parameters


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(map(_has_nul, value))
    if isinstance(value, Mapping):
        return any(map(_has_nul, value.values()))
    return False


def _cleaned(parameters):
    """One statement's parameters (a mapping or a sequence) or several statements' (a sequence
    of those), with the same shape."""
    if isinstance(parameters, Mapping):
        return {name: _no_nul(value) for name, value in parameters.items()}
    if isinstance(parameters, list | tuple):
        rows = (
            _cleaned(v) if isinstance(v, Mapping | list | tuple) else _no_nul(v) for v in parameters
        )
        return type(parameters)(rows)
    return parameters


def _no_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) and "\x00" in value else value


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers work while one writer commits; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


async def get_session() -> AsyncIterator[Session]:
    """Opened and closed on the event loop, used in the route's worker thread. A sync
    generator would need a worker thread to close the session and give its connection back:
    with every thread waiting for a pooled connection, none is left to do it (a deadlock until
    the pool times out)."""
    with Session(get_engine()) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def bulk_insert(session: Session, model: type, rows: list[dict]) -> None:
    """One executemany through Core: the ORM's bulk path splits such rows into many statements."""
    if rows:
        session.connection().execute(model.__table__.insert(), rows)
