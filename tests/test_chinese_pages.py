"""The Chinese interface speaks Chinese: every page the demo's roles reach from their home page,
in zh-CN, shows no English word beyond a short allow-list (units, file types, product names)."""

import re
from html.parser import HTMLParser

import pytest

from app.demo import DEMO_USERS
from tests.conftest import database_copy
from tests.crawl import signed_in_crawl

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
# A token with a digit, an underscore or a colon is an identifier (910101, A-3, household:3,
# per_year), not words.
TOKEN = re.compile(r"[A-Za-z0-9_]+(?:[-'.:][A-Za-z0-9_]+)*")
IDENTIFIER = re.compile(r"[0-9_:]")
WORD = re.compile(r"[A-Za-z]{2,}")
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class VisibleText(HTMLParser):
    """The text a person sees or hears: element text and the attributes read out, not scripts,
    styles or templates."""

    HIDDEN = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.HIDDEN:
            self.hidden += 1
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


def visible_words(html: str) -> set[str]:
    page = VisibleText()
    page.feed(html)
    return english_words(" ".join(page.parts))


@pytest.fixture
def database_url(demo_database, tmp_path, monkeypatch):
    yield from database_copy(demo_database, tmp_path, monkeypatch)


@pytest.mark.parametrize("username", ["admin", "lead1", "member1", "cadre1"])
def test_every_page_a_role_reaches_is_in_chinese(client, username):
    english: dict[str, set[str]] = {}

    def read(url: str, html: str) -> None:
        if words := visible_words(html):
            english[url] = words

    crawl = signed_in_crawl(client, username, fragments=False, per_pattern=1, on_page=read)
    assert not crawl.signed_out_by and crawl.asked > 5, "the walk went nowhere"
    report = "\n".join(f"{url}: {' '.join(sorted(words))}" for url, words in english.items())
    assert not english, f"English words in the zh-CN pages of {username}:\n{report}"
