"""The plain ASCII name a download carries beside its Chinese one, for the download managers
and in-app browsers that read only RFC 6266's ``filename=``: what it is, the unit's code and
the period, so that a folder of them still says which is which."""

import re

NOT_PLAIN = re.compile(r"[^A-Za-z0-9.]+")


def unit_code(code: str | None, region_id: int) -> str:
    """The unit's official code (530402 for 红塔区); a unit without one by its number here."""
    return code or f"unit{region_id}"


def plain_file_name(*parts: object, suffix: str) -> str:
    """``plain_file_name("report", "530402", "2024-06", "monthly", suffix="pdf")`` is
    ``report-530402-2024-06-monthly.pdf``: each part in ASCII letters, digits and dots (anything
    else becomes a hyphen), joined by hyphens; parts left empty are dropped."""
    words = (NOT_PLAIN.sub("-", str(part)).strip("-.") for part in parts)
    return "-".join(word for word in words if word) + f".{suffix}"
