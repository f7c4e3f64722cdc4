"""What an assignment does to each household, told in the preview before it is done."""

from app.domain.assignments import Handover, handover

MEI, MING = 1, 2


def test_a_household_already_the_members_does_not_change():
    assert handover(MEI, MEI) == Handover.kept
    assert handover(None, None) == Handover.kept


def test_an_unassigned_household_is_given():
    assert handover(None, MEI) == Handover.given


def test_a_household_held_by_another_member_is_taken_even_to_unassign_it():
    assert handover(MING, MEI) == Handover.taken
    assert handover(MING, None) == Handover.taken
