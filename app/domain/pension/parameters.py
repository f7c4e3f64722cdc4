"""Parameters as dated data (parameters.json, or the same shape edited by admins): every figure
carries its effective date, region, source document and confidence mark, and the calculator
asks for "the value in force on date D".

A figure marked [L] or [?] in the reference is *unconfirmed*: results that use one say so
(待核实). `parameters_version` changes whenever the data changes, so a saved result names the
figures it was computed with.
"""

import hashlib
import json
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

DATA_FILE = Path(__file__).with_name("parameters.json")
CONFIDENCE = frozenset({"H", "M", "L", "?"})
UNCONFIRMED = frozenset({"L", "?"})
T = TypeVar("T")


class NotInForce(ValueError):
    """The table has no figure for that date: the question is outside what the data covers
    (an input error for the caller, not a fault)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One dated figure."""

    effective: date
    value: Any
    region: str
    source: str
    confidence: str
    provisional: bool = False
    note: str = ""

    @property
    def unconfirmed(self) -> bool:
        return self.confidence in UNCONFIRMED


@dataclass(frozen=True, slots=True)
class Series:
    """The entries of one parameter, ordered by date; on one date the most specific region
    wins, so a Yuxi figure takes over from a Yunnan or national one until a newer one comes."""

    name: str
    description: str
    entries: tuple[Entry, ...]
    _dates: tuple[date, ...] = field(repr=False)

    def on(self, day: date) -> Entry:
        position = bisect_right(self._dates, day)
        if position == 0:
            raise NotInForce(f"no {self.name} in force on {day.isoformat()}")
        return self.entries[position - 1]

    def latest(self) -> Entry:
        return self.entries[-1]


@dataclass(frozen=True, slots=True)
class Parameters:
    series: Mapping[str, Series]
    version: str

    def __getitem__(self, name: str) -> Series:
        return self.series[name]


def load_parameters(data: Mapping[str, Any]) -> Parameters:
    """Immutable parameters from the JSON shape of parameters.json (numbers as Decimal)."""
    regions = tuple(data["regions"])
    series = {name: _series(name, spec, regions) for name, spec in sorted(data["series"].items())}
    return Parameters(series=MappingProxyType(series), version=_version(data))


@cache
def default_parameters() -> Parameters:
    """The figures shipped with the code (the best ones in the reference)."""
    return load_parameters(json.loads(DATA_FILE.read_text("utf-8"), parse_float=Decimal))


def _series(name: str, spec: Mapping[str, Any], regions: tuple[str, ...]) -> Series:
    entries = [_entry(name, raw, regions) for raw in spec["entries"]]
    entries.sort(key=lambda e: (e.effective, -regions.index(e.region)))
    return Series(
        name=name,
        description=spec.get("description", ""),
        entries=tuple(entries),
        _dates=tuple(e.effective for e in entries),
    )


def _entry(name: str, raw: Mapping[str, Any], regions: tuple[str, ...]) -> Entry:
    if raw["confidence"] not in CONFIDENCE:
        raise ValueError(f"{name}: confidence must be one of H, M, L, ?")
    if raw["region"] not in regions:
        raise ValueError(f"{name}: unknown region {raw['region']!r}")
    return Entry(
        effective=date.fromisoformat(raw["from"]),
        value=_frozen(raw["value"]),
        region=raw["region"],
        source=raw["source"],
        confidence=raw["confidence"],
        provisional=bool(raw.get("provisional", False)),
        note=raw.get("note", ""),
    )


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({key: _frozen(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value


def _version(data: Mapping[str, Any]) -> str:
    """The edition plus a hash of the content, so any edit gives a new version even when
    nobody bumps the edition."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:10]
    return f"{data.get('edition', 'unnamed')}.{digest}"


class Lookup:
    """The figures one calculation uses: the table, or the caller's `assumptions` where given
    (what-if questions), remembering which unconfirmed or provisional entries it read."""

    def __init__(self, parameters: Parameters, overrides: Mapping[str, Any]):
        self.parameters = parameters
        self.overrides = overrides
        self.unconfirmed: set[str] = set()
        self.provisional: set[str] = set()

    def __call__(self, name: str, day: date | None = None) -> Any:
        """The value in force on `day`; without a day, the latest entry (for rules defined by
        birth cohort rather than by date, like the retirement-age reform)."""
        if name in self.overrides:
            return self.overrides[name]
        series = self.parameters[name]
        entry = series.latest() if day is None else series.on(day)
        if entry.unconfirmed:
            self.unconfirmed.add(name)
        if entry.provisional:
            self.provisional.add(name)
        return entry.value

    def yearly(
        self, years: range, names: tuple[str, ...], compute: Callable[[date], T]
    ) -> Iterator[tuple[int, T]]:
        """compute(1 January) for each year; after the last dated change of the figures it
        reads they are held flat, so it is not computed again (it runs once per option and
        year of a plan, on the path the ≤ 5 ms comparison goal is about)."""
        dates = (self.parameters[n].latest().effective for n in names if n not in self.overrides)
        settled = max(dates, default=date.min)
        value: T | None = None
        for year in years:
            day = date(year, 1, 1)
            if value is None or day <= settled:
                value = compute(day)
            yield year, value

    def quietly(self, name: str, day: date) -> Any:
        """The value without recording it: for a figure that matters only in some cases, the
        caller reads it again with the lookup once it does."""
        if name in self.overrides:
            return self.overrides[name]
        return self.parameters[name].on(day).value
