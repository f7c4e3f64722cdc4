"""How the audit trail speaks: what a change row keeps (never a full ID or phone number), how a
row's detail reads on one line, the names of its actions, and the moments its filters take."""

import re
from collections.abc import Mapping
from datetime import date, datetime, time, tzinfo
from typing import Any

from app.core.i18n import N_, Gettext
from app.domain.identifiers import mask_phone

# Actions as the list and its filter name them; an action missing here is shown as recorded.
ACTION_LABELS = {
    "login": N_("Signed in"),
    "pool_opened": N_("Claim pool opened"),
    "pool_closed": N_("Claim pool closed"),
    "follow_up_set": N_("Follow-up date set"),
    "login_failed": N_("Failed sign-in"),
    "login_throttled": N_("Sign-in refused: too many failures"),
    "login_lock_cleared": N_("Sign-in wait cleared"),
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


# Detail keys (and the fields, filters and intervals a detail names) as the list says them; a
# key missing here is shown as recorded.
DETAIL_NAMES = {
    "role": N_("Role"),
    "region": N_("Region"),
    "teams": N_("Teams"),
    "team": N_("Team"),
    "member": N_("Member"),
    "person": N_("Person"),
    "household": N_("Household"),
    "households": N_("Households"),
    "village": N_("Village"),
    "visit": N_("Visit no."),
    "due_on": N_("Follow up on"),
    "change": N_("Change no."),
    "kind": N_("Kind"),
    "applied": N_("Written into the record"),
    "note": N_("Note"),
    "metric": N_("Indicator"),
    "year": N_("Year"),
    "value": N_("Value"),
    "old": N_("Was"),
    "new": N_("Now"),
    "filename": N_("File"),
    "rows": N_("Rows"),
    "figures": N_("Figures"),
    "calculation": N_("Calculation no."),
    "parameters_version": N_("Parameters version"),
    "kept_parameters_version": N_("Parameters version on the phone"),
    "created": N_("Added"),
    "updated": N_("Updated"),
    "to_review": N_("To review"),
    "days": N_("Days"),
    "entry": N_("Entry no."),
    "effective": N_("Applies from"),
    "confidence": N_("Confidence"),
    "source": N_("Source"),
    "version": N_("Version"),
    "link": N_("Link no."),
    "expires_at": N_("Expires"),
    "from_user": N_("From member"),
    "full_numbers": N_("Full ID numbers"),
    "filters": N_("Filters"),
    "table": N_("Table"),
    "format": N_("Format"),
    "fields": N_("Changed"),
    "reason": N_("Reason"),
    "period": N_("Period"),
    "count": N_("Found"),
    "of": N_("Out of"),
    "name": N_("Name"),
    "phone": N_("Phone"),
    "relation": N_("Relation"),
    "insurance_status": N_("Insurance status"),
    "resident_tier": N_("Resident tier"),
    "years_paid": N_("Years paid"),
    "stopped_since": N_("Stopped paying since"),
    "occupation": N_("Work and employment notes"),
    "is_cadre": N_("Village cadre"),
    "is_student": N_("Full-time student"),
    "key_groups": N_("Key groups"),
    "key_group": N_("Key group"),
    "subsidy_categories": N_("Hardship categories"),
    "subsidy": N_("Hardship category"),
    "id_number_masked": N_("ID number"),
    "sex": N_("Sex"),
    "birth_date": N_("Birth date"),
    "retires_on": N_("Retirement date"),
    "household_key": N_("Household no."),
    "entity_name": N_("Business name"),
    "credit_code": N_("Unified social credit code"),
    "address": N_("Address"),
    "village_id": N_("Village / community"),
    "village_group": N_("Village group"),
    "grid": N_("Grid"),
    "notes": N_("Notes"),
    "q": N_("Search"),
    "status": N_("Insurance status"),
    "plan_list": N_("Plan list"),
    "stale": N_("Not visited lately"),
    "unassigned": N_("Not assigned"),
    "assignee_id": N_("Member"),
    "action": N_("Action"),
    "user_id": N_("Who"),
    "since": N_("From (date)"),
    "until": N_("To (date)"),
    "target": N_("Concerning"),
}
YES_NO = {True: N_("Yes"), False: N_("No")}
# What a row concerns (``household:3``), by the part before the colon.
TARGET_KINDS = {
    "user": N_("Account"),
    "household": N_("Household"),
    "households": N_("Households"),
    "person": N_("Person"),
    "team": N_("Team"),
    "report": N_("Progress report"),
    "leaflet": N_("Leaflet"),
    "calculation": N_("Calculation"),
    "target": N_("Target"),
    "parameter": N_("Calculator parameters"),
    "import": N_("Import"),
    "dashboard": N_("Dashboard"),
    "official_figures": N_("Official figures"),
    "audit": N_("Audit log"),
    "unassigned": N_("Not assigned"),
}


def compact(detail: Mapping[str, Any], _: Gettext, codes: Mapping[str, Mapping]) -> str:
    """A row's detail on one line in the reader's language, for the list and the spreadsheet:
    ``name: value`` pairs, a change as ``field old → new``; ``codes`` names the code values a
    key holds (roles, outcomes…), which are otherwise shown as recorded."""
    return _("; ").join(
        _("%(name)s: %(value)s", name=_name(key, _), value=_plain(key, value, _, codes))
        for key, value in detail.items()
    )


def names_one_record(target: str) -> bool:
    """``household:3`` names one record, to be found exactly (``household:30`` is another);
    anything else a reader types is searched for as part of the target."""
    kind, colon, key = target.partition(":")
    return bool(colon) and kind.isidentifier() and key.isdigit()


def concerning(target: str, _: Gettext, codes: Mapping[str, Mapping]) -> str:
    """What a row concerns as people say it: ``household:3`` is 住户 3, a parameter its name."""
    kind, _colon, key = target.partition(":")
    named = _(TARGET_KINDS[kind]) if kind in TARGET_KINDS else kind
    return f"{named} {_code(kind, key, _, codes)}" if key else named


def _name(key: str, _: Gettext) -> str:
    return _(DETAIL_NAMES[key]) if key in DETAIL_NAMES else key


def _plain(key: str, value: Any, _: Gettext, codes: Mapping[str, Mapping]) -> str:
    if isinstance(value, Mapping):  # changes by field, days by outcome, filters by name
        return _(", ").join(
            f"{_code(key, name, _, codes) if name in codes.get(key, {}) else _name(name, _)} "
            f"{_change(name, change, _, codes)}"
            for name, change in value.items()
        )
    if isinstance(value, (list, tuple)):
        return "、".join(_plain(key, item, _, codes) for item in value) or "—"
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _(YES_NO[value])
    return _code(key, value, _, codes)


def _code(key: str, value: Any, _: Gettext, codes: Mapping[str, Mapping]) -> str:
    named = codes.get(key, {})
    return _(named[str(value)]) if str(value) in named else str(value)


def _change(name: str, change: Any, _: Gettext, codes: Mapping[str, Mapping]) -> str:
    if isinstance(change, (list, tuple)) and len(change) == 2:
        old, new = change
        return f"{_plain(name, old, _, codes)} → {_plain(name, new, _, codes)}"
    return _plain(name, change, _, codes)


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
