"""Who may use what. Every route of the app, for every role and for a caller who is not signed
in, is checked against ONE table, ``RULES``: a route missing from it fails the suite, so no
route ships without an authorisation rule. Every route that names an object is then tried with
another unit's object: it answers 403 or 404, shows nothing of it and changes nothing of it.

Pages answer a caller who is not signed in with a redirect to the login page, the API with
401; a role the rule leaves out gets 403. An allowed role gets anything but those (200, 303,
404 or 422 alike): the objects in the paths are ones in its own unit where it has any.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.core import clock
from app.core.db import get_engine
from app.core.middleware import CSRF_COOKIE
from app.core.security import sign
from app.deps import SESSION_COOKIE
from app.domain.codes import RegionLevel
from app.domain.metrics import Period
from app.domain.visits import OutcomeForm
from app.models import (
    Assignment,
    Calculation,
    ClaimPool,
    EnrolmentChange,
    FollowUp,
    Household,
    ImportJob,
    Leaflet,
    Outcome,
    Person,
    Region,
    Report,
    Team,
    TeamMembership,
    User,
    Visit,
    VisitStep,
)
from app.models.auth import SessionKind
from app.services import calculations, imports, leaflets, reports
from app.services.auth import open_session
from app.services.parameters import effective_parameters
from tests.conftest import database_copy, use_database
from tests.databases import COPIES
from tests.factories import (
    assign,
    household,
    id_number,
    person,
    region,
    region_named,
    user_named,
    visit,
)
from tests.routes import route_contexts
from tests.sheets import as_csv, person_row

ANONYMOUS = "anonymous"
USERNAMES = {"admin": "alice", "lead": "lee", "member": "mei", "cadre": "cai"}
ROLES = (ANONYMOUS, *USERNAMES)

PUBLIC = frozenset(ROLES)
SIGNED_IN = PUBLIC - {ANONYMOUS}
STAFF = frozenset({"admin", "lead", "member"})  # who records visits and edits the registry
OVERSEERS = frozenset({"admin", "lead"})
KEYERS = frozenset({"lead", "member"})  # who keys in paper walk sheets
ADMIN = frozenset({"admin"})
MEMBER = frozenset({"member"})
CADRE = frozenset({"cadre"})

# "METHOD path" → the roles that may use it (PUBLIC: also without signing in).
RULES: dict[str, frozenset[str]] = {
    # open to everyone: signing in, the calculator and what residents are sent, the API's docs
    "GET /static": PUBLIC,
    "GET /openapi.json": PUBLIC,
    "GET /docs": PUBLIC,
    "GET /login": PUBLIC,
    "POST /login": PUBLIC,
    "POST /logout": PUBLIC,
    "POST /language": PUBLIC,
    "GET /calculator": PUBLIC,
    "GET /leaflet-images/{image_id}": PUBLIC,
    "GET /l/{leaflet_id}": PUBLIC,
    "GET /l/{leaflet_id}/v/{number}": PUBLIC,
    "GET /l/{leaflet_id}/v/{number}/print": PUBLIC,
    "GET /s/{token}": PUBLIC,
    "POST /api/v1/auth/token": PUBLIC,
    "GET /api/v1/health": PUBLIC,
    "POST /api/v1/pension/estimate": PUBLIC,
    "POST /api/v1/pension/compare": PUBLIC,
    "GET /api/v1/pension/retirement": PUBLIC,
    "GET /manifest.webmanifest": PUBLIC,
    "GET /sw.js": PUBLIC,
    "GET /offline": PUBLIC,
    # everyone signed in
    "GET /": SIGNED_IN,
    "GET /account": SIGNED_IN,
    "GET /account/password": SIGNED_IN,
    "POST /account/password": SIGNED_IN,
    "GET /leaflets": SIGNED_IN,
    "GET /households": SIGNED_IN,
    "GET /households/{household_id}": SIGNED_IN,
    "GET /api/v1/me": SIGNED_IN,
    "GET /api/v1/regions": SIGNED_IN,
    "GET /api/v1/targets": SIGNED_IN,
    "GET /api/v1/leaflets": SIGNED_IN,
    "GET /api/v1/households": SIGNED_IN,
    "GET /api/v1/households/{household_id}": SIGNED_IN,
    "GET /api/v1/households/{household_id}/timeline": SIGNED_IN,
    # the registry and visits: the teams and city staff, not the cadres
    "GET /households/{household_id}/edit": STAFF,
    "POST /households/{household_id}": STAFF,
    "POST /households/{household_id}/verify": STAFF,
    "GET /households/{household_id}/people/new": STAFF,
    "POST /households/{household_id}/people": STAFF,
    "GET /people/{person_id}/edit": STAFF,
    "POST /people/{person_id}": STAFF,
    "POST /people/{person_id}/reveal": STAFF,
    "GET /households/{household_id}/visits/new": STAFF,
    "POST /households/{household_id}/visits": STAFF,
    "GET /visits/{visit_id}": STAFF,
    "POST /visits/{visit_id}/steps": STAFF,
    "POST /visits/{visit_id}/outcomes": STAFF,
    "POST /households/{household_id}/visit/people": STAFF,
    "POST /households/{household_id}/visit/steps": STAFF,
    "POST /households/{household_id}/visit/outcomes": STAFF,
    "POST /visits/{visit_id}/follow-up": STAFF,
    "POST /calculator/save": STAFF,
    "GET /calculations/{calculation_id}/sheet": STAFF,
    "POST /calculations/{calculation_id}/share": STAFF,
    "POST /api/v1/households/{household_id}/people": STAFF,
    "POST /api/v1/visits": STAFF,
    "GET /offline/urls": STAFF,
    "POST /offline/token": STAFF,
    "GET /api/v1/visits/{visit_id}": STAFF,
    # a member's own worklist; paper walk sheets keyed in by members and their leads
    "GET /worklist": MEMBER,
    "GET /worklist/claims": MEMBER,
    "POST /worklist/claims": MEMBER,
    "GET /worklist/sheet": MEMBER,
    "GET /api/v1/worklist": MEMBER,
    "GET /worklist/sheet/entry": KEYERS,
    "POST /worklist/sheet/entry": KEYERS,
    # a cadre reports their own upgrade
    "POST /cadres/me/upgrade": CADRE,
    # leads and admins: registering, importing, assigning, deciding, their teams, the dashboard
    "GET /households/export.{suffix}": OVERSEERS,
    "GET /households/new": OVERSEERS,
    "POST /households": OVERSEERS,
    "GET /imports": OVERSEERS,
    "GET /imports/template.xlsx": OVERSEERS,
    "POST /imports": OVERSEERS,
    "GET /imports/{job_id}": OVERSEERS,
    "POST /imports/{job_id}/commit": OVERSEERS,
    "GET /changes": OVERSEERS,
    "POST /changes/{change_id}/confirm": OVERSEERS,
    "POST /changes/{change_id}/reject": OVERSEERS,
    "GET /cadres": OVERSEERS,
    "GET /assign": OVERSEERS,
    "POST /assign": OVERSEERS,
    "POST /assign/move": OVERSEERS,
    "GET /team": OVERSEERS,
    "GET /team/incomplete": OVERSEERS,
    "GET /team/leaflets": OVERSEERS,
    "POST /team/{team_id}/members": OVERSEERS,
    "GET /team/{team_id}/members/{member_id}/remove": OVERSEERS,
    "POST /team/{team_id}/members/{member_id}/remove": OVERSEERS,
    "GET /team/{team_id}/members/{member_id}/sign-in-lock": OVERSEERS,
    "POST /team/{team_id}/members/{member_id}/sign-in-lock": OVERSEERS,
    "POST /team/{team_id}/pools": OVERSEERS,
    "POST /team/{team_id}/pools/{village_id}/close": OVERSEERS,
    "POST /team/{team_id}/claim-days": OVERSEERS,
    "GET /dashboard": OVERSEERS,
    "GET /dashboard/export.{format}": OVERSEERS,
    "GET /api/v1/metrics": OVERSEERS,
    "GET /quality": OVERSEERS,
    "POST /quality/review": OVERSEERS,
    "GET /reports": OVERSEERS,
    "POST /reports": OVERSEERS,
    "GET /reports/{report_id}": OVERSEERS,
    "POST /reports/{report_id}/recompute": OVERSEERS,
    "POST /reports/{report_id}/publish": OVERSEERS,
    "GET /reports/{report_id}/report.{format}": OVERSEERS,
    "POST /api/v1/reports": OVERSEERS,
    "GET /api/v1/reports": OVERSEERS,
    "GET /api/v1/reports/{report_id}": OVERSEERS,
    "GET /api/v1/reports/{report_id}/report.{format}": OVERSEERS,
    "POST /api/v1/households": OVERSEERS,
    "POST /api/v1/imports": OVERSEERS,
    "GET /api/v1/imports/{import_id}": OVERSEERS,
    "POST /api/v1/assignments": OVERSEERS,
    # the city's administration
    "GET /imports/reviews": ADMIN,
    "POST /imports/reviews/{review_id}/{decision}": ADMIN,
    "GET /admin/follow-ups": ADMIN,
    "POST /admin/follow-ups": ADMIN,
    "GET /admin/users": ADMIN,
    "GET /admin/users/new": ADMIN,
    "POST /admin/users": ADMIN,
    "GET /admin/users/{user_id}/deactivate": ADMIN,
    "POST /admin/users/{user_id}/active": ADMIN,
    "POST /admin/users/{user_id}/person": ADMIN,
    "GET /admin/users/{user_id}/password": ADMIN,
    "POST /admin/users/{user_id}/password": ADMIN,
    "GET /admin/users/{user_id}/sign-in-lock": ADMIN,
    "POST /admin/users/{user_id}/sign-in-lock": ADMIN,
    "GET /admin/teams": ADMIN,
    "POST /admin/teams": ADMIN,
    "GET /admin/targets": ADMIN,
    "POST /admin/targets": ADMIN,
    "POST /admin/targets/{target_id}": ADMIN,
    "POST /admin/targets/{target_id}/retire": ADMIN,
    "GET /admin/statistics": ADMIN,
    "GET /admin/statistics/figures": ADMIN,
    "GET /admin/statistics/template.xlsx": ADMIN,
    "GET /admin/statistics/import": ADMIN,
    "POST /admin/statistics/import": ADMIN,
    "GET /admin/statistics/imports/{batch}": ADMIN,
    "GET /admin/leaflets": ADMIN,
    "GET /admin/leaflets/new": ADMIN,
    "POST /admin/leaflets": ADMIN,
    "GET /admin/leaflets/{leaflet_id}": ADMIN,
    "POST /admin/leaflets/{leaflet_id}": ADMIN,
    "POST /admin/leaflets/{leaflet_id}/images": ADMIN,
    "POST /admin/leaflets/{leaflet_id}/publish": ADMIN,
    "POST /admin/leaflets/{leaflet_id}/retire": ADMIN,
    "GET /admin/audit": ADMIN,
    "GET /admin/audit/export.xlsx": ADMIN,
    "GET /api/v1/audit": ADMIN,
    "GET /admin/parameters": ADMIN,
    "POST /admin/parameters/{series}": ADMIN,
}

# Path parameters naming something a unit owns: tried with another unit's object below.
OWNED = frozenset(
    {
        "household_id",
        "person_id",
        "visit_id",
        "change_id",
        "calculation_id",
        "job_id",
        "import_id",
        "team_id",
        "member_id",
        "village_id",
        "report_id",
    }
)
# The other path parameters, and why no unit owns what they name.
UNOWNED = {
    "image_id": "leaflet pictures are public",
    "leaflet_id": "leaflets are public, edited by admins only",
    "number": "a leaflet's version",
    "token": "the share link is the key",
    "review_id": "admins only",
    "decision": "a word, merge or keep-apart",
    "user_id": "admins only",
    "target_id": "admins only",
    "batch": "admins only",
    "series": "admins only",
    "suffix": "a file type",
    "format": "a file type",
}

# Objects named in a query or form rather than the path, tried with another unit's object.
SCOPED_INPUTS = [
    ("GET", "/calculator?person_id={person_id}", {}),
    ("POST", "/calculator/save", {"person_id": "{person_id}", "birth_date": "1970-01-01"}),
    ("GET", "/dashboard?region_id={region_id}", {}),
    ("GET", "/api/v1/metrics?region_id={region_id}", {}),
    ("POST", "/reports", {"region_id": "{region_id}", "period": "{period}"}),
    ("POST", "/quality/review", {"member_id": "{member_id}", "kind": "contact_rate_near_full"}),
    ("GET", "/worklist/sheet/entry?member_id={member_id}", {}),
    ("GET", "/team/incomplete?member_id={member_id}", {}),
    ("GET", "/team?team_id={team_id}", {}),
    ("GET", "/quality?team_id={team_id}", {}),
    ("GET", "/team/incomplete?team_id={team_id}", {}),
    (
        "POST",
        "/quality/review",
        {"member_id": "{user_id}", "kind": "contact_rate_near_full", "team_id": "{team_id}"},
    ),
    ("POST", "/worklist/claims", {"household_id": "{household_id}"}),
    ("POST", "/assign", {"member_id": "none", "household_ids": "{household_id}", "confirmed": "1"}),
    ("POST", "/assign/move", {"from_member_id": "{member_id}", "to_member_id": "{user_id}"}),
    ("POST", "/team/{own_team_id}/members", {"user_id": "{member_id}"}),
    ("POST", "/api/v1/assignments", {"household_ids": ["{household_id}"], "member_id": None}),
]

THEIR_NAME, THEIR_ADDRESS = "赵远", "太极村8号"
CSRF = "matrix-csrf-token"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# --- the route table ---------------------------------------------------------------------------


def app_routes() -> Iterator[tuple[str, str]]:
    """(method, path) of every route, through the routers it includes; a mount (the static
    files) counts as GET, HEAD as its GET."""
    for context in route_contexts():
        for method in getattr(context, "methods", None) or {"GET"}:
            if method != "HEAD":
                yield method, context.path


ROUTES = sorted(set(app_routes()))
PATH_PARAMETERS = {name for _method, path in ROUTES for name in re.findall(r"{(\w+)}", path)}


def test_every_route_has_an_authorisation_rule():
    missing = [f"{method} {path}" for method, path in ROUTES if f"{method} {path}" not in RULES]
    assert not missing, (
        "Routes without an authorisation rule: add each to RULES in "
        f"tests/test_access_matrix.py with the roles that may use it: {missing}"
    )


def test_every_rule_names_a_route():
    stale = set(RULES) - {f"{method} {path}" for method, path in ROUTES}
    assert not stale, f"Rules for routes that no longer exist: {sorted(stale)}"


def test_every_path_parameter_says_whether_a_unit_owns_what_it_names():
    unknown = PATH_PARAMETERS - OWNED - set(UNOWNED)
    assert not unknown, (
        f"Path parameters {sorted(unknown)}: add each to OWNED (another unit's object must be "
        "refused) or UNOWNED (with why not) in tests/test_access_matrix.py"
    )


# --- the world: a unit's own objects and another unit's ------------------------------------


@dataclass(frozen=True)
class World:
    path: str
    ours: dict[str, str]
    theirs: dict[str, str]


def saved_calculation(session: Session, record: Person, by: str) -> Calculation:
    year = clock.today().year
    form = calculations.CalculatorForm(
        birth_date=record.birth_date.isoformat(), sex=record.sex, current_tier="300"
    )
    inputs = calculations.checked(form, year)
    options, _shown = calculations.side_by_side(effective_parameters(session), inputs)
    author = user_named(session, by)
    return calculations.save_calculation(
        session, record, year, inputs.person, options, inputs.assumptions, by=author
    )


def dry_run(session: Session, by: str, number: str) -> ImportJob:
    content = as_csv([person_row(number=number)])
    job, table = imports.start(session, "名单.csv", content, user_named(session, by), True)
    return imports.run(session, job, table, user_named(session, by))


def household_of(session: Session, village: str, address: str, name: str, holder: str, order: int):
    """A household held by ``holder`` with one person, visited by them: the visit reported an
    enrolment change, and the person's calculation was saved."""
    home = household(session, village, address=address)
    assign(session, home, holder)
    someone = person(session, home, name=name, id_number=id_number(order=order))
    joined = OutcomeForm(person_id=str(someone.id), code="join_flexible", to_value="60")
    made = visit(session, home, [someone], by=holder, outcomes=[joined])
    change = session.exec(select(EnrolmentChange).where(EnrolmentChange.person_id == someone.id))
    calculation = saved_calculation(session, someone, holder)
    return {
        "household_id": home.id,
        "person_id": someone.id,
        "visit_id": made.id,
        "change_id": change.one().id,
        "calculation_id": calculation.id,
    }, calculation


def ids_of(session: Session, model, **names) -> dict[str, int]:
    return {
        key: session.exec(select(model.id).where(model.name == name)).one()
        for key, name in names.items()
    }


def this_month() -> Period:
    today = clock.today()
    return Period.month(today.year, today.month)


def township_report(session: Session, township: str) -> int:
    """A published report ranking the township's teams, issued by Alice."""
    alice, where = user_named(session, "alice"), region_named(session, township)
    return reports.issue(session, alice, where, this_month(), publish=True).id


def build_world(session: Session) -> tuple[dict, dict]:
    """Ours: Mei's household in Lee's township (瓦窑村), Lee's import, Lee's first team; theirs:
    Otto's household in another township, Alice's import, Otto's team."""
    taiji = region(session, "太极村", RegionLevel.village, region_named(session, "玉兴街道"))
    ours, calculation = household_of(session, "瓦窑村", "瓦窑村9号", "钱多多", "mei", 135)
    theirs, _ = household_of(session, taiji.name, THEIR_ADDRESS, THEIR_NAME, "otto", 333)
    alice = user_named(session, "alice")
    leaflet = session.exec(select(Leaflet).order_by(col(Leaflet.id))).first()
    ours |= {
        "job_id": dry_run(session, "lee", id_number(order=137)).id,
        "token": leaflets.share_calculation(session, calculation, by=user_named(session, "mei")),
        "image_id": leaflets.add_image(session, leaflet, "a.png", PNG, by=alice).id,
        "leaflet_id": leaflet.id,
        "number": leaflet.version,
        "user_id": user_named(session, "mei").id,
        "member_id": user_named(session, "ming").id,
        **ids_of(session, Team, team_id="北城一队"),
        **ids_of(session, Region, village_id="瓦窑村", region_id="北城街道"),
        "review_id": 999999,
        "target_id": 999999,
        "batch": "none",
        "series": "resident_tier_menu",
        "decision": "merge",
        "suffix": "csv",
        "format": "csv",
    }
    ours["import_id"] = ours["job_id"]
    ours["report_id"] = township_report(session, "北城街道")
    theirs |= {
        "job_id": dry_run(session, "alice", id_number(order=139)).id,
        "member_id": user_named(session, "otto").id,
        **ids_of(session, Team, team_id="玉兴一队"),
        **ids_of(session, Region, village_id="太极村", region_id="玉兴街道"),
    }
    theirs["import_id"] = theirs["job_id"]
    theirs["report_id"] = township_report(session, "玉兴街道")
    theirs["period"] = this_month().name
    # What a request may try to move theirs to: Lee's own team, Mei.
    theirs |= {"own_team_id": ours["team_id"], "user_id": ours["user_id"]}
    return {k: str(v) for k, v in ours.items()}, {k: str(v) for k, v in theirs.items()}


@pytest.fixture(scope="module")
def world(template_database, tmp_path_factory) -> Iterator[World]:
    """Built once per module on a copy of the personas' database; each test starts from a
    copy of it (``database_url`` below)."""
    url = COPIES.copy(template_database, tmp_path_factory.mktemp("access"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_database(monkeypatch, url)
        with Session(get_engine()) as session:
            ours, theirs = build_world(session)
        get_engine().dispose()
        get_engine.cache_clear()
    yield World(url, ours, theirs)
    COPIES.drop(url)


@pytest.fixture
def database_url(world, tmp_path, monkeypatch) -> Iterator[str]:
    yield from database_copy(world.path, tmp_path, monkeypatch)


# --- calling as a role -------------------------------------------------------------------------


def signed_in(client, db: Session, role: str, api: bool) -> dict[str, str]:
    """Headers for calling as the role: a session opened the way signing in opens one (without
    the slow password check) and the CSRF token pages want, or the API's bearer token."""
    client.cookies.set(CSRF_COOKIE, CSRF)
    if role == ANONYMOUS:
        return {"X-CSRF-Token": CSRF}
    user = user_named(db, USERNAMES[role])
    if api:
        token, _ = open_session(db, user, SessionKind.api)
        return {"Authorization": f"Bearer {token}"}
    token, _ = open_session(db, user, SessionKind.web)
    client.cookies.set(SESSION_COOKIE, sign(token, "session"))
    return {"X-CSRF-Token": CSRF}


def filled(template, values: dict[str, str]):
    """The placeholders ({household_id}, …) filled in, in a path, a form or a JSON body."""
    if isinstance(template, list | dict):
        items = template.items() if isinstance(template, dict) else enumerate(template)
        done = {key: filled(value, values) for key, value in items}
        return done if isinstance(template, dict) else list(done.values())
    if not isinstance(template, str):
        return template
    for name, value in values.items():
        template = template.replace(f"{{{name}}}", value)
    return template


def call(client, db, role: str, method: str, url: str, body=None):
    api = url.startswith("/api/")
    headers = signed_in(client, db, role, api)
    sent = {} if method == "GET" else {"json" if api else "data": body or {}}
    return client.request(method, url, headers=headers, follow_redirects=False, **sent)


def asks_to_sign_in(response) -> bool:
    location = response.headers.get("location", "")
    redirected = response.status_code == 303 and (
        location == "/login" or location.startswith("/login?next=")
    )
    return response.status_code == 401 or redirected


def let_through(response) -> bool:
    """Served, whatever the answer: not refused and not sent to sign in (signing out ends on
    the login page, with no ?next=)."""
    location = response.headers.get("location", "")
    return response.status_code not in (401, 403) and not location.startswith("/login?next=")


# --- the matrix --------------------------------------------------------------------------------


def example_url(path: str, values: dict[str, str]) -> str:
    return "/static/app.css" if path == "/static" else filled(path, values)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_each_role_reaches_exactly_what_its_rule_allows(client, db, world, method, path, role):
    allowed = RULES.get(f"{method} {path}")
    if allowed is None:
        pytest.fail(f"{method} {path} has no authorisation rule: add it to RULES")
    response = call(client, db, role, method, example_url(path, world.ours))
    where = (method, path, role, response.status_code, response.headers.get("location"))
    assert response.status_code < 500, where
    if role in allowed:
        assert let_through(response), where
    elif role == ANONYMOUS:
        assert asks_to_sign_in(response), where
    else:
        assert response.status_code == 403, where


# --- another unit's objects --------------------------------------------------------------------


def belongings(theirs: dict[str, str]) -> list[dict]:
    """Everything of theirs a request could change, read afresh."""
    home, who, team = (int(theirs[k]) for k in ("household_id", "person_id", "team_id"))
    otto, job = int(theirs["member_id"]), int(theirs["job_id"])
    queries = [
        select(Household).where(Household.id == home),
        select(Person).where(Person.household_id == home),
        select(Visit).where(Visit.household_id == home),
        select(VisitStep).where(VisitStep.person_id == who),
        select(Outcome).where(Outcome.person_id == who),
        select(EnrolmentChange).where(EnrolmentChange.person_id == who),
        select(FollowUp).where(FollowUp.household_id == home),
        select(Assignment).where(Assignment.household_id == home),
        select(Calculation).where(Calculation.person_id == who),
        select(ImportJob).where(ImportJob.id == job),
        select(TeamMembership).where(
            or_(TeamMembership.team_id == team, TeamMembership.user_id == otto)
        ),
        select(ClaimPool).where(ClaimPool.team_id == team),
        select(User).where(User.id == otto),
        select(Report).where(Report.id == int(theirs["report_id"])),
    ]
    with Session(get_engine()) as session:
        return [row.model_dump(warnings=False) for query in queries for row in session.exec(query)]


OWNING_ROUTES = [
    (method, path) for method, path in ROUTES if any(f"{{{name}}}" in path for name in OWNED)
]


def test_the_routes_naming_owned_objects_are_all_tried():
    paths = {path for _method, path in OWNING_ROUTES}
    assert {"/households/{household_id}", "/api/v1/visits/{visit_id}"} <= paths
    assert "/team/{team_id}/pools/{village_id}/close" in paths


@pytest.mark.parametrize("role", ["lead", "member", "cadre"])
@pytest.mark.parametrize(("method", "path"), OWNING_ROUTES)
def test_another_units_object_in_the_path_is_refused(client, db, world, method, path, role):
    """Absent and out of scope answer alike (404), so existence does not leak; a role that may
    never use the route gets 403 first."""
    before = belongings(world.theirs)
    url = filled(filled(path, {k: v for k, v in world.theirs.items() if k in OWNED}), world.ours)
    response = call(client, db, role, method, url)
    expected = 404 if role in RULES[f"{method} {path}"] else 403
    assert response.status_code == expected, (method, url, role, response.status_code)
    assert THEIR_NAME not in response.text and THEIR_ADDRESS not in response.text
    assert belongings(world.theirs) == before


@pytest.mark.parametrize("role", ["lead", "member", "cadre"])
@pytest.mark.parametrize(("method", "template", "form"), SCOPED_INPUTS)
def test_another_units_object_in_a_query_or_form_is_neither_shown_nor_changed(
    client, db, world, method, template, form, role
):
    before = belongings(world.theirs)
    url = filled(template, world.theirs)
    body = filled(form, world.theirs)
    response = call(client, db, role, method, url, body)
    assert response.status_code < 500, (method, url, role, response.status_code)
    assert THEIR_NAME not in response.text and THEIR_ADDRESS not in response.text
    assert belongings(world.theirs) == before, (method, url, role)


@pytest.mark.parametrize("role", ["lead", "member", "cadre"])
def test_guessed_ids_of_others_households_answer_404_not_403(client, db, world, role):
    url = f"/households/{world.theirs['household_id']}"
    assert call(client, db, role, "GET", url).status_code == 404


def test_the_admin_reaches_another_units_objects(client, db, world):
    for path in ("/households/{household_id}", "/visits/{visit_id}", "/people/{person_id}/edit"):
        response = call(client, db, "admin", "GET", filled(path, world.theirs))
        assert response.status_code == 200 and THEIR_NAME in response.text
