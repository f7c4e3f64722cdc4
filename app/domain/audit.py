"""How the audit trail speaks: what a change row keeps (never a full ID or phone number), how a
row's detail reads on one line, the names of its actions, and the moments its filters take."""

import re
from collections.abc import Mapping
from datetime import date, datetime, time, tzinfo
from typing import Any

from app.core.i18n import N_
from app.domain.identifiers import mask_phone

# Actions as the list and its filter name them; an action missing here is shown as recorded.
ACTION_LABELS = {
    "login": N_("Signed in"),
    "pool_opened": N_("Claim pool opened"),
    "pool_closed": N_("Claim pool closed"),
    "follow_up_set": N_("Follow-up date set"),
    "login_failed": N_("Failed sign-in"),
    "login_throttled": N_("Sign-in refused: too many failures"),
    "logout": N_("Signed out"),
    "password_changed": N_("Changed own password"),
    "password_reset": N_("Password reset"),
    "user_created": N_("Account created"),
    "user_activated": N_("Account reactivated"),
    "user_deactivated": N_("Account deactivated"),
    "user_person_linked": N_("Account linked to a person"),
    "team_created": N_("Team created"),
    "team_member_added": N_("Member joined a team"),
    "team_member_removed": N_("Member left a team"),
    "household_created": N_("Household registered"),
    "household_changed": N_("Household changed"),
    "household_verified": N_("Household confirmed up to date"),
    "person_added": N_("Person added"),
    "person_changed": N_("Person changed"),
    "reveal_id_number": N_("Full ID number viewed"),
    "export": N_("Exported"),
    "import_committed": N_("List imported"),
    "import_review_merged": N_("Import look-alike merged"),
    "import_review_kept_apart": N_("Import look-alike kept apart"),
    "assignment_changed": N_("Households assigned to a member"),
    "assignment_moved": N_("Member's households moved"),
    "household_claimed": N_("Household claimed"),
    "claims_released": N_("Idle claims released"),
    "claim_days_set": N_("Claim period set"),
    "visit_recorded": N_("Visit recorded"),
    "visit_added_to": N_("Visit completed"),
    "enrolment_change_confirmed": N_("Enrolment change confirmed"),
    "enrolment_change_rejected": N_("Enrolment change rejected"),
    "own_upgrade_reported": N_("Cadre reported own upgrade"),
    "follow_up_intervals_changed": N_("Follow-up intervals changed"),
    "calculation_saved": N_("Calculation saved"),
    "calculation_shared": N_("Calculation shared"),
    "target_added": N_("Target added"),
    "target_corrected": N_("Target corrected"),
    "target_retired": N_("Target withdrawn"),
    "parameter_added": N_("Calculator parameter added"),
    "official_figures_imported": N_("Official figures imported"),
    "leaflet_created": N_("Leaflet created"),
    "leaflet_edited": N_("Leaflet edited"),
    "leaflet_published": N_("Leaflet published"),
    "leaflet_retired": N_("Leaflet withdrawn"),
    "leaflet_image_added": N_("Leaflet image added"),
    "report_drafted": N_("Progress report drafted"),
    "report_recomputed": N_("Progress report recomputed"),
    "report_published": N_("Progress report published"),
    "quality_flag_reviewed": N_("Data-quality flag reviewed"),
}

# Stored forms of an ID number: a change shows in its masked form (and the birth date) instead.
SECRET_FIELDS = frozenset({"id_number_encrypted", "id_number_index", "id_number_flags"})
MASKS = {"phone": mask_phone}
TEXT_KEPT = 60  # longer text (notes) is cut: the audit says that it changed, not all it says


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    """Each field whose value differs, with its old and new value as the audit keeps them:
    JSON-ready, phone numbers masked, the ID number only masked, long text cut short."""
    return {
        name: [_kept(name, before.get(name)), _kept(name, value)]
        for name, value in after.items()
        if name not in SECRET_FIELDS and before.get(name) != value
    }


def _kept(name: str, value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(_kept(name, item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if name in MASKS and text:
        return MASKS[name](text)
    return text if len(text) <= TEXT_KEPT else text[:TEXT_KEPT] + "…"


def compact(detail: Mapping[str, Any]) -> str:
    """A row's detail on one line, for the list and the spreadsheet: ``key: value`` pairs; a
    change as ``field old → new``."""
    return "; ".join(f"{key}: {_plain(value)}" for key, value in detail.items())


def _plain(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{name} {_change(change)}" for name, change in value.items())
    if isinstance(value, (list, tuple)):
        return "、".join(_plain(item) for item in value) or "—"
    return "—" if value is None or value == "" else str(value)


def _change(change: Any) -> str:
    if isinstance(change, (list, tuple)) and len(change) == 2:
        old, new = change
        return f"{_plain(old)} → {_plain(new)}"
    return _plain(change)


_SPACED_OFFSET = re.compile(r" (\d\d:?\d\d)$")


def moment(text: str, zone: tzinfo) -> datetime:
    """What a ``since`` means: a date is the start of that day in business time; an ISO 8601
    timestamp without an offset is business time too. ValueError for anything else.

    A ``+08:00`` offset typed into a URL unencoded arrives as a space, so that is read back."""
    text = text.strip()
    try:
        return datetime.combine(date.fromisoformat(text), time(), tzinfo=zone)
    except ValueError:
        pass
    if "T" in text:
        text = _SPACED_OFFSET.sub(r"+\1", text)
    found = datetime.fromisoformat(text)
    return found if found.tzinfo else found.replace(tzinfo=zone)
