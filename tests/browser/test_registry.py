"""A lead finds a household on the phone, corrects a person's ID number and sees it masked."""

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core.db import get_engine
from tests.browser.conftest import screenshot, sign_in, tab
from tests.factories import household, id_number, person

pytestmark = pytest.mark.browser

CORRECT = id_number("530402", "19800101", 123)


@pytest.fixture
def wang(live_server):
    with Session(get_engine()) as session:
        home = household(session, "瓦窑村", address="瓦窑村12号", household_key="0012")
        person(session, home, name="王大海", id_number=id_number(born="19790101"), relation="head")
        household(session, "瓦窑村", address="瓦窑村30号")
        return home.id


def test_search_open_and_correct_an_id_number(page: Page, live_server, wang):
    sign_in(page, live_server, "lee")
    tab(page, "住户")
    page.get_by_role("searchbox", name="搜索").fill("王大海")
    rows = page.locator("#household-rows")
    expect(rows).to_contain_text("共1户")
    screenshot(page, "households-search")
    rows.get_by_role("link", name="王大海").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("瓦窑村12号")
    page.get_by_role("link", name="编辑", exact=True).click()
    wrong = CORRECT[:17] + ("0" if CORRECT[17] != "0" else "1")
    page.get_by_label("身份证号码").fill(wrong)
    page.get_by_label("从业及就业情况").fill("外卖骑手")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_label("身份证号码")).to_have_accessible_description(
        "校验码（最后一位）不符，请逐位核对号码。"
    )
    expect(page.get_by_label("身份证号码")).to_have_value(wrong)
    expect(page.get_by_label("从业及就业情况")).to_have_value("外卖骑手")
    screenshot(page, "person-bad-id")

    page.get_by_label("身份证号码").fill(CORRECT)
    page.get_by_role("button", name="保存").click()
    card = page.locator(".person-card", has_text="王大海")
    expect(card).to_contain_text(f"530402********{CORRECT[-4:]}")
    expect(card).to_contain_text("外卖骑手")
    expect(page.locator("body")).not_to_contain_text(CORRECT)
    screenshot(page, "household-detail")


def test_a_lead_reveals_a_number_after_choosing_why(page: Page, live_server, wang):
    sign_in(page, live_server, "lee")
    page.goto(f"{live_server}/households/{wang}")
    page.get_by_text("查看完整号码").click()
    page.get_by_label("查看原因").select_option(label="核实本人身份")
    page.get_by_role("button", name="查看", exact=True).click()
    expect(page.locator(".secret")).to_have_text(id_number(born="19790101"))
