"""A member reads her day's work in a village without signal (issue 11): online, the service
worker keeps her worklist, households, visit forms, leaflets and calculations on the phone;
with the network cut they all open as they were, and a page never kept says there is no
signal."""

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core.db import get_engine
from tests.browser.conftest import screenshot, screenshot_on_failure, sign_in, wait_until_kept
from tests.factories import assign, household, id_number, person, visit

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "service_workers": "allow"}


@pytest.fixture
def meis_household(live_server) -> dict[str, int]:
    """One household on Mei's worklist with a visit on its timeline and three people the
    calculator has different answers for (a woman paying the 300 tier, her husband near
    retirement paying 500, their son never insured); one household on Ming's."""
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
        husband = person(
            session,
            home,
            name="李建国",
            id_number=id_number(born="19680920", order=125),
            years_paid="12",
            insurance_status="resident",
            resident_tier="500",
        )
        son = person(session, home, name="李小军", id_number=id_number(born="19990611", order=127))
        assign(session, home, "mei")
        visit(session, home, [wang], notes="下次带宣传单")
        other = household(session, address="瓦窑村13号")
        assign(session, other, "ming")
        people = [wang.id, husband.id, son.id]
        return {"household": home.id, "person": wang.id, "people": people, "other": other.id}


def test_a_member_reads_her_worklist_households_leaflets_and_calculations_offline(
    page: Page, live_server, meis_household
):
    home, wang = meis_household["household"], meis_household["person"]
    sign_in(page, live_server, "mei")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的任务")
    wait_until_kept(page)
    online = {}
    for someone in meis_household["people"]:
        page.goto(f"{live_server}/calculator?person_id={someone}")
        online[someone] = page.locator("#calculator-results").inner_text()
        assert "元" in online[someone]
    assert len(set(online.values())) == 3  # three different answers

    page.context.set_offline(True)
    with screenshot_on_failure(page, "offline-reading"):
        for someone, figures in online.items():
            page.goto(f"{live_server}/calculator?person_id={someone}")
            assert page.locator("#calculator-results").inner_text() == figures
        expect(page.get_by_role("button", name="保存到李小军的记录")).to_be_visible()

        page.goto(f"{live_server}/worklist")
        expect(page.get_by_role("heading", level=1)).to_have_text("我的任务")
        page.get_by_role("link", name="瓦窑村12号").click()
        expect(page).to_have_url(f"{live_server}/households/{home}")
        expect(page.locator(f"#person-{wang}")).to_contain_text("王秀兰")
        expect(page.locator("ol.timeline")).to_contain_text("下次带宣传单")
        screenshot(page, "offline-household")

        page.goto(f"{live_server}/households/{home}/visits/new")
        expect(page.locator("form.visit-form")).to_be_visible()

        page.goto(f"{live_server}/leaflets")
        page.get_by_role("link", name="交费有困难？政府帮您代缴").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("交费有困难？政府帮您代缴")

        page.goto(f"{live_server}/households/{meis_household['other']}")
        expect(page.locator("[data-offline-page]")).to_be_visible()
        screenshot(page, "offline-page")
