"""算一笔账 for a person: inputs checked in the caller's language (from the page's form or the
API), the side-by-side comparison at the parameters in force, and calculations saved against
a person — the calculation of the three ones (三个一) that visits attach."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from sqlmodel import Session, select

from app.core import clock
from app.core.i18n import N_, Message
from app.domain.codes import InsuranceStatus
from app.domain.pension import (
    Assumptions,
    Comparison,
    Parameters,
    Person,
    ResidentOption,
    as_json,
    compare,
    standard_options,
    subsidy_group,
)
from app.domain.pension.parameters import NotInForce
from app.domain.pension.retirement import CATEGORIES
from app.domain.pension.shapes import Option
from app.domain.pension.subsidy import GROUPS
from app.domain.validation import Invalid
from app.models import Calculation, PersonSubsidy, User
from app.models import Person as PersonRecord
from app.services import audit
from app.services.parameters import effective_parameters, jsonable

T = TypeVar("T")
MINIMUM_AGE = 16  # 城乡居民养老保险: from 16 (国发〔2014〕8号)
# Statuses whose years paid are employee-scheme years (断缴 is a stopped employee pension).
EMPLOYEE_HISTORY = frozenset(
    {
        InsuranceStatus.employee_enterprise,
        InsuranceStatus.employee_flexible,
        InsuranceStatus.employee_institution,
        InsuranceStatus.stopped,
    }
)


@dataclass(frozen=True)
class Inputs:
    """What the page asks: the person, their current resident tier (the first column of the
    side-by-side menu) and what is assumed."""

    calc_year: int
    person: Person
    current_tier: int | None = None
    assumptions: Assumptions = field(default_factory=Assumptions)

    def options(self, parameters: Parameters) -> tuple[Option, ...]:
        return standard_options(self.calc_year, self.current_tier, parameters=parameters)


def side_by_side(parameters: Parameters, inputs: Inputs) -> tuple[tuple[Option, ...], Comparison]:
    """The current tier, the next tiers up and the flexible-worker bases, each against the
    first. Someone who reached the statutory age before the parameter table begins (the
    minimum years are known from 2011) gets the resident options only."""

    def run(chosen: tuple[Option, ...]) -> Comparison:
        return compare(inputs.calc_year, inputs.person, chosen, inputs.assumptions, parameters)

    options = inputs.options(parameters)
    try:
        return options, run(options)
    except NotInForce:
        options = tuple(option for option in options if isinstance(option, ResidentOption))
    except ValueError:
        pass  # asked again below, to be worded for the user
    return options, calculated(lambda: run(options))


def check_person(calc_year: int, person: Person) -> None:
    """What the rules would otherwise refuse with a technical message, in the user's words."""
    errors: dict[str, str | Message] = {}
    if person.birth_date >= date(calc_year, 1, 1):
        errors["birth_date"] = Message(
            N_("The date of birth must be before %(year)s."), {"year": calc_year}
        )
    elif person.birth_date > date(calc_year - MINIMUM_AGE, 1, 1):
        errors["birth_date"] = N_("The calculator is for people aged 16 or over.")
    if person.category is not None and (person.category == "M60") != (person.sex == "M"):
        errors["category"] = N_("Men are M60; women F55 or F50.")
    if errors:
        raise Invalid(errors)


def calculated(compute: Callable[[], T]) -> T:
    """The rules' answer; a question outside what they or the data cover is an input error."""
    try:
        return compute()
    except NotInForce as missing:
        message = N_("The parameter table has no figure for this calculation (%(detail)s).")
        raise Invalid({"calc_year": Message(message, {"detail": str(missing)})}) from None
    except ValueError as problem:
        message = N_("The calculator cannot answer for these inputs: %(reason)s")
        raise Invalid({"inputs": Message(message, {"reason": str(problem)})}) from None


# --- the page's form ---------------------------------------------------------------------------


@dataclass
class CalculatorForm:
    """The page's inputs as typed (or prefilled from a person's record)."""

    birth_date: str = ""
    sex: str = ""
    category: str = ""
    years_contributed: str = ""
    current_tier: str = ""
    account_balance: str = ""
    prior_months: str = ""
    prior_avg_index: str = ""
    subsidy_group: str = "none"
    land_expropriated: bool = False
    interest_rate: str = ""

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> "CalculatorForm":
        typed = {
            f.name: (params.get(f.name) or f.default).strip() for f in fields(cls) if f.type is str
        }
        return cls(**typed, land_expropriated=params.get("land_expropriated") == "1")

    @property
    def started(self) -> bool:
        return bool(self.birth_date)

    @property
    def has_more(self) -> bool:
        """Whether anything under "more" was given (so it is shown open)."""
        more = (self.category, self.account_balance, self.prior_months, self.prior_avg_index)
        return any(more) or self.land_expropriated or bool(self.interest_rate)

    def query(self) -> dict[str, str]:
        """The inputs as query parameters (a link that shows the same calculation)."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.type is str}
        values = {name: value for name, value in values.items() if value}
        return {**values, **({"land_expropriated": "1"} if self.land_expropriated else {})}


def form_for_person(session: Session, record: PersonRecord) -> CalculatorForm:
    """A person's record as calculator inputs: years paid count for the scheme they were paid
    in, the resident tier is the current one, subsidy categories give the subsidy group."""
    categories = session.exec(
        select(PersonSubsidy.category).where(PersonSubsidy.person_id == record.id)
    ).all()
    group = subsidy_group(categories)
    years = record.years_paid or 0
    employee = record.insurance_status in EMPLOYEE_HISTORY
    resident = record.insurance_status == InsuranceStatus.resident
    return CalculatorForm(
        birth_date=record.birth_date.isoformat(),
        sex=record.sex,
        years_contributed=str(years) if years and not employee else "",
        prior_months=str(years * 12) if years and employee else "",
        current_tier=str(record.resident_tier) if resident and record.resident_tier else "",
        subsidy_group=group.group,
        land_expropriated=group.land_expropriated,
    )


def checked(form: CalculatorForm, calc_year: int) -> Inputs:
    """The form as calculator inputs; every field checked at once."""
    errors: dict[str, str | Message] = {}
    birth = _birth_date(form.birth_date, errors)
    if form.sex not in ("M", "F"):
        errors["sex"] = N_("Choose male or female.")
    if form.category and form.category not in CATEGORIES:
        errors["category"] = N_("Men are M60; women F55 or F50.")
    if form.subsidy_group not in GROUPS:
        errors["subsidy_group"] = N_("Choose a subsidy group.")

    def number(name: str, low: int, high: int, message: str, whole: bool = False):
        return _number(getattr(form, name), low, high, whole, errors, name, message)

    years = number("years_contributed", 0, 60, N_("Enter whole years from 0 to 60."), True)
    tier = number("current_tier", 1, 100_000, N_("Choose a tier."), True)
    balance = number("account_balance", 0, 10_000_000, N_("Enter an amount in yuan, 0 or more."))
    months = number("prior_months", 0, 600, N_("Enter whole months from 0 to 600."), True)
    index = number("prior_avg_index", 0, 5, N_("Enter an index from 0 to 5, such as 0.6."))
    rate = number("interest_rate", 0, 20, N_("Enter a rate from 0 to 20 percent."))
    if errors:
        raise Invalid(errors)
    person = Person(
        birth_date=birth,
        sex=form.sex,
        category=form.category or None,
        years_contributed=int(years or 0),
        account_balance=balance or Decimal(0),
        prior_months=int(months or 0),
        prior_avg_index=index,
        subsidy_group=form.subsidy_group,
        land_expropriated=form.land_expropriated,
    )
    check_person(calc_year, person)
    assumptions = Assumptions(interest_rate=None if rate is None else rate / 100)
    return Inputs(calc_year, person, None if tier is None else int(tier), assumptions)


def _birth_date(text: str, errors: dict) -> date:
    try:
        born = date.fromisoformat(text)
    except ValueError:
        errors["birth_date"] = N_("Enter the date of birth as YYYY-MM-DD.")
        return date.min
    if born.year < 1900:
        errors["birth_date"] = N_("Enter the date of birth as YYYY-MM-DD.")
    return born


def _number(
    text: str, low: int, high: int, whole: bool, errors: dict, name: str, message: str
) -> Decimal | None:
    """A typed number within limits (blank is None); thousands separators are allowed."""
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        value = None
    fits = value is not None and value.is_finite() and low <= value <= high
    if not fits or (whole and value != value.to_integral_value()):
        errors[name] = message
        return None
    return value


# --- saved calculations ------------------------------------------------------------------------


@dataclass(frozen=True)
class KeptCalculation:
    """A comparison the phone kept and showed offline: its inputs as the page's form names them
    and the parameter version the phone showed it at."""

    form: CalculatorForm
    parameters_version: str


def save_calculation(
    session: Session,
    person: PersonRecord,
    calc_year: int,
    who: Person,
    options: Sequence[Option],
    assumptions: Assumptions | None = None,
    *,
    by: User,
) -> Calculation:
    """Compute at the parameters in force and keep the request, the answer and the parameter
    version against the person (the caller has checked that ``by`` may see them)."""
    calculation = add_calculation(session, person, calc_year, who, options, assumptions, by=by)
    session.commit()
    return calculation


def add_kept(session: Session, person: PersonRecord, kept: KeptCalculation, *, by: User):
    """A comparison the phone showed offline, worked out again as the page would save it today:
    this year, at the parameters in force now, never the phone's figures. The version the phone
    showed is audited beside the one used, so a lead can see where the figures may have differed.
    Committed with what it belongs to (the visit)."""
    calc_year = clock.today().year
    inputs = checked(kept.form, calc_year)
    options, _shown = side_by_side(effective_parameters(session), inputs)
    return add_calculation(
        session,
        person,
        calc_year,
        inputs.person,
        options,
        inputs.assumptions,
        by=by,
        kept_parameters_version=kept.parameters_version,
    )


def add_calculation(
    session: Session,
    person: PersonRecord,
    calc_year: int,
    who: Person,
    options: Sequence[Option],
    assumptions: Assumptions | None = None,
    *,
    by: User,
    **audited: str,
) -> Calculation:
    """save_calculation without the commit."""
    assumptions = assumptions or Assumptions()
    parameters = effective_parameters(session)
    check_person(calc_year, who)
    result = calculated(lambda: compare(calc_year, who, options, assumptions, parameters))
    calculation = Calculation(
        person_id=person.id,
        created_by_id=by.id,
        created_at=clock.now(),
        calc_year=calc_year,
        parameters_version=parameters.version,
        inputs=compare_request(calc_year, who, options, assumptions),
        outputs=jsonable(as_json(result)),
    )
    session.add(calculation)
    session.flush()
    audit.record(
        session,
        "calculation_saved",
        user=by,
        target=f"person:{person.id}",
        calculation=calculation.id,
        parameters_version=parameters.version,
        **audited,
    )
    return calculation


def compare_request(
    calc_year: int, who: Person, options: Sequence[Option], assumptions: Assumptions
) -> dict[str, Any]:
    """The calculation as a `POST /api/v1/pension/compare` body: it can be asked again."""
    assumed = {name: value for name, value in as_json(assumptions).items() if value is not None}
    return jsonable(
        {
            "calc_year": calc_year,
            "person": as_json(who),
            "options": as_json(list(options)),
            "assumptions": assumed,
        }
    )
