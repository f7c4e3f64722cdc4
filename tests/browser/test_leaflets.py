"""Leaflets on a phone: a resident opens a leaflet's share page without signing in, and a
member saves a calculation for a person and opens the personal sheet link it makes."""

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core.db import get_engine
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_calculator import no_sideways_scroll
from tests.test_calculator import add_li

pytestmark = pytest.mark.browser


def test_a_resident_reads_a_leaflet_on_a_phone(page: Page, live_server):
    page.goto(f"{live_server}/l/1")
    expect(page.get_by_role("heading", level=1)).to_have_text("城乡居民养老保险：选档次，拿补贴")
    expect(page.locator(".leaflet-body")).to_contain_text("每年交200元，政府补贴40元")
    qr = page.get_by_role("img", name="本宣传单二维码")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth > 0")
    assert no_sideways_scroll(page)
    screenshot(page, "leaflet-share")

    page.get_by_role("link", name="打印（A5）").click()
    expect(page.locator("article.paper-a5")).to_be_visible()
    assert no_sideways_scroll(page)
    screenshot(page, "leaflet-print-a5")


def test_a_member_hands_a_leaflet_over_from_the_worklist(page: Page, live_server):
    sign_in(page, live_server, "mei")
    page.get_by_role("link", name="宣传单", exact=True).click()
    page.get_by_role("link", name="交费有困难？政府帮您代缴").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("交费有困难？政府帮您代缴")
    expect(page.get_by_role("img", name="本宣传单二维码")).to_be_visible()


@pytest.fixture
def li(live_server):
    with Session(get_engine()) as session:
        return add_li(session).household_id


def test_a_member_shares_a_personal_sheet_from_a_saved_calculation(page: Page, live_server, li):
    sign_in(page, live_server, "mei")
    page.goto(f"{live_server}/households/{li}")
    card = page.locator(".person-card", has_text="李秀英")
    card.get_by_role("link", name="算一笔账").click()
    card.get_by_role("button", name="保存到李秀英的记录").click()
    card.get_by_role("link", name="生成个人算账单").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("个人算账单")
    page.get_by_role("button", name="生成链接和二维码").click()
    expect(page.get_by_role("img", name="个人算账单二维码")).to_be_visible()
    link = page.locator(".share-link a").get_attribute("href")
    assert "/s/" in link
    screenshot(page, "leaflet-sheet-member")

    # The resident opens it on their own phone: no sign-in, no name.
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("您的养老保险选择")
    expect(page.locator(".sheet-option").first).to_contain_text("每月养老金")
    expect(page.locator("body")).not_to_contain_text("李秀英")
    assert no_sideways_scroll(page)
    screenshot(page, "leaflet-sheet-resident")
