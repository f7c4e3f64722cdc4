"""Tokens, the caller's own account, and health."""

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.core.config import get_settings
from app.core.db import SessionDep
from app.deps import ApiUser, client_address
from app.models import Region
from app.models.auth import SessionKind
from app.routes.api.errors import api_gettext, refusals
from app.routes.api.schemas import HealthOut, MeOut, RegionRef, TokenOut, TokenRequest
from app.routes.auth import retry_after_header
from app.services.auth import LoginRefused, authenticate, device_token, open_session

router = APIRouter(tags=["accounts"])


@router.post("/auth/token", response_model=TokenOut, responses=refusals(401, 429))
def issue_token(body: TokenRequest, request: Request, session: SessionDep):
    try:
        address = client_address(request)
        user = authenticate(session, body.username, body.password, address, body.device)
    except LoginRefused as refused:
        detail = api_gettext(request)(refused.message, **refused.values)
        if refused.retry_after is not None:
            headers = {"Retry-After": retry_after_header(refused)}
            return JSONResponse({"detail": detail}, status.HTTP_429_TOO_MANY_REQUESTS, headers)
        return JSONResponse({"detail": detail}, status.HTTP_401_UNAUTHORIZED)
    token, _session = open_session(session, user, SessionKind.api)
    return TokenOut(
        access_token=token,
        expires_in=get_settings().token_hours * 3600,
        device=device_token(user, body.device),
    )


@router.get("/me", response_model=MeOut)
def me(user: ApiUser, session: SessionDep):
    region = session.get(Region, user.region_id)
    return MeOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        region=RegionRef(id=region.id, name=region.name, level=region.level),
        locale=user.locale,
    )


@router.get("/health", response_model=HealthOut)
def health(session: SessionDep):
    session.exec(text("SELECT 1"))
    return HealthOut(status="ok", database="ok")
