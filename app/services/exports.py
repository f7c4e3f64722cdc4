"""Exporting the filtered registry as a spreadsheet with the import template's columns, so an
exported list can be corrected and imported again. Numbers are masked unless an admin asks for
them in full, which is recorded."""

import csv
import io
from collections.abc import Iterator
from datetime import date

from openpyxl import Workbook
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
from app.models import Household, Person, PersonKeyGroup, PersonSubsidy, Region, User
from app.services import audit
from app.services.households import HouseholdFilters, filter_conditions
from app.services.scope import visible_households

CHUNK = 1000
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
    """One row per person of the households the user may see and the filters keep."""
    full = full and may_export_full_numbers(user)
    chosen = {k: str(v) for k, v in vars(filters).items() if v not in (None, "", False)}
    if "q" in chosen:
        chosen["q"] = masked_search(chosen["q"], today)
    audit.record(
        session, "export", user=user, target="households", full_numbers=full, filters=chosen
    )
    session.commit()
    regions = {r.id: r for r in session.exec(select(Region))}
    matching = (
        select(Household.id)
        .where(visible_households(session, user), *filter_conditions(filters, today))
        .correlate(None)
    )
    query = (
        select(Person, Household)
        .join(Household, col(Household.id) == Person.household_id)
        .where(col(Household.id).in_(matching))
        .order_by(Household.village_id, Household.id, Person.id)
    )
    offset = 0
    while chunk := session.exec(query.offset(offset).limit(CHUNK)).all():
        links = _links(session, [person.id for person, _household in chunk])
        for person, household in chunk:
            yield _row(person, household, regions, links, full)
        offset += CHUNK


def masked_search(q: str, today: date) -> str:
    """A search as the audit keeps it: an ID number only masked."""
    try:
        return mask_id_number(parse_id_number(q, today).number)
    except InvalidIdentifier:
        return q


def _links(session: Session, person_ids: list[int]) -> dict[tuple[str, int], list]:
    found: dict[tuple[str, int], list] = {}
    for table, column, kind in (
        (PersonKeyGroup, PersonKeyGroup.key_group, "groups"),
        (PersonSubsidy, PersonSubsidy.category, "subsidies"),
    ):
        for person_id, value in session.exec(
            select(table.person_id, column).where(col(table.person_id).in_(person_ids))
        ):
            found.setdefault((kind, person_id), []).append(value)
    return found


def _row(person: Person, household: Household, regions, links, full: bool) -> list[str]:
    village = regions[household.village_id]
    township = regions.get(village.parent_id)
    number = crypto.decrypt(person.id_number_encrypted) if full else person.id_number_masked
    phone = person.phone or ""
    values = {
        "name": person.name,
        "id_number": number,
        "phone": phone if full or not phone else mask_phone(phone),
        "address": household.address,
        "township": township.name if township else "",
        "village": village.name,
        "household_key": household.household_key or "",
        "village_group": household.village_group,
        "grid": household.grid,
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


def as_csv(header: list[str], data: Iterator[list[str]]) -> bytes:
    """UTF-8 with a byte-order mark, which Excel opens correctly."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(data)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def as_xlsx(header: list[str], data: Iterator[list[str]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("名单")
    sheet.append(header)
    for row in data:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
