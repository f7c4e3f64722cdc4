"""A member records two people's different decisions on her phone: each card, and the
household's row in her worklist, show each person's own follow-up date."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core import clock
from app.core.db import get_engine
from app.core.i18n import long_date
from tests.browser.conftest import screenshot, screenshot_on_failure, sign_in
from tests.factories import assign, household, id_number, person, visit

pytestmark = pytest.mark.browser


@pytest.fixture
def spoken_to(live_server):
    """Mei spoke to 王芳 and her son 王强 of 瓦窑村3号 today."""
    with Session(get_engine()) as session:
        home = household(session, "瓦窑村", address="瓦窑村3号")
        assign(session, home, "mei")
        wang = person(session, home, name="王芳", id_number=id_number(born="19800101", order=124))
        son = person(session, home, name="王强", id_number=id_number(born="20000101", order=127))
        made = visit(session, home, [wang, son])
        return {"visit": made.id, "household": home.id, "王芳": wang.id, "王强": son.id}


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_each_person_keeps_their_own_follow_up_on_their_card_and_in_the_worklist(
    page: Page, live_server, spoken_to
):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server, "mei")
    page.goto(f"{live_server}/visits/{spoken_to['visit']}")
    today = clock.today()
    asked, joined = today + timedelta(days=20), today + timedelta(days=30)

    with screenshot_on_failure(page, "person-follow-ups"):
        wang = page.locator(f"#person-{spoken_to['王芳']}")
        outcome = wang.locator('form[data-form="outcome"]')
        outcome.locator('label:has(input[name="code"][value="undecided"])').click()
        outcome.locator('input[name="follow_up_other"]').fill(asked.isoformat())
        outcome.locator('button[type="submit"]').click()
        expect(wang.locator("[data-person-follow-up]")).to_have_text(
            f"{long_date(asked, 'zh_CN')}回访"
        )

        son = page.locator(f"#person-{spoken_to['王强']}")
        outcome = son.locator('form[data-form="outcome"]')
        outcome.locator('label:has(input[name="code"][value="join_resident"])').click()
        outcome.locator('label:has(input[name="to_tier"][value="500"])').click()
        outcome.locator('button[type="submit"]').click()
        expect(son.locator("[data-person-follow-up]")).to_have_text(
            f"{long_date(joined, 'zh_CN')}回访"
        )
        expect(wang.locator("[data-person-follow-up]")).to_contain_text(long_date(asked, "zh_CN"))
        assert no_sideways_scroll(page)
        screenshot(page, "visit-own-follow-ups")

        page.goto(f"{live_server}/worklist")
        row = page.locator("li.work-item", has_text="瓦窑村3号")
        expect(row.locator("[data-people-follow-ups]")).to_have_text(
            f"回访：王芳 {asked.month}月{asked.day}日、王强 {joined.month}月{joined.day}日"
        )
        assert no_sideways_scroll(page)
        screenshot(page, "worklist-people-follow-ups")
