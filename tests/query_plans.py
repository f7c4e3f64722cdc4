"""SQLite's plans for the statements an action runs: tests that a statement finds its rows
through the right index instead of walking a city's table (700 000 households), which no
timing on a test's few rows would show."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event


@contextmanager
def query_plans(engine: Engine) -> Iterator[list[str]]:
    """The EXPLAIN QUERY PLAN steps of every SELECT run inside the block, filled in as the
    block ends (read them after it)."""
    selects: list[tuple[str, object]] = []

    def seen(_connection, _cursor, statement, parameters, _context, _executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append((statement, parameters))

    steps: list[str] = []
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield steps
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    with engine.connect() as connection:
        for statement, parameters in selects:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            steps.extend(row.detail for row in plan)
