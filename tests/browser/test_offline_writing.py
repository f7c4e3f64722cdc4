"""A member records visits in a village without signal (issue 11): the visit form keeps them
on the phone (IndexedDB) with their UUIDs, every page says how many wait, and when the network
returns they go to the API once each, however often they are sent. A household changed or
reassigned on the server meanwhile is shown; signing out with unsent records warns first, and
the records wait for their own member to sign in again. The rest of a visit that reached people
(calculation, leaflet, outcome per person) is added on the phone and sent with the visit."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, func, select, update

from app.core import clock
from app.core.db import get_engine
from app.models import Assignment, Household, Outcome, Person, Visit, VisitStep
from app.services import assignments, visits
from tests.browser.conftest import screenshot, screenshot_on_failure, sign_in, wait_until_kept
from tests.factories import household, id_number, person, user_id, user_named

pytestmark = pytest.mark.browser

# The queue as offline.js keeps it, read and written straight in IndexedDB.
QUEUED = """() => new Promise((resolve) => {
  indexedDB.open("vanguard-offline").onsuccess = (event) => {
    const all = event.target.result.transaction("visits").objectStore("visits").getAll();
    all.onsuccess = () => resolve(all.result);
  };
})"""
PUT = """([store, row]) => new Promise((resolve) => {
  indexedDB.open("vanguard-offline").onsuccess = (event) => {
    const tx = event.target.result.transaction(store, "readwrite");
    tx.objectStore(store).put(row);
    tx.oncomplete = () => resolve();
  };
})"""


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A phone in Yunnan: the times typed on it are business time (Asia/Shanghai).
    return {**browser_context_args, "service_workers": "allow", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def home(live_server) -> int:
    """瓦窑村5号 with 王芳, assigned to Mei by her lead an hour ago."""
    with Session(get_engine()) as session:
        made = household(session, address="瓦窑村5号")
        person(session, made, name="王芳", id_number=id_number(order=124), relation="head")
        assignments.assign(
            session, [made.id], user_id(session, "mei"), by=user_named(session, "lee")
        )
        an_hour_ago = clock.now() - timedelta(hours=1)
        session.exec(
            update(Assignment).where(Assignment.household_id == made.id).values(at=an_hour_ago)
        )
        session.commit()
        return made.id


def visits_on(household_id: int) -> int:
    with Session(get_engine()) as session:
        return session.exec(select(func.count()).where(Visit.household_id == household_id)).one()


def open_visit_form(page: Page, server: str, household_id: int) -> None:
    """Signed in as Mei, with her pages kept by the service worker for reading offline."""
    sign_in(page, server, "mei")
    wait_until_kept(page)
    page.locator("li.work-item", has_text="瓦窑村5号").locator("a.row-link").click()
    page.locator('[data-action="record-visit"]').click()
    expect(page.locator("form.visit-form")).to_be_visible()


def record_offline(page: Page, notes: str, reached: bool = True, rest: bool = False) -> None:
    """Save the visit form without signal; the rest of a visit that reached someone is left as
    it is ("Nothing more") unless the test goes on with it."""
    form = page.locator("form.visit-form")
    if reached:
        form.locator('input[name="person_ids"]').first.check()
    else:
        form.locator('input[name="reached"][value="no"]').check()
        form.locator('input[name="not_reached_reason"][value="nobody_home"]').check()
    form.locator('textarea[name="notes"]').fill(notes)
    form.locator('button[type="submit"]').click()
    expect(page.locator("[data-offline-saved]")).to_be_visible()
    if reached and not rest:
        page.locator("[data-rest-none]").click()


def waiting(page: Page, count: int) -> None:
    """The status bar's count, as data and as the sentence it shows (in the page's language)."""
    bar = page.locator("#sync-status")
    expect(bar).to_have_attribute("data-waiting-count", str(count))
    if count:
        expect(bar).to_contain_text(
            bar.get_attribute("data-waiting").replace("{count}", str(count))
        )


def test_visits_recorded_offline_survive_a_reload_and_reach_the_server_once(
    page: Page, live_server, home
):
    open_visit_form(page, live_server, home)
    page.context.set_offline(True)
    with screenshot_on_failure(page, "offline-writing"):
        record_offline(page, "王芳在家")
        waiting(page, 1)
        page.locator("[data-record-another]").click()
        record_offline(page, "第二次没人在家", reached=False)
        waiting(page, 2)
        screenshot(page, "offline-queued")
        page.goto(f"{live_server}/households/{home}")  # the phone's copy: what waits is said
        expect(page.locator("#visit-bar [data-visit-waiting]")).to_contain_text("待发送")
        screenshot(page, "offline-queued-on-household")
        page.go_back()

        page.reload()  # the service worker's copy of the form: the queue is still there
        waiting(page, 2)
        sent = page.evaluate(QUEUED)
        assert {r["visit"]["notes"] for r in sent} == {"王芳在家", "第二次没人在家"}
        assert visits_on(home) == 0

        # Back online while the server cannot be reached: they stay until Send now.
        page.context.route("**/api/v1/visits", lambda route: route.abort())
        with page.expect_event("requestfailed"):
            page.context.set_offline(False)
        expect(page.locator("#sync-status")).to_have_attribute("aria-busy", "false")
        waiting(page, 2)
        page.context.unroute("**/api/v1/visits")
        page.locator("[data-sync-now]").click()
        waiting(page, 0)
        last_sync = page.locator("#sync-status").get_attribute("data-last-sync")
        expect(page.locator("#sync-status")).to_contain_text(last_sync.split("{time}")[0].strip())
        assert visits_on(home) == 2

        page.evaluate(PUT, ["visits", sent[0]])  # the same visit once more: the API knows it
        page.reload()
        waiting(page, 0)
        assert visits_on(home) == 2
        expect(page.locator("[data-sync-problems] li")).to_have_count(0)


def test_a_busy_server_keeps_the_visits_waiting_and_they_go_when_it_says(
    page: Page, live_server, home
):
    open_visit_form(page, live_server, home)
    page.context.set_offline(True)
    record_offline(page, "王芳在家")
    page.locator("[data-record-another]").click()
    record_offline(page, "第二次没人在家", reached=False)
    waiting(page, 2)

    answers = []

    def busy_once(route):
        if answers:
            answers.append("sent")
            return route.continue_()
        answers.append("busy")
        route.fulfill(status=503, headers={"Retry-After": "2"}, json={"detail": "稍后再试"})

    page.context.route("**/api/v1/visits", busy_once)
    with page.expect_response("**/api/v1/visits"):
        page.context.set_offline(False)
    expect(page.locator("#sync-status")).to_have_attribute("aria-busy", "false")
    waiting(page, 2)  # kept, and not refused: the server said when to come back
    expect(page.locator("[data-sync-problems] li")).to_have_count(0)
    assert answers == ["busy"]  # the round stopped: the next visit was not sent into the rush
    screenshot(page, "offline-server-busy")
    waiting(page, 0)  # two seconds later, long before the next minute's round
    assert answers == ["busy", "sent", "sent"]
    assert visits_on(home) == 2


def test_a_token_the_server_no_longer_accepts_is_renewed_from_the_signed_in_session(
    page: Page, live_server, home
):
    open_visit_form(page, live_server, home)
    page.context.set_offline(True)
    record_offline(page, "王芳在家")
    revoked = {"username": "mei", "access_token": "revoked", "expires_at": "2099-01-01T00:00Z"}
    page.evaluate(PUT, ["tokens", revoked])

    page.context.set_offline(False)
    waiting(page, 0)
    assert visits_on(home) == 1


def test_a_visit_the_server_refuses_stays_with_its_reason_until_the_member_deletes_it(
    page: Page, live_server, home
):
    open_visit_form(page, live_server, home)
    page.context.set_offline(True)
    page.locator('input[name="occurred_at"]').fill("2099-01-01T10:00")
    record_offline(page, "日期填错了")

    page.context.set_offline(False)
    problem = page.locator("[data-sync-problems] li")
    expect(problem).to_contain_text(page.locator("#sync-status").get_attribute("data-refused"))
    waiting(page, 1)
    page.reload()
    expect(problem).to_have_count(1)  # kept across pages, not sent again by itself
    assert visits_on(home) == 0

    # Deleting asks first, and says what is lost: the record was never accepted.
    asked = []
    page.once("dialog", lambda dialog: asked.append(dialog.message) or dialog.dismiss())
    problem.get_by_role("button").click()
    expect(problem).to_have_count(1)
    waiting(page, 1)
    assert asked == [
        "要永久删除对“瓦窑村5号”的这次走访吗？服务器从未接受这条记录，删除后本机上也不再保存。"
    ]
    page.once("dialog", lambda dialog: dialog.accept())
    problem.get_by_role("button").click()
    waiting(page, 0)
    expect(problem).to_have_count(0)


def test_a_household_changed_since_it_was_downloaded_is_shown_after_sending(
    page: Page, live_server, home
):
    open_visit_form(page, live_server, home)
    page.context.set_offline(True)
    record_offline(page, "王芳在家")
    with Session(get_engine()) as session:
        changed = session.get(Household, home)
        changed.address = "瓦窑村6号"
        session.add(changed)
        session.commit()
        person(session, changed, name="李强", id_number=id_number(order=135))

    page.context.set_offline(False)
    with screenshot_on_failure(page, "offline-conflict"):
        notice = page.locator("[data-sync-problems] li")
        expect(notice).to_contain_text(page.locator("#sync-status").get_attribute("data-changed"))
        expect(notice).to_contain_text("瓦窑村5号 → 瓦窑村6号")
        expect(notice).to_contain_text("+李强")
        screenshot(page, "offline-conflict")
        assert visits_on(home) == 1
        notice.get_by_role("button").click()
        expect(notice).to_have_count(0)


def test_a_household_reassigned_meanwhile_takes_the_visit_and_says_so(
    page: Page, live_server, home
):
    open_visit_form(page, live_server, home)
    page.context.set_offline(True)
    record_offline(page, "王芳在家")
    with Session(get_engine()) as session:
        assignments.assign(session, [home], user_id(session, "ming"), by=user_named(session, "lee"))

    page.context.set_offline(False)
    moved = page.locator("#sync-status").get_attribute("data-moved")
    expect(page.locator("[data-sync-problems] li")).to_contain_text(moved)
    waiting(page, 0)
    assert visits_on(home) == 1


def test_signing_out_with_unsent_visits_warns_and_they_wait_for_their_own_member(
    page: Page, live_server, home
):
    open_visit_form(page, live_server, home)
    page.context.set_offline(True)
    record_offline(page, "王芳在家")
    # Back online, but the server cannot take visits yet: the record stays on the phone.
    page.context.route("**/api/v1/visits", lambda route: route.abort())
    page.context.set_offline(False)
    page.goto(f"{live_server}/account")
    waiting(page, 1)

    with screenshot_on_failure(page, "offline-sign-out"):
        page.get_by_role("button", name="退出登录").click()
        warning = page.locator("[data-unsent-warning]")
        expect(warning).to_be_visible()
        expect(warning).to_contain_text("1")
        screenshot(page, "offline-sign-out-warning")
        page.locator("[data-logout-anyway]").click()
        expect(page).to_have_url(f"{live_server}/login")
        page.wait_for_load_state()  # the sign-out's own navigation ends before the next one
        page.context.unroute("**/api/v1/visits")

        sign_in(page, live_server, "ming")  # his token never sends Mei's visit
        expect(page.locator("#sync-status")).to_contain_text("梅队员")
        waiting(page, 0)
        assert visits_on(home) == 0
        page.goto(f"{live_server}/account")
        page.get_by_role("button", name="退出登录").click()  # nothing of his waits: no warning
        expect(page).to_have_url(f"{live_server}/login")
        page.wait_for_load_state()

        sign_in(page, live_server, "mei")
        waiting(page, 0)
        assert visits_on(home) == 1


@pytest.fixture
def payer(home) -> int:
    """王芳 of 瓦窑村5号, 45, pays the 200 tier of the resident pension: the three ones apply."""
    with Session(get_engine()) as session:
        wang = session.exec(select(Person).where(Person.household_id == home)).one()
        wang.insurance_status = "resident"
        wang.resident_tier = 200
        session.add(wang)
        session.commit()
        return wang.id


def held(page: Page) -> list[bool]:
    return [record["held"] for record in page.evaluate(QUEUED)]


def test_the_rest_of_a_visit_recorded_offline_reaches_the_server_with_it(
    page: Page, live_server, home, payer
):
    open_visit_form(page, live_server, home)
    page.context.set_offline(True)
    with screenshot_on_failure(page, "offline-rest"):
        record_offline(page, "王芳想提档", rest=True)
        wang = page.locator(f'form[data-rest-person="{payer}"]')
        expect(wang).to_be_visible()
        wang.locator('input[name="calculation"]').check()
        wang.locator('label:has(input[name="leaflet_id"]:not([value=""]))').first.click()
        wang.locator('input[name="leaflet_medium"][value="digital"]').check()
        wang.locator('label:has(input[name="code"][value="raise_tier"])').click()
        expect(wang.locator('select[name="from_value"]')).to_have_value("200")
        wang.locator('label:has(input[name="to_tier"][value="500"])').click()
        screenshot(page, "offline-rest")
        assert held(page) == [True]
        page.locator("[data-rest-save]").click()
        expect(page.locator("[data-offline-rest]")).to_be_hidden()
        waiting(page, 1)
        assert held(page) == [False]

        page.context.set_offline(False)
        waiting(page, 0)
    with Session(get_engine()) as session:
        (visit,) = session.exec(select(Visit).where(Visit.household_id == home)).all()
        steps = session.exec(select(VisitStep).where(VisitStep.visit_id == visit.id)).all()
        assert {(s.person_id, s.kind, s.leaflet_medium) for s in steps} == {
            (payer, "calculation", None),
            (payer, "leaflet", "digital"),
        }
        calculation = next(s for s in steps if s.kind == "calculation")
        assert calculation.calculation_id is not None, "the kept comparison, worked out again"
        (outcome,) = session.exec(select(Outcome).where(Outcome.visit_id == visit.id)).all()
        assert (outcome.person_id, outcome.code) == (payer, "raise_tier")
        assert (outcome.from_value, outcome.to_value) == (200, 500)
        assert visits.people_progress(session, [payer])[payer].complete
    page.goto(f"{live_server}/households/{home}")
    expect(page.locator('[data-three-ones="3"]')).to_be_visible()


def test_an_undecided_outcome_without_a_date_keeps_the_visit_on_the_phone_until_it_has_one(
    page: Page, live_server, home, payer
):
    open_visit_form(page, live_server, home)
    page.context.set_offline(True)
    record_offline(page, "王芳还要考虑", rest=True)
    wang = page.locator(f'form[data-rest-person="{payer}"]')
    wang.locator('label:has(input[name="code"][value="undecided"])').click()
    page.locator("[data-rest-save]").click()
    message = page.locator("[data-offline-rest]").get_attribute("data-need-date")
    expect(wang.locator("[data-rest-error]")).to_have_text(message)

    page.context.set_offline(False)
    page.locator("[data-sync-now]").click()  # held: not even sent on demand
    expect(page.locator("#sync-status")).to_have_attribute("aria-busy", "false")
    waiting(page, 1)
    assert held(page) == [True]
    assert visits_on(home) == 0

    in_a_week = clock.today() + timedelta(days=7)
    wang.locator('input[name="follow_up_on"]').fill(in_a_week.isoformat())
    page.locator("[data-rest-save]").click()
    waiting(page, 0)
    with Session(get_engine()) as session:
        (outcome,) = session.exec(select(Outcome)).all()
        assert (outcome.person_id, outcome.code) == (payer, "undecided")
        assert visits.contact_facts(session, [home])[home].follow_up_on == in_a_week


def test_leaving_the_page_sends_the_visit_without_the_rest(page: Page, live_server, home, payer):
    open_visit_form(page, live_server, home)
    page.context.set_offline(True)
    record_offline(page, "王芳在家", rest=True)
    assert held(page) == [True]

    page.reload()  # the service worker's copy: nothing is open there, so nothing is held
    waiting(page, 1)
    assert held(page) == [False]
    page.context.set_offline(False)
    waiting(page, 0)
    assert visits_on(home) == 1


def test_text_too_long_is_kept_whole_offline_and_waits_until_it_fits(
    page: Page, live_server, home, payer
):
    """Offline no server refuses a note or a reason longer than the record holds: the phone
    keeps what was pasted, says how much to remove, and queues nothing too long."""
    open_visit_form(page, live_server, home)
    page.context.set_offline(True)
    form = page.locator("form.visit-form")
    form.locator('input[name="person_ids"]').first.check()
    notes = form.locator('textarea[name="notes"]')
    notes.click()
    page.keyboard.insert_text("王芳想提档，" * 200)  # 1 200 characters
    form.locator('button[type="submit"]').click()
    expect(notes).to_have_accessible_description(re.compile("^最多1000个字，现在有1200个字。"))
    expect(notes).to_have_value("王芳想提档，" * 200)
    expect(page.locator("[data-offline-saved]")).to_be_hidden()
    assert page.evaluate(QUEUED) == []

    notes.fill("王芳想提档，" * 100)
    form.locator('button[type="submit"]').click()
    wang = page.locator(f'form[data-rest-person="{payer}"]')
    wang.locator('label:has(input[name="code"][value="refused"])').click()
    reason = wang.locator('input[name="reason"]')
    reason.click()
    page.keyboard.insert_text("钱要留着给孙子上学，" * 21)  # 210 characters
    page.locator("[data-rest-save]").click()
    expect(wang.locator("[data-rest-error]")).to_have_text(
        re.compile("^最多200个字，现在有210个字。")
    )
    assert held(page) == [True]
    screenshot(page, "offline-reason-too-long")

    reason.fill("钱要留着给孙子上学，" * 20)
    page.locator("[data-rest-save]").click()
    expect(page.locator("[data-offline-rest]")).to_be_hidden()
    page.context.set_offline(False)
    waiting(page, 0)
    with Session(get_engine()) as session:
        (visit,) = session.exec(select(Visit).where(Visit.household_id == home)).all()
        (outcome,) = session.exec(select(Outcome).where(Outcome.visit_id == visit.id)).all()
        assert visit.notes == "王芳想提档，" * 100
        assert outcome.reason == "钱要留着给孙子上学，" * 20
