"""Shapes of the API's answers (fields fixed by api.md; new ones may be added)."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.core import clock
from app.core.config import get_settings
from app.domain.codes import (
    ChangeStatus,
    Channel,
    HouseholdKind,
    InsuranceStatus,
    LeafletMedium,
    Metric,
    NotReachedReason,
    OutcomeCode,
    RegionLevel,
    Relation,
    Role,
    StepKind,
    SubsidyCategory,
    VisitSource,
)
from app.domain.identifiers import mask_phone
from app.domain.registry import LENGTHS, PersonForm
from app.domain.visits import (
    NOTES_LENGTH,
    REASON_LENGTH,
    EligibilityFacts,
    OutcomeForm,
    Progress,
    StepForm,
    VisitForm,
    is_eligible,
)
from app.services.calculations import CalculatorForm, KeptCalculation
from app.services.households import HouseholdRow, HouseholdView, PersonView

DEVICE = (
    "Addition: the device token from this phone's earlier sign-in to the account. With it the"
    " phone keeps its own allowance of failed sign-ins, whatever others try on the account."
)


class TokenRequest(BaseModel):
    username: str
    password: str
    device: str | None = Field(None, description=DEVICE)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    device: str = Field(description="Addition: keep it and send it with the next sign-in.")


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


class ThreeOnesOut(BaseModel):
    """The three ones (三个一) done for a person across all visits."""

    contact: bool
    calculation: bool
    leaflet: bool


class PersonOut(BaseModel):
    """A person with the ID number and phone masked: full numbers never leave through the API.
    ``three_ones_apply`` says whether the three ones count for them (16 up to retirement, not
    drawing a pension, not a student); ``three_ones`` is shown for everyone."""

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
    three_ones: ThreeOnesOut
    three_ones_apply: bool
    follow_up_on: date | None = Field(
        None,
        description="Their own follow-up: the date set with (or suggested for) their latest "
        "outcome; null when it needs none or they have no outcome yet.",
    )
    version: int

    @classmethod
    def of(
        cls, view: PersonView, progress: Progress, today: date, follow_up_on: date | None
    ) -> "PersonOut":
        person = view.person
        facts = EligibilityFacts(**attributes(person, EligibilityFacts.__dataclass_fields__))
        return cls(
            **attributes(person, cls.model_fields),
            age=view.age,
            phone_masked=view.phone_masked,
            key_groups=view.key_groups,
            subsidy_categories=view.subsidies,
            plan_lists=view.plan_lists,
            three_ones=ThreeOnesOut(**attributes(progress, ThreeOnesOut.model_fields)),
            three_ones_apply=is_eligible(facts, today),
            follow_up_on=follow_up_on,
        )


class HouseholdOut(HouseholdSummary):
    credit_code: str | None
    grid: str
    phone_masked: str | None
    notes: str
    stale: bool
    people: list[PersonOut]
    three_ones_done: int = Field(description="Done steps of the people the three ones apply to.")
    three_ones_total: int = Field(description="Three for each person they apply to.")

    @classmethod
    def of(  # type: ignore[override]
        cls,
        view: HouseholdView,
        progress: Mapping[int, Progress],
        today: date,
        follow_ups: Mapping[int, date | None],
    ) -> "HouseholdOut":
        """``follow_ups``: each person's own follow-up, by person."""
        household = view.household
        computed = {"village", "people", "stale", "people_count", "head_name", "phone_masked"}
        people = [
            PersonOut.of(
                p, progress.get(p.person.id, Progress()), today, follow_ups.get(p.person.id)
            )
            for p in view.people
        ]
        counted = [progress.get(p.id, Progress()) for p in people if p.three_ones_apply]
        return cls(
            **attributes(household, set(cls.model_fields) - computed),
            phone_masked=mask_phone(household.phone) if household.phone else None,
            village=VillageRef(id=view.village.id, name=view.village.name),
            people_count=len(view.people),
            head_name=view.people[0].person.name if view.people else None,
            stale=view.stale,
            people=people,
            three_ones_done=sum(p.done for p in counted),
            three_ones_total=3 * len(counted),
        )


def at_most(limit: int, default: Any = ..., **field: Any) -> Any:
    """A text field's limit in the schema; the rules check it (a 422 naming the field and the
    limit, in the caller's language), so nothing longer is cut."""
    return Field(default, json_schema_extra={"maxLength": limit}, **field)


class HouseholdIn(BaseModel):
    village_id: int
    address: str = at_most(LENGTHS["address"])
    household_key: str | None = at_most(LENGTHS["household_key"], None)
    village_group: str | None = at_most(LENGTHS["village_group"], None)
    grid: str | None = at_most(LENGTHS["grid"], None)
    phone: str | None = None
    notes: str | None = at_most(LENGTHS["notes"], None)
    kind: HouseholdKind = HouseholdKind.household
    entity_name: str | None = at_most(LENGTHS["entity_name"], None)
    credit_code: str | None = None


class PersonIn(BaseModel):
    name: str = at_most(LENGTHS["name"])
    id_number: str
    phone: str | None = None
    relation: Relation = Relation.other
    key_groups: list[int] = Field(default_factory=list)
    insurance_status: InsuranceStatus = InsuranceStatus.none
    resident_tier: int | None = None
    years_paid: int | None = None
    stopped_since: date | None = None
    subsidy_categories: list[SubsidyCategory] = Field(default_factory=list)
    occupation: str | None = at_most(LENGTHS["occupation"], None)
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


# --- visits ------------------------------------------------------------------------------------


def _text(value: object) -> str:
    """A value as the visit rules read it: every field of a VisitForm is typed text."""
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


Typed = str | int | float | None


class KeptCalculationIn(BaseModel):
    """A comparison the phone kept and showed offline: the calculator page's inputs by their
    form names, as typed. The server works it out again at the parameters in force and saves
    that, never figures sent by the phone."""

    birth_date: Typed = None
    sex: Typed = None
    category: Typed = None
    years_contributed: Typed = None
    current_tier: Typed = None
    account_balance: Typed = None
    prior_months: Typed = None
    prior_avg_index: Typed = None
    subsidy_group: Typed = "none"
    land_expropriated: bool = False
    interest_rate: Typed = None
    parameters_version: str = Field(
        max_length=60, description="The parameter version the phone showed the comparison at."
    )

    def kept(self) -> KeptCalculation:
        typed = self.model_dump(exclude={"land_expropriated", "parameters_version"})
        typed = {name: _text(value).strip() for name, value in typed.items()}
        form = CalculatorForm(
            **{name: text for name, text in typed.items() if text},  # blank: the page's default
            land_expropriated=self.land_expropriated,
        )
        return KeptCalculation(form, self.parameters_version)


class StepIn(BaseModel):
    """A calculation (``calculation_id`` of one saved for the person, or ``calculation``: one
    the phone kept, saved with the visit) or a leaflet handed over; ``kind`` may be left out
    when an id or a calculation says which."""

    person_id: int
    kind: StepKind | None = None
    calculation_id: int | None = None
    calculation: KeptCalculationIn | None = None
    leaflet_id: int | None = None
    leaflet_medium: LeafletMedium | None = None

    def as_form(self) -> StepForm:
        typed = self.model_dump(exclude={"calculation"})
        if self.calculation is not None and self.kind is None:
            typed["kind"] = StepKind.calculation
        return StepForm(**{name: _text(value) for name, value in typed.items()})


class OutcomeIn(BaseModel):
    person_id: int
    code: OutcomeCode
    from_value: int | None = Field(None, alias="from", description="raise_tier: the tier paid now.")
    to_value: int | None = Field(
        None, alias="to", description="join_resident, raise_tier: the tier; join_flexible: base %."
    )
    reason: str = at_most(
        REASON_LENGTH, "", description="refused: the reason they gave (required)."
    )

    def as_form(self) -> OutcomeForm:
        return OutcomeForm(**{name: _text(value) for name, value in self.model_dump().items()})


class VisitIn(BaseModel):
    """A visit as the offline app sends it; checked by the same rules as the visit form."""

    client_uuid: str = Field(description="Made by the client; sending it again stores nothing.")
    household_id: int
    channel: Channel
    reached: bool
    not_reached_reason: NotReachedReason | None = None
    person_ids: list[int] = Field(default_factory=list, description="The people spoken to.")
    occurred_at: datetime | None = Field(
        None, description="ISO 8601; without an offset it is Asia/Shanghai time; default now."
    )
    notes: str = at_most(NOTES_LENGTH, "")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    steps: list[StepIn] = Field(default_factory=list)
    outcomes: list[OutcomeIn] = Field(default_factory=list)
    follow_up_on: date | None = Field(None, description="Required when an outcome is undecided.")

    def moment(self) -> datetime:
        """When it happened, with its offset (business time when none was sent)."""
        if self.occurred_at is None:
            return clock.now()
        if self.occurred_at.tzinfo is None:
            return self.occurred_at.replace(tzinfo=get_settings().zone)
        return self.occurred_at

    def as_form(self, occurred_at: datetime) -> VisitForm:
        lists = {"person_ids", "steps", "outcomes"}
        text = self.model_dump(exclude={"household_id", "occurred_at", *lists})
        return VisitForm(
            **{name: _text(value) for name, value in text.items()},
            occurred_at=occurred_at.isoformat(),
            person_ids=[str(person) for person in self.person_ids],
            steps=[step.as_form() for step in self.steps],
            outcomes=[outcome.as_form() for outcome in self.outcomes],
        )

    def kept_calculations(self) -> dict[int, KeptCalculation]:
        """The comparisons the phone kept, by the index of their step."""
        steps = enumerate(self.steps)
        return {index: step.calculation.kept() for index, step in steps if step.calculation}


class StepOut(BaseModel):
    id: int
    person_id: int
    kind: StepKind
    calculation_id: int | None
    leaflet_id: int | None
    leaflet_version: int | None
    leaflet_medium: LeafletMedium | None


class OutcomeOut(BaseModel):
    id: int
    person_id: int
    code: OutcomeCode
    from_value: int | None = Field(serialization_alias="from")
    to_value: int | None = Field(serialization_alias="to")
    reason: str


class EnrolmentChangeOut(BaseModel):
    id: int
    person_id: int
    kind: OutcomeCode
    from_value: int | None = Field(serialization_alias="from")
    to_value: int | None = Field(serialization_alias="to")
    status: ChangeStatus
    effective_on: date


class VisitOut(BaseModel):
    """A stored visit with what was recorded on it; moments in business time (+08:00)."""

    id: int
    client_uuid: str
    household_id: int
    channel: Channel
    reached: bool
    not_reached_reason: NotReachedReason | None
    person_ids: list[int]
    occurred_at: datetime
    recorded_at: datetime
    recorded_by: int = Field(description="The user id of who recorded it.")
    source: VisitSource
    notes: str
    latitude: float | None
    longitude: float | None
    steps: list[StepOut]
    outcomes: list[OutcomeOut]
    follow_up_on: date | None = Field(description="The follow-up set with this visit.")
    enrolment_changes: list[EnrolmentChangeOut]


TimelineKind = Literal[
    "visit", "calculation", "leaflet", "outcome", "enrolment_change", "assignment", "edit"
]


class TimelineItemOut(BaseModel):
    """One event; the ids of what it concerns are given when it has them."""

    kind: TimelineKind
    at: datetime
    by: str = Field(description="Who recorded it (display name).")
    summary: str = Field(description="In the caller's language.")
    visit_id: int | None = None
    person_id: int | None = None
    calculation_id: int | None = None
    leaflet_id: int | None = None
    leaflet_version: int | None = None
    change_id: int | None = None
    code: OutcomeCode | None = None
    status: ChangeStatus | None = None
    source: VisitSource | None = None
    notes: str | None = None


class TimelineOut(BaseModel):
    items: list[TimelineItemOut]
