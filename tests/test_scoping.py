"""Everyone sees only what is theirs: every route that takes a household or person, for every
role, answers 404 for one outside the user's scope (403 where the role may never use it) — a
new route with such a parameter is covered automatically."""

import pytest
from fastapi.routing import APIRoute
from sqlmodel import select

from app.domain.codes import RegionLevel
from app.domain.visits import OutcomeForm
from app.main import app
from app.models import EnrolmentChange
from tests.conftest import csrf_token
from tests.factories import (
    assign,
    household,
    id_number,
    person,
    region,
    region_named,
    visit,
)

SCOPED = ("{household_id}", "{person_id}", "{visit_id}", "{change_id}")


def app_routes():
    """Every route of the app, through the routers it includes."""
    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):
            yield from route.effective_route_contexts()
        elif isinstance(route, APIRoute):
            yield route


ROUTES = sorted(
    (method, route.path)
    for route in app_routes()
    if any(p in route.path for p in SCOPED)
    for method in route.methods
)


@pytest.fixture
def outside(db):
    """A household and person in another township, assigned to Otto (another team's member),
    with Otto's visit and the enrolment change it reported."""
    taiji = region(db, "太极村", RegionLevel.village, region_named(db, "玉兴街道"))
    home = household(db, taiji.name, address="太极村8号")
    someone = person(db, home, name="赵远", id_number=id_number(order=333))
    assign(db, home, "otto")
    joined = OutcomeForm(person_id=str(someone.id), code="join_flexible", to_value="60")
    made = visit(db, home, [someone], by="otto", outcomes=[joined])
    change = db.exec(select(EnrolmentChange)).one()
    return {
        "{household_id}": home.id,
        "{person_id}": someone.id,
        "{visit_id}": made.id,
        "{change_id}": change.id,
    }


def test_the_matrix_covers_the_household_and_person_routes():
    paths = {path for _method, path in ROUTES}
    assert "/households/{household_id}" in paths
    assert "/api/v1/households/{household_id}" in paths
    assert "/people/{person_id}/reveal" in paths


@pytest.mark.parametrize("username", ["lee", "mei", "cai"])
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_nothing_outside_the_users_scope_is_reachable(
    client, as_user, api_token, outside, username, method, path
):
    url = path
    for name, value in outside.items():
        url = url.replace(name, str(value))
    if url.startswith("/api/"):
        headers = api_token(username)
        response = client.request(method, url, headers=headers, json={})
    else:
        as_user(username)
        headers = {"X-CSRF-Token": csrf_token(client, "/account")}
        response = client.request(method, url, headers=headers, data={})
    assert response.status_code in (403, 404, 422), (method, url, response.status_code)
    if response.status_code == 422:
        pytest.fail(f"{method} {url} validated the body before checking scope")
    assert "赵远" not in response.text


@pytest.mark.parametrize("username", ["lee", "mei", "cai"])
def test_guessed_ids_of_others_households_answer_404_not_403(as_user, outside, username):
    client = as_user(username)
    assert client.get(f"/households/{outside['{household_id}']}").status_code == 404


def test_the_admin_reaches_them(as_user, outside):
    assert as_user("alice").get(f"/households/{outside['{household_id}']}").status_code == 200
