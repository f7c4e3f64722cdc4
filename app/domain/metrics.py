"""Actuals and progress against the plan's targets, for any unit and year. Pure: targets and
figures in, standings out.

Sections: official statistics (actuals from the figures the social insurance system reports);
the teams' own work (households assigned, people contacted, …) belongs in a section of its own.
"""

from calendar import monthrange
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from app.core.i18n import N_
from app.domain.codes import InsuranceStatus, Metric, OutcomeCode, RegionLevel
from app.domain.people import ADULT_AGE, is_stale
from app.domain.statistics import FigureKind, allowed
from app.domain.targets import RATIO_METRICS, metric_allowed
from app.domain.visits import CHANGES, EligibilityFacts, is_eligible
from app.domain.worklist import overdue

# --- official statistics ---------------------------------------------------------------------

NO_FIGURE = N_("No official figure yet.")
NO_TARGET = N_("No targets for this year.")
NO_ONE_COUNTED = N_("The official figures count no one to divide by.")

CENTS = Decimal("0.01")
RATIO = Decimal("0.0001")  # as targets keep rates: 0.9523 is 95.23%


@dataclass(frozen=True)
class Reported:
    """The figure in force for one unit, kind and month (the latest import of it)."""

    value: Decimal
    source: str
    reported_on: date


# kind → month (the first of it) → the figure in force; a month without a figure is absent.
Figures = Mapping[FigureKind, Mapping[date, Reported]]

# The figures each metric is computed from, all of one month.
INPUTS: dict[Metric, tuple[FigureKind, ...]] = {
    Metric.employee_in_work: (FigureKind.employee_in_work,),
    Metric.resident_contribution_per_capita: (
        FigureKind.resident_contributions,
        FigureKind.resident_contributors,
    ),
    Metric.participation_rate: (FigureKind.insured_population, FigureKind.eligible_population),
    Metric.employee_share: (FigureKind.employee_in_work, FigureKind.resident_contributing_stage),
}


@dataclass(frozen=True)
class Actual:
    """A metric as the official figures give it, as of ``month``; or None and why."""

    value: Decimal | None
    month: date | None = None
    sources: tuple[str, ...] = ()
    reported_on: date | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Standing:
    """One metric of one unit and year: target, actual and progress (actual ÷ target).
    ``reason`` says why progress is missing; ``city_wide`` marks a rate measured against the
    city's goal because the unit has no target of its own."""

    metric: Metric
    target: Decimal | None
    actual: Actual
    progress: Decimal | None
    reason: str | None = None
    city_wide: bool = False


def _compute(metric: Metric, values: Sequence[Decimal]) -> Decimal | None:
    """The metric from its inputs (in INPUTS order); None when there is nothing to divide by.
    The employee share is employee-pension members in work ÷ (those + resident-pension members
    in the contributing stage): the plan's 缴费阶段人员参加职工养老保险占比."""
    if metric == Metric.employee_in_work:
        return values[0]
    numerator, other = values
    if metric == Metric.employee_share:
        other += numerator
    if other == 0:
        return None
    places = RATIO if metric in RATIO_METRICS else CENTS
    return (numerator / other).quantize(places, ROUND_HALF_UP)


def _months(metric: Metric, figures: Figures) -> list[date]:
    """The months with every input of the metric, oldest first."""
    kinds = INPUTS[metric]
    months = set(figures.get(kinds[0], {}))
    for kind in kinds[1:]:
        months &= set(figures.get(kind, {}))
    return sorted(months)


def actual(metric: Metric, figures: Figures) -> Actual:
    """The metric as of the latest month that has all its inputs. Never estimated: without
    them, no value and the reason."""
    months = _months(metric, figures)
    if not months:
        return Actual(None, reason=NO_FIGURE)
    month = months[-1]
    inputs = [figures[kind][month] for kind in INPUTS[metric]]
    value = _compute(metric, [figure.value for figure in inputs])
    return Actual(
        value,
        month,
        tuple(dict.fromkeys(figure.source for figure in inputs)),
        max(figure.reported_on for figure in inputs),
        None if value is not None else NO_ONE_COUNTED,
    )


def trend(metric: Metric, figures: Figures) -> list[tuple[date, Decimal]]:
    """The metric month by month, for the months that have its inputs."""
    series = []
    for month in _months(metric, figures):
        value = _compute(metric, [figures[kind][month].value for kind in INPUTS[metric]])
        if value is not None:
            series.append((month, value))
    return series


def standing(
    metric: Metric, target: Decimal | None, figures: Figures, *, city_wide: bool = False
) -> Standing:
    found = actual(metric, figures)
    if target is None:
        return Standing(metric, None, found, None, NO_TARGET)
    if found.value is None:
        return Standing(metric, target, found, None, found.reason, city_wide)
    progress = (found.value / target).quantize(RATIO, ROUND_HALF_UP)
    return Standing(metric, target, found, progress, None, city_wide)


def standings(
    level: RegionLevel,
    targets: Mapping[Metric, Decimal],
    figures: Figures,
    city_targets: Mapping[Metric, Decimal] | None = None,
) -> list[Standing]:
    """Every metric the unit has (市本级: members in work only). The city's goals for the rates
    (96% participation, 30% employee share) are city-wide: a county without a rate target of
    its own is measured against the city's, marked ``city_wide``. The other targets are the
    unit's own — attachment 2's city figure is the city's, not each county's."""
    result = []
    for metric in Metric:
        if not metric_allowed(metric, level):
            continue
        target = targets.get(metric)
        inherited = target is None and metric in RATIO_METRICS and city_targets is not None
        if inherited:
            target = city_targets.get(metric)
        result.append(standing(metric, target, figures, city_wide=inherited and target is not None))
    return result


def city_figures(own: Figures, parts: Sequence[tuple[RegionLevel, Figures]]) -> Figures:
    """The city's figures: its own report where it has one, else the sum of its parts for a
    month in which every part that reports the kind has it (the counties, and 市本级 for
    members in work: attachment 1's total includes 市本级). A partial sum would understate
    the city, so a month missing any part has no city figure."""
    combined: dict[FigureKind, dict[date, Reported]] = {}
    for kind in FigureKind:
        reporting = [figures.get(kind, {}) for level, figures in parts if allowed(kind, level)]
        summed = _complete_sums(reporting) if reporting else {}
        combined[kind] = {**summed, **own.get(kind, {})}
    return combined


def _complete_sums(parts: list[Mapping[date, Reported]]) -> dict[date, Reported]:
    months = set(parts[0]).intersection(*parts[1:])
    sums = {}
    for month in months:
        figures = [part[month] for part in parts]
        sums[month] = Reported(
            sum((figure.value for figure in figures), Decimal(0)),
            "；".join(dict.fromkeys(figure.source for figure in figures)),
            max(figure.reported_on for figure in figures),
        )
    return sums


# --- the teams' own work ---------------------------------------------------------------------
# What the vanguard teams did, counted from the registry and the visits. Every figure is
# counted per household (household_tallies) and households add up into villages, teams and
# members, villages into townships, counties and the city (Tallies.add); a period's figures
# are then read off the sums (work_metrics). Glossary: 三个一 the three ones; 走访 visit;
# 确认 confirmed (an enrolment change); 村干部 village cadre; 逾期 overdue.

# The plan's first month (玉政办发〔2022〕3号): work is counted from then on. Who was eligible
# before it is kept as one sum at this month, so periods start here at the earliest.
WORK_SINCE = date(2022, 1, 1)


def month_of(day: date) -> date:
    """The first day of the day's month: months are named by it."""
    return day.replace(day=1)


def _month_end(month: date) -> date:
    return month.replace(day=monthrange(month.year, month.month)[1])


@dataclass(frozen=True)
class Period:
    """[start, end], both days included, in business time: a calendar month or a calendar
    year. Nothing else: activity is summed by month, and "distinct people in the period" is
    kept for a month and for a calendar year (a person contacted in March and May is one
    person of the year), so those are the periods the figures are exact for."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if not (self.is_month or self.is_year):
            raise ValueError("a period is a calendar month or a calendar year")
        if self.start < WORK_SINCE:
            raise ValueError(f"work is counted from {WORK_SINCE:%Y-%m} on")

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        first = date(year, month, 1)
        return cls(first, _month_end(first))

    @classmethod
    def named(cls, text: str) -> "Period":
        """``2026-11`` for a month, ``2026`` for a year; ValueError for anything else."""
        year, _dash, month = text.strip().partition("-")
        if not (year.isascii() and year.isdigit() and len(year) == 4):
            raise ValueError(f"not a period: {text!r}")
        if not month:
            return cls.year(int(year))
        if not (month.isascii() and month.isdigit() and len(month) == 2 and 1 <= int(month) <= 12):
            raise ValueError(f"not a period: {text!r}")
        return cls.month(int(year), int(month))

    @property
    def name(self) -> str:
        """The period as ``named`` reads it."""
        return f"{self.start.year}" if self.is_year else f"{self.start:%Y-%m}"

    @property
    def is_month(self) -> bool:
        return self.start.day == 1 and self.end == _month_end(self.start)

    @property
    def is_year(self) -> bool:
        year = self.start.year
        return self.start == date(year, 1, 1) and self.end == date(year, 12, 31)

    def months(self) -> list[date]:
        return [date(self.start.year, m, 1) for m in range(self.start.month, self.end.month + 1)]


def months_to_date(year: int, today: date) -> list[date]:
    """The year's months that have begun by today (all twelve for a past year)."""
    if year > today.year:
        return []
    last = 12 if year < today.year else today.month
    return [date(year, month, 1) for month in range(1, last + 1)]


@dataclass(frozen=True)
class PersonWork(EligibilityFacts):
    """What the work figures need of a person: their record (who the three ones apply to, is
    a cadre) and the days of what happened to them. Days are business-time dates of the
    visit (a step or outcome added later counts on its visit's day); ``outcomes`` as (day,
    code) in the order recorded (visit time, then entry), ``changes`` the confirmed
    enrolment changes as (day confirmed, kind)."""

    is_cadre: bool = False
    contacts: tuple[date, ...] = ()  # reached visits they were spoken to on
    calculations: tuple[date, ...] = ()
    leaflets: tuple[date, ...] = ()
    outcomes: tuple[tuple[date, str], ...] = ()
    changes: tuple[tuple[date, str], ...] = ()

    @property
    def three_ones_on(self) -> date | None:
        """The day the last of the three ones was first done, if all three were."""
        if not (self.contacts and self.calculations and self.leaflets):
            return None
        return max(min(self.contacts), min(self.calculations), min(self.leaflets))


@dataclass(frozen=True)
class HouseholdWork:
    assigned: bool = False
    follow_up_on: date | None = None  # the current one: set on the latest visit
    verified_on: date | None = None
    people: tuple[PersonWork, ...] = ()


# What a household counts as of one day ("now"): the unit's state at the time of asking.
NOW_KEYS = (
    "households",
    "households_assigned",
    "people",
    "eligible_people",
    "three_ones_complete",
    "cadres",
    "follow_ups_overdue",
    "stale_records",
)
CHANGE_KINDS = tuple(code for code in OutcomeCode if code in CHANGES)
# What happened in a month. A name ending in ``_year`` counts a person in one month of each
# calendar year only (the month of their first contact, or their latest outcome, of that
# year), so a year's twelve months add up to distinct people of the year.
MONTH_KEYS = (
    "people_contacted",
    "people_contacted_year",
    *(f"outcome_{code}" for code in OutcomeCode),
    *(f"outcome_year_{code}" for code in OutcomeCode),
    *(f"change_{kind}" for kind in CHANGE_KINDS),
    "cadres_upgraded",
    "cadres_upgraded_year",
    "cadres_raised_tier",
    "cadres_raised_tier_year",
)
# Who the three ones apply to, and who has all three, as changes by month: +1 in the month
# someone starts counting, -1 in the month they stop. The sum up to a month is the count at
# its end, exactly as visits.is_eligible reads that day.
SPAN_KEYS = ("eligible_people", "three_ones_complete")


@dataclass
class Tallies:
    """What some households add up to: their state as of ``day`` (``now``), and by month what
    happened (``months``) and the changes in who counts for the three ones (``spans``)."""

    day: date
    now: Counter[str] = field(default_factory=Counter)
    months: dict[date, Counter[str]] = field(default_factory=dict)
    spans: dict[date, Counter[str]] = field(default_factory=dict)

    def add(self, other: "Tallies", times: int = 1) -> None:
        """Add another unit's tallies (``times=-1`` takes them back out)."""
        _add(self.now, other.now, times)
        for own, theirs in ((self.months, other.months), (self.spans, other.spans)):
            for month, counts in theirs.items():
                _add(own.setdefault(month, Counter()), counts, times)


def _add(into: Counter[str], counts: Mapping[str, int], times: int) -> None:
    for key, value in counts.items():
        into[key] += value * times


def household_tallies(household: HouseholdWork, today: date) -> Tallies:
    """One household's figures: its state today and the months of its people's work. A
    household counts where it is now (its village, its current assignee), and with it all
    its people's work, whoever did it."""
    tallies = Tallies(today)
    tallies.now.update(
        households=1,
        households_assigned=int(household.assigned),
        follow_ups_overdue=int(overdue(household.follow_up_on, today)),
        stale_records=int(is_stale(household.verified_on, today)),
    )
    for person in household.people:
        eligible = is_eligible(person, today)
        tallies.now["people"] += 1
        tallies.now["cadres"] += person.is_cadre
        tallies.now["eligible_people"] += eligible
        tallies.now["three_ones_complete"] += eligible and person.three_ones_on is not None
        _count_spans(tallies.spans, person)
        _count_activity(tallies.months, person)
    return tallies


def _count_spans(spans: dict[date, Counter[str]], person: PersonWork) -> None:
    """The months the person starts and stops counting for the three ones, the same rule as
    visits.is_eligible at each month's end: from the month they turn 16 (with all three: or
    the month the last was done, if later) to the month they retire. Drawing a pension or
    studying keeps someone out throughout: the registry keeps only the current status."""
    if person.insurance_status == InsuranceStatus.receiving or person.is_student:
        return
    born = person.birth_date
    start = date(born.year + ADULT_AGE, born.month, 1)
    stop = month_of(person.retires_on) if person.retires_on else None
    _span(spans, "eligible_people", start, stop)
    if person.three_ones_on is not None:
        _span(spans, "three_ones_complete", max(start, month_of(person.three_ones_on)), stop)


def _span(spans: dict[date, Counter[str]], key: str, start: date, stop: date | None) -> None:
    if stop is not None and stop <= start:
        return
    spans.setdefault(max(start, WORK_SINCE), Counter())[key] += 1
    if stop is not None:
        spans.setdefault(max(stop, WORK_SINCE), Counter())[key] -= 1


def _count_activity(months: dict[date, Counter[str]], person: PersonWork) -> None:
    def count(month: date, key: str) -> None:
        months.setdefault(month, Counter())[key] += 1

    contacted = sorted({month_of(day) for day in person.contacts})
    for month in contacted:
        count(month, "people_contacted")
    for month in _first_of_each_year(contacted):
        count(month, "people_contacted_year")
    latest_of_month = {month_of(day): code for day, code in person.outcomes}
    latest_of_year = {day.year: (month_of(day), code) for day, code in person.outcomes}
    for month, code in latest_of_month.items():
        count(month, f"outcome_{code}")
    for month, code in latest_of_year.values():
        count(month, f"outcome_year_{code}")
    for day, kind in person.changes:
        count(month_of(day), f"change_{kind}")
    if person.is_cadre:
        for key, kind in (
            ("cadres_upgraded", OutcomeCode.join_flexible),
            ("cadres_raised_tier", OutcomeCode.raise_tier),
        ):
            changed = sorted({month_of(day) for day, k in person.changes if k == kind})
            for month in changed:
                count(month, key)
            for month in _first_of_each_year(changed):
                count(month, f"{key}_year")


def _first_of_each_year(months: list[date]) -> list[date]:
    """The earliest of the (sorted) months in each year."""
    first: dict[int, date] = {}
    for month in months:
        first.setdefault(month.year, month)
    return list(first.values())


@dataclass(frozen=True)
class WorkMetrics:
    """A unit's work in a period (definitions: work_metrics)."""

    households: int
    households_assigned: int
    eligible_people: int
    people_contacted: int
    three_ones_complete: int
    three_ones_rate: Decimal | None  # None: no one the three ones apply to
    outcomes: dict[str, int]  # by OutcomeCode, every code
    changes_confirmed: dict[str, int]  # by kind (CHANGE_KINDS), every kind
    cadres: int
    cadres_upgraded: int
    cadres_raised_tier: int
    follow_ups_overdue: int
    stale_records: int

    @property
    def enrolment_changes_confirmed(self) -> int:
        return sum(self.changes_confirmed.values())


def rate(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as targets keep rates (0.9523 is 95.23%); None with nothing to divide by."""
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATIO, ROUND_HALF_UP)


def work_metrics(tallies: Tallies, period: Period) -> WorkMetrics:
    """The unit's figures for the period, as of ``tallies.day`` ("today"):

    - households, households_assigned (with an assignee), cadres (people flagged as cadres or
      linked to a cadre's account), follow_ups_overdue (the follow-up set on the latest visit
      is before today), stale_records (households not verified in six months): today's.
    - people_contacted: distinct people spoken to on visits that reached them, in the period.
    - three ones: the people they apply to at the period's end (today, if it has not ended),
      by age and the current record (visits.is_eligible); complete: those of them with all
      three done on visits up to then; rate = complete ÷ eligible.
    - outcomes: each person's latest outcome recorded in the period, counted by code.
    - changes_confirmed: enrolment changes confirmed in the period, by kind.
    - cadres_upgraded / cadres_raised_tier: cadres with a confirmed join_flexible / raise_tier
      in the period (a raised tier counted apart from the employee pension)."""
    now = tallies.now
    activity: Counter[str] = Counter()
    for month in period.months():
        activity.update(tallies.months.get(month, {}))
    of = "_year" if period.is_year else ""
    eligible, complete = _three_ones(tallies, period)
    return WorkMetrics(
        households=now["households"],
        households_assigned=now["households_assigned"],
        eligible_people=eligible,
        people_contacted=activity[f"people_contacted{of}"],
        three_ones_complete=complete,
        three_ones_rate=rate(complete, eligible),
        outcomes={code: activity[f"outcome{of}_{code}"] for code in OutcomeCode},
        changes_confirmed={kind: activity[f"change_{kind}"] for kind in CHANGE_KINDS},
        cadres=now["cadres"],
        cadres_upgraded=activity[f"cadres_upgraded{of}"],
        cadres_raised_tier=activity[f"cadres_raised_tier{of}"],
        follow_ups_overdue=now["follow_ups_overdue"],
        stale_records=now["stale_records"],
    )


def _three_ones(tallies: Tallies, period: Period) -> tuple[int, int]:
    """Eligible and complete at the period's end, or today's if it has not ended."""
    if period.end >= tallies.day:
        return tallies.now["eligible_people"], tallies.now["three_ones_complete"]
    counts: Counter[str] = Counter()
    for month, changes in tallies.spans.items():
        if month <= period.end:
            counts.update(changes)
    return counts["eligible_people"], counts["three_ones_complete"]


def monthly_work(tallies: Tallies, year: int) -> list[tuple[date, WorkMetrics]]:
    """Month by month up to the current one: contacts, outcomes and changes of each month,
    the three ones at its end (today's for the current month). Today's state (households,
    overdue, stale) is the same in every month."""
    months = months_to_date(year, tallies.day)
    return [(month, work_metrics(tallies, Period.month(year, month.month))) for month in months]
