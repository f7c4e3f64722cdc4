"""A download's plain ASCII name says what it is, for which unit and when."""

from app.domain.downloads import plain_file_name, unit_code


def test_a_plain_name_joins_what_it_is_the_unit_and_the_period():
    assert plain_file_name("report", "530402", "2024-06", "monthly", suffix="pdf") == (
        "report-530402-2024-06-monthly.pdf"
    )
    assert plain_file_name("households", "530402", "2024-12-07", suffix="xlsx") == (
        "households-530402-2024-12-07.xlsx"
    )


def test_anything_but_ascii_letters_and_digits_becomes_a_hyphen_and_empty_parts_go():
    assert plain_file_name("dashboard", "玉溪 市", 2024, "", "trend", suffix="csv") == (
        "dashboard-2024-trend.csv"
    )
    assert plain_file_name('a";b', suffix="csv") == "a-b.csv"


def test_a_unit_is_named_by_its_official_code_or_else_its_number():
    assert unit_code("530402", 7) == "530402"
    assert unit_code(None, 7) == "unit7"
