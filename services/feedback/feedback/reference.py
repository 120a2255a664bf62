"""Reference data the feedback service keeps: the public-holiday table.

Ensured at every start: a year of ``calendar.SEED`` is inserted only when the table has no
row of that year at all, so the platform admins' edits (PUT/DELETE /api/v1/holidays) are
never overwritten by a restart.
"""

from datetime import date

from feedback import calendar
from feedback.models import Holiday
from feedback.store import Holidays


def ensure(sessions, now):
    with sessions.transaction() as session:
        holidays = Holidays(session)
        for year in sorted({day.year for day, _, _ in calendar.SEED}):
            if holidays.rows(date(year, 1, 1), date(year + 1, 1, 1)):
                continue
            for day, name, working in calendar.SEED:
                if day.year == year:
                    session.add(Holiday(day=day, name=name, working_day=working, updated_at=now))
