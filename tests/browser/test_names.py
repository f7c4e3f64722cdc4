"""On the phone, a lead types names as people write them: a pasted name too long for the record
and one with emoji are refused with what to change and kept in the box; a minority name with
its middle dot and a 生僻字 name are stored whole."""

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.core.db import get_engine
from tests.browser.conftest import screenshot, sign_in
from tests.factories import household, id_number

pytestmark = pytest.mark.browser


@pytest.fixture
def home(live_server):
    with Session(get_engine()) as session:
        return household(session, "瓦窑村", address="瓦窑村12号").id


def add_person(page: Page, name: str, number: str) -> None:
    page.get_by_label("姓名").fill(name)
    page.get_by_label("身份证号码").fill(number)
    page.get_by_role("button", name="保存").click()


def test_names_too_long_or_with_emoji_are_refused_and_real_names_kept(
    page: Page, live_server, home
):
    sign_in(page, live_server, "lee")
    page.goto(f"{live_server}/households/{home}/people/new")
    pasted = "阿依古丽" * 16
    add_person(page, pasted, id_number(order=101))
    name = page.get_by_label("姓名")
    expect(name).to_have_accessible_description("最多60个字，现在有64个字。")
    expect(name).to_have_value(pasted)
    screenshot(page, "person-name-too-long")

    add_person(page, "王😀芳👍", id_number(order=101))
    expect(name).to_have_accessible_description("姓名里不能有表情或符号，请删去：😀、👍。")
    expect(name).to_have_value("王😀芳👍")
    screenshot(page, "person-name-emoji")

    add_person(page, "阿依古丽·买买提", id_number(order=101))
    expect(page.get_by_role("heading", level=1)).to_have_text("瓦窑村12号")
    page.goto(f"{live_server}/households/{home}/people/new")
    add_person(page, "王𠇔", id_number(order=103))
    people = page.locator(".person-card")
    expect(people.filter(has_text="阿依古丽·买买提")).to_have_count(1)
    expect(people.filter(has_text="王𠇔")).to_have_count(1)
    screenshot(page, "person-names-kept")
