"""Limits that keep one caller from hurting everyone: sign-in throttling per account and per
address (pages and API alike), upload size and row limits with a clear message, and capped
pages on the API."""

import re
from datetime import timedelta

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlmodel import delete, select

from app.cli import server_options
from app.core import clock
from app.core.i18n import Message, gettext_for
from app.domain.imports import MAX_BYTES, MAX_ROWS
from app.models import AuditEvent, Household, ImportJob
from tests.conftest import csrf_token, sign_in
from tests.factories import household, user_id

zh = gettext_for("zh_CN")
TOO_MANY = "登录失败次数过多"
BIG_FILE = "The file is larger than 20 MB: split it into smaller files."
MANY_ROWS = Message(
    "The file has more than %(limit)s rows: split it into smaller files.", {"limit": MAX_ROWS}
)


def token_request(client, username: str, password: str = "wrong-password"):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


# --- sign-in throttling --------------------------------------------------------------------


def test_the_api_locks_an_account_after_five_failures_with_retry_after(client):
    for _ in range(5):
        assert token_request(client, "mei").status_code == 401
    locked = token_request(client, "mei", "correct-horse-battery")
    assert locked.status_code == 429
    assert TOO_MANY in locked.json()["detail"]
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60 + 1
    assert token_request(client, "ming", "correct-horse-battery").status_code == 200


def test_page_and_api_failures_count_together_against_an_account(client):
    for _ in range(3):
        sign_in(client, "mei", "wrong-password")
    for _ in range(2):
        token_request(client, "mei")
    assert sign_in(client, "mei").status_code == 429


def test_one_address_guessing_many_accounts_is_locked_out_of_all(client):
    for n in range(20):
        token_request(client, f"guess{n}")
    assert token_request(client, "ming", "correct-horse-battery").status_code == 429
    assert sign_in(client, "alice").status_code == 429


def test_four_failures_then_the_right_password_still_signs_in(client):
    for _ in range(4):
        sign_in(client, "mei", "wrong-password")
    assert sign_in(client, "mei").status_code == 303


@pytest.fixture
def at(monkeypatch):
    """``at(seconds)`` stops the clock that many seconds after the test began."""
    start = clock.now()

    def stopped(seconds: float) -> None:
        monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=seconds))

    return stopped


def test_without_a_device_cookie_each_failure_beyond_five_doubles_the_wait(client, at):
    at(0)
    for _ in range(5):
        sign_in(client, "mei", "wrong-password")
    waited = sign_in(client, "mei")
    assert waited.status_code == 429 and TOO_MANY in waited.text
    assert waited.headers["retry-after"] == "31"
    at(30)
    assert sign_in(client, "mei", "wrong-password").status_code == 400, "tried after the wait"
    assert sign_in(client, "mei").headers["retry-after"] == "61"
    at(90)
    assert sign_in(client, "mei").status_code == 303, "never locked for good"


def test_failures_are_forgotten_after_a_day(client, at):
    for n in range(12):
        at(n * 16 * 60)
        sign_in(client, "mei", "wrong-password")
    at(12 * 16 * 60 + 86_400)
    for _ in range(4):
        sign_in(client, "mei", "wrong-password")
    assert sign_in(client, "mei").status_code == 303


def sign_out(client) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})


@pytest.fixture
def elsewhere():
    """A caller at another address, with a cookie jar of its own."""
    from app.main import app

    with TestClient(app, client=("203.0.113.9", 40000)) as other:
        yield other


def test_the_owners_phone_signs_in_during_a_guessing_attack_from_elsewhere(client, elsewhere):
    assert sign_in(client, "mei").status_code == 303
    sign_out(client)
    for _ in range(30):
        sign_in(elsewhere, "mei", "wrong-password")
    assert sign_in(elsewhere, "mei").status_code == 429, "the guesser still waits"
    assert sign_in(client, "mei").status_code == 303, "the owner's phone does not"


def test_the_owners_phone_signs_in_though_its_carrier_address_guessed_many_accounts(
    client, elsewhere
):
    sign_in(client, "mei")
    sign_out(client)
    for n in range(25):
        sign_in(client, f"guess{n}", "wrong-password")
    assert sign_in(client, "ming").status_code == 429, "a phone new to the account waits"
    assert sign_in(client, "mei").status_code == 303


def test_a_phone_keeps_its_own_allowance_and_signing_in_renews_it(client, elsewhere):
    sign_in(client, "mei")
    sign_out(client)
    for _ in range(4):
        sign_in(client, "mei", "wrong-password")
    assert sign_in(client, "mei").status_code == 303
    sign_out(client)
    for _ in range(5):
        sign_in(client, "mei", "wrong-password")
    assert sign_in(client, "mei").status_code == 429, "a stolen phone cannot guess on and on"
    assert sign_in(elsewhere, "mei").status_code == 303, "nor does it slow anyone else"


def test_a_device_cookie_helps_only_the_account_it_was_given_for(client):
    sign_in(client, "mei")
    sign_out(client)
    for _ in range(5):
        sign_in(client, "ming", "wrong-password")
    assert sign_in(client, "ming").status_code == 429


def test_a_tampered_device_cookie_counts_as_none(client, elsewhere):
    sign_in(client, "mei")
    genuine = client.cookies.get("vg_device")
    for _ in range(5):
        sign_in(elsewhere, "mei", "wrong-password")
    # A character in the middle: the last one of base64 may carry bits nobody reads.
    middle = len(genuine) // 2
    flipped = "B" if genuine[middle] == "A" else "A"
    elsewhere.cookies.set("vg_device", genuine[:middle] + flipped + genuine[middle + 1 :])
    assert sign_in(elsewhere, "mei").status_code == 429


def test_the_device_cookie_is_long_lived_signed_http_only_and_for_sign_in_only(client):
    from app.main import app

    cookie = sign_in(client, "mei").headers.get_list("set-cookie")
    (device,) = [c for c in cookie if c.startswith("vg_device=")]
    assert "HttpOnly" in device and "SameSite=lax" in device and "Path=/login" in device
    assert "Max-Age=34560000" in device and "Secure" not in device
    with TestClient(app, base_url="https://testserver") as over_tls:
        cookies = sign_in(over_tls, "mei").headers.get_list("set-cookie")
    assert any(c.startswith("vg_device=") and "Secure" in c for c in cookies)


def test_the_api_hands_out_a_device_token_that_keeps_the_phones_allowance(client, elsewhere):
    first = token_request(client, "mei", "correct-horse-battery").json()
    for _ in range(10):
        token_request(elsewhere, "mei")
    body = {"username": "mei", "password": "correct-horse-battery", "device": first["device"]}
    again = client.post("/api/v1/auth/token", json=body)
    assert again.status_code == 200
    assert again.json()["device"] == first["device"]
    assert token_request(elsewhere, "mei", "correct-horse-battery").status_code == 429


# --- upload limits -------------------------------------------------------------------------


def upload_page(client, content: bytes, filename="名单.csv"):
    token = csrf_token(client, "/imports")
    files = {"file": (filename, content)}
    return client.post("/imports", data={"csrf_token": token, "dry_run": "true"}, files=files)


def rows_of(count: int) -> bytes:
    """A header and ``count`` rows: enough to be counted, not to be imported."""
    return "姓名\n".encode() + b"x\n" * count


def test_a_file_over_20_mb_is_refused_with_a_clear_message(as_user, db):
    answer = upload_page(as_user("lee"), b"a" * (MAX_BYTES + 1))
    assert answer.status_code == 422
    assert zh(BIG_FILE) in answer.text
    assert db.exec(select(ImportJob)).all() == []


def test_a_file_with_too_many_rows_is_refused_with_the_limit_named(as_user, db):
    answer = upload_page(as_user("lee"), rows_of(MAX_ROWS + 1))
    assert answer.status_code == 422
    assert zh(MANY_ROWS) in answer.text
    assert f"{MAX_ROWS}" in answer.text
    assert db.exec(select(ImportJob)).all() == []


def test_a_file_at_the_row_limit_is_read(as_user):
    answer = upload_page(as_user("lee"), rows_of(MAX_ROWS))
    assert zh(MANY_ROWS) not in answer.text


@pytest.mark.parametrize(
    ("content", "message"), [(b"a" * (MAX_BYTES + 1), BIG_FILE), (rows_of(MAX_ROWS + 1), MANY_ROWS)]
)
def test_the_api_refuses_them_alike_in_the_callers_language(client, api_token, content, message):
    answer = client.post(
        "/api/v1/imports",
        files={"file": ("名单.csv", content)},
        headers={**api_token("lee"), "Accept-Language": "en"},
    )
    assert answer.status_code == 422
    assert answer.json()["detail"] == gettext_for("en")(message)


# --- capped pages --------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "username"), [("/households", "lee"), ("/audit", "alice")])
def test_api_lists_take_at_most_200_a_page(client, api_token, path, username):
    headers = api_token(username)
    assert client.get(f"/api/v1{path}?page_size=200", headers=headers).status_code == 200
    refused = client.get(f"/api/v1{path}?page_size=201", headers=headers)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["query", "page_size"]


def test_a_page_far_beyond_the_end_is_empty_not_an_error(client, api_token, db):
    household(db, address="瓦窑村12号")
    answer = client.get("/api/v1/households?page=100000", headers=api_token("lee")).json()
    assert (answer["items"], answer["total"]) == ([], 1)
    assert db.exec(select(Household)).one()


def test_the_household_page_ignores_a_page_too_large_for_the_database(as_user):
    assert as_user("lee").get("/households?page=99999999999999999999").status_code == 200


# --- clearing a sign-in wait ---------------------------------------------------------------


def slow_down(client, username: str) -> None:
    for _ in range(5):
        sign_in(client, username, "wrong-password")


def test_a_lead_sees_a_slowed_member_asks_first_and_clears_the_wait(as_user, db, elsewhere):
    slow_down(elsewhere, "mei")
    lead = as_user("lee")
    team_page = lead.get("/team").text
    mei = user_id(db, "mei")
    (link,) = re.findall(rf'href="(/team/\d+/members/{mei}/sign-in-lock)"', team_page)
    assert "登录已放慢" in team_page
    question = lead.get(link)
    assert "清除等待" in question.text and "梅队员" in question.text
    assert sign_in(elsewhere, "mei").status_code == 429, "asking changed nothing"
    cleared = lead.post(link, data={"csrf_token": csrf_token(lead, link)}, follow_redirects=False)
    assert cleared.status_code == 303
    assert sign_in(elsewhere, "mei").status_code == 303
    (row,) = db.exec(select(AuditEvent).where(AuditEvent.action == "login_lock_cleared")).all()
    assert (row.username, row.target, row.detail) == ("lee", f"user:{mei}", {"failures": 5})
    assert "登录已放慢" not in lead.get("/team").text


def test_a_lead_cannot_clear_the_wait_of_someone_outside_their_teams(as_user, db, elsewhere):
    slow_down(elsewhere, "otto")
    lead = as_user("lee")
    team_id = re.search(r"/team/(\d+)/members/", lead.get("/team").text).group(1)
    link = f"/team/{team_id}/members/{user_id(db, 'otto')}/sign-in-lock"
    assert lead.get(link).status_code == 404
    refused = lead.post(link, data={"csrf_token": csrf_token(lead, "/team")})
    assert refused.status_code == 404
    assert sign_in(elsewhere, "otto").status_code == 429


def test_a_member_cannot_clear_a_wait(as_user, db, elsewhere):
    slow_down(elsewhere, "ming")
    member = as_user("mei")
    link = f"/admin/users/{user_id(db, 'ming')}/sign-in-lock"
    assert member.post(link, data={"csrf_token": csrf_token(member, "/")}).status_code == 403
    assert sign_in(elsewhere, "ming").status_code == 429


def test_an_admin_clears_anyones_wait_from_the_users_page(as_user, db, elsewhere):
    slow_down(elsewhere, "lee")
    admin = as_user("alice")
    link = f"/admin/users/{user_id(db, 'lee')}/sign-in-lock"
    assert link in admin.get("/admin/users").text
    admin.post(link, data={"csrf_token": csrf_token(admin, link)})
    assert sign_in(elsewhere, "lee").status_code == 303
    (row,) = db.exec(select(AuditEvent).where(AuditEvent.action == "login_lock_cleared")).all()
    assert row.username == "alice"


# --- which address is the caller's ---------------------------------------------------------


def served_app(peer: str) -> TestClient:
    """The app as `python -m app.cli serve` wraps it, reached from ``peer``, the caller's own
    X-Forwarded-For sent with every request."""
    config = uvicorn.Config("app.main:app", **server_options())
    config.load()
    forged = {"X-Forwarded-For": "198.51.100.7"}
    return TestClient(config.loaded_app, client=(peer, 40000), headers=forged)


def failed_from(db) -> str:
    (row,) = db.exec(select(AuditEvent).where(AuditEvent.action == "login_failed")).all()
    return row.address


def test_x_forwarded_for_is_ignored_unless_forwarded_allow_ips_names_the_peer(
    client, db, monkeypatch
):
    db.exec(delete(AuditEvent))
    db.commit()
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    with served_app("127.0.0.1") as on_the_host:
        sign_in(on_the_host, "mei", "wrong-password")
    assert failed_from(db) == "127.0.0.1", "not even from the host itself"


def test_x_forwarded_for_from_the_named_proxy_gives_the_callers_address(client, db, monkeypatch):
    db.exec(delete(AuditEvent))
    db.commit()
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.2")
    with served_app("10.0.0.2") as proxy:
        sign_in(proxy, "mei", "wrong-password")
    assert failed_from(db) == "198.51.100.7"
