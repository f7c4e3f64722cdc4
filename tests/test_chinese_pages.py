"""The Chinese interface speaks Chinese: every page the demo's roles reach from their home page,
in zh-CN, shows no English word beyond a short allow-list (units, file types, product names)."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from app.demo import DEMO_PASSWORD, DEMO_USERS
from tests.conftest import sign_in

ALLOWED = {
    *(username for username, *_ in DEMO_USERS),  # people's own data: their login names
    "zhangli",  # the example login name
    "testclient",  # where the test client signs in from, as the audit records it
    "English",  # the language switch names English in English
    "Vanguard",
    "API",
    "Excel",
    "PDF",
    "XLSX",
    "CSV",
    "GBK",
    "km",
    "MB",
}
PAGES_PER_ROLE = 120
NOT_PAGES = re.compile(r"^/(static|api|logout)\b|\.(xlsx|csv|pdf|png|jpe?g|webp|json|js)$")
# A token with a digit, an underscore or a colon is an identifier (910101, A-3, household:3,
# per_year), not words.
TOKEN = re.compile(r"[A-Za-z0-9_]+(?:[-'.:][A-Za-z0-9_]+)*")
IDENTIFIER = re.compile(r"[0-9_:]")
WORD = re.compile(r"[A-Za-z]{2,}")
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class VisibleText(HTMLParser):
    """The text a person sees or hears: element text and the attributes read out, not scripts,
    styles or templates; and the page's same-site links."""

    HIDDEN = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.HIDDEN:
            self.hidden += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        self.parts.extend(attributes[name] or "" for name in SHOWN_ATTRIBUTES if name in attributes)
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.parts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def english_words(text: str) -> set[str]:
    tokens = (token for token in TOKEN.findall(text) if not IDENTIFIER.search(token))
    return {
        word
        for token in tokens
        for word in WORD.findall(token)
        if word not in ALLOWED and word.upper() not in ALLOWED
    }


def page_key(url: str) -> str:
    """Pages that differ only by an id or a query's values are one page."""
    parts = urlsplit(url)
    names = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"/\d+", "/{id}", parts.path) + "?" + "&".join(names)


def crawl(client, start: str = "/") -> dict[str, set[str]]:
    """English words by page, for every page reachable from ``start`` (one page per shape)."""
    found: dict[str, set[str]] = {}
    seen = {page_key(start)}
    queue = deque([start])
    while queue and len(seen) <= PAGES_PER_ROLE:
        url = queue.popleft()
        response = client.get(url)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        page = VisibleText()
        page.feed(response.text)
        if words := english_words(" ".join(page.parts)):
            found[url] = words
        for href in page.links:
            link = urljoin(url, href.split("#")[0])
            parts = urlsplit(link)
            site = (parts.scheme, parts.netloc) in {("", ""), ("http", "testserver")}
            if not site or NOT_PAGES.search(parts.path):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if page_key(local) not in seen:
                seen.add(page_key(local))
                queue.append(local)
    return found


@pytest.mark.parametrize("username", ["admin", "lead1", "member1", "cadre1"])
def test_every_page_a_role_reaches_is_in_chinese(demo_db, client, username):
    assert sign_in(client, username, DEMO_PASSWORD).status_code == 303
    english = crawl(client)
    report = "\n".join(f"{url}: {' '.join(sorted(words))}" for url, words in english.items())
    assert not english, f"English words in the zh-CN pages of {username}:\n{report}"


def test_a_page_asked_for_with_a_malformed_id_answers_in_chinese(as_user, api_token):
    member = as_user("mei")
    response = member.get("/households/abc")
    assert response.status_code == 404 and '<html lang="zh-CN">' in response.text
    page = VisibleText()
    page.feed(response.text)
    assert "未找到" in " ".join(page.parts) and not english_words(" ".join(page.parts))
    api = member.get("/api/v1/households/abc", headers=api_token("mei"))
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["path", "household_id"]
