"""Data-quality flags (数据质量提示) for the leads: worked out from the members' visits whenever
they are asked for (app.domain.quality), merged with the leads' stored reviews. Nothing is
penalised: a lead looks into a flag and marks it reviewed with a note."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.core import clock
from app.core.i18n import N_, Message
from app.domain import quality
from app.domain.codes import Channel, FlagKind, Role, StepKind
from app.domain.metrics import Period
from app.domain.quality import Flag, PersonSteps, VisitFact
from app.domain.validation import Invalid
from app.models import QualityReview, User, Visit, VisitPerson, VisitStep
from app.services import audit
from app.services.assignments import assignable_members

NOTE_LENGTH = 500  # QualityReview.note
ALREADY_REVIEWED = N_("This flag was already reviewed.")


@dataclass(frozen=True)
class FlagRow:
    """One flag of one member in the period: raised now, reviewed, or both. A reviewed flag
    the visits no longer raise shows the evidence it was reviewed on."""

    member_id: int
    flag: Flag
    review: QualityReview | None = None
    reviewer: str = ""  # who reviewed it

    @property
    def is_open(self) -> bool:
        return self.review is None


@dataclass(frozen=True)
class MemberFlags:
    member: User
    flags: tuple[FlagRow, ...]

    @property
    def open_count(self) -> int:
        return sum(row.is_open for row in self.flags)


# --- whose flags ------------------------------------------------------------------------------


def reviewable_members(session: Session, user: User) -> list[User]:
    """Whose flags the user reviews: a lead the active members of the teams they lead, an
    admin every active member, anyone else no one."""
    if user.role == Role.lead:
        return assignable_members(session, user)
    if user.role != Role.admin:
        return []
    query = (
        select(User)
        .where(User.role == Role.member, col(User.is_active).is_(True))
        .order_by(User.display_name)
    )
    return list(session.exec(query))


def reviewable_member(session: Session, user: User, member_id: int | None) -> User | None:
    """A member whose flags the user reviews, else None (answered as absent)."""
    return next((m for m in reviewable_members(session, user) if m.id == member_id), None)


# --- the flags --------------------------------------------------------------------------------


def member_flags(session: Session, members: list[User], period: Period) -> list[MemberFlags]:
    """The members with at least one flag in the period (raised or reviewed), in the order
    given, each flag with its review if there is one."""
    ids = [member.id for member in members]
    raised = _raised(session, ids, period)
    reviews = _reviews(session, ids, period)
    found = []
    for member in members:
        rows = _rows(member.id, raised[member.id], reviews)
        if rows:
            found.append(MemberFlags(member, rows))
    return found


def member_flag(session: Session, member: User, kind: FlagKind, period: Period) -> FlagRow | None:
    """One flag of one member: raised now or reviewed, else None."""
    for found in member_flags(session, [member], period):
        for row in found.flags:
            if row.flag.kind == kind:
                return row
    return None


def open_flag_count(session: Session, user: User, period: Period) -> int:
    """Flags raised and not yet reviewed among the members the user reviews: "N to review"."""
    members = reviewable_members(session, user)
    return sum(found.open_count for found in member_flags(session, members, period))


def _rows(
    member_id: int,
    raised: list[Flag],
    reviews: dict[tuple[int, str], tuple[QualityReview, str]],
) -> tuple[FlagRow, ...]:
    now = {flag.kind: flag for flag in raised}
    rows = []
    for kind in FlagKind:
        review, reviewer = reviews.get((member_id, kind), (None, ""))
        flag = now.get(kind)
        if flag is None and review is not None:
            flag = Flag(kind, review.evidence["count"], review.evidence["of"])
        if flag is not None:
            rows.append(FlagRow(member_id, flag, review, reviewer))
    return tuple(rows)


def _raised(session: Session, member_ids: list[int], period: Period) -> dict[int, list[Flag]]:
    visits = _visit_facts(session, member_ids, period)
    people = _people_steps(session, member_ids, period)
    return {
        member_id: quality.flags(visits[member_id], people[member_id]) for member_id in member_ids
    }


def _visit_facts(
    session: Session, member_ids: list[int], period: Period
) -> dict[int, list[VisitFact]]:
    """Each member's visits in the period (the visits they recorded)."""
    start, end = clock.days(period.start, period.end)
    query = select(
        Visit.recorded_by_id,
        Visit.household_id,
        Visit.occurred_at,
        Visit.channel,
        Visit.reached,
        Visit.latitude,
        Visit.longitude,
    ).where(
        col(Visit.recorded_by_id).in_(member_ids),
        col(Visit.occurred_at) >= start,
        col(Visit.occurred_at) < end,
    )
    found: dict[int, list[VisitFact]] = defaultdict(list)
    for member_id, home, at, channel, reached, north, east in session.exec(query):
        fact = VisitFact(home, clock.local(at), Channel(channel), reached, north, east)
        found[member_id].append(fact)
    return found


def _people_steps(
    session: Session, member_ids: list[int], period: Period
) -> dict[int, list[PersonSteps]]:
    """For each member, the people given a calculation step on their visits in the period,
    with what was done for each of them by anyone up to the period's end (a step counts at
    its visit's time)."""
    start, end = clock.days(period.start, period.end)
    given = (
        select(Visit.recorded_by_id, VisitStep.person_id)
        .join(Visit, col(Visit.id) == VisitStep.visit_id)
        .where(
            VisitStep.kind == StepKind.calculation,
            col(Visit.recorded_by_id).in_(member_ids),
            col(Visit.occurred_at) >= start,
            col(Visit.occurred_at) < end,
        )
        .distinct()
    )
    pairs = session.exec(given).all()
    people = select(given.subquery().c.person_id)
    contacted = set(
        session.exec(
            select(VisitPerson.person_id)
            .join(Visit, col(Visit.id) == VisitPerson.visit_id)
            .where(col(Visit.reached).is_(True), col(Visit.occurred_at) < end)
            .where(col(VisitPerson.person_id).in_(people))
        )
    )
    steps = session.exec(
        select(VisitStep.person_id, VisitStep.kind, col(VisitStep.calculation_id).is_not(None))
        .join(Visit, col(Visit.id) == VisitStep.visit_id)
        .where(col(Visit.occurred_at) < end, col(VisitStep.person_id).in_(people))
        .distinct()
    ).all()
    leaflets = {person_id for person_id, kind, _saved in steps if kind == StepKind.leaflet}
    saved = {
        person_id
        for person_id, kind, is_saved in steps
        if kind == StepKind.calculation and is_saved
    }
    found: dict[int, list[PersonSteps]] = defaultdict(list)
    for member_id, person_id in pairs:
        steps_done = PersonSteps(person_id in contacted, person_id in leaflets, person_id in saved)
        found[member_id].append(steps_done)
    return found


def _reviews(
    session: Session, member_ids: list[int], period: Period
) -> dict[tuple[int, str], tuple[QualityReview, str]]:
    """The stored reviews of the members' flags for exactly this period, with the reviewer's
    name."""
    query = (
        select(QualityReview, User.display_name)
        .join(User, col(User.id) == QualityReview.reviewed_by_id)
        .where(
            col(QualityReview.member_id).in_(member_ids),
            QualityReview.period_start == period.start,
            QualityReview.period_end == period.end,
        )
    )
    return {(r.member_id, r.kind): (r, name) for r, name in session.exec(query)}


# --- the review -------------------------------------------------------------------------------


def review_flag(
    session: Session, lead: User, member: User, kind: FlagKind, period: Period, note: str
) -> QualityReview:
    """Mark a raised flag reviewed with the lead's note, audited. The caller has checked that
    the lead reviews this member."""
    note = note.strip()
    if not note:
        raise Invalid({"note": N_("Write what you found.")})
    if len(note) > NOTE_LENGTH:
        raise Invalid(
            {"note": Message(N_("Keep notes under %(count)s characters."), {"count": NOTE_LENGTH})}
        )
    row = member_flag(session, member, kind, period)
    if row is None:
        raise Invalid({"note": N_("The visits no longer raise this flag.")})
    if not row.is_open:
        raise Invalid({"note": ALREADY_REVIEWED})
    review = QualityReview(
        member_id=member.id,
        kind=kind,
        period_start=period.start,
        period_end=period.end,
        evidence=row.flag.evidence,
        note=note,
        reviewed_by_id=lead.id,
        reviewed_at=clock.now(),
    )
    session.add(review)
    audit.record(
        session,
        "quality_flag_reviewed",
        user=lead,
        target=f"user:{member.id}",
        kind=kind,
        period=period.name,
        **row.flag.evidence,
    )
    try:
        session.commit()
    except IntegrityError:  # another lead reviewed it a moment before
        session.rollback()
        raise Invalid({"note": ALREADY_REVIEWED}) from None
    return review
