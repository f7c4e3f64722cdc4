"""Official statistics: admins import the figures the social insurance system reports; the pages
show progress against the plan's targets from them, and say so where a figure or a target is
missing."""

import io
import re
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from app.domain.codes import Metric
from app.domain.metrics import NO_FIGURE, NO_TARGET
from app.domain.statistics import FigureKind, read_figures
from app.models import AuditEvent, OfficialFigure
from app.services import statistics
from tests.conftest import csrf_token
from tests.factories import region_named, user_named
from tests.sheets import as_csv, as_xlsx

HEADER = [
    "地区",
    "月份",
    "在职职工养老保险参保人数",
    "城乡居民养老保险缴费人数",
    "城乡居民养老保险缴费总额（元）",
    "来源",
    "报告日期",
]
HONGTA_JUNE = ["红塔区", "2024-06", "89,572", "101,234", "52,345,678.90", "人社月报", "2024-07-05"]


def upload(client, content: bytes, filename="官方数据.csv"):
    token = csrf_token(client, "/admin/statistics/import")
    files = {"file": (filename, content)}
    return client.post(
        "/admin/statistics/import",
        data={"csrf_token": token},
        files=files,
        follow_redirects=False,
    )


def figures_in_db(db) -> list[OfficialFigure]:
    return list(db.exec(select(OfficialFigure).order_by(OfficialFigure.id)))


def in_english(db, username="alice"):
    """Messages added with this feature are checked as msgids, whatever the catalogs hold."""
    person = user_named(db, username)
    person.locale = "en"
    db.add(person)
    db.commit()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_an_admin_imports_a_csv_in_any_encoding_excel_saves(as_user, db, encoding):
    answer = upload(as_user("alice"), as_csv([HONGTA_JUNE], header=HEADER, encoding=encoding))
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/admin/statistics/imports/")
    stored = {(f.kind, f.value) for f in figures_in_db(db)}
    assert stored == {
        (FigureKind.employee_in_work, Decimal(89572)),
        (FigureKind.resident_contributors, Decimal(101234)),
        (FigureKind.resident_contributions, Decimal("52345678.90")),
    }
    figure = figures_in_db(db)[0]
    assert (figure.source, figure.reported_on.isoformat()) == ("人社月报", "2024-07-05")
    assert figure.region_id == region_named(db, "红塔区").id
    assert figure.imported_by_id == user_named(db, "alice").id


def test_the_import_report_lists_what_was_stored(as_user):
    client = as_user("alice")
    answer = upload(client, as_csv([HONGTA_JUNE], header=HEADER))
    report = client.get(answer.headers["location"])
    assert report.status_code == 200
    assert "红塔区" in report.text
    assert "89,572" in report.text
    assert "¥52,345,678.90" in report.text


def test_an_xlsx_with_excel_dates_and_numbers_imports(as_user, db):
    row = [
        "江川区",
        datetime(2024, 6, 1),
        24000,
        50000,
        20000000.5,
        "人社月报",
        datetime(2024, 7, 5),
    ]
    answer = upload(as_user("alice"), as_xlsx([row], header=HEADER), filename="月报.xlsx")
    assert answer.status_code == 303
    stored = {f.kind: f for f in figures_in_db(db)}
    assert stored[FigureKind.resident_contributions].value == Decimal("20000000.50")
    assert stored[FigureKind.employee_in_work].month.isoformat() == "2024-06-01"


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_stored(as_user, db):
    rows = [
        HONGTA_JUNE,
        ["红塔县", "2024-06", "1", "", "", "人社月报", "2024-07-05"],
        ["江川区", "2024-06", "-5", "abc", "", "人社月报", "2024-07-05"],
    ]
    answer = upload(as_user("alice"), as_csv(rows, header=HEADER))
    assert answer.status_code == 422
    cells = re.findall(r'<td class="num">(\d+)</td><td>([^<]+)</td>', answer.text)
    assert cells == [
        ("3", "地区"),
        ("4", "在职职工养老保险参保人数"),
        ("4", "城乡居民养老保险缴费人数"),
    ]
    assert "请输入大于零的数字" in answer.text or "greater than zero" in answer.text
    assert figures_in_db(db) == []


def test_a_file_that_cannot_be_read_is_refused_next_to_the_field(as_user, db):
    answer = upload(as_user("alice"), b"hello", filename="figures.txt")
    assert answer.status_code == 422
    assert 'aria-invalid="true"' in answer.text
    assert figures_in_db(db) == []


def test_the_latest_import_of_a_unit_month_and_kind_is_in_force_and_the_earlier_kept(as_user, db):
    client = as_user("alice")
    upload(client, as_csv([HONGTA_JUNE], header=HEADER))
    corrected = [*HONGTA_JUNE[:2], "89,600", "", "", "人社月报（更正）", "2024-07-20"]
    upload(client, as_csv([corrected], header=HEADER))
    assert len(figures_in_db(db)) == 4, "the earlier figure stays for the record"
    hongta = statistics.figures_for(db, region_named(db, "红塔区").id, 2024)
    june = datetime(2024, 6, 1).date()
    assert hongta[FigureKind.employee_in_work][june].value == 89600
    assert hongta[FigureKind.employee_in_work][june].source == "人社月报（更正）"
    assert hongta[FigureKind.resident_contributors][june].value == 101234
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "official_figures_imported"))
    assert [e.detail["figures"] for e in event] == [3, 1]


def test_progress_against_hongtas_2024_attachment_targets(as_user, db):
    upload(as_user("alice"), as_csv([HONGTA_JUNE], header=HEADER))
    hongta = region_named(db, "红塔区")
    by_metric = {s.metric: s for s in statistics.standings_for(db, hongta, 2024)}
    members = by_metric[Metric.employee_in_work]
    assert (members.target, members.actual.value, members.progress) == (
        Decimal(91400),
        Decimal(89572),
        Decimal("0.9800"),
    )
    per_person = by_metric[Metric.resident_contribution_per_capita]
    assert (per_person.target, per_person.actual.value, per_person.progress) == (
        Decimal(543),
        Decimal("517.08"),
        Decimal("0.9523"),
    )
    participation = by_metric[Metric.participation_rate]
    assert participation.target == Decimal("0.96") and participation.city_wide
    assert participation.actual.value is None and participation.reason == NO_FIGURE


def test_the_progress_page_shows_targets_actuals_and_progress(as_user):
    client = as_user("alice")
    upload(client, as_csv([HONGTA_JUNE], header=HEADER))
    page = client.get("/admin/statistics?year=2024").text
    hongta = page[page.index("红塔区") :]
    assert "91,400人" in hongta
    assert "89,572人" in hongta
    assert "98%" in hongta
    assert "¥543.00" in hongta
    assert "¥517.08" in hongta
    assert "2024-06" in hongta


def test_the_city_adds_up_its_parts_only_when_every_part_reported(as_user, db):
    counties = ["红塔区", "江川区", "澄江市", "通海县", "华宁县", "易门县", "峨山县", "新平县"]
    rows = [[name, "2024-06", "30000", "", "", "月报", "2024-07-05"] for name in counties]
    client = as_user("alice")
    upload(client, as_csv(rows, header=HEADER))
    city = region_named(db, "玉溪市")
    assert statistics.figures_for(db, city.id, 2024)[FigureKind.employee_in_work] == {}
    rest = [
        [name, "2024-06", "30000", "", "", "月报", "2024-07-05"] for name in ("元江县", "市本级")
    ]
    upload(client, as_csv(rest, header=HEADER))
    [members, *_] = statistics.standings_for(db, city, 2024)
    assert members.actual.value == 300000  # nine counties and 市本级, attachment 1's total
    assert members.progress == Decimal("0.8260")  # of 363 200


def test_a_year_without_targets_says_so(as_user, db):
    later = ["红塔区", "2025-06", "95,000", "", "", "人社月报", "2025-07-05"]
    client = as_user("alice")
    upload(client, as_csv([later], header=HEADER))
    hongta = region_named(db, "红塔区")
    [members, *_] = statistics.standings_for(db, hongta, 2025)
    assert (members.target, members.actual.value, members.reason) == (None, 95000, NO_TARGET)
    page = client.get("/admin/statistics?year=2025").text
    assert "本年度无目标" in page
    assert "95,000人" in page


def test_without_official_figures_the_pages_say_so(as_user, db):
    in_english(db)
    client = as_user("alice")
    progress = client.get("/admin/statistics?year=2024").text
    assert NO_FIGURE in progress
    assert "91,400 people" in progress
    assert NO_FIGURE in client.get("/admin/statistics/figures?year=2024").text


def test_the_figures_page_lists_each_units_figures_in_force_by_month(as_user):
    client = as_user("alice")
    upload(client, as_csv([HONGTA_JUNE], header=HEADER))
    page = client.get("/admin/statistics/figures?year=2024")
    assert page.status_code == 200
    assert "89,572" in page.text
    assert "人社月报 · 2024-07-05" in page.text
    fragment = client.get("/admin/statistics/figures?year=2024", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="figures">')


def test_the_template_has_the_columns_the_import_reads(as_user):
    answer = as_user("alice").get("/admin/statistics/template.xlsx")
    assert answer.status_code == 200
    assert answer.headers["content-disposition"].startswith(
        "attachment; filename=official-statistics-template.xlsx; filename*="
    )
    book = load_workbook(io.BytesIO(answer.content))
    header = [cell.value for cell in book.worksheets[0][1]]
    assert header[:2] == ["地区", "月份"]
    assert "城乡居民养老保险缴费总额（元）" in header
    assert set(read_figures("t.xlsx", answer.content).fields) == {
        *FigureKind,
        "region",
        "month",
        "source",
        "reported_on",
    }


@pytest.mark.parametrize(
    "path",
    [
        "/admin/statistics",
        "/admin/statistics/figures",
        "/admin/statistics/import",
        "/admin/statistics/template.xlsx",
    ],
)
def test_only_admins_reach_the_statistics_pages(as_user, path):
    assert as_user("lee").get(path).status_code == 403


def test_a_lead_cannot_import_figures(as_user, db):
    client = as_user("lee")
    token = csrf_token(client, "/")
    answer = client.post(
        "/admin/statistics/import",
        data={"csrf_token": token},
        files={"file": ("x.csv", as_csv([HONGTA_JUNE], header=HEADER))},
    )
    assert answer.status_code == 403
    assert figures_in_db(db) == []
