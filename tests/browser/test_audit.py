"""City staff read the audit log on a phone; anyone changes their own password."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, sign_in, submit_login

pytestmark = pytest.mark.browser


def test_the_audit_log_filters_in_place_under_the_csp(page: Page, live_server):
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server}/admin/audit")
    expect(page.locator("#audit-rows li").first).to_be_visible()
    page.evaluate("window.sameDocument = true")
    page.locator("#f-action").select_option("login")
    expect(page).to_have_url(re.compile(r"/admin/audit\?action=login"))
    expect(page.locator("#audit-rows li")).to_have_count(1)
    assert page.evaluate("window.sameDocument === true"), "filtered by HTMX, not reloaded"
    export = page.locator("#audit-rows a[href^='/admin/audit/export.xlsx']")
    expect(export).to_have_attribute("href", re.compile(r"\?action=login&"))
    screenshot(page, "audit-log")


def test_changing_the_password_signs_out_and_the_new_one_works(page: Page, live_server):
    sign_in(page, live_server, "mei")
    page.goto(f"{live_server}/account")
    page.locator("a[href='/account/password']").click()
    page.locator("#f-current").fill("correct-horse-battery")
    page.locator("#f-new").fill("three-unrelated-words")
    page.locator("#f-repeated").fill("three-unrelated-words")
    page.locator("button.primary").click()
    expect(page.locator(".alert.ok")).to_be_visible()
    screenshot(page, "password-changed")
    page.goto(f"{live_server}/worklist")
    expect(page).to_have_url(re.compile(r"/login"))
    submit_login(page, "mei", "three-unrelated-words")
    expect(page).to_have_url(re.compile(r"/worklist"))
