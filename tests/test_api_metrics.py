"""GET /api/v1/metrics (api.md, Metrics): a unit's targets, official actuals and progress and
the teams' work, with the units directly below it; leads and admins only, a lead within their
own region."""

import pytest

from app.domain.codes import OutcomeCode
from app.domain.metrics import WORK_SINCE
from tests import factories
from tests.factories import region_named

CONTRACT = {"region", "year", "targets", "actuals", "progress", "work", "children"}
WORK = {"households_assigned", "people_contacted", "three_ones_complete"}
WORK.add("enrolment_changes_confirmed")


def metrics(client, headers, region_id=None, **params):
    if region_id is not None:
        params["region_id"] = region_id
    return client.get("/api/v1/metrics", params=params, headers=headers)


def test_a_county_year_has_the_contracts_shape_and_its_targets(client, db, api_token):
    hongta = region_named(db, "红塔区")
    answer = metrics(client, api_token("alice"), hongta.id, year=2024)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) >= CONTRACT
    assert body["region"] == {"id": hongta.id, "name": "红塔区", "level": "county"}
    assert body["targets"] == {
        "employee_in_work": 91400,
        "resident_contribution_per_capita": 543,
        "participation_rate": 0.96,  # the city's goal: the county has none of its own
        "employee_share": 0.3,
    }
    city_wide = {s["metric"] for s in body["standings"] if s["city_wide"]}
    assert city_wide == {"participation_rate", "employee_share"}
    assert body["actuals"]["employee_in_work"] is None and body["actuals"]["source"] is None
    assert body["progress"]["employee_in_work"] is None
    assert set(body["work"]) >= WORK
    assert set(body["work"]["outcomes"]) == set(OutcomeCode)


def test_the_units_directly_below_come_in_the_same_shape_without_their_own(client, db, api_token):
    answer = metrics(client, api_token("alice"), region_named(db, "红塔区").id, year=2024)
    children = answer.json()["children"]
    assert [child["region"]["name"] for child in children] == ["北城街道", "玉兴街道"]
    assert all(set(child) >= CONTRACT - {"children"} for child in children)
    assert all("children" not in child for child in children)


def test_the_work_counts_the_units_households(client, db, api_token):
    home = factories.household(db)
    factories.assign(db, home, "mei")
    wang = factories.person(db, home, name="王芳")
    factories.visit(db, home, [wang])
    answer = metrics(client, api_token("lee"), region_named(db, "北城街道").id)
    work = answer.json()["work"]
    assert (work["households"], work["households_assigned"], work["people_contacted"]) == (1, 1, 1)
    assert work["eligible_people"] == 1 and work["three_ones_rate"] == 0.0
    assert answer.json()["children"][0]["work"]["households"] == 1  # 瓦窑村


def test_a_year_without_targets_says_why_there_is_no_progress(client, db, api_token):
    headers = {**api_token("alice"), "Accept-Language": "en"}
    body = metrics(client, headers, region_named(db, "红塔区").id, year=2030).json()
    assert body["targets"] == {}
    assert set(body["progress"].values()) == {None}
    assert {s["reason"] for s in body["standings"]} == {"No targets for this year."}


def test_the_city_lists_its_counties(client, db, api_token):
    city = region_named(db, "玉溪市")
    body = metrics(client, api_token("alice"), city.id, year=2024).json()
    assert body["targets"]["participation_rate"] == 0.96
    assert "红塔区" in [child["region"]["name"] for child in body["children"]]


def test_years_before_the_plan_are_refused(client, db, api_token):
    answer = metrics(client, api_token("alice"), region_named(db, "红塔区").id, year=2021)
    assert answer.status_code == 422
    assert WORK_SINCE.year == 2022


def test_a_lead_sees_their_own_region_and_below_by_default(client, db, api_token):
    headers = api_token("lee")
    assert metrics(client, headers).json()["region"]["name"] == "北城街道"
    assert metrics(client, headers, region_named(db, "瓦窑村").id).status_code == 200


@pytest.mark.parametrize("outside", ["红塔区", "玉兴街道", "玉溪市"])
def test_a_lead_gets_404_outside_their_region(client, db, api_token, outside):
    answer = metrics(client, api_token("lee"), region_named(db, outside).id)
    assert answer.status_code == 404


def test_an_unknown_region_is_404(client, api_token):
    assert metrics(client, api_token("alice"), 99_999).status_code == 404


@pytest.mark.parametrize("username", ["mei", "cai"])
def test_members_and_cadres_may_not_read_metrics(client, db, api_token, username):
    answer = metrics(client, api_token(username), region_named(db, "瓦窑村").id)
    assert answer.status_code == 403


def test_the_openapi_schema_describes_metrics(client):
    schema = client.get("/openapi.json").json()
    assert "/api/v1/metrics" in schema["paths"]
    assert "MetricsOut" in schema["components"]["schemas"]
