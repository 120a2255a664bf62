"""Question workflow, tracking codes, plain text, rate windows and report thresholds."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from feedback import domain
from platform_shared.errors import Conflict, InvalidInput
from platform_shared.schemas.feedback import is_tracking_code

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def test_the_published_path_of_a_question():
    status = "received"
    for action in ("assign", "answer", "approve", "publish"):
        status = domain.check_transition(status, action)
    assert status == "published"


@pytest.mark.parametrize("status, action", [("received", "publish"), ("published", "answer"), ("rejected", "assign")])
def test_a_step_out_of_order_is_a_conflict_naming_the_allowed_actions(status, action):
    with pytest.raises(Conflict) as caught:
        domain.check_transition(status, action)
    assert caught.value.details["allowed_actions"] == domain.allowed_actions(status)


def test_a_transferred_question_is_worked_like_a_received_one():
    assert domain.allowed_actions("transferred") == domain.allowed_actions("received")


def test_tracking_codes_carry_the_day_the_sequence_and_an_unguessable_suffix():
    code = domain.tracking_code(date(2026, 11, 26), 42)
    assert re.fullmatch(r"HD-20261126-000042-[0-9A-Z]{4}", code)
    assert is_tracking_code(code) and is_tracking_code(code.lower())
    suffixes = {domain.tracking_code(date(2026, 11, 26), 42)[-4:] for _ in range(50)}
    assert len(suffixes) > 40


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


def test_three_distinct_reports_hide_a_published_comment():
    assert domain.after_report("published", 2) == "published"
    assert domain.after_report("published", 3) == "hidden"
    assert domain.after_report("pending", 5) == "pending"
