"""Actuals and progress against the plan's targets, for any unit and year. Pure: targets and
figures in, standings out.

Sections: official statistics (actuals from the figures the social insurance system reports);
the teams' own work (households assigned, people contacted, …) belongs in a section of its own.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from app.core.i18n import N_
from app.domain.codes import Metric, RegionLevel
from app.domain.statistics import FigureKind, allowed
from app.domain.targets import RATIO_METRICS, metric_allowed

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
