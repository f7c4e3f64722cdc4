"""The dashboard: a unit's progress against the city's goals and its targets from the official
figures, its teams' work, the units below it and (for a lead) the teams and members, each
table downloadable with the page's numbers. Admins see any unit, a lead their own region and
below."""

import csv
import gzip
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.core import clock
from app.services import statistics
from tests.factories import assign, household, id_number, person, region_named, user_named, visit
from tests.sheets import as_csv

HEADER = [
    "地区",
    "月份",
    "在职职工养老保险参保人数",
    "城乡居民养老保险缴费人数",
    "城乡居民养老保险缴费总额（元）",
    "基本养老保险参保人数",
    "应参保人数",
    "城乡居民养老保险缴费阶段人数",
    "来源",
    "报告日期",
]


def official_figures(db, *rows):
    """Import the social insurance system's figures as an admin would."""
    report = statistics.import_figures(
        db, "官方数据.csv", as_csv(list(rows), header=HEADER), by=user_named(db, "alice")
    )
    assert not report.errors, report.errors


HONGTA_JUNE = [
    "红塔区",
    "2024-06",
    "89572",
    "101234",
    "52345678.90",
    "",
    "",
    "",
    "人社月报",
    "2024-07-05",
]
HONGTA_MAY = ["红塔区", "2024-05", "88000", "", "", "", "", "", "人社月报", "2024-06-05"]


def in_english(db, username):
    """Messages added with this feature are checked as msgids, whatever the catalogs hold."""
    person = user_named(db, username)
    person.locale = "en"
    db.add(person)
    db.commit()


def dashboard(client, region=None, year=2024):
    query = f"?year={year}" + (f"&region_id={region.id}" if region else "")
    return client.get(f"/dashboard{query}")


def gauge(page: str, metric: str, kind: str) -> str:
    found = re.search(
        rf'<li class="gauge" data-metric="{metric}" data-kind="{kind}">(.*?)</li>', page, re.S
    )
    assert found, f"no {kind} gauge for {metric}"
    return found.group(1)


# --- who sees which unit ---------------------------------------------------------------------


def test_an_admin_opens_on_the_city_in_the_current_business_year(as_user):
    page = as_user("alice").get("/dashboard").text
    assert "<h1>Dashboard · 玉溪市</h1>" in page or "玉溪市</h1>" in page
    this_year = clock.today().year
    assert f'year={this_year}" aria-current="page"' in page


def test_a_lead_opens_on_their_own_region_and_may_look_below_it(as_user, db):
    lead = as_user("lee")
    assert "北城街道</h1>" in lead.get("/dashboard").text
    village = dashboard(lead, region_named(db, "瓦窑村"))
    assert village.status_code == 200
    assert "瓦窑村</h1>" in village.text
    assert f'href="/dashboard?region_id={region_named(db, "北城街道").id}&amp;year=2024"' in (
        village.text
    ), "the way back up to the lead's region"


@pytest.mark.parametrize("name", ["红塔区", "玉兴街道", "玉溪市", "市本级"])
def test_a_lead_asking_for_a_unit_outside_their_region_finds_nothing(as_user, db, name):
    lead = as_user("lee")
    region = region_named(db, name)
    assert dashboard(lead, region).status_code == 404
    export = f"/dashboard/export.csv?region_id={region.id}&year=2024&table=children"
    assert lead.get(export).status_code == 404


@pytest.mark.parametrize("region_id", ["999999", "abc", "99999999999999999999"])
def test_a_unit_that_does_not_exist_is_not_found(as_user, region_id):
    assert as_user("alice").get(f"/dashboard?region_id={region_id}").status_code == 404


def test_an_admin_may_open_any_unit(as_user, db):
    admin = as_user("alice")
    for name in ("红塔区", "市本级", "玉兴街道", "瓦窑村"):
        assert dashboard(admin, region_named(db, name)).status_code == 200


@pytest.mark.parametrize("username", ["mei", "cai"])
@pytest.mark.parametrize("path", ["/dashboard", "/dashboard/export.csv?table=trend"])
def test_members_and_cadres_have_no_dashboard(as_user, username, path):
    assert as_user(username).get(path).status_code == 403


@pytest.mark.parametrize("username", ["alice", "lee"])
def test_the_page_is_light_and_keeps_to_the_csp(as_user, username):
    """Charts are inline SVG drawn on the server: no script, no style attribute."""
    answer = as_user(username).get("/dashboard?year=2024")
    assert " style=" not in answer.text and "<style" not in answer.text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", answer.text)
    assert len(gzip.compress(answer.content)) < 10_000


def test_signing_in_comes_first(client):
    answer = client.get("/dashboard", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/dashboard"


# --- where a unit stands ---------------------------------------------------------------------


def test_a_county_stands_against_its_own_targets_and_the_city_goals(as_user, db):
    official_figures(db, HONGTA_MAY, HONGTA_JUNE)
    in_english(db, "alice")
    page = dashboard(as_user("alice"), region_named(db, "红塔区")).text
    members = gauge(page, "employee_in_work", "target")
    assert "Target: 91,400 people · Actual: 89,572 people" in members
    assert "98% done" in members
    assert 'data-percent="98.00"' in members
    assert 'aria-label="Employee pension members in work (people) · 98% done"' in members
    own = gauge(page, "resident_contribution_per_capita", "target")
    assert "Actual: CN¥517.08" in own and "95.23% done" in own
    city_goal = gauge(page, "resident_contribution_per_capita", "goal")
    assert "CN¥500.00 (the city-wide goal)" in city_goal
    assert "103.42% done" in city_goal
    assert "data-reached" in city_goal, "reaching a goal is shown by a hatch, not a colour"
    assert "As of 2024-06 · 人社月报, reported 2024-07-05" in own


def test_where_no_official_figure_exists_the_page_says_so(as_user, db):
    in_english(db, "alice")
    page = dashboard(as_user("alice"), region_named(db, "红塔区")).text
    members = gauge(page, "employee_in_work", "target")
    assert "Actual: No official figure yet." in members
    assert 'data-percent=""' in members, "an unknown progress is no bar, never 0%"


def test_a_township_has_no_official_figures_and_says_so_once(as_user, db):
    in_english(db, "lee")
    page = as_user("lee").get("/dashboard?year=2024").text
    assert 'class="gauge" data-metric' not in page
    assert page.count("No official figure yet.") == 1


def test_a_year_without_targets_says_so(as_user, db):
    in_english(db, "alice")
    page = as_user("alice").get("/dashboard?year=2031").text
    assert 'id="dash-no-targets"' in page
    assert "No targets for this year." in page


def test_the_year_picker_offers_the_years_with_targets_or_figures(as_user, db):
    official_figures(
        db, ["红塔区", "2021-12", "80000", "", "", "", "", "", "人社月报", "2022-01-05"]
    )
    page = as_user("alice").get("/dashboard?year=2023").text
    picker = re.search(
        r'<nav class="actions" aria-label="[^"]+" id="dash-years">(.*?)</nav>', page, re.S
    )
    years = re.findall(r">(\d{4})</a>", picker.group(1))
    assert {"2021", "2022", "2023", "2024", str(clock.today().year)} <= set(years)
    assert years == sorted(years)


# --- the units below -------------------------------------------------------------------------


def table_rows(page: str, key: str) -> list[list[str]]:
    """The cells of a dashboard table as the page shows them."""
    table = re.search(rf'<table class="dash-table" id="{key}-table">(.*?)</table>', page, re.S)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1).split("<tbody>")[1], re.S)
    cells = r"<t[hd][^>]*>(.*?)</t[hd]>"
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(cells, row, re.S)]
        for row in rows
    ]


def test_the_city_lists_its_counties_and_city_level_units_each_linking_to_its_dashboard(
    as_user, db
):
    page = as_user("alice").get("/dashboard?year=2024").text
    names = [row[0] for row in table_rows(page, "children")]
    assert names[0] == "市本级" and "红塔区" in names and len(names) == 10
    hongta = region_named(db, "红塔区")
    assert f'<a href="/dashboard?region_id={hongta.id}&amp;year=2024">红塔区</a>' in page


def test_a_village_has_no_units_below(as_user, db):
    page = dashboard(as_user("alice"), region_named(db, "瓦窑村")).text
    assert 'id="children"' not in page


# --- the teams' work ---------------------------------------------------------------------------


@pytest.fixture
def visited(db):
    """Two people in a 瓦窑村 household of Mei's; she has spoken to one of them this month."""
    home = household(db, "瓦窑村", address="瓦窑村8号")
    spoken_to = person(db, home, name="住户甲", id_number=id_number(order=131))
    person(db, home, name="住户乙", id_number=id_number(order=132))
    assign(db, home, "mei")
    visit(db, home, [spoken_to], by="mei")
    return home


def test_a_lead_sees_the_work_of_their_region_teams_and_members(as_user, db, visited):
    in_english(db, "lee")
    this_year = clock.today().year
    page = as_user("lee").get(f"/dashboard?year={this_year}").text
    facts = re.search(r'<dl class="facts">(.*?)</dl>', page, re.S).group(1)
    assert re.findall(r"<dd[^>]*>(.*?)</dd>", facts)[:4] == ["1", "1", "2", "1"]
    assert 'data-work="three_ones"' in page
    assert 'data-work="contacted"' not in page, "people contacted are not a part of the eligible"
    teams = {(row[0], row[1]): row[2:] for row in table_rows(page, "teams")}
    assert set(teams) == {
        ("北城一队", "Whole team"),
        ("北城一队", "梅队员"),
        ("北城一队", "明队员"),
        ("北城二队", "Whole team"),
    }
    assert teams[("北城一队", "梅队员")][:4] == ["1", "1", "2", "1"]
    assert teams[("北城一队", "明队员")][:4] == ["0", "0", "0", "0"]


def test_an_admin_has_no_teams_table(as_user, visited):
    assert 'id="teams"' not in as_user("alice").get("/dashboard").text


def test_the_month_of_the_visit_has_a_column_in_the_trend(as_user, db, visited):
    today = clock.today()
    page = as_user("lee").get(f"/dashboard?year={today.year}").text
    chart = re.search(r'<svg class="dash-chart".*?</svg>', page, re.S).group(0)
    assert f"<title>{today.month}: 1</title>" in chart
    assert chart.count("<rect ") == 1, "one column: the month with a contact"
    months = {row[0]: row for row in table_rows(page, "trend")}
    assert months[today.strftime("%Y-%m")][4] == "1"


def test_a_year_before_the_work_was_counted_says_so(as_user, db):
    official_figures(
        db, ["红塔区", "2021-12", "80000", "", "", "", "", "", "人社月报", "2022-01-05"]
    )
    in_english(db, "alice")
    page = dashboard(as_user("alice"), region_named(db, "红塔区"), year=2021).text
    assert "The teams&#39; work is counted from 2022 on." in page
    assert table_rows(page, "trend")[0][0] == "2021-12"


# --- exports ---------------------------------------------------------------------------------


def export(client, table, fmt="csv", region=None, year=2024):
    query = f"?year={year}&table={table}" + (f"&region_id={region.id}" if region else "")
    return client.get(f"/dashboard/export.{fmt}{query}")


def csv_rows(answer) -> list[list[str]]:
    assert answer.content.startswith("\ufeff".encode()), "Excel reads UTF-8 with a BOM"
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))


def xlsx_rows(answer) -> list[list]:
    sheet = load_workbook(io.BytesIO(answer.content)).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("¥", "").rstrip("%"))


def test_the_units_export_has_the_pages_numbers(as_user, db):
    official_figures(db, HONGTA_JUNE)
    admin = as_user("alice")
    page = admin.get("/dashboard?year=2024").text
    thead = re.search(r'id="children-table">(.*?)</thead>', page, re.S).group(1)
    headings = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', thead)
    header, *rows = csv_rows(export(admin, "children"))
    on_page = [header.index(heading) for heading in headings]
    shown = table_rows(page, "children")
    assert len(rows) == len(shown)
    for page_row, sheet_row in zip(shown, rows, strict=True):
        assert page_row[0] == sheet_row[0]
        for cell, index in zip(page_row[1:], on_page[1:], strict=True):
            assert (
                sheet_row[index] == "" if cell == "—" else number(cell) == Decimal(sheet_row[index])
            )
    hongta = next(row for row in rows if row[0] == "红塔区")
    assert "89572" in hongta and "91400" in hongta, "the export also has actual and target"


@pytest.mark.parametrize("table", ["children", "teams", "trend"])
def test_the_work_exports_have_the_pages_numbers(as_user, db, visited, table):
    lead = as_user("lee")
    year = clock.today().year
    shown = table_rows(lead.get(f"/dashboard?year={year}").text, table)
    _header, *rows = csv_rows(export(lead, table, year=year))
    assert [row[: len(shown[0])] for row in rows] == [
        [cell.replace("—", "") for cell in row] for row in shown
    ]


def test_csv_and_xlsx_exports_agree(as_user, db):
    official_figures(db, HONGTA_JUNE)
    admin = as_user("alice")
    hongta = region_named(db, "红塔区")
    for table in ("standings", "children", "trend"):
        from_csv = csv_rows(export(admin, table, "csv", hongta))
        from_xlsx = xlsx_rows(export(admin, table, "xlsx", hongta))
        assert [[str(v) for v in row] for row in from_xlsx] == from_csv


def test_a_team_named_like_a_formula_is_exported_as_text_its_figures_as_numbers(
    as_user, db, visited
):
    from sqlmodel import select

    from app.models import Team

    first = db.exec(select(Team).where(Team.name == "北城一队")).one()
    first.name = "=cmd|'/c calc'!A1"
    db.add(first)
    db.commit()
    lead = as_user("lee")
    year = clock.today().year
    _header, whole_team, *_members = csv_rows(export(lead, "teams", year=year))
    assert whole_team[:3] == ["'=cmd|'/c calc'!A1", "全队", "1"]
    sheet = load_workbook(io.BytesIO(export(lead, "teams", "xlsx", year=year).content)).active
    team, member, households, *_rest = next(sheet.iter_rows(min_row=2, max_row=2))
    assert (team.value, team.data_type, team.quotePrefix) == ("=cmd|'/c calc'!A1", "s", True)
    assert (member.value, member.quotePrefix) == ("全队", False)
    assert (households.value, households.data_type) == (1, "n")


def test_the_standings_export_lists_goals_and_targets_in_plain_numbers(as_user, db):
    official_figures(db, HONGTA_JUNE)
    in_english(db, "alice")
    header, *rows = csv_rows(
        export(as_user("alice"), "standings", region=region_named(db, "红塔区"))
    )
    assert header[:4] == ["Metric", "Goal or target", "Unit of measure", "Target"]
    members = next(row for row in rows if row[0] == "Employee pension members in work (people)")
    assert members[1:7] == ["Target", "people", "91400", "89572", "2024-06", "98"]
    rate = next(row for row in rows if row[0] == "Basic pension participation rate")
    assert rate[3] == "96" and rate[7] == "No official figure yet."


def test_an_export_is_named_after_its_unit_year_and_table(as_user, db):
    answer = export(as_user("alice"), "children", "xlsx")
    assert answer.status_code == 200
    assert "spreadsheetml" in answer.headers["content-type"]
    assert "%E7%8E%89%E6%BA%AA%E5%B8%82-2024-" in answer.headers["content-disposition"]
    plain = "attachment; filename=dashboard-530400-2024-children.xlsx; filename*="
    assert answer.headers["content-disposition"].startswith(plain)


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/export.pdf?table=children",
        "/dashboard/export.csv?table=everything",
        "/dashboard/export.csv",
        "/dashboard/export.csv?table=teams",
    ],
)
def test_unknown_formats_and_tables_are_not_found(as_user, path):
    assert as_user("alice").get(path).status_code == 404, "an admin leads no teams here"


def test_every_export_is_recorded_in_the_audit_log(as_user, db):
    from sqlmodel import select

    from app.models import AuditEvent

    hongta = region_named(db, "红塔区")
    export(as_user("alice"), "children", "xlsx", hongta)
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert event.target == f"dashboard:{hongta.id}" and event.detail["table"] == "children"
