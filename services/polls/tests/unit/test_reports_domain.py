"""Rules of the semiannual reports: half-years in Vietnam time, the reminder window, merges, sums."""

from datetime import UTC, date, datetime

import pytest

from platform_shared.errors import InvalidInput
from polls.reports import domain
from polls.reports.domain import Merge, Period, Slice


def test_half_years_are_january_to_june_and_july_to_december_in_vietnam_time():
    h1, h2 = domain.parse_period("2026-H1"), domain.parse_period("2026-H2")
    assert (h1.starts, h1.ends, h1.last_day) == (date(2026, 1, 1), date(2026, 7, 1), date(2026, 6, 30))
    assert (h2.starts, h2.ends) == (date(2026, 7, 1), date(2027, 1, 1))
    assert h2.title == "6 tháng cuối năm 2026"
    start, end = h2.bounds()
    assert start == datetime(2026, 6, 30, 17, 0, tzinfo=UTC)  # midnight in Hà Nội
    assert end == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    # 30 June 18:00 UTC is already 1 July in Vietnam.
    assert domain.period_of(datetime(2026, 6, 30, 18, 0, tzinfo=UTC)) == Period(2026, 2)
    assert domain.period_of(datetime(2026, 6, 30, 16, 59, tzinfo=UTC)) == Period(2026, 1)


@pytest.mark.parametrize("text", ["2026-H3", "2026-h1", "2026H1", "26-H1", "", None, 2026, "1999-H1", " 2026-H0"])
def test_anything_else_is_not_a_period(text):
    with pytest.raises(InvalidInput) as error:
        domain.parse_period(text)
    assert list(error.value.details["errors"]) == ["period"]


def test_a_period_that_has_not_begun_has_no_report():
    with pytest.raises(InvalidInput):
        domain.check_started(Period(2027, 1), datetime(2026, 12, 31, 16, 59, tzinfo=UTC))
    domain.check_started(Period(2027, 1), datetime(2026, 12, 31, 17, 0, tzinfo=UTC))  # 1 Jan 2027 in Vietnam


def test_the_reminder_is_due_in_the_last_two_weeks_of_june_and_december():
    vn = lambda y, m, d: datetime(y, m, d, 3, 0, tzinfo=UTC)  # noqa: E731  (10:00 in Vietnam)
    assert domain.reminder_due(vn(2026, 6, 16)) is None
    assert domain.reminder_due(vn(2026, 6, 17)) == Period(2026, 1)
    assert domain.reminder_due(vn(2026, 6, 30)) == Period(2026, 1)
    assert domain.reminder_due(vn(2026, 7, 1)) is None
    assert domain.reminder_due(vn(2026, 12, 17)) is None
    assert domain.reminder_due(vn(2026, 12, 18)) == Period(2026, 2)
    assert domain.reminder_due(datetime(2026, 12, 17, 17, 0, tzinfo=UTC)) == Period(2026, 2)  # 18 Dec 00:00 in VN


def test_a_merged_tenants_figures_count_for_the_survivor_from_the_merge_day_on():
    h2 = Period(2026, 2)
    merges = {"dn": Merge("dn", "hn", date(2026, 9, 15))}
    assert domain.slices("hn", merges, h2) == [
        Slice("hn", date(2026, 7, 1), date(2027, 1, 1)),
        Slice("dn", date(2026, 9, 15), date(2027, 1, 1)),
    ]
    assert domain.slices("dn", merges, h2) == [Slice("dn", date(2026, 7, 1), date(2026, 9, 15))]
    assert domain.reporting_status({"id": "dn"}, merges, h2) == "merged"
    assert domain.reporting_status({"id": "dn"}, merges, Period(2027, 1)) == "gone"
    assert domain.slices("dn", merges, Period(2027, 1)) == []
    assert domain.reporting_status({"id": "dn"}, merges, Period(2026, 1)) is None
    assert domain.slices("hn", merges, Period(2026, 1)) == [Slice("hn", date(2026, 1, 1), date(2026, 7, 1))]


def test_merges_chain_and_never_count_a_day_twice():
    h2 = Period(2026, 2)
    merges = {
        "qn": Merge("qn", "dn", date(2026, 5, 1)),  # before the period: all of qn's H2 goes to dn, then hn
        "dn": Merge("dn", "hn", date(2026, 9, 15)),
    }
    assert domain.slices("hn", merges, h2) == [
        Slice("hn", date(2026, 7, 1), date(2027, 1, 1)),
        Slice("dn", date(2026, 9, 15), date(2027, 1, 1)),
        Slice("qn", date(2026, 9, 15), date(2027, 1, 1)),
    ]
    assert domain.slices("dn", merges, h2) == [
        Slice("dn", date(2026, 7, 1), date(2026, 9, 15)),
        Slice("qn", date(2026, 7, 1), date(2026, 9, 15)),
    ]


def test_parts_are_summed_and_one_missing_part_makes_the_whole_unavailable():
    part = {
        "sections": [{"section": "news", "name": "Tin tức", "submitted": 3, "used": 2}],
        "quota_weeks": {"total": 5, "met": 4},
    }
    total = domain.add_content([part, part])
    assert total["sections"] == [{"section": "news", "name": "Tin tức", "submitted": 6, "used": 4}]
    assert total["quota_weeks"] == {"total": 10, "met": 8}
    assert domain.add_content([part, None]) == {"available": False, "note": "chưa có số liệu"}
    answers = {"received": 10, "answered": 8, "answered_on_time": 7, "overdue_open": 1}
    assert domain.add_feedback([answers, answers])["answered_on_time"] == 14
    assert domain.add_feedback([None])["available"] is False
    assert domain.participation(37, 120) == 30.8 and domain.participation(5, None) is None


def test_an_evaluation_must_say_something():
    for empty in (None, "", "   "):
        with pytest.raises(InvalidInput) as error:
            domain.check_evaluation(empty)
        assert list(error.value.details["errors"]) == ["evaluation"]
