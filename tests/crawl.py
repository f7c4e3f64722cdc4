"""Walking the app as a signed-in user does: from the home page, every link, ``hx-get`` target
and GET form the pages offer (``Crawl``), so tests over "every page" cover new ones unasked."""

import re
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from fastapi.testclient import TestClient

from app.demo import DEMO_PASSWORD
from tests.conftest import sign_in
from tests.pages import Form, Page

PER_PATTERN = 3  # /households/1, /households/2 … are one page to the crawl after a few
NOT_PAGES = ("/static/", "/api/", "/logout", "/login")
SESSION_FORMS = ("/logout", "/language")  # they end the walk rather than test a fragment
HTMX = {"HX-Request": "true"}


def pattern(url: str) -> str:
    """The page a URL shows, ids and query values aside."""
    parts = urlsplit(url)
    names = sorted({name for name, _value in parse_qsl(parts.query, keep_blank_values=True)})
    return re.sub(r"/\d+(?=/|$)", "/{id}", parts.path) + "?" + "&".join(names)


def with_fields(url: str, fields: list[tuple[str, str]]) -> str:
    """A GET form's URL as the browser makes it (htmx keeps a query the target already has)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + fields
    return parts._replace(query=urlencode(query), fragment="").geturl()


@dataclass
class Crawl:
    """One account's walk: every URL asked as a page and (``fragments``) as an HTMX request."""

    client: TestClient
    fragments: bool = True
    per_pattern: int = PER_PATTERN
    on_page: Callable[[str, str], None] | None = None  # each page's URL and HTML, as read
    server_errors: list[str] = field(default_factory=list)
    signed_out_by: list[str] = field(default_factory=list)  # the rest of the walk would be moot
    post_forms: list[tuple[str, Form]] = field(default_factory=list)
    asked: int = 0
    _seen: set[str] = field(default_factory=set)
    _per_pattern: Counter = field(default_factory=Counter)

    def walk(self, start: str = "/") -> None:
        queue = deque([start])
        while queue:
            url = queue.popleft()
            if not self._admit(url):
                continue
            page = self.ask(url)
            if self.fragments:
                self.ask(url, HTMX)
            if page.status_code != 200 or "text/html" not in page.headers["content-type"]:
                continue
            here = str(page.url)
            if self.on_page:
                self.on_page(here.removeprefix("http://testserver"), page.text)
            found = Page(page.text)
            queue.extend(urljoin(here, link) for link in found.links + found.hx_gets)
            for form in found.forms:
                target = urljoin(here, form.target or here)
                if form.method == "get":
                    queue.append(with_fields(target, form.as_a_user_fills_it()))
                elif not target.endswith(SESSION_FORMS):
                    self.post_forms.append((target, form))

    def ask(self, url: str, headers: dict | None = None, **post):
        self.asked += 1
        if post:
            answer = self.client.post(url, headers=headers, follow_redirects=False, **post)
        else:
            answer = self.client.get(url, headers=headers)
        asked = f"{'POST' if post else 'GET'} {url.removeprefix('http://testserver')}"
        asked += " (HTMX)" if headers else ""
        if answer.status_code >= 500:
            self.server_errors.append(asked)
        went = answer.headers.get("HX-Redirect") or answer.headers.get("location") or ""
        if (went or urlsplit(str(answer.url)).path).startswith("/login"):
            self.signed_out_by.append(asked)
        return answer

    def _admit(self, url: str) -> bool:
        parts = urlsplit(url)
        path = parts.path
        elsewhere = parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver")
        if elsewhere or path.startswith(NOT_PAGES):  # tel: links, other sites
            return False
        if "." in path.rsplit("/", 1)[-1]:  # a download: exports, templates, the manifest
            return False
        url = parts._replace(scheme="", netloc="", fragment="").geturl()
        if url in self._seen or self._per_pattern[pattern(url)] >= self.per_pattern:
            return False
        self._seen.add(url)
        self._per_pattern[pattern(url)] += 1
        return True


def signed_in_crawl(client: TestClient, username: str, **options) -> Crawl:
    """``username``'s walk from their home page as a demo account."""
    client.cookies.clear()
    assert sign_in(client, username, DEMO_PASSWORD).status_code == 303
    crawl = Crawl(client, **options)
    crawl.walk()
    return crawl
