"""Visits and the three ones (三个一): who the three ones apply to, what a visit as typed means
(checked field by field), a person's progress across visits, which outcomes are real enrolment
changes and when to follow up.

Glossary: 三个一 the three ones — 见一次面或通一次电话 (contact), 算一笔账 (calculation),
送一份宣传单 (leaflet); 延缴 extend_paying; 补缴 buy_back; 灵活就业 flexible worker."""

import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

from pydantic import BaseModel

from app.core.i18n import N_, Message
from app.domain.codes import (
    Channel,
    InsuranceStatus,
    LeafletMedium,
    NotReachedReason,
    OutcomeCode,
    StepKind,
)
from app.domain.people import ADULT_AGE, age
from app.domain.validation import Invalid, whole_number, within

NOTES_LENGTH = 1000
REASON_LENGTH = 200
OLDEST_BACK_ENTRY = timedelta(days=366)  # paper sheets and offline phones catch up within a year
CLOCK_SKEW = timedelta(minutes=10)  # a phone's clock a little ahead is not "the future"
FURTHEST_FOLLOW_UP = timedelta(days=366)
BASE_PERCENT = range(60, 301)  # flexible-worker bases: 60 %–300 % of the average wage

# Outcomes that change someone's enrolment: each is recorded as an enrolment change.
CHANGES = frozenset(
    {
        OutcomeCode.join_resident,
        OutcomeCode.raise_tier,
        OutcomeCode.join_flexible,
        OutcomeCode.resume_paying,
        OutcomeCode.extend_paying,
        OutcomeCode.buy_back,
    }
)

# Days until the next follow-up by outcome code or not-reached reason (None: no follow-up);
# admins may change them (the follow-up intervals page), and the member may change the date.
DEFAULT_FOLLOW_UP_DAYS: dict[str, int | None] = {
    OutcomeCode.join_resident: 30,  # check the payment went through
    OutcomeCode.raise_tier: 30,
    OutcomeCode.join_flexible: 30,
    OutcomeCode.resume_paying: 30,
    OutcomeCode.extend_paying: 30,
    OutcomeCode.buy_back: 30,
    OutcomeCode.insured_elsewhere: None,
    OutcomeCode.undecided: 14,
    OutcomeCode.refused: 180,
    OutcomeCode.not_eligible: None,
    NotReachedReason.nobody_home: 3,
    NotReachedReason.wrong_number: 7,
    NotReachedReason.refused_to_talk: 30,
    NotReachedReason.moved_away: None,
    NotReachedReason.deceased: None,
}


# --- who the three ones apply to ---------------------------------------------------------------


@dataclass(frozen=True)
class EligibilityFacts:
    birth_date: date
    insurance_status: InsuranceStatus
    retires_on: date | None = None  # the statutory employee-pension retirement date
    is_student: bool = False


class NotDue(StrEnum):
    """Why the three ones are not due for someone, the first that applies."""

    pensioner = "pensioner"
    under_age = "under_age"
    retired = "retired"
    student = "student"


def not_due_reason(person: EligibilityFacts, today: date) -> NotDue | None:
    """Aged 16 up to the statutory retirement age, not drawing a pension, not a full-time
    student, or the reason they are not (the SQL twin: app.services.visits.eligible_condition)."""
    if person.insurance_status == InsuranceStatus.receiving:
        return NotDue.pensioner
    if age(person.birth_date, today) < ADULT_AGE:
        return NotDue.under_age
    if person.retires_on is not None and today >= person.retires_on:
        return NotDue.retired
    if person.is_student:
        return NotDue.student
    return None


def is_eligible(person: EligibilityFacts, today: date) -> bool:
    return not_due_reason(person, today) is None


# --- progress across visits --------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    contact: bool = False
    calculation: bool = False
    leaflet: bool = False

    @property
    def done(self) -> int:
        return self.contact + self.calculation + self.leaflet

    @property
    def complete(self) -> bool:
        return self.done == 3

    @property
    def missing(self) -> list[str]:
        """What is still to do, in the order the plan names the three ones."""
        steps = {"contact": self.contact, "calculation": self.calculation, "leaflet": self.leaflet}
        return [name for name, done in steps.items() if not done]


def progress(
    people: Iterable[int], contacted: Iterable[int], steps: Iterable[tuple[int, StepKind]]
) -> dict[int, Progress]:
    """Each person's three ones from every visit: contact when they were among the people
    spoken to on a visit that reached them, the other two when recorded for them."""
    reached = set(contacted)
    done = set(steps)
    return {
        person: Progress(
            contact=person in reached,
            calculation=(person, StepKind.calculation) in done,
            leaflet=(person, StepKind.leaflet) in done,
        )
        for person in people
    }


# --- a visit as typed --------------------------------------------------------------------------


class OutcomeForm(BaseModel):
    person_id: str = ""
    code: str = ""
    from_value: str = ""  # the current tier for raise_tier
    to_value: str = ""  # the new tier, or the base percentage for join_flexible
    reason: str = ""


class StepForm(BaseModel):
    person_id: str = ""
    kind: str = ""  # calculation or leaflet; the API infers it from the ids given
    calculation_id: str = ""
    leaflet_id: str = ""
    leaflet_medium: str = ""


class VisitForm(BaseModel):
    """A visit as typed on the phone or sent by the API, every value a string."""

    client_uuid: str = ""
    channel: str = ""
    reached: str = ""  # "yes"/"no" (forms) or "true"/"false" (API)
    not_reached_reason: str = ""
    person_ids: list[str] = []
    occurred_at: str = ""  # ISO 8601; without an offset it is business time
    notes: str = ""
    latitude: str = ""
    longitude: str = ""
    follow_up_on: str = ""
    outcomes: list[OutcomeForm] = []
    steps: list[StepForm] = []


@dataclass(frozen=True)
class OutcomeValues:
    person_id: int
    code: OutcomeCode
    from_value: int | None = None
    to_value: int | None = None
    reason: str = ""

    @property
    def is_change(self) -> bool:
        return self.code in CHANGES


@dataclass(frozen=True)
class StepValues:
    person_id: int
    kind: StepKind
    calculation_id: int | None = None
    leaflet_id: int | None = None
    leaflet_medium: LeafletMedium | None = None


@dataclass(frozen=True)
class VisitValues:
    client_uuid: str
    channel: Channel
    reached: bool
    not_reached_reason: NotReachedReason | None
    person_ids: tuple[int, ...]
    occurred_at: datetime
    notes: str = ""
    latitude: float | None = None
    longitude: float | None = None
    follow_up_on: date | None = None
    outcomes: tuple[OutcomeValues, ...] = ()
    steps: tuple[StepValues, ...] = ()


@dataclass(frozen=True)
class VisitRules:
    """What checking a visit needs to know besides the form."""

    now: datetime  # aware
    zone: tzinfo  # business time
    household_people: Collection[int]
    tiers: Collection[int] = ()  # the resident tier menu in force (yuan a year)
    follow_up_days: Mapping[str, int | None] = field(default_factory=lambda: DEFAULT_FOLLOW_UP_DAYS)


def check_visit(form: VisitForm, rules: VisitRules) -> VisitValues:
    """The visit to store, or Invalid naming every field that is wrong."""
    errors: dict[str, str | Message] = {}
    client_uuid = _uuid(errors, form.client_uuid)
    channel = _code(errors, "channel", Channel, form.channel, N_("Choose how you worked them."))
    reached = _reached(errors, form.reached)
    reason = None
    if reached is False:
        reason = _code(
            errors,
            "not_reached_reason",
            NotReachedReason,
            form.not_reached_reason,
            N_("Say why nobody was reached."),
        )
    occurred_at = _occurred_at(errors, form.occurred_at, rules)
    people = _people(errors, form.person_ids, rules.household_people, reached)
    outcomes = tuple(
        _outcome(errors, index, o, people, rules) for index, o in enumerate(form.outcomes)
    )
    steps = tuple(_step(errors, index, s, people) for index, s in enumerate(form.steps))
    if reached is False and (form.outcomes or form.steps):
        errors["outcomes"] = N_("Nobody was reached: record outcomes on a visit that reached them.")
    notes = within(errors, "notes", form.notes, NOTES_LENGTH)
    latitude, longitude = _location(errors, form.latitude, form.longitude)
    follow_up_on = _follow_up(errors, form.follow_up_on, occurred_at, rules.zone)
    codes = {o.code for o in outcomes if o is not None}
    if OutcomeCode.undecided in codes and follow_up_on is None and "follow_up_on" not in errors:
        errors["follow_up_on"] = N_("Undecided: set the date to follow up.")
    if errors:
        raise Invalid(errors)
    return VisitValues(
        client_uuid=client_uuid,
        channel=channel,
        reached=reached,
        not_reached_reason=reason,
        person_ids=people,
        occurred_at=occurred_at,
        notes=notes,
        latitude=latitude,
        longitude=longitude,
        follow_up_on=follow_up_on,
        outcomes=outcomes,
        steps=steps,
    )


def new_client_uuid() -> str:
    """A form's client UUID, rendered into it: the same form sent twice names the same visit
    or addition."""
    return str(uuid.uuid4())


def normalised_uuid(text: str) -> str | None:
    """The UUID in its canonical form (lower case, with hyphens), or None."""
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        return None


def _uuid(errors, text: str) -> str:
    found = normalised_uuid(text)
    if found is None:
        errors["client_uuid"] = N_(
            "client_uuid is not a UUID (such as 123e4567-e89b-42d3-a456-426614174000)."
        )
    return found or ""


def _code(errors, name, codes, text, message):
    if text in codes.__members__:
        return codes(text)
    errors[name] = message
    return None


def _reached(errors, text: str) -> bool | None:
    answers = {"yes": True, "true": True, "no": False, "false": False}
    if text.strip().lower() in answers:
        return answers[text.strip().lower()]
    errors["reached"] = N_("Say whether you reached them.")
    return None


def _occurred_at(errors, text: str, rules: VisitRules) -> datetime:
    text = text.strip()
    if not text:
        return rules.now
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        errors["occurred_at"] = N_("Enter the date and time such as 2024-06-30 14:30.")
        return rules.now
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=rules.zone)
    if moment > rules.now + CLOCK_SKEW:
        errors["occurred_at"] = N_("The visit cannot be in the future.")
    elif moment < rules.now - OLDEST_BACK_ENTRY:
        errors["occurred_at"] = N_("Visits more than a year old cannot be entered.")
    else:
        return moment
    return rules.now  # refused: later checks (the follow-up) reason from a date that exists


def _people(errors, typed: list[str], household: Collection[int], reached) -> tuple[int, ...]:
    numbers = [whole_number(text) for text in typed]
    if None in numbers or not set(numbers) <= set(household):
        errors["person_ids"] = N_("Choose people of this household.")
        return ()
    people = tuple(dict.fromkeys(numbers))
    if reached and not people:
        errors["person_ids"] = N_("Tick the people you spoke to.")
    return people


def _outcome(errors, index: int, form: OutcomeForm, people, rules: VisitRules):
    name = f"outcomes.{index}"
    person = whole_number(form.person_id)
    if person is None or person not in people:
        errors[name] = N_("Outcomes are for the people you spoke to.")
        return None
    code = _code(errors, name, OutcomeCode, form.code, N_("Choose an outcome from the list."))
    if code is None:
        return None
    start = _tier(errors, name, form.from_value, ()) if code == OutcomeCode.raise_tier else None
    end = None
    if code in (OutcomeCode.join_resident, OutcomeCode.raise_tier):
        end = _tier(errors, name, form.to_value, rules.tiers, required=True)
        if start is not None and end is not None and end <= start:
            errors[name] = N_("The new tier must be higher than the current one.")
    elif code == OutcomeCode.join_flexible:
        end = whole_number(form.to_value)
        if end not in BASE_PERCENT:
            errors[name] = N_("Choose a base from 60 to 300 percent of the average wage.")
    reason = within(errors, name, form.reason, REASON_LENGTH)
    if code == OutcomeCode.refused and not reason:
        errors[name] = N_("Refused: note the reason they gave.")
    return OutcomeValues(person, code, start, end, reason)


def _tier(errors, name, text: str, menu: Collection[int], required: bool = False) -> int | None:
    """A tier chosen now must be on the menu in force; the one paid so far may be older."""
    tier = whole_number(text, 100_000)
    if tier is None and not text.strip() and not required:
        return None
    if tier is None or (menu and tier not in menu):
        errors[name] = N_("Choose a tier from the list.")
    return tier


def _step(errors, index: int, form: StepForm, people) -> StepValues | None:
    name = f"steps.{index}"
    person = whole_number(form.person_id)
    if person is None or person not in people:
        errors[name] = N_("The calculation and the leaflet are for the people you spoke to.")
        return None
    calculation = whole_number(form.calculation_id)
    leaflet = whole_number(form.leaflet_id)
    kind = form.kind or (StepKind.calculation if calculation is not None else StepKind.leaflet)
    if kind not in StepKind.__members__:
        errors[name] = N_("Choose a calculation or a leaflet.")
        return None
    medium = None
    if kind == StepKind.leaflet:
        medium = _code(
            errors, name, LeafletMedium, form.leaflet_medium or "paper", N_("Paper or digital?")
        )
        if form.leaflet_id and leaflet is None:
            errors[name] = N_("Choose a leaflet from the library.")
    elif form.calculation_id and calculation is None:
        errors[name] = N_("Attach a saved calculation.")
    return StepValues(person, StepKind(kind), calculation, leaflet, medium)


def _location(errors, latitude: str, longitude: str) -> tuple[float | None, float | None]:
    if not latitude.strip() and not longitude.strip():
        return None, None
    try:
        north, east = float(latitude), float(longitude)
    except ValueError:
        north, east = 999.0, 999.0
    if not (-90 <= north <= 90 and -180 <= east <= 180):
        errors["location"] = N_("The location could not be read; record the visit without it.")
        return None, None
    return round(north, 6), round(east, 6)


def _follow_up(errors, text: str, occurred_at: datetime, zone: tzinfo) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors["follow_up_on"] = N_("Enter a date such as 2024-06-30.")
        return None
    visited = occurred_at.astimezone(zone).date()
    if not visited <= day <= visited + FURTHEST_FOLLOW_UP:
        errors["follow_up_on"] = N_("Follow up between the visit and a year after it.")
        return None
    return day


# --- follow-ups --------------------------------------------------------------------------------


def checked_follow_up(text: str, occurred_at: datetime, zone: tzinfo) -> date:
    """A follow-up date typed on its own (changing a visit's): required, and between the visit
    and a year after it."""
    errors: dict[str, str | Message] = {}
    day = _follow_up(errors, text, occurred_at, zone)
    if day is None:
        raise Invalid(errors or {"follow_up_on": N_("Enter a date such as 2024-06-30.")})
    return day


FOLLOW_UP_PRESETS = ((7, N_("In a week")), (30, N_("In a month")), (90, N_("In three months")))


def follow_up_presets(visited_on: date) -> list[tuple[date, str]]:
    """The follow-up days a card offers as one tap each, counted from the visit."""
    return [(visited_on + timedelta(days=days), label) for days, label in FOLLOW_UP_PRESETS]


def suggested_follow_up(
    visited_on: date, reasons: Iterable[str], days: Mapping[str, int | None]
) -> date | None:
    """The earliest follow-up any of the outcomes (or the reason nobody was reached) calls
    for; None when none of them needs one."""
    intervals = [days.get(reason) for reason in reasons]
    found = [interval for interval in intervals if interval is not None]
    return visited_on + timedelta(days=min(found)) if found else None
