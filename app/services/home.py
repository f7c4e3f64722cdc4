"""What each role's home page shows."""

from collections import Counter
from typing import Any

from sqlmodel import Session, select

from app.core import clock
from app.domain.enrolment import higher_tiers, upgrades_open_to
from app.models import Person, Region, RegionLevel, Role, User
from app.services import accounts, enrolment, regions, targets
from app.services.parameters import tiers_on_offer


def identity(session: Session, user: User) -> dict[str, Any]:
    """Who the user is: name, role, region and teams, and today's date in business time."""
    region = session.get(Region, user.region_id)
    return {
        "today": clock.today(),
        "region_name": regions.path_name(session, region),
        "teams": accounts.teams_of(session, user),
    }


def home_context(session: Session, user: User) -> dict[str, Any]:
    context = identity(session, user)
    if user.role == Role.admin:
        context |= _admin_overview(session)
    elif user.role == Role.cadre:
        context |= _cadre_home(session, user)
    return context


def _cadre_home(session: Session, user: User) -> dict[str, Any]:
    """The cadre's own record with what was reported about it, the form to report their own
    upgrade, and how their village's cadres lead by example."""
    person = enrolment.own_person(session, user)
    return {
        "own_person": person,
        "own_changes": enrolment.changes_of(session, person) if person else [],
        **(_upgrade_choices(session, person) if person else {}),
        "upgrade": enrolment.UpgradeForm(effective_on=clock.today().isoformat()),
        "errors": {},
        "village_cadres": enrolment.cadre_counts(session, user.region_id),
    }


def _upgrade_choices(session: Session, person: Person) -> dict[str, Any]:
    """The upgrades open to the cadre from their current insurance, and the tiers to choose."""
    menu = tiers_on_offer(session)
    status, tier = person.insurance_status, person.resident_tier
    return {
        "self_reports": upgrades_open_to(status, tier, menu),
        "tiers": higher_tiers(status, tier, menu),
    }


def _admin_overview(session: Session) -> dict[str, Any]:
    users = accounts.all_users(session)
    year = clock.today().year
    counties = session.exec(select(Region).where(Region.level == RegionLevel.county)).all()
    return {
        "users_by_role": Counter(u.role for u in users if u.is_active),
        "team_count": len(accounts.all_teams(session)),
        "county_count": len(counties),
        "year": year,
        "targets_this_year": len(targets.active_targets(session, year=year)),
        "target_years": targets.target_years(session),
    }
