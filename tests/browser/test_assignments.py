"""A lead cuts worklists on a phone: the assignment preview says what happens to each household
and asks again before taking any from another member; removing a member asks first and hands
their households on in the same step."""

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core.db import get_engine
from tests.browser.conftest import screenshot, screenshot_on_failure, sign_in
from tests.factories import assign, household, id_number, person

pytestmark = pytest.mark.browser
NARROW = {"width": 360, "height": 780}


@pytest.fixture
def three_households(live_server):
    """瓦窑村1号 unassigned, 2号 ming's, 3号 already mei's; each with its head."""
    with Session(get_engine()) as session:
        for n, holder in ((1, None), (2, "ming"), (3, "mei")):
            home = household(session, "瓦窑村", address=f"瓦窑村{n}号")
            person(
                session,
                home,
                name=f"户主{n}",
                id_number=id_number(order=100 + 2 * n + 1),
                relation="head",
            )
            if holder:
                assign(session, home, holder)


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


def test_the_preview_names_each_household_and_taking_from_a_member_needs_its_own_tick(
    page: Page, live_server, three_households
):
    page.set_viewport_size(NARROW)
    sign_in(page, live_server, "lee")
    page.goto(f"{live_server}/assign")
    with screenshot_on_failure(page, "assign-preview"):
        for n in (1, 2, 3):
            page.get_by_role("checkbox", name=f"户主{n}").check()
        page.get_by_label("队员", exact=True).select_option(label="梅队员")
        page.get_by_role("button", name="预览").click()

        expect(page.get_by_role("status")).to_contain_text("将有2户分配给梅队员")
        taken = page.locator('[data-handover="taken"]')
        expect(taken).to_contain_text("户主2")
        expect(taken).to_contain_text("瓦窑村2号")
        expect(taken).to_contain_text("现由明队员负责")
        expect(page.locator('[data-handover="given"]')).to_contain_text("户主1")
        expect(page.locator('[data-handover="kept"]')).to_contain_text("户主3")
        expect(page.locator("#take-warning")).to_contain_text("明队员")
        fits(page)
        screenshot(page, "assign-preview")

        page.get_by_role("button", name="确认").click()
        expect(page.locator("#take-warning")).to_contain_text("请勾选确认转走")
        expect(page.locator('[data-handover="taken"]')).to_contain_text("户主2")
        screenshot(page, "assign-preview-take-refused")

        page.get_by_label("确认从原负责队员处转走这些户").check()
        page.get_by_role("button", name="确认").click()
        expect(page.get_by_role("status")).to_contain_text("已调整2户的分配")


def test_removing_a_member_asks_first_and_hands_their_households_to_another_member(
    page: Page, live_server, three_households
):
    page.set_viewport_size(NARROW)
    sign_in(page, live_server, "lee")
    page.goto(f"{live_server}/team")
    with screenshot_on_failure(page, "team-remove-member"):
        page.locator("li", has_text="明队员").get_by_role("button", name="移出").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("将明队员移出北城一队？")
        expect(page.get_by_role("status")).to_contain_text("明队员负责1户")
        fits(page)
        screenshot(page, "team-remove-member")

        page.get_by_role("button", name="移出队伍").click()
        expect(page.locator("#e-successor")).to_have_text(
            "请选择由谁接手这些户：队内其他队员，或退回未分配。"
        )
        page.get_by_label("交给梅队员").check()
        page.get_by_role("button", name="移出队伍").click()

        expect(page).to_have_url(f"{live_server}/team?moved=1")
        expect(page.get_by_role("status")).to_contain_text("已转移1户。")
        members = page.locator("section.card", has_text="北城一队").locator("ul.list").first
        expect(members).not_to_contain_text("明队员")
        expect(members.locator("li", has_text="梅队员")).to_contain_text("2户")  # hers and his
