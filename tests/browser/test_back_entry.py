"""Back from a village without signal, a member keys in her paper walk sheet on her phone."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core import clock
from app.core.db import get_engine
from tests.browser.conftest import screenshot, sign_in
from tests.factories import assign, household, id_number, person

pytestmark = pytest.mark.browser


@pytest.fixture
def walked_group(live_server) -> dict[str, int]:
    """Two of mei's households in 第1组; 王芳 pays the 200 tier."""
    with Session(get_engine()) as session:
        wangs = household(session, address="瓦窑村1号", village_group="第1组")
        fang = person(
            session,
            wangs,
            name="王芳",
            id_number=id_number(order=124),
            insurance_status="resident",
            resident_tier="200",
        )
        zhaos = household(session, address="瓦窑村2号", village_group="第1组")
        person(session, zhaos, name="赵六", id_number=id_number(order=127))
        for home in (wangs, zhaos):
            assign(session, home, "mei")
        return {"household": wangs.id, "person": fang.id}


def test_a_member_keys_in_her_walk_sheet_on_a_phone(page: Page, live_server, walked_group):
    home, fang = walked_group["household"], walked_group["person"]
    sign_in(page, live_server, "mei")
    page.goto(f"{live_server}/worklist/sheet?village_group=第1组")
    page.locator('a[href^="/worklist/sheet/entry"]').click()
    expect(page).to_have_url(re.compile(r"/worklist/sheet/entry"))
    expect(page.locator(f"#household-{home}")).to_be_visible()

    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    page.locator("#f-walked_on").fill(yesterday)
    for box in ("contact", "calculation", "leaflet"):
        page.locator(f"#f-{box}-{fang}").check()
    expect(page.locator(f"#f-to-{fang}")).to_be_hidden()
    page.locator(f"#f-outcome-{fang}").select_option("raise_tier")
    expect(page.locator(f"#f-from-{fang}")).to_have_value("200")
    page.locator(f"#f-to-{fang}").fill("500")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "back-entry-member")
    page.locator("form.back-entry button[type=submit]").click()

    expect(page.get_by_role("status")).to_contain_text("1")
    expect(page.locator(f"#person-{fang} [data-three-ones]")).to_have_attribute(
        "data-three-ones", "3"
    )
    page.locator(f"#household-{home} h3 a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("瓦窑村1号")
    expect(page.locator(f"#person-{fang} [data-three-ones]")).to_have_attribute(
        "data-three-ones", "3"
    )
    expect(page.locator(f"#person-{fang} [data-outcome]")).to_have_attribute(
        "data-outcome", "raise_tier"
    )
