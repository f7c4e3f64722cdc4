"""Demo data for trying Vanguard: a few townships and villages, two teams and one account per
role. Loaded by ``make run`` into an empty database only; never part of a real deployment."""

from sqlmodel import Session, select

from app.models import Region, RegionLevel, Role, Team, User
from app.services.accounts import NewUser, create_user

DEMO_PASSWORD = "vanguard-demo"

# county code → townships (name, demonstration site?, villages). Real county names; the
# townships and villages are a small sample, enough to try every page.
DEMO_REGIONS = {
    "530402": [
        ("北城街道", True, ["北苑社区", "东苑社区", "瓦窑村"]),
        ("玉兴街道", False, ["玉兴社区", "太极村"]),
        ("凤凰街道", False, ["凤凰社区", "龙马村"]),
    ],
    "530403": [
        ("大街街道", True, ["东门社区", "南门社区"]),
        ("前卫镇", False, ["前卫村"]),
    ],
}

DEMO_TEAMS = [("北城街道先锋一队", "北城街道"), ("北城街道先锋二队", "北城街道")]

# username, display name, role, region name, team names
DEMO_USERS = [
    ("admin", "市社保局 管理员", Role.admin, "玉溪市", ()),
    ("lead1", "李建华", Role.lead, "北城街道", ("北城街道先锋一队", "北城街道先锋二队")),
    ("member1", "张丽", Role.member, "北城街道", ("北城街道先锋一队",)),
    ("member2", "王强", Role.member, "北城街道", ("北城街道先锋一队",)),
    ("cadre1", "赵国平", Role.cadre, "瓦窑村", ()),
]


def is_empty(session: Session) -> bool:
    return session.exec(select(User.id)).first() is None


def load_demo(session: Session) -> None:
    regions = _load_regions(session)
    teams = {}
    for name, township in DEMO_TEAMS:
        team = Team(name=name, region_id=regions[township].id)
        session.add(team)
        session.flush()
        teams[name] = team
    for username, display_name, role, region_name, team_names in DEMO_USERS:
        form = NewUser(
            username=username,
            display_name=display_name,
            role=role,
            region_id=regions[region_name].id,
            team_ids=tuple(teams[name].id for name in team_names),
            password=DEMO_PASSWORD,
        )
        create_user(session, form, by=None)


def _load_regions(session: Session) -> dict[str, Region]:
    by_name = {r.name: r for r in session.exec(select(Region))}
    by_code = {r.code: r for r in by_name.values() if r.code}
    for county_code, townships in DEMO_REGIONS.items():
        for order, (township_name, demonstration, villages) in enumerate(townships):
            township = _add(
                session, township_name, RegionLevel.township, by_code[county_code], order
            )
            township.is_demonstration = demonstration
            by_name[township_name] = township
            for village_order, village_name in enumerate(villages):
                by_name[village_name] = _add(
                    session, village_name, RegionLevel.village, township, village_order
                )
    return by_name


def _add(session: Session, name: str, level: RegionLevel, parent: Region, order: int) -> Region:
    region = Region(name=name, level=level, parent_id=parent.id, sort_order=order)
    session.add(region)
    session.flush()
    return region
