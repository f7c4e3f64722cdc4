"""No page or fragment a demo account can reach answers with a server error. The crawl starts at
each account's home page and follows what the pages offer — links, ``hx-get`` targets, GET forms
filled as a user would, POST forms with their own fields — asking each again as HTMX does, so a
new page, fragment or form is covered without anyone remembering to add it here."""

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

from app.demo import DEMO_PASSWORD
from tests.conftest import csrf_token, database_copy, sign_in
from tests.factories import user_id
from tests.pages import Form, Page
from tests.sheets import as_csv, person_row

ACCOUNTS = ["admin", "lead1", "member1", "cadre1"]
PER_PATTERN = 3  # /households/1, /households/2 … are one page to the crawl after a few
NOT_PAGES = ("/static/", "/api/", "/logout", "/login")
SESSION_FORMS = ("/logout", "/language")  # they end the walk rather than test a fragment
HTMX = {"HX-Request": "true"}


@pytest.fixture
def database_url(demo_database, tmp_path, monkeypatch):
    yield from database_copy(demo_database, tmp_path, monkeypatch)


@pytest.fixture
def client(database_url):
    """A server error is an answer to list, not an exception ending the walk."""
    from app.main import app

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def dry_run_import(client):
    """A list the first lead tried out: its report, once finished, offers the commit button."""
    assert sign_in(client, "lead1", DEMO_PASSWORD).status_code == 303
    data = {"csrf_token": csrf_token(client, "/imports"), "dry_run": "true"}
    rows = as_csv([person_row(name="王大海"), person_row(name="李秀英", sex="女")])
    answer = client.post("/imports", data=data, files={"file": ("名单.csv", rows)})
    assert answer.status_code == 200 and "试导入" in answer.text, answer.text
    client.cookies.clear()


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
        if url in self._seen or self._per_pattern[pattern(url)] >= PER_PATTERN:
            return False
        self._seen.add(url)
        self._per_pattern[pattern(url)] += 1
        return True


def signed_in_crawl(client: TestClient, username: str, fragments: bool = True) -> Crawl:
    client.cookies.clear()
    assert sign_in(client, username, DEMO_PASSWORD).status_code == 303
    crawl = Crawl(client, fragments)
    crawl.walk()
    return crawl


@pytest.mark.parametrize("username", ACCOUNTS)
def test_every_page_and_fragment_an_account_reaches_answers(client, dry_run_import, username):
    crawl = signed_in_crawl(client, username)
    assert not crawl.server_errors, "\n".join(["server errors:", *crawl.server_errors])
    assert not crawl.signed_out_by and crawl.asked > 20, "the walk went nowhere"


def steps_before_confirming(post_forms: list[tuple[str, Form]], own_account: str):
    """Each kind of POST form once, leaving out those the browser asks about first (hx-confirm),
    the confirming step after a preview, and what an admin may do to their own account (a new
    password would sign them out): the walk stops before anything irreversible."""
    kinds = set()
    for target, form in post_forms:
        names = {each.name for each in form.fields}
        if "hx-confirm" in form.attributes or "confirmed" in names or own_account in target:
            continue
        kind = (pattern(target), frozenset(names))
        if kind not in kinds:
            kinds.add(kind)
            yield target, form


@pytest.mark.parametrize("username", ACCOUNTS)
def test_every_form_an_account_reaches_posts_as_a_fragment(client, db, dry_run_import, username):
    crawl = signed_in_crawl(client, username, fragments=False)
    token = {"X-CSRF-Token": csrf_token(client, "/")}
    own_account = f"/admin/users/{user_id(db, username)}/"
    posted = 0
    for target, form in steps_before_confirming(crawl.post_forms, own_account):
        for fields in (form.as_the_page_fills_it(), form.as_a_user_fills_it()):
            data = {name: [v for n, v in fields if n == name] for name, _value in fields}
            files = {f.name: ("", b"") for f in form.fields if f.kind == "file"}
            crawl.ask(target, {**HTMX, **token}, data=data, files=files or None)
            posted += 1
    assert not crawl.server_errors, "\n".join(["server errors:", *crawl.server_errors])
    assert posted > 0
    assert not crawl.signed_out_by, "the walk went on signed out"
