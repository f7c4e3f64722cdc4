"""A village cadre reports joining the employee pension on a phone; the lead confirms it and the
village's count of cadres in the employee pension goes up."""

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core.db import get_engine
from app.demo import DEMO_PASSWORD
from tests.browser.conftest import PHONE, screenshot, sign_in, submit_login
from tests.factories import household, id_number, person, user_named

pytestmark = pytest.mark.browser


@pytest.fixture
def cai_record(live_server):
    """蔡书记's account linked to his own record, a resident of 瓦窑村 paying 300 a year."""
    with Session(get_engine()) as session:
        home = household(session, "瓦窑村", address="瓦窑村1号")
        own = person(
            session,
            home,
            name="蔡国华",
            id_number=id_number(born="19750302", order=131),
            insurance_status="resident",
            resident_tier="300",
            is_cadre=True,
        )
        account = user_named(session, "cai")
        account.person_id = own.id
        session.add(account)
        session.commit()
        return own.id


def test_a_cadre_reports_joining_as_a_flexible_worker_and_the_lead_confirms_it(
    page: Page, live_server, cai_record, browser
):
    sign_in(page, live_server, "cai")
    record = page.locator("#own-record")
    expect(record).to_contain_text("蔡国华")
    expect(record.locator("#work-it-out")).to_have_attribute(
        "href", f"/calculator?person_id={cai_record}"
    )
    page.locator("#kind-join_flexible").check()
    page.locator("#f-base_percent").fill("60")
    page.locator("#report-upgrade-submit").click()
    expect(page.locator("#my-reports [data-status]")).to_have_attribute("data-status", "reported")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "cadre-home-reported")

    phone = browser.new_context(**PHONE)
    lead = phone.new_page()
    sign_in(lead, live_server, "lee")
    lead.goto(f"{live_server}/changes")
    row = lead.locator("li.change").filter(has_text="蔡国华")
    expect(row.locator("[data-self-reported]")).to_be_visible()
    row.locator("[data-confirm-change]").click()
    expect(lead).to_have_url(f"{live_server}/changes")
    expect(row.locator("[data-status]")).to_have_attribute("data-status", "confirmed")
    assert lead.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(lead, "changes-confirmed")
    phone.close()

    page.reload()
    expect(page.locator("#my-reports [data-status]")).to_have_attribute("data-status", "confirmed")
    village = page.locator("#village-cadres [data-count=in_employee_pension]")
    expect(village).to_have_text("1")


SMALL_PHONE = {**PHONE, "viewport": {"width": 360, "height": 780}}


@pytest.mark.usefixtures("demo_db")
def test_from_the_demo_data_cadre2_raises_their_tier_and_cadre1_has_nothing_to_report(
    page: Page, live_server, browser
):
    page.set_viewport_size(SMALL_PHONE["viewport"])
    page.goto(f"{live_server}/login")
    submit_login(page, "cadre2", DEMO_PASSWORD)
    expect(page.locator("#own-insurance")).to_contain_text("城乡居民养老保险 · ¥200.00")
    choices = page.locator("#report-upgrade input[name=kind]")
    expect(choices).to_have_count(2)
    expect(page.locator("#kind-join_resident")).to_have_count(0)
    expect(page.locator("#f-tier option[value='200']")).to_have_count(0)
    page.locator("#kind-raise_tier").check()
    page.locator("#f-tier").select_option("500")
    screenshot(page, "demo-cadre2-upgrade")
    page.locator("#report-upgrade-submit").click()
    expect(page.locator("#my-reports [data-status]")).to_have_attribute("data-status", "reported")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    phone = browser.new_context(**SMALL_PHONE)
    lead = phone.new_page()
    lead.goto(f"{live_server}/login")
    submit_login(lead, "lead1", DEMO_PASSWORD)
    lead.goto(f"{live_server}/changes")
    lead.locator("#cadres-changes").click()
    expect(lead).to_have_url(f"{live_server}/changes?cadres=1")
    row = lead.locator("#waiting-changes li.change").filter(has_text="钱秀英")
    expect(row.locator("[data-self-reported]")).to_be_visible()
    row.locator("[data-confirm-change]").click()
    expect(lead).to_have_url(f"{live_server}/changes?cadres=1")
    decided = lead.locator("#decided-changes li.change").filter(has_text="钱秀英")
    expect(decided.locator("[data-status]")).to_have_attribute("data-status", "confirmed")
    assert lead.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(lead, "demo-cadres-changes-confirmed")
    phone.close()

    other_phone = browser.new_context(**SMALL_PHONE)
    cadre1 = other_phone.new_page()
    cadre1.goto(f"{live_server}/login")
    submit_login(cadre1, "cadre1", DEMO_PASSWORD)
    expect(cadre1.locator("#own-insurance")).to_contain_text("职工养老保险（灵活就业）")
    expect(cadre1.locator("#no-upgrade")).to_be_visible()
    expect(cadre1.locator("#report-upgrade input[name=kind]")).to_have_count(0)
    screenshot(cadre1, "demo-cadre1-nothing-to-report")
    other_phone.close()

    page.reload()
    expect(page.locator("#own-insurance")).to_contain_text("城乡居民养老保险 · ¥500.00")
