"""Keying in a printed walk sheet (app.services.walk_sheets): the ticks and outcome codes of one
village group's households, stored as paper visits dated the day the sheet was walked.

Every household is checked before any is stored (record_visit commits one visit at a time), so
a mistake in row 7 leaves rows 1–6 unsaved too and the page asks for the fix with everything
typed kept. Each household's visit UUID derives from the form's, so a sheet sent twice is
stored once."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo

from sqlmodel import Session
from starlette.datastructures import ImmutableMultiDict

from app.core import clock
from app.core.config import get_settings
from app.core.i18n import N_, Message
from app.domain.codes import Channel, LeafletMedium, Role, StepKind, VisitSource
from app.domain.validation import Invalid, whole_number
from app.domain.visits import (
    OutcomeForm,
    Progress,
    StepForm,
    VisitForm,
    check_visit,
    normalised_uuid,
    suggested_follow_up,
)
from app.models import Household, LeafletVersion, User
from app.services import assignments, leaflets, scope, visits, walk_sheets
from app.services.parameters import tiers_on_offer
from app.services.walk_sheets import SheetPage, WalkSheet

# A sheet carries the day it was walked, not the time of each door: its visits are dated noon.
WALKED_AT = time(12)


# --- the sheet as typed ------------------------------------------------------------------------


@dataclass
class PersonTicks:
    """One person's row: the three boxes, the outcome code and its figures."""

    contact: bool = False
    calculation: bool = False
    leaflet: bool = False
    outcome: str = ""
    from_value: str = ""  # the current tier, for raise_tier
    to_value: str = ""  # the new tier, or the base percentage for join_flexible
    reason: str = ""  # for refused

    @property
    def ticked(self) -> bool:
        """Anything on the row that says someone was spoken to."""
        return self.contact or self.calculation or self.leaflet or bool(self.outcome)

    @classmethod
    def from_form(cls, data: ImmutableMultiDict, person_id: int) -> "PersonTicks":
        def typed(name: str) -> str:
            return str(data.get(f"{name}-{person_id}", "")).strip()

        return cls(
            contact=bool(typed("contact")),
            calculation=bool(typed("calculation")),
            leaflet=bool(typed("leaflet")),
            outcome=typed("outcome"),
            from_value=typed("from"),
            to_value=typed("to"),
            reason=typed("reason"),
        )


@dataclass
class HouseholdTicks:
    not_reached: str = ""  # why nobody answered, for a household nobody was ticked in
    people: dict[int, PersonTicks] = field(default_factory=dict)

    @property
    def reached(self) -> bool:
        return any(ticks.ticked for ticks in self.people.values())

    @property
    def filled(self) -> bool:
        """Households left blank were not walked (or not yet): nothing is recorded for them."""
        return self.reached or bool(self.not_reached)

    def person(self, person_id: int) -> PersonTicks:
        return self.people.get(person_id) or PersonTicks()


@dataclass
class SheetEntry:
    """The entry form: one UUID, the day walked, the leaflet handed out, and per household
    (in sheet order) its people's rows."""

    client_uuid: str
    walked_on: str
    leaflet_id: str = ""
    households: dict[int, HouseholdTicks] = field(default_factory=dict)

    @classmethod
    def blank(cls, sheets: list[WalkSheet], today: date) -> "SheetEntry":
        """A fresh form; the current tier is filled in from the registry (raise_tier needs it
        and paper rarely says)."""
        households = {
            card.household.id: HouseholdTicks(
                people={
                    person.id: PersonTicks(from_value=str(person.resident_tier or ""))
                    for person in card.people
                }
            )
            for sheet in sheets
            for card in sheet.households
        }
        return cls(str(uuid.uuid4()), today.isoformat(), "", households)

    @classmethod
    def from_form(cls, data: ImmutableMultiDict) -> "SheetEntry":
        """Each household card sends its id (``household``) and its people's ids
        (``people-<household>``); each row's fields are named by the person's id."""
        households = {}
        for text in data.getlist("household"):
            # A household id that is not a number names no household (0): refused with the rest.
            household_id = whole_number(str(text)) or 0
            people = [whole_number(p) for p in str(data.get(f"people-{household_id}", "")).split()]
            households[household_id] = HouseholdTicks(
                not_reached=str(data.get(f"not_reached-{household_id}", "")).strip(),
                people={p: PersonTicks.from_form(data, p) for p in people if p is not None},
            )
        return cls(
            client_uuid=str(data.get("client_uuid", "")),
            walked_on=str(data.get("walked_on", "")).strip(),
            leaflet_id=str(data.get("leaflet_id", "")).strip(),
            households=households,
        )

    def household(self, household_id: int) -> HouseholdTicks:
        return self.households.get(household_id) or HouseholdTicks()


# --- from the sheet to visits (pure) ------------------------------------------------------------


def sheet_moment(day: date, now: datetime, zone: tzinfo) -> datetime:
    """Noon of the day walked in business time; a sheet keyed in on the morning it was walked
    is dated now rather than in the future."""
    noon = datetime.combine(day, WALKED_AT, zone)
    return min(noon, now) if day == now.astimezone(zone).date() else noon


def visit_uuid(form_uuid: str, household_id: int) -> str:
    """The household's visit on this form: the same on every submit of it ("" for a form UUID
    that is not one, which the visit check reports)."""
    found = normalised_uuid(form_uuid)
    return str(uuid.uuid5(uuid.UUID(found), str(household_id))) if found else ""


def visit_form(
    ticks: HouseholdTicks,
    *,
    client_uuid: str,
    occurred_at: datetime,
    leaflet_id: str,
    follow_up_days: Mapping[str, int | None],
) -> VisitForm:
    """A home visit: reached when anyone's row is ticked, the people spoken to are those with
    the visit box ticked; calculations were done on paper (no saved calculation) and leaflets
    handed over on paper. The follow-up is the usual interval, set here because an undecided
    outcome needs an explicit date and paper entry has no field for it."""
    people = ticks.people.items()
    outcomes = [
        OutcomeForm(
            person_id=str(person),
            code=row.outcome,
            from_value=row.from_value,
            to_value=row.to_value,
            reason=row.reason,
        )
        for person, row in people
        if row.outcome
    ]
    steps = []
    for person, row in people:
        if row.calculation:
            steps.append(StepForm(person_id=str(person), kind=StepKind.calculation))
        if row.leaflet:
            steps.append(
                StepForm(
                    person_id=str(person),
                    kind=StepKind.leaflet,
                    leaflet_id=leaflet_id,
                    leaflet_medium=LeafletMedium.paper,
                )
            )
    not_reached = "" if ticks.reached else ticks.not_reached
    reasons = [o.code for o in outcomes] + [not_reached]
    due = suggested_follow_up(occurred_at.date(), reasons, follow_up_days)
    return VisitForm(
        client_uuid=client_uuid,
        channel=Channel.home_visit,
        reached="yes" if ticks.reached else "no",
        not_reached_reason=not_reached,
        person_ids=[str(person) for person, row in people if row.contact],
        occurred_at=occurred_at.isoformat(),
        follow_up_on=due.isoformat() if due else "",
        outcomes=outcomes,
        steps=steps,
    )


def sheet_errors(household_id: int, ticks: HouseholdTicks) -> dict[str, str]:
    """What the visit check cannot see: a household both ticked and marked as not reached
    (the visit form would drop the reason silently)."""
    if ticks.reached and ticks.not_reached:
        message = N_("Either tick the people reached or choose why nobody was, not both.")
        return {f"household-{household_id}": message}
    return {}


def placed_errors(
    errors: Mapping[str, str | Message], form: VisitForm, household_id: int
) -> dict[str, str | Message]:
    """The visit check's messages moved to where the sheet shows them: an outcome's or a
    step's next to its person, the time next to the day walked, the rest on the household."""
    placed: dict[str, str | Message] = {}
    for key, message in errors.items():
        kind, _, index = key.partition(".")
        if kind in ("outcomes", "steps") and index:
            where = f"person-{getattr(form, kind)[int(index)].person_id}"
        elif key == "occurred_at":
            where = "walked_on"
        elif key == "client_uuid":
            where = "client_uuid"
        else:
            where = f"household-{household_id}"
        placed.setdefault(where, message)
    return placed


# --- whose sheet, and what the screen shows -------------------------------------------------------


def members_for(session: Session, user: User) -> list[User]:
    """Whose sheets a lead may key in: the members of their teams (a member keys in their own)."""
    return assignments.assignable_members(session, user) if user.role == Role.lead else []


def sheet_holder(session: Session, user: User, member_id: int | None) -> User | None:
    if user.role == Role.member:
        return user
    return next((m for m in members_for(session, user) if m.id == member_id), None)


@dataclass
class EntryScreen:
    groups: list[str]
    chosen: str | None  # the village group keyed in; None until one is chosen
    sheets: list[WalkSheet]  # one per village with a group of that name, as printed
    page: int  # a group too long for one form is keyed in a page at a time
    pages: int
    progress: dict[int, Progress]  # each person's three ones so far (shown once begun)
    leaflets: list[LeafletVersion]
    tiers: list[int]


def entry_screen(
    session: Session, holder: User, village_group: str | None, today: date, page: int = 1
) -> EntryScreen:
    """One village group of the holder's walk sheet (a page of it), in the printed order; a
    holder with a single group needs no choosing."""
    groups = walk_sheets.groups_of(session, holder)
    chosen = groups[0] if village_group is None and len(groups) == 1 else village_group
    shown = (
        walk_sheets.page_of_group(session, holder, today, chosen, page)
        if chosen is not None
        else SheetPage([], 1, 1)
    )
    people = [p.id for sheet in shown.sheets for card in sheet.households for p in card.people]
    return EntryScreen(
        groups=groups,
        chosen=chosen,
        sheets=shown.sheets,
        page=shown.page,
        pages=shown.pages,
        progress=visits.people_progress(session, people),
        leaflets=leaflets.published(session),
        tiers=tiers_on_offer(session),
    )


# --- storing ------------------------------------------------------------------------------------


class ForeignHousehold(LookupError):
    """The sheet names a household the user may not record on: nothing is stored."""


@dataclass(frozen=True)
class Saved:
    recorded: int  # visits stored now
    repeated: int  # visits this form had stored before (sent twice), left as they were


def key_in(session: Session, entry: SheetEntry, *, by: User) -> Saved:
    """Store a visit for every household filled in: all of them, or (Invalid) none."""
    now, zone = clock.now(), get_settings().zone
    errors: dict[str, str | Message] = {}
    day = _walked_on(errors, entry.walked_on)
    moment = (sheet_moment(day, now, zone) if day else now).astimezone(zone)
    households = _households(session, by, list(entry.households), moment)
    _check_leaflet(errors, session, entry.leaflet_id)
    days = visits.follow_up_days(session)
    forms = {
        household_id: visit_form(
            ticks,
            client_uuid=visit_uuid(entry.client_uuid, household_id),
            occurred_at=moment,
            leaflet_id=entry.leaflet_id,
            follow_up_days=days,
        )
        for household_id, ticks in entry.households.items()
        if ticks.filled
    }
    if not forms:
        errors["sheet"] = N_(
            "Nothing was filled in: tick the boxes as on the sheet, or say why nobody was reached."
        )
    for household_id, form in forms.items():
        _keep_first(errors, sheet_errors(household_id, entry.households[household_id]))
        try:
            check_visit(form, visits.rules_for(session, households[household_id]))
        except Invalid as invalid:
            _keep_first(errors, placed_errors(invalid.errors, form, household_id))
    if errors:
        raise Invalid(errors)
    created = [
        visits.record_visit(session, households[h], form, by=by, source=VisitSource.paper)[1]
        for h, form in forms.items()
    ]
    return Saved(recorded=sum(created), repeated=len(created) - sum(created))


def _keep_first(errors: dict, more: Mapping) -> None:
    """One message per place on the page: the first found."""
    for key, message in more.items():
        errors.setdefault(key, message)


def _walked_on(errors: dict, text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors["walked_on"] = N_("Enter a date such as 2024-06-30.")
        return None


def _households(
    session: Session, user: User, household_ids: list[int], moment: datetime
) -> dict[int, Household]:
    """The sheet's households, each one the user may record on."""
    found = scope.households_for_visit(session, user, household_ids, moment)
    if None in found.values():
        raise ForeignHousehold
    return found


def _check_leaflet(errors: dict, session: Session, leaflet_id: str) -> None:
    """The sheet's leaflet is one in the library now, or none named (paper may not say)."""
    offered = {str(version.leaflet_id) for version in leaflets.published(session)}
    if leaflet_id and leaflet_id not in offered:
        errors["leaflet_id"] = N_("Choose a leaflet from the library.")
