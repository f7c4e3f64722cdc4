"""Exporting the filtered list: the import template's columns, masked unless an admin asks."""

import csv
import io

import pytest
from python_calamine import CalamineWorkbook
from sqlmodel import select

from app.models import AuditEvent
from tests.factories import household, id_number, person

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
    from app.models import Person
    from tests.test_imports import upload

    client = as_user("alice")
    exported = client.get("/households/export.xlsx?full=1").content
    upload(client, exported, filename="回导.xlsx", dry_run=False)
    assert len(db.exec(select(Person)).all()) == 2


def test_members_cannot_export(as_user):
    assert as_user("mei").get("/households/export.csv").status_code == 403
