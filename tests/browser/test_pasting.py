"""A member pastes more than a field holds: the phone keeps all of it, says beside the field how
much to remove, and saves nothing until it fits; nothing she pasted is cut without a word."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core.db import get_engine
from tests.browser.conftest import screenshot, sign_in
from tests.factories import assign, household, id_number, person

pytestmark = pytest.mark.browser


@pytest.fixture
def wang(live_server):
    with Session(get_engine()) as session:
        home = household(session, "瓦窑村", address="瓦窑村3号")
        assign(session, home, "mei")
        made = person(session, home, name="王芳", id_number=id_number(order=124), relation="head")
        return {"person": made.id, "household": home.id}


def paste(page: Page, field, text: str) -> None:
    field.click()
    page.keyboard.insert_text(text)


def test_an_over_long_note_and_reason_are_kept_whole_and_said(page: Page, live_server, wang):
    sign_in(page, live_server, "mei")
    page.goto(f"{live_server}/households/{wang['household']}/visits/new")
    form = page.locator("form.visit-form")
    form.locator(f'input[name="person_ids"][value="{wang["person"]}"]').check()
    notes = form.get_by_label("备注")
    note = "王芳说儿子在外地打工，想等他回来再商量提档的事。" * 50  # 1 200 characters
    paste(page, notes, note)
    expect(notes).to_have_value(note)
    expect(notes).to_have_accessible_description(
        "最多1000个字，现在有1200个字。删去200个字才能保存，填入的内容都还在。"
    )
    screenshot(page, "paste-note-too-long")

    form.get_by_role("button", name="保存走访").click()
    expect(notes).to_be_focused()
    expect(notes).to_have_value(note)
    expect(page).to_have_url(re.compile(r"/visits/new$"))

    notes.fill(note[:1000])
    expect(notes).not_to_have_accessible_description(re.compile("最多"))
    form.get_by_role("button", name="保存走访").click()
    saved = page.locator("[data-visit-saved]")
    expect(saved).to_contain_text("走访已保存")
    expect(page).to_have_url(re.compile(r"/visits/new$"))  # answered in place
    saved.get_by_role("link", name="查看这次走访").click()
    expect(page).to_have_url(re.compile(r"/visits/\d+$"))

    outcome = page.locator(f"#person-{wang['person']}").locator('form[data-form="outcome"]')
    outcome.locator('label:has(input[name="code"][value="refused"])').click()
    reason = outcome.get_by_label("对方给出的原因")
    said = "家里老人看病花销大，今年实在拿不出钱，" * 12  # 228 characters
    paste(page, reason, said)
    expect(reason).to_have_value(said)
    expect(reason).to_have_accessible_description(
        "最多200个字，现在有228个字。删去28个字才能保存，填入的内容都还在。"
    )
    outcome.locator('button[type="submit"]').click()
    expect(reason).to_be_focused()
    expect(page.locator('[data-outcome="refused"]')).to_have_count(0)
    screenshot(page, "paste-reason-too-long")

    reason.fill(said[:200])
    outcome.locator('button[type="submit"]').click()
    expect(page.locator('[data-outcome="refused"]')).to_contain_text(said[:200])


def test_a_search_pasted_too_long_says_so_and_keeps_it(page: Page, live_server, wang):
    sign_in(page, live_server, "mei")
    page.goto(f"{live_server}/worklist")
    search = page.get_by_label("搜索我的住户")
    pasted = "瓦窑村3号王芳" * 29  # 203 characters: a search takes 200
    paste(page, search, pasted)
    said = "一次最多搜索200个字，现在有203个字。请缩短后再搜索。"
    expect(page.get_by_role("alert")).to_have_text(said)
    expect(search).to_have_accessible_description(said)
    expect(search).to_have_value(pasted)
    expect(page.locator("li.work-item")).to_have_count(0)
    screenshot(page, "search-too-long")

    search.fill("王芳")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator("li.work-item", has_text="王芳")).to_have_count(1)
