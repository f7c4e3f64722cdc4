"""A member reads her day's work in a village without signal (issue 11): online, the service
worker keeps her worklist, households, visit forms, leaflets and calculations on the phone;
with the network cut they all open as they were, and a page never kept says there is no
signal."""

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core.db import get_engine
from tests.browser.conftest import screenshot, screenshot_on_failure, sign_in
from tests.factories import assign, household, id_number, person, visit

pytestmark = pytest.mark.browser

# True once the worker keeps every page the server names for the signed-in member.
ALL_PAGES_KEPT = """async () => {
  if (!(await caches.has("pages"))) return false;
  const { urls } = await (await fetch("/offline/urls")).json();
  const kept = await (await caches.open("pages")).keys();
  return kept.length === urls.length;
}"""


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "service_workers": "allow"}


@pytest.fixture
def meis_household(live_server) -> dict[str, int]:
    """One household on Mei's worklist with a visit on its timeline; one on Ming's."""
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
        assign(session, home, "mei")
        visit(session, home, [wang], notes="下次带宣传单")
        other = household(session, address="瓦窑村13号")
        assign(session, other, "ming")
        return {"household": home.id, "person": wang.id, "other": other.id}


def test_a_member_reads_her_worklist_households_leaflets_and_calculations_offline(
    page: Page, live_server, meis_household
):
    home, wang = meis_household["household"], meis_household["person"]
    sign_in(page, live_server, "mei")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的任务")
    page.wait_for_function(ALL_PAGES_KEPT, polling=250, timeout=30_000)
    page.goto(f"{live_server}/calculator?person_id={wang}")
    online_figures = page.locator("#calculator-results").inner_text()
    assert "元" in online_figures

    page.context.set_offline(True)
    with screenshot_on_failure(page, "offline-reading"):
        page.reload()
        expect(page.get_by_role("button", name="保存到王秀兰的记录")).to_be_visible()
        assert page.locator("#calculator-results").inner_text() == online_figures

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
