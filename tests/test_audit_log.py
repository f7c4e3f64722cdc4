"""The audit log: admins read it (page, spreadsheet, API), filter it, and nobody can change it."""

import inspect
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from sqlmodel import delete, select

from app.core import clock
from app.core.db import get_engine
from app.models import AuditEvent, Team
from app.services import audit, audit_log, exports
from tests.conftest import sign_in
from tests.databases import ON_POSTGRES
from tests.factories import region_named, user_id, user_named
from tests.query_plans import query_plans
from tests.routes import app_routes


def event(db, action: str, by: str | None = "mei", at: datetime | None = None, **detail):
    """An audit row as the app records it, at a chosen moment."""
    made = audit.record(
        db, action, user=user_named(db, by) if by else None, username="", target="", **detail
    )
    made.at = at or clock.now()
    db.add(made)
    db.commit()
    return made


@pytest.fixture
def trail(db):
    """Only the rows a test makes (the personas' creation is on record too)."""
    db.exec(delete(AuditEvent))
    db.commit()


# --- the page ------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["lee", "mei", "cai"])
def test_only_admins_see_the_audit_log(as_user, username):
    client = as_user(username)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit/export.xlsx").status_code == 403


def row(page: str, made: AuditEvent) -> str:
    start = page.index(f'<li id="audit-{made.id}"')
    return page[start : page.index("</li>", start)]


def test_the_log_lists_newest_first_with_who_what_and_when(as_user, db, trail):
    earlier = event(db, "login", at=datetime(2024, 6, 1, 2, 0, tzinfo=UTC))
    later = event(db, "reveal_id_number", by="lee", reason="confirm_identity")
    page = as_user("alice").get("/admin/audit").text
    assert page.index(f'id="audit-{later.id}"') < page.index(f'id="audit-{earlier.id}"')
    assert "lee" in row(page, later) and "原因：核实本人身份" in row(page, later)
    assert "10:00" in row(page, earlier), "times are shown in business time (UTC+8)"


def test_the_log_filters_by_action_user_day_and_target(as_user, db, trail):
    mei, lee = user_named(db, "mei"), user_named(db, "lee")
    event(db, "login", at=datetime(2024, 6, 1, 15, 59, tzinfo=UTC))  # 23:59 on 1 June in Yuxi
    event(db, "login", at=datetime(2024, 6, 1, 16, 0, tzinfo=UTC))  # 00:00 on 2 June
    event(db, "logout", by="lee")
    client = as_user("alice")

    def shown(query: str) -> int:
        page = client.get(f"/admin/audit?{query}", headers={"HX-Request": "true"}).text
        return page.count('<li id="audit-')

    assert shown("action=login") == 3, "two made here, and alice's own sign-in"
    assert shown(f"user_id={mei.id}") == 2
    assert shown(f"user_id={lee.id}&action=logout") == 1
    assert shown("since=2024-06-02&until=2024-06-02") == 1
    assert shown("until=2024-06-01") == 1
    assert shown(f"target=user:{lee.id}") == 0
    assert shown("since=not-a-date") == 4, "a filter that means nothing is ignored"


def test_the_action_filter_offers_the_actions_on_record(as_user, db, trail):
    event(db, "reveal_id_number", reason="visit")
    page = as_user("alice").get("/admin/audit").text
    assert '<option value="reveal_id_number"' in page
    assert '<option value="export"' not in page


def test_the_log_pages(as_user, db, trail):
    for _ in range(60):
        event(db, "login")
    client = as_user("alice")
    first = client.get("/admin/audit").text
    assert first.count('<li id="audit-') == 50
    assert 'href="/admin/audit?page=2"' in first
    assert client.get("/admin/audit?page=2").text.count('<li id="audit-') == 11


def test_the_export_holds_the_filtered_rows_and_is_itself_recorded(as_user, db, trail):
    event(db, "reveal_id_number", by="lee", reason="confirm_identity")
    event(db, "login")
    response = as_user("alice").get("/admin/audit/export.xlsx?action=reveal_id_number")
    plain = f"attachment; filename=audit-log-{clock.today()}.xlsx; filename*="
    assert response.headers["content-disposition"].startswith(plain)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    header, *body = rows.to_python()
    assert len(header) == 6
    assert [row[1] for row in body] == ["lee"]
    assert body[0][4] == "原因：核实本人身份"
    recorded = db.exec(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert (recorded.username, recorded.target) == ("alice", "audit")
    assert recorded.detail == {"filters": {"action": "reveal_id_number"}}
    assert "筛选：操作 查看完整身份证号" in as_user("alice").get("/admin/audit?action=export").text


def test_a_name_typed_at_sign_in_that_could_run_is_exported_as_text(client, as_user, trail):
    typed = "=cmd|'/c calc'!a1"  # sign-in keeps a username in lower case
    assert sign_in(client, typed).status_code != 303
    response = as_user("alice").get("/admin/audit/export.xlsx?action=login_failed")
    _header, (_when, who, *_rest) = load_workbook(io.BytesIO(response.content)).active.iter_rows()
    assert (who.value, who.data_type, who.quotePrefix) == (typed, "s", True)


def test_the_export_holds_more_rows_than_it_reads_at_once_newest_first(
    as_user, db, trail, monkeypatch
):
    monkeypatch.setattr(audit_log, "CHUNK", 2)
    start = clock.now() - timedelta(hours=1)
    for minutes in range(5):
        event(db, "reveal_id_number", at=start + timedelta(minutes=minutes), attempt=minutes)
    response = as_user("alice").get("/admin/audit/export.xlsx?action=reveal_id_number")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    _header, *body = rows.to_python()
    assert [row[4] for row in body] == [f"attempt：{n}" for n in (4, 3, 2, 1, 0)]


def test_the_export_holds_the_rows_there_when_it_was_asked_for(as_user, db, trail):
    """Not its own record, nor rows arriving while it is written: they could push a sheet
    counted as fitting past its last row."""
    event(db, "reveal_id_number", by="lee", reason="visit")
    response = as_user("alice").get("/admin/audit/export.xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    _header, *body = rows.to_python()
    assert [row[1] for row in body] == ["alice", "lee"], "alice signed in, lee revealed"
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "export")).one()


def test_rows_too_many_for_one_sheet_are_not_exported_and_the_list_says_why(
    as_user, db, trail, monkeypatch
):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)  # a header and two rows
    for _ in range(3):
        event(db, "login")
    client = as_user("alice")
    refused = client.get("/admin/audit/export.xlsx?action=login", follow_redirects=False)
    assert refused.status_code == 303
    assert refused.headers["location"] == "/admin/audit?action=login"
    page = client.get(refused.headers["location"]).text
    assert 'id="too-long-for-xlsx"' in page and "export.xlsx" not in page
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "export")).first() is None
    fewer = client.get("/admin/audit?action=reveal_id_number").text
    assert 'id="too-long-for-xlsx"' not in fewer


def test_the_filters_offer_each_action_and_account_on_record_once(as_user, db, trail):
    for by in ("mei", "lee", "mei", None):
        event(db, "login", by=by)
    event(db, "reveal_id_number", by="lee", reason="visit")
    assert audit_log.actions_present(db) == ["login", "reveal_id_number"]
    accounts = audit_log.accounts_present(db)
    assert sorted(accounts) == sorted(user_named(db, name).id for name in ("lee", "mei"))


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's query plans")
def test_the_filters_jump_through_the_indexes_rather_than_read_the_whole_trail(db, trail):
    """A city's trail gains a million rows a year; its actions and accounts stay a few hundred."""
    with query_plans(get_engine()) as plans:
        audit_log.actions_present(db)
        audit_log.accounts_present(db)
    scans = [step for step in plans if step.startswith("SCAN audit")]
    assert not scans, plans
    assert any("ix_audit_action" in step for step in plans)
    assert any("ix_audit_user_id" in step for step in plans)


# --- the API -------------------------------------------------------------------------------


def test_the_api_gives_a_page_of_rows_per_the_contract(client, api_token, db, trail):
    event(db, "person_changed", by="lee", fields={"occupation": ["快递员", "外卖骑手"]})
    answer = client.get("/api/v1/audit?action=person_changed", headers=api_token("alice"))
    assert answer.status_code == 200
    body = answer.json()
    assert (body["total"], body["page"], body["page_size"]) == (1, 1, 50)
    (item,) = body["items"]
    assert set(item) == {"id", "at", "user_id", "username", "action", "target", "detail"}
    assert (item["username"], item["action"]) == ("lee", "person_changed")
    assert item["detail"] == {"fields": {"occupation": ["快递员", "外卖骑手"]}}
    assert item["at"].endswith("+08:00")


@pytest.mark.parametrize("username", ["lee", "mei", "cai"])
def test_the_api_is_for_admins_only(client, api_token, username):
    assert client.get("/api/v1/audit", headers=api_token(username)).status_code == 403


def test_the_api_filters_by_user_and_since_a_date_or_a_moment(client, api_token, db, trail):
    headers = api_token("alice")
    event(db, "login", at=datetime(2024, 6, 1, 15, 59, tzinfo=UTC))
    event(db, "login", at=datetime(2024, 6, 1, 16, 0, tzinfo=UTC))

    def total(query: str) -> int:
        answer = client.get(f"/api/v1/audit?action=login&{query}", headers=headers)
        assert answer.status_code == 200, answer.text
        return answer.json()["total"]

    mei = user_named(db, "mei")
    assert total(f"user_id={mei.id}") == 2
    assert total("since=2024-06-02") == 2, "the day in Yuxi, and alice's token sign-in"
    assert total("since=2024-06-01T23:59:30%2B08:00") == 2
    assert total("since=2024-06-01T23:59:30+08:00") == 2, "an unencoded + arrives as a space"
    assert total("since=2024-06-01T15:59:00Z") == 3


def test_a_since_that_is_no_date_is_a_422_that_names_it(client, api_token):
    answer = client.get("/api/v1/audit?since=yesterday", headers=api_token("alice"))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "since"]


def test_the_api_page_size_is_capped_at_200(client, api_token, db):
    headers = api_token("alice")
    assert client.get("/api/v1/audit?page_size=200", headers=headers).status_code == 200
    answer = client.get("/api/v1/audit?page_size=201", headers=headers)
    assert answer.status_code == 422
    assert client.get("/api/v1/audit?page=0", headers=headers).status_code == 422


def test_the_api_pages_newest_first(client, api_token, db, trail):
    start = datetime(2024, 6, 1, tzinfo=UTC)
    for minutes in range(5):
        event(db, "login", at=start + timedelta(minutes=minutes))
    headers = api_token("alice")
    answer = client.get("/api/v1/audit?action=login&page=2&page_size=2", headers=headers).json()
    assert answer["total"] == 6
    assert [item["at"][11:16] for item in answer["items"]] == ["08:03", "08:02"]


# --- nobody changes it ---------------------------------------------------------------------


def test_no_route_can_change_or_remove_audit_rows():
    """Every audit route only reads; and the audit service writes nothing but new rows."""
    for route in app_routes():
        if "audit" in route.path:
            assert route.methods <= {"GET", "HEAD"}, route.path
    own = [
        name
        for name, function in inspect.getmembers(audit, inspect.isfunction)
        if function.__module__ == audit.__name__
    ]
    assert own == ["record"]


def test_no_code_outside_the_audit_service_updates_or_deletes_audit_rows():
    from pathlib import Path

    import app

    writers = []
    for path in Path(app.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "AuditEvent" in text and any(
            verb in text
            for verb in ("delete(AuditEvent", "update(AuditEvent", "AuditEvent.__table__")
        ):
            writers.append(str(path))
    assert writers == []


def test_signing_in_shows_in_the_log_at_once(client, db, as_user, trail):
    sign_in(client, "mei", "wrong-password")
    page = as_user("alice").get("/admin/audit?action=login_failed").text
    assert page.count('<li id="audit-') == 1


def test_what_a_row_concerns_reads_as_words_and_opens_every_entry_about_it(db, as_user):
    recorded = audit.record(
        db, "household_verified", user=user_named(db, "lee"), target="household:3"
    )
    db.commit()
    page = as_user("alice").get("/admin/audit").text
    assert '<a href="/admin/audit?target=household%3A3"' in row(page, recorded)
    assert ">住户 3</a>" in row(page, recorded)


def test_the_entries_about_one_record_are_its_own_not_those_of_longer_ids(db, as_user):
    lee = user_named(db, "lee")
    own = audit.record(db, "household_verified", user=lee, target="household:3")
    other = audit.record(db, "household_verified", user=lee, target="household:30")
    db.commit()
    page = as_user("alice").get("/admin/audit?target=household:3").text
    assert f'id="audit-{own.id}"' in page and f'id="audit-{other.id}"' not in page
    typed = as_user("alice").get("/admin/audit?target=household").text
    assert f'id="audit-{own.id}"' in typed and f'id="audit-{other.id}"' in typed


def test_ids_in_a_detail_read_as_the_names_of_their_regions_teams_and_members(as_user, db, trail):
    teams = [
        db.exec(select(Team.id).where(Team.name == name)).one() for name in ("北城一队", "北城二队")
    ]
    created = event(
        db,
        "user_created",
        by="alice",
        role="member",
        region=region_named(db, "北城街道").id,
        teams=teams,
    )
    moved = event(db, "assignment_moved", by="lee", from_user=user_id(db, "ming"), households=3)
    moved.target = f"user:{user_id(db, 'mei')}"
    db.commit()
    alice = as_user("alice")
    page = alice.get("/admin/audit").text
    assert "角色：先锋队员；所属区域：北城街道；队伍：北城一队、北城二队" in row(page, created)
    assert "原队员：明队员；住户：3" in row(page, moved)
    sheet = alice.get("/admin/audit/export.xlsx?action=assignment_moved").content
    _header, *body = (
        CalamineWorkbook.from_filelike(io.BytesIO(sheet)).get_sheet_by_index(0).to_python()
    )
    assert body[0][3:5] == [f"账号 {user_id(db, 'mei')}", "原队员：明队员；住户：3"]
