"""Signing in and out of the pages."""

from datetime import timedelta

from sqlmodel import select

from app.core import clock
from app.models import AuditEvent, AuthSession
from tests.conftest import csrf_token, sign_in


def test_signing_in_lands_on_home_with_a_safe_session_cookie(client):
    response = sign_in(client, "mei")
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("vg_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert "梅队员" in client.get("/").text


def test_wrong_password_says_so_in_chinese_and_keeps_the_username(client):
    response = sign_in(client, "mei", "wrong-password")
    assert response.status_code == 400
    assert "用户名或密码错误" in response.text
    assert 'value="mei"' in response.text
    assert "vg_session" not in client.cookies


def test_unknown_user_gets_the_same_message_as_a_wrong_password(client):
    response = sign_in(client, "nobody", "whatever-password")
    assert response.status_code == 400
    assert "用户名或密码错误" in response.text


def test_a_name_longer_than_any_account_is_a_wrong_name_and_still_counts(client):
    """PostgreSQL refuses to log more than the column holds (a fuzzer found the 500)."""
    too_long = "पन्ह पन्ह त्र र्च कृकृ ड्ड न्हृे إلا بسم الله"
    for _ in range(5):
        response = sign_in(client, too_long, "whatever-password")
        assert response.status_code == 400
        assert "用户名或密码错误" in response.text
    assert "失败次数过多" in sign_in(client, too_long, "whatever-password").text


def test_usernames_are_not_case_sensitive(client):
    assert sign_in(client, "  MEI ").status_code == 303


def test_login_and_failure_are_audited(client, db):
    sign_in(client, "mei", "wrong-password")
    sign_in(client, "mei")
    actions = db.exec(select(AuditEvent.action).where(AuditEvent.username == "mei")).all()
    assert actions == ["login_failed", "login"]


def test_a_deactivated_user_cannot_sign_in(client, db):
    from app.models import User

    mei = db.exec(select(User).where(User.username == "mei")).one()
    mei.is_active = False
    db.add(mei)
    db.commit()
    assert sign_in(client, "mei").status_code == 400


def test_five_failures_lock_the_account_even_for_the_right_password(client):
    for _ in range(5):
        assert sign_in(client, "mei", "wrong-password").status_code == 400
    response = sign_in(client, "mei")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.text
    assert int(response.headers["retry-after"]) > 0
    assert sign_in(client, "ming").status_code == 303, "other accounts are not locked"


def test_many_failures_from_one_address_lock_that_address(client):
    for n in range(20):
        sign_in(client, f"guess{n}", "wrong-password")
    assert sign_in(client, "ming").status_code == 429


def test_the_lock_lifts_once_the_window_has_passed(client, monkeypatch):
    for _ in range(5):
        sign_in(client, "mei", "wrong-password")
    later = clock.now() + timedelta(minutes=16)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert sign_in(client, "mei").status_code == 303


def test_signing_out_ends_the_session_on_the_server(client, db):
    sign_in(client, "mei")
    stolen_cookie = client.cookies.get("vg_session")
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 200 and response.url.path == "/login"
    assert db.exec(select(AuthSession)).all() == []
    client.cookies.set("vg_session", stolen_cookie)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_an_idle_session_expires(client, monkeypatch):
    sign_in(client, "mei")
    later = clock.now() + timedelta(minutes=121)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_session_ends_after_its_absolute_lifetime_even_when_used(client, monkeypatch):
    sign_in(client, "mei")
    start = clock.now()
    for hours in range(1, 13):
        moment = start + timedelta(hours=hours)
        monkeypatch.setattr(clock, "now", lambda moment=moment: moment)
        response = client.get("/", follow_redirects=False)
    assert response.status_code == 303


def test_a_forged_session_cookie_is_ignored(client):
    client.cookies.set("vg_session", "made-up.value")
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_anonymous_visitors_are_sent_to_login_and_back_afterwards(client):
    response = client.get("/admin/targets?year=2024", follow_redirects=False)
    assert response.headers["location"] == "/login?next=/admin/targets?year=2024"
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={
            "username": "alice",
            "password": "correct-horse-battery",
            "csrf_token": token,
            "next": "/admin/targets?year=2024",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/admin/targets?year=2024"


def test_login_never_redirects_to_another_site(client):
    token = csrf_token(client)
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.post(
            "/login",
            data={
                "username": "mei",
                "password": "correct-horse-battery",
                "csrf_token": token,
                "next": target,
            },
            follow_redirects=False,
        )
        assert response.headers["location"] == "/"
        token = csrf_token(client, "/account")
