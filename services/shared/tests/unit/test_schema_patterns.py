"""The patterns the OpenAPI document gives strings say exactly what the schemas accept."""

import re
import unicodedata

import pytest

from platform_shared.schemas import STORABLE_PATTERN, is_storable, text_pattern, years_pattern
from platform_shared.text import nfc


@pytest.mark.parametrize("first, last", [(1950, 2100), (2000, 2100), (1995, 2003), (2026, 2026)])
def test_a_years_pattern_matches_those_years_and_no_other(first, last):
    pattern = re.compile(f"^{years_pattern(first, last)}$")
    assert [y for y in range(1000, 10000) if pattern.match(str(y))] == list(range(first, last + 1))


SAMPLES = [
    "Công đoàn",
    "N\t",
    ", ",
    "  a  ",
    "a b",
    "\u3000x\u2003y\u3000",
    "ab\x00",
    "tab\tand\nnewline",
    "\x1f\x1f",
    "e\u0301",
    unicodedata.normalize("NFD", "Cô"),
    "",
    "\x7f",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_the_storable_pattern_is_the_storable_check(text):
    assert bool(re.match(STORABLE_PATTERN, text)) == is_storable(text)


@pytest.mark.parametrize("min_length", [1, 2, 3])
@pytest.mark.parametrize("text", SAMPLES)
def test_a_text_pattern_accepts_what_is_long_enough_once_trimmed(text, min_length):
    matched = bool(re.match(text_pattern(min_length), text))
    if matched:  # never promises more than the schema keeps
        assert is_storable(text) and len(nfc(text)) >= min_length
    elif is_storable(text) and len(nfc(text)) >= min_length:
        # the one thing the pattern cannot count: blanks kept inside once collapsed ("a b" is 3)
        assert len(nfc(text).replace(" ", "")) < min_length


def test_text_longer_than_its_maximum_as_sent_is_refused_even_if_blanks_would_shorten_it():
    from marshmallow import ValidationError

    from platform_shared.schemas import Text, length

    field = Text(validate=length(2, 12))
    assert field.deserialize(" Công  đoàn ") == "Công đoàn"  # 12 as sent, 9 kept
    with pytest.raises(ValidationError):
        field.deserialize(" Công   đoàn ")  # 13 as sent
    with pytest.raises(ValidationError):
        field.deserialize(" N\t")  # one character kept
