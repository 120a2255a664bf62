"""Working days in Viet Nam: weekends and public holidays, for answer deadlines. Pure Python.

A deadline of N working days from a question received at ``t`` is the end (local midnight)
of the N-th working day *after* the local day of ``t``: a question received on Monday
with N = 5 is due by the end of the next Monday, one received on Saturday by the end of
the following Friday. Holidays are rows (``day``, ``working_day``): a day off on a
weekday, or a weekend day worked in exchange for one (``working_day = True``).
"""

from datetime import date, datetime, time, timedelta

from platform_shared.clock import VN_TZ

MAX_DAYS_SCANNED = 400

# The official public holidays (Labour Code 2019, art. 112) as the Government set them for
# 2025–2027: New Year, Tết Nguyên đán (lunar new year, with the weekend days compensated),
# Hùng Kings' Commemoration (10th of the 3rd lunar month), 30/4, 1/5, National Day 2/9 and
# the day beside it, and the Saturdays worked in exchange for bridge days. Platform admins
# edit the table when the Government announces changes (PUT/DELETE /api/v1/holidays).
SEED = (
    # 2025 — Tết Ất Tỵ: 25/1–2/2 off, Monday 27/1 swapped with Saturday 8/2.
    (date(2025, 1, 1), "Tết Dương lịch", False),
    (date(2025, 1, 27), "Tết Nguyên đán (hoán đổi ngày làm việc)", False),
    (date(2025, 1, 28), "Tết Nguyên đán (29 tháng Chạp)", False),
    (date(2025, 1, 29), "Tết Nguyên đán (mùng 1)", False),
    (date(2025, 1, 30), "Tết Nguyên đán (mùng 2)", False),
    (date(2025, 1, 31), "Tết Nguyên đán (mùng 3)", False),
    (date(2025, 2, 8), "Làm bù cho ngày 27/1/2025", True),
    (date(2025, 4, 7), "Giỗ Tổ Hùng Vương (10/3 âm lịch)", False),
    (date(2025, 4, 26), "Làm bù cho ngày 2/5/2025", True),
    (date(2025, 4, 30), "Ngày Chiến thắng", False),
    (date(2025, 5, 1), "Ngày Quốc tế Lao động", False),
    (date(2025, 5, 2), "Nghỉ lễ (hoán đổi ngày làm việc)", False),
    (date(2025, 9, 1), "Quốc khánh (ngày liền kề)", False),
    (date(2025, 9, 2), "Quốc khánh", False),
    # 2026 — Tết Bính Ngọ: 14/2–22/2 off; Friday 2/1 swapped with Saturday 10/1.
    (date(2026, 1, 1), "Tết Dương lịch", False),
    (date(2026, 1, 2), "Tết Dương lịch (hoán đổi ngày làm việc)", False),
    (date(2026, 1, 10), "Làm bù cho ngày 2/1/2026", True),
    (date(2026, 2, 16), "Tết Nguyên đán (30 tháng Chạp)", False),
    (date(2026, 2, 17), "Tết Nguyên đán (mùng 1)", False),
    (date(2026, 2, 18), "Tết Nguyên đán (mùng 2)", False),
    (date(2026, 2, 19), "Tết Nguyên đán (mùng 3)", False),
    (date(2026, 2, 20), "Tết Nguyên đán (mùng 4)", False),
    (date(2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương (26/4, Chủ nhật)", False),
    (date(2026, 4, 30), "Ngày Chiến thắng", False),
    (date(2026, 5, 1), "Ngày Quốc tế Lao động", False),
    (date(2026, 9, 1), "Quốc khánh (ngày liền kề)", False),
    (date(2026, 9, 2), "Quốc khánh", False),
    # 2027 — Tết Đinh Mùi: mùng 1 is Saturday 6/2; the two weekend days are compensated.
    (date(2027, 1, 1), "Tết Dương lịch", False),
    (date(2027, 2, 5), "Tết Nguyên đán (29 tháng Chạp)", False),
    (date(2027, 2, 8), "Tết Nguyên đán (mùng 3)", False),
    (date(2027, 2, 9), "Tết Nguyên đán (mùng 4)", False),
    (date(2027, 2, 10), "Nghỉ bù Tết Nguyên đán (mùng 1)", False),
    (date(2027, 2, 11), "Nghỉ bù Tết Nguyên đán (mùng 2)", False),
    (date(2027, 4, 16), "Giỗ Tổ Hùng Vương (10/3 âm lịch)", False),
    (date(2027, 4, 30), "Ngày Chiến thắng", False),
    (date(2027, 5, 3), "Nghỉ bù Ngày Quốc tế Lao động (1/5, thứ Bảy)", False),
    (date(2027, 9, 2), "Quốc khánh", False),
    (date(2027, 9, 3), "Quốc khánh (ngày liền kề)", False),
)


class WorkingCalendar:
    """``days_off``: weekday holidays; ``worked``: weekend days that are working days."""

    def __init__(self, days_off=(), worked=()):
        self.days_off = frozenset(days_off)
        self.worked = frozenset(worked)

    @classmethod
    def from_rows(cls, rows):
        """From ``(day, working_day)`` pairs (the holiday table)."""
        rows = list(rows)
        return cls([d for d, working in rows if not working], [d for d, working in rows if working])

    def is_working_day(self, day):
        if day in self.worked:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def add_working_days(self, start, n):
        """The n-th working day strictly after ``start`` (a date)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        day, counted = start, 0
        for _ in range(MAX_DAYS_SCANNED):
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
                if counted == n:
                    return day
        raise ValueError("no working day found within a year")

    def due_at(self, received_at, n):
        """The deadline (aware UTC-comparable datetime): local midnight ending the n-th working day."""
        last = self.add_working_days(local_day(received_at), n)
        return datetime.combine(last + timedelta(days=1), time(0), tzinfo=VN_TZ)

    def working_days_left(self, now, due_at):
        """Working days after ``now``'s local day up to the last day before ``due_at`` (the local
        midnight that ends it): 0 when that last day is today. Counted up to a year ahead."""
        today, last = local_day(now), last_day(due_at)
        left, day = 0, today
        for _ in range(min(MAX_DAYS_SCANNED, max(0, (last - today).days))):
            day += timedelta(days=1)
            if self.is_working_day(day):
                left += 1
        return left

    def days_overdue(self, now, due_at):
        """Calendar days since the last day allowed before ``due_at``: 1 on the day after it."""
        return max(0, (local_day(now) - last_day(due_at)).days)


def last_day(due_at):
    """The last local day allowed by a deadline (the local midnight that ends that day)."""
    return local_day(due_at - timedelta(microseconds=1))


def local_day(moment):
    return moment.astimezone(VN_TZ).date()


def local_midnight(day):
    """The aware instant a local date begins."""
    return datetime.combine(day, time(0), tzinfo=VN_TZ)
