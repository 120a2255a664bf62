"""Use cases of the answer deadline: each tenant's working days to answer, the holiday table
and its seed, and the deadline a question gets. Plain Python: sessions, stores, the rules."""

import threading
import time
from datetime import UTC, date

from cachetools import TTLCache

from feedback import policy
from feedback.calendar import domain
from feedback.calendar.store import Holidays
from platform_shared.errors import InvalidInput, NotFound
from platform_shared.schemas import feedback as api
from platform_shared.schemas import load

HOLIDAY_CACHE_SECONDS = 60

_settings = api.FeedbackSettingsRead()
_holiday = api.HolidayRead()
_holidays = api.HolidayRead(many=True)
_deleted = api.HolidayDeleted()


class CalendarCache:
    """The working calendar, kept for ``seconds`` (a cachetools ``TTLCache``): the holiday
    table changes a few times a year and every question asked needs it. Edits made through
    this process clear it at once; another replica's edits are seen within ``seconds``.
    Owned by the long-lived nameko dependency, shared by its workers. ``timer`` is the
    cache's clock (``time.monotonic``; a test passes its own)."""

    _KEY = "calendar"

    def __init__(self, seconds=HOLIDAY_CACHE_SECONDS, *, timer=time.monotonic):
        self.seconds = seconds
        self._cache = TTLCache(maxsize=1, ttl=seconds, timer=timer)
        # cachetools caches are not thread-safe. The lock is held while the table loads: one
        # worker loads it while the others wait, and a clear() after an edit waits for a load
        # that may have read the table before the edit, so no stale calendar is kept.
        self._lock = threading.Lock()

    def get(self, load_rows):
        with self._lock:
            working = self._cache.get(self._KEY)
            if working is None:
                working = domain.WorkingCalendar.from_rows(load_rows())
                self._cache[self._KEY] = working
            return working

    def clear(self):
        with self._lock:
            self._cache.clear()


class CalendarOperations:
    """``tenants(session)`` is the tenant copy (``platform_shared.tenant_directory``); the
    default number of working days to answer is ``default_answer_days``."""

    def __init__(self, sessions, *, clock, tenants, default_answer_days, cache=None):
        self.sessions = sessions
        self.clock = clock
        self.tenants = tenants
        self.default_answer_days = default_answer_days
        self.cache = cache or CalendarCache()

    # -- the deadline -------------------------------------------------------------------------

    def working_calendar(self, session):
        return self.cache.get(lambda: [(h.day, h.working_day) for h in Holidays(session).rows()])

    def answer_days(self, tenant):
        return tenant.answer_days or self.default_answer_days

    def due_at(self, session, received_at, tenant):
        """The first answer's deadline (UTC) for a question ``tenant`` receives at ``received_at``."""
        return self.working_calendar(session).due_at(received_at, self.answer_days(tenant)).astimezone(UTC)

    def ensure_holidays(self):
        """At start: each year of ``domain.SEED`` is inserted only when the table has no row of
        that year at all, so the platform admins' edits are never overwritten by a restart."""
        now = self.clock.now()
        with self.sessions.transaction() as session:
            holidays = Holidays(session)
            for year in sorted({day.year for day, _, _ in domain.SEED}):
                if holidays.any_between(date(year, 1, 1), date(year + 1, 1, 1)):
                    continue
                for day, name, working in domain.SEED:
                    if day.year == year:
                        holidays.put(day, name, working, now)

    # -- the tenant's setting -------------------------------------------------------------------

    def get_settings(self, actor):
        """The actor's tenant's working days to answer, and the platform default (question staff)."""
        policy.require_question_staff(actor)
        with self.sessions.read() as session:
            tenant = self.tenants(session).get(actor.tenant_id) if actor.tenant_id else None
            days = self.answer_days(tenant) if tenant else self.default_answer_days
            return _settings.dump({"answer_days": days, "default_answer_days": self.default_answer_days})

    def update_settings(self, actor, data):
        """A tenant's answer deadline in working days (its admin). Questions already received keep theirs."""
        policy.require_tenant_admin(actor)
        data = load(api.FeedbackSettings, data)
        with self.sessions.transaction() as session:
            tenant = self.tenants(session).get(actor.tenant_id)
            if tenant is None:
                raise NotFound.of("tenant", actor.tenant_id)
            tenant.answer_days = data["answer_days"]
            return _settings.dump({"answer_days": tenant.answer_days, "default_answer_days": self.default_answer_days})

    # -- holidays -------------------------------------------------------------------------------

    def list_holidays(self, actor, args):
        """The holiday table, of one year when asked (anyone signed in)."""
        args = load(api.HolidayListArgs, args or {})
        start = end = None
        if args.get("year"):
            start, end = date(args["year"], 1, 1), date(args["year"] + 1, 1, 1)
        with self.sessions.read() as session:
            return _holidays.dump(Holidays(session).rows(start, end))

    def put_holiday(self, actor, data):
        """Add or change a holiday or a worked weekend day (platform admins)."""
        policy.require_platform_admin(actor)
        data = load(api.HolidayWrite, data)
        if data["working_day"] and data["day"].weekday() < 5:
            raise InvalidInput.field(
                "working_day", "Chỉ thứ Bảy hoặc Chủ nhật mới là ngày làm bù.", code="NOT_A_WEEKEND"
            )
        with self.sessions.transaction() as session:
            view = _holiday.dump(
                Holidays(session).put(data["day"], data["name"], data["working_day"], self.clock.now())
            )
        self.cache.clear()
        return view

    def delete_holiday(self, actor, day):
        """Remove a day from the table (platform admins)."""
        policy.require_platform_admin(actor)
        day = load(api.HolidayWrite, {"day": day, "name": "--"}, partial=True)["day"]
        with self.sessions.transaction() as session:
            holidays = Holidays(session)
            row = holidays.get(day)
            if row is None:
                raise NotFound.of("holiday", day.isoformat())
            holidays.delete(row)
        self.cache.clear()
        return _deleted.dump({"deleted": day.isoformat()})
