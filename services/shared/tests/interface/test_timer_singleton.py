"""One replica at a time: the advisory lock of ``platform_shared.singleton`` on the real
PostgreSQL test database, and ``@every`` timers of two containers sharing that database."""

import eventlet
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text

from platform_shared.database import make_engine
from platform_shared.dependencies import Database
from platform_shared.singleton import TickLock, held, lock_key
from platform_shared.testing.waiting import wait_for
from platform_shared.timers import ConfiguredTimer, every


@pytest.fixture
def engine(databases):
    engine = make_engine(databases.url("content"), pool_size=2)
    yield engine
    engine.dispose()


@pytest.fixture
def other_holder(databases):
    """Another session of the database, taking keys as another replica would."""
    engine = make_engine(databases.url("content"), pool_size=1)
    connection = engine.connect()
    transaction = connection.begin()

    def hold(service, job):
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key(service, job)})

    hold.release = transaction.rollback
    yield hold
    if transaction.is_active:
        transaction.rollback()
    connection.close()
    engine.dispose()


def test_the_lock_is_refused_while_another_connection_holds_the_key(engine, other_holder):
    other_holder("content", "publish_scheduled")
    lock = TickLock(engine, "content", "publish_scheduled")
    assert lock.acquire() is None
    assert lock.acquire() is None  # skipped again, without waiting

    other_holder.release()
    lease = lock.acquire()
    assert lease is not None
    assert TickLock(engine, "content", "publish_scheduled").acquire() is None  # held by this lease now
    lease.release()
    with held(engine, "content", "publish_scheduled") as mine:
        assert mine is not None


def test_keys_are_per_service_and_timer(engine, other_holder):
    other_holder("content", "publish_scheduled")
    with held(engine, "content", "close_quota_weeks") as quotas, held(engine, "polls", "publish_scheduled") as polls:
        assert quotas is not None and polls is not None
    assert lock_key("content", "publish_scheduled") == lock_key("content", "publish_scheduled")


def test_on_sqlite_one_process_always_runs(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'one.db'}")
    lock = TickLock(engine, "content", "publish_scheduled")
    first, second = lock.acquire(), lock.acquire()
    assert first is not None and second is not None
    first.release(), second.release()
    engine.dispose()


# -- the timer entrypoint ------------------------------------------------------------------

TICKS = {"shared": 0, "local": 0, "running": 0, "most_at_once": 0}


class Ticking:
    name = "ticking"
    db = Database()

    @every("TICK_SECONDS", 60)
    def shared_tick(self):
        TICKS["shared"] += 1
        TICKS["running"] += 1
        TICKS["most_at_once"] = max(TICKS["most_at_once"], TICKS["running"])
        eventlet.sleep(0.02)  # long enough for the other replica's timer to fire meanwhile
        TICKS["running"] -= 1

    @every("TICK_SECONDS", 60, singleton=False)
    def local_tick(self):
        TICKS["local"] += 1


@pytest.fixture
def ticking(container_factory, databases):
    for key in TICKS:
        TICKS[key] = 0

    def start():
        container = container_factory(Ticking, {"DATABASE_URL": databases.url("content"), "TICK_SECONDS": 0.005})
        container.start()
        return container

    return start


def timer(container, method):
    return next(e for e in container.entrypoints if isinstance(e, ConfiguredTimer) and e.method_name == method)


def counted(outcome):
    """``platform_timer_runs_total`` of the shared tick with ``outcome`` (the metric is process-wide)."""
    labels = {"service": "ticking", "timer": "shared_tick", "outcome": outcome}
    return REGISTRY.get_sample_value("platform_timer_runs_total", labels) or 0


def test_a_timer_skips_its_tick_while_another_replica_holds_its_key(ticking, other_holder):
    skipped_before = counted("skipped")
    other_holder("ticking", "shared_tick")
    container = ticking()
    shared = timer(container, "shared_tick")
    wait_for(lambda: shared.outcomes["skipped"] >= 3, message="three skipped ticks")
    assert counted("skipped") - skipped_before >= 3
    wait_for(lambda: TICKS["local"] >= 3, message="the per-replica timer to run meanwhile")
    assert TICKS["shared"] == 0 and shared.outcomes["ran"] == 0

    other_holder.release()
    wait_for(lambda: shared.outcomes["ran"] >= 2, message="ticks once the key is free")
    assert TICKS["shared"] >= 2


def test_two_replicas_never_run_the_same_tick_at_once(ticking):
    first, second = ticking(), ticking()
    wait_for(lambda: TICKS["shared"] >= 20, message="twenty ticks across the replicas")
    first.stop(), second.stop()
    assert TICKS["most_at_once"] == 1
    ran = timer(first, "shared_tick").outcomes["ran"] + timer(second, "shared_tick").outcomes["ran"]
    assert ran == TICKS["shared"]
