"""Several server processes (`python -m app.cli serve` with VANGUARD_WORKERS) share nothing
but the database: whichever process answers, a session is honoured and failed sign-ins count.

Runs on the suite's database of the run: SQLite in `make test`, PostgreSQL in `make test-pg`."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.core.config import PROJECT_ROOT
from tests import factories
from tests.conftest import TEST_KEYS

WORKERS = 2


@dataclass
class Served:
    url: str
    log: Path

    def answering_processes(self, method: str, path: str) -> set[str]:
        said = re.compile(rf'\[(\d+)\] .*"{method} {path} ')
        return {m[1] for line in self.log.read_text().splitlines() if (m := said.search(line))}


def free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(database_url, tmp_path) -> Iterator[Served]:
    port, log = free_port(), tmp_path / "server.log"
    env = {
        **os.environ,
        **TEST_KEYS,
        "VANGUARD_DATABASE_URL": database_url,
        "VANGUARD_WORKERS": str(WORKERS),
        "VANGUARD_PORT": str(port),
    }
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url, log)
        yield Served(url, log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def wait_until_ready(url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/api/v1/health", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"the server did not start:\n{log.read_text()}")


def new_connection(url: str, **cookies: str) -> httpx.Client:
    """One request per connection, so the kernel hands each to any of the processes."""
    return httpx.Client(base_url=url, cookies=cookies, headers={"Connection": "close"})


def sign_in(url: str, username: str, password: str) -> httpx.Response:
    with new_connection(url) as browser:
        browser.get("/login")
        form = {
            "username": username,
            "password": password,
            "csrf_token": browser.cookies["vg_csrf"],
        }
        answer = browser.post("/login", data=form)
        answer.session = browser.cookies.get("vg_session")
        return answer


def test_a_session_opened_through_one_process_is_honoured_by_every_process(served):
    session = sign_in(served.url, "mei", factories.PASSWORD).session

    for _ in range(40):
        with new_connection(served.url, vg_session=session) as browser:
            page = browser.get("/worklist")
            assert page.status_code == 200
            assert "/login" not in str(page.url)

    assert len(served.answering_processes("GET", "/worklist")) == WORKERS


def test_failed_sign_ins_count_across_processes(served):
    """Wrong passwords until every process has refused some (five are enough to throttle)."""
    for attempt in range(40):
        assert sign_in(served.url, "mei", "not-her-password").session is None
        if attempt >= 4 and len(served.answering_processes("POST", "/login")) == WORKERS:
            break

    throttled = sign_in(served.url, "mei", factories.PASSWORD)

    assert len(served.answering_processes("POST", "/login")) == WORKERS
    assert throttled.session is None
    assert "登录失败次数过多" in throttled.text
