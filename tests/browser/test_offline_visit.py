"""The one-screen visit without signal: each step on a person's card is kept on the phone
(待发送) instead of failing; the household page and the worklist show what waits, opening the
household again continues the same visit, the calculation kept on the phone is shown dated and
counts as the step, and when the signal returns one visit arrives, with a saved calculation the
server worked out again."""

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, col, select

from app.core.db import get_engine
from app.models import Calculation, Outcome, Visit, VisitPerson, VisitStep
from tests.browser.conftest import screenshot, screenshot_on_failure, sign_in, wait_until_kept
from tests.factories import mother_and_son

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "service_workers": "allow", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def home(live_server) -> dict:
    """瓦窑村7号, Mei's: 王芳 pays the 200 tier; her son 王小军 pays nothing yet."""
    with Session(get_engine()) as session:
        return mother_and_son(session, "瓦窑村7号")


def stored(model, *where):
    with Session(get_engine()) as session:
        return session.exec(select(model).where(*where)).all()


def test_a_visit_without_signal_waits_on_the_phone_and_arrives_once(page: Page, live_server, home):
    sign_in(page, live_server, "mei")
    wait_until_kept(page)
    page.goto(f"{live_server}/households/{home['household']}")
    visit_uuid = page.locator('#visit-bar input[name="visit_uuid"]').input_value()
    page.context.set_offline(True)
    her = page.locator(f"#person-{home['her']}")
    with screenshot_on_failure(page, "offline-visit"):
        her.locator("[data-open-calculator]").click()
        kept = her.locator(".calculator-in-card")
        expect(kept.locator(".alert.note")).to_contain_text("下载时的测算")
        expect(kept.locator("input:not([type=hidden]), select")).to_have_count(0)
        screenshot(page, "offline-visit-kept-calculation")
        kept.locator("form.calc-save button").click()
        queued = her.locator("[data-card-waiting]")
        expect(queued).to_contain_text("待发送")
        her.locator('form[data-form="leaflet"] label:has(input[name="leaflet_id"])').first.click()
        outcome = her.locator('form[data-form="outcome"]')
        outcome.locator('label:has(input[name="code"][value="raise_tier"])').click()
        outcome.locator('label:has(input[name="to_tier"][value="500"])').click()
        outcome.locator('button[type="submit"]').click()
        expect(queued).to_contain_text("提高缴费档次")
        expect(her.locator(".request-error")).to_have_count(0)
        screenshot(page, "offline-visit-card-waiting")

        page.goto(f"{live_server}/worklist")
        row = page.locator("li.work-item", has_text="瓦窑村7号")
        expect(row.locator("[data-household-waiting]")).to_have_text("待发送")
        screenshot(page, "offline-visit-worklist-waiting")
        row.locator("a.row-link").click()
        expect(page.locator(f"#person-{home['her']} [data-card-waiting]")).to_contain_text("待发送")
        bar = page.locator('#visit-bar input[name="visit_uuid"]')
        expect(bar).to_have_value(visit_uuid)
        son = page.locator(f"#person-{home['son']}")
        son.locator('form[data-card-step="contact"] button').click()
        expect(son.locator("[data-card-waiting]")).to_contain_text("待发送")
        screenshot(page, "offline-visit-continued")
        assert stored(Visit) == [], "nothing reached the server without signal"

        page.context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        expect(page.locator("[data-card-waiting]")).to_have_count(0, timeout=20_000)
    visits = stored(Visit)
    assert [v.client_uuid for v in visits] == [visit_uuid], "one visit, the one the page named"
    people = {p.person_id for p in stored(VisitPerson)}
    assert people == {home["her"], home["son"]}
    steps = stored(VisitStep)
    assert sorted(s.kind for s in steps) == ["calculation", "leaflet"]
    calculation = next(s for s in steps if s.kind == "calculation")
    assert calculation.calculation_id is not None, "a saved calculation: no quality flag"
    assert stored(Calculation, col(Calculation.person_id) == home["her"])
    assert [(o.code, o.to_value) for o in stored(Outcome)] == [("raise_tier", 500)]
    expect(page.locator(f"#person-{home['her']} [data-three-ones='3']")).to_be_visible()
    screenshot(page, "offline-visit-sent")
