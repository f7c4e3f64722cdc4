"""The household registry: search, read and change households and their people. Pages, the
API, the importer and tests all go through these functions."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, exists, false, func, or_
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, delete, select

from app.core import clock, crypto
from app.core.db import bulk_insert
from app.core.i18n import N_, Message
from app.domain import people as rules
from app.domain.audit import changes
from app.domain.codes import InsuranceStatus, RegionLevel, SubsidyCategory
from app.domain.identifiers import InvalidIdentifier, mask_phone, parse_id_number
from app.domain.paging import page_count
from app.domain.people import PlanList
from app.domain.registry import (
    LENGTHS,
    HouseholdForm,
    PersonForm,
    PersonValues,
    check_household,
    check_person,
)
from app.domain.validation import Invalid, search_too_long, whole_number
from app.models import Household, Person, PersonKeyGroup, PersonSubsidy, Region, User
from app.services import audit
from app.services.regions import subtree_ids
from app.services.scope import visible_households

PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
SEARCH_LENGTH = LENGTHS["address"]  # the longest text a search matches: a pasted address


DUPLICATE_ID_MESSAGE = N_("This ID number is already registered for another person.")


class EditConflict(Exception):
    """Someone else saved the record since it was opened: nothing was overwritten."""


@dataclass
class DuplicateIdNumber(Exception):
    """The ID number already belongs to another person (found by its blind index)."""

    person_id: int
    household_id: int


@dataclass
class HouseholdFilters:
    q: str = ""
    village_id: int | None = None
    key_group: int | None = None
    status: InsuranceStatus | None = None
    subsidy: SubsidyCategory | None = None
    plan_list: PlanList | None = None
    stale: bool = False
    aged_45_plus: bool = False
    grid: str = ""
    unassigned: bool = False
    assignee_id: int | None = None

    @property
    def narrowed(self) -> bool:
        """Whether any filter beyond the search box and the unassigned switch is set (pages
        open their folded filters then)."""
        folded = {"q", "unassigned"}
        return any(value for name, value in vars(self).items() if name not in folded)

    @property
    def too_long(self) -> Message | None:
        """What a search too long to run says; the list finds nothing then. The grid is kept
        whole too: matched exactly, a longer one finds nothing by itself."""
        return search_too_long(self.q, SEARCH_LENGTH)

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> "HouseholdFilters":
        """Filters from a query string; values that mean nothing are ignored, not errors."""

        def number(name: str) -> int | None:
            return whole_number(params.get(name))

        def code(name: str, codes):
            value = params.get(name, "")
            return codes(value) if value in codes.__members__ else None

        return cls(
            q=params.get("q", "").strip(),
            village_id=number("village_id"),
            key_group=number("key_group"),
            status=code("status", InsuranceStatus),
            subsidy=code("subsidy", SubsidyCategory),
            plan_list=code("plan_list", PlanList),
            stale=params.get("stale") in ("1", "true"),
            aged_45_plus=params.get("aged_45_plus") in ("1", "true"),
            grid=params.get("grid", "").strip(),
            unassigned=params.get("unassigned") in ("1", "true"),
            assignee_id=number("assignee_id"),
        )


@dataclass
class HouseholdRow:
    household: Household
    village_name: str
    people_count: int
    head_name: str | None


@dataclass
class HouseholdPage:
    rows: list[HouseholdRow]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.page_size)


def search(
    session: Session,
    user: User,
    filters: HouseholdFilters,
    today: date,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> HouseholdPage:
    page, page_size = max(1, page), min(max(1, page_size), MAX_PAGE_SIZE)
    conditions = [visible_households(session, user), *filter_conditions(filters, today)]
    total = session.exec(select(func.count()).select_from(Household).where(*conditions)).one()
    people_count = (
        select(func.count())
        .where(Person.household_id == Household.id)
        .correlate(Household)
        .scalar_subquery()
    )
    query = (
        select(Household, Region.name, people_count, head_name())
        .join(Region, col(Region.id) == Household.village_id)
        .where(*conditions)
        .order_by(Household.village_id, Household.household_key, Household.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    rows = [HouseholdRow(*row) for row in session.exec(query)]
    return HouseholdPage(rows, total, page, page_size)


def of_head(column):
    """The household's head's ``column`` (else its first person's), to read beside it."""
    return (
        select(column)
        .where(Person.household_id == Household.id)
        .order_by((Person.relation != "head"), Person.id)
        .limit(1)
    )


def head_name():
    return of_head(Person.name).correlate(Household).scalar_subquery()


def filter_conditions(filters: HouseholdFilters, today: date) -> list[ColumnElement[bool]]:
    if filters.too_long:
        return [false()]
    conditions: list[ColumnElement[bool]] = []
    if filters.q:
        conditions.append(_matches(filters.q, today))
    if filters.village_id is not None:
        conditions.append(Household.village_id == filters.village_id)
    if filters.grid:
        conditions.append(Household.grid == filters.grid)
    if filters.unassigned:
        conditions.append(col(Household.assignee_id).is_(None))
    if filters.assignee_id is not None:
        conditions.append(Household.assignee_id == filters.assignee_id)
    person_conditions = []
    if filters.key_group is not None:
        person_conditions.append(
            exists().where(
                PersonKeyGroup.person_id == Person.id,
                PersonKeyGroup.key_group == filters.key_group,
            )
        )
    if filters.status is not None:
        person_conditions.append(Person.insurance_status == filters.status)
    if filters.subsidy is not None:
        person_conditions.append(
            exists().where(
                PersonSubsidy.person_id == Person.id, PersonSubsidy.category == filters.subsidy
            )
        )
    if filters.plan_list is not None:
        person_conditions.append(plan_list_condition(filters.plan_list, today))
    if filters.aged_45_plus:
        born_by = rules.born_on_or_before(rules.PRECISE_LIST_AGE, today)
        person_conditions.append(col(Person.birth_date) <= born_by)
    if person_conditions:
        conditions.append(_some_person(*person_conditions))
    if filters.stale:
        conditions.append(_stale(today))
    return conditions


def _some_person(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(Person.household_id == Household.id, *conditions)


def _matches(q: str, today: date) -> ColumnElement[bool]:
    """An exact ID number (by its blind index), else a name, phone, address or household key."""
    try:
        number = parse_id_number(q, today).number
    except InvalidIdentifier:
        number = None
    if number is not None:
        return _some_person(Person.id_number_index == crypto.blind_index(number))
    pattern = f"%{q}%"
    digits = "".join(ch for ch in q if ch.isdigit())
    phone = [col(Household.phone).contains(digits)] if len(digits) >= 4 else []
    return or_(
        col(Household.address).like(pattern),
        Household.household_key == q,
        col(Household.entity_name).like(pattern),
        _some_person(col(Person.name).like(pattern)),
        *phone,
        *([_some_person(col(Person.phone).contains(digits))] if phone else []),
    )


def plan_list_condition(plan_list: PlanList, today: date) -> ColumnElement[bool]:
    """The SQL form of app.domain.people.plan_lists (a test keeps the two in step)."""
    status = col(Person.insurance_status)
    if plan_list == PlanList.stopped_paying:
        return status == InsuranceStatus.stopped
    if plan_list == PlanList.tier_raise:
        under_60 = col(Person.birth_date) > rules.born_on_or_before(
            rules.RESIDENT_BENEFIT_AGE, today
        )
        low_tier = or_(
            col(Person.resident_tier).is_(None),
            col(Person.resident_tier) < rules.TIER_RAISE_BELOW,
        )
        return (status == InsuranceStatus.resident) & under_60 & low_tier
    adult = col(Person.birth_date) <= rules.born_on_or_before(rules.ADULT_AGE, today)
    before_retirement = or_(col(Person.retires_on).is_(None), col(Person.retires_on) > today)
    return (
        status.in_([InsuranceStatus.none, InsuranceStatus.resident])
        & col(Person.is_student).is_(False)
        & adult
        & before_retirement
    )


def _stale(today: date) -> ColumnElement[bool]:
    cutoff = clock.start_of(rules.stale_since(today))
    return or_(col(Household.verified_at).is_(None), col(Household.verified_at) < cutoff)


# --- one household ---------------------------------------------------------------------------


@dataclass
class PersonView:
    """A person as pages and the API show them: the ID number masked, facts derived."""

    person: Person
    age: int
    key_groups: list[int]
    subsidies: list[str]
    plan_lists: list[str]
    phone_masked: str | None
    stale: bool


@dataclass
class HouseholdView:
    household: Household
    village: Region
    people: list[PersonView] = field(default_factory=list)
    stale: bool = False


def household_view(session: Session, household: Household, today: date) -> HouseholdView:
    people = session.exec(
        select(Person).where(Person.household_id == household.id).order_by(Person.id)
    ).all()
    groups = _links(session, PersonKeyGroup.key_group, [p.id for p in people])
    subsidies = _links(session, PersonSubsidy.category, [p.id for p in people])
    views = []
    for person in people:
        facts = rules.PersonFacts(
            birth_date=person.birth_date,
            insurance_status=person.insurance_status,
            resident_tier=person.resident_tier,
            is_student=person.is_student,
            retires_on=person.retires_on,
        )
        views.append(
            PersonView(
                person=person,
                age=rules.age(person.birth_date, today),
                key_groups=sorted(groups.get(person.id, [])),
                subsidies=sorted(subsidies.get(person.id, [])),
                plan_lists=sorted(rules.plan_lists(facts, today)),
                phone_masked=mask_phone(person.phone) if person.phone else None,
                stale=rules.is_stale(_local_date(person.verified_at), today),
            )
        )
    village = session.get(Region, household.village_id)
    stale = rules.is_stale(_local_date(household.verified_at), today)
    return HouseholdView(household, village, views, stale)


def _links(session: Session, column, person_ids: list[int]) -> dict[int, list]:
    table = column.class_
    found: dict[int, list] = {}
    rows = session.exec(select(table.person_id, column).where(col(table.person_id).in_(person_ids)))
    for person_id, value in rows:
        found.setdefault(person_id, []).append(value)
    return found


def _local_date(moment: datetime | None) -> date | None:
    return clock.local(moment).date() if moment else None


# --- changes -------------------------------------------------------------------------------------


def create_household(session: Session, form: HouseholdForm, *, by: User) -> Household:
    values = _checked_household(session, form, by)
    now = clock.now()
    household = Household(**values, created_at=now, updated_at=now, verified_at=now)
    household.verified_by_id = by.id
    session.add(household)
    session.flush()
    audit.record(session, "household_created", user=by, target=f"household:{household.id}")
    session.commit()
    return household


def update_household(
    session: Session, household: Household, form: HouseholdForm, version: int, *, by: User
) -> Household:
    values = _checked_household(session, form, by, household)
    changed = changes({name: getattr(household, name) for name in values}, values)
    _save(session, household, version, values, by)
    audit.record(
        session, "household_changed", user=by, target=f"household:{household.id}", fields=changed
    )
    return _commit(session, household)


def _checked_household(
    session: Session, form: HouseholdForm, by: User, household: Household | None = None
) -> dict:
    """Every field checked at once: the form's own checks, then the village against the tree
    and the user's region, then the credit code against the registry."""
    errors: dict = {}
    try:
        values = check_household(form)
    except Invalid as invalid:
        errors, values = invalid.errors, None
    village_id = whole_number(form.village_id)
    village = session.get(Region, village_id) if village_id else None
    if village is None or village.level != RegionLevel.village:
        errors["village_id"] = N_("Choose the village or community.")
    elif village.id not in subtree_ids(session, by.region_id):
        errors["village_id"] = N_("This village is outside your region.")
    if values and values.credit_code and _credit_code_taken(session, values.credit_code, household):
        errors["credit_code"] = N_("This credit code is already registered.")
    if errors:
        raise Invalid(errors)
    return vars(values).copy()


def _credit_code_taken(session: Session, code: str, household: Household | None) -> bool:
    query = select(Household.id).where(Household.credit_code == code)
    if household is not None:
        query = query.where(Household.id != household.id)
    return session.exec(query).first() is not None


def add_person(session: Session, household: Household, form: PersonForm, *, by: User) -> Person:
    values = check_person(form, clock.today())
    _refuse_duplicate(session, values.id_number.number, None)
    now = clock.now()
    person = Person(
        household_id=household.id,
        created_at=now,
        updated_at=now,
        verified_at=now,
        verified_by_id=by.id,
        **person_columns(values),
    )
    session.add(person)
    session.flush()
    insert_links(session, [(person.id, values)])
    audit.record(
        session, "person_added", user=by, target=f"person:{person.id}", household=household.id
    )
    return _commit(session, person)


def update_person(
    session: Session, person: Person, form: PersonForm, version: int, *, by: User
) -> Person:
    """A blank ID number keeps the stored one, which edit forms never show."""
    if not form.id_number.strip():
        form = form.model_copy(update={"id_number": crypto.decrypt(person.id_number_encrypted)})
    values = check_person(form, clock.today())
    _refuse_duplicate(session, values.id_number.number, person)
    columns = person_columns(values)
    before = {name: getattr(person, name) for name in columns} | _stored_links(session, person)
    changed = changes(
        before, columns | _links_as_compared(values.key_groups, values.subsidy_categories)
    )
    _save(session, person, version, columns, by)
    replace_links(session, [(person.id, values)])
    audit.record(session, "person_changed", user=by, target=f"person:{person.id}", fields=changed)
    return _commit(session, person)


def _stored_links(session: Session, person: Person) -> dict[str, frozenset[str]]:
    groups = _links(session, PersonKeyGroup.key_group, [person.id]).get(person.id, [])
    subsidies = _links(session, PersonSubsidy.category, [person.id]).get(person.id, [])
    return _links_as_compared(groups, subsidies)


def _links_as_compared(groups, subsidies) -> dict[str, frozenset[str]]:
    """Key groups and hardship categories as the audit compares them, stored or typed."""
    return {
        "key_groups": frozenset(map(str, groups)),
        "subsidy_categories": frozenset(map(str, subsidies)),
    }


def form_for(session: Session, person: Person) -> PersonForm:
    """The stored person as an edit form, without the ID number."""
    links = {
        table: _links(session, column, [person.id]).get(person.id, [])
        for table, column in (
            (PersonKeyGroup, PersonKeyGroup.key_group),
            (PersonSubsidy, PersonSubsidy.category),
        )
    }
    return PersonForm(
        name=person.name,
        phone=person.phone or "",
        relation=person.relation,
        key_groups=[str(group) for group in links[PersonKeyGroup]],
        insurance_status=person.insurance_status,
        resident_tier=str(person.resident_tier or ""),
        years_paid="" if person.years_paid is None else str(person.years_paid),
        stopped_since=person.stopped_since.isoformat() if person.stopped_since else "",
        subsidy_categories=[str(category) for category in links[PersonSubsidy]],
        occupation=person.occupation,
        is_cadre=person.is_cadre,
        is_student=person.is_student,
    )


def person_columns(values: PersonValues, index: str | None = None) -> dict:
    """The stored columns of a checked person: the ID number encrypted, indexed and masked.
    ``index``: the number's blind index when the caller has computed it already."""
    number = values.id_number
    return {
        "name": values.name,
        "id_number_encrypted": crypto.encrypt(number.number),
        "id_number_index": crypto.blind_index(number.number) if index is None else index,
        "id_number_masked": number.masked,
        "id_number_flags": "" if number.known_region else "unknown_region_code",
        "sex": number.sex,
        "birth_date": number.birth_date,
        "retires_on": rules.retirement_date(number.birth_date, number.sex),
        "phone": values.phone,
        "relation": values.relation,
        "insurance_status": values.insurance_status,
        "resident_tier": values.resident_tier,
        "years_paid": values.years_paid,
        "stopped_since": values.stopped_since,
        "occupation": values.occupation,
        "is_cadre": values.is_cadre,
        "is_student": values.is_student,
    }


def _refuse_duplicate(session: Session, number: str, person: Person | None) -> None:
    query = select(Person.id, Person.household_id).where(
        Person.id_number_index == crypto.blind_index(number)
    )
    if person is not None:
        query = query.where(Person.id != person.id)
    found = session.exec(query).first()
    if found is not None:
        raise DuplicateIdNumber(*found)


def replace_links(session: Session, people: list[tuple[int, PersonValues]]) -> None:
    """Each person's (id, checked values) key groups and hardship categories become the
    values': one statement per table, for one person or an import's whole batch."""
    ids = [person_id for person_id, _values in people]
    for table in (PersonKeyGroup, PersonSubsidy):
        session.exec(delete(table).where(col(table.person_id).in_(ids)))
    insert_links(session, people)


def insert_links(session: Session, people: list[tuple[int, PersonValues]]) -> None:
    """The key groups and hardship categories of people just added, who have none yet."""
    groups = [
        {"person_id": person_id, "key_group": group}
        for person_id, values in people
        for group in values.key_groups
    ]
    subsidies = [
        {"person_id": person_id, "category": category}
        for person_id, values in people
        for category in values.subsidy_categories
    ]
    bulk_insert(session, PersonKeyGroup, groups)
    bulk_insert(session, PersonSubsidy, subsidies)


def _save(session: Session, record, version: int, values: dict, by: User) -> None:
    """Apply the form to a record opened at ``version``; a newer saved version is a conflict."""
    if record.version != version:
        raise EditConflict
    for name, value in values.items():
        setattr(record, name, value)
    now = clock.now()
    record.updated_at = record.verified_at = now
    record.verified_by_id = by.id
    session.add(record)


def _commit(session: Session, record):
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        raise EditConflict from None
    session.refresh(record)
    return record


def mark_verified(session: Session, household: Household, *, by: User) -> None:
    """The team checked the household's facts on the spot (the plan's half-yearly refresh)."""
    household.verified_at, household.verified_by_id = clock.now(), by.id
    session.add(household)
    audit.record(session, "household_verified", user=by, target=f"household:{household.id}")
    _commit(session, household)


def reveal_id_number(session: Session, person: Person, reason: str, *, by: User) -> str:
    """The full number, for someone entitled to it, recorded with the reason they gave."""
    audit.record(session, "reveal_id_number", user=by, target=f"person:{person.id}", reason=reason)
    session.commit()
    return crypto.decrypt(person.id_number_encrypted)
