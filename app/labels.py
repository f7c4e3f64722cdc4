"""How code values are named on screen (msgids, translated when shown). A glossary, too."""

from decimal import Decimal

from app.core import i18n
from app.core.i18n import N_, gettext_for
from app.domain.targets import RATIO_METRICS
from app.models import Metric, RegionLevel, Role

ROLES = {
    Role.admin: N_("City staff"),
    Role.lead: N_("Team lead"),
    Role.member: N_("Vanguard member"),
    Role.cadre: N_("Village cadre"),
}

LEVELS = {
    RegionLevel.city: N_("City"),
    RegionLevel.county: N_("County / district"),
    RegionLevel.township: N_("Township / street"),
    RegionLevel.village: N_("Village / community"),
    RegionLevel.unit: N_("City-level units"),
}

METRICS = {
    Metric.employee_in_work: N_("Employee pension members in work (people)"),
    Metric.resident_contribution_per_capita: N_("Resident pension contribution per person (yuan)"),
    Metric.participation_rate: N_("Basic pension participation rate"),
    Metric.employee_share: N_("Employee pension share of contributors"),
}


def figure(metric: Metric, value: Decimal, locale: str) -> str:
    """A target figure as people read it: 91,400人, ¥543.00, 96%."""
    if metric in RATIO_METRICS:
        return f"{i18n.number(value * 100, locale)}%"
    if metric == Metric.employee_in_work:
        return gettext_for(locale)(N_("%(count)s people"), count=i18n.number(value, locale))
    return i18n.money(value, locale)
