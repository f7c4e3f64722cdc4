"""What the visit pages and the household page show of visits: each person spoken to with
their three ones across every visit, the leaflets written for them, and the household's
progress, next follow-up and timeline."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from app.core import clock
from app.domain.codes import ChangeStatus
from app.domain.visits import NotDue, Progress
from app.models import Household, LeafletVersion, Outcome, Person, Visit, VisitStep
from app.services import households, leaflets, visits
from app.services.households import PersonView
from app.services.timeline import Item, timeline


@dataclass(frozen=True)
class PersonOnVisit:
    """Someone spoken to on the visit, with their three ones across every visit."""

    entry: PersonView
    not_due: NotDue | None  # why the three ones are not due for them, if they are not
    progress: Progress
    leaflet: tuple[VisitStep, str] | None  # the latest leaflet handed over, with its title
    outcome: Outcome | None  # their current outcome
    change: ChangeStatus | None  # where the enrolment change it reported stands
    leaflets: list[tuple[LeafletVersion, bool]]  # the library, those written for them first


def fits(leaflet: LeafletVersion, entry: PersonView) -> bool:
    """A leaflet written for one of the person's key groups (or for everyone) and their age."""
    groups = not leaflet.key_groups or bool(set(leaflet.key_groups) & set(entry.key_groups))
    low, high = leaflet.age_from, leaflet.age_to
    return groups and (low is None or entry.age >= low) and (high is None or entry.age <= high)


def leaflets_for(
    library: list[LeafletVersion], entry: PersonView
) -> list[tuple[LeafletVersion, bool]]:
    """The library with those written for the person first, each marked whether it fits."""
    return sorted(((leaflet, fits(leaflet, entry)) for leaflet in library), key=lambda p: not p[1])


def people_on_visit(session: Session, visit: Visit, household: Household) -> list[PersonOnVisit]:
    today = clock.today()
    ids = visits.spoken_to(session, visit)
    view = households.household_view(session, household, today)
    entries = [e for e in view.people if e.person.id in ids]
    not_due = visits.not_due([e.person for e in entries], today)
    progress = visits.people_progress(session, ids)
    given = visits.leaflets_given(session, ids)
    outcomes = visits.latest_outcomes(session, ids)
    changes = visits.change_statuses(session, outcomes)
    library = leaflets.published(session)
    return [
        PersonOnVisit(
            entry=entry,
            not_due=not_due.get(entry.person.id),
            progress=progress[entry.person.id],
            leaflet=given.get(entry.person.id),
            outcome=outcomes.get(entry.person.id),
            change=changes.get(entry.person.id),
            leaflets=leaflets_for(library, entry),
        )
        for entry in entries
    ]


@dataclass(frozen=True)
class PersonOnForm:
    """Someone of the household on the visit form, with the leaflets the rest of the visit
    offers them when it is recorded offline (the visit page's choices, kept on the phone)."""

    entry: PersonView
    not_due: NotDue | None
    leaflets: list[tuple[LeafletVersion, bool]]


def people_on_form(session: Session, household: Household) -> list[PersonOnForm]:
    today = clock.today()
    view = households.household_view(session, household, today)
    not_due = visits.not_due([e.person for e in view.people], today)
    library = leaflets.published(session)
    return [
        PersonOnForm(
            entry=entry,
            not_due=not_due.get(entry.person.id),
            leaflets=leaflets_for(library, entry),
        )
        for entry in view.people
    ]


@dataclass(frozen=True)
class HouseholdVisits:
    """What the household page shows of its visits."""

    not_due: dict[int, NotDue]
    progress: dict[int, Progress]
    outcomes: dict[int, Outcome]
    changes: dict[int, ChangeStatus]  # by person: where their outcome's change stands
    follow_up_on: date | None
    timeline: list[Item]


def household_visits(
    session: Session, household: Household, people: list[Person]
) -> HouseholdVisits:
    ids = [p.id for p in people]
    facts = visits.contact_facts(session, [household.id]).get(household.id)
    outcomes = visits.latest_outcomes(session, ids)
    return HouseholdVisits(
        not_due=visits.not_due(people, clock.today()),
        progress=visits.people_progress(session, ids),
        outcomes=outcomes,
        changes=visits.change_statuses(session, outcomes),
        follow_up_on=facts.follow_up_on if facts else None,
        timeline=timeline(session, household),
    )
