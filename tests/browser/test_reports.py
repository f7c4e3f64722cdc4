"""A progress report issued and shared from a phone: the admin publishes the month's report
for a county from the dashboard (asked first, since it cannot be undone), reads the ranking,
finds it in the archive and opens the image for the group chat; a draft's publish asks first."""

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core.db import get_engine
from app.domain.codes import RegionLevel
from app.domain.visits import StepForm
from tests.browser.conftest import screenshot, sign_in, tab
from tests.factories import assign, household, id_number, person, region, region_named, visit

pytestmark = pytest.mark.browser


@pytest.fixture
def worked_township(live_server):
    """北城街道: Mei has done all three ones with her household's head; 玉兴街道: a household
    no one has visited yet."""
    with Session(get_engine()) as session:
        home = household(session, "瓦窑村", address="瓦窑村8号")
        head = person(session, home, name="住户甲", id_number=id_number(order=131))
        assign(session, home, "mei")
        steps = [StepForm(person_id=str(head.id), kind=k) for k in ("calculation", "leaflet")]
        visit(session, home, [head], by="mei", steps=steps)
        region(session, "太极村", RegionLevel.village, region_named(session, "玉兴街道"))
        elsewhere = household(session, "太极村", address="太极村2号")
        person(session, elsewhere, name="住户乙", id_number=id_number(order=133))


def test_an_admin_publishes_a_report_and_finds_it_in_the_archive(
    page: Page, live_server, worked_township
):
    sign_in(page, live_server, "alice")
    tab(page, "看板")
    page.get_by_role("link", name="工作通报").click()
    page.get_by_label("排名范围").select_option(label="红塔区")
    expect(page.get_by_label("期间")).not_to_be_empty()
    page.get_by_role("button", name="直接发布").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("红塔区社保服务先锋队工作通报")
    asking = page.locator("#publish-confirm")
    expect(asking).to_contain_text("这些数字将永久固定")
    expect(asking).to_contain_text("发布后无法撤回")
    expect(page.locator("#report")).to_have_attribute("data-status", "draft")
    screenshot(page, "report-publish-confirm")
    asking.get_by_role("button", name="确认发布（无法撤回）").click()
    expect(page.locator("#report")).to_have_attribute("data-status", "published")
    ranking = page.locator("#report-1-table")
    expect(ranking.locator("tbody tr").first).to_contain_text("北城街道")
    expect(ranking.locator("tbody tr").first).to_contain_text("第一名")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    image = page.get_by_role("link", name="工作群分享图片")
    answer = page.request.get(live_server + image.get_attribute("href"))
    assert answer.ok and answer.headers["content-type"] == "image/png"

    page.get_by_role("link", name="‹ 工作通报").click()
    listed = page.locator("#report-archive li").first
    expect(listed).to_contain_text("红塔区社保服务先锋队工作通报")
    expect(listed).to_contain_text("发布")
    listed.get_by_role("link").click()
    expect(page.locator("#report")).to_have_attribute("data-status", "published")


def test_publishing_a_draft_asks_first_and_cancelling_keeps_it_a_draft(
    page: Page, live_server, worked_township
):
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server}/reports")
    page.get_by_label("排名范围").select_option(label="红塔区")
    page.get_by_role("button", name="预览草稿").click()
    expect(page.locator("#report")).to_have_attribute("data-status", "draft")

    page.get_by_role("button", name="发布", exact=True).click()
    asking = page.locator("#publish-confirm")
    expect(asking).to_contain_text("所有管理员以及红塔区及其上级、下级地区的队长都能查看")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    asking.get_by_role("link", name="取消").click()
    expect(page.locator("#publish-confirm")).to_have_count(0)
    expect(page.locator("#report")).to_have_attribute("data-status", "draft")

    page.get_by_role("button", name="发布", exact=True).click()
    page.get_by_role("button", name="确认发布（无法撤回）").click()
    expect(page.locator("#report")).to_have_attribute("data-status", "published")
    expect(page.get_by_role("link", name="工作群分享图片")).to_be_visible()
