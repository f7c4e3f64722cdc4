"""Reading the lists departments hand over (Excel .xlsx, or CSV in UTF-8 or GB18030/GBK as
Chinese Excel saves it) and checking them row by row, as a spreadsheet user counts rows (the
header is row 1). Pure: bytes in, rows and messages out."""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from python_calamine import CalamineWorkbook

from app.core.i18n import N_, Message
from app.domain.codes import InsuranceStatus, Relation, SubsidyCategory
from app.domain.registry import LENGTHS, PersonForm, PersonValues, check_person
from app.domain.spreadsheets import unquoted
from app.domain.validation import Invalid, within

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000

# Field → the header texts that mean it (the first is the template's).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码"),
    "sex": ("性别",),
    "phone": ("联系电话", "电话", "手机号码", "手机"),
    "address": ("住址", "家庭住址", "地址"),
    "township": ("乡镇", "乡镇/街道", "乡镇（街道）", "街道"),
    "village": ("村/社区", "村", "社区", "村（社区）"),
    "household_key": ("户号",),
    "village_group": ("村民小组",),
    "grid": ("网格",),
    "relation": ("与户主关系",),
    "key_groups": ("重点群体",),
    "insurance_status": ("参保状态",),
    "resident_tier": ("缴费档次",),
    "years_paid": ("缴费年限", "已缴费年限"),
    "stopped_since": ("断缴日期", "断缴时间"),
    "subsidy_categories": ("困难类别",),
    "occupation": ("从业情况", "职业"),
    "is_cadre": ("是否村干部",),
}
REQUIRED = ("name", "id_number", "township", "village")

RELATION_WORDS = {
    Relation.head: "户主 本人",
    Relation.spouse: "配偶 妻子 丈夫 妻 夫",
    Relation.child: "子女 儿子 女儿 子 女 长子 长女 次子 次女",
    Relation.parent: "父母 父亲 母亲 父 母",
    Relation.sibling: "兄弟姐妹 兄 弟 姐 妹",
    Relation.grandchild: "孙子女 孙子 孙女 外孙子 外孙女",
    Relation.other: "其他",
    Relation.owner: "经营者 业主 负责人",
    Relation.employee: "从业人员 员工 雇员",
}
STATUS_WORDS = {
    InsuranceStatus.none: "未参保 无",
    InsuranceStatus.resident: "城乡居民养老保险 城乡居民 居民养老保险 居民养老 居民",
    InsuranceStatus.employee_enterprise: "企业职工养老保险 企业职工 职工养老保险 职工",
    InsuranceStatus.employee_flexible: "灵活就业 灵活就业人员",
    InsuranceStatus.employee_institution: "机关事业单位 机关事业单位养老保险 机关事业",
    InsuranceStatus.stopped: "断缴 中断缴费 停保",
    InsuranceStatus.receiving: "领取养老金 已领取 待遇领取 退休",
}
SUBSIDY_WORDS = {
    SubsidyCategory.low_income: "低保 低保对象 低保户",
    SubsidyCategory.extreme_poverty: "特困 特困人员 特困供养",
    SubsidyCategory.returned_to_poverty: "返贫致贫 防返贫监测 监测对象 脱贫不稳定",
    SubsidyCategory.severe_disability: "重度残疾 重度残疾人 重残",
    SubsidyCategory.land_expropriated: "被征地农民 失地农民",
    SubsidyCategory.employment_difficulty: "就业困难 就业困难人员 4050 4050人员",
}
KEY_GROUP_WORDS = {
    1: "有能力参加职工养老保险 有能力参保",
    2: "被征地农民 缴费补贴",
    3: "农村转移劳动力 转移就业",
    4: "新就业形态 平台就业 外卖骑手 快递员 网约车司机 货车司机",
    5: "自由职业者 自由职业",
    6: "个体工商户 小微企业 个体户",
    7: "缴费困难 困难群体",
    8: "其他",
}
ID_NUMBER_AS_NUMBER = N_(
    "Excel stored this ID number as a number and lost its last digits: format the column as "
    "text and enter it again."
)
SEXES = {"男": "M", "女": "F"}
SEX_MISMATCH = N_("The sex does not match the ID number.")
SEPARATORS = re.compile(r"[、,，;；/\s]+")
YES = {"是", "Y", "y", "1", "TRUE", "true", "√"}
NO = {"否", "N", "n", "0", "FALSE", "false", ""}
YES_OR_NO = YES | NO


def _vocabulary(words: dict) -> dict[str, str]:
    return {word: str(code) for code, text in words.items() for word in text.split()}


RELATIONS = _vocabulary(RELATION_WORDS)
STATUSES = _vocabulary(STATUS_WORDS)
SUBSIDIES = _vocabulary(SUBSIDY_WORDS)
KEY_GROUPS = {**_vocabulary(KEY_GROUP_WORDS), **{str(n): str(n) for n in range(1, 9)}}
# _listed takes a cell that is one vocabulary word as it is, which needs words without separators.
assert not any(SEPARATORS.search(w) for v in (SUBSIDIES, KEY_GROUPS) for w in v)


class UnreadableFile(ValueError):
    """The file as a whole cannot be imported; ``message`` is a msgid."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message)
        self.message = Message(message, values)


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    fields: dict[str, int] = field(default_factory=dict)  # field → column index
    unknown_columns: list[str] = field(default_factory=list)


def read_table(
    filename: str,
    content: bytes,
    headers: dict[str, tuple[str, ...]] = HEADERS,
    required: tuple[str, ...] = REQUIRED,
) -> Table:
    """The first sheet (or the CSV) as text cells, with its header row understood: ``headers``
    (field → the header texts that mean it) and ``required`` default to the registry's list.
    The quote an export puts before a formula-like text is taken off (spreadsheets.unquoted)."""
    if len(content) > MAX_BYTES:
        raise UnreadableFile(N_("The file is larger than 20 MB: split it into smaller files."))
    suffix = filename.lower().rsplit(".", 1)[-1]
    if suffix == "xlsx":
        cells = _xlsx_cells(content)
    elif suffix == "csv":
        cells = _csv_cells(content)
    else:
        raise UnreadableFile(N_("Upload an Excel file (.xlsx) or a CSV file (.csv)."))
    cells = [row for row in cells if any(cell.strip() for cell in row)]
    if not cells:
        raise UnreadableFile(N_("The file is empty."))
    if len(cells) - 1 > MAX_ROWS:
        raise UnreadableFile(
            N_("The file has more than %(limit)s rows: split it into smaller files."),
            limit=MAX_ROWS,
        )
    return _understood(cells[0], cells[1:], headers, required)


def _xlsx_cells(content: bytes) -> list[list[str]]:
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        return [[_cell_text(value) for value in row] for row in sheet.to_python()]
    except Exception as error:  # calamine raises its own error types for any broken file
        raise UnreadableFile(
            N_("The Excel file cannot be read: save it again as .xlsx.")
        ) from error


def _cell_text(value: object) -> str:
    if isinstance(value, float):
        if value >= 1e15:
            # Excel stored a long number (an ID number) as a number and lost its last digits.
            return f"#NUMBER:{value:.0f}"
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, date):
        return value.isoformat()[:10]
    return "" if value is None else _without_nul(unquoted(str(value))).strip()


def _without_nul(text: str) -> str:
    """The database never stores a NUL character (app.core.db drops it from what is written),
    so rows are checked, and households matched, by the text as it will be stored."""
    return text.replace("\x00", "") if "\x00" in text else text


def _csv_cells(content: bytes) -> list[list[str]]:
    """UTF-8 (with or without a byte-order mark) if it decodes, else GB18030 (covers GBK)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError:
            raise UnreadableFile(N_("The CSV file is neither UTF-8 nor GBK text.")) from None
    # newline="": the csv module reads \r, \n and \r\n line ends itself, in quotes too.
    rows = csv.reader(io.StringIO(_without_nul(text), newline=""))
    try:
        return [[unquoted(cell).strip() for cell in row] for row in rows]
    except csv.Error:
        raise UnreadableFile(N_("The CSV file's rows cannot be told apart.")) from None


def _understood(
    header: list[str],
    rows: list[list[str]],
    headers: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
) -> Table:
    by_text = {text: name for name, texts in headers.items() for text in texts}
    fields: dict[str, int] = {}
    unknown = []
    for index, text in enumerate(header):
        name = by_text.get(text.strip().replace(" ", ""))
        if name and name not in fields:
            fields[name] = index
        elif text.strip():
            unknown.append(text.strip())
    missing = [headers[name][0] for name in required if name not in fields]
    if missing:
        raise UnreadableFile(
            N_("The header row lacks these columns: %(columns)s."), columns="、".join(missing)
        )
    return Table([h.strip() for h in header], rows, fields, unknown)


@dataclass
class RowError:
    row: int
    column: str
    message: Message


@dataclass
class CheckedRow:
    """A valid row: the person and where they live."""

    row: int
    person: PersonValues
    township: str
    village: str
    address: str
    household_key: str
    village_group: str
    grid: str


HOUSEHOLD_CELLS = ("address", "household_key", "village_group", "grid")


def check_rows(table: Table, today: date) -> Iterator[CheckedRow | list[RowError]]:
    """Each data row checked on its own: a CheckedRow, or the errors that stop it."""
    columns = list(table.fields.items())
    blank = {name: "" for name in HEADERS if name not in table.fields}
    for offset, cells in enumerate(table.rows):
        row = offset + 2
        value = _values(columns, blank, cells)
        errors: list[RowError] = []
        form = _person_form(value, row, table, errors)
        person = None
        try:
            person = check_person(form, today)
        except Invalid as invalid:
            errors += [
                RowError(row, _column(table, name), _message(message))
                for name, message in invalid.errors.items()
            ]
        sex = value["sex"]
        if person and sex and SEXES.get(sex) != person.id_number.sex:
            errors.append(RowError(row, _column(table, "sex"), Message(SEX_MISMATCH, {})))
        for name in ("township", "village"):
            if not value[name]:
                errors.append(RowError(row, _column(table, name), Message(N_("Required."), {})))
        if not value["address"] and not value["household_key"]:
            errors.append(
                RowError(row, _column(table, "address"), Message(N_("Enter the address."), {}))
            )
        too_long: dict = {}
        for name in HOUSEHOLD_CELLS:
            within(too_long, name, value[name], LENGTHS[name])
        errors += [RowError(row, _column(table, name), m) for name, m in too_long.items()]
        if errors:
            yield _first_per_column(errors)
            continue
        yield CheckedRow(
            row=row,
            person=person,
            township=value["township"],
            village=value["village"],
            address=value["address"],
            household_key=value["household_key"],
            village_group=value["village_group"],
            grid=value["grid"],
        )


def _first_per_column(errors: list[RowError]) -> list[RowError]:
    """One message per cell: the most specific one, found first."""
    seen: dict[str, RowError] = {}
    for error in errors:
        seen.setdefault(error.column, error)
    return list(seen.values())


def _values(columns: list[tuple[str, int]], blank: dict[str, str], cells: list[str]) -> dict:
    """Every field's text in the row, stripped ("" for a column the file lacks or a short row)."""
    value = blank.copy()
    count = len(cells)
    for name, index in columns:
        value[name] = cells[index].strip() if index < count else ""
    return value


def _coded(text: str, vocabulary: dict[str, str], default: str) -> str:
    return vocabulary.get(text, text) if text else default


def _listed(text: str, vocabulary: dict[str, str]) -> list[str]:
    if not text:
        return []
    if text in vocabulary:  # one word (vocabulary words hold no separator)
        return [vocabulary[text]]
    return [vocabulary.get(word, word) for word in SEPARATORS.split(text) if word]


def _person_form(value: dict, row: int, table: Table, errors: list[RowError]) -> PersonForm:
    def fail(name: str, message: str) -> None:
        errors.append(RowError(row, _column(table, name), Message(message, {})))

    id_number = value["id_number"]
    if id_number.startswith("#NUMBER:"):
        fail("id_number", ID_NUMBER_AS_NUMBER)
        id_number = ""
    cadre = value["is_cadre"]
    if cadre not in YES_OR_NO:
        fail("is_cadre", N_("Enter 是 or 否."))
    return PersonForm(
        name=value["name"],
        id_number=id_number,
        phone=value["phone"],
        relation=_coded(value["relation"], RELATIONS, "other"),
        key_groups=_listed(value["key_groups"], KEY_GROUPS),
        insurance_status=_coded(value["insurance_status"], STATUSES, "none"),
        resident_tier=value["resident_tier"],
        years_paid=value["years_paid"],
        stopped_since=value["stopped_since"],
        subsidy_categories=_listed(value["subsidy_categories"], SUBSIDIES),
        occupation=value["occupation"],
        is_cadre=cadre in YES,
    )


def _column(table: Table, name: str) -> str:
    index = table.fields.get(name)
    return table.headers[index] if index is not None else HEADERS[name][0]


def _message(message: str | Message) -> Message:
    return message if isinstance(message, Message) else Message(message, {})


def template_headers() -> list[str]:
    """The columns of the downloadable template, in order."""
    return [texts[0] for name, texts in HEADERS.items() if name != "sex"]
