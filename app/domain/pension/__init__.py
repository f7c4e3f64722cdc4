"""The contribution-tier benefit calculator (算一笔账) as pure rules: the 2025 retirement-age
reform, the resident scheme (城乡居民基本养老保险) and the enterprise employee scheme as a
flexible worker (企业职工基本养老保险·灵活就业人员), with break-even.

Every figure comes from dated parameter data (parameters.json), never from code; today's date
and the calculation year are always passed in. Rules: shared/reference/pension-rules.md.
"""

from app.domain.pension.calculator import (
    as_json,
    compare,
    estimate,
    retirement,
    standard_options,
    statutory_month,
)
from app.domain.pension.parameters import Parameters, default_parameters, load_parameters
from app.domain.pension.shapes import (
    Assumptions,
    Comparison,
    Estimate,
    FlexibleOption,
    Person,
    ResidentOption,
    Retirement,
)
from app.domain.pension.subsidy import subsidy_group

__all__ = [
    "Assumptions",
    "Comparison",
    "Estimate",
    "FlexibleOption",
    "Parameters",
    "Person",
    "ResidentOption",
    "Retirement",
    "as_json",
    "compare",
    "default_parameters",
    "estimate",
    "load_parameters",
    "retirement",
    "standard_options",
    "statutory_month",
    "subsidy_group",
]
