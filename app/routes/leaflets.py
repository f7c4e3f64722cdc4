"""Leaflets (宣传单): the admins' library, the list members hand leaflets from, the public
share and print pages, and the personal calculation sheet shared by an expiring link."""

from functools import partial
from typing import Annotated

from fastapi import Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from app import labels
from app.core import clock
from app.core.db import SessionDep
from app.core.routing import Router
from app.core.templating import render, request_locale
from app.deps import AdminUser, CurrentUser, found_or_404, require_role
from app.domain.codes import Role
from app.domain.validation import Invalid
from app.models import Calculation, Leaflet, LeafletImage, User
from app.services import leaflets, scope
from app.services.leaflets import LeafletForm
from app.services.parameters import effective_parameters

router = Router()

Sharer = Annotated[User, Depends(require_role(Role.admin, Role.lead, Role.member))]
PAPER_SIZES = ("a4", "a5")


def leaflet_or_404(session: SessionDep, user: AdminUser, leaflet_id: int) -> Leaflet:
    leaflet = session.get(Leaflet, leaflet_id)
    if leaflet is None:
        raise HTTPException(404)
    return leaflet


AdminLeaflet = Annotated[Leaflet, Depends(leaflet_or_404)]


def calculation_or_404(session: SessionDep, user: Sharer, calculation_id: int) -> Calculation:
    """A saved calculation, for its author or anyone who may see the person (else 404)."""
    calculation = session.get(Calculation, calculation_id)
    if calculation is None or (
        calculation.created_by_id != user.id
        and scope.person_for(session, user, calculation.person_id) is None
    ):
        raise HTTPException(404)
    return calculation


ScopedCalculation = Annotated[Calculation, Depends(calculation_or_404)]


def _figures(session) -> dict[str, str]:
    return leaflets.figures(effective_parameters(session), clock.today())


# --- members: the leaflets to hand over --------------------------------------------------------


@router.get("/leaflets")
def leaflet_list(request: Request, session: SessionDep, user: CurrentUser):
    context = {"versions": leaflets.published(session), "audience": leaflets.audience}
    return render(request, "leaflets/list.html", context)


# --- admins: the library -----------------------------------------------------------------------


@router.get("/admin/leaflets")
def library(request: Request, session: SessionDep, user: AdminUser):
    context = {"leaflets": leaflets.library(session), "audience": leaflets.audience}
    return render(request, "leaflets/library.html", context)


def _form_page(request, session, form, leaflet=None, errors=None):
    context = {
        "form": form,
        "leaflet": leaflet,
        "errors": errors or {},
        "slots": sorted(leaflets.FIGURES),
        "preview": leaflets.as_html(form.body, _figures(session)) if form.body else None,
        "versions": leaflets.versions(session, leaflet) if leaflet else [],
        "images": leaflets.images_of(session, leaflet) if leaflet else [],
    }
    return render(request, "leaflets/form.html", context, status_code=422 if errors else 200)


@router.get("/admin/leaflets/new")
def new_leaflet(request: Request, session: SessionDep, user: AdminUser):
    return _form_page(request, session, LeafletForm())


@router.post("/admin/leaflets")
def create_leaflet(
    request: Request, session: SessionDep, user: AdminUser, form: Annotated[LeafletForm, Form()]
):
    try:
        leaflet = leaflets.create_leaflet(session, form, by=user)
    except Invalid as invalid:
        return _form_page(request, session, form, errors=invalid.errors)
    return RedirectResponse(f"/admin/leaflets/{leaflet.id}", status_code=303)


@router.get("/admin/leaflets/{leaflet_id}")
def edit_leaflet(request: Request, session: SessionDep, leaflet: AdminLeaflet):
    return _form_page(request, session, LeafletForm.of(leaflet), leaflet)


@router.post("/admin/leaflets/{leaflet_id}")
def update_leaflet(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    leaflet: AdminLeaflet,
    form: Annotated[LeafletForm, Form()],
):
    try:
        leaflets.update_leaflet(session, leaflet, form, by=user)
    except Invalid as invalid:
        return _form_page(request, session, form, leaflet, invalid.errors)
    return RedirectResponse(f"/admin/leaflets/{leaflet.id}#preview", status_code=303)


@router.post("/admin/leaflets/{leaflet_id}/images")
def upload_image(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    leaflet: AdminLeaflet,
    image: Annotated[UploadFile | None, File()] = None,
):
    content = image.file.read(leaflets.MAX_IMAGE_BYTES + 1) if image else b""
    try:
        leaflets.add_image(session, leaflet, image.filename if image else "", content, by=user)
    except Invalid as invalid:
        return _form_page(request, session, LeafletForm.of(leaflet), leaflet, invalid.errors)
    return RedirectResponse(f"/admin/leaflets/{leaflet.id}#images", status_code=303)


@router.get("/leaflet-images/{image_id}")
def leaflet_image(session: SessionDep, image_id: int):
    """Public like the share pages that show it; pictures never carry personal data."""
    image = found_or_404(session.get(LeafletImage, image_id))
    headers = {"Cache-Control": "public, max-age=86400"}
    return Response(image.data, media_type=image.content_type, headers=headers)


@router.post("/admin/leaflets/{leaflet_id}/publish")
def publish_leaflet(session: SessionDep, user: AdminUser, leaflet: AdminLeaflet):
    leaflets.publish(session, leaflet, by=user)
    return RedirectResponse(f"/admin/leaflets/{leaflet.id}", status_code=303)


@router.post("/admin/leaflets/{leaflet_id}/retire")
def retire_leaflet(session: SessionDep, user: AdminUser, leaflet: AdminLeaflet):
    leaflets.retire(session, leaflet, by=user)
    return RedirectResponse("/admin/leaflets", status_code=303)


# --- public: the share page and the print view (no login, no personal data) -------------------


def _leaflet_page(request, session, leaflet_id: int, number: int | None, template: str):
    found = leaflets.version_of(session, leaflet_id, number)
    if found is None:
        raise HTTPException(404)
    leaflet, version = found
    path = f"/l/{leaflet.id}/v/{version.version}"
    context = {
        "leaflet": leaflet,
        "version": version,
        "body": leaflets.as_html(version.body, _figures(session)),
        "audience": leaflets.audience,
        "path": path,
        "qr": leaflets.qr_data_uri(f"{str(request.base_url).rstrip('/')}{path}"),
        "size": _size(request),
    }
    return render(request, template, context)


def _size(request: Request) -> str:
    size = request.query_params.get("size", "a4")
    return size if size in PAPER_SIZES else "a4"


@router.get("/l/{leaflet_id}")
def share_page(request: Request, session: SessionDep, leaflet_id: int):
    return _leaflet_page(request, session, leaflet_id, None, "leaflets/share.html")


@router.get("/l/{leaflet_id}/v/{number}")
def share_version(request: Request, session: SessionDep, leaflet_id: int, number: int):
    return _leaflet_page(request, session, leaflet_id, number, "leaflets/share.html")


@router.get("/l/{leaflet_id}/v/{number}/print")
def print_version(request: Request, session: SessionDep, leaflet_id: int, number: int):
    return _leaflet_page(request, session, leaflet_id, number, "leaflets/print.html")


# --- the personal calculation sheet ------------------------------------------------------------


def _sheet_context(request: Request, calculation: Calculation) -> dict:
    return {
        "calculation": calculation,
        "options": leaflets.sheet_options(calculation),
        "month": partial(labels.pension_month, locale=request_locale(request)),
    }


@router.get("/calculations/{calculation_id}/sheet")
def sheet(request: Request, calculation: ScopedCalculation):
    return render(request, "leaflets/sheet.html", _sheet_context(request, calculation))


@router.post("/calculations/{calculation_id}/share")
def share_sheet(
    request: Request,
    session: SessionDep,
    user: Sharer,
    calculation: ScopedCalculation,
    days: Annotated[int, Form(ge=1, le=90)] = leaflets.SHARE_DAYS,
):
    token = leaflets.share_calculation(session, calculation, by=user, days=days)
    link = f"{str(request.base_url).rstrip('/')}/s/{token}"
    context = {
        **_sheet_context(request, calculation),
        "link": link,
        "qr": leaflets.qr_data_uri(link),
    }
    return render(request, "leaflets/sheet.html", context)


@router.get("/s/{token}")
def shared_sheet(request: Request, session: SessionDep, token: str):
    try:
        found = leaflets.shared_calculation(session, token)
    except leaflets.Expired:
        return render(request, "leaflets/expired.html", status_code=410)
    if found is None:
        raise HTTPException(404)
    calculation, link = found
    context = {
        **_sheet_context(request, calculation),
        "expires": leaflets.share_expires_on(link),
        "size": _size(request),
    }
    return render(request, "leaflets/personal.html", context)
