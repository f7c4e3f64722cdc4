"""Which leaflets the teams hand over most, by the key group (重点群体) of the person given
each, so leads see what works for whom; and how many went on paper or to a phone."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from app.domain.codes import LeafletMedium, StepKind
from app.models import Household, Leaflet, PersonKeyGroup, User, Visit, VisitStep
from app.services.scope import sees_every_household, visible_households


@dataclass(frozen=True)
class LeafletCount:
    leaflet_id: int
    title: str
    given: int


@dataclass
class LeafletUsage:
    """Leaflets most used first: overall, and per key group (None: people in no key group; a
    person in two groups counts in both)."""

    overall: list[LeafletCount] = field(default_factory=list)
    by_key_group: dict[int | None, list[LeafletCount]] = field(default_factory=dict)
    media: dict[LeafletMedium, int] = field(default_factory=lambda: dict.fromkeys(LeafletMedium, 0))


def leaflet_usage(session: Session, user: User) -> LeafletUsage:
    """Leaflets from the library handed over in the households the user may see (a lead's
    region, the whole city for admins)."""
    usage = LeafletUsage()
    titles = dict(session.exec(select(Leaflet.id, Leaflet.title)).all())
    overall: Counter[tuple[int, str]] = Counter()
    for leaflet_id, medium, count in session.exec(_given(session, user, VisitStep.leaflet_medium)):
        overall[(leaflet_id, titles[leaflet_id])] += count
        if medium:
            usage.media[LeafletMedium(medium)] += count
    usage.overall = _most_used(overall)
    groups: defaultdict[int | None, Counter[tuple[int, str]]] = defaultdict(Counter)
    by_group = _given(session, user, PersonKeyGroup.key_group).outerjoin(
        PersonKeyGroup, col(PersonKeyGroup.person_id) == VisitStep.person_id
    )
    for leaflet_id, key_group, count in session.exec(by_group):
        groups[key_group][(leaflet_id, titles[leaflet_id])] += count
    in_plan_order = sorted(groups, key=lambda group: (group is None, group or 0))
    usage.by_key_group = {group: _most_used(groups[group]) for group in in_plan_order}
    return usage


def _given(session: Session, user: User, by):
    """Leaflet steps counted per leaflet and ``by``; titles are read apart, as joining the
    library to every step made SQLite sort them all to group them."""
    steps = (
        select(VisitStep.leaflet_id, by, func.count())
        .select_from(VisitStep)
        .where(VisitStep.kind == StepKind.leaflet, col(VisitStep.leaflet_id).is_not(None))
        .group_by(VisitStep.leaflet_id, by)
    )
    if sees_every_household(user):  # no need to go through each step's visit
        return steps
    return (
        steps.join(Visit, col(Visit.id) == VisitStep.visit_id)
        .join(Household, col(Household.id) == Visit.household_id)
        .where(visible_households(session, user))
    )


def _most_used(counts: Counter[tuple[int, str]]) -> list[LeafletCount]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][1], item[0][0]))
    return [LeafletCount(leaflet_id, title, given) for (leaflet_id, title), given in ranked]
