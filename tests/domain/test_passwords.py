"""The password rule: long enough, and not what a guesser tries first."""

import pytest

from app.domain.passwords import (
    HAS_USERNAME,
    TOO_EASY,
    TOO_SHORT,
    common_passwords,
    password_problem,
)


def test_the_common_list_is_a_real_list_in_lower_case():
    common = common_passwords()
    assert len(common) > 5000
    assert {"password", "123456789", "qwertyuiop", "woaini1314", "iloveyou"} <= common
    assert all(word == word.lower() and word.strip() == word for word in common)
    assert not any(word.startswith("#") for word in common), "comment lines are not passwords"


@pytest.mark.parametrize(
    "password",
    [
        "correct-horse-battery",
        "红河边的三棵老树下有鱼",
        "bicycle lamp orange river",
        "Tr0ub4dor&3xyz",
        "vanguard-team-in-yuxi-hills",
    ],
)
def test_long_unguessable_passwords_pass(password):
    assert password_problem(password, "mei") is None


def test_ten_characters_is_the_minimum():
    assert password_problem("zk4-pq9-w2", "mei") is None
    assert password_problem("zk4-pq9-w", "mei") == TOO_SHORT


@pytest.mark.parametrize(
    "password",
    [
        "password123",  # on the list
        "Password2024!",  # a common word padded with a year and a symbol
        "p@ssw0rd2024",  # … and written with look-alike characters
        "2024iloveyou",
        "vanguard2024",  # the app's own name
        "yuxishi123456",
        "1234567890",  # straight runs along the digits, letters and keyboard
        "0987654321",
        "abcdefghijk",
        "qwertyuiop",
        "asdfghjklzx",
        "1qaz2wsx3edc",
        "aaaaaaaaaa",  # repeats
        "abcabcabcabc",
        "1212121212",
        "ababbababab",
        "5201314520",
    ],
)
def test_what_a_guesser_tries_first_is_refused(password):
    assert password_problem(password, "mei") == TOO_EASY


def test_the_username_may_not_be_in_the_password_in_any_case():
    assert password_problem("xiaoli-good-year", "xiaoli") == HAS_USERNAME
    assert password_problem("My-XiaoLi-Garden", "xiaoli") == HAS_USERNAME
    assert password_problem("my-meadow-garden", "ab") is None, "too short a name to matter"
