"""Hostile input is bounded before it costs anything: a body over its kind's cap (JSON API,
forms, file uploads) is refused with 413 in the caller's language before it is read; text no
database can store (half of a surrogate pair) and a body that is no JSON are refused with a
422 naming where they were sent, never a 500; a fault tells the client to drop the
connection."""

import asyncio
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.core.config import get_settings
from app.core.i18n import gettext_for
from app.core.middleware import TOO_LARGE
from app.models import Household, ImportJob, Person, Visit
from tests.conftest import csrf_token
from tests.factories import household, region_named
from tests.test_api_visits import a_visit

zh = gettext_for("zh_CN")
CHUNK = 64 * 1024
HUNDRED_MB = 100 * 1024 * 1024
UNSTORABLE = "这段文字含有无法保存的字符，请重新输入。"
NOT_JSON = "请求内容不是有效的JSON。"


def post_raw(path: str, chunks: Iterator[bytes], headers: dict[str, str]):
    """POSTs straight to the app as the server would, counting the body bytes it takes in."""
    from app.main import app

    taken = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal taken
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        taken += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(name.encode(), value.encode()) for name, value in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    # A thread of its own: another test's event loop may still run in this one.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, app(scope, receive, send)).result()
    start = next(message for message in sent if message["type"] == "http.response.start")
    body = b"".join(message.get("body", b"") for message in sent[1:])
    return start["status"], dict(start["headers"]), body.decode(), taken


def hundred_mb() -> Iterator[bytes]:
    return (b" " * CHUNK for _ in range(HUNDRED_MB // CHUNK))


# --- bodies over their cap -----------------------------------------------------------------


def test_a_declared_100_mb_body_is_refused_before_a_byte_is_read(client):
    headers = {"content-type": "application/json", "content-length": str(HUNDRED_MB)}
    status, answered, text, taken = post_raw("/api/v1/pension/estimate", hundred_mb(), headers)
    assert status == 413 and taken == 0
    assert json.loads(text) == {"detail": zh(TOO_LARGE)}
    assert answered[b"connection"] == b"close"


def test_a_100_mb_body_streamed_without_a_length_is_refused_once_it_passes_the_cap(client):
    headers = {"content-type": "application/json", "transfer-encoding": "chunked"}
    status, _answered, text, taken = post_raw("/api/v1/auth/token", hundred_mb(), headers)
    assert status == 413 and zh(TOO_LARGE) in text
    assert taken <= get_settings().json_max_bytes + CHUNK


def test_a_form_over_its_cap_is_refused_in_plain_words_to_htmx(client):
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "content-length": str(HUNDRED_MB),
        "hx-request": "true",
    }
    status, answered, text, taken = post_raw("/login", hundred_mb(), headers)
    assert (status, text, taken) == (413, zh(TOO_LARGE), 0)
    assert answered[b"content-type"].startswith(b"text/plain")


def test_the_api_says_so_in_english_when_asked(client):
    answer = client.post(
        "/api/v1/pension/estimate",
        content=b" " * (get_settings().json_max_bytes + 1),
        headers={"content-type": "application/json", "accept-language": "en"},
    )
    assert answer.status_code == 413
    assert answer.json() == {"detail": gettext_for("en")(TOO_LARGE)}


def test_a_file_larger_than_a_form_reaches_the_import_and_a_form_route_refuses_it(
    client, api_token, db
):
    """A list is far larger than any form: the routes that take a file admit it (the import
    reads it), a JSON route sent the same multipart body does not."""
    big = "姓名\n".encode() + b"x\n" * get_settings().form_max_bytes
    files = {"file": ("名单.csv", big)}
    token = api_token("lee")
    imported = client.post("/api/v1/imports", files=files, data={"dry_run": "true"}, headers=token)
    assert imported.status_code != 413, imported.text
    refused = client.post("/api/v1/pension/estimate", files=files, headers=token)
    assert refused.status_code == 413


def test_an_upload_over_its_cap_is_refused_before_the_import_sees_it(as_user, db, monkeypatch):
    monkeypatch.setattr(get_settings(), "upload_max_bytes", 2 * 1024 * 1024)
    client = as_user("lee")
    files = {"file": ("名单.csv", b"x" * (3 * 1024 * 1024))}
    answer = client.post("/imports", data={"csrf_token": csrf_token(client)}, files=files)
    assert answer.status_code == 413 and zh(TOO_LARGE) in answer.text
    assert db.exec(select(ImportJob)).all() == []


def test_the_upload_cap_admits_a_countys_list_of_500_000_people_with_room():
    """bench/import_rows.py's 500 000 people: 65 208 763 bytes as UTF-8 CSV (the largest
    form; 53 MB as GB18030, 46 MB as .xlsx)."""
    assert get_settings().upload_max_bytes >= 2 * 65_208_763


# --- text no database stores, bodies that are no JSON --------------------------------------


def raw_json(client, path: str, body: dict, headers: dict | None = None):
    """Sent as a phone's JSON library writes it: every non-ASCII character escaped, so half
    of a surrogate pair travels as "\\ud800"."""
    headers = {"content-type": "application/json", **(headers or {})}
    return client.post(path, content=json.dumps(body), headers=headers)


def problems(answer) -> list[tuple[list, str]]:
    assert answer.status_code == 422, answer.text
    return [(problem["loc"], problem["msg"]) for problem in answer.json()["detail"]]


def test_signing_in_with_half_a_surrogate_pair_is_refused_naming_the_field(client, db):
    answer = raw_json(client, "/api/v1/auth/token", {"username": "a\ud800b", "password": "x"})
    assert problems(answer) == [(["body", "username"], UNSTORABLE)]


def test_a_household_with_half_a_surrogate_pair_is_refused_and_not_stored(client, api_token, db):
    body = {"village_id": region_named(db, "瓦窑村").id, "address": "瓦窑村\udfff号"}
    answer = raw_json(client, "/api/v1/households", body, api_token("lee"))
    assert problems(answer) == [(["body", "address"], UNSTORABLE)]
    assert db.exec(select(Household)).all() == []


def test_a_person_with_half_a_surrogate_pair_is_refused_and_not_stored(client, api_token, db):
    home = household(db, "瓦窑村")
    body = {"name": "王\ud83d芳", "id_number": "110101199003070011"}
    answer = raw_json(client, f"/api/v1/households/{home.id}/people", body, api_token("lee"))
    assert problems(answer) == [(["body", "name"], UNSTORABLE)]
    assert db.exec(select(Person)).all() == []


def test_a_visit_with_half_a_surrogate_pair_in_its_notes_is_refused_and_not_stored(
    client, api_token, db
):
    home = household(db, "瓦窑村")
    body = a_visit(home, notes="见到了\ud800")
    answer = raw_json(client, "/api/v1/visits", body, api_token("lee"))
    assert problems(answer) == [(["body", "notes"], UNSTORABLE)]
    assert db.exec(select(Visit)).all() == []


def test_half_a_surrogate_pair_in_a_name_of_a_field_is_refused_naming_its_object(client, db):
    body = {"username": "mei", "password": "x", "extra": {"a\ud800": 1}}
    answer = raw_json(client, "/api/v1/auth/token", body)
    assert problems(answer) == [(["body", "extra"], UNSTORABLE)]


def test_a_whole_surrogate_pair_is_an_ordinary_character(client, db):
    answer = raw_json(client, "/api/v1/auth/token", {"username": "王😀", "password": "x"})
    assert answer.status_code == 401


@pytest.mark.parametrize(
    "body", [b'{"username": "a', '{"username": "\xff"}'.encode("latin-1"), b"[" * 100_000]
)
def test_a_body_that_is_no_json_answers_422_in_chinese_naming_the_body(client, body):
    answer = client.post(
        "/api/v1/auth/token", content=body, headers={"content-type": "application/json"}
    )
    [(where, message)] = problems(answer)
    assert where[0] == "body" and message == NOT_JSON


def test_every_unreadable_request_to_the_api_is_answered_in_chinese(client):
    """Not FastAPI's English: here a route outside the localised route class."""
    answer = raw_json(client, "/api/v1/auth/token", {"username": "mei"})
    assert problems(answer) == [(["body", "password"], "此项必填。")]


# --- faults --------------------------------------------------------------------------------


def test_a_fault_tells_the_client_to_drop_the_connection(database_url):
    from app.main import create_app

    app = create_app()

    @app.get("/api/v1/broken")
    def broken():
        raise RuntimeError("a fault")

    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/api/v1/broken")
    assert answer.status_code == 500
    assert answer.headers["connection"] == "close"


# --- the refusals, documented --------------------------------------------------------------


def test_the_api_schema_documents_each_refusal_in_the_projects_error_shapes(client):
    schema = client.get("/openapi.json").json()
    error = {"$ref": "#/components/schemas/ErrorOut"}
    unprocessable = {"$ref": "#/components/schemas/UnprocessableOut"}

    def answers(method: str, path: str) -> dict[str, dict]:
        responses = schema["paths"][f"/api/v1{path}"][method]["responses"]
        return {
            status: answer["content"]["application/json"]["schema"]
            for status, answer in responses.items()
            if status.startswith("4")
        }

    assert answers("post", "/auth/token") == {
        "401": error,
        "413": error,
        "422": unprocessable,
        "429": error,
    }
    assert answers("post", "/households/{household_id}/people") == {
        "401": error,
        "403": error,
        "404": error,
        "409": error,
        "413": error,
        "422": unprocessable,
    }
    assert answers("get", "/me") == {"401": error, "403": error}
    assert answers("get", "/health") == {}
    assert "HTTPValidationError" not in json.dumps(schema), "FastAPI's English 422 is not ours"
