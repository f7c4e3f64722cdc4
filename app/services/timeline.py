"""A household's timeline, newest first: visits, the calculation and leaflet of the three ones,
outcomes, enrolment changes, assignments and edits to its records — who and when. What was
done on a visit is dated when the visit happened, however late it was keyed in."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app import labels
from app.core import clock
from app.core.i18n import N_, Message
from app.models import (
    Assignment,
    AuditEvent,
    Calculation,
    EnrolmentChange,
    Household,
    LeafletVersion,
    Outcome,
    Person,
    User,
    Visit,
    VisitPerson,
    VisitStep,
)

# What happened at the same moment is listed in this order, read upwards (newest first): the
# steps and outcomes of a visit are dated by the visit, and shown above it.
ORDER = ("edit", "assignment", "visit", "calculation", "leaflet", "outcome", "enrolment_change")
EDITS = ("household_created", "household_changed", "household_verified")
PERSON_EDITS = ("person_added", "person_changed")
EDIT_WORDS = {
    "household_created": N_("Household recorded"),
    "household_changed": N_("Household details changed"),
    "household_verified": N_("Household verified"),
    "person_added": N_("%(name)s added"),
    "person_changed": N_("%(name)s's details changed"),
}


@dataclass(frozen=True)
class Item:
    kind: str  # labels.TIMELINE_KINDS
    at: datetime  # business time
    by: str  # display name
    summary: Message
    ids: dict[str, Any] = field(default_factory=dict)  # visit_id, person_id, …


def timeline(session: Session, household: Household) -> list[Item]:
    people = dict(
        session.exec(
            select(Person.id, Person.name).where(Person.household_id == household.id)
        ).all()
    )
    events = _Events(session, household, people)
    items = [
        *events.visits(),
        *events.steps(),
        *events.unattached_calculations(),
        *events.outcomes(),
        *events.changes(),
        *events.assignments(),
        *events.edits(),
    ]
    names = _names(session, {i.by for i in items if isinstance(i.by, int)})
    named = [Item(i.kind, i.at, names.get(i.by, ""), i.summary, i.ids) for i in items]
    return sorted(named, key=lambda i: (i.at, ORDER.index(i.kind)), reverse=True)


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    query = select(User.id, User.display_name).where(col(User.id).in_(ids))
    return dict(session.exec(query).all())


def _at(moment: datetime) -> datetime:
    return clock.local(moment)


def _message(text: str, **values: Any) -> Message:
    return Message(text, values)


def _term(msgid: str) -> Message | str:
    """A label (a msgid) used inside a sentence, translated with it."""
    return Message(msgid, {}) if msgid else ""


@dataclass
class _Events:
    """Items carry the user's id in ``by`` until the names are looked up once."""

    session: Session
    household: Household
    people: dict[int, str]

    def _rows(self, query):
        return list(self.session.exec(query))

    def visits(self) -> list[Item]:
        visits = self._rows(select(Visit).where(Visit.household_id == self.household.id))
        spoken = self._rows(
            select(VisitPerson).where(col(VisitPerson.visit_id).in_([v.id for v in visits]))
        )
        names: dict[int, list[str]] = {}
        for row in spoken:
            names.setdefault(row.visit_id, []).append(self.people.get(row.person_id, ""))
        return [self._visit(visit, names.get(visit.id, [])) for visit in visits]

    def _visit(self, visit: Visit, names: list[str]) -> Item:
        channel = _term(labels.CHANNELS[visit.channel])
        if visit.reached:
            summary = _message(
                N_("%(channel)s: spoke to %(names)s"), channel=channel, names="、".join(names)
            )
        else:
            reason = _term(labels.NOT_REACHED_REASONS.get(visit.not_reached_reason or "", ""))
            summary = _message(
                N_("%(channel)s: not reached (%(reason)s)"), channel=channel, reason=reason
            )
        ids = {"visit_id": visit.id, "notes": visit.notes, "source": visit.source}
        return Item("visit", _at(visit.occurred_at), visit.recorded_by_id, summary, ids)

    def steps(self) -> list[Item]:
        query = (
            select(VisitStep, Visit.occurred_at)
            .join(Visit, col(Visit.id) == VisitStep.visit_id)
            .where(col(VisitStep.person_id).in_(self.people))
        )
        return [self._step(step, at) for step, at in self._rows(query)]

    def _step(self, step: VisitStep, at: datetime) -> Item:
        name = self.people[step.person_id]
        ids = {"visit_id": step.visit_id, "person_id": step.person_id}
        if step.kind == "calculation":
            summary = _message(N_("Calculation for %(name)s"), name=name)
            ids["calculation_id"] = step.calculation_id
        else:
            title = self._leaflet_title(step)
            medium = _term(labels.LEAFLET_MEDIA.get(step.leaflet_medium or "", ""))
            summary = _message(
                N_("Leaflet for %(name)s: %(title)s (%(medium)s)"),
                name=name,
                title=title,
                medium=medium,
            )
            ids |= {"leaflet_id": step.leaflet_id, "leaflet_version": step.leaflet_version}
        return Item(step.kind, _at(at), step.recorded_by_id, summary, ids)

    def _leaflet_title(self, step: VisitStep) -> str:
        if step.leaflet_id is None:
            return ""
        version = self.session.exec(
            select(LeafletVersion.title).where(
                LeafletVersion.leaflet_id == step.leaflet_id,
                LeafletVersion.version == step.leaflet_version,
            )
        ).first()
        return f"{version} · v{step.leaflet_version}" if version else ""

    def unattached_calculations(self) -> list[Item]:
        attached = select(VisitStep.calculation_id).where(
            col(VisitStep.calculation_id).is_not(None)
        )
        query = select(Calculation).where(
            col(Calculation.person_id).in_(self.people), col(Calculation.id).not_in(attached)
        )
        return [
            Item(
                "calculation",
                _at(c.created_at),
                c.created_by_id,
                _message(N_("Calculation saved for %(name)s"), name=self.people[c.person_id]),
                {"person_id": c.person_id, "calculation_id": c.id},
            )
            for c in self._rows(query)
        ]

    def outcomes(self) -> list[Item]:
        query = (
            select(Outcome, Visit.occurred_at)
            .join(Visit, col(Visit.id) == Outcome.visit_id)
            .where(col(Outcome.person_id).in_(self.people))
        )
        return [self._outcome(o, at) for o, at in self._rows(query)]

    def _outcome(self, outcome: Outcome, at: datetime) -> Item:
        summary = _message(
            N_("%(name)s: %(outcome)s%(detail)s"),
            name=self.people[outcome.person_id],
            outcome=_term(labels.OUTCOMES[outcome.code]),
            detail=_detail(outcome.code, outcome.from_value, outcome.to_value, outcome.reason),
        )
        ids = {"visit_id": outcome.visit_id, "person_id": outcome.person_id, "code": outcome.code}
        return Item("outcome", _at(at), outcome.recorded_by_id, summary, ids)

    def changes(self) -> list[Item]:
        query = select(EnrolmentChange).where(col(EnrolmentChange.person_id).in_(self.people))
        items = []
        for change in self._rows(query):
            ids = {"change_id": change.id, "person_id": change.person_id, "status": change.status}
            what = _message(
                N_("%(name)s: %(change)s%(detail)s"),
                name=self.people[change.person_id],
                change=_term(labels.OUTCOMES[change.kind]),
                detail=_detail(change.kind, change.from_value, change.to_value, ""),
            )
            items.append(
                Item(
                    "enrolment_change",
                    _at(change.reported_at),
                    change.reported_by_id,
                    _message(N_("Reported: %(what)s"), what=what),
                    ids,
                )
            )
            if change.decided_at is not None:
                status = _term(labels.CHANGE_STATUSES[change.status])
                items.append(
                    Item(
                        "enrolment_change",
                        _at(change.decided_at),
                        change.decided_by_id,
                        _message(N_("%(status)s: %(what)s"), status=status, what=what),
                        ids,
                    )
                )
        return items

    def assignments(self) -> list[Item]:
        query = select(Assignment).where(Assignment.household_id == self.household.id)
        rows = self._rows(query)
        names = _names(self.session, {r.to_user_id for r in rows if r.to_user_id})
        return [
            Item(
                "assignment",
                _at(row.at),
                row.by_user_id,
                _message(
                    N_("%(kind)s: %(member)s"),
                    kind=_term(labels.ASSIGNMENT_KINDS[row.kind]),
                    member=names.get(row.to_user_id, "—"),
                ),
            )
            for row in rows
        ]

    def edits(self) -> list[Item]:
        targets = [f"household:{self.household.id}"] + [f"person:{p}" for p in self.people]
        query = select(AuditEvent).where(
            col(AuditEvent.target).in_(targets), col(AuditEvent.action).in_(EDITS + PERSON_EDITS)
        )
        items = []
        for event in self._rows(query):
            person = int(event.target.split(":")[1]) if event.target.startswith("person") else 0
            summary = _message(EDIT_WORDS[event.action], name=self.people.get(person, ""))
            items.append(Item("edit", _at(event.at), event.user_id, summary))
        return items


def _detail(code: str, start: int | None, end: int | None, reason: str) -> str:
    """The figures of an outcome: 200 → 500 yuan, a base of 60 %, a refusal's reason."""
    if code == "join_flexible" and end is not None:
        return f" · {end}%"
    if end is not None:
        return f" · {start} → {end}" if start is not None else f" · {end}"
    return f" · {reason}" if reason else ""
