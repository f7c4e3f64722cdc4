"""Small factories with sensible defaults, and the personas every test can sign in as."""

from sqlmodel import Session, select

from app.models import Region, RegionLevel, Role, Team, User
from app.services.accounts import NewUser, create_user

PASSWORD = "correct-horse-battery"


def region(session: Session, name: str, level: RegionLevel, parent: Region | None) -> Region:
    made = Region(name=name, level=level, parent_id=parent.id if parent else None)
    session.add(made)
    session.commit()
    return made


def region_named(session: Session, name: str) -> Region:
    return session.exec(select(Region).where(Region.name == name)).one()


def user_id(session: Session, username: str) -> int:
    return session.exec(select(User.id).where(User.username == username)).one()


def team(session: Session, name: str, where: Region) -> Team:
    made = Team(name=name, region_id=where.id)
    session.add(made)
    session.commit()
    return made


def user(
    session: Session,
    username: str,
    role: Role,
    where: Region,
    teams: tuple[Team, ...] = (),
    display_name: str = "",
    password: str = PASSWORD,
) -> User:
    form = NewUser(
        username=username,
        display_name=display_name or username,
        role=role,
        region_id=where.id,
        team_ids=tuple(t.id for t in teams),
        password=password,
    )
    return create_user(session, form, by=None)


def personas(session: Session) -> None:
    """Alice the admin, Lee the lead of two teams, Mei and Ming the members of his first team,
    Otto a member of another township's team, and Cai the village cadre."""
    county = region_named(session, "红塔区")
    township = region(session, "北城街道", RegionLevel.township, county)
    village = region(session, "瓦窑村", RegionLevel.village, township)
    other_township = region(session, "玉兴街道", RegionLevel.township, county)
    first = team(session, "北城一队", township)
    second = team(session, "北城二队", township)
    other = team(session, "玉兴一队", other_township)
    user(session, "alice", Role.admin, region_named(session, "玉溪市"), display_name="Alice 管理员")
    user(session, "lee", Role.lead, township, (first, second), display_name="李队长")
    user(session, "mei", Role.member, township, (first,), display_name="梅队员")
    user(session, "ming", Role.member, township, (first,), display_name="明队员")
    user(session, "otto", Role.member, other_township, (other,), display_name="奥队员")
    user(session, "cai", Role.cadre, village, display_name="蔡书记")


def id_number(area: str = "530402", born: str = "19800101", order: int = 123) -> str:
    """A valid 18-character ID number (order odd for men, even for women)."""
    from app.domain.identifiers import check_character

    first17 = f"{area}{born}{order:03d}"
    return first17 + check_character(first17)


def household(session: Session, village: str = "瓦窑村", by: str = "alice", **fields):
    from app.domain.registry import HouseholdForm
    from app.services.households import create_household

    form = HouseholdForm(
        village_id=str(region_named(session, village).id),
        address=fields.pop("address", f"{village}1号"),
        **fields,
    )
    return create_household(session, form, by=user_named(session, by))


def person(session: Session, home, by: str = "alice", **fields):
    from app.domain.registry import PersonForm
    from app.services.households import add_person

    fields.setdefault("name", "张三")
    fields.setdefault("id_number", id_number())
    return add_person(session, home, PersonForm(**fields), by=user_named(session, by))


def user_named(session: Session, username: str) -> User:
    return session.exec(select(User).where(User.username == username)).one()


def assign(session: Session, home, username: str) -> None:
    home.assignee_id = user_id(session, username)
    session.add(home)
    session.commit()
    session.refresh(home)


def long_list(session: Session, username: str, count: int) -> list:
    """``count`` never-contacted households on ``username``'s list, in walking order 瓦窑村001号
    on; the last one's only person is 赵末户, a pensioner."""
    homes = [household(session, address=f"瓦窑村{n:03d}号") for n in range(1, count + 1)]
    born = {"born": "19400101", "order": count}
    person(
        session, homes[-1], name="赵末户", id_number=id_number(**born), insurance_status="receiving"
    )
    for home in homes:
        assign(session, home, username)
    return homes


def visit(session: Session, home, people=(), by: str = "mei", **fields):
    """A reached home visit on ``home`` speaking to ``people`` (pass reached="no" and a
    not_reached_reason for one that reached nobody); steps and outcomes as VisitForm takes."""
    import uuid

    from app.domain.codes import VisitSource
    from app.domain.visits import VisitForm
    from app.services.visits import record_visit

    fields.setdefault("client_uuid", str(uuid.uuid4()))
    fields.setdefault("channel", "home_visit")
    fields.setdefault("reached", "yes")
    form = VisitForm(person_ids=[str(p.id) for p in people], **fields)
    stored, _created = record_visit(
        session, home, form, by=user_named(session, by), source=VisitSource.form
    )
    return stored


def raise_reported(session: Session, person, **fields):
    """A raise of the person's resident tier (200 → 500 yuan, effective today) reported by mei;
    not yet committed."""
    from app.core import clock
    from app.domain.codes import OutcomeCode
    from app.models import EnrolmentChange

    fields.setdefault("reported_at", clock.now())
    change = EnrolmentChange(
        person_id=person.id,
        kind=OutcomeCode.raise_tier,
        from_value=200,
        to_value=500,
        effective_on=clock.today(),
        reported_by_id=user_id(session, "mei"),
        **fields,
    )
    session.add(change)
    return change


def mother_and_son(session: Session, address: str, username: str = "mei") -> dict[str, int]:
    """A two-person household on a member's worklist: 王芳, 46, pays the 200 tier of the
    resident pension (5 years so far); her son 王小军, 26, pays nothing yet."""
    home = household(session, "瓦窑村", address=address)
    assign(session, home, username)
    her = person(
        session,
        home,
        name="王芳",
        id_number=id_number(born="19800101", order=124),
        insurance_status="resident",
        resident_tier="200",
        years_paid="5",
        relation="head",
    )
    son = person(
        session,
        home,
        name="王小军",
        id_number=id_number(born="20000302", order=135),
        insurance_status="none",
        relation="child",
    )
    return {"household": home.id, "her": her.id, "son": son.id}
