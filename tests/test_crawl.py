"""No page or fragment a demo account can reach answers with a server error. The crawl starts at
each account's home page and follows what the pages offer — links, ``hx-get`` targets, GET forms
filled as a user would, POST forms with their own fields — asking each again as HTMX does, so a
new page, fragment or form is covered without anyone remembering to add it here."""

import pytest
from fastapi.testclient import TestClient

from app.demo import DEMO_PASSWORD
from tests.conftest import csrf_token, database_copy, sign_in
from tests.crawl import HTMX, pattern, signed_in_crawl
from tests.factories import user_id
from tests.pages import Form
from tests.sheets import as_csv, person_row

ACCOUNTS = ["admin", "lead1", "member1", "cadre1"]


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
