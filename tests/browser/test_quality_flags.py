"""A lead on a phone goes through last month's data-quality flags: sees that nearly every one
of Mei's visits reached someone, tries to mark it reviewed without a note, then writes one and
sees the flag reviewed, without leaving the page."""

import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core import clock
from app.core.config import get_settings
from app.core.db import get_engine
from app.services import assignments
from tests.browser.conftest import screenshot, screenshot_on_failure, sign_in
from tests.factories import household, id_number, person, user_id, visit

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 780}


@pytest.fixture
def mei_last_month(live_server) -> int:
    """Mei's round on the 10th of last month: 20 households of 瓦窑村, every one reached, three
    minutes apart. Answers Mei's id."""
    first_of_month = clock.today().replace(day=1)
    day = (first_of_month - timedelta(days=1)).replace(day=10)
    start = datetime.combine(day, time(9), get_settings().zone)
    with Session(get_engine()) as session:
        for n in range(20):
            home = household(session, "瓦窑村", address=f"瓦窑村{n + 1}号")
            someone = person(
                session, home, name=f"住户{n + 1}", id_number=id_number(order=101 + 2 * n)
            )
            at = (start + timedelta(minutes=3 * n)).isoformat()
            visit(session, home, [someone], by="mei", occurred_at=at)
        return user_id(session, "mei")


def test_a_lead_reviews_a_flag_with_a_note_on_a_phone(page: Page, live_server, mei_last_month):
    page.set_viewport_size(SMALL_PHONE)
    with screenshot_on_failure(page, "quality-flags"):
        sign_in(page, live_server, "lee")
        page.goto(f"{live_server}/quality")
        page.locator("#period-earlier").click()
        expect(page.locator(f"#member-{mei_last_month} h2")).to_have_text("梅队员")
        flag = page.locator(f"#flag-{mei_last_month}-contact_rate_near_full")
        expect(flag.locator("[data-evidence]")).to_have_text("20次走访中有20次见到了人（100%）")
        assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
        screenshot(page, "quality-flags")

        flag.get_by_role("button", name="标记为已核查").click()
        expect(flag.locator(".field-error")).to_have_text("请填写核查情况。")
        expect(flag).to_have_attribute("data-open", "yes")

        flag.get_by_label("核查情况").fill("问过梅队员：那天是村里集中开会，大家都在。")
        flag.get_by_role("button", name="标记为已核查").click()

        expect(flag).to_have_attribute("data-open", "no")
        expect(flag.locator("[data-note]")).to_have_text(
            "问过梅队员：那天是村里集中开会，大家都在。"
        )
        expect(flag.locator("[data-reviewed]")).to_contain_text("李队长")
        expect(page.locator(f"#flag-{mei_last_month}-visits_minutes_apart")).to_have_attribute(
            "data-open", "yes"
        )
        screenshot(page, "quality-flag-reviewed")

        page.reload()
        expect(flag).to_have_attribute("data-open", "no")


def test_an_admin_of_many_teams_opens_a_team_and_reviews_there(
    page: Page, live_server, mei_last_month, monkeypatch
):
    """An admin's city has 74 teams: a line each, one opened at a time."""
    monkeypatch.setattr(assignments, "OPEN_TEAMS", 2)
    page.set_viewport_size(SMALL_PHONE)
    with screenshot_on_failure(page, "quality-flags-teams"):
        sign_in(page, live_server, "alice")
        page.goto(f"{live_server}/quality")
        page.locator("#period-earlier").click()
        page.locator("#team-lines").get_by_role("link", name="北城一队").click()
        expect(page.locator("#team-name")).to_have_text("北城一队")
        assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
        screenshot(page, "quality-flags-team")

        flag = page.locator(f"#flag-{mei_last_month}-contact_rate_near_full")
        flag.get_by_label("核查情况").fill("问过梅队员：那天村里集中开会。")
        flag.get_by_role("button", name="标记为已核查").click()
        expect(flag).to_have_attribute("data-open", "no")

        page.locator("#period-later").click()
        expect(page.locator("#team-name")).to_have_text("北城一队")
        page.get_by_role("link", name="全部队伍").click()
        expect(page.locator("#team-lines")).to_be_visible()


def test_a_pasted_note_too_long_is_kept_whole_and_not_sent(page: Page, live_server, mei_last_month):
    """The review form is sent by HTMX and comes back with its messages: the form it brings
    back takes a long paste whole too, and says how much to remove before anything is sent."""
    page.set_viewport_size(SMALL_PHONE)
    sign_in(page, live_server, "lee")
    page.goto(f"{live_server}/quality")
    page.locator("#period-earlier").click()
    flag = page.locator(f"#flag-{mei_last_month}-contact_rate_near_full")
    flag.get_by_role("button", name="标记为已核查").click()
    expect(flag.locator(".field-error")).to_have_text("请填写核查情况。")

    note = flag.get_by_label("核查情况")
    found = "那天村里集中开会，大家都在，梅队员一户户问过。" * 26  # 598 characters
    note.click()
    page.keyboard.insert_text(found)
    expect(note).to_have_value(found)
    expect(note).to_have_accessible_description(
        re.compile("^最多500个字，现在有598个字。删去98个字才能保存，填入的内容都还在。")
    )
    flag.get_by_role("button", name="标记为已核查").click()
    expect(note).to_be_focused()
    expect(flag).to_have_attribute("data-open", "yes")
    screenshot(page, "quality-note-too-long")

    note.fill(found[:500])
    flag.get_by_role("button", name="标记为已核查").click()
    expect(flag.locator("[data-note]")).to_have_text(found[:500])


def test_a_lead_sees_who_is_behind_a_flag_and_goes_to_them(page: Page, live_server, mei_last_month):
    page.set_viewport_size(SMALL_PHONE)
    with screenshot_on_failure(page, "quality-flag-people"):
        sign_in(page, live_server, "lee")
        page.goto(f"{live_server}/quality")
        page.locator("#period-earlier").click()
        flag = page.locator(f"#flag-{mei_last_month}-visits_minutes_apart")
        people = flag.locator("[data-people]")
        people.get_by_text("涉及人员（19）").click()
        expect(people.get_by_role("link")).to_have_count(19)
        expect(people.locator("dd").first).to_contain_text("瓦窑村")
        assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
        screenshot(page, "quality-flag-people")

        people.get_by_role("link", name="住户7", exact=True).click()
        expect(page).to_have_url(re.compile(r"/households/\d+#person-\d+$"))
        person_id = page.url.rsplit("#person-", 1)[1]
        expect(page.locator(f"#person-{person_id}")).to_contain_text("住户7")
