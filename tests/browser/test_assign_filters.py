"""A lead narrows the households to assign on a phone: the rows below the filters are swapped
in place (an HTMX fragment), with the choice of member still there to give them away."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core.db import get_engine
from app.domain.codes import RegionLevel
from tests.browser.conftest import screenshot, sign_in, tab
from tests.factories import assign, household, region, region_named

pytestmark = pytest.mark.browser


@pytest.fixture
def two_villages(live_server):
    """Three households in 瓦窑村 (one already Mei's) and two in 北苑社区."""
    with Session(get_engine()) as session:
        township = region_named(session, "北城街道")
        beiyuan = region(session, "北苑社区", RegionLevel.village, township)
        for n in range(1, 4):
            home = household(session, "瓦窑村", address=f"瓦窑村{n}号")
        assign(session, home, "mei")
        for n in range(1, 3):
            household(session, beiyuan.name, address=f"北苑社区{n}号")


def test_a_lead_narrows_the_households_to_assign_and_the_rows_follow(
    page: Page, live_server, two_villages
):
    sign_in(page, live_server, "lee")
    tab(page, "分配")
    rows = page.locator("#assign-rows")
    expect(rows).to_contain_text("共5户")

    page.get_by_label("仅未分配").check()
    expect(rows).to_contain_text("共4户")
    expect(page).to_have_url(re.compile(r"/assign\?unassigned=1"))  # kept for the back button
    page.get_by_text("筛选", exact=True).click()
    page.get_by_label("村（社区）").select_option(label="北苑社区")
    expect(rows).to_contain_text("共2户")
    expect(rows).not_to_contain_text("瓦窑村")

    rows.get_by_label("队员", exact=True).select_option(label="梅队员")
    expect(rows.get_by_role("button", name="预览")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "assign-narrowed")
