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
