"""Progress reports (通报): how units are ranked. Pure: each unit's figures in, ranked rows out.

Raw counts reward speed over accuracy and favour the units with more people, so a report
ranks by rates only: each target's completion (actual ÷ target, where the unit has targets)
and three measures of the work's quality. Every measure ranks the units on its own (best
first, ties sharing a place); a unit's place in the report is by the mean of its places over
the measures it has figures for. Demonstration townships (示范乡镇), which get the city's
close guidance, are ranked among themselves, apart from the others.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from app.core.i18n import N_
from app.domain.codes import Metric
from app.domain.metrics import Period, rate


class Quality(StrEnum):
    """How well the work is done, whatever the unit's size."""

    three_ones = "three_ones"  # all three ones done, among the people they apply to
    follow_ups_on_time = "follow_ups_on_time"  # follow-ups due in the period, done by the day
    changes_per_hundred = "changes_per_hundred"  # confirmed changes per 100 households worked


QUALITY_LABELS = {
    Quality.three_ones: N_("Three ones complete"),
    Quality.follow_ups_on_time: N_("Follow-ups on time"),
    Quality.changes_per_hundred: N_("Changes per 100 households worked"),
}


class Mark(StrEnum):
    top = "top"
    bottom = "bottom"
    most_improved = "most_improved"


@dataclass(frozen=True)
class UnitFigures:
    """One unit's figures for the period. ``key`` names the unit across reports (its region
    or team); a measure it has no figure for is None and does not rank it."""

    key: str
    name: str
    completion: Mapping[Metric, Decimal | None] = field(default_factory=dict)
    quality: Mapping[Quality, Decimal | None] = field(default_factory=dict)
    demonstration: bool = False

    def measures(self) -> dict[str, Decimal]:
        found = {f"completion.{metric}": value for metric, value in self.completion.items()}
        found |= {f"quality.{name}": value for name, value in self.quality.items()}
        return {measure: value for measure, value in found.items() if value is not None}


@dataclass(frozen=True)
class Ranked:
    unit: UnitFigures
    rank: int | None  # None: no figure to rank it by
    score: Fraction | None  # the mean of its places, lower is better
    improved_since_last: int | None  # places gained since the last report (negative: lost)
    marks: frozenset[Mark]


def competition_ranks(scores: Mapping[str, Fraction | Decimal], *, lower_first: bool) -> dict:
    """1, 2, 2, 4: equal scores share a place, and the next place counts those before it."""
    ordered = sorted(scores.values(), reverse=not lower_first)
    return {key: ordered.index(score) + 1 for key, score in scores.items()}


def _scores(units: Sequence[UnitFigures]) -> dict[str, Fraction]:
    measures = {unit.key: unit.measures() for unit in units}
    places: dict[str, list[int]] = {key: [] for key in measures}
    for measure in sorted({name for found in measures.values() for name in found}):
        values = {key: found[measure] for key, found in measures.items() if measure in found}
        for key, place in competition_ranks(values, lower_first=False).items():
            places[key].append(place)
    return {key: Fraction(sum(found), len(found)) for key, found in places.items() if found}


def rank_group(units: Sequence[UnitFigures], last_places: Mapping[str, int]) -> list[Ranked]:
    """One group of units ranked, best first (then by name), those without figures last;
    ``last_places`` are the places in the last report, by unit key."""
    scores = _scores(units)
    places = competition_ranks(scores, lower_first=True)
    gained = {key: last_places[key] - place for key, place in places.items() if key in last_places}
    best_gain = max((gain for gain in gained.values() if gain > 0), default=None)
    last = max(places.values(), default=None)

    def marks(key: str) -> frozenset[Mark]:
        place = places.get(key)
        found = set()
        stands_out = place is not None and last > 1  # when all share one place, none does
        if stands_out and place == 1:
            found.add(Mark.top)
        if stands_out and place == last:
            found.add(Mark.bottom)
        if best_gain is not None and gained.get(key) == best_gain:
            found.add(Mark.most_improved)
        return frozenset(found)

    ranked = [
        Ranked(
            unit, places.get(unit.key), scores.get(unit.key), gained.get(unit.key), marks(unit.key)
        )
        for unit in units
    ]
    return sorted(ranked, key=lambda row: (row.rank is None, row.rank or 0, row.unit.name))


def rank_units(units: Iterable[UnitFigures], last_places: Mapping[str, int]) -> list[Ranked]:
    """The report's rows: the units ranked, then the demonstration townships ranked apart."""
    units = list(units)
    regular = [unit for unit in units if not unit.demonstration]
    demonstration = [unit for unit in units if unit.demonstration]
    return rank_group(regular, last_places) + rank_group(demonstration, last_places)


# --- the quality measures ---------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpFact:
    """A follow-up in force (the latest date set on a visit) and the day of the household's
    next visit after that one, if any: going back at all is the follow-up, whoever went."""

    due_on: date
    done_on: date | None


def follow_ups_on_time(facts: Iterable[FollowUpFact], period: Period, today: date) -> tuple:
    """(due, on time) among follow-ups due in the period: one counts as due once it is done
    or its day has passed, and on time when done by its day."""
    due = on_time = 0
    for fact in facts:
        if not period.start <= fact.due_on <= period.end:
            continue
        if fact.done_on is None and fact.due_on >= today:
            continue
        due += 1
        on_time += fact.done_on is not None and fact.done_on <= fact.due_on
    return due, on_time


def per_hundred(count: int, households: int) -> Decimal | None:
    """Per hundred households, to one decimal; None when no household was worked."""
    if households == 0:
        return None
    return (Decimal(count) * 100 / households).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class WorkCounts:
    """The counts a unit's quality measures are read from."""

    eligible_people: int
    three_ones_complete: int
    follow_ups_due: int
    follow_ups_on_time: int
    households_worked: int
    changes_confirmed: int
    people_contacted: int  # shown beside the others, ranks nothing

    def quality(self) -> dict[Quality, Decimal | None]:
        return {
            Quality.three_ones: rate(self.three_ones_complete, self.eligible_people),
            Quality.follow_ups_on_time: rate(self.follow_ups_on_time, self.follow_ups_due),
            Quality.changes_per_hundred: per_hundred(
                self.changes_confirmed, self.households_worked
            ),
        }
