"""Reading the audit trail: the admin's filtered, paged list and its spreadsheet. Writing stays
with app.services.audit.record alone, and nothing here changes or removes a row."""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from sqlalchemy import Select, false, func
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from app.core import clock
from app.core.i18n import Gettext, Message
from app.domain.audit import ACTION_LABELS, compact, concerning, names_one_record
from app.domain.paging import page_count
from app.domain.validation import search_too_long, whole_number
from app.labels import AUDIT_CODES
from app.models import AuditEvent, Region, Team, User
from app.services import audit, exports

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
CHUNK = 1000
TARGET_LENGTH = 120  # what AuditEvent.target holds: a longer search matches nothing


@dataclass
class AuditFilters:
    """``since`` inclusive, ``until`` exclusive; ``target`` matches part of the target."""

    action: str = ""
    user_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    target: str = ""

    @property
    def too_long(self) -> Message | None:
        """What a "concerning" search too long to run says; the log finds nothing then. The
        action is kept whole too: matched exactly, a longer one finds nothing by itself."""
        return search_too_long(self.target, TARGET_LENGTH)

    @classmethod
    def from_page(cls, params: Mapping[str, str]) -> "AuditFilters":
        """The page's filters: ``since`` and ``until`` are whole days in business time, both
        included. Values that mean nothing are ignored, as on the other lists."""
        since, until = _day(params.get("since")), _day(params.get("until"))
        return cls(
            action=params.get("action", "").strip(),
            user_id=whole_number(params.get("user_id")),
            since=since,
            until=until + timedelta(days=1) if until else None,
            target=params.get("target", "").strip(),
        )

    def as_detail(self) -> dict[str, str]:
        """The filters as an export's audit row keeps them."""
        return {name: str(value) for name, value in vars(self).items() if value not in (None, "")}


def _day(text: str | None) -> datetime | None:
    try:
        day = datetime.strptime((text or "").strip(), "%Y-%m-%d").date()
    except ValueError:
        return None
    return clock.start_of(day)


@dataclass
class AuditPage:
    rows: list[AuditEvent]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.page_size)


def _conditions(filters: AuditFilters) -> list[ColumnElement[bool]]:
    if filters.too_long:
        return [false()]
    conditions: list[ColumnElement[bool]] = []
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.user_id is not None:
        conditions.append(AuditEvent.user_id == filters.user_id)
    if filters.since is not None:
        conditions.append(col(AuditEvent.at) >= filters.since)
    if filters.until is not None:
        conditions.append(col(AuditEvent.at) < filters.until)
    if filters.target and names_one_record(filters.target):
        conditions.append(AuditEvent.target == filters.target)
    elif filters.target:
        conditions.append(col(AuditEvent.target).contains(filters.target, autoescape=True))
    return conditions


def _newest_first(filters: AuditFilters, *columns):
    return (
        select(*(columns or (AuditEvent,)))
        .where(*_conditions(filters))
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    )


def search(
    session: Session, filters: AuditFilters, page: int = 1, page_size: int = PAGE_SIZE
) -> AuditPage:
    page, page_size = max(1, page), min(max(1, page_size), MAX_PAGE_SIZE)
    count = select(func.count()).select_from(AuditEvent).where(*_conditions(filters))
    total = session.exec(count).one()
    query = _newest_first(filters).offset((page - 1) * page_size).limit(page_size)
    return AuditPage(list(session.exec(query)), total, page, page_size)


# Detail keys holding record ids, and the name each record goes by.
NAMED_IDS = {
    "region": (Region, Region.name),
    "village": (Region, Region.name),
    "teams": (Team, Team.name),
    "member": (User, User.display_name),
    "from_user": (User, User.display_name),
}


def detail_codes(session: Session, details: Iterable[Mapping[str, Any]]) -> dict[str, Mapping]:
    """What ``compact`` names a detail's values by: the labels of codes, and the names of the
    regions, teams and members whose ids these details hold."""
    ids: dict[str, set[int]] = {key: set() for key in NAMED_IDS}
    for detail in details:
        for key in ids.keys() & detail.keys():
            values = detail[key] if isinstance(detail[key], list) else [detail[key]]
            ids[key].update(value for value in values if type(value) is int)
    codes = dict(AUDIT_CODES)
    for key, (model, name) in NAMED_IDS.items():
        if ids[key]:
            found = session.exec(select(model.id, name).where(col(model.id).in_(ids[key])))
            codes[key] = {**codes.get(key, {}), **{str(i): text for i, text in found}}
    return codes


def actions_present(session: Session) -> list[str]:
    """The actions the trail holds, for the filter: known ones in their label order first."""
    found = set(session.exec(_distinct(AuditEvent.action)))
    order = list(ACTION_LABELS)
    return sorted(found, key=lambda a: (order.index(a) if a in order else len(order), a))


def accounts_present(session: Session) -> dict[int, str]:
    """Everyone who has done something on record, by account id, for the filter."""
    acting = _distinct(AuditEvent.user_id)
    query = select(User.id, User.display_name, User.username).where(col(User.id).in_(acting))
    rows = session.exec(query.order_by(User.username))
    return {user_id: f"{name} ({username})" for user_id, name, username in rows}


def _distinct(column) -> Select:
    """The column's values other than NULL, each once, found by jumping from one to the next
    through the column's index (a seek a value): DISTINCT read the whole index, and the trail
    gains a million rows a year while the actions and accounts in it stay a few hundred."""
    found = select(func.min(column).label("value")).cte(recursive=True)
    following = select(func.min(column)).where(column > found.c.value).scalar_subquery()
    found = found.union_all(select(following).where(found.c.value.is_not(None)))
    return select(found.c.value).where(found.c.value.is_not(None))


def spreadsheet(
    session: Session, filters: AuditFilters, *, by: User, _: Gettext
) -> IO[bytes] | None:
    """The filtered rows as .xlsx, newest first, in a temporary file (a city's trail gains a
    million rows a year), or None when they are more than one sheet holds. The rows written are
    those there when counted: the export's own record, which keeps it on record, and rows
    arriving meanwhile would not be counted."""
    counted = select(func.count(), func.max(AuditEvent.id)).where(*_conditions(filters))
    rows, newest = session.exec(counted).one()
    if not exports.fits_xlsx(rows):
        return None
    audit.record(session, "export", user=by, target="audit", filters=filters.as_detail())
    session.commit()
    header = [_("When"), _("Who"), _("Action"), _("Concerning"), _("Detail"), _("Address")]
    return exports.to_file(exports.write_xlsx, header, _sheet_rows(session, filters, newest, _))


def _sheet_rows(
    session: Session, filters: AuditFilters, newest: int | None, _: Gettext
) -> Iterator[list[str]]:
    """Read in one pass, CHUNK rows at a time as the database sends them: paged with OFFSET,
    each chunk skipped every row before it again (14 s for a month of a city's trail)."""
    columns = (
        AuditEvent.at,
        AuditEvent.username,
        AuditEvent.action,
        AuditEvent.target,
        AuditEvent.detail,
        AuditEvent.address,
    )
    query = _newest_first(filters, *columns).where(col(AuditEvent.id) <= (newest or 0))
    rows = session.exec(query.execution_options(yield_per=CHUNK))
    for chunk in rows.partitions():
        codes = detail_codes(session, (detail for *_before, detail, _address in chunk))
        for at, username, action, target, detail, address in chunk:
            yield [
                clock.local(at).strftime("%Y-%m-%d %H:%M:%S"),
                username,
                _(ACTION_LABELS[action]) if action in ACTION_LABELS else action,
                concerning(target, _, codes) if target else "",
                compact(detail, _, codes),
                address,
            ]
