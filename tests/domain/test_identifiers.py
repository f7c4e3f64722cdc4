"""ID numbers, credit codes and phone numbers: checked part by part, normalised, masked."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.identifiers import (
    InvalidIdentifier,
    check_character,
    mask_id_number,
    mask_phone,
    parse_credit_code,
    parse_id_number,
    parse_phone,
)
from tests.factories import id_number

TODAY = date(2026, 11, 29)


def message_for(text: str) -> str:
    with pytest.raises(InvalidIdentifier) as raised:
        parse_id_number(text, TODAY)
    return raised.value.message


def test_a_valid_number_gives_birth_date_and_sex():
    parsed = parse_id_number(id_number("530402", "19800215", 123), TODAY)
    assert parsed.birth_date == date(1980, 2, 15)
    assert parsed.sex == "M"
    assert parse_id_number(id_number(order=124), TODAY).sex == "F"


def test_a_lower_case_x_is_accepted_and_stored_upper_case():
    number = "11010519491231002X"
    assert parse_id_number(number.lower(), TODAY).number == number


def test_spaces_and_hyphens_are_ignored():
    number = id_number()
    spaced = f"{number[:6]} {number[6:14]}-{number[14:]}"
    assert parse_id_number(spaced, TODAY).number == number


def test_a_legacy_15_digit_number_becomes_18_digits():
    parsed = parse_id_number("530421650101001", TODAY)
    assert parsed.number == "53042119650101001" + check_character("53042119650101001")
    assert parsed.birth_date == date(1965, 1, 1)


@pytest.mark.parametrize(
    ("area", "born"),
    [
        ("530403", "19650101"),  # 江川区 since 2015, held by someone born in 1965
        ("530421", "19980101"),  # 江川县 (1997–2015)
        ("532401", "19700101"),  # 玉溪 before 1997
        ("530422", "20100101"),  # 澄江县 until 2019
        ("110105", "19900101"),  # Beijing: numbers from anywhere in China are normal
    ],
)
def test_codes_that_changed_or_come_from_elsewhere_are_valid(area, born):
    parsed = parse_id_number(id_number(area, born), TODAY)
    assert parsed.known_region


def test_a_county_code_in_no_edition_is_flagged_not_refused():
    assert not parse_id_number(id_number("539999"), TODAY).known_region


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("", "Enter the ID number."),
        ("53040219800101123", "18 characters"),
        ("5304021980010112AB", "18 characters"),
        (id_number("990402"), "province code"),
        (id_number(born="19800230"), "not a real date"),
        (id_number(born="20991231"), "in the future"),
        (id_number(born="18991231"), "before 1900"),
        (id_number()[:17] + ("0" if id_number()[17] != "0" else "1"), "check digit"),
    ],
)
def test_each_kind_of_invalid_number_gets_its_own_message(text, part):
    assert part in message_for(text)


@st.composite
def valid_numbers(draw):
    born = draw(st.dates(date(1900, 1, 1), TODAY))
    area = draw(st.sampled_from(["530402", "530481", "110105", "440305", "532401"]))
    order = draw(st.integers(0, 999))
    return id_number(area, born.strftime("%Y%m%d"), order), born


@given(valid_numbers())
def test_every_well_formed_number_parses_to_its_birth_date(case):
    number, born = case
    parsed = parse_id_number(number, TODAY)
    assert parsed.number == number
    assert parsed.birth_date == born


@given(valid_numbers(), st.integers(0, 16), st.integers(1, 9))
def test_changing_any_one_digit_is_caught(case, position, shift):
    number, _born = case
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    with pytest.raises(InvalidIdentifier):
        parse_id_number(changed, TODAY)


def test_tomorrow_is_in_the_future():
    tomorrow = (TODAY + timedelta(days=1)).strftime("%Y%m%d")
    assert "in the future" in message_for(id_number(born=tomorrow))


def test_id_numbers_are_masked_to_the_first_6_and_last_4():
    assert mask_id_number("53040219800101123X") == "530402********123X"


def test_credit_codes_are_checked_with_their_check_character():
    assert parse_credit_code("91350100m000100y43") == "91350100M000100Y43"
    with pytest.raises(InvalidIdentifier):
        parse_credit_code("91350100M000100Y44")
    with pytest.raises(InvalidIdentifier):
        parse_credit_code("9135010")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("138 1234 5678", "13812345678"),
        ("19912345678", "19912345678"),
        ("0877-2051234", "0877-2051234"),
        ("0877 2051234", "0877-2051234"),
        ("010-61234567", "010-61234567"),
    ],
)
def test_phone_numbers_are_stored_as_digits_with_the_area_code_hyphen(typed, stored):
    assert parse_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12812345678", "1381234567", "2051234", "abc", "0877-0051234"])
def test_bad_phone_numbers_are_refused(typed):
    with pytest.raises(InvalidIdentifier):
        parse_phone(typed)


def test_phones_are_masked():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0877-2051234") == "0877-***1234"
