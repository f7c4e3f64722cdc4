"""The dashboard read on a phone and on a desktop, in Chinese: progress bars and the monthly
chart fit the screen and have names, units link down to their own dashboard, and a table
downloads."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core.db import get_engine
from app.services import statistics
from tests.browser.conftest import screenshot, screenshot_on_failure, sign_in
from tests.factories import assign, household, id_number, person, user_named, visit
from tests.sheets import as_csv

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
HEADER = ["地区", "月份", "在职职工养老保险参保人数", "城乡居民养老保险缴费人数",
          "城乡居民养老保险缴费总额（元）", "来源", "报告日期"]  # fmt: skip


@pytest.fixture
def worked_village(live_server):
    """Official figures for 红塔区 and a household in 瓦窑村 that Mei has visited."""
    with Session(get_engine()) as session:
        rows = [
            ["红塔区", "2024-05", "88000", "", "", "人社月报", "2024-06-05"],
            ["红塔区", "2024-06", "89572", "101234", "52345678.90", "人社月报", "2024-07-05"],
        ]
        content = as_csv(rows, header=HEADER)
        statistics.import_figures(session, "官方数据.csv", content, by=user_named(session, "alice"))
        home = household(session, "瓦窑村", address="瓦窑村8号")
        head = person(session, home, name="住户甲", id_number=id_number(order=131))
        assign(session, home, "mei")
        visit(session, home, [head], by="mei")


def fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, DESKTOP])
def test_a_lead_reads_their_dashboard_and_goes_down_to_a_village(
    page: Page, live_server, worked_village, viewport
):
    page.set_viewport_size(viewport)
    with screenshot_on_failure(page, f"dashboard-lead-{viewport['width']}"):
        sign_in(page, live_server, "lee")
        page.locator('nav.tabbar a[href="/dashboard"]').click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("北城街道")
        expect(page.locator("#dash-no-figure")).to_have_text("暂无官方数据。")
        bars = page.locator("#work svg.dash-bar[role=img]")
        expect(bars).to_have_count(1)  # all three ones; the contacted are no part of the eligible
        expect(bars.first).to_have_attribute(
            "aria-label", re.compile("%")
        )  # named with its percentage
        chart = page.locator("#trend svg.dash-chart[role=img]").first
        expect(chart).to_be_visible()
        assert chart.bounding_box()["width"] <= viewport["width"]
        expect(page.locator("#teams-table")).to_contain_text("北城一队")
        expect(page.locator("#teams-table")).to_contain_text("梅队员")
        fits(page, viewport["width"])
        screenshot(page, f"dashboard-lead-{viewport['width']}")

        page.locator("#children-table").get_by_role("link", name="瓦窑村").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("瓦窑村")
        expect(page.locator(".dash-up")).to_contain_text("北城街道")
        fits(page, viewport["width"])


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, DESKTOP])
def test_an_admin_sees_a_county_against_its_targets_and_downloads_a_table(
    page: Page, live_server, worked_village, viewport
):
    page.set_viewport_size(viewport)
    with screenshot_on_failure(page, f"dashboard-admin-{viewport['width']}"):
        sign_in(page, live_server, "alice")
        page.locator('nav.tabbar a[href="/dashboard"]').click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("玉溪市")
        page.locator("#dash-years").get_by_role("link", name="2024", exact=True).click()
        page.locator("#children-table").get_by_role("link", name="红塔区").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("红塔区")

        members = page.locator('#targets [data-metric="employee_in_work"]')
        expect(members).to_contain_text("目标：91,400人")
        expect(members).to_contain_text("实际：89,572人")
        bar = members.get_by_role("img")
        expect(bar).to_have_attribute("data-percent", "98.00")
        expect(bar).to_contain_text("98%")
        assert bar.bounding_box()["width"] <= viewport["width"] - 24
        expect(page.locator("#trend svg.dash-chart")).to_have_count(2)  # contacts, members in work
        fits(page, viewport["width"])
        screenshot(page, f"dashboard-county-{viewport['width']}")

        with page.expect_download() as download:
            page.locator('[data-export="trend-xlsx"]').click()
        assert download.value.suggested_filename.startswith("红塔区-2024-")
        assert download.value.suggested_filename.endswith(".xlsx")
