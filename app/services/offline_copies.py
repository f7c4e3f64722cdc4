"""The pages a member keeps on the phone for reading offline (离线副本): the worklist, each
household on it with its visit form, the calculator worked out for each eligible person, and
the published leaflets. The service worker fetches and stores exactly these."""

from datetime import date

from sqlmodel import Session, col, select

from app.domain.codes import Role
from app.models import Person, User
from app.services import leaflets, worklists
from app.services.visits import eligible_condition


def offline_urls(session: Session, user: User, today: date) -> list[str]:
    """The user's offline set, the worklist first. Leads and admins have no worklist: they
    keep the leaflets."""
    urls = _worklist_urls(session, user, today) if user.role == Role.member else []
    urls.append("/leaflets")
    urls += [f"/l/{v.leaflet_id}/v/{v.version}" for v in leaflets.published(session)]
    return urls


def _worklist_urls(session: Session, member: User, today: date) -> list[str]:
    """The worklist, each household on it with its visit form, and the calculator prefilled
    for each eligible person: the server renders the comparison on GET, so the stored copies
    are the offline calculator (pre-computed options)."""
    household_ids = [entry.household.id for entry in worklists.worklist(session, member, today)]
    urls = ["/worklist"]
    for household_id in household_ids:
        urls += [f"/households/{household_id}", f"/households/{household_id}/visits/new"]
    people = _eligible_people(session, household_ids, today)
    urls += [f"/calculator?person_id={person_id}" for person_id in people]
    return urls


def _eligible_people(session: Session, household_ids: list[int], today: date) -> list[int]:
    """The people the three ones apply to: the ones a member works the calculation out for."""
    if not household_ids:
        return []
    query = (
        select(Person.id)
        .where(col(Person.household_id).in_(household_ids), eligible_condition(today))
        .order_by(col(Person.household_id), col(Person.id))
    )
    return list(session.exec(query))
