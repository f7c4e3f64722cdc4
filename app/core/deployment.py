"""A production server's look at its first requests: when they say the proxy is not trusted
(every caller has one address) or TLS is not seen, the log says so once."""

import logging

from starlette.types import ASGIApp, Receive, Scope, Send

from app.domain.throttle import deployment_doubts

# The server's own log, where whoever runs it looks at start-up.
logger = logging.getLogger("uvicorn.error")
# Enough callers that a working proxy set-up shows more than one address.
FIRST_REQUESTS = 50
# A load balancer's health checks come from one address over plain http whatever the set-up.
NOT_CALLERS = ("/api/v1/health",)


class DeploymentCheck:
    def __init__(self, app: ASGIApp, first_requests: int = FIRST_REQUESTS) -> None:
        self.app = app
        self.first_requests = first_requests
        self.seen: list[tuple[str, str]] | None = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.seen is not None and scope["type"] == "http" and scope["path"] not in NOT_CALLERS:
            address = scope["client"][0] if scope.get("client") else ""
            self.seen.append((address, scope["scheme"]))
            if len(self.seen) >= self.first_requests:
                for doubt in deployment_doubts(self.seen):
                    logger.warning(doubt)
                self.seen = None
        await self.app(scope, receive, send)
