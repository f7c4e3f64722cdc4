"""Signing in on a phone: each role lands on its own home, laid out for a narrow screen."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, submit_login

pytestmark = pytest.mark.browser

HOMES = {  # display name, where the role lands, its heading, teams shown
    "alice": ("Alice 管理员", "/", "全市概况", ()),
    "lee": ("李队长", "/team", "我的队伍", ("北城一队", "北城二队")),
    "mei": ("梅队员", "/worklist", "我的任务", ()),
    "cai": ("蔡书记", "/", "我的村（社区）", ()),
}
NARROW_PHONES = (390, 360)
TAP_TARGET = 44


def assert_no_horizontal_scroll(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    # A mobile browser zooms out to fit wide content, widening innerWidth: compare with both.
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= min(inner_width, width), f"{scroll_width}px wide at {width}px"


@pytest.mark.parametrize("username", HOMES)
def test_each_role_signs_in_and_lands_on_its_home(page: Page, live_server, username):
    display_name, landing, title, teams = HOMES[username]

    page.goto(f"{live_server}/")
    expect(page).to_have_url(f"{live_server}/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("登录社保服务先锋队")
    if username == "alice":
        screenshot(page, "login-zh")

    submit_login(page, username)

    expect(page).to_have_url(f"{live_server}{landing}")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".whoami")).to_contain_text(display_name)
    for team in teams:
        expect(page.get_by_role("heading", name=team, exact=True)).to_be_visible()
    tabs = page.locator("nav.tabbar a")
    expect(page.locator("nav.tabbar")).to_be_visible()
    for link in tabs.all():
        assert link.bounding_box()["height"] >= TAP_TARGET, link.text_content()
    screenshot(page, f"home-{username}")
    for width in NARROW_PHONES:
        assert_no_horizontal_scroll(page, width)


def test_wrong_password_is_refused_and_the_username_kept(page: Page, live_server):
    page.goto(f"{live_server}/login")
    submit_login(page, "mei", "not-the-password")

    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
    expect(page.get_by_label("用户名", exact=True)).to_have_value("mei")
    expect(page.get_by_label("密码", exact=True)).to_have_value("")


def test_the_api_explorer_renders_without_any_outside_request(page: Page, live_server):
    outside: list[str] = []
    page.on("request", lambda r: r.url.startswith(live_server) or outside.append(r.url))
    page.goto(f"{live_server}/docs")
    expect(page.get_by_text("/api/v1/auth/token")).to_be_visible()
    assert outside == []
