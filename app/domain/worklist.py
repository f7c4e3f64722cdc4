"""A member's worklist (我的任务) in priority order, from the contact facts it is given: follow-ups
due today or overdue first, then households never contacted, then those with someone on one of
the plan's lists, then the rest. And for the lead: why someone's three ones are not done yet."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.codes import NotReachedReason
from app.domain.visits import Progress


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


def overdue(follow_up_on: date | None, today: date) -> bool:
    """A follow-up missed: its day has passed (one due today is due, not yet overdue)."""
    return follow_up_on is not None and follow_up_on < today


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


# --- why someone's three ones are not done (the lead's list of who is incomplete) -------------


class Why(StrEnum):
    never_visited = "never_visited"  # nobody has been to the household yet
    not_reached = "not_reached"  # the household's latest visit reached nobody
    not_met = "not_met"  # the household was reached, this person not yet
    no_calculation = "no_calculation"
    no_leaflet = "no_leaflet"


@dataclass(frozen=True)
class LastVisit:
    """The household's latest visit, whether or not it reached anyone."""

    reached: bool
    not_reached_reason: NotReachedReason | None = None


@dataclass(frozen=True)
class Incomplete:
    why: Why
    not_reached_reason: NotReachedReason | None = None


def why_incomplete(done: Progress, last_visit: LastVisit | None) -> Incomplete | None:
    """The first of the three ones still standing in the way, with what the household's visits
    say about it, so the lead knows what to ask the member about (None: all three done)."""
    if not done.contact:
        if last_visit is None:
            return Incomplete(Why.never_visited)
        if not last_visit.reached:
            return Incomplete(Why.not_reached, last_visit.not_reached_reason)
        return Incomplete(Why.not_met)
    if not done.calculation:
        return Incomplete(Why.no_calculation)
    if not done.leaflet:
        return Incomplete(Why.no_leaflet)
    return None
