"""The pension calculator for programs (api.md, "Pension calculator"): no authentication, the
same rules and parameters as the page. Every 422 speaks the caller's language, whether the
body does not parse or the rules refuse it."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.core import clock
from app.core.db import SessionDep
from app.core.i18n import N_
from app.domain import pension
from app.domain.pension.subsidy import GROUPS
from app.domain.validation import Invalid
from app.routes.api.errors import UNPROCESSABLE, IsoDate, LocalisedErrors, refused
from app.services.calculations import calculated, check_person
from app.services.parameters import effective_parameters, jsonable

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
# Far above any real figure, yet small enough that every sum stays within Decimal's precision.
MOST_YUAN = 100_000_000
Amount = Annotated[Decimal, Field(ge=0, le=MOST_YUAN)]
MAX_OPTIONS = 20


def in_body(name: str) -> tuple[str, ...]:
    if name in PensionPersonIn.model_fields:
        return ("body", "person", name)
    return ("body", name) if name in CompareIn.model_fields else ("body",)


# --- request shapes ----------------------------------------------------------------------------


class PensionPersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    birth_date: IsoDate
    sex: Literal["M", "F"]
    category: Literal["M60", "F55", "F50"] | None = Field(
        None, description="Default M60 for men, F55 for women (F50: women in 工人岗位)."
    )
    years_contributed: int = Field(0, ge=0, le=80, description="Resident years already paid.")
    account_balance: Decimal = Field(
        Decimal(0), ge=0, le=MOST_YUAN, description="Yuan, at the start of calc_year."
    )
    prior_months: int = Field(0, ge=0, le=960, description="Employee-scheme months already paid.")
    prior_avg_index: Decimal | None = Field(
        None, ge=0, le=5, description="Their average contribution index (0.6 when not given)."
    )
    subsidy_group: Literal[GROUPS] = "none"  # type: ignore[valid-type]
    subsidy_first_approved: str | None = Field(None, pattern=MONTH, examples=["2026-03"])
    land_expropriated: bool = Field(False, description="Addition: 被征地农民 (adds a flag).")

    def rules(self) -> pension.Person:
        return pension.Person(**self.model_dump())


class ResidentOptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheme: Literal["resident"]
    tier: Decimal = Field(gt=0, le=100_000, description="The year's total, yuan (缴费档次).")


class FlexibleOptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheme: Literal["flexible"]
    base_pct: Decimal = Field(
        gt=0, le=1000, description="Base as percent of the average wage; clamped to 60–300."
    )


OptionIn = Annotated[ResidentOptionIn | FlexibleOptionIn, Field(discriminator="scheme")]


def _option(
    given: ResidentOptionIn | FlexibleOptionIn,
) -> pension.ResidentOption | pension.FlexibleOption:
    if isinstance(given, ResidentOptionIn):
        return pension.ResidentOption(tier=given.tier)
    return pension.FlexibleOption(base_pct=given.base_pct)


class AssumptionsIn(BaseModel):
    """Each field, when given, overrides the parameter table for this request only."""

    model_config = ConfigDict(extra="forbid")

    interest_rate: Decimal | None = Field(None, ge=0, le=1, description="Yearly, e.g. 0.015.")
    basic_pension: Decimal | None = Field(
        None, ge=0, le=MOST_YUAN, description="Resident basic pension, yuan/month."
    )
    benefit_base: Decimal | None = Field(
        None, gt=0, le=MOST_YUAN, description="计发基数, yuan/month."
    )
    average_wage: Decimal | None = Field(
        None, gt=0, le=MOST_YUAN, description="Monthly 全口径 average wage."
    )
    base_limits: tuple[Amount, Amount] | None = Field(None, description="[low, high], yuan/month.")
    subsidy_ladder: dict[str, Amount] | None = Field(None, examples=[{"200": 40, "500": 60}])
    divisor_rule: Literal["linear_by_month", "whole_years"] | None = None
    resident_scheme_start: date | None = None

    @field_validator("base_limits")
    @classmethod
    def _limits_in_order(cls, limits):
        if limits is not None and not 0 < limits[0] <= limits[1]:
            raise ValueError(N_("The base limits must be two amounts, low then high."))
        return limits

    @field_validator("subsidy_ladder")
    @classmethod
    def _tiers_are_amounts(cls, ladder):
        if ladder is not None and not all(_amount(key) for key in ladder):
            raise ValueError(N_("The subsidy ladder maps tiers in yuan to yearly subsidies."))
        return ladder

    def rules(self) -> pension.Assumptions:
        return pension.Assumptions(**self.model_dump())


def _amount(text: str) -> bool:
    plain = text.replace(".", "", 1)
    return plain.isascii() and plain.isdigit() and Decimal(text) > 0


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")

    calc_year: int | None = Field(
        None, ge=2000, le=2100, description="Default: this year (Asia/Shanghai)."
    )
    person: PensionPersonIn
    assumptions: AssumptionsIn = Field(default_factory=AssumptionsIn)

    @property
    def year(self) -> int:
        return self.calc_year or clock.today().year


class EstimateIn(Question):
    option: OptionIn


class CompareIn(Question):
    options: list[OptionIn] = Field(min_length=1, max_length=MAX_OPTIONS)


# --- answer shapes -----------------------------------------------------------------------------

Money = Annotated[float, Field(description="Yuan, at most 2 decimals.")]


class BuybackOut(BaseModel):
    years: int
    cost: Money


class EstimateOut(BaseModel):
    scheme: Literal["resident", "flexible"]
    statutory_age: str = Field(examples=["62y7m"])
    statutory_month: str = Field(examples=["2039-03"])
    benefit_start: str = Field(examples=["2039-04"])
    min_contribution_years: float
    annual_personal_cost: Money
    annual_gov_subsidy: Money
    total_personal_cost: Money
    account_at_retirement: Money
    divisor: float
    monthly_basic: Money
    monthly_account: Money
    monthly_total: Money
    breakeven_months: int | None
    breakeven_month: str | None
    breakeven_age: str | None
    extension_months: int
    buyback: BuybackOut | None
    flags: list[str]
    parameters_version: str
    unconfirmed_parameters: list[str] = Field(
        description="Addition: the figures to confirm (待核实)."
    )
    subsidy_until: str | None = Field(
        description="Addition: last month of the employment-difficulty subsidy."
    )
    resident_transfer: "EstimateOut | None" = Field(
        description="Addition: moving to the resident scheme instead of 延缴."
    )


class MarginalOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    from_: int = Field(alias="from")
    to: int
    extra_cost: Money
    extra_monthly: Money
    breakeven_months: int | None
    breakeven_month: str | None
    breakeven_age: str | None
    flags: list[str] = Field(description="Addition: no_marginal_gain when it never pays back.")


class ComparisonOut(BaseModel):
    results: list[EstimateOut]
    marginal: list[MarginalOut]


class RetirementOut(BaseModel):
    statutory_age: str = Field(examples=["61y5m"])
    statutory_month: str = Field(examples=["2031-11"])
    min_contribution_years: float
    earliest_flexible_month: str
    latest_flexible_month: str


# --- endpoints ---------------------------------------------------------------------------------

router = APIRouter(prefix="/pension", tags=["pension calculator"], route_class=LocalisedErrors)


def _answered(
    request: Request,
    compute: Callable[[], Any],
    question: Question | None = None,
    where: Callable[[str], tuple] = in_body,
) -> Any:
    try:
        if question is not None:
            check_person(question.year, question.person.rules())
        return jsonable(pension.as_json(calculated(compute)))
    except Invalid as invalid:
        return refused(request, invalid, where)


@router.post("/estimate", response_model=EstimateOut, responses=UNPROCESSABLE)
def estimate(request: Request, body: EstimateIn, session: SessionDep):
    """One option for one person."""
    parameters = effective_parameters(session)
    option, assumed = _option(body.option), body.assumptions.rules()
    return _answered(
        request,
        lambda: pension.estimate(body.year, body.person.rules(), option, assumed, parameters),
        body,
    )


@router.post("/compare", response_model=ComparisonOut, responses=UNPROCESSABLE)
def compare(request: Request, body: CompareIn, session: SessionDep):
    """Several options side by side; `marginal` holds each later option against the first."""
    parameters = effective_parameters(session)
    options, assumed = [_option(o) for o in body.options], body.assumptions.rules()
    return _answered(
        request,
        lambda: pension.compare(body.year, body.person.rules(), options, assumed, parameters),
        body,
    )


@router.get("/retirement", response_model=RetirementOut, responses=UNPROCESSABLE)
def retirement(
    request: Request,
    session: SessionDep,
    birth_date: IsoDate,
    category: Annotated[Literal["M60", "F55", "F50"], Query()] = "M60",
):
    """The statutory retirement age and month under the 2025 reform, the minimum years for
    it, and the flexible-retirement window."""
    parameters = effective_parameters(session)
    return _answered(
        request,
        lambda: pension.retirement(birth_date, category, parameters),
        where=lambda _name: ("query", "birth_date"),
    )
