"""A lead gives ten households to a member; the member works them on a phone."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core.db import get_engine
from tests.browser.conftest import screenshot, sign_in
from tests.factories import household, id_number, person

pytestmark = pytest.mark.browser


@pytest.fixture
def ten_households(live_server):
    with Session(get_engine()) as session:
        for n in range(1, 11):
            home = household(
                session, "瓦窑村", address=f"瓦窑村{n}号", village_group=f"第{n % 3 + 1}组"
            )
            person(
                session,
                home,
                name=f"住户{n}",
                id_number=id_number(order=100 + 2 * n + 1),
                phone=f"1381234{n:04d}",
                relation="head",
                insurance_status="none" if n == 7 else "receiving",
            )


def test_a_lead_assigns_ten_households_and_the_member_works_them(
    page: Page, live_server, ten_households, browser
):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "lee")
    page.goto(f"{live_server}/assign?unassigned=1")
    expect(page.locator("#assign-rows")).to_contain_text("共10户")
    page.get_by_label("队员", exact=True).select_option(label="梅队员")
    page.get_by_label("全部10户符合条件的住户").check()
    page.get_by_role("button", name="预览").click()
    expect(page.get_by_role("status")).to_contain_text("将有10户分配给梅队员")
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_role("status")).to_contain_text("已调整10户的分配")

    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    member = phone.new_page()
    sign_in(member, live_server, "mei")
    expect(member).to_have_url(f"{live_server}/worklist")
    expect(member.get_by_role("heading", level=1)).to_have_text("我的任务")
    items = member.locator("li.work-item")
    expect(items).to_have_count(10)
    expect(items.first).to_contain_text("住户7"), "the one on a plan list comes first"
    call = items.first.get_by_role("link", name=re.compile("拨打"))
    expect(call).to_have_attribute("href", "tel:13812340007")
    box = call.bounding_box()
    assert box["height"] >= 44
    assert member.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(member, "worklist-member")
    items.first.locator("a.row-link").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("瓦窑村7号")
    phone.close()
