"""A member's worklist and a lead's view of their teams, built from the registry and the
visits: contact facts (last contact, follow-up date) and the three ones of eligible people."""

import hashlib
import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, reduce
from itertools import groupby
from typing import ClassVar

from sqlalchemy import ColumnElement, and_, bindparam, case, exists, func, or_
from sqlmodel import Session, col, select

from app.core import clock
from app.domain.codes import NotReachedReason, StepKind
from app.domain.paging import batches, page_within
from app.domain.people import PlanList
from app.domain.visits import CHANGES, Progress
from app.domain.worklist import (
    HouseholdFacts,
    Incomplete,
    LastVisit,
    Section,
    overdue,
    prioritise,
    why_incomplete,
)
from app.models import (
    Household,
    Outcome,
    Person,
    Region,
    Team,
    User,
    Visit,
    VisitPerson,
    VisitStep,
)
from app.services.assignments import (
    assignable_members,
    members_of,
    teams_led_by,
    teams_of_members,
)
from app.services.households import of_head, plan_list_condition
from app.services.regions import subtree_ids
from app.services.scope import visible_households
from app.services.visits import (
    contact_columns,
    contact_facts_of,
    eligible_condition,
)


@dataclass
class WorklistEntry:
    household: Household
    section: Section
    village_name: str
    head_name: str | None
    phone: str | None
    people_count: int
    eligible_count: int
    facts: HouseholdFacts
    three_ones_done: int = 0  # steps done, summed over the eligible people
    overdue: bool = False
    # Eligible people with their own follow-up (set with their latest outcome), soonest first.
    people_follow_ups: list[tuple[str, date]] = field(default_factory=list)

    @property
    def three_ones_total(self) -> int:
        return self.eligible_count * 3

    @property
    def follow_up_on(self) -> date | None:
        return self.facts.follow_up_on

    @property
    def last_contact(self) -> date | None:
        return self.facts.last_contact


def _on_any_plan_list(today: date):
    return or_(*(plan_list_condition(plan_list, today) for plan_list in PlanList))


def _spoken_to(*when: ColumnElement[bool]) -> ColumnElement[bool]:
    """Whether the Person row in the query was spoken to on a visit that reached them (and
    meets ``when``)."""
    return exists().where(
        VisitPerson.person_id == Person.id,
        col(Visit.id) == VisitPerson.visit_id,
        col(Visit.reached).is_(True),
        *when,
    )


def three_ones_conditions() -> dict[str, ColumnElement[bool]]:
    """Whether the Person row in the query has done each of the three ones (keys as
    labels.THREE_ONES), as SQL, so lists of thousands are counted and filtered in the database
    (the pure twin: app.domain.visits.progress, as services.visits.people_progress reads it)."""
    contact = _spoken_to()

    def given(kind: StepKind) -> ColumnElement[bool]:
        return exists().where(VisitStep.person_id == Person.id, VisitStep.kind == kind)

    return {
        "contact": contact,
        "calculation": given(StepKind.calculation),
        "leaflet": given(StepKind.leaflet),
    }


def _counted(condition: ColumnElement[bool]):
    """How many rows of the group meet the condition."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _three_ones_done():
    """Steps of the three ones done, summed over the rows of the group."""
    return reduce(operator.add, (_counted(done) for done in three_ones_conditions().values()))


def worklist(
    session: Session, member: User, today: date, q: str = "", only: list[int] | None = None
) -> list[WorklistEntry]:
    """The member's households in priority order, optionally narrowed by a quick search (and
    to the households ``only`` names). One query for the whole list, however long: it is read
    on slow phones."""
    params = {"member_id": member.id, "pattern": f"%{q}%", "ids": only or []}
    rows = session.exec(_worklist_query(today, bool(q), only is not None), params=params).all()
    entries = {}
    for household, village, listed, count, head_name, phone, *contact, eligible, done in rows:
        facts = contact_facts_of(*contact)
        entries[household.id] = WorklistEntry(
            household=household,
            section=Section.new,
            village_name=village,
            head_name=head_name,
            phone=household.phone or phone,
            people_count=count,
            eligible_count=eligible,
            facts=HouseholdFacts(
                household_id=household.id,
                follow_up_on=facts.follow_up_on,
                last_contact=facts.last_contact,
                on_plan_list=bool(listed),
                village_group=household.village_group,
                address=household.address,
            ),
            three_ones_done=done,
            overdue=overdue(facts.follow_up_on, today),
        )
    ordered = prioritise([entry.facts for entry in entries.values()], today)
    return [_placed(entries[facts.household_id], where) for facts, where in ordered]


@lru_cache(maxsize=8)
def _worklist_query(today: date, searching: bool, limited: bool):
    """Built once a day per shape (the plan lists' ages move with the day), run for every
    member's every look at their list."""
    on_list = _on_list(today)
    people = select(func.count()).where(Person.household_id == Household.id)
    head = of_head(Person.name)
    head_phone = head.with_only_columns(Person.phone).where(col(Person.phone).is_not(None))
    eligible = select(func.count()).where(
        Person.household_id == Household.id, eligible_condition(today)
    )
    done = eligible.with_only_columns(_three_ones_done())
    query = select(
        Household,
        Region.name,
        on_list,
        people.scalar_subquery(),
        head.scalar_subquery(),
        head_phone.scalar_subquery(),
        *contact_columns(),
        eligible.scalar_subquery(),
        done.scalar_subquery(),
    ).join(Region, col(Region.id) == Household.village_id)
    if limited:
        query = query.where(col(Household.id).in_(bindparam("ids", expanding=True)))
    return _held(query, searching)


def _on_list(today: date):
    return exists().where(Person.household_id == Household.id, _on_any_plan_list(today))


def _held(query, searching: bool):
    """The query narrowed to the member's households (and to the search, if any)."""
    query = query.where(Household.assignee_id == bindparam("member_id"))
    if not searching:
        return query
    pattern = bindparam("pattern")
    named = exists().where(Person.household_id == Household.id, col(Person.name).like(pattern))
    return query.where(or_(col(Household.address).like(pattern), named))


@lru_cache(maxsize=8)
def _order_query(today: date, searching: bool):
    """Only what places a household in the list (its contact facts), for all of them: the
    counts and the rest of a row are read for the rows of one screen."""
    columns = (Household.id, Household.village_group, Household.address, _on_list(today))
    return _held(select(*columns, *contact_columns()), searching)


def _placed_households(
    session: Session, member: User, today: date, q: str
) -> list[tuple[HouseholdFacts, Section]]:
    """The member's households (narrowed by the search) in priority order, with their
    sections."""
    params = {"member_id": member.id, "pattern": f"%{q}%"}
    facts = []
    for household_id, group, address, listed, *contact in session.exec(
        _order_query(today, bool(q)), params=params
    ):
        known = contact_facts_of(*contact)
        facts.append(
            HouseholdFacts(
                household_id=household_id,
                follow_up_on=known.follow_up_on,
                last_contact=known.last_contact,
                on_plan_list=bool(listed),
                village_group=group,
                address=address,
            )
        )
    return prioritise(facts, today)


def _placed(entry: WorklistEntry, where: Section) -> WorklistEntry:
    entry.section = where
    return entry


def by_section(entries: list[WorklistEntry]) -> dict[Section, list[WorklistEntry]]:
    """The list cut into its sections, each in priority order (every section present)."""
    sections: dict[Section, list[WorklistEntry]] = {where: [] for where in Section}
    for entry in entries:
        sections[entry.section].append(entry)
    return sections


def names_by_household(session: Session, household_ids: list[int]) -> dict[int, str]:
    """Everyone's names in each household, for searching the list kept on the phone as the
    server searches it (a name of anyone in the household, or the address)."""
    names: dict[int, list[str]] = {household_id: [] for household_id in household_ids}
    for batch in batches(household_ids, 500):
        query = select(Person.household_id, Person.name).where(col(Person.household_id).in_(batch))
        for household_id, name in session.exec(query):
            names[household_id].append(name)
    return {household_id: " ".join(found) for household_id, found in names.items()}


ROWS_PER_SCREEN = 50  # the first screen of a long worklist; the rest loads as she scrolls


@dataclass
class WorklistPage:
    """One screen of the worklist: its rows by section, and how many each section holds in
    all (the counts at the top count the whole list, not the rows loaded)."""

    sections: dict[Section, list[WorklistEntry]]
    counts: dict[Section, int]
    page: int
    pages: int
    left: int = 0  # rows after this page
    continued: Section | None = None  # the section the previous page ended in, carried on here

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.left else None

    @property
    def household_ids(self) -> list[int]:
        return [entry.household.id for rows in self.sections.values() for entry in rows]


def nothing_found() -> WorklistPage:
    """The screen of a search that finds nothing (one too long to run)."""
    return WorklistPage(by_section([]), dict.fromkeys(Section, 0), 1, 1)


def screen(session: Session, member: User, today: date, q: str, page: int) -> WorklistPage:
    """The ``page``-th screen of the member's list in priority order (kept between the first
    and the last): every household is placed and counted, but only the screen's rows are read
    in full. ``page`` 0 is the whole list on one screen, as the phone keeps it for offline."""
    if page == 0:
        entries = worklist(session, member, today, q)
        _add_people_follow_ups(session, entries, today)
        sections = by_section(entries)
        return WorklistPage(sections, {where: len(rows) for where, rows in sections.items()}, 1, 1)
    placed = _placed_households(session, member, today, q)
    counts = Counter(where for _facts, where in placed)
    page, pages = page_within(len(placed), page, ROWS_PER_SCREEN)
    start = (page - 1) * ROWS_PER_SCREEN
    shown = placed[start : start + ROWS_PER_SCREEN]
    ids = [facts.household_id for facts, _where in shown]
    entries = worklist(session, member, today, q, ids) if ids else []
    _add_people_follow_ups(session, entries, today)
    before = placed[start - 1][1] if start else None
    continued = before if shown and shown[0][1] == before else None
    left = max(0, len(placed) - start - ROWS_PER_SCREEN)
    counted = {where: counts[where] for where in Section}
    return WorklistPage(by_section(entries), counted, page, pages, left, continued)


def _add_people_follow_ups(session: Session, entries: list[WorklistEntry], today: date) -> None:
    """Each entry's people with their own follow-ups, read for all the entries at once."""
    found: dict[int, list[tuple[str, date]]] = defaultdict(list)
    for batch in batches([entry.household.id for entry in entries], 500):
        rows = session.exec(_people_follow_ups_query(today), params={"ids": batch})
        for household_id, name, follow_up_on in rows:
            found[household_id].append((name, follow_up_on))
    for entry in entries:
        entry.people_follow_ups = found.get(entry.household.id, [])


@lru_cache(maxsize=8)
def _people_follow_ups_query(today: date):
    """The eligible people of the households ``ids`` whose latest outcome set them a
    follow-up, with its date, by household and soonest first."""
    ranked = (
        select(Person.household_id, Person.name, Outcome.follow_up_on, _newest_first())
        .join(Visit, col(Visit.id) == Outcome.visit_id)
        .join(Person, col(Person.id) == Outcome.person_id)
        .where(col(Person.household_id).in_(bindparam("ids", expanding=True)))
        .where(eligible_condition(today))
        .subquery()
    )
    return (
        select(ranked.c.household_id, ranked.c.name, ranked.c.follow_up_on)
        .where(ranked.c.rank == 1, ranked.c.follow_up_on.is_not(None))
        .order_by(ranked.c.household_id, ranked.c.follow_up_on, ranked.c.name)
    )


def etag(entries: list[WorklistEntry]) -> str:
    """Changes whenever an entry, its order, its section, its household's version or its
    contact facts (a visit, a step of the three ones, a follow-up) do."""
    text = ";".join(
        f"{e.household.id}:{e.household.version}:{e.section}:{e.three_ones_done}:"
        f"{e.three_ones_total}:{e.follow_up_on}:{e.last_contact}"
        for e in entries
    )
    return hashlib.sha256(text.encode()).hexdigest()[:20]


# --- the lead's team view -----------------------------------------------------------------------


@dataclass
class MemberLoad:
    """What a member carries and how far they are with it."""

    member: User
    households: int = 0
    people: int = 0
    plan_lists: dict[PlanList, int] = field(default_factory=lambda: dict.fromkeys(PlanList, 0))
    # The shared figures for the year so far, as docs/figures.md defines them (the SQL twins
    # of app.domain.metrics.work_metrics, which tests/test_figures.py holds them to).
    eligible: int = 0  # people the three ones are due for today
    contacted: int = 0  # people spoken to this year on a visit that reached them
    complete: int = 0  # eligible people with all three ones
    outcomes: Counter[str] = field(default_factory=Counter)  # people by their latest outcome
    overdue: int = 0  # households whose follow-up day has passed

    @property
    def agreed(self) -> int:
        """People whose latest outcome is a change to their enrolment."""
        return sum(self.outcomes[code] for code in CHANGES)


@dataclass
class TeamView:
    team: Team
    members: list[MemberLoad]
    unassigned: int

    @property
    def total(self) -> "TeamWork":
        """The team's figures: its members' households together (none is held by two)."""
        return TeamWork(
            *(sum(getattr(load, name) for load in self.members) for name in TeamWork.FIGURES)
        )


@dataclass(frozen=True)
class TeamWork:
    """A team's shared figures for the year so far (MemberLoad's, summed)."""

    FIGURES: ClassVar = ("households", "eligible", "contacted", "complete", "overdue")

    households: int
    eligible: int
    contacted: int
    complete: int
    overdue: int


def team_views(
    session: Session, lead: User, today: date, team_id: int | None = None
) -> list[TeamView]:
    """Each team the user leads (only the one asked for, if any) with its members' loads,
    counted for all of them at once."""
    teams = [team for team in teams_led_by(session, lead) if team_id in (None, team.id)]
    team_of = teams_of_members(session, teams)
    members = [member for member in assignable_members(session, lead) if member.id in team_of]
    loads = _loads(session, members, today)
    views = []
    for team in teams:
        villages = subtree_ids(session, team.region_id)
        unassigned = session.exec(
            select(func.count())
            .select_from(Household)
            .where(col(Household.village_id).in_(villages), col(Household.assignee_id).is_(None))
        ).one()
        in_team = [load for load in loads if team_of[load.member.id] == team.id]
        views.append(TeamView(team, in_team, unassigned))
    return views


def _loads(session: Session, members: list[User], today: date) -> list[MemberLoad]:
    """Every figure counted in the database, grouped by member: a statement per kind of figure
    however many households the members hold."""
    loads = {member.id: MemberLoad(member) for member in members}
    assigned = col(Household.assignee_id).in_(list(loads))
    for member_id, households, overdue_households in session.exec(_households(assigned, today)):
        loads[member_id].households = households
        loads[member_id].overdue = overdue_households
    _count_people(session, loads, assigned, today)
    for member_id, code, people in session.exec(_latest_outcomes(assigned)):
        loads[member_id].outcomes[code] = people
    return list(loads.values())


def _households(assigned, today: date):
    """Households per member and those of them with a follow-up overdue: the one set on the
    household's latest visit (services.visits.contact_facts) due before today (the SQL twin
    of app.domain.worklist.overdue)."""
    _last_contact, follow_up_on = contact_columns()
    return (
        select(Household.assignee_id, func.count(), _counted(follow_up_on < today))
        .where(assigned)
        .group_by(Household.assignee_id)
    )


def _count_people(session: Session, loads: dict[int, MemberLoad], assigned, today: date) -> None:
    """People, plan-list households, the three ones and the people contacted this year per
    member, in one grouped query."""
    eligible = eligible_condition(today)
    done = three_ones_conditions()
    year_start, year_end = clock.days(date(today.year, 1, 1), date(today.year, 12, 31))
    contacted = _spoken_to(col(Visit.occurred_at) >= year_start, col(Visit.occurred_at) < year_end)
    on_list = (
        (plan_list, case((plan_list_condition(plan_list, today), Household.id)))
        for plan_list in PlanList
    )
    plan_lists = (func.count(func.distinct(household)).label(name) for name, household in on_list)
    query = (
        select(
            Household.assignee_id,
            func.count().label("people"),
            _counted(eligible).label("eligible"),
            _counted(contacted).label("contacted"),
            _counted(and_(eligible, *done.values())).label("complete"),
            *plan_lists,
        )
        .join(Household, col(Household.id) == Person.household_id)
        .where(assigned)
        .group_by(Household.assignee_id)
    )
    for row in session.exec(query):
        load = loads[row.assignee_id]
        load.people, load.eligible = row.people, row.eligible
        load.contacted, load.complete = row.contacted, row.complete
        load.plan_lists = {plan_list: row._mapping[plan_list] for plan_list in PlanList}


def _newest_first():
    """Each person's outcomes numbered as ``rank`` from their latest (1: the latest recorded on
    their latest visit, as services.visits.latest_outcomes reads it); Visit joined."""
    return (
        func.row_number()
        .over(
            partition_by=Outcome.person_id,
            order_by=(col(Visit.occurred_at).desc(), col(Outcome.id).desc()),
        )
        .label("rank")
    )


def _latest_outcomes(assigned):
    """People per member and latest outcome code."""
    ranked = (
        select(Household.assignee_id, Outcome.code, _newest_first())
        .join(Visit, col(Visit.id) == Outcome.visit_id)
        .join(Person, col(Person.id) == Outcome.person_id)
        .join(Household, col(Household.id) == Person.household_id)
        .where(assigned)
        .subquery()
    )
    return (
        select(ranked.c.assignee_id, ranked.c.code, func.count())
        .where(ranked.c.rank == 1)
        .group_by(ranked.c.assignee_id, ranked.c.code)
    )


# --- who is incomplete and why ------------------------------------------------------------------

PAGE_SIZE = 100
# People counted exactly before a list says "more than": counting a city's million incomplete
# people took 10 s; a team's few thousand are counted in full. A multiple of PAGE_SIZE.
COUNTED = 10_000


@dataclass
class IncompletePerson:
    person: Person
    household: Household
    member: User
    done: Progress
    why: Incomplete


@dataclass
class IncompleteList:
    rows: list[IncompletePerson]
    total: int
    page: int
    pages: int
    more: bool = False  # more people than ``total`` (COUNTED): narrow the list by member
    members: list[User] = field(default_factory=list)  # whom it may be narrowed to


def incomplete(
    session: Session,
    lead: User,
    today: date,
    member_id: int | None = None,
    page: int = 1,
    team: Team | None = None,
) -> IncompleteList:
    """Eligible people without all three ones in the households of the lead's members (one
    team's, one member's when given), by member and walking order, a page at a time."""
    listed = members_of(session, lead, team)
    members = [m for m in listed if member_id in (None, m.id)]
    done = three_ones_conditions()
    people = (
        select(Person, Household, *done.values())
        .join(Household, col(Household.id) == Person.household_id)
        .where(visible_households(session, lead), eligible_condition(today))
        .where(~and_(*done.values()))
    )
    counted = _count_by_member(session, members, people, COUNTED + 1)
    more = sum(counted.values()) > COUNTED
    total = min(sum(counted.values()), COUNTED)
    page, pages = page_within(total, page, PAGE_SIZE)
    skip = (page - 1) * PAGE_SIZE
    found = _page_by_member(session, members, people, skip, None if more else counted)
    last_visits = _last_visits(session, list({household.id for _p, household, *_ in found}))
    by_id = {member.id: member for member in members}
    rows = []
    for person, household, *steps in found:
        progress = Progress(**{name: bool(step) for name, step in zip(done, steps, strict=True)})
        reason = why_incomplete(progress, last_visits.get(household.id))
        member = by_id[household.assignee_id]
        rows.append(IncompletePerson(person, household, member, progress, reason))
    return IncompleteList(rows, total, page, pages, more, listed)


def _count_by_member(session: Session, members: list[User], query, up_to: int) -> Counter[int]:
    """How many rows of ``query`` are in each member's households, counting no further than
    ``up_to`` rows in all (past it, which members were counted in full is unknown)."""
    held = query.where(col(Household.assignee_id).in_([member.id for member in members]))
    rows = held.with_only_columns(Household.assignee_id).limit(up_to).subquery()
    grouped = select(rows.c.assignee_id, func.count()).group_by(rows.c.assignee_id)
    return Counter(dict(session.exec(grouped).all()))


def _page_by_member(
    session: Session, members: list[User], query, skip: int, counted: Counter[int] | None
) -> list:
    """PAGE_SIZE rows of ``query`` from the ``skip``-th on, ordered by member name and then
    walking order, read one member at a time (namesakes together): ordered across every
    member at once, each page sorted a city's million people. The members before the page
    are skipped by their rows ``counted``, or, when those are not known, counted here."""
    rows: list = []
    for _name, namesakes in groupby(members, key=lambda member: member.display_name):
        ids = [member.id for member in namesakes]
        held = query.where(col(Household.assignee_id).in_(ids))
        if skip:
            before = _count(session, held) if counted is None else sum(counted[i] for i in ids)
            if before <= skip:
                skip -= before
                continue
        walking = held.order_by(
            Household.village_id,
            Household.village_group,
            Household.address,
            Household.id,
            Person.id,
        )
        rows += session.exec(walking.offset(skip).limit(PAGE_SIZE - len(rows))).all()
        skip = 0
        if len(rows) == PAGE_SIZE:
            break
    return rows


def _count(session: Session, query) -> int:
    """How many rows the query gives."""
    return session.exec(query.with_only_columns(func.count())).scalar_one()


def _last_visits(session: Session, household_ids: list[int]) -> dict[int, LastVisit]:
    """Each household's latest visit, reached or not."""
    query = (
        select(Visit.household_id, Visit.reached, Visit.not_reached_reason)
        .where(col(Visit.household_id).in_(household_ids))
        .order_by(col(Visit.occurred_at), col(Visit.id))
    )
    return {
        household: LastVisit(reached, NotReachedReason(reason) if reason else None)
        for household, reached, reason in session.exec(query)
    }
