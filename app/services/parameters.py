"""The calculator's parameters in force: the figures shipped in parameters.json plus the dated
entries admins add in the app. Pages, the API and saved calculations all read them here, so a
saved result's ``parameters_version`` names exactly the figures it used."""

import copy
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from app.core import clock
from app.core.i18n import N_, Message
from app.domain.pension import (
    Parameters,
    Person,
    compare,
    load_parameters,
    standard_options,
)
from app.domain.pension.parameters import CONFIDENCE, DATA_FILE, Entry, Series
from app.domain.validation import Invalid
from app.models import ParameterEntry, User
from app.services import audit


@cache
def shipped_data() -> Mapping[str, Any]:
    """parameters.json as data (numbers as Decimal): the default every admin entry adds to."""
    return json.loads(DATA_FILE.read_text("utf-8"), parse_float=Decimal)


def regions() -> tuple[str, ...]:
    return tuple(shipped_data()["regions"])


def effective_parameters(session: Session) -> Parameters:
    """The shipped figures plus every admin entry; built once per distinct set of entries."""
    return _merged(_added(_entries(session)))


def _entries(session: Session) -> list[ParameterEntry]:
    return list(session.exec(select(ParameterEntry).order_by(col(ParameterEntry.id))))


def _added(entries: Iterable[ParameterEntry]) -> tuple[tuple[str, str], ...]:
    """Admin entries as a hashable key: the merged parameters are cached per distinct set."""
    return tuple((e.series, json.dumps(_raw(e), sort_keys=True)) for e in entries)


def _raw(entry: ParameterEntry) -> dict[str, Any]:
    """An admin entry in the shape of parameters.json."""
    return {
        "from": entry.effective.isoformat(),
        "value": entry.value,
        "region": entry.region,
        "confidence": entry.confidence,
        "provisional": entry.provisional,
        "source": entry.source,
        "note": entry.note,
    }


@lru_cache(maxsize=16)
def _merged(added: tuple[tuple[str, str], ...]) -> Parameters:
    data = copy.deepcopy(dict(shipped_data()))
    for series, raw in added:
        entry = json.loads(raw)
        entry["value"] = _stored_value(data["series"][series], entry["value"])
        data["series"][series]["entries"].append(entry)
    if added:
        # The version also carries a content hash; the count tells people it was edited.
        data["edition"] = f"{data['edition']}+{len(added)}"
    return load_parameters(data)


def _stored_value(spec: Mapping[str, Any], text: str) -> Any:
    """Stored values are JSON text, except for text-valued series (a bare string)."""
    if isinstance(spec["entries"][-1]["value"], str):
        return text
    return json.loads(text, parse_float=Decimal)


# --- the admin page ----------------------------------------------------------------------------


@dataclass
class Added:
    """Who added an entry in the app, and when."""

    username: str
    at: datetime


@dataclass
class SeriesRow:
    """One parameter series as the admin page shows it: the figure in force today, and every
    dated figure, newest first, with who added it when it came from an admin."""

    name: str
    description: str
    unit: str
    current: Entry | None
    entries: list[tuple[Entry, Added | None]]
    typed_value: str  # the current value as the form expects it


def overview(session: Session, today: date) -> tuple[Parameters, list[SeriesRow]]:
    parameters = effective_parameters(session)
    query = select(ParameterEntry, User.username).join(
        User, col(User.id) == ParameterEntry.created_by_id
    )
    added = {
        (e.series, e.effective, e.region, e.source): Added(username, e.created_at)
        for e, username in session.exec(query)
    }
    rows = []
    for name, series in parameters.series.items():
        spec = shipped_data()["series"][name]
        current = _in_force(series, today)
        shown = current or series.entries[0]
        rows.append(
            SeriesRow(
                name=name,
                description=series.description,
                unit=spec.get("unit", ""),
                current=current,
                entries=[
                    (e, added.get((name, e.effective, e.region, e.source)))
                    for e in reversed(series.entries)
                ],
                typed_value=value_text(shown.value),
            )
        )
    return parameters, rows


def _in_force(series: Series, day: date) -> Entry | None:
    try:
        return series.on(day)
    except ValueError:
        return None


def value_text(value: Any) -> str:
    """A figure as people type it: text as it is, anything else as JSON (numbers exact)."""
    if isinstance(value, str):
        return value
    return json.dumps(jsonable(value), ensure_ascii=False)


def jsonable(value: Any) -> Any:
    """Plain JSON values: numbers as numbers (never strings), dates as ISO text."""
    if isinstance(value, Mapping):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


class EntryForm(BaseModel):
    """A new dated figure as typed."""

    effective: str = ""
    value: str = ""
    region: str = "yuxi"
    confidence: str = ""
    source: str = ""
    note: str = ""
    provisional: bool = False


def add_entry(session: Session, series: str, form: EntryForm, *, by: User) -> ParameterEntry:
    """A new dated figure for a series, checked against the series' shape and tried in the
    calculator before it is kept."""
    if series not in shipped_data()["series"]:
        raise KeyError(series)
    errors: dict[str, str | Message] = {}
    effective = _date(form.effective, errors)
    if form.region not in regions():
        errors["region"] = N_("Choose the region the figure applies to.")
    if form.confidence not in CONFIDENCE:
        errors["confidence"] = N_("Choose how certain the figure is.")
    if not form.source.strip():
        errors["source"] = N_("Name the document the figure comes from.")
    elif len(form.source.strip()) > 300:
        errors["source"] = N_("Keep the source under 300 characters.")
    if len(form.note.strip()) > 500:
        errors["note"] = N_("Keep the note under 500 characters.")
    stored = _checked_value(series, form.value, errors)
    if errors:
        raise Invalid(errors)
    entry = ParameterEntry(
        series=series,
        effective=effective,
        value=stored,
        region=form.region,
        confidence=form.confidence,
        provisional=form.provisional,
        source=form.source.strip(),
        note=form.note.strip(),
        created_by_id=by.id,
        created_at=clock.now(),
    )
    _try_in_calculator(session, entry)
    session.add(entry)
    session.flush()
    audit.record(
        session,
        "parameter_added",
        user=by,
        target=f"parameter:{series}",
        entry=entry.id,
        effective=entry.effective.isoformat(),
        value=entry.value,
        region=entry.region,
        confidence=entry.confidence,
        source=entry.source,
    )
    session.commit()
    return entry


def _date(text: str, errors: dict) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        errors["effective"] = N_("Enter the date the figure takes effect.")
        return date.min


def _checked_value(series: str, text: str, errors: dict) -> str:
    """The typed value as it will be stored, if it has the shape of the series' values."""
    current = shipped_data()["series"][series]["entries"][-1]["value"]
    text = text.strip()
    if not text or len(text) > 2000:
        errors["value"] = N_("Enter the value.")
        return ""
    if isinstance(current, str):
        return text
    try:
        value = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError):  # RecursionError: brackets nested a thousand deep
        value = None
    if value is None or not same_shape(current, value):
        errors["value"] = Message(
            N_("Type the value in the same form as the current one, e.g. %(example)s"),
            {"example": value_text(current)},
        )
        return ""
    return text


def same_shape(old: Any, new: Any) -> bool:
    """Numbers for numbers, lists of like items, mappings with the same keys — except tables
    keyed by numbers (a subsidy ladder, the divisor table), whose keys may change."""
    if isinstance(old, bool) or isinstance(new, bool):
        return False
    if isinstance(old, int | Decimal):
        return isinstance(new, int | Decimal) and new >= 0
    if isinstance(old, str):
        return isinstance(new, str)
    if isinstance(old, list):
        return isinstance(new, list) and bool(new) and all(same_shape(old[0], n) for n in new)
    if isinstance(old, Mapping) and isinstance(new, Mapping) and new:
        if all(key.replace(".", "", 1).isdigit() for key in old):
            keys_ok = all(key.replace(".", "", 1).isdigit() for key in new)
            sample = next(iter(old.values()))
            return keys_ok and all(same_shape(sample, item) for item in new.values())
        return new.keys() == old.keys() and all(same_shape(old[k], new[k]) for k in old)
    return False


# People the calculator must still answer for once a figure changes: both sexes and
# categories, hardship and employment-difficulty subsidies, a past employee record.
PROBES = (
    Person(birth_date=date(1981, 3, 10), sex="F"),
    Person(birth_date=date(1970, 6, 10), sex="M", subsidy_group="employment_difficulty"),
    Person(birth_date=date(1978, 8, 1), sex="F", category="F50", prior_months=100),
    Person(birth_date=date(1995, 1, 1), sex="M", subsidy_group="low_income", years_contributed=3),
)


def _try_in_calculator(session: Session, entry: ParameterEntry) -> None:
    """Run the side-by-side comparison with the new figure in force; a figure the rules
    cannot use is refused, not kept."""
    year = max(clock.today().year, entry.effective.year)
    try:
        parameters = _merged(_added([*_entries(session), entry]))
        for person in PROBES:
            options = standard_options(year, parameters=parameters)
            compare(year, person, options, parameters=parameters)
    except (ValueError, TypeError, KeyError, ArithmeticError) as problem:
        reason = str(problem) or type(problem).__name__
        message = N_("The calculator cannot work with this value: %(reason)s")
        raise Invalid({"value": Message(message, {"reason": reason})}) from None


def tiers_on_offer(session: Session) -> list[int]:
    """The resident tiers on offer today (yuan a year)."""
    return list(effective_parameters(session)["resident_tier_menu"].on(clock.today()).value)
