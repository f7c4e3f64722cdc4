"""City staff keep the targets and the user accounts; deactivating a member asks first and hands
their households on in the same step."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core.db import get_engine
from app.models import Household
from tests.browser.conftest import screenshot, screenshot_on_failure, sign_in, tab
from tests.factories import assign, household, user_id

pytestmark = pytest.mark.browser
NARROW = {"width": 360, "height": 780}


def mark_document(page: Page) -> None:
    """A full page load would wipe this; an HTMX swap keeps it."""
    page.evaluate("window.sameDocument = true")


def assert_same_document(page: Page) -> None:
    assert page.evaluate("window.sameDocument === true"), "the page was reloaded"


def test_targets_by_year_and_adding_one(page: Page, live_server):
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server}/admin/targets?year=2024")
    county = page.locator("article", has=page.get_by_role("heading", name="红塔区"))
    expect(county).to_contain_text("91,400人")
    expect(county).to_contain_text("¥543.00")

    mark_document(page)
    page.get_by_role("link", name="2026", exact=True).click()
    expect(page.locator("#targets")).to_contain_text("本年度无目标")
    expect(page).to_have_url(f"{live_server}/admin/targets?year=2026")
    expect(page.get_by_role("link", name="2026", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("textbox", name="年份")).to_have_value("2026")
    assert_same_document(page)

    page.get_by_label("单位").select_option(label="红塔区")
    page.get_by_label("指标").select_option(label="基本养老保险参保率")
    page.get_by_label("数值").fill("abc")
    page.get_by_role("button", name="添加目标").click()
    expect(page.get_by_label("数值")).to_have_accessible_description("请输入数字。")
    expect(page.get_by_label("数值")).to_have_value("abc")
    expect(page.get_by_label("单位").locator("option:checked")).to_have_text("红塔区")
    expect(page.get_by_label("指标").locator("option:checked")).to_have_text("基本养老保险参保率")
    screenshot(page, "targets-error")

    page.get_by_label("数值").fill("97")
    page.get_by_role("button", name="添加目标").click()
    expect(page).to_have_url(re.compile(rf"{live_server}/admin/targets\?year=2026#target-\d+$"))
    expect(county).to_contain_text("97%")


@pytest.fixture
def mings_two(live_server) -> list[int]:
    """Ming (北城一队, with 梅队员) holding two households."""
    with Session(get_engine()) as session:
        homes = [household(session, "瓦窑村", address=f"瓦窑村{n}号") for n in (1, 2)]
        for home in homes:
            assign(session, home, "ming")
        return [home.id for home in homes]


def test_deactivating_a_member_asks_in_their_row_and_hands_their_households_on(
    page: Page, live_server, mings_two
):
    page.set_viewport_size(NARROW)
    sign_in(page, live_server, "alice")
    tab(page, "用户")
    ming = page.get_by_role("listitem").filter(has_text="明队员")

    mark_document(page)
    with screenshot_on_failure(page, "users-deactivate"):
        ming.get_by_role("button", name="停用", exact=True).click()
        expect(ming).to_contain_text("确定停用明队员吗？其所有设备将退出登录。")
        expect(ming.get_by_role("status")).to_contain_text("明队员负责2户")
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        screenshot(page, "users-deactivate-question")

        ming.get_by_role("button", name="停用", exact=True).click()
        expect(ming.locator("#e-successor")).to_have_text(
            "请选择由谁接手这些户：队内其他队员，或退回未分配。"
        )
        ming.get_by_label("交给梅队员").check()
        ming.get_by_role("button", name="停用", exact=True).click()

        expect(ming.locator(".tag")).to_have_text("已停用")
        expect(ming.get_by_role("button", name="重新启用")).to_be_visible()
        assert_same_document(page)
        screenshot(page, "users-deactivated")
    with Session(get_engine()) as session:
        holders = {session.get(Household, home).assignee_id for home in mings_two}
        assert holders == {user_id(session, "mei")}
