"""How code values are named on screen (msgids, translated when shown). A glossary, too."""

from decimal import Decimal

from app.core import i18n
from app.core.i18n import N_, gettext_for
from app.domain.codes import (
    HouseholdKind,
    InsuranceStatus,
    Metric,
    RegionLevel,
    Relation,
    Role,
    SubsidyCategory,
)
from app.domain.people import PlanList
from app.domain.targets import RATIO_METRICS

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

# The eight key groups (重点群体) of the plan, section 二(一)2, in its order.
KEY_GROUPS = {
    1: N_("Residents able to join the employee pension"),
    2: N_("Land-expropriated farmers and others with contribution subsidies"),
    3: N_("Rural workers in stable market jobs"),
    4: N_("Platform workers (drivers, couriers, riders)"),
    5: N_("Licensed freelancers (guides, lawyers, …)"),
    6: N_("Uninsured individual businesses and small firms"),
    7: N_("People who struggle to pay (low-income, extreme poverty, disabled)"),
    8: N_("Others eligible but not insured"),
}

INSURANCE_STATUSES = {
    InsuranceStatus.none: N_("Not insured"),
    InsuranceStatus.resident: N_("Resident pension"),
    InsuranceStatus.employee_enterprise: N_("Employee pension (enterprise)"),
    InsuranceStatus.employee_flexible: N_("Employee pension (flexible worker)"),
    InsuranceStatus.employee_institution: N_("Employee pension (government or institution)"),
    InsuranceStatus.stopped: N_("Stopped paying"),
    InsuranceStatus.receiving: N_("Receiving a pension"),
}

SUBSIDY_CATEGORIES = {
    SubsidyCategory.low_income: N_("Low-income (dibao)"),
    SubsidyCategory.extreme_poverty: N_("Extreme poverty"),
    SubsidyCategory.returned_to_poverty: N_("Returned to poverty / monitored"),
    SubsidyCategory.severe_disability: N_("Severely disabled"),
    SubsidyCategory.land_expropriated: N_("Land-expropriated farmer"),
    SubsidyCategory.employment_difficulty: N_("Employment difficulty (incl. 4050)"),
}

RELATIONS = {
    Relation.head: N_("Head of household"),
    Relation.spouse: N_("Spouse"),
    Relation.child: N_("Child"),
    Relation.parent: N_("Parent"),
    Relation.sibling: N_("Sibling"),
    Relation.grandchild: N_("Grandchild"),
    Relation.other: N_("Other"),
    Relation.owner: N_("Owner"),
    Relation.employee: N_("Employee"),
}

PLAN_LISTS = {
    PlanList.employee_capable: N_("Able to join the employee pension"),
    PlanList.tier_raise: N_("Could raise their resident tier"),
    PlanList.stopped_paying: N_("Stopped paying the employee pension"),
}

HOUSEHOLD_KINDS = {
    HouseholdKind.household: N_("Household"),
    HouseholdKind.entity: N_("Business (individual business or small firm)"),
}

SEXES = {"M": N_("Male"), "F": N_("Female")}

# Why someone asks to see a full ID number; recorded with the reveal.
REVEAL_REASONS = {
    "register_enrolment": N_("Register an enrolment"),
    "check_insurance_record": N_("Check the insurance record"),
    "confirm_identity": N_("Confirm the person's identity"),
    "correct_record": N_("Correct the record"),
}


def figure(metric: Metric, value: Decimal, locale: str) -> str:
    """A target figure as people read it: 91,400人, ¥543.00, 96%."""
    if metric in RATIO_METRICS:
        return f"{i18n.number(value * 100, locale)}%"
    if metric == Metric.employee_in_work:
        return gettext_for(locale)(N_("%(count)s people"), count=i18n.number(value, locale))
    return i18n.money(value, locale)
