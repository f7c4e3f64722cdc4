"""What the visit pages and the household page show of visits: each person spoken to with
their three ones across every visit, the leaflets written for them, and the household's
progress, next follow-up and timeline."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from app.core import clock
from app.domain.codes import ChangeStatus
from app.domain.visits import FURTHEST_FOLLOW_UP, NotDue, Progress, follow_up_presets
from app.models import Calculation, Household, LeafletVersion, Outcome, User, Visit, VisitStep
from app.services import household_visit, households, leaflets, scope, visits
from app.services.households import PersonView
from app.services.parameters import tiers_on_offer
from app.services.timeline import Item, timeline


@dataclass(frozen=True)
class PersonOnVisit:
    """A person's card on the household page and the visit page: their three ones across
    every visit, where they stand, and what a visit can still record for them."""

    entry: PersonView
    not_due: NotDue | None  # why the three ones are not due for them, if they are not
    progress: Progress
    leaflet: tuple[VisitStep, str] | None  # the latest leaflet handed over, with its title
    outcome: Outcome | None  # their current outcome
    change: ChangeStatus | None  # where the enrolment change it reported stands
    leaflets: list[tuple[LeafletVersion, bool]]  # the library, those written for them first
    spoken_to: bool  # on the visit the card records on


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


def person_cards(
    session: Session, entries: list[PersonView], visit: Visit | None
) -> list[PersonOnVisit]:
    """The cards of these people, recording on ``visit`` (None: the day's visit is not
    started yet)."""
    ids = [e.person.id for e in entries]
    spoken = set(visits.spoken_to(session, visit)) if visit else set()
    not_due = visits.not_due([e.person for e in entries], clock.today())
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
            spoken_to=entry.person.id in spoken,
        )
        for entry in entries
    ]


def people_on_visit(session: Session, visit: Visit, household: Household) -> list[PersonOnVisit]:
    ids = visits.spoken_to(session, visit)
    view = households.household_view(session, household, clock.today())
    return person_cards(session, [e for e in view.people if e.person.id in ids], visit)


def person_card(
    session: Session, household: Household, person_id: int, visit: Visit | None
) -> PersonOnVisit | None:
    """One person's card, answered after something was recorded on it."""
    view = households.household_view(session, household, clock.today())
    entries = [e for e in view.people if e.person.id == person_id]
    return person_cards(session, entries, visit)[0] if entries else None


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
    """What the household page shows of its visits: a card per person, recording on the
    visit the user started there today (if any), the next follow-up and the timeline."""

    visit: Visit | None
    cards: list[PersonOnVisit]
    follow_up_on: date | None
    timeline: list[Item]


def household_visits(
    session: Session, household: Household, entries: list[PersonView], by: User
) -> HouseholdVisits:
    facts = visits.contact_facts(session, [household.id]).get(household.id)
    visit = household_visit.visit_of_today(session, household, by)
    return HouseholdVisits(
        visit=visit,
        cards=person_cards(session, entries, visit),
        follow_up_on=facts.follow_up_on if facts else None,
        timeline=timeline(session, household),
    )


@dataclass(frozen=True)
class Recording:
    """Where a person card's steps go: the household page's visit of the day (its visit bar
    names it) or a visit already stored (the visit page), and the day it counts from."""

    action: str
    visit_id: int | None
    on: date

    @classmethod
    def on_household(cls, household: Household) -> "Recording":
        return cls(f"/households/{household.id}/visit", None, clock.today())

    @classmethod
    def on_visit(cls, visit: Visit) -> "Recording":
        return cls(f"/visits/{visit.id}", visit.id, clock.local(visit.occurred_at).date())

    @property
    def furthest(self) -> date:
        return self.on + FURTHEST_FOLLOW_UP

    @property
    def presets(self) -> list[tuple[date, str]]:
        return follow_up_presets(self.on)


def card_context(
    session: Session,
    household: Household,
    person_id: int,
    visit: Visit | None,
    user: User,
    recording: Recording,
    *,
    saved: str | None = None,
    refused: object = None,
    saved_calculation: Calculation | None = None,
) -> dict:
    """What visits/person_card.html needs to answer one person's card: what was just saved
    (and the calculation, for its sheet) or refused; on the household page with its visit
    bar, sent out of band (the visit may have just started)."""
    facts = visits.contact_facts(session, [household.id]).get(household.id)
    return {
        "saved": saved,
        "refused": refused,
        "saved_calculation": saved_calculation,
        "p": person_card(session, household, person_id, visit),
        "household": household,
        "visit": visit,
        "visit_bar": recording.visit_id is None,
        "tiers": tiers_on_offer(session),
        "follow_up_on": facts.follow_up_on if facts else None,
        "may_edit": scope.may_edit(user),
        "may_reveal": scope.may_reveal_id_numbers(user),
        "revealed": {},
        "recording": recording,
    }
