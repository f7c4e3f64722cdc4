"""User accounts and teams as admins manage them."""

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.core import clock, crypto
from app.core.i18n import N_, Message, supported
from app.core.security import hash_password, verify_password
from app.domain.identifiers import InvalidIdentifier, parse_id_number
from app.domain.passwords import password_problem
from app.domain.validation import Invalid, person_name, within
from app.models import Person, Region, RegionLevel, Role, Team, TeamMembership, User
from app.services import assignments, audit
from app.services.auth import close_all_sessions
from app.services.regions import subtree_ids

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,39}$")
DISPLAY_NAME_LENGTH = 60  # User.display_name
TEAM_NAME_LENGTH = 60  # Team.name


@dataclass
class NewUser:
    username: str = ""
    display_name: str = ""
    role: str = ""
    region_id: int | None = None
    team_ids: tuple[int, ...] = ()
    password: str = ""


def create_user(session: Session, form: NewUser, *, by: User | None) -> User:
    """Check the form as a whole and create the account with its team links, or raise Invalid."""
    username = form.username.strip().lower()
    errors = _check_new_user(session, form, username)
    if errors:
        raise Invalid(errors)
    user = User(
        username=username,
        display_name=form.display_name.strip(),
        password_hash=hash_password(form.password),
        role=Role(form.role),
        region_id=form.region_id,
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    for team_id in form.team_ids:
        session.add(TeamMembership(team_id=team_id, user_id=user.id))
    audit.record(
        session,
        "user_created",
        user=by,
        target=f"user:{user.id}",
        role=user.role,
        region=user.region_id,
        teams=list(form.team_ids),
    )
    session.commit()
    return user


def _check_new_user(session: Session, form: NewUser, username: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not USERNAME.match(username):
        errors["username"] = N_(
            "3–40 characters: lower-case letters, digits, dot, dash or underscore."
        )
    elif session.exec(select(User.id).where(User.username == username)).first():
        errors["username"] = N_("This username is taken.")
    if not person_name(errors, "display_name", form.display_name, DISPLAY_NAME_LENGTH):
        errors["display_name"] = N_("Enter the person's name.")
    if form.role not in Role.__members__:
        errors["role"] = N_("Choose a role.")
    region = session.get(Region, form.region_id) if form.region_id else None
    if region is None:
        errors["region_id"] = N_("Choose a region.")
    elif form.role == Role.cadre and region.level != RegionLevel.village:
        errors["region_id"] = N_("A village cadre belongs to a village or community.")
    team_error = _check_teams(session, form)
    if team_error:
        errors["team_ids"] = team_error
    problem = password_problem(form.password, username)
    if problem:
        errors["password"] = problem
    return errors


def _check_teams(session: Session, form: NewUser) -> str | None:
    found = session.exec(select(func.count()).where(col(Team.id).in_(form.team_ids))).one()
    if found != len(set(form.team_ids)):
        return N_("Choose a team from the list.")
    if form.role == Role.member and len(form.team_ids) != 1:
        return N_("A member belongs to exactly one team.")
    if form.role == Role.lead and not form.team_ids:
        return N_("A team lead leads at least one team.")
    if form.role in (Role.admin, Role.cadre) and form.team_ids:
        return N_("Only leads and members belong to teams.")
    return None


def check_deactivation(user: User, *, by: User) -> None:
    if user.id == by.id:
        raise Invalid({"is_active": N_("You cannot deactivate your own account.")})


def team_of(session: Session, user: User) -> Team | None:
    """A member's one team (None in no team)."""
    return next(iter(teams_of(session, user)), None) if user.role == Role.member else None


def set_active(
    session: Session, user: User, active: bool, successor: int | str | None = None, *, by: User
) -> int:
    """Deactivating signs the user out everywhere and, in the same step, hands the households
    they hold to the successor (as leaving their team does): held by someone no longer active,
    they would drop off the team page and the dashboard. Returns how many were handed on."""
    handed = 0
    if not active:
        check_deactivation(user, by=by)
        handed = assignments.hand_over(session, team_of(session, user), user, successor, by=by)
        close_all_sessions(session, user)
    user.is_active = active
    session.add(user)
    action = "user_activated" if active else "user_deactivated"
    audit.record(session, action, user=by, target=f"user:{user.id}")
    session.commit()
    return handed


def reset_password(session: Session, user: User, *, by: User) -> str:
    """Give the user a new temporary password (returned once) and sign them out everywhere."""
    password = "-".join(secrets.token_hex(3) for _ in range(3))
    user.password_hash = hash_password(password)
    session.add(user)
    close_all_sessions(session, user)
    audit.record(session, "password_reset", user=by, target=f"user:{user.id}")
    session.commit()
    return password


@dataclass
class PasswordChange:
    current: str = ""
    new: str = ""
    repeated: str = ""


def change_password(session: Session, user: User, form: PasswordChange) -> None:
    """The user's own new password, or Invalid. Every session and API token of the user ends,
    here and on every other device: whoever may have known the old password is shut out."""
    errors = {}
    if not verify_password(form.current, user.password_hash):
        errors["current"] = N_("This is not your current password.")
    problem = password_problem(form.new, user.username)
    if problem:
        errors["new"] = problem
    elif form.new != form.repeated:
        errors["repeated"] = N_("The two new passwords differ.")
    elif form.new == form.current:
        errors["new"] = N_("Choose a password different from the current one.")
    if errors:
        raise Invalid(errors)
    user.password_hash = hash_password(form.new)
    session.add(user)
    close_all_sessions(session, user)
    audit.record(session, "password_changed", user=user, target=f"user:{user.id}")
    session.commit()


def link_person(session: Session, user: User, typed_number: str, *, by: User) -> None:
    """Point the account at its own person record, found by ID number (blank: unlink)."""
    person_id = None
    if typed_number.strip():
        try:
            number = parse_id_number(typed_number, clock.today()).number
        except InvalidIdentifier as invalid:
            raise Invalid({"person": Message(invalid.message, invalid.values)}) from None
        found = session.exec(
            select(Person.id).where(Person.id_number_index == crypto.blind_index(number))
        ).first()
        if found is None:
            raise Invalid({"person": N_("No one with this ID number is registered.")})
        taken = session.exec(
            select(User.id).where(User.person_id == found, User.id != user.id)
        ).first()
        if taken is not None:
            raise Invalid({"person": N_("This person is already linked to another account.")})
        person_id = found
    user.person_id = person_id
    session.add(user)
    audit.record(session, "user_person_linked", user=by, target=f"user:{user.id}", person=person_id)
    session.commit()


def linked_people(session: Session) -> dict[int, Person]:
    """Each account's own person record, by account id."""
    query = select(User.id, Person).join(Person, col(Person.id) == User.person_id)
    return dict(session.exec(query).all())


def set_locale(session: Session, user: User, locale: str) -> None:
    user.locale = supported(locale)
    session.add(user)
    session.commit()


def teams_of(session: Session, user: User) -> list[Team]:
    query = (
        select(Team)
        .join(TeamMembership, col(TeamMembership.team_id) == Team.id)
        .where(TeamMembership.user_id == user.id)
        .order_by(Team.name)
    )
    return list(session.exec(query))


def team_people(session: Session, team: Team) -> list[User]:
    query = (
        select(User)
        .join(TeamMembership, col(TeamMembership.user_id) == User.id)
        .where(TeamMembership.team_id == team.id)
        .order_by(User.role, User.display_name)
    )
    return list(session.exec(query))


def members_without_team(session: Session, lead: User) -> list[User]:
    """Members in the lead's region who belong to no team yet: whom the lead may add."""
    in_a_team = select(TeamMembership.user_id)
    query = (
        select(User)
        .where(User.role == Role.member, col(User.is_active).is_(True))
        .where(col(User.region_id).in_(subtree_ids(session, lead.region_id)))
        .where(col(User.id).not_in(in_a_team))
        .order_by(User.display_name)
    )
    return list(session.exec(query))


def add_to_team(session: Session, team: Team, user_id: int, *, by: User) -> None:
    """A member joins the team if they are in no team yet (a member has exactly one)."""
    if user_id not in {m.id for m in members_without_team(session, by)}:
        raise Invalid({"user_id": N_("Choose a member without a team.")})
    session.add(TeamMembership(team_id=team.id, user_id=user_id))
    audit.record(session, "team_member_added", user=by, target=f"team:{team.id}", member=user_id)
    session.commit()


def remove_from_team(
    session: Session, team: Team, user_id: int, successor: int | str | None = None, *, by: User
) -> int:
    """A member leaves the team, and in the same step the households they hold go to the
    successor (another member of the team, or assignments.POOL): someone outside the team would
    keep them off the team page and the dashboard. Returns how many were handed on."""
    link = session.get(TeamMembership, (team.id, user_id))
    member = session.get(User, user_id)
    if link is None or member is None or member.role != Role.member:
        raise Invalid({"user_id": N_("Choose a member of this team.")})
    handed = assignments.hand_over(session, team, member, successor, by=by)
    session.delete(link)
    audit.record(session, "team_member_removed", user=by, target=f"team:{team.id}", member=user_id)
    session.commit()
    return handed


def create_team(session: Session, name: str, region_id: int | None, *, by: User) -> Team:
    errors: dict = {}
    name = within(errors, "name", name, TEAM_NAME_LENGTH)
    if not name:
        errors["name"] = N_("Enter the team's name.")
    region = session.get(Region, region_id) if region_id else None
    if region is None or region.level not in (RegionLevel.county, RegionLevel.township):
        errors["region_id"] = N_("Choose the county or township the team works.")
    if errors:
        raise Invalid(errors)
    team = Team(name=name, region_id=region.id)
    session.add(team)
    session.flush()
    audit.record(session, "team_created", user=by, target=f"team:{team.id}")
    session.commit()
    return team


def all_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.role, User.username)))


def all_teams(session: Session) -> list[Team]:
    return list(session.exec(select(Team).order_by(Team.region_id, Team.name)))


def cadre_accounts(session: Session) -> set[int]:
    """People linked to a cadre's account: cadres whether or not their record says so."""
    query = select(User.person_id).where(User.role == Role.cadre, col(User.person_id).is_not(None))
    return set(session.exec(query))
