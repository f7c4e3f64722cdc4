"""Visits through the API: what the offline app sends is stored once, checked by the visit
form's rules, counted in the household's three ones and the worklist, and listed on the
household's timeline."""

import sqlite3
import uuid
from dataclasses import asdict
from datetime import datetime, timedelta
from weakref import WeakKeyDictionary

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import func, select

from app import labels
from app.core import clock
from app.core import db as db_module
from app.core.config import get_settings
from app.models import AuditEvent, Calculation, Visit
from app.services import assignments, calculations, leaflets, visits
from app.services.parameters import effective_parameters
from tests import factories


@pytest.fixture
def home(db):
    made = factories.household(db, address="瓦窑村8号")
    factories.assign(db, made, "mei")
    return made


@pytest.fixture
def wang(db, home):
    return factories.person(db, home, name="王芳", id_number=factories.id_number(order=124))


def saved_calculation(db, person, by: str = "mei") -> int:
    """A calculation saved for the person, as the calculator page saves it."""
    year = clock.today().year
    inputs = calculations.checked(calculations.form_for_person(db, person), year)
    options, _shown = calculations.side_by_side(effective_parameters(db), inputs)
    saved = calculations.save_calculation(
        db,
        person,
        year,
        inputs.person,
        options,
        inputs.assumptions,
        by=factories.user_named(db, by),
    )
    return saved.id


def a_visit(home, people=(), **fields) -> dict:
    """A home visit that reached ``people`` now, as the offline app sends it."""
    return {
        "client_uuid": str(uuid.uuid4()),
        "household_id": home.id,
        "channel": "home_visit",
        "reached": True,
        "person_ids": [p.id for p in people],
        "occurred_at": clock.local(clock.now()).isoformat(),
        **fields,
    }


def visits_stored(db) -> int:
    return db.exec(select(func.count()).select_from(Visit)).one()


def test_the_same_client_uuid_twice_stores_one_visit(client, api_token, db, home, wang):
    mei, body = api_token("mei"), a_visit(home, [wang])
    first = client.post("/api/v1/visits", json=body, headers=mei)
    again = client.post("/api/v1/visits", json=body, headers=mei)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert first.json()["client_uuid"] == body["client_uuid"]
    assert visits_stored(db) == 1


def test_a_send_racing_another_of_the_same_visit_answers_the_stored_visit(
    client, api_token, db, home, wang, monkeypatch
):
    """The second send looked before the first was stored; its insert fails on the UUID."""
    mei, body = api_token("mei"), a_visit(home, [wang])
    first = client.post("/api/v1/visits", json=body, headers=mei)
    looked = visits.repeat_of
    blind = iter([True, True])  # the route's look and record_visit's, before the first commit
    monkeypatch.setattr(visits, "repeat_of", lambda *a: None if next(blind, False) else looked(*a))
    racing = client.post("/api/v1/visits", json=body, headers=mei)
    assert racing.status_code == 200
    assert racing.json() == first.json()
    assert visits_stored(db) == 1


def test_a_full_visit_completes_the_three_ones_in_the_household_and_the_worklist(
    client, api_token, db, home, wang
):
    mei = api_token("mei")
    leaflet = leaflets.published(db)[0]
    steps = [
        {"person_id": wang.id, "calculation_id": saved_calculation(db, wang)},
        {"person_id": wang.id, "leaflet_id": leaflet.leaflet_id, "leaflet_medium": "digital"},
    ]
    outcomes = [{"person_id": wang.id, "code": "raise_tier", "from": 200, "to": 500}]
    answer = client.post(
        "/api/v1/visits", json=a_visit(home, [wang], steps=steps, outcomes=outcomes), headers=mei
    )
    assert answer.status_code == 201, answer.text
    stored = answer.json()
    assert [step["kind"] for step in stored["steps"]] == ["calculation", "leaflet"]
    assert stored["steps"][1]["leaflet_version"] == leaflet.version
    assert stored["occurred_at"].endswith("+08:00")
    detail = client.get(f"/api/v1/households/{home.id}", headers=mei).json()
    assert detail["people"][0]["three_ones"] == {
        "contact": True,
        "calculation": True,
        "leaflet": True,
    }
    assert (detail["three_ones_done"], detail["three_ones_total"]) == (3, 3)
    (item,) = client.get("/api/v1/worklist", headers=mei).json()["items"]
    assert (item["three_ones_done"], item["three_ones_total"]) == (3, 3)
    assert item["last_contact"] == clock.today().isoformat()
    assert item["follow_up_on"] == (clock.today() + timedelta(days=30)).isoformat()


def test_a_visit_by_phone_counts_the_contact_only(client, api_token, home, wang):
    mei = api_token("mei")
    client.post("/api/v1/visits", json=a_visit(home, [wang], channel="phone_call"), headers=mei)
    person = client.get(f"/api/v1/households/{home.id}", headers=mei).json()["people"][0]
    assert person["three_ones"] == {"contact": True, "calculation": False, "leaflet": False}
    assert person["three_ones_apply"] is True


def test_nobody_home_sets_the_follow_up_and_counts_no_contact(client, api_token, home, wang):
    mei = api_token("mei")
    body = a_visit(home, reached=False, not_reached_reason="nobody_home")
    assert (
        client.post("/api/v1/visits", json=body, headers=mei).json()["follow_up_on"]
        == (clock.today() + timedelta(days=3)).isoformat()
    )
    (item,) = client.get("/api/v1/worklist", headers=mei).json()["items"]
    assert (item["three_ones_done"], item["last_contact"]) == (0, None)


FIGURES = {
    "join_resident": {"to": 500},
    "raise_tier": {"from": 200, "to": 500},
    "join_flexible": {"to": 60},
    "resume_paying": {},
    "extend_paying": {},
    "buy_back": {},
    "insured_elsewhere": {},
    "undecided": {},
    "refused": {"reason": "家里困难"},
    "not_eligible": {},
}
ENROLMENT_CHANGES = {
    "join_resident",
    "raise_tier",
    "join_flexible",
    "resume_paying",
    "extend_paying",
    "buy_back",
}


@pytest.mark.parametrize("code", FIGURES)
def test_each_outcome_is_stored_with_its_figures(client, api_token, home, wang, code):
    outcome = {"person_id": wang.id, "code": code, **FIGURES[code]}
    follow_up = (clock.today() + timedelta(days=7)).isoformat()
    body = a_visit(home, [wang], outcomes=[outcome], follow_up_on=follow_up)
    answer = client.post("/api/v1/visits", json=body, headers=api_token("mei"))
    assert answer.status_code == 201, answer.text
    (stored,) = answer.json()["outcomes"]
    assert {name: stored[name] for name in outcome} == outcome
    changes = answer.json()["enrolment_changes"]
    if code in ENROLMENT_CHANGES:
        (change,) = changes
        assert (change["kind"], change["status"], change["person_id"]) == (
            code,
            "reported",
            wang.id,
        )
        assert (change["from"], change["to"]) == (outcome.get("from"), outcome.get("to"))
    else:
        assert changes == []
    assert answer.json()["follow_up_on"] == follow_up


def test_undecided_without_a_follow_up_date_names_follow_up_on(client, api_token, db, home, wang):
    outcomes = [{"person_id": wang.id, "code": "undecided"}]
    answer = client.post(
        "/api/v1/visits",
        json=a_visit(home, [wang], outcomes=outcomes),
        headers={**api_token("mei"), "Accept-Language": "en"},
    )
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {
            "loc": ["body", "follow_up_on"],
            "msg": "Undecided: set the date to follow up.",
            "type": "value_error",
        }
    ]
    assert visits_stored(db) == 0


def test_what_the_rules_refuse_is_located_where_it_was_sent(client, api_token, db, home, wang):
    outcomes = [{"person_id": wang.id, "code": "raise_tier", "from": 500, "to": 300}]
    answer = client.post(
        "/api/v1/visits", json=a_visit(home, [wang], outcomes=outcomes), headers=api_token("mei")
    )
    assert answer.status_code == 422
    assert [problem["loc"] for problem in answer.json()["detail"]] == [["body", "outcomes", 0]]


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("reached", "maybe", ["body", "reached"]),
        ("person_ids", "all of them", ["body", "person_ids"]),
        ("channel", "pigeon", ["body", "channel"]),
        ("occurred_at", "yesterday", ["body", "occurred_at"]),
        ("outcomes", [{"person_id": 1, "code": "raise_tier", "to": "lots"}], None),
    ],
)
def test_a_malformed_body_is_a_422_naming_the_field(
    client, api_token, db, home, wang, field, value, where
):
    answer = client.post(
        "/api/v1/visits", json=a_visit(home, [wang], **{field: value}), headers=api_token("mei")
    )
    assert answer.status_code == 422
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == (where or ["body", "outcomes", 0, "to"])
    assert problem["msg"]
    assert visits_stored(db) == 0


def test_a_malformed_client_uuid_is_named_as_such_not_as_an_expired_form(
    client, api_token, db, home, wang
):
    answer = client.post(
        "/api/v1/visits",
        json=a_visit(home, [wang], client_uuid="visit-42"),
        headers=api_token("mei"),
    )
    assert answer.status_code == 422
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == ["body", "client_uuid"]
    assert "UUID" in problem["msg"] and "不是有效的" in problem["msg"]
    assert "表单已过期" not in problem["msg"]
    assert visits_stored(db) == 0


def test_a_calculation_saved_for_someone_else_is_refused(client, api_token, db, home, wang):
    li = factories.person(db, home, name="李强", id_number=factories.id_number(order=125))
    steps = [{"person_id": wang.id, "calculation_id": saved_calculation(db, li)}]
    answer = client.post(
        "/api/v1/visits", json=a_visit(home, [wang], steps=steps), headers=api_token("mei")
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "steps", 0]


def test_who_may_record_a_visit(client, api_token, db, home, wang):
    body = a_visit(home, [wang])
    assert client.post("/api/v1/visits", json=body).status_code == 401
    assert client.post("/api/v1/visits", json=body, headers=api_token("cai")).status_code == 403
    assert client.post("/api/v1/visits", json=body, headers=api_token("ming")).status_code == 404
    assert client.post("/api/v1/visits", json=body, headers=api_token("otto")).status_code == 404
    assert client.post("/api/v1/visits", json=body, headers=api_token("lee")).status_code == 201


def test_a_visit_is_read_back_by_those_who_may_record_it(client, api_token, home, wang):
    stored = client.post("/api/v1/visits", json=a_visit(home, [wang]), headers=api_token("mei"))
    path = f"/api/v1/visits/{stored.json()['id']}"
    assert client.get(path, headers=api_token("mei")).json() == stored.json()
    assert client.get(path, headers=api_token("ming")).status_code == 404
    assert client.get(path, headers=api_token("cai")).status_code == 403
    assert client.get("/api/v1/visits/999999", headers=api_token("alice")).status_code == 404


def test_an_offline_visit_counts_for_the_member_who_held_the_household_then(
    client, api_token, db, monkeypatch
):
    home = factories.household(db, address="瓦窑村9号")
    lee = factories.user_named(db, "lee")
    now = clock.now()
    handed_over = now - timedelta(days=1)
    for member, when in (("mei", now - timedelta(days=7)), ("ming", handed_over)):
        with monkeypatch.context() as patched:
            patched.setattr(clock, "now", lambda when=when: when)
            assignments.assign(db, [home.id], factories.user_id(db, member), by=lee)
    person = factories.person(db, home, name="赵敏", id_number=factories.id_number(order=126))
    mei = api_token("mei")

    def sent_at(moment: datetime):
        body = a_visit(home, [person], occurred_at=clock.local(moment).isoformat())
        return client.post("/api/v1/visits", json=body, headers=mei)

    assert sent_at(handed_over - timedelta(hours=4)).status_code == 201
    assert sent_at(handed_over + timedelta(hours=4)).status_code == 404


def test_a_retry_after_the_household_was_reassigned_answers_the_stored_visit(
    client, api_token, db, home, wang
):
    body = a_visit(home, [wang])
    first = client.post("/api/v1/visits", json=body, headers=api_token("mei"))
    factories.assign(db, home, "ming")
    retry = {key: value for key, value in body.items() if key != "occurred_at"}
    again = client.post("/api/v1/visits", json=retry, headers=api_token("mei"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and visits_stored(db) == 1


def test_the_timeline_lists_everything_newest_first(client, api_token, db):
    home = factories.household(db, address="瓦窑村9号")
    person = factories.person(db, home, name="赵敏", id_number=factories.id_number(order=126))
    assignments.assign(
        db, [home.id], factories.user_id(db, "mei"), by=factories.user_named(db, "lee")
    )
    mei = api_token("mei")
    steps = [
        {"person_id": person.id, "calculation_id": saved_calculation(db, person)},
        {"person_id": person.id, "leaflet_id": leaflets.published(db)[0].leaflet_id},
    ]
    outcomes = [{"person_id": person.id, "code": "join_resident", "to": 300}]
    visit = client.post(
        "/api/v1/visits",
        json=a_visit(home, [person], steps=steps, outcomes=outcomes),
        headers=mei,
    ).json()
    items = client.get(f"/api/v1/households/{home.id}/timeline", headers=mei).json()["items"]
    kinds = {item["kind"] for item in items}
    assert kinds == set(labels.TIMELINE_KINDS)
    moments = [datetime.fromisoformat(item["at"]) for item in items]
    assert moments == sorted(moments, reverse=True)
    (visited,) = [item for item in items if item["kind"] == "visit"]
    assert visited["visit_id"] == visit["id"] and visited["by"] == "梅队员"
    assert "赵敏" in visited["summary"] and visited["at"].endswith("+08:00")
    (outcome,) = [item for item in items if item["kind"] == "outcome"]
    assert (outcome["person_id"], outcome["code"]) == (person.id, "join_resident")


def test_the_timeline_follows_the_households_scope(client, api_token, home, wang):
    path = f"/api/v1/households/{home.id}/timeline"
    assert client.get(path).status_code == 401
    assert client.get(path, headers=api_token("ming")).status_code == 404
    assert client.get(path, headers=api_token("lee")).status_code == 200


def test_the_openapi_schema_describes_visits_and_the_timeline(client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert {"post"} <= set(paths["/api/v1/visits"])
    assert "get" in paths["/api/v1/visits/{visit_id}"]
    assert "get" in paths["/api/v1/households/{household_id}/timeline"]
    outcome = schema["components"]["schemas"]["OutcomeIn"]["properties"]
    assert {"person_id", "code", "from", "to"} <= set(outcome)


def test_a_cadre_reads_their_households_timeline_without_the_members_notes(
    client, api_token, db, home, wang
):
    cai = factories.user_named(db, "cai")
    cai.person_id = wang.id
    db.add(cai)
    db.commit()
    client.post(
        "/api/v1/visits", json=a_visit(home, [wang], notes="家里有困难"), headers=api_token("mei")
    )
    path = f"/api/v1/households/{home.id}/timeline"
    as_cadre = client.get(path, headers=api_token("cai")).json()["items"]
    as_member = client.get(path, headers=api_token("mei")).json()["items"]
    visit_items = [i for i in as_cadre if i["kind"] == "visit"]
    assert visit_items and all(not i.get("notes") for i in visit_items)
    assert any(i.get("notes") == "家里有困难" for i in as_member)


# --- a calculation the phone kept and showed offline --------------------------------------------


def kept(db, person, **typed) -> dict:
    """The comparison the phone showed for the person: the calculator page's inputs by their
    form names, and the parameter version it was shown at."""
    form = asdict(calculations.form_for_person(db, person))
    version = effective_parameters(db).version
    return {**form, "parameters_version": version, **typed}


def kept_step(db, person, **typed) -> dict:
    """A calculation step as the phone sends it after showing the kept comparison."""
    return {"person_id": person.id, "kind": "calculation", "calculation": kept(db, person, **typed)}


def stored_calculations(db) -> list[Calculation]:
    return list(db.exec(select(Calculation).order_by(Calculation.id)))


def test_a_kept_calculation_is_worked_out_again_and_saved_as_the_step(
    client, api_token, db, home, wang
):
    # The kind may be left out; figures from the phone are not read.
    step = {"person_id": wang.id, "calculation": kept(db, wang, monthly_total=99999)}
    answer = client.post(
        "/api/v1/visits", json=a_visit(home, [wang], steps=[step]), headers=api_token("mei")
    )
    assert answer.status_code == 201, answer.text
    (saved,) = stored_calculations(db)
    (stored_step,) = answer.json()["steps"]
    assert (stored_step["kind"], stored_step["calculation_id"]) == ("calculation", saved.id)
    assert (saved.person_id, saved.created_by_id) == (wang.id, factories.user_id(db, "mei"))
    as_the_page_saves_it = db.get(Calculation, saved_calculation(db, wang))
    assert saved.inputs == as_the_page_saves_it.inputs
    assert saved.outputs == as_the_page_saves_it.outputs
    person = client.get(f"/api/v1/households/{home.id}", headers=api_token("mei")).json()
    assert person["people"][0]["three_ones"]["calculation"] is True


def test_a_kept_calculation_sent_twice_is_saved_once(client, api_token, db, home, wang):
    body = a_visit(home, [wang], steps=[kept_step(db, wang)])
    first = client.post("/api/v1/visits", json=body, headers=api_token("mei"))
    again = client.post("/api/v1/visits", json=body, headers=api_token("mei"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert len(stored_calculations(db)) == 1 and visits_stored(db) == 1


def test_a_kept_calculation_of_older_parameters_is_saved_at_todays_and_the_phones_is_audited(
    client, api_token, db, home, wang
):
    step = kept_step(db, wang, parameters_version="2025-01-01")
    answer = client.post(
        "/api/v1/visits", json=a_visit(home, [wang], steps=[step]), headers=api_token("mei")
    )
    assert answer.status_code == 201, answer.text
    (saved,) = stored_calculations(db)
    assert saved.parameters_version == effective_parameters(db).version
    (event,) = db.exec(select(AuditEvent).where(AuditEvent.action == "calculation_saved"))
    assert event.detail["kept_parameters_version"] == "2025-01-01"
    assert event.detail["parameters_version"] == saved.parameters_version


def test_a_kept_calculation_the_calculator_refuses_refuses_the_visit_naming_the_person(
    client, api_token, db, home, wang
):
    li = factories.person(db, home, name="李强", id_number=factories.id_number(order=125))
    steps = [kept_step(db, li), kept_step(db, wang, birth_date="1980-13-01")]
    answer = client.post(
        "/api/v1/visits", json=a_visit(home, [li, wang], steps=steps), headers=api_token("mei")
    )
    assert answer.status_code == 422
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == ["body", "steps", 1, "calculation", "birth_date"]
    assert problem["msg"] == "王芳的测算无法保存：请按“年-月-日”填写出生日期。"
    assert visits_stored(db) == 0 and stored_calculations(db) == [], "nothing half-written"


def test_a_step_with_both_a_saved_and_a_kept_calculation_is_refused(
    client, api_token, db, home, wang
):
    step = {**kept_step(db, wang), "calculation_id": saved_calculation(db, wang)}
    answer = client.post(
        "/api/v1/visits", json=a_visit(home, [wang], steps=[step]), headers=api_token("mei")
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "steps", 0]
    assert visits_stored(db) == 0 and len(stored_calculations(db)) == 1


def test_three_ones_done_offline_with_kept_calculations_raise_no_quality_flag(
    client, api_token, as_user, db, home, wang
):
    people = [wang] + [
        factories.person(db, home, name=name, id_number=factories.id_number(order=order))
        for name, order in (("李强", 125), ("赵敏", 126))
    ]
    leaflet = leaflets.published(db)[0].leaflet_id
    steps = [kept_step(db, p) for p in people] + [
        {"person_id": p.id, "leaflet_id": leaflet} for p in people
    ]
    answer = client.post(
        "/api/v1/visits", json=a_visit(home, people, steps=steps), headers=api_token("mei")
    )
    assert answer.status_code == 201, answer.text
    page = as_user("lee").get("/quality").text
    assert 'data-flag="three_ones_without_calculation"' not in page
    assert 'id="no-flags"' in page


def test_a_visit_that_waits_too_long_for_its_turn_answers_503_with_retry_after(
    client, api_token, db, home, wang, monkeypatch
):
    mei = api_token("mei")
    monkeypatch.setattr(db_module, "_gates", WeakKeyDictionary())
    monkeypatch.setattr(get_settings(), "writers", 0)
    monkeypatch.setattr(get_settings(), "write_wait_seconds", 0.05)
    answer = client.post("/api/v1/visits", json=a_visit(home, [wang]), headers=mei)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"
    assert answer.json()["detail"] == "同时保存的人很多，这次没有保存，请稍后再试。"
    assert visits_stored(db) == 0
    assert client.get("/api/v1/health").status_code == 200  # reads wait for no writer


@pytest.mark.parametrize(
    "cut_short",
    [
        OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked")),
        PoolTimeout("QueuePool limit of size 40 overflow 10 reached"),
    ],
    ids=["sqlite write lock", "pooled connection"],
)
def test_a_wait_for_the_database_cut_short_answers_503_with_retry_after(
    client, api_token, db, home, wang, monkeypatch, cut_short
):
    def waited(*_args, **_kwargs):
        raise cut_short

    mei = api_token("mei")
    monkeypatch.setattr(visits, "record_visit", waited)
    answer = client.post("/api/v1/visits", json=a_visit(home, [wang]), headers=mei)
    assert (answer.status_code, answer.headers["Retry-After"]) == (503, "2")
    assert answer.json()["detail"] == "同时保存的人很多，这次没有保存，请稍后再试。"
