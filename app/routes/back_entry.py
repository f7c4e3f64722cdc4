"""Keying in a completed paper walk sheet: a village group's ticks and outcome codes, stored as
paper visits dated the day the sheet was walked (app.services.back_entry)."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from app.core import clock
from app.core.db import SessionDep
from app.core.routing import Router
from app.core.templating import render
from app.deps import FORM_FIELDS, found_or_404, require_role
from app.domain.codes import Role
from app.domain.validation import Invalid, whole_number
from app.models import User
from app.services import back_entry
from app.services.back_entry import SheetEntry

PATH = "/worklist/sheet/entry"

router = Router()

Keyer = Annotated[User, Depends(require_role(Role.member, Role.lead))]


async def sheet_form(request: Request) -> FormData:
    """The whole sheet: a few fields per person, more than a form is usually allowed."""
    return await request.form(max_fields=FORM_FIELDS)


SheetForm = Annotated[FormData, Depends(sheet_form)]


@router.get(PATH)
def entry_page(
    request: Request,
    session: SessionDep,
    user: Keyer,
    village_group: str | None = None,
    member_id: str = "",
    page: str = "1",
    recorded: str = "",
    repeated: str = "",
):
    """Choose whose sheet (leads) and which village group, then key it in (a long group a page
    at a time); after saving, the counts of what was stored are shown above a fresh form."""
    holder = back_entry.sheet_holder(session, user, whole_number(member_id))
    context = {
        "holder": holder,
        "recorded": whole_number(recorded),
        "repeated": whole_number(repeated) or 0,
    }
    if holder is not None:
        page_number = whole_number(page) or 1
        screen = back_entry.entry_screen(session, holder, village_group, clock.today(), page_number)
        context |= {"screen": screen, "entry": SheetEntry.blank(screen.sheets, clock.today())}
    return _page(request, session, user, context)


@router.post(PATH)
def key_in(
    request: Request,
    session: SessionDep,
    user: Keyer,
    form: SheetForm,
):
    """Every household filled in is stored, or none; one that is not the user's to record on
    answers 404 for the whole sheet."""
    entry = SheetEntry.from_form(form)
    village_group, member_id = str(form.get("village_group", "")), str(form.get("member_id", ""))
    page = whole_number(str(form.get("page", ""))) or 1
    holder = found_or_404(back_entry.sheet_holder(session, user, whole_number(member_id)))
    try:
        saved = back_entry.key_in(session, entry, by=user)
    except back_entry.ForeignHousehold:
        raise HTTPException(404) from None
    except Invalid as invalid:
        screen = back_entry.entry_screen(session, holder, village_group, clock.today(), page)
        context = {"holder": holder, "screen": screen, "entry": entry, "errors": invalid.errors}
        return _page(request, session, user, context, status_code=422)
    query = {
        "village_group": village_group,
        "page": page,
        "recorded": saved.recorded,
        "repeated": saved.repeated,
    }
    if user.role == Role.lead:
        query["member_id"] = holder.id
    return RedirectResponse(f"{PATH}?{urlencode(query)}", status_code=303)


def _page(request: Request, session, user: User, context: dict, status_code: int = 200):
    members = back_entry.members_for(session, user)
    return render(
        request,
        "back_entry/entry.html",
        {
            "members": members,
            "errors": {},
            "recorded": None,
            "today": clock.today().isoformat(),
            **context,
        },
        status_code=status_code,
    )
