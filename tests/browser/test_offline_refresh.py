"""The phone's copy for offline kept fresh without fetching it all again (issue 21): a
refresh fetches the pages changed since the last one, and a household moved to someone else
leaves the phone."""

import time
from datetime import timedelta

import pytest
from playwright.sync_api import Page
from sqlmodel import Session

from app.core import clock
from app.core.db import get_engine
from app.models import Household
from app.services.offline_copies import IN_FLIGHT
from tests.browser.conftest import screenshot, screenshot_on_failure, sign_in, wait_until_kept
from tests.factories import assign, household, visit

pytestmark = pytest.mark.browser

UNCHANGED = "<p>kept as it was</p>"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "service_workers": "allow"}


@pytest.fixture
def three_households(live_server, monkeypatch) -> dict[str, int]:
    """Three households on Mei's list; the clock then runs a little ahead, so what happens
    next is after the first refresh's mark."""
    with Session(get_engine()) as session:
        homes = {}
        for name, address in (
            ("quiet", "瓦窑村21号"),
            ("visited", "瓦窑村22号"),
            ("moved", "瓦窑村23号"),
        ):
            home = household(session, address=address)
            assign(session, home, "mei")
            homes[name] = home.id
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + IN_FLIGHT + timedelta(minutes=1))
    return homes


def until(page: Page, script: str, arg=None, seconds: float = 20) -> None:
    """Wait until the (async) script is true in the page: wait_for_function does not wait
    for a promise."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(script, arg):
        assert time.monotonic() < deadline, script
        page.wait_for_timeout(200)


KEPT_PAGE = """async (path) => {
  const kept = await (await caches.open("pages")).match(path);
  return kept ? await kept.text() : null;
}"""


def test_a_refresh_fetches_what_changed_and_drops_a_household_moved_away(
    page: Page, live_server, three_households
):
    homes = three_households
    sign_in(page, live_server, "mei")
    wait_until_kept(page)
    mark = f"({KEPT_PAGE})('/offline/synced')"  # written once a refresh is complete
    until(page, f"async () => (await {mark}) !== null")  # the first refresh is complete
    first = page.evaluate(f"async () => await {mark}")
    with screenshot_on_failure(page, "offline-refresh"):
        page.evaluate(
            """async ([path, body]) => {
              const html = { headers: { "Content-Type": "text/html" } };
              await (await caches.open("pages")).put(path, new Response(body, html));
            }""",
            [f"/households/{homes['quiet']}", UNCHANGED],
        )
        with Session(get_engine()) as session:
            visit(
                session,
                session.get(Household, homes["visited"]),
                reached="no",
                not_reached_reason="nobody_home",
                notes="第二次上门",
            )
            assign(session, session.get(Household, homes["moved"]), "ming")

        page.evaluate(
            "navigator.serviceWorker.ready.then((r) => r.active.postMessage({ type: 'refresh' }))"
        )
        done = f"""async ([first, moved, visited]) =>
          (await {mark}) !== first
          && (await ({KEPT_PAGE})(moved)) === null
          && ((await ({KEPT_PAGE})(visited)) || "").includes("第二次上门")
          && !(await ({KEPT_PAGE})("/worklist")).includes("瓦窑村23号")"""
        moved, visited = (f"/households/{homes[name]}" for name in ("moved", "visited"))
        until(page, done, [first, moved, visited])
        assert page.evaluate(KEPT_PAGE, f"/households/{homes['quiet']}") == UNCHANGED, (
            "an unchanged household is not fetched again"
        )
        screenshot(page, "offline-refresh-worklist")
