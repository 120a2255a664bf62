"""Weekly quotas: ISO weeks in Vietnam time, rules in force, and evaluating one tenant's week."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from content.quotas.domain import (
    DEFAULT_RULES,
    Rule,
    Submission,
    evaluate,
    parse_week,
    quarter_weeks,
    rules_in_force,
    week_bounds,
    week_label,
    week_of,
    weeks_between,
)
from platform_shared.clock import VN_TZ
from platform_shared.errors import InvalidInput

NEWS, THEMATIC = DEFAULT_RULES

# 2026-W48 runs from Monday 23 Nov 2026 00:00 to Monday 30 Nov 00:00, Vietnam time (UTC+7).
WEEK = "2026-W48"
WEEK_START = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
WEEK_END = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)
DURING = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
AFTER = WEEK_END


# -- weeks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-W48", (2026, 48)),
        ("2026-W01", (2026, 1)),
        ("2026-W05", (2026, 5)),
        ("2020-W53", (2020, 53)),
        ("2026-W53", (2026, 53)),  # 1 Jan 2026 is a Thursday: 2026 has 53 ISO weeks
        (" 2026-W48 ", (2026, 48)),
    ],
)
def test_parse_week_accepts_existing_iso_weeks(text, expected):
    assert parse_week(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2025-W53",  # 2025 has 52 ISO weeks
        "2027-W53",  # and so has 2027
        "2026-W00",
        "2026-W54",
        "2026-W99",
        "2026-W5",
        "2026-W048",
        "2026W48",
        "2026-w48",
        "2026-48",
        "26-W48",
        "W48-2026",
        "2026-W48-1",
        "2026-W٤٨",  # Arabic-Indic digits
        "0000-W01",
        "",
        "tuần 48",
        None,
        202648,
    ],
)
def test_parse_week_refuses_anything_else(text):
    with pytest.raises(InvalidInput) as raised:
        parse_week(text)
    assert raised.value.code == "INVALID_WEEK"
    assert raised.value.message == "Tuần không hợp lệ, dùng dạng 2026-W48."
    assert raised.value.details == {"errors": {"week": ["Tuần không hợp lệ, dùng dạng 2026-W48."]}}


def test_week_label_is_zero_padded():
    assert week_label(2026, 5) == "2026-W05"
    assert week_label(2026, 48) == "2026-W48"
    assert parse_week(week_label(2020, 53)) == (2020, 53)


@pytest.mark.parametrize(
    "moment, expected",
    [
        # Sunday 29 Nov 2026 16:59 UTC is Sunday 23:59 in Vietnam: still week 48.
        (datetime(2026, 11, 29, 16, 59, 59, tzinfo=UTC), "2026-W48"),
        # 17:00 UTC is Monday 30 Nov 00:00 in Vietnam: week 49.
        (datetime(2026, 11, 29, 17, 0, tzinfo=UTC), "2026-W49"),
        # The brief's example: Sunday 20:00 UTC is Monday 03:00 in Vietnam.
        (datetime(2026, 11, 29, 20, 0, tzinfo=UTC), "2026-W49"),
        (datetime(2026, 11, 30, 0, 0, tzinfo=VN_TZ), "2026-W49"),
        (datetime(2026, 11, 29, 23, 59, tzinfo=VN_TZ), "2026-W48"),
        # Another offset is converted too: Sunday 22:00 in New York (UTC-5) is Monday 10:00 in Vietnam.
        (datetime(2026, 11, 29, 22, 0, tzinfo=timezone(timedelta(hours=-5))), "2026-W49"),
        # Around the new year: the ISO year is not the calendar year.
        (datetime(2025, 12, 28, 17, 0, tzinfo=UTC), "2026-W01"),  # Mon 29 Dec 2025 00:00 in Vietnam
        (datetime(2025, 12, 28, 16, 59, tzinfo=UTC), "2025-W52"),
        (datetime(2027, 1, 3, 12, 0, tzinfo=UTC), "2026-W53"),
        (datetime(2021, 1, 1, 0, 0, tzinfo=UTC), "2020-W53"),
    ],
)
def test_week_of_uses_vietnam_time(moment, expected):
    assert week_of(moment) == expected


def test_week_of_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        week_of(datetime(2026, 11, 26, 8, 0))


def test_week_bounds_are_vietnam_mondays_in_utc():
    start, end = week_bounds(WEEK)
    assert (start, end) == (WEEK_START, WEEK_END)
    assert start.tzinfo == UTC and end.tzinfo == UTC
    assert start.astimezone(VN_TZ) == datetime(2026, 11, 23, 0, 0, tzinfo=VN_TZ)
    assert end - start == timedelta(days=7)
    assert week_of(start) == WEEK
    assert week_of(end - timedelta(microseconds=1)) == WEEK
    assert week_of(end) == "2026-W49"


def test_week_bounds_across_the_new_year():
    assert week_bounds("2026-W01") == (
        datetime(2025, 12, 28, 17, 0, tzinfo=UTC),
        datetime(2026, 1, 4, 17, 0, tzinfo=UTC),
    )
    assert week_bounds("2026-W53")[1] == week_bounds("2027-W01")[0]


def test_week_bounds_refuses_bad_labels():
    with pytest.raises(InvalidInput):
        week_bounds("2025-W53")


# -- rules -----------------------------------------------------------------------------


def test_default_rules_as_data():
    expected_news = Rule(
        id="news-weekly-1",
        tenant_kinds=("provincial_federation", "sectoral_union", "corporate_union"),
        section="news",
        min_items=1,
        min_photos_per_item=0,
        effective_from=date(2026, 1, 1),
        effective_to=None,
        label="Ít nhất 1 tin gửi chuyên mục Tin tức mỗi tuần",
    )
    expected_thematic = Rule(
        id="thematic-weekly-2",
        tenant_kinds=("department",),
        section="thematic",
        min_items=2,
        min_photos_per_item=1,
        effective_from=date(2026, 1, 1),
        effective_to=None,
        label="Ít nhất 2 bài chuyên đề có ảnh mỗi tuần",
    )
    assert (expected_news, expected_thematic) == DEFAULT_RULES


def test_default_rules_in_force_and_by_tenant_kind():
    assert rules_in_force(DEFAULT_RULES, WEEK) == [NEWS, THEMATIC]
    assert rules_in_force(DEFAULT_RULES, "2030-W10") == [NEWS, THEMATIC]  # open-ended
    assert rules_in_force(DEFAULT_RULES, "2025-W52") == []
    # 2026-W01 starts on Monday 29 Dec 2025, before the rules' effective date.
    assert rules_in_force(DEFAULT_RULES, "2026-W01") == []
    assert rules_in_force(DEFAULT_RULES, "2026-W02") == [NEWS, THEMATIC]
    assert rules_in_force(DEFAULT_RULES, WEEK, tenant_kind="corporate_union") == [NEWS]
    assert rules_in_force(DEFAULT_RULES, WEEK, tenant_kind="department") == [THEMATIC]
    assert rules_in_force(DEFAULT_RULES, WEEK, tenant_kind="grassroots_union") == []


def test_a_rule_ending_mid_year_is_replaced_from_the_week_after():
    # Until Wednesday 30 Sep 2026 departments owe 2 thematic articles; from 1 Oct, 3.
    old = replace(THEMATIC, effective_to=date(2026, 9, 30))
    new = replace(THEMATIC, id="thematic-weekly-3", min_items=3, effective_from=date(2026, 10, 1))
    rules = [old, new]
    assert rules_in_force(rules, "2026-W39") == [old]  # Monday 21 Sep
    # 2026-W40 starts on Monday 28 Sep, within the old rule: the whole week keeps it.
    assert rules_in_force(rules, "2026-W40") == [old]
    assert rules_in_force(rules, "2026-W41") == [new]  # Monday 5 Oct


def test_effective_dates_are_inclusive():
    monday = date(2026, 11, 23)  # of 2026-W48
    exactly = replace(NEWS, effective_from=monday, effective_to=monday)
    assert rules_in_force([exactly], WEEK) == [exactly]
    assert rules_in_force([replace(NEWS, effective_from=monday + timedelta(days=1))], WEEK) == []
    assert rules_in_force([replace(NEWS, effective_to=monday - timedelta(days=1))], WEEK) == []


def test_rules_in_force_refuses_bad_labels():
    with pytest.raises(InvalidInput):
        rules_in_force(DEFAULT_RULES, "2026-W00")


# -- evaluation ------------------------------------------------------------------------


def item(section="news", at=DURING, photos=0, published=False):
    return Submission(section=section, submitted_at=at, photos=photos, published=published)


def test_evaluate_met():
    result = evaluate(NEWS, [item(published=True)], WEEK, DURING)
    assert result == {
        "rule": "news-weekly-1",
        "section": "news",
        "label": "Ít nhất 1 tin gửi chuyên mục Tin tức mỗi tuần",
        "required": 1,
        "submitted": 1,
        "used": 1,
        "status": "met",
        "week": "2026-W48",
    }


def test_evaluate_at_risk_while_the_week_runs_then_missed():
    assert evaluate(NEWS, [], WEEK, DURING)["status"] == "at_risk"
    assert evaluate(NEWS, [], WEEK, WEEK_START - timedelta(days=3))["status"] == "at_risk"  # a future week
    assert evaluate(NEWS, [], WEEK, WEEK_END - timedelta(microseconds=1))["status"] == "at_risk"
    result = evaluate(NEWS, [], WEEK, AFTER)
    assert (result["status"], result["submitted"], result["used"]) == ("missed", 0, 0)
    assert evaluate(NEWS, [], WEEK, AFTER + timedelta(days=30))["status"] == "missed"


def test_evaluate_met_stays_met_after_the_week():
    assert evaluate(NEWS, [item()], WEEK, AFTER + timedelta(days=30))["status"] == "met"
    assert evaluate(NEWS, [item(), item()], WEEK, AFTER)["submitted"] == 2


def test_evaluate_thematic_needs_two_items_with_a_photo_each():
    one = [item("thematic", photos=3, published=True)]
    assert evaluate(THEMATIC, one, WEEK, DURING)["status"] == "at_risk"
    assert evaluate(THEMATIC, one, WEEK, AFTER)["status"] == "missed"

    without_photo = [*one, item("thematic", photos=0, published=True)]
    result = evaluate(THEMATIC, without_photo, WEEK, AFTER)
    assert (result["submitted"], result["used"], result["status"]) == (1, 1, "missed")

    two = [*without_photo, item("thematic", photos=1)]
    result = evaluate(THEMATIC, two, WEEK, AFTER)
    assert (result["required"], result["submitted"], result["used"], result["status"]) == (2, 2, 1, "met")


def test_evaluate_counts_used_among_the_counted_items_only():
    submissions = [
        item("thematic", photos=1, published=True),
        item("thematic", photos=2, published=False),
        item("thematic", photos=0, published=True),  # no photo: neither submitted nor used
        item("news", photos=5, published=True),  # another section
        item("thematic", at=WEEK_START - timedelta(seconds=1), photos=1, published=True),  # the week before
    ]
    result = evaluate(THEMATIC, submissions, WEEK, DURING)
    assert (result["submitted"], result["used"], result["status"]) == (2, 1, "met")


def test_evaluate_ignores_other_sections():
    result = evaluate(NEWS, [item("thematic", photos=2, published=True)], WEEK, AFTER)
    assert (result["submitted"], result["used"], result["status"]) == (0, 0, "missed")


def test_evaluate_ignores_submissions_outside_the_week_in_vietnam_time():
    submissions = [
        # Sunday 22 Nov 23:59:59 in Vietnam: the previous week.
        item(at=WEEK_START - timedelta(seconds=1), published=True),
        # Monday 30 Nov 00:00 in Vietnam (still Sunday in UTC): the next week.
        item(at=WEEK_END, published=True),
        item(at=datetime(2026, 11, 29, 20, 0, tzinfo=UTC), published=True),
    ]
    result = evaluate(NEWS, submissions, WEEK, AFTER)
    assert (result["submitted"], result["used"], result["status"]) == (0, 0, "missed")
    assert evaluate(NEWS, submissions, "2026-W49", AFTER)["submitted"] == 2
    assert evaluate(NEWS, submissions, "2026-W47", AFTER)["submitted"] == 1


def test_evaluate_counts_the_first_and_last_instant_of_the_week():
    # Monday 23 Nov 00:00 in Vietnam, given in Vietnam time; and Sunday 29 Nov 23:59:59.999999.
    first = item(at=datetime(2026, 11, 23, 0, 0, tzinfo=VN_TZ))
    last = item(at=WEEK_END - timedelta(microseconds=1))
    assert evaluate(NEWS, [first, last], WEEK, AFTER)["submitted"] == 2


def test_evaluate_normalises_the_week_and_refuses_bad_ones():
    assert evaluate(NEWS, [], " 2026-W48 ", DURING)["week"] == "2026-W48"
    with pytest.raises(InvalidInput) as raised:
        evaluate(NEWS, [], "2026-W54", DURING)
    assert raised.value.code == "INVALID_WEEK"


def test_evaluate_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        evaluate(NEWS, [item()], WEEK, datetime(2026, 11, 26, 8, 0))
    with pytest.raises(ValueError):
        evaluate(NEWS, [item(at=datetime(2026, 11, 26, 8, 0))], WEEK, DURING)


def test_a_quarter_holds_the_weeks_whose_monday_falls_in_it():
    weeks = quarter_weeks(2026, 4)  # Mondays 5 Oct .. 28 Dec 2026
    assert (weeks[0], weeks[-1], len(weeks)) == ("2026-W41", "2026-W53", 13)
    assert quarter_weeks(2026, 1)[0] == "2026-W02"  # Thursday 1 Jan: its week's Monday is in 2025


def test_weeks_between_cross_the_new_year():
    assert weeks_between("2026-W52", "2027-W02") == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]
