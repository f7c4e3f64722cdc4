"""Command line: ``python -m app.cli migrate | demo | serve | create-user | refresh-metrics |
backup``."""

import argparse
import getpass
import os
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlmodel import Session, select

from app.core.config import PROJECT_ROOT, get_settings
from app.core.db import get_engine
from app.core.i18n import gettext_for
from app.domain.validation import Invalid
from app.models import Region
from app.services.accounts import NewUser, create_user


def migrate(_args: argparse.Namespace) -> None:
    command.upgrade(Config(str(PROJECT_ROOT / "alembic.ini")), "head")


def demo(args: argparse.Namespace) -> None:
    from app.demo import is_empty, load_demo

    with Session(get_engine()) as session:
        if not is_empty(session):
            print("Database already has users: demo data not loaded, existing data kept.")
            return
        load_demo(session, households=args.households)
        print(f"Demo data loaded ({args.households} households).")


def create_user_command(args: argparse.Namespace) -> None:
    password = getpass.getpass("Password (at least 10 characters): ")
    with Session(get_engine()) as session:
        region = session.exec(select(Region).where(Region.code == args.region_code)).first()
        form = NewUser(
            username=args.username,
            display_name=args.name,
            role=args.role,
            region_id=region.id if region else None,
            password=password,
        )
        try:
            user = create_user(session, form, by=None)
        except Invalid as invalid:
            _ = gettext_for("en")
            for field, message in invalid.errors.items():
                print(f"{field}: {_(message)}", file=sys.stderr)
            sys.exit(1)
        print(f"Created {user.role} {user.username}.")


def release_claims(_args: argparse.Namespace) -> None:
    from app.core import clock
    from app.services.assignments import release_idle_claims

    with Session(get_engine()) as session:
        print(f"{release_idle_claims(session, clock.today())} idle claims returned to their pools.")


def refresh_metrics(args: argparse.Namespace) -> None:
    """Nightly (after midnight, business time): the day's crossings are counted before the
    first dashboard of the day asks."""
    from app.services.work_metrics import refresh

    with Session(get_engine()) as session:
        recounted = refresh(session, rebuild=args.rebuild)
    print(f"Work summaries up to date ({recounted} households recounted).")


def backup(args: argparse.Namespace) -> None:
    """A consistent copy of the SQLite database, safe while the app runs (app.core.backup)."""
    from datetime import datetime

    from app.core import backup as backups

    target = args.path or backups.default_target(datetime.now())
    try:
        made = backups.back_up(get_settings().database_url, target)
    except backups.NotSQLite:
        print(backups.POSTGRES_ADVICE, file=sys.stderr)
        sys.exit(2)
    except backups.DamagedBackup as damaged:
        print(f"The copy failed its integrity check, nothing kept: {damaged}", file=sys.stderr)
        sys.exit(1)
    size = made.size / 1_000_000
    print(f"Backed up to {made.path} ({size:.1f} MB, integrity ok) in {made.seconds:.1f} s.")


def serve(_args: argparse.Namespace) -> None:
    import uvicorn

    uvicorn.run("app.main:app", **server_options())


def server_options() -> dict:
    """How `serve` runs uvicorn (the benchmark serves its hello-world the same way): uvloop and
    httptools, VANGUARD_WORKERS processes sharing nothing but the database, the access log
    without query strings in each. Behind a reverse proxy, X-Forwarded-For/-Proto give the real
    address (throttling) and scheme (Secure cookies, HSTS); uvicorn trusts them from
    FORWARDED_ALLOW_IPS only, and here from nobody until it is set (uvicorn's default would
    trust the host itself, so anyone on it could pass for any address)."""
    from app.core.access_log import logging_config

    settings = get_settings()
    return {
        "host": settings.host,
        "port": settings.port,
        "workers": settings.workers,
        "loop": "uvloop",
        "http": "httptools",
        "proxy_headers": "FORWARDED_ALLOW_IPS" in os.environ,
        "log_config": logging_config(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app.cli")
    commands = parser.add_subparsers(required=True)
    commands.add_parser("migrate", help="upgrade the database to the newest schema").set_defaults(
        run=migrate
    )
    demo_data = commands.add_parser("demo", help="load demo data into an empty database")
    demo_data.add_argument("--households", type=int, default=300)
    demo_data.set_defaults(run=demo)
    summaries = commands.add_parser(
        "refresh-metrics", help="bring the dashboards' work summaries up to date (nightly)"
    )
    summaries.add_argument(
        "--rebuild", action="store_true", help="count every household afresh (minutes at scale)"
    )
    summaries.set_defaults(run=refresh_metrics)
    copy = commands.add_parser("backup", help="copy the SQLite database, safe while it runs")
    copy.add_argument("path", nargs="?", type=Path, help="default: data/backups/vanguard-<now>.db")
    copy.set_defaults(run=backup)
    commands.add_parser("serve", help="serve on VANGUARD_HOST:VANGUARD_PORT").set_defaults(
        run=serve
    )
    new_user = commands.add_parser("create-user", help="create an account (e.g. the first admin)")
    new_user.add_argument("--username", required=True)
    new_user.add_argument("--name", required=True)
    new_user.add_argument("--role", default="admin", choices=["admin", "lead", "member", "cadre"])
    new_user.add_argument("--region-code", default="530400", help="GB/T 2260 code, e.g. 530402")
    new_user.set_defaults(run=create_user_command)
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
