"""Which upgrades a village cadre may report about themselves, from their current insurance."""

import pytest

from app.domain.codes import InsuranceStatus, OutcomeCode
from app.domain.enrolment import higher_tiers, upgrade_refusal, upgrades_open_to

MENU = [200, 300, 500, 1000]
FLEXIBLE, RAISE, JOIN_RESIDENT = (
    OutcomeCode.join_flexible,
    OutcomeCode.raise_tier,
    OutcomeCode.join_resident,
)


@pytest.mark.parametrize(
    ("status", "tier", "open_to"),
    [
        (InsuranceStatus.employee_enterprise, None, ()),
        (InsuranceStatus.employee_flexible, None, ()),
        (InsuranceStatus.employee_institution, None, ()),
        (InsuranceStatus.receiving, None, ()),
        (InsuranceStatus.resident, 200, (FLEXIBLE, RAISE)),
        (InsuranceStatus.resident, None, (FLEXIBLE, RAISE)),
        (InsuranceStatus.resident, 1000, (FLEXIBLE,)),
        (InsuranceStatus.none, None, (FLEXIBLE, JOIN_RESIDENT)),
        (InsuranceStatus.stopped, None, (FLEXIBLE, JOIN_RESIDENT)),
    ],
)
def test_a_cadre_is_offered_only_the_upgrades_their_insurance_leaves(status, tier, open_to):
    assert upgrades_open_to(status, tier, MENU) == open_to


def test_a_refused_upgrade_says_why():
    employee = upgrade_refusal(FLEXIBLE, InsuranceStatus.employee_flexible, None, MENU)
    assert employee == "You are already in the employee pension."
    top = upgrade_refusal(RAISE, InsuranceStatus.resident, 1000, MENU)
    assert top == "You already pay the highest tier: report joining the employee pension."
    assert upgrade_refusal(JOIN_RESIDENT, InsuranceStatus.resident, 200, MENU) is not None


def test_a_resident_chooses_among_the_tiers_above_the_one_paid_now():
    assert higher_tiers(InsuranceStatus.resident, 300, MENU) == [500, 1000]
    assert higher_tiers(InsuranceStatus.resident, None, MENU) == MENU
    assert higher_tiers(InsuranceStatus.none, None, MENU) == MENU
