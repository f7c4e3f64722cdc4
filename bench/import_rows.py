"""Import speed (issue 13): a CSV of synthetic people (GB18030, as Chinese Excel saves it) is
checked (dry run) and then committed into a fresh SQLite database, as an admin. Goal: at least
20 000 rows a second, each time from the upload (reading the file) to the finished job.

    .venv/bin/python bench/import_rows.py [--rows 100000] [--figures FILE]
"""

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.goals import Figure, arguments, report

GOAL_ROWS_PER_SECOND = 20_000


def make_csv(rows: int) -> bytes:
    from app.demo import DEMO_REGIONS
    from app.domain.imports import template_headers
    from app.synthetic import Generator

    villages = [
        (t, v) for townships in DEMO_REGIONS.values() for t, _d, vs in townships for v in vs
    ]
    generator = Generator(7, date(2026, 11, 29))
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(template_headers())
    written = 0
    while written < rows:
        township, village = villages[written % len(villages)]
        made = generator.household(village, village.endswith("社区"))
        for person in made.people:
            groups = "、".join(str(g) for g in sorted(person.key_groups))
            writer.writerow(
                [
                    person.name,
                    person.id_number,
                    person.phone or "",
                    made.address,
                    township,
                    village,
                    made.household_key,
                    made.village_group,
                    "",
                    "",
                    groups,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "否",
                ]
            )
            written += 1
    return text.getvalue().encode("gb18030")


def main() -> None:
    parser = argparse.ArgumentParser(description="Import speed: rows checked and committed.")
    parser.add_argument("--rows", type=int, default=100_000)
    args = arguments(parser)
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        seconds, rows = timed_imports(Path(folder), args.rows)
    detail = f"{args.rows:,}".replace(",", " ") + "-row CSV, SQLite"
    figures = [
        Figure(
            "import: rows committed per second",
            rows / seconds[False],
            "rows/s",
            GOAL_ROWS_PER_SECOND,
            at_least=True,
            detail=detail,
        ),
        Figure(
            "import: rows checked per second (dry run)",
            rows / seconds[True],
            "rows/s",
            GOAL_ROWS_PER_SECOND,
            at_least=True,
            detail=detail,
        ),
    ]
    report(figures, args.figures)


def timed_imports(folder: Path, rows: int) -> tuple[dict[bool, float], int]:
    """Seconds for the dry run (True) and the commit (False) of the same file, and its rows."""
    os.environ.update(
        VANGUARD_DATABASE_URL=f"sqlite:///{folder}/bench.db",
        VANGUARD_SECRET_KEY="bench",
        VANGUARD_ID_KEY="bench",
    )
    from sqlmodel import Session, select

    from app.cli import migrate
    from app.core.db import get_engine
    from app.demo import load_demo
    from app.models import User
    from app.services import imports

    migrate(None)
    content = make_csv(rows)
    seconds = {}
    with Session(get_engine()) as session:
        load_demo(session, households=0)
        admin = session.exec(select(User).where(User.username == "admin")).one()
        for dry_run in (True, False):
            started = time.perf_counter()
            job, table = imports.start(session, "bench.csv", content, admin, dry_run)
            job = imports.run(session, job, table, admin)
            seconds[dry_run] = time.perf_counter() - started
            label = "dry run" if dry_run else "commit"
            print(
                f"import {label}: {job.rows} rows, {job.valid} valid, {job.created} created, "
                f"{seconds[dry_run]:.1f} s",
                flush=True,
            )
    get_engine().dispose()
    return seconds, job.rows


if __name__ == "__main__":
    main()
