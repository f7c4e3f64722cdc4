"""The registry through the API: the same scoping, checks and masking as the pages."""

from datetime import timedelta

import pytest
from sqlmodel import select

from app.core import clock
from app.domain.codes import RegionLevel
from app.domain.visits import OutcomeForm
from app.models import Person
from tests.factories import assign, household, id_number, person, region, region_named, visit

NUMBER = id_number("530402", "19800101", 123)


@pytest.fixture
def home(db):
    made = household(db, "瓦窑村", address="瓦窑村12号", household_key="0012")
    person(db, made, name="王大海", id_number=NUMBER, phone="13812345678", relation="head")
    return made


def test_the_list_is_paginated_and_shaped_as_the_contract_says(client, api_token, home):
    answer = client.get("/api/v1/households?page_size=10", headers=api_token("lee")).json()
    assert (answer["total"], answer["page"], answer["page_size"]) == (1, 1, 10)
    item = answer["items"][0]
    assert item["id"] == home.id
    assert item["village"]["name"] == "瓦窑村"
    assert (item["household_key"], item["address"], item["people_count"]) == (
        "0012",
        "瓦窑村12号",
        1,
    )
    assert set(item) >= {"assignee_id", "version"}


def test_page_size_is_capped(client, api_token):
    answer = client.get("/api/v1/households?page_size=201", headers=api_token("lee"))
    assert answer.status_code == 422


def test_the_same_filters_as_the_page_apply(client, api_token, home):
    headers = api_token("alice")
    assert client.get(f"/api/v1/households?q={NUMBER}", headers=headers).json()["total"] == 1
    assert client.get("/api/v1/households?status=stopped", headers=headers).json()["total"] == 0


def test_a_household_shows_its_people_masked(client, api_token, home):
    answer = client.get(f"/api/v1/households/{home.id}", headers=api_token("lee")).json()
    wang = answer["people"][0]
    assert wang["id_number_masked"] == f"530402********{NUMBER[-4:]}"
    assert wang["phone_masked"] == "138****5678"
    assert (wang["sex"], wang["birth_date"], wang["age"]) == ("M", "1980-01-01", 46)
    assert NUMBER not in str(answer) and "13812345678" not in str(answer)


def test_households_outside_scope_answer_404(client, api_token, db):
    taiji = region(db, "太极村", RegionLevel.village, region_named(db, "玉兴街道"))
    far = household(db, taiji.name, address="太极村8号")
    assert client.get(f"/api/v1/households/{far.id}", headers=api_token("lee")).status_code == 404
    assert client.get(f"/api/v1/households/{far.id}", headers=api_token("alice")).status_code == 200


def test_a_member_sees_assigned_households_only(client, api_token, db, home):
    headers = api_token("mei")
    assert client.get("/api/v1/households", headers=headers).json()["total"] == 0
    assign(db, home, "mei")
    assert client.get("/api/v1/households", headers=headers).json()["total"] == 1


def test_a_lead_creates_a_household(client, api_token, db):
    village = region_named(db, "瓦窑村")
    body = {"village_id": village.id, "address": "瓦窑村99号", "phone": "0877-2051234"}
    answer = client.post("/api/v1/households", json=body, headers=api_token("lee"))
    assert answer.status_code == 201
    assert answer.json()["phone_masked"] == "0877-***1234"
    assert answer.json()["people"] == []


def test_members_may_not_create_households(client, api_token, db):
    body = {"village_id": region_named(db, "瓦窑村").id, "address": "x"}
    assert client.post("/api/v1/households", json=body, headers=api_token("mei")).status_code == 403


def test_a_bad_household_names_each_field_in_chinese(client, api_token, db):
    body = {"village_id": 99999, "address": " ", "phone": "123"}
    answer = client.post("/api/v1/households", json=body, headers=api_token("lee"))
    assert answer.status_code == 422
    messages = {error["loc"][-1]: error["msg"] for error in answer.json()["detail"]}
    assert messages["address"] == "请输入住址。"
    assert messages["village_id"] == "请选择村（社区）。"
    assert "11位手机号码" in messages["phone"]


def test_a_person_is_added_with_birth_date_and_sex_derived(client, api_token, home):
    body = {
        "name": "王小海",
        "id_number": id_number(born="20050607", order=124),
        "key_groups": [4],
        "subsidy_categories": ["low_income"],
    }
    answer = client.post(
        f"/api/v1/households/{home.id}/people", json=body, headers=api_token("lee")
    )
    assert answer.status_code == 201
    created = answer.json()
    assert (created["sex"], created["birth_date"], created["key_groups"]) == (
        "F",
        "2005-06-07",
        [4],
    )
    assert created["subsidy_categories"] == ["low_income"]


def test_a_bad_id_number_is_a_422_naming_the_field(client, api_token, home):
    body = {"name": "王小海", "id_number": id_number(born="19800230")}
    answer = client.post(
        f"/api/v1/households/{home.id}/people",
        json=body,
        headers={**api_token("lee"), "Accept-Language": "en"},
    )
    assert answer.status_code == 422
    error = answer.json()["detail"][0]
    assert error["loc"] == ["body", "id_number"]
    assert error["msg"] == "The birth date 1980-02-30 in the number is not a real date."


def test_an_id_number_that_belongs_to_someone_else_is_a_409(client, api_token, home):
    body = {"name": "冒名", "id_number": NUMBER}
    answer = client.post(
        f"/api/v1/households/{home.id}/people", json=body, headers=api_token("lee")
    )
    assert answer.status_code == 409
    assert answer.json() == {"detail": "该身份证号码已登记为其他人员。"}


def test_full_id_numbers_never_appear_in_any_answer(client, api_token, home):
    headers = api_token("alice")
    for path in ("/api/v1/households", f"/api/v1/households/{home.id}"):
        assert NUMBER not in client.get(path, headers=headers).text


def test_each_person_shows_the_three_ones_and_whether_they_apply(client, api_token, db, home):
    person(
        db,
        home,
        name="王老汉",
        id_number=id_number(born="19500101", order=125),
        insurance_status="receiving",
    )
    answer = client.get(f"/api/v1/households/{home.id}", headers=api_token("lee")).json()
    nothing_yet = {"contact": False, "calculation": False, "leaflet": False}
    assert [(p["name"], p["three_ones"], p["three_ones_apply"]) for p in answer["people"]] == [
        ("王大海", nothing_yet, True),
        ("王老汉", nothing_yet, False),
    ]
    assert (answer["three_ones_done"], answer["three_ones_total"]) == (0, 3)


def test_each_person_shows_their_own_follow_up(client, api_token, db, home):
    assign(db, home, "mei")
    father = db.exec(select(Person).where(Person.household_id == home.id)).one()
    son = person(db, home, name="王小海", id_number=id_number(born="20000101", order=127))
    refused = OutcomeForm(person_id=str(son.id), code="refused", reason="再说")
    visit(db, home, [father, son], outcomes=[refused])
    answer = client.get(f"/api/v1/households/{home.id}", headers=api_token("lee")).json()
    half_a_year = (clock.today() + timedelta(days=180)).isoformat()
    assert [(p["name"], p["follow_up_on"]) for p in answer["people"]] == [
        ("王大海", None),  # spoken to, no outcome
        ("王小海", half_a_year),
    ]
