"""Adding and editing people: checked ID numbers kept safe, duplicates refused, conflicts
shown, full numbers revealed only on purpose and on the record."""

import re

import pytest
from sqlmodel import select

from app.core import crypto
from app.models import AuditEvent, Person, PersonKeyGroup
from tests.conftest import csrf_token
from tests.factories import assign, household, id_number, person

NUMBER = id_number("530402", "19800101", 123)


@pytest.fixture
def home(db):
    return household(db, "瓦窑村", address="瓦窑村12号")


def add(client, home, **form):
    token = csrf_token(client, f"/households/{home.id}/people/new")
    data = {"name": "王大海", "id_number": NUMBER, **form, "csrf_token": token}
    return client.post(f"/households/{home.id}/people", data=data, follow_redirects=False)


def test_a_person_is_added_with_facts_derived_from_the_id_number(as_user, db, home):
    response = add(as_user("lee"), home, key_groups=["4", "7"], subsidy_categories=["low_income"])
    assert response.status_code == 303
    stored = db.exec(select(Person)).one()
    assert (stored.sex, str(stored.birth_date)) == ("M", "1980-01-01")
    assert stored.id_number_masked == f"530402********{NUMBER[-4:]}"
    groups = db.exec(select(PersonKeyGroup.key_group).where(PersonKeyGroup.person_id == stored.id))
    assert sorted(groups) == [4, 7]


def test_the_id_number_is_stored_encrypted_with_a_blind_index(as_user, db, home):
    add(as_user("lee"), home)
    stored = db.exec(select(Person)).one()
    assert NUMBER not in stored.id_number_encrypted
    assert crypto.decrypt(stored.id_number_encrypted) == NUMBER
    assert stored.id_number_index == crypto.blind_index(NUMBER)


def test_a_bad_id_number_says_which_part_is_wrong_and_keeps_the_form(as_user, db, home):
    bad = NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1")
    response = add(as_user("lee"), home, id_number=bad, phone="13812345678", occupation="外卖骑手")
    assert response.status_code == 422
    assert "校验码（最后一位）不符" in response.text
    assert f'value="{bad}"' in response.text
    assert 'value="外卖骑手"' in response.text
    assert db.exec(select(Person)).all() == []


def test_an_invalid_birth_date_in_the_number_is_named(as_user, home):
    response = add(as_user("lee"), home, id_number=id_number(born="19800230"))
    assert "号码中的出生日期 1980-02-30 不是有效日期" in response.text


def test_the_same_id_number_cannot_be_registered_twice(as_user, db, home):
    client = as_user("lee")
    add(client, home)
    elsewhere = household(db, "瓦窑村", address="瓦窑村13号")
    response = add(client, elsewhere, name="王大海（重复）", id_number=NUMBER.lower())
    assert response.status_code == 422
    assert "该身份证号码已登记为其他人员" in response.text
    assert len(db.exec(select(Person)).all()) == 1


def test_a_stopped_payer_needs_the_date_payments_stopped(as_user, home):
    response = add(as_user("lee"), home, insurance_status="stopped")
    assert "请输入断缴日期" in response.text


def edit_form(client, stored) -> dict:
    page = client.get(f"/people/{stored.id}/edit").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    return {"name": stored.name, "version": version, "csrf_token": csrf_token(client)}


def test_editing_without_retyping_the_number_keeps_it(as_user, db, home):
    client = as_user("lee")
    stored = person(db, home, name="王大海", id_number=NUMBER)
    page = client.get(f"/people/{stored.id}/edit").text
    assert NUMBER not in page, "edit forms never show the full number"
    form = {**edit_form(client, stored), "phone": "13912345678", "id_number": ""}
    assert client.post(f"/people/{stored.id}", data=form).status_code == 200
    db.refresh(stored)
    assert stored.phone == "13912345678"
    assert crypto.decrypt(stored.id_number_encrypted) == NUMBER


def test_two_people_editing_the_same_person_never_overwrite_each_other(as_user, db, home):
    client = as_user("lee")
    stored = person(db, home, name="王大海", id_number=NUMBER)
    form = edit_form(client, stored)
    client.post(f"/people/{stored.id}", data={**form, "occupation": "快递员"})
    late = client.post(f"/people/{stored.id}", data={**form, "occupation": "外卖骑手"})
    assert late.status_code == 409
    assert "他人已保存了此人的信息" in late.text
    assert 'value="外卖骑手"' in late.text
    db.refresh(stored)
    assert stored.occupation == "快递员"


def test_changes_to_a_person_are_audited_by_field_name(as_user, db, home):
    client = as_user("lee")
    stored = person(db, home, name="王大海", id_number=NUMBER)
    client.post(f"/people/{stored.id}", data={**edit_form(client, stored), "phone": "13912345678"})
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "person_changed")).one()
    assert "phone" in event.detail["fields"]
    assert "13912345678" not in str(event.detail)


def reveal(client, stored, reason="confirm_identity", htmx=True):
    headers = {"HX-Request": "true", "X-CSRF-Token": csrf_token(client)} if htmx else {}
    data = {"reason": reason} if htmx else {"reason": reason, "csrf_token": csrf_token(client)}
    return client.post(f"/people/{stored.id}/reveal", data=data, headers=headers)


def test_a_lead_reveals_a_full_number_with_a_reason_and_it_is_recorded(as_user, db, home):
    stored = person(db, home, id_number=NUMBER)
    client = as_user("lee")
    fragment = reveal(client, stored)
    assert fragment.status_code == 200
    assert NUMBER in fragment.text
    assert fragment.text.lstrip().startswith(f'<div id="id-number-{stored.id}"')
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "reveal_id_number")).one()
    assert (event.username, event.target) == ("lee", f"person:{stored.id}")
    assert event.detail == {"reason": "confirm_identity"}


def test_a_reveal_without_a_reason_shows_nothing(as_user, db, home):
    stored = person(db, home, id_number=NUMBER)
    response = reveal(as_user("lee"), stored, reason="")
    assert response.status_code == 422
    assert NUMBER not in response.text
    assert "请选择查看完整号码的原因" in response.text
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "reveal_id_number")).all() == []


def test_the_reveal_works_without_scripts_too(as_user, db, home):
    stored = person(db, home, id_number=NUMBER)
    page = reveal(as_user("alice"), stored, htmx=False)
    assert NUMBER in page.text and "<html" in page.text


def test_the_assigned_member_may_reveal_a_number_and_it_is_recorded(as_user, db, home):
    stored = person(db, home, id_number=NUMBER)
    assign(db, home, "mei")
    client = as_user("mei")
    assert "查看完整号码" in client.get(f"/households/{home.id}").text
    assert NUMBER in reveal(client, stored).text
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "reveal_id_number")).one()
    assert event.username == "mei"


def test_another_member_cannot_reveal_it(as_user, db, home):
    stored = person(db, home, id_number=NUMBER)
    assign(db, home, "mei")
    assert reveal(as_user("ming"), stored).status_code == 404


def test_a_lead_of_another_region_gets_404_for_a_person(as_user, db):
    from app.domain.codes import RegionLevel
    from tests.factories import region, region_named

    taiji = region(db, "太极村", RegionLevel.village, region_named(db, "玉兴街道"))
    far = household(db, taiji.name, address="太极村8号")
    stored = person(db, far, id_number=NUMBER)
    client = as_user("lee")
    assert client.get(f"/people/{stored.id}/edit").status_code == 404
    assert reveal(client, stored).status_code == 404
