"""Subsidy groups: who gets the resident 代缴 and who gets the employment-difficulty subsidy."""

from collections.abc import Iterable
from dataclasses import dataclass

# 低保, 特困, 返贫致贫/防返贫监测, 重度残疾: the government pays the lowest resident tier (代缴,
# 人社部发〔2017〕71号), in the order of api.md's code table.
HARDSHIP_GROUPS = ("low_income", "extreme_poverty", "returned_to_poverty", "severe_disability")
EMPLOYMENT_DIFFICULTY = "employment_difficulty"  # 就业困难人员, incl. 4050
NONE = "none"
GROUPS = (NONE, *HARDSHIP_GROUPS, EMPLOYMENT_DIFFICULTY)
LAND_EXPROPRIATED = "land_expropriated"  # 被征地农民: a local subsidy, not modelled
CATEGORIES = (*HARDSHIP_GROUPS, LAND_EXPROPRIATED, EMPLOYMENT_DIFFICULTY)


@dataclass(frozen=True, slots=True)
class SubsidyGroup:
    group: str
    land_expropriated: bool


def subsidy_group(categories: Iterable[str]) -> SubsidyGroup:
    """The calculator's `subsidy_group` from a person's subsidy categories (api.md): the first
    hardship category in table order wins (代缴 outranks the employment-difficulty subsidy,
    which only the employee scheme pays); land expropriation maps to `none` plus a flag."""
    held = set(categories)
    unknown = held - set(CATEGORIES)
    if unknown:
        raise ValueError(f"unknown subsidy categories: {', '.join(sorted(unknown))}")
    group = next((g for g in (*HARDSHIP_GROUPS, EMPLOYMENT_DIFFICULTY) if g in held), NONE)
    return SubsidyGroup(group=group, land_expropriated=LAND_EXPROPRIATED in held)
