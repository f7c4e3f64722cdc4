"""The visit in one screen: on the household page each person's card records the three ones
and the outcome one step at a time, answered in place with the card (HTMX), saved or with the
step's message beside it; the first step starts the day's visit and later ones join it."""

import re
import uuid
from datetime import timedelta

import pytest
from sqlmodel import func, select

from app.core import clock
from app.models import Calculation, Outcome, Visit, VisitPerson, VisitStep
from app.services import leaflets
from tests.conftest import csrf_token
from tests.factories import assign, household, id_number, person

HTMX = {"HX-Request": "true"}
VISIT_UUID = re.compile(r'name="visit_uuid" value="([^"]+)"')


@pytest.fixture
def home(db):
    made = household(db, "瓦窑村", address="瓦窑村5号")
    assign(db, made, "mei")
    return made


@pytest.fixture
def wang(db, home):
    born = id_number(born="19800101", order=124)
    return person(
        db, home, name="王芳", id_number=born, insurance_status="resident", relation="head"
    )


@pytest.fixture
def son(db, home):
    born = id_number(born="20000302", order=135)
    return person(
        db, home, name="王小军", id_number=born, insurance_status="none", relation="child"
    )


def count(db, table) -> int:
    return db.exec(select(func.count()).select_from(table)).one()


def on_the_page(client, home) -> dict[str, str]:
    """What the household page's visit bar sends with every step."""
    page = client.get(f"/households/{home.id}").text
    return {
        "visit_uuid": VISIT_UUID.search(page).group(1),
        "channel": "home_visit",
        "occurred_at": "",
        "csrf_token": csrf_token(client, f"/households/{home.id}"),
    }


def step(client, home, kind, bar, someone, **data):
    data = bar | {"client_uuid": str(uuid.uuid4()), "person_id": str(someone.id)} | data
    return client.post(f"/households/{home.id}/visit/{kind}", data=data, headers=HTMX)


def test_the_first_step_on_a_card_starts_the_visit_and_the_card_answers_saved(
    as_user, db, home, wang
):
    mei = as_user("mei")
    bar = on_the_page(mei, home)
    leaflet = leaflets.published(db)[0]
    answer = step(mei, home, "steps", bar, wang, leaflet_id=str(leaflet.leaflet_id))
    assert answer.status_code == 200
    assert answer.text.lstrip().startswith("<section") and "<html" not in answer.text
    assert f'id="person-{wang.id}"' in answer.text and 'data-saved="leaflet"' in answer.text
    assert 'hx-swap-oob="true"' in answer.text and "data-visit-started" in answer.text
    visit = db.exec(select(Visit)).one()
    assert (visit.client_uuid, visit.reached, visit.channel) == (
        bar["visit_uuid"],
        True,
        "home_visit",
    )
    assert db.exec(select(VisitPerson.person_id)).all() == [wang.id]
    assert db.exec(select(VisitStep.kind)).all() == ["leaflet"]


def test_later_steps_join_the_same_visit_and_bring_the_next_person_onto_it(
    as_user, db, home, wang, son
):
    mei = as_user("mei")
    bar = on_the_page(mei, home)
    step(mei, home, "people", bar, wang)
    outcome = step(mei, home, "outcomes", bar, son, code="join_resident", to_tier="300")
    assert outcome.status_code == 200 and 'data-saved="outcome"' in outcome.text
    assert count(db, Visit) == 1
    assert sorted(db.exec(select(VisitPerson.person_id)).all()) == sorted([wang.id, son.id])
    assert db.exec(select(Outcome.code, Outcome.to_value)).all() == [("join_resident", 300)]


def test_a_step_sent_twice_is_stored_once(as_user, db, home, wang):
    mei = as_user("mei")
    bar = on_the_page(mei, home)
    again = {"client_uuid": str(uuid.uuid4())}
    in_a_week = (clock.today() + timedelta(days=7)).isoformat()
    for _ in range(2):
        step(mei, home, "outcomes", bar, wang, code="undecided", follow_up_on=in_a_week, **again)
    assert count(db, Visit) == 1 and count(db, Outcome) == 1


def test_a_refused_outcome_keeps_the_card_with_its_message_naming_the_person(
    as_user, db, home, wang
):
    mei = as_user("mei")
    bar = on_the_page(mei, home)
    answer = step(mei, home, "outcomes", bar, wang, code="refused", reason="")
    assert answer.status_code == 422
    assert f'id="person-{wang.id}"' in answer.text and "<html" not in answer.text
    message = re.search(
        r'<p class="field-error" role="alert"[^>]*autofocus>([^<]+)</p>', answer.text
    )
    assert message and message.group(1).startswith("王芳：")
    assert 'value="refused" checked' in answer.text, "what was chosen is kept"
    assert count(db, Visit) == 0, "a refused first step starts no visit"


def test_the_page_continues_the_visit_started_there_today(as_user, db, home, wang):
    mei = as_user("mei")
    bar = on_the_page(mei, home)
    step(mei, home, "people", bar, wang)
    assert on_the_page(mei, home)["visit_uuid"] == bar["visit_uuid"]


def test_a_calculation_saved_in_the_card_ticks_the_step(as_user, db, home, wang):
    mei = as_user("mei")
    bar = on_the_page(mei, home)
    opened = mei.get(f"/calculator?person_id={wang.id}&card=open", headers=HTMX)
    assert opened.status_code == 200 and "<html" not in opened.text
    assert f'id="calculator-results-{wang.id}"' in opened.text
    fields = dict(
        re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
            opened.text.split('class="calc-save"')[1],
        )
    )
    fields.pop("csrf_token", None)
    answer = mei.post("/calculator/save", data=fields | bar, headers=HTMX)
    assert answer.status_code == 200 and 'data-saved="calculation"' in answer.text
    assert count(db, Calculation) == 1
    assert db.exec(select(VisitStep.kind)).all() == ["calculation"]
    assert db.exec(select(Visit.client_uuid)).one() == bar["visit_uuid"]


def test_without_script_a_step_goes_back_to_the_household_page(as_user, db, home, wang):
    mei = as_user("mei")
    data = {
        "csrf_token": csrf_token(mei, f"/households/{home.id}"),
        "person_id": str(wang.id),
        "client_uuid": str(uuid.uuid4()),
    }
    answer = mei.post(f"/households/{home.id}/visit/people", data=data, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/households/{home.id}#person-{wang.id}"
    assert count(db, Visit) == 1


def test_marking_the_household_verified_answers_its_facts_in_place(as_user, db, home):
    mei = as_user("mei")
    token = csrf_token(mei, f"/households/{home.id}")
    answer = mei.post(f"/households/{home.id}/verify", data={"csrf_token": token}, headers=HTMX)
    assert answer.status_code == 200
    assert answer.text.lstrip().startswith('<section class="card" id="household-facts">')
    assert "<html" not in answer.text


def test_the_visit_form_answers_in_place_saved_or_with_its_messages(as_user, db, home, wang):
    mei = as_user("mei")
    page = mei.get(f"/households/{home.id}/visits/new").text
    data = {
        "csrf_token": csrf_token(mei, f"/households/{home.id}/visits/new"),
        "client_uuid": re.search(r'name="client_uuid" value="([^"]+)"', page).group(1),
        "channel": "phone_call",
        "reached": "yes",
    }
    refused = mei.post(f"/households/{home.id}/visits", data=data, headers=HTMX)
    assert refused.status_code == 422 and "<html" not in refused.text
    assert "autofocus" in refused.text and 'name="person_ids"' in refused.text
    saved = mei.post(
        f"/households/{home.id}/visits", data=data | {"person_ids": str(wang.id)}, headers=HTMX
    )
    visit = db.exec(select(Visit)).one()
    assert saved.status_code == 200 and "<html" not in saved.text
    assert f'href="/visits/{visit.id}"' in saved.text and "data-record-another" in saved.text


def test_a_leaflet_on_the_visit_page_answers_with_the_card(as_user, db, home, wang):
    mei = as_user("mei")
    bar = on_the_page(mei, home)
    step(mei, home, "people", bar, wang)
    visit = db.exec(select(Visit)).one()
    leaflet = leaflets.published(db)[0]
    data = {
        "csrf_token": bar["csrf_token"],
        "client_uuid": str(uuid.uuid4()),
        "person_id": str(wang.id),
        "leaflet_id": str(leaflet.leaflet_id),
        "leaflet_medium": "digital",
    }
    answer = mei.post(f"/visits/{visit.id}/steps", data=data, headers=HTMX)
    assert answer.status_code == 200 and 'data-saved="leaflet"' in answer.text
    assert "visit-bar" not in answer.text, "the visit page has no visit bar"


def test_a_calculation_refused_in_the_card_says_why_in_its_calculator(as_user, db, home, wang):
    mei = as_user("mei")
    bar = on_the_page(mei, home)
    data = bar | {"person_id": str(wang.id), "card": "1", "birth_date": "1980-13-40", "sex": "F"}
    answer = mei.post("/calculator/save", data=data, headers=HTMX)
    assert answer.status_code == 422
    assert answer.headers["HX-Retarget"] == f"#calculator-results-{wang.id}"
    assert f'id="calculator-results-{wang.id}"' in answer.text
    assert count(db, Visit) == 0 and count(db, Calculation) == 0


def kept_calculation(client, person_id) -> dict[str, str]:
    """The fields the card's calculator saves, as the page renders them."""
    opened = client.get(f"/calculator?person_id={person_id}&card=open", headers=HTMX).text
    form = opened.split('class="calc-save"')[1]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
    fields.pop("csrf_token", None)
    return fields


def test_a_calculation_sent_twice_from_a_card_is_saved_once(as_user, db, home, wang):
    mei = as_user("mei")
    data = kept_calculation(mei, wang.id) | on_the_page(mei, home)
    for _ in range(2):
        assert mei.post("/calculator/save", data=data, headers=HTMX).status_code == 200
    assert count(db, Calculation) == 1 and count(db, VisitStep) == 1


def test_a_calculation_whose_step_is_refused_is_not_saved_either(as_user, db, home, wang):
    mei = as_user("mei")
    bar = on_the_page(mei, home)
    data = kept_calculation(mei, wang.id) | bar | {"occurred_at": "2020-01-01T10:00"}
    answer = mei.post("/calculator/save", data=data, headers=HTMX)
    assert answer.status_code == 422
    assert count(db, Calculation) == 0 and count(db, Visit) == 0


def test_a_step_taken_on_a_later_day_from_a_kept_page_starts_that_days_visit(
    as_user, db, home, wang
):
    mei = as_user("mei")
    bar = on_the_page(mei, home)
    yesterday = clock.local(clock.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    step(mei, home, "people", bar | {"occurred_at": yesterday}, wang)
    for _ in range(2):  # two steps today from the same kept page
        step(mei, home, "people", bar, wang)
    assert count(db, Visit) == 2
    today = db.exec(select(Visit).order_by(Visit.id.desc())).first()
    assert today.client_uuid != bar["visit_uuid"]


def test_a_refused_step_never_shows_another_members_visit(as_user, db, home, wang):
    lee = as_user("lee")
    theirs = on_the_page(lee, home)
    step(lee, home, "people", theirs, wang)
    mei = as_user("mei")
    answer = step(
        mei, home, "people", on_the_page(mei, home) | {"visit_uuid": theirs["visit_uuid"]}, wang
    )
    assert answer.status_code == 422
    assert "data-visit-started" not in answer.text and theirs["visit_uuid"] not in answer.text


def test_a_refused_first_step_keeps_the_channel_chosen(as_user, db, home, wang):
    mei = as_user("mei")
    bar = on_the_page(mei, home) | {"channel": "phone_call"}
    answer = step(mei, home, "outcomes", bar, wang, code="refused", reason="")
    assert answer.status_code == 422
    assert 'value="phone_call" checked' in answer.text
