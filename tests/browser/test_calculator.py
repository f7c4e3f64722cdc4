"""算一笔账 on a phone: a resident's link opens without login, the results follow the inputs,
and the side-by-side comparison stays readable at 390 px without the page scrolling sideways."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core.db import get_engine
from tests.browser.conftest import screenshot, sign_in
from tests.test_calculator import add_li

pytestmark = pytest.mark.browser

MONEY = re.compile(r"^¥\d{1,3}(,\d{3})*\.\d{2}$")  # zh-CN: ¥2,143.11


def forty_five_today() -> date:
    """A birthday 45 years and a few months ago, whatever day the suite runs."""
    today = date.today()
    month = (today.month - 3) % 12 + 1
    year = today.year - 45 - (1 if month > today.month else 0)
    return date(year, month, 10)


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_45_year_old_woman_reads_the_side_by_side_comparison(page: Page, live_server):
    page.goto(f"{live_server}/calculator")
    expect(page.get_by_role("heading", level=1)).to_contain_text("算一笔账")
    page.get_by_label("出生日期").fill(forty_five_today().isoformat())
    page.get_by_label("性别").select_option(label="女")

    table = page.get_by_role("region", name="方案对比")
    expect(table).to_be_visible()
    headers = table.locator("thead th")
    expect(headers).to_have_count(10)  # the row labels, 4 resident tiers, 5 flexible bases
    expect(headers.nth(1)).to_contain_text("200元/年")
    expect(headers.nth(1)).to_contain_text("现在")
    expect(headers.nth(5)).to_contain_text("缴费基数60%")
    expect(headers.nth(9)).to_contain_text("缴费基数300%")

    monthly = table.locator("tr", has=page.get_by_role("rowheader", name="每月养老金"))
    cells = monthly.locator("td")
    expect(cells).to_have_count(9)
    for index in range(9):
        expect(cells.nth(index)).to_have_text(MONEY)
    for row in ("今年缴费", "今年政府补贴", "今后共缴", "开始领取", "回本时间", "多缴部分回本"):
        expect(table.get_by_role("rowheader", name=row)).to_be_visible()
    expect(page.locator(".calc-notes")).to_contain_text("按现有缴费年限到龄时还差")
    expect(page.locator(".calc-estimate")).to_contain_text("按今天的参数")
    expect(page.locator("#calculator-results")).to_contain_text("待核实")
    assert no_sideways_scroll(page)
    screenshot(page, "calculator-45-woman")

    # The table scrolls inside itself; its first column stays put.
    first = table.get_by_role("rowheader", name="每月养老金")
    left = first.bounding_box()["x"]
    table.evaluate("element => element.scrollLeft = 400")
    assert abs(first.bounding_box()["x"] - left) < 1
    assert no_sideways_scroll(page)
    screenshot(page, "calculator-45-woman-scrolled")

    # A higher current tier: the results follow the input.
    page.get_by_label("现在的缴费档次").select_option("1000")
    expect(headers.nth(1)).to_contain_text("1000元/年")
    assert "calculator" in page.url and "current_tier=1000" in page.url


@pytest.fixture
def li(live_server):
    with Session(get_engine()) as session:
        return add_li(session).household_id


def test_a_member_works_it_out_for_a_person_and_saves_it(page: Page, live_server, li):
    sign_in(page, live_server, "mei")
    page.goto(f"{live_server}/households/{li}")
    card = page.locator(".person-card", has_text="李秀英")
    card.get_by_role("link", name="算一笔账").click()
    expect(card.get_by_label("出生日期")).to_have_value("1981-03-10")
    expect(card.get_by_role("region", name="方案对比").locator("thead th").nth(1)).to_contain_text(
        "300元/年"
    )
    assert no_sideways_scroll(page)
    card.get_by_role("button", name="保存到李秀英的记录").click()
    expect(card.get_by_role("status")).to_contain_text("已保存：测算")
    expect(card.locator('li[data-step="calculation"].done')).to_be_visible()
    assert no_sideways_scroll(page)
    screenshot(page, "calculator-saved")
