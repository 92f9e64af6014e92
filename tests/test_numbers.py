"""Numbers typed the way people write them: kasvu.numbers, the one rule every form uses."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasvu.numbers import NotANumber, format_decimal, parse_decimal


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("95,5", "fi", "95.5"),
        ("95.5", "fi", "95.5"),
        ("1 234,5", "fi", "1234.5"),
        ("1\u00a0234,5", "sv", "1234.5"),  # a no-break space, as kasvu itself writes numbers
        ("1\u202f234,5", "fi", "1234.5"),
        ("  955 ", "fi", "955"),
        ("−3,2", "fi", "-3.2"),  # the typographic minus of Finnish text
        ("+0,5", "fi", "0.5"),
        (",5", "fi", "0.5"),
        ("1.234,5", "fi", "1234.5"),
        ("1,234.5", "en", "1234.5"),
        ("1,234", "en", "1234"),  # English groups thousands with a comma
        ("1,234", "fi", "1.234"),  # Finnish does not
        ("95,5", "en", "95.5"),
        ("1 234 567", "sv", "1234567"),
    ],
)
def test_accepts_what_people_type(text, lang, expected):
    assert parse_decimal(text, lang) == Decimal(expected)


@pytest.mark.parametrize(
    "text", ["9 5,5x", "9 5,5", "95,", "1,2,3", "", "   ", "1e5", "12 34", "abc", "1 234.567,5", "--5", "5-"]
)
def test_refuses_what_is_not_a_number(text):
    with pytest.raises(NotANumber) as info:
        parse_decimal(text, "fi")
    assert info.value.text == text and info.value.reason


@pytest.mark.parametrize(
    ("value", "lang", "shown"),
    [
        (95.5, "fi", "95,5"),
        (95.5, "en", "95.5"),
        (955.0, "fi", "955"),
        (0.1 + 0.2, "sv", "0,3"),
        (None, "fi", ""),
    ],
)
def test_format_decimal_shows_the_value_as_typed(value, lang, shown):
    assert format_decimal(value, lang) == shown


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False),
    st.sampled_from(["fi", "sv", "en"]),
)
def test_what_is_shown_reads_back_as_the_same_number(number, lang):
    assert parse_decimal(format_decimal(number, lang), lang) == number
