"""The worklist and assignments through the API."""

from app.domain.codes import RegionLevel
from tests.factories import household, id_number, person, region, region_named, user_id


def homes(db, count=3):
    made = [household(db, "瓦窑村", address=f"瓦窑村{n}号") for n in range(1, count + 1)]
    person(
        db,
        made[-1 if count < 2 else 1],
        name="王大海",
        id_number=id_number(order=123),
        phone="13812345678",
    )
    return made


def test_a_lead_assigns_and_the_member_gets_the_list_in_order(client, api_token, db):
    made = homes(db)
    answer = client.post(
        "/api/v1/assignments",
        json={"household_ids": [h.id for h in made], "member_id": user_id(db, "mei")},
        headers=api_token("lee"),
    )
    assert answer.json() == {"assigned": 3}
    worklist = client.get("/api/v1/worklist", headers=api_token("mei"))
    body = worklist.json()
    assert body["items"][0]["household_id"] == made[1].id
    assert {item["section"] for item in body["items"]} == {"new"}
    first = body["items"][0]
    assert (first["phone"], first["people_count"], first["three_ones_total"]) == (
        "13812345678",
        1,
        3,
    )
    assert worklist.headers["etag"] == body["etag"]


def test_the_etag_says_whether_anything_changed(client, api_token, db):
    made = homes(db, 2)
    lead, mei = api_token("lee"), api_token("mei")
    client.post(
        "/api/v1/assignments",
        json={"household_ids": [made[0].id], "member_id": user_id(db, "mei")},
        headers=lead,
    )
    tag = client.get("/api/v1/worklist", headers=mei).json()["etag"]
    assert client.get("/api/v1/worklist", headers={**mei, "If-None-Match": tag}).status_code == 304
    client.post(
        "/api/v1/assignments",
        json={"household_ids": [made[1].id], "member_id": user_id(db, "mei")},
        headers=lead,
    )
    assert client.get("/api/v1/worklist", headers=mei).json()["etag"] != tag


def test_only_members_have_a_worklist_and_only_leads_assign(client, api_token, db):
    assert client.get("/api/v1/worklist", headers=api_token("lee")).status_code == 403
    answer = client.post(
        "/api/v1/assignments",
        json={"household_ids": [], "member_id": None},
        headers=api_token("mei"),
    )
    assert answer.status_code == 403


def test_assigning_to_someone_outside_the_leads_teams_is_a_422(client, api_token, db):
    made = homes(db, 1)
    answer = client.post(
        "/api/v1/assignments",
        json={"household_ids": [made[0].id], "member_id": user_id(db, "otto")},
        headers=api_token("lee"),
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "member_id"]


def test_assigning_a_household_outside_the_leads_scope_is_a_404_and_changes_nothing(
    client, api_token, db
):
    ours = homes(db, 1)[0]
    other_township = region_named(db, "玉兴街道")
    village = region(db, "东村", RegionLevel.village, other_township)
    elsewhere = household(db, village.name, address="东村1号")
    answer = client.post(
        "/api/v1/assignments",
        json={"household_ids": [ours.id, elsewhere.id], "member_id": user_id(db, "mei")},
        headers=api_token("lee"),
    )
    assert answer.status_code == 404
    db.refresh(ours)
    assert ours.assignee_id is None
