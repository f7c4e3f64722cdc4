"""Limits that keep one caller from hurting everyone: sign-in throttling per account and per
address (pages and API alike), upload size and row limits with a clear message, and capped
pages on the API."""

from datetime import timedelta

import pytest
from sqlmodel import select

from app.core import clock
from app.core.i18n import Message, gettext_for
from app.domain.imports import MAX_BYTES, MAX_ROWS
from app.models import Household, ImportJob
from tests.conftest import csrf_token, sign_in
from tests.factories import household

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


def test_failures_older_than_the_window_no_longer_count(client, monkeypatch):
    start = clock.now()
    for minutes in range(5):  # one failure a minute
        monkeypatch.setattr(clock, "now", lambda m=minutes: start + timedelta(minutes=m))
        sign_in(client, "mei", "wrong-password")
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=14, seconds=59))
    assert sign_in(client, "mei").status_code == 429
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=15, seconds=1))
    assert sign_in(client, "mei").status_code == 303, "the first failure has left the window"


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
