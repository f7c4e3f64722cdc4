"""A member records a home visit on her phone and does the three ones with 王芳 — the visit, a
calculation, a leaflet — and records her decision to raise her tier; the lead confirms it."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core.db import get_engine
from tests.browser.conftest import screenshot, sign_in
from tests.factories import assign, household, id_number, person

pytestmark = pytest.mark.browser


@pytest.fixture
def wang(live_server):
    """王芳, 45, pays the 200 tier of the resident pension; her household is Mei's. The
    migrations seed published leaflets."""
    with Session(get_engine()) as session:
        home = household(session, "瓦窑村", address="瓦窑村3号")
        assign(session, home, "mei")
        made = person(
            session,
            home,
            name="王芳",
            id_number=id_number(born="19800101", order=124),
            insurance_status="resident",
            resident_tier="200",
            years_paid="5",
            relation="head",
        )
        return {"person": made.id, "household": home.id}


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_member_does_the_three_ones_and_the_lead_confirms_the_change(
    page: Page, live_server, wang, browser
):
    sign_in(page, live_server, "mei")
    page.locator("li.work-item", has_text="王芳").locator("a.row-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("瓦窑村3号")
    page.locator('[data-action="record-visit"]').click()

    form = page.locator("form.visit-form")
    expect(form.locator('input[name="channel"][value="home_visit"]')).to_be_checked()
    expect(form.locator('input[name="reached"][value="yes"]')).to_be_checked()
    expect(form.locator("fieldset.if-not-reached")).to_be_hidden()
    form.locator(f'input[name="person_ids"][value="{wang["person"]}"]').check()
    form.locator('textarea[name="notes"]').fill("王芳在家，愿意了解提档")
    assert no_sideways_scroll(page)
    screenshot(page, "visit-form")
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/visits/\d+$"))
    visit_url = page.url

    section = page.locator(f"#person-{wang['person']}")
    expect(section.locator('[data-three-ones="1"]')).to_be_visible()
    section.get_by_role("link", name="算一笔账").click()
    expect(page).to_have_url(re.compile(r"/calculator\?person_id=\d+&visit_id=\d+"))
    page.get_by_role("button", name="保存到王芳的记录").click()
    expect(page).to_have_url(re.compile(rf"{visit_url}#person-{wang['person']}$"))
    expect(section.locator('li[data-step="calculation"].done')).to_be_visible()

    leaflet = section.locator('form[data-form="leaflet"]')
    leaflet.locator('input[name="leaflet_medium"][value="paper"]').check()
    leaflet.locator('button[type="submit"]').click()
    expect(section.locator('li[data-step="leaflet"].done')).to_be_visible()
    expect(section.locator('[data-three-ones="3"]')).to_be_visible()

    outcome = section.locator('form[data-form="outcome"]')
    outcome.locator('select[name="code"]').select_option("raise_tier")
    expect(outcome.locator('select[name="from_value"]')).to_have_value("200")
    outcome.locator('select[name="to_tier"]').select_option("500")
    assert no_sideways_scroll(page)
    screenshot(page, "visit-page")
    outcome.locator('button[type="submit"]').click()
    expect(section.locator('[data-outcome="raise_tier"]')).to_contain_text("200元/年 → 500元/年")

    page.goto(f"{live_server}/households/{wang['household']}")
    mine = page.locator(f"#person-{wang['person']}")
    expect(mine.locator('[data-three-ones="3"]')).to_be_visible()
    expect(mine.locator('[data-outcome="raise_tier"]')).to_be_visible()
    timeline = page.locator("ol.timeline")
    for kind in ("visit", "calculation", "leaflet", "outcome", "enrolment_change"):
        expect(timeline.locator(f'li[data-kind="{kind}"]').first).to_be_visible()
    expect(timeline.locator('li[data-kind="visit"]')).to_contain_text("王芳在家，愿意了解提档")
    assert no_sideways_scroll(page)
    screenshot(page, "household-after-visit")

    lead = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    lee = lead.new_page()
    sign_in(lee, live_server, "lee")
    lee.goto(f"{live_server}/changes")
    row = lee.locator("li[data-change-id]", has_text="王芳")
    row.get_by_role("button", name="确认", exact=True).click()
    confirmed = lee.locator("li[data-change-id]", has_text="王芳")
    expect(confirmed.locator('[data-status="confirmed"]')).to_be_visible()
    screenshot(lee, "changes-confirmed")
    lead.close()


@pytest.fixture
def family(live_server):
    """瓦窑村5号, Mei's: 李华 (41) the three ones are due for; her parents draw pensions (67
    and 70), her son is 12 and her nephew, 21, is a full-time student."""
    with Session(get_engine()) as session:
        home = household(session, "瓦窑村", address="瓦窑村5号")
        assign(session, home, "mei")
        people = {}
        for order, (name, born, fields) in enumerate(
            [
                ("李华", "19850401", {"insurance_status": "resident", "resident_tier": "200"}),
                ("李父", "19590601", {"insurance_status": "receiving"}),
                ("李母", "19560601", {"insurance_status": "receiving"}),
                ("李小宝", "20140301", {}),
                ("李大学", "20050401", {"is_student": "yes"}),
            ]
        ):
            made = person(
                session,
                home,
                name=name,
                id_number=id_number(born=born, order=201 + order * 2),
                **fields,
            )
            people[name] = made.id
        return {"household": home.id, **people}


def test_only_the_people_the_three_ones_are_due_for_get_forms(page: Page, live_server, family):
    sign_in(page, live_server, "mei")
    page.goto(f"{live_server}/households/{family['household']}")
    for name, reason in [
        ("李父", "已领取待遇"),
        ("李母", "已领取待遇"),
        ("李小宝", "未满16周岁"),
        ("李大学", "全日制在校学生"),
    ]:
        expect(page.locator(f"#person-{family[name]} > details.not-due > summary")).to_contain_text(
            f"三个一不适用：{reason}"
        )
    expect(page.locator(f"#person-{family['李华']} [data-three-ones]")).to_be_visible()
    assert no_sideways_scroll(page)
    screenshot(page, "household-reasons")

    page.locator('[data-action="record-visit"]').click()
    form = page.locator("form.visit-form")
    for name in ("李华", "李父"):
        form.locator(f'input[name="person_ids"][value="{family[name]}"]').check()
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/visits/\d+$"))

    father = page.locator(f"#person-{family['李父']}")
    expect(father).to_contain_text("三个一不适用：已领取待遇")
    expect(father.locator('form[data-form="outcome"]')).to_be_hidden()
    screenshot(page, "visit-reason-folded")
    father.get_by_text("仍要记录三个一").click()
    expect(father.locator('form[data-form="outcome"]')).to_be_visible()
    screenshot(page, "visit-reason-opened")

    her = page.locator(f"#person-{family['李华']}")
    outcome = her.locator('form[data-form="outcome"]')
    outcome.locator('select[name="code"]').select_option("raise_tier")
    outcome.locator('select[name="to_tier"]').select_option("500")
    outcome.locator('button[type="submit"]').click()
    expect(her.locator('[data-outcome="raise_tier"]')).to_contain_text("200元/年 → 500元/年")
    expect(her.locator('[data-change="reported"]')).to_have_text("待队长确认")
    expect(her.locator("[data-person-follow-up]")).to_contain_text("回访")
    assert no_sideways_scroll(page)
    screenshot(page, "visit-outcome-in-words")

    page.goto(f"{live_server}/worklist")
    row = page.locator("li.work-item", has_text="瓦窑村5号")
    expect(row).to_contain_text("回访")
    screenshot(page, "worklist-follow-up")
