"""The offline queue's bearer token (离线队列): visits recorded without signal are sent later
through the JSON API, which takes bearer tokens only. A signed-in member gets one here from
her cookie session, so the phone never keeps her password; when it expires the queue asks
again, which works only while she is still signed in."""

from datetime import datetime
from typing import Annotated

from fastapi import Depends
from pydantic import BaseModel

from app.core import clock
from app.core.db import SessionDep
from app.core.routing import Router
from app.deps import require_role
from app.domain.codes import Role
from app.models import User
from app.models.auth import SessionKind
from app.services.auth import open_session

router = Router()

Recorder = Annotated[User, Depends(require_role(Role.admin, Role.lead, Role.member))]


class QueueTokenOut(BaseModel):
    access_token: str
    expires_at: datetime


@router.post("/offline/token", response_model=QueueTokenOut)
def queue_token(session: SessionDep, user: Recorder) -> QueueTokenOut:
    """A normal API token for the signed-in user, opened as the API's token route opens one.
    Its sign-in was audited when the cookie session began; no password is checked here."""
    token, opened = open_session(session, user, SessionKind.api)
    return QueueTokenOut(access_token=token, expires_at=clock.local(opened.expires_at))
