"""A lead reads the same team's figures on /team, the dashboard and /cadres on a small phone in
Chinese: the same numbers under the same labels, each with its note (说明) a tap away."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, screenshot_on_failure, sign_in
from tests.test_figures import EXPECTED, beicheng  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 780}
PAGES = {
    "/team": ("#main .team-work", ("households", "eligible_people", "people_contacted",
                                   "three_ones_complete", "follow_ups_overdue")),
    "/dashboard": ("#work", ("households", "eligible_people", "people_contacted",
                             "three_ones_complete", "enrolment_changes_confirmed", "cadres",
                             "cadres_in_employee_pension", "cadres_upgraded")),
    "/cadres": ("#main", ("cadres", "cadres_in_employee_pension")),
}  # fmt: skip


def test_team_dashboard_and_cadres_show_one_figure_under_one_label(
    page: Page,
    live_server,
    beicheng,  # noqa: F811
):
    page.set_viewport_size(SMALL_PHONE)
    sign_in(page, live_server, "lee")
    labels: dict[str, set[str]] = {}
    for path, (block, figures) in PAGES.items():
        name = f"figures-{path.strip('/')}"
        with screenshot_on_failure(page, name):
            page.goto(f"{live_server}{path}")
            shown = page.locator(block).first
            for figure in figures:
                value = shown.locator(f"[data-figure={figure}]").first
                expect(value).to_have_text(str(EXPECTED[figure]))
                label = value.evaluate(
                    "v => (v.tagName === 'DD' ? v.previousElementSibling : v.parentElement)"
                    ".textContent.replace(v.textContent, '').trim()"
                )
                labels.setdefault(figure, set()).add(label)
            notes = shown.locator("details.figure-notes").first
            notes.locator("summary").click()
            expect(notes).to_have_attribute("open", "")
            expect(notes.locator("dd").first).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
            screenshot(page, name)
    assert labels["people_contacted"] == {"已联系人数"}
    assert labels["eligible_people"] == {"应做“三个一”人数"}
    assert labels["cadres_in_employee_pension"] == {"参加职工养老保险的村干部"}
    assert all(len(found) == 1 for found in labels.values()), labels
