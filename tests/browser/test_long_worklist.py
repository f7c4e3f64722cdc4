"""The busiest member's long worklist on a phone (issue 21): it opens on its first fifty rows,
the rest come as she scrolls, her search finds a household not loaded yet, and without
signal the list kept on the phone still holds and searches every household."""

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core.db import get_engine
from tests.browser.conftest import screenshot, screenshot_on_failure, sign_in, wait_until_kept
from tests.factories import long_list

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "service_workers": "allow"}


@pytest.fixture
def sixty_households(live_server) -> None:
    """Sixty never-contacted households on Mei's list, 001 to 060 in walking order; the
    last one's only person is 赵末户."""
    with Session(get_engine()) as session:
        long_list(session, "mei", 60)


def test_the_long_list_loads_as_she_scrolls_and_searches_every_household_offline(
    page: Page, live_server, sixty_households
):
    assert page.viewport_size["width"] == 390
    sign_in(page, live_server, "mei")
    rows = page.locator("li.work-item:visible")
    with screenshot_on_failure(page, "long-worklist"):
        expect(rows).to_have_count(50)
        expect(page.locator("#worklist-rows h2")).to_have_text("尚未联系 · 60")
        page.locator(".load-more").scroll_into_view_if_needed()
        expect(rows).to_have_count(60)
        expect(rows.last).to_contain_text("瓦窑村060号")
        expect(page.locator(".load-more")).to_have_count(0)
        expect(page.locator("#worklist-rows h2")).to_have_count(1)
        screenshot(page, "long-worklist-scrolled")

        page.get_by_role("searchbox").fill("赵末户")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("瓦窑村060号")
        page.get_by_role("searchbox").fill("")
        expect(rows).to_have_count(50)

        wait_until_kept(page)
        page.context.set_offline(True)
        page.goto(f"{live_server}/worklist")
        expect(rows).to_have_count(60)
        page.get_by_role("searchbox").fill("赵末户")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("瓦窑村060号")
        screenshot(page, "long-worklist-offline-search")
        page.get_by_role("searchbox").fill("没有这户")
        expect(rows).to_have_count(0)
        expect(page.get_by_text("没有符合条件的住户。")).to_be_visible()
