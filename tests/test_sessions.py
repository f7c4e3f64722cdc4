"""Sessions end when they should (idle, too old, password changed) and new passwords are ones a
guesser would not try first."""

import threading
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import select, update

from app.core import clock
from app.core.db import get_engine
from app.core.i18n import gettext_for
from app.core.security import verify_password
from app.domain.passwords import HAS_USERNAME, TOO_EASY, TOO_SHORT
from app.models import AuthSession
from tests import factories
from tests.conftest import csrf_token, sign_in
from tests.factories import user_id, user_named

zh = gettext_for("zh_CN")
NEW = "three-unrelated-words"


def change_password(client, current=factories.PASSWORD, new=NEW, repeated=None):
    data = {
        "current": current,
        "new": new,
        "repeated": new if repeated is None else repeated,
        "csrf_token": csrf_token(client, "/account/password"),
    }
    return client.post("/account/password", data=data, follow_redirects=False)


def later(monkeypatch, moment) -> None:
    monkeypatch.setattr(clock, "now", lambda: moment)


def signed_in(client) -> bool:
    return client.get("/account", follow_redirects=False).status_code == 200


# --- idle timeout and absolute lifetime ----------------------------------------------------


def test_using_the_app_keeps_a_session_alive_until_it_is_idle_for_two_hours(client, monkeypatch):
    sign_in(client, "mei")
    start = clock.now()
    for minutes in (110, 220, 330):  # each visit within two hours of the one before
        later(monkeypatch, start + timedelta(minutes=minutes))
        assert signed_in(client), minutes
    later(monkeypatch, start + timedelta(minutes=330 + 121))
    assert not signed_in(client)


def test_an_api_token_ends_after_its_lifetime_however_much_it_is_used(
    client, api_token, monkeypatch
):
    headers = api_token("mei")
    start = clock.now()
    later(monkeypatch, start + timedelta(hours=11, minutes=59))
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    later(monkeypatch, start + timedelta(hours=12))
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_session_waiting_for_another_writer_does_not_hold_up_other_requests(client, db):
    """The once-a-minute touch of a session waits for the database's write lock (held here as
    an import's commit would hold it) in a worker thread: other requests of the process go on.
    On the event loop, the health request below could not be answered until the lock went."""
    sign_in(client, "mei")
    touched = db.exec(select(AuthSession)).one()
    touched.last_seen_at = clock.now() - timedelta(minutes=2)
    db.add(touched)
    db.commit()
    locked, touching, release = threading.Event(), threading.Event(), threading.Event()
    released_in_time = []

    def another_writer() -> None:
        with get_engine().connect() as connection:
            touch = update(AuthSession).where(AuthSession.id == touched.id)
            connection.execute(touch.values(last_seen_at=AuthSession.last_seen_at))
            locked.set()
            released_in_time.append(release.wait(timeout=5))
            connection.rollback()

    def touch_started(_connection, _cursor, statement, *_) -> None:
        if statement.startswith("UPDATE auth_session"):
            touching.set()

    finished = []

    def open_worklist() -> None:
        finished.append(("worklist", client.get("/worklist").status_code))

    writer, member = threading.Thread(target=another_writer), threading.Thread(target=open_worklist)
    writer.start()
    locked.wait()
    event.listen(get_engine(), "before_cursor_execute", touch_started)
    member.start()
    touching.wait(timeout=5)
    finished.append(("health", client.get("/api/v1/health").status_code))
    assert finished == [("health", 200)], "answered while the touch waits for the lock"
    release.set()
    member.join()
    writer.join()
    event.remove(get_engine(), "before_cursor_execute", touch_started)
    assert released_in_time == [True]
    assert finished == [("health", 200), ("worklist", 200)]


# --- changing one's password signs out everywhere ------------------------------------------


def test_the_account_page_offers_to_change_the_password(as_user):
    assert 'href="/account/password"' in as_user("mei").get("/account").text


def test_changing_the_password_ends_every_session_and_token(client, db, api_token):
    phone = TestClient(client.app)
    assert sign_in(phone, "mei").status_code == 303
    token = api_token("mei")
    assert sign_in(client, "mei").status_code == 303
    answer = change_password(client)
    assert answer.status_code == 200
    assert not signed_in(client), "signed out here too"
    assert not signed_in(phone), "and on the other phone"
    assert client.get("/api/v1/me", headers=token).status_code == 401, "and the API token"
    assert db.exec(select(AuthSession).where(AuthSession.user_id == user_id(db, "mei"))).all() == []
    assert sign_in(client, "mei").status_code == 400, "the old password no longer works"
    assert sign_in(client, "mei", NEW).status_code == 303
    assert sign_in(TestClient(client.app), "ming").status_code == 303, "others are untouched"


def test_a_wrong_current_password_changes_nothing(as_user, db):
    client = as_user("mei")
    answer = change_password(client, current="not-my-password")
    assert answer.status_code == 422
    assert zh("This is not your current password.") in answer.text
    db.refresh(mei := user_named(db, "mei"))
    assert verify_password(factories.PASSWORD, mei.password_hash)
    assert signed_in(client)


@pytest.mark.parametrize(
    ("new", "repeated", "message"),
    [
        ("short", None, TOO_SHORT),
        ("password123", None, TOO_EASY),
        ("P@ssw0rd2024!", None, TOO_EASY),
        ("Vanguard2024", None, TOO_EASY),
        ("woaini1314520", None, TOO_EASY),
        ("1234567890", None, TOO_EASY),
        ("aaaaaaaaaaaa", None, TOO_EASY),
        ("mei-rides-a-bike", None, HAS_USERNAME),
        (NEW, "three-unrelated-word", "The two new passwords differ."),
        (factories.PASSWORD, None, "Choose a password different from the current one."),
    ],
)
def test_a_weak_or_mistyped_new_password_is_refused_with_the_reason(
    as_user, db, new, repeated, message
):
    client = as_user("mei")
    answer = change_password(client, new=new, repeated=repeated)
    assert answer.status_code == 422
    assert zh(message) in answer.text
    assert new not in answer.text, "passwords are never sent back"
    assert signed_in(client)


def test_an_admin_cannot_create_an_account_with_a_common_password(as_user, db):
    client = as_user("alice")
    form = {
        "username": "xiaoli",
        "display_name": "小李",
        "role": "admin",
        "region_id": factories.region_named(db, "玉溪市").id,
        "password": "qwertyuiop123",
        "csrf_token": csrf_token(client, "/admin/users/new"),
    }
    answer = client.post("/admin/users", data=form)
    assert answer.status_code == 422
    assert zh(TOO_EASY) in answer.text


def test_a_password_reset_by_an_admin_ends_the_users_api_tokens_too(client, api_token, db):
    token = api_token("ming")
    sign_in(client, "alice")
    data = {"csrf_token": csrf_token(client, "/account")}
    client.post(f"/admin/users/{user_id(db, 'ming')}/password", data=data)
    assert client.get("/api/v1/me", headers=token).status_code == 401
