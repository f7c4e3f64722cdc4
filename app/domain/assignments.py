"""What giving a household to a member (or to no one) does to it, told before it is done: a
lead must see which households are taken from another member, since that member loses them."""

from enum import StrEnum


class Handover(StrEnum):
    kept = "kept"  # already the member's (or already unassigned): nothing changes
    given = "given"  # unassigned until now
    taken = "taken"  # held by another member, who loses it


HANDOVER_ORDER = (Handover.taken, Handover.given, Handover.kept)


def handover(holder_id: int | None, member_id: int | None) -> Handover:
    """What happens to a household held by ``holder_id`` given to ``member_id`` (None: no one)."""
    if holder_id == member_id:
        return Handover.kept
    return Handover.given if holder_id is None else Handover.taken
