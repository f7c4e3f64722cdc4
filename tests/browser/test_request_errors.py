"""Every failed HTMX request is seen (issue 20, item 2): a server error, an answer that never
comes, a phone without signal and a refusal with the server's own words each put a message in
Chinese beside the control that sent it, and mark what it would have replaced as out of date,
until a request gets through. A form answered 422 is still swapped in place with its messages."""

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core.db import get_engine
from app.services import assignments, worklists
from tests.browser.conftest import screenshot, screenshot_on_failure, sign_in
from tests.factories import household, id_number, person, user_id, user_named

pytestmark = pytest.mark.browser

STALE = "可能不是最新"
# The one error a search on purpose makes the server raise.
BROKEN = "出错"


@pytest.fixture
def mei_with_a_household(live_server, page: Page) -> None:
    """Mei on her worklist, 瓦窑村5号 in it."""
    with Session(get_engine()) as session:
        made = household(session, address="瓦窑村5号")
        person(session, made, name="王芳", id_number=id_number(order=124), relation="head")
        assignments.assign(
            session, [made.id], user_id(session, "mei"), by=user_named(session, "lee")
        )
    sign_in(page, live_server, "mei")
    expect(page.locator("#worklist-rows")).to_contain_text("瓦窑村5号")


def search(page: Page, text: str) -> None:
    page.get_by_role("searchbox").fill(text)


def expect_failure_shown(page: Page, message: str) -> None:
    """The message in the search form, on screen; the list still there, marked out of date."""
    alert = page.locator("form[role=search]").get_by_role("alert")
    expect(alert).to_have_text(message)
    expect(alert).to_be_in_viewport()
    rows = page.locator("#worklist-rows")
    expect(rows).to_have_class("stale")
    expect(rows.locator(".stale-note")).to_have_text(STALE)
    expect(rows).to_contain_text("瓦窑村5号")


def expect_failure_cleared(page: Page) -> None:
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator("#worklist-rows")).not_to_have_class("stale")
    expect(page.get_by_text(STALE)).to_have_count(0)


@pytest.mark.console_errors(r"^Response Status Error Code 500 from /worklist")
def test_a_server_error_is_said_beside_the_search_and_cleared_by_the_next_answer(
    page: Page, mei_with_a_household, monkeypatch
):
    real_screen = worklists.screen

    def failing_on_purpose(session, user, today, query, page):
        if BROKEN in query:
            raise RuntimeError("a fault, on purpose")
        return real_screen(session, user, today, query, page)

    monkeypatch.setattr(worklists, "screen", failing_on_purpose)
    with screenshot_on_failure(page, "request-error-server"):
        search(page, BROKEN)
        expect_failure_shown(page, "系统出了点问题，请稍后再试。")
        screenshot(page, "request-error-server")
        with page.expect_response(lambda answer: answer.status == 500):
            search(page, BROKEN + "了")  # failing again: still one message, one note
        expect(page.get_by_role("alert")).to_have_count(1)
        expect(page.get_by_text(STALE)).to_have_count(1)

        search(page, "瓦窑")
        expect_failure_cleared(page)


@pytest.mark.console_errors(r"^htmx:(afterRequest|timeout),")
def test_an_answer_that_never_comes_ends_in_a_message_after_the_timeout(
    page: Page, mei_with_a_household
):
    assert page.evaluate("htmx.config.timeout") == 20_000  # slow 3G, but not for ever
    page.evaluate("htmx.config.timeout = 1000")
    page.route("**/worklist?q=*", lambda route: None)  # the answer never arrives
    with screenshot_on_failure(page, "request-error-timeout"):
        search(page, "瓦窑")
        expect_failure_shown(page, "服务器没有及时响应，请在信号好一些时重试。")
        screenshot(page, "request-error-timeout")
    page.unroute("**/worklist?q=*")


@pytest.mark.console_errors(r"^htmx:(afterRequest|sendError),")
def test_without_signal_the_message_says_so(page: Page, mei_with_a_household):
    with screenshot_on_failure(page, "request-error-offline"):
        page.context.set_offline(True)
        search(page, "瓦窑")
        expect_failure_shown(page, "没有信号，手机恢复联网后再试。")
        screenshot(page, "request-error-offline")

        page.context.set_offline(False)
        search(page, "瓦窑村")
        expect_failure_cleared(page)


@pytest.fixture
def wang(live_server) -> int:
    with Session(get_engine()) as session:
        home = household(session, "瓦窑村", address="瓦窑村12号")
        person(session, home, name="王大海", id_number=id_number(born="19790101"), relation="head")
        return home.id


@pytest.mark.console_errors(r"^Response Status Error Code 403 from /people/")
def test_a_refusal_shows_the_servers_words_and_a_422_still_swaps_the_form_in_place(
    page: Page, live_server, wang
):
    sign_in(page, live_server, "lee")
    page.goto(f"{live_server}/households/{wang}")
    page.get_by_text("查看完整号码").click()
    number = page.locator("[id^='id-number-']")
    with screenshot_on_failure(page, "request-error-refused"):
        # The page was open so long that its form expired.
        token = page.locator("body").get_attribute("hx-headers")
        page.evaluate("""document.body.setAttribute("hx-headers", '{"X-CSRF-Token": "old"}')""")
        page.get_by_label("查看原因").select_option(label="核实本人身份")
        page.get_by_role("button", name="查看", exact=True).click()
        # Beside the number, not inside it: it is not dimmed with it.
        alert = page.locator("[id^='id-number-'] + [role=alert]")
        expect(alert).to_have_text("表单已过期，请刷新页面后重试。")
        expect(alert).to_be_in_viewport()
        expect(number).to_have_class("id-number stale")
        expect(number).to_contain_text(STALE)
        screenshot(page, "request-error-refused")

        page.evaluate("token => document.body.setAttribute('hx-headers', token)", token)
        page.get_by_label("查看原因").select_option(label="请选择…")
        # A browser that does not check required fields sends the form without a reason.
        page.get_by_label("查看原因").evaluate("select => select.removeAttribute('required')")
        page.get_by_role("button", name="查看", exact=True).click()
        expect(number.locator(".field-error")).to_have_text("请选择查看完整号码的原因。")
        expect(page.get_by_label("查看原因")).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_role("alert")).to_have_count(0)
        expect(number).not_to_have_class("stale")
