"""What every page sends the browser: a strict CSP, hardening headers, and a first load
light enough for slow 3G."""

import gzip
import re

import pytest

from app.core.middleware import CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("path", ["/login", "/api/v1/health", "/docs", "/static/app.css"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"


def test_the_csp_forbids_inline_script_and_framing():
    script_src = next(d for d in CONTENT_SECURITY_POLICY.split("; ") if d.startswith("script-src"))
    assert script_src == "script-src 'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("username", ["alice", "lee", "mei", "cai"])
@pytest.mark.parametrize("path", ["/", "/account", "/login"])
def test_pages_have_no_inline_script_or_style(client, as_user, username, path):
    if path != "/login":
        as_user(username)
    page = client.get(path).text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline <script>"
    assert " style=" not in page and "<style" not in page
    assert not re.search(r"<[^>]+\son[a-z]+=", page), "inline event handler"


def test_hsts_is_sent_only_over_https(client):
    assert "strict-transport-security" not in client.get("/login").headers
    secure = type(client)(client.app, base_url="https://testserver")
    assert secure.get("/login").headers["strict-transport-security"].startswith("max-age=")


def test_the_first_page_load_is_at_most_60_kb_gzipped(client):
    page = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
    assert len(assets) == 4, "the icon, the stylesheet, htmx and the app installer"
    total = len(gzip.compress(page.content))
    for asset in assets:
        body = client.get(asset).content
        total += len(gzip.compress(body, compresslevel=6))
    assert total <= 60 * 1024, f"{total} bytes"


def test_static_files_with_a_content_hash_are_cached_for_a_year(client):
    page = client.get("/login").text
    css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]+)"', page).group(1)
    assert "immutable" in client.get(css).headers["cache-control"]


def test_responses_are_gzipped_for_slow_networks(client):
    response = client.get("/static/vendor/htmx-2.0.11.min.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
