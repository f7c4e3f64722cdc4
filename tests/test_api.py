"""The JSON API root: tokens, the caller, health, regions and targets (shapes from api.md)."""

import pytest

from tests.factories import region_named


def test_a_token_is_issued_for_good_credentials(client):
    answer = client.post(
        "/api/v1/auth/token", json={"username": "lee", "password": "correct-horse-battery"}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 12 * 3600
    assert len(body["access_token"]) >= 32


def test_bad_credentials_get_401_with_a_chinese_message(client):
    answer = client.post("/api/v1/auth/token", json={"username": "lee", "password": "nope"})
    assert answer.status_code == 401
    assert answer.json() == {"detail": "用户名或密码错误。"}


def test_english_callers_get_english_messages(client):
    answer = client.post(
        "/api/v1/auth/token",
        json={"username": "lee", "password": "nope"},
        headers={"Accept-Language": "en-US,en;q=0.9"},
    )
    assert answer.json() == {"detail": "Wrong username or password."}


def test_token_requests_are_throttled_like_logins(client):
    for _ in range(5):
        client.post("/api/v1/auth/token", json={"username": "lee", "password": "nope"})
    answer = client.post(
        "/api/v1/auth/token", json={"username": "lee", "password": "correct-horse-battery"}
    )
    assert answer.status_code == 429
    assert "retry-after" in answer.headers


def test_me_describes_the_caller(client, db, api_token):
    answer = client.get("/api/v1/me", headers=api_token("lee")).json()
    township = region_named(db, "北城街道")
    assert answer == {
        "id": answer["id"],
        "username": "lee",
        "display_name": "李队长",
        "role": "lead",
        "region": {"id": township.id, "name": "北城街道", "level": "township"},
        "locale": "zh_CN",
    }


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic abc"])
def test_missing_or_bad_tokens_get_401(client, header):
    headers = {"Authorization": header} if header else {}
    answer = client.get("/api/v1/me", headers=headers)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert "令牌" in answer.json()["detail"]


def test_a_web_session_cookie_is_not_an_api_token(client, as_user):
    as_user("lee")
    assert client.get("/api/v1/me").status_code == 401


def test_health_needs_no_token(client):
    assert client.get("/api/v1/health").json() == {"status": "ok", "database": "ok"}


def test_the_top_level_regions_are_the_city_and_city_level_units(client, api_token):
    answer = client.get("/api/v1/regions", headers=api_token("mei")).json()
    assert [(r["name"], r["level"], r["parent_id"]) for r in answer] == [
        ("玉溪市", "city", None),
        ("市本级", "unit", None),
    ]
    assert set(answer[0]) >= {"id", "name", "level", "parent_id", "is_demonstration"}


def test_the_city_has_its_nine_counties_in_the_plans_order(client, api_token):
    headers = api_token("mei")
    city = client.get("/api/v1/regions", headers=headers).json()[0]
    counties = client.get(f"/api/v1/regions?parent_id={city['id']}", headers=headers).json()
    assert [c["name"] for c in counties] == [
        "红塔区",
        "江川区",
        "澄江市",
        "通海县",
        "华宁县",
        "易门县",
        "峨山县",
        "新平县",
        "元江县",
    ]
    assert {c["level"] for c in counties} == {"county"}
    assert counties[0]["code"] == "530402"


def test_targets_filter_by_year_and_region(client, db, api_token):
    hongta = region_named(db, "红塔区")
    answer = client.get(
        f"/api/v1/targets?year=2024&region_id={hongta.id}", headers=api_token("mei")
    ).json()
    assert {(t["metric"], t["value"]) for t in answer} == {
        ("employee_in_work", 91400),
        ("resident_contribution_per_capita", 543),
    }
    assert all(t["region_name"] == "红塔区" and t["year"] == 2024 for t in answer)


def test_a_year_without_targets_is_an_empty_list(client, api_token):
    assert client.get("/api/v1/targets?year=2026", headers=api_token("mei")).json() == []


def test_the_openapi_schema_describes_the_api_and_the_docs_page_loads(client):
    schema = client.get("/openapi.json").json()
    for path in (
        "/api/v1/auth/token",
        "/api/v1/me",
        "/api/v1/health",
        "/api/v1/regions",
        "/api/v1/targets",
    ):
        assert path in schema["paths"]
    assert "/login" not in schema["paths"], "pages stay out of the API schema"
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "swagger-ui-bundle.js" in docs.text
