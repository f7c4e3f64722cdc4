"""算一笔账: the benefit calculator page, open to anyone (residents can be sent the link),
prefilled from a person's record for a signed-in user who may see them, and saved against the
person by the teams."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from app.core import clock
from app.core.db import SessionDep
from app.core.i18n import N_, month_day
from app.core.routing import Router
from app.core.templating import render, request_locale
from app.deps import LoginRequired, OptionalUser, found_or_404, require_role
from app.domain.codes import Role
from app.domain.validation import Invalid, whole_number
from app.domain.visits import new_client_uuid
from app.models import Calculation, Household, User
from app.models import Person as PersonRecord
from app.services import calculations, household_visit, scope, visit_views
from app.services.calculations import CalculatorForm
from app.services.calculator_view import Words
from app.services.household_visit import OnTheDay
from app.services.parameters import effective_parameters

router = Router(prefix="/calculator")

Saver = Annotated[User, Depends(require_role(Role.admin, Role.lead, Role.member))]


async def typed_form(request: Request) -> CalculatorForm:
    return CalculatorForm.from_query(await request.form())


def person_or_404(session, user: User | None, person_id: str) -> PersonRecord | None:
    """The person the calculation is for, if any: only for a signed-in user who may see them."""
    if not person_id:
        return None
    if user is None:
        raise LoginRequired
    number = whole_number(person_id)
    record = scope.person_for(session, user, number) if number is not None else None
    if record is None:
        raise HTTPException(404)
    return record


@router.get("")
def calculator_page(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    person_id: str = "",
    saved: str = "",
    visit_id: str = "",
    card: str = "",
):
    """The page, or in a person card (``card``: "open" first, then each new answer)."""
    record = person_or_404(session, user, person_id)
    if record is not None and "birth_date" not in request.query_params:
        form = calculations.form_for_person(session, record)
    else:
        form = CalculatorForm.from_query(request.query_params)
    saved_id = whole_number(saved)
    just_saved = session.get(Calculation, saved_id) if saved_id is not None and record else None
    if just_saved is not None and just_saved.person_id != record.id:
        just_saved = None
    in_card = bool(card and record and request.headers.get("hx-request"))
    block = "calculator_card" if in_card and card == "open" else None
    return _page(
        request,
        session,
        user,
        form,
        record,
        saved=just_saved,
        visit_id=visit_id,
        card=in_card,
        block=block,
    )


@router.post("/save")
def save_calculation(
    request: Request,
    session: SessionDep,
    user: Saver,
    form: Annotated[CalculatorForm, Depends(typed_form)],
    person_id: Annotated[str, Form()] = "",
    visit_id: Annotated[str, Form()] = "",
    client_uuid: Annotated[str, Form()] = "",
    card: Annotated[str, Form()] = "",
    visit_uuid: Annotated[str, Form()] = "",
    channel: Annotated[str, Form()] = "",
    occurred_at: Annotated[str, Form()] = "",
):
    """Saved against the person; worked out on a visit, it is also that visit's calculation
    step: the member goes back to the visit, or in a person card the card answers, ticked
    (on the household page, the visit of the day starts with it if it is the first step)."""
    record = person_or_404(session, user, person_id)
    if record is None:
        raise HTTPException(404)
    visit = None
    if visit_id:
        number = whole_number(visit_id)
        reaching = scope.visit_reaching(session, user, number, record) if number else None
        visit = found_or_404(reaching)
    household = session.get(Household, record.household_id)
    calc_year = clock.today().year
    try:
        inputs = calculations.checked(form, calc_year)
        if visit is None and not card:
            options, _shown = calculations.side_by_side(effective_parameters(session), inputs)
            saved = calculations.save_calculation(
                session, record, calc_year, inputs.person, options, inputs.assumptions, by=user
            )
        else:
            day = OnTheDay(
                visit_uuid=visit_uuid,
                channel=channel,
                occurred_at=occurred_at,
                client_uuid=client_uuid,
                person_id=str(record.id),
            )
            saved, visit = household_visit.calculation_on_card(
                session, household, record, inputs, visit, day, by=user
            )
    except Invalid as invalid:
        refused = _page(
            request,
            session,
            user,
            form,
            record,
            errors=invalid.errors,
            visit_id=visit_id,
            card=bool(card),
        )
        if card:  # the card stays; its calculator says why
            refused.headers["HX-Retarget"] = f"#calculator-results-{record.id}"
        return refused
    if card:
        return _card_ticked(request, session, user, household, record, visit, bool(visit_id), saved)
    if visit is not None:
        return RedirectResponse(f"/visits/{visit.id}#person-{record.id}", status_code=303)
    query = urlencode({**form.query(), "person_id": record.id, "saved": saved.id})
    return RedirectResponse(f"/calculator?{query}#calculator-results", status_code=303)


def _card_ticked(request, session, user, household, record, visit, on_visit_page, saved):
    """The person's card again, its calculation step ticked, with the sheet to share."""
    if on_visit_page:
        recording = visit_views.Recording.on_visit(visit)
    else:
        recording = visit_views.Recording.on_household(household)
    context = visit_views.card_context(
        session,
        household,
        record.id,
        visit,
        user,
        recording,
        saved="calculation",
        saved_calculation=saved,
    )
    return render(request, "visits/person_card.html", context)


def _page(
    request,
    session,
    user,
    form,
    record,
    *,
    saved=None,
    errors=None,
    visit_id="",
    card=False,
    block=None,
):
    parameters = effective_parameters(session)
    calc_year = clock.today().year
    view, errors = None, dict(errors or {})
    locale = request_locale(request)
    if form.started and not errors:
        try:
            inputs = calculations.checked(form, calc_year)
            options, result = calculations.side_by_side(parameters, inputs)
            words = Words(locale, inputs.assumptions.interest_rate)
            view = words.comparison(options, result)
        except Invalid as invalid:
            errors = invalid.errors
    context = {
        "form": form,
        "record": record,
        "errors": errors,
        "view": view,
        "saved": saved,
        "calc_year": calc_year,
        "parameters": parameters,
        "tiers": Words(locale).tiers(parameters, calc_year, form.current_tier),
        "may_save": record is not None and user is not None and scope.may_edit(user),
        "field_labels": FIELD_LABELS,
        "visit_id": visit_id if whole_number(visit_id) is not None else "",
        "client_uuid": new_client_uuid(),
        "card": card,
        "slot": f"-{record.id}" if card else "",
        # Kept on the phone, the page is dated by when it was worked out (static/pwa.js).
        "rendered_at": int(clock.now().timestamp() * 1000),
        "worked_out_on": month_day(clock.today(), locale),
    }
    if block is None and request.headers.get("hx-request"):
        block = "calculator_results"
    status = 422 if errors else 200
    return render(request, "calculator/page.html", context, block=block, status_code=status)


FIELD_LABELS = {
    "birth_date": N_("Date of birth"),
    "sex": N_("Sex"),
    "category": N_("Original retirement age"),
    "years_contributed": N_("Resident pension years paid"),
    "current_tier": N_("Current tier"),
    "account_balance": N_("Individual account balance"),
    "prior_months": N_("Employee pension months paid"),
    "prior_avg_index": N_("Their average contribution index"),
    "subsidy_group": N_("Hardship or subsidy group"),
    "interest_rate": N_("Assumed interest rate (%)"),
    "calc_year": N_("Parameters"),
    "inputs": N_("Inputs"),
}
