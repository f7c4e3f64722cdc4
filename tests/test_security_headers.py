"""Every page, for every role, carries the hardening headers and no inline script or style:
the walk is generated from the route table, so a new page is covered without being listed."""

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.middleware import CONTENT_SECURITY_POLICY
from app.core.templating import APP_DIR
from tests.conftest import sign_in
from tests.factories import assign, household, id_number, person, visit
from tests.routes import get_routes

PARAMETER = re.compile(r"\{(\w+)\}")
# Path parameters without a record made below: a page that answers 404 must carry the headers too.
SAMPLES = {"suffix": "csv", "format": "csv", "number": "1", "token": "no-such-token"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style|\sstyle\s*=", re.IGNORECASE)


@pytest.fixture
def records(db) -> dict[str, int]:
    """A household of mei's in 瓦窑村 with a person and a visit, for the pages that show one."""
    home = household(db, address="瓦窑村12号")
    someone = person(db, home, name="王大海", id_number=id_number())
    assign(db, home, "mei")
    made = visit(db, home, [someone], by="mei")
    return {"household_id": home.id, "person_id": someone.id, "visit_id": made.id}


def concrete(path: str, records: dict[str, int]) -> str:
    return PARAMETER.sub(lambda m: str(records.get(m.group(1), SAMPLES.get(m.group(1), 1))), path)


def walk(client: TestClient, records: dict[str, int]):
    """Every GET route once, without following redirects: (path, response)."""
    for path in get_routes():
        url = concrete(path, records)
        yield url, client.get(url, follow_redirects=False)


def assert_hardened(url: str, headers) -> None:
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, url
    assert headers["x-content-type-options"] == "nosniff", url
    assert headers["referrer-policy"] == "same-origin", url
    assert headers["x-frame-options"] == "DENY", url


def assert_no_inline_code(url: str, page: str) -> None:
    assert not INLINE_SCRIPT.search(page), f"inline <script> on {url}"
    assert not INLINE_HANDLER.search(page), f"inline event handler on {url}"
    assert not INLINE_STYLE.search(page), f"inline style on {url}"


@pytest.mark.parametrize("username", [None, "alice", "lee", "mei", "cai"])
def test_every_page_for_every_role_is_hardened_and_free_of_inline_code(client, records, username):
    if username:
        assert sign_in(client, username).status_code == 303
    walked = 0
    for url, response in walk(client, records):
        assert response.status_code < 500, url
        assert_hardened(url, response.headers)
        assert "strict-transport-security" not in response.headers, f"HSTS over http on {url}"
        if response.headers.get("content-type", "").startswith("text/html"):
            assert_no_inline_code(url, response.text)
        walked += 1
    assert walked > 40


def test_over_https_every_page_sends_hsts(client, records):
    secure = TestClient(client.app, base_url="https://testserver")
    assert sign_in(secure, "alice").status_code == 303
    for url, response in walk(secure, records):
        assert response.headers["strict-transport-security"].startswith("max-age="), url
        assert int(response.headers["strict-transport-security"].split("=")[1]) >= 15552000


def test_the_session_cookie_is_secure_over_https(client):
    secure = TestClient(client.app, base_url="https://testserver")
    cookies = sign_in(secure, "mei").headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("vg_session="))
    assert "Secure" in session and "HttpOnly" in session


def test_the_csp_allows_no_inline_or_evaluated_code_and_no_framing():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    for name in ("script-src", "style-src", "default-src"):
        assert "unsafe" not in directives[name], name
        assert "data:" not in directives[name] and "*" not in directives[name], name
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_htmx_is_configured_for_the_csp(client):
    """No eval (hx-on, js: filters), no injected indicator <style>, no scripts from swaps."""
    page = client.get("/login").text
    config = json.loads(re.search(r"name=\"htmx-config\" content='([^']+)'", page).group(1))
    assert config["allowEval"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["allowScriptTags"] is False
    assert config["selfRequestsOnly"] is True


TEMPLATES = sorted((APP_DIR / "templates").rglob("*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(APP_DIR)))
def test_no_template_holds_inline_script_style_or_handlers(template: Path):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>: put it in a file under static/"
    assert not INLINE_STYLE.search(text), "style attribute or <style>: use static/app.css"
    assert not INLINE_HANDLER.search(text), "on…= handler: attach it from a static script"
    assert "hx-on" not in text, "hx-on needs eval, which the CSP and htmx config forbid"
    assert "javascript:" not in text.lower()


def test_a_fault_answers_without_a_trace_and_with_the_hardening_headers():
    from starlette.requests import Request

    from app.main import _server_error, app

    assert app.exception_handlers[Exception] is _server_error
    for path, kind in (("/households", "text/plain"), ("/api/v1/households", "application/json")):
        scope = {"type": "http", "method": "GET", "path": path, "headers": [], "scheme": "https"}
        scope |= {"query_string": b"", "server": ("testserver", 443)}
        answer = _server_error(Request(scope), RuntimeError("secret detail"))
        assert answer.status_code == 500 and kind in answer.headers["content-type"]
        assert "secret detail" not in answer.body.decode()
        assert "unsafe-inline" not in answer.headers["content-security-policy"]
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "strict-transport-security" in answer.headers


def test_over_https_every_cookie_is_secure_and_over_http_none_is(client, as_user, db):
    """The language and the remembered worklist search too, not only the session's."""
    for base, secure in (("https://testserver", True), ("http://testserver", False)):
        browser = TestClient(client.app, base_url=base)
        cookies = sign_in(browser, "mei").headers.get_list("set-cookie")
        cookies += browser.get("/worklist?q=王").headers.get_list("set-cookie")
        names = {c.split("=")[0] for c in cookies}
        assert names >= {"vg_session", "vg_csrf", "vg_lang", "vg_worklist"}
        assert all(("; Secure" in c) is secure for c in cookies), cookies
