"""Exporting the filtered registry as a spreadsheet with the import template's columns, so an
exported list can be corrected and imported again. Numbers are masked unless an admin asks for
them in full, which is recorded."""

import codecs
import csv
import io
import tempfile
from array import array
from collections import namedtuple
from collections.abc import Callable, Iterator
from datetime import date
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import Select, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.core import crypto
from app.domain.codes import Role
from app.domain.identifiers import InvalidIdentifier, mask_id_number, mask_phone, parse_id_number
from app.domain.imports import (
    HEADERS,
    RELATION_WORDS,
    STATUS_WORDS,
    SUBSIDY_WORDS,
    template_headers,
)
from app.domain.paging import batches
from app.domain.spreadsheets import formula_like, marked_text, safe_cell
from app.models import Household, Person, PersonKeyGroup, PersonSubsidy, Region, User
from app.services import audit
from app.services.households import HouseholdFilters, filter_conditions
from app.services.scope import visible_households

# Households read at a time: their people, key groups and subsidies come in three statements.
CHUNK = 1000
# Rows an .xlsx sheet holds, the header row included (the file format's limit, Excel's too).
XLSX_MAX_ROWS = 1_048_576
# An export smaller than this stays in memory; a larger one goes to a temporary file on disk.
SPOOL_BYTES = 4 * 1024 * 1024
# The template's columns, in its order (a person's sex comes from the ID number).
EXPORT_FIELDS = [name for name in HEADERS if name != "sex"]


def _first_word(words: dict) -> dict[str, str]:
    return {str(code): text.split()[0] for code, text in words.items()}


RELATION_TEXT = _first_word(RELATION_WORDS)
STATUS_TEXT = _first_word(STATUS_WORDS)
SUBSIDY_TEXT = _first_word(SUBSIDY_WORDS)


def may_export_full_numbers(user: User) -> bool:
    return user.role == Role.admin


def rows(
    session: Session, user: User, filters: HouseholdFilters, today: date, full: bool
) -> Iterator[list[str]]:
    """One row per person of the households the user may see and the filters keep, by village,
    household and person. The households are found once, in that order, then read CHUNK at a
    time with their people: each batch costs the same three statements however far down the
    list it is (paging the people with OFFSET re-sorted and skipped everything before each
    page, hours for a city)."""
    full = full and may_export_full_numbers(user)
    chosen = {k: str(v) for k, v in vars(filters).items() if v not in (None, "", False)}
    if "q" in chosen:
        chosen["q"] = masked_search(chosen["q"], today)
    audit.record(
        session, "export", user=user, target="households", full_numbers=full, filters=chosen
    )
    session.commit()
    places = _places(session)
    ordered = _matching(session, user, filters, today).order_by(Household.village_id, Household.id)
    # Eight bytes a household (a city's 700 000 take 5.6 MB), read as the database sends them.
    streamed = ordered.execution_options(yield_per=CHUNK)
    household_ids = array("q", session.connection().execute(streamed).scalars())
    for batch in batches(household_ids, CHUNK):
        chunk = batch.tolist()
        links = _links(session, chunk)
        for person in _people(session, chunk):
            yield _row(person, places, links, full)


def fits_one_sheet(session: Session, user: User, filters: HouseholdFilters, today: date) -> bool:
    """Whether the export's people and its header fit in one .xlsx sheet. A longer list is
    refused before any work rather than cut short or split over sheets: the importer reads
    the first sheet only, and Excel opens no more rows than that anyway."""
    # Joined rather than "household IN (…)" (ten times faster for a whole city); aliased so
    # that the filters' own questions about a household's people stay about that household.
    counted = aliased(Person)
    people = (
        select(func.count())
        .select_from(counted)
        .join(Household, col(Household.id) == counted.household_id)
        .where(visible_households(session, user), *filter_conditions(filters, today))
    )
    return fits_xlsx(session.exec(people).one())


def fits_xlsx(rows: int) -> bool:
    """Whether so many rows and a header row fit in one .xlsx sheet."""
    return rows + 1 <= XLSX_MAX_ROWS


def _matching(session: Session, user: User, filters: HouseholdFilters, today: date) -> Select:
    """The ids of the households the user may see and the filters keep."""
    return select(Household.id).where(
        visible_households(session, user), *filter_conditions(filters, today)
    )


def masked_search(q: str, today: date) -> str:
    """A search as the audit keeps it: an ID number only masked."""
    try:
        return mask_id_number(parse_id_number(q, today).number)
    except InvalidIdentifier:
        return q


# What a row shows of a person and their household, read through Core into plain tuples:
# building ORM objects (or reading SQLAlchemy rows by name) for a city's 2.3 million people
# took most of the export's time.
ROW_COLUMNS = (
    Person.id,
    Person.name,
    Person.id_number_encrypted,
    Person.id_number_masked,
    Person.phone,
    Person.relation,
    Person.insurance_status,
    Person.resident_tier,
    Person.years_paid,
    Person.stopped_since,
    Person.occupation,
    Person.is_cadre,
    Household.address,
    Household.village_id,
    Household.household_key,
    Household.village_group,
    Household.grid,
)
PersonRow = namedtuple("PersonRow", [column.key for column in ROW_COLUMNS])


def _places(session: Session) -> dict[int, tuple[str, str]]:
    """Each village's township name and its own, by the village's id."""
    regions = {r.id: r for r in session.exec(select(Region))}
    return {
        r.id: (regions[r.parent_id].name if r.parent_id in regions else "", r.name)
        for r in regions.values()
    }


def _people(session: Session, household_ids: list[int]) -> list[PersonRow]:
    """The people of these households with their household's columns, in the export's order."""
    query = (
        select(*ROW_COLUMNS)
        .join(Household, col(Household.id) == Person.household_id)
        .where(col(Household.id).in_(household_ids))
        .order_by(Household.village_id, Household.id, Person.id)
    )
    return [PersonRow._make(row) for row in session.connection().execute(query)]


def _links(session: Session, household_ids: list[int]) -> dict[tuple[str, int], list]:
    """The key groups and subsidies of everyone in these households, by person."""
    found: dict[tuple[str, int], list] = {}
    for table, column, kind in (
        (PersonKeyGroup, PersonKeyGroup.key_group, "groups"),
        (PersonSubsidy, PersonSubsidy.category, "subsidies"),
    ):
        query = (
            select(table.person_id, column)
            .join(Person, col(Person.id) == table.person_id)
            .where(col(Person.household_id).in_(household_ids))
        )
        for person_id, value in session.exec(query):
            found.setdefault((kind, person_id), []).append(value)
    return found


def _row(person: PersonRow, places, links, full: bool) -> list[str]:
    township, village = places[person.village_id]
    number = crypto.decrypt(person.id_number_encrypted) if full else person.id_number_masked
    phone = person.phone or ""
    values = {
        "name": person.name,
        "id_number": number,
        "phone": phone if full or not phone else mask_phone(phone),
        "address": person.address,
        "township": township,
        "village": village,
        "household_key": person.household_key or "",
        "village_group": person.village_group,
        "grid": person.grid,
        "relation": RELATION_TEXT.get(person.relation, ""),
        "key_groups": "、".join(str(g) for g in sorted(links.get(("groups", person.id), []))),
        "insurance_status": STATUS_TEXT.get(person.insurance_status, ""),
        "resident_tier": "" if person.resident_tier is None else str(person.resident_tier),
        "years_paid": "" if person.years_paid is None else str(person.years_paid),
        "stopped_since": person.stopped_since.isoformat() if person.stopped_since else "",
        "subsidy_categories": "、".join(
            SUBSIDY_TEXT[c] for c in sorted(links.get(("subsidies", person.id), []))
        ),
        "occupation": person.occupation,
        "is_cadre": "是" if person.is_cadre else "否",
    }
    return [values[name] for name in EXPORT_FIELDS]


Writer = Callable[[list[str], Iterator[list[str]], IO[bytes]], None]


def write_csv(header: list[str], data: Iterator[list[str]], out: IO[bytes]) -> None:
    """UTF-8 with a byte-order mark, which Excel opens correctly; formula-like texts behind a
    quote (safe_cell)."""
    out.write(codecs.BOM_UTF8)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow(map(safe_cell, header))
    writer.writerows(map(safe_cell, row) for row in data)
    text.flush()
    text.detach()


def write_xlsx(header: list[str], data: Iterator[list[str]], out: IO[bytes]) -> None:
    """One sheet, written row by row (openpyxl's write-only mode keeps them on disk);
    formula-like texts as text cells."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("名单")
    sheet.append(_xlsx_row(sheet, header))
    for row in data:
        sheet.append(_xlsx_row(sheet, row))
    book.save(out)


def _xlsx_row(sheet, row: list) -> list:
    return [_text_cell(sheet, value) if formula_like(value) else value for value in row]


def _text_cell(sheet, text: str) -> WriteOnlyCell:
    """A cell marked as text: openpyxl would make one beginning with "=" a formula."""
    cell = WriteOnlyCell(sheet, marked_text(text))
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


WRITERS: dict[str, Writer] = {"csv": write_csv, "xlsx": write_xlsx}


def as_csv(header: list[str], data: Iterator[list[str]]) -> bytes:
    return _in_memory(write_csv, header, data)


def as_xlsx(header: list[str], data: Iterator[list[str]]) -> bytes:
    return _in_memory(write_xlsx, header, data)


def _in_memory(write: Writer, header: list[str], data: Iterator[list[str]]) -> bytes:
    out = io.BytesIO()
    write(header, data, out)
    return out.getvalue()


def to_file(write: Writer, header: list[str], data: Iterator[list[str]]) -> IO[bytes]:
    """The data written into an anonymous temporary file (in memory while small, on disk once
    larger) and rewound for sending: a city's list, hundreds of MB, never sits in memory whole.
    The file is gone once closed."""
    # Closed here only if writing fails; otherwise by whoever sends it.
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        write(header, data, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def import_template() -> bytes:
    """The columns to fill, and a sheet that explains them and the words each understands."""
    book = Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(template_headers())
    for column in sheet.columns:
        column[0].number_format = "@"
    notes = book.create_sheet("说明")
    notes.append(["列", "说明"])
    for row in TEMPLATE_NOTES:
        notes.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _words(words: dict) -> str:
    return "；".join(text.split()[0] for text in words.values())


TEMPLATE_NOTES = [
    ("姓名", "必填"),
    (
        "身份证号",
        "必填，18位（旧的15位号码会自动转换）；请将此列设为文本格式，以免Excel丢失末尾数字",
    ),
    ("联系电话", "手机号码或带区号的固定电话，如0877-2051234"),
    ("住址", "住址或户号至少填一项；同一村（社区）内户号相同或住址相同的人员归为一户"),
    ("乡镇", "必填，须与系统中的乡镇（街道）名称一致"),
    ("村/社区", "必填，须与系统中的村（社区）名称一致"),
    ("与户主关系", _words(RELATION_WORDS)),
    ("重点群体", "填1–8的数字或群体名称，多个用“、”分隔"),
    ("参保状态", _words(STATUS_WORDS)),
    ("缴费档次", "城乡居民养老保险的年缴费档次（元）"),
    ("断缴日期", "参保状态为断缴时填写，如2024-06-30"),
    ("困难类别", _words(SUBSIDY_WORDS) + "；多个用“、”分隔"),
    ("是否村干部", "是/否"),
]
