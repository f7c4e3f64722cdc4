"""The region tree and the targets."""

from fastapi import APIRouter

from app.core.db import SessionDep
from app.deps import ApiUser
from app.domain.targets import as_number
from app.routes.api.schemas import RegionOut, TargetOut
from app.services import regions, targets

router = APIRouter(tags=["regions"])


@router.get("/regions", response_model=list[RegionOut])
def region_list(user: ApiUser, session: SessionDep, parent_id: int | None = None):
    return [
        RegionOut.model_validate(r, from_attributes=True)
        for r in regions.children(session, parent_id)
    ]


@router.get("/targets", response_model=list[TargetOut])
def target_list(
    user: ApiUser, session: SessionDep, year: int | None = None, region_id: int | None = None
):
    return [
        TargetOut(
            id=target.id,
            region_id=region.id,
            region_name=region.name,
            metric=target.metric,
            year=target.year,
            value=as_number(target.value),
        )
        for target, region in targets.active_targets(session, year=year, region_id=region_id)
    ]
