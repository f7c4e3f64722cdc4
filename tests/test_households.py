"""The household registry pages: who sees what, search, filters, create and edit."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from app.core import clock
from app.models import AuditEvent, Household, Person
from tests.conftest import csrf_token
from tests.factories import (
    assign,
    household,
    id_number,
    person,
    region,
    region_named,
    user_named,
)

NUMBER = id_number("530402", "19800101", 123)


@pytest.fixture
def homes(db):
    """Two households in Lee's township (瓦窑村), one in Otto's (玉兴街道)."""
    from app.domain.codes import RegionLevel

    wayao = household(db, "瓦窑村", address="瓦窑村12号", household_key="0012")
    person(
        db,
        wayao,
        name="王大海",
        id_number=NUMBER,
        phone="13812345678",
        relation="head",
        insurance_status="resident",
        resident_tier="200",
        key_groups=["1"],
    )
    second = household(db, "瓦窑村", address="瓦窑村30号")
    person(
        db,
        second,
        name="李秀英",
        id_number=id_number(born="19500505", order=222),
        insurance_status="receiving",
    )
    taiji = region(db, "太极村", RegionLevel.village, region_named(db, "玉兴街道"))
    far = household(db, taiji.name, address="太极村8号")
    person(db, far, name="赵远", id_number=id_number(born="19900101", order=333))
    return {"wayao": wayao, "second": second, "far": far}


def listed(client, query: str = "") -> str:
    return client.get(f"/households{query}").text


def test_a_lead_sees_the_households_of_their_region_only(as_user, homes):
    page = listed(as_user("lee"))
    assert "王大海" in page and "李秀英" in page
    assert "赵远" not in page
    assert "共2户" in page


def test_an_admin_sees_every_household(as_user, homes):
    assert "共3户" in listed(as_user("alice"))


def test_a_member_sees_only_the_households_assigned_to_them(as_user, db, homes):
    client = as_user("mei")
    assert "共0户" in listed(client)
    assign(db, homes["wayao"], "mei")
    page = listed(client)
    assert "王大海" in page and "李秀英" not in page


def test_households_outside_the_users_scope_answer_404(as_user, homes):
    client = as_user("lee")
    assert client.get(f"/households/{homes['far'].id}").status_code == 404
    assert client.get(f"/households/{homes['wayao'].id}").status_code == 200


def test_a_cadre_sees_their_own_household_and_nothing_else(as_user, db, homes):
    cai = user_named(db, "cai")
    cai.person_id = db.exec(select(Person.id).where(Person.name == "李秀英")).one()
    db.add(cai)
    db.commit()
    client = as_user("cai")
    assert client.get(f"/households/{homes['second'].id}").status_code == 200
    assert client.get(f"/households/{homes['wayao'].id}").status_code == 404


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("?q=王大海", "王大海"),
        ("?q=大海", "王大海"),
        (f"?q={NUMBER}", "王大海"),
        ("?q=13812345678", "王大海"),
        ("?q=瓦窑村30号", "李秀英"),
        ("?q=0012", "王大海"),
    ],
)
def test_search_finds_by_name_id_number_phone_address_or_household_key(
    as_user, homes, query, found
):
    page = listed(as_user("alice"), query)
    assert found in page
    assert "共1户" in page


def test_id_numbers_are_found_only_exactly(as_user, homes):
    assert "共0户" in listed(as_user("alice"), f"?q={NUMBER[:10]}")


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("?key_group=1", 1),
        ("?status=receiving", 1),
        ("?plan_list=tier_raise", 1),
        ("?plan_list=employee_capable", 2),
        ("?aged_45_plus=1", 2),
        ("?stale=1", 0),
        ("?status=not-a-status", 3),
    ],
)
def test_filters_narrow_the_list(as_user, homes, query, count):
    assert f"共{count}户" in listed(as_user("alice"), query)


def test_households_not_verified_for_six_months_are_stale(as_user, db, homes):
    old = homes["wayao"]
    old.verified_at = clock.now() - timedelta(days=200)
    db.add(old)
    db.commit()
    page = listed(as_user("alice"), "?stale=1")
    assert "共1户" in page and "王大海" in page


def test_the_list_is_paginated(as_user, db, homes):
    for n in range(25):
        household(db, "瓦窑村", address=f"瓦窑村{100 + n}号")
    client = as_user("alice")
    first = listed(client)
    assert "第1页，共2页" in first
    assert "第2页，共2页" in listed(client, "?page=2")


def test_the_search_box_refreshes_only_the_rows(as_user, homes):
    fragment = as_user("alice").get("/households?q=王", headers={"HX-Request": "true"}).text
    assert fragment.lstrip().startswith('<section id="household-rows"')
    assert "王大海" in fragment


def test_the_household_page_shows_people_with_masked_numbers(as_user, homes):
    page = as_user("lee").get(f"/households/{homes['wayao'].id}").text
    assert "530402********123" in page
    assert NUMBER not in page
    assert "138****5678" in page
    assert "可提高缴费档次" in page


def post_household(client, **form):
    token = csrf_token(client, "/households/new")
    return client.post("/households", data={**form, "csrf_token": token}, follow_redirects=False)


def test_a_lead_registers_a_household_in_their_region(as_user, db):
    client = as_user("lee")
    village = region_named(db, "瓦窑村")
    response = post_household(
        client, village_id=village.id, address="瓦窑村99号", phone="0877 2051234"
    )
    assert response.status_code == 303
    created = db.exec(select(Household).where(Household.address == "瓦窑村99号")).one()
    assert created.phone == "0877-2051234"
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "household_created")).first()


def test_a_bad_household_form_keeps_what_was_typed(as_user, db):
    response = post_household(
        as_user("lee"), village_id="", address="", phone="12345", grid="三网格"
    )
    assert response.status_code == 422
    assert "请选择村（社区）" in response.text
    assert "请输入住址" in response.text
    assert "请输入11位手机号码" in response.text
    assert 'value="三网格"' in response.text


def test_a_lead_cannot_register_outside_their_region(as_user, db):
    from app.domain.codes import RegionLevel

    taiji = region(db, "太极村", RegionLevel.village, region_named(db, "玉兴街道"))
    response = post_household(as_user("lee"), village_id=taiji.id, address="太极村1号")
    assert "不在您的管辖范围内" in response.text


def test_a_business_needs_a_name_and_a_valid_credit_code(as_user, db):
    village = region_named(db, "瓦窑村")
    response = post_household(
        as_user("lee"), kind="entity", village_id=village.id, address="瓦窑村1号", credit_code="123"
    )
    assert "请输入市场主体名称" in response.text
    assert "统一社会信用代码应为18位" in response.text
    response = post_household(
        as_user("lee"),
        kind="entity",
        village_id=village.id,
        address="瓦窑村1号",
        entity_name="瓦窑米线馆",
        credit_code="91350100M000100Y43",
    )
    assert response.status_code == 303


def test_members_and_cadres_cannot_register_households(as_user):
    assert as_user("mei").get("/households/new").status_code == 403


def test_cadres_cannot_register_households(as_user):
    assert as_user("cai").get("/households/new").status_code == 403


def test_an_edit_from_a_stale_form_is_refused_and_shown(as_user, db, homes):
    client = as_user("lee")
    home = homes["wayao"]
    form = client.get(f"/households/{home.id}/edit").text
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    token = csrf_token(client, f"/households/{home.id}/edit")
    fields = {"village_id": home.village_id, "csrf_token": token, "version": version}
    first = client.post(f"/households/{home.id}", data={**fields, "address": "瓦窑村12号之一"})
    assert first.status_code == 200
    second = client.post(f"/households/{home.id}", data={**fields, "address": "瓦窑村12号之二"})
    assert second.status_code == 409
    assert "他人已保存了这户的信息" in second.text
    assert 'value="瓦窑村12号之二"' in second.text
    db.refresh(home)
    assert home.address == "瓦窑村12号之一"


def test_marking_a_household_verified_clears_its_stale_flag(as_user, db, homes):
    home = homes["wayao"]
    home.verified_at = clock.now() - timedelta(days=400)
    db.add(home)
    db.commit()
    client = as_user("lee")
    assert "超过半年未核实" in client.get(f"/households/{home.id}").text
    token = csrf_token(client, f"/households/{home.id}")
    page = client.post(f"/households/{home.id}/verify", data={"csrf_token": token}).text
    assert "超过半年未核实" not in page


def test_the_household_page_title_is_just_the_household(as_user, db, homes):
    page = as_user("lee").get(f"/households/{homes['wayao'].id}").text
    title = page.split("<title>")[1].split("</title>")[0]
    assert title.startswith("瓦窑村12号") and "<" not in title


@pytest.mark.parametrize(
    "path",
    ["/households?page=²", "/households?village_id=①", "/households/99999999999999999999"],
)
def test_odd_numbers_in_a_url_never_break_the_page(as_user, homes, path):
    assert as_user("lee").get(path).status_code in (200, 404)


def test_an_export_never_records_a_full_id_number_in_the_audit(as_user, db, homes):
    as_user("lee").get(f"/households/export.csv?q={NUMBER}")
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert NUMBER not in str(event.detail)
    assert event.detail["filters"]["q"] == f"530402********{NUMBER[-4:]}"


def test_the_folded_filters_open_when_one_of_them_is_set(as_user, homes):
    client = as_user("lee")
    assert "<details open>" not in listed(client, "?q=王")
    assert "<details open>" in listed(client, "?grid=一网格")


def test_a_nul_character_never_reaches_the_database(db):
    """PostgreSQL refuses text holding NUL where SQLite would store it: both get it without."""
    home = household(db, address="瓦窑村\x0077号")
    db.expire_all()
    assert db.get(type(home), home.id).address == "瓦窑村77号"
