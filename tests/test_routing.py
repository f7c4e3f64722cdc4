"""The app's routers skip themselves for paths none of their routes begin with, and find
every route as FastAPI's own would."""

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from app.core.routing import Router


def app_of(*routers: APIRouter) -> TestClient:
    app = FastAPI()
    pages = Router()
    for router in routers:
        pages.include_router(router)
    app.include_router(pages)
    return TestClient(app)


def router_with(prefix: str, *paths: str) -> Router:
    router = Router(prefix=prefix)
    for path in paths:
        router.add_api_route(path, lambda path=path: {"route": prefix + path}, methods=["GET"])
    return router


def test_a_route_in_a_late_router_is_found():
    client = app_of(router_with("/households", "", "/{id}"), router_with("/worklist", "/claims"))

    assert client.get("/worklist/claims").json() == {"route": "/worklist/claims"}
    assert client.get("/households/7").json() == {"route": "/households/{id}"}


def test_a_path_no_router_begins_with_is_not_found():
    client = app_of(router_with("/households", ""), router_with("/worklist", ""))

    assert client.get("/visits").status_code == 404
    assert client.get("/").status_code == 404


def test_a_wrong_method_still_says_not_allowed():
    client = app_of(router_with("/households", ""))

    assert client.post("/households").status_code == 405


def test_a_router_whose_first_segment_is_a_parameter_is_always_asked():
    client = app_of(router_with("", "/{code}"), router_with("/worklist", ""))

    assert client.get("/anything").json() == {"route": "/{code}"}


def test_routes_added_later_are_found():
    households = router_with("/households", "")
    client = app_of(households)
    client.get("/households")
    households.add_api_route("/new", lambda: {"route": "new"}, methods=["GET"])

    assert client.get("/households/new").json() == {"route": "new"}


def test_a_router_cannot_be_included_under_a_prefix():
    with pytest.raises(ValueError):
        Router().include_router(router_with("/households", ""), prefix="/api")
    with pytest.raises(ValueError):
        Router(prefix="/api").include_router(router_with("/households", ""))
