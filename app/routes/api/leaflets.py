"""Leaflets for programs: the published library, each with the link that opens without login."""

from fastapi import APIRouter
from pydantic import BaseModel

from app.core.db import SessionDep
from app.deps import ApiUser
from app.services import leaflets

router = APIRouter(tags=["leaflets"])


class AudienceOut(BaseModel):
    key_groups: list[int]  # the plan's key groups (1–8); empty for everyone
    age_from: int | None
    age_to: int | None


class LeafletOut(BaseModel):
    id: int
    title: str
    audience: AudienceOut
    version: int
    share_url: str  # an absolute path: no login, no personal data


@router.get("/leaflets", response_model=list[LeafletOut])
def leaflet_list(user: ApiUser, session: SessionDep):
    return [
        LeafletOut(
            id=v.leaflet_id,
            title=v.title,
            audience=AudienceOut(key_groups=v.key_groups, age_from=v.age_from, age_to=v.age_to),
            version=v.version,
            share_url=f"/l/{v.leaflet_id}",
        )
        for v in leaflets.published(session)
    ]
