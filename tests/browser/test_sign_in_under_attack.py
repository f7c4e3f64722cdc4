"""The owner of an account under a guessing attack still signs in on their own phone (it kept a
device cookie when it signed in before); a phone new to the account is made to wait."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, screenshot, sign_in, submit_login, tab

pytestmark = pytest.mark.browser


def test_the_owner_signs_in_on_their_phone_while_someone_guesses_their_password(
    page: Page, browser: Browser, live_server
):
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, live_server, "mei")
    tab(page, "我的")
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("登录社保服务先锋队")

    guesser = browser.new_context(**PHONE).new_page()
    guesser.goto(f"{live_server}/login")
    for n in range(6):
        submit_login(guesser, "mei", f"guess-{n}")
        expect(guesser.get_by_role("alert")).to_be_visible()
    expect(guesser.get_by_role("alert")).to_contain_text("登录失败次数过多")
    submit_login(guesser, "mei")
    expect(guesser.get_by_role("alert")).to_contain_text("登录失败次数过多")
    screenshot(guesser, "sign-in-guesser-waits")
    guesser.context.close()

    submit_login(page, "mei")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的任务")
    screenshot(page, "sign-in-owner-during-attack")
