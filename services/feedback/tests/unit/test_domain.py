"""The rules every part of the service shares: plain text and rate windows."""

from datetime import UTC, datetime, timedelta

import pytest

from feedback import domain
from platform_shared.errors import InvalidInput

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    ["Xin chào <b>anh</b>", "<script>alert(1)</script>", "a &amp; b", "<img src=x onerror=y>", "xin\x00chào"],
)
def test_markup_and_control_characters_are_refused_naming_the_field(text):
    with pytest.raises(InvalidInput) as caught:
        domain.require_plain_text(text, "body")
    assert "body" in caught.value.details["errors"]


@pytest.mark.parametrize("text", ["Lương 5 < 7 triệu thì sao?", "Công ty A & B trả lương chậm", "Giờ làm >= 10 giờ"])
def test_comparisons_and_ampersands_in_plain_text_pass(text):
    assert domain.require_plain_text(text, "body") == text


def test_a_rate_window_allows_the_limit_then_says_how_long_to_wait():
    assert domain.retry_after(NOW, 3, NOW + timedelta(seconds=5), limit=3, seconds=60) == 0
    assert domain.retry_after(NOW, 4, NOW + timedelta(seconds=20), limit=3, seconds=60) == 40
    assert domain.retry_after(NOW, 9, NOW + timedelta(seconds=59.5), limit=3, seconds=60) == 1
    assert domain.window_cutoff(NOW, 60) == NOW - timedelta(seconds=60)
