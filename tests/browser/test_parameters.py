"""City staff read the calculator's parameters in Chinese on a phone, add a dated figure, and
find it in the audit log as a Chinese sentence."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_a_figure_reads_in_chinese_and_its_addition_too(page: Page, live_server):
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server}/admin/parameters")
    ladder = page.locator("#series-resident_subsidy_ladder")
    expect(ladder.locator("dd.param-value th[scope=col]").first).to_have_text("年缴费档次（元）")
    expect(ladder.locator("dd.param-value")).not_to_contain_text("{")
    expect(ladder.locator("dl.facts")).to_contain_text("养老规则参考文档§1.4中的测试用补贴标准")
    ladder.get_by_text(re.compile(r"全部生效记录")).click()
    expect(ladder.locator(".param-history")).to_contain_text("未找到云南或玉溪的补贴标准")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "parameters-ladder")

    top = page.locator("#series-resident_top_tier")
    top.get_by_text("新增一个生效值").click()
    top.locator("#f-value-resident_top_tier").fill("12000")
    top.locator("#f-confidence-resident_top_tier").select_option("H")
    top.locator("#f-source-resident_top_tier").fill("云人社发〔2027〕1号")
    top.get_by_role("button", name="新增").click()
    expect(top.locator("dl.facts")).to_contain_text("云人社发〔2027〕1号")

    page.goto(f"{live_server}/admin/audit")
    added = page.locator("#audit-rows li").filter(has_text="添加测算参数")
    expect(added).to_contain_text("可信程度：H — 法律或国务院文件")
    expect(added).to_contain_text("来源：云人社发〔2027〕1号")
    screenshot(page, "audit-parameter-added")
    added.get_by_role("link", name="算账参数 城乡居民最高缴费档次").click()
    expect(page).to_have_url(re.compile(r"target=parameter%3Aresident_top_tier"))
    expect(page.locator("#audit-rows li")).to_have_count(1)
