"""The one way to get a database session."""

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Annotated
from weakref import WeakKeyDictionary

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Table, event
from sqlalchemy.engine import Dialect, Engine, make_url
from sqlmodel import Session, create_engine

from app.core.config import get_settings
from app.core.i18n import N_


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
        # No JIT compilation: it spent 0.17-0.25 s compiling statements the planner costed
        # high (a team's incomplete people at city scale, 0.1 s to run), more than it saves on
        # any page's statement (bench/README.md). Added to the URL's own options; behind a
        # pooler that refuses startup options, set it on the database (docs/scaling.md).
        options = " ".join(filter(None, (make_url(url).query.get("options"), "-c jit=off")))
        connect = {"options": options}
        engine = create_engine(url, pool_pre_ping=True, connect_args=connect, **pool)
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
    if isinstance(value, Mapping):
        value = value.values()
    elif not isinstance(value, list | tuple):
        return False
    # A call per value was 5 % of an import's time: only containers are looked into by a call.
    return any(
        "\x00" in v if isinstance(v, str) else v.__class__ not in _TEXTLESS and _has_nul(v)
        for v in value
    )


# Values that hold no text, passed by at once (asking whether each is a Mapping is slow too).
_TEXTLESS = frozenset({int, float, bool, type(None), date, datetime})


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


READING = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY = N_("Many people are saving at once: nothing was saved, try again in a moment.")


async def write_turn(request: Request) -> AsyncIterator[None]:
    """Every route's first dependency, kept until the route returns (``scope="function"``: not
    through its background tasks, such as an import). At most settings.writers requests of a
    process write at once; the others wait here on the event loop, holding neither a thread
    nor a connection, so reads keep theirs (else a rush of writers waiting for SQLite's write
    lock could hold every thread and connection). A wait longer than
    settings.write_wait_seconds answers 503 with Retry-After: the phone keeps the visit and
    sends it again."""
    if request.method in READING:
        yield
        return
    settings = get_settings()
    gate = _gates.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(settings.writers))
    try:
        async with asyncio.timeout(settings.write_wait_seconds):
            await gate.acquire()
    except TimeoutError:
        raise busy() from None
    try:
        yield
    finally:
        gate.release()


def busy() -> HTTPException:
    return HTTPException(503, BUSY, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


RETRY_AFTER_SECONDS = 2
_gates: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = WeakKeyDictionary()


SessionDep = Annotated[Session, Depends(get_session)]


def bulk_insert(session: Session, model: type, rows: list[dict]) -> None:
    """One executemany of plain tuples (rows all with the first row's keys). The ORM's bulk path
    splits such rows into many statements, and Core's insert re-processed each row's dict by
    name: a fifth of an import's time. The values go through the same type processors, columns
    left out get their model defaults, and the NUL filter sees the parameters as before."""
    if not rows:
        return
    connection = session.connection()
    insert = _insert(connection.dialect, model.__table__, tuple(rows[0]))
    values = zip(*map(insert.row_of, rows), strict=True)
    columns = [_processed(p, v) if p else v for p, v in zip(insert.processors, values, strict=True)]
    connection.exec_driver_sql(insert.statement, list(zip(*columns, strict=True)))


def _processed(processor: Callable, values: tuple) -> list:
    """A column's values through its bind processor, once for a run of the same object (an
    import's batch shares one timestamp: three processed datetimes a row were 5 % of its time)."""
    processed, last, result = [], _NOTHING, None
    for value in values:
        if value is not last:
            last, result = value, processor(value)
        processed.append(result)
    return processed


_NOTHING = object()


@dataclass(frozen=True)
class _Insert:
    statement: str
    row_of: Callable[[Mapping], tuple]
    processors: tuple[Callable | None, ...]  # a column's bind processor, None when it has none


@lru_cache
def _insert(dialect: Dialect, table: Table, names: tuple[str, ...]) -> _Insert:
    """The INSERT text and the per-column work for rows with these keys; columns missing from
    them take their scalar model default, as Core's insert would give them."""
    defaults = {}
    for column in table.c:
        if column.name not in names and column.default is not None:
            if not column.default.is_scalar:
                raise TypeError(f"bulk_insert cannot compute the default of {column}")
            defaults[column.name] = column.default.arg
    columns = [table.c[name] for name in (*names, *defaults)]
    quote = dialect.identifier_preparer
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    statement = "INSERT INTO {} ({}) VALUES ({})".format(
        quote.format_table(table),
        ", ".join(quote.format_column(c) for c in columns),
        ", ".join([marker] * len(columns)),
    )
    picked = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    constants = tuple(defaults.values())
    row_of = (lambda row: (*picked(row), *constants)) if constants else picked
    processors = tuple(c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns)
    return _Insert(statement, row_of, processors)
