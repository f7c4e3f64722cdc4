"""Importing department lists: a dry run reports every row's problems before anything is
written; a commit writes the valid rows in one transaction per batch, matching people by ID
number (updated, never doubled) and sending look-alikes to a review queue."""

import gc
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Result, bindparam
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from app.core import clock, crypto
from app.core.db import bulk_insert, get_engine
from app.core.i18n import N_, Message
from app.domain.codes import RegionLevel
from app.domain.imports import CheckedRow, RowError, Table, check_rows, read_table
from app.domain.registry import PersonForm, PersonValues, check_person
from app.domain.validation import Invalid
from app.models import (
    Household,
    ImportJob,
    ImportReview,
    Person,
    Region,
    User,
)
from app.services import audit
from app.services.households import (
    DUPLICATE_ID_MESSAGE,
    insert_links,
    person_columns,
    replace_links,
)
from app.services.regions import subtree_ids

# Up to this many rows an import answers at once; larger files run in the background.
SYNC_ROWS = 2000
BATCH = 5000
RELAXED_GC = (100_000, 50, 100)  # gc.set_threshold during a run; the default is (700, 10, 10)


def start(session: Session, filename: str, content: bytes, user: User, dry_run: bool):
    """Read the file (UnreadableFile when it cannot be) and open its job. Returns the job and
    the table to ``run``; a dry run keeps the file, encrypted, for the commit that may follow."""
    table = read_table(filename, content)
    job = ImportJob(
        filename=filename[:200],
        created_by_id=user.id,
        created_at=clock.now(),
        dry_run=dry_run,
        rows=len(table.rows),
        unknown_columns=table.unknown_columns,
        content=crypto.encrypt_bytes(content) if dry_run else None,
    )
    session.add(job)
    session.commit()
    session.refresh(job)
    return job, table


def commit_from_dry_run(session: Session, dry_run: ImportJob, user: User):
    """A new committing job from the file kept by a dry run (the dry run's file is dropped)."""
    content = crypto.decrypt_bytes(dry_run.content)
    dry_run.content = None
    session.add(dry_run)
    return start(session, dry_run.filename, content, user, dry_run=False)


def run_in_background(job_id: int, table: Table, user_id: int) -> None:
    """For BackgroundTasks: the same work in a session of its own."""
    with Session(get_engine()) as session:
        run(session, session.get(ImportJob, job_id), table, session.get(User, user_id))


def run(session: Session, job: ImportJob, table: Table, user: User) -> ImportJob:
    try:
        with collector_relaxed:
            _run(session, job, table, user)
    except Exception as error:
        session.rollback()
        job = session.get(ImportJob, job.id)
        job.status, job.failure = "failed", type(error).__name__
        job.finished_at = clock.now()
        session.add(job)
        session.commit()
        raise
    return job


class _RelaxedCollector:
    """Python's cycle collector walks every live object each time enough new ones have
    survived a while, and a batch's rows survive until they are written: it walked the heap 17
    times in a 100 000-row commit, a quarter of its time (two fifths of a dry run's). During a
    run it looks a hundred times less often. It still runs: the import shares its process with
    requests, whose garbage must not pile up for the minutes a large list takes. Runs may
    overlap (each in a thread of its own) and the setting is the process's: the first run to
    start relaxes it, the last to end gives back what it found."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs = 0
        self._found = gc.get_threshold()

    def __enter__(self) -> None:
        with self._lock:
            if self._runs == 0:
                self._found = gc.get_threshold()
                gc.set_threshold(*RELAXED_GC)
            self._runs += 1

    def __exit__(self, *_exc) -> None:
        with self._lock:
            self._runs -= 1
            if self._runs == 0:
                gc.set_threshold(*self._found)


collector_relaxed = _RelaxedCollector()


def _run(session: Session, job: ImportJob, table: Table, user: User) -> None:
    villages = VillageIndex(session, user)
    finder = HouseholdFinder(session, clock.now())
    id_column = table.headers[table.fields["id_number"]]
    first_row: dict[str, int] = {}
    progress = _Progress(job.id, job.dry_run)
    # Rows to write, each with its village and its ID number's blind index (computed once).
    batch: list[tuple[CheckedRow, int, str]] = []
    for result in check_rows(table, clock.today()):
        progress.processed += 1
        if isinstance(result, list):
            progress.report(result)
        else:
            error = villages.problem(result, table) or _repeat(result, first_row, table)
            if error:
                progress.report([error])
            else:
                progress.valid += 1
                index = crypto.blind_index(result.person.id_number.number)
                batch.append((result, villages.id_of(result), index))
        if len(batch) == BATCH:
            _flush(session, job, progress, batch, user, finder, id_column)
            batch = []
    _flush(session, job, progress, batch, user, finder, id_column)
    job.status, job.finished_at = "done", clock.now()
    if not progress.dry_run:
        counts = {
            "created": progress.created,
            "updated": progress.updated,
            "to_review": progress.to_review,
        }
        target = f"import:{progress.job_id}"
        audit.record(session, "import_committed", user=user, target=target, **counts)
    session.add(job)
    session.commit()


@dataclass
class _Progress:
    """A run's figures, kept here and written onto its job, which commits with each batch. The
    job is never read during the run: after a commit that would load its whole row again, the
    kept file and every error so far with it (and setting ORM attributes row by row is slow)."""

    job_id: int
    dry_run: bool
    valid: int = 0
    processed: int = 0
    created: int = 0
    updated: int = 0
    to_review: int = 0
    errors: list[dict] = field(default_factory=list)
    errors_written: int = 0

    def report(self, errors: Iterable[RowError]) -> None:
        self.errors += (
            {
                "row": e.row,
                "column": e.column,
                "message": e.message.text,
                "values": e.message.values,
            }
            for e in errors
        )

    def onto(self, job: ImportJob) -> None:
        job.valid, job.processed = self.valid, self.processed
        job.created, job.updated, job.to_review = self.created, self.updated, self.to_review
        if len(self.errors) != self.errors_written:  # the JSON column is rewritten whole
            job.errors, self.errors_written = list(self.errors), len(self.errors)


def _flush(
    session: Session, job: ImportJob, progress: _Progress, batch, user: User, finder, id_column: str
):
    """One transaction: the batch's changes and the job's progress commit together. People
    registered outside the importer's region are reported, never changed (dry run or not)."""
    with _page_cache(session):
        batch, registered = _within_region(session, progress, batch, user, id_column)
        if not progress.dry_run and batch:
            _apply(session, progress, batch, user, finder, registered)
        progress.onto(job)
        session.add(job)
        session.flush()
    session.commit()


# SQLite's page cache while a batch is written (a KiB figure as PRAGMA cache_size takes it):
# the default 2 MB is far smaller than the person indexes a batch touches.
IMPORT_PAGE_CACHE_KIB = 65536


@contextmanager
def _page_cache(session: Session) -> Iterator[None]:
    """On SQLite, a larger page cache for this transaction only, set back before it commits
    (after a failure the connection merely keeps the larger cache). Durability is unchanged."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_PAGE_CACHE_KIB}")
    yield
    connection.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def _within_region(session: Session, progress: _Progress, batch, user: User, id_column: str):
    """The batch without rows whose ID number belongs to someone the user may not see, and the
    batch's people already registered within the user's region: blind index → (id, version).
    The versions are read in the batch's transaction, so a person saved by someone else before
    the batch's UPDATE still fails it (one read where a second one per batch used to ask again)."""
    if not batch:
        return batch, {}
    indexes = {index: row for row, _village, index in batch}
    query = (
        select(Person.id_number_index, Household.village_id, Person.id, Person.version)
        .join(Household, col(Household.id) == Person.household_id)
        .where(col(Person.id_number_index).in_(indexes))
    )
    found = _read(session, query).all()
    if not found:
        return batch, {}
    allowed = subtree_ids(session, user.region_id)
    outside = {index for index, village, _id, _version in found if village not in allowed}
    registered = {
        index: (person_id, version)
        for index, _village, person_id, version in found
        if index not in outside
    }
    if not outside:
        return batch, registered
    message = Message(N_("This ID number is registered outside your region."), {})
    progress.report(RowError(indexes[index].row, id_column, message) for index in outside)
    progress.valid -= len(outside)
    return [(row, v, index) for row, v, index in batch if index not in outside], registered


def _read(session: Session, query) -> Result:
    """A select of plain columns through Core: the ORM's result handling cost more than the
    queries themselves on a batch's thousands of rows. (Nothing the ORM holds unflushed is a
    person or a household: the import writes those past it.)"""
    return session.connection().execute(query)


def _repeat(row: CheckedRow, first_row: dict[str, int], table: Table) -> RowError | None:
    number = row.person.id_number.number
    if number in first_row:
        column = table.headers[table.fields["id_number"]]
        message = Message(N_("The same ID number as row %(row)s."), {"row": first_row[number]})
        return RowError(row.row, column, message)
    first_row[number] = row.row
    return None


class VillageIndex:
    """Township and village names as the file has them → the village, within the user's region."""

    def __init__(self, session: Session, user: User) -> None:
        allowed = subtree_ids(session, user.region_id)
        regions = {r.id: r for r in session.exec(select(Region))}
        self.ids: dict[tuple[str, str], int] = {}
        self.outside: set[tuple[str, str]] = set()
        for region in regions.values():
            parent = regions.get(region.parent_id)
            if region.level != RegionLevel.village or parent is None:
                continue
            key = (parent.name, region.name)
            if region.id in allowed:
                self.ids[key] = region.id
            else:
                self.outside.add(key)

    def problem(self, row: CheckedRow, table: Table) -> RowError | None:
        key = (row.township, row.village)
        if key in self.ids:
            return None
        if key in self.outside:
            message = N_("This village is outside your region.")
        else:
            message = N_("No village %(village)s in %(township)s: check both names.")
        return RowError(
            row.row, "村/社区", Message(message, {"village": key[1], "township": key[0]})
        )

    def id_of(self, row: CheckedRow) -> int:
        return self.ids[(row.township, row.village)]


def _apply(
    session: Session,
    progress: _Progress,
    batch: list[tuple[CheckedRow, int, str]],
    user: User,
    finder: "HouseholdFinder",
    registered: dict[str, tuple[int, int]],
):
    """``registered``: the batch's people already in the registry, as ``_within_region`` read
    them."""
    now = clock.now()
    known = [(registered[index], row, index) for row, _v, index in batch if index in registered]
    _update_people(session, known, now, user)
    fresh = [(row, v, index) for row, v, index in batch if index not in registered]
    look_alikes = _look_alikes(session, fresh)
    to_create = []
    to_review = 0
    for row, village_id, index in fresh:
        candidate = look_alikes.get((row.person.name, row.person.id_number.birth_date, village_id))
        if candidate is None:
            to_create.append((row, village_id, index))
        else:
            session.add(_review(progress.job_id, row, village_id, candidate))
            to_review += 1
    households = finder.resolve([(row, v) for row, v, _index in to_create])
    new_people = [(households[finder.key(row, v)], row, index) for row, v, index in to_create]
    _insert_people(session, new_people, now, user)
    progress.updated += len(known)
    progress.to_review += to_review
    progress.created += len(new_people)


def _update_people(
    session: Session, people: list[tuple[tuple[int, int], CheckedRow, str]], now, user: User
) -> None:
    """Registered people ((id, version), row, blind index) take their rows' values in one
    statement, the stored ciphertext kept (same number). Each version goes up as a save through
    the ORM would, and a person changed meanwhile fails the batch as the ORM fails it."""
    if not people:
        return
    table = Person.__table__
    statement = (
        table.update()
        .where(table.c.id == bindparam("person_id"), table.c.version == bindparam("seen"))
        .values(version=table.c.version + 1)
    )
    rows = []
    for (person_id, version), row, index in people:
        columns = person_columns(row.person, index)
        del columns["id_number_encrypted"]
        columns.update(updated_at=now, verified_at=now, verified_by_id=user.id)
        rows.append({**columns, "person_id": person_id, "seen": version})
    matched = session.connection().execute(statement, rows).rowcount
    if matched != len(rows):
        raise StaleDataError(
            f"UPDATE statement on table 'person' expected to update {len(rows)} row(s); "
            f"{matched} were matched."
        )
    replace_links(session, [(person_id, row.person) for (person_id, _v), row, _i in people])


def _look_alikes(session: Session, rows: list[tuple[CheckedRow, int, str]]) -> dict[tuple, int]:
    """Registered people with a new row's name, birth date and village."""
    if not rows:
        return {}
    names = {row.person.name for row, _v, _index in rows}
    births = {row.person.id_number.birth_date for row, _v, _index in rows}
    query = (
        select(Person.id, Person.name, Person.birth_date, Household.village_id)
        .join(Household, col(Household.id) == Person.household_id)
        .where(col(Person.name).in_(names), col(Person.birth_date).in_(births))
    )
    return {(name, born, village): pid for pid, name, born, village in _read(session, query).all()}


def _review(job_id: int, row: CheckedRow, village_id: int, candidate: int) -> ImportReview:
    values = row.person
    data = {
        "name": values.name,
        "id_number": crypto.encrypt(values.id_number.number),
        "id_number_masked": values.id_number.masked,
        "phone": values.phone,
        "relation": values.relation,
        "insurance_status": values.insurance_status,
        "resident_tier": values.resident_tier,
        "years_paid": values.years_paid,
        "stopped_since": values.stopped_since.isoformat() if values.stopped_since else None,
        "key_groups": sorted(values.key_groups),
        "subsidy_categories": sorted(values.subsidy_categories),
        "occupation": values.occupation,
        "is_cadre": values.is_cadre,
        "address": row.address,
        "household_key": row.household_key,
        "village_group": row.village_group,
        "grid": row.grid,
    }
    return ImportReview(
        job_id=job_id, row=row.row, candidate_person_id=candidate, village_id=village_id, data=data
    )


class HouseholdFinder:
    """Households are grouped by 户号 within a village, else by address. A batch's households
    are found, and the missing ones created, with a few set-wise queries."""

    def __init__(self, session: Session, now) -> None:
        self.session, self.now = session, now
        self.cache: dict[tuple[int, str, str], int] = {}

    @staticmethod
    def key(row: CheckedRow, village_id: int) -> tuple[int, str, str]:
        if row.household_key:
            return (village_id, "household_key", row.household_key)
        return (village_id, "address", row.address)

    def resolve(self, rows: list[tuple[CheckedRow, int]]) -> dict[tuple[int, str, str], int]:
        wanted = {self.key(row, village_id): row for row, village_id in rows}
        missing = {key: row for key, row in wanted.items() if key not in self.cache}
        self.cache.update(self._existing(missing))
        new = {key: row for key, row in missing.items() if key not in self.cache}
        if new:
            bulk_insert(self.session, Household, [self._values(k, r) for k, r in new.items()])
            self.cache.update(self._existing(new))
        return self.cache

    def _existing(self, keys: dict) -> dict[tuple[int, str, str], int]:
        if not keys:
            return {}
        villages = {village for village, _kind, _text in keys}
        found: dict[tuple[int, str, str], int] = {}
        for kind in ("household_key", "address"):
            texts = {text for _village, k, text in keys if k == kind}
            if not texts:
                continue
            column = getattr(Household, kind)
            query = (
                select(Household.id, Household.village_id, column)
                .where(col(Household.village_id).in_(villages), col(column).in_(texts))
                .order_by(Household.id.desc())  # the earliest household wins
            )
            for household_id, village, text in _read(self.session, query).all():
                if (village, kind, text) in keys:
                    found[(village, kind, text)] = household_id
        return found

    def _values(self, key: tuple[int, str, str], row: CheckedRow) -> dict:
        return {
            "address": row.address or row.household_key,
            "household_key": row.household_key or None,
            "village_id": key[0],
            "village_group": row.village_group,
            "grid": row.grid,
            "kind": "household",
            "notes": "",
            "version": 1,
            "created_at": self.now,
            "updated_at": self.now,
        }


def _insert_people(
    session: Session, people: list[tuple[int, CheckedRow, str]], now, user: User
) -> None:
    """Plain multi-row inserts, then the ids of those with key groups or hardship categories
    read back by their unique blind index (each person comes with their ID number's blind
    index): no one else's id is needed."""
    if not people:
        return
    stamps = {
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "verified_at": now,
        "verified_by_id": user.id,
    }
    rows = [
        {**person_columns(row.person, index), "household_id": household_id, **stamps}
        for household_id, row, index in people
    ]
    bulk_insert(session, Person, rows)
    linked = {
        index: row.person
        for _household_id, row, index in people
        if row.person.key_groups or row.person.subsidy_categories
    }
    if not linked:
        return
    query = select(Person.id_number_index, Person.id).where(col(Person.id_number_index).in_(linked))
    insert_links(
        session, [(person_id, linked[index]) for index, person_id in _read(session, query)]
    )


def pending_reviews(session: Session, user: User) -> list[tuple[ImportReview, Person, Household]]:
    query = (
        select(ImportReview, Person, Household)
        .join(Person, col(Person.id) == ImportReview.candidate_person_id)
        .join(Household, col(Household.id) == Person.household_id)
        .where(ImportReview.status == "pending")
        .where(col(ImportReview.village_id).in_(subtree_ids(session, user.region_id)))
        .order_by(ImportReview.id)
    )
    return list(session.exec(query))


def merge(session: Session, review: ImportReview, *, by: User) -> None:
    """The row is the registered person: their record takes the imported values, number too."""
    person = session.get(Person, review.candidate_person_id)
    values = _reviewed_values(review)
    _refuse_taken_number(session, values, person.id)
    for name, value in person_columns(values).items():
        setattr(person, name, value)
    person.updated_at = person.verified_at = clock.now()
    person.verified_by_id = by.id
    session.add(person)
    replace_links(session, [(person.id, values)])
    _decide(session, review, "merged", by)


def keep_apart(session: Session, review: ImportReview, *, by: User) -> None:
    """Two people after all: the row becomes a person of their own."""
    values = _reviewed_values(review)
    _refuse_taken_number(session, values, None)
    data = review.data
    row = CheckedRow(
        row=review.row,
        person=values,
        township="",
        village="",
        address=data["address"],
        household_key=data["household_key"],
        village_group=data["village_group"],
        grid=data["grid"],
    )
    now = clock.now()
    finder = HouseholdFinder(session, now)
    household_id = finder.resolve([(row, review.village_id)])[finder.key(row, review.village_id)]
    index = crypto.blind_index(values.id_number.number)
    _insert_people(session, [(household_id, row, index)], now, by)
    _decide(session, review, "kept_apart", by)


def _reviewed_values(review: ImportReview) -> PersonValues:
    data = review.data
    form = PersonForm(
        name=data["name"],
        id_number=crypto.decrypt(data["id_number"]),
        phone=data["phone"] or "",
        relation=data["relation"],
        key_groups=[str(g) for g in data["key_groups"]],
        insurance_status=data["insurance_status"],
        resident_tier=str(data["resident_tier"] or ""),
        years_paid="" if data["years_paid"] is None else str(data["years_paid"]),
        stopped_since=data["stopped_since"] or "",
        subsidy_categories=data["subsidy_categories"],
        occupation=data["occupation"],
        is_cadre=data["is_cadre"],
    )
    return check_person(form, clock.today())


def _refuse_taken_number(session: Session, values: PersonValues, person_id: int | None) -> None:
    query = select(Person.id).where(
        Person.id_number_index == crypto.blind_index(values.id_number.number)
    )
    if person_id is not None:
        query = query.where(Person.id != person_id)
    if session.exec(query).first() is not None:
        raise Invalid({"review": DUPLICATE_ID_MESSAGE})


def _decide(session: Session, review: ImportReview, status: str, by: User) -> None:
    review.status, review.decided_by_id, review.decided_at = status, by.id, clock.now()
    session.add(review)
    target = f"import_review:{review.id}"
    person = review.candidate_person_id
    audit.record(session, f"import_review_{status}", user=by, target=target, person=person)
    session.commit()
