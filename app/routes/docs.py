"""The OpenAPI explorer at /docs, served from static/ (no CDN, no inline script)."""

from fastapi import APIRouter, Request

from app.core.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def api_docs(request: Request):
    return render(request, "docs.html")
