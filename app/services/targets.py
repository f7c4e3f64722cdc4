"""Targets per unit, metric and year: seeded from the plan's attachments, kept by admins."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.core import clock
from app.core.i18n import N_
from app.domain import targets as rules
from app.domain.validation import Invalid, whole_number
from app.models import Metric, Region, Target, User
from app.services import audit


def active_targets(
    session: Session, *, year: int | None = None, region_id: int | None = None
) -> list[tuple[Target, Region]]:
    query = (
        select(Target, Region)
        .join(Region, col(Region.id) == Target.region_id)
        .where(col(Target.retired_at).is_(None))
        .order_by(Target.year, Region.sort_order, Region.id, Target.metric)
    )
    if year is not None:
        query = query.where(Target.year == year)
    if region_id is not None:
        query = query.where(Target.region_id == region_id)
    return list(session.exec(query))


def target_years(session: Session) -> list[int]:
    query = select(Target.year).where(col(Target.retired_at).is_(None)).distinct()
    return sorted(session.exec(query))


@dataclass
class TargetRow:
    region: Region
    by_metric: dict[Metric, Target]


def target_table(session: Session, year: int) -> list[TargetRow]:
    """The year's targets as one row per unit (in region order) and one column per metric."""
    rows: dict[int, TargetRow] = {}
    for target, region in active_targets(session, year=year):
        rows.setdefault(region.id, TargetRow(region, {})).by_metric[target.metric] = target
    return list(rows.values())


@dataclass
class TargetForm:
    region_id: int | None = None
    metric: str = ""
    year: str = ""
    value: str = ""


def add_target(session: Session, form: TargetForm, *, by: User) -> Target:
    errors: dict[str, str] = {}
    region = session.get(Region, form.region_id) if form.region_id else None
    if region is None:
        errors["region_id"] = N_("Choose a unit.")
    metric = Metric(form.metric) if form.metric in Metric.__members__ else None
    if metric is None:
        errors["metric"] = N_("Choose a metric.")
    elif region is not None and not rules.metric_allowed(metric, region.level):
        errors["metric"] = N_("市本级 only has an employee pension target.")
    year = _parse_year(form.year, errors)
    value = _parse_value(metric, form.value, errors)
    if not errors and _active(session, region.id, metric, year):
        errors["year"] = N_("This unit already has this target for that year: correct it instead.")
    if errors:
        raise Invalid(errors)
    target = Target(
        region_id=region.id,
        metric=metric,
        year=year,
        value=value,
        source=f"admin:{by.username}",
        updated_at=clock.now(),
    )
    session.add(target)
    session.flush()
    audit.record(
        session,
        "target_added",
        user=by,
        target=f"target:{target.id}",
        region=region.name,
        metric=metric,
        year=year,
        value=str(value),
    )
    session.commit()
    return target


def correct_target(session: Session, target: Target, typed: str, *, by: User) -> Target:
    errors: dict[str, str] = {}
    value = _parse_value(target.metric, typed, errors)
    if errors:
        raise Invalid(errors)
    audit.record(
        session,
        "target_corrected",
        user=by,
        target=f"target:{target.id}",
        old=str(target.value),
        new=str(value),
    )
    target.value, target.updated_at = value, clock.now()
    session.add(target)
    session.commit()
    return target


def retire_target(session: Session, target: Target, *, by: User) -> None:
    target.retired_at = clock.now()
    session.add(target)
    audit.record(session, "target_retired", user=by, target=f"target:{target.id}")
    session.commit()


def active_target(session: Session, target_id: int) -> Target | None:
    target = session.get(Target, target_id)
    return target if target is not None and target.retired_at is None else None


def _active(session: Session, region_id: int, metric: Metric, year: int) -> bool:
    query = select(Target.id).where(
        Target.region_id == region_id,
        Target.metric == metric,
        Target.year == year,
        col(Target.retired_at).is_(None),
    )
    return session.exec(query).first() is not None


def _parse_year(text: str, errors: dict[str, str]) -> int | None:
    year = whole_number(text)
    if year is not None and rules.FIRST_YEAR <= year <= rules.LAST_YEAR:
        return year
    errors["year"] = N_("Enter a year such as 2026.")
    return None


def _parse_value(metric: Metric | None, text: str, errors: dict[str, str]):
    if metric is None:
        return None
    try:
        return rules.parse_value(metric, text)
    except ValueError as error:
        errors["value"] = str(error)
        return None
