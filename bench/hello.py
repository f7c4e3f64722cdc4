"""The yardstick: a bare ASGI hello-world, served exactly as `python -m app.cli serve` serves
the app (same uvicorn settings, loop, parser, workers and access log)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


async def app(scope, receive, send) -> None:
    if scope["type"] != "http":
        return
    headers = [(b"content-type", b"text/plain")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"Hello, world!"})


if __name__ == "__main__":
    import uvicorn

    from app.cli import server_options

    uvicorn.run("bench.hello:app", **server_options())
