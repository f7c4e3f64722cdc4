"""The OpenAPI explorer at /docs, served from static/ (no CDN, no inline script)."""

from fastapi import Request

from app.core.routing import Router
from app.core.templating import render

router = Router(include_in_schema=False)


@router.get("/docs")
def api_docs(request: Request):
    return render(request, "docs.html")
