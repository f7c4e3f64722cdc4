"""Each role lands on its own home, which shows who the user is and what they can reach."""

import pytest

from tests.conftest import csrf_token


@pytest.mark.parametrize(
    ("username", "heading", "shows"),
    [
        ("alice", "全市概况", ["Alice 管理员", "市级管理员", "玉溪市", 'href="/admin/users"']),
        ("lee", "我的队伍", ["李队长", "北城一队", "北城二队", "梅队员", "明队员", "分配住户"]),
        ("mei", "我的任务", ["梅队员", "先锋队员", "尚未分配住户给您"]),
        ("cai", "我的村（社区）", ["蔡书记", "村干部", "红塔区 北城街道 瓦窑村"]),
    ],
)
def test_each_role_lands_on_its_home(as_user, username, heading, shows):
    page = as_user(username).get("/")
    assert f"<h1>{heading}</h1>" in page.text
    for text in shows:
        assert text in page.text


def test_a_lead_sees_only_their_own_teams(as_user):
    page = as_user("lee").get("/").text
    assert "玉兴一队" not in page
    assert "奥队员" not in page


def test_only_admins_see_the_admin_navigation(as_user):
    page = as_user("mei").get("/").text
    assert 'href="/admin/users"' not in page
    assert 'href="/account"' in page


def test_the_admin_home_links_to_the_progress_reports(as_user):
    client = as_user("alice")
    home = client.get("/").text
    assert '<a class="tile" href="/reports" id="progress-reports">工作通报</a>' in home
    assert client.get("/reports").status_code == 200


def test_the_admin_home_counts_targets_of_the_current_year(as_user, monkeypatch):
    from datetime import date

    from app.core import clock

    monkeypatch.setattr(clock, "today", lambda: date(2024, 6, 1))
    page = as_user("alice").get("/").text
    assert "2024年目标" in page
    assert "本年度无目标" not in page


def test_the_admin_home_says_when_this_year_has_no_targets(as_user, monkeypatch):
    from datetime import date

    from app.core import clock

    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 29))
    page = as_user("alice").get("/").text
    assert "本年度无目标" in page
    assert "2026年11月29日" in page


def test_today_is_reckoned_in_business_time_whatever_the_server_zone(monkeypatch):
    from datetime import UTC, datetime

    from app.core import clock

    late_evening_utc = datetime(2026, 11, 29, 17, 30, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: late_evening_utc)
    monkeypatch.setenv("TZ", "UTC")
    assert clock.today().isoformat() == "2026-11-30"


@pytest.mark.parametrize("username", ["lee", "mei", "cai"])
@pytest.mark.parametrize(
    "path", ["/admin/users", "/admin/users/new", "/admin/teams", "/admin/targets"]
)
def test_admin_pages_are_forbidden_to_other_roles(as_user, username, path):
    response = as_user(username).get(path)
    assert response.status_code == 403
    assert "无权访问" in response.text


def test_an_unknown_page_answers_404_in_chinese(as_user):
    response = as_user("mei").get("/no-such-page")
    assert response.status_code == 404
    assert "未找到" in response.text


def test_a_page_asked_for_with_a_malformed_id_answers_404_in_chinese(as_user, api_token):
    member = as_user("mei")
    response = member.get("/households/abc")
    assert response.status_code == 404 and '<html lang="zh-CN">' in response.text
    assert "未找到" in response.text and "Not Found" not in response.text
    api = member.get("/api/v1/households/abc", headers=api_token("mei"))
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["path", "household_id"]


def test_htmx_is_refused_in_a_short_message_to_show_beside_its_control(as_user):
    mei = as_user("mei")
    htmx = {"HX-Request": "true"}
    forbidden = mei.get("/admin/users", headers=htmx)
    assert forbidden.status_code == 403
    assert forbidden.headers["content-type"].startswith("text/plain")
    assert "无权访问" in forbidden.text and "<" not in forbidden.text
    missing = mei.get("/no-such-page", headers=htmx)
    assert (missing.status_code, missing.text) == (404, "未找到")
    assert "HX-Request" in missing.headers["vary"]


def test_htmx_sent_what_cannot_be_read_is_said_beside_its_control_not_swapped_in(as_user):
    lead = as_user("lee")
    headers = {"HX-Request": "true", "X-CSRF-Token": csrf_token(lead, "/assign")}
    unreadable = lead.post("/assign", data={"household_ids": "x"}, headers=headers)
    assert unreadable.status_code == 400  # a 422 would be swapped in place of the rows
    assert unreadable.headers["content-type"].startswith("text/plain")


def test_a_cadre_linked_to_their_record_can_open_their_household(as_user, db):
    from tests.factories import household, person, user_named

    own = person(db, household(db, "瓦窑村"), name="蔡书记", insurance_status="resident")
    cai = user_named(db, "cai")
    cai.person_id = own.id
    db.add(cai)
    db.commit()
    client = as_user("cai")
    page = client.get("/").text
    assert "我的参保档案" in page and "城乡居民养老保险" in page
    assert client.get(f"/households/{own.household_id}").status_code == 200
