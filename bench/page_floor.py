"""What a signed-in page costs in this stack before any work of its own (issue 13; not in `make
bench`, it measures no goal). The worklist's throughput goal, 8 % of a bare ASGI hello-world,
leaves a page ~0.8 ms of one core, uvicorn's own share included; these figures say how much of
that the stack takes before the page reads its first household.

In process (no server, no network), straight through the app's middleware, routing and
dependencies, each step is asked as one of 64 signed-in members in turn, on the database of
bench/throughput.py; the mean of many requests is shown:

- a bare async route: the middleware stack, routing, a plain-text answer;
- with a database session (opened and closed, no query);
- with the signed-in member (the session cookie looked up: one query);
- with the base template rendered (the page's chrome, no content);
- the member's worklist (/worklist) itself.

    .venv/bin/python bench/page_floor.py [--requests 3000]
"""

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.throughput import members_signed_in


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    cookies = members_signed_in(Path(tempfile.mkdtemp(prefix="vanguard-floor-")))
    asyncio.run(measure(cookies, args.requests))


def steps() -> dict[str, str]:
    """The steps as routes added to the app, by what each shows."""
    from fastapi import Request
    from fastapi.responses import PlainTextResponse
    from fastapi.routing import APIRoute

    from app.core.db import SessionDep
    from app.core.templating import render
    from app.deps import CurrentUser
    from app.main import app

    async def bare() -> PlainTextResponse:
        return PlainTextResponse("ok")

    async def with_session(_session: SessionDep) -> PlainTextResponse:
        return PlainTextResponse("ok")

    async def signed_in_member(_user: CurrentUser) -> PlainTextResponse:
        return PlainTextResponse("ok")

    async def chrome(request: Request, _user: CurrentUser):
        return render(request, "errors/error.html", {"title": "ok", "message": ""})

    shown = {
        "a bare async route": bare,
        "+ a database session": with_session,
        "+ the signed-in member (one query)": signed_in_member,
        "+ the base template": chrome,
    }
    paths = {}
    for number, (label, endpoint) in enumerate(shown.items()):
        paths[label] = f"/floor/{number}"
        app.router.routes.insert(0, APIRoute(paths[label], endpoint))
    return {**paths, "the worklist (/worklist)": "/worklist"}


async def measure(cookies: list[str], requests: int) -> None:
    from app.main import app

    paths = steps()
    async with app.router.lifespan_context(app):
        for label, path in paths.items():
            for cookie in cookies:  # warm: statements built, templates compiled
                await asked(app, path, cookie)
            started = time.perf_counter()
            for number in range(requests):
                await asked(app, path, cookies[number % len(cookies)])
            mean = (time.perf_counter() - started) / requests
            print(f"{1e6 * mean:8.0f} µs  {label}")


async def asked(app, path: str, cookie: str) -> None:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"bench"),
            (b"cookie", cookie.encode()),
            (b"accept-encoding", b"gzip"),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    sent = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    if sent[0]["status"] != 200:
        raise SystemExit(f"{path} answered {sent[0]['status']}")


if __name__ == "__main__":
    main()
