"""Whatever people type, the parsers answer with values or with their documented refusal
(Invalid, InvalidIdentifier, a ValueError carrying a msgid, UnreadableFile) — never another
exception, which the user would see as a server error. And the pages' forms, filled with
garbage, never answer 500 nor show a traceback."""

import copy
import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.datastructures import ImmutableMultiDict

from app.domain import statistics, targets
from app.domain.codes import (
    Channel,
    HouseholdKind,
    InsuranceStatus,
    LeafletMedium,
    Metric,
    NotReachedReason,
    OutcomeCode,
    RegionLevel,
    Relation,
    StepKind,
    SubsidyCategory,
)
from app.domain.identifiers import (
    InvalidIdentifier,
    mask_id_number,
    parse_credit_code,
    parse_id_number,
    parse_phone,
)
from app.domain.imports import UnreadableFile, check_rows, read_table
from app.domain.pension.parameters import load_parameters
from app.domain.pension.subsidy import GROUPS
from app.domain.registry import HouseholdForm, PersonForm, check_household, check_person
from app.domain.validation import LARGEST_ID, Invalid, whole_number
from app.domain.visits import OutcomeForm, StepForm, VisitForm, VisitRules, check_visit
from app.services import calculations, enrolment, follow_ups
from app.services.back_entry import SheetEntry
from app.services.households import HouseholdFilters
from app.services.parameters import shipped_data
from tests.conftest import csrf_token
from tests.factories import assign, household, id_number, person, user_named, visit
from tests.pages import Page
from tests.sheets import HEADER

ZONE = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 6, 30)
NOW = datetime(2026, 6, 30, 10, 0, tzinfo=ZONE)
TIERS = (200, 300, 500, 1000, 2000)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# What people type: anything at all, and things shaped like what the fields want, so the
# checks past "is it a number" are reached too.
numbers = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.from_regex(r"[ ]?[0-9]{1,4}([.,][0-9]{1,3})?[%元人]?[ ]?", fullmatch=True),
)
days = st.one_of(
    st.dates().map(date.isoformat),
    st.dates(date(1890, 1, 1), date(2200, 1, 1)).map(lambda d: d.strftime("%Y年%m月%d日")),
)
moments = st.datetimes(datetime(1000, 1, 1), datetime(9000, 1, 1)).map(datetime.isoformat)
id_numbers = st.builds(
    id_number,
    area=st.sampled_from(["530402", "110101", "990000", "000000"]),
    born=st.dates(date(1890, 1, 1), date(2100, 1, 1)).map(lambda d: d.strftime("%Y%m%d")),
    order=st.integers(0, 999),
)
words = st.sampled_from(
    [
        "",
        " ",
        "yes",
        "no",
        "true",
        "home_visit",
        "resident",
        "stopped",
        "join_flexible",
        "raise_tier",
        "undecided",
        "refused",
        "leaflet",
        "calculation",
        "paper",
        "entity",
        "13812345678",
        "0877-2051234",
        "91530400MA6K7U3X2X",
        "１２３",
        "①",
        "\x00",
        "[" * 1200,
    ]
)
typed = st.one_of(st.text(max_size=40), numbers, days, moments, id_numbers, words)
typed_lists = st.lists(typed, max_size=4)


def mostly(likely, otherwise=typed):
    """What the field wants nine times in ten, anything at all the tenth: forms whose fields
    pass their own checks reach the checks across fields."""
    return st.sampled_from([likely] * 9 + [otherwise]).flatmap(lambda chosen: chosen)


def typed_form(model, **likely):
    """A form as typed: each field drawn from what ``likely`` gives for it, else anything."""
    names = getattr(model, "model_fields", None) or model.__dataclass_fields__
    return st.builds(model, **{name: likely.get(name, typed) for name in names})


def code_of(codes):
    return st.sampled_from([code.value for code in codes])


def figure(low: int, high: int, places: int = 0):
    return st.decimals(low, high, places=places).map(str)


def day_between(first: date, last: date):
    return st.dates(first, last).map(date.isoformat)


def refused_or_answered(parse, *args, refusal=Invalid):
    """The parser's answer, or None when it refused in its documented way."""
    try:
        return parse(*args)
    except refusal:
        return None


# --- the registry ------------------------------------------------------------------------------


persons = typed_form(
    PersonForm,
    name=mostly(st.text(min_size=1, max_size=12)),
    id_number=mostly(
        st.builds(
            id_number,
            born=st.dates(date(1930, 1, 1), date(2020, 1, 1)).map(lambda d: d.strftime("%Y%m%d")),
            order=st.integers(0, 999),
        )
    ),
    phone=mostly(st.sampled_from(["", "13812345678", "0877 205 1234"])),
    relation=mostly(code_of(Relation)),
    key_groups=mostly(st.lists(st.sampled_from("12345678"), unique=True), typed_lists),
    insurance_status=mostly(code_of(InsuranceStatus)),
    resident_tier=mostly(st.one_of(st.just(""), figure(100, 100_000))),
    years_paid=mostly(st.one_of(st.just(""), figure(0, 80))),
    stopped_since=mostly(day_between(date(1990, 1, 1), TODAY)),
    subsidy_categories=mostly(st.lists(code_of(SubsidyCategory), unique=True), typed_lists),
    is_cadre=st.booleans(),
    is_student=st.booleans(),
)


@FUZZ
@given(persons)
def test_a_typed_person_is_stored_or_refused_field_by_field(form):
    values = refused_or_answered(check_person, form, TODAY)
    assert values is None or values.name == form.name.strip()[:60]


@FUZZ
@given(
    typed_form(
        HouseholdForm,
        kind=mostly(code_of(HouseholdKind)),
        credit_code=mostly(st.just("91530400MA6K7U3X2X")),
        address=mostly(st.text(min_size=1, max_size=20)),
        village_id=mostly(figure(1, 99)),
        phone=mostly(st.sampled_from(["", "13812345678"])),
    )
)
def test_a_typed_household_is_stored_or_refused_field_by_field(form):
    refused_or_answered(check_household, form)


@FUZZ
@given(typed)
def test_identifiers_are_parsed_or_refused_with_a_message(text):
    number = refused_or_answered(parse_id_number, text, TODAY, refusal=InvalidIdentifier)
    if number is not None:
        assert len(number.number) == 18 and mask_id_number(number.number).count("*") == 8
    refused_or_answered(parse_phone, text, refusal=InvalidIdentifier)
    refused_or_answered(parse_credit_code, text, refusal=InvalidIdentifier)


@FUZZ
@given(st.one_of(st.none(), typed))
def test_a_whole_number_is_ascii_digits_the_database_can_hold(text):
    number = whole_number(text)
    if number is not None:
        assert 0 <= number <= LARGEST_ID and int(text.strip()) == number


# --- visits ------------------------------------------------------------------------------------


someone = mostly(st.sampled_from(["1", "2", "3"]))
outcomes = typed_form(
    OutcomeForm,
    person_id=someone,
    code=mostly(code_of(OutcomeCode)),
    from_value=mostly(st.sampled_from(["", *map(str, TIERS)])),
    to_value=mostly(st.one_of(st.sampled_from(list(map(str, TIERS))), figure(60, 300))),
)
steps = typed_form(
    StepForm,
    person_id=someone,
    kind=mostly(st.sampled_from(["", *(kind.value for kind in StepKind)])),
    calculation_id=mostly(figure(1, 99)),
    leaflet_id=mostly(figure(1, 99)),
    leaflet_medium=mostly(code_of(LeafletMedium)),
)
# Dated within the years 1000–9000: the ends of the calendar have a test of their own below.
visit_forms = typed_form(
    VisitForm,
    client_uuid=mostly(st.uuids().map(str)),
    channel=mostly(code_of(Channel)),
    reached=mostly(st.sampled_from(["yes", "no", "true", "false"])),
    not_reached_reason=mostly(code_of(NotReachedReason)),
    person_ids=mostly(st.lists(st.sampled_from(["1", "2", "3"]), max_size=3), typed_lists),
    occurred_at=mostly(
        st.datetimes(datetime(2025, 7, 1), datetime(2026, 6, 30)).map(datetime.isoformat),
        st.one_of(st.text(max_size=40), moments),
    ),
    notes=st.text(max_size=50),
    latitude=mostly(st.floats(-90, 90).map(str)),
    longitude=mostly(st.floats(-180, 180).map(str)),
    follow_up_on=mostly(day_between(TODAY, date(2027, 6, 30))),
    outcomes=st.lists(outcomes, max_size=3),
    steps=st.lists(steps, max_size=3),
)
RULES = VisitRules(now=NOW, zone=ZONE, household_people=(1, 2, 3), tiers=TIERS)


@FUZZ
@given(visit_forms)
def test_a_typed_visit_is_stored_or_refused_field_by_field(form):
    refused_or_answered(check_visit, form, RULES)


@pytest.mark.parametrize("occurred_at", ["0001-01-01T00:00+05:00", "9999-12-31T23:59"])
def test_a_visit_dated_at_the_ends_of_the_calendar_is_refused(occurred_at):
    form = VisitForm(
        client_uuid="0b5e6f8e-7c1a-4a51-9f54-1d6f1f0f6b1e",
        channel="home_visit",
        reached="yes",
        person_ids=["1"],
        occurred_at=occurred_at,
        follow_up_on="9999-12-31",
    )
    with pytest.raises(Invalid):
        check_visit(form, RULES)


# --- the calculator ----------------------------------------------------------------------------

PARAMETERS = load_parameters(copy.deepcopy(dict(shipped_data())))


@FUZZ
@given(
    typed_form(
        calculations.CalculatorForm,
        birth_date=mostly(day_between(date(1940, 1, 1), date(2010, 1, 1))),
        sex=mostly(st.sampled_from(["M", "F"])),
        category=mostly(st.sampled_from(["", "M60", "F55", "F50"])),
        years_contributed=mostly(figure(0, 60)),
        current_tier=mostly(st.sampled_from(["", *map(str, TIERS)])),
        account_balance=mostly(st.one_of(st.just(""), figure(0, 1_000_000, 2))),
        prior_months=mostly(st.one_of(st.just(""), figure(0, 600))),
        prior_avg_index=mostly(st.one_of(st.just(""), figure(0, 5, 2))),
        subsidy_group=mostly(st.sampled_from(GROUPS)),
        interest_rate=mostly(st.one_of(st.just(""), figure(0, 20, 1))),
        land_expropriated=st.booleans(),
    )
)
def test_the_calculator_answers_or_says_which_input_is_wrong(form):
    """The page works the side-by-side out for any form that passes the checks."""
    inputs = refused_or_answered(calculations.checked, form, TODAY.year)
    if inputs is not None:
        refused_or_answered(calculations.side_by_side, PARAMETERS, inputs)


@FUZZ
@given(st.dictionaries(st.text(max_size=20), st.text(max_size=20)))
def test_query_strings_become_filters_and_calculator_forms_whatever_they_hold(params):
    HouseholdFilters.from_query(params)
    calculations.CalculatorForm.from_query(params)


# --- imports and official statistics -----------------------------------------------------------


def as_csv(rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode("utf-8")


@FUZZ
@given(st.lists(st.lists(typed, min_size=len(HEADER), max_size=len(HEADER) + 2), max_size=4))
def test_every_import_row_is_checked_into_a_person_or_row_errors(rows):
    table = read_table("名单.csv", as_csv([HEADER, *rows]))
    for result in check_rows(table, TODAY):
        assert isinstance(result, list) or result.person.name


@FUZZ
@given(st.sampled_from(["a.csv", "a.xlsx", "a.txt", "a"]), st.binary(max_size=200))
def test_any_uploaded_bytes_are_read_or_refused_as_unreadable(filename, content):
    table = refused_or_answered(read_table, filename, content, refusal=UnreadableFile)
    if table is not None:
        list(check_rows(table, TODAY))
    refused_or_answered(statistics.read_figures, filename, content, refusal=UnreadableFile)


FIGURE_HEADER = [texts[0] for texts in statistics.HEADERS.values()]
UNITS = {
    "玉溪市": statistics.Unit(1, RegionLevel.city),
    "红塔区": statistics.Unit(2, RegionLevel.county),
    "市本级": statistics.Unit(3, RegionLevel.unit),
}


@FUZZ
@given(
    st.lists(
        st.lists(
            st.one_of(typed, st.sampled_from(list(UNITS))),
            min_size=len(FIGURE_HEADER),
            max_size=len(FIGURE_HEADER),
        ),
        max_size=4,
    )
)
def test_every_official_figure_row_is_checked_into_figures_or_row_errors(rows):
    table = statistics.read_figures("figures.csv", as_csv([FIGURE_HEADER, *rows]))
    checked = statistics.check_file(table, UNITS, TODAY)
    assert checked.rows == len(table.rows)


@FUZZ
@given(st.sampled_from(list(statistics.FigureKind)), st.sampled_from(list(Metric)), typed)
def test_typed_figures_months_and_targets_are_parsed_or_refused(kind, metric, text):
    for parse, args in (
        (statistics.parse_figure, (kind, text)),
        (statistics.parse_month, (text, TODAY)),
        (targets.parse_value, (metric, text)),
    ):
        value = refused_or_answered(parse, *args, refusal=ValueError)
        assert value is None or isinstance(value, Decimal | date)


# --- admin and cadre forms ---------------------------------------------------------------------


@FUZZ
@given(st.dictionaries(st.sampled_from(["undecided", "refused", "x", ""]), typed))
def test_follow_up_intervals_are_whole_days_or_refused(typed_days):
    intervals = refused_or_answered(follow_ups.check_intervals, typed_days)
    assert intervals is None or all(0 <= d <= follow_ups.LONGEST for d in intervals.values())


@FUZZ
@given(
    typed_form(
        enrolment.UpgradeForm,
        kind=mostly(code_of(OutcomeCode)),
        tier=mostly(st.sampled_from(list(map(str, TIERS)))),
        base_percent=mostly(figure(50, 310)),
        effective_on=mostly(day_between(date(2025, 1, 1), date(2027, 1, 1))),
    ),
    st.sampled_from(list(InsuranceStatus)),
    st.one_of(st.none(), st.sampled_from(TIERS)),
)
def test_a_cadres_upgrade_is_reported_or_refused(form, status, tier):
    refused_or_answered(enrolment.check_upgrade, form, status, tier, TIERS, TODAY)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["household", "client_uuid", "walked_on"]), typed)))
def test_a_keyed_in_walk_sheet_is_read_whatever_it_holds(pairs):
    fields = [*pairs, *((f"people-{v}", v) for _k, v in pairs)]
    SheetEntry.from_form(ImmutableMultiDict(fields))


# --- the pages, with garbage in their fields ---------------------------------------------------

GARBAGE = [
    "",
    "\x00",
    "-1",
    "99999999999999999999999",
    "1e999999",
    "NaN",
    "0001-01-01",
    "9999-12-31T23:59-05:00",
    "[" * 1500,
    "<script>alert(1)</script>",
    "１２３",
    "%(name)s {0} %s",
    "x" * 5000,
]
FORMS_PER_PAGE = 4  # the parameter page has a form per series, all alike


def post_forms(client, page: str) -> list[tuple[str, list[tuple[str, str]]]]:
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    forms = [
        (form.action or page.split("?")[0], form.as_the_page_fills_it())
        for form in Page(response.text).forms
        if form.method == "post" and form.action not in ("/logout", "/language")
    ]
    return forms[:FORMS_PER_PAGE]


def garbled(fields: list[tuple[str, str]]):
    """The form as the page filled it in with one field at a time garbled (two kinds of
    garbage each, in turn), then with every field garbled at once."""
    names = list(dict.fromkeys(name for name, _value in fields if name != "csrf_token"))
    for index, name in enumerate(names):
        for garbage in (GARBAGE[2 * index % len(GARBAGE)], GARBAGE[(2 * index + 1) % len(GARBAGE)]):
            yield garbage, [(f, garbage if f == name else v) for f, v in fields]
    for garbage in GARBAGE:
        yield garbage, [(f, v if f == "csrf_token" else garbage) for f, v in fields]


@pytest.fixture
def pages(db):
    """Mei's household with a person, a visit and an enrolment change, and Cai's own record
    (a cadre reports their own upgrade); the pages with forms, by who may open them."""
    home = household(db, "瓦窑村", address="瓦窑村3号")
    assign(db, home, "mei")
    someone = person(db, home, name="孙丽", id_number=id_number(order=246))
    joined = OutcomeForm(person_id=str(someone.id), code="join_flexible", to_value="60")
    made = visit(db, home, [someone], by="mei", outcomes=[joined])
    cadre = person(db, home, name="蔡书记", id_number=id_number(order=135), is_cadre=True)
    cai = user_named(db, "cai")
    cai.person_id = cadre.id
    db.add(cai)
    db.commit()
    return {
        "alice": [
            "/households/new",
            f"/households/{home.id}",
            f"/households/{home.id}/edit",
            f"/households/{home.id}/people/new",
            f"/people/{someone.id}/edit",
            f"/households/{home.id}/visits/new",
            f"/visits/{made.id}",
            f"/calculator?person_id={someone.id}",
            "/changes",
            "/assign",
            "/admin/users/new",
            "/admin/teams",
            "/admin/targets",
            "/admin/follow-ups",
            "/admin/leaflets/new",
            "/admin/parameters",
        ],
        # the sheet first: the team page's forms take Mei off Lee's team
        "lee": [f"/worklist/sheet/entry?member_id={home.assignee_id}", "/team"],
        "cai": ["/"],
    }


@pytest.mark.parametrize("username", ["alice", "lee", "cai"])
def test_every_form_answers_garbage_without_a_server_error(client, as_user, pages, username):
    as_user(username)
    tried = set()
    for page in pages[username]:
        for action, fields in post_forms(client, page):
            for garbage, data in garbled(fields):
                sent = {name: [v for f, v in data if f == name] for name, _value in data}
                response = client.post(action, data=sent, follow_redirects=False)
                where = (action, garbage[:20], response.status_code)
                assert response.status_code < 500 and "Traceback" not in response.text, where
                assert response.status_code not in (401, 403), where  # reached the form's handler
                tried.add(page)
    assert tried == set(pages[username])


def test_a_parameter_nested_a_thousand_brackets_deep_is_refused(client, as_user):
    as_user("alice")
    data = {"value": "[" * 1500, "effective": "2026-01-01", "source": "文件", "confidence": "x"}
    data["csrf_token"] = csrf_token(client, "/admin/parameters")
    response = client.post("/admin/parameters/employee_interest_rate", data=data)
    assert response.status_code == 422
