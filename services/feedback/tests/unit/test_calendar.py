"""Answer deadlines in working days: weekends, public holidays and swapped days in Viet Nam."""

from datetime import UTC, date, datetime, timedelta

import pytest

from feedback.calendar.domain import SEED, WorkingCalendar, local_day
from feedback.calendar.operations import CalendarCache
from platform_shared.clock import VN_TZ

SEEDED = WorkingCalendar.from_rows((day, working) for day, _, working in SEED)


def local(y, m, d, h=9):
    return datetime(y, m, d, h, tzinfo=VN_TZ)


def test_five_working_days_from_a_monday_end_on_the_next_monday_at_midnight():
    due = SEEDED.due_at(local(2026, 11, 23), 5)
    assert due == datetime(2026, 12, 1, 0, 0, tzinfo=VN_TZ)


def test_a_question_received_on_saturday_counts_from_monday():
    assert SEEDED.due_at(local(2026, 11, 28), 5) == datetime(2026, 12, 5, tzinfo=VN_TZ)


def test_the_local_day_decides_not_the_utc_day():
    # 23:30 UTC on Sunday is 06:30 on Monday in Ha Noi: counting starts on Tuesday.
    received = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert local_day(received) == date(2026, 11, 23)
    assert SEEDED.due_at(received, 1) == datetime(2026, 11, 25, tzinfo=VN_TZ)


def test_tet_nguyen_dan_2026_is_skipped():
    # Received Friday 13/2/2026: 14–22/2 is the Tết holiday with its weekends.
    due = SEEDED.due_at(local(2026, 2, 13), 5)
    assert due == datetime(2026, 2, 28, tzinfo=VN_TZ)  # 23, 24, 25, 26, 27 February


def test_hung_kings_day_and_the_may_holidays_2026():
    # Friday 24/4/2026 → 27/4 (Giỗ Tổ compensated), 30/4, 1/5 are off; working: 28, 29/4, 4, 5, 6/5.
    assert SEEDED.due_at(local(2026, 4, 24), 5) == datetime(2026, 5, 7, tzinfo=VN_TZ)


def test_a_saturday_worked_in_exchange_counts_as_a_working_day():
    # 2/1/2026 is off (swapped); Saturday 10/1/2026 is worked.
    assert not SEEDED.is_working_day(date(2026, 1, 2))
    assert SEEDED.is_working_day(date(2026, 1, 10))
    assert SEEDED.add_working_days(date(2026, 1, 8), 2) == date(2026, 1, 10)


def test_national_day_2025_with_its_extra_day():
    assert SEEDED.add_working_days(date(2025, 8, 29), 1) == date(2025, 9, 3)


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 1, 1),
        date(2025, 1, 29),  # mùng 1 Tết Ất Tỵ
        date(2025, 4, 7),  # Giỗ Tổ Hùng Vương 10/3 Ất Tỵ
        date(2025, 4, 30),
        date(2025, 5, 1),
        date(2025, 9, 2),
        date(2026, 2, 17),  # mùng 1 Tết Bính Ngọ
        date(2026, 9, 2),
        date(2027, 2, 8),  # Tết Đinh Mùi, mùng 1 on Saturday 6/2
        date(2027, 4, 16),  # Giỗ Tổ Hùng Vương 10/3 Đinh Mùi
        date(2027, 5, 3),  # 1/5/2027 is a Saturday
    ],
)
def test_the_seeded_public_holidays_are_days_off(day):
    assert not SEEDED.is_working_day(day)


def test_every_seeded_swap_day_is_a_weekend_and_every_day_off_a_weekday():
    for day, _, working in SEED:
        assert (day.weekday() >= 5) == working, day


def test_an_empty_table_only_skips_weekends():
    plain = WorkingCalendar()
    week = [date(2026, 2, 16) + timedelta(days=n) for n in range(7)]  # Monday to Sunday, Tết 2026
    assert sum(map(plain.is_working_day, week)) == 5
    assert sum(map(SEEDED.is_working_day, week)) == 0


def test_zero_days_is_refused():
    with pytest.raises(ValueError):
        SEEDED.add_working_days(date(2026, 1, 5), 0)


class Clock:
    """The cache's timer, moved by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def holiday_table(days):
    """A loader of the holiday table that counts how often it was read."""

    def load():
        load.reads += 1
        return [(day, False) for day in days]

    load.reads = 0
    return load


def test_the_calendar_is_read_once_while_it_is_fresh_then_again():
    clock, load = Clock(), holiday_table([date(2026, 12, 1)])
    cache = CalendarCache(60, timer=clock)
    first = cache.get(load)
    clock.now += 59
    assert cache.get(load) is first and load.reads == 1
    clock.now += 2
    assert cache.get(load) is not first and load.reads == 2


def test_an_edit_clears_the_calendar_at_once():
    clock, days = Clock(), [date(2026, 12, 1)]
    cache = CalendarCache(60, timer=clock)
    load = holiday_table(days)
    assert not cache.get(load).is_working_day(date(2026, 12, 1))
    days.clear()
    assert not cache.get(load).is_working_day(date(2026, 12, 1))  # still the kept calendar
    cache.clear()
    assert cache.get(load).is_working_day(date(2026, 12, 1)) and load.reads == 2


def test_no_cache_seconds_reads_the_table_every_time():
    load = holiday_table([])
    cache = CalendarCache(0, timer=Clock())
    cache.get(load)
    cache.get(load)
    assert load.reads == 2
