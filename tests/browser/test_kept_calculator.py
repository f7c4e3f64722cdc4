"""The calculator kept on the phone (issue 21, item 5): offline the 算账 tab lists the people
whose calculators are kept and says that someone new needs signal; a kept calculator shows
its figures dated as downloaded, with its inputs still and the reason beside them, until the
signal returns."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core import clock
from app.core.db import get_engine
from app.core.i18n import month_day
from tests.browser.conftest import screenshot, screenshot_on_failure, sign_in, tab, wait_until_kept
from tests.factories import assign, household, id_number, person

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "service_workers": "allow"}


@pytest.fixture
def meis_people(live_server) -> dict[str, int]:
    """Two people on Mei's worklist paying different tiers; someone on Ming's."""
    with Session(get_engine()) as session:
        home = household(session, address="瓦窑村12号")
        wang = person(
            session,
            home,
            name="王秀兰",
            id_number=id_number(born="19780315", order=124),
            relation="head",
            years_paid="6",
            insurance_status="resident",
            resident_tier="300",
        )
        li = person(
            session,
            home,
            name="李建国",
            id_number=id_number(born="19680920", order=125),
            years_paid="12",
            insurance_status="resident",
            resident_tier="500",
        )
        assign(session, home, "mei")
        other = household(session, address="瓦窑村13号")
        person(session, other, name="张小明", id_number=id_number(born="19800101", order=126))
        assign(session, other, "ming")
        return {"household": home.id, "wang": wang.id, "li": li.id}


def inputs(page: Page):
    return page.locator("#calculator").locator("input:not([type=hidden]), select, button")


def test_offline_the_calculator_tab_lists_the_kept_people_and_their_figures_stay_as_downloaded(
    page: Page, live_server, meis_people
):
    sign_in(page, live_server, "mei")
    wait_until_kept(page)
    calculator = f"{live_server}/calculator?person_id={meis_people['wang']}"
    page.goto(calculator)
    downloaded = page.locator("#calculator-results").inner_text()
    page.goto(f"{live_server}/households/{meis_people['household']}")
    notice = page.locator("#kept-calculation")

    page.context.set_offline(True)
    with screenshot_on_failure(page, "kept-calculator"):
        tab(page, "算账")
        expect(page).to_have_url(f"{live_server}/calculator")
        expect(notice).to_contain_text("没有信号：为新的人测算需要有信号。")
        kept = notice.get_by_role("link")
        expect(kept).to_have_text(["李建国", "王秀兰"])
        expect(inputs(page).first).to_be_disabled()
        screenshot(page, "kept-calculator-tab")

        notice.get_by_role("link", name="王秀兰").click()
        expect(page).to_have_url(calculator)
        day = month_day(clock.today(), "zh_CN")
        expect(notice).to_have_text(
            f"没有信号：改动需要联网重新计算。 以下是{day}下载时的测算。", use_inner_text=True
        )
        assert page.locator("#calculator-results").inner_text() == downloaded
        for control in inputs(page).all():
            expect(control).to_be_disabled()
        expect(page.get_by_role("button", name="保存到王秀兰的记录")).to_be_disabled()
        screenshot(page, "kept-calculator-offline")

        page.context.set_offline(False)
        for control in inputs(page).all():
            expect(control).to_be_enabled()
        expect(page.get_by_role("button", name="保存到王秀兰的记录")).to_be_enabled()
        expect(notice).to_have_text(f"以下是{day}下载时的测算。", use_inner_text=True)
        page.get_by_label("现在的缴费档次").select_option("1000")
        expect(page.locator("#calculator-results")).not_to_have_text(downloaded)
        expect(notice).to_be_hidden()
        screenshot(page, "kept-calculator-online")


@pytest.mark.console_errors(r"^htmx:(afterRequest|sendError),")
def test_a_change_typed_as_the_signal_drops_marks_the_figures_out_of_date(
    page: Page, live_server, meis_people
):
    sign_in(page, live_server, "mei")
    page.goto(f"{live_server}/calculator?person_id={meis_people['wang']}")
    results = page.locator("#calculator-results")
    with screenshot_on_failure(page, "kept-calculator-dropped"):
        page.get_by_label("居民养老已缴年限").fill("15")
        page.context.set_offline(True)
        expect(results).to_have_class("calc-results stale")
        expect(results.locator(".stale-note")).to_have_text("可能不是最新")
        expect(page.locator("#kept-calculation")).to_contain_text(
            "没有信号：改动需要联网重新计算。"
        )
        expect(page.get_by_label("居民养老已缴年限")).to_be_disabled()
        screenshot(page, "kept-calculator-dropped")


def test_a_copy_worked_out_earlier_is_dated_even_with_signal_until_it_is_worked_out_again(
    page: Page, live_server, meis_people, monkeypatch
):
    """The phone shows its copy when the network is too slow: figures worked out an hour ago
    say so, and the inputs still work."""
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() - timedelta(hours=1))
    sign_in(page, live_server, "mei")
    page.goto(f"{live_server}/calculator?person_id={meis_people['wang']}")
    notice = page.locator("#kept-calculation")
    with screenshot_on_failure(page, "kept-calculator-earlier"):
        expect(notice).to_have_text(
            f"以下是{month_day(clock.today(), 'zh_CN')}下载时的测算。", use_inner_text=True
        )
        expect(page.get_by_label("现在的缴费档次")).to_be_enabled()
        page.get_by_label("现在的缴费档次").select_option("1000")
        expect(notice).to_be_hidden()
