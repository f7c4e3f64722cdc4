"""Reading department lists: Excel or CSV in UTF-8 or GBK, headers understood, each row checked
with the row number and column header a spreadsheet user sees."""

from datetime import date

import pytest

from app.domain.imports import CheckedRow, UnreadableFile, check_rows, read_table
from tests.factories import id_number
from tests.sheets import HEADER, as_csv, as_xlsx, person_row

TODAY = date(2026, 11, 29)


def checked(filename, content):
    return list(check_rows(read_table(filename, content), TODAY))


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("名单.csv", as_csv([person_row()])),
        ("名单.csv", "\ufeff".encode() + as_csv([person_row()])),
        ("名单.csv", as_csv([person_row()], encoding="gbk")),
        ("名单.csv", as_csv([person_row()], encoding="gb18030")),
        ("名单.xlsx", as_xlsx([person_row()])),
    ],
)
def test_every_accepted_format_reads_the_same_person(filename, content):
    [row] = checked(filename, content)
    assert isinstance(row, CheckedRow)
    assert row.person.name == "王大海"
    assert (row.township, row.village, row.household_key) == ("北城街道", "瓦窑村", "0012")
    assert row.person.key_groups == {4, 7}
    assert row.person.insurance_status == "resident"
    assert row.person.subsidy_categories == {"low_income"}


def test_unknown_columns_are_listed_not_refused():
    assert read_table("x.csv", as_csv([person_row()])).unknown_columns == ["备注"]


def test_a_missing_required_column_names_it():
    header = [h for h in HEADER if h != "身份证号"]
    with pytest.raises(UnreadableFile) as raised:
        read_table("x.csv", as_csv([person_row()[:1] + person_row()[2:]], header=header))
    assert raised.value.message.values == {"columns": "身份证号"}


@pytest.mark.parametrize(
    ("filename", "content"),
    [("名单.pdf", b"%PDF"), ("名单.xlsx", b"not a workbook"), ("名单.csv", b"")],
)
def test_unreadable_files_get_a_message(filename, content):
    with pytest.raises(UnreadableFile):
        read_table(filename, content)


def test_too_large_a_file_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr("app.domain.imports.MAX_BYTES", 10)
    with pytest.raises(UnreadableFile) as raised:
        read_table("x.csv", as_csv([person_row()]))
    assert "20 MB" in raised.value.message.text


def test_row_errors_carry_the_spreadsheet_row_and_header():
    bad = id_number(born="19800230")
    rows = checked("x.csv", as_csv([person_row(), person_row(number=bad, phone="123")]))
    errors = rows[1]
    assert {(e.row, e.column) for e in errors} == {(3, "身份证号"), (3, "联系电话")}


def test_an_id_number_excel_turned_into_a_number_is_explained():
    row = person_row()
    row[1] = 530402198001011234  # stored as a number by Excel
    [errors] = checked("x.xlsx", as_xlsx([row]))
    assert "format the column as text" in errors[0].message.text


def test_names_of_groups_statuses_and_categories_are_understood():
    row = person_row(groups="新就业形态、6", status="断缴", subsidy="4050、重度残疾")
    stopped = [*row[:-1], "2024-01-01"]
    [checked_row] = checked("x.csv", as_csv([stopped], header=[*HEADER[:-1], "断缴日期"]))
    assert checked_row.person.key_groups == {4, 6}
    assert checked_row.person.insurance_status == "stopped"
    assert checked_row.person.subsidy_categories == {"employment_difficulty", "severe_disability"}


def test_a_sex_that_contradicts_the_id_number_is_a_row_error():
    [errors] = checked("x.csv", as_csv([person_row(sex="女")]))
    assert errors[0].column == "性别"


def test_township_village_and_address_or_key_are_required():
    [errors] = checked("x.csv", as_csv([person_row(township="", address="", key="")]))
    assert {e.column for e in errors} == {"乡镇", "住址"}


def test_a_csv_saved_with_old_mac_line_ends_is_read_row_by_row():
    content = as_csv([person_row(), person_row(name="李四")]).replace(b"\r\n", b"\r")
    content = content.replace(b"\n", b"\r")
    assert len(read_table("x.csv", content).rows) == 2
