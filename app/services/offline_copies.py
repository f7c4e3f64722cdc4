"""The pages a member keeps on the phone for reading offline (离线副本): the worklist, each
household on it with its visit form, the calculator's entry page (offline it lists the people
kept, static/pwa.js) and the calculator worked out for each eligible person, and the published
leaflets. The service worker fetches and stores exactly these, and on each refresh only those
changed since its last one (the sync mark it was given then)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import union
from sqlmodel import Session, col, select

from app.core import clock
from app.domain.codes import Role
from app.models import (
    Calculation,
    EnrolmentChange,
    FollowUp,
    Household,
    Leaflet,
    LeafletVersion,
    Outcome,
    ParameterEntry,
    Person,
    User,
    Visit,
    VisitStep,
)
from app.services import leaflets, worklists
from app.services.visits import eligible_condition

WORKLIST = "/worklist"
CALCULATOR = "/calculator"
LEAFLETS = "/leaflets"
# A record's time is taken before it commits: a refresh looks back this far before its mark.
IN_FLIGHT = timedelta(minutes=2)


@dataclass(frozen=True)
class OfflineCopy:
    urls: list[str]  # every page to keep; a kept page not named here is dropped
    changed: list[str]  # those to fetch again (pages not kept yet are fetched anyway)
    synced: str  # the mark to send with the next refresh


@dataclass(frozen=True)
class SyncMark:
    """Whose copy, on which day (ages and due dates move with it: a new day fetches all
    again), as of when, and the worklist as it was (its etag)."""

    user_id: int
    day: date
    at: datetime
    worklist: str

    def __str__(self) -> str:
        return f"{self.user_id}~{self.day.isoformat()}~{self.at.isoformat()}~{self.worklist}"

    @classmethod
    def read(cls, text: str) -> "SyncMark | None":
        try:
            user_id, day, at, worklist = text.split("~")
            return cls(int(user_id), date.fromisoformat(day), datetime.fromisoformat(at), worklist)
        except ValueError:
            return None


def offline_copy(session: Session, user: User, today: date, since: str = "") -> OfflineCopy:
    """The user's offline set and what changed in it since the mark ``since`` (all of it
    without a mark, or with another user's or another day's). Leads and admins have no
    worklist: they keep the leaflets."""
    entries = worklists.worklist(session, user, today) if user.role == Role.member else []
    household_ids = [entry.household.id for entry in entries]
    people = _eligible_people(session, household_ids, today)
    published = [f"/l/{v.leaflet_id}/v/{v.version}" for v in leaflets.published(session)]
    urls = [WORKLIST] if user.role == Role.member else []
    for household_id in household_ids:
        urls += [f"/households/{household_id}", f"/households/{household_id}/visits/new"]
    urls += [CALCULATOR] if user.role == Role.member else []
    urls += [f"{CALCULATOR}?person_id={person_id}" for person_id, _household in people]
    urls += [LEAFLETS, *published]
    mark = SyncMark(user.id, today, clock.now() - IN_FLIGHT, worklists.etag(entries))
    last = SyncMark.read(since)
    if last is None or (last.user_id, last.day) != (user.id, today):
        return OfflineCopy(urls, [url for url in urls if url not in published], str(mark))
    return OfflineCopy(urls, _changed(session, user, last, mark, people), str(mark))


def _changed(
    session: Session, member: User, last: SyncMark, mark: SyncMark, people: list[tuple[int, int]]
) -> list[str]:
    """The pages to fetch again: each household touched since the last sync (its page, visit
    form and people's calculators), the worklist when its etag moved or a household on it was
    touched, every calculator (and the entry page's tiers) when the pension parameters changed,
    and the leaflets' list when one changed. A published leaflet version never changes: it is
    fetched once."""
    touched = {row[0] for row in session.exec(_touched_households(member.id, last.at))}
    # Its rows show (and are searched by) the people's names: a touched household is in it.
    changed = [WORKLIST] if touched or last.worklist != mark.worklist else []
    for household_id in sorted(touched):
        changed += [f"/households/{household_id}", f"/households/{household_id}/visits/new"]
    new_parameters = _any_since(session, ParameterEntry.created_at, last.at)
    changed += [CALCULATOR] if new_parameters and member.role == Role.member else []
    changed += [
        f"{CALCULATOR}?person_id={person_id}"
        for person_id, household_id in people
        if new_parameters or household_id in touched
    ]
    leaflet_changes = (Leaflet.updated_at, LeafletVersion.published_at)
    if any(_any_since(session, when, last.at) for when in leaflet_changes):
        changed.append(LEAFLETS)
    return changed


def _touched_households(member_id: int, since: datetime):
    """The member's households whose page shows anything recorded after ``since``: the
    household, its people, visits, steps, outcomes, follow-ups, enrolment changes and saved
    calculations."""
    mine = col(Household.assignee_id) == member_id
    by_person = col(Person.household_id)
    on_person = (
        (VisitStep.person_id, VisitStep.recorded_at),
        (Outcome.person_id, Outcome.recorded_at),
        (EnrolmentChange.person_id, EnrolmentChange.reported_at),
        (EnrolmentChange.person_id, EnrolmentChange.decided_at),
        (Calculation.person_id, Calculation.created_at),
    )
    return union(
        select(Household.id).where(mine, col(Household.updated_at) > since),
        select(by_person).join(Household).where(mine, col(Person.updated_at) > since),
        select(Visit.household_id).join(Household).where(mine, col(Visit.recorded_at) > since),
        select(FollowUp.household_id)
        .join(Household)
        .where(mine, col(FollowUp.recorded_at) > since),
        *(
            select(by_person)
            .join(Household)
            .where(mine, col(Person.id) == person_id, col(when) > since)
            for person_id, when in on_person
        ),
    )


def _any_since(session: Session, when, since: datetime) -> bool:
    return session.exec(select(col(when)).where(col(when) > since).limit(1)).first() is not None


def _eligible_people(
    session: Session, household_ids: list[int], today: date
) -> list[tuple[int, int]]:
    """The people the three ones apply to (the ones a member works the calculation out
    for), with their households."""
    if not household_ids:
        return []
    query = (
        select(Person.id, Person.household_id)
        .where(col(Person.household_id).in_(household_ids), eligible_condition(today))
        .order_by(col(Person.household_id), col(Person.id))
    )
    return list(session.exec(query))
