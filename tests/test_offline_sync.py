"""The offline queue's token: a signed-in member, lead or admin gets a normal API bearer token
from her cookie session (the phone never keeps a password); cadres and strangers get none, and
a page without the CSRF token cannot ask for one."""

import uuid
from datetime import datetime, timedelta

import pytest

from app.core import clock
from app.core.config import get_settings
from tests import factories
from tests.conftest import csrf_token


def ask_for_token(client, csrf: str | None = None):
    headers = {"X-CSRF-Token": csrf or csrf_token(client, "/account")}
    return client.post("/offline/token", headers=headers, follow_redirects=False)


@pytest.mark.parametrize("username", ["alice", "lee", "mei"])
def test_signed_in_staff_get_a_bearer_token_the_api_accepts(as_user, username):
    client = as_user(username)
    response = ask_for_token(client)
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == username


def test_the_token_lasts_as_long_as_the_apis_own(as_user):
    expires_at = datetime.fromisoformat(ask_for_token(as_user("mei")).json()["expires_at"])
    lifetime = expires_at - clock.now()  # an offset is sent: the phone reads it unambiguously
    hours = timedelta(hours=get_settings().token_hours)
    assert hours - timedelta(minutes=1) < lifetime <= hours


def test_the_queue_sends_a_visit_with_it_once_however_often(as_user, db):
    home = factories.household(db, address="瓦窑村8号")
    factories.assign(db, home, "mei")
    client = as_user("mei")
    bearer = {"Authorization": f"Bearer {ask_for_token(client).json()['access_token']}"}
    visit = {
        "client_uuid": str(uuid.uuid4()),
        "household_id": home.id,
        "channel": "home_visit",
        "reached": False,
        "not_reached_reason": "nobody_home",
        "occurred_at": clock.local(clock.now()).strftime("%Y-%m-%dT%H:%M"),
    }
    first = client.post("/api/v1/visits", json=visit, headers=bearer)
    again = client.post("/api/v1/visits", json=visit, headers=bearer)
    assert (first.status_code, again.status_code) == (201, 200), first.text
    assert first.json()["id"] == again.json()["id"]


def test_cadres_get_no_token(as_user):
    assert ask_for_token(as_user("cai")).status_code == 403


def test_without_signing_in_there_is_no_token(client):
    response = ask_for_token(client)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_the_csrf_token_is_required(as_user):
    client = as_user("mei")
    assert ask_for_token(client, csrf="forged").status_code == 403
    assert client.post("/offline/token").status_code == 403
