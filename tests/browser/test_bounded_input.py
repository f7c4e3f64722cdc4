"""What is too large to send is refused in Chinese before the server reads it: a list over the
upload cap on the import page, and an HTMX form over the form cap beside its control."""

import pytest
from playwright.sync_api import Page, expect

from app.core.config import get_settings
from app.core.i18n import gettext_for
from app.core.middleware import TOO_LARGE
from tests.browser.conftest import screenshot, screenshot_on_failure, sign_in
from tests.browser.test_request_errors import wang  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

SAID = gettext_for("zh_CN")(TOO_LARGE)


@pytest.mark.console_errors(r"status of 413")
def test_a_list_over_the_upload_cap_is_refused_in_chinese(page: Page, live_server, monkeypatch):
    sign_in(page, live_server, "lee")
    page.goto(f"{live_server}/imports")
    monkeypatch.setattr(get_settings(), "upload_max_bytes", 1024 * 1024)
    with screenshot_on_failure(page, "bounded-upload"):
        page.get_by_label("文件").set_input_files(
            {"name": "全县名单.csv", "mimeType": "text/csv", "buffer": b"x" * 2 * 1024 * 1024}
        )
        page.get_by_role("button", name="上传").click()
        expect(page.get_by_text(SAID)).to_be_visible()
        screenshot(page, "bounded-upload")


@pytest.mark.console_errors(r"^Response Status Error Code 413 from /people/")
def test_an_htmx_form_over_the_form_cap_is_refused_beside_its_control(
    page: Page,
    live_server,
    wang,  # noqa: F811
    monkeypatch,
):
    sign_in(page, live_server, "lee")
    page.goto(f"{live_server}/households/{wang}")
    page.get_by_text("查看完整号码").click()
    monkeypatch.setattr(get_settings(), "form_max_bytes", 8)
    with screenshot_on_failure(page, "bounded-form"):
        page.get_by_label("查看原因").select_option(label="核实本人身份")
        page.get_by_role("button", name="查看", exact=True).click()
        alert = page.locator("[id^='id-number-'] + [role=alert]")
        expect(alert).to_have_text(SAID)
        expect(alert).to_be_in_viewport()
        screenshot(page, "bounded-form")
