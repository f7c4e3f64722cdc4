"""Geometry of the dashboard's charts, drawn as inline SVG on the server so a phone on slow 3G
gets them with the page and without a script: progress bars against a target and a small
monthly column chart. Pure: numbers in, coordinates out; words and number formats are the
template's. Coordinates are in SVG user units of a viewBox the template scales to fit."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

Number = int | float | Decimal

# --- progress bars ---------------------------------------------------------------------------

BAR_WIDTH, BAR_HEIGHT = 300, 24
# A bar stretches past the target up to this much of it, so overshooting shows without
# shrinking the target to a sliver; beyond, the number says by how much.
BAR_CEILING = Decimal("1.5")
# A percentage fits inside the filled part when that is at least this wide.
LABEL_ROOM = 56
LABEL_GAP = 6


@dataclass(frozen=True)
class ProgressBar:
    """A bar filled as far as the progress (actual ÷ target), with the target marked.

    ``percent`` is what the label says (None: no progress to show); ``label_inside`` puts it
    in light ink at the end of the filled part, else in dark ink just after it."""

    percent: Decimal | None
    fill: float
    target_x: float
    reached: bool
    label_x: float
    label_inside: bool
    width: int = BAR_WIDTH
    height: int = BAR_HEIGHT


def percent(progress: Decimal) -> Decimal:
    """A progress as the percentage people read, to the hundredth as the statistics pages
    show it: 0.9523 → 95.23."""
    return (progress * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


def progress_bar(progress: Decimal | None, width: int = BAR_WIDTH) -> ProgressBar:
    """The bar for a progress; an unknown progress is an empty bar with no label, never 0%."""
    if progress is None:
        return ProgressBar(None, 0.0, float(width), False, 0.0, False, width)
    scale = min(max(Decimal(1), progress), BAR_CEILING)
    shown = max(Decimal(0), min(progress, scale))
    fill = float(width * shown / scale)
    inside = fill >= LABEL_ROOM
    label_x = fill - LABEL_GAP if inside else fill + LABEL_GAP
    return ProgressBar(
        percent(progress),
        round(fill, 1),
        round(float(width / scale), 1),
        progress >= 1,
        round(label_x, 1),
        inside,
        width,
    )


# --- the monthly column chart ----------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 320, 180
TOP, RIGHT = 12, 8
BOTTOM = 36  # the month labels and the axis title below them
AXIS_TITLE = 16  # the vertical axis title's strip at the far left
CHAR_WIDTH = 6.5  # of an 11-unit tick label, to leave room for the longest
COLUMN_SHARE = 0.7  # of each month's slot the column fills
TICKS = 4


@dataclass(frozen=True)
class Tick:
    value: Decimal
    y: float


@dataclass(frozen=True)
class Column:
    """One month: its column (none for a month without a value) and its label's centre."""

    label: str
    value: Decimal | None
    x: float
    y: float
    width: float
    height: float
    centre: float


@dataclass(frozen=True)
class Chart:
    """A column chart: the plot area spans left…right and top…baseline."""

    width: int
    height: int
    left: float
    right: float
    top: float
    baseline: float
    ticks: list[Tick]
    columns: list[Column]
    reference: Tick | None  # a horizontal line at the target, where there is one


def nice_step(span: Decimal, count: int = TICKS) -> Decimal:
    """The round step (1, 2 or 5 times a power of ten) that splits ``span`` into at most
    about ``count`` intervals."""
    if span <= 0:
        return Decimal(1)
    raw = span / count
    power = Decimal(10) ** (raw.adjusted())
    factor = next((f for f in (1, 2, 5) if raw <= f * power), 10)
    return factor * power


def ticks(highest: Decimal, count: int = TICKS, whole: bool = False) -> list[Decimal]:
    """0 and round values up to the first at or above ``highest`` (0…1 when all is 0);
    ``whole``: counts of people, never split below 1."""
    step = nice_step(highest, count)
    if whole:
        step = max(step, Decimal(1))
    top = (highest / step).to_integral_value(ROUND_CEILING) * step if highest > 0 else step
    return [step * n for n in range(int(top / step) + 1)]


def tick_label_chars(value: Decimal) -> int:
    """How wide a tick label is in characters, written with thousands separators."""
    return len(format(value, ",f"))


def column_chart(
    points: Sequence[tuple[str, Number | None]],
    reference: Number | None = None,
    width: int = CHART_WIDTH,
    height: int = CHART_HEIGHT,
) -> Chart:
    """Columns for labelled values (None: a month with nothing to show) on a scale from 0
    with round ticks, tall enough for the reference line too."""
    values = [Decimal(str(value)) for _label, value in points if value is not None]
    target = Decimal(str(reference)) if reference is not None else None
    known = [*values, *([target] if target is not None else [])]
    whole = all(value == value.to_integral_value() for value in known)
    scale = ticks(max([*known, Decimal(0)]), whole=whole)
    left = AXIS_TITLE + CHAR_WIDTH * max(tick_label_chars(value) for value in scale) + 6
    baseline = height - BOTTOM
    plot_height = baseline - TOP

    def y(value: Decimal) -> float:
        return round(baseline - plot_height * float(value / scale[-1]), 1)

    slot = (width - RIGHT - left) / max(len(points), 1)
    columns = []
    for n, (label, value) in enumerate(points):
        centre = left + slot * (n + 0.5)
        amount = Decimal(str(value)) if value is not None else None
        top = y(amount) if amount is not None else baseline
        columns.append(
            Column(
                label,
                amount,
                round(centre - slot * COLUMN_SHARE / 2, 1),
                top,
                round(slot * COLUMN_SHARE, 1),
                round(baseline - top, 1),
                round(centre, 1),
            )
        )
    return Chart(
        width,
        height,
        round(left, 1),
        width - RIGHT,
        TOP,
        baseline,
        [Tick(value, y(value)) for value in scale],
        columns,
        Tick(target, y(target)) if target is not None else None,
    )
