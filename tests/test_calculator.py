"""算一笔账 pages: open to anyone, prefilled from a person the user may see, saved against the
person with the parameter version, and the parameters kept by admins as dated figures."""

import html
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from app.core import clock
from app.domain.pension import default_parameters
from app.models import AuditEvent, Calculation
from app.services.parameters import effective_parameters
from tests.conftest import csrf_token
from tests.factories import assign, household, id_number, person

FORTY_FIVE = {"birth_date": "1981-03-10", "sex": "F", "subsidy_group": "none"}


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """Results depend on the calculation year: pin it."""
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 29))


def add_li(session):
    """李秀英, 45, pays the 300 tier of the resident pension (5 years so far), holds 低保 and
    is a land-expropriated farmer; her household in Lee's township is Mei's."""
    home = household(session, "瓦窑村", address="瓦窑村7号")
    assign(session, home, "mei")
    return person(
        session,
        home,
        name="李秀英",
        id_number=id_number(born="19810310", order=124),
        insurance_status="resident",
        resident_tier="300",
        years_paid="5",
        subsidy_categories=["low_income", "land_expropriated"],
    )


@pytest.fixture
def li(db):
    return add_li(db)


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.text))


def work_out(client, **query):
    return client.get("/calculator", params=query, headers={"HX-Request": "true"})


def test_anyone_can_open_the_calculator_without_signing_in(client):
    page = client.get("/calculator")
    assert page.status_code == 200
    assert "算一笔账" in page.text and 'name="birth_date"' in page.text
    assert 'hx-trigger="input delay:' in page.text  # results follow the inputs, debounced
    assert "填写出生日期和性别" in page.text


def test_a_45_year_old_woman_sees_every_option_side_by_side(client):
    shown = text(work_out(client, **FORTY_FIVE))
    assert shown.lstrip().startswith('<section id="calculator-results"')  # the fragment alone
    for figure in ("¥200.00", "¥188.90", "¥163.00", "¥25.90", "¥10,567.20", "¥2,143.11"):
        assert figure in shown
    for heading in ("每月养老金", "基础养老金", "个人账户养老金", "今年政府补贴", "回本时间"):
        assert f'<th scope="row">{heading}</th>' in shown
    assert "改为转入城乡居民养老" in shown  # instead of 83 months of 延缴
    assert "缴费基数300%" in shown and "500元/年" in shown
    assert "按现有缴费年限到龄时还差83个月，需延缴至2045年12月。" in shown
    assert "2039年1月" in shown and "57岁10个月" in shown
    assert "按今天的参数（2026年）所作的估算" in shown
    assert "待核实" in shown and "各档次政府缴费补贴" in shown


def test_the_full_page_works_without_scripts_and_varies_on_htmx(client):
    page = client.get("/calculator", params=FORTY_FIVE)
    assert "<html" in page.text and "每月养老金" in page.text
    assert "HX-Request" in page.headers["vary"]


def test_someone_retired_before_the_tables_begin_gets_the_resident_options_only(client):
    shown = text(work_out(client, birth_date="1948-05-01", sex="M", subsidy_group="none"))
    assert "未列出灵活就业方案" in shown
    assert "缴费基数" not in shown and "200元/年" in shown
    assert "已满60岁" in shown  # never back-dated; a one-off back payment is a local rule


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"birth_date": "2015-01-01", "sex": "F"}, "只能为年满16周岁的人算账。"),
        ({"birth_date": "1981-03-10"}, "请选择男或女。"),
        ({"birth_date": "1981-03-10", "sex": "M", "category": "F55"}, "男性只能选原60岁"),
        ({"birth_date": "10/03/1981", "sex": "F"}, "请按“年-月-日”填写出生日期。"),
        ({**FORTY_FIVE, "years_contributed": "2.5"}, "请填写0到60之间的整年数。"),
    ],
)
def test_bad_inputs_are_named_in_plain_chinese(client, query, message):
    response = work_out(client, **query)
    assert response.status_code == 422
    assert message in text(response)


def test_an_over_long_input_is_refused_whole_not_cut_into_a_figure(client):
    typed = "10" + " " * 38 + "5"  # cut at 40 characters it read as 10 years, the 5 dropped
    response = work_out(client, **{**FORTY_FIVE, "years_contributed": typed})
    assert response.status_code == 422 and "请填写0到60之间的整年数。" in text(response)
    page = client.get("/calculator", params={**FORTY_FIVE, "years_contributed": typed})
    assert f'value="{typed}"' in page.text  # kept as typed


def test_a_person_s_record_fills_in_the_calculator(as_user, li):
    page = text(as_user("lee").get(f"/calculator?person_id={li.id}"))
    assert "为李秀英算账" in page
    assert 'name="birth_date" type="date" value="1981-03-10"' in page
    assert 'name="years_contributed" type="text" value="5"' in page
    assert '<option value="300" selected>' in page
    assert '<option value="low_income" selected>' in page
    assert 'name="land_expropriated" value="1" checked' in page
    # 低保: the lowest tier is paid on her behalf; she pays the difference to 300.
    assert "政府为低保、特困等有效认定的困难群体代缴最低档次保费" in page
    assert "被征地农民养老保障补贴由当地规定" in page


def test_employee_years_paid_count_as_employee_months(as_user, db):
    home = household(db, "瓦窑村")
    worker = person(
        db,
        home,
        name="赵四",
        id_number=id_number(born="19800505", order=131),
        insurance_status="stopped",
        stopped_since="2024-01-01",
        years_paid="10",
    )
    page = text(as_user("alice").get(f"/calculator?person_id={worker.id}"))
    assert 'name="prior_months" type="text" value="120"' in page
    assert 'name="years_contributed" type="text" value=""' in page


@pytest.mark.parametrize("username", ["otto", "ming", "cai"])
def test_people_outside_the_users_scope_are_not_found(as_user, li, username):
    assert as_user(username).get(f"/calculator?person_id={li.id}").status_code == 404


def test_a_person_needs_a_signed_in_user(client, li):
    response = client.get(f"/calculator?person_id={li.id}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_a_persons_calculation_kept_on_the_phone_is_dated_and_says_why_it_stays_still(as_user, li):
    page = as_user("mei").get(f"/calculator?person_id={li.id}")
    assert 'data-person="李秀英"' in page.text
    assert "没有信号：改动需要联网重新计算。" in page.text
    assert "以下是11月29日下载时的测算。" in page.text


def test_the_calculator_tab_kept_offline_has_room_for_the_people_kept_and_says_new_needs_signal(
    as_user, client
):
    assert "data-kept-people" not in client.get("/calculator").text
    page = as_user("mei").get("/calculator").text
    assert "data-kept-people" in page
    assert "没有信号：为新的人测算需要有信号。" in page
    assert "下载时的测算" not in page, "no figures to date"


def save(client, li, **form):
    token = csrf_token(client, f"/calculator?person_id={li.id}")
    data = {
        "birth_date": "1981-03-10",
        "sex": "F",
        "current_tier": "300",
        "years_contributed": "5",
        "subsidy_group": "low_income",
        "person_id": str(li.id),
        **form,
        "csrf_token": token,
    }
    return client.post("/calculator/save", data=data, follow_redirects=False)


def test_a_member_saves_a_calculation_against_the_person(as_user, db, li):
    mei = as_user("mei")
    page = mei.get(f"/calculator?person_id={li.id}")
    assert "保存到李秀英的记录" in page.text
    response = save(mei, li)
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    (saved_id,) = parse_qs(location.query)["saved"]

    saved = db.get(Calculation, int(saved_id))
    assert saved.person_id == li.id and saved.calc_year == 2026
    assert saved.parameters_version == default_parameters().version
    assert saved.inputs["person"]["birth_date"] == "1981-03-10"
    assert saved.inputs["person"]["subsidy_group"] == "low_income"
    assert [o["scheme"] for o in saved.inputs["options"]][:5] == ["resident"] * 4 + ["flexible"]
    assert saved.inputs["options"][0]["tier"] == 300
    first = saved.outputs["results"][0]
    assert first["annual_personal_cost"] == 100  # 300 less the 200 paid on her behalf
    assert isinstance(first["monthly_total"], float)
    assert len(saved.outputs["marginal"]) == len(saved.inputs["options"]) - 1

    event = db.exec(select(AuditEvent).where(AuditEvent.action == "calculation_saved")).one()
    assert event.target == f"person:{li.id}"
    assert event.detail["calculation"] == saved.id
    assert "已保存到李秀英的记录" in mei.get(response.headers["location"]).text


def test_what_was_shown_is_what_is_saved_even_without_the_flexible_options(as_user, db, li):
    response = save(as_user("mei"), li, birth_date="1948-05-01", sex="F")
    assert response.status_code == 303
    (saved,) = db.exec(select(Calculation)).all()
    assert {option["scheme"] for option in saved.inputs["options"]} == {"resident"}


def test_bad_inputs_are_not_saved(as_user, db, li):
    response = save(as_user("mei"), li, birth_date="")
    assert response.status_code == 422
    assert db.exec(select(Calculation)).all() == []


@pytest.mark.parametrize(("username", "status"), [("cai", 403), ("otto", 404), ("ming", 404)])
def test_only_the_teams_save_and_only_for_people_they_see(as_user, db, li, username, status):
    assert save(as_user(username), li).status_code == status
    assert db.exec(select(Calculation)).all() == []


def test_members_and_leads_find_the_calculator_in_the_tab_bar(as_user):
    assert 'href="/calculator"' in as_user("mei").get("/").text


# --- parameters --------------------------------------------------------------------------------


def add_figure(client, series: str, **form):
    token = csrf_token(client, "/admin/parameters")
    data = {
        "effective": "2026-01-01",
        "region": "national",
        "confidence": "H",
        "source": "2026年国务院通知",
        **form,
        "csrf_token": token,
    }
    return client.post(f"/admin/parameters/{series}", data=data, follow_redirects=False)


def test_the_parameter_page_shows_each_figure_with_its_source_and_marks_the_unconfirmed(as_user):
    page = text(as_user("alice").get("/admin/parameters"))
    assert "城乡居民基础养老金（全国最低标准）" in page
    assert "2026年政府工作报告（+20元）" in page  # the source of the 163 in force, in Chinese
    assert "各档次政府缴费补贴" in page and "待核实" in page
    assert default_parameters().version in page


def series_shown(page: str, series: str) -> str:
    """One series' item on the parameter page, its form's typed JSON left out."""
    item = re.search(rf'<li id="series-{series}">.*?<form', page, re.S).group(0)
    return re.sub(r"<[^>]+>", " ", item)


def test_table_figures_read_as_tables_with_chinese_headings_not_json(as_user):
    page = as_user("alice").get("/admin/parameters").text
    ladder = series_shown(page, "resident_subsidy_ladder")
    assert "年缴费档次（元）" in ladder and "补贴（元/年）" in ladder
    assert "{" not in ladder and "养老规则参考文档§1.4中的测试用补贴标准" in ladder
    window = series_shown(page, "flexible_retirement_window")
    assert "最多提前（月）" in window and "earlier_months" not in window
    assert "按月线性插值" in series_shown(page, "divisor_rule")


def test_an_admins_source_and_note_stay_as_typed(as_user):
    alice = as_user("alice")
    add_figure(alice, "resident_basic_pension", value="183", source="Notice 7", note="to check")
    shown = series_shown(alice.get("/admin/parameters").text, "resident_basic_pension")
    assert "Notice 7 — to check" in shown and "2026年政府工作报告（+20元）" in shown


def test_an_admins_dated_figure_changes_results_and_the_version(as_user, client, db):
    alice = as_user("alice")
    resident = {
        "calc_year": 2026,
        "person": FORTY_FIVE,
        "option": {"scheme": "resident", "tier": 200},
    }
    before = client.post("/api/v1/pension/estimate", json=resident).json()
    assert before["monthly_basic"] == 163

    assert add_figure(alice, "resident_basic_pension", value="183").status_code == 303

    version = effective_parameters(db).version
    assert version != default_parameters().version
    after = client.post("/api/v1/pension/estimate", json=resident).json()
    assert (after["monthly_basic"], after["parameters_version"]) == (183, version)
    assert "¥183.00" in work_out(client, **FORTY_FIVE).text
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "parameter_added")).one()
    assert (event.target, event.detail["value"]) == ("parameter:resident_basic_pension", "183")
    assert "alice" in alice.get("/admin/parameters").text


def test_a_saved_calculation_records_the_version_in_force(as_user, db, li):
    add_figure(as_user("alice"), "resident_subsidy_ladder", value='{"200": 45, "500": 70}')
    client = as_user("mei")
    response = save(client, li)
    saved = db.get(
        Calculation, int(parse_qs(urlsplit(response.headers["location"]).query)["saved"][0])
    )
    assert (
        saved.parameters_version == effective_parameters(db).version != default_parameters().version
    )


@pytest.mark.parametrize(
    ("series", "form", "message"),
    [
        ("resident_basic_pension", {"value": "[1, 2]"}, "请按现行值的格式填写"),
        ("resident_basic_pension", {"value": "abc"}, "请按现行值的格式填写"),
        ("resident_basic_pension", {"value": "183", "source": " "}, "请写明数值出自哪份文件"),
        ("resident_basic_pension", {"value": "183", "effective": "2026-02-30"}, "请填写生效日期"),
        ("resident_basic_pension", {"value": "183", "confidence": "X"}, "请选择这个数值的可信程度"),
        ("divisor_rule", {"value": "sideways"}, "用这个数值无法计算"),
    ],
)
def test_a_figure_the_calculator_cannot_use_is_refused(as_user, db, series, form, message):
    response = add_figure(as_user("alice"), series, **form)
    assert response.status_code == 422
    assert message in text(response)
    assert effective_parameters(db).version == default_parameters().version


def test_only_admins_keep_the_parameters(as_user, client):
    lee = as_user("lee")
    assert lee.get("/admin/parameters").status_code == 403
    assert add_figure(lee, "resident_basic_pension", value="183").status_code == 403
    assert add_figure(as_user("alice"), "no_such_series", value="1").status_code == 404
