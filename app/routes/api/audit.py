"""The audit trail for programs (admins only): the same rows as the admin's page, read-only."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from app.core import clock
from app.core.config import get_settings
from app.core.db import SessionDep
from app.core.i18n import N_
from app.deps import api_role
from app.domain.audit import moment
from app.domain.codes import Role
from app.models import AuditEvent, User
from app.routes.api.errors import UNPROCESSABLE, LocalisedErrors, unprocessable
from app.services import audit_log

router = APIRouter(tags=["audit"], route_class=LocalisedErrors)

ApiAdmin = Annotated[User, Depends(api_role(Role.admin))]
SINCE = N_("Enter a date (YYYY-MM-DD) or a date and time as ISO 8601.")


class AuditEventOut(BaseModel):
    id: int
    at: datetime
    user_id: int | None
    username: str
    action: str
    target: str
    detail: dict[str, Any]

    @classmethod
    def of(cls, event: AuditEvent) -> "AuditEventOut":
        fields = event.model_dump(include={"id", "user_id", "username", "action", "target"})
        return cls(**fields, at=clock.local(event.at), detail=event.detail)


class AuditPageOut(BaseModel):
    items: list[AuditEventOut]
    total: int
    page: int
    page_size: int


@router.get("/audit", response_model=AuditPageOut, responses=UNPROCESSABLE)
def audit_list(
    request: Request,
    session: SessionDep,
    admin: ApiAdmin,
    action: str = "",
    user_id: int | None = None,
    since: Annotated[str, Query(description="A date (from its start) or an ISO 8601 moment.")] = "",
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=audit_log.MAX_PAGE_SIZE)] = audit_log.PAGE_SIZE,
):
    """Newest first. Dates and moments without an offset are business time (Asia/Shanghai)."""
    try:
        start = moment(since, get_settings().zone) if since.strip() else None
    except ValueError:
        return unprocessable(request, [(("query", "since"), SINCE, "value_error")])
    filters = audit_log.AuditFilters(action=action.strip(), user_id=user_id, since=start)
    found = audit_log.search(session, filters, page, page_size)
    return AuditPageOut(
        items=[AuditEventOut.of(event) for event in found.rows],
        total=found.total,
        page=found.page,
        page_size=found.page_size,
    )
