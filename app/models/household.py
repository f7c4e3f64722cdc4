"""The registry of people to reach (扩面增效人员信息): households and market entities, and
their people."""

from datetime import date, datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from app.domain.codes import HouseholdKind, InsuranceStatus, Relation, SubsidyCategory
from app.domain.registry import LENGTHS


class Household(SQLModel, table=True):
    # Imports group people into households by 户号, else by address, within a village. A claim
    # pool counts the unassigned households of its villages, not every unassigned one; idle
    # claims are found among a team's claims, not among everything its members hold.
    __table_args__ = (
        Index("ix_household_village_key", "village_id", "household_key"),
        Index("ix_household_village_address", "village_id", "address"),
        Index("ix_household_village_assignee", "village_id", "assignee_id"),
        Index("ix_household_assignee_claimed", "assignee_id", "claimed_at"),
    )

    @declared_attr
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}

    id: int | None = Field(default=None, primary_key=True)
    kind: HouseholdKind = Field(default=HouseholdKind.household, sa_type=String(10))
    household_key: str | None = Field(default=None, max_length=LENGTHS["household_key"], index=True)
    entity_name: str | None = Field(default=None, max_length=LENGTHS["entity_name"])
    credit_code: str | None = Field(default=None, max_length=18, unique=True)
    address: str = Field(max_length=LENGTHS["address"])
    village_id: int = Field(foreign_key="region.id")
    # 村民小组, or 小区/楼栋/单元 in towns
    village_group: str = Field(default="", max_length=LENGTHS["village_group"])
    grid: str = Field(default="", max_length=LENGTHS["grid"])  # 网格
    phone: str | None = Field(default=None, max_length=20)
    notes: str = Field(default="", max_length=LENGTHS["notes"])
    assignee_id: int | None = Field(default=None, foreign_key="user_account.id")
    claimed_at: datetime | None = None  # set when the assignee claimed it from a pool
    version: int = 1
    verified_at: datetime | None = None
    verified_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime
    updated_at: datetime


class Person(SQLModel, table=True):
    # A city's 20 000 cadres among its 2.3 M people, found without reading the rest (/cadres).
    __table_args__ = (Index("ix_person_cadre", "is_cadre", "household_id", "insurance_status"),)

    @declared_attr
    def __mapper_args__(cls):
        # Optimistic locking: an UPDATE from a stale copy matches no row and fails.
        return {"version_id_col": cls.__table__.c.version}

    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    name: str = Field(max_length=LENGTHS["name"], index=True)
    id_number_encrypted: str = Field(max_length=200)
    id_number_index: str = Field(max_length=64, unique=True)  # keyed hash for exact lookup
    id_number_masked: str = Field(max_length=18)
    id_number_flags: str = Field(default="", max_length=60)  # e.g. unknown_region_code
    sex: str = Field(max_length=1)
    birth_date: date = Field(index=True)
    # Statutory employee-pension retirement date (M60/F55 under the 2025 reform): fixed by birth
    # date and sex, kept so the plan lists can be filtered in SQL.
    retires_on: date | None = Field(default=None, index=True)
    phone: str | None = Field(default=None, max_length=20, index=True)
    relation: Relation = Field(default=Relation.other, sa_type=String(10))
    insurance_status: InsuranceStatus = Field(
        default=InsuranceStatus.none, sa_type=String(24), index=True
    )
    resident_tier: int | None = None  # yuan a year
    years_paid: int | None = None
    stopped_since: date | None = None
    occupation: str = Field(default="", max_length=LENGTHS["occupation"])
    is_cadre: bool = False
    is_student: bool = False
    version: int = 1
    verified_at: datetime | None = None
    verified_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime
    updated_at: datetime


class PersonKeyGroup(SQLModel, table=True):
    """The eight key groups (重点群体) of the plan, 1–8 in its order."""

    __tablename__ = "person_key_group"

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    key_group: int = Field(primary_key=True, index=True)


class PersonSubsidy(SQLModel, table=True):
    __tablename__ = "person_subsidy"

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    category: SubsidyCategory = Field(sa_type=String(24), primary_key=True, index=True)
