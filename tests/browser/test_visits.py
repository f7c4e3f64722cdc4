"""A member records a home visit on her phone and does the three ones with 王芳 — the visit, a
calculation, a leaflet — and records her decision to raise her tier; the lead confirms it."""

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, func, select

from app.core.db import get_engine
from app.models import Outcome, Visit
from tests.browser.conftest import screenshot, sign_in
from tests.factories import assign, household, id_number, mother_and_son, person

pytestmark = pytest.mark.browser


@pytest.fixture
def wang(live_server):
    """瓦窑村3号, Mei's: 王芳 and her son (the migrations seed published leaflets)."""
    with Session(get_engine()) as session:
        made = mother_and_son(session, "瓦窑村3号")
        return {"person": made["her"], "son": made["son"], "household": made["household"]}


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


class Taps:
    """Counts what the member does (a tap on a control, a field filled) and the whole
    documents the phone loads."""

    def __init__(self, page: Page):
        self.inputs = 0
        self.documents: list[str] = []
        page.on("request", self._note)

    def _note(self, request) -> None:
        if request.resource_type == "document":
            self.documents.append(request.url)

    def tap(self, locator) -> None:
        self.inputs += 1
        locator.click()


def work_the_card(taps: Taps, page: Page, person_id: int, code: str, tier: str) -> None:
    """The three ones and an outcome on one person's card: the calculation opened and saved in
    place, a leaflet chip, the outcome and tier chips, and 记录结果."""
    card = page.locator(f"#person-{person_id}")
    taps.tap(card.locator("[data-open-calculator]"))
    save = card.locator("form.calc-save button")
    expect(save).to_be_visible()
    screenshot(page, f"card-{person_id}-calculator")
    taps.tap(save)
    expect(card.locator('[data-saved="calculation"]')).to_be_visible()
    expect(card.locator('li[data-step="calculation"].done')).to_be_visible()
    taps.tap(card.locator('form[data-form="leaflet"] input[name="leaflet_id"]').first.locator(".."))
    expect(card.locator('[data-saved="leaflet"]')).to_be_visible()
    expect(card.locator('[data-three-ones="3"]')).to_be_visible()
    outcome = card.locator('form[data-form="outcome"]')
    taps.tap(outcome.locator(f'label:has(input[name="code"][value="{code}"])'))
    taps.tap(outcome.locator(f'label:has(input[name="to_tier"][value="{tier}"])'))
    assert no_sideways_scroll(page)
    taps.tap(outcome.locator('button[type="submit"]'))
    expect(card.locator('[data-saved="outcome"]')).to_be_visible()
    screenshot(page, f"card-{person_id}-saved")


def test_a_member_does_the_three_ones_for_two_people_on_one_screen_and_the_lead_confirms(
    page: Page, live_server, wang, browser
):
    sign_in(page, live_server, "mei")
    page.locator("li.work-item", has_text="王芳").locator("a.row-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("瓦窑村3号")
    taps = Taps(page)
    screenshot(page, "household-before-visit")

    work_the_card(taps, page, wang["person"], "raise_tier", "500")
    work_the_card(taps, page, wang["son"], "join_resident", "300")

    her = page.locator(f"#person-{wang['person']}")
    expect(her.locator('[data-outcome="raise_tier"]')).to_contain_text("200元/年 → 500元/年")
    expect(her.locator('[data-change="reported"]')).to_have_text("待队长确认")
    expect(page.locator("[data-visit-started]")).to_contain_text("上门走访")
    assert taps.inputs <= 14, f"{taps.inputs} inputs"
    assert taps.documents == [], f"whole pages loaded: {taps.documents}"
    screenshot(page, "household-after-visit")

    page.reload()
    for someone in (wang["person"], wang["son"]):
        expect(page.locator(f"#person-{someone} [data-three-ones='3']")).to_be_visible()
    timeline = page.locator("ol.timeline")
    for kind in ("visit", "calculation", "leaflet", "outcome", "enrolment_change"):
        expect(timeline.locator(f'li[data-kind="{kind}"]').first).to_be_visible()
    with Session(get_engine()) as session:
        assert session.exec(select(func.count()).select_from(Visit)).one() == 1
        assert session.exec(select(func.count()).select_from(Outcome)).one() == 2

    lead = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    lee = lead.new_page()
    sign_in(lee, live_server, "lee")
    lee.goto(f"{live_server}/changes")
    row = lee.locator("li[data-change-id]", has_text="王芳")
    row.get_by_role("button", name="确认", exact=True).click()
    confirmed = lee.locator("li[data-change-id]", has_text="王芳")
    expect(confirmed.locator('[data-status="confirmed"]')).to_be_visible()
    screenshot(lee, "changes-confirmed")
    lead.close()


@pytest.fixture
def family(live_server):
    """瓦窑村5号, Mei's: 李华 (41) the three ones are due for; her parents draw pensions (67
    and 70), her son is 12 and her nephew, 21, is a full-time student."""
    with Session(get_engine()) as session:
        home = household(session, "瓦窑村", address="瓦窑村5号")
        assign(session, home, "mei")
        people = {}
        for order, (name, born, fields) in enumerate(
            [
                ("李华", "19850401", {"insurance_status": "resident", "resident_tier": "200"}),
                ("李父", "19590601", {"insurance_status": "receiving"}),
                ("李母", "19560601", {"insurance_status": "receiving"}),
                ("李小宝", "20140301", {}),
                ("李大学", "20050401", {"is_student": "yes"}),
            ]
        ):
            made = person(
                session,
                home,
                name=name,
                id_number=id_number(born=born, order=201 + order * 2),
                **fields,
            )
            people[name] = made.id
        return {"household": home.id, **people}


def test_only_the_people_the_three_ones_are_due_for_get_forms(page: Page, live_server, family):
    sign_in(page, live_server, "mei")
    page.goto(f"{live_server}/households/{family['household']}")
    for name, reason in [
        ("李父", "已领取待遇"),
        ("李母", "已领取待遇"),
        ("李小宝", "未满16周岁"),
        ("李大学", "全日制在校学生"),
    ]:
        expect(page.locator(f"#person-{family[name]} > details.not-due > summary")).to_contain_text(
            f"三个一不适用：{reason}"
        )
    expect(page.locator(f"#person-{family['李华']} [data-three-ones]")).to_be_visible()
    assert no_sideways_scroll(page)
    screenshot(page, "household-reasons")

    father = page.locator(f"#person-{family['李父']}")
    expect(father.locator('form[data-form="outcome"]')).to_be_hidden()
    father.locator("details.not-due > summary").click()
    expect(father.locator('form[data-form="outcome"]')).to_be_hidden()
    screenshot(page, "household-reason-opened")
    father.get_by_text("仍要记录三个一").click()
    expect(father.locator('form[data-form="outcome"]')).to_be_visible()

    her = page.locator(f"#person-{family['李华']}")
    outcome = her.locator('form[data-form="outcome"]')
    outcome.locator('label:has(input[name="code"][value="raise_tier"])').click()
    expect(outcome.locator('select[name="from_value"]')).to_have_value("200")
    outcome.locator('label:has(input[name="to_tier"][value="500"])').click()
    outcome.locator('button[type="submit"]').click()
    expect(her.locator('[data-outcome="raise_tier"]')).to_contain_text("200元/年 → 500元/年")
    expect(her.locator('[data-change="reported"]')).to_have_text("待队长确认")
    expect(her.locator("[data-person-follow-up]")).to_contain_text("回访")
    assert no_sideways_scroll(page)
    screenshot(page, "visit-outcome-in-words")

    page.goto(f"{live_server}/worklist")
    row = page.locator("li.work-item", has_text="瓦窑村5号")
    expect(row).to_contain_text("回访")
    screenshot(page, "worklist-follow-up")


def test_a_refused_outcome_says_why_beside_it_in_view_and_focused(page: Page, live_server, wang):
    sign_in(page, live_server, "mei")
    page.goto(f"{live_server}/households/{wang['household']}")
    taps = Taps(page)
    son = page.locator(f"#person-{wang['son']}")
    outcome = son.locator('form[data-form="outcome"]')
    outcome.locator('label:has(input[name="code"][value="undecided"])').click()
    outcome.locator('input[name="follow_up_other"]').fill("")
    outcome.locator('button[type="submit"]').click()
    message = son.locator('p.field-error[role="alert"]')
    expect(message).to_have_text("王小军：尚未决定：请设置回访日期。")
    expect(message).to_be_focused()
    expect(message).to_be_in_viewport()
    expect(outcome.locator('input[name="code"][value="undecided"]')).to_be_checked()
    assert taps.documents == [], "answered in place, not a reload to the top"
    screenshot(page, "refused-outcome-in-view")
