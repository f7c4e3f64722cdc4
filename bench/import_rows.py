"""Import speed: a 100 000-row CSV of synthetic people, checked (dry run) and committed into a
fresh SQLite database. Goal: at least 20 000 rows a second for the commit.

    python bench/import_rows.py [--rows 100000]
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
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    folder = tempfile.mkdtemp()
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
    with Session(get_engine()) as session:
        load_demo(session, households=0)
        admin = session.exec(select(User).where(User.username == "admin")).one()
        results = {}
        for dry_run in (True, False):
            started = time.perf_counter()
            job, table = imports.start(session, "bench.csv", content, admin, dry_run)
            job = imports.run(session, job, table, admin)
            seconds = time.perf_counter() - started
            results[dry_run] = (job.rows, job.valid, job.created, seconds)
    for dry_run, (total, valid, created, seconds) in results.items():
        rate = total / seconds
        label = "dry run" if dry_run else "commit"
        verdict = "ok" if rate >= GOAL_ROWS_PER_SECOND else "MISS"
        print(
            f"import {label}: {total} rows ({valid} valid, {created} created) "
            f"in {seconds:.1f} s = {rate:,.0f} rows/s (goal ≥ {GOAL_ROWS_PER_SECOND:,}): {verdict}"
        )


if __name__ == "__main__":
    main()
