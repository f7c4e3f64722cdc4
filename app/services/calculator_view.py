"""The calculator's comparison in words: the side-by-side table, its rows and cells, and each
flag explained in plain Chinese with its values (the page's view model, no web framework)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial

from app import labels
from app.core import i18n
from app.core.i18n import N_
from app.domain.pension import Comparison, Estimate, FlexibleOption, Parameters
from app.domain.pension.months import Month
from app.domain.pension.shapes import Marginal, Option
from app.domain.validation import whole_number


@dataclass
class Cell:
    text: str
    details: tuple[str, ...] = ()  # smaller lines under the figure


@dataclass
class Column:
    title: str
    detail: str
    scheme: str
    current: bool
    unconfirmed: bool


@dataclass
class Row:
    label: str
    cells: list[Cell]
    strong: bool = False
    part: bool = False  # a part of the row above


@dataclass
class Note:
    text: str
    scope: str


@dataclass
class Statutory:
    """The employee scheme's retirement age and month, and the minimum years then."""

    age: str
    month: str
    min_years: str


@dataclass
class ComparisonView:
    columns: list[Column]
    rows: list[Row]
    notes: list[Note]
    employee: Statutory | None  # None when the flexible options are left out
    benefit_age: str
    version: str


class Words:
    """The comparison as people read it, in one language: money in the zh-CN way, months as
    2039年3月, ages as 62岁7个月, each flag in plain words with the result's own figures."""

    def __init__(self, locale: str, interest_rate: Decimal | None = None):
        self._ = i18n.gettext_for(locale)
        self.money = partial(i18n.money, locale=locale)
        self.month = partial(labels.pension_month, locale=locale)
        self.age = partial(labels.pension_age, locale=locale)
        self.joined = ("、" if locale.startswith("zh") else ", ").join
        self.rate = "" if interest_rate is None else f"{_number(interest_rate * 100)}%"

    def tiers(self, parameters: Parameters, calc_year: int, typed: str) -> dict[str, str]:
        """The tier menu in force, and a tier the record holds that is not on it."""
        in_force = parameters["resident_tier_menu"].on(date(calc_year, 1, 1))
        menu = [str(t) for t in in_force.value]
        if whole_number(typed) is not None and typed not in menu:
            menu = sorted({*menu, typed}, key=int)
        return {tier: self._(N_("%(amount)s yuan a year"), amount=tier) for tier in menu}

    def comparison(self, options: tuple[Option, ...], result: Comparison) -> ComparisonView:
        pairs = zip(options, result.results, strict=True)
        columns = [self.column(i, option, r) for i, (option, r) in enumerate(pairs)]
        flexible = next((r for r in result.results if r.scheme == "flexible"), None)
        resident = result.results[0]
        return ComparisonView(
            columns=columns,
            rows=self.rows(result),
            notes=self.notes(columns, result),
            employee=self.statutory(flexible) if flexible else None,
            benefit_age=self.age(resident.statutory_age),
            version=resident.parameters_version,
        )

    def statutory(self, result: Estimate) -> Statutory:
        years = _number(result.min_contribution_years)
        return Statutory(
            age=self.age(result.statutory_age),
            month=self.month(result.statutory_month),
            min_years=self._(N_("%(years)s years"), years=years),
        )

    def column(self, index: int, option: Option, result: Estimate) -> Column:
        _ = self._
        if isinstance(option, FlexibleOption):
            title = _(N_("Flexible worker"))
            detail = _(N_("base %(pct)s%% of average wage"), pct=_number(option.base_pct))
        else:
            title = _(N_("Resident pension"))
            detail = _(N_("%(amount)s yuan a year"), amount=_number(option.tier))
        return Column(title, detail, result.scheme, index == 0, bool(result.unconfirmed_parameters))

    def rows(self, result: Comparison) -> list[Row]:
        """One row per figure, one cell per option; then each option against the first (the
        current choice)."""
        money, month = self.money, self.month
        own = (
            (N_("Paid this year"), lambda e: Cell(money(e.annual_personal_cost)), {}),
            (N_("Government subsidy this year"), lambda e: Cell(money(e.annual_gov_subsidy)), {}),
            (N_("Still to pay, in all"), self.total, {}),
            (N_("Pension a month"), lambda e: Cell(money(e.monthly_total)), {"strong": True}),
            (N_("basic pension"), lambda e: Cell(money(e.monthly_basic)), {"part": True}),
            (N_("account pension"), lambda e: Cell(money(e.monthly_account)), {"part": True}),
            (N_("Pension from"), lambda e: Cell(month(e.benefit_start)), {}),
            (N_("Paid back after"), self.breakeven, {}),
        )
        if any(e.resident_transfer for e in result.results):
            own += ((N_("Moved to the resident scheme instead"), self.transfer, {}),)
        against_first = (
            (N_("Extra cost over the current choice"), lambda m: Cell(money(m.extra_cost)), {}),
            (N_("Extra pension a month"), lambda m: Cell(money(m.extra_monthly)), {}),
            (N_("Extra cost paid back after"), self.breakeven, {}),
        )
        first = Cell(self._(N_("current choice")))
        return [
            *(
                Row(self._(label), list(map(cell, result.results)), **style)
                for label, cell, style in own
            ),
            *(
                Row(self._(label), [first, *map(cell, result.marginal)], **style)
                for label, cell, style in against_first
            ),
        ]

    def total(self, result: Estimate) -> Cell:
        _ = self._
        if result.buyback:
            extra = _(N_("incl. back payment %(cost)s"), cost=self.money(result.buyback.cost))
        elif result.extension_months:
            extra = _(N_("incl. %(months)s extra months"), months=result.extension_months)
        else:
            return Cell(self.money(result.total_personal_cost))
        return Cell(self.money(result.total_personal_cost), (extra,))

    def breakeven(self, result: Estimate | Marginal) -> Cell:
        _ = self._
        if result.breakeven_months is None:
            return Cell(_(N_("Never")))
        when = (self.month(result.breakeven_month), self.age(result.breakeven_age))
        return Cell(_(N_("%(months)s months"), months=result.breakeven_months), when)

    def transfer(self, result: Estimate) -> Cell:
        """B → A instead of 延缴 (§5.10): the pension a month, and from when."""
        moved = result.resident_transfer
        if moved is None:
            return Cell("—")
        return Cell(self.money(moved.monthly_total), (self.month(moved.benefit_start),))

    def notes(self, columns: list[Column], result: Comparison) -> list[Note]:
        """Each flag once, with the options it applies to; what changes the sums first, the
        assumptions last."""
        marginal = {m.to: m.flags for m in result.marginal}
        applies: dict[tuple[int, str], list[int]] = {}
        for index, estimate in enumerate(result.results):
            for flag in (*estimate.flags, *marginal.get(index, ())):
                key = (_priority(flag), self.flag(flag, estimate))
                applies.setdefault(key, []).append(index)
        return [
            Note(text, self.scope(columns, indexes))
            for (_rank, text), indexes in sorted(applies.items(), key=lambda item: item[0][0])
        ]

    def scope(self, columns: list[Column], indexes: list[int]) -> str:
        _ = self._
        if len(indexes) == len(columns):
            return _(N_("All options"))
        for scheme, words in (
            ("resident", N_("Resident pension, every tier shown")),
            ("flexible", N_("Flexible worker, every base shown")),
        ):
            if indexes == [i for i, c in enumerate(columns) if c.scheme == scheme]:
                return _(words)
        return self.joined(f"{columns[i].title} {columns[i].detail}" for i in indexes)

    def flag(self, flag: str, result: Estimate) -> str:
        words = labels.PENSION_FLAGS
        message = words.get(f"{flag}.{result.scheme}") or words.get(flag)
        return flag if message is None else self._(message, **self.flag_values(result))

    def flag_values(self, result: Estimate) -> dict[str, object]:
        _ = self._
        names = (_(labels.PARAMETER_SERIES.get(n, n)) for n in result.unconfirmed_parameters)
        last_paid = Month.parse(result.benefit_start) - 1
        return {
            "names": self.joined(names),
            "months": result.extension_months,
            "until": self.month(str(last_paid)),
            "years": result.buyback.years if result.buyback else 0,
            "cost": self.money(result.buyback.cost) if result.buyback else "",
            "min_years": _number(result.min_contribution_years),
            "year": result.statutory_month[:4],
            "subsidy_until": self.month(result.subsidy_until) if result.subsidy_until else "",
            "rate": self.rate,
        }


def _number(value: Decimal | int) -> str:
    """15, 15.5 — a count without trailing zeros."""
    return format(Decimal(value).normalize(), "f")


def _priority(flag: str) -> int:
    """The order of labels.PENSION_FLAGS: what the person must act on first."""
    order = list(labels.PENSION_FLAGS)
    return order.index(flag) if flag in order else len(order)
