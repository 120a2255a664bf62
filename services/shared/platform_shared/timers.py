"""A nameko timer whose interval is a setting, and whose tick runs on one replica at a time.

``@every("CONTENT_PUBLISH_INTERVAL_SECONDS", 15)``: the interval comes from config at start.
Every replica's timer fires; before spawning the tick's worker the timer tries the
service's PostgreSQL advisory lock for this timer (``platform_shared.singleton``, keyed by
service name and method name). The replica that gets it runs the tick, holding the lock
until the worker ends; the others skip that tick (outcome ``skipped``) and try again at
their next. On SQLite (the embedded default, one process) every tick runs.

The rule for what a tick does: it must be idempotent by state all the same — the lock can
be lost mid-tick with its connection, and a test's ``entrypoint_hook`` calls the method
directly. ``singleton=False`` is for per-replica work (caches, local files).

``Wake("apply_member_imports")`` (a dependency) lets a worker have the timer tick now on its
replica instead of at the next interval — for work that was just queued (an import job started),
so the interval can be long and an idle service stays quiet.
"""

import collections
import logging
import time

from eventlet import Timeout
from eventlet.event import Event
from nameko.extensions import DependencyProvider
from nameko.timer import Timer

from platform_shared import metrics
from platform_shared.singleton import TickLock

log = logging.getLogger("platform.timers")


def record_timer_run(service, timer, outcome):
    """One tick of ``service``'s ``timer`` ran or was skipped (``"ran"`` | ``"skipped"``):
    ``platform_timer_runs_total`` (``platform_shared.metrics.timer_run``)."""
    try:
        metrics.timer_run(service, timer, outcome)
    except Exception:  # metrics never stop a timer
        log.debug("timer metric failed", exc_info=True)


class ConfiguredTimer(Timer):
    """``@every("MEDIA_SWEEP_INTERVAL_SECONDS", 3600)`` — the interval comes from config at start;
    one replica at a time runs a tick unless ``singleton=False``. ``outcomes`` counts this
    replica's ticks by outcome (``ran``, ``skipped``)."""

    def __init__(self, config_key, default, *, singleton=True, **kwargs):
        self.config_key = config_key
        self.default = default
        self.singleton = singleton
        self.outcomes = collections.Counter()
        self._tick_lock = None
        self._lease = None
        self._alarm = Event()  # "wake" (tick now) or "stop"
        super().__init__(interval=default, **kwargs)

    def wake(self):
        """Tick now, or right after the tick running now (it may have looked before the new work
        was there); the interval counts again from that tick."""
        if not self._alarm.ready():
            self._alarm.send("wake")

    def stop(self):
        if self._alarm.ready():
            self._alarm.reset()
        self._alarm.send("stop")
        self.gt.wait()

    def _run(self):
        """nameko's loop (a tick every ``interval``, or as soon as the previous one ended if it took
        longer), which a ``wake()`` also ends early."""
        sleep = 0 if self.eager else self.interval
        while True:
            reason = None
            with Timeout(sleep, exception=False):
                reason = self._alarm.wait()
            if reason == "stop":
                break
            if reason == "wake":
                self._alarm.reset()
            started = time.monotonic()
            self.handle_timer_tick()
            self.worker_complete.wait()
            self.worker_complete.reset()
            sleep = max(0.0, self.interval - (time.monotonic() - started))

    def setup(self):
        self.interval = float(self.container.config.get(self.config_key, self.default))
        if self.singleton:
            self._tick_lock = self._make_lock()
        super().setup()

    def _make_lock(self):
        from platform_shared.dependencies import Database

        database = next((d for d in self.container.dependencies if isinstance(d, Database)), None)
        if database is None:  # no database: nothing shared to coordinate on
            return None
        return _LazyTickLock(database, self.container.service_name, self.method_name)

    def handle_timer_tick(self):
        lease = None
        if self._tick_lock is not None:
            try:
                lease = self._tick_lock.acquire()
            except Exception:
                log.warning(
                    "timer %s.%s skipped: its lock could not be taken",
                    self.container.service_name,
                    self.method_name,
                    exc_info=True,
                )
            if lease is None:  # another replica runs this tick (or the database is away)
                self._count("skipped")
                self.worker_complete.send()  # the loop waits for it before the next interval
                return
        self._lease = lease

        def finished(worker_ctx, result, exc_info):
            # This tick's own result handler: the lease ends with this worker, not with another
            # worker of the method (a test's ``entrypoint_hook`` uses ``handle_result``).
            self._release(lease)
            self._count("ran")
            return self.handle_result(worker_ctx, result, exc_info)

        try:
            self.container.spawn_worker(self, (), {}, handle_result=finished)
        except BaseException:
            self._release(lease)
            raise

    def _release(self, lease):
        if lease is not None:
            lease.release()
        if self._lease is lease:
            self._lease = None

    def _count(self, outcome):
        self.outcomes[outcome] += 1
        record_timer_run(self.container.service_name, self.method_name, outcome)

    def kill(self):
        super().kill()
        self._release(self._lease)


class _LazyTickLock:
    """The ``TickLock`` on the ``Database`` dependency's engine, found at each tick (nameko
    sets extensions up concurrently: the engine may not exist yet when the timer is set up)."""

    def __init__(self, database, service, job):
        self._database, self.service, self.job = database, service, job

    def acquire(self):
        return TickLock(self._database.sessions.engine, self.service, self.job).acquire()


class Wake(DependencyProvider):
    """``wake_imports = Wake("apply_member_imports")``: ``self.wake_imports()`` has this replica's
    ``@every`` timer of that method tick now (``ConfiguredTimer.wake``)."""

    def __init__(self, method_name):
        self.method_name = method_name
        self._timer = None

    def _wake(self):
        if self._timer is None:  # found at first use: extensions are set up concurrently
            self._timer = next(
                ep
                for ep in self.container.entrypoints
                if isinstance(ep, ConfiguredTimer) and ep.method_name == self.method_name
            )
        self._timer.wake()

    def get_dependency(self, worker_ctx):
        return self._wake


every = ConfiguredTimer.decorator
