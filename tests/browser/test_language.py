"""Choosing English on the account page, and having it remembered for the user."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, sign_in, submit_login, tab

pytestmark = pytest.mark.browser


def test_language_choice_follows_the_user_across_sign_ins(page: Page, live_server):
    sign_in(page, live_server, "mei")
    tab(page, "我的")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    screenshot(page, "account-en")

    tab(page, "Worklist")
    expect(page.get_by_role("heading", level=1)).to_have_text("My worklist")

    tab(page, "Me")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Vanguard")
    # Without the language cookie, only the saved preference can bring English back.
    page.context.clear_cookies()
    page.goto(f"{live_server}/login")
    submit_login(page, "mei")
    expect(page.get_by_role("heading", level=1)).to_have_text("My worklist")

    tab(page, "Me")
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的账号")
    tab(page, "任务")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的任务")
