"""Shapes of the API's answers (fields fixed by api.md; new ones may be added)."""

from collections.abc import Iterable
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.domain.codes import (
    HouseholdKind,
    InsuranceStatus,
    Metric,
    RegionLevel,
    Relation,
    Role,
    SubsidyCategory,
)
from app.domain.identifiers import mask_phone
from app.domain.registry import PersonForm
from app.services.households import HouseholdRow, HouseholdView, PersonView


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


def attributes(record: object, names: Iterable[str]) -> dict[str, Any]:
    """The named attributes of a stored record, for an answer that shows them as they are."""
    return {name: getattr(record, name) for name in names if hasattr(record, name)}


class VillageRef(BaseModel):
    id: int
    name: str


class HouseholdSummary(BaseModel):
    id: int
    kind: HouseholdKind
    household_key: str | None
    entity_name: str | None
    address: str
    village: VillageRef
    village_group: str
    people_count: int
    head_name: str | None
    assignee_id: int | None
    version: int

    @classmethod
    def of(cls, row: HouseholdRow) -> "HouseholdSummary":
        household = row.household
        return cls(
            **attributes(household, set(cls.model_fields) - {"village"}),
            village=VillageRef(id=household.village_id, name=row.village_name),
            people_count=row.people_count,
            head_name=row.head_name,
        )


class HouseholdPageOut(BaseModel):
    items: list[HouseholdSummary]
    total: int
    page: int
    page_size: int


class PersonOut(BaseModel):
    """A person with the ID number and phone masked: full numbers never leave through the API."""

    id: int
    name: str
    id_number_masked: str
    sex: Literal["M", "F"]
    birth_date: date
    age: int
    phone_masked: str | None
    relation: Relation
    key_groups: list[int]
    subsidy_categories: list[SubsidyCategory]
    insurance_status: InsuranceStatus
    resident_tier: int | None
    years_paid: int | None
    stopped_since: date | None
    is_cadre: bool
    is_student: bool
    plan_lists: list[str]
    version: int

    @classmethod
    def of(cls, view: PersonView) -> "PersonOut":
        person = view.person
        return cls(
            **attributes(person, cls.model_fields),
            age=view.age,
            phone_masked=view.phone_masked,
            key_groups=view.key_groups,
            subsidy_categories=view.subsidies,
            plan_lists=view.plan_lists,
        )


class HouseholdOut(HouseholdSummary):
    credit_code: str | None
    grid: str
    phone_masked: str | None
    notes: str
    stale: bool
    people: list[PersonOut]

    @classmethod
    def of(cls, view: HouseholdView) -> "HouseholdOut":  # type: ignore[override]
        household = view.household
        computed = {"village", "people", "stale", "people_count", "head_name", "phone_masked"}
        return cls(
            **attributes(household, set(cls.model_fields) - computed),
            phone_masked=mask_phone(household.phone) if household.phone else None,
            village=VillageRef(id=view.village.id, name=view.village.name),
            people_count=len(view.people),
            head_name=view.people[0].person.name if view.people else None,
            stale=view.stale,
            people=[PersonOut.of(person) for person in view.people],
        )


class HouseholdIn(BaseModel):
    village_id: int
    address: str
    household_key: str | None = None
    village_group: str | None = None
    grid: str | None = None
    phone: str | None = None
    notes: str | None = None
    kind: HouseholdKind = HouseholdKind.household
    entity_name: str | None = None
    credit_code: str | None = None


class PersonIn(BaseModel):
    name: str
    id_number: str
    phone: str | None = None
    relation: Relation = Relation.other
    key_groups: list[int] = Field(default_factory=list)
    insurance_status: InsuranceStatus = InsuranceStatus.none
    resident_tier: int | None = None
    years_paid: int | None = None
    stopped_since: date | None = None
    subsidy_categories: list[SubsidyCategory] = Field(default_factory=list)
    occupation: str | None = None
    is_cadre: bool = False
    is_student: bool = False

    def as_form(self) -> PersonForm:
        """The same checks and messages as the page's form."""
        text = {
            name: "" if value is None else str(value)
            for name, value in self.model_dump(
                exclude={"key_groups", "subsidy_categories", "is_cadre", "is_student"}
            ).items()
        }
        return PersonForm(
            **text,
            key_groups=[str(group) for group in self.key_groups],
            subsidy_categories=[str(category) for category in self.subsidy_categories],
            is_cadre=self.is_cadre,
            is_student=self.is_student,
        )
