"""Checking what people type into the registry's forms (and import rows): each field parsed
into a stored value, or a message saying what is wrong with it."""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from pydantic import BaseModel

from app.core.i18n import N_, Message
from app.domain.codes import HouseholdKind, InsuranceStatus, Relation, SubsidyCategory
from app.domain.identifiers import (
    IdNumber,
    InvalidIdentifier,
    parse_credit_code,
    parse_id_number,
    parse_phone,
)
from app.domain.validation import Invalid, person_name, whole_number, within

KEY_GROUPS = range(1, 9)
# How many characters each typed field holds: its column's length (app.models.household), so
# what is refused here is exactly what would not fit.
LENGTHS = {
    "name": 60,
    "occupation": 200,
    "household_key": 40,
    "entity_name": 100,
    "address": 200,
    "village_group": 60,
    "grid": 60,
    "notes": 1000,
}


class PersonForm(BaseModel):
    """A person as typed: every value a string (or list of strings), kept to show again."""

    name: str = ""
    id_number: str = ""
    phone: str = ""
    relation: str = "other"
    key_groups: list[str] = []
    insurance_status: str = "none"
    resident_tier: str = ""
    years_paid: str = ""
    stopped_since: str = ""
    subsidy_categories: list[str] = []
    occupation: str = ""
    is_cadre: bool = False
    is_student: bool = False


@dataclass(frozen=True)
class PersonValues:
    name: str
    id_number: IdNumber
    phone: str | None
    relation: Relation
    key_groups: frozenset[int]
    insurance_status: InsuranceStatus
    resident_tier: int | None
    years_paid: int | None
    stopped_since: date | None
    subsidy_categories: frozenset[SubsidyCategory]
    occupation: str
    is_cadre: bool
    is_student: bool


def check_person(form: PersonForm, today: date) -> PersonValues:
    """The stored values, or Invalid naming every field that is wrong."""
    errors: dict[str, str | Message] = {}
    name = person_name(errors, "name", form.name, LENGTHS["name"])
    if not name:
        errors["name"] = N_("Enter the person's name.")
    occupation = within(errors, "occupation", form.occupation, LENGTHS["occupation"])
    id_number = _identifier(errors, "id_number", parse_id_number, form.id_number, today)
    phone = _identifier(errors, "phone", parse_phone, form.phone) if form.phone.strip() else None
    relation = _code(errors, "relation", Relation, form.relation or "other")
    status = _code(errors, "insurance_status", InsuranceStatus, form.insurance_status or "none")
    groups = _key_groups(errors, form.key_groups)
    subsidies = frozenset(
        _code(errors, "subsidy_categories", SubsidyCategory, c) for c in form.subsidy_categories
    )
    tier = _whole_number(errors, "resident_tier", form.resident_tier, 100, 100_000)
    years = _whole_number(errors, "years_paid", form.years_paid, 0, 80)
    stopped = _past_date(errors, "stopped_since", form.stopped_since, today)
    if status == InsuranceStatus.stopped and stopped is None and "stopped_since" not in errors:
        errors["stopped_since"] = N_("Enter the date payments stopped.")
    if errors:
        raise Invalid(errors)
    return PersonValues(
        name=name,
        id_number=id_number,
        phone=phone,
        relation=relation,
        key_groups=groups,
        insurance_status=status,
        resident_tier=tier if status == InsuranceStatus.resident else None,
        years_paid=years,
        stopped_since=stopped if status == InsuranceStatus.stopped else None,
        subsidy_categories=subsidies,
        occupation=occupation,
        is_cadre=form.is_cadre,
        is_student=form.is_student,
    )


class HouseholdForm(BaseModel):
    """A household or business as typed."""

    kind: str = "household"
    household_key: str = ""
    entity_name: str = ""
    credit_code: str = ""
    address: str = ""
    village_id: str = ""
    village_group: str = ""
    grid: str = ""
    phone: str = ""
    notes: str = ""


@dataclass(frozen=True)
class HouseholdValues:
    kind: HouseholdKind
    household_key: str | None
    entity_name: str | None
    credit_code: str | None
    address: str
    village_id: int | None
    village_group: str
    grid: str
    phone: str | None
    notes: str


HOUSEHOLD_TEXT = ("household_key", "entity_name", "address", "village_group", "grid", "notes")


def check_household(form: HouseholdForm) -> HouseholdValues:
    """The stored values (the village is checked against the region tree by the caller)."""
    errors: dict[str, str | Message] = {}
    kind = _code(errors, "kind", HouseholdKind, form.kind or "household")
    text = {
        name: within(errors, name, getattr(form, name), LENGTHS[name]) for name in HOUSEHOLD_TEXT
    }
    address = text["address"]
    if not address:
        errors["address"] = N_("Enter the address.")
    village_id = whole_number(form.village_id)
    if village_id is None:
        errors["village_id"] = N_("Choose the village or community.")
    entity_name = text["entity_name"] or None
    credit_code = None
    if kind == HouseholdKind.entity:
        if not entity_name:
            errors["entity_name"] = N_("Enter the business's name.")
        credit_code = _identifier(errors, "credit_code", parse_credit_code, form.credit_code)
    phone = _identifier(errors, "phone", parse_phone, form.phone) if form.phone.strip() else None
    if errors:
        raise Invalid(errors)
    return HouseholdValues(
        kind=kind,
        household_key=text["household_key"] or None,
        entity_name=entity_name if kind == HouseholdKind.entity else None,
        credit_code=credit_code,
        address=address,
        village_id=village_id,
        village_group=text["village_group"],
        grid=text["grid"],
        phone=phone,
        notes=text["notes"],
    )


def _identifier(errors, name, parse, text, *args):
    try:
        return parse(text, *args)
    except InvalidIdentifier as invalid:
        errors[name] = Message(invalid.message, invalid.values)
        return None


def _code(errors, name, codes, text):
    member = _member(codes, text)
    if member is None:
        errors[name] = N_("Choose a value from the list.")
    return member


# Forms and imported lists repeat a few choices row after row: each is checked once (memoised).
@lru_cache(maxsize=1024)
def _member(codes, text: str):
    return codes(text) if text in codes.__members__ else None


def _key_groups(errors, typed: list[str]) -> frozenset[int]:
    groups = _checked_key_groups(tuple(typed))
    if groups is None:
        errors["key_groups"] = N_("Choose key groups from the list.")
        return frozenset()
    return groups


@lru_cache(maxsize=1024)
def _checked_key_groups(typed: tuple[str, ...]) -> frozenset[int] | None:
    numbers = [whole_number(g) for g in typed]
    groups = frozenset(n for n in numbers if n is not None)
    if None in numbers or len(groups) != len(set(typed)) or not groups <= set(KEY_GROUPS):
        return None
    return groups


def _whole_number(errors, name, text, low, high) -> int | None:
    text = text.strip()
    if not text:
        return None
    number = whole_number(text)
    if number is not None and low <= number <= high:
        return number
    errors[name] = Message(
        N_("Enter a whole number from %(low)s to %(high)s."), {"low": low, "high": high}
    )
    return None


def _past_date(errors, name, text, today) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors[name] = N_("Enter a date such as 2024-06-30.")
        return None
    if day > today:
        errors[name] = N_("The date cannot be in the future.")
        return None
    return day
