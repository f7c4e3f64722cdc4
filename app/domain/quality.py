"""Data-quality flags (数据质量提示): patterns in a member's visits of one period that are worth
a lead's look. Nothing is penalised automatically: a lead looks into each flag and marks it
reviewed with a note. Pure: the facts of the visits in, the flags raised out.

Glossary: 走访 visit; 入户 home visit; 三个一 the three ones; 算一笔账 the calculation."""

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from app.core.i18n import N_, Message
from app.domain.codes import Channel, FlagKind
from app.domain.metrics import WORK_SINCE, Period

# A contact rate says little over a handful of doors.
MIN_ATTEMPTS = 20
# Door-knocking in villages finds many people away (migrant workers, 外出务工): a month where
# nearly every visit reached someone is unusual.
NEAR_FULL_PERCENT = 98
# Walking to the next house and talking the three ones through takes longer than this.
MINUTES_APART = 5
# A few quick visits happen (neighbours met in one courtyard); a habit of them is worth a look.
MIN_QUICK_GAPS = 5
# Phone positions are good to about this much; a household's visit is recorded at its door.
SAME_PLACE_METRES = 20
# Two or three neighbours share a courtyard; five households at one spot is worth a look.
MIN_SAME_PLACE_HOUSEHOLDS = 5
# A calculation left unsaved once is a slip; three people is a habit worth a word.
MIN_WITHOUT_CALCULATION = 3

EARTH_RADIUS_METRES = 6_371_000

LABELS = {
    FlagKind.contact_rate_near_full: N_("Nearly every visit reached someone"),
    FlagKind.visits_minutes_apart: N_("Home visits minutes apart"),
    FlagKind.visits_same_place: N_("Many households visited from one spot"),
    FlagKind.three_ones_without_calculation: N_("Three ones ticked without a saved calculation"),
}

WHY = {
    FlagKind.contact_rate_near_full: N_(
        "Door-knocking usually finds many people away working elsewhere: check how the visits "
        "were recorded."
    ),
    FlagKind.visits_minutes_apart: N_(
        "Walking to the next household and talking it through usually takes longer: ask how "
        "the visits went."
    ),
    FlagKind.visits_same_place: N_(
        "Each home visit is usually recorded at the household's door; a block of flats or a "
        "village meeting can explain it."
    ),
    FlagKind.three_ones_without_calculation: N_(
        "A calculation saved on the visit shows the person what they would pay and get; ticks "
        "without one cannot be checked."
    ),
}

EVIDENCE = {
    FlagKind.contact_rate_near_full: N_(
        "%(count)s of %(of)s visits reached someone (%(percent)s%%)"
    ),
    FlagKind.visits_minutes_apart: N_(
        "%(count)s of %(of)s home visits that reached someone came less than %(minutes)s "
        "minutes after a visit to another household"
    ),
    FlagKind.visits_same_place: N_(
        "%(count)s households visited within %(metres)s m of one spot, of %(of)s home visits "
        "with a location"
    ),
    FlagKind.three_ones_without_calculation: N_(
        "%(count)s of %(of)s people given a calculation have all three ones but no saved "
        "calculation"
    ),
}


@dataclass(frozen=True)
class VisitFact:
    """One of the member's visits in the period; ``occurred_at`` in business time."""

    household_id: int
    occurred_at: datetime
    channel: Channel
    reached: bool
    latitude: float | None = None
    longitude: float | None = None
    visit_id: int | None = None  # to name whom the visit reached

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True)
class PersonSteps:
    """Someone given a calculation step on the member's visits in the period, and what was
    done for them by anyone up to the period's end: spoken to on a visit that reached them,
    handed a leaflet, and whether any of their calculation steps has a saved calculation."""

    contacted: bool
    leaflet: bool
    calculation_saved: bool

    @property
    def ticked_without_calculation(self) -> bool:
        """All three ones ticked (the calculation step is why they are here), none saved."""
        return self.contacted and self.leaflet and not self.calculation_saved


@dataclass(frozen=True)
class Flag:
    """A flag raised: ``count`` of ``of`` is the evidence (what was found, out of what)."""

    kind: FlagKind
    count: int
    of: int

    @property
    def evidence(self) -> dict[str, int]:
        return {"count": self.count, "of": self.of}


def evidence(flag: Flag) -> Message:
    """The flag's evidence in words."""
    percent = round(100 * flag.count / flag.of) if flag.of else 0
    values = {
        "count": flag.count,
        "of": flag.of,
        "percent": percent,
        "minutes": MINUTES_APART,
        "metres": SAME_PLACE_METRES,
    }
    return Message(EVIDENCE[flag.kind], values)


@dataclass(frozen=True)
class Tally:
    """One member's visits in the period, counted: what every flag but the one-spot flag looks
    at. ``counted`` counts facts; at city scale the database counts the same (app.services
    .quality), so the rules below are the only place the thresholds live."""

    attempts: int = 0  # visits, reached or not
    reached: int = 0
    home_reached: int = 0  # home visits that reached someone
    quick_gaps: int = 0  # of those, the ones minutes after a visit to another household
    located: int = 0  # home visits with a location
    given_calculation: int = 0  # people given a calculation step
    ticked_without_calculation: int = 0  # of those, all three ones and no saved calculation


def counted(visits: Sequence[VisitFact] = (), people: Sequence[PersonSteps] = ()) -> Tally:
    """The facts of one member's period, counted."""
    home = sorted(
        (v for v in visits if v.channel == Channel.home_visit and v.reached),
        key=lambda visit: visit.occurred_at,
    )
    quick = timedelta(minutes=MINUTES_APART)
    return Tally(
        attempts=len(visits),
        reached=sum(visit.reached for visit in visits),
        home_reached=len(home),
        quick_gaps=sum(
            1
            for before, after in pairwise(home)
            if before.household_id != after.household_id
            and after.occurred_at - before.occurred_at < quick
        ),
        located=len(_located(visits)),
        given_calculation=len(people),
        ticked_without_calculation=sum(person.ticked_without_calculation for person in people),
    )


def contact_rate_near_full(visits: Sequence[VisitFact]) -> Flag | None:
    """Of the visits (attempts), the share that reached someone is near 100 %."""
    return _contact_rate_near_full(counted(visits))


def _contact_rate_near_full(tally: Tally) -> Flag | None:
    attempts, reached = tally.attempts, tally.reached
    if attempts >= MIN_ATTEMPTS and 100 * reached >= NEAR_FULL_PERCENT * attempts:
        return Flag(FlagKind.contact_rate_near_full, reached, attempts)
    return None


def visits_minutes_apart(visits: Sequence[VisitFact]) -> Flag | None:
    """Home visits that reached someone, in time order, each less than MINUTES_APART after the
    one before at another household. Phone calls are quick by nature, and so is a knock at a
    door nobody opens, so neither counts."""
    return _visits_minutes_apart(counted(visits))


def _visits_minutes_apart(tally: Tally) -> Flag | None:
    if tally.quick_gaps >= MIN_QUICK_GAPS:
        return Flag(FlagKind.visits_minutes_apart, tally.quick_gaps, tally.home_reached)
    return None


def may_be_same_place(tally: Tally) -> bool:
    """Whether the one-spot flag can be raised at all: not with fewer located home visits than
    households it asks for (so their positions need not be looked at)."""
    return tally.located >= MIN_SAME_PLACE_HOUSEHOLDS


def visits_same_place(visits: Sequence[VisitFact]) -> Flag | None:
    """The most distinct households visited within SAME_PLACE_METRES of one home visit's
    position. Only home visits: a call's position is the member's desk, not the household."""
    located = _located(visits)
    most = len({visit.household_id for visit in busiest_spot(located)})
    if most >= MIN_SAME_PLACE_HOUSEHOLDS:
        return Flag(FlagKind.visits_same_place, most, len(located))
    return None


def _located(visits: Sequence[VisitFact]) -> list[VisitFact]:
    return [v for v in visits if v.channel == Channel.home_visit and v.located]


def busiest_spot(visits: Sequence[VisitFact]) -> list[VisitFact]:
    """The home visits within SAME_PLACE_METRES of the one whose surroundings hold the most
    distinct households: who the one-spot flag is about.

    Around each visit, only those in a band of latitude can lie within SAME_PLACE_METRES (a
    distance is never shorter than its north-south part), so each is measured against its band
    instead of every visit of the period. The band is a hair wider than needed; the distance
    itself decides."""
    ordered = sorted(_located(visits), key=lambda visit: visit.latitude)
    latitudes = [visit.latitude for visit in ordered]
    band = 1.001 * math.degrees(SAME_PLACE_METRES / EARTH_RADIUS_METRES)
    busiest: list[VisitFact] = []
    most = 0
    for centre in ordered:
        low = bisect_left(latitudes, centre.latitude - band)
        high = bisect_right(latitudes, centre.latitude + band)
        near = [v for v in ordered[low:high] if metres_apart(centre, v) <= SAME_PLACE_METRES]
        households = len({visit.household_id for visit in near})
        if households > most:
            busiest, most = near, households
    return busiest


def metres_apart(one: VisitFact, other: VisitFact) -> float:
    """Equirectangular distance: exact enough over the few hundred metres that matter here."""
    north = math.radians(other.latitude - one.latitude)
    east = math.radians(other.longitude - one.longitude)
    east *= math.cos(math.radians((one.latitude + other.latitude) / 2))
    return EARTH_RADIUS_METRES * math.hypot(north, east)


def three_ones_without_calculation(people: Sequence[PersonSteps]) -> Flag | None:
    """People given a calculation step on the member's visits with all three ones ticked and
    no saved calculation behind any of their calculation steps."""
    return _three_ones_without_calculation(counted(people=people))


def _three_ones_without_calculation(tally: Tally) -> Flag | None:
    unsaved = tally.ticked_without_calculation
    if unsaved >= MIN_WITHOUT_CALCULATION:
        return Flag(FlagKind.three_ones_without_calculation, unsaved, tally.given_calculation)
    return None


def flags(visits: Sequence[VisitFact], people: Sequence[PersonSteps]) -> list[Flag]:
    """Every flag raised for one member and period, in FlagKind order."""
    return raised(counted(visits, people), visits_same_place(visits))


def raised(tally: Tally, same_place: Flag | None) -> list[Flag]:
    """Every flag raised for one member and period from their counts and the one-spot flag
    (``visits_same_place``, which needs the positions themselves), in FlagKind order."""
    found = (
        _contact_rate_near_full(tally),
        _visits_minutes_apart(tally),
        same_place,
        _three_ones_without_calculation(tally),
    )
    return [flag for flag in found if flag is not None]


# --- the period looked at ----------------------------------------------------------------------


def period_asked(text: str, today: date) -> Period:
    """The period in a page's address: ``2026-11`` a month, ``2026`` a year. Blank, unreadable,
    before the plan's first month or after the current one: the current month."""
    current = Period.month(today.year, today.month)
    try:
        asked = Period.named(text)
    except ValueError:
        return current
    return current if asked.start > current.start else asked


def earlier(period: Period) -> Period | None:
    """The month or year before, if work was counted then."""
    before = period.start - timedelta(days=1)
    return None if before < WORK_SINCE else _holding(before, period.is_year)


def later(period: Period, today: date) -> Period | None:
    """The month or year after, if it has begun."""
    after = period.end + timedelta(days=1)
    return None if after > today else _holding(after, period.is_year)


def _holding(day: date, year: bool) -> Period:
    return Period.year(day.year) if year else Period.month(day.year, day.month)
