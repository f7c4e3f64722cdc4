"""Spreadsheet files as departments send them, built in memory for tests."""

import csv
import io

from openpyxl import Workbook

from tests.factories import id_number

HEADER = [
    "姓名",
    "身份证号",
    "性别",
    "联系电话",
    "住址",
    "乡镇",
    "村/社区",
    "户号",
    "重点群体",
    "参保状态",
    "困难类别",
    "是否村干部",
    "备注",
]


def person_row(
    name="王大海",
    number=None,
    sex="男",
    phone="13812345678",
    address="瓦窑村12号",
    township="北城街道",
    village="瓦窑村",
    key="0012",
    groups="4、7",
    status="城乡居民",
    subsidy="低保",
    cadre="否",
    note="",
):
    return [
        name,
        number or id_number(),
        sex,
        phone,
        address,
        township,
        village,
        key,
        groups,
        status,
        subsidy,
        cadre,
        note,
    ]


def as_csv(rows, header=HEADER, encoding="utf-8") -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows([header, *rows])
    return text.getvalue().encode(encoding)


def as_xlsx(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in [header, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
