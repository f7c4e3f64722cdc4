"""The visit pages: recording a visit on the phone, the three ones and outcomes person by
person on the visit page, the next follow-up, and what the household page shows of them."""

import re
import uuid
from datetime import timedelta
from weakref import WeakKeyDictionary

import pytest
from sqlmodel import func, select

from app.core import clock
from app.core import db as db_module
from app.core.config import get_settings
from app.core.i18n import long_date
from app.models import EnrolmentChange, Outcome, Visit, VisitPerson, VisitStep
from app.services import enrolment, leaflets, visits
from tests.conftest import csrf_token
from tests.factories import assign, household, id_number, person, user_id, user_named
from tests.factories import visit as recorded_visit

UUID_FIELD = re.compile(r'name="client_uuid" value="([^"]+)"')


@pytest.fixture
def home(db):
    """瓦窑村3号, Mei's: 王芳 pays the 200 tier of the resident pension, her father draws a
    pension (the three ones are not for him)."""
    made = household(db, "瓦窑村", address="瓦窑村3号")
    assign(db, made, "mei")
    return made


@pytest.fixture
def wang(db, home):
    return person(
        db,
        home,
        name="王芳",
        id_number=id_number(born="19800101", order=124),
        insurance_status="resident",
        resident_tier="200",
        relation="head",
    )


@pytest.fixture
def father(db, home):
    return person(
        db,
        home,
        name="王老伯",
        id_number=id_number(born="19500101", order=123),
        insurance_status="receiving",
        relation="parent",
    )


def count(db, table) -> int:
    return db.exec(select(func.count()).select_from(table)).one()


def visit_form(client, home) -> dict[str, str]:
    page = client.get(f"/households/{home.id}/visits/new")
    assert page.status_code == 200
    return {
        "csrf_token": csrf_token(client, f"/households/{home.id}/visits/new"),
        "client_uuid": UUID_FIELD.search(page.text).group(1),
        "channel": "home_visit",
        "reached": "yes",
    }


def post_visit(client, home, data):
    return client.post(f"/households/{home.id}/visits", data=data, follow_redirects=False)


def post(client, path, **data):
    data.setdefault("client_uuid", str(uuid.uuid4()))
    data["csrf_token"] = csrf_token(client, "/account")
    return client.post(path, data=data, follow_redirects=False)


def test_a_member_records_a_visit_from_the_form(as_user, db, home, wang, father):
    mei = as_user("mei")
    page = mei.get(f"/households/{home.id}/visits/new").text
    assert "王芳" in page and "王老伯" in page
    data = visit_form(mei, home) | {"person_ids": [str(wang.id)], "notes": "愿意提档"}
    response = post_visit(mei, home, data)
    stored = db.exec(select(Visit)).one()
    assert response.status_code == 303
    assert response.headers["location"] == f"/visits/{stored.id}"
    assert (stored.source, stored.channel, stored.reached, stored.notes) == (
        "form",
        "home_visit",
        True,
        "愿意提档",
    )
    assert stored.recorded_by_id == user_id(db, "mei")
    assert db.exec(select(VisitPerson.person_id)).all() == [wang.id]
    shown = mei.get(response.headers["location"])
    assert shown.status_code == 200 and "愿意提档" in shown.text


def test_the_same_form_sent_twice_stores_one_visit(as_user, db, home, wang):
    mei = as_user("mei")
    data = visit_form(mei, home) | {"person_ids": [str(wang.id)]}
    first = post_visit(mei, home, data)
    again = post_visit(mei, home, data)
    assert again.status_code == first.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    assert count(db, Visit) == 1


def test_a_form_that_waits_too_long_to_be_saved_is_told_so_and_nothing_is_stored(
    as_user, db, home, wang, monkeypatch
):
    mei = as_user("mei")
    data = visit_form(mei, home) | {"person_ids": [str(wang.id)]}
    monkeypatch.setattr(db_module, "_gates", WeakKeyDictionary())
    monkeypatch.setattr(get_settings(), "writers", 0)  # every turn taken
    monkeypatch.setattr(get_settings(), "write_wait_seconds", 0.05)
    answer = mei.post(f"/households/{home.id}/visits", data=data, headers={"HX-Request": "true"})
    assert (answer.status_code, answer.headers["Retry-After"]) == (503, "2")
    assert answer.text == "同时保存的人很多，这次没有保存，请稍后再试。"  # said next to the form
    assert count(db, Visit) == 0


def test_a_refused_form_comes_back_as_typed(as_user, db, home, wang, father):
    mei = as_user("mei")
    data = visit_form(mei, home) | {
        "reached": "no",
        "person_ids": [str(father.id)],
        "notes": "敲门无人应答",
    }
    response = post_visit(mei, home, data)
    assert response.status_code == 422
    assert "敲门无人应答" in response.text
    assert f'value="{father.id}" checked' in response.text
    assert f'value="{wang.id}" checked' not in response.text
    assert f'name="client_uuid" value="{data["client_uuid"]}"' in response.text
    assert 'id="e-not_reached_reason"' in response.text
    assert count(db, Visit) == 0


def test_a_visit_that_reached_nobody_sets_the_usual_follow_up(as_user, db, home, wang):
    mei = as_user("mei")
    data = visit_form(mei, home) | {"reached": "no", "not_reached_reason": "nobody_home"}
    assert post_visit(mei, home, data).status_code == 303
    facts = visits.contact_facts(db, [home.id])[home.id]
    assert facts.follow_up_on == clock.today() + timedelta(days=3)


def test_the_visit_page_lists_the_three_ones_of_each_person_spoken_to(as_user, db, home, wang):
    stored = recorded_visit(db, home, [wang])
    page = as_user("mei").get(f"/visits/{stored.id}").text
    assert f'id="person-{wang.id}"' in page
    assert f'href="/calculator?person_id={wang.id}&amp;visit_id={stored.id}"' in page
    assert 'data-three-ones="1"' in page
    assert 'name="leaflet_id"' in page and 'name="code"' in page
    assert '<option value="200" selected>' in page, "the current tier is prefilled"


def test_a_leaflet_and_an_outcome_added_on_the_visit_page(as_user, db, home, wang):
    stored = recorded_visit(db, home, [wang])
    leaflet = leaflets.published(db)[0]
    mei = as_user("mei")
    given = post(
        mei,
        f"/visits/{stored.id}/steps",
        person_id=str(wang.id),
        leaflet_id=str(leaflet.leaflet_id),
        leaflet_medium="paper",
    )
    assert given.status_code == 303
    assert given.headers["location"] == f"/visits/{stored.id}#person-{wang.id}"
    step = db.exec(select(VisitStep)).one()
    assert (step.kind, step.leaflet_id, step.leaflet_version, step.leaflet_medium) == (
        "leaflet",
        leaflet.leaflet_id,
        leaflet.version,
        "paper",
    )
    decided = post(
        mei,
        f"/visits/{stored.id}/outcomes",
        person_id=str(wang.id),
        code="raise_tier",
        from_value="200",
        to_tier="500",
    )
    assert decided.status_code == 303
    change = db.exec(select(EnrolmentChange)).one()
    assert (change.kind, change.from_value, change.to_value, change.status) == (
        "raise_tier",
        200,
        500,
        "reported",
    )
    assert change.person_id == wang.id
    page = mei.get(f"/visits/{stored.id}").text
    assert leaflet.title in page and "200元/年 → 500元/年" in page


def test_the_same_addition_sent_twice_is_stored_once(as_user, db, home, wang):
    stored = recorded_visit(db, home, [wang])
    mei = as_user("mei")
    key = str(uuid.uuid4())
    for _ in range(2):
        response = post(
            mei,
            f"/visits/{stored.id}/outcomes",
            client_uuid=key,
            person_id=str(wang.id),
            code="refused",
            reason="再考虑",
        )
        assert response.status_code == 303
    assert count(db, Outcome) == 1


def test_a_refused_outcome_is_shown_next_to_that_persons_form(as_user, db, home, wang):
    stored = recorded_visit(db, home, [wang])
    response = post(
        as_user("mei"),
        f"/visits/{stored.id}/outcomes",
        person_id=str(wang.id),
        code="undecided",
        reason="要和家人商量",
    )
    assert response.status_code == 422
    section = response.text.split(f'id="person-{wang.id}"')[1]
    assert "要和家人商量" in section
    assert 'value="undecided" checked' in section, "the outcome chosen is kept (a chip)"
    assert 'class="field-error"' in section
    assert count(db, Outcome) == 0


def test_the_member_changes_the_next_follow_up(as_user, db, home, wang):
    stored = recorded_visit(db, home, [wang])
    mei = as_user("mei")
    later = clock.today() + timedelta(days=20)
    response = post(mei, f"/visits/{stored.id}/follow-up", follow_up_on=later.isoformat())
    assert response.status_code == 303
    assert response.headers["location"] == f"/visits/{stored.id}#follow-up"
    assert visits.contact_facts(db, [home.id])[home.id].follow_up_on == later
    too_late = clock.today() + timedelta(days=400)
    refused = post(mei, f"/visits/{stored.id}/follow-up", follow_up_on=too_late.isoformat())
    assert refused.status_code == 422 and too_late.isoformat() in refused.text
    assert post(mei, f"/visits/{stored.id}/follow-up", none="1").status_code == 303
    assert visits.contact_facts(db, [home.id])[home.id].follow_up_on is None


def test_a_calculation_worked_out_on_a_visit_is_its_calculation_step(as_user, db, home, wang):
    stored = recorded_visit(db, home, [wang])
    mei = as_user("mei")
    page = mei.get(f"/calculator?person_id={wang.id}&visit_id={stored.id}")
    assert f'name="visit_id" value="{stored.id}"' in page.text
    data = {
        "birth_date": "1980-01-01",
        "sex": "F",
        "current_tier": "200",
        "subsidy_group": "none",
        "person_id": str(wang.id),
        "visit_id": str(stored.id),
        "client_uuid": UUID_FIELD.search(page.text).group(1),
        "csrf_token": csrf_token(mei, "/account"),
    }
    response = mei.post("/calculator/save", data=data, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/visits/{stored.id}#person-{wang.id}"
    step = db.exec(select(VisitStep)).one()
    assert (step.visit_id, step.person_id, step.kind) == (stored.id, wang.id, "calculation")
    assert step.calculation_id is not None
    assert visits.people_progress(db, [wang.id])[wang.id].calculation


def test_a_calculation_is_attached_only_to_a_visit_that_reached_the_person(
    as_user, db, home, wang, father
):
    stored = recorded_visit(db, home, [father])
    mei = as_user("mei")
    data = {
        "birth_date": "1980-01-01",
        "sex": "F",
        "subsidy_group": "none",
        "person_id": str(wang.id),
        "visit_id": str(stored.id),
        "client_uuid": str(uuid.uuid4()),
        "csrf_token": csrf_token(mei, "/account"),
    }
    assert mei.post("/calculator/save", data=data).status_code == 404
    assert count(db, VisitStep) == 0


def test_the_household_page_shows_the_three_ones_and_the_timeline(as_user, db, home, wang):
    stored = recorded_visit(db, home, [wang], notes="王芳愿意提档")
    mei = as_user("mei")
    post(
        mei,
        f"/visits/{stored.id}/steps",
        person_id=str(wang.id),
        leaflet_id=str(leaflets.published(db)[0].leaflet_id),
        leaflet_medium="digital",
    )
    page = mei.get(f"/households/{home.id}").text
    assert 'data-three-ones="2"' in page and "2/3" in page
    assert f'href="/households/{home.id}/visits/new"' in page
    assert f'href="/visits/{stored.id}"' in page and "王芳愿意提档" in page
    kinds = re.findall(r'<li data-kind="([a-z_]+)">', page)
    assert kinds[:2] == ["leaflet", "visit"], "newest first"


# --- who gets forms, and words a member can read aloud ----------------------------------------


def card(page: str, someone) -> str:
    """The part of a page about one person: their card, up to the next person's."""
    return page.split(f'id="person-{someone.id}"')[1].split('id="person-')[0]


@pytest.fixture
def child(db, home):
    return person(db, home, name="王小宝", id_number=id_number(born="20140301", order=125))


@pytest.fixture
def student(db, home):
    return person(
        db, home, name="王大学", id_number=id_number(born="20050401", order=127), is_student="yes"
    )


def test_people_the_three_ones_are_not_due_for_get_one_line_with_the_reason(
    as_user, db, home, wang, father, child, student
):
    stored = recorded_visit(db, home, [wang, father, child, student])
    mei = as_user("mei")
    reasons = [(father, "已领取待遇"), (child, "未满16周岁"), (student, "全日制在校学生")]
    for page in (mei.get(f"/visits/{stored.id}").text, mei.get(f"/households/{home.id}").text):
        for someone, reason in reasons:
            theirs = card(page, someone)
            assert f"三个一不适用：{reason}" in theirs.split("</summary>")[0]
            assert "data-three-ones" not in theirs
        assert 'class="not-due' not in card(page, wang) and "data-three-ones" in card(page, wang)
    page = mei.get(f"/visits/{stored.id}").text
    for someone, _reason in reasons:
        theirs = card(page, someone)
        assert theirs.index("</summary>") < theirs.index('data-form="outcome"'), (
            "the forms wait behind the reason, for a member who disagrees"
        )
        assert "仍要记录三个一" in theirs
    assert 'data-form="outcome"' in card(page, wang).split("<details")[0]
    form = mei.get(f"/households/{home.id}/visits/new").text
    assert "三个一不适用：已领取待遇" in form.split(f'value="{father.id}"')[1].split("</label>")[0]


def test_a_refused_outcome_for_someone_not_due_keeps_their_forms_open(as_user, db, home, father):
    stored = recorded_visit(db, home, [father])
    response = post(
        as_user("mei"), f"/visits/{stored.id}/outcomes", person_id=str(father.id), code="refused"
    )
    assert response.status_code == 422
    assert '<details class="not-due-forms" open>' in card(response.text, father)


def test_an_outcome_reads_its_amount_with_its_unit_and_waits_for_the_lead(
    as_user, db, home, wang, student
):
    stored = recorded_visit(db, home, [wang, student])
    mei = as_user("mei")
    post(
        mei,
        f"/visits/{stored.id}/outcomes",
        person_id=str(wang.id),
        code="join_flexible",
        base_percent="60",
    )
    post(
        mei,
        f"/visits/{stored.id}/outcomes",
        person_id=str(student.id),
        code="join_resident",
        to_tier="500",
    )
    for path in (f"/visits/{stored.id}", f"/households/{home.id}"):
        page = mei.get(path).text
        assert "以灵活就业人员身份参保 · 缴费基数60%" in card(page, wang)
        assert "参加城乡居民养老保险 · 500元/年" in card(page, student)
        assert "待队长确认" in card(page, wang) and "待队长确认" in card(page, student)
    flexible = db.exec(select(EnrolmentChange).where(EnrolmentChange.person_id == wang.id)).one()
    enrolment.confirm(db, flexible, by=user_named(db, "lee"))
    page = mei.get(f"/households/{home.id}").text
    assert "待队长确认" not in card(page, wang) and "已确认" in card(page, wang)
    assert "待队长确认" in card(page, student)


def test_the_next_follow_up_is_on_each_persons_card_and_in_the_worklist(
    as_user, db, home, wang, father
):
    stored = recorded_visit(db, home, [wang, father])
    later = clock.today() + timedelta(days=20)
    mei = as_user("mei")
    post(
        mei,
        f"/visits/{stored.id}/outcomes",
        person_id=str(wang.id),
        code="undecided",
        follow_up_on=later.isoformat(),
    )
    shown = long_date(later, "zh_CN")
    for path in (f"/visits/{stored.id}", f"/households/{home.id}"):
        page = mei.get(path).text
        assert f'data-person-follow-up="{later.isoformat()}"' in card(page, wang)
        assert f"{shown}回访" in card(page, wang)
    row = mei.get("/worklist").text.split(home.address)[1].split("</li>")[0]
    assert f"{shown}回访" in row


@pytest.fixture
def son(db, home):
    return person(db, home, name="王强", id_number=id_number(born="20000101", order=127))


def test_each_card_shows_the_persons_own_follow_up_and_the_household_its_next_one(
    as_user, db, home, wang, son
):
    stored = recorded_visit(db, home, [wang, son])
    mei = as_user("mei")
    today = clock.today()
    asked = today + timedelta(days=20)
    outcomes = f"/visits/{stored.id}/outcomes"
    post(mei, outcomes, person_id=str(wang.id), code="undecided", follow_up_on=asked.isoformat())
    post(mei, outcomes, person_id=str(son.id), code="join_resident", to_tier="500")
    household_next = today + timedelta(days=14)  # the soonest either outcome calls for
    for path in (f"/visits/{stored.id}", f"/households/{home.id}"):
        page = mei.get(path).text
        assert f'data-person-follow-up="{asked.isoformat()}"' in card(page, wang)
        usual = today + timedelta(days=30)  # joining: check the payment went through
        assert f'data-person-follow-up="{usual.isoformat()}"' in card(page, son)
        assert f"{long_date(usual, 'zh_CN')}回访" in card(page, son)
        assert f'data-person-follow-up="{household_next.isoformat()}"' not in page
    household = mei.get(f"/households/{home.id}").text
    bar = household.split('id="visit-bar"')[1].split("</section>")[0]
    shown = long_date(household_next, "zh_CN")
    assert f'data-follow-up="{household_next.isoformat()}">{shown}<' in bar


def test_three_ones_complete_reads_3_of_3(as_user, db, home, wang):
    from app.domain.visits import StepForm

    steps = [
        StepForm(person_id=str(wang.id), kind="calculation"),
        StepForm(person_id=str(wang.id), kind="leaflet"),
    ]
    recorded_visit(db, home, [wang], steps=steps)
    page = as_user("mei").get(f"/households/{home.id}").text
    assert 'data-three-ones="3"' in page and "3/3" in page


# --- scope -------------------------------------------------------------------------------------


def test_another_member_reaches_neither_the_visit_page_nor_its_forms(as_user, db, home, wang):
    stored = recorded_visit(db, home, [wang])
    otto = as_user("otto")
    assert otto.get(f"/visits/{stored.id}").status_code == 404
    for form in ("steps", "outcomes", "follow-up"):
        response = post(otto, f"/visits/{stored.id}/{form}", person_id=str(wang.id))
        assert response.status_code == 404, form
    assert count(db, VisitStep) == count(db, Outcome) == 0


def test_the_lead_of_the_region_and_the_admin_see_the_visit(as_user, db, home, wang):
    stored = recorded_visit(db, home, [wang])
    for username in ("lee", "alice"):
        assert as_user(username).get(f"/visits/{stored.id}").status_code == 200


def test_a_cadre_records_no_visits(as_user, db, home, wang):
    stored = recorded_visit(db, home, [wang])
    cai = as_user("cai")
    assert cai.get(f"/visits/{stored.id}").status_code in (403, 404)
    assert cai.get(f"/households/{home.id}/visits/new").status_code in (403, 404)


def test_another_member_cannot_record_on_the_household(as_user, db, home, wang):
    otto = as_user("otto")
    assert otto.get(f"/households/{home.id}/visits/new").status_code == 404
    data = {
        "csrf_token": csrf_token(otto, "/account"),
        "client_uuid": str(uuid.uuid4()),
        "channel": "home_visit",
        "reached": "yes",
        "person_ids": [str(wang.id)],
    }
    assert post_visit(otto, home, data).status_code == 404
    assert count(db, Visit) == 0


def test_unknown_visits_answer_404(as_user):
    mei = as_user("mei")
    assert mei.get("/visits/999999").status_code == 404
    assert mei.get("/visits/99999999999999999999").status_code in (404, 422)
