"""Which upgrades a village cadre may report about themselves, given their current insurance:
the form offers only these, and a report of any other is refused with the reason."""

from collections.abc import Collection

from app.core.i18n import N_
from app.domain.codes import InsuranceStatus, OutcomeCode

EMPLOYEE_PENSION = (
    InsuranceStatus.employee_enterprise,
    InsuranceStatus.employee_flexible,
    InsuranceStatus.employee_institution,
)
# What a cadre may report about themselves, the plan's measure (the employee pension) first.
SELF_REPORTS = (OutcomeCode.join_flexible, OutcomeCode.raise_tier, OutcomeCode.join_resident)


def higher_tiers(status: InsuranceStatus, tier: int | None, menu: Collection[int]) -> list[int]:
    """The tiers the cadre may choose: above the one paid now in the resident pension (any
    when that tier is not known), every one on the menu otherwise."""
    if status != InsuranceStatus.resident or tier is None:
        return list(menu)
    return [chosen for chosen in menu if chosen > tier]


def upgrade_refusal(
    kind: OutcomeCode, status: InsuranceStatus, tier: int | None, menu: Collection[int]
) -> str | None:
    """Why a cadre with this insurance cannot report ``kind``, or None when they can."""
    if status in EMPLOYEE_PENSION:
        return N_("You are already in the employee pension.")
    if status == InsuranceStatus.receiving:
        return N_("You already draw a pension: there is no upgrade to report.")
    if kind == OutcomeCode.raise_tier and status != InsuranceStatus.resident:
        return N_("Only a resident pension's tier can be raised: report joining it.")
    if kind == OutcomeCode.raise_tier and not higher_tiers(status, tier, menu):
        return N_("You already pay the highest tier: report joining the employee pension.")
    if kind == OutcomeCode.join_resident and status == InsuranceStatus.resident:
        return N_("You already pay the resident pension: report a higher tier.")
    return None


def upgrades_open_to(
    status: InsuranceStatus, tier: int | None, menu: Collection[int]
) -> tuple[OutcomeCode, ...]:
    """The self-reports a cadre with this insurance may make, in the order offered."""
    return tuple(kind for kind in SELF_REPORTS if upgrade_refusal(kind, status, tier, menu) is None)
