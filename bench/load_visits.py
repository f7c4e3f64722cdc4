"""A morning rush (issues 12 and 22): members send visits at once through the API for a while,
as the phone's outbox does: one after another, the same client UUID again after a failure or
no answer, after the Retry-After a 503 names; one visit in ten is sent twice at once (a resend
racing the first). Against uvicorn on loopback with a fresh database, SQLite (WAL) and a
throwaway PostgreSQL cluster. Counted: requests, visits acknowledged, answers 500 (goal 0) and
503 (apart: few), p95 from a visit's first send to its acknowledgement (≤ 2 s SQLite, ≤ 1 s
PostgreSQL), visits lost (acknowledged, not stored) and doubled (one UUID stored twice): 0. The
crash run kills every server process with SIGKILL in the middle and starts them again; the
members carry on and no acknowledged visit may be missing afterwards.

    python bench/load_visits.py [--members 100] [--seconds 60] [--workers 2]
                                [--database sqlite|postgres|both] [--runs rush|crash|both]
"""

import argparse
import asyncio
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.goals import Figure, report  # noqa: E402
from bench.postgres_copy import throwaway_cluster  # noqa: E402
from bench.serving import PASSWORD, Member, Server, prepare  # noqa: E402

HOUSEHOLDS_PER_MEMBER = 3
ATTEMPT_TIMEOUT = 10.0  # seconds one send may take before the member sends it again
GRACE = 30.0  # seconds after the run for visits still being retried
RETRIED = {408, 429, 500, 502, 503, 504}  # answers a member sends again; other 4xx are errors
RESENT = 0.1  # the share of visits sent twice at once
P95_GOAL_MS = {"SQLite": 2000, "PostgreSQL": 1000}
BUSY_GOAL = 1.0  # % of requests answered 503
HEALTH_GOAL_MS = 200  # the health check while the writes queue ("stays fast")


@dataclass
class Figures:
    acknowledged: set[str] = field(default_factory=set)
    failed: dict[str, str] = field(default_factory=dict)  # client UUID → why
    attempts: int = 0
    answers: dict[int, int] = field(default_factory=dict)  # status → how often
    retries: dict[str, int] = field(default_factory=dict)  # why a send was repeated → how often
    request_ms: list[float] = field(default_factory=list)  # each answered send
    health_ms: list[float] = field(default_factory=list)  # GET /api/v1/health meanwhile
    visit_ms: list[float] = field(default_factory=list)  # first send to acknowledgment

    def retried(self, why: str) -> None:
        self.retries[why] = self.retries.get(why, 0) + 1


# --- the database ------------------------------------------------------------------------------


def stored_visits() -> dict[str, int]:
    """How many times each client UUID is stored (VANGUARD_DATABASE_URL)."""
    from app.core.db import get_engine

    with get_engine().connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT client_uuid, count(*) FROM visit GROUP BY client_uuid"
        )
        stored = dict(rows.fetchall())
    get_engine().dispose()
    return stored


# --- the members -------------------------------------------------------------------------------


async def sign_in(client: httpx.AsyncClient, member: Member, gate: asyncio.Semaphore) -> None:
    async with gate:  # password hashing is slow on purpose: a few at a time
        body = {"username": member.username, "password": PASSWORD}
        answer = await client.post("/api/v1/auth/token", json=body, timeout=60)
        answer.raise_for_status()
        member.token = answer.json()["access_token"]


def a_visit(member: Member, serial: int) -> dict:
    household_id, person_id = member.households[serial % len(member.households)]
    body = {"client_uuid": str(uuid.uuid4()), "household_id": household_id}
    if serial % 4 == 3:
        return {
            **body,
            "channel": "home_visit",
            "reached": False,
            "not_reached_reason": "nobody_home",
        }
    return {**body, "channel": "home_visit", "reached": True, "person_ids": [person_id]}


async def send(
    client: httpx.AsyncClient, member: Member, body: dict, give_up: float, figures: Figures
) -> None:
    """Sends the visit until the server acknowledges it, a refusal that sending again cannot
    change, or ``give_up``; every attempt carries the same client UUID."""
    first, pause = time.perf_counter(), 0.05
    headers = {"Authorization": f"Bearer {member.token}"}
    while True:
        figures.attempts += 1
        started = time.perf_counter()
        try:
            answer = await client.post("/api/v1/visits", json=body, headers=headers)
        except httpx.TimeoutException:
            why = "timeout"
        except httpx.TransportError:
            why = "connection"
        else:
            figures.request_ms.append((time.perf_counter() - started) * 1000)
            figures.answers[answer.status_code] = figures.answers.get(answer.status_code, 0) + 1
            if answer.status_code in (200, 201):
                figures.acknowledged.add(body["client_uuid"])
                figures.visit_ms.append((time.perf_counter() - first) * 1000)
                return
            why = f"http {answer.status_code}"
            if answer.status_code not in RETRIED:
                figures.failed[body["client_uuid"]] = f"{why}: {answer.text[:200]}"
                return
        if time.perf_counter() >= give_up:
            figures.failed[body["client_uuid"]] = f"gave up after {why}"
            return
        figures.retried(why)
        if why == "http 503":  # the server said when: the outbox waits that long
            await asyncio.sleep(float(answer.headers.get("Retry-After", 5)))
            continue
        await asyncio.sleep(pause * random.uniform(0.5, 1.5))
        pause = min(pause * 2, 1.0)


async def member_at_work(
    client: httpx.AsyncClient, member: Member, until: float, figures: Figures
) -> None:
    serial = 0
    while time.perf_counter() < until:
        visit = a_visit(member, serial)
        times = 2 if random.random() < RESENT else 1
        await asyncio.gather(
            *(send(client, member, visit, until + GRACE, figures) for _ in range(times))
        )
        serial += 1


async def health_meanwhile(url: str, until: float, figures: Figures) -> None:
    """A read while the writes queue, twice a second, timed by curl in a process of its own:
    this process's event loop, busy with a hundred members on a small machine, would add its
    own lag (seconds) to the figure. Not counted while the server is down."""
    while time.perf_counter() < until:
        curl = await asyncio.create_subprocess_exec(
            *("curl", "-s", "-o", "/dev/null", "--max-time", "30"),
            *("-w", "%{http_code} %{time_total}", f"{url}/api/v1/health"),
            stdout=asyncio.subprocess.PIPE,
        )
        code, seconds = (await curl.communicate())[0].decode().split()
        if code == "200":
            figures.health_ms.append(float(seconds) * 1000)
        await asyncio.sleep(0.5)


async def run(server: Server, members: list[Member], seconds: float, kill: bool) -> dict:
    figures = Figures()
    limits = httpx.Limits(max_connections=len(members) + 10)
    timeout = httpx.Timeout(ATTEMPT_TIMEOUT)
    async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=timeout) as client:
        gate = asyncio.Semaphore(4)
        await asyncio.gather(*(sign_in(client, member, gate) for member in members))
        started = time.perf_counter()
        until = started + seconds
        work = [member_at_work(client, member, until, figures) for member in members]
        work.append(health_meanwhile(server.url, until, figures))
        crash = {}
        if kill:
            work.append(crash_and_restart(server, started, seconds, crash))
        await asyncio.gather(*work)
        elapsed = time.perf_counter() - started
    return {"figures": figures, "elapsed": elapsed, **crash}


async def crash_and_restart(server: Server, started: float, seconds: float, crash: dict):
    """SIGKILL at a random moment in the middle of the run, then start the server again."""
    await asyncio.sleep(random.uniform(0.25, 0.6) * seconds)
    crash["killed_at"] = time.perf_counter() - started
    server.kill()
    crash["back_after"] = await asyncio.to_thread(server.start)


# --- the report --------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def summary(
    run: str,
    database: str,
    args,
    figures: Figures,
    stored: dict[str, int],
    elapsed: float,
    crash: dict,
) -> list[Figure]:
    """What the run measured, printed, and its rows for the table."""
    lost = len(figures.acknowledged - stored.keys())
    doubled = sum(n - 1 for n in stored.values() if n > 1)
    unacknowledged = stored.keys() - figures.acknowledged
    acknowledged, requests = len(figures.acknowledged), figures.attempts
    print(f"{run}: {args.members} members for {args.seconds:g} s, {args.workers} worker(s)")
    if crash:
        print(
            f"  kill -9 of every server process at {crash['killed_at']:.1f} s; it answered "
            f"again {crash['back_after']:.1f} s later"
        )
    retried = ", ".join(f"{why} {n}" for why, n in sorted(figures.retries.items())) or "none"
    answers = ", ".join(f"{code}: {n}" for code, n in sorted(figures.answers.items()))
    print(
        f"  {requests} requests ({answers}); acknowledged {acknowledged} visits "
        f"({acknowledged / elapsed:.0f}/s); sent again: {retried}"
    )
    print(f"  stored but never acknowledged (the answer was lost): {len(unacknowledged)}")
    p50, p95 = percentile(figures.request_ms, 0.5), percentile(figures.request_ms, 0.95)
    print(f"  per request: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    health = percentile(figures.health_ms, 0.95)
    print(
        f"  GET /api/v1/health meanwhile: p95 {health:.0f} ms, max {max(figures.health_ms):.0f} ms"
    )
    for client_uuid, why in list(figures.failed.items())[:5]:
        print(f"    failed {client_uuid}: {why}")
    failed = sum(n for code, n in figures.answers.items() if code >= 500 and code != 503)
    busy = 100 * figures.answers.get(503, 0) / max(requests, 1)
    counts = f"{requests} requests, {acknowledged} acknowledged"
    return [
        Figure(f"{run}: answers 5xx but 503", failed, "", 0, False, counts),
        Figure(f"{run}: answers 503", busy, "%", BUSY_GOAL, False, "of requests, sent again"),
        Figure(
            f"{run}: p95 first send → acknowledged",
            percentile(figures.visit_ms, 0.95),
            "ms",
            P95_GOAL_MS[database],
            False,
            f"{len(figures.failed)} visits failed for good",
        ),
        Figure(
            f"{run}: health p95", health, "ms", HEALTH_GOAL_MS, False, "reads while writes wait"
        ),
        Figure(f"{run}: visits lost", lost, "", 0, False, "acknowledged, not stored"),
        Figure(f"{run}: visits doubled", doubled, "", 0, False, "one UUID stored twice"),
    ]


def measured(args, database: str, crash: bool, folder: Path) -> list[Figure]:
    """One run against a fresh database (VANGUARD_DATABASE_URL) and a server started on it."""
    members = prepare(args.members, HOUSEHOLDS_PER_MEMBER)
    server = Server(folder / "server.log", args.workers)
    try:
        server.start()
        outcome = asyncio.run(run(server, members, args.seconds, crash))
    finally:
        server.stop()
    killed = {k: outcome[k] for k in ("killed_at", "back_after") if k in outcome}
    name = f"{'rush with kill -9' if crash else 'rush'}, {database}"
    return summary(
        name, database, args, outcome["figures"], stored_visits(), outcome["elapsed"], killed
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--runs", choices=("rush", "crash", "both"), default="both")
    parser.add_argument("--keep", action="store_true", help="keep the databases and server logs")
    parser.add_argument("--figures", type=Path, help="also write the figures here (JSON)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="vanguard-load-"))
    os.environ.update(VANGUARD_ENV="dev", VANGUARD_SECRET_KEY="load", VANGUARD_ID_KEY="load")
    figures = []
    for database in ("sqlite", "postgres"):
        if args.database not in (database, "both"):
            continue
        for crash in (False, True):
            if args.runs not in (("crash" if crash else "rush"), "both"):
                continue
            run_folder = folder / f"{database}{'-crash' if crash else ''}"
            run_folder.mkdir()
            with ExitStack() as stack:
                if database == "sqlite":
                    url = f"sqlite:///{run_folder / 'load.db'}"
                else:
                    url = stack.enter_context(throwaway_cluster())
                os.environ["VANGUARD_DATABASE_URL"] = url
                _fresh_engine()
                label = "SQLite" if database == "sqlite" else "PostgreSQL"
                figures += measured(args, label, crash, run_folder)
    if args.keep:
        print(f"databases and server logs kept in {folder}")
    else:
        shutil.rmtree(folder)
    report(figures, args.figures)


def _fresh_engine() -> None:
    """The settings and engine read again from the environment (a run's own database)."""
    from app.core.config import get_settings
    from app.core.db import get_engine

    get_settings.cache_clear()
    get_engine.cache_clear()


if __name__ == "__main__":
    main()
