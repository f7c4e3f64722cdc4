"""How code values are named on screen (msgids, translated when shown). A glossary, too."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.dates import format_skeleton

from app.core import i18n
from app.core.i18n import N_, gettext_for
from app.domain import audit, quality
from app.domain.codes import (
    ChangeStatus,
    Channel,
    HouseholdKind,
    InsuranceStatus,
    LeafletMedium,
    Metric,
    NotReachedReason,
    RegionLevel,
    Relation,
    Role,
    SubsidyCategory,
)
from app.domain.pension.subsidy import GROUPS
from app.domain.people import PlanList
from app.domain.targets import RATIO_METRICS
from app.domain.visits import NotDue
from app.domain.worklist import Section

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

# Why the three ones are not due for someone, on one line in place of their forms.
NOT_DUE_REASONS = {
    NotDue.pensioner: N_("Drawing a pension"),
    NotDue.under_age: N_("Under 16"),
    NotDue.retired: N_("At the statutory retirement age"),
    NotDue.student: N_("Full-time student"),
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

WORKLIST_SECTIONS = {
    Section.due: N_("Follow-up due"),
    Section.new: N_("Not contacted yet"),
    Section.plan: N_("On a plan list"),
    Section.other: N_("Others"),
}

ASSIGNMENT_KINDS = {
    "assign": N_("Assigned"),
    "reassign": N_("Reassigned"),
    "unassign": N_("Unassigned"),
    "move": N_("Moved with the member's list"),
    "claim": N_("Claimed from the pool"),
    "release": N_("Returned to the pool (idle)"),
}

# Outcome codes (api.md), printed on walk sheets and recorded by visits.
OUTCOMES = {
    "join_resident": N_("Join the resident pension"),
    "raise_tier": N_("Raise the tier"),
    "join_flexible": N_("Join as a flexible worker"),
    "resume_paying": N_("Resume paying"),
    "extend_paying": N_("Pay on past retirement age"),
    "buy_back": N_("Back payment"),
    "insured_elsewhere": N_("Insured elsewhere"),
    "undecided": N_("Undecided"),
    "refused": N_("Refused"),
    "not_eligible": N_("Not eligible"),
}

CHANNELS = {
    Channel.home_visit: N_("Home visit"),
    Channel.phone_call: N_("Phone call"),
    Channel.other: N_("Other (met elsewhere)"),
}

NOT_REACHED_REASONS = {
    NotReachedReason.nobody_home: N_("Nobody home"),
    NotReachedReason.wrong_number: N_("Wrong number"),
    NotReachedReason.refused_to_talk: N_("Refused to talk"),
    NotReachedReason.moved_away: N_("Moved away"),
    NotReachedReason.deceased: N_("Deceased"),
}

THREE_ONES = {
    "contact": N_("Visit or call"),
    "calculation": N_("Calculation"),
    "leaflet": N_("Leaflet"),
}

# What a person card says it just saved.
CARD_SAVES = {
    "contact": N_("talked to them"),
    "calculation": N_("the calculation"),
    "leaflet": N_("the leaflet"),
    "outcome": N_("the outcome"),
}

# Why someone's three ones are incomplete (app.domain.worklist.Why; "not_reached" is worded
# with the reason the last visit reached nobody).
WHY_INCOMPLETE = {
    "never_visited": N_("Household never visited"),
    "not_met": N_("Household visited, not spoken to yet"),
    "no_calculation": N_("Contacted, no calculation yet"),
    "no_leaflet": N_("No leaflet yet"),
}


@dataclass(frozen=True)
class WorkFigure:
    """A figure of the teams' work: its one label, and the short note (说明) shown beside it,
    as docs/figures.md defines it."""

    label: str
    note: str


# Every figure the dashboard, /team, /cadres, the metrics API and the reports share, keyed by
# its name in app.domain.metrics.WorkMetrics (the cadres': app.services.enrolment.UnitCadres).
WORK_FIGURES = {
    "households": WorkFigure(
        N_("Households"),
        N_("Households in the unit's villages today; for a team or member, the ones they hold."),
    ),
    "households_assigned": WorkFigure(
        N_("Households assigned"), N_("Households a member is assigned to today.")
    ),
    "eligible_people": WorkFigure(
        N_("Eligible people"),
        N_(
            "The people the three ones are due for (应做): aged 16 to the statutory retirement "
            "age, not drawing a pension, not a full-time student, as the registry says at the "
            "period's end (today for the current year)."
        ),
    ),
    "people_contacted": WorkFigure(
        N_("People contacted"),
        N_(
            "Different people spoken to, in person or by phone, on visits that reached them in "
            "the period, whether or not the three ones are due for them; someone contacted "
            "twice counts once. As the members recorded it."
        ),
    ),
    "three_ones_complete": WorkFigure(
        N_("All three ones"),
        N_(
            "Eligible people with all three ones done (contacted, a calculation, a leaflet) on "
            "visits up to the period's end, whenever they were done. As the members recorded it."
        ),
    ),
    "enrolment_changes_confirmed": WorkFigure(
        N_("Changes confirmed"),
        N_(
            "Enrolment changes a lead confirmed in the period, on the day confirmed; changes "
            "reported but not yet confirmed do not count."
        ),
    ),
    "follow_ups_overdue": WorkFigure(
        N_("Follow-ups overdue"),
        N_("Households whose follow-up date, set on their latest visit, is before today."),
    ),
    "cadres": WorkFigure(
        N_("Village cadres"),
        N_("People marked as village cadres, and the records linked to cadre accounts, today."),
    ),
    "cadres_in_employee_pension": WorkFigure(
        N_("Cadres in the employee pension"),
        N_(
            "Village cadres whose record says they are in the employee pension today, however "
            "and whenever they joined (a confirmed change updates the record)."
        ),
    ),
    "cadres_upgraded": WorkFigure(
        N_("Cadres who joined in the period"),
        N_(
            "Village cadres whose joining the employee pension as a flexible worker was "
            "confirmed in the period."
        ),
    ),
    "cadres_raised_tier": WorkFigure(
        N_("Raised their resident tier"),
        N_(
            "Village cadres with a confirmed raise of their resident tier at any time, counted "
            "apart: the plan measures the employee pension."
        ),
    ),
}

# The figures the social insurance system reports (app.domain.statistics.FigureKind).
FIGURE_KINDS = {
    "employee_in_work": N_("Employee pension members in work"),
    "resident_contributors": N_("Resident pension contributors"),
    "resident_contributions": N_("Resident pension contributions, year to date"),
    "resident_contributing_stage": N_("Resident pension members in the contributing stage"),
    "insured_population": N_("Basic pension insured"),
    "eligible_population": N_("People who should be insured"),
}

LEAFLET_MEDIA = {LeafletMedium.paper: N_("Paper"), LeafletMedium.digital: N_("Digital")}

CHANGE_STATUSES = {
    ChangeStatus.reported: N_("Reported"),
    ChangeStatus.confirmed: N_("Confirmed"),
    ChangeStatus.rejected: N_("Not confirmed"),
}

TIMELINE_KINDS = {
    "visit": N_("Visit"),
    "calculation": THREE_ONES["calculation"],
    "leaflet": THREE_ONES["leaflet"],
    "outcome": N_("Outcome"),
    "enrolment_change": N_("Enrolment change"),
    "assignment": N_("Assignment"),
    "edit": N_("Record changed"),
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


# --- the benefit calculator (算一笔账) ----------------------------------------------------------

# The calculator's subsidy groups (api.md) are the hardship categories that change the sums.
SUBSIDY_GROUPS = {
    group: SUBSIDY_CATEGORIES[group] if group in SUBSIDY_CATEGORIES else N_("None")
    for group in GROUPS
}

PENSION_CATEGORIES = {
    "M60": N_("Man (originally 60)"),
    "F55": N_("Woman, cadre or flexible worker (originally 55)"),
    "F50": N_("Woman worker (originally 50)"),
}

PARAMETER_REGIONS = {"yuxi": N_("Yuxi"), "yunnan": N_("Yunnan"), "national": N_("National")}

CONFIDENCE = {
    "H": N_("H — law or State Council text"),
    "M": N_("M — consistent secondary sources"),
    "L": N_("L — single source: to confirm"),
    "?": N_("? — not found: placeholder"),
}

PARAMETER_SERIES = {
    "resident_basic_pension": N_("Resident basic pension (national minimum)"),
    "resident_basic_topup": N_("Local top-up of the resident basic pension"),
    "resident_long_contribution_extra": N_("Extra for long contribution (resident)"),
    "resident_tier_menu": N_("Resident contribution tiers"),
    "resident_top_tier": N_("Highest resident tier"),
    "resident_subsidy_floor": N_("National floor of the contribution subsidy"),
    "resident_subsidy_ladder": N_("Government contribution subsidy per tier"),
    "resident_account_divisor": N_("Resident account divisor"),
    "resident_benefit_age": N_("Resident benefit age"),
    "resident_minimum_years": N_("Resident minimum contribution years"),
    "resident_scheme_start": N_("Local start of the resident scheme"),
    "resident_interest_rate": N_("Resident account crediting rate"),
    "hardship_paid_on_behalf": N_("Paid on behalf of hardship groups"),
    "employee_contribution_rate": N_("Flexible worker contribution rate"),
    "employee_account_rate": N_("Individual account share of the base"),
    "employee_base_range": N_("Base range (percent of the average wage)"),
    "employee_base_limits": N_("Contribution base limits"),
    "employee_average_wage": N_("Average monthly wage (all urban units)"),
    "employee_benefit_base": N_("Benefit calculation base"),
    "employee_basic_accrual": N_("Basic pension accrual per year"),
    "employee_account_divisor": N_("Account divisor by retirement age"),
    "divisor_rule": N_("Divisor rule for ages with months"),
    "employee_interest_rate": N_("Employee account crediting rate"),
    "transitional_pension_coefficient": N_("Transitional pension coefficient"),
    "deemed_service_before": N_("Deemed service cut-off"),
    "minimum_contribution_years": N_("Employee minimum contribution years"),
    "retirement_age_rules": N_("Retirement-age reform rules"),
    "female_default_category": N_("Default original retirement age for women"),
    "flexible_retirement_window": N_("Flexible retirement window"),
    "employment_difficulty_subsidy_share": N_("Employment-difficulty subsidy share"),
    "employment_difficulty_subsidy_months": N_("Employment-difficulty subsidy duration"),
    "long_extension_months": N_("Months of extra payments that call for a talk"),
}

# The named parts and rule codes of the parameters' values, as the parameter page shows them.
PARAMETER_VALUES = {
    "per_year": N_("Per extra year"),
    "after_years": N_("Counted after (years)"),
    "lowest_tier": N_("Lowest tier"),
    "tiers_from_500": N_("Tiers from 500 yuan"),
    "lower_pct": N_("Lower limit (%)"),
    "upper_pct": N_("Upper limit (%)"),
    "earlier_months": N_("Up to months earlier"),
    "later_months": N_("Up to months later"),
    "max_months": N_("At most (months)"),
    "until_retirement_within": N_("To retirement if it is within (months)"),
    "original_age": N_("Original age"),
    "first_cohort": N_("First birth month affected"),
    "birth_months_per_step": N_("Birth months per month of delay"),
    "cap_months": N_("Delay cap (months)"),
    "linear_by_month": N_("Linear by month"),
    "whole_years": N_("Whole years (rounded down)"),
    **PENSION_CATEGORIES,
}

# Column headings of the parameters whose values are tables keyed by a number.
PARAMETER_COLUMNS = {
    "resident_subsidy_ladder": (N_("Annual tier (yuan)"), N_("Subsidy (yuan a year)")),
    "employee_account_divisor": (N_("Age at retirement"), N_("Divisor (months)")),
}

# What each calculator flag tells the person (pension-rules.md §5), with the values the result
# has; "code.scheme" words a flag differently for one scheme. In the order the page lists them:
# what the person must act on first, the assumptions last.
PENSION_FLAGS = {
    "short_of_minimum_years": N_(
        "With the years paid so far, %(months)s months are still missing at retirement age: "
        "keep paying until %(until)s."
    ),
    "short_of_minimum_years.resident": N_(
        "With the years paid so far, %(years)s years are missing at 60: a back payment of "
        "%(cost)s, without government subsidy."
    ),
    "past_statutory_age": N_(
        "Already past the statutory retirement age: only extra payments are possible, and the "
        "pension is never paid for earlier months."
    ),
    "past_benefit_age": N_(
        "Already 60: the pension starts after the payment and is never paid for earlier months."
    ),
    "local_rule_required": N_(
        "Already 60 and never enrolled: whether a one-off back payment is allowed is a local "
        "rule. Ask the social insurance office first."
    ),
    "basic_pension_only": N_(
        "Already 60 when the resident scheme started locally: the basic pension is paid "
        "without contributions, if no other public pension is drawn."
    ),
    "transition_group": N_(
        "Fewer than 15 years from 60 when the resident scheme started locally: %(min_years)s "
        "years of contributions are needed."
    ),
    "raised_minimum_years": N_(
        "Reaching retirement age in %(year)s, the minimum is %(min_years)s years of "
        "contributions (it rises from 2030)."
    ),
    "long_extension": N_(
        "More than 5 years of extra payments: also consider moving to the resident scheme, or "
        "a one-off payment where the rules allow."
    ),
    "transfer_to_resident_option": N_(
        "Instead of paying on, the person may move to the resident scheme: the row “Moved to "
        "the resident scheme instead” shows what it would pay."
    ),
    "transfer_local_rule": N_(
        "After a move to the resident scheme the lowest tier and whole years are assumed; the "
        "details are local rules."
    ),
    "buyback_local_rule": N_(
        "Which years may be bought back, and at which tier, is a local rule: confirm with the "
        "social insurance office."
    ),
    "paid_on_behalf": N_(
        "The government pays the lowest tier for documented hardship groups; for a higher "
        "tier the person pays the difference."
    ),
    "employment_difficulty_subsidy": N_(
        "Employment-difficulty subsidy: part of each month's contribution is refunded after "
        "payment, until %(subsidy_until)s. It needs the official recognition."
    ),
    "subsidy_ends_early": N_(
        "The employment-difficulty subsidy runs for a limited time and ends in "
        "%(subsidy_until)s, before retirement age."
    ),
    "no_marginal_gain": N_(
        "Pays no more each month than the current choice: the extra cost never pays back."
    ),
    "land_expropriated_local_rule": N_(
        "The land-expropriated farmers' subsidy is a local rule and is not included: ask the "
        "social insurance office."
    ),
    "employee_years_counted": N_(
        "Employee pension years already paid count as resident years, in whole years."
    ),
    "resident_years_not_counted": N_(
        "Resident pension years do not count towards the employee pension's minimum."
    ),
    "deemed_service_out_of_scope": N_(
        "Work before 1996 may count as deemed contributions, which this calculator does not "
        "cover: ask the social insurance office."
    ),
    "base_clamped": N_("The base was outside the permitted range: the nearest limit is used."),
    "tier_not_in_menu": N_(
        "This amount is not one of the local tiers: the subsidy is that of the highest tier "
        "below it."
    ),
    "mid_year_top_up": N_(
        "A top-up within the year: the final tier's subsidy is paid once (to be confirmed locally)."
    ),
    "female_category_assumed": N_(
        "Retirement age counted from 55, the default for women; for a worker's post (from 50) "
        "choose it under “More”."
    ),
    "prior_index_assumed": N_(
        "The average index of past employee contributions was not given: the lowest base is "
        "assumed."
    ),
    "assumed_interest": N_(
        "The account earns an assumed %(rate)s a year; the real rate is set each year and is "
        "not guaranteed."
    ),
    "provisional_parameter": N_(
        "The contribution base limits are provisional until this year's notice; the "
        "difference is settled later."
    ),
    "unconfirmed_parameter": N_("Uses figures still to be confirmed (待核实): %(names)s."),
}


def pension_month(text: str, locale: str) -> str:
    """A month written YYYY-MM as people read it: 2039年3月, Mar 2039."""
    year, month = (int(part) for part in text.split("-")[:2])
    return format_skeleton("yMMM", date(year, month, 1), locale=i18n.supported(locale))


def pension_age(text: str, locale: str) -> str:
    """An age written 62y7m as people read it: 62岁7个月."""
    years, months = (int(part) for part in text.rstrip("m").split("y"))
    _ = gettext_for(locale)
    if months:
        return _(N_("%(years)s years %(months)s months"), years=years, months=months)
    return _(N_("%(age)s years"), age=years)


# Leaflet states (宣传单): a draft is never published; a retired leaflet leaves the library.
LEAFLET_STATES = {
    "draft": N_("Draft"),
    "published": N_("Published"),
    "retired": N_("Retired"),
}

# The code values an audit detail holds, by the key that holds them (app.domain.audit.compact).
AUDIT_CODES = {
    "role": ROLES,
    "kind": {**OUTCOMES, **quality.LABELS, **HOUSEHOLD_KINDS},
    "days": {**OUTCOMES, **NOT_REACHED_REASONS},
    "reason": REVEAL_REASONS,
    "confidence": CONFIDENCE,
    "region": PARAMETER_REGIONS,
    "metric": METRICS,
    "relation": RELATIONS,
    "insurance_status": INSURANCE_STATUSES,
    "status": INSURANCE_STATUSES,
    "subsidy_categories": SUBSIDY_CATEGORIES,
    "subsidy": SUBSIDY_CATEGORIES,
    "key_groups": {str(number): text for number, text in KEY_GROUPS.items()},
    "key_group": {str(number): text for number, text in KEY_GROUPS.items()},
    "plan_list": PLAN_LISTS,
    "sex": SEXES,
    "parameter": PARAMETER_SERIES,
    "action": audit.ACTION_LABELS,  # an export's filters
}
