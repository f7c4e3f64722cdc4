"""Server speed (issue 13): the member's worklist page under load, against a bare ASGI
hello-world served the same way.

- throughput: requests per second of `/worklist`, as a share of the hello-world's (goal ≥ 8 %);
- p95 at 64 concurrent users: 64 connections, each request as one of 64 signed-in members in
  turn, without pause (goal ≤ 50 ms).

Both servers run as `python -m app.cli serve` runs (uvicorn, uvloop, httptools, access log
without query strings) with one worker process: the load generator, wrk (Debian's package),
needs the machine's other core. The app runs on a fresh SQLite database with the demo regions,
64 members of one team with 20 households each, half of them visited.

    python bench/throughput.py [--seconds 10] [--figures FILE]
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.goals import Figure, arguments, report  # noqa: E402
from bench.serving import Member, Server, prepare, session_cookie  # noqa: E402

USERS, HOUSEHOLDS_EACH = 64, 20
GOAL_SHARE, GOAL_P95_MS = 8.0, 50.0
HELLO = [sys.executable, "bench/hello.py"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    args = arguments(parser)
    folder = Path(tempfile.mkdtemp(prefix="vanguard-throughput-"))
    cookies = folder / "users.txt"
    cookies.write_text("".join(f"{cookie}\n" for cookie in members_signed_in(folder)))
    with Server(folder / "hello.log", command=HELLO, ready="/") as hello:
        bare = load(hello.url + "/", cookies, args.seconds)
    with Server(folder / "app.log") as app:
        check_pages(app.url, cookies)
        page = load(app.url + "/worklist", cookies, args.seconds)
    share = 100 * page["rate"] / bare["rate"]
    how = f"{page['rate']:,.0f} vs {bare['rate']:,.0f} requests/s, 1 worker, 64 connections"
    figures = [
        Figure("worklist throughput vs bare ASGI", share, "%", GOAL_SHARE, True, how),
        Figure(
            "worklist p95, 64 concurrent users",
            page["p95_ms"],
            "ms",
            GOAL_P95_MS,
            False,
            f"p50 {page['p50_ms']:.0f} ms, p99 {page['p99_ms']:.0f} ms, errors {page['errors']},"
            f" over 2 s {page['timeouts']}",
        ),
    ]
    report(figures, args.figures)


def members_signed_in(folder: Path) -> list[str]:
    """A fresh SQLite database in the folder, used by the app from now on: USERS members with
    HOUSEHOLDS_EACH households each, half of them visited; each member's session cookie."""
    os.environ.update(
        VANGUARD_DATABASE_URL=f"sqlite:///{folder / 'bench.db'}",
        VANGUARD_SECRET_KEY="bench",
        VANGUARD_ID_KEY="bench",
    )
    members = prepare(USERS, HOUSEHOLDS_EACH)
    visit_half(members)
    return signed_in(members)


def visit_half(members: list[Member]) -> None:
    """Half of each member's households visited, as the demo's members visit theirs."""
    from sqlmodel import Session

    from app.core.db import get_engine
    from app.demo import record_demo_visits
    from app.models import User

    chance = random.Random(13)
    with Session(get_engine()) as session:
        for member in members:
            record_demo_visits(session, session.get(User, member.id), chance)
    get_engine().dispose()


def signed_in(members: list[Member]) -> list[str]:
    """A browser session per member, as signing in opens one: the Cookie header it sends."""
    from sqlmodel import Session

    from app.core.db import get_engine
    from app.models import User

    with Session(get_engine()) as session:
        cookies = [session_cookie(session, session.get(User, m.id)) for m in members]
        session.commit()
    get_engine().dispose()
    return cookies


def check_pages(url: str, cookies: Path) -> None:
    """Each member's own worklist, not a way round it (a sign-in page, an error)."""
    for cookie in cookies.read_text().splitlines():
        answer = httpx.get(f"{url}/worklist", headers={"Cookie": cookie})
        if answer.status_code != 200 or "work-item" not in answer.text:
            raise SystemExit(f"/worklist answered {answer.status_code}, not a member's worklist")


def load(url: str, cookies: Path, seconds: int) -> dict:
    """wrk on one thread with 64 connections; a second of warming first."""
    command = ["wrk", "-t1", f"-c{USERS}", "-s", str(ROOT / "bench" / "users.lua"), url]
    env = {**os.environ, "BENCH_COOKIES": str(cookies)}
    subprocess.run([*command[:1], "-d1s", *command[1:]], env=env, check=True, capture_output=True)
    done = subprocess.run(
        [*command[:1], f"-d{seconds}s", *command[1:]],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["rate"] = figures["requests"] / figures["seconds"]
    return figures


if __name__ == "__main__":
    main()
