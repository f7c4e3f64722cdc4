"""Code tables: the stable values stored and exchanged (API contract), with their Chinese terms.
How they are named on screen lives in app.labels."""

from enum import StrEnum


class Role(StrEnum):
    """admin: city staff; lead: team lead (队长); member: vanguard member (协办员 or volunteer);
    cadre: village cadre (村干部)."""

    admin = "admin"
    lead = "lead"
    member = "member"
    cadre = "cadre"


class RegionLevel(StrEnum):
    """city 市 → county 县/区 → township 乡镇/街道 → village 村/社区; unit is 市本级,
    the city-run insured units: an administrative level with targets but no households."""

    city = "city"
    county = "county"
    township = "township"
    village = "village"
    unit = "unit"


class Metric(StrEnum):
    """The figures the plan sets targets for (names fixed by the API contract)."""

    employee_in_work = "employee_in_work"
    resident_contribution_per_capita = "resident_contribution_per_capita"
    participation_rate = "participation_rate"
    employee_share = "employee_share"


class HouseholdKind(StrEnum):
    """household 户; entity: an individual business or small firm (个体工商户/小微企业, key
    group 6) whose workers are its people."""

    household = "household"
    entity = "entity"


class InsuranceStatus(StrEnum):
    """Codes fixed by the API contract."""

    none = "none"
    resident = "resident"  # 城乡居民养老保险, with tier and years
    employee_enterprise = "employee_enterprise"
    employee_flexible = "employee_flexible"  # 灵活就业人员
    employee_institution = "employee_institution"  # 机关事业单位
    stopped = "stopped"  # 断缴, with the date it stopped
    receiving = "receiving"  # drawing a pension


class SubsidyCategory(StrEnum):
    low_income = "low_income"  # 低保
    extreme_poverty = "extreme_poverty"  # 特困
    returned_to_poverty = "returned_to_poverty"  # 返贫致贫/防返贫监测
    severe_disability = "severe_disability"  # 重度残疾
    land_expropriated = "land_expropriated"  # 被征地农民
    employment_difficulty = "employment_difficulty"  # 就业困难, incl. 4050


class Relation(StrEnum):
    """Relation to the head of the household (与户主关系), or to an entity."""

    head = "head"
    spouse = "spouse"
    child = "child"
    parent = "parent"
    sibling = "sibling"
    grandchild = "grandchild"
    other = "other"
    owner = "owner"
    employee = "employee"


class Channel(StrEnum):
    """How a person was worked: 上门走访, 电话, or otherwise (a meeting in the village square)."""

    home_visit = "home_visit"
    phone_call = "phone_call"
    other = "other"


class NotReachedReason(StrEnum):
    nobody_home = "nobody_home"
    wrong_number = "wrong_number"
    refused_to_talk = "refused_to_talk"
    moved_away = "moved_away"
    deceased = "deceased"


class OutcomeCode(StrEnum):
    """Codes fixed by the API contract."""

    join_resident = "join_resident"
    raise_tier = "raise_tier"  # from → to, yuan a year
    join_flexible = "join_flexible"  # to = the base as a percentage of the average wage
    resume_paying = "resume_paying"
    extend_paying = "extend_paying"  # 延缴: pay on past retirement age to reach the minimum
    buy_back = "buy_back"  # 补缴
    insured_elsewhere = "insured_elsewhere"
    undecided = "undecided"
    refused = "refused"
    not_eligible = "not_eligible"


class StepKind(StrEnum):
    """The two of the three ones (三个一) beyond the contact itself."""

    calculation = "calculation"  # 算一笔账
    leaflet = "leaflet"  # 送一份宣传单


class LeafletMedium(StrEnum):
    paper = "paper"
    digital = "digital"


class VisitSource(StrEnum):
    form = "form"  # the visit form on the phone
    api = "api"  # the offline app or another program
    paper = "paper"  # keyed in from a printed walk sheet


class ChangeStatus(StrEnum):
    reported = "reported"  # by the member (or the cadre about themselves)
    confirmed = "confirmed"  # by the lead, or later by an official data import
    rejected = "rejected"


class ReportStatus(StrEnum):
    draft = "draft"  # previewed and recomputed on request
    published = "published"  # frozen


class FlagKind(StrEnum):
    """Data-quality flags a lead reviews: patterns worth a look, never penalised."""

    contact_rate_near_full = "contact_rate_near_full"
    visits_minutes_apart = "visits_minutes_apart"
    visits_same_place = "visits_same_place"
    three_ones_without_calculation = "three_ones_without_calculation"
