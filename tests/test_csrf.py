"""Every state-changing page request needs the CSRF token."""

from tests.conftest import csrf_token
from tests.factories import user_id


def test_login_without_the_token_is_refused(client):
    client.get("/login")
    response = client.post("/login", data={"username": "mei", "password": "x"})
    assert response.status_code == 403
    assert "表单已过期" in response.text


def test_a_token_from_another_browser_is_refused(client, as_user):
    as_user("alice")
    response = client.post(
        "/admin/targets/1/retire", data={"csrf_token": "token-from-somewhere-else"}
    )
    assert response.status_code == 403


def test_htmx_requests_send_the_token_as_a_header(client, db, as_user):
    as_user("alice")
    token = csrf_token(client, "/admin/users")
    ming_row = client.post(
        f"/admin/users/{user_id(db, 'ming')}/active",
        data={"active": "0", "confirmed": "1"},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )
    assert ming_row.status_code == 200
    assert "已停用" in ming_row.text


def test_htmx_request_without_the_header_is_refused(client, db, as_user):
    as_user("alice")
    response = client.post(
        f"/admin/users/{user_id(db, 'ming')}/active",
        data={"active": "0"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403


def test_signing_in_rotates_the_token(client):
    before = csrf_token(client)
    client.post(
        "/login",
        data={"username": "mei", "password": "correct-horse-battery", "csrf_token": before},
    )
    assert csrf_token(client, "/account") != before


def test_the_api_needs_no_csrf_token_because_it_only_takes_bearer_tokens(client, api_token):
    headers = api_token("mei")
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    client.cookies.clear()
    assert client.get("/api/v1/me").status_code == 401
