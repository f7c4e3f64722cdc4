"""Paper walk sheets for villages without signal: a member's households per village group,
with people (ID numbers masked) and boxes for the three ones and the outcome codes."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from app.domain.paging import batches, page_within
from app.domain.people import age
from app.models import Household, Person, User
from app.services.worklists import WorklistEntry, worklist

# Households per page of a sheet keyed in (app.services.back_entry): a village group's worth
# on one form, and at a few fields per person well within what a form may send (FORM_FIELDS).
PAGE_SIZE = 100
CHUNK = 500  # household ids per statement: the database limits how many values one binds


@dataclass(frozen=True)
class SheetPerson:
    """A person's row as printed (the ID number masked), with the current resident tier that
    back entry fills in for raise_tier."""

    id: int
    name: str
    age: int
    id_number_masked: str
    resident_tier: int | None


@dataclass
class SheetHousehold:
    household: Household
    people: list[SheetPerson]


@dataclass
class WalkSheet:
    village_name: str
    village_group: str
    households: list[SheetHousehold]


@dataclass
class SheetPage:
    sheets: list[WalkSheet]
    page: int
    pages: int


def groups_of(session: Session, member: User) -> list[str]:
    query = select(Household.village_group).where(Household.assignee_id == member.id).distinct()
    return sorted(group for group in session.exec(query))


def for_member(session: Session, member: User, today: date, village_group: str) -> list[WalkSheet]:
    """The member's households in worklist order, one sheet per village and group; every
    group when none is named ("")."""
    return _sheets(session, _printed(session, member, today, village_group or None), today)


def page_of_group(
    session: Session, member: User, today: date, village_group: str, page: int
) -> SheetPage:
    """PAGE_SIZE households of one village group's sheets (the households without a group
    too, ""), in the printed order."""
    printed = _printed(session, member, today, village_group)
    page, pages = page_within(len(printed), page, PAGE_SIZE)
    shown = printed[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return SheetPage(_sheets(session, shown, today), page, pages)


def _printed(
    session: Session, member: User, today: date, village_group: str | None
) -> list[WorklistEntry]:
    """The member's households (of one group, if named) in the order printed: sheet by sheet,
    as the worklist first reaches each village and group, each sheet in worklist order."""
    sheets: dict[tuple[str, str], list[WorklistEntry]] = {}
    for entry in worklist(session, member, today):
        group = entry.household.village_group
        if village_group is None or group == village_group:
            sheets.setdefault((entry.village_name, group), []).append(entry)
    return [entry for entries in sheets.values() for entry in entries]


def _sheets(session: Session, printed: list[WorklistEntry], today: date) -> list[WalkSheet]:
    """The households cut into sheets by village and group, each with its people."""
    people = _people(session, [entry.household.id for entry in printed], today)
    sheets: dict[tuple[str, str], WalkSheet] = {}
    for entry in printed:
        household = entry.household
        key = (entry.village_name, household.village_group)
        sheet = sheets.setdefault(key, WalkSheet(entry.village_name, household.village_group, []))
        sheet.households.append(SheetHousehold(household, people.get(household.id, [])))
    return list(sheets.values())


def _people(
    session: Session, household_ids: list[int], today: date
) -> dict[int, list[SheetPerson]]:
    """The households' people, as many households at once as a statement may name, each
    household's in the order they were registered."""
    found: dict[int, list[SheetPerson]] = {}
    for chunk in batches(household_ids, CHUNK):
        query = (
            select(
                Person.household_id,
                Person.id,
                Person.name,
                Person.birth_date,
                Person.id_number_masked,
                Person.resident_tier,
            )
            .where(col(Person.household_id).in_(chunk))
            .order_by(Person.id)
        )
        for household_id, person_id, name, birth_date, masked, tier in session.exec(query):
            person = SheetPerson(person_id, name, age(birth_date, today), masked, tier)
            found.setdefault(household_id, []).append(person)
    return found
