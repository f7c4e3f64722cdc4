"""Load and faults (issue 12): members submit visits at once through the API for a while, each
retrying a send that failed or went unanswered with the same client UUID, against uvicorn on
loopback with a fresh SQLite database (WAL). Counts errors (visits that failed for good), lost
visits (acknowledged but not stored), duplicated visits (a UUID stored twice) and the p95
latency; the goal is 0, 0, 0. With --kill the server's whole process group is killed with
SIGKILL at a random moment and started again; the members' retries carry on, and no visit
the server acknowledged may be missing afterwards.

    python bench/load_visits.py [--members 100] [--seconds 60] [--workers 2] [--kill]
"""

import argparse
import asyncio
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.serving import PASSWORD, Member, Server, prepare  # noqa: E402

HOUSEHOLDS_PER_MEMBER = 3
ATTEMPT_TIMEOUT = 10.0  # seconds one send may take before the member sends it again
GRACE = 30.0  # seconds after the run for visits still being retried
RETRIED = {408, 429, 500, 502, 503, 504}  # answers a member sends again; other 4xx are errors


@dataclass
class Figures:
    acknowledged: set[str] = field(default_factory=set)
    failed: dict[str, str] = field(default_factory=dict)  # client UUID → why
    attempts: int = 0
    retries: dict[str, int] = field(default_factory=dict)  # why a send was repeated → how often
    request_ms: list[float] = field(default_factory=list)  # each answered send
    visit_ms: list[float] = field(default_factory=list)  # first send to acknowledgment

    def retried(self, why: str) -> None:
        self.retries[why] = self.retries.get(why, 0) + 1


# --- the database ------------------------------------------------------------------------------


def stored_visits(database: Path) -> dict[str, int]:
    """How many times each client UUID is stored."""
    with closing(sqlite3.connect(database)) as connection:
        rows = connection.execute("SELECT client_uuid, count(*) FROM visit GROUP BY client_uuid")
        return dict(rows.fetchall())


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
        await asyncio.sleep(pause * random.uniform(0.5, 1.5))
        pause = min(pause * 2, 1.0)


async def member_at_work(
    client: httpx.AsyncClient, member: Member, until: float, figures: Figures
) -> None:
    serial = 0
    while time.perf_counter() < until:
        await send(client, member, a_visit(member, serial), until + GRACE, figures)
        serial += 1


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
    return statistics.quantiles(values, n=100)[int(share * 100) - 1]


def report(args, figures: Figures, stored: dict[str, int], elapsed: float, crash: dict) -> bool:
    lost = figures.acknowledged - stored.keys()
    duplicated = {u: n for u, n in stored.items() if n > 1}
    unacknowledged = stored.keys() - figures.acknowledged
    acknowledged = len(figures.acknowledged)
    print(
        f"load: {args.members} members sending visits for {args.seconds:g} s, "
        f"{args.workers} uvicorn worker(s), SQLite WAL, loopback"
    )
    if crash:
        print(
            f"  kill -9 of the server at {crash['killed_at']:.1f} s; it answered again "
            f"{crash['back_after']:.1f} s later"
        )
    retried = ", ".join(f"{why} {n}" for why, n in sorted(figures.retries.items())) or "none"
    print(
        f"  acknowledged {acknowledged} visits ({acknowledged / elapsed:.0f}/s) in "
        f"{figures.attempts} sends; sent again: {retried}"
    )
    print(f"  stored but never acknowledged (the answer was lost): {len(unacknowledged)}")
    verdicts = [
        ("errors", len(figures.failed)),
        ("lost (acknowledged, not stored)", len(lost)),
        ("duplicated (one UUID stored twice)", sum(n - 1 for n in duplicated.values())),
    ]
    for name, count in verdicts:
        print(f"  {name:<36} {count:>6}  (goal 0): {'ok' if count == 0 else 'MISS'}")
    p50, p95 = percentile(figures.request_ms, 0.5), percentile(figures.request_ms, 0.95)
    print(f"  latency per send: p50 {p50:.0f} ms, p95 {p95:.0f} ms (no goal set)")
    print(
        f"  first send to acknowledgment: p95 {percentile(figures.visit_ms, 0.95):.0f} ms, "
        f"max {max(figures.visit_ms, default=0):.0f} ms"
    )
    for client_uuid, why in list(figures.failed.items())[:5]:
        print(f"    failed {client_uuid}: {why}")
    return all(count == 0 for _name, count in verdicts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill", action="store_true", help="kill -9 the server mid-run")
    parser.add_argument("--keep", action="store_true", help="keep the database and server log")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="vanguard-load-"))
    database = folder / "load.db"
    os.environ.update(
        VANGUARD_ENV="dev",
        VANGUARD_DATABASE_URL=f"sqlite:///{database}",
        VANGUARD_SECRET_KEY="load-test",
        VANGUARD_ID_KEY="load-test",
    )
    members = prepare(args.members, HOUSEHOLDS_PER_MEMBER)
    server = Server(folder / "server.log", args.workers)
    try:
        server.start()
        outcome = asyncio.run(run(server, members, args.seconds, args.kill))
    finally:
        server.stop()
    crash = {k: outcome[k] for k in ("killed_at", "back_after") if k in outcome}
    met = report(args, outcome["figures"], stored_visits(database), outcome["elapsed"], crash)
    if args.keep:
        print(f"  database and server log kept in {folder}")
    else:
        for leftover in folder.iterdir():
            leftover.unlink()
        folder.rmdir()
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
