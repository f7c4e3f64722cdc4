"""Nothing typed is cut: text longer than its column holds is refused with the limit named, in
forms, rows of an imported list and visits alike; and names keep every CJK character (生僻字
of the extension planes too) and the middle dot of minority names, but no emoji or symbols."""

from datetime import date

import pytest

from app.core.i18n import Message, gettext_for
from app.domain.imports import check_rows, read_table
from app.domain.registry import (
    HOUSEHOLD_TEXT,
    LENGTHS,
    HouseholdForm,
    PersonForm,
    check_household,
    check_person,
)
from app.domain.statistics import SOURCE_LENGTH, check_file, read_figures
from app.domain.validation import TOO_LONG, Invalid, person_name
from app.domain.visits import REASON_LENGTH, OutcomeForm, check_visit
from tests.domain.test_official_figures import HEADER as FIGURES_HEADER
from tests.domain.test_official_figures import TODAY as FIGURES_DAY
from tests.domain.test_official_figures import UNITS
from tests.domain.test_visit_rules import RULES, form
from tests.factories import id_number
from tests.sheets import as_csv, person_row

TODAY = date(2026, 11, 29)
zh = gettext_for("zh_CN")


def too_long(limit: int, count: int) -> Message:
    return Message(TOO_LONG, {"limit": limit, "count": count})


def name_errors(typed: str) -> dict:
    errors: dict = {}
    person_name(errors, "name", typed, LENGTHS["name"])
    return errors


def person(**fields) -> PersonForm:
    return PersonForm(**{"name": "王大海", "id_number": id_number(), **fields})


def refused(check, typed) -> dict:
    with pytest.raises(Invalid) as invalid:
        check(typed)
    return invalid.value.errors


# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "𠇔",  # U+201D4, CJK extension B
        "王𠇔",
        "\U00031350",  # extension H, newer than this Python's Unicode tables
        "阿依古丽·买买提",
        "阿依古丽・买买提",
        "阿依古丽•买买提",
        "Nguyễn Thị Hoa",
        "Jean-Pierre O'Neil",
        "张三（户主）",
    ],
)
def test_names_keep_every_cjk_character_and_the_middle_dot(typed):
    assert name_errors(typed) == {}
    assert check_person(person(name=typed), TODAY).name == typed


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("王😀芳👍", "😀、👍"),
        ("王❤️芳", "❤"),
        ("🇨🇳王芳", "🇨、🇳"),
        ("王★芳", "★"),
        ("王\u200b芳", "U+200B"),  # a zero-width space, invisible: named by its code point
        ("王\ue000芳", "\ue000"),  # private use: a box on every other phone
    ],
)
def test_names_refuse_emoji_and_symbols_naming_them(typed, named):
    message = name_errors(typed)["name"]
    assert message.values == {"characters": named}
    assert zh(message) == f"姓名里不能有表情或符号，请删去：{named}。"


def test_a_name_with_emoji_is_refused_not_stored():
    assert "name" in refused(lambda typed: check_person(typed, TODAY), person(name="王😀芳👍"))


def test_a_name_of_sixty_characters_is_kept_and_longer_is_refused_with_the_limit():
    assert check_person(person(name="王" * 60), TODAY).name == "王" * 60
    errors = refused(lambda typed: check_person(typed, TODAY), person(name="王" * 10_000))
    assert errors["name"] == too_long(60, 10_000)
    assert zh(errors["name"]) == "最多60个字，现在有10000个字。"


def test_outer_spaces_are_not_counted():
    assert check_person(person(name=f"  {'王' * 60}  "), TODAY).name == "王" * 60


def test_an_over_long_occupation_is_refused():
    errors = refused(lambda typed: check_person(typed, TODAY), person(occupation="字" * 201))
    assert errors == {"occupation": too_long(200, 201)}


# --- households ----------------------------------------------------------------------------


def household(**fields) -> HouseholdForm:
    return HouseholdForm(**{"village_id": "1", "address": "瓦窑村12号", **fields})


@pytest.mark.parametrize("name", HOUSEHOLD_TEXT)
def test_each_household_text_is_refused_past_its_limit_and_kept_up_to_it(name):
    limit = LENGTHS[name]
    business = {"kind": "entity", "credit_code": "91350100M000100Y43", "entity_name": "米线馆"}
    full = household(**(business | {name: "字" * limit}))
    assert getattr(check_household(full), name) == "字" * limit
    longer = full.model_copy(update={name: "字" * (limit + 1)})
    assert refused(check_household, longer) == {name: too_long(limit, limit + 1)}


def test_a_five_thousand_character_address_is_refused_not_cut():
    errors = refused(check_household, household(address="路" * 5000))
    assert zh(errors["address"]) == "最多200个字，现在有5000个字。"


# --- imported lists ------------------------------------------------------------------------


def import_errors(row) -> dict[str, Message]:
    [checked] = list(check_rows(read_table("x.csv", as_csv([row])), TODAY))
    assert isinstance(checked, list), "refused, not imported"
    return {error.column: error.message for error in checked}


def test_an_over_long_cell_in_an_import_is_a_row_error_naming_the_limit():
    assert import_errors(person_row(address="路" * 5000)) == {"住址": too_long(200, 5000)}
    assert import_errors(person_row(key="1" * 41)) == {"户号": too_long(40, 41)}
    assert import_errors(person_row(name="王" * 61)) == {"姓名": too_long(60, 61)}


def test_an_imported_name_with_emoji_is_a_row_error():
    message = import_errors(person_row(name="王😀芳👍"))["姓名"]
    assert message.values == {"characters": "😀、👍"}


def test_a_figures_source_longer_than_its_column_is_a_row_error():
    row = ["红塔区", "2024-06", "100", "", "月" * (SOURCE_LENGTH + 1), "2024-07-05"]
    read = read_figures("x.csv", as_csv([row], header=FIGURES_HEADER))
    result = check_file(read, UNITS, FIGURES_DAY)
    assert result.figures == []
    [error] = result.errors
    assert (error.column, error.message) == ("来源", too_long(200, 201))


# --- visits --------------------------------------------------------------------------------


def test_a_refusals_reason_longer_than_its_column_is_refused_not_cut():
    reason = "忙" * (REASON_LENGTH + 1)
    visit = form(outcomes=[OutcomeForm(person_id="1", code="refused", reason=reason)])
    errors = refused(lambda typed: check_visit(typed, RULES), visit)
    assert errors == {"outcomes.0": too_long(200, 201)}
