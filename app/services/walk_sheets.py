"""Paper walk sheets for villages without signal: a member's households per village group,
with people (ID numbers masked) and boxes for the three ones and the outcome codes."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from app.models import Household, User
from app.services.households import HouseholdView, household_view
from app.services.worklists import worklist


@dataclass
class WalkSheet:
    village_name: str
    village_group: str
    households: list[HouseholdView]


def groups_of(session: Session, member: User) -> list[str]:
    query = select(Household.village_group).where(Household.assignee_id == member.id).distinct()
    return sorted(group for group in session.exec(query))


def for_member(session: Session, member: User, today: date, village_group: str) -> list[WalkSheet]:
    """The member's households in worklist order, one sheet per village and group."""
    sheets: dict[tuple[str, str], WalkSheet] = {}
    for entry in worklist(session, member, today):
        household = entry.household
        if village_group and household.village_group != village_group:
            continue
        key = (entry.village_name, household.village_group)
        sheet = sheets.setdefault(key, WalkSheet(entry.village_name, household.village_group, []))
        sheet.households.append(household_view(session, household, today))
    return list(sheets.values())
