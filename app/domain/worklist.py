"""A member's worklist (我的任务) in priority order, from the contact facts it is given: follow-ups
due today or overdue first, then households never contacted, then those with someone on one of
the plan's lists, then the rest."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Section(StrEnum):
    due = "due"
    new = "new"
    plan = "plan"
    other = "other"


SECTION_ORDER = list(Section)


@dataclass(frozen=True)
class HouseholdFacts:
    household_id: int
    follow_up_on: date | None = None
    last_contact: date | None = None
    on_plan_list: bool = False
    village_group: str = ""
    address: str = ""


def section(facts: HouseholdFacts, today: date) -> Section:
    if facts.follow_up_on is not None and facts.follow_up_on <= today:
        return Section.due
    if facts.last_contact is None:
        return Section.new
    if facts.on_plan_list:
        return Section.plan
    return Section.other


def prioritise(
    households: list[HouseholdFacts], today: date
) -> list[tuple[HouseholdFacts, Section]]:
    """Sections in order; overdue follow-ups oldest first; otherwise by village group and
    address, so walking the list walks the village."""

    def key(entry: tuple[HouseholdFacts, Section]):
        facts, where = entry
        due = facts.follow_up_on if where == Section.due else date.max
        return (
            SECTION_ORDER.index(where),
            due,
            not facts.on_plan_list,
            facts.village_group,
            facts.address,
            facts.household_id,
        )

    return sorted(((facts, section(facts, today)) for facts in households), key=key)
