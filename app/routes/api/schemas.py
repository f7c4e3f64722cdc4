"""Shapes of the API's answers (fields fixed by api.md; new ones may be added)."""

from pydantic import BaseModel

from app.models import Metric, RegionLevel, Role


class TokenRequest(BaseModel):
    username: str
    password: str


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class RegionRef(BaseModel):
    id: int
    name: str
    level: RegionLevel


class MeOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    region: RegionRef
    locale: str


class HealthOut(BaseModel):
    status: str
    database: str


class RegionOut(BaseModel):
    id: int
    name: str
    level: RegionLevel
    parent_id: int | None
    is_demonstration: bool
    code: str | None


class TargetOut(BaseModel):
    id: int
    region_id: int
    region_name: str
    metric: Metric
    year: int
    value: int | float
