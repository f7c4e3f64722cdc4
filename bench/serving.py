"""What the server benchmarks share: a free port, the server started the way `make serve`
starts it, and a fresh database with members who have households."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SERVE = [sys.executable, "-m", "app.cli", "serve"]


def free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A server on loopback in its own process group, so SIGKILL takes its workers too. By
    default the app through `python -m app.cli serve` (uvicorn as in production)."""

    def __init__(
        self, log: Path, workers: int = 1, command: list[str] = SERVE, ready: str = "/api/v1/health"
    ) -> None:
        self.port, self.workers, self.log = free_port(), workers, log
        self.command, self.ready = command, ready
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        """Starts it and answers how long it took to answer its ready path."""
        started = time.perf_counter()
        env = {**os.environ, "VANGUARD_PORT": str(self.port), "VANGUARD_HOST": "127.0.0.1"}
        env["VANGUARD_WORKERS"] = str(self.workers)
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
            )
        while time.perf_counter() - started < 60:
            try:
                if httpx.get(f"{self.url}{self.ready}", timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"the server did not start: see {self.log}")

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> "Server":
        self.start()
        return self

    def __exit__(self, *_) -> None:
        self.stop()


# --- the members -------------------------------------------------------------------------------

PASSWORD = "load-test-password"


@dataclass
class Member:
    id: int
    username: str
    households: list[tuple[int, int]]  # (household id, a person in it)
    token: str = ""


def prepare(members: int, households_each: int) -> list[Member]:
    """A migrated database (VANGUARD_DATABASE_URL) with the demo regions and teams, ``members``
    member accounts in 北城街道's first team (one password hash, copied) and
    ``households_each`` synthetic households each."""
    from sqlmodel import Session, select

    from app.cli import migrate
    from app.core import clock
    from app.core.db import get_engine
    from app.core.security import hash_password
    from app.demo import generate_households, load_demo
    from app.models import Household, Person, Region, RegionLevel, Role, Team, TeamMembership, User

    migrate(None)
    with Session(get_engine()) as session:
        load_demo(session, households=0)
        township = session.exec(select(Region).where(Region.name == "北城街道")).one()
        villages = session.exec(select(Region).where(Region.level == RegionLevel.village)).all()
        team = session.exec(select(Team).order_by(Team.id)).first()
        wanted = 2 * members * households_each  # a few synthetic households have no one
        generate_households(session, list(villages), wanted, seed=12)
        password_hash, now = hash_password(PASSWORD), clock.now()
        accounts = [
            User(
                username=f"load{number:03d}",
                display_name=f"压测队员{number}",
                password_hash=password_hash,
                role=Role.member,
                region_id=township.id,
                created_at=now,
            )
            for number in range(members)
        ]
        session.add_all(accounts)
        session.flush()
        session.add_all(TeamMembership(team_id=team.id, user_id=a.id) for a in accounts)
        first_person: dict[int, int] = {}
        for household_id, person_id in session.exec(
            select(Person.household_id, Person.id).order_by(Person.id)
        ):
            first_person.setdefault(household_id, person_id)
        homes = [
            home
            for home in session.exec(select(Household).order_by(Household.id))
            if home.id in first_person
        ]
        prepared = []
        for index, account in enumerate(accounts):
            own = homes[index * households_each : (index + 1) * households_each]
            for home in own:
                home.assignee_id = account.id
            worked = [(h.id, first_person[h.id]) for h in own]
            prepared.append(Member(account.id, account.username, worked))
        session.commit()
    get_engine().dispose()
    return prepared


def session_cookie(session, user) -> str:
    """The Cookie header of a browser session opened for the user, as signing in opens one
    (commit the session after)."""
    from app.core.security import sign
    from app.deps import SESSION_COOKIE
    from app.models.auth import SessionKind
    from app.services.auth import open_session

    token = open_session(session, user, SessionKind.web)[0]
    return f"{SESSION_COOKIE}={sign(token, 'session')}; vg_lang=zh_CN"
