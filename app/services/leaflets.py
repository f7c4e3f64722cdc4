"""Leaflets (宣传单) and personal calculation sheets: the library admins keep, the published
versions members hand over, and share links to a saved calculation.

Leaflet bodies are Markdown with figure slots such as ``{{tiers}}``: the figures are filled in
from the calculator's parameters when a leaflet is shown, so they are never typed twice and
follow the parameter table when it changes.
"""

import base64
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import segno
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markupsafe import Markup
from pydantic import BaseModel
from sqlmodel import Session, col, select

from app import labels
from app.core import clock
from app.core.i18n import N_, Message
from app.core.security import new_token, token_digest
from app.domain.pension import Parameters
from app.domain.validation import Invalid, whole_number
from app.models import (
    Calculation,
    Leaflet,
    LeafletImage,
    LeafletState,
    LeafletVersion,
    ShareLink,
    User,
)
from app.services import audit

SHARE_DAYS = 30  # a personal sheet link lasts a month unless asked otherwise
MAX_BODY = 20_000
SLOT = re.compile(r"\{\{\s*([a-z_0-9]+)\s*\}\}")
# Images only from the app itself: its static files and the pictures admins upload.
IMAGE_PREFIXES = ("/static/", "/leaflet-images/")
IMAGE_TYPES = {  # the first bytes of each accepted picture format
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF8": "image/gif",
}
MAX_IMAGE_BYTES = 1024 * 1024


# --- figures from the parameter table ----------------------------------------------------------


def _yuan(value: Any) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def _percent(value: Any) -> str:
    return f"{_yuan(Decimal(str(value)) * 100)}%"


def _tiers(p: Parameters, day: date) -> str:
    return "、".join(_yuan(t) for t in p["resident_tier_menu"].on(day).value)


def _subsidies(p: Parameters, day: date) -> str:
    """The subsidy ladder as a Markdown list: 缴200元，补贴40元."""
    ladder = p["resident_subsidy_ladder"].on(day).value
    steps = sorted(ladder.items(), key=lambda item: Decimal(item[0]))
    return "\n".join(f"- 每年交{_yuan(t)}元，政府补贴{_yuan(s)}元" for t, s in steps)


def _lowest_monthly(p: Parameters, day: date) -> str:
    lower = Decimal(str(p["employee_base_limits"].on(day).value[0]))
    rate = Decimal(str(p["employee_contribution_rate"].on(day).value))
    return _yuan((lower * rate).quantize(Decimal("0.01")))


FIGURES: dict[str, Callable[[Parameters, date], str]] = {
    "tiers": _tiers,
    "lowest_tier": lambda p, d: _yuan(p["resident_tier_menu"].on(d).value[0]),
    "subsidies": _subsidies,
    "basic_pension": lambda p, d: _yuan(
        p["resident_basic_pension"].on(d).value + p["resident_basic_topup"].on(d).value
    ),
    "benefit_age": lambda p, d: _yuan(p["resident_benefit_age"].on(d).value),
    "resident_min_years": lambda p, d: _yuan(p["resident_minimum_years"].on(d).value),
    "account_divisor": lambda p, d: _yuan(p["resident_account_divisor"].on(d).value),
    "base_lower": lambda p, d: _yuan(p["employee_base_limits"].on(d).value[0]),
    "base_upper": lambda p, d: _yuan(p["employee_base_limits"].on(d).value[1]),
    "contribution_rate": lambda p, d: _percent(p["employee_contribution_rate"].on(d).value),
    "account_rate": lambda p, d: _percent(p["employee_account_rate"].on(d).value),
    "lowest_monthly": _lowest_monthly,
    "employee_min_years": lambda p, d: _yuan(p["minimum_contribution_years"].on(d).value),
    "employee_min_years_final": lambda p, d: _yuan(p["minimum_contribution_years"].latest().value),
    "employee_min_years_final_year": lambda p, d: str(
        p["minimum_contribution_years"].latest().effective.year
    ),
}


def figures(parameters: Parameters, day: date) -> dict[str, str]:
    return {name: figure(parameters, day) for name, figure in FIGURES.items()}


def fill(body: str, values: dict[str, str]) -> str:
    """The body with its slots filled; an unknown slot stays as typed (the form refuses one)."""
    return SLOT.sub(lambda m: values.get(m.group(1), m.group(0)), body)


# --- Markdown, safely --------------------------------------------------------------------------


def _markdown() -> MarkdownIt:
    """CommonMark with tables; raw HTML is shown as text, never passed through, and
    markdown-it's link check drops javascript:, vbscript:, file: and data: links."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    default_image = md.renderer.rules["image"]

    def image(renderer, tokens, index, options, env):
        # Only the app's own images: no tracking pixels, nothing the CSP would refuse.
        src = tokens[index].attrGet("src") or ""
        if not src.startswith(IMAGE_PREFIXES) or "//" in src:
            return escapeHtml(tokens[index].content)
        return default_image(tokens, index, options, env)

    md.add_render_rule("image", image)
    return md


MARKDOWN = _markdown()


def as_html(body: str, values: dict[str, str]) -> Markup:
    return Markup(MARKDOWN.render(fill(body, values)))


# --- the library -------------------------------------------------------------------------------


class LeafletForm(BaseModel):
    """A leaflet as typed by an admin."""

    title: str = ""
    key_groups: list[str] = []
    age_from: str = ""
    age_to: str = ""
    body: str = ""

    @classmethod
    def of(cls, leaflet: Leaflet) -> "LeafletForm":
        return cls(
            title=leaflet.title,
            key_groups=[str(g) for g in leaflet.key_groups],
            age_from="" if leaflet.age_from is None else str(leaflet.age_from),
            age_to="" if leaflet.age_to is None else str(leaflet.age_to),
            body=leaflet.body,
        )


def _checked(form: LeafletForm) -> dict[str, Any]:
    errors: dict[str, str | Message] = {}
    title = form.title.strip()
    if not title or len(title) > 120:
        errors["title"] = N_("Enter a title of up to 120 characters.")
    body = form.body.replace("\r\n", "\n").strip()
    if not body or len(body) > MAX_BODY:
        errors["body"] = N_("Write the leaflet (up to 20,000 characters).")
    unknown = sorted({m.group(1) for m in SLOT.finditer(body)} - FIGURES.keys())
    if unknown and "body" not in errors:
        errors["body"] = Message(
            N_("Unknown figure: %(names)s. Use one of the figures listed."),
            {"names": ", ".join(unknown)},
        )
    groups = sorted({n for n in map(whole_number, form.key_groups) if n is not None})
    if any(g not in labels.KEY_GROUPS for g in groups) or len(groups) != len(set(form.key_groups)):
        errors["key_groups"] = N_("Choose key groups from the list.")
    ages = []
    for name in ("age_from", "age_to"):
        text = getattr(form, name).strip()
        if text and whole_number(text, largest=120) is None:
            errors[name] = N_("Enter an age from 0 to 120, or leave it blank.")
        ages.append(whole_number(text))
    if None not in ages and ages[0] > ages[1] and "age_to" not in errors:
        errors["age_to"] = N_("The upper age must not be below the lower age.")
    if errors:
        raise Invalid(errors)
    return {
        "title": title,
        "body": body,
        "key_groups": groups,
        "age_from": ages[0],
        "age_to": ages[1],
    }


def create_leaflet(session: Session, form: LeafletForm, *, by: User) -> Leaflet:
    leaflet = Leaflet(**_checked(form), updated_at=clock.now(), updated_by_id=by.id)
    session.add(leaflet)
    session.flush()
    audit.record(session, "leaflet_created", user=by, target=f"leaflet:{leaflet.id}")
    session.commit()
    return leaflet


def update_leaflet(session: Session, leaflet: Leaflet, form: LeafletForm, *, by: User) -> None:
    """Change the working copy; what was published stays as it was until the next publish."""
    for name, value in _checked(form).items():
        setattr(leaflet, name, value)
    leaflet.updated_at, leaflet.updated_by_id = clock.now(), by.id
    session.add(leaflet)
    audit.record(session, "leaflet_edited", user=by, target=f"leaflet:{leaflet.id}")
    session.commit()


def publish(session: Session, leaflet: Leaflet, *, by: User) -> LeafletVersion:
    """The working copy becomes the next numbered version, kept unchanged from now on."""
    leaflet.version += 1
    leaflet.state = LeafletState.published
    version = LeafletVersion(
        leaflet_id=leaflet.id,
        version=leaflet.version,
        title=leaflet.title,
        key_groups=list(leaflet.key_groups),
        age_from=leaflet.age_from,
        age_to=leaflet.age_to,
        body=leaflet.body,
        published_at=clock.now(),
        published_by_id=by.id,
    )
    session.add_all([leaflet, version])
    audit.record(
        session,
        "leaflet_published",
        user=by,
        target=f"leaflet:{leaflet.id}",
        version=version.version,
    )
    session.commit()
    return version


def retire(session: Session, leaflet: Leaflet, *, by: User) -> None:
    """Out of the library; links already handed over still open, marked as withdrawn."""
    leaflet.state = LeafletState.retired
    session.add(leaflet)
    audit.record(session, "leaflet_retired", user=by, target=f"leaflet:{leaflet.id}")
    session.commit()


def library(session: Session) -> list[Leaflet]:
    return list(session.exec(select(Leaflet).order_by(col(Leaflet.id))))


def published(session: Session) -> list[LeafletVersion]:
    """The latest version of every leaflet in the library (retired ones left out)."""
    query = (
        select(LeafletVersion)
        .join(Leaflet, col(Leaflet.id) == LeafletVersion.leaflet_id)
        .where(Leaflet.state == LeafletState.published, LeafletVersion.version == Leaflet.version)
        .order_by(col(Leaflet.id))
    )
    return list(session.exec(query))


def versions(session: Session, leaflet: Leaflet) -> list[LeafletVersion]:
    query = select(LeafletVersion).where(LeafletVersion.leaflet_id == leaflet.id)
    return list(session.exec(query.order_by(col(LeafletVersion.version).desc())))


def version_of(
    session: Session, leaflet_id: int, number: int | None = None
) -> tuple[Leaflet, LeafletVersion] | None:
    """A published version (the latest when no number is given), with its leaflet."""
    leaflet = session.get(Leaflet, leaflet_id)
    if leaflet is None or leaflet.version == 0:
        return None
    wanted = leaflet.version if number is None else number
    query = select(LeafletVersion).where(
        LeafletVersion.leaflet_id == leaflet_id, LeafletVersion.version == wanted
    )
    found = session.exec(query).first()
    return None if found is None else (leaflet, found)


def audience(
    key_groups: list[int], age_from: int | None, age_to: int | None, _: Callable[..., str]
) -> str:
    """Who a leaflet is for, in words: the key groups and the age band."""
    groups = "、".join(_(labels.KEY_GROUPS[g]) for g in key_groups if g in labels.KEY_GROUPS)
    if age_from is not None and age_to is not None:
        ages = _(N_("aged %(low)s to %(high)s"), low=age_from, high=age_to)
    elif age_from is not None:
        ages = _(N_("aged %(low)s and over"), low=age_from)
    elif age_to is not None:
        ages = _(N_("aged up to %(high)s"), high=age_to)
    else:
        ages = ""
    return " · ".join(part for part in (groups or _(N_("Everyone")), ages) if part)


def qr_data_uri(text: str) -> str:
    """A QR code as an SVG data URI (an <img> source the CSP allows: no inline style)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=1, border=2, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


# --- personal calculation sheets ---------------------------------------------------------------


class Expired(Exception):
    """A share link past its date: the sheet is gone, the page says so kindly."""


def share_calculation(
    session: Session, calculation: Calculation, *, by: User, days: int = SHARE_DAYS
) -> str:
    """A new link to the calculation's sheet; the token is returned once, only its digest kept."""
    token = new_token()
    now = clock.now()
    link = ShareLink(
        token_digest=token_digest(token),
        calculation_id=calculation.id,
        created_by_id=by.id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(link)
    session.flush()
    audit.record(
        session,
        "calculation_shared",
        user=by,
        target=f"calculation:{calculation.id}",
        link=link.id,
        expires_at=link.expires_at.isoformat(),
    )
    session.commit()
    return token


def shared_calculation(session: Session, token: str) -> tuple[Calculation, ShareLink] | None:
    """The calculation a link opens; None for an unknown token, Expired for an old one."""
    query = select(ShareLink).where(ShareLink.token_digest == token_digest(token))
    link = session.exec(query).first()
    if link is None:
        return None
    if clock.now() >= link.expires_at:
        raise Expired
    return session.get(Calculation, link.calculation_id), link


@dataclass
class SheetOption:
    """One option of a saved calculation, as the sheet words it."""

    scheme: str  # resident or flexible
    amount: Decimal  # the tier (yuan a year) or the base (percent of the average wage)
    paid_this_year: Decimal
    subsidy_this_year: Decimal
    still_to_pay: Decimal
    monthly: Decimal
    benefit_start: str  # YYYY-MM
    breakeven_months: int | None
    breakeven_month: str | None
    current: bool


def sheet_options(calculation: Calculation) -> list[SheetOption]:
    """The saved request and answer side by side. Nothing about the person but the sums:
    the saved inputs hold a date of birth, never shown."""
    asked = calculation.inputs.get("options", [])
    answers = calculation.outputs.get("results", [])
    options = []
    for index, (option, result) in enumerate(zip(asked, answers, strict=False)):
        resident = option.get("scheme") == "resident"
        options.append(
            SheetOption(
                scheme="resident" if resident else "flexible",
                amount=Decimal(str(option.get("tier" if resident else "base_pct", 0))),
                paid_this_year=Decimal(str(result["annual_personal_cost"])),
                subsidy_this_year=Decimal(str(result["annual_gov_subsidy"])),
                still_to_pay=Decimal(str(result["total_personal_cost"])),
                monthly=Decimal(str(result["monthly_total"])),
                benefit_start=result["benefit_start"],
                breakeven_months=result.get("breakeven_months"),
                breakeven_month=result.get("breakeven_month"),
                current=index == 0,
            )
        )
    return options


def share_expires_on(link: ShareLink) -> datetime:
    return clock.local(link.expires_at)


# --- pictures -----------------------------------------------------------------------------------


def add_image(
    session: Session, leaflet: Leaflet, filename: str, content: bytes, *, by: User
) -> LeafletImage:
    """Keep an uploaded picture (PNG, JPEG or GIF up to 1 MB, recognised by its bytes, not
    its name)."""
    kind = next((t for magic, t in IMAGE_TYPES.items() if content.startswith(magic)), None)
    if kind is None:
        raise Invalid({"image": N_("Upload a PNG, JPEG or GIF picture.")})
    if len(content) > MAX_IMAGE_BYTES:
        raise Invalid({"image": N_("The picture is larger than 1 MB.")})
    image = LeafletImage(
        leaflet_id=leaflet.id,
        filename=filename[:200],
        content_type=kind,
        data=content,
        uploaded_by_id=by.id,
        uploaded_at=clock.now(),
    )
    session.add(image)
    session.flush()
    audit.record(session, "leaflet_image_added", user=by, target=f"leaflet:{leaflet.id}")
    session.commit()
    return image


def images_of(session: Session, leaflet: Leaflet) -> list[LeafletImage]:
    query = select(LeafletImage).where(LeafletImage.leaflet_id == leaflet.id)
    return list(session.exec(query.order_by(LeafletImage.id)))
