"""The statements an action runs, and SQLite's plans for them: tests that a page costs the same
statements for a few households as for a city's 700 000, and that each finds its rows through
the right index instead of walking a table, which no timing on a test's few rows would show."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[str, object]]]:
    """The statements run inside the block, with their parameters."""
    seen: list[tuple[str, object]] = []

    def record(_connection, _cursor, statement, parameters, _context, _executemany) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


@contextmanager
def query_plans(engine: Engine) -> Iterator[list[str]]:
    """The EXPLAIN QUERY PLAN steps of every SELECT run inside the block, filled in as the
    block ends (read them after it)."""
    steps: list[str] = []
    with statements(engine) as seen:
        yield steps
    with engine.connect() as connection:
        for statement, parameters in seen:
            if statement.lstrip().upper().startswith(("SELECT", "WITH")):
                plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                steps.extend(row.detail for row in plan)
