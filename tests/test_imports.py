"""Importing lists through the pages: dry run first, then commit; people matched by ID number,
look-alikes reviewed, nothing half-written."""

import gc
import io
import re
from datetime import date

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import col, func, select

from app.core import clock
from app.core.db import bulk_insert
from app.domain.codes import Role
from app.models import (
    AuditEvent,
    Household,
    ImportJob,
    ImportReview,
    Person,
    PersonKeyGroup,
    PersonSubsidy,
)
from app.services import imports
from tests.conftest import csrf_token
from tests.factories import (
    household,
    id_number,
    person,
    region,
    region_named,
    team,
    user,
    user_named,
)
from tests.sheets import as_csv, as_xlsx, person_row

WANG = id_number("530402", "19800101", 123)
LI = id_number("530402", "19850505", 222)


def upload(client, content: bytes, filename="名单.csv", dry_run=True):
    token = csrf_token(client, "/imports")
    data = {"csrf_token": token, **({"dry_run": "true"} if dry_run else {})}
    files = {"file": (filename, content)}
    return client.post("/imports", data=data, files=files)


def count(db, table) -> int:
    return db.exec(select(func.count()).select_from(table)).one()


def two_people_one_bad() -> bytes:
    return as_csv(
        [
            person_row(name="王大海", number=WANG),
            person_row(name="李秀英", number=LI, sex="女", phone="12345"),
            person_row(
                name="王小海",
                number=id_number(born="20050607", order=125),
                groups="",
                status="",
                subsidy="",
            ),
        ]
    )  # the same 户号: one household


def test_a_dry_run_reports_row_errors_and_writes_nothing(as_user, db):
    page = upload(as_user("lee"), two_people_one_bad(), filename="名单.csv")
    assert page.status_code == 200
    assert "试导入：尚未写入任何数据" in page.text
    assert re.search(r"<td class=\"num\">3</td><td>联系电话</td>", page.text)
    assert count(db, Person) == 0
    job = db.exec(select(ImportJob)).one()
    assert (job.rows, job.valid, job.dry_run) == (3, 2, True)


def test_committing_a_dry_run_imports_the_valid_rows_into_one_household(as_user, db):
    client = as_user("lee")
    report = upload(client, two_people_one_bad())
    job_id = re.search(r'action="/imports/(\d+)/commit"', report.text).group(1)
    token = csrf_token(client, f"/imports/{job_id}")
    done = client.post(f"/imports/{job_id}/commit", data={"csrf_token": token})
    assert done.status_code == 200
    assert "已导入" in done.text
    assert count(db, Person) == 2
    assert count(db, Household) == 1
    wang = db.exec(select(Person).where(Person.name == "王大海")).one()
    assert wang.id_number_masked == f"530402********{WANG[-4:]}"
    assert db.get(ImportJob, int(job_id)).content is None, "the kept file is dropped"
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "import_committed")).one()
    assert event.detail == {"created": 2, "updated": 0, "to_review": 0}


def test_a_reimport_updates_people_without_doubling_them(as_user, db):
    client = as_user("lee")
    upload(client, as_csv([person_row(number=WANG, status="未参保")]), dry_run=False)
    upload(client, as_csv([person_row(number=WANG, status="灵活就业")]), dry_run=False)
    [wang] = db.exec(select(Person)).all()
    assert wang.insurance_status == "employee_flexible"
    assert db.exec(select(ImportJob).order_by(ImportJob.id.desc())).first().updated == 1


def test_a_reimport_replaces_key_groups_and_hardship_and_keeps_the_stored_number(as_user, db):
    client = as_user("lee")
    upload(client, as_csv([person_row(number=WANG, groups="4、7", subsidy="低保")]), dry_run=False)
    stored = db.exec(select(Person.id_number_encrypted)).one()
    upload(client, as_csv([person_row(number=WANG, groups="1", subsidy="")]), dry_run=False)
    [wang] = db.exec(select(Person)).all()
    assert db.exec(select(PersonKeyGroup.key_group)).all() == [1]
    assert count(db, PersonSubsidy) == 0
    assert (wang.version, wang.id_number_encrypted) == (2, stored), "one save, same ciphertext"
    assert wang.verified_by_id == user_named(db, "lee").id


def test_the_same_id_number_twice_in_one_file_is_a_row_error(as_user, db):
    content = as_csv([person_row(number=WANG), person_row(name="王大海2", number=WANG.lower())])
    page = upload(as_user("lee"), content, dry_run=False)
    assert "与第2行的身份证号码重复" in page.text
    assert count(db, Person) == 1


def test_unknown_or_foreign_villages_are_row_errors(as_user, db):
    from app.domain.codes import RegionLevel

    region(db, "太极村", RegionLevel.village, region_named(db, "玉兴街道"))
    content = as_csv(
        [
            person_row(number=WANG, village="不存在村"),
            person_row(number=LI, sex="女", township="玉兴街道", village="太极村"),
        ]
    )
    page = upload(as_user("lee"), content).text
    assert "北城街道没有不存在村" in page
    assert "该村（社区）不在您的管辖范围内" in page


def test_a_look_alike_goes_to_review_and_an_admin_merges_it(as_user, db):
    home = household(db, "瓦窑村", household_key="0012")
    registered = person(db, home, name="王大海", id_number=id_number(born="19800101", order=5))
    upload(as_user("alice"), as_csv([person_row(number=WANG)]), dry_run=False)
    assert count(db, Person) == 1, "never silently doubled"
    review = db.exec(select(ImportReview)).one()
    assert review.candidate_person_id == registered.id
    client = as_user("alice")
    queue = client.get("/imports/reviews").text
    assert "王大海" in queue
    token = csrf_token(client, "/imports/reviews")
    client.post(f"/imports/reviews/{review.id}/merge", data={"csrf_token": token})
    db.refresh(registered)
    assert registered.id_number_masked.endswith(WANG[-4:])
    assert count(db, Person) == 1


def test_keeping_a_look_alike_apart_registers_a_second_person(as_user, db):
    home = household(db, "瓦窑村", household_key="0012")
    person(db, home, name="王大海", id_number=id_number(born="19800101", order=5))
    client = as_user("alice")
    upload(client, as_csv([person_row(number=WANG)]), dry_run=False)
    review = db.exec(select(ImportReview)).one()
    token = csrf_token(client, "/imports/reviews")
    client.post(f"/imports/reviews/{review.id}/keep-apart", data={"csrf_token": token})
    assert count(db, Person) == 2
    assert count(db, Household) == 1, "same 户号, same household"


def test_a_failing_batch_writes_nothing_of_itself(as_user, db, monkeypatch):
    monkeypatch.setattr(imports, "BATCH", 2)
    original = imports._insert_people
    calls = []

    def fail_second(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        original(*args)

    monkeypatch.setattr(imports, "_insert_people", fail_second)
    rows = [person_row(number=id_number(order=n), key=f"K{n}") for n in (101, 103, 105, 107)]
    with pytest.raises(RuntimeError):
        upload(as_user("lee"), as_csv(rows), dry_run=False)
    assert count(db, Person) == 2, "the first batch stays, the second left no trace"
    assert count(db, Household) == 2
    assert db.exec(select(ImportJob)).one().status == "failed"


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("名单.pdf", b"%PDF-1.4", "请上传Excel文件"),
        ("名单.csv", b"", "文件是空的"),
    ],
)
def test_a_wrong_file_gets_a_clear_message(as_user, filename, content, message):
    page = upload(as_user("lee"), content, filename=filename)
    assert page.status_code == 422
    assert message in page.text


def test_xlsx_files_import_too(as_user, db):
    upload(as_user("lee"), as_xlsx([person_row(number=WANG)]), "名单.xlsx", dry_run=False)
    assert count(db, Person) == 1


def test_members_cannot_import(as_user):
    assert as_user("mei").get("/imports").status_code == 403


def test_a_leads_import_report_is_not_anothers(as_user, db, client):
    upload(as_user("lee"), as_csv([person_row(number=WANG)]))
    job = db.exec(select(ImportJob)).one()
    township = region_named(db, "北城街道")
    user(db, "lee2", Role.lead, township, (team(db, "新队", township),), "另一队长")
    client.cookies.clear()
    assert as_user("lee2").get(f"/imports/{job.id}").status_code == 404
    client.cookies.clear()
    assert as_user("alice").get(f"/imports/{job.id}").status_code == 200


def test_large_files_run_in_the_background_with_progress(as_user, db, monkeypatch):
    monkeypatch.setattr(imports, "SYNC_ROWS", 1)
    rows = [person_row(number=id_number(order=n), key=f"K{n}") for n in (101, 103, 105)]
    page = upload(as_user("lee"), as_csv(rows), dry_run=False)
    assert count(db, Person) == 3
    assert "已导入" in page.text


def test_the_template_downloads_with_every_column(as_user):

    response = as_user("lee").get("/imports/template.xlsx")
    assert response.headers["content-disposition"].startswith(
        "attachment; filename=import-template.xlsx; filename*="
    )
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    header = sheet.to_python()[0]
    assert header[:3] == ["姓名", "身份证号", "联系电话"]
    assert "困难类别" in header and "是否村干部" in header


def test_a_lead_cannot_change_someone_registered_outside_their_region(as_user, db):
    from app.domain.codes import RegionLevel

    taiji = region(db, "太极村", RegionLevel.village, region_named(db, "玉兴街道"))
    elsewhere = person(db, household(db, taiji.name), name="赵远", id_number=WANG)
    page = upload(as_user("lee"), as_csv([person_row(name="被改名", number=WANG)]), dry_run=False)
    assert "该身份证号码已登记在您管辖范围以外" in page.text
    db.refresh(elsewhere)
    assert elsewhere.name == "赵远"


def test_circled_numbers_in_a_cell_are_a_row_error_not_a_crash(as_user, db):
    page = upload(as_user("lee"), as_csv([person_row(number=WANG, groups="①、④")]))
    assert page.status_code == 200
    assert "请从列表中选择重点群体" in page.text


def test_overlapping_runs_give_the_collector_back_as_they_found_it():
    """The collector's setting is the process's: a run ending while another still goes must
    not restore it, nor the other leave it relaxed for good."""
    found = gc.get_threshold()
    relaxed = imports.collector_relaxed
    relaxed.__enter__()
    relaxed.__enter__()
    relaxed.__exit__(None, None, None)
    assert gc.get_threshold() == imports.RELAXED_GC
    relaxed.__exit__(None, None, None)
    assert gc.get_threshold() == found


def test_nul_characters_in_a_file_are_dropped_before_its_rows_are_checked(as_user, db):
    """As the database will hold the text: a household found by its address again, a name of
    NUL alone a missing name (the same address with a NUL in it was a KeyError)."""
    rows = [
        person_row(name="王\x00大海", number=WANG, address="瓦窑村\x0012号", key=""),
        person_row(name="\x00", number=LI, sex="女"),
    ]
    page = upload(as_user("lee"), as_csv(rows), dry_run=False)
    assert "请输入姓名" in page.text
    assert db.exec(select(Person.name)).one() == "王大海"
    assert db.exec(select(Household.address)).one() == "瓦窑村12号"


def test_imported_dates_and_times_are_stored_as_the_orm_stores_them(as_user, db):
    """Found again by the values the ORM binds: stored in another text form (SQLite keeps dates
    and times as text), they would not match."""
    upload(as_user("lee"), as_csv([person_row(number=WANG)]), dry_run=False)
    wang = db.exec(select(Person)).one()
    assert wang.birth_date == date(1980, 1, 1)
    assert wang.created_at == wang.updated_at == wang.verified_at
    found = select(Person.id).where(
        Person.birth_date == date(1980, 1, 1),
        Person.retires_on == wang.retires_on,
        Person.created_at == wang.created_at,
        Person.verified_at == wang.verified_at,
        col(Person.is_cadre).is_(False),
    )
    assert db.exec(found).one() == wang.id
    home = db.exec(select(Household)).one()
    assert db.exec(select(Household.id).where(Household.created_at == home.created_at)).one()


def test_a_bulk_insert_gives_left_out_columns_their_defaults_and_drops_nul(db):
    """Rows go past Core's insert as plain tuples: defaults and the NUL filter still apply."""
    now = clock.now()
    village = region_named(db, "瓦窑村").id
    row = {"address": "瓦窑村\x009号", "village_id": village, "created_at": now, "updated_at": now}
    bulk_insert(db, Household, [row])
    db.commit()
    home = db.exec(select(Household)).one()
    assert (home.address, home.created_at) == ("瓦窑村9号", now)
    assert (home.kind, home.notes, home.village_group, home.grid, home.version) == (
        "household",
        "",
        "",
        "",
        1,
    )
    assert home.household_key is None


def test_a_person_saved_by_someone_else_during_a_reimport_fails_its_batch(as_user, db, monkeypatch):
    """The versions a batch read are the ones its UPDATE requires: an edit committed in between
    is never overwritten."""
    client = as_user("lee")
    upload(client, as_csv([person_row(number=WANG, status="未参保")]), dry_run=False)
    original = imports._update_people

    def edited_meanwhile(session, people, now, user):
        session.connection().exec_driver_sql("UPDATE person SET version = version + 1")
        original(session, people, now, user)

    monkeypatch.setattr(imports, "_update_people", edited_meanwhile)
    with pytest.raises(StaleDataError):
        upload(client, as_csv([person_row(number=WANG, status="灵活就业")]), dry_run=False)
    db.expire_all()
    wang = db.exec(select(Person)).one()
    assert (wang.insurance_status, wang.version) == ("none", 1)
    assert db.exec(select(ImportJob.status).order_by(ImportJob.id.desc())).first() == "failed"
