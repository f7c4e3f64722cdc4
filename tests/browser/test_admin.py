"""City staff keep the targets and the user accounts."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, sign_in, tab

pytestmark = pytest.mark.browser


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


def test_deactivating_a_user_swaps_the_row_in_place(page: Page, live_server):
    sign_in(page, live_server, "alice")
    tab(page, "用户")
    ming = page.get_by_role("listitem").filter(has_text="明队员")

    mark_document(page)
    page.once("dialog", lambda dialog: dialog.accept())
    ming.get_by_role("button", name="停用").click()

    expect(ming.locator(".tag")).to_have_text("已停用")
    expect(ming.get_by_role("button", name="重新启用")).to_be_visible()
    assert_same_document(page)
    screenshot(page, "users-deactivated")
