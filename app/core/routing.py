"""The router every route module uses: FastAPI's, made to skip itself quickly.

FastAPI (0.16x) finds a request's route by asking every route of every included router in
turn, each at some cost; with this app's ~250 routes that search was most of a page's time
(bench/README.md). A router here first checks the request's first path segment against those
its routes begin with and, when none can match, says so at once. The same idea is proposed
upstream as fastapi/fastapi#16159.
"""

from fastapi import APIRouter
from fastapi.routing import iter_route_contexts
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope


class Router(APIRouter):
    """Its routes' paths are whole (written with their first segment): a Router included
    under a prefix would see paths its routes never begin with, so that is refused."""

    _first_segments: tuple[int, frozenset[str] | None] = (-1, None)

    def include_router(self, router: APIRouter, *args, prefix: str = "", **kwargs) -> None:
        if isinstance(router, Router) and (prefix or self.prefix):
            raise ValueError("include a Router without a prefix: its paths must be whole")
        super().include_router(router, *args, prefix=prefix, **kwargs)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        segments = self._segments()
        if segments is not None and _first_segment(get_route_path(scope)) not in segments:
            return Match.NONE, {}
        return super().matches(scope)

    def _segments(self) -> frozenset[str] | None:
        """The first segments of the routes' paths, or None when one begins with a parameter
        (then any path may match). Worked out again when routes are added."""
        counted, segments = self._first_segments
        if counted != len(self.routes):
            firsts = {_first_segment(c.path or "/{") for c in iter_route_contexts(self.routes)}
            segments = None if any("{" in first for first in firsts) else frozenset(firsts)
            self._first_segments = (len(self.routes), segments)
        return segments


def _first_segment(path: str) -> str:
    return path.split("/", 2)[1] if path.startswith("/") else path
