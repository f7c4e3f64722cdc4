"""A lead imports a department's GBK list with one bad row, on a phone and on a desktop; a long
list is checked in the background while its page shows the progress."""

import threading

import pytest
from playwright.sync_api import Page, expect

from app.services import imports
from tests.browser.conftest import screenshot, sign_in
from tests.factories import id_number
from tests.sheets import as_csv, person_row

pytestmark = pytest.mark.browser

LIST = as_csv(
    [
        person_row(name="王大海", number=id_number(order=123)),
        person_row(name="李秀英", number=id_number(order=222), sex="女", phone="12345"),
        person_row(name="王小海", number=id_number(born="20050607", order=125)),
    ],
    encoding="gbk",
)


@pytest.mark.parametrize("width", [390, 1280])
def test_import_a_gbk_list_see_the_bad_row_commit_and_find_the_people(
    page: Page, live_server, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, "lee")
    page.goto(f"{live_server}/households")
    page.get_by_role("link", name="导入", exact=True).click()
    page.get_by_label("文件").set_input_files(
        {"name": "民政局名单.csv", "mimeType": "text/csv", "buffer": LIST}
    )
    page.get_by_role("button", name="上传").click()

    problems = page.locator("table")
    expect(problems).to_contain_text("联系电话")
    expect(problems.locator("tr", has_text="联系电话").locator("td").first).to_have_text("3")
    expect(page.get_by_text("试导入：尚未写入任何数据。")).to_be_visible()
    screenshot(page, f"import-report-{width}")

    page.get_by_role("button", name="导入2行有效数据").click()
    expect(page.get_by_text("已导入。有问题的行未导入")).to_be_visible()

    page.goto(f"{live_server}/households?q=王")
    expect(page.locator("#household-rows")).to_contain_text("王大海")
    expect(page.locator("#household-rows")).to_contain_text("2人")


def test_a_long_list_shows_its_progress_until_checked_then_offers_the_commit(
    page: Page, live_server, monkeypatch
):
    """The page polls the report as an HTMX fragment: had it failed, the lead would have been
    left on "Working…" for good with no commit button (issue #20)."""
    monkeypatch.setattr(imports, "SYNC_ROWS", 1)  # three rows count as a long list
    checking = threading.Event()
    run = imports.run_in_background

    def run_once_watched(*args) -> None:
        checking.wait(timeout=10)
        run(*args)

    monkeypatch.setattr(imports, "run_in_background", run_once_watched)
    sign_in(page, live_server, "lee")
    page.goto(f"{live_server}/imports")
    page.get_by_label("文件").set_input_files(
        {"name": "民政局名单.csv", "mimeType": "text/csv", "buffer": LIST}
    )
    page.get_by_role("button", name="上传").click()

    expect(page.get_by_role("status")).to_contain_text("处理中：已完成0行，共3行")
    screenshot(page, "import-working")
    checking.set()
    page.get_by_role("button", name="导入2行有效数据").click(timeout=10_000)
    expect(page.get_by_text("已导入。有问题的行未导入")).to_be_visible(timeout=10_000)
    screenshot(page, "import-long-list-done")
